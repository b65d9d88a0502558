/*
 * nl.c: a synchronous rtnetlink socket (one request, one ack).
 */
#include "config.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "log.h"
#include "nl.h"

static struct mnl_socket	*nl;
static unsigned int		 nl_portid;
static unsigned int		 nl_seq;

int
nl_open(void)
{
	if ((nl = mnl_socket_open(NETLINK_ROUTE)) == NULL)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == -1) {
		mnl_socket_close(nl);
		nl = NULL;
		return -1;
	}
	nl_portid = mnl_socket_get_portid(nl);
	nl_seq = (unsigned int)time(NULL);
	return 0;
}

void
nl_close(void)
{
	if (nl != NULL)
		mnl_socket_close(nl);
	nl = NULL;
}

/* Sends a request with NLM_F_ACK and waits for its ack or error. */
static int
nl_talk(struct nlmsghdr *nlh)
{
	char	buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t	n;
	int	rv;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl_seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) == -1)
		return -1;
	for (;;) {
		if ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) == -1)
			return -1;
		rv = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, nl_portid,
		    NULL, NULL);
		if (rv <= MNL_CB_STOP)
			return rv == MNL_CB_ERROR ? -1 : 0;
	}
}

/* An RTM_NEWLINK request for ifname in buf; NULL: no such link. */
static struct nlmsghdr *
nl_link_msg(char *buf, const char *ifname, struct ifinfomsg **ifmp)
{
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifm;
	unsigned int		 idx;

	if ((idx = if_nametoindex(ifname)) == 0)
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)idx;
	*ifmp = ifm;
	return nlh;
}

int
nl_link_set(const char *ifname, unsigned int mtu, bool up)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifm;

	if ((nlh = nl_link_msg(buf, ifname, &ifm)) == NULL)
		return -1;
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = up ? IFF_UP : 0;
	if (mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_talk(nlh);
}

/*
 * The link group of this daemon's TUN devices (IFLA_GROUP): its own,
 * from its process ID, so that nl_group_del() at exit removes all of them
 * and nothing else.
 */
static uint32_t
nl_group(void)
{
	static uint32_t	group;

	if (group == 0)
		group = NL_GROUP_BASE | ((uint32_t)getpid() & 0xffff);
	return group;
}

int
nl_link_group(const char *ifname)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifm;

	if ((nlh = nl_link_msg(buf, ifname, &ifm)) == NULL)
		return -1;
	mnl_attr_put_u32(nlh, IFLA_GROUP, nl_group());
	return nl_talk(nlh);
}

/*
 * Removes every device of our group in one request: the kernel
 * unregisters them together (one RCU grace period for all, where closing
 * each TUN file descriptor costs one each: 20-30 ms apiece, seconds for
 * hundreds of tunnels).
 */
int
nl_group_del(void)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;
	struct ifinfomsg	*ifm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = 0;
	mnl_attr_put_u32(nlh, IFLA_GROUP, nl_group());
	return nl_talk(nlh);
}

/*
 * Adds an address; with `peer` set, a point-to-point one: IFA_LOCAL is
 * ours, IFA_ADDRESS the other end, and the kernel routes peer/len via the
 * interface (what a hub needs to reach its spokes' inner addresses).
 */
int
nl_addr_add(const char *ifname, const struct prefix *p,
    const struct addr *peer)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;
	struct ifaddrmsg	*ifa;
	unsigned int		 idx;
	size_t			 alen;

	if ((idx = if_nametoindex(ifname)) == 0)
		return -1;
	alen = p->addr.af == AF_INET ? 4 : 16;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)p->addr.af;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = idx;
	/* a point-to-point tunnel has nobody to duplicate its address */
	ifa->ifa_flags = p->addr.af == AF_INET6 ? IFA_F_NODAD : 0;
	mnl_attr_put(nlh, IFA_LOCAL, alen, &p->addr.u);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, peer != NULL &&
	    addr_is_set(peer) ? &peer->u : &p->addr.u);
	return nl_talk(nlh);
}
