#!/bin/bash
# t/ike/tunnel.sh: two overlayd nodes key their tunnel with IKEv2 and
# certificates only: A initiates (B passive), then B initiates (A
# passive), then both at once, then over the IPv6 underlay with ESP in
# UDP; each time ping both ways and a TCP transfer through the tunnel, and
# the two ends agree on one pair of SAs.
#
#   +--------------------------+            +--------------------------+
#   | ns A  cert na (COI red)  |            | ns B  cert nb (COI red)  |
#   |  ovl-b 198.18.0.0/31 ====+== ESP/GRE ==+== ovl-a 198.18.0.1/31    |
#   |  ul0 198.51.100.1 UDP 500+---- veth ---+ ul0 198.51.100.2 UDP 500 |
#   +--------------------------+            +--------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping socat ss sha256sum

# check_pair: A's outbound SA is B's inbound and vice versa, both up.
check_pair() {
	local ai ao bi bo
	ai=$(tun_get A b .spi_in) ao=$(tun_get A b .spi_out)
	bi=$(tun_get B a .spi_in) bo=$(tun_get B a .spi_out)
	echo "A in $ai out $ao, B in $bi out $bo"
	[ "$ao" = "$bi" ] || fail "A's spi_out $ao is not B's spi_in $bi"
	[ "$bo" = "$ai" ] || fail "B's spi_out $bo is not A's spi_in $ai"
	[ "$(tun_get A b .state)" = up ] || fail "A: tunnel not up"
	[ "$(tun_get B a .state)" = up ] || fail "B: tunnel not up"
	# one IKE SA each, the same one, its CHILD_SA the tunnel's SAs
	local ja jb
	ja=$(ctl A --json show ike) jb=$(ctl B --json show ike)
	ctl A show ike
	[ "$(jq '.ike_sas | length' <<<"$ja")" = 1 ] || fail "A: not 1 IKE SA"
	[ "$(jq '.ike_sas | length' <<<"$jb")" = 1 ] || fail "B: not 1 IKE SA"
	[ "$(jq -r '.ike_sas[0] | "\(.spi_i)/\(.spi_r)"' <<<"$ja")" = \
	    "$(jq -r '.ike_sas[0] | "\(.spi_i)/\(.spi_r)"' <<<"$jb")" ] ||
		fail "A and B have different IKE SAs"
	[ "$(jq -r '.ike_sas[0].state' <<<"$ja")" = established ] ||
		fail "A: IKE SA not established"
	[ "$(jq -r '.ike_sas[0].child.spi_in' <<<"$ja")" = "$ai" ] ||
		fail "A: CHILD_SA is not the tunnel's inbound SA"
	[ "$(jq -r '.ike_sas[0].child.spi_out' <<<"$jb")" = "$ai" ] ||
		fail "B: CHILD_SA is not the tunnel's outbound SA"
	[ "$(jq -r '.ike_sas[0].shared_coi' <<<"$ja")" = red ] ||
		fail "A: shared COI not red"
	[ "$(jq -r '.ike_sas[0].peer_id' <<<"$ja")" = "CN=nb,O=acme" ] ||
		fail "A: peer id"
	[ "$(jq -r '.ike_sas[0] | "\(.encryption) \(.prf) \(.dh)"' <<<"$ja")" \
	    = "aes-gcm-256 hmac-sha2-256 curve25519" ] || fail "A: algorithms"
	[ "$(jq -r '.ike_sas[0].child | "\(.mode) \(.encryption) \(.esn)"' \
	    <<<"$ja")" = "transport aes-gcm-256 true" ] || fail "A: child"
	[ "$(jq -r '.counters.rx_dropped' <<<"$ja")" = 0 ] || fail "A: drops"
}

run_case() {
	daemon_alive A || start_overlayd A "$T_TMP/A.conf"
	daemon_alive B || start_overlayd B "$T_TMP/B.conf"
	wait_ping A "$OVL4_B" 20
	wait_ping B "$OVL6_A" 10
	n A ping -n -c 3 -i 0.2 -W 1 "$OVL4_B"
	transfer A B "$OVL4_B" 2048
	transfer B A "$OVL4_A" 512
	check_pair
}

lab2_net
mesh

log "A initiates, B is passive"
ike_lab acme/nodes/na acme/nodes/nb --b "ike passive"
run_case
log_has A "established with CN=nb,O=acme (COI red)" || fail "A: no log line"
log_has B "established with CN=na,O=acme (COI red)" || fail "B: no log line"
lab2_stop
log_has B "deleted by the peer" || fail "B did not see A's DELETE"

log "B initiates, A is passive"
ike_lab acme/nodes/na acme/nodes/nb --a "ike passive"
run_case
lab2_stop

log "both initiate at once"
# B's link is down while both start, so that both have an IKE_SA_INIT
# request outstanding when it comes up: their retransmissions cross.
ike_lab acme/nodes/na acme/nodes/nb
n B ip link set ul0 down
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
ike_state() {
	[ "$(ctl "$1" --json show ike | jq -r '.ike_sas[0].state')" = "$2" ]
}
wait_for 5 ike_state A init-sent
wait_for 5 ike_state B init-sent
n B ip link set ul0 up
n B ip addr replace "$UL6_B/64" dev ul0 nodad	# gone with the link down
# B (the higher address) gives its attempt up when A's request comes; A
# ignores B's request only if it arrives before A's retransmission does.
wait_for 20 log_has B "both ends initiate; the peer's goes on"
run_case
lab2_stop

log "IPv6 underlay, ESP in UDP; A initiates"
ike_lab acme/nodes/na acme/nodes/nb --af 6 --a "encap udp" \
	--b "encap udp" --b "ike passive"
run_case
[ "$(ctl A --json show ike | jq -r '.ike_sas[0].remote')" = "$UL6_B" ] ||
	fail "A: IKE SA not over IPv6"
[ "$(tun_get A b .encap)" = udp ] || fail "A: not ESP in UDP"
n=$(grep -c "established with" "$(daemon_log A)")
echo "IKE SAs established by A over the four runs: $n"
lab2_stop
