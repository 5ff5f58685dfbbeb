/*
 * Symbol versions (GNU extension to the gABI): versym, verdef, verneed.
 * libelf hands the chains back as raw bytes, so they are walked here with
 * the cursor, each step bounded by the declared count and by the bytes
 * present, offsets strictly increasing. The result is one table indexed by
 * version index, built once, so each symbol's version is an array lookup.
 */
#include "elf_internal.h"

#include <string.h>

#define VERDEF_SIZE 20
#define VERDAUX_SIZE 8
#define VERNEED_SIZE 16
#define VERNAUX_SIZE 16

int32_t oelf_versym(const oelf_priv *p, size_t i)
{
    if (i >= p->versym.n / 2)
        return -1;
    return oi_get16(p->versym.p + 2 * i, p->big);
}

const oelf_version *oelf_version_of(const oelf_priv *p, int32_t versym)
{
    if (versym < 0)
        return NULL;
    size_t idx = (size_t)versym & VERSYM_VERSION;
    if (idx <= VER_NDX_GLOBAL || idx >= p->nvers || !p->vers[idx].name)
        return NULL;
    return &p->vers[idx];
}

/* The version name at a string offset, or NULL (with a warning). */
static const char *ver_name(oi_file *f, uint64_t off, uint64_t at, const char *where)
{
    const char *s = oelf_str(oelf_p(f)->verstr, off);
    if (!s)
        OI_WARN(f, OI_MALFORMED, at, where,
                "version name offset %#llx is outside the string table",
                (unsigned long long)off);
    return s;
}

/* A cap on chain steps: the declared count, but never more entries than
 * the bytes could hold. */
static uint64_t step_cap(uint64_t declared, size_t bytes, size_t rec)
{
    uint64_t most = bytes / rec;
    return declared && declared < most ? declared : most;
}

/* Walk verdef. With fill, record names; otherwise find the highest index. */
static void walk_verdef(oi_file *f, bool fill, size_t *maxidx)
{
    oelf_priv *p = oelf_p(f);
    oi_view v = p->verdef;
    uint64_t cap = step_cap(p->verdefnum, v.n, VERDEF_SIZE);
    uint64_t off = 0;
    for (uint64_t k = 0; k < cap; k++) {
        oi_cur c = oi_cur_make(v, (size_t)off, p->big);
        uint16_t version = oi_u16(&c), flags = oi_u16(&c), ndx = oi_u16(&c);
        uint16_t cnt = oi_u16(&c);
        oi_u32(&c);   /* vd_hash */
        uint32_t aux = oi_u32(&c), next = oi_u32(&c);
        if (!oi_ok(&c)) {
            if (!fill)
                OI_WARN(f, OI_TRUNCATED, p->verdef_off + off, "elf/verdef",
                        "version definition %llu runs past its segment",
                        (unsigned long long)k);
            return;
        }
        if (version != 1 && !fill)
            OI_WARN(f, OI_MALFORMED, p->verdef_off + off, "elf/verdef",
                    "version definition %llu has vd_version %u (expected 1)",
                    (unsigned long long)k, version);
        size_t idx = ndx & VERSYM_VERSION;
        if (!fill) {
            if (idx > *maxidx)
                *maxidx = idx;
        } else if (cnt && idx < p->nvers) {
            /* the first aux entry names the version; later ones its parents */
            oi_cur a = oi_cur_make(v, (size_t)off, p->big);
            oi_seek(&a, off + aux);
            uint32_t name = oi_u32(&a);
            if (oi_ok(&a)) {
                oelf_version *e = &p->vers[idx];
                e->name = ver_name(f, name, p->verdef_off + off, "elf/verdef");
                e->flags = flags;
                e->defined = true;
                e->file = NULL;
            } else {
                OI_WARN(f, OI_TRUNCATED, p->verdef_off + off, "elf/verdef",
                        "version definition %llu: vd_aux %#x is outside its segment",
                        (unsigned long long)k, aux);
            }
        }
        if (next == 0)
            return;
        off += next;   /* strictly increasing: the walk always ends */
    }
}

static void walk_verneed(oi_file *f, bool fill, size_t *maxidx)
{
    oelf_priv *p = oelf_p(f);
    oi_view v = p->verneed;
    uint64_t cap = step_cap(p->verneednum, v.n, VERNEED_SIZE);
    uint64_t auxcap = v.n / VERNAUX_SIZE;
    uint64_t off = 0;
    for (uint64_t k = 0; k < cap; k++) {
        oi_cur c = oi_cur_make(v, (size_t)off, p->big);
        uint16_t version = oi_u16(&c), cnt = oi_u16(&c);
        uint32_t file = oi_u32(&c), aux = oi_u32(&c), next = oi_u32(&c);
        if (!oi_ok(&c)) {
            if (!fill)
                OI_WARN(f, OI_TRUNCATED, p->verneed_off + off, "elf/verneed",
                        "version dependency %llu runs past its segment",
                        (unsigned long long)k);
            return;
        }
        if (version != 1 && !fill)
            OI_WARN(f, OI_MALFORMED, p->verneed_off + off, "elf/verneed",
                    "version dependency %llu has vn_version %u (expected 1)",
                    (unsigned long long)k, version);
        const char *lib = fill ? ver_name(f, file, p->verneed_off + off, "elf/verneed") : NULL;
        uint64_t aoff = off + aux;
        for (uint64_t j = 0; j < cnt && j < auxcap; j++) {
            oi_cur a = oi_cur_make(v, 0, p->big);
            oi_seek(&a, aoff);
            oi_u32(&a);   /* vna_hash */
            uint16_t aflags = oi_u16(&a), other = oi_u16(&a);
            uint32_t name = oi_u32(&a), anext = oi_u32(&a);
            if (!oi_ok(&a)) {
                if (!fill)
                    OI_WARN(f, OI_TRUNCATED, p->verneed_off + aoff, "elf/verneed",
                            "version dependency %llu: entry %llu is outside its segment",
                            (unsigned long long)k, (unsigned long long)j);
                break;
            }
            size_t idx = other & VERSYM_VERSION;
            if (!fill) {
                if (idx > *maxidx)
                    *maxidx = idx;
            } else if (idx > VER_NDX_GLOBAL && idx < p->nvers) {
                oelf_version *e = &p->vers[idx];
                e->name = ver_name(f, name, p->verneed_off + aoff, "elf/verneed");
                e->flags = aflags;
                e->defined = false;
                e->file = lib;
            }
            if (anext == 0)
                break;
            aoff += anext;
        }
        if (next == 0)
            return;
        off += next;
    }
}

/* One warning for the first dynamic symbol whose version index names no
 * version (verdef and verneed do not define it): its version is lost. A
 * walk of every symbol, so only the builders that read them all ask for it
 * (oelf_load_dynsym_all), never a lookup. */
void oelf_check_versym(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    if (p->versym_checked)
        return;
    p->versym_checked = true;
    size_t n = p->versym.n / 2, bad = 0, first = 0;
    for (size_t i = 1; i < n; i++) {
        size_t idx = (size_t)oelf_versym(p, i) & VERSYM_VERSION;
        if (idx > VER_NDX_GLOBAL && (idx >= p->nvers || !p->vers[idx].name) && bad++ == 0)
            first = i;
    }
    if (bad)
        OI_WARN(f, OI_MALFORMED, p->verdef_off, "elf/versym",
                "%zu dynamic symbols have a version index that has no definition in verdef "
                "or verneed (first: symbol %zu, index %u); their version is unknown", bad, first,
                (unsigned)(oelf_versym(p, first) & VERSYM_VERSION));
}

oi_status oelf_load_versions(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    if (!p->verdef.n && !p->verneed.n)
        return OI_OK;
    size_t maxidx = 0;
    if (p->verdef.n)
        walk_verdef(f, false, &maxidx);
    if (p->verneed.n)
        walk_verneed(f, false, &maxidx);
    p->has_verdef = p->verdef.n > 0;
    if (maxidx == 0)
        return OI_OK;
    /* at most 0x8000 entries: a version index is 15 bits */
    p->vers = oi_arena_array(f->mem, maxidx + 1, sizeof *p->vers);
    if (!p->vers)
        return OI_NOMEM;
    p->nvers = maxidx + 1;
    if (p->verdef.n)
        walk_verdef(f, true, &maxidx);
    if (p->verneed.n)
        walk_verneed(f, true, &maxidx);
    return OI_OK;
}
