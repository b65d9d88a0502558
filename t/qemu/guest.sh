# t/qemu/guest.sh: helpers for guest scripts run by t/qemu/vm (busybox sh).
#
#	. /share/guest.sh
#	signal configured		# host side: test -e "$SHARE/configured"
#	await host-done 60		# host side: touch "$SHARE/host-done"
#
# The host and the guest coordinate through files in /share (9p, no cache):
# every wait is bounded.  Exit 0 pass, 1 fail; the host sees the status.

export PATH=/sbin:/bin
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
# The host signals "failed" when it gives up: stop at once then.
await() {
	i=0
	while [ ! -e "/share/$1" ]; do
		[ ! -e /share/host-failed ] || gfail "the host failed; stopping"
		[ "$i" -lt "$(($2 * 20))" ] || gfail "timed out waiting for $1"
		i=$((i + 1))
		usleep 50000
	done
}

# gpoll SECONDS CMD...: poll CMD every 100 ms; 1 when SECONDS run out.
gpoll() {
	n=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		usleep 100000
	done
}
