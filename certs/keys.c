/*
 * keys.c: private keys: generation (ECDSA P-256, Ed25519), PKCS#8 PEM
 * output (encrypted with AES-256-CBC and PBKDF2 when a passphrase is
 * given), loading with a clear word for a wrong or missing passphrase.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "pki.h"

#define PASS_MIN	4
#define PASS_MAX	1023

EVP_PKEY *
pki_keygen(const char *type)
{
	EVP_PKEY	*k = NULL;

	if (type == NULL || strcmp(type, "ec") == 0 ||
	    strcmp(type, "ec-p256") == 0)
		k = EVP_EC_gen("P-256");
	else if (strcmp(type, "ed25519") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		pki_fatalx("unknown key type \"%s\": want ec or ed25519", type);
	if (k == NULL)
		pki_fatal_ssl("key generation");
	return k;
}

/* The passphrase: the first line of FILE. */
static char *
read_pass(const char *file)
{
	char	*p;
	size_t	 len;

	p = pki_read_file(file, &len);
	p[strcspn(p, "\r\n")] = '\0';
	len = strlen(p);
	if (len < PASS_MIN || len > PASS_MAX)
		pki_fatalx("%s: the passphrase must have %d to %d characters",
		    file, PASS_MIN, PASS_MAX);
	return p;
}

static int
pass_cb(char *buf, int size, int rwflag, void *u)
{
	const char	*p = u;
	size_t		 len;

	if (p == NULL)
		return -1;	/* never prompt */
	len = strlen(p);
	if (len > (size_t)size)
		return -1;
	memcpy(buf, p, len);
	return (int)len;
}

EVP_PKEY *
pki_key_load(const char *path, const char *passfile)
{
	struct stat	 st;
	EVP_PKEY	*k;
	BIO		*b;
	char		*pem, *pass = NULL;
	size_t		 len;
	bool		 enc;

	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		pki_fatalx("%s: mode %04o: a private key must not be readable "
		    "by group or others (chmod 600)", path,
		    (unsigned int)(st.st_mode & 07777));
	pem = pki_read_file(path, &len);
	enc = strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL;
	if (enc && passfile == NULL)
		pki_fatalx("%s: the key is encrypted: give --pass-in FILE", path);
	if (enc)
		pass = read_pass(passfile);
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		pki_fatal_ssl("BIO_new_mem_buf");
	k = PEM_read_bio_PrivateKey(b, NULL, pass_cb, pass);
	BIO_free(b);
	OPENSSL_cleanse(pem, len);
	free(pem);
	if (pass != NULL) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
	if (k == NULL) {
		if (enc)
			pki_fatalx("%s: wrong passphrase", path);
		pki_fatalx("%s: not a PEM private key", path);
	}
	ERR_clear_error();
	return k;
}

/* A PEM public key, or the public half of an unencrypted private key. */
EVP_PKEY *
pki_pubkey_load(const char *path)
{
	EVP_PKEY	*k;
	BIO		*b;
	char		*pem;
	size_t		 len;

	pem = pki_read_file(path, &len);
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		pki_fatal_ssl("BIO_new_mem_buf");
	k = PEM_read_bio_PUBKEY(b, NULL, pass_cb, NULL);
	BIO_free(b);
	free(pem);
	if (k == NULL)
		pki_fatalx("%s: not a PEM public key", path);
	ERR_clear_error();
	return k;
}

BIO *
pki_key_pem(EVP_PKEY *k, const char *passfile)
{
	BIO	*b;
	char	*pass = NULL;
	int	 ok;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		pki_fatal_ssl("BIO_new");
	if (passfile != NULL) {
		pass = read_pass(passfile);
		ok = PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(),
		    NULL, 0, pass_cb, pass);
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	} else
		ok = PEM_write_bio_PKCS8PrivateKey(b, k, NULL, NULL, 0, NULL,
		    NULL);
	if (!ok)
		pki_fatal_ssl("writing the private key");
	return b;
}

BIO *
pki_pubkey_pem(EVP_PKEY *k)
{
	BIO	*b;

	if ((b = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_PUBKEY(b, k))
		pki_fatal_ssl("writing the public key");
	return b;
}

/* The digest to sign with: none for Ed25519 (it hashes itself). */
const EVP_MD *
pki_md(EVP_PKEY *k)
{
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519)
		return NULL;
	return EVP_sha256();
}
