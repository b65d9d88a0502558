/*
 * meshcert_int.h: what the lib/meshcert*.c files share and nobody else.
 */
#ifndef COIMESH_MESHCERT_INT_H
#define COIMESH_MESHCERT_INT_H

#include "meshcert.h"

struct mcert_cert {
	X509			*x;
	struct mcert_info	 info;
};

/* Set ERR to "<mcert_strerror(e)>: <fmt ...>" (or just the former) and return E. */
enum mcert_err	 mcert_seterr(char *err, size_t errlen, enum mcert_err e,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The one-line RFC 2253 form of NAME ("CN=n1,O=acme"). */
void		 mcert_name_str(const X509_NAME *, char *, size_t);

/* A copy: the same X509 (one more reference) and the same info. */
struct mcert_cert *mcert_dup(const struct mcert_cert *);

/* Verified chains of one store (meshcert_cache.c). */
#define MCERT_CACHE_KEYLEN	32
struct mcert_cache;
struct mcert_cache *mcert_cache_new(void);
void		 mcert_cache_free(struct mcert_cache *);
void		 mcert_cache_flush(struct mcert_cache *);
/* SHA-256 over each certificate's length (4 bytes) and DER; -1: failed */
int		 mcert_cache_key(const struct mcert_der *, size_t n,
		    uint8_t key[MCERT_CACHE_KEYLEN]);
/* A copy of the leaf verified with KEY, if the verification holds at NOW. */
struct mcert_cert *mcert_cache_get(struct mcert_cache *,
		    const uint8_t key[MCERT_CACHE_KEYLEN], time_t now);
/* Keep a copy of LEAF, verified at NOW, valid in [FROM, UNTIL). */
void		 mcert_cache_put(struct mcert_cache *,
		    const uint8_t key[MCERT_CACHE_KEYLEN],
		    const struct mcert_cert *leaf, time_t now, time_t from,
		    time_t until);
/* The store's cache, NULL when off (for the unit test). */
struct mcert_cache *mcert_store_cache_of(struct mcert_store *);
void		 mcert_cache_stats(const struct mcert_cache *, uint64_t *hits,
		    uint64_t *misses);

#endif
