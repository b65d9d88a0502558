/*
 * certgen.c: test certificates and CRLs (certgen.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "certgen.h"

static void
die(const char *what)
{
	fprintf(stderr, "certgen: %s failed\n", what);
	abort();
}

static void
ext(X509 *x, X509V3_CTX *ctx, int nid, const char *v)
{
	X509_EXTENSION	*e;

	if (v == NULL)
		return;
	if ((e = X509V3_EXT_conf_nid(NULL, ctx, nid, v)) == NULL ||
	    !X509_add_ext(x, e, -1))
		die(v);
	X509_EXTENSION_free(e);
}

struct tc *
tc_make(struct tc *iss, const char *o, const char *cn, bool ca,
    const char *san, const char *blocks, const char *asn, time_t nb,
    time_t na, bool ed25519)
{
	static long	 serial = 1;
	struct tc	*t;
	X509_NAME	*n;
	X509V3_CTX	 ctx;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		die("calloc");
	t->k = ed25519 ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519") :
	    EVP_EC_gen("P-256");
	if (t->k == NULL || (t->x = X509_new()) == NULL ||
	    !X509_set_version(t->x, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(t->x), serial++))
		die("new");
	n = X509_get_subject_name(t->x);
	if ((o != NULL && !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)o, -1, -1, 0)) || (cn != NULL &&
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0)))
		die("name");
	if (!X509_set_issuer_name(t->x, iss != NULL ?
	    X509_get_subject_name(iss->x) : n) ||
	    !X509_time_adj_ex(X509_getm_notBefore(t->x), 0, 0, &nb) ||
	    !X509_time_adj_ex(X509_getm_notAfter(t->x), 0, 0, &na) ||
	    !X509_set_pubkey(t->x, t->k))
		die("fields");
	X509V3_set_ctx(&ctx, iss != NULL ? iss->x : t->x, t->x, NULL, NULL, 0);
	ext(t->x, &ctx, NID_basic_constraints, ca ? "critical,CA:TRUE" :
	    "critical,CA:FALSE");
	ext(t->x, &ctx, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" :
	    "critical,digitalSignature");
	ext(t->x, &ctx, NID_subject_key_identifier, "hash");
	if (iss != NULL)
		ext(t->x, &ctx, NID_authority_key_identifier, "keyid:always");
	ext(t->x, &ctx, NID_subject_alt_name, san);
	ext(t->x, &ctx, NID_sbgp_ipAddrBlock, blocks);
	ext(t->x, &ctx, NID_sbgp_autonomousSysNum, asn);
	if (!X509_sign(t->x, iss != NULL ? iss->k : t->k,
	    EVP_PKEY_get_base_id(iss != NULL ? iss->k : t->k) ==
	    EVP_PKEY_ED25519 ? NULL : EVP_sha256()))
		die("sign");
	return t;
}

X509_CRL *
tc_crl(struct tc *ca, X509 **rev, size_t n, time_t last, time_t next)
{
	X509_CRL	*crl;
	X509_REVOKED	*r;
	X509_EXTENSION	*e;
	X509V3_CTX	 ctx;
	ASN1_TIME	*t;
	size_t		 i;

	if ((crl = X509_CRL_new()) == NULL ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->x)))
		die("crl");
	t = ASN1_TIME_set(NULL, last);
	X509_CRL_set1_lastUpdate(crl, t);
	ASN1_TIME_free(t);
	t = ASN1_TIME_set(NULL, next);
	X509_CRL_set1_nextUpdate(crl, t);
	for (i = 0; i < n; i++) {
		if ((r = X509_REVOKED_new()) == NULL ||
		    !X509_REVOKED_set_serialNumber(r,
		    X509_get_serialNumber(rev[i])) ||
		    !X509_REVOKED_set_revocationDate(r, t) ||
		    !X509_CRL_add0_revoked(crl, r))
			die("revoked");
	}
	ASN1_TIME_free(t);
	X509V3_set_ctx(&ctx, ca->x, NULL, NULL, crl, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
	    "keyid:always")) == NULL || !X509_CRL_add_ext(crl, e, -1))
		die("crl aki");
	X509_EXTENSION_free(e);
	if (!X509_CRL_sort(crl) || !X509_CRL_sign(crl, ca->k,
	    EVP_PKEY_get_base_id(ca->k) == EVP_PKEY_ED25519 ? NULL :
	    EVP_sha256()))
		die("crl sign");
	return crl;
}

void
tc_free(struct tc *t)
{
	if (t == NULL)
		return;
	X509_free(t->x);
	EVP_PKEY_free(t->k);
	free(t);
}

size_t
tc_der(X509 *x, uint8_t *buf, size_t len)
{
	unsigned char	*p = buf;
	int		 n = i2d_X509(x, NULL);

	if (n <= 0 || (size_t)n > len || i2d_X509(x, &p) != n)
		die("i2d_X509");
	return (size_t)n;
}
