# t/net/keepalive_lib.sh: helpers for the keepalive tests (t/net/keepalive*.sh)
# and bench/keepalive-loss, on top of t/lib.sh's two-node lab.
# shellcheck shell=bash

# ka_global LABEL STATEMENT: add a global statement (e.g. "keepalive interval
# 100ms multiplier 3 holddown 2s") to LABEL's config, before its peer.
ka_global() {
	sed -i "/^control group/a $2" "$T_TMP/$1.conf"
}

# ka_peer LABEL STATEMENT: add STATEMENT inside LABEL's peer block.
ka_peer() {
	sed -i "s/^}\$/\t$2\n}/" "$T_TMP/$1.conf"
}

# ka_sub LABEL SED-EXPR: edit LABEL's config.
ka_sub() {
	sed -i "$2" "$T_TMP/$1.conf"
}

# state_is LABEL PEER STATE: the tunnel's state (up/down) is STATE.
state_is() {
	[ "$(tun_get "$1" "$2" .state)" = "$3" ]
}

# live_is LABEL PEER LIVENESS: the tunnel's liveness is LIVENESS.
live_is() {
	[ "$(tun_get "$1" "$2" .liveness)" = "$3" ]
}

# both_up: A's tunnel b and B's tunnel a are up.
both_up() {
	state_is A b up && state_is B a up
}

# both_down: A's tunnel b and B's tunnel a are down.
both_down() {
	state_is A b down && state_is B a down
}

# carrier LABEL IFNAME on|off: the TUN's carrier, as the kernel sees it.
carrier() {
	local flags
	flags=$(nq "$1" ip -j link show dev "$2" | jq -c '.[0].flags')
	case $3 in
	on) ! grep -q NO-CARRIER <<<"$flags" && grep -q LOWER_UP <<<"$flags" ;;
	off) grep -q NO-CARRIER <<<"$flags" ;;
	esac
}

# flaps LABEL PEER: the tunnel's flap count.
flaps() {
	tun_get "$1" "$2" .flaps
}

# cut LABEL [RULE]: drop underlay traffic on LABEL's ul0 both ways with
# nftables; RULE (default: everything) is put before "drop".
cut() {
	local rule=${2:-}
	n "$1" nft -f - <<NFT
table inet ka_cut {
	chain in { type filter hook input priority 0; policy accept;
		iifname "ul0" $rule drop; }
	chain out { type filter hook output priority 0; policy accept;
		oifname "ul0" $rule drop; }
}
NFT
}

# uncut LABEL: remove what cut added.
uncut() {
	n "$1" nft delete table inet ka_cut
}

# log_has LABEL REGEX: LABEL's daemon log has a line matching REGEX.
log_has() {
	grep -qE "$2" "$(daemon_log "$1")"
}

# field_is LABEL PEER FILTER VALUE: the tunnel's FILTER (e.g.
# .bfd.tx_interval_us) is VALUE, read afresh at each call (for wait_for).
field_is() {
	[ "$(tun_get "$1" "$2" "$3")" = "$4" ]
}
