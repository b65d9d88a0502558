#!/bin/bash
# t/rs/live.sh: membership changes applied live. Adding a member, changing
# one member's COIs and removing a member must not reset any other
# member's session: the route server's "since" of every unaffected session
# (millisecond timestamps) stays the same, and routes follow the change.
#
#   H1: a   H2: b   H3: c   H4: d (joins later)
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rslib.sh"
need_rs
tmpdir >/dev/null

coi_add red 100
coi_add blue 200
ORGS=(acme globex)
member_add a acme 64601 H1 198.18.255.11 "red" "198.18.16.0/24" "198.18.16.0/24=red"
member_add b acme 64602 H2 198.18.255.12 "blue" "198.18.17.0/24" "198.18.17.0/24=blue"
member_add c globex 64701 H3 198.18.255.13 "red blue" "198.18.18.0/24" \
	"198.18.18.0/24=red,blue"

rs_lab
wait_for 30 sessions_up 3
for m in a b c; do
	wait_for 20 routes_match "$m"
done

declare -A SINCE=()
remember() {
	local m
	for m in "$@"; do
		SINCE[$m]=$(proto_since "m_${m}_v4")
		[ -n "${SINCE[$m]}" ] || fail "no since for m_${m}_v4"
	done
}
# a reset moves "since" on by the seconds an apply takes (same_instant)
unchanged() {
	local m now
	for m in "$@"; do
		now=$(proto_since "m_${m}_v4")
		same_instant "$now" "${SINCE[$m]}" ||
			fail "m_${m}_v4 was reset: since ${SINCE[$m]}, now $now"
	done
}

log "add member d: a, b and c keep their sessions"
remember a b c
member_add d globex 64702 H4 198.18.255.21 "red" "198.18.19.0/24" "198.18.19.0/24=red"
mesh_write "$T_TMP/mesh.conf"
rs apply
rs_host H4
host_conf H4 "$T_TMP/bird-H4.conf"
bird_start H4 "$T_TMP/bird-H4.conf"
wait_for 30 sessions_up 4
for m in a b c d; do
	wait_for 20 routes_match "$m"
done
unchanged a b c

log "b joins red: b gets the red routes, nobody else's session resets"
remember a b c d
M_COIS[b]="red blue"
mesh_write "$T_TMP/mesh.conf"
rs apply
for m in a b c d; do
	wait_for 20 routes_match "$m"
done
received b | grep -qx 198.18.16.0/24 || fail "b did not get a's red route"
unchanged a c d

log "remove c: its session goes, the others stay"
remember a b d
member_del c
mesh_write "$T_TMP/mesh.conf"
rs apply
gone() {
	! bc R show protocols m_c_v4 | grep -q '^m_c_v4'
}
wait_for 20 gone
c_routes_gone() {
	! received a | grep -qx 198.18.18.0/24
}
wait_for 20 c_routes_gone
for m in a b d; do
	wait_for 20 routes_match "$m"
done
unchanged a b d
[ "$(status_get '.members | length')" = 3 ] || fail "status still lists c"

log "applying the same description again changes nothing"
remember a b d
rs apply
unchanged a b d
