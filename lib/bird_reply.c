/*
 * bird_reply.c: the one parser of BIRD control-socket replies.
 *
 * Bytes go in as they come off the socket; complete replies come out.
 * A line is "DDDD-text" (more follows), "DDDD text" (last line), " text"
 * (continues the previous line's code) or "+text" (asynchronous message).
 * Anything else, a line over BIRD_LINE_MAX, a NUL byte or a reply over
 * BIRD_REPLY_MAX is a protocol error that kills the parser.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bird.h"

#define BIRD_QUEUE_MAX	1024	/* complete replies not yet taken */

struct bird_parser {
	char			 line[BIRD_LINE_MAX + 1];
	size_t			 linelen;
	struct bird_reply	*cur;		/* reply being assembled */
	size_t			 curbytes;
	int			 lastcode;	/* for continuation lines */
	struct bird_reply	*done[BIRD_QUEUE_MAX];
	size_t			 ndone;
	size_t			 first;
	char			 err[128];
	int			 dead;
};

enum bird_class
bird_class(int code)
{
	if (code < 0 || code > 9999)
		return BIRD_UNKNOWN;
	if (code < 1000)
		return BIRD_OK;
	if (code < 3000)
		return BIRD_TABLE;
	if (code >= 8000 && code < 9000)
		return BIRD_ERR_RUNTIME;
	if (code >= 9000)
		return BIRD_ERR_SYNTAX;
	return BIRD_UNKNOWN;
}

bool
bird_reply_ok(const struct bird_reply *r)
{
	return r != NULL && !r->async && bird_class(r->code) == BIRD_OK;
}

const char *
bird_reply_msg(const struct bird_reply *r)
{
	size_t	i;

	if (r == NULL)
		return "";
	for (i = r->nlines; i > 0; i--) {
		if (r->lines[i - 1].text[0] != '\0')
			return r->lines[i - 1].text;
	}
	return "";
}

void
bird_reply_free(struct bird_reply *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nlines; i++)
		free(r->lines[i].text);
	free(r->lines);
	free(r);
}

struct bird_parser *
bird_parser_new(void)
{
	struct bird_parser	*p;

	if ((p = calloc(1, sizeof(*p))) != NULL)
		p->lastcode = -1;
	return p;
}

void
bird_parser_free(struct bird_parser *p)
{
	if (p == NULL)
		return;
	bird_reply_free(p->cur);
	while (p->ndone > 0) {
		bird_reply_free(p->done[p->first]);
		p->first = (p->first + 1) % BIRD_QUEUE_MAX;
		p->ndone--;
	}
	free(p);
}

const char *
bird_parser_error(const struct bird_parser *p)
{
	return p->dead ? p->err : NULL;
}

static int	bird_fail(struct bird_parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
bird_fail(struct bird_parser *p, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->dead = 1;
	return -1;
}

static int
bird_line_add(struct bird_reply *r, int code, const char *text, size_t len)
{
	struct bird_line	*nl;
	char			*t;

	if ((r->nlines & (r->nlines - 1)) == 0) {	/* 0, 1, 2, 4, ... */
		size_t	n = r->nlines == 0 ? 4 : r->nlines * 2;

		if (n < 4)
			n = 4;
		if ((nl = reallocarray(r->lines, n, sizeof(*nl))) == NULL)
			return -1;
		r->lines = nl;
	}
	if ((t = strndup(text, len)) == NULL)
		return -1;
	r->lines[r->nlines].code = code;
	r->lines[r->nlines].text = t;
	r->nlines++;
	return 0;
}

static int
bird_queue(struct bird_parser *p, struct bird_reply *r)
{
	if (p->ndone == BIRD_QUEUE_MAX) {
		bird_reply_free(r);
		return bird_fail(p, "protocol error: %s",
		    "too many unread replies");
	}
	p->done[(p->first + p->ndone) % BIRD_QUEUE_MAX] = r;
	p->ndone++;
	return 0;
}

/* The current reply, started if need be. */
static struct bird_reply *
bird_cur(struct bird_parser *p)
{
	if (p->cur == NULL) {
		p->cur = calloc(1, sizeof(*p->cur));
		p->curbytes = 0;
	}
	return p->cur;
}

static int
bird_line(struct bird_parser *p, const char *s, size_t len)
{
	struct bird_reply	*r;
	int			 code;
	size_t			 i;

	if (len > 0 && s[0] == '+') {
		if ((r = calloc(1, sizeof(*r))) == NULL ||
		    bird_line_add(r, 0, s + 1, len - 1) == -1) {
			bird_reply_free(r);
			return bird_fail(p, "%s", "out of memory");
		}
		r->async = true;
		return bird_queue(p, r);
	}
	if ((r = bird_cur(p)) == NULL)
		return bird_fail(p, "%s", "out of memory");
	p->curbytes += len + 1;
	if (p->curbytes > BIRD_REPLY_MAX)
		return bird_fail(p, "protocol error: %s", "reply too long");
	if (len > 0 && s[0] == ' ') {
		if (p->lastcode < 0)
			return bird_fail(p, "protocol error: %s",
			    "continuation line without a code");
		if (bird_line_add(r, p->lastcode, s + 1, len - 1) == -1)
			return bird_fail(p, "%s", "out of memory");
		return 0;
	}
	if (len < 5 || (s[4] != ' ' && s[4] != '-'))
		return bird_fail(p, "protocol error: bad line \"%.40s\"", s);
	for (code = 0, i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			return bird_fail(p,
			    "protocol error: bad reply code \"%.40s\"", s);
		code = code * 10 + (s[i] - '0');
	}
	if (bird_line_add(r, code, s + 5, len - 5) == -1)
		return bird_fail(p, "%s", "out of memory");
	if (s[4] == '-') {
		p->lastcode = code;
		return 0;
	}
	r->code = code;
	p->cur = NULL;
	p->lastcode = -1;
	return bird_queue(p, r);
}

int
bird_parser_feed(struct bird_parser *p, const char *buf, size_t len)
{
	size_t	i;

	if (p->dead)
		return -1;
	for (i = 0; i < len; i++) {
		char	c = buf[i];

		if (c == '\0')
			return bird_fail(p, "protocol error: %s", "NUL byte");
		if (c != '\n') {
			if (p->linelen == BIRD_LINE_MAX)
				return bird_fail(p, "protocol error: %s",
				    "line too long");
			p->line[p->linelen++] = c;
			continue;
		}
		if (p->linelen > 0 && p->line[p->linelen - 1] == '\r')
			p->linelen--;
		p->line[p->linelen] = '\0';
		if (bird_line(p, p->line, p->linelen) == -1)
			return -1;
		p->linelen = 0;
	}
	return 0;
}

struct bird_reply *
bird_parser_next(struct bird_parser *p)
{
	struct bird_reply	*r;

	if (p->ndone == 0)
		return NULL;
	r = p->done[p->first];
	p->first = (p->first + 1) % BIRD_QUEUE_MAX;
	p->ndone--;
	return r;
}

bool
bird_name_ok(const char *name)
{
	size_t	i;

	if (name == NULL || name[0] == '\0' ||
	    !(isalpha((unsigned char)name[0]) || name[0] == '_'))
		return false;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= 64)
			return false;
		if (!(isalnum((unsigned char)name[i]) || name[i] == '_'))
			return false;
	}
	return true;
}

bool
bird_cmd_ok(const char *cmd)
{
	size_t	i;

	for (i = 0; cmd[i] != '\0'; i++) {
		if (i >= BIRD_CMD_MAX || cmd[i] < 0x20 || cmd[i] == 0x7f)
			return false;
	}
	return i > 0;
}
