/*
 * The policy file: one directive per line, '#' starts a comment line. The
 * format is documented in the README ("objinspect check", "The policy
 * file"); every directive is a row of the table below. A policy starts as
 * the default profile (each check at its default severity) and each line
 * changes it.
 */
#include "check/check.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *pvec_push(pvec *v, size_t size)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void *items = realloc(v->items, cap * size);
        if (!items)
            return NULL;
        v->items = items;
        v->cap = cap;
    }
    void *slot = (char *)v->items + v->n++ * size;
    memset(slot, 0, size);
    return slot;
}

typedef struct parse_state {
    oi_policy *p;
    const char *name;
    int line;
    char why[200];
} parse_state;

static bool bad(parse_state *ps, const char *fmt, const char *arg)
{
    snprintf(ps->why, sizeof ps->why, fmt, arg);
    return false;
}

static bool one_word(parse_state *ps, const char *arg, const char *what)
{
    if (!*arg)
        return bad(ps, "needs %s", what);
    for (const char *s = arg; *s; s++)
        if (isspace((unsigned char)*s))
            return bad(ps, "takes one word: %s", what);
    return true;
}

static bool d_check(parse_state *ps, const char *arg)
{
    char ids[128];
    const char *sp = arg;
    while (*sp && !isspace((unsigned char)*sp))
        sp++;
    size_t n = (size_t)(sp - arg);
    if (n == 0 || n >= sizeof ids)
        return bad(ps, "%s", "check needs a check id (or a glob of ids) and a severity");
    memcpy(ids, arg, n);
    ids[n] = 0;
    while (isspace((unsigned char)*sp))
        sp++;
    oi_severity sev;
    if (strcmp(sp, "error") == 0) sev = OI_SEV_ERROR;
    else if (strcmp(sp, "warning") == 0) sev = OI_SEV_WARNING;
    else if (strcmp(sp, "off") == 0) sev = OI_SEV_OFF;
    else return bad(ps, "severity '%s' is not error, warning or off", sp);
    bool any = false;
    for (size_t i = 0; i < check_table_size; i++)
        if (fnmatch(ids, oi_check_def_at(i)->id, 0) == 0) {
            ps->p->severity[i] = sev;
            any = true;
        }
    if (!any)
        return bad(ps, "no check is named '%s' (objinspect check --list shows them)", ids);
    return true;
}

static bool add_pattern(parse_state *ps, pvec *v, const char *arg)
{
    name_pattern *np = pvec_push(v, sizeof *np);
    if (!np)
        return bad(ps, "%s", "out of memory");
    if (!pattern_parse(np, &ps->p->mem, arg, ps->line, ps->why, sizeof ps->why)) {
        v->n--;
        return false;
    }
    return true;
}

static bool d_export(parse_state *ps, const char *arg) { return add_pattern(ps, &ps->p->expect, arg); }
static bool d_forbid(parse_state *ps, const char *arg) { return add_pattern(ps, &ps->p->forbid, arg); }

static bool no_arg(parse_state *ps, const char *arg)
{
    return *arg ? bad(ps, "takes no argument, got '%s'", arg) : true;
}

static bool d_only_expected(parse_state *ps, const char *arg)
{
    ps->p->only_expected = true;
    return no_arg(ps, arg);
}

static bool d_versioned(parse_state *ps, const char *arg)
{
    ps->p->require_versioned = true;
    return no_arg(ps, arg);
}

static bool d_visibility(parse_state *ps, const char *arg)
{
    char word[32];
    const char *s = arg;
    unsigned mask = 0;
    while (*s) {
        size_t n = 0;
        while (s[n] && !isspace((unsigned char)s[n]))
            n++;
        if (n >= sizeof word)
            return bad(ps, "unknown visibility '%s'", s);
        memcpy(word, s, n);
        word[n] = 0;
        int v = -1;
        for (int k = OI_VIS_DEFAULT; k <= OI_VIS_INTERNAL; k++)
            if (strcmp(word, oi_visibility_name((oi_visibility)k)) == 0)
                v = k;
        if (v < 0)
            return bad(ps, "unknown visibility '%s' (default, protected, hidden, internal)", word);
        mask |= 1u << v;
        s += n;
        while (isspace((unsigned char)*s))
            s++;
    }
    if (!mask)
        return bad(ps, "%s", "visibility needs at least one of default, protected, hidden, internal");
    ps->p->visibility_mask = mask;
    return true;
}

static bool d_ordinal(parse_state *ps, const char *arg)
{
    const char *sp = strrchr(arg, ' ');
    const char *tab = strrchr(arg, '\t');
    if (tab && (!sp || tab > sp))
        sp = tab;
    if (!sp)
        return bad(ps, "%s", "ordinal needs NAME and NUMBER");
    char *end;
    long long v = strtoll(sp + 1, &end, 10);
    if (*end || end == sp + 1 || v < 0 || v > 65535)
        return bad(ps, "ordinal '%s' is not a number from 0 to 65535", sp + 1);
    size_t n = (size_t)(sp - arg);
    while (n && isspace((unsigned char)arg[n - 1]))
        n--;
    pinned_ordinal *po = pvec_push(&ps->p->ordinals, sizeof *po);
    if (!po)
        return bad(ps, "%s", "out of memory");
    po->name = oi_arena_strndup(&ps->p->mem, arg, n);
    po->ordinal = v;
    return po->name != NULL;
}

/* "2.17" or "GLIBC_2.17": a dotted number, kept without the prefix. */
static bool version_arg(parse_state *ps, const char *arg, const char *prefix, const char **out)
{
    size_t pn = strlen(prefix);
    if (strncmp(arg, prefix, pn) == 0)
        arg += pn;
    if (!*arg || !isdigit((unsigned char)*arg))
        return bad(ps, "'%s' is not a dotted version number", arg);
    for (const char *s = arg; *s; s++)
        if (!isdigit((unsigned char)*s) && *s != '.')
            return bad(ps, "'%s' is not a dotted version number", arg);
    *out = oi_arena_strdup(&ps->p->mem, arg);
    return *out != NULL;
}

static bool d_max_glibc(parse_state *ps, const char *arg) { return version_arg(ps, arg, "GLIBC_", &ps->p->max_glibc); }
static bool d_max_glibcxx(parse_state *ps, const char *arg) { return version_arg(ps, arg, "GLIBCXX_", &ps->p->max_glibcxx); }
static bool d_max_cxxabi(parse_state *ps, const char *arg) { return version_arg(ps, arg, "CXXABI_", &ps->p->max_cxxabi); }
static bool d_max_macos(parse_state *ps, const char *arg) { return version_arg(ps, arg, "", &ps->p->max_macos); }
static bool d_max_pe_subsystem(parse_state *ps, const char *arg) { return version_arg(ps, arg, "", &ps->p->max_pe_subsystem); }

static bool d_relro(parse_state *ps, const char *arg)
{
    if (strcmp(arg, "full") == 0) ps->p->relro = RELRO_FULL;
    else if (strcmp(arg, "partial") == 0) ps->p->relro = RELRO_PARTIAL;
    else return bad(ps, "relro '%s' is not full or partial", arg);
    return true;
}

static bool d_rpath(parse_state *ps, const char *arg)
{
    if (strcmp(arg, "forbid") == 0) ps->p->rpath = RPATH_FORBID;
    else if (strcmp(arg, "runpath-only") == 0) ps->p->rpath = RPATH_RUNPATH_ONLY;
    else if (strcmp(arg, "allow") == 0) ps->p->rpath = RPATH_ALLOW;
    else return bad(ps, "rpath '%s' is not forbid, runpath-only or allow", arg);
    return true;
}

static bool d_root(parse_state *ps, const char *arg)
{
    if (!one_word(ps, arg, "a directory"))
        return false;
    ps->p->root = oi_arena_strdup(&ps->p->mem, arg);
    return ps->p->root != NULL;
}

static const struct directive {
    const char *word;
    bool (*fn)(parse_state *ps, const char *arg);
} directives[] = {
    { "check", d_check },
    { "export", d_export },
    { "forbid", d_forbid },
    { "only-expected", d_only_expected },
    { "versioned", d_versioned },
    { "visibility", d_visibility },
    { "ordinal", d_ordinal },
    { "max-glibc", d_max_glibc },
    { "max-glibcxx", d_max_glibcxx },
    { "max-cxxabi", d_max_cxxabi },
    { "max-macos", d_max_macos },
    { "max-pe-subsystem", d_max_pe_subsystem },
    { "relro", d_relro },
    { "rpath", d_rpath },
    { "root", d_root },
};

static bool parse_line(parse_state *ps, char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    if (*s == 0 || *s == '#')
        return true;
    char *arg = s;
    while (*arg && !isspace((unsigned char)*arg))
        arg++;
    if (*arg) {
        *arg++ = 0;
        while (isspace((unsigned char)*arg))
            arg++;
    }
    for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++)
        if (strcmp(s, directives[i].word) == 0)
            return directives[i].fn(ps, arg);
    return bad(ps, "unknown directive '%s'", s);
}

static void set_err(oi_error *err, oi_status code, const char *msg)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->offset = UINT64_MAX;
    snprintf(err->where, sizeof err->where, "policy");
    snprintf(err->message, sizeof err->message, "%s", msg);
}

oi_status oi_policy_parse(const char *text, size_t len, const char *name, oi_policy **out,
                          oi_error *err)
{
    if (!out)
        return OI_ARG;
    *out = NULL;
    oi_policy *p = calloc(1, sizeof *p);
    if (p)
        p->severity = calloc(check_table_size, sizeof *p->severity);
    if (!p || !p->severity) {
        free(p);
        set_err(err, OI_NOMEM, "out of memory");
        return OI_NOMEM;
    }
    oi_arena_init(&p->mem, 0);
    for (size_t i = 0; i < check_table_size; i++)
        p->severity[i] = oi_check_def_at(i)->default_severity;
    if (text) {
        parse_state ps = { .p = p, .name = name ? name : "policy" };
        char *line = malloc(len + 1);
        if (!line) {
            oi_policy_free(p);
            set_err(err, OI_NOMEM, "out of memory");
            return OI_NOMEM;
        }
        size_t at = 0;
        while (at < len) {
            size_t end = at;
            while (end < len && text[end] != '\n')
                end++;
            ps.line++;
            size_t n = end - at;
            if (memchr(text + at, 0, n)) {
                snprintf(ps.why, sizeof ps.why, "a NUL byte in the line");
            } else {
                memcpy(line, text + at, n);
                line[n] = 0;
                ps.why[0] = 0;
                if (parse_line(&ps, line))
                    ps.why[0] = 0;
                else if (!ps.why[0])
                    snprintf(ps.why, sizeof ps.why, "out of memory");
            }
            if (ps.why[0]) {
                char msg[224];
                snprintf(msg, sizeof msg, "%.80s:%d: %s", ps.name, ps.line, ps.why);
                free(line);
                oi_policy_free(p);
                set_err(err, OI_MALFORMED, msg);
                return OI_MALFORMED;
            }
            at = end + 1;
        }
        free(line);
    }
    *out = p;
    return OI_OK;
}

void oi_policy_free(oi_policy *p)
{
    if (!p)
        return;
    name_pattern *e = p->expect.items;
    for (size_t i = 0; i < p->expect.n; i++)
        pattern_free(&e[i]);
    name_pattern *f = p->forbid.items;
    for (size_t i = 0; i < p->forbid.n; i++)
        pattern_free(&f[i]);
    free(p->expect.items);
    free(p->forbid.items);
    free(p->ordinals.items);
    free(p->severity);
    oi_arena_free(&p->mem);
    free(p);
}

oi_severity oi_policy_severity(const oi_policy *p, size_t i)
{
    if (i >= check_table_size)
        return OI_SEV_OFF;
    return p ? p->severity[i] : oi_check_def_at(i)->default_severity;
}

oi_status oi_policy_set_root(oi_policy *p, const char *root)
{
    if (!p)
        return OI_ARG;
    if (!root) {
        p->root = NULL;
        return OI_OK;
    }
    p->root = oi_arena_strdup(&p->mem, root);
    return p->root ? OI_OK : OI_NOMEM;
}
