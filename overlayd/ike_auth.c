/*
 * ike_auth.c: the IKE_AUTH exchange (RFC 7296 1.2) with certificates: our
 * chain in CERT payloads, CERTREQ for our roots, RFC 7427 signature AUTH;
 * the peer's chain checked to our mesh CA with CRLs (mcert_verify), its
 * ID matched to its certificate (and to `remote id`), its AUTH verified,
 * and at least one COI shared with us. Any failure is AUTHENTICATION_
 * FAILED and a log line saying why; success brings up the CHILD_SA.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ike_sa.h"
#include "log.h"
#include "peer.h"

#define IKE_AUTH_DATA_MAX	1024

/* ID type | RESERVED | data: what AUTH covers */
static size_t
auth_idbody(uint8_t type, const uint8_t *id, size_t len, uint8_t *out)
{
	out[0] = type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id, len);
	return len + 4;
}

/* AUTH octets of one side: its IKE_SA_INIT message, the other's nonce. */
static int
auth_octets(const struct ikesa *sa, bool of_initiator, const uint8_t *idbody,
    size_t idlen, uint8_t **oct, size_t *olen)
{
	struct ike_data	real, nonce, id = { idbody, idlen };

	if (of_initiator) {
		real = (struct ike_data){ sa->msg1, sa->msg1len };
		nonce = (struct ike_data){ sa->nr, sa->nrlen };
	} else {
		real = (struct ike_data){ sa->msg2, sa->msg2len };
		nonce = (struct ike_data){ sa->ni, sa->nilen };
	}
	return ike_auth_octets(sa->suite.prf, of_initiator ? sa->keys.sk_pi :
	    sa->keys.sk_pr, &real, &nonce, &id, oct, olen);
}

/* Our ID, CERTs, CERTREQ and AUTH, after the SK already added. */
static int
auth_add_ours(struct ikesa *sa, struct ike_msg *m, uint8_t *sig, size_t cap)
{
	struct ike_cred	*c = sa->ip->cred;
	uint8_t		 body[IKE_ID_MAX + 4], *oct;
	size_t		 blen, olen, i;
	long		 n;
	int		 k;

	blen = auth_idbody(c->lid_type, c->lid, c->lid_len, body);
	if (auth_octets(sa, sa->initiator, body, blen, &oct, &olen) == -1)
		return -1;
	n = ike_sig_sign(c->key, c->alg, oct, olen, sig, cap);
	free(oct);
	if (n <= 0)
		return -1;
	if (sa->initiator) {
		ike_msg_add(m, IKE_PLD_IDI);
		m->idi = (struct ike_id){ .type = c->lid_type,
		    .data = { c->lid, c->lid_len } };
	} else {
		ike_msg_add(m, IKE_PLD_IDR);
		m->idr = (struct ike_id){ .type = c->lid_type,
		    .data = { c->lid, c->lid_len } };
	}
	for (i = 0; i < c->ncert; i++) {
		if ((k = ike_msg_add(m, IKE_PLD_CERT)) == -1)
			return -1;
		m->cert[k] = (struct ike_cert){ IKE_CERT_X509_SIG,
		    { c->der[i], c->derlen[i] } };
	}
	if (sa->initiator && c->certreq_len > 0) {
		k = ike_msg_add(m, IKE_PLD_CERTREQ);
		m->certreq[k] = (struct ike_cert){ IKE_CERT_X509_SIG,
		    { c->certreq, c->certreq_len } };
	}
	ike_msg_add(m, IKE_PLD_AUTH);
	m->auth = (struct ike_auth){ IKE_AUTH_SIG, { sig, (size_t)n } };
	return 0;
}

/*
 * Who the peer is: chain, ID, AUTH, COI. 0, or -1 with the reason in why.
 * On success the SA keeps the peer's certificate.
 */
void
ike_auth_chain_free(struct ike_peer *ip)
{
	size_t	i;

	ev_timer_stop(ike_loop, &ip->expiry);
	for (i = 0; i < ip->npchain; i++) {
		free(ip->pchain[i]);
		ip->pchain[i] = NULL;
	}
	ip->npchain = 0;
}

static void
auth_expiry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	ike_auth_recheck(w->data, "at its expiry");
}

/*
 * Keep a copy of the chain the peer authenticated with, for reloads, and
 * check it again the second its certificate expires: IKE SA rekeying does
 * not authenticate again, and an SA must not outlive the certificate.
 */
static void
auth_keep_chain(struct ike_peer *ip, const struct mcert_der *ders, size_t n,
    const struct mcert_cert *leaf)
{
	double	left;
	size_t	i;

	ike_auth_chain_free(ip);
	for (i = 0; i < n; i++) {
		if ((ip->pchain[i] = malloc(ders[i].len)) == NULL) {
			/* fail closed: no chain, the next check drops the SA */
			log_warn("tunnel %s: keeping the peer's chain",
			    ike_peer_name(ip));
			ike_auth_chain_free(ip);
			break;
		}
		memcpy(ip->pchain[i], ders[i].der, ders[i].len);
		ip->pchainlen[i] = ders[i].len;
		ip->npchain = i + 1;
	}
	left = difftime(mcert_info(leaf)->not_after, time(NULL)) + 1;
	ev_timer_init(&ip->expiry, auth_expiry_cb, left > 1 ? left : 1, 0);
	ip->expiry.data = ip;
	ev_timer_start(ike_loop, &ip->expiry);
}

/*
 * After a reload the credentials (CA, CRLs) may have changed, and a
 * certificate expires: the chain the peer authenticated with is checked
 * again, now, and every IKE SA of the tunnel that is up is deleted if it
 * no longer passes.
 */
void
ike_auth_recheck(struct ike_peer *ip, const char *when)
{
	struct mcert_der	 ders[MCERT_CHAIN_MAX];
	struct mcert_cert	*leaf = NULL;
	struct ikesa		*sa, *next;
	char			 err[MCERT_ERR_MAX];
	size_t			 i;
	bool			 ok;

	for (i = 0; i < ip->npchain; i++)
		ders[i] = (struct mcert_der){ ip->pchain[i], ip->pchainlen[i] };
	ok = ip->npchain > 0 && mcert_verify(ip->cred->store, ders,
	    ip->npchain, 0, &leaf, err, sizeof(err)) == MCERT_OK;
	if (ip->npchain == 0)
		snprintf(err, sizeof(err), "the peer's chain was not kept");
	mcert_free(leaf);
	if (ok)
		return;
	for (sa = TAILQ_FIRST(ike_sas()); sa != NULL; sa = next) {
		next = TAILQ_NEXT(sa, entry);
		if (sa->ip != ip || sa->state != IKES_ESTABLISHED)
			continue;
		ike_st.auth_failed++;
		ike_info_delete(sa);
		ike_sa_fail(sa, "the peer's certificate fails %s: %s", when,
		    err);
	}
}

/* How often the store's cache of verified chains answered (ike cert-cache) */
static uint64_t
auth_cache_hits(const struct mcert_store *st)
{
	uint64_t	hits, misses;

	mcert_store_cache_stats(st, &hits, &misses);
	return hits;
}

static int
auth_check_peer(struct ikesa *sa, const struct ike_msg *m, char *why,
    size_t whylen)
{
	struct ike_cred		*c = sa->ip->cred;
	const struct ike_id	*id = sa->initiator ? &m->idr : &m->idi;
	struct mcert_der	 ders[MCERT_CHAIN_MAX];
	struct mcert_cert	*leaf = NULL;
	struct ike_err		 e;
	const char		*coi;
	char			 err[MCERT_ERR_MAX], idstr[128];
	uint8_t			*oct;
	uint64_t		 hits;
	size_t			 n = 0, olen, i;
	int			 rv;

	if (!ike_msg_has(m, sa->initiator ? IKE_PLD_IDR : IKE_PLD_IDI) ||
	    !ike_msg_has(m, IKE_PLD_AUTH) || m->ncert == 0) {
		snprintf(why, whylen, "ID, AUTH or CERT missing");
		return -1;
	}
	for (i = 0; i < m->ncert && n < MCERT_CHAIN_MAX; i++)
		if (m->cert[i].enc == IKE_CERT_X509_SIG)
			ders[n++] = (struct mcert_der){ m->cert[i].data.p,
			    m->cert[i].data.len };
	ike_id_fmt(id->type, id->data.p, id->data.len, idstr, sizeof(idstr));
	if (n == 0) {
		snprintf(why, whylen, "no X.509 certificate from %s", idstr);
		return -1;
	}
	hits = auth_cache_hits(c->store);
	if (mcert_verify(c->store, ders, n, 0, &leaf, err, sizeof(err)) !=
	    MCERT_OK) {
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	if (auth_cache_hits(c->store) > hits)
		ike_st.chains_cached++;
	else
		ike_st.chains_verified++;
	if (mcert_check_id(leaf, id->type, id->data.p, id->data.len, err,
	    sizeof(err)) != MCERT_OK) {
		snprintf(why, whylen, "ID %s: %s", idstr, err);
		goto fail;
	}
	if (c->rid_type != 0 && (c->rid_type != id->type ||
	    (id->type == IKE_ID_DER_ASN1_DN ? strlen(idstr) != c->rid_len ||
	    memcmp(idstr, c->rid, c->rid_len) != 0 :
	    id->data.len != c->rid_len ||
	    memcmp(id->data.p, c->rid, c->rid_len) != 0))) {
		snprintf(why, whylen, "ID mismatch: the peer is %s, not the "
		    "configured remote id", idstr);
		goto fail;
	}
	if (m->auth.method != IKE_AUTH_SIG) {
		snprintf(why, whylen, "AUTH method %u, not digital signature "
		    "(14)", m->auth.method);
		goto fail;
	}
	if (auth_octets(sa, !sa->initiator, id->body.p, id->body.len, &oct,
	    &olen) == -1) {
		snprintf(why, whylen, "AUTH octets");
		goto fail;
	}
	rv = ike_sig_verify(mcert_pubkey(leaf), &m->auth.data, oct, olen, NULL,
	    &e);
	free(oct);
	if (rv == -1) {
		snprintf(why, whylen, "%s", e.reason);
		goto fail;
	}
	if (mcert_check_coi(mcert_info(c->mine), mcert_info(leaf), &coi, err,
	    sizeof(err)) != MCERT_OK) {
		snprintf(why, whylen, "%s", err);
		goto fail;
	}
	snprintf(sa->coi, sizeof(sa->coi), "%s", coi);
	snprintf(sa->peer_id, sizeof(sa->peer_id), "%s", idstr);
	mcert_free(sa->peer_cert);
	sa->peer_cert = leaf;
	auth_keep_chain(sa->ip, ders, n, leaf);
	return 0;
 fail:
	mcert_free(leaf);
	return -1;
}

static void
auth_up(struct ikesa *sa)
{
	sa->state = IKES_ESTABLISHED;
	sa->established = ev_now(ike_loop);
	ev_timer_stop(ike_loop, &sa->life);
	ev_timer_set(&sa->life, IKE_DPD_INTERVAL, 0);
	ev_timer_start(ike_loop, &sa->life);
	log_info("tunnel %s: IKE SA %016llx/%016llx established with %s "
	    "(COI %s), CHILD_SA 0x%08x/0x%08x", ike_peer_name(sa->ip),
	    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
	    sa->peer_id, sa->coi, sa->child.spi_in, sa->child.spi_out);
	ike_rekey_up(sa);
	ike_peer_established(sa);
}

int
ike_auth_start(struct ikesa *sa)
{
	struct ike_msg	 m;
	uint8_t		 sig[IKE_AUTH_DATA_MAX];
	int		 i;

	if ((sa->child_spi = ike_child_spi()) == 0)
		return -1;
	ike_sa_hdr(sa, &m, IKE_AUTH, false, 0);
	ike_msg_add(&m, IKE_PLD_SK);
	if (auth_add_ours(sa, &m, sig, sizeof(sig)) == -1)
		return -1;
	if (!sa->ip->conf.tunnel) {	/* transport, unless refused */
		i = ike_msg_add(&m, IKE_PLD_NOTIFY);
		m.notify[i] = (struct ike_notify){
		    .type = IKE_N_USE_TRANSPORT_MODE };
	}
	ike_msg_add(&m, IKE_PLD_SA);
	ike_prop_esp(&sa->ip->conf, sa->ip->peer->conf.esn, sa->child_spi,
	    &m.sa);
	ike_child_ts(sa, &m, true);
	if (ike_sa_request(sa, &m) == -1)
		return -1;
	sa->state = IKES_AUTH_SENT;
	return 0;
}

/* The responder's refusal: one notify in SK, then the SA goes. */
static void
auth_refuse(struct ikesa *sa, uint16_t type, const char *why)
{
	struct ike_msg	m;
	int		i;

	ike_sa_hdr(sa, &m, IKE_AUTH, true, 1);
	ike_msg_add(&m, IKE_PLD_SK);
	i = ike_msg_add(&m, IKE_PLD_NOTIFY);
	m.notify[i] = (struct ike_notify){ .type = type };
	(void)ike_sa_send_once(sa, &m, false);
	if (type == IKE_N_AUTHENTICATION_FAILED)
		ike_st.auth_failed++;
	ike_sa_fail(sa, "IKE_AUTH refused (%s): %s", ike_notify_name(type),
	    why);
}

void
ike_auth_request(struct ikesa *sa, struct ike_msg *req)
{
	struct ike_msg	 m;
	struct ike_sa	 chosen;
	uint8_t		 sig[IKE_AUTH_DATA_MAX];
	char		 why[512];
	int		 i;

	if (auth_check_peer(sa, req, why, sizeof(why)) == -1) {
		auth_refuse(sa, IKE_N_AUTHENTICATION_FAILED, why);
		return;
	}
	if (!ike_msg_has(req, IKE_PLD_SA) || (sa->child_spi =
	    ike_child_spi()) == 0 || ike_prop_pick_esp(&sa->ip->conf,
	    sa->ip->peer->conf.esn, &req->sa, sa->child_spi, &sa->child,
	    &chosen) == -1) {
		auth_refuse(sa, IKE_N_NO_PROPOSAL_CHOSEN, "no acceptable ESP "
		    "proposal");
		return;
	}
	if (ike_child_ts_check(sa, req, false, why, sizeof(why)) == -1 ||
	    ike_child_mode(sa, req, why, sizeof(why)) == -1) {
		auth_refuse(sa, IKE_N_TS_UNACCEPTABLE, why);
		return;
	}
	ike_sa_hdr(sa, &m, IKE_AUTH, true, req->hdr.msgid);
	ike_msg_add(&m, IKE_PLD_SK);
	if (auth_add_ours(sa, &m, sig, sizeof(sig)) == -1) {
		ike_sa_fail(sa, "cannot sign AUTH");
		return;
	}
	if (!sa->child.tunnel) {
		i = ike_msg_add(&m, IKE_PLD_NOTIFY);
		m.notify[i] = (struct ike_notify){
		    .type = IKE_N_USE_TRANSPORT_MODE };
	}
	ike_msg_add(&m, IKE_PLD_SA);
	m.sa = chosen;
	ike_child_ts(sa, &m, false);
	if (ike_child_install(sa) == -1) {
		auth_refuse(sa, IKE_N_TEMPORARY_FAILURE, "cannot install the "
		    "CHILD_SA");
		return;
	}
	if (ike_sa_reply(sa, &m) == -1) {
		ike_sa_fail(sa, "cannot answer IKE_AUTH");
		return;
	}
	auth_up(sa);
}

void
ike_auth_response(struct ikesa *sa, struct ike_msg *m)
{
	struct ike_sa	 chosen;
	const struct ike_prop *p;
	char		 why[512];
	unsigned int	 i;

	for (i = 0; i < m->nnotify; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX) {
			if (m->notify[i].type == IKE_N_AUTHENTICATION_FAILED)
				ike_st.auth_failed++;
			ike_sa_fail(sa, "the peer refused IKE_AUTH: %s",
			    ike_notify_name(m->notify[i].type));
			return;
		}
	if (auth_check_peer(sa, m, why, sizeof(why)) == -1) {
		ike_st.auth_failed++;
		ike_info_authfail(sa);
		ike_sa_fail(sa, "IKE_AUTH refused (%s): %s",
		    ike_notify_name(IKE_N_AUTHENTICATION_FAILED), why);
		return;
	}
	p = &m->sa.prop[0];
	if (!ike_msg_has(m, IKE_PLD_SA) || m->sa.nprop != 1 ||
	    ike_prop_pick_esp(&sa->ip->conf, sa->ip->peer->conf.esn, &m->sa,
	    sa->child_spi, &sa->child, &chosen) == -1 ||
	    chosen.prop[0].nxf != p->nxf) {
		ike_info_delete(sa);
		ike_sa_fail(sa, "the peer chose an ESP proposal we did not "
		    "offer");
		return;
	}
	snprintf(why, sizeof(why), "cannot install it");
	if (ike_child_ts_check(sa, m, true, why, sizeof(why)) == -1 ||
	    ike_child_mode(sa, m, why, sizeof(why)) == -1 ||
	    ike_child_install(sa) == -1) {
		ike_info_delete(sa);
		ike_sa_fail(sa, "CHILD_SA: %s", why);
		return;
	}
	auth_up(sa);
}
