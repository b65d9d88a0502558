/*
 * cmd_revoke.c: coimesh-pki revoke and crl: revoking a certificate the CA
 * issued, and publishing the CA's CRL.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "opts.h"
#include "pki.h"

#define REVOKE_USAGE "revoke -d CADIR [--reason R] [--crl-days N] " \
	"[--pass-in FILE] SERIAL|CERTFILE"
#define CRL_USAGE "crl -d CADIR [--days N] [--pass-in FILE]"

/* The serial number in upper-case hex, from a hex string or a PEM file. */
static char *
serial_of(const char *arg)
{
	X509	*x;
	BIO	*b;
	BIGNUM	*bn;
	char	*hex, *pem;
	size_t	 i, len;

	if (access(arg, F_OK) == 0) {
		pem = pki_read_file(arg, &len);
		if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
			pki_fatal_ssl("memory");
		if ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL)
			pki_fatalx("%s: not a PEM certificate", arg);
		BIO_free(b);
		free(pem);
		if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x),
		    NULL)) == NULL || (hex = BN_bn2hex(bn)) == NULL)
			pki_fatal_ssl("serial");
		BN_free(bn);
		X509_free(x);
		ERR_clear_error();
		return hex;
	}
	len = strlen(arg);
	if (len == 0 || len > 40 || strspn(arg, "0123456789abcdefABCDEF") !=
	    len)
		pki_fatalx("\"%s\": neither a file nor a hexadecimal serial "
		    "number", arg);
	if ((hex = OPENSSL_strdup(arg)) == NULL)
		pki_fatal_ssl("memory");
	for (i = 0; i < len; i++)
		hex[i] = (char)toupper((unsigned char)hex[i]);
	return hex;
}

int
cmd_revoke(int argc, char **argv)
{
	struct opts	 o;
	struct pki_ca	 ca;
	json_t		*c, *found = NULL;
	const char	*reason;
	char		*serial;
	size_t		 i;

	opts_parse(&o, argc, argv, "dPrR", REVOKE_USAGE);
	opts_need_dir(&o, REVOKE_USAGE);
	opts_nargs(&o, 1, REVOKE_USAGE);
	reason = o.reason != NULL ? o.reason : "unspecified";
	if (pki_reason_code(reason) == -1)
		pki_fatalx("bad --reason \"%s\": want unspecified, "
		    "keyCompromise, cACompromise, affiliationChanged, "
		    "superseded or cessationOfOperation", reason);
	serial = serial_of(o.argv[0]);
	pki_ca_open(&ca, o.dir, true, o.pass_in);
	json_array_foreach(json_object_get(ca.index, "certs"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "serial")),
		    serial) == 0)
			found = c;
	if (found == NULL)
		pki_fatalx("serial %s was not issued by the CA in %s", serial,
		    o.dir);
	if (json_object_get(found, "revoked") != NULL)
		pki_fatalx("serial %s (%s %s) is already revoked", serial,
		    json_string_value(json_object_get(found, "kind")),
		    json_string_value(json_object_get(found, "name")));
	if (json_object_set_new(found, "revoked",
	    json_integer((json_int_t)time(NULL))) == -1 ||
	    json_object_set_new(found, "reason", json_string(reason)) == -1)
		pki_fatalx("out of memory");
	pki_ca_stage_crl(&ca, o.crl_days != 0 ? o.crl_days : 30);
	pki_ca_stage_index(&ca);
	pki_commit();
	printf("revoked %s %s (serial %s); CRL %s/crl.pem\n",
	    json_string_value(json_object_get(found, "kind")),
	    json_string_value(json_object_get(found, "name")), serial, o.dir);
	OPENSSL_free(serial);
	pki_ca_close(&ca);
	return 0;
}

int
cmd_crl(int argc, char **argv)
{
	struct opts	o;
	struct pki_ca	ca;

	opts_parse(&o, argc, argv, "dPD", CRL_USAGE);
	opts_need_dir(&o, CRL_USAGE);
	opts_nargs(&o, 0, CRL_USAGE);
	pki_ca_open(&ca, o.dir, true, o.pass_in);
	pki_ca_stage_crl(&ca, o.days != 0 ? o.days : 30);
	pki_ca_stage_index(&ca);
	pki_commit();
	printf("CRL %s/crl.pem, number %lld, valid %ld days\n", o.dir,
	    (long long)json_integer_value(json_object_get(ca.index,
	    "crl_number")), o.days != 0 ? o.days : 30);
	pki_ca_close(&ca);
	return 0;
}
