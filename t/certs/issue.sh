#!/bin/bash
# t/certs/issue.sh: coimesh-pki end to end, the good path: a mesh root, an
# organization CA, node certificates (ECDSA P-256 and Ed25519), what they
# say (show --json), file modes, the CA index (list --json), chains that
# verify with CRLs, IKE IDs and COIs checked through lib/meshcert, an
# encrypted CA key, and an organization that keeps its own key (--pubkey).
# No namespaces: nothing to draw.
set -eu
. "$(dirname "$0")/common.sh"

log "root, organization, node"
mesh
[ "$(mode root)" = 700 ] || fail "root/ is $(mode root)"
[ "$(mode root/ca.key)" = 600 ] || fail "root/ca.key is $(mode root/ca.key)"
[ "$(mode acme/ca.key)" = 600 ] || fail "acme/ca.key is $(mode acme/ca.key)"
[ "$(mode acme/nodes/n1.key)" = 600 ] || fail "n1.key is $(mode acme/nodes/n1.key)"
[ "$(mode acme/nodes/n1.crt)" = 644 ] || fail "n1.crt is $(mode acme/nodes/n1.crt)"
cmp -s root/ca.crt acme/root.crt || fail "acme/root.crt is not the root"
grep -q 'BEGIN PRIVATE KEY' acme/nodes/n1.key || fail "n1.key is not PKCS#8"
[ "$(grep -c 'BEGIN CERTIFICATE' acme/nodes/n1.chain.pem)" = 2 ] ||
	fail "n1.chain.pem does not hold node and CA"

log "the node certificate"
pki show --json acme/nodes/n1.crt
j=$(cat "$out")
[ "$(jq -r .subject <<<"$j")" = "CN=n1,O=acme" ] || fail subject
[ "$(jq -r .issuer <<<"$j")" = "CN=acme organization CA,O=acme" ] || fail issuer
[ "$(jq -r .organization <<<"$j")" = acme ] || fail organization
[ "$(jq -r .node <<<"$j")" = n1 ] || fail node
[ "$(jq -c .cois <<<"$j")" = '["red"]' ] || fail cois
[ "$(jq -c .prefixes <<<"$j")" = '["198.18.1.0/24"]' ] || fail prefixes
[ "$(jq -c .asns <<<"$j")" = '["64601"]' ] || fail asns
[ "$(jq -c .dns <<<"$j")" = '["n1.acme.example"]' ] || fail dns
[ "$(jq -c .ip <<<"$j")" = '["198.51.100.1"]' ] || fail ip
[ "$(jq -r .key <<<"$j")" = ec-p256 ] || fail key
[ "$(jq -r .ca <<<"$j")" = false ] || fail ca
serial=$(jq -r .serial <<<"$j")
[ ${#serial} = 32 ] || fail "serial $serial is not 128 bits"
pki show acme/nodes/n1.crt
grep -qx 'COIs          red' "$out" || fail "show: no COIs line"
grep -qx 'prefixes      198.18.1.0/24' "$out" || fail "show: no prefixes line"
pki show --json acme/ca.crt
[ "$(jq -c .cois "$out")" = '["blue","red"]' ] || fail "org CA COIs"
[ "$(jq -c .prefixes "$out")" = '["198.18.0.0/16","2001:db8:1::/48"]' ] ||
	fail "org CA prefixes"
pki show --json root/ca.crt
[ "$(jq -c .prefixes "$out")" = \
    '["192.0.2.0/24","198.18.0.0/15","2001:db8::/32"]' ] || fail "root prefixes"

log "an Ed25519 node with two COIs and IPv6"
pki node -d acme -t ed25519 --coi blue --coi red --prefix 2001:db8:1:2::/64 \
	--ip 2001:db8:100::2 --email ops@acme.example n2
pki show --json acme/nodes/n2.crt
[ "$(jq -r .key "$out")" = ed25519 ] || fail "n2 key type"
[ "$(jq -c .cois "$out")" = '["blue","red"]' ] || fail "n2 COIs"

log "the index"
pki list -d acme --json
[ "$(jq -r '.certs | length' "$out")" = 2 ] || fail "acme lists $(jq -r '.certs | length' "$out")"
[ "$(jq -r '.certs[0].name' "$out")" = n1 ] || fail "first is not n1"
[ "$(jq -r '.certs[0].serial' "$out")" = "$serial" ] || fail "n1's serial"
[ "$(jq -r '.certs[0].status' "$out")" = valid ] || fail "n1 not valid"
[ "$(jq -r '.crl.number' "$out")" = 1 ] || fail "CRL number"
[ -f "acme/certs/$serial.pem" ] || fail "no copy of n1 in acme/certs"
pki list -d root --json
[ "$(jq -r '.certs[0].kind + " " + .certs[0].name' "$out")" = "org acme" ] ||
	fail "root does not list acme"
pki list -d acme
grep -q "^$serial  node  n1 .* valid " "$out" || fail "list: no n1 line"

log "verify, as IKE will"
bundle mesh.pem
pki verify --ca mesh.pem acme/nodes/n1.chain.pem
[ "$(cat "$out")" = "acme/nodes/n1.chain.pem: OK: node n1 of acme" ] ||
	fail "verify output"
pki verify --ca mesh.pem acme/nodes/n2.chain.pem
# the leaf alone, with the organization CA in the bundle
cat acme/ca.crt >>mesh.pem
pki verify --ca mesh.pem acme/nodes/n1.crt
pki verify --ca mesh.pem --id fqdn:n1.acme.example acme/nodes/n1.crt
pki verify --ca mesh.pem --id ipv4:198.51.100.1 acme/nodes/n1.crt
pki verify --ca mesh.pem --id ipv6:2001:db8:100::2 acme/nodes/n2.crt
pki verify --ca mesh.pem --id email:ops@acme.example acme/nodes/n2.crt
pki verify --ca mesh.pem --peer acme/nodes/n2.crt acme/nodes/n1.chain.pem
[ "$(cat "$out")" = "acme/nodes/n1.chain.pem: OK: node n1 of acme, shared COI red" ] ||
	fail "verify --peer output"
pki verify --json --ca mesh.pem acme/nodes/n1.chain.pem
[ "$(jq -r '.ok' "$out")" = true ] || fail "verify --json ok"
[ "$(jq -r '.certificate.node' "$out")" = n1 ] || fail "verify --json node"

log "an encrypted organization key"
printf 'correct horse battery\n' >pass
chmod 600 pass
pki org -d root -o beta --coi red --prefix 198.19.0.0/24 --pass-out pass beta
grep -q 'BEGIN ENCRYPTED PRIVATE KEY' beta/ca.key || fail "beta/ca.key is not encrypted"
pki node -d beta --coi red --prefix 198.19.0.0/25 --pass-in pass b1
bundle mesh.pem
pki verify --ca mesh.pem --peer acme/nodes/n1.crt beta/nodes/b1.chain.pem
# an encrypted node key
pki node -d beta --coi red --pass-in pass --pass-out pass b2
grep -q 'BEGIN ENCRYPTED PRIVATE KEY' beta/nodes/b2.key || fail "b2.key is not encrypted"

log "an organization that keeps its own key"
pki key -t ed25519 gamma.key
[ "$(mode gamma.key)" = 600 ] || fail "gamma.key is $(mode gamma.key)"
pki org -d root -o gamma --coi blue --prefix 192.0.2.0/25 --pubkey gamma.key.pub gamma
[ ! -e gamma/ca.key ] || fail "gamma/ca.key written with --pubkey"
cp gamma.key gamma/ca.key
pki crl -d gamma
pki node -d gamma --coi blue --prefix 192.0.2.0/26 g1
cat root/root.crt root/crl.pem gamma/crl.pem >gmesh.pem
pki verify --ca gmesh.pem gamma/nodes/g1.chain.pem

log "node files elsewhere (-o)"
mkdir out
pki node -d acme --coi blue -o out/n9 n9
[ -f out/n9.key ] && [ -f out/n9.crt ] && [ -f out/n9.chain.pem ] ||
	fail "-o out/n9 did not write out/n9.{key,crt,chain.pem}"
