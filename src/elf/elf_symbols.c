/*
 * Symbol tables. The dynamic one is found as the loader finds it (DT_SYMTAB
 * through PT_LOAD, its count from the section header when that agrees, else
 * from the hash tables); the static one (.symtab) from the section headers,
 * or from a separate debug file when the file is stripped. Entries are read
 * with gelf_getsym; names point into the mapping.
 */
#include "elf_internal.h"

#include <limits.h>
#include <string.h>

/* ------------------------------------------------------------ decoding */

oi_kind oelf_kind(const GElf_Sym *s, uint32_t shndx)
{
    switch (GELF_ST_TYPE(s->st_info)) {
    case STT_NOTYPE: return shndx == SHN_ABS ? OI_KIND_ABSOLUTE : OI_KIND_NOTYPE;
    case STT_OBJECT:
        return shndx == SHN_ABS ? OI_KIND_ABSOLUTE
             : shndx == SHN_COMMON ? OI_KIND_COMMON : OI_KIND_DATA;
    case STT_FUNC: return OI_KIND_FUNC;
    case STT_SECTION: return OI_KIND_SECTION;
    case STT_FILE: return OI_KIND_FILE;
    case STT_COMMON: return OI_KIND_COMMON;
    case STT_TLS: return OI_KIND_TLS;
    case STT_GNU_IFUNC: return OI_KIND_IFUNC;
    }
    return OI_KIND_OTHER;
}

oi_binding oelf_binding(const GElf_Sym *s)
{
    switch (GELF_ST_BIND(s->st_info)) {
    case STB_LOCAL: return OI_BIND_LOCAL;
    case STB_GLOBAL: return OI_BIND_GLOBAL;
    case STB_WEAK: return OI_BIND_WEAK;
    case STB_GNU_UNIQUE: return OI_BIND_UNIQUE;
    }
    return OI_BIND_OTHER;
}

oi_visibility oelf_visibility(const GElf_Sym *s)
{
    switch (GELF_ST_VISIBILITY(s->st_other)) {
    case STV_PROTECTED: return OI_VIS_PROTECTED;
    case STV_HIDDEN: return OI_VIS_HIDDEN;
    case STV_INTERNAL: return OI_VIS_INTERNAL;
    }
    return OI_VIS_DEFAULT;
}

/* The symbol types glibc's check_match accepts (ALLOWED_STT). */
static bool oelf_type_bindable(unsigned type)
{
    return type == STT_NOTYPE || type == STT_OBJECT || type == STT_FUNC ||
           type == STT_COMMON || type == STT_TLS || type == STT_GNU_IFUNC;
}

bool oelf_sym_bindable(const GElf_Sym *s, uint32_t shndx, const char **why)
{
    unsigned bind = GELF_ST_BIND(s->st_info), type = GELF_ST_TYPE(s->st_info);
    unsigned vis = GELF_ST_VISIBILITY(s->st_other);
    const char *w = NULL;
    if (shndx == SHN_UNDEF)
        w = "symbol is undefined here (an import)";
    else if (bind == STB_LOCAL)
        w = "symbol is LOCAL";
    else if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
        w = "binding is not GLOBAL, WEAK or UNIQUE";
    else if (vis == STV_HIDDEN || vis == STV_INTERNAL)
        w = vis == STV_HIDDEN ? "visibility is HIDDEN (local to the object)"
                              : "visibility is INTERNAL (local to the object)";
    else if (!oelf_type_bindable(type))
        w = type == STT_SECTION ? "type SECTION is not bindable"
          : type == STT_FILE ? "type FILE is not bindable" : "type is not one the loader binds";
    else if (s->st_value == 0 && shndx != SHN_ABS && type != STT_TLS)
        w = "symbol has no value (st_value 0)";
    if (why)
        *why = w;
    return w == NULL;
}

bool oelf_sym_at(oi_file *f, const oelf_symtab *t, size_t i, GElf_Sym *out, uint32_t *shndx)
{
    GElf_Word x = 0;
    if (!gelf_getsymshndx(t->data, t->xndx, (int)i, out, &x)) {
        OI_WARN(f, OI_MALFORMED, t->offset, t->where, "symbol %zu: %s", i, elf_errmsg(-1));
        return false;
    }
    *shndx = out->st_shndx == SHN_XINDEX && t->xndx ? x : out->st_shndx;
    return true;
}

const char *oelf_sym_name(oi_file *f, const oelf_symtab *t, const GElf_Sym *s)
{
    const char *n = oelf_str(t->strtab, s->st_name);
    if (!n) {
        OI_WARN(f, OI_MALFORMED, t->offset, t->where,
                "a symbol name offset is outside the string table (%zu bytes)", t->strtab.n);
        return "<?>";
    }
    return n;
}

/* ------------------------------------------------------------ hash tables */

static uint32_t word32(oi_view v, size_t i, bool big)
{
    return oi_get32(v.p + 4 * i, big);
}

static void oelf_parse_gnu_hash(oi_file *f, oi_view v, uint64_t off)
{
    oelf_priv *p = oelf_p(f);
    oelf_gnu_hash *g = &p->gnu;
    oi_cur c = oi_cur_make(v, 0, p->big);
    uint32_t nb = oi_u32(&c), symoffset = oi_u32(&c), bloom = oi_u32(&c), shift = oi_u32(&c);
    size_t wsize = p->is64 ? 8 : 4;
    g->bloom = oi_take(&c, (uint64_t)bloom * wsize);
    g->buckets = oi_take(&c, (uint64_t)nb * 4);
    if (!oi_ok(&c) || nb == 0 || bloom == 0) {
        OI_WARN(f, OI_MALFORMED, off, "elf/gnu-hash",
                "GNU hash table header is invalid (%u buckets, %u Bloom words, %zu bytes): "
                "ignored", nb, bloom, v.n);
        return;
    }
    if (bloom & (bloom - 1))
        OI_WARN(f, OI_MALFORMED, off, "elf/gnu-hash",
                "Bloom filter size %u is not a power of two: glibc masks the index", bloom);
    if (shift >= 32)
        OI_WARN(f, OI_MALFORMED, off, "elf/gnu-hash",
                "Bloom shift %u leaves no bit of the 32-bit hash (linkers use 5 to 8)", shift);
    oi_view_tail(v, c.pos, &g->chain);
    g->chain.n -= g->chain.n % 4;
    g->nbuckets = nb;
    g->symoffset = symoffset;
    g->bloom_size = bloom;
    g->bloom_shift = shift;
    g->offset = off;
    g->present = true;
}

static void oelf_parse_sysv_hash(oi_file *f, oi_view v, uint64_t off)
{
    oelf_priv *p = oelf_p(f);
    oelf_sysv_hash *h = &p->sysv;
    /* the words are 32-bit on every machine but 64-bit s390x and Alpha,
     * whose glibc Elf_Symndx (and .hash entsize) is 8 bytes */
    h->word = p->is64 && (p->ehdr.e_machine == EM_S390 || p->ehdr.e_machine == EM_ALPHA) ? 8 : 4;
    oi_cur c = oi_cur_make(v, 0, p->big);
    uint32_t nb = (uint32_t)(h->word == 8 ? oi_u64(&c) : oi_u32(&c));
    uint32_t nc = (uint32_t)(h->word == 8 ? oi_u64(&c) : oi_u32(&c));
    h->buckets = oi_take(&c, (uint64_t)nb * h->word);
    h->chain = oi_take(&c, (uint64_t)nc * h->word);
    if (!oi_ok(&c) || nb == 0) {
        OI_WARN(f, OI_MALFORMED, off, "elf/hash",
                "SysV hash table header is invalid (%u buckets, %u chains, %zu bytes): ignored",
                nb, nc, v.n);
        return;
    }
    h->nbucket = nb;
    h->nchain = nc;
    h->offset = off;
    h->present = true;
}

/* How many dynamic symbols the GNU hash table covers: past the highest
 * bucket's chain end. 0 when the chain runs off the table. */
static size_t oelf_gnu_hash_count(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oelf_gnu_hash *g = &p->gnu;
    uint32_t top = 0;
    for (uint32_t b = 0; b < g->nbuckets; b++) {
        uint32_t s = word32(g->buckets, b, p->big);
        if (s > top)
            top = s;
    }
    if (top == 0)
        return g->symoffset;
    if (top < g->symoffset) {
        OI_WARN(f, OI_MALFORMED, g->offset, "elf/gnu-hash",
                "a bucket starts at symbol %u, below symoffset %u", top, g->symoffset);
        return 0;
    }
    for (size_t i = top - g->symoffset; i < g->chain.n / 4; i++)
        if (word32(g->chain, i, p->big) & 1)
            return i + g->symoffset + 1;
    OI_WARN(f, OI_MALFORMED, g->offset, "elf/gnu-hash",
            "the last chain (from symbol %u) has no end marker", top);
    return 0;
}

/* ------------------------------------------------------------ locating */

static Elf_Scn *oelf_section_of_type(oelf_priv *p, uint32_t type, GElf_Shdr *sh)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(p->elf, scn)) != NULL)
        if (gelf_getshdr(scn, sh) && sh->sh_type == type)
            return scn;
    return NULL;
}

/* The raw bytes of a section that has content in the file. */
static bool oelf_section_view(oi_file *f, Elf_Scn *scn, oi_view *out)
{
    oi_view v;
    if (oelf_section_content(f, scn, &v) != OI_OK)
        return false;
    *out = v;
    return true;
}

/* The dynamic tables when the file has no PT_DYNAMIC: from the sections. */
static void oelf_dynsym_from_sections(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    GElf_Shdr sh, lsh;
    Elf_Scn *scn = oelf_section_of_type(p, SHT_DYNSYM, &sh);
    if (!scn || sh.sh_type == SHT_NOBITS)
        return;
    Elf_Data *d = elf_getdata(scn, NULL);
    Elf_Scn *str = elf_getscn(p->elf, sh.sh_link);
    oi_view sv;
    if (!d || !str || !gelf_getshdr(str, &lsh) || lsh.sh_type != SHT_STRTAB ||
        !oelf_section_view(f, str, &sv)) {
        OI_WARN(f, OI_MALFORMED, sh.sh_offset, "elf/dynsym",
                ".dynsym or its string table (section %u) cannot be read", sh.sh_link);
        return;
    }
    size_t es = gelf_fsize(p->elf, ELF_T_SYM, 1, EV_CURRENT);
    p->dsym.data = d;
    p->dsym.count = d->d_size / es;
    p->dsym.offset = sh.sh_offset;
    p->dsym.strtab = oelf_strtab_view(f, sv, "elf/dynstr", lsh.sh_offset);
    p->verstr = p->dsym.strtab;
    if ((scn = oelf_section_of_type(p, SHT_GNU_versym, &sh)) != NULL)
        oelf_section_view(f, scn, &p->versym);
    if ((scn = oelf_section_of_type(p, SHT_GNU_verdef, &sh)) != NULL &&
        oelf_section_view(f, scn, &p->verdef)) {
        p->verdef_off = sh.sh_offset;
        p->verdefnum = sh.sh_info;
    }
    if ((scn = oelf_section_of_type(p, SHT_GNU_verneed, &sh)) != NULL &&
        oelf_section_view(f, scn, &p->verneed)) {
        p->verneed_off = sh.sh_offset;
        p->verneednum = sh.sh_info;
    }
    oi_view hv;
    if ((scn = oelf_section_of_type(p, SHT_GNU_HASH, &sh)) != NULL && oelf_section_view(f, scn, &hv))
        oelf_parse_gnu_hash(f, hv, sh.sh_offset);
    if ((scn = oelf_section_of_type(p, SHT_HASH, &sh)) != NULL && oelf_section_view(f, scn, &hv))
        oelf_parse_sysv_hash(f, hv, sh.sh_offset);
}

/* A table named by a dynamic tag, as a view to the end of its segment. */
static bool oelf_dyn_view(oi_file *f, uint64_t vaddr, const char *tag, oi_view *out,
                         uint64_t *off)
{
    if (!oelf_vaddr_view(f, vaddr, out)) {
        OI_WARN(f, OI_MALFORMED, oelf_p(f)->dyn.offset, "elf/dynamic",
                "%s %#llx is not in the file's loaded bytes", tag, (unsigned long long)vaddr);
        return false;
    }
    *off = oi_file_off(f, out->p);
    return true;
}

/* The dynamic tables through PT_DYNAMIC, as the loader finds them. */
static oi_status oelf_dynsym_from_dynamic(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oelf_dynamic *d = &p->dyn;
    oi_view v;
    uint64_t off;
    if ((d->have & DYN_GNU_HASH) && oelf_dyn_view(f, d->gnu_hash, "DT_GNU_HASH", &v, &off))
        oelf_parse_gnu_hash(f, v, off);
    if ((d->have & DYN_HASH) && oelf_dyn_view(f, d->hash, "DT_HASH", &v, &off))
        oelf_parse_sysv_hash(f, v, off);
    if (!(d->have & DYN_SYMTAB))
        return OI_OK;
    size_t es = gelf_fsize(p->elf, ELF_T_SYM, 1, EV_CURRENT);
    if ((d->have & DYN_SYMENT) && d->syment != es)
        return OI_ERROR(f, OI_MALFORMED, d->offset, "elf/dynamic",
                        "DT_SYMENT is %llu, an ELF%d symbol is %zu bytes",
                        (unsigned long long)d->syment, p->is64 ? 64 : 32, es);
    oi_view sv;
    uint64_t soff;
    if (!oelf_dyn_view(f, d->symtab, "DT_SYMTAB", &sv, &soff))
        return OI_OK;
    size_t avail = sv.n / es;

    /* the count: the section header when it describes the same table */
    size_t count = 0;
    bool from_section = false;
    GElf_Shdr sh;
    Elf_Scn *scn = oelf_section_of_type(p, SHT_DYNSYM, &sh);
    if (scn) {
        if (sh.sh_type != SHT_NOBITS && sh.sh_addr == d->symtab && sh.sh_offset == soff &&
            (sh.sh_entsize == es || sh.sh_entsize == 0) && sh.sh_size / es <= avail) {
            count = sh.sh_size / es;
            from_section = true;
        } else {
            OI_WARN(f, OI_MALFORMED, sh.sh_offset, "elf/dynsym",
                    "the .dynsym section header (address %#llx, offset %#llx, %#llx bytes) "
                    "disagrees with DT_SYMTAB %#llx (offset %#llx): using DT_SYMTAB",
                    (unsigned long long)sh.sh_addr, (unsigned long long)sh.sh_offset,
                    (unsigned long long)sh.sh_size, (unsigned long long)d->symtab,
                    (unsigned long long)soff);
        }
    }
    if (!from_section) {
        /* what readelf -D and the loader's view allow: the hash tables */
        if (p->sysv.present)
            count = p->sysv.nchain;
        else if (p->gnu.present)
            count = oelf_gnu_hash_count(f);
        else
            OI_WARN(f, OI_MALFORMED, d->offset, "elf/dynsym",
                    "no section header and no hash table gives the number of "
                    "dynamic symbols");
    }
    if (count > avail) {
        OI_WARN(f, OI_TRUNCATED, soff, "elf/dynsym",
                "%zu dynamic symbols declared, only %zu fit in the file", count, avail);
        count = avail;
    }
    if (count > INT_MAX)
        count = INT_MAX;
    if (count) {
        p->dsym.data = elf_getdata_rawchunk(p->elf, (int64_t)soff, count * es, ELF_T_SYM);
        if (!p->dsym.data)
            return OI_ERROR(f, OI_MALFORMED, soff, "elf/dynsym", "dynamic symbols: %s",
                            elf_errmsg(-1));
    }
    p->dsym.count = count;
    p->dsym.offset = soff;
    p->dsym.strtab = p->dynstr;
    p->verstr = p->dynstr;
    if (d->have & DYN_VERSYM) {
        if (oelf_dyn_view(f, d->versym, "DT_VERSYM", &v, &off)) {
            if (v.n / 2 < count)
                OI_WARN(f, OI_TRUNCATED, off, "elf/versym",
                        "the version table holds %zu of %zu entries", v.n / 2, count);
            oi_view_sub(v, 0, v.n / 2 < count ? v.n - v.n % 2 : count * 2, &p->versym);
        }
    }
    if ((d->have & DYN_VERDEF) && oelf_dyn_view(f, d->verdef, "DT_VERDEF", &p->verdef, &off)) {
        p->verdef_off = off;
        p->verdefnum = d->verdefnum;
    }
    if ((d->have & DYN_VERNEED) &&
        oelf_dyn_view(f, d->verneed, "DT_VERNEED", &p->verneed, &off)) {
        p->verneed_off = off;
        p->verneednum = d->verneednum;
    }
    return OI_OK;
}

oi_status oelf_load_dynsym(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    if (p->dsym_tried)
        return p->dsym_status;
    p->dsym_tried = true;
    p->dsym.where = "elf/dynsym";
    oi_status st = OI_OK;
    if (p->dyn.present)
        st = oelf_dynsym_from_dynamic(f);
    else if (p->ehdr.e_type != ET_REL)
        oelf_dynsym_from_sections(f);
    if (st == OI_OK)
        st = oelf_load_versions(f);
    p->dsym_status = st;
    return st;
}

oi_status oelf_load_dynsym_all(oi_file *f)
{
    oi_status st = oelf_load_dynsym(f);
    if (st == OI_OK)
        oelf_check_versym(f);
    return st;
}

/* .symtab of an Elf handle (this file's or the debug file's). */
static bool oelf_find_symtab(oi_file *f, Elf *elf, oelf_symtab *t)
{
    Elf_Scn *scn = NULL, *sym = NULL;
    GElf_Shdr sh;
    while ((scn = elf_nextscn(elf, scn)) != NULL)
        if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
            sym = scn;
            break;
        }
    if (!sym || sh.sh_type == SHT_NOBITS)
        return false;
    if (sh.sh_flags & SHF_COMPRESSED) {
        OI_WARN(f, OI_UNSUPPORTED, sh.sh_offset, "elf/symtab",
                "the symbol table is compressed (SHF_COMPRESSED): not read");
        return false;
    }
    Elf_Data *d = elf_getdata(sym, NULL);
    GElf_Shdr lsh;
    Elf_Scn *str = elf_getscn(elf, sh.sh_link);
    oi_view sv;
    if (!d || !str || !gelf_getshdr(str, &lsh) || lsh.sh_type != SHT_STRTAB ||
        oelf_section_content(f, str, &sv) != OI_OK) {
        OI_WARN(f, OI_MALFORMED, sh.sh_offset, "elf/symtab",
                ".symtab or its string table (section %u) cannot be read: %s", sh.sh_link,
                elf_errmsg(-1));
        return false;
    }
    size_t es = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
    t->data = d;
    t->count = d->d_size / es;
    if (t->count > INT_MAX)
        t->count = INT_MAX;
    t->offset = sh.sh_offset;
    t->strtab = oelf_strtab_view(f, sv, "elf/strtab", lsh.sh_offset);
    /* extended section indices for this table */
    size_t symndx = elf_ndxscn(sym);
    scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr xs;
        if (gelf_getshdr(scn, &xs) && xs.sh_type == SHT_SYMTAB_SHNDX && xs.sh_link == symndx) {
            t->xndx = elf_getdata(scn, NULL);
            break;
        }
    }
    return true;
}

oi_status oelf_load_symtab(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    if (p->ssym_tried)
        return OI_OK;
    p->ssym_tried = true;
    p->ssym.where = "elf/symtab";
    if (oelf_find_symtab(f, p->elf, &p->ssym))
        return OI_OK;
    /* stripped: the separate debug file's .symtab has the same addresses */
    if (p->ehdr.e_type != ET_REL && oelf_open_debug_file(f) &&
        !oelf_find_symtab(f, p->debug_elf, &p->ssym))
        OI_WARN_NOOFF(f, OI_NOTFOUND, "elf/debug", "%s has no symbol table", p->debug_path);
    return OI_OK;
}

/* ------------------------------------------------------------ the table */

static oi_status oelf_add_symbols(oi_file *f, const oelf_symtab *t, bool dynamic)
{
    oelf_priv *p = oelf_p(f);
    for (size_t i = 1; i < t->count; i++) {
        GElf_Sym s;
        uint32_t shndx;
        if (!oelf_sym_at(f, t, i, &s, &shndx))
            continue;
        if (s.st_shndx == SHN_XINDEX && !t->xndx)
            OI_WARN(f, OI_MALFORMED, t->offset, t->where,
                    "symbol %zu: st_shndx is SHN_XINDEX but there is no SHT_SYMTAB_SHNDX "
                    "table, so its section is unknown", i);
        oi_symbol *o = oi_model_symbol(f);
        if (!o)
            return OI_NOMEM;
        o->name = oelf_sym_name(f, t, &s);
        o->value = s.st_value;
        o->size = s.st_size;
        o->kind = oelf_kind(&s, shndx);
        o->binding = oelf_binding(&s);
        o->visibility = oelf_visibility(&s);
        o->defined = shndx != SHN_UNDEF;
        o->dynamic = dynamic;
        o->section = shndx;
        o->raw = (oi_raw){ s.st_info, s.st_other, 0xffffffffu };
        if (dynamic) {
            int32_t vs = oelf_versym(p, i);
            const oelf_version *v = oelf_version_of(p, vs);
            if (vs >= 0)
                o->raw.c = (uint32_t)vs;
            if (v) {
                o->version = v->name;
                o->version_default = v->defined && !(vs & VERSYM_HIDDEN);
            }
        }
    }
    return OI_OK;
}

oi_status oelf_build_symbols(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oi_status st = oelf_load_dynsym_all(f);
    if (st != OI_OK)
        return st;
    oelf_load_symtab(f);
    size_t n = (p->dsym.count ? p->dsym.count - 1 : 0) + (p->ssym.count ? p->ssym.count - 1 : 0);
    if (!oi_model_reserve(f, OI_T_SYMBOLS, n))
        return OI_NOMEM;
    st = oelf_add_symbols(f, &p->dsym, true);
    if (st == OI_OK)
        st = oelf_add_symbols(f, &p->ssym, false);
    return st;
}
