/*
 * ike_sa.c: one IKE SA: its SPIs, nonces and keys, the message IDs of
 * both directions with a window of one (RFC 7296 2.3), retransmission of
 * our outstanding request with exponential backoff and a retry limit
 * (2.1), and the cached reply to the peer's last request, resent when that
 * request comes again (2.1).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "ike_sa.h"
#include "log.h"
#include "peer.h"

static struct ikesa_head	ike_sa_list = TAILQ_HEAD_INITIALIZER(ike_sa_list);
static uint8_t			ike_txbuf[IKE_MSG_MAX];

struct ikesa_head *
ike_sas(void)
{
	return &ike_sa_list;
}

const char *
ike_state_name(enum ike_state s)
{
	static const char *const names[] = {
		[IKES_INIT_SENT] = "init-sent",
		[IKES_AUTH_SENT] = "auth-sent",
		[IKES_INIT_DONE] = "init-done",
		[IKES_ESTABLISHED] = "established",
		[IKES_DELETING] = "deleting",
		[IKES_DEAD] = "dead",
	};

	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ?
	    names[s] : "unknown";
}

static void	ike_sa_rtx_cb(struct ev_loop *, ev_timer *, int);
static void	ike_sa_life_cb(struct ev_loop *, ev_timer *, int);
static void	ike_sa_keepalive_cb(struct ev_loop *, ev_timer *, int);

struct ikesa *
ike_sa_new(struct ike_peer *ip, bool initiator)
{
	struct ikesa	*sa;
	uint64_t	 spi;

	if ((sa = calloc(1, sizeof(*sa))) == NULL) {
		log_warn("IKE SA");
		return NULL;
	}
	do {
		if (RAND_bytes((uint8_t *)&spi, sizeof(spi)) != 1) {
			free(sa);
			log_warnx("IKE SA: no random SPI");
			return NULL;
		}
	} while (spi == 0);
	sa->ip = ip;
	sa->initiator = initiator;
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	ev_timer_init(&sa->rtx, ike_sa_rtx_cb, 0, 0);
	sa->rtx.data = sa;
	ev_timer_init(&sa->keepalive, ike_sa_keepalive_cb, IKE_NATT_KEEPALIVE,
	    IKE_NATT_KEEPALIVE);
	sa->keepalive.data = sa;
	ev_timer_init(&sa->life, ike_sa_life_cb, IKE_HALFOPEN_TIMEOUT, 0);
	sa->life.data = sa;
	ev_timer_start(ike_loop, &sa->life);
	sa->created = sa->last_rx = ev_now(ike_loop);
	TAILQ_INSERT_TAIL(&ike_sa_list, sa, entry);
	return sa;
}

void
ike_sa_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/*
 * The IKE SA moves to UDP 4500 (RFC 7296 2.23): from now on its messages
 * go there after the non-ESP marker, to the peer's address and port as
 * last seen. Behind a NAT we keep its mapping open with keepalives.
 */
void
ike_sa_natt(struct ikesa *sa, const struct sockaddr_storage *remote)
{
	struct addr	a;
	uint16_t	port = 0;

	(void)addr_from_sa((const struct sockaddr *)remote, &a, &port);
	log_info("tunnel %s: IKE SA moves to UDP 4500 (peer port %u)",
	    ike_peer_name(sa->ip), port);
	sa->natt = true;
	sa->remote = *remote;
	ike_sa_set_port(&sa->local, IKE_NATT_PORT);
	if (sa->nat_local && !ev_is_active(&sa->keepalive))
		ev_timer_start(ike_loop, &sa->keepalive);
	/*
	 * Behind a NAT the ESP-in-UDP socket on the tunnel's address opens
	 * now, so that it, not the wildcard IKE socket, takes the peer's
	 * first ESP (ike_child_install() sets the encapsulation for good).
	 */
	if ((sa->nat_local || sa->nat_remote) &&
	    peer_set_encap(sa->ip->peer, ENCAP_UDP, remote) == -1)
		log_warn("tunnel %s: ESP in UDP", ike_peer_name(sa->ip));
}

/* RFC 3948 2.3: one octet 0xFF, from behind the NAT only. */
static void
ike_sa_keepalive_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ikesa	*sa = w->data;
	static const uint8_t ka = 0xff;

	if (ike_sock_send(&sa->local, &sa->remote, &ka, sizeof(ka)) == -1)
		log_debug("tunnel %s: NAT keepalive: %s",
		    ike_peer_name(sa->ip), strerror(errno));
	else
		sa->keepalives++;
}

void
ike_sa_free(struct ikesa *sa)
{
	ev_timer_stop(ike_loop, &sa->rtx);
	ev_timer_stop(ike_loop, &sa->life);
	ev_timer_stop(ike_loop, &sa->keepalive);
	ike_rekey_free(sa);
	ike_child_remove(sa);
	TAILQ_REMOVE(&ike_sa_list, sa, entry);
	ike_dh_free(&sa->dh);
	ike_keys_clear(&sa->keys);
	ike_aead_clear(&sa->a_in);
	ike_aead_clear(&sa->a_out);
	free(sa->msg1);
	free(sa->msg2);
	free(sa->req);
	free(sa->resp);
	ike_frag_free(sa);
	mcert_free(sa->peer_cert);
	if (sa->initiator)
		ike_peer_kick();	/* a waiting peer may start */
	explicit_bzero(sa, sizeof(*sa));
	free(sa);
}

/* The SA failed: say why, free it, and (as an active peer) try again. */
void
ike_sa_fail(struct ikesa *sa, const char *fmt, ...)
{
	struct ike_peer	*ip = sa->ip;
	char		 msg[512];
	va_list		 ap;
	bool		 was_up = sa->state == IKES_ESTABLISHED;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("tunnel %s: IKE SA %016llx/%016llx: %s", ike_peer_name(ip),
	    (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r, msg);
	ike_sa_free(sa);
	if (was_up)
		ip->retry_delay = 0;
	ike_peer_retry(ip);
}

struct ikesa *
ike_sa_lookup(uint64_t spi_i, uint64_t spi_r, bool we_init)
{
	struct ikesa	*sa;

	TAILQ_FOREACH(sa, &ike_sa_list, entry) {
		if (sa->initiator != we_init || sa->spi_i != spi_i)
			continue;
		/* the responder's SPI is ours to check, once it is known */
		if (we_init && sa->state == IKES_INIT_SENT)
			return sa;
		if (sa->spi_r == spi_r)
			return sa;
	}
	return NULL;
}

void
ike_sa_hdr(struct ikesa *sa, struct ike_msg *m, uint8_t exch, bool response,
    uint32_t msgid)
{
	ike_msg_init(m);
	m->hdr = (struct ike_hdr){ .spi_i = sa->spi_i, .spi_r = sa->spi_r,
	    .major = IKE_VERSION_MAJOR, .exchange = exch, .msgid = msgid };
	if (sa->initiator)
		m->hdr.flags |= IKE_FLAG_INITIATOR;
	if (response)
		m->hdr.flags |= IKE_FLAG_RESPONSE;
}

/* Builds (sealing when the message has SK) into the transmit buffer. */
static long
ike_sa_build(struct ikesa *sa, struct ike_msg *m)
{
	long	n;

	if (ike_msg_has(m, IKE_PLD_SK))	/* in SKF fragments if too big */
		n = ike_frag_seal(sa, m, ike_txbuf, sizeof(ike_txbuf));
	else
		n = ike_msg_build(m, ike_txbuf, sizeof(ike_txbuf));
	if (n == -1)
		log_warn("tunnel %s: IKE %s message", ike_peer_name(sa->ip),
		    ike_exchange_name(m->hdr.exchange));
	return n;
}

static int
ike_sa_keep(uint8_t **dst, size_t *dlen, long n)
{
	uint8_t	*p;

	if ((p = malloc((size_t)n)) == NULL)
		return -1;
	memcpy(p, ike_txbuf, (size_t)n);
	free(*dst);
	*dst = p;
	*dlen = (size_t)n;
	return 0;
}

/* One message, or all the SKF fragments of one, back to back. */
void
ike_sa_xmit(struct ikesa *sa, const uint8_t *buf, size_t len)
{
	size_t	off = 0, n;

	while (len - off >= IKE_HDR_LEN) {
		n = (size_t)buf[off + 24] << 24 | (size_t)buf[off + 25] << 16 |
		    (size_t)buf[off + 26] << 8 | buf[off + 27];
		if (n < IKE_HDR_LEN || n > len - off)
			break;
		if (ike_sock_send(&sa->local, &sa->remote, buf + off, n) == -1)
			log_debug("tunnel %s: IKE send: %s",
			    ike_peer_name(sa->ip), strerror(errno));
		off += n;
	}
}

/*
 * The first retransmission timeout (RFC 7296 2.1 leaves it to us): at
 * least IKE_RTX_FIRST, more when answers have been slow, as TCP does it
 * (RFC 6298: smoothed round trip time plus four times its variation, over
 * every IKE SA, sampled only from requests not sent again). A responder
 * busy with hundreds of setups at once answers late, not never: a fixed
 * 0.5 s made us resend what it was about to answer.
 */
static double	ike_srtt, ike_rttvar;
static bool	ike_rtt_set;

static double
ike_sa_rto(void)
{
	double	rto;

	if (!ike_rtt_set)
		return IKE_RTX_FIRST;
	rto = ike_srtt + 4 * ike_rttvar;
	return rto < IKE_RTX_FIRST ? IKE_RTX_FIRST : rto > IKE_RTX_RTO_MAX ?
	    IKE_RTX_RTO_MAX : rto;
}

static void
ike_sa_rtt(double r)
{
	double	d = ike_srtt > r ? ike_srtt - r : r - ike_srtt;

	if (!ike_rtt_set) {
		ike_srtt = r;
		ike_rttvar = r / 2;
		ike_rtt_set = true;
		return;
	}
	ike_rttvar = 0.75 * ike_rttvar + 0.25 * d;
	ike_srtt = 0.875 * ike_srtt + 0.125 * r;
}

/*
 * Sends a request with the next message ID and keeps it for resending;
 * the window is one, so nothing else may be outstanding.
 */
int
ike_sa_request(struct ikesa *sa, struct ike_msg *m)
{
	long	n;

	if (sa->req_pending) {
		errno = EBUSY;
		return -1;
	}
	m->hdr.msgid = sa->req_next;
	if ((n = ike_sa_build(sa, m)) == -1 ||
	    ike_sa_keep(&sa->req, &sa->reqlen, n) == -1)
		return -1;
	sa->req_id = sa->req_next++;
	sa->req_pending = true;
	sa->tries = 0;
	sa->req_sent = ev_now(ike_loop);
	sa->rto = ike_sa_rto();
	ike_sa_xmit(sa, sa->req, sa->reqlen);
	ev_timer_set(&sa->rtx, sa->rto, 0);
	ev_timer_start(ike_loop, &sa->rtx);
	return 0;
}

/* The reply to the peer's request m->hdr.msgid, cached for resending. */
int
ike_sa_reply(struct ikesa *sa, struct ike_msg *m)
{
	long	n;

	if ((n = ike_sa_build(sa, m)) == -1 ||
	    ike_sa_keep(&sa->resp, &sa->resplen, n) == -1)
		return -1;
	sa->resp_set = true;
	ike_sa_xmit(sa, sa->resp, sa->resplen);
	return 0;
}

/* One message, not kept: notifies to SAs that are going away. */
int
ike_sa_send_once(struct ikesa *sa, struct ike_msg *m, bool request)
{
	long	n;

	if (request)
		m->hdr.msgid = sa->req_next++;
	if ((n = ike_sa_build(sa, m)) == -1)
		return -1;
	ike_sa_xmit(sa, ike_txbuf, (size_t)n);
	return 0;
}

void
ike_sa_req_done(struct ikesa *sa)
{
	ev_timer_stop(ike_loop, &sa->rtx);
	if (sa->req_pending && sa->tries == 0)	/* Karn: not if resent */
		ike_sa_rtt(ev_now(ike_loop) - sa->req_sent);
	sa->req_pending = false;
}

static void
ike_sa_rtx_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ikesa	*sa = w->data;

	if (!sa->req_pending)
		return;
	if (++sa->tries > IKE_RTX_TRIES) {
		ike_sa_fail(sa, "no answer from %s after %d retransmissions%s%s",
		    ike_peer_name(sa->ip), IKE_RTX_TRIES, sa->init_err != 0 ?
		    " but an unauthenticated " : "", sa->init_err != 0 ?
		    ike_notify_name(sa->init_err) : "");
		return;
	}
	ike_sa_xmit(sa, sa->req, sa->reqlen);
	ev_timer_set(w, sa->rto * (double)(1 << sa->tries), 0);
	ev_timer_start(loop, w);
}

/* Half-open SAs time out; established ones check the peer when idle. */
static void
ike_sa_life_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ikesa	*sa = w->data;
	double		 idle = ev_now(loop) - sa->last_rx;

	if (sa->rekeyed) {	/* replaced; the peer never deleted it */
		ike_sa_free(sa);
		return;
	}
	if (sa->state != IKES_ESTABLISHED) {
		ike_sa_fail(sa, "not established after %.0f s",
		    IKE_HALFOPEN_TIMEOUT);
		return;
	}
	if (idle >= IKE_DPD_INTERVAL && !sa->req_pending)
		(void)ike_info_dpd(sa);
	ev_timer_set(w, IKE_DPD_INTERVAL, 0);
	ev_timer_start(loop, w);
}

/* SKEYSEED and the seven keys from g^ir, and the two SK ciphers. */
int
ike_sa_keys(struct ikesa *sa, const uint8_t *gir, size_t girlen)
{
	struct ike_data	ni = { sa->ni, sa->nilen }, nr = { sa->nr, sa->nrlen };
	uint8_t		skeyseed[IKE_PRF_LEN];
	int		rv = -1;

	if (ike_skeyseed(sa->suite.prf, &ni, &nr, gir, girlen, skeyseed) == -1 ||
	    ike_keys_derive(&sa->keys, &sa->suite, skeyseed, &ni, &nr,
	    sa->spi_i, sa->spi_r) == -1)
		goto done;
	if (ike_aead_init(&sa->a_out, &sa->suite, sa->initiator ?
	    sa->keys.sk_ei : sa->keys.sk_er, sa->keys.enc_len) == -1 ||
	    ike_aead_init(&sa->a_in, &sa->suite, sa->initiator ?
	    sa->keys.sk_er : sa->keys.sk_ei, sa->keys.enc_len) == -1)
		goto done;
	sa->keyed = true;
	rv = 0;
 done:
	explicit_bzero(skeyseed, sizeof(skeyseed));
	return rv;
}
