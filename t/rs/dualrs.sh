#!/bin/bash
# t/rs/dualrs.sh: two route servers from one description, side by side.
# rs1 and rs2 each run the configuration routeserver generates for them
# from the same mesh.conf; every member peers with both and must receive
# exactly its COIs' routes from each, with the originating member's next
# hop (both servers are transparent). One server's BIRD stopped, or its
# sessions disabled: the members still hold exactly the entitled routes,
# through the other; restored, the second path comes back.
#
#   ns R: rs1 198.18.255.1, the bridge     ns R2: rs2 198.18.255.2
#   H1: a1   H2: g1   H3: i1   H4: i2      (sessions "m" and "m_r2" each)
#
#   COI      red (100)      green (200)
#   acme     a1             a1
#   globex                  g1
#   initech  i1 i2          i2
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rslib.sh"
need_rs
tmpdir >/dev/null

coi_add red 100
coi_add green 200
ORGS=(acme globex initech)
N=198.18
member_add a1 acme 64601 H1 198.18.255.11 "red green" "$N.16.0/23 max 24" \
	"$N.16.0/24=red $N.17.0/24=green"
member_add g1 globex 64701 H2 198.18.255.21 "green" "$N.32.0/23 max 24" \
	"$N.32.0/24=green $N.33.0/24=green"
member_add i1 initech 64801 H3 198.18.255.31 "red" "$N.48.0/24" \
	"$N.48.0/24=red"
member_add i2 initech 64802 H4 198.18.255.32 "red green" "$N.49.0/24" \
	"$N.49.0/24=red,green"

RS_SERVERS=(rs1 rs2)
RS_LOCAL[rs1]=198.18.255.1
RS_LOCAL[rs2]=198.18.255.2
RS_NEIGH4=(198.18.255.1 198.18.255.2)
rs_lab

# The two generated files differ only in their name, router id and local
# address: the same filters run on both.
diff <(grep -v -e '^# BIRD 2 configuration of' -e '^router id' -e '	local ' \
	"${RS_CONFF[R]}") \
	<(grep -v -e '^# BIRD 2 configuration of' -e '^router id' -e '	local ' \
	"${RS_CONFF[R2]}") || fail "rs1's and rs2's configurations differ"
grep -qx '	local 198.18.255.2 as 64500;' "${RS_CONFF[R2]}" ||
	fail "rs2 does not use its own address"

log "every member has a session with each route server"
wait_for 30 sessions_up 4 R
wait_for 30 sessions_up 4 R2

# from_is MEMBER K: MEMBER received exactly its entitled routes from
# route server K; from_none MEMBER K: nothing.
from_is() {
	[ "$(received "$1" "$2")" = "$(expect_routes "$1")" ]
}
from_none() {
	[ -z "$(received "$1" "$2")" ]
}
# held MEMBER: what MEMBER holds from either route server is exactly its
# entitled set.
held() {
	[ "$({ received "$1" 0; received "$1" 1; } | sort -u)" = \
		"$(expect_routes "$1")" ]
}
# via MEMBER K PREFIX: the next hop of PREFIX as route server K sent it.
via() {
	bc "${M_HOST[$1]}" show route table "t_$1" "$3" \
		protocol "$(session "$1" 4 "$2")" | awk '/via/ { print $2; exit }'
}
both_paths() {
	local m
	for m in "${MEMBERS[@]}"; do
		wait_for 20 from_is "$m" 0
		wait_for 20 from_is "$m" 1
	done
}

log "each member receives exactly its COIs' routes from both"

both_paths
[ "$(expect_routes g1 | tr '\n' ' ')" = "$N.17.0/24 $N.49.0/24 " ] ||
	fail "expect_routes g1 is wrong: $(expect_routes g1)"
for k in 0 1; do
	[ "$(via g1 "$k" "$N.49.0/24")" = 198.18.255.32 ] ||
		fail "rs$((k + 1)) gives g1 i2's route via $(via g1 "$k" "$N.49.0/24")"
	[ "$(via i1 "$k" "$N.16.0/24")" = 198.18.255.11 ] ||
		fail "rs$((k + 1)) gives i1 a1's route via $(via i1 "$k" "$N.16.0/24")"
done

log "routeserver status on each server counts the same"
for k in 0 1; do
	st=$(rs_on "$k" status --json)
	for m in "${MEMBERS[@]}"; do
		want="up Established $(wc -w <<<"${M_ROUTES[$m]}") 0 $(expect_routes "$m" | wc -l)"
		got=$(jq -r --arg m "$m" '.members[] | select(.name == $m) |
			.sessions[0] | "\(.state) \(.info) \(.accepted) \(.rejected) \(.exported)"' <<<"$st")
		[ "$got" = "$want" ] ||
			fail "rs$((k + 1)) status for $m: \"$got\", want \"$want\""
	done
done

log "rs2's BIRD stops: every member keeps exactly its routes, through rs1"
stop_pid "${BPID[R2]}" TERM
for m in "${MEMBERS[@]}"; do
	wait_for 20 from_none "$m" 1
	from_is "$m" 0 || fail "$m lost routes from rs1: $(received "$m" 0)"
	held "$m" || fail "$m does not hold exactly its routes"
done

log "rs2's BIRD is back on its generated file: the second path returns"
bird_start R2 "${RS_CONFF[R2]}"
wait_for 30 sessions_up 4 R2

both_paths
rs_on 1 status --json | jq -e '[.members[].sessions[0].info] |
	all(. == "Established")' >/dev/null || fail "rs2 status: not all up"

log "rs1 disables its member sessions: the members keep them through rs2"
bc R disable '"m_*"' >/dev/null
for m in "${MEMBERS[@]}"; do
	wait_for 20 from_none "$m" 0
	from_is "$m" 1 || fail "$m lost routes from rs2: $(received "$m" 1)"
	held "$m" || fail "$m does not hold exactly its routes"
done
[ "$(rs_on 0 status --json | jq -r '[.members[].sessions[0].state] | unique | join(" ")')" = down ] ||
	fail "rs1 status does not show its sessions down"

log "rs1 enables them again: both paths"
bc R enable '"m_*"' >/dev/null
wait_for 30 sessions_up 4 R

both_paths
