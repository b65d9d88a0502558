# t/rs/rslib.sh: helpers for the route-server tests (bash), on top of
# t/lib.sh. Source it after t/lib.sh.
# shellcheck shell=bash disable=SC2034
#
# The lab: the route server's BIRD in namespace R on bridge br0
# (198.18.255.1/24, 2001:db8:ff::1/64); member hosts H1, H2, ... each a
# namespace with one veth into br0 and one BIRD. A host's BIRD holds the
# BGP sessions of one or more members: each member is a "protocol bgp"
# with its own local address on the host's veth, its own routing table
# t_NAME (what it received from the route server) and its own static
# protocol s_NAME (what it announces). One BIRD per member host keeps the
# process count low on small machines. But BIRD takes a route whose next
# hop is one of its own addresses as invalid, so members that must receive
# each other's routes need hosts of their own.
#
#        +---------- ns R ----------+
#        |  BIRD (route server)     |
#        |  br0 198.18.255.1/24     |
#        +--+---------+---------+---+
#           |veth     |veth     |veth
#        +--+--+   +--+--+   +--+--+
#        | H1  |   | H2  |   | H3  |   member hosts, one BIRD each,
#        | m.. |   | m.. |   | m.. |   one address per member on e0
#        +-----+   +-----+   +-----+
#
# A member is described by the arrays below, filled with member_add; the
# mesh description (mesh_write) and the hosts' BIRD configurations
# (host_conf) are both written from them, and the tests compute what each
# member must receive from the same arrays (expect_routes), independently
# of routeserver.
#
# A member may have an IPv6 address besides (or instead of) its IPv4 one:
# its host then has a table t6_NAME, a static protocol s6_NAME and a
# session NAME_6 too. Several route servers: RS_SERVERS names them (the
# first runs in R, the others in R2, R3, ... on R's bridge, addressed by
# RS_LOCAL), RS_NEIGH4/RS_NEIGH6 list the addresses every member peers
# with (sessions NAME, NAME_r2, ...), rs_on K runs routeserver as server K.

: "${ROUTESERVER:=$abs_top_builddir/routeserver/routeserver}"
RS_ASN=64500
RS_ADDR=198.18.255.1
RS_ADDR6=2001:db8:ff::1

declare -A COI=()	# COI name -> number
declare -a COIS=()	# COI names in order
declare -a ORGS=()
declare -a MEMBERS=()	# member names in order
declare -A M_ORG=() M_ASN=() M_ADDR=() M_HOST=() M_COIS=() M_PFX=()
declare -A M_ROUTES=()	# "PREFIX=tag,tag[@NEXTHOP] ..." (tag list may be empty)
declare -A M_IF=()	# member -> its interface on its host
declare -A M_EXTRA=()	# extra description lines, ";"-separated
declare -A HOSTS=()	# host label -> 1
declare -A BSOCK=()	# label -> BIRD control socket
declare -A BPID=()	# label -> BIRD pid
declare -A RS_LOCAL=()	# route-server name -> its addresses (default $RS_ADDR)
RS_NEIGH4=("$RS_ADDR")	# the route servers each member peers with, IPv4
RS_NEIGH6=("$RS_ADDR6")	# and IPv6 (a member peers over the families it has)
RS_SERVERS=(rs1)	# route servers in the description: the first runs in
			# namespace R, the others in R2, R3, ... (rs_server)
declare -A RS_CONFF=()	# route server's label -> its BIRD configuration file

need_rs() {
	need_root
	need_cmd bird birdc jq socat
	[ -x "$ROUTESERVER" ] || { echo "ERROR: $ROUTESERVER not built"; exit 99; }
}

# coi_add NAME NUMBER
coi_add() {
	COI[$1]=$2
	COIS+=("$1")
}

# member_add NAME ORG ASN HOST ADDR "COIS" "AUTHORIZED PREFIXES" "ROUTES" [EXTRA]
#   AUTHORIZED PREFIXES: "P" or "P max N" entries separated by ";"
member_add() {
	MEMBERS+=("$1")
	M_ORG[$1]=$2
	M_ASN[$1]=$3
	M_HOST[$1]=$4
	M_ADDR[$1]=$5
	M_COIS[$1]=$6
	M_PFX[$1]=$7
	M_ROUTES[$1]=$8
	M_EXTRA[$1]=${9:-}
	HOSTS[$4]=1
}

# member_del NAME: drop NAME from the description (its host keeps running).
member_del() {
	local m out=()
	for m in "${MEMBERS[@]}"; do
		[ "$m" = "$1" ] || out+=("$m")
	done
	MEMBERS=("${out[@]}")
}

# mesh_write FILE [RSNAMES...]: the mesh description from the arrays.
mesh_write() {
	local file=$1 m c o p r a i=1
	shift
	{
		echo "# $T_NAME: written by t/rs/rslib.sh"
		echo "asn $RS_ASN"
		for r in "${@:-rs1}"; do
			echo "route-server $r {"
			echo "	router-id 198.18.254.$i"
			for a in ${RS_LOCAL[$r]:-$RS_ADDR}; do
				echo "	local $a"
			done
			echo "}"
			i=$((i + 1))
		done
		for c in "${COIS[@]}"; do
			echo "coi $c ${COI[$c]}"
		done
		for o in "${ORGS[@]}"; do
			echo "organization $o"
		done
		for m in "${MEMBERS[@]}"; do
			echo "member $m {"
			echo "	organization ${M_ORG[$m]}"
			echo "	asn ${M_ASN[$m]}"
			for a in ${M_ADDR[$m]}; do
				echo "	address $a"
			done
			echo "	coi ${M_COIS[$m]}"
			IFS=';' read -ra pp <<<"${M_PFX[$m]}"
			for p in "${pp[@]}"; do
				[ -z "$p" ] || echo "	prefix $p"
			done
			IFS=';' read -ra pp <<<"${M_EXTRA[$m]}"
			for p in "${pp[@]}"; do
				[ -z "$p" ] || echo "	$p"
			done
			echo "}"
		done
	} >"$file"
}

# addr4 MEMBER / addr6 MEMBER: the member's address of that family, or
# nothing. M_ADDR holds one or two addresses (IPv4 and/or IPv6).
addr4() {
	local a
	for a in ${M_ADDR[$1]}; do
		case $a in *:*) ;; *) echo "$a" ;; esac
	done
}

addr6() {
	local a
	for a in ${M_ADDR[$1]}; do
		case $a in *:*) echo "$a" ;; esac
	done
}

# session MEMBER AF K: the name of MEMBER's BGP protocol on its host with
# route server K (0, 1, ...) over address family AF (4 or 6): "m", "m_r2",
# "m_6", "m_6r2", ...
session() {
	local s=$1
	[ "$2" = 4 ] || s=${s}_6
	if [ "$3" -gt 0 ] && [ "$2" = 4 ]; then
		s=${s}_r$(($3 + 1))
	elif [ "$3" -gt 0 ]; then
		s=${s}r$(($3 + 1))
	fi
	echo "$s"
}

# host_statics MEMBER AF: the static routes of MEMBER of family AF.
host_statics() {
	local m=$1 af=$2 rt p tags nh t
	for rt in ${M_ROUTES[$m]}; do
		p=${rt%%=*}
		case $p in
		*:*) [ "$af" = 6 ] || continue ;;
		*) [ "$af" = 4 ] || continue ;;
		esac
		tags=${rt#*=}
		nh=
		case $tags in *@*) nh=${tags#*@}; tags=${tags%@*} ;; esac
		if [ -n "$nh" ]; then
			printf '\troute %s via %s {' "$p" "$nh"
		else
			printf '\troute %s blackhole {' "$p"
		fi
		IFS=',' read -ra tt <<<"$tags"
		for t in "${tt[@]}"; do
			[ -z "$t" ] || printf ' bgp_large_community.add((%s, 1, %s));' \
				"$RS_ASN" "${COI[$t]:-$t}"
		done
		printf ' };\n'
	done
}

# host_conf HOST FILE [MEMBERS...]: BIRD configuration of a member host
# holding the sessions of the given members (default: all on HOST). Per
# member and family: a table (t_NAME, t6_NAME), a static protocol (s_NAME,
# s6_NAME) and one session with each route server of RS_NEIGH4/RS_NEIGH6.
host_conf() {
	local host=$1 file=$2 m a4 a6 rid k s i=0
	shift 2
	local list=("$@")
	[ ${#list[@]} -gt 0 ] || for m in "${MEMBERS[@]}"; do
		[ "${M_HOST[$m]}" != "$host" ] || list+=("$m")
	done
	{
		echo "# $T_NAME: member host $host"
		echo "router id 198.18.253.${host#H};"
		echo "protocol device { }"
		for m in "${list[@]}"; do
			i=$((i + 1))
			a4=$(addr4 "$m")
			a6=$(addr6 "$m")
			# each member its own router id and interface
			rid=${a4:-198.18.252.$i}
			if [ -n "$a4" ]; then
				echo "ipv4 table t_$m;"
				echo "protocol static s_$m {"
				echo "	ipv4 { table t_$m; };"
				host_statics "$m" 4
				echo "}"
				for k in "${!RS_NEIGH4[@]}"; do
					s=$(session "$m" 4 "$k")
					echo "protocol bgp $s {"
					echo "	router id $rid;"
					echo "	local $a4 as ${M_ASN[$m]};"
					echo "	neighbor ${RS_NEIGH4[$k]} as $RS_ASN;"
					echo "	interface \"${M_IF[$m]}\";"
					echo "	connect retry time 1;"
					echo "	ipv4 { table t_$m; import all; export where proto = \"s_$m\"; };"
					echo "}"
				done
			fi
			[ -n "$a6" ] || continue
			echo "ipv6 table t6_$m;"
			echo "protocol static s6_$m {"
			echo "	ipv6 { table t6_$m; };"
			host_statics "$m" 6
			echo "}"
			for k in "${!RS_NEIGH6[@]}"; do
				s=$(session "$m" 6 "$k")
				echo "protocol bgp $s {"
				echo "	router id $rid;"
				echo "	local $a6 as ${M_ASN[$m]};"
				echo "	neighbor ${RS_NEIGH6[$k]} as $RS_ASN;"
				echo "	interface \"${M_IF[$m]}\";"
				echo "	connect retry time 1;"
				echo "	ipv6 { table t6_$m; import all; export where proto = \"s6_$m\"; };"
				echo "}"
			done
		done
	} >"$file"
}

# bird_start LABEL CONF: run BIRD in LABEL's namespace, wait for its socket.
bird_start() {
	local label=$1 conf=$2 sock
	sock=$T_TMP/run/bird-$label.ctl
	BSOCK[$label]=$sock
	bg "$label" "$T_TMP/bird-$label.log" bird -f -c "$conf" -s "$sock" \
		-P "$T_TMP/run/bird-$label.pid"
	BPID[$label]=$BG_PID
	wait_for 10 bird_up "$label"
}

bird_up() {
	birdc -s "${BSOCK[$1]}" show status 2>/dev/null | grep -q 'Daemon is up'
}

# bc LABEL CMD...: birdc against LABEL's BIRD (10 s at most).
bc() {
	local label=$1
	shift
	timeout 10 birdc -s "${BSOCK[$label]}" "$@"
}

# rs_net: namespace R with the bridge; hosts with rs_host.
rs_net() {
	ns_add R
	n R ip link add br0 type bridge
	n R ip link set br0 up
	n R ip addr add "$RS_ADDR/24" dev br0
	n R ip addr add "$RS_ADDR6/64" dev br0 nodad
}

# rs_host HOST: a member host namespace with one veth on the bridge per
# member (e0, e1, ...) carrying that member's address. BIRD locks a BGP
# session by neighbor address and interface, so several members in one
# BIRD, all peering with the same route server, need one interface each.
rs_host() {
	local host=$1 m a i=0
	ns_add "$host"
	for m in "${MEMBERS[@]}"; do
		[ "${M_HOST[$m]}" = "$host" ] || continue
		M_IF[$m]=e$i
		veth_pair R "v$host-$i" "$host" "e$i"
		nq R ip link set "v$host-$i" master br0
		for a in ${M_ADDR[$m]}; do
			case $a in
			*:*) nq "$host" ip addr add "$a/64" dev "e$i" nodad ;;
			*) nq "$host" ip addr add "$a/24" dev "e$i" ;;
			esac
		done
		i=$((i + 1))
	done
}

# rs_label K: the namespace label of route server K (0, 1, ...).
rs_label() {
	if [ "$1" -eq 0 ]; then echo R; else echo "R$(($1 + 1))"; fi
}

# rs_server K: route server K > 0 in a namespace of its own on R's bridge,
# with the addresses RS_LOCAL gives it.
rs_server() {
	local k=$1 l a
	l=$(rs_label "$k")
	ns_add "$l"
	veth_pair R "v$l" "$l" e0
	nq R ip link set "v$l" master br0
	for a in ${RS_LOCAL[${RS_SERVERS[$k]}]}; do
		case $a in
		*:*) nq "$l" ip addr add "$a/64" dev e0 nodad ;;
		*) nq "$l" ip addr add "$a/24" dev e0 ;;
		esac
	done
}

# rs_lab: the route servers' namespaces, every host, the description in
# $T_TMP/mesh.conf, applied to each route server's BIRD (started on an
# empty configuration first, as a fresh server is), and every host's BIRD.
rs_lab() {
	local h k l a
	rs_net
	for k in "${!RS_SERVERS[@]}"; do
		[ "$k" -eq 0 ] || rs_server "$k"
	done
	for h in $(printf '%s\n' "${!HOSTS[@]}" | sort); do
		rs_host "$h"
	done
	RS_CONF=$T_TMP/rs-bird.conf
	for k in "${!RS_SERVERS[@]}"; do
		l=$(rs_label "$k")
		RS_CONFF[$l]=$T_TMP/rs-bird-$l.conf
		[ "$k" -gt 0 ] || RS_CONFF[$l]=$RS_CONF
		a=${RS_LOCAL[${RS_SERVERS[$k]}]:-$RS_ADDR}
		printf 'router id %s;\nprotocol device { }\n' "${a%% *}" \
			>"${RS_CONFF[$l]}"
		bird_start "$l" "${RS_CONFF[$l]}"
	done
	mesh_write "$T_TMP/mesh.conf" "${RS_SERVERS[@]}"
	if [ ${#RS_SERVERS[@]} -eq 1 ]; then
		rs apply >/dev/null
	else
		for k in "${!RS_SERVERS[@]}"; do
			rs_on "$k" apply >/dev/null
		done
	fi
	for h in $(printf '%s\n' "${!HOSTS[@]}" | sort); do
		host_conf "$h" "$T_TMP/bird-$h.conf"
		bird_start "$h" "$T_TMP/bird-$h.conf"
	done
}

# rs ARGS...: routeserver against the lab's BIRD and description.
rs() {
	say '[R] routeserver %s\n' "$*"
	timeout 60 "$ROUTESERVER" -f "$T_TMP/mesh.conf" -s "${BSOCK[R]}" \
		-o "$RS_CONF" "$@"
}

# rs_on K ARGS...: routeserver as route server K, against its BIRD.
rs_on() {
	local k=$1 l
	shift
	l=$(rs_label "$k")
	say '[%s] routeserver -r %s %s\n' "$l" "${RS_SERVERS[$k]}" "$*"
	timeout 60 "$ROUTESERVER" -f "$T_TMP/mesh.conf" -r "${RS_SERVERS[$k]}" \
		-s "${BSOCK[$l]}" -o "${RS_CONFF[$l]}" "$@"
}

# sessions_up N [LABEL]: N member sessions of the route server (in R, or
# LABEL) are Established.
sessions_up() {
	local got
	got=$(bc "${2:-R}" show protocols | grep -c ' Established') || true
	[ "$got" -eq "$1" ]
}

# received MEMBER [K]: the prefixes MEMBER's BIRD learned from route
# server K (default 0, the first), both families.
received() {
	local m=$1 k=${2:-0}
	{
		[ -z "$(addr4 "$m")" ] || bc "${M_HOST[$m]}" show route \
			table "t_$m" protocol "$(session "$m" 4 "$k")"
		[ -z "$(addr6 "$m")" ] || bc "${M_HOST[$m]}" show route \
			table "t6_$m" protocol "$(session "$m" 6 "$k")"
	} | awk '/^[0-9a-f]+[.:][0-9a-f.:]*\/[0-9]+ / { print $1 }' | sort
}

# received_via MEMBER PREFIX: the next hop MEMBER uses for PREFIX.
received_via() {
	bc "${M_HOST[$1]}" show route table "t_$1" "$2" protocol "$1" |
		awk '/via/ { print $2; exit }'
}

# expect_routes MEMBER: computed from the arrays, independently of
# routeserver: every route of every other member whose COI tags (or, if
# untagged, the origin's "untagged coi" list) share a COI with MEMBER, of
# an address family MEMBER has a session for.
expect_routes() {
	local me=$1 m rt p tags t c a4 a6
	a4=$(addr4 "$me")
	a6=$(addr6 "$me")
	for m in "${MEMBERS[@]}"; do
		[ "$m" != "$me" ] || continue
		for rt in ${M_ROUTES[$m]}; do
			p=${rt%%=*}
			case $p in
			*:*) [ -n "$a6" ] || continue ;;
			*) [ -n "$a4" ] || continue ;;
			esac
			tags=${rt#*=}
			tags=${tags%@*}
			if [ -z "$tags" ]; then
				tags=$(printf '%s' "${M_EXTRA[$m]}" |
					sed -n 's/.*untagged coi \([^;]*\).*/\1/p' | tr ' ' ',')
			fi
			IFS=',' read -ra tt <<<"$tags"
			for t in "${tt[@]}"; do
				for c in ${M_COIS[$me]}; do
					if [ "$t" = "$c" ]; then
						echo "$p"
						continue 3
					fi
				done
			done
		done
	done | sort -u
}

# routes_match MEMBER: MEMBER received exactly expect_routes MEMBER.
routes_match() {
	[ "$(received "$1")" = "$(expect_routes "$1")" ]
}

# status_get FILTER: jq FILTER over "routeserver status --json".
status_get() {
	rs status --json 2>/dev/null | jq -er "$1"
}

# proto_since NAME: the route server's "since" of protocol NAME.
# since_ms "YYYY-MM-DD HH:MM:SS.mmm": milliseconds since the epoch.
since_ms() {
	local d=${1%.*} frac=${1##*.}
	echo $(( $(date -d "$d" +%s) * 1000 + 10#$frac ))
}

# same_instant T1 T2: two of BIRD's timestamps name the same instant.  BIRD
# prints its times by converting a monotonic clock to the wall clock at the
# moment it answers, so one instant can come out a millisecond or so apart.
same_instant() {
	local d=$(( $(since_ms "$1") - $(since_ms "$2") ))
	[ "${d#-}" -le 10 ]
}

# last_reconf: when BIRD last took a configuration ("show status").
last_reconf() {
	bc R show status | sed -n 's/^Last reconfiguration on //p'
}

# bird_settled: BIRD has finished taking its last configuration.
bird_settled() {
	bc R show status | grep -q '^Daemon is up and running'
}

proto_since() {
	bc R show protocols "$1" | awk -v p="$1" '$1 == p { print $5, $6 }'
}
