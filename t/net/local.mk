# t/net/: integration tests in network namespaces (root only; they skip with
# the reason otherwise).  Each test names its namespaces with its own pid, so
# `make -j2 check` may run them side by side.
NET_TESTS = \
	t/net/badconf.sh \
	t/net/ping.sh \
	t/net/tcp.sh \
	t/net/capture.sh \
	t/net/wrongkey.sh \
	t/net/replay.sh \
	t/net/junk.sh \
	t/net/privdrop.sh \
	t/net/reload.sh \
	t/net/shutdown.sh \
	t/net/ctlbad.sh \
	t/net/pmtu.sh \
	t/net/keepalive.sh \
	t/net/keepalive_data.sh \
	t/net/keepalive_junk.sh \
	t/net/keepalive_loss.sh

EXTRA_DIST += t/net/keepalive_lib.sh

TESTS += $(NET_TESTS)
dist_check_SCRIPTS += $(NET_TESTS)
