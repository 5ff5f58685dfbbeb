#!/bin/sh
# The library contract (include/objinspect.h), tested:
#  - no abort, exit, print or assert can be reached from input: the
#    library's objects call none of them (nor touch stdout/stderr);
#  - no global mutable state: no object has a writable data, bss or TLS
#    section (read-only tables after relocation, .data.rel.ro, are fine);
#  - allocation failure: for every k, failing the k-th allocation gives
#    OI_NOMEM or the normal answer, never a crash or a leak (nomem);
#  - one opened file read by several threads at once agrees with itself
#    (threads), with no data race under ThreadSanitizer (threads-tsan).
. "$(dirname "$0")/../lib.sh"

# The library's objects, compiled here without sanitizers (instrumented
# objects carry the sanitizers' own data and calls).
mkdir -p "$TMP/obj"
cflags="-std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -O2 -fPIC -fvisibility=hidden -Iinclude -Isrc $(pkg-config --cflags libelf zlib 2>/dev/null)"
nobj=0
for c in src/*.c src/*/*.c; do
    o=$TMP/obj/$(echo "$c" | tr / _).o
    if cc $cflags -c -o "$o" "$c" 2>"$TMP/cc.err"; then nobj=$((nobj + 1))
    else fail "contract: compile $c" "$(head -n 3 "$TMP/cc.err")"; fi
done

forbidden='abort exit _exit _Exit quick_exit printf fprintf vprintf vfprintf dprintf puts fputs fputc putc putchar putchar_unlocked fwrite fflush perror psignal err errx warn warnx verr vwarn syslog __assert_fail __assert_perror_fail __printf_chk __fprintf_chk __vfprintf_chk __vprintf_chk stdout stderr raise kill longjmp siglongjmp signal sigaction'
bad=
for o in "$TMP"/obj/*.o; do
    for s in $(nm -u "$o" | awk '{print $2}'); do
        for x in $forbidden; do
            # the one exception: demangle.c leaves libiberty's callback
            # demanglers by longjmp, to its own setjmp in the same call,
            # when a name's text passes the cap (those demanglers cannot
            # be stopped otherwise, and keep no heap state)
            [ "$s" = longjmp ] && [ "$(basename "$o" .o)" = src_abi_demangle.c ] && continue
            [ "$s" = "$x" ] && bad="$bad $(basename "$o" .o):$s"
        done
    done
done
if [ -z "$bad" ]; then pass "contract: no abort, exit, print or assert in $nobj library objects"
else fail "contract: no abort, exit, print or assert" "called:$bad"; fi

bad=
for o in "$TMP"/obj/*.o; do
    secs=$(readelf -SW "$o" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) *[A-Z_]* *[0-9a-f]* [0-9a-f]* \([0-9a-f]*\) .*/\1 \2/p' |
           awk '$1 ~ /^\.(data|bss|tdata|tbss)/ && $1 !~ /^\.data\.rel\.ro/ && $2 !~ /^0+$/ {printf " %s", $1}')
    [ -n "$secs" ] && bad="$bad $(basename "$o" .o):$secs"
done
if [ -z "$bad" ]; then pass "contract: no global mutable state in $nobj library objects"
else fail "contract: no global mutable state" "writable sections:$bad"; fi

# the checks above can fail: a writable static and a call to abort are seen
printf 'static int counter;\nvoid f(void);\nvoid f(void) { if (++counter > 3) __builtin_abort(); }\n' > "$TMP/neg.c"
cc -O2 -fPIC -c -o "$TMP/neg.o" "$TMP/neg.c"
if readelf -SW "$TMP/neg.o" | grep -q ' \.bss ' && nm -u "$TMP/neg.o" | grep -q ' abort$'; then
    pass "contract: the static checks see a counter and an abort"
else fail "contract: the static checks see a counter and an abort" "they did not"; fi

files=$(find "$FIX" -type f | sort)
[ -n "$files" ] || fail "contract: fixtures" "none in $FIX"

dir=$BUILD/tests/contract
if [ -x "$dir/nomem" ]; then
    "$dir/nomem" $files > "$TMP/nomem.out" 2> "$TMP/nomem.err"
    rc=$?
    cat "$TMP/nomem.out"
    if grep -q -E 'LeakSanitizer|AddressSanitizer|runtime error' "$TMP/nomem.err"; then
        fail "contract: nomem under the sanitizers" "$(grep -m 3 -E 'ERROR|SUMMARY|runtime error' "$TMP/nomem.err" | tr '\n' ' ')"
    elif [ $rc -ne 0 ] && ! grep -q '^FAIL' "$TMP/nomem.out"; then
        fail "contract: nomem" "exit $rc: $(tail -n 3 "$TMP/nomem.err" | tr '\n' ' ')"
    fi
else
    fail "contract: nomem" "$dir/nomem not built"
fi

for t in threads threads-tsan; do
    if [ ! -x "$dir/$t" ]; then fail "contract: $t" "$dir/$t not built"; continue; fi
    TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$dir/$t" $files > "$TMP/$t.out" 2> "$TMP/$t.err"
    rc=$?
    sed "s/^PASS: threads:/PASS: $t:/; s/^FAIL: threads:/FAIL: $t:/" "$TMP/$t.out"
    if grep -q 'ThreadSanitizer' "$TMP/$t.err"; then
        fail "contract: $t" "$(grep -m 2 -E 'WARNING|SUMMARY' "$TMP/$t.err" | tr '\n' ' ')"
    elif [ $rc -ne 0 ] && ! grep -q '^FAIL' "$TMP/$t.out"; then
        fail "contract: $t" "exit $rc: $(tail -n 3 "$TMP/$t.err" | tr '\n' ' ')"
    fi
done
