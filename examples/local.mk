# examples/: runnable labs.  examples/demo is the first Quick-start command:
# it builds overlayd and shows a two-node tunnel working.
dist_noinst_SCRIPTS += examples/demo
dist_noinst_DATA += examples/coi-mesh.conf examples/hub-spoke.conf examples/coi-lab.sh
