# certs/: coimesh-pki, the mesh PKI tool (issue 3). The checks it shares
# with IKE and the route server are in lib/libmeshcert.a.
bin_PROGRAMS += certs/coimesh-pki
certs_coimesh_pki_SOURCES = \
	certs/pki.c certs/pki.h \
	certs/opts.c certs/opts.h \
	certs/cmd_ca.c certs/cmd_node.c certs/cmd_revoke.c certs/cmd_show.c \
	certs/cadir.c certs/file.c certs/issue.c certs/keys.c \
	certs/resources.c certs/util.c
certs_coimesh_pki_LDADD = $(MESHCERT_LIBS) $(JANSSON_LIBS)
EXTRA_DIST += certs/README.md
