#!/bin/sh
# Demangling conformance over every object file under $1: objinspect's
# demangled names against c++filt (Itanium C++, Rust, D) and llvm-undname-16
# (MSVC), ignoring whitespace. Exits non-zero on any mismatch.
: "${BUILD:=build}"
dir=${1:?usage: demangle.sh DIR}
for t in c++filt llvm-undname-16 python3; do
    command -v $t >/dev/null 2>&1 || { echo "conformance demangle: $t is not installed"; exit 1; }
done
exec python3 "$(dirname "$0")/demangle_conf.py" "$BUILD/objinspect" "$dir"
