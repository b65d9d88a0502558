/*
 * confprint: parses each file with conf_parse() and prints the canonical
 * form of those that parse. Exits 1 if any file failed to parse; the
 * errors are on stderr. Several files in one run check that the parser
 * starts clean after an error or a reload.
 *
 * Each parsed config is also printed to memory, parsed back with
 * conf_parse_file() and compared field by field (conf_peer_equal): a
 * mismatch exits 3.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

static bool
conf_equal(const struct ovl_conf *a, const struct ovl_conf *b)
{
	const struct peer_conf	*p, *q;

	if (strcmp(a->user, b->user) != 0 ||
	    strcmp(a->ctl_path, b->ctl_path) != 0 ||
	    strcmp(a->ctl_group, b->ctl_group) != 0 || a->mtu != b->mtu)
		return false;
	for (p = TAILQ_FIRST(&a->peers), q = TAILQ_FIRST(&b->peers);
	    p != NULL && q != NULL;
	    p = TAILQ_NEXT(p, entry), q = TAILQ_NEXT(q, entry)) {
		if (!conf_peer_equal(p, q) ||
		    conf_peer_find(b, p->name) != q ||
		    conf_peer_mtu(a, p) != conf_peer_mtu(b, q))
			return false;
	}
	return p == NULL && q == NULL;
}

/* Prints conf, parses the text back and compares. */
static bool
roundtrip(const struct ovl_conf *conf, const char *name)
{
	struct ovl_conf	*again;
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*f;
	bool		 ok;

	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	conf_print(f, conf);
	if (fclose(f) != 0 || (f = fmemopen(text, len, "r")) == NULL)
		fatal("fmemopen");
	again = conf_parse_file(f, name);
	ok = again != NULL && conf_equal(conf, again);
	if (!ok)
		log_warnx("%s: printed config does not parse back the same",
		    name);
	conf_free(again);
	fclose(f);
	free(text);
	return ok;
}

int
main(int argc, char *argv[])
{
	int	i, rv = 0;

	log_init("confprint", 1, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: confprint file ...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct ovl_conf	*conf;

		if ((conf = conf_parse(argv[i])) == NULL) {
			rv = 1;
			continue;
		}
		conf_print(stdout, conf);
		if (!roundtrip(conf, argv[i]))
			rv = 3;
		conf_free(conf);
	}
	if (fflush(stdout) != 0)
		rv = 1;
	return rv;
}
