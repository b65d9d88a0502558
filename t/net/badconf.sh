#!/bin/bash
# t/net/badconf.sh: the command lines fail clearly.  overlayd -n names the
# file and line of a config error and exits non-zero, says "configuration
# OK" for a good one; unknown options, stray arguments and missing files
# are refused with a message; overlayctl with bad arguments or no daemon
# says so and exits non-zero.  No namespaces: nothing to draw.
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_bins
# overlayd refuses configs others may read: they hold keys.
umask 077

good="$T_TMP/good.conf"
bad="$T_TMP/bad.conf"
out="$T_TMP/out"
err="$T_TMP/err"

cat >"$good" <<CONF
# a good one
control socket "$T_TMP/run/none.sock"
peer "b" {
	local $UL4_A
	remote $UL4_B
	encap udp
	address $OVL4_A/31
	sa in spi $SPI_BA aes-gcm-256 key $(sa_key 256)
	sa out spi $SPI_AB aes-gcm-256 key $(sa_key 256)
}
CONF

# run CMD...: run CMD, stdout to $out, stderr to $err; sets $rc.
run() {
	printf '[+] %s\n' "$*"
	rc=0
	"$@" >"$out" 2>"$err" || rc=$?
	sed 's/^/	stdout: /' "$out"
	sed 's/^/	stderr: /' "$err"
	echo "	exit $rc"
}

# refused WHAT REGEX CMD...: CMD exits non-zero, its stderr matches REGEX.
refused() {
	local what=$1 re=$2
	shift 2
	run "$@"
	[ "$rc" -ne 0 ] || fail "$what: exit 0"
	[ "$rc" -lt 128 ] || fail "$what: killed by signal $((rc - 128))"
	grep -qiE -- "$re" "$err" || fail "$what: stderr does not match /$re/"
}

log "a good config"
run "$OVERLAYD" -n -f "$good"
[ "$rc" = 0 ] || fail "good config refused"
cat "$out" "$err" | grep -q "configuration OK" || fail "no 'configuration OK'"
run "$OVERLAYD" -n -v -f "$good"
[ "$rc" = 0 ] || fail "-n -v refused the good config"
grep -q 'peer "b"' "$out" || fail "-n -v did not print the config"

log "bad configs: file:line"
# name, the line the error is on, the config
check_bad() {
	local name=$1 line=$2
	cat >"$bad"
	refused "$name" "bad\\.conf:$line" "$OVERLAYD" -n -f "$bad"
}
check_bad "unknown keyword" 3 <<CONF
# line 1
mtu 1500
frobnicate yes
CONF
check_bad "syntax error in peer" 5 <<CONF
peer "b" {
	local $UL4_A
	remote $UL4_B
	address $OVL4_A/31
	sa in spi $SPI_BA aes-gcm-256 key 0x00
	sa out spi $SPI_AB aes-gcm-256 key $(sa_key 256)
}
CONF
check_bad "mtu out of range" 1 <<CONF
mtu 100
CONF
check_bad "unterminated string" 1 <<CONF
user "overlayd
CONF
check_bad "unclosed block" 3 <<CONF
peer "b" {
	local $UL4_A
	remote $UL4_B
CONF
printf 'mtu 1500\n\0\n' >"$bad"
refused "NUL byte" "bad\\.conf:2" "$OVERLAYD" -n -f "$bad"

log "bad command lines"
refused "missing file" "/nonexistent/overlayd\\.conf" \
	"$OVERLAYD" -n -f /nonexistent/overlayd.conf
refused "unknown option" "usage|option" "$OVERLAYD" -Z
refused "stray argument" "usage" "$OVERLAYD" -n -f "$good" extra
refused "-f without a file" "usage|option|argument" "$OVERLAYD" -n -f

log "overlayctl"
refused "overlayctl without a command" "usage" "$OVERLAYCTL"
refused "overlayctl unknown command" "usage|unknown|frobnicate" \
	"$OVERLAYCTL" -s "$T_TMP/run/none.sock" frobnicate
refused "overlayctl unknown option" "usage|option" "$OVERLAYCTL" -Z show tunnels
refused "overlayctl show what" "usage|unknown|show|tunnels|bananas" \
	"$OVERLAYCTL" -s "$T_TMP/run/none.sock" show bananas
refused "overlayctl no daemon" "none\\.sock" \
	"$OVERLAYCTL" -s "$T_TMP/run/none.sock" show tunnels
refused "overlayctl --json no daemon" "none\\.sock" \
	"$OVERLAYCTL" -s "$T_TMP/run/none.sock" --json show tunnels
