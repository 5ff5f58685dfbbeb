/*
 * The calling-convention rule tables. One row per rule, each with the
 * specification it comes from; the first row that matches wins.
 *
 *  - file_rules: the ABI's default convention for C functions, from format,
 *    machine, class, byte order and header flags.
 *  - export_rules: what one export's own bits prove: an ELF st_other flag,
 *    an x86 name decoration, a mangled-name code. A row that does not apply
 *    falls through to the next; the last row is the file's default.
 *
 * Every row has a fixture under tests/fixtures/abi whose source says what
 * the row must report (see tests/cli/test_abi_callconv.sh).
 */
#include "abi.h"

#include <stddef.h>
#include <string.h>

/* Machine numbers, under their spec names (ELF gABI, PE/COFF, Mach-O). */
enum {
    EM_SPARC = 2, EM_386 = 3, EM_MIPS = 8, EM_SPARC32PLUS = 18, EM_PPC = 20,
    EM_PPC64 = 21, EM_S390 = 22, EM_ARM = 40, EM_SPARCV9 = 43, EM_X86_64 = 62,
    EM_AARCH64 = 183, EM_RISCV = 243,
};
enum {
    IMAGE_FILE_MACHINE_I386 = 0x14c, IMAGE_FILE_MACHINE_AMD64 = 0x8664,
    IMAGE_FILE_MACHINE_ARMNT = 0x1c4, IMAGE_FILE_MACHINE_ARM64 = 0xaa64,
    IMAGE_FILE_MACHINE_ARM64EC = 0xa641,
};
#define CPU_ARCH_ABI64 0x01000000u
enum {
    CPU_TYPE_X86 = 7, CPU_TYPE_ARM = 12,
    CPU_TYPE_X86_64 = CPU_TYPE_X86 | CPU_ARCH_ABI64,
    CPU_TYPE_ARM64 = CPU_TYPE_ARM | CPU_ARCH_ABI64,
    CPU_TYPE_ARM64_32 = CPU_TYPE_ARM | 0x02000000u,
};
/* e_flags bits */
#define EF_ARM_ABI_FLOAT_SOFT 0x200u
#define EF_ARM_ABI_FLOAT_HARD 0x400u
#define EF_ARM_ABI_FLOAT (EF_ARM_ABI_FLOAT_SOFT | EF_ARM_ABI_FLOAT_HARD)
#define EF_RISCV_FLOAT_ABI 0x6u
#define EF_RISCV_FLOAT_ABI_SINGLE 0x2u
#define EF_RISCV_FLOAT_ABI_DOUBLE 0x4u
#define EF_PPC64_ABI 0x3u
#define EF_MIPS_ABI2 0x20u
#define EF_MIPS_ABI 0xf000u
#define EF_MIPS_ABI_O32 0x1000u
/* st_other bits (processor-specific) */
#define STO_AARCH64_VARIANT_PCS 0x80u
#define STO_RISCV_VARIANT_CC 0x80u
/* Tag_ABI_VFP_args values (Addenda to the Arm ABI, IHI 0045) */
enum { VFP_ARGS_BASE = 0, VFP_ARGS_VFP = 1, VFP_ARGS_TOOLCHAIN = 2, VFP_ARGS_COMPAT = 3 };

/* ------------------------------------------------------------ file rules */

typedef struct cc_rule {
    oi_format format;
    uint32_t machine;
    uint32_t flags_mask, flags_value; /* (flags & mask) == value */
    int bits;                         /* 0: any class */
    int endian;                       /* -1 any, 0 little, 1 big */
    int vfp_args;                     /* ARM: -1 any, -2 absent, else Tag_ABI_VFP_args */
    oi_callconv cc;
    const char *name;
    const char *spec;
} cc_rule;

#define ANY -1
static const cc_rule file_rules[] = {
    /* ELF */
    { OI_FORMAT_ELF, EM_X86_64, 0, 0, 64, ANY, ANY, OI_CC_SYSV_X86_64, "System V x86-64",
      "System V AMD64 psABI 1.0, ch. 3.2" },
    { OI_FORMAT_ELF, EM_X86_64, 0, 0, 32, ANY, ANY, OI_CC_SYSV_X86_64, "System V x32",
      "System V AMD64 psABI 1.0, ch. 3.2 (ILP32)" },
    { OI_FORMAT_ELF, EM_386, 0, 0, 0, ANY, ANY, OI_CC_CDECL, "System V i386 (cdecl)",
      "System V i386 psABI 1.1, ch. 2.2" },
    { OI_FORMAT_ELF, EM_AARCH64, 0, 0, 0, ANY, ANY, OI_CC_AAPCS64, "AAPCS64",
      "Arm AAPCS64 (IHI 0055), ch. 6" },
    /* ARM: the e_flags float-ABI bits first, then Tag_ABI_VFP_args */
    { OI_FORMAT_ELF, EM_ARM, EF_ARM_ABI_FLOAT, EF_ARM_ABI_FLOAT_HARD, 0, ANY, ANY,
      OI_CC_AAPCS_VFP, "AAPCS-VFP (hard float)", "Arm ELF (IHI 0044) 5.2, EF_ARM_ABI_FLOAT_HARD; AAPCS 6.1.2" },
    { OI_FORMAT_ELF, EM_ARM, EF_ARM_ABI_FLOAT, EF_ARM_ABI_FLOAT_SOFT, 0, ANY, ANY,
      OI_CC_AAPCS, "AAPCS (soft float)", "Arm ELF (IHI 0044) 5.2, EF_ARM_ABI_FLOAT_SOFT; AAPCS 6.1.1" },
    { OI_FORMAT_ELF, EM_ARM, 0, 0, 0, ANY, VFP_ARGS_VFP, OI_CC_AAPCS_VFP,
      "AAPCS-VFP (hard float, Tag_ABI_VFP_args)", "Arm ABI addenda (IHI 0045) 3.3.5.5, Tag_ABI_VFP_args = 1" },
    { OI_FORMAT_ELF, EM_ARM, 0, 0, 0, ANY, VFP_ARGS_BASE, OI_CC_AAPCS,
      "AAPCS (base, Tag_ABI_VFP_args)", "Arm ABI addenda (IHI 0045) 3.3.5.5, Tag_ABI_VFP_args = 0" },
    { OI_FORMAT_ELF, EM_ARM, 0, 0, 0, ANY, VFP_ARGS_COMPAT, OI_CC_AAPCS,
      "AAPCS (no float arguments: either variant, Tag_ABI_VFP_args)",
      "Arm ABI addenda (IHI 0045) 3.3.5.5, Tag_ABI_VFP_args = 3" },
    { OI_FORMAT_ELF, EM_ARM, 0, 0, 0, ANY, ANY, OI_CC_AAPCS, "AAPCS (float ABI unstated)",
      "Arm ELF (IHI 0044) 5.2: no float-ABI flag and no Tag_ABI_VFP_args: base AAPCS" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_DOUBLE, 64, ANY, ANY,
      OI_CC_RISCV_LP64D, "RISC-V LP64D", "RISC-V ELF psABI 1.0, e_flags EF_RISCV_FLOAT_ABI_DOUBLE" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_SINGLE, 64, ANY, ANY,
      OI_CC_RISCV_LP64F, "RISC-V LP64F", "RISC-V ELF psABI 1.0, e_flags EF_RISCV_FLOAT_ABI_SINGLE" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, 0, 64, ANY, ANY,
      OI_CC_RISCV_LP64, "RISC-V LP64 (soft float)", "RISC-V ELF psABI 1.0, e_flags EF_RISCV_FLOAT_ABI_SOFT" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_DOUBLE, 32, ANY, ANY,
      OI_CC_RISCV_ILP32D, "RISC-V ILP32D", "RISC-V ELF psABI 1.0, e_flags EF_RISCV_FLOAT_ABI_DOUBLE" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_SINGLE, 32, ANY, ANY,
      OI_CC_RISCV_ILP32F, "RISC-V ILP32F", "RISC-V ELF psABI 1.0, e_flags EF_RISCV_FLOAT_ABI_SINGLE" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, 0, 32, ANY, ANY,
      OI_CC_RISCV_ILP32, "RISC-V ILP32 (soft float)", "RISC-V ELF psABI 1.0, e_flags EF_RISCV_FLOAT_ABI_SOFT" },
    { OI_FORMAT_ELF, EM_PPC64, EF_PPC64_ABI, 2, 0, ANY, ANY, OI_CC_PPC64_ELFV2, "PPC64 ELFv2",
      "64-bit ELF V2 ABI for Power 1.1, 3.1: e_flags 2" },
    { OI_FORMAT_ELF, EM_PPC64, EF_PPC64_ABI, 1, 0, ANY, ANY, OI_CC_PPC64_ELFV1, "PPC64 ELFv1",
      "64-bit PowerPC ELF ABI Supplement 1.9, 4.1: e_flags 1" },
    /* e_flags 0 means "unspecified": little-endian objects are ELFv2 in practice */
    { OI_FORMAT_ELF, EM_PPC64, EF_PPC64_ABI, 0, 0, 0, ANY, OI_CC_PPC64_ELFV2, "PPC64 ELFv2 (little-endian, e_flags 0)",
      "64-bit ELF V2 ABI for Power 1.1 (little-endian, e_flags 0)" },
    { OI_FORMAT_ELF, EM_PPC64, EF_PPC64_ABI, 0, 0, 1, ANY, OI_CC_PPC64_ELFV1, "PPC64 ELFv1 (big-endian, e_flags 0)",
      "64-bit PowerPC ELF ABI Supplement 1.9 (big-endian, e_flags 0)" },
    { OI_FORMAT_ELF, EM_PPC, 0, 0, 0, ANY, ANY, OI_CC_PPC_SYSV, "PowerPC System V",
      "Power Architecture 32-bit ABI Supplement 1.0 (System V PowerPC psABI)" },
    { OI_FORMAT_ELF, EM_MIPS, EF_MIPS_ABI2, EF_MIPS_ABI2, 0, ANY, ANY, OI_CC_MIPS_N32, "MIPS n32",
      "MIPSpro N32 ABI Handbook; e_flags EF_MIPS_ABI2" },
    { OI_FORMAT_ELF, EM_MIPS, 0, 0, 64, ANY, ANY, OI_CC_MIPS_N64, "MIPS n64",
      "MIPSpro 64-bit ELF Object File Specification (ELFCLASS64)" },
    { OI_FORMAT_ELF, EM_MIPS, 0, 0, 32, ANY, ANY, OI_CC_MIPS_O32, "MIPS o32",
      "System V MIPS RISC Processor psABI 3rd ed. (o32)" },
    { OI_FORMAT_ELF, EM_S390, 0, 0, 64, ANY, ANY, OI_CC_S390X, "s390x ELF ABI",
      "zSeries ELF Application Binary Interface Supplement, ch. 1.2" },
    { OI_FORMAT_ELF, EM_SPARCV9, 0, 0, 0, ANY, ANY, OI_CC_SPARC64, "SPARC V9 ABI",
      "SPARC Compliance Definition 2.4, V9 ABI (System V SPARC V9 psABI)" },
    { OI_FORMAT_ELF, EM_SPARC, 0, 0, 0, ANY, ANY, OI_CC_SPARC, "SPARC V8 ABI",
      "System V SPARC psABI 3rd ed." },
    { OI_FORMAT_ELF, EM_SPARC32PLUS, 0, 0, 0, ANY, ANY, OI_CC_SPARC, "SPARC V8+ ABI",
      "SPARC Compliance Definition 2.4, V8+ (32-bit ABI)" },
    /* PE */
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_AMD64, 0, 0, 0, ANY, ANY, OI_CC_WIN64, "Microsoft x64",
      "Microsoft docs: x64 calling convention" },
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_I386, 0, 0, 0, ANY, ANY, OI_CC_CDECL, "Win32 x86 (cdecl default)",
      "Microsoft docs: __cdecl is the default for C and C++ programs" },
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_ARM64, 0, 0, 0, ANY, ANY, OI_CC_AAPCS64, "AAPCS64 (Windows)",
      "Microsoft docs: Overview of ARM64 ABI conventions" },
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_ARM64EC, 0, 0, 0, ANY, ANY, OI_CC_ARM64EC, "ARM64EC",
      "Microsoft docs: Overview of ARM64EC ABI conventions" },
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_ARMNT, 0, 0, 0, ANY, ANY, OI_CC_AAPCS_VFP, "AAPCS-VFP (Windows on ARM)",
      "Microsoft docs: Overview of ARM32 ABI conventions" },
    /* Mach-O */
    { OI_FORMAT_MACHO, CPU_TYPE_X86_64, 0, 0, 0, ANY, ANY, OI_CC_SYSV_X86_64, "System V x86-64 (Darwin)",
      "Apple: x86-64 function calling conventions (System V AMD64 psABI)" },
    { OI_FORMAT_MACHO, CPU_TYPE_X86, 0, 0, 0, ANY, ANY, OI_CC_CDECL, "i386 (Darwin cdecl)",
      "Apple: IA-32 function calling conventions" },
    { OI_FORMAT_MACHO, CPU_TYPE_ARM64, 0, 0, 0, ANY, ANY, OI_CC_AAPCS64_DARWIN, "AAPCS64 (Apple arm64)",
      "Apple: Writing ARM64 code for Apple platforms" },
    { OI_FORMAT_MACHO, CPU_TYPE_ARM64_32, 0, 0, 0, ANY, ANY, OI_CC_AAPCS64_DARWIN, "AAPCS64 (Apple arm64_32)",
      "Apple: Writing ARM64 code for Apple platforms" },
    { OI_FORMAT_MACHO, CPU_TYPE_ARM, 0, 0, 0, ANY, ANY, OI_CC_AAPCS, "AAPCS (Apple armv7)",
      "Apple: ARMv7 function calling conventions" },
};

static bool file_rule_matches(const cc_rule *r, const oi_file_info *info)
{
    if (r->format != info->format || r->machine != info->machine_raw)
        return false;
    if ((info->flags_raw & r->flags_mask) != r->flags_value)
        return false;
    if (r->bits && r->bits != info->bits)
        return false;
    if (r->endian >= 0 && r->endian != (int)info->big_endian)
        return false;
    if (r->vfp_args >= 0 && !(info->has_arm_vfp_args && info->arm_vfp_args == r->vfp_args))
        return false;
    return true;
}

void oi_abi_file_defaults(oi_file_info *info)
{
    const cc_rule *r = NULL;
    for (size_t i = 0; i < sizeof file_rules / sizeof file_rules[0] && !r; i++)
        if (file_rule_matches(&file_rules[i], info))
            r = &file_rules[i];
    info->abi_callconv = r ? r->cc : OI_CC_UNKNOWN;
    info->abi_name = r ? r->name : "unknown";
}

/* ------------------------------------------------------------ export rules */

/* What a rule concluded about one export. */
typedef struct cc_verdict {
    oi_callconv cc;
    oi_ccsource source;
    int32_t argbytes;
    uint32_t flags;
} cc_verdict;

/* A rule returns true when it decided (the verdict is then final). */
typedef bool (*export_rule_fn)(const oi_file_info *in, const oi_export *e, cc_verdict *v);

typedef struct export_rule {
    const char *name;
    export_rule_fn fn;
    const char *spec;
} export_rule;

static bool is_pe_x86(const oi_file_info *in)
{
    return in->format == OI_FORMAT_PE && in->machine_raw == IMAGE_FILE_MACHINE_I386;
}

static bool is_pe_x86_or_x64(const oi_file_info *in)
{
    return in->format == OI_FORMAT_PE && (in->machine_raw == IMAGE_FILE_MACHINE_I386 ||
                                          in->machine_raw == IMAGE_FILE_MACHINE_AMD64);
}

static bool is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$';
}

/* s[0..n) is a C identifier (at least one character, no leading digit). */
static bool is_ident(const char *s, size_t n)
{
    if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_ident_char(s[i]))
            return false;
    return true;
}

/* The decimal N of a decoration "...@N" ending the name at s (NUL-ended);
 * -1 when s is not 1-5 digits. Argument bytes are small multiples of 4. */
static int32_t argbytes_at(const char *s)
{
    int32_t n = 0;
    size_t len = 0;
    for (; s[len]; len++) {
        if (s[len] < '0' || s[len] > '9' || len >= 5)
            return -1;
        n = n * 10 + (s[len] - '0');
    }
    return len ? n : -1;
}

static bool rule_aarch64_variant_pcs(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (in->format != OI_FORMAT_ELF || in->machine_raw != EM_AARCH64 ||
        !(e->raw.b & STO_AARCH64_VARIANT_PCS))
        return false;
    v->cc = OI_CC_AAPCS64_VARIANT_PCS;
    v->source = OI_CCSRC_SYMBOL_FLAG;
    return true;
}

static bool rule_riscv_variant_cc(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (in->format != OI_FORMAT_ELF || in->machine_raw != EM_RISCV ||
        !(e->raw.b & STO_RISCV_VARIANT_CC))
        return false;
    v->cc = OI_CC_RISCV_VARIANT_CC;
    v->source = OI_CCSRC_SYMBOL_FLAG;
    return true;
}

/* ARM64EC entry and exit thunks: "$ientry_thunk$cdecl$..", "$iexit_thunk$..",
 * and "#f$exit_thunk"; they adapt between x64 and ARM64EC conventions. */
static bool rule_arm64ec_thunk(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (in->format != OI_FORMAT_PE)
        return false;
    const char *s = e->name;
    size_t n = strlen(s);
    static const char exit_sfx[] = "$exit_thunk", entry_sfx[] = "$entry_thunk";
    bool thunk = strncmp(s, "$ientry_thunk$", 14) == 0 || strncmp(s, "$iexit_thunk$", 13) == 0 ||
                 (n > sizeof exit_sfx && strcmp(s + n - (sizeof exit_sfx - 1), exit_sfx) == 0) ||
                 (n > sizeof entry_sfx && strcmp(s + n - (sizeof entry_sfx - 1), entry_sfx) == 0);
    if (!thunk)
        return false;
    v->cc = OI_CC_ARM64EC;
    v->source = OI_CCSRC_MANGLING;
    v->flags |= OI_ABIF_THUNK;
    return true;
}

/* ARM64EC C names: "#f" is the ARM64EC body of f (the plain name is the x64
 * entry). C++ names carry "$$h" instead and go through the MSVC rule. */
static bool rule_arm64ec_hash(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (in->format != OI_FORMAT_PE || e->name[0] != '#' || !is_ident(e->name + 1, strlen(e->name + 1)))
        return false;
    v->cc = OI_CC_ARM64EC;
    v->source = OI_CCSRC_MANGLING;
    return true;
}

/* MSVC C++: the calling-convention letter after the function class. */
static bool rule_msvc(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (e->name[0] != '?')
        return false;
    oi_msvc_facts mf;
    if (!oi_msvc_facts_of(e->name, &mf))
        return false;
    v->flags |= mf.flags;
    v->source = OI_CCSRC_MANGLING;
    if (!mf.cc) {          /* a variable or a compiler-made table */
        v->cc = OI_CC_UNKNOWN;
        v->source = OI_CCSRC_NONE;
        return true;
    }
    bool x86 = in->format == OI_FORMAT_PE && in->machine_raw == IMAGE_FILE_MACHINE_I386;
    bool arm64ec = strstr(e->name, "$$h") != NULL || in->abi_callconv == OI_CC_ARM64EC;
    switch (mf.cc) {
    case 'A': case 'B':    /* __cdecl: on 64-bit targets the platform convention */
        v->cc = x86 ? OI_CC_CDECL : arm64ec ? OI_CC_ARM64EC : in->abi_callconv;
        break;
    case 'C': case 'D': v->cc = OI_CC_PASCAL; break;
    case 'E': case 'F': v->cc = x86 ? OI_CC_THISCALL : in->abi_callconv; break;
    case 'G': case 'H': v->cc = x86 ? OI_CC_STDCALL : in->abi_callconv; break;
    case 'I': case 'J': v->cc = x86 ? OI_CC_FASTCALL : in->abi_callconv; break;
    case 'Q': v->cc = OI_CC_VECTORCALL; break;
    case 'S': v->cc = OI_CC_SWIFTCALL; break;
    default:               /* __clrcall, __eabi, __regcall, ...: not modelled */
        v->cc = OI_CC_UNKNOWN;
        v->source = OI_CCSRC_NONE;
        break;
    }
    if (v->cc == OI_CC_UNKNOWN)
        v->source = OI_CCSRC_NONE;
    return true;
}

/* Swift: "$s" (Swift 5), "$S" (4.2), "_T0" (4.0), with Mach-O's '_'. */
static bool rule_swift(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (!oi_lang_of_name(in->format, e->name) || strcmp(oi_lang_of_name(in->format, e->name), "swift") != 0)
        return false;
    v->cc = OI_CC_SWIFTCALL;
    v->source = OI_CCSRC_MANGLING;
    return true;
}

/* Rust-mangled functions (v0 "_R", legacy "_ZN...17h<hash>E") use the
 * unstable Rust ABI; only #[no_mangle] extern "C" functions are C. */
static bool rule_rust(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    const char *lang = oi_lang_of_name(in->format, e->name);
    if (!lang || strcmp(lang, "rust") != 0)
        return false;
    v->cc = OI_CC_RUST;
    v->source = OI_CCSRC_MANGLING;
    return true;
}

/* Go symbols ("pkg.Func") use Go's own ABI; only //export'ed C names
 * (plain identifiers) follow the platform's C convention. */
static bool rule_go(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    const char *lang = oi_lang_of_name(in->format, e->name);
    if (!lang || strcmp(lang, "go") != 0)
        return false;
    v->cc = OI_CC_GO;
    v->source = OI_CCSRC_MANGLING;
    return true;
}

/* Itanium C++: the platform's C convention, with `this` first for member
 * functions. The mangling proves a member function only through a
 * cv/ref-qualifier on the nested name (_ZNK, _ZNV, _ZNR, _ZNO) or a
 * constructor/destructor name; otherwise A::f may be a namespace function. */
static bool rule_itanium(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    const char *s = e->name;
    if (in->format == OI_FORMAT_MACHO && s[0] == '_')
        s++;
    if (strncmp(s, "_Z", 2) != 0)
        return false;
    v->cc = in->abi_callconv;
    v->source = v->cc == OI_CC_UNKNOWN ? OI_CCSRC_NONE : OI_CCSRC_MANGLING;
    if (s[2] == 'N') {
        const char *q = s + 3;
        bool member = false;
        while (*q == 'r' || *q == 'V' || *q == 'K' || *q == 'R' || *q == 'O') {
            if (*q != 'r')
                member = true;
            q++;
        }
        /* a ctor/dtor: C1-C5, CI1/CI2 (inheriting) or D0-D5 before the closing E */
        for (const char *p = q; *p && !member; p++) {
            if (p[0] == 'C' && ((p[1] >= '1' && p[1] <= '5') || p[1] == 'I') && p[2] == 'E')
                member = true;
            if (p[0] == 'D' && p[1] >= '0' && p[1] <= '5' && p[2] == 'E')
                member = true;
            if (p[0] == 'E')
                break;
        }
        if (member)
            v->flags |= OI_ABIF_MEMBER;
    } else if (strncmp(s, "_ZTV", 4) == 0 || strncmp(s, "_ZTI", 4) == 0 ||
               strncmp(s, "_ZTS", 4) == 0 || strncmp(s, "_ZTT", 4) == 0 ||
               strncmp(s, "_ZGV", 4) == 0) {
        v->flags |= OI_ABIF_SPECIAL | OI_ABIF_DATA;
    } else if (strncmp(s, "_ZTh", 4) == 0 || strncmp(s, "_ZTv", 4) == 0 ||
               strncmp(s, "_ZTc", 4) == 0) {
        v->flags |= OI_ABIF_THUNK | OI_ABIF_MEMBER;
    }
    return true;
}

/* x86 Win32: "@f@N" is __fastcall with N argument bytes. */
static bool rule_fastcall(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (!is_pe_x86(in) || e->name[0] != '@')
        return false;
    const char *at = strrchr(e->name, '@');
    if (at == e->name || !is_ident(e->name + 1, (size_t)(at - e->name - 1)))
        return false;
    int32_t n = argbytes_at(at + 1);
    if (n < 0)
        return false;
    v->cc = OI_CC_FASTCALL;
    v->source = OI_CCSRC_DECORATION;
    v->argbytes = n;
    return true;
}

/* x86 and x64 Windows: "f@@N" is __vectorcall with N argument bytes. */
static bool rule_vectorcall(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (!is_pe_x86_or_x64(in))
        return false;
    const char *at = strstr(e->name, "@@");
    if (!at || at == e->name || !is_ident(e->name, (size_t)(at - e->name)))
        return false;
    int32_t n = argbytes_at(at + 2);
    if (n < 0)
        return false;
    v->cc = OI_CC_VECTORCALL;
    v->source = OI_CCSRC_DECORATION;
    v->argbytes = n;
    return true;
}

/* x86 Win32: "_f@N" is __stdcall; export tables usually drop the leading
 * underscore ("f@N", as GNU ld and link.exe write them). */
static bool rule_stdcall(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (!is_pe_x86(in))
        return false;
    const char *at = strrchr(e->name, '@');
    if (!at || at == e->name || !is_ident(e->name, (size_t)(at - e->name)))
        return false;
    int32_t n = argbytes_at(at + 1);
    if (n < 0)
        return false;
    v->cc = OI_CC_STDCALL;
    v->source = OI_CCSRC_DECORATION;
    v->argbytes = n;
    return true;
}

/* x86 Win32: "_f" (the C symbol itself, leading underscore kept) is __cdecl. */
static bool rule_cdecl_underscore(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    if (!is_pe_x86(in) || e->name[0] != '_' || e->name[1] == '_' ||
        !is_ident(e->name + 1, strlen(e->name + 1)))
        return false;
    v->cc = OI_CC_CDECL;
    v->source = OI_CCSRC_DECORATION;
    return true;
}

/* x86 Win32, undecorated "f": cdecl or stdcall with --kill-at / a .def
 * (kernel32's exports are stdcall): nothing in the name says which. */
static bool rule_x86_undecorated(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    (void)e;
    if (!is_pe_x86(in))
        return false;
    v->cc = OI_CC_UNKNOWN;
    v->source = OI_CCSRC_NONE;
    return true;
}

/* Everything else: the platform ABI's default for C functions. */
static bool rule_abi_default(const oi_file_info *in, const oi_export *e, cc_verdict *v)
{
    (void)e;
    v->cc = in->abi_callconv;
    v->source = v->cc == OI_CC_UNKNOWN ? OI_CCSRC_NONE : OI_CCSRC_ABI_DEFAULT;
    return true;
}

static const export_rule export_rules[] = {
    { "aarch64-variant-pcs", rule_aarch64_variant_pcs,
      "ELF for the Arm 64-bit Architecture (IHI 0056) 5.6.1: STO_AARCH64_VARIANT_PCS in st_other" },
    { "riscv-variant-cc", rule_riscv_variant_cc,
      "RISC-V ELF psABI 1.0, Symbol Table: STO_RISCV_VARIANT_CC in st_other" },
    { "arm64ec-thunk", rule_arm64ec_thunk,
      "Microsoft docs: Understanding ARM64EC ABI and assembly code (entry and exit thunks)" },
    { "arm64ec-hash", rule_arm64ec_hash,
      "Microsoft docs: ARM64EC ABI: '#' prefix marks the ARM64EC symbol of a C function" },
    { "msvc-mangled", rule_msvc,
      "Microsoft C++ name mangling (calling-convention code after the function class); "
      "llvm MicrosoftDemangle's CallingConv table" },
    { "swift", rule_swift,
      "Swift docs/ABI/Mangling.rst ($s prefix); docs/ABI/CallingConvention.rst (swiftcall)" },
    { "rust", rule_rust,
      "Rust RFC 2603 (v0 mangling, _R prefix); legacy _ZN..17h<hash>E; Rust reference: extern \"Rust\" ABI is unspecified" },
    { "go", rule_go,
      "Go internal ABI specification (ABIInternal; ABI0 for assembly): Go symbols are pkg.Name" },
    { "itanium-c++", rule_itanium,
      "Itanium C++ ABI 5.1 (mangling), 3.1 (member functions take `this` first)" },
    { "x86-fastcall", rule_fastcall,
      "Microsoft docs: __fastcall, name decoration @name@N" },
    { "x86-vectorcall", rule_vectorcall,
      "Microsoft docs: __vectorcall, name decoration name@@N" },
    { "x86-stdcall", rule_stdcall,
      "Microsoft docs: __stdcall, name decoration _name@N (export tables drop the '_')" },
    { "x86-cdecl-underscore", rule_cdecl_underscore,
      "Microsoft docs: __cdecl, name decoration _name" },
    { "x86-undecorated", rule_x86_undecorated,
      "Microsoft docs: Format of a C decorated name: an undecorated export proves no convention" },
    { "abi-default", rule_abi_default, "the file rule table above" },
};

void oi_abi_annotate_exports(const oi_file_info *info, oi_export *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!e[i].lang && e[i].name)
            e[i].lang = oi_lang_of_name(info->format, e[i].name);
        if (e[i].callconv_source != OI_CCSRC_NONE || e[i].callconv != OI_CC_UNKNOWN)
            continue;
        /* only functions have a calling convention; PE and Mach-O exports
         * may carry no type at all (notype), so they get the rules too */
        bool func = e[i].kind == OI_KIND_FUNC || e[i].kind == OI_KIND_IFUNC ||
                    (e[i].kind == OI_KIND_NOTYPE &&
                     (e[i].target == OI_TARGET_REEXPORT || info->format != OI_FORMAT_ELF));
        if (!func) {
            /* a variable has no convention, but its mangling still says
             * what it is (a vftable, a static data member, ...) */
            cc_verdict v = { OI_CC_UNKNOWN, OI_CCSRC_NONE, -1, 0 };
            if (e[i].name && (rule_msvc(info, &e[i], &v) || rule_itanium(info, &e[i], &v)))
                e[i].abi_flags |= v.flags;
            continue;
        }
        if (!e[i].name) {
            cc_verdict v = { OI_CC_UNKNOWN, OI_CCSRC_NONE, -1, 0 };
            if (!is_pe_x86(info))
                rule_abi_default(info, &e[i], &v);
            e[i].callconv = v.cc;
            e[i].callconv_source = v.source;
            continue;
        }
        for (size_t r = 0; r < sizeof export_rules / sizeof export_rules[0]; r++) {
            cc_verdict v = { OI_CC_UNKNOWN, OI_CCSRC_NONE, -1, 0 };
            if (!export_rules[r].fn(info, &e[i], &v))
                continue;
            e[i].callconv = v.cc;
            e[i].callconv_source = v.source;
            if (e[i].callconv_argbytes < 0)
                e[i].callconv_argbytes = v.argbytes;
            e[i].abi_flags |= v.flags;
            break;
        }
    }
}
