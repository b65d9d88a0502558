#!/bin/bash
# t/rs/demo.sh: examples/demo, the README's first Quick-start command,
# runs to the end on this build (DEMO_BUILD: no package install, no
# build) and shows what the README promises: the two-node tunnel keyed by
# IKEv2 with mesh certificates, and pinging,
# the COI mesh of examples/coi-mesh.conf with each member holding exactly
# its entitled routes and why, the refused routes with their reasons, a
# ping a COI forbids failing, the standby taking over when the primary's
# underlay is cut and the primary winning again.
set -eu
# need_quiet may wait up to 1200 s for a quiet machine
# shellcheck disable=SC2034 # read by t/lib.sh
T_TIMEOUT=1800
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/rslib.sh"
need_rs
need_cmd nft
# the demo times keepalives and BGP convergence: alone on the machine
need_quiet
top=$(cd "$(dirname "$0")/../.." && pwd)
tmpdir >/dev/null

rc=0
log "examples/demo (output in the log below)"
# (its own t/lib.sh takes the suite lock shared: not this one, held
# exclusive by this test)
DEMO_BUILD=$abs_top_builddir T_LOCK=$T_TMP/demo.lock timeout 280 "$top/examples/demo" >"$T_TMP/demo.out" 2>&1 || rc=$?
cat "$T_TMP/demo.out"
[ "$rc" -eq 0 ] || fail "examples/demo exited $rc"

# has LINE: the demo printed LINE (fixed string, whole line).
has() {
	grep -qxF -- "$1" "$T_TMP/demo.out" || fail "the demo did not print: $1"
}
# has_re ERE: a line of the demo matches ERE.
has_re() {
	grep -qE -- "$1" "$T_TMP/demo.out" || fail "the demo printed no line matching: $1"
}
has_re '^b +established initiator +[0-9a-f]{16}/[0-9a-f]{16} aes-gcm-256 curve25519 .* CN=nb,O=acme \(red\)$'
has_re '^    child: ESP transport aes-gcm-256, SPI in 0x[0-9a-f]{8} out 0x[0-9a-f]{8}, esn'
has_re '^3 packets transmitted, 3 received, 0% packet loss'
has "Every member holds exactly the prefixes its COIs entitle it to."
has_re '^  holds +198\.18\.16\.0/24 +from acme_hq1 +tagged logistics +globex_dc is in logistics$'
has_re '^  - +198\.18\.17\.0/24 +from acme_hq1 +tagged research +globex_dc is in none of them$'
has_re '^  holds +198\.18\.32\.0/24 +from globex_dc +tagged logistics \(untagged\) +acme_hq1 is in logistics$'
has_re '^  - +198\.18\.32\.0/24 +from globex_dc +tagged logistics \(untagged\) +initech_lab is in none of them$'
has_re '^  - +198\.18\.34\.0/24 +from globex_dc +refused by the route server: COI tag not allowed$'
has_re '^  - +198\.18\.49\.0/24 +from initech_lab +refused by the route server: prefix not authorized$'
has_re '^    rejected 198\.18\.34\.0/24: COI tag not allowed$'
has_re '^    no route: '
has_re '^globex_dc and initech_lab reach acme through acme_hq2 \(198\.18\.255\.12\) within [0-9]+ ms of the cut:$'
has_re '^    \[M3\] 198\.18\.16\.0/24 via 198\.18\.255\.11 dev ovl-hub'
has "Done: namespaces, daemons and files removed."
