#!/bin/sh
# The JSON document is valid JSON with no key twice in one object (a parser
# would silently keep only the last), and a key that repeats in the model
# (Mach-O LC_RPATH) keeps every value, in order, in "property_values":
# compared with the LC_RPATH commands llvm-objdump-16 lists.
. "$(dirname "$0")/../lib.sh"
need llvm-objdump-16 || exit 0
nodup='
import json, sys
def hook(pairs):
    keys = [k for k, _ in pairs]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise SystemExit("duplicate keys: " + ",".join(dup))
    return dict(pairs)
for line in open(sys.argv[1]):
    json.loads(line, object_pairs_hook=hook)
'
for f in "$FIX"/elf/libelfsyms-gcc.so "$FIX"/pe/callconv-x86_64.dll "$FIX"/macho/*; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    "$OI" --json "$f" > "$TMP/j" 2>/dev/null
    if err=$(python3 -c "$nodup" "$TMP/j" 2>&1); then pass "json $n: valid, no duplicate keys"
    else fail "json $n: valid, no duplicate keys" "$err"; fi
done
checked=0
for f in "$FIX"/macho/*; do
    [ -f "$f" ] || continue
    want=$(llvm-objdump-16 --macho --private-headers "$f" 2>/dev/null |
           awk '/cmd LC_RPATH/ {r = 1} r && $1 == "path" {print $2; r = 0}')
    [ -n "$want" ] || continue
    checked=$((checked + 1))
    "$OI" --json "$f" > "$TMP/j" 2>/dev/null
    got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(d["property_values"].get("rpath", [])))' "$TMP/j")
    expect_eq "json $(basename "$f"): every LC_RPATH in property_values" "$got" "$want"
    first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["properties"].get("rpath"))' "$TMP/j")
    expect_eq "json $(basename "$f"): properties.rpath is the first" "$first" "$(echo "$want" | head -n 1)"
done
[ "$checked" -gt 0 ] && pass "json: files with LC_RPATH checked ($checked)" || fail "json: files with LC_RPATH" "no fixture has one"
