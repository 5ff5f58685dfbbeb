#include "exercise.h"

#include <stdio.h>
#include <string.h>

/* Reads land here so the compiler keeps them. */
static volatile uint64_t sink;

const oi_options fuzz_opts_strict = { .permissive = false };
const oi_options fuzz_opts_permissive = { .permissive = true };
/* Tight limits reach every limit path on small inputs. */
const oi_options fuzz_opts_tight = { .permissive = true, .max_alloc = 96 << 10,
                                     .max_decompressed = 4096, .max_depth = 2,
                                     .max_steps = 64, .max_warnings = 3 };

void fuzz_use_str(const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    sink += n;
    if (n)
        sink += (unsigned char)s[0] + (unsigned char)s[n - 1];
}

static void use_raw(oi_raw r) { sink += r.a ^ r.b ^ r.c; }

static void use_status(oi_status st)
{
    fuzz_use_str(oi_status_name(st));
}

static void use_export(const oi_export *e)
{
    fuzz_use_str(e->name);
    fuzz_use_str(e->version);
    fuzz_use_str(e->forwarder);
    fuzz_use_str(e->fwd_library);
    fuzz_use_str(e->fwd_name);
    fuzz_use_str(e->lang);
    fuzz_use_str(oi_kind_name(e->kind));
    fuzz_use_str(oi_binding_name(e->binding));
    fuzz_use_str(oi_visibility_name(e->visibility));
    fuzz_use_str(oi_target_name(e->target));
    fuzz_use_str(oi_callconv_name(e->callconv));
    fuzz_use_str(oi_ccsource_name(e->callconv_source));
    sink += e->address + e->size + (uint64_t)e->ordinal + (uint64_t)e->fwd_ordinal +
            (uint64_t)e->callconv_argbytes + e->weak + e->version_default;
    use_raw(e->raw);
}

/* A step may quote names from the file as they are (the CLI escapes it,
 * as it does every string from the file). */
static void explain_step(void *ctx, const char *step)
{
    FUZZ_CHECK(step != NULL);
    fuzz_use_str(step);
    (*(unsigned *)ctx)++;
}

void fuzz_lookup_all(oi_file *f, const char *name, const char *version)
{
    oi_lookup_result r;
    unsigned steps = 0;
    oi_status st = oi_lookup(f, name, version, explain_step, &steps, &r);
    use_status(st);
    if (st == OI_OK) {
        FUZZ_CHECK(r.found);
        fuzz_use_str(r.path);
        use_export(&r.exp);
    }
    st = oi_lookup(f, name, version, NULL, NULL, &r);
    use_status(st);
    const oi_export *e = oi_find_export(f, name, version);
    if (e)
        use_export(e);
}

/* Table accessors must agree with the index accessors, and a table, once
 * returned, never moves. */
#define TABLE(fn, count_fn, at_fn, type, use)                                \
    do {                                                                     \
        const type *p = NULL;                                                \
        size_t n = 0;                                                        \
        oi_status st = fn(f, &p, &n);                                        \
        use_status(st);                                                      \
        FUZZ_CHECK(n == 0 || p != NULL);                                     \
        for (size_t i = 0; i < n; i++)                                       \
            use(&p[i]);                                                      \
        FUZZ_CHECK(count_fn(f) == n);                                        \
        FUZZ_CHECK(at_fn(f, n) == NULL);                                     \
        if (n)                                                               \
            FUZZ_CHECK(at_fn(f, n - 1) == &p[n - 1]);                        \
        const type *p2;                                                      \
        size_t n2;                                                           \
        FUZZ_CHECK(fn(f, &p2, &n2) == st && n2 == n && (n == 0 || p2 == p)); \
    } while (0)

static void use_section(const oi_section *s)
{
    fuzz_use_str(s->name);
    fuzz_use_str(s->segment);
    sink += s->address + s->size + s->offset + s->file_size + s->type_raw + s->flags_raw;
}

static void use_symbol(const oi_symbol *s)
{
    fuzz_use_str(s->name);
    fuzz_use_str(s->version);
    fuzz_use_str(oi_kind_name(s->kind));
    fuzz_use_str(oi_binding_name(s->binding));
    fuzz_use_str(oi_visibility_name(s->visibility));
    sink += s->value + s->size + s->defined + s->dynamic + s->section + s->version_default;
    use_raw(s->raw);
}

static void use_import(const oi_import *im)
{
    fuzz_use_str(im->name);
    fuzz_use_str(im->library);
    fuzz_use_str(im->version);
    sink += (uint64_t)im->ordinal + im->weak + im->delay + im->hint;
    use_raw(im->raw);
}

static void use_dep(const oi_dependency *d)
{
    FUZZ_CHECK(d->name != NULL);
    fuzz_use_str(d->name);
    fuzz_use_str(oi_dep_kind_name(d->kind));
    sink += d->compat_version + d->current_version;
}

static void use_diags(oi_file *f)
{
    size_t n = oi_diag_count(f);
    for (size_t i = 0; i < n; i++) {
        const oi_diag *d = oi_diag_at(f, i);
        FUZZ_CHECK(d != NULL && d->where != NULL && d->message != NULL);
        /* one line each: the CLI prints it as one */
        FUZZ_CHECK(strchr(d->message, '\n') == NULL);
        fuzz_use_str(d->where);
        fuzz_use_str(d->message);
        use_status(d->code);
        sink += d->offset + d->has_offset + (uint64_t)d->source_line + d->warning;
    }
    FUZZ_CHECK(oi_diag_at(f, n) == NULL);
    sink += oi_diag_suppressed(f);
}

static void use_info(oi_file *f)
{
    const oi_file_info *in = oi_info(f);
    FUZZ_CHECK(in != NULL);
    fuzz_use_str(oi_format_name(in->format));
    fuzz_use_str(in->machine);
    fuzz_use_str(in->type);
    fuzz_use_str(in->abi_name);
    fuzz_use_str(in->soname);
    fuzz_use_str(oi_callconv_name(in->abi_callconv));
    sink += (uint64_t)in->bits + in->big_endian + in->machine_raw + in->machine_sub +
            in->entry + in->has_entry + in->flags_raw + in->nsections + in->nsegments +
            in->ncommands;
    FUZZ_CHECK(oi_name(f) != NULL);
    fuzz_use_str(oi_name(f));
}

/* At most this many lookups per file, so one input stays fast. */
#define MAX_LOOKUPS 24

static void use_reloc(const oi_reloc *r)
{
    FUZZ_CHECK(r->name != NULL);
    fuzz_use_str(r->name);
    fuzz_use_str(r->version);
    fuzz_use_str(r->library);
    fuzz_use_str(oi_reloc_class_name(r->cls));
    fuzz_use_str(oi_visibility_name(r->visibility));
    sink += r->offset + r->type + r->symbol + r->defined + r->weak + r->local +
            (uint64_t)r->addend;
    use_raw(r->raw);
}

static bool has_diag_at(oi_file *f, const char *where)
{
    for (size_t i = 0; i < oi_diag_count(f); i++)
        if (strcmp(oi_diag_at(f, i)->where, where) == 0)
            return true;
    return false;
}

/* Demangling: the library's three entry points must agree, and a buffer
 * too small truncates without overflowing. */
static void demangle_all(oi_file *f, const oi_export *e)
{
    const char *d = oi_demangle(f, e);
    fuzz_use_str(d);
    fuzz_use_str(oi_lang_of_name(oi_info(f)->format, e->name));
    const char *dn = oi_demangle_name(f, e->name);
    fuzz_use_str(dn);
    char big[4096], small[8];
    size_t n = oi_demangle_to(e->name, big, sizeof big);
    if (n && n < sizeof big)
        FUZZ_CHECK(strlen(big) == n);
    /* NULL for a name that demangles only when the copy was refused, and
     * then the file says so (or had to suppress diagnostics) */
    FUZZ_CHECK(!dn || n != 0);
    if (!dn && n && n < sizeof big)
        FUZZ_CHECK(has_diag_at(f, "abi/demangle") || oi_diag_suppressed(f) > 0);
    if (dn && n < sizeof big)
        FUZZ_CHECK(strcmp(dn, big) == 0);
    size_t m = oi_demangle_to(e->name, small, sizeof small);
    FUZZ_CHECK(m == n);
    if (m)
        FUZZ_CHECK(strlen(small) == (m < sizeof small ? m : sizeof small - 1));
    FUZZ_CHECK(oi_demangle_to(e->name, NULL, 0) == n);
}

/* The checks of the default policy, and the file against itself. */
static void check_and_diff(oi_file *f)
{
    for (size_t i = 0; i < oi_check_def_count(); i++) {
        const oi_check_def *d = oi_check_def_at(i);
        FUZZ_CHECK(d != NULL && d->id != NULL);
        fuzz_use_str(d->id);
        fuzz_use_str(oi_severity_name(d->default_severity));
    }
    FUZZ_CHECK(oi_check_def_at(oi_check_def_count()) == NULL);
    oi_policy *pol = NULL;
    oi_error err;
    if (oi_policy_parse(NULL, 0, "default", &pol, &err) == OI_OK) {
        oi_check_report *r = NULL;
        oi_status st = oi_check_run(f, pol, &r);
        use_status(st);
        if (r) {
            for (size_t i = 0; i < oi_check_report_count(r); i++) {
                const oi_check_result *c = oi_check_report_at(r, i);
                FUZZ_CHECK(c != NULL && c->def != NULL);
                fuzz_use_str(oi_verdict_name(c->verdict));
                fuzz_use_str(oi_severity_name(c->severity));
                fuzz_use_str(c->evidence);
                if (c->evidence)
                    FUZZ_CHECK(strchr(c->evidence, '\n') == NULL);
                sink += oi_policy_severity(pol, c->index);
            }
            use_status(oi_check_report_status(r));
            sink += oi_check_report_failed(r);
            oi_check_report_free(r);
        }
        oi_policy_free(pol);
    }
    oi_diff *d = NULL;
    if (oi_diff_exports(f, f, &d) == OI_OK && d) {
        /* a file against itself: nothing changed */
        FUZZ_CHECK(oi_diff_count(d) == 0 && oi_diff_status(d) == 0);
        for (size_t i = 0; i < oi_diff_count(d); i++) {
            const oi_change *c = oi_diff_at(d, i);
            FUZZ_CHECK(c != NULL);
            fuzz_use_str(oi_change_kind_name(c->kind));
            fuzz_use_str(c->name);
            fuzz_use_str(c->detail);
        }
        sink += oi_diff_status(d);
        oi_diff_free(d);
    }
}

/* oi_exports_each's callback: use every record, count them. */
static void stream_exports(void *ctx, const oi_export *e, size_t n)
{
    FUZZ_CHECK(n > 0 && e != NULL);
    for (size_t i = 0; i < n; i++)
        use_export(&e[i]);
    *(size_t *)ctx += n;
}

void fuzz_exercise_file(oi_file *f, unsigned depth)
{
    use_info(f);
    TABLE(oi_sections, oi_section_count, oi_section_at, oi_section, use_section);
    TABLE(oi_symbols, oi_symbol_count, oi_symbol_at, oi_symbol, use_symbol);
    /* the exports streamed before the table is built (the streaming
     * builders), with and without the abi annotations, then as the table:
     * the same number of exports when all succeed */
    size_t nstream = 0, nstream_noabi = 0;
    oi_status sst = oi_exports_each(f, 0, stream_exports, &nstream);
    oi_status sst2 = oi_exports_each(f, OI_EACH_NO_ABI, stream_exports, &nstream_noabi);
    use_status(sst);
    use_status(sst2);
    TABLE(oi_exports, oi_export_count, oi_export_at, oi_export, use_export);
    {
        const oi_export *te;
        size_t tn;
        if (sst == OI_OK && sst2 == OI_OK && oi_exports(f, &te, &tn) == OI_OK)
            FUZZ_CHECK(nstream == tn && nstream_noabi == tn);
    }
    TABLE(oi_imports, oi_import_count, oi_import_at, oi_import, use_import);
    TABLE(oi_dependencies, oi_dependency_count, oi_dependency_at, oi_dependency, use_dep);
    const oi_property *pr;
    size_t npr;
    use_status(oi_properties(f, &pr, &npr));
    for (size_t i = 0; i < npr; i++) {
        FUZZ_CHECK(pr[i].key != NULL);
        fuzz_use_str(pr[i].key);
        fuzz_use_str(pr[i].value);
    }
    use_status(oi_abi_tags(f, &pr, &npr));
    for (size_t i = 0; i < npr; i++) {
        FUZZ_CHECK(pr[i].key != NULL);
        fuzz_use_str(pr[i].key);
        fuzz_use_str(pr[i].value);
    }
    const oi_reloc *rel;
    size_t nrel;
    use_status(oi_relocations(f, &rel, &nrel));
    FUZZ_CHECK(nrel == 0 || rel != NULL);
    for (size_t i = 0; i < nrel; i++)
        use_reloc(&rel[i]);
    /* section contents (decompressed when compressed) */
    size_t nsec = oi_section_count(f);
    for (size_t i = 0; i < nsec && i < 64; i++) {
        const void *p;
        size_t n;
        oi_status st = oi_section_data(f, i, &p, &n);
        use_status(st);
        if (st == OI_OK && n) {
            FUZZ_CHECK(p != NULL);
            sink += ((const uint8_t *)p)[0] + ((const uint8_t *)p)[n - 1];
        }
    }
    const void *nop;
    size_t nopn;
    FUZZ_CHECK(oi_section_data(f, nsec, &nop, &nopn) != OI_OK);

    /* lookups: every export's name (with and without its version), PE
     * ordinals, imports' names, and names that are not there */
    const oi_export *e;
    size_t ne;
    oi_exports(f, &e, &ne);
    unsigned done = 0;
    for (size_t i = 0; i < ne && done < MAX_LOOKUPS; i++, done++) {
        if (e[i].name) {
            fuzz_lookup_all(f, e[i].name, NULL);
            if (e[i].version)
                fuzz_lookup_all(f, e[i].name, e[i].version);
            oi_lookup_result r;
            use_status(oi_lookup_ex(f, e[i].name, e[i].version, OI_LOOKUP_RELOCATION, NULL,
                                    NULL, &r));
            use_status(oi_lookup_ex(f, e[i].name, NULL,
                                    OI_LOOKUP_RELOCATION | OI_LOOKUP_PLT_ADDRESS, NULL, NULL,
                                    &r));
            demangle_all(f, &e[i]);
        }
        if (e[i].ordinal >= 0) {
            char num[32];
            snprintf(num, sizeof num, "#%lld", (long long)e[i].ordinal);
            fuzz_lookup_all(f, num, NULL);
        }
    }
    const oi_import *im;
    size_t ni;
    oi_imports(f, &im, &ni);
    for (size_t i = 0; i < ni && i < MAX_LOOKUPS / 4; i++)
        if (im[i].name)
            fuzz_lookup_all(f, im[i].name, im[i].version);
    fuzz_lookup_all(f, "", NULL);
    fuzz_lookup_all(f, "objinspect_no_such_name", NULL);
    fuzz_lookup_all(f, "objinspect_no_such_name", "NO_SUCH_VERSION");
    fuzz_lookup_all(f, "#0", NULL);
    fuzz_lookup_all(f, "#65535", NULL);
    fuzz_lookup_all(f, "#", NULL);
    fuzz_lookup_all(f, "#99999999999999999999", NULL);

    /* children: every slice or member, by index and by architecture */
    size_t nc = oi_child_count(f);
    oi_file *c;
    FUZZ_CHECK(oi_child(f, nc, &c) == OI_ARG && c == NULL);
    if (depth > 0) {
        for (size_t i = 0; i < nc && i < 64; i++) {
            oi_status st = oi_child(f, i, &c);
            use_status(st);
            FUZZ_CHECK((st == OI_OK) == (c != NULL));
            if (c)
                fuzz_exercise_file(c, depth - 1);
        }
    }
    static const char *const arches[] = { "x86_64", "arm64", "arm64e", "i386", "" };
    for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++) {
        use_status(oi_child_by_arch(f, arches[i], &c));
        if (c)
            use_info(c);
    }
    check_and_diff(f);
    use_diags(f);

    /* everything again through oi_load_all: it must not change a table */
    const oi_export *e2;
    size_t ne2;
    use_status(oi_load_all(f));
    oi_exports(f, &e2, &ne2);
    FUZZ_CHECK(ne2 == ne && (ne == 0 || e2 == e));
    use_diags(f);
}

static void exercise_with(const uint8_t *data, size_t size, const oi_options *opt)
{
    oi_file *f = NULL;
    oi_error err;
    oi_status st = oi_open_memory(data, size, "fuzz-input", opt, &f, &err);
    use_status(st);
    if (st != OI_OK) {
        FUZZ_CHECK(f == NULL && err.code == st);
        FUZZ_CHECK(memchr(err.message, 0, sizeof err.message) != NULL);
        FUZZ_CHECK(strchr(err.message, '\n') == NULL);
        fuzz_use_str(err.where);
        fuzz_use_str(err.message);
        return;
    }
    FUZZ_CHECK(f != NULL);
    fuzz_exercise_file(f, 3);
    oi_close(f);
}

void fuzz_exercise_input(const uint8_t *data, size_t size)
{
    exercise_with(data, size, &fuzz_opts_strict);
    exercise_with(data, size, &fuzz_opts_permissive);
    exercise_with(data, size, &fuzz_opts_tight);
}
