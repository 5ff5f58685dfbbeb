#!/usr/bin/env python3
"""Check objinspect against the EXPECT lines of the ABI fixture sources.

usage: abi_expect.py OBJINSPECT FIXDIR SRCDIR [KIND...]
KIND selects which lines to check: abi (EXPECT-ABI: the file's
abi_callconv), export (EXPECT: one export's callconv, callconv_source,
callconv_argbytes, abi_flags, lang), tag (EXPECT-TAG, EXPECT-PROBLEM,
EXPECT-NOPROBLEM: the file's abi_tags); EXPECT-DIAG (a diagnostic's "where")
goes with abi. Every line names the fixture file
it is about; the value after it is what the fixture's source says a correct
reader must report. One PASS/FAIL line per expectation.
"""
import glob
import json
import os
import re
import subprocess
import sys

oi, fixdir, srcdir = sys.argv[1:4]
kinds = set(sys.argv[4:]) or {"abi", "export", "tag"}
docs = {}


def doc(fname):
    if fname not in docs:
        path = os.path.join(fixdir, fname)
        if not os.path.exists(path):
            docs[fname] = "missing fixture " + path
        else:
            r = subprocess.run([oi, "--json", path], capture_output=True, text=True)
            try:
                docs[fname] = json.loads(r.stdout.splitlines()[0])
            except (ValueError, IndexError):
                docs[fname] = "no JSON (exit %d): %s" % (r.returncode, r.stderr.strip()[:200])
    return docs[fname]


def report(ok, name, why=""):
    print(("PASS: %s" % name) if ok else ("FAIL: %s: %s" % (name, why)))


lines = []
for src in sorted(glob.glob(os.path.join(srcdir, "*"))):
    if src.endswith((".mk", ".py")):
        continue
    for ln in open(src, encoding="utf-8", errors="replace"):
        m = re.search(r"\b(EXPECT(?:-ABI|-TAG|-PROBLEM|-NOPROBLEM|-DIAG)?) (\S+\.(?:so|dll|o|dylib)\S*)(.*)$", ln)
        if m:
            rest = m.group(3).strip()
            rest = re.sub(r"\s*\*/\s*$", "", rest)
            lines.append((os.path.basename(src), m.group(1), m.group(2), rest))

for src, kind, fname, rest in lines:
    tag = "abi %s: %s %s" % (src, fname, rest)
    if kind == "EXPECT-ABI" and "abi" in kinds:
        want = rest.split()[0]
        d = doc(fname)
        if isinstance(d, str):
            report(False, tag, d)
        else:
            report(d.get("abi_callconv") == want, tag, "abi_callconv is %r" % d.get("abi_callconv"))
    elif kind == "EXPECT-DIAG" and "abi" in kinds:
        want = rest.split()[0]
        d = doc(fname)
        if isinstance(d, str):
            report(False, tag, d)
        else:
            wh = [x.get("where") for x in d.get("diagnostics", [])]
            report(want in wh, tag, "diagnostics: %r" % wh)
    elif kind == "EXPECT" and "export" in kinds:
        parts = rest.split()
        name, fields = parts[0], dict(p.split("=", 1) for p in parts[1:])
        d = doc(fname)
        if isinstance(d, str):
            report(False, tag, d)
            continue
        ex = [e for e in d["exports"] if e["name"] == name]
        if not ex:
            report(False, tag, "no export %r among %d" % (name, len(d["exports"])))
            continue
        e = ex[0]
        bad = []
        for k, v in fields.items():
            if k == "callconv" and e["callconv"] != v:
                bad.append("callconv %s" % e["callconv"])
            elif k == "source" and e["callconv_source"] != v:
                bad.append("source %s" % e["callconv_source"])
            elif k == "argbytes" and str(e.get("callconv_argbytes")) != v:
                bad.append("argbytes %s" % e.get("callconv_argbytes"))
            elif k == "lang" and e.get("lang") != v:
                bad.append("lang %s" % e.get("lang"))
            elif k == "rule":
                pass            # which rule row this line exercises (coverage check)
            elif k == "flags" and sorted(e.get("abi_flags", [])) != sorted(v.split(",")):
                bad.append("abi_flags %s" % e.get("abi_flags"))
        report(not bad, tag, ", ".join(bad))
    elif kind in ("EXPECT-TAG", "EXPECT-PROBLEM", "EXPECT-NOPROBLEM") and "tag" in kinds:
        d = doc(fname)
        if isinstance(d, str):
            report(False, tag, d)
            continue
        tags = d.get("abi_tags", {})
        probs = tags.get("problems", [])
        if kind == "EXPECT-TAG":
            k, _, v = rest.partition("=")
            report(tags.get(k) == v, tag, "%s is %r" % (k, tags.get(k)))
        elif kind == "EXPECT-PROBLEM":
            report(any(rest in p for p in probs), tag, "problems: %r" % probs)
        else:
            report(not probs, tag, "problems: %r" % probs)
