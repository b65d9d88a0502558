/*
 * test_meshcert.c: lib/meshcert: chains accepted and refused (expired,
 * not yet valid, revoked, other CA, missing CRL, prefixes outside the
 * issuer's, COIs not granted, wrong organization), every extraction, COI
 * sharing, IKE ID matching, malformed COI URIs.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "certgen.h"
#include "meshcert.h"
#include "meshcert_int.h"

#define DAY		((time_t)86400)
#define ROOT_BLOCKS	"IPv4:198.18.0.0/15,IPv4:192.0.2.0/24,IPv6:2001:db8::/32"
#define ACME_BLOCKS	"IPv4:198.18.0.0/16,IPv6:2001:db8:1::/48"
#define N1_SAN		"URI:urn:coimesh:node:acme:n1,URI:urn:coimesh:coi:red," \
	"URI:urn:coimesh:coi:blue,DNS:n1.acme.example,IP:198.51.100.1," \
	"IP:2001:db8:100::1,email:ops@acme.example"

static time_t		 now;
static struct tc	*root, *acme, *other_root;
static X509_CRL		*root_crl, *acme_crl;

static int
setup(void **state)
{
	now = time(NULL);
	root = tc_make(NULL, NULL, "mesh root", true, NULL, ROOT_BLOCKS,
	    "AS:64512-65534", now - DAY, now + 3650 * DAY, false);
	acme = tc_make(root, "acme", "acme CA", true,
	    "URI:urn:coimesh:coi:red,URI:urn:coimesh:coi:blue", ACME_BLOCKS,
	    "AS:64600-64699", now - DAY, now + 1000 * DAY, false);
	/* same name as the real root, another key */
	other_root = tc_make(NULL, NULL, "mesh root", true, NULL, ROOT_BLOCKS,
	    NULL, now - DAY, now + 3650 * DAY, false);
	root_crl = tc_crl(root, NULL, 0, now - 60, now + 30 * DAY);
	acme_crl = tc_crl(acme, NULL, 0, now - 60, now + 30 * DAY);
	return 0;
}

static int
teardown(void **state)
{
	tc_free(root);
	tc_free(acme);
	tc_free(other_root);
	X509_CRL_free(root_crl);
	X509_CRL_free(acme_crl);
	return 0;
}

/* A store with the root and its CRL, and ACME_CRL_ (NULL: none). */
static struct mcert_store *
store(X509_CRL *acrl, bool with_acme)
{
	struct mcert_store	*st = mcert_store_new();

	assert_non_null(st);
	assert_int_equal(mcert_store_add_cert(st, root->x), MCERT_OK);
	assert_int_equal(mcert_store_add_crl(st, root_crl), MCERT_OK);
	if (with_acme)
		assert_int_equal(mcert_store_add_cert(st, acme->x), MCERT_OK);
	if (acrl != NULL)
		assert_int_equal(mcert_store_add_crl(st, acrl), MCERT_OK);
	assert_int_equal(mcert_store_nroots(st), 1);
	return st;
}

/* Verify LEAF with INTER as it would come in CERT payloads. */
static enum mcert_err
verify(struct mcert_store *st, X509 *leaf, X509 *inter,
    struct mcert_cert **out, char *err)
{
	static uint8_t		 b0[8192], b1[8192];
	struct mcert_der	 d[2];
	size_t			 n = 1;

	d[0].der = b0;
	d[0].len = tc_der(leaf, b0, sizeof(b0));
	if (inter != NULL) {
		d[1].der = b1;
		d[1].len = tc_der(inter, b1, sizeof(b1));
		n = 2;
	}
	return mcert_verify(st, d, n, 0, out, err, MCERT_ERR_MAX);
}

static struct tc *
node(const char *o, const char *cn, const char *san, const char *blocks,
    time_t nb, time_t na)
{
	return tc_make(acme, o, cn, false, san, blocks, "AS:64601", nb, na,
	    false);
}

static struct tc *
n1(void)
{
	return node("acme", "n1", N1_SAN, "IPv4:198.18.1.0/24,"
	    "IPv6:2001:db8:1:1::/64", now - DAY, now + 365 * DAY);
}

/* Expect E and an error text starting with START. */
static void
refused(enum mcert_err got, enum mcert_err want, const char *err,
    const char *start)
{
	if (got != want || strncmp(err, start, strlen(start)) != 0)
		fail_msg("got %d \"%s\", want %d \"%s...\"", got, err, want,
		    start);
}

static void
test_ok_and_extraction(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct mcert_cert	*c;
	const struct mcert_info	*in;
	struct tc		*t = n1();
	char			 err[MCERT_ERR_MAX], p[64];

	assert_int_equal(verify(st, t->x, acme->x, &c, err), MCERT_OK);
	in = mcert_info(c);
	assert_string_equal(in->subject, "CN=n1,O=acme");
	assert_string_equal(in->issuer, "CN=acme CA,O=acme");
	assert_string_equal(in->org, "acme");
	assert_string_equal(in->node, "n1");
	assert_true(in->has_node_urn);
	assert_false(in->is_ca);
	assert_string_equal(in->key_type, "ec-p256");
	assert_int_equal(in->ncoi, 2);
	assert_string_equal(in->coi[0], "blue");	/* sorted */
	assert_string_equal(in->coi[1], "red");
	assert_true(in->has_prefixes);
	assert_int_equal(in->nprefix, 2);
	mcert_prefix_str(&in->prefix[0], p, sizeof(p));
	assert_string_equal(p, "198.18.1.0/24");
	mcert_prefix_str(&in->prefix[1], p, sizeof(p));
	assert_string_equal(p, "2001:db8:1:1::/64");
	assert_int_equal(in->nasn, 1);
	assert_int_equal(in->asn[0].min, 64601);
	assert_int_equal(in->asn[0].max, 64601);
	assert_int_equal(in->ndns, 1);
	assert_string_equal(in->dns[0], "n1.acme.example");
	assert_int_equal(in->nemail, 1);
	assert_string_equal(in->email[0], "ops@acme.example");
	assert_int_equal(in->nip, 2);
	assert_int_equal(in->ip[0].af, AF_INET);
	assert_int_equal(in->ip[1].af, AF_INET6);
	assert_true(in->not_after > now && in->not_before < now);
	assert_non_null(mcert_pubkey(c));
	assert_true(mcert_has_coi(in, "red"));
	assert_false(mcert_has_coi(in, "green"));
	mcert_free(c);
	tc_free(t);
	mcert_store_free(st);
}

/* The org CA in the store completes a chain sent with the leaf only. */
static void
test_leaf_only(void **state)
{
	struct mcert_store	*st = store(acme_crl, true);
	struct tc		*t = n1();
	char			 err[MCERT_ERR_MAX];

	assert_int_equal(verify(st, t->x, NULL, NULL, err), MCERT_OK);
	mcert_store_free(st);
	st = store(acme_crl, false);
	refused(verify(st, t->x, NULL, NULL, err), MCERT_UNKNOWN_CA, err,
	    "unknown CA: CN=n1,O=acme is issued by CN=acme CA,O=acme");
	tc_free(t);
	mcert_store_free(st);
}

static void
test_ed25519(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct tc		*t;
	struct mcert_cert	*c;
	char			 err[MCERT_ERR_MAX];

	t = tc_make(acme, "acme", "n1", false, N1_SAN, NULL, NULL, now - DAY,
	    now + DAY, true);
	assert_int_equal(verify(st, t->x, acme->x, &c, err), MCERT_OK);
	assert_string_equal(mcert_info(c)->key_type, "ed25519");
	mcert_free(c);
	tc_free(t);
	mcert_store_free(st);
}

static void
test_expired(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct tc		*t;
	char			 err[MCERT_ERR_MAX];

	t = node("acme", "n1", N1_SAN, NULL, now - 10 * DAY, now - DAY);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_EXPIRED, err,
	    "certificate expired: CN=n1,O=acme (notAfter ");
	tc_free(t);
	mcert_store_free(st);
}

static void
test_not_yet_valid(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct tc		*t;
	char			 err[MCERT_ERR_MAX];

	t = node("acme", "n1", N1_SAN, NULL, now + DAY, now + 10 * DAY);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_NOT_YET_VALID,
	    err, "certificate not yet valid: CN=n1,O=acme (notBefore ");
	tc_free(t);
	mcert_store_free(st);
}

static void
test_revoked(void **state)
{
	struct mcert_store	*st;
	struct tc		*t = n1(), *t2 = n1();
	X509_CRL		*crl;
	char			 err[MCERT_ERR_MAX];

	crl = tc_crl(acme, &t->x, 1, now - 60, now + DAY);
	st = store(crl, false);
	assert_string_equal(mcert_strerror(MCERT_REVOKED),
	    "certificate revoked");
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_REVOKED, err,
	    "certificate revoked: CN=n1,O=acme");
	/* another serial, same names: fine */
	assert_int_equal(verify(st, t2->x, acme->x, NULL, err), MCERT_OK);
	X509_CRL_free(crl);
	tc_free(t);
	tc_free(t2);
	mcert_store_free(st);
}

static void
test_revoked_org(void **state)
{
	struct mcert_store	*st;
	struct tc		*t = n1();
	X509_CRL		*crl;
	char			 err[MCERT_ERR_MAX];

	crl = tc_crl(root, &acme->x, 1, now - 60, now + DAY);
	st = mcert_store_new();
	assert_int_equal(mcert_store_add_cert(st, root->x), MCERT_OK);
	assert_int_equal(mcert_store_add_crl(st, crl), MCERT_OK);
	assert_int_equal(mcert_store_add_crl(st, acme_crl), MCERT_OK);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_REVOKED, err,
	    "certificate revoked: CN=acme CA,O=acme");
	X509_CRL_free(crl);
	tc_free(t);
	mcert_store_free(st);
}

static void
test_crl_missing_and_expired(void **state)
{
	struct mcert_store	*st = store(NULL, false);
	struct tc		*t = n1();
	X509_CRL		*old;
	char			 err[MCERT_ERR_MAX];

	refused(verify(st, t->x, acme->x, NULL, err), MCERT_CRL, err,
	    "CRL problem: CN=n1,O=acme: unable to get certificate CRL");
	mcert_store_crl_optional(st, true);
	assert_int_equal(verify(st, t->x, acme->x, NULL, err), MCERT_OK);
	mcert_store_free(st);

	old = tc_crl(acme, NULL, 0, now - 10 * DAY, now - DAY);
	st = store(old, false);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_CRL, err,
	    "CRL problem: CN=n1,O=acme: CRL has expired");
	X509_CRL_free(old);
	tc_free(t);
	mcert_store_free(st);
}

static void
test_other_ca(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct tc		*evil, *t;
	char			 err[MCERT_ERR_MAX];

	/* an organization CA under a root of the same name, another key */
	evil = tc_make(other_root, "acme", "acme CA", true,
	    "URI:urn:coimesh:coi:red", ACME_BLOCKS, NULL, now - DAY,
	    now + DAY, false);
	t = tc_make(evil, "acme", "n1", false, N1_SAN, NULL, NULL, now - DAY,
	    now + DAY, false);
	refused(verify(st, t->x, evil->x, NULL, err), MCERT_UNKNOWN_CA, err,
	    "unknown CA: CN=acme CA,O=acme is issued by CN=mesh root, not a "
	    "trusted mesh CA");
	tc_free(t);
	tc_free(evil);
	mcert_store_free(st);
	st = mcert_store_new();
	refused(verify(st, acme->x, NULL, NULL, err), MCERT_UNKNOWN_CA, err,
	    "unknown CA: no mesh root CA loaded");
	mcert_store_free(st);
}

static void
test_prefix_outside(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct tc		*t;
	char			 err[MCERT_ERR_MAX];

	/* 198.19.0.0/24 is the root's, not acme's */
	t = node("acme", "n1", N1_SAN, "IPv4:198.19.0.0/24", now - DAY,
	    now + DAY);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_RESOURCES, err,
	    "prefixes outside the issuer's: CN=n1,O=acme claims prefixes or "
	    "AS numbers outside those of CN=acme CA,O=acme");
	tc_free(t);
	mcert_store_free(st);
}

static void
test_coi_not_granted(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct tc		*t;
	char			 err[MCERT_ERR_MAX];

	t = node("acme", "n1", "URI:urn:coimesh:node:acme:n1,"
	    "URI:urn:coimesh:coi:green", NULL, now - DAY, now + DAY);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_COI_NOT_GRANTED,
	    err, "COI not granted by the issuer: CN=n1,O=acme has COI "
	    "\"green\", its CA CN=acme CA,O=acme may not grant it");
	tc_free(t);
	mcert_store_free(st);
}

static void
test_wrong_org(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct tc		*t;
	char			 err[MCERT_ERR_MAX];

	t = node("beta", "n1", "URI:urn:coimesh:node:beta:n1,"
	    "URI:urn:coimesh:coi:red", NULL, now - DAY, now + DAY);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_BAD_IDENTITY, err,
	    "malformed node identity: CN=n1,O=beta has O=beta, its CA "
	    "CN=acme CA,O=acme has O=acme");
	tc_free(t);
	/* URI and subject disagree */
	t = node("acme", "n1", "URI:urn:coimesh:node:acme:n2", NULL, now - DAY,
	    now + DAY);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_BAD_IDENTITY, err,
	    "malformed node identity: URI names acme:n2, subject O=acme, "
	    "CN=n1");
	tc_free(t);
	/* no node URI */
	t = node("acme", "n1", "URI:urn:coimesh:coi:red", NULL, now - DAY,
	    now + DAY);
	refused(verify(st, t->x, acme->x, NULL, err), MCERT_BAD_IDENTITY, err,
	    "malformed node identity: CN=n1,O=acme: no urn:coimesh:node: URI");
	tc_free(t);
	/* a CA is no node */
	refused(verify(st, acme->x, NULL, NULL, err), MCERT_BAD_IDENTITY, err,
	    "malformed node identity: CN=acme CA,O=acme is a CA certificate");
	mcert_store_free(st);
}

static void
test_bad_coi_uri(void **state)
{
	static const char *const bad[] = {
		"URI:urn:coimesh:coi:Red",
		"URI:urn:coimesh:coi:",
		"URI:urn:coimesh:coi:-red",
		"URI:urn:coimesh:coi:red_1",
		"URI:urn:coimesh:coi:red,URI:urn:coimesh:coi:red",
		"URI:urn:coimesh:colour:red",
		"URI:URN:COIMESH:coi:red",
		"URI:urn:coimesh:coi:"
		    "a234567890123456789012345678901234567890123456789012345678901234",
	};
	struct mcert_store	*st = store(acme_crl, false);
	struct mcert_cert	*c;
	struct tc		*t;
	uint8_t			 der[8192];
	char			 err[MCERT_ERR_MAX];
	size_t			 i, len;

	for (i = 0; i < nitems(bad); i++) {
		t = node("acme", "n1", bad[i], NULL, now - DAY, now + DAY);
		len = tc_der(t->x, der, sizeof(der));
		refused(mcert_parse_der(der, len, &c, err, sizeof(err)),
		    MCERT_BAD_COI, err, "malformed COI URI: ");
		assert_null(c);
		refused(verify(st, t->x, acme->x, NULL, err), MCERT_BAD_COI,
		    err, "malformed COI URI: ");
		tc_free(t);
	}
	/* a URI of another scheme is none of our business */
	t = node("acme", "n1", "URI:urn:coimesh:node:acme:n1,"
	    "URI:https://acme.example/,URI:urn:coimesh:coi:red", NULL,
	    now - DAY, now + DAY);
	assert_int_equal(verify(st, t->x, acme->x, NULL, err), MCERT_OK);
	tc_free(t);
	mcert_store_free(st);
}

static void
test_shared_coi(void **state)
{
	struct tc		*a, *b, *g;
	struct mcert_cert	*ca, *cb, *cg;
	const char		*which = NULL;
	uint8_t			 der[8192];
	char			 err[MCERT_ERR_MAX];

	a = n1();
	b = node("acme", "n2", "URI:urn:coimesh:node:acme:n2,"
	    "URI:urn:coimesh:coi:red", NULL, now - DAY, now + DAY);
	g = node("acme", "n3", "URI:urn:coimesh:node:acme:n3", NULL,
	    now - DAY, now + DAY);
	assert_int_equal(mcert_parse_der(der, tc_der(a->x, der, sizeof(der)),
	    &ca, err, sizeof(err)), MCERT_OK);
	assert_int_equal(mcert_parse_der(der, tc_der(b->x, der, sizeof(der)),
	    &cb, err, sizeof(err)), MCERT_OK);
	assert_int_equal(mcert_parse_der(der, tc_der(g->x, der, sizeof(der)),
	    &cg, err, sizeof(err)), MCERT_OK);
	assert_int_equal(mcert_check_coi(mcert_info(ca), mcert_info(cb),
	    &which, err, sizeof(err)), MCERT_OK);
	assert_string_equal(which, "red");
	refused(mcert_check_coi(mcert_info(ca), mcert_info(cg), NULL, err,
	    sizeof(err)), MCERT_NO_SHARED_COI, err,
	    "no shared COI: CN=n3,O=acme has COIs (none), ours are blue,red");
	refused(mcert_check_coi(mcert_info(cg), mcert_info(ca), NULL, err,
	    sizeof(err)), MCERT_NO_SHARED_COI, err,
	    "no shared COI: CN=n1,O=acme has COIs blue,red, ours are (none)");
	mcert_free(ca);
	mcert_free(cb);
	mcert_free(cg);
	tc_free(a);
	tc_free(b);
	tc_free(g);
}

static void
test_id_match(void **state)
{
	struct tc		*t = n1();
	struct mcert_cert	*c;
	X509_NAME		*n;
	uint8_t			 a4[4], a6[16], dn[512], *p;
	char			 err[MCERT_ERR_MAX];
	int			 dnlen;

	assert_int_equal(mcert_from_x509(t->x, &c, err, sizeof(err)),
	    MCERT_OK);
	assert_int_equal(mcert_check_id(c, MCERT_ID_FQDN,
	    (const uint8_t *)"N1.acme.example", 15, err, sizeof(err)), MCERT_OK);
	refused(mcert_check_id(c, MCERT_ID_FQDN, (const uint8_t *)
	    "n2.acme.example", 15, err, sizeof(err)), MCERT_ID_MISMATCH, err,
	    "ID mismatch: FQDN \"n2.acme.example\" is not a DNS name of "
	    "CN=n1,O=acme");
	/* a prefix of the name is not the name */
	refused(mcert_check_id(c, MCERT_ID_FQDN, (const uint8_t *)
	    "n1.acme", 7, err, sizeof(err)), MCERT_ID_MISMATCH, err,
	    "ID mismatch: ");
	assert_int_equal(mcert_check_id(c, MCERT_ID_RFC822_ADDR,
	    (const uint8_t *)"ops@acme.example", 16, err, sizeof(err)),
	    MCERT_OK);
	refused(mcert_check_id(c, MCERT_ID_RFC822_ADDR, (const uint8_t *)
	    "root@acme.example", 17, err, sizeof(err)), MCERT_ID_MISMATCH, err,
	    "ID mismatch: RFC822 \"root@acme.example\" is not an email name");
	inet_pton(AF_INET, "198.51.100.1", a4);
	assert_int_equal(mcert_check_id(c, MCERT_ID_IPV4_ADDR, a4, 4, err,
	    sizeof(err)), MCERT_OK);
	inet_pton(AF_INET, "198.51.100.2", a4);
	refused(mcert_check_id(c, MCERT_ID_IPV4_ADDR, a4, 4, err,
	    sizeof(err)), MCERT_ID_MISMATCH, err, "ID mismatch: address "
	    "198.51.100.2 is not an IP name of CN=n1,O=acme");
	refused(mcert_check_id(c, MCERT_ID_IPV4_ADDR, a4, 3, err,
	    sizeof(err)), MCERT_ID_MISMATCH, err,
	    "ID mismatch: IP address ID of 3 bytes");
	inet_pton(AF_INET6, "2001:db8:100::1", a6);
	assert_int_equal(mcert_check_id(c, MCERT_ID_IPV6_ADDR, a6, 16, err,
	    sizeof(err)), MCERT_OK);
	inet_pton(AF_INET6, "2001:db8:100::2", a6);
	refused(mcert_check_id(c, MCERT_ID_IPV6_ADDR, a6, 16, err,
	    sizeof(err)), MCERT_ID_MISMATCH, err, "ID mismatch: address "
	    "2001:db8:100::2 is not an IP name");

	p = dn;
	dnlen = i2d_X509_NAME(X509_get_subject_name(t->x), &p);
	assert_true(dnlen > 0);
	assert_int_equal(mcert_check_id(c, MCERT_ID_DER_ASN1_DN, dn,
	    (size_t)dnlen, err, sizeof(err)), MCERT_OK);
	refused(mcert_check_id(c, MCERT_ID_DER_ASN1_DN, dn, (size_t)dnlen - 1,
	    err, sizeof(err)), MCERT_ID_MISMATCH, err,
	    "ID mismatch: DN is not the subject CN=n1,O=acme");
	n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)"acme", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"n2", -1, -1, 0);
	p = dn;
	dnlen = i2d_X509_NAME(n, &p);
	X509_NAME_free(n);
	refused(mcert_check_id(c, MCERT_ID_DER_ASN1_DN, dn, (size_t)dnlen,
	    err, sizeof(err)), MCERT_ID_MISMATCH, err, "ID mismatch: DN");
	refused(mcert_check_id(c, MCERT_ID_KEY_ID, dn, 4, err, sizeof(err)),
	    MCERT_ID_MISMATCH, err,
	    "ID mismatch: ID type 11 cannot be matched to a certificate");
	mcert_free(c);
	tc_free(t);
}

/* RFC 3779 ranges come out as prefixes. */
static void
test_ranges(void **state)
{
	static const char *const want[] = {
		"198.18.0.1/32", "198.18.0.2/31", "198.18.0.4/31",
		"198.18.0.6/32", "2001:db8::/32", "::/0",
	};
	struct tc		*t;
	struct mcert_cert	*c;
	const struct mcert_info	*in;
	char			 err[MCERT_ERR_MAX], p[64];
	size_t			 i;

	t = tc_make(root, NULL, "x", true, NULL,
	    "IPv4:198.18.0.1-198.18.0.6,IPv6:2001:db8::/32", "AS:64512,"
	    "AS:64600-64610", now, now + DAY, false);
	assert_int_equal(mcert_from_x509(t->x, &c, err, sizeof(err)),
	    MCERT_OK);
	in = mcert_info(c);
	assert_int_equal(in->nprefix, 5);
	for (i = 0; i < in->nprefix; i++) {
		mcert_prefix_str(&in->prefix[i], p, sizeof(p));
		assert_string_equal(p, want[i]);
	}
	assert_int_equal(in->nasn, 2);
	assert_int_equal(in->asn[1].min, 64600);
	assert_int_equal(in->asn[1].max, 64610);
	assert_true(in->is_ca);
	assert_string_equal(in->node, "x");
	mcert_free(c);
	tc_free(t);
	t = tc_make(root, NULL, "x", true, NULL, "IPv6:::-ffff:ffff:ffff:"
	    "ffff:ffff:ffff:ffff:ffff,IPv4:inherit", NULL, now, now + DAY,
	    false);
	assert_int_equal(mcert_from_x509(t->x, &c, err, sizeof(err)),
	    MCERT_OK);
	in = mcert_info(c);
	assert_true(in->prefix_inherit);
	assert_int_equal(in->nprefix, 1);
	mcert_prefix_str(&in->prefix[0], p, sizeof(p));
	assert_string_equal(p, want[5]);
	mcert_free(c);
	tc_free(t);
}

static void
test_der_and_names(void **state)
{
	struct tc		*t = n1();
	struct mcert_cert	*c;
	struct mcert_der	 d;
	struct mcert_store	*st = store(acme_crl, true);
	uint8_t			 der[8192];
	char			 err[MCERT_ERR_MAX];
	size_t			 len;

	len = tc_der(t->x, der, sizeof(der) - 1);
	der[len] = 0;
	refused(mcert_parse_der(der, len + 1, &c, err, sizeof(err)),
	    MCERT_MALFORMED, err, "malformed certificate: 1 bytes after");
	refused(mcert_parse_der(der, len - 1, &c, err, sizeof(err)),
	    MCERT_MALFORMED, err, "malformed certificate: not a DER");
	refused(mcert_parse_der(der, 0, &c, err, sizeof(err)),
	    MCERT_MALFORMED, err, "malformed certificate: 0 bytes");
	d.der = der;
	d.len = len + 1;
	refused(mcert_verify(st, &d, 1, 0, NULL, err, sizeof(err)),
	    MCERT_MALFORMED, err, "malformed certificate: certificate 1 has "
	    "trailing bytes");
	d.len = len;
	assert_int_equal(mcert_verify(st, &d, 1, 0, NULL, err, sizeof(err)),
	    MCERT_OK);
	/* the time is the caller's: two years on, the CRL has expired */
	refused(mcert_verify(st, &d, 1, now + 730 * DAY, NULL, err,
	    sizeof(err)), MCERT_CRL, err, "CRL problem: ");

	assert_true(mcert_name_ok("a"));
	assert_true(mcert_name_ok("0-a-b"));
	assert_true(mcert_name_ok("a23456789012345678901234567890123456789012"
	    "345678901234567890123"));
	assert_false(mcert_name_ok("a234567890123456789012345678901234567890123"
	    "456789012345678901234"));
	assert_false(mcert_name_ok(""));
	assert_false(mcert_name_ok("-a"));
	assert_false(mcert_name_ok("A"));
	assert_false(mcert_name_ok("a.b"));
	assert_false(mcert_name_ok("a:b"));
	assert_false(mcert_name_ok(NULL));
	assert_string_equal(mcert_strerror(MCERT_NO_SHARED_COI),
	    "no shared COI");
	assert_string_equal(mcert_strerror((enum mcert_err)999),
	    "unknown error");
	tc_free(t);
	mcert_store_free(st);
}

/* The DER of LEAF (and INTER) as verify() hands them over. */
static size_t
ders(X509 *leaf, X509 *inter, struct mcert_der d[2])
{
	static uint8_t	 b0[8192], b1[8192];

	d[0] = (struct mcert_der){ b0, tc_der(leaf, b0, sizeof(b0)) };
	d[1] = (struct mcert_der){ b1, tc_der(inter, b1, sizeof(b1)) };
	return 2;
}

static void
stats_are(struct mcert_store *st, uint64_t hits, uint64_t misses)
{
	uint64_t	h, m;

	mcert_store_cache_stats(st, &h, &m);
	if (h != hits || m != misses)
		fail_msg("cache: %ju hits %ju misses, want %ju and %ju",
		    (uintmax_t)h, (uintmax_t)m, (uintmax_t)hits,
		    (uintmax_t)misses);
}

/* ike cert-cache: a chain verified once is answered from the cache. */
static void
test_cache(void **state)
{
	struct mcert_store	*st = store(acme_crl, false);
	struct mcert_cert	*c, *c2;
	struct tc		*t = n1(), *t2 = n1(), *bad;
	struct mcert_der	 d[2];
	X509_CRL		*crl;
	char			 err[MCERT_ERR_MAX];

	stats_are(st, 0, 0);		/* off: never asked */
	assert_int_equal(verify(st, t->x, acme->x, &c, err), MCERT_OK);
	mcert_free(c);
	stats_are(st, 0, 0);
	assert_int_equal(mcert_store_cache(st, true), 0);
	assert_int_equal(verify(st, t->x, acme->x, &c, err), MCERT_OK);
	stats_are(st, 0, 1);
	assert_int_equal(verify(st, t->x, acme->x, &c2, err), MCERT_OK);
	stats_are(st, 1, 1);
	/* what the cache gives is what the verification gave */
	assert_ptr_not_equal(c, c2);
	assert_memory_equal(mcert_info(c), mcert_info(c2),
	    sizeof(struct mcert_info));
	assert_int_equal(EVP_PKEY_eq(mcert_pubkey(c), mcert_pubkey(c2)), 1);
	mcert_free(c2);
	mcert_free(c);
	/* another certificate with the same names is another chain */
	assert_int_equal(verify(st, t2->x, acme->x, &c, err), MCERT_OK);
	mcert_free(c);
	stats_are(st, 1, 2);
	/* a time the caller gives is never answered from it */
	assert_int_equal(mcert_verify(st, d, ders(t->x, acme->x, d), now + 60,
	    &c, err, sizeof(err)), MCERT_OK);
	mcert_free(c);
	stats_are(st, 1, 2);
	/* failures are not kept: refused each time, in full */
	bad = node("acme", "n1", N1_SAN, NULL, now - 10 * DAY, now - DAY);
	refused(verify(st, bad->x, acme->x, &c, err), MCERT_EXPIRED, err,
	    "certificate expired: ");
	refused(verify(st, bad->x, acme->x, &c, err), MCERT_EXPIRED, err,
	    "certificate expired: ");
	stats_are(st, 1, 4);
	/* a CRL added to the store empties it: T is verified in full */
	crl = tc_crl(root, NULL, 0, now - 30, now + DAY);
	assert_int_equal(mcert_store_add_crl(st, crl), MCERT_OK);
	assert_int_equal(verify(st, t->x, acme->x, &c, err), MCERT_OK);
	mcert_free(c);
	stats_are(st, 1, 5);
	assert_int_equal(verify(st, t->x, acme->x, &c, err), MCERT_OK);
	mcert_free(c);
	stats_are(st, 2, 5);
	/* and so does turning it off */
	assert_int_equal(mcert_store_cache(st, false), 0);
	assert_int_equal(verify(st, t->x, acme->x, &c, err), MCERT_OK);
	mcert_free(c);
	stats_are(st, 0, 0);
	X509_CRL_free(crl);
	tc_free(bad);
	tc_free(t2);
	tc_free(t);
	mcert_store_free(st);
}

/* How long a cached verification holds: the chain's and the CRLs' times. */
static void
test_cache_window(void **state)
{
	struct mcert_store	*st;
	struct mcert_cache	*ca;
	struct mcert_cert	*c;
	struct tc		*t;
	struct mcert_der	 d[2];
	X509_CRL		*crl;
	uint8_t			 key[MCERT_CACHE_KEYLEN];
	char			 err[MCERT_ERR_MAX];
	size_t			 n;

	/* the leaf's notAfter first: 1000 s from now */
	st = store(acme_crl, false);
	assert_int_equal(mcert_store_cache(st, true), 0);
	ca = mcert_store_cache_of(st);
	t = node("acme", "n1", N1_SAN, NULL, now - DAY, now + 1000);
	n = ders(t->x, acme->x, d);
	assert_int_equal(mcert_verify(st, d, n, 0, &c, err, sizeof(err)),
	    MCERT_OK);
	mcert_free(c);
	assert_int_equal(mcert_cache_key(d, n, key), 0);
	assert_non_null(c = mcert_cache_get(ca, key, now + 990));
	mcert_free(c);
	assert_null(mcert_cache_get(ca, key, now + 1010));
	assert_null(mcert_cache_get(ca, key, now - DAY - 10));
	tc_free(t);
	mcert_store_free(st);

	/* a CRL's nextUpdate first: 500 s; at most an hour in any case */
	crl = tc_crl(acme, NULL, 0, now - 60, now + 500);
	st = store(crl, false);
	assert_int_equal(mcert_store_cache(st, true), 0);
	ca = mcert_store_cache_of(st);
	t = n1();
	n = ders(t->x, acme->x, d);
	assert_int_equal(mcert_verify(st, d, n, 0, &c, err, sizeof(err)),
	    MCERT_OK);
	mcert_free(c);
	assert_int_equal(mcert_cache_key(d, n, key), 0);
	assert_non_null(c = mcert_cache_get(ca, key, now + 490));
	mcert_free(c);
	assert_null(mcert_cache_get(ca, key, now + 510));
	mcert_cache_put(ca, key, c = mcert_cache_get(ca, key, now), now, 0,
	    now + 30 * DAY);
	mcert_free(c);
	assert_non_null(c = mcert_cache_get(ca, key, now + 3590));
	mcert_free(c);
	assert_null(mcert_cache_get(ca, key, now + 3610));
	X509_CRL_free(crl);
	tc_free(t);
	mcert_store_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_and_extraction),
		cmocka_unit_test(test_leaf_only),
		cmocka_unit_test(test_ed25519),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_revoked_org),
		cmocka_unit_test(test_crl_missing_and_expired),
		cmocka_unit_test(test_other_ca),
		cmocka_unit_test(test_prefix_outside),
		cmocka_unit_test(test_coi_not_granted),
		cmocka_unit_test(test_wrong_org),
		cmocka_unit_test(test_bad_coi_uri),
		cmocka_unit_test(test_shared_coi),
		cmocka_unit_test(test_id_match),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_der_and_names),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_cache_window),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
