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

CASES = []   # (name, cls, fixture, mutate, exit, stream, substring, commands, requires)
DEFAULT_CMDS = "FILE;--json --all FILE"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def case(name, cls, fixture, exit, stream, substring, commands=DEFAULT_CMDS, requires=()):
    """Register mutate(data: bytearray) -> bytes|bytearray as a case.

    requires: source files of the parser that reads the structure; until
    they are in the tree the case waits (listed, not run), so a case can be
    written before its parser lands and runs from the moment it does."""
    def register(mutate):
        CASES.append((name, cls, fixture, mutate, exit, stream, substring, commands, requires))
        return mutate
    return register


def put(d, fmt, off, *vals):
    struct.pack_into(fmt, d, off, *vals)
    return d


def over(d, off, data):
    """Overwrite len(data) bytes at off (never grows or shrinks the file)."""
    assert off + len(data) <= len(d), "overwrite past the end"
    d[off:off + len(data)] = data
    return d


def get(d, fmt, off):
    return struct.unpack_from(fmt, d, off)[0]


def have(paths):
    """Are these source files in the tree (has that parser landed)?"""
    return all(os.path.exists(os.path.join(ROOT, p)) for p in paths)


PE_PARSER = ("src/pe/pe_exports.c",)
ELF_PARSER = ("src/elf/elf_symbols.c",)
MACHO_PARSER = ("src/macho/macho_loadcmds.c",)

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


@case("elf-trunc-in-program-headers", "truncation at every header boundary", ELF64, 2,
      "stderr", "program header table", requires=ELF_PARSER)
def _(d):
    return d[:Elf64(d).phoff + 56 * 3 + 10]



@case("elf-trunc-in-section-headers", "truncation at every header boundary", ELF64, 0, "stdout",
      "section header table is outside the file", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    return d[:e.sh(e.shnum // 2) + 7]



@case("elf-shoff-past-end", "offsets past the end of the file", ELF64, 0, "stdout",
      "section header table is outside the file", requires=ELF_PARSER)
def _(d):
    return put(d, "<Q", 40, len(d) + 0x1000)



@case("elf-shoff-wraps", "offsets past the end of the file, or wrapping 2^64", ELF64, 0, "stdout",
      "section header table is outside the file", requires=ELF_PARSER)
def _(d):
    return put(d, "<Q", 40, 0xffffffffffffffc0)



@case("elf-phoff-wraps", "offsets past the end of the file, or wrapping 2^64", ELF64, 2,
      "stderr", "program header table", requires=ELF_PARSER)
def _(d):
    return put(d, "<Q", 32, 0xfffffffffffffff8)



@case("elf-shnum-huge", "huge counts in a tiny file: section headers", ELF64, 0, "stdout",
      "section header table is outside the file", requires=ELF_PARSER)
def _(d):
    return put(d, "<H", 60, 0xfeff)



@case("elf-shentsize-zero", "an entsize of zero, or an odd one", ELF64, 0, "stdout",
      "e_shentsize", requires=ELF_PARSER)
def _(d):
    return put(d, "<H", 58, 0)



@case("elf-shentsize-odd", "an entsize of zero, or an odd one", ELF64, 0, "stdout",
      "e_shentsize", requires=ELF_PARSER)
def _(d):
    return put(d, "<H", 58, 63)



@case("elf-count-times-entsize-wraps", "count x entsize overflow", ELF64, 0, "stdout",
      "section header table is outside the file", requires=ELF_PARSER)
def _(d):
    # shoff + shnum*shentsize wraps 2^64 back into the file
    put(d, "<H", 60, 0xffff)
    return put(d, "<Q", 40, (1 << 64) - 0xffff * 64 + 64)



@case("elf-shnum-escape-huge", "huge counts in a tiny file: section headers", ELF64, 0, "stdout",
      "section header table is outside the file", requires=ELF_PARSER)
def _(d):
    # e_shnum 0 means "the count is in section 0's sh_size": claim 2^40
    e = Elf64(d)
    put(d, "<H", 60, 0)
    return put(d, "<Q", e.sh(0) + 32, 1 << 40)


# ELF structures the ELF parser reads (cases wait for it: requires=ELF_PARSER)
ELFSYSV = "elf/libelfsyms-sysv.so"      # DT_HASH only
ELFGZ = "elf/libelfsyms-gz-zlib.so"     # SHF_COMPRESSED debug sections, .symtab


def elf_set_flags(d, e, i, flags):
    return put(d, "<Q", e.sh(i) + 8, flags)


@case("elf-gnu-hash-nbuckets-huge", "GNU and SysV hash tables with impossible sizes", ELF64, 0,
      "stdout", "GNU hash table header is invalid", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    return put(d, "<I", e.sec(e.find(".gnu.hash"))["offset"], 0xffffffff)


@case("elf-gnu-hash-bloom-zero", "GNU and SysV hash tables with impossible sizes", ELF64, 0,
      "stdout", "GNU hash table header is invalid", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    return put(d, "<I", e.sec(e.find(".gnu.hash"))["offset"] + 8, 0)


@case("elf-gnu-hash-bloom-not-power-of-two", "GNU and SysV hash tables with impossible sizes",
      ELF64, 0, "stdout", "is not a power of two", requires=ELF_PARSER)
def _(d):
    # one Bloom word more than there is: not a power of two, and the
    # buckets are read one word later
    e = Elf64(d)
    o = e.sec(e.find(".gnu.hash"))["offset"]
    return put(d, "<I", o + 8, get(d, "<I", o + 8) + 1)


@case("elf-gnu-hash-bloom-shift-huge", "GNU and SysV hash tables with impossible sizes", ELF64,
      0, "stdout", "Bloom shift 37", requires=ELF_PARSER)
def _(d):
    # a shift of 37 on a 32-bit hash: undefined behaviour in C (a fuzz
    # finding); the loader's shift instruction takes it modulo 32
    e = Elf64(d)
    return put(d, "<I", e.sec(e.find(".gnu.hash"))["offset"] + 12, 37)


@case("elf-gnu-hash-chain-without-end", "GNU and SysV hash tables with chain cycles", ELF64, 0,
      "stdout", "VERS_2 @@", "FILE;resolve FILE vfunc@VERS_1", requires=ELF_PARSER)
def _(d):
    # no chain word has its end bit (a GNU chain is a run, so this is its
    # loop): every walk stops at the end of the table, and still finds
    # each name by its hash
    e = Elf64(d)
    s = e.sec(e.find(".gnu.hash"))
    o = s["offset"]
    nb, _, bloom, _ = struct.unpack_from("<IIII", d, o)
    chain = o + 16 + 8 * bloom + 4 * nb
    for k in range(chain, o + s["size"] - 3, 4):
        put(d, "<I", k, get(d, "<I", k) & ~1)
    return d


@case("elf-gnu-hash-symoffset-huge", "symbol and section indexes out of range", ELF64, 0,
      "stdout", "is not reachable through the GNU hash table", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    return put(d, "<I", e.sec(e.find(".gnu.hash"))["offset"] + 4, 0x7fffffff)


@case("elf-sysv-hash-nchain-huge", "GNU and SysV hash tables with impossible sizes", ELFSYSV, 0,
      "stdout", "SysV hash table header is invalid", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    return put(d, "<I", e.sec(e.find(".hash"))["offset"] + 4, 0xffffffff)


@case("elf-sysv-hash-chain-cycle", "GNU and SysV hash tables with chain cycles", ELFSYSV, 0,
      "stdout", "not reachable through the", requires=ELF_PARSER)
def _(d):
    # every chain entry points at itself: each bucket's chain is a loop
    e = Elf64(d)
    o = e.sec(e.find(".hash"))["offset"]
    nb, nc = struct.unpack_from("<II", d, o)
    chain = o + 8 + 4 * nb
    for j in range(1, nc):
        put(d, "<I", chain + 4 * j, j)
    return d


@case("elf-verdef-next-wraps", "verdef and verneed chains whose next offsets are zero or point "
      "backward", ELF64, 0, "stdout", "runs past its segment", requires=ELF_PARSER)
def _(d):
    # vd_next of the first definition is -32 as a 32-bit offset
    e = Elf64(d)
    return put(d, "<I", e.sec(e.find(".gnu.version_d"))["offset"] + 16, 0xffffffe0)


@case("elf-verdef-next-zero", "verdef and verneed chains whose next offsets are zero or point "
      "backward", ELF64, 0, "stdout", "has no definition", requires=ELF_PARSER)
def _(d):
    # the chain ends after its first entry (the file's own name), so the
    # versions the symbols name are undefined: said so, never looped on
    e = Elf64(d)
    return put(d, "<I", e.sec(e.find(".gnu.version_d"))["offset"] + 16, 0)


@case("elf-verneed-next-wraps", "verdef and verneed chains whose next offsets are zero or point "
      "backward", ELF64, 0, "stdout", "elf/verneed", "imports FILE;--json FILE",
      requires=ELF_PARSER)
def _(d):
    # vn_aux of the first dependency points 16 bytes before the table
    e = Elf64(d)
    return put(d, "<I", e.sec(e.find(".gnu.version_r"))["offset"] + 8, 0xfffffff0)


@case("elf-note-size-overflow", "notes whose name or desc sizes overflow", ELF64, 0, "stdout",
      "elf/note", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    o = e.sec(e.find(".note.gnu.build-id"))["offset"]
    put(d, "<I", o, 0xfffffffc)           # n_namesz
    return put(d, "<I", o + 4, 0xfffffffc)   # n_descsz


@case("elf-dynstr-without-nul", "string tables without a NUL, and name offsets past them",
      ELF64, 0, "stdout", "outside the string table", "FILE;symbols FILE", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    s = e.sec(e.find(".dynstr"))
    for i in range(s["offset"], s["offset"] + s["size"]):
        if d[i] == 0:
            d[i] = 0x5f
    return d


@case("elf-symbol-name-past-strtab", "string tables without a NUL, and name offsets past them",
      ELF64, 0, "stdout", "outside the string table", "symbols FILE;symbols --json FILE",
      requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    s = e.sec(e.find(".dynsym"))
    return put(d, "<I", s["offset"] + 24 * 2, 0x7ffffff0)      # symbol 2's st_name


@case("elf-symbol-shndx-xindex-without-table", "SHN_XINDEX without its table", ELFREL, 0,
      "stdout", "SHN_XINDEX", "symbols FILE;symbols --json FILE", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    s = e.sec(e.find(".symtab"))
    return put(d, "<H", s["offset"] + 24 * (s["size"] // 24 - 1) + 6, 0xffff)


@case("elf-symbol-shndx-out-of-range", "symbol and section indexes out of range", ELFREL, 0,
      "stdout", "DEF", "symbols FILE;symbols --json FILE", requires=ELF_PARSER)
def _(d):
    # a defined symbol in section 0xfeff of a file with a dozen sections
    e = Elf64(d)
    s = e.sec(e.find(".symtab"))
    return put(d, "<H", s["offset"] + 24 * (s["size"] // 24 - 1) + 6, 0xfeff)


@case("elf-dynsym-entsize-zero", "an entsize of zero, or an odd one", ELF64, 0, "stdout",
      "exported functions", "FILE;symbols FILE", requires=ELF_PARSER)
def _(d):
    # the dynamic symbols are found through the dynamic table, whose entsize
    # (DT_SYMENT) is what counts; the section's is ignored, as ld.so does
    e = Elf64(d)
    return put(d, "<Q", e.sh(e.find(".dynsym")) + 56, 0)


@case("elf-symtab-entsize-odd", "an entsize of zero, or an odd one", ELFREL, 0, "stdout",
      "symtab", "symbols FILE", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    return put(d, "<Q", e.sh(e.find(".symtab")) + 56, 23)


@case("elf-symtab-huge-count", "huge counts in a tiny file: symbols", ELFREL, 0, "stdout",
      "symtab", "symbols FILE;symbols --json FILE", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    return put(d, "<Q", e.sh(e.find(".symtab")) + 32, 24 * 0x0fffffff)


@case("elf-verdefnum-huge", "huge counts in a tiny file: versions", ELF64, 0, "stdout",
      "VERS_2 @@", requires=ELF_PARSER)
def _(d):
    # DT_VERDEFNUM says 2^31: the walk is capped by the bytes, and ends at vd_next 0
    e = Elf64(d)
    s = e.sec(e.find(".dynamic"))
    for o in range(s["offset"], s["offset"] + s["size"], 16):
        if get(d, "<q", o) == 0x6ffffffd:
            return put(d, "<Q", o + 8, 0x7fffffff)
    raise KeyError("DT_VERDEFNUM")


@case("elf-strtab-compressed-huge", "compressed sections that claim huge sizes", ELFGZ, 0,
      "stdout", "elf/compress", "symbols FILE;symbols --json FILE", requires=ELF_PARSER)
def _(d):
    # .strtab becomes SHF_COMPRESSED with a header claiming 2^40 bytes
    e = Elf64(d)
    i = e.find(".strtab")
    s = e.sec(i)
    elf_set_flags(d, e, i, 0x800)
    return put(d, "<IIQQ", s["offset"], 1, 0, 1 << 40, 1)


@case("elf-strtab-zlib-bomb", "zlib bombs", ELFGZ, 2, "stderr",
      "does not give the stated 4096 bytes", "symbols FILE;symbols --json FILE",
      requires=ELF_PARSER)
def _(d):
    # .strtab becomes a 64 KiB zlib stream of 64 MiB of zeros, claiming 4 KiB:
    # inflating stops one byte past the claim (time and RSS are checked)
    import zlib
    z = zlib.compressobj(9)
    bomb = b"".join(z.compress(b"\0" * (1 << 20)) for _ in range(64)) + z.flush()
    e = Elf64(d)
    i = e.find(".strtab")
    off = len(d)
    d += struct.pack("<IIQQ", 1, 0, 4096, 1) + bomb
    elf_set_flags(d, e, i, 0x800)
    put(d, "<Q", e.sh(i) + 24, off)
    return put(d, "<Q", e.sh(i) + 32, 24 + len(bomb))


@case("elf-dynsym-name-escape", "names with terminal escape sequences", ELF64, 0, "stdout",
      "\\x1b[", "exports FILE;exports --json FILE;FILE", requires=ELF_PARSER)
def _(d):
    e = Elf64(d)
    s = e.sec(e.find(".dynstr"))
    o = s["offset"] + d[s["offset"]:s["offset"] + s["size"]].index(b"elf_default_fn")
    return over(d, o, b"\x1b[41melf_def_f")


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


# With no section, no RVA past the headers maps: the PE parser cannot find
# the imports (an error, as for the loader); the header parser alone lists
# no section.
@case("pe-nsections-zero", "NumberOfSections of 0 or 65535", PE64,
      2 if have(PE_PARSER) else 0, "stderr" if have(PE_PARSER) else "stdout",
      "is not in the file" if have(PE_PARSER) else "sections: 0")
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


# PE structures the PE parser reads (cases wait for it: requires=PE_PARSER)
MSVC64 = "pe/msvcfix-x86_64.dll"     # lld-link: forwarders, NONAME, ordinals with gaps
PERES = "pe/peres-x86_64.dll"        # windres resources


class PeImage(Pe):
    """A PE image with its sections, so RVAs map to file offsets."""

    def __init__(self, d):
        super().__init__(d)
        self.secs = []
        for i in range(self.nsections):
            o = self.sec(i)
            vsize, va, rawsize, raw = struct.unpack_from("<IIII", d, o + 8)
            self.secs.append((va, max(vsize, rawsize), raw, rawsize))

    def dir(self, i):
        return struct.unpack_from("<II", self.d, self.dirs + 8 * i)

    def off(self, rva):
        for va, vsize, raw, rawsize in self.secs:
            if va <= rva < va + vsize and rva - va < rawsize:
                return raw + rva - va
        raise KeyError("RVA 0x%x" % rva)

    def cstr(self, rva):
        o = self.off(rva)
        return bytes(self.d[o:self.d.index(b"\0", o)])

    def exports(self):
        """dict of the export directory's fields (file offset in 'at')."""
        rva, _ = self.dir(0)
        o = self.off(rva)
        f = struct.unpack_from("<IIHHIIIIIII", self.d, o)
        keys = ("flags", "stamp", "major", "minor", "name", "base", "nfuncs", "nnames",
                "eat", "names", "ords")
        e = dict(zip(keys, f))
        e["at"] = o
        return e

    def export_names(self):
        """[(index in the name table, name, EAT index)]"""
        e = self.exports()
        out = []
        for i in range(e["nnames"]):
            name_rva = get(self.d, "<I", self.off(e["names"]) + 4 * i)
            idx = get(self.d, "<H", self.off(e["ords"]) + 2 * i)
            out.append((i, self.cstr(name_rva), idx))
        return out

    def forwarder(self, name):
        """File offset and length of the forwarder string of export `name`."""
        e = self.exports()
        rva, size = self.dir(0)
        for _, n, idx in self.export_names():
            if n == name.encode():
                target = get(self.d, "<I", self.off(e["eat"]) + 4 * idx)
                if rva <= target < rva + size:
                    o = self.off(target)
                    return o, self.d.index(b"\0", o) - o
        raise KeyError(name)

    def ordinal(self, name):
        e = self.exports()
        for _, n, idx in self.export_names():
            if n == name.encode():
                return e["base"] + idx
        raise KeyError(name)


def set_cstr(d, o, room, s):
    """Write s and NULs over the room bytes at o (room includes the NUL)."""
    assert len(s) < room, s
    d[o:o + room] = s.ljust(room, b"\0")
    return d


@case("pe-export-dir-past-image", "data directories past the image", MSVC64, 2, "stderr",
      "export directory at RVA 0x7ffff000 is not in the file", requires=PE_PARSER)
def _(d):
    return put(d, "<I", Pe(d).dirs, 0x7ffff000)


@case("pe-import-dir-past-image", "data directories past the image", PE64, 2, "stderr",
      "import directory at RVA 0xfffffff0 is not in the file", "imports FILE;--json FILE",
      requires=PE_PARSER)
def _(d):
    return put(d, "<I", Pe(d).dirs + 8, 0xfffffff0)


@case("pe-section-vsize-wraps", "virtual sizes that wrap", MSVC64, 0, "stdout", "pe/sections",
      requires=PE_PARSER)
def _(d):
    # the last section's VirtualAddress + VirtualSize passes 2^32
    p = PeImage(d)
    o = p.sec(p.nsections - 1)
    return put(d, "<I", o + 8, 0xfffffff0)


@case("pe-nfuncs-huge", "huge counts in a tiny file: exports", MSVC64, 2, "stderr",
      "export address table of 268435455 entries", requires=PE_PARSER)
def _(d):
    return put(d, "<I", PeImage(d).exports()["at"] + 20, 0x0fffffff)


@case("pe-nnames-huge", "huge counts in a tiny file: exports", MSVC64, 2, "stderr",
      "name pointer or ordinal table of 268435455 entries", requires=PE_PARSER)
def _(d):
    return put(d, "<I", PeImage(d).exports()["at"] + 24, 0x0fffffff)


@case("pe-nnames-more-than-nfuncs", "NumberOfNames greater than NumberOfFunctions", MSVC64, 0,
      "stdout", "past the", requires=PE_PARSER)
def _(d):
    # the name and ordinal tables keep their entries; NumberOfFunctions
    # shrinks below the ordinal indexes they hold
    p = PeImage(d)
    e = p.exports()
    top = max(idx for _, _, idx in p.export_names())
    return put(d, "<I", e["at"] + 20, top)


@case("pe-name-ordinal-out-of-range", "name ordinals out of range", MSVC64, 0, "stdout",
      "has ordinal index 65535, past the", requires=PE_PARSER)
def _(d):
    p = PeImage(d)
    return put(d, "<H", p.off(p.exports()["ords"]), 0xffff)


@case("pe-export-name-past-end", "string tables without a NUL, and name offsets past them",
      MSVC64, 0, "stdout", "is not a string in the file", requires=PE_PARSER)
def _(d):
    p = PeImage(d)
    return put(d, "<I", p.off(p.exports()["names"]), 0x7fffff00)


@case("pe-forwarder-to-itself", "forwarder loops (A.f -> A.f, and A -> B -> A)", MSVC64, 0,
      "stdout", "forwarder loop inside the DLL", requires=PE_PARSER)
def _(d):
    # the DLL is renamed "k.dll" and FwdHeapAlloc forwards to k.FwdHeapAlloc
    p = PeImage(d)
    e = p.exports()
    name = p.off(e["name"])
    set_cstr(d, name, len(p.cstr(e["name"])) + 1, b"k.dll")
    o, n = p.forwarder("FwdHeapAlloc")
    return set_cstr(d, o, n + 1, b"k.FwdHeapAlloc")


@case("pe-forwarder-two-hop-loop", "forwarder loops (A.f -> A.f, and A -> B -> A)", MSVC64, 0,
      "stdout", "forwarder loop inside the DLL", requires=PE_PARSER)
def _(d):
    # FwdHeapAlloc -> k.FwdOrdinal, FwdOrdinal -> k.#<ordinal of FwdHeapAlloc>
    p = PeImage(d)
    e = p.exports()
    set_cstr(d, p.off(e["name"]), len(p.cstr(e["name"])) + 1, b"k.dll")
    o, n = p.forwarder("FwdHeapAlloc")
    set_cstr(d, o, n + 1, b"k.FwdOrdinal")
    o, n = p.forwarder("FwdOrdinal")
    return set_cstr(d, o, n + 1, b"k.#%d" % p.ordinal("FwdHeapAlloc"))


@case("pe-import-descriptors-unterminated", "import descriptor lists without a terminator",
      PE64, 0, "stdout", "without a null entry", "imports FILE;imports --json FILE",
      requires=PE_PARSER)
def _(d):
    # from the null descriptor to the end of the section, copies of the
    # first descriptor: every entry stays valid, but none is null
    p = PeImage(d)
    rva, _ = p.dir(1)
    o = p.off(rva)
    for va, vsize, raw, rawsize in p.secs:
        if raw <= o < raw + rawsize:
            end = raw + rawsize
    k = o
    while any(d[k:k + 20]):
        k += 20
    first = bytes(d[o:o + 20])
    while k < end:
        n = min(20, end - k)
        d[k:k + n] = first[:n]
        k += n
    return d


@case("pe-import-lookup-unterminated", "huge counts in a tiny file: imports", PE64, 0, "stdout",
      "has no null entry before the end of its section", "imports FILE;imports --json FILE",
      requires=PE_PARSER)
def _(d):
    # the first DLL's lookup table runs to the end of its section: its null
    # entry and everything after become copies of its first entry
    p = PeImage(d)
    o = p.off(p.dir(1)[0])
    oft = get(d, "<I", o) or get(d, "<I", o + 16)
    t = p.off(oft)
    for va, vsize, raw, rawsize in p.secs:
        if raw <= t < raw + rawsize:
            end = raw + rawsize
    k = t
    while get(d, "<Q", k):
        k += 8
    first = bytes(d[t:t + 8])
    while k + 8 <= end:
        d[k:k + 8] = first
        k += 8
    return d


@case("pe-sections-overlap", "overlapping structures", MSVC64, 0, "stdout",
      "overlap in the address space", requires=PE_PARSER)
def _(d):
    # the last section starts inside the one before it (the exports and
    # imports stay where they were: only the last section's bytes move)
    p = PeImage(d)
    n = p.nsections
    return put(d, "<I", p.sec(n - 1) + 12, get(d, "<I", p.sec(n - 2) + 12) + 0x10)


@case("pe-resource-loop", "resource trees that point back to their root", PERES, 0, "stdout",
      "reached twice", requires=PE_PARSER)
def _(d):
    # the root's first entry points (as a subdirectory) back at the root
    p = PeImage(d)
    rva, _ = p.dir(2)
    o = p.off(rva)
    return put(d, "<I", o + 16 + 4, 0x80000000)


@case("pe-export-name-escape", "names with terminal escape sequences", MSVC64, 0, "stdout",
      "\\x1b[8m", "exports FILE;exports --json FILE", requires=PE_PARSER)
def _(d):
    p = PeImage(d)
    name_rva = get(d, "<I", p.off(p.exports()["names"]))
    o = p.off(name_rva)
    n = len(p.cstr(name_rva))
    d[o:o + n] = (b"\x1b[8m\x07\xff" + b"x" * n)[:n]
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


class MachO:
    """Load commands of a thin little-endian Mach-O (64-bit)."""

    def __init__(self, d):
        self.d = d
        self.is64 = get(d, "<I", 0) == 0xfeedfacf
        self.ncmds = get(d, "<I", 16)
        self.lcs = []      # (offset, cmd, cmdsize)
        o = 32 if self.is64 else 28
        for _ in range(self.ncmds):
            cmd, size = get(d, "<I", o), get(d, "<I", o + 4)
            self.lcs.append((o, cmd, size))
            o += size

    def find(self, cmd, nth=0):
        hits = [lc for lc in self.lcs if lc[1] == cmd]
        return hits[nth]

    def segment(self, name):
        for o, cmd, _ in self.lcs:
            if cmd == 0x19 and self.d[o + 8:o + 24].rstrip(b"\0") == name.encode():
                return o
        raise KeyError(name)

    def trie(self):
        """(file offset, size) of the exports trie."""
        for o, cmd, _ in self.lcs:
            if cmd in (0x22, 0x80000022):
                return get(self.d, "<I", o + 40), get(self.d, "<I", o + 44)
            if cmd == 0x80000033:
                return get(self.d, "<I", o + 8), get(self.d, "<I", o + 12)
        raise KeyError("trie")

    def binds(self):
        o = self.find(0x80000022)[0]
        return get(self.d, "<I", o + 16), get(self.d, "<I", o + 20)


def uleb(d, o):
    v = shift = 0
    while True:
        b = d[o]
        o += 1
        v |= (b & 0x7f) << shift
        shift += 7
        if b < 0x80:
            return v, o


def trie_edges(t, node):
    """[(label offset, child-uleb offset, child)] of a trie node."""
    term, o = uleb(t, node)
    o += term
    n = t[o]
    o += 1
    out = []
    for _ in range(n):
        end = t.index(b"\0", o)
        child, after = uleb(t, end + 1)
        out.append((o, end + 1, child))
        o = after
    return out


def trie_terminals(t):
    """Offsets of the nodes with export information (depth first)."""
    stack, seen = [0], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        term, o = uleb(t, node)
        if term:
            yield node
        stack.extend(c for _, _, c in trie_edges(t, node))


MACHO_X86 = "macho/libmachosyms-x86_64.dylib"
UMBRELLA = "macho/libumbrella-arm64.dylib"
CHAINED = "macho/libmachosyms-chained-arm64.dylib"
HANDTRIE = "macho/libhandtrie.dylib"   # hand-built trie with every export kind


@case("macho-cmdsize-zero", "cmdsize of 0, or unaligned", MACHO64, 2, "stderr",
      "cmdsize 0x0 is less than 8", requires=MACHO_PARSER)
def _(d):
    return put(d, "<I", MachO(d).lcs[2][0] + 4, 0)


@case("macho-cmdsize-unaligned", "cmdsize of 0, or unaligned", MACHO64, 2, "stderr",
      "is not a multiple of 8", requires=MACHO_PARSER)
def _(d):
    o, _, size = MachO(d).lcs[1]
    return put(d, "<I", o + 4, size + 4)


@case("macho-cmdsize-past-sizeofcmds", "huge counts in a tiny file: load commands", MACHO64, 2,
      "stderr", "runs past sizeofcmds", requires=MACHO_PARSER)
def _(d):
    m = MachO(d)
    return put(d, "<I", m.lcs[-1][0] + 4, 0x7ffffff8)


@case("macho-ncmds-more-than-there", "a huge ncmds", MACHO64, 2, "stderr",
      "lies outside sizeofcmds", requires=MACHO_PARSER)
def _(d):
    # more commands than sizeofcmds holds, but not provably so from the header
    return put(d, "<I", 16, get(d, "<I", 16) + 3)


@case("macho-segment-past-end", "segments past the end of the file", MACHO64, 2, "stderr",
      "segment __LINKEDIT (fileoff", requires=MACHO_PARSER)
def _(d):
    return put(d, "<Q", MachO(d).segment("__LINKEDIT") + 48, 0x10000000)


@case("macho-segment-offset-wraps", "offsets past the end of the file, or wrapping 2^64",
      MACHO64, 2, "stderr", "runs past the end of the file", requires=MACHO_PARSER)
def _(d):
    o = MachO(d).segment("__DATA")
    put(d, "<Q", o + 40, 0xfffffffffffff000)     # fileoff
    return put(d, "<Q", o + 48, 0x2000)          # filesize: the sum wraps


@case("macho-nsects-huge", "huge counts in a tiny file: section headers", MACHO64, 2, "stderr",
      "does not fit in cmdsize", requires=MACHO_PARSER)
def _(d):
    return put(d, "<I", MachO(d).segment("__TEXT") + 64, 0xffffffff)


@case("macho-trie-child-is-ancestor", "export-trie loops (a child pointing to an ancestor)",
      MACHO64, 2, "stderr", "reached twice (a cycle)", requires=MACHO_PARSER)
def _(d):
    toff, tsize = MachO(d).trie()
    t = d[toff:toff + tsize]
    # the root's first child gets a child edge back to the root: offset 0
    child = trie_edges(t, 0)[0][2]
    edges = trie_edges(t, child)
    if not edges:
        raise KeyError("no grandchild edge")
    _, at, _ = edges[0]
    d[toff + at] = 0        # one-byte uleb 0: the root
    return d


@case("macho-trie-child-is-self", "export-trie loops (a child pointing to an ancestor)", MACHO64,
      2, "stderr", "reached twice (a cycle)", requires=MACHO_PARSER)
def _(d):
    toff, tsize = MachO(d).trie()
    t = d[toff:toff + tsize]
    child = trie_edges(t, 0)[0][2]
    for _, at, c in trie_edges(t, child):
        if c < 0x80 and child < 0x80:
            d[toff + at] = child       # the node is its own child
            return d
    raise KeyError("no one-byte child offset")


@case("macho-trie-child-out-of-range", "offsets past the end of the file", MACHO64, 2, "stderr",
      "out of range", requires=MACHO_PARSER)
def _(d):
    toff, tsize = MachO(d).trie()
    t = d[toff:toff + tsize]
    _, at, c = trie_edges(t, 0)[0]
    if c >= 0x80:
        raise KeyError("two-byte child offset")
    d[toff + at] = 0x7f     # past a 104-byte trie
    return d


@case("macho-trie-uleb-too-long", "uleb128 values longer than 64 bits", MACHO64, 2, "stderr",
      "bad terminal size", requires=MACHO_PARSER)
def _(d):
    toff, tsize = MachO(d).trie()
    # the root's terminal size becomes an 11-byte uleb128 (more than 64 bits)
    d[toff:toff + 11] = b"\xff" * 10 + b"\x01"
    return d


@case("macho-trie-label-unterminated", "string tables without a NUL, and name offsets past them",
      MACHO64, 2, "stderr", "not NUL-terminated inside the trie", requires=MACHO_PARSER)
def _(d):
    toff, tsize = MachO(d).trie()
    t = d[toff:toff + tsize]
    # every byte from the first edge label to the end of the trie is non-NUL
    start = trie_edges(t, 0)[0][0]
    for i in range(toff + start, toff + tsize):
        d[i] = 0x41
    return d


@case("macho-reexport-name-unterminated", "unterminated re-export names", HANDTRIE, 2,
      "stderr", "export information overruns its size", requires=MACHO_PARSER)
def _(d):
    toff, tsize = MachO(d).trie()
    t = d[toff:toff + tsize]
    for node in trie_terminals(t):
        term, o = uleb(t, node)
        flags, p = uleb(t, o)
        if not flags & 0x08:
            continue
        _, p = uleb(t, p)                   # library ordinal
        end = t.index(b"\0", p)             # the imported name's NUL
        if p < end < o + term:
            break
    else:
        raise KeyError("no re-export with an imported name")
    d[toff + end] = 0x41                # no NUL left inside the terminal
    return d


@case("macho-bind-bad-library-ordinal", "bad library ordinals", MACHO64, 0, "stdout",
      "binds to library ordinal 15, but there are", "imports FILE;imports --json FILE",
      requires=MACHO_PARSER)
def _(d):
    off, size = MachO(d).binds()
    for i in range(off, off + size):
        if d[i] & 0xf0 == 0x10 and d[i] & 0x0f:      # SET_DYLIB_ORDINAL_IMM n (n > 0)
            d[i] = 0x1f
            return d
    raise KeyError("no SET_DYLIB_ORDINAL_IMM")


@case("macho-bind-huge-skip", "bind opcodes with huge skip counts", MACHO64, 0, "stdout",
      "dyld_stub_binder", "imports FILE;imports --json FILE", requires=MACHO_PARSER)
def _(d):
    # the bind stream rewritten, same length: dyld_stub_binder bound with
    # DO_BIND_ULEB_TIMES_SKIPPING_ULEB, count and skip 2^63: one step for
    # the parser, never 2^63
    off, size = MachO(d).binds()
    big = b"\x80" * 9 + b"\x01"                       # uleb128 2^63
    stream = (b"\x11" + b"\x40dyld_stub_binder\0" + b"\x51" + b"\x72\x00" +
              b"\xc0" + big + big + b"\x00")
    if len(stream) > size:
        raise ValueError("bind stream too small")
    d[off:off + size] = stream.ljust(size, b"\0")
    return d


@case("macho-bind-unknown-opcode", "bind opcodes with huge skip counts", MACHO64, 2, "stderr",
      "unknown opcode 0xe0", "imports FILE;--json FILE", requires=MACHO_PARSER)
def _(d):
    off, size = MachO(d).binds()
    d[off] = 0xe0          # no such opcode
    return d


@case("macho-chained-starts-out-of-range", "chained-fixup page starts out of range", CHAINED, 0,
      "stdout", "exported functions", requires=MACHO_PARSER)
def _(d):
    # starts_offset far outside the fixups data: the parser reads only the
    # imports, so nothing may follow it (no crash, no hang, no read)
    o = MachO(d).find(0x80000034)[0]
    data = get(d, "<I", o + 8)
    return put(d, "<I", data + 4, 0xfffffff0)


@case("macho-chained-imports-past-data", "huge counts in a tiny file: imports", CHAINED, 2,
      "stderr", "imports table", "imports FILE;--json FILE", requires=MACHO_PARSER)
def _(d):
    o = MachO(d).find(0x80000034)[0]
    data = get(d, "<I", o + 8)
    return put(d, "<I", data + 16, 0x00ffffff)       # imports_count


@case("macho-symtab-past-end", "huge counts in a tiny file: symbols", MACHO64, 2, "stderr",
      "macho/symtab", requires=MACHO_PARSER)
def _(d):
    o = MachO(d).find(0x2)[0]
    return put(d, "<I", o + 12, 0x0fffffff)           # nsyms


@case("macho-section-name-escape", "names with terminal escape sequences", MACHO64, 0, "stdout",
      "\\x1b[5m", "sections FILE;sections --json FILE", requires=MACHO_PARSER)
def _(d):
    o = MachO(d).segment("__TEXT") + 72               # the first section_64
    d[o:o + 16] = b"\x1b[5m\x9b\xc0zz".ljust(16, b"\0")
    return d


@case("macho-dylib-name-bad-utf8", "names with invalid UTF-8", MACHO64, 0, "stdout",
      "\\xff\\xfe", "deps FILE;deps --json FILE", requires=MACHO_PARSER)
def _(d):
    o = MachO(d).find(0xc)[0]                       # LC_LOAD_DYLIB
    name = o + get(d, "<I", o + 8)
    d[name:name + 4] = b"\xff\xfe\x1b]"
    return d


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
        waiting = 0
        for name, cls, fixture, mutate, exit, stream, sub, cmds, requires in CASES:
            assert name not in names, "duplicate case " + name
            names.add(name)
            absent = [r for r in requires if not os.path.exists(os.path.join(ROOT, r))]
            if absent:
                waiting += 1
                man.write("%s\t%s\tWAITING\t-\t%s\t-\n" % (name, cls, absent[0]))
                continue
            src = os.path.join(fix, fixture)
            if not os.path.isfile(src):
                print("gen.py: %s: fixture %s is missing" % (name, src), file=sys.stderr)
                missing += 1
                man.write("%s\t%s\tMISSING\t-\t%s\t-\n" % (name, cls, fixture))
                continue
            with open(src, "rb") as fp:
                data = bytearray(fp.read())
            try:
                result = mutate(data)
            except (KeyError, ValueError, IndexError, struct.error) as e:
                # the fixture changed shape: the case must be rewritten, loudly
                print("gen.py: %s: cannot apply the mutation to %s: %r" % (name, src, e),
                      file=sys.stderr)
                missing += 1
                man.write("%s\t%s\tBROKEN\t-\t%s\t-\n" % (name, cls, fixture))
                continue
            with open(os.path.join(out, "cases", name), "wb") as fp:
                fp.write(bytes(result))
            man.write("\t".join([name, cls, str(exit), stream, sub, cmds]) + "\n")
    print("gen.py: %d cases in %s, %d waiting for their parser" %
          (len(CASES) - missing - waiting, out, waiting))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
