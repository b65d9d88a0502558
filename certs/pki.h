/*
 * pki.h: coimesh-pki, the mesh PKI tool (man/coimesh-pki.1).
 *
 * A CA directory (root or organization) holds:
 *	ca.key		the CA's private key, 0600 (may be absent: --pubkey)
 *	ca.crt		the CA's certificate
 *	root.crt	the mesh root certificate (a copy in organization CAs)
 *	crl.pem		the CA's current CRL
 *	index.json	every certificate the CA issued, with its status, and
 *			the CRL number
 *	certs/SERIAL.pem	a copy of every certificate issued
 *	nodes/NODE.{key,crt,chain.pem}	node files (organization CAs)
 *	.lock		flock(2)ed while a command changes the directory
 * Serial numbers are 127-bit random numbers, checked unique in the index.
 */
#ifndef COIMESH_PKI_H
#define COIMESH_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define PKI_PROG	"coimesh-pki"
#define PKI_MAX_LIST	64	/* --coi, --prefix, ... given at most */
#define PKI_FILE_MAX	(1024L * 1024)	/* biggest file read */

/* util.c */
void	 pki_fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 pki_fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 pki_fatal_ssl(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 pki_time_str(time_t, char *, size_t);
time_t	 pki_parse_time(const char *);
long	 pki_parse_days(const char *);
char	*pki_path(const char *dir, const char *name);	/* dir NULL: name */
void	*pki_read_file(const char *path, size_t *len);

/* file.c: new files never overwrite; all writes go through a temp file */
void	 pki_must_not_exist(const char *path);
void	 pki_stage(const char *dir, const char *name, const void *, size_t,
	    int mode, bool replace);
void	 pki_stage_bio(const char *dir, const char *name, BIO *, int mode,
	    bool replace);
void	 pki_commit(void);
void	 pki_cleanup(void);	/* remove what was staged, not committed */
void	 pki_mkdir_new(const char *path);
void	 pki_mkdir_maybe(const char *path);

/* keys.c */
EVP_PKEY *pki_keygen(const char *type);
EVP_PKEY *pki_key_load(const char *path, const char *passfile);
EVP_PKEY *pki_pubkey_load(const char *path);
BIO	*pki_key_pem(EVP_PKEY *, const char *passfile);
BIO	*pki_pubkey_pem(EVP_PKEY *);
const EVP_MD *pki_md(EVP_PKEY *);

/* resources.c: COIs, prefixes and AS numbers from the command line */
struct pki_res {
	IPAddrBlocks	*blocks;	/* NULL: none given */
	ASIdentifiers	*asid;		/* NULL: none given */
	const char	*coi[PKI_MAX_LIST];
	size_t		 ncoi;
};
void	 pki_res_prefix(struct pki_res *, const char *);
void	 pki_res_asn(struct pki_res *, const char *);
void	 pki_res_coi(struct pki_res *, const char *);
void	 pki_res_within(struct pki_res *, X509 *issuer);
void	 pki_res_free(struct pki_res *);

/* issue.c */
enum pki_kind { PKI_ROOT, PKI_ORG, PKI_NODE };
struct pki_spec {
	enum pki_kind	 kind;
	const char	*cn;
	const char	*org;
	struct pki_res	*res;
	const char	*dns[PKI_MAX_LIST];
	size_t		 ndns;
	const char	*email[PKI_MAX_LIST];
	size_t		 nemail;
	const char	*ip[PKI_MAX_LIST];
	size_t		 nip;
	time_t		 not_before, not_after;
};
X509	*pki_issue(const struct pki_spec *, EVP_PKEY *pub, X509 *issuer,
	    EVP_PKEY *issuer_key, const BIGNUM *serial);
X509_CRL *pki_crl(X509 *ca, EVP_PKEY *key, json_t *index, long days);
int	 pki_reason_code(const char *);

/* cadir.c */
struct pki_ca {
	char		*dir;
	X509		*cert;
	X509		*root;
	EVP_PKEY	*key;		/* NULL unless loaded */
	json_t		*index;
	int		 lockfd;
};
void	 pki_ca_open(struct pki_ca *, const char *dir, bool need_key,
	    const char *passfile);
void	 pki_ca_close(struct pki_ca *);
BIGNUM	*pki_ca_serial(struct pki_ca *);
void	 pki_ca_record(struct pki_ca *, X509 *, const char *kind,
	    const char *name);
void	 pki_ca_stage_index(struct pki_ca *);
void	 pki_ca_stage_crl(struct pki_ca *, long days);
void	 pki_ca_init_files(const char *dir, X509 *cert, X509 *root,
	    EVP_PKEY *key, const char *passfile, json_t *index);
json_t	*pki_index_new(void);
BIO	*pki_cert_pem(X509 *);
BIO	*pki_certs_pem(X509 *, X509 *);
void	 pki_lock(const char *dir, int *fdp);

/* commands */
int	 cmd_root(int, char **);
int	 cmd_org(int, char **);
int	 cmd_node(int, char **);
int	 cmd_key(int, char **);
int	 cmd_revoke(int, char **);
int	 cmd_crl(int, char **);
int	 cmd_list(int, char **);
int	 cmd_show(int, char **);
int	 cmd_verify(int, char **);

#endif
