#!/usr/bin/env python3
"""bind conformance: objinspect bind against glibc's own loader.

For every native x86-64 ELF program and library under DIR (the fixtures),
plus SYSTEM system programs from /usr/bin and SYSLIBS libraries from
/usr/lib/x86_64-linux-gnu (environment, defaults 60 and 20), the bindings
of `objinspect bind --json FILE` must equal what glibc reports with

    LD_TRACE_LOADED_OBJECTS=1 LD_WARN=1 LD_BIND_NOW=1 LD_DEBUG=bindings \
        /lib64/ld-linux-x86-64.so.2 FILE

(what ldd -r does: every relocation of every object is processed, the program is
never run). Compared, as sets of tuples:
  bound:      (referencing file, symbol, version, defining file)
  unresolved: (referencing file, symbol, version) from ld.so's
              "undefined symbol" lines, and ("version", library, version,
              requiring file) from its "version `V' not found (required by
              F)" lines (objinspect's bind/version diagnostics).

Normalisation, and why:
  - file names are compared after realpath(): ld.so prints the name it
    found a file under (/lib/x86_64-linux-gnu vs /usr/lib/... on a merged-usr
    system, /lib64/ld-linux-x86-64.so.2 for the interpreter); objinspect
    prints the path it searched. Both name the same file.
  - duplicates are dropped: ld.so prints one line per lookup, and looks a
    symbol up once per relocation except when its one-entry cache hits.
  - linux-vdso.so.1 lines are dropped: the vDSO is not a file, and ld.so's
    lookups in it (__vdso_*) are not relocations of any object.
  - relocations of ld.so itself are not compared: in trace mode ld.so does
    not relocate itself a second time, so there is no oracle line for them
    (objinspect still uses ld.so as a provider, which is compared). The run
    mode below covers them for the fixture programs.
  - weak references that stay unbound have no line on either side (ld.so
    prints nothing for them; objinspect reports them as weak-unbound).
For the fixture programs under DIR/bind/elf (built here and safe to run) the same comparison
is also made in run mode (LD_DEBUG=bindings LD_BIND_NOW=1 ./prog), which
adds ld.so's own relocations. It also adds lookups with no relocation
behind them: once libc is relocated, ld.so looks up malloc, calloc, realloc
and free for its own use and prints them as the program's; such lines (the
referencing file has no dynamic relocation naming the symbol) are dropped
and counted. Programs ld.so refuses to start (a missing library or version)
are compared in ldd mode only.
"""
import json
import os

import bind_peers
import re
import stat
import subprocess
import sys

RTLD = "/lib64/ld-linux-x86-64.so.2"
BIND_RE = re.compile(r"binding file (.*?) \[\d+\] to (.*?) \[\d+\]: (?:normal|protected) "
                     r"symbol `(.*?)'(?: \[(.*?)\])?$")
UNDEF_RE = re.compile(r"^undefined symbol: (.+?)(?:, version (\S+))?\t\((.*)\)\s*$")
VERSION_RE = re.compile(r"(\S+): (?:error: version lookup error: )?version `(.+?)' not found "
                        r"\(required by (.+?)\)")
NOVER_RE = re.compile(r"(.*?): symbol (\S+) version (\S+) not defined in file (\S+) with link "
                      r"time reference")


def real(p):
    return os.path.realpath(p) if p and p.startswith("/") else p


def elf_info(path):
    """(is x86-64 ELF, has PT_INTERP of glibc's ld.so, is ET_DYN) from the header bytes."""
    try:
        with open(path, "rb") as f:
            h = f.read(64)
    except OSError:
        return None
    if len(h) < 64 or h[:4] != b"\x7fELF" or h[4] != 2 or h[5] != 1:
        return None
    machine = int.from_bytes(h[18:20], "little")
    etype = int.from_bytes(h[16:18], "little")
    if machine != 62 or etype not in (2, 3):
        return None
    return etype


def interp_of(path):
    out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True).stdout
    m = re.search(r"Requesting program interpreter: (.*?)\]", out)
    return m.group(1) if m else None


def has_dynamic(path):
    out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True).stdout
    return re.search(r"^\s+DYNAMIC\s", out, re.M) is not None


def candidates(root_dir, want_programs, want_libs):
    files = []
    for dirpath, _, names in os.walk(root_dir):
        for n in sorted(names):
            p = os.path.join(dirpath, n)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            files.append(p)
    return files


def pick(paths, limit, kind):
    out = []
    for p in sorted(paths):
        if len(out) >= limit:
            break
        try:
            st = os.stat(p)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_mode & (stat.S_ISUID | stat.S_ISGID):
            continue
        et = elf_info(p)
        if et is None:
            continue
        if kind == "program" and interp_of(p) != RTLD:
            continue
        if kind == "library" and (et != 3 or interp_of(p) is not None or not has_dynamic(p)):
            continue
        out.append(p)
    return out


def foreign_kind(path):
    """"pe" for a PE image, "macho" for a thin Mach-O executable, dylib or
    bundle, else None (from the header bytes)."""
    try:
        with open(path, "rb") as f:
            h = f.read(4096)
    except OSError:
        return None
    if h[:2] == b"MZ" and len(h) >= 0x40:
        off = int.from_bytes(h[0x3C:0x40], "little")
        if off + 24 <= len(h) and h[off:off + 4] == b"PE\0\0":
            chars = int.from_bytes(h[off + 22:off + 24], "little")
            return "pe" if chars & 0x2 else None   # IMAGE_FILE_EXECUTABLE_IMAGE
        return None
    if h[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe") and len(h) >= 16:
        return "macho" if int.from_bytes(h[12:16], "little") in (2, 6, 8) else None
    return None


def ld_so(path, run=False):
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("LD_"):
            del env[k]
    env.update(LD_DEBUG="bindings", LD_BIND_NOW="1")
    if run:
        cmd = [path]
    else:
        env.update(LD_WARN="1", LD_TRACE_LOADED_OBJECTS="1")
        cmd = [RTLD, path]
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60,
                           stdin=subprocess.DEVNULL, errors="replace")
    except subprocess.TimeoutExpired:
        return None, None
    if run and (p.returncode == 127 or "not found (required by" in p.stderr):
        return "unloadable", None
    bound, unres = set(), set()
    for line in (p.stderr + "\n" + p.stdout).splitlines():
        line = re.sub(r"^\s*\d+:\s*", "", line)
        m = BIND_RE.search(line)
        if m:
            ref, to, sym, ver = m.groups()
            if ref == "linux-vdso.so.1" or to == "linux-vdso.so.1":
                continue
            bound.add((real(ref), sym, ver or "", real(to)))
            continue
        m = VERSION_RE.search(line)
        if m and not run:
            unres.add(("version", real(m.group(1)), m.group(2), real(m.group(3))))
            continue
        m = NOVER_RE.search(line)
        if m:
            unres.add((real(m.group(1).strip()), m.group(2), m.group(3)))
            continue
        m = UNDEF_RE.search(line)
        if m:
            sym, ver, ref = m.groups()
            unres.add((real(ref), sym, ver or ""))
    return bound, unres


def objinspect(oi, path):
    p = subprocess.run([oi, "bind", "--json", path], capture_output=True, text=True,
                       timeout=300, errors="replace")
    if p.returncode not in (0, 1):
        return None
    d = json.loads(p.stdout)
    objs = d["objects"]
    rtld = os.path.realpath(RTLD)
    interp = {o["index"] for o in objs if o["path"] and real(o["path"]) == rtld}
    bound, unres, relocs = set(), set(), set()
    for b in d["bindings"]:
        ref = real(objs[b["importer"]]["path"])
        relocs.add((ref, b["name"]))
        if b["importer"] in interp:
            continue
        if b["state"] == "bound":
            bound.add((ref, b["name"], b["version"] or "", real(objs[b["provider"]]["path"])))
        elif b["state"] in ("unresolved",):
            unres.add((ref, b["name"], b["version"] or ""))
    for x in d["diagnostics"]:
        m = VERSION_RE.search(x["message"]) if x["where"] == "bind/version" else None
        if m:
            unres.add(("version", real(m.group(1)), m.group(2), real(m.group(3))))
    return bound, unres, relocs, interp, d


def compare(label, path, ours, theirs, mism, limit=20):
    only_ours, only_theirs = ours - theirs, theirs - ours
    for t in sorted(only_theirs)[:limit]:
        print(f"MISMATCH {label} {path}: ld.so {t} not in objinspect")
    for t in sorted(only_ours)[:limit]:
        print(f"MISMATCH {label} {path}: objinspect {t} not in ld.so")
    return len(only_ours) + len(only_theirs)


def main():
    oi, fixdir = sys.argv[1], os.path.realpath(sys.argv[2])
    nsys = int(os.environ.get("SYSTEM", "60"))
    nlibs = int(os.environ.get("SYSLIBS", "20"))
    fix_files = candidates(fixdir, True, True) if os.path.isdir(fixdir) else []
    fix_progs = pick(fix_files, 10**6, "program")
    fix_libs = pick(fix_files, 10**6, "library")
    sys_progs = pick([os.path.join("/usr/bin", n) for n in os.listdir("/usr/bin")], nsys,
                     "program") if nsys else []
    sys_libs = pick([os.path.join("/usr/lib/x86_64-linux-gnu", n)
                     for n in os.listdir("/usr/lib/x86_64-linux-gnu")], nlibs,
                    "library") if nlibs else []
    files = [(p, False) for p in fix_progs + fix_libs + sys_progs + sys_libs]
    # run mode only for the programs built here for it (never the corpus's)
    files += [(p, True) for p in fix_progs if os.path.realpath(p).startswith(
        os.path.join(fixdir, "bind", "elf") + os.sep)]
    nfiles, nbind, mism, extra, unloadable = 0, 0, 0, 0, 0
    for path, run in files:
        path = os.path.realpath(path)
        theirs_b, theirs_u = ld_so(path, run)
        if theirs_b is None:
            print(f"SKIP {path}: ld.so timed out")
            continue
        if theirs_b == "unloadable":
            # ld.so refuses to start it (a missing library or version): only
            # the ldd -r comparison above applies
            unloadable += 1
            continue
        r = objinspect(oi, path)
        if r is None:
            print(f"MISMATCH {path}: objinspect bind failed")
            mism += 1
            continue
        ours_b, ours_u, relocs, interp, _ = r
        label = "run" if run else "list"
        if run:
            # run mode: ld.so's own relocations are there; lookups with no
            # relocation behind them (libc's dlsym-style calls) are dropped
            d = r[4]
            objs = d["objects"]
            for b in d["bindings"]:
                if b["importer"] in interp and b["state"] == "bound":
                    ours_b.add((real(objs[b["importer"]]["path"]), b["name"],
                                b["version"] or "", real(objs[b["provider"]]["path"])))
            kept = {t for t in theirs_b if (t[0], t[1]) in relocs}
            extra += len(theirs_b) - len(kept)
            theirs_b = kept
            theirs_u = set()
            ours_u = set()
        else:
            rtld = os.path.realpath(RTLD)
            theirs_b = {t for t in theirs_b if t[0] != rtld}
        nfiles += 1
        nbind += len(theirs_b | ours_b)
        mism += compare(label, path, ours_b, theirs_b, mism)
        mism += compare(label + "-unresolved", path, ours_u, theirs_u, mism)
    # PE and Mach-O roots under DIR, against the peer tools (bind_peers.py);
    # named mutations are broken on purpose and have tests of their own
    npe = nmacho = 0
    dylib_dirs = sorted({dp for dp, _, ns in os.walk(fixdir) for n in ns if n.endswith(".dylib")})
    macho_l = []
    for dd in dylib_dirs:
        macho_l += ["-L", dd]
    for p in (sorted(fix_files) if os.path.isdir(fixdir) else []):
        if "/mutated/" in p:
            continue
        kind = foreign_kind(p)
        if kind is None:
            continue
        if kind == "pe":
            nb, mm = bind_peers.pe_check(oi, p, print)
            npe += 1
        else:
            nb, mm = bind_peers.macho_check(oi, p, macho_l, print)
            nmacho += 1
        nfiles += 1
        nbind += nb
        mism += mm
    print(f"conformance bind: {nfiles} files ({len(fix_progs)} programs and "
          f"{len(fix_libs)} libraries under DIR, {len(sys_progs)} system programs, "
          f"{len(sys_libs)} system libraries, the bind fixture programs also run; {npe} PE and "
          f"{nmacho} Mach-O files against llvm-readobj/llvm-objdump), "
          f"{nbind} bindings, {mism} mismatches"
          + (f"; {extra} run-time lookups without a relocation dropped" if extra else "")
          + (f"; {unloadable} programs ld.so refuses to start compared in ldd mode only"
             if unloadable else ""))
    return 1 if mism else 0


if __name__ == "__main__":
    sys.exit(main())
