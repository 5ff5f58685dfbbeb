/*
 * The abi layer: calling conventions (and, later, demangling and language
 * tags), written once on the model. Nothing here reads file bytes.
 */
#ifndef OI_ABI_H
#define OI_ABI_H

#include "objinspect.h"

/* Fill info->abi_callconv and info->abi_name from format, machine, class and
 * header flags, by the ABI-default rule table. */
void oi_abi_file_defaults(oi_file_info *info);

/* Fill callconv/callconv_source of exports whose parser left them unknown. */
void oi_abi_annotate_exports(const oi_file_info *info, oi_export *e, size_t n);

#endif
