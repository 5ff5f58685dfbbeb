/*
 * Properties: the ELF facts that have no model field of their own, as
 * stable key/value text (README, "Properties"), so that checks and the
 * binder read them from the model without touching bytes: the interpreter,
 * search paths, dynamic flags, hardening (RELRO, BIND_NOW, stack, TEXTREL,
 * GNU property notes), the hash tables, build-id and debuglink.
 * Notes are walked with the cursor (libelf would hand them back raw too).
 */
#include "elf_internal.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ notes */

typedef void (*note_fn)(oi_file *f, uint32_t type, oi_view name, oi_view desc,
                        uint64_t off, void *ctx);

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Walk the notes in v (gABI layout; 8-byte alignment for GNU property notes
 * in an 8-aligned segment, as libelf's ELF_T_NHDR8). */
static void walk_notes(oi_file *f, oi_view v, uint64_t align, uint64_t base, note_fn fn,
                       void *ctx)
{
    oelf_priv *p = oelf_p(f);
    uint64_t a = align == 8 ? 8 : 4;
    uint64_t off = 0;
    /* each note is at least 12 bytes: the walk ends within v.n / 12 steps */
    for (size_t k = 0; off + 12 <= v.n && k <= v.n / 12; k++) {
        oi_cur c = oi_cur_make(v, (size_t)off, p->big);
        uint32_t namesz = oi_u32(&c), descsz = oi_u32(&c), type = oi_u32(&c);
        oi_view name = oi_take(&c, namesz);
        oi_seek(&c, align_up(c.pos, a));
        oi_view desc = oi_take(&c, descsz);
        if (!oi_ok(&c)) {
            OI_WARN(f, OI_TRUNCATED, base + off, "elf/note",
                    "note (name %u bytes, descriptor %u bytes) runs past its segment", namesz,
                    descsz);
            return;
        }
        /* the name without its NUL padding */
        while (name.n && name.p[name.n - 1] == 0)
            name.n--;
        fn(f, type, name, desc, base + off, ctx);
        off = align_up(c.pos, a);
    }
}

/* Every note of the file: PT_NOTE segments, or SHT_NOTE sections when the
 * file has no program headers (a relocatable object). */
static void each_note(oi_file *f, note_fn fn, void *ctx)
{
    oelf_priv *p = oelf_p(f);
    bool any = false;
    for (size_t i = 0; i < p->phnum; i++) {
        GElf_Phdr ph;
        oi_view v;
        if (!gelf_getphdr(p->elf, (int)i, &ph) || ph.p_type != PT_NOTE)
            continue;
        any = true;
        if (!oi_view_sub(f->data, ph.p_offset, ph.p_filesz, &v)) {
            OI_WARN(f, OI_TRUNCATED, ph.p_offset, "elf/note", "PT_NOTE %zu runs past the end "
                    "of the file", i);
            continue;
        }
        walk_notes(f, v, ph.p_align, ph.p_offset, fn, ctx);
    }
    if (any)
        return;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(p->elf, scn)) != NULL) {
        GElf_Shdr sh;
        oi_view v;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
            continue;
        if (oelf_section_content(f, scn, &v) == OI_OK)
            walk_notes(f, v, sh.sh_addralign, sh.sh_offset, fn, ctx);
    }
}

static bool is_gnu(oi_view name)
{
    return name.n == 3 && memcmp(name.p, "GNU", 3) == 0;
}

static void build_id_note(oi_file *f, uint32_t type, oi_view name, oi_view desc, uint64_t off,
                          void *ctx)
{
    (void)f;
    (void)off;
    oi_view *out = ctx;
    if (type == NT_GNU_BUILD_ID && is_gnu(name) && desc.n && !out->n)
        *out = desc;
}

oi_view oelf_build_id(oi_file *f)
{
    oi_view id = { NULL, 0 };
    each_note(f, build_id_note, &id);
    return id;
}

typedef struct gnu_props {
    bool x86, aarch64;
    uint32_t x86_and, aarch64_and;
} gnu_props;

static void property_note(oi_file *f, uint32_t type, oi_view name, oi_view desc, uint64_t off,
                          void *ctx)
{
    oelf_priv *p = oelf_p(f);
    gnu_props *gp = ctx;
    if (type != NT_GNU_PROPERTY_TYPE_0 || !is_gnu(name))
        return;
    uint64_t a = p->is64 ? 8 : 4;
    oi_cur c = oi_cur_make(desc, 0, p->big);
    while (oi_left(&c) >= 8) {
        uint32_t pr_type = oi_u32(&c), sz = oi_u32(&c);
        oi_view data = oi_take(&c, sz);
        if (!oi_ok(&c)) {
            OI_WARN(f, OI_TRUNCATED, off, "elf/note",
                    "GNU property %#x (%u bytes) runs past its note", pr_type, sz);
            return;
        }
        if (sz == 4 && pr_type == GNU_PROPERTY_X86_FEATURE_1_AND &&
            (p->ehdr.e_machine == EM_X86_64 || p->ehdr.e_machine == EM_386)) {
            gp->x86 = true;
            gp->x86_and = oi_get32(data.p, p->big);
        }
        if (sz == 4 && pr_type == GNU_PROPERTY_AARCH64_FEATURE_1_AND &&
            p->ehdr.e_machine == EM_AARCH64) {
            gp->aarch64 = true;
            gp->aarch64_and = oi_get32(data.p, p->big);
        }
        oi_seek(&c, align_up(c.pos, a) <= desc.n ? align_up(c.pos, a) : desc.n);
    }
}

/* ------------------------------------------------------------ values */

typedef struct flag_name {
    uint64_t bit;
    const char *name;
} flag_name;

/* readelf's names for DT_FLAGS and DT_FLAGS_1 bits */
static const flag_name dt_flags[] = {
    { DF_ORIGIN, "ORIGIN" }, { DF_SYMBOLIC, "SYMBOLIC" }, { DF_TEXTREL, "TEXTREL" },
    { DF_BIND_NOW, "BIND_NOW" }, { DF_STATIC_TLS, "STATIC_TLS" }, { 0, NULL },
};
static const flag_name dt_flags_1[] = {
    { DF_1_NOW, "NOW" }, { DF_1_GLOBAL, "GLOBAL" }, { DF_1_GROUP, "GROUP" },
    { DF_1_NODELETE, "NODELETE" }, { DF_1_LOADFLTR, "LOADFLTR" },
    { DF_1_INITFIRST, "INITFIRST" }, { DF_1_NOOPEN, "NOOPEN" }, { DF_1_ORIGIN, "ORIGIN" },
    { DF_1_DIRECT, "DIRECT" }, { DF_1_TRANS, "TRANS" }, { DF_1_INTERPOSE, "INTERPOSE" },
    { DF_1_NODEFLIB, "NODEFLIB" }, { DF_1_NODUMP, "NODUMP" }, { DF_1_CONFALT, "CONFALT" },
    { DF_1_ENDFILTEE, "ENDFILTEE" }, { DF_1_DISPRELDNE, "DISPRELDNE" },
    { DF_1_DISPRELPND, "DISPRELPND" }, { DF_1_NODIRECT, "NODIRECT" },
    { DF_1_IGNMULDEF, "IGNMULDEF" }, { DF_1_NOKSYMS, "NOKSYMS" }, { DF_1_NOHDR, "NOHDR" },
    { DF_1_EDITED, "EDITED" }, { DF_1_NORELOC, "NORELOC" }, { DF_1_SYMINTPOSE, "SYMINTPOSE" },
    { DF_1_GLOBAUDIT, "GLOBAUDIT" }, { DF_1_SINGLETON, "SINGLETON" }, { DF_1_STUB, "STUB" },
    { DF_1_PIE, "PIE" }, { DF_1_KMOD, "KMOD" }, { DF_1_WEAKFILTER, "WEAKFILTER" },
    { DF_1_NOCOMMON, "NOCOMMON" }, { 0, NULL },
};
static const flag_name x86_feature_1[] = {
    { GNU_PROPERTY_X86_FEATURE_1_IBT, "IBT" }, { GNU_PROPERTY_X86_FEATURE_1_SHSTK, "SHSTK" },
    { 0, NULL },
};
static const flag_name aarch64_feature_1[] = {
    { GNU_PROPERTY_AARCH64_FEATURE_1_BTI, "BTI" }, { GNU_PROPERTY_AARCH64_FEATURE_1_PAC, "PAC" },
    { 0, NULL },
};

/* The set bits by name, unknown ones as one hex number; "none" for 0. */
static const char *flag_names(oi_file *f, uint64_t v, const flag_name *t)
{
    char buf[512];
    size_t n = 0;
    buf[0] = 0;
    for (; t->name; t++) {
        if (!(v & t->bit))
            continue;
        v &= ~t->bit;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? " " : "", t->name);
    }
    if (v)
        snprintf(buf + n, sizeof buf - n, "%s%#llx", n ? " " : "", (unsigned long long)v);
    return buf[0] ? oi_arena_strdup(f->mem, buf) : "none";
}

static bool prop(oi_file *f, const char *key, const char *value)
{
    return value ? oi_model_prop(f, key, value) : true;
}

static const char *yes_no(bool b) { return b ? "true" : "false"; }

/* PT_INTERP's string (NUL-terminated inside the segment), or NULL. */
static const char *oelf_interp(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    for (size_t i = 0; i < p->phnum; i++) {
        GElf_Phdr ph;
        oi_view v;
        if (!gelf_getphdr(p->elf, (int)i, &ph) || ph.p_type != PT_INTERP)
            continue;
        const char *s = NULL;
        if (ph.p_filesz && oi_view_sub(f->data, ph.p_offset, ph.p_filesz, &v))
            s = oi_view_cstr(v, 0);
        if (!s && ph.p_filesz)
            OI_WARN(f, OI_MALFORMED, ph.p_offset, "elf/interp",
                    "PT_INTERP is not a NUL-terminated string inside the file");
        return s;
    }
    return NULL;
}

static const char *stack_perms(uint64_t flags)
{
    static const char *const perms[8] = { "none", "x", "w", "wx", "r", "rx", "rw", "rwx" };
    return perms[((flags & PF_R) ? 4 : 0) | ((flags & PF_W) ? 2 : 0) | ((flags & PF_X) ? 1 : 0)];
}

/* The symbol versions: the base version (VER_FLG_BASE: the file's own
 * name), the versions this file defines and those it needs (FILE:VERSION),
 * each list in index order, space-separated. */
static bool version_props(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    if (oelf_load_dynsym(f) != OI_OK || !p->nvers)
        return true;
    size_t def = 0, need = 0;
    for (size_t i = 0; i < p->nvers; i++) {
        const oelf_version *v = &p->vers[i];
        if (!v->name)
            continue;
        if (v->defined && !(v->flags & VER_FLG_BASE))
            def += strlen(v->name) + 1;
        if (!v->defined)
            need += strlen(v->name) + (v->file ? strlen(v->file) : 3) + 2;
    }
    char *d = def ? oi_arena_alloc(f->mem, def) : NULL;
    char *n = need ? oi_arena_alloc(f->mem, need) : NULL;
    if ((def && !d) || (need && !n))
        return false;
    size_t dl = 0, nl = 0;
    bool ok = true;
    for (size_t i = 0; i < p->nvers; i++) {
        const oelf_version *v = &p->vers[i];
        if (!v->name)
            continue;
        if (v->defined && (v->flags & VER_FLG_BASE))
            ok = ok && prop(f, "version_base", v->name);
        else if (v->defined)
            dl += (size_t)snprintf(d + dl, def - dl, "%s%s", dl ? " " : "", v->name);
        else
            nl += (size_t)snprintf(n + nl, need - nl, "%s%s:%s", nl ? " " : "",
                                   v->file ? v->file : "<?>", v->name);
    }
    return ok && prop(f, "versions_defined", d) && prop(f, "versions_needed", n);
}

oi_status oelf_build_props(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    oelf_dynamic *d = &p->dyn;
    bool ok = prop(f, "interp", oelf_interp(f));
    if (d->have & DYN_RPATH)
        ok = ok && prop(f, "rpath", oelf_dynstr(f, d->rpath, "DT_RPATH"));
    if (d->have & DYN_RUNPATH)
        ok = ok && prop(f, "runpath", oelf_dynstr(f, d->runpath, "DT_RUNPATH"));
    if (d->have & DYN_FLAGS)
        ok = ok && prop(f, "flags", flag_names(f, d->flags, dt_flags));
    if (d->have & DYN_FLAGS_1)
        ok = ok && prop(f, "flags_1", flag_names(f, d->flags_1, dt_flags_1));

    /* hardening, from the program headers and the dynamic table */
    bool relro = false, stack = false;
    uint64_t stack_flags = 0;
    for (size_t i = 0; i < p->phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(p->elf, (int)i, &ph))
            continue;
        if (ph.p_type == PT_GNU_RELRO)
            relro = true;
        if (ph.p_type == PT_GNU_STACK) {
            stack = true;
            stack_flags = ph.p_flags;
        }
    }
    if (p->phnum) {
        ok = ok && prop(f, "relro", !relro ? "none" : d->bind_now ? "full" : "partial");
        ok = ok && prop(f, "gnu_stack", stack ? stack_perms(stack_flags) : "absent");
    } else if (p->ehdr.e_type == ET_REL) {
        /* an object says what it needs with .note.GNU-stack */
        const char *gs = "absent";
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(p->elf, scn)) != NULL) {
            GElf_Shdr sh;
            const char *nm;
            if (gelf_getshdr(scn, &sh) && p->has_shstrndx &&
                (nm = elf_strptr(p->elf, p->shstrndx, sh.sh_name)) != NULL &&
                strcmp(nm, ".note.GNU-stack") == 0)
                gs = (sh.sh_flags & SHF_EXECINSTR) ? "rwx" : "rw";
        }
        ok = ok && prop(f, "gnu_stack", gs);
    }
    if (d->present) {
        ok = ok && prop(f, "bind_now", yes_no(d->bind_now));
        ok = ok && prop(f, "textrel", yes_no(d->textrel));
        bool gnu = d->have & DYN_GNU_HASH, sysv = d->have & DYN_HASH;
        ok = ok && prop(f, "hash", gnu && sysv ? "both" : gnu ? "gnu" : sysv ? "sysv" : "none");
    }
    gnu_props gp = { 0 };
    each_note(f, property_note, &gp);
    if (gp.x86)
        ok = ok && prop(f, "gnu_property_x86", flag_names(f, gp.x86_and, x86_feature_1));
    if (gp.aarch64)
        ok = ok && prop(f, "gnu_property_aarch64",
                        flag_names(f, gp.aarch64_and, aarch64_feature_1));

    ok = ok && version_props(f);

    /* separate debug information */
    oi_view id = oelf_build_id(f);
    if (id.n) {
        char *hex = oi_arena_alloc(f->mem, id.n * 2 + 1);
        if (!hex)
            return OI_NOMEM;
        for (size_t i = 0; i < id.n; i++)
            snprintf(hex + 2 * i, 3, "%02x", id.p[i]);
        ok = ok && prop(f, "build_id", hex);
    }
    const char *link;
    uint32_t crc;
    if (oelf_debuglink(f, &link, &crc)) {
        ok = ok && prop(f, "debuglink", link);
        ok = ok && prop(f, "debuglink_crc", oi_arena_printf(f->mem, "0x%08x", crc));
    }
    oelf_load_symtab(f);
    if (p->debug_path)
        ok = ok && prop(f, "debug_file", p->debug_path);
    return ok ? OI_OK : OI_NOMEM;
}
