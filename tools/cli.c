/* The CLI's shared parts: option parsing, opening, error reporting. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *fmt, const char *arg)
{
    fputs("objinspect: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'objinspect --help'.\n", stderr);
    return EXIT_USAGE;
}

int cli_parse(cli *c, int argc, char **argv, int first, cli_extra_fn extra, void *ctx)
{
    memset(c, 0, sizeof *c);
    c->cmd = argv[0];
    c->args = calloc((size_t)argc + 1, sizeof *c->args);
    if (!c->args) {
        fputs("objinspect: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    bool only_args = false;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (only_args || a[0] != '-' || a[1] == 0) {
            c->args[c->nargs++] = a;
        } else if (strcmp(a, "--") == 0) {
            only_args = true;
        } else if (strcmp(a, "--json") == 0) {
            c->po.json = true;
        } else if (strcmp(a, "--all") == 0) {
            c->po.all = true;
        } else if (strcmp(a, "-C") == 0 || strcmp(a, "--demangle") == 0) {
            c->po.demangle = true;
        } else if (strcmp(a, "--explain") == 0) {
            c->explain = true;
        } else if (strcmp(a, "--strict") == 0) {
            c->strict = true;
        } else if (strcmp(a, "--arch") == 0) {
            if (++i >= argc)
                return cli_usage_error("%s needs an argument", a);
            c->po.arch = argv[i];
        } else if (strncmp(a, "--arch=", 7) == 0) {
            c->po.arch = a + 7;
        } else if (strcmp(a, "--debug-dir") == 0) {
            if (++i >= argc)
                return cli_usage_error("%s needs an argument", a);
            c->debug_dir = argv[i];
        } else if (strncmp(a, "--debug-dir=", 12) == 0) {
            c->debug_dir = a + 12;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_print_help();
            return EXIT_OK;
        } else if (strcmp(a, "--version") == 0) {
            printf("objinspect %s\n", OI_VERSION_STRING);
            return EXIT_OK;
        } else {
            int rc = extra ? extra(ctx, argc, argv, &i) : -1;
            if (rc > 0)
                return rc;
            if (rc < 0)
                return cli_usage_error("unknown option '%s'", a);
        }
    }
    return -1;
}

void cli_free(cli *c)
{
    free(c->args);
    c->args = NULL;
}

void cli_report_open_error(const char *path, const oi_error *err)
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

bool cli_report_first_error(oi_file *f)
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

oi_file *cli_open(const cli *c, const char *path, oi_file **view)
{
    oi_options opt = { .permissive = !c->strict, .debug_dir = c->debug_dir };
    oi_file *f;
    oi_error err;
    *view = NULL;
    if (oi_open_path(path, &opt, &f, &err) != OI_OK) {
        cli_report_open_error(path, &err);
        return NULL;
    }
    *view = f;
    if (!c->po.arch || oi_info(f)->format != OI_FORMAT_MACHO_FAT)
        return f;
    if (oi_child_by_arch(f, c->po.arch, view) != OI_OK) {
        fputs("objinspect: ", stderr);
        out_escaped(stderr, path);
        fputs(": no slice for architecture ", stderr);
        out_escaped(stderr, c->po.arch);
        fputc('\n', stderr);
        oi_close(f);
        *view = NULL;
        return NULL;
    }
    return f;
}

void cli_each_leaf(oi_file *f, void (*fn)(oi_file *leaf, void *ctx), void *ctx)
{
    oi_format fmt = oi_info(f)->format;
    if (fmt != OI_FORMAT_MACHO_FAT && fmt != OI_FORMAT_AR) {
        fn(f, ctx);
        return;
    }
    for (size_t i = 0; i < oi_child_count(f); i++) {
        oi_file *c;
        if (oi_child(f, i, &c) == OI_OK)
            cli_each_leaf(c, fn, ctx);
    }
}
