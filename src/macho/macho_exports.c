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

typedef struct trie_walk {
    oi_file *f;
    oi_view t;
    uint8_t *visited;       /* one bit per trie offset */
    char *scratch;          /* the current path (emit mode), max_name + 1 bytes */
    char *names;            /* emit mode: all names, back to back */
    uint64_t names_used, names_cap;
    macho_trie_stats st;
} trie_walk;

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

static size_t name_hash(const char *s)
{
    size_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Check the terminal information [at, at + size) of a node. */
static oi_status check_terminal(trie_walk *w, uint64_t at, uint64_t size)
{
    oi_view term;
    oi_view_sub(w->t, at, size, &term);
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
    if (!oi_ok(&c))
        return trie_error(w, OI_MALFORMED, at + c.bad_at,
                          "terminal at 0x%llx: export information overruns its size 0x%llx",
                          (unsigned long long)at, (unsigned long long)size);
    return OI_OK;
}

/* Enter the node at `off`: mark it visited, check its terminal, count or
 * emit its export, and fill the frame that will read its edges. */
static oi_status enter(trie_walk *w, uint32_t off, uint32_t name_len, bool emit,
                       trie_frame *fr)
{
    if (w->visited[off >> 3] & (1u << (off & 7)))
        return trie_error(w, OI_CYCLE, off, "node 0x%x reached twice (a cycle)", off);
    w->visited[off >> 3] |= (uint8_t)(1u << (off & 7));
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
        oi_status st = check_terminal(w, term_at, term);
        if (st != OI_OK)
            return st;
        if (emit) {
            uint64_t need = (uint64_t)name_len + 1;
            /* the measuring walk stopped here too when the trie is damaged:
             * end quietly, its diagnostic already says why */
            if (need > w->names_cap - w->names_used)
                return OI_LIMIT;
            char *name = w->names + w->names_used;
            memcpy(name, w->scratch, name_len);
            name[name_len] = 0;
            w->names_used += need;
            oi_export *e = oi_model_export(w->f);
            if (!e)
                return OI_NOMEM;
            macho_trie_terminal(w->f, off, name, e);
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

static oi_status walk(trie_walk *w, bool emit)
{
    if (w->t.n == 0)
        return OI_OK;                   /* an empty trie exports nothing */
    if (w->t.n > UINT32_MAX)
        return trie_error(w, OI_LIMIT, 0, "trie larger than 4 GiB");
    trie_frame stack[TRIE_MAX_DEPTH];
    size_t depth = 0;
    /* oi_options.max_depth, within the stack's room */
    size_t limit = w->f->opt.max_depth < TRIE_MAX_DEPTH ? w->f->opt.max_depth : TRIE_MAX_DEPTH;
    oi_status st = enter(w, 0, 0, emit, &stack[depth++]);
    while (st == OI_OK && depth) {
        trie_frame *fr = &stack[depth - 1];
        if (fr->left == 0) {
            depth--;
            continue;
        }
        fr->left--;
        oi_cur c = oi_cur_make(w->t, fr->next, false);
        size_t label_at = c.pos, len;
        const char *label = oi_view_cstr_len(w->t, label_at, &len);
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
        if (emit) {
            if (name_len > w->st.max_name)
                return OI_LIMIT;   /* as above: past where the measuring walk stopped */
            memcpy(w->scratch + fr->name_len, label, len);
        }
        st = enter(w, (uint32_t)child, (uint32_t)name_len, emit, &stack[depth]);
        depth++;
    }
    return st;
}

static oi_status walk_init(oi_file *f, trie_walk *w)
{
    macho_priv *p = macho_p(f);
    memset(w, 0, sizeof *w);
    w->f = f;
    w->t = p->trie;
    w->visited = oi_arena_calloc_charged(f->mem, p->trie.n / 8 + 1, 1);
    return w->visited ? OI_OK : OI_NOMEM;
}

/* Give the walk's visited set back (charged to max_alloc while it lived). */
static void walk_done(trie_walk *w)
{
    oi_arena_free_charged(w->f->mem, w->visited, macho_p(w->f)->trie.n / 8 + 1);
    w->visited = NULL;
}

oi_status macho_trie_validate(oi_file *f)
{
    macho_priv *p = macho_p(f);
    if (p->tstat.state)
        return p->tstat.status;
    trie_walk w;
    oi_status st = walk_init(f, &w);
    if (st == OI_OK)
        st = walk(&w, false);
    if (w.visited)
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

/* The trie and the external defined nlist symbols must name the same
 * exports. One hash set of the trie's names, one pass over the nlists. */
static void check_against_nlist(oi_file *f)
{
    macho_priv *p = macho_p(f);
    const oi_export *ex = f->t[OI_T_EXPORTS].vec.items;
    size_t n = f->t[OI_T_EXPORTS].vec.n;
    if (!p->has_symtab || !p->nsyms)
        return;
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    uint32_t *slot = oi_arena_calloc_charged(f->mem, cap, sizeof *slot);   /* export index + 1, 0 = empty */
    uint8_t *seen = oi_arena_calloc_charged(f->mem, n + 1, 1);
    if (!slot || !seen)
        goto out;
    for (size_t i = 0; i < n; i++) {
        size_t h = name_hash(ex[i].name) & (cap - 1);
        while (slot[h])
            h = (h + 1) & (cap - 1);
        slot[h] = (uint32_t)i + 1;
    }
    size_t nl_ext = 0, only_nlist = 0, only_trie = 0;
    const char *first_nlist = NULL, *first_trie = NULL;
    for (uint32_t i = 0; i < p->nsyms; i++) {
        macho_nlist nl;
        if (!macho_nlist_at(f, i, &nl))
            break;
        if (!macho_nlist_is_export(&nl) || !nl.name)
            continue;
        nl_ext++;
        size_t h = name_hash(nl.name) & (cap - 1);
        while (slot[h] && strcmp(ex[slot[h] - 1].name, nl.name) != 0)
            h = (h + 1) & (cap - 1);
        if (slot[h])
            seen[slot[h] - 1] = 1;
        else if (only_nlist++ == 0)
            first_nlist = nl.name;
    }
    if (nl_ext == 0)
        goto out;   /* a stripped symbol table says nothing about exports */
    for (size_t i = 0; i < n; i++)
        if (!seen[i] && ex[i].target != OI_TARGET_REEXPORT && only_trie++ == 0)
            first_trie = ex[i].name;
    if (only_trie)
        OI_WARN_NOOFF(f, OI_MALFORMED, "macho/exports",
                      "%zu trie exports have no external nlist symbol (first: %s)", only_trie,
                      first_trie);
    if (only_nlist)
        OI_WARN_NOOFF(f, OI_MALFORMED, "macho/exports",
                      "%zu external nlist symbols are not in the exports trie (first: %s)",
                      only_nlist, first_nlist);
out:
    oi_arena_free_charged(f->mem, slot, cap * sizeof *slot);
    oi_arena_free_charged(f->mem, seen, n + 1);
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
    oi_status st = walk_init(f, &w);
    if (st != OI_OK)
        return st;
    w.st.max_name = p->tstat.max_name;
    w.names_cap = p->tstat.name_bytes;
    w.scratch = oi_arena_alloc(f->mem, p->tstat.max_name + 1);
    w.names = w.names_cap ? oi_arena_alloc(f->mem, w.names_cap) : w.scratch;
    if (!w.scratch || !w.names || w.names_cap > SIZE_MAX) {
        walk_done(&w);
        return OI_ERROR_NOOFF(f, OI_LIMIT, "macho/trie",
                              "exports trie names need %llu bytes, over the memory cap",
                              (unsigned long long)w.names_cap);
    }
    if (!oi_model_reserve(f, OI_T_EXPORTS, p->tstat.exports)) {
        walk_done(&w);
        return OI_NOMEM;
    }
    /* a repeat of the first walk's diagnostic is folded by oi_diag_add */
    st = walk(&w, true);
    walk_done(&w);
    if (vst != OI_OK)
        return vst;
    if (st != OI_OK)
        return st;
    check_against_nlist(f);
    return OI_OK;
}
