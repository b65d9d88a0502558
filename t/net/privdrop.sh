#!/bin/bash
# t/net/privdrop.sh: a running overlayd holds user and group overlayd and
# exactly CAP_NET_ADMIN and CAP_NET_RAW (effective and permitted) in every
# thread, nothing inheritable or ambient, a bounding set no wider, no
# supplementary groups; its control socket is srw-rw---- root/overlayd:
# group overlayd may use it, others may not.
#
#   +-------------------+          +-------------------+
#   | ns A  overlayd    |          | ns B  overlayd    |
#   |  ul0 198.51.100.1 +-- veth --+ ul0 198.51.100.2  |
#   +-------------------+          +-------------------+
set -eu
# shellcheck source=t/lib.sh
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd setpriv

uid=$(id -u overlayd)
gid=$(id -g overlayd)
CAPS=0000000000003400	# cap_net_bind_service (10), cap_net_admin (12), cap_net_raw (13)

# field FILE NAME: the value of NAME: in a /proc status file.
field() {
	sed -n "s/^$2:[[:space:]]*//p" "$1" | tr -s '[:space:]' ' ' | sed 's/ $//'
}

lab2 --encap udp
wait_ping A "$OVL4_B"
pid=${PID[A]}
log "overlayd pid $pid"
grep -E '^(Name|Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs|Threads):' "/proc/$pid/status"
ntask=0
for st in /proc/"$pid"/task/*/status; do
	ntask=$((ntask + 1))
	[ "$(field "$st" Uid)" = "$uid $uid $uid $uid" ] ||
		fail "$st: Uid $(field "$st" Uid), want $uid"
	[ "$(field "$st" Gid)" = "$gid $gid $gid $gid" ] ||
		fail "$st: Gid $(field "$st" Gid), want $gid"
	for g in $(field "$st" Groups); do
		[ "$g" = "$gid" ] || fail "$st: supplementary group $g"
	done
	[ "$(field "$st" CapEff)" = $CAPS ] || fail "$st: CapEff $(field "$st" CapEff)"
	[ "$(field "$st" CapPrm)" = $CAPS ] || fail "$st: CapPrm $(field "$st" CapPrm)"
	[ "$(field "$st" CapInh)" = 0000000000000000 ] || fail "$st: CapInh"
	[ "$(field "$st" CapAmb)" = 0000000000000000 ] || fail "$st: CapAmb"
	# The bounding set only limits what an execve could gain: nothing
	# beyond the two (empty is best).
	bnd=$((16#$(field "$st" CapBnd)))
	[ $((bnd & ~0x3000)) = 0 ] || fail "$st: CapBnd $(field "$st" CapBnd) is wider than net_admin,net_raw"
done
echo "$ntask thread(s) checked"

sock=${SOCK[A]}
mode=$(stat -c '%A %U %G' "$sock")
echo "control socket: $mode $sock"
[ "$mode" = "srw-rw---- root overlayd" ] ||
	[ "$mode" = "srw-rw---- overlayd overlayd" ] ||
	fail "control socket is '$mode', want srw-rw---- group overlayd"

log "group overlayd may use the socket, others may not"
# Let everyone reach the socket, so that only its own mode decides.
chmod o+x "$T_TMP" "$T_TMP/run"
setpriv --reuid=overlayd --regid=overlayd --clear-groups \
	"$OVERLAYCTL" -s "$sock" show tunnels || fail "overlayd group refused"
if setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$OVERLAYCTL" -s "$sock" show tunnels; then
	fail "user nobody used the control socket"
fi
daemon_alive A || fail "overlayd died"
