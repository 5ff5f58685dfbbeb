/*
 * Running the check table on one file: the tables each check needs are
 * loaded on first use, each check writes one line of evidence, and the
 * report keeps copies of everything so it does not point into the file.
 */
#include "check/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct oi_check_report {
    oi_arena mem;
    oi_check_result *results;
    size_t n;
    oi_status status;
    bool failed;
};

/* ------------------------------------------------------------ evidence */

/* Evidence is one line (the header says so), but it quotes names from the
 * file: a control byte among them is written \xNN (the CLI escapes the
 * rest, as it does every name). A fuzz finding: a name with a newline made
 * the hash-table check's evidence two lines. */
static char *one_line(oi_arena *a, const char *s)
{
    size_t n = 0, ctl = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        ctl += *p < 0x20 || *p == 0x7f;
    char *out = oi_arena_alloc(a, n + 3 * ctl + 1);
    if (!out)
        return NULL;
    char *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            o += sprintf(o, "\\x%02x", *p);
        else
            *o++ = (char)*p;
    }
    *o = 0;
    return out;
}

void ev_add(evidence *ev, const char *fmt, ...)
{
    if (ev->full)
        return;
    size_t room = sizeof ev->text - ev->n;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(ev->text + ev->n, room, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    if ((size_t)k >= room) {
        /* cut, and say so */
        memcpy(ev->text + sizeof ev->text - 4, "...", 4);
        ev->n = sizeof ev->text - 1;
        ev->full = true;
        return;
    }
    ev->n += (size_t)k;
}

void nl_add(name_list *nl, const char *name, const char *version)
{
    if (nl->count++ >= nl->show)
        return;
    ev_add(nl->ev, "%s%s%s%s", nl->count > 1 ? ", " : "", name ? name : "<?>",
           version ? "@" : "", version ? version : "");
}

void nl_end(name_list *nl)
{
    if (nl->count > nl->show)
        ev_add(nl->ev, " and %zu more", nl->count - nl->show);
}

/* ------------------------------------------------------------ tables */

static oi_status note(check_ctx *c, oi_status st)
{
    if (st != OI_OK && c->first_error == OI_OK)
        c->first_error = st;
    return st;
}

oi_status ctx_exports(check_ctx *c)
{
    if (!c->have_exp) {
        c->have_exp = true;
        c->exp_st = note(c, oi_exports(c->f, &c->exp, &c->nexp));
    }
    return c->exp_st;
}

oi_status ctx_imports(check_ctx *c)
{
    if (!c->have_imp) {
        c->have_imp = true;
        c->imp_st = note(c, oi_imports(c->f, &c->imp, &c->nimp));
    }
    return c->imp_st;
}

oi_status ctx_symbols(check_ctx *c)
{
    if (!c->have_sym) {
        c->have_sym = true;
        c->sym_st = note(c, oi_symbols(c->f, &c->sym, &c->nsym));
    }
    return c->sym_st;
}

oi_status ctx_props(check_ctx *c)
{
    if (!c->have_prop) {
        c->have_prop = true;
        c->prop_st = note(c, oi_properties(c->f, &c->prop, &c->nprop));
    }
    return c->prop_st;
}

oi_status ctx_deps(check_ctx *c)
{
    if (!c->have_dep) {
        c->have_dep = true;
        c->dep_st = note(c, oi_dependencies(c->f, &c->dep, &c->ndep));
    }
    return c->dep_st;
}

const char *ctx_prop(check_ctx *c, const char *key)
{
    if (ctx_props(c) != OI_OK)
        return NULL;
    for (size_t i = 0; i < c->nprop; i++)
        if (c->prop[i].key && strcmp(c->prop[i].key, key) == 0)
            return c->prop[i].value;
    return NULL;
}

bool prop_has_token(const char *value, const char *token)
{
    if (!value)
        return false;
    size_t tn = strlen(token);
    const char *s = value;
    while (*s) {
        while (*s == ',' || *s == ' ' || *s == '|' || *s == '\t')
            s++;
        size_t n = 0;
        while (s[n] && s[n] != ',' && s[n] != ' ' && s[n] != '|' && s[n] != '\t')
            n++;
        if (n == tn && strncasecmp(s, token, n) == 0)
            return true;
        s += n;
    }
    return false;
}

const oi_import *ctx_find_import(check_ctx *c, const char *name)
{
    if (ctx_imports(c) != OI_OK)
        return NULL;
    for (size_t i = 0; i < c->nimp; i++)
        if (c->imp[i].name && strcmp(c->imp[i].name, name) == 0)
            return &c->imp[i];
    return NULL;
}

bool is_version_marker(const oi_export *e)
{
    return e->kind == OI_KIND_ABSOLUTE && e->name && e->version &&
           strcmp(e->name, e->version) == 0;
}

int version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        bool da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';
        if (!da || !db) {
            if (da != db)   /* a number sorts before anything else; the end first of all */
                return !*a ? -1 : !*b ? 1 : da ? -1 : 1;
            int c = strcmp(a, b);
            return c < 0 ? -1 : c > 0;
        }
        unsigned long long x = 0, y = 0;
        while (*a >= '0' && *a <= '9')
            x = x * 10 + (unsigned)(*a++ - '0');
        while (*b >= '0' && *b <= '9')
            y = y * 10 + (unsigned)(*b++ - '0');
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.') a++;
        if (*b == '.') b++;
    }
    return 0;
}

/* ------------------------------------------------------------ running */

/* The row function of check i (check_table.c). */
check_fn check_table_fn(size_t i);

oi_status oi_check_run(oi_file *f, const oi_policy *p, oi_check_report **out)
{
    if (!f || !out)
        return OI_ARG;
    *out = NULL;
    oi_check_report *r = calloc(1, sizeof *r);
    if (!r)
        return OI_NOMEM;
    oi_arena_init(&r->mem, 0);
    r->results = calloc(check_table_size, sizeof *r->results);
    if (!r->results) {
        free(r);
        return OI_NOMEM;
    }
    oi_policy *defaults = NULL;
    if (!p) {
        oi_status st = oi_policy_parse(NULL, 0, NULL, &defaults, NULL);
        if (st != OI_OK) {
            oi_check_report_free(r);
            return st;
        }
        p = defaults;
    }
    check_ctx c = { .f = f, .in = oi_info(f), .pol = p };
    oi_format fmt = c.in->format;
    for (size_t i = 0; i < check_table_size; i++) {
        const oi_check_def *def = oi_check_def_at(i);
        oi_severity sev = oi_policy_severity(p, i);
        if (sev == OI_SEV_OFF || (def->format != OI_FORMAT_UNKNOWN && def->format != fmt))
            continue;
        evidence ev = { .n = 0 };
        ev.text[0] = 0;
        oi_verdict v = check_table_fn(i)(&c, &ev);
        oi_check_result *res = &r->results[r->n++];
        res->def = def;
        res->index = i;
        res->verdict = v;
        res->severity = sev;
        res->evidence = one_line(&r->mem, ev.text);
        if (!res->evidence)
            res->evidence = "";
        if (v == OI_VERDICT_FAIL && sev == OI_SEV_ERROR)
            r->failed = true;
    }
    r->status = c.first_error;
    oi_policy_free(defaults);
    *out = r;
    return OI_OK;
}

size_t oi_check_report_count(const oi_check_report *r) { return r ? r->n : 0; }

const oi_check_result *oi_check_report_at(const oi_check_report *r, size_t i)
{
    return r && i < r->n ? &r->results[i] : NULL;
}

oi_status oi_check_report_status(const oi_check_report *r) { return r ? r->status : OI_ARG; }
bool oi_check_report_failed(const oi_check_report *r) { return r && r->failed; }

void oi_check_report_free(oi_check_report *r)
{
    if (!r)
        return;
    free(r->results);
    oi_arena_free(&r->mem);
    free(r);
}
