/*
 * ELF: probe, open (headers), sections. Reading goes through elfutils libelf
 * on our own mapping; the chains libelf hands back raw are walked with the
 * core cursor in the other elf_*.c files.
 */
#include "elf_internal.h"

#include <string.h>

static bool elf_probe(oi_view v)
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

/* Is this ET_DYN a position-independent executable rather than a library?
 * DF_1_PIE says so directly; otherwise a PT_INTERP without a DT_SONAME marks
 * an executable (libc.so.6 has both: it is a library that can also run). */
static bool elf_is_pie(Elf *elf, size_t phnum)
{
    bool interp = false, soname = false;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph))
            continue;
        if (ph.p_type == PT_INTERP)
            interp = true;
        if (ph.p_type != PT_DYNAMIC)
            continue;
        Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_DYN);
        if (!d)
            continue;
        size_t n = d->d_size / gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
        for (size_t k = 0; k < n; k++) {
            GElf_Dyn dyn;
            if (!gelf_getdyn(d, (int)k, &dyn) || dyn.d_tag == DT_NULL)
                break;
            if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
                return true;
            if (dyn.d_tag == DT_SONAME)
                soname = true;
        }
    }
    return interp && !soname;
}

static oi_status elf_open(oi_file *f)
{
    elf_priv *p = oi_arena_alloc(f->mem, sizeof *p);
    if (!p)
        return OI_NOMEM;
    f->priv = p;
    elf_version(EV_CURRENT);
    /* libelf takes a non-const pointer but only reads with ELF_C_READ_MMAP
     * semantics on memory images; our mapping is copy-on-write besides. */
    p->elf = elf_memory((char *)(uintptr_t)f->data.p, f->data.n);
    if (!p->elf || elf_kind(p->elf) != ELF_K_ELF)
        return OI_ERROR(f, OI_MALFORMED, 0, "elf/header", "libelf: %s", elf_errmsg(-1));
    if (!gelf_getehdr(p->elf, &p->ehdr))
        return OI_ERROR(f, OI_TRUNCATED, 0, "elf/header", "ELF header: %s", elf_errmsg(-1));
    int bits = p->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
    if (elf_getshdrnum(p->elf, &p->shnum) != 0) {
        OI_ERROR(f, OI_TRUNCATED, p->ehdr.e_shoff, "elf/header",
                 "section header table: %s", elf_errmsg(-1));
        p->shnum = 0;
    }
    if (elf_getphdrnum(p->elf, &p->phnum) != 0) {
        OI_ERROR(f, OI_TRUNCATED, p->ehdr.e_phoff, "elf/header",
                 "program header table: %s", elf_errmsg(-1));
        p->phnum = 0;
    }
    p->has_shstrndx = elf_getshdrstrndx(p->elf, &p->shstrndx) == 0;

    oi_file_info *in = &f->info;
    in->bits = bits;
    in->big_endian = p->ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
    in->machine_raw = p->ehdr.e_machine;
    in->machine = oi_elf_machine_name(p->ehdr.e_machine, bits);
    if (!in->machine)
        in->machine = oi_arena_printf(f->mem, "em-%u", p->ehdr.e_machine);
    in->flags_raw = p->ehdr.e_flags;
    in->entry = p->ehdr.e_entry;
    in->has_entry = p->ehdr.e_entry != 0;
    in->nsections = (uint32_t)p->shnum;
    in->nsegments = (uint32_t)p->phnum;
    switch (p->ehdr.e_type) {
    case ET_REL: in->type = "relocatable"; break;
    case ET_EXEC: in->type = "exec"; break;
    case ET_DYN: in->type = elf_is_pie(p->elf, p->phnum) ? "pie" : "shared"; break;
    case ET_CORE: in->type = "core"; break;
    default: in->type = oi_arena_printf(f->mem, "et-%u", p->ehdr.e_type); break;
    }
    return OI_OK;
}

static oi_status elf_build_sections(oi_file *f)
{
    elf_priv *p = elf_p(f);
    Elf_Scn *scn = NULL;
    oi_model_reserve(f, OI_T_SECTIONS, p->shnum);
    while ((scn = elf_nextscn(p->elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) {
            OI_WARN_NOOFF(f, OI_MALFORMED, "elf/section", "section %zu: %s",
                          elf_ndxscn(scn), elf_errmsg(-1));
            continue;
        }
        oi_section *s = oi_model_section(f);
        if (!s)
            return OI_NOMEM;
        const char *name = p->has_shstrndx ? elf_strptr(p->elf, p->shstrndx, sh.sh_name) : NULL;
        if (!name) {
            OI_WARN_NOOFF(f, OI_MALFORMED, "elf/section",
                          "section %zu: name offset 0x%x is outside the section-name table",
                          elf_ndxscn(scn), sh.sh_name);
            name = "<?>";
        }
        s->name = name;
        s->address = sh.sh_addr;
        s->size = sh.sh_size;
        s->offset = sh.sh_offset;
        s->file_size = sh.sh_type == SHT_NOBITS ? 0 : sh.sh_size;
        s->type_raw = sh.sh_type;
        s->flags_raw = sh.sh_flags;
    }
    return OI_OK;
}

static void elf_close(oi_file *f)
{
    elf_priv *p = elf_p(f);
    if (p && p->elf)
        elf_end(p->elf);
}

const oi_format_ops oi_elf_ops = {
    .name = "elf",
    .format = OI_FORMAT_ELF,
    .probe = elf_probe,
    .open = elf_open,
    .build_sections = elf_build_sections,
    .close = elf_close,
};
