/*
 * test_ip.c: inner packet validation, the Internet checksum, ICMP
 * "fragmentation needed" / ICMPv6 "packet too big", IPv4 fragmentation.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "gre.h"
#include "ip.h"

static const uint8_t	src4[4] = { 192, 0, 2, 1 };
static const uint8_t	dst4[4] = { 198, 51, 100, 7 };
static const uint8_t	src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t	dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 9 };

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 packet of `len` bytes (header `hl`), payload a pattern. */
static size_t
mk4(uint8_t *p, size_t len, size_t hl, uint8_t proto, uint16_t off)
{
	size_t	i;

	memset(p, 0, hl);
	p[0] = (uint8_t)(0x40 | hl / 4);
	set16(p + 2, (uint16_t)len);
	set16(p + 4, 0xbeef);
	set16(p + 6, off);
	p[8] = 61;
	p[9] = proto;
	memcpy(p + 12, src4, 4);
	memcpy(p + 16, dst4, 4);
	for (i = 20; i < hl; i++)
		p[i] = 1;			/* NOP options */
	for (i = hl; i < len; i++)
		p[i] = (uint8_t)(i * 7 + (i >> 8));
	set16(p + 10, ref_cksum(p, hl));
	return len;
}

static size_t
mk6(uint8_t *p, size_t len, uint8_t nh)
{
	size_t	i;

	memset(p, 0, IP6_HDR_LEN);
	p[0] = 0x60;
	set16(p + 4, (uint16_t)(len - IP6_HDR_LEN));
	p[6] = nh;
	p[7] = 33;
	memcpy(p + 8, src6, 16);
	memcpy(p + 24, dst6, 16);
	for (i = IP6_HDR_LEN; i < len; i++)
		p[i] = (uint8_t)(i * 13 + (i >> 8));
	return len;
}

static void
test_cksum(void **state)
{
	static const uint8_t	rfc1071[] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7
	};
	static const uint8_t	hdr[] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
		0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
		0xc0, 0xa8, 0x00, 0xc7,
	};
	static const uint8_t	ones[] = { 0xff, 0xff, 0xff, 0xff };
	uint8_t			buf[sizeof(hdr)], big[3000];
	size_t			i;

	/* RFC 1071 1.3: the sum is 0xddf2, the checksum its complement */
	assert_int_equal(ip_cksum(rfc1071, sizeof(rfc1071)), 0x220d);
	/* a real header: checksum 0xb861 */
	memcpy(buf, hdr, sizeof(hdr));
	buf[10] = buf[11] = 0;
	assert_int_equal(ip_cksum(buf, sizeof(buf)), 0xb861);
	assert_int_equal(ip_cksum(hdr, sizeof(hdr)), 0);
	assert_int_equal(ip_cksum(NULL, 0), 0xffff);
	assert_int_equal(ip_cksum((const uint8_t []){ 0x01 }, 1), 0xfeff);
	assert_int_equal(ip_cksum((const uint8_t []){ 0x12, 0x34, 0x56 },
	    3), (uint16_t)~(0x1234 + 0x5600));
	assert_int_equal(ip_cksum(ones, sizeof(ones)), 0);
	/* long buffers: many carries */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(0xff - i % 3);
	for (i = 0; i <= sizeof(big); i += 37)
		assert_int_equal(ip_cksum(big, i), ref_cksum(big, i));
}

static void
test_parse_v4(void **state)
{
	uint8_t		p[100];
	struct ip_info	ip;

	mk4(p, 100, 20, IPPROTO_UDP, IP4_DF);
	assert_int_equal(ip_parse(p, 100, &ip), 0);
	assert_int_equal(ip.af, AF_INET);
	assert_int_equal(ip.proto, IPPROTO_UDP);
	assert_int_equal(ip.hdrlen, 20);
	assert_int_equal(ip.totlen, 100);
	assert_true(ip.df);
	assert_true(ip.first_frag);
	assert_int_equal(ip.src.af, AF_INET);
	assert_int_equal(ip.dst.af, AF_INET);
	assert_memory_equal(&ip.src.u.v4, src4, 4);
	assert_memory_equal(&ip.dst.u.v4, dst4, 4);

	/* options, MF only (first fragment), a later fragment */
	mk4(p, 60, 24, IPPROTO_TCP, IP4_MF);
	assert_int_equal(ip_parse(p, 60, &ip), 0);
	assert_int_equal(ip.hdrlen, 24);
	assert_false(ip.df);
	assert_true(ip.first_frag);
	mk4(p, 60, 20, IPPROTO_TCP, 1);
	assert_int_equal(ip_parse(p, 60, &ip), 0);
	assert_false(ip.first_frag);
	/* header only; maximal IHL */
	mk4(p, 20, 20, 0, 0);
	assert_int_equal(ip_parse(p, 20, &ip), 0);
	mk4(p, 60, 60, 0, 0);
	assert_int_equal(ip_parse(p, 60, &ip), 0);
	assert_int_equal(ip.hdrlen, 60);
}

static void
test_parse_v4_bad(void **state)
{
	uint8_t		p[100];
	struct ip_info	ip;
	size_t		len;
	unsigned int	v;

	/* versions other than 4 and 6 */
	for (v = 0; v < 16; v++) {
		if (v == 4 || v == 6)
			continue;
		mk4(p, 100, 20, IPPROTO_UDP, 0);
		p[0] = (uint8_t)(v << 4 | 5);
		errno = 0;
		assert_int_equal(ip_parse(p, 100, &ip), -1);
		assert_int_equal(errno, EBADMSG);
	}
	/* IHL below 5, or past the packet */
	for (v = 0; v < 5; v++) {
		mk4(p, 100, 20, IPPROTO_UDP, 0);
		p[0] = (uint8_t)(0x40 | v);
		assert_int_equal(ip_parse(p, 100, &ip), -1);
	}
	mk4(p, 40, 20, IPPROTO_UDP, 0);
	p[0] = 0x4b;				/* 44 > 40 */
	assert_int_equal(ip_parse(p, 40, &ip), -1);
	/* total length disagrees with the buffer */
	mk4(p, 100, 20, IPPROTO_UDP, 0);
	assert_int_equal(ip_parse(p, 99, &ip), -1);
	assert_int_equal(ip_parse(p, 100, &ip), 0);
	set16(p + 2, 101);
	assert_int_equal(ip_parse(p, 100, &ip), -1);
	set16(p + 2, 19);
	assert_int_equal(ip_parse(p, 19, &ip), -1);
	/* truncated headers, every length */
	mk4(p, 100, 20, IPPROTO_UDP, 0);
	for (len = 0; len < 20; len++) {
		set16(p + 2, (uint16_t)len);
		errno = 0;
		assert_int_equal(ip_parse(p, len, &ip), -1);
		assert_int_equal(errno, EBADMSG);
	}
}

static void
test_parse_v6(void **state)
{
	static uint8_t	p[70000];
	struct ip_info	ip;
	size_t		len;

	mk6(p, 1000, IPPROTO_UDP);
	assert_int_equal(ip_parse(p, 1000, &ip), 0);
	assert_int_equal(ip.af, AF_INET6);
	assert_int_equal(ip.proto, IPPROTO_UDP);
	assert_int_equal(ip.hdrlen, 40);
	assert_int_equal(ip.totlen, 1000);
	assert_true(ip.df);
	assert_true(ip.first_frag);
	assert_memory_equal(&ip.src.u.v6, src6, 16);
	assert_memory_equal(&ip.dst.u.v6, dst6, 16);
	mk6(p, 40, 59);
	assert_int_equal(ip_parse(p, 40, &ip), 0);

	/* payload length disagrees */
	mk6(p, 1000, IPPROTO_UDP);
	assert_int_equal(ip_parse(p, 999, &ip), -1);
	set16(p + 4, 961);
	assert_int_equal(ip_parse(p, 1000, &ip), -1);
	/* truncated */
	mk6(p, 100, IPPROTO_UDP);
	for (len = 0; len < 40; len++) {
		set16(p + 4, 0);
		errno = 0;
		assert_int_equal(ip_parse(p, len, &ip), -1);
		assert_int_equal(errno, EBADMSG);
	}
	/* nothing beyond 65535 bytes is handled */
	mk6(p, 65535, IPPROTO_UDP);
	assert_int_equal(ip_parse(p, 65535, &ip), 0);
	mk6(p, 65536, IPPROTO_UDP);
	assert_int_equal(ip_parse(p, 65536, &ip), -1);
	assert_int_equal(ip_gre_proto(AF_INET), GRE_PROTO_IPV4);
	assert_int_equal(ip_gre_proto(AF_INET6), GRE_PROTO_IPV6);
}

/* Checks an ICMPv4 frag-needed built from `orig` (`origlen` bytes). */
static void
check_icmp4(const uint8_t *out, size_t len, const uint8_t *orig,
    size_t origlen, uint16_t mtu)
{
	struct ip_info	ip;
	size_t		quote = origlen < 548 ? origlen : 548;

	assert_int_equal(len, 20 + 8 + quote);
	assert_true(len <= IP_ICMP_MAX);
	assert_int_equal(ip_parse(out, len, &ip), 0);
	assert_int_equal(out[0], 0x45);
	assert_int_equal(get16(out + 2), len);
	assert_int_equal(get16(out + 6) & IP4_OFFMASK, 0);
	assert_int_equal(get16(out + 6) & IP4_MF, 0);
	assert_true(out[8] > 0);
	assert_int_equal(out[9], IPPROTO_ICMP);
	assert_int_equal(ref_cksum(out, 20), 0);
	/* from the original destination to the original source */
	assert_memory_equal(out + 12, orig + 16, 4);
	assert_memory_equal(out + 16, orig + 12, 4);
	/* type 3 code 4, unused 0, next-hop MTU (RFC 1191) */
	assert_int_equal(out[20], 3);
	assert_int_equal(out[21], 4);
	assert_int_equal(ref_cksum(out + 20, len - 20), 0);
	assert_int_equal(get16(out + 24), 0);
	assert_int_equal(get16(out + 26), mtu);
	assert_memory_equal(out + 28, orig, quote);
}

static void
test_too_big_v4(void **state)
{
	static const size_t	lens[] = { 20, 21, 60, 547, 548, 549, 1400,
	    65535 };
	static uint8_t		p[65535];
	uint8_t			out[2000];
	size_t			i, len;

	for (i = 0; i < nitems(lens); i++) {
		mk4(p, lens[i], 20, IPPROTO_UDP, IP4_DF);
		len = ip_too_big(p, lens[i], 1300, out, sizeof(out));
		check_icmp4(out, len, p, lens[i], 1300);
	}
	/* with options; an echo request; a first fragment; not DF */
	mk4(p, 1000, 28, IPPROTO_UDP, IP4_DF);
	check_icmp4(out, ip_too_big(p, 1000, 576, out, sizeof(out)), p, 1000,
	    576);
	mk4(p, 1000, 20, IPPROTO_ICMP, IP4_DF);
	p[20] = 8;
	check_icmp4(out, ip_too_big(p, 1000, 1280, out, sizeof(out)), p,
	    1000, 1280);
	mk4(p, 1000, 20, IPPROTO_UDP, IP4_MF);
	check_icmp4(out, ip_too_big(p, 1000, 999, out, sizeof(out)), p,
	    1000, 999);
	/* no room: nothing */
	mk4(p, 1000, 20, IPPROTO_UDP, IP4_DF);
	assert_int_equal(ip_too_big(p, 1000, 1280, out, 575), 0);
	assert_int_equal(ip_too_big(p, 1000, 1280, out, 576), 576);
	mk4(p, 100, 20, IPPROTO_UDP, IP4_DF);
	assert_int_equal(ip_too_big(p, 100, 1280, out, 127), 0);
	assert_int_equal(ip_too_big(p, 100, 1280, out, 128), 128);
}

static const struct {
	size_t	at;		/* 12 source, 16 destination */
	uint8_t	addr[4];
} nosend4[] = {
	{ 12, { 0, 0, 0, 0 } }, { 12, { 127, 0, 0, 1 } },
	{ 12, { 224, 0, 0, 5 } }, { 12, { 255, 255, 255, 255 } },
	{ 16, { 239, 1, 2, 3 } }, { 16, { 255, 255, 255, 255 } },
};

/* No ICMP error about an ICMP error, a later fragment, or garbage. */
static void
test_too_big_v4_never(void **state)
{
	static const uint8_t	errs[] = { 3, 4, 5, 11, 12 };
	uint8_t			p[600], out[1300];
	size_t			i;

	for (i = 0; i < nitems(errs); i++) {
		mk4(p, 600, 20, IPPROTO_ICMP, IP4_DF);
		p[20] = errs[i];
		assert_int_equal(ip_too_big(p, 600, 576, out, sizeof(out)), 0);
		/* the same type in another protocol is just data */
		mk4(p, 600, 20, IPPROTO_UDP, IP4_DF);
		p[20] = errs[i];
		assert_int_not_equal(ip_too_big(p, 600, 576, out,
		    sizeof(out)), 0);
	}
	/* ICMP error behind options */
	mk4(p, 600, 24, IPPROTO_ICMP, IP4_DF);
	p[24] = 3;
	assert_int_equal(ip_too_big(p, 600, 576, out, sizeof(out)), 0);
	/* non-first fragments, with and without MF */
	mk4(p, 600, 20, IPPROTO_UDP, 185);
	assert_int_equal(ip_too_big(p, 600, 576, out, sizeof(out)), 0);
	mk4(p, 600, 20, IPPROTO_UDP, IP4_MF | 1);
	assert_int_equal(ip_too_big(p, 600, 576, out, sizeof(out)), 0);
	mk4(p, 600, 20, IPPROTO_ICMP, IP4_DF | 3);
	p[20] = 8;
	assert_int_equal(ip_too_big(p, 600, 576, out, sizeof(out)), 0);
	/* never to an unspecified, loopback, multicast or broadcast source,
	 * nor about a packet to a multicast or broadcast address */
	for (i = 0; i < nitems(nosend4); i++) {
		mk4(p, 600, 20, IPPROTO_UDP, IP4_DF);
		memcpy(p + nosend4[i].at, nosend4[i].addr, 4);
		set16(p + 10, 0);
		set16(p + 10, ref_cksum(p, 20));
		assert_int_equal(ip_too_big(p, 600, 576, out, sizeof(out)), 0);
	}
	/* invalid */
	mk4(p, 600, 20, IPPROTO_UDP, IP4_DF);
	assert_int_equal(ip_too_big(p, 599, 576, out, sizeof(out)), 0);
	assert_int_equal(ip_too_big(p, 0, 576, out, sizeof(out)), 0);
}

/* The ICMPv6 checksum with its pseudo-header (RFC 8200 8.1), by hand. */
static uint16_t
ref_icmp6_cksum(const uint8_t *pkt, size_t len)
{
	static uint8_t	buf[40 + 65536];
	size_t		plen = len - 40;

	memcpy(buf, pkt + 8, 32);			/* src, dst */
	buf[32] = (uint8_t)(plen >> 24);
	buf[33] = (uint8_t)(plen >> 16);
	buf[34] = (uint8_t)(plen >> 8);
	buf[35] = (uint8_t)plen;
	buf[36] = buf[37] = buf[38] = 0;
	buf[39] = 58;
	memcpy(buf + 40, pkt + 40, plen);
	buf[40 + 2] = buf[40 + 3] = 0;			/* checksum field */
	return ref_cksum(buf, 40 + plen);
}

static void
check_icmp6(const uint8_t *out, size_t len, const uint8_t *orig,
    size_t origlen, uint32_t mtu)
{
	struct ip_info	ip;
	size_t		quote = origlen < 1232 ? origlen : 1232;

	assert_int_equal(len, 40 + 8 + quote);
	assert_true(len <= IP6_ICMP_MAX);
	assert_int_equal(ip_parse(out, len, &ip), 0);
	assert_int_equal(out[0] >> 4, 6);
	assert_int_equal(get16(out + 4), len - 40);
	assert_int_equal(out[6], 58);
	assert_true(out[7] > 0);
	assert_memory_equal(out + 8, orig + 24, 16);
	assert_memory_equal(out + 24, orig + 8, 16);
	assert_int_equal(out[40], 2);
	assert_int_equal(out[41], 0);
	assert_int_equal(get16(out + 42), ref_icmp6_cksum(out, len));
	assert_int_equal((uint32_t)out[44] << 24 | (uint32_t)out[45] << 16 |
	    (uint32_t)out[46] << 8 | out[47], mtu);
	assert_memory_equal(out + 48, orig, quote);
}

static void
test_too_big_v6(void **state)
{
	static const size_t	lens[] = { 40, 41, 100, 1231, 1232, 1233,
	    1500, 9000, 65535 };
	static uint8_t		p[65535];
	uint8_t			out[1500];
	size_t			i, len;

	for (i = 0; i < nitems(lens); i++) {
		mk6(p, lens[i], IPPROTO_TCP);
		len = ip_too_big(p, lens[i], 1280, out, sizeof(out));
		check_icmp6(out, len, p, lens[i], 1280);
	}
	/* the MTU field is 32 bits wide */
	mk6(p, 1500, IPPROTO_UDP);
	check_icmp6(out, ip_too_big(p, 1500, 0x12345678, out, sizeof(out)),
	    p, 1500, 0x12345678);
	/* informational ICMPv6 is answered, errors (type < 128) are not */
	mk6(p, 1500, IPPROTO_ICMPV6);
	p[40] = 128;
	check_icmp6(out, ip_too_big(p, 1500, 1400, out, sizeof(out)), p, 1500,
	    1400);
	for (i = 0; i < 128; i++) {
		p[40] = (uint8_t)i;
		assert_int_equal(ip_too_big(p, 1500, 1400, out, sizeof(out)),
		    0);
	}
	/* never to ::, ::1 or a multicast source; a multicast destination
	 * is answered (RFC 4443 2.4 e.3) */
	mk6(p, 1500, IPPROTO_UDP);
	memset(p + 8, 0, 16);
	assert_int_equal(ip_too_big(p, 1500, 1400, out, sizeof(out)), 0);
	p[23] = 1;
	assert_int_equal(ip_too_big(p, 1500, 1400, out, sizeof(out)), 0);
	p[8] = 0xff;
	assert_int_equal(ip_too_big(p, 1500, 1400, out, sizeof(out)), 0);
	mk6(p, 1500, IPPROTO_UDP);
	p[24] = 0xff;
	check_icmp6(out, ip_too_big(p, 1500, 1400, out, sizeof(out)), p, 1500,
	    1400);
	/* no room */
	mk6(p, 1500, IPPROTO_UDP);
	assert_int_equal(ip_too_big(p, 1500, 1280, out, 1279), 0);
	assert_int_equal(ip_too_big(p, 1500, 1280, out, 1280), 1280);
	assert_int_equal(ip_too_big(p, 1499, 1280, out, sizeof(out)), 0);
}

struct frags {
	const uint8_t	*orig;
	size_t		 origlen;
	size_t		 mtu;
	unsigned int	 count;
	size_t		 next;		/* next expected data offset */
	bool		 last_seen;
	uint8_t		 data[65536];
	int		 fail_at;	/* return -1 on this call */
};

static int
frag_cb(const uint8_t *p, size_t len, void *arg)
{
	struct frags	*f = arg;
	struct ip_info	 ip;
	uint16_t	 off, origoff;
	size_t		 n;

	if (++f->count == (unsigned int)f->fail_at)
		return -1;
	assert_false(f->last_seen);
	assert_true(len <= f->mtu);
	assert_int_equal(ip_parse(p, len, &ip), 0);
	assert_int_equal(ip.hdrlen, 20);
	assert_false(ip.df);
	assert_int_equal(ref_cksum(p, 20), 0);
	/* identification, TTL, protocol, addresses carried over */
	assert_memory_equal(p + 4, f->orig + 4, 2);
	assert_memory_equal(p + 8, f->orig + 8, 2);
	assert_memory_equal(p + 12, f->orig + 12, 8);
	assert_int_equal(p[0], f->orig[0]);
	origoff = get16(f->orig + 6);
	off = get16(p + 6);
	n = len - 20;
	assert_int_equal((size_t)(off & IP4_OFFMASK) * 8,
	    (size_t)(origoff & IP4_OFFMASK) * 8 + f->next);
	memcpy(f->data + f->next, p + 20, n);
	f->next += n;
	if (f->next < f->origlen - 20) {
		assert_true(off & IP4_MF);
		assert_int_equal(n % 8, 0);
		assert_true(n > 0);
	} else {
		f->last_seen = true;
		assert_int_equal(!!(off & IP4_MF), !!(origoff & IP4_MF));
	}
	return 0;
}

static void
frag_check(struct frags *f, const uint8_t *p, size_t len, size_t mtu)
{
	size_t	chunk;

	memset(f, 0, sizeof(*f));
	f->orig = p;
	f->origlen = len;
	f->mtu = mtu;
	assert_int_equal(ip4_fragment(p, len, mtu, frag_cb, f), 0);
	assert_true(f->last_seen);
	assert_int_equal(f->next, len - 20);
	assert_memory_equal(f->data, p + 20, len - 20);
	/* as few fragments as 8-byte units allow */
	chunk = (mtu - 20) & ~(size_t)7;
	assert_int_equal(f->count, (len - 20 + chunk - 1) / chunk);
}

static void
test_fragment(void **state)
{
	static const size_t	lens[] = { 21, 29, 100, 576, 1500, 1501, 4000,
	    65535 };
	static const size_t	mtus[] = { 28, 29, 35, 36, 68, 576, 577, 1000,
	    1280, 1499, 1500, 9000 };
	static uint8_t		p[65535];
	static struct frags	f;
	size_t			i, j;

	for (i = 0; i < nitems(lens); i++) {
		for (j = 0; j < nitems(mtus); j++) {
			mk4(p, lens[i], 20, IPPROTO_UDP, 0);
			frag_check(&f, p, lens[i], mtus[j]);
		}
	}
	/* a fragment fragmented again: offsets continue, MF stays */
	mk4(p, 1500, 20, IPPROTO_UDP, IP4_MF | 100);
	frag_check(&f, p, 1500, 576);
	mk4(p, 1500, 20, IPPROTO_UDP, 100);
	frag_check(&f, p, 1500, 576);
}

static void
test_fragment_refused(void **state)
{
	static uint8_t		p[2000];
	static struct frags	f;

	memset(&f, 0, sizeof(f));
	mk4(p, 1500, 20, IPPROTO_UDP, IP4_DF);
	errno = 0;
	assert_int_equal(ip4_fragment(p, 1500, 576, frag_cb, &f), -1);
	assert_int_equal(errno, EINVAL);
	mk4(p, 1500, 24, IPPROTO_UDP, 0);		/* options */
	errno = 0;
	assert_int_equal(ip4_fragment(p, 1500, 576, frag_cb, &f), -1);
	assert_int_equal(errno, EINVAL);
	mk4(p, 1500, 20, IPPROTO_UDP, 0);
	assert_int_equal(ip4_fragment(p, 1500, 27, frag_cb, &f), -1);
	assert_int_equal(ip4_fragment(p, 1499, 576, frag_cb, &f), -1);
	mk6(p, 1500, IPPROTO_UDP);
	assert_int_equal(ip4_fragment(p, 1500, 576, frag_cb, &f), -1);
	assert_int_equal(f.count, 0);

	/* the callback's failure stops the loop */
	mk4(p, 1500, 20, IPPROTO_UDP, 0);
	memset(&f, 0, sizeof(f));
	f.orig = p;
	f.origlen = 1500;
	f.mtu = 576;
	f.fail_at = 2;
	assert_int_equal(ip4_fragment(p, 1500, 576, frag_cb, &f), -1);
	assert_int_equal(f.count, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum),
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_v4_bad),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_too_big_v4),
		cmocka_unit_test(test_too_big_v4_never),
		cmocka_unit_test(test_too_big_v6),
		cmocka_unit_test(test_fragment),
		cmocka_unit_test(test_fragment_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
