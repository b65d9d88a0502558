/*
 * peer.h: one tunnel to one peer: its TUN, its underlay socket, its SAs,
 * its path MTU and its counters. Created from and reconciled against the
 * configuration.
 */
#ifndef OVL_PEER_H
#define OVL_PEER_H

#include <sys/queue.h>
#include <net/if.h>
#include <stdbool.h>

#include <ev.h>

#include "conf.h"
#include "dp.h"
#include "esp.h"
#include "log.h"

#define PEER_SA_IN_MAX	4	/* old and new during a rekey, collisions */
#define PEER_PMTU_AGE	600.0	/* seconds before a lowered PMTU is retried */

struct sa_entry;
struct kdp_peer;
struct live;
struct ike_peer;

struct peer {
	TAILQ_ENTRY(peer)	 entry;
	struct peer_conf	 conf;
	char			 ifname[IFNAMSIZ];
	int			 tun_fd;
	ev_io			 tun_ev;
	struct usock		*sock;
	struct sockaddr_storage	 dst;
	socklen_t		 dstlen;
	struct esp_sa		*sa_out;
	struct sa_entry		*sa_in[PEER_SA_IN_MAX];
	uint32_t		 mtu;		/* configured underlay MTU */
	uint32_t		 pmtu;		/* current underlay path MTU */
	uint32_t		 inner_mtu;	/* largest inner packet */
	ev_tstamp		 pmtu_lowered;
	ev_tstamp		 icmp_sec;
	unsigned int		 icmp_count;
	bool			 up;
	struct live		*live;		/* keepalives, live.c */
	struct dp_stats		 stats;
	struct log_rl		 rl;
	struct kdp_peer		*kdp;		/* kernel data plane, or NULL */
	struct ike_peer		*ike;		/* IKE keying (ike.c), or NULL */
};
TAILQ_HEAD(peer_head, peer);

void		 peer_init(struct ev_loop *);
int		 peers_apply(const struct ovl_conf *);	/* create / reconcile */
void		 peers_clear(void);
struct peer_head *peers(void);
struct peer	*peer_find(const char *name);
void		 peer_set_pmtu(struct peer *, uint32_t);
enum conf_encap	 peer_encap(const struct peer *);
bool		 peer_tunnel_mode(const struct peer *);
void		 peer_mtu_refresh(struct peer *);
int		 peer_set_encap(struct peer *, enum conf_encap,
		    const struct sockaddr_storage *);
void		 peer_update_state(struct peer *);
int		 peer_addrs_add(struct peer *);
const char	*peer_state_str(const struct peer *);

#endif
