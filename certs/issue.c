/*
 * issue.c: building and signing certificates and CRLs (the profile is in
 * man/coimesh-pki.1). Every value has been validated before it gets here.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "meshcert.h"
#include "pki.h"

static void
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION	*ext;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL ||
	    !X509_add_ext(x, ext, -1))
		pki_fatal_ssl("extension %s", OBJ_nid2sn(nid));
	X509_EXTENSION_free(ext);
}

static bool
dns_ok(const char *s)
{
	size_t	label = 0, i, n = strlen(s);

	if (n == 0 || n > 253 || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    (s[i] == '-' && label > 0)) || ++label > 63)
			return false;
	}
	return s[n - 1] != '-';
}

static bool
email_ok(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 i;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    !dns_ok(at + 1) || strlen(s) > 254)
		return false;
	for (i = 0; s + i < at; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '"' || s[i] == ',')
			return false;
	return true;
}

static void
push_ia5(GENERAL_NAMES *gns, int type, const char *s)
{
	GENERAL_NAME	*gn;
	ASN1_IA5STRING	*v;

	if ((gn = GENERAL_NAME_new()) == NULL ||
	    (v = ASN1_IA5STRING_new()) == NULL ||
	    !ASN1_STRING_set(v, s, (int)strlen(s)))
		pki_fatal_ssl("memory");
	GENERAL_NAME_set0_value(gn, type, v);
	if (!sk_GENERAL_NAME_push(gns, gn))
		pki_fatal_ssl("memory");
}

static void
push_ip(GENERAL_NAMES *gns, const char *s)
{
	GENERAL_NAME		*gn;
	ASN1_OCTET_STRING	*v;
	unsigned char		 a[16];
	int			 len;

	if (inet_pton(AF_INET, s, a) == 1)
		len = 4;
	else if (inet_pton(AF_INET6, s, a) == 1)
		len = 16;
	else
		pki_fatalx("bad IP address \"%s\"", s);
	if ((gn = GENERAL_NAME_new()) == NULL ||
	    (v = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(v, a, len))
		pki_fatal_ssl("memory");
	GENERAL_NAME_set0_value(gn, GEN_IPADD, v);
	if (!sk_GENERAL_NAME_push(gns, gn))
		pki_fatal_ssl("memory");
}

static void
add_san(X509 *x, const struct pki_spec *sp)
{
	GENERAL_NAMES	*gns;
	char		*uri;
	size_t		 i;

	if ((gns = sk_GENERAL_NAME_new_null()) == NULL)
		pki_fatal_ssl("memory");
	if (sp->kind == PKI_NODE) {
		if (asprintf(&uri, MCERT_URN_NODE "%s:%s", sp->org, sp->cn) ==
		    -1)
			pki_fatal("asprintf");
		push_ia5(gns, GEN_URI, uri);
		free(uri);
	}
	for (i = 0; i < sp->res->ncoi; i++) {
		if (asprintf(&uri, MCERT_URN_COI "%s", sp->res->coi[i]) == -1)
			pki_fatal("asprintf");
		push_ia5(gns, GEN_URI, uri);
		free(uri);
	}
	for (i = 0; i < sp->ndns; i++) {
		if (!dns_ok(sp->dns[i]))
			pki_fatalx("bad DNS name \"%s\"", sp->dns[i]);
		push_ia5(gns, GEN_DNS, sp->dns[i]);
	}
	for (i = 0; i < sp->nemail; i++) {
		if (!email_ok(sp->email[i]))
			pki_fatalx("bad email address \"%s\"", sp->email[i]);
		push_ia5(gns, GEN_EMAIL, sp->email[i]);
	}
	for (i = 0; i < sp->nip; i++)
		push_ip(gns, sp->ip[i]);
	if (sk_GENERAL_NAME_num(gns) > 0 &&
	    !X509_add1_ext_i2d(x, NID_subject_alt_name, gns, 0,
	    X509V3_ADD_DEFAULT))
		pki_fatal_ssl("subjectAltName");
	GENERAL_NAMES_free(gns);
}

/*
 * RFC 3779 says these SHOULD be critical; they are not, so that IKE peers
 * without RFC 3779 support (many routers) still accept the certificate.
 * coimesh and OpenSSL enforce them either way.
 */
static void
add_resources(X509 *x, struct pki_res *r)
{
	if (r->blocks != NULL) {
		if (!X509v3_addr_canonize(r->blocks))
			pki_fatal_ssl("address blocks");
		if (!X509_add1_ext_i2d(x, NID_sbgp_ipAddrBlock, r->blocks, 0,
		    X509V3_ADD_DEFAULT))
			pki_fatal_ssl("sbgp-ipAddrBlock");
	}
	if (r->asid != NULL) {
		if (!X509v3_asid_canonize(r->asid))
			pki_fatal_ssl("AS numbers");
		if (!X509_add1_ext_i2d(x, NID_sbgp_autonomousSysNum, r->asid,
		    0, X509V3_ADD_DEFAULT))
			pki_fatal_ssl("sbgp-autonomousSysNum");
	}
}

static void
set_time(X509 *x, time_t nb, time_t na)
{
	ASN1_TIME	*t;

	if ((t = ASN1_TIME_set(NULL, nb)) == NULL || !X509_set1_notBefore(x, t))
		pki_fatal_ssl("notBefore");
	ASN1_TIME_free(t);
	if ((t = ASN1_TIME_set(NULL, na)) == NULL || !X509_set1_notAfter(x, t))
		pki_fatal_ssl("notAfter");
	ASN1_TIME_free(t);
}

static X509_NAME *
make_name(const struct pki_spec *sp)
{
	X509_NAME	*n;

	if ((n = X509_NAME_new()) == NULL)
		pki_fatal_ssl("memory");
	if (sp->org != NULL && !X509_NAME_add_entry_by_NID(n,
	    NID_organizationName, MBSTRING_UTF8,
	    (const unsigned char *)sp->org, -1, -1, 0))
		pki_fatal_ssl("subject O");
	if (!X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)sp->cn, -1, -1, 0))
		pki_fatal_ssl("subject CN");
	return n;
}

X509 *
pki_issue(const struct pki_spec *sp, EVP_PKEY *pub, X509 *issuer,
    EVP_PKEY *issuer_key, const BIGNUM *serial)
{
	X509		*x;
	X509_NAME	*name;
	X509V3_CTX	 ctx;

	if ((x = X509_new()) == NULL || !X509_set_version(x, X509_VERSION_3))
		pki_fatal_ssl("memory");
	if (BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL)
		pki_fatal_ssl("serial");
	name = make_name(sp);
	if (!X509_set_subject_name(x, name) || !X509_set_issuer_name(x,
	    issuer != NULL ? X509_get_subject_name(issuer) : name))
		pki_fatal_ssl("names");
	X509_NAME_free(name);
	set_time(x, sp->not_before, sp->not_after);
	if (!X509_set_pubkey(x, pub))
		pki_fatal_ssl("public key");

	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	switch (sp->kind) {
	case PKI_ROOT:
		add_ext(x, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE,pathlen:1");
		add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		break;
	case PKI_ORG:
		add_ext(x, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE,pathlen:0");
		add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
		break;
	case PKI_NODE:
		add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature");
		add_ext(x, &ctx, NID_ext_key_usage,
		    "serverAuth,clientAuth,ipsecIKE");
		break;
	}
	add_ext(x, &ctx, NID_subject_key_identifier, "hash");
	if (issuer != NULL)
		add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
	add_san(x, sp);
	add_resources(x, sp->res);
	if (!X509_sign(x, issuer_key, pki_md(issuer_key)))
		pki_fatal_ssl("signing the certificate");
	return x;
}

static const char *const reasons[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation"
};

int
pki_reason_code(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(s, reasons[i]) == 0)
			return (int)i;
	return -1;
}

static void
add_revoked(X509_CRL *crl, json_t *c)
{
	X509_REVOKED	*r;
	ASN1_INTEGER	*serial;
	ASN1_TIME	*t;
	ASN1_ENUMERATED	*reason;
	BIGNUM		*bn = NULL;
	const char	*hex = json_string_value(json_object_get(c, "serial"));
	const char	*rs = json_string_value(json_object_get(c, "reason"));
	json_int_t	 when = json_integer_value(json_object_get(c, "revoked"));
	int		 code;

	if (hex == NULL || !BN_hex2bn(&bn, hex))
		pki_fatalx("index.json: bad serial");
	if ((code = pki_reason_code(rs != NULL ? rs : "unspecified")) == -1)
		pki_fatalx("index.json: bad revocation reason");
	if ((r = X509_REVOKED_new()) == NULL ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    (t = ASN1_TIME_set(NULL, (time_t)when)) == NULL ||
	    (reason = ASN1_ENUMERATED_new()) == NULL)
		pki_fatal_ssl("memory");
	if (!X509_REVOKED_set_serialNumber(r, serial) ||
	    !X509_REVOKED_set_revocationDate(r, t) ||
	    !ASN1_ENUMERATED_set(reason, code) ||
	    (code != 0 && !X509_REVOKED_add1_ext_i2d(r, NID_crl_reason,
	    reason, 0, 0)) || !X509_CRL_add0_revoked(crl, r))
		pki_fatal_ssl("CRL entry");
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(serial);
	BN_free(bn);
}

X509_CRL *
pki_crl(X509 *ca, EVP_PKEY *key, json_t *index, long days)
{
	X509_CRL	*crl;
	X509_EXTENSION	*ext;
	X509V3_CTX	 ctx;
	ASN1_TIME	*t;
	ASN1_INTEGER	*num;
	json_t		*c;
	size_t		 i;
	time_t		 now = time(NULL);

	if ((crl = X509_CRL_new()) == NULL ||
	    !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)))
		pki_fatal_ssl("CRL");
	if ((t = ASN1_TIME_set(NULL, now)) == NULL ||
	    !X509_CRL_set1_lastUpdate(crl, t))
		pki_fatal_ssl("CRL lastUpdate");
	ASN1_TIME_free(t);
	if ((t = ASN1_TIME_set(NULL, now + days * 86400)) == NULL ||
	    !X509_CRL_set1_nextUpdate(crl, t))
		pki_fatal_ssl("CRL nextUpdate");
	ASN1_TIME_free(t);
	json_array_foreach(json_object_get(index, "certs"), i, c)
		if (json_object_get(c, "revoked") != NULL)
			add_revoked(crl, c);
	if (!X509_CRL_sort(crl))
		pki_fatal_ssl("CRL");
	if ((num = ASN1_INTEGER_new()) == NULL || !ASN1_INTEGER_set_int64(num,
	    json_integer_value(json_object_get(index, "crl_number"))) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0))
		pki_fatal_ssl("CRL number");
	ASN1_INTEGER_free(num);
	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
	    "keyid:always")) == NULL || !X509_CRL_add_ext(crl, ext, -1))
		pki_fatal_ssl("CRL authorityKeyIdentifier");
	X509_EXTENSION_free(ext);
	if (!X509_CRL_sign(crl, key, pki_md(key)))
		pki_fatal_ssl("signing the CRL");
	return crl;
}
