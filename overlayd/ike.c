/*
 * ike.c: IKE keying of tunnels: a struct ike_peer per tunnel with `ike`
 * in its configuration, and the dispatch of every message received on
 * port 500 to the IKE SA it belongs to, after the checks RFC 7296 asks
 * for: a well-formed message, a known SA, the expected message ID, and
 * for everything after IKE_SA_INIT the integrity check of SK before any
 * of it is used.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike_sa.h"
#include "log.h"
#include "peer.h"

struct ev_loop		*ike_loop;
struct ike_stats	 ike_st;
static struct log_rl	 ike_rl;
static struct ike_msg	 ike_rxm;
static uint8_t		 ike_plain[IKE_MSG_MAX];

static ev_timer		 ike_kick_ev;

static void	ike_retry_cb(struct ev_loop *, ev_timer *, int);
static void	ike_kick_cb(struct ev_loop *, ev_timer *, int);

void
ike_init(struct ev_loop *loop)
{
	ike_loop = loop;
	ev_timer_init(&ike_kick_ev, ike_kick_cb, 0, 0);
}

void
ike_shutdown(void)
{
	struct ikesa	*sa;

	ev_timer_stop(ike_loop, &ike_kick_ev);
	while ((sa = TAILQ_FIRST(ike_sas())) != NULL)
		ike_sa_free(sa);
	ike_sock_close();
}

const struct ike_stats *
ike_stats(void)
{
	return &ike_st;
}

const char *
ike_peer_name(const struct ike_peer *ip)
{
	return ip->peer->conf.name;
}

int
ike_peer_start(struct peer *p)
{
	struct ike_peer	*ip;
	char		 err[512];

	if ((ip = calloc(1, sizeof(*ip))) == NULL) {
		log_warn("tunnel %s: IKE", p->conf.name);
		return -1;
	}
	ip->peer = p;
	ip->conf = p->conf.ike;
	ip->group = ip->conf.groups[0];
	ev_timer_init(&ip->retry, ike_retry_cb, 0, 0);
	ip->retry.data = ip;
	if ((ip->cred = ike_cred_get(&ip->conf, err, sizeof(err))) == NULL) {
		log_warnx("tunnel %s: IKE credentials: %s", p->conf.name, err);
		free(ip);
		return -1;
	}
	if (ike_sock_open() == -1) {
		ike_cred_free(ip->cred);
		free(ip);
		return -1;
	}
	p->ike = ip;
	log_info("tunnel %s: IKE with certificate %s%s", p->conf.name,
	    mcert_info(ip->cred->mine)->subject,
	    ip->conf.passive ? ", passive" : "");
	ike_peer_retry(ip);
	return 0;
}

void
ike_peer_stop(struct peer *p)
{
	struct ike_peer	*ip = p->ike;
	struct ikesa	*sa, *next;

	if (ip == NULL)
		return;
	ip->stopping = true;
	ev_timer_stop(ike_loop, &ip->retry);
	for (sa = TAILQ_FIRST(ike_sas()); sa != NULL; sa = next) {
		next = TAILQ_NEXT(sa, entry);
		if (sa->ip != ip)
			continue;
		if (sa->keyed)
			ike_info_delete(sa);
		ike_sa_free(sa);
	}
	ike_cred_free(ip->cred);
	ike_auth_chain_free(ip);
	p->ike = NULL;
	free(ip);
}

/*
 * On reload, an unchanged peer reads its files again: the next exchange
 * uses the new CRLs and certificate; SAs up stay up if the peer's chain
 * still passes with the new CA and CRLs, else they are deleted. On error
 * the old credentials stay.
 */
void
ike_peer_reload(struct peer *p)
{
	struct ike_peer	*ip = p->ike;
	struct ike_cred	*c;
	char		 err[512];

	if (ip == NULL)
		return;
	if ((c = ike_cred_get(&ip->conf, err, sizeof(err))) == NULL) {
		log_warnx("tunnel %s: IKE credentials: %s; the old ones stay",
		    p->conf.name, err);
		return;
	}
	ike_cred_free(ip->cred);
	ip->cred = c;
	log_info("tunnel %s: IKE credentials reloaded", p->conf.name);
	ike_auth_recheck(ip, "after the reload");
}

static bool
ike_peer_busy(const struct ike_peer *ip)
{
	struct ikesa	*sa;

	TAILQ_FOREACH(sa, ike_sas(), entry)
		if (sa->ip == ip)
			return true;
	return false;
}

/* An active peer with no IKE SA initiates one, after a growing delay. */
void
ike_peer_retry(struct ike_peer *ip)
{
	if (ip->stopping || ip->conf.passive || ike_peer_busy(ip) ||
	    ev_is_active(&ip->retry))
		return;
	ev_timer_set(&ip->retry, ip->retry_delay, 0);
	ev_timer_start(ike_loop, &ip->retry);
	ip->retry_delay = ip->retry_delay < IKE_RETRY_MIN ? IKE_RETRY_MIN :
	    ip->retry_delay * 2;
	if (ip->retry_delay > IKE_RETRY_MAX)
		ip->retry_delay = IKE_RETRY_MAX;
}

/* Our IKE SAs not up yet (IKE_SA_INIT or IKE_AUTH outstanding). */
static unsigned int
ike_initiating(void)
{
	struct ikesa	*sa;
	unsigned int	 n = 0;

	TAILQ_FOREACH(sa, ike_sas(), entry)
		if (sa->initiator && (sa->state == IKES_INIT_SENT ||
		    sa->state == IKES_AUTH_SENT))
			n++;
	return n;
}

/*
 * At most IKE_INIT_PARALLEL of our setups are in progress at once; the
 * other peers wait (ip->waiting) and start, in order, as those finish.
 * Hundreds of tunnels that start together then do not bury their
 * responders under requests they cannot answer before we resend them.
 */
static void
ike_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ike_peer	*ip = w->data;

	if (ike_peer_busy(ip))
		return;
	if (ike_initiating() >= IKE_INIT_PARALLEL) {
		ip->waiting = true;
		return;
	}
	if (ike_init_start(ip) == -1)
		ike_peer_retry(ip);
}

/* A setup finished or an SA went: start waiting peers (from the loop). */
void
ike_peer_kick(void)
{
	if (ike_loop != NULL && !ev_is_active(&ike_kick_ev))
		ev_timer_start(ike_loop, &ike_kick_ev);
}

static void
ike_kick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct peer	*p;
	struct ike_peer	*ip;
	unsigned int	 n = ike_initiating();

	TAILQ_FOREACH(p, peers(), entry) {
		if (n >= IKE_INIT_PARALLEL)
			break;
		if ((ip = p->ike) == NULL || !ip->waiting)
			continue;
		ip->waiting = false;
		if (ip->stopping || ike_peer_busy(ip))
			continue;
		if (ike_init_start(ip) == -1)
			ike_peer_retry(ip);
		else
			n++;
	}
}

/*
 * A new IKE SA is up: older ones with the same peer go (the peer restarted,
 * or both ends initiated at once and both completed).
 */
void
ike_peer_established(struct ikesa *sa)
{
	struct ikesa	*o, *next;

	sa->ip->retry_delay = 0;
	ike_st.established++;
	for (o = TAILQ_FIRST(ike_sas()); o != NULL; o = next) {
		next = TAILQ_NEXT(o, entry);
		if (o == sa || o->ip != sa->ip)
			continue;
		log_info("tunnel %s: IKE SA %016llx/%016llx (%s) replaced",
		    ike_peer_name(o->ip), (unsigned long long)o->spi_i,
		    (unsigned long long)o->spi_r, ike_state_name(o->state));
		if (o->state == IKES_ESTABLISHED || o->state == IKES_AUTH_SENT)
			ike_info_delete(o);	/* the peer has it too */
		ike_sa_free(o);
	}
	ike_peer_kick();
}

static struct ike_peer *
ike_peer_by_addr(const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote)
{
	struct peer	*p;
	struct addr	 l, r;
	uint16_t	 port;

	if (!addr_from_sa((const struct sockaddr *)local, &l, &port) ||
	    !addr_from_sa((const struct sockaddr *)remote, &r, &port))
		return NULL;
	TAILQ_FOREACH(p, peers(), entry)
		if (p->ike != NULL && addr_eq(&p->conf.local, &l) &&
		    addr_eq(&p->conf.remote, &r))
			return p->ike;
	return NULL;
}

static bool
ike_same_remote(const struct ikesa *sa, const struct sockaddr_storage *r)
{
	struct addr	a, b;
	uint16_t	pa, pb;

	return addr_from_sa((const struct sockaddr *)&sa->remote, &a, &pa) &&
	    addr_from_sa((const struct sockaddr *)r, &b, &pb) &&
	    addr_eq(&a, &b) && pa == pb;
}

/*
 * The data plane took authentic ESP in UDP from the peer's address but
 * another port than the one we send to: the peer's NAT has a new mapping
 * (RFC 7296 2.23). ESP moves nothing by itself; a liveness check goes to
 * the new port, and its authenticated answer moves the IKE SA and the
 * ESP destination there (ike_float). At most once a second.
 */
void
ike_peer_esp_moved(struct peer *p, const struct sockaddr *from)
{
	struct ike_peer		*ip = p->ike;
	struct ikesa		*sa;
	struct sockaddr_storage	 to;
	ev_tstamp		 now;

	if (ip == NULL || ike_loop == NULL)
		return;
	now = ev_now(ike_loop);
	if (now - ip->probed < 1.0)
		return;
	TAILQ_FOREACH(sa, ike_sas(), entry)
		if (sa->ip == ip && sa->state == IKES_ESTABLISHED &&
		    sa->natt && sa->nat_remote)
			break;
	if (sa == NULL || sa->req_pending || from->sa_family !=
	    sa->remote.ss_family)
		return;
	memset(&to, 0, sizeof(to));
	memcpy(&to, from, from->sa_family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	if (ike_same_remote(sa, &to))
		return;
	ip->probed = now;
	log_info("tunnel %s: ESP from the peer's port %u, IKE on %u: a "
	    "liveness check there", ike_peer_name(ip), ike_sock_port(&to),
	    ike_sock_port(&sa->remote));
	if (ike_info_dpd(sa) == -1)
		return;
	/* an empty INFORMATIONAL: one datagram, never fragmented */
	if (ike_sock_send(&sa->local, &to, sa->req, sa->reqlen) == -1)
		log_debug("tunnel %s: liveness check to the new port: %s",
		    ike_peer_name(ip), strerror(errno));
}

/*
 * RFC 7296 2.23: a peer may move the IKE SA to UDP 4500 (after a NAT was
 * detected, or always, like strongSwan with MOBIKE), and behind a NAT its
 * port may change. A message on 4500 from the SA's peer address is taken
 * for the SA; it moves only once the message passed the integrity check.
 */
static bool
ike_may_float(const struct ikesa *sa, const struct sockaddr_storage *local,
    const struct sockaddr_storage *r)
{
	struct addr	a, b;

	return ike_sock_port(local) == IKE_NATT_PORT &&
	    addr_from_sa((const struct sockaddr *)&sa->remote, &a, NULL) &&
	    addr_from_sa((const struct sockaddr *)r, &b, NULL) &&
	    addr_eq(&a, &b);
}

/* The message was authentic: replies go where it came from. */
static void
ike_float(struct ikesa *sa, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote)
{
	if (ike_sock_port(local) != IKE_NATT_PORT || (sa->natt &&
	    ike_same_remote(sa, remote)))
		return;
	ike_sa_natt(sa, remote);
}

static void
ike_drop(const char *why, const struct sockaddr_storage *remote)
{
	struct addr	a;
	uint16_t	port = 0;
	char		buf[ADDR_STRLEN] = "?";

	ike_st.rx_dropped++;
	if (addr_from_sa((const struct sockaddr *)remote, &a, &port))
		addr_fmt(&a, buf, sizeof(buf));
	log_rl(&ike_rl, "IKE message from %s port %u dropped: %s", buf, port,
	    why);
}

/* A response to our outstanding request. */
static void
ike_rx_response(struct ikesa *sa, struct ike_msg *m,
    const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote)
{
	struct ike_err	e;
	int		rv;

	if (!sa->req_pending || m->hdr.msgid != sa->req_id) {
		if (m->hdr.msgid < sa->req_next)	/* answered already */
			log_debug("tunnel %s: IKE response %u again, ignored",
			    ike_peer_name(sa->ip), m->hdr.msgid);
		else
			ike_drop("response to no request of ours", remote);
		return;
	}
	if (m->hdr.exchange == IKE_SA_INIT) {
		if (ike_same_remote(sa, remote))
			ike_init_response(sa, m);
		else
			ike_drop("IKE_SA_INIT response on another port",
			    remote);
		return;
	}
	if (m->sk_at < 0 || (rv = ike_frag_open(sa, m, ike_plain,
	    sizeof(ike_plain), &e)) == -1) {
		ike_drop(m->sk_at >= 0 ? e.reason : "no SK", remote);
		return;
	}
	if (rv == 0)		/* a fragment, kept (RFC 7383) */
		return;
	sa->last_rx = ev_now(ike_loop);
	ike_float(sa, local, remote);
	ike_sa_req_done(sa);
	if (m->hdr.exchange == IKE_AUTH && sa->state == IKES_AUTH_SENT)
		ike_auth_response(sa, m);
	else if (m->hdr.exchange == IKE_INFORMATIONAL)
		ike_info_response(sa, m);
	else if (m->hdr.exchange == IKE_CREATE_CHILD_SA)
		ike_rekey_response(sa, m);
	else
		ike_drop("unexpected response", remote);
}

/* A request from the peer on an existing IKE SA. */
static void
ike_rx_request(struct ikesa *sa, struct ike_msg *m,
    const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote)
{
	struct ike_err	e;
	int		rv;

	if (sa->resp_set && m->hdr.msgid + 1 == sa->exp_next) {
		/* a fragmented request: the reply again for fragment 1 only */
		if (m->sk_at >= 0 && m->order[m->sk_at] == IKE_PLD_SKF &&
		    m->sk.frag_num != 1)
			return;
		log_debug("tunnel %s: IKE request %u again, reply resent",
		    ike_peer_name(sa->ip), m->hdr.msgid);
		ike_sa_xmit(sa, sa->resp, sa->resplen);
		return;
	}
	if (m->hdr.msgid != sa->exp_next) {
		ike_drop("message ID out of the window", remote);
		return;
	}
	if (m->hdr.exchange == IKE_AUTH ? sa->state != IKES_INIT_DONE :
	    m->hdr.exchange != IKE_INFORMATIONAL &&
	    m->hdr.exchange != IKE_CREATE_CHILD_SA) {
		ike_drop("unexpected exchange", remote);
		return;
	}
	if (!sa->keyed || m->sk_at < 0 || (rv = ike_frag_open(sa, m,
	    ike_plain, sizeof(ike_plain), &e)) == -1) {
		ike_drop(sa->keyed && m->sk_at >= 0 ? e.reason : "no SK",
		    remote);
		return;
	}
	if (rv == 0)		/* a fragment, kept (RFC 7383) */
		return;
	sa->last_rx = ev_now(ike_loop);
	ike_float(sa, local, remote);
	sa->exp_next++;
	if (m->hdr.exchange == IKE_AUTH)
		ike_auth_request(sa, m);
	else if (m->hdr.exchange == IKE_CREATE_CHILD_SA)
		ike_rekey_request(sa, m);
	else
		ike_info_request(sa, m);
}

void
ike_rx(const uint8_t *buf, size_t len, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote)
{
	struct ike_msg	*m = &ike_rxm;
	struct ike_err	 e;
	struct ikesa	*sa;
	struct ike_peer	*ip;
	bool		 response, we_init;

	if (ike_msg_parse(m, buf, len, &e) == -1) {
		ike_drop(e.reason, remote);
		return;
	}
	response = (m->hdr.flags & IKE_FLAG_RESPONSE) != 0;
	we_init = (m->hdr.flags & IKE_FLAG_INITIATOR) == 0;
	if (m->hdr.exchange == IKE_SA_INIT && !response) {
		/* a retransmitted request gets the same reply */
		TAILQ_FOREACH(sa, ike_sas(), entry)
			if (!sa->initiator && sa->spi_i == m->hdr.spi_i &&
			    ike_same_remote(sa, remote))
				break;
		if (sa != NULL) {
			if (sa->msg2 != NULL && sa->state == IKES_INIT_DONE)
				(void)ike_sock_send(&sa->local, &sa->remote,
				    sa->msg2, sa->msg2len);
			return;
		}
		if ((ip = ike_peer_by_addr(local, remote)) == NULL) {
			ike_st.rx_unknown_peer++;
			ike_drop("no IKE peer with these addresses", remote);
			return;
		}
		ike_init_request(ip, m, local, remote);
		return;
	}
	if ((sa = ike_sa_lookup(m->hdr.spi_i, m->hdr.spi_r, we_init)) == NULL ||
	    (!ike_same_remote(sa, remote) && !ike_may_float(sa, local,
	    remote))) {
		ike_drop("unknown IKE SA", remote);
		return;
	}
	if (response)
		ike_rx_response(sa, m, local, remote);
	else
		ike_rx_request(sa, m, local, remote);
}
