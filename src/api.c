/*
 * The public API: opening, lazy tables, strict/permissive policy, lookup.
 * It sits on top of the parsers (through the dispatch table) and the abi
 * layer, and is the only code that knows both.
 */
#include "objinspect.h"
#include "core/file.h"
#include "abi/abi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_error(oi_error *err, oi_status code, const char *where,
                      const char *msg, bool has_off, uint64_t off)
{
    if (!err)
        return;
    err->code = code;
    err->has_offset = has_off;
    err->offset = has_off ? off : UINT64_MAX;
    snprintf(err->where, sizeof err->where, "%s", where);
    snprintf(err->message, sizeof err->message, "%s", msg);
}

static void close_file(oi_file *f);

/* Open `data` as a file; root is NULL for a top-level file. */
static oi_status open_view(oi_view data, const char *name, const oi_options *opt,
                           oi_file *root, oi_file **out, oi_error *err)
{
    *out = NULL;
    oi_file *f = calloc(1, sizeof *f);
    if (!f) {
        set_error(err, OI_NOMEM, "open", "out of memory", false, 0);
        return OI_NOMEM;
    }
    f->data = data;
    if (opt)
        f->opt = *opt;
    if (root) {
        f->root = root;
        f->mem = root->mem;
    } else {
        f->root = f;
        f->mem = &f->arena;
        size_t cap = f->opt.max_alloc;
        if (!cap)
            cap = (data.n > (SIZE_MAX - ((size_t)64 << 20)) / 64)
                      ? SIZE_MAX : data.n * 64 + ((size_t)64 << 20);
        oi_arena_init(&f->arena, cap);
    }
    f->name = oi_arena_strdup(f->mem, name ? name : "<memory>");
    if (!f->name) {
        close_file(f);
        set_error(err, OI_NOMEM, "open", "out of memory", false, 0);
        return OI_NOMEM;
    }
    f->ops = oi_probe(data);
    if (!f->ops) {
        set_error(err, OI_NOTOBJ, "probe", oi_probe_why(data), false, 0);
        close_file(f);
        return OI_NOTOBJ;
    }
    f->info.format = f->ops->format;
    oi_status st = f->ops->open(f);
    if (st == OI_OK && !f->opt.permissive) {
        /* strict: any error recorded while reading headers fails the open */
        for (size_t i = 0; i < f->diags.n; i++) {
            const oi_diag *d = oi_diag_at(f, i);
            if (!d->warning) {
                st = d->code;
                break;
            }
        }
    }
    if (st != OI_OK) {
        const oi_diag *d = NULL;
        for (size_t i = 0; i < f->diags.n && !d; i++)
            if (!oi_diag_at(f, i)->warning)
                d = oi_diag_at(f, i);
        if (d)
            set_error(err, st, d->where, d->message, d->has_offset, d->offset);
        else
            set_error(err, st, f->ops->name, oi_status_name(st), false, 0);
        close_file(f);
        return st;
    }
    oi_abi_file_defaults(&f->info);
    *out = f;
    return OI_OK;
}

oi_status oi_open_memory(const void *data, size_t size, const char *name,
                         const oi_options *opt, oi_file **out, oi_error *err)
{
    if (!out || (!data && size)) {
        set_error(err, OI_ARG, "open", "bad argument", false, 0);
        if (out)
            *out = NULL;
        return OI_ARG;
    }
    if (size == 0) {
        *out = NULL;
        set_error(err, OI_NOTOBJ, "open", "not an object file (empty file)", false, 0);
        return OI_NOTOBJ;
    }
    return open_view(oi_view_make(data, size), name, opt, NULL, out, err);
}

oi_status oi_open_path(const char *path, const oi_options *opt, oi_file **out,
                       oi_error *err)
{
    char msg[200];
    if (!out || !path) {
        set_error(err, OI_ARG, "open", "bad argument", false, 0);
        if (out)
            *out = NULL;
        return OI_ARG;
    }
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(msg, sizeof msg, "%s", strerror(errno));
        set_error(err, OI_IO, "open", msg, false, 0);
        return OI_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        snprintf(msg, sizeof msg, "%s", strerror(errno));
        close(fd);
        set_error(err, OI_IO, "open", msg, false, 0);
        return OI_IO;
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        set_error(err, OI_IO, "open", "is a directory", false, 0);
        return OI_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        set_error(err, OI_IO, "open", "not a regular file", false, 0);
        return OI_IO;
    }
    if (sb.st_size == 0) {
        close(fd);
        set_error(err, OI_NOTOBJ, "open", "not an object file (empty file)", false, 0);
        return OI_NOTOBJ;
    }
    if ((uint64_t)sb.st_size > SIZE_MAX) {
        close(fd);
        set_error(err, OI_LIMIT, "open", "file too large to map", false, 0);
        return OI_LIMIT;
    }
    size_t len = (size_t)sb.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(msg, sizeof msg, "mmap: %s", strerror(errno));
        set_error(err, OI_IO, "open", msg, false, 0);
        return OI_IO;
    }
    oi_status st = open_view(oi_view_make(map, len), path, opt, NULL, out, err);
    if (st != OI_OK) {
        munmap(map, len);
        return st;
    }
    (*out)->map = map;
    (*out)->map_len = len;
    return OI_OK;
}

static void close_file(oi_file *f)
{
    oi_child_slot *ch = f->children.items;
    for (size_t i = 0; i < f->children.n; i++)
        if (ch[i].file)
            close_file(ch[i].file);
    oi_vec_free(&f->children);
    if (f->ops && f->ops->close)
        f->ops->close(f);
    for (int t = 0; t < OI_T_COUNT; t++)
        oi_vec_free(&f->t[t].vec);
    oi_vec_free(&f->diags);
    oi_vec_free(&f->abi_tags.vec);
    if (f->root == f || !f->root) {
        oi_arena_free(&f->arena);
        if (f->map)
            munmap(f->map, f->map_len);
    }
    free(f);
}

void oi_close(oi_file *f)
{
    if (f)
        close_file(f->root ? f->root : f);
}

const oi_file_info *oi_info(const oi_file *f) { return &f->info; }
const char *oi_name(const oi_file *f) { return f->name; }

size_t oi_child_count(oi_file *f) { return f ? f->children.n : 0; }

oi_status oi_child(oi_file *f, size_t i, oi_file **out)
{
    *out = NULL;
    if (!f || i >= f->children.n)
        return OI_ARG;
    oi_child_slot *c = (oi_child_slot *)f->children.items + i;
    if (!c->tried) {
        c->tried = true;
        oi_error err;
        if (c->data.n == 0) {
            c->status = OI_ERROR_NOOFF(f, OI_NOTOBJ, "open", "%s: empty member", c->name);
        } else {
            c->status = open_view(c->data, c->name, &f->opt, f->root, &c->file, &err);
            if (c->status != OI_OK)
                oi_diag_add(f, c->status, true, err.has_offset, err.offset,
                            "child", __LINE__, "%s: %s", c->name, err.message);
        }
    }
    *out = c->file;
    return c->status;
}

oi_status oi_child_by_arch(oi_file *f, const char *arch, oi_file **out)
{
    *out = NULL;
    if (!f || !arch)
        return OI_ARG;
    const oi_child_slot *ch = f->children.items;
    for (size_t i = 0; i < f->children.n; i++)
        if (ch[i].arch && strcmp(ch[i].arch, arch) == 0)
            return oi_child(f, i, out);
    return OI_NOTFOUND;
}

/* ---------------------------------------------------------- lazy tables */

typedef oi_status (*build_fn)(oi_file *f);

static build_fn builder(const oi_file *f, int t)
{
    switch (t) {
    case OI_T_SECTIONS: return f->ops->build_sections;
    case OI_T_SYMBOLS: return f->ops->build_symbols;
    case OI_T_EXPORTS: return f->ops->build_exports;
    case OI_T_IMPORTS: return f->ops->build_imports;
    case OI_T_DEPS: return f->ops->build_deps;
    case OI_T_PROPS: return f->ops->build_props;
    case OI_T_RELOCS: return f->ops->build_relocs;
    }
    return NULL;
}

static oi_status table(oi_file *f, int t, const void **out, size_t *n)
{
    oi_table *tb = &f->t[t];
    if (t == OI_T_EXPORTS && f->xstream && !tb->built) {
        /* asked from inside oi_exports_each's callback: the table is the
         * stream's chunk just now */
        if (out)
            *out = NULL;
        if (n)
            *n = 0;
        return OI_ARG;
    }
    if (!tb->built) {
        tb->built = true;
        build_fn fn = builder(f, t);
        size_t before = f->diags.n;
        tb->status = fn ? fn(f) : OI_OK;
        if (tb->status == OI_OK && !f->opt.permissive) {
            for (size_t i = before; i < f->diags.n; i++) {
                const oi_diag *d = oi_diag_at(f, i);
                if (!d->warning) {
                    tb->status = d->code;
                    break;
                }
            }
        }
        if (tb->status == OI_OK && t == OI_T_EXPORTS)
            oi_abi_annotate_exports(&f->info, tb->vec.items, tb->vec.n);
        if (tb->status != OI_OK && !f->opt.permissive)
            tb->vec.n = 0;
    }
    if (out)
        *out = tb->vec.items;
    if (n)
        *n = tb->vec.n;
    return tb->status;
}

#define TABLE_API(fn, type, t)                                            \
    oi_status fn(oi_file *f, const type **out, size_t *n)                 \
    {                                                                     \
        if (!f) return OI_ARG;                                            \
        return table(f, t, (const void **)out, n);                        \
    }
TABLE_API(oi_sections, oi_section, OI_T_SECTIONS)
TABLE_API(oi_symbols, oi_symbol, OI_T_SYMBOLS)
TABLE_API(oi_exports, oi_export, OI_T_EXPORTS)
TABLE_API(oi_imports, oi_import, OI_T_IMPORTS)
TABLE_API(oi_dependencies, oi_dependency, OI_T_DEPS)
TABLE_API(oi_properties, oi_property, OI_T_PROPS)
TABLE_API(oi_relocations, oi_reloc, OI_T_RELOCS)

/* A full chunk of a streamed exports table: annotated as table() annotates
 * a built one, then handed to the caller. */
static void stream_flush(oi_file *f, oi_export_stream *s, oi_export *e, size_t n)
{
    if (!(s->flags & OI_EACH_NO_ABI))
        oi_abi_annotate_exports(&f->info, e, n);
    s->fn(s->ctx, e, n);
}

/* 256 exports (40 KiB) a chunk: it stays in L1/L2 between the builder
 * writing it and the caller reading it, and touches few fresh pages (a page
 * fault costs microseconds on a virtual machine). */
#define EXPORT_CHUNK 256

oi_status oi_exports_each(oi_file *f, unsigned flags, oi_export_fn fn, void *ctx)
{
    if (!f || !fn || f->xstream)
        return OI_ARG;
    oi_table *tb = &f->t[OI_T_EXPORTS];
    if (tb->built || !f->opt.permissive || !f->ops->exports_stream || !f->ops->build_exports) {
        const oi_export *e;
        size_t n;
        oi_status st = oi_exports(f, &e, &n);
        if (n)
            fn(ctx, e, n);
        return st;
    }
    oi_export_stream s = { stream_flush, EXPORT_CHUNK, fn, ctx, flags };
    f->xstream = &s;
    oi_status st = f->ops->build_exports(f);
    if (tb->vec.n)
        stream_flush(f, &s, tb->vec.items, tb->vec.n);
    f->xstream = NULL;
    /* the table stays unbuilt: oi_exports() builds it in full if asked */
    oi_vec_free(&tb->vec);
    return st;
}

oi_status oi_section_data(oi_file *f, size_t i, const void **data, size_t *size)
{
    if (!f || !data || !size)
        return OI_ARG;
    *data = NULL;
    *size = 0;
    const oi_section *s;
    size_t n;
    oi_status st = oi_sections(f, &s, &n);
    if (st != OI_OK)
        return st;
    if (i >= n)
        return OI_ARG;
    oi_view v;
    if (f->ops->section_data) {
        st = f->ops->section_data(f, i, &v);
    } else if (!oi_view_sub(f->data, s[i].offset, s[i].file_size, &v)) {
        st = OI_ERROR(f, OI_TRUNCATED, s[i].offset, "section",
                      "section %zu runs past the end of the file", i);
    }
    if (st == OI_OK) {
        *data = v.p;
        *size = v.n;
    }
    return st;
}

#define INDEX_API(count_fn, at_fn, type, t)                               \
    size_t count_fn(oi_file *f)                                           \
    {                                                                     \
        size_t n = 0;                                                     \
        if (f) table(f, t, NULL, &n);                                     \
        return n;                                                         \
    }                                                                     \
    const type *at_fn(oi_file *f, size_t i)                               \
    {                                                                     \
        const void *items;                                                \
        size_t n = 0;                                                     \
        if (!f) return NULL;                                              \
        table(f, t, &items, &n);                                          \
        return i < n ? (const type *)items + i : NULL;                    \
    }
INDEX_API(oi_export_count, oi_export_at, oi_export, OI_T_EXPORTS)
INDEX_API(oi_import_count, oi_import_at, oi_import, OI_T_IMPORTS)
INDEX_API(oi_symbol_count, oi_symbol_at, oi_symbol, OI_T_SYMBOLS)
INDEX_API(oi_section_count, oi_section_at, oi_section, OI_T_SECTIONS)
INDEX_API(oi_dependency_count, oi_dependency_at, oi_dependency, OI_T_DEPS)

oi_status oi_load_all(oi_file *f)
{
    if (!f)
        return OI_ARG;
    oi_status first = OI_OK;
    for (int t = 0; t < OI_T_COUNT; t++) {
        oi_status st = table(f, t, NULL, NULL);
        if (first == OI_OK)
            first = st;
    }
    oi_abi_tags(f, NULL, NULL);   /* built now too, so the handle is read-only after */
    for (size_t i = 0; i < f->children.n; i++) {
        oi_file *c;
        if (oi_child(f, i, &c) == OI_OK)
            oi_load_all(c);
    }
    return first;
}

size_t oi_diag_count(const oi_file *f) { return f ? f->diags.n : 0; }

const oi_diag *oi_diag_at(const oi_file *f, size_t i)
{
    return f && i < f->diags.n ? (const oi_diag *)f->diags.items + i : NULL;
}

/* ---------------------------------------------------------- lookup */

#define say oi_explain_step

/* The fallback for a format with no lookup structure: a scan of the table. */
static oi_status scan_lookup(oi_file *f, const char *name, const char *version,
                             oi_explain_fn explain, void *ctx, oi_lookup_result *res)
{
    const oi_export *e;
    size_t n;
    res->path = "scan";
    say(explain, ctx, "%s", "no lookup structure for this format: scanning the export table");
    oi_status st = oi_exports(f, &e, &n);
    if (st != OI_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        if (!e[i].name || strcmp(e[i].name, name) != 0)
            continue;
        if (version ? !(e[i].version && strcmp(e[i].version, version) == 0)
                    : (e[i].version && !e[i].version_default))
            continue;
        res->found = true;
        res->exp = e[i];
        return OI_OK;
    }
    say(explain, ctx, "%s: not in the export table", name);
    return OI_NOTFOUND;
}

oi_status oi_lookup(oi_file *f, const char *name, const char *version,
                    oi_explain_fn explain, void *ctx, oi_lookup_result *res)
{
    return oi_lookup_ex(f, name, version, 0, explain, ctx, res);
}

oi_status oi_lookup_ex(oi_file *f, const char *name, const char *version, unsigned flags,
                       oi_explain_fn explain, void *ctx, oi_lookup_result *res)
{
    if (!f || !name || !res)
        return OI_ARG;
    memset(res, 0, sizeof *res);
    res->exp.ordinal = -1;
    res->exp.fwd_ordinal = -1;
    res->exp.callconv_argbytes = -1;
    if (f->children.n)
        return OI_UNSUPPORTED;   /* a container: look up in a child */
    oi_status st = flags && f->ops->lookup_ex
                       ? f->ops->lookup_ex(f, name, version, flags, explain, ctx, res)
                   : f->ops->lookup
                       ? f->ops->lookup(f, name, version, explain, ctx, res)
                       : scan_lookup(f, name, version, explain, ctx, res);
    if (st == OI_OK && res->found)
        oi_abi_annotate_exports(&f->info, &res->exp, 1);
    else if (st == OI_OK)
        st = OI_NOTFOUND;
    return st;
}

const oi_export *oi_find_export(oi_file *f, const char *name, const char *version)
{
    oi_lookup_result r;
    if (oi_lookup(f, name, version, NULL, NULL, &r) != OI_OK)
        return NULL;
    oi_export *e = oi_arena_alloc(f->mem, sizeof *e);
    if (e)
        *e = r.exp;
    return e;
}
