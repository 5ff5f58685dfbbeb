/*
 * The ABI-surface diff: two export tables compared symbol by symbol, with
 * each change classed compatible or not for a program linked against the
 * old file. Exports are keyed by name (a nameless PE export by "#N") and,
 * within a name, by version; a name whose only version changed is one
 * "version" change, not a removal and an addition.
 */
#include "check/check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct oi_diff {
    oi_arena mem;
    oi_change *items;
    size_t n, cap;
    unsigned status;
};

const char *oi_change_kind_name(oi_change_kind k)
{
    static const char *const names[] = { "removed", "added", "version", "version-default",
                                         "visibility", "binding", "kind", "size", "callconv",
                                         "ordinal", "forwarder" };
    _Static_assert(sizeof names / sizeof names[0] == OI_CHANGE_COUNT, "change kind names");
    return (unsigned)k < OI_CHANGE_COUNT ? names[k] : "?";
}

/* One side: its exports sorted by (key, version). Each entry carries its
 * own key, so the comparison needs no context (and no global). */
typedef struct entry {
    const char *key;          /* the name, or "#N" for a nameless export */
    const char *version;
    size_t i;                 /* index in the export table */
} entry;

typedef struct side {
    const oi_export *e;
    size_t n;
    entry *ent;
    char (*num)[24];          /* the "#N" keys, by export index (they do not move) */
} side;

static int cmp_version(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_entry(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    c = cmp_version(a->version, b->version);
    if (c)
        return c;
    return a->i < b->i ? -1 : a->i > b->i;
}

static oi_status side_init(side *s, oi_file *f)
{
    memset(s, 0, sizeof *s);
    oi_status st = oi_exports(f, &s->e, &s->n);
    if (st != OI_OK)
        return st;
    s->ent = calloc(s->n ? s->n : 1, sizeof *s->ent);
    s->num = calloc(s->n ? s->n : 1, sizeof *s->num);
    if (!s->ent || !s->num)
        return OI_NOMEM;
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (is_version_marker(&s->e[i]))
            continue;   /* the node marker, not an interface */
        entry *en = &s->ent[kept++];
        en->i = i;
        en->version = s->e[i].version;
        if (s->e[i].name) {
            en->key = s->e[i].name;
        } else {
            snprintf(s->num[i], sizeof s->num[i], "#%" PRId64, s->e[i].ordinal);
            en->key = s->num[i];
        }
    }
    s->n = kept;
    qsort(s->ent, s->n, sizeof *s->ent, cmp_entry);
    return OI_OK;
}

static void side_free(side *s)
{
    free(s->ent);
    free(s->num);
}

static bool add(oi_diff *d, oi_change_kind kind, bool incompatible, const char *name,
                const oi_export *o, const oi_export *n, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static bool add(oi_diff *d, oi_change_kind kind, bool incompatible, const char *name,
                const oi_export *o, const oi_export *n, const char *fmt, ...)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        oi_change *items = realloc(d->items, cap * sizeof *items);
        if (!items)
            return false;
        d->items = items;
        d->cap = cap;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    oi_change *c = &d->items[d->n++];
    c->kind = kind;
    c->incompatible = incompatible;
    c->name = oi_arena_strdup(&d->mem, name);
    c->old_exp = o;
    c->new_exp = n;
    c->detail = oi_arena_strdup(&d->mem, buf);
    if (!c->name || !c->detail) {
        d->n--;
        return false;
    }
    d->status |= OI_DIFF_ABI_CHANGE;
    if (incompatible)
        d->status |= OI_DIFF_ABI_INCOMPATIBLE;
    return true;
}

static const char *ver(const oi_export *e) { return e->version ? e->version : "(none)"; }

/* Code, data and TLS: a change between these breaks callers; a change
 * within one (func <-> ifunc) does not. */
static int kind_class(oi_kind k)
{
    switch (k) {
    case OI_KIND_FUNC: case OI_KIND_IFUNC: case OI_KIND_NOTYPE: return 0;
    case OI_KIND_DATA: case OI_KIND_COMMON: return 1;
    case OI_KIND_TLS: return 2;
    default: return 3;
    }
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The attributes of one export present on both sides. */
static bool compare_pair(oi_diff *d, const char *name, const oi_export *o, const oi_export *n)
{
    bool ok = true;
    if (o->version && n->version && o->version_default != n->version_default)
        ok &= add(d, OI_CHANGE_VERSION_DEFAULT, false, name, o, n, "%s%s -> %s%s", o->version,
                  o->version_default ? " @@" : " @", n->version, n->version_default ? " @@" : " @");
    if (o->visibility != n->visibility)
        ok &= add(d, OI_CHANGE_VISIBILITY, false, name, o, n, "%s -> %s",
                  oi_visibility_name(o->visibility), oi_visibility_name(n->visibility));
    if (o->binding != n->binding)
        ok &= add(d, OI_CHANGE_BINDING, false, name, o, n, "%s -> %s",
                  oi_binding_name(o->binding), oi_binding_name(n->binding));
    if (o->kind != n->kind)
        ok &= add(d, OI_CHANGE_KIND, kind_class(o->kind) != kind_class(n->kind), name, o, n,
                  "%s -> %s", oi_kind_name(o->kind), oi_kind_name(n->kind));
    else if (kind_class(o->kind) != 0 && o->size != n->size)
        /* a copy relocation or a TLS block was laid out with the old size */
        ok &= add(d, OI_CHANGE_SIZE, true, name, o, n, "%" PRIu64 " -> %" PRIu64 " bytes",
                  o->size, n->size);
    if (o->callconv != n->callconv && o->callconv != OI_CC_UNKNOWN && n->callconv != OI_CC_UNKNOWN)
        ok &= add(d, OI_CHANGE_CALLCONV, true, name, o, n, "%s -> %s",
                  oi_callconv_name(o->callconv), oi_callconv_name(n->callconv));
    if (o->name && n->name && o->ordinal >= 0 && n->ordinal >= 0 && o->ordinal != n->ordinal)
        /* a program that imports it by ordinal now gets another function */
        ok &= add(d, OI_CHANGE_ORDINAL, true, name, o, n, "@%" PRId64 " -> @%" PRId64,
                  o->ordinal, n->ordinal);
    if (!same_str(o->forwarder, n->forwarder))
        ok &= add(d, OI_CHANGE_FORWARDER, false, name, o, n, "%s -> %s",
                  o->forwarder ? o->forwarder : "(defined here)",
                  n->forwarder ? n->forwarder : "(defined here)");
    return ok;
}

/* One name, with its versions on each side: exact version matches first,
 * then what is left over pairs up as version changes. Both runs are sorted
 * by version, so the exact matches are one merge: linear however many
 * exports share the name (a hostile file may give a thousand the name
 * "<?>"; a fixed cap there made a file differ from itself, a fuzz finding). */
static bool compare_name(oi_diff *d, const char *name, const side *os, size_t o0, size_t o1,
                         const side *ns, size_t n0, size_t n1)
{
    bool ok = true;
    size_t on = o1 - o0, nn = n1 - n0;
    /* the entries left over on each side, in order */
    size_t *left = calloc(on + nn ? on + nn : 1, sizeof *left);
    if (!left)
        return false;
    size_t *lo = left, *ln = left + on, nlo = 0, nln = 0;
    size_t i = o0, k = n0;
    while (i < o1 || k < n1) {
        int c = i >= o1 ? 1 : k >= n1 ? -1
                : cmp_version(os->e[os->ent[i].i].version, ns->e[ns->ent[k].i].version);
        if (c == 0) {
            ok &= compare_pair(d, name, &os->e[os->ent[i].i], &ns->e[ns->ent[k].i]);
            i++;
            k++;
        } else if (c < 0) {
            lo[nlo++] = i++;
        } else {
            ln[nln++] = k++;
        }
    }
    size_t m = 0;
    for (size_t a = 0; a < nlo; a++) {
        const oi_export *o = &os->e[os->ent[lo[a]].i];
        if (m < nln) {
            const oi_export *n = &ns->e[ns->ent[ln[m++]].i];
            /* a versioned reference no longer finds its version; an
             * unversioned one binds to whatever the new default is */
            ok &= add(d, OI_CHANGE_VERSION, o->version != NULL, name, o, n, "%s -> %s",
                      ver(o), ver(n));
            ok &= compare_pair(d, name, o, n);
        } else {
            ok &= add(d, OI_CHANGE_REMOVED, true, name, o, NULL, "%s%s%s", name,
                      o->version ? (o->version_default ? "@@" : "@") : "",
                      o->version ? o->version : "");
        }
    }
    for (; m < nln; m++) {
        const oi_export *n = &ns->e[ns->ent[ln[m]].i];
        ok &= add(d, OI_CHANGE_ADDED, false, name, NULL, n, "%s%s%s", name,
                  n->version ? (n->version_default ? "@@" : "@") : "",
                  n->version ? n->version : "");
    }
    free(left);
    return ok;
}

oi_status oi_diff_exports(oi_file *old_file, oi_file *new_file, oi_diff **out)
{
    if (!old_file || !new_file || !out)
        return OI_ARG;
    *out = NULL;
    oi_diff *d = calloc(1, sizeof *d);
    if (!d)
        return OI_NOMEM;
    oi_arena_init(&d->mem, 0);
    side os, ns;
    oi_status st = side_init(&os, old_file);
    oi_status st2 = st == OI_OK ? side_init(&ns, new_file) : OI_OK;
    if (st != OI_OK || st2 != OI_OK) {
        side_free(&os);
        if (st == OI_OK)
            side_free(&ns);
        oi_diff_free(d);
        return st != OI_OK ? st : st2;
    }
    size_t i = 0, k = 0;
    bool ok = true;
    while (ok && (i < os.n || k < ns.n)) {
        const char *ka = i < os.n ? os.ent[i].key : NULL;
        const char *kb = k < ns.n ? ns.ent[k].key : NULL;
        int c = !ka ? 1 : !kb ? -1 : strcmp(ka, kb);
        const char *name = c <= 0 ? ka : kb;
        size_t i1 = i, k1 = k;
        if (c <= 0)
            while (i1 < os.n && strcmp(os.ent[i1].key, name) == 0)
                i1++;
        if (c >= 0)
            while (k1 < ns.n && strcmp(ns.ent[k1].key, name) == 0)
                k1++;
        ok = compare_name(d, name, &os, i, i1, &ns, k, k1);
        i = i1;
        k = k1;
    }
    side_free(&os);
    side_free(&ns);
    if (!ok) {
        oi_diff_free(d);
        return OI_NOMEM;
    }
    *out = d;
    return OI_OK;
}

size_t oi_diff_count(const oi_diff *d) { return d ? d->n : 0; }
const oi_change *oi_diff_at(const oi_diff *d, size_t i) { return d && i < d->n ? &d->items[i] : NULL; }
unsigned oi_diff_status(const oi_diff *d) { return d ? d->status : 0; }

void oi_diff_free(oi_diff *d)
{
    if (!d)
        return;
    free(d->items);
    oi_arena_free(&d->mem);
    free(d);
}
