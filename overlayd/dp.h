/*
 * dp.h: the userspace data plane. TUN -> GRE -> ESP -> underlay and back,
 * and the SA-install interface every keying source uses (manual SAs from
 * the config now, IKEv2 later). Fails closed: no SA, no packet.
 */
#ifndef OVL_DP_H
#define OVL_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <ev.h>

#include "esp.h"

struct peer;
struct usock;

enum dp_drop {
	DROP_AUTH = 0,
	DROP_REPLAY,
	DROP_MALFORMED,
	DROP_NOSA,
	DROP_MTU,
	DROP_MAX
};

struct dp_stats {
	uint64_t	tx_packets;
	uint64_t	tx_bytes;
	uint64_t	tx_errors;
	uint64_t	rx_packets;
	uint64_t	rx_bytes;
	uint64_t	rx_errors;	/* TUN refused the packet */
	uint64_t	drops[DROP_MAX];
};

enum sa_dir {
	SA_DIR_IN,
	SA_DIR_OUT,
};

int		 dp_init(struct ev_loop *);
void		 dp_shutdown(void);
int		 dp_sa_install(struct peer *, enum sa_dir, const struct sa_params *);
int		 dp_sa_remove(struct peer *, enum sa_dir, uint32_t spi);
void		 dp_peer_flush(struct peer *);	/* all its SAs */
const struct esp_sa *dp_sa_in(const struct peer *, unsigned int);
bool		 dp_peer_has_sas(const struct peer *);
int		 dp_peer_spi(const struct peer *, enum sa_dir, uint32_t *);
const struct dp_stats *dp_peer_stats(struct peer *);
void		 dp_tun_cb(struct ev_loop *, ev_io *, int);
int		 dp_send_inner(struct peer *, const uint8_t *, size_t);
void		 dp_sock_rx(struct usock *);
const struct dp_stats *dp_global_stats(void);
const char	*dp_drop_name(enum dp_drop);

#endif
