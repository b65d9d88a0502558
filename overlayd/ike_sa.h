/*
 * ike_sa.h: what the IKEv2 exchange code shares (not for the rest of
 * overlayd: see ike.h).
 *
 *   ike.c		peers, dispatch of received messages, the global list
 *   ike_sa.c		the IKE SA: state, message IDs, window of one,
 *			retransmission with backoff, the reply cache
 *   ike_sock.c		UDP port 500 sockets on the event loop
 *   ike_cred.c		certificates, key, trust store, identities
 *   ike_prop.c		proposals: ours, and choosing from the peer's
 *   ike_init.c		IKE_SA_INIT, initiator and responder
 *   ike_cookie.c	the responder's COOKIEs (RFC 7296 2.6)
 *   ike_auth.c		IKE_AUTH: certificates, AUTH, COIs
 *   ike_child.c		the first CHILD_SA: selectors, SPIs, installation
 *   ike_info.c		INFORMATIONAL: DELETE, liveness
 *   ike_frag.c		IKE fragmentation (RFC 7383): SKF out, reassembly in
 *   ike_rekey.c		CREATE_CHILD_SA: lifetimes, rekeying CHILD and
 *			IKE SAs
 */
#ifndef OVL_IKE_SA_H
#define OVL_IKE_SA_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <stdint.h>

#include <ev.h>

#include "addr.h"
#include "conf.h"
#include "ike.h"
#include "ike_crypto.h"
#include "ike_msg.h"
#include "meshcert.h"

#define IKE_PORT		500
#define IKE_NATT_PORT		4500	/* RFC 7296 2.23, RFC 3948 */
#define IKE_NATT_MARKER		4	/* the non-ESP marker: zero octets */
#define IKE_NATT_KEEPALIVE	20.0	/* seconds between NAT keepalives */
#define IKE_NONCE_LEN		32
#define IKE_RTX_FIRST		0.5	/* seconds before the first resend */
#define IKE_RTX_TRIES		5	/* resends before giving up */
#define IKE_INIT_ERR_WAIT	2.0	/* s: an IKE_SA_INIT error may be forged */
#define IKE_RTX_RTO_MAX		2.0	/* cap of the first timeout (RTT) */
#define IKE_INIT_PARALLEL	32	/* our setups in progress at once */
#define IKE_RETRY_MIN		1.0	/* re-initiation delay, doubling */
#define IKE_RETRY_MAX		30.0
#define IKE_HALFOPEN_TIMEOUT	30.0
#define IKE_DPD_INTERVAL	15.0	/* idle seconds before a liveness check */
#define IKE_COOKIE_THRESHOLD	16	/* half-open SAs before COOKIEs */
#define IKE_COOKIE_LEN		(1 + 32)	/* version, SHA-256 */
#define IKE_COOKIE_ROTATE	60.0	/* seconds a COOKIE secret is used */
#define IKE_COOKIE_USES		100000	/* COOKIEs made with one secret */
#define IKE_HALFOPEN_PER_SRC	5	/* half-open SAs per source address */
#define IKE_CERTREQ_LEN		(IKE_CERTREQ_MAX_HASHES * 20)
#define IKE_CERTREQ_MAX_HASHES	8
#define IKE_ID_MAX		(CONF_IKE_ID_MAX + 64)
#define IKE_FRAG_MAX		64	/* fragments of one message (RFC 7383) */
#define IKE_FRAG_V4		576	/* default fragment datagram, 2.5.1 */
#define IKE_FRAG_V6		1280
#define IKE_REKEY_TICK		0.1	/* seconds between lifetime checks */
#define IKE_REKEY_KDP_TICKS	10	/* kernel counters: every 10th tick */
#define IKE_REKEY_GRACE		1.0	/* an old inbound SA outlives its DELETE */
#define IKE_REKEY_STALE		60.0	/* an old SA nobody deletes goes */
#define IKE_REKEY_RETRY		2.0	/* after TEMPORARY_FAILURE: 1-2 times */
#define IKE_XCHILD_MAX		4

struct peer;

/* A peer's credentials and policy, loaded from its ike_conf. */
struct ike_cred {
	EVP_PKEY		*key;
	enum ike_sig_alg	 alg;
	uint8_t			*der[MCERT_CHAIN_MAX];	/* our chain, leaf first */
	size_t			 derlen[MCERT_CHAIN_MAX];
	size_t			 ncert;
	struct mcert_cert	*mine;
	struct mcert_store	*store;
	uint8_t			 certreq[IKE_CERTREQ_LEN];	/* SHA-1 SPKIs */
	size_t			 certreq_len;
	uint8_t			 lid_type;
	uint8_t			 lid[IKE_ID_MAX];
	size_t			 lid_len;
	uint8_t			 rid_type;	/* 0: any */
	uint8_t			 rid[IKE_ID_MAX];
	size_t			 rid_len;
	/* shared by the peers with the same files and IDs (ike_cred_get) */
	TAILQ_ENTRY(ike_cred)	 entry;
	struct ike_conf		 from;		/* what was loaded */
	unsigned int		 refs;		/* 0: not shared */
	unsigned int		 epoch;
};

enum ike_state {
	IKES_INIT_SENT,		/* initiator: IKE_SA_INIT request out */
	IKES_AUTH_SENT,		/* initiator: IKE_AUTH request out */
	IKES_INIT_DONE,		/* responder: waiting for IKE_AUTH */
	IKES_ESTABLISHED,
	IKES_DELETING,
	IKES_DEAD,		/* to be freed */
};

struct ike_child {
	bool		installed;
	uint32_t	spi_in, spi_out;
	uint16_t	bits;
	bool		esn;
	bool		tunnel;		/* tunnel mode (peer refused transport) */
	ev_tstamp	since;
	ev_tstamp	rekey_at;	/* ike_rekey.c */
	uint64_t	bytes0;		/* the tunnel's octets at install */
};

/*
 * A CHILD_SA besides the current one (ike_rekey.c): its inbound SA is
 * installed, its outbound one never (RETIRED, REDUNDANT) or not yet
 * (PENDING: the responder's, held until the initiator deletes the old).
 */
enum ike_xstate {
	XC_FREE,
	XC_PENDING,
	XC_RETIRED,
	XC_REDUNDANT,		/* lost a collision (RFC 7296 2.8.1) */
};

struct ike_xchild {
	enum ike_xstate	 state;
	struct ike_child ch;
	struct sa_params out;		/* XC_PENDING */
	uint32_t	 replaces;	/* XC_PENDING: the spi_in it replaces */
	bool		 del_wanted;	/* ours to DELETE */
	bool		 deleted;	/* DELETE exchange done */
	ev_tstamp	 expire;	/* inbound SA removed then */
};

enum ike_rk_kind {
	RK_NONE,
	RK_CHILD,
	RK_IKE,
};

/* Our CREATE_CHILD_SA request outstanding, and what came meanwhile. */
struct ike_rekey {
	enum ike_rk_kind kind;
	uint32_t	 old_in;	/* RK_CHILD: the SA rekeyed */
	uint32_t	 spi_in;	/* RK_CHILD: our new inbound SPI */
	uint64_t	 spi;		/* RK_IKE: our new IKE SPI */
	uint16_t	 group;		/* KE group; 0: the IKE SA's */
	struct ike_dh	 dh;
	uint8_t		 n[IKE_NONCE_LEN];
	bool		 coll;		/* the peer rekeyed the same SA */
	uint8_t		 coll_n[IKE_NONCE_MAX];	/* its lowest nonce */
	size_t		 coll_nlen;
	ev_tstamp	 retry_at;	/* after TEMPORARY_FAILURE */
	bool		 del_out;	/* our DELETE of del_spi outstanding */
	uint32_t	 del_spi;
};

struct ike_peer;
struct ike_frag;

struct ikesa {
	TAILQ_ENTRY(ikesa)	 entry;		/* all SAs */
	struct ike_peer		*ip;
	enum ike_state		 state;
	bool			 initiator;
	uint64_t		 spi_i, spi_r;
	struct sockaddr_storage	 local, remote;	/* ports 500 or 4500 */
	socklen_t		 sslen;
	struct ike_suite	 suite;
	struct ike_dh		 dh;
	uint8_t			 ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t			 nilen, nrlen;
	struct ike_keys		 keys;
	struct ike_aead		 a_in, a_out;	/* the peer's SK_e, ours */
	bool			 keyed;
	uint8_t			*msg1, *msg2;	/* IKE_SA_INIT request, reply */
	size_t			 msg1len, msg2len;
	uint8_t			 cookie[IKE_COOKIE_MAX];
	size_t			 cookielen;
	/* an error notify answered our IKE_SA_INIT (unauthenticated): when */
	uint16_t		 init_err;
	ev_tstamp		 init_err_at;
	bool			 nat_local, nat_remote;	/* NAT detected */
	bool			 natt;		/* IKE moved to UDP 4500 */
	ev_timer		 keepalive;	/* behind a NAT: RFC 3948 */
	uint64_t		 keepalives;	/* sent */

	/* our requests: window of one */
	uint32_t		 req_next;
	uint8_t			*req;
	size_t			 reqlen;
	uint32_t		 req_id;
	bool			 req_pending;
	int			 tries;
	ev_tstamp		 req_sent, rto;	/* RTT sample, first timeout */
	ev_timer		 rtx;
	/* the peer's requests and our cached reply */
	uint32_t		 exp_next;
	uint8_t			*resp;
	size_t			 resplen;
	bool			 resp_set;

	ev_timer		 life;		/* half-open / liveness */
	ev_tstamp		 created, established, last_rx;

	struct mcert_cert	*peer_cert;
	char			 peer_id[128];
	char			 coi[MCERT_NAME_MAX + 1];
	struct ike_child	 child;
	uint32_t		 child_spi;	/* our inbound SPI, proposed */
	bool			 frag_peer;	/* IKEV2_FRAGMENTATION_SUPPORTED */
	struct ike_frag		*frag[2];	/* reassembly: requests, responses */

	/* ike_rekey.c */
	ev_timer		 rekey;		/* lifetimes, every IKE_REKEY_TICK */
	ev_tstamp		 rekey_at;	/* of the IKE SA */
	struct ike_rekey	 rk;
	struct ike_xchild	 xchild[IKE_XCHILD_MAX];
	bool			 rekeyed;	/* replaced by a new IKE SA */
	unsigned int		 ticks;
};
TAILQ_HEAD(ikesa_head, ikesa);

/* A tunnel keyed by IKE. */
struct ike_peer {
	struct peer		*peer;
	struct ike_conf		 conf;
	struct ike_cred		*cred;
	uint16_t		 group;		/* next KE group */
	ev_timer		 retry;
	double			 retry_delay;
	bool			 stopping;
	ev_tstamp		 probed;	/* ike_peer_esp_moved() */
	/* the chain the peer last authenticated with, checked on reload
	 * and when its certificate expires */
	ev_timer		 expiry;
	uint8_t			*pchain[MCERT_CHAIN_MAX];
	size_t			 pchainlen[MCERT_CHAIN_MAX];
	size_t			 npchain;
	bool			 waiting;	/* for IKE_INIT_PARALLEL */
	/* rekeys done (both roles), and those we initiated */
	uint64_t		 ike_rekeys, ike_rekeys_init;
	uint64_t		 child_rekeys, child_rekeys_init;
	uint64_t		 collisions;	/* simultaneous CHILD rekeys */
};

/* ike.c */
extern struct ev_loop	*ike_loop;
extern struct ike_stats	 ike_st;
struct ikesa_head	*ike_sas(void);
void		 ike_rx(const uint8_t *, size_t, const struct sockaddr_storage *,
		    const struct sockaddr_storage *);
void		 ike_peer_retry(struct ike_peer *);
void		 ike_peer_established(struct ikesa *);
void		 ike_peer_kick(void);
const char	*ike_peer_name(const struct ike_peer *);

/* ike_sa.c */
struct ikesa	*ike_sa_new(struct ike_peer *, bool initiator);
void		 ike_sa_free(struct ikesa *);
void		 ike_sa_fail(struct ikesa *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
struct ikesa	*ike_sa_lookup(uint64_t spi_i, uint64_t spi_r, bool we_init);
int		 ike_sa_request(struct ikesa *, struct ike_msg *);
int		 ike_sa_reply(struct ikesa *, struct ike_msg *);
int		 ike_sa_send_once(struct ikesa *, struct ike_msg *, bool sealed);
void		 ike_sa_xmit(struct ikesa *, const uint8_t *, size_t);
void		 ike_sa_req_done(struct ikesa *);
int		 ike_sa_keys(struct ikesa *, const uint8_t *gir, size_t);
void		 ike_sa_hdr(struct ikesa *, struct ike_msg *, uint8_t exch,
		    bool response, uint32_t msgid);
const char	*ike_state_name(enum ike_state);
void		 ike_sa_set_port(struct sockaddr_storage *, uint16_t);
void		 ike_sa_natt(struct ikesa *, const struct sockaddr_storage *);

/* ike_sock.c */
int		 ike_sock_open(void);
void		 ike_sock_close(void);
uint16_t	 ike_sock_port(const struct sockaddr_storage *);
int		 ike_sock_send(const struct sockaddr_storage *local,
		    const struct sockaddr_storage *remote, const uint8_t *,
		    size_t);

/* ike_cred.c */
struct ike_cred	*ike_cred_load(const struct ike_conf *, char *, size_t);
struct ike_cred	*ike_cred_get(const struct ike_conf *, char *, size_t);
void		 ike_cred_reread(void);
void		 ike_cred_free(struct ike_cred *);
void		 ike_id_fmt(uint8_t type, const uint8_t *, size_t, char *,
		    size_t);

/* ike_prop.c */
void		 ike_prop_ike(const struct ike_conf *, struct ike_sa *);
void		 ike_prop_esp(const struct ike_conf *, bool esn, uint32_t spi,
		    struct ike_sa *);
int		 ike_prop_pick_ike(const struct ike_conf *,
		    const struct ike_sa *, uint16_t ke_group,
		    struct ike_suite *, struct ike_sa *reply);
int		 ike_prop_pick_esp(const struct ike_conf *, bool esn,
		    const struct ike_sa *, uint32_t our_spi,
		    struct ike_child *, struct ike_sa *reply);
bool		 ike_prop_group_ok(const struct ike_conf *, uint16_t group);
void		 ike_prop_esp_pfs(const struct ike_conf *, bool esn,
		    uint32_t spi, uint16_t group, struct ike_sa *);
int		 ike_prop_pick_esp_pfs(const struct ike_conf *, bool esn,
		    const struct ike_sa *, uint16_t ke_group, uint32_t our_spi,
		    struct ike_child *, uint16_t *group, struct ike_sa *reply);
void		 ike_prop_ike_spi(const struct ike_conf *, uint64_t spi,
		    struct ike_sa *);
int		 ike_prop_pick_ike_spi(const struct ike_conf *,
		    const struct ike_sa *, uint16_t ke_group, uint64_t our_spi,
		    struct ike_suite *, uint64_t *peer_spi, struct ike_sa *reply);

/* ike_init.c */
int		 ike_init_start(struct ike_peer *);
void		 ike_init_request(struct ike_peer *, struct ike_msg *,
		    const struct sockaddr_storage *,
		    const struct sockaddr_storage *);
void		 ike_init_response(struct ikesa *, struct ike_msg *);

/* ike_cookie.c */
bool		 ike_cookie_needed(void);
bool		 ike_cookie_ok(const struct ike_msg *,
		    const struct sockaddr_storage *, uint8_t *, size_t *);
int		 ike_cookie_rotate(void);
void		 ike_cookie_rotate_after(double);
bool		 ike_halfopen_full(const struct sockaddr_storage *);

/* ike_auth.c */
int		 ike_auth_start(struct ikesa *);
void		 ike_auth_chain_free(struct ike_peer *);
void		 ike_auth_recheck(struct ike_peer *, const char *when);
void		 ike_auth_request(struct ikesa *, struct ike_msg *);
void		 ike_auth_response(struct ikesa *, struct ike_msg *);

/* ike_child.c */
/* TSi/TSr of an exchange we (we_init) or the peer started (RFC 7296 2.9) */
void		 ike_child_ts(const struct ikesa *, struct ike_msg *,
		    bool we_init);
int		 ike_child_ts_check(const struct ikesa *, const struct ike_msg *,
		    bool we_init, char *, size_t);
int		 ike_child_mode(struct ikesa *, const struct ike_msg *, char *,
		    size_t);
uint32_t	 ike_child_spi(void);
int		 ike_child_install(struct ikesa *);
void		 ike_child_remove(struct ikesa *);

/* ike_frag.c: RFC 7383 */
void		 ike_frag_announce(struct ike_msg *);
void		 ike_frag_peer(struct ikesa *, const struct ike_msg *);
long		 ike_frag_seal(struct ikesa *, struct ike_msg *, uint8_t *,
		    size_t);
int		 ike_frag_open(struct ikesa *, struct ike_msg *, uint8_t *,
		    size_t, struct ike_err *);
void		 ike_frag_free(struct ikesa *);
size_t		 ike_frag_limit(const struct ikesa *);

/* ike_info.c */
void		 ike_info_request(struct ikesa *, struct ike_msg *);
void		 ike_info_response(struct ikesa *, struct ike_msg *);
void		 ike_info_delete(struct ikesa *);
void		 ike_info_authfail(struct ikesa *);
int		 ike_info_dpd(struct ikesa *);

/* ike_rekey.c */
void		 ike_rekey_up(struct ikesa *);
void		 ike_rekey_free(struct ikesa *);
void		 ike_rekey_request(struct ikesa *, struct ike_msg *);
void		 ike_rekey_response(struct ikesa *, struct ike_msg *);
bool		 ike_rekey_delete(struct ikesa *, const struct ike_msg *);
void		 ike_rekey_info_response(struct ikesa *, const struct ike_msg *);

#endif
