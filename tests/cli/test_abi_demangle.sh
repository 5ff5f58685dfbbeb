#!/bin/sh
# Demangling: hostile names end quickly with the name unchanged (no crash,
# no runaway recursion or output), and -C shows the demangled names in text
# output the way c++filt / llvm-undname-16 print them.
. "$(dirname "$0")/../lib.sh"
need python3 && need c++filt && need llvm-undname-16 || exit 0

# hostile: nesting far past the depth cap, back-references that would print
# exponentially long text, and a very long name
python3 - > "$TMP/hostile.txt" <<'PY'
deep_ptr = "?f@@YAX" + "PEAP6AX" * 3000 + "@Z" * 3000
deep_tmpl = "?f@@YAX" + "V?$a@" * 3000 + "H" + "@@" * 3000 + "@Z"
# each function-pointer parameter type is memorized and reused twice
expo = "?f@@YAXP6AXHH@ZP6AX00@ZP6AX11@ZP6AX22@ZP6AX33@ZP6AX44@ZP6AX55@ZP6AX66@ZP6AX77@Z88@Z"
long_name = "?" + "a" * 200000 + "@@YAXXZ"
itanium_deep = "_Z1f" + "P" * 20000 + "v"
itanium_tmpl = "_Z1fI" + "St6vectorI" * 5000 + "i" + "E" * 5000 + "Ev"
d_deep = "_D1a" + "A" * 20000 + "i"  # a variable of type char[][]...[]
for s in (deep_ptr, deep_tmpl, expo, long_name, itanium_deep, itanium_tmpl, d_deep):
    print(s)
PY
if timeout 20 "$OI" demangle < "$TMP/hostile.txt" > "$TMP/hostile.out" 2>&1; then
    pass "hostile names: demangle returns"
else
    fail "hostile names: demangle returns" "exit $? $(head -c 300 "$TMP/hostile.out")"
fi
n=$(wc -l < "$TMP/hostile.out")
expect_eq "hostile names: one output line each" "$n" 7
# the first two nest past the cap: printed as they came in
expect_eq "deep pointer nesting is rejected, not followed" \
    "$(sed -n 1p "$TMP/hostile.out")" "$(sed -n 1p "$TMP/hostile.txt")"
expect_eq "deep template nesting is rejected, not followed" \
    "$(sed -n 2p "$TMP/hostile.out")" "$(sed -n 2p "$TMP/hostile.txt")"
# the exponential one is either rejected or demangled like llvm-undname
peer=$(sed -n 3p "$TMP/hostile.txt" | llvm-undname-16 2>/dev/null | sed -n 2p)
ours=$(sed -n 3p "$TMP/hostile.out")
if [ "$ours" = "$(sed -n 3p "$TMP/hostile.txt")" ] || [ "$ours" = "$peer" ]; then
    pass "exponential back-references: rejected or equal to llvm-undname (${#ours} chars)"
else
    fail "exponential back-references" "ours ${#ours} chars, llvm-undname ${#peer}"
fi
# c++filt -s dlang follows all 20,000 levels (it has no depth cap for D)
expect_eq "deep D nesting is rejected, not followed" \
    "$(sed -n 7p "$TMP/hostile.out")" "$(sed -n 7p "$TMP/hostile.txt")"

# substitution bombs: each level of these names refers twice to the level
# before, so the text doubles per level (Itanium S_ substitutions, Rust v0
# B back references, D Q type back references). Small ones print as c++filt prints them; once
# c++filt's text passes 256 KiB, ours is the name unchanged, at once (the
# old code followed c++filt: 2.6 GB and 20 s for the 30-level Itanium one;
# c++filt -s dlang: 12 s and 1.1 GB for 24 levels of the D one)
python3 - > "$TMP/bombs.txt" <<'PY'
B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
def b36(n):
    s = ""
    while True:
        s = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 36] + s
        n //= 36
        if n == 0:
            return s
def sub(i):
    return "S_" if i < 0 else "S" + b36(i) + "_"
def itanium(k):  # f(A<int>, A<A<int>,A<int>>, ...)
    return "_Z1f1AIiE" + "".join("S_I%s%sE" % (sub(j - 1), sub(j - 1)) for j in range(1, k))
def b62(n):
    if n == 0:
        return "_"
    n -= 1
    s = ""
    while True:
        s = B62[n % 62] + s
        n //= 62
        if n == 0:
            return s + "_"
def rust(k):  # a::f::<((T, T), (T, T)) ...>, each inner tuple a back reference
    def build(j, pos):
        if j == 0:
            return "l"
        inner = build(j - 1, pos + 1)
        return "T" + inner + "B" + b62(pos + 1) + "E"
    return "_RINvC1a1f" + build(k, 8) + "E"
def b26(n):
    s = chr(ord("a") + n % 26)
    n //= 26
    while n:
        s = chr(ord("A") + n % 26) + s
        n //= 26
    return s
def dlang(k):  # a.f(char[], void function(T, T)*, ...): Q points at the last T
    s = "_D1a1fF"
    last = len(s)
    s += "Aa"
    for _ in range(k):
        start = len(s)
        s += "PF"
        s += "Q" + b26(len(s) - last)
        s += "Q" + b26(len(s) - last)
        s += "Zv"
        last = start
    return s + "Zv"
for style, make in (("auto", itanium), ("auto", rust), ("dlang", dlang)):
    for k in (8, 12, 16):
        print(style, make(k))
# 30 levels: 2^14 times the text of 16, never given to c++filt (2.6 GB)
print("auto", itanium(30))
print("auto", rust(30))
print("dlang", dlang(30))
PY
i=0
while read -r style name; do
    i=$((i + 1))
    t0=$(date +%s%N)
    ours=$("$OI" demangle "$name" < /dev/null)
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ "$ms" -lt 1000 ] && pass "substitution bomb $i: ${ms} ms" || fail "substitution bomb $i takes under 1 s" "${ms} ms"
    if [ "$i" -gt 9 ]; then
        expect_eq "substitution bomb $i (30 levels, beyond the 16 of bombs 3, 6 and 9): left mangled" "$ours" "$name"
        continue
    fi
    peer_len=$(c++filt -s "$style" "$name" < /dev/null | wc -c)
    if [ "$peer_len" -le 262144 ]; then
        expect_eq "substitution bomb $i (c++filt: $peer_len bytes): as c++filt" "$ours" "$(c++filt -s "$style" "$name" < /dev/null)"
    else
        expect_eq "substitution bomb $i (c++filt: over 256 KiB): left mangled" "$ours" "$name"
    fi
done < "$TMP/bombs.txt"

# Real D names, written by others: every D export of Debian's libgphobos
# (the D standard library) prints as c++filt -s dlang prints it (objinspect
# escapes a backslash as two, so c++filt's are doubled here)
phobos=$(ls /usr/lib/*/libgphobos.so.[0-9]* 2>/dev/null | head -n 1)
if [ -n "$phobos" ]; then
    nm -D --defined-only "$phobos" | awk '$3 ~ /^_D[0-9]/ { sub(/@.*/, "", $3); print $3 }' |
        sort -u > "$TMP/dnames.txt"
    "$OI" demangle < "$TMP/dnames.txt" > "$TMP/d.ours"
    c++filt -s dlang < "$TMP/dnames.txt" | sed 's/\\/\\\\/g' > "$TMP/d.peer"
    total=$(wc -l < "$TMP/dnames.txt")
    changed=$(paste -d '\n' "$TMP/dnames.txt" "$TMP/d.peer" | awk 'NR % 2 { n = $0; next } $0 != n { c++ } END { print c + 0 }')
    differ=$(paste -d '\n' "$TMP/d.ours" "$TMP/d.peer" | awk 'NR % 2 { o = $0; next } $0 != o { c++ } END { print c + 0 }')
    [ "$total" -gt 10000 ] && [ "$changed" -gt $((total * 9 / 10)) ] &&
        pass "libgphobos: $total D names, $changed demangled by c++filt" ||
        fail "libgphobos: over 10,000 D names that c++filt demangles" "$total names, $changed demangled"
    expect_eq "libgphobos: D names differing from c++filt -s dlang (of $total)" "$differ" 0
else
    fail "libgphobos: D names against c++filt" "no libgphobos.so (make deps-test installs libgphobos3)"
fi

# -C in text output, against c++filt, once the ELF export table is there
lib=$FIX/abi/libcxx.so
want=$(c++filt _ZN2ns5twiceEi)
if "$OI" exports "$lib" | grep -q _ZN2ns5twiceEi; then
    "$OI" exports -C "$lib" | grep -qF "$want" && pass "exports -C shows $want" ||
        fail "exports -C shows $want" "$("$OI" exports -C "$lib" | head -n 5)"
    "$OI" -C "$lib" | grep -qF "$want" && pass "summary -C shows $want" ||
        fail "summary -C shows $want" "$("$OI" -C "$lib" | head -n 8)"
    "$OI" exports "$lib" | grep -qF "$want" && fail "exports without -C stays mangled" "demangled" ||
        pass "exports without -C stays mangled"
else
    fail "exports -C on libcxx.so" "no exports listed yet (the ELF parser has not landed)"
fi

# the demangle command itself, against both peers
expect_eq "demangle: Itanium as c++filt" "$("$OI" demangle _ZNK2ns6Widget3getEv)" \
    "$(c++filt _ZNK2ns6Widget3getEv)"
expect_eq "demangle: Rust v0 as c++filt" "$("$OI" demangle _RNvCs1234_7mycrate5hello)" \
    "$(c++filt _RNvCs1234_7mycrate5hello)"
expect_eq "demangle: D as c++filt -s dlang" "$("$OI" demangle _D5mymod5helloFZv)" \
    "$(c++filt -s dlang _D5mymod5helloFZv)"
# the peers really demangle these (the comparisons above are not of two echoes)
for n in _ZNK2ns6Widget3getEv _RNvCs1234_7mycrate5hello _D5mymod5helloFZv '?get@Widget@ns@@QBEHXZ'; do
    [ "$("$OI" demangle "$n")" != "$n" ] && pass "demangle: $n changes" || fail "demangle: $n changes" "unchanged"
done
expect_eq "demangle: MSVC as llvm-undname" "$("$OI" demangle '?get@Widget@ns@@QBEHXZ')" \
    "$(llvm-undname-16 '?get@Widget@ns@@QBEHXZ' | sed -n 2p)"
expect_eq "demangle: Swift is recognised, not demangled" "$("$OI" demangle '$s4main5helloyyF')" '$s4main5helloyyF'
