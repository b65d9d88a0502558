/*
 * bfd.c: the BFD control packet (RFC 5880 4.1) and the asynchronous-mode
 * session state machine (6.2, 6.8).
 *
 * Timers follow 6.8.3: while the session is not Up we ask for no faster
 * than one packet a second; on Up we drop to the configured interval and
 * start a Poll Sequence. A changed interval is announced with a Poll
 * Sequence too, and until the Final arrives the old values stay in force
 * where the RFC says so (a larger transmit interval, a smaller receive
 * interval). The detection time is the remote multiplier times the larger
 * of our Required Min RX and the remote's Desired Min TX (6.8.4).
 */
#include "config.h"

#include <string.h>

#include "bfd.h"
#include "buf.h"

enum bfd_result
bfd_parse(const uint8_t *data, size_t len, struct bfd_ctl *c)
{
	struct rd	r;
	uint8_t		b0, b1;

	memset(c, 0, sizeof(*c));
	rd_init(&r, data, len);
	if (rd_get_u8(&r, &b0) == -1 || rd_get_u8(&r, &b1) == -1 ||
	    rd_get_u8(&r, &c->detect_mult) == -1 ||
	    rd_get_u8(&r, &c->length) == -1)
		return BFD_SHORT;
	c->version = b0 >> 5;
	c->diag = b0 & 0x1f;
	c->state = b1 >> 6;
	c->flags = b1 & 0x3f;
	if (c->version != BFD_VERSION)
		return BFD_BAD_VERSION;
	if (c->length < ((c->flags & BFD_FLAG_A) ? BFD_PKT_LEN + 2 :
	    BFD_PKT_LEN))
		return BFD_BAD_LENGTH;
	if (c->length > len)
		return BFD_SHORT;
	/* Length >= 24 and <= len: the rest of the header is there */
	if (rd_get_u32(&r, &c->my_discr) == -1 ||
	    rd_get_u32(&r, &c->your_discr) == -1 ||
	    rd_get_u32(&r, &c->desired_min_tx) == -1 ||
	    rd_get_u32(&r, &c->required_min_rx) == -1 ||
	    rd_get_u32(&r, &c->required_min_echo_rx) == -1)
		return BFD_SHORT;
	if (c->detect_mult == 0)
		return BFD_ZERO_MULT;
	if (c->flags & BFD_FLAG_M)
		return BFD_MULTIPOINT;
	if (c->my_discr == 0)
		return BFD_ZERO_DISCR;
	if (c->flags & BFD_FLAG_A)
		return BFD_AUTH;
	if ((c->flags & (BFD_FLAG_P | BFD_FLAG_F)) ==
	    (BFD_FLAG_P | BFD_FLAG_F))
		return BFD_POLL_FINAL;
	return BFD_OK;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void
bfd_build(const struct bfd_ctl *c, uint8_t out[BFD_PKT_LEN])
{
	out[0] = (uint8_t)(c->version << 5 | (c->diag & 0x1f));
	out[1] = (uint8_t)(c->state << 6 | (c->flags & 0x3f));
	out[2] = c->detect_mult;
	out[3] = c->length;
	put32(out + 4, c->my_discr);
	put32(out + 8, c->your_discr);
	put32(out + 12, c->desired_min_tx);
	put32(out + 16, c->required_min_rx);
	put32(out + 20, c->required_min_echo_rx);
}

const char *
bfd_result_str(enum bfd_result r)
{
	static const char *const s[BFD_RESULT_MAX] = {
		[BFD_OK] = "ok",
		[BFD_SHORT] = "short",
		[BFD_BAD_VERSION] = "bad version",
		[BFD_BAD_LENGTH] = "bad length",
		[BFD_ZERO_MULT] = "detect multiplier 0",
		[BFD_MULTIPOINT] = "multipoint bit set",
		[BFD_ZERO_DISCR] = "my discriminator 0",
		[BFD_AUTH] = "authentication not configured",
		[BFD_POLL_FINAL] = "poll and final both set",
		[BFD_WRONG_DISCR] = "your discriminator unknown",
		[BFD_NO_DISCR] = "your discriminator 0 in init/up",
		[BFD_ADMIN] = "session admin down",
	};

	return r < BFD_RESULT_MAX ? s[r] : "unknown";
}

const char *
bfd_state_str(enum bfd_state st)
{
	switch (st) {
	case BFD_ADMIN_DOWN:
		return "admindown";
	case BFD_DOWN:
		return "down";
	case BFD_INIT:
		return "init";
	case BFD_UP:
		return "up";
	}
	return "unknown";
}

const char *
bfd_diag_str(enum bfd_diag d)
{
	static const char *const s[] = {
		"none", "detection time expired", "echo failed",
		"neighbor signaled down", "forwarding plane reset",
		"path down", "concatenated path down", "administratively down",
		"reverse concatenated path down",
	};

	return (unsigned int)d < sizeof(s) / sizeof(s[0]) ? s[d] : "unknown";
}

/* --- timers (6.8.3) ----------------------------------------------- */

static void
bfd_set_desired_tx(struct bfd_session *s, uint32_t v)
{
	if (v == s->desired_min_tx)
		return;
	s->desired_min_tx = v;
	/* slower sending waits for the Final while Up */
	if (s->state != BFD_UP || v < s->tx_in_use)
		s->tx_in_use = v;
	if (s->state == BFD_UP)
		s->poll = true;
}

static void
bfd_set_required_rx(struct bfd_session *s, uint32_t v)
{
	if (v == s->required_min_rx)
		return;
	s->required_min_rx = v;
	/* a shorter detection time waits for the Final while Up */
	if (s->state != BFD_UP || v > s->rx_in_use)
		s->rx_in_use = v;
	if (s->state == BFD_UP)
		s->poll = true;
}

static uint32_t
bfd_idle_tx(uint32_t interval)
{
	return interval < BFD_IDLE_TX_US ? BFD_IDLE_TX_US : interval;
}

static void
bfd_poll_done(struct bfd_session *s)
{
	s->poll = false;
	s->tx_in_use = s->desired_min_tx;
	s->rx_in_use = s->required_min_rx;
}

void
bfd_init(struct bfd_session *s, uint32_t discr, uint32_t interval,
    uint8_t mult, double now)
{
	memset(s, 0, sizeof(*s));
	s->state = s->remote_state = BFD_DOWN;
	s->local_discr = discr;
	s->cfg_interval = interval;
	s->desired_min_tx = s->tx_in_use = bfd_idle_tx(interval);
	s->required_min_rx = s->rx_in_use = interval;
	s->remote_min_rx = 1;
	s->detect_mult = mult;
	s->last_rx = now;
}

void
bfd_set_timers(struct bfd_session *s, uint32_t interval, uint8_t mult)
{
	s->cfg_interval = interval;
	s->detect_mult = mult;
	bfd_set_desired_tx(s, s->state == BFD_UP ? interval :
	    bfd_idle_tx(interval));
	bfd_set_required_rx(s, interval);
}

/* --- state machine (6.2, 6.8.6) ------------------------------------- */

static void
bfd_set_state(struct bfd_session *s, enum bfd_state st)
{
	s->state = st;
	if (st == BFD_UP)
		bfd_set_desired_tx(s, s->cfg_interval);
	else {
		/* no Poll Sequence outside Up: everything applies now */
		bfd_set_desired_tx(s, bfd_idle_tx(s->cfg_interval));
		bfd_poll_done(s);
	}
}

static void
bfd_down(struct bfd_session *s, enum bfd_diag diag)
{
	s->local_diag = diag;
	bfd_set_state(s, BFD_DOWN);
}

/*
 * The session half of 6.8.6: `c` already passed bfd_parse(). Returns
 * BFD_OK when the packet was accepted (the detection timer restarts).
 */
enum bfd_result
bfd_input(struct bfd_session *s, const struct bfd_ctl *c, double now)
{
	if (c->your_discr != 0 && c->your_discr != s->local_discr)
		return BFD_WRONG_DISCR;
	if (c->your_discr == 0 && c->state != BFD_DOWN &&
	    c->state != BFD_ADMIN_DOWN)
		return BFD_NO_DISCR;
	s->remote_discr = c->my_discr;
	s->remote_state = c->state;
	s->remote_diag = c->diag;
	s->remote_min_rx = c->required_min_rx;
	s->remote_min_tx = c->desired_min_tx;
	s->remote_detect_mult = c->detect_mult;
	if ((c->flags & BFD_FLAG_F) && s->poll)
		bfd_poll_done(s);
	if (s->state == BFD_ADMIN_DOWN)
		return BFD_ADMIN;
	if (c->state == BFD_ADMIN_DOWN) {
		if (s->state != BFD_DOWN)
			bfd_down(s, BFD_DIAG_NEIGHBOR_DOWN);
	} else if (s->state == BFD_DOWN) {
		if (c->state == BFD_DOWN)
			bfd_set_state(s, BFD_INIT);
		else if (c->state == BFD_INIT)
			bfd_set_state(s, BFD_UP);
	} else if (s->state == BFD_INIT) {
		if (c->state == BFD_INIT || c->state == BFD_UP)
			bfd_set_state(s, BFD_UP);
	} else if (c->state == BFD_DOWN)	/* we are Up */
		bfd_down(s, BFD_DIAG_NEIGHBOR_DOWN);
	if (c->flags & BFD_FLAG_P)
		s->final_due = true;
	s->last_rx = now;
	s->rx_packets++;
	return BFD_OK;
}

/* The next packet to send: a Final if one is due, else a periodic one. */
void
bfd_output(struct bfd_session *s, struct bfd_ctl *c)
{
	memset(c, 0, sizeof(*c));
	c->version = BFD_VERSION;
	c->diag = (uint8_t)s->local_diag;
	c->state = (uint8_t)s->state;
	if (s->final_due) {
		c->flags = BFD_FLAG_F;
		s->final_due = false;
	} else if (s->poll)
		c->flags = BFD_FLAG_P;
	c->detect_mult = s->detect_mult;
	c->length = BFD_PKT_LEN;
	c->my_discr = s->local_discr;
	c->your_discr = s->remote_discr;
	c->desired_min_tx = s->desired_min_tx;
	c->required_min_rx = s->required_min_rx;
	c->required_min_echo_rx = 0;
	s->tx_packets++;
}

uint64_t
bfd_detect_time(const struct bfd_session *s)
{
	uint32_t	iv = s->rx_in_use > s->remote_min_tx ? s->rx_in_use :
			    s->remote_min_tx;

	return (uint64_t)s->remote_detect_mult * iv;
}

double
bfd_deadline(const struct bfd_session *s)
{
	return s->last_rx + (double)bfd_detect_time(s) / 1e6;
}

/* Detection in Init and Up (6.8.4): true when the session just went down. */
bool
bfd_expired(struct bfd_session *s, double now)
{
	if (s->state != BFD_INIT && s->state != BFD_UP)
		return false;
	if (now < bfd_deadline(s))
		return false;
	bfd_down(s, BFD_DIAG_EXPIRED);
	s->remote_discr = 0;
	return true;
}

/* Authenticated traffic from the peer: proof of life while Up. */
void
bfd_refresh(struct bfd_session *s, double now)
{
	if (s->state == BFD_UP && now > s->last_rx)
		s->last_rx = now;
}

void
bfd_admin_down(struct bfd_session *s)
{
	s->local_diag = BFD_DIAG_ADMIN_DOWN;
	bfd_set_state(s, BFD_ADMIN_DOWN);
}

/* The periodic transmit interval before jitter; 0: do not send (6.8.7). */
uint32_t
bfd_tx_interval(const struct bfd_session *s)
{
	if (s->remote_min_rx == 0)
		return 0;
	return s->tx_in_use > s->remote_min_rx ? s->tx_in_use :
	    s->remote_min_rx;
}

/* 6.8.7: 75-100% of the interval, 75-90% with a multiplier of 1. */
uint32_t
bfd_jitter(uint32_t interval, uint8_t mult, uint32_t rnd)
{
	uint32_t	span = mult == 1 ? 1501 : 2501;

	return (uint32_t)((uint64_t)interval * (7500 + rnd % span) / 10000);
}
