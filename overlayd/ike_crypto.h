/*
 * ike_crypto.h: the IKEv2 key schedule and the cryptography of IKE
 * messages, all through OpenSSL 3 EVP:
 *
 *   ike_crypto.c	prf (HMAC-SHA2-256) and prf+, SKEYSEED and the seven
 *			IKE SA keys (RFC 7296 2.13, 2.14, 2.18), CHILD_SA
 *			KEYMAT split into struct sa_params (2.17), and the SK /
 *			SKF payload with AES-GCM-16 (RFC 5282, RFC 7383 2.5)
 *   ike_dh.c		Diffie-Hellman: group 31 Curve25519 (RFC 8031) and
 *			group 19 ECP-256 (RFC 5903), public values validated
 *   ike_sig.c		AUTH payload octets (RFC 7296 2.15), shared-key AUTH,
 *			and RFC 7427 digital signatures (ECDSA-with-SHA256,
 *			Ed25519, RSASSA-PSS with SHA-256)
 *
 * Nothing here keeps state between messages but the outbound IV counter
 * of a struct ike_aead; key material is cleansed when freed.
 */
#ifndef OVL_IKE_CRYPTO_H
#define OVL_IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "esp.h"
#include "ike_msg.h"

#define IKE_PRF_LEN		32	/* PRF_HMAC_SHA2_256 output and key */
#define IKE_PRFPLUS_MAX		((size_t)255 * IKE_PRF_LEN)
#define IKE_GCM_IV_LEN		8
#define IKE_GCM_ICV_LEN		16
#define IKE_GCM_SALT_LEN	4
#define IKE_ENC_KEY_MAX		(32 + IKE_GCM_SALT_LEN)
#define IKE_SK_OVERHEAD		(IKE_GCM_IV_LEN + 1 + IKE_GCM_ICV_LEN)
#define IKE_DH_PUB_MAX		64
#define IKE_DH_SHARED_MAX	32

/* What the IKE SA negotiated, as far as the key schedule cares. */
struct ike_suite {
	uint16_t	encr;		/* IKE_ENCR_AES_GCM_16 */
	uint16_t	keybits;	/* 128, 192 or 256 */
	uint16_t	prf;		/* IKE_PRF_HMAC_SHA2_256 */
	uint16_t	dh;		/* IKE_DH_CURVE25519, IKE_DH_ECP256 */
};

/* The seven IKE SA keys (RFC 7296 2.14); SK_ai/ar are empty with AEAD. */
struct ike_keys {
	uint8_t		sk_d[IKE_PRF_LEN];
	uint8_t		sk_pi[IKE_PRF_LEN];
	uint8_t		sk_pr[IKE_PRF_LEN];
	uint8_t		sk_ei[IKE_ENC_KEY_MAX];	/* key then salt */
	uint8_t		sk_er[IKE_ENC_KEY_MAX];
	size_t		enc_len;
};

int	ike_suite_check(const struct ike_suite *);
int	ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
	    const uint8_t *data, size_t dlen, uint8_t out[IKE_PRF_LEN]);
int	ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
	    const uint8_t *seed, size_t slen, uint8_t *out, size_t outlen);
int	ike_skeyseed(uint16_t prf, const struct ike_data *ni,
	    const struct ike_data *nr, const uint8_t *gir, size_t girlen,
	    uint8_t out[IKE_PRF_LEN]);
int	ike_skeyseed_rekey(uint16_t prf, const uint8_t old_sk_d[IKE_PRF_LEN],
	    const uint8_t *gir, size_t girlen, const struct ike_data *ni,
	    const struct ike_data *nr, uint8_t out[IKE_PRF_LEN]);
int	ike_keys_derive(struct ike_keys *, const struct ike_suite *,
	    const uint8_t skeyseed[IKE_PRF_LEN], const struct ike_data *ni,
	    const struct ike_data *nr, uint64_t spi_i, uint64_t spi_r);
void	ike_keys_clear(struct ike_keys *);
int	ike_child_keymat(uint16_t prf, const uint8_t sk_d[IKE_PRF_LEN],
	    const uint8_t *gir, size_t girlen, const struct ike_data *ni,
	    const struct ike_data *nr, uint16_t encr, uint16_t keybits,
	    struct sa_params *i2r, struct sa_params *r2i);

/* The SK payload's cipher, one per direction. */
struct ike_aead {
	EVP_CIPHER_CTX	*ctx;
	uint8_t		 salt[IKE_GCM_SALT_LEN];
	uint64_t	 iv_next;	/* outbound IV: a counter, never reused */
};

int	ike_aead_init(struct ike_aead *, const struct ike_suite *,
	    const uint8_t *keymat, size_t len);
void	ike_aead_clear(struct ike_aead *);
long	ike_sk_seal(struct ike_aead *, uint8_t *buf, size_t cap, size_t off,
	    const struct ike_sk *, const uint8_t *plain, size_t plen);
long	ike_msg_seal(struct ike_aead *, const struct ike_msg *, uint8_t *buf,
	    size_t cap);
int	ike_sk_open(struct ike_aead *, const struct ike_msg *, uint8_t *plain,
	    size_t cap, size_t *plen, struct ike_err *);
int	ike_msg_open(struct ike_aead *, struct ike_msg *, uint8_t *plain,
	    size_t cap, struct ike_err *);

/* Diffie-Hellman (groups 19 and 31) */
struct ike_dh {
	uint16_t	 group;
	EVP_PKEY	*key;
};

size_t	ike_dh_pub_len(uint16_t group);	/* 0: group not supported */
int	ike_dh_new(struct ike_dh *, uint16_t group);
int	ike_dh_new_raw(struct ike_dh *, uint16_t group, const uint8_t *priv,
	    size_t len);
int	ike_dh_public(const struct ike_dh *, uint8_t *out, size_t len);
int	ike_dh_shared(const struct ike_dh *, const uint8_t *peer, size_t len,
	    uint8_t out[IKE_DH_SHARED_MAX], size_t *outlen, struct ike_err *);
void	ike_dh_free(struct ike_dh *);

/* AUTH (RFC 7296 2.15, RFC 7427) */
enum ike_sig_alg {
	IKE_SIG_NONE = 0,
	IKE_SIG_ECDSA_SHA256,
	IKE_SIG_ED25519,
	IKE_SIG_RSA_PSS_SHA256,
};

/* RFC 7427 hash algorithm IDs, for SIGNATURE_HASH_ALGORITHMS */
#define IKE_HASH_SHA2_256	2
#define IKE_HASH_IDENTITY	5

int	ike_auth_octets(uint16_t prf, const uint8_t sk_p[IKE_PRF_LEN],
	    const struct ike_data *realmsg, const struct ike_data *nonce,
	    const struct ike_data *idbody, uint8_t **out, size_t *outlen);
int	ike_auth_psk(uint16_t prf, const uint8_t *psk, size_t psklen,
	    const uint8_t *octets, size_t len, uint8_t out[IKE_PRF_LEN]);
enum ike_sig_alg ike_sig_alg_for(EVP_PKEY *);
uint16_t ike_sig_hash(enum ike_sig_alg);
long	ike_sig_sign(EVP_PKEY *, enum ike_sig_alg, const uint8_t *octets,
	    size_t len, uint8_t *out, size_t cap);
int	ike_sig_verify(EVP_PKEY *, const struct ike_data *authdata,
	    const uint8_t *octets, size_t len, enum ike_sig_alg *,
	    struct ike_err *);

#endif
