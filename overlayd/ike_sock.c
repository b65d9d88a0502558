/*
 * ike_sock.c: the IKE sockets, UDP port 500 on the wildcard addresses of
 * both families, opened with the first IKE peer (while still privileged)
 * and kept until shutdown. The local address of each datagram comes from
 * IP_PKTINFO / IPV6_PKTINFO, and replies leave from it.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ike_sa.h"
#include "log.h"

struct ike_sock {
	int	fd;
	int	af;
	ev_io	ev;
};

static struct ike_sock	ike_socks[2] = { { .fd = -1 }, { .fd = -1 } };
static uint8_t		ike_rxbuf[IKE_MSG_MAX];

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
				sin->sin_port = htons(IKE_PORT);
			} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo	 pi;
				struct sockaddr_in6	*sin6 = (void *)&to;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				sin6->sin6_family = AF_INET6;
				sin6->sin6_addr = pi.ipi6_addr;
				sin6->sin6_port = htons(IKE_PORT);
			}
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
ike_sock_open1(struct ike_sock *s, int af)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (void *)&ss;
	struct sockaddr_in6	*sin6 = (void *)&ss;
	socklen_t		 len;
	int			 one = 1;

	memset(&ss, 0, sizeof(ss));
	if ((s->fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_UDP)) == -1)
		return -1;
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(IKE_PORT);
		len = sizeof(*sin);
		if (setsockopt(s->fd, IPPROTO_IP, IP_PKTINFO, &one,
		    sizeof(one)) == -1)
			goto fail;
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(IKE_PORT);
		len = sizeof(*sin6);
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one)) == -1 ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
		    sizeof(one)) == -1)
			goto fail;
	}
	if (bind(s->fd, (struct sockaddr *)&ss, len) == -1)
		goto fail;
	s->af = af;
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
ike_sock_warn(const char *af)
{
	if (errno == EACCES)	/* privileges dropped: a reload added IKE */
		log_warnx("IKE: cannot bind UDP port %d (%s) without "
		    "privileges: restart overlayd for the first IKE peer", IKE_PORT,
		    af);
	else
		log_warn("IKE: UDP port %d (%s)", IKE_PORT, af);
}

int
ike_sock_open(void)
{
	if (ike_socks[0].fd == -1 && ike_sock_open1(&ike_socks[0],
	    AF_INET) == -1) {
		ike_sock_warn("IPv4");
		return -1;
	}
	if (ike_socks[1].fd == -1 && ike_sock_open1(&ike_socks[1],
	    AF_INET6) == -1) {
		if (errno == EAFNOSUPPORT)	/* a host without IPv6 */
			return 0;
		ike_sock_warn("IPv6");
		return -1;
	}
	return 0;
}

void
ike_sock_close(void)
{
	int	i;

	for (i = 0; i < 2; i++) {
		if (ike_socks[i].fd == -1)
			continue;
		ev_io_stop(ike_loop, &ike_socks[i].ev);
		close(ike_socks[i].fd);
		ike_socks[i].fd = -1;
	}
}

int
ike_sock_send(const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, const uint8_t *buf, size_t len)
{
	struct ike_sock	*s = &ike_socks[remote->ss_family == AF_INET ? 0 : 1];
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
	ike_st.tx++;
	return 0;
}
