/*
 * The dynamic table, read the way the loader finds it: PT_DYNAMIC's virtual
 * address mapped through the PT_LOAD segments (a section-header table may be
 * missing or wrong; the loader never reads it). Only a file without
 * PT_DYNAMIC falls back to an SHT_DYNAMIC section. Dependencies
 * (DT_NEEDED) are built from it.
 */
#include "elf_internal.h"

#include <string.h>

const char *oelf_dynstr(oi_file *f, uint64_t off, const char *what)
{
    oelf_priv *p = oelf_p(f);
    const char *s = oelf_str(p->dynstr, off);
    if (!s)
        OI_WARN(f, OI_MALFORMED, p->dyn.offset, "elf/dynamic",
                "%s: string offset %#llx is outside the dynamic string table "
                "(%zu bytes)", what, (unsigned long long)off, p->dynstr.n);
    return s;
}

/* Where the dynamic table's bytes are: PT_DYNAMIC (through its address when
 * a PT_LOAD maps it, else its offset) or the SHT_DYNAMIC section. */
static bool oelf_find_dynamic(oi_file *f, uint64_t *off, uint64_t *size)
{
    oelf_priv *p = oelf_p(f);
    for (size_t i = 0; i < p->phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(p->elf, (int)i, &ph) || ph.p_type != PT_DYNAMIC)
            continue;
        /* a separate debug file keeps PT_DYNAMIC with no bytes behind it */
        if (ph.p_filesz == 0)
            return false;
        uint64_t o;
        if (!oelf_vaddr_to_off(p, ph.p_vaddr, ph.p_filesz, &o))
            o = ph.p_offset;
        uint64_t n = ph.p_filesz;
        if (!oi_range_ok(f->data.n, o, n)) {
            OI_WARN(f, OI_TRUNCATED, o, "elf/dynamic",
                    "PT_DYNAMIC (%#llx bytes) runs past the end of the file",
                    (unsigned long long)n);
            if (o >= f->data.n)
                return false;
            n = f->data.n - o;
        }
        *off = o;
        *size = n;
        return true;
    }
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(p->elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
            continue;
        if (!oi_range_ok(f->data.n, sh.sh_offset, sh.sh_size))
            return false;
        *off = sh.sh_offset;
        *size = sh.sh_size;
        return true;
    }
    return false;
}

oi_status oelf_read_dynamic(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oelf_dynamic *d = &p->dyn;
    uint64_t off, size;
    if (!oelf_find_dynamic(f, &off, &size))
        return OI_OK;
    size_t entsize = gelf_fsize(p->elf, ELF_T_DYN, 1, EV_CURRENT);
    size -= size % entsize;
    d->data = size ? elf_getdata_rawchunk(p->elf, (int64_t)off, size, ELF_T_DYN) : NULL;
    if (!d->data) {
        OI_WARN(f, OI_MALFORMED, off, "elf/dynamic", "dynamic table: %s",
                size ? elf_errmsg(-1) : "empty");
        return OI_OK;
    }
    d->present = true;
    d->offset = off;
    size_t n = size / entsize;
    for (size_t i = 0; i < n; i++) {
        GElf_Dyn dyn;
        if (!gelf_getdyn(d->data, (int)i, &dyn))
            break;
        if (dyn.d_tag == DT_NULL)
            break;
        d->count = i + 1;
        uint64_t v = dyn.d_un.d_val;
        /* the loader keeps the last entry of a tag (elf_get_dynamic_info) */
        switch (dyn.d_tag) {
        case DT_NEEDED: d->nneeded++; break;
        case DT_SYMTAB: d->symtab = v; d->have |= DYN_SYMTAB; break;
        case DT_STRTAB: d->strtab = v; d->have |= DYN_STRTAB; break;
        case DT_STRSZ: d->strsz = v; d->have |= DYN_STRSZ; break;
        case DT_SYMENT: d->syment = v; d->have |= DYN_SYMENT; break;
        case DT_HASH: d->hash = v; d->have |= DYN_HASH; break;
        case DT_GNU_HASH: d->gnu_hash = v; d->have |= DYN_GNU_HASH; break;
        case DT_VERSYM: d->versym = v; d->have |= DYN_VERSYM; break;
        case DT_VERDEF: d->verdef = v; d->have |= DYN_VERDEF; break;
        case DT_VERDEFNUM: d->verdefnum = v; break;
        case DT_VERNEED: d->verneed = v; d->have |= DYN_VERNEED; break;
        case DT_VERNEEDNUM: d->verneednum = v; break;
        case DT_SONAME: d->soname = v; d->have |= DYN_SONAME; break;
        case DT_RPATH: d->rpath = v; d->have |= DYN_RPATH; break;
        case DT_RUNPATH: d->runpath = v; d->have |= DYN_RUNPATH; break;
        case DT_FLAGS:
            d->flags = v;
            d->have |= DYN_FLAGS;
            if (v & DF_BIND_NOW) d->bind_now = true;
            if (v & DF_TEXTREL) d->textrel = true;
            break;
        case DT_FLAGS_1:
            d->flags_1 = v;
            d->have |= DYN_FLAGS_1;
            if (v & DF_1_NOW) d->bind_now = true;
            break;
        case DT_BIND_NOW: d->bind_now = true; break;
        case DT_TEXTREL: d->textrel = true; break;
        }
    }
    if ((d->have & DYN_STRTAB) && d->strsz) {
        uint64_t so;
        oi_view raw;
        if (oelf_vaddr_to_off(p, d->strtab, d->strsz, &so) &&
            oi_view_sub(f->data, so, d->strsz, &raw))
            p->dynstr = oelf_strtab_view(f, raw, "elf/dynstr", so);
        else
            OI_WARN(f, OI_MALFORMED, d->offset, "elf/dynamic",
                    "DT_STRTAB %#llx (%#llx bytes) is not in the file's loaded bytes",
                    (unsigned long long)d->strtab, (unsigned long long)d->strsz);
    }
    return OI_OK;
}

oi_status oelf_build_deps(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oelf_dynamic *d = &p->dyn;
    if (!d->present)
        return OI_OK;
    oi_model_reserve(f, OI_T_DEPS, d->nneeded);
    for (size_t i = 0; i < d->count; i++) {
        GElf_Dyn dyn;
        if (!gelf_getdyn(d->data, (int)i, &dyn) || dyn.d_tag != DT_NEEDED)
            continue;
        const char *name = oelf_dynstr(f, dyn.d_un.d_val, "DT_NEEDED");
        oi_dependency *dep = oi_model_dep(f);
        if (!dep)
            return OI_NOMEM;
        dep->name = name ? name : "<?>";
        dep->kind = OI_DEP_NEEDED;
    }
    return OI_OK;
}
