/*
 * gre.h: GRE (RFC 2784) with the optional key of RFC 2890.
 */
#ifndef OVL_GRE_H
#define OVL_GRE_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

#define GRE_F_CSUM	0x8000
#define GRE_F_ROUTING	0x4000
#define GRE_F_KEY	0x2000
#define GRE_F_SEQ	0x1000
#define GRE_F_SSR	0x0800
#define GRE_F_BIT5	0x0400	/* RFC 2784: bits 1-5 must be zero */
#define GRE_VERSION	0x0007

#define GRE_PROTO_IPV4	0x0800
#define GRE_PROTO_IPV6	0x86dd

#define GRE_HDR_MAX	16	/* flags+proto, csum, key, seq */

struct gre_hdr {
	uint16_t	flags;
	uint16_t	proto;
	bool		has_key;
	uint32_t	key;
	bool		has_seq;
	uint32_t	seq;
	uint16_t	hdrlen;
};

enum gre_result {
	GRE_OK = 0,
	GRE_MALFORMED,		/* short, bad version/flags or checksum */
	GRE_BADKEY,		/* key missing, unexpected or different */
	GRE_BADPROTO,		/* not IPv4 or IPv6 inside */
};

int		gre_parse(const uint8_t *, size_t, struct gre_hdr *);
size_t		gre_hdrlen(bool keyed);
int		gre_encap(struct pkt *, uint16_t proto, bool keyed, uint32_t key);
enum gre_result	gre_decap(struct pkt *, bool keyed, uint32_t key,
		    uint16_t *proto);
const char	*gre_result_str(enum gre_result);

#endif
