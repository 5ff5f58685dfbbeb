#!/usr/bin/env python3
"""ELF conformance: objinspect against readelf, llvm-nm and the real loader.

elf_conformance.py OBJINSPECT RESOLVER DIR

For every ELF file under DIR (and every ELF member of every ar archive):
  1. the export set: (name, version, default or hidden, kind) from
     `objinspect exports --json` must equal the set derived from
     `readelf -W --dyn-syms` (`-D` too when the file has no section headers
     or they disagree with PT_DYNAMIC; `--syms` for objects, static programs
     and debug files, whose exports are .symtab's global definitions);
  2. each export's name, version and "@@"/"@" must be what llvm-nm -D prints;
  3. resolve (a batch of oi_lookup calls, RESOLVER) must return readelf's
     symbol value for NAME@VERSION and, for a default or unversioned
     definition, for plain NAME -- unless objinspect reported the export as
     unreachable through the hash table, when it must not be found;
  4. for native x86-64 shared libraries, dlsym/dlvsym must agree too,
     relative to the load base (IFUNC, TLS and absolute symbols excepted:
     dlsym returns the resolved function, the thread's copy, or the value).

The filter applied to readelf's rows is the loader's (glibc check_match):
defined; GLOBAL, WEAK or UNIQUE; DEFAULT or PROTECTED; NOTYPE, OBJECT,
FUNC, COMMON, TLS or IFUNC; a non-zero value unless ABS or TLS.
Prints each mismatch, then "conformance elf: N files, N symbols, N mismatches".
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import shutil

OI, RESOLVER, TOP = sys.argv[1:4]
TMP = tempfile.mkdtemp(prefix="oi-elf-conf.")
MAX_SHOWN = 40
mismatches = 0
files = 0
symbols = 0


def mismatch(where, what):
    global mismatches
    mismatches += 1
    if mismatches <= MAX_SHOWN:
        print("MISMATCH %s: %s" % (where, what))


def run(cmd, inp=None):
    p = subprocess.run(cmd, input=inp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, errors="surrogateescape")
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- readelf

ROW = re.compile(
    r"^\s*(\d+):\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+(.+?)\s+"
    r"(LOCAL|GLOBAL|WEAK|UNIQUE|<OS specific>: \d+|<processor specific>: \d+|<unknown>: \d+)\s+"
    r"(DEFAULT|PROTECTED|HIDDEN|INTERNAL)((?:\s+\[[^\]]*\])*)\s+(\S+)(?: (.*))?$")
TYPES_BINDABLE = {"NOTYPE", "OBJECT", "FUNC", "COMMON", "TLS", "IFUNC"}


def norm_type(t):
    # lld leaves EI_OSABI 0, so GNU readelf prints STT_GNU_IFUNC as "<OS specific>: 10"
    return "IFUNC" if t == "<OS specific>: 10" else t


def norm_bind(b):
    return "UNIQUE" if b == "<OS specific>: 10" else b


def split_version(name):
    """readelf's 'name@@VER', 'name@VER', 'name@VER (3)' -> (name, ver, default)."""
    m = re.match(r"^(.*) \(\d+\)$", name)
    if m:
        name = m.group(1)
    if "@@" in name:
        n, v = name.rsplit("@@", 1)
        return n, v, True
    if "@" in name:
        n, v = name.rsplit("@", 1)
        if n:
            return n, v, False
    return name, None, False


def kind_of(typ, ndx):
    if typ in ("OBJECT", "NOTYPE") and ndx == "ABS":
        return "absolute"
    if typ == "OBJECT" and ndx == "COM":
        return "common"
    return {"FUNC": "func", "IFUNC": "ifunc", "OBJECT": "data", "TLS": "tls",
            "COMMON": "common", "NOTYPE": "notype", "SECTION": "section",
            "FILE": "file"}.get(typ, "other")


def parse_tables(text):
    """{member or '': {table name: [rows]}} from readelf output."""
    out = collections.OrderedDict()
    member, table = "", None
    for line in text.splitlines():
        m = re.match(r"^File: .*\((.*)\)$", line)
        if m:
            member, table = m.group(1), None
            out.setdefault(member, {})
            continue
        m = re.match(r"^Symbol table '([^']*)'", line) or \
            re.match(r"^Symbol table for image", line)
        if m:
            table = m.group(1) if m.groups() else ".dynsym"
            out.setdefault(member, {}).setdefault(table, [])
            continue
        m = ROW.match(line)
        if m and table is not None:
            num, value, size, typ, bind, vis, _extra, ndx, name = m.groups()
            name = name or ""
            n, v, d = split_version(name)
            out[member][table].append(dict(
                num=int(num), value=int(value, 16), type=norm_type(typ), bind=norm_bind(bind),
                vis=vis, ndx=ndx, name=n, version=v, default=d,
                size=int(size, 0)))
    return out


TYPE_NUM = {"NOTYPE": 0, "OBJECT": 1, "FUNC": 2, "SECTION": 3, "FILE": 4, "COMMON": 5,
            "TLS": 6, "IFUNC": 10, "REGISTER": 13, "SPARC_REGISTER": 13}
BIND_NUM = {"LOCAL": 0, "GLOBAL": 1, "WEAK": 2, "UNIQUE": 10}
VIS_NUM = {"DEFAULT": 0, "INTERNAL": 1, "HIDDEN": 2, "PROTECTED": 3}
NDX_NUM = {"UND": 0, "ABS": 0xFFF1, "COM": 0xFFF2}


def num(table, word):
    """readelf's word for a number: a name, or '<... specific>: N'."""
    if word in table:
        return table[word]
    m = re.search(r"(\d+)$", word)
    return int(m.group(1)) if m else -1


def ndx_num(word):
    if word in NDX_NUM:
        return NDX_NUM[word]
    m = re.search(r"\[(0x[0-9a-f]+)\]", word)
    if m:
        return int(m.group(1), 16)
    return int(word) if word.isdigit() else -1


def symbol_key(r, with_version):
    # readelf names a section symbol after its section; its st_name is 0
    name = "" if r["type"] == "SECTION" else r["name"]
    if r["version"] and not with_version:
        name += ("@@" if r["default"] else "@") + r["version"]
    return (name, r["version"] if with_version else None,
            bool(r["default"]) if with_version and r["version"] else False,
            r["value"], r["size"], num(TYPE_NUM, r["type"]), num(BIND_NUM, r["bind"]),
            num(VIS_NUM, r["vis"]), ndx_num(r["ndx"]))


def loader_export(r):
    return (r["ndx"] != "UND" and r["bind"] in ("GLOBAL", "WEAK", "UNIQUE") and
            r["vis"] in ("DEFAULT", "PROTECTED") and r["type"] in TYPES_BINDABLE and
            not (r["value"] == 0 and r["ndx"] != "ABS" and r["type"] != "TLS"))


def static_export(r):
    return (r["ndx"] != "UND" and r["bind"] in ("GLOBAL", "WEAK", "UNIQUE") and
            r["type"] in TYPES_BINDABLE and r["num"] != 0)


def key(name, version, default, kind):
    return (name, version, bool(default) if version else False, kind)


# ---------------------------------------------------------------- llvm-nm

def nm_dynamic(path):
    """{(name, version, default)} of llvm-nm -D's defined symbols."""
    rc, out, _ = run(["llvm-nm-16", "-D", "--defined-only", path])
    if rc != 0:
        return None
    seen = set()
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) < 3:
            continue
        name = parts[2]
        if "@@" in name:
            n, v = name.rsplit("@@", 1)
            seen.add((n, v, True))
        elif "@" in name and not name.startswith("@"):
            n, v = name.rsplit("@", 1)
            seen.add((n, v, False))
        else:
            seen.add((name, None, False))
    return seen


# ---------------------------------------------------------------- files

def elf_files(top):
    seen = set()
    for root, dirs, names in os.walk(top):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            if not os.path.isfile(p):
                continue
            real = os.path.realpath(p)
            if real in seen:
                continue
            try:
                with open(p, "rb") as fh:
                    magic = fh.read(8)
            except OSError:
                continue
            if magic[:4] == b"\x7fELF" or magic == b"!<arch>\n":
                seen.add(real)
                yield p, magic == b"!<arch>\n"


def elf_header(path):
    with open(path, "rb") as fh:
        h = fh.read(64)
    return h


def native_x86_64_shared(path):
    h = elf_header(path)
    if len(h) < 20 or h[4] != 2 or h[5] != 1:
        return False
    etype = int.from_bytes(h[16:18], "little")
    machine = int.from_bytes(h[18:20], "little")
    return etype == 3 and machine == 62


symbols_cache = {}


def doc_props(full_docs, leaf):
    return full_docs.get(leaf, {}).get("properties", {})


def check_symbols(leaf, path, member, is_ar, dynrows, symrows, props):
    """objinspect symbols against readelf's tables (the static one from the
    separate debug file when objinspect used one)."""
    global symbols
    if path not in symbols_cache:
        symbols_cache.clear()
        rc, out, _ = run([OI, "symbols", "--json", path])
        symbols_cache[path] = {}
        for line in out.splitlines():
            if line.strip():
                d = json.loads(line)
                symbols_cache[path][d["file"]] = d["symbols"]
    ours = symbols_cache[path].get(leaf)
    if ours is None:
        mismatch(leaf, "objinspect symbols printed nothing")
        return
    if props.get("debug_file"):
        rc, text, _ = run(["readelf", "-W", "--syms", props["debug_file"]])
        symrows = parse_tables(text).get("", {}).get(".symtab")
    want = collections.Counter()
    for rows, dyn in ((dynrows, True), (symrows, False)):
        for r in rows or []:
            if r["num"] != 0:
                want[(dyn,) + symbol_key(r, dyn)] += 1
    got = collections.Counter()
    for o in ours:
        name = "" if o["raw"][0] & 0xF == 3 else o["name"]
        got[(o["dynamic"], name, o["version"] if o["dynamic"] else None,
             bool(o["version_default"]) if o["dynamic"] and o["version"] else False,
             o["value"], o["size"], o["raw"][0] & 0xF, o["raw"][0] >> 4, o["raw"][1] & 3,
             o["section"])] += 1
    symbols += sum(want.values())
    bad = [k for k in set(want) | set(got) if want[k] != got[k]]
    for k in sorted(bad, key=str)[:10]:
        mismatch(leaf, "symbol %s (%s): readelf %d, objinspect %d" % (
            k[1], "dynamic" if k[0] else ".symtab", want[k], got[k]))
    if len(bad) > 10:
        mismatch(leaf, "... %d more symbol differences" % (len(bad) - 10))


def check_file(path, is_ar):
    global files, symbols
    rc, out, err = run([OI, "exports", "--json", path])
    docs = {}
    for line in out.splitlines():
        if line.strip():
            d = json.loads(line)
            docs[d["file"]] = d
    if not docs:
        if is_ar:
            return   # an archive of no ELF objects (e.g. only bookkeeping)
        mismatch(path, "objinspect exports failed (%d): %s" % (rc, err.strip()[:200]))
        return
    rc, full_out, _ = run([OI, "--json", path])
    full_docs = {}
    diags = {}
    for line in full_out.splitlines():
        if line.strip():
            d = json.loads(line)
            for leaf in (d.get("members") or [d]):
                full_docs[leaf["file"]] = leaf
                diags[leaf["file"]] = leaf.get("diagnostics", [])
                diags[leaf["file"] + "#type"] = leaf.get("type")
                diags[leaf["file"] + "#sections"] = leaf.get("sections")

    # readelf: the dynamic table as the loader sees it when the section
    # headers are missing or disagree with PT_DYNAMIC, else as sections say
    rc, dyn_text, _ = run(["readelf", "-W", "--dyn-syms", path])
    dyn_tables = parse_tables(dyn_text)
    rc, sym_text, _ = run(["readelf", "-W", "--syms", path])
    sym_tables = parse_tables(sym_text)

    for leaf, doc in docs.items():
        member = ""
        if is_ar:
            m = re.match(r"^.*\((.*)\)$", leaf)
            member = m.group(1) if m else ""
        files += 1
        where = leaf
        ldiags = diags.get(leaf, [])
        ltype = diags.get(leaf + "#type")
        no_shdrs = diags.get(leaf + "#sections") == 0
        lie = any("disagrees with DT_SYMTAB" in x["message"] for x in ldiags)
        tables = dyn_tables.get(member, {})
        dynrows = tables.get(".dynsym")
        if (no_shdrs or lie) and not is_ar:
            # readelf 2.40 -D still takes the count from a section header:
            # strip them (llvm-objcopy), so it sees only what the loader sees
            src = path
            if lie:
                src = os.path.join(TMP, "stripped")
                run(["llvm-objcopy", "--strip-sections", path, src])
            rc, dtext, _ = run(["readelf", "-W", "-D", "-s", src])
            dt = parse_tables(dtext).get("", {})
            dynrows = next(iter(dt.values()), None) if dt else None
        if dynrows:
            # readelf prints no version for a symbol whose name is its own
            # version definition's (GNU ld's ABS version symbols, e.g.
            # GLIBC_2.2.5): llvm-nm prints NAME@@NAME, as the versym says
            vnames = set(r["version"] for r in dynrows if r["version"])
            rc, vtext, _ = run(["readelf", "-W", "-V", path])
            vnames |= set(re.findall(r"Index: \d+\s+Cnt: \d+\s+Name: (\S+)", vtext))
            for r in dynrows:
                if r["version"] is None and r["ndx"] == "ABS" and r["name"] in vnames:
                    r["version"], r["default"] = r["name"], True
        use_dyn = ltype != "relocatable" and dynrows is not None and len(dynrows) > 1
        if use_dyn:
            rows = [r for r in dynrows if r["num"] != 0 and loader_export(r)]
        else:
            rows = [r for r in sym_tables.get(member, {}).get(".symtab", []) if static_export(r)]
            # .symtab has no versym: an '@' readelf shows is part of the name
            for r in rows:
                if r["version"]:
                    r["name"] += ("@@" if r["default"] else "@") + r["version"]
                    r["version"], r["default"] = None, False
        want = collections.Counter(key(r["name"], r["version"], r["default"],
                                       kind_of(r["type"], r["ndx"])) for r in rows)
        got = collections.Counter(key(e["name"], e["version"], e["version_default"], e["kind"])
                                  for e in doc["exports"])
        symbols += sum(want.values())
        for k in sorted(set(want) | set(got), key=str):
            if want[k] != got[k]:
                mismatch(where, "export %s@%s%s kind %s: readelf %d, objinspect %d" % (
                    k[0], "@" if k[2] else "", k[1], k[3], want[k], got[k]))

        # the symbol tables, entry by entry (raw type, binding, visibility)
        check_symbols(leaf, path, member, is_ar, dynrows if use_dyn else None,
                      sym_tables.get(member, {}).get(".symtab"), doc_props(full_docs, leaf))

        # llvm-nm: names and versions of a dynamic table
        if use_dyn and not is_ar and not no_shdrs and not lie:
            nm = nm_dynamic(path)
            if nm is not None:
                for e in doc["exports"]:
                    t = (e["name"], e["version"], bool(e["version_default"]) if e["version"] else False)
                    if t not in nm:
                        mismatch(where, "llvm-nm -D has no %s%s%s" % (
                            t[0], ("@@" if t[2] else "@") if t[1] else "", t[1] or ""))

        # resolve: readelf's value for every export
        unreachable = set()
        for x in ldiags:
            m = re.match(r"^export (.*) \(dynamic symbol (\d+)\) is not reachable", x["message"])
            if m:
                unreachable.add(m.group(1))
        queries, expect = [], []
        names = collections.Counter(r["name"] for r in rows)
        for r in rows:
            if not use_dyn and names[r["name"]] > 1:
                continue   # a scan finds the first of several .symtab definitions
            if r["version"]:
                queries.append((member, r["name"], r["version"]))
                expect.append(r)
            if use_dyn and (r["version"] is None or r["default"]):
                if r["version"] is None and names[r["name"]] > 1:
                    continue
                queries.append((member, r["name"], ""))
                expect.append(r)
            elif not use_dyn and r["version"] is None:
                queries.append((member, r["name"], ""))
                expect.append(r)
        if not queries:
            continue
        native = use_dyn and not is_ar and ltype == "shared" and native_x86_64_shared(path)
        cmd = [RESOLVER, path] + (["--dlsym"] if native else [])
        rc, rout, rerr = run(cmd, "".join("%s\t%s\t%s\n" % q for q in queries))
        lines = rout.splitlines()
        if rc != 0 or len(lines) != len(queries):
            mismatch(where, "resolver failed (%d): %s" % (rc, rerr.strip()[:200]))
            continue
        for q, r, line in zip(queries, expect, lines):
            cols = line.split("\t")
            label = q[1] + ("@" + q[2] if q[2] else "")
            if r["name"] in unreachable:
                if cols[0] != "notfound":
                    mismatch(where, "resolve %s: found, but reported unreachable" % label)
                if native and len(cols) > 3 and cols[3] != "-":
                    mismatch(where, "dlsym %s: found, but objinspect says the hash table "
                             "cannot reach it" % label)
                continue
            if cols[0] != "found" or int(cols[1], 16) != r["value"]:
                mismatch(where, "resolve %s: %s %s via %s, readelf says %#x" % (
                    label, cols[0], cols[1], cols[2], r["value"]))
            # (a file without a hash table: glibc cannot look anything up in
            # it, where objinspect says it scans)
            if native and len(cols) > 3 and r["type"] not in ("IFUNC", "TLS") and \
                    r["ndx"] != "ABS" and cols[2] != "scan":
                if cols[3] == "-" or int(cols[3], 16) != r["value"]:
                    mismatch(where, "dlsym %s: %s, readelf says %#x" % (label, cols[3], r["value"]))


def main():
    for path, is_ar in elf_files(TOP):
        check_file(path, is_ar)
    if mismatches > MAX_SHOWN:
        print("... and %d more mismatches" % (mismatches - MAX_SHOWN))
    shutil.rmtree(TMP, ignore_errors=True)
    print("conformance elf: %d files, %d symbols, %d mismatches" % (files, symbols, mismatches))
    sys.exit(1 if mismatches else 0)


main()
