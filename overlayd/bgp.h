/*
 * bgp.h: overlayd drives the local BIRD 2 over its control socket. Each
 * BIRD protocol bound to a tunnel (`bgp protocol NAME`) is wanted enabled
 * iff that tunnel is up; overlayd sends enable/disable on every change,
 * and reads `show protocols` on (re)connect and every few seconds to
 * correct whatever drifted. The wanted state is overlayd's; BIRD's is
 * read back, never assumed.
 */
#ifndef OVL_BGP_H
#define OVL_BGP_H

#include <ev.h>
#include <jansson.h>

#include "conf.h"

#define BGP_POLL_INTERVAL	3.0	/* seconds between show protocols */
#define BGP_SHUTDOWN_WAIT	2.0	/* seconds to flush disables on exit */

struct peer;

void	 bgp_init(struct ev_loop *);
/* Start, restart or stop the client and rebind protocols to tunnels. */
void	 bgp_configure(const struct ovl_conf *);
/* The tunnel's up/down state changed: tell BIRD now. */
void	 bgp_peer_state(const struct peer *);
/* Disable every bound protocol (the tunnels are gone), then stop. */
void	 bgp_shutdown(void);

/* overlayctl show tunnels: a tunnel's protocols, and the BIRD link. */
json_t	*bgp_json_tunnel(const char *peer);
json_t	*bgp_json(void);

#endif
