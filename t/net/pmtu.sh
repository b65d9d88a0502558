#!/bin/bash
# t/net/pmtu.sh: path MTU discovery through the tunnel.  R's link to B has
# MTU 1400, while A and B take their underlay MTU to be 1500.  A DF ping of
# full tunnel size from A is answered with "frag needed" (IPv4) or "packet
# too big" (IPv6) carrying a smaller MTU, after which pings of that size
# pass; the tunnel counts mtu drops; TCP finds its way at full speed.
#
#   +------------------+        +---------------------------+        +------------------+
#   | ns A  ovl-b      |        | ns R  (forwarding)        |        | ns B  ovl-a      |
#   |  198.18.0.0/31   |        |                           |        |  198.18.0.1/31   |
#   |  ul0             +--------+ r0               r1       +--------+ ul0              |
#   |  198.51.100.1/24 |  1500  | 198.51.100.254  203.0.113.254 1400 | 203.0.113.2/24   |
#   +------------------+        +---------------------------+        +------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping socat ss

UL_B=203.0.113.2
MTU_RE='mtu ?[=:]? ?[0-9]+'

# too_big LABEL SIZE ADDR: a DF ping of SIZE bytes to ADDR reports an MTU;
# the MTU is left in $T_TMP/too_big.
too_big() {
	local out
	out=$(nq "$1" ping -n -c 1 -W 1 -M "do" -s "$2" "$3" 2>&1) && return 1
	echo "$out" >&2
	grep -oiE "$MTU_RE" <<<"$out" | grep -oE '[0-9]+$' | head -n 1 >"$T_TMP/too_big"
	[ -s "$T_TMP/too_big" ]
}

# df_ping LABEL SIZE ADDR: a DF ping of SIZE bytes gets through.
df_ping() {
	nq "$1" ping -n -c 1 -W 1 -M "do" -s "$2" "$3"
}

ns_add A
ns_add R
ns_add B
veth_pair A ul0 R r0
veth_pair R r1 B ul0
n R ip link set r1 mtu 1400
n B ip link set ul0 mtu 1400
n A ip addr add "$UL4_A/24" dev ul0
n R ip addr add 198.51.100.254/24 dev r0
n R ip addr add 203.0.113.254/24 dev r1
n B ip addr add "$UL_B/24" dev ul0
n A ip route add 203.0.113.0/24 via 198.51.100.254
n B ip route add 198.51.100.0/24 via 203.0.113.254
n R sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	net.ipv4.icmp_ratelimit=0
wait_for 5 pings A "$UL_B"

ka=$(sa_key 256)
kb=$(sa_key 256)
node_conf "$T_TMP/A.conf" b "$T_TMP/run/A.sock" "$UL4_A" "$UL_B" esp "" "" \
	"$OVL4_A" "$OVL6_A" "$SPI_BA" "$kb" "$SPI_AB" "$ka" 256
node_conf "$T_TMP/B.conf" a "$T_TMP/run/B.sock" "$UL_B" "$UL4_A" esp "" "" \
	"$OVL4_B" "$OVL6_B" "$SPI_AB" "$ka" "$SPI_BA" "$kb" 256
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_for 5 link_exists A ovl-b
wait_for 5 link_exists B ovl-a
wait_ping A "$OVL4_B"
wait_ping A "$OVL6_B"

mtu=$(tun_get A b .mtu)
echo "tunnel mtu $mtu"
[ "$mtu" -gt 1400 ] || fail "tunnel mtu $mtu: the lab needs it above 1400"

log "IPv4: DF ping of $mtu bytes"
wait_for 5 too_big A $((mtu - 28)) "$OVL4_B"
pmtu=$(cat "$T_TMP/too_big")
echo "reported mtu $pmtu"
[ "$pmtu" -lt "$mtu" ] || fail "reported mtu $pmtu, tunnel mtu $mtu"
[ "$pmtu" -lt 1400 ] || fail "reported mtu $pmtu does not fit the 1400 link"
[ "$pmtu" -ge 1300 ] || fail "reported mtu $pmtu is far too small"
wait_for 5 df_ping A $((pmtu - 28)) "$OVL4_B"
n A ping -n -c 3 -i 0.1 -W 1 -M "do" -s $((pmtu - 28)) "$OVL4_B"
n A ip route get "$OVL4_B"
wait_for 5 counter_gt A b .drops.mtu 0

log "IPv6: DF ping of $mtu bytes"
wait_for 5 too_big A $((mtu - 48)) "$OVL6_B"
pmtu6=$(cat "$T_TMP/too_big")
echo "reported mtu $pmtu6"
[ "$pmtu6" -lt "$mtu" ] || fail "reported mtu $pmtu6, tunnel mtu $mtu"
[ "$pmtu6" -ge 1280 ] || fail "reported IPv6 mtu $pmtu6 is below 1280"
wait_for 5 df_ping A $((pmtu6 - 48)) "$OVL6_B"

log "TCP, 5 MiB A -> B, inner PMTU cache flushed"
n A ip route flush cache
n A ip -6 route flush cache
head -c 5M /dev/urandom >"$T_TMP/src"
bg B "$T_TMP/server.log" timeout 60 \
	socat -u TCP-LISTEN:5003,reuseaddr "OPEN:$T_TMP/dst,creat,trunc"
server=$BG_PID
wait_for 5 port_listening B 5003
t0=$(now_ms)
n A timeout 60 socat -u "OPEN:$T_TMP/src" "TCP4:$OVL4_B:5003" ||
	fail "TCP transfer failed"
wait_for 30 proc_gone "$server"
echo "5 MiB in $(($(now_ms) - t0)) ms"
[ "$(sha256 "$T_TMP/src")" = "$(sha256 "$T_TMP/dst")" ] || fail "TCP data differs"
ctl A show tunnels
