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
 * stops there; a GNU chain is a run of consecutive symbols. */
static uint32_t *reach_map(oi_file *f, bool gnu, size_t count)
{
    oelf_priv *p = oelf_p(f);
    uint32_t *map = malloc(count * sizeof *map);
    if (!map)
        return NULL;
    memset(map, 0xff, count * sizeof *map);
    size_t bad = 0;
    uint32_t first_bad = 0;
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
            if (!ended && !bad++)
                first_bad = b;
        }
    } else {
        const oelf_sysv_hash *h = &p->sysv;
        for (uint32_t b = 0; b < h->nbucket; b++) {
            size_t j = oelf_sysv_word(h, h->buckets, b, p->big);
            while (j != STN_UNDEF && j < count && j < h->nchain && map[j] == UINT32_MAX) {
                map[j] = b;
                j = oelf_sysv_word(h, h->chain, j, p->big);
            }
            if (j != STN_UNDEF && !bad++)
                first_bad = b;
        }
    }
    /* a chain that leaves the table, loops or runs into another bucket's:
     * a lookup that follows it reads what is not a symbol of that bucket */
    if (bad)
        OI_WARN(f, OI_MALFORMED, gnu ? p->gnu.offset : p->sysv.offset,
                gnu ? "elf/gnu-hash" : "elf/hash",
                "%zu chains (the first of bucket %u) leave the %zu dynamic symbols, loop or "
                "run into another bucket's chain", bad, first_bad, count);
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

/* Every export must be reachable through the hash table. */
static oi_status oelf_check_hash_table(oi_file *f, bool gnu, const oi_export *e, size_t n,
                                      const size_t *idx)
{
    oelf_priv *p = oelf_p(f);
    uint32_t *map = reach_map(f, gnu, p->dsym.count);
    if (!map)
        return OI_NOMEM;
    size_t bad = 0;
    const char *table = gnu ? "GNU" : "SysV";
    for (size_t k = 0; k < n; k++) {
        if (reached(p, gnu, map, e[k].name, idx[k]))
            continue;
        if (++bad <= 16)
            OI_WARN(f, OI_MALFORMED, gnu ? p->gnu.offset : p->sysv.offset,
                    gnu ? "elf/gnu-hash" : "elf/hash",
                    "export %s (dynamic symbol %zu) is not reachable through the %s hash "
                    "table: a loader using it cannot find it", e[k].name, idx[k], table);
    }
    free(map);
    if (bad > 16)
        OI_WARN_NOOFF(f, OI_MALFORMED, gnu ? "elf/gnu-hash" : "elf/hash",
                      "%zu exports in all are not reachable through the %s hash table", bad,
                      table);
    return OI_OK;
}

oi_status oelf_build_exports(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oi_status st = oelf_load_dynsym(f);
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
    /* the symbol index of each export, for the hash-table check */
    size_t *idx = NULL;
    bool check = dynamic && (p->gnu.present || p->sysv.present);
    if (check && !(idx = oi_arena_calloc_charged(f->mem, t->count, sizeof *idx)))
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
            oi_arena_free_charged(f->mem, idx, t->count * sizeof *idx);
            return OI_NOMEM;
        }
        if (check)
            idx[f->t[OI_T_EXPORTS].vec.n - 1] = i;
        oelf_fill_export(f, t, i, &s, shndx, dynamic, e);
    }
    const oi_export *ex = f->t[OI_T_EXPORTS].vec.items;
    size_t nex = f->t[OI_T_EXPORTS].vec.n;
    /* the table the loader uses: GNU when there is one (hashing every name
     * is most of the cost, so the SysV table beside it is not checked) */
    st = check ? oelf_check_hash_table(f, p->gnu.present, ex, nex, idx) : OI_OK;
    oi_arena_free_charged(f->mem, idx, t->count * sizeof *idx);
    return st;
}
