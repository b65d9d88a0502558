/*
 * test_ike_msg.c: the IKEv2 message codec (ike_msg.c, ike_pld.c,
 * ike_build.c): parse(build(x)) == x for every payload, byte-exact
 * rebuilding of messages captured from strongSwan, and every malformed
 * case: truncation at every length, bad lengths at every generic header,
 * bad versions, unknown critical payloads, bad proposals, transforms,
 * attributes, selectors, nonces, notifies, deletes and SK/SKF placement.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "ike_msg.h"
#include "ike_test.h"
#include "ike_vectors.h"

static uint8_t	buf[IKE_MSG_MAX];
static uint8_t	buf2[IKE_MSG_MAX];

/* Hex with spaces allowed, into out; returns the length. */
static size_t
hx(const char *s, uint8_t *out)
{
	size_t		n = 0;
	unsigned int	v;

	while (*s != '\0') {
		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Header (exchange x, message ID 1 unless IKE_SA_INIT) + one payload. */
static size_t
one(uint8_t x, uint8_t type, uint8_t flags, const char *body)
{
	struct ike_hdr	h;
	size_t		n;

	memset(&h, 0, sizeof(h));
	h.spi_i = 0xa1a2a3a4a5a6a7a8ULL;
	h.spi_r = x == IKE_SA_INIT ? 0 : 0xb1b2b3b4b5b6b7b8ULL;
	h.next = type;
	h.major = 2;
	h.exchange = x;
	h.flags = IKE_FLAG_INITIATOR;
	h.msgid = x == IKE_SA_INIT ? 0 : 1;
	n = hx(body, buf + IKE_HDR_LEN + IKE_GEN_HDR_LEN);
	buf[IKE_HDR_LEN] = 0;
	buf[IKE_HDR_LEN + 1] = flags;
	buf[IKE_HDR_LEN + 2] = (n + 4) >> 8;
	buf[IKE_HDR_LEN + 3] = (n + 4) & 0xff;
	h.length = (uint32_t)(IKE_HDR_LEN + IKE_GEN_HDR_LEN + n);
	ike_hdr_put(&h, buf);
	return h.length;
}

static void
ok_parse(struct ike_msg *m, const uint8_t *p, size_t len)
{
	struct ike_err	e;

	if (ike_msg_parse(m, p, len, &e) != 0)
		fail_msg("parse failed: %s", e.reason);
}

static void
bad(const uint8_t *p, size_t len, uint16_t notify, const char *reason)
{
	struct ike_msg	m;
	struct ike_err	e;

	assert_int_equal(ike_msg_parse(&m, p, len, &e), -1);
	if (reason != NULL && strcmp(e.reason, reason) != 0)
		fail_msg("reason \"%s\", want \"%s\"", e.reason, reason);
	assert_int_equal(e.notify, notify);
}

/* One payload of this type with this body must be refused thus. */
static void
bad1(uint8_t type, const char *body, uint16_t notify, const char *reason)
{
	size_t	n = one(IKE_AUTH, type, 0, body);

	bad(buf, n, notify, reason);
}

static void
good1(struct ike_msg *m, uint8_t type, const char *body)
{
	size_t	n = one(IKE_AUTH, type, 0, body);

	ok_parse(m, buf, n);
}

static void
test_roundtrip_full(void **state)
{
	struct ike_msg	x, y;
	long		n, n2;

	(void)state;
	ike_t_full(&x);
	n = ike_msg_build(&x, buf, sizeof(buf));
	assert_true(n > IKE_HDR_LEN);
	ok_parse(&y, buf, (size_t)n);
	x.hdr.length = (uint32_t)n;
	x.hdr.next = x.order[0];
	assert_true(ike_t_msg_eq(&x, &y));
	/* the parsed form builds the same octets */
	n2 = ike_msg_build(&y, buf2, sizeof(buf2));
	assert_int_equal(n, n2);
	assert_memory_equal(buf, buf2, (size_t)n);
	/* ID body is what AUTH signs: type, RESERVED, data */
	assert_int_equal(y.idi.body.len, 4 + 12);
	assert_int_equal(y.idi.body.p[0], IKE_ID_FQDN);
	assert_ptr_equal(y.idi.body.p + 4, y.idi.data.p);
	assert_non_null(ike_msg_notify(&y, IKE_N_COOKIE));
	assert_null(ike_msg_notify(&y, IKE_N_INITIAL_CONTACT));
}

/* Each payload type alone, and every capacity short of the message. */
static void
test_roundtrip_each(void **state)
{
	struct ike_msg	full, x, y;
	long		n;
	size_t		cap;
	int		i;

	(void)state;
	ike_t_full(&full);
	for (i = 0; i < full.norder; i++) {
		x = full;
		x.norder = 0;
		x.present = 0;
		x.ncert = x.ncertreq = x.nnotify = x.nvendor = x.ndelete = 0;
		assert_true(ike_msg_add(&x, full.order[i]) >= 0);
		n = ike_msg_build(&x, buf, sizeof(buf));
		assert_true(n > IKE_HDR_LEN);
		ok_parse(&y, buf, (size_t)n);
		x.hdr.length = (uint32_t)n;
		x.hdr.next = x.order[0];
		if (!ike_t_msg_eq(&x, &y))
			fail_msg("%s payload does not round-trip",
			    ike_payload_name(full.order[i]));
		for (cap = 0; cap < (size_t)n; cap++)
			assert_int_equal(ike_msg_build(&x, buf2, cap), -1);
	}
}

static void
test_roundtrip_sk(void **state)
{
	struct ike_msg	x, y;
	long		n;
	int		i;

	(void)state;
	ike_msg_init(&x);
	x.hdr.spi_i = 1;
	x.hdr.spi_r = 2;
	x.hdr.major = 2;
	x.hdr.exchange = IKE_INFORMATIONAL;
	x.hdr.msgid = 7;
	i = ike_msg_add(&x, IKE_PLD_NOTIFY);
	x.notify[i].type = IKE_N_INITIAL_CONTACT;
	assert_int_equal(ike_msg_add(&x, IKE_PLD_SK), 0);
	assert_int_equal(ike_msg_add(&x, IKE_PLD_SKF), -1);
	x.sk.first = IKE_PLD_DELETE;
	x.sk.body = ike_t_slice(0, 41);
	n = ike_msg_build(&x, buf, sizeof(buf));
	ok_parse(&y, buf, (size_t)n);
	x.hdr.length = (uint32_t)n;
	x.hdr.next = IKE_PLD_NOTIFY;
	assert_true(ike_t_msg_eq(&x, &y));
	assert_int_equal(y.sk_at, 1);
	/* AAD: header, the Notify (8), the SK generic header */
	assert_int_equal(y.sk.aad_len, IKE_HDR_LEN + 8 + 4);

	/* SKF fragment 1 of 3 */
	ike_msg_init(&x);
	x.hdr.spi_i = 1;
	x.hdr.major = 2;
	x.hdr.exchange = IKE_AUTH;
	x.hdr.msgid = 1;
	ike_msg_add(&x, IKE_PLD_SKF);
	x.sk.first = IKE_PLD_IDI;
	x.sk.frag_num = 1;
	x.sk.frag_total = 3;
	x.sk.body = ike_t_slice(3, 30);
	n = ike_msg_build(&x, buf, sizeof(buf));
	ok_parse(&y, buf, (size_t)n);
	x.hdr.length = (uint32_t)n;
	x.hdr.next = IKE_PLD_SKF;
	assert_true(ike_t_msg_eq(&x, &y));
	assert_int_equal(y.sk.aad_len, IKE_HDR_LEN + IKE_SKF_HDR_LEN);
}

/* Cut anywhere: never accepted, header length patched or not. */
static void
test_truncation(void **state)
{
	struct ike_msg	x;
	long		n;
	size_t		k;

	(void)state;
	ike_t_full(&x);
	n = ike_msg_build(&x, buf2, sizeof(buf2));
	for (k = 0; k < (size_t)n; k++) {
		memcpy(buf, buf2, k);
		bad(buf, k, 0, NULL);
		if (k < IKE_HDR_LEN)
			continue;
		put32(buf + 24, (uint32_t)k);
		bad(buf, k, IKE_N_INVALID_SYNTAX, NULL);
	}
	bad(buf2, 0, 0, "message of 0 octets, shorter than the 28-octet"
	    " header");
}

/* Every wrong value of every generic payload length is refused. */
static void
test_generic_lengths(void **state)
{
	struct ike_err	e;
	struct ike_msg	x, y;
	long		n;
	size_t		at, len, v;

	(void)state;
	ike_t_full(&x);
	n = ike_msg_build(&x, buf2, sizeof(buf2));
	x.hdr.length = (uint32_t)n;
	x.hdr.next = x.order[0];
	for (at = IKE_HDR_LEN; at < (size_t)n; at += len) {
		len = (size_t)buf2[at + 2] << 8 | buf2[at + 3];
		for (v = 0; v < (size_t)n + 8; v++) {
			if (v == len)
				continue;
			memcpy(buf, buf2, (size_t)n);
			buf[at + 2] = (uint8_t)(v >> 8);
			buf[at + 3] = (uint8_t)v;
			/*
			 * A longer payload may swallow the next ones and
			 * still make a valid (other) message; never this one.
			 */
			if (ike_msg_parse(&y, buf, (size_t)n, &e) == 0) {
				if (ike_t_msg_eq(&x, &y))
					fail_msg("payload at %zu: length %zu"
					    " ignored", at, v);
				continue;
			}
			assert_true(e.notify == IKE_N_INVALID_SYNTAX ||
			    e.notify == IKE_N_TS_UNACCEPTABLE ||
			    e.notify == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
		}
	}
	memcpy(buf, buf2, (size_t)n);
	buf[IKE_HDR_LEN + 2] = 0;
	buf[IKE_HDR_LEN + 3] = 3;
	bad(buf, (size_t)n, IKE_N_INVALID_SYNTAX, "SA payload: length 3 < 4");
}

/* Offset of the first payload of this type in a built message. */
static size_t
find_pld(const uint8_t *p, size_t n, uint8_t type)
{
	size_t	at = IKE_HDR_LEN;
	uint8_t	t = p[16];

	while (at + 4 <= n && t != type) {
		t = p[at];
		at += (size_t)p[at + 2] << 8 | p[at + 3];
	}
	assert_true(at + 4 <= n);
	return at;
}

/* Every wrong value of substructure lengths: proposal, transform, TS. */
static void
test_sub_lengths(void **state)
{
	struct ike_msg	x, y;
	struct ike_err	e;
	size_t		sa, ts, fields[6], f, v, len;
	long		n;

	(void)state;
	ike_t_full(&x);
	n = ike_msg_build(&x, buf2, sizeof(buf2));
	x.hdr.length = (uint32_t)n;
	x.hdr.next = x.order[0];
	sa = find_pld(buf2, (size_t)n, IKE_PLD_SA);
	ts = find_pld(buf2, (size_t)n, IKE_PLD_TSR);
	fields[0] = sa + 4 + 2;			/* proposal 1 length */
	fields[1] = sa + 4 + 8 + 4 + 2;		/* its transform 1 */
	fields[2] = sa + 4 + 8 + 4 + 12 + 2;	/* its transform 2 */
	fields[3] = sa + 4 + 32 + 2;		/* proposal 2 */
	fields[4] = ts + 8 + 2;			/* selector 1 */
	fields[5] = ts + 8 + 16 + 2;		/* selector 2 (IPv6) */
	for (f = 0; f < nitems(fields); f++) {
		len = (size_t)buf2[fields[f]] << 8 | buf2[fields[f] + 1];
		for (v = 0; v <= 0xffff; v++) {
			if (v == len)
				continue;
			memcpy(buf, buf2, (size_t)n);
			buf[fields[f]] = (uint8_t)(v >> 8);
			buf[fields[f] + 1] = (uint8_t)v;
			assert_int_equal(ike_msg_parse(&y, buf, (size_t)n, &e),
			    -1);
			assert_int_equal(e.notify, IKE_N_INVALID_SYNTAX);
		}
	}
}

static void
test_header(void **state)
{
	struct ike_msg	m;
	size_t		n;

	(void)state;
	n = one(IKE_AUTH, IKE_PLD_NONCE, 0, "00112233445566778899aabbccddeeff");
	ok_parse(&m, buf, n);
	assert_int_equal(m.hdr.msgid, 1);
	assert_int_equal(m.hdr.spi_i, 0xa1a2a3a4a5a6a7a8ULL);
	assert_int_equal(m.hdr.flags, IKE_FLAG_INITIATOR);

	buf[17] = 0x30;
	bad(buf, n, IKE_N_INVALID_MAJOR_VERSION, "major version 3");
	buf[17] = 0x10;
	bad(buf, n, 0, "major version 1");
	buf[17] = 0x2f;		/* minor versions are ignored */
	ok_parse(&m, buf, n);
	assert_int_equal(m.hdr.minor, 15);
	buf[17] = 0x20;
	buf[19] = 0xff;		/* so are unknown flags */
	ok_parse(&m, buf, n);
	buf[19] = IKE_FLAG_INITIATOR;

	put32(buf + 24, (uint32_t)n + 1);
	bad(buf, n, 0, "header length 49, datagram 48 octets");
	put32(buf + 24, (uint32_t)n - 1);
	bad(buf, n, 0, "header length 47, datagram 48 octets");
	put32(buf + 24, (uint32_t)n);
	buf[18] = 33;
	bad(buf, n, 0, "exchange type 33 unknown");
	buf[18] = 38;
	bad(buf, n, 0, "exchange type 38 unknown");
	buf[18] = IKE_INTERMEDIATE;
	ok_parse(&m, buf, n);
	buf[18] = IKE_AUTH;
	memset(buf, 0, 8);
	bad(buf, n, 0, "initiator SPI is zero");

	n = one(IKE_SA_INIT, IKE_PLD_NONCE, 0, "00112233445566778899aabbccddeeff");
	ok_parse(&m, buf, n);
	buf[8] = 1;
	bad(buf, n, 0, "IKE_SA_INIT request with a responder SPI");
	buf[19] = IKE_FLAG_RESPONSE;
	ok_parse(&m, buf, n);
	buf[23] = 1;
	bad(buf, n, 0, "IKE_SA_INIT with message ID 1");
}

static void
test_critical(void **state)
{
	struct ike_msg	m;
	struct ike_err	e;
	size_t		n;

	(void)state;
	n = one(IKE_AUTH, 49, 0x80, "0102");
	assert_int_equal(ike_msg_parse(&m, buf, n, &e), -1);
	assert_int_equal(e.notify, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_string_equal(e.reason, "unsupported critical payload type 49");
	assert_int_equal(e.ndata_len, 1);
	assert_int_equal(e.ndata[0], 49);

	/* not critical: skipped, what follows still parsed */
	n = one(IKE_AUTH, 200, 0x7f, "01020304");
	buf[IKE_HDR_LEN] = IKE_PLD_VENDOR;
	memcpy(buf + n, "\x00\x00\x00\x06\xab\xcd", 6);
	n += 6;
	put32(buf + 24, (uint32_t)n);
	ok_parse(&m, buf, n);
	assert_int_equal(m.norder, 1);
	assert_int_equal(m.order[0], IKE_PLD_VENDOR);
	assert_int_equal(m.vendor[0].len, 2);

	/* the critical bit on a known payload means nothing */
	n = one(IKE_AUTH, IKE_PLD_VENDOR, 0x80, "ab");
	ok_parse(&m, buf, n);
	/* after an unknown one, the type it announces is checked */
	n = one(IKE_AUTH, 99, 0, "");
	buf[IKE_HDR_LEN] = 98;
	bad(buf, n, IKE_N_INVALID_SYNTAX,
	    "unknown payload: 0 octets left, need 4 for its header");
}

#define XF_AES256	"00 00 00 0c 01 00 00 14 80 0e 01 00"

static void
test_sa(void **state)
{
	struct ike_msg	m;
	const uint8_t	S = IKE_PLD_SA;
	const uint16_t	X = IKE_N_INVALID_SYNTAX;
	char		body[4096];
	int		i;

	(void)state;
	good1(&m, S, "00 00 00 14 01 01 00 01" XF_AES256);
	assert_int_equal(m.sa.nprop, 1);
	assert_int_equal(m.sa.prop[0].xf[0].keylen, 256);
	assert_int_equal(m.sa.prop[0].xf[0].id, IKE_ENCR_AES_GCM_16);
	/* IKE rekey: 8-octet SPI; ESP: 4 */
	good1(&m, S, "00 00 00 1c 01 01 08 01 0102030405060708" XF_AES256);
	assert_memory_equal(m.sa.prop[0].spi, "\x01\x02\x03\x04\x05\x06\x07"
	    "\x08", 8);
	good1(&m, S, "00 00 00 18 05 03 04 01 0000c0de" XF_AES256);
	assert_int_equal(m.sa.prop[0].num, 5);

	bad1(S, "", X, "SA: no proposals");
	bad1(S, "00 00 00 07 01 01 00 01" XF_AES256, X,
	    "SA: proposal #1: length 7 < 8");
	bad1(S, "00 00 00 15 01 01 00 01" XF_AES256, X,
	    "SA: proposal #1: length 21 > 20 left");
	bad1(S, "02 00 00 14 01 01 00 01" XF_AES256, X,
	    "SA: proposal #1: last-substructure 2, want 0");
	bad1(S, "00 00 00 14 01 01 00 01" XF_AES256
	    "00 00 00 14 02 01 00 01" XF_AES256, X,
	    "SA: proposal #1: last-substructure 0, want 2");
	bad1(S, "00 00 00 14 00 01 00 01" XF_AES256, X,
	    "SA: proposal #1: number 0, want 1");
	bad1(S, "02 00 00 14 01 01 00 01" XF_AES256
	    "00 00 00 14 03 01 00 01" XF_AES256, X,
	    "SA: proposal #2: number 3, want 2");
	bad1(S, "00 00 00 14 01 04 00 01" XF_AES256, X,
	    "SA: proposal 1: protocol 4 with SPI size 0");
	bad1(S, "00 00 00 14 01 03 00 01" XF_AES256, X,
	    "SA: proposal 1: protocol 3 with SPI size 0");
	bad1(S, "00 00 00 18 01 01 04 01 00000001" XF_AES256, X,
	    "SA: proposal 1: protocol 1 with SPI size 4");
	bad1(S, "00 00 00 08 01 01 00 00", X, "SA: proposal 1: no transforms");
	bad1(S, "00 00 00 14 01 01 00 02" XF_AES256, X,
	    "SA: proposal 1 transform 1: last-substructure 0, want 3");
	bad1(S, "00 00 00 14 01 01 00 02 03 00 00 0c 01 00 00 14 80 0e 01 00",
	    X, "SA: proposal 1 transform 2: 0 octets left, need 8");
	bad1(S, "00 00 00 20 01 01 00 01" XF_AES256 XF_AES256, X,
	    "SA: proposal 1: 12 octets after 1 transforms");
	bad1(S, "00 00 00 14 01 01 00 01 00 00 00 07 01 00 00 14 80 0e 01 00",
	    X, "SA: proposal 1 transform 1: length 7 < 8");
	bad1(S, "00 00 00 14 01 01 00 01 00 00 00 0d 01 00 00 14 80 0e 01 00",
	    X, "SA: proposal 1 transform 1: length 13 > 12 left");
	/* attributes */
	bad1(S, "00 00 00 16 01 01 00 01 00 00 00 0e 01 00 00 14"
	    "00 0e 00 02 01 00", X, "SA: proposal 1 transform 1: Key Length"
	    " attribute in TLV format");
	bad1(S, "00 00 00 14 01 01 00 01 00 00 00 0c 01 00 00 14 80 0e 00 00",
	    X, "SA: proposal 1 transform 1: Key Length 0 is not a positive"
	    " multiple of 8");
	bad1(S, "00 00 00 14 01 01 00 01 00 00 00 0c 01 00 00 14 80 0e 00 81",
	    X, "SA: proposal 1 transform 1: Key Length 129 is not a positive"
	    " multiple of 8");
	bad1(S, "00 00 00 18 01 01 00 01 00 00 00 10 01 00 00 14"
	    "80 0e 01 00 80 0e 00 80", X, "SA: proposal 1 transform 1:"
	    " duplicate Key Length attribute");
	bad1(S, "00 00 00 12 01 01 00 01 00 00 00 0a 01 00 00 14 80 0e", X,
	    "SA: proposal 1 transform 1: attribute header 2 octets, need 4");
	bad1(S, "00 00 00 14 01 01 00 01 00 00 00 0c 01 00 00 14 00 07 00 08",
	    X, "SA: proposal 1 transform 1: attribute length 8 > 0 left");
	/* unknown attributes (TV and TLV) make the transform unusable */
	good1(&m, S, "00 00 00 1a 01 01 00 01 00 00 00 12 01 00 00 14"
	    "80 0e 00 80 00 07 00 02 ab cd");
	assert_true(m.sa.prop[0].xf[0].unknown_attr);
	assert_int_equal(m.sa.prop[0].xf[0].keylen, 128);
	good1(&m, S, "00 00 00 14 01 01 00 01 00 00 00 0c 02 00 00 05"
	    "80 01 00 01");
	assert_true(m.sa.prop[0].xf[0].unknown_attr);

	/* 65 transforms: more than kept; the proposal is marked unusable */
	strcpy(body, "00 00 03 14 01 01 00 41");
	for (i = 0; i < 65; i++)
		strcat(body, i == 64 ? "00 00 00 0c 01 00 00 14 80 0e 01 00" :
		    "03 00 00 0c 01 00 00 14 80 0e 01 00");
	good1(&m, S, body);
	assert_true(m.sa.prop[0].oversize);
	assert_int_equal(m.sa.prop[0].nxf, 0);
	/* 17 proposals: the first 16 kept */
	body[0] = '\0';
	for (i = 0; i < 17; i++) {
		char	p[64];

		snprintf(p, sizeof(p), "%s 00 00 14 %02x 01 00 01",
		    i == 16 ? "00" : "02", i + 1);
		strcat(body, p);
		strcat(body, XF_AES256);
	}
	good1(&m, S, body);
	assert_int_equal(m.sa.nprop, IKE_PROP_MAX);
	assert_true(m.sa.truncated);
	assert_int_equal(m.sa.prop[15].num, 16);
}

static void
test_simple_payloads(void **state)
{
	struct ike_msg	m;
	const uint16_t	X = IKE_N_INVALID_SYNTAX;
	char		nonce[1024];
	int		i;

	(void)state;
	/* KE */
	good1(&m, IKE_PLD_KE, "00 1f 00 00 0102");
	assert_int_equal(m.ke.group, 31);
	assert_int_equal(m.ke.data.len, 2);
	bad1(IKE_PLD_KE, "00 1f 00", X, "KE: 3 octets, need 4");
	bad1(IKE_PLD_KE, "00 1f 00 00", X, "KE: group 31 with no key data");
	/* IDs */
	good1(&m, IKE_PLD_IDI, "01 000000 c6336401");
	bad1(IKE_PLD_IDI, "01 000000 c63364", X,
	    "IDi: type 1 with 3 octets, want 4");
	bad1(IKE_PLD_IDR, "05 000000 c6336401", X,
	    "IDr: type 5 with 4 octets, want 16");
	bad1(IKE_PLD_IDR, "02 000000", X, "IDr: type 2 with no data");
	bad1(IKE_PLD_IDR, "0d 000000 00", X, "IDr: ID_NULL with 1 octets"
	    " of data");
	bad1(IKE_PLD_IDI, "02 0000", X, "IDi: 3 octets, need 4");
	good1(&m, IKE_PLD_IDR, "0d 000000");
	good1(&m, IKE_PLD_IDR, "fe 000000");	/* unknown type: for later */
	/* CERT, CERTREQ */
	good1(&m, IKE_PLD_CERT, "04 3082");
	bad1(IKE_PLD_CERT, "04", X, "CERT: encoding 4 with no data");
	bad1(IKE_PLD_CERT, "", X, "CERT: 0 octets, need 1");
	good1(&m, IKE_PLD_CERTREQ, "04");
	good1(&m, IKE_PLD_CERTREQ, "04 0102030405060708090a0b0c0d0e0f1011121314");
	bad1(IKE_PLD_CERTREQ, "04 0102", X, "CERTREQ: 2 octets of CA hashes,"
	    " not a multiple of 20");
	/* AUTH */
	good1(&m, IKE_PLD_AUTH, "0e 000000 07");
	bad1(IKE_PLD_AUTH, "0e 000000", X, "AUTH: method 14 with no data");
	bad1(IKE_PLD_AUTH, "0e", X, "AUTH: 1 octets, need 4");
	/* Nonce: 16..256 */
	for (i = 0; i <= 257; i++) {
		memset(nonce, 'a', (size_t)i * 2);
		nonce[i * 2] = '\0';
		if (i >= IKE_NONCE_MIN && i <= IKE_NONCE_MAX) {
			good1(&m, IKE_PLD_NONCE, nonce);
			assert_int_equal(m.nonce.len, i);
		} else if (i == 15)
			bad1(IKE_PLD_NONCE, nonce, X,
			    "Nonce: 15 octets, want 16..256");
		else if (i == 257)
			bad1(IKE_PLD_NONCE, nonce, X,
			    "Nonce: 257 octets, want 16..256");
		else
			bad1(IKE_PLD_NONCE, nonce, X, NULL);
	}
	/* Delete */
	good1(&m, IKE_PLD_DELETE, "01 00 0000");
	good1(&m, IKE_PLD_DELETE, "03 04 0002 00000101 00000102");
	assert_int_equal(m.del[0].nspi, 2);
	bad1(IKE_PLD_DELETE, "01 04 0001 00000101", X,
	    "Delete IKE SA: SPI size 4, 1 SPIs, want 0, 0");
	bad1(IKE_PLD_DELETE, "03 08 0001 0000010100000101", X,
	    "Delete protocol 3: SPI size 8, want 4");
	bad1(IKE_PLD_DELETE, "03 04 0000", X, "Delete protocol 3: no SPIs");
	bad1(IKE_PLD_DELETE, "03 04 0002 00000101", X,
	    "Delete: 4 octets for 2 SPIs of 4");
	bad1(IKE_PLD_DELETE, "03 04 0001 00000101 00", X,
	    "Delete: 5 octets for 1 SPIs of 4");
	bad1(IKE_PLD_DELETE, "09 04 0001 00000101", X, "Delete: protocol 9");
	bad1(IKE_PLD_DELETE, "03 04 00", X, "Delete: 3 octets, need 4");
	/* Vendor ID, CP, EAP: opaque */
	good1(&m, IKE_PLD_VENDOR, "");
	good1(&m, IKE_PLD_CP, "01 000000");
	good1(&m, IKE_PLD_EAP, "01 02 0004");
}

static void
test_notify(void **state)
{
	struct ike_msg	m;
	const uint8_t	N = IKE_PLD_NOTIFY;
	const uint16_t	X = IKE_N_INVALID_SYNTAX;
	char		b[512];

	(void)state;
	good1(&m, N, "00 00 4006 0102");	/* COOKIE */
	assert_int_equal(m.notify[0].type, IKE_N_COOKIE);
	bad1(N, "00 00 4006", X, "Notify COOKIE: 0 octets of data, want 1..64");
	strcpy(b, "00 00 4006");
	memset(b + strlen(b), 'b', 130);
	b[10 + 130] = '\0';
	bad1(N, b, X, "Notify COOKIE: 65 octets of data, want 1..64");
	b[10 + 128] = '\0';
	good1(&m, N, b);
	good1(&m, N, "00 00 0011 001f");	/* INVALID_KE_PAYLOAD */
	bad1(N, "00 00 0011 001f00", X, "Notify INVALID_KE_PAYLOAD: 3 octets"
	    " of data, want 2..2");
	good1(&m, N, "00 00 4004 0102030405060708090a0b0c0d0e0f1011121314");
	bad1(N, "00 00 4004 0102030405060708090a0b0c0d0e0f10111213", X,
	    "Notify NAT_DETECTION_SOURCE_IP: 19 octets of data, want 20..20");
	bad1(N, "00 00 4005 0102030405060708090a0b0c0d0e0f101112131415", X,
	    "Notify NAT_DETECTION_DESTINATION_IP: 21 octets of data, want"
	    " 20..20");
	good1(&m, N, "00 00 4007");
	bad1(N, "00 00 4007 00", X, "Notify USE_TRANSPORT_MODE: 1 octets of"
	    " data, want 0..0");
	good1(&m, N, "00 00 402e");
	bad1(N, "00 00 402e 00", X, "Notify IKEV2_FRAGMENTATION_SUPPORTED: 1"
	    " octets of data, want 0..0");
	good1(&m, N, "00 00 402f 0002 0005");
	bad1(N, "00 00 402f", X, "Notify SIGNATURE_HASH_ALGORITHMS: 0 octets"
	    " of data, want 2..254");
	bad1(N, "00 00 402f 000200", X, "Notify SIGNATURE_HASH_ALGORITHMS:"
	    " odd length 3");
	good1(&m, N, "03 04 4009 0000c0de");	/* REKEY_SA */
	assert_int_equal(m.notify[0].spi, 0xc0de);
	bad1(N, "00 00 4009", X, "Notify REKEY_SA without a CHILD_SA SPI");
	bad1(N, "01 08 4009 0000c0de0000c0de", X,
	    "Notify REKEY_SA: SPI size 8, want 0 or 4");
	bad1(N, "01 04 0027 0000c0de", X,
	    "Notify INVALID_SELECTORS: 4-octet SPI with protocol 1");
	bad1(N, "03 04 0027 0000c0", X, "Notify SPI: 3 octets, need 4");
	bad1(N, "00 00 40", X, "Notify: 3 octets, need 4");
	bad1(N, "00 00 0001", X, "Notify UNSUPPORTED_CRITICAL_PAYLOAD: 0"
	    " octets of data, want 1..1");
	good1(&m, N, "00 00 9999 0102030405");	/* unknown status: any data */
}

static void
test_ts(void **state)
{
	struct ike_msg	m;
	const uint8_t	T = IKE_PLD_TSI;
	const uint16_t	X = IKE_N_INVALID_SYNTAX;
	char		b[2048];
	int		i;

	(void)state;
	good1(&m, T, "01 000000 07 2f 0010 0000 ffff c6336401 c6336401");
	assert_int_equal(m.tsi.nts, 1);
	assert_int_equal(m.tsi.ts[0].proto, 47);
	good1(&m, IKE_PLD_TSR, "02 000000 07 00 0010 ffff 0000 00000000 ffffffff"
	    "08 06 0028 0016 0016 20010db8000000000000000000000000"
	    "20010db8ffffffffffffffffffffffff");
	assert_int_equal(m.tsr.nts, 2);
	assert_int_equal(m.tsr.ts[0].sport, 65535);	/* OPAQUE */
	assert_int_equal(m.tsr.ts[1].type, IKE_TS_IPV6_ADDR_RANGE);

	bad1(T, "00 000000", X, "TSi: no selectors");
	bad1(T, "01 0000", X, "TSi: 3 octets, need 4");
	bad1(T, "01 000000 07 2f 0010 0000 ffff c6336402 c6336401", X,
	    "TSi: selector 1: start address after end address");
	bad1(T, "01 000000 08 00 0028 0000 ffff 20010db8000000000000000000000001"
	    "20010db8000000000000000000000000", X,
	    "TSi: selector 1: start address after end address");
	bad1(T, "01 000000 07 2f 0010 0101 0100 c6336401 c6336401", X,
	    "TSi: selector 1: port range 257..256");
	bad1(T, "01 000000 07 2f 0011 0000 ffff c6336401 c6336401 00", X,
	    "TSi: selector 1: length 17, want 16");
	bad1(T, "01 000000 08 2f 0010 0000 ffff c6336401 c6336401", X,
	    "TSi: selector 1: length 16, want 40");
	bad1(T, "01 000000 07 2f 0010 0000 ffff c6336401 c63364", X,
	    "TSi: selector 1: length 16 > 15 left");
	bad1(T, "01 000000 07 2f 0010 00", X,
	    "TSi: selector 1: 5 octets left, need 8");
	bad1(T, "02 000000 07 2f 0010 0000 ffff c6336401 c6336401", X,
	    "TSi: selector 2: 0 octets left, need 8");
	bad1(T, "01 000000 07 2f 0010 0000 ffff c6336401 c6336401"
	    "07 2f 0010 0000 ffff c6336401 c6336401", X,
	    "TSi: 16 octets after 1 selectors");
	bad1(T, "01 000000 0a 00 0010 0000 ffff c6336401 c6336401",
	    IKE_N_TS_UNACCEPTABLE, "TSi: selector 1: type 10 not supported");
	strcpy(b, "11 000000");
	for (i = 0; i < 17; i++)
		strcat(b, "07 2f 0010 0000 ffff c6336401 c6336401");
	bad1(T, b, IKE_N_TS_UNACCEPTABLE,
	    "TSi: 17 selectors, at most 16 supported");
}

/* Two payloads: first announces second. */
static size_t
two(uint8_t x, uint8_t t1, const char *b1, uint8_t t2, const char *b2)
{
	size_t	n1, n2;

	n1 = one(x, t1, 0, b1);
	buf[IKE_HDR_LEN] = t2;
	n2 = hx(b2, buf + n1 + 4);
	buf[n1] = 0;
	buf[n1 + 1] = 0;
	buf[n1 + 2] = (n2 + 4) >> 8;
	buf[n1 + 3] = (n2 + 4) & 0xff;
	put32(buf + 24, (uint32_t)(n1 + 4 + n2));
	return n1 + 4 + n2;
}

static void
test_sk_rules(void **state)
{
	struct ike_msg	m;
	const uint16_t	X = IKE_N_INVALID_SYNTAX;
	size_t		n;

	(void)state;
	n = one(IKE_AUTH, IKE_PLD_SK, 0, "0102030405060708090a");
	buf[IKE_HDR_LEN] = IKE_PLD_IDI;
	ok_parse(&m, buf, n);
	assert_int_equal(m.sk.first, IKE_PLD_IDI);
	assert_int_equal(m.sk.aad_len, IKE_HDR_LEN + 4);
	assert_int_equal(m.sk.body.len, 10);
	bad1(IKE_PLD_SK, "", X, "SK: empty");
	n = one(IKE_SA_INIT, IKE_PLD_SK, 0, "0102");
	bad(buf, n, X, "SK payload in IKE_SA_INIT");
	n = two(IKE_AUTH, IKE_PLD_SK, "0102", IKE_PLD_NONCE,
	    "00112233445566778899aabbccddeeff");
	bad(buf, n, X, "SK payload is not the last: 20 octets follow");
	n = two(IKE_AUTH, IKE_PLD_SA, "00 00 00 14 01 01 00 01" XF_AES256,
	    IKE_PLD_SA, "00 00 00 14 01 01 00 01" XF_AES256);
	bad(buf, n, X, "duplicate SA payload");
	n = two(IKE_AUTH, IKE_PLD_NOTIFY, "00 00 4007", IKE_PLD_NOTIFY,
	    "00 00 4007");
	ok_parse(&m, buf, n);
	assert_int_equal(m.nnotify, 2);
	/* trailing octets after the chain */
	n = one(IKE_AUTH, IKE_PLD_VENDOR, 0, "01");
	memcpy(buf + n, "\x00\x00", 2);
	put32(buf + 24, (uint32_t)n + 2);
	bad(buf, n + 2, X, "2 octets after the last payload");

	/* SKF */
	n = one(IKE_AUTH, IKE_PLD_SKF, 0, "0001 0002 0102030405");
	buf[IKE_HDR_LEN] = IKE_PLD_IDI;
	ok_parse(&m, buf, n);
	assert_int_equal(m.sk.frag_num, 1);
	assert_int_equal(m.sk.frag_total, 2);
	assert_int_equal(m.sk.aad_len, IKE_HDR_LEN + 8);
	n = one(IKE_AUTH, IKE_PLD_SKF, 0, "0002 0002 0102030405");
	ok_parse(&m, buf, n);
	buf[IKE_HDR_LEN] = IKE_PLD_IDI;
	bad(buf, n, X, "SKF: fragment 2 with next payload 35");
	n = one(IKE_AUTH, IKE_PLD_SKF, 0, "0001 0002 0102030405");
	bad(buf, n, X, "SKF: fragment 1 with next payload 0");
	bad1(IKE_PLD_SKF, "0000 0002 01", X, "SKF: fragment 0 of 2");
	bad1(IKE_PLD_SKF, "0003 0002 01", X, "SKF: fragment 3 of 2");
	bad1(IKE_PLD_SKF, "0001 0000 01", X, "SKF: fragment 1 of 0");
	bad1(IKE_PLD_SKF, "0002 00", X, "SKF: 3 octets, need 4");
	bad1(IKE_PLD_SKF, "0002 0002", X, "SKF: empty");
	n = two(IKE_AUTH, IKE_PLD_NOTIFY, "00 00 4007", IKE_PLD_SKF,
	    "0002 0002 01");
	ok_parse(&m, buf, n);
	assert_int_equal(m.sk.aad_len, IKE_HDR_LEN + 8 + 8);
}

static void
test_limits(void **state)
{
	struct ike_msg	m;
	size_t		n, last;
	int		i;

	(void)state;
	/* 33 notifies */
	n = one(IKE_AUTH, IKE_PLD_NOTIFY, 0, "00 00 4007");
	for (i = 1; i < 33; i++) {
		buf[n - 8] = IKE_PLD_NOTIFY;
		memcpy(buf + n, "\x00\x00\x00\x08\x00\x00\x40\x07", 8);
		n += 8;
	}
	put32(buf + 24, (uint32_t)n);
	bad(buf, n, IKE_N_INVALID_SYNTAX, "more than 32 Notify payloads");
	/* 65 payloads, none over its own type's limit */
	n = one(IKE_AUTH, IKE_PLD_VENDOR, 0, "");
	last = IKE_HDR_LEN;
	for (i = 1; i < 65; i++) {
		const char	*body;
		uint8_t		 t;

		if (i < 16) {
			t = IKE_PLD_VENDOR;
			body = "";
		} else if (i < 32) {
			t = IKE_PLD_CERT;
			body = "04aa";
		} else if (i < 40) {
			t = IKE_PLD_CERTREQ;
			body = "04";
		} else if (i < 56) {
			t = IKE_PLD_DELETE;
			body = "01000000";
		} else {
			t = IKE_PLD_NOTIFY;
			body = "00004007";
		}
		buf[last] = t;
		last = n;
		buf[n] = 0;
		buf[n + 1] = 0;
		buf[n + 2] = 0;
		buf[n + 3] = (uint8_t)(4 + hx(body, buf + n + 4));
		n += buf[n + 3];
	}
	put32(buf + 24, (uint32_t)n);
	bad(buf, n, IKE_N_INVALID_SYNTAX, "more than 64 payloads");

	/* builder: refuses what the parser would */
	ike_msg_init(&m);
	m.hdr.spi_i = 1;
	m.hdr.major = 2;
	m.hdr.exchange = IKE_AUTH;
	ike_msg_add(&m, IKE_PLD_SA);
	assert_int_equal(ike_msg_build(&m, buf, sizeof(buf)), -1);
	assert_int_equal(ike_msg_add(&m, IKE_PLD_SA), -1);
	assert_int_equal(ike_msg_add(&m, 99), -1);
	for (i = 0; i < IKE_CERT_MAX; i++)
		assert_int_equal(ike_msg_add(&m, IKE_PLD_CERT), i);
	assert_int_equal(ike_msg_add(&m, IKE_PLD_CERT), -1);
}

/*
 * Messages two strongSwan 5.9.8 charons exchanged (t/unit/ike_capture.sh):
 * decoded as charon meant them and rebuilt octet for octet.
 */
static void
test_strongswan(void **state)
{
	static const struct {
		const uint8_t	*p;
		size_t		 len;
	} v[] = {
		{ v_msg1, sizeof(v_msg1) }, { v_msg2, sizeof(v_msg2) },
		{ v_msg3, sizeof(v_msg3) }, { v_msg4, sizeof(v_msg4) },
	};
	const struct ike_prop	*p;
	struct ike_msg		 m;
	long			 n;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(v); i++) {
		ok_parse(&m, v[i].p, v[i].len);
		n = ike_msg_build(&m, buf, sizeof(buf));
		assert_int_equal(n, v[i].len);
		assert_memory_equal(buf, v[i].p, v[i].len);
	}
	ok_parse(&m, v_msg1, sizeof(v_msg1));
	assert_int_equal(m.hdr.exchange, IKE_SA_INIT);
	assert_int_equal(m.hdr.flags, IKE_FLAG_INITIATOR);
	assert_int_equal(m.hdr.spi_r, 0);
	assert_int_equal(m.sa.nprop, 1);
	p = &m.sa.prop[0];
	assert_int_equal(p->proto, IKE_PROTO_IKE);
	assert_int_equal(p->nxf, 3);
	assert_int_equal(p->xf[0].type, IKE_XF_ENCR);
	assert_int_equal(p->xf[0].id, IKE_ENCR_AES_GCM_16);
	assert_int_equal(p->xf[0].keylen, 256);
	assert_int_equal(p->xf[1].id, IKE_PRF_HMAC_SHA2_256);
	assert_int_equal(p->xf[2].id, IKE_DH_CURVE25519);
	assert_int_equal(m.ke.group, IKE_DH_CURVE25519);
	assert_int_equal(m.ke.data.len, 32);
	assert_int_equal(m.nonce.len, 32);
	assert_non_null(ike_msg_notify(&m, IKE_N_NAT_DETECTION_SOURCE_IP));
	assert_non_null(ike_msg_notify(&m, IKE_N_NAT_DETECTION_DESTINATION_IP));
	assert_non_null(ike_msg_notify(&m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED));
	assert_non_null(ike_msg_notify(&m, IKE_N_SIGNATURE_HASH_ALGORITHMS));

	ok_parse(&m, v_msg2, sizeof(v_msg2));
	assert_int_equal(m.hdr.flags, IKE_FLAG_RESPONSE);
	assert_true(m.hdr.spi_r != 0);
	assert_true(ike_msg_has(&m, IKE_PLD_CERTREQ));
	assert_int_equal(m.certreq[0].enc, IKE_CERT_X509_SIG);
	assert_int_equal(m.certreq[0].data.len, 20);

	ok_parse(&m, v_msg3, sizeof(v_msg3));
	assert_int_equal(m.hdr.exchange, IKE_AUTH);
	assert_int_equal(m.hdr.msgid, 1);
	assert_int_equal(m.order[m.sk_at], IKE_PLD_SK);
	assert_int_equal(m.sk.first, IKE_PLD_IDI);
	assert_int_equal(m.sk.aad_len, IKE_HDR_LEN + 4);

	/* a flipped octet anywhere in the header region is judged */
	for (i = 0; i < sizeof(v_msg1); i++) {
		struct ike_err	e;

		memcpy(buf, v_msg1, sizeof(v_msg1));
		buf[i] ^= 0xff;
		(void)ike_msg_parse(&m, buf, sizeof(v_msg1), &e);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_roundtrip_full),
		cmocka_unit_test(test_roundtrip_each),
		cmocka_unit_test(test_roundtrip_sk),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_generic_lengths),
		cmocka_unit_test(test_sub_lengths),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_critical),
		cmocka_unit_test(test_sa),
		cmocka_unit_test(test_simple_payloads),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_sk_rules),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_strongswan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
