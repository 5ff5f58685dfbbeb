#!/bin/sh
# make bench: objinspect against the physical floor and the tools people use
# today, side by side in one run, as ratios (absolute times move between runs
# on shared machines). Installs what is missing, builds the floor programs,
# generates the synthetic libraries, then tests/bench/bench.py measures and
# writes bench/RESULTS.md.
#   BUILD=build  RUNS=...  BENCH_OUT=bench/RESULTS.md  BENCH_QUICK=1 (fewer runs)
set -e
: "${BUILD:=build}" "${BENCH_OUT:=bench/RESULTS.md}"
# the peers (binutils: nm readelf objdump; elfutils: eu-readelf; llvm:
# llvm-nm llvm-readobj llvm-objdump; pax-utils: scanelf), the measuring
# tools (hyperfine, GNU time, valgrind's callgrind), the toolchains of the
# synthetic libraries (clang, lld: ld.lld, lld-link, ld64.lld) and the
# library of the main job (libllvm15: libLLVM-15.so.1)
sh tools/install-deps.sh hyperfine pax-utils elfutils binutils llvm time valgrind \
    python3 clang lld libllvm15 binutils-mingw-w64-x86-64
mkdir -p "$BUILD/bench" "$(dirname "$BENCH_OUT")"
cc -O2 -o "$BUILD/bench-floor" tests/bench/floor.c
sh tests/bench/gen.sh "$BUILD/bench"
exec python3 tests/bench/bench.py --build "$BUILD" --out "$BENCH_OUT"
