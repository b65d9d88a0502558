#!/bin/bash
# t/net/keepalive_data.sh: received data is proof of life. With every
# keepalive dropped on the underlay (nftables drops ESP packets too small
# to carry anything but a keepalive: they are encrypted, so size is what
# tells them apart), a tunnel carrying pings both ways stays up, flap
# count 0, while no keepalive gets through; when the pings stop, both ends
# go down.
#
#   +----------------+  ESP shorter than 200 bytes dropped  +----------------+
#   | ns A   ovl-b   |--- ul0 ============================ ul0 ---| ns B   ovl-a   |
#   |  ping -s 400 ----------------------------------------->  198.18.0.1   |
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
need_cmd nft ping

# a 1 s detection time against pings every 50 ms: the property does not
# depend on the detection time, and a loaded test machine can stall a
# process for a few hundred milliseconds
KA='keepalive interval 200ms multiplier 5 holddown 1s'

lab2_net
lab2_conf --encap esp
ka_global A "$KA"
ka_global B "$KA"
lab2_start
wait_for 10 both_up
wait_ping A "$OVL4_B"

log "keepalives dropped, pings every 50 ms keep the tunnel up"
# 8 s of pings in the background, flowing before the keepalives stop so
# that no scheduling delay between the two can leave the tunnel a whole
# detection time without proof of life; the checks run while they flow
data0=$(tun_get A b .rx_packets)
bg A "$T_TMP/ping.log" ping -n -q -c 160 -i 0.05 -s 400 -W 1 "$OVL4_B"
pinger=$BG_PID
wait_for 5 counter_gt A b .rx_packets $((data0 + 5))
# a keepalive is a 112-byte ESP packet; a 400-byte ping is far larger
cut A 'meta l4proto esp ip length < 200 counter'
rxa=$(tun_get A b .bfd.rx_packets)
rxb=$(tun_get B a .bfd.rx_packets)
data1=$(tun_get A b .rx_packets)
# 60 replies back: 3 s, three detection times, on data alone
wait_for 15 counter_gt A b .rx_packets $((data1 + 60))
both_up || fail "the tunnel went down although data arrived"
[ "$(flaps A b)" = 0 ] || fail "A flapped"
[ "$(flaps B a)" = 0 ] || fail "B flapped"
[ "$(tun_get A b .bfd.state)" = up ] || fail "A's session is not up"
[ "$(tun_get B a .bfd.state)" = up ] || fail "B's session is not up"
# and no keepalive got through meanwhile
[ "$(tun_get A b .bfd.rx_packets)" = "$rxa" ] || fail "A received keepalives"
[ "$(tun_get B a .bfd.rx_packets)" = "$rxb" ] || fail "B received keepalives"
ctl A show tunnels
wait "$pinger" || { cat "$T_TMP/ping.log"; fail "pings were lost"; }
cat "$T_TMP/ping.log"

log "pings stop: nothing proves life, both ends go down"
wait_for 5 both_down
[ "$(tun_get A b .bfd.diag)" = "detection time expired" ] || fail "A's diag"
[ "$(flaps A b)" = 1 ] || fail "A's flaps not 1"
uncut A
wait_for 10 both_up
ctl A show tunnels
