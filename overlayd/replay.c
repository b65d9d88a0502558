/*
 * replay.c: the anti-replay window. The ring always has REPLAY_BLOCKS
 * blocks, enough for the largest window; `size` bounds what is accepted. replay_check() is called before the
 * ICV is verified (cheap rejection), replay_update() only after.
 */
#include "config.h"

#include <string.h>

#include "replay.h"

void
replay_init(struct replay *r, uint32_t size)
{
	memset(r, 0, sizeof(*r));
	if (size < 64)
		size = 64;
	if (size > REPLAY_MAX)
		size = REPLAY_MAX;
	r->size = (size + 63) & ~63U;
}

/*
 * The full 64-bit sequence number of a packet carrying the low 32 bits,
 * per RFC 4303 appendix A2.2, relative to the top of the window.
 */
uint64_t
replay_infer(const struct replay *r, uint32_t seql, bool esn)
{
	uint32_t	tl = (uint32_t)r->top;
	uint32_t	th = (uint32_t)(r->top >> 32);
	uint32_t	w = r->size;

	if (!esn)
		return seql;
	if (tl >= w - 1) {
		/* window within one subspace */
		if (seql < tl - (w - 1))
			th++;
	} else {
		/* window spans two subspaces */
		if (seql >= tl - (w - 1) && th > 0)
			th--;
	}
	return (uint64_t)th << 32 | seql;
}

bool
replay_check(const struct replay *r, uint64_t seq)
{
	uint64_t	bit;

	if (seq == 0)
		return false;
	if (seq > r->top)
		return true;
	if (r->top - seq >= r->size)
		return false;
	bit = 1ULL << (seq & 63);
	return (r->ring[(seq >> 6) % REPLAY_BLOCKS] & bit) == 0;
}

void
replay_update(struct replay *r, uint64_t seq)
{
	uint64_t	i, diff;

	if (seq > r->top) {
		diff = (seq >> 6) - (r->top >> 6);
		if (diff > REPLAY_BLOCKS)
			diff = REPLAY_BLOCKS;
		for (i = 1; i <= diff; i++)
			r->ring[((r->top >> 6) + i) % REPLAY_BLOCKS] = 0;
		r->top = seq;
	}
	r->ring[(seq >> 6) % REPLAY_BLOCKS] |= 1ULL << (seq & 63);
}
