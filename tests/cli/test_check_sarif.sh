#!/bin/sh
# The CI outputs of check and diff: SARIF 2.1.0 must validate against the
# schema shipped in tests/fixtures/check (python3-jsonschema), with one rule
# per check and results carrying the artifact's location; JUnit XML must
# have one test case per check per artifact, with counts that agree with
# the JSON output of the same run.
. "$(dirname "$0")/../lib.sh"
C=$FIX/check
SCHEMA=$(dirname "$0")/../fixtures/check/sarif-schema-2.1.0.json
python3 -c 'import jsonschema' 2>/dev/null || { fail "python3-jsonschema" "not installed (make check installs it)"; exit 0; }

validate() {  # NAME FILE
    if python3 - "$SCHEMA" "$2" > "$TMP/why" 2>&1 <<'EOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:5]:
    print("/".join(map(str, e.path)), e.message[:200])
sys.exit(1 if errors else 0)
EOF
    then pass "$1 validates against the SARIF 2.1.0 schema"
    else fail "$1 validates against the SARIF 2.1.0 schema" "$(head -3 "$TMP/why")"; fi
}

# a policy that fails somewhere, a tree, and a named file that is not an object
printf 'export objinspect_absent_export\nrelro full\n' > "$TMP/p"
printf 'not an object\n' > "$TMP/notes.txt"
"$OI" check --sarif --policy "$TMP/p" "$C" "$FIX/elf" "$TMP/notes.txt" > "$TMP/s.sarif" 2>"$TMP/err"
expect_eq "check --sarif exit (a named non-object)" "$?" 2
validate "check --sarif" "$TMP/s.sarif"
"$OI" check --json --policy "$TMP/p" "$C" "$FIX/elf" "$TMP/notes.txt" > "$TMP/s.json" 2>/dev/null
"$OI" check --list --json > "$TMP/list.json"
python3 - "$TMP/s.sarif" "$TMP/s.json" "$TMP/list.json" > "$TMP/cmp" <<'EOF'
import json, sys, urllib.parse
def top(name):   # the artifact of a member "a.a(x.o)" or slice "f[arm64]"
    for o, c in (("(", ")"), ("[", "]")):
        if name.endswith(c) and o in name:
            return name[:name.rindex(o)]
    return name
def path(uri):
    return urllib.parse.unquote(uri[7:] if uri.startswith("file://") else uri)
sarif = json.load(open(sys.argv[1]))
docs = [json.loads(l) for l in open(sys.argv[2])]
table = json.load(open(sys.argv[3]))
run = sarif["runs"][0]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
print("rules", rules == [t["id"] for t in table])
want = sorted((top(d["file"]), c["id"]) for d in docs for c in d["checks"] if c["verdict"] == "fail")
got = []
ok_loc = True
for r in run["results"]:
    uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    got.append((path(uri), r["ruleId"]))
    ok_loc &= rules[r["ruleIndex"]] == r["ruleId"]
    ok_loc &= r["level"] in ("error", "warning")
print("results", sorted(got) == want, len(got) > 0)
print("ruleIndex", ok_loc)
notes = run["invocations"][0].get("toolExecutionNotifications", [])
errs = [d["file"] for d in docs if d["verdict"] == "error"]
print("notifications", [path(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for n in notes] == errs, len(errs))
print("success", run["invocations"][0]["executionSuccessful"] is False)
EOF
expect_eq "sarif: one rule per check, in table order" "$(sed -n 's/^rules //p' "$TMP/cmp")" True
expect_eq "sarif: one result per failed check, at its artifact" "$(sed -n 's/^results //p' "$TMP/cmp")" "True True"
expect_eq "sarif: ruleIndex names the rule" "$(sed -n 's/^ruleIndex //p' "$TMP/cmp")" True
expect_eq "sarif: the unreadable file is a notification" "$(sed -n 's/^notifications //p' "$TMP/cmp")" "True 1"
expect_eq "sarif: executionSuccessful is false on input errors" "$(sed -n 's/^success //p' "$TMP/cmp")" True

# a path that needs percent-encoding
mkdir -p "$TMP/dir with space"
cp "$C/soft-gcc" "$TMP/dir with space/soft%gcc"
"$OI" check --sarif "$TMP/dir with space" > "$TMP/sp.sarif"
validate "check --sarif, a path with a space and %" "$TMP/sp.sarif"
grep -q 'dir%20with%20space/soft%25gcc' "$TMP/sp.sarif" && pass "sarif: the uri is percent-encoded" \
    || fail "sarif: the uri is percent-encoded" "$(grep -o '"uri":"[^"]*"' "$TMP/sp.sarif" | head -1)"

# diff --sarif
"$OI" diff --sarif "$C/libabi-v1.so" "$C/libabi-v2.so" > "$TMP/d.sarif"
validate "diff --sarif" "$TMP/d.sarif"

# ---- JUnit
"$OI" check --junit --policy "$TMP/p" "$C" "$FIX/elf" "$TMP/notes.txt" > "$TMP/j.xml" 2>/dev/null
expect_eq "check --junit exit" "$?" 2
python3 - "$TMP/j.xml" "$TMP/s.json" > "$TMP/jcmp" <<'EOF'
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
docs = [json.loads(l) for l in open(sys.argv[2])]   # in the same order as the suites
ok = root.tag == "testsuites"
tot = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
suites = root.findall("testsuite")
for idx, s in enumerate(suites):
    cases = s.findall("testcase")
    n = {"tests": len(cases),
         "failures": sum(len(c.findall("failure")) for c in cases),
         "errors": sum(len(c.findall("error")) for c in cases),
         "skipped": sum(len(c.findall("skipped")) for c in cases)}
    for k in n:
        ok &= int(s.get(k)) == n[k]
        tot[k] += n[k]
    d = docs[idx] if idx < len(docs) else None
    ok &= d is not None and d["file"] == s.get("name")
    if d:
        ok &= n["tests"] == len(d["checks"]) + (1 if d["verdict"] == "error" else 0)
        ok &= n["failures"] == d["summary"]["failed"]
        ok &= [c.get("name") for c in cases if c.get("name") != "open"] == [c["id"] for c in d["checks"]]
for k in tot:
    ok &= int(root.get(k)) == tot[k]
print(ok, len(suites) == len(docs))
EOF
expect_eq "junit: one test case per check per artifact, counts agree with --json" "$(cat "$TMP/jcmp")" "True True"
"$OI" diff --junit "$C/libabi-v1.so" "$C/libabi-v2.so" > "$TMP/dj.xml"
python3 -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); print(r.tag, len(r.findall("testsuite/testcase")))' "$TMP/dj.xml" > "$TMP/djc"
expect_eq "diff --junit: one test case per change kind" "$(cat "$TMP/djc")" "testsuites 11"
