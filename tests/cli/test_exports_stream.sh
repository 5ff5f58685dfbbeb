#!/bin/sh
# Streamed exports (oi_exports_each, which `objinspect exports` uses) are
# the table's (oi_exports): the same records, the same diagnostics, in
# chunks of at most 1024, over every fixture; the fixtures with 5000
# exports (tests/fixtures/many) stream in several chunks, and their export
# counts are the peers'.
. "$(dirname "$0")/../lib.sh"
need cc || exit 0
case "$BUILD" in *san*) SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" ;; esac
PKG_LIBS=$(pkg-config --libs libelf zlib libzstd 2>/dev/null || echo -lelf -lz -lzstd)
# shellcheck disable=SC2086
cc -std=c11 -O1 ${SANFLAGS:-} -Iinclude -o "$TMP/stream" tests/cli/stream_harness.c \
    "$BUILD/libobjinspect.a" $PKG_LIBS || { fail "stream harness builds" "cc failed"; exit 0; }
find "$FIX" -type f | sort > "$TMP/files"
# shellcheck disable=SC2046
"$TMP/stream" $(cat "$TMP/files") > "$TMP/out"
n=$(grep -c ' exports, ' "$TMP/out")
if grep -q MISMATCH "$TMP/out"; then
    fail "streamed exports are the table's" "$(grep MISMATCH "$TMP/out" | head -3)"
else
    pass "streamed exports are the table's, field by field, with the same diagnostics ($n files)"
fi
M=$FIX/many
for f in "$M/libmany.so" "$M/many.dll" "$M/libmany.dylib"; do
    chunks=$(awk -v f="$f:" '$1 == f {print $4}' "$TMP/out")
    [ "${chunks:-0}" -ge 5 ] && pass "$(basename "$f") streams in $chunks chunks" ||
        fail "$(basename "$f") streams in several chunks" "${chunks:-none}"
done
# the listing against the peers
expect_eq "libmany.so: exports as readelf" "$("$OI" exports "$M/libmany.so" | grep -c ' many_export_.*@@MANY_1.0$')" \
    "$(readelf -W --dyn-syms "$M/libmany.so" | awk '$7 != "UND" && $8 ~ /^many_export_/' | grep -c '@@MANY_1.0')"
expect_eq "many.dll: exports as llvm-readobj" "$("$OI" exports "$M/many.dll" | grep -c ' many_export_')" \
    "$(llvm-readobj --coff-exports "$M/many.dll" | grep -c 'Name: many_export_')"
expect_eq "libmany.dylib: exports as llvm-objdump" "$("$OI" exports "$M/libmany.dylib" | grep -c ' _many_export_')" \
    "$(llvm-objdump --macho --exports-trie "$M/libmany.dylib" | grep -c ' _many_export_')"
# a renamed nlist symbol in the big dylib: both warnings, and the names
# they quote survive the chunks streaming away
python3 - "$M/libmany.dylib" "$TMP/renamed.dylib" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.rfind(b"_many_export_04321\0")   # the string table (after the trie)
b[i:i + 18] = b"_many_export_X4321"
open(sys.argv[2], "wb").write(b)
PY
"$OI" exports "$TMP/renamed.dylib" > "$TMP/r" 2>&1
grep -q 'warning: macho/exports: 1 trie exports have no external nlist symbol (first: _many_export_04321)' "$TMP/r" &&
    pass "renamed nlist: the trie-only export is named" || fail "renamed nlist: the trie-only export is named" "$(tail -3 "$TMP/r")"
grep -q 'warning: macho/exports: 1 external nlist symbols are not in the exports trie (first: _many_export_X4321)' "$TMP/r" &&
    pass "renamed nlist: the nlist-only symbol is named" || fail "renamed nlist: the nlist-only symbol is named" "$(tail -3 "$TMP/r")"
