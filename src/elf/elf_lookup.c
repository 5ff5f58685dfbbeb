/*
 * Lookup the way glibc's dynamic loader does it (elf/dl-lookup.c,
 * do_lookup_x and check_match): the GNU hash table (Bloom filter, bucket,
 * chain) when there is one, else the SysV hash table, else, and only then,
 * a scan. The version rules are dlsym's (DL_LOOKUP_RETURN_NEWEST):
 *  - NAME@VER binds the definition of exactly that version, hidden or not;
 *  - NAME binds an unversioned definition (versym 0 or 1) at once, else the
 *    one non-hidden versioned definition; a hidden version (versym bit 15,
 *    "@") never binds, and two non-hidden ones are ambiguous: nothing binds.
 * With OI_LOOKUP_RELOCATION the version rules are those of a relocation
 * (check_match without DL_LOOKUP_RETURN_NEWEST):
 *  - NAME binds an unversioned definition or the oldest version (index 2,
 *    hidden or not) at once, else the one non-hidden later version;
 *  - NAME@VER also binds a non-hidden definition of no version (index 0 or 1).
 * With OI_LOOKUP_PLT_ADDRESS an undefined symbol that has a value (an
 * executable's canonical PLT entry) is a definition, as glibc treats it for
 * every relocation class but PLT.
 * Every step can be explained. No table is built: the walk reads the
 * file's own structures, and records nothing on the handle (a broken table
 * is reported once, by the export check in elf_exports.c), so lookups on a
 * handle after oi_load_all() only read.
 */
#include "elf_internal.h"

#include <stdio.h>
#include <string.h>

/* h = h * 33 + c over the name (the GNU hash, "djb2"), four bytes a step:
 * h * 33^4 + c0 * 33^3 + c1 * 33^2 + c2 * 33 + c3 has one multiply on the
 * dependency chain instead of four. The export check hashes every exported
 * name, so this is a third of what listing libLLVM's exports costs. A byte
 * is read only after the one before it was not the NUL. */
uint32_t oelf_gnu_hash_fn(const char *name)
{
    const unsigned char *s = (const unsigned char *)name;
    uint32_t h = 5381;
    for (;;) {
        uint32_t c0 = s[0], c1, c2, c3;
        if (!c0)
            return h;
        if (!(c1 = s[1]))
            return h * 33 + c0;
        if (!(c2 = s[2]))
            return h * 1089 + c0 * 33 + c1;
        if (!(c3 = s[3]))
            return h * 35937 + c0 * 1089 + c1 * 33 + c2;
        h = h * 1185921u + c0 * 35937u + c1 * 1089u + c2 * 33u + c3;
        s += 4;
    }
}

uint32_t oelf_sysv_hash_fn(const char *name)
{
    uint32_t h = 0;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        h = (h << 4) + *s;
        uint32_t g = h & 0xf0000000u;
        if (g)
            h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

static uint32_t word32(oi_view v, size_t i, bool big)
{
    return oi_get32(v.p + 4 * i, big);
}

/* The Bloom filter test of glibc (the index masked, as glibc does). */
static bool gnu_bloom_pass(const oelf_priv *p, uint32_t h, size_t *word_idx)
{
    const oelf_gnu_hash *g = &p->gnu;
    unsigned bits = p->is64 ? 64 : 32;
    size_t w = (h / bits) & (g->bloom_size - 1);
    if (w >= g->bloom_size)
        w %= g->bloom_size;
    uint64_t word = p->is64 ? oi_get64(g->bloom.p + 8 * w, p->big)
                            : oi_get32(g->bloom.p + 4 * w, p->big);
    /* glibc shifts an uint_fast32_t (64 bits on ELF64 hosts): a shift the
     * file sets past the word is taken modulo its width, as the shift
     * instruction does, never as C's undefined behaviour */
    uint64_t h2 = bits == 64 ? (uint64_t)h >> (g->bloom_shift & 63) : h >> (g->bloom_shift & 31);
    uint64_t mask = (uint64_t)1 << (h % bits) | (uint64_t)1 << (h2 % bits);
    *word_idx = w;
    return (word & mask) == mask;
}

bool oelf_hash_reaches_bloom(const oelf_priv *p, uint32_t h)
{
    size_t w;
    return gnu_bloom_pass(p, h, &w);
}

bool oelf_hash_reaches(const oelf_priv *p, bool gnu, const char *name, size_t i)
{
    if (gnu) {
        const oelf_gnu_hash *g = &p->gnu;
        uint32_t h = oelf_gnu_hash_fn(name);
        size_t w;
        if (i < g->symoffset || !gnu_bloom_pass(p, h, &w))
            return false;
        uint32_t start = word32(g->buckets, h % g->nbuckets, p->big);
        if (start < g->symoffset || start > i)
            return false;
        for (size_t j = start; j - g->symoffset < g->chain.n / 4; j++) {
            uint32_t hv = word32(g->chain, j - g->symoffset, p->big);
            if (j == i)
                return (hv | 1) == (h | 1);
            if (hv & 1)
                return false;
        }
        return false;
    }
    const oelf_sysv_hash *s = &p->sysv;
    uint32_t h = oelf_sysv_hash_fn(name);
    size_t j = oelf_sysv_word(s, s->buckets, h % s->nbucket, p->big);
    for (uint32_t steps = 0; j != STN_UNDEF && j < s->nchain && steps <= s->nchain; steps++) {
        if (j == i)
            return true;
        j = oelf_sysv_word(s, s->chain, j, p->big);
    }
    return false;
}

/* ------------------------------------------------------------ the walk */

typedef struct lookup {
    oi_file *f;
    oelf_priv *p;
    const char *name, *version;
    oi_explain_fn explain;
    void *ctx;
    unsigned flags;       /* OI_LOOKUP_* */
    bool done;            /* a definition was accepted: stop walking */
    size_t found;
    unsigned nversioned;  /* unversioned request: non-hidden versioned candidates */
    size_t versioned;
} lookup;

#define say(l, ...) oi_explain_step((l)->explain, (l)->ctx, __VA_ARGS__)

/* Consider dynamic symbol i, whose hash (if the table stores one) matched.
 * where says how the walk got here ("bucket 3, chain index 12"). */
static void candidate(lookup *l, size_t i, const char *where)
{
    oelf_priv *p = l->p;
    GElf_Sym s;
    uint32_t shndx;
    if (i >= p->dsym.count) {
        say(l, "%s: symbol %zu is past the end of the dynamic symbol table (%zu symbols)",
            where, i, p->dsym.count);
        return;
    }
    if (!oelf_sym_at(l->f, &p->dsym, i, &s, &shndx))
        return;
    const char *name = oelf_str(p->dsym.strtab, s.st_name);
    if (!name || strcmp(name, l->name) != 0) {
        /* a GNU chain entry got here by an equal hash; a SysV one by bucket */
        say(l, "%s: symbol %zu is %s (%s), next", where, i, name ? name : "<?>",
            l->p->gnu.present ? "same hash, other name" : "same bucket");
        return;
    }
    const char *why;
    /* a canonical PLT entry: undefined, but with the address of its stub */
    bool plt_entry = (l->flags & OI_LOOKUP_PLT_ADDRESS) && shndx == SHN_UNDEF && s.st_value;
    if (!oelf_sym_bindable(&s, plt_entry ? SHN_ABS : shndx, &why)) {
        say(l, "%s: symbol %zu %s: %s, skipped", where, i, name, why);
        return;
    }
    if (plt_entry)
        say(l, "%s: symbol %zu %s: undefined, but its value %#llx is a canonical PLT entry, "
            "which binds a relocation that is not a PLT slot", where, i, name,
            (unsigned long long)s.st_value);
    int32_t vs = oelf_versym(p, i);
    const oelf_version *v = oelf_version_of(p, vs);
    bool hidden = vs >= 0 && (vs & VERSYM_HIDDEN);
    bool reloc = l->flags & OI_LOOKUP_RELOCATION;
    if (l->version) {
        if (vs < 0) {
            say(l, "%s: symbol %zu %s: the file has no symbol versions, so the unversioned "
                "definition satisfies %s@%s", where, i, name, name, l->version);
        } else if (reloc && !hidden && (!v || (v->flags & VER_FLG_BASE))) {
            say(l, "%s: symbol %zu %s: a definition of no version binds the versioned "
                "reference %s@%s", where, i, name, name, l->version);
        } else if (!v || strcmp(v->name, l->version) != 0) {
            say(l, "%s: symbol %zu %s: version %s is not the requested %s, next", where, i,
                name, v ? v->name : "(none: unversioned)", l->version);
            return;
        } else {
            say(l, "%s: symbol %zu %s@%s%s: version matches%s", where, i, name,
                hidden ? "" : "@", v->name,
                hidden ? " (the version is hidden: only a versioned request binds it)" : "");
        }
        l->done = true;
        l->found = i;
        return;
    }
    if (reloc && vs >= 0 && (vs & VERSYM_VERSION) <= 2 && v) {
        say(l, "%s: symbol %zu %s@%s: index 2 is the oldest version, which an unversioned "
            "reference binds%s", where, i, name, v->name, hidden ? " (hidden or not)" : "");
        l->done = true;
        l->found = i;
        return;
    }
    if (!v) {
        say(l, "%s: symbol %zu %s: unversioned definition, binds", where, i, name);
        l->done = true;
        l->found = i;
        return;
    }
    if (hidden) {
        say(l, "%s: symbol %zu %s@%s: version %s is hidden, an unversioned request does "
            "not bind it, next", where, i, name, v->name, v->name);
        return;
    }
    say(l, "%s: symbol %zu %s%s%s: version %s is %s, candidate", where, i, name,
        v->defined ? "@@" : "@", v->name, v->name, v->defined ? "the default" : "not hidden");
    if (l->nversioned++ == 0)
        l->versioned = i;
}

/* After the walk: glibc's rule for an unversioned request. */
static bool finish(lookup *l)
{
    if (l->done)
        return true;
    if (!l->version && l->nversioned == 1) {
        l->found = l->versioned;
        say(l, "one non-hidden versioned definition: symbol %zu binds", l->found);
        return true;
    }
    if (!l->version && l->nversioned > 1)
        say(l, "%u non-hidden versioned definitions: ambiguous, the loader binds none",
            l->nversioned);
    return false;
}

static bool walk_gnu(lookup *l)
{
    oelf_priv *p = l->p;
    const oelf_gnu_hash *g = &p->gnu;
    uint32_t h = oelf_gnu_hash_fn(l->name);
    say(l, "GNU hash table (DT_GNU_HASH at file offset %#llx): %u buckets, symoffset %u, "
        "Bloom filter of %u words, shift %u", (unsigned long long)g->offset, g->nbuckets,
        g->symoffset, g->bloom_size, g->bloom_shift);
    size_t w;
    if (!gnu_bloom_pass(p, h, &w)) {
        say(l, "hash of %s is %#x: bloom filter rejected it (word %zu): not defined here",
            l->name, h, w);
        return false;
    }
    uint32_t b = h % g->nbuckets;
    uint32_t start = word32(g->buckets, b, p->big);
    say(l, "hash of %s is %#x: bloom filter passed (word %zu); bucket %u", l->name, h, w, b);
    if (start == 0) {
        say(l, "bucket %u is empty: not defined here", b);
        return false;
    }
    if (start < g->symoffset) {
        say(l, "bucket %u starts at symbol %u, below symoffset %u: the table is broken", b,
            start, g->symoffset);
        return false;
    }
    char where[64];
    size_t steps = 0;
    for (size_t i = start;; i++) {
        size_t ci = i - g->symoffset;
        if (i >= p->dsym.count) {
            say(l, "chain index %zu is past the %zu dynamic symbols: the chain has no end "
                "marker, the table is broken", ci, p->dsym.count);
            break;
        }
        if (ci >= g->chain.n / 4) {
            say(l, "chain index %zu is past the end of the table: the table is broken", ci);
            break;
        }
        uint32_t hv = word32(g->chain, ci, p->big);
        steps++;
        if ((hv | 1) == (h | 1)) {
            snprintf(where, sizeof where, "bucket %u, chain index %zu", b, ci);
            candidate(l, i, where);
            if (l->done)
                return true;
        }
        if (hv & 1)
            break;
    }
    say(l, "end of the chain of bucket %u after %zu entries", b, steps);
    return finish(l);
}

static bool walk_sysv(lookup *l)
{
    oelf_priv *p = l->p;
    const oelf_sysv_hash *s = &p->sysv;
    uint32_t h = oelf_sysv_hash_fn(l->name);
    uint32_t b = h % s->nbucket;
    say(l, "SysV hash table (DT_HASH at file offset %#llx): %u buckets, %u chain entries; "
        "hash of %s is %#x, bucket %u", (unsigned long long)s->offset, s->nbucket, s->nchain,
        l->name, h, b);
    size_t i = oelf_sysv_word(s, s->buckets, b, p->big);
    char where[64];
    uint32_t steps = 0;
    for (; i != STN_UNDEF; steps++) {
        if (i >= s->nchain || steps > s->nchain) {
            say(l, "the chain of bucket %u %s: the table is broken", b,
                i >= s->nchain ? "leaves the table" : "loops");
            break;
        }
        snprintf(where, sizeof where, "bucket %u, chain index %zu", b, i);
        candidate(l, i, where);
        if (l->done)
            return true;
        i = oelf_sysv_word(s, s->chain, i, p->big);
    }
    if (steps == 0)
        say(l, "bucket %u is empty: not defined here", b);
    else
        say(l, "end of the chain of bucket %u after %u entries", b, steps);
    return finish(l);
}

static bool walk_scan(lookup *l)
{
    oelf_priv *p = l->p;
    say(l, "no hash table (neither DT_GNU_HASH nor DT_HASH): scanning the %zu dynamic "
        "symbols", p->dsym.count);
    char where[64];
    for (size_t i = 1; i < p->dsym.count && !l->done; i++) {
        GElf_Sym s;
        uint32_t shndx;
        if (!oelf_sym_at(l->f, &p->dsym, i, &s, &shndx))
            continue;
        const char *name = oelf_str(p->dsym.strtab, s.st_name);
        if (!name || strcmp(name, l->name) != 0)
            continue;
        snprintf(where, sizeof where, "scan, symbol %zu", i);
        candidate(l, i, where);
    }
    return finish(l);
}

/* A relocatable object or static executable: its .symtab definitions. */
static bool walk_static(lookup *l, oi_lookup_result *res)
{
    oi_file *f = l->f;
    oelf_priv *p = l->p;
    oelf_load_symtab(f);
    const oelf_symtab *t = &p->ssym;
    say(l, "no dynamic symbol table: scanning the %zu entries of .symtab%s%s", t->count,
        p->debug_path ? " of " : "", p->debug_path ? p->debug_path : "");
    for (size_t i = 1; i < t->count; i++) {
        GElf_Sym s;
        uint32_t shndx;
        if (!oelf_sym_at(f, t, i, &s, &shndx))
            continue;
        const char *name = oelf_str(t->strtab, s.st_name);
        if (!name || strcmp(name, l->name) != 0)
            continue;
        unsigned bind = GELF_ST_BIND(s.st_info);
        if (shndx == SHN_UNDEF || bind == STB_LOCAL) {
            say(l, "symbol %zu %s: %s, skipped", i, name,
                shndx == SHN_UNDEF ? "undefined here" : "symbol is LOCAL");
            continue;
        }
        say(l, "symbol %zu %s: global definition", i, name);
        oelf_fill_export(f, t, i, &s, shndx, false, &res->exp);
        return true;
    }
    return false;
}

/* After a failed dynamic lookup, when explaining: what .symtab (or the
 * debug file's) says about the name, e.g. that it is LOCAL or hidden. */
static void explain_symtab(lookup *l)
{
    oelf_priv *p = l->p;
    oelf_load_symtab(l->f);
    const oelf_symtab *t = &p->ssym;
    for (size_t i = 1; i < t->count; i++) {
        GElf_Sym s;
        uint32_t shndx;
        if (!oelf_sym_at(l->f, t, i, &s, &shndx))
            continue;
        const char *name = oelf_str(t->strtab, s.st_name);
        if (!name || strcmp(name, l->name) != 0)
            continue;
        const char *why;
        if (oelf_sym_bindable(&s, shndx, &why))
            why = "a global definition the dynamic symbol table does not list";
        say(l, ".symtab%s%s has it (symbol %zu): %s", p->debug_path ? " of " : "",
            p->debug_path ? p->debug_path : "", i, why);
    }
}

oi_status oelf_lookup(oi_file *f, const char *name, const char *version,
                     oi_explain_fn explain, void *ctx, oi_lookup_result *res)
{
    return oelf_lookup_ex(f, name, version, 0, explain, ctx, res);
}

oi_status oelf_lookup_ex(oi_file *f, const char *name, const char *version, unsigned flags,
                        oi_explain_fn explain, void *ctx, oi_lookup_result *res)
{
    oelf_priv *p = oelf_p(f);
    oi_status st = oelf_load_dynsym(f);
    if (st != OI_OK)
        return st;
    lookup l = { .f = f, .p = p, .name = name, .version = version, .explain = explain,
                 .ctx = ctx, .flags = flags };
    bool ok;
    if (!oelf_exports_from_dynsym(f)) {
        res->path = "scan";
        ok = walk_static(&l, res);
        res->found = ok;
        if (!ok)
            say(&l, "%s: no global definition", name);
        return ok ? OI_OK : OI_NOTFOUND;
    }
    if (p->gnu.present) {
        res->path = "gnu-hash";
        ok = walk_gnu(&l);
    } else if (p->sysv.present) {
        res->path = "sysv-hash";
        ok = walk_sysv(&l);
    } else {
        res->path = "scan";
        ok = walk_scan(&l);
    }
    if (!ok) {
        say(&l, "%s%s%s: not found", name, version ? "@" : "", version ? version : "");
        if (explain)
            explain_symtab(&l);
        return OI_NOTFOUND;
    }
    GElf_Sym s;
    uint32_t shndx;
    if (!oelf_sym_at(f, &p->dsym, l.found, &s, &shndx))
        return OI_MALFORMED;
    oelf_fill_export(f, &p->dsym, l.found, &s, shndx, true, &res->exp);
    if (res->exp.kind == OI_KIND_IFUNC)
        say(&l, "IFUNC: the address is the resolver's; the loader calls it and binds the "
            "function it returns");
    res->found = true;
    return OI_OK;
}
