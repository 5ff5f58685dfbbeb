/* The model builders and diagnostics: the only way parsers write results. */
#include "file.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool oi_vec_reserve(oi_vec *v, size_t size, size_t total)
{
    v->size = size;
    if (total <= v->cap)
        return true;
    if (total > SIZE_MAX / size)
        return false;
    void *p = realloc(v->items, total * size);
    if (!p)
        return false;
    v->items = p;
    v->cap = total;
    return true;
}

void *oi_vec_push(oi_vec *v, size_t size)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        if (cap < v->cap || !oi_vec_reserve(v, size, cap))
            return NULL;
    }
    v->size = size;
    void *slot = (char *)v->items + v->n * size;
    memset(slot, 0, size);
    v->n++;
    return slot;
}

void oi_vec_free(oi_vec *v)
{
    free(v->items);
    memset(v, 0, sizeof *v);
}

static const size_t record_size[OI_T_COUNT] = {
    [OI_T_SECTIONS] = sizeof(oi_section), [OI_T_SYMBOLS] = sizeof(oi_symbol),
    [OI_T_EXPORTS] = sizeof(oi_export),   [OI_T_IMPORTS] = sizeof(oi_import),
    [OI_T_DEPS] = sizeof(oi_dependency),  [OI_T_PROPS] = sizeof(oi_property),
    [OI_T_RELOCS] = sizeof(oi_reloc),
};

bool oi_model_reserve(oi_file *f, int t, size_t n)
{
    oi_vec *v = &f->t[t].vec;
    /* a hint from the file is capped by what the file could hold */
    if (n > f->data.n)
        n = f->data.n;
    /* a streaming exports table holds one chunk at a time */
    if (t == OI_T_EXPORTS && f->xstream && n > f->xstream->chunk)
        n = f->xstream->chunk;
    return oi_vec_reserve(v, record_size[t], v->n + n);
}

oi_section *oi_model_section(oi_file *f) { return oi_vec_push(&f->t[OI_T_SECTIONS].vec, sizeof(oi_section)); }
oi_symbol *oi_model_symbol(oi_file *f) { return oi_vec_push(&f->t[OI_T_SYMBOLS].vec, sizeof(oi_symbol)); }
oi_dependency *oi_model_dep(oi_file *f) { return oi_vec_push(&f->t[OI_T_DEPS].vec, sizeof(oi_dependency)); }
oi_reloc *oi_model_reloc(oi_file *f) { return oi_vec_push(&f->t[OI_T_RELOCS].vec, sizeof(oi_reloc)); }

oi_export *oi_model_export(oi_file *f)
{
    oi_vec *v = &f->t[OI_T_EXPORTS].vec;
    if (f->xstream && v->n >= f->xstream->chunk) {
        f->xstream->flush(f, f->xstream, v->items, v->n);
        v->n = 0;
    }
    oi_export *e = oi_vec_push(v, sizeof(oi_export));
    if (e) {
        e->ordinal = -1;
        e->fwd_ordinal = -1;
        e->callconv_argbytes = -1;
    }
    return e;
}

oi_import *oi_model_import(oi_file *f)
{
    oi_import *i = oi_vec_push(&f->t[OI_T_IMPORTS].vec, sizeof(oi_import));
    if (i)
        i->ordinal = -1;
    return i;
}

bool oi_model_prop(oi_file *f, const char *key, const char *value)
{
    oi_property *p = oi_vec_push(&f->t[OI_T_PROPS].vec, sizeof(oi_property));
    if (!p)
        return false;
    p->key = key;
    p->value = value;
    return true;
}

bool oi_model_child(oi_file *f, oi_view data, const char *name, const char *arch)
{
    oi_child_slot *c = oi_vec_push(&f->children, sizeof *c);
    if (!c)
        return false;
    *c = (oi_child_slot){ .data = data, .name = name, .arch = arch };
    return true;
}

/* At most this many distinct diagnostics are kept per file. */
#define DIAG_MAX 256

oi_status oi_diag_add(oi_file *f, oi_status code, bool warning, bool has_off,
                      uint64_t off, const char *where, int line,
                      const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= 0 && has_off && (size_t)n < sizeof buf)
        snprintf(buf + n, sizeof buf - (size_t)n, " at file offset 0x%llx",
                 (unsigned long long)off);
    oi_diag *d = f->diags.items;
    for (size_t i = 0; i < f->diags.n; i++)
        if (d[i].code == code && strcmp(d[i].where, where) == 0 &&
            strcmp(d[i].message, buf) == 0)
            return code;
    if (f->diags.n >= DIAG_MAX)
        return code;
    char *msg = oi_arena_strdup(f->mem, buf);
    oi_diag *nd = oi_vec_push(&f->diags, sizeof(oi_diag));
    if (!nd || !msg) {
        if (nd)
            f->diags.n--;
        return code;
    }
    *nd = (oi_diag){ .code = code, .offset = has_off ? off : UINT64_MAX,
                     .has_offset = has_off, .where = where, .message = msg,
                     .source_line = line, .warning = warning };
    return code;
}

void oi_explain_step(oi_explain_fn explain, void *ctx, const char *fmt, ...)
{
    if (!explain)
        return;
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    explain(ctx, buf);
}
