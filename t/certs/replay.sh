#!/bin/sh
# t/certs/replay.sh: replay the certificate fuzzer's corpus
# (t/fuzz/corpus/cert) through t/fuzz/fuzz_cert.c linked with replay.c,
# under whatever sanitizers the build has; then check that the seeds still
# reach what they were made for (a stale t/fuzz/fuzz_cert.h would make
# every chain fail early): regenerate both with t/fuzz/mkcertseeds.sh.
set -u
here=$(dirname "$0")
src=${top_srcdir:-$here/../..}
bld=${top_builddir:-.}
bin=$bld/t/fuzz/replay_cert
corpus=$src/t/fuzz/corpus/cert
status=0

"$bin" "$corpus" || { echo "FAIL: replay_cert over corpus/cert"; exit 1; }

# expect SEED TEXT: verifying SEED prints TEXT
expect() {
	got=$(FUZZ_CERT_VERBOSE=1 "$bin" "$corpus/$1" | sed -n 's/^verify: //p')
	if [ "$got" != "$2" ]; then
		echo "FAIL: $1: verify said \"$got\", want \"$2\""
		status=1
	else
		echo "ok: $1: $got"
	fi
}
expect chain-n1 "ok"
expect chain-n2-ed25519 "ok"
expect leaf-only-n1 "ok"
expect chain-n3-revoked "certificate revoked: CN=n3,O=acme"
expect ca-as-leaf "malformed node identity: CN=acme organization CA,O=acme is a CA certificate"
exit $status
