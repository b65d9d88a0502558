/*
 * fuzz_ike_sm.c: libFuzzer target for the IKEv2 state machine as the
 * responder sees it: every record of the input goes through the real
 * dispatch (ike_rx() in overlayd/ike.c, or ike_natt_rx() for UDP 4500) as
 * a datagram from a configured IKE peer, so that IKE_SA_INIT (proposals,
 * KE, COOKIE and half-open limits, collisions), IKE_AUTH (certificate
 * chain, IDs, AUTH) and INFORMATIONAL (DELETE, liveness) run with
 * whatever the fuzzer makes of them. Nothing is sent (no socket is
 * open: ike_sock_send() fails), nothing is installed (no AUTH can pass
 * without a key the mesh CA certified).
 *
 * The peer "fz": local 198.51.100.1, remote 198.51.100.2, passive (so
 * that it never initiates), AES-GCM-256, Curve25519 then ECP-256; its
 * credentials: a P-256 key made at start, the trust store of fuzz_cert
 * (root and CRLs, t/fuzz/fuzz_cert.h), local ID fz.example. The COOKIE
 * threshold is 4 and the half-open limit per source 3, so that a few
 * records reach both.
 *
 * Input: records of KIND (1 byte), LEN (2 bytes, big-endian), LEN bytes
 * (the last one possibly cut short):
 *	KIND % 4 == 0	an IKE message from the peer, UDP port 500 to 500
 *	KIND % 4 == 1	a datagram from the peer's port 4500 to ours
 *			(ike_natt_rx(): keepalive, non-ESP marker and IKE,
 *			or ESP)
 *	KIND % 4 == 2	forge: EXCHANGE (1), FLAGS (1), MESSAGE ID (4,
 *			big-endian), FIRST (1: the first inner payload's
 *			type), then an inner payload chain that the target
 *			seals into an SK payload with the SPIs and the key of
 *			the newest keyed IKE SA (SK_ei: as the initiator
 *			would), and sends from where that SA's peer is; so
 *			the fuzzer gets past the integrity check
 *	KIND % 4 == 3	an IKE message from 198.51.100.3 port 500, which is
 *			no peer (counted, dropped)
 * After the last record every IKE SA is freed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "fuzz_cert.h"
#include "ike_sa.h"
#include "log.h"
#include "peer.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define check(x)	do { if (!(x)) { fprintf(stderr, "%s:%d: %s\n", \
			    __FILE__, __LINE__, #x); abort(); } } while (0)

static struct peer		*fz_peer;
static struct sockaddr_storage	 fz_local, fz_remote, fz_other;
static uint8_t			 fz_msg[IKE_MSG_MAX];

static void
sin_set(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	check(inet_pton(AF_INET, a, &sin->sin_addr) == 1);
}

static struct mcert_store *
fz_store(void)
{
	STACK_OF(X509_INFO)	*infos;
	X509_INFO		*xi;
	struct mcert_store	*s;
	BIO			*b;
	int			 i;

	check((s = mcert_store_new()) != NULL);
	check((b = BIO_new_mem_buf(fuzz_cert_store_pem, -1)) != NULL);
	check((infos = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL)) != NULL);
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 != NULL)
			check(mcert_store_add_cert(s, xi->x509) == MCERT_OK);
		if (xi->crl != NULL)
			check(mcert_store_add_crl(s, xi->crl) == MCERT_OK);
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(b);
	return s;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ike_peer	*ip;
	struct ike_cred	*c;
	struct peer	*p;

	(void)argc;
	(void)argv;
	log_init("fuzz_ike_sm", 1, 0);
	ike_init(ev_default_loop(0));
	ike_configure(4, 3);
	check((p = calloc(1, sizeof(*p))) != NULL);
	snprintf(p->conf.name, sizeof(p->conf.name), "fz");
	check(addr_parse("198.51.100.1", &p->conf.local));
	check(addr_parse("198.51.100.2", &p->conf.remote));
	p->conf.encap = ENCAP_ESP;
	p->conf.ike.on = true;
	p->conf.ike.passive = true;
	p->conf.ike.encr_bits = 256;
	p->conf.ike.ngroups = 2;
	p->conf.ike.groups[0] = IKE_DH_CURVE25519;
	p->conf.ike.groups[1] = IKE_DH_ECP256;
	p->tun_fd = -1;

	check((c = calloc(1, sizeof(*c))) != NULL);
	check((c->key = EVP_EC_gen("P-256")) != NULL);
	c->alg = IKE_SIG_ECDSA_SHA256;
	c->store = fz_store();
	memset(c->certreq, 0x5a, 20);
	c->certreq_len = 20;
	c->lid_type = IKE_ID_FQDN;
	memcpy(c->lid, "fz.example", 10);
	c->lid_len = 10;

	check((ip = calloc(1, sizeof(*ip))) != NULL);
	ip->peer = p;
	ip->conf = p->conf.ike;
	ip->cred = c;
	ip->group = IKE_DH_CURVE25519;
	p->ike = ip;
	TAILQ_INSERT_TAIL(peers(), p, entry);
	fz_peer = p;

	sin_set(&fz_local, "198.51.100.1", IKE_PORT);
	sin_set(&fz_remote, "198.51.100.2", IKE_PORT);
	sin_set(&fz_other, "198.51.100.3", IKE_PORT);
	return 0;
}

static uint16_t
fz_port(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* The newest IKE SA with keys, or NULL. */
static struct ikesa *
fz_keyed(void)
{
	struct ikesa	*sa, *last = NULL;

	TAILQ_FOREACH(sa, ike_sas(), entry)
		if (sa->keyed)
			last = sa;
	return last;
}

static void
fz_forge(const uint8_t *d, size_t len)
{
	struct ikesa	*sa;
	struct ike_aead	 a;
	struct ike_hdr	 h;
	struct ike_sk	 sk;
	long		 n;

	if (len < 7 || len - 7 > IKE_MSG_MAX - 256 || (sa = fz_keyed()) ==
	    NULL)
		return;
	memset(&h, 0, sizeof(h));
	h.spi_i = sa->spi_i;
	h.spi_r = sa->spi_r;
	h.next = IKE_PLD_SK;
	h.major = 2;
	h.exchange = d[0];
	h.flags = d[1];
	h.msgid = (uint32_t)d[2] << 24 | (uint32_t)d[3] << 16 |
	    (uint32_t)d[4] << 8 | d[5];
	ike_hdr_put(&h, fz_msg);
	memset(&sk, 0, sizeof(sk));
	sk.first = d[6];
	/* the key the peer seals with: SK_ei if it is the initiator */
	check(ike_aead_init(&a, &sa->suite, sa->initiator ? sa->keys.sk_er :
	    sa->keys.sk_ei, sa->keys.enc_len) == 0);
	n = ike_sk_seal(&a, fz_msg, sizeof(fz_msg), IKE_HDR_LEN, &sk, d + 7,
	    len - 7);
	ike_aead_clear(&a);
	if (n <= 0)
		return;
	if (fz_port(&sa->local) == IKE_NATT_PORT) {
		memmove(fz_msg + IKE_NATT_MARKER, fz_msg, (size_t)n);
		memset(fz_msg, 0, IKE_NATT_MARKER);
		(void)ike_natt_rx(fz_msg, (size_t)n + IKE_NATT_MARKER,
		    &sa->local, &sa->remote);
	} else
		ike_rx(fz_msg, (size_t)n, &sa->local, &sa->remote);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage	l4, r4;
	struct ikesa		*sa;
	size_t			 len;
	uint8_t			 kind;

	while (size >= 3) {
		kind = data[0];
		len = (size_t)data[1] << 8 | data[2];
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		switch (kind % 4) {
		case 0:
			ike_rx(data, len, &fz_local, &fz_remote);
			break;
		case 1:
			l4 = fz_local;
			r4 = fz_remote;
			ike_sa_set_port(&l4, IKE_NATT_PORT);
			ike_sa_set_port(&r4, IKE_NATT_PORT);
			(void)ike_natt_rx(data, len, &l4, &r4);
			break;
		case 2:
			fz_forge(data, len);
			break;
		default:
			ike_rx(data, len, &fz_local, &fz_other);
		}
		data += len;
		size -= len;
	}
	/* every SA belongs to the one peer; none is ours to keep */
	TAILQ_FOREACH(sa, ike_sas(), entry)
		check(sa->ip == fz_peer->ike);
	while ((sa = TAILQ_FIRST(ike_sas())) != NULL)
		ike_sa_free(sa);
	return 0;
}
