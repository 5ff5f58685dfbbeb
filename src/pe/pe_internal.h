/* State shared by the files of src/pe. */
#ifndef OI_PE_INTERNAL_H
#define OI_PE_INTERNAL_H

#include "core/file.h"
#include "pe_format.h"

typedef struct pe_section {
    char name[9];
    uint32_t vaddr, vsize, raw_off, raw_size, characteristics;
} pe_section;

typedef struct pe_dir {
    uint32_t rva, size;
} pe_dir;

typedef struct pe_priv {
    uint32_t pe_off;            /* offset of "PE\0\0" */
    uint16_t machine, nsections, characteristics;
    uint32_t symtab_off, nsymbols;
    uint16_t opt_magic;         /* 0x10b / 0x20b */
    uint64_t image_base;
    uint32_t section_align, file_align, size_of_headers, size_of_image;
    uint16_t subsystem, dll_characteristics;
    uint16_t major_subsystem, minor_subsystem;
    uint32_t ndirs;
    pe_dir dirs[IMAGE_NUMBEROF_DIRECTORY_ENTRIES];
    pe_section *sections;
} pe_priv;

static inline pe_priv *pe_p(oi_file *f) { return f->priv; }

#endif
