#!/bin/sh
# make bench: objinspect against the tools people use today, side by side in
# one run, as ratios (absolute times move between runs on shared machines).
# Each time is the best of $RUNS runs; memory is the peak RSS of one run.
: "${BUILD:=build}" "${RUNS:=7}"
OI=$BUILD/objinspect
FLOOR=$BUILD/bench-floor
cc -O2 -o "$FLOOR" tests/bench/floor.c || exit 2
LIB=${BENCH_LIB:-$(ls /usr/lib/x86_64-linux-gnu/libLLVM-1[456].so.1 2>/dev/null | head -n 1)}
[ -f "$LIB" ] || LIB=$(sh tools/default-artifact.sh)
NAME=${BENCH_NAME:-$(readelf -W --dyn-syms "$LIB" | awk '$7 != "UND" && $5 == "GLOBAL" && $4 == "FUNC" {n=$8} END {sub(/@.*/, "", n); print n}')}
command -v /usr/bin/time >/dev/null || sh tools/install-deps.sh time

best_ms() {  # command... -> best wall time in ms over RUNS runs
    best=
    i=0
    while [ $i -lt "$RUNS" ]; do
        s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
        t=$(( (e - s) / 1000 ))
        [ -z "$best" ] || [ $t -lt "$best" ] && best=$t
        i=$((i + 1))
    done
    echo "$best"    # microseconds
}
rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
row() {  # LABEL command...
    label=$1; shift
    us=$(best_ms "$@"); kb=$(rss_kb "$@")
    printf '  %-34s %9.2f ms %8s KiB  %6.2fx floor\n' "$label" "$(echo "$us / 1000" | bc -l)" "$kb" \
        "$(echo "$us / $FLOOR_US" | bc -l)"
}
command -v bc >/dev/null || sh tools/install-deps.sh bc

echo "== exports of $LIB ($(readelf -W --dyn-syms "$LIB" | awk '$7 != "UND"' | wc -l) defined dynamic symbols)"
FLOOR_US=$(best_ms "$FLOOR" list "$LIB")
row "floor (mmap + walk .dynsym)" "$FLOOR" list "$LIB"
row "objinspect exports" "$OI" exports "$LIB"
row "eu-readelf --dyn-syms" eu-readelf --dyn-syms "$LIB"
row "nm -D" nm -D "$LIB"
row "readelf --dyn-syms" readelf -W --dyn-syms "$LIB"
row "llvm-nm -D" llvm-nm -D "$LIB"
row "llvm-readobj --dyn-syms" llvm-readobj --dyn-syms "$LIB"

echo "== resolve one name ($NAME) in $LIB"
FLOOR_US=$(best_ms "$FLOOR" resolve "$LIB" "$NAME")
row "floor (mmap + GNU-hash lookup)" "$FLOOR" resolve "$LIB" "$NAME"
row "objinspect resolve" "$OI" resolve "$LIB" "$NAME"
row "nm -D | grep" sh -c "nm -D '$LIB' | grep -w '$NAME'"

echo "== start-up"
FLOOR_US=$(best_ms true)
row "true" true
row "objinspect --version" "$OI" --version
