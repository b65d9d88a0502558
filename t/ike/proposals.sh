#!/bin/bash
# t/ike/proposals.sh: what the two ends offer and accept. B accepts only
# ECP-256 while A sends a Curve25519 KE first: B answers INVALID_KE_PAYLOAD
# and A retries with group 19 (with AES-GCM-128 on both ends, IKE SA and
# CHILD_SA alike). A offering only AES-GCM-128 to a B that wants 256 gets
# NO_PROPOSAL_CHOSEN, and no SA on either end (after A waited 2 s for
# another answer).  A forged NO_PROPOSAL_CHOSEN that comes before the
# real answer does not end A's setup.
#
#   +------------------------+             +--------------------------+
#   | ns A  initiator        |  UDP 500    | ns B  passive            |
#   |  ul0 198.51.100.1  ----+---- veth ---+- ul0 198.51.100.2        |
#   +------------------------+             +--------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping

lab2_net
mesh

log "INVALID_KE_PAYLOAD: B wants ecp256; AES-GCM-128"
ike_lab acme/nodes/na acme/nodes/nb \
	--a "ike encryption aes-gcm-128" \
	--b "ike passive" --b "ike group ecp256" --b "ike encryption aes-gcm-128"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
log_has B "IKE_SA_INIT: KE for group 31, asking for ecp256" ||
	fail "B did not ask for ecp256"
log_has A "the peer asks for DH group ecp256, retrying" ||
	fail "A did not retry"
j=$(ctl A --json show ike)
ctl A show ike
[ "$(jq -r '.ike_sas[0] | "\(.encryption) \(.dh) \(.child.encryption)"' \
    <<<"$j")" = "aes-gcm-128 ecp256 aes-gcm-128" ] || fail "A: algorithms"
[ "$(ctl B --json show ike | jq -r '.ike_sas[0].dh')" = ecp256 ] ||
	fail "B: not ecp256"
lab2_stop

log "NO_PROPOSAL_CHOSEN: A offers AES-GCM-128, B wants 256"
rm -f "$(daemon_log A)" "$(daemon_log B)"
ike_lab acme/nodes/na acme/nodes/nb --a "ike encryption aes-gcm-128" \
	--b "ike passive"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_for 10 log_has A "the peer answers IKE_SA_INIT with NO_PROPOSAL_CHOSEN"
log_has B "IKE_SA_INIT: no proposal of the peer is acceptable" ||
	fail "B: no log line"
no_sa A b || fail "A has an SA"
no_sa B a || fail "B has an SA"
[ "$(ctl B --json show ike | jq '.ike_sas | length')" = 0 ] ||
	fail "B keeps an IKE SA"
lab2_stop

log "a forged NO_PROPOSAL_CHOSEN before the real answer: A waits for it"
# RFC 7296 2.21: the IKE_SA_INIT response is not authenticated.  While B's
# overlayd is not running yet, a fake in B's namespace answers A's first
# request with NO_PROPOSAL_CHOSEN (A's SPI copied, as anyone who saw the
# request could) and goes; B's overlayd starts, answers A's next
# retransmission, and the tunnel comes up.
rm -f "$(daemon_log A)" "$(daemon_log B)"
ike_lab acme/nodes/na acme/nodes/nb --b "ike passive"
# shellcheck disable=SC2016	# python
bg B "$T_TMP/fake.log" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 500))
s.settimeout(30)
req, peer = s.recvfrom(65535)
# IKE header: the initiator SPI, no responder SPI, N, v2, IKE_SA_INIT,
# response; then one Notify: no SPI, type 14 (NO_PROPOSAL_CHOSEN)
notify = struct.pack("!BBHBBH", 0, 0, 8, 0, 0, 14)
hdr = req[:8] + bytes(8) + struct.pack("!BBBBII", 41, 0x20, 34, 0x20, 0,
    28 + len(notify))
s.sendto(hdr + notify, peer)
print("forged NO_PROPOSAL_CHOSEN sent", flush=True)
' "$UL4_B"
fake=$BG_PID
wait_for 5 udp_bound B 500
start_overlayd A "$T_TMP/A.conf"
wait_for 10 log_has A "the peer answers IKE_SA_INIT with NO_PROPOSAL_CHOSEN (unauthenticated): waiting 2 s for another answer"
wait_for 5 proc_gone "$fake"
grep -q "forged NO_PROPOSAL_CHOSEN sent" "$T_TMP/fake.log" ||
	fail "the fake did not answer: $(cat "$T_TMP/fake.log")"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
log_has A "established with CN=nb,O=acme" || fail "A: not established"
! grep -F "IKE SA" "$(daemon_log A)" | grep -qF ": the peer answers IKE_SA_INIT" ||
	fail "A gave the setup up on the forged answer"
lab2_stop
