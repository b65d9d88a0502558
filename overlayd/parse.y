/*
 * parse.y: the overlayd.conf(5) grammar and its lexer.
 *
 * The grammar comes first, then a hand-written lexer with a sorted keyword
 * table and bgpd-style macros (name = "value", used as $name). Parsing
 * stops at the first error, which is logged once as "file:line: message".
 * All state lives in the statics below and is reset by every call, so
 * conf_parse_file() can run any number of times in one process.
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
#include <strings.h>

#include "bird.h"
#include "conf.h"
#include "log.h"

#define MAXTOK		8192	/* longest word or quoted string */
#define TOKSHOW		40	/* longer tokens are shortened in messages */
#define TOKSHORT	16	/* to this many characters */
#define MAXEXPAND	8	/* macro expansions before a token */

struct macro {
	struct macro	*next;
	char		*name;
	char		*value;
};

static struct {
	FILE		*f;
	const char	*name;
	int		 lineno;	/* line of the next character */
	int		 tokline;	/* line of the last token */
	int		 lastc;		/* last character read from f */
	int		 eof;
	int		*pb;		/* pushback stack */
	size_t		 pblen;
	size_t		 pbcap;
	int		 nexpand;	/* expansions since the last token */
	int		 errors;
	char		 tok[MAXTOK];	/* text of the last token */
	struct macro	*macros;
	struct ovl_conf	*conf;
	struct peer_conf *peer;		/* peer block being parsed */
	unsigned int	 seen;		/* SEEN_* options of that peer */
	int		 bgp_line;	/* first "bgp protocol", for checks */
	int		 bird_timeout_line;
	struct ka_conf	 ka;		/* keepalive statement being parsed */
	unsigned int	 kaseen;	/* KA_SEEN_* of that statement */
	struct ike_conf	*ike;		/* global or the peer's */
	unsigned int	 ikeseen;	/* IKE_SEEN_* in that scope */
} ps;

#define SEEN_LOCAL	0x001
#define SEEN_REMOTE	0x002
#define SEEN_ENCAP	0x004
#define SEEN_MTU	0x008
#define SEEN_GRE	0x010
#define SEEN_ESN	0x020
#define SEEN_REPLAY	0x040
#define SEEN_KA		0x080

#define IKE_SEEN_CERT		0x01
#define IKE_SEEN_KEY		0x02
#define IKE_SEEN_CA		0x04
#define IKE_SEEN_CRL		0x08
#define IKE_SEEN_LID		0x10
#define IKE_SEEN_RID		0x20
#define IKE_SEEN_ENCR		0x40
#define IKE_SEEN_PASSIVE	0x80
#define IKE_SEEN_PORT		0x100
#define IKE_SEEN_MODE		0x200
#define IKE_SEEN_FRAG		0x400
#define IKE_SEEN_LIFE		0x800
#define IKE_SEEN_CLIFE		0x1000
#define IKE_SEEN_CBYTES		0x2000
#define IKE_SEEN_JITTER		0x4000

#define KA_SEEN_INTERVAL	0x1
#define KA_SEEN_MULT		0x2
#define KA_SEEN_HOLDDOWN	0x4

%}

%define api.pure full
%locations

%union {
	char		*string;
	int		 i;
}

%{
static int	 yylex(YYSTYPE *, YYLTYPE *);
static void	 yyerror(YYLTYPE *, const char *);
static void	 conf_err(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 str_free(char *);
static int	 macro_set(char *, char *, int);
static int	 num_parse(const char *, const char *, int, int,
		    uint64_t, uint64_t, uint64_t *);
static int	 num_take(const char *, char *, int, int,
		    uint64_t, uint64_t, uint64_t *);
static int	 str_set(char *, size_t, char *, const char *, int);
static int	 ctl_path_set(char *, int);
static int	 peer_begin(char *, int);
static int	 peer_end(int);
static int	 peer_once(unsigned int, const char *, int);
static int	 peer_addr(struct addr *, unsigned int, const char *, char *,
		    int);
static int	 peer_prefix(char *, int);
static int	 sa_set(int, char *, int, int, char *, int, int);
static int	 key_parse(struct sa_conf *, const char *, int);
static int	 ka_once(unsigned int, const char *, int);
static int	 ka_duration(const char *, char *, int, uint32_t, uint32_t,
		    uint32_t *);
static int	 ka_global(int);
static int	 ka_peer(int);
static int	 peer_ka_check(int);
static int	 peer_prefix_peer(char *, char *, int);
static int	 bird_path_set(char *, int);
static int	 peer_bgp(char *, int);
static int	 conf_check_bird(void);
static int	 ike_once(unsigned int, const char *, int);
static int	 ike_path(char *, size_t, unsigned int, const char *, char *,
		    int);
static int	 ike_id(char *, unsigned int, const char *, char *, int);
static int	 ike_group(char *, int);
static const char *show(const char *);
static int	 ike_life(uint32_t *, unsigned int, const char *, char *, int);
static int	 ike_bytes(char *, int);
static int	 ike_jitter(char *, int);
static int	 ike_global(int);
static int	 peer_ike_check(int);
%}

%token	ADDRESS AES_GCM_128 AES_GCM_256 BGP BIRD CONTROL DATAPLANE ENCAP ESN ESP
%token	GRE GROUP IN KERNEL KEY LOCAL MTU NO OUT PEER PORT PROTOCOL REMOTE
%token	REPLAY SA SOCKET SPI TIMEOUT UDP USER USERSPACE WINDOW YES
%token	HOLDDOWN INTERVAL KEEPALIVE MULTIPLIER OFF
%token	CA CERTIFICATE CRL ENCRYPTION ID IKE PASSIVE
%token	FRAGMENT_SIZE MODE TRANSPORT TUNNEL
%token	COOKIETHRESHOLD HALFOPENLIMIT CERTCACHE
%token	BYTES CHILD JITTER LIFETIME
%token	ERROR
%token	<string> STRING NUMBER MACRONAME
%type	<string> word
%type	<i> sadir alg yesno

%destructor { str_free($$); } <string>

%%

grammar		: %empty
		| grammar '\n'
		| grammar varset '\n'
		| grammar main '\n'
		| grammar peer '\n'
		;

word		: STRING	/* anything that is not a keyword */
		| NUMBER
		;

optnl		: %empty
		| optnl '\n'
		;

varset		: MACRONAME '=' word {
			if (!macro_set($1, $3, @1.first_line))
				YYABORT;
		}
		;

main		: USER word {
			if (!str_set(ps.conf->user, sizeof(ps.conf->user), $2,
			    "user name", @2.first_line))
				YYABORT;
		}
		| CONTROL SOCKET STRING {
			if (!ctl_path_set($3, @3.first_line))
				YYABORT;
		}
		| CONTROL GROUP word {
			if (!str_set(ps.conf->ctl_group,
			    sizeof(ps.conf->ctl_group), $3, "control group",
			    @3.first_line))
				YYABORT;
		}
		| MTU NUMBER {
			uint64_t	v;

			if (!num_take("mtu", $2, @2.first_line, 0,
			    CONF_MTU_MIN, CONF_MTU_MAX, &v))
				YYABORT;
			ps.conf->mtu = (uint32_t)v;
		}
		| DATAPLANE USERSPACE {
			ps.conf->dataplane = DATAPLANE_USERSPACE;
		}
		| DATAPLANE KERNEL {
			ps.conf->dataplane = DATAPLANE_KERNEL;
		}
		| DATAPLANE word {
			conf_err(@2.first_line, "dataplane \"%s\": not userspace "
			    "or kernel", $2);
			str_free($2);
			YYABORT;
		}
		| BIRD SOCKET STRING {
			if (!bird_path_set($3, @3.first_line))
				YYABORT;
		}
		| BIRD TIMEOUT NUMBER {
			uint64_t	v;

			if (!num_take("bird timeout", $3, @3.first_line, 0, 1,
			    CONF_BIRD_TIMEOUT_MAX, &v))
				YYABORT;
			ps.conf->bird_timeout = (uint32_t)v;
			ps.bird_timeout_line = @1.first_line;
		}
		| KEEPALIVE kaspec {
			if (!ka_global(@1.first_line))
				YYABORT;
		}
		| IKE ikeopt {
			if (!ike_global(@1.first_line))
				YYABORT;
		}
		| IKE COOKIETHRESHOLD NUMBER {
			uint64_t	v;

			if (!num_take("ike cookie-threshold", $3, @3.first_line,
			    0, 0, CONF_IKE_LIMIT_MAX, &v))
				YYABORT;
			ps.conf->ike_cookie_threshold = (uint32_t)v;
		}
		| IKE CERTCACHE yesno {
			ps.conf->ike_cert_cache = $3;
		}
		| IKE HALFOPENLIMIT NUMBER {
			uint64_t	v;

			if (!num_take("ike half-open-limit", $3, @3.first_line,
			    0, 0, CONF_IKE_LIMIT_MAX, &v))
				YYABORT;
			ps.conf->ike_halfopen_limit = (uint32_t)v;
		}
		;

ikeopt		: CERTIFICATE STRING {
			if (!ike_path(ps.ike->cert, sizeof(ps.ike->cert),
			    IKE_SEEN_CERT, "ike certificate", $2, @2.first_line))
				YYABORT;
		}
		| KEY STRING {
			if (!ike_path(ps.ike->key, sizeof(ps.ike->key),
			    IKE_SEEN_KEY, "ike key", $2, @2.first_line))
				YYABORT;
		}
		| CA STRING {
			if (!ike_path(ps.ike->ca, sizeof(ps.ike->ca),
			    IKE_SEEN_CA, "ike ca", $2, @2.first_line))
				YYABORT;
		}
		| CRL STRING {
			if (!ike_path(ps.ike->crl, sizeof(ps.ike->crl),
			    IKE_SEEN_CRL, "ike crl", $2, @2.first_line))
				YYABORT;
		}
		| LOCAL ID word {
			if (!ike_id(ps.ike->local_id, IKE_SEEN_LID,
			    "ike local id", $3, @3.first_line))
				YYABORT;
		}
		| REMOTE ID word {
			if (!ike_id(ps.ike->remote_id, IKE_SEEN_RID,
			    "ike remote id", $3, @3.first_line))
				YYABORT;
		}
		| ENCRYPTION alg {
			if (!ike_once(IKE_SEEN_ENCR, "ike encryption",
			    @1.first_line))
				YYABORT;
			ps.ike->encr_bits = $2 == SA_AES_GCM_128 ? 128 : 256;
		}
		| GROUP word {
			if (!ike_group($2, @2.first_line))
				YYABORT;
		}
		| LIFETIME word {
			if (!ike_life(&ps.ike->life, IKE_SEEN_LIFE,
			    "ike lifetime", $2, @2.first_line))
				YYABORT;
		}
		| CHILD LIFETIME word {
			if (!ike_life(&ps.ike->child_life, IKE_SEEN_CLIFE,
			    "ike child lifetime", $3, @3.first_line))
				YYABORT;
		}
		| CHILD BYTES word {
			if (!ike_bytes($3, @3.first_line))
				YYABORT;
		}
		| JITTER word {
			if (!ike_jitter($2, @2.first_line))
				YYABORT;
		}
		;

kaspec		: OFF {
			memset(&ps.ka, 0, sizeof(ps.ka));
		}
		| kastart kaopts
		;

kastart		: %empty {
			conf_ka_default(&ps.ka);
			ps.kaseen = 0;
		}
		;

kaopts		: %empty
		| kaopts kaopt
		;

kaopt		: INTERVAL word {
			if (!ka_duration("keepalive interval", $2, @2.first_line,
			    CONF_KA_INTERVAL_MIN, CONF_KA_INTERVAL_MAX,
			    &ps.ka.interval) ||
			    !ka_once(KA_SEEN_INTERVAL, "interval", @1.first_line))
				YYABORT;
		}
		| MULTIPLIER word {
			uint64_t	v;

			if (!num_take("keepalive multiplier", $2, @2.first_line,
			    0, CONF_KA_MULT_MIN, CONF_KA_MULT_MAX, &v) ||
			    !ka_once(KA_SEEN_MULT, "multiplier", @1.first_line))
				YYABORT;
			ps.ka.multiplier = (uint32_t)v;
		}
		| HOLDDOWN word {
			if (!ka_duration("keepalive holddown", $2, @2.first_line,
			    0, CONF_KA_HOLDDOWN_MAX, &ps.ka.holddown) ||
			    !ka_once(KA_SEEN_HOLDDOWN, "holddown", @1.first_line))
				YYABORT;
		}
		;

peer		: peerhead optnl '{' peerbody '}' {
			if (!peer_end(@1.first_line))
				YYABORT;
		}
		;

peerhead	: PEER word {
			if (!peer_begin($2, @2.first_line))
				YYABORT;
		}
		;

peerbody	: %empty
		| peerbody '\n'
		| peerbody peeropt '\n'
		;

peeropt		: LOCAL STRING {
			if (!peer_addr(&ps.peer->local, SEEN_LOCAL, "local",
			    $2, @2.first_line))
				YYABORT;
		}
		| REMOTE STRING {
			if (!peer_addr(&ps.peer->remote, SEEN_REMOTE, "remote",
			    $2, @2.first_line))
				YYABORT;
		}
		| ENCAP ESP {
			if (!peer_once(SEEN_ENCAP, "encap", @1.first_line))
				YYABORT;
			ps.peer->encap = ENCAP_ESP;
			ps.peer->port = 0;
		}
		| ENCAP UDP {
			if (!peer_once(SEEN_ENCAP, "encap", @1.first_line))
				YYABORT;
			ps.peer->encap = ENCAP_UDP;
			ps.peer->port = CONF_ESP_UDP_PORT;
		}
		| ENCAP UDP PORT NUMBER {
			uint64_t	v;

			if (!num_take("port", $4, @4.first_line, 0, 1, 65535,
			    &v) ||
			    !peer_once(SEEN_ENCAP, "encap", @1.first_line))
				YYABORT;
			ps.peer->encap = ENCAP_UDP;
			ps.peer->port = (uint16_t)v;
		}
		| MTU NUMBER {
			uint64_t	v;

			if (!num_take("mtu", $2, @2.first_line, 0,
			    CONF_MTU_MIN, CONF_MTU_MAX, &v) ||
			    !peer_once(SEEN_MTU, "mtu", @1.first_line))
				YYABORT;
			ps.peer->mtu = (uint32_t)v;
		}
		| GRE KEY word {
			uint64_t	v;

			if (!num_take("gre key", $3, @3.first_line, 1, 0,
			    UINT32_MAX, &v) ||
			    !peer_once(SEEN_GRE, "gre key", @1.first_line))
				YYABORT;
			ps.peer->gre_key_set = true;
			ps.peer->gre_key = (uint32_t)v;
		}
		| ADDRESS STRING {
			if (!peer_prefix($2, @2.first_line))
				YYABORT;
		}
		| ADDRESS STRING PEER STRING {
			if (!peer_prefix_peer($2, $4, @2.first_line))
				YYABORT;
		}
		| KEEPALIVE kaspec {
			if (!ka_peer(@1.first_line))
				YYABORT;
		}
		| ESN yesno {
			if (!peer_once(SEEN_ESN, "esn", @1.first_line))
				YYABORT;
			ps.peer->esn = $2;
		}
		| REPLAY WINDOW NUMBER {
			uint64_t	v;

			if (!num_take("replay window", $3, @3.first_line, 0,
			    CONF_REPLAY_MIN, CONF_REPLAY_MAX, &v) ||
			    !peer_once(SEEN_REPLAY, "replay window",
			    @1.first_line))
				YYABORT;
			ps.peer->replay_window = (uint32_t)v;
		}
		| BGP PROTOCOL word {
			if (!peer_bgp($3, @3.first_line))
				YYABORT;
		}
		| IKE {
			ps.peer->ike.on = true;
		}
		| IKE ikeopt {
			ps.peer->ike.on = true;
		}
		| IKE PASSIVE {
			if (!ike_once(IKE_SEEN_PASSIVE, "ike passive",
			    @2.first_line))
				YYABORT;
			ps.peer->ike.on = true;
			ps.peer->ike.passive = true;
		}
		| IKE PORT NUMBER {
			uint64_t	v;

			if (!num_take("ike port", $3, @3.first_line, 0, 500,
			    4500, &v) ||
			    !ike_once(IKE_SEEN_PORT, "ike port", @1.first_line))
				YYABORT;
			if (v != 500 && v != 4500) {
				conf_err(@3.first_line, "ike port %llu: must be 500 or "
				    "4500", (unsigned long long)v);
				YYABORT;
			}
			ps.peer->ike.on = true;
			ps.peer->ike.port = (uint16_t)v;
		}
		| IKE MODE TRANSPORT {
			if (!ike_once(IKE_SEEN_MODE, "ike mode", @1.first_line))
				YYABORT;
			ps.peer->ike.on = true;
			ps.peer->ike.tunnel = false;
		}
		| IKE MODE TUNNEL {
			if (!ike_once(IKE_SEEN_MODE, "ike mode", @1.first_line))
				YYABORT;
			ps.peer->ike.on = true;
			ps.peer->ike.tunnel = true;
		}
		| IKE MODE STRING {
			conf_err(@3.first_line, "ike mode %s: must be transport "
			    "or tunnel", show($3));
			str_free($3);
			YYABORT;
		}
		| IKE FRAGMENT_SIZE NUMBER {
			uint64_t	v;

			if (!num_take("ike fragment-size", $3, @3.first_line, 0,
			    CONF_IKE_FRAG_MIN, CONF_IKE_FRAG_MAX, &v) ||
			    !ike_once(IKE_SEEN_FRAG, "ike fragment-size",
			    @1.first_line))
				YYABORT;
			ps.peer->ike.on = true;
			ps.peer->ike.frag_size = (uint16_t)v;
		}
		| SA sadir SPI word alg KEY word {
			if (!sa_set($2, $4, @4.first_line, $5, $7,
			    @7.first_line, @1.first_line))
				YYABORT;
		}
		;

sadir		: IN		{ $$ = 0; }
		| OUT		{ $$ = 1; }
		;

alg		: AES_GCM_128	{ $$ = SA_AES_GCM_128; }
		| AES_GCM_256	{ $$ = SA_AES_GCM_256; }
		;

yesno		: YES		{ $$ = 1; }
		| NO		{ $$ = 0; }
		;

%%

/* Semantic checks, called from the actions above. */

static void
conf_err(int line, const char *fmt, ...)
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

/* Frees a string from the lexer; any of them may hold key material. */
static void
str_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/*
 * Returns s fit to be quoted in a message: non-printable characters
 * escaped, long strings (they may be keys) shortened. Rotates through a few
 * static buffers so that one message can show several strings.
 */
static const char *
show(const char *s)
{
	static char	 bufs[4][TOKSHOW * 4 + 4];
	static int	 idx;
	char		*buf;
	size_t		 i, o = 0, n = strlen(s);

	idx = (idx + 1) % 4;
	buf = bufs[idx];
	if (n > TOKSHOW)	/* a long 0x... is likely a key: show none */
		n = strncasecmp(s, "0x", 2) == 0 ? 2 : TOKSHORT;
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
		strcat(buf, "...");
	return buf;
}

static void
yyerror(YYLTYPE *loc, const char *msg)
{
	if (ps.eof)
		conf_err(loc->first_line, "%s at end of file", msg);
	else if (strcmp(ps.tok, "\n") == 0)
		conf_err(loc->first_line, "%s at end of line", msg);
	else
		conf_err(loc->first_line, "%s near \"%s\"", msg, show(ps.tok));
}

static int
macro_name_ok(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* Takes ownership of name and value. */
static int
macro_set(char *name, char *value, int line)
{
	struct macro	*m;

	if (!macro_name_ok(name)) {
		conf_err(line, "invalid macro name \"%s\"", show(name));
		str_free(name);
		str_free(value);
		return 0;
	}
	for (m = ps.macros; m != NULL; m = m->next)
		if (strcmp(m->name, name) == 0)
			break;
	if (m != NULL) {
		str_free(name);
		str_free(m->value);
		m->value = value;
		return 1;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatal("%s", __func__);
	m->name = name;
	m->value = value;
	m->next = ps.macros;
	ps.macros = m;
	return 1;
}

static const char *
macro_get(const char *name)
{
	struct macro	*m;

	for (m = ps.macros; m != NULL; m = m->next)
		if (strcmp(m->name, name) == 0)
			return m->value;
	return NULL;
}

static void
macro_free_all(void)
{
	struct macro	*m;

	while ((m = ps.macros) != NULL) {
		ps.macros = m->next;
		str_free(m->name);
		str_free(m->value);
		free(m);
	}
}

/*
 * Parses a decimal number, or with hexok also 0x-prefixed hex, and checks
 * min..max. Hex input gets the range printed in hex.
 */
static int
num_parse(const char *what, const char *s, int line, int hexok,
    uint64_t min, uint64_t max, uint64_t *out)
{
	const char		*digits = s;
	unsigned long long	 v;
	int			 hex = 0, base = 10;

	if (hexok && (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0)) {
		hex = 1;
		base = 16;
		digits = s + 2;
	}
	if (*digits == '\0' || strspn(digits, hex ? "0123456789abcdefABCDEF" :
	    "0123456789") != strlen(digits)) {
		conf_err(line, "invalid %s \"%s\"", what, show(s));
		return 0;
	}
	errno = 0;
	v = strtoull(digits, NULL, base);
	if (errno == ERANGE || v < min || v > max) {
		if (hex)
			conf_err(line, "%s %s is out of range "
			    "(0x%" PRIx64 "..0x%" PRIx64 ")", what, show(s), min,
			    max);
		else
			conf_err(line, "%s %s is out of range "
			    "(%" PRIu64 "..%" PRIu64 ")", what, show(s), min,
			    max);
		return 0;
	}
	*out = v;
	return 1;
}

/* num_parse() that takes ownership of s. */
static int
num_take(const char *what, char *s, int line, int hexok, uint64_t min,
    uint64_t max, uint64_t *out)
{
	int	ok;

	ok = num_parse(what, s, line, hexok, min, max, out);
	str_free(s);
	return ok;
}

/* Copies a non-empty string into a fixed buffer; takes ownership of s. */
static int
str_set(char *dst, size_t dstsz, char *s, const char *what, int line)
{
	int	ok = 0;

	if (*s == '\0')
		conf_err(line, "%s is empty", what);
	else if (strlen(s) >= dstsz)
		conf_err(line, "%s \"%s\" is too long (max %zu characters)",
		    what, show(s), dstsz - 1);
	else {
		strcpy(dst, s);
		ok = 1;
	}
	str_free(s);
	return ok;
}

static int
ctl_path_set(char *s, int line)
{
	if (*s != '/') {
		conf_err(line, "control socket \"%s\" is not an absolute path",
		    show(s));
		str_free(s);
		return 0;
	}
	return str_set(ps.conf->ctl_path, sizeof(ps.conf->ctl_path), s,
	    "control socket", line);
}

static int
peer_name_check(const char *name, int line)
{
	const char	*p;

	if (*name == '\0') {
		conf_err(line, "peer name is empty");
		return 0;
	}
	if (strlen(name) > CONF_PEER_NAME_MAX) {
		conf_err(line, "peer name \"%s\" is too long (max %d characters)",
		    show(name), CONF_PEER_NAME_MAX);
		return 0;
	}
	for (p = name; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '-')
			continue;
		conf_err(line, "invalid peer name \"%s\": only a-z, 0-9, \"_\" "
		    "and \"-\" are allowed", show(name));
		return 0;
	}
	if (conf_peer_find(ps.conf, name) != NULL) {
		conf_err(line, "duplicate peer \"%s\"", name);
		return 0;
	}
	return 1;
}

/* Takes ownership of name. */
static int
peer_begin(char *name, int line)
{
	int	ok;

	if ((ok = peer_name_check(name, line))) {
		if ((ps.peer = calloc(1, sizeof(*ps.peer))) == NULL)
			fatal("%s", __func__);
		strcpy(ps.peer->name, name);
		ps.peer->encap = ENCAP_ESP;
		ps.peer->esn = true;
		ps.peer->replay_window = CONF_REPLAY_DEFAULT;
		ps.seen = 0;
		ps.ike = &ps.peer->ike;
		ps.ikeseen = 0;
	}
	str_free(name);
	return ok;
}

static int
peer_end(int line)
{
	struct peer_conf	*p = ps.peer;

	if (!addr_is_set(&p->local)) {
		conf_err(line, "peer \"%s\": missing local address", p->name);
		return 0;
	}
	if (!addr_is_set(&p->remote)) {
		conf_err(line, "peer \"%s\": missing remote address", p->name);
		return 0;
	}
	if (p->local.af != p->remote.af) {
		char	a[ADDR_STRLEN], b[ADDR_STRLEN];

		conf_err(line, "peer \"%s\": local %s and remote %s are not "
		    "the same address family", p->name,
		    addr_fmt(&p->local, a, sizeof(a)),
		    addr_fmt(&p->remote, b, sizeof(b)));
		return 0;
	}
	if (p->ike.on) {
		if (!peer_ike_check(line))
			return 0;
	} else if (!p->sa_in.set) {
		conf_err(line, "peer \"%s\": missing sa in", p->name);
		return 0;
	} else if (!p->sa_out.set) {
		conf_err(line, "peer \"%s\": missing sa out", p->name);
		return 0;
	}
	if (!peer_ka_check(line))
		return 0;
	TAILQ_INSERT_TAIL(&ps.conf->peers, p, entry);
	ps.peer = NULL;
	ps.ike = &ps.conf->ike;
	ps.ikeseen = 0;
	return 1;
}

static int
peer_once(unsigned int bit, const char *what, int line)
{
	if (ps.seen & bit) {
		conf_err(line, "peer \"%s\": %s given twice", ps.peer->name,
		    what);
		return 0;
	}
	ps.seen |= bit;
	return 1;
}

/* Takes ownership of s. */
static int
peer_addr(struct addr *a, unsigned int bit, const char *what, char *s,
    int line)
{
	int	ok;

	ok = peer_once(bit, what, line);
	if (ok && !addr_parse(s, a)) {
		conf_err(line, "invalid %s address \"%s\"", what, show(s));
		ok = 0;
	}
	str_free(s);
	return ok;
}

static int
peer_prefix_parse(const char *s, struct prefix *pfx, int line)
{
	char		 buf[PREFIX_STRLEN];
	const char	*slash;
	size_t		 alen;
	uint64_t	 len;

	if ((slash = strchr(s, '/')) == NULL) {
		conf_err(line, "address \"%s\" has no prefix length", show(s));
		return 0;
	}
	alen = (size_t)(slash - s);
	if (alen < sizeof(buf)) {
		memcpy(buf, s, alen);
		buf[alen] = '\0';
	}
	if (alen >= sizeof(buf) || !addr_parse(buf, &pfx->addr)) {
		conf_err(line, "invalid address \"%s\"", show(s));
		return 0;
	}
	if (!num_parse("prefix length", slash + 1, line, 0, 1,
	    pfx->addr.af == AF_INET ? 32 : 128, &len))
		return 0;
	pfx->len = (uint8_t)len;
	return 1;
}

/* Takes ownership of s. */
static int
peer_prefix(char *s, int line)
{
	struct peer_conf	*p = ps.peer;
	struct prefix		 pfx;
	unsigned int		 i;
	int			 ok = 0;

	memset(&pfx, 0, sizeof(pfx));
	if (!peer_prefix_parse(s, &pfx, line))
		goto done;
	if (p->naddrs >= CONF_MAX_ADDRS) {
		conf_err(line, "peer \"%s\": too many addresses (max %d)",
		    p->name, CONF_MAX_ADDRS);
		goto done;
	}
	for (i = 0; i < p->naddrs; i++) {
		if (addr_eq(&p->addrs[i].addr, &pfx.addr)) {
			conf_err(line, "peer \"%s\": duplicate address \"%s\"",
			    p->name, show(s));
			goto done;
		}
	}
	p->addrs[p->naddrs++] = pfx;
	ok = 1;
 done:
	str_free(s);
	return ok;
}

/* Takes ownership of s and peer: "address A/len peer B". */
static int
peer_prefix_peer(char *s, char *peer, int line)
{
	struct peer_conf	*p = ps.peer;
	struct addr		 a;
	char			 pfx[PREFIX_STRLEN], b[ADDR_STRLEN];
	int			 ok = 0;

	if (!addr_parse(peer, &a)) {
		conf_err(line, "invalid peer address \"%s\"", show(peer));
		goto done;
	}
	if (!peer_prefix(s, line)) {
		s = NULL;	/* freed */
		goto done;
	}
	s = NULL;
	if (a.af != p->addrs[p->naddrs - 1].addr.af) {
		conf_err(line, "peer \"%s\": address %s and peer %s are not "
		    "the same address family", p->name,
		    prefix_fmt(&p->addrs[p->naddrs - 1], pfx, sizeof(pfx)),
		    addr_fmt(&a, b, sizeof(b)));
		goto done;
	}
	if (addr_eq(&a, &p->addrs[p->naddrs - 1].addr)) {
		conf_err(line, "peer \"%s\": peer address %s is the local "
		    "address", p->name, addr_fmt(&a, b, sizeof(b)));
		goto done;
	}
	p->addr_peer[p->naddrs - 1] = a;
	ok = 1;
 done:
	str_free(s);
	str_free(peer);
	return ok;
}

static int
ka_once(unsigned int bit, const char *what, int line)
{
	if (ps.kaseen & bit) {
		conf_err(line, "keepalive %s given twice", what);
		return 0;
	}
	ps.kaseen |= bit;
	return 1;
}

static void
ms_fmt(uint32_t ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%us", ms / 1000);
	else
		snprintf(buf, len, "%ums", ms);
}

/* "150ms" or "2s" into milliseconds, min..max; takes ownership of s. */
static int
ka_duration(const char *what, char *s, int line, uint32_t min, uint32_t max,
    uint32_t *out)
{
	char			 lo[16], hi[16];
	size_t			 n = strspn(s, "0123456789");
	unsigned long long	 v;
	int			 ok = 0;

	if (n == 0 || n > 9 || (strcmp(s + n, "ms") != 0 &&
	    strcmp(s + n, "s") != 0)) {
		conf_err(line, "invalid %s \"%s\": expected a number and ms or "
		    "s, as in 100ms or 2s", what, show(s));
		goto done;
	}
	v = strtoull(s, NULL, 10);
	if (strcmp(s + n, "s") == 0)
		v *= 1000;
	if (v < min || v > max) {
		ms_fmt(min, lo, sizeof(lo));
		ms_fmt(max, hi, sizeof(hi));
		conf_err(line, "%s %s is out of range (%s..%s)", what, show(s),
		    lo, hi);
		goto done;
	}
	*out = (uint32_t)v;
	ok = 1;
 done:
	str_free(s);
	return ok;
}

static int
ka_global(int line)
{
	if (!TAILQ_EMPTY(&ps.conf->peers)) {
		conf_err(line, "keepalive default must come before the first "
		    "peer");
		return 0;
	}
	ps.conf->ka = ps.ka;
	return 1;
}

static int
ka_peer(int line)
{
	if (!peer_once(SEEN_KA, "keepalive", line))
		return 0;
	ps.peer->ka = ps.ka;
	ps.peer->ka_set = true;
	return 1;
}

/* Keepalives run between inner addresses: the peer's must be known. */
static int
peer_ka_check(int line)
{
	struct peer_conf	*p = ps.peer;
	struct addr		 l, r;

	if (!p->ka_set)
		p->ka = ps.conf->ka;
	if (p->ka.on && !conf_peer_ka_addrs(p, &l, &r)) {
		conf_err(line, "peer \"%s\": keepalive needs the peer's overlay "
		    "address: \"address A/32 peer B\" or a /30, /31, /126 or "
		    "/127 prefix", p->name);
		return 0;
	}
	return 1;
}

static int
key_parse(struct sa_conf *sa, const char *s, int line)
{
	static const struct {
		enum sa_alg	 alg;
		size_t		 len;
		const char	*what;
	} lens[] = {
		{ SA_AES_GCM_128, 20, "16-byte key and 4-byte salt" },
		{ SA_AES_GCM_256, 36, "32-byte key and 4-byte salt" },
	};
	size_t		i, n, want = 0;
	const char	*what = "";

	if (strncmp(s, "0x", 2) != 0 && strncmp(s, "0X", 2) != 0) {
		conf_err(line, "key must be \"0x\" followed by hex digits");
		return 0;
	}
	s += 2;
	n = strspn(s, "0123456789abcdefABCDEF");
	if (s[n] != '\0') {
		char c[2] = { s[n], '\0' };

		conf_err(line, "invalid character \"%s\" in key", show(c));
		return 0;
	}
	if (n % 2 != 0) {
		conf_err(line, "key has an odd number of hex digits (%zu)", n);
		return 0;
	}
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		if (lens[i].alg == sa->alg) {
			want = lens[i].len;
			what = lens[i].what;
		}
	if (n / 2 != want) {
		conf_err(line, "key for %s must be %zu bytes (%s), got %zu",
		    conf_alg_name(sa->alg), want, what, n / 2);
		return 0;
	}
	for (i = 0; i < want; i++) {
		char	byte[3] = { s[2 * i], s[2 * i + 1], '\0' };

		sa->key[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	sa->keylen = (uint8_t)want;
	return 1;
}

static int
sa_spi_unique(uint32_t spi, int line)
{
	struct peer_conf	*p;

	for (p = TAILQ_FIRST(&ps.conf->peers); p != NULL;
	    p = TAILQ_NEXT(p, entry)) {
		if (p->sa_in.spi == spi) {
			conf_err(line, "peer \"%s\": inbound spi 0x%08x is "
			    "already used by peer \"%s\"", ps.peer->name, spi,
			    p->name);
			return 0;
		}
	}
	return 1;
}

/* Takes ownership of spi and key. */
static int
sa_set(int out, char *spi, int spiline, int alg, char *key, int keyline,
    int line)
{
	struct sa_conf	*sa = out ? &ps.peer->sa_out : &ps.peer->sa_in;
	uint64_t	 v;
	int		 ok = 0;

	if (sa->set) {
		conf_err(line, "peer \"%s\": sa %s given twice",
		    ps.peer->name, out ? "out" : "in");
		goto done;
	}
	if (!num_parse("spi", spi, spiline, 1, 256, UINT32_MAX, &v))
		goto done;
	if (!out && !sa_spi_unique((uint32_t)v, spiline))
		goto done;
	sa->spi = (uint32_t)v;
	sa->alg = (enum sa_alg)alg;
	if (!key_parse(sa, key, keyline))
		goto done;
	sa->set = true;
	ok = 1;
 done:
	if (!ok)
		explicit_bzero(sa, sizeof(*sa));
	str_free(spi);
	str_free(key);
	return ok;
}

static int
bird_path_set(char *s, int line)
{
	if (*s != '/') {
		conf_err(line, "bird socket \"%s\" is not an absolute path",
		    show(s));
		str_free(s);
		return 0;
	}
	return str_set(ps.conf->bird_path, sizeof(ps.conf->bird_path), s,
	    "bird socket", line);
}

/* Takes ownership of name. */
static int
peer_bgp(char *name, int line)
{
	struct peer_conf	*p = ps.peer, *q;
	unsigned int		 i;
	int			 ok = 0;

	if (!bird_name_ok(name)) {
		conf_err(line, "invalid bgp protocol name \"%s\": a BIRD "
		    "symbol is a letter or \"_\", then letters, digits and "
		    "\"_\", at most %d characters", show(name),
		    CONF_BGP_NAME_MAX);
		goto done;
	}
	for (i = 0; i < p->nbgp; i++)
		if (strcmp(p->bgp[i], name) == 0) {
			conf_err(line, "peer \"%s\": duplicate bgp protocol "
			    "\"%s\"", p->name, name);
			goto done;
		}
	for (q = TAILQ_FIRST(&ps.conf->peers); q != NULL;
	    q = TAILQ_NEXT(q, entry))
		for (i = 0; i < q->nbgp; i++)
			if (strcmp(q->bgp[i], name) == 0) {
				conf_err(line, "peer \"%s\": bgp protocol "
				    "\"%s\" is already bound to peer \"%s\"",
				    p->name, name, q->name);
				goto done;
			}
	if (p->nbgp >= CONF_BGP_MAX) {
		conf_err(line, "peer \"%s\": too many bgp protocols (max %d)",
		    p->name, CONF_BGP_MAX);
		goto done;
	}
	strcpy(p->bgp[p->nbgp++], name);
	if (ps.bgp_line == 0)
		ps.bgp_line = line;
	ok = 1;
 done:
	str_free(name);
	return ok;
}

/* Checks that need the whole file: BIRD settings may come after peers. */
static int
conf_check_bird(void)
{
	if (ps.conf->bird_path[0] != '\0')
		return 1;
	if (ps.bgp_line != 0) {
		conf_err(ps.bgp_line, "bgp protocol needs a global "
		    "\"bird socket\"");
		return 0;
	}
	if (ps.bird_timeout_line != 0) {
		conf_err(ps.bird_timeout_line, "bird timeout needs a global "
		    "\"bird socket\"");
		return 0;
	}
	return 1;
}

static int
ike_once(unsigned int bit, const char *what, int line)
{
	if (ps.ikeseen & bit) {
		if (ps.peer != NULL)
			conf_err(line, "peer \"%s\": %s given twice",
			    ps.peer->name, what);
		else
			conf_err(line, "%s given twice", what);
		return 0;
	}
	ps.ikeseen |= bit;
	return 1;
}

/* An absolute path; takes ownership of s. */
static int
ike_path(char *dst, size_t dstsz, unsigned int bit, const char *what,
    char *s, int line)
{
	if (!ike_once(bit, what, line)) {
		str_free(s);
		return 0;
	}
	if (*s != '/') {
		conf_err(line, "%s \"%s\" is not an absolute path", what,
		    show(s));
		str_free(s);
		return 0;
	}
	return str_set(dst, dstsz, s, what, line);
}

/* Takes ownership of s; ike_id.c checks the form when it loads. */
static int
ike_id(char *dst, unsigned int bit, const char *what, char *s, int line)
{
	if (!ike_once(bit, what, line)) {
		str_free(s);
		return 0;
	}
	return str_set(dst, CONF_IKE_ID_MAX, s, what, line);
}

/* Takes ownership of s. */
static int
ike_group(char *s, int line)
{
	uint16_t	g;
	unsigned int	i;
	int		ok = 0;

	if (strcmp(s, "curve25519") == 0)
		g = 31;
	else if (strcmp(s, "ecp256") == 0)
		g = 19;
	else {
		conf_err(line, "ike group \"%s\": not curve25519 or ecp256",
		    show(s));
		goto done;
	}
	for (i = 0; i < ps.ike->ngroups; i++)
		if (ps.ike->groups[i] == g) {
			conf_err(line, "ike group %s given twice", s);
			goto done;
		}
	ps.ike->groups[ps.ike->ngroups++] = g;
	ok = 1;
 done:
	str_free(s);
	return ok;
}

static int
ike_global(int line)
{
	if (!TAILQ_EMPTY(&ps.conf->peers)) {
		conf_err(line, "ike default must come before the first peer");
		return 0;
	}
	return 1;
}

/*
 * "30s", "10m", "4h", "1d" into seconds, CONF_IKE_LIFE_MIN..MAX; takes
 * ownership of s.
 */
static int
ike_life(uint32_t *out, unsigned int bit, const char *what, char *s, int line)
{
	size_t			 n = strspn(s, "0123456789");
	unsigned long long	 v, mul;
	int			 ok = 0;

	if (!ike_once(bit, what, line))
		goto done;
	if (n == 0 || n > 9 || strlen(s + n) != 1 ||
	    strchr("smhd", s[n]) == NULL) {
		conf_err(line, "invalid %s \"%s\": expected a number and s, m, "
		    "h or d, as in 30m or 4h", what, show(s));
		goto done;
	}
	mul = s[n] == 's' ? 1 : s[n] == 'm' ? 60 : s[n] == 'h' ? 3600 : 86400;
	v = strtoull(s, NULL, 10) * mul;
	if (v < CONF_IKE_LIFE_MIN || v > CONF_IKE_LIFE_MAX) {
		conf_err(line, "%s %s is out of range (%us..%ud)", what,
		    show(s), CONF_IKE_LIFE_MIN, CONF_IKE_LIFE_MAX / 86400);
		goto done;
	}
	*out = (uint32_t)v;
	ok = 1;
 done:
	str_free(s);
	return ok;
}

/* "4096", "64K", "500M", "2G", "1T" (powers of 1024); owns s. */
static int
ike_bytes(char *s, int line)
{
	size_t			 n = strspn(s, "0123456789");
	unsigned long long	 v;
	unsigned int		 shift = 0;
	int			 ok = 0;

	if (!ike_once(IKE_SEEN_CBYTES, "ike child bytes", line))
		goto done;
	if (n == 0 || n > 15 || strlen(s + n) > 1 || (s[n] != '\0' &&
	    strchr("KMGT", s[n]) == NULL)) {
		conf_err(line, "invalid ike child bytes \"%s\": expected a "
		    "number, optionally with K, M, G or T, as in 500M", show(s));
		goto done;
	}
	if (s[n] != '\0')
		shift = s[n] == 'K' ? 10 : s[n] == 'M' ? 20 : s[n] == 'G' ?
		    30 : 40;
	v = strtoull(s, NULL, 10);
	if (v > (CONF_IKE_BYTES_MAX >> shift))
		v = CONF_IKE_BYTES_MAX + 1;
	else
		v <<= shift;
	if (v < CONF_IKE_BYTES_MIN || v > CONF_IKE_BYTES_MAX) {
		conf_err(line, "ike child bytes %s is out of range (1K..1024T)",
		    show(s));
		goto done;
	}
	ps.ike->child_bytes = v;
	ok = 1;
 done:
	str_free(s);
	return ok;
}

/* A percentage, 0..CONF_IKE_JITTER_MAX; takes ownership of s. */
static int
ike_jitter(char *s, int line)
{
	uint64_t	v;

	if (!ike_once(IKE_SEEN_JITTER, "ike jitter", line)) {
		str_free(s);
		return 0;
	}
	if (!num_take("ike jitter", s, line, 0, 0, CONF_IKE_JITTER_MAX, &v))
		return 0;
	ps.ike->jitter = (uint8_t)v;
	ps.ike->jitter_set = true;
	return 1;
}

/* A peer's IKE settings: its own, else the global ones, else defaults. */
static int
peer_ike_check(int line)
{
	struct peer_conf	*p = ps.peer;
	struct ike_conf		*c = &p->ike, *g = &ps.conf->ike;

	if (p->sa_in.set || p->sa_out.set) {
		conf_err(line, "peer \"%s\": ike and manual sa exclude each "
		    "other", p->name);
		return 0;
	}
	if (c->cert[0] == '\0')
		strcpy(c->cert, g->cert);
	if (c->key[0] == '\0')
		strcpy(c->key, g->key);
	if (c->ca[0] == '\0')
		strcpy(c->ca, g->ca);
	if (c->crl[0] == '\0')
		strcpy(c->crl, g->crl);
	if (c->local_id[0] == '\0')
		strcpy(c->local_id, g->local_id);
	if (c->remote_id[0] == '\0')
		strcpy(c->remote_id, g->remote_id);
	if (c->encr_bits == 0)
		c->encr_bits = g->encr_bits != 0 ? g->encr_bits : 256;
	if (c->ngroups == 0) {
		memcpy(c->groups, g->groups, sizeof(c->groups));
		c->ngroups = g->ngroups;
	}
	if (c->ngroups == 0) {
		c->groups[c->ngroups++] = 31;
		c->groups[c->ngroups++] = 19;
	}
	if (c->life == 0)
		c->life = g->life != 0 ? g->life : CONF_IKE_LIFE;
	if (c->child_life == 0)
		c->child_life = g->child_life != 0 ? g->child_life :
		    CONF_IKE_CHILD_LIFE;
	if (c->child_bytes == 0)
		c->child_bytes = g->child_bytes;
	if (!c->jitter_set) {
		c->jitter = g->jitter_set ? g->jitter : CONF_IKE_JITTER;
		c->jitter_set = true;
	}
	if (c->cert[0] == '\0' || c->key[0] == '\0' || c->ca[0] == '\0') {
		conf_err(line, "peer \"%s\": ike needs a certificate, a key "
		    "and a ca (in the peer or as global defaults)", p->name);
		return 0;
	}
	return 1;
}

/* The lexer. */

static const struct keyword {
	const char	*name;
	int		 token;
} keywords[] = {	/* sorted: looked up with bsearch */
	{ "address",		ADDRESS },
	{ "aes-gcm-128",	AES_GCM_128 },
	{ "aes-gcm-256",	AES_GCM_256 },
	{ "bgp",		BGP },
	{ "bird",		BIRD },
	{ "bytes",		BYTES },
	{ "ca",			CA },
	{ "cert-cache",		CERTCACHE },
	{ "certificate",	CERTIFICATE },
	{ "child",		CHILD },
	{ "control",		CONTROL },
	{ "cookie-threshold",	COOKIETHRESHOLD },
	{ "crl",		CRL },
	{ "dataplane",		DATAPLANE },
	{ "encap",		ENCAP },
	{ "encryption",		ENCRYPTION },
	{ "esn",		ESN },
	{ "esp",		ESP },
	{ "fragment-size",	FRAGMENT_SIZE },
	{ "gre",		GRE },
	{ "group",		GROUP },
	{ "half-open-limit",	HALFOPENLIMIT },
	{ "holddown",		HOLDDOWN },
	{ "id",			ID },
	{ "ike",		IKE },
	{ "in",			IN },
	{ "interval",		INTERVAL },
	{ "jitter",		JITTER },
	{ "keepalive",		KEEPALIVE },
	{ "kernel",		KERNEL },
	{ "key",		KEY },
	{ "lifetime",		LIFETIME },
	{ "local",		LOCAL },
	{ "mode",		MODE },
	{ "mtu",		MTU },
	{ "multiplier",		MULTIPLIER },
	{ "no",			NO },
	{ "off",		OFF },
	{ "out",		OUT },
	{ "passive",		PASSIVE },
	{ "peer",		PEER },
	{ "port",		PORT },
	{ "protocol",		PROTOCOL },
	{ "remote",		REMOTE },
	{ "replay",		REPLAY },
	{ "sa",			SA },
	{ "socket",		SOCKET },
	{ "spi",		SPI },
	{ "timeout",		TIMEOUT },
	{ "transport",		TRANSPORT },
	{ "tunnel",		TUNNEL },
	{ "udp",		UDP },
	{ "user",		USER },
	{ "userspace",		USERSPACE },
	{ "window",		WINDOW },
	{ "yes",		YES },
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
	if (c == EOF)
		return;
	if (ps.pblen == ps.pbcap) {
		size_t	 cap = ps.pbcap ? ps.pbcap * 2 : 64;
		int	*pb;

		if ((pb = reallocarray(ps.pb, cap, sizeof(*pb))) == NULL)
			fatal("%s", __func__);
		ps.pb = pb;
		ps.pbcap = cap;
	}
	ps.pb[ps.pblen++] = c;
}

/* Reads the file; its last line always ends in a newline. */
static int
lgetc_file(void)
{
	int	c;

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
lgetc(void)
{
	int	c;

	if (ps.pblen > 0)
		return ps.pb[--ps.pblen];
	while ((c = lgetc_file()) == '\\') {
		int	next;

		if ((next = lgetc_file()) != '\n') {
			lungetc(next);
			break;
		}
		ps.lineno++;	/* line continuation */
	}
	return c;
}

/* Pushes the value of $name back into the input. */
static int
lex_expand(void)
{
	char		 name[64];
	const char	*val;
	size_t		 n = 0, i;
	int		 c;

	while ((c = lgetc()) != EOF && (isalnum(c) || c == '_')) {
		if (n + 1 >= sizeof(name)) {
			conf_err(ps.tokline, "macro name is too long");
			return ERROR;
		}
		name[n++] = (char)c;
	}
	lungetc(c);
	name[n] = '\0';
	snprintf(ps.tok, sizeof(ps.tok), "%s", name);
	if ((val = macro_get(name)) == NULL) {
		conf_err(ps.tokline, "macro \"%s\" is not defined", name);
		return ERROR;
	}
	/* macros may use macros, but not loop */
	if (++ps.nexpand > MAXEXPAND) {
		conf_err(ps.tokline, "macro \"%s\" is nested too deeply "
		    "(max %d levels)", name, MAXEXPAND);
		return ERROR;
	}
	lungetc(' ');
	for (i = strlen(val); i > 0; i--)
		lungetc((unsigned char)val[i - 1]);
	lungetc(' ');
	return 0;
}

static int
lex_quoted(YYSTYPE *lval)
{
	size_t	n = 0;

	for (;;) {
		int	c;

		if ((c = lgetc()) == EOF || c == '\n') {
			conf_err(ps.tokline, "unterminated quoted string");
			return ERROR;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			int	next = lgetc();

			if (next == '"' || next == '\\')
				c = next;
			else
				lungetc(next);
		}
		if (!isprint(c) && c != '\t' && c < 0x80) {
			conf_err(ps.tokline, "invalid character 0x%02x in "
			    "quoted string", c);
			return ERROR;
		}
		if (n + 1 >= sizeof(ps.tok)) {
			conf_err(ps.tokline, "quoted string is too long");
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
	    c != '{' && c != '}' && c != '=' && c != '#' && c != '"' &&
	    c != '\\'));
}

/* True if the next non-blank character is '=': a word is a macro name. */
static int
lex_peek_equal(void)
{
	int	c, blank = 0;

	while ((c = lgetc()) == ' ' || c == '\t')
		blank = 1;
	lungetc(c);
	if (blank)
		lungetc(' ');
	return c == '=';
}

static int
lex_word(YYSTYPE *lval, int c)
{
	size_t	n = 0;
	int	token;

	do {
		if (n + 1 >= sizeof(ps.tok)) {
			conf_err(ps.tokline, "word is too long");
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
	else if (lex_peek_equal())
		token = MACRONAME;
	if ((lval->string = strdup(ps.tok)) == NULL)
		fatal("%s", __func__);
	return token;
}

static int
yylex(YYSTYPE *lval, YYLTYPE *lloc)
{
	int	c, token;

 top:
	while ((c = lgetc()) == ' ' || c == '\t')
		;
	ps.tokline = ps.lineno;
	if (c == '#')
		while ((c = lgetc()) != '\n' && c != EOF)
			;
	if (c == '$') {
		if ((token = lex_expand()) != 0)
			goto out;
		goto top;
	}
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
	else if (isprint(c))
		token = c;	/* '{', '}', '=' or a syntax error */
	else {
		/* never 0: that would end the file early */
		conf_err(ps.tokline, "invalid character 0x%02x", c);
		token = ERROR;
	}
 out:
	ps.nexpand = 0;
	lloc->first_line = lloc->last_line = ps.tokline;
	lloc->first_column = lloc->last_column = 0;
	return token;
}

static void
parse_reset(FILE *f, const char *name)
{
	free(ps.pb);
	memset(&ps, 0, sizeof(ps));
	ps.f = f;
	ps.name = name;
	ps.lineno = 1;
	ps.lastc = '\n';
}

static void
parse_cleanup(void)
{
	macro_free_all();
	if (ps.peer != NULL) {
		explicit_bzero(ps.peer, sizeof(*ps.peer));
		free(ps.peer);
	}
	free(ps.pb);
	explicit_bzero(&ps, sizeof(ps));
}

struct ovl_conf *
conf_parse_file(FILE *f, const char *name)
{
	struct ovl_conf	*conf;
	int		 rv;

	parse_reset(f, name);
	if ((conf = conf_new()) == NULL)
		fatal("%s", __func__);
	ps.conf = conf;
	ps.ike = &conf->ike;
	rv = yyparse();
	if (rv == 0 && ps.errors == 0 && !conf_check_bird())
		rv = 1;
	if (rv == 0 && ps.errors == 0 && ferror(f)) {
		log_warn("%s: read error", name);
		ps.errors++;
	}
	if (rv != 0 || ps.errors != 0) {
		if (ps.errors == 0)	/* bison ran out of memory */
			log_warnx("%s: parser failed", name);
		conf_free(conf);
		conf = NULL;
	}
	parse_cleanup();
	return conf;
}

struct ovl_conf *
conf_parse(const char *path)
{
	struct ovl_conf	*conf;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return NULL;
	}
	conf = conf_parse_file(f, path);
	fclose(f);
	return conf;
}
