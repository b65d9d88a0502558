#!/bin/bash
# t/rs/site.sh: site redundancy. p1 (primary) and s1 (standby) of site
# "hq" announce the same prefix; the observer o1 must use p1 while p1
# announces it, s1 when p1 withdraws it, and p1 again when it returns.
#
#   H1: p1 198.18.255.11 (primary)    H2: s1 198.18.255.12 (standby)
#   H3: o1 198.18.255.21 (observer, another organization, same COI)
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rslib.sh"
need_rs
tmpdir >/dev/null

coi_add red 100
ORGS=(acme globex)
P=198.18.64.0/24
member_add p1 acme 64601 H1 198.18.255.11 "red" "$P" "$P=red" "site hq primary"
member_add s1 acme 64602 H2 198.18.255.12 "red" "$P" "$P=red" "site hq standby"
member_add o1 globex 64701 H3 198.18.255.21 "red" "198.18.80.0/24" \
	"198.18.80.0/24=red"

rs_lab
wait_for 30 sessions_up 3

via_is() {
	[ "$(received_via o1 "$P")" = "$1" ]
}

log "both announce: o1 uses the primary"
wait_for 20 via_is 198.18.255.11
# the standby's path is the longer one: it lost on merit, not by chance
bc R show route "$P" table rs4 all | grep -F 'BGP.as_path: 64602 64602 64602' >/dev/null ||
	fail "the standby's route is not prepended"

log "the primary withdraws: o1 moves to the standby"
n H1 birdc -s "${BSOCK[H1]}" disable s_p1 >/dev/null
wait_for 20 via_is 198.18.255.12

log "the primary returns: o1 moves back"
n H1 birdc -s "${BSOCK[H1]}" enable s_p1 >/dev/null
wait_for 20 via_is 198.18.255.11

log "the primary's session goes down: the standby again"
n H1 birdc -s "${BSOCK[H1]}" disable p1 >/dev/null
wait_for 20 via_is 198.18.255.12
n H1 birdc -s "${BSOCK[H1]}" enable p1 >/dev/null
wait_for 30 via_is 198.18.255.11
