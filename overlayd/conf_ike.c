/*
 * conf_ike.c: the IKE settings of overlayd.conf(5): printing them in the
 * canonical form and comparing them (a changed peer is rebuilt).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "conf.h"

const char *
conf_group_name(uint16_t g)
{
	switch (g) {
	case 31:
		return "curve25519";
	case 19:
		return "ecp256";
	}
	return "unknown";
}

static void
conf_ike_str(FILE *f, const char *indent, const char *what, const char *s)
{
	if (s[0] == '\0')
		return;
	fprintf(f, "%sike %s \"", indent, what);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputs("\"\n", f);
}

static void
conf_ike_life(FILE *f, const char *indent, const char *what, uint32_t v)
{
	if (v % 86400 == 0)
		fprintf(f, "%sike %s %ud\n", indent, what, v / 86400);
	else if (v % 3600 == 0)
		fprintf(f, "%sike %s %uh\n", indent, what, v / 3600);
	else if (v % 60 == 0)
		fprintf(f, "%sike %s %um\n", indent, what, v / 60);
	else
		fprintf(f, "%sike %s %us\n", indent, what, v);
}

static void
conf_ike_bytes(FILE *f, const char *indent, uint64_t v)
{
	static const char	 units[] = "KMGT";
	int			 i;

	for (i = 3; i >= 0; i--)
		if (v % (1ULL << (10 * (i + 1))) == 0) {
			fprintf(f, "%sike child bytes %llu%c\n", indent,
			    (unsigned long long)(v >> (10 * (i + 1))),
			    units[i]);
			return;
		}
	fprintf(f, "%sike child bytes %llu\n", indent, (unsigned long long)v);
}

/* Global defaults print only what is set; a peer's are complete. */
void
conf_print_ike(FILE *f, const char *indent, const struct ike_conf *c)
{
	unsigned int	i;

	if (indent[0] != '\0' && !c->on)
		return;
	if (c->passive)
		fprintf(f, "%sike passive\n", indent);
	if (c->port != 0)
		fprintf(f, "%sike port %u\n", indent, c->port);
	if (c->tunnel)
		fprintf(f, "%sike mode tunnel\n", indent);
	if (c->frag_size != 0)
		fprintf(f, "%sike fragment-size %u\n", indent, c->frag_size);
	conf_ike_str(f, indent, "certificate", c->cert);
	conf_ike_str(f, indent, "key", c->key);
	conf_ike_str(f, indent, "ca", c->ca);
	conf_ike_str(f, indent, "crl", c->crl);
	conf_ike_str(f, indent, "local id", c->local_id);
	conf_ike_str(f, indent, "remote id", c->remote_id);
	if (c->encr_bits != 0)
		fprintf(f, "%sike encryption aes-gcm-%u\n", indent,
		    c->encr_bits);
	for (i = 0; i < c->ngroups; i++)
		fprintf(f, "%sike group %s\n", indent,
		    conf_group_name(c->groups[i]));
}

/*
 * The lifetimes: the global ones (g NULL) as set; a peer's where they
 * differ from what it would inherit from g or the defaults.
 */
void
conf_print_ike_life(FILE *f, const char *indent, const struct ike_conf *c,
    const struct ike_conf *g)
{
	uint32_t	life = CONF_IKE_LIFE, clife = CONF_IKE_CHILD_LIFE;
	uint64_t	bytes = 0;
	unsigned int	jitter = CONF_IKE_JITTER;

	if (g != NULL && !c->on)
		return;
	if (g != NULL) {
		life = g->life != 0 ? g->life : life;
		clife = g->child_life != 0 ? g->child_life : clife;
		bytes = g->child_bytes;
		jitter = g->jitter_set ? g->jitter : jitter;
	} else
		life = clife = 0;
	if (c->life != 0 && c->life != life)
		conf_ike_life(f, indent, "lifetime", c->life);
	if (c->child_life != 0 && c->child_life != clife)
		conf_ike_life(f, indent, "child lifetime", c->child_life);
	if (c->child_bytes != 0 && c->child_bytes != bytes)
		conf_ike_bytes(f, indent, c->child_bytes);
	if (c->jitter_set && (g == NULL || c->jitter != jitter))
		fprintf(f, "%sike jitter %u\n", indent, c->jitter);
}

bool
conf_ike_equal(const struct ike_conf *a, const struct ike_conf *b)
{
	if (a->on != b->on)
		return false;
	return !a->on || (a->passive == b->passive && a->port == b->port &&
	    a->tunnel == b->tunnel && a->frag_size == b->frag_size &&
	    strcmp(a->cert, b->cert) == 0 && strcmp(a->key, b->key) == 0 &&
	    strcmp(a->ca, b->ca) == 0 && strcmp(a->crl, b->crl) == 0 &&
	    strcmp(a->local_id, b->local_id) == 0 &&
	    strcmp(a->remote_id, b->remote_id) == 0 &&
	    a->encr_bits == b->encr_bits && a->ngroups == b->ngroups &&
	    memcmp(a->groups, b->groups, sizeof(a->groups)) == 0 &&
	    a->life == b->life && a->child_life == b->child_life &&
	    a->child_bytes == b->child_bytes && a->jitter == b->jitter);
}
