/*
 * test_bfd.c: the BFD control packet codec (RFC 5880 4.1, the checks of
 * 6.8.6) and the asynchronous session: Down/Init/Up/AdminDown, Poll and
 * Final around timer changes (6.8.3), jitter (6.8.7), detection time
 * (6.8.4) and data as proof of life.
 */
#include "config.h"

#include <string.h>

#include "unit.h"

#include "bfd.h"

#define MS	1000U		/* microseconds */
#define DA	0x11111111U
#define DB	0x22222222U

/* A valid Up packet, as written out by hand from RFC 5880 4.1. */
static const uint8_t up_pkt[BFD_PKT_LEN] = {
	0x20, 0xc0, 0x03, 0x18,		/* v1 diag 0, Up, mult 3, len 24 */
	0x11, 0x11, 0x11, 0x11,		/* my discriminator */
	0x22, 0x22, 0x22, 0x22,		/* your discriminator */
	0x00, 0x01, 0x86, 0xa0,		/* desired min tx 100 ms */
	0x00, 0x01, 0x86, 0xa0,		/* required min rx 100 ms */
	0x00, 0x00, 0x00, 0x00,		/* no echo */
};

static enum bfd_result
parse_mod(size_t off, uint8_t val, size_t len)
{
	uint8_t		buf[64];
	struct bfd_ctl	c;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, up_pkt, sizeof(up_pkt));
	if (off < sizeof(buf))
		buf[off] = val;
	return bfd_parse(buf, len, &c);
}

static void
test_codec(void **state)
{
	struct bfd_ctl	c;
	uint8_t		out[BFD_PKT_LEN];

	assert_int_equal(bfd_parse(up_pkt, sizeof(up_pkt), &c), BFD_OK);
	assert_int_equal(c.version, 1);
	assert_int_equal(c.state, BFD_UP);
	assert_int_equal(c.flags, 0);
	assert_int_equal(c.detect_mult, 3);
	assert_int_equal(c.length, 24);
	assert_int_equal(c.my_discr, DA);
	assert_int_equal(c.your_discr, DB);
	assert_int_equal(c.desired_min_tx, 100 * MS);
	assert_int_equal(c.required_min_rx, 100 * MS);
	bfd_build(&c, out);
	assert_memory_equal(out, up_pkt, sizeof(out));

	/* every field in its place */
	c.diag = BFD_DIAG_NEIGHBOR_DOWN;
	c.state = BFD_INIT;
	c.flags = BFD_FLAG_P | BFD_FLAG_C;
	c.required_min_echo_rx = 0x01020304;
	bfd_build(&c, out);
	assert_int_equal(out[0], 0x23);
	assert_int_equal(out[1], 0x80 | 0x28);
	assert_int_equal(out[20], 1);
	assert_int_equal(out[23], 4);
	assert_int_equal(bfd_parse(out, sizeof(out), &c), BFD_OK);
	assert_int_equal(c.required_min_echo_rx, 0x01020304);

	/* trailing bytes past Length are allowed */
	assert_int_equal(parse_mod(99, 0, 40), BFD_OK);
}

static void
test_parse_bad(void **state)
{
	size_t	i;

	for (i = 0; i < BFD_PKT_LEN; i++)
		assert_int_not_equal(parse_mod(99, 0, i), BFD_OK);
	assert_int_equal(parse_mod(99, 0, 3), BFD_SHORT);
	assert_int_equal(parse_mod(0, 0x00, 24), BFD_BAD_VERSION);
	assert_int_equal(parse_mod(0, 0x40, 24), BFD_BAD_VERSION);
	assert_int_equal(parse_mod(0, 0xe0, 24), BFD_BAD_VERSION);
	assert_int_equal(parse_mod(3, 23, 24), BFD_BAD_LENGTH);
	assert_int_equal(parse_mod(3, 0, 24), BFD_BAD_LENGTH);
	assert_int_equal(parse_mod(3, 25, 24), BFD_SHORT);
	assert_int_equal(parse_mod(3, 255, 64), BFD_SHORT);
	assert_int_equal(parse_mod(2, 0, 24), BFD_ZERO_MULT);
	assert_int_equal(parse_mod(1, 0xc0 | BFD_FLAG_M, 24), BFD_MULTIPOINT);
	assert_int_equal(parse_mod(4, 0, 24) , BFD_OK);	/* 0x00111111 */
	/* A bit: 26 bytes needed, then refused */
	assert_int_equal(parse_mod(1, 0xc0 | BFD_FLAG_A, 24), BFD_BAD_LENGTH);
	assert_int_equal(parse_mod(1, 0xc0 | BFD_FLAG_P | BFD_FLAG_F, 24),
	    BFD_POLL_FINAL);
}

static void
test_parse_discr_auth(void **state)
{
	uint8_t		buf[32];
	struct bfd_ctl	c;

	memcpy(buf, up_pkt, sizeof(up_pkt));
	memset(buf + 4, 0, 4);
	assert_int_equal(bfd_parse(buf, 24, &c), BFD_ZERO_DISCR);
	memcpy(buf, up_pkt, sizeof(up_pkt));
	buf[1] |= BFD_FLAG_A;
	buf[3] = 26;
	buf[24] = 1;	/* simple password */
	buf[25] = 2;
	assert_int_equal(bfd_parse(buf, 26, &c), BFD_AUTH);
	assert_true(bfd_result_str(BFD_AUTH) != NULL);
	assert_string_equal(bfd_result_str(BFD_RESULT_MAX), "unknown");
	assert_string_equal(bfd_state_str(BFD_INIT), "init");
	assert_string_equal(bfd_diag_str(BFD_DIAG_EXPIRED),
	    "detection time expired");
	assert_string_equal(bfd_diag_str(31), "unknown");
}

/* Moves one packet from s to d through the codec; returns d's verdict. */
static enum bfd_result
xfer(struct bfd_session *s, struct bfd_session *d, double now,
    struct bfd_ctl *seen)
{
	struct bfd_ctl	c;
	uint8_t		buf[BFD_PKT_LEN];
	enum bfd_result	r;

	bfd_output(s, &c);
	bfd_build(&c, buf);
	if ((r = bfd_parse(buf, sizeof(buf), &c)) != BFD_OK)
		return r;
	if (seen != NULL)
		*seen = c;
	return bfd_input(d, &c, now);
}

/* Two sessions brought Up by the three-way handshake of 6.2. */
static void
handshake(struct bfd_session *a, struct bfd_session *b)
{
	bfd_init(a, DA, 100 * MS, 3, 0.0);
	bfd_init(b, DB, 100 * MS, 3, 0.0);
	assert_int_equal(a->state, BFD_DOWN);
	assert_int_equal(a->desired_min_tx, BFD_IDLE_TX_US);
	assert_int_equal(a->required_min_rx, 100 * MS);
	assert_int_equal(xfer(a, b, 0.1, NULL), BFD_OK);	/* Down */
	assert_int_equal(b->state, BFD_INIT);
	assert_int_equal(xfer(b, a, 0.2, NULL), BFD_OK);	/* Init */
	assert_int_equal(a->state, BFD_UP);
	assert_int_equal(xfer(a, b, 0.3, NULL), BFD_OK);	/* Up */
	assert_int_equal(b->state, BFD_UP);
}

static void
test_handshake(void **state)
{
	struct bfd_session	a, b;
	struct bfd_ctl		c;

	handshake(&a, &b);
	assert_int_equal(a.remote_discr, DB);
	assert_int_equal(b.remote_discr, DA);
	/* Up: the fast rate applies to sending at once, with a Poll */
	assert_int_equal(a.desired_min_tx, 100 * MS);
	assert_int_equal(a.tx_in_use, 100 * MS);
	assert_true(a.poll);
	/* b's last packet from a carried P: b answers with F, not P */
	assert_true(b.final_due);
	bfd_output(&b, &c);
	assert_int_equal(c.flags, BFD_FLAG_F);
	assert_false(b.final_due);
	bfd_output(&b, &c);
	assert_int_equal(c.flags, BFD_FLAG_P);	/* b's own poll */
	/* b's F ends a's poll */
	b.final_due = true;
	assert_int_equal(xfer(&b, &a, 0.4, &c), BFD_OK);
	assert_int_equal(c.flags, BFD_FLAG_F);
	assert_false(a.poll);
	assert_int_equal(a.state, BFD_UP);
}

static void
test_down_paths(void **state)
{
	struct bfd_session	a, b;
	struct bfd_ctl		c;

	/* neighbor says Down */
	handshake(&a, &b);
	bfd_init(&b, DB + 1, 100 * MS, 3, 1.0);	/* b restarted */
	assert_int_equal(xfer(&b, &a, 1.0, NULL), BFD_OK);
	assert_int_equal(a.state, BFD_DOWN);
	assert_int_equal(a.local_diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_int_equal(a.desired_min_tx, BFD_IDLE_TX_US);
	assert_false(a.poll);
	/* b's new discriminator is learnt and it comes back */
	assert_int_equal(a.remote_discr, DB + 1);

	/* neighbor goes AdminDown */
	handshake(&a, &b);
	bfd_admin_down(&b);
	assert_int_equal(xfer(&b, &a, 1.0, &c), BFD_OK);
	assert_int_equal(c.state, BFD_ADMIN_DOWN);
	assert_int_equal(c.diag, BFD_DIAG_ADMIN_DOWN);
	assert_int_equal(a.state, BFD_DOWN);
	assert_int_equal(a.local_diag, BFD_DIAG_NEIGHBOR_DOWN);
	assert_int_equal(a.remote_state, BFD_ADMIN_DOWN);
	/* AdminDown never comes up on its own, and discards */
	assert_int_equal(xfer(&a, &b, 1.1, NULL), BFD_ADMIN);
	assert_int_equal(b.state, BFD_ADMIN_DOWN);
	/* AdminDown to a Down session changes nothing */
	assert_int_equal(xfer(&b, &a, 1.2, NULL), BFD_OK);
	assert_int_equal(a.state, BFD_DOWN);
}

static void
test_discriminators(void **state)
{
	struct bfd_session	a, b;
	struct bfd_ctl		c;

	handshake(&a, &b);
	bfd_output(&b, &c);
	c.your_discr = DA + 1;
	assert_int_equal(bfd_input(&a, &c, 1.0), BFD_WRONG_DISCR);
	c.your_discr = 0;	/* Up without knowing us */
	assert_int_equal(bfd_input(&a, &c, 1.0), BFD_NO_DISCR);
	c.state = BFD_INIT;
	assert_int_equal(bfd_input(&a, &c, 1.0), BFD_NO_DISCR);
	assert_int_equal(a.state, BFD_UP);
	assert_int_equal(a.rx_packets, 1);	/* the handshake's one */
	/* Init from Down: Init -> Up needs Init or Up */
	bfd_init(&a, DA, 100 * MS, 3, 0.0);
	c.state = BFD_UP;
	c.your_discr = DA;
	assert_int_equal(bfd_input(&a, &c, 1.0), BFD_OK);
	assert_int_equal(a.state, BFD_DOWN);	/* Up while we are Down */
	c.state = BFD_DOWN;
	assert_int_equal(bfd_input(&a, &c, 1.0), BFD_OK);
	assert_int_equal(a.state, BFD_INIT);
	c.state = BFD_DOWN;
	assert_int_equal(bfd_input(&a, &c, 1.0), BFD_OK);
	assert_int_equal(a.state, BFD_INIT);	/* Down keeps Init */
	c.state = BFD_UP;
	assert_int_equal(bfd_input(&a, &c, 1.0), BFD_OK);
	assert_int_equal(a.state, BFD_UP);
}

static void
test_detection(void **state)
{
	struct bfd_session	a, b;

	handshake(&a, &b);
	/* b still advertised 1 s (it was not Up when it sent) */
	assert_int_equal(a.remote_detect_mult, 3);
	assert_int_equal(bfd_detect_time(&a), 3ULL * BFD_IDLE_TX_US);
	/* b Up now: 3 x max(100 ms ours, 100 ms b's) */
	assert_int_equal(xfer(&b, &a, 0.5, NULL), BFD_OK);
	assert_int_equal(bfd_detect_time(&a), 300ULL * MS);
	assert_false(bfd_expired(&a, 0.79));
	/* data from the peer restarts the timer while Up */
	bfd_refresh(&a, 0.7);
	assert_false(bfd_expired(&a, 0.99));
	assert_true(bfd_expired(&a, 1.001));
	assert_int_equal(a.state, BFD_DOWN);
	assert_int_equal(a.local_diag, BFD_DIAG_EXPIRED);
	assert_int_equal(a.remote_discr, 0);
	assert_false(bfd_expired(&a, 9.0));	/* no detection in Down */
	/* data does not hold up a session that is not Up */
	bfd_refresh(&a, 5.0);
	assert_true(a.last_rx < 5.0);

	/* the remote multiplier counts, and the larger interval */
	handshake(&a, &b);
	b.detect_mult = 5;
	b.desired_min_tx = b.tx_in_use = 200 * MS;
	assert_int_equal(xfer(&b, &a, 1.0, NULL), BFD_OK);
	assert_int_equal(bfd_detect_time(&a), 1000ULL * MS);
	assert_true(bfd_deadline(&a) > 1.99 && bfd_deadline(&a) < 2.01);
	/* Init is timed too */
	bfd_init(&a, DA, 100 * MS, 3, 0.0);
	bfd_init(&b, DB, 100 * MS, 3, 0.0);
	assert_int_equal(xfer(&b, &a, 0.0, NULL), BFD_OK);
	assert_int_equal(a.state, BFD_INIT);
	assert_true(bfd_expired(&a, 3.0));
	assert_int_equal(a.state, BFD_DOWN);
}

static void
test_timer_change(void **state)
{
	struct bfd_session	a, b;

	handshake(&a, &b);
	b.final_due = true;
	(void)xfer(&b, &a, 0.4, NULL);		/* F: a's poll ends */
	a.final_due = true;
	(void)xfer(&a, &b, 0.4, NULL);		/* F: b's poll ends */
	assert_false(a.poll);
	assert_false(b.poll);

	/* slower: sending slows only after the Final */
	bfd_set_timers(&a, 500 * MS, 4);
	assert_true(a.poll);
	assert_int_equal(a.desired_min_tx, 500 * MS);
	assert_int_equal(a.tx_in_use, 100 * MS);
	assert_int_equal(a.rx_in_use, 500 * MS);	/* larger: at once */
	assert_int_equal(xfer(&a, &b, 1.0, NULL), BFD_OK);	/* P */
	assert_true(b.final_due);
	assert_int_equal(b.remote_min_rx, 500 * MS);
	assert_int_equal(bfd_tx_interval(&b), 500 * MS);
	assert_int_equal(bfd_detect_time(&b), 4ULL * 500 * MS);
	assert_int_equal(xfer(&b, &a, 1.1, NULL), BFD_OK);	/* F */
	assert_false(a.poll);
	assert_int_equal(a.tx_in_use, 500 * MS);

	/* faster: detection keeps the old value until the Final */
	bfd_set_timers(&a, 50 * MS, 3);
	assert_true(a.poll);
	assert_int_equal(a.tx_in_use, 50 * MS);		/* smaller: at once */
	assert_int_equal(a.rx_in_use, 500 * MS);
	assert_int_equal(xfer(&a, &b, 1.2, NULL), BFD_OK);
	assert_int_equal(xfer(&b, &a, 1.3, NULL), BFD_OK);	/* F */
	assert_int_equal(a.rx_in_use, 50 * MS);
	/* b still sends at 100 ms: detection is 3 x 100 ms */
	assert_int_equal(bfd_detect_time(&a), 300ULL * MS);

	/* outside Up, changes apply at once and the 1 s floor holds */
	bfd_init(&a, DA, 100 * MS, 3, 0.0);
	bfd_set_timers(&a, 2000 * MS, 3);
	assert_false(a.poll);
	assert_int_equal(a.tx_in_use, 2000 * MS);
	bfd_set_timers(&a, 300 * MS, 3);
	assert_int_equal(a.tx_in_use, BFD_IDLE_TX_US);
	assert_int_equal(a.rx_in_use, 300 * MS);
}

static void
test_tx_interval(void **state)
{
	struct bfd_session	a, b;
	uint32_t		r;

	handshake(&a, &b);
	assert_int_equal(bfd_tx_interval(&a), 100 * MS);
	a.remote_min_rx = 0;		/* the peer wants nothing */
	assert_int_equal(bfd_tx_interval(&a), 0);
	a.remote_min_rx = 300 * MS;	/* the slower of the two */
	assert_int_equal(bfd_tx_interval(&a), 300 * MS);
	/* a fresh session: remote_min_rx 1 us, we send at 1 s */
	bfd_init(&a, DA, 100 * MS, 3, 0.0);
	assert_int_equal(bfd_tx_interval(&a), BFD_IDLE_TX_US);

	/* jitter: 75-100 %, 75-90 % with multiplier 1 */
	assert_int_equal(bfd_jitter(100 * MS, 3, 0), 75 * MS);
	assert_int_equal(bfd_jitter(100 * MS, 3, 2500), 100 * MS);
	assert_int_equal(bfd_jitter(100 * MS, 1, 1500), 90 * MS);
	for (r = 0; r < 100000; r += 7) {
		uint32_t j = bfd_jitter(100 * MS, 3, r * 2654435761U);

		assert_true(j >= 75 * MS && j <= 100 * MS);
		j = bfd_jitter(100 * MS, 1, r * 2654435761U);
		assert_true(j >= 75 * MS && j <= 90 * MS);
	}
	assert_int_equal(bfd_jitter(60000 * MS, 2, UINT32_MAX),
	    (uint32_t)(60000ULL * MS * (7500 + UINT32_MAX % 2501) / 10000));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_discr_auth),
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_down_paths),
		cmocka_unit_test(test_discriminators),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_timer_change),
		cmocka_unit_test(test_tx_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
