#!/bin/sh
# Bad input: exit 2 and exactly one line on stderr, never a crash. Each case
# is built here from nothing or from a good fixture.
. "$(dirname "$0")/../lib.sh"

bad() {  # NAME FILE EXPECTED-SUBSTRING
    "$OI" "$2" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    lines=$(wc -l < "$TMP/err")
    if [ $rc -ne 2 ]; then fail "bad input: $1" "exit $rc, expected 2"; return; fi
    if [ "$lines" -ne 1 ]; then fail "bad input: $1" "$lines lines on stderr"; return; fi
    if ! grep -q "^objinspect: .*$3" "$TMP/err"; then
        fail "bad input: $1" "stderr '$(cat "$TMP/err")' lacks '$3'"; return; fi
    pass "bad input: $1"
}
: > "$TMP/empty"
bad "empty file" "$TMP/empty" "not an object file (empty file)"
bad "directory" "$TMP" "is a directory"
bad "missing file" "$TMP/does-not-exist" "No such file or directory"
printf '\177EL' > "$TMP/elf3"; bad "3 bytes of ELF magic" "$TMP/elf3" "not an object file"
printf 'MZ' > "$TMP/mz2"; bad "2 bytes of MZ" "$TMP/mz2" "not an object file"
printf '\317\372\355' > "$TMP/macho3"; bad "3 bytes of Mach-O magic" "$TMP/macho3" "not an object file"
printf '\312\376\272' > "$TMP/fat3"; bad "3 bytes of fat magic" "$TMP/fat3" "not an object file"
head -c 4096 /dev/urandom | tr '\177MZ\312\317\316!' 'aaaaaaa' > "$TMP/random"
bad "random bytes" "$TMP/random" "not an object file"
printf 'plain text, not a binary\n' > "$TMP/text"; bad "text file" "$TMP/text" "unknown magic"

# truncated headers of real fixtures
trunc() {  # NAME FIXTURE BYTES
    [ -f "$2" ] || { fail "bad input: $1" "fixture $2 missing"; return; }
    head -c "$3" "$2" > "$TMP/trunc"
    bad "$1" "$TMP/trunc" ""
}
trunc "ELF header truncated at 40 bytes" "$FIX/elf/libelfsyms-gcc.so" 40
trunc "ELF section table cut off" "$FIX/elf/libelfsyms-gcc.so" 64
trunc "PE truncated after the DOS header" "$FIX/pe/callconv-x86_64.dll" 64
trunc "PE truncated inside the COFF header" "$FIX/pe/callconv-x86_64.dll" 140
trunc "PE truncated inside the optional header" "$FIX/pe/callconv-x86_64.dll" 200
trunc "Mach-O truncated header" "$FIX/macho/libmachosyms-arm64.dylib" 20
trunc "Mach-O truncated load commands" "$FIX/macho/libmachosyms-arm64.dylib" 100
trunc "fat Mach-O truncated slice table" "$FIX/macho/libmachosyms-fat.dylib" 30
trunc "fat Mach-O truncated slices" "$FIX/macho/libmachosyms-fat.dylib" 5000
trunc "ar archive truncated member" "$FIX/elf/libelfsyms.a" 100

# usage errors exit 3
"$OI" >/dev/null 2>&1; expect_eq "no arguments exits 3" $? 3
"$OI" --bogus x >/dev/null 2>&1; expect_eq "unknown option exits 3" $? 3
"$OI" --help >/dev/null 2>&1; expect_eq "--help exits 0" $? 0
expect_eq "--version" "$("$OI" --version)" "objinspect $(sed -n 's/^VERSION *:= *//p' Makefile)"

# names with terminal escapes are escaped in text output
"$OI" "$(printf "$TMP/esc\033[31m")" 2>"$TMP/err" >/dev/null
if grep -q "$(printf '\033')" "$TMP/err"; then fail "escape in file name" "raw ESC on stderr"
else pass "escape in file name"; fi
