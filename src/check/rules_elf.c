/*
 * ELF hardening, decided from the model: the file type, the imports, and
 * the facts the ELF parser exposes as properties (relro, bind_now,
 * gnu_stack, textrel, rpath, runpath, flags, flags_1, gnu_property_x86,
 * gnu_property_aarch64). Every verdict says what it saw.
 */
#include "check/check.h"

#include <stdio.h>
#include <string.h>

/* Does the parser expose the dynamic-section and segment facts at all?
 * (relro and gnu_stack are always set when it does.) */
static bool elf_facts(check_ctx *c)
{
    return ctx_prop(c, "relro") || ctx_prop(c, "gnu_stack");
}

static oi_verdict no_facts(evidence *ev, const char *what)
{
    ev_add(ev, "the ELF parser exposes no %s", what);
    return OI_VERDICT_UNAVAILABLE;
}

static bool is_type(check_ctx *c, const char *t)
{
    return c->in->type && strcmp(c->in->type, t) == 0;
}

/* Checks of the loaded image do not apply to relocatable objects and cores. */
static bool not_loadable(check_ctx *c, evidence *ev)
{
    if (is_type(c, "relocatable") || is_type(c, "core")) {
        ev_add(ev, "a %s file is not loaded as it is", c->in->type);
        return true;
    }
    return false;
}

static bool yes(const char *v)
{
    return v && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

oi_verdict check_elf_pie(check_ctx *c, evidence *ev)
{
    if (is_type(c, "pie")) {
        ev_add(ev, "ET_DYN executable (PIE)");
        return OI_VERDICT_PASS;
    }
    if (is_type(c, "exec")) {
        ev_add(ev, "ET_EXEC: loaded at a fixed address");
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "not an executable (%s)", c->in->type ? c->in->type : "?");
    return OI_VERDICT_NA;
}

static bool bind_now(check_ctx *c, const char **why)
{
    if (yes(ctx_prop(c, "bind_now"))) {
        *why = "BIND_NOW";
        return true;
    }
    if (prop_has_token(ctx_prop(c, "flags"), "BIND_NOW")) {
        *why = "DT_FLAGS BIND_NOW";
        return true;
    }
    if (prop_has_token(ctx_prop(c, "flags_1"), "NOW")) {
        *why = "DT_FLAGS_1 NOW";
        return true;
    }
    return false;
}

oi_verdict check_elf_relro(check_ctx *c, evidence *ev)
{
    if (not_loadable(c, ev))
        return OI_VERDICT_NA;
    const char *r = ctx_prop(c, "relro");
    if (!r)
        return no_facts(ev, "RELRO (property \"relro\")");
    const char *why;
    bool now = bind_now(c, &why);
    if (strcmp(r, "none") == 0) {
        ev_add(ev, "no PT_GNU_RELRO segment");
        return OI_VERDICT_FAIL;
    }
    if (c->pol->relro == RELRO_FULL && !now) {
        ev_add(ev, "partial RELRO: PT_GNU_RELRO without BIND_NOW, the GOT stays writable; the policy asks for full");
        return OI_VERDICT_FAIL;
    }
    if (now)
        ev_add(ev, "full RELRO: PT_GNU_RELRO and %s", why);
    else
        ev_add(ev, "partial RELRO: PT_GNU_RELRO without BIND_NOW");
    return OI_VERDICT_PASS;
}

oi_verdict check_elf_bind_now(check_ctx *c, evidence *ev)
{
    if (not_loadable(c, ev))
        return OI_VERDICT_NA;
    if (!elf_facts(c))
        return no_facts(ev, "dynamic flags (properties \"flags\", \"flags_1\")");
    const char *why;
    if (bind_now(c, &why)) {
        ev_add(ev, "%s", why);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "neither DT_FLAGS BIND_NOW nor DT_FLAGS_1 NOW: symbols bind lazily");
    return OI_VERDICT_FAIL;
}

oi_verdict check_elf_nx_stack(check_ctx *c, evidence *ev)
{
    if (not_loadable(c, ev))
        return OI_VERDICT_NA;
    const char *s = ctx_prop(c, "gnu_stack");
    if (!s)
        return no_facts(ev, "PT_GNU_STACK (property \"gnu_stack\")");
    if (strcmp(s, "absent") == 0) {
        ev_add(ev, "no PT_GNU_STACK: the loader's default makes the stack executable");
        return OI_VERDICT_FAIL;
    }
    if (strchr(s, 'x') || strchr(s, 'X') || strchr(s, 'E')) {
        ev_add(ev, "PT_GNU_STACK is %s: the stack is executable", s);
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "PT_GNU_STACK is %s", s);
    return OI_VERDICT_PASS;
}

/* Is the name among the file's own exports? (A C library provides the
 * stack-protector and fortify functions rather than importing them.) */
static bool provides(check_ctx *c, const char *name)
{
    if (ctx_exports(c) != OI_OK)
        return false;
    for (size_t i = 0; i < c->nexp; i++)
        if (c->exp[i].name && strcmp(c->exp[i].name, name) == 0)
            return true;
    return false;
}

static bool no_imports(check_ctx *c, evidence *ev)
{
    if (ctx_imports(c) != OI_OK) {
        ev_add(ev, "the import table could not be read: %s", oi_status_name(c->imp_st));
        return true;
    }
    return false;
}

oi_verdict check_elf_stack_protector(check_ctx *c, evidence *ev)
{
    if (no_imports(c, ev))
        return OI_VERDICT_UNAVAILABLE;
    static const char *const names[] = { "__stack_chk_fail", "__stack_chk_guard" };
    for (size_t i = 0; i < 2; i++) {
        const oi_import *im = ctx_find_import(c, names[i]);
        if (im) {
            ev_add(ev, "imports %s%s%s", im->name, im->version ? "@" : "",
                   im->version ? im->version : "");
            return OI_VERDICT_PASS;
        }
    }
    if (provides(c, "__stack_chk_fail")) {
        ev_add(ev, "defines __stack_chk_fail itself (a C library)");
        return OI_VERDICT_NA;
    }
    if (c->nimp == 0) {
        ev_add(ev, "no imports at all: a static or self-contained file shows no stack-protector import");
        return OI_VERDICT_NA;
    }
    ev_add(ev, "imports neither __stack_chk_fail nor __stack_chk_guard (of %zu imports)", c->nimp);
    return OI_VERDICT_FAIL;
}

/* A fortified import must be glibc's: unversioned, or of a GLIBC_ node. */
static bool from_glibc(const oi_import *im)
{
    return !im->version || strncmp(im->version, "GLIBC_", 6) == 0;
}

oi_verdict check_elf_fortify(check_ctx *c, evidence *ev)
{
    if (no_imports(c, ev))
        return OI_VERDICT_UNAVAILABLE;
    size_t fortified = 0, plain = 0;
    for (size_t i = 0; i < c->nimp; i++) {
        const oi_import *im = &c->imp[i];
        if (!im->name || !from_glibc(im))
            continue;
        if (glibc_chk_find(im->name))
            fortified++;
        else if (glibc_chk_for_plain(im->name))
            plain++;
    }
    if (fortified) {
        ev_add(ev, "imports %zu of glibc's fortified functions: ", fortified);
        name_list nl = { .show = 6, .ev = ev };
        for (size_t i = 0; i < c->nimp; i++)
            if (c->imp[i].name && from_glibc(&c->imp[i]) && glibc_chk_find(c->imp[i].name))
                nl_add(&nl, c->imp[i].name, NULL);
        nl_end(&nl);
        if (plain)
            ev_add(ev, "; %zu fortifiable calls stay plain", plain);
        return OI_VERDICT_PASS;
    }
    if (provides(c, "__memcpy_chk")) {
        ev_add(ev, "defines the fortified functions itself (a C library)");
        return OI_VERDICT_NA;
    }
    if (!plain) {
        ev_add(ev, "imports no function that _FORTIFY_SOURCE replaces");
        return OI_VERDICT_NA;
    }
    ev_add(ev, "imports fortifiable functions but no glibc _chk function: ");
    name_list nl = { .show = 6, .ev = ev };
    for (size_t i = 0; i < c->nimp; i++)
        if (c->imp[i].name && from_glibc(&c->imp[i]) && glibc_chk_for_plain(c->imp[i].name))
            nl_add(&nl, c->imp[i].name, NULL);
    nl_end(&nl);
    return OI_VERDICT_FAIL;
}

oi_verdict check_elf_textrel(check_ctx *c, evidence *ev)
{
    if (not_loadable(c, ev))
        return OI_VERDICT_NA;
    if (!elf_facts(c))
        return no_facts(ev, "TEXTREL (property \"textrel\")");
    if (yes(ctx_prop(c, "textrel")) || prop_has_token(ctx_prop(c, "flags"), "TEXTREL")) {
        ev_add(ev, "DT_TEXTREL: the loader writes into the text segment");
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "no DT_TEXTREL");
    return OI_VERDICT_PASS;
}

/* An entry that is empty or relative (not $ORIGIN-based) is searched from
 * the current directory of the process: a library-injection hole. */
static bool insecure_entry(const char *list, char *out, size_t outlen)
{
    const char *s = list;
    for (;;) {
        const char *e = strchr(s, ':');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (s[0] != '/' && strncmp(s, "$ORIGIN", 7) != 0 &&
                       strncmp(s, "${ORIGIN}", 9) != 0)) {
            snprintf(out, outlen, "'%.*s'", (int)(n > 200 ? 200 : n), s);
            return true;
        }
        if (!e)
            return false;
        s = e + 1;
    }
}

oi_verdict check_elf_rpath(check_ctx *c, evidence *ev)
{
    if (not_loadable(c, ev))
        return OI_VERDICT_NA;
    if (!elf_facts(c))
        return no_facts(ev, "RPATH/RUNPATH (properties \"rpath\", \"runpath\")");
    const char *rpath = ctx_prop(c, "rpath"), *runpath = ctx_prop(c, "runpath");
    char bad[256];
    oi_verdict v = OI_VERDICT_PASS;
    if (rpath && c->pol->rpath != RPATH_ALLOW) {
        ev_add(ev, "DT_RPATH %s (searched before LD_LIBRARY_PATH; the policy forbids it)", rpath);
        v = OI_VERDICT_FAIL;
    }
    if (runpath && c->pol->rpath == RPATH_FORBID) {
        ev_add(ev, "%sDT_RUNPATH %s (the policy forbids it)", v == OI_VERDICT_FAIL ? "; " : "", runpath);
        v = OI_VERDICT_FAIL;
    }
    const char *lists[2] = { rpath, runpath };
    static const char *const tags[2] = { "DT_RPATH", "DT_RUNPATH" };
    for (int i = 0; i < 2; i++)
        if (lists[i] && insecure_entry(lists[i], bad, sizeof bad)) {
            ev_add(ev, "%s%s entry %s is relative to the current directory",
                   v == OI_VERDICT_FAIL ? "; " : "", tags[i], bad);
            v = OI_VERDICT_FAIL;
        }
    if (v == OI_VERDICT_PASS) {
        if (!rpath && !runpath)
            ev_add(ev, "neither DT_RPATH nor DT_RUNPATH");
        else
            ev_add(ev, "%s%s%s%s%s", rpath ? "DT_RPATH " : "", rpath ? rpath : "",
                   rpath && runpath ? "; " : "", runpath ? "DT_RUNPATH " : "",
                   runpath ? runpath : "");
    }
    return v;
}

/* Both tokens must be in the GNU property note's feature list. */
static oi_verdict features(check_ctx *c, evidence *ev, const char *key, const char *a,
                           const char *b)
{
    if (!elf_facts(c))
        return no_facts(ev, "GNU property notes");
    const char *v = ctx_prop(c, key);
    bool has_a = prop_has_token(v, a), has_b = prop_has_token(v, b);
    if (has_a && has_b) {
        ev_add(ev, "GNU property note: %s", v);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "%s%s%s%s missing from the GNU property note (%s)", has_a ? "" : a,
           !has_a && !has_b ? " and " : "", has_b ? "" : b, "", v ? v : "no note");
    return OI_VERDICT_FAIL;
}

oi_verdict check_elf_cet(check_ctx *c, evidence *ev)
{
    const char *m = c->in->machine;
    if (!m || (strcmp(m, "x86_64") != 0 && strcmp(m, "i386") != 0 && strcmp(m, "x32") != 0)) {
        ev_add(ev, "not x86 (%s)", m ? m : "?");
        return OI_VERDICT_NA;
    }
    return features(c, ev, "gnu_property_x86", "IBT", "SHSTK");
}

oi_verdict check_elf_bti_pac(check_ctx *c, evidence *ev)
{
    const char *m = c->in->machine;
    if (!m || strcmp(m, "aarch64") != 0) {
        ev_add(ev, "not AArch64 (%s)", m ? m : "?");
        return OI_VERDICT_NA;
    }
    return features(c, ev, "gnu_property_aarch64", "BTI", "PAC");
}
