#!/bin/bash
# t/bird/routes.sh: the hub-and-spoke lab (t/bird/lab.sh) with real BIRD 2:
# every member learns the other members' site prefixes from the route
# server over its tunnel, in BIRD and in its kernel table, and pings their
# sites through the hub.  overlayctl shows each tunnel's BGP session as
# BIRD reports it.  A session disabled behind overlayd's back is enabled
# again (overlayd reads BIRD back and corrects it).  See lab.sh for the
# picture.
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=t/bird/lab.sh
. "$(dirname "$0")/lab.sh"
need_root
need_bird
need_cmd ping

lab_up "interval 100ms multiplier 3 holddown 1s"

log "every member reaches every other site through the hub"
for i in $LAB_MEMBERS; do
	for j in $LAB_MEMBERS; do
		[ "$i" = "$j" ] || wait_for 10 site_ping "$i" "$j"
	done
done
n M1 ping -n -c 3 -i 0.2 -W 1 -I "$(mem_site_addr 1)" "$(mem_site_addr 3)"
lab_show_routes
# next hops are kept by the route server: M1 reaches M2 via 198.18.1.2
nq M1 ip -4 route show "$(mem_site 2)" | grep -q "via $(mem_addr 2) dev ovl-hub" ||
	fail "M1's route to M2's site does not keep M2's next hop"

log "overlayctl shows the sessions as BIRD does"
ctl H show tunnels
ctl M1 show tunnels
for i in $LAB_MEMBERS; do
	wait_for 10 tun_is H "m$i" .bgp[0].bird_state up
	[ "$(tun_get H "m$i" '.bgp[0].protocol')" = "m$i" ] || fail "H: protocol"
	[ "$(tun_get H "m$i" '.bgp[0].wanted')" = enabled ] || fail "H: wanted"
	[ "$(tun_get H "m$i" '.bgp[0].bird_info')" = Established ] ||
		fail "H: m$i not Established"
	wait_for 10 tun_is "M$i" hub .bgp[0].bird_state up
done
[ "$(top_get H .bird.connected)" = true ] || fail "H not connected to BIRD"
ctl M1 show tunnels | grep -q '^    bgp: hub wanted enabled, bird up (Established)$' ||
	fail "M1's table does not show the session"

log "someone disables M1's session by hand: overlayd enables it again"
n M1 birdc -s "${BSOCKL[M1]}" disable hub
wait_for 10 prefix_gone_everywhere 1
wait_for 15 proto_is M1 hub "up Established"
wait_for 15 prefix_back_everywhere 1
grep -q 'BIRD protocol hub is down but tunnel hub is up: enabling it' \
	"$(daemon_log M1)" || fail "M1's overlayd did not log the correction"
[ "$(top_get M1 .bird.corrections)" -ge 1 ] || fail "no correction counted"
wait_for 10 site_ping 2 1
