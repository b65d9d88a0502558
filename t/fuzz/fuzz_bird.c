/*
 * fuzz_bird.c: libFuzzer target for the BIRD reply parser and the
 * "show protocols" row parser. The first byte picks the chunk size the
 * input is fed in, so line and reply boundaries fall everywhere; every
 * reply taken out must be well formed, and a dead parser stays dead.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bird.h"
#include "fuzz.h"

static void
fuzz_bird_check(const struct bird_reply *r)
{
	struct bird_proto	*v;
	size_t			 i;
	int			 n;

	fuzz_check(r->nlines > 0);
	for (i = 0; i < r->nlines; i++) {
		fuzz_check(r->lines[i].code >= 0 && r->lines[i].code <= 9999);
		fuzz_check(strlen(r->lines[i].text) <= BIRD_LINE_MAX);
	}
	if (!r->async)
		fuzz_check(r->lines[r->nlines - 1].code == r->code);
	(void)bird_reply_msg(r);
	(void)bird_class(r->code);
	if ((n = bird_protos_parse(r, &v)) >= 0) {
		for (i = 0; i < (size_t)n; i++)
			fuzz_check(v[i].name[0] != '\0' && v[i].state[0] != '\0');
		bird_protos_free(v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bird_parser	*p;
	struct bird_reply	*r;
	size_t			 chunk, off;
	int			 dead = 0;
	char			 name[80];

	if (size < 1)
		return 0;
	chunk = data[0] == 0 ? size : data[0];
	data++;
	size--;
	if ((p = bird_parser_new()) == NULL)
		return 0;
	for (off = 0; off < size; off += chunk) {
		size_t	n = size - off < chunk ? size - off : chunk;

		if (bird_parser_feed(p, (const char *)data + off, n) == -1) {
			fuzz_check(bird_parser_error(p) != NULL);
			dead = 1;
		} else
			fuzz_check(!dead);
		while ((r = bird_parser_next(p)) != NULL) {
			fuzz_bird_check(r);
			bird_reply_free(r);
		}
	}
	if (dead)
		fuzz_check(bird_parser_feed(p, "0000 \n", 6) == -1);
	bird_parser_free(p);
	memcpy(name, data, size < sizeof(name) - 1 ? size : sizeof(name) - 1);
	name[size < sizeof(name) - 1 ? size : sizeof(name) - 1] = '\0';
	if (bird_name_ok(name))
		fuzz_check(strlen(name) <= 64);
	(void)bird_cmd_ok(name);
	return 0;
}
