/*
 * test_buf.c: the bounded reader (rd_*) and the packet buffer (pkt_*).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "buf.h"

static const uint8_t data[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09
};

/* A failed getter sets EBADMSG and leaves the reader where it was. */
static void
assert_short(struct rd *r, int rv, const uint8_t *p, size_t left)
{
	assert_int_equal(rv, -1);
	assert_int_equal(errno, EBADMSG);
	assert_ptr_equal(rd_ptr(r), p);
	assert_int_equal(rd_left(r), left);
}

static void
test_rd_getters(void **state)
{
	struct rd	r;
	uint8_t		u8, n[3];
	uint16_t	u16;
	uint32_t	u32;

	rd_init(&r, data, sizeof(data));
	assert_ptr_equal(rd_ptr(&r), data);
	assert_int_equal(rd_left(&r), sizeof(data));
	assert_int_equal(rd_get_u8(&r, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(rd_get_u16(&r, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(rd_get_u32(&r, &u32), 0);
	assert_int_equal(u32, 0x04050607);
	assert_int_equal(rd_get_n(&r, n, 0), 0);
	assert_int_equal(rd_get_n(&r, n, 2), 0);
	assert_memory_equal(n, data + 7, 2);
	assert_int_equal(rd_left(&r), 0);
	assert_ptr_equal(rd_ptr(&r), data + sizeof(data));
	assert_int_equal(rd_get_n(&r, n, 0), 0);
	assert_int_equal(rd_skip(&r, 0), 0);
}

/* u32 bytes must not be sign-extended or reordered. */
static void
test_rd_high_bits(void **state)
{
	static const uint8_t	ff[] = { 0xff, 0xfe, 0x80, 0x01, 0x80, 0x00 };
	struct rd		r;
	uint32_t		u32;
	uint16_t		u16;

	rd_init(&r, ff, sizeof(ff));
	assert_int_equal(rd_get_u32(&r, &u32), 0);
	assert_int_equal(u32, 0xfffe8001U);
	assert_int_equal(rd_get_u16(&r, &u16), 0);
	assert_int_equal(u16, 0x8000);
}

/* Every getter, at every length short of what it needs. */
static void
test_rd_short(void **state)
{
	struct rd	r, sub;
	uint8_t		u8 = 0xaa, n[16];
	uint16_t	u16 = 0xaaaa;
	uint32_t	u32 = 0xaaaaaaaa;
	size_t		len;

	for (len = 0; len < 4; len++) {
		rd_init(&r, data, len);
		errno = 0;
		assert_short(&r, rd_get_u32(&r, &u32), data, len);
		assert_int_equal(u32, 0xaaaaaaaa);
		if (len < 2) {
			errno = 0;
			assert_short(&r, rd_get_u16(&r, &u16), data, len);
			assert_int_equal(u16, 0xaaaa);
		}
		if (len < 1) {
			errno = 0;
			assert_short(&r, rd_get_u8(&r, &u8), data, len);
			assert_int_equal(u8, 0xaa);
		}
		errno = 0;
		memset(n, 0xaa, sizeof(n));
		assert_short(&r, rd_get_n(&r, n, len + 1), data, len);
		assert_int_equal(n[0], 0xaa);
		errno = 0;
		assert_short(&r, rd_skip(&r, len + 1), data, len);
		errno = 0;
		assert_short(&r, rd_sub(&r, &sub, len + 1), data, len);
		errno = 0;
		assert_short(&r, rd_skip(&r, SIZE_MAX), data, len);
	}

	/* part-way through: a u32 with 3 bytes left fails and stays put */
	rd_init(&r, data, sizeof(data));
	assert_int_equal(rd_skip(&r, 6), 0);
	errno = 0;
	assert_short(&r, rd_get_u32(&r, &u32), data + 6, 3);
	assert_int_equal(rd_get_u16(&r, &u16), 0);
	assert_int_equal(u16, 0x0708);
	errno = 0;
	assert_short(&r, rd_get_u16(&r, &u16), data + 8, 1);
	assert_int_equal(rd_get_u8(&r, &u8), 0);
	errno = 0;
	assert_short(&r, rd_get_u8(&r, &u8), data + 9, 0);
}

static void
test_rd_sub(void **state)
{
	struct rd	r, sub, subsub;
	uint32_t	u32;
	uint8_t		u8;

	rd_init(&r, data, sizeof(data));
	assert_int_equal(rd_skip(&r, 1), 0);
	assert_int_equal(rd_sub(&r, &sub, 5), 0);
	/* the parent moved past the sub-reader's bytes */
	assert_ptr_equal(rd_ptr(&r), data + 6);
	assert_int_equal(rd_left(&r), 3);
	/* the sub-reader sees exactly its 5 bytes and no more */
	assert_ptr_equal(rd_ptr(&sub), data + 1);
	assert_int_equal(rd_left(&sub), 5);
	assert_int_equal(rd_get_u32(&sub, &u32), 0);
	assert_int_equal(u32, 0x02030405);
	errno = 0;
	assert_short(&sub, rd_get_u16(&sub, &(uint16_t){ 0 }), data + 5, 1);
	assert_int_equal(rd_get_u8(&sub, &u8), 0);
	assert_int_equal(u8, 0x06);
	errno = 0;
	assert_short(&sub, rd_get_u8(&sub, &u8), data + 6, 0);
	/* the parent is unaffected by reading the sub-reader */
	assert_int_equal(rd_get_u8(&r, &u8), 0);
	assert_int_equal(u8, 0x07);

	/* nested, exact and zero-length sub-readers */
	rd_init(&r, data, sizeof(data));
	assert_int_equal(rd_sub(&r, &sub, sizeof(data)), 0);
	assert_int_equal(rd_left(&r), 0);
	assert_int_equal(rd_sub(&sub, &subsub, 0), 0);
	assert_int_equal(rd_left(&subsub), 0);
	assert_int_equal(rd_left(&sub), sizeof(data));
	errno = 0;
	assert_short(&sub, rd_sub(&sub, &subsub, sizeof(data) + 1), data,
	    sizeof(data));
}

static void
test_pkt_reset(void **state)
{
	struct pkt	*pk;

	pk = malloc(sizeof(*pk));
	assert_non_null(pk);
	pkt_reset(pk);
	assert_int_equal(pk->len, 0);
	assert_ptr_equal(pk->data, pk->buf + PKT_HEADROOM);
	assert_int_equal(pkt_headroom(pk), PKT_HEADROOM);
	assert_int_equal(pkt_tailroom(pk), PKT_MAX + PKT_TAILROOM);
	free(pk);
}

static void
test_pkt_push_put(void **state)
{
	struct pkt	*pk;
	uint8_t		*p, *q;

	pk = malloc(sizeof(*pk));
	assert_non_null(pk);
	pkt_reset(pk);
	p = pkt_put(pk, 10);
	assert_ptr_equal(p, pk->buf + PKT_HEADROOM);
	assert_int_equal(pk->len, 10);
	q = pkt_push(pk, 8);
	assert_ptr_equal(q, p - 8);
	assert_ptr_equal(pk->data, q);
	assert_int_equal(pk->len, 18);
	assert_int_equal(pkt_headroom(pk), PKT_HEADROOM - 8);
	assert_int_equal(pkt_tailroom(pk), PKT_MAX + PKT_TAILROOM - 10);

	/* the head room is exact: one byte too many fails, unchanged */
	assert_null(pkt_push(pk, PKT_HEADROOM - 8 + 1));
	assert_ptr_equal(pk->data, q);
	assert_int_equal(pk->len, 18);
	assert_non_null(pkt_push(pk, PKT_HEADROOM - 8));
	assert_ptr_equal(pk->data, pk->buf);
	assert_int_equal(pkt_headroom(pk), 0);
	assert_null(pkt_push(pk, 1));
	assert_non_null(pkt_push(pk, 0));

	/* the tail room is exact too */
	assert_null(pkt_put(pk, pkt_tailroom(pk) + 1));
	assert_int_equal(pk->len, PKT_HEADROOM + 10);
	assert_null(pkt_put(pk, SIZE_MAX));
	p = pkt_put(pk, pkt_tailroom(pk));
	assert_ptr_equal(p, pk->buf + PKT_HEADROOM + 10);
	assert_int_equal(pkt_tailroom(pk), 0);
	assert_int_equal(pk->len, PKT_SIZE);
	assert_null(pkt_put(pk, 1));
	assert_non_null(pkt_put(pk, 0));
	assert_int_equal(pk->len, PKT_SIZE);
	free(pk);
}

static void
test_pkt_pull_trim(void **state)
{
	struct pkt	*pk;
	uint8_t		*p;

	pk = malloc(sizeof(*pk));
	assert_non_null(pk);
	pkt_reset(pk);
	p = pkt_put(pk, 20);
	assert_non_null(p);

	errno = 0;
	assert_int_equal(pkt_pull(pk, 21), -1);
	assert_int_equal(errno, EBADMSG);
	assert_ptr_equal(pk->data, p);
	assert_int_equal(pk->len, 20);
	errno = 0;
	assert_int_equal(pkt_trim(pk, 21), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(pk->len, 20);

	assert_int_equal(pkt_pull(pk, 4), 0);
	assert_ptr_equal(pk->data, p + 4);
	assert_int_equal(pk->len, 16);
	assert_int_equal(pkt_headroom(pk), PKT_HEADROOM + 4);
	assert_int_equal(pkt_trim(pk, 6), 0);
	assert_ptr_equal(pk->data, p + 4);
	assert_int_equal(pk->len, 10);
	assert_int_equal(pkt_tailroom(pk), PKT_MAX + PKT_TAILROOM - 14);

	/* down to empty, then nothing more */
	assert_int_equal(pkt_pull(pk, 3), 0);
	assert_int_equal(pkt_trim(pk, 7), 0);
	assert_int_equal(pk->len, 0);
	assert_int_equal(pkt_pull(pk, 0), 0);
	assert_int_equal(pkt_trim(pk, 0), 0);
	errno = 0;
	assert_int_equal(pkt_pull(pk, 1), -1);
	assert_int_equal(errno, EBADMSG);
	errno = 0;
	assert_int_equal(pkt_trim(pk, 1), -1);
	assert_int_equal(errno, EBADMSG);
	/* pulled head room can be pushed back */
	assert_int_equal(pkt_headroom(pk), PKT_HEADROOM + 7);
	assert_ptr_equal(pkt_push(pk, PKT_HEADROOM + 7), pk->buf);
	assert_int_equal(pk->len, PKT_HEADROOM + 7);
	free(pk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rd_getters),
		cmocka_unit_test(test_rd_high_bits),
		cmocka_unit_test(test_rd_short),
		cmocka_unit_test(test_rd_sub),
		cmocka_unit_test(test_pkt_reset),
		cmocka_unit_test(test_pkt_push_put),
		cmocka_unit_test(test_pkt_pull_trim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
