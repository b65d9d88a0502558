#!/bin/bash
# t/net/shutdown.sh: SIGTERM (A) and SIGINT (B) end overlayd cleanly: exit
# status 0, its ovl- interfaces gone, its control socket no longer
# answering.
#
#   +-------------------+          +-------------------+
#   | ns A   ovl-b      |          | ns B   ovl-a      |
#   |  ul0 198.51.100.1 +-- veth --+ ul0 198.51.100.2  |
#   +-------------------+          +-------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd ping

sock_dead() {
	[ ! -e "$1" ] || ! "$OVERLAYCTL" -s "$1" show tunnels
}

lab2 --encap udp
wait_ping A "$OVL4_B"
for x in "A b TERM" "B a INT"; do
	read -r label peer sig <<<"$x"
	log "SIG$sig to overlayd in $label"
	sock=${SOCK[$label]}
	stop_overlayd "$label" "$sig"
	echo "exit status $STOP_RC"
	[ "$STOP_RC" = 0 ] || fail "overlayd in $label exited $STOP_RC on SIG$sig"
	wait_for 2 link_absent "$label" "ovl-$peer"
	sock_dead "$sock" || fail "control socket still answers"
	[ ! -e "$sock" ] || echo "note: $sock left behind"
	nq "$label" ip -br link
done
grep -iE 'exit|shut|terminat' "$(daemon_log A)" || true
