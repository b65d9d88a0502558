# t/fuzz/: libFuzzer targets, one per wire parser (fuzz_esp, fuzz_gre,
# fuzz_ip, fuzz_bird) plus the config parser (fuzz_conf), with seeds in corpus/NAME/.
#
# `make check` (any compiler) links each target with replay.c, a main()
# that feeds it every file of a corpus, and replay.sh runs each over its
# corpus: every seed, including crash regressions, is a test. Inputs in
# known/TARGET/ reproduce bugs not fixed yet and must still fail (see
# known/README); replay.sh says when one starts to pass.
#
# Real fuzzers need clang. Coverage must reach liboverlay.a, so the whole
# tree is built with -fsanitize=fuzzer-no-link, in a build directory of
# its own; t/fuzz/run.sh does all of it:
#
#	t/fuzz/run.sh esp 300		# build/fuzz, then fuzz for 300 s
#
# which amounts to
#
#	mkdir -p build/fuzz && cd build/fuzz
#	../../configure CC=clang --enable-fuzzers --enable-sanitizers \
#	    CFLAGS='-fsanitize=fuzzer-no-link,address,undefined -g -O1'
#	make t/fuzz/fuzz_esp
#	./t/fuzz/fuzz_esp -max_total_time=300 corpus-work ../../t/fuzz/corpus/esp
#
# (`./configure CC=clang --enable-fuzzers --enable-sanitizers` alone builds
# the targets too, but then only the target file itself is instrumented.)
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/t/unit
FUZZ_ESP_SOURCES = t/fuzz/fuzz_esp.c t/unit/espref.c t/unit/espref.h

check_PROGRAMS += t/fuzz/replay_esp t/fuzz/replay_gre t/fuzz/replay_ip \
	t/fuzz/replay_conf t/fuzz/replay_bfd t/fuzz/replay_bird
t_fuzz_replay_esp_SOURCES = t/fuzz/replay.c $(FUZZ_ESP_SOURCES)
t_fuzz_replay_esp_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_replay_esp_LDADD = $(OVL_LIBS)
t_fuzz_replay_gre_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_gre.c
t_fuzz_replay_gre_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_replay_gre_LDADD = $(OVL_LIBS)
t_fuzz_replay_ip_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_ip.c
t_fuzz_replay_ip_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_replay_ip_LDADD = $(OVL_LIBS)
t_fuzz_replay_conf_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_conf.c
t_fuzz_replay_conf_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_replay_conf_LDADD = $(OVL_LIBS)
check_PROGRAMS += t/fuzz/replay_mesh
t_fuzz_replay_mesh_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_mesh.c
t_fuzz_replay_mesh_CPPFLAGS = $(FUZZ_CPPFLAGS) -I$(top_srcdir)/routeserver
t_fuzz_replay_mesh_LDADD = $(RS_LIBS)
t_fuzz_replay_bird_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_bird.c
t_fuzz_replay_bird_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_replay_bird_LDADD = $(OVL_LIBS)
t_fuzz_replay_bfd_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_bfd.c
t_fuzz_replay_bfd_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_replay_bfd_LDADD = $(OVL_LIBS)

dist_check_SCRIPTS += t/fuzz/replay.sh
TESTS += t/fuzz/replay.sh
dist_noinst_SCRIPTS += t/fuzz/run.sh
EXTRA_DIST += t/fuzz/corpus t/fuzz/known t/fuzz/fuzz.h

# Seeds for corpus/{esp,gre,ip} (the ESP ones sealed with the fixed key):
# `make t/fuzz/mkseeds && t/fuzz/mkseeds DIR`.
EXTRA_PROGRAMS = t/fuzz/mkseeds
t_fuzz_mkseeds_SOURCES = t/fuzz/mkseeds.c t/unit/espref.c t/unit/espref.h
t_fuzz_mkseeds_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_mkseeds_LDADD = $(OVL_LIBS)
CLEANFILES += $(EXTRA_PROGRAMS)

if FUZZERS
noinst_PROGRAMS += t/fuzz/fuzz_esp t/fuzz/fuzz_gre t/fuzz/fuzz_ip \
	t/fuzz/fuzz_conf t/fuzz/fuzz_bird
t_fuzz_fuzz_esp_SOURCES = $(FUZZ_ESP_SOURCES)
t_fuzz_fuzz_esp_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_fuzz_esp_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_esp_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_esp_LDADD = $(OVL_LIBS)
t_fuzz_fuzz_gre_SOURCES = t/fuzz/fuzz_gre.c
t_fuzz_fuzz_gre_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_fuzz_gre_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_gre_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_gre_LDADD = $(OVL_LIBS)
t_fuzz_fuzz_ip_SOURCES = t/fuzz/fuzz_ip.c
t_fuzz_fuzz_ip_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_fuzz_ip_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_ip_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_ip_LDADD = $(OVL_LIBS)
t_fuzz_fuzz_conf_SOURCES = t/fuzz/fuzz_conf.c
t_fuzz_fuzz_conf_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_fuzz_conf_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_conf_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_conf_LDADD = $(OVL_LIBS)
noinst_PROGRAMS += t/fuzz/fuzz_mesh
t_fuzz_fuzz_mesh_SOURCES = t/fuzz/fuzz_mesh.c
t_fuzz_fuzz_mesh_CPPFLAGS = $(FUZZ_CPPFLAGS) -I$(top_srcdir)/routeserver
t_fuzz_fuzz_mesh_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_mesh_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_mesh_LDADD = $(RS_LIBS)
t_fuzz_fuzz_bird_SOURCES = t/fuzz/fuzz_bird.c
t_fuzz_fuzz_bird_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_fuzz_bird_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_bird_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_bird_LDADD = $(OVL_LIBS)
noinst_PROGRAMS += t/fuzz/fuzz_bfd
t_fuzz_fuzz_bfd_SOURCES = t/fuzz/fuzz_bfd.c
t_fuzz_fuzz_bfd_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_fuzz_bfd_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_bfd_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_bfd_LDADD = $(OVL_LIBS)
endif

# IKEv2 codec and SK open path (fuzz_ike.c has the input format); seeds in
# corpus/ike include the messages two strongSwan charons exchanged.
check_PROGRAMS += t/fuzz/replay_ike
t_fuzz_replay_ike_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_ike.c
t_fuzz_replay_ike_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_replay_ike_LDADD = $(OVL_LIBS)
if FUZZERS
noinst_PROGRAMS += t/fuzz/fuzz_ike
t_fuzz_fuzz_ike_SOURCES = t/fuzz/fuzz_ike.c
t_fuzz_fuzz_ike_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_fuzz_ike_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_ike_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_ike_LDADD = $(OVL_LIBS)
endif
# IKE fragment reassembly (RFC 7383); fuzz_ike_frag.c has the input format
check_PROGRAMS += t/fuzz/replay_ike_frag
t_fuzz_replay_ike_frag_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_ike_frag.c
t_fuzz_replay_ike_frag_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_replay_ike_frag_LDADD = $(OVL_LIBS)
if FUZZERS
noinst_PROGRAMS += t/fuzz/fuzz_ike_frag
t_fuzz_fuzz_ike_frag_SOURCES = t/fuzz/fuzz_ike_frag.c
t_fuzz_fuzz_ike_frag_CPPFLAGS = $(FUZZ_CPPFLAGS)
t_fuzz_fuzz_ike_frag_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_ike_frag_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_ike_frag_LDADD = $(OVL_LIBS)
endif

# The IKEv2 state machine as responder (fuzz_ike_sm.c has the input
# format): datagrams through ike_rx() for a configured peer, forged SK
# payloads with the SA's own keys; seeds in corpus/ike_sm.
check_PROGRAMS += t/fuzz/replay_ike_sm
t_fuzz_replay_ike_sm_SOURCES = t/fuzz/replay.c t/fuzz/fuzz_ike_sm.c
t_fuzz_replay_ike_sm_CPPFLAGS = $(FUZZ_CPPFLAGS) -I$(top_srcdir)/t/fuzz
t_fuzz_replay_ike_sm_LDADD = $(OVL_LIBS)
if FUZZERS
noinst_PROGRAMS += t/fuzz/fuzz_ike_sm
t_fuzz_fuzz_ike_sm_SOURCES = t/fuzz/fuzz_ike_sm.c
t_fuzz_fuzz_ike_sm_CPPFLAGS = $(FUZZ_CPPFLAGS) -I$(top_srcdir)/t/fuzz
t_fuzz_fuzz_ike_sm_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
t_fuzz_fuzz_ike_sm_LDFLAGS = -fsanitize=fuzzer
t_fuzz_fuzz_ike_sm_LDADD = $(OVL_LIBS)
endif
# corpus/ike_sm seeds from t/unit/ike_vectors.h (needs python3-cryptography):
# `t/fuzz/mkikesmseeds.py t/fuzz/corpus/ike_sm`
dist_noinst_SCRIPTS += t/fuzz/mkikesmseeds.py
