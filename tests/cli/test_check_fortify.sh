#!/bin/sh
# The FORTIFY list (src/check/glibc_fortify.c) is generated from real
# libc.so.6 builds: every fortified export of this machine's glibc and of
# the corpus's glibc builds for other architectures must be in it, and every
# row must be a real glibc export (of this machine's libc, or its
# __nldbl___ form for the long-double-is-double ABI of ppc and s390).
. "$(dirname "$0")/../lib.sh"
need readelf || exit 0
TABLE=$(dirname "$0")/../../src/check/glibc_fortify.c
GEN=$(dirname "$0")/../../src/check/gen-glibc-fortify.sh
names() { sed -n 's/^    { "\(__[^"]*\)".*/\1/p' "$1" | sort; }
host=$(ldconfig -p 2>/dev/null | awk '/libc\.so\.6 .*x86-64/ {print $NF; exit}')
[ -n "$host" ] || host=/lib/x86_64-linux-gnu/libc.so.6
names "$TABLE" > "$TMP/table"
sh "$GEN" "$host" > "$TMP/gen.c" || fail "fortify table: generator" "exit $?"
names "$TMP/gen.c" > "$TMP/host"
expect_eq "fortify table has every fortified export of $host ($(wc -l < "$TMP/host"))" \
    "$(comm -13 "$TMP/table" "$TMP/host" | tr '\n' ' ')" ""
for lib in "${CORPUS_DIR:-/work/corpus}"/elf/*/libc.so.6; do
    [ -f "$lib" ] || continue
    arch=$(basename "$(dirname "$lib")")
    sh "$GEN" "$lib" > "$TMP/o.c" 2>/dev/null
    names "$TMP/o.c" > "$TMP/o"
    [ -s "$TMP/o" ] || continue   # not glibc
    expect_eq "fortify table has every fortified export of $arch glibc" \
        "$(comm -13 "$TMP/table" "$TMP/o" | tr '\n' ' ')" ""
done
# nothing in the table merely "ends in _chk"
sed 's/^/__nldbl_/' "$TMP/host" | cat - "$TMP/host" | sort > "$TMP/real"
expect_eq "every fortify table row is a glibc export" "$(comm -23 "$TMP/table" "$TMP/real" | tr '\n' ' ')" ""
