#!/bin/sh
# PE lookup the way the Windows loader does it. The oracle for the order of
# the name pointer table is GNU objdump's "[Ordinal/Name Pointer] Table"
# listing; the loader's binary search over that order is emulated here, so
# an unsorted table (the named mutation unsorted-names) must make objinspect
# miss exactly the names that search misses, and report the table unsorted.
. "$(dirname "$0")/../lib.sh"
need x86_64-w64-mingw32-objdump || exit 0
need llvm-readobj-16 || exit 0
F=$FIX/pe

# name-table order (GNU objdump) -> one line per name: NAME FOUND(0/1) INDEX
emulate() {
    x86_64-w64-mingw32-objdump -p "$1" | python3 -c '
import re, sys
names, on = [], False
for line in sys.stdin.buffer:
    if line.startswith(b"[Ordinal/Name Pointer] Table"):
        on = True
        continue
    if on:
        m = re.match(rb"^\t\[ *\d+\] (.*)$", line.rstrip(b"\n"))
        if not m:
            break
        names.append(m.group(1))
for want in names:
    lo, hi, found = 0, len(names), -1
    while lo < hi:
        mid = (lo + hi) // 2
        if want == names[mid]:
            found = mid
            break
        if want < names[mid]:
            hi = mid
        else:
            lo = mid + 1
    print(want.decode(), 1 if found >= 0 else 0, found)
'
}

for f in "$F/callconv-x86_64.dll" "$F/callconv-i686.dll" "$F/mutated/callconv-x86_64-unsorted-names.dll"; do
    n=$(basename "$f")
    emulate "$f" > "$TMP/expect"
    [ -s "$TMP/expect" ] || { fail "lookup $n" "GNU objdump listed no names"; continue; }
    cut -d' ' -f1 "$TMP/expect" | "$OI" resolve --json "$f" - > "$TMP/got"
    python3 -c '
import json, sys
exp = [l.split() for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
bad = []
for (name, found, idx), g in zip(exp, got):
    if bool(int(found)) != g["found"]:
        bad.append("%s: objinspect found=%s, binary search found=%s" % (name, g["found"], found))
    elif g["found"] and g["export"]["raw"][1] != int(idx):
        bad.append("%s: name index %s, expected %s" % (name, g["export"]["raw"][1], idx))
    elif g["path"] != "binary-search":
        bad.append("%s: path %s" % (name, g["path"]))
if len(exp) != len(got):
    bad.append("%d answers for %d names" % (len(got), len(exp)))
print("; ".join(bad) if bad else "ok")
' "$TMP/expect" "$TMP/got" > "$TMP/verdict"
    expect_eq "lookup $n follows the loader's binary search" "$(cat "$TMP/verdict")" ok
    misses=$(awk '$2 == 0' "$TMP/expect" | wc -l)
    "$OI" exports "$f" > "$TMP/list" 2>&1
    if [ "$misses" -gt 0 ]; then
        if grep -q 'name pointer table is not sorted' "$TMP/list"; then
            pass "lookup $n: unsorted name table reported ($misses names the loader misses)"
        else
            fail "lookup $n" "no unsorted-table diagnostic although $misses names are unreachable"
        fi
        # a miss in an unsorted table says why
        miss=$(awk '$2 == 0 { print $1; exit }' "$TMP/expect")
        "$OI" resolve --explain "$f" "$miss" > "$TMP/explain"
        rc=$?
        expect_eq "lookup $n: '$miss' is not found, as on Windows (exit 1)" "$rc" 1
        if grep -q 'a scan finds' "$TMP/explain"; then
            pass "lookup $n: --explain says the scan finds '$miss' where the binary search does not"
        else
            fail "lookup $n: explain" "$(tr '\n' ' ' < "$TMP/explain")"
        fi
    else
        if grep -q 'not sorted' "$TMP/list"; then
            fail "lookup $n" "a sorted table is reported as unsorted"
        else
            pass "lookup $n: sorted name table, no diagnostic"
        fi
    fi
done

# --explain shows the loader's path: binary search, ordinal table, address
# table; the match index is the name's place in the sorted name list
f=$F/msvcfix-x86_64.dll
"$OI" resolve --explain "$f" c_fn > "$TMP/explain"
idx=$(llvm-readobj-16 --coff-exports "$f" | sed -n 's/^  Name: \(..*\)$/\1/p' | LC_ALL=C sort | grep -n -x c_fn | cut -d: -f1)
ord=$(llvm-readobj-16 --coff-exports "$f" | awk '/Ordinal:/ {o=$2} /Name: c_fn$/ {print o}')
if grep -q "index $((idx - 1)) 'c_fn': match" "$TMP/explain" &&
   grep -q "ordinal $ord (base" "$TMP/explain" && grep -q 'export address table\[' "$TMP/explain"; then
    pass "resolve --explain c_fn: binary search to index $((idx - 1)), ordinal $ord, address table"
else
    fail "resolve --explain c_fn" "$(tr '\n' '|' < "$TMP/explain")"
fi
# by ordinal: the NONAME alias @7 of msvc.def
"$OI" resolve --json "$f" '#7' > "$TMP/j"
expect_eq "resolve '#7' path" "$(jget "$TMP/j" path)" ordinal
expect_eq "resolve '#7' has no name (NONAME in msvc.def)" "$(jget "$TMP/j" export name)" null
rva=$(llvm-readobj-16 --coff-exports "$f" | awk '/Ordinal: 7$/ {on=1} on && /RVA:/ {print $2; exit}')
expect_eq "resolve '#7' address (llvm-readobj)" "$(jget "$TMP/j" address)" "$(printf %d "$rva")"
"$OI" resolve "$f" '#9999' > /dev/null
expect_eq "resolve '#9999' is not found (exit 1)" "$?" 1
"$OI" resolve "$f" no_such_export > /dev/null
expect_eq "resolve no_such_export is not found (exit 1)" "$?" 1
