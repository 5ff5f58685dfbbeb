/*
 * PE imports: the import directory (one descriptor per DLL, each with its
 * import lookup table of thunks: by ordinal, or by hint/name) and the
 * delay-load directory, in both its forms (RVAs, or the old VAs of Visual
 * C++ 6). `needed` lists the DLLs of both kinds, the delay-loaded ones
 * marked. Names point into the mapping.
 */
#include "pe_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One DLL of either directory. */
typedef struct pe_desc {
    const char *dll;
    uint32_t thunks;          /* RVA of the lookup (or delay name) table */
    bool delay;
    bool va_form;             /* delay descriptor with VAs (Attributes bit 0 clear) */
    uint64_t at;              /* file offset of the descriptor, for messages */
} pe_desc;

typedef oi_status (*desc_fn)(oi_file *f, const pe_desc *d, void *ctx);

/* An RVA field of a descriptor, converting a VA in the old delay form. */
static bool field_rva(const pe_priv *p, bool va_form, uint32_t v, uint32_t *rva)
{
    if (!va_form) {
        *rva = v;
        return true;
    }
    return pe_va_to_rva(p, v, rva);
}

/* Walk the descriptors of the import (delay = false) or delay-load
 * directory, calling fn for each. The walk stops at the null descriptor, as
 * the loader does, and can never pass the end of the section's file data. */
static oi_status walk_descriptors(oi_file *f, bool delay, desc_fn fn, void *ctx)
{
    pe_priv *p = pe_p(f);
    const pe_dir *d = pe_dir_get(p, delay ? IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT
                                          : IMAGE_DIRECTORY_ENTRY_IMPORT);
    if (!d || p->kind != PE_KIND_IMAGE)
        return OI_OK;
    const char *where = delay ? "pe/delay-imports" : "pe/imports";
    size_t rec = delay ? IMAGE_SIZEOF_DELAYLOAD_DESCRIPTOR : IMAGE_SIZEOF_IMPORT_DESCRIPTOR;
    oi_view v;
    if (!pe_rva_view(f, d->rva, NULL, &v) || v.n < rec)
        return OI_ERROR_NOOFF(f, OI_TRUNCATED, where,
                              "%s directory at RVA 0x%x is not in the file",
                              delay ? "delay-load" : "import", d->rva);
    oi_cur c = oi_cur_make(v, 0, false);
    pe_map_hint hint = { 0 };
    for (;;) {
        uint64_t at = oi_file_off(f, v.p) + c.pos;
        pe_desc de = { .delay = delay, .at = at };
        uint32_t name, lookup, iat, attrs = 0;
        if (delay) {
            attrs = oi_u32(&c);
            name = oi_u32(&c);
            oi_skip(&c, 4);               /* ModuleHandleRVA */
            iat = oi_u32(&c);
            lookup = oi_u32(&c);          /* ImportNameTableRVA */
            oi_skip(&c, 12);              /* bound IAT, unload table, TimeDateStamp */
        } else {
            lookup = oi_u32(&c);          /* OriginalFirstThunk */
            oi_skip(&c, 8);               /* TimeDateStamp, ForwarderChain */
            name = oi_u32(&c);
            iat = oi_u32(&c);             /* FirstThunk */
        }
        if (!oi_ok(&c))
            return OI_WARN(f, OI_TRUNCATED, at, where,
                           "descriptor list runs past the section's data without a null entry");
        if (name == 0) {
            if (lookup || iat || attrs)
                OI_WARN(f, OI_MALFORMED, at, where,
                        "descriptor with no DLL name ends the list (the loader stops here)");
            return OI_OK;
        }
        de.va_form = delay && !(attrs & DLATTR_RVA);
        uint32_t name_rva = 0;
        if (field_rva(p, de.va_form, name, &name_rva))
            de.dll = pe_rva_cstr(f, name_rva, &hint);
        if (!de.dll) {
            OI_WARN(f, OI_MALFORMED, at, where, "DLL name at %s 0x%x is not a string in the file",
                    de.va_form ? "VA" : "RVA", name);
            de.dll = "<?>";
        }
        /* the loader reads names from the lookup table, or from the IAT when
         * an old linker left the lookup table out */
        uint32_t t = lookup ? lookup : iat;
        if (!field_rva(p, de.va_form, t, &de.thunks))
            de.thunks = 0;
        oi_status st = fn(f, &de, ctx);
        if (st != OI_OK)
            return st;
    }
}

/* ---------------------------------------------------------- imports */

static oi_status add_imports(oi_file *f, const pe_desc *d, void *ctx)
{
    (void)ctx;
    pe_priv *p = pe_p(f);
    const char *where = d->delay ? "pe/delay-imports" : "pe/imports";
    if (!d->thunks)
        return OI_OK;
    size_t w = p->is64 ? 8 : 4;
    oi_view v;
    if (!pe_rva_view(f, d->thunks, NULL, &v)) {
        OI_WARN(f, OI_TRUNCATED, d->at, where, "%s: lookup table at RVA 0x%x is not in the file",
                d->dll, d->thunks);
        return OI_OK;
    }
    /* count the thunks up to the null one, then reserve once */
    size_t n = 0;
    bool ended = false;
    for (; (n + 1) * w <= v.n; n++)
        if ((w == 8 ? oi_get64(v.p + n * 8, false) : oi_get32(v.p + n * 4, false)) == 0) {
            ended = true;
            break;
        }
    if (!ended)
        OI_WARN(f, OI_TRUNCATED, oi_file_off(f, v.p), where,
                "%s: lookup table has no null entry before the end of its section", d->dll);
    if (!oi_model_reserve(f, OI_T_IMPORTS, n))
        return OI_NOMEM;
    pe_map_hint hint = { 0 };
    for (size_t i = 0; i < n; i++) {
        uint64_t t = w == 8 ? oi_get64(v.p + i * 8, false) : oi_get32(v.p + i * 4, false);
        oi_import *im = oi_model_import(f);
        if (!im)
            return OI_NOMEM;
        im->library = d->dll;
        im->delay = d->delay;
        bool by_ord = w == 8 ? (t & IMAGE_ORDINAL_FLAG64) != 0 : (t & IMAGE_ORDINAL_FLAG32) != 0;
        if (by_ord) {
            im->ordinal = (int64_t)(t & 0xffff);
            im->raw.a = (uint32_t)im->ordinal;
            continue;
        }
        /* a hint/name RVA is the low 31 bits; the old delay form holds a VA */
        uint32_t rva = (uint32_t)(t & 0x7fffffffu);
        bool ok = d->va_form ? pe_va_to_rva(p, t, &rva) : true;
        oi_view hn;
        const char *name = NULL;
        if (ok && pe_rva_view(f, rva, &hint, &hn) && hn.n > 2) {
            im->hint = oi_get16(hn.p, false);
            im->raw.b = im->hint;
            name = oi_view_cstr(hn, 2);
        }
        if (!name) {
            OI_WARN(f, OI_MALFORMED, oi_file_off(f, v.p) + i * w, where,
                    "%s: import %zu: hint/name entry at 0x%llx is not in the file", d->dll, i,
                    (unsigned long long)t);
            name = "<?>";
        }
        im->name = name;
    }
    return OI_OK;
}

oi_status pe_build_imports(oi_file *f)
{
    oi_status st = walk_descriptors(f, false, add_imports, NULL);
    if (st == OI_NOMEM)
        return st;
    oi_status st2 = walk_descriptors(f, true, add_imports, NULL);
    return st2 == OI_NOMEM ? st2 : OI_OK;
}

/* ---------------------------------------------------------- needed */

/* The DLLs seen so far, for dropping a repeated descriptor: an open-
 * addressing set of indexes into the dependency table, keyed on the name
 * without case (Windows file names ignore case). */
typedef struct dep_set {
    uint32_t *slot;           /* index + 1, 0 = empty */
    size_t cap;
} dep_set;

static uint64_t hash_nocase(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)tolower((unsigned char)*s)) * 1099511628211ull;
    return h;
}

static oi_status add_dep(oi_file *f, const pe_desc *d, void *ctx)
{
    dep_set *set = ctx;
    oi_vec *deps = &f->t[OI_T_DEPS].vec;
    if (deps->n * 2 >= set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        uint32_t *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return OI_NOMEM;
        const oi_dependency *all = deps->items;
        for (size_t i = 0; i < deps->n; i++) {
            size_t h = (size_t)hash_nocase(all[i].name) & (cap - 1);
            while (ns[h])
                h = (h + 1) & (cap - 1);
            ns[h] = (uint32_t)i + 1;
        }
        free(set->slot);
        set->slot = ns;
        set->cap = cap;
    }
    oi_dep_kind kind = d->delay ? OI_DEP_DELAY : OI_DEP_NEEDED;
    size_t h = (size_t)hash_nocase(d->dll) & (set->cap - 1);
    for (; set->slot[h]; h = (h + 1) & (set->cap - 1)) {
        const oi_dependency *o = (const oi_dependency *)deps->items + set->slot[h] - 1;
        if (o->kind == kind && strcasecmp(o->name, d->dll) == 0)
            return OI_OK;
    }
    oi_dependency *dep = oi_model_dep(f);
    if (!dep)
        return OI_NOMEM;
    dep->name = d->dll;
    dep->kind = kind;
    set->slot[h] = (uint32_t)deps->n;
    return OI_OK;
}

oi_status pe_build_deps(oi_file *f)
{
    dep_set set = { NULL, 0 };
    oi_status st = walk_descriptors(f, false, add_dep, &set);
    if (st != OI_NOMEM)
        st = walk_descriptors(f, true, add_dep, &set);
    free(set.slot);
    return st == OI_NOMEM ? st : OI_OK;
}
