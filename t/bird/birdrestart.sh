#!/bin/bash
# t/bird/birdrestart.sh: BIRD dies and comes back on a member (kill -9,
# then a clean restart): overlayd notices, reconnects by itself and the
# member converges with no manual step: it learns the others' prefixes
# again, they learn its prefix again, and pings cross the hub.  Then
# BIRD restarts while the member's tunnel is down: it
# comes up with its "hub" session enabled, and overlayd disables it until
# the tunnel is back.  Lab: t/bird/lab.sh.
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=t/bird/lab.sh
. "$(dirname "$0")/lab.sh"
need_root
need_bird
need_cmd ping

lab_up "interval 100ms multiplier 3 holddown 1s"

for sig in KILL TERM; do
	log "BIRD on M2 stops (SIG$sig) and restarts"
	c0=$(top_get M2 .bird.connects)
	bird_stop M2 "$sig"
	wait_for 10 top_is M2 .bird.connected false
	# the hub's session to M2 drops with it (BGP hold or TCP reset)
	wait_for 300 prefix_gone_everywhere 2
	daemon_alive M2 || fail "overlayd in M2 died with BIRD"
	bird_start M2
	wait_for 20 top_counter_gt M2 .bird.connects "$c0"
	lab_wait_converged 30
	wait_for 10 site_ping 2 1
	wait_for 10 site_ping 3 2
	wait_for 10 tun_is M2 hub .bgp[0].bird_state up
done

log "M3's underlay is cut, then BIRD on M3 restarts: overlayd keeps hub disabled"
cut 3
wait_for 10 tun_is M3 hub .state down
wait_for 10 proto_down M3 hub
bird_stop M3 KILL
bird_start M3
# BIRD comes up with "hub" enabled; overlayd reads that and disables it
corrected() {
	grep -q 'BIRD protocol hub is .* but tunnel hub is down: disabling it' \
	    "$(daemon_log M3)"
}
wait_for 15 corrected
wait_for 15 proto_down M3 hub
restore 3
wait_for 30 proto_is M3 hub "up Established"
lab_wait_converged 30
wait_for 10 site_ping 3 1
