#!/bin/bash
# t/certs/errors.sh: coimesh-pki refuses bad input with one exact error
# line, exit 1, and leaves every file as it was (no overwrite, no partial
# write, no temporary file): bad COI, org and node names, prefixes outside
# the issuer's blocks, AS numbers outside its range, COIs the organization
# may not grant, existing files and directories, wrong and missing
# passphrases, a key that is not the CA's, a key readable by others,
# validity beyond the CA's, bad command lines; and verify's refusals
# (expired, not yet valid, unknown CA, no shared COI, ID mismatch).
# No namespaces: nothing to draw.
set -eu
. "$(dirname "$0")/common.sh"
P=$PKI
E="coimesh-pki:"

mesh
printf 'correct horse battery\n' >pass
printf 'wrong horse battery\n' >wrong
chmod 600 pass wrong
pki org -d root -o beta --coi red --prefix 198.19.0.0/24 --pass-out pass beta
DIRS="root acme beta"

log "names"
refused "$E bad COI name \"Red\": want [a-z0-9][a-z0-9-]{0,62}" \
	$P node -d acme --coi Red n2
refused "$E bad COI name \"red_1\": want [a-z0-9][a-z0-9-]{0,62}" \
	$P node -d acme --coi red_1 n2
refused "$E bad COI name \"-red\": want [a-z0-9][a-z0-9-]{0,62}" \
	$P node -d acme --coi -red n2
refused "$E bad COI name \"a234567890123456789012345678901234567890123456789012345678901234\": want [a-z0-9][a-z0-9-]{0,62}" \
	$P node -d acme --coi a234567890123456789012345678901234567890123456789012345678901234 n2
refused "$E COI \"red\" given twice" $P node -d acme --coi red --coi red n2
refused "$E bad node name \"N2\": want [a-z0-9][a-z0-9-]{0,62}" \
	$P node -d acme --coi red N2
refused "$E bad organization name \"Acme Corp\": want [a-z0-9][a-z0-9-]{0,62}" \
	$P org -d root -o x --coi red "Acme Corp"
refused "$E bad DNS name \"n2..example\"" \
	$P node -d acme --coi red --dns n2..example n2
refused "$E bad IP address \"198.51.100\"" \
	$P node -d acme --coi red --ip 198.51.100 n2

log "what the issuer holds"
refused "$E COI \"green\" is not granted to organization acme (its CA has: blue, red)" \
	$P node -d acme --coi green n2
refused "$E prefix 203.0.113.0/24 is outside the issuer's address blocks (198.18.0.0/16, 2001:db8:1::/48)" \
	$P node -d acme --coi red --prefix 203.0.113.0/24 n2
refused "$E prefix 198.19.0.0/24 is outside the issuer's address blocks (198.18.0.0/16, 2001:db8:1::/48)" \
	$P node -d acme --coi red --prefix 198.18.1.0/24 --prefix 198.19.0.0/24 n2
refused "$E prefix 2001:db8::/32 is outside the issuer's address blocks (198.18.0.0/16, 2001:db8:1::/48)" \
	$P node -d acme --coi red --prefix 2001:db8::/32 n2
refused "$E prefix 198.20.0.0/16 is outside the issuer's address blocks (192.0.2.0/24, 198.18.0.0/15, 2001:db8::/32)" \
	$P org -d root -o x --coi red --prefix 198.20.0.0/16 x
refused "$E AS number 65000 is outside the issuer's (64600-64699)" \
	$P node -d acme --coi red --asn 65000 n2
refused "$E AS number 64512 is outside the issuer's (none)" \
	$P node -d beta --coi red --asn 64512 --pass-in pass b2
refused "$E bad prefix \"198.18.1.1/24\": host bits set" \
	$P node -d acme --coi red --prefix 198.18.1.1/24 n2
refused "$E bad prefix \"198.18.1.0\": want ADDRESS/LENGTH" \
	$P node -d acme --coi red --prefix 198.18.1.0 n2
refused "$E bad prefix \"198.18.1.0/33\": want ADDRESS/LENGTH" \
	$P node -d acme --coi red --prefix 198.18.1.0/33 n2
refused "$E bad AS number \"64601-64600\": want N or N-M, 0..4294967295" \
	$P node -d acme --coi red --asn 64601-64600 n2

log "existing files are never overwritten"
refused "$E acme/nodes/n1.key: already exists, not overwriting" \
	$P node -d acme --coi red n1
# only the chain file is in the way: still nothing is written
mkdir -p elsewhere
echo precious >elsewhere/n5.chain.pem
DIRS="root acme beta elsewhere"
refused "$E elsewhere/n5.chain.pem: already exists, not overwriting" \
	$P node -d acme --coi red -o elsewhere/n5 n5
[ "$(cat elsewhere/n5.chain.pem)" = precious ] || fail "n5.chain.pem overwritten"
refused "$E root: already exists, not overwriting" \
	$P root -d root --prefix 198.18.0.0/15
refused "$E acme: already exists, not overwriting" \
	$P org -d root -o acme --coi red acme
touch k.key k.key.pub
refused "$E k.key: already exists, not overwriting" $P key k.key

log "passphrases and keys"
refused "$E beta/ca.key: the key is encrypted: give --pass-in FILE" \
	$P node -d beta --coi red b1
refused "$E beta/ca.key: wrong passphrase" \
	$P node -d beta --coi red --pass-in wrong b1
[ ! -e beta/nodes/b1.key ] || fail "b1.key written with a wrong passphrase"
cp acme/ca.key acme.key.saved
cp acme/nodes/n1.key acme/ca.key
refused "$E acme/ca.key does not belong to acme/ca.crt (wrong key for this CA)" \
	$P node -d acme --coi red n2
cp acme.key.saved acme/ca.key
chmod 644 acme/ca.key
refused "$E acme/ca.key: mode 0644: a private key must not be readable by group or others (chmod 600)" \
	$P node -d acme --coi red n2
chmod 600 acme/ca.key
refused "$E root is the root CA: nodes are issued by an organization CA (coimesh-pki org)" \
	$P node -d root --coi red n2
refused "$E acme is not a root CA directory" \
	$P org -d acme -o x --coi red x
refused "$E nowhere: No such file or directory" \
	$P node -d nowhere --coi red n2

log "validity"
refused "$E bad number of days \"0\": want 1..36500" \
	$P node -d acme --coi red --days 0 n2
refused "$E bad time \"yesterday\": want YYYY-MM-DDTHH:MM:SSZ or seconds since 1970" \
	$P node -d acme --coi red --start yesterday n2
run "$P" node -d acme --coi red --days 36500 n2
[ "$rc" = 1 ] && grep -q "^$E the certificate would end .*, after its CA (.*): give fewer --days\$" "$err" ||
	fail "--days beyond the CA's validity"

log "command lines"
refused "$E unknown command \"frobnicate\"
usage: coimesh-pki command [options] [arguments]
  root     create the mesh root CA
  org      create an organization CA under the root
  node     issue a node certificate (organization CA)
  key      make a key pair (for --pubkey)
  revoke   revoke a certificate and publish the CRL
  crl      publish the CRL again (new nextUpdate)
  list     list what a CA issued
  show     print what a certificate says
  verify   verify a chain as IKE would
\"coimesh-pki command -h\" shows a command's options; see coimesh-pki(1)." \
	$P frobnicate
run "$P" node -d acme --coi red --frob n2
[ "$rc" = 1 ] && [ "$(head -1 "$err")" = "$E node: unknown option --frob" ] ||
	fail "unknown option"
run "$P" node -d acme --coi red
[ "$rc" = 1 ] && [ "$(head -1 "$err")" = "$E missing argument" ] ||
	fail "missing argument"
run "$P" root -d r2 --prefix 198.18.0.0/15 --coi red
[ "$rc" = 1 ] && [ "$(head -1 "$err")" = "$E root: option --coi does not apply" ] ||
	fail "--coi for root"
[ ! -e r2 ] || fail "r2 made after a refused command"
refused "$E root: give at least one --prefix (the address blocks of the whole mesh)" \
	$P root -d r2
[ ! -e r2 ] || fail "r2 made after a refused command"
refused "$E node: give at least one --coi" $P node -d acme n2

log "verify refuses"
bundle mesh.pem
# made good now, refused later: their own time windows
pki node -d acme --coi red --start 2025-01-01T00:00:00Z --days 1 old
pki node -d acme --coi red --start 2030-01-01T00:00:00Z --days 1 future
pki node -d acme --coi blue n3
bundle mesh.pem
refused "$E acme/nodes/old.chain.pem: certificate expired: CN=old,O=acme (notAfter 2025-01-02T00:00:00Z)" \
	$P verify --ca mesh.pem acme/nodes/old.chain.pem
refused "$E acme/nodes/future.chain.pem: certificate not yet valid: CN=future,O=acme (notBefore 2030-01-01T00:00:00Z)" \
	$P verify --ca mesh.pem acme/nodes/future.chain.pem
pki root -d other --prefix 198.18.0.0/15
pki org -d other -o evil --coi red --prefix 198.18.0.0/16 acme
pki node -d evil --coi red n1
refused "$E evil/nodes/n1.chain.pem: unknown CA: CN=acme organization CA,O=acme is issued by CN=coimesh mesh root, not a trusted mesh CA" \
	$P verify --ca mesh.pem evil/nodes/n1.chain.pem
refused "$E acme/nodes/n3.chain.pem: no shared COI: CN=n3,O=acme has COIs blue, ours are red" \
	$P verify --ca mesh.pem --peer acme/nodes/n1.crt acme/nodes/n3.chain.pem
refused "$E acme/nodes/n1.chain.pem: ID mismatch: FQDN \"n2.acme.example\" is not a DNS name of CN=n1,O=acme" \
	$P verify --ca mesh.pem --id fqdn:n2.acme.example acme/nodes/n1.chain.pem
refused "$E acme/nodes/n1.chain.pem: ID mismatch: address 198.51.100.9 is not an IP name of CN=n1,O=acme" \
	$P verify --ca mesh.pem --id ipv4:198.51.100.9 acme/nodes/n1.chain.pem
refused "$E acme/nodes/n1.chain.pem: CRL problem: CN=n1,O=acme: unable to get certificate CRL" \
	$P verify --ca root/root.crt --ca root/crl.pem acme/nodes/n1.chain.pem
pki verify --ca root/root.crt --no-crl acme/nodes/n1.chain.pem
refused "$E acme/ca.crt: malformed node identity: CN=acme organization CA,O=acme is a CA certificate" \
	$P verify --ca mesh.pem acme/ca.crt
echo "not a certificate" >junk.pem
refused "$E junk.pem: no PEM or DER certificate" $P verify --ca mesh.pem junk.pem
refused "$E malformed certificate: junk.pem: no PEM certificate or CRL" $P verify --ca junk.pem acme/nodes/n1.crt
refused "$E give the mesh CA with --ca FILE
usage: coimesh-pki verify --ca FILE [--ca FILE ...] [--no-crl] [--at TIME]
	[--id TYPE:VALUE] [--peer CERTFILE] [--json] CERTFILE" \
	$P verify acme/nodes/n1.crt
