/*
 * meshcert_id.c: does an IKE ID name a certificate; do two certificates
 * share a COI.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "meshcert.h"
#include "meshcert_int.h"

/* ID as a printable string for messages (or "<binary>"). */
static void
id_str(const uint8_t *id, size_t len, char *buf, size_t buflen)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (id[i] < 0x20 || id[i] > 0x7e || id[i] == '"')
			break;
	if (i < len || len >= buflen)
		snprintf(buf, buflen, "<%zu bytes>", len);
	else {
		memcpy(buf, id, len);
		buf[len] = '\0';
	}
}

static bool
name_in(const char (*names)[256], size_t n, const uint8_t *id, size_t len)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len &&
		    strncasecmp(names[i], (const char *)id, len) == 0)
			return true;
	return false;
}

static bool
addr_in(const struct mcert_info *in, sa_family_t af, const uint8_t *id,
    size_t len)
{
	size_t	i;

	for (i = 0; i < in->nip; i++)
		if (in->ip[i].af == af && memcmp(in->ip[i].addr, id, len) == 0)
			return true;
	return false;
}

static bool
dn_is(X509 *x, const uint8_t *id, size_t len)
{
	const unsigned char	*p = id;
	X509_NAME		*n;
	bool			 same;

	if (len == 0 || len > MCERT_DER_MAX ||
	    (n = d2i_X509_NAME(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return false;
	}
	same = p == id + len &&
	    X509_NAME_cmp(n, X509_get_subject_name(x)) == 0;
	X509_NAME_free(n);
	ERR_clear_error();
	return same;
}

enum mcert_err
mcert_check_id(const struct mcert_cert *c, int type, const uint8_t *id,
    size_t len, char *err, size_t errlen)
{
	const struct mcert_info	*in = &c->info;
	char			 s[INET6_ADDRSTRLEN + 256];

	switch (type) {
	case MCERT_ID_FQDN:
		if (name_in(in->dns, in->ndns, id, len))
			return MCERT_OK;
		id_str(id, len, s, sizeof(s));
		return mcert_seterr(err, errlen, MCERT_ID_MISMATCH,
		    "FQDN \"%s\" is not a DNS name of %s", s, in->subject);
	case MCERT_ID_RFC822_ADDR:
		if (name_in(in->email, in->nemail, id, len))
			return MCERT_OK;
		id_str(id, len, s, sizeof(s));
		return mcert_seterr(err, errlen, MCERT_ID_MISMATCH,
		    "RFC822 \"%s\" is not an email name of %s", s, in->subject);
	case MCERT_ID_IPV4_ADDR:
	case MCERT_ID_IPV6_ADDR:
		if (len != (type == MCERT_ID_IPV4_ADDR ? 4u : 16u))
			return mcert_seterr(err, errlen, MCERT_ID_MISMATCH,
			    "IP address ID of %zu bytes", len);
		if (addr_in(in, type == MCERT_ID_IPV4_ADDR ? AF_INET :
		    AF_INET6, id, len))
			return MCERT_OK;
		inet_ntop(type == MCERT_ID_IPV4_ADDR ? AF_INET : AF_INET6, id,
		    s, sizeof(s));
		return mcert_seterr(err, errlen, MCERT_ID_MISMATCH,
		    "address %s is not an IP name of %s", s, in->subject);
	case MCERT_ID_DER_ASN1_DN:
		if (dn_is(c->x, id, len))
			return MCERT_OK;
		return mcert_seterr(err, errlen, MCERT_ID_MISMATCH,
		    "DN is not the subject %s", in->subject);
	default:
		return mcert_seterr(err, errlen, MCERT_ID_MISMATCH,
		    "ID type %d cannot be matched to a certificate", type);
	}
}

/* "a,b,c" or "(none)". */
static void
coi_list(const struct mcert_info *in, char *buf, size_t len)
{
	size_t	i, off = 0;
	int	n;

	snprintf(buf, len, "(none)");
	for (i = 0; i < in->ncoi && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%s", i ? "," : "",
		    in->coi[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

enum mcert_err
mcert_check_coi(const struct mcert_info *ours, const struct mcert_info *peer,
    const char **which, char *err, size_t errlen)
{
	char	a[256], b[256];
	size_t	i;

	for (i = 0; i < peer->ncoi; i++)
		if (mcert_has_coi(ours, peer->coi[i])) {
			if (which != NULL)
				*which = peer->coi[i];
			return MCERT_OK;
		}
	coi_list(peer, a, sizeof(a));
	coi_list(ours, b, sizeof(b));
	return mcert_seterr(err, errlen, MCERT_NO_SHARED_COI,
	    "%s has COIs %s, ours are %s", peer->subject, a, b);
}
