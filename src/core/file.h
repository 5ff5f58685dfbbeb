/*
 * The inside of an oi_file, shared by core, the format parsers and the API
 * layer. Parsers see the bytes only through `data` (a bounded view) and fill
 * the model through the oi_model_* helpers below.
 */
#ifndef OI_CORE_FILE_H
#define OI_CORE_FILE_H

#include "objinspect.h"
#include "arena.h"
#include "view.h"

/* A growable array of records, in malloc'd memory freed at close. Growth is
 * geometric, so there is no allocation per record. */
typedef struct oi_vec {
    void *items;
    size_t n, cap, size;
} oi_vec;

void *oi_vec_push(oi_vec *v, size_t size);       /* zeroed new slot or NULL */
bool oi_vec_reserve(oi_vec *v, size_t size, size_t total);
void oi_vec_free(oi_vec *v);

/* One lazily built table. */
typedef struct oi_table {
    bool built;
    oi_status status;
    oi_vec vec;
} oi_table;

enum { OI_T_SECTIONS, OI_T_SYMBOLS, OI_T_EXPORTS, OI_T_IMPORTS, OI_T_DEPS,
       OI_T_PROPS, OI_T_RELOCS, OI_T_COUNT };

typedef struct oi_format_ops oi_format_ops;

struct oi_file {
    oi_view data;               /* the whole file (or slice / member) */
    void *map;                  /* mmap base, top-level file only */
    size_t map_len;
    const char *name;           /* for messages */
    oi_options opt;
    oi_arena arena;             /* top-level: owned; children share the root's */
    oi_arena *mem;              /* the arena to allocate from */
    struct oi_file *root;       /* top-level file (self for the top) */
    const oi_format_ops *ops;
    void *priv;                 /* the format parser's state */
    oi_file_info info;
    oi_table t[OI_T_COUNT];
    oi_vec diags;               /* oi_diag */
    /* children (fat slices, ar members): opened lazily */
    oi_vec children;            /* oi_child_slot */
    oi_table abi_tags;          /* oi_property, built by src/abi on first oi_abi_tags() */
    struct oi_export_stream *xstream;   /* set during oi_exports_each() */
};

/* Streaming exports (oi_exports_each): while f->xstream is set,
 * oi_model_export() hands each full chunk of the exports table to flush and
 * starts the chunk over, so the table never holds more than `chunk`
 * records. Only a builder that never looks back at the records it made may
 * run this way (ops->exports_stream). */
typedef struct oi_export_stream {
    void (*flush)(oi_file *f, struct oi_export_stream *s, oi_export *e, size_t n);
    size_t chunk;
    oi_export_fn fn;
    void *ctx;
    unsigned flags;             /* OI_EACH_* */
} oi_export_stream;

typedef struct oi_child_slot {
    oi_view data;
    const char *name;           /* "path[arm64]", "lib.a(x.o)" */
    const char *arch;           /* fat: arch name, else NULL */
    struct oi_file *file;       /* NULL until opened */
    oi_status status;
    bool tried;
} oi_child_slot;

/* The format dispatch table: one row per format (see dispatch.c). Each
 * build_* fills one table through oi_model_*; a NULL hook means "empty". */
struct oi_format_ops {
    const char *name;
    oi_format format;
    bool (*probe)(oi_view v);
    /* parse headers, fill f->info; may create children */
    oi_status (*open)(oi_file *f);
    oi_status (*build_sections)(oi_file *f);
    oi_status (*build_symbols)(oi_file *f);
    oi_status (*build_exports)(oi_file *f);
    oi_status (*build_imports)(oi_file *f);
    oi_status (*build_deps)(oi_file *f);
    oi_status (*build_props)(oi_file *f);
    oi_status (*lookup)(oi_file *f, const char *name, const char *version,
                        oi_explain_fn explain, void *ctx, oi_lookup_result *res);
    void (*close)(oi_file *f);
    /* the content of section i of the section table (NULL: the raw bytes) */
    oi_status (*section_data)(oi_file *f, size_t i, oi_view *out);
    /* the dynamic relocations that name a symbol (NULL: none) */
    oi_status (*build_relocs)(oi_file *f);
    /* lookup with OI_LOOKUP_* flags (NULL: lookup, the flags ignored) */
    oi_status (*lookup_ex)(oi_file *f, const char *name, const char *version, unsigned flags,
                           oi_explain_fn explain, void *ctx, oi_lookup_result *res);
    /* build_exports makes each export once and never reads back one it
     * made, so it can run with a streaming chunk (see oi_export_stream) */
    bool exports_stream;
};

/* Probe in dispatch order; NULL when no format recognises v. */
const oi_format_ops *oi_probe(oi_view v);
/* Why v is not an object file, for the error message (static text). */
const char *oi_probe_why(oi_view v);

/* ---- model builders (used by parsers) */
oi_section *oi_model_section(oi_file *f);
oi_symbol *oi_model_symbol(oi_file *f);
oi_export *oi_model_export(oi_file *f);   /* ordinal=-1, fwd_ordinal=-1, argbytes=-1 */
oi_import *oi_model_import(oi_file *f);   /* ordinal=-1 */
oi_dependency *oi_model_dep(oi_file *f);
oi_reloc *oi_model_reloc(oi_file *f);
bool oi_model_prop(oi_file *f, const char *key, const char *value);
/* Reserve room for n records of table t (a hint; the table still grows). */
bool oi_model_reserve(oi_file *f, int t, size_t n);

/* Add a child (fat slice, ar member). Call from ops->open. */
bool oi_model_child(oi_file *f, oi_view data, const char *name, const char *arch);

/* The member of archive f that its symbol index says defines sym (false
 * when f is no archive, has no index or no such symbol). */
bool oi_ar_member_defining(oi_file *f, const char *sym, size_t *index);

/* ---- diagnostics
 * Records a diagnostic on f (deduplicated on where+message) and returns
 * `code`, so a parser can write `return OI_DIAG(f, OI_MALFORMED, off, ...)`.
 * A warning is recoverable: the parser went on. */
oi_status oi_diag_add(oi_file *f, oi_status code, bool warning, bool has_off,
                      uint64_t off, const char *where, int line,
                      const char *fmt, ...) __attribute__((format(printf, 8, 9)));

#define OI_ERROR(f, code, off, where, ...) \
    oi_diag_add((f), (code), false, true, (uint64_t)(off), (where), __LINE__, __VA_ARGS__)
#define OI_WARN(f, code, off, where, ...) \
    oi_diag_add((f), (code), true, true, (uint64_t)(off), (where), __LINE__, __VA_ARGS__)
#define OI_ERROR_NOOFF(f, code, where, ...) \
    oi_diag_add((f), (code), false, false, 0, (where), __LINE__, __VA_ARGS__)
#define OI_WARN_NOOFF(f, code, where, ...) \
    oi_diag_add((f), (code), true, false, 0, (where), __LINE__, __VA_ARGS__)

/* One step of a lookup, for --explain: formats the step and hands it to
 * explain; does nothing (and formats nothing) when explain is NULL. */
void oi_explain_step(oi_explain_fn explain, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The offset of p inside f's bytes, for messages. */
static inline uint64_t oi_file_off(const oi_file *f, const void *p)
{
    return (uint64_t)((const uint8_t *)p - f->data.p);
}

/* An upper bound on records a table can hold: no count read from the file
 * may exceed the bytes that could describe it. */
static inline uint64_t oi_count_cap(const oi_file *f, uint64_t min_record)
{
    return min_record ? f->data.n / min_record + 1 : f->data.n + 1;
}

#endif
