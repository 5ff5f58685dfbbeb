/*
 * ELF: probe, open (headers, segments, the dynamic table), sections. Reading
 * goes through elfutils libelf on our own mapping; the chains libelf hands
 * back raw (versions, hash tables, notes) are walked with the core cursor in
 * the other elf_*.c files.
 */
#include "elf_internal.h"
#include "elf_arm_attributes.h"

#include <stdlib.h>
#include <string.h>

static bool oelf_probe(oi_view v)
{
    /* e_ident plus the fixed part of the smallest (ELF32) header */
    return v.n >= 52 && memcmp(v.p, ELFMAG, SELFMAG) == 0 &&
           (v.p[EI_CLASS] == ELFCLASS32 || v.p[EI_CLASS] == ELFCLASS64) &&
           (v.p[EI_DATA] == ELFDATA2LSB || v.p[EI_DATA] == ELFDATA2MSB);
}

const char *oi_elf_machine_name(unsigned machine, int bits)
{
    switch (machine) {
    case EM_X86_64: return bits == 32 ? "x32" : "x86_64";
    case EM_386: return "i386";
    case EM_AARCH64: return "aarch64";
    case EM_ARM: return "arm";
    case EM_RISCV: return bits == 32 ? "riscv32" : "riscv64";
    case EM_PPC64: return "ppc64";
    case EM_PPC: return "ppc";
    case EM_S390: return bits == 64 ? "s390x" : "s390";
    case EM_MIPS: return bits == 64 ? "mips64" : "mips";
    case EM_SPARCV9: return "sparc64";
    case EM_SPARC: return "sparc";
    case EM_SPARC32PLUS: return "sparc";
    case EM_IA_64: return "ia64";
    case EM_ALPHA: return "alpha";
    case EM_68K: return "m68k";
    case EM_SH: return "sh";
    case EM_PARISC: return "parisc";
    case EM_LOONGARCH: return bits == 64 ? "loongarch64" : "loongarch32";
    case EM_BPF: return "bpf";
    case EM_NONE: return "none";
    }
    return NULL;
}

/* ------------------------------------------------------------ addresses */

bool oelf_vaddr_to_off(const oelf_priv *p, uint64_t vaddr, uint64_t len, uint64_t *off)
{
    for (size_t i = 0; i < p->nloads; i++) {
        const oelf_load *l = &p->loads[i];
        if (vaddr < l->vaddr || vaddr - l->vaddr >= l->filesz)
            continue;
        uint64_t rel = vaddr - l->vaddr;
        if (len > l->filesz - rel)
            continue;
        if (l->offset > UINT64_MAX - rel)
            return false;
        *off = l->offset + rel;
        return true;
    }
    return false;
}

bool oelf_vaddr_view(oi_file *f, uint64_t vaddr, oi_view *out)
{
    const oelf_priv *p = oelf_p(f);
    for (size_t i = 0; i < p->nloads; i++) {
        const oelf_load *l = &p->loads[i];
        if (vaddr < l->vaddr || vaddr - l->vaddr >= l->filesz)
            continue;
        uint64_t rel = vaddr - l->vaddr;
        if (l->offset > UINT64_MAX - rel)
            break;
        return oi_view_sub(f->data, l->offset + rel, l->filesz - rel, out);
    }
    *out = (oi_view){ NULL, 0 };
    return false;
}

oi_view oelf_strtab_view(oi_file *f, oi_view raw, const char *where, uint64_t off)
{
    size_t n = raw.n;
    while (n && raw.p[n - 1] != 0)
        n--;
    if (n != raw.n)
        OI_WARN(f, OI_MALFORMED, off, where,
                "string table does not end in NUL: the last %zu bytes are ignored",
                raw.n - n);
    return (oi_view){ n ? raw.p : NULL, n };
}

/* ------------------------------------------------------------ open */

/* Is this ET_DYN a position-independent executable rather than a library?
 * DF_1_PIE says so directly; otherwise a PT_INTERP without a DT_SONAME marks
 * an executable (libc.so.6 has both: it is a library that can also run). */
static bool oelf_is_pie(const oelf_priv *p)
{
    if ((p->dyn.have & DYN_FLAGS_1) && (p->dyn.flags_1 & DF_1_PIE))
        return true;
    bool interp = false;
    for (size_t i = 0; i < p->phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(p->elf, (int)i, &ph) && ph.p_type == PT_INTERP)
            interp = true;
    }
    return interp && !(p->dyn.have & DYN_SONAME);
}

/* Record the PT_LOAD segments, capped by what the header table can hold. */
static oi_status oelf_read_segments(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    size_t n = 0;
    for (size_t i = 0; i < p->phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(p->elf, (int)i, &ph) && ph.p_type == PT_LOAD)
            n++;
    }
    if (!n)
        return OI_OK;
    p->loads = oi_arena_array(f->mem, n, sizeof *p->loads);
    if (!p->loads)
        return OI_NOMEM;
    for (size_t i = 0; i < p->phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(p->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        uint64_t filesz = ph.p_filesz;
        /* a segment that claims bytes past the end maps only what exists */
        if (!oi_range_ok(f->data.n, ph.p_offset, filesz)) {
            OI_WARN(f, OI_TRUNCATED, ph.p_offset, "elf/segment",
                    "PT_LOAD %zu (%#llx bytes) runs past the end of the file", i,
                    (unsigned long long)filesz);
            filesz = ph.p_offset < f->data.n ? f->data.n - ph.p_offset : 0;
        }
        p->loads[p->nloads++] = (oelf_load){ ph.p_vaddr, ph.p_memsz, ph.p_offset, filesz };
    }
    return OI_OK;
}

/* libelf refuses a file whose section header table lies outside it. Such a
 * file (a truncated download, a corrupted header) still has everything the
 * loader uses, so when permissive we read a copy without the table. */
static Elf *oelf_open_without_shdrs(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    const uint8_t *d = f->data.p;
    bool is64 = d[EI_CLASS] == ELFCLASS64, big = d[EI_DATA] == ELFDATA2MSB;
    size_t hsz = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (!f->opt.permissive || f->data.n < hsz)
        return NULL;
    uint64_t shoff = is64 ? oi_get64(d + 40, big) : oi_get32(d + 32, big);
    OI_WARN(f, OI_TRUNCATED, shoff, "elf/header",
            "section header table is outside the file: ignored, reading through "
            "the program headers");
    /* a copy of the whole file: charged to max_alloc like the tables */
    p->patched = oi_arena_calloc_charged(f->mem, f->data.n, 1);
    if (!p->patched)
        return NULL;
    memcpy(p->patched, d, f->data.n);
    uint8_t *h = p->patched;
    /* e_shoff, e_shnum and e_shstrndx to zero: "no section headers" */
    memset(h + (is64 ? 40 : 32), 0, is64 ? 8 : 4);
    memset(h + (is64 ? 60 : 48), 0, 2);
    memset(h + (is64 ? 62 : 50), 0, 2);
    return elf_memory((char *)h, f->data.n);
}

/* ARM: Tag_ABI_VFP_args for the calling-convention rules (a bad section
 * is a warning; the e_flags still decide when they say hard or soft). */
static void oelf_read_arm_attributes(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    Elf_Scn *scn = NULL;
    for (size_t k = 0; k < p->shnum && (scn = elf_nextscn(p->elf, scn)) != NULL; k++) {
        GElf_Shdr sh;
        oi_view v;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_ARM_ATTRIBUTES)
            continue;
        if (oelf_section_content(f, scn, &v) == OI_OK)
            oelf_arm_attributes(f, v, p->big);
        return;
    }
}

static oi_status oelf_open(oi_file *f)
{
    oelf_priv *p = oi_arena_alloc(f->mem, sizeof *p);
    if (!p)
        return OI_NOMEM;
    f->priv = p;
    if (f->opt.debug_dir && !(f->opt.debug_dir = oi_arena_strdup(f->mem, f->opt.debug_dir)))
        return OI_NOMEM;
    elf_version(EV_CURRENT);
    /* libelf takes a non-const pointer; on a memory image it only writes to
     * its own copies (conversions for the other byte order). */
    p->elf = elf_memory((char *)(uintptr_t)f->data.p, f->data.n);
    if (!p->elf)
        p->elf = oelf_open_without_shdrs(f);
    if (!p->elf || elf_kind(p->elf) != ELF_K_ELF)
        return OI_ERROR(f, OI_MALFORMED, 0, "elf/header", "libelf: %s", elf_errmsg(-1));
    if (!gelf_getehdr(p->elf, &p->ehdr))
        return OI_ERROR(f, OI_TRUNCATED, 0, "elf/header", "ELF header: %s", elf_errmsg(-1));
    p->is64 = p->ehdr.e_ident[EI_CLASS] == ELFCLASS64;
    p->big = p->ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
    int bits = p->is64 ? 64 : 32;
    p->shdrs_ok = elf_getshdrnum(p->elf, &p->shnum) == 0;
    if (!p->shdrs_ok) {
        OI_ERROR(f, OI_TRUNCATED, p->ehdr.e_shoff, "elf/header",
                 "section header table: %s", elf_errmsg(-1));
        p->shnum = 0;
    }
    if (elf_getphdrnum(p->elf, &p->phnum) != 0) {
        OI_ERROR(f, OI_TRUNCATED, p->ehdr.e_phoff, "elf/header",
                 "program header table: %s", elf_errmsg(-1));
        p->phnum = 0;
    } else if (p->ehdr.e_phnum && p->ehdr.e_phnum != PN_XNUM) {
        /* libelf quietly reads fewer program headers than e_phnum when the
         * table is cut off or e_phentsize is off; the kernel refuses both */
        uint64_t phsz = p->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
        oi_view ph;
        if (p->ehdr.e_phentsize != phsz) {
            OI_ERROR(f, OI_MALFORMED, p->is64 ? 54 : 42, "elf/header",
                     "e_phentsize %u is not the %llu bytes of a program header",
                     p->ehdr.e_phentsize, (unsigned long long)phsz);
        } else if (!oi_view_array(f->data, p->ehdr.e_phoff, p->ehdr.e_phnum, phsz, &ph)) {
            OI_ERROR(f, OI_TRUNCATED, p->ehdr.e_phoff, "elf/header",
                     "program header table (%u entries at 0x%llx) runs past the end of the file",
                     p->ehdr.e_phnum, (unsigned long long)p->ehdr.e_phoff);
            if (p->phnum > p->ehdr.e_phnum)
                p->phnum = p->ehdr.e_phnum;
        }
    }
    /* libelf reads section headers of its own size whatever e_shentsize says */
    uint64_t shsz = p->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    if (p->ehdr.e_shoff && p->ehdr.e_shentsize != shsz)
        OI_WARN(f, OI_MALFORMED, p->is64 ? 58 : 46, "elf/header",
                "e_shentsize %u is not the %llu bytes of a section header; they are read as "
                "%llu-byte entries", p->ehdr.e_shentsize, (unsigned long long)shsz,
                (unsigned long long)shsz);
    /* libelf may quietly drop a section header table that lies outside
     * the file (a truncated copy): say so, and go on with the segments */
    const GElf_Ehdr *eh = &p->ehdr;
    if (!p->patched && eh->e_shoff &&
        !oi_range_ok(f->data.n, eh->e_shoff,
                     (uint64_t)eh->e_shentsize * (eh->e_shnum ? eh->e_shnum : 1))) {
        if (!f->opt.permissive)
            return OI_ERROR(f, OI_TRUNCATED, eh->e_shoff, "elf/header",
                            "section header table is outside the file");
        OI_WARN(f, OI_TRUNCATED, eh->e_shoff, "elf/header",
                "section header table is outside the file: ignored, reading through "
                "the program headers");
        p->shnum = 0;
    }
    p->has_shstrndx = p->shnum && elf_getshdrstrndx(p->elf, &p->shstrndx) == 0;

    oi_status st = oelf_read_segments(f);
    if (st == OI_OK)
        st = oelf_read_dynamic(f);
    if (st != OI_OK)
        return st;

    oi_file_info *in = &f->info;
    in->bits = bits;
    in->big_endian = p->big;
    in->machine_raw = p->ehdr.e_machine;
    in->machine = oi_elf_machine_name(p->ehdr.e_machine, bits);
    if (!in->machine)
        in->machine = oi_arena_printf(f->mem, "em-%u", p->ehdr.e_machine);
    in->flags_raw = p->ehdr.e_flags;
    if (p->ehdr.e_machine == EM_ARM)
        oelf_read_arm_attributes(f);
    in->entry = p->ehdr.e_entry;
    in->has_entry = p->ehdr.e_entry != 0;
    in->nsections = (uint32_t)p->shnum;
    in->nsegments = (uint32_t)p->phnum;
    if (p->dyn.have & DYN_SONAME)
        in->soname = oelf_dynstr(f, p->dyn.soname, "DT_SONAME");
    switch (p->ehdr.e_type) {
    case ET_REL: in->type = "relocatable"; break;
    case ET_EXEC: in->type = "exec"; break;
    case ET_DYN: in->type = oelf_is_pie(p) ? "pie" : "shared"; break;
    case ET_CORE: in->type = "core"; break;
    default: in->type = oi_arena_printf(f->mem, "et-%u", p->ehdr.e_type); break;
    }
    return OI_OK;
}

/* ------------------------------------------------------------ sections */

static oi_status oelf_build_sections(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oi_model_reserve(f, OI_T_SECTIONS, p->shnum);
    /* one record per header after the null one, so record i is section i+1 */
    for (size_t i = 1; i < p->shnum; i++) {
        Elf_Scn *scn = elf_getscn(p->elf, i);
        oi_section *s = oi_model_section(f);
        if (!s)
            return OI_NOMEM;
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh)) {
            OI_WARN_NOOFF(f, OI_MALFORMED, "elf/section", "section %zu: %s", i,
                          elf_errmsg(-1));
            s->name = "<?>";
            continue;
        }
        const char *name = p->has_shstrndx ? elf_strptr(p->elf, p->shstrndx, sh.sh_name) : NULL;
        if (!name) {
            OI_WARN_NOOFF(f, OI_MALFORMED, "elf/section",
                          "section %zu: name offset 0x%x is outside the section-name table",
                          i, sh.sh_name);
            name = "<?>";
        }
        s->name = name;
        s->address = sh.sh_addr;
        s->size = sh.sh_size;
        s->offset = sh.sh_offset;
        s->file_size = sh.sh_type == SHT_NOBITS ? 0 : sh.sh_size;
        s->type_raw = sh.sh_type;
        s->flags_raw = sh.sh_flags;
        s->compression = oelf_section_compression(f, scn, &sh, &s->uncompressed_size);
    }
    return OI_OK;
}

static oi_status oelf_section_data(oi_file *f, size_t i, oi_view *out)
{
    oelf_priv *p = oelf_p(f);
    Elf_Scn *scn = i + 1 < p->shnum ? elf_getscn(p->elf, i + 1) : NULL;
    if (!scn)
        return OI_ARG;
    return oelf_section_content(f, scn, out);
}

static void oelf_close(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    if (!p)
        return;
    oelf_close_debug_file(p);
    if (p->elf)
        elf_end(p->elf);
    oi_arena_free_charged(f->mem, p->patched, f->data.n);
}

const oi_format_ops oi_elf_ops = {
    .name = "elf",
    .format = OI_FORMAT_ELF,
    .probe = oelf_probe,
    .open = oelf_open,
    .build_sections = oelf_build_sections,
    .build_symbols = oelf_build_symbols,
    .build_exports = oelf_build_exports,
    .exports_stream = true,
    .build_imports = oelf_build_imports,
    .build_deps = oelf_build_deps,
    .build_props = oelf_build_props,
    .lookup = oelf_lookup,
    .close = oelf_close,
    .section_data = oelf_section_data,
    .build_relocs = oelf_build_relocs,
    .lookup_ex = oelf_lookup_ex,
};
