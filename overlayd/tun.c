/*
 * tun.c: TUN device creation. Addresses, MTU and link state are set over
 * netlink (nl.c); the device disappears when its descriptor is closed.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tun.h"

int
tun_open(const char *ifname)
{
	struct ifreq	ifr;
	int		fd;

	if (strlen(ifname) >= IFNAMSIZ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* A tunnel without a working SA looks like a link without carrier. */
int
tun_set_carrier(int fd, bool up)
{
	int	on = up ? 1 : 0;

	return ioctl(fd, TUNSETCARRIER, &on);
}
