/*
 * esp.c: ESP seal and open, in place in a struct pkt.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "esp.h"

static const EVP_CIPHER *
esp_cipher(enum sa_alg alg)
{
	switch (alg) {
	case SA_AES_GCM_128:
		return EVP_aes_128_gcm();
	case SA_AES_GCM_256:
		return EVP_aes_256_gcm();
	case SA_ALG_NONE:
		break;
	}
	return NULL;
}

static size_t
esp_keylen(enum sa_alg alg)
{
	return alg == SA_AES_GCM_128 ? 16 : alg == SA_AES_GCM_256 ? 32 : 0;
}

int
esp_sa_init(struct esp_sa *sa, const struct sa_params *p, bool encrypt)
{
	const EVP_CIPHER	*c;
	size_t			 klen;
	int			 ok;

	memset(sa, 0, sizeof(*sa));
	if ((c = esp_cipher(p->alg)) == NULL)
		goto inval;
	klen = esp_keylen(p->alg);
	if (p->keylen != klen + ESP_SALT_LEN || p->spi < ESP_SPI_MIN)
		goto inval;
	if ((sa->ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (encrypt)
		ok = EVP_EncryptInit_ex(sa->ctx, c, NULL, p->key, NULL);
	else
		ok = EVP_DecryptInit_ex(sa->ctx, c, NULL, p->key, NULL);
	if (ok != 1) {
		esp_sa_clear(sa);
		errno = EINVAL;
		return -1;
	}
	memcpy(sa->salt, p->key + klen, ESP_SALT_LEN);
	sa->spi = p->spi;
	sa->alg = p->alg;
	sa->esn = p->esn;
	sa->encrypt = encrypt;
	sa->tunnel = p->tunnel;
	replay_init(&sa->replay, p->replay_window);
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

void
esp_sa_clear(struct esp_sa *sa)
{
	EVP_CIPHER_CTX_free(sa->ctx);
	OPENSSL_cleanse(sa, sizeof(*sa));
}

int
esp_peek(const uint8_t *p, size_t len, uint32_t *spi, uint32_t *seq)
{
	struct rd	r;

	rd_init(&r, p, len);
	if (rd_get_u32(&r, spi) == -1 || rd_get_u32(&r, seq) == -1)
		return -1;
	return 0;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* AAD: SPI, then the high sequence half with ESN, then the low half. */
static size_t
esp_aad(const struct esp_sa *sa, uint64_t seq, uint8_t aad[static 12])
{
	put32(aad, sa->spi);
	if (sa->esn) {
		put32(aad + 4, (uint32_t)(seq >> 32));
		put32(aad + 8, (uint32_t)seq);
		return 12;
	}
	put32(aad + 4, (uint32_t)seq);
	return 8;
}

static void
esp_nonce(const struct esp_sa *sa, const uint8_t iv[static ESP_IV_LEN],
    uint8_t nonce[static 12])
{
	memcpy(nonce, sa->salt, ESP_SALT_LEN);
	memcpy(nonce + ESP_SALT_LEN, iv, ESP_IV_LEN);
}

size_t
esp_sealed_len(size_t payload)
{
	size_t	body = (payload + ESP_TRAILER_LEN + 3) & ~(size_t)3;

	return ESP_HDR_LEN + ESP_IV_LEN + body + ESP_ICV_LEN;
}

/* The largest payload whose sealed form fits in `room` bytes. */
size_t
esp_max_payload(size_t room)
{
	size_t	fixed = ESP_HDR_LEN + ESP_IV_LEN + ESP_ICV_LEN;

	if (room < fixed + 4)
		return 0;
	return ((room - fixed) & ~(size_t)3) - ESP_TRAILER_LEN;
}

enum esp_result
esp_seal(struct esp_sa *sa, struct pkt *pk, uint8_t next_hdr)
{
	uint8_t		 aad[12], nonce[12], iv[ESP_IV_LEN];
	uint8_t		*hdr, *tail, *body;
	size_t		 padlen, bodylen, aadlen, i;
	uint64_t	 seq;
	int		 outl;

	if (sa->seq == UINT64_MAX || (!sa->esn && sa->seq == UINT32_MAX))
		return ESP_EXHAUSTED;
	seq = ++sa->seq;
	padlen = (4 - (pk->len + ESP_TRAILER_LEN) % 4) % 4;
	bodylen = pk->len + padlen + ESP_TRAILER_LEN;
	if ((tail = pkt_put(pk, padlen + ESP_TRAILER_LEN + ESP_ICV_LEN)) ==
	    NULL)
		return ESP_MALFORMED;
	for (i = 0; i < padlen; i++)
		tail[i] = (uint8_t)(i + 1);
	tail[padlen] = (uint8_t)padlen;
	tail[padlen + 1] = next_hdr;
	body = pk->data;
	if ((hdr = pkt_push(pk, ESP_HDR_LEN + ESP_IV_LEN)) == NULL)
		return ESP_MALFORMED;
	put32(hdr, sa->spi);
	put32(hdr + 4, (uint32_t)seq);
	put32(iv, (uint32_t)(seq >> 32));
	put32(iv + 4, (uint32_t)seq);
	memcpy(hdr + ESP_HDR_LEN, iv, ESP_IV_LEN);
	esp_nonce(sa, iv, nonce);
	aadlen = esp_aad(sa, seq, aad);

	if (EVP_EncryptInit_ex(sa->ctx, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_EncryptUpdate(sa->ctx, NULL, &outl, aad, (int)aadlen) != 1 ||
	    EVP_EncryptUpdate(sa->ctx, body, &outl, body, (int)bodylen) != 1 ||
	    EVP_EncryptFinal_ex(sa->ctx, body + bodylen, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(sa->ctx, EVP_CTRL_GCM_GET_TAG, ESP_ICV_LEN,
	    body + bodylen) != 1)
		return ESP_INTERNAL;
	return ESP_OK;
}

/*
 * Opens an ESP packet in place: lengths first, then the replay window,
 * then the ICV (GCM verifies before the plaintext is used), then the
 * trailer. On success pk holds the payload and the window moves.
 */
enum esp_result
esp_open(struct esp_sa *sa, struct pkt *pk, uint8_t *next_hdr)
{
	uint8_t		 aad[12], nonce[12];
	uint8_t		*body, *trailer;
	uint32_t	 spi, seql;
	uint64_t	 seq;
	size_t		 bodylen, aadlen, padlen, i;
	int		 outl;

	if (pk->len < ESP_MIN_LEN || esp_peek(pk->data, pk->len, &spi, &seql))
		return ESP_MALFORMED;
	if (spi != sa->spi)
		return ESP_MALFORMED;
	bodylen = pk->len - ESP_HDR_LEN - ESP_IV_LEN - ESP_ICV_LEN;
	if (bodylen % 4 != 0 || bodylen > INT32_MAX)
		return ESP_MALFORMED;
	seq = replay_infer(&sa->replay, seql, sa->esn);
	if (!replay_check(&sa->replay, seq))
		return ESP_REPLAY;

	esp_nonce(sa, pk->data + ESP_HDR_LEN, nonce);
	aadlen = esp_aad(sa, seq, aad);
	body = pk->data + ESP_HDR_LEN + ESP_IV_LEN;
	if (EVP_DecryptInit_ex(sa->ctx, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_CIPHER_CTX_ctrl(sa->ctx, EVP_CTRL_GCM_SET_TAG, ESP_ICV_LEN,
	    body + bodylen) != 1)
		return ESP_INTERNAL;
	if (EVP_DecryptUpdate(sa->ctx, NULL, &outl, aad, (int)aadlen) != 1 ||
	    EVP_DecryptUpdate(sa->ctx, body, &outl, body, (int)bodylen) != 1 ||
	    EVP_DecryptFinal_ex(sa->ctx, body + bodylen, &outl) != 1)
		return ESP_AUTH;
	replay_update(&sa->replay, seq);

	trailer = body + bodylen - ESP_TRAILER_LEN;
	padlen = trailer[0];
	if (padlen + ESP_TRAILER_LEN > bodylen)
		return ESP_MALFORMED;
	for (i = 0; i < padlen; i++)	/* RFC 4303 2.4 default padding */
		if (trailer[-(ptrdiff_t)padlen + (ptrdiff_t)i] != i + 1)
			return ESP_MALFORMED;
	*next_hdr = trailer[1];
	if (pkt_pull(pk, ESP_HDR_LEN + ESP_IV_LEN) == -1 ||
	    pkt_trim(pk, padlen + ESP_TRAILER_LEN + ESP_ICV_LEN) == -1)
		return ESP_MALFORMED;
	return ESP_OK;
}

const char *
esp_result_str(enum esp_result r)
{
	switch (r) {
	case ESP_OK:
		return "ok";
	case ESP_MALFORMED:
		return "malformed ESP packet";
	case ESP_REPLAY:
		return "replayed or too old";
	case ESP_AUTH:
		return "ICV verification failed";
	case ESP_EXHAUSTED:
		return "sequence numbers exhausted";
	case ESP_INTERNAL:
		return "cipher failure";
	}
	return "unknown";
}
