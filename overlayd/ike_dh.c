/*
 * ike_dh.c: Diffie-Hellman for IKEv2 through EVP_PKEY.
 *
 * Group 31, Curve25519 (RFC 8031): the KE data is the 32-octet public
 * value, the shared secret the 32-octet X25519 output; an all-zero output
 * (a low-order peer point) is refused.
 * Group 19, ECP-256 (RFC 5903): the KE data is x | y, 32 octets each,
 * without the 0x04 prefix; the shared secret is the x coordinate. A peer
 * point not on the curve is refused (RFC 6989).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>

#include "ike_crypto.h"

#define X25519_LEN	32
#define P256_LEN	32
#define P256_XY		64	/* x | y */

size_t
ike_dh_pub_len(uint16_t group)
{
	switch (group) {
	case IKE_DH_CURVE25519:
		return X25519_LEN;
	case IKE_DH_ECP256:
		return P256_XY;
	}
	return 0;
}

int
ike_dh_new(struct ike_dh *dh, uint16_t group)
{
	memset(dh, 0, sizeof(*dh));
	switch (group) {
	case IKE_DH_CURVE25519:
		dh->key = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
		break;
	case IKE_DH_ECP256:
		dh->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (dh->key == NULL)
		return -1;
	dh->group = group;
	return 0;
}

/* A known private key, for known-answer tests (X25519 only). */
int
ike_dh_new_raw(struct ike_dh *dh, uint16_t group, const uint8_t *priv,
    size_t len)
{
	memset(dh, 0, sizeof(*dh));
	if (group != IKE_DH_CURVE25519 || len != X25519_LEN) {
		errno = EINVAL;
		return -1;
	}
	dh->key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
	    len);
	if (dh->key == NULL)
		return -1;
	dh->group = group;
	return 0;
}

void
ike_dh_free(struct ike_dh *dh)
{
	EVP_PKEY_free(dh->key);
	memset(dh, 0, sizeof(*dh));
}

int
ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t len)
{
	uint8_t	pt[1 + P256_XY];
	size_t	n = len;

	if (dh->key == NULL || len != ike_dh_pub_len(dh->group)) {
		errno = EINVAL;
		return -1;
	}
	if (dh->group == IKE_DH_CURVE25519)
		return EVP_PKEY_get_raw_public_key(dh->key, out, &n) == 1 &&
		    n == X25519_LEN ? 0 : -1;
	/* uncompressed SEC1 point 04 | x | y; IKE sends x | y */
	if (EVP_PKEY_set_utf8_string_param(dh->key,
	    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed") != 1 ||
	    EVP_PKEY_get_octet_string_param(dh->key,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt), &n) != 1 ||
	    n != sizeof(pt) || pt[0] != 0x04)
		return -1;
	memcpy(out, pt + 1, P256_XY);
	return 0;
}

static EVP_PKEY *
ike_dh_peer(uint16_t group, const uint8_t *pub, size_t len)
{
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*peer = NULL;
	uint8_t		 pt[1 + P256_XY];

	if (group == IKE_DH_CURVE25519)
		return EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub,
		    len);
	pt[0] = 0x04;
	memcpy(pt + 1, pub, P256_XY);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "prime256v1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
	    sizeof(pt)) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &peer, EVP_PKEY_PUBLIC_KEY, params) != 1)
		peer = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	if (peer == NULL)
		return NULL;
	/* on the curve, not the point at infinity, in the right subgroup */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, peer, NULL);
	if (ctx == NULL || EVP_PKEY_public_check(ctx) != 1) {
		EVP_PKEY_free(peer);
		peer = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return peer;
}

int
ike_dh_shared(const struct ike_dh *dh, const uint8_t *pub, size_t len,
    uint8_t out[IKE_DH_SHARED_MAX], size_t *outlen, struct ike_err *e)
{
	static const uint8_t	 zero[IKE_DH_SHARED_MAX];
	EVP_PKEY_CTX		*ctx = NULL;
	EVP_PKEY		*peer;
	size_t			 n = IKE_DH_SHARED_MAX;
	int			 ok;

	if (dh->key == NULL)
		return ike_fail(e, 0, "KE: no local key");
	if (len != ike_dh_pub_len(dh->group))
		return ike_fail(e, IKE_N_INVALID_SYNTAX, "KE: group %u public"
		    " value of %zu octets, want %zu", dh->group, len,
		    ike_dh_pub_len(dh->group));
	if ((peer = ike_dh_peer(dh->group, pub, len)) == NULL)
		return ike_fail(e, IKE_N_INVALID_SYNTAX, "KE: group %u public"
		    " value is not a valid point", dh->group);
	ok = (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL)) != NULL &&
	    EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
	    EVP_PKEY_derive(ctx, out, &n) == 1 && n == 32;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	/* OpenSSL refuses an all-zero X25519 result too; say so plainly */
	if (!ok || CRYPTO_memcmp(out, zero, 32) == 0) {
		OPENSSL_cleanse(out, IKE_DH_SHARED_MAX);
		return ike_fail(e, IKE_N_INVALID_SYNTAX, "KE: group %u: no"
		    " shared secret (low-order or invalid point)", dh->group);
	}
	*outlen = n;
	return 0;
}
