#!/bin/bash
# t/ike/junk.sh: malformed and unexpected IKE messages at ports 500 and
# 4500 (after the non-ESP marker; with short, ESP and keepalive datagrams) of a
# node whose IKE SA is up: empty, short, big and random datagrams, every
# seed of the parser fuzzer's corpus (strongSwan's messages, forged ones,
# a higher major version), truncated messages, messages for SAs that do
# not exist, an IKE_SA_INIT from an address that is no peer. Each is
# counted as dropped (or answered, for a fresh IKE_SA_INIT from the
# peer's address), the daemon keeps running, and the IKE SA and the
# tunnel stay as they were.
#
#   +------------------------+             +--------------------------+
#   | ns A  overlayd         |  UDP 500    | ns B  overlayd (passive) |
#   |  ul0 198.51.100.1 <----+--- junk ----+- ul0 198.51.100.2, .9    |
#   +------------------------+             +--------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping socat
PKTSEND=$T_TOOLS/pktsend
[ -x "$PKTSEND" ] || { echo "ERROR: $PKTSEND not built"; exit 99; }
: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
CORPUS=$srcdir/t/fuzz/corpus/ike

counter() {
	ctl A --json show ike | jq -r ".counters.$1"
}

counter_is() {
	[ "$(counter "$1")" = "$2" ]
}

ike_spis() {
	ctl A --json show ike |
		jq -r '.ike_sas[] | select(.state == "established") |
		"\(.spi_i)/\(.spi_r) \(.child.spi_in)"'
}

# udp FILE [FROM]: FILE as one datagram from B (from address FROM) to A.
udp() {
	local opt=""
	[ -z "${2:-}" ] || opt=",bind=$2"
	nq B socat -u -b 65536 "OPEN:$1" "UDP4-SENDTO:$UL4_A:500$opt"
}

lab2_net
n B ip addr add 198.51.100.9/24 dev ul0
mesh
ike_lab acme/nodes/na acme/nodes/nb --b "ike passive"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20
before=$(ike_spis)
[ -n "$before" ] || fail "no established IKE SA"
d0=$(counter rx_dropped)

log "empty, short, big, random"
for kind in empty short big garbage; do
	n B "$PKTSEND" -u 500 "$kind" "$UL4_A"
done
log "the fuzzer's seeds, whole and truncated"
sent=0
for f in "$CORPUS"/*; do
	tail -c +2 "$f" >"$T_TMP/msg"	# the first octet is the fuzzer's
	[ -s "$T_TMP/msg" ] || continue
	udp "$T_TMP/msg"
	head -c 40 "$T_TMP/msg" >"$T_TMP/short"
	udp "$T_TMP/short"
	sent=$((sent + 2))
done
echo "$sent datagrams from the corpus"
log "IKE_SA_INIT from an address that is no peer"
tail -c +2 "$CORPUS/strongswan-sa-init-req" >"$T_TMP/init"
udp "$T_TMP/init" 198.51.100.9

# every datagram is read before the counters are final: wait for the last
wait_for 5 counter_is rx_unknown_peer 1
d1=$(counter rx_dropped)
echo "dropped: $d0 before, $d1 after"
[ "$d1" -ge $((d0 + 10)) ] || fail "only $((d1 - d0)) drops counted"
daemon_alive A || fail "A died"
daemon_alive B || fail "B died"
[ "$(ike_spis)" = "$before" ] || fail "the IKE SA changed: $(ike_spis)"
n A ping -n -c 3 -i 0.2 -W 1 "$OVL4_B"

log "UDP 4500: the seeds after the non-ESP marker, short, ESP, keepalive"
udp4500() {
	nq B socat -u -b 65536 "OPEN:$1" "UDP4-SENDTO:$UL4_A:4500"
}
printf '\0\0\0\0' >"$T_TMP/marker"
sent=0 init=0 r0=$(counter rx)
for f in "$CORPUS"/*; do
	tail -c +2 "$f" >"$T_TMP/msg"
	[ -s "$T_TMP/msg" ] || continue
	cat "$T_TMP/marker" "$T_TMP/msg" >"$T_TMP/natt"
	udp4500 "$T_TMP/natt"
	sent=$((sent + 1))
	# a fresh IKE_SA_INIT from the peer's address is answered, on 4500
	case $f in *sa-init-req) init=$((init + 1)) ;; esac
done
printf '\0\0' >"$T_TMP/short"		# shorter than the marker
udp4500 "$T_TMP/short"
udp4500 "$T_TMP/marker"			# the marker and nothing
head -c 64 /dev/urandom >"$T_TMP/esp"
printf '\x12\x34\x56\x78' | cat - "$T_TMP/esp" >"$T_TMP/esp2"
udp4500 "$T_TMP/esp2"			# ESP to an address without encap udp
printf '\xff' >"$T_TMP/ka"
udp4500 "$T_TMP/ka"			# last: in order behind the rest
echo "$sent seeds and 4 more to 4500"
wait_for 5 counter_is rx_keepalive 1
d2=$(counter rx_dropped) r1=$(counter rx)
echo "dropped: $d1 before, $d2 after; IKE messages $r0 before, $r1 after"
# IKE: the seeds and the bare marker; dropped: all but the $init
# IKE_SA_INIT requests, and the short and the ESP datagram
[ $((r1 - r0)) = $((sent + 1)) ] || fail "$((r1 - r0)) IKE messages on 4500"
[ $((d2 - d1)) = $((sent + 1 - init + 2)) ] ||
	fail "$((d2 - d1)) drops on 4500"
daemon_alive A || fail "A died"
[ "$(ike_spis)" = "$before" ] || fail "the IKE SA changed: $(ike_spis)"
[ "$(ctl A --json show ike | jq -r '.ike_sas[0].port')" = 500 ] ||
	fail "the IKE SA moved to 4500"
n A ping -n -c 3 -i 0.2 -W 1 "$OVL4_B"
ctl A show ike
grep -c "dropped:" "$(daemon_log A)" || true
lab2_stop
