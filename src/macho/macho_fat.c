/*
 * Fat (universal) Mach-O: a container of thin slices, fat_arch (32-bit
 * offsets) or fat_arch_64. Always big-endian. Each slice opens as a file of
 * its own, named "path[arch]". A slice must lie inside the file, after the
 * fat_arch table, not overlap another slice, and be a thin Mach-O: a fat
 * file inside a fat file is refused (it would let the file choose how deep
 * the opening nests).
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

typedef struct fat_slice { uint64_t off, size; } fat_slice;

static oi_status fat_open(oi_file *f)
{
    oi_cur c = oi_cur_make(f->data, 0, true);
    bool is64 = oi_u32(&c) == FAT_MAGIC_64;
    uint32_t n = oi_u32(&c);
    uint64_t table_end = 8 + (uint64_t)n * (is64 ? 32 : 20);
    fat_slice kept[FAT_MAX_ARCHS];
    size_t nkept = 0;
    f->info.type = "universal";
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
        if (off < table_end && size) {
            OI_ERROR(f, OI_MALFORMED, at, "macho/fat",
                     "slice %u (offset 0x%llx) overlaps the fat_arch table", i,
                     (unsigned long long)off);
            continue;
        }
        bool overlap = false;
        for (size_t k = 0; k < nkept && !overlap; k++)
            overlap = off < kept[k].off + kept[k].size && kept[k].off < off + size;
        if (overlap) {
            OI_ERROR(f, OI_MALFORMED, at, "macho/fat",
                     "slice %u (offset 0x%llx, size 0x%llx) overlaps another slice", i,
                     (unsigned long long)off, (unsigned long long)size);
            continue;
        }
        if (slice.n >= 4 && (oi_get32(slice.p, true) == FAT_MAGIC ||
                             oi_get32(slice.p, true) == FAT_MAGIC_64)) {
            OI_ERROR(f, OI_UNSUPPORTED, at, "macho/fat",
                     "slice %u is itself a fat file (nested fat files are refused)", i);
            continue;
        }
        kept[nkept++] = (fat_slice){ off, size };
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
