# man/: mdoc manual pages.
dist_man_MANS += man/overlayd.conf.5 man/overlayd.8 man/overlayctl.8
dist_man_MANS += man/routeserver.8 man/mesh.conf.5
dist_man_MANS += man/coimesh-pki.1
