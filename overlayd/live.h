/*
 * live.h: tunnel liveness. One BFD session (bfd.c) per tunnel, carried
 * inside the tunnel as RFC 5881 single-hop BFD between the two inner
 * addresses, so that a keepalive proves GRE and both SAs work end to end.
 * Received authenticated traffic of any kind also proves life. After a
 * loss, a hold-down damps flapping. peer_update_state() asks live_ok().
 */
#ifndef OVL_LIVE_H
#define OVL_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>
#include <jansson.h>

#include "conf.h"
#include "ip.h"

struct peer;

void	live_init(struct ev_loop *);
int	live_start(struct peer *);
void	live_stop(struct peer *);
void	live_reconf(struct peer *, const struct peer_conf *);
bool	live_ok(const struct peer *);
bool	live_input(struct peer *, const uint8_t *, size_t,
	    const struct ip_info *);
void	live_rx(struct peer *);
const char *live_state_str(const struct peer *);
void	live_json(json_t *, const struct peer *);

/* The inner IP/UDP packet around a BFD control packet (RFC 5881). */
#define LIVE_PKT_MAX	(IP6_HDR_LEN + 8 + 24)
size_t	live_encap(const struct addr *src, const struct addr *dst,
	    uint16_t sport, const uint8_t *bfd, size_t bfdlen, uint8_t *out,
	    size_t outlen);
enum live_udp {
	LIVE_NOT_BFD = 0,	/* not UDP 3784 to this address: the TUN's */
	LIVE_BFD,		/* valid: payload in *bfd, *bfdlen */
	LIVE_BAD_TTL,
	LIVE_BAD_SRC,
	LIVE_BAD_UDP,		/* length or checksum */
};
/* Data as proof of life from a packet counter (the kernel data plane). */
struct live_count {
	uint64_t	n;		/* the last reading */
	double		t;		/* its time; 0: none yet */
};
double	live_count_proof(struct live_count *, uint64_t, double now);

enum live_udp live_decap(const uint8_t *, size_t, const struct ip_info *,
	    const struct addr *local, const struct addr *remote,
	    const uint8_t **bfd, size_t *bfdlen);

#endif
