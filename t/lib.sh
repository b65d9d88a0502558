# t/lib.sh: shared helpers for the network-namespace tests (bash).
# shellcheck shell=bash disable=SC2034
#
# Source it first thing, after `set -eu`:
#
#	. "$(dirname "$0")/../lib.sh"
#	need_root
#	lab2 --encap udp
#	n A ping -c 1 -W 1 "$OVL4_B"
#
# Namespaces are named coi-<test>-<pid>-<label> so that tests may run in
# parallel (make -j2 check); the tests call them by label: A, B, R.  Every
# command run in a namespace is echoed to the log with its label.  Every wait
# is a bounded poll (wait_for); nothing sleeps to synchronise.  On exit, for
# any reason, cleanup kills what was started, deletes the namespaces and the
# temporary directory, and shows the daemon logs of a failed test.
#
# Exit codes follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

set -o pipefail

T_NAME=$(basename "$0" .sh)
T_SUFFIX="$T_NAME-$$"
: "${abs_top_builddir:=$(pwd)}"
: "${OVERLAYD:=$abs_top_builddir/overlayd/overlayd}"
: "${OVERLAYCTL:=$abs_top_builddir/overlayd/overlayctl}"
: "${T_TOOLS:=$abs_top_builddir/t/tools}"
# Whole-test deadline, seconds: a hung command fails the test, not the suite.
: "${T_TIMEOUT:=300}"
# T_VERBOSE=0 stops the echo of commands (for the demo and the benchmark).
: "${T_VERBOSE:=1}"
# Printed by cleanup when everything went well.
: "${T_DONE_MSG=PASS: $T_NAME}"

# The lab addresses (DESIGN.md: documentation and benchmarking ranges only).
UL4_A=198.51.100.1 UL4_B=198.51.100.2
UL6_A=2001:db8:100::1 UL6_B=2001:db8:100::2
OVL4_A=198.18.0.0 OVL4_B=198.18.0.1
OVL6_A=2001:db8:ff::2 OVL6_B=2001:db8:ff::3
SPI_AB=0x0000a0b1	# A's "sa out" == B's "sa in"
SPI_BA=0x0000b0a1	# B's "sa out" == A's "sa in"

declare -A NS=()	# label -> namespace name
declare -A PID=()	# label -> overlayd pid
declare -A SOCK=()	# label -> control socket
declare -A CONF=()	# label -> config file
declare -a BGPIDS=()	# other background processes to stop on exit
T_TMP=
T_WATCHDOG=
T_FAILED=0

# Every test holds the suite lock shared while it runs; need_quiet trades
# that for the exclusive lock, so that a test whose outcome depends on
# timing (keepalives under loss) runs alone: it waits, up to 1200 s (a
# qemu test beside it takes minutes), for the tests running beside it to
# end, and none starts until it is done. The wait counts against the
# test's T_TIMEOUT: such a test sets T_TIMEOUT=1800 before t/lib.sh.
: "${T_LOCK:=/tmp/coimesh-suite.lock}"
exec {T_LOCKFD}>>"$T_LOCK"
flock -s "$T_LOCKFD"

need_quiet() {
	flock -u "$T_LOCKFD"
	if ! flock -x -w 1200 "$T_LOCKFD"; then
		say '[+] %s\n' "no quiet machine in 1200 s: running beside other tests"
		flock -s "$T_LOCKFD"
	fi
}

log() {
	printf '\n== %s\n' "$*"
}

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	T_FAILED=1
	exit 1
}

skip() {
	printf 'SKIP: %s\n' "$*"
	exit 77
}

# need_root: skip unless this can build namespaces with TUN devices.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
	[ -c /dev/net/tun ] || skip "/dev/net/tun is missing"
	local c
	for c in ip jq timeout; do
		command -v "$c" >/dev/null || skip "$c not installed (scripts/deps test)"
	done
	local probe="coi-probe-$$"
	ip netns add "$probe" 2>/dev/null || skip "ip netns add failed"
	ip netns del "$probe"
	getent passwd overlayd >/dev/null ||
		skip "no user overlayd (scripts/deps test creates it)"
	need_bins
}

# need_bins: the binaries under test exist; set up the temporary directory
# and the watchdog.  (need_root calls it; tests without namespaces call it.)
need_bins() {
	[ -x "$OVERLAYD" ] || { echo "ERROR: $OVERLAYD not built"; exit 99; }
	[ -x "$OVERLAYCTL" ] || { echo "ERROR: $OVERLAYCTL not built"; exit 99; }
	tmpdir >/dev/null
	watchdog
}

# ensure_build DIR [CONFIGURE ARGS...]: build overlayd and overlayctl in DIR
# (relative to the source top) quietly, running autoreconf and configure only when they
# have not run yet; on failure show the end of the log and return 1.
ensure_build() {
	local dir=$1 top
	shift
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	mkdir -p "$top/$dir"
	if [ ! -x "$top/configure" ]; then
		(cd "$top" && autoreconf -fi) >"$top/$dir/autoreconf.log" 2>&1 ||
			{ tail -n 40 "$top/$dir/autoreconf.log"; return 1; }
	fi
	if [ ! -f "$top/$dir/Makefile" ]; then
		(cd "$top/$dir" && "$top/configure" "$@") \
			>"$top/$dir/configure.log" 2>&1 ||
			{ tail -n 40 "$top/$dir/configure.log"; return 1; }
	fi
	make -C "$top/$dir" -j2 overlayd/overlayd overlayd/overlayctl \
		>"$top/$dir/make.log" 2>&1 ||
		{ tail -n 40 "$top/$dir/make.log"; return 1; }
}

# need_cmd CMD...: skip unless every CMD is installed.
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c not installed (scripts/deps test)"
	done
}

# tmpdir: create (once) and print the test's temporary directory.  Group
# overlayd may traverse it: the daemon re-reads its config after dropping
# privileges.  $T_TMP/run holds the control sockets.
tmpdir() {
	if [ -z "$T_TMP" ]; then
		T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/coimesh-$T_NAME.XXXXXX")
		mkdir "$T_TMP/run"
		chgrp overlayd "$T_TMP" "$T_TMP/run" 2>/dev/null || true
		chmod 0750 "$T_TMP"
		chmod 0770 "$T_TMP/run"
	fi
	echo "$T_TMP"
}

# watchdog: end the test (and its children) when T_TIMEOUT runs out.
# Started once: a second need_root (a test and a helper it sources both
# call it) must not leave a first watchdog behind that nobody stops.  A
# fresh bash, not a subshell: a subshell killed early runs this shell's
# traps (cleanup) itself.  It does not hold the suite lock.
watchdog() {
	[ -z "$T_WATCHDOG" ] || return 0
	# the sleep goes too: left behind, it holds the test's stdout
	# shellcheck disable=SC2016
	bash -c 'trap "kill \$sl 2>/dev/null; exit 0" TERM
		eval "exec $3>&-"
		sleep "$1" & sl=$!
		wait "$sl"
		trap "" TERM
		echo "FAIL: test exceeded $1s" >&2
		kill -TERM "$2"
		pkill -TERM -P "$2"' watchdog "$T_TIMEOUT" "$$" "$T_LOCKFD" &
	T_WATCHDOG=$!
}

# ns_add LABEL: create namespace for LABEL with lo up.
ns_add() {
	local name="coi-$T_SUFFIX-$1"
	ip netns add "$name"
	NS[$1]=$name
	ip -n "$name" link set lo up
}

# ns_name LABEL: the real namespace name.
ns_name() {
	[ -n "${NS[$1]:-}" ] || fail "no namespace labelled $1"
	echo "${NS[$1]}"
}

# say FORMAT ARGS...: the command echo, unless T_VERBOSE=0.
say() {
	# shellcheck disable=SC2059
	[ "$T_VERBOSE" = 0 ] || printf "$@" >&2
}

# n LABEL CMD...: run CMD in namespace LABEL, echoing it to the log.
n() {
	local label=$1 ns
	shift
	ns=$(ns_name "$label")
	say '[%s] %s\n' "$label" "$*"
	ip netns exec "$ns" "$@"
}

# nq LABEL CMD...: like n, without the echo (for polls).
nq() {
	local ns
	ns=$(ns_name "$1")
	shift
	ip netns exec "$ns" "$@"
}

# veth_pair NS1 IF1 NS2 IF2: a veth pair from IF1 in NS1 to IF2 in NS2, up.
veth_pair() {
	local ns1 ns2
	ns1=$(ns_name "$1")
	ns2=$(ns_name "$3")
	say '[+] veth %s:%s <-> %s:%s\n' "$1" "$2" "$3" "$4"
	ip -n "$ns1" link add "$2" type veth peer name "$4" netns "$ns2"
	ip -n "$ns1" link set "$2" up
	ip -n "$ns2" link set "$4" up
}

# now_ms: wall clock in milliseconds.
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds; fail the
# test, naming what it waited for, when SECONDS run out.
wait_for() {
	local secs=$1 deadline
	shift
	deadline=$(($(now_ms) + secs * 1000))
	while :; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		[ "$(now_ms)" -lt "$deadline" ] || break
		sleep 0.05
	done
	echo "timed out after ${secs}s waiting for: $*" >&2
	"$@" >&2 || true
	fail "wait_for $*"
}

# poll SECONDS CMD...: like wait_for, but return 1 instead of failing.
poll() {
	local secs=$1 deadline
	shift
	deadline=$(($(now_ms) + secs * 1000))
	until "$@" >/dev/null 2>&1; do
		[ "$(now_ms)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# port_listening LABEL PORT: something in LABEL's namespace listens on TCP
# PORT; udp_bound LABEL PORT: a socket there is bound to UDP PORT.
port_listening() {
	nq "$1" ss -Hltn "sport = :$2" | grep -q LISTEN
}
udp_bound() {
	nq "$1" ss -Hlun "sport = :$2" | grep -q .
}

# proc_gone PID: true when PID has exited (gone or a zombie).
proc_gone() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$state" ] || [ "$state" = Z ]
}

# bg LABEL LOGFILE CMD...: start CMD in namespace LABEL in the background,
# output to LOGFILE; its pid is in $BG_PID and is killed on exit.
BG_PID=
bg() {
	local ns=$1 out=$2
	shift 2
	say '[%s] %s &\n' "$ns" "$*"
	ip netns exec "$(ns_name "$ns")" "$@" >"$out" 2>&1 &
	BG_PID=$!
	BGPIDS+=("$BG_PID")
}

# stop_pid PID [SIGNAL]: signal PID, wait up to 5 s, then SIGKILL; sets
# $STOP_RC to its exit status.
STOP_RC=
stop_pid() {
	local pid=$1 sig=${2:-TERM}
	STOP_RC=
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	kill "-$sig" "$pid" 2>/dev/null || true
	if ! poll 5 proc_gone "$pid"; then
		echo "pid $pid ignored SIG$sig for 5s, killing" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	STOP_RC=0
	wait "$pid" 2>/dev/null || STOP_RC=$?
}

# write_file MODE FILE: stdin to FILE, owned root:overlayd with MODE.
write_file() {
	cat >"$2"
	chown root:overlayd "$2"
	chmod "$1" "$2"
}

# start_overlayd LABEL CONF: run overlayd -d -f CONF in LABEL's namespace;
# wait until its control socket answers.  The log is $T_TMP/overlayd-LABEL.log.
start_overlayd() {
	local label=$1 conf=$2 logf sock
	logf="$T_TMP/overlayd-$label.log"
	sock=$(sed -n 's/^control socket "\(.*\)"$/\1/p' "$conf")
	[ -n "$sock" ] || fail "$conf has no control socket line"
	CONF[$label]=$conf
	SOCK[$label]=$sock
	say '[%s] %s -d -f %s &\n' "$label" "$OVERLAYD" "$conf"
	ip netns exec "$(ns_name "$label")" "$OVERLAYD" -d -f "$conf" \
		>>"$logf" 2>&1 &
	PID[$label]=$!
	local deadline=$(($(now_ms) + 10000))
	until [ -S "$sock" ] &&
	    timeout 2 "$OVERLAYCTL" -s "$sock" show tunnels >/dev/null 2>&1; do
		if proc_gone "${PID[$label]}"; then
			cat "$logf" >&2
			fail "overlayd in $label exited during startup"
		fi
		[ "$(now_ms)" -lt "$deadline" ] ||
			fail "overlayd in $label: no control socket $sock after 10s"
		sleep 0.05
	done
}

# stop_overlayd LABEL [SIGNAL]: stop LABEL's daemon; $STOP_RC is its status.
stop_overlayd() {
	local label=$1
	[ -n "${PID[$label]:-}" ] || return 0
	stop_pid "${PID[$label]}" "${2:-TERM}"
	unset "PID[$label]"
}

# daemon_alive LABEL: overlayd in LABEL is still running.
daemon_alive() {
	[ -n "${PID[$1]:-}" ] && ! proc_gone "${PID[$1]}"
}

# daemon_log LABEL: path of LABEL's overlayd log.
daemon_log() {
	echo "$T_TMP/overlayd-$1.log"
}

# ctl LABEL ARGS...: overlayctl against LABEL's control socket (10 s at
# most: a daemon that stops answering fails the test, it does not hang it).
ctl() {
	local label=$1
	shift
	[ -n "${SOCK[$label]:-}" ] || fail "no control socket for $label"
	timeout 10 "$OVERLAYCTL" -s "${SOCK[$label]}" "$@"
}

# json_get FILTER: apply the jq FILTER to stdin, print the raw result;
# fails when the result is null or false.
json_get() {
	jq -er "$1"
}

# tun_get LABEL PEER FILTER: field FILTER (e.g. .drops.auth) of tunnel PEER
# in LABEL's `overlayctl --json show tunnels`.
tun_get() {
	ctl "$1" --json show tunnels |
		jq -er --arg p "$2" ".tunnels[] | select(.name == \$p) | $3"
}

# top_get LABEL FILTER: top-level field (e.g. .drops.no_sa) of show tunnels.
top_get() {
	ctl "$1" --json show tunnels | jq -er "$2"
}

# gt A B: integer A > B (for wait_for).
gt() {
	[ "$1" -gt "$2" ]
}

# counter_gt LABEL PEER FILTER VALUE: tunnel counter exceeds VALUE.
counter_gt() {
	local v
	v=$(tun_get "$1" "$2" "$3") || return 1
	[ "$v" -gt "$4" ]
}

# top_counter_gt LABEL FILTER VALUE: top-level counter exceeds VALUE.
top_counter_gt() {
	local v
	v=$(top_get "$1" "$2") || return 1
	[ "$v" -gt "$3" ]
}

# link_exists LABEL IFNAME
link_exists() {
	nq "$1" ip link show dev "$2" >/dev/null 2>&1
}

# link_absent LABEL IFNAME
link_absent() {
	! link_exists "$@"
}

# pings LABEL ADDR: one ping with a 1 s wait.
pings() {
	nq "$1" ping -n -c 1 -W 1 "$2"
}

# randhex BYTES: BYTES random bytes as hex.
randhex() {
	od -An -vtx1 -N "$1" /dev/urandom | tr -d ' \n'
}

# sa_key BITS: a random AES-GCM key of BITS (128 or 256) plus 4-byte salt.
sa_key() {
	case $1 in
	128) echo "0x$(randhex 20)" ;;
	256) echo "0x$(randhex 36)" ;;
	*) fail "sa_key: bad key size $1" ;;
	esac
}

# lab2_net: the standard two-node lab.
#
#   +-------------------------+            +-------------------------+
#   | ns A                    |            | ns B                    |
#   |  ovl-b 198.18.0.0/31    |            |  ovl-a 198.18.0.1/31    |
#   |        2001:db8:ff::2   |            |        2001:db8:ff::3   |
#   |  ul0 198.51.100.1/24    |  veth      |  ul0 198.51.100.2/24    |
#   |      2001:db8:100::1/64 +------------+      2001:db8:100::2/64 |
#   +-------------------------+            +-------------------------+
lab2_net() {
	ns_add A
	ns_add B
	veth_pair A ul0 B ul0
	n A ip addr add "$UL4_A/24" dev ul0
	n B ip addr add "$UL4_B/24" dev ul0
	n A ip addr add "$UL6_A/64" dev ul0 nodad
	n B ip addr add "$UL6_B/64" dev ul0 nodad
}

# node_conf FILE NAME SOCK LOCAL REMOTE ENCAP GREKEY MTU ADDR4 ADDR6 SPI_IN
#   KEY_IN SPI_OUT KEY_OUT KEYBITS: write one overlayd.conf with one peer.
node_conf() {
	local file=$1 name=$2 sock=$3 local=$4 remote=$5 encap=$6 grekey=$7
	local mtu=$8 a4=$9 a6=${10} spi_in=${11} key_in=${12} spi_out=${13}
	local key_out=${14} bits=${15}
	{
		echo "# $T_NAME: generated by t/lib.sh"
		echo 'user "overlayd"'
		echo "control socket \"$sock\""
		echo 'control group "overlayd"'
		echo
		echo "peer \"$name\" {"
		echo "	local $local"
		echo "	remote $remote"
		echo "	encap $encap"
		[ -z "$mtu" ] || echo "	mtu $mtu"
		[ -z "$grekey" ] || echo "	gre key $grekey"
		echo "	address $a4/31"
		echo "	address $a6/127"
		echo "	sa in spi $spi_in aes-gcm-$bits key $key_in"
		echo "	sa out spi $spi_out aes-gcm-$bits key $key_out"
		echo "}"
	} | write_file 0640 "$file"
}

# lab2_conf [--encap esp|udp] [--port N] [--af 4|6] [--gre-key N]
#   [--key-bits 128|256] [--wrong-key A|B] [--mtu N]: write $T_TMP/A.conf
#   and $T_TMP/B.conf, mirrored (A's sa out is B's sa in).  --wrong-key X
#   gives X an inbound key that does not match what its peer sends.
lab2_conf() {
	local encap=esp port='' af=4 grekey='' bits=256 wrong='' mtu=''
	while [ $# -gt 0 ]; do
		case $1 in
		--encap) encap=$2; shift 2 ;;
		--port) port=$2; shift 2 ;;
		--af) af=$2; shift 2 ;;
		--gre-key) grekey=$2; shift 2 ;;
		--key-bits) bits=$2; shift 2 ;;
		--wrong-key) wrong=$2; shift 2 ;;
		--mtu) mtu=$2; shift 2 ;;
		*) fail "lab2_conf: unknown option $1" ;;
		esac
	done
	local enc=$encap
	[ "$encap" != udp ] || [ -z "$port" ] || enc="udp port $port"
	local la=$UL4_A lb=$UL4_B
	[ "$af" = 4 ] || { la=$UL6_A; lb=$UL6_B; }
	local k_ab k_ba k_a_in k_b_in
	k_ab=$(sa_key "$bits")
	k_ba=$(sa_key "$bits")
	k_a_in=$k_ba
	k_b_in=$k_ab
	[ "$wrong" != A ] || k_a_in=$(sa_key "$bits")
	[ "$wrong" != B ] || k_b_in=$(sa_key "$bits")
	node_conf "$T_TMP/A.conf" b "$T_TMP/run/A.sock" "$la" "$lb" "$enc" \
		"$grekey" "$mtu" "$OVL4_A" "$OVL6_A" "$SPI_BA" "$k_a_in" \
		"$SPI_AB" "$k_ab" "$bits"
	node_conf "$T_TMP/B.conf" a "$T_TMP/run/B.sock" "$lb" "$la" "$enc" \
		"$grekey" "$mtu" "$OVL4_B" "$OVL6_B" "$SPI_AB" "$k_b_in" \
		"$SPI_BA" "$k_ba" "$bits"
	say '[+] lab2_conf %s, underlay IPv%s%s%s\n' "$enc" "$af" \
		"${grekey:+, gre key $grekey}" "${wrong:+, wrong key on $wrong}" >&2
}

# lab2_start: start both daemons, wait for ovl-b in A and ovl-a in B.
lab2_start() {
	start_overlayd A "$T_TMP/A.conf"
	start_overlayd B "$T_TMP/B.conf"
	wait_for 5 link_exists A ovl-b
	wait_for 5 link_exists B ovl-a
}

# lab2_stop: stop both daemons (namespaces stay).
lab2_stop() {
	stop_overlayd A
	stop_overlayd B
}

# lab2 [lab2_conf options]: namespaces, configs, daemons.
lab2() {
	lab2_net
	lab2_conf "$@"
	lab2_start
}

# wait_ping LABEL ADDR [SECONDS]: wait until ADDR answers a ping from LABEL.
wait_ping() {
	say '[%s] ping %s (until it answers, %ss)\n' "$1" "$2" "${3:-10}"
	wait_for "${3:-10}" pings "$1" "$2"
}

# sha256 FILE: the hex digest.
sha256() {
	sha256sum "$1" | cut -d' ' -f1
}

# check_sanitizers: fail when a daemon log holds a sanitizer report.
check_sanitizers() {
	local f
	for f in "$T_TMP"/overlayd-*.log; do
		[ -e "$f" ] || continue
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
			echo "sanitizer report in $f" >&2
			return 1
		fi
	done
}

cleanup() {
	local rc=$? label pid f
	set +e
	trap - EXIT
	[ -z "$T_WATCHDOG" ] || { kill "$T_WATCHDOG" 2>/dev/null; wait "$T_WATCHDOG" 2>/dev/null; }
	for label in "${!PID[@]}"; do
		stop_pid "${PID[$label]}" TERM
	done
	for pid in "${BGPIDS[@]}"; do
		kill "$pid" 2>/dev/null && poll 2 proc_gone "$pid"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for label in "${!NS[@]}"; do
		ip netns del "${NS[$label]}" 2>/dev/null
	done
	if [ -n "$T_TMP" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] || [ "$T_FAILED" -ne 0 ]; then
			for f in "$T_TMP"/overlayd-*.log; do
				[ -e "$f" ] || continue
				echo "---- $f"
				tail -n 60 "$f"
			done
		fi
		if [ "$rc" -eq 0 ] && ! check_sanitizers; then
			for f in "$T_TMP"/overlayd-*.log; do
				echo "---- $f"; cat "$f"
			done
			rc=1
		fi
		rm -rf "$T_TMP"
	fi
	if [ "$rc" -eq 0 ] && [ -n "$T_DONE_MSG" ]; then
		echo "$T_DONE_MSG"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
