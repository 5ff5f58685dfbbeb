/*
 * PE exports: the export directory, its three tables (the export address
 * table, the name pointer table and the ordinal table), forwarders and the
 * sortedness the Windows loader's binary search relies on.
 *
 * The table lists named exports in name-table order (the order the loader
 * searches), then the exports with no name (NONAME) by ordinal. An empty
 * slot of the address table (RVA 0) is not an export. Names point into the
 * mapping; nothing is allocated per export but a forwarder's library name.
 */
#include "pe_internal.h"

#include <string.h>

bool pe_export_dir(oi_file *f)
{
    pe_priv *p = pe_p(f);
    if (p->exp_read)
        return p->exp_ok;
    p->exp_read = true;
    p->exp.sorted = -1;
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_EXPORT);
    if (!d || p->kind != PE_KIND_IMAGE)
        return false;
    oi_view v;
    if (!pe_rva_array(f, d->rva, 1, IMAGE_SIZEOF_EXPORT_DIRECTORY, NULL, &v)) {
        OI_ERROR_NOOFF(f, OI_TRUNCATED, "pe/exports",
                       "export directory at RVA 0x%x is not in the file", d->rva);
        return false;
    }
    oi_cur c = oi_cur_make(v, 12, false);
    uint32_t name = oi_u32(&c);
    p->exp.base = oi_u32(&c);
    p->exp.nfuncs = oi_u32(&c);
    p->exp.nnames = oi_u32(&c);
    uint32_t eat = oi_u32(&c), names = oi_u32(&c), ords = oi_u32(&c);
    uint64_t at = oi_file_off(f, v.p);
    if (name)
        p->exp.dll_name = pe_rva_cstr(f, name, NULL);
    /* each table must lie in the file: that caps every count by the file size */
    if (p->exp.nfuncs && !pe_rva_array(f, eat, p->exp.nfuncs, 4, NULL, &p->exp.eat)) {
        OI_ERROR(f, OI_TRUNCATED, at, "pe/exports",
                 "export address table of %u entries at RVA 0x%x is not in the file",
                 p->exp.nfuncs, eat);
        return false;
    }
    if (p->exp.nnames && (!pe_rva_array(f, names, p->exp.nnames, 4, NULL, &p->exp.names) ||
                          !pe_rva_array(f, ords, p->exp.nnames, 2, NULL, &p->exp.ords))) {
        OI_ERROR(f, OI_TRUNCATED, at, "pe/exports",
                 "name pointer or ordinal table of %u entries (RVA 0x%x, 0x%x) is not in the file",
                 p->exp.nnames, names, ords);
        p->exp.nnames = 0;
        p->exp.names = p->exp.ords = (oi_view){ NULL, 0 };
    }
    p->exp_ok = true;
    return true;
}

/* The forwarder "LIB.name" or "LIB.#N" split at its first dot, as the
 * loader splits it. The library keeps its spelling; the loader appends
 * ".dll". A run of forwarders to one library shares one copy of its name. */
static void split_forwarder(oi_file *f, oi_export *e, const char *fwd, pe_fwd_cache *fc)
{
    e->forwarder = fwd;
    const char *dot = strchr(fwd, '.');
    if (!dot || dot == fwd) {
        OI_WARN_NOOFF(f, OI_MALFORMED, "pe/exports",
                      "forwarder '%.64s' has no 'library.name' form", fwd);
        return;
    }
    size_t n = (size_t)(dot - fwd);
    if (fc && fc->lib && fc->len == n && memcmp(fc->lib, fwd, n) == 0) {
        e->fwd_library = fc->lib;
    } else {
        e->fwd_library = oi_arena_strndup(f->mem, fwd, n);
        if (fc) {
            fc->lib = e->fwd_library;
            fc->len = n;
        }
    }
    const char *rest = dot + 1;
    if (rest[0] == '#' && rest[1] >= '0' && rest[1] <= '9') {
        int64_t v = 0;
        const char *q = rest + 1;
        while (*q >= '0' && *q <= '9' && v <= 0xffffffffll)
            v = v * 10 + (*q++ - '0');
        if (*q == 0 && v <= 0xffff) {
            e->fwd_ordinal = v;
            return;
        }
    }
    e->fwd_name = rest;
}

bool pe_export_slot(oi_file *f, uint32_t index, pe_map_hint *hint, pe_fwd_cache *fc,
                    oi_export *e)
{
    pe_priv *p = pe_p(f);
    if (index >= p->exp.nfuncs)     /* an index from the file: not a slot */
        return false;
    uint32_t rva = oi_get32(p->exp.eat.p + (size_t)index * 4, false);
    if (rva == 0)
        return false;
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_EXPORT);
    e->ordinal = (int64_t)p->exp.base + index;
    e->address = rva;
    e->binding = OI_BIND_GLOBAL;
    e->visibility = OI_VIS_DEFAULT;
    e->raw.a = (uint32_t)e->ordinal;
    /* an RVA inside the export directory is a forwarder string */
    if (d && rva >= d->rva && rva - d->rva < d->size) {
        e->target = OI_TARGET_REEXPORT;
        e->kind = OI_KIND_NOTYPE;
        const char *fwd = pe_rva_cstr(f, rva, NULL);
        if (!fwd) {
            OI_WARN(f, OI_MALFORMED, pe_rva_offset(f, rva), "pe/exports",
                    "forwarder string of ordinal %lld at RVA 0x%x is not NUL-terminated in the file",
                    (long long)e->ordinal, rva);
            e->forwarder = "<?>";
        } else {
            split_forwarder(f, e, fwd, fc);
        }
        return true;
    }
    e->target = OI_TARGET_ADDRESS;
    /* PE keeps no symbol type: code is what lies in an executable section */
    if (pe_rva_is_code(p, rva, hint)) {
        e->kind = OI_KIND_FUNC;
    } else {
        e->kind = OI_KIND_DATA;
        e->raw.c = 1;
    }
    return true;
}

uint32_t pe_name_of_slot(oi_file *f, uint32_t index)
{
    pe_priv *p = pe_p(f);
    if (!p->exp.slot_name && p->exp.nfuncs) {
        uint32_t *m = oi_arena_array(f->mem, p->exp.nfuncs, sizeof *m);
        if (!m)
            return UINT32_MAX;
        memset(m, 0xff, (size_t)p->exp.nfuncs * sizeof *m);
        for (uint32_t i = p->exp.nnames; i-- > 0;) {   /* backwards: the first name wins */
            uint16_t k = oi_get16(p->exp.ords.p + (size_t)i * 2, false);
            if (k < p->exp.nfuncs)
                m[k] = i;
        }
        p->exp.slot_name = m;
    }
    return p->exp.slot_name && index < p->exp.nfuncs ? p->exp.slot_name[index] : UINT32_MAX;
}

oi_status pe_build_exports(oi_file *f)
{
    pe_priv *p = pe_p(f);
    if (!pe_export_dir(f))
        return OI_OK;
    uint32_t nf = p->exp.nfuncs, nn = p->exp.nnames;
    /* which address-table slots have a name (also the lookups' reverse index) */
    pe_name_of_slot(f, 0);
    if (nf && !p->exp.slot_name)
        return OI_NOMEM;
    if (!oi_model_reserve(f, OI_T_EXPORTS, nn))
        return OI_NOMEM;
    pe_map_hint name_hint = { 0 }, code_hint = { 0 };
    pe_fwd_cache fc = { NULL, 0 };
    const char *prev = NULL;
    uint32_t unsorted = 0, first_bad = 0, dups = 0;
    bool self_forwarders = false;
    for (uint32_t i = 0; i < nn; i++) {
        uint32_t name_rva = oi_get32(p->exp.names.p + (size_t)i * 4, false);
        uint16_t idx = oi_get16(p->exp.ords.p + (size_t)i * 2, false);
        const char *name = pe_rva_cstr(f, name_rva, &name_hint);
        if (!name)
            OI_WARN(f, OI_MALFORMED, oi_file_off(f, p->exp.names.p) + (uint64_t)i * 4,
                    "pe/exports", "export name %u at RVA 0x%x is not a string in the file",
                    i, name_rva);
        else if (prev) {
            int cmp = strcmp(prev, name);
            if (cmp > 0 && unsorted++ == 0)
                first_bad = i;
            else if (cmp == 0 && dups++ == 0)
                OI_WARN(f, OI_MALFORMED, oi_file_off(f, p->exp.names.p) + (uint64_t)i * 4,
                        "pe/exports", "the name '%.64s' appears twice in the name pointer table",
                        name);
        }
        if (name)
            prev = name;
        if (idx >= nf) {
            OI_WARN(f, OI_MALFORMED, oi_file_off(f, p->exp.ords.p) + (uint64_t)i * 2,
                    "pe/exports", "name '%.64s' has ordinal index %u, past the %u-entry address table",
                    name ? name : "<?>", idx, nf);
            continue;
        }
        oi_export *e = oi_model_export(f);
        if (!e)
            return OI_NOMEM;
        if (!pe_export_slot(f, idx, &code_hint, &fc, e)) {
            OI_WARN(f, OI_MALFORMED, oi_file_off(f, p->exp.eat.p) + (uint64_t)idx * 4,
                    "pe/exports", "name '%.64s' points to an empty address-table slot (ordinal %lld)",
                    name ? name : "<?>", (long long)p->exp.base + idx);
            f->t[OI_T_EXPORTS].vec.n--;
            continue;
        }
        e->name = name ? name : "<?>";
        e->raw.b = i;
        if (e->target == OI_TARGET_REEXPORT && !self_forwarders)
            self_forwarders = pe_forwards_to_self(f, e->fwd_library);
    }
    p->exp.sorted = unsorted == 0;
    /* forwarders back into this DLL can loop without any other file: they
     * are followed after the names are read (their warnings come after the
     * name table's), from the tables again rather than from the exports
     * made, which may have streamed away (oi_exports_each) */
    for (uint32_t i = 0; self_forwarders && i < nn; i++) {
        uint16_t idx = oi_get16(p->exp.ords.p + (size_t)i * 2, false);
        if (idx >= nf)
            continue;
        uint32_t rva = oi_get32(p->exp.eat.p + (size_t)idx * 4, false);
        const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_EXPORT);
        if (!rva || !d || rva < d->rva || rva - d->rva >= d->size)
            continue;   /* not a forwarder */
        oi_export e = { .ordinal = -1, .fwd_ordinal = -1, .callconv_argbytes = -1 };
        pe_export_slot(f, idx, NULL, NULL, &e);
        const char *name = pe_rva_cstr(f, oi_get32(p->exp.names.p + (size_t)i * 4, false), NULL);
        e.name = name ? name : "<?>";
        e.raw.b = i;
        if (pe_forwards_to_self(f, e.fwd_library))
            pe_follow_local(f, &e, NULL, NULL, true);
    }
    if (unsorted) {
        const char *a = pe_rva_cstr(f, oi_get32(p->exp.names.p + (size_t)(first_bad - 1) * 4, false), NULL);
        const char *b = pe_rva_cstr(f, oi_get32(p->exp.names.p + (size_t)first_bad * 4, false), NULL);
        OI_WARN(f, OI_MALFORMED, oi_file_off(f, p->exp.names.p) + (uint64_t)first_bad * 4,
                "pe/exports", "the export name pointer table is not sorted (%u places; first: "
                "'%.64s' at index %u comes after '%.64s'): the Windows loader's binary search "
                "can miss names", unsorted, b ? b : "<?>", first_bad, a ? a : "<?>");
    }
    /* exports by ordinal only */
    uint32_t unnamed = 0;
    for (uint32_t k = 0; k < nf; k++)
        unnamed += p->exp.slot_name[k] == UINT32_MAX && oi_get32(p->exp.eat.p + (size_t)k * 4, false);
    if (!oi_model_reserve(f, OI_T_EXPORTS, unnamed))
        return OI_NOMEM;
    for (uint32_t k = 0; k < nf; k++) {
        if (p->exp.slot_name[k] != UINT32_MAX)
            continue;
        if (oi_get32(p->exp.eat.p + (size_t)k * 4, false) == 0)
            continue;
        oi_export *e = oi_model_export(f);
        if (!e)
            return OI_NOMEM;
        pe_export_slot(f, k, &code_hint, &fc, e);
        e->raw.b = UINT32_MAX;
    }
    return OI_OK;
}
