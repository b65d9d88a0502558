/*
 * ike_sock.c: the IKE sockets, UDP ports 500 and 4500 on the wildcard
 * addresses of both families, opened with the first IKE peer (while still
 * privileged) and kept until shutdown. The local address of each datagram
 * comes from IP_PKTINFO / IPV6_PKTINFO, and replies leave from it.
 *
 * On port 4500 (RFC 7296 2.23, RFC 3948 2.2) an IKE message follows a
 * non-ESP marker of four zero octets; anything else there is ESP in UDP
 * or a NAT keepalive. The data plane's ESP-in-UDP sockets (`encap udp`)
 * are bound to the tunnel's own address and port 4500 and so take the
 * datagrams to that address (the kernel prefers the more specific bind;
 * both sides set SO_REUSEADDR): they hand IKE to ike_natt_rx(). The
 * wildcard socket here takes IKE on 4500 to any other address, and drops
 * what is not IKE. Both go through ike_natt_rx(), the one place that
 * reads the marker.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ike_sa.h"
#include "log.h"

/*
 * The receive buffer of the IKE sockets.  The daemon reads one datagram
 * at a time between the exchanges it works on; when hundreds of peers
 * start at once (bench/ike: 200), the default buffer of about 200 KB
 * dropped about half of their IKE_SA_INIT requests, each then waiting
 * for its 0.5 s retransmission.
 */
#define IKE_SOCK_RCVBUF	(4 << 20)

struct ike_sock {
	int		fd;
	int		af;
	uint16_t	port;
	ev_io		ev;
};

/* [0]: port 500, [1]: port 4500; each IPv4, IPv6 */
static struct ike_sock	ike_socks[2][2] = {
	{ { .fd = -1 }, { .fd = -1 } }, { { .fd = -1 }, { .fd = -1 } }
};
static uint8_t		ike_rxbuf[IKE_MSG_MAX + IKE_NATT_MARKER];
static uint8_t		ike_txbuf[IKE_MSG_MAX + IKE_NATT_MARKER];

/*
 * A datagram received on UDP 4500 (by the socket here or by the data
 * plane's): an IKE message after the non-ESP marker is dispatched, a NAT
 * keepalive is counted. Returns false for ESP, which is the caller's.
 */
bool
ike_natt_rx(const uint8_t *buf, size_t len,
    const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote)
{
	static const uint8_t	marker[IKE_NATT_MARKER];

	if (len == 1 && buf[0] == 0xff) {
		ike_st.rx_keepalive++;
		return true;
	}
	if (len < IKE_NATT_MARKER ||
	    memcmp(buf, marker, IKE_NATT_MARKER) != 0)
		return false;
	ike_st.rx++;
	if (ike_loop == NULL || local->ss_family != remote->ss_family) {
		ike_st.rx_dropped++;
		return true;
	}
	ike_rx(buf + IKE_NATT_MARKER, len - IKE_NATT_MARKER, local, remote);
	return true;
}

static void
ike_sock_rx(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ike_sock		*s = w->data;
	struct sockaddr_storage	 from, to;
	struct msghdr		 mh;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < 64; i++) {
		memset(&mh, 0, sizeof(mh));
		memset(&from, 0, sizeof(from));
		memset(&to, 0, sizeof(to));
		iov.iov_base = ike_rxbuf;
		iov.iov_len = sizeof(ike_rxbuf);
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		if ((n = recvmsg(s->fd, &mh, 0)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("IKE socket");
			return;
		}
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL;
		    cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo	 pi;
				struct sockaddr_in	*sin = (void *)&to;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				sin->sin_family = AF_INET;
				sin->sin_addr = pi.ipi_addr;
				sin->sin_port = htons(s->port);
			} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo	 pi;
				struct sockaddr_in6	*sin6 = (void *)&to;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				sin6->sin6_family = AF_INET6;
				sin6->sin6_addr = pi.ipi6_addr;
				sin6->sin6_port = htons(s->port);
			}
		}
		if (s->port == IKE_NATT_PORT) {
			/* ESP to an address without `encap udp`: no SA */
			if (!ike_natt_rx(ike_rxbuf, (size_t)n, &to, &from))
				ike_st.rx_dropped++;
			continue;
		}
		ike_st.rx++;
		if (to.ss_family != from.ss_family) {
			ike_st.rx_dropped++;
			continue;
		}
		ike_rx(ike_rxbuf, (size_t)n, &to, &from);
	}
}

static int
ike_sock_open1(struct ike_sock *s, int af, uint16_t port)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (void *)&ss;
	struct sockaddr_in6	*sin6 = (void *)&ss;
	socklen_t		 len;
	int			 one = 1, rcvbuf = IKE_SOCK_RCVBUF;

	memset(&ss, 0, sizeof(ss));
	if ((s->fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_UDP)) == -1)
		return -1;
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		len = sizeof(*sin);
		if (setsockopt(s->fd, IPPROTO_IP, IP_PKTINFO, &one,
		    sizeof(one)) == -1)
			goto fail;
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		len = sizeof(*sin6);
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one)) == -1 ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
		    sizeof(one)) == -1)
			goto fail;
	}
	/* as root (start) the limit is ours to raise; else up to rmem_max */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	/* shared with the data plane's ESP-in-UDP sockets (sock.c) */
	if (port == IKE_NATT_PORT && setsockopt(s->fd, SOL_SOCKET,
	    SO_REUSEADDR, &one, sizeof(one)) == -1)
		goto fail;
	if (bind(s->fd, (struct sockaddr *)&ss, len) == -1)
		goto fail;
	s->af = af;
	s->port = port;
	ev_io_init(&s->ev, ike_sock_rx, s->fd, EV_READ);
	s->ev.data = s;
	ev_io_start(ike_loop, &s->ev);
	return 0;
 fail:
	close(s->fd);
	s->fd = -1;
	return -1;
}

static void
ike_sock_warn(const char *af, uint16_t port)
{
	if (errno == EACCES)	/* privileges dropped: a reload added IKE */
		log_warnx("IKE: cannot bind UDP port %u (%s) without "
		    "privileges: restart overlayd for the first IKE peer", port,
		    af);
	else
		log_warn("IKE: UDP port %u (%s)", port, af);
}

int
ike_sock_open(void)
{
	static const uint16_t	 ports[2] = { IKE_PORT, IKE_NATT_PORT };
	int			 i;

	for (i = 0; i < 2; i++) {
		if (ike_socks[i][0].fd == -1 && ike_sock_open1(
		    &ike_socks[i][0], AF_INET, ports[i]) == -1) {
			ike_sock_warn("IPv4", ports[i]);
			return -1;
		}
		if (ike_socks[i][1].fd == -1 && ike_sock_open1(
		    &ike_socks[i][1], AF_INET6, ports[i]) == -1) {
			if (errno == EAFNOSUPPORT)	/* no IPv6 here */
				continue;
			ike_sock_warn("IPv6", ports[i]);
			return -1;
		}
	}
	return 0;
}

void
ike_sock_close(void)
{
	int	i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < 2; j++) {
			if (ike_socks[i][j].fd == -1)
				continue;
			ev_io_stop(ike_loop, &ike_socks[i][j].ev);
			close(ike_socks[i][j].fd);
			ike_socks[i][j].fd = -1;
		}
	}
}

uint16_t
ike_sock_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

int
ike_sock_send(const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *buf, size_t len)
{
	bool		 natt = ike_sock_port(local) == IKE_NATT_PORT;
	struct ike_sock	*s = &ike_socks[natt][remote->ss_family == AF_INET ?
			    0 : 1];
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;

	if (s->fd == -1) {
		errno = EBADF;
		return -1;
	}
	memset(&mh, 0, sizeof(mh));
	memset(&cbuf, 0, sizeof(cbuf));
	if (natt && len > 1) {	/* IKE after the non-ESP marker */
		if (len > IKE_MSG_MAX) {
			errno = EMSGSIZE;
			return -1;
		}
		memset(ike_txbuf, 0, IKE_NATT_MARKER);
		memcpy(ike_txbuf + IKE_NATT_MARKER, buf, len);
		buf = ike_txbuf;
		len += IKE_NATT_MARKER;
	}
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	mh.msg_name = (void *)(uintptr_t)remote;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	cm = (struct cmsghdr *)cbuf.buf;
	if (remote->ss_family == AF_INET) {
		struct in_pktinfo	pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((const struct sockaddr_in *)local)->sin_addr;
		mh.msg_namelen = sizeof(struct sockaddr_in);
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo	pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = ((const struct sockaddr_in6 *)local)->sin6_addr;
		mh.msg_namelen = sizeof(struct sockaddr_in6);
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (sendmsg(s->fd, &mh, 0) == -1)
		return -1;
	if (len > 1)		/* not a NAT keepalive */
		ike_st.tx++;
	return 0;
}
