/*
 * resources.c: what a certificate grants, from the command line: COIs,
 * RFC 3779 prefixes and AS numbers, each checked for form and then for
 * being within what the issuing CA holds.
 */
#include "config.h"

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "meshcert.h"
#include "pki.h"

/* The prefixes and ASNs as given, for messages. */
static const char	*given_prefix[PKI_MAX_LIST];
static size_t		 ngiven_prefix;
static const char	*given_asn[PKI_MAX_LIST];
static size_t		 ngiven_asn;

static int
parse_prefix(const char *s, unsigned int *afi, unsigned char addr[16],
    int *plenp)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash, *e;
	unsigned int	 i, bytes;
	long		 plen;

	if (strlen(s) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) == NULL)
		return -1;
	*slash++ = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*afi = IANA_AFI_IPV4;
		bytes = 4;
	} else if (inet_pton(AF_INET6, buf, addr) == 1) {
		*afi = IANA_AFI_IPV6;
		bytes = 16;
	} else
		return -1;
	errno = 0;
	plen = strtol(slash, &e, 10);
	if (errno != 0 || *slash == '\0' || *e != '\0' || plen < 0 ||
	    plen > (long)bytes * 8 || (*slash == '0' && slash[1] != '\0'))
		return -1;
	for (i = 0; i < bytes * 8; i++)
		if ((long)i >= plen && (addr[i / 8] & (0x80 >> (i % 8))))
			return -2;
	*plenp = (int)plen;
	return 0;
}

static void
add_prefix(IPAddrBlocks *b, const char *s)
{
	unsigned char	addr[16];
	unsigned int	afi;
	int		plen, r;

	if ((r = parse_prefix(s, &afi, addr, &plen)) == -2)
		pki_fatalx("bad prefix \"%s\": host bits set", s);
	if (r == -1)
		pki_fatalx("bad prefix \"%s\": want ADDRESS/LENGTH", s);
	if (!X509v3_addr_add_prefix(b, afi, NULL, addr, plen))
		pki_fatal_ssl("prefix %s", s);
}

void
pki_res_prefix(struct pki_res *r, const char *s)
{
	if (ngiven_prefix == PKI_MAX_LIST)
		pki_fatalx("more than %d prefixes", PKI_MAX_LIST);
	if (r->blocks == NULL &&
	    (r->blocks = sk_IPAddressFamily_new_null()) == NULL)
		pki_fatal_ssl("memory");
	add_prefix(r->blocks, s);
	given_prefix[ngiven_prefix++] = s;
}

static int
parse_asn(const char *s, uint32_t *lo, uint32_t *hi)
{
	unsigned long long	 a, b;
	char			*e;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	a = strtoull(s, &e, 10);
	if (errno != 0 || a > UINT32_MAX)
		return -1;
	b = a;
	if (*e == '-') {
		s = e + 1;
		if (*s < '0' || *s > '9')
			return -1;
		b = strtoull(s, &e, 10);
		if (errno != 0 || b > UINT32_MAX || b < a)
			return -1;
	}
	if (*e != '\0')
		return -1;
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	return 0;
}

static void
add_asn(ASIdentifiers *asid, const char *s)
{
	ASN1_INTEGER	*min, *max = NULL;
	uint32_t	 lo, hi;

	if (parse_asn(s, &lo, &hi) == -1)
		pki_fatalx("bad AS number \"%s\": want N or N-M, 0..4294967295",
		    s);
	if ((min = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set_uint64(min, lo))
		pki_fatal_ssl("memory");
	if (hi != lo && ((max = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set_uint64(max, hi)))
		pki_fatal_ssl("memory");
	if (!X509v3_asid_add_id_or_range(asid, V3_ASID_ASNUM, min, max))
		pki_fatal_ssl("AS number %s", s);
}

void
pki_res_asn(struct pki_res *r, const char *s)
{
	if (ngiven_asn == PKI_MAX_LIST)
		pki_fatalx("more than %d AS numbers", PKI_MAX_LIST);
	if (r->asid == NULL && (r->asid = ASIdentifiers_new()) == NULL)
		pki_fatal_ssl("memory");
	add_asn(r->asid, s);
	given_asn[ngiven_asn++] = s;
}

void
pki_res_coi(struct pki_res *r, const char *s)
{
	size_t	i;

	if (!mcert_name_ok(s))
		pki_fatalx("bad COI name \"%s\": want [a-z0-9][a-z0-9-]{0,62}",
		    s);
	for (i = 0; i < r->ncoi; i++)
		if (strcmp(r->coi[i], s) == 0)
			pki_fatalx("COI \"%s\" given twice", s);
	if (r->ncoi == PKI_MAX_LIST)
		pki_fatalx("more than %d COIs", PKI_MAX_LIST);
	r->coi[r->ncoi++] = s;
}

/* Append ITEM to the list in BUF, ", "-separated, as far as it fits. */
static void
list_add(char *buf, size_t len, const char *item)
{
	size_t	off = strlen(buf);

	if (off + 1 < len)
		snprintf(buf + off, len - off, "%s%s", off ? ", " : "", item);
}

/* "198.18.0.0/15, 2001:db8::/32" or "none". */
static void
issuer_prefixes(const struct mcert_info *in, char *buf, size_t len)
{
	char	p[64];
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < in->nprefix; i++) {
		mcert_prefix_str(&in->prefix[i], p, sizeof(p));
		list_add(buf, len, p);
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

static void
issuer_asns(const struct mcert_info *in, char *buf, size_t len)
{
	char	p[32];
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < in->nasn; i++) {
		if (in->asn[i].min == in->asn[i].max)
			snprintf(p, sizeof(p), "%u", in->asn[i].min);
		else
			snprintf(p, sizeof(p), "%u-%u", in->asn[i].min,
			    in->asn[i].max);
		list_add(buf, len, p);
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

static void
issuer_cois(const struct mcert_info *in, char *buf, size_t len)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < in->ncoi; i++)
		list_add(buf, len, in->coi[i]);
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

/*
 * Everything in R must be within what ISSUER holds: each prefix and AS
 * number one by one (so the message names the culprit), and for an
 * organization CA each COI.
 */
void
pki_res_within(struct pki_res *r, X509 *issuer)
{
	struct mcert_cert	*ic;
	const struct mcert_info	*in;
	IPAddrBlocks		*ib, *one;
	ASIdentifiers		*ia, *onea;
	char			 err[MCERT_ERR_MAX], list[1024];
	size_t			 i;
	int			 crit;

	if (mcert_from_x509(issuer, &ic, err, sizeof(err)) != MCERT_OK)
		pki_fatalx("the CA certificate: %s", err);
	in = mcert_info(ic);
	ib = X509_get_ext_d2i(issuer, NID_sbgp_ipAddrBlock, &crit, NULL);
	for (i = 0; i < ngiven_prefix; i++) {
		if ((one = sk_IPAddressFamily_new_null()) == NULL)
			pki_fatal_ssl("memory");
		add_prefix(one, given_prefix[i]);
		if (!X509v3_addr_canonize(one))
			pki_fatal_ssl("prefix %s", given_prefix[i]);
		if (ib == NULL || !X509v3_addr_subset(one, ib)) {
			issuer_prefixes(in, list, sizeof(list));
			pki_fatalx("prefix %s is outside the issuer's address "
			    "blocks (%s)", given_prefix[i], list);
		}
		sk_IPAddressFamily_pop_free(one, IPAddressFamily_free);
	}
	sk_IPAddressFamily_pop_free(ib, IPAddressFamily_free);
	ia = X509_get_ext_d2i(issuer, NID_sbgp_autonomousSysNum, &crit, NULL);
	for (i = 0; i < ngiven_asn; i++) {
		if ((onea = ASIdentifiers_new()) == NULL)
			pki_fatal_ssl("memory");
		add_asn(onea, given_asn[i]);
		if (!X509v3_asid_canonize(onea))
			pki_fatal_ssl("AS number %s", given_asn[i]);
		if (ia == NULL || !X509v3_asid_subset(onea, ia)) {
			issuer_asns(in, list, sizeof(list));
			pki_fatalx("AS number %s is outside the issuer's (%s)",
			    given_asn[i], list);
		}
		ASIdentifiers_free(onea);
	}
	ASIdentifiers_free(ia);
	/* a root CA grants any COI; an organization CA only its own */
	if (X509_self_signed(issuer, 0) != 1)
		for (i = 0; i < r->ncoi; i++)
			if (!mcert_has_coi(in, r->coi[i])) {
				issuer_cois(in, list, sizeof(list));
				pki_fatalx("COI \"%s\" is not granted to "
				    "organization %s (its CA has: %s)",
				    r->coi[i], in->org, list);
			}
	mcert_free(ic);
	ERR_clear_error();
}

void
pki_res_free(struct pki_res *r)
{
	sk_IPAddressFamily_pop_free(r->blocks, IPAddressFamily_free);
	ASIdentifiers_free(r->asid);
	memset(r, 0, sizeof(*r));
}
