/* Enum-to-string tables. Each table is indexed by its enum and checked
 * against the enum's size at compile time, so adding a value without a name
 * fails the build. */
#include "objinspect.h"

#define NAME_TABLE(fn, type, last, ...)                                        \
    const char *fn(type v)                                                     \
    {                                                                          \
        static const char *const names[] = { __VA_ARGS__ };                   \
        _Static_assert(sizeof names / sizeof names[0] == (size_t)(last) + 1,   \
                       #fn " is out of sync with " #type);                     \
        return (unsigned)v <= (unsigned)(last) ? names[v] : "?";               \
    }

NAME_TABLE(oi_status_name, oi_status, OI_NOTFOUND,
           "ok", "bad argument", "I/O error", "out of memory",
           "not an object file", "unsupported", "truncated", "malformed",
           "limit reached", "cycle", "not found")

NAME_TABLE(oi_format_name, oi_format, OI_FORMAT_AR,
           "unknown", "elf", "pe", "macho", "macho-fat", "ar")

NAME_TABLE(oi_binding_name, oi_binding, OI_BIND_OTHER,
           "local", "global", "weak", "unique", "other")

NAME_TABLE(oi_visibility_name, oi_visibility, OI_VIS_INTERNAL,
           "default", "protected", "hidden", "internal")

NAME_TABLE(oi_kind_name, oi_kind, OI_KIND_OTHER,
           "notype", "func", "ifunc", "data", "tls", "common", "absolute",
           "section", "file", "other")

NAME_TABLE(oi_target_name, oi_target, OI_TARGET_REEXPORT,
           "address", "absolute", "tls", "resolver", "reexport")

NAME_TABLE(oi_callconv_name, oi_callconv, OI_CC_COUNT - 1,
           "unknown", "sysv-x86_64", "win64", "cdecl", "stdcall", "fastcall",
           "vectorcall", "thiscall", "pascal", "aapcs", "aapcs-vfp", "aapcs64",
           "aapcs64-darwin", "aapcs64-variant-pcs", "arm64ec",
           "riscv-ilp32", "riscv-ilp32f", "riscv-ilp32d", "riscv-lp64",
           "riscv-lp64f", "riscv-lp64d", "riscv-variant-cc",
           "ppc64-elfv1", "ppc64-elfv2", "ppc-sysv", "mips-o32", "mips-n32",
           "mips-n64", "s390x", "sparc64", "swiftcall", "rust", "sparc", "go")

NAME_TABLE(oi_ccsource_name, oi_ccsource, OI_CCSRC_MANGLING,
           "none", "abi-default", "symbol-flag", "decoration", "mangling")

NAME_TABLE(oi_dep_kind_name, oi_dep_kind, OI_DEP_UPWARD,
           "needed", "delay", "weak", "reexport", "lazy", "upward")

NAME_TABLE(oi_reloc_class_name, oi_reloc_class, OI_RELOC_COPY, "data", "plt", "copy")

NAME_TABLE(oi_bind_state_name, oi_bind_state, OI_CHAIN_TOO_DEEP,
           "bound", "weak-unbound", "unresolved", "no-library", "loop", "too-deep")
