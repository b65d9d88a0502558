#!/bin/bash
# t/qemu/interop.sh: overlayd's userspace data plane against the Linux
# kernel's own ip_gre/ip6_gre and XFRM, in one qemu boot.
#
# Seven tunnels at once between overlayd in namespace H and Debian's kernel
# in the guest, configured there with `ip xfrm` (transport mode, policy on
# protocol 47 between the outer addresses, rfc4106(gcm(aes)) ICV 128):
#
#	tunnel	encap	underlay  key  ESN  GRE key
#	k1	esp	IPv4	  256  yes  -
#	k2	esp	IPv4	  128  no   -
#	k3	udp	IPv4	  256  no   -
#	k4	udp	IPv4	  128  yes  42
#	k5	esp	IPv6	  256  yes  -
#	k6	udp	IPv6	  128  no   -
#	k7	esp	IPv4	  256  no   -     keys differ both ways
#
# Over k1..k6: pings both ways, IPv4 and IPv6 inside; TCP both ways, IPv4
# and IPv6 inside, the bytes compared; the ESP of a ping is as long from
# overlayd as from the kernel (same IV, padding, trailer and ICV layout).
# Over k7 nothing passes: overlayd counts auth drops, the kernel counts
# failed integrity on its state and XfrmInStateProtoError.  Replays (k1
# with ESN, k3 without): ESP captured on the tap and sent again is dropped
# by the kernel (state "replay" counter, XfrmInStateSeqError) and by
# overlayd (drops.replay), and the tunnels work on.
#
#   +-------------------------------+          +------------------------------+
#   | ns H (host)                   |   tap    | qemu guest, Debian's kernel  |
#   |  overlayd: ovl-k1 .. ovl-k7   |  qtap0   |  gre1..gre7 + ip xfrm        |
#   |  198.51.100.{11,21,..,71}/24  +----------+ eth0 198.51.100.{12,..,72}  |
#   |  2001:db8:100::{11,..,71}/64  |  virtio  |      2001:db8:100::{12,..,72}|
#   |  tcpdump, socat, pcapreplay   |          |  socat, pcapreplay, udpencap |
#   +-------------------------------+          +------------------------------+
#   inner, tunnel i: 198.18.0.(2i)/31 <-> .(2i+1), 2001:db8:ff:i::2/127 <-> ::3
#
# Host and guest step through the test with files in the 9p share (see
# t/qemu/guest.sh); t/qemu/interop-guest.sh is the guest's half.
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=t/qemu/host.sh
. "$(dirname "$0")/host.sh"
need_root
need_cmd tcpdump socat ping
vm_lock
here=$(cd "$(dirname "$0")" && pwd)
PCAPREPLAY=$T_TOOLS/pcapreplay
UDPENCAP=$abs_top_builddir/t/qemu/udpencap
for b in "$PCAPREPLAY" "$UDPENCAP"; do
	[ -x "$b" ] || { echo "ERROR: $b not built"; exit 99; }
done
SOCAT=$(command -v socat)

DATA_KB=256
GOOD="1 2 3 4 5 6"
ALL="$GOOD 7"
share=$T_TMP/share
mkdir -p "$share"

h4() { echo "198.51.100.$((10 * $1 + 1))"; }
g4() { echo "198.51.100.$((10 * $1 + 2))"; }
h6() { echo "2001:db8:100::$((10 * $1 + 1))"; }
g6() { echo "2001:db8:100::$((10 * $1 + 2))"; }
hi4() { echo "198.18.0.$((2 * $1))"; }
gi4() { echo "198.18.0.$((2 * $1 + 1))"; }
hi6() { echo "2001:db8:ff:$1::2"; }
gi6() { echo "2001:db8:ff:$1::3"; }

# The tunnels: encap, underlay family, key bits, ESN, GRE key.
declare -A ENC=([1]=esp [2]=esp [3]=udp [4]=udp [5]=esp [6]=udp [7]=esp)
declare -A AF=([1]=4 [2]=4 [3]=4 [4]=4 [5]=6 [6]=6 [7]=4)
declare -A BITS=([1]=256 [2]=128 [3]=256 [4]=128 [5]=256 [6]=128 [7]=256)
declare -A ESN=([1]=yes [2]=no [3]=no [4]=yes [5]=yes [6]=no [7]=no)
declare -A GREKEY=([4]=42)
# the kernel's window sizes (ip xfrm state ... replay-window), so that an
# old packet meets the same fate on both sides
declare -A WINDOW=([1]=128 [2]=64 [3]=64 [4]=128 [5]=128 [6]=64 [7]=64)
declare -A SPI_HG SPI_GH KEY_HG KEY_GH LPID

hl() { if [ "${AF[$1]}" = 4 ]; then h4 "$1"; else h6 "$1"; fi; }
gl() { if [ "${AF[$1]}" = 4 ]; then g4 "$1"; else g6 "$1"; fi; }





# kstat FILE SPI FIELD: a field (packets, window, replay, failed) of the kernel
# state SPI in the guest's counters FILE.
kstat() {
	awk -v s="$2" -v f="$3" '$1 == "state" && $2 == s {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' \
		"$share/$1"
}

# xstat FILE NAME: a /proc/net/xfrm_stat counter from the guest's FILE.
xstat() {
	awk -v n="$2" '$1 == n { print $2 }' "$share/$1"
}

# esp_lengths PCAP SRC DST: the lengths of the ESP packets from SRC to DST
# in PCAP, most common first ("len count" lines).
esp_lengths() {
	tcpdump -nn -r "$1" "src host $2 and dst host $3" 2>/dev/null |
		sed -n 's/.*ESP(spi=[^)]*), length \([0-9]*\).*/\1/p' |
		sort | uniq -c | sort -rn | awk '{ print $2, $1 }'
}

tcpdump_ready() {
	grep -q "listening on" "$1"
}

port_listening() {
	nq H ss -Hltn "sport = :$1" | grep -q LISTEN
}

# --- the host ---------------------------------------------------------------
ns_add H
n H ip tuntap add dev qtap0 mode tap
n H ip link set qtap0 up
for i in $ALL; do
	n H ip addr add "$(h4 "$i")/24" dev qtap0
	n H ip addr add "$(h6 "$i")/64" dev qtap0 nodad
	# replies and replays leave from the tunnel's own address
	n H ip route add "$(g4 "$i")/32" dev qtap0 src "$(h4 "$i")"
	n H ip -6 route add "$(g6 "$i")/128" dev qtap0 src "$(h6 "$i")"
done

conf=$T_TMP/H.conf
for i in $ALL; do
	SPI_HG[$i]=$(printf '0x0000a0%02x' "$i")
	SPI_GH[$i]=$(printf '0x0000b0%02x' "$i")
	KEY_HG[$i]=$(sa_key "${BITS[$i]}")
	KEY_GH[$i]=$(sa_key "${BITS[$i]}")
done
{
	echo "# $T_NAME: generated"
	echo 'user "overlayd"'
	echo "control socket \"$T_TMP/run/H.sock\""
	echo 'control group "overlayd"'
	for i in $ALL; do
		echo
		echo "peer \"k$i\" {"
		echo "	local $(hl "$i")"
		echo "	remote $(gl "$i")"
		echo "	encap ${ENC[$i]}"
		echo "	esn ${ESN[$i]}"
		echo "	replay window ${WINDOW[$i]}"
		[ -z "${GREKEY[$i]:-}" ] || echo "	gre key ${GREKEY[$i]}"
		echo "	address $(hi4 "$i")/31"
		echo "	address $(hi6 "$i")/127"
		echo "	sa in spi ${SPI_GH[$i]} aes-gcm-${BITS[$i]} key ${KEY_GH[$i]}"
		echo "	sa out spi ${SPI_HG[$i]} aes-gcm-${BITS[$i]} key ${KEY_HG[$i]}"
		echo "}"
	done
} | write_file 0640 "$conf"
start_overlayd H "$conf"
for i in $ALL; do
	wait_for 5 link_exists H "ovl-k$i"
done

# What the guest configures: one line per tunnel, the guest's keys (k7's
# differ from what the host uses, both ways), the host's tunnel MTU.
for i in $ALL; do
	khg=${KEY_HG[$i]} kgh=${KEY_GH[$i]}
	if [ "$i" = 7 ]; then
		khg=$(sa_key "${BITS[$i]}")
		kgh=$(sa_key "${BITS[$i]}")
	fi
	echo "$i ${ENC[$i]} ${AF[$i]} ${ESN[$i]} ${GREKEY[$i]:-0}" \
	    "$(tun_get H "k$i" .mtu) ${SPI_HG[$i]} $khg ${SPI_GH[$i]} $kgh"
done >"$share/tunnels"
cut -c1-60 "$share/tunnels"

head -c "${DATA_KB}K" /dev/urandom >"$share/h2g.bin"

pcap=$T_TMP/tap.pcap
bg H "$T_TMP/tcpdump.log" tcpdump -Z root -U --immediate-mode -i qtap0 \
	-w "$pcap" "ip proto 50 or udp port 4500 or (ip6 and not icmp6)"
dump=$BG_PID
wait_for 5 tcpdump_ready "$T_TMP/tcpdump.log"

# The guest's TCP into the host: one listener per tunnel and family.
for i in $GOOD; do
	bg H "$T_TMP/l4-$i.log" timeout 200 "$SOCAT" -u \
		"TCP4-LISTEN:$((6000 + i)),bind=$(hi4 "$i")" \
		"OPEN:$T_TMP/g2h-$i-4,creat,trunc"
	LPID[$i-4]=$BG_PID
	bg H "$T_TMP/l6-$i.log" timeout 200 "$SOCAT" -u \
		"TCP6-LISTEN:$((6100 + i)),bind=[$(hi6 "$i")]" \
		"OPEN:$T_TMP/g2h-$i-6,creat,trunc"
	LPID[$i-6]=$BG_PID
	wait_for 5 port_listening $((6000 + i))
	wait_for 5 port_listening $((6100 + i))
done

# --- boot -----------------------------------------------------------------
log "boot the guest"
vm_start "$share" H "$here/interop-guest.sh" -b "$PCAPREPLAY" -b "$UDPENCAP" -b "$SOCAT" -T 900
await_guest configured 400
echo "guest configured $(booted_ms) ms after the boot began"

# --- host -> guest: pings, a ping's ESP length, TCP ----------------------------
log "pings from the host"
for i in $GOOD; do
	wait_ping H "$(gi4 "$i")" 20
	wait_ping H "$(gi6 "$i")" 20
done
for i in $GOOD; do
	n H ping -n -c 3 -i 0.2 -W 2 -s 333 "$(gi4 "$i")"
	n H ping -n -c 3 -i 0.2 -W 2 -s 1200 "$(gi6 "$i")"
done
n H ping -n -c 2 -i 0.2 -W 2 "$(gi4 7)" && fail "k7: ping with wrong keys answered"

log "TCP from the host"
for i in $GOOD; do
	n H timeout 60 "$SOCAT" -u "OPEN:$share/h2g.bin" \
		"TCP4:$(gi4 "$i"):$((7000 + i))"
	n H timeout 60 "$SOCAT" -u "OPEN:$share/h2g.bin" \
		"TCP6:[$(gi6 "$i")]:$((7100 + i))"
done
signal_guest host-sent

# --- guest -> host ----------------------------------------------------------------
await_guest guest-sent 400
log "TCP from the guest"
for i in $GOOD; do
	for af in 4 6; do
		wait_for 30 proc_gone "${LPID[$i-$af]}"
		cmp "$share/g2h.bin" "$T_TMP/g2h-$i-$af" ||
			fail "k$i: TCP over IPv$af from the guest corrupted"
	done
done
echo "TCP: $DATA_KB KiB each way over IPv4 and IPv6 in tunnels $GOOD, identical"

# --- counters: nothing lost on k1..k6, everything on k7 --------------------------
log "counters"
ctl H show tunnels
cat "$share/counters-1"
for i in $GOOD; do
	[ "$(tun_get H "k$i" '.drops | add')" = 0 ] || fail "overlayd: drops on k$i"
	[ "$(tun_get H "k$i" .rx_packets)" -gt 0 ] || fail "overlayd: no rx on k$i"
	[ "$(kstat counters-1 "${SPI_HG[$i]}" failed)" = 0 ] ||
		fail "kernel: failed integrity on k$i"
	[ "$(kstat counters-1 "${SPI_HG[$i]}" replay)" = 0 ] ||
		fail "kernel: replays on k$i"
	[ "$(kstat counters-1 "${SPI_HG[$i]}" packets)" -gt 100 ] ||
		fail "kernel: k$i inbound state saw too few packets"
	[ "$(kstat counters-1 "${SPI_GH[$i]}" packets)" -gt 100 ] ||
		fail "kernel: k$i outbound state sent too few packets"
done
[ "$(top_get H '.drops | add')" = 0 ] || fail "overlayd: top-level drops"
[ "$(tun_get H k7 .rx_packets)" = 0 ] || fail "overlayd: k7 delivered a packet"
[ "$(tun_get H k7 .drops.auth)" -ge 2 ] || fail "overlayd: k7 auth drops < 2"
[ "$(kstat counters-1 "${SPI_HG[7]}" failed)" -ge 2 ] ||
	fail "kernel: k7 failed integrity < 2"
[ "$(xstat counters-1 XfrmInStateProtoError)" -ge 2 ] ||
	fail "kernel: XfrmInStateProtoError < 2"
[ "$(xstat counters-1 XfrmInStateSeqError)" = 0 ] ||
	fail "kernel: XfrmInStateSeqError before the replays"
[ "$(xstat counters-1 XfrmInNoStates)" = 0 ] || fail "kernel: XfrmInNoStates"
[ "$(xstat counters-1 XfrmInStateMismatch)" = 0 ] ||
	fail "kernel: XfrmInStateMismatch"

# --- byte layout: the same ping is as long in ESP from either side -----------------
log "ESP lengths of the same pings, overlayd -> kernel and kernel -> overlayd"
for i in $GOOD; do
	a=$(esp_lengths "$pcap" "$(hl "$i")" "$(gl "$i")")
	b=$(esp_lengths "$pcap" "$(gl "$i")" "$(hl "$i")")
	for len in $(awk '{ print $1 }' <<<"$a" | sort -n); do
		# the pings of 333 and 1200 bytes, both ways, sized the same
		ca=$(awk -v l="$len" '$1 == l { print $2 }' <<<"$a")
		cb=$(awk -v l="$len" '$1 == l { print $2 }' <<<"$b")
		if [ "$ca" -ge 3 ] && [ "${cb:-0}" -ge 3 ]; then
			echo "k$i: $ca ESP packets of $len bytes from overlayd, $cb from the kernel"
		fi
	done
done
# An IPv4 ping of 333 bytes is 20+8+333 inner, GRE 4 (8 with a key), ESP
# 8+8+16 and the payload padded to 4 with the 2-byte trailer: 400 bytes
# (404); an IPv6 ping of 1200 bytes: 1288 (1292).  Exactly three each way.
for i in $GOOD; do
	extra=0
	[ -z "${GREKEY[$i]:-}" ] || extra=4
	for len in $((400 + extra)) $((1288 + extra)); do
		no=$(esp_lengths "$pcap" "$(hl "$i")" "$(gl "$i")" |
			awk -v l="$len" '$1 == l { print $2 }')
		nk=$(esp_lengths "$pcap" "$(gl "$i")" "$(hl "$i")" |
			awk -v l="$len" '$1 == l { print $2 }')
		[ "${no:-0}" -ge 3 ] && [ "${nk:-0}" -ge 3 ] ||
			fail "k$i: not 3 ESP packets of $len bytes each way (overlayd ${no:-0}, kernel ${nk:-0})"
	done
done
# The kernel's ip6gre puts a destination options header (tunnel
# encapsulation limit, RFC 2473) before ESP; overlayd sends none.  Both
# are valid, both are accepted (k5 passed above); note it.
dst=$(tcpdump -nn -v -r "$pcap" "src host $(g6 5) and ip6[6] == 60" 2>/dev/null | grep -c 'DSTOPT' || true)
echo "k5: $dst IPv6 ESP packets from the kernel carry a destination options header (encaplimit)"

# --- replays -------------------------------------------------------------------------
# Each side gets, three times each, the last ESP packet the other sent (in
# the window: a replay) and the second one (long behind the window: without
# ESN too old, a replay again; with ESN taken for the next 2^32 epoch per
# RFC 4303 A2.2, so it fails authentication).  overlayd runs the kernel's
# window sizes, so it must count exactly what the kernel counts.
log "replays: the last and an old ESP packet, each way, k1 (ESN) and k3"
for i in 1 3; do
	tcpdump -r "$pcap" -w "$T_TMP/hg-$i.pcap" \
		"src host $(h4 "$i") and dst host $(g4 "$i")" 2>/dev/null
	tcpdump -r "$pcap" -w "$share/gh-$i.pcap" \
		"src host $(g4 "$i") and dst host $(h4 "$i")" 2>/dev/null
	tcpdump -r "$share/gh-$i.pcap" 2>/dev/null | wc -l >"$share/gh-$i.last"
	last=$(tcpdump -r "$T_TMP/hg-$i.pcap" 2>/dev/null | wc -l)
	n H "$PCAPREPLAY" -n "$last" -c 3 "$T_TMP/hg-$i.pcap" "$(g4 "$i")"
	n H "$PCAPREPLAY" -n 2 -c 3 "$T_TMP/hg-$i.pcap" "$(g4 "$i")"
done
signal_guest host-replayed
await_guest guest-replayed 200
cat "$share/counters-2"
# kdelta SPI FIELD: how much a kernel counter rose over the replays
kdelta() {
	echo $(($(kstat counters-2 "$1" "$2") - $(kstat counters-1 "$1" "$2")))
}
xdelta() {
	echo $(($(xstat counters-2 "$1") - $(xstat counters-1 "$1")))
}
check_eq() {
	[ "$2" = "$3" ] || fail "$1: $2, expected $3"
	echo "$1: $2"
}
check_eq "kernel k1 (ESN) replays in the window" "$(kdelta "${SPI_HG[1]}" replay)" 3
check_eq "kernel k1 (ESN) old packets failing the ICV" "$(kdelta "${SPI_HG[1]}" failed)" 3
check_eq "kernel k3 replays in the window" "$(kdelta "${SPI_HG[3]}" replay)" 3
check_eq "kernel k3 old packets behind the window" "$(kdelta "${SPI_HG[3]}" window)" 3
check_eq "kernel k3 failed ICVs" "$(kdelta "${SPI_HG[3]}" failed)" 0
check_eq "kernel XfrmInStateSeqError" "$(xdelta XfrmInStateSeqError)" 9
# k7's wrong key may fail a few more (late IPv6 housekeeping from ovl-k7):
# the global counter is the sum of the states' own
check_eq "kernel XfrmInStateProtoError (k1's 3 and k7's)" \
	"$(xdelta XfrmInStateProtoError)" \
	$((3 + $(kdelta "${SPI_HG[7]}" failed)))
wait_for 10 counter_gt H k1 '.drops.replay + .drops.auth' 5
wait_for 10 counter_gt H k3 .drops.replay 5
check_eq "overlayd k1 (ESN) replays" "$(tun_get H k1 .drops.replay)" 3
check_eq "overlayd k1 (ESN) old packets failing the ICV" "$(tun_get H k1 .drops.auth)" 3
check_eq "overlayd k3 replays and old packets" "$(tun_get H k3 .drops.replay)" 6
check_eq "overlayd k3 failed ICVs" "$(tun_get H k3 .drops.auth)" 0
# and the tunnels carry on
for i in 1 3; do
	n H ping -n -c 2 -i 0.2 -W 2 "$(gi4 "$i")"
	n H ping -n -c 2 -i 0.2 -W 2 "$(gi6 "$i")"
done
signal_guest host-done

# --- the end ---------------------------------------------------------------------------
await_guest guest-done 500
vm_finish
stop_pid "$dump" INT
