/* State shared by the files of src/pe: the parsed headers, the RVA map and
 * the COFF symbol table reader used by both images and objects. */
#ifndef OI_PE_INTERNAL_H
#define OI_PE_INTERNAL_H

#include "core/file.h"
#include "pe_format.h"

typedef struct pe_section {
    char name[9];              /* short name, NUL-terminated */
    const char *long_name;     /* "/N" names of objects, from the string table; else NULL */
    uint32_t vaddr, vsize, raw_off, raw_size, characteristics;
    /* what the RVA map uses, computed once at open */
    uint32_t vextent;          /* bytes of address space: VirtualSize, or SizeOfRawData if 0 */
    uint64_t file_off;         /* PointerToRawData as the loader reads it */
    uint32_t file_len;         /* bytes of the section that exist in the file */
} pe_section;

typedef struct pe_dir {
    uint32_t rva, size;
} pe_dir;

/* The fields of the load configuration directory we report, read at open
 * (they decide ARM64EC / ARM64X). `size` says which exist. */
typedef struct pe_load_config {
    bool present;
    uint32_t size;             /* the structure's own Size field, capped by the bytes present */
    uint64_t security_cookie;
    uint64_t se_handler_table, se_handler_count;
    uint64_t guard_cf_check, guard_cf_function_table, guard_cf_function_count;
    uint32_t guard_flags;
    bool has_guard_flags;
    uint64_t chpe_metadata;
    bool has_chpe;
} pe_load_config;

typedef enum pe_kind {
    PE_KIND_IMAGE = 0,         /* MZ + PE image */
    PE_KIND_OBJECT,            /* COFF object (.obj, mingw .o) */
    PE_KIND_BIGOBJ,            /* COFF object, /bigobj header */
    PE_KIND_SHORT_IMPORT       /* short-format import-library member */
} pe_kind;

typedef struct pe_priv {
    pe_kind kind;
    uint32_t pe_off;            /* offset of "PE\0\0" (images) */
    uint16_t machine, characteristics;
    uint32_t nsections;
    uint32_t timestamp;
    uint32_t symtab_off, nsymbols;
    uint32_t symsize;           /* 18, or 20 for /bigobj */
    oi_view strtab;             /* COFF string table (size field included), or empty */
    /* optional header (images) */
    uint16_t opt_magic;         /* 0x10b / 0x20b */
    bool is64;
    uint8_t linker_major, linker_minor;
    uint64_t image_base;
    uint32_t section_align, file_align, size_of_headers, size_of_image, checksum;
    uint16_t os_major, os_minor, image_major, image_minor;
    uint16_t subsystem, dll_characteristics;
    uint16_t major_subsystem, minor_subsystem;
    uint32_t ndirs;
    pe_dir dirs[IMAGE_NUMBEROF_DIRECTORY_ENTRIES];
    pe_section *sections;
    bool overlap;               /* some sections share addresses */
    pe_load_config lc;
    /* short import member */
    struct {
        uint16_t version, ordinal_hint, type, name_type;
        const char *symbol, *dll, *export_as;
    } imp;
    /* the export directory, read once for the table and for lookups */
    bool exp_read;
    bool exp_ok;
    struct {
        uint32_t base, nfuncs, nnames;
        oi_view eat, names, ords;   /* checked arrays of 4, 4 and 2 bytes */
        const char *dll_name;
        int sorted;                 /* -1 unknown, 0 no, 1 yes */
        uint32_t *slot_name;        /* address-table slot -> first name index, or UINT32_MAX;
                                       built with the export table or on first use */
    } exp;
} pe_priv;

static inline pe_priv *pe_p(oi_file *f) { return f->priv; }

/* ---- pe.c: headers and the RVA map */

/* A remembered section index makes repeated lookups in one section cheap. */
typedef struct pe_map_hint {
    uint32_t sec;
} pe_map_hint;

/* The section whose address range holds rva (first in table order, as the
 * RVA map resolves overlaps), or NULL. */
const pe_section *pe_rva_section(const pe_priv *p, uint32_t rva, pe_map_hint *hint);
/* The file bytes from rva to the end of what the file holds of its section
 * (or of the headers). False when rva is not backed by file bytes. */
bool pe_rva_view(const oi_file *f, uint32_t rva, pe_map_hint *hint, oi_view *out);
/* count*elsize bytes at rva, all backed by the file. */
bool pe_rva_array(const oi_file *f, uint32_t rva, uint64_t count, uint64_t elsize,
                  pe_map_hint *hint, oi_view *out);
/* The NUL-terminated string at rva, its NUL inside the file; NULL if not. */
const char *pe_rva_cstr(const oi_file *f, uint32_t rva, pe_map_hint *hint);
/* A VA (image base + RVA) as an RVA; false when it is below the base or too far. */
bool pe_va_to_rva(const pe_priv *p, uint64_t va, uint32_t *rva);
/* The file offset of rva, for messages; UINT64_MAX when unmapped. */
uint64_t pe_rva_offset(const oi_file *f, uint32_t rva);
/* A data directory, or NULL when absent (index past NumberOfRvaAndSizes or RVA 0). */
const pe_dir *pe_dir_get(const pe_priv *p, unsigned index);
/* True when rva falls in an executable section. */
bool pe_rva_is_code(const pe_priv *p, uint32_t rva, pe_map_hint *hint);

/* Read a section table of n headers at off into p->sections, and compute
 * the RVA map fields. Shared by images and objects. */
oi_status pe_read_sections(oi_file *f, pe_priv *p, uint64_t off, uint32_t n);
oi_status pe_build_sections(oi_file *f);
/* Locate the COFF symbol and string tables (warn, and leave them empty, when
 * they do not fit). */
void pe_locate_symtab(oi_file *f, pe_priv *p);
const char *pe_machine_name(uint16_t m);
int pe_machine_bits(uint16_t m);

/* ---- pe_exports.c */
oi_status pe_build_exports(oi_file *f);
/* Read and check the export directory once; false when there is none or it
 * is unusable (with a diagnostic). */
bool pe_export_dir(oi_file *f);
/* The first name-table index naming address-table slot `index`, or
 * UINT32_MAX (one pass over the ordinal table, once). */
uint32_t pe_name_of_slot(oi_file *f, uint32_t index);
/* The last forwarder library copied, so a run of forwarders to one library
 * shares one copy. */
typedef struct pe_fwd_cache {
    const char *lib;
    size_t len;
} pe_fwd_cache;
/* Fill e from EAT slot `index` (ordinal = base + index): address, target,
 * kind, forwarder split. False when the slot is empty (RVA 0). fc may be NULL. */
bool pe_export_slot(oi_file *f, uint32_t index, pe_map_hint *hint, pe_fwd_cache *fc,
                    oi_export *e);

/* ---- pe_imports.c */
oi_status pe_build_imports(oi_file *f);
oi_status pe_build_deps(oi_file *f);

/* ---- pe_lookup.c */
/* True when a forwarder's library is this DLL itself. */
bool pe_forwards_to_self(oi_file *f, const char *lib);
/* Follow a forwarder while it points back into this DLL (the cross-DLL
 * part is the binder's): OI_OK when it reaches a definition or another DLL,
 * OI_CYCLE for a loop, OI_NOTFOUND for a missing target, each with a
 * diagnostic. */
oi_status pe_follow_local(oi_file *f, const oi_export *e, oi_explain_fn explain, void *ctx,
                          bool record);
oi_status pe_lookup(oi_file *f, const char *name, const char *version,
                    oi_explain_fn explain, void *ctx, oi_lookup_result *res);

/* ---- pe_symbols.c: the COFF symbol table of images and objects */
oi_status pe_build_symbols(oi_file *f);
/* The symbol records (false when there are none or they do not fit). */
bool pe_symtab_view(oi_file *f, oi_view *tab);
/* Decode record i of tab into *s; returns its count of auxiliary records
 * (to skip). exp/nexp: an image's sorted exported RVAs, for visibility. */
uint32_t pe_symbol_at(oi_file *f, oi_view tab, uint32_t i, const uint32_t *exp, size_t nexp,
                      oi_symbol *s);

/* ---- pe_dirs.c: load config (at open), and the properties */
void pe_read_load_config(oi_file *f, pe_priv *p);
oi_status pe_build_props(oi_file *f);

#endif
