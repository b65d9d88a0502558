#!/bin/sh
# t/rs/golden.sh: mesh description golden tests for routeserver(8).
#
#   good/NAME.conf        must pass "check"; "generate" must print exactly
#                         good/NAME.bird (one route server) or, for each
#                         good/NAME.RS.bird, "-r RS generate" must; the same
#                         bytes on a second run; and BIRD itself must accept
#                         each output (bird -p -c).
#   bad/NAME.conf         "generate" must fail (exit 1) with exactly the one
#                         stderr line in bad/NAME.err and print nothing.
#   examples/*.conf       the annotated examples must pass "check", and
#                         every route server's configuration "bird -p".
#   command line          bad options and arguments: exit 2 or 1, the
#                         exact message.
#
# Runs from the build directory; reads $srcdir only. Exit 0 pass, 1 fail,
# 77 skip.

: "${srcdir:=.}"
rs=${ROUTESERVER:-$(pwd)/routeserver/routeserver}
if [ ! -x "$rs" ]; then
	echo "SKIP: $rs not built"
	exit 77
fi
examples=$(cd "$srcdir/examples" && pwd)
cd "$srcdir/t/rs" || exit 99
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsgolden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

bird=$(command -v bird || true)
[ -n "$bird" ] || [ ! -x /usr/sbin/bird ] || bird=/usr/sbin/bird
[ -n "$bird" ] || echo "note: bird not installed, generated files not checked by BIRD"

pass=0
fail=0

ok() {
	pass=$((pass + 1))
}

# not_ok CASE WHY [EXPECTED ACTUAL]
not_ok() {
	fail=$((fail + 1))
	echo "FAIL: $1: $2"
	if [ $# -ge 4 ]; then
		diff -u "$3" "$4" | head -40 | sed 's/^/	/'
	fi
}

# bird_ok CASE FILE: BIRD accepts FILE
bird_ok() {
	[ -n "$bird" ] || return 0
	if "$bird" -p -c "$2" >"$tmp/bird.out" 2>&1; then
		ok
	else
		not_ok "$1" "bird -p rejects the output"
		sed 's/^/	/' "$tmp/bird.out"
	fi
}

# gen CASE EXPECTED ARGS...: generate must print EXPECTED, twice the same
gen() {
	c=$1 want=$2
	shift 2
	"$rs" "$@" generate >"$tmp/out" 2>"$tmp/err"
	rc=$?
	"$rs" "$@" generate >"$tmp/out2" 2>/dev/null
	if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
		not_ok "$c" "exit $rc"
		sed 's/^/	/' "$tmp/err"
	elif ! cmp -s "$want" "$tmp/out"; then
		not_ok "$c" "output differs" "$want" "$tmp/out"
	elif ! cmp -s "$tmp/out" "$tmp/out2"; then
		not_ok "$c" "second run differs" "$tmp/out" "$tmp/out2"
	else
		ok
		bird_ok "$c" "$tmp/out"
	fi
}

for conf in good/*.conf; do
	name=${conf%.conf}
	if "$rs" -f "$conf" check >"$tmp/out" 2>"$tmp/err" &&
	    [ ! -s "$tmp/err" ] && grep -q "^$conf: OK" "$tmp/out"; then
		ok
	else
		not_ok "$conf" "check fails"
		sed 's/^/	/' "$tmp/out" "$tmp/err"
	fi
	[ ! -f "$name.bird" ] || gen "$conf" "$name.bird" -f "$conf"
	for want in "$name".*.bird; do
		[ -f "$want" ] || continue
		r=${want#"$name".}
		r=${r%.bird}
		gen "$conf -r $r" "$want" -f "$conf" -r "$r"
	done
done

for conf in bad/*.conf; do
	name=${conf%.conf}
	"$rs" -f "$conf" generate >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		not_ok "$conf" "exit $rc, expected 1"
		sed 's/^/	/' "$tmp/err"
	elif [ -s "$tmp/out" ]; then
		not_ok "$conf" "unexpected stdout"
	elif ! cmp -s "$name.err" "$tmp/err"; then
		not_ok "$conf" "error differs" "$name.err" "$tmp/err"
	else
		ok
	fi
done

# The annotated examples: valid, and BIRD takes every route server's file.
for conf in "$examples"/*.conf; do
	[ -f "$conf" ] || continue
	grep -q '^route-server' "$conf" || continue	# not a mesh description
	c=examples/$(basename "$conf")
	if ! "$rs" -f "$conf" -n >"$tmp/out" 2>"$tmp/err"; then
		not_ok "$c" "check fails"
		sed 's/^/	/' "$tmp/err"
		continue
	fi
	ok
	for r in $(sed -n 's/^route-server "\{0,1\}\([a-z0-9_-]*\)"\{0,1\} .*/\1/p' "$conf"); do
		if "$rs" -f "$conf" -r "$r" generate >"$tmp/out" 2>"$tmp/err"; then
			bird_ok "$c -r $r" "$tmp/out"
		else
			not_ok "$c -r $r" "generate fails"
			sed 's/^/	/' "$tmp/err"
		fi
	done
done

# cli CASE RC EXPECTED-STDERR-LINE ARGS...
cli() {
	c=$1 want_rc=$2 want=$3
	shift 3
	"$rs" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne "$want_rc" ]; then
		not_ok "$c" "exit $rc, expected $want_rc"
		sed 's/^/	/' "$tmp/err"
	elif [ "$(head -n 1 "$tmp/err")" != "$want" ]; then
		not_ok "$c" "stderr: $(head -n 1 "$tmp/err"), expected: $want"
	else
		ok
	fi
}

cli "unknown route server" 1 'good/full.conf: no route-server "rs9"' \
    -f good/full.conf -r rs9 generate
cli "two route servers, no -r" 1 \
    'good/full.conf: 2 route servers are described; choose one with -r' \
    -f good/full.conf status
cli "missing file" 1 'good/none.conf: No such file or directory' \
    -f good/none.conf check
cli "unknown command" 2 'unknown command "frobnicate"' \
    -f good/full.conf frobnicate
cli "bad timeout" 2 'invalid timeout "0" (1..3600 seconds)' -t 0 apply
cli "no command" 2 'usage: routeserver [-n] [-f file] [-r name] [-s socket] [-o output] [-t seconds]'
cli "two commands" 2 'usage: routeserver [-n] [-f file] [-r name] [-s socket] [-o output] [-t seconds]' \
    check status
cli "apply, relative output" 1 \
    'rel.conf: the BIRD configuration needs an absolute path without quotes, backslashes or control characters' \
    -f good/minimal.conf -o rel.conf apply
cli "generate to an unwritable place" 1 \
    "/nonexistent/dir/x.conf: cannot create a temporary file beside it: No such file or directory" \
    -f good/minimal.conf -o /nonexistent/dir/x.conf generate

# generate -o writes the file atomically with the same bytes
if "$rs" -f good/minimal.conf -o "$tmp/gen.conf" generate &&
    cmp -s good/minimal.bird "$tmp/gen.conf" &&
    [ "$(find "$tmp" -name 'gen.conf.*' | wc -l)" -eq 0 ]; then
	ok
else
	not_ok "generate -o" "file differs or temporary left behind"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
