#!/bin/sh
# replay.sh: `make check` test that replays every fuzz corpus through its
# target (linked with replay.c), so every seed and every crash regression
# runs under whatever sanitizers the build has. Reads the source tree
# only: VPATH builds and distcheck's read-only srcdir both work.
#
# Inputs in t/fuzz/known/TARGET/ reproduce bugs that are not fixed yet.
# Each must still fail; one that passes means the bug was fixed, and the
# test fails until the input is moved to t/fuzz/corpus/TARGET/.
set -u
here=$(dirname "$0")
src=${top_srcdir:-$here/../..}
bld=${top_builddir:-.}
status=0

for t in esp gre ip conf bfd; do
	bin=$bld/t/fuzz/replay_$t
	if ! "$bin" "$src/t/fuzz/corpus/$t"; then
		echo "FAIL: replay_$t over corpus/$t"
		status=1
	fi
	[ -d "$src/t/fuzz/known/$t" ] || continue
	for f in "$src/t/fuzz/known/$t"/*; do
		[ -f "$f" ] || continue
		if "$bin" "$f" >/dev/null 2>&1; then
			echo "FIXED: $f passes now; move it to t/fuzz/corpus/$t/"
			status=1
		else
			echo "known bug, still present: $f"
		fi
	done
done
exit $status
