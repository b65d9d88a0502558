/*
 * sock.c: opening and sharing the underlay sockets.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sock.h"

#define SOCK_BUFSIZE	(4 * 1024 * 1024)

static TAILQ_HEAD(, usock)	 socks = TAILQ_HEAD_INITIALIZER(socks);
static struct ev_loop		*sock_loop;
static sock_rx_cb		 sock_rx;

static void
sock_ev_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	sock_rx(w->data);
}

void
sock_init(struct ev_loop *loop, sock_rx_cb cb)
{
	sock_loop = loop;
	sock_rx = cb;
}

/*
 * Outer packets carry DF and report path MTU changes on the error queue
 * (IP_RECVERR), which is how overlayd learns the underlay's path MTU.
 */
static int
sock_setopts(int fd, sa_family_t af, enum conf_encap encap)
{
	int	one = 1, buf = SOCK_BUFSIZE, pmtu;

	/* UDP 4500 is shared with IKE's wildcard socket (ike_sock.c) */
	if (encap == ENCAP_UDP && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &one, sizeof(one)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (af == AF_INET) {
		pmtu = IP_PMTUDISC_DO;
		if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
		    sizeof(pmtu)) == -1 ||
		    setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one,
		    sizeof(one)) == -1)
			return -1;
		return 0;
	}
	pmtu = IPV6_PMTUDISC_DO;
	if (encap == ENCAP_UDP && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &one, sizeof(one)) == -1)
		return -1;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu,
	    sizeof(pmtu)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one)) == -1)
		return -1;
	return 0;
}

static int
sock_open(const struct addr *local, enum conf_encap encap)
{
	struct sockaddr_storage	ss;
	socklen_t		sslen;
	int			fd, type, proto;
	uint16_t		port;

	type = encap == ENCAP_UDP ? SOCK_DGRAM : SOCK_RAW;
	proto = encap == ENCAP_UDP ? IPPROTO_UDP : IPPROTO_ESP;
	port = encap == ENCAP_UDP ? CONF_ESP_UDP_PORT : 0;
	if ((fd = socket(local->af, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    proto)) == -1)
		return -1;
	sslen = addr_to_sa(local, port, &ss);
	if (sock_setopts(fd, local->af, encap) == -1 ||
	    bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

struct usock *
sock_get(const struct addr *local, enum conf_encap encap)
{
	struct usock	*s;
	char		 a[ADDR_STRLEN];

	TAILQ_FOREACH(s, &socks, entry) {
		if (s->encap == encap && addr_eq(&s->local, local)) {
			s->refs++;
			return s;
		}
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->fd = sock_open(local, encap)) == -1) {
		log_warn("%s socket on %s",
		    encap == ENCAP_UDP ? "UDP 4500" : "raw ESP",
		    addr_fmt(local, a, sizeof(a)));
		free(s);
		return NULL;
	}
	s->local = *local;
	s->encap = encap;
	s->refs = 1;
	ev_io_init(&s->ev, sock_ev_cb, s->fd, EV_READ);
	s->ev.data = s;
	ev_io_start(sock_loop, &s->ev);
	TAILQ_INSERT_TAIL(&socks, s, entry);
	log_debug("opened %s socket on %s",
	    encap == ENCAP_UDP ? "UDP 4500" : "raw ESP",
	    addr_fmt(local, a, sizeof(a)));
	return s;
}

void
sock_put(struct usock *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	ev_io_stop(sock_loop, &s->ev);
	close(s->fd);
	TAILQ_REMOVE(&socks, s, entry);
	free(s);
}

size_t
sock_ip_hdrlen(const struct usock *s)
{
	return s->local.af == AF_INET ? 20 : 40;
}

size_t
sock_encap_len(const struct usock *s)
{
	return s->encap == ENCAP_UDP ? 8 : 0;
}
