/*
 * ip.h: inner IP packets: validation, ICMP "fragmentation needed" and
 * ICMPv6 "packet too big" towards the sender, IPv4 fragmentation.
 */
#ifndef OVL_IP_H
#define OVL_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define IP4_HDR_MIN	20
#define IP6_HDR_LEN	40
#define IP4_DF		0x4000
#define IP4_MF		0x2000
#define IP4_OFFMASK	0x1fff
#define IP_ICMP_MAX	576	/* RFC 1812 4.3.2.3 */
#define IP6_ICMP_MAX	1280	/* RFC 4443 2.4(c) */

struct ip_info {
	sa_family_t	af;
	uint8_t		proto;		/* IPv4 protocol / IPv6 next header */
	uint16_t	hdrlen;
	uint16_t	totlen;
	bool		df;		/* IPv6: always true */
	bool		first_frag;	/* offset 0: transport header present */
	struct addr	src;
	struct addr	dst;
};

uint16_t ip_cksum(const void *, size_t);
/* its parts: a running sum (RFC 1071), and the sum folded, inverted */
uint32_t ip_cksum_add(uint32_t, const uint8_t *, size_t);
uint16_t ip_cksum_fold(uint32_t);
int	 ip_parse(const uint8_t *, size_t, struct ip_info *);
uint16_t ip_gre_proto(sa_family_t);
size_t	 ip_too_big(const uint8_t *, size_t, uint32_t mtu, uint8_t *, size_t);
typedef int (*ip_frag_cb)(const uint8_t *, size_t, void *);
int	 ip4_fragment(const uint8_t *, size_t, size_t mtu, ip_frag_cb, void *);

#endif
