/*
 * ike.h: IKEv2 keying of tunnels, as the rest of overlayd sees it. A peer
 * with `ike` in overlayd.conf(5) gets its ESP SAs from an IKE SA (RFC
 * 7296) authenticated with mesh certificates instead of from manual keys.
 */
#ifndef OVL_IKE_H
#define OVL_IKE_H

#include <stdint.h>

#include <ev.h>
#include <jansson.h>

struct peer;

struct ike_stats {
	uint64_t	rx;		/* datagrams received on port 500 */
	uint64_t	tx;
	uint64_t	rx_dropped;	/* malformed, unknown SA, bad ICV, ... */
	uint64_t	rx_unknown_peer;
	uint64_t	auth_failed;	/* peers we refused, or that refused us */
	uint64_t	established;
	uint64_t	cookies_sent;	/* IKE_SA_INIT answered with a COOKIE */
};

void		 ike_init(struct ev_loop *);
void		 ike_shutdown(void);
int		 ike_peer_start(struct peer *);
void		 ike_peer_stop(struct peer *);	/* DELETE to the peer */
void		 ike_peer_reload(struct peer *);	/* credentials again */
const struct ike_stats *ike_stats(void);
json_t		*ike_json(void);	/* show ike, ike_ctl.c */

#endif
