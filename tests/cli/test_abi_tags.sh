#!/bin/sh
# Per-file language and plugin tags (abi_tags) against the fixtures'
# EXPECT-TAG / EXPECT-PROBLEM lines, among them the CPython extension whose
# PyInit_<name> does not match its file name.
. "$(dirname "$0")/../lib.sh"
need python3 || exit 0
python3 "$(dirname "$0")/abi_expect.py" "$OI" "$FIX/abi" tests/fixtures/abi tag
