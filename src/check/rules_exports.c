/*
 * The export policy (what the file may and must export) and the platform
 * floor (the newest platform version it needs). Both read only the model:
 * the export and import tables and the parsers' properties.
 */
#include "check/check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define SHOW 8   /* names listed in one line of evidence */

/* The name an export is matched by: its name, or "#N" when it has none. */
static const char *export_name(const oi_export *e, char *buf, size_t len)
{
    if (e->name)
        return e->name;
    snprintf(buf, len, "#%" PRId64, e->ordinal);
    return buf;
}

static bool matches_any(const pvec *v, const char *raw, const char *dem)
{
    const name_pattern *p = v->items;
    for (size_t i = 0; i < v->n; i++)
        if (pattern_match(&p[i], raw, dem))
            return true;
    return false;
}

static oi_verdict no_exports_table(check_ctx *c, evidence *ev)
{
    ev_add(ev, "the export table could not be read: %s", oi_status_name(c->exp_st));
    return OI_VERDICT_UNAVAILABLE;
}

oi_verdict check_exports_expected(check_ctx *c, evidence *ev)
{
    const pvec *v = &c->pol->expect;
    if (v->n == 0) {
        ev_add(ev, "the policy expects no export");
        return OI_VERDICT_NA;
    }
    if (ctx_exports(c) != OI_OK)
        return no_exports_table(c, ev);
    const name_pattern *p = v->items;
    name_list missing = { .show = SHOW, .ev = ev };
    char num[32], dbuf[1024];
    for (size_t k = 0; k < v->n; k++) {
        bool found = false;
        for (size_t i = 0; i < c->nexp && !found; i++) {
            const char *raw = export_name(&c->exp[i], num, sizeof num);
            const char *dem = p[k].demangled ? check_demangle(c->in->format, raw, dbuf, sizeof dbuf) : NULL;
            found = pattern_match(&p[k], raw, dem ? dem : raw);
        }
        if (!found) {
            if (missing.count == 0)
                ev_add(ev, "missing: ");
            nl_add(&missing, p[k].written, NULL);
        }
    }
    if (missing.count) {
        nl_end(&missing);
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "all %zu expected patterns match among %zu exports", v->n, c->nexp);
    return OI_VERDICT_PASS;
}

oi_verdict check_exports_forbidden(check_ctx *c, evidence *ev)
{
    if (c->pol->forbid.n == 0) {
        ev_add(ev, "the policy forbids no export");
        return OI_VERDICT_NA;
    }
    if (ctx_exports(c) != OI_OK)
        return no_exports_table(c, ev);
    name_list hits = { .show = SHOW, .ev = ev };
    char num[32], dbuf[1024];
    for (size_t i = 0; i < c->nexp; i++) {
        if (is_version_marker(&c->exp[i]))
            continue;
        const char *raw = export_name(&c->exp[i], num, sizeof num);
        const char *dem = check_demangle(c->in->format, raw, dbuf, sizeof dbuf);
        if (matches_any(&c->pol->forbid, raw, dem ? dem : raw)) {
            if (hits.count == 0)
                ev_add(ev, "forbidden exports: ");
            nl_add(&hits, raw, c->exp[i].version);
        }
    }
    if (hits.count) {
        nl_end(&hits);
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "none of %zu exports matches the %zu forbidden patterns", c->nexp,
           c->pol->forbid.n);
    return OI_VERDICT_PASS;
}

oi_verdict check_exports_only_expected(check_ctx *c, evidence *ev)
{
    if (!c->pol->only_expected) {
        ev_add(ev, "the policy does not say only-expected");
        return OI_VERDICT_NA;
    }
    if (ctx_exports(c) != OI_OK)
        return no_exports_table(c, ev);
    name_list extra = { .show = SHOW, .ev = ev };
    char num[32], dbuf[1024];
    for (size_t i = 0; i < c->nexp; i++) {
        if (is_version_marker(&c->exp[i]))
            continue;
        const char *raw = export_name(&c->exp[i], num, sizeof num);
        const char *dem = check_demangle(c->in->format, raw, dbuf, sizeof dbuf);
        if (!matches_any(&c->pol->expect, raw, dem ? dem : raw)) {
            if (extra.count == 0)
                ev_add(ev, "not expected: ");
            nl_add(&extra, raw, c->exp[i].version);
        }
    }
    if (extra.count) {
        nl_end(&extra);
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "all %zu exports are expected", c->nexp);
    return OI_VERDICT_PASS;
}

oi_verdict check_exports_versioned(check_ctx *c, evidence *ev)
{
    if (!c->pol->require_versioned) {
        ev_add(ev, "the policy does not require versioned exports");
        return OI_VERDICT_NA;
    }
    if (ctx_exports(c) != OI_OK)
        return no_exports_table(c, ev);
    name_list bare = { .show = SHOW, .ev = ev };
    for (size_t i = 0; i < c->nexp; i++)
        if (!c->exp[i].version && !is_version_marker(&c->exp[i])) {
            if (bare.count == 0)
                ev_add(ev, "unversioned: ");
            nl_add(&bare, c->exp[i].name, NULL);
        }
    if (bare.count) {
        nl_end(&bare);
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "all %zu exports are versioned", c->nexp);
    return OI_VERDICT_PASS;
}

oi_verdict check_exports_visibility(check_ctx *c, evidence *ev)
{
    if (!c->pol->visibility_mask) {
        ev_add(ev, "the policy sets no visibility rule");
        return OI_VERDICT_NA;
    }
    if (ctx_exports(c) != OI_OK)
        return no_exports_table(c, ev);
    name_list wrong = { .show = SHOW, .ev = ev };
    char num[32], item[512];
    for (size_t i = 0; i < c->nexp; i++) {
        const oi_export *e = &c->exp[i];
        if (is_version_marker(e))
            continue;
        if ((unsigned)e->visibility < 32 && (c->pol->visibility_mask & (1u << e->visibility)))
            continue;
        if (wrong.count == 0)
            ev_add(ev, "visibility not allowed: ");
        snprintf(item, sizeof item, "%s (%s)", export_name(e, num, sizeof num),
                 oi_visibility_name(e->visibility));
        nl_add(&wrong, item, NULL);
    }
    if (wrong.count) {
        nl_end(&wrong);
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "all %zu exports have an allowed visibility", c->nexp);
    return OI_VERDICT_PASS;
}

oi_verdict check_exports_pe_ordinals(check_ctx *c, evidence *ev)
{
    if (c->pol->ordinals.n == 0) {
        ev_add(ev, "the policy pins no ordinal");
        return OI_VERDICT_NA;
    }
    if (ctx_exports(c) != OI_OK)
        return no_exports_table(c, ev);
    const pinned_ordinal *po = c->pol->ordinals.items;
    name_list bad = { .show = SHOW, .ev = ev };
    char item[512];
    for (size_t k = 0; k < c->pol->ordinals.n; k++) {
        const oi_export *hit = NULL;
        for (size_t i = 0; i < c->nexp && !hit; i++)
            if (c->exp[i].name && strcmp(c->exp[i].name, po[k].name) == 0)
                hit = &c->exp[i];
        if (hit && hit->ordinal == po[k].ordinal)
            continue;
        if (!hit)
            snprintf(item, sizeof item, "%s missing (pinned @%" PRId64 ")", po[k].name, po[k].ordinal);
        else
            snprintf(item, sizeof item, "%s is @%" PRId64 ", pinned @%" PRId64, po[k].name,
                     hit->ordinal, po[k].ordinal);
        nl_add(&bad, item, NULL);
    }
    if (bad.count) {
        nl_end(&bad);
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "all %zu pinned ordinals hold", c->pol->ordinals.n);
    return OI_VERDICT_PASS;
}

/* ------------------------------------------------------------ floor */

/* The highest PREFIX version among the imports (ELF verneed references). */
static oi_verdict floor_of(check_ctx *c, evidence *ev, const char *prefix, const char *limit)
{
    if (ctx_imports(c) != OI_OK) {
        ev_add(ev, "the import table could not be read: %s", oi_status_name(c->imp_st));
        return OI_VERDICT_UNAVAILABLE;
    }
    size_t pn = strlen(prefix);
    const oi_import *top = NULL;
    size_t refs = 0;
    for (size_t i = 0; i < c->nimp; i++) {
        const char *v = c->imp[i].version;
        if (!v || strncmp(v, prefix, pn) != 0)
            continue;
        refs++;
        if (!top || version_cmp(v + pn, top->version + pn) > 0)
            top = &c->imp[i];
    }
    if (!top) {
        ev_add(ev, "needs no %s version", prefix);
        return OI_VERDICT_NA;
    }
    if (!limit) {
        ev_add(ev, "needs %s (%s); the policy sets no floor", top->version,
               top->name ? top->name : "?");
        return OI_VERDICT_NA;
    }
    if (version_cmp(top->version + pn, limit) <= 0) {
        ev_add(ev, "needs at most %s (%s), within the floor %s%s", top->version,
               top->name ? top->name : "?", prefix, limit);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "needs %s, above the floor %s%s: ", top->version, prefix, limit);
    name_list over = { .show = SHOW, .ev = ev };
    for (size_t i = 0; i < c->nimp; i++) {
        const char *v = c->imp[i].version;
        if (v && strncmp(v, prefix, pn) == 0 && version_cmp(v + pn, limit) > 0)
            nl_add(&over, c->imp[i].name, v);
    }
    nl_end(&over);
    (void)refs;
    return OI_VERDICT_FAIL;
}

oi_verdict check_floor_glibc(check_ctx *c, evidence *ev)
{
    return floor_of(c, ev, "GLIBC_", c->pol->max_glibc);
}

oi_verdict check_floor_glibcxx(check_ctx *c, evidence *ev)
{
    return floor_of(c, ev, "GLIBCXX_", c->pol->max_glibcxx);
}

oi_verdict check_floor_cxxabi(check_ctx *c, evidence *ev)
{
    return floor_of(c, ev, "CXXABI_", c->pol->max_cxxabi);
}

/* A version property compared with a policy maximum. */
static oi_verdict floor_prop(check_ctx *c, evidence *ev, const char *key, const char *what,
                             const char *limit)
{
    const char *v = ctx_prop(c, key);
    if (!v) {
        ev_add(ev, "the parser gives no %s (property \"%s\")", what, key);
        return OI_VERDICT_UNAVAILABLE;
    }
    if (!limit) {
        ev_add(ev, "%s %s; the policy sets no floor", what, v);
        return OI_VERDICT_NA;
    }
    if (version_cmp(v, limit) <= 0) {
        ev_add(ev, "%s %s, within the floor %s", what, v, limit);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "%s %s, above the floor %s", what, v, limit);
    return OI_VERDICT_FAIL;
}

oi_verdict check_floor_macos(check_ctx *c, evidence *ev)
{
    const char *platform = ctx_prop(c, "platform");
    if (platform && strcmp(platform, "macos") != 0) {
        ev_add(ev, "platform %s, not macOS", platform);
        return OI_VERDICT_NA;
    }
    return floor_prop(c, ev, "min_os", "minimum macOS", c->pol->max_macos);
}

oi_verdict check_floor_pe_subsystem(check_ctx *c, evidence *ev)
{
    if (c->in->type && (strcmp(c->in->type, "import") == 0 || strcmp(c->in->type, "relocatable") == 0)) {
        ev_add(ev, "not an image (%s)", c->in->type);
        return OI_VERDICT_NA;
    }
    return floor_prop(c, ev, "subsystem_version", "subsystem version",
                      c->pol->max_pe_subsystem);
}
