/*
 * file.c: writing files without ever damaging what is there. Every file
 * is first written in full to a temporary file beside it (mode set,
 * fsync'ed); pki_commit() then link(2)s new files into place, which fails
 * rather than overwrite, and rename(2)s replacements. If a new file turns
 * out to exist, the files linked so far are removed again and nothing is
 * replaced. Temporary files left by an error are removed at exit.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>

#include "pki.h"

#define PKI_STAGE_MAX	16

struct staged {
	char	*tmp;
	char	*path;
	bool	 replace;
	bool	 linked;
};

static struct staged	staged[PKI_STAGE_MAX];
static size_t		nstaged;
static char		*made[PKI_STAGE_MAX];	/* directories made, not committed */
static size_t		nmade;
static bool		atexit_set;

void
pki_cleanup(void)
{
	size_t	i;

	for (i = 0; i < nstaged; i++) {
		if (staged[i].tmp != NULL)
			unlink(staged[i].tmp);
		free(staged[i].tmp);
		free(staged[i].path);
	}
	nstaged = 0;
	while (nmade > 0) {
		rmdir(made[--nmade]);
		free(made[nmade]);
	}
}

static void
need_atexit(void)
{
	if (!atexit_set) {
		atexit(pki_cleanup);
		atexit_set = true;
	}
}

void
pki_must_not_exist(const char *path)
{
	struct stat	st;

	if (lstat(path, &st) == 0)
		pki_fatalx("%s: already exists, not overwriting", path);
	if (errno != ENOENT)
		pki_fatal("%s", path);
}

static void
stage_path(const char *path, const void *data, size_t len, int mode,
    bool replace)
{
	struct staged	*s;
	char		*copy, *dir;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if (!replace)
		pki_must_not_exist(path);
	if (nstaged == PKI_STAGE_MAX)
		pki_fatalx("internal error: too many files");
	need_atexit();
	s = &staged[nstaged];
	memset(s, 0, sizeof(*s));
	if ((copy = strdup(path)) == NULL)
		pki_fatal("strdup");
	dir = dirname(copy);
	if (asprintf(&s->tmp, "%s/.pki-tmp.XXXXXX", dir) == -1)
		pki_fatal("asprintf");
	free(copy);
	if ((s->path = strdup(path)) == NULL)
		pki_fatal("strdup");
	s->replace = replace;
	/* mkstemp creates 0600 with O_EXCL */
	if ((fd = mkstemp(s->tmp)) == -1) {
		free(s->tmp);
		s->tmp = NULL;
		pki_fatal("%s: cannot create a temporary file", path);
	}
	nstaged++;
	if (fchmod(fd, (mode_t)mode) == -1)
		pki_fatal("%s", s->tmp);
	while (off < len && (n = write(fd, (const char *)data + off,
	    len - off)) > 0)
		off += (size_t)n;
	if (off != len || fsync(fd) == -1 || close(fd) == -1)
		pki_fatal("%s: write", s->tmp);
}

void
pki_stage(const char *dir, const char *name, const void *data, size_t len,
    int mode, bool replace)
{
	char	*path = pki_path(dir, name);

	stage_path(path, data, len, mode, replace);
	free(path);
}

/* Stage the contents of memory BIO B, and free it. */
void
pki_stage_bio(const char *dir, const char *name, BIO *b, int mode,
    bool replace)
{
	char	*data;
	long	 len;

	len = BIO_get_mem_data(b, &data);
	if (len < 0)
		pki_fatalx("%s/%s: internal error", dir, name);
	pki_stage(dir, name, data, (size_t)len, mode, replace);
	BIO_free(b);
}

void
pki_commit(void)
{
	size_t	i, j;
	int	saved;

	for (i = 0; i < nstaged; i++) {
		if (staged[i].replace)
			continue;
		if (link(staged[i].tmp, staged[i].path) == -1) {
			saved = errno;
			for (j = 0; j < i; j++)
				if (staged[j].linked)
					unlink(staged[j].path);
			errno = saved;
			if (saved == EEXIST)
				pki_fatalx("%s: already exists, not "
				    "overwriting", staged[i].path);
			pki_fatal("%s", staged[i].path);
		}
		staged[i].linked = true;
	}
	for (i = 0; i < nstaged; i++) {
		if (!staged[i].replace)
			continue;
		if (rename(staged[i].tmp, staged[i].path) == -1)
			pki_fatal("%s", staged[i].path);
		free(staged[i].tmp);
		staged[i].tmp = NULL;
	}
	for (i = 0; i < nstaged; i++)
		if (!staged[i].replace) {
			unlink(staged[i].tmp);
			free(staged[i].tmp);
			staged[i].tmp = NULL;
		}
	while (nmade > 0)
		free(made[--nmade]);
	pki_cleanup();
}

/* Make a directory that must not exist; it goes again if no commit follows. */
void
pki_mkdir_new(const char *path)
{
	need_atexit();
	if (nmade == PKI_STAGE_MAX)
		pki_fatalx("internal error: too many directories");
	if (mkdir(path, 0700) == -1) {
		if (errno == EEXIST)
			pki_fatalx("%s: already exists, not overwriting", path);
		pki_fatal("%s", path);
	}
	if ((made[nmade++] = strdup(path)) == NULL)
		pki_fatal("strdup");
}

void
pki_mkdir_maybe(const char *path)
{
	need_atexit();
	if (mkdir(path, 0700) == 0) {
		if (nmade < PKI_STAGE_MAX &&
		    (made[nmade] = strdup(path)) != NULL)
			nmade++;
	} else if (errno != EEXIST)
		pki_fatal("%s", path);
}
