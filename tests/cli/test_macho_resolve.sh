#!/bin/sh
# objinspect resolve on Mach-O: down the trie (path "trie"), or through the
# nlist symbols when there is no trie (path "nlist"). The answers are
# checked against llvm-objdump-16's trie listing and llvm-nm-16; the
# conformance script looks up every export of every file the same way.
. "$(dirname "$0")/../lib.sh"
need llvm-objdump-16 || exit 0
H=$FIX/macho/libhandtrie.dylib
[ -f "$H" ] || { fail "macho resolve" "fixtures missing (make fixtures)"; exit 0; }
trie_line() { llvm-objdump-16 --macho --exports-trie "$1" | grep " $2\( \|\$\)"; }

# a re-export with a new name: the trie listing names the target and library
"$OI" resolve --json "$H" _h_renamed > "$TMP/j"
expect_eq "macho resolve re-export path" "$(jget "$TMP/j" path)" trie
expect_eq "macho resolve re-export target" "$(jget "$TMP/j" export target)" reexport
line=$(trie_line "$H" _h_renamed)
expect_eq "macho resolve re-export name" "$(jget "$TMP/j" export fwd_name)" \
    "$(echo "$line" | sed 's/.*(\(.*\) from .*/\1/')"
lib=$(llvm-objdump-16 --macho --dylibs-used "$H" | grep reexport | sed 's/^\t*//; s/ (compat.*//')
expect_eq "macho resolve re-export library" "$(jget "$TMP/j" export fwd_library)" "$lib"

# a stub-and-resolver: the stub address and target "resolver"
"$OI" resolve --json "$H" _h_resolver > "$TMP/j"
line=$(trie_line "$H" _h_resolver)
expect_eq "macho resolve resolver target" "$(jget "$TMP/j" export target)" resolver
expect_eq "macho resolve resolver stub" "$(jget "$TMP/j" address)" "$(printf %d "$(echo "$line" | cut -d' ' -f1)")"
expect_eq "macho resolve resolver function" "$(jget "$TMP/j" export raw 1)" \
    "$(printf %d "$(echo "$line" | sed 's/.*resolver=\(0x[0-9A-F]*\).*/\1/')")"

# --explain: one line per node, the edges taken, the terminal flags
"$OI" resolve --explain "$H" _h_tlv > "$TMP/e"
expect_eq "macho resolve --explain exit code" "$?" 0
grep -q 'edge [0-9]* "_h_" matches -> node 0x' "$TMP/e" && pass "macho explain shows the edges" ||
    fail "macho explain shows the edges" "$(cat "$TMP/e")"
grep -q 'terminal, [0-9]* bytes, flags 0x1 (thread-local)' "$TMP/e" && pass "macho explain shows the terminal" ||
    fail "macho explain shows the terminal" "$(cat "$TMP/e")"
grep -q "found _h_tlv at 0x$(trie_line "$H" _h_tlv | cut -d' ' -f1 | sed 's/0x0*//' | tr A-F a-f) .*tls.*(path: trie)" "$TMP/e" &&
    pass "macho explain result" || fail "macho explain result" "$(tail -n 1 "$TMP/e")"

# a miss: exit 1, and the step where the descent failed
"$OI" resolve --explain "$H" _h_nothere > "$TMP/e"
expect_eq "macho resolve miss exit code" "$?" 1
grep -q 'no edge matches "nothere"' "$TMP/e" && pass "macho explain shows the failing node" ||
    fail "macho explain shows the failing node" "$(cat "$TMP/e")"
grep -q 'dyld would go on in the re-exported library @rpath/libinner.dylib' "$TMP/e" &&
    pass "macho explain names the re-exported libraries" ||
    fail "macho explain names the re-exported libraries" "$(cat "$TMP/e")"
# a prefix of an export is no export
"$OI" resolve "$H" _h_re > /dev/null
expect_eq "macho resolve prefix exit code" "$?" 1

# no trie (an object file): the nlist path, the address llvm-nm gives
O=$FIX/macho/objects/machosyms-x86_64.o
"$OI" resolve --json "$O" _m_uses > "$TMP/j"
expect_eq "macho resolve object path" "$(jget "$TMP/j" path)" nlist
expect_eq "macho resolve object address" "$(jget "$TMP/j" address)" \
    "$(printf %d "0x$(llvm-nm-16 "$O" | awk '$3 == "_m_uses" {print $1}')")"
"$OI" resolve "$O" _m_private_extern > /dev/null
expect_eq "macho resolve private extern is not exported" "$?" 1

# a fat file needs --arch; each slice answers from its own trie
F=$FIX/macho/libmachosyms-fat.dylib
for a in $(/usr/lib/llvm-14/bin/llvm-lipo -archs "$F"); do
    "$OI" resolve --json --arch "$a" "$F" _m_default_fn > "$TMP/j"
    want=$(llvm-objdump-16 --macho --exports-trie --arch="$a" "$F" | awk '$2 == "_m_default_fn" {print $1}')
    expect_eq "macho resolve fat $a" "$(jget "$TMP/j" address)" "$(printf %d "$want")"
done
"$OI" resolve "$F" _m_default_fn > /dev/null 2>&1
expect_eq "macho resolve fat without --arch" "$?" 2

# many names in one process, from stdin
printf '_h_tlv\n_h_nothere\n_h_abs\n' | "$OI" resolve --json "$H" - > "$TMP/many"
expect_eq "macho resolve - answers" "$(grep -c '"found"' "$TMP/many")" 3
expect_eq "macho resolve - misses" "$(grep -c '"found":false' "$TMP/many")" 1

# Chained imports in DYLD_CHAINED_IMPORT_ADDEND64 (format 3): llvm-objdump-16
# misreads that format's names and weak bits, so the same imports written in
# format 2 (which the conformance script checks against llvm) are the oracle.
i2=$("$OI" imports --json "$FIX/macho/libhandchained2.dylib" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imports"])')
i3=$("$OI" imports --json "$FIX/macho/libhandchained3.dylib" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imports"])')
expect_eq "macho chained import formats 2 and 3 agree" "$i3" "$i2"
n=$(llvm-objdump-16 --macho --chained-fixups "$FIX/macho/libhandchained2.dylib" | grep -c '^dyld chained import')
expect_eq "macho chained format 2 import count" "$("$OI" imports "$FIX/macho/libhandchained2.dylib" | grep -c ' from ')" "$n"
