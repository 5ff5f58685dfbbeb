/*
 * objinspect: the command line. It uses the library only through
 * include/objinspect.h.
 *
 * Exit codes: 0 ok, 1 a check or lookup failed, 2 unreadable or malformed
 * input, 3 usage.
 */
#include "objinspect.h"
#include "out.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_CHECK = 1, EXIT_INPUT = 2, EXIT_USAGE = 3 };

static const char usage_text[] =
    "usage: objinspect [OPTIONS] FILE...            summary of each file\n"
    "       objinspect exports|imports|symbols|sections|deps [OPTIONS] FILE...\n"
    "       objinspect resolve [OPTIONS] FILE NAME[@VERSION]|#ORDINAL\n"
    "\n"
    "options:\n"
    "  --json           machine-readable output (see README, \"JSON contract\")\n"
    "  --all            list data and TLS exports too, not only functions\n"
    "  --arch NAME      only this slice of a fat Mach-O file (arm64, x86_64, ...)\n"
    "  --explain        resolve: print each step the lookup takes\n"
    "  --strict         fail on the first malformed structure\n"
    "  -h, --help       this text\n"
    "  --version        the version\n"
    "\n"
    "exit codes: 0 ok, 1 check or lookup failed, 2 unreadable or malformed input, 3 usage\n";

typedef struct cli {
    const char *cmd;      /* NULL: summary */
    print_opts po;
    bool explain;
    bool strict;
    const char **files;
    int nfiles;
} cli;

static int usage_error(const char *fmt, const char *arg)
{
    fputs("objinspect: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'objinspect --help'.\n", stderr);
    return EXIT_USAGE;
}

static void report_open_error(const char *path, const oi_error *err)
{
    fputs("objinspect: ", stderr);
    out_escaped(stderr, path);
    fputs(": ", stderr);
    if (err->code == OI_NOTOBJ || err->code == OI_IO || err->where[0] == 0 ||
        strcmp(err->where, "open") == 0 || strcmp(err->where, "probe") == 0)
        out_escaped(stderr, err->message);
    else {
        fprintf(stderr, "%s: ", err->where);
        out_escaped(stderr, err->message);
    }
    fputc('\n', stderr);
}

/* The first error-level diagnostic of f or of its opened children, with
 * the file it belongs to; NULL when there is none. */
static const oi_diag *first_error(oi_file *f, oi_file **where)
{
    for (size_t i = 0; i < oi_diag_count(f); i++)
        if (!oi_diag_at(f, i)->warning) {
            *where = f;
            return oi_diag_at(f, i);
        }
    for (size_t i = 0; i < oi_child_count(f); i++) {
        oi_file *c;
        const oi_diag *d;
        if (oi_child(f, i, &c) == OI_OK && (d = first_error(c, where)) != NULL)
            return d;
    }
    return NULL;
}

/* Bad input gets one line on stderr: the first error. The report on stdout
 * lists every diagnostic. */
static bool report_first_error(oi_file *f)
{
    oi_file *where;
    const oi_diag *d = first_error(f, &where);
    if (!d)
        return false;
    fputs("objinspect: ", stderr);
    out_escaped(stderr, oi_name(where));
    fprintf(stderr, ": %s: ", d->where);
    out_escaped(stderr, d->message);
    fputc('\n', stderr);
    return true;
}

/* --arch: narrow a fat file to one slice. NULL (with a message) if absent. */
static oi_file *select_arch(oi_file *f, const char *path, const char *arch)
{
    if (!arch || oi_info(f)->format != OI_FORMAT_MACHO_FAT)
        return f;
    oi_file *c;
    if (oi_child_by_arch(f, arch, &c) == OI_OK)
        return c;
    fputs("objinspect: ", stderr);
    out_escaped(stderr, path);
    fputs(": no slice for architecture ", stderr);
    out_escaped(stderr, arch);
    fputc('\n', stderr);
    return NULL;
}

/* ------------------------------------------------------------ tables */

static void list_table(FILE *o, oi_file *f, const char *cmd, json *j)
{
    if (oi_info(f)->format == OI_FORMAT_MACHO_FAT || oi_info(f)->format == OI_FORMAT_AR) {
        for (size_t i = 0; i < oi_child_count(f); i++) {
            oi_file *c;
            if (oi_child(f, i, &c) == OI_OK)
                list_table(o, c, cmd, j);
        }
        return;
    }
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
                print_export_json(j, NULL, &e[i]);
                continue;
            }
            fprintf(o, "%016" PRIx64 " %-6s %-6s %-9s ", e[i].address, oi_kind_name(e[i].kind),
                    oi_binding_name(e[i].binding), oi_visibility_name(e[i].visibility));
            if (e[i].ordinal >= 0)
                fprintf(o, "@%" PRId64 " ", e[i].ordinal);
            out_escaped(o, e[i].name ? e[i].name : "[NONAME]");
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

/* ------------------------------------------------------------ resolve */

static void explain_step(void *ctx, const char *step)
{
    FILE *o = ctx;
    fputs("  ", o);
    out_escaped(o, step);
    fputc('\n', o);
}

static int cmd_resolve(const cli *c, oi_file *f, const char *query)
{
    char *name = strdup(query);
    if (!name)
        return EXIT_INPUT;
    const char *version = NULL;
    /* NAME@VER and NAME@@VER apply to ELF; PE and Mach-O names may hold '@' */
    if (oi_info(f)->format == OI_FORMAT_ELF) {
        char *at = strstr(name, "@@");
        if (at) {
            *at = 0;
            version = at + 2;
        } else if ((at = strrchr(name, '@')) != NULL && at != name) {
            *at = 0;
            version = at + 1;
        }
    }
    oi_lookup_result r;
    FILE *o = stdout;
    if (c->explain && !c->po.json) {
        fputs("lookup of ", o);
        out_escaped(o, query);
        fputs(" in ", o);
        out_escaped(o, oi_name(f));
        fputs(":\n", o);
    }
    oi_status st = oi_lookup(f, name, version, c->explain && !c->po.json ? explain_step : NULL,
                             o, &r);
    int rc = st == OI_OK ? EXIT_OK : st == OI_NOTFOUND ? EXIT_CHECK : EXIT_INPUT;
    if (c->po.json) {
        json j = { .o = o };
        json_begin_object(&j, NULL);
        json_bool(&j, "found", r.found);
        json_str(&j, "name", r.found && r.exp.name ? r.exp.name : name);
        json_str(&j, "version", r.found ? r.exp.version : version);
        if (r.found) {
            json_uint(&j, "address", r.exp.address);
            json_uint(&j, "size", r.exp.size);
            json_str(&j, "kind", oi_kind_name(r.exp.kind));
            json_str(&j, "binding", oi_binding_name(r.exp.binding));
            json_str(&j, "visibility", oi_visibility_name(r.exp.visibility));
            print_export_json(&j, "export", &r.exp);
        } else {
            json_null(&j, "address");
            json_null(&j, "size");
            json_null(&j, "kind");
            json_null(&j, "binding");
            json_null(&j, "visibility");
        }
        json_str(&j, "path", r.path);
        if (st != OI_OK && st != OI_NOTFOUND)
            json_str(&j, "error", oi_status_name(st));
        json_end_object(&j);
        fputc('\n', o);
    } else if (r.found) {
        fputs("found ", o);
        out_escaped(o, r.exp.name ? r.exp.name : query);
        if (r.exp.version) {
            fputs(r.exp.version_default ? "@@" : "@", o);
            out_escaped(o, r.exp.version);
        }
        fprintf(o, " at 0x%" PRIx64 " size %" PRIu64 " %s %s %s", r.exp.address, r.exp.size,
                oi_kind_name(r.exp.kind), oi_binding_name(r.exp.binding),
                oi_visibility_name(r.exp.visibility));
        if (r.exp.forwarder) {
            fputs(" forwarded to ", o);
            out_escaped(o, r.exp.forwarder);
        }
        fprintf(o, " (path: %s)\n", r.path ? r.path : "?");
    } else {
        fputs("not found: ", o);
        out_escaped(o, query);
        if (st != OI_NOTFOUND)
            fprintf(o, " (%s)", oi_status_name(st));
        fprintf(o, " (path: %s)\n", r.path ? r.path : "?");
    }
    free(name);
    return rc;
}

/* ------------------------------------------------------------ main */

static int parse_args(int argc, char **argv, cli *c)
{
    memset(c, 0, sizeof *c);
    c->files = calloc((size_t)argc + 1, sizeof *c->files);
    if (!c->files)
        return EXIT_INPUT;
    static const char *const commands[] = { "exports", "imports", "symbols", "sections",
                                            "deps", "resolve" };
    int i = 1;
    if (argc > 2)
        for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
            if (strcmp(argv[1], commands[k]) == 0) {
                c->cmd = commands[k];
                i = 2;
            }
    bool only_files = false;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || a[1] == 0) {
            c->files[c->nfiles++] = a;
        } else if (strcmp(a, "--") == 0) {
            only_files = true;
        } else if (strcmp(a, "--json") == 0) {
            c->po.json = true;
        } else if (strcmp(a, "--all") == 0) {
            c->po.all = true;
        } else if (strcmp(a, "--explain") == 0) {
            c->explain = true;
        } else if (strcmp(a, "--strict") == 0) {
            c->strict = true;
        } else if (strcmp(a, "--arch") == 0) {
            if (++i >= argc)
                return usage_error("%s needs an argument", a);
            c->po.arch = argv[i];
        } else if (strncmp(a, "--arch=", 7) == 0) {
            c->po.arch = a + 7;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            exit(EXIT_OK);
        } else if (strcmp(a, "--version") == 0) {
            printf("objinspect %s\n", OI_VERSION_STRING);
            exit(EXIT_OK);
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (c->nfiles == 0)
        return usage_error("%s", "no input files");
    if (c->cmd && strcmp(c->cmd, "resolve") == 0 && c->nfiles != 2)
        return usage_error("%s", "resolve takes a FILE and a NAME");
    return -1;
}

int main(int argc, char **argv)
{
    cli c;
    int rc = parse_args(argc, argv, &c);
    if (rc >= 0) {
        free(c.files);
        return rc;
    }
    oi_options opt = { .permissive = !c.strict };
    int nfiles = c.cmd && strcmp(c.cmd, "resolve") == 0 ? 1 : c.nfiles;
    json j = { .o = stdout };
    rc = EXIT_OK;
    for (int k = 0; k < nfiles; k++) {
        const char *path = c.files[k];
        oi_file *f;
        oi_error err;
        if (oi_open_path(path, &opt, &f, &err) != OI_OK) {
            report_open_error(path, &err);
            rc = EXIT_INPUT;
            continue;
        }
        oi_file *view = select_arch(f, path, c.po.arch);
        if (!view) {
            oi_close(f);
            rc = EXIT_INPUT;
            continue;
        }
        int frc = EXIT_OK;
        if (c.cmd && strcmp(c.cmd, "resolve") == 0) {
            frc = cmd_resolve(&c, view, c.files[1]);
        } else if (c.cmd) {
            list_table(stdout, view, c.cmd, c.po.json ? &j : NULL);
        } else if (c.po.json) {
            print_file_json(&j, view, &c.po);
            fputc('\n', stdout);
        } else {
            if (k)
                fputc('\n', stdout);
            print_file_text(stdout, view, &c.po);
        }
        if (report_first_error(f) && frc == EXIT_OK)
            frc = EXIT_INPUT;
        if (frc > rc)
            rc = frc;
        oi_close(f);
    }
    free(c.files);
    if (fflush(stdout) != 0)
        return EXIT_INPUT;
    return rc;
}
