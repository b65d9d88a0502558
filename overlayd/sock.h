/*
 * sock.h: underlay sockets, one per (local address, encapsulation):
 * raw IP protocol 50 for ESP, UDP port 4500 for ESP-in-UDP (RFC 3948).
 * Shared by the peers that use them, reference counted.
 */
#ifndef OVL_SOCK_H
#define OVL_SOCK_H

#include <sys/queue.h>

#include <ev.h>

#include "addr.h"
#include "conf.h"

struct usock {
	TAILQ_ENTRY(usock)	 entry;
	struct addr		 local;
	enum conf_encap		 encap;
	int			 fd;
	ev_io			 ev;
	unsigned int		 refs;
};

typedef void (*sock_rx_cb)(struct usock *);

void		 sock_init(struct ev_loop *, sock_rx_cb);
struct usock	*sock_get(const struct addr *, enum conf_encap);
void		 sock_put(struct usock *);
size_t		 sock_ip_hdrlen(const struct usock *);	/* outer IP header */
size_t		 sock_encap_len(const struct usock *);	/* UDP header */

#endif
