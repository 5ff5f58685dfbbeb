#!/bin/sh
# Broken or unusual ELF files (each a named edit of a good one: see
# tests/fixtures/elf/mutate.py and fixtures.mk). The loader never reads
# section headers, so neither must we when they are gone, lie or are cut
# off; a hash table that cannot reach an export must be reported; and no
# corruption may crash the reader.
. "$(dirname "$0")/../lib.sh"
need readelf || exit 0
E=$FIX/elf
count_exports() { "$OI" exports --json "$@" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['exports']))"; }
# exports by readelf -D -s (the dynamic table as the loader finds it), loader rules
readelf_exports() {
    readelf -W -D -s "$1" | awk '$1 ~ /^[0-9]+:$/ && $1 != "0:" && $7 != "UND" &&
        ($5 == "GLOBAL" || $5 == "WEAK" || $5 == "UNIQUE") && ($6 == "DEFAULT" || $6 == "PROTECTED") &&
        !($2 ~ /^0+$/ && $7 != "ABS" && $4 != "TLS")' | wc -l
}
diag_count() { python3 -c "import json,sys; print(len(json.load(open('$1'))['diagnostics']))"; }

# no section headers at all (llvm-objcopy --strip-sections)
ns=$E/libelfsyms-nosections.so
expect_eq "no sections: readelf sees none" "$(readelf -h "$ns" | sed -n 's/^ *Number of section headers: *//p')" 0
"$OI" --json "$ns" > "$TMP/j"; rc=$?
expect_eq "no sections: exit 0" "$rc" 0
expect_eq "no sections: no diagnostics" "$(diag_count "$TMP/j")" 0
expect_eq "no sections: every export found through PT_DYNAMIC" "$(count_exports "$ns")" "$(readelf_exports "$ns")"
"$OI" resolve --json "$ns" elf_default_fn > "$TMP/r"
expect_eq "no sections: resolve through the GNU hash" "$(jget "$TMP/r" path)" gnu-hash

# the .dynsym section header lies (moved by two entries): a warning, and
# the loader's view wins; the real loader still runs the library
lie=$E/libelfsyms-shdr-lie.so
"$OI" --json "$lie" > "$TMP/j"; rc=$?
expect_eq "lying headers: exit 0 (a warning)" "$rc" 0
grep -q 'disagrees with DT_SYMTAB' "$TMP/j" && pass "lying headers: the warning says so" ||
    fail "lying headers: the warning says so" "$(head -c 300 "$TMP/j")"
expect_eq "lying headers: exports as without headers" "$(count_exports "$lie")" "$(readelf_exports "$ns")"
out=$(python3 -c "import ctypes; print(ctypes.CDLL('$lie').elf_default_fn(1))" 2>&1)
expect_eq "lying headers: ld.so loads it and binds elf_default_fn (x + 1)" "$out" 2
"$OI" resolve --json "$lie" elf_default_fn > "$TMP/r"
expect_eq "lying headers: resolve agrees with readelf -D" "$(printf %x "$(jget "$TMP/r" address)")" \
    "$(readelf -W -D -s "$ns" | awk '$8 == "elf_default_fn" {print $2}' | sed 's/^0*//')"

# the section header table cut off (a truncated copy): permissive reading
# goes on through the program headers; --strict refuses the file
src=$E/libelfsyms-gcc.so
size=$(wc -c < "$src")
head -c $((size - 64)) "$src" > "$TMP/trunc.so"
"$OI" --json "$TMP/trunc.so" > "$TMP/j" 2>"$TMP/err"; rc=$?
expect_eq "cut-off section headers: exit 0" "$rc" 0
grep -q 'section header table is outside the file' "$TMP/j" && pass "cut-off section headers: a warning" ||
    fail "cut-off section headers: a warning" "$(head -c 300 "$TMP/j")"
expect_eq "cut-off section headers: every export still found" "$(count_exports "$TMP/trunc.so")" "$(readelf_exports "$ns")"
"$OI" --strict "$TMP/trunc.so" > /dev/null 2>&1
expect_eq "cut-off section headers: --strict exits 2" "$?" 2

# a zeroed GNU hash bucket: objinspect names the exports it cannot reach,
# and they are exactly those the real loader (dlsym) cannot find
bh=$E/libhard-badhash.so
"$OI" --json "$bh" > "$TMP/j"
python3 - "$TMP/j" "$bh" > "$TMP/cmp" <<'EOF'
import ctypes, json, re, sys
doc = json.load(open(sys.argv[1]))
flagged = sorted(set(m.group(1) for d in doc["diagnostics"]
                     for m in [re.match(r"export (\S+) \(dynamic symbol \d+\) is not reachable", d["message"])] if m))
lib = ctypes.CDLL(sys.argv[2])
libc = ctypes.CDLL("libc.so.6")
libc.dlsym.restype = ctypes.c_void_p
libc.dlsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
missing = sorted(e["name"] for e in doc["exports"] if not libc.dlsym(lib._handle, e["name"].encode()))
print(" ".join(flagged) or "-")
print(" ".join(missing) or "-")
EOF
flagged=$(sed -n 1p "$TMP/cmp"); missing=$(sed -n 2p "$TMP/cmp")
[ "$flagged" != "-" ] && pass "zeroed bucket: exports reported unreachable ($flagged)" ||
    fail "zeroed bucket: exports reported unreachable" "none"
expect_eq "zeroed bucket: exactly what dlsym cannot find" "$flagged" "$missing"
"$OI" resolve --json "$bh" hard_add > "$TMP/r"
expect_eq "zeroed bucket: resolve hard_add fails like dlsym" "$(jget "$TMP/r" found)" false

# the last GNU chain loses its end marker: a warning, and a lookup that
# walks that chain stops at the table's end instead of reading past it
oc=$E/libhard-openchain.so
"$OI" --json "$oc" > "$TMP/j"; rc=$?
expect_eq "open chain: exit 0 (a warning)" "$rc" 0
grep -q 'leave the [0-9]* dynamic symbols' "$TMP/j" && pass "open chain: the warning says so" ||
    fail "open chain: the warning says so" "$(head -c 300 "$TMP/j")"
last=$(readelf -W --dyn-syms "$oc" | awk '$1 ~ /^[0-9]+:$/ {n = $8} END {print n}')
"$OI" resolve --json "$oc" "$last" > "$TMP/r"
expect_eq "open chain: the last symbol ($last) still resolves" "$(printf %x "$(jget "$TMP/r" address)")" \
    "$(readelf -W --dyn-syms "$oc" | awk -v n="$last" '$8 == n {print $2}' | sed 's/^0*//')"
"$OI" resolve --explain "$oc" "${last}_not_there" > "$TMP/out" 2>&1
expect_eq "open chain: a miss on that chain exits 1" "$?" 1

# corruption anywhere: exit 0, 1 or 2 and never a crash (every 97th byte
# of the first 8 KiB, and of the dynamic table, set to 0xff in turn)
crashes=0 runs=0
dyn=$(readelf -W -l "$src" | awk '$1 == "DYNAMIC" {print $2}')
for base in 0 $((dyn)); do
    i=0
    while [ $i -lt 40 ]; do
        off=$((base + i * 97))
        cp "$src" "$TMP/m.so"
        printf '\377\377\377\377' | dd of="$TMP/m.so" bs=1 seek=$off conv=notrunc 2>/dev/null
        for cmd in "" "resolve" ; do
            if [ -z "$cmd" ]; then "$OI" --json "$TMP/m.so" > /dev/null 2>&1
            else "$OI" resolve --explain "$TMP/m.so" elf_default_fn > /dev/null 2>&1; fi
            rc=$?
            runs=$((runs + 1))
            [ $rc -le 3 ] || { crashes=$((crashes + 1)); echo "crash (exit $rc) with 0xff at $off ($cmd)"; }
        done
        i=$((i + 1))
    done
done
expect_eq "corrupted copies: no crash in $runs runs" "$crashes" 0

# a version index with no definition (symbol 8's set to 9, past verdef and
# verneed): the listing warns once and names the symbol readelf shows there;
# a lookup of another name walks no table, so it neither warns nor slows
vf=$E/libelfsyms-versioned.so
off=$(readelf -W -S "$vf" | awk '{for (i = 1; i < NF; i++) if ($i == ".gnu.version") print $(i + 3)}')
sym=$(readelf -W --dyn-syms "$vf" | awk '$1 == "8:" {sub(/@.*/, "", $8); print $8}')
python3 - "$vf" "$TMP/badver.so" "$off" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
at = int(sys.argv[3], 16) + 2 * 8
d[at:at + 2] = (9).to_bytes(2, "little")
open(sys.argv[2], "wb").write(d)
PY
expect_eq "bad versym: readelf sees index 9 on $sym" "$(readelf -W -V "$TMP/badver.so" | sed -n 's/^  008: *\([0-9]*\).*/\1/p')" 9
"$OI" --json "$TMP/badver.so" > "$TMP/j"
got=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(" | ".join(x["message"] for x in d["diagnostics"] if x["where"]=="elf/versym"))' "$TMP/j")
case "$got" in "1 dynamic symbols have a version index"*"first: symbol 8, index 9"*) pass "bad versym: the listing warns on symbol 8 ($sym)" ;;
    *) fail "bad versym: the listing warns on symbol 8 ($sym)" "$got" ;; esac
other=$(readelf -W --dyn-syms "$vf" | awk '$1 == "9:" {sub(/@.*/, "", $8); print $8}')
"$OI" resolve --json "$TMP/badver.so" "$other" > "$TMP/r"
expect_eq "bad versym: resolve $other finds readelf's address" "$(printf %x "$(jget "$TMP/r" address)")" \
    "$(readelf -W --dyn-syms "$vf" | awk '$1 == "9:" {sub(/^0+/, "", $2); print $2}')"
# through the library: after oi_lookup alone the file has no diagnostic,
# after oi_exports it has the warning (so the count can tell the two apart)
# (an ASan build of the library needs its runtime loaded first)
asan=$(ldd "$BUILD/libobjinspect.so" | awk '/libasan/ {print $3}')
got=$(LD_PRELOAD=$asan ASAN_OPTIONS=detect_leaks=0 python3 - "$BUILD/libobjinspect.so" "$TMP/badver.so" "$other" <<'PY'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
lib.oi_open_path.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
lib.oi_lookup.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
lib.oi_diag_count.argtypes = [ctypes.c_void_p]
lib.oi_diag_count.restype = ctypes.c_size_t
lib.oi_exports.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
f = ctypes.c_void_p()
assert lib.oi_open_path(sys.argv[2].encode(), None, ctypes.byref(f), None) == 0
res = ctypes.create_string_buffer(1 << 16)
st = lib.oi_lookup(f, sys.argv[3].encode(), None, None, None, res)
n1 = lib.oi_diag_count(f)
e, n = ctypes.c_void_p(), ctypes.c_size_t()
lib.oi_exports(f, ctypes.byref(e), ctypes.byref(n))
print(st, n1, lib.oi_diag_count(f))
PY
)
expect_eq "bad versym: a lookup walks no table to warn (status, diagnostics after lookup, after exports)" "$got" "0 0 1"
