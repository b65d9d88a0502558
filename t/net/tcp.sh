#!/bin/bash
# t/net/tcp.sh: bulk TCP through the tunnel: 20 MB of random data A -> B
# over IPv4 inside (ESP in UDP), 5 MB B -> A over IPv6 inside (raw ESP);
# the bytes arrive intact (sha256) and in full-size segments.
#
#   +----------------------+          +----------------------+
#   | ns A   ovl-b         |  tunnel  | ns B   ovl-a         |
#   |  198.18.0.0/31 ======+==========+== 198.18.0.1/31      |
#   |  2001:db8:ff::2      |          |   2001:db8:ff::3     |
#   |  ul0 198.51.100.1 ---+---veth---+-- ul0 198.51.100.2   |
#   +----------------------+          +----------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd socat ss sha256sum

# transfer FROM TO ADDR MBYTES: send MBYTES random MiB from FROM to ADDR
# (in TO) over TCP; compare digests.
transfer() {
	local from=$1 to=$2 addr=$3 mb=$4 port=5001 t0 t1
	local src="$T_TMP/src" dst="$T_TMP/dst"
	head -c "${mb}M" /dev/urandom >"$src"
	rm -f "$dst"
	local listen=TCP4-LISTEN
	case $addr in *:*) listen=TCP6-LISTEN ;; esac
	bg "$to" "$T_TMP/socat-server.log" timeout 120 \
		socat -u "$listen:$port,reuseaddr" "OPEN:$dst,creat,trunc"
	local server=$BG_PID
	wait_for 5 port_listening "$to" "$port"
	t0=$(now_ms)
	case $addr in
	*:*) n "$from" timeout 120 socat -u "OPEN:$src" "TCP6:[$addr]:$port" ;;
	*) n "$from" timeout 120 socat -u "OPEN:$src" "TCP4:$addr:$port" ;;
	esac
	wait_for 30 proc_gone "$server"
	t1=$(now_ms)
	wait "$server" || { cat "$T_TMP/socat-server.log"; fail "server failed"; }
	[ "$(sha256 "$src")" = "$(sha256 "$dst")" ] ||
		fail "$mb MiB to $addr: digests differ ($(stat -c %s "$dst") bytes arrived)"
	echo "$mb MiB to $addr intact in $((t1 - t0)) ms"
}

lab2 --encap udp
wait_ping A "$OVL4_B"
wait_ping B "$OVL6_A"
rx0=$(tun_get B a .rx_packets)
rxb0=$(tun_get B a .rx_bytes)
log "20 MiB A -> B, IPv4 inside, ESP in UDP"
transfer A B "$OVL4_B" 20
rx=$(($(tun_get B a .rx_packets) - rx0))
rxb=$(($(tun_get B a .rx_bytes) - rxb0))
mtu=$(tun_get B a .mtu)
[ "$rx" -gt 0 ] || fail "B counted no packets"
echo "B received $rx packets, $rxb bytes, $((rxb / rx)) bytes/packet, mtu $mtu"
[ "$rxb" -ge $((20 * 1048576)) ] || fail "only $rxb bytes counted for 20 MiB"
[ "$((rxb / rx))" -gt $((mtu * 3 / 4)) ] || fail "average packet $((rxb / rx)) bytes"
[ "$(tun_get B a '.drops | add')" = 0 ] || fail "B dropped packets"
[ "$(tun_get A b '.drops | add')" = 0 ] || fail "A dropped packets"

lab2_stop
lab2_conf --encap esp
lab2_start
wait_ping B "$OVL6_A"
log "5 MiB B -> A, IPv6 inside, raw ESP"
transfer B A "$OVL6_A" 5
ctl A show tunnels
