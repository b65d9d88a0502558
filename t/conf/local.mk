# t/conf/: overlayd.conf(5) parser golden tests (good/ parse and print to
# NAME.out, bad/ fail with the one line in NAME.err).
check_PROGRAMS += t/conf/confprint
t_conf_confprint_SOURCES = t/conf/confprint.c
t_conf_confprint_LDADD = $(OVL_LIBS)

dist_check_SCRIPTS += t/conf/golden.sh
TESTS += t/conf/golden.sh
EXTRA_DIST += t/conf/good t/conf/bad
