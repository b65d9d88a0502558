#!/bin/bash
# t/ike/frag.sh: IKE fragmentation (RFC 7383) and ESP tunnel mode between
# two overlayd nodes.
#
# Case 1: both with `ike fragment-size 400`, B (passive) with `ike mode
# tunnel`: A offers transport, B answers without USE_TRANSPORT_MODE, both
# take tunnel mode; IKE_AUTH (two certificates each way) goes in fragments
# of at most 400 octets both ways. Then forged fragments for the live IKE
# SA (bad ICV, too many fragments, number past total, truncated, SKF in
# an IKE_SA_INIT-less SA that does not exist): each dropped and counted,
# no crash, the SAs unchanged, ping still fine.
# Case 2: A with `ike mode tunnel` initiates, B default: B accepts tunnel
# mode. Case 3: IPv6 underlay, fragments of the default 1280, transport.
# Each time ping and the mode on both ends, no ESP drops.
#
#   +--------------------------+            +--------------------------+
#   | ns A  cert na            |  IKE SKF   | ns B  cert nb            |
#   |  ovl-b 198.18.0.0/31 ====+= ESP tunnel =+== ovl-a 198.18.0.1/31  |
#   |  ul0 198.51.100.1        +---- veth ---+ ul0 198.51.100.2         |
#   +--------------------------+            +--------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping python3 jq

ike_count() {
	ctl "$1" --json show ike | jq -er ".counters.$2"
}
counter_ge() {
	[ "$(ike_count "$1" "$2")" -ge "$3" ]
}
ike_spis() {
	ctl A --json show ike |
		jq -r '.ike_sas[] | "\(.state) \(.spi_i)/\(.spi_r) \(.child.spi_in)"'
}

# check_mode MODE: both ends, the tunnel and the CHILD_SA, no ESP drops.
check_mode() {
	local l p
	for l in A B; do
		p=b
		[ "$l" = A ] || p=a
		[ "$(tun_get "$l" "$p" .mode)" = "$1" ] ||
			fail "$l: tunnel not in $1 mode"
		[ "$(ctl "$l" --json show ike | jq -r '.ike_sas[0].child.mode')" \
		    = "$1" ] || fail "$l: CHILD_SA not in $1 mode"
		[ "$(tun_get "$l" "$p" .drops.auth)" = 0 ] ||
			fail "$l: ESP authentication drops"
		[ "$(tun_get "$l" "$p" .drops.malformed)" = 0 ] ||
			fail "$l: malformed ESP payloads"
	done
}

# check_frags: fragments went both ways and came together on both ends.
check_frags() {
	local l
	for l in A B; do
		ctl "$l" show ike | tail -n 1
		[ "$(ike_count "$l" fragments_tx)" -ge 2 ] ||
			fail "$l sent no fragments"
		[ "$(ike_count "$l" fragments_rx)" -ge 2 ] ||
			fail "$l received no fragments"
		[ "$(ike_count "$l" reassembled)" -ge 1 ] ||
			fail "$l reassembled nothing"
		[ "$(ike_count "$l" fragments_dropped)" = 0 ] ||
			fail "$l dropped fragments"
		[ "$(ctl "$l" --json show ike |
		    jq -r '.ike_sas[0].fragmentation')" = true ] ||
			fail "$l: fragmentation not negotiated"
	done
}

run() {
	start_overlayd A "$T_TMP/A.conf"
	start_overlayd B "$T_TMP/B.conf"
	wait_ping A "$1" 20
	wait_ping B "$2" 10
	ctl A show tunnels
}

lab2_net
mesh

log "case 1: fragments of 400 octets, B refuses transport mode"
ike_lab acme/nodes/na acme/nodes/nb --a "ike fragment-size 400" \
    --b "ike fragment-size 400" --b "ike passive" --b "ike mode tunnel"
run "$OVL4_B" "$OVL4_A"
check_mode tunnel
check_frags
ctl A show tunnels | grep -q "ESP in tunnel mode" ||
	fail "show tunnels does not say tunnel mode"

log "forged fragments to A's live IKE SA"
before=$(ike_spis)
spis=$(ctl A --json show ike | jq -r '.ike_sas[0] | "\(.spi_i) \(.spi_r)"')
d0=$(ike_count A rx_dropped) f0=$(ike_count A fragments_dropped)
x0=$(ike_count A rx)
r0=$(ike_count A fragments_rx) m0=$(ike_count A reassembled)
# from B's address to A's UDP 4500 (after the non-ESP marker): any source
# port may carry the SA's messages there, none moves it unless authentic
# shellcheck disable=SC2086
nq B python3 - "$UL4_A" $spis <<'EOF'
import os, socket, struct, sys
dst, spi_i, spi_r = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def msg(msgid, num, total, ctlen=64, first=41, cut=0):
    body = struct.pack("!HH", num, total) + os.urandom(8 + ctlen + 16)
    skf = struct.pack("!BBH", first if num == 1 else 0, 0, 4 + len(body)) + body
    hdr = struct.pack("!QQBBBBII", spi_i, spi_r, 53, 0x20, 37, 0, msgid,
                      28 + len(skf))
    m = hdr + skf
    return m[:len(m) - cut] if cut else m
n = 0
for msgid in range(5):
    for m in (msg(msgid, 1, 2),		# bad ICV
              msg(msgid, 2, 2),		# bad ICV, not the first
              msg(msgid, 1, 65),	# more fragments than kept
              msg(msgid, 3, 2),		# number past total
              msg(msgid, 0, 2),		# number 0
              msg(msgid, 1, 2, cut=5),	# truncated
              msg(msgid, 1, 2, ctlen=0)):	# no ciphertext
        s.sendto(b"\0\0\0\0" + m, (dst, 4500))
        n += 1
print(n, "forged fragments sent")
EOF
# (B's liveness check may come in between: at least 35 more)
wait_for 10 counter_ge A rx $((x0 + 35))
d1=$(ike_count A rx_dropped) f1=$(ike_count A fragments_dropped)
echo "A: dropped $d0 -> $d1, fragments dropped $f0 -> $f1"
# all dropped, but those of B's last request's message ID if B sent a
# liveness check meanwhile: its reply again for fragment 1 (3 of them),
# nothing for fragment 2 (RFC 7383 2.6.1)
[ "$d1" -ge $((d0 + 31)) ] || fail "only $((d1 - d0)) of 35 dropped"
# the ones in the window (message ID 0..4: B sent no request yet or a
# liveness check or a few) reach reassembly: bad ICV twice, 65 fragments,
# no ciphertext
[ "$f1" -ge $((f0 + 3)) ] || fail "forged fragments not counted"
[ "$(ike_count A fragments_rx)" = "$r0" ] || fail "a forged fragment kept"
[ "$(ike_count A reassembled)" = "$m0" ] || fail "a forged message"
daemon_alive A || fail "A died"
[ "$(ike_spis)" = "$before" ] || fail "the IKE SA changed: $(ike_spis)"
[ "$(ctl A --json show ike | jq -r '.ike_sas[0].port')" = 500 ] ||
	fail "the IKE SA moved to 4500"
n A ping -n -c 3 -i 0.2 -W 1 -s 1300 "$OVL4_B"
check_mode tunnel
stop_overlayd A
stop_overlayd B

log "case 2: A asks for tunnel mode itself"
ike_lab acme/nodes/na acme/nodes/nb --a "ike mode tunnel" --b "ike passive"
run "$OVL4_B" "$OVL4_A"
check_mode tunnel
stop_overlayd A
stop_overlayd B

log "case 3: IPv6 underlay, fragments of 1280, transport mode"
ike_lab acme/nodes/na acme/nodes/nb --af 6 --b "ike passive"
run "$OVL6_B" "$OVL6_A"
check_mode transport
check_frags
n A ping -n -c 3 -i 0.2 -W 1 -s 1300 "$OVL4_B"
lab2_stop
