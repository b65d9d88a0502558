# t/ike/: IKEv2 between two overlayd nodes in namespaces, certificates made
# by coimesh-pki (root only; they skip otherwise).
IKE_TESTS = \
	t/ike/tunnel.sh \
	t/ike/refuse.sh \
	t/ike/junk.sh \
	t/ike/proposals.sh \
	t/ike/reload.sh \
	t/ike/cookie.sh \
	t/ike/halfopen.sh \
	t/ike/dpd.sh \
	t/ike/nat.sh \
	t/ike/expire.sh \
	t/ike/strongswan.sh \
	t/ike/frag.sh \
	t/ike/rekey.sh

EXTRA_DIST += t/ike/common.sh t/ike/gre_ping.py
TESTS += $(IKE_TESTS)
dist_check_SCRIPTS += $(IKE_TESTS)

# proposal building and choosing (overlayd/ike_prop.c)
check_PROGRAMS += t/unit/test_ike_prop
TESTS += t/unit/test_ike_prop
t_unit_test_ike_prop_SOURCES = t/unit/test_ike_prop.c
t_unit_test_ike_prop_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
t_unit_test_ike_prop_LDADD = $(OVL_LIBS) $(CMOCKA_LIBS)

# IKE fragmentation, RFC 7383 (overlayd/ike_frag.c)
check_PROGRAMS += t/unit/test_ike_frag
TESTS += t/unit/test_ike_frag
t_unit_test_ike_frag_SOURCES = t/unit/test_ike_frag.c
t_unit_test_ike_frag_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
t_unit_test_ike_frag_LDADD = $(OVL_LIBS) $(CMOCKA_LIBS)
