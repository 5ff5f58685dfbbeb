#!/bin/sh
# objinspect bind on PE: forwarder chains, ordinals, loops, API sets, delay
# loads, missing DLLs and the --root search order, each checked against
# llvm-readobj-16's reading of the DLLs (exports, forwarders, RVAs). With the
# corpus (CORPUS_DIR, default /work/corpus): Wine's x86-64 DLLs bind within
# their own directory and kernel32's forwarders reach their final DLL.
# tests/conformance/bind.sh follows every import of every image the same way.
. "$(dirname "$0")/../lib.sh"
need llvm-readobj-16 || exit 0
P=$FIX/bind/pe
[ -f "$P/app/app-good.exe" ] || { fail "bind pe" "fixtures missing (make fixtures)"; exit 0; }
SCHEMA=tests/fixtures/bind/pe/apiset.txt

# field JSON NAME KEY...: a key of the binding of NAME (importer 0 first)
field() {
    python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); o=d['objects']
b=[b for b in d['bindings'] if b['name']==sys.argv[2]][0]
out=[]
for k in sys.argv[3:]:
    v=b[k]
    if k in ('final','provider'): v=o[v]['name'] if v is not None else None
    out.append(str(v))
print(' '.join(out))" "$@"
}
# rva DLL NAME|#ORD: the export's RVA as llvm-readobj lists it (decimal)
rva() {
    llvm-readobj-16 --coff-exports "$1" | python3 -c "
import re,sys
for b in sys.stdin.read().split('Export {')[1:]:
    n=re.search(r'Name: (.*)',b).group(1).strip(); o=re.search(r'Ordinal: (\d+)',b).group(1)
    r=re.search(r'RVA: (0x[0-9A-Fa-f]+)',b)
    if r and (n==sys.argv[1] or '#'+o==sys.argv[1]): print(int(r.group(1),16))" "$2"
}
fwd() { llvm-readobj-16 --coff-exports "$1" | grep -A2 "Name: $2\$" | sed -n 's/.*ForwardedTo: //p'; }

"$OI" bind --json --apiset-schema "$SCHEMA" "$P/app/app-good.exe" > "$TMP/g.json"
rc=$?
expect_eq "bind pe all of app-good binds (exit 0)" "$rc" 0
expect_eq "bind pe own export" "$(field "$TMP/g.json" mid_own state final chain address)" \
    "bound libmid.dll 0 $(rva "$P/app/libmid.dll" mid_own)"
expect_eq "bind pe forwarder by name ($(fwd "$P/app/libmid.dll" mid_fn))" \
    "$(field "$TMP/g.json" mid_fn final final_name chain address)" \
    "liblast.dll last_fn 1 $(rva "$P/app/liblast.dll" last_fn)"
expect_eq "bind pe forwarder by ordinal ($(fwd "$P/app/libmid.dll" mid_ord))" \
    "$(field "$TMP/g.json" mid_ord final final_ordinal chain address)" \
    "liblast.dll 7 1 $(rva "$P/app/liblast.dll" '#7')"
expect_eq "bind pe two-step chain ($(fwd "$P/app/libmid.dll" chain_fn), then $(fwd "$P/app/libmid2.dll" chain_fn2))" \
    "$(field "$TMP/g.json" chain_fn final final_name chain)" "liblast.dll last_fn 2"
expect_eq "bind pe API set mapped by the schema" "$(field "$TMP/g.json" api_fn state address)" \
    "bound $(rva "$P/app/apihost.dll" api_fn)"
expect_eq "bind pe delay-load import" "$(field "$TMP/g.json" delay_fn state delay how)" "bound True delay"
expect_eq "bind pe a missing delay-load DLL" "$(field "$TMP/g.json" gone_fn state delay)" "no-library True"
expect_eq "bind pe ... does not count" "$(jget "$TMP/g.json" summary missing) $(jget "$TMP/g.json" summary unresolved)" "0 0"

"$OI" bind --json "$P/app/app-good.exe" > "$TMP/n.json"
rc=$?
expect_eq "bind pe an API set without a schema" "$(field "$TMP/n.json" api_fn state)" no-library
python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
o=[o for o in d['objects'] if o['name'].startswith('api-ms-')][0]
sys.exit(0 if o['apiset'] and o['missing'] else 1)" "$TMP/n.json" && pass "bind pe ... is reported as an API set" ||
    fail "bind pe ... is reported as an API set" "not marked"
expect_eq "bind pe ... and counts (exit 1)" "$rc" 1

"$OI" bind --json "$P/app/app-bad.exe" > "$TMP/b.json"
rc=$?
expect_eq "bind pe a forwarder loop ($(fwd "$P/app/libloopx.dll" lx) / $(fwd "$P/app/libloopy.dll" ly))" \
    "$(field "$TMP/b.json" lx state)" loop
expect_eq "bind pe a missing DLL" "$(field "$TMP/b.json" nothere_fn state)" no-library
[ -e "$P/app/libnothere.dll" ] && fail "bind pe libnothere.dll" "exists" || pass "bind pe libnothere.dll really is absent"
expect_eq "bind pe app-bad exit 1" "$rc" 1

# the PE fixtures' own loop DLLs: a root DLL's forwarders are followed
"$OI" bind --json "$FIX/pe/peloopa.dll" > "$TMP/l.json"
expect_eq "bind pe loop inside one DLL (self_loop -> $(fwd "$FIX/pe/peloopa.dll" self_loop))" \
    "$(field "$TMP/l.json" self_loop state how)" "loop forwarder"
expect_eq "bind pe loop across two DLLs (ping -> $(fwd "$FIX/pe/peloopa.dll" ping))" "$(field "$TMP/l.json" ping state)" loop
expect_eq "bind pe loop reached by ordinal" "$(field "$TMP/l.json" by_ord_loop state)" loop

# --root: system32 for x64, SysWOW64 for x86, a wrong-machine DLL skipped
for a in 32:syswow64:SysWOW64 64:system32:system32; do
    bits=${a%%:*}; rest=${a#*:}; how=${rest%%:*}; dir=${rest#*:}
    "$OI" bind --json --root "$P/root" "$P/root-app/app$bits.exe" > "$TMP/r.json"
    got=$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); o=d['objects'][1]
print(o['found_by'], o['path'].split('/windows/')[-1] if o['path'] else None)" "$TMP/r.json")
    expect_eq "bind pe --root x$bits: liblast.dll from $dir" "$got" "$how $dir/liblast.dll"
    grep -q 'root-app/liblast.dll: skipped: another machine' "$TMP/r.json" &&
        pass "bind pe --root x$bits: the ARM64 liblast.dll is skipped" ||
        fail "bind pe --root x$bits: the ARM64 liblast.dll is skipped" "no note"
done

# ---- the corpus
C=${CORPUS_DIR:-/work/corpus}/pe/wine-x86_64
if [ -d "$C" ]; then
    "$OI" bind --json "$C/kernel32.dll" > "$TMP/k.json"
    python3 - "$TMP/k.json" "$C/kernel32.dll" > "$TMP/k.out" <<'EOF'
import json, re, subprocess, sys
d = json.load(open(sys.argv[1])); objs = d["objects"]
text = subprocess.run(["llvm-readobj-16", "--coff-exports", sys.argv[2]], capture_output=True,
                      text=True).stdout
want = {}
for b in text.split("Export {")[1:]:
    n = re.search(r"Name: (.*)", b).group(1).strip()
    f = re.search(r"ForwardedTo: (.*)", b)
    if f:
        want[n] = f.group(1).split(".")[0].lower() + ".dll"
got = {b["name"]: b for b in d["bindings"] if b["how"] == "forwarder"}
bad = [n for n in want if n not in got or got[n]["state"] != "bound" or
       objs[got[n]["final"]]["name"].lower() != want[n]]
print(len(want), len(bad), " ".join(bad[:5]))
EOF
    read -r nf nbad rest < "$TMP/k.out"
    if [ "$nf" -gt 50 ] && [ "$nbad" -eq 0 ]; then pass "bind pe kernel32's $nf forwarders reach their final DLL"
    else fail "bind pe kernel32's forwarders reach their final DLL" "$(cat "$TMP/k.out")"; fi
    for f in "$C"/*.dll "$C"/*.exe; do
        n=$(basename "$f")
        "$OI" bind --json "$f" > "$TMP/w.json"
        rc=$?
        res=$(python3 - "$TMP/w.json" "$C" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1])); objs = d["objects"]
names = {x.lower() for x in os.listdir(sys.argv[2])}
missing = sorted(o["name"].lower() for o in objs if o["missing"])
absent = sorted(o["name"].lower() for o in objs[1:] if o["name"].lower() not in names)
# every import of a DLL that is there binds; the rest name a missing DLL
wrong = [b["name"] for b in d["bindings"] if b["state"] not in ("bound", "no-library")
         or (b["state"] == "no-library" and not objs[b["provider"]]["missing"])]
print("ok" if missing == absent and not wrong else f"missing {missing} absent {absent} wrong {wrong[:5]}",
      "complete" if not missing else "incomplete")
EOF
)
        case $res in
        "ok complete") expect_eq "bind pe wine $n binds within its directory" "$rc" 0 ;;
        "ok incomplete") expect_eq "bind pe wine $n binds all but its absent DLLs" "$rc" 1 ;;
        *) fail "bind pe wine $n" "$res" ;;
        esac
    done
fi

# a schema that maps an API set to another API set is not followed (no loop)
printf 'api-ms-win-test-l1-1-0 = api-ms-win-test-l1-1-0.dll\n' > "$TMP/loop.txt"
timeout 20 "$OI" bind --json --apiset-schema "$TMP/loop.txt" "$P/app/app-good.exe" > "$TMP/al.json"
expect_eq "bind pe an API set mapped to itself ends" "$?" 1
grep -q 'maps to the API set' "$TMP/al.json" && pass "bind pe ... and is reported" || fail "bind pe ... and is reported" "no diagnostic"
