# t/qemu/kernel-guest.sh: the guest's half of t/qemu/kernel.sh (busybox sh,
# run by t/qemu/vm): overlayd with `dataplane kernel` in namespaces A and
# B and in the guest's own namespace against the host.
. /share/guest.sh

# nsx NS CMD...: CMD in namespace NS ("G": the guest's own)
nsx() {
	ns=$1
	shift
	if [ "$ns" = G ]; then
		"$@"
	else
		$IP netns exec "$ns" "$@"
	fi
}

# start NS: overlayd -d -f /etc/NS.conf in NS, until its socket answers
start() {
	cp "/share/$1.conf" "/etc/$1.conf"
	chown root:overlayd "/etc/$1.conf"
	chmod 0640 "/etc/$1.conf"
	# no function or subshell between: $! must be overlayd's own pid
	if [ "$1" = G ]; then
		overlayd -d -f "/etc/$1.conf" >>"/tmp/overlayd-$1.log" 2>&1 &
	else
		$IP netns exec "$1" overlayd -d -f "/etc/$1.conf" \
			>>"/tmp/overlayd-$1.log" 2>&1 &
	fi
	eval "PID_$1=$!"
	gpoll 60 overlayctl -s "/run/$1.sock" show tunnels ||
		{ cat "/tmp/overlayd-$1.log"; gfail "overlayd nsx $1 did not start"; }
}

# field NS TUNNEL JQ-FILTER: a field of `overlayctl --json show tunnels`
field() {
	overlayctl -s "/run/$1.sock" --json show tunnels |
		jq -er --arg t "$2" ".tunnels[] | select(.name == \$t) | $3"
}

is_up() {
	[ "$(field "$1" "$2" .state)" = up ]
}

# liveness_is NS TUNNEL STATE: keepalive liveness (off|down|init|holddown|up)
liveness_is() {
	[ "$(field "$1" "$2" .liveness)" = "$3" ]
}

# operstate NS DEV: the kernel's operational state of DEV, what BIRD sees
# (one process: polls spawn many, and processes are dear under TCG)
operstate() {
	if [ "$1" = G ]; then
		_l=$($IP -o link show "$2" 2>/dev/null)
	else
		_l=$($IP -n "$1" -o link show "$2" 2>/dev/null)
	fi
	case "$_l" in
	*" state UP "*) echo up ;;
	*" state DORMANT "*) echo dormant ;;
	*) echo other ;;
	esac
}

# ka_up NS TUNNEL: keepalives up on both ends, the tunnel and its device up.
# Polled as one condition: under TCG on a busy host, 300 ms detection may
# miss a beat and flap between two separate checks.
ka_up() {
	_j=$(overlayctl -s "/run/$1.sock" --json show tunnels) || return 1
	echo "$_j" | jq -e --arg t "$2" '.tunnels[] | select(.name == $t) |
		.liveness == "up" and .state == "up" and .bfd.state == "up" and
		.bfd.remote_state == "up"' >/dev/null || return 1
	[ "$(operstate "$1" "ovl-$2")" = up ]
}

# count NS PATTERN: lines of NS's overlayd log with PATTERN
count() {
	grep -c "$2" "/tmp/overlayd-$1.log"
}

pings() {
	nsx "$1" ping -c 1 -W 1 "$2"
}

# counts NS: "states policies links" overlayd has in the kernel of NS
counts() {
	s=$(nsx "$1" $IP xfrm state | grep -c '^src')
	p=$(nsx "$1" $IP xfrm policy | grep -c 'priority 1331085534')
	l=$(nsx "$1" $IP -o link show | grep -c ' ovl-')
	echo "$s $p $l"
}

show_log() {
	echo "---- overlayd $1"
	cat "/tmp/overlayd-$1.log"
	echo "---- the kernel in $1"
	nsx "$1" $IP -s xfrm state | grep -v -e '^	 0000' -e aead
	nsx "$1" $IP xfrm policy
	nsx "$1" $IP -d link show
	nsx "$1" $IP addr
	nsx "$1" netstat -uln
	grep -v ' 0$' /proc/net/xfrm_stat
}

# --- namespaces A and B, a veth between them --------------------------------------
run $IP link set eth0 up
run $IP addr add 198.51.100.12/24 dev eth0
run $IP addr add 198.51.100.22/24 dev eth0
run $IP route add 198.51.100.11/32 dev eth0 src 198.51.100.12
run $IP route add 198.51.100.21/32 dev eth0 src 198.51.100.22
run $IP netns add A
run $IP netns add B
run nsx A $IP link set lo up
run nsx B $IP link set lo up
run $IP link add ul0 netns A type veth peer name ul0 netns B
run nsx A $IP link set ul0 up
run nsx B $IP link set ul0 up
run nsx A $IP addr add 203.0.113.1/24 dev ul0
run nsx B $IP addr add 203.0.113.2/24 dev ul0
run nsx A $IP addr add 2001:db8:203::1/64 dev ul0 nodad
run nsx B $IP addr add 2001:db8:203::2/64 dev ul0 nodad
# ul1: ab3's own underlay, cut to test its keepalives
run $IP link add ul1 netns A type veth peer name ul1 netns B
run nsx A $IP link set ul1 up
run nsx B $IP link set ul1 up
run nsx A $IP addr add 198.51.100.101/24 dev ul1
run nsx B $IP addr add 198.51.100.102/24 dev ul1
run $IP addr add 198.51.100.32/24 dev eth0
run $IP route add 198.51.100.31/32 dev eth0 src 198.51.100.32
run $IP addr add 198.51.100.42/24 dev eth0
run $IP route add 198.51.100.41/32 dev eth0 src 198.51.100.42
# g4's IKE credentials, readable by the unprivileged daemon
for f in ng.chain.pem ng.key mesh.pem; do
	cp "/share/$f" "/etc/$f"
	chown root:overlayd "/etc/$f"
	chmod 0640 "/etc/$f"
done

# A's BIRD: overlayd keeps p_ab3 enabled exactly while ab3 is up
run nsx A bird -c /share/bird-A.conf -s /run/bird-A.ctl -P /run/bird-A.pid -g overlayd
bird_state() {	# NS PROTOCOL: the state column of BIRD's "show protocols"
	nsx "$1" birdc -s "/run/bird-$1.ctl" show protocols "$2" |
		awk -v p="$2" '$1 == p { print $4 }'
}
bgp_is() {	# NS TUNNEL WANTED BIRD-STATE
	[ "$(field "$1" "$2" '.bgp[0].wanted')" = "$3" ] &&
		[ "$(bird_state "$1" "p_$2")" = "$4" ]
}
start A
start B
start G
for t in ab1 ab2; do
	gpoll 30 is_up A $t || { show_log A; gfail "A: $t not up"; }
	gpoll 30 is_up B $t || { show_log B; gfail "B: $t not up"; }
done
run nsx A $IP -d link show ovl-ab1
run nsx A $IP -d link show ovl-ab2
nsx A $IP xfrm policy
nsx A $IP xfrm state | grep -v aead

# --- A <-> B: both ends the kernel backend ------------------------------------------
for a in 198.18.1.1 2001:db8:ff:a1::3 198.18.1.3 2001:db8:ff:a2::3; do
	gpoll 20 pings A "$a" || { show_log A; gfail "A: no answer from $a"; }
	run nsx A ping -c 2 -W 2 "$a"
done
for a in 198.18.1.0 2001:db8:ff:a1::2 198.18.1.2 2001:db8:ff:a2::2; do
	run nsx B ping -c 2 -W 2 "$a"
done
listening() {
	nsx "$1" netstat -ltn | grep -q ":$2 "
}
# TCP A -> B over ab1 (IPv4) and B -> A over ab2 (IPv6)
nsx B socat -u TCP4-LISTEN:5001,bind=198.18.1.1 OPEN:/tmp/ab1.out,creat,trunc &
lb=$!
nsx A socat -u "TCP6-LISTEN:5002,bind=[2001:db8:ff:a2::2]" OPEN:/tmp/ab2.out,creat,trunc &
la=$!
gpoll 10 listening B 5001 || gfail "no listener nsx B"
gpoll 10 listening A 5002 || gfail "no listener nsx A"
run nsx A timeout 60 socat -u OPEN:/share/data.bin TCP4:198.18.1.1:5001
run nsx B timeout 60 socat -u OPEN:/share/data.bin "TCP6:[2001:db8:ff:a2::2]:5002"
wait $lb || gfail "listener nsx B failed"
wait $la || gfail "listener nsx A failed"
run cmp /share/data.bin /tmp/ab1.out
run cmp /share/data.bin /tmp/ab2.out
say "TCP both ways between two kernel backends: identical"

# counters: overlayctl reports the kernel's (the device's, so segments
# before GSO splits them: bytes tell, packets fewer than on the wire)
overlayctl -s /run/A.sock show tunnels
for t in ab1 ab2; do
	[ "$(field A $t .dataplane)" = kernel ] || gfail "A: $t not on the kernel data plane"
	[ "$(field A $t .tx_packets)" -gt 10 ] || gfail "A: $t tx_packets too low"
	[ "$(field A $t .rx_packets)" -gt 10 ] || gfail "A: $t rx_packets too low"
	[ "$(field A $t '.drops | add')" = 0 ] || gfail "A: $t drops"
done
[ "$(field A ab1 .tx_bytes)" -gt 262144 ] || gfail "A: ab1 tx_bytes below the data sent"
[ "$(field A ab2 .rx_bytes)" -gt 262144 ] || gfail "A: ab2 rx_bytes below the data received"
[ "$(field A ab1 .spi_in)" = 0x0000c101 ] || gfail "A: ab1 spi_in"
[ "$(field A ab1 .spi_out)" = 0x0000c102 ] || gfail "A: ab1 spi_out"
[ "$(counts A)" = "6 6 3" ] || gfail "A: states, policies, links: $(counts A), not 6 6 3"

# --- keepalives between two kernel backends: ab3 -----------------------------------
for ns in A B; do
	gpoll 30 ka_up $ns ab3 || { show_log $ns; gfail "$ns: ab3 keepalives not up"; }
	[ "$(field $ns ab3 .bfd.rx_invalid)" = 0 ] || gfail "$ns: ab3 invalid keepalives"
	[ "$(field $ns ab3 .last_seen)" != null ] || gfail "$ns: ab3 never seen"
done
overlayctl -s /run/A.sock show tunnels
grep 'tunnel ab3' /tmp/overlayd-A.log /tmp/overlayd-B.log
# the first IPv6 address with a peer: IPv6 inside only
[ "$(field A ab3 .bfd.remote)" = 2001:db8:ff:a4::3 ] || gfail "A: ab3 bfd remote $(field A ab3 .bfd.remote)"
run nsx A ping -c 2 -W 2 2001:db8:ff:a3::3
gpoll 20 bgp_is A ab3 enabled start || { show_log A; gfail "A: p_ab3 not enabled in BIRD while ab3 is up"; }
say "ab3: the underlay cut"
fa=$(field A ab3 .flaps)
fb=$(field B ab3 .flaps)
say "ab3 flaps before the cut (timing under TCG): A $fa, B $fb"
run nsx A $IP link set ul1 down
gpoll 10 bgp_is A ab3 disabled down || { show_log A; gfail "A: p_ab3 not disabled in BIRD after the cut"; }
say "ab3 down: p_ab3 disabled in BIRD"
for ns in A B; do
	gpoll 10 liveness_is $ns ab3 down || { show_log $ns; gfail "$ns: ab3 liveness not down after the cut"; }
	[ "$(field $ns ab3 .state)" = down ] || gfail "$ns: ab3 up without liveness"
	[ "$(operstate $ns ovl-ab3)" = dormant ] || gfail "$ns: ovl-ab3 is $(operstate $ns ovl-ab3), not dormant"
done
[ "$(field A ab3 .flaps)" -gt "$fa" ] || gfail "A: ab3 flaps did not grow"
[ "$(field B ab3 .flaps)" -gt "$fb" ] || gfail "B: ab3 flaps did not grow"
[ "$(field A ab3 .bfd.diag)" = "detection time expired" ] || gfail "A: ab3 diag $(field A ab3 .bfd.diag)"
# a real cut, no passing flap: A sends on (once a second while down) and
# nothing reaches B while ul1 is down
rxb=$(field B ab3 .bfd.rx_packets)
txa=$(field A ab3 .bfd.tx_packets)
overlayctl -s /run/B.sock show tunnels
# the other tunnels on ul0 are untouched
[ "$(field A ab1 .state)" = up ] || gfail "A: ab1 went down with ul1"
a_sent() {
	[ "$(field A ab3 .bfd.tx_packets)" -ge $((txa + 2)) ]
}
gpoll 10 a_sent || gfail "A: ab3 sends no keepalives while cut"
[ "$(field B ab3 .bfd.rx_packets)" = "$rxb" ] || gfail "B: ab3 keepalives arrived through a cut underlay"
[ "$(field B ab3 .liveness)" = down ] || gfail "B: ab3 not down while cut"
say "ab3: the underlay back"
ha=$(count A 'tunnel ab3: keepalive up, hold-down 1000ms')
hb=$(count B 'tunnel ab3: keepalive up, hold-down 1000ms')
oa=$(count A 'tunnel ab3: hold-down over')
ob=$(count B 'tunnel ab3: hold-down over')
run nsx A $IP link set ul1 up
for ns in A B; do
	gpoll 30 ka_up $ns ab3 || { show_log $ns; gfail "$ns: ab3 keepalives not back up"; }
done
# back through a hold-down on both ends, not straight up
[ "$(count A 'tunnel ab3: keepalive up, hold-down 1000ms')" -gt "$ha" ] || { show_log A; gfail "A: ab3 came back without a hold-down"; }
[ "$(count B 'tunnel ab3: keepalive up, hold-down 1000ms')" -gt "$hb" ] || { show_log B; gfail "B: ab3 came back without a hold-down"; }
[ "$(count A 'tunnel ab3: hold-down over')" -gt "$oa" ] || { show_log A; gfail "A: ab3 hold-down did not end"; }
[ "$(count B 'tunnel ab3: hold-down over')" -gt "$ob" ] || { show_log B; gfail "B: ab3 hold-down did not end"; }
run nsx B ping -c 2 -W 2 2001:db8:ff:a3::2
gpoll 20 bgp_is A ab3 enabled start || { show_log A; gfail "A: p_ab3 not enabled in BIRD after ab3 came back"; }
say "ab3 up again: p_ab3 enabled in BIRD"

# --- the guest's kernel backend <-> the host's userspace one ------------------------
for t in g1 g2 g3; do
	gpoll 30 is_up G $t || { show_log G; gfail "G: $t not up"; }
done
# g4 keyed by IKE: its CHILD_SA in the kernel's XFRM, IKE_AUTH via the
# kernel's ESP-in-UDP socket on 4500
gpoll 90 is_up G g4 || { show_log G; gfail "G: g4 (IKE) not up"; }
overlayctl -s /run/G.sock show ike
_ike=$(overlayctl -s /run/G.sock --json show ike)
echo "$_ike" | jq -e '.ike_sas[] | select(.tunnel == "g4") |
	.state == "established" and .role == "responder" and .port == 4500 and
	.child != null and .peer_id == "CN=nh,O=acme"' >/dev/null ||
	gfail "G: g4's IKE SA is not as expected"
_spi=$(field G g4 .spi_in)
nsx G $IP xfrm state | grep -q "spi $_spi " || gfail "G: g4's inbound SA $_spi not in XFRM"
run ping -c 2 -W 2 198.18.2.6
run ping -c 2 -W 2 2001:db8:ff:b4::2
# keepalives with the host's userspace data plane on g3
gpoll 30 ka_up G g3 || { show_log G; gfail "G: g3 keepalives not up"; }
[ "$(field G g3 .bfd.rx_invalid)" = 0 ] || gfail "G: g3 invalid keepalives"
say "g3 flaps (timing under TCG): $(field G g3 .flaps)"
run ping -c 2 -W 2 198.18.2.4
nsx G socat -u TCP4-LISTEN:7001,bind=198.18.2.1 OPEN:/tmp/h2g.out,creat,trunc &
lg=$!
gpoll 10 listening G 7001 || gfail "no listener nsx G"
signal g-up
await host-sent 400
wait $lg || gfail "listener nsx G failed"
run cmp /share/data.bin /tmp/h2g.out
for a in 198.18.2.0 2001:db8:ff:b1::2 198.18.2.2 2001:db8:ff:b2::2; do
	run ping -c 2 -W 2 "$a"
done
run timeout 60 socat -u OPEN:/share/data.bin TCP4:198.18.2.0:6001
overlayctl -s /run/G.sock show tunnels
for t in g1 g2; do
	[ "$(field G $t '.drops | add')" = 0 ] || gfail "G: $t drops"
	[ "$(field G $t .rx_packets)" -gt 4 ] || gfail "G: $t rx_packets too low"
done
[ "$(field G g1 .rx_bytes)" -gt 262144 ] || gfail "G: g1 rx_bytes below the data received"
signal guest-sent
await host-checked 300

# --- SIGHUP with the same config: the tunnels stay ----------------------------------
idx=$(nsx A cat /sys/class/net/ovl-ab1/ifindex)
kill -HUP "$PID_A"
gpoll 10 grep -q 'reload done' /tmp/overlayd-A.log || { show_log A; gfail "A: no reload"; }
[ "$(nsx A cat /sys/class/net/ovl-ab1/ifindex)" = "$idx" ] || gfail "A: ovl-ab1 recreated on an unchanged reload"
run nsx A ping -c 1 -W 2 198.18.1.1

# --- SIGHUP turning keepalives on for ab1: the tunnel stays, and its
# keepalive sockets open after the privilege drop ---------------------------------
reloads() {
	[ "$(grep -c 'reload done' "/tmp/overlayd-$1.log")" -ge "$2" ]
}
cp /share/A-ka.conf /etc/A.conf
cp /share/B-ka.conf /etc/B.conf
kill -HUP "$PID_A" "$PID_B"
gpoll 10 reloads A 2 || { show_log A; gfail "A: no second reload"; }
gpoll 10 reloads B 1 || { show_log B; gfail "B: no reload"; }
for ns in A B; do
	gpoll 30 ka_up $ns ab1 || { show_log $ns; gfail "$ns: ab1 keepalives not up after the reload"; }
done
[ "$(nsx A cat /sys/class/net/ovl-ab1/ifindex)" = "$idx" ] || gfail "A: ovl-ab1 recreated when keepalives went on"
grep -q 'running as overlayd' /tmp/overlayd-A.log || gfail "A: did not drop privileges"
[ "$(field A ab1 .bfd.remote)" = 198.18.1.1 ] || gfail "A: ab1 bfd remote $(field A ab1 .bfd.remote)"

# --- crash and restart: leftovers replaced, never duplicated ------------------------
kill -KILL "$PID_A"
wait "$PID_A" 2>/dev/null
[ "$(counts A)" = "6 6 3" ] || gfail "A: after SIGKILL $(counts A), not 6 6 3 left behind"
start A
# (not ab3: with keepalives it needs B to take A's packets, and B's
# replay window refuses A's restarted sequence numbers until B restarts)
for t in ab1 ab2; do
	gpoll 30 is_up A $t || { show_log A; gfail "A: $t not up after the restart"; }
done
[ "$(counts A)" = "6 6 3" ] || gfail "A: after the restart $(counts A), not 6 6 3"
grep -q 'removed 6 leftover XFRM policies and 6 states' /tmp/overlayd-A.log ||
	{ show_log A; gfail "A: leftovers not reported"; }
# Manual keys: A's new states count from 1 again, which B's window holds
# for replays (the kernel's rule, as overlayd's).  B restarts too: a
# stopped daemon leaves nothing behind, a new one starts afresh.
kill -TERM "$PID_B"
wait "$PID_B" || gfail "B: overlayd exited $? on SIGTERM"
[ "$(counts B)" = "0 0 0" ] || gfail "B: after SIGTERM $(counts B) left, not 0 0 0"
start B
gpoll 20 pings A 198.18.1.1 || { show_log A; gfail "A: ab1 dead after the restarts"; }
gpoll 20 pings A 2001:db8:ff:a2::3 || gfail "A: ab2 dead after the restarts"
run nsx B ping -c 2 -W 2 198.18.1.0

# --- a stopped daemon leaves nothing behind ----------------------------------------
kill -TERM "$PID_A"
wait "$PID_A" || gfail "A: overlayd exited $? on SIGTERM"
[ "$(counts A)" = "0 0 0" ] || gfail "A: after SIGTERM $(counts A) left, not 0 0 0"
kill -TERM "$PID_B" "$PID_G"
wait "$PID_B" || gfail "B: overlayd exited $? on SIGTERM"
wait "$PID_G" || gfail "G: overlayd exited $? on SIGTERM"
[ "$(counts B)" = "0 0 0" ] || gfail "B: after SIGTERM $(counts B) left"
[ "$(counts G)" = "0 0 0" ] || gfail "G: after SIGTERM $(counts G) left"
for ns in A B G; do
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "/tmp/overlayd-$ns.log"; then
		show_log "$ns"
		gfail "sanitizer report from overlayd nsx $ns"
	fi
done
signal guest-done
exit 0
