/*
 * gen.c: the BIRD 2 configuration of one route server, from a checked mesh
 * description. The output depends on nothing but the description and the
 * route server chosen: members, prefixes and COIs come out in the order the
 * description gives them, so the same input gives the same bytes.
 *
 * Layout: one sorted table per address family; per member and address
 * family one "rs client" BGP protocol (m_NAME_v4, m_NAME_v6) with its own
 * import and export filter. The tables are sorted and the channels
 * "secondary", so that when the best route for a prefix may not go to a
 * member, the next best that may is exported instead (BIRD's way of giving
 * every client its own view without a table per client).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "mesh.h"

/*
 * Never accepted from anyone. The documentation and benchmarking ranges
 * (192.0.2.0/24, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24,
 * 2001:db8::/32) are deliberately absent: coimesh labs use them.
 */
static const char *const bogons4[] = {
	"0.0.0.0/8+", "10.0.0.0/8+", "100.64.0.0/10+", "127.0.0.0/8+",
	"169.254.0.0/16+", "172.16.0.0/12+", "192.0.0.0/24+",
	"192.168.0.0/16+", "224.0.0.0/4+", "240.0.0.0/4+",
};
static const char *const bogons6[] = {
	"::/8+", "100::/64+", "2001:2::/48+", "2001:10::/28+", "2002::/16+",
	"3ffe::/16+", "fc00::/7+", "fe80::/10+", "fec0::/10+", "ff00::/8+",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* How many times a standby prepends its AS: it loses to the primary. */
#define STANDBY_PREPEND	2

static void
gen_set(FILE *f, const char *name, const char *const *items, size_t n)
{
	size_t	i;

	fprintf(f, "define %s = [\n", name);
	for (i = 0; i < n; i++)
		fprintf(f, "\t%s%s\n", items[i], i + 1 < n ? "," : "");
	fprintf(f, "];\n\n");
}

static void
gen_head(FILE *f, const struct mesh *m, const struct mesh_rs *rs)
{
	char		buf[ADDR_STRLEN];
	unsigned int	r;

	fprintf(f, "# BIRD 2 configuration of route server \"%s\", written by "
	    "routeserver(8).\n# Do not edit: change the mesh description and "
	    "run \"routeserver apply\".\n#\n", rs->name);
	fprintf(f, "# COIs are BGP large communities (%u, 1, COI). A route "
	    "filtered out on import\n# stays in the table (import keep "
	    "filtered), tagged (%u, 0, REASON):\n", m->asn, m->asn);
	for (r = 1; r <= REASON_MAX; r++)
		fprintf(f, "#   %u  %s\n", r, mesh_reason_name(r));
	fprintf(f, "\nrouter id %s;\n",
	    addr_fmt(&rs->router_id, buf, sizeof(buf)));
	/* full dates: session uptimes compare across days */
	fprintf(f, "timeformat protocol iso long ms;\n\n");
	fprintf(f, "ipv4 table rs4 sorted;\nipv6 table rs6 sorted;\n\n");
	fprintf(f, "protocol device {\n}\n\n");
	gen_set(f, "RS_BOGONS_V4", bogons4, NELEM(bogons4));
	gen_set(f, "RS_BOGONS_V6", bogons6, NELEM(bogons6));
	fprintf(f, "function rs_reject(int why)\n{\n"
	    "\tbgp_large_community.add((%u, 0, why));\n\treject;\n}\n",
	    m->asn);
}

static void
gen_coi_list(FILE *f, const struct mesh *m, const struct mesh_coi *const *c,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s(%u, 1, %u)", i > 0 ? ", " : "", m->asn,
		    c[i]->number);
}

/* The member and its site partners: the next hops it may announce. */
static void
gen_nexthops(FILE *f, const struct mesh *m, const struct mesh_member *mb,
    int af)
{
	char	buf[ADDR_STRLEN];
	size_t	i;
	int	n = 0;

	fprintf(f, "\tif ");
	for (i = 0; i < m->nmembers; i++) {
		const struct mesh_member *o = &m->members[i];
		const struct addr *a = af == AF_INET ? &o->addr4 : &o->addr6;

		if (o != mb && (mb->site[0] == '\0' ||
		    strcmp(o->site, mb->site) != 0))
			continue;
		if (!addr_is_set(a))
			continue;
		fprintf(f, "%sbgp_next_hop != %s", n++ > 0 ? " &&\n\t    " :
		    "", addr_fmt(a, buf, sizeof(buf)));
	}
	fprintf(f, " then\n\t\trs_reject(%d);\n", REASON_NEXTHOP);
}

static void
gen_import(FILE *f, const struct mesh *m, const struct mesh_member *mb,
    int af, const char *proto)
{
	char	buf[PREFIX_STRLEN];
	size_t	i, n = 0;
	int	j;

	fprintf(f, "filter %s_in\n{\n", proto);
	fprintf(f, "\tbgp_large_community.delete([(%u, 0, *)]);\n", m->asn);
	fprintf(f, "\tif net.len = 0 then\n\t\trs_reject(%d);\n",
	    REASON_DEFAULT);
	fprintf(f, "\tif net ~ RS_BOGONS_V%c then\n\t\trs_reject(%d);\n",
	    af == AF_INET ? '4' : '6', REASON_BOGON);
	for (i = 0; i < mb->npfx; i++) {
		const struct mesh_pfx *p = &mb->pfx[i];

		if (p->p.addr.af != af)
			continue;
		fprintf(f, "%s\t    %s", n++ == 0 ? "\tif !(net ~ [\n" : ",\n",
		    prefix_fmt(&p->p, buf, sizeof(buf)));
		if (p->maxlen != p->p.len)
			fprintf(f, "{%u,%u}", p->p.len, p->maxlen);
	}
	if (n > 0)
		fprintf(f, "\n\t    ]) then\n\t\trs_reject(%d);\n",
		    REASON_PREFIX);
	else
		fprintf(f, "\trs_reject(%d);\t# no %s prefix authorized\n",
		    REASON_PREFIX, af == AF_INET ? "IPv4" : "IPv6");
	gen_nexthops(f, m, mb, af);
	fprintf(f, "\tif bgp_path.first != %u then\n\t\trs_reject(%d);\n",
	    mb->asn, REASON_PATH);
	fprintf(f, "\tif delete(filter(bgp_large_community, [(%u, 1, *)]),\n"
	    "\t    [", m->asn);
	gen_coi_list(f, m, mb->cois, mb->ncois);
	fprintf(f, "]).len > 0 then\n\t\trs_reject(%d);\n", REASON_COI);
	fprintf(f, "\tif !(bgp_large_community ~ [(%u, 1, *)]) then", m->asn);
	if (mb->untagged_reject)
		fprintf(f, "\n\t\trs_reject(%d);\n", REASON_UNTAGGED);
	else {
		fprintf(f, " {\n");
		for (i = 0; i < mb->ndefs; i++)
			fprintf(f, "\t\tbgp_large_community.add((%u, 1, %u));\n",
			    m->asn, mb->defs[i]->number);
		fprintf(f, "\t}\n");
	}
	if (mb->role == ROLE_STANDBY) {
		fprintf(f, "\t# standby at site \"%s\": lose to the primary\n",
		    mb->site);
		for (j = 0; j < STANDBY_PREPEND; j++)
			fprintf(f, "\tbgp_path.prepend(%u);\n", mb->asn);
	}
	fprintf(f, "\taccept;\n}\n\n");
}

static void
gen_export(FILE *f, const struct mesh *m, const struct mesh_member *mb,
    const char *proto)
{
	fprintf(f, "filter %s_out\n{\n\tif bgp_large_community ~ [", proto);
	gen_coi_list(f, m, mb->cois, mb->ncois);
	fprintf(f, "] then\n\t\taccept;\n\treject;\n}\n\n");
}

static void
gen_session(FILE *f, const struct mesh *m, const struct mesh_rs *rs,
    const struct mesh_member *mb, int af)
{
	char			 proto[64], buf[ADDR_STRLEN];
	const struct addr	*local = af == AF_INET ? &rs->local4 :
				    &rs->local6;
	const struct addr	*nbr = af == AF_INET ? &mb->addr4 : &mb->addr6;

	if (!addr_is_set(nbr))
		return;
	mesh_proto_name(mb, af, proto, sizeof(proto));
	gen_import(f, m, mb, af, proto);
	gen_export(f, m, mb, proto);
	fprintf(f, "protocol bgp %s {\n", proto);
	fprintf(f, "\tdescription \"%s %s\";\n", mb->org->name, mb->name);
	if (addr_is_set(local))
		fprintf(f, "\tlocal %s as %u;\n",
		    addr_fmt(local, buf, sizeof(buf)), m->asn);
	else
		fprintf(f, "\tlocal as %u;\n", m->asn);
	fprintf(f, "\tneighbor %s as %u;\n", addr_fmt(nbr, buf, sizeof(buf)),
	    mb->asn);
	fprintf(f, "\trs client;\n");
	fprintf(f, "\t%s {\n", af == AF_INET ? "ipv4" : "ipv6");
	fprintf(f, "\t\ttable %s;\n", af == AF_INET ? "rs4" : "rs6");
	fprintf(f, "\t\tsecondary;\n");
	fprintf(f, "\t\tnext hop keep;\n");
	fprintf(f, "\t\timport keep filtered;\n");
	fprintf(f, "\t\timport limit %u action block;\n", mb->max_prefix);
	fprintf(f, "\t\timport filter %s_in;\n", proto);
	fprintf(f, "\t\texport filter %s_out;\n", proto);
	fprintf(f, "\t};\n}\n");
}

static void
gen_member(FILE *f, const struct mesh *m, const struct mesh_rs *rs,
    const struct mesh_member *mb)
{
	size_t	i;

	fprintf(f, "\n# member \"%s\": organization \"%s\", AS%u, COIs",
	    mb->name, mb->org->name, mb->asn);
	for (i = 0; i < mb->ncois; i++)
		fprintf(f, " %s (%u)", mb->cois[i]->name, mb->cois[i]->number);
	if (mb->site[0] != '\0')
		fprintf(f, ", %s at site \"%s\"",
		    mb->role == ROLE_PRIMARY ? "primary" : "standby", mb->site);
	fprintf(f, "\n\n");
	gen_session(f, m, rs, mb, AF_INET);
	if (addr_is_set(&mb->addr4) && addr_is_set(&mb->addr6))
		fprintf(f, "\n");
	gen_session(f, m, rs, mb, AF_INET6);
}

void
gen_bird(FILE *f, const struct mesh *m, const struct mesh_rs *rs)
{
	size_t	i;

	gen_head(f, m, rs);
	for (i = 0; i < m->nmembers; i++)
		gen_member(f, m, rs, &m->members[i]);
}
