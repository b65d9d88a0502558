/*
 * bird_conn.c: a blocking BIRD control-socket client with deadlines, for
 * routeserver and tools. Every wait is a poll() bounded by the caller's
 * timeout; asynchronous '+' messages are skipped.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bird.h"

struct bird_conn {
	int			 fd;
	struct bird_parser	*parser;
};

static long long
bird_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read until a reply (not an async message) is complete or time is up. */
static struct bird_reply *
bird_wait(struct bird_conn *c, int timeout_ms, char *err, size_t errlen)
{
	struct bird_reply	*r;
	struct pollfd		 pfd;
	long long		 deadline = bird_now_ms() + timeout_ms;
	char			 buf[4096];
	ssize_t			 n;
	int			 left;

	for (;;) {
		while ((r = bird_parser_next(c->parser)) != NULL) {
			if (!r->async)
				return r;
			bird_reply_free(r);
		}
		left = (int)(deadline - bird_now_ms());
		if (left <= 0) {
			snprintf(err, errlen,
			    "timeout after %d ms waiting for BIRD", timeout_ms);
			return NULL;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return NULL;
		}
		if (pfd.revents == 0)
			continue;
		if ((n = read(c->fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(err, errlen, "read from BIRD: %s",
			    strerror(errno));
			return NULL;
		}
		if (n == 0) {
			snprintf(err, errlen, "BIRD closed the connection");
			return NULL;
		}
		if (bird_parser_feed(c->parser, buf, (size_t)n) == -1) {
			snprintf(err, errlen, "%s",
			    bird_parser_error(c->parser));
			return NULL;
		}
	}
}

struct bird_conn *
bird_connect(const char *path, int timeout_ms, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct bird_conn	*c;
	struct bird_reply	*r;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = -1;
	if ((c->parser = bird_parser_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		bird_close(c);
		return NULL;
	}
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "connect %s: %s", path, strerror(errno));
		bird_close(c);
		return NULL;
	}
	if ((r = bird_wait(c, timeout_ms, err, errlen)) == NULL) {
		bird_close(c);
		return NULL;
	}
	if (r->code != 1) {
		snprintf(err, errlen, "unexpected greeting from BIRD: %04d %s",
		    r->code, bird_reply_msg(r));
		bird_reply_free(r);
		bird_close(c);
		return NULL;
	}
	bird_reply_free(r);
	return c;
}

struct bird_reply *
bird_cmd(struct bird_conn *c, const char *cmd, int timeout_ms, char *err,
    size_t errlen)
{
	char	line[BIRD_CMD_MAX + 2];
	size_t	len, off = 0;
	ssize_t	n;

	if (!bird_cmd_ok(cmd)) {
		snprintf(err, errlen, "refusing to send a malformed command");
		return NULL;
	}
	len = (size_t)snprintf(line, sizeof(line), "%s\n", cmd);
	while (off < len) {
		if ((n = send(c->fd, line + off, len - off,
		    MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "write to BIRD: %s",
			    strerror(errno));
			return NULL;
		}
		off += (size_t)n;
	}
	return bird_wait(c, timeout_ms, err, errlen);
}

void
bird_close(struct bird_conn *c)
{
	if (c == NULL)
		return;
	if (c->fd != -1)
		close(c->fd);
	bird_parser_free(c->parser);
	free(c);
}
