/*
 * objinspect check [--policy FILE] [--root DIR] [-j N] [--json|--sarif|--junit]
 *                  [-q|-v] ARTIFACT_OR_DIR...
 *
 * Runs the check table (src/check) on every file, strictly: a file that is
 * malformed is an error (exit 2), a failed check of severity error is exit
 * 1. Directories are walked (tools/batch.c); files found there that are not
 * objects are skipped silently. Output: text (one verdict line per file,
 * then its failures), JSON Lines (one document per file), one SARIF 2.1.0
 * log, or one JUnit XML document.
 */
#include "batch.h"
#include "ci_out.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum out_format { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_JUNIT } out_format;
enum { ST_TESTS, ST_FAILURES, ST_ERRORS, ST_SKIPPED };

typedef struct check_cmd {
    const char *policy_path;
    const char *root;
    out_format fmt;
    int jobs;
    int verbosity;            /* 0 -q, 1 default, 2 -v */
    int progress;             /* -1 auto, 0 off, 1 on */
    bool list;
    const char *arch;
    oi_policy *pol;
    /* the writer's state (main thread) */
    json sj;
    bool first_result, first_note;
    FILE *notes, *spool;
    unsigned long totals[4];
} check_cmd;

static int parse_count(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 0 || v > 1024)
        return -1;
    if (v == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        v = n > 0 ? (n > 1024 ? 1024 : n) : 1;
    }
    *out = (int)v;
    return 0;
}

static int check_option(void *ctxp, int argc, char **argv, int *i)
{
    check_cmd *cc = ctxp;
    const char *a = argv[*i];
    const char *val = NULL;
    static const char *const with_arg[] = { "--policy", "--root", "--jobs", "-j" };
    for (size_t k = 0; k < sizeof with_arg / sizeof with_arg[0]; k++) {
        size_t n = strlen(with_arg[k]);
        if (strcmp(a, with_arg[k]) == 0) {
            if (++*i >= argc)
                return cli_usage_error("%s needs an argument", a);
            val = argv[*i];
        } else if (strncmp(a, with_arg[k], n) == 0 && a[n] == '=' && a[1] == '-') {
            val = a + n + 1;
        } else if (k == 3 && strncmp(a, "-j", 2) == 0 && a[2]) {
            val = a + 2;
        } else {
            continue;
        }
        if (k == 0)
            cc->policy_path = val;
        else if (k == 1)
            cc->root = val;
        else if (parse_count(val, &cc->jobs) != 0)
            return cli_usage_error("-j needs a number of workers from 0 (one per CPU) to 1024, got '%s'", val);
        return 0;
    }
    if (strcmp(a, "--sarif") == 0) cc->fmt = FMT_SARIF;
    else if (strcmp(a, "--junit") == 0) cc->fmt = FMT_JUNIT;
    else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) cc->verbosity = 0;
    else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) cc->verbosity = 2;
    else if (strcmp(a, "--progress") == 0) cc->progress = 1;
    else if (strcmp(a, "--no-progress") == 0) cc->progress = 0;
    else if (strcmp(a, "--list") == 0) cc->list = true;
    else return -1;
    return 0;
}

/* ------------------------------------------------------------ rendering */

typedef struct tally {
    size_t passed, failed, warned, na, unavailable;
} tally;

static tally count(const oi_check_report *r)
{
    tally t = { 0 };
    for (size_t i = 0; i < oi_check_report_count(r); i++) {
        const oi_check_result *res = oi_check_report_at(r, i);
        switch (res->verdict) {
        case OI_VERDICT_PASS: t.passed++; break;
        case OI_VERDICT_FAIL:
            if (res->severity == OI_SEV_ERROR) t.failed++; else t.warned++;
            break;
        case OI_VERDICT_NA: t.na++; break;
        case OI_VERDICT_UNAVAILABLE: t.unavailable++; break;
        }
    }
    return t;
}

/* The file-level verdict: error (malformed), fail, warn or pass. */
static const char *verdict_word(const oi_check_report *r, const char *error)
{
    if (error)
        return "error";
    tally t = count(r);
    return t.failed ? "fail" : t.warned ? "warn" : "pass";
}

static const char *result_word(const oi_check_result *res)
{
    switch (res->verdict) {
    case OI_VERDICT_PASS: return "PASS";
    case OI_VERDICT_FAIL: return res->severity == OI_SEV_ERROR ? "FAIL" : "WARN";
    case OI_VERDICT_NA: return "N/A";
    case OI_VERDICT_UNAVAILABLE: return "UNAVAILABLE";
    }
    return "?";
}

static void text_upper(FILE *o, const char *w)
{
    for (; *w; w++)
        fputc(*w >= 'a' && *w <= 'z' ? *w - 32 : *w, o);
}

static void render_text(const check_cmd *cc, FILE *o, const char *name,
                        const oi_check_report *r, const char *error)
{
    out_escaped(o, name);
    fputs(": ", o);
    text_upper(o, verdict_word(r, error));
    if (error) {
        fputs(": ", o);
        out_escaped(o, error);
    }
    if (r) {
        tally t = count(r);
        fprintf(o, " (%zu failed, %zu warned, %zu passed, %zu n/a, %zu unavailable)",
                t.failed, t.warned, t.passed, t.na, t.unavailable);
    }
    fputc('\n', o);
    if (!r || cc->verbosity == 0)
        return;
    size_t w = 0;
    for (size_t i = 0; i < oi_check_report_count(r); i++) {
        size_t n = strlen(oi_check_report_at(r, i)->def->id);
        if (n > w)
            w = n;
    }
    for (size_t i = 0; i < oi_check_report_count(r); i++) {
        const oi_check_result *res = oi_check_report_at(r, i);
        if (cc->verbosity < 2 && res->verdict != OI_VERDICT_FAIL)
            continue;
        fprintf(o, "  %-11s %-*s  ", result_word(res), (int)w, res->def->id);
        out_escaped(o, res->evidence);
        fputc('\n', o);
    }
}

static void render_json(FILE *o, oi_file *leaf, const char *name, const oi_check_report *r,
                        const char *error)
{
    json j = { .o = o };
    json_begin_object(&j, NULL);
    json_str(&j, "file", name);
    json_str(&j, "format", leaf ? oi_format_name(oi_info(leaf)->format) : NULL);
    json_str(&j, "machine", leaf ? oi_info(leaf)->machine : NULL);
    json_str(&j, "type", leaf ? oi_info(leaf)->type : NULL);
    json_str(&j, "verdict", verdict_word(r, error));
    json_str(&j, "error", error);
    tally t = count(r);
    json_begin_object(&j, "summary");
    json_uint(&j, "failed", t.failed);
    json_uint(&j, "warned", t.warned);
    json_uint(&j, "passed", t.passed);
    json_uint(&j, "na", t.na);
    json_uint(&j, "unavailable", t.unavailable);
    json_end_object(&j);
    json_begin_array(&j, "checks");
    for (size_t i = 0; i < oi_check_report_count(r); i++) {
        const oi_check_result *res = oi_check_report_at(r, i);
        json_begin_object(&j, NULL);
        json_str(&j, "id", res->def->id);
        json_str(&j, "group", res->def->group);
        json_str(&j, "description", res->def->description);
        json_str(&j, "verdict", oi_verdict_name(res->verdict));
        json_str(&j, "severity", oi_severity_name(res->severity));
        json_str(&j, "evidence", res->evidence);
        json_end_object(&j);
    }
    json_end_array(&j);
    json_end_object(&j);
    fputc('\n', o);
}

static const char *sarif_level(oi_severity s)
{
    return s == OI_SEV_ERROR ? "error" : s == OI_SEV_WARNING ? "warning" : "none";
}

static void sarif_location(json *j, const char *path, const char *name)
{
    json_begin_array(j, "locations");
    json_begin_object(j, NULL);
    json_begin_object(j, "physicalLocation");
    json_begin_object(j, "artifactLocation");
    sarif_uri(j, "uri", path);
    json_end_object(j);
    json_end_object(j);
    if (strcmp(path, name) != 0) {   /* a fat slice or an archive member */
        json_begin_array(j, "logicalLocations");
        json_begin_object(j, NULL);
        json_str(j, "fullyQualifiedName", name);
        json_str(j, "kind", "module");
        json_end_object(j);
        json_end_array(j);
    }
    json_end_object(j);
    json_end_array(j);
}

/* One result per failed check; each object starts with a comma, which the
 * writer drops before the first one. */
static void render_sarif(FILE *o, const char *path, const char *name, const oi_check_report *r)
{
    for (size_t i = 0; i < oi_check_report_count(r); i++) {
        const oi_check_result *res = oi_check_report_at(r, i);
        if (res->verdict != OI_VERDICT_FAIL)
            continue;
        fputc(',', o);
        json j = { .o = o };
        json_begin_object(&j, NULL);
        json_str(&j, "ruleId", res->def->id);
        json_uint(&j, "ruleIndex", res->index);
        json_str(&j, "level", sarif_level(res->severity));
        json_str(&j, "kind", "fail");
        json_begin_object(&j, "message");
        char text[1200];
        if (strcmp(path, name) != 0)
            snprintf(text, sizeof text, "%s: %s", name, res->evidence);
        else
            snprintf(text, sizeof text, "%s", res->evidence);
        json_str(&j, "text", text);
        json_end_object(&j);
        sarif_location(&j, path, name);
        json_end_object(&j);
    }
}

static void sarif_note(FILE *aux, const char *path, const char *name, const char *error)
{
    fputc(',', aux);
    json j = { .o = aux };
    json_begin_object(&j, NULL);
    json_str(&j, "level", "error");
    json_begin_object(&j, "message");
    json_str(&j, "text", error);
    json_end_object(&j);
    sarif_location(&j, path, name);
    json_end_object(&j);
}

static void render_junit(FILE *o, const char *name, const oi_check_report *r, const char *error,
                         unsigned long *st)
{
    tally t = count(r);
    size_t n = oi_check_report_count(r) + (error ? 1 : 0);
    size_t skipped = t.na + t.unavailable;
    fputs("  <testsuite name=\"", o);
    xml_escaped(o, name);
    fprintf(o, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"%zu\">\n", n, t.failed,
            error ? 1 : 0, skipped);
    st[ST_TESTS] += n;
    st[ST_FAILURES] += t.failed;
    st[ST_ERRORS] += error ? 1 : 0;
    st[ST_SKIPPED] += skipped;
    if (error) {
        fputs("    <testcase classname=\"objinspect.check\" name=\"open\" file=\"", o);
        xml_escaped(o, name);
        fputs("\">\n      <error type=\"malformed\" message=\"", o);
        xml_escaped(o, error);
        fputs("\"/>\n    </testcase>\n", o);
    }
    for (size_t i = 0; i < oi_check_report_count(r); i++) {
        const oi_check_result *res = oi_check_report_at(r, i);
        fputs("    <testcase classname=\"objinspect.check.", o);
        xml_escaped(o, res->def->group);
        fputs("\" name=\"", o);
        xml_escaped(o, res->def->id);
        fputs("\" file=\"", o);
        xml_escaped(o, name);
        fputs("\">\n", o);
        if (res->verdict == OI_VERDICT_FAIL && res->severity == OI_SEV_ERROR) {
            fputs("      <failure type=\"error\" message=\"", o);
            xml_escaped(o, res->evidence);
            fputs("\">", o);
            xml_escaped(o, res->evidence);
            fputs("</failure>\n", o);
        } else if (res->verdict == OI_VERDICT_NA || res->verdict == OI_VERDICT_UNAVAILABLE) {
            fprintf(o, "      <skipped message=\"%s: ", oi_verdict_name(res->verdict));
            xml_escaped(o, res->evidence);
            fputs("\"/>\n", o);
        } else {
            /* a pass, or a failure of severity warning (which does not fail the run) */
            fprintf(o, "      <system-out>%s: ", res->verdict == OI_VERDICT_FAIL ? "warning" : "pass");
            xml_escaped(o, res->evidence);
            fputs("</system-out>\n", o);
        }
        fputs("    </testcase>\n", o);
    }
    fputs("  </testsuite>\n", o);
}

/* One leaf (a thin file, a fat slice, an archive member) in the chosen format. */
static void render(const check_cmd *cc, FILE *out, FILE *aux, const char *path, oi_file *leaf,
                   const char *name, const oi_check_report *r, const char *error,
                   batch_result *res)
{
    switch (cc->fmt) {
    case FMT_TEXT: render_text(cc, out, name, r, error); break;
    case FMT_JSON: render_json(out, leaf, name, r, error); break;
    case FMT_SARIF:
        render_sarif(out, path, name, r);
        if (error)
            sarif_note(aux, path, name, error);
        break;
    case FMT_JUNIT: render_junit(out, name, r, error, res->stats); break;
    }
}

/* ------------------------------------------------------------ per file */

static const char *first_error_message(oi_file *f)
{
    for (size_t i = 0; i < oi_diag_count(f); i++)
        if (!oi_diag_at(f, i)->warning)
            return oi_diag_at(f, i)->message;
    return NULL;
}

static void check_leaf(const check_cmd *cc, FILE *out, FILE *aux, const char *path, oi_file *leaf,
                       batch_result *res)
{
    oi_check_report *r = NULL;
    char why[300];
    const char *error = NULL;
    if (oi_check_run(leaf, cc->pol, &r) != OI_OK) {
        error = "out of memory";
    } else if (oi_check_report_status(r) != OI_OK) {
        const char *m = first_error_message(leaf);
        snprintf(why, sizeof why, "%s%s%s", oi_status_name(oi_check_report_status(r)),
                 m ? ": " : "", m ? m : "");
        error = why;
    }
    render(cc, out, aux, path, leaf, oi_name(leaf), r, error, res);
    if (error)
        res->rc = 2;
    else if (oi_check_report_failed(r)) {
        res->rc = res->rc == 2 ? 2 : 1;
        res->failed = true;
    }
    oi_check_report_free(r);
}

static void check_tree(const check_cmd *cc, FILE *out, FILE *aux, const char *path, oi_file *f,
                       bool from_walk, batch_result *res, int depth)
{
    oi_format fmt = oi_info(f)->format;
    if ((fmt != OI_FORMAT_MACHO_FAT && fmt != OI_FORMAT_AR) || depth > 4) {
        check_leaf(cc, out, aux, path, f, res);
        return;
    }
    for (size_t i = 0; i < oi_child_count(f); i++) {
        oi_file *ch;
        oi_status st = oi_child(f, i, &ch);
        if (st == OI_OK) {
            check_tree(cc, out, aux, path, ch, from_walk, res, depth + 1);
        } else if (st != OI_NOTOBJ) {
            /* the child's name and why are in the parent's last diagnostic */
            const oi_diag *d = oi_diag_count(f) ? oi_diag_at(f, oi_diag_count(f) - 1) : NULL;
            render(cc, out, aux, path, NULL, oi_name(f), NULL,
                   d ? d->message : oi_status_name(st), res);
            res->rc = 2;
        }
    }
}

static void check_work(void *ctxp, const char *path, bool from_walk, FILE *out, FILE *aux,
                       batch_result *res)
{
    const check_cmd *cc = ctxp;
    oi_options opt = { .permissive = false };
    oi_file *f;
    oi_error err;
    if (oi_open_path(path, &opt, &f, &err) != OI_OK) {
        if (from_walk && err.code == OI_NOTOBJ) {
            res->skipped = true;
            return;
        }
        char why[300];
        if (err.where[0] && strcmp(err.where, "open") != 0 && strcmp(err.where, "probe") != 0)
            snprintf(why, sizeof why, "%s: %s", err.where, err.message);
        else
            snprintf(why, sizeof why, "%s", err.message);
        render(cc, out, aux, path, NULL, path, NULL, why, res);
        res->rc = 2;
        return;
    }
    oi_file *view = f;
    if (cc->arch && oi_info(f)->format == OI_FORMAT_MACHO_FAT) {
        if (oi_child_by_arch(f, cc->arch, &view) != OI_OK) {
            char why[200];
            snprintf(why, sizeof why, "no slice for architecture %s", cc->arch);
            render(cc, out, aux, path, NULL, path, NULL, why, res);
            res->rc = 2;
            oi_close(f);
            return;
        }
    }
    check_tree(cc, out, aux, path, view, from_walk, res, 0);
    oi_close(f);
}

/* ------------------------------------------------------------ writer */

static void check_emit(void *ctxp, const char *path, const char *out, size_t outlen,
                       const char *aux, size_t auxlen, const batch_result *res)
{
    check_cmd *cc = ctxp;
    (void)path;
    if (res->skipped)
        return;
    for (int i = 0; i < 4; i++)
        cc->totals[i] += res->stats[i];
    switch (cc->fmt) {
    case FMT_TEXT:
    case FMT_JSON:
        fwrite(out, 1, outlen, stdout);
        fflush(stdout);
        break;
    case FMT_SARIF:
        if (outlen && cc->first_result && out[0] == ',') {
            out++;
            outlen--;
            cc->first_result = false;
        }
        fwrite(out, 1, outlen, stdout);
        if (auxlen && cc->notes) {
            if (cc->first_note && aux[0] == ',') {
                aux++;
                auxlen--;
                cc->first_note = false;
            }
            fwrite(aux, 1, auxlen, cc->notes);
        }
        break;
    case FMT_JUNIT:
        if (cc->spool)
            fwrite(out, 1, outlen, cc->spool);
        break;
    }
}

static void list_checks(const check_cmd *cc, bool json_out)
{
    json j = { .o = stdout };
    if (json_out)
        json_begin_array(&j, NULL);
    for (size_t i = 0; i < oi_check_def_count(); i++) {
        const oi_check_def *d = oi_check_def_at(i);
        oi_severity sev = oi_policy_severity(cc->pol, i);
        const char *fmt = d->format == OI_FORMAT_UNKNOWN ? "any" : oi_format_name(d->format);
        if (json_out) {
            json_begin_object(&j, NULL);
            json_str(&j, "id", d->id);
            json_str(&j, "group", d->group);
            json_str(&j, "format", fmt);
            json_str(&j, "severity", oi_severity_name(sev));
            json_str(&j, "default_severity", oi_severity_name(d->default_severity));
            json_str(&j, "description", d->description);
            json_end_object(&j);
        } else {
            printf("%-26s %-5s %-7s %s\n", d->id, fmt, oi_severity_name(sev), d->description);
        }
    }
    if (json_out) {
        json_end_array(&j);
        fputc('\n', stdout);
    }
}

static void sarif_rules(json *j, const check_cmd *cc)
{
    for (size_t i = 0; i < oi_check_def_count(); i++) {
        const oi_check_def *d = oi_check_def_at(i);
        oi_severity sev = oi_policy_severity(cc->pol, i);
        json_begin_object(j, NULL);
        json_str(j, "id", d->id);
        json_str(j, "name", d->id);
        json_begin_object(j, "shortDescription");
        json_str(j, "text", d->description);
        json_end_object(j);
        json_begin_object(j, "defaultConfiguration");
        json_bool(j, "enabled", sev != OI_SEV_OFF);
        json_str(j, "level", sarif_level(sev));
        json_end_object(j);
        json_begin_object(j, "properties");
        json_str(j, "group", d->group);
        json_str(j, "format", d->format == OI_FORMAT_UNKNOWN ? "any" : oi_format_name(d->format));
        json_end_object(j);
        json_end_object(j);
    }
}

/* Read the whole policy file (a few kilobytes; capped at 16 MiB). */
static char *read_policy(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t k = fread(buf + n, 1, cap - n, fp);
        n += k;
        if (k == 0)
            break;
        if (n == cap) {
            if (cap >= ((size_t)16 << 20)) {
                free(buf);
                buf = NULL;
                errno = EFBIG;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
            cap *= 2;
        }
    }
    if (buf && ferror(fp)) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    *len = n;
    return buf;
}

int cmd_check(int argc, char **argv)
{
    check_cmd cc = { .jobs = 1, .verbosity = 1, .progress = -1 };
    cli c;
    int rc = cli_parse(&c, argc, argv, 1, check_option, &cc);
    if (rc >= 0) {
        cli_free(&c);
        return rc;
    }
    cc.arch = c.po.arch;
    if (c.po.json && cc.fmt != FMT_TEXT) {
        cli_free(&c);
        return cli_usage_error("%s", "--json, --sarif and --junit exclude one another");
    }
    if (c.po.json)
        cc.fmt = FMT_JSON;
    char *text = NULL;
    size_t len = 0;
    if (cc.policy_path) {
        text = read_policy(cc.policy_path, &len);
        if (!text) {
            fputs("objinspect: ", stderr);
            out_escaped(stderr, cc.policy_path);
            fprintf(stderr, ": %s\n", strerror(errno));
            cli_free(&c);
            return EXIT_USAGE;
        }
    }
    oi_error err;
    if (oi_policy_parse(text, len, cc.policy_path, &cc.pol, &err) != OI_OK) {
        fputs("objinspect: policy ", stderr);
        out_escaped(stderr, err.message);
        fputc('\n', stderr);
        free(text);
        cli_free(&c);
        return EXIT_USAGE;
    }
    free(text);
    if (cc.root && oi_policy_set_root(cc.pol, cc.root) != OI_OK)
        rc = EXIT_INPUT;
    if (cc.list) {
        list_checks(&cc, c.po.json);
        oi_policy_free(cc.pol);
        cli_free(&c);
        return EXIT_OK;
    }
    if (c.nargs == 0) {
        oi_policy_free(cc.pol);
        cli_free(&c);
        return cli_usage_error("%s", "no input files");
    }
    batch_opts bo = { .jobs = cc.jobs,
                      .progress = cc.progress == 1 || (cc.progress < 0 && isatty(2)) };
    if (cc.fmt == FMT_SARIF) {
        cc.sj = (json){ .o = stdout };
        cc.first_result = cc.first_note = true;
        cc.notes = tmpfile();
        sarif_begin(&cc.sj);
        sarif_rules(&cc.sj, &cc);
        sarif_begin_results(&cc.sj);
        /* results are written raw, between the writer's own brackets */
        cc.sj.need_comma[cc.sj.depth] = false;
    } else if (cc.fmt == FMT_JUNIT) {
        cc.spool = tmpfile();
        if (!cc.spool) {
            fprintf(stderr, "objinspect: cannot create a temporary file: %s\n", strerror(errno));
            oi_policy_free(cc.pol);
            cli_free(&c);
            return EXIT_INPUT;
        }
    }
    rc = batch_run((const char *const *)c.args, c.nargs, &bo, check_work, check_emit, &cc);
    if (cc.fmt == FMT_SARIF) {
        sarif_end(&cc.sj, rc != EXIT_INPUT, rc, cc.notes);
        if (cc.notes)
            fclose(cc.notes);
    } else if (cc.fmt == FMT_JUNIT) {
        printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuites name=\"objinspect check\" tests=\"%lu\" failures=\"%lu\" "
               "errors=\"%lu\" skipped=\"%lu\">\n",
               cc.totals[ST_TESTS], cc.totals[ST_FAILURES], cc.totals[ST_ERRORS],
               cc.totals[ST_SKIPPED]);
        fflush(stdout);
        spool_copy(stdout, cc.spool);
        fputs("</testsuites>\n", stdout);
        fclose(cc.spool);
    }
    if (fflush(stdout) != 0)
        rc = EXIT_INPUT;
    oi_policy_free(cc.pol);
    cli_free(&c);
    return rc;
}
