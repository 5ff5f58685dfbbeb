/* ARM build attributes: fills f->info.has_arm_vfp_args / arm_vfp_args. */
#ifndef OI_ELF_ARM_ATTRIBUTES_H
#define OI_ELF_ARM_ATTRIBUTES_H

#include "core/file.h"

#ifndef SHT_ARM_ATTRIBUTES
#define SHT_ARM_ATTRIBUTES 0x70000003u
#endif

/* Read the .ARM.attributes section's bytes (sec) in the file's byte order.
 * A malformed section is a warning; what was read before stays. */
oi_status oelf_arm_attributes(oi_file *f, oi_view sec, bool big);

#endif
