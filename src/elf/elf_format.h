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

#endif
