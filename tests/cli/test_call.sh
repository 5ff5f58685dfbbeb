#!/bin/sh
# objinspect call: the how-to-call view and the binding stubs.
#  - the ctypes stub for a native x86-64 ELF fixture loads the library and
#    calls the functions under python3 (abi_add(2, 3) is 5 by defaults.c;
#    ns::twice(21) is 42 by cxx.cpp, called through its mangled name with
#    argtypes from the demangled signature);
#  - the stubs for PE fixtures are valid Python (py_compile) and bind what
#    the source exports, with WinDLL for __stdcall.
. "$(dirname "$0")/../lib.sh"
need python3 || exit 0
A=$FIX/abi

# the text view: lookup path, convention and source, signature
out=$("$OI" call "$A/libdefaults-x86_64.so" abi_add 2>&1)
case $out in *"convention: sysv-x86_64 (abi-default)"*) pass "call: abi_add convention" ;;
    *) fail "call: abi_add convention" "$(printf '%s' "$out" | head -n 6)" ;; esac
case $out in *"lookup:     gnu-hash"*) pass "call: abi_add found through .gnu.hash" ;;
    *) fail "call: abi_add lookup path" "$(printf '%s' "$out" | head -n 6)" ;; esac
"$OI" call "$A/libdefaults-x86_64.so" no_such_fn >/dev/null 2>&1
expect_eq "call: an unknown NAME exits 1" "$?" 1

# ctypes on the native x86-64 fixtures: load and call
"$OI" call --ffi ctypes "$A/libdefaults-x86_64.so" > "$TMP/defaults_ctypes.py"
r=$(cd "$TMP" && python3 -c 'exec(open("defaults_ctypes.py").read()); print(abi_add(2, 3))' 2>&1)
expect_eq "ctypes stub loads libdefaults-x86_64.so and abi_add(2, 3) returns 5" "$r" 5
"$OI" call --ffi ctypes "$A/libcxx.so" _ZN2ns5twiceEi > "$TMP/cxx_ctypes.py"
r=$(cd "$TMP" && python3 -c 'exec(open("cxx_ctypes.py").read()); print(_ZN2ns5twiceEi(21))' 2>&1)
expect_eq "ctypes stub calls ns::twice(int) through its mangled name: 42" "$r" 42
grep -q '_ZN2ns5twiceEi.argtypes = \[ctypes.c_int\]' "$TMP/cxx_ctypes.py" &&
    pass "ctypes argtypes from the demangled signature" ||
    fail "ctypes argtypes from the demangled signature" "$(grep -n argtypes "$TMP/cxx_ctypes.py" | head -n 3)"

# PE stubs: valid Python, WinDLL for stdcall, the @N bytes noted
for f in abi-x86-mingw.dll msvcabi-x86.dll msvcabi-x64.dll defaults-x86_64.dll; do
    for k in ctypes cffi; do
        "$OI" call --ffi $k "$A/$f" > "$TMP/stub.py" 2>"$TMP/stub.err"
        if python3 -m py_compile "$TMP/stub.py" 2>"$TMP/pyc.err"; then
            pass "$k stub for $f is valid Python"
        else
            fail "$k stub for $f is valid Python" "$(head -n 3 "$TMP/pyc.err")"
        fi
    done
done
"$OI" call --ffi ctypes "$A/abi-x86-mingw.dll" > "$TMP/x86.py"
grep -q '^stdcall_fn_8_[0-9]* = _windll\["stdcall_fn@8"\]' "$TMP/x86.py" &&
    pass "ctypes: stdcall_fn@8 through WinDLL" ||
    fail "ctypes: stdcall_fn@8 through WinDLL" "$(grep -n stdcall_fn "$TMP/x86.py" | head -n 3)"
grep -q 'stdcall_fn@8: stdcall (decoration), 8 argument bytes' "$TMP/x86.py" &&
    pass "ctypes: the 8 argument bytes are noted" ||
    fail "ctypes: the 8 argument bytes are noted" "$(grep -n stdcall_fn "$TMP/x86.py" | head -n 3)"
grep -q 'ctypes cannot call the fastcall convention' "$TMP/x86.py" &&
    pass "ctypes: fastcall is refused, not bound wrongly" ||
    fail "ctypes: fastcall is refused" "$(grep -n -A2 fastcall "$TMP/x86.py" | head -n 4)"
"$OI" call --ffi cffi "$A/abi-x86-killat.dll" > "$TMP/x86cffi.py"
grep -q 'int cdecl_fn(void);' "$TMP/x86cffi.py" && pass "cffi: a cdef line per C function" ||
    fail "cffi: a cdef line per C function" "$(head -n 12 "$TMP/x86cffi.py")"

# hostile names cannot break out of the Python they are written into
python3 - "$TMP/evil.s" <<'PY'
import sys
names = ['evil"\nimport os', "evil'''x", 'evil"""x', "evil\\", "class", "ctypes"]
with open(sys.argv[1], "w") as f:
    f.write("\t.text\n")
    for i, n in enumerate(names):
        q = n.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        f.write('\t.globl "%s"\n\t.type "%s", @function\n"%s":\n\tret\n' % (q, q, q))
PY
if gcc -shared -nostdlib -o "$TMP/libevil.so" "$TMP/evil.s" 2>"$TMP/evil.err"; then
    for k in ctypes cffi; do
        "$OI" call --ffi $k "$TMP/libevil.so" > "$TMP/evil_$k.py"
        n=$(grep -c 'evil' "$TMP/evil_$k.py")
        [ "$n" -ge 5 ] && pass "$k stub lists the hostile names ($n lines)" ||
            fail "$k stub lists the hostile names" "$n lines name them"
        python3 -m py_compile "$TMP/evil_$k.py" 2>"$TMP/pyc.err" &&
            pass "$k stub with hostile names is valid Python" ||
            fail "$k stub with hostile names is valid Python" "$(head -n 3 "$TMP/pyc.err")"
        grep -q '^import os$' "$TMP/evil_$k.py" && [ "$(grep -c '^import os$' "$TMP/evil_$k.py")" -gt 1 ] &&
            fail "$k stub: no injected statement" "a name became code" || pass "$k stub: no injected statement"
    done
else
    fail "build libevil.so" "$(head -n 2 "$TMP/evil.err")"
fi
