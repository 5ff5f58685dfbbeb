#!/bin/sh
# bind conformance: `objinspect bind` against glibc's loader (LD_DEBUG=bindings
# in ldd -r mode, and in run mode for the fixture programs) over the native
# x86-64 ELF programs and libraries under DIR, plus SYSTEM programs from
# /usr/bin and SYSLIBS libraries from /usr/lib/x86_64-linux-gnu (defaults 60
# and 20). The normalisation is explained in bind_conformance.py.
# Usage: tests/conformance/bind.sh DIR    (BUILD: the build directory)
: "${BUILD:=build}"
dir=${1:?usage: bind.sh DIR}
here=$(dirname "$0")
if [ ! -x /lib64/ld-linux-x86-64.so.2 ] || [ "$(uname -m)" != x86_64 ]; then
    echo "conformance bind: no native x86-64 glibc loader here: 0 files, 0 bindings, 0 mismatches"
    exit 0
fi
exec python3 "$here/bind_conformance.py" "$BUILD/objinspect" "$dir"
