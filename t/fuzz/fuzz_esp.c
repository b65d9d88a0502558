/*
 * fuzz_esp.c: libFuzzer target for the ESP inbound path: esp_peek() and
 * esp_open() on an SA with a fixed key, over a series of packets (see
 * fuzz.h for the input format). Forged records are sealed here with the
 * reference sealer, and the outcome is checked against what RFC 4303
 * requires; any disagreement aborts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "esp.h"
#include "espref.h"
#include "fuzz.h"

static const uint8_t	key[] = FUZZ_ESP_KEY;
static struct pkt	pk;
static uint8_t		sealed[PKT_SIZE];

static void
load(const uint8_t *p, size_t len)
{
	pkt_reset(&pk);
	fuzz_check(pkt_put(&pk, len) != NULL);
	memcpy(pk.data, p, len);
}

/* What esp_open() must make of an authentic packet with this body. */
static enum esp_result
expect(const struct esp_sa *sa, uint64_t seq, const uint8_t *body,
    size_t len, size_t *plen)
{
	uint64_t	inferred;
	size_t		pad, i;

	if (len < 4 || len % 4 != 0)
		return ESP_MALFORMED;
	inferred = replay_infer(&sa->replay, (uint32_t)seq, sa->esn);
	if (!replay_check(&sa->replay, inferred))
		return ESP_REPLAY;
	/* the high half is only in the AAD with ESN */
	if (sa->esn && inferred != seq)
		return ESP_AUTH;
	pad = body[len - 2];
	if (pad + 2 > len)
		return ESP_MALFORMED;
	for (i = 0; i < pad; i++)
		if (body[len - 2 - pad + i] != i + 1)
			return ESP_MALFORMED;
	*plen = len - 2 - pad;
	return ESP_OK;
}

static void
forged(struct esp_sa *sa, const struct espref *ref, const uint8_t *rec,
    size_t len)
{
	enum esp_result	 want, got;
	uint64_t	 seq = 0;
	size_t		 i, plen = 0, n;
	uint8_t		 nh = 0;

	if (len < 8)
		return;
	for (i = 0; i < 8; i++)
		seq = seq << 8 | rec[i];
	rec += 8;
	len -= 8;
	if (len > PKT_MAX - 32)
		return;
	if (!sa->esn)
		seq &= 0xffffffff;
	want = expect(sa, seq, rec, len, &plen);
	n = espref_seal(ref, seq, rec, len, sealed);
	fuzz_check(n == len + 32);
	load(sealed, n);
	got = esp_open(sa, &pk, &nh);
	fuzz_check(got == want);
	if (got != ESP_OK)
		return;
	fuzz_check(nh == rec[len - 1]);
	fuzz_check(pk.len == plen);
	fuzz_check(memcmp(pk.data, rec, plen) == 0);
	/* once accepted, never again */
	load(sealed, n);
	fuzz_check(esp_open(sa, &pk, &nh) == ESP_REPLAY);
}

static void
received(struct esp_sa *sa, const uint8_t *rec, size_t len)
{
	struct replay	before = sa->replay;
	uint32_t	spi, seql;
	enum esp_result	r;
	uint8_t		nh;

	if (esp_peek(rec, len, &spi, &seql) == -1)
		fuzz_check(len < 8);
	load(rec, len);
	r = esp_open(sa, &pk, &nh);
	if (r != ESP_OK) {
		/* only an authentic packet moves the window */
		if (r != ESP_MALFORMED)
			fuzz_check(memcmp(&before, &sa->replay,
			    sizeof(before)) == 0);
		return;
	}
	fuzz_check(len >= ESP_MIN_LEN);
	fuzz_check(pk.len <= len - ESP_MIN_LEN);
	fuzz_check(pk.data == pk.buf + PKT_HEADROOM + ESP_HDR_LEN + ESP_IV_LEN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sa_params	p;
	struct espref		ref;
	struct esp_sa		sa;
	uint8_t			flags;
	size_t			len, klen;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	memset(&p, 0, sizeof(p));
	p.spi = FUZZ_ESP_SPI;
	p.alg = flags & FUZZ_ESP_AES256 ? SA_AES_GCM_256 : SA_AES_GCM_128;
	klen = flags & FUZZ_ESP_AES256 ? 32 : 16;
	memcpy(p.key, key, klen);
	memcpy(p.key + klen, key + FUZZ_ESP_SALT_OFF, ESP_SALT_LEN);
	p.keylen = (uint8_t)(klen + ESP_SALT_LEN);
	p.esn = flags & FUZZ_ESP_ESN;
	p.replay_window = fuzz_esp_window(flags);
	fuzz_check(esp_sa_init(&sa, &p, false) == 0);
	ref.spi = p.spi;
	ref.key = key;
	ref.keylen = klen;
	ref.salt = key + FUZZ_ESP_SALT_OFF;
	ref.esn = p.esn;

	while (size >= 2) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (flags & FUZZ_ESP_FORGE)
			forged(&sa, &ref, data, len);
		else
			received(&sa, data, len);
		data += len;
		size -= len;
	}
	esp_sa_clear(&sa);
	return 0;
}
