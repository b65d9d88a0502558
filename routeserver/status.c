/*
 * status.c: "routeserver status [--json]": per member and session, BIRD's
 * protocol state, the routes received, accepted, rejected (kept filtered,
 * with the reason the import filter tagged them with) and exported, the
 * max-prefix limit, and the member's COIs from the description.
 *
 * BIRD is asked twice per session at most: "show protocols all" once for
 * all member sessions, then "show route filtered protocol P all" for each
 * session that holds rejected routes. The rows of "show protocols" come
 * from bird_protos_parse(); the channel lines ("Routes:", "Import limit:")
 * and the route lines are read here.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bird.h"
#include "log.h"
#include "rs.h"

#define REJ_MAX		1000	/* rejected routes listed per session */

struct rej {
	char		 prefix[PREFIX_STRLEN];
	unsigned int	 reason;	/* 0: none found */
};

struct sess {
	const struct mesh_member *mb;
	int		 af;
	char		 proto[64];
	bool		 present;	/* a protocol of BIRD's */
	struct bird_proto row;
	uint64_t	 imported, filtered, exported;
	uint64_t	 limit;
	bool		 hit;
	struct rej	*rej;
	size_t		 nrej;
};

struct status {
	const struct rs_opts	*o;
	const struct mesh	*m;
	const struct mesh_rs	*rs;
	struct bird_conn	*c;
	struct sess		*s;
	size_t			 ns;
	char			 err[512];
};

static struct bird_reply *
status_cmd(struct status *st, const char *cmd)
{
	struct bird_reply	*r;

	if ((r = bird_cmd(st->c, cmd, rs_cmd_ms(st->o), st->err,
	    sizeof(st->err))) == NULL)
		log_warnx("BIRD at %s: \"%s\": %s", st->o->socket, cmd,
		    st->err);
	return r;
}

static struct sess *
sess_find(struct status *st, const char *proto)
{
	size_t	i;

	for (i = 0; i < st->ns; i++)
		if (strcmp(st->s[i].proto, proto) == 0)
			return &st->s[i];
	return NULL;
}

/* "Routes:         2 imported, 2 filtered, 0 exported, 2 preferred" */
static void
parse_routes(struct sess *s, const char *p)
{
	while (*p != '\0') {
		char		*end;
		uint64_t	 v;

		while (*p != '\0' && !isdigit((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		v = strtoull(p, &end, 10);
		p = end;
		while (*p == ' ')
			p++;
		if (strncmp(p, "imported", 8) == 0)
			s->imported = v;
		else if (strncmp(p, "filtered", 8) == 0)
			s->filtered = v;
		else if (strncmp(p, "exported", 8) == 0)
			s->exported = v;
	}
}

/* "Import limit:   5 [HIT]" */
static void
parse_limit(struct sess *s, const char *p)
{
	s->limit = strtoull(p, NULL, 10);
	s->hit = strstr(p, "[HIT]") != NULL;
}

static void
parse_detail(struct sess *s, const char *text)
{
	const char	*p = text;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "Routes:", 7) == 0)
		parse_routes(s, p + 7);
	else if (strncmp(p, "Import limit:", 13) == 0)
		parse_limit(s, p + 13);
}

static int
status_protocols(struct status *st)
{
	struct bird_reply	*r;
	struct bird_proto	*v;
	struct sess		*cur = NULL;
	size_t			 i;
	int			 n, k = 0;

	if ((r = status_cmd(st, "show protocols all \"m_*\"")) == NULL)
		return -1;
	if (r->code == 8003) {	/* no protocols match */
		bird_reply_free(r);
		return 0;
	}
	if ((n = bird_protos_parse(r, &v)) == -1) {
		log_warnx("BIRD at %s: cannot read \"show protocols all\": "
		    "%04d %s", st->o->socket, r->code, bird_reply_msg(r));
		bird_reply_free(r);
		return -1;
	}
	for (i = 0; i < r->nlines; i++) {
		const struct bird_line *l = &r->lines[i];

		if (l->code == 1002 && k < n) {
			if ((cur = sess_find(st, v[k].name)) != NULL) {
				cur->present = true;
				cur->row = v[k];
			}
			k++;
		} else if (l->code == 1006 && cur != NULL)
			parse_detail(cur, l->text);
	}
	bird_protos_free(v);
	bird_reply_free(r);
	return 0;
}

/* The reason code in "BGP.large_community: (64500, 1, 300) (64500, 0, 6)". */
static unsigned int
parse_reason(const char *text, uint32_t asn)
{
	const char	*p = text;
	unsigned long	 a, b, c;
	int		 used;

	while ((p = strchr(p, '(')) != NULL) {
		if (sscanf(p, "(%lu, %lu, %lu)%n", &a, &b, &c, &used) == 3 &&
		    a == asn && b == 0 && c <= REASON_MAX)
			return (unsigned int)c;
		p++;
	}
	return 0;
}

static void
rej_add(struct sess *s, const char *text)
{
	struct rej	*v;
	size_t		 n = strcspn(text, " \t");

	if (s->nrej >= REJ_MAX || n == 0 || n >= PREFIX_STRLEN)
		return;
	if ((v = reallocarray(s->rej, s->nrej + 1, sizeof(*v))) == NULL)
		fatal("%s", __func__);
	s->rej = v;
	memcpy(v[s->nrej].prefix, text, n);
	v[s->nrej].prefix[n] = '\0';
	v[s->nrej].reason = 0;
	s->nrej++;
}

/*
 * Route lines (1007) start with the prefix; a route of the same prefix
 * starts with blanks, attribute lines with a tab; "Table rs4:" heads the
 * routes of each table (1007 too, in BIRD 2.0.12).
 */
static int
status_rejected(struct status *st, struct sess *s)
{
	struct bird_reply	*r;
	char			 cmd[BIRD_CMD_MAX];
	char			 last[PREFIX_STRLEN] = "";
	size_t			 i;

	snprintf(cmd, sizeof(cmd), "show route filtered protocol %s all",
	    s->proto);
	if ((r = status_cmd(st, cmd)) == NULL)
		return -1;
	if (!bird_reply_ok(r)) {
		log_warnx("BIRD at %s: \"%s\": %04d %s", st->o->socket, cmd,
		    r->code, bird_reply_msg(r));
		bird_reply_free(r);
		return -1;
	}
	for (i = 0; i < r->nlines; i++) {
		const char *t = r->lines[i].text;

		if (r->lines[i].code == 1007 && strncmp(t, "Table ", 6) == 0)
			continue;	/* the heading of a table */
		if (r->lines[i].code == 1007 && t[0] != '\t') {
			if (t[0] != ' ')
				snprintf(last, sizeof(last), "%.*s",
				    (int)strcspn(t, " \t"), t);
			if (last[0] != '\0')
				rej_add(s, last);
		} else if (s->nrej > 0 && strstr(t, "BGP.large_community:"))
			s->rej[s->nrej - 1].reason =
			    parse_reason(t, st->m->asn);
	}
	bird_reply_free(r);
	return 0;
}

static void
sessions_build(struct status *st)
{
	size_t	i;
	int	f;

	if ((st->s = calloc(st->m->nmembers * 2 + 1, sizeof(*st->s))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < st->m->nmembers; i++) {
		const struct mesh_member *mb = &st->m->members[i];

		for (f = 0; f < 2; f++) {
			int		 af = f == 0 ? AF_INET : AF_INET6;
			struct sess	*s = &st->s[st->ns];

			if (!addr_is_set(af == AF_INET ? &mb->addr4 :
			    &mb->addr6))
				continue;
			s->mb = mb;
			s->af = af;
			mesh_proto_name(mb, af, s->proto, sizeof(s->proto));
			st->ns++;
		}
	}
}

static json_t *
json_sess(const struct status *st, const struct sess *s)
{
	char	 buf[ADDR_STRLEN];
	json_t	*o, *rej;
	size_t	 i;

	rej = json_array();
	for (i = 0; i < s->nrej; i++)
		json_array_append_new(rej, json_pack("{s:s, s:i, s:s}",
		    "prefix", s->rej[i].prefix, "code", s->rej[i].reason,
		    "reason", mesh_reason_name(s->rej[i].reason)));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, "
	    "s:b, s:o}",
	    "protocol", s->proto,
	    "neighbor", addr_fmt(s->af == AF_INET ? &s->mb->addr4 :
	    &s->mb->addr6, buf, sizeof(buf)),
	    "state", s->present ? s->row.state : "absent",
	    "info", s->present ? s->row.info : "",
	    "since", s->present ? s->row.since : "",
	    "received", (json_int_t)s->imported + (json_int_t)s->filtered,
	    "accepted", (json_int_t)s->imported,
	    "rejected", (json_int_t)s->filtered,
	    "exported", (json_int_t)s->exported,
	    "max_prefix", (json_int_t)s->mb->max_prefix,
	    "max_prefix_hit", s->hit,
	    "rejected_routes", rej);
	(void)st;
	return o;
}

static void
status_json(const struct status *st)
{
	json_t	*top, *members, *mo, *cois, *sessions;
	size_t	 i, j;

	members = json_array();
	for (i = 0; i < st->m->nmembers; i++) {
		const struct mesh_member *mb = &st->m->members[i];

		cois = json_array();
		for (j = 0; j < mb->ncois; j++)
			json_array_append_new(cois,
			    json_string(mb->cois[j]->name));
		sessions = json_array();
		for (j = 0; j < st->ns; j++)
			if (st->s[j].mb == mb)
				json_array_append_new(sessions,
				    json_sess(st, &st->s[j]));
		mo = json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:o}",
		    "name", mb->name, "organization", mb->org->name,
		    "asn", (json_int_t)mb->asn, "cois", cois,
		    "site", mb->site[0] ? json_string(mb->site) : json_null(),
		    "role", mb->role == ROLE_NONE ? json_null() :
		    json_string(mb->role == ROLE_PRIMARY ? "primary" :
		    "standby"), "sessions", sessions);
		json_array_append_new(members, mo);
	}
	top = json_pack("{s:s, s:I, s:s, s:o}", "route_server", st->rs->name,
	    "asn", (json_int_t)st->m->asn, "socket", st->o->socket,
	    "members", members);
	json_dumpf(top, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	printf("\n");
	json_decref(top);
}

static void
status_text(const struct status *st)
{
	size_t	i, j;

	printf("route server %s (AS%u), BIRD at %s\n", st->rs->name,
	    st->m->asn, st->o->socket);
	printf("%-12s %-10s %-10s %-16s %-6s %-12s %-19s %6s %6s %6s %6s  %s\n",
	    "MEMBER", "ORG", "ASN", "SESSION", "STATE", "INFO", "SINCE",
	    "RECV", "ACC", "REJ", "EXP", "COIS");
	for (i = 0; i < st->ns; i++) {
		const struct sess *s = &st->s[i];
		char	asn[16];

		snprintf(asn, sizeof(asn), "%u", s->mb->asn);
		printf("%-12s %-10s %-10s %-16s %-6s %-12s %-19s %6" PRIu64
		    " %6" PRIu64 " %6" PRIu64 " %6" PRIu64 "  ",
		    s->mb->name, s->mb->org->name, asn, s->proto,
		    s->present ? s->row.state : "absent",
		    s->present ? s->row.info : "-",
		    s->present ? s->row.since : "-",
		    s->imported + s->filtered, s->imported, s->filtered,
		    s->exported);
		for (j = 0; j < s->mb->ncois; j++)
			printf("%s%s", j ? "," : "", s->mb->cois[j]->name);
		printf("\n");
		for (j = 0; j < s->nrej; j++)
			printf("    rejected %s: %s\n", s->rej[j].prefix,
			    mesh_reason_name(s->rej[j].reason));
		if (s->hit)
			printf("    max-prefix %u reached: further routes are "
			    "dropped\n", s->mb->max_prefix);
		if (!s->present)
			printf("    not in BIRD's configuration: run "
			    "\"routeserver apply\"\n");
	}
}

int
rs_status(const struct rs_opts *o, const struct mesh *m,
    const struct mesh_rs *rs)
{
	struct status	st;
	size_t		i;
	int		rv = 1;

	memset(&st, 0, sizeof(st));
	st.o = o;
	st.m = m;
	st.rs = rs;
	sessions_build(&st);
	if ((st.c = bird_connect(o->socket, rs_cmd_ms(o), st.err,
	    sizeof(st.err))) == NULL) {
		log_warnx("cannot reach BIRD: %s", st.err);
		goto done;
	}
	if (status_protocols(&st) == -1)
		goto done;
	for (i = 0; i < st.ns; i++)
		if (st.s[i].present && st.s[i].filtered > 0 &&
		    status_rejected(&st, &st.s[i]) == -1)
			goto done;
	if (o->json)
		status_json(&st);
	else
		status_text(&st);
	rv = 0;
 done:
	if (st.c != NULL)
		bird_close(st.c);
	for (i = 0; i < st.ns; i++)
		free(st.s[i].rej);
	free(st.s);
	return rv;
}
