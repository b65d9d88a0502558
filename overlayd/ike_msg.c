/*
 * ike_msg.c: IKEv2 message header and payload chain (RFC 7296 3.1, 3.2).
 * One loop walks the next-payload chain; each payload's generic header is
 * checked (4 octets present, length >= 4, length <= what is left) before
 * its body goes, as a bounded sub-reader, to its decoder in ike_pld.c.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ike_msg.h"

#define SYNTAX	IKE_N_INVALID_SYNTAX

int
ike_fail(struct ike_err *e, uint16_t notify, const char *fmt, ...)
{
	va_list	ap;

	e->notify = notify;
	e->ndata_len = 0;
	va_start(ap, fmt);
	(void)vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	errno = EBADMSG;
	return -1;
}

void
ike_msg_init(struct ike_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->sk_at = -1;
}

static uint64_t
ike_bit(uint8_t type)
{
	return type >= 32 && type < 96 ? (uint64_t)1 << (type - 32) : 0;
}

bool
ike_msg_has(const struct ike_msg *m, uint8_t type)
{
	return (m->present & ike_bit(type)) != 0;
}

const struct ike_notify *
ike_msg_notify(const struct ike_msg *m, uint16_t type)
{
	uint8_t	i;

	for (i = 0; i < m->nnotify; i++)
		if (m->notify[i].type == type)
			return &m->notify[i];
	return NULL;
}

static bool
ike_known(uint8_t type)
{
	return (type >= IKE_PLD_SA && type <= IKE_PLD_EAP) ||
	    type == IKE_PLD_SKF;
}

static bool
ike_multi_type(uint8_t type)
{
	switch (type) {
	case IKE_PLD_CERT:
	case IKE_PLD_CERTREQ:
	case IKE_PLD_NOTIFY:
	case IKE_PLD_DELETE:
	case IKE_PLD_VENDOR:
		return true;
	}
	return false;
}

static bool
ike_exchange_known(uint8_t x)
{
	return (x >= IKE_SA_INIT && x <= IKE_INFORMATIONAL) ||
	    x == IKE_INTERMEDIATE;
}

int
ike_hdr_parse(struct ike_hdr *h, const uint8_t *p, size_t len,
    struct ike_err *e)
{
	struct rd	r;
	uint8_t		ver;

	memset(h, 0, sizeof(*h));
	rd_init(&r, p, len);
	if (len < IKE_HDR_LEN)
		return ike_fail(e, 0, "message of %zu octets, shorter than"
		    " the %d-octet header", len, IKE_HDR_LEN);
	(void)rd_get_n(&r, &h->spi_i, 8);
	(void)rd_get_n(&r, &h->spi_r, 8);
	h->spi_i = be64toh(h->spi_i);
	h->spi_r = be64toh(h->spi_r);
	(void)rd_get_u8(&r, &h->next);
	(void)rd_get_u8(&r, &ver);
	(void)rd_get_u8(&r, &h->exchange);
	(void)rd_get_u8(&r, &h->flags);
	(void)rd_get_u32(&r, &h->msgid);
	(void)rd_get_u32(&r, &h->length);
	h->major = ver >> 4;
	h->minor = ver & 0x0f;
	/* RFC 7296 2.5: answer a higher major version, ignore the minor */
	if (h->major > IKE_VERSION_MAJOR)
		return ike_fail(e, IKE_N_INVALID_MAJOR_VERSION, "major version"
		    " %u", h->major);
	if (h->major < IKE_VERSION_MAJOR)
		return ike_fail(e, 0, "major version %u", h->major);
	if (h->length != len)
		return ike_fail(e, 0, "header length %u, datagram %zu octets",
		    h->length, len);
	if (!ike_exchange_known(h->exchange))
		return ike_fail(e, 0, "exchange type %u unknown",
		    h->exchange);
	if (h->spi_i == 0)
		return ike_fail(e, 0, "initiator SPI is zero");
	if (h->exchange == IKE_SA_INIT) {
		if (h->msgid != 0)
			return ike_fail(e, 0, "IKE_SA_INIT with message ID"
			    " %u", h->msgid);
		if ((h->flags & IKE_FLAG_RESPONSE) == 0 && h->spi_r != 0)
			return ike_fail(e, 0, "IKE_SA_INIT request with a"
			    " responder SPI");
	}
	return 0;
}

static int
ike_order_add(struct ike_msg *m, uint8_t type, struct ike_err *e)
{
	if (m->norder >= IKE_PLD_MAX)
		return ike_fail(e, SYNTAX, "more than %d payloads",
		    IKE_PLD_MAX);
	if (!ike_multi_type(type) && ike_msg_has(m, type))
		return ike_fail(e, SYNTAX, "duplicate %s payload",
		    ike_payload_name(type));
	if ((type == IKE_PLD_SK && ike_msg_has(m, IKE_PLD_SKF)) ||
	    (type == IKE_PLD_SKF && ike_msg_has(m, IKE_PLD_SK)))
		return ike_fail(e, SYNTAX, "both SK and SKF payloads");
	if (type == IKE_PLD_SK || type == IKE_PLD_SKF)
		m->sk_at = m->norder;
	m->order[m->norder++] = type;
	m->present |= ike_bit(type);
	return 0;
}

/*
 * Walk a payload chain starting with type `next` over all of `r`. `off`
 * is the offset of r's first octet in the message (for the SK AAD);
 * `inner` is set for decrypted payloads, where SK cannot nest.
 */
static int
ike_chain(struct ike_msg *m, uint8_t next, struct rd *r, size_t off,
    bool inner, struct ike_err *e)
{
	const uint8_t	*base = rd_ptr(r);
	struct rd	 body;
	uint8_t		 type, flags;
	uint16_t	 len;
	size_t		 at;

	while (next != IKE_PLD_NONE) {
		type = next;
		at = off + (size_t)(rd_ptr(r) - base);
		if (rd_left(r) < IKE_GEN_HDR_LEN)
			return ike_fail(e, SYNTAX, "%s payload: %zu octets"
			    " left, need %d for its header",
			    ike_payload_name(type), rd_left(r),
			    IKE_GEN_HDR_LEN);
		(void)rd_get_u8(r, &next);
		(void)rd_get_u8(r, &flags);
		(void)rd_get_u16(r, &len);
		if (len < IKE_GEN_HDR_LEN)
			return ike_fail(e, SYNTAX, "%s payload: length %u <"
			    " %d", ike_payload_name(type), len,
			    IKE_GEN_HDR_LEN);
		if (rd_sub(r, &body, len - IKE_GEN_HDR_LEN) == -1)
			return ike_fail(e, SYNTAX, "%s payload: length %u >"
			    " %zu left", ike_payload_name(type), len,
			    rd_left(r) + IKE_GEN_HDR_LEN);
		if (!ike_known(type)) {
			if ((flags & IKE_PLD_CRITICAL) == 0)
				continue;	/* RFC 7296 2.5: skip it */
			ike_fail(e, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
			    "unsupported critical payload type %u", type);
			e->ndata[0] = type;
			e->ndata_len = 1;
			return -1;
		}
		if (type == IKE_PLD_SK || type == IKE_PLD_SKF) {
			if (inner)
				return ike_fail(e, SYNTAX, "%s payload inside"
				    " an encrypted payload",
				    ike_payload_name(type));
			if (m->hdr.exchange == IKE_SA_INIT)
				return ike_fail(e, SYNTAX, "%s payload in"
				    " IKE_SA_INIT", ike_payload_name(type));
			if (rd_left(r) != 0)
				return ike_fail(e, SYNTAX, "%s payload is not"
				    " the last: %zu octets follow",
				    ike_payload_name(type), rd_left(r));
			m->sk.first = next;
			m->sk.aad_len = at + IKE_GEN_HDR_LEN +
			    (type == IKE_PLD_SKF ? 4 : 0);
			next = IKE_PLD_NONE;
		}
		if (ike_order_add(m, type, e) == -1 ||
		    ike_pld_decode(m, type, &body, e) == -1)
			return -1;
	}
	if (rd_left(r) != 0)
		return ike_fail(e, SYNTAX, "%zu octets after the last"
		    " payload", rd_left(r));
	return 0;
}

int
ike_msg_parse(struct ike_msg *m, const uint8_t *p, size_t len,
    struct ike_err *e)
{
	struct rd	r;

	ike_msg_init(m);
	memset(e, 0, sizeof(*e));
	if (ike_hdr_parse(&m->hdr, p, len, e) == -1)
		return -1;
	m->raw.p = p;
	m->raw.len = len;
	rd_init(&r, p + IKE_HDR_LEN, len - IKE_HDR_LEN);
	return ike_chain(m, m->hdr.next, &r, IKE_HDR_LEN, false, e);
}

int
ike_msg_parse_inner(struct ike_msg *m, uint8_t first, const uint8_t *p,
    size_t len, struct ike_err *e)
{
	struct rd	r;

	memset(e, 0, sizeof(*e));
	rd_init(&r, p, len);
	return ike_chain(m, first, &r, 0, true, e);
}

const char *
ike_exchange_name(uint8_t x)
{
	switch (x) {
	case IKE_SA_INIT:
		return "IKE_SA_INIT";
	case IKE_AUTH:
		return "IKE_AUTH";
	case IKE_CREATE_CHILD_SA:
		return "CREATE_CHILD_SA";
	case IKE_INFORMATIONAL:
		return "INFORMATIONAL";
	case IKE_INTERMEDIATE:
		return "IKE_INTERMEDIATE";
	}
	return "unknown";
}

const char *
ike_payload_name(uint8_t t)
{
	static const char	*names[] = {
		"SA", "KE", "IDi", "IDr", "CERT", "CERTREQ", "AUTH", "Nonce",
		"Notify", "Delete", "Vendor ID", "TSi", "TSr", "SK", "CP",
		"EAP",
	};

	if (t >= IKE_PLD_SA && t <= IKE_PLD_EAP)
		return names[t - IKE_PLD_SA];
	if (t == IKE_PLD_SKF)
		return "SKF";
	return "unknown";
}

const char *
ike_notify_name(uint16_t t)
{
	static const struct {
		uint16_t	 type;
		const char	*name;
	} names[] = {
		{ IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
		    "UNSUPPORTED_CRITICAL_PAYLOAD" },
		{ IKE_N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
		{ IKE_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
		{ IKE_N_INVALID_SYNTAX, "INVALID_SYNTAX" },
		{ IKE_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
		{ IKE_N_INVALID_SPI, "INVALID_SPI" },
		{ IKE_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN" },
		{ IKE_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD" },
		{ IKE_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED" },
		{ IKE_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
		{ IKE_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS" },
		{ IKE_N_INTERNAL_ADDRESS_FAILURE,
		    "INTERNAL_ADDRESS_FAILURE" },
		{ IKE_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED" },
		{ IKE_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE" },
		{ IKE_N_INVALID_SELECTORS, "INVALID_SELECTORS" },
		{ IKE_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE" },
		{ IKE_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
		{ IKE_N_INITIAL_CONTACT, "INITIAL_CONTACT" },
		{ IKE_N_SET_WINDOW_SIZE, "SET_WINDOW_SIZE" },
		{ IKE_N_ADDITIONAL_TS_POSSIBLE, "ADDITIONAL_TS_POSSIBLE" },
		{ IKE_N_IPCOMP_SUPPORTED, "IPCOMP_SUPPORTED" },
		{ IKE_N_NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP" },
		{ IKE_N_NAT_DETECTION_DESTINATION_IP,
		    "NAT_DETECTION_DESTINATION_IP" },
		{ IKE_N_COOKIE, "COOKIE" },
		{ IKE_N_USE_TRANSPORT_MODE, "USE_TRANSPORT_MODE" },
		{ IKE_N_HTTP_CERT_LOOKUP_SUPPORTED,
		    "HTTP_CERT_LOOKUP_SUPPORTED" },
		{ IKE_N_REKEY_SA, "REKEY_SA" },
		{ IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED,
		    "ESP_TFC_PADDING_NOT_SUPPORTED" },
		{ IKE_N_NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAGMENTS_ALSO" },
		{ IKE_N_MOBIKE_SUPPORTED, "MOBIKE_SUPPORTED" },
		{ IKE_N_IKEV2_FRAGMENTATION_SUPPORTED,
		    "IKEV2_FRAGMENTATION_SUPPORTED" },
		{ IKE_N_SIGNATURE_HASH_ALGORITHMS,
		    "SIGNATURE_HASH_ALGORITHMS" },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == t)
			return names[i].name;
	return t <= IKE_N_ERROR_MAX ? "error" : "status";
}
