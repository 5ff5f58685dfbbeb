/*
 * objinspect diff [--json|--sarif|--junit] [--arch NAME] OLD NEW
 *
 * The exported ABI surface of NEW against OLD, symbol by symbol
 * (src/check/diff.c). The exit status is a bitmask, as abidiff's: 4 when
 * anything changed, plus 8 when a change is incompatible for a program
 * linked against OLD (a removed export, a lost version, a changed ordinal,
 * kind, data size or calling convention); 2 unreadable or malformed input,
 * 3 usage.
 */
#include "ci_out.h"
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef enum diff_format { DF_TEXT, DF_JSON, DF_SARIF, DF_JUNIT } diff_format;

static int diff_option(void *ctxp, int argc, char **argv, int *i)
{
    diff_format *fmt = ctxp;
    (void)argc;
    if (strcmp(argv[*i], "--sarif") == 0) *fmt = DF_SARIF;
    else if (strcmp(argv[*i], "--junit") == 0) *fmt = DF_JUNIT;
    else return -1;
    return 0;
}

/* name@VER / name@@VER, as the change concerns it. */
static void print_name(FILE *o, const oi_change *ch)
{
    out_escaped(o, ch->name);
    const oi_export *e = ch->old_exp ? ch->old_exp : ch->new_exp;
    if (ch->kind != OI_CHANGE_VERSION && ch->kind != OI_CHANGE_VERSION_DEFAULT &&
        ch->kind != OI_CHANGE_REMOVED && ch->kind != OI_CHANGE_ADDED && e && e->version) {
        fputs(e->version_default ? "@@" : "@", o);
        out_escaped(o, e->version);
    }
}

static void text_out(const char *oldp, const char *newp, const oi_diff *d)
{
    size_t n = oi_diff_count(d), bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += oi_diff_at(d, i)->incompatible;
    out_escaped(stdout, oldp);
    fputs(" -> ", stdout);
    out_escaped(stdout, newp);
    if (n == 0) {
        fputs(": no change to the exported ABI\n", stdout);
        return;
    }
    printf(": %zu change%s, %zu incompatible\n", n, n == 1 ? "" : "s", bad);
    for (size_t i = 0; i < n; i++) {
        const oi_change *ch = oi_diff_at(d, i);
        printf("  %-15s %-12s ", oi_change_kind_name(ch->kind),
               ch->incompatible ? "incompatible" : "compatible");
        if (ch->kind == OI_CHANGE_ADDED || ch->kind == OI_CHANGE_REMOVED) {
            out_escaped(stdout, ch->detail);
        } else {
            print_name(stdout, ch);
            fputs(": ", stdout);
            out_escaped(stdout, ch->detail);
        }
        fputc('\n', stdout);
    }
}

static void json_out(const char *oldp, const char *newp, const oi_diff *d)
{
    json j = { .o = stdout };
    json_begin_object(&j, NULL);
    json_str(&j, "old", oldp);
    json_str(&j, "new", newp);
    json_uint(&j, "status", oi_diff_status(d));
    json_begin_array(&j, "changes");
    for (size_t i = 0; i < oi_diff_count(d); i++) {
        const oi_change *ch = oi_diff_at(d, i);
        json_begin_object(&j, NULL);
        json_str(&j, "kind", oi_change_kind_name(ch->kind));
        json_str(&j, "name", ch->name);
        json_bool(&j, "incompatible", ch->incompatible);
        json_str(&j, "detail", ch->detail);
        if (ch->old_exp) print_export_json(&j, "old", ch->old_exp);
        else json_null(&j, "old");
        if (ch->new_exp) print_export_json(&j, "new", ch->new_exp);
        else json_null(&j, "new");
        json_end_object(&j);
    }
    json_end_array(&j);
    json_end_object(&j);
    fputc('\n', stdout);
}

static const char *const change_text[OI_CHANGE_COUNT] = {
    "an export of the old file is gone",
    "the new file has an export the old one lacks",
    "an export moved to another symbol version",
    "an export's version became hidden (@) or default (@@)",
    "an export's visibility changed",
    "an export's binding changed (global, weak, unique)",
    "an export's kind changed (function, data, TLS)",
    "the size of an exported data object changed",
    "an export's calling convention changed",
    "a PE export's ordinal changed",
    "an export's forwarder or re-export target changed",
};

static void sarif_out(const char *oldp, const char *newp, const oi_diff *d, unsigned status)
{
    json j = { .o = stdout };
    sarif_begin(&j);
    for (int k = 0; k < OI_CHANGE_COUNT; k++) {
        char id[40];
        snprintf(id, sizeof id, "diff.%s", oi_change_kind_name((oi_change_kind)k));
        json_begin_object(&j, NULL);
        json_str(&j, "id", id);
        json_str(&j, "name", id);
        json_begin_object(&j, "shortDescription");
        json_str(&j, "text", change_text[k]);
        json_end_object(&j);
        json_end_object(&j);
    }
    sarif_begin_results(&j);
    for (size_t i = 0; i < oi_diff_count(d); i++) {
        const oi_change *ch = oi_diff_at(d, i);
        char id[40], text[1024];
        snprintf(id, sizeof id, "diff.%s", oi_change_kind_name(ch->kind));
        snprintf(text, sizeof text, "%s %s: %s (%s against %s)",
                 ch->incompatible ? "incompatible" : "compatible",
                 oi_change_kind_name(ch->kind), ch->detail, newp, oldp);
        json_begin_object(&j, NULL);
        json_str(&j, "ruleId", id);
        json_uint(&j, "ruleIndex", ch->kind);
        json_str(&j, "level", ch->incompatible ? "error" : "note");
        json_begin_object(&j, "message");
        json_str(&j, "text", text);
        json_end_object(&j);
        json_begin_array(&j, "locations");
        json_begin_object(&j, NULL);
        json_begin_object(&j, "physicalLocation");
        json_begin_object(&j, "artifactLocation");
        sarif_uri(&j, "uri", ch->new_exp ? newp : oldp);
        json_end_object(&j);
        json_end_object(&j);
        json_begin_array(&j, "logicalLocations");
        json_begin_object(&j, NULL);
        json_str(&j, "name", ch->name);
        const oi_export *e = ch->new_exp ? ch->new_exp : ch->old_exp;
        json_str(&j, "kind", e && (e->kind == OI_KIND_DATA || e->kind == OI_KIND_TLS ||
                                   e->kind == OI_KIND_COMMON) ? "variable" : "function");
        json_end_object(&j);
        json_end_array(&j);
        json_end_object(&j);
        json_end_array(&j);
        json_end_object(&j);
    }
    sarif_end(&j, true, (int)status, NULL);
}

/* One test case per change kind: it fails when a change of that kind is
 * incompatible; compatible ones are listed in its output. */
static void junit_out(const char *oldp, const char *newp, const oi_diff *d)
{
    size_t failures = 0;
    bool bad[OI_CHANGE_COUNT] = { false };
    for (size_t i = 0; i < oi_diff_count(d); i++) {
        const oi_change *ch = oi_diff_at(d, i);
        if (ch->incompatible && !bad[ch->kind]) {
            bad[ch->kind] = true;
            failures++;
        }
    }
    printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<testsuites name=\"objinspect diff\" tests=\"%d\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
           OI_CHANGE_COUNT, failures);
    fputs("  <testsuite name=\"", stdout);
    xml_escaped(stdout, oldp);
    fputs(" -&gt; ", stdout);
    xml_escaped(stdout, newp);
    printf("\" tests=\"%d\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", OI_CHANGE_COUNT,
           failures);
    for (int k = 0; k < OI_CHANGE_COUNT; k++) {
        printf("    <testcase classname=\"objinspect.diff\" name=\"diff.%s\">\n",
               oi_change_kind_name((oi_change_kind)k));
        bool any = false;
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: the incompatible changes (the failure), pass 1: the rest */
            bool opened = false;
            for (size_t i = 0; i < oi_diff_count(d); i++) {
                const oi_change *ch = oi_diff_at(d, i);
                if ((int)ch->kind != k || ch->incompatible != (pass == 0))
                    continue;
                if (!opened) {
                    fputs(pass == 0 ? "      <failure type=\"incompatible\" message=\"incompatible "
                                      "changes\">"
                                    : "      <system-out>",
                          stdout);
                    opened = any = true;
                }
                xml_escaped(stdout, ch->name);
                fputs(": ", stdout);
                xml_escaped(stdout, ch->detail);
                fputs("\n", stdout);
            }
            if (opened)
                fputs(pass == 0 ? "</failure>\n" : "</system-out>\n", stdout);
        }
        (void)any;
        fputs("    </testcase>\n", stdout);
    }
    fputs("  </testsuite>\n</testsuites>\n", stdout);
}

/* Open strictly, pick the --arch slice; NULL (message printed) on failure. */
static oi_file *open_side(const cli *c, const char *path, oi_file **view)
{
    cli strict = *c;
    strict.strict = true;
    oi_file *f = cli_open(&strict, path, view);
    if (f && oi_info(*view)->format == OI_FORMAT_MACHO_FAT) {
        fputs("objinspect: ", stderr);
        out_escaped(stderr, path);
        fputs(": a universal file: choose a slice with --arch\n", stderr);
        oi_close(f);
        return NULL;
    }
    if (f && oi_info(*view)->format == OI_FORMAT_AR) {
        fputs("objinspect: ", stderr);
        out_escaped(stderr, path);
        fputs(": an archive has no exported ABI of its own\n", stderr);
        oi_close(f);
        return NULL;
    }
    return f;
}

int cmd_diff(int argc, char **argv)
{
    diff_format fmt = DF_TEXT;
    cli c;
    int rc = cli_parse(&c, argc, argv, 1, diff_option, &fmt);
    if (rc >= 0) {
        cli_free(&c);
        return rc;
    }
    if (c.po.json && fmt != DF_TEXT) {
        cli_free(&c);
        return cli_usage_error("%s", "--json, --sarif and --junit exclude one another");
    }
    if (c.po.json)
        fmt = DF_JSON;
    if (c.nargs != 2) {
        cli_free(&c);
        return cli_usage_error("%s", "diff needs two files: OLD NEW");
    }
    oi_file *ov, *nv;
    oi_file *of = open_side(&c, c.args[0], &ov);
    oi_file *nf = of ? open_side(&c, c.args[1], &nv) : NULL;
    if (!of || !nf) {
        oi_close(of);
        cli_free(&c);
        return EXIT_INPUT;
    }
    oi_diff *d = NULL;
    oi_status st = oi_diff_exports(ov, nv, &d);
    if (st != OI_OK) {
        if (!cli_report_first_error(of) && !cli_report_first_error(nf))
            fprintf(stderr, "objinspect: diff: %s\n", oi_status_name(st));
        rc = EXIT_INPUT;
    } else {
        unsigned status = oi_diff_status(d);
        switch (fmt) {
        case DF_TEXT: text_out(c.args[0], c.args[1], d); break;
        case DF_JSON: json_out(c.args[0], c.args[1], d); break;
        case DF_SARIF: sarif_out(c.args[0], c.args[1], d, status); break;
        case DF_JUNIT: junit_out(c.args[0], c.args[1], d); break;
        }
        rc = (int)status;
        if (fflush(stdout) != 0)
            rc = EXIT_INPUT;
    }
    oi_diff_free(d);
    oi_close(of);
    oi_close(nf);
    cli_free(&c);
    return rc;
}
