# lib/: code shared by overlayd, routeserver and the tools.

# The BIRD control-socket client: one reply parser, a blocking client and an
# asynchronous one on libev.
noinst_LIBRARIES += lib/libbird.a
lib_libbird_a_SOURCES = lib/bird.h \
	lib/bird_reply.c lib/bird_proto.c lib/bird_conn.c lib/bird_client.c

# ---- lib/libmeshcert.a: the mesh PKI checks (issue 3; owner: pki) ----
# Certificate chain verification, CRLs, RFC 3779, COIs and IKE ID
# matching for overlayd's IKE, the route server and coimesh-pki.
noinst_LIBRARIES += lib/libmeshcert.a
lib_libmeshcert_a_SOURCES = \
	lib/meshcert.c lib/meshcert.h lib/meshcert_int.h \
	lib/meshcert_cache.c lib/meshcert_id.c \
	lib/meshcert_verify.c
MESHCERT_LIBS = lib/libmeshcert.a $(OPENSSL_LIBS)
# ---- end lib/libmeshcert.a ----
