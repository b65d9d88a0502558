#!/bin/bash
# ike_capture.sh OUTDIR: capture a real IKEv2 exchange between two
# strongSwan charons for the IKE codec's interop vectors (run as root,
# by hand; the suite only uses what it wrote, t/unit/ike_vectors.h).
#
#   [A: charon, initiator] 198.51.100.1 --veth-- 198.51.100.2 [B: charon]
#
# Both authenticate with ECDSA P-256 certificates from a throw-away CA,
# propose aes256gcm16-prfsha256-x25519, and log at level 4, which prints
# the DH secret, SKEYSEED, the SK_* keys and every packet received: the
# four messages of IKE_SA_INIT and IKE_AUTH. (B refuses the CHILD_SA with
# TS_UNACCEPTABLE, as its kernel-libipsec cannot install the GRE policy in
# this setup; the IKE SA comes up, which is what the vectors need.) OUTDIR gets msgN.bin,
# charon-A.log, charon-B.log, ca.der, a.der, b.der and ike_vectors.h.
set -eu
out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
sfx=ikecap-$$
tmp=$(mktemp -d)
declare -a pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || :; done
	wait 2>/dev/null || :
	ip netns del "$sfx-A" 2>/dev/null || :
	ip netns del "$sfx-B" 2>/dev/null || :
	rm -rf "$tmp"
}
trap cleanup EXIT

ip netns add "$sfx-A"
ip netns add "$sfx-B"
ip link add ica type veth peer name icb
ip link set ica netns "$sfx-A"
ip link set icb netns "$sfx-B"
ip -n "$sfx-A" addr add 198.51.100.1/24 dev ica
ip -n "$sfx-B" addr add 198.51.100.2/24 dev icb
for l in A B; do
	ip -n "$sfx-$l" link set lo up
done
ip -n "$sfx-A" link set ica up
ip -n "$sfx-B" link set icb up

# PKI: CA, one ECDSA P-256 certificate per node
cd "$tmp"
pki --gen --type ecdsa --size 256 --outform pem >ca.key
pki --self --ca --lifetime 30 --in ca.key --type ecdsa \
    --dn "CN=coimesh test CA" --outform pem >ca.crt
for l in A B; do
	lc=$(echo $l | tr AB ab)
	pki --gen --type ecdsa --size 256 --outform pem >"$lc.key"
	pki --pub --in "$lc.key" --type ecdsa |
	    pki --issue --lifetime 30 --cacert ca.crt --cakey ca.key \
	    --dn "CN=node-$lc.example" --san "node-$lc.example" \
	    --outform pem >"$lc.crt"
done

for l in A B; do
	lc=$(echo $l | tr AB ab)
	d=$tmp/$l
	mkdir -p "$d/swanctl/x509ca" "$d/swanctl/x509" "$d/swanctl/ecdsa"
	cp ca.crt "$d/swanctl/x509ca/"
	cp "$lc.crt" "$d/swanctl/x509/"
	cp "$lc.key" "$d/swanctl/ecdsa/"
	if [ $l = A ]; then me=198.51.100.1 peer=198.51.100.2 other=b
	else me=198.51.100.2 peer=198.51.100.1 other=a; fi
	cat >"$d/strongswan.conf" <<EOF
charon {
	load_modular = no
	load = random nonce aes sha1 sha2 hmac kdf gcm openssl curve25519 pem pkcs1 pkcs8 x509 pubkey constraints kernel-libipsec kernel-netlink socket-default vici
	install_routes = no
	plugins {
		socket-default {
			fwmark = 0x42
		}
		kernel-netlink {
			fwmark = !0x42
		}
		vici {
			socket = unix://$d/charon.vici
		}
	}
	filelog {
		log {
			path = $d/charon.log
			default = 1
			ike = 4
			enc = 3
			cfg = 2
			net = 4
			flush_line = yes
		}
	}
}
swanctl {
	socket = unix://$d/charon.vici
}
EOF
	cat >"$d/swanctl/swanctl.conf" <<EOF
connections {
	cap {
		version = 2
		local_addrs = $me
		remote_addrs = $peer
		proposals = aes256gcm16-prfsha256-x25519
		encap = yes
		local {
			auth = pubkey
			certs = $lc.crt
			id = node-$lc.example
		}
		remote {
			auth = pubkey
			id = node-$other.example
		}
		children {
			gre {
				mode = tunnel
				esp_proposals = aes256gcm16
				local_ts = $me/32[gre]
				remote_ts = $peer/32[gre]
				start_action = none
			}
		}
	}
}
EOF
	ip -n "$sfx-$l" rule add to "$peer" ipproto gre lookup 220 pref 210
	ip -n "$sfx-$l" rule add to "$peer" lookup main pref 211
	ip netns exec "$sfx-$l" sh -c "mount -t tmpfs x /run && exec env STRONGSWAN_CONF=$d/strongswan.conf /usr/lib/ipsec/charon" \
	    >"$d/charon.out" 2>&1 &
	pids+=($!)
done

wait_sock() {
	local i
	for i in $(seq 1 100); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "no vici socket $1" >&2
	return 1
}
for l in A B; do
	wait_sock "$tmp/$l/charon.vici"
	ip netns exec "$sfx-$l" env SWANCTL_DIR="$tmp/$l/swanctl" \
	    STRONGSWAN_CONF="$tmp/$l/strongswan.conf" swanctl --load-all --noprompt \
	    >/dev/null
done

ip netns exec "$sfx-A" env SWANCTL_DIR="$tmp/A/swanctl" \
    STRONGSWAN_CONF="$tmp/A/strongswan.conf" \
    timeout 20 swanctl --initiate --ike cap --child gre >"$tmp/initiate.log" 2>&1 ||
	grep -q "IKE_SA cap.*established" "$tmp/A/charon.log" ||
	{ cat "$tmp/initiate.log"; tail -40 "$tmp/A/charon.log"; exit 1; }
cp "$tmp/A/charon.log" "$out/charon-A.log"
cp "$tmp/B/charon.log" "$out/charon-B.log"
openssl x509 -in "$tmp/ca.crt" -outform DER -out "$out/ca.der"
openssl x509 -in "$tmp/a.crt" -outform DER -out "$out/a.der"
openssl x509 -in "$tmp/b.crt" -outform DER -out "$out/b.der"
ls -l "$out"

# t/unit/ike_vectors.h: the messages, the secrets charon A logged, and
# the certificates, as C arrays
python3 - "$out" >"$out/ike_vectors.h" <<'PY'
import re, sys
out = sys.argv[1]
log = open(out + '/charon-A.log').read().splitlines()
def logged(label):
    for i, l in enumerate(log):
        m = re.search(re.escape(label) + r' => (\d+) bytes', l)
        if m:
            n, hx, j = int(m.group(1)), '', i + 1
            while len(hx) < 2 * n:
                hx += ''.join(re.match(r'.*\]\s+\d+: ((?:[0-9A-F]{2} ?)+)',
                    log[j]).group(1).split())
                j += 1
            return bytes.fromhex(hx[:2 * n])
    raise SystemExit('not logged: ' + label)
def received(path, k):
    # the k-th packet a charon received (net = 4 dumps it), without the
    # non-ESP marker of port 4500
    lines, seen = open(path).read().splitlines(), 0
    for i, l in enumerate(lines):
        m = re.search(r'received packet => (\d+) bytes', l)
        if not m:
            continue
        seen += 1
        if seen != k:
            continue
        n, hx, j = int(m.group(1)), '', i + 1
        while len(hx) < 2 * n:
            hx += ''.join(re.match(r'.*\]\s+\d+: ((?:[0-9A-F]{2} ?)+)',
                lines[j]).group(1).split())
            j += 1
        b = bytes.fromhex(hx[:2 * n])
        return b[4:] if b[:4] == bytes(4) else b
    raise SystemExit('packet %d not in %s' % (k, path))
def arr(name, b):
    print('static const unsigned char %s[] = {' % name)
    for i in range(0, len(b), 12):
        print('\t' + ' '.join('0x%02x,' % c for c in b[i:i + 12]))
    print('};')
print('/* Generated by t/unit/ike_capture.sh from two strongSwan 5.9.8 charons:')
print(' * IKE_SA_INIT and IKE_AUTH, aes256gcm16-prfsha256-x25519, ECDSA P-256')
print(' * certificates (RFC 7427 AUTH); A initiates. Do not edit. */')
msgs = [received(out + '/charon-B.log', 1), received(out + '/charon-A.log', 1),
    received(out + '/charon-B.log', 2), received(out + '/charon-A.log', 2)]
for i, m in enumerate(msgs):
    arr('v_msg%d' % (i + 1), m)
    open('%s/msg%d.bin' % (out, i + 1), 'wb').write(m)
for label, name in [('shared Diffie Hellman secret', 'v_gir'),
        ('SKEYSEED', 'v_skeyseed'), ('Sk_d secret', 'v_sk_d'),
        ('Sk_ei secret', 'v_sk_ei'), ('Sk_er secret', 'v_sk_er'),
        ('Sk_pi secret', 'v_sk_pi'), ('Sk_pr secret', 'v_sk_pr')]:
    arr(name, logged(label))
for c in ('ca', 'a', 'b'):
    arr('v_cert_' + c, open('%s/%s.der' % (out, c), 'rb').read())
PY
