#!/bin/sh
# Named mutations of good Mach-O fixtures (tests/fixtures/macho/mkmacho.py
# mutate KIND says what each one breaks). A hostile file gets a clear
# diagnostic naming the broken structure and exit code 2, never a crash or a
# hang, in permissive and strict mode; what is intact is still reported.
. "$(dirname "$0")/../lib.sh"
MK="python3 tests/fixtures/macho/mkmacho.py"
H=$FIX/macho/libhandtrie.dylib
FAT=$FIX/macho/libmachosyms-fat.dylib
[ -f "$H" ] && [ -f "$FAT" ] || { fail "macho malformed" "fixtures missing (make fixtures)"; exit 0; }

# mutate KIND SOURCE EXPECTED-STDERR-PATTERN
check() {
    kind=$1 src=$2 pat=$3
    $MK mutate "$kind" "$src" "$TMP/$kind" || { fail "mutate $kind" "mkmacho failed"; return; }
    for mode in "" --strict; do
        timeout 20 "$OI" --all $mode "$TMP/$kind" > "$TMP/out" 2> "$TMP/err"
        rc=$?
        expect_eq "macho $kind $mode exit code" "$rc" 2
        if grep -q "$pat" "$TMP/err"; then pass "macho $kind $mode diagnostic"
        else fail "macho $kind $mode diagnostic" "stderr '$(head -c 300 "$TMP/err")' lacks '$pat'"; fi
    done
    # lookups and every table terminate too
    for cmd in exports imports symbols sections deps; do
        timeout 20 "$OI" $cmd "$TMP/$kind" > /dev/null 2>&1
        rc=$?
        [ $rc -le 3 ] && pass "macho $kind $cmd ends" || fail "macho $kind $cmd ends" "exit $rc"
    done
    case "$kind" in fat-*) return ;; esac
    timeout 20 "$OI" resolve --explain "$TMP/$kind" _h_tlv > /dev/null 2>&1
    rc=$?
    [ $rc -le 3 ] && pass "macho $kind resolve ends" || fail "macho $kind resolve ends" "exit $rc"
}
check trie-cycle "$H" 'macho/trie: node 0x0 reached twice (a cycle)'
check trie-range "$H" 'macho/trie: child offset 0x[0-9a-f]* out of range'
check trie-uleb "$H" 'macho/trie: node 0x0: bad child offset'
check trie-terminal "$H" 'macho/trie: node 0x[0-9a-f]*: terminal size 0x7f runs past the trie'
check ncmds-huge "$H" 'macho/header: ncmds 65536 cannot fit in sizeofcmds'
check cmdsize-unaligned "$H" 'macho/loadcmd: load command 1 (0x19): cmdsize 0x[0-9a-f]* is not a multiple of 8'
check cmdsize-past "$H" 'macho/loadcmd: load command 12 .* runs past sizeofcmds'
check symtab-past "$H" 'macho/symtab: symbol table .* runs past the end of the file'
check truncate "$H" 'runs past the end of the file'
check fat-overlap "$FAT" 'macho/fat: slice 1 .* overlaps another slice'
check fat-range "$FAT" 'macho/fat: slice 1 .* runs past the end of the file'
check fat-in-fat "$FAT" 'macho/fat: slice 0 is itself a fat file'

# The peer agrees that the trie mutations are broken.
for kind in trie-cycle trie-range trie-uleb trie-terminal; do
    out=$(llvm-objdump-16 --macho --exports-trie "$TMP/$kind" 2>&1)
    case "$out" in *rror*|*alformed*) pass "llvm-objdump rejects $kind" ;;
        *) fail "llvm-objdump rejects $kind" "it printed: $out" ;; esac
done

# Permissive mode keeps what is intact: the fat file's good slice, the
# symbols of a file whose trie is damaged.
"$OI" --json "$TMP/fat-overlap" > "$TMP/j" 2>/dev/null
expect_eq "macho fat-overlap keeps slice 0" "$(jget "$TMP/j" slices 0 file)" "$TMP/fat-overlap[$(/usr/lib/llvm-14/bin/llvm-lipo -archs "$FAT" | cut -d' ' -f1)]"
n=$("$OI" symbols "$TMP/trie-cycle" 2>/dev/null | grep -c ' _h_')
expect_eq "macho trie-cycle keeps the symbols" "$n" "$(llvm-nm-16 "$H" | grep -c ' _h_')"

# The trie and the nlist symbols disagree: a warning each way, exit 0.
$MK mutate nlist-rename "$H" "$TMP/nlist-rename"
"$OI" --json "$TMP/nlist-rename" > "$TMP/j"
expect_eq "macho nlist-rename exit code" "$?" 0
python3 - "$TMP/j" <<'PY' > "$TMP/w"
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["diagnostics"]:
    print(x["severity"], x["where"], x["message"])
PY
grep -q 'warning macho/exports 1 trie exports have no external nlist symbol (first: _h_data)' "$TMP/w" &&
    pass "macho nlist-rename: trie-only export reported" ||
    fail "macho nlist-rename: trie-only export reported" "$(cat "$TMP/w")"
grep -q 'warning macho/exports 1 external nlist symbols are not in the exports trie (first: _h_dat2)' "$TMP/w" &&
    pass "macho nlist-rename: nlist-only symbol reported" ||
    fail "macho nlist-rename: nlist-only symbol reported" "$(cat "$TMP/w")"
# ... and the good file has no such warning
"$OI" --json "$H" > "$TMP/j"
expect_eq "macho handtrie has no diagnostics" "$(jget "$TMP/j" diagnostics)" "[]"
