/*
 * ike.h: IKEv2 keying of tunnels, as the rest of overlayd sees it. A peer
 * with `ike` in overlayd.conf(5) gets its ESP SAs from an IKE SA (RFC
 * 7296) authenticated with mesh certificates instead of from manual keys.
 */
#ifndef OVL_IKE_H
#define OVL_IKE_H

#include <sys/socket.h>
#include <stdbool.h>
#include <stdint.h>

#include <ev.h>
#include <jansson.h>

struct peer;

struct ike_stats {
	uint64_t	rx;		/* IKE messages received (500, 4500) */
	uint64_t	tx;
	uint64_t	rx_dropped;	/* malformed, unknown SA, bad ICV, ... */
	uint64_t	rx_unknown_peer;
	uint64_t	auth_failed;	/* peers we refused, or that refused us */
	uint64_t	established;
	uint64_t	cookies_sent;	/* IKE_SA_INIT answered with a COOKIE */
	uint64_t	rx_keepalive;	/* NAT keepalives (RFC 3948) */
	uint64_t	frag_tx;	/* SKF fragments sent (RFC 7383) */
	uint64_t	frag_rx;	/* SKF fragments kept for reassembly */
	uint64_t	frag_reassembled;	/* messages put together */
	uint64_t	frag_dropped;	/* bad, duplicate, out of range, stale */
	uint64_t	halfopen_dropped; /* IKE_SA_INIT over a source's limit */
	uint64_t	cookie_rotations; /* new COOKIE secrets */
	uint64_t	ike_rekeys;	/* IKE SAs rekeyed, either end asking */
	uint64_t	child_rekeys;	/* CHILD_SAs rekeyed */
	uint64_t	chains_verified; /* peer chains verified in full */
	uint64_t	chains_cached;	/* the same chain again, still valid */
};

void		 ike_init(struct ev_loop *);
void		 ike_shutdown(void);
/*
 * Before each (re)configuration of the peers: `ike cookie-threshold`,
 * `ike half-open-limit` (0: none); credential files are read again (once
 * for all the peers that share them). ike_cookie.c
 */
void		 ike_configure(unsigned int cookie_threshold,
		    unsigned int halfopen_per_source);
/* `ike cert-cache`: keep verified chains (from the next configuration) */
void		 ike_cert_cache(bool on);
int		 ike_peer_start(struct peer *);
void		 ike_peer_stop(struct peer *);	/* DELETE to the peer */
void		 ike_peer_reload(struct peer *);	/* credentials again */
const struct ike_stats *ike_stats(void);
/* authentic ESP in UDP from another port of the peer's address */
void		 ike_peer_esp_moved(struct peer *, const struct sockaddr *);
/* a datagram on UDP 4500 that may be IKE; false: ESP (ike_sock.c) */
bool		 ike_natt_rx(const uint8_t *, size_t,
		    const struct sockaddr_storage *,
		    const struct sockaddr_storage *);
json_t		*ike_json(void);	/* show ike, ike_ctl.c */

#endif
