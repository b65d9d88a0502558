/*
 * replay.h: ESP anti-replay window (RFC 4303 3.4.3, appendix A) kept as a
 * ring of 64-bit blocks (RFC 6479), with extended sequence numbers.
 */
#ifndef OVL_REPLAY_H
#define OVL_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define REPLAY_MAX	4096
#define REPLAY_BLOCKS	(REPLAY_MAX / 64 + 1)

struct replay {
	uint64_t	top;		/* highest authenticated sequence */
	uint32_t	size;		/* window, multiple of 64 */
	uint64_t	ring[REPLAY_BLOCKS];
};

void		replay_init(struct replay *, uint32_t size);
uint64_t	replay_infer(const struct replay *, uint32_t seql, bool esn);
bool		replay_check(const struct replay *, uint64_t seq);
void		replay_update(struct replay *, uint64_t seq);

#endif
