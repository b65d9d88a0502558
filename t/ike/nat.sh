#!/bin/bash
# t/ike/nat.sh: NAT traversal (RFC 7296 2.23, RFC 3948). A is behind a
# router namespace that masquerades it (nftables); B knows A only by the
# router's outside address and is passive. NAT_DETECTION shows the NAT,
# A moves IKE to UDP 4500 for IKE_AUTH, and the CHILD_SA is ESP in UDP
# though both ends are configured `encap esp`; A, behind the NAT, sends
# NAT keepalives. Ping and TCP through the tunnel. Then the NAT's mapping
# changes (its conntrack entries deleted, a new port range): B takes A's
# ESP from the new port, checks the IKE SA there, and the answer moves the
# same IKE SA and B's ESP to it; pings both ways again.
# Then without a NAT: C moves IKE to 4500 for IKE_AUTH anyway (`ike port
# 4500`, as strongSwan does with MOBIKE); D serves it there, and ESP stays
# as configured.
#
#   ns A 198.51.100.1 -- 198.51.100.254 ns R 203.0.113.254 -- 203.0.113.2 ns B
#                         (masquerade out of out0)
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping socat ss sha256sum nft conntrack

RA=198.51.100.254 RB=203.0.113.254 B4=203.0.113.2

# ike LABEL FILTER: FILTER (jq) of LABEL's only IKE SA.
ike() {
	ctl "$1" --json show ike | jq -r ".ike_sas[0] | $2"
}

ike_counter_gt() {
	[ "$(ctl "$1" --json show ike | jq -r ".counters.$2")" -gt "$3" ]
}

ka_gt() {
	[ "$(ike "$1" .nat_keepalives)" -gt "$2" ]
}

ns_add A
ns_add R
ns_add B
veth_pair A ul0 R in0
veth_pair R out0 B ul0
n A ip addr add "$UL4_A/24" dev ul0
n R ip addr add "$RA/24" dev in0
n R ip addr add "$RB/24" dev out0
n B ip addr add "$B4/24" dev ul0
n A ip route add default via "$RA"
n R sysctl -qw net.ipv4.ip_forward=1
n R nft -f - <<NFT
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "out0" masquerade
	}
}
NFT
n A ping -n -c 1 -W 2 "$B4" >/dev/null || fail "no path from A to B"
mesh

ike_conf A b "$UL4_A" "$B4" "$OVL4_A" "$OVL6_A" acme/nodes/na
ike_conf B a "$B4" "$RB" "$OVL4_B" "$OVL6_B" acme/nodes/nb "ike passive"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
wait_ping B "$OVL4_A" 10
n A ping -n -c 3 -i 0.2 -W 1 "$OVL4_B"
transfer A B "$OVL4_B" 1024
transfer B A "$OVL4_A" 512
ctl A show ike
ctl B show ike

[ "$(ike A '"\(.state) \(.nat_local) \(.nat_remote) \(.port) \(.remote_port)"')" \
    = "established true false 4500 4500" ] || fail "A: not NAT, 4500"
[ "$(ike B '"\(.state) \(.nat_local) \(.nat_remote) \(.port) \(.remote_port)"')" \
    = "established false true 4500 4500" ] || fail "B: not NAT, 4500"
ctl A show ike | grep -qF "UDP 4500 to port 4500, NAT detected here" ||
	fail "A: show ike does not say NAT detected"
ctl B show ike | grep -qF "UDP 4500 to port 4500, NAT detected at the peer" ||
	fail "B: show ike does not say NAT detected"
[ "$(tun_get A b .encap)" = udp ] || fail "A: ESP not in UDP"
[ "$(tun_get B a .encap)" = udp ] || fail "B: ESP not in UDP"
log_has A "IKE SA moves to UDP 4500" || fail "A: no log line of the move"
log_has B "IKE SA moves to UDP 4500" || fail "B: no log line of the move"
[ "$(ctl B --json show ike | jq -r .counters.rx_dropped)" = 0 ] ||
	fail "B: IKE messages dropped"

# RFC 3948 2.3: A, behind the NAT, keeps the mapping open; B does not.
wait_for 30 ka_gt A 0
wait_for 5 ike_counter_gt B rx_keepalive 0
[ "$(ike B .nat_keepalives)" = 0 ] || fail "B sent keepalives"
n A ping -n -c 2 -i 0.2 -W 1 "$OVL4_B"

log "the NAT's mapping changes: B follows A to its new port"
spis() {
	ike "$1" '"\(.spi_i)/\(.spi_r)"'
}
moved() {	# B's IKE SA and its ESP both to a port of the new range
	local p
	p=$(ike B .remote_port)
	[ "$p" -ge 40000 ] && [ "$p" -le 40999 ]
}
sa_a=$(spis A) sa_b=$(spis B)
n R nft -f - <<NFT
flush ruleset
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "out0" meta l4proto udp masquerade to :40000-40999
		oifname "out0" masquerade
	}
}
NFT
n R conntrack -D -p udp >/dev/null 2>&1 || true
# at once, A's pings: ESP to B from the new mapping, which B answers only
# once it moved (an idle A would move B with its own liveness check,
# up to 15 s later, and B's check would not be needed)
wait_ping A "$OVL4_B" 10
wait_for 5 moved
n B ping -n -c 2 -i 0.2 -W 1 "$OVL4_A"
ctl B show ike
log_has B "tunnel a: ESP from the peer's port $(ike B .remote_port), IKE on 4500: a liveness check there" ||
	fail "B: no log line of the check"
log_has B "tunnel a: IKE SA moves to UDP 4500 (peer port $(ike B .remote_port))" ||
	fail "B: no log line of the move"
[ "$(spis A) $(spis B)" = "$sa_a $sa_b" ] || fail "the IKE SA was replaced, not moved"
stop_overlayd A
stop_overlayd B

log "no NAT, IKE_AUTH on 4500 (as strongSwan with MOBIKE)"
ns_add C
ns_add D
veth_pair C ul0 D ul0
n C ip addr add "$UL4_A/24" dev ul0
n D ip addr add "$UL4_B/24" dev ul0
ike_conf C d "$UL4_A" "$UL4_B" "$OVL4_A" "$OVL6_A" acme/nodes/na \
	"ike port 4500"
ike_conf D c "$UL4_B" "$UL4_A" "$OVL4_B" "$OVL6_B" acme/nodes/nb "ike passive"
start_overlayd C "$T_TMP/C.conf"
start_overlayd D "$T_TMP/D.conf"
wait_ping C "$OVL4_B" 20
transfer C D "$OVL4_B" 256
ctl D show ike
[ "$(ike D '"\(.state) \(.nat_local) \(.nat_remote) \(.port) \(.remote_port)"')" \
    = "established false false 4500 4500" ] || fail "D: not on 4500"
[ "$(ike C '"\(.port) \(.remote_port) \(.nat_keepalives)"')" = "4500 4500 0" ] ||
	fail "C: not on 4500, or keepalives without a NAT"
[ "$(tun_get C d .encap)" = esp ] || fail "C: ESP in UDP without a NAT"
[ "$(tun_get D c .encap)" = esp ] || fail "D: ESP in UDP without a NAT"
log_has D "IKE SA moves to UDP 4500 (peer port 4500)" ||
	fail "D: no log line of the move"
[ "$(ctl D --json show ike | jq -r .counters.rx_dropped)" = 0 ] ||
	fail "D: IKE messages dropped"
