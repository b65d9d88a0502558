#!/bin/bash
# t/rs/reject.sh: what the import filters refuse, and that routeserver
# status shows why. b1 announces one good route and one of each kind of
# bad route; b2 announces more routes than its max-prefix; o1 (same COIs)
# must receive the good routes only.
#
#   H1: o1 (observer)        H2: b1, b2 (one BIRD, two sessions)
#
#   b1 route            what is wrong                   reason (code)
#   198.18.16.0/24      nothing                         -
#   198.18.16.0/25      tagged blue, b1 is red only     COI tag not allowed (5)
#   198.18.40.0/24      not authorized                  prefix not authorized (3)
#   198.18.16.0/26      longer than "max 25"            prefix not authorized (3)
#   198.18.17.0/24      next hop o1's address           foreign next hop (4)
#   0.0.0.0/0           default route                   default route (2)
#   198.18.17.128/25    no COI tag ("untagged reject")  no COI tag (6)
set -eu
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rslib.sh"
need_rs
tmpdir >/dev/null

coi_add red 100
coi_add blue 200
ORGS=(acme globex)
N=198.18
member_add o1 globex 64701 H1 198.18.255.11 "red blue" "$N.64.0/24" \
	"$N.64.0/24=red"
member_add b1 acme 64601 H2 198.18.255.21 "red" \
	"$N.16.0/24 max 25;$N.17.0/24 max 25" \
	"$N.16.0/24=red $N.16.0/25=blue $N.40.0/24=red $N.16.0/26=red \
$N.17.0/24=red@198.18.255.11 0.0.0.0/0=red $N.17.128/25=" \
	"untagged reject"
member_add b2 acme 64602 H2 198.18.255.22 "red" "$N.24.0/22 max 24" \
	"$N.24.0/24=red $N.25.0/24=red $N.26.0/24=red $N.27.0/24=red" \
	"max-prefix 2"

rs_lab
wait_for 30 sessions_up 3

log "b1: one route accepted, six rejected, each with its reason"
b1_rejected() {
	status_get '.members[] | select(.name == "b1") | .sessions[0] |
		[.rejected_routes[] | "\(.prefix) \(.code) \(.reason)"] | sort | join(";")'
}
want="0.0.0.0/0 2 default route;198.18.16.0/25 5 COI tag not allowed;\
198.18.16.0/26 3 prefix not authorized;198.18.17.0/24 4 foreign next hop;\
198.18.17.128/25 6 no COI tag;198.18.40.0/24 3 prefix not authorized"
b1_done() {
	[ "$(b1_rejected)" = "$want" ]
}
wait_for 20 b1_done
[ "$(status_get '.members[] | select(.name == "b1") | .sessions[0] |
	"\(.received) \(.accepted) \(.rejected)"')" = "7 1 6" ] ||
	fail "b1 counts: $(rs status --json | jq -c '.members[1].sessions[0]')"
rs status | grep -F '    rejected 198.18.17.0/24: foreign next hop' >/dev/null ||
	{ rs status; fail "text status lacks b1's foreign next hop"; }

log "b2: over max-prefix 2, the limit is hit and shown"
b2_hit() {
	[ "$(status_get '.members[] | select(.name == "b2") | .sessions[0] |
		"\(.accepted) \(.max_prefix) \(.max_prefix_hit)"')" = "2 2 true" ]
}
wait_for 20 b2_hit
rs status | grep -F '    max-prefix 2 reached: further routes are dropped' >/dev/null ||
	{ rs status; fail "text status lacks b2's max-prefix"; }

log "o1 received b1's good route and b2's two accepted ones, nothing else"
o1_ok() {
	local got
	got=$(received o1)
	[ "$(grep -c . <<<"$got")" -eq 3 ] &&
		grep -qx 198.18.16.0/24 <<<"$got" &&
		[ "$(grep -c '^198\.18\.2[4-7]\.0/24$' <<<"$got")" -eq 2 ]
}
wait_for 20 o1_ok
received o1 | grep -E '^(0\.0\.0\.0/0|198\.18\.(16\.0/2[56]|17\.|40\.))' &&
	fail "o1 received a rejected route"
# the route server's table holds the rejected routes as filtered, tagged
bc R show route 198.18.16.0/25 table rs4 filtered all |
	grep -E 'BGP.large_community: .*\(64500, 0, 5\)' >/dev/null ||
	fail "the filtered route lacks its reason community"
exit 0
