/*
 * ctl.h: the control socket. A client sends one JSON request line,
 * {"command": "show tunnels"}, and receives one JSON object back.
 */
#ifndef OVL_CTL_H
#define OVL_CTL_H

#include <sys/types.h>

#include <ev.h>

#define CTL_REQ_MAX	4096		/* one request line */
#define CTL_REPLY_MAX	(16 << 20)	/* what overlayctl accepts */
#define CTL_CLIENTS_MAX	32
#define CTL_IDLE	10.0		/* seconds before a silent client goes */

typedef int (*ctl_reload_fn)(void);

int	ctl_open(struct ev_loop *, const char *path, gid_t, ctl_reload_fn);
void	ctl_close(void);

#endif
