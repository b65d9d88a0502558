#!/bin/bash
# t/net/wrongkey.sh: B's inbound key does not match what A sends.  Nothing
# from A reaches B's overlay (pings fail both ways: B's requests reach A, A's
# replies do not reach B), B counts authentication failures, A counts none.
# Once for raw ESP with 256-bit keys, once for ESP in UDP with 128-bit keys.
#
#   +-------------------+  A -> B: wrong key, dropped   +-------------------+
#   | ns A  ovl-b       | ---------------------------X  | ns B  ovl-a       |
#   |  198.18.0.0/31    |  B -> A: good key, delivered  |  198.18.0.1/31    |
#   |  ul0 198.51.100.1 +--------------veth-------------+ ul0 198.51.100.2  |
#   +-------------------+                               +-------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping

lab2_net
for variant in "esp 256" "udp 128"; do
	read -r encap bits <<<"$variant"
	log "wrong inbound key on B, encap $encap, aes-gcm-$bits"
	lab2_conf --encap "$encap" --key-bits "$bits" --wrong-key B
	lab2_start
	if n A ping -n -c 3 -i 0.2 -W 1 "$OVL4_B"; then
		fail "A reached B's overlay with the wrong key"
	fi
	if n A ping -n -c 2 -i 0.2 -W 1 "$OVL6_B"; then
		fail "A reached B's overlay over IPv6 with the wrong key"
	fi
	wait_for 5 counter_gt B a .drops.auth 0
	[ "$(tun_get B a .rx_packets)" = 0 ] || fail "B delivered packets"
	# B's packets are good: A takes them in and answers into the void.
	if n B ping -n -c 3 -i 0.2 -W 1 "$OVL4_A"; then
		fail "B got answers through a broken SA"
	fi
	wait_for 5 counter_gt A b .rx_packets 0
	[ "$(tun_get A b .drops.auth)" = 0 ] || fail "A counted auth drops"
	auth=$(tun_get B a .drops.auth)
	# 3 + 2 requests from A, 3 replies to B's requests.
	[ "$auth" -ge 8 ] || fail "B counted $auth auth drops, expected 8"
	[ "$(top_get B .drops.no_sa)" = 0 ] || fail "B: SPI not found"
	ctl B show tunnels
	# The daemon logs the failures (rate-limited) and keeps running.
	daemon_alive B || fail "B's overlayd died"
	lab2_stop
done
