#!/bin/bash
# t/ike/cookie.sh: the responder's COOKIE (RFC 7296 2.6). B has `ike
# cookie-threshold 4` (below the half-open limit per source, 5, so that
# one source reaches it). IKE_SA_INIT requests flood B from A's address
# until 4 IKE SAs are half-open; from then on B answers with a COOKIE and
# keeps nothing. A's overlayd starts, is asked for a COOKIE, sends its
# request again with it, and the tunnel comes up.
#
#   +------------------------+             +--------------------------+
#   | ns A  socat x 8, then  |  UDP 500    | ns B  passive            |
#   |  overlayd (initiator)--+---- veth ---+- ul0 198.51.100.2        |
#   +------------------------+             +--------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping socat
: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"

counter() {
	ctl B --json show ike | jq -r ".counters.$1"
}

cookies_at_least() {
	[ "$(counter cookies_sent)" -ge "$1" ]
}

halfopen_is() {
	[ "$(ctl B --json show ike |
	    jq '[.ike_sas[] | select(.state == "init-done")] | length')" = "$1" ]
}

lab2_net
mesh
ike_lab acme/nodes/na acme/nodes/nb --b "ike passive"
sed -i '/^peer /i ike cookie-threshold 4\n' "$T_TMP/B.conf"
start_overlayd B "$T_TMP/B.conf"
# strongSwan's IKE_SA_INIT request: a proposal B accepts; the first octet
# of the seed is the fuzzer's
tail -c +2 "$srcdir/t/fuzz/corpus/ike/strongswan-sa-init-req" >"$T_TMP/init"
log "8 IKE_SA_INIT requests from A's address, each from its own port"
for _ in $(seq 8); do
	nq A socat -u "OPEN:$T_TMP/init" "UDP4-SENDTO:$UL4_B:500"
done
wait_for 5 halfopen_is 4
wait_for 5 cookies_at_least 4
c=$(counter cookies_sent)
echo "half-open: 4, cookies sent: $c"
[ "$(counter halfopen_dropped)" = 0 ] || fail "dropped below the limit"

log "A initiates: COOKIE, then the IKE SA"
start_overlayd A "$T_TMP/A.conf"
wait_ping A "$OVL4_B" 20
log_has A "the peer asks for a COOKIE" || fail "A was not asked for a COOKIE"
[ "$(counter cookies_sent)" -gt "$c" ] || fail "no COOKIE for A"
ctl B show ike
lab2_stop
