/*
 * util.c: errors, times, paths and bounded file reading for coimesh-pki.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "pki.h"

/*
 * A fatal error ends the program at once: temporary files are removed,
 * output flushed, and _exit(2) skips freeing what the failed command held
 * (and the leak report a sanitizer build would make of it).
 */
static void __attribute__((noreturn))
die(void)
{
	pki_cleanup();
	fflush(stdout);
	fflush(stderr);
	_exit(1);
}

static void __attribute__((format(printf, 2, 0)))
vmsg(const char *extra, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", PKI_PROG);
	vfprintf(stderr, fmt, ap);
	if (extra != NULL)
		fprintf(stderr, ": %s", extra);
	fputc('\n', stderr);
}

void
pki_fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vmsg(NULL, fmt, ap);
	va_end(ap);
	die();
}

void
pki_fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vmsg(strerror(saved), fmt, ap);
	va_end(ap);
	die();
}

void
pki_fatal_ssl(const char *fmt, ...)
{
	va_list		 ap;
	unsigned long	 e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	va_start(ap, fmt);
	vmsg(r != NULL ? r : "OpenSSL error", fmt, ap);
	va_end(ap);
	die();
}

void
pki_time_str(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}

/* "2026-11-23T13:00:00Z" or seconds since the epoch. */
time_t
pki_parse_time(const char *s)
{
	struct tm	 tm;
	const char	*end;
	char		*e;
	long long	 v;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end != NULL && *end == '\0')
		return timegm(&tm);
	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno == 0 && *s != '\0' && *e == '\0' && v > 0 &&
	    v < 253402300800LL)
		return (time_t)v;
	pki_fatalx("bad time \"%s\": want YYYY-MM-DDTHH:MM:SSZ or seconds "
	    "since 1970", s);
}

long
pki_parse_days(const char *s)
{
	char	*e;
	long	 v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (errno != 0 || *s == '\0' || *e != '\0' || v < 1 || v > 36500)
		pki_fatalx("bad number of days \"%s\": want 1..36500", s);
	return v;
}

char *
pki_path(const char *dir, const char *name)
{
	char	*p;

	if (dir == NULL) {
		if ((p = strdup(name)) == NULL)
			pki_fatal("strdup");
		return p;
	}
	if (asprintf(&p, "%s/%s", dir, name) == -1)
		pki_fatal("asprintf");
	return p;
}

/* The whole of a regular file of at most PKI_FILE_MAX bytes, NUL-terminated. */
void *
pki_read_file(const char *path, size_t *lenp)
{
	struct stat	 st;
	char		*buf;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		pki_fatal("%s", path);
	if (fstat(fd, &st) == -1)
		pki_fatal("%s", path);
	if (!S_ISREG(st.st_mode))
		pki_fatalx("%s: not a regular file", path);
	if (st.st_size > PKI_FILE_MAX)
		pki_fatalx("%s: bigger than %ld bytes", path, PKI_FILE_MAX);
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		pki_fatal("malloc");
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	buf[off] = '\0';
	if (lenp != NULL)
		*lenp = off;
	return buf;
}
