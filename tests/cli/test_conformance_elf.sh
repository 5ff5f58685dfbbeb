#!/bin/sh
# The ELF conformance script (tests/conformance/elf.sh) over the fixtures,
# so CI runs it: exports, symbols, resolve and dlsym against the peers.
. "$(dirname "$0")/../lib.sh"
need readelf || exit 0
need llvm-nm-16 || exit 0
need llvm-objcopy || exit 0
out=$(sh tests/conformance/elf.sh "$FIX/elf" 2>&1)
rc=$?
summary=$(echo "$out" | tail -n 1)
case "$summary" in
    "conformance elf: "*" 0 mismatches")
        [ $rc -eq 0 ] && pass "elf conformance on the fixtures ($summary)" ||
            fail "elf conformance" "exit $rc: $summary" ;;
    *) fail "elf conformance on the fixtures" "$(echo "$out" | head -n 20)" ;;
esac
# the fixtures must cover what the issue asks: every machine, both byte orders
files=$(echo "$summary" | sed -n 's/^conformance elf: \([0-9]*\) files.*/\1/p')
[ "${files:-0}" -ge 50 ] && pass "elf conformance covers $files fixture files" ||
    fail "elf conformance coverage" "only ${files:-0} files"
