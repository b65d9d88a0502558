/*
 * ike_ctl.c: `overlayctl show ike`: the IKE SAs and their CHILD_SAs as
 * JSON, with the IKE counters, lifetimes and rekeys.
 */
#include "config.h"

#include <stdio.h>

#include "dp.h"
#include "ike_sa.h"
#include "peer.h"

static json_t *
ike_hex64(uint64_t v)
{
	char	buf[20];

	snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)v);
	return json_string(buf);
}

static json_t *
ike_spi(uint32_t v)
{
	char	buf[12];

	snprintf(buf, sizeof(buf), "0x%08x", v);
	return json_string(buf);
}

static json_t *
ike_sa_addr(const struct sockaddr_storage *ss)
{
	struct addr	a;
	uint16_t	port;
	char		buf[ADDR_STRLEN];

	if (!addr_from_sa((const struct sockaddr *)ss, &a, &port))
		return json_null();
	return json_string(addr_fmt(&a, buf, sizeof(buf)));
}

static uint16_t
ike_sa_port(const struct sockaddr_storage *ss)
{
	struct addr	a;
	uint16_t	port;

	if (!addr_from_sa((const struct sockaddr *)ss, &a, &port))
		return 0;
	return port;
}

static json_t *
ike_cois(const struct ikesa *sa)
{
	json_t			*arr = json_array();
	const struct mcert_info	*in;
	size_t			 i;

	if (sa->peer_cert == NULL)
		return arr;
	in = mcert_info(sa->peer_cert);
	for (i = 0; i < in->ncoi; i++)
		json_array_append_new(arr, json_string(in->coi[i]));
	return arr;
}

static json_int_t
ike_left(ev_tstamp at, ev_tstamp now)
{
	return at > now ? (json_int_t)(at - now + 0.5) : 0;
}

static json_t *
ike_child_json(const struct ikesa *sa, ev_tstamp now)
{
	const struct ike_child	*c = &sa->child;
	const struct dp_stats	*st;
	char			 alg[16];
	json_t			*o, *old;
	unsigned int		 i;

	if (!c->installed)
		return json_null();
	snprintf(alg, sizeof(alg), "aes-gcm-%u", c->bits);
	st = dp_peer_stats(sa->ip->peer);
	o = json_pack("{s:o, s:o, s:s, s:b, s:s, s:s, s:I}",
	    "spi_in", ike_spi(c->spi_in), "spi_out", ike_spi(c->spi_out),
	    "encryption", alg, "esn", c->esn, "mode", c->tunnel ? "tunnel" : "transport",
	    "selectors", "gre", "age", (json_int_t)(now - c->since));
	/* lifetimes (ike_rekey.c); octets: the tunnel's since install */
	json_object_set_new(o, "lifetime",
	    json_integer(sa->ip->conf.child_life));
	json_object_set_new(o, "rekey_in", json_integer(sa->rekeyed ? 0 :
	    ike_left(c->rekey_at, now)));
	json_object_set_new(o, "bytes", json_integer((json_int_t)(st->tx_bytes +
	    st->rx_bytes - c->bytes0)));
	json_object_set_new(o, "bytes_limit",
	    json_integer((json_int_t)sa->ip->conf.child_bytes));
	old = json_array();
	for (i = 0; i < IKE_XCHILD_MAX; i++)
		if (sa->xchild[i].state != XC_FREE)
			json_array_append_new(old, json_pack("{s:o, s:o, s:s}",
			    "spi_in", ike_spi(sa->xchild[i].ch.spi_in),
			    "spi_out", ike_spi(sa->xchild[i].ch.spi_out),
			    "state", sa->xchild[i].state == XC_PENDING ?
			    "pending" : sa->xchild[i].state == XC_RETIRED ?
			    "retired" : "redundant"));
	json_object_set_new(o, "others", old);
	return o;
}

static json_t *
ike_rekey_json(const struct ikesa *sa, ev_tstamp now)
{
	const struct ike_peer	*ip = sa->ip;

	return json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:I}",
	    "lifetime", (json_int_t)ip->conf.life,
	    "rekey_in", sa->state == IKES_ESTABLISHED && !sa->rekeyed ?
	    ike_left(sa->rekey_at, now) : (json_int_t)0,
	    "in_progress", sa->rk.kind == RK_CHILD ? "child" :
	    sa->rk.kind == RK_IKE ? "ike" : "",
	    "ike", (json_int_t)ip->ike_rekeys,
	    "ike_initiated", (json_int_t)ip->ike_rekeys_init,
	    "child", (json_int_t)ip->child_rekeys,
	    "child_initiated", (json_int_t)ip->child_rekeys_init,
	    "collisions", (json_int_t)ip->collisions);
}

static json_t *
ike_sa_json(const struct ikesa *sa, ev_tstamp now)
{
	char	alg[16];
	json_t	*o;

	snprintf(alg, sizeof(alg), "aes-gcm-%u", sa->suite.keybits);
	o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:s,"
	    " s:s, s:o, s:s, s:I, s:I, s:b, s:b, s:I, s:I, s:I, s:b, s:o}",
	    "tunnel", ike_peer_name(sa->ip),
	    "state", ike_state_name(sa->state),
	    "role", sa->initiator ? "initiator" : "responder",
	    "spi_i", ike_hex64(sa->spi_i), "spi_r", ike_hex64(sa->spi_r),
	    "local", ike_sa_addr(&sa->local),
	    "remote", ike_sa_addr(&sa->remote),
	    "encryption", sa->keyed ? alg : "",
	    "prf", sa->keyed ? "hmac-sha2-256" : "",
	    "dh", sa->keyed ? conf_group_name(sa->suite.dh) : "",
	    "peer_id", sa->peer_id, "peer_cois", ike_cois(sa),
	    "shared_coi", sa->coi,
	    "age", (json_int_t)(now - sa->created),
	    "established_age", (json_int_t)(sa->state == IKES_ESTABLISHED ?
	    now - sa->established : 0),
	    "nat_local", sa->nat_local, "nat_remote", sa->nat_remote,
	    "port", (json_int_t)ike_sa_port(&sa->local),
	    "remote_port", (json_int_t)ike_sa_port(&sa->remote),
	    "nat_keepalives", (json_int_t)sa->keepalives,
	    "fragmentation", sa->frag_peer,
	    "child", ike_child_json(sa, now));
	json_object_set_new(o, "rekey", ike_rekey_json(sa, now));
	return o;
}

json_t *
ike_json(void)
{
	json_t		*arr = json_array();
	struct ikesa	*sa;
	ev_tstamp	 now = ike_loop != NULL ? ev_now(ike_loop) : 0;

	TAILQ_FOREACH(sa, ike_sas(), entry)
		json_array_append_new(arr, ike_sa_json(sa, now));
	return json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
	    "ike_sas", arr, "counters",
	    "rx", (json_int_t)ike_st.rx, "tx", (json_int_t)ike_st.tx,
	    "rx_dropped", (json_int_t)ike_st.rx_dropped,
	    "rx_unknown_peer", (json_int_t)ike_st.rx_unknown_peer,
	    "rx_keepalive", (json_int_t)ike_st.rx_keepalive,
	    "auth_failed", (json_int_t)ike_st.auth_failed,
	    "established", (json_int_t)ike_st.established,
	    "cookies_sent", (json_int_t)ike_st.cookies_sent,
	    "halfopen_dropped", (json_int_t)ike_st.halfopen_dropped,
	    "cookie_rotations", (json_int_t)ike_st.cookie_rotations,
	    /* RFC 7383 */
	    "fragments_tx", (json_int_t)ike_st.frag_tx,
	    "fragments_rx", (json_int_t)ike_st.frag_rx,
	    "reassembled", (json_int_t)ike_st.frag_reassembled,
	    "fragments_dropped", (json_int_t)ike_st.frag_dropped,
	    "ike_rekeys", (json_int_t)ike_st.ike_rekeys,
	    "child_rekeys", (json_int_t)ike_st.child_rekeys,
	    "chains_verified", (json_int_t)ike_st.chains_verified,
	    "chains_cached", (json_int_t)ike_st.chains_cached);
}
