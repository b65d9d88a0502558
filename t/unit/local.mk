# t/unit/: cmocka unit tests for the wire-data code in overlayd/, one
# program per module. Each links the real liboverlay.a.
UNIT_TESTS = t/unit/test_buf t/unit/test_gre t/unit/test_esp \
	t/unit/test_replay t/unit/test_ip t/unit/test_addr t/unit/test_bfd \
	t/unit/test_live_bfd t/unit/test_bird
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
EXTRA_DIST += t/unit/unit.h

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LDADD = $(OVL_LIBS) $(CMOCKA_LIBS)

t_unit_test_buf_SOURCES = t/unit/test_buf.c
t_unit_test_buf_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_buf_LDADD = $(UNIT_LDADD)

t_unit_test_gre_SOURCES = t/unit/test_gre.c
t_unit_test_gre_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_gre_LDADD = $(UNIT_LDADD)

# espref.c: an independent ESP sealer written against EVP directly, the
# known answer for esp_seal(); the ESP fuzzer and seed generator use it too.
t_unit_test_esp_SOURCES = t/unit/test_esp.c t/unit/espref.c t/unit/espref.h
t_unit_test_esp_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_esp_LDADD = $(UNIT_LDADD)

t_unit_test_replay_SOURCES = t/unit/test_replay.c
t_unit_test_replay_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_replay_LDADD = $(UNIT_LDADD)

t_unit_test_ip_SOURCES = t/unit/test_ip.c
t_unit_test_ip_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_ip_LDADD = $(UNIT_LDADD)

t_unit_test_addr_SOURCES = t/unit/test_addr.c
t_unit_test_addr_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_addr_LDADD = $(UNIT_LDADD)

t_unit_test_bird_SOURCES = t/unit/test_bird.c
t_unit_test_bird_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_bird_LDADD = $(UNIT_LDADD)

# IKEv2 codec and key schedule. ike_vectors.h: a real exchange between two
# strongSwan charons, written by ike_capture.sh (run by hand, as root).
UNIT_TESTS += t/unit/test_ike_msg t/unit/test_ike_crypto
EXTRA_DIST += t/unit/ike_test.h t/unit/ike_vectors.h t/unit/ike_capture.sh
t_unit_test_ike_msg_SOURCES = t/unit/test_ike_msg.c
t_unit_test_ike_msg_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_ike_msg_LDADD = $(UNIT_LDADD)
t_unit_test_ike_crypto_SOURCES = t/unit/test_ike_crypto.c
t_unit_test_ike_crypto_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_ike_crypto_LDADD = $(UNIT_LDADD)
# the responder's COOKIE and half-open limits (overlayd/ike_cookie.c)
UNIT_TESTS += t/unit/test_ike_cookie
t_unit_test_ike_cookie_SOURCES = t/unit/test_ike_cookie.c
t_unit_test_ike_cookie_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_ike_cookie_LDADD = $(UNIT_LDADD)
t_unit_test_bfd_SOURCES = t/unit/test_bfd.c
t_unit_test_bfd_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_bfd_LDADD = $(UNIT_LDADD)

# the inner IP/UDP of keepalives, and where their addresses come from
t_unit_test_live_bfd_SOURCES = t/unit/test_live_bfd.c
t_unit_test_live_bfd_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_live_bfd_LDADD = $(UNIT_LDADD)

# the kernel data plane's keepalive sockets (live_sock.c), on lo
UNIT_TESTS += t/unit/test_live_sock
t_unit_test_live_sock_SOURCES = t/unit/test_live_sock.c
t_unit_test_live_sock_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_live_sock_LDADD = $(UNIT_LDADD)

# ESP tunnel mode's outer IP header (overlayd/tmode.c)
UNIT_TESTS += t/unit/test_tmode
t_unit_test_tmode_SOURCES = t/unit/test_tmode.c
t_unit_test_tmode_CFLAGS = $(UNIT_CFLAGS)
t_unit_test_tmode_LDADD = $(UNIT_LDADD)
