/*
 * Imports: the undefined dynamic symbols, each with the version verneed
 * requires and the library verneed names (vn_file). A relocatable object has
 * no dynamic table: its imports are the undefined globals of .symtab.
 */
#include "elf_internal.h"

oi_status oelf_build_imports(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oi_status st = oelf_load_dynsym_all(f);
    if (st != OI_OK)
        return st;
    bool dynamic = oelf_exports_from_dynsym(f);
    if (!dynamic)
        oelf_load_symtab(f);
    const oelf_symtab *t = dynamic ? &p->dsym : &p->ssym;
    for (size_t i = 1; i < t->count; i++) {
        GElf_Sym s;
        uint32_t shndx;
        if (!oelf_sym_at(f, t, i, &s, &shndx))
            continue;
        if (shndx != SHN_UNDEF || GELF_ST_BIND(s.st_info) == STB_LOCAL)
            continue;
        oi_import *im = oi_model_import(f);
        if (!im)
            return OI_NOMEM;
        im->name = oelf_sym_name(f, t, &s);
        im->weak = GELF_ST_BIND(s.st_info) == STB_WEAK;
        im->raw = (oi_raw){ s.st_info, s.st_other, 0xffffffffu };
        if (!dynamic)
            continue;
        int32_t vs = oelf_versym(p, i);
        const oelf_version *v = oelf_version_of(p, vs);
        if (vs >= 0)
            im->raw.c = (uint32_t)vs;
        if (v) {
            im->version = v->name;
            im->library = v->file;
        }
    }
    return OI_OK;
}
