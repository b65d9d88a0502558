/*
 * ike_info.c: INFORMATIONAL exchanges (RFC 7296 1.4): DELETE of the IKE
 * SA when a tunnel goes, the initiator's AUTHENTICATION_FAILED (2.21.2),
 * liveness checks of an idle SA (empty INFORMATIONAL, 2.4), and the
 * answers to the peer's. CREATE_CHILD_SA requests are answered
 * NO_ADDITIONAL_SAS: rekeying is not done yet.
 */
#include "config.h"

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

void
ike_info_request(struct ikesa *sa, struct ike_msg *m)
{
	unsigned int	i;

	if (m->hdr.exchange == IKE_CREATE_CHILD_SA) {
		info_reply(sa, m, IKE_N_NO_ADDITIONAL_SAS);
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
		if (m->del[i].proto == IKE_PROTO_IKE) {
			ike_sa_fail(sa, "deleted by the peer");
			return;
		}
		if (m->del[i].proto == IKE_PROTO_ESP) {
			ike_sa_fail(sa, "CHILD_SA deleted by the peer");
			return;
		}
	}
}

void
ike_info_response(struct ikesa *sa, struct ike_msg *m)
{
	log_debug("tunnel %s: the peer is alive", ike_peer_name(sa->ip));
}
