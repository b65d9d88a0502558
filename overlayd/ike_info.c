/*
 * ike_info.c: INFORMATIONAL exchanges (RFC 7296 1.4): DELETE of the IKE
 * SA when a tunnel goes, the initiator's AUTHENTICATION_FAILED (2.21.2),
 * liveness checks of an idle SA (empty INFORMATIONAL, 2.4), and the
 * answers to the peer's (a CHILD_SA deleted by the peer takes its IKE
 * SA with it: DELETE both).  The Deletes of CHILD_SAs replaced by a
 * rekey, and CREATE_CHILD_SA, are ike_rekey.c's.
 */
#include "config.h"

#include <arpa/inet.h>

#include <string.h>

#include "ike_sa.h"
#include "log.h"

static void
info_once(struct ikesa *sa, uint16_t notify, bool del)
{
	struct ike_msg	m;
	int		i;

	if (!sa->keyed)
		return;
	ike_sa_hdr(sa, &m, IKE_INFORMATIONAL, false, 0);
	ike_msg_add(&m, IKE_PLD_SK);
	if (notify != 0) {
		i = ike_msg_add(&m, IKE_PLD_NOTIFY);
		m.notify[i] = (struct ike_notify){ .type = notify };
	}
	if (del) {
		i = ike_msg_add(&m, IKE_PLD_DELETE);
		m.del[i] = (struct ike_delete){ .proto = IKE_PROTO_IKE };
	}
	(void)ike_sa_send_once(sa, &m, true);
}

void
ike_info_delete(struct ikesa *sa)
{
	log_info("tunnel %s: deleting IKE SA %016llx/%016llx",
	    ike_peer_name(sa->ip), (unsigned long long)sa->spi_i,
	    (unsigned long long)sa->spi_r);
	info_once(sa, 0, true);
}

void
ike_info_authfail(struct ikesa *sa)
{
	info_once(sa, IKE_N_AUTHENTICATION_FAILED, false);
}

int
ike_info_dpd(struct ikesa *sa)
{
	struct ike_msg	m;

	ike_sa_hdr(sa, &m, IKE_INFORMATIONAL, false, 0);
	ike_msg_add(&m, IKE_PLD_SK);
	return ike_sa_request(sa, &m);
}

static void
info_reply(struct ikesa *sa, const struct ike_msg *req, uint16_t notify)
{
	struct ike_msg	m;
	int		i;

	ike_sa_hdr(sa, &m, req->hdr.exchange, true, req->hdr.msgid);
	ike_msg_add(&m, IKE_PLD_SK);
	if (notify != 0) {
		i = ike_msg_add(&m, IKE_PLD_NOTIFY);
		m.notify[i] = (struct ike_notify){ .type = notify };
	}
	(void)ike_sa_reply(sa, &m);
}

/*
 * info_child_deleted: the request deletes our CHILD_SA, named by the SPI
 * the peer knows it by, its inbound one: our outbound SPI (RFC 7296
 * 3.11).  A Delete of an SPI we do not have is ignored (1.4.1).
 */
static bool
info_child_deleted(const struct ikesa *sa, const struct ike_msg *m)
{
	const struct ike_delete	*d;
	unsigned int		 i;
	size_t			 j;
	uint32_t		 spi;

	if (!sa->child.installed)
		return false;
	for (i = 0; i < m->ndelete; i++) {
		d = &m->del[i];
		if (d->proto != IKE_PROTO_ESP || d->spi_size != 4)
			continue;
		for (j = 0; j < d->nspi && (j + 1) * sizeof(spi) <= d->spis.len;
		    j++) {
			memcpy(&spi, d->spis.p + j * sizeof(spi), sizeof(spi));
			if (ntohl(spi) == sa->child.spi_out)
				return true;
		}
	}
	return false;
}

/* info_reply_delete: the reply to a CHILD_SA's Delete, with ours. */
static void
info_reply_delete(struct ikesa *sa, const struct ike_msg *req)
{
	struct ike_msg	m;
	uint32_t	spi = htonl(sa->child.spi_in);
	int		i;

	ike_sa_hdr(sa, &m, req->hdr.exchange, true, req->hdr.msgid);
	ike_msg_add(&m, IKE_PLD_SK);
	i = ike_msg_add(&m, IKE_PLD_DELETE);
	m.del[i] = (struct ike_delete){ .proto = IKE_PROTO_ESP,
	    .spi_size = 4, .nspi = 1, .spis = { (const uint8_t *)&spi, sizeof(spi) } };
	(void)ike_sa_reply(sa, &m);
}

void
ike_info_request(struct ikesa *sa, struct ike_msg *m)
{
	unsigned int	i;

	if (ike_rekey_delete(sa, m))
		return;
	if (info_child_deleted(sa, m)) {
		/*
		 * The reply closes the other half of the pair (RFC 7296
		 * 1.4.1); an IKE SA without its one CHILD_SA carries nothing
		 * and no new one can be made in it yet: delete it too, so
		 * that the peer does not keep it.
		 */
		info_reply_delete(sa, m);
		ike_info_delete(sa);
		ike_sa_fail(sa, "CHILD_SA deleted by the peer");
		return;
	}
	info_reply(sa, m, 0);
	if (ike_msg_notify(m, IKE_N_AUTHENTICATION_FAILED) != NULL) {
		ike_st.auth_failed++;
		ike_sa_fail(sa, "the peer refused IKE_AUTH: %s",
		    ike_notify_name(IKE_N_AUTHENTICATION_FAILED));
		return;
	}
	for (i = 0; i < m->ndelete; i++) {
		if (m->del[i].proto == IKE_PROTO_IKE && sa->rekeyed) {
			log_debug("tunnel %s: rekeyed IKE SA deleted by the "
			    "peer", ike_peer_name(sa->ip));
			ike_sa_free(sa);
			return;
		}
		if (m->del[i].proto == IKE_PROTO_IKE) {
			ike_sa_fail(sa, "deleted by the peer");
			return;
		}
	}
}

void
ike_info_response(struct ikesa *sa, struct ike_msg *m)
{
	if (sa->rekeyed) {	/* our Delete of it, answered */
		ike_sa_free(sa);
		return;
	}
	ike_rekey_info_response(sa, m);
	log_debug("tunnel %s: the peer is alive", ike_peer_name(sa->ip));
}
