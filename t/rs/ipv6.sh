#!/bin/bash
# t/rs/ipv6.sh: the COI matrix over IPv6. Five members of three
# organizations in three overlapping COIs, three of them IPv6 only and two
# dual-stack, peer with the route server over each family they have; every
# member must receive exactly the routes its COIs entitle it to, of its
# families (expect_routes), with the originating member's next hop. Three
# bad IPv6 routes are refused, each with its reason in routeserver status.
#
#   COI      red (100)       green (200)      blue (300)
#   acme     a1 a2           a1
#   globex                   g1               g1
#   initech  i1              i2               i1
#
#   member  addresses                          routes
#   a1      198.18.255.11 2001:db8:ff::11      v4 red; v6 red, green,
#                                              and one tagged blue (forged)
#   a2      2001:db8:ff::12                    untagged (-> red); one
#                                              outside its prefixes
#   g1      2001:db8:ff::21                    green, blue
#   i1      198.18.255.31 2001:db8:ff::31      v4 blue; v6 red+blue
#   i2      2001:db8:ff::32                    green; one with g1's next hop
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rslib.sh"
need_rs
tmpdir >/dev/null

coi_add red 100
coi_add green 200
coi_add blue 300
ORGS=(acme globex initech)
P=2001:db8
member_add a1 acme 64601 H1 "198.18.255.11 $P:ff::11" "red green" \
	"198.18.16.0/24;$P:16::/48 max 56" \
	"198.18.16.0/24=red $P:16::/48=red $P:16:100::/56=green $P:16:200::/56=blue"
member_add a2 acme 64602 H2 "$P:ff::12" "red" "$P:17::/48" \
	"$P:17::/48= $P:99::/48=red" "untagged coi red"
member_add g1 globex 64701 H3 "$P:ff::21" "green blue" "$P:32::/47 max 48" \
	"$P:32::/48=green $P:33::/48=blue"
member_add i1 initech 64801 H4 "198.18.255.31 $P:ff::31" "red blue" \
	"198.18.48.0/24;$P:48::/48" "198.18.48.0/24=blue $P:48::/48=red,blue"
member_add i2 initech 64802 H5 "$P:ff::32" "green" "$P:4a::/47 max 48" \
	"$P:4a::/48=green $P:4b::/48=green@$P:ff::21"
# refused at the route server: a1's blue tag, a2's unauthorized prefix,
# i2's route with g1's next hop
BAD="$P:16:200::/56 $P:99::/48 $P:4b::/48"
RS_LOCAL[rs1]="$RS_ADDR $RS_ADDR6"

# entitled MEMBER: expect_routes without the routes the server refuses.
entitled() {
	local p
	expect_routes "$1" | while read -r p; do
		case " $BAD " in *" $p "*) ;; *) echo "$p" ;; esac
	done
}
got_entitled() {
	[ "$(received "$1")" = "$(entitled "$1")" ]
}

rs_lab
grep -q '^protocol bgp m_g1_v6 ' "$RS_CONF" || fail "no IPv6 session for g1"
grep -q '^protocol bgp m_g1_v4 ' "$RS_CONF" && fail "a v4 session for g1"
log "seven sessions come up: five IPv6, two IPv4"
wait_for 30 sessions_up 7

log "each member receives exactly its COIs' routes, of its families"
for m in "${MEMBERS[@]}"; do
	want=$(entitled "$m" | tr '\n' ' ')
	[ -n "$want" ] || fail "$m: the matrix gives it nothing to receive"
	say '[%s] expects: %s\n' "$m" "$want"
	wait_for 20 got_entitled "$m"
done

# A few cells spelt out, so that expect_routes itself is checked.
[ "$(entitled g1 | tr '\n' ' ')" = "$P:16:100::/56 $P:48::/48 $P:4a::/48 " ] ||
	fail "entitled g1 is wrong: $(entitled g1)"
[ "$(entitled i1 | tr '\n' ' ')" = "198.18.16.0/24 $P:16::/48 $P:17::/48 $P:33::/48 " ] ||
	fail "entitled i1 is wrong: $(entitled i1)"
received a1 | grep -qx "$P:17::/48" || fail "a1 (red) lacks a2's untagged route"
received g1 | grep -qx "$P:17::/48" && fail "g1 got a2's untagged (red) route"
received g1 | grep -q '^198\.' && fail "g1 (IPv6 only) got an IPv4 route"
for p in $BAD; do
	for m in "${MEMBERS[@]}"; do
		received "$m" | grep -qxF "$p" && fail "$m received refused $p"
	done
done

log "next hops are the originating members' (transparent route server)"
via6() {
	bc "${M_HOST[$1]}" show route table "t6_$1" "$2" protocol "$1_6" |
		awk '/via/ { print $2; exit }'
}
[ "$(via6 g1 "$P:48::/48")" = "$P:ff::31" ] ||
	fail "g1 reaches i1's route via $(via6 g1 "$P:48::/48")"
[ "$(via6 i1 "$P:33::/48")" = "$P:ff::21" ] ||
	fail "i1 reaches g1's route via $(via6 i1 "$P:33::/48")"

log "routeserver status: the refused routes and why, the counts per family"
rejected6() {
	status_get '[.members[].sessions[] | .rejected_routes[]? |
		"\(.prefix) \(.code) \(.reason)"] | sort | join(";")'
}
want="$P:16:200::/56 5 COI tag not allowed;$P:4b::/48 4 foreign next hop;\
$P:99::/48 3 prefix not authorized"
rejected_ok() {
	[ "$(rejected6)" = "$want" ]
}
wait_for 20 rejected_ok
st=$(rs status --json)
for m in "${MEMBERS[@]}"; do
	n6=$(entitled "$m" | grep -c : || true)
	got=$(jq -r --arg m "$m" '.members[] | select(.name == $m) |
		.sessions[] | select(.protocol | endswith("_v6")) |
		"\(.state) \(.info) \(.exported)"' <<<"$st")
	[ "$got" = "up Established $n6" ] ||
		fail "$m: v6 status \"$got\", want \"up Established $n6\""
done
