/*
 * ike_init.c: the IKE_SA_INIT exchange (RFC 7296 1.2), initiator and
 * responder: proposals, KE with INVALID_KE_PAYLOAD retry (1.2), COOKIE
 * echo (2.6), NAT_DETECTION_*_IP computed and checked (2.23), and the
 * key schedule once both nonces and g^ir are known.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike_sa.h"
#include "log.h"
#include "peer.h"

static const uint8_t	ike_sighash[] = { 0, IKE_HASH_SHA2_256, 0,
    IKE_HASH_IDENTITY };

/* SHA-1(SPIi | SPIr | address | port) */
static void
ike_natd(uint64_t spi_i, uint64_t spi_r, const struct sockaddr_storage *ss,
    uint8_t out[IKE_NATD_LEN])
{
	uint8_t		buf[16 + 16 + 2];
	size_t		n = 16;
	unsigned int	i;

	for (i = 0; i < 8; i++) {
		buf[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		buf[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		memcpy(buf + n, &sin->sin_addr, 4);
		n += 4;
		memcpy(buf + n, &sin->sin_port, 2);
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		memcpy(buf + n, &sin6->sin6_addr, 16);
		n += 16;
		memcpy(buf + n, &sin6->sin6_port, 2);
	}
	n += 2;
	(void)EVP_Digest(buf, n, out, NULL, EVP_sha1(), NULL);
}

/* Adds our two NAT_DETECTION notifies; `h` keeps their data. */
static void
ike_natd_add(struct ikesa *sa, struct ike_msg *m, uint64_t spi_r,
    uint8_t h[2][IKE_NATD_LEN])
{
	int	i;

	ike_natd(sa->spi_i, spi_r, &sa->local, h[0]);
	ike_natd(sa->spi_i, spi_r, &sa->remote, h[1]);
	i = ike_msg_add(m, IKE_PLD_NOTIFY);
	m->notify[i] = (struct ike_notify){
	    .type = IKE_N_NAT_DETECTION_SOURCE_IP,
	    .data = { h[0], IKE_NATD_LEN } };
	i = ike_msg_add(m, IKE_PLD_NOTIFY);
	m->notify[i] = (struct ike_notify){
	    .type = IKE_N_NAT_DETECTION_DESTINATION_IP,
	    .data = { h[1], IKE_NATD_LEN } };
}

/* The peer's NAT_DETECTION notifies, against the addresses we see. */
static void
ike_natd_check(struct ikesa *sa, const struct ike_msg *m, uint64_t spi_r)
{
	uint8_t		 h[IKE_NATD_LEN];
	unsigned int	 i;
	bool		 src = false, dst = false, any = false;

	for (i = 0; i < m->nnotify; i++) {
		const struct ike_notify	*n = &m->notify[i];

		if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			any = true;
			ike_natd(sa->spi_i, spi_r, &sa->remote, h);
			src |= memcmp(h, n->data.p, IKE_NATD_LEN) == 0;
		} else if (n->type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			any = true;
			ike_natd(sa->spi_i, spi_r, &sa->local, h);
			dst |= memcmp(h, n->data.p, IKE_NATD_LEN) == 0;
		}
	}
	if (!any)
		return;
	sa->nat_remote = !src;
	sa->nat_local = !dst;
	if (sa->nat_remote || sa->nat_local)
		log_info("tunnel %s: NAT detected (%s%s%s)",
		    ike_peer_name(sa->ip),
		    sa->nat_local ? "here" : "",
		    sa->nat_local && sa->nat_remote ? ", " : "",
		    sa->nat_remote ? "at the peer" : "");
}

static int
ike_nonce(uint8_t *p, size_t *len)
{
	*len = IKE_NONCE_LEN;
	return RAND_bytes(p, IKE_NONCE_LEN) == 1 ? 0 : -1;
}

static int
ike_keep_raw(uint8_t **dst, size_t *dlen, const struct ike_data *raw)
{
	uint8_t	*p;

	if ((p = malloc(raw->len)) == NULL)
		return -1;
	memcpy(p, raw->p, raw->len);
	free(*dst);
	*dst = p;
	*dlen = raw->len;
	return 0;
}

/* Our IKE_SA_INIT request, sent again after a COOKIE or INVALID_KE. */
static int
ike_init_send(struct ikesa *sa)
{
	struct ike_msg	 m;
	uint8_t		 pub[IKE_DH_PUB_MAX], natd[2][IKE_NATD_LEN];
	size_t		 publen = ike_dh_pub_len(sa->dh.group);
	int		 i;

	if (ike_dh_public(&sa->dh, pub, publen) == -1)
		return -1;
	ike_sa_hdr(sa, &m, IKE_SA_INIT, false, 0);
	if (sa->cookielen > 0) {
		i = ike_msg_add(&m, IKE_PLD_NOTIFY);
		m.notify[i] = (struct ike_notify){ .type = IKE_N_COOKIE,
		    .data = { sa->cookie, sa->cookielen } };
	}
	ike_msg_add(&m, IKE_PLD_SA);
	ike_prop_ike(&sa->ip->conf, &m.sa);
	ike_msg_add(&m, IKE_PLD_KE);
	m.ke = (struct ike_ke){ sa->dh.group, { pub, publen } };
	ike_msg_add(&m, IKE_PLD_NONCE);
	m.nonce = (struct ike_data){ sa->ni, sa->nilen };
	ike_natd_add(sa, &m, 0, natd);
	i = ike_msg_add(&m, IKE_PLD_NOTIFY);
	m.notify[i] = (struct ike_notify){
	    .type = IKE_N_SIGNATURE_HASH_ALGORITHMS,
	    .data = { ike_sighash, sizeof(ike_sighash) } };
	ike_frag_announce(&m);
	sa->req_next = 0;
	ike_sa_req_done(sa);
	if (ike_sa_request(sa, &m) == -1)
		return -1;
	free(sa->msg1);
	if ((sa->msg1 = malloc(sa->reqlen)) == NULL)
		return -1;
	memcpy(sa->msg1, sa->req, sa->reqlen);
	sa->msg1len = sa->reqlen;
	return 0;
}

int
ike_init_start(struct ike_peer *ip)
{
	struct peer	*p = ip->peer;
	struct ikesa	*sa;

	if ((sa = ike_sa_new(ip, true)) == NULL)
		return -1;
	sa->sslen = addr_to_sa(&p->conf.local, IKE_PORT, &sa->local);
	(void)addr_to_sa(&p->conf.remote, IKE_PORT, &sa->remote);
	sa->state = IKES_INIT_SENT;
	if (ike_nonce(sa->ni, &sa->nilen) == -1 ||
	    ike_dh_new(&sa->dh, ip->group) == -1 || ike_init_send(sa) == -1) {
		log_warnx("tunnel %s: cannot start IKE_SA_INIT",
		    ike_peer_name(ip));
		ike_sa_free(sa);
		return -1;
	}
	log_debug("tunnel %s: IKE_SA_INIT to the peer, SPIi %016llx",
	    ike_peer_name(ip), (unsigned long long)sa->spi_i);
	return 0;
}

/* The first error notify of a message, or 0. */
static uint16_t
ike_error_notify(const struct ike_msg *m)
{
	unsigned int	i;

	for (i = 0; i < m->nnotify; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX)
			return m->notify[i].type;
	return 0;
}

/* g^ir from the peer's KE, then all the keys. */
static int
ike_init_keys(struct ikesa *sa, const struct ike_msg *m, char *why,
    size_t whylen)
{
	uint8_t		gir[IKE_DH_SHARED_MAX];
	size_t		girlen;
	struct ike_err	e;
	int		rv;

	if (ike_dh_shared(&sa->dh, m->ke.data.p, m->ke.data.len, gir, &girlen,
	    &e) == -1) {
		snprintf(why, whylen, "%s", e.reason);
		return -1;
	}
	rv = ike_sa_keys(sa, gir, girlen);
	explicit_bzero(gir, sizeof(gir));
	if (rv == -1)
		snprintf(why, whylen, "key derivation failed");
	return rv;
}

void
ike_init_response(struct ikesa *sa, struct ike_msg *m)
{
	struct ike_peer		*ip = sa->ip;
	const struct ike_notify	*n;
	struct ike_sa		 chosen;
	struct ike_suite	 suite;
	char			 why[256];
	uint16_t		 g, err;

	if ((n = ike_msg_notify(m, IKE_N_COOKIE)) != NULL) {
		log_info("tunnel %s: the peer asks for a COOKIE",
		    ike_peer_name(ip));
		memcpy(sa->cookie, n->data.p, n->data.len);
		sa->cookielen = n->data.len;
		if (ike_init_send(sa) == -1)
			ike_sa_fail(sa, "cannot resend IKE_SA_INIT");
		return;
	}
	if ((n = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD)) != NULL) {
		g = (uint16_t)(n->data.p[0] << 8 | n->data.p[1]);
		if (!ike_prop_group_ok(&ip->conf, g) || g == sa->dh.group) {
			ike_sa_fail(sa, "the peer asks for DH group %u, which "
			    "we do not offer", g);
			return;
		}
		log_info("tunnel %s: the peer asks for DH group %s, retrying",
		    ike_peer_name(ip), conf_group_name(g));
		ip->group = g;
		ike_dh_free(&sa->dh);
		if (ike_dh_new(&sa->dh, g) == -1 || ike_init_send(sa) == -1)
			ike_sa_fail(sa, "cannot resend IKE_SA_INIT");
		return;
	}
	/*
	 * RFC 7296 2.21: anyone who saw our request can forge this answer;
	 * a hint only, until it has been the answer for IKE_INIT_ERR_WAIT
	 * (our retransmissions go on meanwhile: the real answer may come).
	 */
	if ((err = ike_error_notify(m)) != 0) {
		if (sa->init_err == 0) {
			sa->init_err = err;
			sa->init_err_at = ev_now(ike_loop);
			log_info("tunnel %s: the peer answers IKE_SA_INIT with "
			    "%s (unauthenticated): waiting %.0f s for another "
			    "answer", ike_peer_name(ip), ike_notify_name(err),
			    IKE_INIT_ERR_WAIT);
		}
		if (ev_now(ike_loop) - sa->init_err_at >= IKE_INIT_ERR_WAIT)
			ike_sa_fail(sa, "the peer answers IKE_SA_INIT with %s",
			    ike_notify_name(err));
		return;
	}
	if (!ike_msg_has(m, IKE_PLD_SA) || !ike_msg_has(m, IKE_PLD_KE) ||
	    !ike_msg_has(m, IKE_PLD_NONCE) || m->hdr.spi_r == 0) {
		ike_sa_fail(sa, "IKE_SA_INIT response without SA, KE, Nonce "
		    "or SPI");
		return;
	}
	if (m->sa.nprop != 1 || m->sa.prop[0].nxf == 0 ||
	    ike_prop_pick_ike(&ip->conf, &m->sa, m->ke.group, &suite,
	    &chosen) == -1 || chosen.prop[0].nxf != m->sa.prop[0].nxf ||
	    suite.dh != m->ke.group || suite.dh != sa->dh.group) {
		ike_sa_fail(sa, "the peer chose a proposal we did not offer");
		return;
	}
	ike_sa_req_done(sa);
	sa->suite = suite;
	sa->spi_r = m->hdr.spi_r;
	memcpy(sa->nr, m->nonce.p, m->nonce.len);
	sa->nrlen = m->nonce.len;
	if (ike_keep_raw(&sa->msg2, &sa->msg2len, &m->raw) == -1 ||
	    ike_init_keys(sa, m, why, sizeof(why)) == -1) {
		ike_sa_fail(sa, "IKE_SA_INIT: %s", why);
		return;
	}
	ike_dh_free(&sa->dh);	/* g^ir is used up: forget our secret */
	ike_natd_check(sa, m, sa->spi_r);
	ike_frag_peer(sa, m);
	/* RFC 7296 2.23; or always, like strongSwan with MOBIKE */
	if (sa->nat_local || sa->nat_remote || sa->ip->conf.port ==
	    IKE_NATT_PORT) {
		struct sockaddr_storage	r = sa->remote;

		ike_sa_set_port(&r, IKE_NATT_PORT);
		ike_sa_natt(sa, &r);
	}
	if (ike_auth_start(sa) == -1)
		ike_sa_fail(sa, "cannot send IKE_AUTH");
}

/* An unauthenticated error answer, with no SA behind it (2.21.1). */
static void
ike_init_refuse(const struct ike_msg *req, const struct sockaddr_storage *l,
    const struct sockaddr_storage *r, uint16_t type, const uint8_t *data,
    size_t len)
{
	struct ike_msg	m;
	uint8_t		buf[128];
	long		n;
	int		i;

	ike_msg_init(&m);
	m.hdr = (struct ike_hdr){ .spi_i = req->hdr.spi_i, .major = 2,
	    .exchange = IKE_SA_INIT, .flags = IKE_FLAG_RESPONSE };
	i = ike_msg_add(&m, IKE_PLD_NOTIFY);
	m.notify[i] = (struct ike_notify){ .type = type, .data = { data, len } };
	if ((n = ike_msg_build(&m, buf, sizeof(buf))) > 0)
		(void)ike_sock_send(l, r, buf, (size_t)n);
}

/*
 * Both ends initiated at once: the one with the lower address keeps its
 * own attempt and ignores the peer's, the other gives its own up and
 * answers. True when this request is to be ignored.
 */
static bool
ike_init_collision(struct ike_peer *ip)
{
	struct ikesa	*sa;
	struct addr	*l = &ip->peer->conf.local, *r = &ip->peer->conf.remote;
	size_t		 alen = l->af == AF_INET ? 4 : 16;
	bool		 lower = memcmp(&l->u, &r->u, alen) < 0;

	TAILQ_FOREACH(sa, ike_sas(), entry) {
		if (sa->ip != ip || !sa->initiator ||
		    sa->state == IKES_ESTABLISHED)
			continue;
		if (lower) {
			log_info("tunnel %s: both ends initiate; ours goes on",
			    ike_peer_name(ip));
			return true;
		}
		log_info("tunnel %s: both ends initiate; the peer's goes on",
		    ike_peer_name(ip));
		ike_sa_free(sa);
		return false;
	}
	return false;
}

static int
ike_init_reply(struct ikesa *sa, const struct ike_sa *chosen)
{
	struct ike_msg	 m;
	uint8_t		 pub[IKE_DH_PUB_MAX], natd[2][IKE_NATD_LEN];
	size_t		 publen = ike_dh_pub_len(sa->dh.group);
	int		 i;

	if (ike_dh_public(&sa->dh, pub, publen) == -1)
		return -1;
	ike_sa_hdr(sa, &m, IKE_SA_INIT, true, 0);
	ike_msg_add(&m, IKE_PLD_SA);
	m.sa = *chosen;
	ike_msg_add(&m, IKE_PLD_KE);
	m.ke = (struct ike_ke){ sa->dh.group, { pub, publen } };
	ike_msg_add(&m, IKE_PLD_NONCE);
	m.nonce = (struct ike_data){ sa->nr, sa->nrlen };
	ike_natd_add(sa, &m, sa->spi_r, natd);
	i = ike_msg_add(&m, IKE_PLD_CERTREQ);
	m.certreq[i] = (struct ike_cert){ IKE_CERT_X509_SIG,
	    { sa->ip->cred->certreq, sa->ip->cred->certreq_len } };
	i = ike_msg_add(&m, IKE_PLD_NOTIFY);
	m.notify[i] = (struct ike_notify){
	    .type = IKE_N_SIGNATURE_HASH_ALGORITHMS,
	    .data = { ike_sighash, sizeof(ike_sighash) } };
	ike_frag_announce(&m);
	if (ike_sa_reply(sa, &m) == -1)
		return -1;
	if ((sa->msg2 = malloc(sa->resplen)) == NULL)
		return -1;
	memcpy(sa->msg2, sa->resp, sa->resplen);
	sa->msg2len = sa->resplen;
	return 0;
}

void
ike_init_request(struct ike_peer *ip, struct ike_msg *m,
    const struct sockaddr_storage *local, const struct sockaddr_storage *remote)
{
	struct ike_sa		 chosen;
	struct ike_suite	 suite;
	struct ikesa		*sa;
	uint8_t			 g[2], cookie[IKE_COOKIE_MAX];
	size_t			 cookielen;
	char			 why[256];

	if (!ike_msg_has(m, IKE_PLD_SA) || !ike_msg_has(m, IKE_PLD_KE) ||
	    !ike_msg_has(m, IKE_PLD_NONCE)) {
		ike_st.rx_dropped++;
		log_warnx("tunnel %s: IKE_SA_INIT request without SA, KE or "
		    "Nonce", ike_peer_name(ip));
		return;
	}
	if (ike_cookie_needed() && !ike_cookie_ok(m, remote, cookie,
	    &cookielen)) {
		/* nothing kept, nothing computed but a hash */
		if (cookielen > 0) {
			ike_st.cookies_sent++;
			ike_init_refuse(m, local, remote, IKE_N_COOKIE, cookie,
			    cookielen);
		}
		return;
	}
	/* RFC 8019 4.6: after the COOKIE, before any DH */
	if (ike_halfopen_full(remote)) {
		ike_st.halfopen_dropped++;
		return;
	}
	if (ike_prop_pick_ike(&ip->conf, &m->sa, m->ke.group, &suite,
	    &chosen) == -1) {
		log_warnx("tunnel %s: IKE_SA_INIT: no proposal of the peer is "
		    "acceptable", ike_peer_name(ip));
		ike_init_refuse(m, local, remote, IKE_N_NO_PROPOSAL_CHOSEN,
		    NULL, 0);
		return;
	}
	if (suite.dh != m->ke.group) {
		log_info("tunnel %s: IKE_SA_INIT: KE for group %u, asking for "
		    "%s", ike_peer_name(ip), m->ke.group,
		    conf_group_name(suite.dh));
		g[0] = (uint8_t)(suite.dh >> 8);
		g[1] = (uint8_t)suite.dh;
		ike_init_refuse(m, local, remote, IKE_N_INVALID_KE_PAYLOAD, g,
		    2);
		return;
	}
	if (ike_init_collision(ip))
		return;
	if ((sa = ike_sa_new(ip, false)) == NULL)
		return;
	sa->spi_i = m->hdr.spi_i;
	sa->local = *local;
	sa->remote = *remote;
	sa->suite = suite;
	sa->state = IKES_INIT_DONE;
	sa->exp_next = 1;
	memcpy(sa->ni, m->nonce.p, m->nonce.len);
	sa->nilen = m->nonce.len;
	if (ike_nonce(sa->nr, &sa->nrlen) == -1 ||
	    ike_dh_new(&sa->dh, suite.dh) == -1 ||
	    ike_keep_raw(&sa->msg1, &sa->msg1len, &m->raw) == -1) {
		ike_sa_free(sa);
		return;
	}
	if (ike_init_keys(sa, m, why, sizeof(why)) == -1) {
		log_warnx("tunnel %s: IKE_SA_INIT: %s", ike_peer_name(ip), why);
		ike_sa_free(sa);
		return;
	}
	ike_natd_check(sa, m, 0);
	ike_frag_peer(sa, m);
	if (ike_init_reply(sa, &chosen) == -1) {
		log_warnx("tunnel %s: cannot answer IKE_SA_INIT",
		    ike_peer_name(ip));
		ike_sa_free(sa);
		return;
	}
	ike_dh_free(&sa->dh);	/* g^ir is used up: forget our secret */
	log_debug("tunnel %s: IKE_SA_INIT from the peer, SPIs %016llx/%016llx",
	    ike_peer_name(ip), (unsigned long long)sa->spi_i,
	    (unsigned long long)sa->spi_r);
}
