/*
 * Exports: for a file the loader maps, the dynamic symbols it can bind to
 * (defined; GLOBAL, WEAK or UNIQUE; DEFAULT or PROTECTED; a type glibc's
 * check_match accepts; a value). For a relocatable object or a static
 * executable, the global definitions of .symtab (what a static link can
 * use). Then the consistency check: each export must be reachable through
 * the file's own hash table, else the loader cannot find it.
 */
#include "elf_internal.h"

#include <stdlib.h>
#include <string.h>

bool oelf_exports_from_dynsym(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    return p->ehdr.e_type != ET_REL && p->dsym.count > 1;
}

/* PPC64: ELFv1 (e_flags 1, or 0 in a big-endian file) calls through a
 * function descriptor in .opd whose first doubleword is the code's entry;
 * ELFv2 encodes the local entry point's offset in st_other. */
static void oelf_ppc64_entry(oi_file *f, const GElf_Sym *s, oi_export *e)
{
    oelf_priv *p = oelf_p(f);
    unsigned abi = p->ehdr.e_flags & 3;
    if (abi == 2 || (abi == 0 && !p->big)) {
        unsigned v = (s->st_other & STO_PPC64_LOCAL_MASK) >> STO_PPC64_LOCAL_BIT;
        e->local_entry = ((1u << v) >> 2) << 2;
        return;
    }
    oi_view v;
    if (!p->nloads || !oelf_vaddr_view(f, s->st_value, &v))
        return;   /* an object: the descriptor is filled by relocations */
    oi_cur c = oi_cur_make(v, 0, p->big);
    uint64_t entry = oi_u64(&c);
    if (oi_ok(&c))
        e->code_address = entry;
}

void oelf_fill_export(oi_file *f, const oelf_symtab *t, size_t i, const GElf_Sym *s,
                     uint32_t shndx, bool dynamic, oi_export *e)
{
    oelf_priv *p = oelf_p(f);
    e->name = oelf_sym_name(f, t, s);
    e->address = s->st_value;
    e->size = s->st_size;
    e->kind = oelf_kind(s, shndx);
    e->binding = oelf_binding(s);
    e->visibility = oelf_visibility(s);
    e->weak = e->binding == OI_BIND_WEAK;
    switch (e->kind) {
    case OI_KIND_IFUNC: e->target = OI_TARGET_RESOLVER; break;
    case OI_KIND_TLS: e->target = OI_TARGET_TLS; break;
    case OI_KIND_ABSOLUTE: e->target = OI_TARGET_ABSOLUTE; break;
    default: e->target = OI_TARGET_ADDRESS; break;
    }
    e->raw = (oi_raw){ s->st_info, s->st_other, 0xffffffffu };
    if (p->ehdr.e_machine == EM_PPC64 && GELF_ST_TYPE(s->st_info) == STT_FUNC)
        oelf_ppc64_entry(f, s, e);
    if (dynamic) {
        int32_t vs = oelf_versym(p, i);
        const oelf_version *v = oelf_version_of(p, vs);
        if (vs >= 0)
            e->raw.c = (uint32_t)vs;
        if (v) {
            e->version = v->name;
            /* "@@" is a default definition; a verneed version on a
             * definition (a copy relocation) is a reference: "@" */
            e->version_default = v->defined && !(vs & VERSYM_HIDDEN);
        }
    }
}

/* A global definition of .symtab that a static link can bind to. */
static bool oelf_static_export(const GElf_Sym *s, uint32_t shndx)
{
    unsigned bind = GELF_ST_BIND(s->st_info), type = GELF_ST_TYPE(s->st_info);
    if (shndx == SHN_UNDEF)
        return false;
    if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
        return false;
    return type == STT_NOTYPE || type == STT_OBJECT || type == STT_FUNC ||
           type == STT_COMMON || type == STT_TLS || type == STT_GNU_IFUNC;
}

/* Which bucket reaches each dynamic symbol: one pass over the table's
 * chains (UINT32_MAX: none). A SysV chain that loops or leaves the table
 * stops there; a GNU chain is a run of consecutive symbols. *bad counts the
 * chains that leave the table, loop or run into another bucket's (the
 * first is bucket *first_bad); the caller reports them. */
static uint32_t *reach_map(oi_file *f, bool gnu, size_t count, size_t *bad, uint32_t *first_bad)
{
    oelf_priv *p = oelf_p(f);
    uint32_t *map = malloc(count * sizeof *map);
    if (!map)
        return NULL;
    memset(map, 0xff, count * sizeof *map);
    *bad = 0;
    *first_bad = 0;
    if (gnu) {
        const oelf_gnu_hash *g = &p->gnu;
        for (uint32_t b = 0; b < g->nbuckets; b++) {
            size_t j = oi_get32(g->buckets.p + 4 * (size_t)b, p->big);
            if (j == 0)
                continue;
            bool ended = false;
            for (; j >= g->symoffset && j < count && j - g->symoffset < g->chain.n / 4; j++) {
                if (map[j] != UINT32_MAX)
                    break;   /* two buckets claim one run */
                map[j] = b;
                if (oi_get32(g->chain.p + 4 * (j - g->symoffset), p->big) & 1) {
                    ended = true;
                    break;
                }
            }
            if (!ended && !(*bad)++)
                *first_bad = b;
        }
    } else {
        const oelf_sysv_hash *h = &p->sysv;
        for (uint32_t b = 0; b < h->nbucket; b++) {
            size_t j = oelf_sysv_word(h, h->buckets, b, p->big);
            while (j != STN_UNDEF && j < count && j < h->nchain && map[j] == UINT32_MAX) {
                map[j] = b;
                j = oelf_sysv_word(h, h->chain, j, p->big);
            }
            if (j != STN_UNDEF && !(*bad)++)
                *first_bad = b;
        }
    }
    return map;
}

/* Is export e (dynamic symbol i) found through the table, as the walk in
 * elf_lookup.c would find it: Bloom filter, the bucket of its hash, and
 * (GNU) the chain word's hash? */
static bool reached(const oelf_priv *p, bool gnu, const uint32_t *map, const char *name,
                    size_t i)
{
    if (map[i] == UINT32_MAX)
        return false;
    if (!gnu)
        return map[i] == oelf_sysv_hash_fn(name) % p->sysv.nbucket;
    uint32_t h = oelf_gnu_hash_fn(name);
    const oelf_gnu_hash *g = &p->gnu;
    uint32_t hv = oi_get32(g->chain.p + 4 * (i - g->symoffset), p->big);
    return map[i] == h % g->nbuckets && (hv | 1) == (h | 1) && oelf_hash_reaches_bloom(p, h);
}

/* The hash-table check, run beside the build: every export must be
 * reachable through the table the loader uses. Each export is checked as
 * it is made (so the exports can stream, see oi_exports_each), and what is
 * found is reported after the last one, in the order it always was: the
 * broken chains, then the first 16 unreachable exports, then the count. */
#define HASH_CHECK_NAMED 16
#define HASH_AHEAD 16
typedef struct hash_check {
    bool on, gnu;
    uint32_t *map;
    size_t bad_chains;
    uint32_t first_bad_chain;
    size_t bad;
    struct { const char *name; size_t sym; } first[HASH_CHECK_NAMED];
    struct { const char *name; size_t sym; } ahead[HASH_AHEAD];   /* made, not yet checked */
    size_t pending;
} hash_check;

static void hash_check_one(const oelf_priv *p, hash_check *hc, const char *name, size_t i)
{
    if (reached(p, hc->gnu, hc->map, name, i))
        return;
    if (hc->bad < HASH_CHECK_NAMED) {
        hc->first[hc->bad].name = name;
        hc->first[hc->bad].sym = i;
    }
    hc->bad++;
}

/* The names of the dynamic symbols lie in .dynstr in another order than
 * the symbols (GNU ld sorts .dynsym by hash bucket), so hashing each name
 * as it comes waits for a cache miss per export (libLLVM: 45k misses, two
 * thirds of the listing's time). Each name is prefetched when its export is
 * made and hashed HASH_AHEAD exports later, by which time it has arrived;
 * the checks still run in export order. */
static void hash_check_later(const oelf_priv *p, hash_check *hc, const char *name, size_t i)
{
#if defined(__GNUC__)
    __builtin_prefetch(name);
#endif
    size_t slot = hc->pending % HASH_AHEAD;
    if (hc->pending >= HASH_AHEAD)
        hash_check_one(p, hc, hc->ahead[slot].name, hc->ahead[slot].sym);
    hc->ahead[slot].name = name;
    hc->ahead[slot].sym = i;
    hc->pending++;
}

static void hash_check_drain(const oelf_priv *p, hash_check *hc)
{
    size_t from = hc->pending > HASH_AHEAD ? hc->pending - HASH_AHEAD : 0;
    for (size_t k = from; k < hc->pending; k++)
        hash_check_one(p, hc, hc->ahead[k % HASH_AHEAD].name, hc->ahead[k % HASH_AHEAD].sym);
    hc->pending = 0;
}

static void hash_check_report(oi_file *f, hash_check *hc)
{
    oelf_priv *p = oelf_p(f);
    bool gnu = hc->gnu;
    const char *table = gnu ? "GNU" : "SysV";
    /* a chain that leaves the table, loops or runs into another bucket's:
     * a lookup that follows it reads what is not a symbol of that bucket */
    if (hc->bad_chains)
        OI_WARN(f, OI_MALFORMED, gnu ? p->gnu.offset : p->sysv.offset,
                gnu ? "elf/gnu-hash" : "elf/hash",
                "%zu chains (the first of bucket %u) leave the %zu dynamic symbols, loop or "
                "run into another bucket's chain", hc->bad_chains, hc->first_bad_chain,
                p->dsym.count);
    for (size_t k = 0; k < hc->bad && k < HASH_CHECK_NAMED; k++)
        OI_WARN(f, OI_MALFORMED, gnu ? p->gnu.offset : p->sysv.offset,
                gnu ? "elf/gnu-hash" : "elf/hash",
                "export %s (dynamic symbol %zu) is not reachable through the %s hash "
                "table: a loader using it cannot find it", hc->first[k].name,
                hc->first[k].sym, table);
    if (hc->bad > HASH_CHECK_NAMED)
        OI_WARN_NOOFF(f, OI_MALFORMED, gnu ? "elf/gnu-hash" : "elf/hash",
                      "%zu exports in all are not reachable through the %s hash table", hc->bad,
                      table);
}

oi_status oelf_build_exports(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oi_status st = oelf_load_dynsym_all(f);
    if (st != OI_OK)
        return st;
    bool dynamic = oelf_exports_from_dynsym(f);
    if (!dynamic)
        oelf_load_symtab(f);
    const oelf_symtab *t = dynamic ? &p->dsym : &p->ssym;
    if (!t->count)
        return OI_OK;
    if (!oi_model_reserve(f, OI_T_EXPORTS, t->count))
        return OI_NOMEM;
    /* the table the loader uses: GNU when there is one (hashing every name
     * is most of the cost, so the SysV table beside it is not checked) */
    hash_check hc = { .on = dynamic && (p->gnu.present || p->sysv.present), .gnu = p->gnu.present };
    if (hc.on && !(hc.map = reach_map(f, hc.gnu, p->dsym.count, &hc.bad_chains,
                                      &hc.first_bad_chain)))
        return OI_NOMEM;
    for (size_t i = 1; i < t->count; i++) {
        GElf_Sym s;
        uint32_t shndx;
        if (!oelf_sym_at(f, t, i, &s, &shndx))
            continue;
        if (dynamic ? !oelf_sym_bindable(&s, shndx, NULL) : !oelf_static_export(&s, shndx))
            continue;
        oi_export *e = oi_model_export(f);
        if (!e) {
            free(hc.map);
            return OI_NOMEM;
        }
        oelf_fill_export(f, t, i, &s, shndx, dynamic, e);
        if (hc.on)
            hash_check_later(p, &hc, e->name, i);
    }
    if (hc.on) {
        hash_check_drain(p, &hc);
        hash_check_report(f, &hc);
    }
    free(hc.map);
    return OI_OK;
}
