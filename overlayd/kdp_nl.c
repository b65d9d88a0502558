/*
 * kdp_nl.c: synchronous netlink requests for the kernel data plane: send
 * one request with NLM_F_ACK (or a dump), run each answer through a
 * callback, return on the ack, the error or the end of the dump.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "kdp.h"

static unsigned int	kdp_nl_seq;

struct mnl_socket *
kdp_nl_open(int bus)
{
	struct mnl_socket	*s;

	if ((s = mnl_socket_open(bus)) == NULL)
		return NULL;
	if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) == -1) {
		mnl_socket_close(s);
		return NULL;
	}
	if (kdp_nl_seq == 0)
		kdp_nl_seq = (unsigned int)time(NULL);
	return s;
}

struct kdp_nl_ctx {
	kdp_nl_cb	 cb;
	void		*arg;
};

static int
kdp_nl_data(const struct nlmsghdr *nlh, void *arg)
{
	struct kdp_nl_ctx	*c = arg;

	return c->cb(nlh, c->arg) == -1 ? MNL_CB_ERROR : MNL_CB_OK;
}

/*
 * Returns 0 on the ack (or the end of a dump), -1 with errno set to what
 * the kernel answered otherwise.
 */
int
kdp_nl_talk(struct mnl_socket *s, struct nlmsghdr *nlh, kdp_nl_cb cb,
    void *arg)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE];
	struct kdp_nl_ctx c = { cb, arg };
	unsigned int	 portid = mnl_socket_get_portid(s);
	ssize_t		 n;
	int		 rv;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++kdp_nl_seq;
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) == -1)
		return -1;
	for (;;) {
		if ((n = mnl_socket_recvfrom(s, buf, sizeof(buf))) == -1)
			return -1;
		rv = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid,
		    cb != NULL ? kdp_nl_data : NULL, &c);
		if (rv == MNL_CB_ERROR)
			return -1;
		if (rv == MNL_CB_STOP)
			return 0;
	}
}
