#!/bin/bash
# t/net/keepalive.sh: BFD keepalives inside the tunnel decide whether it is
# up. A tunnel with keepalives on comes up only when the peer answers them;
# an underlay cut takes both ends down (carrier off) within the detection
# time; restored, they come back after the hold-down; kill -9 of one side
# takes the other down; a clean stop says AdminDown; new timers apply in
# place on reload; IPv6-only inner addressing and "address A/32 peer B"
# (with the kernel route to the peer through the TUN) work too.
#
#   +---------------------------+         +---------------------------+
#   | ns A         ovl-b        |         | ns B         ovl-a        |
#   |   198.18.0.0/31           |  BFD    |   198.18.0.1/31           |
#   |   2001:db8:ff::2/127      | inside  |   2001:db8:ff::3/127      |
#   |        |  overlayd        | GRE+ESP |        |  overlayd        |
#   |  ul0 198.51.100.1/24      |  veth   |  ul0 198.51.100.2/24      |
#   |      2001:db8:100::1/64   +---------+      2001:db8:100::2/64   |
#   +---------------------------+         +---------------------------+
#   nftables on A's ul0 cuts the underlay.
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=t/net/keepalive_lib.sh
. "$(dirname "$0")/keepalive_lib.sh"
need_root
need_cmd ping nft

KA='keepalive interval 100ms multiplier 5 holddown 2s'
# Detection is 500 ms (multiplier 5: a machine loaded with sanitizer builds
# stalls now and then); deadlines leave room for that too.
DOWN_SECS=3

lab2_net

log "A with keepalives, B without: A's tunnel stays down"
lab2_conf --encap esp
ka_global A "$KA"
lab2_start
# A's keepalives reach B (B delivers them to its TUN, not being on)...
wait_for 5 counter_gt B a .rx_packets 2
# ...and nothing answers, so A keeps the tunnel down, carrier off.
state_is A b down || fail "A's tunnel is up without keepalive replies"
live_is A b down || fail "A's liveness is not down"
carrier A ovl-b off || fail "ovl-b has carrier"
state_is B a up || fail "B (keepalive off) is not up"
[ "$(tun_get B a .liveness)" = off ] || fail "B's liveness is not off"
[ "$(ctl B --json show tunnels | jq -r '.tunnels[0].keepalive')" = null ] ||
	fail "B shows keepalive settings"
if pings A "$OVL4_B"; then fail "ping went through a down tunnel"; fi
ctl A show tunnels

log "B turns keepalives on (SIGHUP): both come up, no hold-down the first time"
ka_global B "$KA"
n B kill -HUP "${PID[B]}"
wait_for 10 both_up
carrier A ovl-b on || fail "ovl-b has no carrier"
carrier B ovl-a on || fail "ovl-a has no carrier"
wait_ping A "$OVL4_B"
wait_ping B "$OVL6_A"
j=$(ctl A --json show tunnels | jq -c '.tunnels[0]')
echo "$j"
[ "$(jq -r .liveness <<<"$j")" = up ] || fail "liveness not up"
[ "$(jq -r .flaps <<<"$j")" = 0 ] || fail "flaps not 0"
[ "$(jq -r .keepalive.interval_ms <<<"$j")" = 100 ] || fail "interval_ms"
[ "$(jq -r .keepalive.multiplier <<<"$j")" = 5 ] || fail "multiplier"
[ "$(jq -r .keepalive.holddown_ms <<<"$j")" = 2000 ] || fail "holddown_ms"
[ "$(jq -r .bfd.local <<<"$j")" = "$OVL4_A" ] || fail "bfd.local"
[ "$(jq -r .bfd.remote <<<"$j")" = "$OVL4_B" ] || fail "bfd.remote"
[ "$(jq -r .bfd.remote_state <<<"$j")" = up ] || fail "bfd.remote_state"
[ "$(jq -r '.last_seen < 5' <<<"$j")" = true ] || fail "last_seen"
# A's and B's discriminators match crosswise.
[ "$(jq -r .bfd.remote_discr <<<"$j")" = "$(tun_get B a .bfd.local_discr)" ] ||
	fail "A's remote discriminator is not B's own"
# the Poll Sequence after Up ran: both send at the fast rate
wait_for 5 field_is A b .bfd.tx_interval_us 100000
wait_for 5 field_is A b .bfd.detect_time_us 500000
log_has A "tunnel b: keepalive up$" || fail "A did not log keepalive up"
if log_has A "hold-down"; then fail "hold-down on the first up"; fi
[ "$(tun_get A b .bfd.rx_invalid)" = 0 ] || fail "invalid keepalives"
[ "$(tun_get A b '.drops | add')" = 0 ] || fail "drops at A"
ctl A show tunnels

log "underlay cut: both ends go down, carrier off"
cut A
wait_for "$DOWN_SECS" both_down
carrier A ovl-b off || fail "ovl-b still has carrier"
carrier B ovl-a off || fail "ovl-a still has carrier"
[ "$(flaps A b)" = 1 ] || fail "A's flaps not 1"
[ "$(flaps B a)" = 1 ] || fail "B's flaps not 1"
[ "$(tun_get A b .bfd.diag)" = "detection time expired" ] || fail "A's diag"
log_has A "tunnel b: keepalive down: detection time expired" ||
	fail "A did not log the loss"
ctl A show tunnels

log "underlay back: up again, after the hold-down"
uncut A
wait_for 15 both_up
log_has A "tunnel b: keepalive up, hold-down 2000ms" || fail "no hold-down at A"
log_has A "tunnel b: hold-down over" || fail "hold-down did not end at A"
log_has B "tunnel a: hold-down over" || fail "hold-down did not end at B"
# the up came from the hold-down's end, not before it
awk '/keepalive up, hold-down/ { h = NR } /tunnel b up$/ { u = NR }
	END { exit !(h && u > h) }' "$(daemon_log A)" ||
	fail "A's tunnel came up before its hold-down ended"
wait_ping A "$OVL4_B"
[ "$(flaps A b)" = 1 ] || fail "A's flaps changed on recovery"

log "new timers on reload: applied in place with a Poll Sequence"
spi=$(tun_get A b .spi_out)
rx=$(tun_get A b .rx_packets)
ka_sub A "s/^keepalive .*/keepalive interval 200ms multiplier 4 holddown 1s/"
ctl A reload
wait_for 5 field_is A b .keepalive.interval_ms 200
# B now sends no faster than A's new Required Min RX
wait_for 5 field_is B a .bfd.tx_interval_us 200000
wait_for 5 field_is B a .bfd.detect_time_us 800000
wait_for 5 field_is A b .bfd.detect_time_us 1000000
both_up || fail "a timer change took the tunnel down"
[ "$(flaps A b)" = 1 ] || fail "a timer change made a flap"
[ "$(tun_get A b .spi_out)" = "$spi" ] || fail "the tunnel was recreated"
[ "$(tun_get A b .rx_packets)" -gt "$rx" ] || fail "counters were reset"
wait_ping A "$OVL4_B"

log "kill -9 of B: A goes down"
stop_overlayd B KILL
wait_for "$DOWN_SECS" state_is A b down
carrier A ovl-b off || fail "ovl-b still has carrier"
[ "$(tun_get A b .bfd.diag)" = "detection time expired" ] || fail "A's diag"
[ "$(flaps A b)" = 2 ] || fail "A's flaps not 2"
stop_overlayd A

log "clean stop of B: AdminDown takes A down at once"
lab2_conf --encap udp
ka_global A "$KA"
ka_global B "$KA"
lab2_start
wait_for 10 both_up
stop_overlayd B TERM
wait_for "$DOWN_SECS" state_is A b down
[ "$(tun_get A b .bfd.diag)" = "neighbor signaled down" ] ||
	fail "A's diag is $(tun_get A b .bfd.diag)"
[ "$(tun_get A b .bfd.remote_state)" = admindown ] || fail "no AdminDown seen"
lab2_stop

log "IPv6 inside only, per-peer keepalive, IPv6 underlay"
lab2_conf --encap esp --af 6
for x in A B; do
	ka_sub "$x" '/address 198\.18\./d'
	ka_peer "$x" "keepalive interval 50ms multiplier 4 holddown 0s"
done
lab2_start
wait_for 10 both_up
[ "$(tun_get A b .bfd.remote)" = "$OVL6_B" ] || fail "bfd.remote not $OVL6_B"
wait_ping A "$OVL6_B"
wait_for 5 field_is A b .bfd.tx_interval_us 50000
lab2_stop

log "address A/32 peer B: kernel route to the peer, keepalives to it"
lab2_conf --encap esp
ka_sub A "s|address $OVL4_A/31|address $OVL4_A/32 peer $OVL4_B|"
ka_sub B "s|address $OVL4_B/31|address $OVL4_B/32 peer $OVL4_A|"
ka_global A "$KA"
ka_global B "$KA"
lab2_start
n A ip -4 addr show dev ovl-b
nq A ip -4 addr show dev ovl-b | grep -q "inet $OVL4_A peer $OVL4_B/32" ||
	fail "ovl-b has no point-to-point address"
nq A ip -4 route get "$OVL4_B" | grep -q "dev ovl-b" ||
	fail "no route to $OVL4_B via ovl-b"
wait_for 10 both_up
[ "$(tun_get A b .bfd.remote)" = "$OVL4_B" ] || fail "bfd.remote"
wait_ping A "$OVL4_B"
ctl A show tunnels
lab2_stop
