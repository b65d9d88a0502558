/*
 * ike_crypto.c: the IKEv2 key schedule (RFC 7296 2.13, 2.14, 2.17,
 * 2.18) with PRF_HMAC_SHA2_256 through EVP_MAC, and the SK/SKF payload
 * with AES-GCM-16 (RFC 5282, RFC 7383 2.5.3) through EVP_CIPHER.
 *
 * SK payload: generic header, [fragment number, total,] IV (8), then
 * ciphertext of (payloads, padding, pad length), then ICV (16). The AEAD
 * nonce is salt (4, the tail of SK_e) || IV; the AAD is the message from
 * the IKE header up to the IV. The ICV is verified before one octet of the
 * plaintext is looked at; padding is checked after.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "ike_crypto.h"

static EVP_MAC	*ike_hmac;

static int
ike_einval(void)
{
	errno = EINVAL;
	return -1;
}

int
ike_suite_check(const struct ike_suite *s)
{
	if (s->encr != IKE_ENCR_AES_GCM_16 || s->prf != IKE_PRF_HMAC_SHA2_256)
		return ike_einval();
	if (s->keybits != 128 && s->keybits != 192 && s->keybits != 256)
		return ike_einval();
	if (s->dh != IKE_DH_CURVE25519 && s->dh != IKE_DH_ECP256)
		return ike_einval();
	return 0;
}

/* prf(key, data[0] | data[1] | ...) for `n` pieces. */
static int
ike_prf_v(uint16_t prf, const uint8_t *key, size_t klen,
    const struct ike_data *d, size_t n, uint8_t out[IKE_PRF_LEN])
{
	OSSL_PARAM	 params[2];
	EVP_MAC_CTX	*ctx;
	size_t		 outl, i;
	int		 ok = 0;

	if (prf != IKE_PRF_HMAC_SHA2_256 || klen == 0)
		return ike_einval();
	if (ike_hmac == NULL &&
	    (ike_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MAC_CTX_new(ike_hmac)) == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, klen, params) != 1)
		goto done;
	for (i = 0; i < n; i++)
		if (d[i].len > 0 && EVP_MAC_update(ctx, d[i].p, d[i].len) != 1)
			goto done;
	ok = EVP_MAC_final(ctx, out, &outl, IKE_PRF_LEN) == 1 &&
	    outl == IKE_PRF_LEN;
done:
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *data,
    size_t dlen, uint8_t out[IKE_PRF_LEN])
{
	struct ike_data	d = { data, dlen };

	return ike_prf_v(prf, key, klen, &d, 1, out);
}

/* prf+ (RFC 7296 2.13): T1 = prf(K, S | 1), Tn = prf(K, Tn-1 | S | n) */
int
ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
    const uint8_t *seed, size_t slen, uint8_t *out, size_t outlen)
{
	uint8_t		t[IKE_PRF_LEN], n;
	struct ike_data	d[3];
	size_t		done = 0, take;

	if (outlen > IKE_PRFPLUS_MAX)
		return ike_einval();
	for (n = 1; done < outlen; n++) {
		d[0].p = t;
		d[0].len = n == 1 ? 0 : sizeof(t);
		d[1].p = seed;
		d[1].len = slen;
		d[2].p = &n;
		d[2].len = 1;
		if (ike_prf_v(prf, key, klen, d, 3, t) == -1) {
			OPENSSL_cleanse(t, sizeof(t));
			return -1;
		}
		take = outlen - done < sizeof(t) ? outlen - done : sizeof(t);
		memcpy(out + done, t, take);
		done += take;
	}
	OPENSSL_cleanse(t, sizeof(t));
	return 0;
}

/* SKEYSEED = prf(Ni | Nr, g^ir) */
int
ike_skeyseed(uint16_t prf, const struct ike_data *ni,
    const struct ike_data *nr, const uint8_t *gir, size_t girlen,
    uint8_t out[IKE_PRF_LEN])
{
	uint8_t	key[2 * IKE_NONCE_MAX];
	int	rv;

	if (ni->len < IKE_NONCE_MIN || ni->len > IKE_NONCE_MAX ||
	    nr->len < IKE_NONCE_MIN || nr->len > IKE_NONCE_MAX)
		return ike_einval();
	memcpy(key, ni->p, ni->len);
	memcpy(key + ni->len, nr->p, nr->len);
	rv = ike_prf(prf, key, ni->len + nr->len, gir, girlen, out);
	OPENSSL_cleanse(key, sizeof(key));
	return rv;
}

/* Rekeyed IKE SA (2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
int
ike_skeyseed_rekey(uint16_t prf, const uint8_t old_sk_d[IKE_PRF_LEN],
    const uint8_t *gir, size_t girlen, const struct ike_data *ni,
    const struct ike_data *nr, uint8_t out[IKE_PRF_LEN])
{
	struct ike_data	d[3] = { { gir, girlen }, *ni, *nr };

	return ike_prf_v(prf, old_sk_d, IKE_PRF_LEN, d, 3, out);
}

static void
put64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

/*
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 *	prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * With AES-GCM there is no integrity key, and SK_e is key then salt.
 */
int
ike_keys_derive(struct ike_keys *k, const struct ike_suite *s,
    const uint8_t skeyseed[IKE_PRF_LEN], const struct ike_data *ni,
    const struct ike_data *nr, uint64_t spi_i, uint64_t spi_r)
{
	uint8_t	seed[2 * IKE_NONCE_MAX + 16];
	uint8_t	km[3 * IKE_PRF_LEN + 2 * IKE_ENC_KEY_MAX];
	size_t	elen, slen, off = 0;
	int	rv;

	memset(k, 0, sizeof(*k));
	if (ike_suite_check(s) == -1 || ni->len > IKE_NONCE_MAX ||
	    nr->len > IKE_NONCE_MAX)
		return ike_einval();
	elen = s->keybits / 8 + IKE_GCM_SALT_LEN;
	memcpy(seed, ni->p, ni->len);
	memcpy(seed + ni->len, nr->p, nr->len);
	slen = ni->len + nr->len;
	put64(seed + slen, spi_i);
	put64(seed + slen + 8, spi_r);
	slen += 16;
	rv = ike_prf_plus(s->prf, skeyseed, IKE_PRF_LEN, seed, slen, km,
	    (size_t)(3 * IKE_PRF_LEN) + 2 * elen);
	if (rv == 0) {
		memcpy(k->sk_d, km + off, IKE_PRF_LEN);
		off += IKE_PRF_LEN;
		memcpy(k->sk_ei, km + off, elen);
		off += elen;
		memcpy(k->sk_er, km + off, elen);
		off += elen;
		memcpy(k->sk_pi, km + off, IKE_PRF_LEN);
		off += IKE_PRF_LEN;
		memcpy(k->sk_pr, km + off, IKE_PRF_LEN);
		k->enc_len = elen;
	}
	OPENSSL_cleanse(km, sizeof(km));
	return rv;
}

void
ike_keys_clear(struct ike_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

/*
 * KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (2.17), split for ESP
 * AES-GCM: initiator-to-responder key and salt first, then the other
 * direction, each as struct sa_params wants it (key then salt).
 */
int
ike_child_keymat(uint16_t prf, const uint8_t sk_d[IKE_PRF_LEN],
    const uint8_t *gir, size_t girlen, const struct ike_data *ni,
    const struct ike_data *nr, uint16_t encr, uint16_t keybits,
    struct sa_params *i2r, struct sa_params *r2i)
{
	uint8_t		seed[IKE_DH_SHARED_MAX + 2 * IKE_NONCE_MAX];
	uint8_t		km[2 * CONF_KEY_MAX];
	enum sa_alg	alg;
	size_t		elen, slen = 0;
	int		rv;

	if (encr != IKE_ENCR_AES_GCM_16)
		return ike_einval();
	if (keybits == 128)
		alg = SA_AES_GCM_128;
	else if (keybits == 256)
		alg = SA_AES_GCM_256;
	else
		return ike_einval();	/* the data plane has no AES-192 */
	if (girlen > IKE_DH_SHARED_MAX || ni->len > IKE_NONCE_MAX ||
	    nr->len > IKE_NONCE_MAX)
		return ike_einval();
	elen = keybits / 8 + ESP_SALT_LEN;
	if (girlen > 0)
		memcpy(seed, gir, girlen);
	slen = girlen;
	memcpy(seed + slen, ni->p, ni->len);
	slen += ni->len;
	memcpy(seed + slen, nr->p, nr->len);
	slen += nr->len;
	rv = ike_prf_plus(prf, sk_d, IKE_PRF_LEN, seed, slen, km, 2 * elen);
	OPENSSL_cleanse(seed, sizeof(seed));
	if (rv == 0) {
		memset(i2r, 0, sizeof(*i2r));
		memset(r2i, 0, sizeof(*r2i));
		i2r->alg = r2i->alg = alg;
		i2r->keylen = r2i->keylen = (uint8_t)elen;
		memcpy(i2r->key, km, elen);
		memcpy(r2i->key, km + elen, elen);
	}
	OPENSSL_cleanse(km, sizeof(km));
	return rv;
}

static const EVP_CIPHER *
ike_gcm(uint16_t keybits)
{
	switch (keybits) {
	case 128:
		return EVP_aes_128_gcm();
	case 192:
		return EVP_aes_192_gcm();
	case 256:
		return EVP_aes_256_gcm();
	}
	return NULL;
}

int
ike_aead_init(struct ike_aead *a, const struct ike_suite *s,
    const uint8_t *keymat, size_t len)
{
	const EVP_CIPHER	*c;

	memset(a, 0, sizeof(*a));
	if (s->encr != IKE_ENCR_AES_GCM_16 ||
	    (c = ike_gcm(s->keybits)) == NULL ||
	    len != (size_t)s->keybits / 8 + IKE_GCM_SALT_LEN)
		return ike_einval();
	if ((a->ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_CipherInit_ex(a->ctx, c, NULL, keymat, NULL, 1) != 1) {
		ike_aead_clear(a);
		return -1;
	}
	memcpy(a->salt, keymat + s->keybits / 8, IKE_GCM_SALT_LEN);
	a->iv_next = 1;
	return 0;
}

void
ike_aead_clear(struct ike_aead *a)
{
	EVP_CIPHER_CTX_free(a->ctx);
	OPENSSL_cleanse(a, sizeof(*a));
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * buf[0, off) holds the IKE header and any unencrypted payloads, the last
 * of which (or the header) announces SK/SKF. Append the SK payload (SKF
 * when sk->frag_total is set) sealing `plain`, patch the header length,
 * return the message length. `plain` may lie anywhere, also in buf.
 */
long
ike_sk_seal(struct ike_aead *a, uint8_t *buf, size_t cap, size_t off,
    const struct ike_sk *sk, const uint8_t *plain, size_t plen)
{
	uint8_t		 nonce[IKE_GCM_SALT_LEN + IKE_GCM_IV_LEN], pad = 0;
	uint8_t		*iv, *ct;
	size_t		 hlen, total;
	int		 outl, ok;

	hlen = sk->frag_total != 0 ? IKE_SKF_HDR_LEN : IKE_GEN_HDR_LEN;
	if (a->ctx == NULL || off < IKE_HDR_LEN || off > cap ||
	    plen > IKE_MSG_MAX)
		return ike_einval();
	total = off + hlen + IKE_SK_OVERHEAD + plen;
	if (total > IKE_MSG_MAX || total > cap) {
		errno = ENOSPC;
		return -1;
	}
	if (a->iv_next == UINT64_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	iv = buf + off + hlen;
	ct = iv + IKE_GCM_IV_LEN;
	memmove(ct, plain, plen);
	buf[off] = sk->first;
	buf[off + 1] = 0;
	put16(buf + off + 2, (uint16_t)(total - off));
	if (sk->frag_total != 0) {
		put16(buf + off + 4, sk->frag_num);
		put16(buf + off + 6, sk->frag_total);
	}
	buf[24] = (uint8_t)(total >> 24);
	buf[25] = (total >> 16) & 0xff;
	buf[26] = (total >> 8) & 0xff;
	buf[27] = total & 0xff;
	put64(iv, a->iv_next++);
	memcpy(nonce, a->salt, IKE_GCM_SALT_LEN);
	memcpy(nonce + IKE_GCM_SALT_LEN, iv, IKE_GCM_IV_LEN);
	/* the pad length octet is zero: GCM needs no padding */
	ok = EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 1) == 1 &&
	    EVP_CipherUpdate(a->ctx, NULL, &outl, buf, (int)(off + hlen)) == 1 &&
	    EVP_CipherUpdate(a->ctx, ct, &outl, ct, (int)plen) == 1 &&
	    EVP_CipherUpdate(a->ctx, ct + plen, &outl, &pad, 1) == 1 &&
	    EVP_CipherFinal_ex(a->ctx, ct + plen + 1, &outl) == 1 &&
	    EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_GCM_GET_TAG, IKE_GCM_ICV_LEN,
	    ct + plen + 1) == 1;
	if (!ok) {
		OPENSSL_cleanse(buf, total);
		errno = EIO;
		return -1;
	}
	return (long)total;
}

/* Build and seal a whole message: payloads after msg->sk_at go inside. */
long
ike_msg_seal(struct ike_aead *a, const struct ike_msg *m, uint8_t *buf,
    size_t cap)
{
	struct ike_sk	sk;
	long		off, plen;
	size_t		hlen, at;

	memset(&sk, 0, sizeof(sk));
	if ((off = ike_msg_build_prefix(m, buf, cap)) == -1)
		return -1;
	if (m->order[m->sk_at] == IKE_PLD_SKF) {
		sk.frag_num = m->sk.frag_num;
		sk.frag_total = m->sk.frag_total;
		if (sk.frag_total == 0)
			return ike_einval();
	}
	sk.first = m->sk_at + 1 < m->norder ? m->order[m->sk_at + 1] :
	    IKE_PLD_NONE;
	hlen = sk.frag_total != 0 ? IKE_SKF_HDR_LEN : IKE_GEN_HDR_LEN;
	at = (size_t)off + hlen + IKE_GCM_IV_LEN;
	if (at + 1 + IKE_GCM_ICV_LEN > cap) {
		errno = ENOSPC;
		return -1;
	}
	/* build the plaintext where the ciphertext goes: sealed in place */
	if ((plen = ike_msg_build_inner(m, buf + at,
	    cap - at - 1 - IKE_GCM_ICV_LEN)) == -1)
		return -1;
	return ike_sk_seal(a, buf, cap, (size_t)off, &sk, buf + at,
	    (size_t)plen);
}

/*
 * Verify and decrypt the SK/SKF payload of a parsed message into `plain`
 * (at least the ciphertext's size); `*plen` is the length of the payload
 * chain within, padding removed. Nothing is returned unless the ICV
 * verified.
 */
int
ike_sk_open(struct ike_aead *a, const struct ike_msg *m, uint8_t *plain,
    size_t cap, size_t *plen, struct ike_err *e)
{
	uint8_t		 nonce[IKE_GCM_SALT_LEN + IKE_GCM_IV_LEN];
	uint8_t		 tag[IKE_GCM_ICV_LEN], pad;
	const uint8_t	*iv, *ct;
	size_t		 ctlen;
	int		 outl, ok;

	if (a->ctx == NULL || m->sk_at < 0 || m->raw.p == NULL ||
	    m->sk.aad_len > m->raw.len)
		return ike_fail(e, 0, "SK: no encrypted payload to open");
	if (m->sk.body.len < IKE_SK_OVERHEAD)
		return ike_fail(e, 0, "%s: %zu octets, need at least %d",
		    ike_payload_name(m->order[m->sk_at]), m->sk.body.len,
		    IKE_SK_OVERHEAD);
	ctlen = m->sk.body.len - IKE_GCM_IV_LEN - IKE_GCM_ICV_LEN;
	if (cap < ctlen)
		return ike_fail(e, 0, "SK: %zu octets of ciphertext, buffer"
		    " of %zu", ctlen, cap);
	iv = m->sk.body.p;
	ct = iv + IKE_GCM_IV_LEN;
	memcpy(tag, ct + ctlen, IKE_GCM_ICV_LEN);
	memcpy(nonce, a->salt, IKE_GCM_SALT_LEN);
	memcpy(nonce + IKE_GCM_SALT_LEN, iv, IKE_GCM_IV_LEN);
	ok = EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 0) == 1 &&
	    EVP_CipherUpdate(a->ctx, NULL, &outl, m->raw.p,
	    (int)m->sk.aad_len) == 1 &&
	    EVP_CipherUpdate(a->ctx, plain, &outl, ct, (int)ctlen) == 1 &&
	    EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_GCM_SET_TAG, IKE_GCM_ICV_LEN,
	    tag) == 1 &&
	    EVP_CipherFinal_ex(a->ctx, plain + ctlen, &outl) == 1;
	if (!ok) {
		OPENSSL_cleanse(plain, ctlen);
		return ike_fail(e, 0, "%s: integrity check failed",
		    ike_payload_name(m->order[m->sk_at]));
	}
	/* authentic from here: a bad pad length is the peer's syntax error */
	pad = plain[ctlen - 1];
	if ((size_t)pad + 1 > ctlen) {
		OPENSSL_cleanse(plain, ctlen);
		return ike_fail(e, IKE_N_INVALID_SYNTAX, "%s: pad length %u"
		    " with %zu octets of plaintext",
		    ike_payload_name(m->order[m->sk_at]), pad, ctlen);
	}
	*plen = ctlen - 1 - pad;
	return 0;
}

/*
 * Open an unfragmented message and decode the payloads inside into it.
 * `plain` must outlive the message (its slices point there).
 */
int
ike_msg_open(struct ike_aead *a, struct ike_msg *m, uint8_t *plain,
    size_t cap, struct ike_err *e)
{
	size_t	plen = 0;

	if (m->sk_at >= 0 && m->order[m->sk_at] == IKE_PLD_SKF &&
	    m->sk.frag_total != 1)
		return ike_fail(e, 0, "SKF: fragment %u of %u: reassemble"
		    " first", m->sk.frag_num, m->sk.frag_total);
	if (ike_sk_open(a, m, plain, cap, &plen, e) == -1)
		return -1;
	return ike_msg_parse_inner(m, m->sk.first, plain, plen, e);
}
