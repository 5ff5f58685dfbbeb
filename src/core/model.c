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
    if (total > SIZE_MAX / size) {
        if (v->mem)
            v->mem->nfailed++;
        return false;
    }
    void *p = v->mem ? oi_arena_realloc_charged(v->mem, v->items, v->cap * size, total * size)
                     : realloc(v->items, total * size);
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
    oi_arena *mem = v->mem;
    if (mem)
        oi_arena_free_charged(mem, v->items, v->cap * v->size);
    else
        free(v->items);
    memset(v, 0, sizeof *v);
    v->mem = mem;
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
    /* a failure is an allocation failure like any other: the build then
     * ends in OI_NOMEM, or OI_LIMIT when max_alloc refused it */
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

oi_status oi_diag_add(oi_file *f, oi_status code, bool warning, bool has_off,
                      uint64_t off, const char *where, int line,
                      const char *fmt, ...)
{
    if (!warning) {
        f->diag_errors_seen++;
        f->diag_last_error = code;
    }
    /* past the cap only the first error is still kept, so a file's error is
     * never lost behind its warnings; the rest are counted without being
     * formatted (a hostile file can ask for millions) */
    if (f->diags.n >= f->opt.max_warnings && (warning || f->diag_errors)) {
        f->diags_suppressed++;
        return code;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= 0 && has_off && (size_t)n < sizeof buf)
        snprintf(buf + n, sizeof buf - (size_t)n, " at file offset 0x%llx",
                 (unsigned long long)off);
    /* a message is one line of printable ASCII, whatever names from the
     * file it quotes: any other byte becomes \xNN */
    char clean[sizeof buf];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)buf; *p && o + 5 < sizeof clean; p++) {
        if (*p >= 0x20 && *p < 0x7f)
            clean[o++] = (char)*p;
        else
            o += (size_t)snprintf(clean + o, sizeof clean - o, "\\x%02x", *p);
    }
    clean[o] = 0;
    memcpy(buf, clean, o + 1);
    oi_diag *const *d = f->diags.items;
    for (size_t i = 0; i < f->diags.n; i++)
        if (d[i]->code == code && strcmp(d[i]->where, where) == 0 &&
            strcmp(d[i]->message, buf) == 0)
            return code;
    /* diagnostics are few and small, so they do not count against
     * max_alloc: a file that hit the cap can still say so */
    size_t len = strlen(buf);
    oi_diag *nd = oi_arena_alloc_uncapped(f->mem, sizeof *nd + len + 1);
    oi_diag **slot = nd ? oi_vec_push(&f->diags, sizeof nd) : NULL;
    if (!slot) {
        f->diags_suppressed++;
        return code;
    }
    char *msg = (char *)(nd + 1);
    memcpy(msg, buf, len + 1);
    *nd = (oi_diag){ .code = code, .offset = has_off ? off : UINT64_MAX,
                     .has_offset = has_off, .where = where, .message = msg,
                     .source_line = line, .warning = warning };
    *slot = nd;
    if (!warning)
        f->diag_errors++;
    return code;
}

/* ---------------------------------------------------------- limits */

oi_status oi_limit_hit(oi_file *f, uint64_t off, const char *where, const char *option)
{
    uint64_t v = strcmp(option, "max_depth") == 0 ? f->opt.max_depth
                 : strcmp(option, "max_steps") == 0 ? f->opt.max_steps
                 : strcmp(option, "max_decompressed") == 0 ? f->opt.max_decompressed
                 : strcmp(option, "max_alloc") == 0 ? f->opt.max_alloc : 0;
    return OI_ERROR(f, OI_LIMIT, off, where, "resource limit reached: %s = %llu (oi_options.%s)",
                    option, (unsigned long long)v, option);
}

oi_status oi_limit_decompress(oi_file *f, uint64_t n, uint64_t off, const char *where)
{
    oi_file *r = f->root;
    uint64_t cap = f->opt.max_decompressed;
    if (n > cap || r->decompressed > cap - n)
        return OI_WARN(f, OI_LIMIT, off, where,
                        "decompressing 0x%llx more bytes would pass the limit of 0x%llx "
                        "(oi_options.max_decompressed)",
                        (unsigned long long)n, (unsigned long long)cap);
    r->decompressed += n;
    return OI_OK;
}

uint8_t *oi_bitset_new(oi_file *f, uint64_t nbits)
{
    if (nbits > (uint64_t)SIZE_MAX - 7) {
        f->mem->nfailed++;
        return NULL;
    }
    return oi_arena_alloc(f->mem, (size_t)((nbits + 7) / 8));
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
