/*
 * PE/COFF: probe, open (DOS, COFF and optional headers, section table),
 * sections. Every byte goes through the core cursor.
 */
#include "pe_internal.h"

#include <string.h>

/* Offset of the PE signature, or 0 when v is not an MZ+PE image. */
static uint32_t pe_signature_offset(oi_view v)
{
    oi_cur c = oi_cur_make(v, 0, false);
    if (oi_u16(&c) != IMAGE_DOS_SIGNATURE)
        return 0;
    oi_seek(&c, 0x3c);
    uint32_t lfanew = oi_u32(&c);
    if (!oi_ok(&c) || lfanew < 4)
        return 0;
    oi_seek(&c, lfanew);
    if (oi_u32(&c) != IMAGE_NT_SIGNATURE || !oi_ok(&c))
        return 0;
    return lfanew;
}

static bool pe_probe(oi_view v)
{
    return pe_signature_offset(v) != 0;
}

static const char *pe_machine_name(uint16_t m)
{
    switch (m) {
    case IMAGE_FILE_MACHINE_I386: return "i386";
    case IMAGE_FILE_MACHINE_AMD64: return "x86_64";
    case IMAGE_FILE_MACHINE_ARM64: return "aarch64";
    case IMAGE_FILE_MACHINE_ARM64EC: return "arm64ec";
    case IMAGE_FILE_MACHINE_ARM64X: return "arm64x";
    case IMAGE_FILE_MACHINE_ARMNT: return "arm";
    case IMAGE_FILE_MACHINE_ARM: return "arm";
    case IMAGE_FILE_MACHINE_THUMB: return "arm";
    case IMAGE_FILE_MACHINE_IA64: return "ia64";
    case IMAGE_FILE_MACHINE_RISCV32: return "riscv32";
    case IMAGE_FILE_MACHINE_RISCV64: return "riscv64";
    case IMAGE_FILE_MACHINE_LOONGARCH64: return "loongarch64";
    case IMAGE_FILE_MACHINE_EBC: return "ebc";
    case IMAGE_FILE_MACHINE_UNKNOWN: return "unknown";
    }
    return NULL;
}

static oi_status pe_open(oi_file *f)
{
    pe_priv *p = oi_arena_alloc(f->mem, sizeof *p);
    if (!p)
        return OI_NOMEM;
    f->priv = p;
    p->pe_off = pe_signature_offset(f->data);
    oi_cur c = oi_cur_make(f->data, p->pe_off + 4, false);
    p->machine = oi_u16(&c);
    p->nsections = oi_u16(&c);
    oi_skip(&c, 4);                 /* TimeDateStamp */
    p->symtab_off = oi_u32(&c);
    p->nsymbols = oi_u32(&c);
    uint16_t opt_size = oi_u16(&c);
    p->characteristics = oi_u16(&c);
    if (!oi_ok(&c))
        return OI_ERROR(f, OI_TRUNCATED, p->pe_off, "pe/header", "COFF file header truncated");
    size_t opt_off = c.pos;
    oi_view opt;
    if (!oi_view_sub(f->data, opt_off, opt_size, &opt))
        return OI_ERROR(f, OI_TRUNCATED, opt_off, "pe/header",
                        "optional header of %u bytes runs past the end of the file", opt_size);
    oi_cur o = oi_cur_make(opt, 0, false);
    p->opt_magic = oi_u16(&o);
    bool is64 = p->opt_magic == IMAGE_NT_OPTIONAL_HDR64_MAGIC;
    if (p->opt_magic != IMAGE_NT_OPTIONAL_HDR32_MAGIC && !is64)
        return OI_ERROR(f, OI_MALFORMED, opt_off, "pe/header",
                        "optional header magic 0x%x is neither PE32 nor PE32+", p->opt_magic);
    oi_skip(&o, 2 + 4 * 3);         /* linker version, code/data sizes */
    uint32_t entry = oi_u32(&o);
    oi_skip(&o, 4);                 /* BaseOfCode */
    if (!is64)
        oi_skip(&o, 4);             /* BaseOfData */
    p->image_base = oi_word(&o, is64);
    p->section_align = oi_u32(&o);
    p->file_align = oi_u32(&o);
    oi_skip(&o, 2 * 4);             /* OS and image versions */
    p->major_subsystem = oi_u16(&o);
    p->minor_subsystem = oi_u16(&o);
    oi_skip(&o, 4);                 /* Win32VersionValue */
    p->size_of_image = oi_u32(&o);
    p->size_of_headers = oi_u32(&o);
    oi_skip(&o, 4);                 /* CheckSum */
    p->subsystem = oi_u16(&o);
    p->dll_characteristics = oi_u16(&o);
    oi_skip(&o, is64 ? 8 * 4 : 4 * 4);  /* stack and heap sizes */
    oi_skip(&o, 4);                 /* LoaderFlags */
    uint32_t ndirs = oi_u32(&o);
    if (!oi_ok(&o))
        return OI_ERROR(f, OI_TRUNCATED, opt_off, "pe/header", "optional header truncated");
    /* the loader reads at most 16 directories, and only those that fit */
    if (ndirs > IMAGE_NUMBEROF_DIRECTORY_ENTRIES) {
        OI_WARN(f, OI_MALFORMED, opt_off, "pe/header",
                "NumberOfRvaAndSizes %u is more than 16", ndirs);
        ndirs = IMAGE_NUMBEROF_DIRECTORY_ENTRIES;
    }
    uint32_t fit = (uint32_t)(oi_left(&o) / 8);
    if (ndirs > fit) {
        OI_WARN(f, OI_TRUNCATED, opt_off, "pe/header",
                "%u data directories do not fit in the optional header", ndirs);
        ndirs = fit;
    }
    p->ndirs = ndirs;
    for (uint32_t i = 0; i < ndirs; i++) {
        p->dirs[i].rva = oi_u32(&o);
        p->dirs[i].size = oi_u32(&o);
    }

    /* section table */
    size_t sec_off = opt_off + opt_size;
    oi_view table;
    if (!oi_view_array(f->data, sec_off, p->nsections, IMAGE_SIZEOF_SECTION_HEADER, &table))
        return OI_ERROR(f, OI_TRUNCATED, sec_off, "pe/sections",
                        "section table of %u entries runs past the end of the file",
                        p->nsections);
    p->sections = oi_arena_array(f->mem, p->nsections ? p->nsections : 1, sizeof *p->sections);
    if (!p->sections)
        return OI_NOMEM;
    oi_cur s = oi_cur_make(table, 0, false);
    for (uint16_t i = 0; i < p->nsections; i++) {
        pe_section *ps = &p->sections[i];
        oi_view nm = oi_take_fixed(&s, 8);
        memcpy(ps->name, nm.p, nm.n);
        ps->vsize = oi_u32(&s);
        ps->vaddr = oi_u32(&s);
        ps->raw_size = oi_u32(&s);
        ps->raw_off = oi_u32(&s);
        oi_skip(&s, 12);
        ps->characteristics = oi_u32(&s);
    }

    oi_file_info *in = &f->info;
    in->bits = is64 ? 64 : 32;
    in->big_endian = false;
    in->machine_raw = p->machine;
    in->machine = pe_machine_name(p->machine);
    if (!in->machine)
        in->machine = oi_arena_printf(f->mem, "pe-0x%x", p->machine);
    in->flags_raw = p->characteristics;
    in->entry = entry;
    in->has_entry = entry != 0;
    in->nsections = p->nsections;
    if (p->subsystem >= IMAGE_SUBSYSTEM_EFI_APPLICATION && p->subsystem <= IMAGE_SUBSYSTEM_EFI_ROM)
        in->type = "efi";
    else if (p->characteristics & IMAGE_FILE_DLL)
        in->type = "dll";
    else
        in->type = "exe";
    return OI_OK;
}

static oi_status pe_build_sections(oi_file *f)
{
    pe_priv *p = pe_p(f);
    oi_model_reserve(f, OI_T_SECTIONS, p->nsections);
    for (uint16_t i = 0; i < p->nsections; i++) {
        const pe_section *ps = &p->sections[i];
        oi_section *s = oi_model_section(f);
        if (!s)
            return OI_NOMEM;
        s->name = ps->name;
        s->address = ps->vaddr;
        s->size = ps->vsize;
        s->offset = ps->raw_off;
        /* only the bytes that exist count */
        s->file_size = ps->raw_off < f->data.n
                           ? (ps->raw_size < f->data.n - ps->raw_off ? ps->raw_size
                                                                     : f->data.n - ps->raw_off)
                           : 0;
        s->flags_raw = ps->characteristics;
    }
    return OI_OK;
}

const oi_format_ops oi_pe_ops = {
    .name = "pe",
    .format = OI_FORMAT_PE,
    .probe = pe_probe,
    .open = pe_open,
    .build_sections = pe_build_sections,
};
