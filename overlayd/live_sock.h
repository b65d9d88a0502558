/*
 * live_sock.h: the keepalive transport of tunnels on the kernel data
 * plane (kdp.h). There the kernel carries the inner packets, so a BFD
 * session (live.c) runs over two ordinary UDP sockets bound to the
 * tunnel's GRE device and inner address, as RFC 5881 describes it: one
 * receiving on port 3784, one sending from a port in 49152-65535 with TTL
 * / hop limit 255. On the wire this is the packet live_encap() builds for
 * the userspace data plane, so either end may run either data plane.
 */
#ifndef OVL_LIVE_SOCK_H
#define OVL_LIVE_SOCK_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "addr.h"
#include "live.h"

struct lsock;

/* A datagram from the receive socket: LIVE_BFD with its payload, or why not. */
typedef void	(*lsock_cb)(void *arg, enum live_udp, const uint8_t *,
		    size_t);

struct lsock	*lsock_open(struct ev_loop *, const char *ifname,
		    const struct addr *local, const struct addr *remote,
		    lsock_cb, void *arg);
uint16_t	 lsock_sport(const struct lsock *);
int		 lsock_send(struct lsock *, const uint8_t *, size_t);
void		 lsock_close(struct lsock *);

/* Pure, for the tests: what recvmsg() returned, judged. */
int		 lsock_msg_ttl(struct msghdr *);	/* -1: not there */
enum live_udp	 lsock_check(const struct sockaddr *, socklen_t, int ttl,
		    const struct addr *remote);

#endif
