# t/bird/: overlayd driving BIRD 2: against a fake control socket that
# misbehaves (t/tools/fakebird.py), and in a hub-and-spoke lab with real
# BIRD 2 (t/bird/lab.sh is the shared library; root only, they skip with
# the reason otherwise).
BIRD_TESTS = \
	t/bird/fakebird.sh \
	t/bird/routes.sh \
	t/bird/birdrestart.sh \
	t/bird/failover.sh

TESTS += $(BIRD_TESTS)
dist_check_SCRIPTS += $(BIRD_TESTS)
dist_noinst_DATA += t/bird/lab.sh t/bird/rs.conf.in t/bird/member.conf.in
dist_noinst_SCRIPTS += t/tools/fakebird.py
