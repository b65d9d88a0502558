/*
 * test_replay.c: the anti-replay window (RFC 4303 3.4.3, RFC 6479 ring)
 * and ESN inference (RFC 4303 appendix A2.2), by hand and against a
 * reference model over pseudo-random traffic.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "replay.h"

static const uint32_t	sizes[] = { 64, 1024, 4096 };

/* Receives `seq` the way esp_open() does: check, then update. */
static bool
recv_seq(struct replay *r, uint64_t seq)
{
	if (!replay_check(r, seq))
		return false;
	replay_update(r, seq);
	return true;
}

static void
test_init_sizes(void **state)
{
	static const struct {
		uint32_t	in, out;
	} t[] = {
		{ 0, 64 }, { 1, 64 }, { 32, 64 }, { 64, 64 }, { 65, 128 },
		{ 1000, 1024 }, { 1024, 1024 }, { 4095, 4096 },
		{ 4096, 4096 }, { 4097, 4096 }, { UINT32_MAX, 4096 },
	};
	struct replay	r;
	size_t		i;

	for (i = 0; i < nitems(t); i++) {
		memset(&r, 0xa5, sizeof(r));
		replay_init(&r, t[i].in);
		assert_int_equal(r.size, t[i].out);
		assert_int_equal(r.top, 0);
		/* a fresh window accepts anything but 0 */
		assert_false(replay_check(&r, 0));
		assert_true(replay_check(&r, 1));
		assert_true(replay_check(&r, UINT32_MAX));
	}
}

static void
test_in_order(void **state)
{
	struct replay	r;
	uint64_t	s;
	size_t		i;

	for (i = 0; i < nitems(sizes); i++) {
		replay_init(&r, sizes[i]);
		for (s = 1; s <= 3 * sizes[i]; s++) {
			assert_true(recv_seq(&r, s));
			assert_int_equal(r.top, s);
			assert_false(replay_check(&r, s));
			assert_false(replay_check(&r, s - 1 + (s == 1)));
		}
	}
}

static void
test_window_edge(void **state)
{
	struct replay	r;
	uint64_t	top;
	size_t		i;

	for (i = 0; i < nitems(sizes); i++) {
		uint32_t w = sizes[i];

		replay_init(&r, w);
		top = 5ULL * w + 17;
		assert_true(recv_seq(&r, top));
		/* top - w + 1 is the oldest in the window, top - w is out */
		assert_false(replay_check(&r, top - w));
		assert_false(replay_check(&r, top - w - 1));
		assert_false(replay_check(&r, 1));
		assert_true(replay_check(&r, top - w + 1));
		assert_true(recv_seq(&r, top - w + 1));
		assert_false(replay_check(&r, top - w + 1));
		/* out of order within the window, once each */
		assert_true(recv_seq(&r, top - 1));
		assert_true(recv_seq(&r, top - w / 2));
		assert_false(recv_seq(&r, top - 1));
		assert_false(recv_seq(&r, top - w / 2));
		assert_false(recv_seq(&r, top));
		/* one step forward: the oldest falls out */
		assert_true(recv_seq(&r, top + 1));
		assert_false(replay_check(&r, top - w + 1));
		assert_true(replay_check(&r, top - w + 2));
		assert_true(replay_check(&r, top - 2));
	}
}

/*
 * After a jump the slots the ring reuses must be clean: everything in the
 * new window that was not received is accepted.
 */
static void
test_jumps(void **state)
{
	struct replay	r;
	uint64_t	s, base, jump;
	size_t		i, j;

	for (i = 0; i < nitems(sizes); i++) {
		uint32_t	w = sizes[i], nb = w / 64 + 1;
		const uint64_t	jumps[] = {
			1, 63, 64, 65, w - 1, w, w + 1, 64ULL * nb - 1,
			64ULL * nb, 64ULL * nb + 1, 2ULL * w, 64ULL * nb * 3,
			1ULL << 32, (1ULL << 40) + 12345,
		};

		for (j = 0; j < nitems(jumps); j++) {
			replay_init(&r, w);
			base = 1000003;
			/* the whole window seen */
			for (s = base - w + 1; s <= base; s++)
				assert_true(recv_seq(&r, s));
			jump = jumps[j];
			assert_true(recv_seq(&r, base + jump));
			assert_int_equal(r.top, base + jump);
			for (s = base + jump - w + 1; s < base + jump; s++)
				if (s <= base)
					assert_false(replay_check(&r, s));
				else
					assert_true(replay_check(&r, s));
			assert_false(replay_check(&r, base + jump - w));
			assert_false(replay_check(&r, base + jump));
		}
	}
}

/* A failed check must not be followed by an update; a check is pure. */
static void
test_check_pure(void **state)
{
	struct replay	r, before;

	replay_init(&r, 1024);
	assert_true(recv_seq(&r, 5000));
	before = r;
	assert_true(replay_check(&r, 9000));
	assert_true(replay_check(&r, 4999));
	assert_false(replay_check(&r, 5000));
	assert_false(replay_check(&r, 1));
	assert_memory_equal(&before, &r, sizeof(r));
}

/* RFC 4303 A2.2, each branch by hand (W = 64). */
static void
test_esn_branches(void **state)
{
	struct replay	r;

	replay_init(&r, 64);
	/* case A: Tl >= W - 1 */
	r.top = 0x100000100ULL;
	assert_int_equal(replay_infer(&r, 0x100, true), 0x100000100ULL);
	assert_int_equal(replay_infer(&r, 0xc1, true), 0x1000000c1ULL);
	assert_int_equal(replay_infer(&r, 0xc0, true), 0x2000000c0ULL);
	assert_int_equal(replay_infer(&r, 0, true), 0x200000000ULL);
	assert_int_equal(replay_infer(&r, 0xffffffff, true), 0x1ffffffffULL);
	r.top = 0x10000003fULL;				/* Tl == W - 1 */
	assert_int_equal(replay_infer(&r, 0, true), 0x100000000ULL);
	assert_int_equal(replay_infer(&r, 0xffffffff, true), 0x1ffffffffULL);

	/* case B: Tl < W - 1, the window reaches into subspace Th - 1 */
	r.top = 0x100000010ULL;
	assert_int_equal(replay_infer(&r, 0xffffffff, true), 0xffffffffULL);
	assert_int_equal(replay_infer(&r, 0xffffffd1, true), 0xffffffd1ULL);
	assert_int_equal(replay_infer(&r, 0xffffffd0, true), 0x1ffffffd0ULL);
	assert_int_equal(replay_infer(&r, 5, true), 0x100000005ULL);
	assert_int_equal(replay_infer(&r, 0x10, true), 0x100000010ULL);
	assert_int_equal(replay_infer(&r, 0x11, true), 0x100000011ULL);
	r.top = 0x130000003eULL;				/* Tl == W - 2 */
	assert_int_equal(replay_infer(&r, 0xffffffff, true), 0x12ffffffffULL);

	/* a fresh SA: nothing below subspace 0 */
	r.top = 0;
	assert_int_equal(replay_infer(&r, 0xffffffff, true), 0xffffffffULL);
	assert_int_equal(replay_infer(&r, 1, true), 1);
	r.top = 10;
	assert_int_equal(replay_infer(&r, 0xfffffff0, true), 0xfffffff0ULL);

	/* without ESN the wire value is the sequence number */
	r.top = 0x100000010ULL;
	assert_int_equal(replay_infer(&r, 0xffffffff, false), 0xffffffffULL);
	assert_int_equal(replay_infer(&r, 5, false), 5);
}

/*
 * Reference model. Anti-replay: slot[s % W] holds the last sequence
 * number received that maps to it, so s was seen iff slot[s % W] == s
 * (sequence number 0 is never valid, so a zeroed table means nothing
 * seen). ESN: the full number is the one with the received low half in
 * [top - W + 1, top - W + 1 + 2^32), never negative.
 */
struct model {
	uint64_t	top;
	uint32_t	w;
	uint64_t	slot[REPLAY_MAX];
};

static uint64_t
model_infer(const struct model *m, uint32_t seql, bool esn)
{
	int64_t	bottom, s;

	if (!esn)
		return seql;
	bottom = (int64_t)m->top - m->w + 1;
	s = (int64_t)(((uint64_t)bottom & ~0xffffffffULL) | seql);
	if (s < bottom)
		s += 1LL << 32;
	if (s < 0)
		s += 1LL << 32;
	return (uint64_t)s;
}

static bool
model_check(const struct model *m, uint64_t seq)
{
	if (seq == 0)
		return false;
	if (seq > m->top)
		return true;
	if (m->top - seq >= m->w)
		return false;
	return m->slot[seq % m->w] != seq;
}

static void
model_update(struct model *m, uint64_t seq)
{
	if (seq > m->top)
		m->top = seq;
	m->slot[seq % m->w] = seq;
}

static uint64_t	rng_state;

static uint64_t
rng(void)
{
	/* xorshift64*: fixed seed, same run every time */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A sequence number near the top, the way real traffic strays. */
static int64_t
next_delta(uint32_t w)
{
	uint64_t	x = rng();

	switch (x % 16) {
	case 0:
		return -(int64_t)w;			/* just out */
	case 1:
		return -(int64_t)w + 1;			/* oldest in */
	case 2:
		return (int64_t)((x >> 8) % (64ULL * (w / 64 + 1) * 3));
	case 3:
		return -(int64_t)((x >> 8) % (3ULL * w));
	case 4:
		return (int64_t)((x >> 8) % (1ULL << 31));	/* far ahead */
	case 5:
		return 0;
	default:
		return (int64_t)((x >> 8) % (2ULL * w + 2)) - w;
	}
}

static void
run_model(uint64_t start, uint32_t w, bool esn, unsigned int ops)
{
	struct model	*m;
	struct replay	 r;
	uint64_t	 want, seq, target, probe;
	unsigned int	 i;
	int64_t		 d;

	m = calloc(1, sizeof(*m));
	assert_non_null(m);
	replay_init(&r, w);
	m->w = r.size;
	assert_int_equal(m->w, w);
	if (start > 0) {
		replay_update(&r, start);
		model_update(m, start);
	}
	for (i = 0; i < ops; i++) {
		d = next_delta(w);
		target = (int64_t)m->top + d <= 0 ? 1 : m->top + (uint64_t)d;
		if (!esn)
			target &= 0xffffffff;
		seq = replay_infer(&r, (uint32_t)target, esn);
		want = model_infer(m, (uint32_t)target, esn);
		if (seq != want)
			fail_msg("op %u: top %#llx seql %#x: inferred %#llx, "
			    "model %#llx", i, (unsigned long long)m->top,
			    (unsigned int)target, (unsigned long long)seq,
			    (unsigned long long)want);
		if (replay_check(&r, seq) != model_check(m, seq))
			fail_msg("op %u: top %#llx seq %#llx: check %d, "
			    "model %d", i, (unsigned long long)m->top,
			    (unsigned long long)seq, replay_check(&r, seq),
			    model_check(m, seq));
		/* a tenth fail authentication: no update */
		if (model_check(m, seq) && rng() % 10 != 0) {
			replay_update(&r, seq);
			model_update(m, seq);
		}
		assert_int_equal(r.top, m->top);
		if (i % 4096 == 0) {
			for (probe = m->top > w + 2 ? m->top - w - 2 : 0;
			    probe <= m->top + 2; probe++)
				assert_int_equal(replay_check(&r, probe),
				    model_check(m, probe));
		}
	}
	free(m);
}

static void
test_model_plain(void **state)
{
	size_t	i;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < nitems(sizes); i++)
		run_model(0, sizes[i], false, 100000);
}

/* Start a little below each interesting subspace boundary. */
static void
test_model_esn(void **state)
{
	static const uint64_t	starts[] = {
		0, 0xffff0000ULL, 0x1ffffff00ULL, 0x7ffffffff0000ULL,
	};
	size_t			i, j;

	rng_state = 0x243f6a8885a308d3ULL;
	for (i = 0; i < nitems(sizes); i++)
		for (j = 0; j < nitems(starts); j++)
			run_model(starts[j], sizes[i], true, 50000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_sizes),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_window_edge),
		cmocka_unit_test(test_jumps),
		cmocka_unit_test(test_check_pure),
		cmocka_unit_test(test_esn_branches),
		cmocka_unit_test(test_model_plain),
		cmocka_unit_test(test_model_esn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
