/*
 * ike_cred.c: a peer's IKE credentials: our certificate chain (sent in
 * CERT payloads), our private key (for RFC 7427 AUTH), the trust store
 * with CRLs (lib/meshcert), the CERTREQ hashes of our roots, and the IDs
 * we send and expect.
 */
#include "config.h"

#include <sys/stat.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ike_sa.h"

static bool	cred_cert_cache = true;	/* `ike cert-cache` */

static int __attribute__((format(printf, 3, 4)))
cred_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The PEM chain: the leaf first, then its CAs. */
static int
cred_chain(struct ike_cred *c, const char *path, char *err, size_t errlen)
{
	FILE		*f;
	X509		*x;
	unsigned char	*der;
	int		 len;
	char		 e[MCERT_ERR_MAX];

	if ((f = fopen(path, "r")) == NULL)
		return cred_err(err, errlen, "%s: %s", path, strerror(errno));
	while (c->ncert < MCERT_CHAIN_MAX &&
	    (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		der = NULL;
		if ((len = i2d_X509(x, &der)) <= 0) {
			X509_free(x);
			break;
		}
		c->der[c->ncert] = der;
		c->derlen[c->ncert++] = (size_t)len;
		if (c->mine == NULL && mcert_from_x509(x, &c->mine, e,
		    sizeof(e)) != MCERT_OK) {
			X509_free(x);
			fclose(f);
			return cred_err(err, errlen, "%s: %s", path, e);
		}
		X509_free(x);
	}
	fclose(f);
	ERR_clear_error();
	if (c->ncert == 0)
		return cred_err(err, errlen, "%s: %s", path,
		    "no certificate in the file");
	return 0;
}

static int
cred_key(struct ike_cred *c, const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL)
		return cred_err(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == -1 ||
	    (st.st_mode & (S_IRWXO | S_IWGRP)) != 0) {
		fclose(f);
		return cred_err(err, errlen, "%s: bad permissions %03o: a "
		    "private key must not be readable by others or writable "
		    "by the group", path, (unsigned int)(st.st_mode & 0777));
	}
	c->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	if (c->key == NULL)
		return cred_err(err, errlen, "%s: %s", path,
		    "no private key in the file");
	if ((c->alg = ike_sig_alg_for(c->key)) == IKE_SIG_NONE)
		return cred_err(err, errlen, "%s: %s", path,
		    "key type not supported for AUTH");
	if (EVP_PKEY_eq(c->key, mcert_pubkey(c->mine)) != 1)
		return cred_err(err, errlen, "%s: %s", path,
		    "key does not belong to the certificate");
	return 0;
}

/* SHA-1 of the SubjectPublicKeyInfo of each self-signed CA in the file. */
static void
cred_certreq(struct ike_cred *c, const char *path)
{
	FILE		*f;
	X509		*x;
	unsigned int	 len;

	if ((f = fopen(path, "r")) == NULL)
		return;
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		if (c->certreq_len + 20 <= sizeof(c->certreq) &&
		    X509_check_issued(x, x) == X509_V_OK &&
		    X509_pubkey_digest(x, EVP_sha1(), c->certreq +
		    c->certreq_len, &len) == 1 && len == 20)
			c->certreq_len += 20;
		X509_free(x);
	}
	fclose(f);
	ERR_clear_error();
}

/* An ID from overlayd.conf: an address, user@domain, a DN or an FQDN. */
static int
cred_id(const struct ike_cred *c, const char *s, uint8_t *type, uint8_t *out,
    size_t *len, bool local, char *err, size_t errlen)
{
	X509_NAME	*dn;
	unsigned char	*der = NULL;
	char		 buf[256];
	int		 n;

	if (inet_pton(AF_INET, s, out) == 1) {
		*type = IKE_ID_IPV4_ADDR;
		*len = 4;
	} else if (inet_pton(AF_INET6, s, out) == 1) {
		*type = IKE_ID_IPV6_ADDR;
		*len = 16;
	} else if (strchr(s, '=') != NULL) {
		/* only the subject: compare its RFC 2253 form */
		dn = X509_get_subject_name(mcert_x509(c->mine));
		*type = IKE_ID_DER_ASN1_DN;
		if (!local) {	/* kept as text, compared as text */
			*len = strlen(s);
			memcpy(out, s, *len);
			return 0;
		}
		if (strcmp(mcert_info(c->mine)->subject, s) != 0)
			return cred_err(err, errlen, "local id \"%s\" is not "
			    "the certificate's subject %s", s,
			    mcert_info(c->mine)->subject);
		if ((n = i2d_X509_NAME(dn, &der)) <= 0 ||
		    (size_t)n > IKE_ID_MAX) {
			OPENSSL_free(der);
			return cred_err(err, errlen, "subject DN too long");
		}
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
		OPENSSL_free(der);
	} else {
		*type = strchr(s, '@') != NULL ? IKE_ID_RFC822_ADDR :
		    IKE_ID_FQDN;
		*len = strlen(s);
		memcpy(out, s, *len);
	}
	if (local && mcert_check_id(c->mine, *type, out, *len, buf,
	    sizeof(buf)) != MCERT_OK)
		return cred_err(err, errlen, "local id: %s", buf);
	return 0;
}

/* The credentials, or NULL with the reason in err. */
struct ike_cred *
ike_cred_load(const struct ike_conf *conf, char *err, size_t errlen)
{
	struct ike_cred	*c;
	char		 e[MCERT_ERR_MAX];
	const char	*lid = conf->local_id;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		cred_err(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (cred_chain(c, conf->cert, err, errlen) == -1 ||
	    cred_key(c, conf->key, err, errlen) == -1)
		goto fail;
	if ((c->store = mcert_store_new()) == NULL ||
	    mcert_store_load(c->store, conf->ca, e, sizeof(e)) != MCERT_OK ||
	    (conf->crl[0] != '\0' && mcert_store_load(c->store, conf->crl, e,
	    sizeof(e)) != MCERT_OK)) {
		cred_err(err, errlen, "%s", c->store == NULL ?
		    "out of memory" : e);
		goto fail;
	}
	if (cred_cert_cache && mcert_store_cache(c->store, true) == -1) {
		cred_err(err, errlen, "out of memory");
		goto fail;
	}
	if (mcert_store_nroots(c->store) == 0) {
		cred_err(err, errlen, "%s: %s", conf->ca, "no root CA");
		goto fail;
	}
	cred_certreq(c, conf->ca);
	if (lid[0] == '\0')
		lid = mcert_info(c->mine)->subject;
	if (cred_id(c, lid, &c->lid_type, c->lid, &c->lid_len, true, err,
	    errlen) == -1)
		goto fail;
	if (conf->remote_id[0] != '\0' && cred_id(c, conf->remote_id,
	    &c->rid_type, c->rid, &c->rid_len, false, err, errlen) == -1)
		goto fail;
	return c;
 fail:
	ike_cred_free(c);
	return NULL;
}

/*
 * Peers with the same files and IDs share one loaded copy (a mesh node
 * has one certificate for all its tunnels: hundreds of peers need not
 * parse the same chain, key and CRLs hundreds of times). A copy is shared
 * only within one epoch: ike_cred_reread() starts a new one before each
 * (re)configuration, so that a reload reads the files again, once.
 */
static TAILQ_HEAD(, ike_cred)	cred_cache = TAILQ_HEAD_INITIALIZER(cred_cache);
static unsigned int		cred_epoch;

void
ike_cert_cache(bool on)
{
	cred_cert_cache = on;
}

void
ike_cred_reread(void)
{
	cred_epoch++;
}

static bool
cred_same(const struct ike_conf *a, const struct ike_conf *b)
{
	return strcmp(a->cert, b->cert) == 0 && strcmp(a->key, b->key) == 0 &&
	    strcmp(a->ca, b->ca) == 0 && strcmp(a->crl, b->crl) == 0 &&
	    strcmp(a->local_id, b->local_id) == 0 &&
	    strcmp(a->remote_id, b->remote_id) == 0;
}

/* Like ike_cred_load(), shared; ike_cred_free() drops a reference. */
struct ike_cred *
ike_cred_get(const struct ike_conf *conf, char *err, size_t errlen)
{
	struct ike_cred	*c;

	TAILQ_FOREACH(c, &cred_cache, entry)
		if (c->epoch == cred_epoch && cred_same(&c->from, conf)) {
			c->refs++;
			return c;
		}
	if ((c = ike_cred_load(conf, err, errlen)) == NULL)
		return NULL;
	c->from = *conf;
	c->refs = 1;
	c->epoch = cred_epoch;
	TAILQ_INSERT_HEAD(&cred_cache, c, entry);
	return c;
}

void
ike_cred_free(struct ike_cred *c)
{
	size_t	i;

	if (c == NULL)
		return;
	if (c->refs > 0) {
		if (--c->refs > 0)
			return;
		TAILQ_REMOVE(&cred_cache, c, entry);
	}
	for (i = 0; i < c->ncert; i++)
		OPENSSL_free(c->der[i]);
	EVP_PKEY_free(c->key);
	mcert_free(c->mine);
	if (c->store != NULL)
		mcert_store_free(c->store);
	free(c);
}

/* An ID for logs: the address, the name, or the DN in RFC 2253 form. */
void
ike_id_fmt(uint8_t type, const uint8_t *p, size_t len, char *buf,
    size_t buflen)
{
	X509_NAME	*dn;
	BIO		*b;
	size_t		 i, o = 0;
	int		 n;

	switch (type) {
	case IKE_ID_IPV4_ADDR:
	case IKE_ID_IPV6_ADDR:
		if (inet_ntop(type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6,
		    p, buf, (socklen_t)buflen) == NULL)
			snprintf(buf, buflen, "(bad address)");
		return;
	case IKE_ID_DER_ASN1_DN:
		if ((dn = d2i_X509_NAME(NULL, &p, (long)len)) == NULL ||
		    (b = BIO_new(BIO_s_mem())) == NULL) {
			X509_NAME_free(dn);
			snprintf(buf, buflen, "(bad DN)");
			ERR_clear_error();
			return;
		}
		X509_NAME_print_ex(b, dn, 0, XN_FLAG_RFC2253);
		n = BIO_read(b, buf, (int)buflen - 1);
		buf[n > 0 ? n : 0] = '\0';
		BIO_free(b);
		X509_NAME_free(dn);
		return;
	default:
		for (i = 0; i < len && o + 5 < buflen; i++)
			o += (size_t)snprintf(buf + o, buflen - o,
			    p[i] >= 0x20 && p[i] < 0x7f ? "%c" : "\\x%02x",
			    p[i]);
		buf[o] = '\0';
	}
}
