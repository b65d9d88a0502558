/*
 * espref.c: reference ESP sealer; see espref.h.
 */
#include "config.h"

#include <string.h>

#include <openssl/evp.h>

#include "espref.h"

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

size_t
espref_body(const uint8_t *payload, size_t len, uint8_t next, uint8_t *out)
{
	size_t	pad = 0, i;

	while ((len + pad + 2) % 4 != 0)
		pad++;
	memmove(out, payload, len);
	for (i = 0; i < pad; i++)
		out[len + i] = (uint8_t)(i + 1);
	out[len + pad] = (uint8_t)pad;
	out[len + pad + 1] = next;
	return len + pad + 2;
}

size_t
espref_seal(const struct espref *e, uint64_t seq, const uint8_t *body,
    size_t bodylen, uint8_t *out)
{
	const EVP_CIPHER	*c;
	EVP_CIPHER_CTX		*ctx;
	uint8_t			 nonce[12], aad[12];
	size_t			 aadlen;
	int			 n, ok;

	c = e->keylen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	be32(out, e->spi);
	be32(out + 4, (uint32_t)seq);
	be32(out + 8, (uint32_t)(seq >> 32));	/* IV: the whole seq */
	be32(out + 12, (uint32_t)seq);
	memcpy(nonce, e->salt, 4);
	memcpy(nonce + 4, out + 8, 8);
	be32(aad, e->spi);
	if (e->esn) {
		be32(aad + 4, (uint32_t)(seq >> 32));
		be32(aad + 8, (uint32_t)seq);
		aadlen = 12;
	} else {
		be32(aad + 4, (uint32_t)seq);
		aadlen = 8;
	}
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return 0;
	ok = EVP_EncryptInit_ex(ctx, c, NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	    EVP_EncryptInit_ex(ctx, NULL, NULL, e->key, nonce) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aadlen) == 1 &&
	    EVP_EncryptUpdate(ctx, out + 16, &n, body, (int)bodylen) == 1 &&
	    (size_t)n == bodylen &&
	    EVP_EncryptFinal_ex(ctx, out + 16 + bodylen, &n) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
	    out + 16 + bodylen) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 16 + bodylen + 16 : 0;
}
