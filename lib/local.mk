# lib/: code shared by overlayd, routeserver and the tools.

# The BIRD control-socket client: one reply parser, a blocking client and an
# asynchronous one on libev.
noinst_LIBRARIES += lib/libbird.a
lib_libbird_a_SOURCES = lib/bird.h \
	lib/bird_reply.c lib/bird_proto.c lib/bird_conn.c lib/bird_client.c
