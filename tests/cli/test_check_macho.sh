#!/bin/sh
# Mach-O hardening and floor verdicts against llvm-objdump-16 --macho
# --private-headers (header flags, LC_CODE_SIGNATURE, minos, cpusubtype)
# and llvm-nm-16 -u (the stack-protector imports), over every Mach-O fixture.
. "$(dirname "$0")/../lib.sh"
need llvm-objdump-16 || exit 0
need llvm-nm-16 || exit 0
verdict() {  # JSON ID
    python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
r=[c["verdict"] for c in d["checks"] if c["id"]==sys.argv[2]]
print(r[0] if r else "absent")' "$1" "$2"
}
checked=0
for f in "$FIX"/macho/*.dylib "$FIX"/macho/hello-* "$FIX"/check/*.dylib; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    llvm-objdump-16 --macho --private-headers "$f" > "$TMP/ph" 2>/dev/null || continue
    printf 'check macho.arm64e warning\nmax-macos 11.0\n' > "$TMP/pol"
    "$OI" check --json --policy "$TMP/pol" "$f" > "$TMP/oi.json"
    [ "$(wc -l < "$TMP/oi.json")" -eq 1 ] || continue   # a fat file: its slices are thin fixtures too
    checked=$((checked + 1))
    hdr=$(grep -A1 'magic  *cputype' "$TMP/ph" | tail -1)
    exec=no; echo "$hdr" | grep -q ' EXECUTE ' && exec=yes
    if [ $exec = yes ]; then
        echo "$hdr" | grep -q ' PIE' && want=pass || want=fail
    else want=n/a; fi
    expect_eq "macho.pie $n" "$(verdict "$TMP/oi.json" macho.pie)" "$want"
    if [ $exec = yes ]; then
        echo "$hdr" | grep -q 'NO_HEAP_EXECUTION' && want=pass || want=fail
    else want=n/a; fi
    expect_eq "macho.no-heap-exec $n" "$(verdict "$TMP/oi.json" macho.no-heap-exec)" "$want"
    grep -q 'cmd LC_CODE_SIGNATURE' "$TMP/ph" && want=pass || want=fail
    expect_eq "macho.code-signature $n" "$(verdict "$TMP/oi.json" macho.code-signature)" "$want"
    # dyld_stub_binder is the lazy binder every LC_DYLD_INFO image names in
    # its symbol table; it is never bound, so it is no import
    llvm-nm-16 -u "$f" 2>/dev/null | grep -vx dyld_stub_binder > "$TMP/und"
    grep -qxE '___stack_chk_(fail|guard)' "$TMP/und" && want=pass || want=fail
    [ "$want" = fail ] && [ ! -s "$TMP/und" ] && want=n/a
    expect_eq "macho.stack-protector $n" "$(verdict "$TMP/oi.json" macho.stack-protector)" "$want"
    # arm64e: ARM64 with cpusubtype E (llvm-objdump names it)
    if echo "$hdr" | grep -q 'ARM64 '; then
        echo "$hdr" | grep -q 'ARM64  *E ' && want=pass || want=fail
    else want=n/a; fi
    expect_eq "macho.arm64e $n" "$(verdict "$TMP/oi.json" macho.arm64e)" "$want"
    # the floor: minos from LC_BUILD_VERSION (or version in LC_VERSION_MIN_MACOSX)
    minos=$(awk '/cmd LC_BUILD_VERSION/ {b=1} b && /minos/ {print $2; exit}
                 /cmd LC_VERSION_MIN_MACOSX/ {v=1} v && /version/ {print $2; exit}' "$TMP/ph")
    if [ -z "$minos" ]; then want=unavailable
    else
        lo=$(printf '%s\n%s\n' "$minos" 11.0 | sort -V | head -1)
        [ "$lo" = "$minos" ] && want=pass || want=fail
    fi
    expect_eq "floor.macos $n (minos ${minos:-none}, floor 11.0)" "$(verdict "$TMP/oi.json" floor.macos)" "$want"
done
[ $checked -ge 8 ] && pass "macho hardening: $checked files compared with llvm-objdump-16" \
    || fail "macho hardening: fixtures" "only $checked found"
# the floor fails when the file needs a newer macOS than the policy allows
printf 'max-macos 10.15\n' > "$TMP/old"
"$OI" check --json --policy "$TMP/old" "$FIX/check/libssp-arm64.dylib" > "$TMP/oi.json"; rc=$?
expect_eq "floor.macos: min 11.0 above the floor 10.15" "$(verdict "$TMP/oi.json" floor.macos)" fail
expect_eq "floor.macos: exit 1" "$rc" 1
