/*
 * The checks layer: the check table, the policy, name patterns, the
 * hardening, floor, export and consistency rules, and the ABI diff. It is
 * written once, on the model: everything here reads the public API only
 * (tables, properties, lookups) and never a byte of the file.
 */
#ifndef OI_CHECK_CHECK_H
#define OI_CHECK_CHECK_H

#include "objinspect.h"
#include "core/arena.h"

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/* ------------------------------------------------------------ patterns */

typedef enum name_match { MATCH_EXACT, MATCH_GLOB, MATCH_REGEX } name_match;

/* One name pattern of the policy: "[raw:|demangled:][exact:|glob:|re:]TEXT". */
typedef struct name_pattern {
    name_match how;
    bool demangled;           /* match the demangled name, not the raw one */
    const char *text;         /* the pattern itself (arena) */
    const char *written;      /* the pattern as written, for evidence */
    int line;                 /* line of the policy */
    bool compiled;            /* re holds a compiled regex */
    regex_t re;
} name_pattern;

/* Parse s into p; false with why[] set on a bad pattern. */
bool pattern_parse(name_pattern *p, oi_arena *mem, const char *s, int line,
                   char *why, size_t whylen);
void pattern_free(name_pattern *p);
/* Does the export name (raw, and demangled when not NULL) match? */
bool pattern_match(const name_pattern *p, const char *raw, const char *demangled);

/* The demangled form of name in buf, or NULL when it is not mangled or no
 * demangler knows it. */
const char *check_demangle(oi_format format, const char *name, char *buf, size_t len);

/* ------------------------------------------------------------ policy */

typedef enum relro_rule { RELRO_PARTIAL = 0, RELRO_FULL } relro_rule;
typedef enum rpath_rule { RPATH_RUNPATH_ONLY = 0, RPATH_FORBID, RPATH_ALLOW } rpath_rule;

typedef struct pinned_ordinal {
    const char *name;
    int64_t ordinal;
} pinned_ordinal;

/* A growable array inside the policy (malloc'd, freed with the policy). */
typedef struct pvec {
    void *items;
    size_t n, cap;
} pvec;

/* The number of rows in the check table (check_table.c). */
extern const size_t check_table_size;

struct oi_policy {
    oi_arena mem;
    oi_severity *severity;    /* one per check table row */
    pvec expect;              /* name_pattern: exports that must exist */
    pvec forbid;              /* name_pattern: exports that must not */
    bool only_expected;       /* "nothing else" */
    bool require_versioned;
    unsigned visibility_mask; /* bit per oi_visibility; 0 = no rule */
    pvec ordinals;            /* pinned_ordinal */
    const char *max_glibc, *max_glibcxx, *max_cxxabi;  /* "2.17", NULL = no floor */
    const char *max_macos;    /* the newest min-OS a file may require */
    const char *max_pe_subsystem;
    relro_rule relro;
    rpath_rule rpath;
    const char *root;
};

/* ------------------------------------------------------------ running */

/* One line of evidence, built piece by piece; too long a line ends in "...". */
typedef struct evidence {
    char text[768];
    size_t n;
    bool full;
} evidence;

void ev_add(evidence *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a name list: at most `show` names, then "and N more". */
typedef struct name_list {
    size_t count;
    size_t show;
    evidence *ev;
} name_list;
void nl_add(name_list *nl, const char *name, const char *version);
void nl_end(name_list *nl);

/* What a check sees: the file, the policy and the tables, loaded on first
 * use. A table that failed to build leaves its status in *_st. */
typedef struct check_ctx {
    oi_file *f;
    const oi_file_info *in;
    const oi_policy *pol;
    bool have_exp, have_imp, have_sym, have_prop, have_dep;
    const oi_export *exp; size_t nexp; oi_status exp_st;
    const oi_import *imp; size_t nimp; oi_status imp_st;
    const oi_symbol *sym; size_t nsym; oi_status sym_st;
    const oi_property *prop; size_t nprop; oi_status prop_st;
    const oi_dependency *dep; size_t ndep; oi_status dep_st;
    oi_status first_error;    /* the first table that failed */
} check_ctx;

/* Table loaders: OI_OK or the table's error (also kept in first_error). */
oi_status ctx_exports(check_ctx *c);
oi_status ctx_imports(check_ctx *c);
oi_status ctx_symbols(check_ctx *c);
oi_status ctx_props(check_ctx *c);
oi_status ctx_deps(check_ctx *c);
/* A property's value, or NULL when the file (or its parser) has none. */
const char *ctx_prop(check_ctx *c, const char *key);
/* Does a comma/space/pipe separated property value hold the token? */
bool prop_has_token(const char *value, const char *token);
/* Is there an import of this exact name? */
const oi_import *ctx_find_import(check_ctx *c, const char *name);

typedef oi_verdict (*check_fn)(check_ctx *c, evidence *ev);

/* GNU ld puts one absolute symbol per version node in .dynsym, named like
 * the node (ABI_2@@ABI_2): it marks the node, it is no function or datum,
 * and neither policies nor the ABI diff count it. */
bool is_version_marker(const oi_export *e);

/* Compare dotted versions ("2.17" < "2.34"); a part that is not a number
 * sorts after every number. */
int version_cmp(const char *a, const char *b);

/* The rules, by group (one function per check table row). */
oi_verdict check_exports_expected(check_ctx *c, evidence *ev);
oi_verdict check_exports_forbidden(check_ctx *c, evidence *ev);
oi_verdict check_exports_only_expected(check_ctx *c, evidence *ev);
oi_verdict check_exports_versioned(check_ctx *c, evidence *ev);
oi_verdict check_exports_visibility(check_ctx *c, evidence *ev);
oi_verdict check_exports_pe_ordinals(check_ctx *c, evidence *ev);

oi_verdict check_floor_glibc(check_ctx *c, evidence *ev);
oi_verdict check_floor_glibcxx(check_ctx *c, evidence *ev);
oi_verdict check_floor_cxxabi(check_ctx *c, evidence *ev);
oi_verdict check_floor_macos(check_ctx *c, evidence *ev);
oi_verdict check_floor_pe_subsystem(check_ctx *c, evidence *ev);

oi_verdict check_elf_pie(check_ctx *c, evidence *ev);
oi_verdict check_elf_relro(check_ctx *c, evidence *ev);
oi_verdict check_elf_bind_now(check_ctx *c, evidence *ev);
oi_verdict check_elf_nx_stack(check_ctx *c, evidence *ev);
oi_verdict check_elf_stack_protector(check_ctx *c, evidence *ev);
oi_verdict check_elf_fortify(check_ctx *c, evidence *ev);
oi_verdict check_elf_textrel(check_ctx *c, evidence *ev);
oi_verdict check_elf_rpath(check_ctx *c, evidence *ev);
oi_verdict check_elf_cet(check_ctx *c, evidence *ev);
oi_verdict check_elf_bti_pac(check_ctx *c, evidence *ev);

oi_verdict check_pe_dynamic_base(check_ctx *c, evidence *ev);
oi_verdict check_pe_high_entropy_va(check_ctx *c, evidence *ev);
oi_verdict check_pe_nx_compat(check_ctx *c, evidence *ev);
oi_verdict check_pe_cfg(check_ctx *c, evidence *ev);
oi_verdict check_pe_safeseh(check_ctx *c, evidence *ev);
oi_verdict check_pe_gs(check_ctx *c, evidence *ev);
oi_verdict check_pe_authenticode(check_ctx *c, evidence *ev);

oi_verdict check_macho_pie(check_ctx *c, evidence *ev);
oi_verdict check_macho_stack_protector(check_ctx *c, evidence *ev);
oi_verdict check_macho_no_heap_exec(check_ctx *c, evidence *ev);
oi_verdict check_macho_code_signature(check_ctx *c, evidence *ev);
oi_verdict check_macho_arm64e(check_ctx *c, evidence *ev);

oi_verdict check_consistency_elf_hash(check_ctx *c, evidence *ev);
oi_verdict check_consistency_pe_name_order(check_ctx *c, evidence *ev);
oi_verdict check_consistency_macho_trie(check_ctx *c, evidence *ev);

oi_verdict check_imports_resolvable(check_ctx *c, evidence *ev);

/* ------------------------------------------------------------ glibc */

/* The glibc functions whose fortified "__NAME_chk" form glibc exports
 * (glibc_fortify.c, generated: see the comment there). */
typedef struct glibc_chk {
    const char *chk;          /* "__memcpy_chk" */
    const char *plain;        /* "memcpy": the call it replaces, or NULL */
    const char *since;        /* the GLIBC_ version node that added it */
} glibc_chk;

const glibc_chk *glibc_chk_find(const char *name);
/* Is name a function that _FORTIFY_SOURCE would replace by a _chk call? */
const glibc_chk *glibc_chk_for_plain(const char *name);
size_t glibc_chk_count(void);
const glibc_chk *glibc_chk_at(size_t i);

#endif
