#!/bin/sh
# Compressed ELF sections: SHF_COMPRESSED with zlib and with zstd, and the
# legacy .zdebug form. The compression and size must be what readelf -t
# says, and the content oi_section_data returns must be byte for byte what
# objcopy --decompress-debug-sections produces.
. "$(dirname "$0")/../lib.sh"
need readelf || exit 0
need objcopy || exit 0
E=$FIX/elf
helper=$TMP/elf-resolve
case $BUILD in *san*) san="-fsanitize=address,undefined" ;; *) san= ;; esac
cc -std=c11 $san -Iinclude -o "$helper" tests/conformance/elf_resolve.c "$BUILD/libobjinspect.a" \
    $(pkg-config --libs libelf zlib libzstd) -ldl || { fail "build the section dumper" "cc failed"; exit 0; }

# readelf -t: "[flags]: COMPRESSED" then "ZLIB|ZSTD, size, align"
readelf_comp() {  # FILE SECTION -> "zlib 942" (type, decimal size) or "none"
    readelf -W -t "$1" | awk -v s="$2" '
        $0 ~ "^ *\\[ *[0-9]+\\] " s "$" {hit = 1; next}
        hit && /COMPRESSED/ {comp = 1; next}
        hit && comp {t = tolower($1); sub(",", "", t); sz = $2; sub(",", "", sz); print t, strtonum("0x" sz); exit}
        hit && /^ *\[/ {print "none"; exit}'
}
ours_comp() {  # FILE SECTION -> "zlib 942" or "none"
    "$OI" sections --json "$1" | python3 -c "
import json, sys
for s in json.load(sys.stdin)['sections']:
    if s['name'] == '$2':
        print('%s %d' % (s['compression'], s['uncompressed_size']) if s['compression'] else 'none')
        break"
}
for f in libelfsyms-gz-zlib.so libelfsyms-gz-zstd.so; do
    plain=$TMP/$f.plain
    objcopy --decompress-debug-sections "$E/$f" "$plain" || { fail "objcopy $f" "failed"; continue; }
    n=0
    for s in .debug_info .debug_abbrev .debug_line .debug_str .debug_aranges; do
        want=$(readelf_comp "$E/$f" "$s")
        [ -n "$want" ] || continue
        n=$((n + 1))
        expect_eq "$f $s compression and size" "$(ours_comp "$E/$f" "$s")" "$want"
        objcopy --dump-section "$s=$TMP/want.bin" "$plain" /dev/null 2>/dev/null
        if "$helper" "$E/$f" --section "$s" > "$TMP/got.bin" && cmp -s "$TMP/got.bin" "$TMP/want.bin"; then
            pass "$f $s content decompresses to objcopy's bytes"
        else
            fail "$f $s content" "differs from objcopy --decompress-debug-sections"
        fi
    done
    [ $n -gt 0 ] && pass "$f has compressed sections ($n)" || fail "$f has compressed sections" "none found"
done
expect_eq "zlib fixture: .debug_info is zlib" "$(ours_comp "$E/libelfsyms-gz-zlib.so" .debug_info | cut -d' ' -f1)" zlib
expect_eq "zstd fixture: .debug_info is zstd" "$(ours_comp "$E/libelfsyms-gz-zstd.so" .debug_info | cut -d' ' -f1)" zstd

# legacy .zdebug_*: objcopy turns .zdebug_info into .debug_info
z=$E/elfsyms-zdebug.o
objcopy --decompress-debug-sections "$z" "$TMP/z.plain"
for s in info abbrev str line; do
    readelf -W -S "$z" | grep -q " \.zdebug_$s " || continue
    expect_eq "zdebug .zdebug_$s is zlib-gnu" "$(ours_comp "$z" .zdebug_$s | cut -d' ' -f1)" zlib-gnu
    objcopy --dump-section ".debug_$s=$TMP/want.bin" "$TMP/z.plain" /dev/null 2>/dev/null
    if "$helper" "$z" --section .zdebug_$s > "$TMP/got.bin" && cmp -s "$TMP/got.bin" "$TMP/want.bin"; then
        pass "zdebug .zdebug_$s content is objcopy's .debug_$s"
    else
        fail "zdebug .zdebug_$s content" "differs from objcopy's .debug_$s"
    fi
done

# a plain section comes back as it is in the file
objcopy --dump-section ".dynstr=$TMP/want.bin" "$E/libelfsyms-gcc.so" /dev/null 2>/dev/null
"$helper" "$E/libelfsyms-gcc.so" --section .dynstr > "$TMP/got.bin" && cmp -s "$TMP/got.bin" "$TMP/want.bin" &&
    pass "an uncompressed section's content is the file's bytes" || fail "uncompressed content" "differs"

# corrupt the zlib stream of .debug_info: a diagnostic, never a crash
off=$(readelf -W -S "$E/libelfsyms-gz-zlib.so" | awk '$2 == ".debug_info" {print $5}')
cp "$E/libelfsyms-gz-zlib.so" "$TMP/bad.so"
printf '\377\377\377\377\377\377\377\377' | dd of="$TMP/bad.so" bs=1 seek=$((0x$off + 24 + 4)) conv=notrunc 2>/dev/null
"$helper" "$TMP/bad.so" --section .debug_info > /dev/null 2> "$TMP/err"
rc=$?
expect_eq "corrupt zlib stream: an error, not content" "$rc:$(cat "$TMP/err")" "1:malformed"
