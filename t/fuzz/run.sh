#!/bin/sh
# run.sh TARGET [SECONDS [FLAG...]]: fuzz one target (esp, gre, ip or
# conf) with libFuzzer, ASan and UBSan for SECONDS (default 60), then print
# how many inputs ran. FLAGs go to libFuzzer, e.g. `-fork=1
# -ignore_crashes=1` to keep going past a known crash. The first run configures a build directory of its own
# (build/fuzz, or $FUZZ_BUILD) with clang and -fsanitize=fuzzer-no-link,
# so that liboverlay.a is instrumented for coverage, not just the target.
#
# New inputs go to $FUZZ_BUILD/t/fuzz/work/TARGET (the checked-in corpus
# is only read); crashes to $FUZZ_BUILD/t/fuzz/artifacts/TARGET/. To keep
# a crash as a regression seed, minimise it first:
#	$FUZZ_BUILD/t/fuzz/fuzz_TARGET -minimize_crash=1 -runs=100000 CRASH
set -eu

usage() {
	echo "usage: $0 TARGET [seconds [libfuzzer-flag ...]]" >&2
	echo "TARGET: one of the directories in t/fuzz/corpus" >&2
	exit 2
}

[ $# -ge 1 ] || usage
target=$1
secs=${2:-60}
shift
[ $# -gt 0 ] && shift
[ -d "$(dirname "$0")/corpus/$target" ] || usage
case $secs in
''|*[!0-9]*) usage ;;
esac

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$top/build/fuzz}
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ]; then
	echo "run.sh: configuring $build"
	"$top/configure" CC=clang --enable-fuzzers --enable-sanitizers \
	    CFLAGS='-fsanitize=fuzzer-no-link,address,undefined -g -O1' \
	    >configure.log 2>&1 || { tail -20 configure.log; exit 1; }
fi
make -j"$(nproc 2>/dev/null || echo 2)" "t/fuzz/fuzz_$target" >make.log 2>&1 ||
    { tail -30 make.log; exit 1; }

work=$build/t/fuzz/work/$target
arts=$build/t/fuzz/artifacts/$target
mkdir -p "$work" "$arts"
log=$build/t/fuzz/fuzz_$target.log
extra=
# the config parser reports every syntax error on stderr, the IKE state
# machine logs what it refuses
case $target in conf|ike_sm) extra=-close_fd_mask=2 ;; esac

echo "run.sh: fuzz_$target for ${secs}s (log: $log)"
status=0
"./t/fuzz/fuzz_$target" -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="$arts/" $extra "$@" "$work" \
    "$top/t/fuzz/corpus/$target" \
    >"$log" 2>&1 || status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
# -fork=N prints no final stats, only "#EXECS: cov: ..." per job
[ -n "$execs" ] ||
    execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -1)
grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+DONE|==[0-9]+==ERROR|SUMMARY)' "$log" || :
if [ "$status" -ne 0 ]; then
	tail -40 "$log"
	echo "run.sh: fuzz_$target FAILED after ${execs:-?} executions;" \
	    "crash inputs in $arts"
	exit 1
fi
echo "run.sh: fuzz_$target: ${execs:-?} executions in ${secs}s, no crash"
