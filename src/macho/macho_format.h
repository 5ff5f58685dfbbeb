/* Mach-O on-disk constants, under the names of Apple's <mach-o/loader.h>,
 * <mach-o/fat.h> and <mach/machine.h>. Defined here: no system headers. */
#ifndef OI_MACHO_FORMAT_H
#define OI_MACHO_FORMAT_H

#define MH_MAGIC 0xfeedfaceu
#define MH_CIGAM 0xcefaedfeu
#define MH_MAGIC_64 0xfeedfacfu
#define MH_CIGAM_64 0xcffaedfeu
#define FAT_MAGIC 0xcafebabeu
#define FAT_MAGIC_64 0xcafebabfu

#define CPU_ARCH_ABI64 0x01000000u
#define CPU_ARCH_ABI64_32 0x02000000u
#define CPU_TYPE_X86 7u
#define CPU_TYPE_I386 CPU_TYPE_X86
#define CPU_TYPE_X86_64 (CPU_TYPE_X86 | CPU_ARCH_ABI64)
#define CPU_TYPE_ARM 12u
#define CPU_TYPE_ARM64 (CPU_TYPE_ARM | CPU_ARCH_ABI64)
#define CPU_TYPE_ARM64_32 (CPU_TYPE_ARM | CPU_ARCH_ABI64_32)
#define CPU_TYPE_POWERPC 18u
#define CPU_TYPE_POWERPC64 (CPU_TYPE_POWERPC | CPU_ARCH_ABI64)

#define CPU_SUBTYPE_MASK 0xff000000u
#define CPU_SUBTYPE_X86_64_H 8u
#define CPU_SUBTYPE_ARM_V6 6u
#define CPU_SUBTYPE_ARM_V7 9u
#define CPU_SUBTYPE_ARM_V7S 11u
#define CPU_SUBTYPE_ARM_V7K 12u
#define CPU_SUBTYPE_ARM64E 2u
#define CPU_SUBTYPE_PTRAUTH_ABI 0x80000000u

#define MH_OBJECT 0x1u
#define MH_EXECUTE 0x2u
#define MH_FVMLIB 0x3u
#define MH_CORE 0x4u
#define MH_PRELOAD 0x5u
#define MH_DYLIB 0x6u
#define MH_DYLINKER 0x7u
#define MH_BUNDLE 0x8u
#define MH_DYLIB_STUB 0x9u
#define MH_DSYM 0xau
#define MH_KEXT_BUNDLE 0xbu
#define MH_FILESET 0xcu

#define MH_PIE 0x200000u

#endif
