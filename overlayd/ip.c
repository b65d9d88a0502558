/*
 * ip.c: inner IP packet helpers.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#include "buf.h"
#include "gre.h"
#include "ip.h"

uint32_t
ip_cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t
ip_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Internet checksum (RFC 1071); 0 over a buffer whose checksum is right. */
uint16_t
ip_cksum(const void *p, size_t len)
{
	return ip_cksum_fold(ip_cksum_add(0, p, len));
}

static int
ip4_parse(struct rd *r, size_t len, struct ip_info *ip)
{
	uint8_t		vihl, tos, ttl;
	uint16_t	id, off, sum;

	if (rd_get_u8(r, &vihl) == -1 || rd_get_u8(r, &tos) == -1 ||
	    rd_get_u16(r, &ip->totlen) == -1 || rd_get_u16(r, &id) == -1 ||
	    rd_get_u16(r, &off) == -1 || rd_get_u8(r, &ttl) == -1 ||
	    rd_get_u8(r, &ip->proto) == -1 || rd_get_u16(r, &sum) == -1 ||
	    rd_get_n(r, &ip->src.u.v4, 4) == -1 ||
	    rd_get_n(r, &ip->dst.u.v4, 4) == -1)
		return -1;
	ip->af = ip->src.af = ip->dst.af = AF_INET;
	ip->hdrlen = (uint16_t)((vihl & 0x0f) * 4);
	ip->df = (off & IP4_DF) != 0;
	ip->first_frag = (off & IP4_OFFMASK) == 0;
	if (ip->hdrlen < IP4_HDR_MIN || ip->totlen < ip->hdrlen ||
	    ip->totlen != len)
		return -1;
	return 0;
}

static int
ip6_parse(struct rd *r, size_t len, struct ip_info *ip)
{
	uint32_t	vtcfl;
	uint16_t	plen;
	uint8_t		hlim;

	if (rd_get_u32(r, &vtcfl) == -1 || rd_get_u16(r, &plen) == -1 ||
	    rd_get_u8(r, &ip->proto) == -1 || rd_get_u8(r, &hlim) == -1 ||
	    rd_get_n(r, &ip->src.u.v6, 16) == -1 ||
	    rd_get_n(r, &ip->dst.u.v6, 16) == -1)
		return -1;
	ip->af = ip->src.af = ip->dst.af = AF_INET6;
	ip->hdrlen = IP6_HDR_LEN;
	ip->totlen = (uint16_t)(IP6_HDR_LEN + plen);
	ip->df = true;
	ip->first_frag = true;
	if ((size_t)IP6_HDR_LEN + plen != len)
		return -1;
	return 0;
}

/*
 * Validates an inner IPv4 or IPv6 packet: version, header and total
 * length agree with the buffer. Does not verify the IPv4 header checksum
 * (the receiving stack does).
 */
int
ip_parse(const uint8_t *p, size_t len, struct ip_info *ip)
{
	struct rd	r;
	int		rv = -1;

	memset(ip, 0, sizeof(*ip));
	rd_init(&r, p, len);
	if (len == 0 || len > 65535)
		rv = -1;
	else if (p[0] >> 4 == 4)
		rv = ip4_parse(&r, len, ip);
	else if (p[0] >> 4 == 6)
		rv = ip6_parse(&r, len, ip);
	if (rv == -1)
		errno = EBADMSG;
	return rv;
}

uint16_t
ip_gre_proto(sa_family_t af)
{
	return af == AF_INET ? GRE_PROTO_IPV4 : GRE_PROTO_IPV6;
}

/* Never answer an ICMP error with another (RFC 1122 3.2.2, RFC 4443 2.4). */
static bool
ip_is_icmp_error(const uint8_t *p, const struct ip_info *ip)
{
	uint8_t	type;

	if (!ip->first_frag || ip->totlen <= ip->hdrlen)
		return false;
	type = p[ip->hdrlen];
	if (ip->af == AF_INET && ip->proto == IPPROTO_ICMP)
		return type != ICMP_ECHO && type != ICMP_ECHOREPLY &&
		    type != ICMP_TIMESTAMP && type != ICMP_TIMESTAMPREPLY;
	if (ip->af == AF_INET6 && ip->proto == IPPROTO_ICMPV6)
		return type < 128;
	return false;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t
ip4_too_big(const uint8_t *p, const struct ip_info *ip, uint32_t mtu,
    uint8_t *out, size_t outsize)
{
	size_t	quote = ip->totlen, len;

	if (quote > IP_ICMP_MAX - IP4_HDR_MIN - 8)
		quote = IP_ICMP_MAX - IP4_HDR_MIN - 8;
	len = IP4_HDR_MIN + 8 + quote;
	if (outsize < len)
		return 0;
	memset(out, 0, IP4_HDR_MIN + 8);
	out[0] = 0x45;
	put16(out + 2, (uint16_t)len);
	out[8] = 64;
	out[9] = IPPROTO_ICMP;
	/* from the destination the packet could not reach, to its sender */
	memcpy(out + 12, &ip->dst.u.v4, 4);
	memcpy(out + 16, &ip->src.u.v4, 4);
	put16(out + 10, ip_cksum(out, IP4_HDR_MIN));
	out[20] = ICMP_DEST_UNREACH;
	out[21] = ICMP_FRAG_NEEDED;
	put16(out + 26, (uint16_t)mtu);
	memcpy(out + 28, p, quote);
	put16(out + 22, ip_cksum(out + IP4_HDR_MIN, 8 + quote));
	return len;
}

static size_t
ip6_too_big(const uint8_t *p, const struct ip_info *ip, uint32_t mtu,
    uint8_t *out, size_t outsize)
{
	size_t		quote = ip->totlen, len, plen;
	uint32_t	sum;

	if (quote > IP6_ICMP_MAX - IP6_HDR_LEN - 8)
		quote = IP6_ICMP_MAX - IP6_HDR_LEN - 8;
	plen = 8 + quote;
	len = IP6_HDR_LEN + plen;
	if (outsize < len)
		return 0;
	memset(out, 0, IP6_HDR_LEN + 8);
	out[0] = 0x60;
	put16(out + 4, (uint16_t)plen);
	out[6] = IPPROTO_ICMPV6;
	out[7] = 64;
	memcpy(out + 8, &ip->dst.u.v6, 16);
	memcpy(out + 24, &ip->src.u.v6, 16);
	out[40] = ICMP6_PACKET_TOO_BIG;
	out[44] = (uint8_t)(mtu >> 24);
	out[45] = (uint8_t)(mtu >> 16);
	out[46] = (uint8_t)(mtu >> 8);
	out[47] = (uint8_t)mtu;
	memcpy(out + 48, p, quote);
	/* pseudo-header: addresses, upper-layer length, next header */
	sum = ip_cksum_add(0, out + 8, 32);
	sum += (uint32_t)plen + IPPROTO_ICMPV6;
	sum = ip_cksum_add(sum, out + IP6_HDR_LEN, plen);
	put16(out + 42, ip_cksum_fold(sum));
	return len;
}

/*
 * Whether an ICMP error may be sent about this packet: never to an
 * unspecified, multicast, broadcast or loopback source, nor about an IPv4
 * packet to a multicast or broadcast address (RFC 1812 4.3.2.7). IPv6
 * Packet Too Big may answer a multicast destination (RFC 4443 2.4 e.3).
 */
static bool
ip_error_allowed(const uint8_t *p, const struct ip_info *ip)
{
	static const uint8_t	v6unspec[16], v6loop[16] = { [15] = 1 };
	const uint8_t		*src, *dst;

	if (ip->af == AF_INET) {
		src = p + 12;
		dst = p + 16;
		return !(src[0] == 0 || src[0] == 127 || src[0] >= 224 ||
		    dst[0] >= 224);
	}
	src = p + 8;
	return src[0] != 0xff && memcmp(src, v6unspec, 16) != 0 &&
	    memcmp(src, v6loop, 16) != 0;
}

/*
 * Builds the ICMP error telling the sender of `p` that at most `mtu`
 * bytes fit. Returns its length, or 0 when no error may be sent (the
 * packet is itself an ICMP error, a non-first fragment, invalid, or
 * ip_error_allowed() says no).
 */
size_t
ip_too_big(const uint8_t *p, size_t len, uint32_t mtu, uint8_t *out,
    size_t outsize)
{
	struct ip_info	ip;

	if (ip_parse(p, len, &ip) == -1 || ip_is_icmp_error(p, &ip) ||
	    !ip_error_allowed(p, &ip))
		return 0;
	if (ip.af == AF_INET)
		return ip.first_frag ? ip4_too_big(p, &ip, mtu, out, outsize) : 0;
	return ip6_too_big(p, &ip, mtu, out, outsize);
}

/*
 * Splits an IPv4 packet without DF into fragments of at most `mtu` bytes
 * (RFC 791), handing each to `cb`. Packets with IP options are refused
 * rather than deciding per option which fragments must carry it.
 */
int
ip4_fragment(const uint8_t *p, size_t len, size_t mtu, ip_frag_cb cb,
    void *arg)
{
	struct ip_info	ip;
	uint8_t		frag[65535];
	size_t		off, chunk, data, hl;
	uint16_t	origoff, fo;

	if (ip_parse(p, len, &ip) == -1 || ip.af != AF_INET || ip.df ||
	    ip.hdrlen != IP4_HDR_MIN || mtu < IP4_HDR_MIN + 8) {
		errno = EINVAL;
		return -1;
	}
	hl = ip.hdrlen;
	data = len - hl;
	origoff = (uint16_t)(p[6] << 8 | p[7]);
	/* a fragment may not end past 65535 bytes of the original packet */
	if ((size_t)(origoff & IP4_OFFMASK) * 8 + data > 65535) {
		errno = EINVAL;
		return -1;
	}
	chunk = (mtu - hl) & ~(size_t)7;
	for (off = 0; off < data; off += chunk) {
		size_t	n = data - off < chunk ? data - off : chunk;

		memcpy(frag, p, hl);
		memcpy(frag + hl, p + hl + off, n);
		fo = (uint16_t)((origoff & IP4_OFFMASK) + off / 8);
		if (off + n < data || (origoff & IP4_MF))
			fo |= IP4_MF;
		put16(frag + 2, (uint16_t)(hl + n));
		put16(frag + 6, fo);
		frag[10] = frag[11] = 0;
		put16(frag + 10, ip_cksum(frag, hl));
		if (cb(frag, hl + n, arg) == -1)
			return -1;
	}
	return 0;
}
