#!/bin/sh
# objinspect bind on Mach-O: @rpath through the LC_RPATHs of an image and of
# its loaders, @loader_path, @executable_path, the slice of a fat dylib,
# re-exports (LC_REEXPORT_DYLIB and trie re-exports) and a re-export loop;
# answers checked against llvm-objdump-16 (tries, binds, load commands) and
# the fixtures' layout. With the corpus, the npm sharp chain (the bundle
# binds every import of libvips-cpp through its real LC_RPATH, in an npm
# layout of links). tests/conformance/bind.sh checks every binding.
. "$(dirname "$0")/../lib.sh"
need llvm-objdump-16 || exit 0
M=$FIX/bind/macho
[ -x "$M/arm64/bin/app" ] && [ -f "$M/hand/libuser.dylib" ] || { fail "bind macho" "fixtures missing (make fixtures)"; exit 0; }

obj() {  # JSON NAME -> "found_by path-tail"
    python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
o=[o for o in d['objects'] if o['name']==sys.argv[2]][0]
print(o['found_by'] or 'missing', (o['path'] or '').split('/bind/macho/')[-1])" "$@"
}
bind_of() {  # JSON IMPORTER-INDEX NAME KEY...
    python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); o=d['objects']
b=[b for b in d['bindings'] if b['importer']==int(sys.argv[2]) and b['name']==sys.argv[3]][0]
print(' '.join(str(o[b[k]]['name'] if k in ('final','provider') and b[k] is not None else b[k]) for k in sys.argv[4:]))" "$@"
}
trie_addr() {  # DYLIB ARCH NAME -> decimal address from llvm-objdump-16's trie
    v=$(llvm-objdump-16 --macho --arch="$2" --exports-trie "$1" | awk -v n="$3" '$2==n{print $1}')
    [ -n "$v" ] && printf '%d\n' "$v"
}

for a in arm64 x86_64; do
    "$OI" bind --json "$M/$a/bin/app" > "$TMP/a.json"
    rc=$?
    expect_eq "bind macho $a: @rpath from the program's LC_RPATH" "$(obj "$TMP/a.json" @rpath/libouter.dylib)" "@rpath $a/bin/../lib/libouter.dylib"
    expect_eq "bind macho $a: @executable_path" "$(obj "$TMP/a.json" @executable_path/../lib/libexe.dylib)" "@executable_path $a/bin/../lib/libexe.dylib"
    expect_eq "bind macho $a: @loader_path (libouter's directory)" "$(obj "$TMP/a.json" @loader_path/libldr.dylib)" "@loader_path $a/bin/../lib/libldr.dylib"
    expect_eq "bind macho $a: @rpath from a loader's LC_RPATH" "$(obj "$TMP/a.json" @rpath/libsib.dylib)" "@rpath $a/bin/../lib/extra/libsib.dylib"
    want=$(llvm-objdump-16 --macho --dylibs-used "$M/$a/lib/libouter.dylib" | grep -c "libmiddle.dylib.*reexport")
    expect_eq "bind macho $a: libouter re-exports libmiddle ($want LC_REEXPORT_DYLIB)" \
        "$(bind_of "$TMP/a.json" 0 _middle_fn state final chain)" "bound @loader_path/libmiddle.dylib 1"
    expect_eq "bind macho $a: re-export of a re-export, in the $a slice of a fat dylib" \
        "$(bind_of "$TMP/a.json" 0 _inner_fn state final chain address)" \
        "bound @loader_path/inner/libinner.dylib 2 $(trie_addr "$M/$a/lib/inner/libinner.dylib" "$a" _inner_fn)"
    expect_eq "bind macho $a: data through re-exports" "$(bind_of "$TMP/a.json" 0 _inner_data address)" \
        "$(trie_addr "$M/$a/lib/inner/libinner.dylib" "$a" _inner_data)"
    expect_eq "bind macho $a: a weak import may stay unbound" "$(bind_of "$TMP/a.json" 0 _absent_fn state how)" "weak-unbound flat"
    expect_eq "bind macho $a: libouter's own import" "$(bind_of "$TMP/a.json" 1 _sib_fn state final address)" \
        "bound @rpath/libsib.dylib $(trie_addr "$M/$a/lib/extra/libsib.dylib" "$a" _sib_fn)"
    expect_eq "bind macho $a: libSystem is missing here" "$(obj "$TMP/a.json" /usr/lib/libSystem.B.dylib)" "missing "
    expect_eq "bind macho $a: so the exit status is 1" "$rc" 1
done

# hand-built trie re-exports: a two-step chain and a loop
H=$M/hand
"$OI" bind --json "$H/libuser.dylib" > "$TMP/h.json"
re1=$(llvm-objdump-16 --macho --exports-trie "$H/librc1.dylib" | grep '\[re-export\] _c1')
re2=$(llvm-objdump-16 --macho --exports-trie "$H/librc2.dylib" | grep '\[re-export\] _c2')
expect_eq "bind macho trie re-export chain ($re1; $re2)" "$(bind_of "$TMP/h.json" 0 _c1 state final final_name chain address)" \
    "bound @loader_path/librc3.dylib _c3 2 $(trie_addr "$H/librc3.dylib" x86_64 _c3)"
expect_eq "bind macho trie re-export loop" "$(bind_of "$TMP/h.json" 0 _ping state)" loop
expect_eq "bind macho this-image" "$(bind_of "$TMP/h.json" 0 _self_fn state final address)" \
    "bound $H/libuser.dylib $(trie_addr "$H/libuser.dylib" x86_64 _self_fn)"
"$OI" bind --max-chain 1 --json "$H/libuser.dylib" > "$TMP/h1.json"
expect_eq "bind macho --max-chain caps a chain" "$(bind_of "$TMP/h1.json" 0 _c1 state)" too-deep

# ---- the corpus: sharp's bundle -> libvips-cpp, in the npm layout its LC_RPATH expects
C=${CORPUS_DIR:-/work/corpus}/macho
for a in arm64 x64; do
    B=$(ls "$C/sharp-darwin-$a"/*.node 2>/dev/null | head -1)
    V=$C/sharp-libvips-darwin-$a/libvips-cpp.8.18.7.dylib
    [ -f "$B" ] && [ -f "$V" ] || continue
    rp=$("$OI" --json "$B" | python3 -c 'import json,sys; print(json.load(sys.stdin)["properties"]["rpath"])')
    rel=${rp#@loader_path/}
    T=$TMP/npm-$a/a/b/c/d/e
    mkdir -p "$T" "$T/$rel"
    ln -s "$B" "$T/sharp.node"
    ln -s "$V" "$T/$rel/libvips-cpp.8.18.7.dylib"
    "$OI" bind --json "$T/sharp.node" > "$TMP/s.json"
    expect_eq "bind macho sharp $a: libvips-cpp through the bundle's LC_RPATH" \
        "$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); print(d['objects'][1]['found_by'])" "$TMP/s.json")" "@rpath"
    want=$(llvm-objdump-16 --macho --bind --lazy-bind "$B" | awk '$0 ~ /libvips-cpp/ {n++} END {print n+0}')
    got=$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
b=[b for b in d['bindings'] if b['importer']==0 and 'libvips-cpp' in (b['library'] or '')]
print(sum(x['state']=='bound' for x in b), len(b))" "$TMP/s.json")
    nb=${got% *}; ni=${got#* }
    if [ "$nb" = "$ni" ] && [ "$ni" -gt 100 ] && [ "$want" -ge "$ni" ]; then
        pass "bind macho sharp $a: all $ni imports from libvips-cpp bind ($want bind entries)"
    else
        fail "bind macho sharp $a: imports from libvips-cpp" "$nb of $ni bound, peer lists $want"
    fi
done
