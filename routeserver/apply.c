/*
 * apply.c: "routeserver apply": put a new configuration into a running
 * BIRD without ever leaving it on a bad one.
 *
 *	1. connect to the control socket (nothing is written before BIRD
 *	   answers);
 *	2. write the configuration to a temporary file beside the target and
 *	   have BIRD check it: "configure check" (0020 Configuration OK);
 *	3. keep the old file as FILE.prev (a hard link), rename the new one
 *	   over FILE, "configure FILE timeout N": BIRD undoes it by itself
 *	   after N seconds unless confirmed;
 *	4. verify: every member session of the description is a protocol of
 *	   BIRD's, and no member session that is not described remains;
 *	5. "configure confirm".
 *
 * On a failure after step 3, "configure undo" and the old file is put
 * back. Every failure says which step failed and BIRD's own words.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bird.h"
#include "log.h"
#include "rs.h"



struct apply {
	const struct rs_opts	*o;
	const struct mesh	*m;
	const struct mesh_rs	*rs;
	struct bird_conn	*c;
	const char		*path;
	char			 tmp[4096];
	char			 prev[4096];
	bool			 had_prev;	/* FILE existed before */
	char			 err[512];
};

/* Runs cmd; the reply, or NULL with the reason logged. */
static struct bird_reply *
apply_cmd(struct apply *a, const char *cmd, int timeout_ms)
{
	struct bird_reply	*r;

	if ((r = bird_cmd(a->c, cmd, timeout_ms, a->err, sizeof(a->err))) ==
	    NULL)
		log_warnx("BIRD at %s: \"%s\": %s", a->o->socket, cmd, a->err);
	return r;
}

static bool
path_ok(const char *p)
{
	for (; *p != '\0'; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 ||
		    *p == 0x7f)
			return false;
	return true;
}

/* "configure check": BIRD parses the file as it would load it. */
static bool
apply_check(struct apply *a)
{
	struct bird_reply	*r;
	char			 cmd[BIRD_CMD_MAX];
	bool			 ok;

	if ((size_t)snprintf(cmd, sizeof(cmd), "configure check \"%s\"",
	    a->tmp) >= sizeof(cmd))
		return false;	/* rs_apply() checked the length */
	if ((r = apply_cmd(a, cmd, a->o->timeout * 1000)) == NULL)
		return false;
	ok = r->code == 20;
	if (!ok)
		log_warnx("BIRD rejects the generated configuration: %04d %s",
		    r->code, bird_reply_msg(r));
	bird_reply_free(r);
	return ok;
}

/* Old file to FILE.prev, new file to FILE: both atomic. */
static bool
apply_install(struct apply *a)
{
	snprintf(a->prev, sizeof(a->prev), "%s.prev", a->path);
	if (unlink(a->prev) == -1 && errno != ENOENT) {
		log_warn("%s", a->prev);
		return false;
	}
	a->had_prev = link(a->path, a->prev) == 0;
	if (!a->had_prev && errno != ENOENT) {
		log_warn("link %s to %s", a->path, a->prev);
		return false;
	}
	if (rename(a->tmp, a->path) == -1) {
		log_warn("rename %s to %s", a->tmp, a->path);
		return false;
	}
	a->tmp[0] = '\0';
	return true;
}

/* Puts the old file back (or removes the new one if there was none). */
static void
apply_restore(struct apply *a)
{
	if (a->had_prev) {
		if (rename(a->prev, a->path) == -1)
			log_warn("rename %s to %s", a->prev, a->path);
	} else if (unlink(a->path) == -1)
		log_warn("%s", a->path);
}

static bool
apply_configure(struct apply *a)
{
	struct bird_reply	*r;
	char			 cmd[BIRD_CMD_MAX];
	bool			 ok;

	if ((size_t)snprintf(cmd, sizeof(cmd), "configure \"%s\" timeout %d",
	    a->path, a->o->timeout) >= sizeof(cmd))
		return false;	/* rs_apply() checked the length */
	if ((r = apply_cmd(a, cmd, a->o->timeout * 1000)) == NULL)
		return false;
	/* 0003 Reconfigured, 0004 in progress, 0005 queued */
	ok = r->code >= 3 && r->code <= 5;
	if (!ok)
		log_warnx("BIRD did not take the configuration: %04d %s",
		    r->code, bird_reply_msg(r));
	bird_reply_free(r);
	return ok;
}

static bool
is_member_proto(const char *name)
{
	size_t	n = strlen(name);

	return strncmp(name, "m_", 2) == 0 && n > 5 &&
	    (strcmp(name + n - 3, "_v4") == 0 ||
	    strcmp(name + n - 3, "_v6") == 0);
}

/* Expected sessions: 1 if name is one of the description's. */
static bool
proto_expected(const struct mesh *m, const char *name)
{
	char	p[64];
	size_t	i;

	for (i = 0; i < m->nmembers; i++) {
		const struct mesh_member *mb = &m->members[i];

		mesh_proto_name(mb, AF_INET, p, sizeof(p));
		if (addr_is_set(&mb->addr4) && strcmp(p, name) == 0)
			return true;
		mesh_proto_name(mb, AF_INET6, p, sizeof(p));
		if (addr_is_set(&mb->addr6) && strcmp(p, name) == 0)
			return true;
	}
	return false;
}

static size_t
sessions_expected(const struct mesh *m)
{
	size_t	i, n = 0;

	for (i = 0; i < m->nmembers; i++)
		n += addr_is_set(&m->members[i].addr4) +
		    addr_is_set(&m->members[i].addr6);
	return n;
}

/*
 * BIRD's member protocols; -1 on error. *missing and *extra count the
 * described sessions BIRD lacks and the ones it has that are not described.
 */
static int
apply_protos(struct apply *a, size_t *missing, size_t *extra,
    char *what, size_t whatlen)
{
	struct bird_reply	*r;
	struct bird_proto	*v;
	int			 n, i;
	size_t			 found = 0;

	if ((r = apply_cmd(a, "show protocols", rs_cmd_ms(a->o))) == NULL)
		return -1;
	if ((n = bird_protos_parse(r, &v)) == -1) {
		log_warnx("BIRD at %s: cannot read \"show protocols\": %04d %s",
		    a->o->socket, r->code, bird_reply_msg(r));
		bird_reply_free(r);
		return -1;
	}
	bird_reply_free(r);
	*extra = 0;
	what[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!is_member_proto(v[i].name))
			continue;
		if (proto_expected(a->m, v[i].name))
			found++;
		else {
			(*extra)++;
			snprintf(what, whatlen, "%s", v[i].name);
		}
	}
	bird_protos_free(v);
	*missing = sessions_expected(a->m) - found;
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Waits (bounded) until BIRD runs exactly the described sessions. */
static bool
apply_verify(struct apply *a)
{
	size_t	missing = 0, extra = 0;
	char	what[80];
	int	tries, max = a->o->timeout * 10;

	if (max > 100)
		max = 100;	/* 10 s at most; removed protocols flush fast */
	for (tries = 0; tries < max; tries++) {
		if (apply_protos(a, &missing, &extra, what, sizeof(what)) == -1)
			return false;
		if (missing == 0 && extra == 0)
			return true;
		sleep_ms(100);
	}
	if (missing > 0)
		log_warnx("verification failed: BIRD lacks %zu of the "
		    "described member sessions", missing);
	else
		log_warnx("verification failed: BIRD still runs %zu member "
		    "session(s) not described, e.g. %s", extra, what);
	return false;
}

static bool
apply_simple(struct apply *a, const char *cmd, int want, const char *what)
{
	struct bird_reply	*r;
	bool			 ok;

	if ((r = apply_cmd(a, cmd, rs_cmd_ms(a->o))) == NULL)
		return false;
	ok = r->code == want;
	if (!ok)
		log_warnx("%s failed: %04d %s", what, r->code,
		    bird_reply_msg(r));
	bird_reply_free(r);
	return ok;
}

static int
apply_run(struct apply *a)
{
	if (!rs_write_temp(a->path, a->tmp, sizeof(a->tmp), a->m, a->rs))
		return 1;
	if (!apply_check(a)) {
		log_warnx("nothing changed: BIRD keeps its configuration and "
		    "%s is untouched", a->path);
		return 1;
	}
	if (!apply_install(a))
		return 1;
	if (!apply_configure(a)) {
		apply_restore(a);
		log_warnx("nothing changed: %s restored", a->path);
		return 1;
	}
	if (!apply_verify(a) ||
	    !apply_simple(a, "configure confirm", 18, "configure confirm")) {
		if (apply_simple(a, "configure undo", 15, "configure undo"))
			log_warnx("BIRD is back on its previous configuration");
		else
			log_warnx("BIRD undoes the change by itself within "
			    "%d s", a->o->timeout);
		apply_restore(a);
		return 1;
	}
	if (a->had_prev && unlink(a->prev) == -1)
		log_warn("%s", a->prev);
	printf("route server %s: %s applied, %zu member session%s\n",
	    a->rs->name, a->path, sessions_expected(a->m),
	    sessions_expected(a->m) == 1 ? "" : "s");
	return 0;
}

int
rs_apply(const struct rs_opts *o, const struct mesh *m,
    const struct mesh_rs *rs)
{
	struct apply	a;
	int		rv;

	memset(&a, 0, sizeof(a));
	a.o = o;
	a.m = m;
	a.rs = rs;
	a.path = o->output != NULL ? o->output : RS_BIRD_CONF;
	if (*a.path != '/' || !path_ok(a.path) ||
	    strlen(a.path) + 40 > BIRD_CMD_MAX) {
		log_warnx("%s: the BIRD configuration needs an absolute path "
		    "without quotes, backslashes or control characters",
		    mesh_show(a.path));
		return 1;
	}
	if ((a.c = bird_connect(o->socket, rs_cmd_ms(o), a.err,
	    sizeof(a.err))) == NULL) {
		log_warnx("cannot reach BIRD: %s; nothing changed", a.err);
		return 1;
	}
	rv = apply_run(&a);
	if (a.tmp[0] != '\0')
		unlink(a.tmp);
	bird_close(a.c);
	return rv;
}
