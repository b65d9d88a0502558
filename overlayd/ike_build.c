/*
 * ike_build.c: the IKEv2 encoder, the inverse of ike_msg.c/ike_pld.c.
 * Everything is written through a bounded writer that refuses to pass the
 * end of the caller's buffer; lengths are patched in once a payload's body
 * is written. What the decoder would refuse, the encoder refuses to write.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ike_msg.h"

struct wr {
	uint8_t	*p;
	size_t	 cap;
	size_t	 len;
	int	 err;		/* first errno, 0 if none */
};

/* Per-type counters, so the k-th Notify in order is notify[k]. */
struct ctr {
	uint8_t	cert, certreq, notify, vendor, del;
};

static void
w_fail(struct wr *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

static void
w_put(struct wr *w, const void *p, size_t n)
{
	if (w->err != 0)
		return;
	if (w->cap - w->len < n) {
		w_fail(w, ENOSPC);
		return;
	}
	if (n > 0)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void
w_u8(struct wr *w, uint8_t v)
{
	w_put(w, &v, 1);
}

static void
w_u16(struct wr *w, uint16_t v)
{
	uint8_t	b[2] = { v >> 8, v & 0xff };

	w_put(w, b, 2);
}

static void
w_u32(struct wr *w, uint32_t v)
{
	uint8_t	b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff,
	    v & 0xff };

	w_put(w, b, 4);
}

static void
w_zero(struct wr *w, size_t n)
{
	static const uint8_t	z[4];

	w_put(w, z, n);
}

static void
w_data(struct wr *w, const struct ike_data *d)
{
	if (d->len > 0 && d->p == NULL) {
		w_fail(w, EINVAL);
		return;
	}
	w_put(w, d->p, d->len);
}

/* Patch the 16-bit length at `at` to cover [start, w->len). */
static void
w_len16(struct wr *w, size_t at, size_t start)
{
	size_t	n;

	if (w->err != 0)
		return;
	n = w->len - start;
	if (n > 0xffff) {
		w_fail(w, EINVAL);
		return;
	}
	w->p[at] = n >> 8;
	w->p[at + 1] = n & 0xff;
}

void
ike_hdr_put(const struct ike_hdr *h, uint8_t out[IKE_HDR_LEN])
{
	uint64_t	spi;
	int		i;

	for (i = 0, spi = h->spi_i; i < 8; i++, spi <<= 8)
		out[i] = spi >> 56;
	for (i = 0, spi = h->spi_r; i < 8; i++, spi <<= 8)
		out[8 + i] = spi >> 56;
	out[16] = h->next;
	out[17] = (uint8_t)(h->major << 4 | (h->minor & 0x0f));
	out[18] = h->exchange;
	out[19] = h->flags;
	out[20] = h->msgid >> 24;
	out[21] = (h->msgid >> 16) & 0xff;
	out[22] = (h->msgid >> 8) & 0xff;
	out[23] = h->msgid & 0xff;
	out[24] = h->length >> 24;
	out[25] = (h->length >> 16) & 0xff;
	out[26] = (h->length >> 8) & 0xff;
	out[27] = h->length & 0xff;
}

static void
put_xform(struct wr *w, const struct ike_xform *xf, bool last)
{
	size_t	start = w->len;

	w_u8(w, last ? 0 : 3);
	w_u8(w, 0);
	w_u16(w, 0);
	w_u8(w, xf->type);
	w_u8(w, 0);
	w_u16(w, xf->id);
	if (xf->keylen != 0) {
		w_u16(w, IKE_ATTR_TV | IKE_ATTR_KEY_LENGTH);
		w_u16(w, xf->keylen);
	}
	w_len16(w, start + 2, start);
}

static void
put_sa(struct wr *w, const struct ike_sa *sa)
{
	const struct ike_prop	*p;
	size_t			 start;
	uint8_t			 i, j;

	if (sa->nprop == 0 || sa->nprop > IKE_PROP_MAX) {
		w_fail(w, EINVAL);
		return;
	}
	for (i = 0; i < sa->nprop; i++) {
		p = &sa->prop[i];
		if (p->nxf == 0 || p->nxf > IKE_XFORM_MAX ||
		    p->spi_size > IKE_SPI_MAX) {
			w_fail(w, EINVAL);
			return;
		}
		start = w->len;
		w_u8(w, i + 1 < sa->nprop ? 2 : 0);
		w_u8(w, 0);
		w_u16(w, 0);
		w_u8(w, p->num);
		w_u8(w, p->proto);
		w_u8(w, p->spi_size);
		w_u8(w, p->nxf);
		w_put(w, p->spi, p->spi_size);
		for (j = 0; j < p->nxf; j++)
			put_xform(w, &p->xf[j], j + 1 == p->nxf);
		w_len16(w, start + 2, start);
	}
}

static void
put_ts(struct wr *w, const struct ike_ts_set *set)
{
	const struct ike_ts	*ts;
	size_t			 alen;
	uint8_t			 i;

	if (set->nts == 0 || set->nts > IKE_TS_MAX) {
		w_fail(w, EINVAL);
		return;
	}
	w_u8(w, set->nts);
	w_zero(w, 3);
	for (i = 0; i < set->nts; i++) {
		ts = &set->ts[i];
		if (ts->type == IKE_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (ts->type == IKE_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else {
			w_fail(w, EINVAL);
			return;
		}
		w_u8(w, ts->type);
		w_u8(w, ts->proto);
		w_u16(w, (uint16_t)(8 + 2 * alen));
		w_u16(w, ts->sport);
		w_u16(w, ts->eport);
		w_put(w, ts->start, alen);
		w_put(w, ts->end, alen);
	}
}

static void
put_notify(struct wr *w, const struct ike_notify *n)
{
	if (n->spi_size != 0 && n->spi_size != 4) {
		w_fail(w, EINVAL);
		return;
	}
	w_u8(w, n->proto);
	w_u8(w, n->spi_size);
	w_u16(w, n->type);
	if (n->spi_size == 4)
		w_u32(w, n->spi);
	w_data(w, &n->data);
}

static void
put_delete(struct wr *w, const struct ike_delete *d)
{
	if (d->spis.len != (size_t)d->nspi * d->spi_size) {
		w_fail(w, EINVAL);
		return;
	}
	w_u8(w, d->proto);
	w_u8(w, d->spi_size);
	w_u16(w, d->nspi);
	w_data(w, &d->spis);
}

static void
put_typed(struct wr *w, uint8_t type, bool rsv, const struct ike_data *d)
{
	w_u8(w, type);
	if (rsv)
		w_zero(w, 3);
	w_data(w, d);
}

static void
put_body(struct wr *w, const struct ike_msg *m, uint8_t type, struct ctr *c)
{
	switch (type) {
	case IKE_PLD_SA:
		put_sa(w, &m->sa);
		break;
	case IKE_PLD_KE:
		w_u16(w, m->ke.group);
		w_u16(w, 0);
		w_data(w, &m->ke.data);
		break;
	case IKE_PLD_IDI:
		put_typed(w, m->idi.type, true, &m->idi.data);
		break;
	case IKE_PLD_IDR:
		put_typed(w, m->idr.type, true, &m->idr.data);
		break;
	case IKE_PLD_CERT:
		if (c->cert >= m->ncert)
			break;
		put_typed(w, m->cert[c->cert].enc, false,
		    &m->cert[c->cert].data);
		c->cert++;
		return;
	case IKE_PLD_CERTREQ:
		if (c->certreq >= m->ncertreq)
			break;
		put_typed(w, m->certreq[c->certreq].enc, false,
		    &m->certreq[c->certreq].data);
		c->certreq++;
		return;
	case IKE_PLD_AUTH:
		put_typed(w, m->auth.method, true, &m->auth.data);
		break;
	case IKE_PLD_NONCE:
		w_data(w, &m->nonce);
		break;
	case IKE_PLD_NOTIFY:
		if (c->notify >= m->nnotify)
			break;
		put_notify(w, &m->notify[c->notify++]);
		return;
	case IKE_PLD_DELETE:
		if (c->del >= m->ndelete)
			break;
		put_delete(w, &m->del[c->del++]);
		return;
	case IKE_PLD_VENDOR:
		if (c->vendor >= m->nvendor)
			break;
		w_data(w, &m->vendor[c->vendor++]);
		return;
	case IKE_PLD_TSI:
		put_ts(w, &m->tsi);
		break;
	case IKE_PLD_TSR:
		put_ts(w, &m->tsr);
		break;
	case IKE_PLD_SKF:
		w_u16(w, m->sk.frag_num);
		w_u16(w, m->sk.frag_total);
		/* FALLTHROUGH */
	case IKE_PLD_SK:
		w_data(w, &m->sk.body);
		break;
	case IKE_PLD_CP:
		w_data(w, &m->cp);
		break;
	case IKE_PLD_EAP:
		w_data(w, &m->eap);
		break;
	default:
		w_fail(w, EINVAL);
		break;
	}
	if (type == IKE_PLD_CERT || type == IKE_PLD_CERTREQ ||
	    type == IKE_PLD_NOTIFY || type == IKE_PLD_DELETE ||
	    type == IKE_PLD_VENDOR)
		w_fail(w, EINVAL);	/* more in order than filled in */
}

static void
ctr_advance(struct ctr *c, uint8_t type)
{
	switch (type) {
	case IKE_PLD_CERT:
		c->cert++;
		break;
	case IKE_PLD_CERTREQ:
		c->certreq++;
		break;
	case IKE_PLD_NOTIFY:
		c->notify++;
		break;
	case IKE_PLD_DELETE:
		c->del++;
		break;
	case IKE_PLD_VENDOR:
		c->vendor++;
		break;
	}
}

/*
 * Write order[from, to) as a chain. The last payload's next-payload is
 * `last_next`, except that an SK/SKF payload always names its first inner
 * payload.
 */
static void
put_chain(struct wr *w, const struct ike_msg *m, int from, int to,
    uint8_t last_next)
{
	struct ctr	c;
	size_t		start;
	uint8_t		type, next;
	int		i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < from; i++)
		ctr_advance(&c, m->order[i]);
	for (i = from; i < to; i++) {
		type = m->order[i];
		if (type == IKE_PLD_SK || type == IKE_PLD_SKF)
			next = m->sk.first;
		else
			next = i + 1 < to ? m->order[i + 1] : last_next;
		start = w->len;
		w_u8(w, next);
		w_u8(w, 0);
		w_u16(w, 0);
		put_body(w, m, type, &c);
		w_len16(w, start + 2, start);
	}
}

static long
w_done(struct wr *w)
{
	if (w->err != 0) {
		errno = w->err;
		return -1;
	}
	return (long)w->len;
}

static void
put_hdr(struct wr *w, const struct ike_msg *m, uint8_t first)
{
	uint8_t		b[IKE_HDR_LEN];
	struct ike_hdr	h = m->hdr;

	h.next = first;
	h.length = 0;		/* patched by the caller */
	ike_hdr_put(&h, b);
	w_put(w, b, sizeof(b));
}

static void
w_len32(struct wr *w)
{
	if (w->err != 0)
		return;
	w->p[24] = (uint8_t)(w->len >> 24);
	w->p[25] = (w->len >> 16) & 0xff;
	w->p[26] = (w->len >> 8) & 0xff;
	w->p[27] = w->len & 0xff;
}

int
ike_msg_add(struct ike_msg *m, uint8_t type)
{
	uint8_t	*count = NULL;
	int	 max = 1, idx = 0;

	switch (type) {
	case IKE_PLD_CERT:
		count = &m->ncert;
		max = IKE_CERT_MAX;
		break;
	case IKE_PLD_CERTREQ:
		count = &m->ncertreq;
		max = IKE_CERTREQ_MAX;
		break;
	case IKE_PLD_NOTIFY:
		count = &m->nnotify;
		max = IKE_NOTIFY_MAX;
		break;
	case IKE_PLD_DELETE:
		count = &m->ndelete;
		max = IKE_DELETE_MAX;
		break;
	case IKE_PLD_VENDOR:
		count = &m->nvendor;
		max = IKE_VENDOR_MAX;
		break;
	default:
		if (!((type >= IKE_PLD_SA && type <= IKE_PLD_EAP) ||
		    type == IKE_PLD_SKF) || ike_msg_has(m, type) ||
		    (type == IKE_PLD_SK && ike_msg_has(m, IKE_PLD_SKF)) ||
		    (type == IKE_PLD_SKF && ike_msg_has(m, IKE_PLD_SK)))
			goto inval;
	}
	if (m->norder >= IKE_PLD_MAX || (count != NULL && *count >= max))
		goto inval;
	if (count != NULL)
		idx = (*count)++;
	if (type == IKE_PLD_SK || type == IKE_PLD_SKF)
		m->sk_at = m->norder;
	m->order[m->norder++] = type;
	m->present |= type >= 32 && type < 96 ? (uint64_t)1 << (type - 32) : 0;
	return idx;
inval:
	errno = EINVAL;
	return -1;
}

/* Header and payloads, up to and including SK/SKF (body as given). */
long
ike_msg_build(const struct ike_msg *m, uint8_t *buf, size_t cap)
{
	struct wr	w = { buf, cap, 0, 0 };
	int		to = m->sk_at >= 0 ? m->sk_at + 1 : m->norder;

	put_hdr(&w, m, to > 0 ? m->order[0] : IKE_PLD_NONE);
	put_chain(&w, m, 0, to, IKE_PLD_NONE);
	w_len32(&w);
	return w_done(&w);
}

/*
 * Header and the payloads before SK/SKF, the last announcing SK/SKF:
 * where ike_sk_seal() continues. The header length is left zero.
 */
long
ike_msg_build_prefix(const struct ike_msg *m, uint8_t *buf, size_t cap)
{
	struct wr	w = { buf, cap, 0, 0 };

	if (m->sk_at < 0) {
		errno = EINVAL;
		return -1;
	}
	put_hdr(&w, m, m->order[0]);
	put_chain(&w, m, 0, m->sk_at, m->order[m->sk_at]);
	return w_done(&w);
}

/* The payloads after SK/SKF: the plaintext to seal (without padding). */
long
ike_msg_build_inner(const struct ike_msg *m, uint8_t *buf, size_t cap)
{
	struct wr	w = { buf, cap, 0, 0 };

	if (m->sk_at < 0) {
		errno = EINVAL;
		return -1;
	}
	put_chain(&w, m, m->sk_at + 1, m->norder, IKE_PLD_NONE);
	return w_done(&w);
}
