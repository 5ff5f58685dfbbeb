/*
 * PE/COFF images: probe, open (DOS, COFF and optional headers, section
 * table), the RVA map and the sections. Every byte goes through the core
 * cursor; the other pe_*.c files read through the RVA map below.
 */
#include "pe_internal.h"

#include <stdlib.h>
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

const char *pe_machine_name(uint16_t m)
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

/* The class of a machine, for files with no optional header (objects). */
int pe_machine_bits(uint16_t m)
{
    switch (m) {
    case IMAGE_FILE_MACHINE_AMD64:
    case IMAGE_FILE_MACHINE_ARM64:
    case IMAGE_FILE_MACHINE_ARM64EC:
    case IMAGE_FILE_MACHINE_ARM64X:
    case IMAGE_FILE_MACHINE_IA64:
    case IMAGE_FILE_MACHINE_RISCV64:
    case IMAGE_FILE_MACHINE_LOONGARCH64:
        return 64;
    }
    return 32;
}

/* ---------------------------------------------------------- the RVA map */

const pe_section *pe_rva_section(const pe_priv *p, uint32_t rva, pe_map_hint *hint)
{
    /* without overlaps the section holding rva is unique, so a remembered
     * one is the answer whenever it holds rva */
    if (hint && !p->overlap && hint->sec < p->nsections) {
        const pe_section *s = &p->sections[hint->sec];
        if (rva >= s->vaddr && rva - s->vaddr < s->vextent)
            return s;
    }
    for (uint32_t i = 0; i < p->nsections; i++) {
        const pe_section *s = &p->sections[i];
        if (rva >= s->vaddr && rva - s->vaddr < s->vextent) {
            if (hint)
                hint->sec = i;
            return s;
        }
    }
    return NULL;
}

bool pe_rva_view(const oi_file *f, uint32_t rva, pe_map_hint *hint, oi_view *out)
{
    const pe_priv *p = f->priv;
    const pe_section *s = pe_rva_section(p, rva, hint);
    if (s) {
        uint32_t delta = rva - s->vaddr;
        /* bytes past the file data are zero fill: not readable from the file */
        if (delta >= s->file_len) {
            *out = (oi_view){ NULL, 0 };
            return false;
        }
        return oi_view_sub(f->data, s->file_off + delta, s->file_len - delta, out);
    }
    /* the headers are mapped at RVA 0, as they are in the file */
    uint64_t hdr = p->size_of_headers < f->data.n ? p->size_of_headers : f->data.n;
    if (p->kind == PE_KIND_IMAGE && rva < hdr)
        return oi_view_sub(f->data, rva, hdr - rva, out);
    *out = (oi_view){ NULL, 0 };
    return false;
}

bool pe_rva_array(const oi_file *f, uint32_t rva, uint64_t count, uint64_t elsize,
                  pe_map_hint *hint, oi_view *out)
{
    oi_view v;
    if (!pe_rva_view(f, rva, hint, &v))
        return false;
    return oi_view_array(v, 0, count, elsize, out);
}

const char *pe_rva_cstr(const oi_file *f, uint32_t rva, pe_map_hint *hint)
{
    oi_view v;
    if (!pe_rva_view(f, rva, hint, &v))
        return NULL;
    return oi_view_cstr(v, 0);
}

bool pe_va_to_rva(const pe_priv *p, uint64_t va, uint32_t *rva)
{
    if (va < p->image_base || va - p->image_base > UINT32_MAX)
        return false;
    *rva = (uint32_t)(va - p->image_base);
    return true;
}

uint64_t pe_rva_offset(const oi_file *f, uint32_t rva)
{
    oi_view v;
    if (!pe_rva_view(f, rva, NULL, &v))
        return UINT64_MAX;
    return oi_file_off(f, v.p);
}

const pe_dir *pe_dir_get(const pe_priv *p, unsigned index)
{
    if (index >= p->ndirs || p->dirs[index].rva == 0)
        return NULL;
    return &p->dirs[index];
}

bool pe_rva_is_code(const pe_priv *p, uint32_t rva, pe_map_hint *hint)
{
    const pe_section *s = pe_rva_section(p, rva, hint);
    return s && (s->characteristics & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE));
}

/* ---------------------------------------------------------- sections */

/* Sort the sections by address and look for one that starts before the
 * ones below it end: O(n log n), since a hostile file may have 65535. The
 * key sits in the sorted records, so no global is needed. */
typedef struct sec_key {
    uint32_t vaddr, index;
} sec_key;

static int by_vaddr(const void *a, const void *b)
{
    const sec_key *x = a, *y = b;
    if (x->vaddr != y->vaddr)
        return x->vaddr < y->vaddr ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void pe_find_overlap(oi_file *f, pe_priv *p, uint64_t table_off)
{
    uint32_t n = p->nsections, m = 0;
    sec_key *keys;
    /* charged to max_alloc; a failure fails the build (file.h) */
    if (n < 2 || !(keys = oi_arena_calloc_charged(f->mem, n, sizeof *keys)))
        return;
    for (uint32_t i = 0; i < n; i++)
        if (p->sections[i].vextent)
            keys[m++] = (sec_key){ p->sections[i].vaddr, i };
    qsort(keys, m, sizeof *keys, by_vaddr);
    uint64_t end = 0;
    uint32_t last = 0;
    for (uint32_t k = 0; k < m; k++) {
        const pe_section *s = &p->sections[keys[k].index];
        if (k && s->vaddr < end) {
            uint32_t lo = keys[k].index < last ? keys[k].index : last;
            uint32_t hi = keys[k].index < last ? last : keys[k].index;
            p->overlap = true;
            OI_WARN(f, OI_MALFORMED, table_off + (uint64_t)hi * IMAGE_SIZEOF_SECTION_HEADER,
                    "pe/sections", "sections %s and %s overlap in the address space; "
                    "addresses in both map to the first, %s", p->sections[lo].name,
                    p->sections[hi].name, p->sections[lo].name);
            break;
        }
        if ((uint64_t)s->vaddr + s->vextent > end) {
            end = (uint64_t)s->vaddr + s->vextent;
            last = keys[k].index;
        }
    }
    oi_arena_free_charged(f->mem, keys, (size_t)n * sizeof *keys);
}

oi_status pe_read_sections(oi_file *f, pe_priv *p, uint64_t off, uint32_t n)
{
    oi_view table;
    if (!oi_view_array(f->data, off, n, IMAGE_SIZEOF_SECTION_HEADER, &table))
        return OI_ERROR(f, OI_TRUNCATED, off, "pe/sections",
                        "section table of %u entries runs past the end of the file", n);
    p->sections = oi_arena_array(f->mem, n ? n : 1, sizeof *p->sections);
    if (!p->sections)
        return OI_NOMEM;
    p->nsections = n;
    bool image = p->kind == PE_KIND_IMAGE;
    oi_cur s = oi_cur_make(table, 0, false);
    for (uint32_t i = 0; i < n; i++) {
        pe_section *ps = &p->sections[i];
        oi_view nm = oi_take_fixed(&s, IMAGE_SIZEOF_SHORT_NAME);
        memcpy(ps->name, nm.p, nm.n);
        ps->vsize = oi_u32(&s);
        ps->vaddr = oi_u32(&s);
        ps->raw_size = oi_u32(&s);
        ps->raw_off = oi_u32(&s);
        oi_skip(&s, 12);            /* relocations, line numbers and their counts */
        ps->characteristics = oi_u32(&s);
        /* "/N": a long name at offset N of the string table */
        if (ps->name[0] == '/' && ps->name[1] >= '0' && ps->name[1] <= '9' && p->strtab.n) {
            uint64_t so = 0;
            for (const char *q = ps->name + 1; *q >= '0' && *q <= '9'; q++)
                so = so * 10 + (uint64_t)(*q - '0');
            const char *ln = oi_view_cstr(p->strtab, so);
            if (ln)
                ps->long_name = ln;
            else
                OI_WARN(f, OI_MALFORMED, off + (uint64_t)i * IMAGE_SIZEOF_SECTION_HEADER,
                        "pe/sections", "section %u: long name offset %s is outside the string table",
                        i + 1, ps->name + 1);
        }
        /* the RVA map: uninitialised data has no file bytes at all */
        uint64_t raw_off = ps->raw_off;
        if (image && p->file_align >= PE_RAW_ALIGN_HARDCODED &&
            (raw_off & (PE_RAW_ALIGN_HARDCODED - 1))) {
            raw_off &= ~(uint64_t)(PE_RAW_ALIGN_HARDCODED - 1);
            OI_WARN(f, OI_MALFORMED, off + (uint64_t)i * IMAGE_SIZEOF_SECTION_HEADER, "pe/sections",
                    "section %s: PointerToRawData 0x%x is not aligned; the loader reads from 0x%llx",
                    ps->name, ps->raw_off, (unsigned long long)raw_off);
        }
        ps->file_off = raw_off;
        ps->vextent = image ? (ps->vsize ? ps->vsize : ps->raw_size) : ps->raw_size;
        /* the loader maps the section inside the 32-bit image: an extent
         * past 2^32 or past SizeOfImage cannot be loaded */
        uint64_t vend = (uint64_t)ps->vaddr + ps->vextent;
        if (image && (vend > UINT32_MAX || (p->size_of_image && vend > p->size_of_image)))
            OI_WARN(f, OI_MALFORMED, off + (uint64_t)i * IMAGE_SIZEOF_SECTION_HEADER, "pe/sections",
                    "section %s: VirtualAddress 0x%x + VirtualSize 0x%x ends at 0x%llx, past %s",
                    ps->name, ps->vaddr, ps->vextent, (unsigned long long)vend,
                    vend > UINT32_MAX ? "2^32" : "SizeOfImage");
        uint64_t len = ps->raw_off ? ps->raw_size : 0;
        if (len && (raw_off >= f->data.n || len > f->data.n - raw_off)) {
            OI_WARN(f, OI_TRUNCATED, off + (uint64_t)i * IMAGE_SIZEOF_SECTION_HEADER, "pe/sections",
                    "section %s: raw data 0x%llx+0x%llx runs past the end of the file (0x%zx bytes)",
                    ps->name, (unsigned long long)raw_off, (unsigned long long)len, f->data.n);
            len = raw_off >= f->data.n ? 0 : f->data.n - raw_off;
        }
        /* raw bytes past VirtualSize are not mapped */
        if (image && len > ps->vextent)
            len = ps->vextent;
        ps->file_len = (uint32_t)len;
    }
    if (image) {
        /* overlapping address ranges: the map takes the first section */
        pe_find_overlap(f, p, off);
    }
    return OI_OK;
}

oi_status pe_build_sections(oi_file *f)
{
    pe_priv *p = pe_p(f);
    oi_model_reserve(f, OI_T_SECTIONS, p->nsections);
    for (uint32_t i = 0; i < p->nsections; i++) {
        const pe_section *ps = &p->sections[i];
        oi_section *s = oi_model_section(f);
        if (!s)
            return OI_NOMEM;
        s->name = ps->long_name ? ps->long_name : ps->name;
        s->address = ps->vaddr;
        s->size = p->kind == PE_KIND_IMAGE ? ps->vsize : ps->raw_size;
        s->offset = ps->raw_off;
        /* only the bytes that exist count */
        s->file_size = ps->raw_off ? ps->file_len : 0;
        if (p->kind != PE_KIND_IMAGE && ps->raw_off)
            s->file_size = ps->raw_off < f->data.n
                               ? (ps->raw_size < f->data.n - ps->raw_off ? ps->raw_size
                                                                         : f->data.n - ps->raw_off)
                               : 0;
        s->flags_raw = ps->characteristics;
    }
    return OI_OK;
}

void pe_locate_symtab(oi_file *f, pe_priv *p)
{
    p->strtab = (oi_view){ NULL, 0 };
    if (!p->symtab_off)
        return;
    oi_view syms;
    if (!oi_view_array(f->data, p->symtab_off, p->nsymbols, p->symsize, &syms)) {
        OI_WARN(f, OI_TRUNCATED, p->symtab_off, "pe/symbols",
                "symbol table of %u records runs past the end of the file", p->nsymbols);
        p->nsymbols = 0;
        return;
    }
    /* the string table follows the symbols; its first word is its size */
    uint64_t st = (uint64_t)p->symtab_off + (uint64_t)p->nsymbols * p->symsize;
    oi_cur c = oi_cur_make(f->data, 0, false);
    oi_seek(&c, st);
    uint32_t size = oi_u32(&c);
    if (!oi_ok(&c))
        return;   /* no string table: allowed when no name needs one */
    if (size < 4 || !oi_view_sub(f->data, st, size, &p->strtab)) {
        OI_WARN(f, OI_TRUNCATED, st, "pe/symbols",
                "string table size 0x%x does not fit in the file", size);
        oi_view_tail(f->data, st, &p->strtab);
    }
}

/* ---------------------------------------------------------- open */

/* The export directory's DLL name, for info.soname; cheap enough to read at
 * open. */
static void pe_read_dll_name(oi_file *f, pe_priv *p)
{
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_EXPORT);
    oi_view v;
    if (!d || !pe_rva_array(f, d->rva, 1, IMAGE_SIZEOF_EXPORT_DIRECTORY, NULL, &v))
        return;
    oi_cur c = oi_cur_make(v, 12, false);
    uint32_t name = oi_u32(&c);
    if (oi_ok(&c) && name)
        f->info.soname = pe_rva_cstr(f, name, NULL);
}

static oi_status pe_open(oi_file *f)
{
    pe_priv *p = oi_arena_alloc(f->mem, sizeof *p);
    if (!p)
        return OI_NOMEM;
    f->priv = p;
    p->kind = PE_KIND_IMAGE;
    p->symsize = IMAGE_SIZEOF_SYMBOL;
    p->pe_off = pe_signature_offset(f->data);
    oi_cur c = oi_cur_make(f->data, p->pe_off + 4, false);
    p->machine = oi_u16(&c);
    uint16_t nsections = oi_u16(&c);
    p->timestamp = oi_u32(&c);
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
    p->is64 = is64;
    if (p->opt_magic != IMAGE_NT_OPTIONAL_HDR32_MAGIC && !is64)
        return OI_ERROR(f, OI_MALFORMED, opt_off, "pe/header",
                        "optional header magic 0x%x is neither PE32 nor PE32+", p->opt_magic);
    p->linker_major = oi_u8(&o);
    p->linker_minor = oi_u8(&o);
    oi_skip(&o, 4 * 3);             /* code/data sizes */
    uint32_t entry = oi_u32(&o);
    oi_skip(&o, 4);                 /* BaseOfCode */
    if (!is64)
        oi_skip(&o, 4);             /* BaseOfData */
    p->image_base = oi_word(&o, is64);
    p->section_align = oi_u32(&o);
    p->file_align = oi_u32(&o);
    p->os_major = oi_u16(&o);
    p->os_minor = oi_u16(&o);
    p->image_major = oi_u16(&o);
    p->image_minor = oi_u16(&o);
    p->major_subsystem = oi_u16(&o);
    p->minor_subsystem = oi_u16(&o);
    oi_skip(&o, 4);                 /* Win32VersionValue */
    p->size_of_image = oi_u32(&o);
    p->size_of_headers = oi_u32(&o);
    p->checksum = oi_u32(&o);
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

    pe_locate_symtab(f, p);
    oi_status st = pe_read_sections(f, p, opt_off + opt_size, nsections);
    if (st != OI_OK)
        return st;
    pe_read_load_config(f, p);
    pe_read_dll_name(f, p);

    oi_file_info *in = &f->info;
    in->bits = is64 ? 64 : 32;
    in->big_endian = false;
    in->machine_raw = p->machine;
    in->machine = pe_machine_name(p->machine);
    /* ARM64EC images say AMD64 and ARM64X images ARM64 in the header, and
     * that is what they are to a loader on that machine; the CHPE metadata
     * of the load configuration marks them hybrid (the "chpe" property) */
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

const oi_format_ops oi_pe_ops = {
    .name = "pe",
    .format = OI_FORMAT_PE,
    .probe = pe_probe,
    .open = pe_open,
    .build_sections = pe_build_sections,
    .build_symbols = pe_build_symbols,
    .build_exports = pe_build_exports,
    .exports_stream = true,
    .build_imports = pe_build_imports,
    .build_deps = pe_build_deps,
    .build_props = pe_build_props,
    .lookup = pe_lookup,
};
