/*
 * ike_prop.c: SA payload proposals (RFC 7296 3.3). Ours: one IKE proposal
 * ENCR_AES_GCM_16 with the configured key length, PRF_HMAC_SHA2_256 and
 * the configured DH groups; one ESP proposal ENCR_AES_GCM_16 with ESN as
 * configured. Choosing from the peer's: the first proposal whose every
 * transform type has a value we accept (RFC 7296 2.7), oversize proposals
 * and transforms with unknown attributes skipped (3.3.6).
 */
#include "config.h"

#include <string.h>

#include "ike_sa.h"

static void
prop_xf(struct ike_prop *p, uint8_t type, uint16_t id, uint16_t keylen)
{
	p->xf[p->nxf++] = (struct ike_xform){ .type = type, .id = id,
	    .keylen = keylen };
}

void
ike_prop_ike(const struct ike_conf *c, struct ike_sa *sa)
{
	struct ike_prop	*p = &sa->prop[0];
	unsigned int	 i;

	memset(sa, 0, sizeof(*sa));
	sa->nprop = 1;
	p->num = 1;
	p->proto = IKE_PROTO_IKE;
	prop_xf(p, IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, c->encr_bits);
	prop_xf(p, IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0);
	for (i = 0; i < c->ngroups; i++)
		prop_xf(p, IKE_XF_DH, c->groups[i], 0);
}

void
ike_prop_esp(const struct ike_conf *c, bool esn, uint32_t spi,
    struct ike_sa *sa)
{
	struct ike_prop	*p = &sa->prop[0];

	memset(sa, 0, sizeof(*sa));
	sa->nprop = 1;
	p->num = 1;
	p->proto = IKE_PROTO_ESP;
	p->spi_size = 4;
	p->spi[0] = (uint8_t)(spi >> 24);
	p->spi[1] = (uint8_t)(spi >> 16);
	p->spi[2] = (uint8_t)(spi >> 8);
	p->spi[3] = (uint8_t)spi;
	prop_xf(p, IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, c->encr_bits);
	prop_xf(p, IKE_XF_ESN, esn ? IKE_ESN_YES : IKE_ESN_NO, 0);
}

/* Is G one of the configured `ike group`s? */
bool
ike_prop_group_ok(const struct ike_conf *c, uint16_t g)
{
	unsigned int	i;

	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

/*
 * What we accept of one transform: 1 yes, 0 no. For DH, `want` is the
 * group preferred (the KE's).
 */
static int
xf_ok(const struct ike_conf *c, bool ike, bool esn, bool pfs,
    const struct ike_xform *x)
{
	if (x->unknown_attr)
		return 0;
	switch (x->type) {
	case IKE_XF_ENCR:
		return x->id == IKE_ENCR_AES_GCM_16 && x->keylen == c->encr_bits;
	case IKE_XF_PRF:
		return ike && x->id == IKE_PRF_HMAC_SHA2_256;
	case IKE_XF_INTEG:
		return x->id == IKE_INTEG_NONE;
	case IKE_XF_DH:
		return ike ? ike_prop_group_ok(c, x->id) : x->id == 0 ||
		    (pfs && ike_prop_group_ok(c, x->id));
	case IKE_XF_ESN:
		return !ike && x->id == (esn ? IKE_ESN_YES : IKE_ESN_NO);
	}
	return 0;
}

/*
 * Picks one transform of each type the proposal has; for DH the group
 * `group` if offered, else the first one we accept. Fills `reply` with
 * the chosen proposal. 0, or -1 when something is missing.
 */
static int
prop_pick(const struct ike_conf *c, bool ike, bool esn, bool pfs,
    uint16_t group, const struct ike_prop *p, struct ike_prop *out)
{
	static const uint8_t	 types[] = { IKE_XF_ENCR, IKE_XF_PRF,
	    IKE_XF_INTEG, IKE_XF_DH, IKE_XF_ESN };
	const struct ike_xform	*pick;
	unsigned int		 t, i;
	bool			 present;

	memset(out, 0, sizeof(*out));
	out->num = p->num;
	out->proto = p->proto;
	out->spi_size = p->spi_size;
	memcpy(out->spi, p->spi, sizeof(out->spi));
	for (i = 0; i < p->nxf; i++)	/* a type we do not know of */
		if (p->xf[i].type < IKE_XF_ENCR || p->xf[i].type > IKE_XF_ESN)
			return -1;
	for (t = 0; t < sizeof(types); t++) {
		pick = NULL;
		present = false;
		for (i = 0; i < p->nxf; i++) {
			if (p->xf[i].type != types[t])
				continue;
			present = true;
			if (!xf_ok(c, ike, esn, pfs, &p->xf[i]))
				continue;
			if (pick == NULL || (types[t] == IKE_XF_DH &&
			    p->xf[i].id == group && pick->id != group))
				pick = &p->xf[i];
		}
		if (present && pick == NULL)
			return -1;
		if (pick != NULL && !(pick->type == IKE_XF_INTEG &&
		    pick->id == IKE_INTEG_NONE))
			out->xf[out->nxf++] = *pick;
	}
	return 0;
}

static bool
prop_has(const struct ike_prop *p, uint8_t type)
{
	unsigned int	i;

	for (i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type)
			return true;
	return false;
}

/*
 * The first of the peer's IKE proposals (SPI size spi_size) we can take;
 * NULL for none.
 */
static const struct ike_prop *
prop_pick_ike(const struct ike_conf *c, const struct ike_sa *offer,
    uint16_t ke_group, uint8_t spi_size, struct ike_suite *suite,
    struct ike_sa *reply)
{
	const struct ike_prop	*p;
	struct ike_prop		*out = &reply->prop[0];
	unsigned int		 i, j;

	memset(reply, 0, sizeof(*reply));
	for (i = 0; i < offer->nprop; i++) {
		p = &offer->prop[i];
		if (p->oversize || p->proto != IKE_PROTO_IKE ||
		    p->spi_size != spi_size || !prop_has(p, IKE_XF_ENCR) ||
		    !prop_has(p, IKE_XF_PRF) || !prop_has(p, IKE_XF_DH) ||
		    prop_pick(c, true, false, false, ke_group, p, out) == -1)
			continue;
		reply->nprop = 1;
		*suite = (struct ike_suite){ .encr = IKE_ENCR_AES_GCM_16,
		    .keybits = c->encr_bits, .prf = IKE_PRF_HMAC_SHA2_256 };
		for (j = 0; j < out->nxf; j++)
			if (out->xf[j].type == IKE_XF_DH)
				suite->dh = out->xf[j].id;
		return p;
	}
	return NULL;
}

int
ike_prop_pick_ike(const struct ike_conf *c, const struct ike_sa *offer,
    uint16_t ke_group, struct ike_suite *suite, struct ike_sa *reply)
{
	return prop_pick_ike(c, offer, ke_group, 0, suite, reply) == NULL ?
	    -1 : 0;
}

/*
 * The first of the peer's ESP proposals we can take; with pfs, also a DH
 * transform, if the proposal has one, one of ours (ke_group preferred):
 * *group, 0 for none.
 */
static int
prop_pick_esp(const struct ike_conf *c, bool esn, bool pfs,
    const struct ike_sa *offer, uint16_t ke_group, uint32_t our_spi,
    struct ike_child *ch, uint16_t *group, struct ike_sa *reply)
{
	const struct ike_prop	*p;
	struct ike_prop		*out = &reply->prop[0];
	unsigned int		 i, j;

	memset(reply, 0, sizeof(*reply));
	for (i = 0; i < offer->nprop; i++) {
		p = &offer->prop[i];
		if (p->oversize || p->proto != IKE_PROTO_ESP ||
		    p->spi_size != 4 || !prop_has(p, IKE_XF_ENCR) ||
		    prop_pick(c, false, esn, pfs, ke_group, p, out) == -1)
			continue;
		reply->nprop = 1;
		ch->spi_out = (uint32_t)p->spi[0] << 24 |
		    (uint32_t)p->spi[1] << 16 | (uint32_t)p->spi[2] << 8 |
		    p->spi[3];
		ch->bits = c->encr_bits;
		ch->esn = prop_has(p, IKE_XF_ESN) ? esn : false;
		*group = 0;
		for (j = 0; j < out->nxf; j++)
			if (out->xf[j].type == IKE_XF_DH)
				*group = out->xf[j].id;
		out->spi[0] = (uint8_t)(our_spi >> 24);
		out->spi[1] = (uint8_t)(our_spi >> 16);
		out->spi[2] = (uint8_t)(our_spi >> 8);
		out->spi[3] = (uint8_t)our_spi;
		return 0;
	}
	return -1;
}

int
ike_prop_pick_esp(const struct ike_conf *c, bool esn,
    const struct ike_sa *offer, uint32_t our_spi, struct ike_child *ch,
    struct ike_sa *reply)
{
	uint16_t	group;

	return prop_pick_esp(c, esn, false, offer, 0, our_spi, ch, &group,
	    reply);
}

/*
 * For CREATE_CHILD_SA (RFC 7296 1.3): the ESP proposal with DH for PFS,
 * the group of the KE first, then the other configured ones; then the
 * same without DH, for a peer whose policy has no PFS (charon's default
 * ESP proposals have no DH group: without this second proposal it
 * answers NO_PROPOSAL_CHOSEN). The choice is the peer's, inside the
 * authenticated IKE SA; the new keys come from fresh nonces either way.
 * The IKE proposal with the new IKE SA's SPI.
 */
void
ike_prop_esp_pfs(const struct ike_conf *c, bool esn, uint32_t spi,
    uint16_t group, struct ike_sa *sa)
{
	struct ike_prop	*p = &sa->prop[0];
	unsigned int	 i;

	ike_prop_esp(c, esn, spi, sa);
	sa->prop[1] = *p;		/* ESP without DH */
	sa->prop[1].num = 2;
	sa->nprop = 2;
	prop_xf(p, IKE_XF_DH, group, 0);
	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i] != group)
			prop_xf(p, IKE_XF_DH, c->groups[i], 0);
}

static void
prop_spi64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

void
ike_prop_ike_spi(const struct ike_conf *c, uint64_t spi, struct ike_sa *sa)
{
	ike_prop_ike(c, sa);
	sa->prop[0].spi_size = 8;
	prop_spi64(sa->prop[0].spi, spi);
}

/* The peer's ESP proposals of a CREATE_CHILD_SA: with DH (PFS). */
int
ike_prop_pick_esp_pfs(const struct ike_conf *c, bool esn,
    const struct ike_sa *offer, uint16_t ke_group, uint32_t our_spi,
    struct ike_child *ch, uint16_t *group, struct ike_sa *reply)
{
	return prop_pick_esp(c, esn, true, offer, ke_group, our_spi, ch,
	    group, reply);
}

/* The peer's IKE proposals of a rekey: SPI size 8, the SPI its new one. */
int
ike_prop_pick_ike_spi(const struct ike_conf *c, const struct ike_sa *offer,
    uint16_t ke_group, uint64_t our_spi, struct ike_suite *suite,
    uint64_t *peer_spi, struct ike_sa *reply)
{
	const struct ike_prop	*p;
	unsigned int		 j;

	if ((p = prop_pick_ike(c, offer, ke_group, 8, suite, reply)) == NULL)
		return -1;
	*peer_spi = 0;
	for (j = 0; j < 8; j++)
		*peer_spi = *peer_spi << 8 | p->spi[j];
	prop_spi64(reply->prop[0].spi, our_spi);
	return 0;
}
