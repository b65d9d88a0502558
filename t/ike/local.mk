# t/ike/: IKEv2 between two overlayd nodes in namespaces, certificates made
# by coimesh-pki (root only; they skip otherwise).
IKE_TESTS = \
	t/ike/tunnel.sh \
	t/ike/refuse.sh \
	t/ike/junk.sh \
	t/ike/proposals.sh \
	t/ike/reload.sh

EXTRA_DIST += t/ike/common.sh
TESTS += $(IKE_TESTS)
dist_check_SCRIPTS += $(IKE_TESTS)
