/*
 * fuzz_cert.c: libFuzzer target for lib/meshcert: DER certificates as
 * they arrive in IKE CERT payloads, through extraction (mcert_parse_der,
 * ID and COI checks) and chain verification against a fixed mesh root,
 * organization CA and CRLs (fuzz_cert.h) at a fixed time.
 *
 * Input: up to MCERT_CHAIN_MAX records of LEN (2 bytes, big-endian) and
 * LEN bytes of DER, the end-entity certificate first.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "fuzz.h"
#include "fuzz_cert.h"
#include "meshcert.h"

static struct mcert_store	*store;

static struct mcert_store *
make_store(void)
{
	STACK_OF(X509_INFO)	*infos;
	X509_INFO		*xi;
	struct mcert_store	*s;
	BIO			*b;
	int			 i;

	fuzz_check((s = mcert_store_new()) != NULL);
	fuzz_check((b = BIO_new_mem_buf(fuzz_cert_store_pem, -1)) != NULL);
	fuzz_check((infos = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL)) !=
	    NULL);
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 != NULL)
			fuzz_check(mcert_store_add_cert(s, xi->x509) ==
			    MCERT_OK);
		if (xi->crl != NULL)
			fuzz_check(mcert_store_add_crl(s, xi->crl) == MCERT_OK);
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(b);
	fuzz_check(mcert_store_nroots(s) == 1);
	return s;
}

static void
check_info(const struct mcert_info *in)
{
	size_t	i;

	fuzz_check(in->ncoi <= MCERT_COI_MAX);
	for (i = 0; i < in->ncoi; i++) {
		fuzz_check(mcert_name_ok(in->coi[i]));
		fuzz_check(i == 0 || strcmp(in->coi[i - 1], in->coi[i]) < 0);
	}
	fuzz_check(in->org[0] == '\0' || mcert_name_ok(in->org));
	fuzz_check(in->node[0] == '\0' || mcert_name_ok(in->node));
	fuzz_check(in->nprefix <= MCERT_PREFIX_MAX);
	for (i = 0; i < in->nprefix; i++)
		fuzz_check(in->prefix[i].plen <=
		    (in->prefix[i].af == AF_INET ? 32 : 128));
	for (i = 0; i < in->nasn; i++)
		fuzz_check(in->asn[i].min <= in->asn[i].max);
}

/* The extraction path on one certificate. */
static void
one(const uint8_t *der, size_t len)
{
	static const uint8_t	 a4[4] = { 198, 51, 100, 1 };
	struct mcert_cert	*c;
	const char		*which;
	char			 err[MCERT_ERR_MAX];
	enum mcert_err		 e;

	e = mcert_parse_der(der, len, &c, err, sizeof(err));
	fuzz_check((e == MCERT_OK) == (c != NULL));
	fuzz_check(e == MCERT_OK || strncmp(err, mcert_strerror(e),
	    strlen(mcert_strerror(e))) == 0);
	if (c == NULL)
		return;
	check_info(mcert_info(c));
	(void)mcert_check_id(c, MCERT_ID_FQDN, (const uint8_t *)
	    "n1.acme.example", 15, err, sizeof(err));
	(void)mcert_check_id(c, MCERT_ID_IPV4_ADDR, a4, 4, err, sizeof(err));
	(void)mcert_check_id(c, MCERT_ID_DER_ASN1_DN, der, len, err,
	    sizeof(err));
	e = mcert_check_coi(mcert_info(c), mcert_info(c), &which, err,
	    sizeof(err));
	fuzz_check((e == MCERT_OK) == (mcert_info(c)->ncoi > 0));
	mcert_free(c);
}

int	LLVMFuzzerInitialize(int *, char ***);

/* The trust store is built once, not per input. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	store = make_store();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcert_der	 d[MCERT_CHAIN_MAX];
	struct mcert_cert	*leaf;
	const struct mcert_info	*in;
	char			 err[MCERT_ERR_MAX];
	enum mcert_err		 e;
	size_t			 n = 0, len;

	if (store == NULL)	/* a driver without LLVMFuzzerInitialize() */
		store = make_store();
	while (size >= 2 && n < MCERT_CHAIN_MAX) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		d[n].der = data;
		d[n++].len = len;
		one(data, len);
		data += len;
		size -= len;
	}
	if (n == 0)
		return 0;
	e = mcert_verify(store, d, n, FUZZ_CERT_TIME, &leaf, err, sizeof(err));
	fuzz_check((e == MCERT_OK) == (leaf != NULL));
	/* for t/certs/replay.sh: the seeds get where they should */
	if (getenv("FUZZ_CERT_VERBOSE") != NULL)
		printf("verify: %s\n", e == MCERT_OK ? "ok" : err);
	if (leaf == NULL)
		return 0;
	in = mcert_info(leaf);
	check_info(in);
	fuzz_check(!in->is_ca && in->has_node_urn);
	fuzz_check(in->org[0] != '\0' && in->node[0] != '\0');
	mcert_free(leaf);
	return 0;
}
