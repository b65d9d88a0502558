# man/: mdoc manual pages.
dist_man_MANS += man/overlayd.conf.5
