# t/qemu/host.sh: the host's side of a qemu test, after t/lib.sh.
# shellcheck shell=bash
#
#	. "$(dirname "$0")/host.sh"
#	need_root; vm_lock		# before anything with a deadline
#	vm_start SHARE NETNS GUEST-SCRIPT [vm options]...
#	await_guest NAME SECONDS	# the guest said `signal NAME`
#	signal_guest NAME		# the guest's `await NAME`
#	vm_finish			# wait for the power-off, check the guest
#
# Host and guest step through the test with files in SHARE, the guest's
# /share (t/qemu/guest.sh is the guest's half).  When the test fails, the
# guest is told (host-failed) and its output and console end up in the log.

QEMU_VM=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/vm
QEMU_SHARE=
QEMU_PID=
QEMU_START=

# Skips here, with the reason, when qemu or the kernel is missing.
"$QEMU_VM" -C >/dev/null || exit $?
# The whole test, a wait for the other qemu test included (a test that
# sources t/ike/common.sh first, which starts the watchdog, sets
# T_TIMEOUT=1500 before it).
T_TIMEOUT=1500

qemu_cleanup() {
	local rc=$?
	set +e	# an EXIT trap under set -e: (exit 1) would end it early
	if [ -n "$QEMU_SHARE" ] && [ -d "$QEMU_SHARE" ]; then
		: >"$QEMU_SHARE/host-failed"
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			echo "---- guest output"
			cat "$QEMU_SHARE/guest.log" 2>/dev/null
			echo "---- console (end)"
			tail -n 30 "$QEMU_SHARE/console.log" 2>/dev/null
		fi
	fi
	(exit "$rc")
	cleanup
}
trap qemu_cleanup EXIT

# vm_lock: one VM at a time per build directory.  Under TCG a guest is
# CPU-bound: two at once on a small machine each run at half speed and
# miss their deadlines.  Held until the test exits.
vm_lock() {
	local lock="$abs_top_builddir/t/qemu/vm.lock" t0
	[ -z "${QEMU_LOCK_FD:-}" ] || return 0
	mkdir -p "$(dirname "$lock")"
	exec {QEMU_LOCK_FD}>>"$lock"
	t0=$(now_ms)
	if ! flock -n "$QEMU_LOCK_FD"; then
		echo "waiting for another qemu test to finish"
		flock -w 900 "$QEMU_LOCK_FD" || fail "no turn for qemu in 900 s"
		echo "waited $(( $(now_ms) - t0 )) ms for the other qemu test"
	fi
}

# vm_start SHARE NETNS GUEST-SCRIPT [vm options]...: boot in the background.
vm_start() {
	QEMU_SHARE=$1
	local ns=$2 script=$3
	shift 3
	vm_lock
	QEMU_START=$(now_ms)
	say '[+] boot: vm -n %s %s %s\n' "$ns" "$*" "$script"
	"$QEMU_VM" -n "$(ns_name "$ns")" -t qtap0 -s "$QEMU_SHARE" \
		-l "$QEMU_SHARE/console.log" "$@" "$script" \
		>"$T_TMP/vm.log" 2>&1 &
	QEMU_PID=$!
	BGPIDS+=("$QEMU_PID")
}

# await_guest NAME SECONDS: wait for the guest's NAME; fail the test if
# the guest failed or the VM ended first.
await_guest() {
	local deadline=$(($(now_ms) + $2 * 1000))
	say '[H] waiting for the guest: %s (%ss)\n' "$1" "$2"
	until [ -e "$QEMU_SHARE/$1" ]; do
		[ ! -e "$QEMU_SHARE/failed" ] || fail "the guest failed"
		! proc_gone "$QEMU_PID" || fail "the VM ended before the guest said $1"
		[ "$(now_ms)" -lt "$deadline" ] || fail "guest: no $1 after $2 s"
		sleep 0.1
	done
}

signal_guest() {
	: >"$QEMU_SHARE/$1.tmp"
	mv "$QEMU_SHARE/$1.tmp" "$QEMU_SHARE/$1"
}

# booted_ms: milliseconds since vm_start
booted_ms() {
	echo $(($(now_ms) - QEMU_START))
}

# vm_finish: wait for the power-off; the guest script must have passed.
vm_finish() {
	local rc=0
	wait_for 60 proc_gone "$QEMU_PID"
	wait "$QEMU_PID" || rc=$?
	cat "$T_TMP/vm.log"
	[ "$rc" = 0 ] || fail "the guest script failed (exit $rc)"
	echo "one boot, $(booted_ms) ms from boot to power-off"
}
