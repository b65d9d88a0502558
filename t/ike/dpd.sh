#!/bin/bash
# t/ike/dpd.sh: liveness. B's overlayd is killed (no DELETE); A's idle IKE
# SA sends an empty INFORMATIONAL after 15 s, retransmits it with backoff,
# gives up, removes the tunnel's SAs and keeps initiating; B comes back
# and the tunnel with it.
#
#   +------------------------+             +--------------------------+
#   | ns A  initiator        |  UDP 500    | ns B  passive, killed    |
#   |  ul0 198.51.100.1  ----+---- veth ---+- ul0 198.51.100.2        |
#   +------------------------+             +--------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping

lab2_net
mesh
ike_lab acme/nodes/na acme/nodes/nb --b "ike passive"
start_overlayd A "$T_TMP/A.conf"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 20

log "B killed: A finds out by itself"
stop_overlayd B KILL
wait_for 70 log_has A "no answer from b after 5 retransmissions"
wait_for 2 no_sa A b
log_has A "CHILD_SA" || fail "A: no CHILD_SA removal logged"

log "B back: the tunnel comes back"
start_overlayd B "$T_TMP/B.conf"
wait_ping A "$OVL4_B" 45
# B's chain came again: A took it from its cache (ike cert-cache)
chains_are A 1 1
chains_are B 1 0
lab2_stop
