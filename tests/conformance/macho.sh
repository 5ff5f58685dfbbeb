#!/bin/sh
# Mach-O conformance: every Mach-O file under $1 (every slice of every fat
# file, selected with --arch on both sides) against llvm-objdump-16 and
# llvm-nm-16:
#  - exports: `llvm-objdump --macho --exports-trie` when the file has a trie
#    (LC_DYLD_INFO(_ONLY) or LC_DYLD_EXPORTS_TRIE, as --private-headers
#    lists them), else the external defined nlist symbols of `llvm-nm -m`;
#    each of our exports is rendered in llvm-objdump's line format
#    (address, name, [weak_def, per-thread, absolute, resolver=], re-export
#    source) and the two multisets must be equal;
#  - imports: `--chained-fixups` imports when LC_DYLD_CHAINED_FIXUPS is
#    present, else the `--bind --lazy-bind --weak-bind` tables, folded to
#    one (symbol, library) pair each, weak when every binding is a weak
#    import; libraries compared under llvm's short names;
#  - lookup: every name of the peer's export list is looked up through
#    `objinspect resolve --json FILE -` (one process per file, names on
#    stdin) and must render to the same line as the listing.
# Prints each mismatch, then "conformance macho: N files, N symbols, N
# mismatches"; exits 1 on any mismatch.
: "${BUILD:=build}"
OI=${OI:-$BUILD/objinspect}
dir=${1:?usage: macho.sh DIR}
for t in llvm-objdump-16 llvm-nm-16 python3; do
    command -v $t >/dev/null 2>&1 || { echo "conformance macho: $t not installed"; exit 1; }
done
exec python3 - "$OI" "$dir" <<'EOF'
import json, os, struct, subprocess, sys

OI, ROOT = sys.argv[1], sys.argv[2]
OBJDUMP, NM = "llvm-objdump-16", "llvm-nm-16"
THIN = {0xfeedface, 0xcefaedfe, 0xfeedfacf, 0xcffaedfe}
mismatches = 0
files = 0
symbols = 0


def report(where, what):
    global mismatches
    mismatches += 1
    print("MISMATCH %s: %s" % (where, what))


def is_macho(path):
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    if len(head) < 8:
        return False
    be, le = struct.unpack(">I", head[:4])[0], struct.unpack("<I", head[:4])[0]
    if be in THIN or le in THIN:
        return True
    # fat (Java class files share 0xcafebabe: their second word is >= 45)
    return be in (0xcafebabe, 0xcafebabf) and 0 < struct.unpack(">I", head[4:])[0] < 42


def run(args, stdin=None):
    r = subprocess.run(args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode("utf-8", "surrogateescape")


def short_name(name):
    """llvm's MachOObjectFile::guessLibraryShortName, which its dumps print."""
    if name is None:
        return None
    special = {"this-image", "main-executable", "flat-namespace", "weak"}
    if name in special:
        return name
    a = name.rfind("/")
    if a > 0:
        foo = name[a + 1:]
        idx = foo.rfind("_")
        if idx != -1 and len(foo) >= 2 and foo[idx:] in ("_debug", "_profile"):
            foo = foo[:idx]
        b = name.rfind("/", 0, a)
        i = 0 if b == -1 else b + 1
        if name[i:i + len(foo)] == foo and name[i + len(foo):i + len(foo) + 11] == ".framework/":
            return foo
        if b != -1:
            c = name.rfind("/", 0, b)
            if c > 0 and name[c + 1:].startswith("Versions/"):
                d = name.rfind("/", 0, c)
                i = 0 if d == -1 else d + 1
                if name[i:i + len(foo)] == foo and name[i + len(foo):i + len(foo) + 11] == ".framework/":
                    return foo
    a = name.rfind(".")
    if a <= 0:
        return name
    if name[a:] == ".dylib":
        if a >= 3 and name[a - 2] == ".":
            a -= 2
        b = name.rfind("/", 0, a)
        b = 0 if b == -1 else b + 1
        idx = name.rfind("_")
        lib = name[b:a]
        if idx != -1 and idx != b and name[idx:a] in ("_debug", "_profile"):
            lib = name[b:idx]
        if len(lib) >= 3 and lib[-2] == ".":
            lib = lib[:-2]
        return lib
    if name[a:] == ".qtx":
        b = name.rfind("/", 0, a)
        lib = name[:a] if b == -1 else name[b + 1:a]
        if len(lib) >= 3 and lib[-2] == ".":
            lib = lib[:-2]
        return lib
    return name


def render_export(e):
    """One of our exports as an `llvm-objdump --exports-trie` line."""
    flags = e["raw"][0]
    reexport = e["target"] == "reexport"
    line = "[re-export] " + e["name"] if reexport else "0x%08X  %s" % (e["address"], e["name"])
    attrs = []
    if flags & 0x04:
        attrs.append("weak_def")
    if flags & 0x03 == 1:
        attrs.append("per-thread")
    if flags & 0x03 == 2:
        attrs.append("absolute")
    if flags & 0x10:
        attrs.append("resolver=0x%08X" % e["raw"][1])
    if attrs:
        line += " [" + ", ".join(attrs) + "]"
    if reexport:
        lib = short_name(e["fwd_library"]) or "unknown"
        if e["fwd_name"] and e["fwd_name"] != e["name"]:
            line += " (%s from %s)" % (e["fwd_name"], lib)
        else:
            line += " (from %s)" % lib
    return line


def render_nlist_export(e):
    return "%x %s" % (e["address"], e["name"])


def load_commands(path, arch):
    rc, out = run([OBJDUMP, "--macho", "--private-headers"] + arch + [path])
    return {l.split()[1] for l in out.splitlines() if l.strip().startswith("cmd ")}


def peer_trie(path, arch):
    rc, out = run([OBJDUMP, "--macho", "--exports-trie"] + arch + [path])
    lines = out.splitlines()
    if "Exports trie:" not in lines:
        return []
    return [l.strip() for l in lines[lines.index("Exports trie:") + 1:] if l.strip()]


def nm_name(line):
    """The symbol name of an `llvm-nm -m` line: its last word once trailing
    notes such as "(for _y)" or "(from lib)" are cut."""
    while line.endswith(")") and "(" in line:
        line = line[:line.rindex("(")].rstrip()
    return line.split()[-1]


def peer_nlist_exports(path, arch):
    rc, out = run([NM, "-m", "-g", "-U"] + arch + [path])
    res = []
    for l in out.splitlines():
        parts = l.split()
        if " external " not in l or "private external" in l or len(parts) < 3:
            continue
        if "(indirect)" in l:
            res.append("0 " + nm_name(l))
            continue
        res.append("%x %s" % (int(parts[0], 16), nm_name(l)))
    return res


def fold(pairs):
    out = {}
    for name, lib, weak in pairs:
        key = (name, lib)
        out[key] = out.get(key, True) and weak
    return out


def weak_undefined(path, arch):
    """Undefined symbols llvm-nm calls weak: the weak flag of a lazy
    binding, which llvm-objdump's lazy-bind table does not print."""
    rc, out = run([NM, "-m", "-u"] + arch + [path])
    return {nm_name(l) for l in out.splitlines() if "(undefined) weak external" in l}


def peer_imports(path, arch, chained):
    """(name, library) -> weak; for DYLD_CHAINED_IMPORT_ADDEND64 tables only
    the libraries, as {(None, library): None}: llvm-objdump-16 swaps and
    misreads that format's name_offset and weak_import (llvm-project issue
    180166), so those two cannot be taken from it. tests/cli/test_macho_
    resolve.sh checks that format against the same imports in format 2."""
    pairs = []
    if chained:
        rc, out = run([OBJDUMP, "--macho", "--chained-fixups"] + arch + [path])
        if "imports_format = 3 " in out:
            return {(None, l.split("(")[1].rstrip(")")): None for l in out.splitlines()
                    if l.strip().startswith("lib_ordinal =")}
        cur = None
        for l in out.splitlines():
            s = l.strip()
            if s.startswith("dyld chained import[") or s.startswith("dyld chained import addend["):
                cur = {}
            elif cur is not None and s.startswith("lib_ordinal ="):
                cur["lib"] = s[s.index("(") + 1:s.rindex(")")]
            elif cur is not None and s.startswith("weak_import ="):
                cur["weak"] = s.split("=")[1].strip() == "1"
            elif cur is not None and s.startswith("name_offset ="):
                pairs.append((s[s.index("(") + 1:s.rindex(")")], cur.get("lib"), cur.get("weak")))
                cur = None
        return fold(pairs)
    rc, out = run([OBJDUMP, "--macho", "--bind", "--lazy-bind", "--weak-bind"] + arch + [path])
    table = None
    lazy_weak = None
    for l in out.splitlines():
        s = l.strip()
        if s in ("Bind table:", "Lazy bind table:", "Weak bind table:"):
            table = s
            continue
        if table is None or not s or s.startswith("segment "):
            continue
        if table == "Bind table:":
            parts = s.split(None, 6)
            if len(parts) < 7:
                continue
            sym, lib = parts[6], parts[5]
        elif table == "Lazy bind table:":
            parts = s.split(None, 4)
            if len(parts) < 5:
                continue
            sym, lib = parts[4], parts[3]
            if lazy_weak is None:
                lazy_weak = weak_undefined(path, arch)
            pairs.append((sym, lib, sym in lazy_weak))
            continue
        else:
            if s.startswith("strong "):
                continue        # a strong definition, not a binding
            parts = s.split(None, 5)
            if len(parts) < 6:
                continue
            sym, lib = parts[5], "weak"
        weak = sym.endswith(" (weak_import)")
        if weak:
            sym = sym[:-len(" (weak_import)")]
        pairs.append((sym, lib, weak))
    return fold(pairs)


def compare_lists(where, what, ours, theirs):
    a, b = sorted(ours), sorted(theirs)
    if a == b:
        return
    from collections import Counter
    ca, cb = Counter(a), Counter(b)
    for k in sorted((ca - cb).keys())[:10]:
        report(where, "%s: objinspect only: %s" % (what, k))
    for k in sorted((cb - ca).keys())[:10]:
        report(where, "%s: peer only: %s" % (what, k))


def check_slice(path, doc, arch_name):
    global files, symbols
    files += 1
    where = doc["file"]
    arch = ["--arch=" + arch_name] if arch_name else []
    cmds = load_commands(path, arch)
    has_trie = bool(cmds & {"LC_DYLD_INFO", "LC_DYLD_INFO_ONLY", "LC_DYLD_EXPORTS_TRIE"})
    chained = "LC_DYLD_CHAINED_FIXUPS" in cmds
    exps = doc["exports"]
    if has_trie:
        theirs = peer_trie(path, arch)
        compare_lists(where, "exports", [render_export(e) for e in exps], theirs)
        render = render_export
        names = [l.split(None, 2)[1] if l.startswith("0x") else l.split()[1] for l in theirs]
        expect = dict(zip(names, theirs))
    else:
        theirs = peer_nlist_exports(path, arch)
        compare_lists(where, "exports (nlist)", [render_nlist_export(e) for e in exps], theirs)
        render = render_nlist_export
        expect = {l.split(" ", 1)[1]: l for l in theirs}
    symbols += len(theirs)
    # imports
    ours = fold((i["name"], short_name(i["library"]), i["weak"]) for i in doc["imports"])
    peer = peer_imports(path, arch, chained)
    if peer and all(k[0] is None for k in peer):       # libraries only (see above)
        ours = {(None, k[1]): None for k in ours}
    symbols += len(peer)
    for k in sorted(set(ours) | set(peer)):
        if k not in peer:
            report(where, "import objinspect only: %s from %s" % k)
        elif k not in ours:
            report(where, "import peer only: %s from %s" % k)
        elif ours[k] != peer[k]:
            report(where, "import %s from %s: weak %s, peer says %s" % (k + (ours[k], peer[k])))
    # lookup of every listed name, in one process
    if not expect:
        return
    rc, out = run([OI, "resolve", "--json"] + arch + [path, "-"],
                  stdin="\n".join(expect).encode("utf-8", "surrogateescape") + b"\n")
    results = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    if len(results) != len(expect):
        report(where, "lookup: %d answers for %d names" % (len(results), len(expect)))
        return
    want_path = "trie" if has_trie else "nlist"
    for name, r in zip(expect, results):
        if not r["found"]:
            report(where, "lookup %s: not found (path %s)" % (name, r["path"]))
        elif r["path"] != want_path:
            report(where, "lookup %s: path %s, expected %s" % (name, r["path"], want_path))
        elif render(r["export"]) != expect[name]:
            report(where, "lookup %s: %r, listing says %r" % (name, render(r["export"]), expect[name]))


paths = []
for dp, dn, fn in os.walk(ROOT):
    dn.sort()
    for n in sorted(fn):
        p = os.path.join(dp, n)
        if os.path.isfile(p) and not os.path.islink(p) and is_macho(p):
            paths.append(p)
for p in paths:
    rc, out = run([OI, "--json", p])
    try:
        doc = json.loads(out.splitlines()[0])
    except (ValueError, IndexError):
        report(p, "objinspect --json exited %d without a document" % rc)
        continue
    if doc["format"] == "macho-fat":
        rc2, archs = run(["/usr/lib/llvm-14/bin/llvm-lipo", "-archs", p])
        got = [s["file"][len(p) + 1:-1] for s in doc["slices"]]
        if archs.split() != got:
            report(p, "slices %s, llvm-lipo says %s" % (got, archs.split()))
        for s in doc["slices"]:
            check_slice(p, s, s["file"][len(p) + 1:-1])
    else:
        check_slice(p, doc, None)
print("conformance macho: %d files, %d symbols, %d mismatches" % (files, symbols, mismatches))
sys.exit(1 if mismatches else 0)
EOF
