/*
 * oi_exports_each() against oi_exports(), driven by test_exports_stream.sh:
 * each file is opened twice (permissive), its exports read once as the
 * whole table and once streamed, leaf by leaf (fat slices, archive
 * members). Every field of every export must match, the streamed chunks
 * must hold at most 1024 exports (or be the whole table, in one call, for
 * a format that does not stream), and both handles must end with the same
 * diagnostics. Prints "FILE: N exports, K chunks" or "FILE: MISMATCH why".
 */
#include "objinspect.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

typedef struct cmp_ctx {
    bool noabi;               /* streamed with OI_EACH_NO_ABI: the abi fields are not compared */
    const oi_export *table;
    size_t n, at, chunks, biggest;
    char why[300];
} cmp_ctx;

static void on_chunk(void *ctx, const oi_export *e, size_t n)
{
    cmp_ctx *c = ctx;
    c->chunks++;
    if (n > c->biggest)
        c->biggest = n;
    for (size_t i = 0; i < n && !c->why[0]; i++, c->at++) {
        const oi_export *t = &c->table[c->at], *s = &e[i];
        if (c->at >= c->n) {
            snprintf(c->why, sizeof c->why, "more streamed exports than the table's %zu", c->n);
            return;
        }
        if (!same_str(t->name, s->name) || t->ordinal != s->ordinal || t->address != s->address ||
            t->size != s->size || t->kind != s->kind || t->binding != s->binding ||
            t->visibility != s->visibility || t->target != s->target || t->weak != s->weak ||
            !same_str(t->version, s->version) || t->version_default != s->version_default ||
            !same_str(t->forwarder, s->forwarder) || !same_str(t->fwd_library, s->fwd_library) ||
            !same_str(t->fwd_name, s->fwd_name) || t->fwd_ordinal != s->fwd_ordinal ||
            (!c->noabi && (t->callconv != s->callconv || t->callconv_source != s->callconv_source ||
                           t->callconv_argbytes != s->callconv_argbytes ||
                           !same_str(t->lang, s->lang) || t->abi_flags != s->abi_flags)) ||
            t->raw.a != s->raw.a || t->raw.b != s->raw.b || t->raw.c != s->raw.c ||
            t->code_address != s->code_address || t->local_entry != s->local_entry)
            snprintf(c->why, sizeof c->why, "export %zu (%s) differs", c->at,
                     t->name ? t->name : "<noname>");
    }
}

static int leaf(oi_file *a, oi_file *b, oi_file *x, const char *name)
{
    if (oi_child_count(a) != oi_child_count(b) || oi_child_count(a) != oi_child_count(x)) {
        printf("%s: MISMATCH child count\n", name);
        return 1;
    }
    int bad = 0;
    for (size_t i = 0; i < oi_child_count(a); i++) {
        oi_file *ca, *cb, *cx;
        oi_status sa = oi_child(a, i, &ca), sb = oi_child(b, i, &cb), sx = oi_child(x, i, &cx);
        if (sa != sb || sa != sx) {
            printf("%s: MISMATCH child %zu opens differently\n", name, i);
            bad = 1;
        } else if (sa == OI_OK) {
            bad |= leaf(ca, cb, cx, oi_name(ca));
        }
    }
    if (oi_child_count(a))
        return bad;
    cmp_ctx c = { 0 };
    oi_status st = oi_exports(a, &c.table, &c.n);
    oi_status ss = oi_exports_each(b, 0, on_chunk, &c);
    if (!c.why[0] && st != ss)
        snprintf(c.why, sizeof c.why, "status %s vs %s", oi_status_name(st), oi_status_name(ss));
    if (!c.why[0] && c.at != c.n)
        snprintf(c.why, sizeof c.why, "%zu exports streamed, the table has %zu", c.at, c.n);
    /* a format that cannot stream hands over its table in one call */
    if (!c.why[0] && c.biggest > 1024 && c.chunks > 1)
        snprintf(c.why, sizeof c.why, "a chunk of %zu exports", c.biggest);
    if (!c.why[0] && oi_diag_count(a) != oi_diag_count(b))
        snprintf(c.why, sizeof c.why, "%zu diagnostics vs %zu", oi_diag_count(a), oi_diag_count(b));
    for (size_t i = 0; !c.why[0] && i < oi_diag_count(a); i++)
        if (strcmp(oi_diag_at(a, i)->message, oi_diag_at(b, i)->message) != 0 ||
            strcmp(oi_diag_at(a, i)->where, oi_diag_at(b, i)->where) != 0)
            snprintf(c.why, sizeof c.why, "diagnostic %zu differs: %s", i, oi_diag_at(a, i)->message);
    /* without the abi annotations: the same records otherwise */
    cmp_ctx q = { .noabi = true, .table = c.table, .n = c.n };
    if (!c.why[0] && oi_exports_each(x, OI_EACH_NO_ABI, on_chunk, &q) != st)
        snprintf(c.why, sizeof c.why, "OI_EACH_NO_ABI: another status");
    if (!c.why[0] && q.why[0])
        snprintf(c.why, sizeof c.why, "OI_EACH_NO_ABI: %s", q.why);
    if (!c.why[0] && q.at != q.n)
        snprintf(c.why, sizeof c.why, "OI_EACH_NO_ABI: %zu exports of %zu", q.at, q.n);
    if (c.why[0]) {
        printf("%s: MISMATCH %s\n", name, c.why);
        return 1;
    }
    printf("%s: %zu exports, %zu chunks\n", name, c.n, c.chunks);
    return 0;
}

int main(int argc, char **argv)
{
    int bad = 0;
    for (int k = 1; k < argc; k++) {
        oi_options opt = { .permissive = true };
        oi_file *a, *b, *x;
        oi_error err;
        if (oi_open_path(argv[k], &opt, &a, &err) != OI_OK)
            continue;   /* not an object: nothing to compare */
        if (oi_open_path(argv[k], &opt, &b, &err) != OI_OK) {
            printf("%s: MISMATCH opens once only\n", argv[k]);
            oi_close(a);
            bad = 1;
            continue;
        }
        if (oi_open_path(argv[k], &opt, &x, &err) != OI_OK) {
            printf("%s: MISMATCH opens twice only\n", argv[k]);
            oi_close(a);
            oi_close(b);
            bad = 1;
            continue;
        }
        bad |= leaf(a, b, x, argv[k]);
        oi_close(a);
        oi_close(b);
        oi_close(x);
    }
    return bad;
}
