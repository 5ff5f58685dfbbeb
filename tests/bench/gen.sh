#!/bin/sh
# gen.sh DIR: the synthetic libraries of `make bench`, built with the real
# toolchains from generated assembly (one `ret` per exported function):
#   elf-{1k,10k,100k,1m}.so   ELF x86-64, GNU and SysV hash, every export at
#                             version BENCH_1.0 (GNU ld's usual output shape)
#   pe-{1k,10k,50k}.dll       PE32+ DLL (lld-link with a .def file); 50k is near
#                             the format's limit (16-bit ordinals)
#   macho-{1k,10k,100k}.dylib x86-64 Mach-O dylib with an exports trie (ld64.lld)
# Names are bench_export_function_NNNNNNN (29 bytes, with '_' on Mach-O).
# A file is rebuilt only when missing; GEN_VERSION names the recipe.
set -e
DIR=$1
GEN_VERSION=1
mkdir -p "$DIR"
[ "$(cat "$DIR/.gen-version" 2>/dev/null)" = "$GEN_VERSION" ] || rm -f "$DIR"/*.so "$DIR"/*.dll "$DIR"/*.dylib
echo "$GEN_VERSION" > "$DIR/.gen-version"
LLD64=$(command -v ld64.lld 2>/dev/null || echo /usr/lib/llvm-14/bin/ld64.lld)

names() {  # N PREFIX -> one name a line
    awk -v n="$1" -v p="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%sbench_export_function_%07d\n", p, i }'
}

elf() {  # N OUT
    [ -f "$2" ] && return 0
    t=$2.tmp
    names "$1" "" | awk 'BEGIN { print ".text" } { printf ".globl %s\n.type %s,@function\n%s: ret\n", $1, $1, $1 }' > "$t.s"
    echo 'BENCH_1.0 { global: *; };' > "$t.map"
    cc -c -o "$t.o" "$t.s"
    ld.lld -shared -s --hash-style=both --version-script="$t.map" -soname "$(basename "$2")" -o "$2" "$t.o"
    rm -f "$t.s" "$t.map" "$t.o"
}

pe() {  # N OUT
    [ -f "$2" ] && return 0
    t=$2.tmp
    names "$1" "" | awk 'BEGIN { print ".text" } { printf ".globl %s\n%s: ret\n", $1, $1 }' > "$t.s"
    { echo "LIBRARY $(basename "$2")"; echo EXPORTS; names "$1" "  "; } > "$t.def"
    clang --target=x86_64-pc-windows-msvc -c -o "$t.obj" "$t.s"
    lld-link /dll /noentry /nodefaultlib /machine:x64 /def:"$t.def" /out:"$2" "$t.obj" > /dev/null
    rm -f "$t.s" "$t.def" "$t.obj" "${2%.dll}.lib"
}

macho() {  # N OUT
    [ -f "$2" ] && return 0
    t=$2.tmp
    names "$1" "_" | awk 'BEGIN { print ".text" } { printf ".globl %s\n%s: ret\n", $1, $1 }' > "$t.s"
    clang -target x86_64-apple-macos11 -c -o "$t.o" "$t.s"
    "$LLD64" -arch x86_64 -platform_version macos 11.0 11.0 -dylib \
        -install_name "@rpath/$(basename "$2")" -o "$2" "$t.o"
    rm -f "$t.s" "$t.o"
}

elf 1000 "$DIR/elf-1k.so"
elf 10000 "$DIR/elf-10k.so"
elf 100000 "$DIR/elf-100k.so"
elf 1000000 "$DIR/elf-1m.so"
pe 1000 "$DIR/pe-1k.dll"
pe 10000 "$DIR/pe-10k.dll"
pe 50000 "$DIR/pe-50k.dll"
macho 1000 "$DIR/macho-1k.dylib"
macho 10000 "$DIR/macho-10k.dylib"
macho 100000 "$DIR/macho-100k.dylib"
