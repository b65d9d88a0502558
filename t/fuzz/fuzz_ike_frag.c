/*
 * fuzz_ike_frag.c: libFuzzer target for IKE fragment reassembly
 * (overlayd/ike_frag.c, RFC 7383) and the decoding of what it puts
 * together.
 *
 * Input: FLAGS (1 byte), then records of
 *	RFLAGS (1) MSGID (1) NUM (1) TOTAL (1) FIRST (1) LEN (2, big-endian)
 *	and LEN octets of plaintext (the last record possibly cut short).
 *	Each record is sealed here as an SKF fragment NUM of TOTAL of
 *	message MSGID (FIRST: the next payload octet) with the peer's key,
 *	parsed as received and handed to ike_frag_open() of one IKE SA, so
 *	that the state carries over from record to record.
 *	FLAGS bit 0	the peer did not announce fragmentation
 *	FLAGS bit 1	the fragments are responses (the other reassembly)
 *	RFLAGS bit 0	flip one bit of the sealed fragment (forged)
 *	RFLAGS bit 1	an SK message instead of an SKF fragment
 *
 * Invariants: a forged fragment is always refused and nothing of it is
 * kept; nothing is accepted unless fragmentation was negotiated; a
 * message is complete only on a fragment of its own message ID, and the
 * counters agree with what ike_frag_open() said.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "ike_sa.h"
#include "peer.h"

static const struct ike_suite	suite = {
	IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519
};
static const uint8_t	key[36] = {
	0x91, 0x2c, 0x4e, 0x7a, 0x03, 0xd5, 0x66, 0xb8, 0x1f, 0xe0, 0x38, 0x9d,
	0x52, 0xa7, 0x0b, 0xc4, 0x7e, 0x21, 0xf3, 0x48, 0x95, 0x6a, 0xdc, 0x17,
	0x3b, 0x80, 0xce, 0x09, 0x64, 0xb2, 0x2d, 0xf7, 0x5c, 0x13, 0xa9, 0x46,
};

static struct peer	p;
static struct ike_peer	ip;
static struct ikesa	tx, rx;
static uint8_t		buf[IKE_MSG_MAX];
static uint8_t		plain[IKE_MSG_MAX];

static void
fuzz_init(void)
{
	static int	done;

	if (done)
		return;
	done = 1;
	snprintf(p.conf.name, sizeof(p.conf.name), "fuzz");
	ip.peer = &p;
	tx.ip = rx.ip = &ip;
	tx.spi_i = rx.spi_i = 0x0102030405060708ULL;
	tx.spi_r = rx.spi_r = 0x1112131415161718ULL;
	tx.remote.ss_family = rx.remote.ss_family = AF_INET;
	if (ike_aead_init(&tx.a_out, &suite, key, sizeof(key)) == -1 ||
	    ike_aead_init(&rx.a_in, &suite, key, sizeof(key)) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_msg	m;
	struct ike_err	e;
	struct ike_sk	sk;
	uint64_t	rx0, re0, dr0;
	long		n;
	size_t		len;
	uint8_t		flags, rflags, msgid;
	int		rv;

	fuzz_init();
	ike_frag_free(&rx);
	if (size < 1)
		return 0;
	flags = data[0];
	data++, size--;
	rx.frag_peer = (flags & 1) == 0;
	while (size >= 7) {
		rflags = data[0];
		msgid = data[1];
		sk = (struct ike_sk){ .first = data[4], .frag_num = data[2],
		    .frag_total = data[3] };
		len = (size_t)data[5] << 8 | data[6];
		data += 7, size -= 7;
		if (len > size)
			len = size;
		ike_sa_hdr(&tx, &m, IKE_AUTH, (flags & 2) != 0, msgid);
		if (rflags & 2)
			sk.frag_total = sk.frag_num = 0;
		ike_msg_add(&m, sk.frag_total != 0 ? IKE_PLD_SKF : IKE_PLD_SK);
		if ((n = ike_msg_build_prefix(&m, buf, sizeof(buf))) == -1 ||
		    (n = ike_sk_seal(&tx.a_out, buf, sizeof(buf), (size_t)n,
		    &sk, data, len)) == -1) {
			data += len, size -= len;
			continue;
		}
		data += len, size -= len;
		if (rflags & 1)
			buf[(size_t)n - 1 - (msgid % 16)] ^= 0x01;
		if (ike_msg_parse(&m, buf, (size_t)n, &e) == -1) {
			fuzz_check(e.reason[0] != '\0');
			continue;
		}
		rx0 = ike_st.frag_rx;
		re0 = ike_st.frag_reassembled;
		dr0 = ike_st.frag_dropped;
		rv = ike_frag_open(&rx, &m, plain, sizeof(plain), &e);
		fuzz_check(rv >= -1 && rv <= 1);
		if (rv == -1)
			fuzz_check(e.reason[0] != '\0');
		if (rflags & 1) {	/* forged */
			fuzz_check(rv == -1);
			fuzz_check(ike_st.frag_rx == rx0);
		}
		if (m.order[m.sk_at] != IKE_PLD_SKF)
			continue;
		if (!rx.frag_peer) {
			fuzz_check(rv == -1);
			fuzz_check(ike_st.frag_rx == rx0);
		}
		if (rv == 1) {
			fuzz_check(m.hdr.msgid == msgid);
			fuzz_check(ike_st.frag_reassembled == re0 + 1);
		} else {
			fuzz_check(ike_st.frag_reassembled == re0);
		}
		/* a refused fragment is counted as dropped, unless it was
		 * kept and the message it completed did not decode */
		if (rv == -1 && ike_st.frag_rx == rx0)
			fuzz_check(ike_st.frag_dropped > dr0);
	}
	return 0;
}
