/*
 * ike_test.h: helpers shared by the IKE unit tests and the IKE fuzzer:
 * a message with every payload type, and a deep comparison of two decoded
 * messages (slices compared by content).
 */
#ifndef T_IKE_TEST_H
#define T_IKE_TEST_H

#include <stdbool.h>
#include <string.h>

#include "ike_msg.h"

static inline bool
ike_t_data_eq(const struct ike_data *a, const struct ike_data *b)
{
	return a->len == b->len &&
	    (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

static inline bool
ike_t_sa_eq(const struct ike_sa *a, const struct ike_sa *b)
{
	const struct ike_prop	*p, *q;
	int			 i, j;

	if (a->nprop != b->nprop || a->truncated != b->truncated)
		return false;
	for (i = 0; i < a->nprop; i++) {
		p = &a->prop[i];
		q = &b->prop[i];
		if (p->num != q->num || p->proto != q->proto ||
		    p->spi_size != q->spi_size || p->nxf != q->nxf ||
		    p->oversize != q->oversize ||
		    memcmp(p->spi, q->spi, p->spi_size) != 0)
			return false;
		for (j = 0; j < p->nxf; j++)
			if (p->xf[j].type != q->xf[j].type ||
			    p->xf[j].id != q->xf[j].id ||
			    p->xf[j].keylen != q->xf[j].keylen ||
			    p->xf[j].unknown_attr != q->xf[j].unknown_attr)
				return false;
	}
	return true;
}

static inline bool
ike_t_ts_eq(const struct ike_ts_set *a, const struct ike_ts_set *b)
{
	int	i;

	if (a->nts != b->nts)
		return false;
	for (i = 0; i < a->nts; i++)
		if (memcmp(&a->ts[i], &b->ts[i], sizeof(a->ts[i])) != 0)
			return false;
	return true;
}

static inline bool
ike_t_hdr_eq(const struct ike_hdr *a, const struct ike_hdr *b)
{
	return a->spi_i == b->spi_i && a->spi_r == b->spi_r &&
	    a->next == b->next && a->major == b->major &&
	    a->minor == b->minor && a->exchange == b->exchange &&
	    a->flags == b->flags && a->msgid == b->msgid &&
	    a->length == b->length;
}

/* Everything decoded, header included (but not raw or aad_len). */
static inline bool
ike_t_msg_eq(const struct ike_msg *a, const struct ike_msg *b)
{
	int	i;

	if (!ike_t_hdr_eq(&a->hdr, &b->hdr) || a->present != b->present ||
	    a->norder != b->norder || a->sk_at != b->sk_at ||
	    memcmp(a->order, b->order, a->norder) != 0)
		return false;
	if (ike_msg_has(a, IKE_PLD_SA) && !ike_t_sa_eq(&a->sa, &b->sa))
		return false;
	if (ike_msg_has(a, IKE_PLD_KE) && (a->ke.group != b->ke.group ||
	    !ike_t_data_eq(&a->ke.data, &b->ke.data)))
		return false;
	if (ike_msg_has(a, IKE_PLD_IDI) && (a->idi.type != b->idi.type ||
	    !ike_t_data_eq(&a->idi.data, &b->idi.data)))
		return false;
	if (ike_msg_has(a, IKE_PLD_IDR) && (a->idr.type != b->idr.type ||
	    !ike_t_data_eq(&a->idr.data, &b->idr.data)))
		return false;
	if (ike_msg_has(a, IKE_PLD_AUTH) && (a->auth.method !=
	    b->auth.method || !ike_t_data_eq(&a->auth.data, &b->auth.data)))
		return false;
	if (ike_msg_has(a, IKE_PLD_NONCE) &&
	    !ike_t_data_eq(&a->nonce, &b->nonce))
		return false;
	if (ike_msg_has(a, IKE_PLD_TSI) && !ike_t_ts_eq(&a->tsi, &b->tsi))
		return false;
	if (ike_msg_has(a, IKE_PLD_TSR) && !ike_t_ts_eq(&a->tsr, &b->tsr))
		return false;
	if (a->sk_at >= 0 && (a->sk.first != b->sk.first ||
	    a->sk.frag_num != b->sk.frag_num ||
	    a->sk.frag_total != b->sk.frag_total ||
	    !ike_t_data_eq(&a->sk.body, &b->sk.body)))
		return false;
	if (ike_msg_has(a, IKE_PLD_CP) && !ike_t_data_eq(&a->cp, &b->cp))
		return false;
	if (ike_msg_has(a, IKE_PLD_EAP) && !ike_t_data_eq(&a->eap, &b->eap))
		return false;
	if (a->ncert != b->ncert || a->ncertreq != b->ncertreq ||
	    a->nnotify != b->nnotify || a->nvendor != b->nvendor ||
	    a->ndelete != b->ndelete)
		return false;
	for (i = 0; i < a->ncert; i++)
		if (a->cert[i].enc != b->cert[i].enc ||
		    !ike_t_data_eq(&a->cert[i].data, &b->cert[i].data))
			return false;
	for (i = 0; i < a->ncertreq; i++)
		if (a->certreq[i].enc != b->certreq[i].enc ||
		    !ike_t_data_eq(&a->certreq[i].data, &b->certreq[i].data))
			return false;
	for (i = 0; i < a->nnotify; i++)
		if (a->notify[i].proto != b->notify[i].proto ||
		    a->notify[i].spi_size != b->notify[i].spi_size ||
		    a->notify[i].spi != b->notify[i].spi ||
		    a->notify[i].type != b->notify[i].type ||
		    !ike_t_data_eq(&a->notify[i].data, &b->notify[i].data))
			return false;
	for (i = 0; i < a->nvendor; i++)
		if (!ike_t_data_eq(&a->vendor[i], &b->vendor[i]))
			return false;
	for (i = 0; i < a->ndelete; i++)
		if (a->del[i].proto != b->del[i].proto ||
		    a->del[i].spi_size != b->del[i].spi_size ||
		    a->del[i].nspi != b->del[i].nspi ||
		    !ike_t_data_eq(&a->del[i].spis, &b->del[i].spis))
			return false;
	return true;
}

static const uint8_t	ike_t_bytes[300] = {
	0x30, 0x82, 0x01, 0x0a, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
	0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
	0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
	0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a,
	0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45,
};

static inline struct ike_data
ike_t_slice(size_t off, size_t len)
{
	struct ike_data	d = { ike_t_bytes + off, len };

	return d;
}

/* A proposal: AES-GCM-16-256, PRF-HMAC-SHA2-256, DH 31 and 19. */
static inline void
ike_t_prop(struct ike_prop *p, uint8_t num, uint8_t proto)
{
	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = proto;
	if (proto == IKE_PROTO_ESP) {
		p->spi_size = 4;
		memcpy(p->spi, "\x00\x00\xc0\xde", 4);
		p->nxf = 2;
		p->xf[0] = (struct ike_xform){ IKE_XF_ENCR,
		    IKE_ENCR_AES_GCM_16, 128, false };
		p->xf[1] = (struct ike_xform){ IKE_XF_ESN, IKE_ESN_NO, 0,
		    false };
		return;
	}
	p->nxf = 4;
	p->xf[0] = (struct ike_xform){ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256,
	    false };
	p->xf[1] = (struct ike_xform){ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0,
	    false };
	p->xf[2] = (struct ike_xform){ IKE_XF_DH, IKE_DH_CURVE25519, 0,
	    false };
	p->xf[3] = (struct ike_xform){ IKE_XF_DH, IKE_DH_ECP256, 0, false };
}

static inline void
ike_t_ts(struct ike_ts_set *s, bool v6)
{
	memset(s, 0, sizeof(*s));
	s->nts = 2;
	s->ts[0].type = IKE_TS_IPV4_ADDR_RANGE;
	s->ts[0].proto = 47;
	s->ts[0].eport = 65535;
	memcpy(s->ts[0].start, "\xc6\x33\x64\x01", 4);	/* 198.51.100.1 */
	memcpy(s->ts[0].end, "\xc6\x33\x64\x01", 4);
	s->ts[1].type = v6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	s->ts[1].proto = 0;
	s->ts[1].sport = 65535;		/* OPAQUE */
	s->ts[1].eport = 0;
	if (v6) {
		memcpy(s->ts[1].start, "\x20\x01\x0d\xb8", 4);
		memcpy(s->ts[1].end, "\x20\x01\x0d\xb8\xff\xff\xff\xff"
		    "\xff\xff\xff\xff\xff\xff\xff\xff", 16);
	} else {
		memcpy(s->ts[1].start, "\xc6\x12\x00\x00", 4);
		memcpy(s->ts[1].end, "\xc6\x13\xff\xff", 4);
	}
}

/* Every payload type coimesh decodes, in one cleartext message. */
static inline void
ike_t_full(struct ike_msg *m)
{
	int	i;

	ike_msg_init(m);
	m->hdr.spi_i = 0x0102030405060708ULL;
	m->hdr.spi_r = 0x1112131415161718ULL;
	m->hdr.major = 2;
	m->hdr.exchange = IKE_AUTH;
	m->hdr.flags = IKE_FLAG_INITIATOR;
	m->hdr.msgid = 1;
	ike_msg_add(m, IKE_PLD_SA);
	m->sa.nprop = 2;
	ike_t_prop(&m->sa.prop[0], 1, IKE_PROTO_ESP);
	ike_t_prop(&m->sa.prop[1], 2, IKE_PROTO_ESP);
	m->sa.prop[1].xf[0].keylen = 256;
	ike_msg_add(m, IKE_PLD_KE);
	m->ke.group = IKE_DH_CURVE25519;
	m->ke.data = ike_t_slice(3, 32);
	ike_msg_add(m, IKE_PLD_NONCE);
	m->nonce = ike_t_slice(5, 32);
	ike_msg_add(m, IKE_PLD_IDI);
	m->idi.type = IKE_ID_FQDN;
	m->idi.data = ike_t_slice(10, 12);
	ike_msg_add(m, IKE_PLD_IDR);
	m->idr.type = IKE_ID_IPV4_ADDR;
	m->idr.data = ike_t_slice(0, 4);
	i = ike_msg_add(m, IKE_PLD_CERT);
	m->cert[i].enc = IKE_CERT_X509_SIG;
	m->cert[i].data = ike_t_slice(0, 60);
	i = ike_msg_add(m, IKE_PLD_CERTREQ);
	m->certreq[i].enc = IKE_CERT_X509_SIG;
	m->certreq[i].data = ike_t_slice(7, 40);
	ike_msg_add(m, IKE_PLD_AUTH);
	m->auth.method = IKE_AUTH_SIG;
	m->auth.data = ike_t_slice(1, 50);
	i = ike_msg_add(m, IKE_PLD_NOTIFY);
	m->notify[i].type = IKE_N_USE_TRANSPORT_MODE;
	i = ike_msg_add(m, IKE_PLD_NOTIFY);
	m->notify[i].type = IKE_N_REKEY_SA;
	m->notify[i].proto = IKE_PROTO_ESP;
	m->notify[i].spi_size = 4;
	m->notify[i].spi = 0xc0de;
	i = ike_msg_add(m, IKE_PLD_NOTIFY);
	m->notify[i].type = IKE_N_COOKIE;
	m->notify[i].data = ike_t_slice(20, 64);
	i = ike_msg_add(m, IKE_PLD_NOTIFY);
	m->notify[i].type = IKE_N_SIGNATURE_HASH_ALGORITHMS;
	m->notify[i].data = ike_t_slice(0, 6);
	ike_msg_add(m, IKE_PLD_TSI);
	ike_t_ts(&m->tsi, false);
	ike_msg_add(m, IKE_PLD_TSR);
	ike_t_ts(&m->tsr, true);
	i = ike_msg_add(m, IKE_PLD_DELETE);
	m->del[i].proto = IKE_PROTO_ESP;
	m->del[i].spi_size = 4;
	m->del[i].nspi = 2;
	m->del[i].spis = ike_t_slice(0, 8);
	i = ike_msg_add(m, IKE_PLD_DELETE);
	m->del[i].proto = IKE_PROTO_IKE;
	i = ike_msg_add(m, IKE_PLD_VENDOR);
	m->vendor[i] = ike_t_slice(30, 16);
	ike_msg_add(m, IKE_PLD_CP);
	m->cp = ike_t_slice(0, 8);
	ike_msg_add(m, IKE_PLD_EAP);
	m->eap = ike_t_slice(2, 5);
}

#endif
