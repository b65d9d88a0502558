/*
 * gre.c: GRE header parse (validate only), encapsulation, decapsulation.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "buf.h"
#include "gre.h"
#include "ip.h"

/*
 * Validates a GRE header and fills `h`. RFC 2784: packets with the routing
 * or strict-source-route bit or a non-zero version are discarded; the
 * reserved bits are ignored. A present checksum must verify.
 */
int
gre_parse(const uint8_t *p, size_t len, struct gre_hdr *h)
{
	struct rd	r;
	uint16_t	reserved1;

	memset(h, 0, sizeof(*h));
	rd_init(&r, p, len);
	if (rd_get_u16(&r, &h->flags) == -1 ||
	    rd_get_u16(&r, &h->proto) == -1)
		return -1;
	if ((h->flags & (GRE_F_ROUTING | GRE_F_SSR | GRE_F_BIT5 | GRE_VERSION))
	    != 0)
		goto bad;
	if (h->flags & GRE_F_CSUM) {
		if (rd_skip(&r, 2) == -1 || rd_get_u16(&r, &reserved1) == -1)
			return -1;
		if (ip_cksum(p, len) != 0)
			goto bad;
	}
	if (h->flags & GRE_F_KEY) {
		if (rd_get_u32(&r, &h->key) == -1)
			return -1;
		h->has_key = true;
	}
	if (h->flags & GRE_F_SEQ) {
		if (rd_get_u32(&r, &h->seq) == -1)
			return -1;
		h->has_seq = true;
	}
	h->hdrlen = (uint16_t)(len - rd_left(&r));
	return 0;
bad:
	errno = EBADMSG;
	return -1;
}

size_t
gre_hdrlen(bool keyed)
{
	return keyed ? 8 : 4;
}

int
gre_encap(struct pkt *pk, uint16_t proto, bool keyed, uint32_t key)
{
	uint8_t		*h;
	uint16_t	 flags = keyed ? GRE_F_KEY : 0;

	if ((h = pkt_push(pk, gre_hdrlen(keyed))) == NULL)
		return -1;
	h[0] = flags >> 8;
	h[1] = flags & 0xff;
	h[2] = proto >> 8;
	h[3] = proto & 0xff;
	if (keyed) {
		h[4] = key >> 24;
		h[5] = (key >> 16) & 0xff;
		h[6] = (key >> 8) & 0xff;
		h[7] = key & 0xff;
	}
	return 0;
}

enum gre_result
gre_decap(struct pkt *pk, bool keyed, uint32_t key, uint16_t *proto)
{
	struct gre_hdr	h;

	if (gre_parse(pk->data, pk->len, &h) == -1)
		return GRE_MALFORMED;
	if (h.has_key != keyed || (keyed && h.key != key))
		return GRE_BADKEY;
	if (h.proto != GRE_PROTO_IPV4 && h.proto != GRE_PROTO_IPV6)
		return GRE_BADPROTO;
	if (pkt_pull(pk, h.hdrlen) == -1)
		return GRE_MALFORMED;
	*proto = h.proto;
	return GRE_OK;
}

const char *
gre_result_str(enum gre_result r)
{
	switch (r) {
	case GRE_OK:
		return "ok";
	case GRE_MALFORMED:
		return "malformed GRE header";
	case GRE_BADKEY:
		return "GRE key mismatch";
	case GRE_BADPROTO:
		return "GRE payload is not IPv4 or IPv6";
	}
	return "unknown";
}
