#!/bin/bash
# t/certs/revoke.sh: revocation and CRLs end to end: a revoked node is
# refused by verify (lib/meshcert with the CRLs) while its neighbours still
# pass; revoking an organization CA at the root takes all its nodes down;
# CRL numbers grow, nextUpdate follows --days / --crl-days; a stale CRL is
# refused; revoking twice or an unknown serial is refused and changes
# nothing. No namespaces: nothing to draw.
set -eu
. "$(dirname "$0")/common.sh"
P=$PKI
E="coimesh-pki:"

# days_from_now ISO: whole days from now to the ISO time (rounded)
days_from_now() {
	echo $((($(date -u -d "$1" +%s) - $(date -u +%s) + 43200) / 86400))
}

mesh
pki node -d acme --coi red n2
pki org -d root -o beta --coi red --prefix 198.19.0.0/24 beta
pki node -d beta --coi red b1
DIRS="root acme beta"
bundle mesh.pem
pki verify --ca mesh.pem acme/nodes/n1.chain.pem
pki verify --ca mesh.pem acme/nodes/n2.chain.pem

log "revoke n1 by its file"
n1serial=$(jq -r '.certs[0].serial' acme/index.json)
pki revoke -d acme --reason keyCompromise acme/nodes/n1.crt
[ "$(cat "$out")" = "revoked node n1 (serial $n1serial); CRL acme/crl.pem" ] ||
	fail "revoke output"
pki list -d acme --json
[ "$(jq -r '.certs[0].status' "$out")" = revoked ] || fail "n1 not listed revoked"
[ "$(jq -r '.certs[0].reason' "$out")" = keyCompromise ] || fail "reason"
[ "$(jq -r '.certs[1].status' "$out")" = valid ] || fail "n2 not valid"
[ "$(jq -r '.crl.number' "$out")" = 2 ] || fail "CRL number not 2"
[ "$(jq -r '.crl.revoked' "$out")" = 1 ] || fail "CRL does not hold one entry"
[ "$(days_from_now "$(jq -r '.crl.next_update' "$out")")" = 30 ] ||
	fail "nextUpdate not 30 days ahead"
bundle mesh.pem
refused "$E acme/nodes/n1.chain.pem: certificate revoked: CN=n1,O=acme" \
	$P verify --ca mesh.pem acme/nodes/n1.chain.pem
pki verify --ca mesh.pem acme/nodes/n2.chain.pem
# an old bundle does not know yet
run "$P" verify --ca root/root.crt --ca root/crl.pem --no-crl acme/nodes/n1.chain.pem
[ "$rc" = 0 ] || fail "--no-crl refused n1"

log "twice, unknown, bad"
refused "$E serial $n1serial (node n1) is already revoked" \
	$P revoke -d acme "$n1serial"
refused "$E serial 0123456789ABCDEF was not issued by the CA in acme" \
	$P revoke -d acme 0123456789abcdef
refused "$E serial $(jq -r '.certs[0].serial' beta/index.json) was not issued by the CA in acme" \
	$P revoke -d acme beta/nodes/b1.crt
refused "$E \"n2\": neither a file nor a hexadecimal serial number" \
	$P revoke -d acme n2
refused "$E bad --reason \"stolen\": want unspecified, keyCompromise, cACompromise, affiliationChanged, superseded or cessationOfOperation" \
	$P revoke -d acme --reason stolen acme/nodes/n2.crt

log "revoke n2 by serial (lower case), CRL valid 7 days"
n2serial=$(jq -r '.certs[1].serial' acme/index.json)
pki revoke -d acme --crl-days 7 "${n2serial,,}"
pki list -d acme --json
[ "$(jq -r '.crl.number' "$out")" = 3 ] || fail "CRL number not 3"
[ "$(jq -r '.crl.revoked' "$out")" = 2 ] || fail "CRL does not hold two entries"
[ "$(days_from_now "$(jq -r '.crl.next_update' "$out")")" = 7 ] ||
	fail "nextUpdate not 7 days ahead"

log "crl: publish again"
pki crl -d acme --days 90
pki list -d acme --json
[ "$(jq -r '.crl.number' "$out")" = 4 ] || fail "CRL number not 4"
[ "$(days_from_now "$(jq -r '.crl.next_update' "$out")")" = 90 ] ||
	fail "nextUpdate not 90 days ahead"
bundle mesh.pem
refused "$E acme/nodes/n2.chain.pem: certificate revoked: CN=n2,O=acme" \
	$P verify --ca mesh.pem acme/nodes/n2.chain.pem

log "a stale CRL is refused"
pki crl -d beta --days 1
bundle mesh.pem
refused "$E beta/nodes/b1.chain.pem: CRL problem: CN=b1,O=beta: CRL has expired" \
	$P verify --ca mesh.pem --at "$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)" beta/nodes/b1.chain.pem
pki verify --ca mesh.pem beta/nodes/b1.chain.pem

log "revoke an organization at the root"
pki node -d acme --coi blue n3
bundle mesh.pem
pki verify --ca mesh.pem acme/nodes/n3.chain.pem
pki revoke -d root --reason cessationOfOperation acme/ca.crt
bundle mesh.pem
refused "$E acme/nodes/n3.chain.pem: certificate revoked: CN=acme organization CA,O=acme" \
	$P verify --ca mesh.pem acme/nodes/n3.chain.pem
pki verify --ca mesh.pem beta/nodes/b1.chain.pem
