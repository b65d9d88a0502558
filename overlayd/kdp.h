/*
 * kdp.h: the kernel data plane. Where the kernel has GRE and XFRM, a
 * tunnel is an ip_gre/ip6gre device (ovl-<peer>) whose GRE packets a
 * transport-mode XFRM policy on protocol 47 between the outer addresses
 * sends through ESP; the SA-install interface of dp.h installs XFRM
 * states instead of userspace SAs. Chosen by `dataplane kernel`.
 *
 * Everything overlayd puts in the kernel is marked (policy priority
 * KDP_PRIO, reqid KDP_REQID_BASE | n, device name ovl-*), so that what a
 * crashed run left behind is found and removed when the backend starts:
 * reconciled, never duplicated. Policies go in before any state: with no
 * state, GRE is dropped by the kernel, never sent in clear.
 */
#ifndef OVL_KDP_H
#define OVL_KDP_H

#include <stdbool.h>
#include <stdint.h>

#include <ev.h>

#include "dp.h"
#include "esp.h"

#define KDP_PRIO	0x4f56c0deU	/* "OV": our XFRM policies */
#define KDP_REQID_BASE	0x4f560000U	/* our XFRM states and templates */
#define KDP_REQID_MASK	0xffff0000U

struct peer;
struct mnl_socket;
struct nlmsghdr;

/* kdp.c: per tunnel */
void		 kdp_init(struct ev_loop *);
int		 kdp_peer_setup(struct peer *);
void		 kdp_peer_destroy(struct peer *);
int		 kdp_sa_install(struct peer *, enum sa_dir,
		    const struct sa_params *);
int		 kdp_sa_remove(struct peer *, enum sa_dir, uint32_t spi);
void		 kdp_peer_flush(struct peer *);
bool		 kdp_peer_has_sas(const struct peer *);
int		 kdp_peer_spi(const struct peer *, enum sa_dir, uint32_t *);
void		 kdp_peer_set_up(struct peer *, bool);
void		 kdp_peer_stats(struct peer *);
int		 kdp_peer_rx_packets(const struct peer *, uint64_t *);
void		 kdp_close(void);

/* kdp_nl.c: one request, one answer, over a libmnl socket */
typedef int	(*kdp_nl_cb)(const struct nlmsghdr *, void *);
struct mnl_socket *kdp_nl_open(int bus);
int		 kdp_nl_talk(struct mnl_socket *, struct nlmsghdr *,
		    kdp_nl_cb, void *);

/* kdp_link.c: the GRE device */
int		 kdp_link_create(const struct peer *, unsigned int mtu);
int		 kdp_link_delete(const char *ifname);
int		 kdp_link_oper(const char *ifname, bool up);
int		 kdp_link_stats(const char *ifname, struct dp_stats *);
int		 kdp_link_sweep(void);
void		 kdp_link_close(void);

/* kdp_xfrm.c: states and policies */
struct kdp_sa_stats {
	uint64_t	packets;
	uint64_t	bytes;
	uint32_t	replay;		/* in the window, seen before */
	uint32_t	replay_window;	/* behind the window */
	uint32_t	integrity_failed;
};
int		 kdp_xfrm_sa_add(const struct peer *, enum sa_dir,
		    const struct sa_params *, uint32_t reqid);
int		 kdp_xfrm_sa_del(const struct peer *, enum sa_dir,
		    uint32_t spi);
int		 kdp_xfrm_sa_stats(const struct peer *, enum sa_dir,
		    uint32_t spi, struct kdp_sa_stats *);
int		 kdp_xfrm_policy_add(const struct peer *, enum sa_dir,
		    uint32_t reqid);
int		 kdp_xfrm_policy_del(const struct peer *, enum sa_dir);
int		 kdp_xfrm_sweep(void);
void		 kdp_xfrm_close(void);

#endif
