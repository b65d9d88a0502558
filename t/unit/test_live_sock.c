/*
 * test_live_sock.c: the kernel data plane's keepalive transport: how a
 * received datagram's TTL / hop limit is read from its control messages
 * and judged with its source (RFC 5881 5), and the real sockets on the
 * loopback device, where what the sending socket sends comes back to the
 * receiving one (the tunnel's two inner addresses are the same there);
 * and data as proof of life from the GRE device's packet counter.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "addr.h"
#include "bfd.h"
#include "live.h"
#include "live_sock.h"

static void
mkaddr(const char *s, struct addr *a)
{
	assert_true(addr_parse(s, a));
}

/* A msghdr whose control buffer holds `n` ints at (level, type) pairs. */
struct cmsgs {
	struct msghdr	msg;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(int)) * 3];
	}		cbuf;
};

static struct msghdr *
mkmsg(struct cmsgs *m, const int (*lt)[3], size_t n)
{
	struct cmsghdr	*c;
	size_t		 i;

	memset(m, 0, sizeof(*m));
	m->msg.msg_control = m->cbuf.buf;
	m->msg.msg_controllen = CMSG_SPACE(sizeof(int)) * n;
	for (i = 0, c = CMSG_FIRSTHDR(&m->msg); i < n;
	    i++, c = CMSG_NXTHDR(&m->msg, c)) {
		assert_non_null(c);
		c->cmsg_level = lt[i][0];
		c->cmsg_type = lt[i][1];
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &lt[i][2], sizeof(int));
	}
	return &m->msg;
}

static void
test_msg_ttl(void **state)
{
	struct cmsgs	m;
	const int	v4[][3] = { { IPPROTO_IP, IP_TTL, 255 } };
	const int	v6[][3] = { { IPPROTO_IPV6, IPV6_HOPLIMIT, 254 } };
	const int	other[][3] = {
		{ IPPROTO_IP, IP_TOS, 0xc0 },
		{ SOL_SOCKET, SO_MARK, 7 },
		{ IPPROTO_IP, IP_TTL, 1 },
	};
	const int	none[][3] = { { IPPROTO_IP, IP_TOS, 255 } };
	const int	bad[][3] = { { IPPROTO_IP, IP_TTL, 256 } };
	struct msghdr	*msg;

	assert_int_equal(lsock_msg_ttl(mkmsg(&m, v4, 1)), 255);
	assert_int_equal(lsock_msg_ttl(mkmsg(&m, v6, 1)), 254);
	assert_int_equal(lsock_msg_ttl(mkmsg(&m, other, 3)), 1);
	assert_int_equal(lsock_msg_ttl(mkmsg(&m, none, 1)), -1);
	assert_int_equal(lsock_msg_ttl(mkmsg(&m, bad, 1)), -1);
	assert_int_equal(lsock_msg_ttl(mkmsg(&m, v4, 0)), -1);
	/* a TTL message too short to hold an int */
	msg = mkmsg(&m, v4, 1);
	CMSG_FIRSTHDR(msg)->cmsg_len = CMSG_LEN(1);
	assert_int_equal(lsock_msg_ttl(msg), -1);
}

static void
test_check(void **state)
{
	struct sockaddr_storage	ss;
	struct addr		peer4, peer6, other;
	socklen_t		len;

	mkaddr("198.18.0.1", &peer4);
	mkaddr("2001:db8:ff::3", &peer6);
	mkaddr("198.18.0.9", &other);
	len = addr_to_sa(&peer4, 49152, &ss);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, 255, &peer4),
	    LIVE_BFD);
	/* TTL first, as live_decap() */
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, 254, &peer4),
	    LIVE_BAD_TTL);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, -1, &peer4),
	    LIVE_BAD_TTL);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, 254, &other),
	    LIVE_BAD_TTL);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, 255, &other),
	    LIVE_BAD_SRC);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, 255, &peer6),
	    LIVE_BAD_SRC);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len - 1, 255,
	    &peer4), LIVE_BAD_SRC);
	len = addr_to_sa(&peer6, 65535, &ss);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, 255, &peer6),
	    LIVE_BFD);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, 64, &peer6),
	    LIVE_BAD_TTL);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, len, 255, &peer4),
	    LIVE_BAD_SRC);
	assert_int_equal(lsock_check((struct sockaddr *)&ss, 16, 255, &peer6),
	    LIVE_BAD_SRC);
	ss.ss_family = AF_UNIX;
	assert_int_equal(lsock_check((struct sockaddr *)&ss, sizeof(ss), 255,
	    &peer6), LIVE_BAD_SRC);
}

/* --- the device's counter as proof of life ------------------------- */

static void
test_count_proof(void **state)
{
	struct live_count	c;

	memset(&c, 0, sizeof(c));
	/* the first reading proves nothing: no time to date the packets */
	assert_true(live_count_proof(&c, 1000, 10.0) == 0);
	assert_true(live_count_proof(&c, 1000, 10.1) == 0);
	/* grown: life as of the reading before, never later */
	assert_true(live_count_proof(&c, 1003, 10.2) == 10.1);
	assert_true(live_count_proof(&c, 1003, 10.3) == 0);
	assert_true(live_count_proof(&c, 1004, 10.9) == 10.3);
	/* any change counts (a device's counter does not go back) */
	assert_true(live_count_proof(&c, 5, 11.0) == 10.9);
}

/* An Up session kept up by counted data, and a Down one left down. */
static void
test_count_session(void **state)
{
	struct bfd_session	s;
	struct bfd_ctl		c;
	struct live_count	cnt;
	double			d, t;

	memset(&c, 0, sizeof(c));
	c.version = BFD_VERSION;
	c.state = BFD_INIT;
	c.detect_mult = 3;
	c.length = BFD_PKT_LEN;
	c.my_discr = 7;
	c.your_discr = 1;
	c.desired_min_tx = c.required_min_rx = 100000;
	bfd_init(&s, 1, 100000, 3, 0.0);
	assert_int_equal(bfd_input(&s, &c, 0.0), BFD_OK);
	assert_int_equal(s.state, BFD_UP);
	d = (double)bfd_detect_time(&s) / 1e6;
	assert_true(d > 0.2);
	/* the last keepalive at 0; readings with each one sent */
	memset(&cnt, 0, sizeof(cnt));
	assert_true(live_count_proof(&cnt, 50, 0.05) == 0);
	assert_true(live_count_proof(&cnt, 50, 0.15) == 0);
	/* at the detection time the count has grown: proof as of 0.15 */
	t = live_count_proof(&cnt, 52, d);
	assert_true(t == 0.15);
	bfd_refresh(&s, t);
	assert_false(bfd_expired(&s, d));
	assert_true(bfd_deadline(&s) == 0.15 + d);
	/* no more data: down exactly one detection time after that */
	assert_true(live_count_proof(&cnt, 52, 0.15 + d) == 0);
	assert_true(bfd_expired(&s, 0.15 + d));
	assert_int_equal(s.state, BFD_DOWN);
	/* data never brings a session up */
	t = live_count_proof(&cnt, 60, 0.2 + d);
	assert_true(t == 0.15 + d);
	bfd_refresh(&s, t);
	assert_int_equal(s.state, BFD_DOWN);
}

/* --- the real sockets on lo ------------------------------------------ */

struct got {
	enum live_udp	r[8];
	size_t		len[8];
	uint8_t		data[8][BFD_PKT_LEN];
	unsigned int	n;
};

static void
got_cb(void *arg, enum live_udp r, const uint8_t *data, size_t len)
{
	struct got	*g = arg;

	if (g->n == nitems(g->r))
		return;
	g->r[g->n] = r;
	g->len[g->n] = len;
	memcpy(g->data[g->n], data, len < BFD_PKT_LEN ? len : BFD_PKT_LEN);
	g->n++;
}

static void
timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

/* Runs the loop until `g` holds `n` datagrams or 2 s have passed. */
static void
await_n(struct ev_loop *loop, struct got *g, unsigned int n)
{
	ev_timer	t;
	int		i;

	ev_timer_init(&t, timeout_cb, 2., 0.);
	ev_timer_start(loop, &t);
	for (i = 0; i < 200 && g->n < n; i++)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &t);
}

/* A datagram to local:3784 from `src` with TTL `ttl`, not our sender. */
static void
inject(const struct addr *src, const struct addr *dst, int ttl)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	uint8_t			pkt[BFD_PKT_LEN] = { 0x20, 0x40 };
	int			fd;

	fd = socket(src->af, SOCK_DGRAM, 0);
	assert_int_not_equal(fd, -1);
	assert_int_equal(setsockopt(fd, src->af == AF_INET ? IPPROTO_IP :
	    IPPROTO_IPV6, src->af == AF_INET ? IP_TTL : IPV6_UNICAST_HOPS,
	    &ttl, sizeof(ttl)), 0);
	len = addr_to_sa(src, 0, &ss);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	len = addr_to_sa(dst, BFD_PORT, &ss);
	assert_int_equal(sendto(fd, pkt, sizeof(pkt), 0,
	    (struct sockaddr *)&ss, len), (ssize_t)sizeof(pkt));
	close(fd);
}

static void
loopback(const char *local, const char *other)
{
	struct ev_loop	*loop = ev_loop_new(EVFLAG_AUTO);
	struct lsock	*s;
	struct addr	 a, o;
	struct got	 g;
	uint8_t		 pkt[BFD_PKT_LEN];
	unsigned int	 i;

	memset(&g, 0, sizeof(g));
	mkaddr(local, &a);
	if (other != NULL)
		mkaddr(other, &o);
	if ((s = lsock_open(loop, "lo", &a, &a, got_cb, &g)) == NULL) {
		if (errno == EADDRINUSE || errno == EADDRNOTAVAIL ||
		    errno == EPERM || errno == EAFNOSUPPORT) {
			print_message("skipped on %s: %s\n", local,
			    strerror(errno));
			ev_loop_destroy(loop);
			return;
		}
		fail_msg("lsock_open %s: %s", local, strerror(errno));
	}
	assert_in_range(lsock_sport(s), BFD_SPORT_MIN, 65535);
	/* a second session on the same device and address: in use */
	assert_null(lsock_open(loop, "lo", &a, &a, got_cb, &g));
	assert_int_equal(errno, EADDRINUSE);
	assert_null(lsock_open(loop, "no-such-dev0", &a, &a, got_cb, &g));
	assert_int_equal(errno, ENODEV);
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	assert_int_equal(lsock_send(s, pkt, sizeof(pkt)), 0);
	await_n(loop, &g, 1);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0], LIVE_BFD);
	assert_int_equal(g.len[0], sizeof(pkt));
	assert_memory_equal(g.data[0], pkt, sizeof(pkt));
	/* TTL 64 from the right address; TTL 255 from another one */
	inject(&a, &a, 64);
	await_n(loop, &g, 2);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[1], LIVE_BAD_TTL);
	if (other != NULL) {
		inject(&o, &a, 255);
		await_n(loop, &g, 3);
		assert_int_equal(g.n, 3);
		assert_int_equal(g.r[2], LIVE_BAD_SRC);
	}
	lsock_close(s);
	ev_loop_destroy(loop);
}

static void
test_loopback4(void **state)
{
	/* 127/8 is all on lo: an address nothing else here uses */
	loopback("127.88.77.1", "127.88.77.2");
}

static void
test_loopback6(void **state)
{
	loopback("::1", NULL);	/* lo has no other IPv6 address */
}

static void
test_open_bad(void **state)
{
	struct ev_loop	*loop = ev_loop_new(EVFLAG_AUTO);
	struct addr	 a, b, unset;
	struct got	 g;

	mkaddr("127.88.77.1", &a);
	mkaddr("::1", &b);
	memset(&unset, 0, sizeof(unset));
	assert_null(lsock_open(loop, "lo", &a, &b, got_cb, &g));
	assert_int_equal(errno, EINVAL);
	assert_null(lsock_open(loop, "lo", &unset, &unset, got_cb, &g));
	assert_int_equal(errno, EINVAL);
	assert_null(lsock_open(loop, "an-interface-name-too-long", &a, &a,
	    got_cb, &g));
	assert_int_equal(errno, ENAMETOOLONG);
	ev_loop_destroy(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_ttl),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_count_proof),
		cmocka_unit_test(test_count_session),
		cmocka_unit_test(test_loopback4),
		cmocka_unit_test(test_loopback6),
		cmocka_unit_test(test_open_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
