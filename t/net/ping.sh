#!/bin/bash
# t/net/ping.sh: two overlayd nodes ping each other over their tunnel, both
# ways, IPv4 and IPv6 inside, for raw ESP and ESP-in-UDP, over an IPv4 and an
# IPv6 underlay.
#
#   +---------------------------+         +---------------------------+
#   | ns A         ovl-b        |         | ns B         ovl-a        |
#   |   198.18.0.0/31           |         |   198.18.0.1/31           |
#   |   2001:db8:ff::2/127      |         |   2001:db8:ff::3/127      |
#   |        |  overlayd        |         |        |  overlayd        |
#   |  ul0 198.51.100.1/24      |  veth   |  ul0 198.51.100.2/24      |
#   |      2001:db8:100::1/64   +---------+      2001:db8:100::2/64   |
#   +---------------------------+         +---------------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping

# check_tunnel LABEL PEER ENCAP LOCAL REMOTE: show tunnels agrees.
check_tunnel() {
	local j
	j=$(ctl "$1" --json show tunnels)
	echo "$j" | jq -c ".tunnels[] | select(.name == \"$2\")"
	[ "$(jq -r ".tunnels | length" <<<"$j")" = 1 ] || fail "$1: not 1 tunnel"
	[ "$(jq -r '.tunnels[0].name' <<<"$j")" = "$2" ] || fail "$1: name"
	[ "$(jq -r '.tunnels[0].interface' <<<"$j")" = "ovl-$2" ] ||
		fail "$1: interface is not ovl-$2"
	[ "$(jq -r '.tunnels[0].state' <<<"$j")" = up ] || fail "$1: not up"
	[ "$(jq -r '.tunnels[0].encap' <<<"$j")" = "$3" ] || fail "$1: encap"
	[ "$(jq -r '.tunnels[0].local' <<<"$j")" = "$4" ] || fail "$1: local"
	[ "$(jq -r '.tunnels[0].remote' <<<"$j")" = "$5" ] || fail "$1: remote"
	[ "$(jq -r '.tunnels[0].tx_packets' <<<"$j")" -gt 0 ] || fail "$1: no tx"
	[ "$(jq -r '.tunnels[0].rx_packets' <<<"$j")" -gt 0 ] || fail "$1: no rx"
	[ "$(jq -r '.tunnels[0].tx_bytes' <<<"$j")" -gt 0 ] || fail "$1: no tx bytes"
	[ "$(jq -r '.tunnels[0].rx_bytes' <<<"$j")" -gt 0 ] || fail "$1: no rx bytes"
	[ "$(jq -r '.tunnels[0].drops | add' <<<"$j")" = 0 ] || fail "$1: drops"
	[ "$(jq -r '.drops | add' <<<"$j")" = 0 ] || fail "$1: top-level drops"
}

lab2_net
# encap, underlay family, extra lab2_conf options
for variant in "esp 4" "udp 4 --gre-key 42" "esp 6 --key-bits 128" \
    "udp 6"; do
	# shellcheck disable=SC2086
	set -- $variant
	encap=$1 af=$2
	shift 2
	log "encap $encap, IPv$af underlay $*"
	lab2_conf --encap "$encap" --af "$af" "$@"
	lab2_start
	wait_ping A "$OVL4_B"
	wait_ping B "$OVL4_A"
	wait_ping A "$OVL6_B"
	wait_ping B "$OVL6_A"
	n A ping -n -c 5 -i 0.1 -W 1 "$OVL4_B"
	n B ping -n -c 5 -i 0.1 -W 1 "$OVL6_A"
	# A big one: fragments inside the tunnel are the sender's business.
	n A ping -n -c 2 -i 0.1 -W 1 -s 3000 "$OVL4_B"
	if [ "$af" = 4 ]; then la=$UL4_A lb=$UL4_B; else la=$UL6_A lb=$UL6_B; fi
	check_tunnel A b "$encap" "$la" "$lb"
	check_tunnel B a "$encap" "$lb" "$la"
	[ "$(tun_get A b .spi_out)" = "$(tun_get B a .spi_in)" ] ||
		fail "A's spi_out is not B's spi_in"
	if [ "${1:-}" = --gre-key ]; then
		[ "$(tun_get A b .gre_key)" = "$2" ] || fail "gre_key not $2"
	else
		[ "$(ctl A --json show tunnels | jq -r '.tunnels[0].gre_key')" = null ] ||
			fail "gre_key not null"
	fi
	# The TUN is point-to-point with the MTU show tunnels reports.
	mtu=$(tun_get A b .mtu)
	lmtu=$(nq A ip -j link show dev ovl-b | jq -r '.[0].mtu')
	[ "$mtu" = "$lmtu" ] || fail "ovl-b mtu $lmtu, show tunnels says $mtu"
	if [ "$mtu" -lt 1280 ] || [ "$mtu" -ge 1500 ]; then
		fail "odd tunnel mtu $mtu"
	fi
	ctl A show tunnels
	lab2_stop
done
