/*
 * tun.h: the per-peer TUN device (ovl-<peer>), layer 3, no packet info.
 */
#ifndef OVL_TUN_H
#define OVL_TUN_H

#include <stdbool.h>

int	tun_open(const char *ifname);
int	tun_set_carrier(int fd, bool up);

#endif
