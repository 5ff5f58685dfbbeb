/*
 * ARM build attributes (.ARM.attributes, SHT_ARM_ATTRIBUTES): the one fact
 * the calling-convention rules need, Tag_ABI_VFP_args, for ARM objects whose
 * e_flags state no float ABI. Format: "Addenda to, and Errata in, the ABI
 * for the Arm Architecture" (IHI 0045), 2.2: a version byte 'A', then
 * vendor subsections <u32 length><vendor NTBS><subsubsections>, each
 * subsubsection <u8 tag><u32 length><attributes>; an attribute is a ULEB128
 * tag followed by a ULEB128 or, for some tags, a NUL-terminated string.
 * Only the file-scope (Tag_File) attributes of the "aeabi" vendor count.
 *
 * Every length is checked against what is left, every step consumes bytes,
 * so a hostile section ends the walk instead of looping.
 */
#include "core/file.h"
#include "elf_arm_attributes.h"

#include <string.h>

enum {
    ARM_ATTR_VERSION = 'A',
    Tag_File = 1,
    Tag_CPU_raw_name = 4,
    Tag_CPU_name = 5,
    Tag_ABI_VFP_args = 28,
    Tag_compatibility = 32,
    Tag_also_compatible_with = 65,
    Tag_conformance = 67,
};

/* Does the attribute with this tag take a string value? (IHI 0045 2.2.6:
 * tags above 32 follow the parity rule: odd takes an NTBS.) */
static bool string_tag(uint64_t tag)
{
    return tag == Tag_CPU_raw_name || tag == Tag_CPU_name || tag == Tag_conformance ||
           tag == Tag_also_compatible_with || (tag > 32 && (tag & 1));
}

/* Walk one Tag_File attribute list; false when it is malformed. */
static bool file_attributes(oi_cur *c, oi_file_info *in)
{
    while (oi_ok(c) && oi_left(c) > 0) {
        uint64_t tag = oi_uleb(c);
        if (tag == Tag_compatibility) {         /* ULEB flag, then NTBS vendor */
            oi_uleb(c);
            oi_take_cstr(c);
        } else if (string_tag(tag)) {
            oi_take_cstr(c);
        } else {
            uint64_t v = oi_uleb(c);
            if (tag == Tag_ABI_VFP_args && oi_ok(c)) {
                in->has_arm_vfp_args = true;
                in->arm_vfp_args = v > 255 ? 255 : (uint8_t)v;
            }
        }
    }
    return oi_ok(c);
}

oi_status oelf_arm_attributes(oi_file *f, oi_view sec, bool big)
{
    oi_cur c = oi_cur_make(sec, 0, big);
    if (sec.n == 0)
        return OI_OK;
    if (oi_u8(&c) != ARM_ATTR_VERSION)
        return OI_WARN(f, OI_MALFORMED, oi_file_off(f, sec.p), "elf/arm-attributes",
                       "format version 0x%02x, expected 'A'", sec.p[0]);
    while (oi_ok(&c) && oi_left(&c) >= 4) {
        size_t start = c.pos;
        uint32_t len = oi_u32(&c);
        if (len < 5 || len - 4 > oi_left(&c))
            return OI_WARN(f, OI_MALFORMED, oi_file_off(f, sec.p + start), "elf/arm-attributes",
                           "subsection length %u does not fit the %zu bytes left", len,
                           oi_left(&c) + 4);
        oi_view sub = oi_take(&c, len - 4);
        oi_cur s = oi_cur_make(sub, 0, big);
        const char *vendor = oi_take_cstr(&s);
        if (!vendor || strcmp(vendor, "aeabi") != 0)
            continue;                            /* another vendor's attributes */
        /* "aeabi" present: Tag_ABI_VFP_args defaults to 0 (base AAPCS) */
        if (!f->info.has_arm_vfp_args) {
            f->info.has_arm_vfp_args = true;
            f->info.arm_vfp_args = 0;
        }
        while (oi_ok(&s) && oi_left(&s) >= 5) {
            size_t sstart = s.pos;
            uint8_t tag = oi_u8(&s);
            uint32_t slen = oi_u32(&s);
            if (slen < 5 || slen - 5 > oi_left(&s))
                return OI_WARN(f, OI_MALFORMED, oi_file_off(f, sub.p + sstart),
                               "elf/arm-attributes", "attribute list length %u too long", slen);
            oi_view list = oi_take(&s, slen - 5);
            if (tag != Tag_File)
                continue;                        /* section/symbol scope: not the file's ABI */
            oi_cur a = oi_cur_make(list, 0, big);
            if (!file_attributes(&a, &f->info))
                return OI_WARN(f, OI_MALFORMED, oi_file_off(f, list.p + a.bad_at),
                               "elf/arm-attributes", "attribute runs past its list");
        }
    }
    return OI_OK;
}
