# t/qemu/guest.sh: helpers for guest scripts run by t/qemu/vm (busybox sh).
#
#	. /share/guest.sh
#	signal configured		# host side: test -e "$SHARE/configured"
#	await host-done 60		# host side: touch "$SHARE/host-done"
#
# The host and the guest coordinate through files in /share (9p, no cache):
# every wait is bounded.  Exit 0 pass, 1 fail; the host sees the status.

export PATH=/sbin:/bin
# shellcheck disable=SC2034
IP=/sbin/ip	# iproute2; busybox's ip applet is not it

say() {
	echo "[guest] $*"
}

gfail() {
	echo "FAIL(guest): $*"
	signal failed
	exit 1
}

# run CMD...: echo and run CMD; fail the guest script when it fails.
run() {
	echo "[guest] $*"
	"$@" || gfail "$* (exit $?)"
}

# signal NAME: tell the host NAME happened.
signal() {
	: >"/share/$1.tmp" && mv "/share/$1.tmp" "/share/$1"
}

# await NAME SECONDS: wait for the host to signal NAME; fail after SECONDS.
# The host signals "host-failed" when it gives up: stop at once then.
await() {
	_end=$(($(date +%s) + $2))
	while [ ! -e "/share/$1" ]; do
		[ ! -e /share/host-failed ] || gfail "the host failed; stopping"
		[ "$(date +%s)" -le "$_end" ] || gfail "timed out waiting for $1"
		usleep 50000
	done
}

# gpoll SECONDS CMD...: poll CMD every 100 ms; 1 when SECONDS run out.
gpoll() {
	_end=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -le "$_end" ] || return 1
		usleep 100000
	done
}
