/* State shared by the files of src/elf. */
#ifndef OI_ELF_INTERNAL_H
#define OI_ELF_INTERNAL_H

#include "core/file.h"
#include "elf_format.h"

typedef struct elf_priv {
    Elf *elf;
    GElf_Ehdr ehdr;
    size_t shnum, phnum, shstrndx;
    bool has_shstrndx;
} elf_priv;

static inline elf_priv *elf_p(oi_file *f) { return f->priv; }

/* The machine's short name ("x86_64", "aarch64", ...). */
const char *oi_elf_machine_name(unsigned machine, int bits);

#endif
