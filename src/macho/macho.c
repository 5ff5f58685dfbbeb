/*
 * Mach-O (thin): probe, open (header), and the architecture names shared
 * with the fat container in macho_fat.c.
 */
#include "macho_internal.h"

static bool macho_probe(oi_view v)
{
    if (v.n < 28)
        return false;
    uint32_t m = oi_get32(v.p, false);
    return m == MH_MAGIC || m == MH_CIGAM || m == MH_MAGIC_64 || m == MH_CIGAM_64;
}

const char *oi_macho_arch_name(uint32_t cputype, uint32_t cpusubtype)
{
    uint32_t sub = cpusubtype & ~CPU_SUBTYPE_MASK;
    switch (cputype) {
    case CPU_TYPE_X86_64: return sub == CPU_SUBTYPE_X86_64_H ? "x86_64h" : "x86_64";
    case CPU_TYPE_I386: return "i386";
    case CPU_TYPE_ARM64: return sub == CPU_SUBTYPE_ARM64E ? "arm64e" : "arm64";
    case CPU_TYPE_ARM64_32: return "arm64_32";
    case CPU_TYPE_ARM:
        switch (sub) {
        case CPU_SUBTYPE_ARM_V6: return "armv6";
        case CPU_SUBTYPE_ARM_V7: return "armv7";
        case CPU_SUBTYPE_ARM_V7S: return "armv7s";
        case CPU_SUBTYPE_ARM_V7K: return "armv7k";
        }
        return "arm";
    case CPU_TYPE_POWERPC: return "ppc";
    case CPU_TYPE_POWERPC64: return "ppc64";
    }
    return NULL;
}

/* The model's machine name: the family, as for ELF and PE. */
static const char *macho_machine(uint32_t cputype)
{
    switch (cputype) {
    case CPU_TYPE_X86_64: return "x86_64";
    case CPU_TYPE_I386: return "i386";
    case CPU_TYPE_ARM64: return "aarch64";
    case CPU_TYPE_ARM64_32: return "arm64_32";
    case CPU_TYPE_ARM: return "arm";
    case CPU_TYPE_POWERPC: return "ppc";
    case CPU_TYPE_POWERPC64: return "ppc64";
    }
    return NULL;
}

static const char *macho_type(uint32_t filetype, uint32_t flags)
{
    switch (filetype) {
    case MH_OBJECT: return "relocatable";
    case MH_EXECUTE: return flags & MH_PIE ? "pie" : "exec";
    case MH_FVMLIB: return "fvmlib";
    case MH_CORE: return "core";
    case MH_PRELOAD: return "preload";
    case MH_DYLIB: return "dylib";
    case MH_DYLINKER: return "dylinker";
    case MH_BUNDLE: return "bundle";
    case MH_DYLIB_STUB: return "dylib-stub";
    case MH_DSYM: return "dsym";
    case MH_KEXT_BUNDLE: return "kext";
    case MH_FILESET: return "fileset";
    }
    return NULL;
}

static oi_status macho_open(oi_file *f)
{
    macho_priv *p = oi_arena_alloc(f->mem, sizeof *p);
    if (!p)
        return OI_NOMEM;
    f->priv = p;
    uint32_t magic = oi_get32(f->data.p, false);
    bool big = magic == MH_CIGAM || magic == MH_CIGAM_64;
    p->is64 = magic == MH_MAGIC_64 || magic == MH_CIGAM_64;
    oi_cur c = oi_cur_make(f->data, 4, big);
    p->cputype = oi_u32(&c);
    p->cpusubtype = oi_u32(&c);
    p->filetype = oi_u32(&c);
    p->ncmds = oi_u32(&c);
    p->sizeofcmds = oi_u32(&c);
    p->flags = oi_u32(&c);
    if (p->is64)
        oi_skip(&c, 4);
    if (!oi_ok(&c))
        return OI_ERROR(f, OI_TRUNCATED, 0, "macho/header", "Mach-O header truncated");
    p->header_size = c.pos;
    p->big = big;
    if (!oi_range_ok(f->data.n, p->header_size, p->sizeofcmds))
        return OI_ERROR(f, OI_TRUNCATED, p->header_size, "macho/header",
                        "load commands (sizeofcmds 0x%x) run past the end of the file",
                        p->sizeofcmds);
    if (p->ncmds > p->sizeofcmds / 8)
        return OI_ERROR(f, OI_MALFORMED, 16, "macho/header",
                        "ncmds %u cannot fit in sizeofcmds 0x%x", p->ncmds, p->sizeofcmds);

    oi_file_info *in = &f->info;
    in->bits = p->is64 ? 64 : 32;
    in->big_endian = big;
    in->machine_raw = p->cputype;
    in->machine_sub = p->cpusubtype;
    in->machine = macho_machine(p->cputype);
    if (!in->machine)
        in->machine = oi_arena_printf(f->mem, "cpu-0x%x", p->cputype);
    in->type = macho_type(p->filetype, p->flags);
    if (!in->type)
        in->type = oi_arena_printf(f->mem, "mh-0x%x", p->filetype);
    in->flags_raw = p->flags;
    in->ncommands = p->ncmds;
    return macho_parse_loadcmds(f);
}

const oi_format_ops oi_macho_ops = {
    .name = "macho",
    .format = OI_FORMAT_MACHO,
    .probe = macho_probe,
    .open = macho_open,
    .build_sections = macho_build_sections,
    .build_symbols = macho_build_symbols,
    .build_exports = macho_build_exports,
    .build_imports = macho_build_imports,
    .build_deps = macho_build_deps,
    .build_props = macho_build_props,
    .lookup = macho_lookup,
};
