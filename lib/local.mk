# lib: (filled in by its owner)

# ---- lib/libmeshcert.a: the mesh PKI checks (issue 3; owner: pki) ----
# Certificate chain verification, CRLs, RFC 3779, COIs and IKE ID
# matching for overlayd's IKE, the route server and coimesh-pki.
noinst_LIBRARIES += lib/libmeshcert.a
lib_libmeshcert_a_SOURCES = \
	lib/meshcert.c lib/meshcert.h lib/meshcert_int.h \
	lib/meshcert_id.c \
	lib/meshcert_verify.c
MESHCERT_LIBS = lib/libmeshcert.a $(OPENSSL_LIBS)
# ---- end lib/libmeshcert.a ----
