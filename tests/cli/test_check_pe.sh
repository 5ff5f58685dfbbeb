#!/bin/sh
# PE hardening verdicts against llvm-readobj-16 --file-headers
# --coff-load-config: DllCharacteristics, the load config's GuardFlags and
# SecurityCookie, the SafeSEH table, and the certificate table.
. "$(dirname "$0")/../lib.sh"
need llvm-readobj-16 || exit 0
C=$FIX/check
verdict() {
    python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
r=[c["verdict"] for c in d["checks"] if c["id"]==sys.argv[2]]
print(r[0] if r else "absent")' "$1" "$2"
}
checked=0
for f in "$C"/pehard-*.dll "$FIX"/pe/*.dll; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    checked=$((checked + 1))
    llvm-readobj-16 --file-headers --coff-load-config "$f" > "$TMP/ro" 2>/dev/null
    "$OI" check --json "$f" > "$TMP/oi.json"
    has() { grep -q "IMAGE_DLL_CHARACTERISTICS_$1 " "$TMP/ro"; }
    has DYNAMIC_BASE && ! grep -q 'IMAGE_FILE_RELOCS_STRIPPED' "$TMP/ro" && want=pass || want=fail
    expect_eq "pe.dynamic-base $n" "$(verdict "$TMP/oi.json" pe.dynamic-base)" "$want"
    has NX_COMPAT && want=pass || want=fail
    expect_eq "pe.nx-compat $n" "$(verdict "$TMP/oi.json" pe.nx-compat)" "$want"
    if grep -q 'Magic: 0x20B' "$TMP/ro"; then
        has HIGH_ENTROPY_VA && want=pass || want=fail
    else
        want=n/a
    fi
    expect_eq "pe.high-entropy-va $n" "$(verdict "$TMP/oi.json" pe.high-entropy-va)" "$want"
    # CFG: the DllCharacteristics bit and CF_INSTRUMENTED (0x100) in GuardFlags
    gf=$(sed -n 's/^ *GuardFlags \[ (\(0x[0-9A-Fa-f]*\)).*/\1/p' "$TMP/ro")
    if has GUARD_CF && [ -n "$gf" ] && [ $(( gf & 0x100 )) -ne 0 ]; then want=pass; else want=fail; fi
    expect_eq "pe.cfg $n (GuardFlags ${gf:-none})" "$(verdict "$TMP/oi.json" pe.cfg)" "$want"
    ck=$(sed -n 's/^ *SecurityCookie: *//p' "$TMP/ro")
    [ -n "$ck" ] && [ "$ck" != 0x0 ] && want=pass || want=fail
    expect_eq "pe.gs $n (SecurityCookie ${ck:-none})" "$(verdict "$TMP/oi.json" pe.gs)" "$want"
    if grep -q 'Machine: IMAGE_FILE_MACHINE_I386' "$TMP/ro"; then
        cnt=$(sed -n 's/^ *SEHandlerCount: *//p' "$TMP/ro")
        has NO_SEH || [ "${cnt:-0}" -gt 0 ] && want=pass || want=fail
    else
        want=n/a
    fi
    expect_eq "pe.safeseh $n" "$(verdict "$TMP/oi.json" pe.safeseh)" "$want"
    sz=$(sed -n 's/^ *CertificateTableSize: *//p' "$TMP/ro")
    [ -n "$sz" ] && [ "$sz" != 0x0 ] && want=pass || want=fail
    expect_eq "pe.authenticode $n" "$(verdict "$TMP/oi.json" pe.authenticode)" "$want"
done
[ $checked -ge 6 ] && pass "pe hardening: $checked DLLs compared with llvm-readobj-16" \
    || fail "pe hardening: fixtures" "only $checked found"
