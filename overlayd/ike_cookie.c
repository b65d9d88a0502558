/*
 * ike_cookie.c: the responder's defences against floods of IKE_SA_INIT
 * requests (RFC 7296 2.6, RFC 8019).
 *
 * COOKIEs: while fewer than `ike cookie-threshold` IKE SAs are half-open,
 * requests are served as they come; beyond, a request must echo a cookie
 * first, so that a flood from spoofed addresses costs no Diffie-Hellman
 * and no state. The cookie is a version octet and SHA-256(secret | Ni |
 * IPi | SPIi). The secret is random and replaced every
 * IKE_COOKIE_ROTATE seconds or after IKE_COOKIE_USES cookies, whichever
 * comes first; the version octet names the secret (it counts up), and a
 * cookie made with the previous secret is still taken, so that a peer
 * asked for one just before a rotation is not refused.
 *
 * Half-open SAs per source address: beyond `ike half-open-limit` (RFC
 * 8019 4.6), a source's further IKE_SA_INIT requests are dropped and
 * counted, before any cookie or DH work; one address cannot fill the
 * table for every other peer.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike_sa.h"

struct cookie_secret {
	uint8_t		key[32];
	uint8_t		version;
	bool		set;
};

static struct cookie_secret	cookie_cur, cookie_prev;
static ev_tstamp		cookie_born;
static unsigned long		cookie_uses;
static double			cookie_rotate = IKE_COOKIE_ROTATE;
static unsigned int		cookie_threshold = IKE_COOKIE_THRESHOLD;
static unsigned int		halfopen_max = IKE_HALFOPEN_PER_SRC;

void
ike_configure(unsigned int threshold, unsigned int per_source)
{
	cookie_threshold = threshold;
	halfopen_max = per_source;
	ike_cred_reread();
}

void
ike_cookie_rotate_after(double seconds)
{
	cookie_rotate = seconds;
}

static ev_tstamp
cookie_now(void)
{
	return ike_loop != NULL ? ev_now(ike_loop) : 0;
}

/* A new secret; the current one becomes the previous. */
int
ike_cookie_rotate(void)
{
	struct cookie_secret	n;

	n.version = cookie_cur.set ? (uint8_t)(cookie_cur.version + 1) : 1;
	if (RAND_bytes(n.key, sizeof(n.key)) != 1)
		return -1;
	n.set = true;
	OPENSSL_cleanse(&cookie_prev, sizeof(cookie_prev));
	cookie_prev = cookie_cur;
	cookie_cur = n;
	OPENSSL_cleanse(&n, sizeof(n));
	cookie_born = cookie_now();
	cookie_uses = 0;
	ike_st.cookie_rotations++;
	return 0;
}

static bool
ike_halfopen(const struct ikesa *sa)
{
	return !sa->initiator && sa->state == IKES_INIT_DONE;
}

bool
ike_cookie_needed(void)
{
	struct ikesa	*sa;
	unsigned int	 n = 0;

	TAILQ_FOREACH(sa, ike_sas(), entry)
		if (ike_halfopen(sa))
			n++;
	return n >= cookie_threshold;
}

/* True when the source already has its share of half-open SAs. */
bool
ike_halfopen_full(const struct sockaddr_storage *remote)
{
	struct ikesa	*sa;
	struct addr	 a, r;
	unsigned int	 n = 0;

	if (halfopen_max == 0 || !addr_from_sa((const struct sockaddr *)remote,
	    &r, NULL))
		return false;
	TAILQ_FOREACH(sa, ike_sas(), entry)
		if (ike_halfopen(sa) && addr_from_sa((const struct sockaddr *)
		    &sa->remote, &a, NULL) && addr_eq(&a, &r))
			n++;
	return n >= halfopen_max;
}

static int
cookie_make(const struct cookie_secret *s, const struct ike_msg *m,
    const struct sockaddr_storage *remote, uint8_t out[IKE_COOKIE_LEN])
{
	EVP_MD_CTX	*ctx;
	const void	*a;
	size_t		 alen;
	uint8_t		 spi[8];
	unsigned int	 i, len;
	int		 ok;

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
	out[0] = s->version;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, s->key, sizeof(s->key)) == 1 &&
	    EVP_DigestUpdate(ctx, m->nonce.p, m->nonce.len) == 1 &&
	    EVP_DigestUpdate(ctx, a, alen) == 1 &&
	    EVP_DigestUpdate(ctx, spi, sizeof(spi)) == 1 &&
	    EVP_DigestFinal_ex(ctx, out + 1, &len) == 1 && len == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* The secret a received cookie names by its version octet, or NULL. */
static const struct cookie_secret *
cookie_secret_of(const struct ike_notify *n)
{
	if (n == NULL || n->data.len != IKE_COOKIE_LEN)
		return NULL;
	if (cookie_cur.set && n->data.p[0] == cookie_cur.version)
		return &cookie_cur;
	if (cookie_prev.set && n->data.p[0] == cookie_prev.version)
		return &cookie_prev;
	return NULL;
}

/*
 * For a request when cookies are required: true if it carries a right
 * one (made with the current or the previous secret). Otherwise the
 * COOKIE to send back is in *out (false), made with the current secret.
 */
bool
ike_cookie_ok(const struct ike_msg *m, const struct sockaddr_storage *remote,
    uint8_t *out, size_t *outlen)
{
	const struct cookie_secret	*s;
	uint8_t				 want[IKE_COOKIE_LEN];

	*outlen = 0;
	if (!cookie_cur.set || (cookie_rotate > 0 &&
	    cookie_now() - cookie_born >= cookie_rotate) ||
	    cookie_uses >= IKE_COOKIE_USES)
		if (ike_cookie_rotate() == -1)
			return false;
	s = cookie_secret_of(ike_msg_notify(m, IKE_N_COOKIE));
	if (s != NULL && cookie_make(s, m, remote, want) == 0 &&
	    CRYPTO_memcmp(ike_msg_notify(m, IKE_N_COOKIE)->data.p, want,
	    IKE_COOKIE_LEN) == 0)
		return true;
	if (cookie_make(&cookie_cur, m, remote, want) == -1)
		return false;
	cookie_uses++;
	memcpy(out, want, IKE_COOKIE_LEN);
	*outlen = IKE_COOKIE_LEN;
	return false;
}
