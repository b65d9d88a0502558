/*
 * test_ike_frag.c: IKE fragmentation (overlayd/ike_frag.c, RFC 7383): a
 * message larger than the fragment size goes out as SKF fragments that
 * each fit, and comes back together whatever the order; duplicates are
 * ignored, a forged or out-of-range fragment is refused without touching
 * what was kept, a new message ID starts again, fewer fragments than
 * before are refused and more start again, nothing is fragmented unless
 * the peer announced support, and an SK message passes straight through.
 */
#include "config.h"

#include <string.h>

#include "unit.h"

#include "ike_sa.h"
#include "peer.h"

#define CERT_LEN	1500
#define NDGRAM		IKE_FRAG_MAX

static const struct ike_suite	suite = {
	IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_256, IKE_DH_CURVE25519
};

struct side {
	struct peer	p;
	struct ike_peer	ip;
	struct ikesa	sa;
};

static struct side	tx, rx;
static uint8_t		cert[CERT_LEN];
static uint8_t		out[IKE_MSG_MAX];
static uint8_t		plain[IKE_MSG_MAX];
static const uint8_t	*dg[NDGRAM];
static size_t		dglen[NDGRAM];

static void
side_init(struct side *s, uint16_t frag_size, const uint8_t *kin,
    const uint8_t *kout)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&s->sa.remote;

	ike_frag_free(&s->sa);
	ike_aead_clear(&s->sa.a_in);
	ike_aead_clear(&s->sa.a_out);
	memset(s, 0, sizeof(*s));
	snprintf(s->p.conf.name, sizeof(s->p.conf.name), "t");
	s->ip.peer = &s->p;
	s->ip.conf.frag_size = frag_size;
	s->sa.ip = &s->ip;
	s->sa.spi_i = 0x1111111111111111ULL;
	s->sa.spi_r = 0x2222222222222222ULL;
	s->sa.frag_peer = true;
	sin->sin_family = AF_INET;
	assert_int_equal(ike_aead_init(&s->sa.a_in, &suite, kin, 36), 0);
	assert_int_equal(ike_aead_init(&s->sa.a_out, &suite, kout, 36), 0);
}

static int
setup(void **state)
{
	uint8_t		k1[36], k2[36];
	unsigned int	i;

	for (i = 0; i < sizeof(k1); i++) {
		k1[i] = (uint8_t)i;
		k2[i] = (uint8_t)(0xa0 + i);
	}
	for (i = 0; i < CERT_LEN; i++)
		cert[i] = (uint8_t)(i * 7 + 3);
	/* tx sends what rx opens: tx's outbound key is rx's inbound key */
	side_init(&tx, 400, k2, k1);
	side_init(&rx, 400, k1, k2);
	memset(&ike_st, 0, sizeof(ike_st));
	return 0;
}

static int
teardown(void **state)
{
	ike_frag_free(&tx.sa);
	ike_frag_free(&rx.sa);
	ike_aead_clear(&tx.sa.a_in);
	ike_aead_clear(&tx.sa.a_out);
	ike_aead_clear(&rx.sa.a_in);
	ike_aead_clear(&rx.sa.a_out);
	return 0;
}

/* An IKE_AUTH request with one CERT of certlen octets, sealed by tx. */
static size_t
seal(uint32_t msgid, size_t certlen, uint8_t fill)
{
	struct ike_msg	m;
	long		n;
	size_t		off, nd = 0;
	int		i;

	memset(cert, fill, certlen);
	ike_sa_hdr(&tx.sa, &m, IKE_AUTH, false, msgid);
	ike_msg_add(&m, IKE_PLD_SK);
	i = ike_msg_add(&m, IKE_PLD_CERT);
	m.cert[i] = (struct ike_cert){ IKE_CERT_X509_SIG, { cert, certlen } };
	ike_msg_add(&m, IKE_PLD_NONCE);
	m.nonce = (struct ike_data){ cert, 32 };
	n = ike_frag_seal(&tx.sa, &m, out, sizeof(out));
	assert_true(n > 0);
	for (off = 0; off < (size_t)n; off += dglen[nd++]) {
		assert_true(nd < NDGRAM);
		dg[nd] = out + off;
		dglen[nd] = (size_t)out[off + 24] << 24 |
		    (size_t)out[off + 25] << 16 | (size_t)out[off + 26] << 8 |
		    out[off + 27];
		assert_true(dglen[nd] >= IKE_HDR_LEN);
		assert_true(off + dglen[nd] <= (size_t)n);
	}
	return nd;
}

/* Parses datagram i into m and hands it to rx. */
static int
feed(struct ike_msg *m, const uint8_t *p, size_t len)
{
	struct ike_err	e;

	assert_int_equal(ike_msg_parse(m, p, len, &e), 0);
	return ike_frag_open(&rx.sa, m, plain, sizeof(plain), &e);
}

static void
check_cert(const struct ike_msg *m, size_t certlen, uint8_t fill)
{
	size_t	i;

	assert_int_equal(m->ncert, 1);
	assert_int_equal(m->cert[0].data.len, certlen);
	for (i = 0; i < certlen; i++)
		assert_int_equal(m->cert[0].data.p[i], fill);
	assert_true(ike_msg_has(m, IKE_PLD_NONCE));
}

static void
test_in_order(void **state)
{
	struct ike_msg	m;
	size_t		n = seal(1, CERT_LEN, 0x5a), i;

	assert_true(n >= 4);
	assert_int_equal(ike_st.frag_tx, n);
	for (i = 0; i < n; i++) {
		/* each fits in 400 octets of IPv4 and UDP */
		assert_true(dglen[i] <= 400 - 28);
		assert_int_equal(feed(&m, dg[i], dglen[i]), i + 1 == n ? 1 : 0);
		assert_int_equal(m.sk.frag_total, n);
	}
	check_cert(&m, CERT_LEN, 0x5a);
	assert_int_equal(ike_st.frag_rx, n);
	assert_int_equal(ike_st.frag_reassembled, 1);
	assert_int_equal(ike_st.frag_dropped, 0);
}

static void
test_reversed_and_duplicates(void **state)
{
	struct ike_msg	m;
	size_t		n = seal(1, CERT_LEN, 0x11), i;

	for (i = n; i-- > 1;) {
		assert_int_equal(feed(&m, dg[i], dglen[i]), 0);
		assert_int_equal(feed(&m, dg[i], dglen[i]), 0);	/* again */
	}
	assert_int_equal(ike_st.frag_dropped, n - 1);
	assert_int_equal(feed(&m, dg[0], dglen[0]), 1);
	check_cert(&m, CERT_LEN, 0x11);
	assert_int_equal(ike_st.frag_reassembled, 1);
}

static void
test_forged(void **state)
{
	struct ike_msg	m;
	uint8_t		bad[IKE_MSG_MAX];
	size_t		n = seal(1, CERT_LEN, 0x22), i;

	for (i = 0; i + 1 < n; i++)
		assert_int_equal(feed(&m, dg[i], dglen[i]), 0);
	/* the last one with one bit flipped in its ciphertext, then header */
	memcpy(bad, dg[n - 1], dglen[n - 1]);
	bad[dglen[n - 1] - 20] ^= 1;
	assert_int_equal(feed(&m, bad, dglen[n - 1]), -1);
	memcpy(bad, dg[n - 1], dglen[n - 1]);
	bad[20] ^= 0x80;		/* message ID: in the AAD */
	assert_int_equal(feed(&m, bad, dglen[n - 1]), -1);
	assert_int_equal(ike_st.frag_dropped, 2);
	assert_int_equal(ike_st.frag_rx, n - 1);
	/* what was kept is intact: the real one completes it */
	assert_int_equal(feed(&m, dg[n - 1], dglen[n - 1]), 1);
	check_cert(&m, CERT_LEN, 0x22);
}

static void
test_new_msgid(void **state)
{
	struct ike_msg	m;
	size_t		n, i;

	n = seal(1, CERT_LEN, 0x33);
	assert_int_equal(feed(&m, dg[0], dglen[0]), 0);
	assert_int_equal(feed(&m, dg[1], dglen[1]), 0);
	/* message 2 replaces message 1, of which nothing is left */
	n = seal(2, CERT_LEN, 0x44);
	for (i = 0; i < n; i++)
		assert_int_equal(feed(&m, dg[i], dglen[i]), i + 1 == n ? 1 : 0);
	assert_int_equal(m.hdr.msgid, 2);
	check_cert(&m, CERT_LEN, 0x44);
	assert_int_equal(ike_st.frag_reassembled, 1);
}

static void
test_total_changes(void **state)
{
	struct ike_msg	m;
	size_t		n, small, i;

	/* fragments of 400: the first two kept */
	n = seal(1, CERT_LEN, 0x55);
	assert_int_equal(feed(&m, dg[0], dglen[0]), 0);
	/* the same message in fewer, bigger fragments: refused (2.6.2) */
	tx.ip.conf.frag_size = 1000;
	small = seal(1, CERT_LEN, 0x55);
	assert_true(small < n);
	assert_int_equal(feed(&m, dg[1], dglen[1]), -1);
	assert_int_equal(ike_st.frag_dropped, 1);
	/* in more, smaller ones: they start again and complete */
	tx.ip.conf.frag_size = 300;
	n = seal(1, CERT_LEN, 0x55);
	for (i = 0; i < n; i++)
		assert_int_equal(feed(&m, dg[i], dglen[i]), i + 1 == n ? 1 : 0);
	check_cert(&m, CERT_LEN, 0x55);
}

static void
test_out_of_range(void **state)
{
	struct ike_msg	m;
	struct ike_sk	sk = { .first = IKE_PLD_NONCE, .frag_num = 1,
			    .frag_total = IKE_FRAG_MAX + 1 };
	uint8_t		buf[256], pl[40];
	long		n;

	memset(pl, 0, sizeof(pl));
	pl[3] = sizeof(pl);		/* a Nonce payload of 36 octets */
	ike_sa_hdr(&tx.sa, &m, IKE_AUTH, false, 1);
	ike_msg_add(&m, IKE_PLD_SKF);
	assert_int_equal(ike_msg_build_prefix(&m, buf, sizeof(buf)),
	    IKE_HDR_LEN);
	n = ike_sk_seal(&tx.sa.a_out, buf, sizeof(buf), IKE_HDR_LEN, &sk, pl,
	    sizeof(pl));
	assert_true(n > 0);
	assert_int_equal(feed(&m, buf, (size_t)n), -1);
	assert_int_equal(ike_st.frag_dropped, 1);
	assert_int_equal(ike_st.frag_rx, 0);
	assert_null(rx.sa.frag[0]);
	/* a single fragment (1 of 1) is a whole message */
	sk.frag_total = 1;
	ike_sa_hdr(&tx.sa, &m, IKE_AUTH, false, 1);
	ike_msg_add(&m, IKE_PLD_SKF);
	(void)ike_msg_build_prefix(&m, buf, sizeof(buf));
	n = ike_sk_seal(&tx.sa.a_out, buf, sizeof(buf), IKE_HDR_LEN, &sk, pl,
	    sizeof(pl));
	assert_int_equal(feed(&m, buf, (size_t)n), 1);
	assert_true(ike_msg_has(&m, IKE_PLD_NONCE));
}

static void
test_not_negotiated(void **state)
{
	struct ike_msg	m;
	size_t		n;

	/* the receiver never heard the peer announce it: refused */
	n = seal(1, CERT_LEN, 0x66);
	rx.sa.frag_peer = false;
	assert_int_equal(feed(&m, dg[0], dglen[0]), -1);
	assert_int_equal(ike_st.frag_dropped, 1);
	/* the sender without the peer's support sends one SK message */
	tx.sa.frag_peer = false;
	ike_st.frag_tx = 0;
	n = seal(1, CERT_LEN, 0x66);
	assert_int_equal(n, 1);
	assert_int_equal(ike_st.frag_tx, 0);
	assert_true(dglen[0] > CERT_LEN);
	assert_int_equal(feed(&m, dg[0], dglen[0]), 1);
	check_cert(&m, CERT_LEN, 0x66);
}

static void
test_small_unfragmented(void **state)
{
	struct ike_msg	m;

	assert_int_equal(seal(1, 100, 0x77), 1);
	assert_int_equal(ike_st.frag_tx, 0);
	assert_int_equal(feed(&m, dg[0], dglen[0]), 1);
	check_cert(&m, 100, 0x77);
}

static void
test_limit(void **state)
{
	/* RFC 7383 2.5.1 defaults, less IP, UDP and the non-ESP marker */
	tx.ip.conf.frag_size = 0;
	assert_int_equal(ike_frag_limit(&tx.sa), 576 - 28);
	tx.sa.natt = true;
	assert_int_equal(ike_frag_limit(&tx.sa), 576 - 32);
	tx.sa.remote.ss_family = AF_INET6;
	assert_int_equal(ike_frag_limit(&tx.sa), 1280 - 52);
	tx.ip.conf.frag_size = 1000;
	assert_int_equal(ike_frag_limit(&tx.sa), 1000 - 52);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reversed_and_duplicates,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_msgid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_total_changes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_negotiated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_small_unfragmented, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
