/*
 * The COFF symbol table, of objects and of the images that still carry one
 * (mingw DLLs do). Records are 18 bytes (20 in /bigobj objects), each
 * followed by its auxiliary records; long names live in the string table
 * after the symbols.
 *
 * In an image a symbol's value is reported as an RVA (section address plus
 * value), the unit exports use, and a defined symbol whose RVA is not an
 * exported address is reported with visibility "hidden": it exists in the
 * file but GetProcAddress cannot reach it.
 */
#include "pe_internal.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The exported (non-forwarder) RVAs of an image, sorted; NULL when none.
 * Read straight from the export address table: no export table is built. */
static uint32_t *exported_rvas(oi_file *f, size_t *n)
{
    pe_priv *p = pe_p(f);
    *n = 0;
    if (!pe_export_dir(f) || !p->exp.nfuncs)
        return NULL;
    uint32_t *v = malloc((size_t)p->exp.nfuncs * sizeof *v);
    if (!v)
        return NULL;
    for (uint32_t i = 0; i < p->exp.nfuncs; i++) {
        uint32_t rva = oi_get32(p->exp.eat.p + (size_t)i * 4, false);
        if (rva)
            v[(*n)++] = rva;
    }
    qsort(v, *n, sizeof *v, cmp_u32);
    return v;
}

/* A symbol's name: 8 bytes inline, or (first word zero) an offset into the
 * string table. Inline names with a NUL point into the mapping; a full
 * 8-byte name is copied to add one. */
static const char *sym_name(oi_file *f, const pe_priv *p, oi_view rec)
{
    uint32_t zero = oi_get32(rec.p, false);
    if (zero == 0) {
        uint32_t off = oi_get32(rec.p + 4, false);
        const char *s = oi_view_cstr(p->strtab, off);
        if (!s)
            OI_WARN(f, OI_MALFORMED, oi_file_off(f, rec.p), "pe/symbols",
                    "symbol name offset 0x%x is outside the string table", off);
        return s ? s : "<?>";
    }
    if (memchr(rec.p, 0, IMAGE_SIZEOF_SHORT_NAME))
        return (const char *)rec.p;
    return oi_arena_strndup(f->mem, (const char *)rec.p, IMAGE_SIZEOF_SHORT_NAME);
}

/* The file name a .file symbol's auxiliary records hold (NUL-padded). */
static const char *file_name(oi_file *f, oi_view aux)
{
    size_t n = 0;
    while (n < aux.n && aux.p[n])
        n++;
    if (n < aux.n)
        return (const char *)aux.p;
    return oi_arena_strndup(f->mem, (const char *)aux.p, n);
}

static bool is_tls_section(const char *name)
{
    return strncmp(name, ".tls", 4) == 0 && (name[4] == 0 || name[4] == '$');
}

bool pe_symtab_view(oi_file *f, oi_view *tab)
{
    pe_priv *p = pe_p(f);
    if (!p->symtab_off || !p->nsymbols)
        return false;
    return oi_view_array(f->data, p->symtab_off, p->nsymbols, p->symsize, tab);  /* else warned at open */
}

uint32_t pe_symbol_at(oi_file *f, oi_view tab, uint32_t i, const uint32_t *exp, size_t nexp,
                      oi_symbol *s)
{
    pe_priv *p = pe_p(f);
    bool big = p->symsize == IMAGE_SIZEOF_SYMBOL_EX;
    oi_view rec = { tab.p + (size_t)i * p->symsize, p->symsize };
    oi_cur c = oi_cur_make(rec, 8, false);
    uint32_t value = oi_u32(&c);
    int32_t secnum = big ? (int32_t)oi_u32(&c) : (int16_t)oi_u16(&c);
    uint16_t type = oi_u16(&c);
    uint8_t cls = oi_u8(&c);
    uint8_t naux = oi_u8(&c);
    uint32_t avail = p->nsymbols - i - 1;
    if (naux > avail) {
        OI_WARN(f, OI_MALFORMED, oi_file_off(f, rec.p), "pe/symbols",
                "symbol %u claims %u auxiliary records; only %u follow", i, naux, avail);
        naux = (uint8_t)avail;
    }
    oi_view aux = { rec.p + p->symsize, (size_t)naux * p->symsize };

    memset(s, 0, sizeof *s);
    s->name = cls == IMAGE_SYM_CLASS_FILE && naux ? file_name(f, aux) : sym_name(f, p, rec);
    s->value = value;
    s->section = (uint32_t)secnum;
    s->raw = (oi_raw){ cls, type, naux };
    const pe_section *sec = secnum > 0 && (uint32_t)secnum <= p->nsections
                                ? &p->sections[secnum - 1] : NULL;
    s->defined = secnum != IMAGE_SYM_UNDEFINED || (cls == IMAGE_SYM_CLASS_EXTERNAL && value);
    switch (cls) {
    case IMAGE_SYM_CLASS_EXTERNAL:
    case IMAGE_SYM_CLASS_EXTERNAL_DEF:
        s->binding = OI_BIND_GLOBAL;
        break;
    case IMAGE_SYM_CLASS_WEAK_EXTERNAL:
        s->binding = OI_BIND_WEAK;
        break;
    default:
        s->binding = OI_BIND_LOCAL;
        break;
    }
    if (cls == IMAGE_SYM_CLASS_FILE)
        s->kind = OI_KIND_FILE;
    else if (cls == IMAGE_SYM_CLASS_STATIC && naux && type == 0 && sec && value == 0)
        s->kind = OI_KIND_SECTION;   /* the auxiliary record is a section definition */
    else if (secnum == IMAGE_SYM_ABSOLUTE)
        s->kind = OI_KIND_ABSOLUTE;
    else if (secnum == IMAGE_SYM_DEBUG)
        s->kind = OI_KIND_OTHER;
    else if (secnum == IMAGE_SYM_UNDEFINED && cls == IMAGE_SYM_CLASS_EXTERNAL && value)
        s->kind = OI_KIND_COMMON;    /* value is the size of the common block */
    else if (cls == IMAGE_SYM_CLASS_LABEL)
        s->kind = OI_KIND_NOTYPE;
    else if (((type >> 4) & 3) == IMAGE_SYM_DTYPE_FUNCTION)
        s->kind = OI_KIND_FUNC;
    else if (!sec)
        s->kind = OI_KIND_NOTYPE;
    else if (is_tls_section(sec->long_name ? sec->long_name : sec->name))
        s->kind = OI_KIND_TLS;
    else if (sec->characteristics & (IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE))
        s->kind = OI_KIND_FUNC;
    else
        s->kind = OI_KIND_DATA;
    if (s->kind == OI_KIND_COMMON)
        s->size = value;
    if (p->kind == PE_KIND_IMAGE && sec) {
        uint64_t rva = (uint64_t)sec->vaddr + value;
        s->value = rva;
        uint32_t key = (uint32_t)rva;
        bool exported = rva <= UINT32_MAX && nexp &&
                        bsearch(&key, exp, nexp, sizeof *exp, cmp_u32) != NULL;
        if (!exported)
            s->visibility = OI_VIS_HIDDEN;
    }
    return naux;
}

oi_status pe_build_symbols(oi_file *f)
{
    pe_priv *p = pe_p(f);
    oi_view tab;
    if (!pe_symtab_view(f, &tab))
        return OI_OK;
    size_t nexp = 0;
    uint32_t *exp = p->kind == PE_KIND_IMAGE ? exported_rvas(f, &nexp) : NULL;
    if (!oi_model_reserve(f, OI_T_SYMBOLS, p->nsymbols)) {
        free(exp);
        return OI_NOMEM;
    }
    for (uint32_t i = 0; i < p->nsymbols; i++) {
        oi_symbol *s = oi_model_symbol(f);
        if (!s) {
            free(exp);
            return OI_NOMEM;
        }
        i += pe_symbol_at(f, tab, i, exp, nexp, s);
        if (!s->name) {         /* a name that could not be copied */
            free(exp);
            return OI_NOMEM;
        }
    }
    free(exp);
    return OI_OK;
}
