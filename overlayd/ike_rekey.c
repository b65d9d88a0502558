/*
 * ike_rekey.c: CREATE_CHILD_SA (RFC 7296 1.3): lifetimes, and rekeying
 * the CHILD_SA (1.3.3, 2.8) and the IKE SA (1.3.2, 2.18), both ways.
 *
 * Make before break, with no packet lost:
 * - The initiator installs the new inbound and outbound SAs when the
 *   response comes (the responder has the new inbound one by then),
 *   then deletes the old pair (INFORMATIONAL Delete of its old SPI).
 * - The responder installs the new inbound SA before it answers, and
 *   holds the new outbound one until the initiator's Delete of the old
 *   pair comes: its packets on the new SA could otherwise reach the
 *   initiator before the response does.
 * - An old inbound SA stays IKE_REKEY_GRACE seconds after its Delete
 *   exchange, for packets still on the way (ESP and IKE are read from
 *   different sockets, in no particular order).
 * Both ends rekeying the same CHILD_SA at once (2.8.1): each answers the
 * other; the SA of the exchange with the lowest of the four nonces is
 * redundant and deleted by its initiator; the winner's initiator deletes
 * the old one. A rekey of the IKE SA while any other rekey is going on
 * (also the other end's IKE SA rekey) is answered TEMPORARY_FAILURE and
 * retried after a random 2-4 s; that avoids 2.8.2's collisions instead
 * of resolving them.
 *
 * PFS: the CHILD_SA rekey always carries KE, of the IKE SA's group (or
 * the one the peer asks for with INVALID_KE_PAYLOAD), and offers ESP with
 * that DH group and, second, without (a peer without PFS picks that and
 * the KE goes unused); a peer's request without DH is accepted without.
 */
#include "config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <string.h>

#include <openssl/rand.h>

#include "dp.h"
#include "ike_sa.h"
#include "log.h"
#include "peer.h"

static void	rekey_tick(struct ev_loop *, ev_timer *, int);

static double
rekey_rand(void)		/* 0 <= r < 1 */
{
	uint32_t	v = 0;

	(void)RAND_bytes((uint8_t *)&v, sizeof(v));
	return (double)v / 4294967296.0;
}

/* Rekey at a random point up to jitter % before the lifetime. */
static ev_tstamp
rekey_when(const struct ike_peer *ip, ev_tstamp from, uint32_t life)
{
	return from + (double)life * (1.0 - (double)ip->conf.jitter / 100.0 *
	    rekey_rand());
}

static uint64_t
rekey_octets(struct peer *p)
{
	const struct dp_stats	*st = dp_peer_stats(p);

	return st->tx_bytes + st->rx_bytes;
}

static void
rekey_child_times(struct ikesa *sa, struct ike_child *ch)
{
	ev_tstamp	now = ev_now(ike_loop);

	ch->since = now;
	ch->rekey_at = rekey_when(sa->ip, now, sa->ip->conf.child_life);
	ch->bytes0 = rekey_octets(sa->ip->peer);
}

/* The IKE SA and its CHILD_SA are up: their lifetimes start. */
void
ike_rekey_up(struct ikesa *sa)
{
	ev_tstamp	now = ev_now(ike_loop);

	sa->rekey_at = rekey_when(sa->ip, now, sa->ip->conf.life);
	rekey_child_times(sa, &sa->child);
	ev_timer_init(&sa->rekey, rekey_tick, IKE_REKEY_TICK, IKE_REKEY_TICK);
	sa->rekey.data = sa;
	ev_timer_start(ike_loop, &sa->rekey);
}

static void
rekey_reset(struct ikesa *sa)
{
	ike_dh_free(&sa->rk.dh);
	sa->rk.kind = RK_NONE;
	sa->rk.coll = false;
	sa->rk.group = 0;
}

/* Our rekey did not happen: try again in IKE_REKEY_RETRY. */
static void
rekey_later(struct ikesa *sa)
{
	rekey_reset(sa);
	sa->rk.retry_at = ev_now(ike_loop) + IKE_REKEY_RETRY;
}

static void
xchild_drop(struct ikesa *sa, struct ike_xchild *x)
{
	if (x->state == XC_FREE)
		return;
	if (x->ch.installed)
		(void)dp_sa_remove(sa->ip->peer, SA_DIR_IN, x->ch.spi_in);
	log_debug("tunnel %s: old CHILD_SA 0x%08x/0x%08x removed",
	    ike_peer_name(sa->ip), x->ch.spi_in, x->ch.spi_out);
	explicit_bzero(x, sizeof(*x));
}

void
ike_rekey_free(struct ikesa *sa)
{
	unsigned int	i;

	ev_timer_stop(ike_loop, &sa->rekey);
	ike_dh_free(&sa->rk.dh);
	for (i = 0; i < IKE_XCHILD_MAX; i++)
		xchild_drop(sa, &sa->xchild[i]);
}

static struct ike_xchild *
xchild_new(struct ikesa *sa)
{
	unsigned int	i;

	for (i = 0; i < IKE_XCHILD_MAX; i++)
		if (sa->xchild[i].state == XC_FREE) {
			memset(&sa->xchild[i], 0, sizeof(sa->xchild[i]));
			sa->xchild[i].expire = ev_now(ike_loop) +
			    IKE_REKEY_STALE;
			return &sa->xchild[i];
		}
	return NULL;
}

/* Nothing between a rekey and its Delete: a new rekey may start. */
static bool
rekey_settled(const struct ikesa *sa)
{
	unsigned int	i;

	for (i = 0; i < IKE_XCHILD_MAX; i++)
		if (sa->xchild[i].state != XC_FREE && !sa->xchild[i].deleted)
			return false;
	return !sa->rk.del_out;
}

/* The current CHILD_SA becomes an old one, its inbound SA kept. */
static void
rekey_retire(struct ikesa *sa, struct ike_xchild *x, bool ours_to_delete)
{
	x->state = XC_RETIRED;
	x->ch = sa->child;
	x->del_wanted = ours_to_delete;
	memset(&sa->child, 0, sizeof(sa->child));
}

/* Lowest nonce: compared as numbers of the shorter length, then by length. */
static int
nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int	c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static void
nonce_min(const struct ike_data *a, const struct ike_data *b,
    struct ike_data *out)
{
	*out = nonce_cmp(a->p, a->len, b->p, b->len) <= 0 ? *a : *b;
}

static void
rekey_notify(struct ike_msg *m, uint16_t type, const uint8_t *data,
    size_t len)
{
	int	i;

	if ((i = ike_msg_add(m, IKE_PLD_NOTIFY)) == -1)
		return;
	m->notify[i] = (struct ike_notify){ .type = type,
	    .data = { data, len } };
}

static void
rekey_refuse(struct ikesa *sa, const struct ike_msg *req, uint16_t type,
    uint16_t group, const char *why)
{
	struct ike_msg	m;
	uint8_t		g[2] = { (uint8_t)(group >> 8), (uint8_t)group };

	log_info("tunnel %s: CREATE_CHILD_SA refused (%s): %s",
	    ike_peer_name(sa->ip), ike_notify_name(type), why);
	ike_sa_hdr(sa, &m, IKE_CREATE_CHILD_SA, true, req->hdr.msgid);
	ike_msg_add(&m, IKE_PLD_SK);
	rekey_notify(&m, type, g, type == IKE_N_INVALID_KE_PAYLOAD ? 2 : 0);
	(void)ike_sa_reply(sa, &m);
}

/* g^ir, or 0 length without KE. -1 on a bad KE. */
static int
rekey_gir(struct ike_dh *dh, const struct ike_msg *m, uint8_t *gir,
    size_t *girlen)
{
	struct ike_err	e;

	*girlen = 0;
	if (dh->key == NULL)
		return 0;
	if (!ike_msg_has(m, IKE_PLD_KE) || m->ke.group != dh->group)
		return -1;
	return ike_dh_shared(dh, m->ke.data.p, m->ke.data.len, gir, girlen,
	    &e);
}

static int
rekey_nonce(uint8_t *n)
{
	return RAND_bytes(n, IKE_NONCE_LEN) == 1 ? 0 : -1;
}

static int
rekey_add_ke(struct ike_msg *m, const struct ike_dh *dh, uint8_t *pub,
    size_t cap)
{
	size_t	publen = ike_dh_pub_len(dh->group);

	if (publen == 0 || publen > cap || ike_dh_public(dh, pub, publen) == -1)
		return -1;
	ike_msg_add(m, IKE_PLD_KE);
	m->ke = (struct ike_ke){ dh->group, { pub, publen } };
	return 0;
}

/*
 * KEYMAT of a new CHILD_SA (2.17): in and out as the directions towards
 * and from us; `we_init`: we initiated this exchange.
 */
static int
rekey_keymat(struct ikesa *sa, const struct ike_child *ch, bool we_init,
    const uint8_t *gir, size_t girlen, const struct ike_data *ni,
    const struct ike_data *nr, struct sa_params *in, struct sa_params *out)
{
	struct peer	*p = sa->ip->peer;
	struct sa_params i2r, r2i;

	if (ike_child_keymat(sa->suite.prf, sa->keys.sk_d, girlen > 0 ? gir :
	    NULL, girlen, ni, nr, IKE_ENCR_AES_GCM_16, ch->bits, &i2r,
	    &r2i) == -1)
		return -1;
	*in = we_init ? r2i : i2r;
	*out = we_init ? i2r : r2i;
	explicit_bzero(&i2r, sizeof(i2r));
	explicit_bzero(&r2i, sizeof(r2i));
	in->spi = ch->spi_in;
	out->spi = ch->spi_out;
	in->esn = out->esn = ch->esn;
	in->tunnel = out->tunnel = ch->tunnel;
	in->replay_window = out->replay_window = p->conf.replay_window;
	return 0;
}

/* --- the CHILD_SA ---------------------------------------------------- */

static int
rekey_child_send(struct ikesa *sa)
{
	struct ike_rekey *rk = &sa->rk;
	struct ike_msg	 m;
	uint8_t		 pub[IKE_DH_PUB_MAX];
	int		 i;

	ike_dh_free(&rk->dh);
	if ((rk->spi_in = ike_child_spi()) == 0 || rekey_nonce(rk->n) == -1 ||
	    ike_dh_new(&rk->dh, rk->group != 0 ? rk->group :
	    sa->suite.dh) == -1)
		return -1;
	ike_sa_hdr(sa, &m, IKE_CREATE_CHILD_SA, false, 0);
	ike_msg_add(&m, IKE_PLD_SK);
	i = ike_msg_add(&m, IKE_PLD_NOTIFY);
	m.notify[i] = (struct ike_notify){ .type = IKE_N_REKEY_SA,
	    .proto = IKE_PROTO_ESP, .spi_size = 4, .spi = rk->old_in };
	/* the new CHILD_SA keeps the mode of the one it replaces */
	if (!sa->child.tunnel)
		rekey_notify(&m, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_msg_add(&m, IKE_PLD_SA);
	ike_prop_esp_pfs(&sa->ip->conf, sa->ip->peer->conf.esn, rk->spi_in,
	    rk->dh.group, &m.sa);
	ike_msg_add(&m, IKE_PLD_NONCE);
	m.nonce = (struct ike_data){ rk->n, IKE_NONCE_LEN };
	if (rekey_add_ke(&m, &rk->dh, pub, sizeof(pub)) == -1)
		return -1;
	ike_child_ts(sa, &m, true);
	return ike_sa_request(sa, &m);
}

static void
rekey_child_start(struct ikesa *sa, const char *why)
{
	log_info("tunnel %s: rekeying CHILD_SA 0x%08x/0x%08x (%s)",
	    ike_peer_name(sa->ip), sa->child.spi_in, sa->child.spi_out, why);
	sa->rk.kind = RK_CHILD;
	sa->rk.old_in = sa->child.spi_in;
	sa->rk.coll = false;
	if (rekey_child_send(sa) == -1) {
		log_warn("tunnel %s: CREATE_CHILD_SA", ike_peer_name(sa->ip));
		rekey_later(sa);
	}
}

static struct ike_xchild *
xchild_by_out(struct ikesa *sa, uint32_t spi_out)
{
	unsigned int	i;

	for (i = 0; i < IKE_XCHILD_MAX; i++)
		if (sa->xchild[i].state != XC_FREE &&
		    sa->xchild[i].ch.spi_out == spi_out)
			return &sa->xchild[i];
	return NULL;
}

/* The peer rekeys our CHILD_SA: new inbound SA now, outbound held. */
static void
rekey_child_request(struct ikesa *sa, const struct ike_msg *req,
    const struct ike_notify *n)
{
	struct ike_msg		 m;
	struct ike_sa		 chosen;
	struct ike_child	 ch;
	struct ike_xchild	*x;
	struct ike_dh		 dh = { 0 };
	struct sa_params	 in, out;
	struct ike_data		 ni, nr, low;
	uint8_t			 nonce[IKE_NONCE_LEN], pub[IKE_DH_PUB_MAX];
	uint8_t			 gir[IKE_DH_SHARED_MAX];
	size_t			 girlen = 0;
	uint16_t		 group;
	char			 why[256];

	if (n->proto != IKE_PROTO_ESP || n->spi_size != 4 ||
	    (n->spi != sa->child.spi_out && xchild_by_out(sa, n->spi) ==
	    NULL)) {
		rekey_refuse(sa, req, IKE_N_CHILD_SA_NOT_FOUND, 0,
		    "REKEY_SA names no CHILD_SA of ours");
		return;
	}
	if (n->spi != sa->child.spi_out || sa->rk.kind == RK_IKE ||
	    !rekey_settled(sa)) {
		rekey_refuse(sa, req, IKE_N_TEMPORARY_FAILURE, 0,
		    "a rekey or delete is going on");
		return;
	}
	memset(&ch, 0, sizeof(ch));
	ch.tunnel = sa->child.tunnel;
	if (!ike_msg_has(req, IKE_PLD_SA) || !ike_msg_has(req,
	    IKE_PLD_NONCE) || (ch.spi_in = ike_child_spi()) == 0 ||
	    ike_prop_pick_esp_pfs(&sa->ip->conf, sa->ip->peer->conf.esn,
	    &req->sa, ike_msg_has(req, IKE_PLD_KE) ? req->ke.group : 0,
	    ch.spi_in, &ch, &group, &chosen) == -1) {
		rekey_refuse(sa, req, IKE_N_NO_PROPOSAL_CHOSEN, 0,
		    "no acceptable ESP proposal");
		return;
	}
	if (group != 0 && (!ike_msg_has(req, IKE_PLD_KE) ||
	    req->ke.group != group)) {
		rekey_refuse(sa, req, IKE_N_INVALID_KE_PAYLOAD, group,
		    "KE not of the group chosen");
		return;
	}
	if (ike_child_ts_check(sa, req, false, why, sizeof(why)) == -1) {
		rekey_refuse(sa, req, IKE_N_TS_UNACCEPTABLE, 0, why);
		return;
	}
	if ((x = xchild_new(sa)) == NULL || rekey_nonce(nonce) == -1 ||
	    (group != 0 && (ike_dh_new(&dh, group) == -1 ||
	    rekey_gir(&dh, req, gir, &girlen) == -1))) {
		rekey_refuse(sa, req, IKE_N_TEMPORARY_FAILURE, 0,
		    "no room or no keys for a new CHILD_SA");
		goto done;
	}
	ni = req->nonce;
	nr = (struct ike_data){ nonce, sizeof(nonce) };
	if (rekey_keymat(sa, &ch, false, gir, girlen, &ni, &nr, &in,
	    &out) == -1 || dp_sa_install(sa->ip->peer, SA_DIR_IN, &in) == -1) {
		log_warn("tunnel %s: new inbound SA 0x%08x",
		    ike_peer_name(sa->ip), ch.spi_in);
		rekey_refuse(sa, req, IKE_N_TEMPORARY_FAILURE, 0,
		    "cannot install the new CHILD_SA");
		goto done;
	}
	ch.installed = true;
	x->state = XC_PENDING;
	x->ch = ch;
	x->out = out;
	x->replaces = sa->child.spi_in;
	/* our own rekey of the same SA is out: a collision (2.8.1) */
	if (sa->rk.kind == RK_CHILD && sa->rk.old_in == sa->child.spi_in) {
		nonce_min(&ni, &nr, &low);
		memcpy(sa->rk.coll_n, low.p, low.len);
		sa->rk.coll_nlen = low.len;
		sa->rk.coll = true;
		sa->ip->collisions++;
	}
	ike_sa_hdr(sa, &m, IKE_CREATE_CHILD_SA, true, req->hdr.msgid);
	ike_msg_add(&m, IKE_PLD_SK);
	if (!ch.tunnel)
		rekey_notify(&m, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_msg_add(&m, IKE_PLD_SA);
	m.sa = chosen;
	ike_msg_add(&m, IKE_PLD_NONCE);
	m.nonce = nr;
	if (group != 0 && rekey_add_ke(&m, &dh, pub, sizeof(pub)) == -1) {
		xchild_drop(sa, x);
		goto done;
	}
	ike_child_ts(sa, &m, false);
	if (ike_sa_reply(sa, &m) == -1) {
		xchild_drop(sa, x);
		goto done;
	}
	sa->ip->child_rekeys++;
	ike_st.child_rekeys++;
	log_info("tunnel %s: CHILD_SA 0x%08x/0x%08x rekeyed by the peer: "
	    "0x%08x/0x%08x%s", ike_peer_name(sa->ip), sa->child.spi_in,
	    sa->child.spi_out, ch.spi_in, ch.spi_out, group != 0 ? " (PFS)" :
	    "");
 done:
	ike_dh_free(&dh);
	explicit_bzero(gir, sizeof(gir));
	explicit_bzero(&in, sizeof(in));
	explicit_bzero(&out, sizeof(out));
}

/* Error notify of a response, or 0. */
static uint16_t
rekey_error(const struct ike_msg *m, uint16_t *group)
{
	unsigned int	i;

	*group = 0;
	for (i = 0; i < m->nnotify; i++)
		if (m->notify[i].type <= IKE_N_ERROR_MAX) {
			if (m->notify[i].type == IKE_N_INVALID_KE_PAYLOAD &&
			    m->notify[i].data.len == 2)
				*group = (uint16_t)(m->notify[i].data.p[0] << 8 |
				    m->notify[i].data.p[1]);
			return m->notify[i].type;
		}
	return 0;
}

/* An error answer to our request: try again, now or later, or give up. */
static void
rekey_failed(struct ikesa *sa, uint16_t err, uint16_t group)
{
	enum ike_rk_kind kind = sa->rk.kind;
	ev_tstamp	 now = ev_now(ike_loop);

	if (err == IKE_N_INVALID_KE_PAYLOAD && ike_prop_group_ok(&sa->ip->conf,
	    group) && group != sa->rk.dh.group) {
		log_info("tunnel %s: CREATE_CHILD_SA: the peer asks for KE of "
		    "group %s", ike_peer_name(sa->ip), conf_group_name(group));
		sa->rk.group = group;
		if ((kind == RK_CHILD ? rekey_child_send(sa) : -1) == 0)
			return;
	}
	log_info("tunnel %s: %s rekey refused (%s), again later",
	    ike_peer_name(sa->ip), kind == RK_IKE ? "IKE SA" : "CHILD_SA",
	    ike_notify_name(err));
	if (err == IKE_N_CHILD_SA_NOT_FOUND && kind == RK_CHILD) {
		ike_info_delete(sa);
		ike_sa_fail(sa, "the peer does not know our CHILD_SA");
		return;
	}
	rekey_reset(sa);
	sa->rk.retry_at = now + IKE_REKEY_RETRY * (1.0 + rekey_rand());
}

static int
rekey_send_delete(struct ikesa *sa)
{
	struct ike_msg	 m;
	struct ike_xchild *x = NULL;
	uint32_t	 spi;
	unsigned int	 i;
	int		 k;

	if (sa->req_pending || sa->rk.del_out)
		return 0;
	for (i = 0; i < IKE_XCHILD_MAX && x == NULL; i++)
		if (sa->xchild[i].state != XC_FREE &&
		    sa->xchild[i].del_wanted && !sa->xchild[i].deleted)
			x = &sa->xchild[i];
	if (x == NULL)
		return 0;
	spi = htonl(x->ch.spi_in);
	ike_sa_hdr(sa, &m, IKE_INFORMATIONAL, false, 0);
	ike_msg_add(&m, IKE_PLD_SK);
	k = ike_msg_add(&m, IKE_PLD_DELETE);
	m.del[k] = (struct ike_delete){ .proto = IKE_PROTO_ESP, .spi_size = 4,
	    .nspi = 1, .spis = { (const uint8_t *)&spi, sizeof(spi) } };
	if (ike_sa_request(sa, &m) == -1)
		return -1;
	x->del_wanted = false;
	sa->rk.del_out = true;
	sa->rk.del_spi = x->ch.spi_in;
	log_debug("tunnel %s: deleting old CHILD_SA 0x%08x/0x%08x",
	    ike_peer_name(sa->ip), x->ch.spi_in, x->ch.spi_out);
	return 1;
}

static void
rekey_child_response(struct ikesa *sa, const struct ike_msg *m)
{
	struct ike_rekey	*rk = &sa->rk;
	struct ike_sa		 chosen;
	struct ike_child	 ch;
	struct ike_xchild	*x, *old;
	struct sa_params	 in, out;
	struct ike_data		 ni = { rk->n, IKE_NONCE_LEN }, low;
	uint8_t			 gir[IKE_DH_SHARED_MAX];
	size_t			 girlen;
	uint16_t		 err, group;
	char			 why[256];
	bool			 lost;

	if ((err = rekey_error(m, &group)) != 0) {
		rekey_failed(sa, err, group);
		return;
	}
	memset(&ch, 0, sizeof(ch));
	ch.tunnel = sa->child.tunnel;
	snprintf(why, sizeof(why), "the peer chose an ESP proposal we did not "
	    "offer, or no Nonce or KE");
	if (!ike_msg_has(m, IKE_PLD_SA) || m->sa.nprop != 1 ||
	    !ike_msg_has(m, IKE_PLD_NONCE) ||
	    ike_prop_pick_esp_pfs(&sa->ip->conf, sa->ip->peer->conf.esn,
	    &m->sa, rk->dh.group, rk->spi_in, &ch, &group, &chosen) == -1 ||
	    chosen.prop[0].nxf != m->sa.prop[0].nxf ||
	    (group != 0 && group != rk->dh.group) ||
	    rekey_gir(group != 0 ? &rk->dh : &(struct ike_dh){ 0 }, m, gir,
	    &girlen) == -1 ||
	    ike_child_ts_check(sa, m, true, why, sizeof(why)) == -1 ||
	    (x = xchild_new(sa)) == NULL) {
		log_warnx("tunnel %s: CHILD_SA rekey failed: %s",
		    ike_peer_name(sa->ip), why);
		rekey_later(sa);
		return;
	}
	ch.spi_in = rk->spi_in;
	if (rekey_keymat(sa, &ch, true, gir, girlen, &ni, &m->nonce, &in,
	    &out) == -1 || dp_sa_install(sa->ip->peer, SA_DIR_IN, &in) == -1) {
		log_warn("tunnel %s: new inbound SA 0x%08x",
		    ike_peer_name(sa->ip), ch.spi_in);
		rekey_later(sa);
		goto done;
	}
	ch.installed = true;
	sa->ip->child_rekeys++;
	sa->ip->child_rekeys_init++;
	ike_st.child_rekeys++;
	/* 2.8.1: the exchange with the lowest nonce made the redundant SA */
	nonce_min(&ni, &m->nonce, &low);
	lost = rk->coll && nonce_cmp(low.p, low.len, rk->coll_n,
	    rk->coll_nlen) < 0;
	if (lost || rk->old_in != sa->child.spi_in) {
		x->state = XC_REDUNDANT;
		x->ch = ch;
		x->del_wanted = true;
		log_info("tunnel %s: CHILD_SA 0x%08x/0x%08x lost a rekey "
		    "collision, deleting it", ike_peer_name(sa->ip), ch.spi_in,
		    ch.spi_out);
	} else if (dp_sa_install(sa->ip->peer, SA_DIR_OUT, &out) == -1) {
		log_warn("tunnel %s: new outbound SA 0x%08x",
		    ike_peer_name(sa->ip), ch.spi_out);
		x->state = XC_REDUNDANT;
		x->ch = ch;
		x->del_wanted = true;
	} else {
		log_info("tunnel %s: CHILD_SA 0x%08x/0x%08x rekeyed: "
		    "0x%08x/0x%08x%s", ike_peer_name(sa->ip),
		    sa->child.spi_in, sa->child.spi_out, ch.spi_in, ch.spi_out,
		    girlen > 0 ? " (PFS)" : "");
		old = x;
		rekey_retire(sa, old, true);
		sa->child = ch;
		rekey_child_times(sa, &sa->child);
	}
	rekey_reset(sa);
	(void)rekey_send_delete(sa);
 done:
	explicit_bzero(gir, sizeof(gir));
	explicit_bzero(&in, sizeof(in));
	explicit_bzero(&out, sizeof(out));
}

/*
 * The peer's Delete of ESP SAs (1.4.1): old ones (retired, pending,
 * redundant) go after the grace time; its Delete of the current pair
 * while we hold the one that replaces it switches our outbound SA over.
 * Answers and returns true when it took any; false leaves the message to
 * ike_info.c (the current CHILD_SA deleted without a successor).
 */
bool
ike_rekey_delete(struct ikesa *sa, const struct ike_msg *req)
{
	struct ike_msg		 m;
	struct ike_xchild	*x, *pend;
	struct ike_child	 newch;
	const struct ike_delete	*d;
	uint32_t		 spi, ours[IKE_XCHILD_MAX + 1];
	unsigned int		 i, j, n = 0, k;
	ev_tstamp		 now = ev_now(ike_loop);
	int			 l;

	for (i = 0; i < req->ndelete; i++) {
		d = &req->del[i];
		if (d->proto != IKE_PROTO_ESP || d->spi_size != 4)
			continue;
		for (j = 0; j < d->nspi && (size_t)(j + 1) * 4 <= d->spis.len;
		    j++) {
			memcpy(&spi, d->spis.p + (size_t)j * 4, 4);
			spi = ntohl(spi);
			if (spi == sa->child.spi_out && sa->child.installed) {
				pend = NULL;
				for (k = 0; k < IKE_XCHILD_MAX; k++)
					if (sa->xchild[k].state == XC_PENDING &&
					    sa->xchild[k].replaces ==
					    sa->child.spi_in)
						pend = &sa->xchild[k];
				if (pend == NULL)
					return false;
				if (dp_sa_install(sa->ip->peer, SA_DIR_OUT,
				    &pend->out) == -1) {
					log_warn("tunnel %s: new outbound SA "
					    "0x%08x", ike_peer_name(sa->ip),
					    pend->ch.spi_out);
					return false;
				}
				if (n < IKE_XCHILD_MAX + 1)
					ours[n++] = htonl(sa->child.spi_in);
				/* the pending one becomes current */
				explicit_bzero(&pend->out, sizeof(pend->out));
				x = pend;
				newch = pend->ch;
				rekey_retire(sa, x, false);
				sa->child = newch;
				x->deleted = true;
				x->expire = now + IKE_REKEY_GRACE;
				rekey_child_times(sa, &sa->child);
				log_debug("tunnel %s: outbound SA now 0x%08x",
				    ike_peer_name(sa->ip), sa->child.spi_out);
				continue;
			}
			if ((x = xchild_by_out(sa, spi)) == NULL)
				continue;
			if (n < IKE_XCHILD_MAX + 1)
				ours[n++] = htonl(x->ch.spi_in);
			if (x->state == XC_PENDING) {
				explicit_bzero(&x->out, sizeof(x->out));
				x->state = XC_RETIRED;
			}
			x->deleted = true;
			x->del_wanted = false;
			x->expire = now + IKE_REKEY_GRACE;
		}
	}
	if (n == 0)
		return false;
	ike_sa_hdr(sa, &m, req->hdr.exchange, true, req->hdr.msgid);
	ike_msg_add(&m, IKE_PLD_SK);
	l = ike_msg_add(&m, IKE_PLD_DELETE);
	m.del[l] = (struct ike_delete){ .proto = IKE_PROTO_ESP,
	    .spi_size = 4, .nspi = (uint16_t)n,
	    .spis = { (const uint8_t *)ours, n * sizeof(ours[0]) } };
	(void)ike_sa_reply(sa, &m);
	return true;
}

/* The answer to our Delete of an old CHILD_SA. */
void
ike_rekey_info_response(struct ikesa *sa, const struct ike_msg *m)
{
	unsigned int	i;

	if (!sa->rk.del_out)
		return;
	sa->rk.del_out = false;
	for (i = 0; i < IKE_XCHILD_MAX; i++)
		if (sa->xchild[i].state != XC_FREE &&
		    sa->xchild[i].ch.spi_in == sa->rk.del_spi) {
			sa->xchild[i].deleted = true;
			sa->xchild[i].expire = ev_now(ike_loop) +
			    IKE_REKEY_GRACE;
		}
	(void)rekey_send_delete(sa);
}

/* --- the IKE SA ------------------------------------------------------ */

static int
rekey_ike_send(struct ikesa *sa)
{
	struct ike_rekey *rk = &sa->rk;
	struct ike_msg	 m;
	uint8_t		 pub[IKE_DH_PUB_MAX];

	ike_dh_free(&rk->dh);
	do {
		if (RAND_bytes((uint8_t *)&rk->spi, sizeof(rk->spi)) != 1)
			return -1;
	} while (rk->spi == 0);
	if (rekey_nonce(rk->n) == -1 || ike_dh_new(&rk->dh, rk->group != 0 ?
	    rk->group : sa->suite.dh) == -1)
		return -1;
	ike_sa_hdr(sa, &m, IKE_CREATE_CHILD_SA, false, 0);
	ike_msg_add(&m, IKE_PLD_SK);
	ike_msg_add(&m, IKE_PLD_SA);
	ike_prop_ike_spi(&sa->ip->conf, rk->spi, &m.sa);
	ike_msg_add(&m, IKE_PLD_NONCE);
	m.nonce = (struct ike_data){ rk->n, IKE_NONCE_LEN };
	if (rekey_add_ke(&m, &rk->dh, pub, sizeof(pub)) == -1)
		return -1;
	return ike_sa_request(sa, &m);
}

static void
rekey_ike_start(struct ikesa *sa)
{
	log_info("tunnel %s: rekeying IKE SA %016llx/%016llx",
	    ike_peer_name(sa->ip), (unsigned long long)sa->spi_i,
	    (unsigned long long)sa->spi_r);
	sa->rk.kind = RK_IKE;
	if (rekey_ike_send(sa) == -1) {
		log_warn("tunnel %s: CREATE_CHILD_SA", ike_peer_name(sa->ip));
		rekey_later(sa);
	}
}

/*
 * The new IKE SA from the rekey of `old` (2.18): its keys from the old
 * SK_d, the old one's peer, addresses and CHILD_SAs, message IDs from 0.
 */
static struct ikesa *
rekey_ike_new(struct ikesa *old, bool initiator, uint64_t spi_i,
    uint64_t spi_r, const struct ike_suite *suite, const struct ike_data *ni,
    const struct ike_data *nr, const uint8_t *gir, size_t girlen)
{
	struct ikesa	*sa;
	uint8_t		 skeyseed[IKE_PRF_LEN];
	int		 rv;

	if ((sa = ike_sa_new(old->ip, initiator)) == NULL)
		return NULL;
	sa->spi_i = spi_i;
	sa->spi_r = spi_r;
	sa->suite = *suite;
	rv = ike_skeyseed_rekey(old->suite.prf, old->keys.sk_d, gir, girlen,
	    ni, nr, skeyseed);
	if (rv == 0)
		rv = ike_keys_derive(&sa->keys, &sa->suite, skeyseed, ni, nr,
		    spi_i, spi_r);
	explicit_bzero(skeyseed, sizeof(skeyseed));
	if (rv == -1 || ike_aead_init(&sa->a_out, &sa->suite, initiator ?
	    sa->keys.sk_ei : sa->keys.sk_er, sa->keys.enc_len) == -1 ||
	    ike_aead_init(&sa->a_in, &sa->suite, initiator ?
	    sa->keys.sk_er : sa->keys.sk_ei, sa->keys.enc_len) == -1) {
		ike_sa_free(sa);
		return NULL;
	}
	sa->keyed = true;
	memcpy(sa->ni, ni->p, ni->len);
	sa->nilen = ni->len;
	memcpy(sa->nr, nr->p, nr->len);
	sa->nrlen = nr->len;
	sa->local = old->local;
	sa->remote = old->remote;
	sa->sslen = old->sslen;
	sa->nat_local = old->nat_local;
	sa->nat_remote = old->nat_remote;
	sa->natt = old->natt;
	sa->frag_peer = old->frag_peer;	/* RFC 7383 2.3: for its successors */
	sa->peer_cert = old->peer_cert;
	old->peer_cert = NULL;
	memcpy(sa->peer_id, old->peer_id, sizeof(sa->peer_id));
	memcpy(sa->coi, old->coi, sizeof(sa->coi));
	/* the CHILD_SAs move over */
	sa->child = old->child;
	memcpy(sa->xchild, old->xchild, sizeof(sa->xchild));
	memset(&old->child, 0, sizeof(old->child));
	memset(old->xchild, 0, sizeof(old->xchild));
	sa->state = IKES_ESTABLISHED;
	sa->established = ev_now(ike_loop);
	ev_timer_stop(ike_loop, &sa->life);
	ev_timer_set(&sa->life, IKE_DPD_INTERVAL, 0);
	ev_timer_start(ike_loop, &sa->life);
	if (sa->natt && sa->nat_local)
		ev_timer_start(ike_loop, &sa->keepalive);
	sa->rekey_at = rekey_when(sa->ip, sa->established, sa->ip->conf.life);
	ev_timer_init(&sa->rekey, rekey_tick, IKE_REKEY_TICK, IKE_REKEY_TICK);
	sa->rekey.data = sa;
	ev_timer_start(ike_loop, &sa->rekey);
	/* the old SA is only to be deleted now */
	old->rekeyed = true;
	old->state = IKES_DELETING;
	rekey_reset(old);
	ev_timer_stop(ike_loop, &old->rekey);
	ev_timer_stop(ike_loop, &old->life);
	ev_timer_set(&old->life, IKE_HALFOPEN_TIMEOUT, 0);
	ev_timer_start(ike_loop, &old->life);
	log_info("tunnel %s: IKE SA %016llx/%016llx rekeyed: %016llx/%016llx",
	    ike_peer_name(sa->ip), (unsigned long long)old->spi_i,
	    (unsigned long long)old->spi_r, (unsigned long long)sa->spi_i,
	    (unsigned long long)sa->spi_r);
	return sa;
}

static void
rekey_ike_request(struct ikesa *sa, const struct ike_msg *req)
{
	struct ike_msg	 m;
	struct ike_sa	 chosen;
	struct ike_suite suite;
	struct ike_dh	 dh = { 0 };
	struct ike_data	 nr;
	uint8_t		 nonce[IKE_NONCE_LEN], pub[IKE_DH_PUB_MAX];
	uint8_t		 gir[IKE_DH_SHARED_MAX];
	size_t		 girlen;
	uint64_t	 spi = 0, peer_spi;

	if (sa->rk.kind != RK_NONE || !rekey_settled(sa) || sa->req_pending) {
		rekey_refuse(sa, req, IKE_N_TEMPORARY_FAILURE, 0,
		    "a rekey, delete or other request of ours is going on");
		return;
	}
	while (spi == 0)
		if (RAND_bytes((uint8_t *)&spi, sizeof(spi)) != 1)
			return;
	if (!ike_msg_has(req, IKE_PLD_NONCE) || !ike_msg_has(req, IKE_PLD_KE) ||
	    ike_prop_pick_ike_spi(&sa->ip->conf, &req->sa, req->ke.group, spi,
	    &suite, &peer_spi, &chosen) == -1 || peer_spi == 0) {
		rekey_refuse(sa, req, IKE_N_NO_PROPOSAL_CHOSEN, 0,
		    "no acceptable IKE proposal, or no Nonce or KE");
		return;
	}
	if (suite.dh != req->ke.group) {
		rekey_refuse(sa, req, IKE_N_INVALID_KE_PAYLOAD, suite.dh,
		    "KE not of the group chosen");
		return;
	}
	if (rekey_nonce(nonce) == -1 || ike_dh_new(&dh, suite.dh) == -1 ||
	    rekey_gir(&dh, req, gir, &girlen) == -1) {
		rekey_refuse(sa, req, IKE_N_INVALID_SYNTAX, 0, "bad KE");
		goto done;
	}
	nr = (struct ike_data){ nonce, sizeof(nonce) };
	ike_sa_hdr(sa, &m, IKE_CREATE_CHILD_SA, true, req->hdr.msgid);
	ike_msg_add(&m, IKE_PLD_SK);
	ike_msg_add(&m, IKE_PLD_SA);
	m.sa = chosen;
	ike_msg_add(&m, IKE_PLD_NONCE);
	m.nonce = nr;
	if (rekey_add_ke(&m, &dh, pub, sizeof(pub)) == -1 ||
	    ike_sa_reply(sa, &m) == -1)
		goto done;
	if (rekey_ike_new(sa, false, peer_spi, spi, &suite, &req->nonce, &nr,
	    gir, girlen) == NULL) {
		ike_info_delete(sa);
		ike_sa_fail(sa, "cannot make the rekeyed IKE SA");
		goto done;
	}
	sa->ip->ike_rekeys++;
	ike_st.ike_rekeys++;
 done:
	ike_dh_free(&dh);
	explicit_bzero(gir, sizeof(gir));
}

static void
rekey_ike_response(struct ikesa *sa, const struct ike_msg *m)
{
	struct ike_rekey *rk = &sa->rk;
	struct ike_sa	 chosen;
	struct ike_suite suite;
	struct ike_data	 ni = { rk->n, IKE_NONCE_LEN };
	struct ike_msg	 d;
	uint8_t		 gir[IKE_DH_SHARED_MAX];
	size_t		 girlen;
	uint64_t	 peer_spi;
	uint16_t	 err, group;
	int		 k;

	if ((err = rekey_error(m, &group)) != 0) {
		if (err == IKE_N_INVALID_KE_PAYLOAD && ike_prop_group_ok(
		    &sa->ip->conf, group) && group != rk->dh.group) {
			rk->group = group;
			if (rekey_ike_send(sa) == 0)
				return;
		}
		rekey_failed(sa, err, group);
		return;
	}
	if (!ike_msg_has(m, IKE_PLD_SA) || m->sa.nprop != 1 ||
	    !ike_msg_has(m, IKE_PLD_NONCE) || !ike_msg_has(m, IKE_PLD_KE) ||
	    ike_prop_pick_ike_spi(&sa->ip->conf, &m->sa, rk->dh.group, rk->spi,
	    &suite, &peer_spi, &chosen) == -1 || peer_spi == 0 ||
	    suite.dh != rk->dh.group || rekey_gir(&rk->dh, m, gir,
	    &girlen) == -1) {
		log_warnx("tunnel %s: IKE SA rekey failed: a bad answer",
		    ike_peer_name(sa->ip));
		rekey_later(sa);
		return;
	}
	if (rekey_ike_new(sa, true, rk->spi, peer_spi, &suite, &ni, &m->nonce,
	    gir, girlen) == NULL) {
		explicit_bzero(gir, sizeof(gir));
		ike_info_delete(sa);
		ike_sa_fail(sa, "cannot make the rekeyed IKE SA");
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	sa->ip->ike_rekeys++;
	sa->ip->ike_rekeys_init++;
	ike_st.ike_rekeys++;
	/* the old SA goes with a Delete over itself, answered */
	ike_sa_hdr(sa, &d, IKE_INFORMATIONAL, false, 0);
	ike_msg_add(&d, IKE_PLD_SK);
	k = ike_msg_add(&d, IKE_PLD_DELETE);
	d.del[k] = (struct ike_delete){ .proto = IKE_PROTO_IKE };
	if (ike_sa_request(sa, &d) == -1)
		ike_sa_free(sa);
}

/* --- dispatch and the clock ------------------------------------------ */

void
ike_rekey_request(struct ikesa *sa, struct ike_msg *m)
{
	const struct ike_notify	*n;

	if (sa->state != IKES_ESTABLISHED || sa->rekeyed) {
		rekey_refuse(sa, m, IKE_N_TEMPORARY_FAILURE, 0,
		    "the IKE SA is going away");
		return;
	}
	if ((n = ike_msg_notify(m, IKE_N_REKEY_SA)) != NULL) {
		rekey_child_request(sa, m, n);
		return;
	}
	if (ike_msg_has(m, IKE_PLD_SA) && m->sa.nprop > 0 &&
	    m->sa.prop[0].proto == IKE_PROTO_IKE && !ike_msg_has(m,
	    IKE_PLD_TSI)) {
		rekey_ike_request(sa, m);
		return;
	}
	rekey_refuse(sa, m, IKE_N_NO_ADDITIONAL_SAS, 0,
	    "one CHILD_SA per IKE SA");
}

void
ike_rekey_response(struct ikesa *sa, struct ike_msg *m)
{
	switch (sa->rk.kind) {
	case RK_CHILD:
		rekey_child_response(sa, m);
		break;
	case RK_IKE:
		rekey_ike_response(sa, m);
		break;
	default:
		log_debug("tunnel %s: CREATE_CHILD_SA response to nothing",
		    ike_peer_name(sa->ip));
		break;
	}
}

static void
rekey_sweep(struct ikesa *sa, ev_tstamp now)
{
	unsigned int	i;

	for (i = 0; i < IKE_XCHILD_MAX; i++)
		if (sa->xchild[i].state != XC_FREE &&
		    sa->xchild[i].expire <= now)
			xchild_drop(sa, &sa->xchild[i]);
}

static void
rekey_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ikesa	*sa = w->data;
	struct ike_peer	*ip = sa->ip;
	ev_tstamp	 now = ev_now(loop);
	char		 why[64];

	rekey_sweep(sa, now);
	if (sa->state != IKES_ESTABLISHED || sa->rekeyed || sa->req_pending)
		return;
	if (rekey_send_delete(sa) != 0)
		return;
	if (sa->rk.kind != RK_NONE || now < sa->rk.retry_at ||
	    !rekey_settled(sa))
		return;
	if (now >= sa->rekey_at) {
		rekey_ike_start(sa);
		return;
	}
	if (!sa->child.installed)
		return;
	if (now >= sa->child.rekey_at) {
		snprintf(why, sizeof(why), "lifetime %us", ip->conf.child_life);
		rekey_child_start(sa, why);
	} else if (ip->conf.child_bytes != 0 && (ip->peer->kdp == NULL ||
	    ++sa->ticks % IKE_REKEY_KDP_TICKS == 0) &&
	    rekey_octets(ip->peer) - sa->child.bytes0 >=
	    ip->conf.child_bytes) {
		snprintf(why, sizeof(why), "%llu octets",
		    (unsigned long long)ip->conf.child_bytes);
		rekey_child_start(sa, why);
	}
}
