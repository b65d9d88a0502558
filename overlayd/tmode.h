/*
 * tmode.h: ESP tunnel mode for the GRE tunnel (RFC 4303 3.1.2). The ESP
 * payload is then the whole outer packet, IP (our outer address to the
 * peer's, protocol 47) and GRE, next header 4 or 41, instead of the bare
 * GRE packet with next header 47 of transport mode. The selectors are
 * the same: GRE between the two outer addresses.
 */
#ifndef OVL_TMODE_H
#define OVL_TMODE_H

#include <stdint.h>

#include "addr.h"
#include "buf.h"

#define TMODE_NH_IPV4	4
#define TMODE_NH_IPV6	41

size_t	 tmode_hdrlen(sa_family_t);
uint8_t	 tmode_nh(sa_family_t);
int	 tmode_encap(struct pkt *, const struct addr *src,
	    const struct addr *dst);
int	 tmode_decap(struct pkt *, uint8_t nh, const struct addr *src,
	    const struct addr *dst);

#endif
