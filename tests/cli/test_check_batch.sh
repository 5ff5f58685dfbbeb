#!/bin/sh
# Batch runs of objinspect check over a tree built here: a symlink to a file
# counts once, non-objects are skipped silently, -j N gives the same output
# as -j 1, JSON Lines has one document per file, the progress line appears
# only when asked (stderr here is not a terminal), and peak memory does not
# grow with the number of files.
. "$(dirname "$0")/../lib.sh"
C=$FIX/check
T=$TMP/tree
mkdir -p "$T/sub/deeper" "$TMP/outside"
cp "$C/hardened-gcc" "$T/a.bin"
cp "$C/soft-gcc" "$T/sub/b.bin"
cp "$C/libtextrel.so" "$T/sub/deeper/c.so"
cp "$FIX/pe/callconv-x86_64.dll" "$T/d.dll"
ln -s a.bin "$T/link-to-a"                     # inside the tree: a counts once
ln -s ../a.bin "$T/sub/another-link-to-a"
cp "$C/libopen-only.so" "$TMP/outside/e.so"
ln -s "$TMP/outside/e.so" "$T/link-out-1"      # outside the tree: e counts once
ln -s "$TMP/outside/e.so" "$T/sub/link-out-2"
ln "$T/sub/b.bin" "$T/hardlink-to-b"           # a hard link: b counts once
ln -s .. "$T/sub/loop"                         # a directory link: not followed
ln -s nowhere "$T/dangling"
printf 'plain text\n' > "$T/notes.txt"          # not objects: skipped silently
: > "$T/empty"
head -c 3000 /dev/urandom | tr '\177MZ\312\317\316!' 'aaaaaaa' > "$T/random.bin"

"$OI" check --json "$T" > "$TMP/j1" 2>"$TMP/e1"; rc=$?
if [ $rc -gt 1 ]; then fail "batch: exit" "exit $rc: $(cat "$TMP/e1")"; fi
expect_eq "batch: nothing on stderr (not a terminal, non-objects silent)" "$(cat "$TMP/e1")" ""
expect_eq "batch: one JSON document per object file" "$(wc -l < "$TMP/j1")" 5
python3 - "$TMP/j1" > "$TMP/names" <<'EOF' || fail "batch: JSON Lines parse" "see above"
import json, os, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    st = os.stat(d["file"])
    print("%d:%d" % (st.st_dev, st.st_ino))
EOF
ino() { stat -L -c %d:%i "$1"; }
for f in a.bin sub/b.bin sub/deeper/c.so d.dll; do
    n=$(grep -c "^$(ino "$T/$f")\$" "$TMP/names")
    expect_eq "batch: $f counted once" "$n" 1
done
expect_eq "batch: a file outside, linked twice, counted once" \
    "$(grep -c "^$(ino "$TMP/outside/e.so")\$" "$TMP/names")" 1
grep -q 'notes.txt\|empty\|random.bin\|dangling' "$TMP/j1" && fail "batch: non-objects skipped" "listed" \
    || pass "batch: non-objects skipped"

# -j 4 writes the same documents in the same order
"$OI" check --json -j 4 "$T" > "$TMP/j4" 2>/dev/null
cmp -s "$TMP/j1" "$TMP/j4" && pass "batch: -j 4 output equals -j 1" || fail "batch: -j 4 output equals -j 1" "differs"
"$OI" check --json -j4 "$T" > "$TMP/j4b" 2>/dev/null
cmp -s "$TMP/j1" "$TMP/j4b" && pass "batch: -j4 spelling" || fail "batch: -j4 spelling" "differs"

# text mode: exactly one verdict line (not indented) per file
"$OI" check -j 2 "$T" > "$TMP/t" 2>/dev/null
expect_eq "batch: one verdict line per file" "$(grep -c '^[^ ]' "$TMP/t")" 5
"$OI" check -q "$T" > "$TMP/q" 2>/dev/null
expect_eq "batch: -q prints only verdict lines" "$(wc -l < "$TMP/q")" 5

# the exit code: 1 when a check of severity error fails (soft-gcc is no PIE)
"$OI" check -q "$T" >/dev/null 2>&1
expect_eq "batch: exit 1 when a check fails" "$?" 1
# 2 beats 1: a named file that is not an object
"$OI" check -q "$T" "$T/notes.txt" >/dev/null 2>&1
expect_eq "batch: exit 2 when a named file is not an object" "$?" 2

# the progress line goes to stderr only when asked for (or on a terminal)
"$OI" check -q --progress "$T" >/dev/null 2>"$TMP/p"
# the bar counts every file examined (8: the 5 objects and the 3 non-objects)
grep -q '\] 8/8 ' "$TMP/p" && pass "batch: --progress draws a bar with the file count" \
    || fail "batch: --progress draws a bar with the file count" "$(od -c "$TMP/p" | head -3)"

# peak memory does not depend on the number of files: 10 files and 400.
# Under ASan, freed memory waits in a quarantine (256 MiB by default) and
# RSS grows with every free; with the quarantine off it measures us again.
rss() {  # DIR -> peak RSS in KiB of a check over DIR
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" python3 - "$OI" "$1" <<'EOF'
import resource, subprocess, sys
subprocess.run([sys.argv[1], "check", "-q", "-j", "2", sys.argv[2]],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
}
mkdir -p "$TMP/few" "$TMP/many"
i=0
while [ $i -lt 400 ]; do
    [ $i -lt 10 ] && cp "$C/libopen-only.so" "$TMP/few/f$i.so"
    cp "$C/libopen-only.so" "$TMP/many/f$i.so"
    i=$((i + 1))
done
few=$(rss "$TMP/few")
many=$(rss "$TMP/many")
if [ "$many" -le $((few + 2048)) ]; then
    pass "batch: peak RSS with 400 files (${many} KiB) within 2 MiB of 10 files (${few} KiB)"
else
    fail "batch: peak RSS independent of the file count" "10 files ${few} KiB, 400 files ${many} KiB"
fi
"$OI" check --json "$TMP/many" > "$TMP/jm" 2>/dev/null
expect_eq "batch: 400 files, 400 documents" "$(wc -l < "$TMP/jm")" 400
