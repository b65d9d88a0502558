/*
 * fuzz_bfd.c: libFuzzer target for the keepalive input path: the BFD
 * control packet parser (bfd_parse), the session that consumes what it
 * accepts (bfd_input, bfd_output, bfd_expired), and the inner IP/UDP
 * classifier in front of both (live_decap). Input format in fuzz.h.
 */
#include "config.h"

#include <string.h>

#include "bfd.h"
#include "fuzz.h"
#include "ip.h"
#include "live.h"

/* Invariants of a session, whatever it was fed. */
static void
check_session(const struct bfd_session *s)
{
	fuzz_check(s->state <= BFD_UP);
	fuzz_check(s->cfg_interval == FUZZ_BFD_INTERVAL);
	fuzz_check(s->required_min_rx == FUZZ_BFD_INTERVAL);
	fuzz_check(s->desired_min_tx == (s->state == BFD_UP ?
	    FUZZ_BFD_INTERVAL : BFD_IDLE_TX_US));
	if (!s->poll) {
		fuzz_check(s->tx_in_use == s->desired_min_tx);
		fuzz_check(s->rx_in_use == s->required_min_rx);
	}
	fuzz_check(s->state == BFD_UP || !s->poll);
	fuzz_check(bfd_detect_time(s) <= 255ULL * UINT32_MAX);
}

static void
fuzz_packet(struct bfd_session *s, const uint8_t *data, size_t len,
    double now)
{
	struct bfd_ctl	c, o;
	uint8_t		out[BFD_PKT_LEN];
	enum bfd_result	r;

	r = bfd_parse(data, len, &c);
	fuzz_check(r < BFD_RESULT_MAX);
	if (r != BFD_OK)
		return;
	fuzz_check(c.version == BFD_VERSION);
	fuzz_check(c.length >= BFD_PKT_LEN && c.length <= len);
	fuzz_check(c.detect_mult != 0 && c.my_discr != 0);
	fuzz_check((c.flags & (BFD_FLAG_M | BFD_FLAG_A)) == 0);
	fuzz_check((c.flags & (BFD_FLAG_P | BFD_FLAG_F)) !=
	    (BFD_FLAG_P | BFD_FLAG_F));
	/* what we accept, we write back the same */
	bfd_build(&c, out);
	fuzz_check(memcmp(out, data, sizeof(out)) == 0);

	r = bfd_input(s, &c, now);
	fuzz_check(r == BFD_OK || r == BFD_WRONG_DISCR || r == BFD_NO_DISCR ||
	    r == BFD_ADMIN);
	if (r == BFD_OK) {
		fuzz_check(s->remote_discr == c.my_discr);
		fuzz_check(s->last_rx == now);
	}
	check_session(s);
	/* our answer is one we accept */
	bfd_output(s, &o);
	bfd_build(&o, out);
	fuzz_check(bfd_parse(out, sizeof(out), &c) == BFD_OK);
	fuzz_check(c.my_discr == FUZZ_BFD_DISCR);
	(void)bfd_expired(s, now + (double)(len & 7));
	check_session(s);
}

/* Records of TIME (1 byte, 10 ms steps), LEN (1 byte) and LEN bytes. */
static void
fuzz_session(const uint8_t *data, size_t size)
{
	struct bfd_session	s;
	double			now = 0;
	size_t			len;

	bfd_init(&s, FUZZ_BFD_DISCR, FUZZ_BFD_INTERVAL, 3, now);
	while (size >= 2) {
		now += data[0] / 100.0;
		len = data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		fuzz_packet(&s, data, len, now);
		data += len;
		size -= len;
	}
}

static void
fuzz_inner(const uint8_t *data, size_t size)
{
	struct bfd_session	 s;
	struct ip_info		 ip;
	struct addr	 l, r;
	const uint8_t	*bfd;
	size_t		 bfdlen;
	enum live_udp	 u;
	int		 v6;

	if (ip_parse(data, size, &ip) == -1)
		return;
	v6 = ip.af == AF_INET6;
	(void)addr_parse(v6 ? FUZZ_BFD_LOCAL6 : FUZZ_BFD_LOCAL4, &l);
	(void)addr_parse(v6 ? FUZZ_BFD_REMOTE6 : FUZZ_BFD_REMOTE4, &r);
	u = live_decap(data, size, &ip, &l, &r, &bfd, &bfdlen);
	if (u != LIVE_BFD)
		return;
	fuzz_check(bfd >= data + ip.hdrlen + 8 && bfd + bfdlen == data + size);
	bfd_init(&s, FUZZ_BFD_DISCR, FUZZ_BFD_INTERVAL, 3, 0.0);
	fuzz_packet(&s, bfd, bfdlen, 0.0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & FUZZ_BFD_INNER)
		fuzz_inner(data + 1, size - 1);
	else
		fuzz_session(data + 1, size - 1);
	return 0;
}
