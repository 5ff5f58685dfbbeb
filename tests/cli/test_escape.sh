#!/bin/sh
# The escaping of names in text and JSON output (tools/escape.c) against the
# README's rules, computed independently here: text passes printable ASCII
# and valid UTF-8 (no overlong forms, surrogates, code points past U+10FFFF
# or C1 controls), a backslash becomes \\ and any other byte \xNN; JSON
# escapes '"' and '\' with a backslash, and a control byte, DEL or a byte of
# no valid UTF-8 sequence as \u00NN. Strings of every length around the
# 16-byte blocks the fast path tests, with a special byte at every position.
. "$(dirname "$0")/../lib.sh"
need cc || exit 0
need python3 || exit 0
# under make check SANITIZE=1 the harness runs under ASan+UBSan too (a read
# past a string's NUL is then an error)
case "$BUILD" in *san*) SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" ;; esac
cc -std=c11 -D_DEFAULT_SOURCE -O2 ${SANFLAGS:-} -Iinclude -o "$TMP/esc" tests/cli/escape_harness.c \
    tools/escape.c tools/obuf.c || { fail "escape harness builds" "cc failed"; exit 0; }
python3 - "$TMP" <<'PY'
import random, sys
tmp = sys.argv[1]
rnd = random.Random(9)
specials = [b"\\", b'"', b"\x00"[:0] + b"\x01", b"\x1b", b"\x7f", b"\x80", b"\xc2\x80", b"\xc2\xa0",
            b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf",
            b"\xf4\x90\x80\x80", b"\xff", b"\xc3", b"\xe2\x82", b"\x1f", b"\x20", b"~", b"\t", b"\n"]
cases = [b""]
for n in range(0, 50):
    for pos in range(0, n + 1, max(1, n // 7) if n else 1):
        for sp in rnd.sample(specials, 3):
            base = bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz_0123456789@.$") for _ in range(n))
            cases.append(base[:pos] + sp + base[pos:])
        cases.append(bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(n)))
for _ in range(3000):
    cases.append(bytes(rnd.randrange(1, 256) for _ in range(rnd.randrange(0, 80))))
with open(tmp + "/in", "w") as f:
    for c in cases:
        f.write(c.hex() + "\n")

def utf8_len(s, i):
    c = s[i]
    if c < 0x80:
        return 1
    if c & 0xe0 == 0xc0: n, cp, mn = 2, c & 0x1f, 0x80
    elif c & 0xf0 == 0xe0: n, cp, mn = 3, c & 0x0f, 0x800
    elif c & 0xf8 == 0xf0: n, cp, mn = 4, c & 0x07, 0x10000
    else: return 0
    for k in range(1, n):
        if i + k >= len(s) or s[i + k] & 0xc0 != 0x80:
            return 0
        cp = cp << 6 | (s[i + k] & 0x3f)
    if cp < mn or cp > 0x10ffff or 0xd800 <= cp <= 0xdfff or 0x80 <= cp <= 0x9f:
        return 0
    return n

def text(s):
    out, i = b"", 0
    while i < len(s):
        c = s[i]
        if c == 0x5c: out += b"\\\\"; i += 1; continue
        if 0x20 <= c < 0x7f: out += bytes([c]); i += 1; continue
        n = utf8_len(s, i) if c >= 0x80 else 0
        if n: out += s[i:i + n]; i += n
        else: out += b"\\x%02x" % c; i += 1
    return out

def js(s):
    out, i = b'"', 0
    while i < len(s):
        c = s[i]
        if c in (0x22, 0x5c): out += b"\\" + bytes([c]); i += 1; continue
        if c < 0x20 or c == 0x7f: out += b"\\u%04x" % c; i += 1; continue
        if c < 0x80: out += bytes([c]); i += 1; continue
        n = utf8_len(s, i)
        if n: out += s[i:i + n]; i += n
        else: out += b"\\u%04x" % c; i += 1
    return out + b'"'

with open(tmp + "/expect", "wb") as f:
    for c in cases:
        f.write(text(c) + b"\n" + text(c) + b"\n" + js(c) + b"\n")
print(len(cases), file=open(tmp + "/count", "w"))
PY
"$TMP/esc" < "$TMP/in" > "$TMP/out"
if cmp -s "$TMP/out" "$TMP/expect"; then
    pass "escaping: $(cat "$TMP/count") strings, text (FILE and buffer) and JSON, as the README says"
else
    fail "escaping" "$(diff "$TMP/out" "$TMP/expect" | head -5)"
fi
