/*
 * Chained fixups (LC_DYLD_CHAINED_FIXUPS): the imports table. Each entry
 * names a symbol (an offset into the symbol pool), a library ordinal and a
 * weak-import bit, in one of three layouts:
 *   DYLD_CHAINED_IMPORT          u32: lib_ordinal:8  weak_import:1 name_offset:23
 *   DYLD_CHAINED_IMPORT_ADDEND   the same, then an int32 addend
 *   DYLD_CHAINED_IMPORT_ADDEND64 u64: lib_ordinal:16 weak_import:1 reserved:15
 *                                name_offset:32, then a u64 addend
 * Ordinals at the top of their field (0xf0.. / 0xfff0..) are the negative
 * special ordinals (main executable, flat lookup, weak), sign-extended.
 * The header and the table are checked against the command's data before
 * any entry is read; imports_count is capped by the bytes that exist.
 */
#include "macho_internal.h"

oi_status macho_chained_imports(oi_file *f, macho_import_set *set)
{
    macho_priv *p = macho_p(f);
    oi_view d;
    oi_view_sub(f->data, p->chained.off, p->chained.size, &d);
    oi_cur c = oi_cur_make(d, 0, p->big);
    uint32_t version = oi_u32(&c);
    oi_u32(&c);                                  /* starts_offset */
    uint32_t imports_offset = oi_u32(&c);
    uint32_t symbols_offset = oi_u32(&c);
    uint32_t count = oi_u32(&c);
    uint32_t format = oi_u32(&c);
    uint32_t symbols_format = oi_u32(&c);
    if (!oi_ok(&c))
        return OI_ERROR(f, OI_TRUNCATED, p->chained.off, "macho/chained",
                        "dyld_chained_fixups_header truncated (data size 0x%x)", p->chained.size);
    if (version != 0)
        return OI_ERROR(f, OI_UNSUPPORTED, p->chained.off, "macho/chained",
                        "fixups_version %u (only 0 is defined)", version);
    if (symbols_format != DYLD_CHAINED_SYMBOL_UNCOMPRESSED)
        return OI_ERROR(f, OI_UNSUPPORTED, p->chained.off, "macho/chained",
                        "symbols_format %u (zlib-compressed names are not supported)",
                        symbols_format);
    uint32_t esize = format == DYLD_CHAINED_IMPORT ? 4
                   : format == DYLD_CHAINED_IMPORT_ADDEND ? 8
                   : format == DYLD_CHAINED_IMPORT_ADDEND64 ? 16 : 0;
    if (!esize)
        return OI_ERROR(f, OI_UNSUPPORTED, p->chained.off, "macho/chained",
                        "unknown imports_format %u", format);
    oi_view table, pool;
    if (!oi_view_array(d, imports_offset, count, esize, &table))
        return OI_ERROR(f, OI_TRUNCATED, p->chained.off, "macho/chained",
                        "imports table (offset 0x%x, %u entries of %u bytes) runs past the "
                        "fixups data (size 0x%x)", imports_offset, count, esize, p->chained.size);
    if (!oi_view_tail(d, symbols_offset, &pool))
        return OI_ERROR(f, OI_TRUNCATED, p->chained.off, "macho/chained",
                        "symbols_offset 0x%x past the fixups data (size 0x%x)", symbols_offset,
                        p->chained.size);
    if (!oi_model_reserve(f, OI_T_IMPORTS, count))
        return OI_NOMEM;
    oi_cur t = oi_cur_make(table, 0, p->big);
    for (uint32_t i = 0; i < count; i++) {
        int64_t ord;
        bool weak;
        uint32_t name_off;
        if (format == DYLD_CHAINED_IMPORT_ADDEND64) {
            uint64_t raw = oi_u64(&t);
            oi_u64(&t);                          /* addend */
            uint32_t o = raw & 0xffff;
            ord = o >= 0xfff0 ? (int16_t)o : (int64_t)o;
            weak = (raw >> 16) & 1;
            name_off = (uint32_t)(raw >> 32);
        } else {
            uint32_t raw = oi_u32(&t);
            if (format == DYLD_CHAINED_IMPORT_ADDEND)
                oi_u32(&t);                      /* addend */
            uint32_t o = raw & 0xff;
            ord = o >= 0xf0 ? (int8_t)o : (int64_t)o;
            weak = (raw >> 8) & 1;
            name_off = raw >> 9;
        }
        const char *name = oi_view_cstr(pool, name_off);
        if (!name) {
            OI_ERROR(f, OI_MALFORMED, p->chained.off + imports_offset + (uint64_t)i * esize,
                     "macho/chained", "import %u: name offset 0x%x outside the symbol pool "
                     "(size 0x%zx)", i, name_off, pool.n);
            continue;
        }
        oi_status st = macho_add_import(f, set, name, ord, weak, MACHO_IMP_CHAINED);
        if (st != OI_OK)
            return st;
    }
    return OI_OK;
}
