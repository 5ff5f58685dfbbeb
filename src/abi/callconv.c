/*
 * The calling-convention rule table. One row per rule, each with the
 * specification it comes from. The first row that matches wins.
 */
#include "abi.h"

#include <stddef.h>

/* Machine numbers, under their spec names (ELF gABI, PE/COFF, Mach-O). */
enum {
    EM_SPARC = 2, EM_386 = 3, EM_MIPS = 8, EM_PPC = 20, EM_PPC64 = 21,
    EM_S390 = 22, EM_ARM = 40, EM_SPARCV9 = 43, EM_X86_64 = 62,
    EM_AARCH64 = 183, EM_RISCV = 243,
};
enum {
    IMAGE_FILE_MACHINE_I386 = 0x14c, IMAGE_FILE_MACHINE_AMD64 = 0x8664,
    IMAGE_FILE_MACHINE_ARMNT = 0x1c4, IMAGE_FILE_MACHINE_ARM64 = 0xaa64,
    IMAGE_FILE_MACHINE_ARM64EC = 0xa641,
};
#define CPU_ARCH_ABI64 0x01000000u
enum {
    CPU_TYPE_X86 = 7, CPU_TYPE_ARM = 12, CPU_TYPE_POWERPC = 18,
    CPU_TYPE_X86_64 = CPU_TYPE_X86 | CPU_ARCH_ABI64,
    CPU_TYPE_ARM64 = CPU_TYPE_ARM | CPU_ARCH_ABI64,
    CPU_TYPE_ARM64_32 = CPU_TYPE_ARM | 0x02000000u,
    CPU_TYPE_POWERPC64 = CPU_TYPE_POWERPC | CPU_ARCH_ABI64,
};
/* e_flags bits */
#define EF_ARM_ABI_FLOAT_SOFT 0x200u
#define EF_ARM_ABI_FLOAT_HARD 0x400u
#define EF_RISCV_FLOAT_ABI 0x6u
#define EF_RISCV_FLOAT_ABI_SINGLE 0x2u
#define EF_RISCV_FLOAT_ABI_DOUBLE 0x4u
#define EF_PPC64_ABI 0x3u
#define EF_MIPS_ABI2 0x20u
#define EF_MIPS_ABI 0xf000u
#define EF_MIPS_ABI_O32 0x1000u

typedef struct cc_rule {
    oi_format format;
    uint32_t machine;
    uint32_t flags_mask, flags_value; /* (flags & mask) == value */
    int bits;                         /* 0: any class */
    int endian;                       /* -1 any, 0 little, 1 big */
    oi_callconv cc;
    const char *name;
    const char *spec;
} cc_rule;

static const cc_rule rules[] = {
    /* ELF */
    { OI_FORMAT_ELF, EM_X86_64, 0, 0, 64, -1, OI_CC_SYSV_X86_64, "System V x86-64",
      "System V AMD64 psABI 1.0, ch. 3.2" },
    { OI_FORMAT_ELF, EM_X86_64, 0, 0, 32, -1, OI_CC_SYSV_X86_64, "System V x32",
      "System V AMD64 psABI 1.0, ch. 3.2 (ILP32)" },
    { OI_FORMAT_ELF, EM_386, 0, 0, 0, -1, OI_CC_CDECL, "System V i386 (cdecl)",
      "System V i386 psABI 1.1, ch. 2.2" },
    { OI_FORMAT_ELF, EM_AARCH64, 0, 0, 0, -1, OI_CC_AAPCS64, "AAPCS64",
      "Arm AAPCS64 (IHI 0055), ch. 6" },
    { OI_FORMAT_ELF, EM_ARM, EF_ARM_ABI_FLOAT_HARD, EF_ARM_ABI_FLOAT_HARD, 0, -1,
      OI_CC_AAPCS_VFP, "AAPCS-VFP (hard float)", "Arm ELF (IHI 0044) 5.2.1, AAPCS 6.1.2" },
    { OI_FORMAT_ELF, EM_ARM, 0, 0, 0, -1, OI_CC_AAPCS, "AAPCS (soft float)",
      "Arm ELF (IHI 0044) 5.2.1, AAPCS 6.1.1" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_DOUBLE, 64, -1,
      OI_CC_RISCV_LP64D, "RISC-V LP64D", "RISC-V ELF psABI, e_flags EF_RISCV_FLOAT_ABI" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_SINGLE, 64, -1,
      OI_CC_RISCV_LP64F, "RISC-V LP64F", "RISC-V ELF psABI, e_flags EF_RISCV_FLOAT_ABI" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, 0, 64, -1,
      OI_CC_RISCV_LP64, "RISC-V LP64 (soft float)", "RISC-V ELF psABI, e_flags EF_RISCV_FLOAT_ABI" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_DOUBLE, 32, -1,
      OI_CC_RISCV_ILP32D, "RISC-V ILP32D", "RISC-V ELF psABI, e_flags EF_RISCV_FLOAT_ABI" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, EF_RISCV_FLOAT_ABI_SINGLE, 32, -1,
      OI_CC_RISCV_ILP32F, "RISC-V ILP32F", "RISC-V ELF psABI, e_flags EF_RISCV_FLOAT_ABI" },
    { OI_FORMAT_ELF, EM_RISCV, EF_RISCV_FLOAT_ABI, 0, 32, -1,
      OI_CC_RISCV_ILP32, "RISC-V ILP32 (soft float)", "RISC-V ELF psABI, e_flags EF_RISCV_FLOAT_ABI" },
    { OI_FORMAT_ELF, EM_PPC64, EF_PPC64_ABI, 2, 0, -1, OI_CC_PPC64_ELFV2, "PPC64 ELFv2",
      "64-bit ELF V2 ABI for Power, 1.1; e_flags 2" },
    { OI_FORMAT_ELF, EM_PPC64, EF_PPC64_ABI, 1, 0, -1, OI_CC_PPC64_ELFV1, "PPC64 ELFv1",
      "64-bit PowerPC ELF ABI 1.9; e_flags 1" },
    /* e_flags 0 means "unspecified": little-endian objects are ELFv2 in practice */
    { OI_FORMAT_ELF, EM_PPC64, EF_PPC64_ABI, 0, 0, 0, OI_CC_PPC64_ELFV2, "PPC64 ELFv2",
      "64-bit ELF V2 ABI for Power, 1.1 (little-endian)" },
    { OI_FORMAT_ELF, EM_PPC64, EF_PPC64_ABI, 0, 0, 1, OI_CC_PPC64_ELFV1, "PPC64 ELFv1",
      "64-bit PowerPC ELF ABI 1.9 (big-endian default)" },
    { OI_FORMAT_ELF, EM_PPC, 0, 0, 0, -1, OI_CC_PPC_SYSV, "PowerPC System V",
      "System V PowerPC psABI (Power.org 32-bit ELF ABI)" },
    { OI_FORMAT_ELF, EM_MIPS, EF_MIPS_ABI2, EF_MIPS_ABI2, 0, -1, OI_CC_MIPS_N32, "MIPS n32",
      "MIPSpro N32 ABI handbook; e_flags EF_MIPS_ABI2" },
    { OI_FORMAT_ELF, EM_MIPS, 0, 0, 64, -1, OI_CC_MIPS_N64, "MIPS n64",
      "MIPSpro 64-bit ABI (ELF64 class)" },
    { OI_FORMAT_ELF, EM_MIPS, 0, 0, 32, -1, OI_CC_MIPS_O32, "MIPS o32",
      "System V MIPS psABI (o32)" },
    { OI_FORMAT_ELF, EM_S390, 0, 0, 64, -1, OI_CC_S390X, "s390x ELF ABI",
      "s390x ELF ABI supplement, ch. 1.2" },
    { OI_FORMAT_ELF, EM_SPARCV9, 0, 0, 0, -1, OI_CC_SPARC64, "SPARC V9 ABI",
      "SPARC Compliance Definition 2.4, V9 ABI" },
    /* PE */
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_AMD64, 0, 0, 0, -1, OI_CC_WIN64, "Microsoft x64",
      "Microsoft x64 calling convention (docs: x64 ABI conventions)" },
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_I386, 0, 0, 0, -1, OI_CC_CDECL, "Win32 x86 (cdecl default)",
      "Microsoft docs: __cdecl is the default for C" },
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_ARM64, 0, 0, 0, -1, OI_CC_AAPCS64, "AAPCS64 (Windows)",
      "Microsoft docs: ARM64 ABI conventions" },
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_ARM64EC, 0, 0, 0, -1, OI_CC_ARM64EC, "ARM64EC",
      "Microsoft docs: ARM64EC ABI conventions" },
    { OI_FORMAT_PE, IMAGE_FILE_MACHINE_ARMNT, 0, 0, 0, -1, OI_CC_AAPCS_VFP, "AAPCS-VFP (Windows on ARM)",
      "Microsoft docs: ARM32 ABI conventions" },
    /* Mach-O */
    { OI_FORMAT_MACHO, CPU_TYPE_X86_64, 0, 0, 0, -1, OI_CC_SYSV_X86_64, "System V x86-64 (Darwin)",
      "Apple: x86-64 function calling conventions" },
    { OI_FORMAT_MACHO, CPU_TYPE_X86, 0, 0, 0, -1, OI_CC_CDECL, "i386 (Darwin cdecl)",
      "Apple: IA-32 function calling conventions" },
    { OI_FORMAT_MACHO, CPU_TYPE_ARM64, 0, 0, 0, -1, OI_CC_AAPCS64_DARWIN, "AAPCS64 (Apple arm64)",
      "Apple: Writing ARM64 code for Apple platforms" },
    { OI_FORMAT_MACHO, CPU_TYPE_ARM64_32, 0, 0, 0, -1, OI_CC_AAPCS64_DARWIN, "AAPCS64 (Apple arm64_32)",
      "Apple: Writing ARM64 code for Apple platforms" },
    { OI_FORMAT_MACHO, CPU_TYPE_ARM, 0, 0, 0, -1, OI_CC_AAPCS, "AAPCS (Apple armv7)",
      "Apple: ARMv7 function calling conventions" },
    { OI_FORMAT_MACHO, CPU_TYPE_POWERPC, 0, 0, 0, -1, OI_CC_PPC_SYSV, "PowerPC (Darwin)",
      "Apple: PowerPC function calling conventions" },
};

static const cc_rule *match(const oi_file_info *info)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const cc_rule *r = &rules[i];
        if (r->format != info->format || r->machine != info->machine_raw)
            continue;
        if ((info->flags_raw & r->flags_mask) != r->flags_value)
            continue;
        if (r->bits && r->bits != info->bits)
            continue;
        if (r->endian >= 0 && r->endian != (int)info->big_endian)
            continue;
        return r;
    }
    return NULL;
}

void oi_abi_file_defaults(oi_file_info *info)
{
    const cc_rule *r = match(info);
    info->abi_callconv = r ? r->cc : OI_CC_UNKNOWN;
    info->abi_name = r ? r->name : "unknown";
}

void oi_abi_annotate_exports(const oi_file_info *info, oi_export *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (e[i].callconv_source != OI_CCSRC_NONE)
            continue;
        if (e[i].kind != OI_KIND_FUNC && e[i].kind != OI_KIND_IFUNC)
            continue;
        if (info->abi_callconv == OI_CC_UNKNOWN)
            continue;
        e[i].callconv = info->abi_callconv;
        e[i].callconv_source = OI_CCSRC_ABI_DEFAULT;
    }
}
