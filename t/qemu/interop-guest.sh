# t/qemu/interop-guest.sh: the guest's half of t/qemu/interop.sh (busybox
# sh, run by t/qemu/vm).  Configures the kernel's GRE and XFRM for every
# tunnel in /share/tunnels with iproute2, then steps through the test with
# the host: TCP in, pings and TCP out, counters, replays.
. /share/guest.sh

h4() { echo "198.51.100.$((10 * $1 + 1))"; }
g4() { echo "198.51.100.$((10 * $1 + 2))"; }
h6() { echo "2001:db8:100::$((10 * $1 + 1))"; }
g6() { echo "2001:db8:100::$((10 * $1 + 2))"; }
hi4() { echo "198.18.0.$((2 * $1))"; }
gi4() { echo "198.18.0.$((2 * $1 + 1))"; }
hi6() { echo "2001:db8:ff:$1::2"; }
gi6() { echo "2001:db8:ff:$1::3"; }
GOOD="1 2 3 4 5 6"

# counters FILE: the kernel's XFRM counters, for the host to check:
# "state SPI packets=N replay=N failed=N" per state, then xfrm_stat.
counters() {
	$IP -s xfrm state | awk '
		/proto esp spi/ { s = $4; sub(/\(.*/, "", s) }
		/\(bytes\), / { split($2, p, "("); pk[s] = p[1] }
		/replay-window .* replay .* failed/ {
			print "state", s, "packets=" pk[s], "window=" $2,
			    "replay=" $4, "failed=" $6 }' \
		>"/share/$1.tmp"
	cat /proc/net/xfrm_stat >>"/share/$1.tmp"
	mv "/share/$1.tmp" "/share/$1"
}

# --- configure ------------------------------------------------------------------
# The XFRM states go in before eth0 comes up: nothing the host sends early
# (MLD, router solicitations on its TUNs) may meet a kernel with no state.
while read -r i enc af esn grekey mtu spi_hg key_hg spi_gh key_gh; do
	if [ "$af" = 4 ]; then
		l=$(g4 "$i") r=$(h4 "$i") type=gre oa=0.0.0.0
	else
		l=$(g6 "$i") r=$(h6 "$i") type=ip6gre oa=::
	fi
	key=
	[ "$grekey" = 0 ] || key="key $grekey"
	# shellcheck disable=SC2086
	run $IP link add "gre$i" type "$type" local "$l" remote "$r" ttl 64 $key
	run $IP link set "gre$i" mtu "$mtu" up
	run $IP addr add "$(gi4 "$i")/31" dev "gre$i"
	run $IP addr add "$(gi6 "$i")/127" dev "gre$i" nodad
	opts="replay-window 64"
	[ "$esn" = no ] || opts="flag esn replay-window 128"
	encap=
	[ "$enc" = esp ] || encap="encap espinudp 4500 4500 $oa"
	# shellcheck disable=SC2086
	run $IP xfrm state add src "$r" dst "$l" proto esp spi "$spi_hg" \
		reqid "$i" mode transport $opts \
		aead 'rfc4106(gcm(aes))' "$key_hg" 128 $encap
	# shellcheck disable=SC2086
	run $IP xfrm state add src "$l" dst "$r" proto esp spi "$spi_gh" \
		reqid "$i" mode transport $opts \
		aead 'rfc4106(gcm(aes))' "$key_gh" 128 $encap
	run $IP xfrm policy add src "$l" dst "$r" proto 47 dir out \
		tmpl src "$l" dst "$r" proto esp reqid "$i" mode transport
	run $IP xfrm policy add src "$r" dst "$l" proto 47 dir in \
		tmpl src "$r" dst "$l" proto esp reqid "$i" mode transport
done </share/tunnels
while read -r i rest; do
	run $IP addr add "$(g4 "$i")/24" dev eth0
	run $IP addr add "$(g6 "$i")/64" dev eth0 nodad
done </share/tunnels
run $IP link set eth0 up
while read -r i rest; do
	run $IP route add "$(h4 "$i")/32" dev eth0 src "$(g4 "$i")"
	run $IP -6 route add "$(h6 "$i")/128" dev eth0 src "$(g6 "$i")"
done </share/tunnels
$IP -d link show type gre
$IP xfrm policy | head -n 8

# ESP in UDP arrives only where a socket asked for it, as an IKE daemon does.
udpencap >/tmp/udpencap.out 2>&1 &
gpoll 10 grep -q ready /tmp/udpencap.out || gfail "udpencap: $(cat /tmp/udpencap.out)"

# The host's TCP into the guest: one listener per tunnel and family.
pids=
for i in $GOOD; do
	socat -u "TCP4-LISTEN:$((7000 + i)),bind=$(gi4 "$i")" \
		"OPEN:/tmp/h2g-$i-4,creat,trunc" &
	pids="$pids $!"
	socat -u "TCP6-LISTEN:$((7100 + i)),bind=[$(gi6 "$i")]" \
		"OPEN:/tmp/h2g-$i-6,creat,trunc" &
	pids="$pids $!"
done
listening() {
	netstat -ltn | grep -q ":$1 "
}
for i in $GOOD; do
	gpoll 10 listening $((7000 + i)) || gfail "no listener on $((7000 + i))"
	gpoll 10 listening $((7100 + i)) || gfail "no listener on $((7100 + i))"
done
head -c 256k /dev/urandom >/share/g2h.bin
signal configured

# --- from the host ---------------------------------------------------------------
await host-sent 400
for p in $pids; do
	wait "$p" || gfail "a TCP listener failed"
done
for i in $GOOD; do
	for af in 4 6; do
		cmp /share/h2g.bin "/tmp/h2g-$i-$af" ||
			gfail "tunnel $i: TCP over IPv$af from the host corrupted"
	done
done
say "TCP from the host: all 12 transfers identical"

# --- to the host -----------------------------------------------------------------
for i in $GOOD; do
	run ping -c 3 -W 2 "$(hi4 "$i")"
	run ping -c 3 -W 2 "$(hi6 "$i")"
done
ping -c 2 -W 2 "$(hi4 7)" && gfail "tunnel 7: ping with wrong keys answered"
for i in $GOOD; do
	run timeout 60 socat -u OPEN:/share/g2h.bin "TCP4:$(hi4 "$i"):$((6000 + i))"
	run timeout 60 socat -u OPEN:/share/g2h.bin "TCP6:[$(hi6 "$i")]:$((6100 + i))"
done
$IP -s xfrm state | head -n 24
counters counters-1
signal guest-sent

# --- replays -------------------------------------------------------------------------
await host-replayed 400
# the host's 12 replays: 9 fail the replay check, 3 the ICV
xstat() {
	awk -v n="$1" '$1 == n { print $2 }' /proc/net/xfrm_stat
}
seq0=$(awk '$1 == "XfrmInStateSeqError" { print $2 }' /share/counters-1)
replayed() {
	[ "$(xstat XfrmInStateSeqError)" -ge $((seq0 + 9)) ]
}
gpoll 10 replayed || say "the kernel saw fewer than 9 replays"
counters counters-2
for i in 1 3; do
	run pcapreplay -n "$(cat "/share/gh-$i.last")" -c 3 "/share/gh-$i.pcap" "$(h4 "$i")"
	run pcapreplay -n 2 -c 3 "/share/gh-$i.pcap" "$(h4 "$i")"
done
signal guest-replayed
for i in 1 3; do
	run ping -c 2 -W 2 "$(hi4 "$i")"
	run ping -c 2 -W 2 "$(hi6 "$i")"
done
await host-done 300
counters counters-3
signal guest-done
exit 0
