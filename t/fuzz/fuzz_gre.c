/*
 * fuzz_gre.c: libFuzzer target for gre_parse() and gre_decap() (input
 * format in fuzz.h). The two must agree, and a decapsulated packet must
 * encapsulate back into a header that parses to the same values.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "gre.h"

static struct pkt	pk;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gre_hdr	h, h2;
	enum gre_result	r, want;
	uint32_t	key;
	uint16_t	proto = 0, proto2 = 0;
	bool		keyed;
	int		parsed;

	if (size < 5 || size - 5 > PKT_MAX)
		return 0;
	keyed = data[0] & 1;
	key = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 |
	    (uint32_t)data[3] << 8 | data[4];
	data += 5;
	size -= 5;

	parsed = gre_parse(data, size, &h);
	if (parsed == 0) {
		fuzz_check(h.hdrlen >= 4 && h.hdrlen <= GRE_HDR_MAX);
		fuzz_check(h.hdrlen <= size);
		fuzz_check(h.hdrlen == 4 + (h.flags & GRE_F_CSUM ? 4 : 0) +
		    (h.has_key ? 4 : 0) + (h.has_seq ? 4 : 0));
		fuzz_check((h.flags & (GRE_F_ROUTING | GRE_F_SSR | GRE_VERSION)) ==
		    0);
		if (h.has_key != keyed || (keyed && h.key != key))
			want = GRE_BADKEY;
		else if (h.proto != GRE_PROTO_IPV4 && h.proto != GRE_PROTO_IPV6)
			want = GRE_BADPROTO;
		else
			want = GRE_OK;
	} else
		want = GRE_MALFORMED;

	pkt_reset(&pk);
	fuzz_check(pkt_put(&pk, size) != NULL);
	memcpy(pk.data, data, size);
	r = gre_decap(&pk, keyed, key, &proto);
	fuzz_check(r == want);
	if (r != GRE_OK) {
		fuzz_check(pk.len == size);
		return 0;
	}
	fuzz_check(proto == h.proto);
	fuzz_check(pk.len == size - h.hdrlen);
	fuzz_check(pk.data == pk.buf + PKT_HEADROOM + h.hdrlen);

	/* back again: the header we write is one we accept */
	fuzz_check(gre_encap(&pk, proto, keyed, key) == 0);
	fuzz_check(pk.len == size - h.hdrlen + gre_hdrlen(keyed));
	fuzz_check(gre_parse(pk.data, pk.len, &h2) == 0);
	fuzz_check(h2.proto == proto && h2.has_key == keyed && !h2.has_seq);
	fuzz_check(!keyed || h2.key == key);
	fuzz_check(gre_decap(&pk, keyed, key, &proto2) == GRE_OK);
	fuzz_check(proto2 == proto);
	fuzz_check(pk.len == size - h.hdrlen);
	fuzz_check(memcmp(pk.data, data + h.hdrlen, pk.len) == 0);
	return 0;
}
