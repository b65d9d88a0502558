#!/bin/bash
# t/net/junk.sh: malformed packets at overlayd's ESP sockets, raw and in
# UDP: empty, too short for an SPI, 9000 bytes (fragmented), unknown SPI,
# a real SPI with a truncated body, a real SPI with garbage.  Each lands in
# its drop counter, the daemon keeps running, the tunnel keeps working.
#
#   +---------------------+                    +---------------------+
#   | ns A   ovl-b        |                    | ns B   ovl-a        |
#   |  pktsend ...  ------+------ junk ------> |  overlayd           |
#   |  ul0 198.51.100.1 --+------- veth -------+-- ul0 198.51.100.2  |
#   +---------------------+                    +---------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping
PKTSEND=$T_TOOLS/pktsend
[ -x "$PKTSEND" ] || { echo "ERROR: $PKTSEND not built"; exit 99; }

# drops LABEL: "top-level drops / tunnel drops" as compact JSON.
drops() {
	ctl "$1" --json show tunnels | jq -c '[.drops, .tunnels[0].drops]'
}

# send KIND ARGS...: pktsend from A at B's underlay address.
send() {
	local kind=$1
	shift
	n A "$PKTSEND" "${udp[@]}" "$@" "$kind" "$UL4_B"
}

alive() {
	daemon_alive B || fail "B's overlayd died"
	ctl B show tunnels >/dev/null || fail "B's control socket is dead"
}

lab2_net
for encap in esp udp; do
	log "junk, encap $encap"
	udp=()
	[ "$encap" = esp ] || udp=(-u 4500)
	lab2_conf --encap "$encap"
	lab2_start
	wait_ping A "$OVL4_B"
	drops B

	log "empty and short packets: malformed, no tunnel to blame"
	send empty -c 3
	send short -c 3
	wait_for 5 top_counter_gt B .drops.malformed 0
	alive
	drops B

	log "unknown SPI: no_sa"
	send nosa -c 20 -S 0x7777
	send nosa -c 20
	wait_for 5 top_counter_gt B .drops.no_sa 19
	alive
	drops B

	log "9000 bytes, random SPI"
	before=$(top_get B '.drops.no_sa + .drops.malformed')
	send big -c 5
	wait_for 5 top_counter_gt B '.drops.no_sa + .drops.malformed' "$before"
	alive
	drops B

	log "B's SPI, truncated: malformed on the tunnel"
	send trunc -c 23 -S "$SPI_AB"
	wait_for 5 counter_gt B a .drops.malformed 0
	alive
	drops B

	log "B's SPI, garbage: authentication fails"
	send garbage -c 200 -S "$SPI_AB"
	wait_for 5 counter_gt B a .drops.auth 199
	alive
	drops B
	[ "$(tun_get B a .drops.replay)" = 0 ] || fail "garbage counted as replay"

	log "the tunnel still works"
	n A ping -n -c 3 -i 0.1 -W 1 "$OVL4_B"
	n B ping -n -c 3 -i 0.1 -W 1 "$OVL6_A"
	[ "$(tun_get A b '.drops | add')" = 0 ] || fail "A dropped packets"
	ctl B show tunnels
	lab2_stop
	[ "$STOP_RC" = 0 ] || fail "B's overlayd exited $STOP_RC"
done
