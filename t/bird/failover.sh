#!/bin/bash
# t/bird/failover.sh: a dead tunnel takes its routes with it, everywhere.
# In the lab of t/bird/lab.sh with 100 ms x 3 keepalives:
#  - M1's underlay is cut (nftables drop on its veth): M1's prefix leaves
#    every other member's BIRD and kernel table (the hub's overlayd sees
#    the tunnel die and disables session m1 at the route server); the time
#    it took is logged.  Restored: back after the hold-down.
#  - overlayd on M2 is killed with SIGKILL: the same, seen from M1 and M3.
#    Restarted (with fresh SAs, as IKE would make): it reads BIRD's
#    state, converges, and M2 is back.
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=t/bird/lab.sh
. "$(dirname "$0")/lab.sh"
need_root
need_bird
need_cmd ping

lab_up "interval 100ms multiplier 3 holddown 1s"
wait_for 10 site_ping 1 2

log "M1's underlay is cut"
cut 1
# detection is 300 ms; the bound is generous so a loaded machine passes
ms=$(measure_ms 10 prefix_gone_everywhere 1)
echo "M1's prefix left M2 and M3 (BIRD and kernel) after ${ms} ms"
wait_for 5 tun_is H m1 .state down
wait_for 5 tun_is H m1 .bgp[0].bird_state down
wait_for 5 tun_is H m1 .bgp[0].wanted disabled
wait_for 5 tun_is M1 hub .bgp[0].bird_state down
# the others still reach each other
site_ping 2 3 || fail "M2 cannot reach M3 while M1 is cut"
ctl H show tunnels

log "M1's underlay is restored: back after the hold-down"
restore 1
wait_for 30 prefix_back_everywhere 1
wait_for 10 site_ping 2 1
wait_for 10 site_ping 1 3

log "overlayd on M2 is killed (SIGKILL)"
stop_overlayd M2 KILL
ms=$(measure_ms 10 prefix_gone_everywhere 2)
echo "M2's prefix left M1 and M3 (BIRD and kernel) after ${ms} ms"
wait_for 5 tun_is H m2 .bgp[0].bird_state down
site_ping 1 3 || fail "M1 cannot reach M3 while M2 is dead"

log "overlayd on M2 starts again: it converges with no manual step"
# new SAs first, as IKE would make: the hub remembers the old sequence
lab_rekey 2
ctl H reload
start_overlayd M2 "$T_TMP/M2.conf"
wait_for 30 prefix_back_everywhere 2
lab_wait_converged 30
wait_for 10 site_ping 2 3
wait_for 10 tun_is M2 hub .bgp[0].bird_state up
