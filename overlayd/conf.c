/*
 * conf.c: defaults, printing, comparison and freeing of the parsed
 * overlayd.conf(5). conf_print() writes the canonical form: every setting
 * explicit, one per line, so that parsing its output gives the same config
 * and printing that again gives the same bytes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#ifndef RUNDIR
#define RUNDIR	"/run"
#endif

#ifndef OVERLAYD_USER
#define OVERLAYD_USER	"overlayd"
#endif

#define CONF_CTL_PATH	RUNDIR "/overlayd.sock"

struct ovl_conf *
conf_new(void)
{
	struct ovl_conf	*conf;

	_Static_assert(sizeof(OVERLAYD_USER) <= sizeof(conf->user),
	    "OVERLAYD_USER is too long");
	_Static_assert(sizeof(CONF_CTL_PATH) <= sizeof(conf->ctl_path),
	    "RUNDIR is too long for a socket path");

	if ((conf = malloc(sizeof(*conf))) == NULL)
		return NULL;
	*conf = (struct ovl_conf){
		.user = OVERLAYD_USER,
		.ctl_path = CONF_CTL_PATH,
		.mtu = 1500,
		.bird_timeout = CONF_BIRD_TIMEOUT,
		.ike_cookie_threshold = CONF_IKE_COOKIE_THRESHOLD,
		.ike_halfopen_limit = CONF_IKE_HALFOPEN_LIMIT,
		.ike_cert_cache = true,
	};
	conf_ka_default(&conf->ka);
	conf->ka.on = false;
	TAILQ_INIT(&conf->peers);
	return conf;
}

void
conf_free(struct ovl_conf *conf)
{
	struct peer_conf	*p;

	if (conf == NULL)
		return;
	while ((p = TAILQ_FIRST(&conf->peers)) != NULL) {
		TAILQ_REMOVE(&conf->peers, p, entry);
		explicit_bzero(p, sizeof(*p));	/* holds keys */
		free(p);
	}
	free(conf);
}

const char *
conf_alg_name(enum sa_alg alg)
{
	switch (alg) {
	case SA_AES_GCM_128:
		return "aes-gcm-128";
	case SA_AES_GCM_256:
		return "aes-gcm-256";
	case SA_ALG_NONE:
		break;
	}
	return "none";
}

/* Writes s as a quoted string the lexer reads back unchanged. */
static void
conf_print_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
conf_print_sa(FILE *f, const char *dir, const struct sa_conf *sa)
{
	unsigned int	i;

	fprintf(f, "\tsa %s spi 0x%08x %s key 0x", dir, sa->spi,
	    conf_alg_name(sa->alg));
	for (i = 0; i < sa->keylen; i++)
		fprintf(f, "%02x", sa->key[i]);
	fputc('\n', f);
}

void
conf_ka_default(struct ka_conf *ka)
{
	ka->on = true;
	ka->interval = 100;
	ka->multiplier = 3;
	ka->holddown = 2000;
}

bool
conf_ka_equal(const struct ka_conf *a, const struct ka_conf *b)
{
	if (a->on != b->on)
		return false;
	return !a->on || (a->interval == b->interval &&
	    a->multiplier == b->multiplier && a->holddown == b->holddown);
}

/* A duration in ms as the lexer reads it back: "2s" or "150ms". */
static void
conf_print_ms(FILE *f, uint32_t ms)
{
	if (ms % 1000 == 0)
		fprintf(f, "%us", ms / 1000);
	else
		fprintf(f, "%ums", ms);
}

static void
conf_print_ka(FILE *f, const char *indent, const struct ka_conf *ka)
{
	fprintf(f, "%skeepalive ", indent);
	if (!ka->on) {
		fputs("off\n", f);
		return;
	}
	fputs("interval ", f);
	conf_print_ms(f, ka->interval);
	fprintf(f, " multiplier %u holddown ", ka->multiplier);
	conf_print_ms(f, ka->holddown);
	fputc('\n', f);
}

/*
 * The inner addresses keepalives run between: the first IPv4 address
 * with a peer (given, or the other end of a /30 or /31), else the first
 * such IPv6 address (/126, /127).
 */
bool
conf_peer_ka_addrs(const struct peer_conf *p, struct addr *local,
    struct addr *remote)
{
	static const sa_family_t	afs[] = { AF_INET, AF_INET6 };
	unsigned int			i, j;

	for (j = 0; j < 2; j++) {
		for (i = 0; i < p->naddrs; i++) {
			if (p->addrs[i].addr.af != afs[j])
				continue;
			*local = p->addrs[i].addr;
			if (addr_is_set(&p->addr_peer[i])) {
				*remote = p->addr_peer[i];
				return true;
			}
			if (prefix_p2p_other(&p->addrs[i], remote))
				return true;
		}
	}
	return false;
}

static void
conf_print_peer(FILE *f, const struct peer_conf *p, const struct ike_conf *g)
{
	char		buf[PREFIX_STRLEN];
	unsigned int	i;

	fputs("peer ", f);
	conf_print_str(f, p->name);
	fputs(" {\n", f);
	fprintf(f, "\tlocal %s\n", addr_fmt(&p->local, buf, sizeof(buf)));
	fprintf(f, "\tremote %s\n", addr_fmt(&p->remote, buf, sizeof(buf)));
	if (p->encap == ENCAP_UDP)
		fprintf(f, "\tencap udp port %u\n", p->port);
	else
		fputs("\tencap esp\n", f);
	if (p->mtu != 0)
		fprintf(f, "\tmtu %u\n", p->mtu);
	if (p->gre_key_set)
		fprintf(f, "\tgre key %u\n", p->gre_key);
	for (i = 0; i < p->naddrs; i++) {
		fprintf(f, "\taddress %s",
		    prefix_fmt(&p->addrs[i], buf, sizeof(buf)));
		if (addr_is_set(&p->addr_peer[i]))
			fprintf(f, " peer %s",
			    addr_fmt(&p->addr_peer[i], buf, sizeof(buf)));
		fputc('\n', f);
	}
	fprintf(f, "\tesn %s\n", p->esn ? "yes" : "no");
	fprintf(f, "\treplay window %u\n", p->replay_window);
	for (i = 0; i < p->nbgp; i++) {
		fputs("\tbgp protocol ", f);
		conf_print_str(f, p->bgp[i]);	/* it may be a keyword here */
		fputc('\n', f);
	}
	if (p->sa_in.set)
		conf_print_sa(f, "in", &p->sa_in);
	if (p->sa_out.set)
		conf_print_sa(f, "out", &p->sa_out);
	conf_print_ike(f, "\t", &p->ike);
	conf_print_ike_life(f, "\t", &p->ike, g);
	if (p->ka_set)
		conf_print_ka(f, "\t", &p->ka);
	fputs("}\n", f);
}

void
conf_print(FILE *f, const struct ovl_conf *conf)
{
	const struct peer_conf	*p;

	fputs("user ", f);
	conf_print_str(f, conf->user);
	fputs("\ncontrol socket ", f);
	conf_print_str(f, conf->ctl_path);
	fputc('\n', f);
	if (conf->ctl_group[0] != '\0') {
		fputs("control group ", f);
		conf_print_str(f, conf->ctl_group);
		fputc('\n', f);
	}
	fprintf(f, "mtu %u\n", conf->mtu);
	/* the default is left out, so that older canonical forms stay */
	if (conf->dataplane == DATAPLANE_KERNEL)
		fputs("dataplane kernel\n", f);
	if (conf->bird_path[0] != '\0') {
		fputs("bird socket ", f);
		conf_print_str(f, conf->bird_path);
		fprintf(f, "\nbird timeout %u\n", conf->bird_timeout);
	}
	if (conf->ka.on)
		conf_print_ka(f, "", &conf->ka);
	conf_print_ike(f, "", &conf->ike);
	if (conf->ike_cookie_threshold != CONF_IKE_COOKIE_THRESHOLD)
		fprintf(f, "ike cookie-threshold %u\n",
		    conf->ike_cookie_threshold);
	if (conf->ike_halfopen_limit != CONF_IKE_HALFOPEN_LIMIT)
		fprintf(f, "ike half-open-limit %u\n",
		    conf->ike_halfopen_limit);
	if (!conf->ike_cert_cache)
		fprintf(f, "ike cert-cache no\n");
	conf_print_ike_life(f, "", &conf->ike, NULL);
	/* plain loops: cppcheck cannot see through TAILQ_FOREACH */
	for (p = TAILQ_FIRST(&conf->peers); p != NULL;
	    p = TAILQ_NEXT(p, entry)) {
		fputc('\n', f);
		conf_print_peer(f, p, &conf->ike);
	}
}

struct peer_conf *
conf_peer_find(const struct ovl_conf *conf, const char *name)
{
	struct peer_conf	*p;

	for (p = TAILQ_FIRST(&conf->peers); p != NULL;
	    p = TAILQ_NEXT(p, entry))
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

uint32_t
conf_peer_mtu(const struct ovl_conf *conf, const struct peer_conf *p)
{
	return p->mtu != 0 ? p->mtu : conf->mtu;
}

static bool
conf_sa_equal(const struct sa_conf *a, const struct sa_conf *b)
{
	if (a->set != b->set)
		return false;
	if (!a->set)
		return true;
	return a->spi == b->spi && a->alg == b->alg &&
	    a->keylen == b->keylen && memcmp(a->key, b->key, a->keylen) == 0;
}

static bool
conf_prefix_equal(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && addr_eq(&a->addr, &b->addr);
}

/*
 * True when a and b configure the same tunnel: every field matters but
 * the BGP protocol bindings, which bgp.c follows without touching the
 * tunnel.
 */
bool
conf_peer_equal(const struct peer_conf *a, const struct peer_conf *b)
{
	unsigned int	i;

	if (strcmp(a->name, b->name) != 0 ||
	    !addr_eq(&a->local, &b->local) ||
	    !addr_eq(&a->remote, &b->remote) ||
	    a->encap != b->encap || a->port != b->port || a->mtu != b->mtu ||
	    a->gre_key_set != b->gre_key_set ||
	    (a->gre_key_set && a->gre_key != b->gre_key) ||
	    a->esn != b->esn || a->replay_window != b->replay_window ||
	    a->naddrs != b->naddrs)
		return false;
	for (i = 0; i < a->naddrs; i++)
		if (!conf_prefix_equal(&a->addrs[i], &b->addrs[i]) ||
		    !addr_eq(&a->addr_peer[i], &b->addr_peer[i]))
			return false;
	return conf_sa_equal(&a->sa_in, &b->sa_in) &&
	    conf_sa_equal(&a->sa_out, &b->sa_out) &&
	    conf_ike_equal(&a->ike, &b->ike);
}
