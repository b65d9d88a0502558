#!/bin/bash
# t/net/replay.sh: a captured ESP packet sent again is dropped as a replay
# (B's replay counter rises, nothing more is delivered) and the tunnel keeps
# working; for raw ESP and ESP in UDP.
#
#   +--------------------+                    +--------------------+
#   | ns A   ovl-b       |                    | ns B   ovl-a       |
#   |  198.18.0.0/31     |                    |  198.18.0.1/31     |
#   |  pcapreplay        |                    |  tcpdump           |
#   |  ul0 198.51.100.1 -+------- veth -------+- ul0 198.51.100.2  |
#   +--------------------+                    +--------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump ping
PCAPREPLAY=$T_TOOLS/pcapreplay
[ -x "$PCAPREPLAY" ] || { echo "ERROR: $PCAPREPLAY not built"; exit 99; }

tcpdump_ready() {
	grep -q "listening on" "$1"
}

lab2_net
for encap in esp udp; do
	log "replay, encap $encap"
	lab2_conf --encap "$encap"
	lab2_start
	pcap="$T_TMP/$encap.pcap"
	bg B "$T_TMP/tcpdump.log" tcpdump -Z root -U --immediate-mode -i ul0 -w "$pcap" \
		"src host $UL4_A and (ip proto 50 or udp port 4500)"
	dump=$BG_PID
	wait_for 5 tcpdump_ready "$T_TMP/tcpdump.log"
	wait_ping A "$OVL4_B"
	n A ping -n -c 3 -i 0.1 -W 1 "$OVL4_B"
	stop_pid "$dump" INT
	tcpdump -nn -r "$pcap" 2>/dev/null | head -n 3

	[ "$(tun_get B a .drops.replay)" = 0 ] || fail "replay drops before replay"
	rx=$(tun_get B a .rx_packets)
	n A "$PCAPREPLAY" -n 1 "$pcap" "$UL4_B"
	wait_for 5 counter_gt B a .drops.replay 0
	n A "$PCAPREPLAY" -n 2 -c 5 "$pcap" "$UL4_B"
	wait_for 5 counter_gt B a .drops.replay 5
	# Nothing replayed got through; nothing else was sent meanwhile
	# but what keepalives the daemon may send on its own.
	rx2=$(tun_get B a .rx_packets)
	[ "$((rx2 - rx))" -lt 3 ] || fail "B's rx_packets went $rx -> $rx2 on replays"
	[ "$(tun_get B a .drops.auth)" = 0 ] || fail "replays counted as auth failures"
	n A ping -n -c 3 -i 0.1 -W 1 "$OVL4_B"
	n B ping -n -c 3 -i 0.1 -W 1 "$OVL4_A"
	ctl B show tunnels
	lab2_stop
done
