#!/bin/bash
# t/ike/tunnel.sh: two overlayd nodes key their tunnel with IKEv2 and
# certificates only: A initiates (B passive), then B initiates (A
# passive), then both at once; each time ping both ways and a TCP
# transfer through the tunnel, and the two ends agree on one pair of SAs.
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

port_listening() {
	nq "$1" ss -Hltn "sport = :$2" | grep -q LISTEN
}

# transfer FROM TO ADDR KBYTES: KBYTES random KiB over TCP, intact.
transfer() {
	local from=$1 to=$2 addr=$3 kb=$4 port=5001
	local src="$T_TMP/src" dst="$T_TMP/dst"
	head -c "${kb}K" /dev/urandom >"$src"
	rm -f "$dst"
	bg "$to" "$T_TMP/socat.log" timeout 60 \
		socat -u "TCP4-LISTEN:$port,reuseaddr" "OPEN:$dst,creat,trunc"
	local server=$BG_PID
	wait_for 5 port_listening "$to" "$port"
	n "$from" timeout 60 socat -u "OPEN:$src" "TCP4:$addr:$port"
	wait_for 30 proc_gone "$server"
	wait "$server" || fail "socat server failed"
	[ "$(sha256 "$src")" = "$(sha256 "$dst")" ] ||
		fail "$kb KiB to $addr: digests differ"
	echo "$kb KiB to $addr intact"
}

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
}

run_case() {
	start_overlayd A "$T_TMP/A.conf"
	start_overlayd B "$T_TMP/B.conf"
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
ike_lab acme/nodes/na acme/nodes/nb
run_case
n=$(grep -c "established with" "$(daemon_log A)")
echo "IKE SAs established by A over the three runs: $n"
lab2_stop
