#!/usr/bin/env python3
"""The measuring half of `make bench` (tests/bench/bench.sh installs, builds
and generates first). Each job runs its floor, objinspect and the peer tools
on the same input, one job after the other, in one run:

  - wall time: hyperfine medians (and the minimum, which load disturbs least);
  - peak memory: the maximum resident set size from /usr/bin/time;
  - instructions: valgrind --tool=callgrind, for the floors and objinspect
    (and the cheaper peers), because timing is noisy on a shared machine
    and instruction counts are not.

It writes bench/RESULTS.md: one table per job with ratios to the job's
floor, then every target of issue 9 with its measured value and whether it
is met. Absolute times move between runs; the ratios are the result.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

AP = argparse.ArgumentParser()
AP.add_argument("--build", default="build")
AP.add_argument("--out", default="bench/RESULTS.md")
ARGS = AP.parse_args()
QUICK = os.environ.get("BENCH_QUICK") == "1"
B = ARGS.build
OI = os.path.join(B, "objinspect")
FLOOR = os.path.join(B, "bench-floor")
SYN = os.path.join(B, "bench")
LIBDIR = "/usr/lib/x86_64-linux-gnu"
LLVM15 = os.path.join(LIBDIR, "libLLVM-15.so.1")
TMP = tempfile.mkdtemp(prefix="oi-bench-")


def have(tool):
    return shutil.which(tool) is not None


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------ measuring

def hyperfine_once(cmds, out, max_runs):
    runs = ["--min-runs", "5", "--max-runs", "30"] if QUICK else ["--min-runs", "10", "--max-runs", str(max_runs)]
    shell = any(c.get("shell") for c in cmds)
    args = ["hyperfine", "--warmup", "3", "--style", "none", "--export-json", out] + runs
    if not shell:
        args.append("-N")
    args += [c["line"] for c in cmds]
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return json.load(open(out))["results"]


def hyperfine(cmds):
    """Median, minimum and mean user time (ms) of each command line. The
    commands run in rounds, in order and then in reverse, and each one's
    runs of all rounds are pooled: a burst of load from another process
    then falls on both sides of a comparison, not on one of them. Short
    commands (under 50 ms) get six rounds of up to 100 runs, others two."""
    out = os.path.join(TMP, "hf.json")
    first = hyperfine_once(cmds, out, 100)
    rounds = [first]
    short = max(r["median"] for r in first) < 0.05
    for k in range(1, 2 if QUICK else (6 if short else 2)):
        order = cmds if k % 2 == 0 else list(reversed(cmds))
        got = hyperfine_once(order, out, 100)
        rounds.append(got if k % 2 == 0 else list(reversed(got)))
    res = []
    for per_cmd in zip(*rounds):
        times = sorted(t for r in per_cmd for t in r["times"])
        k = len(times)
        med = times[k // 2] if k % 2 else (times[k // 2 - 1] + times[k // 2]) / 2
        user = sum(r["user"] * len(r["times"]) for r in per_cmd) / k
        res.append((med * 1e3, times[0] * 1e3, user * 1e3))
    return res


def peak_rss_kib(line, shell):
    argv = ["sh", "-c", line] if shell else shlex.split(line)
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    try:
        return int(p.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def instructions(line):
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
                       + shlex.split(line), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    m = re.search(r"refs:\s+([\d,]+)", p.stderr)
    return int(m.group(1).replace(",", "")) if m else None


def measure(job, rows):
    """rows: dicts with label, line, and optionally floor, shell, ir, tool."""
    rows = [r for r in rows if all(have(t) for t in r.get("tools", []))]
    log("== %s: %d commands" % (job, len(rows)))
    # hyperfine cannot mix shell and no-shell commands in one call
    plain = [r for r in rows if not r.get("shell")]
    piped = [r for r in rows if r.get("shell")]
    for group in (plain, piped):
        if group:
            for r, (med, mn, user) in zip(group, hyperfine(group)):
                r["median"], r["min"], r["user"] = med, mn, user
    for r in rows:
        r["rss"] = peak_rss_kib(r["line"], r.get("shell"))
        r["ir"] = instructions(r["line"]) if r.get("ir") and not r.get("shell") else None
    return rows


def floor_of(rows, which="floor"):
    for r in rows:
        if r.get(which):
            return r
    return None


# ------------------------------------------------------------ report

OUT = []


def emit(s=""):
    OUT.append(s)


def fmt_ms(v):
    return "%.2f" % v if v is not None else "-"


def fmt_n(v):
    return "{:,}".format(v) if v is not None else "-"


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_x(v):
    return "%.2f×" % v if v is not None else "-"


def table(title, note, rows):
    fl = floor_of(rows)
    emit("## %s" % title)
    emit()
    if note:
        emit(note)
        emit()
    emit("| command | median ms | min ms | user ms | peak RSS KiB | instructions | × floor (median) | × floor (instructions) |")
    emit("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        emit("| %s`%s`%s | %s | %s | %s | %s | %s | %s | %s |" % (
            "**" if r.get("oi") else "", r["label"], "**" if r.get("oi") else "",
            fmt_ms(r["median"]), fmt_ms(r["min"]), fmt_ms(r["user"]), fmt_n(r["rss"]),
            fmt_n(r["ir"]), fmt_x(ratio(r["median"], fl["median"])),
            fmt_x(ratio(r["ir"], fl["ir"]) if r["ir"] else None)))
    emit()


TARGETS = []


def target(name, value, limit, ok, how):
    TARGETS.append((name, value, limit, ok, how))


def by(rows, label):
    for r in rows:
        if r["label"] == label:
            return r
    return None


# ------------------------------------------------------------ the jobs

def short(path):
    return os.path.basename(path)


def job_llvm():
    lib = LLVM15
    if not os.path.exists(lib):
        log("no %s (package libllvm15): skipping the libLLVM job" % lib)
        return None
    nexp = sum(1 for _ in subprocess.run([OI, "exports", lib], capture_output=True, text=True)
               .stdout.splitlines()[1:])
    L = shlex.quote(lib)
    rows = measure("libLLVM-15 exports", [
        dict(label="floor elf-list (mmap, walk .dynsym, printf)", line="%s elf-list %s" % (FLOOR, L), floor=True, ir=True),
        dict(label="floor elf-list-write (the same, own formatting)", line="%s elf-list-write %s" % (FLOOR, L), tight=True, ir=True),
        dict(label="objinspect exports", line="%s exports %s" % (OI, L), oi=True, ir=True),
        dict(label="eu-readelf --dyn-syms", line="eu-readelf --dyn-syms %s" % L, tools=["eu-readelf"], ir=True),
        dict(label="objdump -T", line="objdump -T %s" % L, tools=["objdump"]),
        dict(label="nm -D", line="nm -D %s" % L, tools=["nm"]),
        dict(label="readelf -W --dyn-syms", line="readelf -W --dyn-syms %s" % L, tools=["readelf"]),
        dict(label="scanelf -q -s +*", line="scanelf -q -s +* %s" % L, tools=["scanelf"]),
        dict(label="llvm-nm -D", line="llvm-nm -D %s" % L, tools=["llvm-nm"]),
        dict(label="llvm-readobj --dyn-syms", line="llvm-readobj --dyn-syms %s" % L, tools=["llvm-readobj"]),
    ])
    table("Exports of libLLVM-15 (%d exports), nm-like text with versions" % nexp,
          "`%s`. Each line of `objinspect exports` is address, kind, binding, "
          "visibility and NAME@@VERSION; the floor prints address and NAME@@VERSION." % lib, rows)
    fl, tight, oi = floor_of(rows), floor_of(rows, "tight"), by(rows, "objinspect exports")
    r = ratio(oi["median"], fl["median"])
    target("libLLVM exports: time vs the floor", fmt_x(r), "≤ 2×", r is not None and r <= 2,
           "median; %s of the own-formatting floor, %s in instructions" % (
               fmt_x(ratio(oi["median"], tight["median"])), fmt_x(ratio(oi["ir"], fl["ir"]))))
    eu = by(rows, "eu-readelf --dyn-syms")
    if eu:
        r = ratio(eu["median"], oi["median"])
        target("libLLVM exports: faster than eu-readelf", fmt_x(r), "≥ 2×", r is not None and r >= 2,
               "eu-readelf median / objinspect median; %s in instructions" % fmt_x(ratio(eu["ir"], oi["ir"])))
    nm = by(rows, "llvm-nm -D")
    if nm:
        r = ratio(nm["median"], oi["median"])
        target("libLLVM exports: faster than llvm-nm -D", fmt_x(r), "≥ 20×", r is not None and r >= 20,
               "llvm-nm median / objinspect median")
        r = ratio(nm["rss"], oi["rss"])
        target("libLLVM exports: less memory than llvm-nm -D", fmt_x(r), "≥ 40×", r is not None and r >= 40,
               "peak RSS %s KiB vs %s KiB" % (fmt_n(nm["rss"]), fmt_n(oi["rss"])))
    return rows


def llvm_name():
    out = subprocess.run(["readelf", "-W", "--dyn-syms", LLVM15], capture_output=True, text=True).stdout
    name = None
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[6] != "UND" and f[4] == "GLOBAL" and f[3] == "FUNC":
            name = f[7].split("@")[0]
    return name


def job_resolve():
    results = []
    cases = []
    if os.path.exists(LLVM15):
        cases.append(("libLLVM-15.so.1", LLVM15, llvm_name(), True))
    for n, tag in ((1000, "1k"), (10000, "10k"), (100000, "100k"), (1000000, "1m")):
        cases.append(("elf-%s.so" % tag, os.path.join(SYN, "elf-%s.so" % tag),
                      "bench_export_function_%07d" % (n // 2), False))
    flat = []
    for title, lib, name, peers in cases:
        L, N = shlex.quote(lib), shlex.quote(name)
        rows = [
            dict(label="floor elf-resolve (mmap, one GNU-hash lookup)", line="%s elf-resolve %s %s" % (FLOOR, L, N), floor=True, ir=True),
            dict(label="objinspect resolve", line="%s resolve %s %s" % (OI, L, N), oi=True, ir=True),
        ]
        if peers:
            rows += [
                dict(label="scanelf -q -s NAME", line="scanelf -q -s %s %s" % (N, L), tools=["scanelf"], ir=True),
                dict(label="dlopen + dlsym (floor dlsym)", line="%s dlsym %s %s" % (FLOOR, L, N)),
                dict(label="nm -D | grep", line="nm -D %s | grep -w %s" % (L, N), shell=True, tools=["nm"]),
            ]
        rows = measure("resolve in %s" % title, rows)
        table("Resolve one name in %s" % title, "`%s` in `%s`." % (name, lib), rows)
        fl, oi = floor_of(rows), by(rows, "objinspect resolve")
        r = ratio(oi["median"], fl["median"])
        target("resolve in %s: time vs the floor" % title, fmt_x(r), "≤ 2×", r is not None and r <= 2,
               "median; %s in instructions" % fmt_x(ratio(oi["ir"], fl["ir"])))
        if not peers:
            flat.append((title, oi))
    if len(flat) >= 2:
        lo, hi = flat[0][1], flat[-1][1]
        r_ir = ratio(hi["ir"], lo["ir"])
        r_t = ratio(hi["median"], lo["median"])
        target("resolve: flat from 1k to 1M exports", "%s instructions, %s time" % (fmt_x(r_ir), fmt_x(r_t)),
               "≤ 1.10× instructions", r_ir is not None and r_ir <= 1.10,
               "objinspect resolve on elf-1m.so vs elf-1k.so (%s vs %s instructions)" % (
                   fmt_n(hi["ir"]), fmt_n(lo["ir"])))


def job_resolve_pe_macho():
    """Resolving through the PE name table's binary search and the Mach-O
    trie: flat in the number of exports too."""
    for fmt, floor_mode, sizes in (
            ("PE", "pe-resolve", ((1000, "pe-1k.dll"), (10000, "pe-10k.dll"), (50000, "pe-50k.dll"))),
            ("Mach-O", "macho-resolve", ((1000, "macho-1k.dylib"), (10000, "macho-10k.dylib"),
                                         (100000, "macho-100k.dylib")))):
        flat = []
        for n, fname in sizes:
            path = os.path.join(SYN, fname)
            name = ("_" if fmt == "Mach-O" else "") + "bench_export_function_%07d" % (n // 2)
            P, N = shlex.quote(path), shlex.quote(name)
            rows = measure("resolve in %s" % fname, [
                dict(label="floor %s (mmap, %s)" % (floor_mode, "binary search of the name table" if fmt == "PE" else "trie descent"),
                     line="%s %s %s %s" % (FLOOR, floor_mode, P, N), floor=True, ir=True),
                dict(label="objinspect resolve", line="%s resolve %s %s" % (OI, P, N), oi=True, ir=True),
            ])
            table("Resolve one name in %s" % fname, "`%s` in `%s`." % (name, path), rows)
            fl, oi = floor_of(rows), by(rows, "objinspect resolve")
            r = ratio(oi["median"], fl["median"])
            target("resolve in %s: time vs the floor" % fname, fmt_x(r), "≤ 2×", r is not None and r <= 2,
                   "median; %s in instructions" % fmt_x(ratio(oi["ir"], fl["ir"])))
            flat.append(oi)
        r_ir = ratio(flat[-1]["ir"], flat[0]["ir"])
        target("resolve (%s): flat from 1k to %dk exports" % (fmt, sizes[-1][0] // 1000),
               "%s instructions" % fmt_x(r_ir), "≤ 1.10× instructions", r_ir is not None and r_ir <= 1.10,
               "%s vs %s instructions" % (fmt_n(flat[-1]["ir"]), fmt_n(flat[0]["ir"])))


def batch_files():
    files = []
    for p in sorted(glob.glob(os.path.join(LIBDIR, "*.so*"))):
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        with open(p, "rb") as fh:
            if fh.read(4) == b"\x7fELF":
                files.append(p)
    return files


def job_batch():
    files = batch_files()
    listf = os.path.join(TMP, "files")
    args = " ".join(shlex.quote(f) for f in files)
    twice = args + " " + args
    rows = measure("batch", [
        dict(label="floor elf-list FILES (printf)", line="%s elf-list %s" % (FLOOR, args), floor=True, ir=True),
        dict(label="floor elf-list-write FILES (own formatting)", line="%s elf-list-write %s" % (FLOOR, args), tight=True, ir=True),
        dict(label="objinspect exports FILES", line="%s exports %s" % (OI, args), oi=True, ir=True),
        dict(label="scanelf -q -s +* FILES", line="scanelf -q -s +* %s" % args, tools=["scanelf"]),
        dict(label="objdump -T FILES", line="objdump -T %s" % args, tools=["objdump"]),
        dict(label="eu-readelf --dyn-syms FILES", line="eu-readelf --dyn-syms %s" % args, tools=["eu-readelf"]),
        dict(label="nm -D FILES", line="nm -D %s" % args, tools=["nm"]),
        dict(label="llvm-nm -D FILES", line="llvm-nm -D %s" % args, tools=["llvm-nm"]),
        dict(label="readelf -W --dyn-syms FILES", line="readelf -W --dyn-syms %s" % args, tools=["readelf"]),
    ])
    rss_twice = peak_rss_kib("%s exports %s" % (OI, twice), False)
    rss_one = peak_rss_kib("%s exports %s" % (OI, shlex.quote(files[0])), False)
    table("The exports of every shared library in %s, in one run (%d files)" % (LIBDIR, len(files)),
          "The regular ELF files named `*.so*` directly in %s, in name order, given on one "
          "command line. objinspect's peak RSS with the list given twice (%d files): %s KiB; "
          "with the first file alone: %s KiB." % (LIBDIR, 2 * len(files), fmt_n(rss_twice), fmt_n(rss_one)),
          rows)
    fl, oi = floor_of(rows), by(rows, "objinspect exports FILES")
    r = ratio(oi["median"], fl["median"])
    target("batch of %d libraries: time vs the floor" % len(files), fmt_x(r), "≤ 1.15×",
           r is not None and r <= 1.15, "median; %s in instructions, %s of the own-formatting floor" % (
               fmt_x(ratio(oi["ir"], fl["ir"])), fmt_x(ratio(oi["median"], floor_of(rows, "tight")["median"]))))
    worst = max(oi["rss"] or 0, rss_twice or 0)
    target("batch: peak memory whatever the number of files", "%s KiB" % fmt_n(worst), "≤ 10 MiB",
           worst <= 10 * 1024, "%d files: %s KiB; %d files: %s KiB" % (
               len(files), fmt_n(oi["rss"]), 2 * len(files), fmt_n(rss_twice)))


def per_export(rows_by_size, label):
    """Instructions per export at each size, from objinspect's rows."""
    out = []
    for n, rows in rows_by_size:
        r = by(rows, label)
        fl = floor_of(rows)
        out.append((n, r, fl))
    return out


def linear_target(fmt, series):
    """Linear means each export costs the same however many there are: the
    instructions each further export costs between the two larger sizes
    against those between the two smaller ones (the start-up cost cancels)."""
    (n0, r0, _), (n1, r1, _), (n2, r2, _) = series[-3], series[-2], series[-1]
    lo = (r1["ir"] - r0["ir"]) / (n1 - n0)
    hi = (r2["ir"] - r1["ir"]) / (n2 - n1)
    r = hi / lo
    target("%s listing: linear in the number of exports" % fmt,
           "%s the cost of an export from %dk to %dk as from %dk to %dk" % (
               fmt_x(r), n1 // 1000, n2 // 1000, n0 // 1000, n1 // 1000),
           "≤ 1.15×", r <= 1.15,
           "objinspect instructions per further export: %.0f (%d to %d), %.0f (%d to %d)" % (
               lo, n0, n1, hi, n1, n2))


def job_pe():
    series = []
    for n, tag in ((1000, "1k"), (10000, "10k"), (50000, "50k")):
        dll = shlex.quote(os.path.join(SYN, "pe-%s.dll" % tag))
        rows = measure("PE %s" % tag, [
            dict(label="floor pe-list (mmap, name, ordinal and address tables)", line="%s pe-list %s" % (FLOOR, dll), floor=True, ir=True),
            dict(label="objinspect exports", line="%s exports %s" % (OI, dll), oi=True, ir=True),
            dict(label="llvm-readobj --coff-exports", line="llvm-readobj --coff-exports %s" % dll, tools=["llvm-readobj"], ir=n <= 10000),
            dict(label="x86_64-w64-mingw32-objdump -p", line="x86_64-w64-mingw32-objdump -p %s" % dll, tools=["x86_64-w64-mingw32-objdump"]),
        ])
        table("PE: the exports of a DLL with %s exports" % tag, "`%s` (synthetic, lld-link)." % dll, rows)
        series.append((n, rows))
        if n == 50000:
            fl, oi = floor_of(rows), by(rows, "objinspect exports")
            r = ratio(oi["median"], fl["median"])
            target("PE 50k exports: time vs the floor", fmt_x(r), "≤ 2×", r is not None and r <= 2,
                   "median; %s in instructions" % fmt_x(ratio(oi["ir"], fl["ir"])))
    linear_target("PE", per_export(series, "objinspect exports"))


def job_macho():
    series = []
    vips = sorted(glob.glob("/work/corpus/macho/*/libvips-cpp.*.dylib")) + \
        sorted(glob.glob(os.path.join(os.environ.get("CORPUS_DIR", "/work/corpus"), "macho/*/libvips-cpp.*.dylib")))
    inputs = []
    if vips:
        inputs.append((None, vips[0]))
    for n, tag in ((1000, "1k"), (10000, "10k"), (100000, "100k")):
        inputs.append((n, os.path.join(SYN, "macho-%s.dylib" % tag)))
    for n, path in inputs:
        P = shlex.quote(path)
        rows = measure("Mach-O %s" % short(path), [
            dict(label="floor macho-list (mmap, walk the exports trie)", line="%s macho-list %s" % (FLOOR, P), floor=True, ir=True),
            dict(label="objinspect exports", line="%s exports %s" % (OI, P), oi=True, ir=True),
            dict(label="llvm-objdump --macho --exports-trie", line="llvm-objdump --macho --exports-trie %s" % P, tools=["llvm-objdump"], ir=True),
            dict(label="llvm-nm --defined-only", line="llvm-nm --defined-only %s" % P, tools=["llvm-nm"]),
        ])
        count = sum(1 for _ in subprocess.run([OI, "exports", path], capture_output=True, text=True).stdout.splitlines()[1:])
        table("Mach-O: the exports of %s (%d exports)" % (short(path), count), "`%s`%s." % (
            path, "" if n is None else " (synthetic, ld64.lld)"), rows)
        fl, oi = floor_of(rows), by(rows, "objinspect exports")
        r = ratio(oi["median"], fl["median"])
        if n is None or n == 100000:
            target("Mach-O %s: time vs the floor" % short(path), fmt_x(r), "≤ 2×", r is not None and r <= 2,
                   "median; %s in instructions" % fmt_x(ratio(oi["ir"], fl["ir"])))
        if n is not None:
            series.append((n, rows))
    linear_target("Mach-O", per_export(series, "objinspect exports"))


def job_startup():
    rows = measure("start-up", [
        dict(label="true", line=shutil.which("true"), floor=True, ir=True),
        dict(label="objinspect --version", line="%s --version" % OI, oi=True, ir=True),
    ])
    table("Start-up", "`objinspect --version` against `true` (the cost of starting any process).", rows)
    oi = by(rows, "objinspect --version")
    target("start-up: objinspect --version", "%s ms" % fmt_ms(oi["median"]), "≤ 1 ms",
           oi["median"] <= 1.0, "median; `true` takes %s ms" % fmt_ms(floor_of(rows)["median"]))


def main():
    start = datetime.datetime.now(datetime.timezone.utc)
    load0 = os.getloadavg()
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    job_llvm()
    job_resolve()
    job_resolve_pe_macho()
    job_batch()
    job_pe()
    job_macho()
    job_startup()
    load1 = os.getloadavg()
    head = [
        "# objinspect benchmark results",
        "",
        "Generated by `make bench` (tests/bench/bench.sh, tests/bench/bench.py): do not edit, "
        "run it again. %s UTC, %s, %d CPUs, %s; load average %.2f at the start, %.2f at the end%s." % (
            start.strftime("%Y-%m-%d %H:%M"), cpu, os.cpu_count() or 0, platform.platform(),
            load0[0], load1[0], ", BENCH_QUICK=1 (fewer runs)" if QUICK else ""),
        "",
        "Every job runs its floor, objinspect and the peer tools on the same input in the same run. "
        "Times are [hyperfine](https://github.com/sharkdp/hyperfine) medians in ms (-N, 3 warm-up runs; "
        "each job runs in rounds, alternately in order and in reverse, six for commands under 50 ms "
        "and two for longer ones, and the runs of all rounds are pooled); "
        "min is the fastest run, which load on a shared machine disturbs least; user is the mean user CPU "
        "time. Peak RSS is GNU time's maximum resident set size. Instructions are counted by "
        "`valgrind --tool=callgrind` (user space only, independent of load). "
        "The floors are tests/bench/floor.c: the least a program must do on trusted input "
        "(mmap and walk the table, or one hash lookup), with no validation at all. "
        "The `floor` row of a job is the minimal program (printf per line, as the issue measured "
        "it); `elf-list-write` is a tighter floor with its own formatting into one buffer, shown "
        "for reference.",
        "",
        "## Targets (issue 9)",
        "",
        "| target | measured | limit | met | how |",
        "|---|---|---|---|---|",
    ]
    for name, value, limit, ok, how in TARGETS:
        head.append("| %s | %s | %s | %s | %s |" % (name, value, limit, "yes" if ok else "**no**", how))
    head.append("")
    with open(ARGS.out, "w") as fh:
        fh.write("\n".join(head + OUT) + "\n")
    log("wrote %s" % ARGS.out)
    for name, value, limit, ok, how in TARGETS:
        log("%-4s %s: %s (limit %s)" % ("ok" if ok else "MISS", name, value, limit))
    shutil.rmtree(TMP, ignore_errors=True)


main()
