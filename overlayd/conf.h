/*
 * conf.h: the parsed overlayd.conf(5). parse.y fills it, conf.c prints,
 * compares and frees it; nothing else in overlayd reads the file.
 */
#ifndef OVL_CONF_H
#define OVL_CONF_H

#include <sys/queue.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

#define CONF_PEER_NAME_MAX	11	/* "ovl-" + name fits IFNAMSIZ */
#define CONF_MAX_ADDRS		8	/* overlay addresses per tunnel */
#define CONF_KEY_MAX		36	/* AES-256 key + 4-byte salt */
#define CONF_MTU_MIN		1280
#define CONF_MTU_MAX		9000
#define CONF_REPLAY_MIN		32
#define CONF_REPLAY_MAX		4096
#define CONF_REPLAY_DEFAULT	1024
#define CONF_ESP_UDP_PORT	4500
#define CONF_BGP_MAX		4	/* BIRD protocols bound to one tunnel */
#define CONF_BGP_NAME_MAX	64	/* BIRD symbol length */
#define CONF_BIRD_TIMEOUT	5	/* seconds, default */
#define CONF_BIRD_TIMEOUT_MAX	60
#define CONF_IKE_COOKIE_THRESHOLD	16	/* RFC 7296 2.6 */
#define CONF_IKE_HALFOPEN_LIMIT		5	/* RFC 8019 4.6 */
#define CONF_IKE_LIMIT_MAX		1000000
#define CONF_KA_INTERVAL_MIN	50		/* ms */
#define CONF_KA_INTERVAL_MAX	60000
#define CONF_KA_MULT_MIN	2
#define CONF_KA_MULT_MAX	50
#define CONF_KA_HOLDDOWN_MAX	3600000		/* ms */

enum conf_encap {
	ENCAP_ESP = 0,		/* raw ESP, IP protocol 50 */
	ENCAP_UDP,		/* ESP in UDP 4500, RFC 3948 */
};

enum conf_dataplane {
	DATAPLANE_USERSPACE = 0,	/* TUN, userspace GRE and ESP */
	DATAPLANE_KERNEL,		/* ip_gre/ip6gre and XFRM */
};

enum sa_alg {
	SA_ALG_NONE = 0,
	SA_AES_GCM_128,		/* 16-byte key + 4-byte salt, RFC 4106 */
	SA_AES_GCM_256,		/* 32-byte key + 4-byte salt */
};

struct sa_conf {
	bool		set;
	uint32_t	spi;		/* never 0..255 (RFC 4303 2.1) */
	enum sa_alg	alg;
	uint8_t		key[CONF_KEY_MAX];	/* key then salt */
	uint8_t		keylen;		/* 20 or 36 */
};

/* Tunnel keepalives: BFD inside the tunnel (live.c). */
struct ka_conf {
	bool		on;
	uint32_t	interval;	/* ms */
	uint32_t	multiplier;
	uint32_t	holddown;	/* ms */
};

/* IKEv2 keying (ike.c); paths empty and 0 values mean "not set". */
#define CONF_PATH_MAX		256
#define CONF_IKE_ID_MAX		256
#define CONF_IKE_FRAG_MIN	256	/* ike fragment-size: IP datagram */
#define CONF_IKE_FRAG_MAX	9000
#define CONF_IKE_GROUPS		2

struct ike_conf {
	bool		on;
	bool		passive;	/* responder only */
	uint16_t	port;		/* IKE_AUTH on: 0 (500), 500, 4500 */
	bool		tunnel;		/* ike mode tunnel: never transport */
	uint16_t	frag_size;	/* ike fragment-size; 0: per family */
	char		cert[CONF_PATH_MAX];	/* PEM: ours, then its CAs */
	char		key[CONF_PATH_MAX];
	char		ca[CONF_PATH_MAX];	/* PEM: roots, CAs, CRLs */
	char		crl[CONF_PATH_MAX];	/* optional further CRLs */
	char		local_id[CONF_IKE_ID_MAX];	/* "": the cert's DN */
	char		remote_id[CONF_IKE_ID_MAX];	/* "": any, per cert */
	uint16_t	encr_bits;	/* AES-GCM-16 key: 128 or 256 */
	uint8_t		ngroups;
	uint16_t	groups[CONF_IKE_GROUPS];	/* 31, 19; first in KE */
	uint32_t	life;		/* IKE SA rekey, seconds; 0: unset */
	uint32_t	child_life;	/* CHILD_SA rekey, seconds; 0: unset */
	uint64_t	child_bytes;	/* CHILD_SA rekey, octets; 0: none */
	bool		jitter_set;
	uint8_t		jitter;		/* rekey up to this % early */
};

#define CONF_IKE_LIFE		(4 * 3600)	/* strongSwan's defaults */
#define CONF_IKE_CHILD_LIFE	3600
#define CONF_IKE_JITTER		10
#define CONF_IKE_LIFE_MIN	2
#define CONF_IKE_LIFE_MAX	(30 * 86400)
#define CONF_IKE_BYTES_MIN	1024ULL
#define CONF_IKE_BYTES_MAX	(1ULL << 50)
#define CONF_IKE_JITTER_MAX	50

struct peer_conf {
	TAILQ_ENTRY(peer_conf)	 entry;
	char			 name[CONF_PEER_NAME_MAX + 1];
	struct addr		 local;
	struct addr		 remote;
	enum conf_encap		 encap;
	uint16_t		 port;		/* remote UDP port, ENCAP_UDP */
	uint32_t		 mtu;		/* underlay MTU; 0: global */
	bool			 gre_key_set;
	uint32_t		 gre_key;
	struct prefix		 addrs[CONF_MAX_ADDRS];
	struct addr		 addr_peer[CONF_MAX_ADDRS];	/* or unset */
	unsigned int		 naddrs;
	bool			 ka_set;	/* own keepalive line */
	struct ka_conf		 ka;		/* in effect (own or global) */
	bool			 esn;
	uint32_t		 replay_window;
	struct sa_conf		 sa_in;
	struct sa_conf		 sa_out;
	struct ike_conf		 ike;		/* or the manual SAs above */
	/* BIRD protocols enabled iff this tunnel is up (bgp.c) */
	char			 bgp[CONF_BGP_MAX][CONF_BGP_NAME_MAX + 1];
	unsigned int		 nbgp;
};
TAILQ_HEAD(peer_conf_head, peer_conf);

struct ovl_conf {
	char			 user[64];
	char			 ctl_path[108];	/* sun_path */
	char			 ctl_group[64];	/* empty: the user's group */
	uint32_t		 mtu;		/* default underlay MTU */
	enum conf_dataplane	 dataplane;
	char			 bird_path[108]; /* empty: no BIRD */
	uint32_t		 bird_timeout;	/* seconds */
	struct ka_conf		 ka;		/* default for peers */
	struct ike_conf		 ike;		/* defaults for peers */
	uint32_t		 ike_cookie_threshold;	/* half-open SAs */
	uint32_t		 ike_halfopen_limit;	/* per source; 0: none */
	bool			 ike_cert_cache;	/* keep verified chains */
	struct peer_conf_head	 peers;
};

/* parse.y: NULL on any error, each error logged as "file:line: message" */
struct ovl_conf	*conf_parse(const char *path);
struct ovl_conf	*conf_parse_file(FILE *f, const char *name);	/* f stays open */

/* conf.c */
struct ovl_conf	*conf_new(void);	/* defaults filled in */
void		 conf_free(struct ovl_conf *);
void		 conf_print(FILE *, const struct ovl_conf *);
struct peer_conf *conf_peer_find(const struct ovl_conf *, const char *);
uint32_t	 conf_peer_mtu(const struct ovl_conf *, const struct peer_conf *);
bool		 conf_peer_equal(const struct peer_conf *,
		    const struct peer_conf *);
const char	*conf_alg_name(enum sa_alg);
void		 conf_ka_default(struct ka_conf *);	/* interval etc. */
bool		 conf_ka_equal(const struct ka_conf *, const struct ka_conf *);
void		 conf_print_ike(FILE *, const char *, const struct ike_conf *);
void		 conf_print_ike_life(FILE *, const char *, const struct ike_conf *,
		    const struct ike_conf *global);
bool		 conf_ike_equal(const struct ike_conf *,
		    const struct ike_conf *);
const char	*conf_group_name(uint16_t);
bool		 conf_peer_ka_addrs(const struct peer_conf *, struct addr *local,
		    struct addr *remote);

#endif
