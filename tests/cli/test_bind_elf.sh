#!/bin/sh
# objinspect bind on ELF: the closure against ldd (glibc's own search), the
# bindings the fixtures were built for against LD_DEBUG=bindings and what the
# programs do when run, the search options, the exit status, and ld.so.conf
# under --root against ldconfig -r. The whole binding set is compared with
# LD_DEBUG in tests/conformance/bind.sh (test_conformance_bind.sh).
. "$(dirname "$0")/../lib.sh"
E=$(cd "$FIX/bind/elf" 2>/dev/null && pwd)
[ -n "$E" ] && [ -x "$E/prog-rpath" ] || { fail "bind elf" "fixtures missing (make fixtures)"; exit 0; }
[ "$(uname -m)" = x86_64 ] || { fail "bind elf" "needs a native x86-64 glibc"; exit 0; }

# The closure as "name => realpath" (or "name => not found"), from ldd and
# from objinspect, sorted: ldd lists the objects ld.so would load.
ldd_closure() {
    LD_LIBRARY_PATH=${2:-} ldd "$1" 2>/dev/null | sed -n 's/^\t\([^ ]*\) => \(.*\) (0x.*/\1 \2/p; s/^\t\([^ ]*\) => not found/\1 -/p' |
        while read -r n p; do [ "$p" = - ] && echo "$n => not found" || echo "$n => $(realpath "$p")"; done | sort
}
oi_closure() {
    python3 - "$1" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1]))
for o in d["objects"][1:]:
    if o["found_by"] == "interp":
        continue   # ldd lists the interpreter apart, by its PT_INTERP path
    print(o["name"] + " => " + ("not found" if o["missing"] else os.path.realpath(o["path"])))
EOF
}
check_closure() {  # NAME FILE [LD_LIBRARY_PATH]
    "$OI" bind --json ${3:+--library-path "$3"} "$2" > "$TMP/c.json"
    oi_closure "$TMP/c.json" | sort > "$TMP/c.oi"
    ldd_closure "$2" "${3:-}" > "$TMP/c.ldd"
    if [ -s "$TMP/c.ldd" ] && cmp -s "$TMP/c.oi" "$TMP/c.ldd"; then pass "$1"
    else fail "$1" "$(diff "$TMP/c.ldd" "$TMP/c.oi" | tr '\n' ' ')"; fi
}
for p in prog-rpath prog-runpath prog-tokens prog-old prog-v3; do
    check_closure "bind elf closure = ldd: $p" "$E/$p"
done
for p in /usr/bin/ls /usr/bin/python3 /usr/bin/gdb /usr/bin/ssh /usr/bin/curl; do
    [ -x "$p" ] && check_closure "bind elf closure = ldd: $p" "$p"
done
check_closure "bind elf closure = ldd: LD_LIBRARY_PATH" "$E/prog-runpath" "$E/deep"

# how each library was found
"$OI" bind --json "$E/prog-rpath" > "$TMP/r.json"
how() { python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
print(' '.join(o['found_by'] or 'missing' for o in d['objects'] if o['name']==sys.argv[2]))" "$@"; }
expect_eq "bind elf RPATH finds librpath.so" "$(how "$TMP/r.json" librpath.so)" rpath
expect_eq "bind elf the program's RPATH is inherited (libdeep.so)" "$(how "$TMP/r.json" libdeep.so)" rpath
grep -q 'rpath32/librpath.so: skipped: 32-bit' "$TMP/r.json" && pass "bind elf skips a 32-bit candidate" ||
    fail "bind elf skips a 32-bit candidate" "no note"
# glibc tried the same 32-bit file first, and went on
LD_DEBUG=libs "$E/prog-rpath" 2>&1 | grep -q "trying file=$E/rpath32/librpath.so" &&
    pass "bind elf ld.so tries the 32-bit candidate too" || fail "bind elf ld.so tries the 32-bit candidate too" "not in LD_DEBUG=libs"
"$OI" bind --json "$E/prog-runpath" > "$TMP/n.json"
expect_eq "bind elf RUNPATH is not inherited (libdeep.so missing)" "$(how "$TMP/n.json" libdeep.so)" missing
"$OI" bind --json "$E/prog-tokens" > "$TMP/t.json"
expect_eq "bind elf \$PLATFORM" "$(how "$TMP/t.json" libplat.so)" runpath
expect_eq "bind elf \$LIB" "$(how "$TMP/t.json" liblibdir.so)" runpath
"$OI" bind --json -L "$E/deep" "$E/prog-runpath" > "$TMP/l.json"
expect_eq "bind elf -L" "$(how "$TMP/l.json" libdeep.so)" -L
"$OI" bind --json --library-path "$E/deep" "$E/prog-runpath" > "$TMP/l.json"
expect_eq "bind elf --library-path" "$(how "$TMP/l.json" libdeep.so)" ld_library_path

# bindings: each compared with the line glibc prints for it
binding() {  # JSON IMPORTER-BASENAME NAME -> "provider-basename version state"
    python3 -c "
import json,os,sys; d=json.load(open(sys.argv[1])); o=d['objects']
for b in d['bindings']:
    if os.path.basename(o[b['importer']]['path'] or '')==sys.argv[2] and b['name']==sys.argv[3]:
        print(os.path.basename(o[b['provider']]['path']) if b['provider'] is not None else '-',
              b['provider_version'] or '-', b['state'], b['address'] if b['address'] is not None else '-')
        break" "$@"
}
ld_binding() {  # PROGRAM IMPORTER-BASENAME NAME -> provider basename, from LD_DEBUG
    LD_DEBUG=bindings LD_BIND_NOW=1 "$1" 2>&1 | grep "binding file [^ ]*/$2 \[0\] to .*symbol \`$3'" |
        sed 's/.* to \([^ ]*\) \[0\].*/\1/' | head -1 | xargs -r basename
}
got=$(binding "$TMP/r.json" libbase.so.1 interposable | cut -d' ' -f1)
expect_eq "bind elf interposition: libbase's interposable binds the program" "$got" "$(ld_binding "$E/prog-rpath" libbase.so.1 interposable)"
expect_eq "bind elf interposition: it is the program" "$got" prog-rpath
expect_eq "bind elf weak undefined stays unbound" "$(binding "$TMP/r.json" prog-rpath missing_weak | cut -d' ' -f3)" weak-unbound
expect_eq "bind elf ld.so binds no missing_weak" "$(LD_DEBUG=bindings LD_BIND_NOW=1 "$E/prog-rpath" 2>&1 | grep -c "missing_weak")" 0
got=$(binding "$TMP/r.json" prog-rpath base_data | cut -d' ' -f1)
expect_eq "bind elf copy relocation binds libbase" "$got" "$(ld_binding "$E/prog-rpath" prog-rpath base_data)"
got=$(binding "$TMP/r.json" libbase.so.1 base_data | cut -d' ' -f1)
expect_eq "bind elf the copy wins libbase's own reference" "$got" "$(ld_binding "$E/prog-rpath" libbase.so.1 base_data)"
got=$(binding "$TMP/r.json" libbase.so.1 base_protected | cut -d' ' -f1)
expect_eq "bind elf a protected reference stays in libbase" "$got" libbase.so.1

# versions: prog-old is unversioned and gets the oldest base_fn; running it
# says which one ld.so chose (base_fn@BASE_1.0 returns 1, @@BASE_2.0 returns 2;
# interposable returns 10: exit status 11 means BASE_1.0)
"$OI" bind --json "$E/prog-old" > "$TMP/o.json"
ver=$(binding "$TMP/o.json" prog-old base_fn | cut -d' ' -f2)
"$E/prog-old"; rc=$?
expect_eq "bind elf unversioned reference binds the oldest version" "$ver" "$([ $rc -eq 11 ] && echo BASE_1.0 || echo "exit $rc")"
addr=$(binding "$TMP/o.json" prog-old base_fn | cut -d' ' -f4)
want=$(readelf -W --dyn-syms "$E/lib/libbase.so.1" | awk '$8=="base_fn@BASE_1.0"{print $2}')
expect_eq "bind elf the address is base_fn@BASE_1.0's (readelf)" "$(printf %x "$addr")" "$(echo "$want" | sed 's/^0*//')"
ver=$(binding "$TMP/r.json" prog-rpath base_fn | cut -d' ' -f2)
expect_eq "bind elf versioned reference binds its version" "$ver" BASE_2.0
got=$(binding "$TMP/o.json" libbase.so.1 base_fn | cut -d' ' -f1)
expect_eq "bind elf a data reference binds a canonical PLT entry" "$got" "$(ld_binding "$E/prog-old" libbase.so.1 base_fn)"

# exit status: 0 when all binds, 1 when a library or a strong symbol is missing
"$OI" bind "$E/prog-rpath" > /dev/null; expect_eq "bind elf exit 0" "$?" 0
"$OI" bind "$E/prog-runpath" > /dev/null; expect_eq "bind elf exit 1 (missing library)" "$?" 1
"$OI" bind "$E/prog-v3" > "$TMP/v3.txt"; expect_eq "bind elf exit 1 (unresolved)" "$?" 1
want=$(LD_TRACE_LOADED_OBJECTS=1 LD_BIND_NOW=1 LD_WARN=1 /lib64/ld-linux-x86-64.so.2 "$E/prog-v3" 2>&1 |
       sed -n 's/^undefined symbol: \([^,]*\),.*/\1/p' | sort | tr '\n' ' ')
got=$("$OI" bind --json "$E/prog-v3" | python3 -c "
import json,sys; print(' '.join(sorted(u['name'] for u in json.load(sys.stdin)['unresolved'])))")
expect_eq "bind elf unresolved = ldd -r" "$got " "$want"
"$OI" bind --unresolved "$E/prog-v3" | grep -q 'gone_fn@BASE_3.0 .*unresolved' && pass "bind elf --unresolved lists it" ||
    fail "bind elf --unresolved lists it" "$("$OI" bind --unresolved "$E/prog-v3" | tail -3)"
"$OI" bind --json "$E/prog-rpath" | python3 -c 'import json,sys; json.load(sys.stdin)' &&
    pass "bind elf --json is one document" || fail "bind elf --json is one document" "not JSON"

# --root: ld.so.conf with an include, read under the root, against ldconfig -r
R=$TMP/root
mkdir -p "$R/etc/ld.so.conf.d" "$R/opt/deep" "$R/lib/x86_64-linux-gnu"
printf 'include /etc/ld.so.conf.d/*.conf\n# a comment\n' > "$R/etc/ld.so.conf"
printf '/opt/deep  # where libdeep lives\n' > "$R/etc/ld.so.conf.d/deep.conf"
cp "$E/deep/libdeep.so" "$R/opt/deep/"
cp "$(realpath /lib/x86_64-linux-gnu/libc.so.6)" "$R/lib/x86_64-linux-gnu/libc.so.6"
"$OI" bind --json --root "$R" "$E/prog-runpath" > "$TMP/root.json"
got=$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
print(' '.join(o['found_by']+':'+o['path'][len(sys.argv[2]):] for o in d['objects'] if o['name'] in ('libdeep.so','libc.so.6')))" "$TMP/root.json" "$R")
if command -v ldconfig >/dev/null 2>&1 && ldconfig -r "$R" -C /etc/ld.so.cache 2>/dev/null; then
    cache=$(ldconfig -r "$R" -p 2>/dev/null | sed -n 's/^\tlibdeep.so (.*) => //p')
    expect_eq "bind elf --root: ld.so.conf include = ldconfig -r" "$(echo "$got" | sed -n 's/.*ld.so.conf:\([^ ]*libdeep.so\).*/\1/p')" "$cache"
else
    fail "bind elf --root: ld.so.conf include = ldconfig -r" "ldconfig -r failed"
fi
expect_eq "bind elf --root: the default directories under the root" "$(echo "$got" | tr ' ' '\n' | grep libc)" "default:/lib/x86_64-linux-gnu/libc.so.6"

# a version the library does not define: ld.so's version check, as ldd says it
want=$(ldd "$E/prog-v3" 2>&1 | sed -n "s/.*version \`\(.*\)' not found.*/\1/p" | head -1)
got=$("$OI" bind --json "$E/prog-v3" | python3 -c "
import json,sys; d=json.load(sys.stdin)
print(d['summary']['missing_versions'], [x['message'] for x in d['diagnostics'] if x['where']=='bind/version'][0].split('\`')[1].split(\"'\")[0])")
expect_eq "bind elf a missing version = ldd" "$got" "1 $want"
