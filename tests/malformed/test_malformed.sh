#!/bin/sh
# Every malformed case of tests/malformed/gen.py (named mutations of the
# built fixtures), run through objinspect with each of its commands. Per
# run: the expected exit code (0 or 2); exactly one line on stderr for 2,
# none for 0; no sanitizer report; no raw terminal control byte on stdout;
# under 1 second; peak RSS under 64 MiB. The expected substring is checked
# in the first command's stderr or stdout. One PASS/FAIL line per case.
. "$(dirname "$0")/../lib.sh"
here=$(dirname "$0")
need python3 || exit 0
timer=/usr/bin/time
[ -x "$timer" ] || { fail "malformed: GNU time" "/usr/bin/time is not installed (package time)"; exit 0; }
if ! python3 "$here/gen.py" "$FIX" "$TMP/mal" > "$TMP/gen.log" 2>&1; then
    fail "malformed: generator" "$(cat "$TMP/gen.log")"
fi
[ -f "$TMP/mal/manifest.tsv" ] || exit 0
TIME_LIMIT=1.0 RSS_LIMIT_KB=65536

# run_one CMD CASE: sets rc, secs, kb; output in $TMP/out, $TMP/err
run_one() {
    # shellcheck disable=SC2086
    set -- $(echo "$1" | sed "s|FILE|$2|g")
    "$timer" -o "$TMP/time" -f '%e %M' "$OI" "$@" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    secs=$(cut -d' ' -f1 "$TMP/time" | tail -n 1)
    kb=$(cut -d' ' -f2 "$TMP/time" | tail -n 1)
}

tab=$(printf '\t')
n=0 waiting=0
while IFS="$tab" read -r name cls exit stream sub cmds; do
    n=$((n + 1))
    case $exit in
        MISSING) fail "malformed: $name" "fixture $sub missing"; continue ;;
        BROKEN) fail "malformed: $name" "the mutation no longer applies to $sub"; continue ;;
        WAITING) waiting=$((waiting + 1)); continue ;;
    esac
    file=$TMP/mal/cases/$name
    why=
    first=1
    IFS=';'
    for cmd in $cmds; do
        IFS=' '
        run_one "$cmd" "$file"
        lines=$(wc -l < "$TMP/err")
        label="'objinspect $(echo "$cmd" | sed 's|FILE|CASE|')'"
        if grep -q -E 'AddressSanitizer|LeakSanitizer|runtime error:|ThreadSanitizer' "$TMP/err"; then
            why="$label: sanitizer report: $(grep -m 1 -E 'SUMMARY|runtime error' "$TMP/err")"
        elif [ "$rc" != "$exit" ]; then
            why="$label exited $rc, expected $exit: $(head -n 2 "$TMP/err" | tr '\n' ' ')"
        elif [ "$exit" = 2 ] && [ "$lines" -ne 1 ]; then
            why="$label printed $lines lines on stderr, expected exactly one"
        elif [ "$exit" = 0 ] && [ "$lines" -ne 0 ]; then
            why="$label printed on stderr: $(head -n 2 "$TMP/err" | tr '\n' ' ')"
        elif LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$TMP/out"; then
            why="$label let a raw control byte reach stdout"
        elif awk -v s="$secs" -v l="$TIME_LIMIT" 'BEGIN { exit !(s + 0 >= l + 0) }'; then
            why="$label took $secs s (limit $TIME_LIMIT s)"
        elif [ "${kb:-0}" -ge "$RSS_LIMIT_KB" ]; then
            why="$label peaked at $kb KB RSS (limit $RSS_LIMIT_KB KB)"
        elif [ $first = 1 ] && ! grep -q -F -- "$sub" "$TMP/$( [ "$stream" = stderr ] && echo err || echo out)"; then
            why="$label: '$sub' not in its $stream: $(head -c 300 "$TMP/$( [ "$stream" = stderr ] && echo err || echo out)" | tr '\n' ' ')"
        fi
        first=0
        [ -n "$why" ] && break
        IFS=';'
    done
    IFS=' '
    if [ -n "$why" ]; then fail "malformed: $name ($cls)" "$why"
    else pass "malformed: $name ($cls)"; fi
done < "$TMP/mal/manifest.tsv"
[ "$n" -gt 0 ] || fail "malformed: cases" "the generator wrote none"
# not a result: cases written ahead of their parser, run once it is in the tree
[ "$waiting" -eq 0 ] || echo "malformed: $waiting cases wait for their parser (gen.py requires=)"
