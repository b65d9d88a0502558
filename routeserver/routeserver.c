/*
 * routeserver: turn a mesh description into a BIRD 2 route-server
 * configuration, apply it to a running BIRD through its control socket,
 * and report the members' sessions.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mesh.h"
#include "rs.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef RUNDIR
#define RUNDIR		"/run"
#endif

struct rs_cmd {
	const char	*name;
	int		(*fn)(const struct rs_opts *, const struct mesh *,
			    const struct mesh_rs *);
	bool		 needs_rs;	/* must pick one route server */
	const char	*help;
};

static int	cmd_check(const struct rs_opts *, const struct mesh *,
		    const struct mesh_rs *);
static int	cmd_generate(const struct rs_opts *, const struct mesh *,
		    const struct mesh_rs *);

static const struct rs_cmd cmds[] = {
	{ "check", cmd_check, false, "check the description (same as -n)" },
	{ "generate", cmd_generate, true, "write the BIRD configuration" },
	{ "apply", rs_apply, true, "generate, then reconfigure BIRD safely" },
	{ "status", rs_status, true, "members' sessions, routes, COIs" },
};

static void __attribute__((noreturn))
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: routeserver [-n] [-f file] [-r name] "
	    "[-s socket] [-o output] [-t seconds]\n"
	    "                   command [--json]\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  %-9s %s\n", cmds[i].name, cmds[i].help);
	exit(2);
}

static int
cmd_check(const struct rs_opts *o, const struct mesh *m,
    const struct mesh_rs *rs)
{
	FILE	*null;
	size_t	 i;

	/* generating exercises every member of every route server */
	if ((null = fopen("/dev/null", "w")) == NULL) {
		log_warn("/dev/null");
		return 1;
	}
	for (i = 0; i < m->nrs; i++)
		if (rs == NULL || rs == &m->rs[i])
			gen_bird(null, m, &m->rs[i]);
	fclose(null);
	printf("%s: OK: %zu route server%s, %zu COI%s, %zu organization%s, "
	    "%zu member%s\n", o->file, m->nrs, m->nrs == 1 ? "" : "s",
	    m->ncois, m->ncois == 1 ? "" : "s", m->norgs,
	    m->norgs == 1 ? "" : "s", m->nmembers,
	    m->nmembers == 1 ? "" : "s");
	return 0;
}

static int
cmd_generate(const struct rs_opts *o, const struct mesh *m,
    const struct mesh_rs *rs)
{
	if (o->output != NULL)
		return rs_write_config(o->output, m, rs) ? 0 : 1;
	gen_bird(stdout, m, rs);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("stdout");
		return 1;
	}
	return 0;
}

static bool
timeout_parse(const char *s, int *out)
{
	char	*end;
	long	 v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > 3600) {
		log_warnx("invalid timeout \"%s\" (1..3600 seconds)",
		    mesh_show(s));
		return false;
	}
	*out = (int)v;
	return true;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct rs_opts		 o;
	const struct rs_cmd	*cmd = NULL;
	const struct mesh_rs	*rs = NULL;
	struct mesh		*m;
	const char		*cmdname = NULL;
	size_t			 i;
	int			 ch, rv;

	log_init("routeserver", 1, 0);
	memset(&o, 0, sizeof(o));
	o.file = SYSCONFDIR "/coimesh/mesh.conf";
	o.socket = RUNDIR "/bird/bird.ctl";
	o.timeout = 30;
	while ((ch = getopt_long(argc, argv, "f:jno:r:s:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			o.file = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'n':
			cmdname = "check";
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'r':
			o.rs = optarg;
			break;
		case 's':
			o.socket = optarg;
			break;
		case 't':
			if (!timeout_parse(optarg, &o.timeout))
				return 2;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (argc == 0 && cmdname == NULL) ||
	    (argc == 1 && cmdname != NULL && strcmp(argv[0], "check") != 0))
		usage();
	if (argc == 1)
		cmdname = argv[0];
	if (cmdname == NULL)
		usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, cmdname) == 0)
			cmd = &cmds[i];
	if (cmd == NULL) {
		log_warnx("unknown command \"%s\"", mesh_show(cmdname));
		usage();
	}
	if ((m = mesh_load(o.file)) == NULL)
		return 1;
	if ((cmd->needs_rs || o.rs != NULL) &&
	    (rs = mesh_rs_select(m, o.rs)) == NULL) {
		mesh_free(m);
		return 1;
	}
	rv = cmd->fn(&o, m, rs);
	mesh_free(m);
	return rv;
}
