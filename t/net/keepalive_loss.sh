#!/bin/bash
# t/net/keepalive_loss.sh: 10% random loss on the underlay, both ways,
# keepalives at 100 ms x 5, for 60 s and no data in the tunnel: not one
# false down on either side (flap counters stay 0). bench/keepalive-loss
# measures other multipliers under the same loss.
#
#   +----------------+   10% loss in, 10% out (nft numgen)  +----------------+
#   | ns A   ovl-b   |--- ul0 =========================== ul0 ---| ns B   ovl-a   |
#   +----------------+                                       +----------------+
set -eu
# need_quiet may wait up to 1200 s for a quiet machine
T_TIMEOUT=1800
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=t/net/keepalive_lib.sh
. "$(dirname "$0")/keepalive_lib.sh"
need_root
need_quiet
need_cmd nft

SECS=60
KA='keepalive interval 100ms multiplier 5 holddown 2s'

lab2_net
lab2_conf --encap esp
ka_global A "$KA"
ka_global B "$KA"
lab2_start
wait_for 10 both_up

log "10% loss on A's underlay, both ways, for ${SECS}s"
cut A 'numgen random mod 100 < 10 counter'
rx0=$(tun_get A b .bfd.rx_packets)
# An observation window, not a synchronisation: check every second, stop
# at the first false down.
for _ in $(seq "$SECS"); do
	[ "$(flaps A b)" = 0 ] || fail "A: false down under 10% loss"
	[ "$(flaps B a)" = 0 ] || fail "B: false down under 10% loss"
	sleep 1
done
both_up || fail "not both up after ${SECS}s"
[ "$(flaps A b)" = 0 ] && [ "$(flaps B a)" = 0 ] || fail "false down"
rx=$(($(tun_get A b .bfd.rx_packets) - rx0))
dropped=$(nq A nft -j list table inet ka_cut |
	jq '[.nftables[].rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add')
echo "A received $rx keepalives in ${SECS}s; nftables dropped $dropped packets"
# the loss was real: about 10% of ~2 x 600 x (10..13 pps)
[ "$dropped" -gt 50 ] || fail "only $dropped packets dropped: no real loss"
[ "$rx" -gt $((SECS * 5)) ] || fail "only $rx keepalives received"
uncut A
ctl A show tunnels
