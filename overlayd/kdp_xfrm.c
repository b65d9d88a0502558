/*
 * kdp_xfrm.c: XFRM states and policies over NETLINK_XFRM (libmnl), as
 * `ip xfrm` would install them for GRE over ESP in transport mode:
 *
 *	state:	src S dst D proto esp spi SPI reqid R mode transport
 *		[flag esn] replay-window W aead rfc4106(gcm(aes)) KEY 128
 *		[encap espinudp 4500 PORT 0.0.0.0]
 *	policy:	src S dst D proto 47 dir out|in priority KDP_PRIO
 *		tmpl src S dst D proto esp reqid R mode transport
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "kdp.h"
#include "log.h"
#include "peer.h"

#define KDP_ICV_BITS	128
#define KDP_WINDOW_MAX	CONF_REPLAY_MAX
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP	2
#endif

static struct mnl_socket	*xs;

static int
kdp_xs(void)
{
	if (xs == NULL && (xs = kdp_nl_open(NETLINK_XFRM)) == NULL)
		return -1;
	return 0;
}

void
kdp_xfrm_close(void)
{
	if (xs != NULL)
		mnl_socket_close(xs);
	xs = NULL;
}

static void
kdp_xaddr(const struct addr *a, xfrm_address_t *x)
{
	memset(x, 0, sizeof(*x));
	if (a->af == AF_INET)
		memcpy(&x->a4, &a->u.v4, sizeof(a->u.v4));
	else
		memcpy(x->a6, &a->u.v6, sizeof(a->u.v6));
}

/* Inbound SAs go from the remote to us, outbound from us to the remote. */
static void
kdp_ends(const struct peer *p, enum sa_dir dir, const struct addr **src,
    const struct addr **dst)
{
	*src = dir == SA_DIR_IN ? &p->conf.remote : &p->conf.local;
	*dst = dir == SA_DIR_IN ? &p->conf.local : &p->conf.remote;
}

static void
kdp_lifetime_inf(struct xfrm_lifetime_cfg *lft)
{
	lft->soft_byte_limit = XFRM_INF;
	lft->hard_byte_limit = XFRM_INF;
	lft->soft_packet_limit = XFRM_INF;
	lft->hard_packet_limit = XFRM_INF;
}

int
kdp_xfrm_sa_add(const struct peer *p, enum sa_dir dir,
    const struct sa_params *sp, uint32_t reqid)
{
	char				 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr			*nlh;
	struct xfrm_usersa_info		*sa;
	struct xfrm_algo_aead		*aead;
	struct xfrm_encap_tmpl		 encap;
	struct xfrm_replay_state_esn	*rs;
	_Alignas(8) uint8_t		 abuf[sizeof(struct xfrm_algo_aead) +
					    CONF_KEY_MAX];
	_Alignas(8) uint8_t		 rbuf[sizeof(struct xfrm_replay_state_esn) +
					    KDP_WINDOW_MAX / 8];
	const struct addr		*src, *dst;
	uint32_t			 window, words;
	size_t				 len;
	int				 rv, saved;

	if (kdp_xs() == -1)
		return -1;
	kdp_ends(p, dir, &src, &dst);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	sa = mnl_nlmsg_put_extra_header(nlh, sizeof(*sa));
	sa->sel.family = src->af;
	kdp_xaddr(dst, &sa->id.daddr);
	sa->id.spi = htonl(sp->spi);
	sa->id.proto = IPPROTO_ESP;
	kdp_xaddr(src, &sa->saddr);
	kdp_lifetime_inf(&sa->lft);
	sa->reqid = reqid;
	sa->family = src->af;
	sa->mode = XFRM_MODE_TRANSPORT;
	if (sp->esn)
		sa->flags |= XFRM_STATE_ESN;

	if (sp->keylen > CONF_KEY_MAX) {
		errno = EINVAL;
		return -1;
	}
	len = sizeof(*aead) + sp->keylen;
	aead = (struct xfrm_algo_aead *)abuf;
	memset(abuf, 0, sizeof(abuf));
	strncpy(aead->alg_name, "rfc4106(gcm(aes))", sizeof(aead->alg_name) - 1);
	aead->alg_key_len = (unsigned int)sp->keylen * 8;
	aead->alg_icv_len = KDP_ICV_BITS;
	memcpy(aead->alg_key, sp->key, sp->keylen);
	mnl_attr_put(nlh, XFRMA_ALG_AEAD, len, abuf);

	/* ESN or not, the bitmap form takes windows beyond 32 */
	window = sp->replay_window < 32 ? 32 : sp->replay_window;
	if (window > KDP_WINDOW_MAX)
		window = KDP_WINDOW_MAX;
	words = (window + 31) / 32;
	rs = (struct xfrm_replay_state_esn *)rbuf;
	memset(rbuf, 0, sizeof(rbuf));
	rs->bmp_len = words;
	rs->replay_window = window;
	mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL,
	    sizeof(*rs) + words * sizeof(uint32_t), rbuf);

	if (p->conf.encap == ENCAP_UDP) {
		memset(&encap, 0, sizeof(encap));
		encap.encap_type = UDP_ENCAP_ESPINUDP;
		encap.encap_sport = htons(dir == SA_DIR_IN ? p->conf.port :
		    CONF_ESP_UDP_PORT);
		encap.encap_dport = htons(dir == SA_DIR_IN ?
		    CONF_ESP_UDP_PORT : p->conf.port);
		mnl_attr_put(nlh, XFRMA_ENCAP, sizeof(encap), &encap);
	}
	rv = kdp_nl_talk(xs, nlh, NULL, NULL);
	saved = errno;
	explicit_bzero(buf, sizeof(buf));	/* held the key */
	explicit_bzero(abuf, sizeof(abuf));
	errno = saved;
	return rv;
}

int
kdp_xfrm_sa_del(const struct peer *p, enum sa_dir dir, uint32_t spi)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;
	struct xfrm_usersa_id	*id;
	const struct addr	*src, *dst;

	if (kdp_xs() == -1)
		return -1;
	kdp_ends(p, dir, &src, &dst);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_DELSA;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	kdp_xaddr(dst, &id->daddr);
	id->spi = htonl(spi);
	id->family = dst->af;
	id->proto = IPPROTO_ESP;
	return kdp_nl_talk(xs, nlh, NULL, NULL);
}

static int
kdp_sa_stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct kdp_sa_stats		*st = arg;
	struct xfrm_usersa_info		 sa;

	/* netlink aligns to 4 bytes, the struct wants 8: copy it out */
	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(sa))
		return 0;
	memcpy(&sa, mnl_nlmsg_get_payload(nlh), sizeof(sa));
	st->packets = sa.curlft.packets;
	st->bytes = sa.curlft.bytes;
	st->replay = sa.stats.replay;
	st->replay_window = sa.stats.replay_window;
	st->integrity_failed = sa.stats.integrity_failed;
	return 0;
}

int
kdp_xfrm_sa_stats(const struct peer *p, enum sa_dir dir, uint32_t spi,
    struct kdp_sa_stats *st)
{
	char			 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr		*nlh;
	struct xfrm_usersa_id	*id;
	const struct addr	*src, *dst;

	memset(st, 0, sizeof(*st));
	if (kdp_xs() == -1)
		return -1;
	kdp_ends(p, dir, &src, &dst);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_GETSA;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	kdp_xaddr(dst, &id->daddr);
	id->spi = htonl(spi);
	id->family = dst->af;
	id->proto = IPPROTO_ESP;
	return kdp_nl_talk(xs, nlh, kdp_sa_stats_cb, st);
}

/* GRE between the outer addresses, this direction. */
static void
kdp_selector(const struct peer *p, enum sa_dir dir, struct xfrm_selector *sel)
{
	const struct addr	*src, *dst;

	kdp_ends(p, dir, &src, &dst);
	memset(sel, 0, sizeof(*sel));
	kdp_xaddr(dst, &sel->daddr);
	kdp_xaddr(src, &sel->saddr);
	sel->family = src->af;
	sel->prefixlen_d = sel->prefixlen_s = src->af == AF_INET ? 32 : 128;
	sel->proto = IPPROTO_GRE;
}

/* Create or replace (XFRM_MSG_UPDPOLICY): a restart never duplicates. */
int
kdp_xfrm_policy_add(const struct peer *p, enum sa_dir dir, uint32_t reqid)
{
	char				 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr			*nlh;
	struct xfrm_userpolicy_info	*pol;
	struct xfrm_user_tmpl		 tmpl;
	const struct addr		*src, *dst;

	if (kdp_xs() == -1)
		return -1;
	kdp_ends(p, dir, &src, &dst);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_UPDPOLICY;
	pol = mnl_nlmsg_put_extra_header(nlh, sizeof(*pol));
	kdp_selector(p, dir, &pol->sel);
	kdp_lifetime_inf(&pol->lft);
	pol->priority = KDP_PRIO;
	pol->dir = dir == SA_DIR_IN ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
	pol->action = XFRM_POLICY_ALLOW;
	memset(&tmpl, 0, sizeof(tmpl));
	kdp_xaddr(dst, &tmpl.id.daddr);
	tmpl.id.proto = IPPROTO_ESP;
	tmpl.family = src->af;
	kdp_xaddr(src, &tmpl.saddr);
	tmpl.reqid = reqid;
	tmpl.mode = XFRM_MODE_TRANSPORT;
	tmpl.aalgos = tmpl.ealgos = tmpl.calgos = ~0U;
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(tmpl), &tmpl);
	return kdp_nl_talk(xs, nlh, NULL, NULL);
}

int
kdp_xfrm_policy_del(const struct peer *p, enum sa_dir dir)
{
	char				 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr			*nlh;
	struct xfrm_userpolicy_id	*id;

	if (kdp_xs() == -1)
		return -1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_DELPOLICY;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	kdp_selector(p, dir, &id->sel);
	id->dir = dir == SA_DIR_IN ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
	return kdp_nl_talk(xs, nlh, NULL, NULL);
}

/* --- leftovers of a crashed run ------------------------------------------ */

#define KDP_SWEEP_MAX	512

struct kdp_xsweep {
	struct xfrm_usersa_id		sa[KDP_SWEEP_MAX];
	unsigned int			nsa;
	struct xfrm_userpolicy_id	pol[KDP_SWEEP_MAX];
	unsigned int			npol;
};

static int
kdp_sweep_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct kdp_xsweep			*sw = arg;
	struct xfrm_usersa_info			 sa;
	struct xfrm_userpolicy_info		 pol;

	/* netlink aligns to 4 bytes, the structs want 8: copy them out */
	if (nlh->nlmsg_type == XFRM_MSG_NEWSA &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof(sa)) {
		memcpy(&sa, mnl_nlmsg_get_payload(nlh), sizeof(sa));
		if ((sa.reqid & KDP_REQID_MASK) != KDP_REQID_BASE ||
		    sw->nsa == KDP_SWEEP_MAX)
			return 0;
		sw->sa[sw->nsa].daddr = sa.id.daddr;
		sw->sa[sw->nsa].spi = sa.id.spi;
		sw->sa[sw->nsa].family = sa.family;
		sw->sa[sw->nsa].proto = sa.id.proto;
		sw->nsa++;
	} else if (nlh->nlmsg_type == XFRM_MSG_NEWPOLICY &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof(pol)) {
		memcpy(&pol, mnl_nlmsg_get_payload(nlh), sizeof(pol));
		if (pol.priority != KDP_PRIO || sw->npol == KDP_SWEEP_MAX)
			return 0;
		memset(&sw->pol[sw->npol], 0, sizeof(sw->pol[0]));
		sw->pol[sw->npol].sel = pol.sel;
		sw->pol[sw->npol].dir = pol.dir;
		sw->npol++;
	}
	return 0;
}

static int
kdp_dump(uint16_t type, struct kdp_xsweep *sw)
{
	char		 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr	*nlh;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_DUMP;
	return kdp_nl_talk(xs, nlh, kdp_sweep_cb, sw);
}

/*
 * Removes the policies and states a crashed run left (ours by priority
 * and reqid); returns how many went.
 */
int
kdp_xfrm_sweep(void)
{
	static struct kdp_xsweep	 sw;
	char				 buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr			*nlh;
	unsigned int			 i;

	if (kdp_xs() == -1)
		return -1;
	sw.nsa = sw.npol = 0;
	if (kdp_dump(XFRM_MSG_GETPOLICY, &sw) == -1 ||
	    kdp_dump(XFRM_MSG_GETSA, &sw) == -1)
		return -1;
	for (i = 0; i < sw.npol; i++) {
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = XFRM_MSG_DELPOLICY;
		memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(sw.pol[i])),
		    &sw.pol[i], sizeof(sw.pol[i]));
		if (kdp_nl_talk(xs, nlh, NULL, NULL) == -1)
			log_warn("remove leftover XFRM policy");
	}
	for (i = 0; i < sw.nsa; i++) {
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = XFRM_MSG_DELSA;
		memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(sw.sa[i])),
		    &sw.sa[i], sizeof(sw.sa[i]));
		if (kdp_nl_talk(xs, nlh, NULL, NULL) == -1)
			log_warn("remove leftover XFRM state spi 0x%08x",
			    ntohl(sw.sa[i].spi));
	}
	if (sw.npol + sw.nsa > 0)
		log_info("removed %u leftover XFRM policies and %u states",
		    sw.npol, sw.nsa);
	return (int)(sw.npol + sw.nsa);
}
