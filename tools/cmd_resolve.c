/* objinspect resolve FILE NAME[@VERSION]|#ORDINAL: one lookup the way the
 * platform loader does it, with --explain and --json. */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ resolve */

static void explain_step(void *ctx, const char *step)
{
    FILE *o = ctx;
    fputs("  ", o);
    out_escaped(o, step);
    fputc('\n', o);
}

static int resolve_one(const cli *c, oi_file *f, const char *query)
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
            print_export_json_of(&j, "export", f, &r.exp);
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

/* Each NAME after the FILE, or one name per line of standard input for
 * "-": many lookups in one process (the conformance scripts look up every
 * export of a file this way). The exit code is the worst seen. */
static int resolve_names(const cli *c, oi_file *view)
{
    int rc = EXIT_OK;
    for (int k = 1; k < c->nargs; k++) {
        if (strcmp(c->args[k], "-") != 0) {
            int r = resolve_one(c, view, c->args[k]);
            if (r > rc)
                rc = r;
            continue;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, stdin)) > 0) {
            if (line[len - 1] == '\n')
                line[len - 1] = 0;
            int r = resolve_one(c, view, line);
            if (r > rc)
                rc = r;
        }
        free(line);
    }
    return rc;
}

int cmd_resolve(int argc, char **argv)
{
    cli c;
    int rc = cli_parse(&c, argc, argv, 1, NULL, NULL);
    if (rc < 0 && c.nargs < 2)
        rc = cli_usage_error("%s", "resolve takes a FILE and a NAME (or several, or - for stdin)");
    if (rc < 0) {
        oi_file *view;
        oi_file *f = cli_open(&c, c.args[0], &view);
        if (!f) {
            rc = EXIT_INPUT;
        } else {
            rc = resolve_names(&c, view);
            if (cli_report_first_error(f) && rc == EXIT_OK)
                rc = EXIT_INPUT;
            oi_close(f);
        }
        if (fflush(stdout) != 0)
            rc = EXIT_INPUT;
    }
    cli_free(&c);
    return rc;
}
