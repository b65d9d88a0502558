/*
 * peer.c: tunnel lifecycle and reconciliation with the configuration.
 * An unchanged peer survives a reload untouched (SAs, counters, TUN).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp.h"
#include "gre.h"
#include "ike.h"
#include "kdp.h"
#include "live.h"
#include "log.h"
#include "nl.h"
#include "peer.h"
#include "sock.h"
#include "tmode.h"
#include "tun.h"

static struct peer_head	 peer_list = TAILQ_HEAD_INITIALIZER(peer_list);
static struct ev_loop	*peer_loop;

void
peer_init(struct ev_loop *loop)
{
	peer_loop = loop;
	live_init(loop);
}

struct peer_head *
peers(void)
{
	return &peer_list;
}

struct peer *
peer_find(const char *name)
{
	struct peer	*p;

	TAILQ_FOREACH(p, &peer_list, entry)
		if (strcmp(p->conf.name, name) == 0)
			return p;
	return NULL;
}

/* The largest inner packet whose GRE+ESP+UDP+IP form fits in `pmtu`. */
static uint32_t
peer_inner_mtu(const struct peer *p, uint32_t pmtu)
{
	size_t	outer = (p->conf.local.af == AF_INET ? 20 : 40) +
		    (peer_encap(p) == ENCAP_UDP ? 8 : 0) +
		    (peer_tunnel_mode(p) ? tmode_hdrlen(p->conf.local.af) : 0);
	size_t	payload, gre = gre_hdrlen(p->conf.gre_key_set);

	if (pmtu <= outer)
		return 0;
	payload = esp_max_payload(pmtu - outer);
	return payload > gre ? (uint32_t)(payload - gre) : 0;
}

/* ESP in tunnel mode (IKE's fallback, tmode.h): our outbound SA's mode. */
bool
peer_tunnel_mode(const struct peer *p)
{
	return p->sa_out != NULL && p->sa_out->tunnel;
}

void
peer_mtu_refresh(struct peer *p)
{
	p->inner_mtu = peer_inner_mtu(p, p->pmtu);
}

/* The encapsulation in use: the configured one, or UDP after a NAT. */
enum conf_encap
peer_encap(const struct peer *p)
{
	return p->sock != NULL ? p->sock->encap : p->conf.encap;
}

/*
 * IKE found a NAT on the path (RFC 3948): ESP goes in UDP to `dst`, the
 * peer's address and port as IKE sees them; or (dst NULL) back to the
 * configured encapsulation and port. The user-space data plane only.
 */
int
peer_set_encap(struct peer *p, enum conf_encap encap,
    const struct sockaddr_storage *dst)
{
	struct usock	*s;

	if (p->sock == NULL) {		/* the kernel's data plane */
		if (encap == p->conf.encap)
			return 0;
		errno = EOPNOTSUPP;
		return -1;
	}
	if (p->sock->encap != encap) {
		if ((s = sock_get(&p->conf.local, encap)) == NULL)
			return -1;
		sock_put(p->sock);
		p->sock = s;
		log_info("tunnel %s: ESP %s", p->conf.name,
		    encap == ENCAP_UDP ? "in UDP (NAT)" : "without UDP");
	}
	if (encap == ENCAP_UDP && dst != NULL)
		memcpy(&p->dst, dst, p->dstlen);
	else
		p->dstlen = addr_to_sa(&p->conf.remote, encap == ENCAP_UDP ?
		    p->conf.port : 0, &p->dst);
	p->inner_mtu = peer_inner_mtu(p, p->pmtu);
	return 0;
}

void
peer_set_pmtu(struct peer *p, uint32_t pmtu)
{
	uint32_t	floor = p->conf.local.af == AF_INET ? 576 : 1280;

	if (pmtu > p->mtu)
		pmtu = p->mtu;
	if (pmtu < floor)
		pmtu = floor;
	p->pmtu_lowered = ev_now(peer_loop);
	if (pmtu == p->pmtu)
		return;
	log_info("tunnel %s: underlay path MTU %u -> %u", p->conf.name,
	    p->pmtu, pmtu);
	p->pmtu = pmtu;
	p->inner_mtu = peer_inner_mtu(p, pmtu);
}

const char *
peer_state_str(const struct peer *p)
{
	return p->up ? "up" : "down";
}

void
peer_update_state(struct peer *p)
{
	/* SAs in place, and keepalives (if on) say the tunnel works */
	bool	up = dp_peer_has_sas(p) && live_ok(p);

	if (up == p->up)
		return;
	p->up = up;
	if (p->kdp != NULL)
		kdp_peer_set_up(p, up);
	else if (tun_set_carrier(p->tun_fd, up) == -1)
		log_warn("tunnel %s: carrier %s", p->conf.name, up ? "on" : "off");
	log_info("tunnel %s %s", p->conf.name, up ? "up" : "down");
	bgp_peer_state(p);
}

static void
peer_sa_params(const struct peer_conf *pc, const struct sa_conf *sc,
    struct sa_params *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->spi = sc->spi;
	sp->alg = sc->alg;
	memcpy(sp->key, sc->key, sc->keylen);
	sp->keylen = sc->keylen;
	sp->esn = pc->esn;
	sp->replay_window = pc->replay_window;
}

/* Manually keyed SAs go through the same interface IKEv2 will use. */
static int
peer_install_manual(struct peer *p)
{
	struct sa_params	sp;
	int			rv = 0;

	peer_sa_params(&p->conf, &p->conf.sa_in, &sp);
	if (dp_sa_install(p, SA_DIR_IN, &sp) == -1) {
		log_warn("tunnel %s: inbound SA 0x%08x", p->conf.name, sp.spi);
		rv = -1;
	}
	peer_sa_params(&p->conf, &p->conf.sa_out, &sp);
	if (rv == 0 && dp_sa_install(p, SA_DIR_OUT, &sp) == -1) {
		log_warn("tunnel %s: outbound SA 0x%08x", p->conf.name, sp.spi);
		rv = -1;
	}
	explicit_bzero(&sp, sizeof(sp));
	return rv;
}

/* The tunnel's inner addresses on its device (TUN or GRE), with peers. */
int
peer_addrs_add(struct peer *p)
{
	char		pfx[PREFIX_STRLEN];
	unsigned int	i;

	for (i = 0; i < p->conf.naddrs; i++) {
		if (nl_addr_add(p->ifname, &p->conf.addrs[i],
		    &p->conf.addr_peer[i]) == -1) {
			log_warn("tunnel %s: address %s", p->conf.name,
			    prefix_fmt(&p->conf.addrs[i], pfx, sizeof(pfx)));
			return -1;
		}
	}
	return 0;
}

static int
peer_tun_setup(struct peer *p)
{
	if ((p->tun_fd = tun_open(p->ifname)) == -1) {
		log_warn("tunnel %s: create %s", p->conf.name, p->ifname);
		return -1;
	}
	if (tun_set_carrier(p->tun_fd, false) == -1 ||
	    nl_link_group(p->ifname) == -1 ||
	    nl_link_set(p->ifname, p->inner_mtu, true) == -1) {
		log_warn("tunnel %s: set up %s", p->conf.name, p->ifname);
		return -1;
	}
	if (peer_addrs_add(p) == -1)
		return -1;
	ev_io_init(&p->tun_ev, dp_tun_cb, p->tun_fd, EV_READ);
	p->tun_ev.data = p;
	ev_io_start(peer_loop, &p->tun_ev);
	return 0;
}

static void
peer_destroy(struct peer *p)
{
	live_stop(p);		/* AdminDown goes out while the SA is there */
	ike_peer_stop(p);	/* DELETE to the peer */
	dp_peer_flush(p);
	kdp_peer_destroy(p);
	if (p->tun_fd != -1) {
		ev_io_stop(peer_loop, &p->tun_ev);
		close(p->tun_fd);	/* the kernel removes the device */
	}
	sock_put(p->sock);
	explicit_bzero(&p->conf, sizeof(p->conf));
	free(p);
}

static struct peer *
peer_create(const struct ovl_conf *conf, const struct peer_conf *pc)
{
	struct peer	*p;
	uint16_t	 port;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warn("tunnel %s", pc->name);
		return NULL;
	}
	p->conf = *pc;
	p->tun_fd = -1;
	snprintf(p->ifname, sizeof(p->ifname), "ovl-%s", pc->name);
	port = pc->encap == ENCAP_UDP ? pc->port : 0;
	p->dstlen = addr_to_sa(&pc->remote, port, &p->dst);
	p->mtu = p->pmtu = conf_peer_mtu(conf, pc);
	p->inner_mtu = peer_inner_mtu(p, p->pmtu);
	if (conf->dataplane == DATAPLANE_KERNEL) {
		if (kdp_peer_setup(p) == -1)
			goto fail;
	} else if ((p->sock = sock_get(&pc->local, pc->encap)) == NULL ||
	    peer_tun_setup(p) == -1)
		goto fail;
	if ((pc->ike.on ? ike_peer_start(p) : peer_install_manual(p)) == -1 ||
	    live_start(p) == -1)
		goto fail;
	peer_update_state(p);
	return p;
fail:
	peer_destroy(p);
	return NULL;
}

static bool
peer_unchanged(const struct peer *p, const struct ovl_conf *conf,
    const struct peer_conf *pc)
{
	return pc != NULL && conf_peer_equal(&p->conf, pc) &&
	    conf_peer_mtu(conf, pc) == p->mtu &&
	    (conf->dataplane == DATAPLANE_KERNEL) == (p->kdp != NULL);
}

/*
 * Brings the running tunnels in line with `conf`: removed and changed
 * peers go first (freeing their SPIs), then added and changed ones come
 * up. Returns the number of tunnels that failed to come up.
 */
int
peers_apply(const struct ovl_conf *conf)
{
	struct peer		*p, *next;
	struct peer_conf	*pc;
	int			 failed = 0;

	for (p = TAILQ_FIRST(&peer_list); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		pc = conf_peer_find(conf, p->conf.name);
		if (peer_unchanged(p, conf, pc)) {
			live_reconf(p, pc);
			ike_peer_reload(p);	/* new CRLs, renewed certificate */
			continue;
		}
		log_info("tunnel %s %s", p->conf.name,
		    pc == NULL ? "removed" : "changed");
		TAILQ_REMOVE(&peer_list, p, entry);
		peer_destroy(p);
	}
	for (pc = TAILQ_FIRST(&conf->peers); pc != NULL;
	    pc = TAILQ_NEXT(pc, entry)) {
		if (peer_find(pc->name) != NULL)
			continue;
		if ((p = peer_create(conf, pc)) == NULL) {
			log_warnx("tunnel %s failed to come up", pc->name);
			failed++;
			continue;
		}
		TAILQ_INSERT_TAIL(&peer_list, p, entry);
		log_info("tunnel %s added on %s", pc->name, p->ifname);
	}
	return failed;
}

void
peers_clear(void)
{
	struct peer	*p;

	/* all TUN devices at once; closing each would take a grace period */
	if (!TAILQ_EMPTY(&peer_list) && nl_group_del() == -1)
		log_warn("removing the tunnel devices");
	while ((p = TAILQ_FIRST(&peer_list)) != NULL) {
		TAILQ_REMOVE(&peer_list, p, entry);
		peer_destroy(p);
	}
}
