/*
 * meshcert.h: the coimesh mesh PKI as its users see it (IKE, route server,
 * coimesh-pki): load the mesh CA bundle and CRLs, verify a peer's chain,
 * and read what a node certificate says.
 *
 * A node certificate (certs/ issues them, man/coimesh-pki.1 has the
 * profile) names its node in the subject CN and its organization in O, and
 * carries in subjectAltName
 *	URI:urn:coimesh:node:<org>:<node>	its identity (required)
 *	URI:urn:coimesh:coi:<coi>		one per community of interest
 *	DNS:, IP:, email:			optional further IKE identities
 * and in the RFC 3779 extensions the prefixes (sbgp-ipAddrBlock) and AS
 * numbers (sbgp-autonomousSysNum) it may announce. An organization CA
 * carries O=<org> and, as urn:coimesh:coi: URIs, the COIs it may grant.
 * Names (org, node, COI) match [a-z0-9][a-z0-9-]{0,62}.
 *
 * All certificate and signature checks are OpenSSL's (X509_verify_cert,
 * with CRL checking and the RFC 3779 path validation); on top of them
 * mcert_verify() checks what is mesh-specific: a node certificate is an end
 * entity with a well-formed identity, its organization is that of the CA
 * that issued it, and its COIs are among those that CA may grant.
 */
#ifndef COIMESH_MESHCERT_H
#define COIMESH_MESHCERT_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define MCERT_NAME_MAX		63	/* org, node and COI names */
#define MCERT_COI_MAX		64	/* COIs in one certificate */
#define MCERT_PREFIX_MAX	256	/* prefixes in one certificate */
#define MCERT_ASN_MAX		64	/* AS number ranges in one certificate */
#define MCERT_ALTID_MAX		16	/* DNS, IP and email names, each */
#define MCERT_CHAIN_MAX		8	/* certificates in one chain */
#define MCERT_DER_MAX		((size_t)64 * 1024)	/* bytes in one certificate */
#define MCERT_ERR_MAX		256	/* room for an error message */

#define MCERT_URN_COI		"urn:coimesh:coi:"
#define MCERT_URN_NODE		"urn:coimesh:node:"

/* Results. mcert_strerror() gives each a fixed text, the messages start with it. */
enum mcert_err {
	MCERT_OK = 0,
	MCERT_EXPIRED,		/* "certificate expired" */
	MCERT_NOT_YET_VALID,	/* "certificate not yet valid" */
	MCERT_REVOKED,		/* "certificate revoked" */
	MCERT_UNKNOWN_CA,	/* "unknown CA" */
	MCERT_BAD_SIGNATURE,	/* "bad signature" */
	MCERT_CRL,		/* "CRL problem": missing, expired, bad */
	MCERT_RESOURCES,	/* "prefixes outside the issuer's" (RFC 3779) */
	MCERT_NO_SHARED_COI,	/* "no shared COI" */
	MCERT_ID_MISMATCH,	/* "ID mismatch" */
	MCERT_BAD_COI,		/* "malformed COI URI" */
	MCERT_COI_NOT_GRANTED,	/* "COI not granted by the issuer" */
	MCERT_BAD_IDENTITY,	/* "malformed node identity" */
	MCERT_MALFORMED,	/* "malformed certificate" */
	MCERT_INVALID,		/* "invalid certificate chain": anything else */
	MCERT_SYSTEM		/* "system error": I/O, memory */
};
const char	*mcert_strerror(enum mcert_err);

/* An IP prefix (RFC 3779 ranges are split into prefixes). */
struct mcert_prefix {
	sa_family_t	 af;		/* AF_INET or AF_INET6 */
	uint8_t		 addr[16];	/* network order; host bits zero */
	uint8_t		 plen;
};

struct mcert_asrange {
	uint32_t	 min, max;
};

/* What one certificate says, extracted and checked for form only. */
struct mcert_info {
	char		 subject[256];	/* RFC 2253 one-line form */
	char		 issuer[256];
	char		 serial[41];	/* upper-case hex */
	time_t		 not_before, not_after;
	bool		 is_ca;
	int		 pathlen;	/* -1: none */
	char		 key_type[16];	/* "ec-p256", "ed25519", "rsa", ... */
	char		 org[MCERT_NAME_MAX + 1];	/* subject O, "" if none */
	char		 node[MCERT_NAME_MAX + 1];	/* subject CN if a node */
	bool		 has_node_urn;
	size_t		 ncoi;
	char		 coi[MCERT_COI_MAX][MCERT_NAME_MAX + 1];	/* sorted */
	bool		 has_prefixes;	/* the sbgp-ipAddrBlock extension is there */
	bool		 prefix_inherit;
	size_t		 nprefix;
	struct mcert_prefix prefix[MCERT_PREFIX_MAX];
	bool		 has_asns;
	bool		 asn_inherit;
	size_t		 nasn;
	struct mcert_asrange asn[MCERT_ASN_MAX];
	size_t		 ndns, nemail, nip;
	char		 dns[MCERT_ALTID_MAX][256];
	char		 email[MCERT_ALTID_MAX][256];
	struct mcert_prefix ip[MCERT_ALTID_MAX];	/* plen = full length */
};

/* A parsed certificate: the X509 and its mcert_info. */
struct mcert_cert;

/* Parse one DER certificate (exactly len bytes, nothing after it). */
enum mcert_err	 mcert_parse_der(const uint8_t *, size_t, struct mcert_cert **,
		    char *err, size_t errlen);
/* Take a reference to X and parse it. */
enum mcert_err	 mcert_from_x509(X509 *x, struct mcert_cert **, char *err,
		    size_t errlen);
const struct mcert_info *mcert_info(const struct mcert_cert *);
X509		*mcert_x509(const struct mcert_cert *);	/* borrowed */
EVP_PKEY	*mcert_pubkey(const struct mcert_cert *);	/* borrowed */
void		 mcert_free(struct mcert_cert *);

/* True if S is a valid org, node or COI name. */
bool		 mcert_name_ok(const char *s);
/* "198.18.0.0/15": writes at most len bytes, NUL included. */
void		 mcert_prefix_str(const struct mcert_prefix *, char *, size_t);

/*
 * The trust store: root CAs (self-signed certificates), intermediate CAs
 * (any other certificate; used to complete chains a peer sends short) and
 * CRLs. CRLs are required for every CA in a chain unless
 * mcert_store_crl_optional() says otherwise.
 */
struct mcert_store;
struct mcert_store *mcert_store_new(void);
/* A PEM file of certificates and/or CRLs, in any order and number. */
enum mcert_err	 mcert_store_load(struct mcert_store *, const char *path,
		    char *err, size_t errlen);
enum mcert_err	 mcert_store_add_cert(struct mcert_store *, X509 *);
enum mcert_err	 mcert_store_add_crl(struct mcert_store *, X509_CRL *);
void		 mcert_store_crl_optional(struct mcert_store *, bool);
size_t		 mcert_store_nroots(const struct mcert_store *);
void		 mcert_store_free(struct mcert_store *);
/*
 * Keep the chains mcert_verify() verified at time 0 (now) and hand back
 * what they gave while their verification holds (meshcert_cache.c);
 * off by default.  -1: out of memory.
 */
int		 mcert_store_cache(struct mcert_store *, bool on);
void		 mcert_store_cache_stats(const struct mcert_store *,
		    uint64_t *hits, uint64_t *misses);

/* One certificate as it arrives in an IKE CERT payload (encoding 4). */
struct mcert_der {
	const uint8_t	*der;
	size_t		 len;
};

/*
 * Verify a chain, the end-entity certificate first, at time AT (0: now).
 * On MCERT_OK *leafp (if not NULL) gets the parsed end-entity certificate,
 * for the caller to free. Otherwise ERR says what and whose, beginning
 * with mcert_strerror() of the result, e.g.
 *	"certificate revoked: CN=n1,O=acme (serial 4F...)"
 */
enum mcert_err	 mcert_verify(struct mcert_store *, const struct mcert_der *,
		    size_t n, time_t at, struct mcert_cert **leafp, char *err,
		    size_t errlen);
/* The same for certificates already parsed. */
enum mcert_err	 mcert_verify_x509(struct mcert_store *, X509 *leaf,
		    STACK_OF(X509) *chain, time_t at, struct mcert_cert **leafp,
		    char *err, size_t errlen);

/* IKEv2 identification types (RFC 7296 3.5). */
#define MCERT_ID_IPV4_ADDR	1
#define MCERT_ID_FQDN		2
#define MCERT_ID_RFC822_ADDR	3
#define MCERT_ID_IPV6_ADDR	5
#define MCERT_ID_DER_ASN1_DN	9
#define MCERT_ID_KEY_ID		11

/*
 * Does the IKE ID (type and data as in the ID payload) name this
 * certificate? FQDN and RFC822 match a DNS or email subjectAltName (case
 * insensitive, no wildcards), addresses an IP subjectAltName, a DN the
 * subject. MCERT_OK or MCERT_ID_MISMATCH with the reason in ERR.
 */
enum mcert_err	 mcert_check_id(const struct mcert_cert *, int type,
		    const uint8_t *id, size_t idlen, char *err, size_t errlen);

/*
 * Do the two certificates share a COI? MCERT_OK with the first shared one
 * in *which (if not NULL), or MCERT_NO_SHARED_COI with both sets in ERR.
 */
enum mcert_err	 mcert_check_coi(const struct mcert_info *ours,
		    const struct mcert_info *peer, const char **which,
		    char *err, size_t errlen);
bool		 mcert_has_coi(const struct mcert_info *, const char *coi);

#endif
