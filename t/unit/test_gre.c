/*
 * test_gre.c: GRE header encoding (RFC 2784, key per RFC 2890), parsing
 * and decapsulation.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "buf.h"
#include "gre.h"

/* A minimal IPv4 packet to carry; GRE does not look inside. */
static const uint8_t inner[] = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00,
	0x40, 0x11, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x01,
	0xc6, 0x12, 0x00, 0x02, 0x12, 0x34, 0x56, 0x78,
	0x00, 0x08, 0x00, 0x00, 0xab,
};

static struct pkt *
pkt_with(const void *p, size_t len)
{
	struct pkt	*pk;

	pk = malloc(sizeof(*pk));
	assert_non_null(pk);
	pkt_reset(pk);
	assert_non_null(pkt_put(pk, len));
	memcpy(pk->data, p, len);
	return pk;
}

/* hdr (hdrlen bytes) followed by the inner packet, in a pkt. */
static struct pkt *
gre_pkt(const uint8_t *hdr, size_t hdrlen)
{
	uint8_t	buf[64];

	assert_true(hdrlen + sizeof(inner) <= sizeof(buf));
	memcpy(buf, hdr, hdrlen);
	memcpy(buf + hdrlen, inner, sizeof(inner));
	return pkt_with(buf, hdrlen + sizeof(inner));
}

static void
test_encap_bytes(void **state)
{
	static const uint8_t	plain4[] = { 0x00, 0x00, 0x08, 0x00 };
	static const uint8_t	plain6[] = { 0x00, 0x00, 0x86, 0xdd };
	static const uint8_t	keyed[] = {
		0x20, 0x00, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef
	};
	struct pkt		*pk;

	assert_int_equal(gre_hdrlen(false), 4);
	assert_int_equal(gre_hdrlen(true), 8);

	pk = pkt_with(inner, sizeof(inner));
	assert_int_equal(gre_encap(pk, GRE_PROTO_IPV4, false, 0xdeadbeef), 0);
	assert_int_equal(pk->len, 4 + sizeof(inner));
	assert_memory_equal(pk->data, plain4, sizeof(plain4));
	assert_memory_equal(pk->data + 4, inner, sizeof(inner));
	free(pk);

	pk = pkt_with(inner, sizeof(inner));
	assert_int_equal(gre_encap(pk, GRE_PROTO_IPV6, false, 0), 0);
	assert_memory_equal(pk->data, plain6, sizeof(plain6));
	free(pk);

	pk = pkt_with(inner, sizeof(inner));
	assert_int_equal(gre_encap(pk, GRE_PROTO_IPV4, true, 0xdeadbeef), 0);
	assert_int_equal(pk->len, 8 + sizeof(inner));
	assert_memory_equal(pk->data, keyed, sizeof(keyed));
	assert_memory_equal(pk->data + 8, inner, sizeof(inner));
	free(pk);
}

static void
test_encap_no_headroom(void **state)
{
	struct pkt	*pk;

	pk = pkt_with(inner, sizeof(inner));
	assert_non_null(pkt_push(pk, PKT_HEADROOM - 7));
	assert_int_equal(gre_encap(pk, GRE_PROTO_IPV4, true, 1), -1);
	assert_int_equal(pk->len, PKT_HEADROOM - 7 + sizeof(inner));
	assert_int_equal(gre_encap(pk, GRE_PROTO_IPV4, false, 1), 0);
	free(pk);
}

static void
test_roundtrip(void **state)
{
	static const uint32_t	keys[] = { 0, 1, 0x80000000, 0xffffffff };
	struct pkt		*pk;
	uint16_t		 proto;
	size_t			 i;
	int			 keyed;

	for (keyed = 0; keyed <= 1; keyed++) {
		for (i = 0; i < nitems(keys); i++) {
			pk = pkt_with(inner, sizeof(inner));
			assert_int_equal(gre_encap(pk, GRE_PROTO_IPV6, keyed,
			    keys[i]), 0);
			proto = 0;
			assert_int_equal(gre_decap(pk, keyed, keys[i], &proto),
			    GRE_OK);
			assert_int_equal(proto, GRE_PROTO_IPV6);
			assert_int_equal(pk->len, sizeof(inner));
			assert_memory_equal(pk->data, inner, sizeof(inner));
			free(pk);
		}
	}
}

static void
test_parse_fields(void **state)
{
	static const uint8_t	hdr[] = {
		0x30, 0x00, 0x86, 0xdd, 0x01, 0x02, 0x03, 0x04,
		0xa0, 0xb0, 0xc0, 0xd0,
	};
	struct gre_hdr		h;

	assert_int_equal(gre_parse(hdr, sizeof(hdr), &h), 0);
	assert_int_equal(h.flags, GRE_F_KEY | GRE_F_SEQ);
	assert_int_equal(h.proto, GRE_PROTO_IPV6);
	assert_true(h.has_key);
	assert_int_equal(h.key, 0x01020304);
	assert_true(h.has_seq);
	assert_int_equal(h.seq, 0xa0b0c0d0);
	assert_int_equal(h.hdrlen, 12);

	/* a header alone parses; hdrlen does not count the payload */
	assert_int_equal(gre_parse(hdr, 4, &h), -1);	/* key, seq missing */
	assert_int_equal(gre_parse((const uint8_t[]){ 0, 0, 8, 0, 9, 9 }, 6,
	    &h), 0);
	assert_false(h.has_key);
	assert_false(h.has_seq);
	assert_int_equal(h.hdrlen, 4);
}

/* RFC 2784 2.3: routing or strict source route set, or version != 0. */
static void
test_parse_reject_flags(void **state)
{
	static const uint16_t	bad[] = {
		GRE_F_ROUTING, GRE_F_SSR, GRE_F_BIT5, 1, 2, 3, 4, 5, 6, 7,
		GRE_F_ROUTING | GRE_F_KEY, GRE_F_KEY | 1,
	};
	uint8_t			hdr[12] = { 0 };
	struct gre_hdr		h;
	struct pkt		*pk;
	uint16_t		proto = 0;
	size_t			i;

	for (i = 0; i < nitems(bad); i++) {
		hdr[0] = bad[i] >> 8;
		hdr[1] = bad[i] & 0xff;
		hdr[2] = 0x08;
		hdr[3] = 0x00;
		errno = 0;
		assert_int_equal(gre_parse(hdr, sizeof(hdr), &h), -1);
		assert_int_equal(errno, EBADMSG);
		pk = gre_pkt(hdr, 8);
		assert_int_equal(gre_decap(pk, false, 0, &proto),
		    GRE_MALFORMED);
		assert_int_equal(gre_decap(pk, true, 0, &proto),
		    GRE_MALFORMED);
		/* a rejected packet is left as it was */
		assert_int_equal(pk->len, 8 + sizeof(inner));
		assert_int_equal(proto, 0);
		free(pk);
	}

	/* reserved bits 6-12 are ignored by a receiver */
	hdr[0] = 0x03;
	hdr[1] = 0xf8;
	assert_int_equal(gre_parse(hdr, 4, &h), 0);
}

/* Every length short of the header the flags announce. */
static void
test_parse_short(void **state)
{
	static const uint16_t	flags[] = {
		0, GRE_F_KEY, GRE_F_SEQ, GRE_F_CSUM, GRE_F_KEY | GRE_F_SEQ,
		GRE_F_CSUM | GRE_F_KEY | GRE_F_SEQ,
	};
	uint8_t			hdr[GRE_HDR_MAX];
	struct gre_hdr		h;
	struct pkt		*pk;
	uint16_t		proto;
	size_t			i, need, len;

	for (i = 0; i < nitems(flags); i++) {
		need = 4 + (flags[i] & GRE_F_CSUM ? 4 : 0) +
		    (flags[i] & GRE_F_KEY ? 4 : 0) +
		    (flags[i] & GRE_F_SEQ ? 4 : 0);
		memset(hdr, 0, sizeof(hdr));
		hdr[0] = flags[i] >> 8;
		hdr[3] = 0x00;
		hdr[2] = 0x08;
		for (len = 0; len < need; len++) {
			errno = 0;
			assert_int_equal(gre_parse(hdr, len, &h), -1);
			assert_int_equal(errno, EBADMSG);
			pk = pkt_with(hdr, len);
			assert_int_equal(gre_decap(pk, flags[i] & GRE_F_KEY,
			    0, &proto), GRE_MALFORMED);
			assert_int_equal(pk->len, len);
			free(pk);
		}
		if (flags[i] & GRE_F_CSUM) {
			uint16_t c = ref_cksum(hdr, need);

			hdr[4] = c >> 8;
			hdr[5] = c & 0xff;
		}
		assert_int_equal(gre_parse(hdr, need, &h), 0);
		assert_int_equal(h.hdrlen, need);
	}
}

static size_t
csum_pkt(uint8_t *buf, uint16_t flags, uint32_t key)
{
	size_t		len = 0;
	uint16_t	c;

	buf[len++] = flags >> 8;
	buf[len++] = flags & 0xff;
	buf[len++] = 0x08;
	buf[len++] = 0x00;
	buf[len++] = 0;		/* checksum */
	buf[len++] = 0;
	buf[len++] = 0;		/* reserved1 */
	buf[len++] = 0;
	if (flags & GRE_F_KEY) {
		buf[len++] = key >> 24;
		buf[len++] = (key >> 16) & 0xff;
		buf[len++] = (key >> 8) & 0xff;
		buf[len++] = key & 0xff;
	}
	memcpy(buf + len, inner, sizeof(inner));
	len += sizeof(inner);
	c = ref_cksum(buf, len);
	buf[4] = c >> 8;
	buf[5] = c & 0xff;
	return len;
}

/* The checksum covers the GRE header and the payload (RFC 2784 2.5). */
static void
test_checksum(void **state)
{
	uint8_t		buf[64];
	struct gre_hdr	h;
	struct pkt	*pk;
	uint16_t	proto;
	size_t		len, i;
	int		keyed;

	for (keyed = 0; keyed <= 1; keyed++) {
		uint16_t flags = GRE_F_CSUM | (keyed ? GRE_F_KEY : 0);

		len = csum_pkt(buf, flags, 0x11223344);
		assert_int_equal(gre_parse(buf, len, &h), 0);
		assert_int_equal(h.hdrlen, keyed ? 12 : 8);
		pk = pkt_with(buf, len);
		assert_int_equal(gre_decap(pk, keyed, 0x11223344, &proto),
		    GRE_OK);
		assert_int_equal(proto, GRE_PROTO_IPV4);
		assert_int_equal(pk->len, sizeof(inner));
		assert_memory_equal(pk->data, inner, sizeof(inner));
		free(pk);

		/* any single flipped bit past the flags breaks it */
		for (i = 4; i < len; i++) {
			buf[i] ^= 0x10;
			errno = 0;
			assert_int_equal(gre_parse(buf, len, &h), -1);
			assert_int_equal(errno, EBADMSG);
			pk = pkt_with(buf, len);
			assert_int_equal(gre_decap(pk, keyed, 0x11223344,
			    &proto), GRE_MALFORMED);
			free(pk);
			buf[i] ^= 0x10;
		}
		/* a packet cut short no longer sums up */
		assert_int_equal(gre_parse(buf, len - 2, &h), -1);
	}
}

static void
test_key_mismatch(void **state)
{
	uint8_t		hdr[8];
	struct pkt	*pk;
	uint16_t	proto = 0;

	pk = pkt_with(inner, sizeof(inner));
	assert_int_equal(gre_encap(pk, GRE_PROTO_IPV4, true, 42), 0);
	memcpy(hdr, pk->data, sizeof(hdr));
	/* wrong key */
	assert_int_equal(gre_decap(pk, true, 43, &proto), GRE_BADKEY);
	assert_int_equal(pk->len, 8 + sizeof(inner));
	/* key present, none expected */
	assert_int_equal(gre_decap(pk, false, 42, &proto), GRE_BADKEY);
	assert_int_equal(proto, 0);
	assert_int_equal(gre_decap(pk, true, 42, &proto), GRE_OK);
	free(pk);

	/* key expected, none present */
	pk = pkt_with(inner, sizeof(inner));
	assert_int_equal(gre_encap(pk, GRE_PROTO_IPV4, false, 0), 0);
	assert_int_equal(gre_decap(pk, true, 0, &proto), GRE_BADKEY);
	assert_int_equal(pk->len, 4 + sizeof(inner));
	free(pk);
}

static void
test_badproto(void **state)
{
	static const uint16_t	protos[] = { 0x6558, 0x0806, 0x0000, 0x86de,
	    0x0801, 0xffff };
	struct pkt		*pk;
	uint16_t		 proto;
	size_t			 i;

	for (i = 0; i < nitems(protos); i++) {
		pk = pkt_with(inner, sizeof(inner));
		assert_int_equal(gre_encap(pk, protos[i], true, 7), 0);
		proto = 0;
		assert_int_equal(gre_decap(pk, true, 7, &proto), GRE_BADPROTO);
		assert_int_equal(proto, 0);
		assert_int_equal(pk->len, 8 + sizeof(inner));
		free(pk);
	}
}

/* RFC 2890 sequence numbers are accepted and stripped. */
static void
test_seq_stripped(void **state)
{
	static const uint8_t	hdr[] = {
		0x30, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x09,
	};
	struct pkt		*pk;
	uint16_t		 proto;

	pk = gre_pkt(hdr, sizeof(hdr));
	assert_int_equal(gre_decap(pk, true, 5, &proto), GRE_OK);
	assert_int_equal(pk->len, sizeof(inner));
	assert_memory_equal(pk->data, inner, sizeof(inner));
	free(pk);
}

static void
test_result_str(void **state)
{
	assert_string_equal(gre_result_str(GRE_OK), "ok");
	assert_string_not_equal(gre_result_str(GRE_MALFORMED),
	    gre_result_str(GRE_BADKEY));
	assert_string_not_equal(gre_result_str(GRE_BADKEY),
	    gre_result_str(GRE_BADPROTO));
	assert_string_equal(gre_result_str((enum gre_result)99), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encap_bytes),
		cmocka_unit_test(test_encap_no_headroom),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_reject_flags),
		cmocka_unit_test(test_parse_short),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_key_mismatch),
		cmocka_unit_test(test_badproto),
		cmocka_unit_test(test_seq_stripped),
		cmocka_unit_test(test_result_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
