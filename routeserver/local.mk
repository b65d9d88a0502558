# routeserver/: mesh description -> BIRD 2 route-server configuration, and
# the commands that apply it and report on it through BIRD's control socket.
# Everything but main() lives in librs.a so that the fuzzer links the real
# parser.
noinst_LIBRARIES += routeserver/librs.a
routeserver_librs_a_SOURCES = \
	routeserver/mesh.h routeserver/mesh.c routeserver/mesh_parse.y \
	routeserver/gen.c \
	routeserver/rs.h routeserver/write.c routeserver/apply.c \
	routeserver/status.c
routeserver_librs_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/routeserver

RS_LIBS = routeserver/librs.a lib/libbird.a overlayd/liboverlay.a \
	$(JANSSON_LIBS)

sbin_PROGRAMS += routeserver/routeserver
routeserver_routeserver_SOURCES = routeserver/routeserver.c
routeserver_routeserver_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/routeserver
routeserver_routeserver_LDADD = $(RS_LIBS)
