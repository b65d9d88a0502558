/*
 * test_esp.c: ESP seal/open (RFC 4303, AES-GCM per RFC 4106) against an
 * independent EVP implementation (espref.c), and every way open() must
 * refuse a packet.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "buf.h"
#include "esp.h"
#include "espref.h"

#define SPI	0x0000c0deU

static const uint8_t keymat[CONF_KEY_MAX] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0xca, 0xfe, 0xba, 0xbe,
};

struct fixture {
	struct esp_sa	out, in;
	struct pkt	pk;
	uint8_t		ref[PKT_SIZE];
	uint8_t		body[PKT_SIZE];
};

static struct sa_params
params(enum sa_alg alg, bool esn, uint32_t window)
{
	struct sa_params	p;
	size_t			klen = alg == SA_AES_GCM_128 ? 16 : 32;

	memset(&p, 0, sizeof(p));
	p.spi = SPI;
	p.alg = alg;
	memcpy(p.key, keymat, klen);
	memcpy(p.key + klen, keymat + 32, ESP_SALT_LEN);	/* salt */
	p.keylen = (uint8_t)(klen + ESP_SALT_LEN);
	p.esn = esn;
	p.replay_window = window;
	return p;
}

static struct espref
ref_for(const struct sa_params *p)
{
	struct espref	e;

	e.spi = p->spi;
	e.key = p->key;
	e.keylen = p->keylen - ESP_SALT_LEN;
	e.salt = p->key + e.keylen;
	e.esn = p->esn;
	return e;
}

static void
sa_pair(struct fixture *f, enum sa_alg alg, bool esn, uint32_t window)
{
	struct sa_params	p = params(alg, esn, window);

	esp_sa_clear(&f->out);
	esp_sa_clear(&f->in);
	assert_int_equal(esp_sa_init(&f->out, &p, true), 0);
	assert_int_equal(esp_sa_init(&f->in, &p, false), 0);
}

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	esp_sa_clear(&f->out);
	esp_sa_clear(&f->in);
	free(f);
	return 0;
}

static void
fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

static void
load(struct pkt *pk, const uint8_t *p, size_t len)
{
	pkt_reset(pk);
	assert_non_null(pkt_put(pk, len));
	memcpy(pk->data, p, len);
}

/* Seals `len` bytes of pattern `seed` into f->pk. */
static void
seal(struct fixture *f, size_t len, unsigned int seed)
{
	pkt_reset(&f->pk);
	assert_non_null(pkt_put(&f->pk, len));
	fill(f->pk.data, len, seed);
	assert_int_equal(esp_seal(&f->out, &f->pk, IPPROTO_GRE_), ESP_OK);
	assert_int_equal(f->pk.len, esp_sealed_len(len));
}

/* Opens f->pk, expecting the payload seal(len, seed) put in. */
static void
open_ok(struct fixture *f, size_t len, unsigned int seed)
{
	uint8_t	nh = 0, want[2048];

	assert_true(len <= sizeof(want));
	assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_OK);
	assert_int_equal(nh, IPPROTO_GRE_);
	assert_int_equal(f->pk.len, len);
	fill(want, len, seed);
	assert_memory_equal(f->pk.data, want, len);
}

/*
 * Known answer: esp_seal() must produce exactly what an independent EVP
 * computation does, for every padding length, both key sizes, with and
 * without ESN, and sequence numbers on both sides of 2^32.
 */
static void
test_known_answer(void **state)
{
	static const uint64_t	seqs[] = {
		1, 2, 0x12345678, 0xffffffff, 0x100000000ULL,
		0x123456789abcdef0ULL,
	};
	struct fixture		*f = *state;
	struct sa_params	 p;
	struct espref		 e;
	enum sa_alg		 alg;
	size_t			 len, i, bodylen, reflen;
	int			 esn;

	for (alg = SA_AES_GCM_128; alg <= SA_AES_GCM_256; alg++) {
		for (esn = 0; esn <= 1; esn++) {
			p = params(alg, esn, 64);
			e = ref_for(&p);
			sa_pair(f, alg, esn, 64);
			for (i = 0; i < nitems(seqs); i++) {
				if (!esn && seqs[i] > UINT32_MAX)
					continue;
				for (len = 0; len <= 67; len++) {
					f->out.seq = seqs[i] - 1;
					fill(f->body, len, (unsigned int)len);
					bodylen = espref_body(f->body, len,
					    IPPROTO_GRE_, f->body);
					assert_int_equal(bodylen % 4, 0);
					reflen = espref_seal(&e, seqs[i],
					    f->body, bodylen, f->ref);
					assert_int_equal(reflen,
					    esp_sealed_len(len));
					seal(f, len, (unsigned int)len);
					assert_int_equal(f->out.seq, seqs[i]);
					assert_int_equal(f->pk.len, reflen);
					assert_memory_equal(f->pk.data, f->ref,
					    reflen);
				}
			}
		}
	}
}

/* The clear parts of the header, spelled out. */
static void
test_header_layout(void **state)
{
	static const uint8_t	hdr[] = {
		0x00, 0x00, 0xc0, 0xde,		/* SPI */
		0x9a, 0xbc, 0xde, 0xf0,		/* low 32 bits of seq */
		0x12, 0x34, 0x56, 0x78,		/* IV: the 64-bit seq */
		0x9a, 0xbc, 0xde, 0xf0,
	};
	struct fixture		*f = *state;

	sa_pair(f, SA_AES_GCM_128, true, 64);
	f->out.seq = 0x123456789abcdeefULL;
	seal(f, 5, 1);
	assert_int_equal(f->pk.len, 8 + 8 + 8 + 16);	/* 5 + 1 pad + 2 */
	assert_memory_equal(f->pk.data, hdr, sizeof(hdr));
	assert_int_equal(pkt_headroom(&f->pk),
	    PKT_HEADROOM - ESP_HDR_LEN - ESP_IV_LEN);
}

static void
test_roundtrip(void **state)
{
	struct fixture	*f = *state;
	enum sa_alg	 alg;
	size_t		 len;
	int		 esn;

	for (alg = SA_AES_GCM_128; alg <= SA_AES_GCM_256; alg++) {
		for (esn = 0; esn <= 1; esn++) {
			sa_pair(f, alg, esn, 1024);
			for (len = 0; len < 1500; len += 1 + len / 8) {
				seal(f, len, (unsigned int)len + 3);
				open_ok(f, len, (unsigned int)len + 3);
				assert_int_equal(f->in.replay.top, f->out.seq);
			}
		}
	}
}

/* RFC 4303 2.4: any amount of padding up to 255 is valid. */
static void
test_open_padding(void **state)
{
	struct fixture		*f = *state;
	struct sa_params	 p = params(SA_AES_GCM_256, false, 64);
	struct espref		 e = ref_for(&p);
	uint8_t			 nh;
	size_t			 len, i, pad;

	sa_pair(f, SA_AES_GCM_256, false, 64);
	/* 2 bytes of payload, 4 or 252 bytes of padding, next header 41 */
	for (pad = 4; pad <= 252; pad += 248) {
		memset(f->body, 0xee, 2);
		for (i = 0; i < pad; i++)
			f->body[2 + i] = (uint8_t)(i + 1);
		f->body[2 + pad] = (uint8_t)pad;
		f->body[3 + pad] = 41;
		len = espref_seal(&e, pad, f->body, pad + 4, f->ref);
		load(&f->pk, f->ref, len);
		assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_OK);
		assert_int_equal(nh, 41);
		assert_int_equal(f->pk.len, 2);
		assert_memory_equal(f->pk.data, "\xee\xee", 2);
	}
}

/* Authentic packets with a trailer RFC 4303 does not allow. */
static void
test_open_bad_trailer(void **state)
{
	static const struct {
		uint8_t	body[8];
		size_t	len;
	} bad[] = {
		{ { 0xaa, 0xbb, 0xcc, 1, 2, 4, 3, 47 }, 8 },	/* pad 1 2 4 */
		{ { 0xaa, 0xbb, 0xcc, 0xdd, 2, 1, 2, 47 }, 8 },	/* pad 2 1 */
		{ { 0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 2, 47 }, 8 },	/* zeros */
		{ { 1, 2, 3, 4, 5, 6, 7, 47 }, 8 },	/* padlen 7 > 6 */
		{ { 1, 2, 3, 4, 5, 6, 8, 47 }, 8 },	/* padlen 8 > 6 */
		{ { 1, 2, 255, 47 }, 4 },		/* padlen 255 */
		{ { 1, 2, 3, 47 }, 4 },			/* padlen 3 > 2 */
	};
	struct fixture		*f = *state;
	struct sa_params	 p = params(SA_AES_GCM_128, false, 64);
	struct espref		 e = ref_for(&p);
	uint8_t			 nh;
	size_t			 i, len;

	sa_pair(f, SA_AES_GCM_128, false, 64);
	for (i = 0; i < nitems(bad); i++) {
		len = espref_seal(&e, i + 1, bad[i].body, bad[i].len, f->ref);
		assert_int_equal(len, bad[i].len + 32);
		load(&f->pk, f->ref, len);
		assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_MALFORMED);
	}
	/* the same trailer with the right padding is fine */
	len = espref_seal(&e, 100, (const uint8_t []){ 0xaa, 0xbb, 0xcc, 1,
	    2, 3, 3, 47 }, 8, f->ref);
	load(&f->pk, f->ref, len);
	assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_OK);
	assert_int_equal(f->pk.len, 3);
}

static void
test_wrong_key(void **state)
{
	struct fixture		*f = *state;
	struct sa_params	 p = params(SA_AES_GCM_128, false, 64);
	struct replay		 before;
	struct esp_sa		 other;
	uint8_t			 nh;

	sa_pair(f, SA_AES_GCM_128, false, 64);
	p.key[3] ^= 1;
	assert_int_equal(esp_sa_init(&other, &p, true), 0);
	pkt_reset(&f->pk);
	assert_non_null(pkt_put(&f->pk, 100));
	fill(f->pk.data, 100, 9);
	assert_int_equal(esp_seal(&other, &f->pk, IPPROTO_GRE_), ESP_OK);
	before = f->in.replay;
	assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_AUTH);
	assert_memory_equal(&before, &f->in.replay, sizeof(before));
	esp_sa_clear(&other);

	/* a different salt is a different nonce: also fails */
	p = params(SA_AES_GCM_128, false, 64);
	p.key[17] ^= 0x80;
	assert_int_equal(esp_sa_init(&other, &p, true), 0);
	pkt_reset(&f->pk);
	assert_non_null(pkt_put(&f->pk, 100));
	assert_int_equal(esp_seal(&other, &f->pk, IPPROTO_GRE_), ESP_OK);
	assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_AUTH);
	assert_memory_equal(&before, &f->in.replay, sizeof(before));
	esp_sa_clear(&other);

	/* the right key, same sequence number: accepted */
	f->out.seq = 0;
	seal(f, 100, 9);
	open_ok(f, 100, 9);
}

/*
 * Every bit of a packet flipped in turn: never accepted, never moves the
 * window; the original is accepted afterwards.
 */
static void
test_bit_flips(void **state)
{
	struct fixture	*f = *state;
	struct replay	 before;
	uint8_t		 orig[128], nh;
	size_t		 len, i, bit;
	uint32_t	 seq;
	int		 esn;
	enum esp_result	 r;

	for (esn = 0; esn <= 1; esn++) {
		sa_pair(f, SA_AES_GCM_128, esn, 64);
		/* window top at 40, 30 and 33 seen */
		f->out.seq = 29;
		seal(f, 10, 0);
		open_ok(f, 10, 0);
		f->out.seq = 32;
		seal(f, 10, 0);
		open_ok(f, 10, 0);
		f->out.seq = 39;
		seal(f, 10, 0);
		open_ok(f, 10, 0);
		f->out.seq = 36;
		seal(f, 37, 5);
		len = f->pk.len;
		assert_true(len <= sizeof(orig));
		memcpy(orig, f->pk.data, len);
		before = f->in.replay;
		/*
		 * A flipped SPI bit (bytes 0-3) no longer names this SA: it is
		 * malformed before any crypto; everything else fails the ICV.
		 */
		for (i = 0; i < len; i++) {
			for (bit = 0; bit < 8; bit++) {
				load(&f->pk, orig, len);
				f->pk.data[i] ^= (uint8_t)(1 << bit);
				r = esp_open(&f->in, &f->pk, &nh);
				seq = 37;
				if (i >= 4 && i < 8)
					seq ^= 1U << (bit + 8 * (7 - i));
				/* 37 ^ 4 = 33: seen; others new or unseen */
				if (i < 4)
					assert_int_equal(r, ESP_MALFORMED);
				else if (seq == 30 || seq == 33 || seq == 40)
					assert_int_equal(r, ESP_REPLAY);
				else if (r != ESP_AUTH)
					fail_msg("esn %d byte %zu bit %zu: %s",
					    esn, i, bit, esp_result_str(r));
				assert_memory_equal(&before, &f->in.replay,
				    sizeof(before));
			}
		}
		load(&f->pk, orig, len);
		open_ok(f, 37, 5);
	}
}

static void
test_replayed(void **state)
{
	struct fixture	*f = *state;
	struct replay	 before;
	uint8_t		 orig[64], nh;
	size_t		 len;
	int		 esn;

	for (esn = 0; esn <= 1; esn++) {
		sa_pair(f, SA_AES_GCM_256, esn, 64);
		seal(f, 20, 1);
		len = f->pk.len;
		memcpy(orig, f->pk.data, len);
		open_ok(f, 20, 1);
		load(&f->pk, orig, len);
		assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_REPLAY);
		assert_int_equal(f->pk.len, len);
		assert_memory_equal(f->pk.data, orig, len);
		/* still refused once newer packets arrived */
		seal(f, 20, 2);
		open_ok(f, 20, 2);
		load(&f->pk, orig, len);
		assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_REPLAY);
		/*
		 * Behind the window: refused as too old, or with ESN taken
		 * for a packet of the next subspace (RFC 4303 A2.2), which
		 * then fails the ICV. Either way the window stays put.
		 */
		f->out.seq = 100;
		seal(f, 20, 3);
		open_ok(f, 20, 3);
		before = f->in.replay;
		load(&f->pk, orig, len);
		assert_int_equal(esp_open(&f->in, &f->pk, &nh),
		    esn ? ESP_AUTH : ESP_REPLAY);
		assert_memory_equal(&before, &f->in.replay, sizeof(before));
	}

	/* sequence number 0 is never sent, never accepted */
	sa_pair(f, SA_AES_GCM_256, false, 64);
	load(&f->pk, orig, len);
	memset(f->pk.data + 4, 0, 4);
	assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_REPLAY);
}

static void
test_truncated(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 orig[128], nh;
	size_t		 len, full;
	enum esp_result	 want;

	sa_pair(f, SA_AES_GCM_128, false, 64);
	seal(f, 61, 4);
	full = f->pk.len;
	memcpy(orig, f->pk.data, full);
	for (len = 0; len < full; len++) {
		if (len < ESP_MIN_LEN ||
		    (len - ESP_HDR_LEN - ESP_IV_LEN - ESP_ICV_LEN) % 4 != 0)
			want = ESP_MALFORMED;
		else
			want = ESP_AUTH;
		load(&f->pk, orig, len);
		assert_int_equal(esp_open(&f->in, &f->pk, &nh), want);
		assert_int_equal(f->pk.len, len);
		assert_int_equal(f->in.replay.top, 0);
	}
	/* every length below the minimum, whatever the bytes */
	for (len = 0; len < ESP_MIN_LEN; len++) {
		load(&f->pk, orig, len);
		assert_int_equal(esp_open(&f->in, &f->pk, &nh), ESP_MALFORMED);
	}
	/* bytes appended: body no longer a multiple of 4, or ICV moves */
	for (len = full + 1; len < full + 8; len++) {
		load(&f->pk, orig, full);
		assert_non_null(pkt_put(&f->pk, len - full));
		want = (len - full) % 4 ? ESP_MALFORMED : ESP_AUTH;
		assert_int_equal(esp_open(&f->in, &f->pk, &nh), want);
	}
	load(&f->pk, orig, full);
	open_ok(f, 61, 4);
}

/*
 * ESN: the sender crosses 2^32; the receiver's window follows it over the
 * boundary, including packets that arrive late from the old subspace.
 */
static void
test_esn_wrap(void **state)
{
	struct fixture	*f = *state;
	static uint8_t	 pkts[48][64];
	size_t		 lens[48], i, order[48];
	uint8_t		 nh;
	int		 alg;

	for (alg = SA_AES_GCM_128; alg <= SA_AES_GCM_256; alg++) {
		sa_pair(f, alg, true, 64);
		f->out.seq = 0xfffffff0;
		for (i = 0; i < 32; i++) {
			seal(f, 9, (unsigned int)i);
			/* the low half goes on the wire, the IV has it all */
			assert_int_equal(f->out.seq, 0xfffffff1ULL + i);
			assert_int_equal(f->pk.data[8 + 3],
			    f->out.seq >> 32);
			assert_int_equal(f->pk.data[4 + 3],
			    f->out.seq & 0xff);
			open_ok(f, 9, (unsigned int)i);
			assert_int_equal(f->in.replay.top, f->out.seq);
		}
		assert_int_equal(f->in.replay.top, 0x100000010ULL);

		/*
		 * 48 packets across the boundary, out of order: the first
		 * sets the window top, then 40..47 (over 2^32), then the
		 * rest late from both subspaces (all within 64).
		 */
		sa_pair(f, alg, true, 64);
		f->out.seq = 0xffffffe0;
		for (i = 0; i < 48; i++) {
			seal(f, 9, (unsigned int)i);
			lens[i] = f->pk.len;
			memcpy(pkts[i], f->pk.data, lens[i]);
		}
		order[0] = 0;
		for (i = 0; i < 8; i++)
			order[1 + i] = 40 + i;
		for (i = 0; i < 39; i++)
			order[9 + i] = 1 + (i * 17) % 39;
		for (i = 0; i < 48; i++) {
			load(&f->pk, pkts[order[i]], lens[order[i]]);
			open_ok(f, 9, (unsigned int)order[i]);
		}
		assert_int_equal(f->in.replay.top, 0xffffffe0ULL + 48);
		for (i = 0; i < 48; i++) {
			load(&f->pk, pkts[i], lens[i]);
			assert_int_equal(esp_open(&f->in, &f->pk, &nh),
			    ESP_REPLAY);
		}
	}
}

/* Without ESN the wire holds the whole seq: 2^32 - 1 is the last. */
static void
test_exhausted(void **state)
{
	struct fixture	*f = *state;

	sa_pair(f, SA_AES_GCM_128, false, 64);
	f->out.seq = UINT32_MAX - 2;
	seal(f, 10, 1);
	open_ok(f, 10, 1);
	seal(f, 10, 2);
	assert_int_equal(f->out.seq, UINT32_MAX);
	open_ok(f, 10, 2);
	pkt_reset(&f->pk);
	assert_non_null(pkt_put(&f->pk, 10));
	assert_int_equal(esp_seal(&f->out, &f->pk, IPPROTO_GRE_),
	    ESP_EXHAUSTED);
	assert_int_equal(f->pk.len, 10);
	assert_int_equal(pkt_headroom(&f->pk), PKT_HEADROOM);
	assert_int_equal(f->out.seq, UINT32_MAX);
	assert_int_equal(esp_seal(&f->out, &f->pk, IPPROTO_GRE_),
	    ESP_EXHAUSTED);

	/* with ESN the 64-bit space runs out instead */
	sa_pair(f, SA_AES_GCM_128, true, 64);
	f->out.seq = UINT32_MAX;
	seal(f, 10, 1);
	f->out.seq = UINT64_MAX - 1;
	seal(f, 10, 1);
	pkt_reset(&f->pk);
	assert_non_null(pkt_put(&f->pk, 10));
	assert_int_equal(esp_seal(&f->out, &f->pk, IPPROTO_GRE_),
	    ESP_EXHAUSTED);
	assert_int_equal(f->pk.len, 10);
}

static void
test_no_tailroom(void **state)
{
	struct fixture	*f = *state;

	sa_pair(f, SA_AES_GCM_128, false, 64);
	pkt_reset(&f->pk);
	assert_non_null(pkt_put(&f->pk, pkt_tailroom(&f->pk) - 10));
	assert_int_not_equal(esp_seal(&f->out, &f->pk, IPPROTO_GRE_),
	    ESP_OK);
	assert_int_equal(f->pk.len, PKT_MAX + PKT_TAILROOM - 10);
}

/*
 * esp_max_payload(room) is the largest payload whose sealed form fits:
 * it fits, one byte more does not (the padding makes sealed_len a step
 * function, so "one more" is the exact test of "largest").
 */
static void
test_sizes(void **state)
{
	struct fixture	*f = *state;
	size_t		 room, mp, len;

	for (room = 36; room <= 2000; room++) {
		mp = esp_max_payload(room);
		assert_true(esp_sealed_len(mp) <= room);
		assert_true(esp_sealed_len(mp + 1) > room);
		/* RFC 4303 alignment: the ESP body ends on a 4-byte boundary */
		assert_int_equal((mp + ESP_TRAILER_LEN) % 4, 0);
	}
	/* below 36 not even a 2-byte payload fits: 0 means "nothing" */
	for (room = 0; room < 36; room++)
		assert_int_equal(esp_max_payload(room), 0);
	assert_int_equal(esp_max_payload(36), 2);
	/* sealed_len is what seal produces, and within ESP_OVERHEAD */
	sa_pair(f, SA_AES_GCM_256, true, 64);
	for (len = 0; len <= 2000; len++) {
		assert_true(esp_sealed_len(len) <= len + ESP_OVERHEAD);
		assert_true(esp_sealed_len(len) >= len + ESP_MIN_LEN);
		assert_int_equal((esp_sealed_len(len) - ESP_HDR_LEN) % 4, 0);
		if (len % 7 == 0 || len < 16) {
			seal(f, len, 1);
			assert_int_equal(f->pk.len, esp_sealed_len(len));
		}
	}
}

static void
test_sa_init(void **state)
{
	static const uint32_t	badspi[] = { 0, 1, 255 };
	struct sa_params	p;
	struct esp_sa		sa;
	size_t			i;
	int			encrypt;

	for (encrypt = 0; encrypt <= 1; encrypt++) {
		for (i = 0; i < nitems(badspi); i++) {
			p = params(SA_AES_GCM_128, false, 64);
			p.spi = badspi[i];
			errno = 0;
			assert_int_equal(esp_sa_init(&sa, &p, encrypt), -1);
			assert_int_equal(errno, EINVAL);
			assert_null(sa.ctx);
		}
		p = params(SA_AES_GCM_128, false, 64);
		p.spi = ESP_SPI_MIN;
		assert_int_equal(esp_sa_init(&sa, &p, encrypt), 0);
		assert_int_equal(sa.spi, ESP_SPI_MIN);
		esp_sa_clear(&sa);
		p.spi = UINT32_MAX;
		assert_int_equal(esp_sa_init(&sa, &p, encrypt), 0);
		esp_sa_clear(&sa);

		/* key lengths: key + 4-byte salt, nothing else */
		p = params(SA_AES_GCM_128, false, 64);
		for (i = 0; i <= CONF_KEY_MAX; i++) {
			p.keylen = (uint8_t)i;
			errno = 0;
			if (i == 20) {
				assert_int_equal(esp_sa_init(&sa, &p,
				    encrypt), 0);
				esp_sa_clear(&sa);
				continue;
			}
			assert_int_equal(esp_sa_init(&sa, &p, encrypt), -1);
			assert_int_equal(errno, EINVAL);
		}
		p = params(SA_AES_GCM_256, false, 64);
		for (i = 0; i <= CONF_KEY_MAX; i++) {
			p.keylen = (uint8_t)i;
			errno = 0;
			if (i == 36) {
				assert_int_equal(esp_sa_init(&sa, &p,
				    encrypt), 0);
				assert_memory_equal(sa.salt, keymat + 32, 4);
				esp_sa_clear(&sa);
				continue;
			}
			assert_int_equal(esp_sa_init(&sa, &p, encrypt), -1);
			assert_int_equal(errno, EINVAL);
		}
		p = params(SA_AES_GCM_128, false, 64);
		p.alg = SA_ALG_NONE;
		errno = 0;
		assert_int_equal(esp_sa_init(&sa, &p, encrypt), -1);
		assert_int_equal(errno, EINVAL);
		p.alg = (enum sa_alg)77;
		assert_int_equal(esp_sa_init(&sa, &p, encrypt), -1);
	}
}

static void
test_peek(void **state)
{
	static const uint8_t	p[] = { 1, 2, 3, 4, 0xf5, 6, 7, 8, 9 };
	uint32_t		spi = 0, seq = 0;
	size_t			len;

	for (len = 0; len < 8; len++)
		assert_int_equal(esp_peek(p, len, &spi, &seq), -1);
	assert_int_equal(esp_peek(p, 8, &spi, &seq), 0);
	assert_int_equal(spi, 0x01020304);
	assert_int_equal(seq, 0xf5060708);
}

static void
test_result_str(void **state)
{
	int	r;

	for (r = ESP_OK; r <= ESP_INTERNAL; r++)
		assert_string_not_equal(esp_result_str(r), "unknown");
	assert_string_equal(esp_result_str((enum esp_result)99), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_known_answer),
		T(test_header_layout),
		T(test_roundtrip),
		T(test_open_padding),
		T(test_open_bad_trailer),
		T(test_wrong_key),
		T(test_bit_flips),
		T(test_replayed),
		T(test_truncated),
		T(test_esn_wrap),
		T(test_exhausted),
		T(test_no_tailroom),
		T(test_sizes),
		cmocka_unit_test(test_sa_init),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_result_str),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
