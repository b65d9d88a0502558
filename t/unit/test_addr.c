/*
 * test_addr.c: address and prefix parsing, formatting, comparison and
 * sockaddr conversion.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "unit.h"

#include "addr.h"

static void
test_addr_roundtrip(void **state)
{
	static const char	*good[] = {
		"0.0.0.0", "198.18.2.3", "255.255.255.255", "::", "::1",
		"2001:db8::1", "fe80::1:2:3:4", "2001:db8:0:1:2:3:4:5",
		"::ffff:192.0.2.1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	};
	struct addr		a, b;
	char			buf[ADDR_STRLEN];
	size_t			i;

	for (i = 0; i < nitems(good); i++) {
		assert_true(addr_parse(good[i], &a));
		assert_true(addr_is_set(&a));
		assert_int_equal(a.af, strchr(good[i], ':') ? AF_INET6 :
		    AF_INET);
		assert_string_equal(addr_fmt(&a, buf, sizeof(buf)), good[i]);
		assert_true(addr_parse(buf, &b));
		assert_true(addr_eq(&a, &b));
	}
	/* non-canonical input, canonical output */
	assert_true(addr_parse("2001:DB8:0:0::1", &a));
	assert_string_equal(addr_fmt(&a, buf, sizeof(buf)), "2001:db8::1");
}

static void
test_addr_bad(void **state)
{
	static const char	*bad[] = {
		"", " ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ",
		" 1.2.3.4", "1.2.3.-4", "::g", "1:2:3:4:5:6:7:8:9", ":::",
		"1.2.3.4/24", "localhost", "0x01020304",
	};
	struct addr		a;
	size_t			i;

	for (i = 0; i < nitems(bad); i++) {
		memset(&a, 0xa5, sizeof(a));
		assert_false(addr_parse(bad[i], &a));
		assert_false(addr_is_set(&a));
	}
}

static void
test_addr_eq_fmt(void **state)
{
	struct addr	a, b, none;
	char		buf[ADDR_STRLEN], tiny[4];

	memset(&none, 0, sizeof(none));
	assert_false(addr_is_set(&none));
	assert_string_equal(addr_fmt(&none, buf, sizeof(buf)), "none");
	assert_true(addr_eq(&none, &none));

	assert_true(addr_parse("198.18.0.1", &a));
	assert_true(addr_parse("198.18.0.2", &b));
	assert_false(addr_eq(&a, &b));
	assert_false(addr_eq(&a, &none));
	/* the same bits in another family are not the same address */
	assert_true(addr_parse("::c612:1", &b));
	assert_false(addr_eq(&a, &b));
	assert_true(addr_parse("::c612:2", &a));
	assert_false(addr_eq(&a, &b));
	assert_true(addr_parse("::198.18.0.1", &a));
	assert_true(addr_eq(&a, &b));
	/* a buffer too small is still a terminated string */
	assert_true(addr_parse("2001:db8::1", &a));
	addr_fmt(&a, tiny, sizeof(tiny));
	assert_true(memchr(tiny, '\0', sizeof(tiny)) != NULL);
}

static void
test_prefix(void **state)
{
	static const char	*good[] = {
		"198.18.0.0/15", "0.0.0.0/0", "192.0.2.1/32", "::/0",
		"2001:db8::/32", "2001:db8::1/128", "::ffff:0.0.0.0/96",
	};
	struct prefix		p;
	char			buf[PREFIX_STRLEN];
	size_t			i;

	for (i = 0; i < nitems(good); i++) {
		assert_true(prefix_parse(good[i], &p));
		assert_string_equal(prefix_fmt(&p, buf, sizeof(buf)), good[i]);
	}
	assert_true(prefix_parse("198.18.0.0/16", &p));
	assert_int_equal(p.len, 16);
	assert_int_equal(p.addr.af, AF_INET);
	assert_int_equal(ntohl(p.addr.u.v4.s_addr), 0xc6120000);
	assert_true(prefix_parse("2001:db8::/64", &p));
	assert_int_equal(p.len, 64);
	assert_int_equal(p.addr.af, AF_INET6);
	/* leading zeros are still decimal */
	assert_true(prefix_parse("198.18.0.0/08", &p));
	assert_int_equal(p.len, 8);
}

static void
test_prefix_bad(void **state)
{
	static const char	*bad[] = {
		"198.18.0.0/33", "198.18.0.0/-1", "198.18.0.0/", "198.18.0.0/1x",
		"198.18.0.0/+8", "198.18.0.0", "/8", "198.18.0.0//8",
		"198.18.0.0/8/8", "198.18.0/8", "::/129", "::/-0", "::/",
		"::/1000", "198.18.0.0/99999999999999999999999999",
		"198.18.0.0/0x10", "198.18.0.0/8 ", "198.18.0.0 /8", "",
		"2001:db8::/64x", "198.18.0.0/4294967304", "198.18.0.0/ 8",
		"198.18.0.0/\t8", "2001:db8::/ 64", "::/0008",
		/* longer than any address */
		"2001:0db8:0000:0000:0000:0000:0000:00001/64",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999:0000/128",
	};
	struct prefix		p;
	size_t			i;

	for (i = 0; i < nitems(bad); i++)
		if (prefix_parse(bad[i], &p))
			fail_msg("accepted \"%s\"", bad[i]);
}

static void
test_sockaddr(void **state)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct addr		 a, b;
	uint16_t		 port;

	assert_true(addr_parse("192.0.2.44", &a));
	assert_int_equal(addr_to_sa(&a, 4500, &ss), sizeof(*sin));
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 4500);
	assert_int_equal(ntohl(sin->sin_addr.s_addr), 0xc000022c);
	port = 0;
	assert_true(addr_from_sa((struct sockaddr *)&ss, &b, &port));
	assert_true(addr_eq(&a, &b));
	assert_int_equal(port, 4500);
	assert_true(addr_from_sa((struct sockaddr *)&ss, &b, NULL));

	assert_true(addr_parse("2001:db8::7", &a));
	assert_int_equal(addr_to_sa(&a, 65535, &ss), sizeof(*sin6));
	assert_int_equal(sin6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(sin6->sin6_port), 65535);
	assert_int_equal(sin6->sin6_addr.s6_addr[15], 7);
	assert_int_equal(sin6->sin6_scope_id, 0);
	assert_int_equal(sin6->sin6_flowinfo, 0);
	assert_true(addr_from_sa((struct sockaddr *)&ss, &b, &port));
	assert_true(addr_eq(&a, &b));
	assert_int_equal(port, 65535);

	/* no address, no sockaddr; other families refused */
	memset(&a, 0, sizeof(a));
	assert_int_equal(addr_to_sa(&a, 1, &ss), 0);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	memset(&b, 0xa5, sizeof(b));
	assert_false(addr_from_sa((struct sockaddr *)&ss, &b, &port));
	assert_false(addr_is_set(&b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_roundtrip),
		cmocka_unit_test(test_addr_bad),
		cmocka_unit_test(test_addr_eq_fmt),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_bad),
		cmocka_unit_test(test_sockaddr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
