/*
 * The allocation-failure contract: for every k, fail the k-th allocation
 * the library makes for a file (oi_options.fail_alloc_at) while opening it,
 * building every table of it and of its children, and looking names up.
 * Every call must then return what it returns without the failure, or
 * OI_NOMEM; the failure must reach the caller (some call says OI_NOMEM);
 * nothing may crash; and nothing may leak (the library's allocations are
 * counted; LeakSanitizer adds libelf's under make check SANITIZE=1).
 *
 *   nomem [--max-runs N] FILE...     prints PASS:/FAIL: lines
 */
#include "objinspect.h"
#include "core/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library's own malloc, calloc, realloc and free calls are counted
 * (the program is linked with -Wl,--wrap for each), so a block it leaks on
 * some failure path shows in every build; LeakSanitizer (SANITIZE=1) also
 * sees what libelf allocates for us. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
static long live_blocks;

void *__wrap_malloc(size_t n)
{
    void *p = __real_malloc(n);
    live_blocks += p != NULL;
    return p;
}
void *__wrap_calloc(size_t n, size_t m)
{
    void *p = __real_calloc(n, m);
    live_blocks += p != NULL;
    return p;
}
void *__wrap_realloc(void *p, size_t n)
{
    void *q = __real_realloc(p, n);
    live_blocks += !p && q;
    return q;
}
void __wrap_free(void *p)
{
    live_blocks -= p != NULL;
    __real_free(p);
}

#define MAX_CALLS 4096
#define MAX_NAMES 8

/* Each call is recorded under a key naming it ("2/exports", "2/lookup 1"),
 * so the calls of two runs are matched even when a failed child open
 * skips the calls below it. */
typedef struct run {
    char key[MAX_CALLS][32];
    oi_status st[MAX_CALLS];
    size_t n;
    uint64_t nallocs, nfailed;
} run;

static void rec(run *r, const char *prefix, const char *call, int i, oi_status st)
{
    if (r->n < MAX_CALLS) {
        snprintf(r->key[r->n], sizeof r->key[0], "%s/%s %d", prefix, call, i);
        r->st[r->n++] = st;
    }
}

static const oi_status *find(const run *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->key[i], key) == 0)
            return &r->st[i];
    return NULL;
}

/* The names looked up: fixed per file (from the run without failures), so
 * every run makes the same calls in the same order. */
static char names[MAX_NAMES][256];
static int nnames;

static void tables(run *r, oi_file *f, const char *at, unsigned depth)
{
    const void *p;
    size_t n;
    rec(r, at, "sections", 0, oi_sections(f, (const oi_section **)&p, &n));
    rec(r, at, "symbols", 0, oi_symbols(f, (const oi_symbol **)&p, &n));
    rec(r, at, "exports", 0, oi_exports(f, (const oi_export **)&p, &n));
    rec(r, at, "imports", 0, oi_imports(f, (const oi_import **)&p, &n));
    rec(r, at, "deps", 0, oi_dependencies(f, (const oi_dependency **)&p, &n));
    rec(r, at, "props", 0, oi_properties(f, (const oi_property **)&p, &n));
    for (int i = 0; i < nnames; i++) {
        oi_lookup_result res;
        oi_status st = oi_lookup(f, names[i], NULL, NULL, NULL, &res);
        rec(r, at, "lookup", i, st);
        /* oi_find_export has no status: NULL after a failed allocation, or
         * when the same lookup just said OI_NOMEM, counts as its OI_NOMEM */
        uint64_t failed0 = f->root->arena.nfailed;
        const oi_export *e = oi_find_export(f, names[i], NULL);
        rec(r, at, "find_export", i,
            e ? OI_OK
              : (st == OI_NOMEM || f->root->arena.nfailed != failed0) ? OI_NOMEM : OI_NOTFOUND);
    }
    size_t nc = oi_child_count(f);
    for (size_t i = 0; depth && i < nc && i < 64; i++) {
        oi_file *c;
        oi_status st = oi_child(f, i, &c);
        rec(r, at, "child", (int)i, st);
        char sub[16];
        snprintf(sub, sizeof sub, "%s.%zu", at, i);
        if (st == OI_OK)
            tables(r, c, sub, depth - 1);
    }
    (void)oi_diag_count(f);
}

static void one_run(run *r, const char *path, bool permissive, uint64_t k)
{
    memset(r, 0, sizeof *r);
    oi_options opt = { .permissive = permissive, .fail_alloc_at = k };
    oi_file *f;
    oi_error err;
    oi_status st = oi_open_path(path, &opt, &f, &err);
    rec(r, "", "open", 0, st);
    if (st != OI_OK) {
        r->nallocs = k;   /* unknown; the open stopped */
        r->nfailed = st == OI_NOMEM;
        return;
    }
    tables(r, f, "", 2);
    r->nallocs = f->root->arena.nallocs;
    r->nfailed = f->root->arena.nfailed;
    oi_close(f);
}

/* Names to look up: a few exports and one that is not there. */
static void pick_names(const char *path)
{
    nnames = 0;
    oi_options opt = { .permissive = true };
    oi_file *f;
    if (oi_open_path(path, &opt, &f, NULL) != OI_OK)
        return;
    oi_file *leaf = f;
    if (oi_child_count(f))
        oi_child(f, 0, &leaf);
    const oi_export *e;
    size_t n = 0;
    if (leaf)
        oi_exports(leaf, &e, &n);
    for (size_t i = 0; i < n && nnames < MAX_NAMES - 1; i += 1 + n / MAX_NAMES)
        if (e[i].name)
            snprintf(names[nnames++], sizeof names[0], "%s", e[i].name);
    snprintf(names[nnames++], sizeof names[0], "%s", "objinspect_no_such_name");
    oi_close(f);
}

static int check_file(const char *path, bool permissive, uint64_t max_runs)
{
    const char *mode = permissive ? "permissive" : "strict";
    pick_names(path);
    static run base, r;
    one_run(&base, path, permissive, 0);
    if (base.n == 0) {
        printf("FAIL: nomem: %s (%s): the run without failures made no call\n", path, mode);
        return 1;
    }
    uint64_t total = base.nallocs, runs = 0, surfaced = 0;
    /* every k when there are few allocations, else an even sample */
    uint64_t stride = total > max_runs ? total / max_runs + 1 : 1;
    long live0 = live_blocks;
    for (uint64_t k = 1; k <= total + 1; k += stride) {
        one_run(&r, path, permissive, k);
        runs++;
        bool nomem = false;
        for (size_t i = 0; i < r.n; i++) {
            nomem |= r.st[i] == OI_NOMEM;
            const oi_status *b = find(&base, r.key[i]);
            if (!b) {
                printf("FAIL: nomem: %s (%s): failing allocation %llu made a call the run "
                       "without failures did not make (%s)\n", path, mode,
                       (unsigned long long)k, r.key[i]);
                return 1;
            }
            if (r.st[i] != *b && r.st[i] != OI_NOMEM) {
                printf("FAIL: nomem: %s (%s): failing allocation %llu made call '%s' return "
                       "'%s' instead of '%s' or OI_NOMEM\n", path, mode, (unsigned long long)k,
                       r.key[i], oi_status_name(r.st[i]), oi_status_name(*b));
                return 1;
            }
        }
        if (k <= total && r.nfailed && !nomem) {
            printf("FAIL: nomem: %s (%s): allocation %llu failed but no call said OI_NOMEM\n",
                   path, mode, (unsigned long long)k);
            return 1;
        }
        surfaced += nomem;
    }
    if (live_blocks != live0) {
        printf("FAIL: nomem: %s (%s): %ld blocks the library allocated are still there "
               "after %llu runs and oi_close\n", path, mode, live_blocks - live0,
               (unsigned long long)runs);
        return 1;
    }
    printf("PASS: nomem: %s (%s): %llu allocations, %llu runs, %llu reported OI_NOMEM\n", path,
           mode, (unsigned long long)total, (unsigned long long)runs,
           (unsigned long long)surfaced);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t max_runs = 5000;
    int first = 1, rc = 0;
    if (argc > 2 && strcmp(argv[1], "--max-runs") == 0) {
        max_runs = strtoull(argv[2], NULL, 10);
        first = 3;
    }
    for (int i = first; i < argc; i++) {
        rc |= check_file(argv[i], true, max_runs);
        rc |= check_file(argv[i], false, max_runs);
    }
    return rc;
}
