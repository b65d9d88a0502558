/*
 * test_ike_cookie.c: the responder's COOKIE and half-open limits
 * (overlayd/ike_cookie.c, RFC 7296 2.6, RFC 8019): a cookie is bound to
 * Ni, the initiator's address and SPIi; it stays valid across one secret
 * rotation and not two; its version octet names the secret; the secret
 * is replaced after IKE_COOKIE_USES cookies; the COOKIE threshold and the
 * limit per source address count the responder's half-open IKE SAs.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "unit.h"

#include "ike_sa.h"

static uint8_t	nonce_a[32] = { 1, 2, 3 }, nonce_b[32] = { 1, 2, 4 };

static struct sockaddr_storage
v4(const char *s)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(500);
	assert_int_equal(inet_pton(AF_INET, s, &sin->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage
v6(const char *s)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(500);
	assert_int_equal(inet_pton(AF_INET6, s, &sin6->sin6_addr), 1);
	return ss;
}

/* An IKE_SA_INIT request with nonce N, SPIi SPI and maybe a COOKIE. */
static void
req(struct ike_msg *m, const uint8_t *n, uint64_t spi, const uint8_t *cookie,
    size_t len)
{
	int	i;

	ike_msg_init(m);
	m->hdr = (struct ike_hdr){ .spi_i = spi, .major = 2,
	    .exchange = IKE_SA_INIT, .flags = IKE_FLAG_INITIATOR };
	if (cookie != NULL) {
		i = ike_msg_add(m, IKE_PLD_NOTIFY);
		m->notify[i] = (struct ike_notify){ .type = IKE_N_COOKIE,
		    .data = { cookie, len } };
	}
	ike_msg_add(m, IKE_PLD_NONCE);
	m->nonce = (struct ike_data){ n, 32 };
}

/* The cookie asked of (N, SPI, ADDR) now. */
static void
ask(const uint8_t *n, uint64_t spi, const struct sockaddr_storage *a,
    uint8_t out[IKE_COOKIE_MAX])
{
	struct ike_msg	m;
	size_t		len;

	req(&m, n, spi, NULL, 0);
	assert_false(ike_cookie_ok(&m, a, out, &len));
	assert_int_equal(len, IKE_COOKIE_LEN);
}

static bool
echo_ok(const uint8_t *n, uint64_t spi, const struct sockaddr_storage *a,
    const uint8_t *c, size_t clen)
{
	struct ike_msg	m;
	uint8_t		out[IKE_COOKIE_MAX];
	size_t		len;
	bool		ok;

	req(&m, n, spi, c, clen);
	ok = ike_cookie_ok(&m, a, out, &len);
	assert_int_equal(len, ok ? 0 : IKE_COOKIE_LEN);
	return ok;
}

static void
test_bound(void **state)
{
	struct sockaddr_storage	a = v4("198.51.100.1"), b = v4("198.51.100.2");
	struct sockaddr_storage	c = v6("2001:db8::1");
	uint8_t			ck[IKE_COOKIE_MAX], ck6[IKE_COOKIE_MAX];
	uint8_t			bad[IKE_COOKIE_MAX];
	size_t			i;

	(void)state;
	ask(nonce_a, 0x1122334455667788ULL, &a, ck);
	assert_true(echo_ok(nonce_a, 0x1122334455667788ULL, &a, ck,
	    IKE_COOKIE_LEN));
	/* the same asked again is the same cookie (stateless) */
	ask(nonce_a, 0x1122334455667788ULL, &a, bad);
	assert_memory_equal(ck, bad, IKE_COOKIE_LEN);
	/* bound to the address, the nonce and SPIi */
	assert_false(echo_ok(nonce_a, 0x1122334455667788ULL, &b, ck,
	    IKE_COOKIE_LEN));
	assert_false(echo_ok(nonce_b, 0x1122334455667788ULL, &a, ck,
	    IKE_COOKIE_LEN));
	assert_false(echo_ok(nonce_a, 0x1122334455667789ULL, &a, ck,
	    IKE_COOKIE_LEN));
	/* IPv6 */
	ask(nonce_a, 1, &c, ck6);
	assert_true(echo_ok(nonce_a, 1, &c, ck6, IKE_COOKIE_LEN));
	assert_false(echo_ok(nonce_a, 1, &a, ck6, IKE_COOKIE_LEN));
	/* any flipped bit, any other length */
	for (i = 0; i < IKE_COOKIE_LEN * 8; i++) {
		memcpy(bad, ck, IKE_COOKIE_LEN);
		bad[i / 8] ^= (uint8_t)(1 << (i % 8));
		assert_false(echo_ok(nonce_a, 0x1122334455667788ULL, &a, bad,
		    IKE_COOKIE_LEN));
	}
	assert_false(echo_ok(nonce_a, 0x1122334455667788ULL, &a, ck,
	    IKE_COOKIE_LEN - 1));
	memcpy(bad, ck, IKE_COOKIE_LEN);
	bad[IKE_COOKIE_LEN] = 0;
	assert_false(echo_ok(nonce_a, 0x1122334455667788ULL, &a, bad,
	    IKE_COOKIE_LEN + 1));
}

static void
test_rotation(void **state)
{
	struct sockaddr_storage	a = v4("198.51.100.1");
	uint8_t			c1[IKE_COOKIE_MAX], c2[IKE_COOKIE_MAX];
	uint8_t			c3[IKE_COOKIE_MAX];
	uint64_t		r0;

	(void)state;
	ask(nonce_a, 7, &a, c1);
	r0 = ike_stats()->cookie_rotations;
	assert_int_equal(ike_cookie_rotate(), 0);
	assert_int_equal(ike_stats()->cookie_rotations, r0 + 1);
	/* one rotation: the old cookie is still good, new ones differ */
	assert_true(echo_ok(nonce_a, 7, &a, c1, IKE_COOKIE_LEN));
	ask(nonce_a, 7, &a, c2);
	assert_int_equal(c2[0], (uint8_t)(c1[0] + 1));
	assert_memory_not_equal(c1 + 1, c2 + 1, 32);
	assert_true(echo_ok(nonce_a, 7, &a, c2, IKE_COOKIE_LEN));
	/* the old hash under the new version octet is refused */
	memcpy(c3, c1, IKE_COOKIE_LEN);
	c3[0] = c2[0];
	assert_false(echo_ok(nonce_a, 7, &a, c3, IKE_COOKIE_LEN));
	/* two rotations: the first is gone, the second still good */
	assert_int_equal(ike_cookie_rotate(), 0);
	assert_false(echo_ok(nonce_a, 7, &a, c1, IKE_COOKIE_LEN));
	assert_true(echo_ok(nonce_a, 7, &a, c2, IKE_COOKIE_LEN));
	assert_int_equal(ike_cookie_rotate(), 0);
	assert_false(echo_ok(nonce_a, 7, &a, c2, IKE_COOKIE_LEN));
}

static void
test_uses(void **state)
{
	struct sockaddr_storage	a = v4("198.51.100.1");
	uint8_t			c[IKE_COOKIE_MAX];
	uint64_t		r0;
	unsigned int		i;

	(void)state;
	assert_int_equal(ike_cookie_rotate(), 0);
	r0 = ike_stats()->cookie_rotations;
	for (i = 0; i < IKE_COOKIE_USES; i++)
		ask(nonce_a, i, &a, c);
	assert_int_equal(ike_stats()->cookie_rotations, r0);
	ask(nonce_a, i, &a, c);
	assert_int_equal(ike_stats()->cookie_rotations, r0 + 1);
	/* a cookie echoed is no use of the secret */
	for (i = 0; i < 100; i++)
		assert_true(echo_ok(nonce_a, IKE_COOKIE_USES, &a, c,
		    IKE_COOKIE_LEN));
	assert_int_equal(ike_stats()->cookie_rotations, r0 + 1);
}

static void
test_halfopen(void **state)
{
	struct ikesa		sa[6];
	struct sockaddr_storage	x = v4("198.51.100.3"), y = v4("198.51.100.4");
	struct sockaddr_storage	z = v4("198.51.100.5");
	size_t			i;

	(void)state;
	memset(sa, 0, sizeof(sa));
	ike_configure(4, 2);
	assert_false(ike_cookie_needed());
	assert_false(ike_halfopen_full(&x));
	for (i = 0; i < 6; i++) {
		sa[i].state = IKES_INIT_DONE;
		sa[i].remote = i < 3 ? x : y;
		TAILQ_INSERT_TAIL(ike_sas(), &sa[i], entry);
	}
	sa[2].state = IKES_ESTABLISHED;		/* not half-open */
	sa[5].initiator = true;			/* ours: not counted */
	/* x: 2 half-open, y: 2; in all 4 */
	assert_true(ike_halfopen_full(&x));
	assert_true(ike_halfopen_full(&y));
	assert_false(ike_halfopen_full(&z));
	assert_true(ike_cookie_needed());
	ike_configure(5, 3);
	assert_false(ike_cookie_needed());
	assert_false(ike_halfopen_full(&x));
	ike_configure(0, 0);			/* always COOKIEs, no limit */
	assert_true(ike_cookie_needed());
	assert_false(ike_halfopen_full(&x));
	for (i = 0; i < 6; i++)
		TAILQ_REMOVE(ike_sas(), &sa[i], entry);
	ike_configure(IKE_COOKIE_THRESHOLD, IKE_HALFOPEN_PER_SRC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_uses),
		cmocka_unit_test(test_halfopen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
