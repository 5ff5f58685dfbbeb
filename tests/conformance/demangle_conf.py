#!/usr/bin/env python3
"""Demangling conformance: objinspect's "demangled" against c++filt
(Itanium, Rust, D) and llvm-undname-16 (MSVC), whitespace ignored.

usage: demangle_conf.py OBJINSPECT DIR
Every object file under DIR (fat slices and archive members too) is read
with `objinspect --json`; each export whose name is mangled is compared.
For a file whose format objinspect cannot list exports of yet, the names
come from a peer (nm -D for ELF, llvm-objdump -p for PE) and go through
`objinspect demangle`, and the file is marked "(peer names)".
Ends with: conformance demangle: N files, M symbols, K mismatches
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from undname_cmp import peer_gnu, peer_msvc  # noqa: E402

oi, top = sys.argv[1], sys.argv[2]


def gnu_name(n):
    """Itanium (_Z), Rust v0 (_R then a path tag or a number) or D (_D then
    a number, or _Dmain): the names libiberty is asked about."""
    return (n.startswith(("_Z", "_GLOBAL_")) or re.match(r"_R[0-9CMXYNIB]", n) is not None or
            re.match(r"_D[0-9]", n) is not None or n == "_Dmain")


def leaves(doc):
    if doc.get("format") in ("macho-fat", "ar"):
        for c in doc.get("slices", []) + doc.get("members", []):
            yield from leaves(c)
    else:
        yield doc


def peer_names(path, fmt):
    if fmt == "elf":
        out = subprocess.run(["nm", "-D", "--defined-only", path], capture_output=True,
                             text=True, errors="replace").stdout
        return sorted({l.split()[-1].split("@")[0] for l in out.splitlines() if l.split()})
    if fmt == "pe":
        out = subprocess.run(["llvm-objdump-16", "-p", path], capture_output=True, text=True,
                             errors="replace").stdout
        names, on = [], False
        for l in out.splitlines():
            if "Ordinal      RVA  Name" in l:
                on = True
                continue
            if on and not l.strip():
                on = False
            if on:
                f = l.split()
                if len(f) >= 3 and not f[2].startswith("("):
                    names.append(f[2])
        return names
    return []


files = symbols = mismatches = skipped = 0
gnu_q, msvc_q = [], []
per_file = {}   # (shown name, our text, peer input)
for root, _, fnames in os.walk(top):
    for fn in sorted(fnames):
        path = os.path.join(root, fn)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        r = subprocess.run([oi, "--json", path], capture_output=True, text=True, errors="replace")
        if not r.stdout.startswith("{"):
            continue
        try:
            doc = json.loads(r.stdout.splitlines()[0])
        except ValueError:
            continue
        counted = False
        for leaf in leaves(doc):
            exps = leaf.get("exports", [])
            fmt = leaf.get("format")
            pairs = []
            if exps:
                for e in exps:
                    n = e.get("name")
                    if not n:
                        continue
                    peer_in = n[1:] if fmt == "macho" and n.startswith("_") else n
                    pairs.append((n, peer_in, e.get("demangled")))
            elif leaf.get("file") == path:   # a plain file, not a slice or member
                names = [n for n in peer_names(path, fmt) if gnu_name(n) or n.startswith("?")]
                if names:
                    ours = subprocess.run([oi, "demangle"], input="\n".join(names) + "\n",
                                          capture_output=True, text=True,
                                          errors="replace").stdout.split("\n")
                    for n, d in zip(names, ours):
                        pairs.append((n + "  (peer names)", n, None if d == n else d))
            for shown, peer_in, ours in pairs:
                if gnu_name(peer_in):
                    gnu_q.append((leaf["file"], shown, ours, peer_in))
                elif peer_in.startswith("?") and "$$h" in peer_in:
                    # ARM64EC C++ names: llvm-undname 16 predates "$$h", so
                    # there is no oracle for them (counted, not compared)
                    skipped += 1
                elif peer_in.startswith("?"):
                    msvc_q.append((leaf["file"], shown, ours, peer_in))
                else:
                    continue
                if not counted:
                    files += 1
                    counted = True
                per_file[path] = per_file.get(path, 0) + 1


def check(queue, peer_fn):
    global symbols, mismatches
    if not queue:
        return
    peer = peer_fn([q[3] for q in queue])
    for (f, shown, ours, pin), p in zip(queue, peer):
        symbols += 1
        want = None if p == pin else p
        a = "".join((ours or "").split())
        b = "".join((want or "").split())
        if a != b:
            mismatches += 1
            if mismatches <= 30:
                print("mismatch: %s: %s\n    objinspect: %s\n    peer:       %s" % (f, shown, ours, want))


for f in sorted(per_file):
    print("  %s: %d mangled names" % (f, per_file[f]))
check(gnu_q, peer_gnu)
check(msvc_q, peer_msvc)
if skipped:
    print("not compared: %d ARM64EC names with $$h (llvm-undname-16 cannot read them)" % skipped)
print("conformance demangle: %d files, %d symbols, %d mismatches" % (files, symbols, mismatches))
sys.exit(1 if mismatches else 0)
