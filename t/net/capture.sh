#!/bin/bash
# t/net/capture.sh: nothing but ESP leaves a node.  tcpdump on A's underlay
# while ping and TCP cross the tunnel: every packet is ESP (IP protocol 50,
# or UDP port 4500 in udp mode), never GRE and never the inner addresses in
# clear; ARP and neighbour discovery aside.  Once raw ESP over IPv4, once
# ESP in UDP over IPv6.
#
#   +---------------------+            +---------------------+
#   | ns A   ovl-b        |            | ns B   ovl-a        |
#   |  198.18.0.0/31      |            |  198.18.0.1/31      |
#   |  ul0 198.51.100.1 --+--- veth ---+-- ul0 198.51.100.2  |
#   |      ^ tcpdump      |            |                     |
#   +---------------------+            +---------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump socat ss

tcpdump_ready() {
	grep -q "listening on" "$1"
}

# count PCAP FILTER: packets in PCAP matching the tcpdump FILTER.
count() {
	tcpdump -nn -r "$1" "$2" 2>/dev/null | wc -l
}

# traffic: pings both ways, both families, and 2 MiB of TCP A -> B.
traffic() {
	wait_ping A "$OVL4_B"
	wait_ping A "$OVL6_B"
	n A ping -n -c 5 -i 0.1 -W 1 "$OVL4_B"
	n B ping -n -c 5 -i 0.1 -W 1 "$OVL6_A"
	head -c 2M /dev/urandom >"$T_TMP/src"
	bg B "$T_TMP/server.log" timeout 60 \
		socat -u TCP-LISTEN:5002,reuseaddr "OPEN:$T_TMP/dst,creat,trunc"
	local server=$BG_PID
	wait_for 5 port_listening B 5002
	n A timeout 60 socat -u "OPEN:$T_TMP/src" "TCP4:$OVL4_B:5002"
	wait_for 30 proc_gone "$server"
	cmp "$T_TMP/src" "$T_TMP/dst" || fail "TCP data corrupted"
}

# Neighbour discovery (ICMPv6 133..137) and MLD (130..143 behind a hop-by-hop
# header, as the kernel sends it): link-local housekeeping, not tunnel data.
ND='((icmp6 and ip6[40] >= 133 and ip6[40] <= 137) or (ip6[6] == 0 and ip6[40] == 58 and ip6[48] >= 130 and ip6[48] <= 143))'
UNREACH='(icmp[icmptype] == icmp-unreach and icmp[icmpcode] == 2 and icmp[17] == 50)'
lab2_net
for variant in "esp 4" "udp 6"; do
	read -r encap af <<<"$variant"
	log "capture, encap $encap, IPv$af underlay"
	lab2_conf --encap "$encap" --af "$af"
	lab2_start
	pcap="$T_TMP/ul0-$encap.pcap"
	bg A "$T_TMP/tcpdump.log" tcpdump -Z root -U --immediate-mode -s 256 -i ul0 -w "$pcap"
	dump=$BG_PID
	wait_for 5 tcpdump_ready "$T_TMP/tcpdump.log"
	traffic
	stop_pid "$dump" INT
	cat "$T_TMP/tcpdump.log"

	total=$(count "$pcap" "")
	esp=$(count "$pcap" "ip proto 50 or ip6 proto 50")
	udp=$(count "$pcap" "udp port 4500")
	gre=$(count "$pcap" "ip proto 47 or ip6 proto 47")
	clear=$(count "$pcap" "net 198.18.0.0/15 or net 2001:db8:ff::/64")
	# When a raw ESP socket's receive buffer overflows, Linux answers
	# "protocol 50 unreachable", quoting the (encrypted) packet: not a leak,
	# but worth a note (the daemon's socket buffer is too small).
	unreach=$(count "$pcap" "$UNREACH")
	allowed="ip proto 50 or ip6 proto 50 or udp port 4500 or arp or $ND or $UNREACH"
	other=$(count "$pcap" "not ($allowed)")
	echo "captured $total: $esp ESP, $udp UDP 4500, $gre GRE, $clear in clear, $other other"
	[ "$unreach" -eq 0 ] ||
		echo "note: $unreach ICMP protocol-50-unreachable: the receiver's ESP socket overflowed"
	if [ "$other" -ne 0 ] || [ "$gre" -ne 0 ] || [ "$clear" -ne 0 ]; then
		tcpdump -nn -r "$pcap" "not ($allowed)" 2>/dev/null | head -n 20
		fail "non-ESP packets on the underlay"
	fi
	if [ "$encap" = esp ]; then
		[ "$udp" -eq 0 ] || fail "UDP 4500 in esp mode"
		main=$esp
	else
		[ "$esp" -eq 0 ] || fail "raw ESP in udp mode"
		main=$udp
		# ESP in UDP: no non-ESP marker (zero SPI) in data packets.
		zero=$(count "$pcap" "udp port 4500 and udp[8:4] = 0")
		[ "$zero" -eq 0 ] || fail "$zero UDP 4500 packets with SPI 0"
	fi
	# 20 pings and 2 MiB of TCP (1500+ data segments) at least.
	[ "$main" -gt 1500 ] || fail "only $main ESP packets captured"
	# IPv4 over raw ESP on an IPv4 underlay: the outer header is IPv$af.
	if [ "$af" = 4 ]; then
		[ "$(count "$pcap" "ip6 and not $ND")" -eq 0 ] || fail "IPv6 outer in IPv4 lab"
	else
		[ "$(count "$pcap" "ip")" -eq 0 ] || fail "IPv4 outer in IPv6 lab"
	fi
	lab2_stop
done
