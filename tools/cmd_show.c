/*
 * The summary (no subcommand) and the table listings: exports, imports,
 * symbols, sections, deps.
 */
#include "cli.h"
#include "obuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ tables */

typedef struct table_ctx {
    FILE *o;
    const char *cmd;
    json *j;
    const print_opts *po;
    obuf *b;              /* every listing goes through this buffer */
} table_ctx;

/* " %-6s %-6s %-9s " of each (kind, binding, visibility): 200 combinations,
 * made once per run, so an export line copies one prepared field instead of
 * formatting three. */
enum { NKIND = OI_KIND_OTHER + 1, NBIND = OI_BIND_OTHER + 1, NVIS = OI_VIS_INTERNAL + 1 };
static struct { unsigned char len; char text[39]; } export_fields[NKIND][NBIND][NVIS];

static void export_fields_init(void)
{
    for (int k = 0; k < NKIND; k++)
        for (int bi = 0; bi < NBIND; bi++)
            for (int v = 0; v < NVIS; v++) {
                int n = snprintf(export_fields[k][bi][v].text, sizeof export_fields[k][bi][v].text,
                                 " %-6s %-6s %-9s ", oi_kind_name((oi_kind)k),
                                 oi_binding_name((oi_binding)bi), oi_visibility_name((oi_visibility)v));
                export_fields[k][bi][v].len =
                    n > 0 && (size_t)n < sizeof export_fields[k][bi][v].text ? (unsigned char)n : 0;
            }
}

/* Where a streamed chunk of exports goes. */
typedef struct export_list {
    obuf *b;
    json *j;
    oi_file *f;
    const print_opts *po;
} export_list;

/* One export line: "%016llx %-6s %-6s %-9s [@ORD ]NAME[@@VER][ -> FWD]"
 * (NAME demangled with -C). */
static void export_line(const export_list *el, const oi_export *e)
{
    obuf *b = el->b;
    ob_hex(b, e->address, 16);
    unsigned k = (unsigned)e->kind, bi = (unsigned)e->binding, v = (unsigned)e->visibility;
    if (k < NKIND && bi < NBIND && v < NVIS && export_fields[k][bi][v].len) {
        ob_write(b, export_fields[k][bi][v].text, export_fields[k][bi][v].len);
    } else {
        ob_putc(b, ' ');
        ob_left(b, oi_kind_name(e->kind), 6);
        ob_putc(b, ' ');
        ob_left(b, oi_binding_name(e->binding), 6);
        ob_putc(b, ' ');
        ob_left(b, oi_visibility_name(e->visibility), 9);
        ob_putc(b, ' ');
    }
    if (e->ordinal >= 0) {
        ob_putc(b, '@');
        ob_dec(b, e->ordinal);
        ob_putc(b, ' ');
    }
    ob_escaped(b, e->name ? print_export_name(el->f, e, el->po) : "[NONAME]");
    if (e->version) {
        ob_write(b, "@@", e->version_default ? 2 : 1);
        ob_escaped(b, e->version);
    }
    if (e->forwarder) {
        ob_write(b, " -> ", 4);
        ob_escaped(b, e->forwarder);
    }
    ob_putc(b, '\n');
}

static void exports_text(void *ctx, const oi_export *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        export_line(ctx, &e[i]);
}

static void exports_json(void *ctx, const oi_export *e, size_t n)
{
    const export_list *el = ctx;
    for (size_t i = 0; i < n; i++)
        print_export_json_of(el->j, NULL, el->f, &e[i]);
}

static void list_table(oi_file *f, void *ctxp)
{
    const table_ctx *tc = ctxp;
    FILE *o = tc->o;
    const char *cmd = tc->cmd;
    json *j = tc->j;
    obuf *b = tc->b;
    if (j) {
        json_begin_object(j, NULL);
        json_str(j, "file", oi_name(f));
        json_begin_array(j, cmd);
    } else {
        ob_escaped(b, oi_name(f));
        ob_write(b, ":\n", 2);
    }
    if (strcmp(cmd, "exports") == 0) {
        /* streamed: a chunk at a time, the whole table is never held */
        export_list el = { b, j, f, tc->po };
        /* the text line shows no calling convention or language */
        oi_exports_each(f, j ? 0 : OI_EACH_NO_ABI, j ? exports_json : exports_text, &el);
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
            if (im[i].name) {
                ob_escaped(b, im[i].name);
            } else {
                ob_putc(b, '#');
                ob_dec(b, im[i].ordinal);
            }
            if (im[i].version) {
                ob_putc(b, '@');
                ob_escaped(b, im[i].version);
            }
            if (im[i].library) {
                ob_write(b, "  from ", 7);
                ob_escaped(b, im[i].library);
            }
            if (im[i].weak) ob_str(b, "  weak");
            if (im[i].delay) ob_str(b, "  delay");
            ob_putc(b, '\n');
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
            /* "%016llx %6llu %-7s %-6s %-9s %s " */
            ob_hex(b, s[i].value, 16);
            ob_putc(b, ' ');
            char num[24];
            size_t nl = ob_fmt_udec(num, s[i].size);
            if (nl < 6)
                ob_spaces(b, 6 - nl);
            ob_write(b, num, nl);
            ob_putc(b, ' ');
            ob_left(b, oi_kind_name(s[i].kind), 7);
            ob_putc(b, ' ');
            ob_left(b, oi_binding_name(s[i].binding), 6);
            ob_putc(b, ' ');
            ob_left(b, oi_visibility_name(s[i].visibility), 9);
            ob_putc(b, ' ');
            ob_write(b, s[i].defined ? "DEF " : "UND ", 4);
            ob_escaped(b, s[i].name);
            if (s[i].version) {
                ob_write(b, "@@", s[i].version_default ? 2 : 1);
                ob_escaped(b, s[i].version);
            }
            ob_putc(b, '\n');
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
            /* "%3zu " */
            char num[24];
            size_t nl = ob_fmt_udec(num, i);
            if (nl < 3)
                ob_spaces(b, 3 - nl);
            ob_write(b, num, nl);
            ob_putc(b, ' ');
            if (s[i].segment) {
                ob_escaped(b, s[i].segment);
                ob_putc(b, ',');
            }
            ob_escaped(b, s[i].name);
            ob_write(b, "  addr 0x", 9);
            ob_hex(b, s[i].address, 1);
            ob_write(b, " size 0x", 8);
            ob_hex(b, s[i].size, 1);
            ob_write(b, " off 0x", 7);
            ob_hex(b, s[i].offset, 1);
            ob_putc(b, '\n');
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
            ob_escaped(b, d[i].name);
            if (d[i].kind != OI_DEP_NEEDED) {
                ob_write(b, " (", 2);
                ob_str(b, oi_dep_kind_name(d[i].kind));
                ob_putc(b, ')');
            }
            ob_putc(b, '\n');
        }
    }
    if (j) {
        json_end_array(j);
        json_end_object(j);
        ob_putc(b, '\n');
        ob_flush(b);
    } else {
        ob_flush(b);
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

static obuf *table_buf;   /* one output buffer for the whole run */

static void table_one(const cli *c, oi_file *view, int k)
{
    (void)k;
    json j = { .o = stdout, .b = table_buf };
    table_ctx tc = { stdout, c->cmd, c->po.json ? &j : NULL, &c->po, table_buf };
    cli_each_leaf(view, list_table, &tc);
}

int cmd_table(int argc, char **argv)
{
    cli c;
    int rc = cli_parse(&c, argc, argv, 1, NULL, NULL);
    if (rc < 0 && c.nargs == 0)
        rc = cli_usage_error("%s", "no input files");
    if (rc < 0 && !(table_buf = malloc(sizeof *table_buf))) {
        fputs("objinspect: out of memory\n", stderr);
        rc = EXIT_INPUT;
    }
    if (rc < 0) {
        export_fields_init();
        ob_init(table_buf, stdout);
        rc = each_file(&c, table_one);
    }
    free(table_buf);
    table_buf = NULL;
    cli_free(&c);
    return rc;
}
