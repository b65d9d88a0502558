/*
 * meshcert_verify.c: the trust store (mesh roots, organization CAs, CRLs)
 * and chain verification: OpenSSL's X509_verify_cert() with CRL checking
 * and the RFC 3779 path validation, then the mesh rules (meshcert.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "meshcert.h"
#include "meshcert_int.h"

struct mcert_store {
	X509_STORE	*st;
	STACK_OF(X509)	*inter;		/* CAs that are not self-signed */
	size_t		 nroots;
	bool		 crl_optional;
	struct mcert_cache *cache;	/* NULL: off (mcert_store_cache) */
};

struct mcert_store *
mcert_store_new(void)
{
	struct mcert_store	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->st = X509_STORE_new()) == NULL ||
	    (s->inter = sk_X509_new_null()) == NULL) {
		X509_STORE_free(s->st);
		free(s);
		return NULL;
	}
	return s;
}

void
mcert_store_free(struct mcert_store *s)
{
	if (s == NULL)
		return;
	X509_STORE_free(s->st);
	sk_X509_pop_free(s->inter, X509_free);
	mcert_cache_free(s->cache);
	free(s);
}

int
mcert_store_cache(struct mcert_store *s, bool on)
{
	if (!on) {
		mcert_cache_free(s->cache);
		s->cache = NULL;
	} else if (s->cache == NULL && (s->cache = mcert_cache_new()) == NULL)
		return -1;
	return 0;
}

struct mcert_cache *
mcert_store_cache_of(struct mcert_store *s)
{
	return s->cache;
}

void
mcert_store_cache_stats(const struct mcert_store *s, uint64_t *hits,
    uint64_t *misses)
{
	mcert_cache_stats(s->cache, hits, misses);
}

void
mcert_store_crl_optional(struct mcert_store *s, bool yes)
{
	mcert_cache_flush(s->cache);
	s->crl_optional = yes;
}

size_t
mcert_store_nroots(const struct mcert_store *s)
{
	return s->nroots;
}

enum mcert_err
mcert_store_add_cert(struct mcert_store *s, X509 *x)
{
	mcert_cache_flush(s->cache);
	if (X509_check_ca(x) == 0)
		return MCERT_INVALID;
	if (X509_self_signed(x, 1) == 1) {
		if (!X509_STORE_add_cert(s->st, x))
			return MCERT_SYSTEM;
		s->nroots++;
		return MCERT_OK;
	}
	if (!X509_up_ref(x))
		return MCERT_SYSTEM;
	if (!sk_X509_push(s->inter, x)) {
		X509_free(x);
		return MCERT_SYSTEM;
	}
	return MCERT_OK;
}

enum mcert_err
mcert_store_add_crl(struct mcert_store *s, X509_CRL *crl)
{
	mcert_cache_flush(s->cache);
	return X509_STORE_add_crl(s->st, crl) ? MCERT_OK : MCERT_SYSTEM;
}

enum mcert_err
mcert_store_load(struct mcert_store *s, const char *path, char *err,
    size_t errlen)
{
	STACK_OF(X509_INFO)	*infos;
	X509_INFO		*xi;
	BIO			*b;
	enum mcert_err		 e = MCERT_OK;
	char			 subj[256];
	int			 i, n;

	if ((b = BIO_new_file(path, "r")) == NULL) {
		ERR_clear_error();
		return mcert_seterr(err, errlen, MCERT_SYSTEM, "%s: cannot open",
		    path);
	}
	infos = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
	BIO_free(b);
	ERR_clear_error();
	if (infos == NULL || (n = sk_X509_INFO_num(infos)) == 0) {
		sk_X509_INFO_pop_free(infos, X509_INFO_free);
		return mcert_seterr(err, errlen, MCERT_MALFORMED,
		    "%s: no PEM certificate or CRL", path);
	}
	for (i = 0; e == MCERT_OK && i < n; i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 != NULL &&
		    (e = mcert_store_add_cert(s, xi->x509)) != MCERT_OK) {
			X509_NAME_oneline(X509_get_subject_name(xi->x509), subj,
			    sizeof(subj));
			mcert_seterr(err, errlen, e, "%s: %s: %s", path, subj,
			    e == MCERT_INVALID ? "not a CA certificate" :
			    "cannot add");
		}
		if (e == MCERT_OK && xi->crl != NULL &&
		    (e = mcert_store_add_crl(s, xi->crl)) != MCERT_OK)
			mcert_seterr(err, errlen, e, "%s: cannot add a CRL",
			    path);
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	ERR_clear_error();
	return e;
}

static int
verify_cb_crl_optional(int ok, X509_STORE_CTX *ctx)
{
	if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNABLE_TO_GET_CRL)
		return 1;
	return ok;
}

static void
subject_of(X509 *x, char *buf, size_t len)
{
	if (x == NULL)
		snprintf(buf, len, "(no certificate)");
	else
		mcert_name_str(X509_get_subject_name(x), buf, len);
}

static void
time_str(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm	tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm) ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}

/* Turn OpenSSL's verdict into ours, naming the certificate concerned. */
static enum mcert_err
verify_error(X509_STORE_CTX *ctx, char *err, size_t errlen)
{
	X509		*x = X509_STORE_CTX_get_current_cert(ctx);
	STACK_OF(X509)	*chain;
	int		 v = X509_STORE_CTX_get_error(ctx), depth;
	char		 subj[256], iss[256], t[32];
	const char	*vs = X509_verify_cert_error_string(v);

	subject_of(x, subj, sizeof(subj));
	switch (v) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		time_str(x != NULL ? X509_get0_notAfter(x) : NULL, t, sizeof(t));
		return mcert_seterr(err, errlen, MCERT_EXPIRED,
		    "%s (notAfter %s)", subj, t);
	case X509_V_ERR_CERT_NOT_YET_VALID:
		time_str(x != NULL ? X509_get0_notBefore(x) : NULL, t,
		    sizeof(t));
		return mcert_seterr(err, errlen, MCERT_NOT_YET_VALID,
		    "%s (notBefore %s)", subj, t);
	case X509_V_ERR_CERT_REVOKED:
		return mcert_seterr(err, errlen, MCERT_REVOKED, "%s", subj);
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_CERT_UNTRUSTED:
		if (x != NULL)
			mcert_name_str(X509_get_issuer_name(x), iss,
			    sizeof(iss));
		else
			snprintf(iss, sizeof(iss), "?");
		return mcert_seterr(err, errlen, MCERT_UNKNOWN_CA,
		    "%s is issued by %s, not a trusted mesh CA", subj, iss);
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
		return mcert_seterr(err, errlen, MCERT_BAD_SIGNATURE, "%s", subj);
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
		return mcert_seterr(err, errlen, MCERT_CRL, "%s: %s", subj, vs);
	case X509_V_ERR_UNNESTED_RESOURCE:
		/* reported at the issuer that does not hold what is below */
		depth = X509_STORE_CTX_get_error_depth(ctx);
		chain = X509_STORE_CTX_get0_chain(ctx);
		if (depth > 0 && chain != NULL && depth <= sk_X509_num(chain))
			subject_of(sk_X509_value(chain, depth - 1), iss,
			    sizeof(iss));
		else
			snprintf(iss, sizeof(iss), "a certificate");
		return mcert_seterr(err, errlen, MCERT_RESOURCES,
		    "%s claims prefixes or AS numbers outside those of %s",
		    iss, subj);
	case X509_V_ERR_OUT_OF_MEM:
		return mcert_seterr(err, errlen, MCERT_SYSTEM, "out of memory");
	default:
		return mcert_seterr(err, errlen, MCERT_INVALID, "%s: %s", subj,
		    vs);
	}
}

/* CHILD was issued by the organization CA ISSUER: same O, COIs granted. */
static enum mcert_err
check_issued_by_org(const struct mcert_info *child,
    const struct mcert_info *issuer, char *err, size_t errlen)
{
	size_t	i;

	if (issuer->org[0] == '\0')
		return mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
		    "CA %s names no organization", issuer->subject);
	if (strcmp(child->org, issuer->org) != 0)
		return mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
		    "%s has O=%s, its CA %s has O=%s", child->subject,
		    child->org[0] != '\0' ? child->org : "(none)",
		    issuer->subject, issuer->org);
	for (i = 0; i < child->ncoi; i++)
		if (!mcert_has_coi(issuer, child->coi[i]))
			return mcert_seterr(err, errlen, MCERT_COI_NOT_GRANTED,
			    "%s has COI \"%s\", its CA %s may not grant it",
			    child->subject, child->coi[i], issuer->subject);
	return MCERT_OK;
}

/* The mesh rules over a chain OpenSSL accepted (leaf first, root last). */
static enum mcert_err
check_mesh(STACK_OF(X509) *chain, struct mcert_cert **leafp, char *err,
    size_t errlen)
{
	struct mcert_cert	*c[MCERT_CHAIN_MAX + 1] = { NULL };
	const struct mcert_info	*leaf;
	enum mcert_err		 e = MCERT_OK;
	int			 i, n = sk_X509_num(chain);

	if (n < 2 || n > MCERT_CHAIN_MAX + 1)
		return mcert_seterr(err, errlen, MCERT_INVALID,
		    "chain of %d certificates", n);
	for (i = 0; e == MCERT_OK && i < n - 1; i++)
		e = mcert_from_x509(sk_X509_value(chain, i), &c[i], err,
		    errlen);
	if (e != MCERT_OK)
		goto out;
	leaf = mcert_info(c[0]);
	if (leaf->is_ca)
		e = mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
		    "%s is a CA certificate", leaf->subject);
	else if (leaf->org[0] == '\0' || leaf->node[0] == '\0')
		e = mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
		    "%s: subject needs CN=<node> and O=<org>", leaf->subject);
	else if (!leaf->has_node_urn)
		e = mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
		    "%s: no " MCERT_URN_NODE " URI", leaf->subject);
	/* every CA below the root is an organization CA */
	for (i = 1; e == MCERT_OK && i < n - 1; i++)
		e = check_issued_by_org(mcert_info(c[i - 1]), mcert_info(c[i]),
		    err, errlen);
out:
	if (e == MCERT_OK && leafp != NULL) {
		*leafp = c[0];
		c[0] = NULL;
	}
	for (i = 0; i < n - 1; i++)
		mcert_free(c[i]);
	return e;
}

/* The time T as seconds since the epoch, through its distance from NOW. */
static bool
asn1_time_at(const ASN1_TIME *t, time_t now, time_t *out)
{
	int	days, secs;

	if (t == NULL || !ASN1_TIME_diff(&days, &secs, NULL, t))
		return false;
	*out = now + (time_t)days * 86400 + secs;
	return true;
}

/*
 * When the verification of the chain GOT holds (meshcert_cache.c): from
 * the latest notBefore to the earliest notAfter or nextUpdate of a CRL of
 * the store; [0, 0) when a time cannot be read.
 */
static void
chain_window(const struct mcert_store *s, STACK_OF(X509) *got,
    time_t *from, time_t *until)
{
	STACK_OF(X509_OBJECT)	*objs;
	X509_OBJECT		*o;
	X509			*x;
	time_t			 now = time(NULL), t;
	int			 i;

	*from = 0;
	*until = now + (time_t)86400 * 365;
	for (i = 0; i < sk_X509_num(got); i++) {
		x = sk_X509_value(got, i);
		if (!asn1_time_at(X509_get0_notBefore(x), now, &t))
			goto fail;
		if (t > *from)
			*from = t;
		if (!asn1_time_at(X509_get0_notAfter(x), now, &t))
			goto fail;
		if (t < *until)
			*until = t;
	}
	objs = X509_STORE_get0_objects(s->st);
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		o = sk_X509_OBJECT_value(objs, i);
		if (X509_OBJECT_get_type(o) != X509_LU_CRL ||
		    X509_CRL_get0_nextUpdate(X509_OBJECT_get0_X509_CRL(o)) ==
		    NULL)
			continue;
		if (!asn1_time_at(X509_CRL_get0_nextUpdate(
		    X509_OBJECT_get0_X509_CRL(o)), now, &t))
			goto fail;
		if (t < *until)
			*until = t;
	}
	return;
fail:
	*from = *until = 0;
}

static enum mcert_err
verify_x509(struct mcert_store *s, X509 *leaf, STACK_OF(X509) *chain,
    time_t at, struct mcert_cert **leafp, time_t window[2], char *err,
    size_t errlen)
{
	X509_STORE_CTX		*ctx = NULL;
	X509_VERIFY_PARAM	*param;
	STACK_OF(X509)		*untrusted = NULL, *got;
	enum mcert_err		 e;
	int			 i;

	if (leafp != NULL)
		*leafp = NULL;
	if (s->nroots == 0)
		return mcert_seterr(err, errlen, MCERT_UNKNOWN_CA,
		    "no mesh root CA loaded");
	if ((untrusted = sk_X509_new_null()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL)
		goto nomem;
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(chain, i)))
			goto nomem;
	for (i = 0; i < sk_X509_num(s->inter); i++)
		if (!sk_X509_push(untrusted, sk_X509_value(s->inter, i)))
			goto nomem;
	if (!X509_STORE_CTX_init(ctx, s->st, leaf, untrusted))
		goto nomem;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK |
	    X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_X509_STRICT);
	X509_VERIFY_PARAM_set_depth(param, MCERT_CHAIN_MAX);
	if (at != 0)
		X509_VERIFY_PARAM_set_time(param, at);
	if (s->crl_optional)
		X509_STORE_CTX_set_verify_cb(ctx, verify_cb_crl_optional);

	if (X509_verify_cert(ctx) <= 0) {
		e = verify_error(ctx, err, errlen);
		goto done;
	}
	got = X509_STORE_CTX_get0_chain(ctx);
	e = check_mesh(got, leafp, err, errlen);
	if (e == MCERT_OK && window != NULL)
		chain_window(s, got, &window[0], &window[1]);
done:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	ERR_clear_error();
	return e;
nomem:
	e = mcert_seterr(err, errlen, MCERT_SYSTEM, "out of memory");
	goto done;
}

enum mcert_err
mcert_verify_x509(struct mcert_store *s, X509 *leaf, STACK_OF(X509) *chain,
    time_t at, struct mcert_cert **leafp, char *err, size_t errlen)
{
	return verify_x509(s, leaf, chain, at, leafp, NULL, err, errlen);
}

enum mcert_err
mcert_verify(struct mcert_store *s, const struct mcert_der *certs, size_t n,
    time_t at, struct mcert_cert **leafp, char *err, size_t errlen)
{
	STACK_OF(X509)		*chain = NULL;
	X509			*x;
	const unsigned char	*p;
	enum mcert_err		 e = MCERT_OK;
	uint8_t			 key[MCERT_CACHE_KEYLEN];
	time_t			 window[2] = { 0, 0 };
	size_t			 i;
	bool			 cacheable;

	if (leafp != NULL)
		*leafp = NULL;
	if (n == 0 || n > MCERT_CHAIN_MAX)
		return mcert_seterr(err, errlen, MCERT_INVALID,
		    "%zu certificates", n);
	/* verified before and still holding: what it gave then */
	cacheable = s->cache != NULL && at == 0 && leafp != NULL &&
	    mcert_cache_key(certs, n, key) == 0;
	if (cacheable && (*leafp = mcert_cache_get(s->cache, key,
	    time(NULL))) != NULL)
		return MCERT_OK;
	if ((chain = sk_X509_new_null()) == NULL)
		return mcert_seterr(err, errlen, MCERT_SYSTEM, "out of memory");
	for (i = 0; i < n; i++) {
		p = certs[i].der;
		if (certs[i].len == 0 || certs[i].len > MCERT_DER_MAX ||
		    (x = d2i_X509(NULL, &p, (long)certs[i].len)) == NULL) {
			e = mcert_seterr(err, errlen, MCERT_MALFORMED,
			    "certificate %zu is not DER", i + 1);
			break;
		}
		if (p != certs[i].der + certs[i].len ||
		    !sk_X509_push(chain, x)) {
			X509_free(x);
			e = mcert_seterr(err, errlen, MCERT_MALFORMED,
			    "certificate %zu has trailing bytes", i + 1);
			break;
		}
	}
	if (e == MCERT_OK)
		e = verify_x509(s, sk_X509_value(chain, 0), chain, at, leafp,
		    cacheable ? window : NULL, err, errlen);
	if (e == MCERT_OK && cacheable)
		mcert_cache_put(s->cache, key, *leafp, time(NULL), window[0],
		    window[1]);
	sk_X509_pop_free(chain, X509_free);
	ERR_clear_error();
	return e;
}
