/*
 * priv.h: dropping root. overlayd keeps CAP_NET_ADMIN (TUN devices and
 * their addresses, for tunnels added on reload) and CAP_NET_RAW (raw ESP
 * sockets) and nothing else.
 */
#ifndef OVL_PRIV_H
#define OVL_PRIV_H

#include <sys/types.h>

int	priv_lookup(const char *user, const char *group, uid_t *, gid_t *,
	    gid_t *ctl_gid);
int	priv_drop(uid_t, gid_t);

#endif
