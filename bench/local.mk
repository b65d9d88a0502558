# bench/: throughput comparison (root, network namespaces): overlayd against
# wireguard-go, strongSwan (kernel-libipsec) and a bare veth.  Not part of
# `make check`; run by hand:
#	bench/throughput [-t SECONDS] [-r RUNS]
dist_noinst_SCRIPTS += bench/throughput
dist_noinst_SCRIPTS += bench/routeserver
# bench/keepalive-loss: false keepalive downs under random underlay loss,
# per multiplier:	bench/keepalive-loss [-l LOSS%] [-i MS] [-t SECONDS] [MULT...]
dist_noinst_SCRIPTS += bench/keepalive-loss
# bench/failover [-n CUTS] [-i MS] [-m MULT]: time from a member's underlay
# cut to its prefix leaving the other members' kernel tables (BIRD lab).
dist_noinst_SCRIPTS += bench/failover
# bench/ike [-n CONNS] [-r RUNS] [-m load|vici]: IKE_SA + CHILD_SA setups
# per second, strongSwan charons and (once it speaks IKEv2) overlayd.
dist_noinst_SCRIPTS += bench/ike
# bench/strongswan.sh: charon per namespace, sourced by throughput and ike.
dist_noinst_DATA += bench/strongswan.sh
