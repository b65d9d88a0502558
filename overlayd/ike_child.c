/*
 * ike_child.c: the first CHILD_SA of an IKE SA: ESP in transport mode (or
 * tunnel mode, if the peer refuses transport or `ike mode tunnel` says so)
 * for IP protocol 47 (GRE) between the two outer addresses, the selectors
 * narrowed to exactly that (RFC 7296 2.9), keys from KEYMAT (2.17), and
 * both directions installed through dp_sa_install().
 */
#include "config.h"

#include <netinet/in.h>
#include <errno.h>
#include <string.h>

#include <openssl/rand.h>

#include "dp.h"
#include "ike_sa.h"
#include "log.h"
#include "peer.h"

#define IKE_PROTO_GRE	47

/*
 * The address of the exchange's initiator or responder: TSi is the side
 * of whoever sent the request, IKE_AUTH or CREATE_CHILD_SA (RFC 7296
 * 2.9), not the IKE SA's original initiator: a CHILD_SA rekey the IKE
 * SA's responder asks for has our address in TSr when we started the
 * IKE SA.
 */
static const struct sockaddr_storage *
child_addr(const struct ikesa *sa, bool we_init, bool of_initiator)
{
	return we_init == of_initiator ? &sa->local : &sa->remote;
}

static void
child_sel(const struct sockaddr_storage *ss, struct ike_ts_set *set)
{
	struct ike_ts	*t = &set->ts[0];

	memset(set, 0, sizeof(*set));
	set->nts = 1;
	t->proto = IKE_PROTO_GRE;
	t->sport = 0;
	t->eport = 65535;
	if (ss->ss_family == AF_INET) {
		t->type = IKE_TS_IPV4_ADDR_RANGE;
		memcpy(t->start, &((const struct sockaddr_in *)ss)->sin_addr, 4);
		memcpy(t->end, t->start, 4);
	} else {
		t->type = IKE_TS_IPV6_ADDR_RANGE;
		memcpy(t->start, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    16);
		memcpy(t->end, t->start, 16);
	}
}

void
ike_child_ts(const struct ikesa *sa, struct ike_msg *m, bool we_init)
{
	ike_msg_add(m, IKE_PLD_TSI);
	child_sel(child_addr(sa, we_init, true), &m->tsi);
	ike_msg_add(m, IKE_PLD_TSR);
	child_sel(child_addr(sa, we_init, false), &m->tsr);
}

/*
 * Does some selector of the set cover GRE from/to this address? For an
 * end behind a NAT, any GRE selector of the address family will do: the
 * end writes its own address, which the other end cannot see, and each
 * end uses the address it sees (RFC 7296 2.23.1, transport mode).
 */
static bool
child_covers(const struct ike_ts_set *set, const struct sockaddr_storage *ss,
    bool natted)
{
	struct ike_ts_set	want;
	const struct ike_ts	*t, *w = &want.ts[0];
	size_t			 alen;
	unsigned int		 i;

	child_sel(ss, &want);
	alen = w->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
	for (i = 0; i < set->nts; i++) {
		t = &set->ts[i];
		if (t->type != w->type ||
		    (t->proto != 0 && t->proto != IKE_PROTO_GRE))
			continue;
		if (natted)
			return true;
		if (memcmp(t->start, w->start, alen) <= 0 &&
		    memcmp(t->end, w->end, alen) >= 0)
			return true;
	}
	return false;
}

int
ike_child_ts_check(const struct ikesa *sa, const struct ike_msg *m,
    bool we_init, char *why, size_t whylen)
{
	/* which end is behind a NAT: the exchange's initiator, responder */
	bool	nat_i = we_init ? sa->nat_local : sa->nat_remote;
	bool	nat_r = we_init ? sa->nat_remote : sa->nat_local;

	if (!ike_msg_has(m, IKE_PLD_TSI) || !ike_msg_has(m, IKE_PLD_TSR)) {
		snprintf(why, whylen, "no traffic selectors");
		return -1;
	}

	if (!child_covers(&m->tsi, child_addr(sa, we_init, true), nat_i) ||
	    !child_covers(&m->tsr, child_addr(sa, we_init, false), nat_r)) {
		snprintf(why, whylen, "traffic selectors do not cover GRE "
		    "between the tunnel's addresses");
		return -1;
	}
	return 0;
}

/*
 * The mode (RFC 7296 1.3.1): transport if both ends want it, the peer's
 * USE_TRANSPORT_MODE in `m` saying whether it does; else tunnel mode, with
 * the same selectors. Tunnel mode carries the configured outer addresses
 * inside ESP, which a NAT does not rewrite: behind a real NAT the peer's
 * inner packets would not match (counted, dropped); a peer that only
 * pretends one to get ESP in UDP (strongSwan's encap = yes) is fine. The
 * kernel data plane refuses tunnel mode when the SA is installed.
 */
int
ike_child_mode(struct ikesa *sa, const struct ike_msg *m, char *why,
    size_t whylen)
{
	bool	peer_transport = ike_msg_notify(m, IKE_N_USE_TRANSPORT_MODE) !=
		    NULL;

	if (sa->initiator && peer_transport && sa->ip->conf.tunnel) {
		snprintf(why, whylen, "USE_TRANSPORT_MODE in the reply to a "
		    "tunnel mode request");
		return -1;
	}
	sa->child.tunnel = !peer_transport || sa->ip->conf.tunnel;
	if (sa->child.tunnel && !sa->ip->conf.tunnel)
		log_info("tunnel %s: the peer %s transport mode: ESP in tunnel "
		    "mode", ike_peer_name(sa->ip), sa->initiator ? "refuses" :
		    "does not ask for");
	return 0;
}

/* A random inbound SPI, never 0..255 (RFC 4303 2.1). */
uint32_t
ike_child_spi(void)
{
	uint32_t	spi = 0;

	while (spi < 256)
		if (RAND_bytes((uint8_t *)&spi, sizeof(spi)) != 1)
			return 0;
	return spi;
}

int
ike_child_install(struct ikesa *sa)
{
	struct peer	*p = sa->ip->peer;
	struct ike_data	 ni = { sa->ni, sa->nilen }, nr = { sa->nr, sa->nrlen };
	struct sa_params i2r, r2i, *in, *out;
	struct ike_child *ch = &sa->child;
	int		 rv = -1;

	if (ike_child_keymat(sa->suite.prf, sa->keys.sk_d, NULL, 0, &ni, &nr,
	    IKE_ENCR_AES_GCM_16, ch->bits, &i2r, &r2i) == -1)
		goto done;
	in = sa->initiator ? &r2i : &i2r;
	out = sa->initiator ? &i2r : &r2i;
	ch->spi_in = sa->child_spi;
	in->spi = ch->spi_in;
	out->spi = ch->spi_out;
	in->esn = out->esn = ch->esn;
	in->tunnel = out->tunnel = ch->tunnel;
	in->replay_window = out->replay_window = p->conf.replay_window;
	/* RFC 3948: behind a NAT, ESP in UDP to where IKE talks to */
	if ((sa->nat_local || sa->nat_remote ? peer_set_encap(p, ENCAP_UDP,
	    &sa->remote) : peer_set_encap(p, p->conf.encap, NULL)) == -1) {
		log_warn("tunnel %s: ESP %s", p->conf.name,
		    sa->nat_local || sa->nat_remote ? "in UDP after a NAT" :
		    "encapsulation");
		goto done;
	}
	if (dp_sa_install(p, SA_DIR_IN, in) == -1) {
		log_warn("tunnel %s: inbound SA 0x%08x", p->conf.name, in->spi);
		goto done;
	}
	if (dp_sa_install(p, SA_DIR_OUT, out) == -1) {
		log_warn("tunnel %s: outbound SA 0x%08x", p->conf.name,
		    out->spi);
		(void)dp_sa_remove(p, SA_DIR_IN, in->spi);
		goto done;
	}
	ch->installed = true;
	ch->since = ev_now(ike_loop);
	rv = 0;
 done:
	explicit_bzero(&i2r, sizeof(i2r));
	explicit_bzero(&r2i, sizeof(r2i));
	return rv;
}

void
ike_child_remove(struct ikesa *sa)
{
	struct peer	*p = sa->ip->peer;

	if (!sa->child.installed)
		return;
	(void)dp_sa_remove(p, SA_DIR_IN, sa->child.spi_in);
	/* gone already if a newer SA took the outbound direction over */
	(void)dp_sa_remove(p, SA_DIR_OUT, sa->child.spi_out);
	sa->child.installed = false;
	log_info("tunnel %s: CHILD_SA 0x%08x/0x%08x removed", p->conf.name,
	    sa->child.spi_in, sa->child.spi_out);
}
