#!/bin/sh
# The calling-convention rule table against its fixtures: every EXPECT line
# in tests/fixtures/abi/* (what the source says a correct reader reports)
# is checked against objinspect's JSON. ABI defaults need only the headers;
# the per-export rows need the format's export table.
. "$(dirname "$0")/../lib.sh"
need python3 || exit 0
python3 "$(dirname "$0")/abi_expect.py" "$OI" "$FIX/abi" tests/fixtures/abi abi export
