#!/bin/sh
# bind never loops or recurses without bound: the closure cap, the chain cap
# (test_bind_macho.sh), an ld.so.conf that includes itself and one nested too
# deep, and every fixture (the named mutations included) as a root: an exit
# status of 0, 1 or 2, never a crash, and one JSON document.
. "$(dirname "$0")/../lib.sh"
E=$FIX/bind/elf
[ -x "$E/prog-rpath" ] || { fail "bind limits" "fixtures missing (make fixtures)"; exit 0; }

"$OI" bind --json --max-objects 2 "$E/prog-rpath" > "$TMP/cap.json"
expect_eq "bind --max-objects caps the closure" "$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
print(len(d['objects']), any(x['where']=='bind/closure' for x in d['diagnostics']))" "$TMP/cap.json")" "2 True"

# ld.so.conf: an include of itself (read once) and a chain of 20 nested files
R=$TMP/root
mkdir -p "$R/etc/d" "$R/opt/deep"
cp "$E/deep/libdeep.so" "$R/opt/deep/"
printf 'include /etc/ld.so.conf\ninclude d/c0.conf\n' > "$R/etc/ld.so.conf"
i=0
while [ $i -lt 20 ]; do printf 'include c%d.conf\n' $((i + 1)) > "$R/etc/d/c$i.conf"; i=$((i + 1)); done
printf 'include c4.conf\n/opt/deep\n' > "$R/etc/d/c3.conf"
timeout 20 "$OI" bind --json --root "$R" "$E/prog-runpath" > "$TMP/loop.json"
rc=$?
expect_eq "bind ld.so.conf include loop and depth: it ends" "$rc" 1
expect_eq "bind ld.so.conf nested includes still found /opt/deep" "$(python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
print([o['found_by'] for o in d['objects'] if o['name']=='libdeep.so'][0])" "$TMP/loop.json")" ld.so.conf
grep -q 'nested deeper than 16' "$TMP/loop.json" && pass "bind ld.so.conf depth cap is reported" ||
    fail "bind ld.so.conf depth cap is reported" "no diagnostic"

# every fixture as a root
n=0 bad=0
for f in $(find "$FIX" -type f | sort); do
    n=$((n + 1))
    timeout 30 "$OI" bind --json -L "$(dirname "$f")" "$f" > "$TMP/o.json" 2> "$TMP/e.txt" < /dev/null
    rc=$?
    if [ $rc -gt 2 ]; then
        bad=$((bad + 1)); echo "exit $rc: $f"
    elif [ $rc -le 1 ] && ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/o.json" 2>/dev/null; then
        bad=$((bad + 1)); echo "not JSON: $f"
    fi
done
expect_eq "bind on all $n fixture files: no crash, one document each" "$bad" 0
