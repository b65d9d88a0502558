/*
 * fuzz_ip.c: libFuzzer target for ip_parse(), ip_too_big() and
 * ip4_fragment() (input format in fuzz.h). The ICMP error and every
 * fragment are checked against RFC 792/1191/4443 and RFC 791; a
 * violation aborts.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ip.h"

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 1071, independently of ip_cksum(). */
static uint32_t
add16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		sum += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)~sum;
}

static uint16_t
sum16(const uint8_t *p, size_t len)
{
	return fold(add16(0, p, len));
}

static void
check_icmp(const uint8_t *p, const struct ip_info *ip, uint32_t mtu,
    const uint8_t *out, size_t n)
{
	struct ip_info	o;
	uint8_t		ph[40];
	size_t		quote;

	fuzz_check(ip_parse(out, n, &o) == 0);
	fuzz_check(o.af == ip->af);
	fuzz_check(addr_eq(&o.src, &ip->dst) && addr_eq(&o.dst, &ip->src));
	if (ip->af == AF_INET) {
		fuzz_check(n <= IP_ICMP_MAX && n >= 28);
		fuzz_check(o.proto == IPPROTO_ICMP && o.hdrlen == 20);
		fuzz_check(sum16(out, 20) == 0);
		fuzz_check(sum16(out + 20, n - 20) == 0);
		fuzz_check(out[20] == 3 && out[21] == 4);
		fuzz_check(get16(out + 26) == (uint16_t)mtu);
		quote = n - 28;
		fuzz_check(quote == (ip->totlen < 548 ? ip->totlen : 548));
		fuzz_check(memcmp(out + 28, p, quote) == 0);
	} else {
		fuzz_check(n <= IP6_ICMP_MAX && n >= 48);
		fuzz_check(o.proto == IPPROTO_ICMPV6);
		/* pseudo-header: addresses, length, next header */
		memcpy(ph, out + 8, 32);
		ph[32] = ph[33] = 0;
		ph[34] = (uint8_t)((n - 40) >> 8);
		ph[35] = (uint8_t)(n - 40);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = IPPROTO_ICMPV6;
		fuzz_check(fold(add16(add16(0, ph, 40), out + 40, n - 40)) == 0);
		fuzz_check(out[40] == 2 && out[41] == 0);
		fuzz_check(((uint32_t)out[44] << 24 | (uint32_t)out[45] << 16 |
		    (uint32_t)out[46] << 8 | out[47]) == mtu);
		quote = n - 48;
		fuzz_check(quote == (ip->totlen < 1232 ? ip->totlen : 1232));
		fuzz_check(memcmp(out + 48, p, quote) == 0);
	}
}

struct frag_state {
	const uint8_t	*p;
	size_t		 len, mtu, next;
	int		 last;
};

static int
frag_cb(const uint8_t *f, size_t len, void *arg)
{
	struct frag_state	*s = arg;
	struct ip_info		 ip;
	uint16_t		 off = get16(f + 6), origoff = get16(s->p + 6);
	size_t			 n = len - 20, data = s->len - 20;

	fuzz_check(!s->last);
	fuzz_check(len <= s->mtu);
	fuzz_check(ip_parse(f, len, &ip) == 0);
	fuzz_check(ip.hdrlen == 20 && !ip.df);
	fuzz_check(sum16(f, 20) == 0);
	fuzz_check(memcmp(f + 4, s->p + 4, 2) == 0);		/* id */
	fuzz_check(memcmp(f + 8, s->p + 8, 2) == 0);		/* ttl, proto */
	fuzz_check(memcmp(f + 12, s->p + 12, 8) == 0);	/* addresses */
	/* the offset continues the original's, in 8-byte units */
	fuzz_check((size_t)(off & IP4_OFFMASK) * 8 ==
	    (size_t)(origoff & IP4_OFFMASK) * 8 + s->next);
	fuzz_check(memcmp(f + 20, s->p + 20 + s->next, n) == 0);
	s->next += n;
	fuzz_check(s->next <= data);
	if (s->next < data) {
		fuzz_check(n > 0 && n % 8 == 0);
		fuzz_check(off & IP4_MF);
	} else {
		s->last = 1;
		fuzz_check((off & IP4_MF) == (origoff & IP4_MF));
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		out[2048];
	struct frag_state	s;
	struct ip_info		ip;
	uint32_t		mtu;
	size_t			n;
	int			parsed, rv, can;

	if (size < 4)
		return 0;
	mtu = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
	    (uint32_t)data[2] << 8 | data[3];
	data += 4;
	size -= 4;

	parsed = ip_parse(data, size, &ip);
	if (parsed == 0) {
		fuzz_check(ip.totlen == size);
		fuzz_check(ip.hdrlen <= ip.totlen);
		fuzz_check(ip.af == AF_INET || ip.af == AF_INET6);
		fuzz_check(ip.af == AF_INET6 || ip.hdrlen >= 20);
	}

	n = ip_too_big(data, size, mtu, out, sizeof(out));
	if (n > 0) {
		fuzz_check(parsed == 0);
		check_icmp(data, &ip, mtu, out, n);
	} else if (parsed == 0) {
		/* only for an ICMP error or a later fragment */
		fuzz_check((ip.af == AF_INET && !ip.first_frag) ||
		    ip.proto == IPPROTO_ICMP || ip.proto == IPPROTO_ICMPV6);
	}

	memset(&s, 0, sizeof(s));
	s.p = data;
	s.len = size;
	s.mtu = mtu & 0xffff;
	can = parsed == 0 && ip.af == AF_INET && !ip.df && ip.hdrlen == 20 &&
	    s.mtu >= 28 &&
	    (size_t)((data[6] << 8 | data[7]) & 0x1fff) * 8 + size - 20 <= 65535;
	rv = ip4_fragment(data, size, s.mtu, frag_cb, &s);
	fuzz_check(rv == (can ? 0 : -1));
	if (rv == 0)
		fuzz_check(s.next == size - 20 && (s.last || size == 20));
	else
		fuzz_check(s.next == 0);
	return 0;
}
