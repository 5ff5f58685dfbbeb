#!/bin/sh
# objinspect diff against abidiff's symbol-level result on libabi v1/v2/v3
# (tests/fixtures/check/abi-v*.c): the exit status (abidiff's bitmask) and
# the removed and added symbols must agree, and v1 -> v2 must report exactly
# the changes the fixture's source states.
# abidiff quirk: a re-versioned symbol (moved@@ABI_1 -> moved@@ABI_2) is
# listed by abidiff only as removed; objinspect reports it as one "version"
# change, so abidiff's removed set is our removed set plus the old side of
# our version changes, and its added set is our added set.
. "$(dirname "$0")/../lib.sh"
need abidiff || exit 0
C=$FIX/check
SRC=$(dirname "$0")/../fixtures/check

compare() {  # OLD NEW
    o=$1 n=$2 name="$(basename "$1") -> $(basename "$2")"
    abidiff "$o" "$n" > "$TMP/abi.txt" 2>&1
    want_rc=$?
    "$OI" diff --json "$o" "$n" > "$TMP/d.json" 2>"$TMP/err"
    got_rc=$?
    expect_eq "diff exit status as abidiff's: $name" "$got_rc" "$want_rc"
    python3 - "$TMP/abi.txt" "$TMP/d.json" > "$TMP/sets" <<'PY'
import json, re, sys
D, A = set(), set()
for line in open(sys.argv[1]):
    m = re.match(r"\s+\[([DA])\] (?:'[^']*'\s+\{)?([^\s}]+)", line)
    if m:
        (D if m.group(1) == "D" else A).add(m.group(2))
d = json.load(open(sys.argv[2]))
def sym(e):
    return e["name"] + ("@@" if e["version_default"] else "@") + e["version"] if e["version"] else e["name"]
removed = {sym(c["old"]) for c in d["changes"] if c["kind"] in ("removed", "version")}
added = {sym(c["new"]) for c in d["changes"] if c["kind"] == "added"}
print("removed", sorted(D) == sorted(removed), " ".join(sorted(D ^ removed)))
print("added", sorted(A) == sorted(added), " ".join(sorted(A ^ added)))
PY
    expect_eq "diff removed symbols as abidiff's: $name" "$(sed -n 's/^removed //p' "$TMP/sets")" "True "
    expect_eq "diff added symbols as abidiff's: $name" "$(sed -n 's/^added //p' "$TMP/sets")" "True "
}
compare "$C/libabi-v1.so" "$C/libabi-v2.so"
compare "$C/libabi-v1.so" "$C/libabi-v3.so"
compare "$C/libabi-v1.so" "$C/libabi-v1.so"
compare "$C/libabi-v2.so" "$C/libabi-v1.so"

# exactly the changes abi-v1.c states, in the text output
sed -n 's/^ \*   \(removed\|added\|version\) \+\([^ ]*\)\(.*\)$/\1 \2\3/p' "$SRC/abi-v1.c" |
    awk '{k=$1; n=$2; sub(/:$/, "", n); c=$NF; if (c ~ /\)$/) c=$(NF-1); print k, n, c}' | sort > "$TMP/want"
"$OI" diff "$C/libabi-v1.so" "$C/libabi-v2.so" | sed 1d |
    awk '{n=$3; sub(/:$/, "", n); print $1, n, $2}' | sort > "$TMP/got"
expect_eq "diff v1 -> v2 reports exactly the fixture's changes" "$(cat "$TMP/got")" "$(cat "$TMP/want")"
[ -s "$TMP/want" ] || fail "diff fixture comment" "abi-v1.c states no changes?"

# usage and input errors
"$OI" diff "$C/libabi-v1.so" >/dev/null 2>&1; expect_eq "diff with one file exits 3" "$?" 3
printf 'x\n' > "$TMP/t"
"$OI" diff "$C/libabi-v1.so" "$TMP/t" >/dev/null 2>&1; expect_eq "diff with a non-object exits 2" "$?" 2
