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

#include <pthread.h>
#include <stdatomic.h>

/* A growable array of records, in malloc'd memory freed at close. Growth is
 * geometric, so there is no allocation per record. When mem is set (the
 * model's tables and the diagnostics always have it; a parser's own vec
 * should set it with oi_vec_use), the memory is charged to that arena's cap
 * and subject to its failure injection. */
typedef struct oi_vec {
    void *items;
    size_t n, cap, size;
    oi_arena *mem;              /* charge growth to this arena; NULL: plain malloc */
} oi_vec;

static inline void oi_vec_use(oi_vec *v, oi_arena *mem) { v->mem = mem; }

void *oi_vec_push(oi_vec *v, size_t size);       /* zeroed new slot or NULL */
bool oi_vec_reserve(oi_vec *v, size_t size, size_t total);
void oi_vec_free(oi_vec *v);

/* One lazily built table. `built` is set (release) once vec and status are
 * final, so readers that see it may read them without the file's lock;
 * `building` guards against a builder asking for its own table. */
typedef struct oi_table {
    atomic_bool built;
    oi_status status;
    oi_vec vec;
    bool building;
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
    oi_file_info info;          /* written by ops->open only: other threads read it */
    oi_table t[OI_T_COUNT];
    oi_vec diags;               /* oi_diag *, each record in the arena (stable) */
    /* children (fat slices, ar members): opened lazily */
    oi_vec children;            /* oi_child_slot */
    /* --- hostile-input bookkeeping (see "Resource limits" below) */
    size_t diags_suppressed;    /* diagnostics dropped past opt.max_warnings */
    size_t diag_errors;         /* error-level diagnostics kept */
    uint64_t diag_errors_seen;  /* error-level oi_diag_add calls, kept or not */
    oi_status diag_last_error;  /* the code of the last of them */
    unsigned depth;             /* 0 for a top-level file, parent's + 1 for a child */
    uint64_t decompressed;      /* top-level: bytes charged by oi_limit_decompress */
    /* Top-level only: one recursive lock for the file and all its children
     * (they share the arena). Taken by the API around every lazy build,
     * child open and lookup; parsers never take it themselves. */
    pthread_mutex_t lock;
    bool lock_ready;
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

/* ---- resource limits
 * f->opt holds the effective limits: opening replaces every 0 in the
 * caller's oi_options with its default (OI_DEFAULT_*), so a parser reads
 * f->opt.max_depth, f->opt.max_steps, ... directly. What each one bounds:
 *  - max_alloc: every byte the library allocates for the file (arena and
 *    tables; slices and members share their top-level file's budget). A
 *    parser sees it only as NULL from oi_arena_* / oi_model_*: return
 *    OI_NOMEM, and the API layer reports OI_LIMIT when the cap caused it.
 *    Any allocation failure during open or a table build turns that
 *    build's status into OI_NOMEM (or OI_LIMIT), even if the parser went on.
 *  - max_decompressed: bytes inflated from compressed sections, over the
 *    whole top-level file. Call oi_limit_decompress() with the size the
 *    header claims BEFORE allocating or inflating anything.
 *  - max_depth: the depth of any nesting the file controls: trie depth,
 *    re-export and forwarder chains, resource-tree levels, containers inside
 *    containers. Walk with an explicit stack of at most max_depth entries,
 *    never by recursion on file data.
 *  - max_steps: the steps of one chain or trie walk (oi_steps below), on top
 *    of the walk's own visited set or strictly increasing offsets.
 *  - max_warnings: diagnostics kept per file (oi_diag_add counts the rest;
 *    the first error is always kept, so an error is never lost). */
#define OI_DEFAULT_ALLOC_BASE ((uint64_t)16 << 20)   /* + 4 x the file size */
#define OI_DEFAULT_ALLOC_PER_BYTE 4
#define OI_DEFAULT_DECOMPRESSED ((uint64_t)64 << 20)
#define OI_DEFAULT_DEPTH 128
#define OI_DEFAULT_STEPS ((uint64_t)1 << 22)
#define OI_DEFAULT_WARNINGS 100

/* A step budget for one walk: `oi_steps s = oi_steps_begin(f);` then
 * `if (!oi_step(&s)) return oi_limit_hit(f, off, "macho/trie", "max_steps");`
 * at each step. */
typedef struct oi_steps {
    uint64_t left;
} oi_steps;
static inline oi_steps oi_steps_begin(const oi_file *f)
{
    oi_steps s = { f->opt.max_steps };
    return s;
}
static inline bool oi_step(oi_steps *s)
{
    if (s->left == 0)
        return false;
    s->left--;
    return true;
}

/* Record that a walk stopped at the limit named by `option` ("max_steps",
 * "max_depth", ...): an error diagnostic; returns OI_LIMIT. */
oi_status oi_limit_hit(oi_file *f, uint64_t off, const char *where, const char *option);
/* Charge n bytes about to be decompressed to the top-level file's
 * max_decompressed budget: OI_OK, or OI_LIMIT with a warning (and nothing
 * charged: the caller goes on without that section). Call it with the size
 * the file claims, before allocating or inflating anything. */
oi_status oi_limit_decompress(oi_file *f, uint64_t n, uint64_t off, const char *where);

/* A visited set over [0, nbits) (e.g. offsets of a trie or a chain),
 * zeroed, in the arena: NULL when out of memory. nbits is file-controlled,
 * so cap it by the structure's size first. */
uint8_t *oi_bitset_new(oi_file *f, uint64_t nbits);
/* Mark bit i; returns true when it was already set (a loop). */
static inline bool oi_bitset_test_set(uint8_t *bits, uint64_t i)
{
    uint8_t m = (uint8_t)(1u << (i & 7));
    bool was = (bits[i >> 3] & m) != 0;
    bits[i >> 3] |= m;
    return was;
}
/* ---- lazily built tables outside the six of the API (e.g. src/abi's tags)
 * Build tb once with fn, as the API builds its own tables: under the file's
 * lock (so the first use from several threads at once is safe), with any
 * allocation failure during fn turned into OI_NOMEM/OI_LIMIT and strict
 * mode applied; later calls return its status without the lock. */
oi_status oi_table_once(oi_file *f, oi_table *tb, oi_status (*fn)(oi_file *f), const char *what);
/* The file's lock (recursive, shared with its slices and members), for
 * code below the API that keeps lazy state of its own. */
void oi_file_lock(const oi_file *f);
void oi_file_unlock(const oi_file *f);

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
