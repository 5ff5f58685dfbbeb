#!/bin/sh
# ELF lookup the way ld.so does it: the path --explain reports for a found
# name, a missing one, a hidden version and a local symbol, on each kind of
# hash table; addresses from readelf, table sizes from readelf -I, bindings
# confirmed by the real loader (dlsym/dlvsym through python's ctypes).
. "$(dirname "$0")/../lib.sh"
need readelf || exit 0
E=$FIX/elf
lib=$E/libelfsyms-gcc.so

# readelf's value of the dynamic symbol NAME[@VER|@@VER], without leading zeros
value() { readelf -W --dyn-syms "$1" | awk -v n="$2" '$8 == n {print $2}' | sed 's/^0*//; s/^$/0/'; }

resolve() {  # FILE QUERY -> $TMP/out (text with --explain), $TMP/json, $rc
    "$OI" resolve --explain "$1" "$2" > "$TMP/out" 2>&1
    rc=$?
    "$OI" resolve --json "$1" "$2" > "$TMP/json" 2>/dev/null
}
has() {  # NAME PATTERN: the explanation contains PATTERN
    if grep -q -- "$2" "$TMP/out"; then pass "$1"; else fail "$1" "no '$2' in: $(cat "$TMP/out")"; fi
}

# found through the GNU hash: Bloom filter, bucket, chain
resolve "$lib" elf_default_fn
expect_eq "found: exit 0" "$rc" 0
has "found: bloom filter passed" "bloom filter passed"
has "found: bucket and chain index" "bucket [0-9]*, chain index [0-9]*: symbol [0-9]* elf_default_fn"
nb=$(readelf -W -I "$lib" | sed -n "s/.*\`.gnu.hash' bucket list length (total of \([0-9]*\) buckets).*/\1/p")
has "found: the GNU table's bucket count is readelf's ($nb)" "GNU hash table.*: $nb buckets"
expect_eq "found: path gnu-hash" "$(jget "$TMP/json" path)" gnu-hash
expect_eq "found: address is readelf's" "$(printf %x "$(jget "$TMP/json" address)")" "$(value "$lib" elf_default_fn)"
for k in found name version address size kind binding visibility path; do
    python3 -c "import json,sys; sys.exit(0 if '$k' in json.load(open('$TMP/json')) else 1)" &&
        pass "resolve --json has key $k" || fail "resolve --json has key $k" "missing"
done

# missing: the Bloom filter (or an empty bucket, or the chain) says no
resolve "$lib" no_such_function_here
expect_eq "missing: exit 1" "$rc" 1
if grep -q -e "bloom filter rejected" -e "is empty" -e "end of the chain" "$TMP/out"; then
    pass "missing: says where the walk stopped"; else fail "missing: says where the walk stopped" "$(cat "$TMP/out")"; fi
expect_eq "missing: found false" "$(jget "$TMP/json" found)" false
expect_eq "missing: path gnu-hash" "$(jget "$TMP/json" path)" gnu-hash

# a hidden version: vfunc binds vfunc@@VERS_2, vfunc@VERS_1 needs its version
resolve "$lib" vfunc
has "hidden version: an unversioned request skips VERS_1" "version VERS_1 is hidden"
expect_eq "hidden version: vfunc binds VERS_2" "$(jget "$TMP/json" version)" VERS_2
expect_eq "hidden version: vfunc at vfunc@@VERS_2's address" \
    "$(printf %x "$(jget "$TMP/json" address)")" "$(value "$lib" vfunc@@VERS_2)"
resolve "$lib" vfunc@VERS_1
expect_eq "hidden version: vfunc@VERS_1 found" "$rc" 0
has "hidden version: vfunc@VERS_1 matches a hidden version" "version matches (the version is hidden"
expect_eq "hidden version: vfunc@VERS_1 at readelf's address" \
    "$(printf %x "$(jget "$TMP/json" address)")" "$(value "$lib" vfunc@VERS_1)"
resolve "$lib" vfunc@VERS_9
expect_eq "unknown version: not found" "$rc" 1

# the real loader agrees on both bindings of vfunc
python3 - "$lib" "$(jget "$TMP/json" path)" > "$TMP/dl" 2>&1 <<'EOF'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
libdl = ctypes.CDLL("libc.so.6")
libdl.dlvsym.restype = ctypes.c_void_p
libdl.dlvsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
f = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)
print(lib.vfunc(1), f(libdl.dlvsym(lib._handle, b"vfunc", b"VERS_1"))(1))
EOF
# elfsyms.c: vfunc_v1 returns x + 10 (VERS_1), vfunc_v2 x + 20 (VERS_2)
expect_eq "dlsym binds vfunc@@VERS_2, dlvsym vfunc@VERS_1" "$(cat "$TMP/dl")" "21 11"

# local and hidden names: not in .dynsym; --explain says what .symtab has
resolve "$lib" elf_static_fn
expect_eq "local: not found" "$rc" 1
has "local: .symtab has it as LOCAL" "symtab has it (symbol [0-9]*): symbol is LOCAL"
[ "$(readelf -W -s "$lib" | awk '$8 == "elf_static_fn" {print $5}')" = LOCAL ] &&
    pass "local: readelf agrees elf_static_fn is LOCAL" || fail "local: readelf" "elf_static_fn not LOCAL"
resolve "$E/elfsyms.o" elf_static_fn
has "local in an object: scan of .symtab" "no dynamic symbol table: scanning"
has "local in an object: symbol is LOCAL" "symbol is LOCAL"
expect_eq "local in an object: path scan" "$(jget "$TMP/json" path)" scan
resolve "$E/elfsyms.o" elf_default_fn
expect_eq "object: a global definition is found" "$rc" 0

# the SysV table when it is the only one
sv=$E/libelfsyms-sysv.so
resolve "$sv" elf_default_fn
expect_eq "sysv: path sysv-hash" "$(jget "$TMP/json" path)" sysv-hash
nb=$(readelf -W -I "$sv" | sed -n "s/^Histogram for bucket list length (total of \([0-9]*\) buckets).*/\1/p")
has "sysv: bucket count is readelf's ($nb)" "SysV hash table.*: $nb buckets"
expect_eq "sysv: address is readelf's" "$(printf %x "$(jget "$TMP/json" address)")" "$(value "$sv" elf_default_fn)"
resolve "$sv" vfunc
expect_eq "sysv: vfunc binds VERS_2" "$(jget "$TMP/json" version)" VERS_2

# no hash table at all: a scan, and it says so
nh=$E/libhard-nohash.so
[ -z "$(readelf -W -d "$nh" | grep -e '(GNU_HASH)' -e '(HASH)')" ] && pass "nohash: readelf sees no hash table" ||
    fail "nohash: readelf sees no hash table" "it does"
resolve "$nh" hard_add
expect_eq "nohash: found by scan" "$rc" 0
has "nohash: says there is no hash table" "no hash table"
expect_eq "nohash: path scan" "$(jget "$TMP/json" path)" scan

# an IFUNC resolves to its resolver, and says so
resolve "$lib" elf_ifunc
has "ifunc: explained" "IFUNC"
expect_eq "ifunc: kind" "$(jget "$TMP/json" kind)" ifunc
expect_eq "ifunc: target resolver" "$(jget "$TMP/json" export target)" resolver

# the library API: oi_find_export through the hash table (tools/example-lookup)
out=$("$BUILD/example-lookup" "$E/libelfsyms-clang-lld.so" elf_weak_fn)
case "$out" in *"found at 0x$(value "$E/libelfsyms-clang-lld.so" elf_weak_fn@@VERS_2) via gnu-hash"* | \
               *"found at 0x$(value "$E/libelfsyms-clang-lld.so" elf_weak_fn) via gnu-hash"*)
    pass "example-lookup on the lld library" ;;
    *) fail "example-lookup on the lld library" "$out" ;; esac
