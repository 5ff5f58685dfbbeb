#!/bin/sh
# The bind conformance script (tests/conformance/bind.sh) on the fixtures and
# on 60 system programs and 20 system libraries: every binding against
# glibc's LD_DEBUG=bindings, every PE and Mach-O import against
# llvm-readobj / llvm-objdump. One PASS line when it ends with 0 mismatches.
. "$(dirname "$0")/../lib.sh"
need llvm-readobj-16 || exit 0
need llvm-objdump-16 || exit 0
SYSTEM=${SYSTEM:-60} SYSLIBS=${SYSLIBS:-20} BUILD=$BUILD sh "$(dirname "$0")/../conformance/bind.sh" "$FIX" > "$TMP/out" 2>&1
rc=$?
summary=$(grep '^conformance bind:' "$TMP/out")
sysp=$(echo "$summary" | sed -n 's/.* \([0-9]*\) system programs.*/\1/p')
if [ $rc -eq 0 ] && [ -n "$sysp" ] && [ "$sysp" -ge 50 ] && echo "$summary" | grep -q ' 0 mismatches'; then
    pass "conformance bind ($summary)"
else
    fail "conformance bind" "exit $rc: $(grep -m 5 'MISMATCH\|Error\|error' "$TMP/out" | tr '\n' ' ') $summary"
fi
