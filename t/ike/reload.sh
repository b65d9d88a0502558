#!/bin/bash
# t/ike/reload.sh: an IKE-keyed tunnel across reloads. Unchanged, it keeps
# its IKE SA; removed from A's configuration, A sends DELETE and B drops
# its SAs at once (not after a timeout); added back, A brings it up again
# with a new IKE SA; the same after a restart with no IKE peer at all
# (the reload opens UDP 500 after the privilege drop). B's certificate
# revoked and A reloaded: A reads the new CRL, deletes the IKE SA that was
# up with B at once, and B's next attempt is refused.
#
#   +------------------------+             +--------------------------+
#   | ns A  initiator        |  UDP 500    | ns B  passive            |
#   |  ul0 198.51.100.1  ----+---- veth ---+- ul0 198.51.100.2        |
#   +------------------------+             +--------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping

spis() {
	ctl "$1" --json show ike | jq -r '[.ike_sas[] | "\(.spi_i)/\(.spi_r)"] | join(" ")'
}

ike_sas_are() {
	[ "$(ctl "$1" --json show ike | jq '.ike_sas | length')" = "$2" ]
}

lab2_net
mesh
ike_lab acme/nodes/na acme/nodes/nb --b "ike passive"
cp "$T_TMP/A.conf" "$T_TMP/A.ike"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
sa0=$(spis A)

log "reload, nothing changed: the same IKE SA"
ctl A reload
n A ping -n -c 2 -i 0.2 -W 1 "$OVL4_B"
[ "$(spis A)" = "$sa0" ] || fail "IKE SA changed: $(spis A), was $sa0"

log "peer removed: DELETE, and B drops its SAs"
sed '/^peer/,$d' "$T_TMP/A.ike" | write_file 0640 "$T_TMP/A.conf"
ctl A reload
wait_for 5 log_has B "deleted by the peer"
wait_for 2 no_sa B a
wait_for 2 ike_sas_are B 0
ike_sas_are A 0 || fail "A keeps an IKE SA"

log "peer back: up again, a new IKE SA"
write_file 0640 "$T_TMP/A.conf" <"$T_TMP/A.ike"
ctl A reload
wait_ping A "$OVL4_B" 20
[ "$(spis A)" != "$sa0" ] || fail "the old IKE SA is back"
[ "$(spis A)" = "$(spis B)" ] || fail "A and B disagree: $(spis A) / $(spis B)"
# A's reloads read the CA file again: B's chain is verified in full again;
# B, not reloaded, has A's chain in its cache
chains_are A 2 0
chains_are B 1 1

log "A restarted with no IKE peer; the first one added by a reload binds UDP 500"
stop_overlayd A
wait_for 5 ike_sas_are B 0
sed '/^peer/,$d' "$T_TMP/A.ike" | write_file 0640 "$T_TMP/A.conf"
start_overlayd A "$T_TMP/A.conf"
write_file 0640 "$T_TMP/A.conf" <"$T_TMP/A.ike"
ctl A reload
wait_ping A "$OVL4_B" 20
! log_has A "IKE: cannot" || fail "A could not open its IKE sockets"

log "B revoked, A reloaded: A deletes the IKE SA up with B at once"
pki revoke -d acme acme/nodes/nb.crt
bundle
ctl A reload
log_has A "tunnel b: IKE credentials reloaded" || fail "A did not reload"
wait_for 5 log_has A "the peer's certificate fails after the reload: certificate revoked: CN=nb,O=acme"
wait_for 5 no_sa B a
wait_for 5 no_sa A b

log "and B's next IKE SA is refused"
stop_overlayd B
ike_lab acme/nodes/na acme/nodes/nb --a "ike passive"
start_overlayd B "$T_TMP/B.conf"
wait_for 20 log_has A "IKE_AUTH refused (AUTHENTICATION_FAILED): certificate revoked: CN=nb,O=acme"
wait_for 10 no_sa B a
lab2_stop
