/*
 * meshcert.c: reading a mesh certificate: subject, COIs, identities and
 * RFC 3779 resources into struct mcert_info. Form only; mcert_verify.c
 * decides whether to trust it.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "meshcert.h"
#include "meshcert_int.h"

static const char *const mcert_errstr[] = {
	[MCERT_OK] = "ok",
	[MCERT_EXPIRED] = "certificate expired",
	[MCERT_NOT_YET_VALID] = "certificate not yet valid",
	[MCERT_REVOKED] = "certificate revoked",
	[MCERT_UNKNOWN_CA] = "unknown CA",
	[MCERT_BAD_SIGNATURE] = "bad signature",
	[MCERT_CRL] = "CRL problem",
	[MCERT_RESOURCES] = "prefixes outside the issuer's",
	[MCERT_NO_SHARED_COI] = "no shared COI",
	[MCERT_ID_MISMATCH] = "ID mismatch",
	[MCERT_BAD_COI] = "malformed COI URI",
	[MCERT_COI_NOT_GRANTED] = "COI not granted by the issuer",
	[MCERT_BAD_IDENTITY] = "malformed node identity",
	[MCERT_MALFORMED] = "malformed certificate",
	[MCERT_INVALID] = "invalid certificate chain",
	[MCERT_SYSTEM] = "system error",
};

const char *
mcert_strerror(enum mcert_err e)
{
	if ((size_t)e >= sizeof(mcert_errstr) / sizeof(mcert_errstr[0]))
		return "unknown error";
	return mcert_errstr[e];
}

/* Set ERR to "<strerror(e)>: <fmt...>" and return E. */
enum mcert_err
mcert_seterr(char *err, size_t errlen, enum mcert_err e, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (err == NULL || errlen == 0)
		return e;
	n = snprintf(err, errlen, "%s", mcert_strerror(e));
	if (fmt != NULL && n >= 0 && (size_t)n + 2 < errlen) {
		err[n++] = ':';
		err[n++] = ' ';
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return e;
}

bool
mcert_name_ok(const char *s)
{
	size_t	i;

	if (s == NULL || s[0] == '\0' || s[0] == '-')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= MCERT_NAME_MAX)
			return false;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	}
	return true;
}

void
mcert_prefix_str(const struct mcert_prefix *p, char *buf, size_t len)
{
	char	a[INET6_ADDRSTRLEN];

	if (inet_ntop(p->af, p->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->plen);
}

/* The one-line RFC 2253 form of NAME. */
void
mcert_name_str(const X509_NAME *name, char *buf, size_t len)
{
	BIO	*b;
	int	 n;

	buf[0] = '\0';
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_read(b, buf, (int)len - 1)) > 0)
		buf[n] = '\0';
	BIO_free(b);
}

static int
asn1_time(const ASN1_TIME *t, time_t *out)
{
	struct tm	tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = timegm(&tm);
	return 0;
}

/*
 * The value of the only entry NID in NAME, as UTF-8, if it fits in len.
 * 0 found, 1 absent, -1 repeated, too long or undecodable.
 */
static int
name_entry(const X509_NAME *name, int nid, char *buf, size_t len)
{
	const X509_NAME_ENTRY	*e;
	unsigned char		*u;
	int			 i, n;

	buf[0] = '\0';
	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return 1;
	if (X509_NAME_get_index_by_NID(name, nid, i) >= 0)
		return -1;
	e = X509_NAME_get_entry(name, i);
	if ((n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e))) < 0)
		return -1;
	if ((size_t)n >= len || memchr(u, '\0', (size_t)n) != NULL) {
		OPENSSL_free(u);
		return -1;
	}
	memcpy(buf, u, (size_t)n);
	buf[n] = '\0';
	OPENSSL_free(u);
	return 0;
}

static void
key_type(X509 *x, char *buf, size_t len)
{
	EVP_PKEY	*k = X509_get0_pubkey(x);
	char		 grp[32];

	snprintf(buf, len, "unknown");
	if (k == NULL)
		return;
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(k, grp, sizeof(grp), NULL) &&
		    strcmp(grp, "prime256v1") == 0)
			snprintf(buf, len, "ec-p256");
		else
			snprintf(buf, len, "ec");
		break;
	case EVP_PKEY_ED25519:
		snprintf(buf, len, "ed25519");
		break;
	case EVP_PKEY_RSA:
		snprintf(buf, len, "rsa");
		break;
	case EVP_PKEY_RSA_PSS:
		snprintf(buf, len, "rsa-pss");
		break;
	}
}

static int
coi_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* An IA5String from a GENERAL_NAME as a C string, or NULL if it holds a NUL. */
static const char *
ia5(const ASN1_IA5STRING *s, size_t max)
{
	const unsigned char	*d = ASN1_STRING_get0_data(s);
	int			 n = ASN1_STRING_length(s);

	if (n < 0 || (size_t)n >= max || memchr(d, '\0', (size_t)n) != NULL)
		return NULL;
	return (const char *)d;
}

/* Copy a name mcert_name_ok() accepted. */
static void
name_copy(char dst[MCERT_NAME_MAX + 1], const char *src)
{
	size_t	n = strnlen(src, MCERT_NAME_MAX);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static enum mcert_err
parse_uri(struct mcert_info *in, const ASN1_IA5STRING *s, char *urn_org,
    char *urn_node, char *err, size_t errlen)
{
	char		 buf[256], *colon;
	const char	*u;
	size_t		 i, n;

	if ((u = ia5(s, 256)) == NULL) {
		/* a URI with a NUL or of 256 bytes or more */
		if (ASN1_STRING_length(s) >= 12 && strncasecmp((const char *)
		    ASN1_STRING_get0_data(s), "urn:coimesh:", 12) == 0)
			return mcert_seterr(err, errlen, MCERT_BAD_COI,
			    "a urn:coimesh: URI too long or with a NUL");
		return MCERT_OK;
	}
	n = (size_t)ASN1_STRING_length(s);
	memcpy(buf, u, n);
	buf[n] = '\0';
	if (strncmp(buf, MCERT_URN_COI, strlen(MCERT_URN_COI)) == 0) {
		u = buf + strlen(MCERT_URN_COI);
		if (!mcert_name_ok(u))
			return mcert_seterr(err, errlen, MCERT_BAD_COI,
			    "\"%s\"", buf);
		for (i = 0; i < in->ncoi; i++)
			if (strcmp(in->coi[i], u) == 0)
				return mcert_seterr(err, errlen, MCERT_BAD_COI,
				    "\"%s\" appears twice", buf);
		if (in->ncoi == MCERT_COI_MAX)
			return mcert_seterr(err, errlen, MCERT_BAD_COI,
			    "more than %d COIs", MCERT_COI_MAX);
		name_copy(in->coi[in->ncoi++], u);
		return MCERT_OK;
	}
	if (strncmp(buf, MCERT_URN_NODE, strlen(MCERT_URN_NODE)) == 0) {
		u = buf + strlen(MCERT_URN_NODE);
		if (in->has_node_urn)
			return mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
			    "two node URIs");
		if ((colon = strchr(u, ':')) == NULL)
			return mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
			    "\"%s\"", buf);
		*colon = '\0';
		if (!mcert_name_ok(u) || !mcert_name_ok(colon + 1)) {
			*colon = ':';
			return mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
			    "\"%s\"", buf);
		}
		name_copy(urn_org, u);
		name_copy(urn_node, colon + 1);
		in->has_node_urn = true;
		return MCERT_OK;
	}
	if (strncasecmp(buf, "urn:coimesh:", 12) == 0)
		return mcert_seterr(err, errlen, MCERT_BAD_COI,
		    "unknown coimesh URI \"%s\"", buf);
	return MCERT_OK;
}

static enum mcert_err
parse_san(X509 *x, struct mcert_info *in, char *err, size_t errlen)
{
	GENERAL_NAMES		*gns;
	const GENERAL_NAME	*gn;
	const char		*s;
	char			 urn_org[MCERT_NAME_MAX + 1];
	char			 urn_node[MCERT_NAME_MAX + 1];
	enum mcert_err		 e = MCERT_OK;
	int			 crit, i, n;

	gns = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
	if (gns == NULL)
		return crit == -1 ? MCERT_OK : mcert_seterr(err, errlen,
		    MCERT_MALFORMED, "bad or repeated subjectAltName");
	for (i = 0; e == MCERT_OK && i < sk_GENERAL_NAME_num(gns); i++) {
		gn = sk_GENERAL_NAME_value(gns, i);
		switch (gn->type) {
		case GEN_URI:
			e = parse_uri(in, gn->d.uniformResourceIdentifier,
			    urn_org, urn_node, err, errlen);
			break;
		case GEN_DNS:
		case GEN_EMAIL:
			if ((s = ia5(gn->d.ia5, 256)) == NULL) {
				e = mcert_seterr(err, errlen, MCERT_MALFORMED,
				    "bad DNS or email name");
				break;
			}
			n = ASN1_STRING_length(gn->d.ia5);
			if (gn->type == GEN_DNS && in->ndns < MCERT_ALTID_MAX) {
				memcpy(in->dns[in->ndns], s, (size_t)n);
				in->dns[in->ndns++][n] = '\0';
			} else if (gn->type == GEN_EMAIL &&
			    in->nemail < MCERT_ALTID_MAX) {
				memcpy(in->email[in->nemail], s, (size_t)n);
				in->email[in->nemail++][n] = '\0';
			}
			break;
		case GEN_IPADD:
			n = ASN1_STRING_length(gn->d.iPAddress);
			if (n != 4 && n != 16) {
				e = mcert_seterr(err, errlen, MCERT_MALFORMED,
				    "IP address of %d bytes", n);
				break;
			}
			if (in->nip == MCERT_ALTID_MAX)
				break;
			in->ip[in->nip].af = n == 4 ? AF_INET : AF_INET6;
			in->ip[in->nip].plen = (uint8_t)(n * 8);
			memcpy(in->ip[in->nip++].addr,
			    ASN1_STRING_get0_data(gn->d.iPAddress), (size_t)n);
			break;
		default:
			break;
		}
	}
	GENERAL_NAMES_free(gns);
	if (e != MCERT_OK)
		return e;
	qsort(in->coi, in->ncoi, sizeof(in->coi[0]), coi_cmp);
	if (in->has_node_urn && (strcmp(urn_org, in->org) != 0 ||
	    strcmp(urn_node, in->node) != 0))
		return mcert_seterr(err, errlen, MCERT_BAD_IDENTITY,
		    "URI names %s:%s, subject O=%s, CN=%s", urn_org, urn_node,
		    in->org, in->node);
	return MCERT_OK;
}

typedef unsigned __int128 u128;

static u128
lowmask(unsigned int k)
{
	return k >= 128 ? ~(u128)0 : ((u128)1 << k) - 1;
}

static u128
bytes_u128(const uint8_t *b, size_t n)
{
	u128	v = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static int
add_prefix(struct mcert_info *in, sa_family_t af, u128 v, unsigned int width,
    unsigned int plen)
{
	struct mcert_prefix	*p;
	unsigned int		 i, n = width / 8;

	if (in->nprefix == MCERT_PREFIX_MAX)
		return -1;
	p = &in->prefix[in->nprefix++];
	memset(p, 0, sizeof(*p));
	p->af = af;
	p->plen = (uint8_t)plen;
	for (i = 0; i < n; i++)
		p->addr[n - 1 - i] = (uint8_t)(v >> (8 * i));
	return 0;
}

/* Split the range [lo, hi] of WIDTH-bit addresses into prefixes. */
static int
add_range(struct mcert_info *in, sa_family_t af, u128 lo, u128 hi,
    unsigned int width)
{
	unsigned int	k;

	while (lo <= hi) {
		k = 0;
		while (k < width && (lo & lowmask(k + 1)) == 0 &&
		    hi - lo >= lowmask(k + 1))
			k++;
		if (add_prefix(in, af, lo, width, width - k) == -1)
			return -1;
		if (hi - lo == lowmask(k))
			break;
		lo += lowmask(k) + 1;
	}
	return 0;
}

static enum mcert_err
parse_addrblocks(X509 *x, struct mcert_info *in, char *err, size_t errlen)
{
	IPAddrBlocks		*blocks;
	IPAddressFamily		*f;
	IPAddressOrRanges	*aors;
	unsigned char		 min[16], max[16];
	enum mcert_err		 e = MCERT_OK;
	unsigned int		 afi;
	int			 crit, i, j, n;

	blocks = X509_get_ext_d2i(x, NID_sbgp_ipAddrBlock, &crit, NULL);
	if (blocks == NULL)
		return crit == -1 ? MCERT_OK : mcert_seterr(err, errlen,
		    MCERT_MALFORMED, "bad or repeated sbgp-ipAddrBlock");
	in->has_prefixes = true;
	for (i = 0; e == MCERT_OK && i < sk_IPAddressFamily_num(blocks); i++) {
		f = sk_IPAddressFamily_value(blocks, i);
		afi = X509v3_addr_get_afi(f);
		if (afi != IANA_AFI_IPV4 && afi != IANA_AFI_IPV6)
			continue;
		if (f->ipAddressChoice->type == IPAddressChoice_inherit) {
			in->prefix_inherit = true;
			continue;
		}
		aors = f->ipAddressChoice->u.addressesOrRanges;
		for (j = 0; j < sk_IPAddressOrRange_num(aors); j++) {
			n = X509v3_addr_get_range(sk_IPAddressOrRange_value(
			    aors, j), afi, min, max, sizeof(min));
			if (n != (afi == IANA_AFI_IPV4 ? 4 : 16)) {
				e = mcert_seterr(err, errlen, MCERT_MALFORMED,
				    "bad address block");
				break;
			}
			if (add_range(in, afi == IANA_AFI_IPV4 ? AF_INET :
			    AF_INET6, bytes_u128(min, (size_t)n),
			    bytes_u128(max, (size_t)n), (unsigned int)n * 8)
			    == -1) {
				e = mcert_seterr(err, errlen, MCERT_MALFORMED,
				    "more than %d prefixes", MCERT_PREFIX_MAX);
				break;
			}
		}
	}
	sk_IPAddressFamily_pop_free(blocks, IPAddressFamily_free);
	return e;
}

static int
asn_u32(const ASN1_INTEGER *a, uint32_t *out)
{
	uint64_t	v;

	if (!ASN1_INTEGER_get_uint64(&v, a) || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static enum mcert_err
parse_asids(X509 *x, struct mcert_info *in, char *err, size_t errlen)
{
	ASIdentifiers		*asid;
	ASIdOrRange		*r;
	struct mcert_asrange	*a;
	enum mcert_err		 e = MCERT_OK;
	int			 crit, i;

	asid = X509_get_ext_d2i(x, NID_sbgp_autonomousSysNum, &crit, NULL);
	if (asid == NULL)
		return crit == -1 ? MCERT_OK : mcert_seterr(err, errlen,
		    MCERT_MALFORMED, "bad or repeated sbgp-autonomousSysNum");
	in->has_asns = true;
	if (asid->asnum == NULL)
		goto done;
	if (asid->asnum->type == ASIdentifierChoice_inherit) {
		in->asn_inherit = true;
		goto done;
	}
	for (i = 0; i < sk_ASIdOrRange_num(asid->asnum->u.asIdsOrRanges); i++) {
		r = sk_ASIdOrRange_value(asid->asnum->u.asIdsOrRanges, i);
		if (in->nasn == MCERT_ASN_MAX) {
			e = mcert_seterr(err, errlen, MCERT_MALFORMED,
			    "more than %d AS ranges", MCERT_ASN_MAX);
			break;
		}
		a = &in->asn[in->nasn];
		if (r->type == ASIdOrRange_id ? (asn_u32(r->u.id, &a->min) ||
		    asn_u32(r->u.id, &a->max)) : (asn_u32(r->u.range->min,
		    &a->min) || asn_u32(r->u.range->max, &a->max)) ||
		    a->min > a->max) {
			e = mcert_seterr(err, errlen, MCERT_MALFORMED,
			    "bad AS number");
			break;
		}
		in->nasn++;
	}
done:
	ASIdentifiers_free(asid);
	return e;
}

static enum mcert_err
parse_x509(X509 *x, struct mcert_info *in, char *err, size_t errlen)
{
	const X509_NAME	*subj = X509_get_subject_name(x);
	BIGNUM		*bn;
	char		*hex, cn[MCERT_NAME_MAX + 1];
	enum mcert_err	 e;
	int		 r;

	memset(in, 0, sizeof(*in));
	/* caches the extensions; EXFLAG_INVALID means one did not decode */
	if (X509_get_extension_flags(x) & EXFLAG_INVALID)
		return mcert_seterr(err, errlen, MCERT_MALFORMED,
		    "an extension does not decode");
	mcert_name_str(subj, in->subject, sizeof(in->subject));
	mcert_name_str(X509_get_issuer_name(x), in->issuer, sizeof(in->issuer));
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) == NULL)
		return mcert_seterr(err, errlen, MCERT_MALFORMED, "serial");
	hex = BN_bn2hex(bn);
	BN_free(bn);
	if (hex == NULL || strlen(hex) >= sizeof(in->serial)) {
		OPENSSL_free(hex);
		return mcert_seterr(err, errlen, MCERT_MALFORMED,
		    "serial number too long");
	}
	snprintf(in->serial, sizeof(in->serial), "%s", hex);
	OPENSSL_free(hex);
	if (asn1_time(X509_get0_notBefore(x), &in->not_before) == -1 ||
	    asn1_time(X509_get0_notAfter(x), &in->not_after) == -1)
		return mcert_seterr(err, errlen, MCERT_MALFORMED,
		    "validity dates");
	in->is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	in->pathlen = (int)X509_get_pathlen(x);
	key_type(x, in->key_type, sizeof(in->key_type));

	if ((r = name_entry(subj, NID_organizationName, in->org,
	    sizeof(in->org))) == -1 || (r == 0 && !mcert_name_ok(in->org)))
		in->org[0] = '\0';
	if (name_entry(subj, NID_commonName, cn, sizeof(cn)) == 0 &&
	    mcert_name_ok(cn))
		snprintf(in->node, sizeof(in->node), "%s", cn);

	if ((e = parse_san(x, in, err, errlen)) != MCERT_OK ||
	    (e = parse_addrblocks(x, in, err, errlen)) != MCERT_OK ||
	    (e = parse_asids(x, in, err, errlen)) != MCERT_OK)
		return e;
	return MCERT_OK;
}

enum mcert_err
mcert_from_x509(X509 *x, struct mcert_cert **out, char *err, size_t errlen)
{
	struct mcert_cert	*c;
	enum mcert_err		 e;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return mcert_seterr(err, errlen, MCERT_SYSTEM, "out of memory");
	if ((e = parse_x509(x, &c->info, err, errlen)) != MCERT_OK) {
		free(c);
		return e;
	}
	X509_up_ref(x);
	c->x = x;
	*out = c;
	return MCERT_OK;
}

enum mcert_err
mcert_parse_der(const uint8_t *der, size_t len, struct mcert_cert **out,
    char *err, size_t errlen)
{
	const unsigned char	*p = der;
	X509			*x;
	enum mcert_err		 e;

	*out = NULL;
	if (len == 0 || len > MCERT_DER_MAX)
		return mcert_seterr(err, errlen, MCERT_MALFORMED,
		    "%zu bytes", len);
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL)
		return mcert_seterr(err, errlen, MCERT_MALFORMED,
		    "not a DER certificate");
	if (p != der + len) {
		X509_free(x);
		return mcert_seterr(err, errlen, MCERT_MALFORMED,
		    "%zu bytes after the certificate", (size_t)(der + len - p));
	}
	e = mcert_from_x509(x, out, err, errlen);
	X509_free(x);
	return e;
}

struct mcert_cert *
mcert_dup(const struct mcert_cert *c)
{
	struct mcert_cert	*d;

	if ((d = malloc(sizeof(*d))) == NULL)
		return NULL;
	*d = *c;
	if (!X509_up_ref(d->x)) {
		free(d);
		return NULL;
	}
	return d;
}

const struct mcert_info *
mcert_info(const struct mcert_cert *c)
{
	return &c->info;
}

X509 *
mcert_x509(const struct mcert_cert *c)
{
	return c->x;
}

EVP_PKEY *
mcert_pubkey(const struct mcert_cert *c)
{
	return X509_get0_pubkey(c->x);
}

void
mcert_free(struct mcert_cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x);
	free(c);
}

bool
mcert_has_coi(const struct mcert_info *in, const char *coi)
{
	size_t	i;

	for (i = 0; i < in->ncoi; i++)
		if (strcmp(in->coi[i], coi) == 0)
			return true;
	return false;
}
