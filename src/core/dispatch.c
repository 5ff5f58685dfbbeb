/* Format probing and dispatch: one row per format. Adding a format means
 * adding its folder and one line here. Containers come first: a fat Mach-O
 * magic (0xcafebabe) is also a Java class magic, which its probe rejects. */
#include "file.h"

#include <string.h>

extern const oi_format_ops oi_ar_ops;
extern const oi_format_ops oi_macho_fat_ops;
extern const oi_format_ops oi_elf_ops;
extern const oi_format_ops oi_pe_ops;
extern const oi_format_ops oi_macho_ops;
extern const oi_format_ops oi_coff_ops;

static const oi_format_ops *const formats[] = {
    &oi_ar_ops,
    &oi_macho_fat_ops,
    &oi_elf_ops,
    &oi_pe_ops,
    &oi_macho_ops,
    &oi_coff_ops,         /* COFF objects have no magic number: probe last */
};

const oi_format_ops *oi_probe(oi_view v)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i]->probe(v))
            return formats[i];
    return NULL;
}

const char *oi_probe_why(oi_view v)
{
    static const struct { const char *magic; size_t n; const char *why; } partial[] = {
        { "\x7f" "ELF", 4, "not an object file (truncated ELF header)" },
        { "MZ", 2, "not an object file (MZ header without a valid PE header)" },
        { "!<arch>\n", 8, "not an object file (truncated ar archive)" },
        { "\xfe\xed\xfa\xce", 4, "not an object file (truncated Mach-O header)" },
        { "\xce\xfa\xed\xfe", 4, "not an object file (truncated Mach-O header)" },
        { "\xfe\xed\xfa\xcf", 4, "not an object file (truncated Mach-O header)" },
        { "\xcf\xfa\xed\xfe", 4, "not an object file (truncated Mach-O header)" },
        { "\xca\xfe\xba\xbe", 4, "not an object file (not a valid fat Mach-O header)" },
        { "\xca\xfe\xba\xbf", 4, "not an object file (not a valid fat Mach-O header)" },
    };
    if (v.n == 0)
        return "not an object file (empty file)";
    for (size_t i = 0; i < sizeof partial / sizeof partial[0]; i++) {
        size_t n = partial[i].n < v.n ? partial[i].n : v.n;
        if (memcmp(v.p, partial[i].magic, n) == 0)
            return v.n < partial[i].n ? "not an object file (truncated magic number)"
                                      : partial[i].why;
    }
    return "not an object file (unknown magic number)";
}
