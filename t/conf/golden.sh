#!/bin/sh
# t/conf/golden.sh: overlayd.conf parser golden tests.
#
#   good/NAME.conf  must parse; its canonical print must equal good/NAME.out,
#                   and NAME.out must parse and print to itself again.
#   bad/NAME.conf   must fail with exactly the one stderr line in bad/NAME.err.
#
# Runs from the build directory (make check sets $srcdir); reads inputs from
# $srcdir only and writes to a temporary directory. Exit 0 pass, 1 fail,
# 77 skip, 99 hard error.

: "${srcdir:=.}"
confprint=${CONFPRINT:-$(pwd)/t/conf/confprint}
if [ ! -x "$confprint" ]; then
	echo "SKIP: $confprint not built"
	exit 77
fi
cd "$srcdir/t/conf" || exit 99
tmp=$(mktemp -d "${TMPDIR:-/tmp}/conftest.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

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
		diff -u "$3" "$4" | sed 's/^/	/'
	fi
}

# check_good CASE FILE EXPECTED: FILE parses and prints EXPECTED, no stderr
check_good() {
	"$confprint" "$2" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$1" "exit $rc, expected 0"
		sed 's/^/	/' "$tmp/err"
	elif [ -s "$tmp/err" ]; then
		not_ok "$1" "unexpected stderr"
		sed 's/^/	/' "$tmp/err"
	elif ! cmp -s "$3" "$tmp/out"; then
		not_ok "$1" "output differs" "$3" "$tmp/out"
	else
		ok
	fi
}

for conf in good/*.conf; do
	name=${conf%.conf}
	check_good "$conf" "$conf" "$name.out"
	check_good "$name.out (reparse)" "$name.out" "$name.out"
done

for conf in bad/*.conf; do
	name=${conf%.conf}
	"$confprint" "$conf" >"$tmp/out" 2>"$tmp/err"
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

# One process, a failed parse then a good one: nothing may leak between them.
"$confprint" bad/macro_undef.conf good/macros.conf bad/unterminated.conf \
    good/full.conf >"$tmp/out" 2>"$tmp/err"
rc=$?
cat good/macros.out good/full.out >"$tmp/want.out"
cat bad/macro_undef.err bad/unterminated.err >"$tmp/want.err"
if [ $rc -ne 1 ]; then
	not_ok "reparse in one process" "exit $rc, expected 1"
elif ! cmp -s "$tmp/want.out" "$tmp/out"; then
	not_ok "reparse in one process" "output differs" "$tmp/want.out" "$tmp/out"
elif ! cmp -s "$tmp/want.err" "$tmp/err"; then
	not_ok "reparse in one process" "errors differ" "$tmp/want.err" "$tmp/err"
else
	ok
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
