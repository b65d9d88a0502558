#!/bin/bash
# t/net/reload.sh: SIGHUP (and overlayctl reload) re-read the config: a new
# peer's ovl- interface appears, a removed peer's disappears, an unchanged
# peer keeps its SAs and counters; a broken config is refused with a
# file:line log message and the old one keeps running.
#
#   +---------------------------+          +-------------------+
#   | ns A   ovl-b  (+ ovl-c)   |          | ns B   ovl-a      |
#   |  ul0 198.51.100.1  -------+-- veth --+- ul0 198.51.100.2 |
#   +---------------------------+          +-------------------+
#   peer c (198.51.100.3) does not exist: its tunnel is just configured.
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping

PEER_C='
peer "c" {
	local 198.51.100.1
	remote 198.51.100.3
	encap esp
	address 198.18.0.2/31
	address 2001:db8:ff::4/127
	sa in spi 0x0000c001 aes-gcm-128 key 0x00112233445566778899aabbccddeeff01020304
	sa out spi 0x0000c002 aes-gcm-128 key 0x00112233445566778899aabbccddeeff01020304
}'

# set_conf TEXT: replace A's config with TEXT (as an editor would).
set_conf() {
	printf '%s\n' "$1" | write_file 0640 "$T_TMP/A.conf.new"
	mv "$T_TMP/A.conf.new" "$T_TMP/A.conf"
}

has_tunnel() {
	ctl A --json show tunnels | jq -e --arg p "$1" 'any(.tunnels[]; .name == $p)'
}

no_tunnel() {
	! has_tunnel "$1"
}

log_has() {
	grep -qE "$1" "$(daemon_log A)"
}

lab2 --encap esp
wait_ping A "$OVL4_B"
n A ping -n -c 3 -i 0.1 -W 1 "$OVL4_B"
orig=$(cat "$T_TMP/A.conf")
b0=$(ctl A --json show tunnels | jq -c '.tunnels[0]')
echo "before: $b0"
tx0=$(jq -r .tx_packets <<<"$b0")
rx0=$(jq -r .rx_packets <<<"$b0")

log "add peer c, SIGHUP"
# A daemon that dropped root must still be able to make TUNs on reload.
tunmode=$(stat -c %a /dev/net/tun)
[ "$tunmode" = 666 ] ||
	echo "note: /dev/net/tun is mode $tunmode: only a process with CAP_DAC_OVERRIDE (or a privileged helper) can open it"
set_conf "$orig$PEER_C"
n A kill -HUP "${PID[A]}"
wait_for 5 link_exists A ovl-c
wait_for 5 has_tunnel c
n A ip -br addr show dev ovl-c
nq A ip -br addr show dev ovl-c | grep -q 198.18.0.2/31 || fail "ovl-c lacks its address"
b1=$(ctl A --json show tunnels | jq -c '.tunnels[] | select(.name == "b")')
echo "after: $b1"
[ "$(jq -r .tx_packets <<<"$b1")" -ge "$tx0" ] || fail "b's tx_packets reset"
[ "$(jq -r .rx_packets <<<"$b1")" -ge "$rx0" ] || fail "b's rx_packets reset"
[ "$(jq -r .spi_in <<<"$b1")" = "$(jq -r .spi_in <<<"$b0")" ] || fail "b's spi_in changed"
[ "$(jq -r .spi_out <<<"$b1")" = "$(jq -r .spi_out <<<"$b0")" ] || fail "b's spi_out changed"
n A ping -n -c 3 -i 0.1 -W 1 "$OVL4_B"
[ "$(tun_get A b .tx_packets)" -ge $((tx0 + 3)) ] || fail "b's tx_packets did not go on"
# The unchanged tunnel's TUN was not recreated: B did not notice anything.
[ "$(tun_get B a '.drops | add')" = 0 ] || fail "B dropped packets across the reload"

log "remove peer c, overlayctl reload"
set_conf "$orig"
ctl A reload
wait_for 5 link_absent A ovl-c
wait_for 5 no_tunnel c
[ "$(tun_get A b .tx_packets)" -ge $((tx0 + 3)) ] || fail "b's tx_packets reset"
n A ping -n -c 2 -i 0.1 -W 1 "$OVL4_B"

log "broken config, SIGHUP: refused, old config stays"
set_conf "$orig$PEER_C
peer \"d\" {
	frobnicate yes
}"
line=$(grep -n frobnicate "$T_TMP/A.conf" | cut -d: -f1)
n A kill -HUP "${PID[A]}"
wait_for 5 log_has "A\\.conf:$line"
grep -E "A\\.conf:$line" "$(daemon_log A)"
daemon_alive A || fail "overlayd died on a broken config"
# Nothing of the broken config was applied, not even the good peer c.
link_absent A ovl-c || fail "ovl-c appeared from a refused config"
no_tunnel c || fail "peer c appeared from a refused config"
link_exists A ovl-b || fail "ovl-b is gone"
n A ping -n -c 2 -i 0.1 -W 1 "$OVL4_B"
if ctl A reload; then
	fail "overlayctl reload of a broken config reported success"
fi
daemon_alive A || fail "overlayd died on a broken config"
n A ping -n -c 2 -i 0.1 -W 1 "$OVL4_B"
ctl A show tunnels
