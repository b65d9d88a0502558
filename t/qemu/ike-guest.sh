# t/qemu/ike-guest.sh: the guest's half of t/qemu/ike.sh (busybox sh, run
# by t/qemu/vm).  strongSwan's charon with the kernel-netlink plugin keys
# the kernel's XFRM in transport mode with GRE selectors; ip_gre runs over
# it.  Connection c1: overlayd initiates; c2: charon initiates.
#
# /share holds, from the host: root.crt, acme.crt (CA certificates),
# ng.crt and ng.key (this node), "tunnels" (one line per tunnel: number,
# host outer, guest outer, host inner, guest inner, MTU, charon's DH
# groups).
. /share/guest.sh

SS=/tmp/ss
export STRONGSWAN_CONF=$SS/strongswan.conf
export SWANCTL_DIR=$SS/swanctl

# counters FILE: "state SPI packets=N bytes=N" for every kernel state,
# then `ip -s xfrm state` itself, for the host to check.
counters() {
	$IP -s xfrm state | awk '
		/proto esp spi/ { s = $4; sub(/\(.*/, "", s) }
		$1 ~ /^[0-9]+\(bytes\),$/ { split($1, b, "("); split($2, p, "(")
			print "state", s, "bytes=" b[1], "packets=" p[1] }' \
		>"/share/$1.tmp"
	$IP -s xfrm state >>"/share/$1.tmp"
	mv "/share/$1.tmp" "/share/$1"
}

# --- the network ---------------------------------------------------------------
while read -r i h g hi gi mtu groups; do
	run $IP addr add "$g/24" dev eth0
done </share/tunnels
run $IP link set eth0 up
while read -r i h g hi gi mtu groups; do
	run $IP route add "$h/32" dev eth0 src "$g"
	run $IP link add "gre$i" type gre local "$g" remote "$h" ttl 64
	run $IP link set "gre$i" mtu "$mtu" up
	run $IP addr add "$gi/31" dev "gre$i"
done </share/tunnels

# --- strongSwan ---------------------------------------------------------------------
mkdir -p /var/run "$SWANCTL_DIR/x509" "$SWANCTL_DIR/x509ca" \
	"$SWANCTL_DIR/private"
cp /share/root.crt /share/acme.crt "$SWANCTL_DIR/x509ca/"
cp /share/ng.crt "$SWANCTL_DIR/x509/"
cp /share/ng.key "$SWANCTL_DIR/private/"
chmod 600 "$SWANCTL_DIR/private/ng.key"
# No libipsec: the kernel's XFRM through netlink.  An explicit plugin list
# needs kdf and hmac for the PRF.
plugins="random nonce x509 revocation constraints pubkey pkcs1 pkcs8 pem"
plugins="$plugins openssl curve25519 kdf hmac sha2 gcm aes"
plugins="$plugins kernel-netlink socket-default vici"
cat >"$STRONGSWAN_CONF" <<EOF
charon {
	load_modular = no
	load = $plugins
	install_routes = no
	retransmit_tries = 8
	filelog {
		charon {
			path = /share/charon.log
			time_format = %T
			default = 1
			ike = 2
			cfg = 2
			knl = 2
			net = 1
			enc = 1
		}
	}
}
swanctl {
	load = pem pkcs1 pkcs8 x509 openssl random nonce
}
EOF
# each setting on its own line (one-line blocks are mis-parsed)
{
	echo "connections {"
	while read -r i h g hi gi mtu groups; do
		cat <<EOF
	c$i {
		version = 2
		local_addrs = $g
		remote_addrs = $h
		proposals = aes256gcm16-prfsha256-$groups
		unique = never
		# MOBIKE stays on (strongSwan's default): charon moves to
		# UDP 4500 at IKE_AUTH even without a NAT (RFC 7296 2.23
		# allows it) and overlayd follows it there.
		dpd_delay = 0
		local {
			auth = pubkey
			certs = ng.crt
		}
		remote {
			auth = pubkey
		}
		children {
			c$i {
				mode = transport
				esp_proposals = aes256gcm16-esn
				local_ts = $g/32[47]
				remote_ts = $h/32[47]
				start_action = none
			}
		}
	}
EOF
	done </share/tunnels
	echo "}"
} >"$SWANCTL_DIR/swanctl.conf"

/usr/lib/ipsec/charon >/tmp/charon.out 2>&1 &
charon_pid=$!
vici_up() {
	[ -S /var/run/charon.vici ]
}
gpoll 60 vici_up || gfail "charon: no vici socket: $(cat /tmp/charon.out)"
run swanctl --load-all --noprompt
signal configured

# --- c2: charon initiates -------------------------------------------------------------
say "c2: charon initiates"
run timeout 150 swanctl --initiate --ike c2 --child c2 --timeout 140

# --- c1: overlayd initiates: wait for its CHILD_SA ------------------------------------------
c1_up() {
	swanctl --list-sas --ike c1 2>/dev/null | grep -q 'c1: #.*INSTALLED, TRANSPORT'
}
gpoll 150 c1_up || gfail "c1: no CHILD_SA from overlayd"
swanctl --list-sas
$IP xfrm policy
signal sas-up

# --- pings --------------------------------------------------------------------------------
await host-pinged 300
while read -r i h g hi gi mtu groups; do
	run ping -c 5 -W 2 -s 200 "$hi"
done </share/tunnels
counters counters
swanctl --list-sas --raw >/share/sas.raw
signal guest-pinged

# --- deletes both ways ---------------------------------------------------------------------
# charon deletes c2 (and waits for overlayd's answer); overlayd, stopped,
# deletes c1: charon must remove it and the kernel its states.
await host-counted 300
# c1: charon deletes the CHILD_SA only; overlayd answers with the Delete of
# its half and deletes the IKE SA too (it cannot make a new CHILD_SA in
# it), then initiates again: one IKE SA c1 again, a new one.
old=$(swanctl --list-sas --ike c1 | sed -n 's/^c1: #\([0-9]*\),.*/\1/p')
run swanctl --terminate --child c1 --timeout 60
c1_again() {
	swanctl --list-sas --ike c1 >/tmp/c1.sas 2>&1 &&
		[ "$(grep -c '^c1: #.*ESTABLISHED' /tmp/c1.sas)" = 1 ] &&
		grep -q 'c1: #.*INSTALLED, TRANSPORT' /tmp/c1.sas &&
		! grep -q "^c1: #$old," /tmp/c1.sas
}
gpoll 90 c1_again || gfail "c1: not one new IKE SA after the CHILD_SA's delete: $(cat /tmp/c1.sas)"
cat /tmp/c1.sas
run ping -c 3 -W 2 198.18.0.2
signal c1-again
run swanctl --terminate --ike c2 --timeout 60
signal c2-deleted
await overlayd-stopped 300
c1_gone() {
	! swanctl --list-sas --ike c1 | grep -q ESTABLISHED &&
		[ -z "$($IP xfrm state)" ]
}
gpoll 60 c1_gone || gfail "c1: charon kept the SAs after overlayd's DELETE"
say "c1: deleted by overlayd, no XFRM state left"
$IP xfrm policy | grep -q 'proto 47' || say "charon's GRE policies are gone too"
signal guest-deleted

await host-done 300
kill "$charon_pid"
exit 0
