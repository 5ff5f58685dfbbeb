#!/bin/sh
# ELF conformance over every ELF file (and ar member) under DIR: the export
# set against readelf and llvm-nm, resolve against readelf's symbol values,
# and dlsym for native x86-64 libraries (see elf_conformance.py).
# Usage: tests/conformance/elf.sh DIR    (BUILD: the build directory)
: "${BUILD:=build}"
dir=${1:?usage: elf.sh DIR}
here=$(dirname "$0")
resolver=$BUILD/elf-resolve
case $BUILD in *san*) san="-fsanitize=address,undefined" ;; *) san= ;; esac
# the batch resolver: the public API only, linked like any user program
if ! cc -std=c11 -O1 $san -Iinclude -o "$resolver" "$here/elf_resolve.c" "$BUILD/libobjinspect.a" \
        $(pkg-config --libs libelf zlib libzstd 2>/dev/null || echo -lelf -lz -lzstd) -ldl; then
    echo "conformance elf: cannot build the batch resolver"
    exit 2
fi
exec python3 "$here/elf_conformance.py" "$BUILD/objinspect" "$resolver" "$dir"
