/*
 * nl.h: rtnetlink through libmnl: link state, MTU and addresses of the
 * TUN devices overlayd owns.
 */
#ifndef OVL_NL_H
#define OVL_NL_H

#include <stdbool.h>

#include "addr.h"

int	nl_open(void);
void	nl_close(void);
int	nl_link_set(const char *ifname, unsigned int mtu, bool up);
int	nl_addr_add(const char *ifname, const struct prefix *,
	    const struct addr *peer);
/* our TUN devices in a link group of their own, removed together */
#define NL_GROUP_BASE	0x4f560000u
int	nl_link_group(const char *ifname);
int	nl_group_del(void);

#endif
