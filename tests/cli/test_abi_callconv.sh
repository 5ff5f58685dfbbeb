#!/bin/sh
# The calling-convention rule table against its fixtures: every EXPECT line
# in tests/fixtures/abi/* (what the source says a correct reader reports)
# is checked against objinspect's JSON. ABI defaults need only the headers;
# the per-export rows need the format's export table.
. "$(dirname "$0")/../lib.sh"
need python3 || exit 0
python3 "$(dirname "$0")/abi_expect.py" "$OI" "$FIX/abi" tests/fixtures/abi abi export

# Every rule row has a fixture. File rows: each row's ABI name (the first
# string of the row in src/abi/callconv.c) is the "ABI:" line of some
# fixture's summary. Export rows: each rule name is named by rule= on an
# EXPECT line (whose values the check above compares).
python3 - "$OI" "$FIX/abi" <<'PY'
import glob, os, re, subprocess, sys
oi, fixdir = sys.argv[1:3]
src = open("src/abi/callconv.c").read()
ftab = src[src.index("file_rules[] = {"):src.index("};", src.index("file_rules[] = {"))]
names = re.findall(r'OI_CC_[A-Z0-9_]+,\s*"([^"]+)"', ftab)
seen = set()
for f in sorted(glob.glob(os.path.join(fixdir, "*"))):
    out = subprocess.run([oi, f], capture_output=True, text=True, errors="replace").stdout
    for m in re.finditer(r"^  ABI: (.*) \([a-z0-9_-]+\)$", out, re.M):
        seen.add(m.group(1))
for n in names:
    print(("PASS: file rule row %r has a fixture" % n) if n in seen else
          ("FAIL: file rule row %r has a fixture: no fixture's summary shows it" % n))
etab = src[src.index("export_rules[] = {"):]
rules = re.findall(r'\{ "([a-z0-9+-]+)", rule_', etab)
tagged = set()
for s in glob.glob("tests/fixtures/abi/*"):
    tagged |= set(re.findall(r"\brule=([a-z0-9+-]+)", open(s, errors="replace").read()))
for r in rules:
    print(("PASS: export rule row %s has a fixture" % r) if r in tagged else
          ("FAIL: export rule row %s has a fixture: no EXPECT line names it" % r))
PY
