/*
 * replay.c: runs a fuzz target without libFuzzer. Every file named on
 * the command line, and every file in every directory named, is passed
 * to LLVMFuzzerTestOneInput() once, in name order (after
 * LLVMFuzzerInitialize(), if the target has one). `make check` links it
 * with each target and replays the corpora through it.
 *
 * Exits 1 if a path cannot be read or a directory holds no input (so a
 * corpus that went missing is noticed); a bad input aborts, as it would
 * under libFuzzer.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
/* optional, as with libFuzzer: set-up done once */
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static int
replay_file(const char *path)
{
	struct stat	 st;
	uint8_t		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		warn("%s", path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	/* exactly the file's size, so that an overread is caught */
	if ((buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL)
		err(1, NULL);
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	if (off != (size_t)st.st_size) {
		warnx("%s: short read", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, off);
	free(buf);
	return 0;
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int
replay_dir(const char *dir, unsigned int *count)
{
	struct dirent	**names;
	struct stat	  st;
	char		  path[PATH_MAX];
	int		  i, n, rv = 0;

	if ((n = scandir(dir, &names, visible, alphasort)) == -1) {
		warn("%s", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]->d_name) >= sizeof(path)) {
			warnx("%s/%s: name too long", dir, names[i]->d_name);
			rv = -1;
		} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) == -1)
				rv = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct stat	st;
	unsigned int	count, total = 0;
	int		i, rv = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s file | directory ...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		count = 0;
		if (stat(argv[i], &st) == -1) {
			warn("%s", argv[i]);
			rv = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) == -1)
				rv = 1;
			if (count == 0) {
				warnx("%s: no inputs", argv[i]);
				rv = 1;
			}
		} else if (replay_file(argv[i]) == 0)
			count = 1;
		else
			rv = 1;
		printf("%s: %u inputs from %s\n", argv[0], count, argv[i]);
		total += count;
	}
	printf("%s: %u inputs replayed\n", argv[0], total);
	return rv;
}
