#!/bin/sh
# Replays every fuzz target's regression files (tests/fuzz/regress/<target>,
# the minimised findings) and its seeds (from the built fixtures) through
# the plain replay build of the target: no crash, no sanitizer report (under
# make check SANITIZE=1), no broken API promise, no input over its time.
. "$(dirname "$0")/../lib.sh"
here=$(dirname "$0")
sh "$here/seeds.sh" "$FIX" "$TMP/seeds" > "$TMP/seeds.log" 2>&1 ||
    fail "fuzz seeds" "$(cat "$TMP/seeds.log")"

replay() {  # NAME TARGET SECONDS DIR...
    name=$1 t=$2 secs=$3
    shift 3
    bin=$BUILD/tests/fuzz/replay-$t
    [ -x "$bin" ] || { fail "$name" "$bin not built"; return; }
    "$bin" -t "$secs" "$@" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    summary=$(grep '^replayed ' "$TMP/err")
    if [ $rc -ne 0 ] || grep -q -E 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$TMP/err"; then
        fail "$name" "exit $rc: $(grep -m 3 -E 'SLOW|ERROR|runtime error|SUMMARY' "$TMP/err" | tr '\n' ' ')"
    elif [ -z "$summary" ]; then
        fail "$name" "the replay did not finish: $(tail -n 2 "$TMP/err" | tr '\n' ' ')"
    else
        pass "$name ($summary)"
    fi
}

for t in probe elf pe macho resolve render; do
    mkdir -p "$TMP/empty"
    reg=$here/regress/$t
    [ -d "$reg" ] || reg=$TMP/empty
    replay "fuzz regressions: $t" "$t" 1 "$reg"
    n=$(ls "$TMP/seeds/$t" 2>/dev/null | wc -l)
    if [ "$n" -eq 0 ]; then fail "fuzz seeds: $t" "no seeds from $FIX"; continue; fi
    replay "fuzz seeds: $t" "$t" 2 "$TMP/seeds/$t"
done
