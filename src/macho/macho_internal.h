/* State shared by the files of src/macho.
 *
 * Opening reads the header and walks the load commands once (they are
 * headers too): each command is validated (cmdsize at least 8, aligned,
 * inside sizeofcmds) and what later tables need is recorded here. Tables
 * (symbols, exports, imports, ...) are built lazily from these ranges. */
#ifndef OI_MACHO_INTERNAL_H
#define OI_MACHO_INTERNAL_H

#include "core/file.h"
#include "macho_format.h"

typedef struct macho_segment {
    const char *name;
    uint64_t vmaddr, vmsize, fileoff, filesize;
    uint32_t nsects;
} macho_segment;

typedef struct macho_section {
    const char *name, *segname;
    uint64_t addr, size, offset;
    uint32_t flags;
} macho_section;

/* One dylib load command; its 1-based position is the library ordinal. */
typedef struct macho_dylib {
    const char *name;
    uint32_t cmd;
    uint32_t current, compat;
} macho_dylib;

/* A range of __LINKEDIT named by a load command (file offsets). */
typedef struct macho_range {
    bool present;
    uint32_t off, size;
} macho_range;

/* What the one validation walk of the exports trie learnt. */
typedef struct macho_trie_stats {
    int state;               /* 0 not checked yet, 1 valid, -1 malformed */
    oi_status status;        /* why it is malformed */
    size_t exports;          /* terminal nodes */
    uint64_t name_bytes;     /* sum of (name length + 1) over exports */
    size_t max_name;         /* longest name */
} macho_trie_stats;

typedef struct macho_priv {
    bool is64, big;
    uint32_t cputype, cpusubtype, filetype, ncmds, sizeofcmds, flags;
    size_t header_size;        /* 28 or 32: load commands follow */
    uint32_t ncmds_valid;      /* load commands that passed validation */

    macho_segment *segs;
    size_t nsegs;
    macho_section *sects;      /* in file order: n_sect 1 is sects[0] */
    size_t nsects;
    struct macho_sect_key { uint64_t addr; uint32_t idx; } *sect_by_addr; /* sorted */
    macho_dylib *dylibs;
    size_t ndylibs;

    uint64_t base;             /* vmaddr of the segment mapping file offset 0 */
    bool has_id;
    macho_dylib id;            /* LC_ID_DYLIB */

    bool has_symtab, has_dysymtab;
    uint32_t symoff, nsyms, stroff, strsize;
    uint32_t iextdefsym, nextdefsym, iundefsym, nundefsym;

    macho_range rebase, bind, weak_bind, lazy_bind, export_info; /* LC_DYLD_INFO */
    bool has_dyld_info;
    macho_range exports_trie;  /* LC_DYLD_EXPORTS_TRIE */
    macho_range chained;       /* LC_DYLD_CHAINED_FIXUPS */

    bool has_trie;             /* LC_DYLD_INFO(_ONLY) or LC_DYLD_EXPORTS_TRIE present */
    oi_view trie;              /* the exports trie in use (may be empty) */
    uint64_t trie_off;         /* its file offset, for messages */
    macho_trie_stats tstat;
} macho_priv;

typedef struct macho_sect_key macho_sect_key;

static inline macho_priv *macho_p(oi_file *f) { return f->priv; }

/* A validated load command. */
typedef struct macho_lc {
    uint32_t index, cmd, size;
    size_t off;                /* file offset of the command */
    oi_view body;              /* the whole command, cmdsize bytes */
} macho_lc;

/* "x86_64", "arm64e", "armv7k", ... for a cputype/cpusubtype pair. */
const char *oi_macho_arch_name(uint32_t cputype, uint32_t cpusubtype);

/* macho_loadcmds.c */
oi_status macho_parse_loadcmds(oi_file *f);
/* Iterate the validated load commands, from an iterator set to {0, 0}. */
typedef struct macho_lc_iter { uint32_t index; size_t off; } macho_lc_iter;
bool macho_lc_next(oi_file *f, macho_lc_iter *it, macho_lc *lc);
/* The lc_str at `field` (an offset from the command start) inside lc. */
const char *macho_lc_str(oi_file *f, const macho_lc *lc, uint32_t field);
/* The section holding addr, or NULL. */
const macho_section *macho_section_at(const macho_priv *p, uint64_t addr);
bool macho_section_is_code(const macho_section *s);
/* The name of library ordinal `ord` as a two-level-namespace lookup sees
 * it: a dylib's install name, or "this-image", "main-executable",
 * "flat-namespace", "weak"; NULL for an ordinal that names no dylib. */
const char *macho_ordinal_library(const macho_priv *p, int64_t ord);
oi_status macho_build_sections(oi_file *f);
oi_status macho_build_deps(oi_file *f);
oi_status macho_build_props(oi_file *f);

/* macho_symbols.c */
oi_status macho_build_symbols(oi_file *f);
/* Fill sym from nlist i (checked against the table); false when bad. */
typedef struct macho_nlist {
    const char *name;          /* NULL when n_strx is out of range */
    uint32_t strx;
    uint8_t type, sect;
    uint16_t desc;
    uint64_t value;
} macho_nlist;
bool macho_nlist_at(oi_file *f, uint32_t i, macho_nlist *out);
/* Fill an export record from an external defined nlist (the fallback
 * when there is no trie, and the "nlist" lookup path). */
void macho_export_from_nlist(oi_file *f, const macho_nlist *nl, oi_export *e);
bool macho_nlist_is_export(const macho_nlist *nl);

/* macho_exports.c (the trie) */
oi_status macho_trie_validate(oi_file *f);
/* Decode the terminal information of node `node` (validated trie) into e;
 * name is the export's full name (already in stable memory). */
void macho_trie_terminal(oi_file *f, size_t node, const char *name, oi_export *e);
oi_status macho_build_exports(oi_file *f);

/* macho_imports.c (bind opcodes) and macho_fixups.c (chained fixups) */
oi_status macho_build_imports(oi_file *f);
/* Add one import, folding repeats of the same (name, ordinal). */
typedef struct macho_import_set macho_import_set;
oi_status macho_add_import(oi_file *f, macho_import_set *set, const char *name, int64_t ord,
                           bool weak_import, uint32_t table);
oi_status macho_chained_imports(oi_file *f, macho_import_set *set);
/* raw.b of an import: the table it came from */
enum { MACHO_IMP_BIND = 0, MACHO_IMP_WEAK_BIND = 1, MACHO_IMP_LAZY_BIND = 2,
       MACHO_IMP_CHAINED = 3 };

/* macho_lookup.c */
oi_status macho_lookup(oi_file *f, const char *name, const char *version,
                       oi_explain_fn explain, void *ctx, oi_lookup_result *res);

#endif
