# t/: the environment every test runs in, the shared netns test library and
# the small packet tools the netns tests drive.

# Tests run from the top build directory; they find sources through
# top_srcdir and binaries through OVERLAYD/OVERLAYCTL (overridable).
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	abs_top_srcdir='$(abs_top_srcdir)'; export abs_top_srcdir; \
	abs_top_builddir='$(abs_top_builddir)'; export abs_top_builddir; \
	OVERLAYD="$${OVERLAYD:-$(abs_top_builddir)/overlayd/overlayd}"; export OVERLAYD; \
	OVERLAYCTL="$${OVERLAYCTL:-$(abs_top_builddir)/overlayd/overlayctl}"; export OVERLAYCTL; \
	T_TOOLS='$(abs_top_builddir)/t/tools'; export T_TOOLS; \
	CONFPRINT='$(abs_top_builddir)/t/conf/confprint'; export CONFPRINT;

dist_noinst_DATA += t/lib.sh
dist_noinst_SCRIPTS += t/suite scripts/deps

check_PROGRAMS += t/tools/pcapreplay t/tools/pktsend
t_tools_pcapreplay_SOURCES = t/tools/pcapreplay.c
t_tools_pktsend_SOURCES = t/tools/pktsend.c
