#!/bin/bash
# t/net/keepalive_junk.sh: bad keepalives from inside the tunnel. B's kernel
# sends UDP to A's inner address, port 3784, through the working tunnel
# (so it passes ESP and GRE): wrong TTL, garbage, a wrong version,
# authentication, unknown discriminators. A counts and logs each, drops
# it, stays up with no flap, and keeps talking BFD with B's overlayd.
#
#   +----------------+                          +------------------------+
#   | ns A   ovl-b   |=== GRE+ESP over veth =====| ns B   ovl-a            |
#   | 198.18.0.0/31  |                           | 198.18.0.1/31           |
#   |  overlayd      |        UDP 3784 junk <----- socat (B's kernel)     |
#   +----------------+                          +------------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=t/net/keepalive_lib.sh
. "$(dirname "$0")/keepalive_lib.sh"
need_root
need_cmd socat

KA='keepalive interval 100ms multiplier 3 holddown 1s'

lab2_net
lab2_conf --encap udp
ka_global A "$KA"
ka_global B "$KA"
lab2_start
wait_for 10 both_up

# bfd STATEFLAGS LENGTH YOURDISCR: a BFD header in hex (2, 2 and 8 digits):
# version 1, multiplier 3, my discriminator 0x01020304, 100 ms timers.
bfd() {
	echo "20$1""03$2""01020304$3""000186a0000186a000000000"
}

# junk TTL HEX: send one UDP packet with payload HEX from B's kernel to A's
# inner address, port 3784, through the tunnel.
junk() {
	local esc
	esc=$(sed 's/../\\x&/g' <<<"$2")
	# shellcheck disable=SC2059
	printf "$esc" | nq B socat -u - \
		"UDP4-SENDTO:$OVL4_A:3784,sourceport=49300,ip-ttl=$1"
}

bad0=$(tun_get A b .bfd.rx_invalid)
ok0=$(tun_get A b .bfd.rx_packets)
mine=$(printf '%08x' "$(tun_get A b .bfd.local_discr)")

log "bad keepalives from inside the tunnel"
junk 64 "$(bfd 40 18 00000000)"		# TTL 64
junk 255 2040				# 2 bytes
junk 255 "$(bfd 40 18 00000000 | sed 's/^20/40/')"	# version 2
junk 255 "$(bfd 44 1a 00000000)0102"	# A bit, 26 bytes
junk 255 "$(bfd c0 18 99999999)"	# not our discriminator
junk 255 "$(bfd c0 18 00000000)"	# Up, your discriminator 0
junk 255 "$(bfd 40 30 00000000)"	# Length past the packet
junk 255 "$(bfd 41 18 "$mine")"		# multipoint
junk 255 "$(bfd 40 17 "$mine")"		# Length 23
junk 255 "$(bfd 40 18 "$mine" | sed 's/^204003/204000/')"	# multiplier 0
n=10
wait_for 5 counter_gt A b .bfd.rx_invalid $((bad0 + n - 1))
grep 'keepalive dropped' "$(daemon_log A)" || true
[ "$(tun_get A b .bfd.rx_invalid)" = $((bad0 + n)) ] ||
	fail "rx_invalid is not $((bad0 + n))"
daemon_alive A || fail "A died"
both_up || fail "junk took the tunnel down"
[ "$(flaps A b)" = 0 ] || fail "junk made A flap"
[ "$(tun_get A b .bfd.state)" = up ] || fail "A's session is not up"
log_has A "tunnel b: keepalive dropped: TTL is not 255" ||
	fail "A did not log the bad TTL"
# BFD with B goes on
wait_for 5 counter_gt A b .bfd.rx_packets $((ok0 + 5))
[ "$(tun_get A b .bfd.remote_discr)" = "$(tun_get B a .bfd.local_discr)" ] ||
	fail "junk changed A's remote discriminator"
wait_ping A "$OVL4_B"

log "UDP 3784 to another inner address is the TUN's, not a keepalive"
bad1=$(tun_get A b .bfd.rx_invalid)
printf 'x' | nq B socat -u - "UDP6-SENDTO:[$OVL6_A]:3785,sourceport=49300"
[ "$(tun_get A b .bfd.rx_invalid)" = "$bad1" ] || fail "port 3785 taken"
ctl A show tunnels
