/*
 * Consistency: the loader's own lookup structure must find every export
 * the full table lists, at the same address (DESIGN.md, "Speed by
 * design"). A disagreement is a real finding: a broken ELF hash table, an
 * unsorted PE name table (the Windows loader's binary search then misses
 * names), or a Mach-O trie that disagrees with the nlist symbols.
 * And the imports row: the file's imports bound as the loader binds them.
 */
#include "check/check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW 6

typedef struct lookup_tally {
    size_t tried, missed, moved, scanned;
    const char *path;   /* the structure used by the last successful lookup */
} lookup_tally;

/* Look every named export up through oi_lookup and list the misses. */
static void lookup_all(check_ctx *c, evidence *ev, lookup_tally *t, const char *what)
{
    name_list miss = { .show = SHOW, .ev = ev };
    for (size_t i = 0; i < c->nexp; i++) {
        const oi_export *e = &c->exp[i];
        if (!e->name)
            continue;
        t->tried++;
        oi_lookup_result r;
        oi_status st = oi_lookup(c->f, e->name, e->version, NULL, NULL, &r);
        if (st == OI_OK && r.found) {
            if (r.path && strcmp(r.path, "scan") == 0)
                t->scanned++;
            else
                t->path = r.path;
            if (r.exp.address == e->address)
                continue;
            t->moved++;
        } else {
            t->missed++;
        }
        if (miss.count == 0)
            ev_add(ev, "%s: ", what);
        char item[600];
        if (st == OI_OK && r.found)
            snprintf(item, sizeof item, "%s at 0x%" PRIx64 " not 0x%" PRIx64, e->name,
                     r.exp.address, e->address);
        else
            snprintf(item, sizeof item, "%s%s%s", e->name, e->version ? "@" : "",
                     e->version ? e->version : "");
        nl_add(&miss, item, NULL);
    }
    nl_end(&miss);
}

static oi_verdict no_exports(check_ctx *c, evidence *ev)
{
    ev_add(ev, "the export table could not be read: %s", oi_status_name(c->exp_st));
    return OI_VERDICT_UNAVAILABLE;
}

oi_verdict check_consistency_elf_hash(check_ctx *c, evidence *ev)
{
    if (ctx_exports(c) != OI_OK)
        return no_exports(c, ev);
    if (c->nexp == 0) {
        ev_add(ev, "no dynamic exports");
        return OI_VERDICT_NA;
    }
    lookup_tally t = { 0 };
    lookup_all(c, ev, &t, "the hash table misses");
    if (t.missed || t.moved)
        return OI_VERDICT_FAIL;
    if (t.scanned == t.tried) {
        ev_add(ev, "no hash table the lookup could use (it scanned the table)");
        return OI_VERDICT_NA;
    }
    ev_add(ev, "%s finds all %zu exports", t.path ? t.path : "the hash table", t.tried);
    return OI_VERDICT_PASS;
}

oi_verdict check_consistency_pe_name_order(check_ctx *c, evidence *ev)
{
    if (ctx_exports(c) != OI_OK)
        return no_exports(c, ev);
    lookup_tally t = { 0 };
    lookup_all(c, ev, &t, "the binary search over the name table misses");
    if (t.missed || t.moved) {
        ev_add(ev, " (is the name table unsorted?)");
        return OI_VERDICT_FAIL;
    }
    if (t.tried == 0) {
        ev_add(ev, "no named exports");
        return OI_VERDICT_NA;
    }
    if (t.scanned == t.tried) {
        ev_add(ev, "the lookup scanned the table: no name table to search");
        return OI_VERDICT_UNAVAILABLE;
    }
    ev_add(ev, "%s finds all %zu named exports", t.path ? t.path : "the binary search", t.tried);
    return OI_VERDICT_PASS;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

oi_verdict check_consistency_macho_trie(check_ctx *c, evidence *ev)
{
    if (ctx_exports(c) != OI_OK)
        return no_exports(c, ev);
    if (c->nexp == 0) {
        ev_add(ev, "no exports");
        return OI_VERDICT_NA;
    }
    lookup_tally t = { 0 };
    lookup_all(c, ev, &t, "the trie lookup misses");
    oi_verdict v = (t.missed || t.moved) ? OI_VERDICT_FAIL : OI_VERDICT_PASS;
    /* every external defined nlist symbol of default visibility must be in the trie */
    if (ctx_symbols(c) == OI_OK && c->nsym) {
        const char **names = malloc(c->nexp * sizeof *names);
        size_t nn = 0;
        if (names) {
            for (size_t i = 0; i < c->nexp; i++)
                if (c->exp[i].name)
                    names[nn++] = c->exp[i].name;
            qsort(names, nn, sizeof *names, cmp_str);
            name_list absent = { .show = SHOW, .ev = ev };
            size_t external = 0;
            for (size_t i = 0; i < c->nsym; i++) {
                const oi_symbol *s = &c->sym[i];
                if (!s->defined || !s->name || s->binding == OI_BIND_LOCAL ||
                    s->visibility != OI_VIS_DEFAULT)
                    continue;
                external++;
                if (bsearch(&s->name, names, nn, sizeof *names, cmp_str))
                    continue;
                if (absent.count == 0)
                    ev_add(ev, "%snlist symbols missing from the trie: ",
                           v == OI_VERDICT_FAIL ? "; " : "");
                nl_add(&absent, s->name, NULL);
            }
            nl_end(&absent);
            if (absent.count)
                v = OI_VERDICT_FAIL;
            else if (v == OI_VERDICT_PASS)
                ev_add(ev, "all %zu external nlist symbols are in the trie; ", external);
            free(names);
        }
    }
    if (v == OI_VERDICT_PASS)
        ev_add(ev, "%s finds all %zu exports", t.path ? t.path : "the lookup", t.tried);
    return v;
}

/* Bind the file as the loader would, under the policy's sysroot, and list
 * what stops it: a needed library missing anywhere in the closure (the
 * loader refuses to start), and the file's own imports that bind nowhere
 * (weak ones may stay unbound). Unresolved imports further down belong to
 * those libraries' own checks. */
oi_verdict check_imports_resolvable(check_ctx *c, evidence *ev)
{
    if (!c->pol->root) {
        ev_add(ev, "no sysroot given (--root DIR, or `root DIR` in the policy)");
        return OI_VERDICT_NA;
    }
    /* the binder opens files by path: only a top-level file has one */
    const char *path = oi_path(c->f);
    if (!path) {
        ev_add(ev, "only a file opened by path can be bound (not a member, a slice or "
                   "bytes in memory)");
        return OI_VERDICT_UNAVAILABLE;
    }
    oi_bind_options bo = { .root = c->pol->root };
    oi_bind *b;
    oi_error err;
    if (oi_bind_open(path, &bo, &b, &err) != OI_OK) {
        ev_add(ev, "could not bind: %s", err.message);
        return OI_VERDICT_UNAVAILABLE;
    }
    name_list libs = { .show = SHOW, .ev = ev }, names = { .show = SHOW, .ev = ev };
    for (size_t i = 1; i < oi_bind_object_count(b); i++) {
        const oi_bind_object *o = oi_bind_object_at(b, i);
        if (o->missing && o->kind != OI_DEP_WEAK && o->kind != OI_DEP_DELAY) {
            if (libs.count == 0)
                ev_add(ev, "libraries not found under %s: ", c->pol->root);
            nl_add(&libs, o->name, NULL);
        }
    }
    nl_end(&libs);
    size_t weak = 0, mine = 0;
    for (size_t i = 0; i < oi_bind_import_count(b); i++) {
        const oi_bind_import *im = oi_bind_import_at(b, i);
        if (im->importer != 0)
            continue;
        mine++;
        if (im->state == OI_BOUND || im->state == OI_WEAK_UNBOUND) {
            weak += im->state == OI_WEAK_UNBOUND;
            continue;
        }
        /* an import from a missing library is already named by its library */
        if (im->state == OI_NO_LIBRARY)
            continue;
        if (names.count == 0)
            ev_add(ev, "%sunresolved: ", libs.count ? "; " : "");
        char num[32];
        const char *n = im->name;
        if (!n) {
            snprintf(num, sizeof num, "#%lld", (long long)im->ordinal);
            n = num;
        }
        nl_add(&names, n, im->version);
    }
    nl_end(&names);
    oi_bind_close(b);
    if (libs.count || names.count)
        return OI_VERDICT_FAIL;
    ev_add(ev, "all %zu imports bind under %s (%zu of them weak and left unbound)", mine,
           c->pol->root, weak);
    return OI_VERDICT_PASS;
}
