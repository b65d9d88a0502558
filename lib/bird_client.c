/*
 * bird_client.c: an asynchronous BIRD control-socket client on libev.
 *
 * DOWN --connect--> GREETING --"0001 ..."--> UP. Commands are pipelined;
 * replies are matched to them in order. Any failure (connect error, EOF,
 * protocol error, no progress for `timeout` seconds while a reply is
 * awaited) closes the socket, fails every pending command with the reason,
 * tells the owner and schedules a reconnect with exponential backoff.
 * Callbacks may queue commands; they must not free the client.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "bird.h"

#define BIRD_BACKOFF_MIN	0.1
#define BIRD_BACKOFF_MAX	5.0
#define BIRD_OUT_MAX		(256u << 10)	/* queued command bytes */
#define BIRD_PENDING_MAX	1024

struct bird_pending {
	TAILQ_ENTRY(bird_pending)	 entry;
	bird_reply_cb			 cb;
	void				*arg;
};
TAILQ_HEAD(bird_pending_head, bird_pending);

enum bird_cstate { BIRD_C_DOWN, BIRD_C_GREETING, BIRD_C_UP };

struct bird_client {
	struct ev_loop		*loop;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	double			 timeout;
	bird_state_cb		 state_cb;
	void			*arg;
	int			 fd;
	enum bird_cstate	 st;
	bool			 reported_down;
	struct bird_parser	*parser;
	ev_io			 rd, wr;
	ev_timer		 retry, timer;
	double			 backoff;
	char			*out;
	size_t			 outlen;
	struct bird_pending_head pending;
	size_t			 npending;
};

static void	bird_client_connect(struct bird_client *);

static void
bird_client_close(struct bird_client *c)
{
	ev_io_stop(c->loop, &c->rd);
	ev_io_stop(c->loop, &c->wr);
	ev_timer_stop(c->loop, &c->timer);
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	bird_parser_free(c->parser);
	c->parser = NULL;
	c->outlen = 0;
	c->st = BIRD_C_DOWN;
}

/* Fail every pending command with WHY. */
static void
bird_client_flush(struct bird_client *c, const char *why)
{
	struct bird_pending_head	 list;
	struct bird_pending		*bp;

	TAILQ_INIT(&list);
	TAILQ_CONCAT(&list, &c->pending, entry);
	c->npending = 0;
	while ((bp = TAILQ_FIRST(&list)) != NULL) {
		TAILQ_REMOVE(&list, bp, entry);
		if (bp->cb != NULL)
			bp->cb(c, NULL, why, bp->arg);
		free(bp);
	}
}

static void
bird_client_fail(struct bird_client *c, const char *why)
{
	bool	was_up = c->st == BIRD_C_UP;

	bird_client_close(c);
	ev_timer_set(&c->retry, c->backoff, 0.);
	ev_timer_start(c->loop, &c->retry);
	c->backoff *= 2;
	if (c->backoff > BIRD_BACKOFF_MAX)
		c->backoff = BIRD_BACKOFF_MAX;
	bird_client_flush(c, why);
	if (was_up || !c->reported_down) {
		c->reported_down = true;
		c->state_cb(c, false, why, c->arg);
	}
}

/* (Re)arm the no-progress timer while something is awaited. */
static void
bird_client_progress(struct bird_client *c)
{
	if (c->st == BIRD_C_GREETING || c->npending > 0) {
		c->timer.repeat = c->timeout;
		ev_timer_again(c->loop, &c->timer);
	} else
		ev_timer_stop(c->loop, &c->timer);
}

static void
bird_client_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct bird_client	*c = w->data;
	char			 why[64];

	snprintf(why, sizeof(why), "timeout after %.1f s waiting for BIRD",
	    c->timeout);
	bird_client_fail(c, why);
}

static void
bird_client_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	bird_client_connect(w->data);
}

/* One complete reply: the greeting, or the answer to the oldest command. */
static int
bird_client_reply(struct bird_client *c, const struct bird_reply *r)
{
	struct bird_pending	*bp;
	char			 why[96];

	if (r->async)
		return 0;
	if (c->st == BIRD_C_GREETING) {
		if (r->code != 1) {
			snprintf(why, sizeof(why),
			    "unexpected greeting from BIRD: %04d", r->code);
			bird_client_fail(c, why);
			return -1;
		}
		c->st = BIRD_C_UP;
		c->backoff = BIRD_BACKOFF_MIN;
		c->reported_down = false;
		bird_client_progress(c);
		c->state_cb(c, true, NULL, c->arg);
		return 0;
	}
	if ((bp = TAILQ_FIRST(&c->pending)) == NULL) {
		bird_client_fail(c, "protocol error: reply without a command");
		return -1;
	}
	TAILQ_REMOVE(&c->pending, bp, entry);
	c->npending--;
	bird_client_progress(c);
	if (bp->cb != NULL)
		bp->cb(c, r, NULL, bp->arg);
	free(bp);
	return 0;
}

static void
bird_client_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct bird_client	*c = w->data;
	struct bird_reply	*r;
	char			 buf[16384];
	ssize_t			 n;
	int			 rv = 0;

	if ((n = read(c->fd, buf, sizeof(buf))) == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		snprintf(buf, sizeof(buf), "read: %s", strerror(errno));
		bird_client_fail(c, buf);
		return;
	}
	if (n == 0) {
		bird_client_fail(c, "BIRD closed the connection");
		return;
	}
	if (bird_parser_feed(c->parser, buf, (size_t)n) == -1) {
		snprintf(buf, sizeof(buf), "%s", bird_parser_error(c->parser));
		bird_client_fail(c, buf);
		return;
	}
	/* A callback may fail the connection, which frees the parser. */
	while (rv == 0 && c->parser != NULL &&
	    (r = bird_parser_next(c->parser)) != NULL) {
		rv = bird_client_reply(c, r);
		bird_reply_free(r);
	}
}

static void
bird_client_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct bird_client	*c = w->data;
	char			 why[96];
	ssize_t			 n;

	n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		snprintf(why, sizeof(why), "write: %s", strerror(errno));
		bird_client_fail(c, why);
		return;
	}
	memmove(c->out, c->out + n, c->outlen - (size_t)n);
	c->outlen -= (size_t)n;
	if (c->outlen == 0)
		ev_io_stop(loop, &c->wr);
}

static void
bird_client_connect(struct bird_client *c)
{
	struct sockaddr_un	sun;
	char			why[160];

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, c->path, strlen(c->path));
	if ((c->parser = bird_parser_new()) == NULL) {
		bird_client_fail(c, "out of memory");
		return;
	}
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1 ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(why, sizeof(why), "connect %s: %s", c->path,
		    strerror(errno));
		bird_client_fail(c, why);
		return;
	}
	c->st = BIRD_C_GREETING;
	ev_io_set(&c->rd, c->fd, EV_READ);
	ev_io_set(&c->wr, c->fd, EV_WRITE);
	ev_io_start(c->loop, &c->rd);
	bird_client_progress(c);
}

struct bird_client *
bird_client_new(struct ev_loop *loop, const char *path, double timeout,
    bird_state_cb state_cb, void *arg)
{
	struct bird_client	*c;

	if (strlen(path) >= sizeof(c->path) || timeout <= 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->out = malloc(BIRD_OUT_MAX)) == NULL) {
		free(c);
		return NULL;
	}
	c->loop = loop;
	memcpy(c->path, path, strlen(path));
	c->timeout = timeout;
	c->state_cb = state_cb;
	c->arg = arg;
	c->fd = -1;
	c->backoff = BIRD_BACKOFF_MIN;
	TAILQ_INIT(&c->pending);
	ev_io_init(&c->rd, bird_client_read_cb, -1, EV_READ);
	ev_io_init(&c->wr, bird_client_write_cb, -1, EV_WRITE);
	ev_init(&c->timer, bird_client_timer_cb);
	ev_init(&c->retry, bird_client_retry_cb);
	c->rd.data = c->wr.data = c->timer.data = c->retry.data = c;
	/* Connect from the loop so the owner sees every callback there. */
	ev_timer_set(&c->retry, 0., 0.);
	ev_timer_start(loop, &c->retry);
	return c;
}

int
bird_client_cmd(struct bird_client *c, const char *cmd, bird_reply_cb cb,
    void *arg)
{
	struct bird_pending	*bp;
	size_t			 len;

	if (c->st != BIRD_C_UP || !bird_cmd_ok(cmd) ||
	    c->npending >= BIRD_PENDING_MAX)
		return -1;
	len = strlen(cmd);
	if (c->outlen + len + 1 > BIRD_OUT_MAX)
		return -1;
	if ((bp = calloc(1, sizeof(*bp))) == NULL)
		return -1;
	bp->cb = cb;
	bp->arg = arg;
	memcpy(c->out + c->outlen, cmd, len);
	c->out[c->outlen + len] = '\n';
	c->outlen += len + 1;
	TAILQ_INSERT_TAIL(&c->pending, bp, entry);
	c->npending++;
	ev_io_start(c->loop, &c->wr);
	if (c->npending == 1)
		bird_client_progress(c);
	return 0;
}

bool
bird_client_up(const struct bird_client *c)
{
	return c->st == BIRD_C_UP;
}

const char *
bird_client_path(const struct bird_client *c)
{
	return c->path;
}

void
bird_client_free(struct bird_client *c)
{
	if (c == NULL)
		return;
	ev_timer_stop(c->loop, &c->retry);
	bird_client_close(c);
	bird_client_flush(c, "client closed");
	free(c->out);
	free(c);
}
