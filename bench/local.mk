# bench/: throughput comparison (root, network namespaces): overlayd against
# wireguard-go and a bare veth.  Not part of `make check`; run by hand:
#	bench/throughput [-t SECONDS] [-r RUNS]
dist_noinst_SCRIPTS += bench/throughput
dist_noinst_SCRIPTS += bench/routeserver
