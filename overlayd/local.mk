# overlayd/: the node daemon and its CLI. Everything but main() lives in
# liboverlay.a so that unit tests and fuzzers link the real code.
noinst_LIBRARIES += overlayd/liboverlay.a
overlayd_liboverlay_a_SOURCES = \
	overlayd/addr.c overlayd/addr.h \
	overlayd/bgp.c overlayd/bgp.h \
	overlayd/bfd.c overlayd/bfd.h \
	overlayd/buf.c overlayd/buf.h \
	overlayd/conf.c overlayd/conf.h overlayd/conf_ike.c \
	overlayd/ctl.c overlayd/ctl.h \
	overlayd/dp.c overlayd/dp.h \
	overlayd/esp.c overlayd/esp.h \
	overlayd/gre.c overlayd/gre.h \
	overlayd/kdp.c overlayd/kdp.h overlayd/kdp_link.c \
	overlayd/kdp_nl.c overlayd/kdp_xfrm.c \
	overlayd/ip.c overlayd/ip.h \
	overlayd/live.c overlayd/live.h \
	overlayd/live_sock.c overlayd/live_sock.h \
	overlayd/log.c overlayd/log.h \
	overlayd/nl.c overlayd/nl.h \
	overlayd/parse.y \
	overlayd/peer.c overlayd/peer.h \
	overlayd/priv.c overlayd/priv.h \
	overlayd/replay.c overlayd/replay.h \
	overlayd/sock.c overlayd/sock.h \
	overlayd/tmode.c overlayd/tmode.h \
	overlayd/tun.c overlayd/tun.h

# IKEv2: message codec (ike_msg.h) and key schedule/crypto (ike_crypto.h)
overlayd_liboverlay_a_SOURCES += \
	overlayd/ike_msg.c overlayd/ike_msg.h \
	overlayd/ike_pld.c overlayd/ike_build.c \
	overlayd/ike_crypto.c overlayd/ike_crypto.h \
	overlayd/ike_dh.c overlayd/ike_sig.c
# IKEv2: the exchanges (ike_sa.h)
overlayd_liboverlay_a_SOURCES += \
	overlayd/ike.c overlayd/ike.h overlayd/ike_sa.c overlayd/ike_sa.h \
	overlayd/ike_sock.c overlayd/ike_cred.c overlayd/ike_prop.c \
	overlayd/ike_init.c overlayd/ike_auth.c overlayd/ike_child.c \
	overlayd/ike_info.c overlayd/ike_ctl.c overlayd/ike_cookie.c \
	overlayd/ike_frag.c \
	overlayd/ike_rekey.c
EXTRA_DIST += doc/ike.md doc/interfaces.md

OVL_LIBS = overlayd/liboverlay.a lib/libbird.a lib/libmeshcert.a $(OPENSSL_LIBS) $(LIBEV_LIBS) \
	$(JANSSON_LIBS) $(LIBMNL_LIBS) $(CAPNG_LIBS)

sbin_PROGRAMS += overlayd/overlayd
overlayd_overlayd_SOURCES = overlayd/overlayd.c
overlayd_overlayd_LDADD = $(OVL_LIBS)

sbin_PROGRAMS += overlayd/overlayctl
overlayd_overlayctl_SOURCES = overlayd/overlayctl.c
overlayd_overlayctl_LDADD = overlayd/liboverlay.a $(JANSSON_LIBS)
