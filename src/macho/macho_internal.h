/* State shared by the files of src/macho. */
#ifndef OI_MACHO_INTERNAL_H
#define OI_MACHO_INTERNAL_H

#include "core/file.h"
#include "macho_format.h"

typedef struct macho_priv {
    bool is64;
    uint32_t cputype, cpusubtype, filetype, ncmds, sizeofcmds, flags;
    size_t header_size;        /* 28 or 32: load commands follow */
} macho_priv;

static inline macho_priv *macho_p(oi_file *f) { return f->priv; }

/* "x86_64", "arm64e", "armv7k", ... for a cputype/cpusubtype pair. */
const char *oi_macho_arch_name(uint32_t cputype, uint32_t cpusubtype);

#endif
