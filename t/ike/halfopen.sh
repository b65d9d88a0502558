#!/bin/bash
# t/ike/halfopen.sh: the limit of half-open IKE SAs per source address (RFC
# 8019 4.6, `ike half-open-limit`, default 5). B knows two peers on A's
# side: x (198.51.100.3, an alias of A's) and a (A's overlayd). 12
# IKE_SA_INIT requests come from x's address, each from its own port: B
# keeps 5 half-open IKE SAs for x and drops the other 7, counted, without
# any COOKIE (16 half-open in all are needed for those). A's overlayd, from
# another address, still comes up. A reload with `ike half-open-limit 0`
# lifts the limit: x's next requests are answered.
#
#   +------------------------+             +--------------------------+
#   | ns A  198.51.100.1     |  UDP 500    | ns B  passive            |
#   |       198.51.100.3 x12 +---- veth ---+- ul0 198.51.100.2        |
#   +------------------------+             +--------------------------+
set -eu
# shellcheck source=t/ike/common.sh
. "$(dirname "$0")/common.sh"
need_cmd ping socat jq
: "${srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
X=198.51.100.3

counter() {
	ctl B --json show ike | jq -r ".counters.$1"
}

# dropped_is N: B dropped N requests over the half-open limit.
dropped_is() {
	[ "$(counter halfopen_dropped)" = "$1" ]
}

# halfopen_from ADDR N: B has N half-open IKE SAs with ADDR.
halfopen_from() {
	[ "$(ctl B --json show ike | jq --arg a "$1" '[.ike_sas[] |
	    select(.state == "init-done" and .remote == $a)] | length')" = "$2" ]
}

# flood N: N IKE_SA_INIT requests from x's address, each from its own port.
flood() {
	for _ in $(seq "$1"); do
		nq A socat -u "OPEN:$T_TMP/init" "UDP4-SENDTO:$UL4_B:500,bind=$X"
	done
}

# x_peer FILE: add peer x (passive) to B's configuration FILE.
x_peer() {
	{
		echo
		echo 'peer "x" {'
		echo "	local $UL4_B"
		echo "	remote $X"
		echo "	address 198.18.0.9/31"
		echo "	ike passive"
		echo "}"
	} >>"$1"
}

lab2_net
n A ip addr add "$X/24" dev ul0
mesh
ike_lab acme/nodes/na acme/nodes/nb --b "ike passive"
x_peer "$T_TMP/B.conf"
start_overlayd B "$T_TMP/B.conf"
# strongSwan's IKE_SA_INIT request: a proposal B accepts; the first octet
# of the seed is the fuzzer's
tail -c +2 "$srcdir/t/fuzz/corpus/ike/strongswan-sa-init-req" >"$T_TMP/init"

log "12 IKE_SA_INIT requests from $X"
flood 12
wait_for 5 halfopen_from "$X" 5
wait_for 5 dropped_is 7
[ "$(counter cookies_sent)" = 0 ] || fail "COOKIEs sent below the threshold"
echo "half-open from $X: 5, dropped: $(counter halfopen_dropped)"

log "A comes up from $UL4_A meanwhile"
start_overlayd A "$T_TMP/A.conf"
wait_ping A "$OVL4_B" 20
halfopen_from "$X" 5 || fail "x's half-open SAs changed"
dropped_is 7 || fail "A's requests were dropped"
ctl B show ike | tail -n 2

log "the limit lifted by a reload: x's requests are answered again"
sed -i '/^peer "a"/i ike half-open-limit 0\n' "$T_TMP/B.conf"
ctl B reload >/dev/null
wait_for 5 log_has B "reload done"
flood 3
wait_for 5 halfopen_from "$X" 8
dropped_is 7 || fail "dropped with no limit"
lab2_stop
