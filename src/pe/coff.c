/*
 * COFF objects (.obj, mingw .o, /bigobj) and the short-format members of
 * import libraries (IMPORT_OBJECT_HEADER: MSVC .lib, llvm-dlltool), usually
 * reached as ar members. They share the section table and the symbol table
 * reader with images (pe.c, pe_symbols.c).
 *
 * The model of an object: exports are the external symbols it defines (what
 * it offers the linker), imports the external symbols it leaves undefined.
 * The model of a short import member: it defines __imp_NAME (the IAT slot)
 * and, for code, NAME (the thunk); its one import is the DLL's export it
 * stands for, by name (after the name-type rule) or by ordinal; `needed` is
 * the DLL. A GNU long-format import member is an ordinary object: its
 * .idata$6 holds the hint and name, and the tail member's .idata$7 the DLL
 * name, reported as its dependency.
 */
#include "pe_internal.h"

#include <string.h>

/* {D1BAA1C7-BAEE-4BA9-AF20-FAF66AA4DCB8}, as stored */
static const uint8_t bigobj_classid[16] = {
    0xc7, 0xa1, 0xba, 0xd1, 0xee, 0xba, 0xa9, 0x4b,
    0xaf, 0x20, 0xfa, 0xf6, 0x6a, 0xa4, 0xdc, 0xb8,
};

static bool known_machine(uint16_t m)
{
    return m != IMAGE_FILE_MACHINE_UNKNOWN && pe_machine_name(m) != NULL;
}

/* A COFF object has no magic number: accept a known machine, no optional
 * header, and section and symbol tables that fit in the file. */
static bool plain_object(oi_view v)
{
    oi_cur c = oi_cur_make(v, 0, false);
    uint16_t machine = oi_u16(&c), nsec = oi_u16(&c);
    oi_skip(&c, 4);
    uint32_t symptr = oi_u32(&c), nsym = oi_u32(&c);
    uint16_t optsize = oi_u16(&c), chars = oi_u16(&c);
    if (!oi_ok(&c) || !known_machine(machine) || optsize != 0 ||
        (chars & IMAGE_FILE_EXECUTABLE_IMAGE) || nsec > 65279)
        return false;
    if (!oi_range_ok(v.n, IMAGE_SIZEOF_FILE_HEADER, (uint64_t)nsec * IMAGE_SIZEOF_SECTION_HEADER))
        return false;
    if (symptr == 0)
        return nsym == 0;
    return oi_range_ok(v.n, symptr, (uint64_t)nsym * IMAGE_SIZEOF_SYMBOL);
}

static pe_kind anon_kind(oi_view v)
{
    oi_cur c = oi_cur_make(v, 0, false);
    uint16_t sig1 = oi_u16(&c), sig2 = oi_u16(&c), version = oi_u16(&c), machine = oi_u16(&c);
    if (!oi_ok(&c) || sig1 != IMAGE_FILE_MACHINE_UNKNOWN || sig2 != IMPORT_OBJECT_HDR_SIG2)
        return PE_KIND_IMAGE;   /* "not one of these" */
    if (version == 0 && v.n >= IMPORT_OBJECT_HEADER_SIZE && known_machine(machine))
        return PE_KIND_SHORT_IMPORT;
    if (version >= 2 && v.n >= ANON_OBJECT_HEADER_BIGOBJ_SIZE &&
        memcmp(v.p + 12, bigobj_classid, 16) == 0)
        return PE_KIND_BIGOBJ;
    return PE_KIND_IMAGE;
}

static bool coff_probe(oi_view v)
{
    return anon_kind(v) != PE_KIND_IMAGE || plain_object(v);
}

/* ---------------------------------------------------------- open */

static oi_status open_short_import(oi_file *f, pe_priv *p)
{
    oi_cur c = oi_cur_make(f->data, 4, false);
    p->imp.version = oi_u16(&c);
    p->machine = oi_u16(&c);
    p->timestamp = oi_u32(&c);
    uint32_t size = oi_u32(&c);
    p->imp.ordinal_hint = oi_u16(&c);
    uint16_t bits = oi_u16(&c);
    p->imp.type = bits & 3;
    p->imp.name_type = (bits >> 2) & 7;
    oi_view data;
    if (!oi_ok(&c) || !oi_view_sub(f->data, IMPORT_OBJECT_HEADER_SIZE, size, &data))
        return OI_ERROR(f, OI_TRUNCATED, 0, "coff/import",
                        "import header says %u bytes of names; the member has %zu", size,
                        f->data.n > IMPORT_OBJECT_HEADER_SIZE ? f->data.n - IMPORT_OBJECT_HEADER_SIZE : 0);
    oi_cur d = oi_cur_make(data, 0, false);
    p->imp.symbol = oi_take_cstr(&d);
    p->imp.dll = oi_take_cstr(&d);
    if (!oi_ok(&d))
        return OI_ERROR(f, OI_MALFORMED, IMPORT_OBJECT_HEADER_SIZE, "coff/import",
                        "import member names are not NUL-terminated");
    if (p->imp.name_type == IMPORT_OBJECT_NAME_EXPORTAS) {
        p->imp.export_as = oi_take_cstr(&d);
        if (!p->imp.export_as)
            OI_WARN(f, OI_MALFORMED, IMPORT_OBJECT_HEADER_SIZE, "coff/import",
                    "EXPORTAS import member has no export name");
    }
    if (p->imp.type > IMPORT_OBJECT_CONST)
        OI_WARN(f, OI_MALFORMED, 0, "coff/import", "unknown import type %u", p->imp.type);
    if (p->imp.name_type > IMPORT_OBJECT_NAME_EXPORTAS)
        OI_WARN(f, OI_MALFORMED, 0, "coff/import", "unknown import name type %u",
                p->imp.name_type);
    f->info.type = "import";
    return OI_OK;
}

static oi_status coff_open(oi_file *f)
{
    pe_priv *p = oi_arena_alloc(f->mem, sizeof *p);
    if (!p)
        return OI_NOMEM;
    f->priv = p;
    p->kind = anon_kind(f->data);
    if (p->kind == PE_KIND_IMAGE)
        p->kind = PE_KIND_OBJECT;
    p->symsize = IMAGE_SIZEOF_SYMBOL;
    oi_status st = OI_OK;
    if (p->kind == PE_KIND_SHORT_IMPORT) {
        st = open_short_import(f, p);
    } else {
        oi_cur c = oi_cur_make(f->data, 0, false);
        uint64_t sec_off;
        uint32_t nsec;
        if (p->kind == PE_KIND_BIGOBJ) {
            oi_skip(&c, 6);
            p->machine = oi_u16(&c);
            p->timestamp = oi_u32(&c);
            oi_skip(&c, 16 + 4 + 4 + 4 + 4);   /* ClassID, SizeOfData, Flags, metadata */
            nsec = oi_u32(&c);
            p->symtab_off = oi_u32(&c);
            p->nsymbols = oi_u32(&c);
            p->symsize = IMAGE_SIZEOF_SYMBOL_EX;
            sec_off = ANON_OBJECT_HEADER_BIGOBJ_SIZE;
        } else {
            p->machine = oi_u16(&c);
            nsec = oi_u16(&c);
            p->timestamp = oi_u32(&c);
            p->symtab_off = oi_u32(&c);
            p->nsymbols = oi_u32(&c);
            oi_skip(&c, 2);
            p->characteristics = oi_u16(&c);
            sec_off = IMAGE_SIZEOF_FILE_HEADER;
        }
        if (!oi_ok(&c))
            return OI_ERROR(f, OI_TRUNCATED, 0, "coff/header", "COFF header truncated");
        pe_locate_symtab(f, p);
        st = pe_read_sections(f, p, sec_off, nsec);
        f->info.type = "relocatable";
    }
    oi_file_info *in = &f->info;
    in->bits = pe_machine_bits(p->machine);
    in->machine_raw = p->machine;
    in->machine = pe_machine_name(p->machine);
    if (!in->machine)
        in->machine = oi_arena_printf(f->mem, "pe-0x%x", p->machine);
    in->flags_raw = p->characteristics;
    in->nsections = p->nsections;
    return st;
}

/* ---------------------------------------------------------- short import */

/* The name the DLL exports, from the public symbol by the name-type rule
 * of the PE/COFF specification ("Import Name Type"). */
static const char *import_name(oi_file *f, const pe_priv *p)
{
    const char *s = p->imp.symbol;
    switch (p->imp.name_type) {
    case IMPORT_OBJECT_ORDINAL:
        return NULL;
    case IMPORT_OBJECT_NAME:
        return s;
    case IMPORT_OBJECT_NAME_EXPORTAS:
        return p->imp.export_as ? p->imp.export_as : s;
    case IMPORT_OBJECT_NAME_NO_PREFIX:
    case IMPORT_OBJECT_NAME_UNDECORATE:
        if (*s == '?' || *s == '@' || *s == '_')
            s++;
        if (p->imp.name_type == IMPORT_OBJECT_NAME_UNDECORATE) {
            const char *at = strchr(s, '@');
            if (at)
                return oi_arena_strndup(f->mem, s, (size_t)(at - s));
        }
        return s;
    }
    return s;
}

/* The symbols a short import member defines: __imp_NAME, and NAME for code. */
static oi_status short_symbols(oi_file *f, pe_priv *p, bool as_exports)
{
    const char *imp = oi_arena_printf(f->mem, "__imp_%s", p->imp.symbol);
    if (!imp)
        return OI_NOMEM;
    bool code = p->imp.type == IMPORT_OBJECT_CODE;
    for (int k = code ? 0 : 1; k < 2; k++) {
        const char *name = k == 0 ? p->imp.symbol : imp;
        oi_kind kind = k == 0 ? OI_KIND_FUNC : OI_KIND_DATA;
        if (as_exports) {
            oi_export *e = oi_model_export(f);
            if (!e)
                return OI_NOMEM;
            e->name = name;
            e->kind = kind;
            e->binding = OI_BIND_GLOBAL;
            if (p->imp.name_type == IMPORT_OBJECT_ORDINAL)
                e->ordinal = p->imp.ordinal_hint;
            e->raw = (oi_raw){ p->imp.ordinal_hint, p->imp.name_type, p->imp.type };
        } else {
            oi_symbol *s = oi_model_symbol(f);
            if (!s)
                return OI_NOMEM;
            s->name = name;
            s->kind = kind;
            s->binding = OI_BIND_GLOBAL;
            s->defined = true;
            s->raw = (oi_raw){ p->imp.ordinal_hint, p->imp.name_type, p->imp.type };
        }
    }
    return OI_OK;
}

/* ---------------------------------------------------------- objects */

/* Exports (defined) or imports (undefined) of an object: its external
 * symbols, decoded from the symbol table. */
static oi_status object_externals(oi_file *f, bool defined)
{
    pe_priv *p = pe_p(f);
    oi_view tab;
    if (!pe_symtab_view(f, &tab))
        return OI_OK;
    for (uint32_t i = 0; i < p->nsymbols; i++) {
        oi_symbol s;
        i += pe_symbol_at(f, tab, i, NULL, 0, &s);
        if (s.binding == OI_BIND_LOCAL || s.defined != defined)
            continue;
        if (!s.name)            /* an 8-byte short name not copied */
            return OI_NOMEM;
        if (defined) {
            oi_export *e = oi_model_export(f);
            if (!e)
                return OI_NOMEM;
            e->name = s.name;
            e->address = s.value;
            e->size = s.size;
            e->kind = s.kind;
            e->binding = s.binding;
            e->weak = s.binding == OI_BIND_WEAK;
            e->target = s.kind == OI_KIND_ABSOLUTE ? OI_TARGET_ABSOLUTE : OI_TARGET_ADDRESS;
            e->raw = s.raw;
        } else {
            oi_import *im = oi_model_import(f);
            if (!im)
                return OI_NOMEM;
            im->name = s.name;
            im->weak = s.binding == OI_BIND_WEAK;
            im->raw = s.raw;
        }
    }
    return OI_OK;
}

/* A GNU long-format import member: the hint/name of .idata$6 (function
 * members) and the ordinal of .idata$4. */
static const pe_section *section_named(const pe_priv *p, const char *name)
{
    for (uint32_t i = 0; i < p->nsections; i++)
        if (strcmp(p->sections[i].name, name) == 0)
            return &p->sections[i];
    return NULL;
}

static bool section_bytes(const oi_file *f, const pe_section *s, oi_view *out)
{
    return s && s->raw_off && oi_view_sub(f->data, s->raw_off, s->raw_size, out);
}

extern const oi_format_ops oi_coff_ops;

/* The first undefined external of a COFF member whose name contains
 * `part` (at the start, or after one '_'), or NULL. */
static const char *undefined_named(oi_file *f, const char *part, bool suffix)
{
    pe_priv *p = pe_p(f);
    oi_view tab;
    if (!pe_symtab_view(f, &tab))
        return NULL;
    size_t plen = strlen(part);
    for (uint32_t i = 0; i < p->nsymbols; i++) {
        oi_symbol s;
        i += pe_symbol_at(f, tab, i, NULL, 0, &s);
        if (s.defined || s.binding == OI_BIND_LOCAL || !s.name)
            continue;
        size_t n = strlen(s.name);
        if (suffix ? n > plen && strcmp(s.name + n - plen, part) == 0
                   : strncmp(s.name, part, plen) == 0 ||
                     (s.name[0] == '_' && strncmp(s.name + 1, part, plen) == 0))
            return s.name;
    }
    return NULL;
}

/* True when a COFF member defines an external symbol ending in suffix. */
static bool defines_suffix(oi_file *f, const char *suffix)
{
    pe_priv *p = pe_p(f);
    oi_view tab;
    if (!pe_symtab_view(f, &tab))
        return false;
    size_t sl = strlen(suffix);
    for (uint32_t i = 0; i < p->nsymbols; i++) {
        oi_symbol s;
        i += pe_symbol_at(f, tab, i, NULL, 0, &s);
        if (!s.name)            /* a name that could not be copied: no memory */
            continue;
        size_t n = strlen(s.name);
        if (s.defined && s.binding != OI_BIND_LOCAL && n > sl && strcmp(s.name + n - sl, suffix) == 0)
            return true;
    }
    return false;
}

/* The archive member defining sym, opened, when it is a COFF object. */
static oi_file *member_defining(oi_file *ar, const char *sym)
{
    size_t k;
    oi_file *m;
    if (!sym || !oi_ar_member_defining(ar, sym, &k) || oi_child(ar, k, &m) != OI_OK ||
        m->ops != &oi_coff_ops)
        return NULL;
    return m;
}

/* The DLL a GNU long-format import member imports from. The member refers
 * to its library's head object through an undefined "_head_..." symbol; the
 * head refers to the tail through an undefined "..._iname"; the tail's
 * .idata$7 holds the DLL name. The archive's symbol index finds both, as
 * the linker does. NULL when a link is missing. */
static const char *long_import_dll(oi_file *f)
{
    oi_file *ar = f->root;
    if (ar == f || ar->info.format != OI_FORMAT_AR)
        return NULL;
    oi_file *head = member_defining(ar, undefined_named(f, "_head_", false));
    oi_file *tail = head ? member_defining(ar, undefined_named(head, "_iname", true)) : NULL;
    const pe_section *t = tail ? section_named(pe_p(tail), ".idata$7") : NULL;
    oi_view v;
    if (!t || !section_bytes(tail, t, &v))
        return NULL;
    return oi_view_cstr(v, 0);
}

static oi_status long_import(oi_file *f, pe_priv *p)
{
    const pe_section *hn = section_named(p, ".idata$6"), *ilt = section_named(p, ".idata$4");
    oi_view v;
    /* a function member has an ILT entry; the head and tail members have none */
    if (!ilt || !section_bytes(f, ilt, &v) || v.n < 4)
        return OI_OK;
    bool is64 = pe_machine_bits(p->machine) == 64 && v.n >= 8;
    uint64_t t = is64 ? oi_get64(v.p, false) : oi_get32(v.p, false);
    bool by_ord = is64 ? (t & IMAGE_ORDINAL_FLAG64) != 0 : (t & IMAGE_ORDINAL_FLAG32) != 0;
    if (!by_ord && !hn)
        return OI_OK;   /* a null terminator, in the tail member */
    oi_import *im = oi_model_import(f);
    if (!im)
        return OI_NOMEM;
    im->library = long_import_dll(f);
    if (by_ord) {
        im->ordinal = (int64_t)(t & 0xffff);
        im->raw.a = (uint32_t)im->ordinal;
        return OI_OK;
    }
    if (section_bytes(f, hn, &v) && v.n > 2) {
        im->hint = oi_get16(v.p, false);
        im->raw.b = im->hint;
        im->name = oi_view_cstr(v, 2);
    }
    if (!im->name) {
        OI_WARN(f, OI_MALFORMED, hn->raw_off, "coff/import", ".idata$6 holds no hint/name");
        im->name = "<?>";
    }
    return OI_OK;
}

static oi_status coff_build_symbols(oi_file *f)
{
    pe_priv *p = pe_p(f);
    if (p->kind == PE_KIND_SHORT_IMPORT)
        return short_symbols(f, p, false);
    return pe_build_symbols(f);
}

static oi_status coff_build_exports(oi_file *f)
{
    pe_priv *p = pe_p(f);
    if (p->kind == PE_KIND_SHORT_IMPORT)
        return short_symbols(f, p, true);
    return object_externals(f, true);
}

static oi_status coff_build_imports(oi_file *f)
{
    pe_priv *p = pe_p(f);
    if (p->kind == PE_KIND_SHORT_IMPORT) {
        oi_import *im = oi_model_import(f);
        if (!im)
            return OI_NOMEM;
        im->library = p->imp.dll;
        im->name = import_name(f, p);
        if (p->imp.name_type == IMPORT_OBJECT_ORDINAL)
            im->ordinal = p->imp.ordinal_hint;
        else
            im->hint = p->imp.ordinal_hint;
        im->raw = (oi_raw){ p->imp.ordinal_hint, p->imp.name_type, p->imp.type };
        return OI_OK;
    }
    oi_status st = object_externals(f, false);
    return st == OI_OK ? long_import(f, p) : st;
}

static oi_status coff_build_deps(oi_file *f)
{
    pe_priv *p = pe_p(f);
    const char *dll = NULL;
    if (p->kind == PE_KIND_SHORT_IMPORT) {
        dll = p->imp.dll;
    } else {
        /* the tail member of a GNU import library defines "..._iname",
         * the DLL name in its .idata$7 */
        const pe_section *s = section_named(p, ".idata$7");
        oi_view v;
        if (s && defines_suffix(f, "_iname") && section_bytes(f, s, &v) && v.n > 1)
            dll = oi_view_cstr(v, 0);
    }
    if (!dll)
        return OI_OK;
    oi_dependency *d = oi_model_dep(f);
    if (!d)
        return OI_NOMEM;
    d->name = dll;
    d->kind = OI_DEP_NEEDED;
    return OI_OK;
}

static oi_status coff_build_props(oi_file *f)
{
    pe_priv *p = pe_p(f);
    if (p->kind != PE_KIND_SHORT_IMPORT)
        return pe_build_props(f);
    static const char *const types[] = { "code", "data", "const" };
    static const char *const names[] = { "ordinal", "name", "noprefix", "undecorate", "exportas" };
    oi_model_prop(f, "import_type", p->imp.type < 3 ? types[p->imp.type] : "unknown");
    oi_model_prop(f, "import_name_type", p->imp.name_type < 5 ? names[p->imp.name_type] : "unknown");
    oi_model_prop(f, "timestamp", oi_arena_printf(f->mem, "0x%08x", p->timestamp));
    return OI_OK;
}

const oi_format_ops oi_coff_ops = {
    .name = "coff",
    .format = OI_FORMAT_PE,
    .probe = coff_probe,
    .open = coff_open,
    .build_sections = pe_build_sections,
    .build_symbols = coff_build_symbols,
    .build_exports = coff_build_exports,
    .build_imports = coff_build_imports,
    .build_deps = coff_build_deps,
    .build_props = coff_build_props,
};
