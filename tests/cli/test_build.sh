#!/bin/sh
# The build contract: the shared library exports only oi_* (under a soname),
# the example links against the public header and runs, the .pc file works,
# and `make install` puts everything under DESTDIR.
. "$(dirname "$0")/../lib.sh"

so=$BUILD/libobjinspect.so.0
others=$(nm -D --defined-only "$so" | awk '$2 != "A" && $3 !~ /^oi_/ {print $3}')
expect_eq "libobjinspect.so exports only oi_*" "$others" ""
count=$(nm -D --defined-only "$so" | awk '$3 ~ /^oi_/' | wc -l)
[ "$count" -gt 30 ] && pass "libobjinspect.so exports the API ($count oi_* symbols)" ||
    fail "libobjinspect.so exports the API" "only $count oi_* symbols"
expect_eq "soname" "$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" libobjinspect.so.0

# the example: its answer for one export must match the peer's address
ex=$BUILD/example-lookup
lib=$FIX/elf/libelfsyms-gcc.so
out=$("$ex" "$lib" elf_default_fn)
rc=$?
expect_eq "example exit code" "$rc" 0
addr=$(readelf -W --dyn-syms "$lib" | awk '$8 == "elf_default_fn" {print $2}' | sed 's/^0*//')
case "$out" in *"found at 0x$addr "*) pass "example resolves elf_default_fn at 0x$addr" ;;
    *) fail "example resolves elf_default_fn" "output '$out', readelf says 0x$addr" ;; esac

# install into a staging root, then build the example against the installed .pc
dest=$TMP/stage
make -s install DESTDIR="$dest" PREFIX=/usr BUILD="$BUILD" >/dev/null 2>&1
for p in usr/lib/libobjinspect.a usr/lib/libobjinspect.so.0 usr/include/objinspect.h \
         usr/lib/pkgconfig/objinspect.pc usr/bin/objinspect; do
    [ -e "$dest/$p" ] && pass "install $p" || fail "install $p" "missing"
done
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
sysdirs=$(pkg-config --variable pc_path pkg-config)
cflags=$(PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_LIBDIR="$dest/usr/lib/pkgconfig:$sysdirs" pkg-config --cflags objinspect)
libs=$(PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_LIBDIR="$dest/usr/lib/pkgconfig:$sysdirs" pkg-config --libs --static objinspect)
# a sanitizer build of the library needs the sanitizer runtime in the program too
case $BUILD in *san*) san="-fsanitize=address,undefined" ;; *) san= ;; esac
if cc -std=c11 $san $cflags -o "$TMP/ex" tools/example-lookup.c $libs 2>"$TMP/cc.err" &&
   LD_LIBRARY_PATH="$dest/usr/lib" "$TMP/ex" "$lib" elf_default_fn >/dev/null; then
    pass "example builds from the installed objinspect.pc"
else
    fail "example builds from the installed objinspect.pc" "$(head -n 3 "$TMP/cc.err")"
fi
