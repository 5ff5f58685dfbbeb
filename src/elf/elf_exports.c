/*
 * Exports: for a file the loader maps, the dynamic symbols it can bind to
 * (defined; GLOBAL, WEAK or UNIQUE; DEFAULT or PROTECTED; a type glibc's
 * check_match accepts; a value). For a relocatable object or a static
 * executable, the global definitions of .symtab (what a static link can
 * use). Then the consistency check: each export must be reachable through
 * the file's own hash tables, else the loader cannot find it.
 */
#include "elf_internal.h"

#include <stdlib.h>
#include <string.h>

bool oelf_exports_from_dynsym(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    return p->ehdr.e_type != ET_REL && p->dsym.count > 1;
}

void oelf_fill_export(oi_file *f, const oelf_symtab *t, size_t i, const GElf_Sym *s,
                     uint32_t shndx, bool dynamic, oi_export *e)
{
    oelf_priv *p = oelf_p(f);
    e->name = oelf_sym_name(f, t, s);
    e->address = s->st_value;
    e->size = s->st_size;
    e->kind = oelf_kind(s, shndx);
    e->binding = oelf_binding(s);
    e->visibility = oelf_visibility(s);
    e->weak = e->binding == OI_BIND_WEAK;
    switch (e->kind) {
    case OI_KIND_IFUNC: e->target = OI_TARGET_RESOLVER; break;
    case OI_KIND_TLS: e->target = OI_TARGET_TLS; break;
    case OI_KIND_ABSOLUTE: e->target = OI_TARGET_ABSOLUTE; break;
    default: e->target = OI_TARGET_ADDRESS; break;
    }
    e->raw = (oi_raw){ s->st_info, s->st_other, 0xffffffffu };
    if (dynamic) {
        int32_t vs = oelf_versym(p, i);
        const oelf_version *v = oelf_version_of(p, vs);
        if (vs >= 0)
            e->raw.c = (uint32_t)vs;
        if (v) {
            e->version = v->name;
            /* "@@" is a default definition; a verneed version on a
             * definition (a copy relocation) is a reference: "@" */
            e->version_default = v->defined && !(vs & VERSYM_HIDDEN);
        }
    }
}

/* A global definition of .symtab that a static link can bind to. */
static bool oelf_static_export(const GElf_Sym *s, uint32_t shndx)
{
    unsigned bind = GELF_ST_BIND(s->st_info), type = GELF_ST_TYPE(s->st_info);
    if (shndx == SHN_UNDEF)
        return false;
    if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
        return false;
    return type == STT_NOTYPE || type == STT_OBJECT || type == STT_FUNC ||
           type == STT_COMMON || type == STT_TLS || type == STT_GNU_IFUNC;
}

/* Every export must be reachable through each hash table the file has. */
static void oelf_check_hash_table(oi_file *f, bool gnu, const oi_export *e, size_t n,
                                 const size_t *idx)
{
    oelf_priv *p = oelf_p(f);
    size_t bad = 0;
    const char *table = gnu ? "GNU" : "SysV";
    for (size_t k = 0; k < n; k++) {
        if (oelf_hash_reaches(p, gnu, e[k].name, idx[k]))
            continue;
        if (++bad <= 16)
            OI_WARN(f, OI_MALFORMED, gnu ? p->gnu.offset : p->sysv.offset,
                    gnu ? "elf/gnu-hash" : "elf/hash",
                    "export %s (dynamic symbol %zu) is not reachable through the %s hash "
                    "table: a loader using it cannot find it", e[k].name, idx[k], table);
    }
    if (bad > 16)
        OI_WARN_NOOFF(f, OI_MALFORMED, gnu ? "elf/gnu-hash" : "elf/hash",
                      "%zu exports in all are not reachable through the %s hash table", bad,
                      table);
}

oi_status oelf_build_exports(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oi_status st = oelf_load_dynsym(f);
    if (st != OI_OK)
        return st;
    bool dynamic = oelf_exports_from_dynsym(f);
    if (!dynamic)
        oelf_load_symtab(f);
    const oelf_symtab *t = dynamic ? &p->dsym : &p->ssym;
    if (!t->count)
        return OI_OK;
    if (!oi_model_reserve(f, OI_T_EXPORTS, t->count))
        return OI_NOMEM;
    /* the symbol index of each export, for the hash-table check */
    size_t *idx = NULL;
    bool check = dynamic && (p->gnu.present || p->sysv.present);
    if (check && !(idx = malloc(t->count * sizeof *idx)))
        return OI_NOMEM;
    for (size_t i = 1; i < t->count; i++) {
        GElf_Sym s;
        uint32_t shndx;
        if (!oelf_sym_at(f, t, i, &s, &shndx))
            continue;
        if (dynamic ? !oelf_sym_bindable(&s, shndx, NULL) : !oelf_static_export(&s, shndx))
            continue;
        oi_export *e = oi_model_export(f);
        if (!e) {
            free(idx);
            return OI_NOMEM;
        }
        if (check)
            idx[f->t[OI_T_EXPORTS].vec.n - 1] = i;
        oelf_fill_export(f, t, i, &s, shndx, dynamic, e);
    }
    const oi_export *ex = f->t[OI_T_EXPORTS].vec.items;
    size_t nex = f->t[OI_T_EXPORTS].vec.n;
    if (check && p->gnu.present)
        oelf_check_hash_table(f, true, ex, nex, idx);
    if (check && p->sysv.present)
        oelf_check_hash_table(f, false, ex, nex, idx);
    free(idx);
    return OI_OK;
}
