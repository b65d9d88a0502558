/*
 * ike_sig.c: what the AUTH payload signs (RFC 7296 2.15), shared-key
 * AUTH, and RFC 7427 digital signature AUTH data:
 *
 *   AUTH data = length of AlgorithmIdentifier (1) | AlgorithmIdentifier
 *               (DER) | signature
 *
 * with ecdsa-with-SHA256 (DER Ecdsa-Sig-Value), Ed25519 (RFC 8420, pure
 * EdDSA over the octets) and RSASSA-PSS with SHA-256, MGF1-SHA-256 and a
 * 32-octet salt. AlgorithmIdentifiers are matched octet for octet.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rsa.h>

#include "ike_crypto.h"

static const uint8_t	algid_ecdsa_sha256[] = {
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
};
static const uint8_t	algid_ed25519[] = {
	0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
};
static const uint8_t	algid_rsa_pss_sha256[] = {
	0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0a, 0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
	0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
};

static const struct {
	enum ike_sig_alg	 alg;
	const uint8_t		*der;
	size_t			 len;
	const char		*name;
} algids[] = {
	{ IKE_SIG_ECDSA_SHA256, algid_ecdsa_sha256,
	    sizeof(algid_ecdsa_sha256), "ecdsa-with-SHA256" },
	{ IKE_SIG_ED25519, algid_ed25519, sizeof(algid_ed25519), "Ed25519" },
	{ IKE_SIG_RSA_PSS_SHA256, algid_rsa_pss_sha256,
	    sizeof(algid_rsa_pss_sha256), "RSASSA-PSS-SHA256" },
};
#define NALGIDS	(sizeof(algids) / sizeof(algids[0]))

/*
 * InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI, with
 * MACedIDForI = prf(SK_pi, RestOfInitIDPayload); the same for the
 * responder with its message, Ni and SK_pr. `idbody` is the ID payload
 * without its generic header (struct ike_id.body). *out is malloc'd.
 */
int
ike_auth_octets(uint16_t prf, const uint8_t sk_p[IKE_PRF_LEN],
    const struct ike_data *realmsg, const struct ike_data *nonce,
    const struct ike_data *idbody, uint8_t **out, size_t *outlen)
{
	uint8_t	*p;
	size_t	 n;

	if (realmsg->len > IKE_MSG_MAX || nonce->len > IKE_NONCE_MAX) {
		errno = EINVAL;
		return -1;
	}
	n = realmsg->len + nonce->len + IKE_PRF_LEN;
	if ((p = malloc(n)) == NULL)
		return -1;
	memcpy(p, realmsg->p, realmsg->len);
	memcpy(p + realmsg->len, nonce->p, nonce->len);
	if (ike_prf(prf, sk_p, IKE_PRF_LEN, idbody->p, idbody->len,
	    p + realmsg->len + nonce->len) == -1) {
		free(p);
		return -1;
	}
	*out = p;
	*outlen = n;
	return 0;
}

/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>) */
int
ike_auth_psk(uint16_t prf, const uint8_t *psk, size_t psklen,
    const uint8_t *octets, size_t len, uint8_t out[IKE_PRF_LEN])
{
	static const char	pad[] = "Key Pad for IKEv2";
	uint8_t			k[IKE_PRF_LEN];
	int			rv;

	rv = ike_prf(prf, psk, psklen, (const uint8_t *)pad, sizeof(pad) - 1,
	    k);
	if (rv == 0)
		rv = ike_prf(prf, k, sizeof(k), octets, len, out);
	OPENSSL_cleanse(k, sizeof(k));
	return rv;
}

/* The RFC 7427 algorithm coimesh signs with for this key. */
enum ike_sig_alg
ike_sig_alg_for(EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "EC"))
		return IKE_SIG_ECDSA_SHA256;
	if (EVP_PKEY_is_a(key, "ED25519"))
		return IKE_SIG_ED25519;
	if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS"))
		return IKE_SIG_RSA_PSS_SHA256;
	return IKE_SIG_NONE;
}

uint16_t
ike_sig_hash(enum ike_sig_alg alg)
{
	switch (alg) {
	case IKE_SIG_ECDSA_SHA256:
	case IKE_SIG_RSA_PSS_SHA256:
		return IKE_HASH_SHA2_256;
	case IKE_SIG_ED25519:
		return IKE_HASH_IDENTITY;
	case IKE_SIG_NONE:
		break;
	}
	return 0;
}

/* Set up ctx for signing or verifying with alg; key type checked. */
static int
ike_sig_ctx(EVP_MD_CTX *ctx, EVP_PKEY *key, enum ike_sig_alg alg,
    bool sign)
{
	EVP_PKEY_CTX	*pctx = NULL;
	const char	*md = "SHA256";
	int		 ok;

	if (ike_sig_alg_for(key) != alg)
		return -1;
	if (alg == IKE_SIG_ED25519)
		md = NULL;
	if (sign)
		ok = EVP_DigestSignInit_ex(ctx, &pctx, md, NULL, NULL, key,
		    NULL);
	else
		ok = EVP_DigestVerifyInit_ex(ctx, &pctx, md, NULL, NULL, key,
		    NULL);
	if (ok != 1)
		return -1;
	if (alg == IKE_SIG_RSA_PSS_SHA256 &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", NULL) != 1))
		return -1;
	return 0;
}

/* Write RFC 7427 AUTH data into out; return its length or -1. */
long
ike_sig_sign(EVP_PKEY *key, enum ike_sig_alg alg, const uint8_t *octets,
    size_t len, uint8_t *out, size_t cap)
{
	EVP_MD_CTX	*ctx;
	size_t		 i, hl, siglen;
	long		 rv = -1;

	for (i = 0; i < NALGIDS && algids[i].alg != alg; i++)
		;
	if (i == NALGIDS || key == NULL) {
		errno = EINVAL;
		return -1;
	}
	hl = 1 + algids[i].len;
	if (cap < hl) {
		errno = ENOSPC;
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	siglen = cap - hl;
	if (ike_sig_ctx(ctx, key, alg, true) == -1)
		errno = EINVAL;
	else if (EVP_DigestSign(ctx, out + hl, &siglen, octets, len) != 1)
		errno = ENOSPC;		/* or the key could not sign */
	else {
		out[0] = (uint8_t)algids[i].len;
		memcpy(out + 1, algids[i].der, algids[i].len);
		rv = (long)(hl + siglen);
	}
	EVP_MD_CTX_free(ctx);
	return rv;
}

/*
 * Verify RFC 7427 AUTH data over `octets` with the peer's key. Every
 * refusal answers AUTHENTICATION_FAILED.
 */
int
ike_sig_verify(EVP_PKEY *key, const struct ike_data *auth,
    const uint8_t *octets, size_t len, enum ike_sig_alg *algp,
    struct ike_err *e)
{
	EVP_MD_CTX	*ctx;
	size_t		 i, alen;
	int		 ok;

	if (auth->len < 1 || auth->len < 1 + (size_t)auth->p[0] + 1)
		return ike_fail(e, IKE_N_AUTHENTICATION_FAILED, "AUTH: %zu"
		    " octets, too short for an AlgorithmIdentifier and a"
		    " signature", auth->len);
	alen = auth->p[0];
	for (i = 0; i < NALGIDS; i++)
		if (algids[i].len == alen &&
		    memcmp(algids[i].der, auth->p + 1, alen) == 0)
			break;
	if (i == NALGIDS)
		return ike_fail(e, IKE_N_AUTHENTICATION_FAILED, "AUTH:"
		    " signature algorithm not supported");
	if (ike_sig_alg_for(key) != algids[i].alg)
		return ike_fail(e, IKE_N_AUTHENTICATION_FAILED, "AUTH: %s"
		    " signature does not fit the peer's key",
		    algids[i].name);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return ike_fail(e, 0, "AUTH: out of memory");
	ok = ike_sig_ctx(ctx, key, algids[i].alg, false) == 0 &&
	    EVP_DigestVerify(ctx, auth->p + 1 + alen, auth->len - 1 - alen,
	    octets, len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return ike_fail(e, IKE_N_AUTHENTICATION_FAILED, "AUTH: %s"
		    " signature does not verify", algids[i].name);
	if (algp != NULL)
		*algp = algids[i].alg;
	return 0;
}
