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
                size=int(size, 0), extra=_extra or ""))
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


def readelf_props(path):
    """The properties objinspect documents, as readelf -d/-l/-n/-S/-wk print them."""
    want, needed, soname = {}, [], None
    _, d, _ = run(["readelf", "-W", "-d", path])
    _, l, _ = run(["readelf", "-W", "-l", path])
    _, n, _ = run(["readelf", "-W", "-n", path])
    tags = re.findall(r"^\s*0x[0-9a-f]+ \((\w+)\)\s+(.*)$", d, re.M)
    has_dynamic = "Dynamic section at offset" in d
    bind_now = textrel = False
    for tag, val in tags:
        if tag == "NEEDED":
            needed.append(re.search(r"\[(.*)\]", val).group(1))
        elif tag == "SONAME":
            soname = re.search(r"\[(.*)\]", val).group(1)
        elif tag in ("RPATH", "RUNPATH"):
            want[tag.lower()] = re.search(r"\[(.*)\]", val).group(1)
        elif tag == "FLAGS":
            want["flags"] = val.strip()
            bind_now |= "BIND_NOW" in val.split()
            textrel |= "TEXTREL" in val.split()
        elif tag == "FLAGS_1":
            want["flags_1"] = val.replace("Flags:", "").strip()
            bind_now |= "NOW" in want["flags_1"].split()
        elif tag == "BIND_NOW":
            bind_now = True
        elif tag == "TEXTREL":
            textrel = True
    if has_dynamic:
        want["bind_now"] = "true" if bind_now else "false"
        want["textrel"] = "true" if textrel else "false"
        tagset = set(t for t, _ in tags)
        gnu, sysv = "GNU_HASH" in tagset, "HASH" in tagset
        want["hash"] = "both" if gnu and sysv else "gnu" if gnu else "sysv" if sysv else "none"
    if "Program Headers:" in l:
        relro = re.search(r"^\s*GNU_RELRO\s", l, re.M) is not None
        want["relro"] = "none" if not relro else "full" if bind_now else "partial"
        m = re.search(r"^\s*GNU_STACK\s+(.*)$", l, re.M)
        # Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align; Flg may hold spaces
        flg = "".join(m.group(1).split()[5:-1]) if m else None
        want["gnu_stack"] = "absent" if flg is None else \
            ("r" if "R" in flg else "") + ("w" if "W" in flg else "") + ("x" if "E" in flg else "") \
            or "none"
    m = re.search(r"\[Requesting program interpreter: (.*)\]", l)
    if m:
        want["interp"] = m.group(1)
    m = re.search(r"Build ID: ([0-9a-f]+)", n)
    if m:
        want["build_id"] = m.group(1)
    for key, word in (("gnu_property_x86", "x86 feature"), ("gnu_property_aarch64", "AArch64 feature")):
        m = re.search(word + r": ([^\n]*)", n)
        if m:
            v = m.group(1).replace(",", " ").split()
            want[key] = " ".join(v) if v and v != ["<None>"] else "none"
    # symbol versions (readelf -V, by index): verdef's base and the others,
    # verneed as FILE:VERSION
    _, v, _ = run(["readelf", "-W", "-V", path])
    defs, needs, part, lib = {}, {}, None, None
    for line in v.splitlines():
        if line.startswith("Version definition section"):
            part = "def"
        elif line.startswith("Version needs section"):
            part = "need"
        elif line.startswith("Version symbols section"):
            part = None
        m = re.search(r"Flags: (.*?)\s+Index: (\d+)\s+Cnt: \d+\s+Name: (\S+)", line)
        if part == "def" and m:
            defs[int(m.group(2))] = (m.group(3), "BASE" in m.group(1))
        m = re.search(r"File: (\S+)\s+Cnt:", line)
        if part == "need" and m:
            lib = m.group(1)
        m = re.search(r"Name: (\S+)\s+Flags: .*Version: (\d+)", line)
        if part == "need" and m:
            needs[int(m.group(2))] = "%s:%s" % (lib, m.group(1))
    for i in sorted(defs):
        if defs[i][1]:
            want["version_base"] = defs[i][0]
    d = [defs[i][0] for i in sorted(defs) if not defs[i][1]]
    if d:
        want["versions_defined"] = " ".join(d)
    if needs:
        want["versions_needed"] = " ".join(needs[i] for i in sorted(needs))
    _, k, _ = run(["readelf", "-W", "--debug-dump=links", path])
    m = re.search(r"Separate debug info file: (\S+)\s+CRC value: (0x[0-9a-f]+)", k)
    if m:
        want["debuglink"] = m.group(1)
        want["debuglink_crc"] = "0x%08x" % int(m.group(2), 16)
    return want, needed, soname


def check_props(leaf, path, doc, no_shdrs):
    want, needed, soname = readelf_props(path)
    props = doc.get("properties", {})
    if no_shdrs:   # readelf -V needs the version sections' headers
        for k in ("version_base", "versions_defined", "versions_needed"):
            want[k] = props.get(k)
    if doc.get("type") == "relocatable":
        _, sec, _ = run(["readelf", "-W", "-S", path])
        m = re.search(r"\] \.note\.GNU-stack\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\S*)", sec)
        want["gnu_stack"] = "absent" if not m else "rwx" if "X" in m.group(1) else "rw"
    for k in sorted(set(want) | (set(props) & PROP_KEYS)):
        if props.get(k) != want.get(k):
            mismatch(leaf, "property %s: readelf %r, objinspect %r" % (k, want.get(k), props.get(k)))
    if doc.get("needed") != needed:
        mismatch(leaf, "DT_NEEDED: readelf %s, objinspect %s" % (needed, doc.get("needed")))
    if doc.get("soname") != soname:
        mismatch(leaf, "DT_SONAME: readelf %r, objinspect %r" % (soname, doc.get("soname")))


PROP_KEYS = {"interp", "rpath", "runpath", "flags", "flags_1", "bind_now", "textrel", "hash",
             "relro", "gnu_stack", "build_id", "gnu_property_x86", "gnu_property_aarch64",
             "debuglink", "debuglink_crc", "version_base", "versions_defined",
             "versions_needed"}


def verneed_of_symbols(path):
    """{dynamic symbol number: library} from readelf -V: the versym table
    gives each symbol's version index, verneed each index's library."""
    rc, vtext, _ = run(["readelf", "-W", "-V", path])
    lib_of_index, lib, sym_index = {}, None, {}
    part = None
    for line in vtext.splitlines():
        if line.startswith("Version symbols section"):
            part = "versym"
        elif line.startswith("Version needs section"):
            part = "verneed"
        elif line.startswith("Version definition section"):
            part = "verdef"
        if part == "verneed":
            m = re.search(r"File: (\S+)\s+Cnt:", line)
            if m:
                lib = m.group(1)
            m = re.search(r"Name: \S+\s+Flags: .*Version: (\d+)", line)
            if m and lib:
                lib_of_index[int(m.group(1))] = lib
        elif part == "versym":
            m = re.match(r"^\s*([0-9a-f]+):(.*)$", line)
            if m:
                i = int(m.group(1), 16)
                for v in re.findall(r"([0-9a-f]+)h?\s*\(", m.group(2)):
                    sym_index[i] = int(v, 16)
                    i += 1
    return {n: lib_of_index.get(v) for n, v in sym_index.items()}


def check_imports(leaf, path, doc, rows, with_library):
    """Undefined symbols: name, required version and the library verneed names
    (readelf -V needs section headers to show verneed: without them, the
    library is not compared)."""
    lib_of = verneed_of_symbols(path) if with_library else {}
    want = collections.Counter((r["name"], r["version"], lib_of.get(r["num"]))
                               for r in rows)
    got = collections.Counter((i["name"], i["version"], i["library"] if with_library else None)
                              for i in doc["imports"])
    for k in sorted(set(want) | set(got), key=str):
        if want[k] != got[k]:
            mismatch(leaf, "import %s@%s from %s: readelf %d, objinspect %d" % (
                k[0], k[1], k[2], want[k], got[k]))


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


def opd_words(path):
    """{address: first doubleword} of .opd, from objdump -s's hex dump."""
    rc, out, _ = run(["objdump", "-s", "-j", ".opd", path])
    data = {}
    for line in out.splitlines():
        m = re.match(r"^ ([0-9a-f]+) ((?:[0-9a-f]{8} ?){1,4})", line)
        if m:
            addr = int(m.group(1), 16)
            for i, w in enumerate(m.group(2).split()):
                data[addr + 4 * i] = int(w, 16)
    return data


def check_ppc64(leaf, path, fdoc, rows, exports):
    elfv2 = (fdoc.get("flags", 0) & 3) == 2 or (fdoc.get("flags", 0) & 3) == 0 and \
        fdoc.get("endian") == "little"
    by_key = {(e["name"], e["version"]): e for e in exports}
    words = None if elfv2 else opd_words(path)
    for r in rows:
        if r["type"] != "FUNC":
            continue
        e = by_key.get((r["name"], r["version"]))
        if not e:
            continue
        if elfv2:
            m = re.search(r"<localentry>: (\d+)", r["extra"])
            want = int(m.group(1)) if m else 0
            if e["local_entry"] != want:
                mismatch(leaf, "%s local entry: readelf %d, objinspect %d" % (
                    r["name"], want, e["local_entry"]))
        else:
            hi, lo = words.get(r["value"]), words.get(r["value"] + 4)
            want = None if hi is None or lo is None else (hi << 32) | lo
            if e["code_address"] != want:
                mismatch(leaf, "%s descriptor entry: objdump .opd %s, objinspect %s" % (
                    r["name"], want, e["code_address"]))


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
        if full_docs.get(leaf, {}).get("format") != "elf":
            continue   # a COFF member of an import library, a Mach-O file...
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

        # ppc64: ELFv2's local entry (readelf's [<localentry>: N]) and ELFv1's
        # descriptor entry (the first doubleword at the address in .opd)
        fdoc = full_docs.get(leaf, {})
        if fdoc.get("machine") == "ppc64" and use_dyn:
            check_ppc64(leaf, path, fdoc, rows, doc["exports"])

        # imports, dependencies and properties
        if use_dyn:
            irows = [r for r in dynrows if r["num"] != 0 and r["ndx"] == "UND" and
                     r["bind"] != "LOCAL"]
        else:
            irows = [dict(r) for r in sym_tables.get(member, {}).get(".symtab", [])
                     if r["num"] != 0 and r["ndx"] == "UND" and r["bind"] != "LOCAL"]
            for r in irows:   # .symtab: an '@' is part of the name
                if r["version"]:
                    r["name"] += ("@@" if r["default"] else "@") + r["version"]
                    r["version"], r["default"] = None, False
        check_imports(leaf, path, full_docs.get(leaf, {"imports": []}), irows,
                      use_dyn and not (no_shdrs or lie or is_ar))
        if not is_ar:
            check_props(leaf, path, full_docs.get(leaf, {}), no_shdrs or lie)

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
        if native and "dlopen:" in rerr:
            print("NOTE %s: dlsym not compared, the loader cannot open it here (%s)" % (
                where, rerr.strip().split("dlopen: ", 1)[-1][:160]))
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
