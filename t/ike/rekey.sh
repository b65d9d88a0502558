#!/bin/bash
# t/ike/rekey.sh: CREATE_CHILD_SA rekeying (RFC 7296 1.3, 2.8) between two
# overlayd nodes, make before break:
#  1. short lifetimes (CHILD 2 s, IKE 7 s): 20 CHILD_SA and 5 IKE SA rekeys,
#     each end initiating some, under pings every 10 ms and TCP transfers:
#     no ping lost, no ESP packet dropped, every transfer intact; in the
#     end one IKE SA and one CHILD_SA pair per side, no old inbound SA;
#  2. a byte lifetime (child bytes 1M) triggers rekeys by itself, and a
#     CHILD_SA in tunnel mode (ike mode tunnel) stays in it when rekeyed;
#  3. both ends rekey the same CHILD_SA at once (IKE held back by nftables
#     until both have their request out): one pair survives (2.8.1).
#
#   +--------------------------+            +--------------------------+
#   | ns A  cert na (COI red)  |            | ns B  cert nb (COI red)  |
#   |  ovl-b 198.18.0.0/31 ====+== ESP/GRE ==+== ovl-a 198.18.0.1/31    |
#   |  ul0 198.51.100.1 UDP 500+---- veth ---+ ul0 198.51.100.2 UDP 500 |
#   +--------------------------+            +--------------------------+
set -eu
# need_quiet may wait up to 1200 s for a quiet machine
T_TIMEOUT=1800
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping socat ss sha256sum jq nft
need_quiet

# ike LABEL FILTER: a value of LABEL's established IKE SA.
ike() {
	ctl "$1" --json show ike |
		jq -er "[.ike_sas[] | select(.state == \"established\")][0] | $2"
}

# ping_start / ping_check: pings every 10 ms, A to B, in the background;
# ping's own summary must say that none was lost.
ping_start() {
	bg A "$T_TMP/ping.log" ping -n -q -i 0.01 -c "$1" -W 2 "$OVL4_B"
	PING_PID=$BG_PID
}
ping_check() {
	wait_for 60 proc_gone "$PING_PID"
	wait "$PING_PID" || { cat "$T_TMP/ping.log"; fail "ping failed"; }
	grep -q ' 0% packet loss' "$T_TMP/ping.log" ||
		{ cat "$T_TMP/ping.log"; fail "pings lost"; }
	PINGS=$((PINGS + $(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' \
	    "$T_TMP/ping.log")))
}
PINGS=0

# rekeyed LABEL IKE CHILD: LABEL counted at least that many rekeys (of
# the CHILD_SA: exchanges, less the redundant ones of collisions).
rekeyed() {
	local j
	j=$(ike "$1" .rekey) || return 1
	[ "$(jq .ike <<<"$j")" -ge "$2" ] &&
	    [ "$(jq '.child - .collisions' <<<"$j")" -ge "$3" ]
}

# log_since LABEL LINE TEXT: LABEL's log after line LINE holds TEXT.
log_since() {
	tail -n +"$2" "$(daemon_log "$1")" | grep -qF -- "$3"
}

# initiated LABEL FIELD: LABEL initiated at least one rekey of that kind.
initiated() {
	[ "$(ike "$1" ".rekey.$2")" -ge 1 ]
}

# pair_ok: one snapshot of both ends (rekeys go on: if they do not agree,
# it is taken again): each has one IKE SA, the same, one CHILD_SA pair and
# one inbound SA, no rekey going on; A's outbound SA is B's inbound one
# and vice versa.
pair_ok() {
	local ja jb ta tb
	ja=$(ctl A --json show ike) && ta=$(ctl A --json show tunnels) &&
	    jb=$(ctl B --json show ike) && tb=$(ctl B --json show tunnels) ||
		return 1
	jq -e -n --argjson ja "$ja" --argjson jb "$jb" --argjson ta "$ta" \
	    --argjson tb "$tb" '
	    ($ja.ike_sas | length) == 1 and ($jb.ike_sas | length) == 1 and
	    ([$ja, $jb] | all(.ike_sas[0] | .child.others == [] and
	        .rekey.in_progress == "")) and
	    ([$ta, $tb] | all(.tunnels[0].spis_in | length == 1)) and
	    $ja.ike_sas[0].spi_i == $jb.ike_sas[0].spi_i and
	    $ja.ike_sas[0].spi_r == $jb.ike_sas[0].spi_r and
	    $ja.ike_sas[0].child.spi_out == $tb.tunnels[0].spis_in[0] and
	    $jb.ike_sas[0].child.spi_out == $ta.tunnels[0].spis_in[0] and
	    $ja.ike_sas[0].child.spi_in == $ta.tunnels[0].spis_in[0] and
	    $jb.ike_sas[0].child.spi_in == $tb.tunnels[0].spis_in[0]' \
	    >/dev/null
}

# check_pair: pair_ok within 20 s, and no ESP packet or IKE message
# dropped anywhere.
check_pair() {
	local l t
	if ! poll 20 pair_ok; then
		for l in A B; do
			ctl "$l" --json show ike | jq -c '.ike_sas[] | [.state,
			    .spi_i, .spi_r, .child.spi_in, .child.spi_out,
			    .child.others, .rekey]'
			ctl "$l" --json show tunnels | jq -c '.tunnels[0] |
			    [.spi_in, .spi_out, .spis_in]'
		done
		fail "no one pair of SAs on both ends"
	fi
	ctl A show ike
	ctl B show ike
	for l in A B; do
		t=$(ctl "$l" --json show tunnels)
		[ "$(jq -c '.tunnels[0].drops | [.auth, .replay, .no_sa,
		    .malformed]' <<<"$t")" = "[0,0,0,0]" ] ||
			fail "$l: ESP packets dropped: $(jq -c \
			    '.tunnels[0].drops' <<<"$t")"
		[ "$(ctl "$l" --json show ike | jq .counters.rx_dropped)" = 0 ] ||
			fail "$l: IKE messages dropped"
	done
}

lab2_net
mesh

log "1. CHILD_SA every 2 s, IKE SA every 7 s, under load"
ike_lab acme/nodes/na acme/nodes/nb \
    --a "ike child lifetime 2s" --a "ike lifetime 7s" \
    --b "ike child lifetime 2s" --b "ike lifetime 7s"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
i=0
until rekeyed A 5 20 && rekeyed B 5 20 && initiated A child_initiated &&
    initiated B child_initiated && initiated A ike_initiated &&
    initiated B ike_initiated; do
	i=$((i + 1))
	[ "$i" -le 40 ] || fail "not rekeyed enough in 40 rounds: A $(ike A \
	    .rekey) B $(ike B .rekey)"
	ping_start 300
	transfer A B "$OVL4_B" 4096
	transfer B A "$OVL4_A" 1024
	ping_check
done
check_pair
echo "A: $(ike A .rekey)"
echo "B: $(ike B .rekey)"
echo "$PINGS pings, $TRANSFERS transfers, none lost"
log_has A "(PFS)" || fail "A: no PFS in the rekeys"
lab2_stop

log "2. CHILD_SA every 1 MiB, in tunnel mode (A asks for it)"
mark_a=$(wc -l <"$(daemon_log A)") mark_b=$(wc -l <"$(daemon_log B)")
ike_lab acme/nodes/na acme/nodes/nb --a "ike child bytes 1M" \
    --a "ike mode tunnel" --b "ike passive" --b "ike child bytes 1M"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
[ "$(ike A .child.bytes_limit)" = 1048576 ] || fail "A: bytes_limit"
i=0
until rekeyed A 0 3 && rekeyed B 0 3; do
	i=$((i + 1))
	[ "$i" -le 20 ] || fail "no byte rekeys: A $(ike A .rekey)"
	ping_start 100
	transfer A B "$OVL4_B" 1024
	ping_check
done
log_since A "$mark_a" "(1048576 octets)" ||
	log_since B "$mark_b" "(1048576 octets)" ||
	fail "no rekey for the byte lifetime"
! log_since A "$mark_a" "(lifetime " || fail "A: a time rekey in the byte case"
! log_since B "$mark_b" "(lifetime " || fail "B: a time rekey in the byte case"
check_pair
[ "$(ike A .child.mode) $(ike B .child.mode)" = "tunnel tunnel" ] ||
	fail "the rekeyed CHILD_SAs are not in tunnel mode"
lab2_stop

log "3. both ends rekey the same CHILD_SA at once"
ike_lab acme/nodes/na acme/nodes/nb \
    --a "ike child lifetime 20s" --a "ike jitter 0" \
    --b "ike child lifetime 20s" --b "ike jitter 0"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
ping_start 4000
# IKE held back at B (ESP flows), so that both requests are out at once;
# only shortly before the rekey is due (a liveness check held back would
# delay it: one request at a time)
due_soon() {
	[ "$(ike A .child.rekey_in)" -le 2 ]
}
wait_for 25 due_soon
# stage 0: B neither sends nor receives IKE until both requests are out
nft_drop() {	# nft_drop TABLE HOOK [MATCH...]: drop IKE there
	local t=$1 h=$2
	shift 2
	n B nft add table inet "$t"
	n B nft add chain inet "$t" c "{ type filter hook $h priority 0; }"
	n B nft add rule inet "$t" c udp dport 500 "$@" drop
}
nft_drop rkin input
nft_drop rkout output
in_progress() {
	[ "$(ike "$1" .rekey.in_progress)" = child ]
}
collided() {
	[ "$(ike "$1" .rekey.collisions)" -ge 1 ]
}
wait_for 10 in_progress A
wait_for 10 in_progress B
# 1: B's request reaches A, which answers it while its own is out
n B nft delete table inet rkout
wait_for 10 collided A
# 2: A's request reaches B, B's own still unanswered (responses dropped:
# the IKE header's flags, octet 19, with Response 0x20)
nft_drop rkresp input '@th,216,8' '&' 0x20 == 0x20
n B nft delete table inet rkin
wait_for 10 collided B
# 3: the answers get through; the lowest nonce loses
n B nft delete table inet rkresp
ping_check
check_pair
log_has A "lost a rekey collision" || log_has B "lost a rekey collision" ||
	fail "no end deleted its redundant CHILD_SA"
echo "A: $(ike A .rekey)"
echo "B: $(ike B .rekey)"
lab2_stop
check_sanitizers
