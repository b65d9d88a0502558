#!/bin/bash
# t/rs/matrix.sh: the COI matrix. Six members of three organizations in
# three overlapping COIs, each on a host (and BIRD) of its own, peer with
# the route server; every member must receive exactly the routes whose COI
# tags it shares, as computed here from the description (expect_routes),
# and routeserver status must count them.
#
#   COI      red (100)       green (200)      blue (300)
#   acme     a1 a2           a1
#   globex                   g1               g1 g2
#   initech  i1              i2               i1
#
# a2 announces one route untagged: its "untagged coi red" tags it red.
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rslib.sh"
need_rs
tmpdir >/dev/null

coi_add red 100
coi_add green 200
coi_add blue 300
ORGS=(acme globex initech)
N=198.18
member_add a1 acme 64601 H1 198.18.255.11 "red green" \
	"$N.16.0/22 max 24" "$N.16.0/24=red $N.17.0/24=green $N.18.0/24=red,green"
member_add a2 acme 64602 H2 198.18.255.12 "red" \
	"$N.19.0/24;$N.20.0/24" "$N.19.0/24=red $N.20.0/24=" "untagged coi red"
member_add g1 globex 64701 H3 198.18.255.21 "green blue" \
	"$N.32.0/24;$N.33.0/24;$N.34.0/24 max 25" \
	"$N.32.0/24=green $N.33.0/24=blue $N.34.0/25=blue"
member_add g2 globex 64702 H4 198.18.255.22 "blue" \
	"$N.35.0/24" "$N.35.0/24=blue"
member_add i1 initech 64801 H5 198.18.255.31 "red blue" \
	"$N.48.0/24;$N.49.0/24;$N.50.0/24" \
	"$N.48.0/24=red $N.49.0/24=blue $N.50.0/24=red,blue"
member_add i2 initech 64802 H6 198.18.255.32 "green" \
	"$N.51.0/24" "$N.51.0/24=green"

rs_lab
log "all six sessions come up"
wait_for 30 sessions_up 6

log "each member receives exactly its COIs' routes"
for m in "${MEMBERS[@]}"; do
	want=$(expect_routes "$m" | tr '\n' ' ')
	[ -n "$want" ] || fail "$m: the matrix gives it nothing to receive"
	say '[%s] expects: %s\n' "$m" "$want"
	wait_for 20 routes_match "$m"
done

# A few cells spelt out, so that expect_routes itself is checked.
[ "$(expect_routes g2 | tr '\n' ' ')" = \
	"198.18.33.0/24 198.18.34.0/25 198.18.49.0/24 198.18.50.0/24 " ] ||
	fail "expect_routes g2 is wrong: $(expect_routes g2)"
received i2 | grep -qx 198.18.16.0/24 && fail "i2 (green) got a1's red route"
received a1 | grep -qx 198.18.20.0/24 || fail "a1 (red) lacks a2's untagged route"
received g1 | grep -qx 198.18.20.0/24 && fail "g1 got a2's untagged (red) route"

log "next hops are the originating members' (transparent route server)"
[ "$(received_via g2 198.18.49.0/24)" = 198.18.255.31 ] ||
	fail "g2 reaches i1's route via $(received_via g2 198.18.49.0/24)"

log "routeserver status agrees"
st=$(rs status --json)
for m in "${MEMBERS[@]}"; do
	want_acc=$(wc -w <<<"${M_ROUTES[$m]}")
	want_exp=$(expect_routes "$m" | wc -l)
	got=$(jq -r --arg m "$m" '.members[] | select(.name == $m) |
		.sessions[0] | "\(.state) \(.info) \(.accepted) \(.rejected) \(.exported)"' <<<"$st")
	[ "$got" = "up Established $want_acc 0 $want_exp" ] ||
		fail "$m: status says \"$got\", want \"up Established $want_acc 0 $want_exp\""
	cois=$(jq -r --arg m "$m" '.members[] | select(.name == $m) | .cois | join(" ")' <<<"$st")
	[ "$cois" = "${M_COIS[$m]}" ] || fail "$m: status COIs \"$cois\""
done
rs status | grep -E '^a1 +acme +64601 +m_a1_v4 +up +Established ' >/dev/null ||
	{ rs status; fail "text status lacks a1's row"; }
