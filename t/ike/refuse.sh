#!/bin/bash
# t/ike/refuse.sh: IKE_AUTH refusals. B presents a certificate A must not
# accept; A refuses with AUTHENTICATION_FAILED and a log line saying why,
# B logs that it was refused, and neither end has an SA: a certificate
# from another CA, no COI shared with A, an expired certificate, a revoked
# one (with A as responder, and as initiator, where B must remove the SA it
# installed when A's INFORMATIONAL arrives), and an ID other than A's
# `remote id`. A matching `remote id` (FQDN) comes up, as the control. A
# private key file others may read keeps the tunnel down.
#
#   +------------------------+            +------------------------+
#   | ns A  cert na (red)    |  UDP 500   | ns B  cert: the case's |
#   |  ul0 198.51.100.1  ----+---- veth --+- ul0 198.51.100.2      |
#   +------------------------+            +------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping

# refused NODE WHY [A LINE] [B LINE]: B with NODE's certificate; A's log
# gets "IKE_AUTH refused (AUTHENTICATION_FAILED): WHY", B's that it was
# refused; no SA on either end.
refused() {
	local node=$1 why=$2 a=${3:-ike passive} b=${4:-ike}
	log "refused: $node ($why)"
	ike_lab acme/nodes/na "$node" --a "$a" --b "$b"
	start_overlayd A "$T_TMP/A.conf"
	start_overlayd B "$T_TMP/B.conf"
	wait_for 20 log_has A "IKE_AUTH refused (AUTHENTICATION_FAILED): $why"
	grep -F "IKE_AUTH refused" "$(daemon_log A)" | head -n 1
	wait_for 10 log_has B "the peer refused IKE_AUTH: AUTHENTICATION_FAILED"
	wait_for 5 no_sa B a
	no_sa A b || fail "A has an SA"
	! pings A "$OVL4_B" || fail "a ping went through"
	[ "$(tun_get A b .state)" = down ] || fail "A: tunnel up"
	daemon_alive A || fail "A died"
	daemon_alive B || fail "B died"
	lab2_stop
	rm -f "$(daemon_log A)" "$(daemon_log B)"
}

lab2_net
mesh
# another mesh, with the same names
pki root -d other --prefix 198.18.0.0/15
pki org -d other -o acme2 --coi red --prefix 198.18.0.0/16 acme
pki node -d acme2 --coi red nb
# in acme: a node of COI blue only, an expired one, one to revoke
pki node -d acme --coi blue nblue
pki node -d acme --coi red --start "$(date -u -d '3 days ago' +%Y-%m-%dT%H:%M:%SZ)" \
    --days 1 nold
pki node -d acme --coi red nrev
cred_perms

log "a private key others may read: the tunnel does not come up"
ike_lab acme/nodes/na acme/nodes/nb
chmod 0644 "$T_TMP/pki/acme/nodes/na.key"
start_overlayd A "$T_TMP/A.conf"
log_has A "tunnel b: IKE credentials: $T_TMP/pki/acme/nodes/na.key: bad permissions 644: a private key must not be readable by others or writable by the group" ||
	fail "A: no log line"
log_has A "tunnel b failed to come up" || fail "A: tunnel b came up"
chmod 0640 "$T_TMP/pki/acme/nodes/na.key"
stop_overlayd A
rm -f "$(daemon_log A)"

refused acme2/nodes/nb "unknown CA"
refused acme/nodes/nblue "no shared COI"
refused acme/nodes/nold "certificate expired"
pki revoke -d acme acme/nodes/nrev.crt
bundle
refused acme/nodes/nrev "certificate revoked: CN=nrev,O=acme"
# A initiates: it refuses B's IKE_AUTH response; B had installed the SA
refused acme/nodes/nrev "certificate revoked: CN=nrev,O=acme" ike "ike passive"
refused acme/nodes/nb "ID mismatch: the peer is CN=nb,O=acme, not the configured remote id" \
	'ike remote id "nx.acme.example"'

log "control: the right remote id comes up"
ike_lab acme/nodes/na acme/nodes/nb --a 'ike remote id "nb.acme.example"' \
	--b 'ike local id "nb.acme.example"'
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
log_has A "established with nb.acme.example (COI red)" || fail "A: log line"
lab2_stop
