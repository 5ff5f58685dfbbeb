#!/bin/sh
# PE facts the fixture sources promise (their comments and .def files) and
# the peers confirm: forwarders split into library and name or ordinal,
# NONAME and DATA exports, delay-load dependencies, hidden COFF symbols,
# forwarder loops, the diagnostics of each named mutation, COFF objects and
# import libraries (short and GNU long format).
. "$(dirname "$0")/../lib.sh"
need llvm-readobj-16 || exit 0
need llvm-nm-16 || exit 0
F=$FIX/pe
SRC=$(dirname "$0")/../fixtures/pe

# py JSONFILE CODE: run CODE with d = the first JSON document
py() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); $2" "$1"; }

# ---- forwarders: the .def source says what each one is
for a in x86_64 aarch64; do
    "$OI" --json "$F/msvcfix-$a.dll" > "$TMP/j" || { fail "msvcfix-$a" "exit $?"; continue; }
    sed -n 's/^ *\([A-Za-z_]*\) = \([a-z0-9_]*\)\.\([#A-Za-z0-9_]*\).*/\1 \2 \3/p' "$SRC/msvc.def" |
    while read -r name lib target; do
        case $target in
            \#*) want="$lib None ${target#\#}" ;;
            *) want="$lib $target None" ;;
        esac
        got=$(py "$TMP/j" "print(*[(e['fwd_library'], e['fwd_name'], e['fwd_ordinal']) for e in d['exports'] if e['name'] == '$name'][0])")
        expect_eq "msvcfix-$a $name forwarder split (msvc.def)" "$got" "$want"
    done
done
# the x86 quirk of lld-link: reported as written (llvm-readobj says the same)
"$OI" exports --json "$F/msvcfix-i686.dll" > "$TMP/j"
peer=$(llvm-readobj-16 --coff-exports "$F/msvcfix-i686.dll" | sed -n 's/^ *ForwardedTo: //p' | sort | tr '\n' ' ')
expect_eq "msvcfix-i686 forwarders as written" \
    "$(py "$TMP/j" "print(' '.join(sorted(e['forwarder'] for e in d['exports'] if e['forwarder'])))") " "$peer"

# ---- NONAME and DATA (msvc.def, msvc.cpp)
"$OI" exports --json "$F/msvcfix-x86_64.dll" > "$TMP/j"
expect_eq "msvcfix-x86_64 @7 is NONAME" "$(py "$TMP/j" "print([e['name'] for e in d['exports'] if e['ordinal'] == 7])")" "[None]"
expect_eq "msvcfix-x86_64 c_fn is @1" "$(py "$TMP/j" "print([e['ordinal'] for e in d['exports'] if e['name'] == 'c_fn'])")" "[1]"
expect_eq "msvcfix-x86_64 data_value is data (raw DATA bit)" \
    "$(py "$TMP/j" "print([(e['kind'], e['raw'][2]) for e in d['exports'] if e['name'] == 'data_value'])")" "[('data', 1)]"
expect_eq "msvcfix-x86_64 hidden_fn is not exported by name" \
    "$(py "$TMP/j" "print([e for e in d['exports'] if e['name'] == 'hidden_fn'])")" "[]"

# ---- imports and delay imports (user.c): the peer names the DLLs of each kind
for a in x86_64 i686 aarch64; do
    f=$F/peuser-$a.dll
    "$OI" --json "$f" > "$TMP/j"
    want=$(llvm-readobj-16 --coff-imports "$f" | awk '/^Import \{/ {k="needed"} /^DelayImport \{/ {k="delay"} /^  Name: / {print $2 ":" k}' | tr '\n' ' ')
    expect_eq "peuser-$a dependencies and their kinds" \
        "$(py "$TMP/j" "print(' '.join(x['name'] + ':' + x['kind'] for x in d['dependencies']))") " "$want"
    expect_eq "peuser-$a needed" "$(py "$TMP/j" "print(d['needed'])")" "['pedep.dll', 'pedelay.dll']"
done
"$OI" imports --json "$F/mutated/peuser-i686-delay-va.dll" > "$TMP/va"
"$OI" imports --json "$F/peuser-i686.dll" > "$TMP/rva"
expect_eq "delay imports in the old VA form equal the RVA form's" \
    "$(py "$TMP/va" "print(d['imports'])")" "$(py "$TMP/rva" "print(d['imports'])")"

# ---- the COFF symbol table of a mingw DLL (callconv.c): internal_helper is
# defined but not exported, so hidden; cdecl_fn is exported
"$OI" symbols --json "$F/callconv-x86_64.dll" > "$TMP/s"
expect_eq "callconv-x86_64 internal_helper is hidden" \
    "$(py "$TMP/s" "print({s['visibility'] for s in d['symbols'] if s['name'] == 'internal_helper'})")" "{'hidden'}"
expect_eq "callconv-x86_64 cdecl_fn is default" \
    "$(py "$TMP/s" "print({s['visibility'] for s in d['symbols'] if s['name'] == 'cdecl_fn'})")" "{'default'}"
base=$(llvm-readobj-16 --file-headers "$F/callconv-x86_64.dll" | sed -n 's/^ *ImageBase: //p')
va=$(llvm-nm-16 "$F/callconv-x86_64.dll" | awk '$3 == "internal_helper" {print $1}')
expect_eq "callconv-x86_64 internal_helper value is its RVA (llvm-nm VA - ImageBase)" \
    "$(py "$TMP/s" "print([s['value'] for s in d['symbols'] if s['name'] == 'internal_helper'][0])")" \
    "$(( 0x$va - base ))"

# ---- forwarder loops (loop.c)
"$OI" exports "$F/peloopa.dll" > "$TMP/a" 2>&1
if grep -q 'forwarder loop inside the DLL: self_loop -> peloopa.self_loop' "$TMP/a"; then
    pass "peloopa: self_loop is reported as a loop"
else
    fail "peloopa: self_loop loop" "$(tr '\n' '|' < "$TMP/a")"
fi
"$OI" exports "$F/peloopb.dll" > "$TMP/b" 2>&1
if grep -q 'warning' "$TMP/b"; then
    fail "peloopb" "a forwarder to another DLL is not a loop here: $(tr '\n' '|' < "$TMP/b")"
else
    pass "peloopb: pong -> peloopa.ping is a plain forwarder (the binder follows it)"
fi
"$OI" resolve --explain "$F/peloopa.dll" self_loop > "$TMP/e"
grep -q 'a loop' "$TMP/e" && pass "resolve --explain self_loop says it loops" ||
    fail "resolve --explain self_loop" "$(tr '\n' '|' < "$TMP/e")"
"$OI" resolve --json "$F/peloopa.dll" ping > "$TMP/j"
expect_eq "resolve ping is a forwarder to peloopb.pong" "$(jget "$TMP/j" export forwarder)" peloopb.pong

# ---- named mutations: each one's diagnostic (mutate.py says which)
mut() {  # MUTATED-FILE PATTERN WHAT
    "$OI" exports "$F/mutated/$1" > "$TMP/m" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q "$2" "$TMP/m"; then pass "$1: $3"
    else fail "$1: $3" "exit $rc: $(grep warning "$TMP/m" | tr '\n' '|')"; fi
}
mut msvcfix-x86_64-unaligned-raw.dll 'PointerToRawData 0x610 is not aligned; the loader reads from 0x600' \
    "unaligned PointerToRawData is read from the rounded-down offset"
mut msvcfix-i686-raw-past-eof.dll 'runs past the end of the file' "SizeOfRawData past the end of the file is clipped"
mut msvcfix-i686-overlap.dll 'overlap in the address space' "overlapping sections are reported"
mut callconv-x86_64-unsorted-names.dll 'name pointer table is not sorted' "the unsorted name table is reported"
"$OI" --json "$F/mutated/msvcfix-aarch64-name-in-headers.dll" > "$TMP/j"
expect_eq "name-in-headers: an RVA in the headers maps to the file (DLL name)" "$(jget "$TMP/j" soname)" hdrname.dll
"$OI" --json "$F/mutated/msvcfix-x86_64-add-certificate.dll" > "$TMP/j"
size=$(llvm-readobj-16 --file-headers "$F/mutated/msvcfix-x86_64-add-certificate.dll" | sed -n 's/^ *CertificateTableSize: //p')
expect_eq "add-certificate: Authenticode size" "$(jget "$TMP/j" properties authenticode_size)" "$(printf %d "$size")"
expect_eq "add-certificate: certificate type" "$(jget "$TMP/j" properties authenticode)" pkcs7

# ---- resources (res.rc): 4 leaves of 3 types; llvm-readobj counts the leaves
"$OI" --json "$F/peres-x86_64.dll" > "$TMP/j"
n=$(llvm-readobj-16 --coff-resources "$F/peres-x86_64.dll" | sed -n 's/^ *Total Number of Resources: //p')
expect_eq "peres resources (llvm-readobj)" "$(jget "$TMP/j" properties resources)" "$n"
types=$(llvm-readobj-16 --coff-resources "$F/peres-x86_64.dll" | grep -c '^  Type: ')
expect_eq "peres resource types (llvm-readobj)" "$(jget "$TMP/j" properties resource_types)" "$types"

# ---- subsystem and DLL characteristics names (llvm-readobj spells them IMAGE_*)
f=$F/msvcfix-x86_64.dll
"$OI" --json "$f" > "$TMP/j"
sub=$(llvm-readobj-16 --file-headers "$f" | sed -n 's/^ *Subsystem: IMAGE_SUBSYSTEM_\([A-Z_]*\).*/\1/p' | tr 'A-Z_' 'a-z-')
expect_eq "msvcfix-x86_64 subsystem" "$(jget "$TMP/j" properties subsystem)" "$sub"

# ---- a COFF object (msvc.cpp): relocatable, external symbols as exports
for a in x86_64 i686 aarch64; do
    o=$F/msvc-$a.obj
    "$OI" --json "$o" > "$TMP/j"
    expect_eq "msvc-$a.obj type" "$(jget "$TMP/j" type)" relocatable
    want=$(llvm-nm-16 --defined-only --extern-only "$o" | awk '{print $3}' | LC_ALL=C sort | tr '\n' ' ')
    got=$(py "$TMP/j" "print(' '.join(sorted((e['name'] for e in d['exports']), key=lambda s: s.encode())))")
    expect_eq "msvc-$a.obj exports = llvm-nm's defined externals" "$got " "$want"
done

# ---- import libraries: each import names what the DLL exports (llvm-readobj)
implib_check() {  # LIB DLL: "N BAD" over the imports that name a library
    llvm-readobj-16 --coff-exports "$2" | awk '/Ordinal:/ {print "o " $2} /^  Name: ./ {print "n " $2}' | sort -u > "$TMP/dll"
    "$OI" imports --json "$1" | python3 -c '
import json, sys
have = set(l.strip() for l in open(sys.argv[1]))
n = bad = 0
for line in sys.stdin:
    for im in json.loads(line)["imports"]:
        if im["library"] is None:
            continue   # an undefined symbol of a member, not an import from a DLL
        n += 1
        key = ("o %d" % im["ordinal"]) if im["ordinal"] is not None else "n " + im["name"]
        if key not in have:
            bad += 1
            print("not exported by the DLL:", key, file=sys.stderr)
print(n, bad)
' "$TMP/dll"
}
for a in x86_64 i686 aarch64; do
    r=$(implib_check "$F/msvcfix-$a.lib" "$F/msvcfix-$a.dll")
    nexp=$(llvm-readobj-16 --coff-exports "$F/msvcfix-$a.dll" | grep -c 'RVA: 0x[1-9A-F]\|ForwardedTo')
    expect_eq "msvcfix-$a.lib: one import per export, each an export of the DLL" "$r" "$nexp 0"
done
r=$(implib_check "$F/pedep-x86_64.lib" "$F/pedep-x86_64.dll")
expect_eq "pedep-x86_64.lib: 3 imports, all exports of pedep (dep.def)" "$r" "3 0"
"$OI" imports --json "$F/pedep-x86_64.lib" > "$TMP/j"
expect_eq "pedep-x86_64.lib: the NONAME export is imported by ordinal 5 (dep.def)" \
    "$(python3 -c 'import json,sys; print([i["ordinal"] for l in open(sys.argv[1]) for i in json.loads(l)["imports"] if i["library"] and i["name"] is None])' "$TMP/j")" "[5]"
# GNU long format (ld --out-implib): hint/name of .idata$6, the DLL name in the tail member
for a in x86_64 i686; do
    r=$(implib_check "$F/libcallconv-$a.dll.a" "$F/callconv-$a.dll")
    nexp=$(llvm-readobj-16 --coff-exports "$F/callconv-$a.dll" | grep -c 'RVA: 0x[1-9A-F]\|ForwardedTo')
    expect_eq "libcallconv-$a.dll.a: one import per export, each an export of the DLL" "$r" "$nexp 0"
done
"$OI" deps "$F/libcallconv-x86_64.dll.a" | grep -v ':$' | sort -u > "$TMP/deps"
name=$(llvm-objdump-16 -p "$F/callconv-x86_64.dll" | sed -n 's/^ DLL name: //p')
expect_eq "libcallconv-x86_64.dll.a names its DLL (llvm-objdump's DLL name)" "$(cat "$TMP/deps")" "$name"

# ---- load configuration (lc.c): CHPE metadata marks ARM64EC (x64 header) and
# ARM64X (ARM64 header) as hybrid; SafeSEH counts the .safeseh handlers on x86
for pair in x86_64:arm64ec aarch64:arm64x i686:None; do
    a=${pair%:*} m=${pair#*:}
    f=$F/pelc-$a.dll
    "$OI" --json "$f" > "$TMP/j"
    expect_eq "pelc-$a hybrid kind (lc.c)" "$(py "$TMP/j" "print(d['properties'].get('chpe'))")" "$m"
    lc=$(llvm-readobj-16 --coff-load-config "$f")
    chpe=$(echo "$lc" | sed -n 's/^ *CHPEMetadataPointer: //p')
    case $chpe in 0x0|'') want=None ;; *) want=$(printf '0x%x' "$chpe") ;; esac
    expect_eq "pelc-$a chpe_metadata (llvm-readobj)" "$(py "$TMP/j" "print(d['properties'].get('chpe_metadata'))")" "$want"
    cookie=$(echo "$lc" | sed -n 's/^ *SecurityCookie: //p')
    expect_eq "pelc-$a security_cookie (llvm-readobj)" "$(jget "$TMP/j" properties security_cookie)" "$(printf '0x%x' "$cookie")"
done
"$OI" --json "$F/pelc-i686.dll" > "$TMP/j"
n=$(llvm-readobj-16 --coff-load-config "$F/pelc-i686.dll" | sed -n 's/^ *SEHandlerCount: //p')
expect_eq "pelc-i686 seh_handlers (llvm-readobj; lc.c registers 2)" "$(jget "$TMP/j" properties seh_handlers)" "$n"
