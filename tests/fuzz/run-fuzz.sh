#!/bin/sh
# Run each fuzz target for SECONDS, one after the other:
#   sh tests/fuzz/run-fuzz.sh SECONDS TARGET...
# Environment: FUZZ_BUILD (build-fuzz), FIX (built fixtures), FUZZ_SEED
# (libFuzzer's -seed, with -reload=0; unset = random), FUZZ_RUNS (stop after
# that many inputs; SECONDS still caps the time). With a seed, a run count
# and a fresh corpus the mutations are the same from run to run on the same
# seeds; another machine's run differs only as far as its fixtures do
# (mingw's linker stamps the time into PE headers, for one).
# Each target's corpus lives in $FUZZ_BUILD/corpus/<target> (kept between
# runs; new seeds from the fixtures are added each time); its log in
# $FUZZ_BUILD/logs/<target>.log. Prints one line per target with the
# executions and coverage, and exits 1 when a target found something
# (the input is in $FUZZ_BUILD/findings/<target>/).
: "${FUZZ_BUILD:=build-fuzz}" "${FIX:=build/fixtures}"
secs=$1
shift
here=$(dirname "$0")
seeds=$FUZZ_BUILD/seeds
rm -rf "$seeds"
sh "$here/seeds.sh" "$FIX" "$seeds" >/dev/null || exit 1
mkdir -p "$FUZZ_BUILD/logs"
cat "$here"/dict/*.dict > "$FUZZ_BUILD/all.dict"
rc=0
for t in "$@"; do
    corpus=$FUZZ_BUILD/corpus/$t findings=$FUZZ_BUILD/findings/$t
    mkdir -p "$corpus" "$findings"
    case $t in
        elf|pe|macho) dict=$here/dict/$t.dict ;;
        *) dict=$FUZZ_BUILD/all.dict ;;
    esac
    # the render target runs the CLI, whose stderr would flood the log
    extra=
    [ "$t" = render ] && extra=-close_fd_mask=2
    # -malloc_limit_mb: one allocation over 64 MiB is a finding (the
    # documented cap for these small inputs is 16 MiB + 4 x their size)
    "$FUZZ_BUILD/fuzz-$t" "$corpus" "$seeds/$t" $extra \
        -dict="$dict" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=64 -max_len=1048576 -print_final_stats=1 \
        ${FUZZ_SEED:+-seed=$FUZZ_SEED -reload=0} ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -artifact_prefix="$findings/" > "$FUZZ_BUILD/logs/$t.log" 2>&1
    st=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$FUZZ_BUILD/logs/$t.log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$FUZZ_BUILD/logs/$t.log" | tail -n 1 | sed 's/cov: //')
    ft=$(grep -o 'ft: [0-9]*' "$FUZZ_BUILD/logs/$t.log" | tail -n 1 | sed 's/ft: //')
    units=$(ls "$corpus" | wc -l)
    if [ $st -ne 0 ]; then
        echo "fuzz $t: FINDING after ${execs:-?} executions (exit $st): see $FUZZ_BUILD/logs/$t.log and $findings/"
        grep -m 3 -E 'ERROR|SUMMARY|runtime error|deadly signal|timeout' "$FUZZ_BUILD/logs/$t.log"
        rc=1
    else
        echo "fuzz $t: ${secs} s, ${execs:-?} executions, coverage ${cov:-?} edges, ${ft:-?} features, corpus $units inputs"
    fi
done
exit $rc
