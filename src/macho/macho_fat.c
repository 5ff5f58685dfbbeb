/*
 * Fat (universal) Mach-O: a container of thin slices, fat_arch (32-bit
 * offsets) or fat_arch_64. Always big-endian. Each slice opens as a file of
 * its own, named "path[arch]".
 */
#include "macho_internal.h"

#include <string.h>

/* Java class files share FAT_MAGIC; their second word (the class-file
 * version, 45 and up) is far above any real slice count. */
#define FAT_MAX_ARCHS 42

static bool fat_probe(oi_view v)
{
    if (v.n < 8)
        return false;
    uint32_t magic = oi_get32(v.p, true);
    uint32_t n = oi_get32(v.p + 4, true);
    if (magic != FAT_MAGIC && magic != FAT_MAGIC_64)
        return false;
    uint32_t entry = magic == FAT_MAGIC_64 ? 32 : 20;
    return n >= 1 && n < FAT_MAX_ARCHS && oi_range_ok(v.n, 8, (uint64_t)n * entry);
}

static oi_status fat_open(oi_file *f)
{
    oi_cur c = oi_cur_make(f->data, 0, true);
    bool is64 = oi_u32(&c) == FAT_MAGIC_64;
    uint32_t n = oi_u32(&c);
    f->info.type = "universal";
    /* the probe checked that the table fits */
    uint64_t table_end = 8 + (uint64_t)n * (is64 ? 32 : 20);
    uint64_t starts[FAT_MAX_ARCHS], ends[FAT_MAX_ARCHS];
    uint32_t nkept = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t at = c.pos;
        uint32_t cputype = oi_u32(&c);
        uint32_t cpusubtype = oi_u32(&c);
        uint64_t off = is64 ? oi_u64(&c) : oi_u32(&c);
        uint64_t size = is64 ? oi_u64(&c) : oi_u32(&c);
        oi_skip(&c, is64 ? 8 : 4);   /* align (+ reserved) */
        if (!oi_ok(&c))
            return OI_ERROR(f, OI_TRUNCATED, at, "macho/fat", "fat_arch %u truncated", i);
        oi_view slice;
        if (!oi_view_sub(f->data, off, size, &slice)) {
            OI_ERROR(f, OI_TRUNCATED, at, "macho/fat",
                     "slice %u (offset 0x%llx, size 0x%llx) runs past the end of the file",
                     i, (unsigned long long)off, (unsigned long long)size);
            continue;
        }
        /* as llvm's MachOUniversalBinary: a slice may not cover the header,
         * overlap another slice, or be a fat file itself (a slice at offset
         * 0 would otherwise contain itself without end) */
        if (off < table_end && size) {
            OI_ERROR(f, OI_MALFORMED, at, "macho/fat",
                     "slice %u (offset 0x%llx) overlaps the fat header", i,
                     (unsigned long long)off);
            continue;
        }
        if (size >= 4 && (oi_get32(slice.p, true) == FAT_MAGIC ||
                          oi_get32(slice.p, true) == FAT_MAGIC_64)) {
            OI_ERROR(f, OI_MALFORMED, at, "macho/fat", "slice %u is itself a fat file", i);
            continue;
        }
        bool overlap = false;
        for (uint32_t k = 0; k < nkept && !overlap; k++)
            overlap = size && off < ends[k] && starts[k] < off + size;
        if (overlap) {
            OI_ERROR(f, OI_MALFORMED, at, "macho/fat",
                     "slice %u (offset 0x%llx, size 0x%llx) overlaps another slice", i,
                     (unsigned long long)off, (unsigned long long)size);
            continue;
        }
        starts[nkept] = off;
        ends[nkept++] = off + size;
        const char *arch = oi_macho_arch_name(cputype, cpusubtype);
        if (!arch)
            arch = oi_arena_printf(f->mem, "cputype-0x%x", cputype);
        const char *name = oi_arena_printf(f->mem, "%s[%s]", f->name, arch);
        if (!arch || !name || !oi_model_child(f, slice, name, arch))
            return OI_NOMEM;
    }
    f->info.nsections = 0;
    return OI_OK;
}

const oi_format_ops oi_macho_fat_ops = {
    .name = "macho-fat",
    .format = OI_FORMAT_MACHO_FAT,
    .probe = fat_probe,
    .open = fat_open,
};
