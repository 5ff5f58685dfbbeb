/*
 * ELF on-disk constants. The gABI and most psABI names come from glibc's
 * <elf.h> (through libelf's <gelf.h>); the few that Debian 12's headers lack
 * are defined here under their specification names.
 */
#ifndef OI_ELF_FORMAT_H
#define OI_ELF_FORMAT_H

#include <gelf.h>
#include <libelf.h>

#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef STO_AARCH64_VARIANT_PCS
#define STO_AARCH64_VARIANT_PCS 0x80
#endif
#ifndef STO_RISCV_VARIANT_CC
#define STO_RISCV_VARIANT_CC 0x80
#endif
#ifndef DF_1_PIE
#define DF_1_PIE 0x08000000
#endif

/* versym bits (GNU symbol versioning; binutils include/elf/common.h) */
#define VERSYM_HIDDEN 0x8000
#define VERSYM_VERSION 0x7fff

/* ch_type of SHF_COMPRESSED sections (gABI 2022) */
#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif

/* PPC64 ELFv2: st_other bits 5..7 encode the local entry point offset */
#ifndef STO_PPC64_LOCAL_BIT
#define STO_PPC64_LOCAL_BIT 5
#define STO_PPC64_LOCAL_MASK (7 << STO_PPC64_LOCAL_BIT)
#endif

/* GNU notes */
#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif
#ifndef NT_GNU_PROPERTY_TYPE_0
#define NT_GNU_PROPERTY_TYPE_0 5
#endif
#ifndef GNU_PROPERTY_X86_FEATURE_1_AND
#define GNU_PROPERTY_X86_FEATURE_1_AND 0xc0000002
#define GNU_PROPERTY_X86_FEATURE_1_IBT (1U << 0)
#define GNU_PROPERTY_X86_FEATURE_1_SHSTK (1U << 1)
#endif
#ifndef GNU_PROPERTY_AARCH64_FEATURE_1_AND
#define GNU_PROPERTY_AARCH64_FEATURE_1_AND 0xc0000000
#define GNU_PROPERTY_AARCH64_FEATURE_1_BTI (1U << 0)
#define GNU_PROPERTY_AARCH64_FEATURE_1_PAC (1U << 1)
#endif

#endif
