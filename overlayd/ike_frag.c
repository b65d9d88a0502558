/*
 * ike_frag.c: IKE fragmentation (RFC 7383). Both ends announce
 * IKEV2_FRAGMENTATION_SUPPORTED in IKE_SA_INIT; when both did, an
 * encrypted message that would not fit in one datagram of the fragment
 * size goes as Encrypted Fragment (SKF) payloads, each sealed on its own
 * (2.5). The stored request or reply is all the fragments back to back,
 * so that retransmission resends them all.
 *
 * Reassembly (2.6): each fragment passes the integrity check before
 * anything is kept; one message per SA and direction is put together at a
 * time, at most IKE_FRAG_MAX fragments and IKE_MSG_MAX octets of
 * plaintext; a duplicate is ignored, a fragment of another message ID
 * (the caller has checked the window) starts again, one with fewer total
 * fragments than the message being put together is dropped, one with more
 * starts again (the peer fragmented anew, 2.6.2). The whole is decoded
 * with ike_msg_parse_inner() after the first fragment's next payload.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_sa.h"
#include "log.h"

#define IKE_UDP_HDR	8

struct ike_frag {
	uint32_t	 msgid;
	uint16_t	 total;		/* fragments announced */
	uint16_t	 nhave;
	uint8_t		 first;		/* fragment 1's next payload */
	size_t		 len;		/* plaintext octets kept */
	uint8_t		*part[IKE_FRAG_MAX];
	uint16_t	 partlen[IKE_FRAG_MAX];
};

static uint8_t	ike_frag_plain[IKE_MSG_MAX];

void
ike_frag_announce(struct ike_msg *m)
{
	int	i;

	if ((i = ike_msg_add(m, IKE_PLD_NOTIFY)) != -1)
		m->notify[i] = (struct ike_notify){
		    .type = IKE_N_IKEV2_FRAGMENTATION_SUPPORTED };
}

void
ike_frag_peer(struct ikesa *sa, const struct ike_msg *m)
{
	sa->frag_peer = ike_msg_notify(m,
	    IKE_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
}

/*
 * The largest IKE message in one datagram: the fragment size (`ike
 * fragment-size`, else 576 octets for IPv4 and 1280 for IPv6, RFC 7383
 * 2.5.1) less the IP and UDP headers and the non-ESP marker on 4500.
 */
size_t
ike_frag_limit(const struct ikesa *sa)
{
	size_t	dgram = sa->ip->conf.frag_size, hdr;

	if (dgram == 0)
		dgram = sa->remote.ss_family == AF_INET ? IKE_FRAG_V4 :
		    IKE_FRAG_V6;
	hdr = (sa->remote.ss_family == AF_INET ? 20 : 40) + IKE_UDP_HDR +
	    (sa->natt ? IKE_NATT_MARKER : 0);
	return dgram > hdr + IKE_HDR_LEN ? dgram - hdr : IKE_HDR_LEN;
}

/*
 * Seals m into buf: one SK message, or, when both ends support
 * fragmentation and that is too big, its SKF fragments back to back.
 * Only messages whose SK payload comes first are split (all but
 * IKE_SA_INIT, which is never encrypted).
 */
long
ike_frag_seal(struct ikesa *sa, struct ike_msg *m, uint8_t *buf, size_t cap)
{
	struct ike_sk	 sk;
	size_t		 limit = ike_frag_limit(sa), chunk, plen, off, at;
	long		 n, pre;
	uint8_t		 prefix[IKE_HDR_LEN + IKE_GEN_HDR_LEN];
	unsigned int	 i, total;

	if ((n = ike_msg_seal(&sa->a_out, m, buf, cap)) == -1 ||
	    (size_t)n <= limit || !sa->frag_peer || m->sk_at != 0)
		return n;
	if ((n = ike_msg_build_inner(m, ike_frag_plain,
	    sizeof(ike_frag_plain))) == -1)
		return -1;
	plen = (size_t)n;
	m->order[0] = IKE_PLD_SKF;	/* the header announces SKF */
	pre = ike_msg_build_prefix(m, prefix, sizeof(prefix));
	m->order[0] = IKE_PLD_SK;
	if (pre == -1)
		return -1;
	if (limit <= (size_t)pre + IKE_SKF_HDR_LEN + IKE_SK_OVERHEAD) {
		errno = EMSGSIZE;
		return -1;
	}
	chunk = limit - (size_t)pre - IKE_SKF_HDR_LEN - IKE_SK_OVERHEAD;
	total = (unsigned int)((plen + chunk - 1) / chunk);
	if (total > IKE_FRAG_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	for (i = 1, off = 0, at = 0; i <= total; i++, at += chunk) {
		if (cap - off < (size_t)pre)
			goto nospace;
		memcpy(buf + off, prefix, (size_t)pre);
		sk = (struct ike_sk){ .first = i == 1 ?
		    m->order[1] : IKE_PLD_NONE, .frag_num = (uint16_t)i,
		    .frag_total = (uint16_t)total };
		if ((n = ike_sk_seal(&sa->a_out, buf + off, cap - off,
		    (size_t)pre, &sk, ike_frag_plain + at,
		    plen - at < chunk ? plen - at : chunk)) == -1)
			return -1;
		off += (size_t)n;
	}
	ike_st.frag_tx += total;
	log_debug("tunnel %s: IKE %s message %u in %u fragments",
	    ike_peer_name(sa->ip), ike_exchange_name(m->hdr.exchange),
	    m->hdr.msgid, total);
	return (long)off;
 nospace:
	errno = ENOSPC;
	return -1;
}

static void
ike_frag_clear(struct ike_frag *f)
{
	unsigned int	i;

	for (i = 0; i < IKE_FRAG_MAX; i++) {
		free(f->part[i]);
		f->part[i] = NULL;
		f->partlen[i] = 0;
	}
	f->total = f->nhave = 0;
	f->len = 0;
	f->first = 0;
}

void
ike_frag_free(struct ikesa *sa)
{
	unsigned int	i;

	for (i = 0; i < 2; i++) {
		if (sa->frag[i] == NULL)
			continue;
		ike_frag_clear(sa->frag[i]);
		free(sa->frag[i]);
		sa->frag[i] = NULL;
	}
}

static int
ike_frag_drop(struct ike_err *e, const char *why, unsigned int num,
    unsigned int total)
{
	ike_st.frag_dropped++;
	e->notify = 0;
	e->ndata_len = 0;
	snprintf(e->reason, sizeof(e->reason), "SKF %u/%u: %s", num, total,
	    why);
	return -1;
}

/* All fragments are in: the inner payloads decoded into m. */
static int
ike_frag_done(struct ike_frag *f, struct ike_msg *m, uint8_t *plain,
    size_t cap, struct ike_err *e)
{
	size_t		len = 0;
	unsigned int	i;
	int		rv;

	if (f->len > cap) {
		ike_frag_clear(f);
		return ike_frag_drop(e, "too big", 0, 0);
	}
	for (i = 0; i < f->total; i++) {
		memcpy(plain + len, f->part[i], f->partlen[i]);
		len += f->partlen[i];
	}
	rv = ike_msg_parse_inner(m, f->first, plain, len, e);
	ike_frag_clear(f);
	if (rv == 0)
		ike_st.frag_reassembled++;
	return rv;
}

/*
 * Opens an SK message, or takes an SKF fragment in. 1: m is complete, its
 * inner payloads decoded (their slices point into plain); 0: a fragment
 * kept or ignored, nothing to do yet; -1: refused, the reason in e.
 */
int
ike_frag_open(struct ikesa *sa, struct ike_msg *m, uint8_t *plain, size_t cap,
    struct ike_err *e)
{
	struct ike_frag	**fp, *f;
	unsigned int	  num = m->sk.frag_num, total = m->sk.frag_total;
	size_t		  plen = 0;
	uint8_t		 *copy;

	if (m->order[m->sk_at] != IKE_PLD_SKF)
		return ike_msg_open(&sa->a_in, m, plain, cap, e) == -1 ? -1 : 1;
	if (!sa->frag_peer)
		return ike_frag_drop(e, "fragmentation was not negotiated",
		    num, total);
	if (total > IKE_FRAG_MAX || num == 0 || num > total)
		return ike_frag_drop(e, "out of range", num, total);
	/* integrity first: nothing of an unauthentic fragment is acted on */
	if (ike_sk_open(&sa->a_in, m, ike_frag_plain, sizeof(ike_frag_plain),
	    &plen, e) == -1) {
		ike_st.frag_dropped++;
		return -1;
	}
	fp = &sa->frag[(m->hdr.flags & IKE_FLAG_RESPONSE) != 0];
	if (*fp == NULL && (*fp = calloc(1, sizeof(**fp))) == NULL)
		return ike_frag_drop(e, "out of memory", num, total);
	f = *fp;
	if (f->total != 0 && (f->msgid != m->hdr.msgid || total > f->total))
		ike_frag_clear(f);	/* a newer message, or fragmented anew */
	if (f->total != 0 && total < f->total)
		return ike_frag_drop(e, "fewer fragments than before", num,
		    total);
	if (f->total == 0) {
		f->msgid = m->hdr.msgid;
		f->total = (uint16_t)total;
	}
	if (f->part[num - 1] != NULL) {
		ike_st.frag_dropped++;
		log_debug("tunnel %s: IKE fragment %u/%u of message %u again",
		    ike_peer_name(sa->ip), num, total, m->hdr.msgid);
		return 0;
	}
	if (f->len + plen > IKE_MSG_MAX) {
		ike_frag_clear(f);
		return ike_frag_drop(e, "message too big", num, total);
	}
	if ((copy = malloc(plen > 0 ? plen : 1)) == NULL)
		return ike_frag_drop(e, "out of memory", num, total);
	memcpy(copy, ike_frag_plain, plen);
	f->part[num - 1] = copy;
	f->partlen[num - 1] = (uint16_t)plen;
	f->len += plen;
	f->nhave++;
	if (num == 1)
		f->first = m->sk.first;
	ike_st.frag_rx++;
	if (f->nhave < f->total)
		return 0;
	return ike_frag_done(f, m, plain, cap, e) == -1 ? -1 : 1;
}
