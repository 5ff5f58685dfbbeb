#!/bin/sh
# Runs every test and ends with the line "N passed, N failed".
#  - the C unit tests (cmocka): one PASS/FAIL per test case
#  - every tests/*/test_*.sh: PASS:/FAIL: lines; a script that dies without
#    reporting counts as a failure
# Environment: BUILD, FIX.
: "${BUILD:=build}" "${FIX:=build/fixtures}"
export BUILD FIX
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0 failed=0

count() {  # count PASS/FAIL lines of $log, echoing failures
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    grep '^FAIL: ' "$log"
    passed=$((passed + p)); failed=$((failed + f))
}

echo "== unit tests"
if "$BUILD/unit-tests" >"$log" 2>&1; then :; fi
sed -n 's/^\[       OK \] /PASS: unit: /p; s/^\[  FAILED  \] \([a-z_0-9]*\)$/FAIL: unit: \1/p' "$log" > "$log.2"
mv "$log.2" "$log"
[ -s "$log" ] || echo "FAIL: unit: the unit-test binary reported nothing" > "$log"
count

for t in tests/*/test_*.sh; do
    [ -f "$t" ] || continue
    echo "== $t"
    sh "$t" >"$log" 2>&1
    rc=$?
    if [ $rc -ne 0 ] && ! grep -q '^\(PASS\|FAIL\): ' "$log"; then
        echo "FAIL: $t: exited $rc without reporting" >>"$log"
        tail -n 5 "$log"
    fi
    if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' "$log"; then
        echo "FAIL: $t: exited $rc" >>"$log"
    fi
    count
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
