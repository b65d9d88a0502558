#!/bin/bash
# t/rs/birdsock.sh: routeserver against bad input from outside. A BIRD
# socket that is missing, mute, silent, erroring or talking garbage, and a
# bad description applied to a real BIRD: each a clear error, exit 1, and
# neither BIRD's configuration nor its file touched, no temporary left.
#
#   ns R: the route server's BIRD (one member session, no member running)
#   fakebird.sh under socat: the misbehaving sockets
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rslib.sh"
need_rs
tmpdir >/dev/null
here=$(cd "$(dirname "$0")" && pwd)
good=$here/good/minimal.conf
out=$T_TMP/out/bird.conf
mkdir -p "$T_TMP/out"

# try CASE WANT-STDERR ARGS...: exit 1 and exactly WANT on stderr (the
# random suffix of temporary files shown as XXXXXX); nothing left behind.
try() {
	local c=$1 want=$2 rc=0 got
	shift 2
	say '[+] routeserver %s\n' "$*"
	timeout 30 "$ROUTESERVER" "$@" >"$T_TMP/stdout" 2>"$T_TMP/stderr" || rc=$?
	got=$(sed 's/\(\.conf\)\.[A-Za-z0-9]\{6\}/\1.XXXXXX/g' "$T_TMP/stderr")
	[ "$rc" -eq 1 ] || fail "$c: exit $rc, expected 1"
	[ "$got" = "$want" ] || fail "$c: stderr
$got
expected
$want"
	[ ! -s "$T_TMP/stdout" ] || fail "$c: unexpected stdout"
	[ -z "$(find "$T_TMP/out" -name 'bird.conf.*')" ] ||
		fail "$c: a temporary file was left behind"
}

fake() {
	rm -f "$T_TMP/run/fake.ctl"
	socat "UNIX-LISTEN:$T_TMP/run/fake.ctl,fork" \
		EXEC:"sh $here/fakebird.sh $1" 2>/dev/null &
	BGPIDS+=("$!")
	FAKE=$!
	wait_for 5 test -S "$T_TMP/run/fake.ctl"
}

s=$T_TMP/run/fake.ctl
log "no socket at all"
try missing "cannot reach BIRD: connect $T_TMP/run/none.ctl: No such file or directory; nothing changed" \
	-f "$good" -s "$T_TMP/run/none.ctl" -o "$out" apply
try "missing, status" "cannot reach BIRD: connect $T_TMP/run/none.ctl: No such file or directory" \
	-f "$good" -s "$T_TMP/run/none.ctl" status
[ ! -e "$out" ] || fail "apply wrote $out without BIRD"

echo "previous" >"$out"
for mode in mute silent garbage error; do
	log "a socket that is $mode"
	fake "$mode"
	case $mode in
	mute)
		try "$mode" "cannot reach BIRD: timeout after 2000 ms waiting for BIRD; nothing changed" \
			-t 2 -f "$good" -s "$s" -o "$out" apply ;;
	silent)
		try "$mode" "BIRD at $s: \"configure check \"$out.XXXXXX\"\": timeout after 2000 ms waiting for BIRD
nothing changed: BIRD keeps its configuration and $out is untouched" \
			-t 2 -f "$good" -s "$s" -o "$out" apply
		try "$mode status" "BIRD at $s: \"show protocols all \"m_*\"\": timeout after 2000 ms waiting for BIRD" \
			-t 2 -f "$good" -s "$s" status ;;
	garbage)
		try "$mode" "BIRD at $s: \"configure check \"$out.XXXXXX\"\": protocol error: bad line \"hello there\"
nothing changed: BIRD keeps its configuration and $out is untouched" \
			-t 2 -f "$good" -s "$s" -o "$out" apply
		try "$mode status" "BIRD at $s: \"show protocols all \"m_*\"\": protocol error: bad line \"hello there\"" \
			-t 2 -f "$good" -s "$s" status ;;
	error)
		try "$mode" "BIRD rejects the generated configuration: 8002 \"$out.XXXXXX\":12:3 syntax error, unexpected CF_SYM_UNDEFINED
nothing changed: BIRD keeps its configuration and $out is untouched" \
			-t 2 -f "$good" -s "$s" -o "$out" apply
		try "$mode status" "BIRD at $s: cannot read \"show protocols all\": 8007 Access denied" \
			-t 2 -f "$good" -s "$s" status ;;
	esac
	[ "$(cat "$out")" = previous ] || fail "$mode: $out was changed"
	stop_pid "$FAKE"
done

log "a real BIRD: a good description, then bad ones"
rs_net
RS_CONF=$T_TMP/out/bird.conf
printf 'router id %s;\nprotocol device { }\n' "$RS_ADDR" >"$RS_CONF"
bird_start R "$RS_CONF"
cp "$good" "$T_TMP/mesh.conf"
rs apply >/dev/null
bc R show protocols m_a_v4 | grep -q '^m_a_v4 ' || fail "m_a_v4 not configured"
sum=$(sha256 "$RS_CONF")
# not a session's "since": with no member running, BIRD restarts the
# session on its own after each failed connect
wait_for 10 bird_settled
reconf=$(last_reconf)
[ -n "$reconf" ] || fail "BIRD did not say when it last took a configuration"
for bad in "$here"/bad/*.conf; do
	name=$(basename "$bad" .conf)
	[ "$name" != two_rs_generate ] || continue
	want=$(sed "s|^bad/|$here/bad/|" "$here/bad/$name.err")
	try "bad/$name" "$want" -f "$bad" -s "${BSOCK[R]}" -o "$RS_CONF" apply
done
try "unknown route server" "$good: no route-server \"rs2\"" \
	-f "$good" -r rs2 -s "${BSOCK[R]}" -o "$RS_CONF" apply
[ "$(sha256 "$RS_CONF")" = "$sum" ] || fail "the BIRD configuration file changed"
same_instant "$(last_reconf)" "$reconf" || fail "BIRD was reconfigured: $reconf, now $(last_reconf)"
bc R configure check | grep -q 'Configuration OK' || fail "BIRD's file is broken"
bird_up R || fail "BIRD is gone"
