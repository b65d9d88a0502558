/*
 * bird_proto.c: rows of "show protocols".
 *
 *	2002-Name       Proto      Table      State  Since         Info
 *	1002-bgp_m1     BGP        ---        up     13:10:12.345  Established
 *	 kernel1    Kernel     master4    up     13:10:12.345
 *	0000
 *
 * "Since" is one word (a time) or two (a date and a time), depending on
 * BIRD's timeformat; whatever follows it is the info column.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bird.h"

#define BIRD_PROTO_WORDS	6

static bool
bird_is_date(const char *w)
{
	int	y, m, d;
	char	c;

	return sscanf(w, "%4d-%2d-%2d%c", &y, &m, &d, &c) == 3;
}

/* Copy at most dstlen-1 bytes of [s, s+len) and NUL-terminate. */
static void
bird_copy(char *dst, size_t dstlen, const char *s, size_t len)
{
	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* The next whitespace-separated word of *sp; 0 when there is none. */
static size_t
bird_word(const char **sp, const char **w)
{
	const char	*s = *sp;
	size_t		 n = 0;

	while (isspace((unsigned char)*s))
		s++;
	*w = s;
	while (s[n] != '\0' && !isspace((unsigned char)s[n]))
		n++;
	*sp = s + n;
	return n;
}

static int
bird_proto_row(const char *s, struct bird_proto *bp)
{
	const char	*w, *rest;
	size_t		 n;
	char		 first[33];

	memset(bp, 0, sizeof(*bp));
	if ((n = bird_word(&s, &w)) == 0 || n >= sizeof(bp->name))
		return -1;
	bird_copy(bp->name, sizeof(bp->name), w, n);
	if ((n = bird_word(&s, &w)) == 0)
		return -1;
	bird_copy(bp->proto, sizeof(bp->proto), w, n);
	if ((n = bird_word(&s, &w)) == 0)
		return -1;
	bird_copy(bp->table, sizeof(bp->table), w, n);
	if ((n = bird_word(&s, &w)) == 0)
		return -1;
	bird_copy(bp->state, sizeof(bp->state), w, n);
	if ((n = bird_word(&s, &w)) == 0)
		return -1;
	bird_copy(first, sizeof(first), w, n);
	rest = s;
	if (bird_is_date(first) && (n = bird_word(&s, &w)) > 0 &&
	    isdigit((unsigned char)w[0])) {
		snprintf(bp->since, sizeof(bp->since), "%.16s %.*s", first,
		    (int)(n > 15 ? 15 : n), w);
		rest = s;
	} else
		snprintf(bp->since, sizeof(bp->since), "%s", first);
	while (isspace((unsigned char)*rest))
		rest++;
	n = strlen(rest);
	while (n > 0 && isspace((unsigned char)rest[n - 1]))
		n--;
	bird_copy(bp->info, sizeof(bp->info), rest, n);
	return 0;
}

int
bird_protos_parse(const struct bird_reply *r, struct bird_proto **out)
{
	struct bird_proto	*v;
	size_t			 i;
	int			 n = 0;

	*out = NULL;
	if (!bird_reply_ok(r))
		return -1;
	if ((v = calloc(r->nlines + 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < r->nlines; i++) {
		if (r->lines[i].code != 1002)
			continue;
		if (bird_proto_row(r->lines[i].text, &v[n]) == -1) {
			free(v);
			return -1;
		}
		n++;
	}
	*out = v;
	return n;
}

void
bird_protos_free(struct bird_proto *v)
{
	free(v);
}
