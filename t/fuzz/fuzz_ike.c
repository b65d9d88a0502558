/*
 * fuzz_ike.c: libFuzzer target for the IKEv2 message codec and the SK
 * open path (ike_msg.c, ike_pld.c, ike_build.c, ike_crypto.c).
 *
 * Input: FLAGS (1 byte), then an IKE message as received.
 *	FLAGS bit 0	open: if the message parses and has SK/SKF, open it
 *			with the fixed key below and decode what is inside
 *	FLAGS bit 1	forge: take the octets after the 28-octet header as a
 *			payload chain whose first type is header octet 16,
 *			seal them with the fixed key into an IKE_AUTH message
 *			here, so the fuzzer reaches the decoders of encrypted
 *			payloads and the padding checks behind the ICV
 *
 * Invariants checked: a refusal always has a reason and one of the
 * notifies the codec may ask for; an accepted message builds again, and
 * what it builds decodes to the same message; a forged message always
 * authenticates.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "ike_crypto.h"
#include "ike_msg.h"
#include "ike_test.h"

static const uint8_t	fuzz_ike_key[36] = {
	0x4b, 0x2f, 0x8e, 0x01, 0x77, 0xc3, 0x5a, 0x90, 0x13, 0x6d, 0xe4, 0x28,
	0xb1, 0x0c, 0x9f, 0x56, 0xa8, 0x3e, 0x71, 0xd2, 0x05, 0x64, 0xcb, 0x1a,
	0xf9, 0x42, 0x87, 0x3b, 0xee, 0x10, 0x5d, 0xc6, 0x21, 0x43, 0x65, 0x87,
};
static const struct ike_suite	fuzz_ike_suite = {
	IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519
};

static uint8_t	out[IKE_MSG_MAX];
static uint8_t	plain[IKE_MSG_MAX];
static uint8_t	sealed[IKE_MSG_MAX];

static void
check_err(const struct ike_err *e)
{
	fuzz_check(e->reason[0] != '\0');
	fuzz_check(e->notify == 0 || e->notify == IKE_N_INVALID_SYNTAX ||
	    e->notify == IKE_N_INVALID_MAJOR_VERSION ||
	    e->notify == IKE_N_TS_UNACCEPTABLE ||
	    e->notify == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	if (e->notify == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD)
		fuzz_check(e->ndata_len == 1);
}

/* What the encoder cannot say again (by design) */
static bool
lossy(const struct ike_msg *m)
{
	int	i, j;

	if (!ike_msg_has(m, IKE_PLD_SA))
		return false;
	if (m->sa.truncated)
		return true;
	for (i = 0; i < m->sa.nprop; i++) {
		if (m->sa.prop[i].oversize)
			return true;
		for (j = 0; j < m->sa.prop[i].nxf; j++)
			if (m->sa.prop[i].xf[j].unknown_attr)
				return true;
	}
	return false;
}

/* An accepted message builds again, to the same decoded message. */
static void
rebuild(const struct ike_msg *m)
{
	struct ike_msg	again;
	struct ike_err	e;
	long		n;

	if (lossy(m))
		return;
	n = ike_msg_build(m, out, sizeof(out));
	fuzz_check(n >= IKE_HDR_LEN && (size_t)n <= m->raw.len);
	fuzz_check(ike_msg_parse(&again, out, (size_t)n, &e) == 0);
	/* unknown payloads are dropped: then length and first type differ */
	if (m->hdr.length != (uint32_t)n) {
		again.hdr.length = m->hdr.length;
		again.hdr.next = m->hdr.next;
	}
	fuzz_check(ike_t_msg_eq(m, &again));
}

static void
open_sk(struct ike_aead *a, struct ike_msg *m, bool forged)
{
	struct ike_err	e;
	size_t		ctlen;
	int		rv;

	if (m->sk_at < 0)
		return;
	rv = ike_msg_open(a, m, plain, sizeof(plain), &e);
	if (rv == -1) {
		check_err(&e);
		/* a forged message always authenticates */
		if (forged)
			fuzz_check(strstr(e.reason, "integrity") == NULL);
		return;
	}
	ctlen = m->sk.body.len - IKE_GCM_IV_LEN - IKE_GCM_ICV_LEN;
	fuzz_check(ctlen >= 1);
}

static void
forge(struct ike_aead *a, const uint8_t *data, size_t size)
{
	struct ike_msg	m;
	struct ike_err	e;
	struct ike_hdr	h;
	struct ike_sk	sk;
	long		n;

	if (size < IKE_HDR_LEN || size - IKE_HDR_LEN > IKE_MSG_MAX - 100)
		return;
	memset(&h, 0, sizeof(h));
	h.spi_i = 0x0102030405060708ULL;
	h.spi_r = 0x1112131415161718ULL;
	h.next = IKE_PLD_SK;
	h.major = 2;
	h.exchange = IKE_AUTH;
	h.msgid = 1;
	ike_hdr_put(&h, sealed);
	memset(&sk, 0, sizeof(sk));
	sk.first = data[16];
	n = ike_sk_seal(a, sealed, sizeof(sealed), IKE_HDR_LEN, &sk,
	    data + IKE_HDR_LEN, size - IKE_HDR_LEN);
	fuzz_check(n > 0);
	fuzz_check(ike_msg_parse(&m, sealed, (size_t)n, &e) == 0);
	fuzz_check(m.sk.first == data[16]);
	open_sk(a, &m, true);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_aead	a;
	struct ike_msg	m;
	struct ike_err	e;
	uint8_t		flags;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	fuzz_check(ike_aead_init(&a, &fuzz_ike_suite, fuzz_ike_key,
	    sizeof(fuzz_ike_key)) == 0);
	if (ike_msg_parse(&m, data, size, &e) == -1)
		check_err(&e);
	else {
		fuzz_check(m.hdr.length == size);
		rebuild(&m);
		if (flags & 1)
			open_sk(&a, &m, false);
	}
	if (flags & 2)
		forge(&a, data, size);
	ike_aead_clear(&a);
	return 0;
}
