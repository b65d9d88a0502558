/*
 * meshcert_cache.c: chains a trust store has verified, so that the same
 * chain presented again (the same node, or nodes of one organization
 * behind a hub, setting up again) is not parsed and verified again.  The
 * idea of strongSwan's cert_cache, kept smaller: the key is SHA-256 over
 * the whole chain as the peer sent it (each certificate's length and
 * DER), the value the parsed end-entity certificate and the time window
 * in which the verification holds: from the latest notBefore to the
 * earliest notAfter in the verified chain, the root included, and no later
 * than the earliest nextUpdate of the store's CRLs, and at most
 * MCERT_CACHE_HOLD seconds.  The store does not change after it is loaded
 * (a reload builds another store and so another cache); adding to a store
 * empties its cache.  Only successes are kept.  Direct-mapped, a fixed
 * number of slots: bounded memory, a newer chain replaces an older one.
 *
 * What is not cached: the peer's AUTH signature (the proof that it holds
 * the key) is verified every time by the caller, and so are the ID and
 * COI checks on the certificate handed back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "meshcert.h"
#include "meshcert_int.h"

#define MCERT_CACHE_SLOTS	256
#define MCERT_CACHE_HOLD	3600	/* seconds: verify again at least hourly */

struct mcert_cache_ent {
	uint8_t			 key[MCERT_CACHE_KEYLEN];
	time_t			 from, until;
	struct mcert_cert	*leaf;	/* NULL: slot empty */
};

struct mcert_cache {
	struct mcert_cache_ent	 ent[MCERT_CACHE_SLOTS];
	uint64_t		 hits, misses;
};

struct mcert_cache *
mcert_cache_new(void)
{
	return calloc(1, sizeof(struct mcert_cache));
}

void
mcert_cache_flush(struct mcert_cache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < MCERT_CACHE_SLOTS; i++) {
		mcert_free(c->ent[i].leaf);
		c->ent[i].leaf = NULL;
	}
}

void
mcert_cache_free(struct mcert_cache *c)
{
	mcert_cache_flush(c);
	free(c);
}

int
mcert_cache_key(const struct mcert_der *certs, size_t n,
    uint8_t key[MCERT_CACHE_KEYLEN])
{
	EVP_MD_CTX	*md;
	uint8_t		 len[4];
	unsigned int	 klen = 0;
	size_t		 i;
	int		 ok;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (i = 0; ok && i < n; i++) {
		len[0] = (uint8_t)(certs[i].len >> 24);
		len[1] = (uint8_t)(certs[i].len >> 16);
		len[2] = (uint8_t)(certs[i].len >> 8);
		len[3] = (uint8_t)certs[i].len;
		ok = EVP_DigestUpdate(md, len, sizeof(len)) &&
		    EVP_DigestUpdate(md, certs[i].der, certs[i].len);
	}
	ok = ok && EVP_DigestFinal_ex(md, key, &klen) &&
	    klen == MCERT_CACHE_KEYLEN;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

static struct mcert_cache_ent *
cache_slot(struct mcert_cache *c, const uint8_t key[MCERT_CACHE_KEYLEN])
{
	return &c->ent[((size_t)key[0] << 8 | key[1]) % MCERT_CACHE_SLOTS];
}

struct mcert_cert *
mcert_cache_get(struct mcert_cache *c, const uint8_t key[MCERT_CACHE_KEYLEN],
    time_t now)
{
	struct mcert_cache_ent	*e = cache_slot(c, key);

	if (e->leaf == NULL || memcmp(e->key, key, MCERT_CACHE_KEYLEN) != 0 ||
	    now < e->from || now >= e->until) {
		c->misses++;
		return NULL;
	}
	c->hits++;
	return mcert_dup(e->leaf);
}

void
mcert_cache_put(struct mcert_cache *c, const uint8_t key[MCERT_CACHE_KEYLEN],
    const struct mcert_cert *leaf, time_t now, time_t from, time_t until)
{
	struct mcert_cache_ent	*e = cache_slot(c, key);
	struct mcert_cert	*d;

	if (until > now + MCERT_CACHE_HOLD)
		until = now + MCERT_CACHE_HOLD;
	if (now < from || now >= until || (d = mcert_dup(leaf)) == NULL)
		return;
	mcert_free(e->leaf);
	memcpy(e->key, key, MCERT_CACHE_KEYLEN);
	e->from = from;
	e->until = until;
	e->leaf = d;
}

void
mcert_cache_stats(const struct mcert_cache *c, uint64_t *hits,
    uint64_t *misses)
{
	*hits = c != NULL ? c->hits : 0;
	*misses = c != NULL ? c->misses : 0;
}
