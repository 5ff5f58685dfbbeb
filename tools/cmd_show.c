/*
 * The summary (no subcommand) and the table listings: exports, imports,
 * symbols, sections, deps.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ tables */

typedef struct table_ctx {
    FILE *o;
    const char *cmd;
    json *j;
    const print_opts *po;
} table_ctx;

static void list_table(oi_file *f, void *ctxp)
{
    const table_ctx *tc = ctxp;
    FILE *o = tc->o;
    const char *cmd = tc->cmd;
    json *j = tc->j;
    if (j) {
        json_begin_object(j, NULL);
        json_str(j, "file", oi_name(f));
        json_begin_array(j, cmd);
    } else {
        out_escaped(o, oi_name(f));
        fputs(":\n", o);
    }
    if (strcmp(cmd, "exports") == 0) {
        const oi_export *e;
        size_t n;
        oi_exports(f, &e, &n);
        for (size_t i = 0; i < n; i++) {
            if (j) {
                print_export_json_of(j, NULL, f, &e[i]);
                continue;
            }
            fprintf(o, "%016" PRIx64 " %-6s %-6s %-9s ", e[i].address, oi_kind_name(e[i].kind),
                    oi_binding_name(e[i].binding), oi_visibility_name(e[i].visibility));
            if (e[i].ordinal >= 0)
                fprintf(o, "@%" PRId64 " ", e[i].ordinal);
            out_escaped(o, e[i].name ? print_export_name(f, &e[i], tc->po) : "[NONAME]");
            if (e[i].version) {
                fputs(e[i].version_default ? "@@" : "@", o);
                out_escaped(o, e[i].version);
            }
            if (e[i].forwarder) {
                fputs(" -> ", o);
                out_escaped(o, e[i].forwarder);
            }
            fputc('\n', o);
        }
    } else if (strcmp(cmd, "imports") == 0) {
        const oi_import *im;
        size_t n;
        oi_imports(f, &im, &n);
        for (size_t i = 0; i < n; i++) {
            if (j) {
                json_begin_object(j, NULL);
                json_str(j, "name", im[i].name);
                json_str(j, "library", im[i].library);
                json_str(j, "version", im[i].version);
                if (im[i].ordinal >= 0) json_int(j, "ordinal", im[i].ordinal);
                else json_null(j, "ordinal");
                json_bool(j, "weak", im[i].weak);
                json_bool(j, "delay", im[i].delay);
                json_uint(j, "hint", im[i].hint);
                json_end_object(j);
                continue;
            }
            if (im[i].name)
                out_escaped(o, im[i].name);
            else
                fprintf(o, "#%" PRId64, im[i].ordinal);
            if (im[i].version) {
                fputc('@', o);
                out_escaped(o, im[i].version);
            }
            if (im[i].library) {
                fputs("  from ", o);
                out_escaped(o, im[i].library);
            }
            if (im[i].weak) fputs("  weak", o);
            if (im[i].delay) fputs("  delay", o);
            fputc('\n', o);
        }
    } else if (strcmp(cmd, "symbols") == 0) {
        const oi_symbol *s;
        size_t n;
        oi_symbols(f, &s, &n);
        for (size_t i = 0; i < n; i++) {
            if (j) {
                json_begin_object(j, NULL);
                json_str(j, "name", s[i].name);
                json_uint(j, "value", s[i].value);
                json_uint(j, "size", s[i].size);
                json_str(j, "kind", oi_kind_name(s[i].kind));
                json_str(j, "binding", oi_binding_name(s[i].binding));
                json_str(j, "visibility", oi_visibility_name(s[i].visibility));
                json_bool(j, "defined", s[i].defined);
                json_bool(j, "dynamic", s[i].dynamic);
                json_uint(j, "section", s[i].section);
                json_str(j, "version", s[i].version);
                json_bool(j, "version_default", s[i].version ? s[i].version_default : false);
                json_begin_array(j, "raw");
                json_uint(j, NULL, s[i].raw.a);
                json_uint(j, NULL, s[i].raw.b);
                json_uint(j, NULL, s[i].raw.c);
                json_end_array(j);
                json_end_object(j);
                continue;
            }
            fprintf(o, "%016" PRIx64 " %6" PRIu64 " %-7s %-6s %-9s %s ", s[i].value, s[i].size,
                    oi_kind_name(s[i].kind), oi_binding_name(s[i].binding),
                    oi_visibility_name(s[i].visibility), s[i].defined ? "DEF" : "UND");
            out_escaped(o, s[i].name);
            if (s[i].version) {
                fputs(s[i].version_default ? "@@" : "@", o);
                out_escaped(o, s[i].version);
            }
            fputc('\n', o);
        }
    } else if (strcmp(cmd, "sections") == 0) {
        const oi_section *s;
        size_t n;
        oi_sections(f, &s, &n);
        for (size_t i = 0; i < n; i++) {
            if (j) {
                json_begin_object(j, NULL);
                json_str(j, "name", s[i].name);
                json_str(j, "segment", s[i].segment);
                json_uint(j, "address", s[i].address);
                json_uint(j, "size", s[i].size);
                json_uint(j, "offset", s[i].offset);
                json_uint(j, "file_size", s[i].file_size);
                json_uint(j, "type", s[i].type_raw);
                json_uint(j, "flags", s[i].flags_raw);
                json_str(j, "compression", s[i].compression);
                json_uint(j, "uncompressed_size", s[i].uncompressed_size);
                json_end_object(j);
                continue;
            }
            fprintf(o, "%3zu ", i);
            if (s[i].segment) {
                out_escaped(o, s[i].segment);
                fputc(',', o);
            }
            out_escaped(o, s[i].name);
            fprintf(o, "  addr 0x%" PRIx64 " size 0x%" PRIx64 " off 0x%" PRIx64 "\n",
                    s[i].address, s[i].size, s[i].offset);
        }
    } else { /* deps */
        const oi_dependency *d;
        size_t n;
        oi_dependencies(f, &d, &n);
        for (size_t i = 0; i < n; i++) {
            if (j) {
                json_begin_object(j, NULL);
                json_str(j, "name", d[i].name);
                json_str(j, "kind", oi_dep_kind_name(d[i].kind));
                json_end_object(j);
                continue;
            }
            out_escaped(o, d[i].name);
            if (d[i].kind != OI_DEP_NEEDED)
                fprintf(o, " (%s)", oi_dep_kind_name(d[i].kind));
            fputc('\n', o);
        }
    }
    if (j) {
        json_end_array(j);
        json_end_object(j);
        fputc('\n', o);
    } else {
        print_diags_text(o, f);
    }
}

/* Run per_file on each file argument; the exit code is the worst seen. */
static int each_file(const cli *c, void (*per_file)(const cli *c, oi_file *view, int k))
{
    int rc = EXIT_OK;
    for (int k = 0; k < c->nargs; k++) {
        oi_file *view;
        oi_file *f = cli_open(c, c->args[k], &view);
        if (!f) {
            rc = EXIT_INPUT;
            continue;
        }
        per_file(c, view, k);
        if (cli_report_first_error(f))
            rc = EXIT_INPUT;
        oi_close(f);
    }
    if (fflush(stdout) != 0)
        return EXIT_INPUT;
    return rc;
}

static void summary_one(const cli *c, oi_file *view, int k)
{
    if (c->po.json) {
        json j = { .o = stdout };
        print_file_json(&j, view, &c->po);
        fputc('\n', stdout);
    } else {
        if (k)
            fputc('\n', stdout);
        print_file_text(stdout, view, &c->po);
    }
}

int cmd_summary(int argc, char **argv)
{
    cli c;
    int rc = cli_parse(&c, argc, argv, 1, NULL, NULL);
    if (rc < 0 && c.nargs == 0)
        rc = cli_usage_error("%s", "no input files");
    if (rc < 0)
        rc = each_file(&c, summary_one);
    cli_free(&c);
    return rc;
}

static void table_one(const cli *c, oi_file *view, int k)
{
    (void)k;
    json j = { .o = stdout };
    table_ctx tc = { stdout, c->cmd, c->po.json ? &j : NULL, &c->po };
    cli_each_leaf(view, list_table, &tc);
}

int cmd_table(int argc, char **argv)
{
    cli c;
    int rc = cli_parse(&c, argc, argv, 1, NULL, NULL);
    if (rc < 0 && c.nargs == 0)
        rc = cli_usage_error("%s", "no input files");
    if (rc < 0)
        rc = each_file(&c, table_one);
    cli_free(&c);
    return rc;
}
