# t/rs/: routeserver(8) tests. golden.sh needs no privileges (mesh
# descriptions -> BIRD configurations, exact errors); the others run real
# BIRD 2 instances in network namespaces (root; they skip otherwise).
RS_NET_TESTS = \
	t/rs/matrix.sh \
	t/rs/reject.sh \
	t/rs/site.sh \
	t/rs/live.sh \
	t/rs/birdsock.sh \
	t/rs/dualrs.sh \
	t/rs/ipv6.sh \
	t/rs/demo.sh

TESTS += t/rs/golden.sh $(RS_NET_TESTS)
dist_check_SCRIPTS += t/rs/golden.sh $(RS_NET_TESTS)
dist_noinst_DATA += t/rs/rslib.sh
dist_check_SCRIPTS += t/rs/fakebird.sh
EXTRA_DIST += t/rs/good t/rs/bad
