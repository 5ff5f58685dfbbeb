/* objinspect bind PROGRAM_OR_LIBRARY [--root SYSROOT] [-L DIR]... [--json]:
 * a static `ldd -r`. The closure found as the platform loader finds it and
 * every import bound to its provider, without running anything.
 * Exit 1 when a needed library is missing or a reference that is not weak
 * (nor delay-loaded) stays unbound. */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bind_cli {
    oi_bind_options opt;
    const char **dirs;
    size_t ndirs;
    bool problems_only;       /* --unresolved */
} bind_cli;

static int need_arg(int argc, char **argv, int *i, const char **out)
{
    const char *a = argv[*i];
    const char *eq = strchr(a, '=');
    if (a[1] == 'L' && a[2]) {          /* -LDIR */
        *out = a + 2;
        return 0;
    }
    if (a[1] == '-' && eq) {            /* --opt=value */
        *out = eq + 1;
        return 0;
    }
    if (++*i >= argc)
        return cli_usage_error("%s needs an argument", a);
    *out = argv[*i];
    return 0;
}

static bool is_opt(const char *a, const char *name)
{
    size_t n = strlen(name);
    return strncmp(a, name, n) == 0 && (a[n] == 0 || a[n] == '=');
}

static int bind_option(void *ctx, int argc, char **argv, int *i)
{
    bind_cli *bc = ctx;
    const char *a = argv[*i], *v = NULL;
    int rc;
    if (strncmp(a, "-L", 2) == 0) {
        if ((rc = need_arg(argc, argv, i, &v)) != 0)
            return rc;
        const char **nd = realloc(bc->dirs, (bc->ndirs + 1) * sizeof *nd);
        if (!nd)
            return EXIT_INPUT;
        bc->dirs = nd;
        bc->dirs[bc->ndirs++] = v;
        return 0;
    }
    if (strcmp(a, "--unresolved") == 0) {
        bc->problems_only = true;
        return 0;
    }
    static const char *const names[] = { "--root", "--library-path", "--platform", "--lib",
                                         "--apiset-schema", "--max-objects", "--max-chain" };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (!is_opt(a, names[k]))
            continue;
        if ((rc = need_arg(argc, argv, i, &v)) != 0)
            return rc;
        switch (k) {
        case 0: bc->opt.root = v; break;
        case 1: bc->opt.library_path = v; break;
        case 2: bc->opt.platform = v; break;
        case 3: bc->opt.lib = v; break;
        case 4: bc->opt.apiset_schema = v; break;
        default: {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || !n || n > 1000000)
                return cli_usage_error("%s: not a count from 1 to 1000000", v);
            if (k == 5)
                bc->opt.max_objects = n;
            else
                bc->opt.max_chain = (unsigned)n;
        }
        }
        return 0;
    }
    return -1;
}

/* ------------------------------------------------------------ text */

static const char *short_name(const oi_bind_object *o)
{
    return o ? o->name : "?";
}

static void print_sym(FILE *o, const oi_bind_import *im)
{
    if (im->name)
        out_escaped(o, im->name);
    else
        fprintf(o, "#%" PRId64, im->ordinal);
    if (im->version) {
        fputc('@', o);
        out_escaped(o, im->version);
    }
}

static void print_binding_text(FILE *o, const oi_bind *b, const oi_bind_import *im)
{
    fprintf(o, "  [%zu] ", im->importer);
    print_sym(o, im);
    if (im->library && (!im->version || oi_bind_object_at(b, 0)->file == NULL ||
                        oi_info(oi_bind_object_at(b, 0)->file)->format != OI_FORMAT_ELF)) {
        fputs(" (", o);
        out_escaped(o, im->library);
        fputc(')', o);
    }
    bool delay_how = im->how && strcmp(im->how, "delay") == 0;
    /* how the reference is made, in brackets so it does not read as a kind:
     * "[data]" is an ELF GLOB_DAT-style relocation, "[plt]" a jump slot */
    const char *words[3] = { im->how, im->weak ? "weak" : NULL,
                             im->delay && !delay_how ? "delay" : NULL };
    bool any = false;
    for (size_t k = 0; k < 3; k++)
        if (words[k]) {
            fprintf(o, "%s%s", any ? " " : " [", words[k]);
            any = true;
        }
    if (any)
        fputc(']', o);
    if (im->state != OI_BOUND) {
        fprintf(o, ": %s", oi_bind_state_name(im->state));
        if (im->note) {
            fputs(" (", o);
            out_escaped(o, im->note);
            fputc(')', o);
        }
        fputc('\n', o);
        return;
    }
    const oi_bind_object *p = oi_bind_object_at(b, im->provider);
    fprintf(o, " -> [%zu] ", im->provider);
    out_escaped(o, short_name(p));
    if (im->final != im->provider || im->chain) {
        const oi_bind_object *fo = oi_bind_object_at(b, im->final);
        fprintf(o, " => [%zu] ", im->final);
        out_escaped(o, short_name(fo));
        fputc(' ', o);
        if (im->final_name)
            out_escaped(o, im->final_name);
        else
            fprintf(o, "#%" PRId64, im->final_ordinal);
        fprintf(o, " (%u step%s)", im->chain, im->chain == 1 ? "" : "s");
    }
    if (im->provider_version) {
        fputc(' ', o);
        out_escaped(o, im->provider_version);
    }
    fprintf(o, " %s 0x%" PRIx64 "%s\n", oi_kind_name(im->final_kind), im->address,
            im->interposed ? " interposed" : "");
}

static void print_text(FILE *o, const char *path, const oi_bind *b, bool problems_only)
{
    size_t no = oi_bind_object_count(b), ni = oi_bind_import_count(b);
    size_t bound = 0, weak = 0;
    for (size_t i = 0; i < ni; i++) {
        const oi_bind_import *im = oi_bind_import_at(b, i);
        bound += im->state == OI_BOUND;
        weak += im->state == OI_WEAK_UNBOUND;
    }
    out_escaped(o, path);
    fprintf(o, ": %zu objects, %zu imports: %zu bound, %zu weak unbound, %zu unresolved; "
            "%zu missing libraries, %zu missing versions\n", no, ni, bound, weak,
            oi_bind_unresolved(b), oi_bind_missing(b), oi_bind_missing_versions(b));
    fputs("objects:\n", o);
    for (size_t i = 0; i < no; i++) {
        const oi_bind_object *ob = oi_bind_object_at(b, i);
        if (problems_only && !ob->missing)
            continue;
        fprintf(o, "  [%zu] ", i);
        out_escaped(o, ob->name);
        if (ob->missing) {
            fputs(" => not found", o);
        } else if (ob->path && strcmp(ob->path, ob->name) != 0) {
            fputs(" => ", o);
            out_escaped(o, ob->path);
        }
        fprintf(o, " (%s", ob->missing ? (ob->apiset ? "api set, not mapped" : "missing")
                                       : ob->found_by);
        if (ob->apiset_host) {
            fputs(" -> ", o);
            out_escaped(o, ob->apiset_host);
        }
        if (ob->loader != SIZE_MAX)
            fprintf(o, ", %s by [%zu]", oi_dep_kind_name(ob->kind), ob->loader);
        if (ob->forwarded)
            fputs(", for a forwarder", o);
        if (!ob->missing && !ob->in_scope && oi_info(ob->file)->format == OI_FORMAT_ELF)
            fputs(", not in the lookup scope", o);
        fputs(")\n", o);
    }
    fputs(problems_only ? "unresolved:\n" : "bindings:\n", o);
    for (size_t i = 0; i < ni; i++) {
        const oi_bind_import *im = oi_bind_import_at(b, i);
        if (problems_only && (im->state == OI_BOUND || im->state == OI_WEAK_UNBOUND))
            continue;
        print_binding_text(o, b, im);
    }
    for (size_t i = 0; i < oi_bind_diag_count(b); i++) {
        const oi_diag *d = oi_bind_diag_at(b, i);
        fprintf(o, "note: %s: ", d->where);
        out_escaped(o, d->message);
        fputc('\n', o);
    }
}

/* ------------------------------------------------------------ JSON */

static void json_index(json *j, const char *key, size_t v)
{
    if (v == SIZE_MAX)
        json_null(j, key);
    else
        json_uint(j, key, v);
}

static void print_json(FILE *o, const char *path, const oi_bind *b)
{
    json j = { .o = o };
    size_t no = oi_bind_object_count(b), ni = oi_bind_import_count(b);
    const oi_bind_object *root = oi_bind_object_at(b, 0);
    const oi_file_info *in = oi_info(root->file);
    json_begin_object(&j, NULL);
    json_str(&j, "file", path);
    json_str(&j, "format", oi_format_name(in->format));
    json_str(&j, "machine", in->machine);
    json_int(&j, "class", in->bits);
    json_begin_array(&j, "objects");
    for (size_t i = 0; i < no; i++) {
        const oi_bind_object *ob = oi_bind_object_at(b, i);
        json_begin_object(&j, NULL);
        json_uint(&j, "index", i);
        json_str(&j, "name", ob->name);
        json_str(&j, "path", ob->path);
        json_str(&j, "found_by", ob->found_by);
        json_index(&j, "loader", ob->loader);
        json_str(&j, "kind", oi_dep_kind_name(ob->kind));
        json_uint(&j, "depth", ob->depth);
        json_bool(&j, "missing", ob->missing);
        json_bool(&j, "in_scope", ob->in_scope);
        json_bool(&j, "forwarded", ob->forwarded);
        json_bool(&j, "apiset", ob->apiset);
        json_str(&j, "apiset_host", ob->apiset_host);
        json_str(&j, "soname", ob->file ? oi_info(ob->file)->soname : NULL);
        json_end_object(&j);
    }
    json_end_array(&j);
    size_t bound = 0, weak = 0;
    json_begin_array(&j, "bindings");
    for (size_t i = 0; i < ni; i++) {
        const oi_bind_import *im = oi_bind_import_at(b, i);
        bound += im->state == OI_BOUND;
        weak += im->state == OI_WEAK_UNBOUND;
        json_begin_object(&j, NULL);
        json_uint(&j, "importer", im->importer);
        json_str(&j, "name", im->name);
        json_str(&j, "version", im->version);
        if (im->ordinal >= 0)
            json_int(&j, "ordinal", im->ordinal);
        else
            json_null(&j, "ordinal");
        json_str(&j, "library", im->library);
        json_str(&j, "how", im->how);
        json_bool(&j, "weak", im->weak);
        json_bool(&j, "delay", im->delay);
        json_str(&j, "state", oi_bind_state_name(im->state));
        json_index(&j, "provider", im->provider);
        json_str(&j, "provider_version", im->provider_version);
        json_index(&j, "final", im->final);
        json_str(&j, "final_name", im->final_name);
        if (im->final_ordinal >= 0)
            json_int(&j, "final_ordinal", im->final_ordinal);
        else
            json_null(&j, "final_ordinal");
        if (im->state == OI_BOUND) {
            json_str(&j, "kind", oi_kind_name(im->final_kind));
            json_uint(&j, "address", im->address);
        } else {
            json_null(&j, "kind");
            json_null(&j, "address");
        }
        json_uint(&j, "chain", im->chain);
        json_bool(&j, "interposed", im->interposed);
        json_str(&j, "note", im->note);
        json_end_object(&j);
    }
    json_end_array(&j);
    json_begin_array(&j, "unresolved");
    for (size_t i = 0; i < ni; i++) {
        const oi_bind_import *im = oi_bind_import_at(b, i);
        if (im->state == OI_BOUND || im->state == OI_WEAK_UNBOUND)
            continue;
        json_begin_object(&j, NULL);
        json_uint(&j, "binding", i);
        json_uint(&j, "importer", im->importer);
        json_str(&j, "name", im->name);
        json_str(&j, "version", im->version);
        json_str(&j, "library", im->library);
        json_str(&j, "state", oi_bind_state_name(im->state));
        json_str(&j, "note", im->note);
        json_bool(&j, "counts", !im->delay);
        json_end_object(&j);
    }
    json_end_array(&j);
    json_begin_array(&j, "missing");
    for (size_t i = 0; i < no; i++) {
        const oi_bind_object *ob = oi_bind_object_at(b, i);
        if (!ob->missing)
            continue;
        json_begin_object(&j, NULL);
        json_uint(&j, "object", i);
        json_str(&j, "name", ob->name);
        json_index(&j, "needed_by", ob->loader);
        json_str(&j, "kind", oi_dep_kind_name(ob->kind));
        json_bool(&j, "apiset", ob->apiset);
        json_end_object(&j);
    }
    json_end_array(&j);
    json_begin_object(&j, "summary");
    json_uint(&j, "objects", no);
    json_uint(&j, "bindings", ni);
    json_uint(&j, "bound", bound);
    json_uint(&j, "weak_unbound", weak);
    json_uint(&j, "unresolved", oi_bind_unresolved(b));
    json_uint(&j, "missing", oi_bind_missing(b));
    json_uint(&j, "missing_versions", oi_bind_missing_versions(b));
    json_end_object(&j);
    json_begin_array(&j, "diagnostics");
    for (size_t i = 0; i < oi_bind_diag_count(b); i++) {
        const oi_diag *d = oi_bind_diag_at(b, i);
        json_begin_object(&j, NULL);
        json_str(&j, "severity", d->warning ? "warning" : "error");
        json_str(&j, "code", oi_status_name(d->code));
        json_str(&j, "where", d->where);
        json_str(&j, "message", d->message);
        json_null(&j, "offset");
        json_end_object(&j);
    }
    json_end_array(&j);
    json_end_object(&j);
    fputc('\n', o);
}

int cmd_bind(int argc, char **argv)
{
    cli c;
    bind_cli bc = { 0 };
    int rc = cli_parse(&c, argc, argv, 1, bind_option, &bc);
    if (rc < 0 && c.nargs != 1)
        rc = cli_usage_error("%s", "bind takes one PROGRAM_OR_LIBRARY");
    if (rc < 0) {
        bc.opt.dirs = bc.dirs;
        bc.opt.ndirs = bc.ndirs;
        bc.opt.arch = c.po.arch;
        bc.opt.open.permissive = !c.strict;
        oi_bind *b;
        oi_error err;
        if (oi_bind_open(c.args[0], &bc.opt, &b, &err) != OI_OK) {
            cli_report_open_error(c.args[0], &err);
            rc = EXIT_INPUT;
        } else {
            if (c.po.json)
                print_json(stdout, c.args[0], b);
            else
                print_text(stdout, c.args[0], b, bc.problems_only);
            rc = oi_bind_unresolved(b) || oi_bind_missing(b) || oi_bind_missing_versions(b)
                     ? EXIT_CHECK : EXIT_OK;
            oi_bind_close(b);
        }
        if (fflush(stdout) != 0)
            rc = EXIT_INPUT;
    }
    free(bc.dirs);
    cli_free(&c);
    return rc;
}
