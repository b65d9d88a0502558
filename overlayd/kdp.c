/*
 * kdp.c: the kernel data plane behind dp.h's SA-install interface: per
 * tunnel a GRE device, two XFRM policies (out and in, GRE between the
 * outer addresses) and the XFRM states keying sources install; for ESP
 * in UDP, the UDP 4500 socket the kernel takes ESP from. The kernel
 * passes up to that socket what is not ESP (IKE after the non-ESP marker,
 * RFC 3948 2.2): it goes to ike_natt_rx().
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/queue.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ike.h"
#include "kdp.h"
#include "log.h"
#include "nl.h"
#include "peer.h"

#ifndef UDP_ENCAP
#define UDP_ENCAP		100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP	2
#endif

/* One UDP 4500 socket per local address, shared by its tunnels. */
struct kdp_encap {
	TAILQ_ENTRY(kdp_encap)	 entry;
	struct addr		 local;
	int			 fd;
	ev_io			 rx;
	unsigned int		 refs;
};
static TAILQ_HEAD(, kdp_encap)	 encaps = TAILQ_HEAD_INITIALIZER(encaps);
static struct ev_loop		*kdp_loop;
static uint8_t			 kdp_rxbuf[65536];

struct kdp_peer {
	uint32_t		 reqid;
	uint32_t		 spi_in[PEER_SA_IN_MAX];
	unsigned int		 nin;
	uint32_t		 spi_out;
	bool			 has_out;
	bool			 policies;
	bool			 link;
	struct kdp_encap	*encap;
};

static bool	kdp_swept;

void
kdp_init(struct ev_loop *loop)
{
	kdp_loop = loop;
}

/*
 * What the kernel did not take as ESP on a UDP 4500 socket: IKE after the
 * non-ESP marker (a NAT keepalive the kernel eats itself). Anything else
 * is dropped.
 */
static void
kdp_encap_rx(struct ev_loop *loop, ev_io *w, int revents)
{
	struct kdp_encap	*e = w->data;
	struct sockaddr_storage	 from, local;
	socklen_t		 fromlen;
	ssize_t			 n;
	int			 i;

	(void)loop;
	(void)revents;
	(void)addr_to_sa(&e->local, CONF_ESP_UDP_PORT, &local);
	for (i = 0; i < 64; i++) {
		memset(&from, 0, sizeof(from));
		fromlen = sizeof(from);
		n = recvfrom(e->fd, kdp_rxbuf, sizeof(kdp_rxbuf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("UDP 4500 encapsulation socket");
			return;
		}
		if (!ike_natt_rx(kdp_rxbuf, (size_t)n, &local, &from))
			log_debug("UDP 4500: %zd octets neither ESP nor IKE "
			    "dropped", n);
	}
}

static struct kdp_encap *
kdp_encap_get(const struct addr *local)
{
	struct kdp_encap	*e;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 one = 1, type = UDP_ENCAP_ESPINUDP;

	TAILQ_FOREACH(e, &encaps, entry) {
		if (addr_eq(&e->local, local)) {
			e->refs++;
			return e;
		}
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->fd = socket(local->af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (e->fd == -1)
		goto fail;
	sslen = addr_to_sa(local, CONF_ESP_UDP_PORT, &ss);
	/* SO_REUSEADDR: shared with IKE's wildcard UDP 4500 (ike_sock.c) */
	if ((local->af == AF_INET6 && setsockopt(e->fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    setsockopt(e->fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    bind(e->fd, (struct sockaddr *)&ss, sslen) == -1 ||
	    setsockopt(e->fd, IPPROTO_UDP, UDP_ENCAP, &type,
	    sizeof(type)) == -1)
		goto fail;
	e->local = *local;
	e->refs = 1;
	if (kdp_loop != NULL) {
		ev_io_init(&e->rx, kdp_encap_rx, e->fd, EV_READ);
		e->rx.data = e;
		ev_io_start(kdp_loop, &e->rx);
	}
	TAILQ_INSERT_TAIL(&encaps, e, entry);
	return e;
fail:
	if (e->fd != -1)
		close(e->fd);
	free(e);
	return NULL;
}

static void
kdp_encap_put(struct kdp_encap *e)
{
	if (e == NULL || --e->refs > 0)
		return;
	TAILQ_REMOVE(&encaps, e, entry);
	if (kdp_loop != NULL)
		ev_io_stop(kdp_loop, &e->rx);
	close(e->fd);
	free(e);
}

/* FNV-1a of the tunnel's name: its reqid, stable across restarts. */
static uint32_t
kdp_reqid(const char *name)
{
	uint32_t	h = 2166136261U;

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 16777619U;
	return KDP_REQID_BASE | (h & ~KDP_REQID_MASK);
}

/* Once per process: what a crashed run left goes before anything new. */
static void
kdp_sweep(void)
{
	if (kdp_swept)
		return;
	kdp_swept = true;
	if (kdp_xfrm_sweep() == -1)
		log_warn("kernel data plane: XFRM leftovers");
	if (kdp_link_sweep() == -1)
		log_warn("kernel data plane: leftover devices");
}

int
kdp_peer_setup(struct peer *p)
{
	struct kdp_peer	*k;

	kdp_sweep();
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return -1;
	p->kdp = k;
	k->reqid = kdp_reqid(p->conf.name);
	/* policies first: until there are states, GRE is dropped */
	if (kdp_xfrm_policy_add(p, SA_DIR_OUT, k->reqid) == -1 ||
	    kdp_xfrm_policy_add(p, SA_DIR_IN, k->reqid) == -1) {
		log_warn("tunnel %s: XFRM policy", p->conf.name);
		return -1;
	}
	k->policies = true;
	if (kdp_link_create(p, p->inner_mtu) == -1) {
		log_warn("tunnel %s: create %s", p->conf.name, p->ifname);
		return -1;
	}
	k->link = true;
	if (nl_link_set(p->ifname, p->inner_mtu, true) == -1) {
		log_warn("tunnel %s: set up %s", p->conf.name, p->ifname);
		return -1;
	}
	if (peer_addrs_add(p) == -1)
		return -1;
	if (p->conf.encap == ENCAP_UDP &&
	    (k->encap = kdp_encap_get(&p->conf.local)) == NULL) {
		log_warn("tunnel %s: UDP 4500 encapsulation socket",
		    p->conf.name);
		return -1;
	}
	return 0;
}

void
kdp_peer_flush(struct peer *p)
{
	struct kdp_peer	*k = p->kdp;

	if (k == NULL)
		return;
	while (k->nin > 0)
		(void)kdp_sa_remove(p, SA_DIR_IN, k->spi_in[0]);
	if (k->has_out)
		(void)kdp_sa_remove(p, SA_DIR_OUT, k->spi_out);
}

void
kdp_peer_destroy(struct peer *p)
{
	struct kdp_peer	*k = p->kdp;

	if (k == NULL)
		return;
	kdp_peer_flush(p);
	if (k->link && kdp_link_delete(p->ifname) == -1)
		log_warn("tunnel %s: remove %s", p->conf.name, p->ifname);
	if (k->policies && (kdp_xfrm_policy_del(p, SA_DIR_OUT) == -1 ||
	    kdp_xfrm_policy_del(p, SA_DIR_IN) == -1))
		log_warn("tunnel %s: remove XFRM policies", p->conf.name);
	kdp_encap_put(k->encap);
	free(k);
	p->kdp = NULL;
}

/* A state of the same SPI left behind is replaced, not duplicated. */
static int
kdp_sa_add(struct peer *p, enum sa_dir dir, const struct sa_params *sp)
{
	if (kdp_xfrm_sa_add(p, dir, sp, p->kdp->reqid) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	log_info("tunnel %s: replacing XFRM state 0x%08x", p->conf.name,
	    sp->spi);
	if (kdp_xfrm_sa_del(p, dir, sp->spi) == -1)
		return -1;
	return kdp_xfrm_sa_add(p, dir, sp, p->kdp->reqid);
}

int
kdp_sa_install(struct peer *p, enum sa_dir dir, const struct sa_params *sp)
{
	struct kdp_peer	*k = p->kdp;
	unsigned int	 i;

	if (sp->tunnel) {	/* XFRM tunnel mode with ip_gre: not built */
		errno = EOPNOTSUPP;
		return -1;
	}
	if (dir == SA_DIR_IN) {
		for (i = 0; i < k->nin; i++)
			if (k->spi_in[i] == sp->spi) {
				errno = EEXIST;
				return -1;
			}
		if (k->nin == PEER_SA_IN_MAX) {
			errno = ENOSPC;
			return -1;
		}
		if (kdp_sa_add(p, dir, sp) == -1)
			return -1;
		k->spi_in[k->nin++] = sp->spi;
		return 0;
	}
	if (k->has_out && k->spi_out == sp->spi) {
		errno = EEXIST;
		return -1;
	}
	if (kdp_sa_add(p, dir, sp) == -1)
		return -1;
	/* make before break: the newer state is the one the kernel uses */
	if (k->has_out && kdp_xfrm_sa_del(p, SA_DIR_OUT, k->spi_out) == -1)
		log_warn("tunnel %s: remove XFRM state 0x%08x", p->conf.name,
		    k->spi_out);
	k->spi_out = sp->spi;
	k->has_out = true;
	return 0;
}

int
kdp_sa_remove(struct peer *p, enum sa_dir dir, uint32_t spi)
{
	struct kdp_peer	*k = p->kdp;
	unsigned int	 i;

	if (dir == SA_DIR_OUT) {
		if (!k->has_out || k->spi_out != spi)
			goto notfound;
		k->has_out = false;
	} else {
		for (i = 0; i < k->nin && k->spi_in[i] != spi; i++)
			;
		if (i == k->nin)
			goto notfound;
		for (; i + 1 < k->nin; i++)
			k->spi_in[i] = k->spi_in[i + 1];
		k->nin--;
	}
	if (kdp_xfrm_sa_del(p, dir, spi) == -1 && errno != ESRCH &&
	    errno != ENOENT) {
		log_warn("tunnel %s: remove XFRM state 0x%08x", p->conf.name,
		    spi);
		return -1;
	}
	return 0;
notfound:
	errno = ESRCH;
	return -1;
}

bool
kdp_peer_has_sas(const struct peer *p)
{
	return p->kdp != NULL && p->kdp->has_out && p->kdp->nin > 0;
}

int
kdp_peer_spi(const struct peer *p, enum sa_dir dir, uint32_t *spi)
{
	const struct kdp_peer	*k = p->kdp;

	if (dir == SA_DIR_OUT ? !k->has_out : k->nin == 0)
		return -1;
	*spi = dir == SA_DIR_OUT ? k->spi_out : k->spi_in[0];
	return 0;
}

void
kdp_peer_set_up(struct peer *p, bool up)
{
	if (p->kdp != NULL && p->kdp->link &&
	    kdp_link_oper(p->ifname, up) == -1)
		log_warn("tunnel %s: %s %s", p->conf.name, p->ifname,
		    up ? "up" : "dormant");
}

/* The kernel's counters: the device's traffic, the states' drops. */
void
kdp_peer_stats(struct peer *p)
{
	struct kdp_peer		*k = p->kdp;
	struct kdp_sa_stats	 st;
	unsigned int		 i;

	if (k == NULL || !k->link)
		return;
	if (kdp_link_stats(p->ifname, &p->stats) == -1)
		log_rl(&p->rl, "tunnel %s: counters of %s: %s", p->conf.name,
		    p->ifname, strerror(errno));
	p->stats.drops[DROP_AUTH] = p->stats.drops[DROP_REPLAY] = 0;
	for (i = 0; i < k->nin; i++) {
		if (kdp_xfrm_sa_stats(p, SA_DIR_IN, k->spi_in[i], &st) == -1)
			continue;
		p->stats.drops[DROP_AUTH] += st.integrity_failed;
		p->stats.drops[DROP_REPLAY] += st.replay + st.replay_window;
	}
}

/* The device's count of received packets alone: keepalives read it. */
int
kdp_peer_rx_packets(const struct peer *p, uint64_t *n)
{
	struct dp_stats	st;

	if (p->kdp == NULL || !p->kdp->link) {
		errno = ENODEV;
		return -1;
	}
	memset(&st, 0, sizeof(st));
	if (kdp_link_stats(p->ifname, &st) == -1)
		return -1;
	*n = st.rx_packets;
	return 0;
}

void
kdp_close(void)
{
	kdp_xfrm_close();
	kdp_link_close();
}
