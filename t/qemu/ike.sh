#!/bin/bash
# t/qemu/ike.sh: overlayd's IKEv2 against strongSwan's charon keying the
# Linux kernel's XFRM (kernel-netlink, not libipsec), in one qemu boot.
#
# Two tunnels, each GRE over ESP in transport mode with selectors for IP
# protocol 47 between the outer addresses, AES-GCM-16-256 with ESN, the
# IKE SA AES-GCM-16-256 with PRF_HMAC_SHA2_256 (overlayd's defaults):
#
#	tunnel	initiator host (overlayd) guest (charon)  charon's groups
#	c1	overlayd  198.51.100.11	  198.51.100.12	  ecp256
#	c2	charon	  198.51.100.21	  198.51.100.22	  curve25519 ecp256
#
# On c1 overlayd's first KE (Curve25519) gets INVALID_KE_PAYLOAD and it
# tries again with ECP-256; on c2 overlayd takes charon's Curve25519.
# Certificates from coimesh-pki: the mesh root, organization acme (COIs
# red, blue), node nh (overlayd, COI red) and node ng (charon, COI red).
# Checked: both IKE SAs and CHILD_SAs come up with the right roles and
# algorithms, the SPIs agree, pings both ways over both tunnels, and the
# kernel's XFRM state counters and overlayd's tunnel counters show them.
# Then deletes: charon deletes c1's CHILD_SA (overlayd deletes the IKE SA
# with it and comes back with a new one), charon deletes c2's IKE SA,
# overlayd stopping deletes c1: every SA goes on both ends.
#
#   +------------------------------+          +------------------------------+
#   | ns H (host)                  |   tap    | qemu guest, Debian's kernel  |
#   |  overlayd: ovl-c1, ovl-c2    |  qtap0   |  charon + swanctl, gre1/gre2 |
#   |  198.51.100.{11,21}/24       +----------+ eth0 198.51.100.{12,22}/24   |
#   +------------------------------+  virtio  +------------------------------+
#   inner, tunnel i: 198.18.0.(2i)/31 (host) <-> .(2i+1) (guest)
set -eu
# the qemu tests' time (t/qemu/host.sh), set before the watchdog starts
T_TIMEOUT=1500
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/../ike/common.sh"
# shellcheck source=t/qemu/host.sh
. "$(dirname "$0")/host.sh"
need_cmd ping jq
vm_lock
here=$(cd "$(dirname "$0")" && pwd)

CHARON=/usr/lib/ipsec/charon
SWANCTL=$(command -v swanctl || echo /usr/sbin/swanctl)
SSPLUG=/usr/lib/ipsec/plugins
PLUGINS="random nonce x509 revocation constraints pubkey pkcs1 pkcs8 pem
	openssl curve25519 kdf hmac sha2 gcm aes kernel-netlink socket-default
	vici"
[ -x "$CHARON" ] || skip "no $CHARON (scripts/deps test installs strongswan-charon)"
[ -x "$SWANCTL" ] || skip "no swanctl (scripts/deps test installs strongswan-swanctl)"
# charon's threads need libgcc_s, which glibc opens (next to itself)
# only when it cancels one
LIBGCC=$(dirname "$(ldd "$CHARON" | sed -n 's/.*libc\.so\.6 => \(\/[^ ]*\) .*/\1/p')")/libgcc_s.so.1
[ -f "$LIBGCC" ] || skip "no $LIBGCC for charon"
files=(-f "$CHARON" -f "$LIBGCC")
for p in $PLUGINS; do
	[ -f "$SSPLUG/libstrongswan-$p.so" ] ||
		skip "no strongSwan plugin $p (scripts/deps test installs libstrongswan-standard-plugins)"
	files+=(-f "$SSPLUG/libstrongswan-$p.so")
done

TUNNELS="1 2"
declare -A CHARON_GROUPS=([1]=ecp256 [2]=curve25519-ecp256) DH=([1]=ecp256 [2]=curve25519)
PINGS=5
share=$T_TMP/share
mkdir -p "$share"
h4() { echo "198.51.100.$((10 * $1 + 1))"; }
g4() { echo "198.51.100.$((10 * $1 + 2))"; }
hi4() { echo "198.18.0.$((2 * $1))"; }
gi4() { echo "198.18.0.$((2 * $1 + 1))"; }

# kstat SPI FIELD: packets or bytes of the guest kernel's state SPI.
kstat() {
	awk -v s="$1" -v f="$2" '$1 == "state" && $2 == s {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' \
		"$share/counters"
}

# ike_get PEER FILTER: field FILTER of PEER's IKE SA in show ike.
ike_get() {
	ctl H --json show ike |
		jq -er --arg p "$1" ".ike_sas[] | select(.tunnel == \$p) | $2"
}

child_up() {
	[ "$(ike_get "$1" .state)" = established ] &&
		[ "$(tun_get H "$1" .state)" = up ]
}

# --- certificates -------------------------------------------------------------
mkdir -p "$T_TMP/pki"
pki root -d root --prefix 198.18.0.0/15 --prefix 192.0.2.0/24 \
    --prefix 2001:db8::/32 --asn 64512-65534
pki org -d root -o acme --coi red --coi blue --prefix 198.18.0.0/16 \
    --asn 64600-64699 acme
pki node -d acme --coi red --ip "$(h4 1)" --ip "$(h4 2)" nh
pki node -d acme --coi red --ip "$(g4 1)" --ip "$(g4 2)" ng
bundle
cp "$T_TMP/pki/root/root.crt" "$share/root.crt"
cp "$T_TMP/pki/acme/ca.crt" "$share/acme.crt"
cp "$T_TMP/pki/acme/nodes/ng.crt" "$share/ng.crt"
cp "$T_TMP/pki/acme/nodes/ng.key" "$share/ng.key"

# --- the host ---------------------------------------------------------------
ns_add H
n H ip tuntap add dev qtap0 mode tap
n H ip link set qtap0 up
for i in $TUNNELS; do
	n H ip addr add "$(h4 "$i")/24" dev qtap0
	n H ip route add "$(g4 "$i")/32" dev qtap0 src "$(h4 "$i")"
done
{
	echo "# $T_NAME: generated"
	echo 'user "overlayd"'
	echo "control socket \"$T_TMP/run/H.sock\""
	echo 'control group "overlayd"'
	echo "ike certificate \"$T_TMP/pki/acme/nodes/nh.chain.pem\""
	echo "ike key \"$T_TMP/pki/acme/nodes/nh.key\""
	echo "ike ca \"$T_TMP/pki/mesh.pem\""
	for i in $TUNNELS; do
		echo
		echo "peer \"c$i\" {"
		echo "	local $(h4 "$i")"
		echo "	remote $(g4 "$i")"
		echo "	address $(hi4 "$i")/31"
		# c2: charon initiates
		if [ "$i" = 2 ]; then echo "	ike passive"; else echo "	ike"; fi
		echo "}"
	done
} | write_file 0640 "$T_TMP/H.conf"
start_overlayd H "$T_TMP/H.conf"
for i in $TUNNELS; do
	wait_for 5 link_exists H "ovl-c$i"
	echo "$i $(h4 "$i") $(g4 "$i") $(hi4 "$i") $(gi4 "$i") $(tun_get H "c$i" .mtu) ${CHARON_GROUPS[$i]}"
done >"$share/tunnels"
cat "$share/tunnels"

# --- boot -------------------------------------------------------------------------
log "boot the guest: charon with kernel-netlink"
vm_start "$share" H "$here/ike-guest.sh" -b "$SWANCTL" "${files[@]}" -T 900
await_guest configured 400
echo "charon configured $(booted_ms) ms after the boot began"

# charon initiates c2 by itself; overlayd initiates c1 (its retries back
# off to 30 s while charon was not there yet)
await_guest sas-up 400
log "IKE SAs and CHILD_SAs"
ctl H show ike
wait_for 30 child_up c1
wait_for 30 child_up c2
[ "$(ike_get c1 .role)" = initiator ] || fail "c1: overlayd is not the initiator"
[ "$(ike_get c2 .role)" = responder ] || fail "c2: overlayd is not the responder"
for i in $TUNNELS; do
	[ "$(ike_get "c$i" .peer_id)" = "CN=ng,O=acme" ] || fail "c$i: peer id"
	[ "$(ike_get "c$i" .shared_coi)" = red ] || fail "c$i: shared COI"
	[ "$(ike_get "c$i" '"\(.encryption) \(.prf) \(.dh)"')" = \
	    "aes-gcm-256 hmac-sha2-256 ${DH[$i]}" ] || fail "c$i: IKE algorithms"
	[ "$(ike_get "c$i" '.child | "\(.mode) \(.encryption) \(.esn)"')" = \
	    "transport aes-gcm-256 true" ] || fail "c$i: CHILD_SA algorithms"
done
# charon initiated c2 with MOBIKE on (its default): IKE moved to UDP 4500
# at IKE_AUTH; c1, initiated by overlayd without a NAT, stays on 500
[ "$(ike_get c2 .port)" = 4500 ] || fail "c2: IKE SA not on UDP 4500"
[ "$(ike_get c1 .port)" = 500 ] || fail "c1: IKE SA not on UDP 500"

# --- pings both ways -------------------------------------------------------------------
log "pings from the host"
for i in $TUNNELS; do
	wait_ping H "$(gi4 "$i")" 30
	n H ping -n -c "$PINGS" -i 0.2 -W 2 -s 300 "$(gi4 "$i")"
done
signal_guest host-pinged
await_guest guest-pinged 300
sed -n '/^state/p' "$share/counters"

# --- counters: the kernel's states and overlayd's tunnels ------------------------------------
log "counters"
ctl H show tunnels
for i in $TUNNELS; do
	in=$(tun_get H "c$i" .spi_in) out=$(tun_get H "c$i" .spi_out)
	[ "$(ike_get "c$i" .child.spi_in)" = "$in" ] ||
		fail "c$i: CHILD_SA is not the tunnel's inbound SA"
	# the kernel prints SPIs as 0x%08x
	kin=$(printf '0x%08x' "$((in))") kout=$(printf '0x%08x' "$((out))")
	grep -q "^state $kout " "$share/counters" ||
		fail "c$i: the guest kernel has no state for overlayd's outbound SPI $out"
	kp_in=$(kstat "$kout" packets) kp_out=$(kstat "$kin" packets)
	echo "c$i: guest kernel state $kout (from overlayd) ${kp_in:-0} packets," \
	    "state $kin (to overlayd) ${kp_out:-0} packets"
	# host pings: PINGS + what wait_ping needed; guest pings: PINGS
	[ "${kp_in:-0}" -ge $((2 * PINGS)) ] ||
		fail "c$i: kernel state $kout saw ${kp_in:-0} packets"
	[ "${kp_out:-0}" -ge $((2 * PINGS)) ] ||
		fail "c$i: kernel state $kin sent ${kp_out:-0} packets"
	rx=$(tun_get H "c$i" .rx_packets) tx=$(tun_get H "c$i" .tx_packets)
	echo "c$i: overlayd rx $rx tx $tx packets"
	[ "$rx" -ge $((2 * PINGS)) ] || fail "c$i: overlayd rx $rx"
	[ "$tx" -ge $((2 * PINGS)) ] || fail "c$i: overlayd tx $tx"
	[ "$(tun_get H "c$i" '.drops | add')" = 0 ] || fail "overlayd: drops on c$i"
done
[ "$(ctl H --json show ike | jq -r .counters.auth_failed)" = 0 ] ||
	fail "overlayd: IKE authentication failures"
grep -q 'initiator=yes' "$share/sas.raw" || fail "charon: no SA as initiator"


# --- deletes: charon deletes c2, then overlayd (stopped) c1 ----------------------------
log "charon deletes c1's CHILD_SA: overlayd deletes the IKE SA and starts again"
spi_before=$(tun_get H c1 .spi_in)
signal_guest host-counted
await_guest c1-again 300
wait_for 30 child_up c1
log_has H "CHILD_SA deleted by the peer" || fail "c1: no log line"
[ "$(tun_get H c1 .spi_in)" != "$spi_before" ] || fail "c1: the old CHILD_SA"
n H ping -n -c 3 -i 0.2 -W 2 "$(gi4 1)"

log "charon deletes c2"
await_guest c2-deleted 300
c2_deleted() {
	grep -q "tunnel c2: IKE SA .*: deleted by the peer" "$(daemon_log H)"
}
wait_for 30 c2_deleted
wait_for 10 no_sa H c2
[ "$(tun_get H c1 .state)" = up ] || fail "c1 went down with c2"
log "overlayd stops: it deletes c1"
stop_overlayd H
log_has H "tunnel c1: deleting IKE SA" || fail "overlayd: no DELETE for c1"
signal_guest overlayd-stopped
await_guest guest-deleted 300

signal_guest host-done
vm_finish
echo "--- charon's log"
cat "$share/charon.log"
grep -q "DH group CURVE_25519 unacceptable, requesting ECP_256" \
	"$share/charon.log" || fail "c1: charon did not ask for ECP-256"
