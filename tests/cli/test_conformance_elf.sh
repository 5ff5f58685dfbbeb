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
# it must have looked at every ELF file and every ELF archive member there
files=$(echo "$summary" | sed -n 's/^conformance elf: \([0-9]*\) files.*/\1/p')
expect=0
for f in $(find "$FIX/elf" -type f); do
    case $(head -c 8 "$f" | od -An -c | tr -d ' ') in
        177ELF*) expect=$((expect + 1)) ;;
        '!<arch>\n') expect=$((expect + $(ar t "$f" | wc -l))) ;;
    esac
done
expect_eq "elf conformance covers every ELF fixture and archive member" "$files" "$expect"
# and every machine the issue names, in both byte orders
for m in x86_64 i386 aarch64 arm riscv64 ppc64 ppc s390x mips mips64 sparc64; do
    n=$(for f in "$FIX"/elf/*.so "$FIX"/elf/*.o; do "$OI" --json "$f"; done 2>/dev/null |
        python3 -c "import json,sys; print(sum(1 for l in sys.stdin if json.loads(l).get('machine') == '$m'))")
    [ "$n" -gt 0 ] && pass "elf fixtures include $m ($n files)" || fail "elf fixtures include $m" "none"
done
