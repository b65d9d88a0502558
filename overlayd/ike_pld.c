/*
 * ike_pld.c: one validator and decoder per IKEv2 payload type (RFC 7296
 * section 3, RFC 7383 2.5). Each gets a bounded reader over exactly the
 * payload body (the generic header already consumed and checked), checks
 * every length against what is left before reading, and stores slices into
 * the message. A payload body must be used up exactly: trailing octets
 * are a syntax error, as iked and strongSwan treat them.
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "ike_msg.h"

#define SYNTAX	IKE_N_INVALID_SYNTAX

/* Proposal and transform substructure headers (RFC 7296 3.3.1, 3.3.2) */
#define PROP_HDR_LEN	8
#define XF_HDR_LEN	8
#define PROP_MORE	2
#define XF_MORE		3
#define TS_HDR_LEN	8	/* type, proto, length, ports */

static int
short_body(struct ike_err *e, const char *what, size_t left, size_t want)
{
	return ike_fail(e, SYNTAX, "%s: %zu octets, need %zu", what, left,
	    want);
}

static int
ike_attrs_decode(struct ike_xform *xf, struct rd *r, struct ike_err *e,
    unsigned int pn, unsigned int xn)
{
	uint16_t	atype, val;
	bool		seen_kl = false;

	while (rd_left(r) > 0) {
		if (rd_left(r) < 4)
			return ike_fail(e, SYNTAX, "SA: proposal %u transform"
			    " %u: attribute header %zu octets, need 4", pn, xn,
			    rd_left(r));
		(void)rd_get_u16(r, &atype);
		(void)rd_get_u16(r, &val);
		if ((atype & IKE_ATTR_TV) == 0) {
			/* TLV: val is the length of what follows */
			if ((atype & 0x7fff) == IKE_ATTR_KEY_LENGTH)
				return ike_fail(e, SYNTAX, "SA: proposal %u"
				    " transform %u: Key Length attribute in"
				    " TLV format", pn, xn);
			if (rd_skip(r, val) == -1)
				return ike_fail(e, SYNTAX, "SA: proposal %u"
				    " transform %u: attribute length %u >"
				    " %zu left", pn, xn, val, rd_left(r));
			xf->unknown_attr = true;
			continue;
		}
		atype &= 0x7fff;
		if (atype != IKE_ATTR_KEY_LENGTH) {
			xf->unknown_attr = true;
			continue;
		}
		if (seen_kl)
			return ike_fail(e, SYNTAX, "SA: proposal %u transform"
			    " %u: duplicate Key Length attribute", pn, xn);
		if (val == 0 || val % 8 != 0)
			return ike_fail(e, SYNTAX, "SA: proposal %u transform"
			    " %u: Key Length %u is not a positive multiple"
			    " of 8", pn, xn, val);
		seen_kl = true;
		xf->keylen = val;
	}
	return 0;
}

static int
ike_xform_decode(struct ike_xform *xf, struct rd *r, struct ike_err *e,
    unsigned int pn, unsigned int xn, bool last)
{
	struct rd	attrs;
	uint8_t		more, rsv, type;
	uint16_t	len, id;

	if (rd_left(r) < XF_HDR_LEN)
		return ike_fail(e, SYNTAX, "SA: proposal %u transform %u:"
		    " %zu octets left, need %d", pn, xn, rd_left(r),
		    XF_HDR_LEN);
	(void)rd_get_u8(r, &more);
	(void)rd_get_u8(r, &rsv);
	(void)rd_get_u16(r, &len);
	(void)rd_get_u8(r, &type);
	(void)rd_get_u8(r, &rsv);
	(void)rd_get_u16(r, &id);
	if (len < XF_HDR_LEN)
		return ike_fail(e, SYNTAX, "SA: proposal %u transform %u:"
		    " length %u < %d", pn, xn, len, XF_HDR_LEN);
	if (rd_sub(r, &attrs, len - XF_HDR_LEN) == -1)
		return ike_fail(e, SYNTAX, "SA: proposal %u transform %u:"
		    " length %u > %zu left", pn, xn, len,
		    rd_left(r) + XF_HDR_LEN);
	if (more != (last ? 0 : XF_MORE))
		return ike_fail(e, SYNTAX, "SA: proposal %u transform %u:"
		    " last-substructure %u, want %u", pn, xn, more,
		    last ? 0 : XF_MORE);
	memset(xf, 0, sizeof(*xf));
	xf->type = type;
	xf->id = id;
	return ike_attrs_decode(xf, &attrs, e, pn, xn);
}

static int
ike_spi_size_ok(uint8_t proto, uint8_t size)
{
	switch (proto) {
	case IKE_PROTO_IKE:
		return size == 0 || size == 8;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		return size == 4;
	}
	return 0;
}

static int
ike_prop_decode(struct ike_prop *p, struct rd *r, struct ike_err *e,
    unsigned int idx, int prevnum)
{
	struct ike_xform	 scratch;
	struct ike_xform	*xf;
	uint8_t			 more, rsv, num, proto, spisz, nxf, i;
	uint16_t		 len;
	struct rd		 body;

	if (rd_left(r) < PROP_HDR_LEN)
		return ike_fail(e, SYNTAX, "SA: proposal #%u: %zu octets"
		    " left, need %d", idx, rd_left(r), PROP_HDR_LEN);
	(void)rd_get_u8(r, &more);
	(void)rd_get_u8(r, &rsv);
	(void)rd_get_u16(r, &len);
	(void)rd_get_u8(r, &num);
	(void)rd_get_u8(r, &proto);
	(void)rd_get_u8(r, &spisz);
	(void)rd_get_u8(r, &nxf);
	if (len < PROP_HDR_LEN)
		return ike_fail(e, SYNTAX, "SA: proposal #%u: length %u <"
		    " %d", idx, len, PROP_HDR_LEN);
	if (rd_sub(r, &body, len - PROP_HDR_LEN) == -1)
		return ike_fail(e, SYNTAX, "SA: proposal #%u: length %u >"
		    " %zu left", idx, len, rd_left(r) + PROP_HDR_LEN);
	if (more != (rd_left(r) == 0 ? 0 : PROP_MORE))
		return ike_fail(e, SYNTAX, "SA: proposal #%u:"
		    " last-substructure %u, want %u", idx, more,
		    rd_left(r) == 0 ? 0 : PROP_MORE);
	if (num == 0 || (prevnum >= 0 && num != prevnum + 1))
		return ike_fail(e, SYNTAX, "SA: proposal #%u: number %u,"
		    " want %d", idx, num, prevnum >= 0 ? prevnum + 1 : 1);
	if (!ike_spi_size_ok(proto, spisz))
		return ike_fail(e, SYNTAX, "SA: proposal %u: protocol %u"
		    " with SPI size %u", num, proto, spisz);
	if (nxf == 0)
		return ike_fail(e, SYNTAX, "SA: proposal %u: no transforms",
		    num);
	memset(p, 0, sizeof(*p));
	p->num = num;
	p->proto = proto;
	p->spi_size = spisz;
	if (rd_get_n(&body, p->spi, spisz) == -1)
		return short_body(e, "SA: proposal SPI", rd_left(&body), spisz);
	p->oversize = nxf > IKE_XFORM_MAX;
	p->nxf = p->oversize ? 0 : nxf;
	for (i = 0; i < nxf; i++) {
		xf = p->oversize ? &scratch : &p->xf[i];
		if (ike_xform_decode(xf, &body, e, num, i + 1,
		    i + 1 == nxf) == -1)
			return -1;
	}
	if (rd_left(&body) != 0)
		return ike_fail(e, SYNTAX, "SA: proposal %u: %zu octets"
		    " after %u transforms", num, rd_left(&body), nxf);
	return 0;
}

static int
ike_sa_decode(struct ike_sa *sa, struct rd *r, struct ike_err *e)
{
	struct ike_prop	*scratch;
	struct ike_prop	 tmp;
	unsigned int	 n = 0;
	int		 prev = -1;

	memset(sa, 0, sizeof(*sa));
	if (rd_left(r) == 0)
		return ike_fail(e, SYNTAX, "SA: no proposals");
	while (rd_left(r) > 0) {
		scratch = n < IKE_PROP_MAX ? &sa->prop[n] : &tmp;
		if (ike_prop_decode(scratch, r, e, n + 1, prev) == -1)
			return -1;
		prev = scratch->num;
		if (n < IKE_PROP_MAX)
			sa->nprop = (uint8_t)(n + 1);
		else
			sa->truncated = true;
		if (++n > 255)
			return ike_fail(e, SYNTAX, "SA: more than 255"
			    " proposals");
	}
	return 0;
}

static int
ike_ke_decode(struct ike_ke *ke, struct rd *r, struct ike_err *e)
{
	uint16_t	rsv;

	if (rd_left(r) < 4)
		return short_body(e, "KE", rd_left(r), 4);
	(void)rd_get_u16(r, &ke->group);
	(void)rd_get_u16(r, &rsv);
	if (rd_left(r) == 0)
		return ike_fail(e, SYNTAX, "KE: group %u with no key data",
		    ke->group);
	ke->data.p = rd_ptr(r);
	ke->data.len = rd_left(r);
	return 0;
}

static int
ike_id_decode(struct ike_id *id, struct rd *r, struct ike_err *e,
    const char *name)
{
	size_t	want = 0;

	id->body.p = rd_ptr(r);
	id->body.len = rd_left(r);
	if (rd_left(r) < 4)
		return short_body(e, name, rd_left(r), 4);
	(void)rd_get_u8(r, &id->type);
	(void)rd_skip(r, 3);
	id->data.p = rd_ptr(r);
	id->data.len = rd_left(r);
	switch (id->type) {
	case IKE_ID_IPV4_ADDR:
		want = 4;
		break;
	case IKE_ID_IPV6_ADDR:
		want = 16;
		break;
	case IKE_ID_NULL:
		if (id->data.len != 0)
			return ike_fail(e, SYNTAX, "%s: ID_NULL with %zu"
			    " octets of data", name, id->data.len);
		return 0;
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR:
	case IKE_ID_DER_ASN1_DN:
	case IKE_ID_DER_ASN1_GN:
	case IKE_ID_KEY_ID:
		if (id->data.len == 0)
			return ike_fail(e, SYNTAX, "%s: type %u with no data",
			    name, id->type);
		return 0;
	default:
		/* not ours to judge here: the state machine refuses it */
		return 0;
	}
	if (id->data.len != want)
		return ike_fail(e, SYNTAX, "%s: type %u with %zu octets,"
		    " want %zu", name, id->type, id->data.len, want);
	return 0;
}

static int
ike_cert_decode(struct ike_cert *c, struct rd *r, struct ike_err *e,
    bool req)
{
	const char	*name = req ? "CERTREQ" : "CERT";

	if (rd_left(r) < 1)
		return short_body(e, name, 0, 1);
	(void)rd_get_u8(r, &c->enc);
	c->data.p = rd_ptr(r);
	c->data.len = rd_left(r);
	if (!req && c->data.len == 0)
		return ike_fail(e, SYNTAX, "CERT: encoding %u with no data",
		    c->enc);
	/* X.509 CERTREQ: SHA-1 hashes of trusted CA keys; none means any */
	if (req && c->enc == IKE_CERT_X509_SIG && c->data.len % 20 != 0)
		return ike_fail(e, SYNTAX, "CERTREQ: %zu octets of CA hashes,"
		    " not a multiple of 20", c->data.len);
	return 0;
}

static int
ike_auth_decode(struct ike_auth *a, struct rd *r, struct ike_err *e)
{
	if (rd_left(r) < 4)
		return short_body(e, "AUTH", rd_left(r), 4);
	(void)rd_get_u8(r, &a->method);
	(void)rd_skip(r, 3);
	if (rd_left(r) == 0)
		return ike_fail(e, SYNTAX, "AUTH: method %u with no data",
		    a->method);
	a->data.p = rd_ptr(r);
	a->data.len = rd_left(r);
	return 0;
}

static int
ike_nonce_decode(struct ike_data *n, struct rd *r, struct ike_err *e)
{
	if (rd_left(r) < IKE_NONCE_MIN || rd_left(r) > IKE_NONCE_MAX)
		return ike_fail(e, SYNTAX, "Nonce: %zu octets, want %d..%d",
		    rd_left(r), IKE_NONCE_MIN, IKE_NONCE_MAX);
	n->p = rd_ptr(r);
	n->len = rd_left(r);
	return 0;
}

/* Data length rules of the notifies coimesh acts on; -1: any. */
static void
ike_notify_bounds(uint16_t type, long *min, long *max)
{
	*min = 0;
	*max = -1;
	switch (type) {
	case IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD:
		*min = *max = 1;
		break;
	case IKE_N_INVALID_KE_PAYLOAD:
		*min = *max = 2;
		break;
	case IKE_N_SET_WINDOW_SIZE:
		*min = *max = 4;
		break;
	case IKE_N_NAT_DETECTION_SOURCE_IP:
	case IKE_N_NAT_DETECTION_DESTINATION_IP:
		*min = *max = IKE_NATD_LEN;
		break;
	case IKE_N_COOKIE:
		*min = 1;
		*max = IKE_COOKIE_MAX;
		break;
	case IKE_N_INITIAL_CONTACT:
	case IKE_N_USE_TRANSPORT_MODE:
	case IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED:
	case IKE_N_NON_FIRST_FRAGMENTS_ALSO:
	case IKE_N_MOBIKE_SUPPORTED:
	case IKE_N_IKEV2_FRAGMENTATION_SUPPORTED:
		*max = 0;
		break;
	case IKE_N_SIGNATURE_HASH_ALGORITHMS:
		*min = 2;
		*max = 254;	/* 127 hash IDs */
		break;
	}
}

static int
ike_notify_decode(struct ike_notify *n, struct rd *r, struct ike_err *e)
{
	long	min, max;

	memset(n, 0, sizeof(*n));
	if (rd_left(r) < 4)
		return short_body(e, "Notify", rd_left(r), 4);
	(void)rd_get_u8(r, &n->proto);
	(void)rd_get_u8(r, &n->spi_size);
	(void)rd_get_u16(r, &n->type);
	if (n->spi_size != 0 && n->spi_size != 4)
		return ike_fail(e, SYNTAX, "Notify %s: SPI size %u, want 0"
		    " or 4", ike_notify_name(n->type), n->spi_size);
	if (n->spi_size == 4) {
		if (n->proto != IKE_PROTO_AH && n->proto != IKE_PROTO_ESP)
			return ike_fail(e, SYNTAX, "Notify %s: 4-octet SPI"
			    " with protocol %u", ike_notify_name(n->type),
			    n->proto);
		if (rd_get_u32(r, &n->spi) == -1)
			return short_body(e, "Notify SPI", rd_left(r), 4);
	}
	if (n->type == IKE_N_REKEY_SA && n->spi_size != 4)
		return ike_fail(e, SYNTAX, "Notify REKEY_SA without a"
		    " CHILD_SA SPI");
	n->data.p = rd_ptr(r);
	n->data.len = rd_left(r);
	ike_notify_bounds(n->type, &min, &max);
	if ((long)n->data.len < min || (max >= 0 && (long)n->data.len > max))
		return ike_fail(e, SYNTAX, "Notify %s: %zu octets of data,"
		    " want %ld..%ld", ike_notify_name(n->type), n->data.len,
		    min, max);
	if (n->type == IKE_N_SIGNATURE_HASH_ALGORITHMS && n->data.len % 2)
		return ike_fail(e, SYNTAX, "Notify %s: odd length %zu",
		    ike_notify_name(n->type), n->data.len);
	return 0;
}

static int
ike_delete_decode(struct ike_delete *d, struct rd *r, struct ike_err *e)
{
	if (rd_left(r) < 4)
		return short_body(e, "Delete", rd_left(r), 4);
	(void)rd_get_u8(r, &d->proto);
	(void)rd_get_u8(r, &d->spi_size);
	(void)rd_get_u16(r, &d->nspi);
	switch (d->proto) {
	case IKE_PROTO_IKE:
		if (d->spi_size != 0 || d->nspi != 0)
			return ike_fail(e, SYNTAX, "Delete IKE SA: SPI size"
			    " %u, %u SPIs, want 0, 0", d->spi_size, d->nspi);
		break;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		if (d->spi_size != 4)
			return ike_fail(e, SYNTAX, "Delete protocol %u: SPI"
			    " size %u, want 4", d->proto, d->spi_size);
		if (d->nspi == 0)
			return ike_fail(e, SYNTAX, "Delete protocol %u: no"
			    " SPIs", d->proto);
		break;
	default:
		return ike_fail(e, SYNTAX, "Delete: protocol %u", d->proto);
	}
	if (rd_left(r) != (size_t)d->nspi * d->spi_size)
		return ike_fail(e, SYNTAX, "Delete: %zu octets for %u SPIs of"
		    " %u", rd_left(r), d->nspi, d->spi_size);
	d->spis.p = rd_ptr(r);
	d->spis.len = rd_left(r);
	return 0;
}

static int
ike_ts_one(struct ike_ts *ts, struct rd *r, struct ike_err *e,
    const char *name, unsigned int idx)
{
	uint16_t	len;
	size_t		alen, left = rd_left(r);

	memset(ts, 0, sizeof(*ts));
	if (rd_left(r) < TS_HDR_LEN)
		return ike_fail(e, SYNTAX, "%s: selector %u: %zu octets left,"
		    " need %d", name, idx, rd_left(r), TS_HDR_LEN);
	(void)rd_get_u8(r, &ts->type);
	(void)rd_get_u8(r, &ts->proto);
	(void)rd_get_u16(r, &len);
	(void)rd_get_u16(r, &ts->sport);
	(void)rd_get_u16(r, &ts->eport);
	switch (ts->type) {
	case IKE_TS_IPV4_ADDR_RANGE:
		alen = 4;
		break;
	case IKE_TS_IPV6_ADDR_RANGE:
		alen = 16;
		break;
	default:
		return ike_fail(e, IKE_N_TS_UNACCEPTABLE, "%s: selector %u:"
		    " type %u not supported", name, idx, ts->type);
	}
	if (len != TS_HDR_LEN + 2 * alen)
		return ike_fail(e, SYNTAX, "%s: selector %u: length %u, want"
		    " %zu", name, idx, len, TS_HDR_LEN + 2 * alen);
	if (rd_get_n(r, ts->start, alen) == -1 ||
	    rd_get_n(r, ts->end, alen) == -1)
		return ike_fail(e, SYNTAX, "%s: selector %u: length %u > %zu"
		    " left", name, idx, len, left);
	/* 65535..0 is the OPAQUE port range (RFC 7296 3.13.1) */
	if (ts->sport > ts->eport &&
	    !(ts->sport == 65535 && ts->eport == 0))
		return ike_fail(e, SYNTAX, "%s: selector %u: port range"
		    " %u..%u", name, idx, ts->sport, ts->eport);
	if (memcmp(ts->start, ts->end, alen) > 0)
		return ike_fail(e, SYNTAX, "%s: selector %u: start address"
		    " after end address", name, idx);
	return 0;
}

static int
ike_ts_decode(struct ike_ts_set *set, struct rd *r, struct ike_err *e,
    const char *name)
{
	uint8_t		n, i;

	memset(set, 0, sizeof(*set));
	if (rd_left(r) < 4)
		return short_body(e, name, rd_left(r), 4);
	(void)rd_get_u8(r, &n);
	(void)rd_skip(r, 3);
	if (n == 0)
		return ike_fail(e, SYNTAX, "%s: no selectors", name);
	if (n > IKE_TS_MAX)
		return ike_fail(e, IKE_N_TS_UNACCEPTABLE, "%s: %u selectors,"
		    " at most %d supported", name, n, IKE_TS_MAX);
	for (i = 0; i < n; i++)
		if (ike_ts_one(&set->ts[i], r, e, name, i + 1) == -1)
			return -1;
	if (rd_left(r) != 0)
		return ike_fail(e, SYNTAX, "%s: %zu octets after %u"
		    " selectors", name, rd_left(r), n);
	set->nts = n;
	return 0;
}

/* SK: IV, ciphertext, ICV; the cipher's sizes are checked on opening. */
static int
ike_sk_decode(struct ike_sk *sk, struct rd *r, struct ike_err *e,
    bool frag)
{
	if (frag) {
		if (rd_left(r) < 4)
			return short_body(e, "SKF", rd_left(r), 4);
		(void)rd_get_u16(r, &sk->frag_num);
		(void)rd_get_u16(r, &sk->frag_total);
		if (sk->frag_num == 0 || sk->frag_total == 0 ||
		    sk->frag_num > sk->frag_total)
			return ike_fail(e, SYNTAX, "SKF: fragment %u of %u",
			    sk->frag_num, sk->frag_total);
		if ((sk->frag_num == 1) != (sk->first != IKE_PLD_NONE))
			return ike_fail(e, SYNTAX, "SKF: fragment %u with"
			    " next payload %u", sk->frag_num, sk->first);
	}
	if (rd_left(r) == 0)
		return ike_fail(e, SYNTAX, "%s: empty", frag ? "SKF" : "SK");
	sk->body.p = rd_ptr(r);
	sk->body.len = rd_left(r);
	return 0;
}

static int
ike_multi(uint8_t *count, int max, struct ike_err *e, const char *name)
{
	if (*count >= max)
		return ike_fail(e, SYNTAX, "more than %d %s payloads", max,
		    name);
	return (*count)++;
}

static int
ike_opaque(struct ike_data *d, struct rd *r)
{
	d->p = rd_ptr(r);
	d->len = rd_left(r);
	return 0;
}

/*
 * Decode one payload of a known type. The SK/SKF `first` field has been
 * set by the caller from the generic header's next-payload octet.
 */
int
ike_pld_decode(struct ike_msg *m, uint8_t type, struct rd *r,
    struct ike_err *e)
{
	int	i;

	switch (type) {
	case IKE_PLD_SA:
		return ike_sa_decode(&m->sa, r, e);
	case IKE_PLD_KE:
		return ike_ke_decode(&m->ke, r, e);
	case IKE_PLD_IDI:
		return ike_id_decode(&m->idi, r, e, "IDi");
	case IKE_PLD_IDR:
		return ike_id_decode(&m->idr, r, e, "IDr");
	case IKE_PLD_CERT:
		if ((i = ike_multi(&m->ncert, IKE_CERT_MAX, e, "CERT")) < 0)
			return -1;
		return ike_cert_decode(&m->cert[i], r, e, false);
	case IKE_PLD_CERTREQ:
		if ((i = ike_multi(&m->ncertreq, IKE_CERTREQ_MAX, e,
		    "CERTREQ")) < 0)
			return -1;
		return ike_cert_decode(&m->certreq[i], r, e, true);
	case IKE_PLD_AUTH:
		return ike_auth_decode(&m->auth, r, e);
	case IKE_PLD_NONCE:
		return ike_nonce_decode(&m->nonce, r, e);
	case IKE_PLD_NOTIFY:
		if ((i = ike_multi(&m->nnotify, IKE_NOTIFY_MAX, e,
		    "Notify")) < 0)
			return -1;
		return ike_notify_decode(&m->notify[i], r, e);
	case IKE_PLD_DELETE:
		if ((i = ike_multi(&m->ndelete, IKE_DELETE_MAX, e,
		    "Delete")) < 0)
			return -1;
		return ike_delete_decode(&m->del[i], r, e);
	case IKE_PLD_VENDOR:
		if ((i = ike_multi(&m->nvendor, IKE_VENDOR_MAX, e,
		    "Vendor ID")) < 0)
			return -1;
		return ike_opaque(&m->vendor[i], r);
	case IKE_PLD_TSI:
		return ike_ts_decode(&m->tsi, r, e, "TSi");
	case IKE_PLD_TSR:
		return ike_ts_decode(&m->tsr, r, e, "TSr");
	case IKE_PLD_SK:
		return ike_sk_decode(&m->sk, r, e, false);
	case IKE_PLD_SKF:
		return ike_sk_decode(&m->sk, r, e, true);
	case IKE_PLD_CP:
		return ike_opaque(&m->cp, r);
	case IKE_PLD_EAP:
		return ike_opaque(&m->eap, r);
	}
	return ike_fail(e, SYNTAX, "payload type %u has no decoder", type);
}
