/*
 * objinspect — what does this binary export, how does a loader find each
 * function, and how do I call it?
 *
 * The public C API. Everything a tool or loader needs is here and nothing
 * else is exported from libobjinspect.
 *
 * Contract
 *  - An oi_file is opaque. Every pointer the library returns (names, arrays,
 *    records, child files) stays valid until oi_close() of the file it came
 *    from (for a slice or archive member: of the top-level file).
 *  - There is no global mutable state. Different oi_file handles may be used
 *    from different threads at the same time, and one handle (with its slices
 *    and members) may be read by several threads at once: tables and
 *    children are built lazily, on first use, under a lock that belongs to
 *    the top-level file, and never change afterwards, so reading a built
 *    table takes no lock. Lookups and diagnostics also take that lock
 *    (briefly). An explain callback runs with the lock held: it may call the
 *    library on the same file, but must not wait for another thread that
 *    does. oi_close() must not race with any other call on the file.
 *  - The library never prints, aborts or exits because of anything in its
 *    input. Problems are oi_status codes plus oi_diag records on the handle.
 *  - Strings from the file are returned as they are (bytes, NUL-terminated);
 *    escaping them for display is the caller's job.
 */
#ifndef OBJINSPECT_H
#define OBJINSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(OI_API)
#define OI_API __attribute__((visibility("default")))
#elif !defined(OI_API)
#define OI_API
#endif

#define OI_VERSION_STRING "0.1.0"
#define OI_VERSION_MAJOR 0
#define OI_VERSION_MINOR 1

/* An open object file (or fat slice, or archive member). */
typedef struct oi_file oi_file;

/* ------------------------------------------------------------ status */

typedef enum oi_status {
    OI_OK = 0,
    OI_ARG,          /* bad argument from the caller */
    OI_IO,           /* open/stat/mmap failed */
    OI_NOMEM,        /* allocation failed */
    OI_NOTOBJ,       /* not an object file of a known format */
    OI_UNSUPPORTED,  /* known format, unsupported variant */
    OI_TRUNCATED,    /* a structure runs past the end of the file */
    OI_MALFORMED,    /* a structure is inconsistent */
    OI_LIMIT,        /* a resource limit was reached */
    OI_CYCLE,        /* a chain or trie loops */
    OI_NOTFOUND      /* a lookup found nothing */
} oi_status;

OI_API const char *oi_status_name(oi_status st);

/* ------------------------------------------------------------ enums */

typedef enum oi_format {
    OI_FORMAT_UNKNOWN = 0,
    OI_FORMAT_ELF,
    OI_FORMAT_PE,
    OI_FORMAT_MACHO,
    OI_FORMAT_MACHO_FAT,  /* a container: its slices are children */
    OI_FORMAT_AR          /* a container: its members are children */
} oi_format;

typedef enum oi_binding {
    OI_BIND_LOCAL = 0,
    OI_BIND_GLOBAL,
    OI_BIND_WEAK,
    OI_BIND_UNIQUE,       /* STB_GNU_UNIQUE */
    OI_BIND_OTHER         /* unknown value: see raw bits */
} oi_binding;

typedef enum oi_visibility {
    OI_VIS_DEFAULT = 0,
    OI_VIS_PROTECTED,
    OI_VIS_HIDDEN,
    OI_VIS_INTERNAL
} oi_visibility;

typedef enum oi_kind {
    OI_KIND_NOTYPE = 0,
    OI_KIND_FUNC,
    OI_KIND_IFUNC,
    OI_KIND_DATA,
    OI_KIND_TLS,
    OI_KIND_COMMON,
    OI_KIND_ABSOLUTE,
    OI_KIND_SECTION,
    OI_KIND_FILE,
    OI_KIND_OTHER         /* unknown value: see raw bits */
} oi_kind;

typedef enum oi_target {
    OI_TARGET_ADDRESS = 0,
    OI_TARGET_ABSOLUTE,
    OI_TARGET_TLS,
    OI_TARGET_RESOLVER,   /* ELF IFUNC, Mach-O stub-and-resolver */
    OI_TARGET_REEXPORT    /* PE forwarder, Mach-O re-export */
} oi_target;

/* Calling conventions are inferred, never read: each comes with a source. */
typedef enum oi_callconv {
    OI_CC_UNKNOWN = 0,
    OI_CC_SYSV_X86_64,
    OI_CC_WIN64,
    OI_CC_CDECL,
    OI_CC_STDCALL,
    OI_CC_FASTCALL,
    OI_CC_VECTORCALL,
    OI_CC_THISCALL,
    OI_CC_PASCAL,
    OI_CC_AAPCS,
    OI_CC_AAPCS_VFP,
    OI_CC_AAPCS64,
    OI_CC_AAPCS64_DARWIN,
    OI_CC_AAPCS64_VARIANT_PCS,
    OI_CC_ARM64EC,
    OI_CC_RISCV_ILP32,
    OI_CC_RISCV_ILP32F,
    OI_CC_RISCV_ILP32D,
    OI_CC_RISCV_LP64,
    OI_CC_RISCV_LP64F,
    OI_CC_RISCV_LP64D,
    OI_CC_RISCV_VARIANT_CC,
    OI_CC_PPC64_ELFV1,
    OI_CC_PPC64_ELFV2,
    OI_CC_PPC_SYSV,
    OI_CC_MIPS_O32,
    OI_CC_MIPS_N32,
    OI_CC_MIPS_N64,
    OI_CC_S390X,
    OI_CC_SPARC64,
    OI_CC_SWIFTCALL,
    OI_CC_RUST,           /* the unstable Rust ABI: not callable through an FFI */
    OI_CC_SPARC,          /* SPARC V8 (32-bit) System V */
    OI_CC_GO,             /* Go's own ABI (ABI0 / ABIInternal): not callable from C */
    OI_CC_COUNT
} oi_callconv;

typedef enum oi_ccsource {
    OI_CCSRC_NONE = 0,     /* nothing proves it */
    OI_CCSRC_ABI_DEFAULT,  /* the platform ABI's default for C functions */
    OI_CCSRC_SYMBOL_FLAG,  /* a per-symbol flag, e.g. STO_AARCH64_VARIANT_PCS */
    OI_CCSRC_DECORATION,   /* x86 name decoration: _f@N, @f@N, f@@N */
    OI_CCSRC_MANGLING      /* a mangled-name code: MSVC, Itanium, Swift */
} oi_ccsource;

typedef enum oi_dep_kind {
    OI_DEP_NEEDED = 0,     /* ELF DT_NEEDED, PE import, Mach-O LC_LOAD_DYLIB */
    OI_DEP_DELAY,          /* PE delay-load import */
    OI_DEP_WEAK,           /* Mach-O LC_LOAD_WEAK_DYLIB */
    OI_DEP_REEXPORT,       /* Mach-O LC_REEXPORT_DYLIB */
    OI_DEP_LAZY,           /* Mach-O LC_LAZY_LOAD_DYLIB */
    OI_DEP_UPWARD          /* Mach-O LC_LOAD_UPWARD_DYLIB */
} oi_dep_kind;

OI_API const char *oi_format_name(oi_format v);
OI_API const char *oi_binding_name(oi_binding v);
OI_API const char *oi_visibility_name(oi_visibility v);
OI_API const char *oi_kind_name(oi_kind v);
OI_API const char *oi_target_name(oi_target v);
OI_API const char *oi_callconv_name(oi_callconv v);
OI_API const char *oi_ccsource_name(oi_ccsource v);
OI_API const char *oi_dep_kind_name(oi_dep_kind v);

/* ------------------------------------------------------------ model */

/* Raw format bits, kept beside the normalised fields so nothing is lost.
 * ELF:    a = st_info, b = st_other, c = versym (0xffffffff if none)
 * PE:     a = ordinal, b = name hint,  c = 1 if DATA (from a .def), else 0
 * Mach-O: a = n_type or trie flags,  b = n_desc, c = library ordinal */
typedef struct oi_raw {
    uint32_t a, b, c;
} oi_raw;

typedef struct oi_file_info {
    oi_format format;
    int bits;                 /* 32 or 64; 0 for containers */
    bool big_endian;
    const char *machine;      /* "x86_64", "i386", "aarch64", "arm", ... */
    uint32_t machine_raw;     /* e_machine, IMAGE_FILE_MACHINE_*, cputype */
    uint32_t machine_sub;     /* Mach-O cpusubtype, else 0 */
    const char *type;         /* "shared", "exec", "pie", "relocatable", "dll", "dylib", ... */
    uint64_t entry;           /* entry point address (0 when none) */
    bool has_entry;
    uint32_t flags_raw;       /* e_flags, FileHeader.Characteristics, Mach-O header flags */
    oi_callconv abi_callconv; /* the ABI default for C functions */
    const char *abi_name;     /* human name of that ABI, e.g. "System V x86-64" */
    uint32_t nsections;
    uint32_t nsegments;       /* program headers, load-command segments */
    uint32_t ncommands;       /* Mach-O load commands; 0 elsewhere */
    const char *soname;       /* DT_SONAME, PE export-directory name, LC_ID_DYLIB */
    /* ARM ELF: Tag_ABI_VFP_args from the "aeabi" subsection of .ARM.attributes
     * (0 base AAPCS, 1 VFP registers, 2 toolchain-specific, 3 compatible with
     * both), filled by the ELF parser when has_arm_vfp_args is true. The
     * calling-convention rules use it when e_flags say neither hard nor soft. */
    bool has_arm_vfp_args;
    uint8_t arm_vfp_args;
} oi_file_info;

typedef struct oi_section {
    const char *name;
    uint64_t address;
    uint64_t size;
    uint64_t offset;          /* file offset of the contents */
    uint64_t file_size;       /* bytes present in the file (0 for NOBITS/BSS) */
    uint32_t type_raw;        /* sh_type, 0 (PE), section flags & 0xff (Mach-O) */
    uint64_t flags_raw;       /* sh_flags, Characteristics, Mach-O flags */
    const char *segment;      /* Mach-O segment name, else NULL */
    const char *compression;  /* ELF: "zlib", "zstd" (SHF_COMPRESSED) or "zlib-gnu"
                                 (.zdebug), else NULL */
    uint64_t uncompressed_size; /* the content's size once decompressed (= size when
                                   not compressed) */
} oi_section;

typedef struct oi_symbol {
    const char *name;
    uint64_t value;
    uint64_t size;
    oi_kind kind;
    oi_binding binding;
    oi_visibility visibility;
    bool defined;
    bool dynamic;             /* from the dynamic table (.dynsym), not .symtab */
    uint32_t section;         /* section index, raw (SHN_* / n_sect / COFF) */
    const char *version;      /* NULL when unversioned */
    bool version_default;     /* "@@" (true) or "@" (false) */
    oi_raw raw;
} oi_symbol;

typedef struct oi_export {
    const char *name;         /* NULL for a nameless (ordinal-only) export */
    int64_t ordinal;          /* PE ordinal; -1 when none */
    uint64_t address;         /* RVA for PE, st_value for ELF, trie offset+base for Mach-O */
    uint64_t size;
    oi_kind kind;
    oi_binding binding;
    oi_visibility visibility;
    oi_target target;
    bool weak;
    const char *version;      /* NULL when unversioned */
    bool version_default;     /* "@@" (true) or hidden "@" (false) */
    const char *forwarder;    /* "LIB.name" / "LIB.#3" or re-export "lib:name"; NULL */
    const char *fwd_library;  /* forwarder / re-export library, NULL if none */
    const char *fwd_name;     /* forwarded-to name (NULL when by ordinal) */
    int64_t fwd_ordinal;      /* forwarded-to ordinal, -1 if by name */
    oi_callconv callconv;
    oi_ccsource callconv_source;
    int32_t callconv_argbytes;/* the N of x86 decorations; -1 when unknown */
    const char *lang;         /* "c++", "swift", "rust", ... or NULL */
    oi_raw raw;
    uint64_t code_address;    /* where the function's code starts when that is not
                                 `address` (ppc64 ELFv1: the entry of the .opd
                                 function descriptor at `address`), else 0 */
    uint32_t local_entry;     /* ppc64 ELFv2: bytes from the global to the local entry
                                 point (st_other bits 5-7), else 0 */
    uint32_t abi_flags;       /* OI_ABIF_*: what the calling-convention rules proved */
} oi_export;

/* oi_export.abi_flags */
#define OI_ABIF_MEMBER   0x01u  /* a C++ non-static member function: takes `this` */
#define OI_ABIF_STATIC   0x02u  /* a C++ static member function (no `this`) */
#define OI_ABIF_VIRTUAL  0x04u  /* a C++ virtual member function */
#define OI_ABIF_THUNK    0x08u  /* an adjustor, vtordisp or ARM64EC entry/exit thunk */
#define OI_ABIF_DATA     0x10u  /* the mangled name says it is a variable, not a function */
#define OI_ABIF_SPECIAL  0x20u  /* compiler-made: vftable, RTTI, guard variable, ... */

typedef struct oi_import {
    const char *name;         /* NULL for an import by ordinal */
    int64_t ordinal;          /* -1 when by name */
    const char *library;      /* providing library if the format says, else NULL */
    const char *version;      /* required version (ELF verneed), else NULL */
    bool weak;
    bool delay;               /* PE delay-load */
    uint32_t hint;            /* PE hint */
    oi_raw raw;
} oi_import;

typedef struct oi_dependency {
    const char *name;
    oi_dep_kind kind;
    uint32_t compat_version;  /* Mach-O versions, else 0 */
    uint32_t current_version;
} oi_dependency;

/* Format-specific facts that have no field of their own, as key/value text:
 * "interp", "rpath", "runpath", "build_id", "pdb", "min_os", "subsystem", ... */
typedef struct oi_property {
    const char *key;
    const char *value;
} oi_property;

typedef struct oi_diag {
    oi_status code;
    uint64_t offset;          /* file offset involved, or UINT64_MAX */
    bool has_offset;
    const char *where;        /* structure, e.g. "elf/verdef", "macho/trie" */
    const char *message;      /* one line, ASCII, already includes values */
    int source_line;          /* line of the check in the library source */
    bool warning;             /* true: recoverable, parsing continued */
} oi_diag;

/* ------------------------------------------------------------ opening */

/* Resource limits: a hostile file can make the library do only this much.
 * 0 in any field means its default. Reaching a limit is an OI_LIMIT
 * diagnostic naming the field; it never crashes or hangs. */
typedef struct oi_options {
    bool permissive;          /* keep what parsed and record warnings (CLI default);
                                 false (library default) fails on the first error */
    uint64_t max_alloc;       /* bytes the library may allocate for one file, its slices,
                                 members and tables included; default 16 MiB + 4 x file size */
    uint64_t max_decompressed;/* bytes inflated from compressed sections, per opened file;
                                 default 64 MiB */
    uint32_t max_depth;       /* depth of any nesting the file controls: trie levels,
                                 forwarder and re-export chains, resource-tree levels,
                                 containers in containers; default 128 */
    uint64_t max_steps;       /* steps of one chain or trie walk; default 4194304 (2^22) */
    uint32_t max_warnings;    /* diagnostics kept per file; the rest are counted
                                 (oi_diag_suppressed); the first error is always kept;
                                 default 100 */
    /* Testing aid: make the k-th allocation the library does for this file
     * fail (k = 1 is the first), as if malloc returned NULL; 0 = never. Used
     * to prove that every allocation-failure path returns OI_NOMEM, leaks
     * nothing and does not crash. Not for production use. */
    uint64_t fail_alloc_at;
    const char *debug_dir;    /* ELF: where separate debug files live (.build-id/ and
                                 debuglink paths); NULL = /usr/lib/debug, "" = do not look */
} oi_options;

/* Why an open failed, when there is no handle to keep diagnostics on.
 * It owns its text, so it outlives the failed open. */
typedef struct oi_error {
    oi_status code;
    uint64_t offset;
    bool has_offset;
    char where[32];
    char message[224];
} oi_error;

/* Open a file (mmap, read-only). opt and err may be NULL. On failure *out is
 * NULL and err says why. */
OI_API oi_status oi_open_path(const char *path, const oi_options *opt, oi_file **out,
                       oi_error *err);
/* Open bytes in memory. The caller keeps them alive until oi_close. */
OI_API oi_status oi_open_memory(const void *data, size_t size, const char *name,
                         const oi_options *opt, oi_file **out, oi_error *err);
OI_API void oi_close(oi_file *f);

/* Build every table now so the handle can be shared between threads. */
OI_API oi_status oi_load_all(oi_file *f);

OI_API const oi_file_info *oi_info(const oi_file *f);
OI_API const char *oi_name(const oi_file *f);   /* path, "path(member)" or "path[arch]" */
/* The path a top-level file was opened from (oi_open_path); NULL for a
 * member, a slice, or bytes in memory. */
OI_API const char *oi_path(const oi_file *f);

/* Fat Mach-O slices and ar members. Children are opened on first use and
 * belong to the parent. */
OI_API size_t oi_child_count(oi_file *f);
OI_API oi_status oi_child(oi_file *f, size_t i, oi_file **out);
/* Select a fat slice by architecture name ("arm64", "x86_64", ...). */
OI_API oi_status oi_child_by_arch(oi_file *f, const char *arch, oi_file **out);

/* ------------------------------------------------------------ tables
 * Each returns the whole table; it is built on first call. On error the
 * table is empty and the status (and diagnostics) say why. */
OI_API oi_status oi_sections(oi_file *f, const oi_section **out, size_t *n);
OI_API oi_status oi_symbols(oi_file *f, const oi_symbol **out, size_t *n);
OI_API oi_status oi_exports(oi_file *f, const oi_export **out, size_t *n);
OI_API oi_status oi_imports(oi_file *f, const oi_import **out, size_t *n);
OI_API oi_status oi_dependencies(oi_file *f, const oi_dependency **out, size_t *n);
OI_API oi_status oi_properties(oi_file *f, const oi_property **out, size_t *n);

/* The content of section i of oi_sections(), decompressed when the format
 * compresses it (ELF SHF_COMPRESSED, .zdebug). The bytes live until oi_close.
 * OI_UNSUPPORTED for a compression this build cannot read, OI_LIMIT when the
 * decompressed size is over the file's allocation cap. A compressed section is
 * decompressed on the first call (a write to the handle, like a lazy table). */
OI_API oi_status oi_section_data(oi_file *f, size_t i, const void **data, size_t *size);

/* Accessors by index (build the table if needed; NULL when out of range). */
OI_API size_t oi_export_count(oi_file *f);
OI_API const oi_export *oi_export_at(oi_file *f, size_t i);
OI_API size_t oi_import_count(oi_file *f);
OI_API const oi_import *oi_import_at(oi_file *f, size_t i);
OI_API size_t oi_symbol_count(oi_file *f);
OI_API const oi_symbol *oi_symbol_at(oi_file *f, size_t i);
OI_API size_t oi_section_count(oi_file *f);
OI_API const oi_section *oi_section_at(oi_file *f, size_t i);
OI_API size_t oi_dependency_count(oi_file *f);
OI_API const oi_dependency *oi_dependency_at(oi_file *f, size_t i);

/* The exports without the table: fn gets them in table order, a chunk of
 * n consecutive exports at a time (valid only during the call), and the
 * whole table is never held, so a listing of a file with a million exports
 * stays in a few hundred KiB. The exports, their annotations and the
 * diagnostics recorded are those of oi_exports(). When the table is already
 * built, when the handle is strict, or when the format's builder cannot
 * stream, the table is built and fn gets it in one call. Like a lazy table,
 * it writes to the handle (diagnostics). fn may use the handle but not ask
 * it for its exports (oi_exports and oi_exports_each then return OI_ARG). */
typedef void (*oi_export_fn)(void *ctx, const oi_export *e, size_t n);
/* flags: OI_EACH_NO_ABI says the caller reads none of callconv,
 * callconv_source, callconv_argbytes, lang and abi_flags, so the calling
 * convention and language rules (which read every name) may be skipped:
 * those fields are then unknown, none, -1, NULL and 0 unless the table was
 * built already. ("Annotate only what is displayed": `objinspect exports`
 * prints none of them.) */
#define OI_EACH_NO_ABI 1u
OI_API oi_status oi_exports_each(oi_file *f, unsigned flags, oi_export_fn fn, void *ctx);

/* Diagnostics recorded on this handle so far (deduplicated). */
OI_API size_t oi_diag_count(const oi_file *f);
OI_API const oi_diag *oi_diag_at(const oi_file *f, size_t i);
/* How many more diagnostics were not kept because of max_warnings. */
OI_API size_t oi_diag_suppressed(const oi_file *f);

/* ------------------------------------------------------------ lookup
 * Look a name up the way the platform loader does: through the file's own
 * hash table (ELF), sorted name table (PE) or exports trie (Mach-O). It does
 * not build the export table. */

typedef void (*oi_explain_fn)(void *ctx, const char *step);

typedef struct oi_lookup_result {
    bool found;
    const char *path;         /* "gnu-hash", "sysv-hash", "scan", "binary-search",
                                 "ordinal", "trie", "nlist" */
    oi_export exp;            /* valid when found; strings live until oi_close */
} oi_lookup_result;

/* name: a symbol name, or "#N" for a PE ordinal. version: NULL for the
 * default binding, or a version name (ELF) to match exactly, hidden too.
 * explain, when not NULL, is called once per step taken. Returns OI_OK when
 * found, OI_NOTFOUND when not, or an error. */
OI_API oi_status oi_lookup(oi_file *f, const char *name, const char *version,
                    oi_explain_fn explain, void *ctx, oi_lookup_result *res);

/* Convenience: the export or NULL. The record lives until oi_close. */
OI_API const oi_export *oi_find_export(oi_file *f, const char *name, const char *version);

/* Lookup flags for oi_lookup_ex (ELF; the other formats ignore them). */
enum {
    /* The version rules of a relocation, not of dlsym (glibc check_match
     * without DL_LOOKUP_RETURN_NEWEST): an unversioned name binds an
     * unversioned definition or the oldest version (index 2, hidden or not)
     * first, else the one non-hidden later version; a versioned name also
     * binds a non-hidden unversioned definition. */
    OI_LOOKUP_RELOCATION = 1u << 0,
    /* An undefined symbol that has a value (the canonical PLT entry of an
     * executable) is a definition, as for every relocation that is not a
     * PLT slot. */
    OI_LOOKUP_PLT_ADDRESS = 1u << 1
};

/* oi_lookup with flags (OI_LOOKUP_*). oi_lookup(...) is oi_lookup_ex(..., 0, ...). */
OI_API oi_status oi_lookup_ex(oi_file *f, const char *name, const char *version,
                              unsigned flags, oi_explain_fn explain, void *ctx,
                              oi_lookup_result *res);

/* ------------------------------------------------------------ relocations
 * The dynamic relocations that name a symbol: what the loader looks up when
 * it relocates the file (ELF DT_RELA, DT_REL and DT_JMPREL; empty for the
 * other formats, whose imports say it all). */

typedef enum oi_reloc_class {
    OI_RELOC_DATA = 0,   /* an address or value: any definition, even an
                            executable's canonical PLT entry */
    OI_RELOC_PLT,        /* a PLT slot (and what glibc classes with it: the
                            TLS module and offset types): never an undefined
                            symbol's PLT entry */
    OI_RELOC_COPY        /* a copy relocation: the executable is skipped */
} oi_reloc_class;

OI_API const char *oi_reloc_class_name(oi_reloc_class v);

typedef struct oi_reloc {
    uint64_t offset;          /* r_offset */
    uint32_t type;            /* r_type, machine-specific */
    oi_reloc_class cls;
    uint32_t symbol;          /* the dynamic symbol's index (never 0) */
    const char *name;         /* the symbol's name */
    const char *version;      /* the version its versym names (verneed or a
                                 non-base verdef), NULL when none */
    const char *library;      /* verneed: the library that must define that
                                 version, else NULL */
    bool defined;             /* the symbol is defined in this file */
    bool weak;                /* STB_WEAK */
    bool local;               /* the loader needs no lookup: STB_LOCAL, or
                                 hidden / internal visibility */
    oi_visibility visibility;
    int64_t addend;           /* r_addend (0 for REL) */
    oi_raw raw;               /* st_info, st_other, versym (0xffffffff if none) */
} oi_reloc;

OI_API oi_status oi_relocations(oi_file *f, const oi_reloc **out, size_t *n);

/* ------------------------------------------------------------ binding
 * A static `ldd -r`: the dependency closure found as the platform loader
 * finds it, and every import bound to its provider in the loader's order,
 * forwarder and re-export chains followed to the final definition. Nothing
 * is run. See README, "bind". */

typedef struct oi_bind oi_bind;

typedef struct oi_bind_options {
    const char *root;          /* sysroot: absolute paths the loader would use are
                                  read under it (NULL or "" = the host's /) */
    const char *const *dirs;   /* -L: extra directories (host paths). ELF: searched
                                  where LD_LIBRARY_PATH is; PE: after the system
                                  directories, as PATH; Mach-O: as
                                  DYLD_FALLBACK_LIBRARY_PATH */
    size_t ndirs;
    const char *library_path;  /* ELF: an LD_LIBRARY_PATH (colon-separated, under root) */
    const char *platform;      /* ELF $PLATFORM; NULL = the machine's AT_PLATFORM name */
    const char *lib;           /* ELF $LIB; NULL = "lib/<multiarch triplet>" (Debian) */
    const char *apiset_schema; /* PE: a text file of "api-set-name = host.dll" lines */
    const char *arch;          /* a fat root: the slice to use (NULL = the first) */
    size_t max_objects;        /* cap on the closure; 0 = 4096 */
    unsigned max_chain;        /* cap on forwarder / re-export steps; 0 = 32 */
    oi_options open;           /* how each file is opened */
} oi_bind_options;

/* One object of the closure, in the loader's order (ELF: the global scope). */
typedef struct oi_bind_object {
    const char *name;          /* as it was asked for (DT_NEEDED, DLL name, install
                                  name); the path given for the root */
    const char *path;          /* the file it was found as; NULL when missing */
    const char *found_by;      /* "root", "interp", "rpath", "ld_library_path",
                                  "runpath", "ld.so.conf", "default", "path",
                                  "app-dir", "system32", "syswow64", "system",
                                  "windows", "-L", "apiset", "@rpath",
                                  "@loader_path", "@executable_path", "install-name",
                                  "fallback", or NULL when missing */
    oi_file *file;             /* the opened file (the slice of a fat file); NULL
                                  when missing. It belongs to the oi_bind. */
    size_t loader;             /* the object that first needed it; SIZE_MAX for the root */
    oi_dep_kind kind;          /* how that object refers to it */
    bool missing;              /* no file found */
    bool in_scope;             /* ELF: in the global lookup scope */
    bool forwarded;            /* PE: loaded only because a forwarder names it */
    bool apiset;               /* PE: an API-set name (api-ms-win-*, ext-ms-*) */
    const char *apiset_host;   /* the DLL the schema maps it to, else NULL */
    unsigned depth;            /* 0 for the root, then breadth-first levels */
} oi_bind_object;

typedef enum oi_bind_state {
    OI_BOUND = 0,              /* provider and final definition found */
    OI_WEAK_UNBOUND,           /* a weak reference with no definition: allowed */
    OI_UNRESOLVED,             /* no definition where the loader looks */
    OI_NO_LIBRARY,             /* the library the import names was not found */
    OI_CHAIN_LOOP,             /* a forwarder / re-export chain loops */
    OI_CHAIN_TOO_DEEP          /* the chain is longer than max_chain */
} oi_bind_state;

OI_API const char *oi_bind_state_name(oi_bind_state v);

typedef struct oi_bind_import {
    size_t importer;           /* object index of the file that imports */
    const char *name;          /* NULL for an import by ordinal */
    int64_t ordinal;           /* PE ordinal, else -1 */
    const char *version;       /* ELF: the version asked for, else NULL */
    const char *library;       /* the library the import names (PE DLL, Mach-O
                                  install name or special ordinal), else NULL */
    const char *how;           /* ELF: "data", "plt", "copy"; PE "import", "delay",
                                  "forwarder" (an export of the root); Mach-O
                                  "two-level", "flat", "weak", "self", "main" */
    bool weak;                 /* the reference may stay unbound */
    bool delay;                /* PE delay-load */
    oi_bind_state state;
    size_t provider;           /* the object whose lookup answered; SIZE_MAX if none */
    const char *provider_version; /* ELF: the definition's version, else NULL */
    size_t final;              /* the object holding the final definition */
    const char *final_name;    /* after chains (NULL when by ordinal) */
    int64_t final_ordinal;
    oi_kind final_kind;
    uint64_t address;          /* the final definition's address in its own
                                  object (ELF st_value, PE RVA, Mach-O address) */
    unsigned chain;            /* forwarder / re-export steps followed */
    bool interposed;           /* ELF: defined in the importer, bound elsewhere */
    const char *note;          /* why it is not bound, or a loop's path; else NULL */
} oi_bind_import;

/* Open path and everything it needs, and bind. On failure *out is NULL and
 * err says why (the root could not be opened). Problems in the closure
 * (missing libraries, unresolved imports, loops, caps) are results, not
 * failures. */
OI_API oi_status oi_bind_open(const char *path, const oi_bind_options *opt, oi_bind **out,
                              oi_error *err);
OI_API void oi_bind_close(oi_bind *b);

OI_API size_t oi_bind_object_count(const oi_bind *b);
OI_API const oi_bind_object *oi_bind_object_at(const oi_bind *b, size_t i);
OI_API size_t oi_bind_import_count(const oi_bind *b);
OI_API const oi_bind_import *oi_bind_import_at(const oi_bind *b, size_t i);
/* Notes on the search (candidates skipped, caps reached, unreadable files,
 * schema lines ignored), as diagnostics; warnings unless the root failed. */
OI_API size_t oi_bind_diag_count(const oi_bind *b);
OI_API const oi_diag *oi_bind_diag_at(const oi_bind *b, size_t i);
/* Counts: bindings that are not bound and not allowed to stay unbound,
 * and needed libraries that are missing (weak and delay-load ones excluded). */
OI_API size_t oi_bind_unresolved(const oi_bind *b);
OI_API size_t oi_bind_missing(const oi_bind *b);
/* ELF: versions an object needs that its library does not define (ld.so's
 * "version `V' not found"; each is also a "bind/version" diagnostic). */
OI_API size_t oi_bind_missing_versions(const oi_bind *b);

/* ------------------------------------------------------------ checks
 * `objinspect check`: a table of named checks run on the model (never on
 * file bytes), under a policy. Every result names its check, carries a
 * verdict and one line of evidence. See README, "objinspect check". */

typedef enum oi_verdict {
    OI_VERDICT_PASS = 0,
    OI_VERDICT_FAIL,
    OI_VERDICT_NA,            /* does not apply to this file (or the policy sets no rule) */
    OI_VERDICT_UNAVAILABLE    /* the facts it needs are not available */
} oi_verdict;

typedef enum oi_severity {
    OI_SEV_OFF = 0,           /* not run */
    OI_SEV_WARNING,           /* a failure is reported but does not fail the run */
    OI_SEV_ERROR              /* a failure fails the run (exit code 1) */
} oi_severity;

typedef struct oi_check_def {
    const char *id;           /* "elf.relro", "exports.forbidden", ... */
    const char *group;        /* "exports", "floor", "hardening", "consistency", "imports" */
    const char *description;  /* one line */
    oi_format format;         /* OI_FORMAT_UNKNOWN: every format */
    oi_severity default_severity;  /* in the default profile */
} oi_check_def;

OI_API const char *oi_verdict_name(oi_verdict v);     /* "pass", "fail", "n/a", "unavailable" */
OI_API const char *oi_severity_name(oi_severity v);   /* "off", "warning", "error" */

/* The check table, in a fixed order (SARIF rule indexes follow it). */
OI_API size_t oi_check_def_count(void);
OI_API const oi_check_def *oi_check_def_at(size_t i);

typedef struct oi_policy oi_policy;

/* Parse a policy (the format is in the README). text == NULL gives the
 * default profile. On a syntax error err->message names the line. */
OI_API oi_status oi_policy_parse(const char *text, size_t len, const char *name,
                                 oi_policy **out, oi_error *err);
OI_API void oi_policy_free(oi_policy *p);
/* The severity the policy gives check i of the table. */
OI_API oi_severity oi_policy_severity(const oi_policy *p, size_t i);
/* The sysroot that imports are resolved against (--root); NULL: none. */
OI_API oi_status oi_policy_set_root(oi_policy *p, const char *root);

typedef struct oi_check_result {
    const oi_check_def *def;
    size_t index;             /* index of def in the check table */
    oi_verdict verdict;
    oi_severity severity;     /* from the policy */
    const char *evidence;     /* one line, owned by the report */
} oi_check_result;

typedef struct oi_check_report oi_check_report;

/* Run every check of the policy that applies to f's format. The report is
 * the caller's (oi_check_report_free) and does not point into f. A table
 * that fails to build (strict mode) makes the checks that need it
 * "unavailable" and oi_check_report_status() returns its status. */
OI_API oi_status oi_check_run(oi_file *f, const oi_policy *p, oi_check_report **out);
OI_API size_t oi_check_report_count(const oi_check_report *r);
OI_API const oi_check_result *oi_check_report_at(const oi_check_report *r, size_t i);
/* OI_OK, or the first error status met while reading the file's tables. */
OI_API oi_status oi_check_report_status(const oi_check_report *r);
/* True when a check of severity error failed. */
OI_API bool oi_check_report_failed(const oi_check_report *r);
OI_API void oi_check_report_free(oi_check_report *r);

/* ------------------------------------------------------------ diff
 * `objinspect diff`: the exported ABI surface of two files, symbol by
 * symbol. The status is a bitmask, as abidiff's: */
#define OI_DIFF_ABI_CHANGE        4u   /* some change (abidiff's ABIDIFF_ABI_CHANGE) */
#define OI_DIFF_ABI_INCOMPATIBLE  8u   /* an incompatible one (ABIDIFF_ABI_INCOMPATIBLE_CHANGE) */

typedef enum oi_change_kind {
    OI_CHANGE_REMOVED = 0,    /* an export is gone */
    OI_CHANGE_ADDED,          /* a new export */
    OI_CHANGE_VERSION,        /* same name, another version (ELF) */
    OI_CHANGE_VERSION_DEFAULT,/* default (@@) became hidden (@) or back */
    OI_CHANGE_VISIBILITY,
    OI_CHANGE_BINDING,
    OI_CHANGE_KIND,
    OI_CHANGE_SIZE,           /* the size of a data object */
    OI_CHANGE_CALLCONV,
    OI_CHANGE_ORDINAL,        /* PE */
    OI_CHANGE_FORWARDER,      /* PE forwarder, Mach-O re-export */
    OI_CHANGE_COUNT
} oi_change_kind;

OI_API const char *oi_change_kind_name(oi_change_kind k);  /* "removed", "added", ... */

typedef struct oi_change {
    oi_change_kind kind;
    bool incompatible;
    const char *name;         /* the export's name, or "#N" for a nameless one */
    const oi_export *old_exp; /* NULL when added; lives until oi_close of the old file */
    const oi_export *new_exp; /* NULL when removed; lives until oi_close of the new file */
    const char *detail;       /* one line, e.g. "VERS_1 -> VERS_2"; owned by the diff */
} oi_change;

typedef struct oi_diff oi_diff;

OI_API oi_status oi_diff_exports(oi_file *old_file, oi_file *new_file, oi_diff **out);
OI_API size_t oi_diff_count(const oi_diff *d);
OI_API const oi_change *oi_diff_at(const oi_diff *d, size_t i);
/* 0, or OI_DIFF_ABI_CHANGE, with OI_DIFF_ABI_INCOMPATIBLE when one is. */
OI_API unsigned oi_diff_status(const oi_diff *d);
OI_API void oi_diff_free(oi_diff *d);
/* ------------------------------------------------------------ abi
 * Demangling, language and plugin tags (src/abi). Nothing here is computed
 * when a table is built: demangle only what you print. */

/* The demangled form of an export's name: Itanium C++, Rust (legacy and
 * v0) and D through libiberty, MSVC C++ through objinspect's own demangler
 * (Mach-O's extra leading underscore is removed first). Swift names are
 * recognised (lang "swift") but not demangled. Returns a string in f's
 * arena, valid until oi_close, or NULL when the name is not mangled or does
 * not demangle. Each call demangles again: keep the result if you need it
 * twice. */
OI_API const char *oi_demangle(oi_file *f, const oi_export *e);
/* The same for any symbol name (no format adjustment). Both allocate from
 * f's arena (under the file's lock, so threads sharing the handle may call
 * them; each call allocates again); oi_demangle_to allocates nothing.
 * When f's allocation limit refuses the copy, they return NULL and add an
 * error diagnostic (where "abi/demangle") to f. */
OI_API const char *oi_demangle_name(oi_file *f, const char *name);
/* Without a file: write the demangled name into buf (always NUL-terminated
 * when size > 0, truncated if needed). Returns the full length of the
 * demangled text, or 0 when name is not mangled or does not demangle. */
OI_API size_t oi_demangle_to(const char *name, char *buf, size_t size);

/* The language an export name is written in, from its shape alone:
 * "c", "c++", "rust", "swift", "objc", "d", "go", or NULL. This is the
 * rule that fills oi_export.lang. */
OI_API const char *oi_lang_of_name(oi_format format, const char *name);

/* Per-file ABI tags as key/value text, built on first call (it reads the
 * export and import tables): "languages" (comma-separated, most exports
 * first), "plugin" (cpython, node-api, jni, lua, ruby, windows-dll,
 * com-server, ...), "cpython_init", "cpython_module", "cpython_abi" and
 * "cpython_abi_source", and "problem" lines such as a PyInit_<name> that
 * does not match the file's module name. See the README, "ABI tags". */
OI_API oi_status oi_abi_tags(oi_file *f, const oi_property **out, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
