#!/bin/bash
# t/net/ctlbad.sh: garbage on the control socket.  Invalid JSON, an unknown
# command, binary noise, a line over 64 KiB, a half line, idle clients and
# a crowd of clients: each gets an error answer or a closed connection,
# overlayd keeps running, leaks no descriptors and still answers
# `overlayctl show tunnels` at once.
#
#   +-----------------------------+          +-------------------+
#   | ns A   overlayd             |          | ns B   overlayd   |
#   |  control socket <- socat    |          |                   |
#   |  ul0 198.51.100.1  ---------+-- veth --+ ul0 198.51.100.2  |
#   +-----------------------------+          +-------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd socat

HOLD=4	# seconds a client keeps its side open, waiting for the daemon

# talk NAME FILE: send FILE on a fresh connection and keep our side open
# for up to HOLD s; the daemon must answer with an error or hang up first.
talk() {
	local name=$1 in=$2 reply="$T_TMP/reply" t0 t1
	printf '[+] %s (%s bytes)\n' "$name" "$(stat -c %s "$in")"
	t0=$(now_ms)
	timeout $((HOLD + 5)) socat -t 0.2 - "UNIX-CONNECT:${SOCK[A]}" \
		>"$reply" 2>&1 < <(cat "$in"; exec sleep "$HOLD") || true
	t1=$(now_ms)
	echo "	reply after $((t1 - t0)) ms: $(head -c 300 "$reply")"
	if ! grep -qi error "$reply" && [ $((t1 - t0)) -ge $((HOLD * 1000)) ]; then
		fail "$name: no error and no hang-up in ${HOLD}s"
	fi
	alive
}

alive() {
	daemon_alive A || fail "overlayd died"
	timeout 10 "$OVERLAYCTL" -s "${SOCK[A]}" show tunnels >/dev/null ||
		fail "show tunnels does not answer within 10s"
}

nfds() {
	find "/proc/${PID[A]}/fd" -mindepth 1 -maxdepth 1 | wc -l
}

fds_at_most() {
	[ "$(nfds)" -le "$1" ]
}

lab2 --encap udp
wait_ping A "$OVL4_B"
fd0=$(nfds)
echo "overlayd has $fd0 descriptors"

printf 'this is not json\n' >"$T_TMP/m1"
talk "not JSON" "$T_TMP/m1"
printf '{"command":"frobnicate"}\n{"cmd":"frobnicate"}\n' >"$T_TMP/m2"
talk "unknown command" "$T_TMP/m2"
printf 'frobnicate\n' >"$T_TMP/m3"
talk "unknown word" "$T_TMP/m3"
printf '{"command":\n' >"$T_TMP/m4"
talk "broken JSON" "$T_TMP/m4"
printf '[]\n"x"\n42\nnull\n{}\n' >"$T_TMP/m5"
talk "JSON of the wrong shape" "$T_TMP/m5"
head -c 4096 /dev/urandom >"$T_TMP/m6"
talk "binary noise" "$T_TMP/m6"
{ head -c 70000 /dev/zero | tr '\0' x; echo; } >"$T_TMP/m7"
talk "a 70000-byte line" "$T_TMP/m7"
{ printf '{"command":"show tunnels","x":"'; head -c 1048576 /dev/zero | tr '\0' y; } >"$T_TMP/m8"
talk "1 MiB without a newline" "$T_TMP/m8"

log "half a line, then hang up"
printf '{"comm' | timeout 5 socat -t 1 - "UNIX-CONNECT:${SOCK[A]}" || true
alive

log "idle clients do not block others"
idle=()
for i in $(seq 1 20); do
	bg A "$T_TMP/idle-$i.log" timeout 30 \
		socat -t 1 "UNIX-CONNECT:${SOCK[A]}" SYSTEM:"sleep 25"
	idle+=("$BG_PID")
done
alive
ctl A show tunnels
for pid in "${idle[@]}"; do
	stop_pid "$pid"
done
alive

log "100 clients connect and hang up"
for i in $(seq 1 100); do
	timeout 5 socat -u /dev/null "UNIX-CONNECT:${SOCK[A]}" 2>/dev/null || true
done
alive

log "no descriptor leak"
wait_for 5 fds_at_most $((fd0 + 1))
echo "overlayd has $(nfds) descriptors"
ctl A --json show tunnels | jq -e '.tunnels[0].name == "b"' >/dev/null ||
	fail "show tunnels is wrong"
