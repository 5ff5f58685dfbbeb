#!/bin/sh
# The demangling conformance script on the fixtures (make corpus runs it on
# the corpus), plus differential fuzzing of the MSVC demangler against
# llvm-undname-16, seeded from the fixtures' MSVC names.
. "$(dirname "$0")/../lib.sh"
need python3 && need c++filt && need llvm-undname-16 || exit 0
out=$(sh tests/conformance/demangle.sh "$FIX" 2>&1)
rc=$?
last=$(printf '%s\n' "$out" | tail -n 1)
case $last in
    "conformance demangle: "*" 0 mismatches")
        [ $rc -eq 0 ] && pass "demangle conformance on fixtures ($last)" ||
            fail "demangle conformance on fixtures" "exit $rc" ;;
    *) fail "demangle conformance on fixtures" "$(printf '%s\n' "$out" | tail -n 8)" ;;
esac
case $last in *": 0 files,"*|*" 0 symbols,"*) fail "demangle conformance found names" "$last" ;; esac

# hand-written names, one MSVC construct each, against llvm-undname-16
res=$(python3 tests/conformance/undname_cmp.py "$OI" msvc tests/fixtures/abi/msvc_names.txt 10)
last=$(printf '%s\n' "$res" | tail -n 1)
set -- $last
[ "${1:-0}" -gt 50 ] && [ "${2:-1}" -eq 0 ] && pass "msvc constructs: $1 names as llvm-undname-16" ||
    fail "msvc constructs as llvm-undname-16" "$res"

# Fuzzing: seeds are the MSVC names of the fixture DLLs (from llvm-objdump)
# plus typical library names; no crash, no disagreement with llvm-undname
# on a name both accept or only we accept.
seeds=$TMP/seeds.txt
for f in "$FIX"/abi/msvcabi-*.dll; do
    llvm-objdump-16 -p "$f" | awk '/Ordinal +RVA +Name/ {on=1; next} on && NF==0 {on=0} on && $3 ~ /^\?/ {print $3}'
done > "$seeds"
grep -v '^#' tests/fixtures/abi/msvc_names.txt >> "$seeds"
cat >> "$seeds" <<'NAMES'
??0?$basic_ios@DU?$char_traits@D@std@@@std@@QEAA@PEAV?$basic_streambuf@DU?$char_traits@D@std@@@1@@Z
?do_get@?$time_get@DV?$istreambuf_iterator@DU?$char_traits@D@std@@@std@@@std@@MEBA?AV?$istreambuf_iterator@DU?$char_traits@D@std@@@2@V32@0AEAVios_base@2@AEAHPEAUtm@@DD@Z
??_7type_info@@6B@
?f@A@@WBA@EAAXXZ
?f@@YAXP8A@@EAAXXZ@Z
??$f@H$0A@$0?0@@YAXXZ
?f@@YAXAEAY02H@Z
??Bid@locale@std@@QEAA_KXZ
?_Init@?$codecvt@_UDU_Mbstatet@@@std@@IEAAXAEBV_Locinfo@2@@Z
NAMES
python3 tests/conformance/undname_fuzz.py "$OI" "$seeds" 4000 1 > "$TMP/fuzz.out" 2>&1
res=$(tail -n 1 "$TMP/fuzz.out")
set -- $res
[ "${1:-0}" -eq 4000 ] && [ "${3:-1}" -eq 0 ] && pass "msvc fuzz: 4000 inputs, no crash" ||
    fail "msvc fuzz: no crash" "$res"
[ "${2:-1}" -eq 0 ] && pass "msvc fuzz: 0 disagreements with llvm-undname-16 (${4:-?} inputs only it accepts)" ||
    fail "msvc fuzz: disagreements with llvm-undname-16" "$(head -n 9 "$TMP/fuzz.out")"
