/*
 * mesh.c: checks of a mesh description as a whole (names resolve, no
 * address or prefix is claimed twice, every standby has a primary), the
 * lookups, and the small helpers the parser and the generator share.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mesh.h"

#define SHOW_MAX	40	/* longer strings are shortened in messages */

static const char *const reasons[REASON_MAX + 1] = {
	[REASON_BOGON] = "bogon prefix",
	[REASON_DEFAULT] = "default route",
	[REASON_PREFIX] = "prefix not authorized",
	[REASON_NEXTHOP] = "foreign next hop",
	[REASON_COI] = "COI tag not allowed",
	[REASON_UNTAGGED] = "no COI tag",
	[REASON_PATH] = "first AS not the member's",
};

const char *
mesh_reason_name(unsigned int r)
{
	if (r == 0 || r > REASON_MAX)
		return "unknown reason";
	return reasons[r];
}

const char *
mesh_show(const char *s)
{
	static char	 bufs[4][SHOW_MAX * 4 + 4];
	static int	 idx;
	char		*buf;
	size_t		 i, o = 0, n = strlen(s);

	idx = (idx + 1) % 4;
	buf = bufs[idx];
	if (n > SHOW_MAX)
		n = SHOW_MAX;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isprint(c) && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, sizeof(bufs[0]) - o,
			    "\\x%02x", c);
	}
	buf[o] = '\0';
	if (n < strlen(s))
		memcpy(buf + o, "...", sizeof("..."));
	return buf;
}

bool
mesh_name_ok(const char *s, bool symbol)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || *s == '_')
			continue;
		if (*s == '-' && !symbol)
			continue;
		return false;
	}
	return true;
}

bool
mesh_prefix_parse(const char *s, struct prefix *p)
{
	const char	*slash = strchr(s, '/');

	/* prefix_parse() takes "a/024" and "a/ 4": be stricter */
	if (slash == NULL || slash[1] == '\0' ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
	    strlen(slash + 1) > 3)
		return false;
	return prefix_parse(s, p);
}

static const uint8_t *
addr_bytes(const struct addr *a, size_t *len)
{
	if (a->af == AF_INET) {
		*len = 4;
		return (const uint8_t *)&a->u.v4;
	}
	*len = 16;
	return (const uint8_t *)&a->u.v6;
}

/* True if the first bits of a and b are equal. */
static bool
addr_prefix_eq(const struct addr *a, const struct addr *b, unsigned int bits)
{
	const uint8_t	*x, *y;
	size_t		 n, i;

	if (a->af != b->af)
		return false;
	x = addr_bytes(a, &n);
	y = addr_bytes(b, &n);
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (x[i] != y[i])
			return false;
	if (bits > 0) {
		uint8_t	mask = (uint8_t)(0xff << (8 - bits));

		if ((x[i] & mask) != (y[i] & mask))
			return false;
	}
	return true;
}

bool
mesh_prefix_canonical(const struct prefix *p)
{
	const uint8_t	*x;
	size_t		 n, i;

	x = addr_bytes(&p->addr, &n);
	for (i = 0; i < n; i++) {
		int	bits = p->len - 8 * (int)i;
		uint8_t	keep;

		if (bits >= 8)
			continue;
		keep = bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		if (x[i] & (uint8_t)~keep)
			return false;
	}
	return true;
}

bool
mesh_prefix_contains(const struct prefix *a, const struct prefix *b)
{
	return a->addr.af == b->addr.af && a->len <= b->len &&
	    addr_prefix_eq(&a->addr, &b->addr, a->len);
}

const struct mesh_rs *
mesh_rs_find(const struct mesh *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->nrs; i++)
		if (strcmp(m->rs[i].name, name) == 0)
			return &m->rs[i];
	return NULL;
}

const struct mesh_rs *
mesh_rs_select(const struct mesh *m, const char *name)
{
	const struct mesh_rs	*rs;

	if (name != NULL) {
		if ((rs = mesh_rs_find(m, name)) == NULL)
			log_warnx("%s: no route-server \"%s\"", m->file,
			    mesh_show(name));
		return rs;
	}
	if (m->nrs > 1) {
		log_warnx("%s: %zu route servers are described; choose one "
		    "with -r", m->file, m->nrs);
		return NULL;
	}
	return &m->rs[0];
}

const struct mesh_member *
mesh_member_find(const struct mesh *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->nmembers; i++)
		if (strcmp(m->members[i].name, name) == 0)
			return &m->members[i];
	return NULL;
}

void
mesh_proto_name(const struct mesh_member *mb, int af, char *buf, size_t len)
{
	snprintf(buf, len, "m_%s_v%c", mb->name, af == AF_INET ? '4' : '6');
}

static void
check_err(const struct mesh *m, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
check_err(const struct mesh *m, int line, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		log_warnx("%s:%d: %s", m->file, line, msg);
	else
		log_warnx("%s: %s", m->file, msg);
}

static const struct mesh_coi *
coi_find(const struct mesh *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->ncois; i++)
		if (strcmp(m->cois[i].name, name) == 0)
			return &m->cois[i];
	return NULL;
}

static bool
check_refs(struct mesh *m, struct mesh_member *mb)
{
	size_t	i, j;

	for (i = 0; i < m->norgs; i++)
		if (strcmp(m->orgs[i].name, mb->org_ref.name) == 0)
			mb->org = &m->orgs[i];
	if (mb->org == NULL) {
		check_err(m, mb->org_ref.line, "member \"%s\": unknown "
		    "organization \"%s\"", mb->name, mb->org_ref.name);
		return false;
	}
	if ((mb->cois = calloc(mb->ncois, sizeof(const struct mesh_coi *))) == NULL ||
	    (mb->defs = calloc(mb->ndefs + 1, sizeof(const struct mesh_coi *))) == NULL)
		fatal("%s", __func__);
	for (i = 0; i < mb->ncois; i++)
		if ((mb->cois[i] = coi_find(m, mb->coi_refs[i].name)) == NULL) {
			check_err(m, mb->coi_refs[i].line, "member \"%s\": "
			    "unknown COI \"%s\"", mb->name,
			    mb->coi_refs[i].name);
			return false;
		}
	for (i = 0; i < mb->ndefs; i++) {
		for (j = 0; j < mb->ncois; j++)
			if (strcmp(mb->cois[j]->name, mb->def_refs[i].name) ==
			    0)
				mb->defs[i] = mb->cois[j];
		if (mb->defs[i] != NULL)
			continue;
		if (coi_find(m, mb->def_refs[i].name) == NULL)
			check_err(m, mb->def_refs[i].line, "member \"%s\": "
			    "unknown COI \"%s\"", mb->name,
			    mb->def_refs[i].name);
		else
			check_err(m, mb->def_refs[i].line, "member \"%s\": "
			    "untagged COI \"%s\" is not one of its COIs",
			    mb->name, mb->def_refs[i].name);
		return false;
	}
	return true;
}

static bool
check_member(struct mesh *m, struct mesh_member *mb)
{
	char	buf[PREFIX_STRLEN];
	size_t	i, j;

	if (!check_refs(m, mb))
		return false;
	if (mb->asn == m->asn) {
		check_err(m, mb->line, "member \"%s\": asn %u is the route "
		    "server's own", mb->name, mb->asn);
		return false;
	}
	for (i = 0; i < mb->npfx; i++) {
		const struct mesh_pfx	*p = &mb->pfx[i];

		if ((p->p.addr.af == AF_INET && mb->addr4_line == 0) ||
		    (p->p.addr.af == AF_INET6 && mb->addr6_line == 0)) {
			check_err(m, p->line, "member \"%s\": IPv%c prefix "
			    "%s but no IPv%c address", mb->name,
			    p->p.addr.af == AF_INET ? '4' : '6',
			    prefix_fmt(&p->p, buf, sizeof(buf)),
			    p->p.addr.af == AF_INET ? '4' : '6');
			return false;
		}
		for (j = 0; j < i; j++)
			if (mesh_prefix_contains(&mb->pfx[j].p, &p->p) &&
			    mb->pfx[j].p.len == p->p.len) {
				check_err(m, p->line, "member \"%s\": prefix "
				    "%s given twice", mb->name,
				    prefix_fmt(&p->p, buf, sizeof(buf)));
				return false;
			}
	}
	return true;
}

static bool
addr_taken(const struct mesh *m, size_t upto, const struct addr *a,
    int line, const char *who)
{
	char	buf[ADDR_STRLEN];
	size_t	i;

	for (i = 0; i < m->nrs; i++)
		if (addr_eq(&m->rs[i].local4, a) ||
		    addr_eq(&m->rs[i].local6, a)) {
			check_err(m, line, "member \"%s\": address %s is the "
			    "local address of route-server \"%s\"", who,
			    addr_fmt(a, buf, sizeof(buf)), m->rs[i].name);
			return true;
		}
	for (i = 0; i < upto; i++) {
		const struct mesh_member *o = &m->members[i];

		if (addr_eq(&o->addr4, a) || addr_eq(&o->addr6, a)) {
			check_err(m, line, "member \"%s\": duplicate address "
			    "%s (member \"%s\", line %d)", who,
			    addr_fmt(a, buf, sizeof(buf)), o->name,
			    addr_eq(&o->addr4, a) ? o->addr4_line :
			    o->addr6_line);
			return true;
		}
	}
	return false;
}

static bool
check_addrs(const struct mesh *m)
{
	size_t	i;

	for (i = 0; i < m->nmembers; i++) {
		const struct mesh_member *mb = &m->members[i];

		if (mb->addr4_line != 0 &&
		    addr_taken(m, i, &mb->addr4, mb->addr4_line, mb->name))
			return false;
		if (mb->addr6_line != 0 &&
		    addr_taken(m, i, &mb->addr6, mb->addr6_line, mb->name))
			return false;
	}
	return true;
}

/* A prefix is authorized to one organization: no overlap across them. */
static bool
check_prefixes(const struct mesh *m)
{
	char	a[PREFIX_STRLEN], b[PREFIX_STRLEN];
	size_t	i, j, k, l;

	for (i = 0; i < m->nmembers; i++) {
		const struct mesh_member *mb = &m->members[i];

		for (k = 0; k < mb->npfx; k++)
			for (j = 0; j < i; j++) {
				const struct mesh_member *o = &m->members[j];

				if (o->org == mb->org)
					continue;
				for (l = 0; l < o->npfx; l++) {
					const struct prefix *p = &mb->pfx[k].p;
					const struct prefix *q = &o->pfx[l].p;

					if (!mesh_prefix_contains(p, q) &&
					    !mesh_prefix_contains(q, p))
						continue;
					check_err(m, mb->pfx[k].line,
					    "member \"%s\": prefix %s of "
					    "organization \"%s\" overlaps %s "
					    "of organization \"%s\" (member "
					    "\"%s\", line %d)", mb->name,
					    prefix_fmt(p, a, sizeof(a)),
					    mb->org->name,
					    prefix_fmt(q, b, sizeof(b)),
					    o->org->name, o->name,
					    o->pfx[l].line);
					return false;
				}
			}
	}
	return true;
}

static bool
check_sites(const struct mesh *m)
{
	size_t	i, j;

	for (i = 0; i < m->nmembers; i++) {
		const struct mesh_member *mb = &m->members[i];
		const struct mesh_member *primary = NULL;

		if (mb->site[0] == '\0')
			continue;
		for (j = 0; j < m->nmembers; j++) {
			const struct mesh_member *o = &m->members[j];

			if (j == i || strcmp(o->site, mb->site) != 0)
				continue;
			if (o->org != mb->org && j < i) {
				check_err(m, mb->site_line, "member \"%s\": "
				    "site \"%s\" belongs to organization "
				    "\"%s\" (member \"%s\")", mb->name,
				    mb->site, o->org->name, o->name);
				return false;
			}
			if (o->role == ROLE_PRIMARY)
				primary = o;
			if (o->role == ROLE_PRIMARY &&
			    mb->role == ROLE_PRIMARY && j < i) {
				check_err(m, mb->site_line, "member \"%s\": "
				    "site \"%s\" already has primary \"%s\"",
				    mb->name, mb->site, o->name);
				return false;
			}
		}
		if (mb->role == ROLE_STANDBY && primary == NULL) {
			check_err(m, mb->site_line, "member \"%s\": standby at "
			    "site \"%s\" without a primary", mb->name,
			    mb->site);
			return false;
		}
	}
	return true;
}

bool
mesh_check(struct mesh *m)
{
	size_t	i;

	if (m->asn_line == 0) {
		check_err(m, 0, "missing asn (the route servers' AS number)");
		return false;
	}
	if (m->nrs == 0) {
		check_err(m, 0, "no route-server described");
		return false;
	}
	for (i = 0; i < m->nmembers; i++)
		if (!check_member(m, &m->members[i]))
			return false;
	return check_addrs(m) && check_prefixes(m) && check_sites(m);
}

void
mesh_free(struct mesh *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nmembers; i++) {
		struct mesh_member *mb = &m->members[i];

		free(mb->coi_refs);
		free(mb->cois);
		free(mb->def_refs);
		free(mb->defs);
		free(mb->pfx);
	}
	free(m->members);
	free(m->rs);
	free(m->cois);
	free(m->orgs);
	free(m);
}
