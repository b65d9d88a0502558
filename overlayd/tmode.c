/*
 * tmode.c: the outer IP header of ESP tunnel mode, added before sealing
 * and checked and removed after opening. What is accepted is exactly one
 * unfragmented GRE packet between the SA's two outer addresses; anything
 * else fails (the caller counts and drops it).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ip.h"
#include "tmode.h"

#define TMODE_TTL	64
#define TMODE_GRE	47

size_t
tmode_hdrlen(sa_family_t af)
{
	return af == AF_INET ? IP4_HDR_MIN : IP6_HDR_LEN;
}

uint8_t
tmode_nh(sa_family_t af)
{
	return af == AF_INET ? TMODE_NH_IPV4 : TMODE_NH_IPV6;
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Prepends IP src -> dst, protocol 47, to the GRE packet in pk. */
int
tmode_encap(struct pkt *pk, const struct addr *src, const struct addr *dst)
{
	size_t		 hl = tmode_hdrlen(src->af), tot = pk->len + hl;
	uint8_t		*h;
	uint16_t	 sum;

	if (src->af != dst->af || tot > 65535 || pkt_headroom(pk) < hl) {
		errno = EINVAL;
		return -1;
	}
	h = pkt_push(pk, hl);
	memset(h, 0, hl);
	if (src->af == AF_INET) {
		h[0] = 0x45;
		put16(h + 2, tot);
		put16(h + 6, IP4_DF);	/* ID 0: atomic (RFC 6864) */
		h[8] = TMODE_TTL;
		h[9] = TMODE_GRE;
		memcpy(h + 12, &src->u.v4, 4);
		memcpy(h + 16, &dst->u.v4, 4);
		sum = ip_cksum(h, IP4_HDR_MIN);
		put16(h + 10, sum);
	} else {
		h[0] = 0x60;
		put16(h + 4, pk->len - hl);
		h[6] = TMODE_GRE;
		h[7] = TMODE_TTL;
		memcpy(h + 8, &src->u.v6, 16);
		memcpy(h + 24, &dst->u.v6, 16);
	}
	return 0;
}

/*
 * Checks what ESP gave with next header nh: an IP packet of the family
 * of src/dst, from src to dst, GRE, not a fragment, a correct IPv4
 * header checksum and options-free; then leaves only the GRE packet.
 */
int
tmode_decap(struct pkt *pk, uint8_t nh, const struct addr *src,
    const struct addr *dst)
{
	struct ip_info	ip;

	if (nh != tmode_nh(src->af) || src->af != dst->af ||
	    ip_parse(pk->data, pk->len, &ip) == -1 || ip.af != src->af ||
	    ip.proto != TMODE_GRE || !addr_eq(&ip.src, src) ||
	    !addr_eq(&ip.dst, dst))
		goto bad;
	if (ip.af == AF_INET && (ip.hdrlen != IP4_HDR_MIN ||
	    (((pk->data[6] << 8) | pk->data[7]) & (IP4_MF | IP4_OFFMASK)) !=
	    0 || ip_cksum(pk->data, IP4_HDR_MIN) != 0))
		goto bad;
	if (pkt_pull(pk, ip.hdrlen) == -1)
		goto bad;
	return 0;
 bad:
	errno = EBADMSG;
	return -1;
}
