#!/bin/bash
# t/bird/fakebird.sh: overlayd against a fake BIRD control socket
# (t/tools/fakebird.py) that misbehaves in every way we could think of:
# garbage, truncated lines, unknown reply codes, a huge line, silence,
# a peer that greets and never answers, one that closes mid-reply, error
# replies 8xxx/9xxx, a bad greeting, the socket vanishing.  overlayd must
# log each, time out or reconnect, never crash, keep answering its own
# control socket meanwhile (its event loop is not blocked), and converge
# BIRD to what it wants once BIRD behaves again.
#
#   +-------------------------+            +-------------------------+
#   | ns A        ovl-b       |            | ns B        ovl-a       |
#   |   overlayd -------------+--unix------+-> fakebird.py (host)    |
#   |   bgp protocol bgp_b,   |  socket    |                         |
#   |   bgp protocol bgp_gone |            |   overlayd              |
#   |  ul0 198.51.100.1/24    +---veth-----+  ul0 198.51.100.2/24    |
#   +-------------------------+            +-------------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
FAKEBIRD="$top_srcdir/t/tools/fakebird.py"

BSOCK="$T_TMP/run/bird.ctl"
MODE="$T_TMP/fakebird.mode"
FLOG="$T_TMP/fakebird.log"
: >"$FLOG"

lab2_net
lab2_conf
# A drives the fake BIRD: bgp_b exists there, bgp_gone does not.
sed -i 's/^}$/\tbgp protocol bgp_b\n\tbgp protocol bgp_gone\n}/' "$T_TMP/A.conf"
printf 'bird socket "%s"\nbird timeout 1\n' "$BSOCK" >>"$T_TMP/A.conf"
n A "$OVERLAYD" -n -f "$T_TMP/A.conf"

start_fake() {
	bg A "$T_TMP/fakebird.out" python3 "$FAKEBIRD" "$BSOCK" "$MODE" \
		"$FLOG" bgp_b=disabled
	FAKE_PID=$BG_PID
	wait_for 5 test -S "$BSOCK"
}

connects() {
	grep -c '^connect ' "$FLOG" || true
}

# bind_get PROTO FILTER: field of a bound protocol in A's show tunnels.
bind_get() {
	ctl A --json show tunnels |
		jq -er --arg p "$1" ".tunnels[].bgp[] | select(.protocol == \$p) | $2"
}

bind_is() {
	[ "$(bind_get "$1" "$2")" = "$3" ]
}

bird_is() {
	[ "$(top_get A "$1")" = "$2" ]
}

# alive: overlayd in A runs and its control socket answers within 2 s.
alive() {
	daemon_alive A || fail "overlayd in A died"
	timeout 2 "$OVERLAYCTL" -s "${SOCK[A]}" show tunnels >/dev/null ||
		fail "overlayd in A does not answer its control socket"
}

logged() {
	grep -qF -- "$1" "$(daemon_log A)"
}

# mode_connects MODE: connections the fake served in MODE.
mode_connects() {
	grep -c "^connect [0-9]* $1\$" "$FLOG" || true
}

mode_connects_ge() {
	[ "$(mode_connects "$1")" -ge "$2" ]
}

# log_count TEXT: lines of A's log holding TEXT.
log_count() {
	grep -cF -- "$1" "$(daemon_log A)" || true
}

log_gt() {
	[ "$(log_count "$1")" -gt "$2" ]
}

log "no BIRD yet: overlayd says so, runs its tunnels, keeps trying"
echo normal >"$MODE"
lab2_start
wait_for 10 logged "BIRD: $BSOCK: connect $BSOCK: No such file or directory; reconnecting"
bird_is .bird.connected false || fail "connected to nothing"
top_get A .bird.error | grep -q 'No such file or directory' ||
	fail "show tunnels does not say why BIRD is unreachable"
ctl A show tunnels | grep -q "^bird: $BSOCK not connected" ||
	fail "table does not show the BIRD link down"
bind_is bgp_b .bird_state unknown || fail "bgp_b state is not unknown"
alive

log "BIRD starts with bgp_b disabled: overlayd reads it, corrects it"
start_fake
wait_for 10 grep -qx 'cmd enable bgp_b' "$FLOG"
wait_for 10 bind_is bgp_b .bird_state up
wait_for 10 bind_is bgp_gone .bird_state missing
bind_is bgp_b .wanted enabled || fail "bgp_b is not wanted enabled"
bird_is .bird.connected true || fail "not connected"
[ "$(top_get A .bird.corrections)" -ge 1 ] || fail "no correction counted"
logged 'BIRD has no protocol "bgp_gone" (bound to tunnel b)' ||
	fail "missing protocol not logged"
logged 'BIRD protocol bgp_b is down but tunnel b is up: enabling it' ||
	fail "drift not logged"
ctl A show tunnels
ctl A show tunnels | grep -q '^    bgp: bgp_b wanted enabled, bird up (Established)$' ||
	fail "table does not show the binding"

# Each bad mode, and the line of A's log that proves it was noticed.  The
# client reports the first failure of an outage only, and the mode switch
# itself is one (the fake hangs up): a link that never comes up again
# (silent, badgreet) is proven by overlayd hanging up and retrying.
declare -A WHY=(
	[garbage]='protocol error'
	[truncated]='BIRD closed the connection'
	[unknown]='show protocols: error 5555: what is this'
	[huge]='protocol error'
	[silent]=
	[mute]='timeout after 1.0 s waiting for BIRD'
	[midclose]='BIRD closed the connection'
	[err8]='show protocols: error 8007: Access denied'
	[err9]='show protocols: error 9001: syntax error, unexpected END'
	[badgreet]=
)
for mode in garbage truncated unknown huge silent mute midclose err8 err9 \
    badgreet; do
	log "fake BIRD mode $mode"
	l0=$(log_count "${WHY[$mode]}")
	echo "$mode" >"$MODE"
	# the fake drops the old connection; overlayd reconnects into $mode
	wait_for 10 mode_connects_ge "$mode" 1
	alive
	[ -z "${WHY[$mode]}" ] || wait_for 10 log_gt "${WHY[$mode]}" "$l0"
	case $mode in
	unknown|err8|err9)
		# an error reply is logged and retried at the next read
		bird_is .bird.connected true || fail "$mode: not connected" ;;
	*)
		# a broken link is dropped and retried with backoff
		wait_for 10 mode_connects_ge "$mode" 2
		if [ -z "${WHY[$mode]}" ]; then
			bird_is .bird.connected false || fail "$mode: connected"
		fi ;;
	esac
	# show tunnels answers while BIRD misbehaves: the loop is free
	for _ in 1 2 3; do alive; done
done

log "BIRD back, as if restarted with bgp_b disabled: converge"
: >"$FLOG"
echo "normal reset" >"$MODE"
wait_for 15 grep -qx 'cmd enable bgp_b' "$FLOG"
wait_for 10 bind_is bgp_b .bird_state up
wait_for 10 bird_is .bird.connected true

log "BIRD dies: overlayd notices; BIRD restarts: converge, no manual step"
wait_for 10 bird_is .bird.connected true
l0=$(log_count 'BIRD closed the connection')
stop_pid "$FAKE_PID"
wait_for 10 bird_is .bird.connected false
wait_for 10 log_gt 'BIRD closed the connection' "$l0"
alive
: >"$FLOG"
start_fake
wait_for 15 grep -qx 'cmd enable bgp_b' "$FLOG"
wait_for 10 bind_is bgp_b .bird_state up

log "tunnel b removed by reload: bgp_b is disabled at once"
cp "${CONF[A]}" "$T_TMP/A.full"
sed '/^peer "b" {/,/^}/d' "$T_TMP/A.full" | write_file 0640 "${CONF[A]}"
ctl A reload
wait_for 10 grep -qx 'cmd disable bgp_b' "$FLOG"
wait_for 10 logged 'BIRD: bgp_b: disabled'
log "tunnel b back: enabled again"
write_file 0640 "${CONF[A]}" <"$T_TMP/A.full"
ctl A reload
wait_for 10 bind_is bgp_b .bird_state up

log "overlayd stops: its tunnels go, so does bgp_b"
: >"$FLOG"
stop_overlayd A
[ "$STOP_RC" = 0 ] || fail "overlayd exited with $STOP_RC"
grep -qx 'cmd disable bgp_b' "$FLOG" || fail "no disable on shutdown"
cat "$FLOG"
