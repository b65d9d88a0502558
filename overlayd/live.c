/*
 * live.c: tunnel liveness, BFD inside the tunnel.
 *
 * Each tunnel with keepalives on runs one RFC 5880 asynchronous session
 * between its inner addresses (conf_peer_ka_addrs()). overlayd builds the
 * inner IPv4/IPv6 + UDP (RFC 5881: destination port 3784, source port
 * 49152-65535, TTL / hop limit 255) packet itself and hands it to the
 * tunnel's own GRE+ESP path (dp_send_inner()), so a keepalive that gets
 * through proves the SA works end to end, and a router running BFD on its
 * tunnel interface sees an ordinary single-hop session. On the way in,
 * dp.c hands every packet that passed ESP and GRE to live_input(); UDP
 * 3784 to our inner address is taken, checked (TTL 255, source, UDP) and
 * given to the session; everything else goes to the TUN.
 *
 * Data as proof of life: any packet that passed ESP and GRE (live_rx())
 * updates last-seen, and while the session is Up it also restarts the
 * detection timer (bfd_refresh()). So a busy tunnel stays up when some
 * keepalives are lost, but BFD state still rules: a session that is not Up
 * is not brought up by data, and the peer's Down or AdminDown takes it down
 * at once.
 *
 * On the kernel data plane (p->kdp) the kernel carries inner packets, so
 * the session runs over UDP sockets bound to the GRE device and the inner
 * address instead (live_sock.c): the same packets on the wire, checked
 * the same way. Data as proof of life there comes from the device's
 * counter of received packets (which counts only what passed the XFRM
 * policy): it is read with each periodic keepalive sent and when the
 * detection timer expires, and a count that grew since the last reading
 * refreshes the session as of that reading: never later than the packet
 * came, so data keeps a session up (with up to one transmit interval less
 * slack than on the userspace data plane) but never delays detection.
 *
 * Hold-down: when the session comes Up again after having been up before,
 * the tunnel stays down until the session has stayed Up for the hold-down
 * time; a loss during the hold-down starts it over. A tunnel coming up the
 * first time after start is not held down.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "bfd.h"
#include "buf.h"
#include "dp.h"
#include "kdp.h"
#include "live.h"
#include "live_sock.h"
#include "log.h"
#include "peer.h"

struct live {
	struct peer		*peer;
	bool			 on;		/* keepalives configured */
	struct bfd_session	 bfd;
	struct addr		 local;		/* inner addresses */
	struct addr		 remote;
	uint16_t		 sport;
	ev_timer		 tx_ev;
	ev_timer		 detect_ev;
	ev_timer		 hold_ev;
	bool			 alive;		/* session Up */
	bool			 up;		/* alive, hold-down over */
	bool			 was_up;
	unsigned int		 flaps;		/* Up -> not Up */
	ev_tstamp		 last_seen;	/* 0: never */
	uint64_t		 rx_invalid;
	struct log_rl		 rl;
	struct lsock		*sock;		/* kernel data plane transport */
	struct live_count	 rx_count;	/* the GRE device's */
};

static struct ev_loop	*live_loop;

static void	live_tx_cb(struct ev_loop *, ev_timer *, int);
static void	live_detect_cb(struct ev_loop *, ev_timer *, int);
static void	live_hold_cb(struct ev_loop *, ev_timer *, int);
static void	live_sock_input(void *, enum live_udp, const uint8_t *,
		    size_t);

void
live_init(struct ev_loop *loop)
{
	live_loop = loop;
}

/* --- the inner packet (RFC 5881) ------------------------------------ */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * The UDP checksum over the pseudo-header (RFC 768, RFC 8200 8.1) and
 * the `len` bytes at udp: 0 when a received checksum is right.
 */
static uint16_t
live_udp_cksum(const struct addr *src, const struct addr *dst,
    const uint8_t *udp, size_t len)
{
	size_t		alen = src->af == AF_INET ? 4 : 16;
	uint32_t	sum;

	sum = ip_cksum_add(0, (const uint8_t *)&src->u, alen);
	sum = ip_cksum_add(sum, (const uint8_t *)&dst->u, alen);
	sum += IPPROTO_UDP + (uint32_t)(len & 0xffff) + (uint32_t)(len >> 16);
	sum = ip_cksum_add(sum, udp, len);
	return ip_cksum_fold(sum);
}

/* Writes IP + UDP + the BFD packet into out; returns its length or 0. */
size_t
live_encap(const struct addr *src, const struct addr *dst, uint16_t sport,
    const uint8_t *bfd, size_t bfdlen, uint8_t *out, size_t outlen)
{
	size_t		hl = src->af == AF_INET ? IP4_HDR_MIN : IP6_HDR_LEN;
	size_t		ulen = 8 + bfdlen, len = hl + ulen;
	uint8_t		*udp = out + hl;
	uint16_t	sum;

	if (src->af != dst->af || !addr_is_set(src) || len > outlen ||
	    len > LIVE_PKT_MAX)
		return 0;
	memset(out, 0, hl + 8);
	if (src->af == AF_INET) {
		out[0] = 0x45;
		out[1] = 0xc0;		/* CS6, network control */
		put16(out + 2, (uint16_t)len);
		put16(out + 6, IP4_DF);
		out[8] = BFD_TTL;
		out[9] = IPPROTO_UDP;
		memcpy(out + 12, &src->u.v4, 4);
		memcpy(out + 16, &dst->u.v4, 4);
		put16(out + 10, ip_cksum(out, IP4_HDR_MIN));
	} else {
		out[0] = 0x6c;		/* version 6, traffic class CS6 */
		put16(out + 4, (uint16_t)ulen);
		out[6] = IPPROTO_UDP;
		out[7] = BFD_TTL;
		memcpy(out + 8, &src->u.v6, 16);
		memcpy(out + 24, &dst->u.v6, 16);
	}
	put16(udp, sport);
	put16(udp + 2, BFD_PORT);
	put16(udp + 4, (uint16_t)ulen);
	memcpy(udp + 8, bfd, bfdlen);
	sum = live_udp_cksum(src, dst, udp, ulen);
	put16(udp + 6, sum == 0 ? 0xffff : sum);
	return len;
}

/*
 * Classifies an inner packet that passed ESP and GRE (`ip` from
 * ip_parse()): LIVE_NOT_BFD unless it is an unfragmented UDP packet to
 * `local` port 3784; then checks it as RFC 5881 wants.
 */
enum live_udp
live_decap(const uint8_t *data, size_t len, const struct ip_info *ip,
    const struct addr *local, const struct addr *remote,
    const uint8_t **bfd, size_t *bfdlen)
{
	struct rd	r, u;
	uint16_t	frag = 0, sport, dport, ulen, sum;
	uint8_t		ttl;

	if (ip->proto != IPPROTO_UDP || !addr_eq(&ip->dst, local))
		return LIVE_NOT_BFD;
	rd_init(&r, data, len);
	if (ip->af == AF_INET) {
		if (rd_skip(&r, 6) == -1 || rd_get_u16(&r, &frag) == -1 ||
		    rd_get_u8(&r, &ttl) == -1)
			return LIVE_NOT_BFD;
		if (frag & (IP4_MF | IP4_OFFMASK))
			return LIVE_NOT_BFD;	/* the kernel reassembles */
	} else if (rd_skip(&r, 7) == -1 || rd_get_u8(&r, &ttl) == -1)
		return LIVE_NOT_BFD;
	rd_init(&r, data, len);
	if (rd_skip(&r, ip->hdrlen) == -1 || rd_sub(&r, &u, rd_left(&r)) == -1 ||
	    rd_get_u16(&u, &sport) == -1 || rd_get_u16(&u, &dport) == -1 ||
	    rd_get_u16(&u, &ulen) == -1 || rd_get_u16(&u, &sum) == -1)
		return LIVE_NOT_BFD;
	if (dport != BFD_PORT)
		return LIVE_NOT_BFD;
	if (ttl != BFD_TTL)
		return LIVE_BAD_TTL;
	if (!addr_eq(&ip->src, remote))
		return LIVE_BAD_SRC;
	if (ulen < 8 || ulen != len - ip->hdrlen)
		return LIVE_BAD_UDP;
	if ((sum != 0 || ip->af == AF_INET6) &&
	    live_udp_cksum(&ip->src, &ip->dst, data + ip->hdrlen, ulen) != 0)
		return LIVE_BAD_UDP;
	*bfd = rd_ptr(&u);
	*bfdlen = rd_left(&u);
	return LIVE_BFD;
}

/* --- sending -------------------------------------------------------- */

static void
live_send(struct live *l)
{
	struct bfd_ctl	c;
	uint8_t		bfd[BFD_PKT_LEN], pkt[LIVE_PKT_MAX];
	size_t		len;

	/* fail closed: nothing leaves without an SA */
	if (l->sock != NULL ? !dp_peer_has_sas(l->peer) :
	    l->peer->sa_out == NULL)
		return;
	bfd_output(&l->bfd, &c);
	bfd_build(&c, bfd);
	if (l->sock != NULL) {
		(void)lsock_send(l->sock, bfd, sizeof(bfd));
		return;
	}
	len = live_encap(&l->local, &l->remote, l->sport, bfd, sizeof(bfd),
	    pkt, sizeof(pkt));
	if (len > 0)
		dp_send_inner(l->peer, pkt, len);
}

/*
 * A reading `n` of a packet counter at `now`: returns the time as of which
 * it proves life (that of the previous reading, when the count grew since:
 * the packets came after it), or 0 when it proves nothing.
 */
double
live_count_proof(struct live_count *c, uint64_t n, double now)
{
	double	then = c->t;

	c->t = now;
	if (n == c->n || then == 0) {
		c->n = n;
		return 0;
	}
	c->n = n;
	return then;
}

/*
 * Kernel data plane: reads the device's count of received packets, proof
 * of life the way live_rx() is for the userspace data plane.
 */
static void
live_rx_count(struct live *l)
{
	uint64_t	n;
	double		then;

	if (l->sock == NULL || kdp_peer_rx_packets(l->peer, &n) == -1)
		return;
	if ((then = live_count_proof(&l->rx_count, n, ev_now(live_loop))) == 0)
		return;
	if (then > l->last_seen)
		l->last_seen = then;
	if (l->on)
		bfd_refresh(&l->bfd, then);
}

/* Sends now and schedules the next periodic packet (6.8.7). */
static void
live_send_periodic(struct live *l)
{
	uint32_t	iv;

	ev_timer_stop(live_loop, &l->tx_ev);
	if (l->bfd.state == BFD_ADMIN_DOWN)
		return;
	if ((iv = bfd_tx_interval(&l->bfd)) == 0)
		return;		/* the peer asked for nothing */
	live_rx_count(l);
	live_send(l);
	iv = bfd_jitter(iv, l->bfd.detect_mult, arc4random());
	ev_timer_set(&l->tx_ev, (ev_tstamp)iv / 1e6, 0.);
	ev_timer_start(live_loop, &l->tx_ev);
}

static void
live_tx_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	live_send_periodic(w->data);
}

/* --- state ---------------------------------------------------------- */

static void
live_detect_arm(struct live *l)
{
	ev_tstamp	left;

	ev_timer_stop(live_loop, &l->detect_ev);
	if (l->bfd.state != BFD_INIT && l->bfd.state != BFD_UP)
		return;
	left = bfd_deadline(&l->bfd) - ev_now(live_loop);
	ev_timer_set(&l->detect_ev, left > 0 ? left : 0., 0.);
	ev_timer_start(live_loop, &l->detect_ev);
}

static void
live_set_up(struct live *l, bool up)
{
	if (l->up == up)
		return;
	l->up = up;
	if (up)
		l->was_up = true;
	peer_update_state(l->peer);
}

/* Follows a session state change: liveness, hold-down, flaps. */
static void
live_changed(struct live *l, enum bfd_state old)
{
	const char	*name = l->peer->conf.name;
	bool		 alive = l->bfd.state == BFD_UP;

	log_debug("tunnel %s: bfd %s -> %s", name, bfd_state_str(old),
	    bfd_state_str(l->bfd.state));
	if (alive == l->alive)
		return;
	l->alive = alive;
	if (!alive) {
		l->flaps++;
		ev_timer_stop(live_loop, &l->hold_ev);
		log_info("tunnel %s: keepalive down: %s", name,
		    bfd_diag_str(l->bfd.local_diag));
		live_set_up(l, false);
		return;
	}
	if (l->was_up && l->peer->conf.ka.holddown > 0) {
		log_info("tunnel %s: keepalive up, hold-down %ums", name,
		    l->peer->conf.ka.holddown);
		ev_timer_set(&l->hold_ev,
		    (ev_tstamp)l->peer->conf.ka.holddown / 1e3, 0.);
		ev_timer_start(live_loop, &l->hold_ev);
		return;
	}
	log_info("tunnel %s: keepalive up", name);
	live_set_up(l, true);
}

static void
live_hold_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct live	*l = w->data;

	log_info("tunnel %s: hold-down over", l->peer->conf.name);
	live_set_up(l, true);
}

static void
live_detect_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct live	*l = w->data;
	enum bfd_state	 old = l->bfd.state;

	live_rx_count(l);	/* data through a kernel tunnel */
	if (bfd_expired(&l->bfd, ev_now(loop))) {
		live_changed(l, old);
		live_send_periodic(l);
		return;
	}
	live_detect_arm(l);	/* refreshed meanwhile */
}

/* The kernel data plane's transport: sockets on the GRE device. */
static int
live_sock_open(struct live *l)
{
	char	a[ADDR_STRLEN];

	if (l->peer->kdp == NULL)
		return 0;
	l->sock = lsock_open(live_loop, l->peer->ifname, &l->local,
	    &l->remote, live_sock_input, l);
	if (l->sock == NULL) {
		log_warn("tunnel %s: keepalive sockets on %s %s",
		    l->peer->conf.name, l->peer->ifname,
		    addr_fmt(&l->local, a, sizeof(a)));
		return -1;
	}
	l->sport = lsock_sport(l->sock);
	memset(&l->rx_count, 0, sizeof(l->rx_count));
	return 0;
}

static int
live_session_start(struct live *l)
{
	const struct ka_conf	*ka = &l->peer->conf.ka;
	uint32_t		 discr;

	while ((discr = arc4random()) == 0)
		;
	l->sport = (uint16_t)(BFD_SPORT_MIN + arc4random_uniform(16384));
	(void)conf_peer_ka_addrs(&l->peer->conf, &l->local, &l->remote);
	if (live_sock_open(l) == -1)
		return -1;
	bfd_init(&l->bfd, discr, ka->interval * 1000,
	    (uint8_t)ka->multiplier, ev_now(live_loop));
	l->on = true;
	l->alive = l->up = false;
	live_send_periodic(l);
	return 0;
}

/* AdminDown to the peer (6.8.16), then silence. */
static void
live_session_stop(struct live *l)
{
	if (!l->on)
		return;
	bfd_admin_down(&l->bfd);
	live_send(l);
	ev_timer_stop(live_loop, &l->tx_ev);
	ev_timer_stop(live_loop, &l->detect_ev);
	ev_timer_stop(live_loop, &l->hold_ev);
	lsock_close(l->sock);
	l->sock = NULL;
	l->on = l->alive = l->up = false;
}

int
live_start(struct peer *p)
{
	struct live	*l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -1;
	l->peer = p;
	ev_init(&l->tx_ev, live_tx_cb);
	ev_init(&l->detect_ev, live_detect_cb);
	ev_init(&l->hold_ev, live_hold_cb);
	l->tx_ev.data = l->detect_ev.data = l->hold_ev.data = l;
	p->live = l;
	if (p->conf.ka.on && live_session_start(l) == -1) {
		live_stop(p);
		return -1;
	}
	return 0;
}

void
live_stop(struct peer *p)
{
	if (p->live == NULL)
		return;
	live_session_stop(p->live);
	free(p->live);
	p->live = NULL;
}

/* A reload with the same tunnel: keepalive settings change in place. */
void
live_reconf(struct peer *p, const struct peer_conf *pc)
{
	struct live	*l = p->live;
	struct ka_conf	 old = p->conf.ka;

	p->conf.ka = pc->ka;
	p->conf.ka_set = pc->ka_set;
	if (l == NULL || conf_ka_equal(&old, &pc->ka))
		return;
	log_info("tunnel %s: keepalive settings changed", p->conf.name);
	if (!pc->ka.on)
		live_session_stop(l);
	else if (!old.on && live_session_start(l) == -1)
		log_warnx("tunnel %s: keepalives failed to start: the tunnel "
		    "stays down", p->conf.name);
	else {
		/* new timers go out with a Poll Sequence (6.8.3) */
		bfd_set_timers(&l->bfd, pc->ka.interval * 1000,
		    (uint8_t)pc->ka.multiplier);
		live_send_periodic(l);
		live_detect_arm(l);
	}
	peer_update_state(p);
}

bool
live_ok(const struct peer *p)
{
	if (!p->conf.ka.on)
		return true;
	return p->live != NULL && p->live->up;
}

/* Any packet from the peer that passed ESP and GRE. */
void
live_rx(struct peer *p)
{
	struct live	*l = p->live;

	if (l == NULL)
		return;
	l->last_seen = ev_now(live_loop);
	if (l->on)
		bfd_refresh(&l->bfd, l->last_seen);
}

static void
live_bad(struct live *l, const char *why)
{
	l->rx_invalid++;
	log_rl(&l->rl, "tunnel %s: keepalive dropped: %s", l->peer->conf.name,
	    why);
}

static void
live_bfd_input(struct live *l, const uint8_t *data, size_t len)
{
	struct bfd_ctl	 c;
	enum bfd_result	 r;
	enum bfd_state	 old = l->bfd.state;
	uint32_t	 iv = bfd_tx_interval(&l->bfd);

	if ((r = bfd_parse(data, len, &c)) == BFD_OK)
		r = bfd_input(&l->bfd, &c, ev_now(live_loop));
	if (r != BFD_OK) {
		l->bfd.rx_errors[r]++;
		live_bad(l, bfd_result_str(r));
		return;
	}
	if (l->bfd.state != old) {
		live_changed(l, old);
		live_send_periodic(l);	/* tell the peer at once */
	} else if (l->bfd.final_due)
		live_send(l);
	else if (!ev_is_active(&l->tx_ev) || bfd_tx_interval(&l->bfd) != iv)
		live_send_periodic(l);
	live_detect_arm(l);
}

/* A keepalive judged by either transport; false: not one. */
static bool
live_take(struct live *l, enum live_udp r, const uint8_t *bfd, size_t len)
{
	switch (r) {
	case LIVE_NOT_BFD:
		return false;
	case LIVE_BAD_TTL:
		live_bad(l, "TTL is not 255");
		return true;
	case LIVE_BAD_SRC:
		live_bad(l, "not from the peer's inner address");
		return true;
	case LIVE_BAD_UDP:
		live_bad(l, "bad UDP length or checksum");
		return true;
	case LIVE_BFD:
		break;
	}
	live_bfd_input(l, bfd, len);
	return true;
}

/* True when the packet was a keepalive for us (taken, valid or not). */
bool
live_input(struct peer *p, const uint8_t *data, size_t len,
    const struct ip_info *ip)
{
	struct live	*l = p->live;
	const uint8_t	*bfd = NULL;
	size_t		 bfdlen = 0;
	enum live_udp	 r;

	if (l == NULL || !l->on)
		return false;
	r = live_decap(data, len, ip, &l->local, &l->remote, &bfd, &bfdlen);
	return live_take(l, r, bfd, bfdlen);
}

/*
 * From the kernel data plane's receive socket: bound to the GRE device,
 * so whatever arrives passed the XFRM policy and proves life.
 */
static void
live_sock_input(void *arg, enum live_udp r, const uint8_t *data, size_t len)
{
	struct live	*l = arg;

	live_rx(l->peer);
	if (l->on)
		(void)live_take(l, r, data, len);
}

/* --- status --------------------------------------------------------- */

const char *
live_state_str(const struct peer *p)
{
	const struct live	*l = p->live;

	if (l == NULL || !l->on)	/* down: sockets failed to open */
		return p->conf.ka.on ? "down" : "off";
	if (l->up)
		return "up";
	if (l->alive)
		return "holddown";
	return bfd_state_str(l->bfd.state);
}

static json_t *
live_json_bfd(const struct live *l)
{
	const struct bfd_session	*s = &l->bfd;
	char				 a[ADDR_STRLEN], b[ADDR_STRLEN];

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I}",
	    "local", addr_fmt(&l->local, a, sizeof(a)),
	    "remote", addr_fmt(&l->remote, b, sizeof(b)),
	    "state", bfd_state_str(s->state),
	    "remote_state", bfd_state_str(s->remote_state),
	    "diag", bfd_diag_str(s->local_diag),
	    "remote_diag", bfd_diag_str(s->remote_diag),
	    "local_discr", (json_int_t)s->local_discr,
	    "remote_discr", (json_int_t)s->remote_discr,
	    "tx_interval_us", (json_int_t)bfd_tx_interval(s),
	    "detect_time_us", (json_int_t)bfd_detect_time(s),
	    "tx_packets", (json_int_t)s->tx_packets,
	    "rx_packets", (json_int_t)s->rx_packets,
	    "rx_invalid", (json_int_t)l->rx_invalid);
}

/* The keys doc/interfaces.md lists under "liveness". */
void
live_json(json_t *t, const struct peer *p)
{
	const struct live	*l = p->live;
	const struct ka_conf	*ka = &p->conf.ka;
	ev_tstamp		 ago;

	json_object_set_new(t, "liveness", json_string(live_state_str(p)));
	if (l != NULL && l->last_seen > 0) {
		ago = ev_now(live_loop) - l->last_seen;
		json_object_set_new(t, "last_seen",
		    json_real((double)(long long)(ago * 1000) / 1000));
	} else
		json_object_set_new(t, "last_seen", json_null());
	json_object_set_new(t, "flaps",
	    json_integer(l != NULL ? l->flaps : 0));
	json_object_set_new(t, "keepalive", !ka->on ? json_null() :
	    json_pack("{s:I, s:I, s:I}",
	    "interval_ms", (json_int_t)ka->interval,
	    "multiplier", (json_int_t)ka->multiplier,
	    "holddown_ms", (json_int_t)ka->holddown));
	json_object_set_new(t, "bfd", l != NULL && l->on ? live_json_bfd(l) :
	    json_null());
}
