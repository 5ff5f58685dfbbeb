/*
 * The abi layer: calling conventions, demangling, language and plugin tags,
 * written once on the model. Nothing here reads file bytes: it sees names,
 * raw symbol bits and header facts only.
 */
#ifndef OI_ABI_H
#define OI_ABI_H

#include "objinspect.h"

/* Fill info->abi_callconv and info->abi_name from format, machine, class,
 * header flags (and, for ARM, Tag_ABI_VFP_args) by the ABI-default rules. */
void oi_abi_file_defaults(oi_file_info *info);

/* Fill callconv, callconv_source, callconv_argbytes, abi_flags and lang of
 * exports whose parser left them unset, by the per-export rule table. */
void oi_abi_annotate_exports(const oi_file_info *info, oi_export *e, size_t n);

/* What an MSVC-mangled name says without printing it (msvc_demangle.c). */
typedef struct oi_msvc_facts {
    char cc;            /* the calling-convention letter (A, C, E, G, I, Q, ...), 0 if none */
    uint32_t flags;     /* OI_ABIF_* */
} oi_msvc_facts;
/* false when name is not a well-formed MSVC mangled name */
bool oi_msvc_facts_of(const char *name, oi_msvc_facts *out);
/* Demangle an MSVC name as llvm-undname prints it. Same contract as
 * oi_demangle_to: the full length, or 0 when it does not demangle. */
size_t oi_msvc_demangle(const char *name, char *buf, size_t size);
/* Demangle a D name as "c++filt -s dlang" prints it (d_demangle.c). Same
 * contract as oi_demangle_to. */
size_t oi_d_demangle(const char *name, char *buf, size_t size);

/* The most text one demangled name may have; a name whose text would be
 * longer is left mangled. Back references (Itanium S_/T_, Rust v0 B, MSVC
 * 0-9, D Q) let a few hundred bytes stand for gigabytes (see demangle.c
 * and d_demangle.c); real names stay far below this (libLLVM's longest
 * demangled export: 8 KiB). */
#define ABI_MAX_DEMANGLED (256 * 1024)

/* Per-file ABI tags (lang.c), built on first use into f's abi-tag table. */
struct oi_file;
oi_status oi_abi_build_tags(struct oi_file *f);

#endif
