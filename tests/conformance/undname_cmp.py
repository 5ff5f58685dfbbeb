#!/usr/bin/env python3
"""Compare `objinspect demangle` with a peer demangler on a list of names.

usage: undname_cmp.py OBJINSPECT KIND NAMES_FILE [MAX_SHOWN]
KIND is "msvc" (peer: llvm-undname-16, names on stdin) or "gnu" (peer:
c++filt, names as arguments). Whitespace is ignored in the comparison.
A name the peer cannot demangle must come back unchanged from us too.
Prints one line per mismatch, then "NAMES MISMATCHES" on the last line.
"""
import subprocess
import sys


def peer_msvc(names):
    out = subprocess.run(["llvm-undname-16"], input="\n".join(names) + "\n",
                         capture_output=True, text=True, errors="replace").stdout
    lines = out.split("\n")
    res, i = [], 0
    for n in names:
        # each record: the name echoed, the result (absent on error: the
        # message goes to stderr), a blank line
        if i + 1 >= len(lines) or lines[i] != n:
            raise SystemExit("llvm-undname output out of step at %r" % n)
        if lines[i + 1] == "":
            res.append(n)
            i += 2
        else:
            res.append(lines[i + 1])
            i += 3
    return res


def _cxxfilt(names, style):
    res = []
    for k in range(0, len(names), 2000):
        chunk = names[k:k + 2000]
        out = subprocess.run(["c++filt"] + style + ["--"] + chunk, capture_output=True,
                             text=True, errors="replace").stdout.split("\n")
        if len(out) < len(chunk):
            raise SystemExit("c++filt printed fewer lines than names")
        res.extend(out[:len(chunk)])
    return res


def peer_gnu(names):
    """c++filt's text: its automatic style, and -s dlang for D names
    ("_D..."), which the automatic style does not demangle."""
    d = [i for i, n in enumerate(names) if n.startswith("_D")]
    other = [i for i, n in enumerate(names) if not n.startswith("_D")]
    res = [None] * len(names)
    for idx, style in ((other, []), (d, ["-s", "dlang"])):
        out = _cxxfilt([names[i] for i in idx], style) if idx else []
        for i, r in zip(idx, out):
            res[i] = r
    return res


def main():
    oi, kind, path = sys.argv[1], sys.argv[2], sys.argv[3]
    shown_max = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    names = [l.rstrip("\n") for l in open(path, encoding="utf-8", errors="replace")]
    names = [n for n in names if n and not n.startswith("#")]
    ours = subprocess.run([oi, "demangle"], input="\n".join(names) + "\n",
                          capture_output=True, text=True, errors="replace").stdout.split("\n")
    peer = peer_msvc(names) if kind == "msvc" else peer_gnu(names)
    bad = 0
    for n, a, b in zip(names, ours, peer):
        if "".join(a.split()) != "".join(b.split()):
            bad += 1
            if bad <= shown_max:
                print("mismatch: %s\n    ours: %s\n    peer: %s" % (n, a, b))
    if len(ours) < len(names):
        bad += len(names) - len(ours)
    print("%d %d" % (len(names), bad))


if __name__ == "__main__":
    main()
