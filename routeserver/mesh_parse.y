/*
 * mesh_parse.y: the mesh description grammar (mesh.conf(5)) and its lexer.
 *
 * The grammar comes first, then a hand-written lexer with a sorted keyword
 * table, in the style of overlayd/parse.y. The symbols carry the prefix
 * "meshyy" so that this parser links beside overlayd's. Each statement is
 * checked as it is read; mesh_check() then checks the description as a
 * whole. Parsing stops at the first error, logged once as
 * "file:line: message". All state lives in the statics below and is reset
 * by every call.
 */

%{
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mesh.h"

#define MAXTOK		1024	/* longest word or quoted string */
#define MAXNAMES	256	/* names in one list */

static struct {
	FILE		*f;
	const char	*name;
	int		 lineno;	/* line of the next character */
	int		 tokline;	/* line of the last token */
	int		 lastc;		/* last character read from f */
	int		 eof;
	int		 pushback;	/* one character, or EOF */
	int		 errors;
	char		 tok[MAXTOK];	/* text of the last token */
	struct mesh	*mesh;
	struct mesh_rs	*rs;		/* block being parsed, or NULL */
	struct mesh_member *member;
	struct mesh_ref	 names[MAXNAMES];	/* the last name list */
	size_t		 nnames;
} ps;

#define SEEN_ORG	0x001
#define SEEN_ASN	0x002
#define SEEN_COI	0x004
#define SEEN_MAXPFX	0x008
#define SEEN_SITE	0x010
#define SEEN_UNTAGGED	0x020
#define SEEN_RID	0x100
%}

%define api.pure full
%define api.prefix {meshyy}
%locations

%union {
	char		*string;
	int		 i;
}

%{
static int	 yylex(YYSTYPE *, YYLTYPE *);
static void	 yyerror(YYLTYPE *, const char *);
static void	 mesh_err(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 num_take(const char *, char *, int, uint64_t, uint64_t,
		    uint64_t *);
static int	 name_take(char *, char *, bool, const char *, int);
static int	 names_add(char *, int);
static int	 asn_set(char *, int);
static int	 coi_add(char *, int, char *, int);
static int	 org_add(char *, int);
static int	 rs_begin(char *, int);
static int	 rs_end(int);
static int	 rs_router_id(char *, int);
static int	 rs_local(char *, int);
static int	 member_begin(char *, int);
static int	 member_end(int);
static int	 member_once(unsigned int, const char *, int);
static int	 member_org(char *, int);
static int	 member_asn(char *, int);
static int	 member_addr(char *, int);
static int	 member_cois(int);
static int	 member_prefix(char *, int, char *, int);
static int	 member_maxpfx(char *, int);
static int	 member_site(char *, int, int);
static int	 member_untagged(int, int);
%}

%token	ADDRESS ASN COI LOCAL MAX MAX_PREFIX MEMBER ORGANIZATION PREFIX
%token	PRIMARY REJECT ROUTE_SERVER ROUTER_ID SITE STANDBY UNTAGGED
%token	ERROR
%token	<string> STRING NUMBER
%type	<string> word
%type	<i> role

%destructor { free($$); } <string>

%%

grammar		: %empty
		| grammar '\n'
		| grammar main '\n'
		| grammar block '\n'
		;

word		: STRING
		| NUMBER
		;

optnl		: %empty
		| optnl '\n'
		;

namelist	: word {
			if (!names_add($1, @1.first_line))
				YYABORT;
		}
		| namelist word {
			if (!names_add($2, @2.first_line))
				YYABORT;
		}
		;

main		: ASN word {
			if (!asn_set($2, @2.first_line))
				YYABORT;
		}
		| COI word word {
			if (!coi_add($2, @2.first_line, $3, @3.first_line))
				YYABORT;
		}
		| ORGANIZATION word {
			if (!org_add($2, @2.first_line))
				YYABORT;
		}
		;

block		: rshead optnl '{' rsbody '}' {
			if (!rs_end(@1.first_line))
				YYABORT;
		}
		| memberhead optnl '{' memberbody '}' {
			if (!member_end(@1.first_line))
				YYABORT;
		}
		;

rshead		: ROUTE_SERVER word {
			if (!rs_begin($2, @2.first_line))
				YYABORT;
		}
		;

rsbody		: %empty
		| rsbody '\n'
		| rsbody rsopt '\n'
		;

rsopt		: ROUTER_ID word {
			if (!rs_router_id($2, @2.first_line))
				YYABORT;
		}
		| LOCAL word {
			if (!rs_local($2, @2.first_line))
				YYABORT;
		}
		;

memberhead	: MEMBER word {
			if (!member_begin($2, @2.first_line))
				YYABORT;
		}
		;

memberbody	: %empty
		| memberbody '\n'
		| memberbody memberopt '\n'
		;

memberopt	: ORGANIZATION word {
			if (!member_org($2, @2.first_line))
				YYABORT;
		}
		| ASN word {
			if (!member_asn($2, @2.first_line))
				YYABORT;
		}
		| ADDRESS word {
			if (!member_addr($2, @2.first_line))
				YYABORT;
		}
		| COI namelist {
			if (!member_cois(@1.first_line))
				YYABORT;
		}
		| PREFIX word {
			if (!member_prefix($2, @2.first_line, NULL, 0))
				YYABORT;
		}
		| PREFIX word MAX word {
			if (!member_prefix($2, @2.first_line, $4,
			    @4.first_line))
				YYABORT;
		}
		| MAX_PREFIX word {
			if (!member_maxpfx($2, @2.first_line))
				YYABORT;
		}
		| SITE word role {
			if (!member_site($2, @2.first_line, $3))
				YYABORT;
		}
		| SITE word {
			mesh_err(@2.first_line, "member \"%s\": site \"%s\" "
			    "needs a role: primary or standby",
			    ps.member->name, mesh_show($2));
			free($2);
			YYABORT;
		}
		| UNTAGGED REJECT {
			if (!member_untagged(0, @1.first_line))
				YYABORT;
		}
		| UNTAGGED COI namelist {
			if (!member_untagged(1, @1.first_line))
				YYABORT;
		}
		;

role		: PRIMARY	{ $$ = ROLE_PRIMARY; }
		| STANDBY	{ $$ = ROLE_STANDBY; }
		;

%%

static void
mesh_err(int line, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	if (ps.errors++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s:%d: %s", ps.name, line, msg);
}

static void
yyerror(YYLTYPE *loc, const char *msg)
{
	if (ps.eof)
		mesh_err(loc->first_line, "%s at end of file", msg);
	else if (strcmp(ps.tok, "\n") == 0)
		mesh_err(loc->first_line, "%s at end of line", msg);
	else
		mesh_err(loc->first_line, "%s near \"%s\"", msg,
		    mesh_show(ps.tok));
}

/* Appends one element to a growing array; the count is capped. */
static void *
grow(void *arr, size_t *n, size_t size, const char *what, int line)
{
	char	*p;

	if (*n >= MESH_MAX_ITEMS) {
		mesh_err(line, "too many %s (max %d)", what, MESH_MAX_ITEMS);
		return NULL;
	}
	if ((p = reallocarray(arr, *n + 1, size)) == NULL)
		fatal("%s", __func__);
	memset(p + *n * size, 0, size);
	(*n)++;
	return p;
}

/* Parses a decimal number in min..max; takes ownership of s. */
static int
num_take(const char *what, char *s, int line, uint64_t min, uint64_t max,
    uint64_t *out)
{
	unsigned long long	v;
	int			ok = 0;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
		mesh_err(line, "invalid %s \"%s\"", what, mesh_show(s));
	else {
		errno = 0;
		v = strtoull(s, NULL, 10);
		if (errno == ERANGE || v < min || v > max)
			mesh_err(line, "%s %s is out of range (%" PRIu64
			    "..%" PRIu64 ")", what, mesh_show(s), min, max);
		else {
			*out = v;
			ok = 1;
		}
	}
	free(s);
	return ok;
}

/* Checks a name and copies it to dst; takes ownership of s. */
static int
name_take(char *dst, char *s, bool symbol, const char *what, int line)
{
	int	ok = 0;

	if (*s == '\0')
		mesh_err(line, "%s name is empty", what);
	else if (strlen(s) > MESH_NAME_MAX)
		mesh_err(line, "%s name \"%s\" is too long (max %d characters)",
		    what, mesh_show(s), MESH_NAME_MAX);
	else if (!mesh_name_ok(s, symbol))
		mesh_err(line, "invalid %s name \"%s\": a letter, then "
		    "letters, digits%s", what, mesh_show(s),
		    symbol ? " and \"_\"" : ", \"_\" and \"-\"");
	else {
		strcpy(dst, s);
		ok = 1;
	}
	free(s);
	return ok;
}

static int
names_add(char *s, int line)
{
	struct mesh_ref	*r;
	size_t		 i;

	if (ps.nnames >= MAXNAMES) {
		mesh_err(line, "too many names in one list (max %d)", MAXNAMES);
		free(s);
		return 0;
	}
	r = &ps.names[ps.nnames];
	if (!name_take(r->name, s, false, "COI", line))
		return 0;
	for (i = 0; i < ps.nnames; i++)
		if (strcmp(ps.names[i].name, r->name) == 0) {
			mesh_err(line, "COI \"%s\" listed twice", r->name);
			return 0;
		}
	r->line = line;
	ps.nnames++;
	return 1;
}

/* Moves the name list into a new array. */
static struct mesh_ref *
names_take(size_t *n)
{
	struct mesh_ref	*r;

	if ((r = calloc(ps.nnames, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	memcpy(r, ps.names, ps.nnames * sizeof(*r));
	*n = ps.nnames;
	ps.nnames = 0;
	return r;
}

static int
asn_parse(char *s, int line, uint32_t *asn)
{
	uint64_t	v;

	if (!num_take("AS number", s, line, 1, UINT32_MAX, &v))
		return 0;
	if (v == 23456 || v == 65535 || v == UINT32_MAX) {
		mesh_err(line, "AS number %" PRIu64 " is reserved", v);
		return 0;
	}
	*asn = (uint32_t)v;
	return 1;
}

static int
asn_set(char *s, int line)
{
	if (ps.mesh->asn_line != 0) {
		mesh_err(line, "asn given twice (first on line %d)",
		    ps.mesh->asn_line);
		free(s);
		return 0;
	}
	if (!asn_parse(s, line, &ps.mesh->asn))
		return 0;
	ps.mesh->asn_line = line;
	return 1;
}

static int
coi_add(char *name, int line, char *num, int numline)
{
	struct mesh	*m = ps.mesh;
	struct mesh_coi	 c, *arr;
	uint64_t	 v;
	size_t		 i;

	memset(&c, 0, sizeof(c));
	if (!name_take(c.name, name, false, "COI", line)) {
		free(num);
		return 0;
	}
	if (!num_take("COI number", num, numline, 1, UINT32_MAX, &v))
		return 0;
	c.number = (uint32_t)v;
	c.line = line;
	for (i = 0; i < m->ncois; i++) {
		if (strcmp(m->cois[i].name, c.name) == 0) {
			mesh_err(line, "duplicate COI \"%s\" (first on line %d)",
			    c.name, m->cois[i].line);
			return 0;
		}
		if (m->cois[i].number == c.number) {
			mesh_err(numline, "COI \"%s\": number %u is already "
			    "used by COI \"%s\"", c.name, c.number,
			    m->cois[i].name);
			return 0;
		}
	}
	if ((arr = grow(m->cois, &m->ncois, sizeof(*arr), "COIs", line)) ==
	    NULL)
		return 0;
	m->cois = arr;
	m->cois[m->ncois - 1] = c;
	return 1;
}

static int
org_add(char *name, int line)
{
	struct mesh	*m = ps.mesh;
	struct mesh_org	 o, *arr;
	size_t		 i;

	memset(&o, 0, sizeof(o));
	if (!name_take(o.name, name, false, "organization", line))
		return 0;
	o.line = line;
	for (i = 0; i < m->norgs; i++)
		if (strcmp(m->orgs[i].name, o.name) == 0) {
			mesh_err(line, "duplicate organization \"%s\" (first "
			    "on line %d)", o.name, m->orgs[i].line);
			return 0;
		}
	if ((arr = grow(m->orgs, &m->norgs, sizeof(*arr), "organizations",
	    line)) == NULL)
		return 0;
	m->orgs = arr;
	m->orgs[m->norgs - 1] = o;
	return 1;
}

static int
rs_begin(char *name, int line)
{
	struct mesh	*m = ps.mesh;
	struct mesh_rs	 r, *arr;

	memset(&r, 0, sizeof(r));
	if (!name_take(r.name, name, false, "route-server", line))
		return 0;
	if (mesh_rs_find(m, r.name) != NULL) {
		mesh_err(line, "duplicate route-server \"%s\" (first on line "
		    "%d)", r.name, mesh_rs_find(m, r.name)->line);
		return 0;
	}
	r.line = line;
	if ((arr = grow(m->rs, &m->nrs, sizeof(*arr), "route servers",
	    line)) == NULL)
		return 0;
	m->rs = arr;
	m->rs[m->nrs - 1] = r;
	ps.rs = &m->rs[m->nrs - 1];
	return 1;
}

static int
rs_end(int line)
{
	if (!(ps.rs->seen & SEEN_RID)) {
		mesh_err(line, "route-server \"%s\": missing router-id",
		    ps.rs->name);
		return 0;
	}
	ps.rs = NULL;
	return 1;
}

static int
rs_router_id(char *s, int line)
{
	int	ok = 0;

	if (ps.rs->seen & SEEN_RID)
		mesh_err(line, "route-server \"%s\": router-id given twice",
		    ps.rs->name);
	else if (!addr_parse(s, &ps.rs->router_id) ||
	    ps.rs->router_id.af != AF_INET)
		mesh_err(line, "invalid router-id \"%s\": it must be an IPv4 "
		    "address", mesh_show(s));
	else if (ps.rs->router_id.u.v4.s_addr == 0)
		mesh_err(line, "router-id must not be 0.0.0.0");
	else {
		ps.rs->seen |= SEEN_RID;
		ok = 1;
	}
	free(s);
	return ok;
}

static int
rs_local(char *s, int line)
{
	struct addr	a;
	int		ok = 0;

	if (!addr_parse(s, &a))
		mesh_err(line, "invalid local address \"%s\"", mesh_show(s));
	else if (a.af == AF_INET && ps.rs->local4_line != 0)
		mesh_err(line, "route-server \"%s\": a second IPv4 local "
		    "address", ps.rs->name);
	else if (a.af == AF_INET6 && ps.rs->local6_line != 0)
		mesh_err(line, "route-server \"%s\": a second IPv6 local "
		    "address", ps.rs->name);
	else if (a.af == AF_INET) {
		ps.rs->local4 = a;
		ps.rs->local4_line = line;
		ok = 1;
	} else {
		ps.rs->local6 = a;
		ps.rs->local6_line = line;
		ok = 1;
	}
	free(s);
	return ok;
}

static int
member_begin(char *name, int line)
{
	struct mesh		*m = ps.mesh;
	struct mesh_member	 mb, *arr;
	const struct mesh_member *old;

	memset(&mb, 0, sizeof(mb));
	if (!name_take(mb.name, name, true, "member", line))
		return 0;
	if ((old = mesh_member_find(m, mb.name)) != NULL) {
		mesh_err(line, "duplicate member \"%s\" (first on line %d)",
		    mb.name, old->line);
		return 0;
	}
	mb.line = line;
	mb.max_prefix = MESH_MAX_PREFIX_DEFAULT;
	mb.untagged_reject = true;
	if ((arr = grow(m->members, &m->nmembers, sizeof(*arr), "members",
	    line)) == NULL)
		return 0;
	m->members = arr;
	m->members[m->nmembers - 1] = mb;
	ps.member = &m->members[m->nmembers - 1];
	return 1;
}

static int
member_end(int line)
{
	struct mesh_member	*mb = ps.member;
	const char		*missing = NULL;

	if (!(mb->seen & SEEN_ORG))
		missing = "organization";
	else if (!(mb->seen & SEEN_ASN))
		missing = "asn";
	else if (mb->addr4_line == 0 && mb->addr6_line == 0)
		missing = "address";
	else if (!(mb->seen & SEEN_COI))
		missing = "coi";
	if (missing != NULL) {
		mesh_err(line, "member \"%s\": missing %s", mb->name, missing);
		return 0;
	}
	ps.member = NULL;
	return 1;
}

static int
member_once(unsigned int bit, const char *what, int line)
{
	if (ps.member->seen & bit) {
		mesh_err(line, "member \"%s\": %s given twice",
		    ps.member->name, what);
		return 0;
	}
	ps.member->seen |= bit;
	return 1;
}

static int
member_org(char *s, int line)
{
	if (!member_once(SEEN_ORG, "organization", line)) {
		free(s);
		return 0;
	}
	ps.member->org_ref.line = line;
	return name_take(ps.member->org_ref.name, s, false, "organization",
	    line);
}

static int
member_asn(char *s, int line)
{
	if (!member_once(SEEN_ASN, "asn", line)) {
		free(s);
		return 0;
	}
	return asn_parse(s, line, &ps.member->asn);
}

static int
member_addr(char *s, int line)
{
	struct mesh_member	*mb = ps.member;
	struct addr		 a;
	int			 ok = 0;

	if (!addr_parse(s, &a))
		mesh_err(line, "invalid address \"%s\"", mesh_show(s));
	else if ((a.af == AF_INET && mb->addr4_line != 0) ||
	    (a.af == AF_INET6 && mb->addr6_line != 0))
		mesh_err(line, "member \"%s\": a second IPv%c address (one "
		    "per address family)", mb->name,
		    a.af == AF_INET ? '4' : '6');
	else if (a.af == AF_INET) {
		mb->addr4 = a;
		mb->addr4_line = line;
		ok = 1;
	} else {
		mb->addr6 = a;
		mb->addr6_line = line;
		ok = 1;
	}
	free(s);
	return ok;
}

static int
member_cois(int line)
{
	if (!member_once(SEEN_COI, "coi", line)) {
		ps.nnames = 0;
		return 0;
	}
	ps.member->coi_refs = names_take(&ps.member->ncois);
	return 1;
}

/* Takes ownership of s and max (NULL: exact prefix only). */
static int
member_prefix(char *s, int line, char *max, int maxline)
{
	struct mesh_member	*mb = ps.member;
	struct mesh_pfx		*arr, p;
	uint64_t		 v = 0;
	int			 ok = 0;

	memset(&p, 0, sizeof(p));
	p.line = line;
	if (!mesh_prefix_parse(s, &p.p))
		mesh_err(line, "invalid prefix \"%s\"", mesh_show(s));
	else if (!mesh_prefix_canonical(&p.p))
		mesh_err(line, "prefix \"%s\" has bits set after its length",
		    mesh_show(s));
	else if (max == NULL) {
		p.maxlen = p.p.len;
		ok = 1;
	} else {
		ok = num_take("max length", max, maxline, p.p.len,
		    p.p.addr.af == AF_INET ? 32 : 128, &v);
		max = NULL;
		p.maxlen = (uint8_t)v;
	}
	free(max);
	free(s);
	if (!ok)
		return 0;
	if ((arr = grow(mb->pfx, &mb->npfx, sizeof(*arr), "prefixes",
	    line)) == NULL)
		return 0;
	mb->pfx = arr;
	mb->pfx[mb->npfx - 1] = p;
	return 1;
}

static int
member_maxpfx(char *s, int line)
{
	uint64_t	v;

	if (!member_once(SEEN_MAXPFX, "max-prefix", line)) {
		free(s);
		return 0;
	}
	if (!num_take("max-prefix", s, line, 1, 1000000, &v))
		return 0;
	ps.member->max_prefix = (uint32_t)v;
	return 1;
}

static int
member_site(char *s, int line, int role)
{
	if (!member_once(SEEN_SITE, "site", line)) {
		free(s);
		return 0;
	}
	ps.member->role = (enum mesh_role)role;
	ps.member->site_line = line;
	return name_take(ps.member->site, s, false, "site", line);
}

static int
member_untagged(int defaults, int line)
{
	struct mesh_member	*mb = ps.member;

	if (!member_once(SEEN_UNTAGGED, "untagged", line)) {
		ps.nnames = 0;
		return 0;
	}
	mb->untagged_line = line;
	mb->untagged_reject = !defaults;
	if (defaults)
		mb->def_refs = names_take(&mb->ndefs);
	return 1;
}

/* The lexer. */

static const struct keyword {
	const char	*name;
	int		 token;
} keywords[] = {	/* sorted: looked up with bsearch */
	{ "address",		ADDRESS },
	{ "asn",		ASN },
	{ "coi",		COI },
	{ "local",		LOCAL },
	{ "max",		MAX },
	{ "max-prefix",		MAX_PREFIX },
	{ "member",		MEMBER },
	{ "organization",	ORGANIZATION },
	{ "prefix",		PREFIX },
	{ "primary",		PRIMARY },
	{ "reject",		REJECT },
	{ "route-server",	ROUTE_SERVER },
	{ "router-id",		ROUTER_ID },
	{ "site",		SITE },
	{ "standby",		STANDBY },
	{ "untagged",		UNTAGGED },
};

static int
kw_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct keyword *)e)->name);
}

static int
kw_lookup(const char *s)
{
	const struct keyword	*kw;

	kw = bsearch(s, keywords, sizeof(keywords) / sizeof(keywords[0]),
	    sizeof(keywords[0]), kw_cmp);
	return kw != NULL ? kw->token : STRING;
}

static void
lungetc(int c)
{
	ps.pushback = c;
}

/* Reads the file; its last line always ends in a newline. */
static int
lgetc(void)
{
	int	c;

	if (ps.pushback != EOF) {
		c = ps.pushback;
		ps.pushback = EOF;
		return c;
	}
	if ((c = getc(ps.f)) == EOF) {
		if (ps.lastc != '\n' && ps.lastc != EOF)
			c = '\n';
		ps.lastc = EOF;
		return c;
	}
	ps.lastc = c;
	return c;
}

static int
lex_quoted(YYSTYPE *lval)
{
	size_t	n = 0;
	int	c;

	while ((c = lgetc()) != '"') {
		if (c == EOF || c == '\n') {
			mesh_err(ps.tokline, "unterminated quoted string");
			return ERROR;
		}
		if (c == '\\') {
			int	next = lgetc();

			if (next == '"' || next == '\\')
				c = next;
			else
				lungetc(next);
		}
		if (!isprint(c) && c != '\t') {
			mesh_err(ps.tokline, "invalid character 0x%02x in "
			    "quoted string", c);
			return ERROR;
		}
		if (n + 1 >= sizeof(ps.tok)) {
			mesh_err(ps.tokline, "quoted string is too long");
			return ERROR;
		}
		ps.tok[n++] = (char)c;
	}
	ps.tok[n] = '\0';
	if ((lval->string = strdup(ps.tok)) == NULL)
		fatal("%s", __func__);
	return STRING;
}

static int
in_word(int c)
{
	return c != EOF && c < 0x80 && (isalnum(c) || (ispunct(c) &&
	    c != '{' && c != '}' && c != '#' && c != '"' && c != '\\'));
}

static int
lex_word(YYSTYPE *lval, int c)
{
	size_t	n = 0;
	int	token;

	do {
		if (n + 1 >= sizeof(ps.tok)) {
			mesh_err(ps.tokline, "word is too long");
			return ERROR;
		}
		ps.tok[n++] = (char)c;
	} while (in_word(c = lgetc()));
	lungetc(c);
	ps.tok[n] = '\0';
	if ((token = kw_lookup(ps.tok)) != STRING)
		return token;
	if (strspn(ps.tok, "0123456789") == n)
		token = NUMBER;
	if ((lval->string = strdup(ps.tok)) == NULL)
		fatal("%s", __func__);
	return token;
}

static int
yylex(YYSTYPE *lval, YYLTYPE *lloc)
{
	int	c, token;

	while ((c = lgetc()) == ' ' || c == '\t' || c == '\r')
		;
	ps.tokline = ps.lineno;
	if (c == '#')
		while ((c = lgetc()) != '\n' && c != EOF)
			;
	ps.tok[0] = (char)c;
	ps.tok[1] = '\0';
	if (c == EOF) {
		ps.eof = 1;
		ps.tok[0] = '\0';
		ps.tokline = ps.lineno > 1 ? ps.lineno - 1 : 1;
		token = 0;
	} else if (c == '\n') {
		ps.lineno++;
		token = '\n';
	} else if (c == '"')
		token = lex_quoted(lval);
	else if (in_word(c))
		token = lex_word(lval, c);
	else if (c == '{' || c == '}')
		token = c;
	else {
		/* never 0: that would end the file early */
		mesh_err(ps.tokline, "invalid character 0x%02x", c);
		token = ERROR;
	}
	lloc->first_line = lloc->last_line = ps.tokline;
	lloc->first_column = lloc->last_column = 0;
	return token;
}

struct mesh *
mesh_load_file(FILE *f, const char *name)
{
	struct mesh	*m;
	int		 rv;

	memset(&ps, 0, sizeof(ps));
	ps.f = f;
	ps.name = name;
	ps.lineno = 1;
	ps.lastc = '\n';
	ps.pushback = EOF;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatal("%s", __func__);
	m->file = name;
	ps.mesh = m;
	rv = yyparse();
	if (rv == 0 && ps.errors == 0 && ferror(f)) {
		log_warn("%s: read error", name);
		ps.errors++;
	}
	if (rv != 0 && ps.errors == 0) {	/* bison ran out of memory */
		log_warnx("%s: parser failed", name);
		ps.errors++;
	}
	if (ps.errors == 0 && !mesh_check(m))
		ps.errors++;
	if (ps.errors != 0) {
		mesh_free(m);
		m = NULL;
	}
	memset(&ps, 0, sizeof(ps));
	return m;
}

struct mesh *
mesh_load(const char *path)
{
	struct mesh	*m;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return NULL;
	}
	m = mesh_load_file(f, path);
	fclose(f);
	return m;
}
