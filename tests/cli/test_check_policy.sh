#!/bin/sh
# The export policy and the platform floor on real fixtures, each verdict
# against what nm, readelf or llvm-readobj-16 say about the same file:
# exact names, globs and regexes, forbidden names, "nothing else",
# versioned exports, visibility, PE ordinal pins, the glibc floor and the
# PE subsystem floor; and the consistency checks on the parsers' mutations
# (a zeroed GNU hash bucket, an unsorted PE name table).
. "$(dirname "$0")/../lib.sh"
need nm || exit 0
need readelf || exit 0
lib=$FIX/elf/libelfsyms-gcc.so
ev() {  # JSON ID -> "verdict|evidence"
    python3 -c 'import json,sys
d=json.loads(open(sys.argv[1]).readline())
r=[c for c in d["checks"] if c["id"]==sys.argv[2]]
print(r[0]["verdict"] + "|" + r[0]["evidence"] if r else "absent|")' "$1" "$2"
}
run() {  # POLICY-TEXT FILE
    printf '%s\n' "$1" > "$TMP/pol"
    "$OI" check --json --policy "$TMP/pol" "$2" > "$TMP/j" 2>"$TMP/err"
}
# the oracle: defined dynamic symbols, less GNU ld's version-node markers
# (an absolute symbol named after its version node, e.g. VERS_1@@VERS_1)
readelf -V -W "$lib" | sed -n 's/.*Name: \([^ ]*\).*/\1/p' | sort -u > "$TMP/nodes"
nm -D --defined-only "$lib" | awk 'NR == FNR {node[$1] = 1; next} !($2 == "A" && ($3 in node)) {print $NF}' \
    "$TMP/nodes" - > "$TMP/exp.ver"
sed 's/@.*//' "$TMP/exp.ver" | sort -u > "$TMP/exp"
[ -s "$TMP/exp" ] || fail "oracle" "nm lists no exports of $lib"

# exact list of every export, and only-expected: pass
{ sed 's/^/export /' "$TMP/exp"; echo only-expected; } > "$TMP/all.pol"
"$OI" check --json --policy "$TMP/all.pol" "$lib" > "$TMP/j"
expect_eq "exports.expected: every nm export, exactly" "$(ev "$TMP/j" exports.expected | cut -d'|' -f1)" pass
expect_eq "exports.only-expected: nm's list is complete" "$(ev "$TMP/j" exports.only-expected | cut -d'|' -f1)" pass
# one name left out: only-expected fails and names it
drop=$(head -n 1 "$TMP/exp")
{ sed -n '2,$s/^/export /p' "$TMP/exp"; echo only-expected; } > "$TMP/most.pol"
"$OI" check --json --policy "$TMP/most.pol" "$lib" > "$TMP/j"
v=$(ev "$TMP/j" exports.only-expected)
case "$v" in "fail|not expected: $drop"*) pass "exports.only-expected names the unexpected $drop" ;;
    *) fail "exports.only-expected names the unexpected $drop" "$v" ;; esac
# globs and regexes
first=$(head -c 3 "$TMP/exp")
n_glob=$(grep -c "^$first" "$TMP/exp")
run "export glob:$first*" "$lib"
expect_eq "export glob:$first* ($n_glob matches in nm)" "$(ev "$TMP/j" exports.expected | cut -d'|' -f1)" pass
run "forbid re:^$drop\$" "$lib"
v=$(ev "$TMP/j" exports.forbidden)
listed=$(echo "${v#fail|forbidden exports: }" | tr ',' '\n' | sed 's/^ *//' | sort | tr '\n' ' ')
want=$(grep -E "^$drop(@|\$)" "$TMP/exp.ver" | sed 's/@@/@/' | sort | tr '\n' ' ')
expect_eq "forbid re:^$drop\$ lists nm's $drop symbols" "${v%%|*} $listed" "fail $want"
# regexes of every ERE shape, as grep -E matches them on nm's names
# (grep runs the same glibc matcher, unanchored: ours anchors the pattern
# as "^.*(TEXT)" and escapes an unmatched ')', which must change nothing)
sed 's/@.*//' "$TMP/exp.ver" > "$TMP/exp.names"
for re in "^$first" 'a|b)' 'x)|^str' '(^e|s$)' '[]_]l' '[^]a-z_]x' '[[:digit:]]+' \
          'r(s|t)?i' '(a|)e$' 'y{0}z' 'e{,1}l{1,}' '|zz' 'e\.?l'; do
    n=$(grep -cE -- "$re" "$TMP/exp.names")
    run "forbid re:$re" "$lib"
    v=$(ev "$TMP/j" exports.forbidden)
    listed=$(echo "${v#fail|forbidden exports: }" | sed 's/ and \([0-9]*\) more$/, +\1/' | tr ',' '\n' |
             awk '/^ *[+]/ {n += substr($1, 2); next} {n++} END {print n + 0}')
    [ "${v%%|*}" = pass ] && listed=0
    expect_eq "forbid re:$re matches the $n names grep -E matches" "$listed" "$n"
done
# one export name of 160,000 bytes: the verdict grep -E gives, in under a
# second (unanchored, glibc's search took 20 s on "_.*_.*x$")
long=$FIX/check/liblongname.so
nm -D --defined-only "$long" | awk '{print $NF}' > "$TMP/long.names"
for re in '_.*_.*x$' '_.*_.*_$' '^(a_)+$' '(a_){3}a$'; do
    n=$(grep -cE -- "$re" "$TMP/long.names")
    if [ "$n" -gt 0 ]; then want=fail; else want=pass; fi
    printf 'forbid re:%s\n' "$re" > "$TMP/pol"
    t0=$(date +%s%N)
    "$OI" check --json --policy "$TMP/pol" "$long" > "$TMP/j" 2>"$TMP/err"
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    expect_eq "forbid re:$re on a 160,000-byte name ($n matches in grep -E)" \
        "$(ev "$TMP/j" exports.forbidden | cut -d'|' -f1)" "$want"
    [ "$ms" -lt 1000 ] && pass "forbid re:$re on a 160,000-byte name takes ${ms} ms" \
        || fail "forbid re:$re on a 160,000-byte name takes under a second" "${ms} ms"
done
run "forbid glob:objinspect_nothing_*" "$lib"
expect_eq "forbid a glob nm does not match" "$(ev "$TMP/j" exports.forbidden | cut -d'|' -f1)" pass
# versioned: nm prints name@VERSION for a versioned export
if grep -qv @ "$TMP/exp.ver"; then want=fail; else want=pass; fi
run "versioned" "$lib"
expect_eq "exports.versioned (nm -D versions)" "$(ev "$TMP/j" exports.versioned | cut -d'|' -f1)" "$want"
run "versioned" "$FIX/check/libfortify-fp.so"
expect_eq "exports.versioned: an unversioned library fails" "$(ev "$TMP/j" exports.versioned | cut -d'|' -f1)" fail
# visibility: readelf's Vis column of the defined dynamic symbols
readelf --dyn-syms -W "$lib" | awk '$7 != "UND" && $7 != "Ndx" && NF >= 8 {print $6}' | sort -u > "$TMP/vis"
if grep -qvx DEFAULT "$TMP/vis"; then want=fail; else want=pass; fi
run "visibility default" "$lib"
expect_eq "exports.visibility default (readelf: $(tr '\n' ' ' < "$TMP/vis"))" \
    "$(ev "$TMP/j" exports.visibility | cut -d'|' -f1)" "$want"
run "visibility $(tr 'A-Z\n' 'a-z ' < "$TMP/vis")" "$lib"
expect_eq "exports.visibility: every visibility readelf shows" "$(ev "$TMP/j" exports.visibility | cut -d'|' -f1)" pass

# the glibc floor: the highest GLIBC_ version nm -D shows on undefined symbols
top=$(nm -D --undefined-only "$FIX/check/hardened-gcc" | sed -n 's/.*@GLIBC_//p' | sort -V | tail -1)
run "max-glibc $top" "$FIX/check/hardened-gcc"
expect_eq "floor.glibc at the needed GLIBC_$top" "$(ev "$TMP/j" floor.glibc | cut -d'|' -f1)" pass
run "max-glibc 2.3" "$FIX/check/hardened-gcc"
v=$(ev "$TMP/j" floor.glibc)
case "$v" in "fail|needs GLIBC_$top, above the floor GLIBC_2.3"*) pass "floor.glibc below GLIBC_$top fails" ;;
    *) fail "floor.glibc below GLIBC_$top fails" "$v" ;; esac
"$OI" check -q --policy "$TMP/pol" "$FIX/check/hardened-gcc" >/dev/null
expect_eq "floor.glibc failure exits 1" "$?" 1

# PE: ordinal pins and the subsystem floor, against llvm-readobj-16
dll=$FIX/pe/callconv-x86_64.dll
if command -v llvm-readobj-16 >/dev/null 2>&1 && [ -f "$dll" ]; then
    llvm-readobj-16 --coff-exports "$dll" | awk '/Ordinal:/ {o=$2} /Name: ./ {print $2, o}' | head -n 1 > "$TMP/ord"
    read -r name ord < "$TMP/ord"
    run "ordinal $name $ord" "$dll"
    expect_eq "exports.pe-ordinals: $name @$ord (llvm-readobj)" "$(ev "$TMP/j" exports.pe-ordinals | cut -d'|' -f1)" pass
    run "ordinal $name $((ord + 100))" "$dll"
    expect_eq "exports.pe-ordinals: $name pinned elsewhere" "$(ev "$TMP/j" exports.pe-ordinals)" \
        "fail|$name is @$ord, pinned @$((ord + 100))"
    ssv=$(llvm-readobj-16 --file-headers "$dll" | awk '/MajorSubsystemVersion/ {a=$2} /MinorSubsystemVersion/ {b=$2} END {print a "." b}')
    run "max-pe-subsystem $ssv" "$dll"
    expect_eq "floor.pe-subsystem at $ssv (llvm-readobj)" "$(ev "$TMP/j" floor.pe-subsystem | cut -d'|' -f1)" pass
    run "max-pe-subsystem 3.10" "$dll"
    expect_eq "floor.pe-subsystem below $ssv" "$(ev "$TMP/j" floor.pe-subsystem | cut -d'|' -f1)" fail
fi

# consistency on the parsers' own mutations (their mutate.py says what breaks)
bad=$FIX/elf/libhard-badhash.so
if [ -f "$bad" ]; then
    "$OI" check --json "$bad" > "$TMP/j"
    v=$(ev "$TMP/j" consistency.elf-hash)
    case "$v" in "fail|the hash table misses: "*hard_add*) pass "consistency.elf-hash: a zeroed bucket loses hard_add" ;;
        *) fail "consistency.elf-hash: a zeroed bucket loses hard_add" "$v" ;; esac
    "$OI" check --json "$FIX/elf/libhard-gnu.so" > "$TMP/j"
    expect_eq "consistency.elf-hash: the good file" "$(ev "$TMP/j" consistency.elf-hash | cut -d'|' -f1)" pass
fi
for bad in "$FIX"/pe/mutated/*unsorted-names*.dll; do
    [ -f "$bad" ] || continue
    "$OI" check --json "$bad" > "$TMP/j"
    expect_eq "consistency.pe-name-order: $(basename "$bad")" "$(ev "$TMP/j" consistency.pe-name-order | cut -d'|' -f1)" fail
done
"$OI" check --json "$dll" > "$TMP/j"
expect_eq "consistency.pe-name-order: $(basename "$dll")" "$(ev "$TMP/j" consistency.pe-name-order | cut -d'|' -f1)" pass

# demangled: patterns, against nm -D -C (the same symbols in the same order
# as nm -D, so the two listings pair raw and demangled names line by line)
cxx=$FIX/abi/libcxx.so
if [ -f "$cxx" ]; then
    nm -D --defined-only "$cxx" | awk '{print $NF}' > "$TMP/raw"
    nm -D -C --defined-only "$cxx" | cut -d' ' -f3- > "$TMP/dem"
    paste -d'|' "$TMP/raw" "$TMP/dem" > "$TMP/pairs"
    one=$(grep -m1 '(' "$TMP/dem")
    run "export demangled:$one" "$cxx"
    expect_eq "export demangled:$one (nm -C)" "$(ev "$TMP/j" exports.expected | cut -d'|' -f1)" pass
    run "export demangled:objinspect::nothing()" "$cxx"
    expect_eq "export demangled: a name nm -C does not show" "$(ev "$TMP/j" exports.expected | cut -d'|' -f1)" fail
    run "forbid demangled:glob:ns::Widget::*" "$cxx"
    v=$(ev "$TMP/j" exports.forbidden)
    listed=$(echo "${v#fail|forbidden exports: }" | tr ',' '\n' | sed 's/^ *//' | sort | tr '\n' ' ')
    want=$(awk -F'|' '$2 ~ /^ns::Widget::/ {print $1}' "$TMP/pairs" | sort | tr '\n' ' ')
    expect_eq "forbid demangled:glob:ns::Widget::* lists nm -C's raw names" "${v%%|*} $listed" "fail $want"
    # the raw name does not match a demangled pattern, nor the reverse
    raw1=$(head -n 1 "$TMP/raw")
    run "export demangled:$raw1" "$cxx"
    expect_eq "export demangled: does not match the raw $raw1" "$(ev "$TMP/j" exports.expected | cut -d'|' -f1)" fail
    run "export raw:$(head -n 1 "$TMP/dem")" "$cxx"
    expect_eq "export raw: does not match the demangled form" "$(ev "$TMP/j" exports.expected | cut -d'|' -f1)" fail
else
    fail "demangled: patterns" "fixture $cxx missing (make fixtures)"
fi
