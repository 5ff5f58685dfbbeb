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

/* The file's lock (the top-level file's, shared by its children). */
static void lock(const oi_file *f)
{
    pthread_mutex_lock((pthread_mutex_t *)&f->root->lock);
}
static void unlock(const oi_file *f)
{
    pthread_mutex_unlock((pthread_mutex_t *)&f->root->lock);
}

/* Replace every 0 limit with its default (see "Resource limits" in file.h). */
static void apply_default_limits(oi_options *o, size_t file_size)
{
    if (!o->max_alloc) {
        uint64_t n = file_size;
        o->max_alloc = n > (UINT64_MAX - OI_DEFAULT_ALLOC_BASE) / OI_DEFAULT_ALLOC_PER_BYTE
                           ? UINT64_MAX
                           : OI_DEFAULT_ALLOC_BASE + n * OI_DEFAULT_ALLOC_PER_BYTE;
    }
    if (!o->max_decompressed)
        o->max_decompressed = OI_DEFAULT_DECOMPRESSED;
    if (!o->max_depth)
        o->max_depth = OI_DEFAULT_DEPTH;
    if (!o->max_steps)
        o->max_steps = OI_DEFAULT_STEPS;
    if (!o->max_warnings)
        o->max_warnings = OI_DEFAULT_WARNINGS;
}

/* The status of a build (open or a table) that saw allocation failures
 * since the counts failed0/capped0: OI_LIMIT when the cap refused one, else
 * OI_NOMEM; st when there was none. A failure a parser swallowed still
 * fails the build, so the caller always learns about it. */
static oi_status alloc_status(oi_file *f, oi_status st, uint64_t failed0, uint64_t capped0,
                              const char *what)
{
    if (f->mem->nfailed == failed0)
        return st;
    if (f->mem->ncapped != capped0) {
        OI_ERROR_NOOFF(f, OI_LIMIT, "limits",
                       "%s needs more than the allocation limit of %llu bytes "
                       "(oi_options.max_alloc)", what, (unsigned long long)f->opt.max_alloc);
        return OI_LIMIT;
    }
    OI_ERROR_NOOFF(f, OI_NOMEM, "limits", "out of memory while reading %s", what);
    return OI_NOMEM;
}

/* In strict mode, the status of the first error recorded since errors0. */
static oi_status strict_status(oi_file *f, oi_status st, size_t before, uint64_t errors0)
{
    if (st != OI_OK || f->opt.permissive || f->diag_errors_seen == errors0)
        return st;
    for (size_t i = before; i < f->diags.n; i++) {
        const oi_diag *d = ((oi_diag *const *)f->diags.items)[i];
        if (!d->warning)
            return d->code;
    }
    return f->diag_last_error;   /* the error itself was deduplicated or suppressed */
}

/* Open `data` as a file: a top-level one when parent is NULL, else a child
 * (fat slice, archive member) of parent, called with the lock held. */
static oi_status open_view(oi_view data, const char *name, const oi_options *opt,
                           oi_file *parent, oi_file **out, oi_error *err)
{
    *out = NULL;
    oi_file *f;
    if (parent) {
        f = oi_arena_alloc(parent->mem, sizeof *f);   /* lives until the top-level close */
        if (!f) {
            set_error(err, OI_NOMEM, "open", "out of memory", false, 0);
            return OI_NOMEM;
        }
        f->opt = parent->root->opt;
        f->root = parent->root;
        f->mem = parent->mem;
        f->depth = parent->depth + 1;
    } else {
        /* this calloc is allocation number 1 for failure injection */
        f = opt && opt->fail_alloc_at == 1 ? NULL : calloc(1, sizeof *f);
        if (!f) {
            set_error(err, OI_NOMEM, "open", "out of memory", false, 0);
            return OI_NOMEM;
        }
        if (opt)
            f->opt = *opt;
        apply_default_limits(&f->opt, data.n);
        f->root = f;
        f->mem = &f->arena;
        oi_arena_init(&f->arena, f->opt.max_alloc > SIZE_MAX ? SIZE_MAX : (size_t)f->opt.max_alloc);
        f->arena.fail_at = f->opt.fail_alloc_at;
        f->arena.nallocs = 1;
        pthread_mutexattr_t attr;
        if (pthread_mutexattr_init(&attr) != 0 ||
            pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0 ||
            pthread_mutex_init(&f->lock, &attr) != 0) {
            free(f);
            set_error(err, OI_NOMEM, "open", "cannot create the file's lock", false, 0);
            return OI_NOMEM;
        }
        pthread_mutexattr_destroy(&attr);
        f->lock_ready = true;
    }
    f->data = data;
    for (int t = 0; t < OI_T_COUNT; t++)
        oi_vec_use(&f->t[t].vec, f->mem);
    oi_vec_use(&f->children, f->mem);
    /* f->diags stays on plain malloc: bounded by max_warnings, and it must
     * work when the cap is reached */
    uint64_t failed0 = f->mem->nfailed, capped0 = f->mem->ncapped;
    f->name = oi_arena_strdup(f->mem, name ? name : "<memory>");
    if (!f->name) {
        oi_status st = f->mem->ncapped != capped0 ? OI_LIMIT : OI_NOMEM;
        close_file(f);
        set_error(err, st, "open", st == OI_LIMIT ? "allocation limit reached (oi_options.max_alloc)"
                                                  : "out of memory", false, 0);
        return st;
    }
    if (f->depth > f->opt.max_depth) {
        char msg[128];
        snprintf(msg, sizeof msg, "nested %u containers deep, over the limit of %u "
                 "(oi_options.max_depth)", f->depth, f->opt.max_depth);
        set_error(err, OI_LIMIT, "limits", msg, false, 0);
        close_file(f);
        return OI_LIMIT;
    }
    f->ops = oi_probe(data);
    if (!f->ops) {
        set_error(err, OI_NOTOBJ, "probe", oi_probe_why(data), false, 0);
        close_file(f);
        return OI_NOTOBJ;
    }
    f->info.format = f->ops->format;
    oi_status st = f->ops->open(f);
    st = alloc_status(f, st, failed0, capped0, "the headers");
    /* strict: any error recorded while reading headers fails the open */
    st = strict_status(f, st, 0, 0);
    if (st != OI_OK) {
        const oi_diag *d = NULL;
        for (size_t i = 0; i < f->diags.n && !d; i++)
            if (!oi_diag_at(f, i)->warning)
                d = oi_diag_at(f, i);
        if (st == OI_NOMEM || st == OI_LIMIT) {
            /* the parser's own message may be a symptom; say what happened */
            for (size_t i = 0; i < f->diags.n; i++)
                if (oi_diag_at(f, i)->code == st && strcmp(oi_diag_at(f, i)->where, "limits") == 0)
                    d = oi_diag_at(f, i);
        }
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
    if (f->root != f)
        return;   /* a child lives in the top-level file's arena */
    oi_arena_free(&f->arena);
    if (f->map)
        munmap(f->map, f->map_len);
    if (f->lock_ready)
        pthread_mutex_destroy(&f->lock);
    free(f);
}

void oi_close(oi_file *f)
{
    if (f)
        close_file(f->root);
}

const oi_file_info *oi_info(const oi_file *f) { return &f->info; }
const char *oi_name(const oi_file *f) { return f->name; }

/* only a top-level file mapped from disk has a path to open again */
const char *oi_path(const oi_file *f) { return f && f->map && f->root == f ? f->name : NULL; }

size_t oi_child_count(oi_file *f) { return f ? f->children.n : 0; }

oi_status oi_child(oi_file *f, size_t i, oi_file **out)
{
    *out = NULL;
    if (!f || i >= f->children.n)
        return OI_ARG;
    lock(f);
    oi_child_slot *c = (oi_child_slot *)f->children.items + i;
    if (!c->tried) {
        c->tried = true;
        oi_error err;
        uint64_t failed0 = f->mem->nfailed;
        if (c->data.n == 0) {
            c->status = OI_ERROR_NOOFF(f, OI_NOTOBJ, "open", "%s: empty member", c->name);
        } else {
            c->status = open_view(c->data, c->name, NULL, f, &c->file, &err);
            if (c->status != OI_OK)
                oi_diag_add(f, c->status, true, err.has_offset, err.offset,
                            "child", __LINE__, "%s: %s", c->name, err.message);
        }
        /* the reason could not be recorded: say what happened instead */
        if (c->status != OI_OK && c->status != OI_LIMIT && f->mem->nfailed != failed0)
            c->status = OI_NOMEM;
    }
    *out = c->file;
    oi_status st = c->status;
    unlock(f);
    return st;
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

static const char *const table_name[OI_T_COUNT] = {
    [OI_T_SECTIONS] = "the section table", [OI_T_SYMBOLS] = "the symbol table",
    [OI_T_EXPORTS] = "the export table",   [OI_T_IMPORTS] = "the import table",
    [OI_T_DEPS] = "the dependencies",      [OI_T_PROPS] = "the properties",
};

/* Build tb once with fn. The first caller builds it under the file's lock;
 * once `built` is set the table never changes, so later callers (on any
 * thread) read it without the lock. A builder asking for its own table
 * (same thread, lock held) gets what is there so far. */
static oi_status build_once(oi_file *f, oi_table *tb, build_fn fn, const char *what,
                            bool exports)
{
    if (!atomic_load_explicit(&tb->built, memory_order_acquire)) {
        lock(f);
        if (!atomic_load_explicit(&tb->built, memory_order_relaxed) && !tb->building) {
            tb->building = true;
            oi_vec_use(&tb->vec, f->mem);
            size_t before = f->diags.n;
            uint64_t errors0 = f->diag_errors_seen;
            uint64_t failed0 = f->mem->nfailed, capped0 = f->mem->ncapped;
            oi_status st = fn ? fn(f) : OI_OK;
            bool alloc_failed = f->mem->nfailed != failed0;
            st = alloc_status(f, st, failed0, capped0, what);
            st = strict_status(f, st, before, errors0);
            if (st == OI_OK && exports)
                oi_abi_annotate_exports(&f->info, tb->vec.items, tb->vec.n);
            /* a record whose allocation failed may be half filled: drop the
             * table; strict mode drops it on any error */
            if (alloc_failed || (st != OI_OK && !f->opt.permissive))
                tb->vec.n = 0;
            tb->status = st;
            tb->building = false;
            atomic_store_explicit(&tb->built, true, memory_order_release);
        }
        unlock(f);
    }
    return tb->status;
}

oi_status oi_table_once(oi_file *f, oi_table *tb, oi_status (*fn)(oi_file *f), const char *what)
{
    return build_once(f, tb, fn, what, false);
}

void oi_file_lock(const oi_file *f) { lock(f); }
void oi_file_unlock(const oi_file *f) { unlock(f); }

static oi_status table(oi_file *f, int t, const void **out, size_t *n)
{
    oi_table *tb = &f->t[t];
    if (t == OI_T_EXPORTS && f->xstream) {
        /* asked from inside oi_exports_each's callback: the table is the
         * stream's chunk just now */
        if (out)
            *out = NULL;
        if (n)
            *n = 0;
        return OI_ARG;
    }
    oi_status st = build_once(f, tb, builder(f, t), table_name[t], t == OI_T_EXPORTS);
    if (out)
        *out = tb->vec.items;
    if (n)
        *n = tb->vec.n;
    return st;
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
    if (!f || !fn)
        return OI_ARG;
    oi_table *tb = &f->t[OI_T_EXPORTS];
    lock(f);
    if (f->xstream || tb->building) {
        unlock(f);
        return OI_ARG;   /* from inside a stream's callback, or a builder */
    }
    if (atomic_load_explicit(&tb->built, memory_order_acquire) || !f->opt.permissive ||
        !f->ops->exports_stream || !f->ops->build_exports) {
        unlock(f);
        const oi_export *e;
        size_t n;
        oi_status st = oi_exports(f, &e, &n);
        if (n)
            fn(ctx, e, n);
        return st;
    }
    /* the build runs as build_once runs it, under the file's lock (the
     * callback too), but hands the table over a chunk at a time and leaves
     * it unbuilt: oi_exports() builds it in full if asked */
    oi_export_stream s = { stream_flush, EXPORT_CHUNK, fn, ctx, flags };
    f->xstream = &s;
    tb->building = true;
    oi_vec_use(&tb->vec, f->mem);
    uint64_t failed0 = f->mem->nfailed, capped0 = f->mem->ncapped;
    oi_status st = f->ops->build_exports(f);
    bool alloc_failed = f->mem->nfailed != failed0;
    st = alloc_status(f, st, failed0, capped0, table_name[OI_T_EXPORTS]);
    /* a record whose allocation failed may be half filled: not handed over
     * (the chunks before it were) */
    if (tb->vec.n && !alloc_failed)
        stream_flush(f, &s, tb->vec.items, tb->vec.n);
    f->xstream = NULL;
    tb->building = false;
    oi_vec_free(&tb->vec);
    unlock(f);
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
    /* decompressing fills a cache and the arena: one thread at a time */
    lock(f);
    if (f->ops->section_data) {
        st = f->ops->section_data(f, i, &v);
    } else if (!oi_view_sub(f->data, s[i].offset, s[i].file_size, &v)) {
        st = OI_ERROR(f, OI_TRUNCATED, s[i].offset, "section",
                      "section %zu runs past the end of the file", i);
    }
    unlock(f);
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

/* Diagnostics grow while tables are built, so reading them takes the lock;
 * each record stays where it is until oi_close. */
size_t oi_diag_count(const oi_file *f)
{
    if (!f)
        return 0;
    lock(f);
    size_t n = f->diags.n;
    unlock(f);
    return n;
}

const oi_diag *oi_diag_at(const oi_file *f, size_t i)
{
    if (!f)
        return NULL;
    lock(f);
    const oi_diag *d = i < f->diags.n ? ((oi_diag *const *)f->diags.items)[i] : NULL;
    unlock(f);
    return d;
}

size_t oi_diag_suppressed(const oi_file *f)
{
    if (!f)
        return 0;
    lock(f);
    size_t n = f->diags_suppressed;
    unlock(f);
    return n;
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
    /* a format's lookup may read libelf or fill a cache on first use: one
     * lookup at a time per file */
    lock(f);
    uint64_t failed0 = f->mem->nfailed, capped0 = f->mem->ncapped;
    oi_status st = flags && f->ops->lookup_ex
                       ? f->ops->lookup_ex(f, name, version, flags, explain, ctx, res)
                   : f->ops->lookup
                       ? f->ops->lookup(f, name, version, explain, ctx, res)
                       : scan_lookup(f, name, version, explain, ctx, res);
    if (st == OI_OK && !res->found)
        st = OI_NOTFOUND;
    /* "not found" because an allocation failed would be a wrong answer */
    if (f->mem->nfailed != failed0) {
        st = f->mem->ncapped != capped0 ? OI_LIMIT : OI_NOMEM;
        res->found = false;
    }
    if (st == OI_OK)
        oi_abi_annotate_exports(&f->info, &res->exp, 1);
    unlock(f);
    return st;
}

const oi_export *oi_find_export(oi_file *f, const char *name, const char *version)
{
    oi_lookup_result r;
    if (oi_lookup(f, name, version, NULL, NULL, &r) != OI_OK)
        return NULL;
    lock(f);
    oi_export *e = oi_arena_alloc(f->mem, sizeof *e);
    if (e)
        *e = r.exp;
    unlock(f);
    return e;
}
