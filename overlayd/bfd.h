/*
 * bfd.h: Bidirectional Forwarding Detection, RFC 5880 asynchronous mode:
 * the control packet codec and one session's state machine.
 *
 * Nothing here does I/O or reads a clock: times come in as `now`
 * (seconds, the event loop's clock) and randomness as an argument, so the
 * unit tests drive sessions deterministically. live.c carries the packets
 * (RFC 5881 single hop, inside the tunnel) and runs the timers.
 *
 * Not implemented: authentication (the tunnel's ESP already authenticates
 * every packet, so the A bit is refused), demand mode (never requested;
 * a peer's D bit is ignored and we keep sending) and the echo function
 * (we advertise Required Min Echo RX Interval 0).
 */
#ifndef OVL_BFD_H
#define OVL_BFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BFD_VERSION		1
#define BFD_PKT_LEN		24	/* no authentication section */
#define BFD_PORT		3784	/* RFC 5881 4 */
#define BFD_SPORT_MIN		49152
#define BFD_TTL			255	/* RFC 5881 5: GTSM */
#define BFD_IDLE_TX_US		1000000	/* RFC 5880 6.8.3: >= 1 s unless Up */

#define BFD_FLAG_P		0x20
#define BFD_FLAG_F		0x10
#define BFD_FLAG_C		0x08
#define BFD_FLAG_A		0x04
#define BFD_FLAG_D		0x02
#define BFD_FLAG_M		0x01

enum bfd_state {
	BFD_ADMIN_DOWN = 0,
	BFD_DOWN = 1,
	BFD_INIT = 2,
	BFD_UP = 3,
};

enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_EXPIRED = 1,		/* control detection time expired */
	BFD_DIAG_ECHO = 2,
	BFD_DIAG_NEIGHBOR_DOWN = 3,	/* neighbor signaled session down */
	BFD_DIAG_FWD_RESET = 4,
	BFD_DIAG_PATH_DOWN = 5,
	BFD_DIAG_CONCAT = 6,
	BFD_DIAG_ADMIN_DOWN = 7,
	BFD_DIAG_REV_CONCAT = 8,
};

/* A control packet, fields in host order, intervals in microseconds. */
struct bfd_ctl {
	uint8_t		version;
	uint8_t		diag;
	uint8_t		state;
	uint8_t		flags;		/* BFD_FLAG_* */
	uint8_t		detect_mult;
	uint8_t		length;
	uint32_t	my_discr;
	uint32_t	your_discr;
	uint32_t	desired_min_tx;
	uint32_t	required_min_rx;
	uint32_t	required_min_echo_rx;
};

/* Why a packet was refused (RFC 5880 6.8.6, in its order). */
enum bfd_result {
	BFD_OK = 0,
	BFD_SHORT,		/* fewer bytes than the header or Length */
	BFD_BAD_VERSION,
	BFD_BAD_LENGTH,		/* Length below 24 (26 with A) */
	BFD_ZERO_MULT,
	BFD_MULTIPOINT,
	BFD_ZERO_DISCR,		/* My Discriminator 0 */
	BFD_AUTH,		/* A bit: no authentication configured */
	BFD_POLL_FINAL,		/* P and F both set (4.1) */
	BFD_WRONG_DISCR,	/* Your Discriminator is not ours */
	BFD_NO_DISCR,		/* Your Discriminator 0 in Init or Up */
	BFD_ADMIN,		/* our session is AdminDown */
	BFD_RESULT_MAX
};

struct bfd_session {
	/* RFC 5880 6.8.1 */
	enum bfd_state	 state;
	enum bfd_state	 remote_state;
	uint32_t	 local_discr;
	uint32_t	 remote_discr;
	enum bfd_diag	 local_diag;
	enum bfd_diag	 remote_diag;
	uint32_t	 desired_min_tx;	/* what we advertise */
	uint32_t	 required_min_rx;	/* what we advertise */
	uint32_t	 remote_min_rx;
	uint32_t	 remote_min_tx;		/* remote Desired Min TX */
	uint8_t		 detect_mult;
	uint8_t		 remote_detect_mult;
	/* values in force while a Poll Sequence is pending (6.8.3) */
	uint32_t	 tx_in_use;
	uint32_t	 rx_in_use;
	bool		 poll;			/* sending P, waiting for F */
	bool		 final_due;		/* a P came in: answer with F */
	uint32_t	 cfg_interval;		/* configured, microseconds */
	double		 last_rx;		/* last proof of life */
	uint64_t	 rx_packets;
	uint64_t	 tx_packets;
	uint64_t	 rx_errors[BFD_RESULT_MAX];
};

/* The codec: bounded, validates everything that needs no session. */
enum bfd_result	 bfd_parse(const uint8_t *, size_t, struct bfd_ctl *);
void		 bfd_build(const struct bfd_ctl *, uint8_t out[BFD_PKT_LEN]);
const char	*bfd_result_str(enum bfd_result);
const char	*bfd_state_str(enum bfd_state);
const char	*bfd_diag_str(enum bfd_diag);

/* The session. Intervals in microseconds, times in seconds. */
void		 bfd_init(struct bfd_session *, uint32_t discr,
		    uint32_t interval, uint8_t mult, double now);
void		 bfd_set_timers(struct bfd_session *, uint32_t interval,
		    uint8_t mult);
enum bfd_result	 bfd_input(struct bfd_session *, const struct bfd_ctl *,
		    double now);
void		 bfd_output(struct bfd_session *, struct bfd_ctl *);
bool		 bfd_expired(struct bfd_session *, double now);
void		 bfd_refresh(struct bfd_session *, double now);
void		 bfd_admin_down(struct bfd_session *);
uint32_t	 bfd_tx_interval(const struct bfd_session *);	/* 0: none */
uint32_t	 bfd_jitter(uint32_t interval, uint8_t mult, uint32_t rnd);
uint64_t	 bfd_detect_time(const struct bfd_session *);
double		 bfd_deadline(const struct bfd_session *);

#endif
