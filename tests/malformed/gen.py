#!/usr/bin/env python3
"""The malformed-file generator: named mutations of good fixtures.

    python3 tests/malformed/gen.py FIXDIR OUTDIR [--list]

Each case is one small edit of a fixture built by `make check` (never a
file typed in by hand), written to OUTDIR/cases/NAME, and one line of
OUTDIR/manifest.tsv:

    name  class  expected-exit  stream  expected-substring  commands

- class: the hostile-input class of issue 10 it belongs to;
- expected-exit: 0 (the damage is recoverable and reported as a warning)
  or 2 (malformed input: exactly one line on stderr);
- stream: where the substring must appear: "stderr" (the one error line)
  or "stdout" (the warning in the listing, or an escaped name);
- commands: the objinspect invocations to run, ';'-separated, each with
  FILE where the case goes (default: the summary and --json --all). Every
  command must give the expected exit code and line count; the substring
  is looked for in the output of the first.

tests/malformed/test_malformed.sh runs every case and checks the exit code,
the line count on stderr, the substring, that no raw control byte reaches
stdout, that no sanitizer spoke, and the time (< 1 s) and peak RSS
(< 64 MiB) of each run. A fixture that is missing skips its cases loudly
(the test fails), so a case can never silently stop being checked.
"""
import os
import struct
import sys

CASES = []   # (name, cls, fixture, mutate, exit, stream, substring, commands)
DEFAULT_CMDS = "FILE;--json --all FILE"


def case(name, cls, fixture, exit, stream, substring, commands=DEFAULT_CMDS):
    """Register mutate(data: bytearray) -> bytes|bytearray as a case."""
    def register(mutate):
        CASES.append((name, cls, fixture, mutate, exit, stream, substring, commands))
        return mutate
    return register


def put(d, fmt, off, *vals):
    struct.pack_into(fmt, d, off, *vals)
    return d


def get(d, fmt, off):
    return struct.unpack_from(fmt, d, off)[0]


# ---------------------------------------------------------------- ELF
ELF64 = "elf/libelfsyms-gcc.so"      # ELF64 little-endian shared object
ELFREL = "elf/elfsyms.o"             # ELF64 relocatable (has .symtab)
ARCHIVE = "elf/libelfsyms.a"         # GNU ar archive of elfsyms.o


class Elf64:
    """Offsets into an ELF64 little-endian file."""

    def __init__(self, d):
        self.d = d
        self.phoff = get(d, "<Q", 32)
        self.shoff = get(d, "<Q", 40)
        self.phnum = get(d, "<H", 56)
        self.shentsize = get(d, "<H", 58)
        self.shnum = get(d, "<H", 60)
        self.shstrndx = get(d, "<H", 62)

    def sh(self, i):
        return self.shoff + i * self.shentsize

    def sec(self, i):
        o = self.sh(i)
        return dict(name=get(self.d, "<I", o), type=get(self.d, "<I", o + 4),
                    offset=get(self.d, "<Q", o + 24), size=get(self.d, "<Q", o + 32))

    def find(self, name):
        strtab = self.sec(self.shstrndx)
        for i in range(self.shnum):
            n = strtab["offset"] + self.sec(i)["name"]
            if self.d[n:n + len(name) + 1] == name.encode() + b"\0":
                return i
        raise KeyError(name)

    def name_off(self, i):
        return self.sec(self.shstrndx)["offset"] + self.sec(i)["name"]


def elf_trunc(n):
    return lambda d: d[:n]


for n, what in [(16, "e_ident"), (52, "an ELF32-sized header"), (63, "the ELF64 header"),
                (64, "the header, before the program headers")]:
    case("elf-trunc-%d" % n, "truncation at every header boundary", ELF64, 2, "stderr",
         "not an object file" if n < 52 else "elf/header")(elf_trunc(n))












@case("elf-shstrndx-out-of-range", "symbol and section indexes out of range", ELF64, 0,
      "stdout", "outside the section-name table", "sections FILE;sections --json FILE")
def _(d):
    return put(d, "<H", 62, Elf64(d).shnum + 5)


@case("elf-shstrtab-without-nul", "string tables without a NUL, and name offsets past them",
      ELF64, 0, "stdout", "outside the section-name table", "sections FILE;sections --json FILE")
def _(d):
    e = Elf64(d)
    s = e.sec(e.shstrndx)
    for i in range(s["offset"], s["offset"] + s["size"]):
        d[i] = 0x41 if d[i] == 0 else d[i]
    return d


@case("elf-section-name-past-table", "string tables without a NUL, and name offsets past them",
      ELF64, 0, "stdout", "name offset 0xfffff000 is outside", "sections FILE")
def _(d):
    e = Elf64(d)
    return put(d, "<I", e.sh(e.find(".text")), 0xfffff000)


@case("elf-section-name-escape", "names with terminal escape sequences", ELF64, 0, "stdout",
      "\\x1b]0;pw\\x07X", "sections FILE;sections --json FILE")
def _(d):
    e = Elf64(d)
    o = e.name_off(e.find(".comment"))        # 8 bytes + NUL: an OSC title change
    d[o:o + 8] = b"\x1b]0;pw\x07X"
    return d


@case("elf-section-name-csi", "names with terminal escape sequences", ELF64, 0, "stdout",
      "\\x1b[2J", "sections FILE")
def _(d):
    e = Elf64(d)
    o = e.name_off(e.find(".comment"))
    d[o:o + 8] = b"\x1b[2J\x9b1mX"
    return d


@case("elf-section-name-bad-utf8", "names with invalid UTF-8", ELF64, 0, "stdout",
      "\\xff\\xfe", "sections FILE;sections --json FILE")
def _(d):
    e = Elf64(d)
    o = e.name_off(e.find(".comment"))
    d[o:o + 8] = b"\xff\xfe\xc0\xaf\xed\xa0\x80z"    # stray bytes, overlong '/', surrogate
    return d


@case("elf-shstrndx-xindex-without-table", "SHN_XINDEX without its table", ELF64, 0,
      "stdout", "outside the section-name table", "sections FILE")
def _(d):
    # e_shstrndx = SHN_XINDEX: the real index is section 0's sh_link, here out of range
    e = Elf64(d)
    put(d, "<H", 62, 0xffff)
    return put(d, "<I", e.sh(0) + 40, 0x7fffffff)


# ---------------------------------------------------------------- ar
class Ar:
    def __init__(self, d):
        self.members = []   # (header offset, name field, size)
        o = 8
        while o + 60 <= len(d):
            size = int(d[o + 48:o + 58].decode().strip())
            self.members.append((o, bytes(d[o:o + 16]), size))
            o += 60 + size + (size & 1)

    def object(self):
        """Header offset of the first member that is not bookkeeping."""
        for o, name, _ in self.members:
            if not name.startswith(b"/ ") and not name.startswith(b"// "):
                return o
        raise KeyError


@case("ar-trunc-in-member-header", "truncation at every header boundary", ARCHIVE, 2,
      "stderr", "member header truncated")
def _(d):
    return d[:Ar(d).object() + 30]


@case("ar-member-past-end", "offsets past the end of the file", ARCHIVE, 2, "stderr",
      "runs past the end of the file")
def _(d):
    o = Ar(d).object()
    d[o + 48:o + 58] = b"9999999999"
    return d


@case("ar-bad-fmag", "overlapping structures", ARCHIVE, 2, "stderr", "bad member header")
def _(d):
    o = Ar(d).object()
    d[o + 58:o + 60] = b"XX"
    return d


@case("ar-long-name-out-of-range", "string tables without a NUL, and name offsets past them",
      ARCHIVE, 0, "stdout", "long-name offset out of range")
def _(d):
    o = Ar(d).object()
    d[o:o + 16] = b"/99999          "
    return d


@case("ar-member-name-escape", "names with terminal escape sequences", ARCHIVE, 0, "stdout",
      "\\x1b[31m")
def _(d):
    o = Ar(d).object()
    d[o:o + 16] = b"\x1b[31mevil.o/    "
    return d


# ---------------------------------------------------------------- PE
PE64 = "pe/callconv-x86_64.dll"      # PE32+ DLL (mingw-w64)
PE32 = "pe/callconv-i686.dll"        # PE32 DLL (mingw-w64)


class Pe:
    def __init__(self, d):
        self.d = d
        self.lfanew = get(d, "<I", 0x3c)
        self.coff = self.lfanew + 4
        self.nsections = get(d, "<H", self.coff + 2)
        self.optsize = get(d, "<H", self.coff + 16)
        self.opt = self.coff + 20
        self.pe32plus = get(d, "<H", self.opt) == 0x20b
        self.ndirs_off = self.opt + (108 if self.pe32plus else 92)
        self.dirs = self.ndirs_off + 4
        self.sections = self.opt + self.optsize

    def sec(self, i):
        return self.sections + 40 * i


for n, what, sub in [(2, "MZ", "not an object file"), (63, "the DOS header", "not an object file"),
                     (64, "after the DOS header", "not an object file")]:
    case("pe-trunc-%d" % n, "truncation at every header boundary", PE64, 2, "stderr", sub)(
        elf_trunc(n))


@case("pe-trunc-after-signature", "truncation at every header boundary", PE64, 2, "stderr",
      "COFF file header truncated")
def _(d):
    return d[:Pe(d).coff + 2]


@case("pe-trunc-in-optional-header", "truncation at every header boundary", PE64, 2, "stderr",
      "optional header of 240 bytes runs past the end")
def _(d):
    return d[:Pe(d).opt + 100]


@case("pe-trunc-in-section-table", "truncation at every header boundary", PE64, 2, "stderr",
      "section table of 20 entries runs past the end")
def _(d):
    p = Pe(d)
    return d[:p.sec(p.nsections // 2) + 12]


for v, label in [(0xffffffff, "huge"), (0, "zero"), (2, "inside-mz")]:
    case("pe-lfanew-%s" % label, "e_lfanew out of range", PE64, 2, "stderr",
         "MZ header without a valid PE header")(lambda d, v=v: put(d, "<I", 0x3c, v))


@case("pe-lfanew-past-end", "e_lfanew out of range", PE64, 2, "stderr",
      "MZ header without a valid PE header")
def _(d):
    return put(d, "<I", 0x3c, len(d) - 2)


@case("pe-optional-header-size-zero", "SizeOfOptionalHeader of 0, or huge", PE64, 2, "stderr",
      "neither PE32 nor PE32+")
def _(d):
    return put(d, "<H", Pe(d).coff + 16, 0)


@case("pe-optional-header-size-huge", "SizeOfOptionalHeader of 0, or huge", PE64, 2, "stderr",
      "section table of 20 entries runs past the end")
def _(d):
    # 0xffff fits in this file, so the section table lands past its end
    p = Pe(d)
    put(d, "<H", p.coff + 16, 0xffff)
    return d[:p.opt + 0xffff + 40 * 3]


@case("pe-optional-header-size-past-end", "SizeOfOptionalHeader of 0, or huge", PE32, 2,
      "stderr", "optional header of 65535 bytes runs past the end")
def _(d):
    p = Pe(d)
    put(d, "<H", p.coff + 16, 0xffff)
    return d[:p.opt + 0x8000]


@case("pe-ndirs-17", "NumberOfRvaAndSizes greater than 16", PE64, 0, "stdout",
      "NumberOfRvaAndSizes 17 is more than 16")
def _(d):
    return put(d, "<I", Pe(d).ndirs_off, 17)


@case("pe-ndirs-huge", "NumberOfRvaAndSizes greater than 16", PE32, 0, "stdout",
      "NumberOfRvaAndSizes 4294967295 is more than 16")
def _(d):
    return put(d, "<I", Pe(d).ndirs_off, 0xffffffff)


@case("pe-ndirs-past-optional-header", "NumberOfRvaAndSizes greater than 16", PE64, 0,
      "stdout", "data directories do not fit in the optional header")
def _(d):
    # 16 directories announced, room for 4: the optional header is cut short
    # and the section table moved up to follow it, so only the directories
    # past the fourth are lost (export, import, resource and exception stay)
    p = Pe(d)
    size = p.dirs - p.opt + 4 * 8
    table = d[p.sections:p.sections + 40 * p.nsections]
    d[p.opt + size:p.opt + size + len(table)] = table
    return put(d, "<H", p.coff + 16, size)


@case("pe-nsections-zero", "NumberOfSections of 0 or 65535", PE64, 0, "stdout",
      "sections: 0")
def _(d):
    return put(d, "<H", Pe(d).coff + 2, 0)


@case("pe-nsections-65535", "NumberOfSections of 0 or 65535", PE64, 2, "stderr",
      "section table of 65535 entries runs past the end")
def _(d):
    return put(d, "<H", Pe(d).coff + 2, 0xffff)


@case("pe-section-name-escape", "names with terminal escape sequences", PE64, 0, "stdout",
      "\\x1b[1;31m", "sections FILE;sections --json FILE")
def _(d):
    o = Pe(d).sec(0)
    d[o:o + 8] = b"\x1b[1;31m\x07"
    return d


@case("pe-section-name-bad-utf8", "names with invalid UTF-8", PE32, 0, "stdout",
      "\\xc3(\\xe2\\x82", "sections FILE;sections --json FILE")
def _(d):
    o = Pe(d).sec(1)
    d[o:o + 8] = b"\xc3(\xe2\x82X\xf8\x88\x80"
    return d


# ---------------------------------------------------------------- Mach-O
MACHO64 = "macho/libmachosyms-arm64.dylib"
FAT = "macho/libmachosyms-fat.dylib"


for n, sub in [(3, "not an object file"), (27, "not an object file"),
               (31, "Mach-O header truncated")]:
    case("macho-trunc-%d" % n, "truncation at every header boundary", MACHO64, 2, "stderr",
         sub)(elf_trunc(n))


@case("macho-trunc-in-load-commands", "truncation at every header boundary", MACHO64, 2,
      "stderr", "run past the end of the file")
def _(d):
    return d[:32 + get(d, "<I", 20) // 2]


@case("macho-ncmds-huge", "a huge ncmds", MACHO64, 2, "stderr",
      "ncmds 4294967295 cannot fit in sizeofcmds")
def _(d):
    return put(d, "<I", 16, 0xffffffff)


@case("macho-sizeofcmds-huge", "huge counts in a tiny file: load commands", MACHO64, 2,
      "stderr", "run past the end of the file")
def _(d):
    return put(d, "<I", 20, 0xfffffff0)


# ---------------------------------------------------------------- fat
class Fat:
    def __init__(self, d):
        self.n = get(d, ">I", 4)

    @staticmethod
    def arch(i):
        return 8 + 20 * i


@case("fat-nfat-arch-huge", "a huge nfat_arch", FAT, 2, "stderr",
      "not a valid fat Mach-O header")
def _(d):
    return put(d, ">I", 4, 0xffffffff)


@case("fat-nfat-arch-past-end", "a huge nfat_arch", FAT, 2, "stderr",
      "not a valid fat Mach-O header")
def _(d):
    # 41 slices (the most a fat probe takes) whose table is cut off
    put(d, ">I", 4, 41)
    return d[:8 + 20 * 20]


@case("fat-trunc-in-arch-table", "truncation at every header boundary", FAT, 2, "stderr",
      "not a valid fat Mach-O header")
def _(d):
    return d[:8 + 20 + 7]


@case("fat-slice-past-end", "slices that overlap or lie outside the file", FAT, 2, "stderr",
      "runs past the end of the file")
def _(d):
    return put(d, ">I", Fat.arch(1) + 12, len(d))


@case("fat-slice-offset-wraps", "offsets past the end of the file, or wrapping 2^64", FAT, 2,
      "stderr", "runs past the end of the file")
def _(d):
    # offset + size wraps 2^32 (fat_arch fields are 32 bits)
    put(d, ">I", Fat.arch(0) + 8, 0xfffff000)
    return put(d, ">I", Fat.arch(0) + 12, 0x2000)


@case("fat-slices-overlap", "slices that overlap or lie outside the file", FAT, 2, "stderr",
      "overlaps another slice")
def _(d):
    # the second slice starts inside the first
    return put(d, ">I", Fat.arch(1) + 8, get(d, ">I", Fat.arch(0) + 8) + 0x100)


@case("fat-slice-covers-header", "overlapping structures", FAT, 2, "stderr",
      "overlaps the fat")
def _(d):
    # a slice at offset 0 is the fat file itself: it used to nest without end
    put(d, ">I", Fat.arch(0) + 8, 0)
    return put(d, ">I", Fat.arch(0) + 12, len(d))


@case("fat-inside-fat", "a fat file inside a fat file", FAT, 2, "stderr",
      "slice 1 is itself a fat file")
def _(d):
    # the second slice's bytes become a copy of the fat header
    o = get(d, ">I", Fat.arch(1) + 8)
    d[o:o + 48] = d[0:48]
    return d


# ---------------------------------------------------------------- main
def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--list" in sys.argv:
        for c in CASES:
            print("%-40s %s" % (c[0], c[1]))
        return 0
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 3
    fix, out = args
    os.makedirs(os.path.join(out, "cases"), exist_ok=True)
    names = set()
    missing = 0
    with open(os.path.join(out, "manifest.tsv"), "w") as man:
        for name, cls, fixture, mutate, exit, stream, sub, cmds in CASES:
            assert name not in names, "duplicate case " + name
            names.add(name)
            src = os.path.join(fix, fixture)
            if not os.path.isfile(src):
                print("gen.py: %s: fixture %s is missing" % (name, src), file=sys.stderr)
                missing += 1
                man.write("%s\t%s\tMISSING\t-\t%s\t-\n" % (name, cls, fixture))
                continue
            with open(src, "rb") as fp:
                data = bytearray(fp.read())
            result = mutate(data)
            with open(os.path.join(out, "cases", name), "wb") as fp:
                fp.write(bytes(result))
            man.write("\t".join([name, cls, str(exit), stream, sub, cmds]) + "\n")
    print("gen.py: %d cases in %s" % (len(CASES) - missing, out))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
