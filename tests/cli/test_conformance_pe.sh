#!/bin/sh
# The PE/COFF conformance script (tests/conformance/pe.sh) on the fixtures:
# exports, imports, lookups, symbols and header facts against llvm-readobj,
# llvm-objdump and llvm-nm. One PASS line when it ends with 0 mismatches.
. "$(dirname "$0")/../lib.sh"
need llvm-readobj-16 || exit 0
BUILD=$BUILD OI=$OI sh "$(dirname "$0")/../conformance/pe.sh" "$FIX" > "$TMP/out" 2>&1
rc=$?
summary=$(grep '^conformance pe:' "$TMP/out")
files=$(echo "$summary" | sed -n 's/^conformance pe: \([0-9]*\) files.*/\1/p')
if [ $rc -eq 0 ] && [ -n "$files" ] && [ "$files" -gt 20 ]; then
    pass "conformance pe on the fixtures ($summary)"
else
    fail "conformance pe on the fixtures" "exit $rc: $(grep -m 5 'MISMATCH\|error' "$TMP/out" | tr '\n' ' ') $summary"
fi
