# t/certs/: the mesh PKI (issue 3; owner: pki). coimesh-pki end to end
# (shell), lib/meshcert unit tests (cmocka, in t/unit/) and the replay of
# the certificate fuzzer's corpus (t/fuzz/fuzz_cert.c).
CERT_TESTS = \
	t/certs/issue.sh \
	t/certs/errors.sh \
	t/certs/revoke.sh \
	t/certs/replay.sh
TESTS += $(CERT_TESTS)
dist_check_SCRIPTS += $(CERT_TESTS)
EXTRA_DIST += t/certs/common.sh

check_PROGRAMS += t/unit/test_meshcert
TESTS += t/unit/test_meshcert
t_unit_test_meshcert_SOURCES = t/unit/test_meshcert.c t/unit/certgen.c \
	t/unit/certgen.h
t_unit_test_meshcert_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
t_unit_test_meshcert_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/t/unit
t_unit_test_meshcert_LDADD = $(MESHCERT_LIBS) $(CMOCKA_LIBS)

# fuzz_cert: DER certificates through lib/meshcert (t/fuzz/fuzz_cert.c).
check_PROGRAMS += t/fuzz/replay_cert
t_fuzz_replay_cert_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_cert.c \
	t/fuzz/fuzz_cert.h
t_fuzz_replay_cert_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/t/fuzz
t_fuzz_replay_cert_LDADD = $(MESHCERT_LIBS)
EXTRA_DIST += t/fuzz/corpus/cert
if FUZZERS
noinst_PROGRAMS += t/fuzz/fuzz_cert
t_fuzz_fuzz_cert_SOURCES = t/fuzz/fuzz_cert.c t/fuzz/fuzz_cert.h
t_fuzz_fuzz_cert_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/t/fuzz
t_fuzz_fuzz_cert_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_cert_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_cert_LDADD = $(MESHCERT_LIBS)
endif
dist_noinst_SCRIPTS += t/fuzz/mkcertseeds.sh
