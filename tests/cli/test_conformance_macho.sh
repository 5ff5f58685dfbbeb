#!/bin/sh
# The Mach-O conformance script on the fixtures, inside make check (CI).
. "$(dirname "$0")/../lib.sh"
need llvm-objdump-16 || exit 0
sh tests/conformance/macho.sh "$FIX" > "$TMP/out" 2>&1
rc=$?
last=$(tail -n 1 "$TMP/out")
case "$last" in
    "conformance macho: "*" files, "*" symbols, 0 mismatches") ;;
    *) fail "conformance macho" "$(grep MISMATCH "$TMP/out" | head -n 5) $last"; exit 0 ;;
esac
expect_eq "conformance macho exit code" "$rc" 0
files=$(echo "$last" | sed 's/conformance macho: \([0-9]*\) files.*/\1/')
[ "$files" -ge 25 ] && pass "conformance macho: $files files checked" ||
    fail "conformance macho: files" "only $files Mach-O files (slices) found in $FIX"
