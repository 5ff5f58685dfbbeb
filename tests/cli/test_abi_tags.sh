#!/bin/sh
# Per-file language and plugin tags (abi_tags) against the fixtures'
# EXPECT-TAG / EXPECT-PROBLEM lines, among them the CPython extension whose
# PyInit_<name> does not match its file name.
. "$(dirname "$0")/../lib.sh"
need python3 || exit 0
python3 "$(dirname "$0")/abi_expect.py" "$OI" "$FIX/abi" tests/fixtures/abi tag

# a DLL's entry point (DllMain) against llvm-readobj's AddressOfEntryPoint
f=$FIX/abi/abi-x86-mingw.dll
want=$(llvm-readobj-16 --file-headers "$f" | awk '/AddressOfEntryPoint:/ {print $2}')
got=$("$OI" --json "$f" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["abi_tags"].get("dll_entry", "").split()[0])')
[ -n "$want" ] && [ "$((got))" = "$((want))" ] && pass "dll_entry $got is the AddressOfEntryPoint" ||
    fail "dll_entry is the AddressOfEntryPoint" "got '$got', llvm-readobj says '$want'"
