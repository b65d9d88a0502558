/*
 * ike_cookie.c: the responder's COOKIE (RFC 7296 2.6). While fewer than
 * IKE_COOKIE_THRESHOLD IKE SAs are half-open, IKE_SA_INIT requests are
 * served as they come; beyond, a request must echo a cookie first, so
 * that a flood from spoofed addresses costs no Diffie-Hellman and no
 * state. The cookie is a version octet and SHA-256(secret | Ni | IPi |
 * SPIi); the secret is random, drawn at the first use.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike_sa.h"

#define IKE_COOKIE_VERSION	1
#define IKE_COOKIE_LEN		(1 + 32)

static uint8_t	cookie_secret[32];
static bool	cookie_have_secret;

bool
ike_cookie_needed(void)
{
	struct ikesa	*sa;
	unsigned int	 n = 0;

	TAILQ_FOREACH(sa, ike_sas(), entry)
		if (!sa->initiator && sa->state == IKES_INIT_DONE)
			n++;
	return n >= IKE_COOKIE_THRESHOLD;
}

static int
cookie_make(const struct ike_msg *m, const struct sockaddr_storage *remote,
    uint8_t out[IKE_COOKIE_LEN])
{
	EVP_MD_CTX	*ctx;
	const void	*a;
	size_t		 alen;
	uint8_t		 spi[8];
	unsigned int	 i, len;
	int		 ok;

	if (!cookie_have_secret) {
		if (RAND_bytes(cookie_secret, sizeof(cookie_secret)) != 1)
			return -1;
		cookie_have_secret = true;
	}
	if (remote->ss_family == AF_INET) {
		a = &((const struct sockaddr_in *)remote)->sin_addr;
		alen = 4;
	} else {
		a = &((const struct sockaddr_in6 *)remote)->sin6_addr;
		alen = 16;
	}
	for (i = 0; i < 8; i++)
		spi[i] = (uint8_t)(m->hdr.spi_i >> (56 - 8 * i));
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	out[0] = IKE_COOKIE_VERSION;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, cookie_secret, sizeof(cookie_secret)) == 1 &&
	    EVP_DigestUpdate(ctx, m->nonce.p, m->nonce.len) == 1 &&
	    EVP_DigestUpdate(ctx, a, alen) == 1 &&
	    EVP_DigestUpdate(ctx, spi, sizeof(spi)) == 1 &&
	    EVP_DigestFinal_ex(ctx, out + 1, &len) == 1 && len == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

/*
 * For a request when cookies are required: true if it carries the right
 * one. Otherwise the COOKIE to send back is in *out (false).
 */
bool
ike_cookie_ok(const struct ike_msg *m, const struct sockaddr_storage *remote,
    uint8_t *out, size_t *outlen)
{
	const struct ike_notify	*n;
	uint8_t			 want[IKE_COOKIE_LEN];

	*outlen = 0;
	if (cookie_make(m, remote, want) == -1)
		return false;
	n = ike_msg_notify(m, IKE_N_COOKIE);
	if (n != NULL && n->data.len == IKE_COOKIE_LEN &&
	    CRYPTO_memcmp(n->data.p, want, IKE_COOKIE_LEN) == 0)
		return true;
	memcpy(out, want, IKE_COOKIE_LEN);
	*outlen = IKE_COOKIE_LEN;
	return false;
}
