/*
 * ike_msg.h: the IKEv2 message codec (RFC 7296 section 3, RFC 7383
 * fragments, RFC 7427 notifies). ike_msg_parse() validates a message read
 * from the wire through the bounded reader (buf.h) and decodes it into a
 * struct ike_msg; ike_msg_build() writes one back. Decoding is zero-copy:
 * variable-length fields are struct ike_data slices pointing into the
 * buffer parsed, which must outlive the struct ike_msg.
 *
 * Every refusal fills a struct ike_err with a precise reason and, where
 * RFC 7296 says to answer, the notify type (and its data) to answer with.
 * Whether an answer is actually sent (never for unauthenticated garbage,
 * see RFC 7296 2.21) is the state machine's decision.
 */
#ifndef OVL_IKE_MSG_H
#define OVL_IKE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define IKE_HDR_LEN		28
#define IKE_GEN_HDR_LEN		4
#define IKE_SKF_HDR_LEN		8	/* generic header, number, total */
#define IKE_MSG_MAX		65535
#define IKE_VERSION_MAJOR	2

/* Exchange types (RFC 7296 3.1, RFC 9242) */
#define IKE_SA_INIT		34
#define IKE_AUTH		35
#define IKE_CREATE_CHILD_SA	36
#define IKE_INFORMATIONAL	37
#define IKE_INTERMEDIATE	43

/* Header flags; the other bits are sent as zero and ignored. */
#define IKE_FLAG_INITIATOR	0x08
#define IKE_FLAG_VERSION	0x10
#define IKE_FLAG_RESPONSE	0x20

/* Payload types (RFC 7296 3.2, RFC 7383) */
#define IKE_PLD_NONE		0
#define IKE_PLD_SA		33
#define IKE_PLD_KE		34
#define IKE_PLD_IDI		35
#define IKE_PLD_IDR		36
#define IKE_PLD_CERT		37
#define IKE_PLD_CERTREQ		38
#define IKE_PLD_AUTH		39
#define IKE_PLD_NONCE		40
#define IKE_PLD_NOTIFY		41
#define IKE_PLD_DELETE		42
#define IKE_PLD_VENDOR		43
#define IKE_PLD_TSI		44
#define IKE_PLD_TSR		45
#define IKE_PLD_SK		46
#define IKE_PLD_CP		47
#define IKE_PLD_EAP		48
#define IKE_PLD_SKF		53
#define IKE_PLD_CRITICAL	0x80	/* in the second header octet */

/* Security protocol IDs (proposals, notifies, deletes) */
#define IKE_PROTO_IKE		1
#define IKE_PROTO_AH		2
#define IKE_PROTO_ESP		3

/* Transform types and the IDs coimesh uses (RFC 7296 3.3.2, RFC 8247) */
#define IKE_XF_ENCR		1
#define IKE_XF_PRF		2
#define IKE_XF_INTEG		3
#define IKE_XF_DH		4
#define IKE_XF_ESN		5
#define IKE_ENCR_AES_CBC	12
#define IKE_ENCR_AES_GCM_8	18
#define IKE_ENCR_AES_GCM_12	19
#define IKE_ENCR_AES_GCM_16	20
#define IKE_ENCR_CHACHA20_POLY1305 28
#define IKE_PRF_HMAC_SHA2_256	5
#define IKE_INTEG_NONE		0
#define IKE_INTEG_HMAC_SHA2_256_128 12
#define IKE_DH_MODP2048		14
#define IKE_DH_ECP256		19
#define IKE_DH_CURVE25519	31
#define IKE_ESN_NO		0
#define IKE_ESN_YES		1
#define IKE_ATTR_KEY_LENGTH	14
#define IKE_ATTR_TV		0x8000	/* attribute format bit */

/* ID types (RFC 7296 3.5, RFC 7619) */
#define IKE_ID_IPV4_ADDR	1
#define IKE_ID_FQDN		2
#define IKE_ID_RFC822_ADDR	3
#define IKE_ID_IPV6_ADDR	5
#define IKE_ID_DER_ASN1_DN	9
#define IKE_ID_DER_ASN1_GN	10
#define IKE_ID_KEY_ID		11
#define IKE_ID_NULL		13

/* Certificate encodings (RFC 7296 3.6) */
#define IKE_CERT_X509_SIG	4
#define IKE_CERT_CRL		7
#define IKE_CERT_HASH_URL	12

/* Authentication methods (RFC 7296 3.8, RFC 7427) */
#define IKE_AUTH_RSA_SIG	1
#define IKE_AUTH_PSK		2
#define IKE_AUTH_ECDSA_256	9
#define IKE_AUTH_SIG		14	/* RFC 7427 digital signature */

/* Nonce length bounds (RFC 7296 3.9) */
#define IKE_NONCE_MIN		16
#define IKE_NONCE_MAX		256

/* Notify types (RFC 7296 3.10.1 and the IANA registry) */
#define IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD	1
#define IKE_N_INVALID_IKE_SPI			4
#define IKE_N_INVALID_MAJOR_VERSION		5
#define IKE_N_INVALID_SYNTAX			7
#define IKE_N_INVALID_MESSAGE_ID		9
#define IKE_N_INVALID_SPI			11
#define IKE_N_NO_PROPOSAL_CHOSEN		14
#define IKE_N_INVALID_KE_PAYLOAD		17
#define IKE_N_AUTHENTICATION_FAILED		24
#define IKE_N_SINGLE_PAIR_REQUIRED		34
#define IKE_N_NO_ADDITIONAL_SAS			35
#define IKE_N_INTERNAL_ADDRESS_FAILURE		36
#define IKE_N_FAILED_CP_REQUIRED		37
#define IKE_N_TS_UNACCEPTABLE			38
#define IKE_N_INVALID_SELECTORS			39
#define IKE_N_TEMPORARY_FAILURE			43
#define IKE_N_CHILD_SA_NOT_FOUND		44
#define IKE_N_ERROR_MAX				16383	/* below: errors */
#define IKE_N_INITIAL_CONTACT			16384
#define IKE_N_SET_WINDOW_SIZE			16385
#define IKE_N_ADDITIONAL_TS_POSSIBLE		16386
#define IKE_N_IPCOMP_SUPPORTED			16387
#define IKE_N_NAT_DETECTION_SOURCE_IP		16388
#define IKE_N_NAT_DETECTION_DESTINATION_IP	16389
#define IKE_N_COOKIE				16390
#define IKE_N_USE_TRANSPORT_MODE		16391
#define IKE_N_HTTP_CERT_LOOKUP_SUPPORTED	16392
#define IKE_N_REKEY_SA				16393
#define IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED	16394
#define IKE_N_NON_FIRST_FRAGMENTS_ALSO		16395
#define IKE_N_MOBIKE_SUPPORTED			16396
#define IKE_N_IKEV2_FRAGMENTATION_SUPPORTED	16430
#define IKE_N_SIGNATURE_HASH_ALGORITHMS		16431

#define IKE_COOKIE_MAX		64
#define IKE_NATD_LEN		20	/* SHA-1 */

/* Traffic selector types (RFC 7296 3.13.1) */
#define IKE_TS_IPV4_ADDR_RANGE	7
#define IKE_TS_IPV6_ADDR_RANGE	8

/* Storage bounds of a decoded message (see doc/ike.md) */
#define IKE_PLD_MAX		64	/* payloads in one message */
#define IKE_PROP_MAX		16	/* proposals kept per SA payload */
#define IKE_XFORM_MAX		64	/* transforms per proposal */
#define IKE_TS_MAX		16	/* selectors per TS payload */
#define IKE_NOTIFY_MAX		32
#define IKE_CERT_MAX		16
#define IKE_CERTREQ_MAX		8
#define IKE_VENDOR_MAX		16
#define IKE_DELETE_MAX		16
#define IKE_SPI_MAX		8	/* octets */

/* A slice of the buffer the message was parsed from (or built from). */
struct ike_data {
	const uint8_t	*p;
	size_t		 len;
};

struct ike_hdr {
	uint64_t	spi_i;
	uint64_t	spi_r;
	uint8_t		next;		/* first payload type */
	uint8_t		major;
	uint8_t		minor;
	uint8_t		exchange;
	uint8_t		flags;
	uint32_t	msgid;
	uint32_t	length;
};

struct ike_xform {
	uint8_t		type;
	uint16_t	id;
	uint16_t	keylen;		/* bits; 0: no Key Length attribute */
	bool		unknown_attr;	/* so this transform is unusable */
};

struct ike_prop {
	uint8_t		 num;
	uint8_t		 proto;
	uint8_t		 spi_size;
	uint8_t		 spi[IKE_SPI_MAX];
	uint8_t		 nxf;
	struct ike_xform xf[IKE_XFORM_MAX];
	bool		 oversize;	/* > IKE_XFORM_MAX transforms, none kept */
};

struct ike_sa {
	uint8_t		 nprop;
	struct ike_prop	 prop[IKE_PROP_MAX];
	bool		 truncated;	/* proposals past IKE_PROP_MAX dropped */
};

struct ike_ke {
	uint16_t	group;
	struct ike_data	data;
};

struct ike_id {
	uint8_t		type;
	struct ike_data	data;
	struct ike_data	body;	/* type, RESERVED, data: what AUTH signs */
};

struct ike_cert {		/* CERT and CERTREQ */
	uint8_t		enc;
	struct ike_data	data;
};

struct ike_auth {
	uint8_t		method;
	struct ike_data	data;
};

struct ike_notify {
	uint8_t		proto;
	uint8_t		spi_size;	/* 0 or 4 */
	uint32_t	spi;
	uint16_t	type;
	struct ike_data	data;
};

struct ike_delete {
	uint8_t		proto;
	uint8_t		spi_size;
	uint16_t	nspi;
	struct ike_data	spis;		/* nspi * spi_size octets */
};

struct ike_ts {
	uint8_t		type;
	uint8_t		proto;		/* 0: any */
	uint16_t	sport;
	uint16_t	eport;
	uint8_t		start[16];	/* 4 octets used for IPv4 */
	uint8_t		end[16];
};

struct ike_ts_set {
	uint8_t		nts;
	struct ike_ts	ts[IKE_TS_MAX];
};

struct ike_sk {			/* SK and SKF */
	uint8_t		first;		/* type of the first inner payload */
	uint16_t	frag_num;	/* SKF only */
	uint16_t	frag_total;
	size_t		aad_len;	/* message octets before the IV */
	struct ike_data	body;		/* IV, ciphertext, ICV */
};

struct ike_msg {
	struct ike_hdr		hdr;
	struct ike_data		raw;		/* the message parsed */
	uint64_t		present;	/* bit (type - 32) */
	uint8_t			norder;		/* payloads, in order */
	uint8_t			order[IKE_PLD_MAX];
	int			sk_at;		/* SK/SKF index in order, or -1;
						   inner payloads follow it */

	struct ike_sa		sa;
	struct ike_ke		ke;
	struct ike_id		idi, idr;
	struct ike_auth		auth;
	struct ike_data		nonce;
	struct ike_ts_set	tsi, tsr;
	struct ike_sk		sk;		/* SK or SKF */
	struct ike_data		cp, eap;	/* not decoded */
	uint8_t			ncert, ncertreq, nnotify, nvendor, ndelete;
	struct ike_cert		cert[IKE_CERT_MAX];
	struct ike_cert		certreq[IKE_CERTREQ_MAX];
	struct ike_notify	notify[IKE_NOTIFY_MAX];
	struct ike_data		vendor[IKE_VENDOR_MAX];
	struct ike_delete	del[IKE_DELETE_MAX];
};

/* Why a message was refused, and the notify to answer with, if any. */
struct ike_err {
	uint16_t	notify;		/* 0: drop, no answer */
	uint8_t		ndata[2];	/* notify data */
	uint8_t		ndata_len;
	char		reason[192];
};

void		 ike_msg_init(struct ike_msg *);
int		 ike_hdr_parse(struct ike_hdr *, const uint8_t *, size_t,
		    struct ike_err *);
int		 ike_msg_parse(struct ike_msg *, const uint8_t *, size_t,
		    struct ike_err *);
int		 ike_msg_parse_inner(struct ike_msg *, uint8_t first,
		    const uint8_t *, size_t, struct ike_err *);
bool		 ike_msg_has(const struct ike_msg *, uint8_t type);
const struct ike_notify *ike_msg_notify(const struct ike_msg *, uint16_t);

/*
 * Building. ike_msg_add() appends a payload type to the order and returns
 * the index of the element to fill (for CERT, CERTREQ, Notify, Delete and
 * Vendor ID; 0 for the others), or -1 if the type is unknown, a second
 * single-instance payload, or past a limit. Payloads added after SK/SKF
 * are the encrypted ones.
 *
 * ike_msg_build() writes the header and the payloads up to and including
 * SK/SKF, whose body (IV, ciphertext, ICV) is taken as given: for
 * retransmission and tests. ike_msg_seal() (ike_crypto.h) builds and
 * encrypts in one go, through ike_msg_build_prefix() (header and the
 * payloads before SK, the last announcing SK; header length left zero)
 * and ike_msg_build_inner() (the payloads after SK: the plaintext).
 * All return the length written, or -1 with errno ENOSPC when `cap` is too
 * small or EINVAL when a field cannot be encoded (what the parser would
 * refuse, the builder refuses to write).
 */
int		 ike_msg_add(struct ike_msg *, uint8_t type);
long		 ike_msg_build(const struct ike_msg *, uint8_t *, size_t cap);
long		 ike_msg_build_prefix(const struct ike_msg *, uint8_t *,
		    size_t cap);
long		 ike_msg_build_inner(const struct ike_msg *, uint8_t *,
		    size_t cap);
void		 ike_hdr_put(const struct ike_hdr *, uint8_t [IKE_HDR_LEN]);
int		 ike_fail(struct ike_err *, uint16_t notify, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* ike_pld.c: one validator/decoder per payload type, for ike_msg.c */
int		 ike_pld_decode(struct ike_msg *, uint8_t type, struct rd *,
		    struct ike_err *);

const char	*ike_exchange_name(uint8_t);
const char	*ike_payload_name(uint8_t);
const char	*ike_notify_name(uint16_t);

#endif
