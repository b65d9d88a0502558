#!/bin/bash
# t/ike/expire.sh: an IKE SA does not outlive the peer's certificate. B's
# certificate expires about 40 s after it is made; A and B bring the
# tunnel up while it is valid; when it expires, A deletes the IKE SA at
# once (DELETE sent, B drops its SAs too), says why, and B's next attempt
# is refused.
#
#   ns A initiator 198.51.100.1 ---- veth ---- 198.51.100.2 ns B passive
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping date

ike_sas_are() {
	[ "$(ctl "$1" --json show ike | jq '.ike_sas | length')" = "$2" ]
}

lab2_net
mesh
# valid from a day ago to 40 s from now
pki node -d acme --coi red --ip "$UL4_B" \
    --start "$(date -u -d '-1 day +40 seconds' +%Y-%m-%dT%H:%M:%SZ)" \
    --days 1 nexp
cred_perms
expires=$(openssl x509 -noout -enddate -in "$T_TMP/pki/acme/nodes/nexp.crt" |
	sed 's/^notAfter=//')
ike_lab acme/nodes/na acme/nodes/nexp --b "ike passive"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
left=$(( $(date -d "$expires" +%s) - $(date +%s) ))
log "up; B's certificate expires in $left s ($expires)"
[ "$left" -gt 0 ] || fail "the tunnel came up after the expiry"

wait_for $((left + 30)) log_has A "the peer's certificate fails at its expiry: certificate expired"
wait_for 5 no_sa A b
wait_for 5 no_sa B a
wait_for 5 ike_sas_are B 0
[ "$(date +%s)" -ge "$(date -d "$expires" +%s)" ] || fail "deleted before the expiry"

log "A tries again: refused, no SA"
wait_for 20 log_has A "IKE_AUTH refused (AUTHENTICATION_FAILED): certificate expired"
no_sa A b || fail "A has an SA with an expired peer"
lab2_stop
