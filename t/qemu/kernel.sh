#!/bin/bash
# t/qemu/kernel.sh: overlayd's kernel data plane (`dataplane kernel`: ip_gre
# / ip6gre and XFRM over netlink), in one qemu boot of Debian's kernel.
#
# In the guest, two namespaces A and B run overlayd with the kernel backend
# on both ends (tunnel ab1: raw ESP over IPv4, ab2: ESP in UDP over IPv6,
# ESN off, a GRE key); the guest's own namespace G runs it against overlayd's
# userspace data plane on the host (g1: raw ESP, g2: ESP in UDP).  Pings and
# TCP both ways, IPv4 and IPv6 inside; overlayctl shows the kernel's
# counters; a SIGKILLed daemon's leftovers are replaced on restart, never
# duplicated; SIGTERM leaves nothing behind; a SIGHUP with the same config
# keeps the tunnels, and one turning keepalives on keeps them too.
#
# Keepalives (BFD over UDP sockets on the GRE device): tunnel ab3 between
# A and B (both kernel backends, its own veth ul1, IPv6 inside only) comes
# up, goes down when ul1 is cut and comes back after the hold-down; tunnel
# g3 (IPv4 inside) between the guest's kernel backend and the host's
# userspace one comes up on both ends: the two keepalive transports speak
# the same packets.  Flaps are not counted against the test before the
# cut: 300 ms detection under TCG on a busy host may miss a beat.
# The BIRD coupling on the kernel backend: a BIRD in A has p_ab3 bound
# to ab3; overlayd keeps it enabled while ab3 is up, disables it when the
# cut takes ab3 down and enables it again when ab3 is back.
# IKE on the kernel backend: tunnel g4 between the host (userspace,
# initiator, `ike port 4500`) and G (kernel, passive), ESP in UDP, keyed
# by IKEv2 with mesh certificates: IKE_AUTH to G's address on UDP 4500
# lands on the kernel's ESP-in-UDP socket, which hands it to IKE; the
# CHILD_SA becomes XFRM states; pings both ways; SIGTERM deletes them.
#
#   +-------------------------+        +------------------------------------+
#   | ns H (host)             |  tap   | guest G: overlayd, kernel backend  |
#   |  overlayd (userspace)   +--------+ eth0 198.51.100.12, .22, .32, .42  |
#   |  198.51.100.11, .21,    |        |  ns A  ul0 203.0.113.1             |
#   |  .31 (g3, keepalives)   |        |   |    2001:db8:203::1   (veth)    |
#   |  .41 (g4, IKE)          |        |   |                                |
#   +-------------------------+        |   |    ul1 198.51.100.101 (ab3)    |
#                                      |  ns B  ul0 203.0.113.2 / ::2       |
#                                      |        ul1 198.51.100.102          |
#                                      +------------------------------------+
set -eu
# the qemu tests' time (t/qemu/host.sh), set before the watchdog starts
T_TIMEOUT=1500
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/../ike/common.sh"
# shellcheck source=t/qemu/host.sh
. "$(dirname "$0")/host.sh"
need_root
need_cmd ping
vm_lock
here=$(cd "$(dirname "$0")" && pwd)
SOCAT=$(command -v socat) || skip "socat not installed"
JQ=$(command -v jq)

share=$T_TMP/share
mkdir -p "$share"

guest_conf() {	# FILE NAME: the header of a guest overlayd.conf
	echo "# $T_NAME: generated"
	echo 'user "overlayd"'
	echo "control socket \"/run/$2.sock\""
	echo 'control group "overlayd"'
	echo 'dataplane kernel'
}

# ike_creds CRED CA: the IKE credentials CRED.* and the CA bundle CA
ike_creds() {
	echo "ike certificate \"$1.chain.pem\""
	echo "ike key \"$1.key\""
	echo "ike ca \"$2\""
}

# ike_peer NAME LOCAL REMOTE A4 A6 LINE: a peer keyed by IKE, ESP in UDP
ike_peer() {
	echo
	echo "peer \"$1\" {"
	echo "	local $2"
	echo "	remote $3"
	echo "	encap udp"
	echo "	address $4"
	echo "	address $5"
	echo "	$6"
	echo "}"
}

# peer_block NAME LOCAL REMOTE ENCAP ESN GREKEY A4 A6 SPI_IN KEY_IN SPI_OUT
#   KEY_OUT BITS [LINE]
peer_block() {
	echo
	echo "peer \"$1\" {"
	echo "	local $2"
	echo "	remote $3"
	echo "	encap $4"
	echo "	esn $5"
	[ "$6" = - ] || echo "	gre key $6"
	echo "	address $7"
	echo "	address $8"
	echo "	sa in spi ${9} aes-gcm-${13} key ${10}"
	echo "	sa out spi ${11} aes-gcm-${13} key ${12}"
	[ -z "${14:-}" ] || echo "	${14}"
	echo "}"
}
KA='keepalive interval 100ms multiplier 3 holddown 1s'

k1=$(sa_key 256) k2=$(sa_key 256) k3=$(sa_key 128) k4=$(sa_key 128)
k5=$(sa_key 256) k6=$(sa_key 256) k7=$(sa_key 128) k8=$(sa_key 128)
k9=$(sa_key 256) k10=$(sa_key 256) k11=$(sa_key 128) k12=$(sa_key 128)
{
	guest_conf A A
	peer_block ab1 203.0.113.1 203.0.113.2 esp yes - 198.18.1.0/31 \
		2001:db8:ff:a1::2/127 0x0000c101 "$k1" 0x0000c102 "$k2" 256
	peer_block ab2 2001:db8:203::1 2001:db8:203::2 udp no 7 198.18.1.2/31 \
		2001:db8:ff:a2::2/127 0x0000c201 "$k3" 0x0000c202 "$k4" 128
	peer_block ab3 198.51.100.101 198.51.100.102 esp yes - 2001:db8:ff:a4::2/127 \
		2001:db8:ff:a3::2/127 0x0000c301 "$k9" 0x0000c302 "$k10" 256 \
		"$KA"$'\n\t'"bgp protocol p_ab3"
	# the BIRD coupling on the kernel backend: A's BIRD in the guest
	echo 'bird socket "/run/bird-A.ctl"'
	echo 'bird timeout 5'
} >"$share/A.conf"
cat >"$share/bird-A.conf" <<'EOF2'
router id 198.18.9.1;
protocol device { }
protocol bgp p_ab3 {
	local as 64512;
	neighbor 2001:db8:ff:a4::3 as 64513;
	multihop;
	ipv6 { import none; export none; };
}
EOF2
{
	guest_conf B B
	peer_block ab1 203.0.113.2 203.0.113.1 esp yes - 198.18.1.1/31 \
		2001:db8:ff:a1::3/127 0x0000c102 "$k2" 0x0000c101 "$k1" 256
	peer_block ab2 2001:db8:203::2 2001:db8:203::1 udp no 7 198.18.1.3/31 \
		2001:db8:ff:a2::3/127 0x0000c202 "$k4" 0x0000c201 "$k3" 128
	peer_block ab3 198.51.100.102 198.51.100.101 esp yes - 2001:db8:ff:a4::3/127 \
		2001:db8:ff:a3::3/127 0x0000c302 "$k10" 0x0000c301 "$k9" 256 "$KA"
} >"$share/B.conf"
# the same with keepalives on ab1, for a reload after the privilege drop
for ns in A B; do
	sed "/^peer \"ab1\" {\$/a\\	$KA" "$share/$ns.conf" >"$share/$ns-ka.conf"
	grep -q "$KA" "$share/$ns-ka.conf" || fail "no keepalive in $ns-ka.conf"
done
{
	guest_conf G G
	ike_creds /etc/ng /etc/mesh.pem
	peer_block g1 198.51.100.12 198.51.100.11 esp yes - 198.18.2.1/31 \
		2001:db8:ff:b1::3/127 0x0000d101 "$k5" 0x0000d102 "$k6" 256
	peer_block g2 198.51.100.22 198.51.100.21 udp no - 198.18.2.3/31 \
		2001:db8:ff:b2::3/127 0x0000d201 "$k7" 0x0000d202 "$k8" 128
	peer_block g3 198.51.100.32 198.51.100.31 udp yes - 198.18.2.5/31 \
		2001:db8:ff:b3::3/127 0x0000d301 "$k11" 0x0000d302 "$k12" 128 "$KA"
	ike_peer g4 198.51.100.42 198.51.100.41 198.18.2.7/31 \
		2001:db8:ff:b4::3/127 "ike passive"
} >"$share/G.conf"
{
	echo "# $T_NAME: generated"
	echo 'user "overlayd"'
	echo "control socket \"$T_TMP/run/H.sock\""
	echo 'control group "overlayd"'
	ike_creds "$T_TMP/pki/acme/nodes/nh" "$T_TMP/pki/mesh.pem"
	peer_block g1 198.51.100.11 198.51.100.12 esp yes - 198.18.2.0/31 \
		2001:db8:ff:b1::2/127 0x0000d102 "$k6" 0x0000d101 "$k5" 256
	peer_block g2 198.51.100.21 198.51.100.22 udp no - 198.18.2.2/31 \
		2001:db8:ff:b2::2/127 0x0000d202 "$k8" 0x0000d201 "$k7" 128
	peer_block g3 198.51.100.31 198.51.100.32 udp yes - 198.18.2.4/31 \
		2001:db8:ff:b3::2/127 0x0000d302 "$k12" 0x0000d301 "$k11" 128 "$KA"
	ike_peer g4 198.51.100.41 198.51.100.42 \
		198.18.2.6/31 2001:db8:ff:b4::2/127 "ike port 4500"
} | write_file 0640 "$T_TMP/H.conf"
head -c 256K /dev/urandom >"$share/data.bin"
# the mesh PKI of g4: nh on the host, ng in the guest
mkdir -p "$T_TMP/pki"
pki root -d root --prefix 198.18.0.0/15 --prefix 192.0.2.0/24 \
    --prefix 2001:db8::/32 --asn 64512-65534
pki org -d root -o acme --coi red --prefix 198.18.0.0/16 --asn 64600-64699 acme
pki node -d acme --coi red --ip 198.51.100.41 nh
pki node -d acme --coi red --ip 198.51.100.42 ng
bundle
cp "$T_TMP/pki/acme/nodes/ng.chain.pem" "$T_TMP/pki/acme/nodes/ng.key" \
    "$T_TMP/pki/mesh.pem" "$share/"

ns_add H
n H ip tuntap add dev qtap0 mode tap
n H ip link set qtap0 up
n H ip addr add 198.51.100.11/24 dev qtap0
n H ip addr add 198.51.100.21/24 dev qtap0
n H ip addr add 198.51.100.31/24 dev qtap0
n H ip addr add 198.51.100.41/24 dev qtap0
start_overlayd H "$T_TMP/H.conf"

port_listening() {
	nq H ss -Hltn "sport = :$1" | grep -q LISTEN
}

bg H "$T_TMP/listen.log" timeout 900 "$SOCAT" -u \
	TCP4-LISTEN:6001,bind=198.18.2.0 "OPEN:$T_TMP/g2h,creat,trunc"
listener=$BG_PID
wait_for 5 port_listening 6001

BIRD=$(command -v bird) || skip "BIRD 2 is not installed (scripts/deps test)"
BIRDC=$(command -v birdc) || skip "birdc is not installed (scripts/deps test)"
vm_start "$share" H "$here/kernel-guest.sh" -b "$OVERLAYD" -b "$OVERLAYCTL" -b "$SOCAT" -b "$JQ" \
	-b "$BIRD" -b "$BIRDC" -T 900

await_guest g-up 500
echo "guest's tunnels up $(booted_ms) ms after the boot began"
log "host (userspace) <-> guest (kernel backend)"
for a in 198.18.2.1 2001:db8:ff:b1::3 198.18.2.3 2001:db8:ff:b2::3; do
	wait_ping H "$a" 20
	n H ping -n -c 2 -i 0.2 -W 2 "$a"
done
n H timeout 60 "$SOCAT" -u "OPEN:$share/data.bin" TCP4:198.18.2.1:7001
signal_guest host-sent
await_guest guest-sent 300
wait_for 30 proc_gone "$listener"
cmp "$share/data.bin" "$T_TMP/g2h" || fail "TCP from the guest's kernel backend corrupted"
ctl H show tunnels
for t in g1 g2; do
	[ "$(tun_get H "$t" '.drops | add')" = 0 ] || fail "host: drops on $t"
	[ "$(tun_get H "$t" .rx_packets)" -ge 4 ] || fail "host: few rx on $t"
done
[ "$(tun_get H g1 .rx_bytes)" -gt 262144 ] || fail "host: g1 rx_bytes below the data"

log "IKE: host (userspace, initiator) <-> guest (kernel backend, passive) on g4"
g4_ike() {	# FILTER: of the host's IKE SA of g4
	ctl H --json show ike | jq -er '.ike_sas[] | select(.tunnel == "g4") | '"$1"
}
wait_for 60 g4_ike '.state == "established" and .child != null'
ctl H show ike
[ "$(g4_ike .port)" = 4500 ] || fail "host: g4's IKE SA not on UDP 4500"
[ "$(g4_ike .peer_id)" = "CN=ng,O=acme" ] || fail "host: g4 peer id $(g4_ike .peer_id)"
for a in 198.18.2.7 2001:db8:ff:b4::3; do
	wait_ping H "$a" 20
	n H ping -n -c 2 -i 0.2 -W 2 "$a"
done
[ "$(tun_get H g4 '.drops | add')" = 0 ] || fail "host: drops on g4"
[ "$(tun_get H g4 .spi_in)" = "$(g4_ike .child.spi_in)" ] || fail "host: g4's SA is not the CHILD_SA"

log "keepalives: host (userspace) <-> guest (kernel backend) on g3"
ka_up() {	# LABEL TUNNEL: keepalives up on both ends, one condition
	tun_get "$1" "$2" '.liveness == "up" and .state == "up" and
		.bfd.state == "up" and .bfd.remote_state == "up"'
}
wait_for 30 ka_up H g3
[ "$(tun_get H g3 .bfd.rx_invalid)" = 0 ] || fail "host: invalid keepalives on g3"
echo "host: g3 flaps $(tun_get H g3 .flaps) (timing under TCG)"
wait_ping H 198.18.2.5 10
signal_guest host-checked

await_guest guest-done 500
vm_finish
