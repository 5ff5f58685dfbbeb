/*
 * Mach-O exports: the exports trie of LC_DYLD_INFO(_ONLY) or
 * LC_DYLD_EXPORTS_TRIE, or, when the file has neither, its external defined
 * nlist symbols.
 *
 * The trie is hostile input, so it gets one full validation walk before use
 * (as dyld's valid() does): every uleb128 is bounded by the trie, every
 * terminal's information lies inside its declared size, every edge label
 * ends in NUL inside the trie and is not empty (an empty label could loop),
 * every child offset lies inside the trie, a node reached twice is a cycle
 * (a bitmap of visited node offsets), and the depth is capped. The walk is
 * iterative, with an explicit stack of bounded depth, so no recursion goes
 * as deep as the file says.
 *
 * Building the table walks the trie a second time with the same checks and
 * writes every name into one arena buffer whose size the first walk
 * measured: one allocation for all names, none per node.
 */
#include "macho_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Edges on one path from the root. Real tries stay far below (a branch
 * needs a distinct prefix); each level costs 16 bytes of C stack. */
#define TRIE_MAX_DEPTH 512

typedef struct trie_frame {
    uint32_t node;          /* trie offset of the node */
    uint32_t next;          /* trie offset of its next unread edge */
    uint32_t name_len;      /* length of the name at this node */
    uint32_t left;          /* edges not read yet */
} trie_frame;

/* What a walk does at each export: count it (the validating walk), make
 * it (the building walk), or look it up in the nlist set (the exact
 * comparison, when the fingerprints differ). */
enum { WALK_MEASURE, WALK_EMIT, WALK_PROBE };

/* A fingerprint of a set of names: their count and two sums of 64-bit
 * hashes. */
typedef struct name_print {
    uint64_t n, s1, s2;
} name_print;

typedef struct trie_walk {
    oi_file *f;
    oi_view t;
    uint8_t *visited;       /* one bit per trie offset */
    char *scratch;          /* the current path (emit mode), max_name + 1 bytes */
    char *names;            /* emit mode: all names, back to back */
    uint64_t names_used, names_cap;
    macho_trie_stats st;
    bool trusted;           /* emit mode over a trie the first walk found valid */
    bool chunk_names;       /* streaming: names live until their chunk is handed over */
    struct nlist_set *nl;   /* probe mode: the nlist exports each trie export is looked up in */
    name_print print;       /* emit mode: of the exports that are not re-exports */
} trie_walk;

/* The trie and the external defined nlist symbols must name the same
 * exports. The building walk takes a fingerprint of the trie's names as it
 * makes the exports, one pass over the nlist symbols takes theirs, and when
 * the two are equal (as in every linker's output) the sets are equal: the
 * comparison then reads no name twice and keeps no table of names, so the
 * exports can stream (oi_exports_each). When they differ, an exact
 * comparison finds what is missing: a hash set of the nlist names, and a
 * walk that looks each trie export up in it. A fingerprint can only wrongly
 * say "equal" for two different sets with equal 128-bit sums of hashes;
 * `check` (consistency.macho-trie) compares the sets exactly in any case. */
typedef struct nlist_slot {
    const char *name;       /* NULL: empty */
    uint32_t idx;           /* nlist index */
    uint32_t tag;           /* the hash's high bits, to skip most strcmps */
} nlist_slot;

typedef struct nlist_set {
    size_t cap;             /* slots, a power of two */
    nlist_slot *slot;
    uint32_t *rep;          /* per nlist symbol: the first export of its name, or UINT32_MAX */
    uint8_t *seen;          /* per nlist symbol: a trie export has its name */
    const char **name;      /* per nlist symbol: its name if an export (into the file) */
    uint32_t nread;         /* nlist symbols read (the first unreadable one stops) */
    size_t nl_ext, only_trie;
    const char *first_trie;
} nlist_set;

static oi_status trie_error(trie_walk *w, oi_status code, uint64_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static oi_status trie_error(trie_walk *w, oi_status code, uint64_t at, const char *fmt, ...)
{
    macho_priv *p = macho_p(w->f);
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return OI_ERROR(w->f, code, p->trie_off + at, "macho/trie", "%s (trie size 0x%zx)", msg,
                    w->t.n);
}

/* Two 64-bit hashes of a name, eight bytes a step (after one strlen); the
 * first is the nlist set's. */
static uint64_t name_hash2(const char *s, uint64_t *second)
{
    size_t n = strlen(s);
    uint64_t h = 0x9e3779b97f4a7c15u ^ n, g = 0x6a09e667f3bcc909u ^ n;
    for (; n >= 8; n -= 8, s += 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
        g = (g + w) * 0xc2b2ae3d27d4eb4fu;
        g ^= g >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    g = (g + w) * 0x94d049bb133111ebu;
    if (second)
        *second = g ^ (g >> 31);
    return h ^ (h >> 29);
}

static size_t name_hash(const char *s)
{
    return (size_t)name_hash2(s, NULL);
}

static void print_add(name_print *np, const char *name)
{
    uint64_t g, h = name_hash2(name, &g);
    np->n++;
    np->s1 += h;
    np->s2 += g * (h | 1);   /* not linear in the hashes, like the first sum */
}

static void nlist_set_probe(oi_file *f, nlist_set *ns, const char *name, bool reexport);

/* Read the terminal information [at, at + size) of a node: does it fit
 * its size? When not, *bad_at is where the read ran out, from at. */
static bool read_terminal(oi_view trie, uint64_t at, uint64_t size, uint64_t *bad_at)
{
    oi_view term;
    *bad_at = 0;
    if (!oi_view_sub(trie, at, size, &term))
        return false;
    oi_cur c = oi_cur_make(term, 0, false);
    uint64_t flags = oi_uleb(&c);
    if (flags & EXPORT_SYMBOL_FLAGS_REEXPORT) {
        oi_uleb(&c);
        oi_take_cstr(&c);
    } else {
        oi_uleb(&c);
        if (flags & (EXPORT_SYMBOL_FLAGS_STUB_AND_RESOLVER | EXPORT_SYMBOL_FLAGS_STATIC_RESOLVER))
            oi_uleb(&c);
    }
    *bad_at = c.bad_at;
    return oi_ok(&c);
}

bool macho_trie_terminal_ok(oi_view trie, uint64_t at, uint64_t size)
{
    uint64_t bad_at;
    return read_terminal(trie, at, size, &bad_at);
}

/* Check the terminal information [at, at + size) of a node. */
static oi_status check_terminal(trie_walk *w, uint64_t at, uint64_t size)
{
    uint64_t bad_at;
    if (!read_terminal(w->t, at, size, &bad_at))
        return trie_error(w, OI_MALFORMED, at + bad_at,
                          "terminal at 0x%llx: export information overruns its size 0x%llx",
                          (unsigned long long)at, (unsigned long long)size);
    return OI_OK;
}

/* Enter the node at `off`: mark it visited, check its terminal, count or
 * emit its export, and fill the frame that will read its edges. */
static oi_status enter(trie_walk *w, uint32_t off, uint32_t name_len, int mode,
                       trie_frame *fr)
{
    /* a trusted walk follows the first walk, which saw every node once */
    if (!w->trusted) {
        if (w->visited[off >> 3] & (1u << (off & 7)))
            return trie_error(w, OI_CYCLE, off, "node 0x%x reached twice (a cycle)", off);
        w->visited[off >> 3] |= (uint8_t)(1u << (off & 7));
    }
    oi_cur c = oi_cur_make(w->t, off, false);
    uint64_t term = oi_uleb(&c);
    if (!oi_ok(&c))
        return trie_error(w, OI_MALFORMED, off, "node 0x%x: bad terminal size", off);
    uint64_t term_at = c.pos;
    if (term > oi_left(&c))
        return trie_error(w, OI_TRUNCATED, off,
                          "node 0x%x: terminal size 0x%llx runs past the trie", off,
                          (unsigned long long)term);
    oi_skip(&c, term);
    uint8_t nchild = oi_u8(&c);
    if (!oi_ok(&c))
        return trie_error(w, OI_TRUNCATED, off, "node 0x%x: child count past the trie", off);
    if (term) {
        oi_status st = w->trusted ? OI_OK : check_terminal(w, term_at, term);
        if (st != OI_OK)
            return st;
        if (mode == WALK_EMIT) {
            oi_export *e = oi_model_export(w->f);
            if (!e)
                return OI_NOMEM;
            /* a new chunk began: the last one, and its names, were handed over */
            if (w->chunk_names && w->f->t[OI_T_EXPORTS].vec.n == 1)
                w->names_used = 0;
            uint64_t need = (uint64_t)name_len + 1;
            /* the measuring walk stopped here too when the trie is damaged:
             * end quietly, its diagnostic already says why */
            if (need > w->names_cap - w->names_used) {
                w->f->t[OI_T_EXPORTS].vec.n--;
                return OI_LIMIT;
            }
            char *name = w->names + w->names_used;
            memcpy(name, w->scratch, name_len);
            name[name_len] = 0;
            w->names_used += need;
            macho_trie_terminal(w->f, off, name, e);
            if (e->target != OI_TARGET_REEXPORT)
                print_add(&w->print, name);
        } else if (mode == WALK_PROBE) {
            oi_cur tc = oi_cur_make(w->t, term_at, false);
            bool reexport = (oi_uleb(&tc) & EXPORT_SYMBOL_FLAGS_REEXPORT) != 0;
            w->scratch[name_len] = 0;
            nlist_set_probe(w->f, w->nl, w->scratch, reexport);
        } else {
            w->st.exports++;
            w->st.name_bytes += (uint64_t)name_len + 1;
            if (name_len > w->st.max_name)
                w->st.max_name = name_len;
        }
    }
    *fr = (trie_frame){ off, (uint32_t)c.pos, name_len, nchild };
    return OI_OK;
}

static oi_status walk(trie_walk *w, int mode)
{
    if (w->t.n == 0)
        return OI_OK;                   /* an empty trie exports nothing */
    if (w->t.n > UINT32_MAX)
        return trie_error(w, OI_LIMIT, 0, "trie larger than 4 GiB");
    trie_frame stack[TRIE_MAX_DEPTH];
    size_t depth = 0;
    /* oi_options.max_depth, within the stack's room */
    size_t limit = w->f->opt.max_depth < TRIE_MAX_DEPTH ? w->f->opt.max_depth : TRIE_MAX_DEPTH;
    oi_status st = enter(w, 0, 0, mode, &stack[depth++]);
    while (st == OI_OK && depth) {
        trie_frame *fr = &stack[depth - 1];
        if (fr->left == 0) {
            depth--;
            continue;
        }
        fr->left--;
        oi_cur c = oi_cur_make(w->t, fr->next, false);
        size_t label_at = c.pos, len = 0;
        /* the label's NUL, looked for inline: labels are a few bytes, a
         * memchr call per edge cost more than the scan */
        const char *label = (const char *)w->t.p + label_at;
        while (label_at + len < w->t.n && label[len])
            len++;
        if (label_at + len >= w->t.n)
            label = NULL;
        if (!label)
            return trie_error(w, OI_TRUNCATED, label_at,
                              "node 0x%x: edge label not NUL-terminated inside the trie",
                              fr->node);
        if (len == 0)
            return trie_error(w, OI_MALFORMED, label_at, "node 0x%x: empty edge label", fr->node);
        oi_seek(&c, label_at + len + 1);
        uint64_t child = oi_uleb(&c);
        if (!oi_ok(&c))
            return trie_error(w, OI_TRUNCATED, label_at, "node 0x%x: bad child offset", fr->node);
        if (child >= w->t.n)
            return trie_error(w, OI_MALFORMED, label_at,
                              "child offset 0x%llx out of range (node 0x%x)",
                              (unsigned long long)child, fr->node);
        fr->next = (uint32_t)c.pos;
        uint64_t name_len = (uint64_t)fr->name_len + len;
        if (name_len > w->t.n)   /* cannot happen in a tree: each byte is used once */
            return trie_error(w, OI_MALFORMED, label_at, "name longer than the trie");
        if (depth >= limit)
            return trie_error(w, OI_LIMIT, label_at, "trie deeper than %zu edges (oi_options.max_depth)",
                              limit);
        if (mode != WALK_MEASURE) {
            if (name_len > w->st.max_name)
                return OI_LIMIT;   /* as above: past where the measuring walk stopped */
            memcpy(w->scratch + fr->name_len, label, len);
        }
        st = enter(w, (uint32_t)child, (uint32_t)name_len, mode, &stack[depth]);
        depth++;
    }
    return st;
}

/* trusted: a walk over a trie already validated, which needs no visited
 * set (its pages were a tenth of a listing's page faults). */
static oi_status walk_init(oi_file *f, trie_walk *w, bool trusted)
{
    macho_priv *p = macho_p(f);
    memset(w, 0, sizeof *w);
    w->f = f;
    w->t = p->trie;
    w->trusted = trusted;
    if (trusted)
        return OI_OK;
    w->visited = oi_arena_calloc_charged(f->mem, p->trie.n / 8 + 1, 1);
    return w->visited ? OI_OK : OI_NOMEM;
}

/* Give the walk's visited set back (charged to max_alloc while it lived). */
static void walk_done(trie_walk *w)
{
    if (w->visited)
        oi_arena_free_charged(w->f->mem, w->visited, macho_p(w->f)->trie.n / 8 + 1);
    w->visited = NULL;
}

oi_status macho_trie_validate(oi_file *f)
{
    macho_priv *p = macho_p(f);
    if (p->tstat.state)
        return p->tstat.status;
    trie_walk w;
    oi_status st = walk_init(f, &w, false);
    if (st == OI_OK)
        st = walk(&w, WALK_MEASURE);
    walk_done(&w);
    p->tstat = w.st;
    p->tstat.state = st == OI_OK ? 1 : -1;
    p->tstat.status = st;
    return st;
}

void macho_trie_terminal(oi_file *f, size_t node, const char *name, oi_export *e)
{
    macho_priv *p = macho_p(f);
    oi_cur c = oi_cur_make(p->trie, node, false);
    oi_uleb(&c);                         /* terminal size: validated already */
    uint64_t flags = oi_uleb(&c);
    e->name = name;
    e->raw.a = (uint32_t)flags;
    e->weak = (flags & EXPORT_SYMBOL_FLAGS_WEAK_DEFINITION) != 0;
    e->binding = e->weak ? OI_BIND_WEAK : OI_BIND_GLOBAL;
    e->visibility = OI_VIS_DEFAULT;
    if (flags & EXPORT_SYMBOL_FLAGS_REEXPORT) {
        uint64_t ord = oi_uleb(&c);
        const char *imp = oi_take_cstr(&c);
        e->kind = OI_KIND_NOTYPE;
        e->target = OI_TARGET_REEXPORT;
        e->raw.c = (uint32_t)ord;
        e->fwd_library = macho_ordinal_library(p, (int64_t)ord);
        e->fwd_name = imp && *imp ? imp : name;
        e->forwarder = oi_arena_printf(f->mem, "%s:%s", e->fwd_library ? e->fwd_library : "?",
                                       e->fwd_name);
        if (!e->fwd_library || ord == 0)
            OI_WARN(f, OI_MALFORMED, p->trie_off + node, "macho/trie",
                    "re-export %s names library ordinal %llu, which is not a dylib", name,
                    (unsigned long long)ord);
        return;
    }
    uint64_t addr = oi_uleb(&c);
    switch (flags & EXPORT_SYMBOL_FLAGS_KIND_MASK) {
    case EXPORT_SYMBOL_FLAGS_KIND_ABSOLUTE:
        e->kind = OI_KIND_ABSOLUTE;
        e->target = OI_TARGET_ABSOLUTE;
        e->address = addr;
        break;
    case EXPORT_SYMBOL_FLAGS_KIND_THREAD_LOCAL:
        e->kind = OI_KIND_TLS;
        e->target = OI_TARGET_TLS;
        e->address = p->base + addr;
        break;
    case EXPORT_SYMBOL_FLAGS_KIND_REGULAR: {
        e->address = p->base + addr;
        const macho_section *s = macho_section_at(p, e->address);
        e->kind = !s ? OI_KIND_NOTYPE : macho_section_is_code(s) ? OI_KIND_FUNC : OI_KIND_DATA;
        e->target = OI_TARGET_ADDRESS;
        break;
    }
    default:
        e->kind = OI_KIND_OTHER;
        e->target = OI_TARGET_ADDRESS;
        e->address = p->base + addr;
        break;
    }
    if (flags & EXPORT_SYMBOL_FLAGS_STUB_AND_RESOLVER) {
        /* addr is the stub; the resolver function follows */
        uint64_t resolver = oi_uleb(&c);
        e->kind = OI_KIND_IFUNC;
        e->target = OI_TARGET_RESOLVER;
        e->raw.b = (uint32_t)resolver;
    }
}

/* ------------------------------------------------------------ nlist */

/* The set's arrays are charged to max_alloc while they live. */
static void nlist_set_free(oi_file *f, nlist_set *ns)
{
    size_t nsyms = macho_p(f)->nsyms;
    oi_arena_free_charged(f->mem, ns->slot, ns->cap * sizeof *ns->slot);
    oi_arena_free_charged(f->mem, ns->rep, nsyms * sizeof *ns->rep);
    oi_arena_free_charged(f->mem, ns->seen, nsyms);
    oi_arena_free_charged(f->mem, ns->name, nsyms * sizeof *ns->name);
    memset(ns, 0, sizeof *ns);
}

/* The set of the external defined nlist names; false when there is
 * nothing to compare (no symbol table) or no memory. */
static bool nlist_set_build(oi_file *f, nlist_set *ns)
{
    macho_priv *p = macho_p(f);
    memset(ns, 0, sizeof *ns);
    if (!p->has_symtab || !p->nsyms)
        return false;
    /* rep and name are written before they are read: not zeroed */
    ns->rep = oi_arena_realloc_charged(f->mem, NULL, 0, (size_t)p->nsyms * sizeof *ns->rep);
    ns->seen = oi_arena_calloc_charged(f->mem, p->nsyms, 1);
    ns->name = oi_arena_realloc_charged(f->mem, NULL, 0, (size_t)p->nsyms * sizeof *ns->name);
    if (!ns->rep || !ns->seen || !ns->name)
        goto fail;
    size_t next = 0;
    for (uint32_t i = 0; i < p->nsyms; i++) {
        macho_nlist nl;
        if (!macho_nlist_at(f, i, &nl))
            break;
        ns->nread = i + 1;
        ns->rep[i] = UINT32_MAX;
        ns->name[i] = macho_nlist_is_export(&nl) ? nl.name : NULL;
        if (ns->name[i])
            next++;
    }
    ns->cap = 16;
    while (ns->cap < next + next / 2 + 2)   /* at most two thirds full */
        ns->cap *= 2;
    ns->slot = oi_arena_calloc_charged(f->mem, ns->cap, sizeof *ns->slot);
    if (!ns->slot)
        goto fail;
    for (uint32_t i = 0; i < ns->nread; i++) {
        const char *nm = ns->name[i];
        if (!nm)
            continue;
        ns->nl_ext++;
        size_t hv = name_hash(nm), h = hv & (ns->cap - 1);
        uint32_t tag = (uint32_t)(hv >> 32);
        for (; ns->slot[h].name; h = (h + 1) & (ns->cap - 1))
            if (ns->slot[h].tag == tag && strcmp(ns->slot[h].name, nm) == 0)
                break;
        if (!ns->slot[h].name)
            ns->slot[h] = (nlist_slot){ nm, i, tag };
        ns->rep[i] = ns->slot[h].idx;   /* a repeated name counts with its first */
    }
    return true;
fail:
    nlist_set_free(f, ns);
    return false;
}

/* Find a trie export's name among the nlist names, and mark it seen. */
static void nlist_set_probe(oi_file *f, nlist_set *ns, const char *name, bool reexport)
{
    size_t hv = name_hash(name);
    uint32_t tag = (uint32_t)((uint64_t)hv >> 32);
    for (size_t h = hv & (ns->cap - 1); ns->slot[h].name; h = (h + 1) & (ns->cap - 1)) {
        if (ns->slot[h].tag == tag && strcmp(ns->slot[h].name, name) == 0) {
            ns->seen[ns->slot[h].idx] = 1;
            return;
        }
    }
    if (!reexport && ns->only_trie++ == 0)
        ns->first_trie = oi_arena_strdup(f->mem, name);
}

/* The fingerprint of the external defined nlist names (n = 0 when the
 * symbol table names none, which says nothing about exports). */
static name_print nlist_print(oi_file *f)
{
    macho_priv *p = macho_p(f);
    name_print np = { 0, 0, 0 };
    for (uint32_t i = 0; p->has_symtab && i < p->nsyms; i++) {
        macho_nlist nl;
        if (!macho_nlist_at(f, i, &nl))
            break;
        if (macho_nlist_is_export(&nl) && nl.name)
            print_add(&np, nl.name);
    }
    return np;
}

static void nlist_set_report(oi_file *f, const nlist_set *ns)
{
    if (ns->nl_ext == 0)
        return;   /* a stripped symbol table says nothing about exports */
    size_t only_nlist = 0;
    const char *first_nlist = NULL;
    for (uint32_t i = 0; i < ns->nread; i++) {
        if (ns->rep[i] == UINT32_MAX || ns->seen[ns->rep[i]])
            continue;
        if (only_nlist++ == 0)
            first_nlist = ns->name[i];
    }
    if (ns->only_trie)
        OI_WARN_NOOFF(f, OI_MALFORMED, "macho/exports",
                      "%zu trie exports have no external nlist symbol (first: %s)", ns->only_trie,
                      ns->first_trie ? ns->first_trie : "<?>");
    if (only_nlist)
        OI_WARN_NOOFF(f, OI_MALFORMED, "macho/exports",
                      "%zu external nlist symbols are not in the exports trie (first: %s)",
                      only_nlist, first_nlist);
}

static oi_status exports_from_nlist(oi_file *f)
{
    macho_priv *p = macho_p(f);
    if (!p->has_symtab)
        return OI_OK;
    uint32_t first = 0, count = p->nsyms;
    if (p->has_dysymtab && (uint64_t)p->iextdefsym + p->nextdefsym <= p->nsyms &&
        p->filetype != MH_OBJECT) {
        first = p->iextdefsym;
        count = p->nextdefsym;
    }
    if (!oi_model_reserve(f, OI_T_EXPORTS, count))
        return OI_NOMEM;
    for (uint32_t i = first; i - first < count; i++) {
        macho_nlist nl;
        if (!macho_nlist_at(f, i, &nl))
            break;
        if (!macho_nlist_is_export(&nl))
            continue;
        oi_export *e = oi_model_export(f);
        if (!e)
            return OI_NOMEM;
        macho_export_from_nlist(f, &nl, e);
    }
    return OI_OK;
}

oi_status macho_build_exports(oi_file *f)
{
    macho_priv *p = macho_p(f);
    if (!p->has_trie)
        return exports_from_nlist(f);
    oi_status vst = macho_trie_validate(f);
    if (vst != OI_OK && !f->opt.permissive)
        return vst;
    /* permissive: the second walk stops where the first failed, keeping
     * every export before the damage */
    trie_walk w;
    oi_status st = walk_init(f, &w, vst == OI_OK);
    if (st != OI_OK)
        return st;
    w.st.max_name = p->tstat.max_name;
    /* streaming over a valid trie: the names of one chunk at a time */
    w.chunk_names = w.trusted && f->xstream;
    w.names_cap = p->tstat.name_bytes;
    if (w.chunk_names && f->xstream->chunk * ((uint64_t)p->tstat.max_name + 1) < w.names_cap)
        w.names_cap = f->xstream->chunk * ((uint64_t)p->tstat.max_name + 1);
    w.scratch = oi_arena_alloc(f->mem, p->tstat.max_name + 1);
    w.names = !w.names_cap ? w.scratch
              : w.chunk_names ? oi_arena_realloc_charged(f->mem, NULL, 0, (size_t)w.names_cap)
                              : oi_arena_alloc(f->mem, w.names_cap);
    if (!w.scratch || !w.names || w.names_cap > SIZE_MAX) {
        if (w.chunk_names && w.names != w.scratch)
            oi_arena_free_charged(f->mem, w.names, (size_t)w.names_cap);
        walk_done(&w);
        return OI_ERROR_NOOFF(f, OI_LIMIT, "macho/trie",
                              "exports trie names need %llu bytes, over the memory cap",
                              (unsigned long long)w.names_cap);
    }
    if (!oi_model_reserve(f, OI_T_EXPORTS, p->tstat.exports)) {
        st = OI_NOMEM;
    } else {
        /* a repeat of the first walk's diagnostic is folded by oi_diag_add */
        st = walk(&w, WALK_EMIT);
    }
    if (st == OI_OK && w.trusted) {
        name_print np = nlist_print(f);
        nlist_set ns;
        if (np.n && (np.n != w.print.n || np.s1 != w.print.s1 || np.s2 != w.print.s2) &&
            nlist_set_build(f, &ns)) {
            w.nl = &ns;
            if (walk(&w, WALK_PROBE) == OI_OK)
                nlist_set_report(f, &ns);
            nlist_set_free(f, &ns);
        }
    }
    walk_done(&w);
    if (w.chunk_names && w.names != w.scratch) {
        /* the last chunk is handed over after this returns: its names must
         * live on, so they move to the arena (one chunk's worth) */
        char *keep = w.names_used ? oi_arena_alloc(f->mem, (size_t)w.names_used) : NULL;
        if (keep)
            memcpy(keep, w.names, (size_t)w.names_used);
        uintptr_t lo = (uintptr_t)w.names, hi = lo + (uintptr_t)w.names_used;
        oi_export *e = f->t[OI_T_EXPORTS].vec.items;
        for (size_t i = 0; i < f->t[OI_T_EXPORTS].vec.n; i++) {
            /* fwd_name may be the name itself (a re-export under its own name) */
            uintptr_t a = (uintptr_t)e[i].name, b = (uintptr_t)e[i].fwd_name;
            if (a >= lo && a < hi)
                e[i].name = keep ? keep + (a - lo) : "<?>";
            if (b >= lo && b < hi)
                e[i].fwd_name = keep ? keep + (b - lo) : "<?>";
        }
        oi_arena_free_charged(f->mem, w.names, (size_t)w.names_cap);
    }
    if (vst != OI_OK)
        return vst;
    return st;
}
