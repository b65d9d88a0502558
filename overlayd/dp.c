/*
 * dp.c: the userspace data plane.
 *
 * Outbound: read inner packets from a peer's TUN, check them against the
 * tunnel's path MTU, GRE-encapsulate, ESP-seal in place and send the
 * batch with one sendmmsg(2). Inbound: recvmmsg(2) a batch from an
 * underlay socket, find the SA by SPI, check the sender, check the replay
 * window and ICV, decapsulate and write to the peer's TUN.
 * Every packet that cannot be sent or accepted is counted by reason.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp.h"
#include "gre.h"
#include "ike.h"
#include "ip.h"
#include "kdp.h"
#include "live.h"
#include "log.h"
#include "peer.h"
#include "sock.h"
#include "tmode.h"

#define DP_BATCH	64
#define SPI_BUCKETS	256
#define ICMP_PER_SEC	100

struct sa_entry {
	LIST_ENTRY(sa_entry)	 entry;
	struct esp_sa		 sa;
	struct peer		*peer;
};
LIST_HEAD(sa_bucket, sa_entry);

static struct sa_bucket		 spi_table[SPI_BUCKETS];
static struct dp_stats		 dp_global;
static struct log_rl		 dp_rl;
static struct ev_loop		*dp_loop;

/* Transmit batch: the slots of one peer's burst. */
static struct pkt		*txp[DP_BATCH];
static size_t			 txinner[DP_BATCH];
static struct mmsghdr		 txmsg[DP_BATCH];
static struct iovec		 txiov[DP_BATCH];
static unsigned int		 ntx;

/* Receive batch. */
static struct pkt		*rxp[DP_BATCH];
static struct mmsghdr		 rxmsg[DP_BATCH];
static struct iovec		 rxiov[DP_BATCH];
static struct sockaddr_storage	 rxfrom[DP_BATCH];

static uint8_t			 scratch[PKT_MAX];

static unsigned int
spi_hash(uint32_t spi)
{
	return (spi * 2654435761U) >> 24;
}

static struct sa_entry *
spi_lookup(uint32_t spi)
{
	struct sa_entry	*e;

	LIST_FOREACH(e, &spi_table[spi_hash(spi)], entry)
		if (e->sa.spi == spi)
			return e;
	return NULL;
}

int
dp_init(struct ev_loop *loop)
{
	unsigned int	i;

	dp_loop = loop;
	for (i = 0; i < SPI_BUCKETS; i++)
		LIST_INIT(&spi_table[i]);
	for (i = 0; i < DP_BATCH; i++) {
		if ((txp[i] = malloc(sizeof(struct pkt))) == NULL ||
		    (rxp[i] = malloc(sizeof(struct pkt))) == NULL)
			return -1;
	}
	sock_init(loop, dp_sock_rx);
	return 0;
}

void
dp_shutdown(void)
{
	unsigned int	i;

	for (i = 0; i < DP_BATCH; i++) {
		free(txp[i]);
		free(rxp[i]);
		txp[i] = rxp[i] = NULL;
	}
}

const struct dp_stats *
dp_global_stats(void)
{
	return &dp_global;
}

const char *
dp_drop_name(enum dp_drop d)
{
	static const char *const names[DROP_MAX] = {
		[DROP_AUTH] = "auth",
		[DROP_REPLAY] = "replay",
		[DROP_MALFORMED] = "malformed",
		[DROP_NOSA] = "no_sa",
		[DROP_MTU] = "mtu",
	};

	return d < DROP_MAX ? names[d] : "unknown";
}

/* --- the SA-install interface ------------------------------------- */

static int
dp_sa_in_add(struct peer *p, const struct sa_params *sp)
{
	struct sa_entry	*e;
	unsigned int	 i;

	if (spi_lookup(sp->spi) != NULL) {
		errno = EEXIST;
		return -1;
	}
	for (i = 0; i < PEER_SA_IN_MAX && p->sa_in[i] != NULL; i++)
		;
	if (i == PEER_SA_IN_MAX) {
		errno = ENOSPC;
		return -1;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	if (esp_sa_init(&e->sa, sp, false) == -1) {
		free(e);
		return -1;
	}
	e->peer = p;
	LIST_INSERT_HEAD(&spi_table[spi_hash(sp->spi)], e, entry);
	p->sa_in[i] = e;
	return 0;
}

static int
dp_sa_out_set(struct peer *p, const struct sa_params *sp)
{
	struct esp_sa	*sa;

	if ((sa = calloc(1, sizeof(*sa))) == NULL)
		return -1;
	if (esp_sa_init(sa, sp, true) == -1) {
		free(sa);
		return -1;
	}
	if (p->sa_out != NULL) {
		esp_sa_clear(p->sa_out);
		free(p->sa_out);
	}
	p->sa_out = sa;	/* make before break: the new SA takes over */
	peer_mtu_refresh(p);	/* tunnel mode has an IP header more */
	return 0;
}

int
dp_sa_install(struct peer *p, enum sa_dir dir, const struct sa_params *sp)
{
	int	rv;

	if (p->kdp != NULL)	/* the kernel data plane */
		rv = kdp_sa_install(p, dir, sp);
	else if (dir == SA_DIR_IN)
		rv = dp_sa_in_add(p, sp);
	else
		rv = dp_sa_out_set(p, sp);
	if (rv == 0) {
		log_debug("tunnel %s: %s SA 0x%08x %s installed", p->conf.name,
		    dir == SA_DIR_IN ? "inbound" : "outbound", sp->spi,
		    conf_alg_name(sp->alg));
		peer_update_state(p);
	}
	return rv;
}

static void
dp_sa_in_free(struct peer *p, unsigned int i)
{
	struct sa_entry	*e = p->sa_in[i];

	LIST_REMOVE(e, entry);
	esp_sa_clear(&e->sa);
	free(e);
	for (; i + 1 < PEER_SA_IN_MAX; i++)
		p->sa_in[i] = p->sa_in[i + 1];
	p->sa_in[PEER_SA_IN_MAX - 1] = NULL;
}

int
dp_sa_remove(struct peer *p, enum sa_dir dir, uint32_t spi)
{
	unsigned int	i;

	if (p->kdp != NULL) {
		if (kdp_sa_remove(p, dir, spi) == -1)
			return -1;
	} else if (dir == SA_DIR_OUT) {
		if (p->sa_out == NULL || p->sa_out->spi != spi)
			goto notfound;
		esp_sa_clear(p->sa_out);
		free(p->sa_out);
		p->sa_out = NULL;
	} else {
		for (i = 0; i < PEER_SA_IN_MAX; i++)
			if (p->sa_in[i] != NULL && p->sa_in[i]->sa.spi == spi)
				break;
		if (i == PEER_SA_IN_MAX)
			goto notfound;
		dp_sa_in_free(p, i);
	}
	peer_update_state(p);
	return 0;
notfound:
	errno = ESRCH;
	return -1;
}

void
dp_peer_flush(struct peer *p)
{
	kdp_peer_flush(p);
	while (p->sa_in[0] != NULL)
		dp_sa_in_free(p, 0);
	if (p->sa_out != NULL) {
		esp_sa_clear(p->sa_out);
		free(p->sa_out);
		p->sa_out = NULL;
	}
}

const struct esp_sa *
dp_sa_in(const struct peer *p, unsigned int i)
{
	return i < PEER_SA_IN_MAX && p->sa_in[i] != NULL ? &p->sa_in[i]->sa :
	    NULL;
}

bool
dp_peer_has_sas(const struct peer *p)
{
	if (p->kdp != NULL)
		return kdp_peer_has_sas(p);
	return p->sa_out != NULL && p->sa_in[0] != NULL;
}

/* The current SPI of a direction (the newest inbound one). */
int
dp_peer_spi(const struct peer *p, enum sa_dir dir, uint32_t *spi)
{
	if (p->kdp != NULL)
		return kdp_peer_spi(p, dir, spi);
	if (dir == SA_DIR_OUT ? p->sa_out == NULL : p->sa_in[0] == NULL)
		return -1;
	*spi = dir == SA_DIR_OUT ? p->sa_out->spi : p->sa_in[0]->sa.spi;
	return 0;
}

/* The tunnel's counters, fetched from the kernel for its data plane. */
const struct dp_stats *
dp_peer_stats(struct peer *p)
{
	if (p->kdp != NULL)
		kdp_peer_stats(p);
	return &p->stats;
}

/* --- path MTU --------------------------------------------------------- */

static struct peer *
dp_peer_by_remote(const struct usock *s, const struct addr *remote)
{
	struct peer	*p;

	TAILQ_FOREACH(p, peers(), entry)
		if (p->sock == s && addr_eq(&p->conf.remote, remote))
			return p;
	return NULL;
}

/*
 * Reads the socket's error queue: local EMSGSIZE and ICMP "fragmentation
 * needed" / "packet too big" from the underlay both carry the path MTU
 * towards the destination the error is about.
 */
static void
dp_sock_errqueue(struct usock *s)
{
	struct sockaddr_storage		 ss;
	struct sock_extended_err	*ee;
	struct cmsghdr			*cm;
	struct msghdr			 msg;
	struct iovec			 iov;
	struct addr			 dst;
	struct peer			*p;
	uint8_t				 data[64];
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[512];
	} ctl;
	int				 i;

	for (i = 0; i < DP_BATCH; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = data;
		iov.iov_len = sizeof(data);
		msg.msg_name = &ss;
		msg.msg_namelen = sizeof(ss);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		if (recvmsg(s->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) == -1)
			return;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (!((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR) ||
			    (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_RECVERR)))
				continue;
			ee = (struct sock_extended_err *)CMSG_DATA(cm);
			if (ee->ee_errno != EMSGSIZE ||
			    !addr_from_sa((struct sockaddr *)&ss, &dst, NULL))
				continue;
			if ((p = dp_peer_by_remote(s, &dst)) != NULL)
				peer_set_pmtu(p, ee->ee_info);
		}
	}
}

/* A lowered path MTU is tried again after a while (RFC 1191 5). */
static void
dp_pmtu_age(struct peer *p)
{
	if (p->pmtu < p->mtu &&
	    ev_now(dp_loop) - p->pmtu_lowered > PEER_PMTU_AGE)
		peer_set_pmtu(p, p->mtu);
}

/* --- outbound --------------------------------------------------------- */

static void
dp_drop(struct dp_stats *st, enum dp_drop why)
{
	st->drops[why]++;
}

static void
dp_tx_flush(struct peer *p)
{
	unsigned int	i, sent = 0;
	int		n;

	for (i = 0; i < ntx; i++) {
		txiov[i].iov_base = txp[i]->data;
		txiov[i].iov_len = txp[i]->len;
		memset(&txmsg[i], 0, sizeof(txmsg[i]));
		txmsg[i].msg_hdr.msg_name = &p->dst;
		txmsg[i].msg_hdr.msg_namelen = p->dstlen;
		txmsg[i].msg_hdr.msg_iov = &txiov[i];
		txmsg[i].msg_hdr.msg_iovlen = 1;
	}
	while (sent < ntx) {
		n = sendmmsg(p->sock->fd, txmsg + sent, ntx - sent, 0);
		if (n > 0) {
			for (i = sent; i < sent + (unsigned int)n; i++) {
				p->stats.tx_packets++;
				p->stats.tx_bytes += txinner[i];
			}
			sent += (unsigned int)n;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EMSGSIZE) {
			dp_sock_errqueue(p->sock);
			dp_drop(&p->stats, DROP_MTU);
			sent++;
		} else {
			log_rl(&p->rl, "tunnel %s: send: %s", p->conf.name,
			    strerror(errno));
			p->stats.tx_errors++;
			sent++;
		}
	}
	ntx = 0;
}

static struct pkt *
dp_tx_slot(struct peer *p)
{
	if (ntx == DP_BATCH)
		dp_tx_flush(p);
	pkt_reset(txp[ntx]);
	return txp[ntx];
}

/* GRE, then ESP, in place in the current slot; queued on success. */
static void
dp_seal(struct peer *p, struct pkt *pk, sa_family_t af)
{
	size_t		inner = pk->len;
	enum esp_result	r;

	if (gre_encap(pk, ip_gre_proto(af), p->conf.gre_key_set,
	    p->conf.gre_key) == -1) {
		dp_drop(&p->stats, DROP_MALFORMED);
		return;
	}
	if (p->sa_out != NULL && p->sa_out->tunnel &&
	    tmode_encap(pk, &p->conf.local, &p->conf.remote) == -1) {
		dp_drop(&p->stats, DROP_MALFORMED);
		return;
	}
	if ((r = esp_seal(p->sa_out, pk, p->sa_out != NULL &&
	    p->sa_out->tunnel ? tmode_nh(p->conf.local.af) : IPPROTO_GRE_)) !=
	    ESP_OK) {
		log_rl(&p->rl, "tunnel %s: %s", p->conf.name,
		    esp_result_str(r));
		dp_drop(&p->stats, DROP_NOSA);
		return;
	}
	txinner[ntx++] = inner;
}

static int
dp_frag_cb(const uint8_t *frag, size_t len, void *arg)
{
	struct peer	*p = arg;
	struct pkt	*pk = dp_tx_slot(p);

	memcpy(pkt_put(pk, len), frag, len);
	dp_seal(p, pk, AF_INET);
	return 0;
}

static void
dp_icmp_too_big(struct peer *p, const struct pkt *pk)
{
	uint8_t		icmp[IP6_ICMP_MAX];
	size_t		len;
	ev_tstamp	now = ev_now(dp_loop);

	if ((ev_tstamp)(long long)now != p->icmp_sec) {
		p->icmp_sec = (ev_tstamp)(long long)now;
		p->icmp_count = 0;
	}
	if (p->icmp_count++ >= ICMP_PER_SEC)
		return;
	len = ip_too_big(pk->data, pk->len, p->inner_mtu, icmp, sizeof(icmp));
	if (len > 0 && write(p->tun_fd, icmp, len) == -1)
		log_rl(&p->rl, "tunnel %s: ICMP to sender: %s", p->conf.name,
		    strerror(errno));
}

/*
 * An inner packet larger than the tunnel's path allows: IPv4 without DF
 * is fragmented (as a router would), anything else is dropped with an
 * ICMP "fragmentation needed" / "packet too big" to its sender.
 */
static void
dp_too_big(struct peer *p, struct pkt *pk, const struct ip_info *ip)
{
	size_t	len = pk->len;

	if (ip->af == AF_INET && !ip->df) {
		memcpy(scratch, pk->data, len);
		if (ip4_fragment(scratch, len, p->inner_mtu, dp_frag_cb, p) == 0)
			return;
	}
	dp_drop(&p->stats, DROP_MTU);
	dp_icmp_too_big(p, pk);
}

static void
dp_output(struct peer *p, struct pkt *pk)
{
	struct ip_info	ip;

	if (!p->up || p->sa_out == NULL) {
		dp_drop(&p->stats, DROP_NOSA);	/* fail closed */
		return;
	}
	if (ip_parse(pk->data, pk->len, &ip) == -1) {
		dp_drop(&p->stats, DROP_MALFORMED);
		return;
	}
	dp_pmtu_age(p);
	if (pk->len > p->inner_mtu) {
		dp_too_big(p, pk, &ip);
		return;
	}
	dp_seal(p, pk, ip.af);
}

void
dp_tun_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct peer	*p = w->data;
	struct pkt	*pk;
	ssize_t		 n;
	unsigned int	 i;

	for (i = 0; i < DP_BATCH; i++) {
		pk = dp_tx_slot(p);
		n = read(p->tun_fd, pk->data, PKT_MAX);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_rl(&p->rl, "tunnel %s: read %s: %s",
				    p->conf.name, p->ifname, strerror(errno));
			break;
		}
		pk->len = (size_t)n;
		dp_output(p, pk);
	}
	dp_tx_flush(p);
}

/*
 * An inner packet overlayd makes itself (a keepalive, live.c): it goes out
 * while the tunnel is down too, so that the tunnel can come up, but never
 * without an outbound SA.
 */
int
dp_send_inner(struct peer *p, const uint8_t *data, size_t len)
{
	struct pkt	*pk;

	if (p->sa_out == NULL || len == 0 || len > p->inner_mtu)
		return -1;
	pk = dp_tx_slot(p);
	memcpy(pkt_put(pk, len), data, len);
	dp_seal(p, pk, data[0] >> 4 == 4 ? AF_INET : AF_INET6);
	dp_tx_flush(p);
	return 0;
}

/* --- inbound ---------------------------------------------------------- */

/* Raw IPv4 sockets hand over the outer header; IPv6 and UDP do not. */
static int
dp_strip_outer(const struct usock *s, struct pkt *pk)
{
	size_t	ihl;

	if (s->encap != ENCAP_ESP || s->local.af != AF_INET)
		return 0;
	if (pk->len < IP4_HDR_MIN)
		return -1;
	ihl = (size_t)(pk->data[0] & 0x0f) * 4;
	if (ihl < IP4_HDR_MIN)
		return -1;
	return pkt_pull(pk, ihl);
}

/*
 * UDP 4500 also carries NAT keepalives and IKE after the non-ESP marker
 * (RFC 3948 2.2): IKE's to read (ike_sock.c).
 */
static bool
dp_udp_not_esp(const struct usock *s, const struct pkt *pk,
    const struct sockaddr *from)
{
	struct sockaddr_storage	local, remote;

	if (s->encap != ENCAP_UDP)
		return false;
	memset(&remote, 0, sizeof(remote));
	memcpy(&remote, from, s->local.af == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	(void)addr_to_sa(&s->local, CONF_ESP_UDP_PORT, &local);
	return ike_natt_rx(pk->data, pk->len, &local, &remote);
}

static void
dp_deliver(struct peer *p, struct pkt *pk)
{
	struct ip_info	ip;
	uint16_t	proto;

	if (gre_decap(pk, p->conf.gre_key_set, p->conf.gre_key,
	    &proto) != GRE_OK ||
	    ip_parse(pk->data, pk->len, &ip) == -1 ||
	    ip_gre_proto(ip.af) != proto) {
		dp_drop(&p->stats, DROP_MALFORMED);
		return;
	}
	live_rx(p);	/* authenticated: proof of life */
	if (live_input(p, pk->data, pk->len, &ip)) {
		p->stats.rx_packets++;
		p->stats.rx_bytes += pk->len;
		return;
	}
	if (write(p->tun_fd, pk->data, pk->len) == -1) {
		p->stats.rx_errors++;
		return;
	}
	p->stats.rx_packets++;
	p->stats.rx_bytes += pk->len;
}

static in_port_t
dp_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_port;
	return ((const struct sockaddr_in6 *)sa)->sin6_port;
}

static void
dp_input(struct usock *s, struct pkt *pk, const struct sockaddr *from)
{
	struct sa_entry	*e;
	struct addr	 src;
	char		 a[ADDR_STRLEN];
	uint32_t	 spi, seql;
	uint8_t		 nh;
	enum esp_result	 r;

	if (dp_strip_outer(s, pk) == -1 || !addr_from_sa(from, &src, NULL)) {
		dp_drop(&dp_global, DROP_MALFORMED);
		return;
	}
	if (dp_udp_not_esp(s, pk, from))
		return;
	if (esp_peek(pk->data, pk->len, &spi, &seql) == -1) {
		dp_drop(&dp_global, DROP_MALFORMED);
		return;
	}
	if ((e = spi_lookup(spi)) == NULL) {
		log_rl(&dp_rl, "ESP from %s: unknown SPI 0x%08x",
		    addr_fmt(&src, a, sizeof(a)), spi);
		dp_drop(&dp_global, DROP_NOSA);
		return;
	}
	if (!addr_eq(&src, &e->peer->conf.remote)) {
		log_rl(&dp_rl, "ESP from %s: SPI 0x%08x belongs to %s",
		    addr_fmt(&src, a, sizeof(a)), spi, e->peer->conf.name);
		dp_drop(&dp_global, DROP_NOSA);
		return;
	}
	switch ((r = esp_open(&e->sa, pk, &nh))) {
	case ESP_OK:
		break;
	case ESP_REPLAY:
		dp_drop(&e->peer->stats, DROP_REPLAY);
		return;
	case ESP_AUTH:
		log_rl(&e->peer->rl, "tunnel %s: SPI 0x%08x seq %u: %s",
		    e->peer->conf.name, spi, seql, esp_result_str(r));
		dp_drop(&e->peer->stats, DROP_AUTH);
		return;
	default:
		dp_drop(&e->peer->stats, DROP_MALFORMED);
		return;
	}
	/* tunnel mode: exactly GRE between the SA's two outer addresses */
	if (e->sa.tunnel ? tmode_decap(pk, nh, &e->peer->conf.remote,
	    &e->peer->conf.local) == -1 : nh != IPPROTO_GRE_) {
		dp_drop(&e->peer->stats, DROP_MALFORMED);
		return;
	}
	if (s->encap == ENCAP_UDP && e->peer->ike != NULL &&
	    dp_port(from) != dp_port((struct sockaddr *)&e->peer->dst))
		ike_peer_esp_moved(e->peer, from);
	dp_deliver(e->peer, pk);
}

void
dp_sock_rx(struct usock *s)
{
	int		n, i;

	for (i = 0; i < DP_BATCH; i++) {
		pkt_reset(rxp[i]);
		rxiov[i].iov_base = rxp[i]->data;
		rxiov[i].iov_len = PKT_MAX;
		memset(&rxmsg[i], 0, sizeof(rxmsg[i]));
		rxmsg[i].msg_hdr.msg_name = &rxfrom[i];
		rxmsg[i].msg_hdr.msg_namelen = sizeof(rxfrom[i]);
		rxmsg[i].msg_hdr.msg_iov = &rxiov[i];
		rxmsg[i].msg_hdr.msg_iovlen = 1;
	}
	if ((n = recvmmsg(s->fd, rxmsg, DP_BATCH, MSG_DONTWAIT, NULL)) == -1) {
		/* pending ICMP errors surface here; the queue must drain */
		dp_sock_errqueue(s);
		return;
	}
	for (i = 0; i < n; i++) {
		rxp[i]->len = rxmsg[i].msg_len;
		if (rxmsg[i].msg_hdr.msg_flags & MSG_TRUNC) {
			dp_drop(&dp_global, DROP_MALFORMED);
			continue;
		}
		dp_input(s, rxp[i], (struct sockaddr *)&rxfrom[i]);
	}
}
