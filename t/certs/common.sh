# t/certs/common.sh: what the coimesh-pki tests share (bash). Sources
# t/lib.sh for fail/skip/log, the temporary directory and the watchdog;
# these tests need neither root nor namespaces.
# shellcheck shell=bash disable=SC2034
# Slow machines: these tests run some 60 commands each.
: "${T_TIMEOUT:=900}"
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"

: "${PKI:=$abs_top_builddir/certs/coimesh-pki}"
[ -x "$PKI" ] || { echo "ERROR: $PKI not built"; exit 99; }
need_cmd jq
tmpdir >/dev/null
watchdog
cd "$T_TMP"
umask 022

out="$T_TMP/.out"
err="$T_TMP/.err"

# run CMD...: run CMD, stdout to $out, stderr to $err; sets $rc.
run() {
	printf '[+] %s\n' "$*"
	rc=0
	"$@" >"$out" 2>"$err" || rc=$?
	sed 's/^/	stdout: /' "$out"
	sed 's/^/	stderr: /' "$err"
	echo "	exit $rc"
}

# ok CMD...: CMD succeeds and says nothing on stderr.
ok() {
	run "$@"
	[ "$rc" -eq 0 ] || fail "exit $rc: $*"
	[ ! -s "$err" ] || fail "stderr not empty: $*"
}

# pki ARGS...: ok "$PKI" ARGS...
pki() {
	ok "$PKI" "$@"
}

# snap DIR...: a listing of everything under DIR (path, mode; size and
# mtime of files), then the digests of the regular files. (The lock file
# is made the first time a command takes the lock.)
snap() {
	find "$@" -path '*/.lock' -prune -o -type d -printf '%p %m\n' -o \
	    -printf '%p %m %s %T@\n' | sort
	find "$@" -path '*/.lock' -prune -o -type f -exec sha256sum {} + | sort
}

# refused WANT CMD...: CMD exits 1, its stderr is exactly WANT (one line),
# and nothing under the CA directories ($DIRS) changed.
refused() {
	local want=$1 before after
	shift
	before=$(snap $DIRS)
	run "$@"
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1: $*"
	[ "$(cat "$err")" = "$want" ] ||
		fail "stderr is \"$(cat "$err")\", want \"$want\""
	after=$(snap $DIRS)
	if [ "$before" != "$after" ]; then
		diff <(echo "$before") <(echo "$after") >&2 || true
		fail "files changed after a refused command: $*"
	fi
	# no temporary file left behind
	! find $DIRS -name '.pki-tmp.*' | grep -q . ||
		fail "temporary files left: $(find $DIRS -name '.pki-tmp.*')"
}

# mode FILE: its permission bits in octal.
mode() {
	stat -c %a "$1"
}

# mesh: root (the documentation ranges, ASNs 64512-65534), organization
# acme (COIs red and blue, 198.18.0.0/16, 2001:db8:1::/48) and its node n1.
mesh() {
	pki root -d root --prefix 198.18.0.0/15 --prefix 192.0.2.0/24 \
	    --prefix 2001:db8::/32 --asn 64512-65534
	pki org -d root -o acme --coi red --coi blue \
	    --prefix 198.18.0.0/16 --prefix 2001:db8:1::/48 \
	    --asn 64600-64699 acme
	pki node -d acme --coi red --prefix 198.18.1.0/24 --asn 64601 \
	    --dns n1.acme.example --ip 198.51.100.1 n1
	DIRS="root acme"
}

# bundle FILE: the root certificate and every CA's CRL, what a node loads.
bundle() {
	cat root/root.crt root/crl.pem acme/crl.pem >"$1"
	[ ! -f beta/crl.pem ] || cat beta/crl.pem >>"$1"
}
