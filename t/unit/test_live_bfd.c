/*
 * test_live_bfd.c: the inner IPv4/IPv6 + UDP packet that carries BFD
 * through the tunnel (RFC 5881: port 3784, TTL 255, UDP checksum), how a
 * received inner packet is told apart, and which inner addresses a
 * tunnel's keepalives use.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "unit.h"

#include "addr.h"
#include "bfd.h"
#include "conf.h"
#include "ip.h"
#include "live.h"

static const uint8_t payload[BFD_PKT_LEN] = {
	0x20, 0x40, 0x03, 0x18, 1, 2, 3, 4,
};

static void
mkaddr(const char *s, struct addr *a)
{
	assert_true(addr_parse(s, a));
}

/* Encapsulates, checks the headers, and decapsulates again. */
static size_t
roundtrip(const char *src, const char *dst, uint8_t *pkt, size_t len)
{
	struct addr	 s, d;
	struct ip_info	 ip;
	const uint8_t	*bfd;
	size_t		 n, bfdlen, hl;

	mkaddr(src, &s);
	mkaddr(dst, &d);
	n = live_encap(&s, &d, 49153, payload, sizeof(payload), pkt, len);
	hl = s.af == AF_INET ? 20 : 40;
	assert_int_equal(n, hl + 8 + sizeof(payload));
	assert_int_equal(ip_parse(pkt, n, &ip), 0);
	assert_int_equal(ip.proto, IPPROTO_UDP);
	assert_true(addr_eq(&ip.src, &s) && addr_eq(&ip.dst, &d));
	assert_int_equal(pkt[s.af == AF_INET ? 8 : 7], 255);
	if (s.af == AF_INET)
		assert_int_equal(ref_cksum(pkt, 20), 0);
	assert_int_equal(pkt[hl] << 8 | pkt[hl + 1], 49153);
	assert_int_equal(pkt[hl + 2] << 8 | pkt[hl + 3], BFD_PORT);
	assert_int_equal(pkt[hl + 4] << 8 | pkt[hl + 5], 8 + sizeof(payload));
	assert_int_not_equal(pkt[hl + 6] << 8 | pkt[hl + 7], 0);
	/* the receiver: we are d, the peer is s */
	assert_int_equal(live_decap(pkt, n, &ip, &d, &s, &bfd, &bfdlen),
	    LIVE_BFD);
	assert_int_equal(bfdlen, sizeof(payload));
	assert_memory_equal(bfd, payload, sizeof(payload));
	return n;
}

static enum live_udp
decap(uint8_t *pkt, size_t n, const char *local, const char *remote)
{
	struct addr	 l, r;
	struct ip_info	 ip;
	const uint8_t	*bfd;
	size_t		 bfdlen;

	mkaddr(local, &l);
	mkaddr(remote, &r);
	if (ip_parse(pkt, n, &ip) == -1)
		return LIVE_NOT_BFD;
	return live_decap(pkt, n, &ip, &l, &r, &bfd, &bfdlen);
}

static void
fix_ip4_cksum(uint8_t *p)
{
	uint16_t	sum;

	p[10] = p[11] = 0;
	sum = ref_cksum(p, 20);
	p[10] = (uint8_t)(sum >> 8);
	p[11] = (uint8_t)sum;
}

static void
test_ipv4(void **state)
{
	uint8_t	pkt[LIVE_PKT_MAX], copy[LIVE_PKT_MAX];
	size_t	n;

	n = roundtrip("198.18.0.0", "198.18.0.1", pkt, sizeof(pkt));
	memcpy(copy, pkt, n);
	/* not for us, or not BFD: the TUN's */
	assert_int_equal(decap(pkt, n, "198.18.0.9", "198.18.0.0"),
	    LIVE_NOT_BFD);
	pkt[23] = 0x85;	/* port 3785, echo */
	assert_int_equal(decap(pkt, n, "198.18.0.1", "198.18.0.0"),
	    LIVE_NOT_BFD);
	memcpy(pkt, copy, n);
	pkt[6] = 0x20;	/* MF: a fragment */
	fix_ip4_cksum(pkt);
	assert_int_equal(decap(pkt, n, "198.18.0.1", "198.18.0.0"),
	    LIVE_NOT_BFD);
	/* ours, but wrong */
	memcpy(pkt, copy, n);
	pkt[8] = 254;	/* one hop away: GTSM says no */
	fix_ip4_cksum(pkt);
	assert_int_equal(decap(pkt, n, "198.18.0.1", "198.18.0.0"),
	    LIVE_BAD_TTL);
	assert_int_equal(decap(copy, n, "198.18.0.1", "198.18.0.7"),
	    LIVE_BAD_SRC);
	memcpy(pkt, copy, n);
	pkt[n - 1] ^= 1;	/* payload changed, checksum not */
	assert_int_equal(decap(pkt, n, "198.18.0.1", "198.18.0.0"),
	    LIVE_BAD_UDP);
	memcpy(pkt, copy, n);
	pkt[26] = pkt[27] = 0;	/* IPv4: no checksum is fine */
	assert_int_equal(decap(pkt, n, "198.18.0.1", "198.18.0.0"), LIVE_BFD);
	memcpy(pkt, copy, n);
	pkt[25] = 7;	/* UDP length below 8 */
	assert_int_equal(decap(pkt, n, "198.18.0.1", "198.18.0.0"),
	    LIVE_BAD_UDP);
	pkt[25] = 60;	/* UDP length past the packet */
	assert_int_equal(decap(pkt, n, "198.18.0.1", "198.18.0.0"),
	    LIVE_BAD_UDP);
	/* too short to hold a UDP header */
	memcpy(pkt, copy, n);
	pkt[3] = 24;
	fix_ip4_cksum(pkt);
	assert_int_equal(decap(pkt, 24, "198.18.0.1", "198.18.0.0"),
	    LIVE_NOT_BFD);
}

static void
test_ipv6(void **state)
{
	uint8_t	pkt[LIVE_PKT_MAX], copy[LIVE_PKT_MAX];
	size_t	n;

	n = roundtrip("2001:db8:ff::2", "2001:db8:ff::3", pkt, sizeof(pkt));
	memcpy(copy, pkt, n);
	assert_int_equal(pkt[0] >> 4, 6);
	pkt[7] = 1;
	assert_int_equal(decap(pkt, n, "2001:db8:ff::3", "2001:db8:ff::2"),
	    LIVE_BAD_TTL);
	memcpy(pkt, copy, n);
	pkt[46] = pkt[47] = 0;	/* IPv6: the checksum is mandatory */
	assert_int_equal(decap(pkt, n, "2001:db8:ff::3", "2001:db8:ff::2"),
	    LIVE_BAD_UDP);
	/* a long one: checksummed in full, not just the first bytes */
	{
		uint8_t	big[40 + 8 + 300], ph[40 + 8 + 8 + 300];
		size_t	ulen = 8 + 300;
		uint16_t sum;

		memset(big, 0, sizeof(big));
		memcpy(big, copy, n);
		big[4] = (uint8_t)(ulen >> 8);
		big[5] = (uint8_t)ulen;
		big[44] = (uint8_t)(ulen >> 8);
		big[45] = (uint8_t)ulen;
		big[sizeof(big) - 1] = 0x5a;
		assert_int_equal(decap(big, sizeof(big), "2001:db8:ff::3",
		    "2001:db8:ff::2"), LIVE_BAD_UDP);
		/* pseudo-header (RFC 8200 8.1), then UDP, checksum 0 */
		memset(ph, 0, sizeof(ph));
		memcpy(ph, big + 8, 32);
		ph[34] = (uint8_t)(ulen >> 8);
		ph[35] = (uint8_t)ulen;
		ph[39] = IPPROTO_UDP;
		big[46] = big[47] = 0;
		memcpy(ph + 40, big + 40, ulen);
		sum = ref_cksum(ph, 40 + ulen);
		big[46] = (uint8_t)(sum >> 8);
		big[47] = (uint8_t)sum;
		assert_int_equal(decap(big, sizeof(big), "2001:db8:ff::3",
		    "2001:db8:ff::2"), LIVE_BFD);
	}
	/* no room, or mixed families */
	{
		struct addr	s, d;

		mkaddr("2001:db8:ff::2", &s);
		mkaddr("198.18.0.1", &d);
		assert_int_equal(live_encap(&s, &d, 49152, payload,
		    sizeof(payload), pkt, sizeof(pkt)), 0);
		assert_int_equal(live_encap(&s, &s, 49152, payload,
		    sizeof(payload), pkt, 40), 0);
	}
}

static void
other(const char *pfx, const char *want)
{
	struct prefix	p;
	struct addr	o, w;

	assert_true(prefix_parse(pfx, &p));
	if (want == NULL) {
		assert_false(prefix_p2p_other(&p, &o));
		return;
	}
	assert_true(prefix_p2p_other(&p, &o));
	mkaddr(want, &w);
	assert_true(addr_eq(&o, &w));
}

static void
test_p2p_other(void **state)
{
	other("198.18.0.0/31", "198.18.0.1");
	other("198.18.0.1/31", "198.18.0.0");
	other("198.18.0.1/30", "198.18.0.2");
	other("198.18.0.6/30", "198.18.0.5");
	other("198.18.0.4/30", NULL);	/* network */
	other("198.18.0.7/30", NULL);	/* broadcast */
	other("198.18.0.1/29", NULL);
	other("198.18.0.1/32", NULL);
	other("2001:db8:ff::2/127", "2001:db8:ff::3");
	other("2001:db8:ff::ff/127", "2001:db8:ff::fe");
	other("2001:db8:ff::1/126", "2001:db8:ff::2");
	other("2001:db8:ff::/126", NULL);
	other("2001:db8:ff::1/64", NULL);
}

static void
test_ka_addrs(void **state)
{
	struct peer_conf	pc;
	struct addr		l, r, w;

	memset(&pc, 0, sizeof(pc));
	assert_false(conf_peer_ka_addrs(&pc, &l, &r));
	assert_true(prefix_parse("2001:db8:ff::2/127", &pc.addrs[0]));
	assert_true(prefix_parse("198.18.0.1/24", &pc.addrs[1]));
	pc.naddrs = 2;
	/* the /24 has no peer: IPv6 it is */
	assert_true(conf_peer_ka_addrs(&pc, &l, &r));
	mkaddr("2001:db8:ff::3", &w);
	assert_true(addr_eq(&r, &w));
	/* an explicit IPv4 peer wins over IPv6 */
	mkaddr("198.18.0.9", &pc.addr_peer[1]);
	assert_true(conf_peer_ka_addrs(&pc, &l, &r));
	assert_true(addr_eq(&r, &pc.addr_peer[1]));
	assert_true(addr_eq(&l, &pc.addrs[1].addr));
	/* nothing derivable */
	memset(&pc.addr_peer[1], 0, sizeof(pc.addr_peer[1]));
	assert_true(prefix_parse("2001:db8:ff::2/64", &pc.addrs[0]));
	assert_false(conf_peer_ka_addrs(&pc, &l, &r));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_p2p_other),
		cmocka_unit_test(test_ka_addrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
