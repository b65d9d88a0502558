/*
 * test_tmode.c: the outer IP header of ESP tunnel mode (overlayd/tmode.c):
 * encapsulation writes exactly IPv4/IPv6 src -> dst protocol 47 with a
 * correct checksum, decapsulation gives the GRE packet back, and every
 * other packet (next header, family, addresses either way, protocol,
 * fragments, IPv4 options, checksum, lengths) is refused untouched.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "unit.h"

#include "tmode.h"

static struct addr	a4, b4, c4, a6, b6;
static struct pkt	pk;
static const uint8_t	gre[] = { 0x00, 0x00, 0x08, 0x00, 0x45, 0, 0, 20 };

static int
setup(void **state)
{
	assert_true(addr_parse("198.51.100.1", &a4));
	assert_true(addr_parse("198.51.100.2", &b4));
	assert_true(addr_parse("198.51.100.3", &c4));
	assert_true(addr_parse("2001:db8:100::1", &a6));
	assert_true(addr_parse("2001:db8:100::2", &b6));
	return 0;
}

static void
load(void)
{
	pkt_reset(&pk);
	memcpy(pkt_put(&pk, sizeof(gre)), gre, sizeof(gre));
}

static void
test_v4(void **state)
{
	load();
	assert_int_equal(tmode_encap(&pk, &a4, &b4), 0);
	assert_int_equal(pk.len, 20 + sizeof(gre));
	assert_int_equal(pk.data[0], 0x45);
	assert_int_equal(pk.data[2] << 8 | pk.data[3], 20 + sizeof(gre));
	assert_int_equal(pk.data[9], 47);
	assert_memory_equal(pk.data + 12, &a4.u.v4, 4);
	assert_memory_equal(pk.data + 16, &b4.u.v4, 4);
	assert_int_equal(ref_cksum(pk.data, 20), 0);
	assert_int_equal(tmode_nh(AF_INET), 4);
	/* the receiver sees it from a4 to b4 */
	assert_int_equal(tmode_decap(&pk, 4, &a4, &b4), 0);
	assert_int_equal(pk.len, sizeof(gre));
	assert_memory_equal(pk.data, gre, sizeof(gre));
}

static void
test_v6(void **state)
{
	load();
	assert_int_equal(tmode_encap(&pk, &a6, &b6), 0);
	assert_int_equal(pk.len, 40 + sizeof(gre));
	assert_int_equal(pk.data[0] >> 4, 6);
	assert_int_equal(pk.data[4] << 8 | pk.data[5], sizeof(gre));
	assert_int_equal(pk.data[6], 47);
	assert_memory_equal(pk.data + 8, &a6.u.v6, 16);
	assert_memory_equal(pk.data + 24, &b6.u.v6, 16);
	assert_int_equal(tmode_decap(&pk, 41, &a6, &b6), 0);
	assert_memory_equal(pk.data, gre, sizeof(gre));
}

/* One way to spoil a good IPv4 tunnel packet; decap must refuse it. */
static void
refuse4(int off, uint8_t xor, uint8_t nh, const struct addr *s,
    const struct addr *d, size_t trim)
{
	size_t	len;

	load();
	assert_int_equal(tmode_encap(&pk, &a4, &b4), 0);
	if (off >= 0)
		pk.data[off] ^= xor;
	pk.len -= trim;
	len = pk.len;
	assert_int_equal(tmode_decap(&pk, nh, s, d), -1);
	assert_int_equal(pk.len, len);		/* untouched */
}

static void
test_refused(void **state)
{
	refuse4(-1, 0, 41, &a4, &b4, 0);	/* next header */
	refuse4(-1, 0, 47, &a4, &b4, 0);	/* transport's */
	refuse4(-1, 0, 4, &c4, &b4, 0);		/* another source */
	refuse4(-1, 0, 4, &a4, &c4, 0);		/* another destination */
	refuse4(-1, 0, 4, &b4, &a4, 0);		/* reversed */
	refuse4(-1, 0, 4, &a6, &b6, 0);		/* the other family */
	refuse4(9, 47 ^ 17, 4, &a4, &b4, 0);	/* UDP, not GRE */
	refuse4(6, 0x20, 4, &a4, &b4, 0);	/* more fragments */
	refuse4(7, 0x01, 4, &a4, &b4, 0);	/* an offset */
	refuse4(10, 0x01, 4, &a4, &b4, 0);	/* checksum */
	refuse4(0, 0x01, 4, &a4, &b4, 0);	/* IHL 6: options */
	refuse4(3, 0x01, 4, &a4, &b4, 0);	/* total length */
	refuse4(-1, 0, 4, &a4, &b4, 1);		/* truncated */
	refuse4(0, 0x20, 4, &a4, &b4, 0);	/* version 6 */
	/* a mixed-family encapsulation is not written */
	load();
	assert_int_equal(tmode_encap(&pk, &a4, &b6), -1);
	assert_int_equal(pk.len, sizeof(gre));
	/* nothing at all */
	pkt_reset(&pk);
	assert_int_equal(tmode_decap(&pk, 4, &a4, &b4), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
