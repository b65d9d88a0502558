# examples/: runnable labs.  examples/demo is the first Quick-start command:
# a two-node tunnel, then the COI mesh of coi-mesh.conf (coi-lab.sh).
dist_noinst_SCRIPTS += examples/demo
dist_noinst_DATA += examples/coi-mesh.conf examples/hub-spoke.conf examples/coi-lab.sh
