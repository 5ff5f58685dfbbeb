"""PE and Mach-O halves of the bind conformance: objinspect bind's answers
against the peer tools' own reading of each file.

There is no Windows loader or dyld here, so the oracle is re-derived from
llvm-readobj-16 (PE) and llvm-objdump-16 (Mach-O) output: each import as the
peer lists it, each DLL's exports (forwarders included) and each dylib's
exports trie and re-exported dylibs, followed step by step to the final
definition. What is compared:
  PE:     for every import of every image in the closure: its state (bound,
          loop, unresolved, no-library), the final DLL, name or ordinal and
          RVA; for a root DLL its own forwarders too. DLL names are found in
          the importer's directory without regard to case (the fixtures and
          the corpus are laid out so: "within their own directory"), so a
          missing DLL is one that is not there.
  Mach-O: for every two-level import: the final image (by install name,
          mapped to files through objinspect's closure: which file a name
          is found as is the part the fixtures' layout checks), the final
          name and address, or a loop; for every bound import of any kind:
          the final name is in the final image's trie at that address.
"""
import json
import os
import re
import subprocess


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace").stdout


# ------------------------------------------------------------------ PE

_pe_exports_cache = {}


def pe_exports(path):
    if path in _pe_exports_cache:
        return _pe_exports_cache[path]
    by_name, by_ord = {}, {}
    for block in run(["llvm-readobj-16", "--coff-exports", path]).split("Export {")[1:]:
        ordm = re.search(r"Ordinal: (\d+)", block)
        if not ordm:
            continue
        name = re.search(r"Name: (.*)", block)
        rva = re.search(r"RVA: (0x[0-9A-Fa-f]+)", block)
        fwd = re.search(r"ForwardedTo: (.*)", block)
        e = {"ordinal": int(ordm.group(1)), "name": name.group(1).strip() if name else "",
             "rva": int(rva.group(1), 16) if rva else None,
             "fwd": fwd.group(1).strip() if fwd else None}
        if e["rva"] == 0 and not e["fwd"]:
            continue   # an empty slot of the address table
        if e["name"]:
            by_name[e["name"]] = e
        by_ord[e["ordinal"]] = e
    _pe_exports_cache[path] = (by_name, by_ord)
    return by_name, by_ord


_fmt_cache = {}


def pe_format(path):
    if path in _fmt_cache:
        return _fmt_cache[path]
    m = re.search(r"Format: (\S+)", run(["llvm-readobj-16", "--file-headers", path]))
    _fmt_cache[path] = m.group(1) if m else None
    return _fmt_cache[path]


def pe_imports(path):
    out = []
    text = run(["llvm-readobj-16", "--coff-imports", path])
    for kind, block in re.findall(r"^(Import|DelayImport) \{(.*?)^\}", text, re.S | re.M):
        dll = re.search(r"Name: (.*)", block).group(1).strip()
        for sym, hint in re.findall(r"Symbol: (.*?) \((\d+)\)", block):
            out.append((dll, sym or None, None if sym else int(hint), kind == "DelayImport"))
    return out


_dir_cache = {}


def find_nocase(d, name, fmt=None):
    """The file called name in d, ignoring case (and of format fmt when given)."""
    try:
        if d not in _dir_cache:
            _dir_cache[d] = sorted(os.listdir(d))
        for n in _dir_cache[d]:
            q = os.path.join(d, n)
            if n.lower() == name.lower() and os.path.isfile(q):
                if fmt is None or pe_format(q) == fmt:
                    return q
    except OSError:
        pass
    return None


def pe_follow(d, dll_path, name, ordinal, fmt, cap=32):
    """(state, final path, final name, final ordinal, rva) by the peer's exports."""
    seen = []
    cur = (dll_path, name, ordinal)
    for _ in range(cap + 1):
        if cur in seen:
            return ("loop", None, None, None, None)
        seen.append(cur)
        path, nm, od = cur
        if path is None:
            return ("no-library" if len(seen) == 1 else "unresolved", None, None, None, None)
        by_name, by_ord = pe_exports(path)
        e = by_name.get(nm) if nm else by_ord.get(od)
        if e is None:
            return ("unresolved", None, None, None, None)
        if not e["fwd"]:
            return ("bound", path, e["name"] or None, e["ordinal"], e["rva"])
        lib, _, target = e["fwd"].partition(".")
        dll = lib if "." in lib else lib + ".dll"
        nxt = find_nocase(d, dll, fmt)
        if target.startswith("#"):
            cur = (nxt, None, int(target[1:]))
        else:
            cur = (nxt, target, None)
    return ("too-deep", None, None, None, None)


def pe_check(oi, path, report):
    """Compare one PE root; returns (bindings compared, mismatches)."""
    p = subprocess.run([oi, "bind", "--json", path], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        report(f"MISMATCH pe {path}: objinspect bind failed: {p.stderr.strip()}")
        return 0, 1
    doc = json.loads(p.stdout)
    objs = doc["objects"]
    d = os.path.dirname(os.path.abspath(path))
    fmt = pe_format(path)
    real = lambda q: os.path.realpath(q) if q else None
    n = mism = 0
    by_importer = {}
    for b in doc["bindings"]:
        by_importer.setdefault(b["importer"], []).append(b)
    for idx, o in enumerate(objs):
        if o["missing"] or o["found_by"] == "apiset" or not o["path"]:
            continue
        if idx and o["path"] in [x["path"] for x in objs[:idx]]:
            continue
        ours = [b for b in by_importer.get(idx, []) if b["how"] != "forwarder"]
        theirs = pe_imports(o["path"])
        if len(ours) != len(theirs):
            report(f"MISMATCH pe {path}: {o['path']}: {len(ours)} imports, the peer lists "
                   f"{len(theirs)}")
            mism += 1
        expect = []
        for dll, nm, od, delay in theirs:
            expect.append((dll.lower(), nm, od, delay) +
                          pe_follow(d, find_nocase(d, dll, fmt), nm, od, fmt))
        if idx == 0:
            by_name, by_ord = pe_exports(o["path"])
            for e in sorted(by_ord.values(), key=lambda e: e["ordinal"]):
                if e["fwd"]:
                    r = pe_follow(d, o["path"], e["name"] or None,
                                  None if e["name"] else e["ordinal"], fmt)
                    expect.append((None, e["name"] or None, None if e["name"] else e["ordinal"],
                                   False) + r)
            ours = by_importer.get(idx, [])
        got = []
        for b in ours:
            fin = objs[b["final"]]["path"] if b["final"] is not None else None
            got.append(((b["library"] or "").lower() if b["how"] != "forwarder" else None,
                        b["name"], b["ordinal"], b["delay"], b["state"], real(fin),
                        b["final_name"], b["final_ordinal"] if b["final_ordinal"] is not None
                        else None, b["address"]))
        norm = lambda t: (t[0], t[1], t[2], t[3], t[4], real(t[5]), t[6],
                          t[7] if t[4] == "bound" else None, t[8])
        exp = sorted((norm(t) for t in expect), key=str)
        got = sorted((norm(t) for t in got), key=str)
        n += len(exp)
        for t in sorted(set(exp) ^ set(got), key=str)[:20]:
            side = "peer" if t in exp else "objinspect"
            report(f"MISMATCH pe {path}: {o['path']}: {side} only {t}")
        mism += len(set(exp) ^ set(got))
    # a missing library is exactly one that is not in the directory (or is
    # there for another machine)
    for o in objs[1:]:
        cand = find_nocase(d, o["name"])
        there = cand is not None and pe_format(cand) == fmt
        if o["missing"] == there and o["found_by"] != "apiset":
            report(f"MISMATCH pe {path}: {o['name']}: missing={o['missing']} but "
                   f"{'present' if there else 'absent'} in {d}")
            mism += 1
    return n, mism


# ------------------------------------------------------------------ Mach-O

_macho_cache = {}


def macho_arch(machine):
    return {"aarch64": "arm64", "x86_64": "x86_64", "i386": "i386", "arm": "armv7",
            "ppc": "ppc"}.get(machine, machine)


def macho_info(path, arch):
    key = (path, arch)
    if key in _macho_cache:
        return _macho_cache[key]
    text = run(["llvm-objdump-16", "--macho", f"--arch={arch}", "--exports-trie",
                "--dylibs-used", "--bind", "--lazy-bind", "--weak-bind", "--chained-fixups",
                path])
    # chained-fixup imports ("dyld chained import[i]": lib_ordinal, weak_import,
    # name_offset) are read below
    trie, dylibs, binds = {}, [], []
    section = None
    for line in text.splitlines():
        if line.startswith("Exports trie:"):
            section = "trie"
        elif line.startswith("Bind table:") or line.startswith("Lazy bind table:"):
            section = "bind"
        elif line.startswith("Weak bind table:"):
            section = "weak"
        elif line.startswith("\t") and section is None:
            m = re.match(r"\t(.*) \(compatibility version .*?(, reexport)?\)", line)
            if m:
                dylibs.append((m.group(1), bool(m.group(2))))
        elif section == "trie":
            m = re.match(r"\[re-export\] (\S+) \((?:(\S+) )?from (\S+)\)", line)
            if m:
                trie[m.group(1)] = ("reexport", m.group(3), m.group(2) or m.group(1))
                continue
            m = re.match(r"(0x[0-9A-Fa-f]+)\s+(\S+)", line)
            if m:
                trie[m.group(2)] = ("addr", int(m.group(1), 16))
        elif line.startswith("dyld chained"):
            section = None
        elif section == "bind":
            parts = line.split()
            if len(parts) >= 5 and parts[0] != "segment":
                binds.append(parts)
    for lib, sym in re.findall(r"lib_ordinal = -?\d+ \((.*?)\)\n.*?\n\s+name_offset = \d+ "
                               r"\((.*?)\)", text):
        binds.append([lib, sym])
    _macho_cache[key] = (trie, dylibs, binds)
    return _macho_cache[key]


def leaf(install):
    return os.path.basename(install).split(".")[0]


def macho_check(oi, path, extra, report):
    p = subprocess.run([oi, "bind", "--json", path] + extra, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        report(f"MISMATCH macho {path}: objinspect bind failed: {p.stderr.strip()}")
        return 0, 1
    doc = json.loads(p.stdout)
    objs = doc["objects"]
    arch = macho_arch(doc["machine"])
    by_name = {o["name"]: o for o in objs if not o["missing"]}
    n = mism = 0

    def deps_of(o):
        _, dylibs, _ = macho_info(o["path"], arch)
        if o.get("soname") and dylibs and dylibs[0][0] == o["soname"]:
            dylibs = dylibs[1:]   # a dylib's own LC_ID_DYLIB comes first
        return dylibs

    def find(o, sym, seen):
        """(state, final object, name, address) by the peer's trie and re-exports."""
        stack = [(o, sym)]
        while stack:
            cur, name = stack.pop()
            if (cur["path"], name) in seen:
                return ("loop", None, None, None)
            seen.append((cur["path"], name))
            trie, _, _ = macho_info(cur["path"], arch)
            e = trie.get(name)
            if e and e[0] == "addr":
                return ("bound", cur, name, e[1])
            if e:
                nxt = [by_name.get(i) for i, _ in deps_of(cur) if leaf(i) == e[1]]
                if not nxt or nxt[0] is None:
                    return ("unresolved", None, None, None)
                stack = [(nxt[0], e[2])]
                continue
            re_exp = [by_name.get(i) for i, r in deps_of(cur) if r]
            r = None
            for child in re_exp:
                if child is None or (child["path"], name) in seen:
                    continue
                r = find(child, name, seen)
                if r[0] in ("bound", "loop"):
                    return r
            return r or ("unresolved", None, None, None)
        return ("unresolved", None, None, None)

    for b in doc["bindings"]:
        imp = objs[b["importer"]]
        if b["state"] == "bound":
            fin = objs[b["final"]]
            trie, _, _ = macho_info(fin["path"], arch)
            e = trie.get(b["final_name"])
            n += 1
            if not e or e[0] != "addr" or e[1] != b["address"]:
                report(f"MISMATCH macho {path}: {b['name']}: bound to {fin['name']} "
                       f"{b['final_name']} {b['address']:#x}, the peer's trie has {e}")
                mism += 1
        if b["how"] != "two-level":
            continue
        _, _, binds = macho_info(imp["path"], arch)
        # llvm-objdump-16 misreads the names of DYLD_CHAINED_IMPORT_ADDEND64
        # imports (it prints "name_offset = 0 ()"): no presence check there
        garbled = any(len(x) == 2 and x[1] == "" for x in binds)
        if not garbled and not any(x[-1] == b["name"] or (len(x) > 1 and x[-2] == b["name"]) for x in binds):
            report(f"MISMATCH macho {path}: {imp['name']} {b['name']}: not in the peer's bind "
                   "tables")
            mism += 1
        provider = by_name.get(b["library"])
        if provider is None:
            continue
        st, fo, fname, addr = find(provider, b["name"], [])
        n += 1
        if st == "bound":
            ok = (b["state"] == "bound" and objs[b["final"]]["path"] == fo["path"] and
                  b["final_name"] == fname and b["address"] == addr)
        else:
            ok = b["state"] == ("loop" if st == "loop" else b["state"]) and b["state"] != "bound"
        if not ok:
            report(f"MISMATCH macho {path}: {imp['name']} {b['name']}: objinspect "
                   f"{b['state']} {objs[b['final']]['name'] if b['final'] is not None else ''} "
                   f"{b['final_name']}, peer {st} {fo['name'] if fo else ''} {fname}")
            mism += 1
    return n, mism
