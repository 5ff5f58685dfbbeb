/*
 * Mach-O symbols: the LC_SYMTAB nlist table (stabs skipped) and its
 * strings. The range was checked against the file at open, so here every
 * entry is read through the cursor and every name must end in NUL inside
 * the string table (it then points into the mapping: zero-copy).
 */
#include "macho_internal.h"

bool macho_nlist_at(oi_file *f, uint32_t i, macho_nlist *out)
{
    macho_priv *p = macho_p(f);
    if (!p->has_symtab || i >= p->nsyms)
        return false;
    uint64_t esize = p->is64 ? NLIST_64_SIZE : NLIST_SIZE;
    oi_cur c = oi_cur_make(f->data, p->symoff + (uint64_t)i * esize, p->big);
    out->strx = oi_u32(&c);
    out->type = oi_u8(&c);
    out->sect = oi_u8(&c);
    out->desc = oi_u16(&c);
    out->value = oi_word(&c, p->is64);
    if (!oi_ok(&c))
        return false;
    oi_view strtab = { f->data.p + p->stroff, p->strsize };
    out->name = oi_view_cstr(strtab, out->strx);
    return true;
}

/* The model kind of a defined or undefined nlist. */
static oi_kind nlist_kind(const macho_priv *p, const macho_nlist *nl)
{
    switch (nl->type & N_TYPE) {
    case N_UNDF:
        return (nl->type & N_EXT) && nl->value ? OI_KIND_COMMON : OI_KIND_NOTYPE;
    case N_ABS:
        return OI_KIND_ABSOLUTE;
    case N_SECT:
        if (nl->sect >= 1 && nl->sect <= p->nsects) {
            const macho_section *s = &p->sects[nl->sect - 1];
            uint32_t t = s->flags & SECTION_TYPE;
            if (t == S_THREAD_LOCAL_VARIABLES)
                return OI_KIND_TLS;
            if (nl->desc & N_ARM_THUMB_DEF)
                return OI_KIND_FUNC;
            return macho_section_is_code(s) ? OI_KIND_FUNC : OI_KIND_DATA;
        }
        return OI_KIND_OTHER;
    case N_INDR:
    case N_PBUD:
        return OI_KIND_NOTYPE;
    }
    return OI_KIND_OTHER;
}

static bool nlist_defined(const macho_nlist *nl)
{
    uint8_t t = nl->type & N_TYPE;
    return t == N_SECT || t == N_ABS || t == N_INDR ||
           (t == N_UNDF && (nl->type & N_EXT) && nl->value);
}

bool macho_nlist_is_export(const macho_nlist *nl)
{
    uint8_t t = nl->type & N_TYPE;
    return !(nl->type & N_STAB) && (nl->type & N_EXT) && !(nl->type & N_PEXT) &&
           (t == N_SECT || t == N_ABS || t == N_INDR);
}

static const char *nlist_name(oi_file *f, uint32_t i, const macho_nlist *nl)
{
    if (nl->name)
        return nl->name;
    OI_WARN(f, OI_MALFORMED, macho_p(f)->symoff, "macho/symtab",
            "symbol %u: name offset 0x%x outside the string table (size 0x%x)", i, nl->strx,
            macho_p(f)->strsize);
    return "<?>";
}

void macho_export_from_nlist(oi_file *f, const macho_nlist *nl, oi_export *e)
{
    macho_priv *p = macho_p(f);
    e->name = nl->name ? nl->name : "<?>";
    e->address = nl->value;
    e->kind = nlist_kind(p, nl);
    e->weak = (nl->desc & N_WEAK_DEF) != 0;
    e->binding = e->weak ? OI_BIND_WEAK : OI_BIND_GLOBAL;
    e->visibility = OI_VIS_DEFAULT;
    e->target = e->kind == OI_KIND_ABSOLUTE ? OI_TARGET_ABSOLUTE
              : e->kind == OI_KIND_TLS ? OI_TARGET_TLS
              : (nl->desc & N_SYMBOL_RESOLVER) ? OI_TARGET_RESOLVER
              : OI_TARGET_ADDRESS;
    if ((nl->type & N_TYPE) == N_INDR) {
        /* an indirect symbol: n_value is the string index of its target */
        oi_view strtab = { f->data.p + p->stroff, p->strsize };
        e->target = OI_TARGET_REEXPORT;
        e->address = 0;
        e->fwd_name = oi_view_cstr(strtab, nl->value);
        e->forwarder = e->fwd_name;
    }
    e->raw = (oi_raw){ nl->type, nl->desc, 0 };
}

oi_status macho_build_symbols(oi_file *f)
{
    macho_priv *p = macho_p(f);
    if (!p->has_symtab)
        return OI_OK;
    if (!oi_model_reserve(f, OI_T_SYMBOLS, p->nsyms))
        return OI_NOMEM;
    for (uint32_t i = 0; i < p->nsyms; i++) {
        macho_nlist nl;
        if (!macho_nlist_at(f, i, &nl))
            break;
        if (nl.type & N_STAB)
            continue;
        oi_symbol *s = oi_model_symbol(f);
        s->name = nlist_name(f, i, &nl);
        s->value = nl.value;
        s->kind = nlist_kind(p, &nl);
        s->defined = nlist_defined(&nl);
        bool ext = nl.type & N_EXT;
        if (!ext)
            s->binding = OI_BIND_LOCAL;
        else if ((s->defined && (nl.desc & N_WEAK_DEF)) || (!s->defined && (nl.desc & N_WEAK_REF)))
            s->binding = OI_BIND_WEAK;
        else
            s->binding = OI_BIND_GLOBAL;
        s->visibility = (nl.type & N_PEXT) ? OI_VIS_HIDDEN : OI_VIS_DEFAULT;
        s->section = nl.sect;
        s->raw = (oi_raw){ nl.type, nl.desc,
                           (nl.type & N_TYPE) == N_UNDF ? GET_LIBRARY_ORDINAL(nl.desc) : 0 };
    }
    if (p->has_dysymtab) {
        uint64_t ext_end = (uint64_t)p->iextdefsym + p->nextdefsym;
        uint64_t und_end = (uint64_t)p->iundefsym + p->nundefsym;
        if (ext_end > p->nsyms || und_end > p->nsyms)
            OI_WARN(f, OI_MALFORMED, p->symoff, "macho/dysymtab",
                    "LC_DYSYMTAB ranges (extdef %u+%u, undef %u+%u) exceed the %u symbols",
                    p->iextdefsym, p->nextdefsym, p->iundefsym, p->nundefsym, p->nsyms);
    }
    return OI_OK;
}
