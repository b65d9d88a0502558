/*
 * write.c: write the generated BIRD configuration so that a reader (BIRD)
 * sees either the old file or the whole new one: a temporary file in the
 * same directory, fsync, rename.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rs.h"

bool
rs_write_temp(const char *path, char *tmp, size_t tmplen,
    const struct mesh *m, const struct mesh_rs *rs)
{
	FILE	*f;
	int	 fd;

	if ((size_t)snprintf(tmp, tmplen, "%s.XXXXXX", path) >= tmplen) {
		log_warnx("%s: path too long", path);
		return false;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		log_warn("%s: cannot create a temporary file beside it", path);
		return false;
	}
	if (fchmod(fd, 0644) == -1 || (f = fdopen(fd, "w")) == NULL) {
		log_warn("%s", tmp);
		close(fd);
		unlink(tmp);
		return false;
	}
	gen_bird(f, m, rs);
	if (fflush(f) == EOF || ferror(f) || fsync(fileno(f)) == -1) {
		log_warn("%s", tmp);
		fclose(f);
		unlink(tmp);
		return false;
	}
	if (fclose(f) == EOF) {
		log_warn("%s", tmp);
		unlink(tmp);
		return false;
	}
	return true;
}

bool
rs_write_config(const char *path, const struct mesh *m,
    const struct mesh_rs *rs)
{
	char	tmp[4096];

	if (!rs_write_temp(path, tmp, sizeof(tmp), m, rs))
		return false;
	if (rename(tmp, path) == -1) {
		log_warn("rename %s to %s", tmp, path);
		unlink(tmp);
		return false;
	}
	return true;
}
