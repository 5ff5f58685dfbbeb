/* The per-file printers: the readable summary and the JSON document. */
#include "out.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *endian_name(const oi_file_info *in)
{
    return in->big_endian ? "big" : "little";
}

static const char *format_title(oi_format f)
{
    switch (f) {
    case OI_FORMAT_ELF: return "ELF";
    case OI_FORMAT_PE: return "PE";
    case OI_FORMAT_MACHO: return "Mach-O";
    case OI_FORMAT_MACHO_FAT: return "Mach-O universal";
    case OI_FORMAT_AR: return "ar archive";
    default: return "unknown";
    }
}

static const char *prop(oi_file *f, const char *key)
{
    const oi_property *p;
    size_t n;
    oi_properties(f, &p, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].key, key) == 0)
            return p[i].value;
    return NULL;
}

void print_diags_text(FILE *o, oi_file *f)
{
    for (size_t i = 0; i < oi_diag_count(f); i++) {
        const oi_diag *d = oi_diag_at(f, i);
        fprintf(o, "  %s: %s: ", d->warning ? "warning" : "error", d->where);
        out_escaped(o, d->message);
        fputc('\n', o);
    }
    if (oi_diag_suppressed(f))
        fprintf(o, "  %zu more suppressed\n", oi_diag_suppressed(f));
}

/* Pad with spaces to width w after printing a field of width used. */
static void pad(FILE *o, size_t used, size_t w)
{
    for (; used < w; used++)
        fputc(' ', o);
}

static bool is_function(const oi_export *e)
{
    return e->kind == OI_KIND_FUNC || e->kind == OI_KIND_IFUNC ||
           (e->kind == OI_KIND_NOTYPE && e->target == OI_TARGET_REEXPORT);
}

static void print_exports_text(FILE *o, oi_file *f, const print_opts *po)
{
    const oi_export *e;
    size_t n;
    oi_status st = oi_exports(f, &e, &n);
    if (st != OI_OK)
        fprintf(o, "  exports: %s\n", oi_status_name(st));
    size_t shown = 0, wname = 4, wver = 0;
    char num[32];
    /* -C: demangle each shown name once (one array, not one per name) */
    const char **shown_name = po->demangle && n ? calloc(n, sizeof *shown_name) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (!po->all && !is_function(&e[i]))
            continue;
        shown++;
        if (shown_name)
            shown_name[i] = print_export_name(f, &e[i], po);
        const char *nm = shown_name ? shown_name[i] : e[i].name;
        size_t w = nm ? out_escaped_width(nm) : 0;
        if (!e[i].name) {
            snprintf(num, sizeof num, "#%" PRId64, e[i].ordinal);
            w = strlen(num);
        }
        if (w > wname) wname = w;
        if (e[i].version && out_escaped_width(e[i].version) + 3 > wver)
            wver = out_escaped_width(e[i].version) + 3;
    }
    if (po->all)
        fprintf(o, "  exports (%zu)\n", n);
    else
        fprintf(o, "  exported functions (%zu of %zu exports%s)\n", shown, n,
                shown < n ? "; --all adds data and TLS" : "");
    for (size_t i = 0; i < n; i++) {
        if (!po->all && !is_function(&e[i]))
            continue;
        fputs("    ", o);
        if (e[i].name) {
            const char *nm = shown_name ? shown_name[i] : e[i].name;
            out_escaped(o, nm);
            pad(o, out_escaped_width(nm), wname);
        } else {
            snprintf(num, sizeof num, "#%" PRId64, e[i].ordinal);
            fputs(num, o);
            pad(o, strlen(num), wname);
        }
        if (wver) {
            fputs("  ", o);
            if (e[i].version) {
                out_escaped(o, e[i].version);
                fputs(e[i].version_default ? " @@" : " @ ", o);
                pad(o, out_escaped_width(e[i].version) + 3, wver);
            } else {
                pad(o, 0, wver);
            }
        }
        if (e[i].ordinal >= 0)
            fprintf(o, "  @%-5" PRId64, e[i].ordinal);
        fprintf(o, "  %-9s %-6s %-6s  %s (%s)", oi_visibility_name(e[i].visibility),
                oi_binding_name(e[i].binding), oi_kind_name(e[i].kind),
                oi_callconv_name(e[i].callconv), oi_ccsource_name(e[i].callconv_source));
        if (e[i].forwarder) {
            fputs("  -> ", o);
            out_escaped(o, e[i].forwarder);
        } else {
            fprintf(o, "  0x%" PRIx64, e[i].address);
        }
        fputc('\n', o);
    }
    free(shown_name);
}

/* The per-file ABI tags: languages, plugin kind, and problems found. */
static void print_abi_tags_text(FILE *o, oi_file *f)
{
    const oi_property *t;
    size_t n;
    oi_abi_tags(f, &t, &n);
    bool line = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].key, "languages") != 0 && strcmp(t[i].key, "plugin") != 0 &&
            strcmp(t[i].key, "cpython_abi") != 0)
            continue;
        fputs(line ? "   " : "  ", o);
        fprintf(o, "%s: ", strcmp(t[i].key, "cpython_abi") == 0 ? "python abi" : t[i].key);
        out_escaped(o, t[i].value);
        line = true;
    }
    if (line)
        fputc('\n', o);
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].key, "problem") == 0) {
            fputs("  problem: ", o);
            out_escaped(o, t[i].value);
            fputc('\n', o);
        }
}

void print_file_text(FILE *o, oi_file *f, const print_opts *po)
{
    const oi_file_info *in = oi_info(f);
    out_escaped(o, oi_name(f));
    fputs(": ", o);
    if (in->format == OI_FORMAT_MACHO_FAT || in->format == OI_FORMAT_AR) {
        fprintf(o, "%s with %zu %s\n", format_title(in->format), oi_child_count(f),
                in->format == OI_FORMAT_AR ? "members" : "slices");
        print_diags_text(o, f);
        for (size_t i = 0; i < oi_child_count(f); i++) {
            oi_file *c;
            if (oi_child(f, i, &c) == OI_OK) {
                fputc('\n', o);
                print_file_text(o, c, po);
            }
        }
        return;
    }
    fprintf(o, "%s%d %s-endian %s %s", format_title(in->format), in->bits,
            endian_name(in), in->machine, in->type);
    if (in->soname) {
        fputs(in->format == OI_FORMAT_ELF ? ", SONAME " : ", name ", o);
        out_escaped(o, in->soname);
    }
    fputc('\n', o);
    fprintf(o, "  ABI: %s (%s)", in->abi_name, oi_callconv_name(in->abi_callconv));
    if (in->has_entry)
        fprintf(o, "   entry: 0x%" PRIx64, in->entry);
    fputc('\n', o);
    fprintf(o, "  sections: %u", in->nsections);
    if (in->format == OI_FORMAT_MACHO)
        fprintf(o, "   load commands: %u", in->ncommands);
    else if (in->format == OI_FORMAT_ELF)
        fprintf(o, "   segments: %u", in->nsegments);
    fputc('\n', o);
    const char *interp = prop(f, "interp");
    if (interp) {
        fputs("  interpreter: ", o);
        out_escaped(o, interp);
        fputc('\n', o);
    }
    /* PE: the facts people look up first */
    static const struct { const char *key, *label; } pe_facts[] = {
        { "subsystem", "subsystem" }, { "subsystem_version", "version" },
        { "chpe", "hybrid" }, { "dll_characteristics", "DllCharacteristics" },
        { "clr_version", ".NET" },
        { "pdb", "PDB" },
    };
    bool any = false;
    for (size_t i = 0; in->format == OI_FORMAT_PE && i < sizeof pe_facts / sizeof pe_facts[0]; i++) {
        const char *v = prop(f, pe_facts[i].key);
        if (!v || !*v)
            continue;
        fprintf(o, "%s%s: ", any ? "   " : "  ", pe_facts[i].label);
        out_escaped(o, v);
        any = true;
    }
    if (any)
        fputc('\n', o);
    const oi_dependency *d;
    size_t nd;
    oi_dependencies(f, &d, &nd);
    if (nd) {
        fputs("  needs:", o);
        for (size_t i = 0; i < nd; i++) {
            fputc(' ', o);
            out_escaped(o, d[i].name);
            if (d[i].kind != OI_DEP_NEEDED)
                fprintf(o, " (%s)", oi_dep_kind_name(d[i].kind));
        }
        fputc('\n', o);
    }
    print_abi_tags_text(o, f);
    print_exports_text(o, f, po);
    print_diags_text(o, f);
}

/* ------------------------------------------------------------ JSON */

const char *print_export_name(oi_file *f, const oi_export *e, const print_opts *po)
{
    if (!e->name || !po || !po->demangle || !f)
        return e->name;
    const char *d = oi_demangle(f, e);
    return d ? d : e->name;
}

void print_abi_flags_json(json *j, const char *key, uint32_t flags)
{
    static const struct { uint32_t bit; const char *name; } tab[] = {
        { OI_ABIF_MEMBER, "member" }, { OI_ABIF_STATIC, "static" },
        { OI_ABIF_VIRTUAL, "virtual" }, { OI_ABIF_THUNK, "thunk" },
        { OI_ABIF_DATA, "data" }, { OI_ABIF_SPECIAL, "special" },
    };
    json_begin_array(j, key);
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (flags & tab[i].bit)
            json_str(j, NULL, tab[i].name);
    json_end_array(j);
}

void print_export_json(json *j, const char *key, const oi_export *e)
{
    print_export_json_of(j, key, NULL, e);
}

void print_export_json_of(json *j, const char *key, oi_file *f, const oi_export *e)
{
    json_begin_object(j, key);
    json_str(j, "name", e->name);
    json_str(j, "version", e->version);
    json_bool(j, "version_default", e->version ? e->version_default : false);
    if (e->ordinal >= 0)
        json_int(j, "ordinal", e->ordinal);
    else
        json_null(j, "ordinal");
    json_str(j, "kind", oi_kind_name(e->kind));
    json_str(j, "binding", oi_binding_name(e->binding));
    json_str(j, "visibility", oi_visibility_name(e->visibility));
    json_uint(j, "address", e->address);
    json_uint(j, "size", e->size);
    json_str(j, "target", oi_target_name(e->target));
    json_str(j, "forwarder", e->forwarder);
    json_str(j, "fwd_library", e->fwd_library);
    json_str(j, "fwd_name", e->fwd_name);
    if (e->fwd_ordinal >= 0)
        json_int(j, "fwd_ordinal", e->fwd_ordinal);
    else
        json_null(j, "fwd_ordinal");
    json_str(j, "callconv", oi_callconv_name(e->callconv));
    json_str(j, "callconv_source", oi_ccsource_name(e->callconv_source));
    if (e->callconv_argbytes >= 0)
        json_int(j, "callconv_argbytes", e->callconv_argbytes);
    /* demangled only here, where it is printed */
    if (f) {
        json_str(j, "demangled", oi_demangle(f, e));
    } else {
        char buf[4096];
        size_t dn = e->name ? oi_demangle_to(e->name, buf, sizeof buf) : 0;
        if (dn && dn < sizeof buf)
            json_str(j, "demangled", buf);
        else
            json_null(j, "demangled");
    }
    json_str(j, "lang", e->lang);
    json_bool(j, "weak", e->weak);
    print_abi_flags_json(j, "abi_flags", e->abi_flags);
    json_begin_array(j, "raw");
    json_uint(j, NULL, e->raw.a);
    json_uint(j, NULL, e->raw.b);
    json_uint(j, NULL, e->raw.c);
    json_end_array(j);
    if (e->code_address)
        json_uint(j, "code_address", e->code_address);
    else
        json_null(j, "code_address");
    json_uint(j, "local_entry", e->local_entry);
    json_end_object(j);
}

static void print_import_json(json *j, const oi_import *im)
{
    json_begin_object(j, NULL);
    json_str(j, "name", im->name);
    json_str(j, "library", im->library);
    json_str(j, "version", im->version);
    if (im->ordinal >= 0)
        json_int(j, "ordinal", im->ordinal);
    else
        json_null(j, "ordinal");
    json_bool(j, "weak", im->weak);
    json_bool(j, "delay", im->delay);
    json_uint(j, "hint", im->hint);
    json_end_object(j);
}

static void print_diags_json(json *j, oi_file *f)
{
    json_begin_array(j, "diagnostics");
    for (size_t i = 0; i < oi_diag_count(f); i++) {
        const oi_diag *d = oi_diag_at(f, i);
        json_begin_object(j, NULL);
        json_str(j, "severity", d->warning ? "warning" : "error");
        json_str(j, "code", oi_status_name(d->code));
        json_str(j, "where", d->where);
        json_str(j, "message", d->message);
        if (d->has_offset)
            json_uint(j, "offset", d->offset);
        else
            json_null(j, "offset");
        json_end_object(j);
    }
    json_end_array(j);
    json_uint(j, "diagnostics_suppressed", oi_diag_suppressed(f));
}

/* Properties ordered by key, then by position, so equal keys group in file
 * order (qsort is not stable; the position breaks ties). */
typedef struct prop_ref {
    const oi_property *p;
    size_t pos;
} prop_ref;

static int prop_cmp(const void *a, const void *b)
{
    const prop_ref *x = a, *y = b;
    int c = strcmp(x->p->key, y->p->key);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* "properties" maps each key to its first value, so every value stays a
 * string; "property_values" maps each key to all its values in file order,
 * for keys that repeat (one Mach-O rpath per LC_RPATH). Grouping sorts, so a
 * file with many repeated keys costs n log n, not n^2. */
static void print_properties_json(json *j, oi_file *f)
{
    const oi_property *pr;
    size_t np;
    oi_properties(f, &pr, &np);
    prop_ref *r = np ? malloc(np * sizeof *r) : NULL;
    if (!r)
        np = 0;
    for (size_t i = 0; i < np; i++)
        r[i] = (prop_ref){ &pr[i], i };
    if (np > 1)
        qsort(r, np, sizeof *r, prop_cmp);
    json_begin_object(j, "properties");
    for (size_t i = 0; i < np; i++)
        if (i == 0 || strcmp(r[i].p->key, r[i - 1].p->key) != 0)
            json_str(j, r[i].p->key, r[i].p->value);
    json_end_object(j);
    json_begin_object(j, "property_values");
    for (size_t i = 0; i < np; i++) {
        if (i == 0 || strcmp(r[i].p->key, r[i - 1].p->key) != 0) {
            if (i)
                json_end_array(j);
            json_begin_array(j, r[i].p->key);
        }
        json_str(j, NULL, r[i].p->value);
    }
    if (np)
        json_end_array(j);
    json_end_object(j);
    free(r);
}

void print_file_json(json *j, oi_file *f, const print_opts *po)
{
    const oi_file_info *in = oi_info(f);
    json_begin_object(j, NULL);
    json_str(j, "file", oi_name(f));
    json_str(j, "format", oi_format_name(in->format));
    if (in->format == OI_FORMAT_MACHO_FAT || in->format == OI_FORMAT_AR) {
        json_begin_array(j, in->format == OI_FORMAT_AR ? "members" : "slices");
        for (size_t i = 0; i < oi_child_count(f); i++) {
            oi_file *c;
            if (oi_child(f, i, &c) == OI_OK)
                print_file_json(j, c, po);
        }
        json_end_array(j);
        print_diags_json(j, f);
        json_end_object(j);
        return;
    }
    json_int(j, "class", in->bits);
    json_str(j, "endian", endian_name(in));
    json_str(j, "machine", in->machine);
    json_str(j, "type", in->type);
    json_str(j, "abi_callconv", oi_callconv_name(in->abi_callconv));
    json_str(j, "soname", in->soname);
    if (in->has_entry)
        json_uint(j, "entry", in->entry);
    else
        json_null(j, "entry");
    json_uint(j, "flags", in->flags_raw);
    json_uint(j, "sections", in->nsections);
    json_uint(j, "segments", in->nsegments);
    json_uint(j, "load_commands", in->ncommands);

    const oi_dependency *d;
    size_t nd;
    oi_dependencies(f, &d, &nd);
    json_begin_array(j, "needed");
    for (size_t i = 0; i < nd; i++)
        json_str(j, NULL, d[i].name);
    json_end_array(j);
    json_begin_array(j, "dependencies");
    for (size_t i = 0; i < nd; i++) {
        json_begin_object(j, NULL);
        json_str(j, "name", d[i].name);
        json_str(j, "kind", oi_dep_kind_name(d[i].kind));
        json_end_object(j);
    }
    json_end_array(j);

    print_properties_json(j, f);

    const oi_property *tg;
    size_t ntg;
    oi_abi_tags(f, &tg, &ntg);
    json_begin_object(j, "abi_tags");
    for (size_t i = 0; i < ntg; i++)
        if (strcmp(tg[i].key, "problem") != 0)
            json_str(j, tg[i].key, tg[i].value);
    json_begin_array(j, "problems");
    for (size_t i = 0; i < ntg; i++)
        if (strcmp(tg[i].key, "problem") == 0)
            json_str(j, NULL, tg[i].value);
    json_end_array(j);
    json_end_object(j);

    const oi_export *e;
    size_t ne;
    oi_exports(f, &e, &ne);
    json_begin_array(j, "exports");
    for (size_t i = 0; i < ne; i++)
        print_export_json_of(j, NULL, f, &e[i]);
    json_end_array(j);

    const oi_import *im;
    size_t ni;
    oi_imports(f, &im, &ni);
    json_begin_array(j, "imports");
    for (size_t i = 0; i < ni; i++)
        print_import_json(j, &im[i]);
    json_end_array(j);

    print_diags_json(j, f);
    json_end_object(j);
}
