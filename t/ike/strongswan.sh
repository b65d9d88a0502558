#!/bin/bash
# t/ike/strongswan.sh: overlayd against strongSwan's charon with
# kernel-libipsec (ESP in userspace, tunnel mode only, ESP in UDP 4500) on
# this host's kernel, which has no GRE and no XFRM.
#
# Case 1: overlayd initiates. It offers transport mode; charon (mode =
# tunnel) answers without USE_TRANSPORT_MODE and overlayd takes tunnel
# mode (RFC 7296 1.3.1). charon has fragmentation on with a small
# fragment_size: IKE_AUTH goes in SKF fragments both ways (RFC 7383).
# Case 2: charon initiates (overlayd ike passive), tunnel mode and no
# fragmentation at charon: overlayd must not fragment either.
# Case 3: rekeying. a: overlayd rekeys its CHILD_SA every 3 s and its IKE
# SA every 8 s (at least 5 and 2; CREATE_CHILD_SA offers ESP with DH for
# PFS and without: charon's ESP proposal here has no DH group), GRE echo
# answered all along; b: charon rekeys the CHILD_SA and then the IKE SA
# (swanctl --rekey): the SAs still agree, GRE goes both ways.
# Each time: the IKE SA and CHILD_SA agree (SPIs, tunnel mode), GRE
# from B (a raw socket, gre_ping.py: charon's libipsec TUN takes it by a
# policy route) reaches overlayd, which answers through its own TUN: the
# echo replies come back decrypted by libipsec; overlayd's GRE from a
# ping across its TUN is seen decrypted on charon's TUN ipsec0; overlayd's
# counters move with no authentication or malformed drops.
#
#   +-----------------------------+          +-------------------------------+
#   | ns A  overlayd, cert na     |          | ns B  charon + libipsec, nb   |
#   |  ovl-b 198.18.0.0/31        |  ESP in  |  ipsec0 (TUN): GRE to A       |
#   |  ul0 198.51.100.1  UDP 4500 +-- UDP ---+ ul0 198.51.100.2  gre_ping.py |
#   +-----------------------------+   veth   +-------------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=bench/strongswan.sh
. "$(dirname "$0")/../../bench/strongswan.sh"
need_cmd python3 jq tcpdump ping
sw_need
here=$(cd "$(dirname "$0")" && pwd)
GRE_PING="$here/gre_ping.py"
PINGS=5

lab2_net
mesh

# charon in B with nb's credentials; GRE to A goes into libipsec's TUN
# (table 220), everything else to A, charon's own packets included (marked
# 0x42), goes the main way; allow_peer_ts lets libipsec route to the
# peer's own address (only GRE goes there, by the rules below).
B_CERT=$T_TMP/pki/acme/nodes/nb.crt
sw_b() {	# sw_b FRAGMENTATION FRAGMENT_SIZE START
	sw_setup B "$B_CERT" "$T_TMP/pki/acme/nodes/nb.key" \
	    "$T_TMP/pki/root/root.crt $T_TMP/pki/acme/ca.crt" \
	    "fragment_size = $2" \
	    "plugins {" \
	    "	socket-default {" \
	    "		fwmark = 0x42" \
	    "	}" \
	    "	kernel-netlink {" \
	    "		fwmark = !0x42" \
	    "	}" \
	    "	kernel-libipsec {" \
	    "		allow_peer_ts = yes" \
	    "	}" \
	    "}"
	{
		echo "connections {"
		sw_conn a "$UL4_B" "$UL4_A" '"O=acme, CN=nb"' %any nb.crt \
		    "$UL4_B/32[gre]" "$UL4_A/32[gre]" "$3" |
		    sed "s/^\t\tfragmentation = yes$/\t\tfragmentation = $1/"
		echo "}"
	} >"${SW_DIR[B]}/swanctl/swanctl.conf"
	sw_start B
	sw_ctl B --load-all >"${SW_DIR[B]}/load.log" 2>&1 ||
		{ cat "${SW_DIR[B]}/load.log" >&2; fail "swanctl --load-all"; }
}
nq B ip rule add to "$UL4_A" ipproto gre lookup 220 pref 210
nq B ip rule add to "$UL4_A" lookup main pref 211
nq B sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0

# ike_get FILTER: field of A's one IKE SA.
ike_get() {
	ctl A --json show ike | jq -er ".ike_sas[0] | $1"
}
ike_count() {
	ctl A --json show ike | jq -er ".counters.$1"
}
child_up() {
	[ "$(ike_get .state)" = established ] &&
	    [ "$(tun_get A b .state)" = up ] &&
	    sw_ctl B --list-sas 2>/dev/null | grep -q "INSTALLED, TUNNEL"
}
libipsec_tun() {
	nq B ip link show ipsec0
}

# check_case ROLE FRAGMENTED: the SAs agree, GRE both ways.
check_case() {
	local role=$1 frag=$2 sas si so ai ao rx0 tx0 rx1 tx1 cap
	poll 30 child_up || {
		tail -n 80 "${SW_DIR[B]}/charon.log" >&2
		fail "no CHILD_SA between overlayd and charon"
	}
	ctl A show ike
	ctl A show tunnels
	sas=$(sw_ctl B --list-sas)
	echo "$sas"
	[ "$(ike_get .role)" = "$role" ] || fail "overlayd is not the $role"
	[ "$(ike_get .child.mode)" = tunnel ] || fail "CHILD_SA not tunnel mode"
	[ "$(tun_get A b .mode)" = tunnel ] || fail "show tunnels: not tunnel"
	[ "$(tun_get A b .encap)" = udp ] || fail "ESP not in UDP"
	[ "$(ike_get .port)" = 4500 ] || fail "IKE not on UDP 4500"
	[ "$(ike_get .peer_id)" = "CN=nb,O=acme" ] || fail "peer id"
	# charon's "in"/"out" SPIs: A's out and in
	si=$(sed -n 's/^ *in  *\([0-9a-f]\{8\}\),.*/\1/p' <<<"$sas" | head -1)
	so=$(sed -n 's/^ *out  *\([0-9a-f]\{8\}\),.*/\1/p' <<<"$sas" | head -1)
	ai=$(tun_get A b .spi_in) ao=$(tun_get A b .spi_out)
	echo "charon in $si out $so; overlayd in $ai out $ao"
	[ "0x$si" = "$ao" ] || fail "charon's inbound SPI is not overlayd's outbound"
	[ "0x$so" = "$ai" ] || fail "charon's outbound SPI is not overlayd's inbound"
	if [ "$frag" = yes ]; then
		counter_frag gt
	else
		[ "$(ike_count fragments_tx)" = 0 ] ||
			fail "IKE fragments sent, not negotiated"
		[ "$(ike_count fragments_rx)" = 0 ] ||
			fail "IKE fragments received, not negotiated"
	fi

	# B -> A: GRE from a raw socket, through libipsec; A answers
	wait_for 10 libipsec_tun
	rx0=$(tun_get A b .rx_packets) tx0=$(tun_get A b .tx_packets)
	n B timeout 30 python3 "$GRE_PING" "$UL4_B" "$UL4_A" "$OVL4_B" \
	    "$OVL4_A" "$PINGS" 15 || fail "GRE echo through charon and overlayd"
	rx1=$(tun_get A b .rx_packets) tx1=$(tun_get A b .tx_packets)
	echo "overlayd rx $rx0 -> $rx1, tx $tx0 -> $tx1"
	[ $((rx1 - rx0)) -ge "$PINGS" ] || fail "overlayd received too little"
	[ $((tx1 - tx0)) -ge "$PINGS" ] || fail "overlayd sent too little"

	# A -> B: overlayd's GRE seen decrypted on charon's TUN
	cap=$T_TMP/ipsec0.$role.txt
	bg B "$cap" timeout 20 tcpdump -l -n -i ipsec0 -c "$PINGS" \
	    "ip proto 47 and src $UL4_A and dst $UL4_B"
	local tcpd=$BG_PID
	wait_for 5 grep -q "listening on" "$cap"
	# no answer: B has no GRE; the capture is the proof
	nq A ping -c "$PINGS" -i 0.2 -W 1 "$OVL4_B" || true
	wait_for 20 proc_gone "$tcpd"
	cat "$cap"
	[ "$(grep -c "$UL4_A > $UL4_B: GREv0" "$cap")" -ge "$PINGS" ] ||
		fail "overlayd's GRE not seen decrypted on ipsec0"
	grep -q "$OVL4_A > $OVL4_B: ICMP echo request" "$cap" ||
		fail "no inner echo request on ipsec0"
	[ "$(tun_get A b .drops.auth)" = 0 ] || fail "authentication drops"
	[ "$(tun_get A b .drops.malformed)" = 0 ] || fail "malformed drops"
	[ "$(ike_count rx_dropped)" = 0 ] || fail "IKE messages dropped"
}

counter_frag() {
	local tx rx re
	tx=$(ike_count fragments_tx) rx=$(ike_count fragments_rx)
	re=$(ike_count reassembled)
	echo "IKE fragments: tx $tx rx $rx reassembled $re"
	[ "$tx" -gt 1 ] || fail "overlayd sent no IKE fragments"
	[ "$rx" -gt 1 ] || fail "overlayd received no IKE fragments"
	[ "$re" -ge 1 ] || fail "overlayd reassembled nothing"
	[ "$(ike_count fragments_dropped)" = 0 ] || fail "fragments dropped"
	grep -q "received fragment #" "${SW_DIR[B]}/charon.log" ||
		fail "charon saw no fragments"
}

log "case 1: overlayd initiates, charon answers in tunnel mode, fragments"
SW_LOGLEVEL=1 sw_b yes 512 none
ike_conf A b "$UL4_A" "$UL4_B" "$OVL4_A" "$OVL6_A" acme/nodes/na \
    "encap udp" "esn no"
start_overlayd A "$T_TMP/A.conf"
check_case initiator yes
log_has A "CHILD_SA" || fail "no CHILD_SA log line"
stop_overlayd A
sw_stop B

log "case 2: charon initiates, no fragmentation"
nq B ip link del ipsec0 2>/dev/null || true
ike_conf A b "$UL4_A" "$UL4_B" "$OVL4_A" "$OVL6_A" acme/nodes/na \
    "encap udp" "esn no" "ike passive"
start_overlayd A "$T_TMP/A.conf"
sw_b no 1280 none
sw_ctl B --initiate --child a --timeout 20 >"${SW_DIR[B]}/initiate.log" 2>&1 ||
	{ tail -n 40 "${SW_DIR[B]}/charon.log" >&2; fail "charon: CHILD_SA not up"; }
check_case responder no
sw_stop B
stop_overlayd A

# rekey_case [A-OPTION...]: charon in B (no fragmentation), then overlayd
# in A, initiating, with these options.
rekey_case() {
	nq B ip link del ipsec0 2>/dev/null || true
	SW_LOGLEVEL=1 sw_b no 1280 none
	ike_conf A b "$UL4_A" "$UL4_B" "$OVL4_A" "$OVL6_A" acme/nodes/na \
	    "encap udp" "esn no" "$@"
	start_overlayd A "$T_TMP/A.conf"
}

log "case 3a: overlayd rekeys its CHILD_SA every 3 s, its IKE SA every 8 s"
rekey_case "ike child lifetime 3s" "ike lifetime 8s"
poll 30 child_up || fail "no CHILD_SA between overlayd and charon"
wait_for 10 libipsec_tun
# rekeyed IKE CHILD: A counted at least that many rekeys of each
rekeyed() {
	local r
	r=$(ike_get '.rekey | "\(.ike) \(.child)"') || return 1
	[ "${r% *}" -ge "$1" ] && [ "${r#* }" -ge "$2" ]
}
# GRE echo through both ends all along: every request answered
t0=$(now_ms) rounds=0
until rekeyed 2 5; do
	[ $(($(now_ms) - t0)) -lt 60000 ] || fail "too few rekeys in 60 s"
	n B timeout 30 python3 "$GRE_PING" "$UL4_B" "$UL4_A" "$OVL4_B" \
	    "$OVL4_A" 3 10 >/dev/null ||
		fail "GRE echo lost while overlayd rekeys (round $rounds)"
	rounds=$((rounds + 1))
done
echo "$rounds rounds of 3 GRE echoes, all answered"
ctl A show ike
grep -qE "CHILD_SA [^ ]+ established" "${SW_DIR[B]}/charon.log" ||
	fail "charon logged no CHILD_SA"
[ "$(grep -c "IKE_SA a\[[0-9]*\] rekeyed" "${SW_DIR[B]}/charon.log")" -ge 2 ] ||
	fail "charon logged fewer than 2 IKE SA rekeys"
! grep -E "rekeying failed|NO_PROPOSAL_CHOSEN" "${SW_DIR[B]}/charon.log" ||
	fail "charon refused a rekey"
[ "$(tun_get A b .drops.auth)" = 0 ] || fail "authentication drops"
[ "$(ike_count rx_dropped)" = 0 ] || fail "IKE messages dropped"
sw_stop B
stop_overlayd A

log "case 3b: charon rekeys the CHILD_SA and then the IKE SA (swanctl --rekey)"
rekey_case
poll 30 child_up || fail "no CHILD_SA between overlayd and charon"
sw_ctl B --rekey --child a >"${SW_DIR[B]}/rekey.log" 2>&1 ||
	{ cat "${SW_DIR[B]}/rekey.log" >&2; fail "swanctl --rekey --child"; }
wait_for 10 rekeyed 0 1
sw_ctl B --rekey --ike a >>"${SW_DIR[B]}/rekey.log" 2>&1 ||
	{ cat "${SW_DIR[B]}/rekey.log" >&2; fail "swanctl --rekey --ike"; }
wait_for 10 rekeyed 1 1
[ "$(ike_get '.rekey | "\(.ike_initiated) \(.child_initiated)"')" = "0 0" ] ||
	fail "overlayd initiated a rekey itself"
grep -E "rekey" "${SW_DIR[B]}/charon.log" | tail -n 6
# the old CHILD_SA gone on both ends: charon lists it DELETED for a
# moment, overlayd keeps its inbound SA 1 s after the Delete
settled() {
	! sw_ctl B --list-sas 2>/dev/null | grep -qE "DELETED|REKEYED|DELETING" &&
	    [ "$(tun_get A b .spi_in)" = "$(ike_get .child.spi_in)" ]
}
wait_for 10 settled
# charon started the new IKE SA: overlayd is its responder now (2.18)
check_case responder no
sw_stop B
stop_overlayd A
echo "strongSwan kernel-libipsec interop: both ways, tunnel mode, fragments, rekeying"
