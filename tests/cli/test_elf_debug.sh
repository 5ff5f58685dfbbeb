#!/bin/sh
# Separate debug files. libelfsyms-dbg.so is stripped (no .symtab) and has a
# .gnu_debuglink to libelfsyms-dbg.debug; debugdir/ holds the same file
# under its build-id path. objinspect must find it each way, take .symtab
# from it (the entries readelf -s prints for the .debug file), check the
# debuglink CRC (readelf --debug-dump=links, python's zlib.crc32) and the
# build-id, and refuse a debug file that does not match.
. "$(dirname "$0")/../lib.sh"
need readelf || exit 0
E=$FIX/elf
so=$E/libelfsyms-dbg.so
dbg=$E/libelfsyms-dbg.debug
prop() {  # JSON-FILE KEY
    python3 -c "import json,sys; print(json.load(open('$1'))['properties'].get('$2'))"
}
nstatic() {  # count of non-dynamic symbols objinspect lists (args: objinspect options and file)
    "$OI" symbols --json "$@" | python3 -c "import json,sys; print(sum(1 for s in json.load(sys.stdin)['symbols'] if not s['dynamic']))"
}
# readelf's .symtab entries of FILE, without the null symbol
readelf_symtab() { readelf -W -s "$1" 2>/dev/null | awk '/^Symbol table .\.symtab/ {t = 1; next} /^Symbol table/ {t = 0} t && $1 ~ /^[0-9]+:$/ && $1 != "0:"' | wc -l; }

[ -z "$(readelf -W -S "$so" | grep ' \.symtab ')" ] && pass "the stripped library has no .symtab" ||
    fail "the stripped library has no .symtab" "it has one"
want=$(readelf_symtab "$dbg")
[ "$want" -gt 0 ] && pass "the debug file has a .symtab ($want entries)" || fail "debug .symtab" "empty"

# 1. by debuglink, beside the file
"$OI" --json "$so" > "$TMP/j"
expect_eq "debuglink: found beside the file" "$(prop "$TMP/j" debug_file)" "$dbg"
expect_eq "debuglink: name is readelf's" "$(prop "$TMP/j" debuglink)" \
    "$(readelf --debug-dump=links "$so" | sed -n 's/^ *Separate debug info file: //p')"
crc=$(python3 -c "import zlib; print('0x%08x' % zlib.crc32(open('$dbg', 'rb').read()))")
expect_eq "debuglink: CRC is the debug file's CRC32" "$(prop "$TMP/j" debuglink_crc)" "$crc"
expect_eq "debuglink: .symtab comes from the debug file" "$(nstatic "$so")" "$want"

# 2. by build-id, in --debug-dir, for a copy that has nothing beside it
mkdir -p "$TMP/lone"
cp "$so" "$TMP/lone/lib.so"
bid=$(readelf -n "$so" | awk '/Build ID/ {print $3}')
"$OI" --json --debug-dir "$E/debugdir" "$TMP/lone/lib.so" > "$TMP/j"
expect_eq "build-id: property is readelf's" "$(prop "$TMP/j" build_id)" "$bid"
expect_eq "build-id: found under .build-id/" "$(prop "$TMP/j" debug_file)" \
    "$E/debugdir/.build-id/$(echo "$bid" | cut -c1-2)/$(echo "$bid" | cut -c3-).debug"
expect_eq "build-id: .symtab comes from the debug file" "$(nstatic --debug-dir "$E/debugdir" "$TMP/lone/lib.so")" "$want"
"$OI" resolve --explain --debug-dir "$E/debugdir" "$TMP/lone/lib.so" elf_static_fn > "$TMP/out"
grep -q "symtab of .*\.debug has it" "$TMP/out" && pass "build-id: --explain names the debug file's .symtab" ||
    fail "build-id: --explain names the debug file's .symtab" "$(cat "$TMP/out")"

# 3. no debug dir (and nothing beside): only the dynamic symbols
"$OI" --json --debug-dir "" "$TMP/lone/lib.so" > "$TMP/j"
expect_eq "no debug dir: no debug file" "$(prop "$TMP/j" debug_file)" None
expect_eq "no debug dir: no static symbols" "$(nstatic --debug-dir "" "$TMP/lone/lib.so")" 0

# 4. a debug file whose CRC does not match is not used, with a warning
mkdir -p "$TMP/crc"
cp "$so" "$TMP/crc/"
cp "$dbg" "$TMP/crc/"
printf 'x' >> "$TMP/crc/libelfsyms-dbg.debug"
"$OI" --json --debug-dir "$TMP/none" "$TMP/crc/libelfsyms-dbg.so" > "$TMP/j"
expect_eq "bad CRC: not used" "$(prop "$TMP/j" debug_file)" None
grep -q 'CRC32 0x[0-9a-f]*, .gnu_debuglink says' "$TMP/j" && pass "bad CRC: a warning says so" ||
    fail "bad CRC: a warning says so" "$(cat "$TMP/j" | head -c 400)"

# 5. a file under the build-id path that is another build is not used
bad=$TMP/baddir/.build-id/$(echo "$bid" | cut -c1-2)
mkdir -p "$bad"
cp "$E/libelfsyms-gcc.so" "$bad/$(echo "$bid" | cut -c3-).debug"
"$OI" --json --debug-dir "$TMP/baddir" "$TMP/lone/lib.so" > "$TMP/j"
expect_eq "wrong build-id: not used" "$(prop "$TMP/j" debug_file)" None
grep -q 'build-id or machine differs' "$TMP/j" && pass "wrong build-id: a warning says so" ||
    fail "wrong build-id: a warning says so" "$(head -c 400 "$TMP/j")"

# 6. the real-world debug file of libc, when the corpus is here
C=${CORPUS_DIR:-/work/corpus}
if [ -f "$C/elf/x86_64/libc.so.6" ] && [ -d "$C/elf/debug/.build-id" ]; then
    "$OI" --json --debug-dir "$C/elf/debug" "$C/elf/x86_64/libc.so.6" > "$TMP/j"
    bid=$(readelf -n "$C/elf/x86_64/libc.so.6" | awk '/Build ID/ {print $3}')
    expect_eq "corpus libc: debug file by build-id" "$(prop "$TMP/j" debug_file)" \
        "$C/elf/debug/.build-id/$(echo "$bid" | cut -c1-2)/$(echo "$bid" | cut -c3-).debug"
    expect_eq "corpus libc: .symtab from libc6-dbg" \
        "$(nstatic --debug-dir "$C/elf/debug" "$C/elf/x86_64/libc.so.6")" \
        "$(readelf_symtab "$(prop "$TMP/j" debug_file)")"
fi
