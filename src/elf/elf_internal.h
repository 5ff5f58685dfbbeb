/*
 * State shared by the files of src/elf.
 *
 * Trust levels: everything in oelf_priv has been checked once when it was
 * located (ranges inside the file, string tables ending in NUL, counts capped
 * by the bytes that hold them), so the per-symbol code indexes it without
 * re-checking ranges. Values *inside* the entries (st_name, versym indices,
 * hash-chain words) are still untrusted and checked at each use.
 */
#ifndef OI_ELF_INTERNAL_H
#define OI_ELF_INTERNAL_H

#include "core/file.h"
#include "elf_format.h"

/* A PT_LOAD segment: how a virtual address maps to file bytes. */
typedef struct oelf_load {
    uint64_t vaddr, memsz, offset, filesz;
} oelf_load;

/* A symbol table, located and validated once. Entries are read through
 * libelf (gelf_getsym); names through a string-table view that ends in NUL,
 * so any st_name below strtab.n is a valid C string in the mapping. */
typedef struct oelf_symtab {
    Elf_Data *data;           /* the entries (libelf's, host order) */
    Elf_Data *xndx;           /* SHT_SYMTAB_SHNDX entries, or NULL */
    size_t count;
    oi_view strtab;
    uint64_t offset;          /* file offset of the entries, for messages */
    const char *where;        /* "elf/dynsym" or "elf/symtab" */
} oelf_symtab;

/* One symbol version, indexed by the versym value & 0x7fff. */
typedef struct oelf_version {
    const char *name;         /* NULL: no version has this index */
    const char *file;         /* verneed: the library that must define it */
    uint16_t flags;           /* VER_FLG_BASE, VER_FLG_WEAK */
    bool defined;             /* from verdef (this file defines it) */
} oelf_version;

/* DT_GNU_HASH: Bloom filter, buckets, chain (words in the file's byte order). */
typedef struct oelf_gnu_hash {
    bool present;
    uint64_t offset;
    uint32_t nbuckets, symoffset, bloom_size, bloom_shift;
    oi_view bloom, buckets, chain;   /* chain[0] is for symbol symoffset */
} oelf_gnu_hash;

/* DT_HASH (System V). */
typedef struct oelf_sysv_hash {
    bool present;
    uint64_t offset;
    uint32_t nbucket, nchain;
    unsigned word;            /* entry size: 4, or 8 on s390x and Alpha */
    oi_view buckets, chain;
} oelf_sysv_hash;

/* Entry i of a SysV hash array. */
static inline uint32_t oelf_sysv_word(const oelf_sysv_hash *h, oi_view v, size_t i, bool big)
{
    return h->word == 8 ? (uint32_t)oi_get64(v.p + 8 * i, big) : oi_get32(v.p + 4 * i, big);
}

/* Which dynamic tags were seen (bit per tag we use). */
enum {
    DYN_SYMTAB = 1u << 0, DYN_STRTAB = 1u << 1, DYN_STRSZ = 1u << 2,
    DYN_SYMENT = 1u << 3, DYN_HASH = 1u << 4, DYN_GNU_HASH = 1u << 5,
    DYN_VERSYM = 1u << 6, DYN_VERDEF = 1u << 7, DYN_VERNEED = 1u << 8,
    DYN_SONAME = 1u << 9, DYN_RPATH = 1u << 10, DYN_RUNPATH = 1u << 11,
    DYN_FLAGS = 1u << 12, DYN_FLAGS_1 = 1u << 13,
};

/* The dynamic table (PT_DYNAMIC, else SHT_DYNAMIC), read at open. */
typedef struct oelf_dynamic {
    bool present;
    uint64_t offset;          /* file offset of the table */
    Elf_Data *data;           /* the entries (libelf's) */
    size_t count;             /* entries up to and excluding DT_NULL */
    uint32_t have;            /* DYN_* */
    uint64_t symtab, strtab, strsz, syment, hash, gnu_hash;
    uint64_t versym, verdef, verdefnum, verneed, verneednum;
    uint64_t soname, rpath, runpath;   /* offsets into the dynamic strings */
    uint64_t flags, flags_1;
    bool bind_now, textrel;
    size_t nneeded;
} oelf_dynamic;

typedef struct oelf_priv {
    Elf *elf;
    void *patched;            /* a copy without section headers (see elf.c), or NULL */
    GElf_Ehdr ehdr;
    bool big, is64;
    size_t shnum, phnum, shstrndx;
    bool has_shstrndx;
    bool shdrs_ok;            /* the section header table is readable */
    oelf_load *loads;          /* PT_LOAD segments */
    size_t nloads;
    oelf_dynamic dyn;
    oi_view dynstr;           /* dynamic string table (validated) */

    /* dynamic symbols, versions and hash tables: located on first use */
    bool dsym_tried;
    bool versym_checked;
    oi_status dsym_status;
    oelf_symtab dsym;          /* count 0 when the file has none */
    oi_view versym;           /* u16 per dynamic symbol, or empty */
    oi_view verdef, verneed;  /* the version chains' bytes (to the end of their segment) */
    uint64_t verdef_off, verneed_off;   /* file offsets, for messages */
    uint64_t verdefnum, verneednum;     /* entry counts the file declares */
    oi_view verstr;           /* the strings the version chains name */
    oelf_version *vers;        /* indexed by version index */
    size_t nvers;
    bool has_verdef;
    oelf_gnu_hash gnu;
    oelf_sysv_hash sysv;

    /* the static symbol table (.symtab), maybe from a separate debug file */
    bool ssym_tried;
    oelf_symtab ssym;
    bool debug_tried;
    const char *debug_path;   /* the separate debug file used, or NULL */
    void *debug_map;          /* its mapping (unmapped at close) */
    size_t debug_len;
    Elf *debug_elf;

    oi_view *content;         /* decompressed section contents, by index (lazy) */
} oelf_priv;

static inline oelf_priv *oelf_p(oi_file *f) { return f->priv; }

/* elf.c */
const char *oi_elf_machine_name(unsigned machine, int bits);
/* The file offset of vaddr when [vaddr, vaddr+len) is file-backed by one
 * PT_LOAD; false otherwise. */
bool oelf_vaddr_to_off(const oelf_priv *p, uint64_t vaddr, uint64_t len, uint64_t *off);
/* The file bytes from vaddr to the end of its PT_LOAD's file part. */
bool oelf_vaddr_view(oi_file *f, uint64_t vaddr, oi_view *out);
/* A string table as a view that ends in NUL (trailing bytes after the last
 * NUL are cut off, with a warning). Empty when none is left. */
oi_view oelf_strtab_view(oi_file *f, oi_view raw, const char *where, uint64_t off);
/* The string at off in a validated string table, or NULL. */
static inline const char *oelf_str(oi_view strtab, uint64_t off)
{
    return off < strtab.n ? (const char *)strtab.p + off : NULL;
}

/* oelf_dynamic.c */
oi_status oelf_read_dynamic(oi_file *f);         /* at open: the dynamic table */
oi_status oelf_build_deps(oi_file *f);
const char *oelf_dynstr(oi_file *f, uint64_t off, const char *what);

/* elf_symbols.c */
oi_status oelf_load_dynsym(oi_file *f);          /* dynsym, versions, hashes (once) */
/* The same for a builder that reads every dynamic symbol anyway: also the
 * checks that walk the whole table (oelf_check_versym). */
oi_status oelf_load_dynsym_all(oi_file *f);
oi_status oelf_load_symtab(oi_file *f);          /* .symtab, maybe from a debug file */
oi_status oelf_build_symbols(oi_file *f);
/* Decode one entry into the model's vocabulary. */
oi_kind oelf_kind(const GElf_Sym *s, uint32_t shndx);
oi_binding oelf_binding(const GElf_Sym *s);
oi_visibility oelf_visibility(const GElf_Sym *s);
/* Entry i of t; false (with a diagnostic) when libelf cannot read it. */
bool oelf_sym_at(oi_file *f, const oelf_symtab *t, size_t i, GElf_Sym *out, uint32_t *shndx);
/* Name of entry s of t; "<?>" (and a warning) when st_name is out of range. */
const char *oelf_sym_name(oi_file *f, const oelf_symtab *t, const GElf_Sym *s);
/* Does the dynamic loader bind to this definition? (glibc do_lookup_x and
 * check_match). Sets *why to the reason when not. */
bool oelf_sym_bindable(const GElf_Sym *s, uint32_t shndx, const char **why);

/* elf_versions.c */
oi_status oelf_load_versions(oi_file *f);
void oelf_check_versym(oi_file *f);
/* The versym of dynamic symbol i, or -1 when the file has no versym. */
int32_t oelf_versym(const oelf_priv *p, size_t i);
/* The version of a versym value, or NULL for local/global/unknown. */
const oelf_version *oelf_version_of(const oelf_priv *p, int32_t versym);

/* elf_exports.c */
oi_status oelf_build_exports(oi_file *f);
/* Fill e from dynamic (or static) symbol i. */
void oelf_fill_export(oi_file *f, const oelf_symtab *t, size_t i, const GElf_Sym *s,
                     uint32_t shndx, bool dynamic, oi_export *e);
/* Exports come from .dynsym for files the loader maps, else from .symtab. */
bool oelf_exports_from_dynsym(oi_file *f);

/* elf_imports.c */
oi_status oelf_build_imports(oi_file *f);

/* oelf_lookup.c */
uint32_t oelf_gnu_hash_fn(const char *name);
uint32_t oelf_sysv_hash_fn(const char *name);
oi_status oelf_lookup(oi_file *f, const char *name, const char *version,
                     oi_explain_fn explain, void *ctx, oi_lookup_result *res);
oi_status oelf_lookup_ex(oi_file *f, const char *name, const char *version, unsigned flags,
                        oi_explain_fn explain, void *ctx, oi_lookup_result *res);

/* elf_relocs.c */
oi_status oelf_build_relocs(oi_file *f);
/* Is dynamic symbol i reachable under this name through the GNU (gnu) or
 * SysV hash table? */
bool oelf_hash_reaches(const oelf_priv *p, bool gnu, const char *name, size_t i);
/* Does GNU hash h pass the Bloom filter? */
bool oelf_hash_reaches_bloom(const oelf_priv *p, uint32_t h);

/* elf_props.c */
oi_status oelf_build_props(oi_file *f);
/* The GNU build-id note's bytes, or an empty view. */
oi_view oelf_build_id(oi_file *f);

/* elf_debug.c */
/* Find, check and map the separate debug file; fills p->debug_*. */
bool oelf_open_debug_file(oi_file *f);
/* .gnu_debuglink: the file name and CRC, false when absent. */
bool oelf_debuglink(oi_file *f, const char **name, uint32_t *crc);
void oelf_close_debug_file(oelf_priv *p);

/* elf_compress.c */
/* The content of section scn, decompressed (SHF_COMPRESSED zlib/zstd, or a
 * legacy .zdebug section) into the arena under a size cap. */
oi_status oelf_section_content(oi_file *f, Elf_Scn *scn, oi_view *out);
/* "zlib", "zstd", "zlib-gnu" or NULL, and the uncompressed size. */
const char *oelf_section_compression(oi_file *f, Elf_Scn *scn, const GElf_Shdr *sh,
                                    uint64_t *size);

#endif
