/*
 * mesh.h: the parsed mesh description (mesh.conf(5)). mesh_parse.y fills
 * it and checks each statement, mesh.c checks the whole (references, site
 * roles, prefixes of two organizations) and frees it, gen.c turns it into
 * a BIRD configuration.
 */
#ifndef RS_MESH_H
#define RS_MESH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

#define MESH_NAME_MAX	24	/* member names end up in BIRD symbols */
#define MESH_MAX_ITEMS	4096	/* members, COIs, prefixes, ... each */
#define MESH_MAX_PREFIX_DEFAULT	1000

/* Reject reasons: the large community (RS-ASN, 0, reason) on a filtered route. */
enum mesh_reason {
	REASON_BOGON = 1,	/* a bogon (martian) prefix */
	REASON_DEFAULT,		/* the default route */
	REASON_PREFIX,		/* prefix (or length) not authorized */
	REASON_NEXTHOP,		/* next hop neither the member's nor its site partner's */
	REASON_COI,		/* tagged with a COI the member is not in */
	REASON_UNTAGGED,	/* no COI tag, and the member rejects untagged routes */
	REASON_PATH,		/* first AS in the path is not the member's */
	REASON_MAX = REASON_PATH
};
const char	*mesh_reason_name(unsigned int);

/* A name as written, with the line it was written on. */
struct mesh_ref {
	char		 name[MESH_NAME_MAX + 1];
	int		 line;
};

struct mesh_rs {
	char		 name[MESH_NAME_MAX + 1];
	struct addr	 router_id;	/* IPv4 */
	struct addr	 local4;	/* optional session source addresses */
	struct addr	 local6;
	int		 line;
	int		 local4_line;
	int		 local6_line;
	unsigned int	 seen;
};

struct mesh_coi {
	char		 name[MESH_NAME_MAX + 1];
	uint32_t	 number;	/* (RS-ASN, 1, number) */
	int		 line;
};

struct mesh_org {
	char		 name[MESH_NAME_MAX + 1];
	int		 line;
};

struct mesh_pfx {
	struct prefix	 p;
	uint8_t		 maxlen;	/* more specifics allowed up to this */
	int		 line;
};

enum mesh_role {
	ROLE_NONE = 0,
	ROLE_PRIMARY,
	ROLE_STANDBY
};

struct mesh_member {
	char		 name[MESH_NAME_MAX + 1];
	int		 line;
	struct mesh_ref	 org_ref;
	const struct mesh_org *org;		/* resolved by mesh_check() */
	uint32_t	 asn;
	struct addr	 addr4;			/* BGP neighbor addresses */
	struct addr	 addr6;
	int		 addr4_line;
	int		 addr6_line;
	struct mesh_ref	*coi_refs;
	size_t		 ncois;
	const struct mesh_coi **cois;		/* resolved, same order */
	struct mesh_pfx	*pfx;
	size_t		 npfx;
	uint32_t	 max_prefix;
	char		 site[MESH_NAME_MAX + 1];	/* empty: none */
	enum mesh_role	 role;
	int		 site_line;
	bool		 untagged_reject;	/* else add the default COIs */
	struct mesh_ref	*def_refs;		/* "untagged coi ..." */
	size_t		 ndefs;
	const struct mesh_coi **defs;
	int		 untagged_line;
	unsigned int	 seen;			/* statements given (parser) */
};

struct mesh {
	const char	*file;		/* for messages */
	uint32_t	 asn;
	int		 asn_line;
	struct mesh_rs	*rs;
	size_t		 nrs;
	struct mesh_coi	*cois;
	size_t		 ncois;
	struct mesh_org	*orgs;
	size_t		 norgs;
	struct mesh_member *members;
	size_t		 nmembers;
};

/* mesh_parse.y: NULL on any error, logged as "file:line: message". */
struct mesh	*mesh_load(const char *path);
struct mesh	*mesh_load_file(FILE *f, const char *name);	/* f stays open */

/* mesh.c */
bool		 mesh_check(struct mesh *);	/* called by mesh_load */
void		 mesh_free(struct mesh *);
const struct mesh_rs *mesh_rs_find(const struct mesh *, const char *);
/* The route server named name, or the only one when name is NULL; logs why not. */
const struct mesh_rs *mesh_rs_select(const struct mesh *, const char *name);
const struct mesh_member *mesh_member_find(const struct mesh *, const char *);
bool		 mesh_name_ok(const char *, bool symbol);
/* BIRD protocol name of a member's session of family af ("m_NAME_v4"). */
void		 mesh_proto_name(const struct mesh_member *, int af, char *,
		    size_t);

/* Helpers shared by the parser and the generator (mesh.c). */
bool		 mesh_prefix_parse(const char *, struct prefix *);
bool		 mesh_prefix_canonical(const struct prefix *);
/* True if a contains b (a is as long as b or shorter). */
bool		 mesh_prefix_contains(const struct prefix *, const struct prefix *);
/* s fit to quote in a message: escaped, shortened; a few rotating buffers. */
const char	*mesh_show(const char *s);

/* gen.c: the BIRD configuration of one route server. */
void		 gen_bird(FILE *, const struct mesh *, const struct mesh_rs *);

#endif
