/*
 * cadir.c: a CA directory (layout in pki.h and coimesh-pki(1)): opening
 * it under a lock, the CA key with its checks, the index of issued
 * certificates, serial numbers, the CRL.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "pki.h"

void
pki_lock(const char *dir, int *fdp)
{
	char	*p = pki_path(dir, ".lock");
	int	 fd;

	if ((fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		pki_fatal("%s", p);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			pki_fatalx("%s: in use by another %s", dir, PKI_PROG);
		pki_fatal("%s", p);
	}
	free(p);
	*fdp = fd;
}

static X509 *
load_cert(const char *dir, const char *name)
{
	X509	*x;
	BIO	*b;
	char	*p = pki_path(dir, name), *pem;
	size_t	 len;

	if (access(p, F_OK) == -1 && errno == ENOENT)
		pki_fatalx("%s: not a CA directory (no %s)", dir, name);
	pem = pki_read_file(p, &len);
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		pki_fatal_ssl("memory");
	if ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL)
		pki_fatalx("%s: not a PEM certificate", p);
	BIO_free(b);
	free(pem);
	free(p);
	ERR_clear_error();
	return x;
}

static json_t *
load_index(const char *dir)
{
	json_error_t	 je;
	json_t		*ix, *c;
	char		*p = pki_path(dir, "index.json");
	size_t		 i;

	if ((ix = json_load_file(p, JSON_REJECT_DUPLICATES, &je)) == NULL)
		pki_fatalx("%s:%d: %s", p, je.line, je.text);
	if (!json_is_object(ix) || !json_is_array(json_object_get(ix,
	    "certs")) || !json_is_integer(json_object_get(ix, "crl_number")))
		pki_fatalx("%s: not a coimesh-pki index", p);
	json_array_foreach(json_object_get(ix, "certs"), i, c)
		if (!json_is_string(json_object_get(c, "serial")) ||
		    !json_is_string(json_object_get(c, "kind")) ||
		    !json_is_string(json_object_get(c, "name")) ||
		    !json_is_string(json_object_get(c, "subject")) ||
		    !json_is_integer(json_object_get(c, "not_after")))
			pki_fatalx("%s: entry %zu is incomplete", p, i + 1);
	free(p);
	return ix;
}

json_t *
pki_index_new(void)
{
	json_t	*ix;

	if ((ix = json_pack("{s:i,s:i,s:[]}", "version", 1, "crl_number", 0,
	    "certs")) == NULL)
		pki_fatalx("out of memory");
	return ix;
}

void
pki_ca_open(struct pki_ca *ca, const char *dir, bool need_key,
    const char *passfile)
{
	struct stat	 st;
	char		*kp, *cp;

	memset(ca, 0, sizeof(*ca));
	ca->lockfd = -1;
	if (stat(dir, &st) == -1)
		pki_fatal("%s", dir);
	if (!S_ISDIR(st.st_mode))
		pki_fatalx("%s: not a directory", dir);
	if ((ca->dir = strdup(dir)) == NULL)
		pki_fatal("strdup");
	if (need_key)
		pki_lock(dir, &ca->lockfd);
	ca->cert = load_cert(dir, "ca.crt");
	ca->root = load_cert(dir, "root.crt");
	ca->index = load_index(dir);
	if (!need_key)
		return;
	kp = pki_path(dir, "ca.key");
	if (access(kp, F_OK) == -1 && errno == ENOENT)
		pki_fatalx("%s: missing: this CA directory holds no private "
		    "key", kp);
	ca->key = pki_key_load(kp, passfile);
	if (X509_check_private_key(ca->cert, ca->key) != 1) {
		cp = pki_path(dir, "ca.crt");
		pki_fatalx("%s does not belong to %s (wrong key for this CA)",
		    kp, cp);
	}
	ERR_clear_error();
	free(kp);
}

void
pki_ca_close(struct pki_ca *ca)
{
	if (ca->lockfd != -1)
		close(ca->lockfd);
	X509_free(ca->cert);
	X509_free(ca->root);
	EVP_PKEY_free(ca->key);
	json_decref(ca->index);
	free(ca->dir);
	memset(ca, 0, sizeof(*ca));
	ca->lockfd = -1;
}

/* A fresh 127-bit random serial number, not in the index. */
BIGNUM *
pki_ca_serial(struct pki_ca *ca)
{
	BIGNUM		*bn;
	json_t		*c;
	char		*hex;
	size_t		 i;
	int		 tries;

	if ((bn = BN_new()) == NULL)
		pki_fatal_ssl("memory");
	for (tries = 0; tries < 8; tries++) {
		if (!BN_rand(bn, 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
		    (hex = BN_bn2hex(bn)) == NULL)
			pki_fatal_ssl("random serial");
		json_array_foreach(json_object_get(ca->index, "certs"), i, c)
			if (strcmp(json_string_value(json_object_get(c,
			    "serial")), hex) == 0)
				break;
		if (i == json_array_size(json_object_get(ca->index, "certs"))) {
			OPENSSL_free(hex);
			return bn;
		}
		OPENSSL_free(hex);
	}
	pki_fatalx("no unique serial number after 8 tries");
}

void
pki_ca_record(struct pki_ca *ca, X509 *x, const char *kind, const char *name)
{
	BIGNUM		*bn;
	char		*hex, *file, subj[256];
	struct tm	 tm;
	BIO		*b;
	int		 n;

	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) == NULL ||
	    (hex = BN_bn2hex(bn)) == NULL)
		pki_fatal_ssl("serial");
	BN_free(bn);
	subj[0] = '\0';
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		pki_fatal_ssl("memory");
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
	    XN_FLAG_RFC2253) >= 0 && (n = BIO_read(b, subj,
	    sizeof(subj) - 1)) > 0)
		subj[n] = '\0';
	BIO_free(b);
	if (!ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
		pki_fatal_ssl("notAfter");
	if (asprintf(&file, "certs/%s.pem", hex) == -1)
		pki_fatal("asprintf");
	if (json_array_append_new(json_object_get(ca->index, "certs"),
	    json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "serial", hex, "kind", kind,
	    "name", name, "subject", subj, "not_after", (json_int_t)timegm(&tm),
	    "file", file)) == -1)
		pki_fatalx("out of memory");
	pki_stage_bio(ca->dir, file, pki_cert_pem(x), 0644, false);
	OPENSSL_free(hex);
	free(file);
}

static void
stage_index(const char *dir, json_t *ix)
{
	char	*s, *t;

	if ((s = json_dumps(ix, JSON_INDENT(1))) == NULL ||
	    asprintf(&t, "%s\n", s) == -1)
		pki_fatalx("out of memory");
	pki_stage(dir, "index.json", t, strlen(t), 0644, true);
	free(s);
	free(t);
}

void
pki_ca_stage_index(struct pki_ca *ca)
{
	stage_index(ca->dir, ca->index);
}

static void
stage_crl(const char *dir, X509 *cert, EVP_PKEY *key, json_t *ix, long days)
{
	X509_CRL	*crl;
	BIO		*b;

	if (json_object_set_new(ix, "crl_number", json_integer(
	    json_integer_value(json_object_get(ix, "crl_number")) + 1)) == -1)
		pki_fatalx("out of memory");
	crl = pki_crl(cert, key, ix, days);
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509_CRL(b, crl))
		pki_fatal_ssl("writing the CRL");
	X509_CRL_free(crl);
	pki_stage_bio(dir, "crl.pem", b, 0644, true);
}

void
pki_ca_stage_crl(struct pki_ca *ca, long days)
{
	stage_crl(ca->dir, ca->cert, ca->key, ca->index, days);
}

BIO *
pki_cert_pem(X509 *x)
{
	BIO	*b;

	if ((b = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(b, x))
		pki_fatal_ssl("writing a certificate");
	return b;
}

BIO *
pki_certs_pem(X509 *x, X509 *y)
{
	BIO	*b = pki_cert_pem(x);

	if (!PEM_write_bio_X509(b, y))
		pki_fatal_ssl("writing a certificate");
	return b;
}

/* Stage the files of a new CA directory (which must exist and be empty). */
void
pki_ca_init_files(const char *dir, X509 *cert, X509 *root, EVP_PKEY *key,
    const char *passfile, json_t *ix)
{
	if (key != NULL)
		pki_stage_bio(dir, "ca.key", pki_key_pem(key, passfile),
		    0600, false);
	pki_stage_bio(dir, "ca.crt", pki_cert_pem(cert), 0644, false);
	pki_stage_bio(dir, "root.crt", pki_cert_pem(root), 0644, false);
	if (key != NULL)
		stage_crl(dir, cert, key, ix, 30);
	stage_index(dir, ix);
}
