/*
 * certgen.h: minting test certificates and CRLs with OpenSSL directly
 * (independently of certs/), for test_meshcert and the cert fuzzer seeds.
 */
#ifndef T_CERTGEN_H
#define T_CERTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct tc {
	X509		*x;
	EVP_PKEY	*k;
};

/*
 * A certificate issued by ISSUER (NULL: self-signed). O and CN may be
 * NULL; SAN, BLOCKS (sbgp-ipAddrBlock) and ASN (sbgp-autonomousSysNum) are
 * OpenSSL config strings, e.g. "URI:urn:coimesh:coi:red,DNS:n1.example",
 * "IPv4:198.18.0.0/16,IPv6:2001:db8::/32", "AS:64512-64520", or NULL.
 */
struct tc	*tc_make(struct tc *issuer, const char *o, const char *cn,
		    bool ca, const char *san, const char *blocks,
		    const char *asn, time_t nb, time_t na, bool ed25519);
/* A CRL of CA revoking the N certificates in REV, valid from LAST to NEXT. */
X509_CRL	*tc_crl(struct tc *ca, X509 **rev, size_t n, time_t last,
		    time_t next);
void		 tc_free(struct tc *);
/* DER of X into BUF (at most LEN bytes); returns the length. */
size_t		 tc_der(X509 *x, uint8_t *buf, size_t len);

#endif
