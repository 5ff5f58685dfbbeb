/*
 * Lookup the way dyld does it: down the exports trie, one edge per step,
 * comparing the edge labels against the rest of the name, so a lookup costs
 * O(length of the name) and builds no table. The trie is validated once
 * (macho_trie_validate, cached on the handle) before the first descent.
 * Every step can be explained: the node offset, its terminal size and edge
 * count, the edge matched, the terminal flags, or where the descent failed.
 *
 * A file with no trie (an object file, an old image) is looked up in its
 * external defined nlist symbols: path "nlist".
 */
#include "macho_internal.h"

#include <stdio.h>
#include <string.h>

#define say oi_explain_step

static const char *kind_words(uint64_t flags)
{
    if (flags & EXPORT_SYMBOL_FLAGS_REEXPORT)
        return "re-export";
    if (flags & EXPORT_SYMBOL_FLAGS_STUB_AND_RESOLVER)
        return "stub-and-resolver";
    switch (flags & EXPORT_SYMBOL_FLAGS_KIND_MASK) {
    case EXPORT_SYMBOL_FLAGS_KIND_REGULAR: return "regular";
    case EXPORT_SYMBOL_FLAGS_KIND_THREAD_LOCAL: return "thread-local";
    case EXPORT_SYMBOL_FLAGS_KIND_ABSOLUTE: return "absolute";
    }
    return "unknown kind";
}

static oi_status nlist_lookup(oi_file *f, const char *name, oi_explain_fn explain, void *ctx,
                              oi_lookup_result *res)
{
    macho_priv *p = macho_p(f);
    res->path = "nlist";
    uint32_t first = 0, count = p->has_symtab ? p->nsyms : 0;
    if (p->has_dysymtab && (uint64_t)p->iextdefsym + p->nextdefsym <= p->nsyms &&
        p->filetype != MH_OBJECT) {
        first = p->iextdefsym;
        count = p->nextdefsym;
    }
    say(explain, ctx, "no exports trie: scanning %u nlist symbols from index %u for an "
        "external definition", count, first);
    for (uint32_t i = first; i - first < count; i++) {
        macho_nlist nl;
        if (!macho_nlist_at(f, i, &nl))
            break;
        if (!macho_nlist_is_export(&nl) || !nl.name || strcmp(nl.name, name) != 0)
            continue;
        say(explain, ctx, "nlist %u: n_type 0x%02x n_sect %u n_desc 0x%04x n_value 0x%llx", i,
            nl.type, nl.sect, nl.desc, (unsigned long long)nl.value);
        macho_export_from_nlist(f, &nl, &res->exp);
        res->found = true;
        return OI_OK;
    }
    say(explain, ctx, "%s: no external defined nlist symbol has this name", name);
    return OI_NOTFOUND;
}

oi_status macho_lookup(oi_file *f, const char *name, const char *version,
                       oi_explain_fn explain, void *ctx, oi_lookup_result *res)
{
    macho_priv *p = macho_p(f);
    if (version) {
        res->path = p->has_trie ? "trie" : "nlist";
        say(explain, ctx, "Mach-O symbols have no versions: %s@%s cannot match", name, version);
        return OI_NOTFOUND;
    }
    if (!p->has_trie)
        return nlist_lookup(f, name, explain, ctx, res);
    res->path = "trie";
    oi_status st = macho_trie_validate(f);
    if (st != OI_OK) {
        say(explain, ctx, "the exports trie failed validation: %s", oi_status_name(st));
        return st;
    }
    say(explain, ctx, "exports trie at file offset 0x%llx, size 0x%zx (%s), validated: %zu "
        "exports", (unsigned long long)p->trie_off, p->trie.n,
        p->exports_trie.present ? "LC_DYLD_EXPORTS_TRIE" : "LC_DYLD_INFO", p->tstat.exports);
    size_t len = strlen(name), done = 0;
    if (p->trie.n == 0) {
        say(explain, ctx, "the trie is empty: this image exports nothing itself");
        goto not_found;
    }
    /* every step consumes at least one byte of the name (labels are not
     * empty), so the loop runs at most len + 1 times */
    size_t node = 0;
    for (size_t step = 0; step <= len; step++) {
        oi_cur c = oi_cur_make(p->trie, node, false);
        uint64_t term = oi_uleb(&c);
        size_t term_at = c.pos;
        oi_skip(&c, term);
        uint8_t nchild = oi_u8(&c);
        if (!oi_ok(&c))
            return OI_MALFORMED;   /* cannot happen in a validated trie */
        if (done == len) {
            if (!term) {
                say(explain, ctx, "node 0x%zx: the whole name is matched but the node is not "
                    "terminal (%u edges go on)", node, nchild);
                goto not_found;
            }
            oi_cur t = oi_cur_make(p->trie, term_at, false);
            uint64_t flags = oi_uleb(&t);
            say(explain, ctx, "node 0x%zx: terminal, %llu bytes, flags 0x%llx (%s%s)", node,
                (unsigned long long)term, (unsigned long long)flags, kind_words(flags),
                flags & EXPORT_SYMBOL_FLAGS_WEAK_DEFINITION ? ", weak definition" : "");
            char *stable = oi_arena_strndup(f->mem, name, len);
            if (!stable)
                return OI_NOMEM;
            macho_trie_terminal(f, node, stable, &res->exp);
            if (res->exp.target == OI_TARGET_REEXPORT)
                say(explain, ctx, "re-exported from library ordinal %u (%s) as %s",
                    res->exp.raw.c, res->exp.fwd_library ? res->exp.fwd_library : "?",
                    res->exp.fwd_name);
            res->found = true;
            return OI_OK;
        }
        say(explain, ctx, "node 0x%zx: %s, %u edges; looking for \"%.*s\"", node,
            term ? "terminal" : "not terminal", nchild, (int)(len - done > 64 ? 64 : len - done),
            name + done);
        bool moved = false;
        for (unsigned k = 0; k < nchild && !moved; k++) {
            size_t llen;
            const char *label = oi_view_cstr_len(p->trie, c.pos, &llen);
            if (!label)
                return OI_MALFORMED;
            oi_seek(&c, c.pos + llen + 1);
            uint64_t child = oi_uleb(&c);
            if (!oi_ok(&c))
                return OI_MALFORMED;
            if (llen <= len - done && memcmp(label, name + done, llen) == 0) {
                say(explain, ctx, "edge %u \"%s\" matches -> node 0x%llx", k, label,
                    (unsigned long long)child);
                done += llen;
                node = (size_t)child;
                moved = true;
            }
        }
        if (!moved) {
            say(explain, ctx, "node 0x%zx: no edge matches \"%.*s\"", node,
                (int)(len - done > 64 ? 64 : len - done), name + done);
            goto not_found;
        }
    }
not_found:
    for (size_t k = 0; k < p->ndylibs; k++)
        if (p->dylibs[k].cmd == LC_REEXPORT_DYLIB)
            say(explain, ctx, "dyld would go on in the re-exported library %s",
                p->dylibs[k].name);
    return OI_NOTFOUND;
}
