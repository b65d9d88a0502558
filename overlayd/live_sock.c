/*
 * live_sock.c: BFD over UDP sockets on a kernel data plane tunnel.
 *
 * Both sockets are bound to the GRE device (SO_BINDTODEVICE, which needs
 * CAP_NET_RAW on older kernels: overlayd keeps it after the privilege
 * drop, so tunnels added on a reload get their sockets too) and to the
 * tunnel's inner address. The device binding is what makes a keepalive
 * proof that the tunnel works: the XFRM policy lets only ESP-protected
 * GRE onto the device, while a clear-text packet to the inner address
 * from the underlay would reach a socket bound to the address alone.
 * Binding to the device also lets tunnels share an inner address.
 *
 * The receive socket takes port 3784 and asks for each datagram's TTL or
 * hop limit; lsock_check() refuses what is not 255 or not from the
 * peer's inner address, as live_decap() does on the userspace data plane.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bfd.h"
#include "live_sock.h"
#include "log.h"

#define LSOCK_TOS	0xc0	/* CS6, network control, as live_encap() */
#define LSOCK_BIND_TRIES 32	/* random source ports before giving up */
#define LSOCK_RX_BURST	16	/* datagrams per wakeup */
#define LSOCK_BUF	512	/* BFD's Length is 8 bits: 255 at most */

struct lsock {
	ev_io		 rx_ev;
	int		 tx_fd;
	struct ev_loop	*loop;
	char		 ifname[IFNAMSIZ];
	unsigned int	 ifindex;
	struct addr	 remote;
	uint16_t	 sport;
	struct sockaddr_storage dst;
	socklen_t	 dstlen;
	lsock_cb	 cb;
	void		*arg;
	struct log_rl	 rl;
};

/* A sockaddr for `a` and `port`, scoped to the device when link-local. */
static socklen_t
lsock_sa(const struct addr *a, uint16_t port, unsigned int ifindex,
    struct sockaddr_storage *ss)
{
	socklen_t		 len = addr_to_sa(a, port, ss);
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	if (a->af == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->u.v6))
		sin6->sin6_scope_id = ifindex;
	return len;
}

/* A UDP socket on the device, TTL / hop limit 255, not yet bound. */
static int
lsock_socket(const char *ifname, int af, bool rx)
{
	int	fd, one = 1, ttl = BFD_TTL, tos = LSOCK_TOS;
	int	v4 = af == AF_INET;

	fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_UDP);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
	    (socklen_t)strlen(ifname) + 1) == -1 ||
	    setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one)) == -1 ||
	    (!v4 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
	    sizeof(one)) == -1))
		goto fail;
	if (rx ? setsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6,
	    v4 ? IP_RECVTTL : IPV6_RECVHOPLIMIT, &one, sizeof(one)) == -1 :
	    (setsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6,
	    v4 ? IP_TTL : IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) == -1 ||
	    setsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6,
	    v4 ? IP_TOS : IPV6_TCLASS, &tos, sizeof(tos)) == -1))
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* The sending socket, from a random port in 49152-65535 (RFC 5881 4). */
static int
lsock_tx_open(struct lsock *s, const char *ifname, const struct addr *local)
{
	struct sockaddr_storage	ss;
	socklen_t		sslen;
	unsigned int		i;
	int			fd;

	if ((fd = lsock_socket(ifname, local->af, false)) == -1)
		return -1;
	for (i = 0; i < LSOCK_BIND_TRIES; i++) {
		s->sport = (uint16_t)(BFD_SPORT_MIN + arc4random_uniform(16384));
		sslen = lsock_sa(local, s->sport, s->ifindex, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sslen) == 0) {
			s->tx_fd = fd;
			return 0;
		}
		if (errno != EADDRINUSE)
			break;
	}
	close(fd);
	return -1;
}

static int
lsock_rx_open(struct lsock *s, const char *ifname, const struct addr *local)
{
	struct sockaddr_storage	ss;
	socklen_t		sslen;
	int			fd;

	if ((fd = lsock_socket(ifname, local->af, true)) == -1)
		return -1;
	sslen = lsock_sa(local, BFD_PORT, s->ifindex, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		close(fd);
		return -1;
	}
	ev_io_set(&s->rx_ev, fd, EV_READ);
	return 0;
}

/* The TTL (IPv4) or hop limit (IPv6) the kernel attached, or -1. */
int
lsock_msg_ttl(struct msghdr *msg)
{
	struct cmsghdr	*c;
	int		 ttl;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (!((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_HOPLIMIT)))
			continue;
		if (c->cmsg_len < CMSG_LEN(sizeof(ttl)))
			return -1;
		memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
		return ttl >= 0 && ttl <= 255 ? ttl : -1;
	}
	return -1;
}

/* RFC 5881 5 and the source check, in live_decap()'s order. */
enum live_udp
lsock_check(const struct sockaddr *from, socklen_t fromlen, int ttl,
    const struct addr *remote)
{
	struct addr	a;
	uint16_t	port;

	if (ttl != BFD_TTL)
		return LIVE_BAD_TTL;
	if ((from->sa_family == AF_INET &&
	    fromlen < sizeof(struct sockaddr_in)) ||
	    (from->sa_family == AF_INET6 &&
	    fromlen < sizeof(struct sockaddr_in6)) ||
	    !addr_from_sa(from, &a, &port) || !addr_eq(&a, remote))
		return LIVE_BAD_SRC;
	return LIVE_BFD;
}

static void
lsock_rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lsock		*s = w->data;
	struct sockaddr_storage	 from;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(int)) * 2];
	}			 cbuf;
	uint8_t			 buf[LSOCK_BUF];
	struct iovec		 iov;
	struct msghdr		 msg;
	ssize_t			 n;
	unsigned int		 i;

	for (i = 0; i < LSOCK_RX_BURST; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		if ((n = recvmsg(w->fd, &msg, 0)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_rl(&s->rl, "%s: keepalive socket: %s",
				    s->ifname, strerror(errno));
			return;
		}
		s->cb(s->arg, lsock_check((struct sockaddr *)&from,
		    msg.msg_namelen, lsock_msg_ttl(&msg), &s->remote), buf,
		    (size_t)n);
	}
}

/*
 * Opens both sockets on `ifname` between the inner addresses and starts
 * receiving: every datagram to local port 3784 goes to `cb`.
 */
struct lsock *
lsock_open(struct ev_loop *loop, const char *ifname, const struct addr *local,
    const struct addr *remote, lsock_cb cb, void *arg)
{
	struct lsock	*s;
	int		 saved;

	if (local->af != remote->af || !addr_is_set(local)) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(ifname) >= sizeof(s->ifname)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	memcpy(s->ifname, ifname, strlen(ifname) + 1);
	s->loop = loop;
	s->tx_fd = -1;
	s->remote = *remote;
	s->cb = cb;
	s->arg = arg;
	ev_init(&s->rx_ev, lsock_rx_cb);
	s->rx_ev.fd = -1;
	s->rx_ev.data = s;
	if ((s->ifindex = if_nametoindex(ifname)) == 0 ||
	    lsock_rx_open(s, ifname, local) == -1 ||
	    lsock_tx_open(s, ifname, local) == -1) {
		saved = errno;
		lsock_close(s);
		errno = saved;
		return NULL;
	}
	s->dstlen = lsock_sa(remote, BFD_PORT, s->ifindex, &s->dst);
	ev_io_start(loop, &s->rx_ev);
	return s;
}

uint16_t
lsock_sport(const struct lsock *s)
{
	return s->sport;
}

int
lsock_send(struct lsock *s, const uint8_t *data, size_t len)
{
	if (sendto(s->tx_fd, data, len, 0, (struct sockaddr *)&s->dst,
	    s->dstlen) == -1) {
		/* e.g. no route while the underlay is down: BFD notices */
		log_rl(&s->rl, "%s: keepalive send: %s", s->ifname,
		    strerror(errno));
		return -1;
	}
	return 0;
}

void
lsock_close(struct lsock *s)
{
	if (s == NULL)
		return;
	ev_io_stop(s->loop, &s->rx_ev);
	if (s->rx_ev.fd != -1)
		close(s->rx_ev.fd);
	if (s->tx_fd != -1)
		close(s->tx_fd);
	free(s);
}
