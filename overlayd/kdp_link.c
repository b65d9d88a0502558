/*
 * kdp_link.c: the tunnel's ip_gre / ip6gre device over rtnetlink: create
 * (replacing a leftover of the same name), operational state, counters,
 * removal, and the sweep of leftovers when the backend starts.
 *
 * The device is created in "dormant" link mode: it carries traffic only
 * while overlayd says IF_OPER_UP, which it does when both SAs are in,
 * the way a TUN has no carrier without SAs in the userspace backend.
 */
#include "config.h"

#include <net/if.h>	/* before the linux/ headers: libc-compat */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip6_tunnel.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "kdp.h"
#include "log.h"
#include "peer.h"

#define KDP_TTL		64

static struct mnl_socket	*rt;

static int
kdp_rt(void)
{
	if (rt == NULL && (rt = kdp_nl_open(NETLINK_ROUTE)) == NULL)
		return -1;
	return 0;
}

/* A link request of `type` for the device `ifname`, in `buf`. */
static struct nlmsghdr *
kdp_link_msg(char *buf, uint16_t type, const char *ifname)
{
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return nlh;
}

static void
kdp_put_addr(struct nlmsghdr *nlh, uint16_t type, const struct addr *a)
{
	if (a->af == AF_INET)
		mnl_attr_put(nlh, type, sizeof(a->u.v4), &a->u.v4);
	else
		mnl_attr_put(nlh, type, sizeof(a->u.v6), &a->u.v6);
}

/*
 * A GRE device like `ip link add ovl-x type gre local L remote R ttl 64
 * [key K]`; for IPv6 no encapsulation-limit option, so that the wire is
 * what the userspace backend sends.
 */
int
kdp_link_create(const struct peer *p, unsigned int mtu)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;
	struct nlattr		*info, *data;
	bool			 v4 = p->conf.local.af == AF_INET;

	if (kdp_rt() == -1)
		return -1;
	if (if_nametoindex(p->ifname) != 0) {
		log_info("tunnel %s: replacing leftover %s", p->conf.name,
		    p->ifname);
		if (kdp_link_delete(p->ifname) == -1)
			return -1;
	}
	nlh = kdp_link_msg(buf, RTM_NEWLINK, p->ifname);
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_put_u8(nlh, IFLA_LINKMODE, IF_LINK_MODE_DORMANT);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, v4 ? "gre" : "ip6gre");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	kdp_put_addr(nlh, IFLA_GRE_LOCAL, &p->conf.local);
	kdp_put_addr(nlh, IFLA_GRE_REMOTE, &p->conf.remote);
	mnl_attr_put_u8(nlh, IFLA_GRE_TTL, KDP_TTL);
	if (v4)
		mnl_attr_put_u8(nlh, IFLA_GRE_PMTUDISC, 1);
	else
		mnl_attr_put_u32(nlh, IFLA_GRE_FLAGS,
		    IP6_TNL_F_IGN_ENCAP_LIMIT);
	if (p->conf.gre_key_set) {
		mnl_attr_put_u16(nlh, IFLA_GRE_IFLAGS, GRE_KEY);	/* big-endian */
		mnl_attr_put_u16(nlh, IFLA_GRE_OFLAGS, GRE_KEY);
		mnl_attr_put_u32(nlh, IFLA_GRE_IKEY, htonl(p->conf.gre_key));
		mnl_attr_put_u32(nlh, IFLA_GRE_OKEY, htonl(p->conf.gre_key));
	}
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return kdp_nl_talk(rt, nlh, NULL, NULL);
}

int
kdp_link_delete(const char *ifname)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;

	if (kdp_rt() == -1)
		return -1;
	nlh = kdp_link_msg(buf, RTM_DELLINK, ifname);
	if (kdp_nl_talk(rt, nlh, NULL, NULL) == -1 && errno != ENODEV)
		return -1;
	return 0;
}

int
kdp_link_oper(const char *ifname, bool up)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;

	if (kdp_rt() == -1)
		return -1;
	nlh = kdp_link_msg(buf, RTM_NEWLINK, ifname);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, up ? IF_OPER_UP : IF_OPER_DORMANT);
	return kdp_nl_talk(rt, nlh, NULL, NULL);
}

static int
kdp_link_stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_stats			*st = arg;
	struct rtnl_link_stats64	 s;
	struct nlattr			*a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) != IFLA_STATS64 ||
		    mnl_attr_get_payload_len(a) < sizeof(s))
			continue;
		memcpy(&s, mnl_attr_get_payload(a), sizeof(s));
		st->tx_packets = s.tx_packets;
		st->tx_bytes = s.tx_bytes;
		st->tx_errors = s.tx_errors + s.tx_dropped;
		st->rx_packets = s.rx_packets;
		st->rx_bytes = s.rx_bytes;
		st->rx_errors = s.rx_errors;
	}
	return 0;
}

/* The device's packet and byte counters into `st`. */
int
kdp_link_stats(const char *ifname, struct dp_stats *st)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;

	if (kdp_rt() == -1)
		return -1;
	nlh = kdp_link_msg(buf, RTM_GETLINK, ifname);
	return kdp_nl_talk(rt, nlh, kdp_link_stats_cb, st);
}

#define KDP_SWEEP_MAX	256

struct kdp_sweep {
	char		names[KDP_SWEEP_MAX][IFNAMSIZ];
	unsigned int	n;
};

/* Our leftovers: ovl-* devices of kind gre or ip6gre. */
static int
kdp_link_sweep_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct kdp_sweep	*sw = arg;
	struct nlattr		*a, *b;
	const char		*name = NULL, *kind = NULL;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
			    mnl_attr_validate(b, MNL_TYPE_NUL_STRING) == 0)
				kind = mnl_attr_get_str(b);
	}
	if (name == NULL || kind == NULL || strncmp(name, "ovl-", 4) != 0 ||
	    (strcmp(kind, "gre") != 0 && strcmp(kind, "ip6gre") != 0) ||
	    sw->n == KDP_SWEEP_MAX || strlen(name) >= IFNAMSIZ)
		return 0;
	snprintf(sw->names[sw->n++], IFNAMSIZ, "%s", name);
	return 0;
}

/* Removes what a crashed run left; returns how many devices went. */
int
kdp_link_sweep(void)
{
	static struct kdp_sweep	 sw;
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifm;
	unsigned int		 i;

	if (kdp_rt() == -1)
		return -1;
	sw.n = 0;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (kdp_nl_talk(rt, nlh, kdp_link_sweep_cb, &sw) == -1)
		return -1;
	for (i = 0; i < sw.n; i++) {
		log_info("removing leftover tunnel device %s", sw.names[i]);
		if (kdp_link_delete(sw.names[i]) == -1)
			log_warn("remove %s", sw.names[i]);
	}
	return (int)sw.n;
}

void
kdp_link_close(void)
{
	if (rt != NULL)
		mnl_socket_close(rt);
	rt = NULL;
}
