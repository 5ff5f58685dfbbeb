/*
 * Mach-O hardening, decided from the model: the header flags
 * (oi_file_info.flags_raw), the CPU subtype, the imports, and the facts
 * the Mach-O parser exposes as properties (code_signature).
 */
#include "check/check.h"

#include <string.h>

/* mach-o/loader.h and machine.h values (Apple's ABI, stated here). */
#define MH_PIE                 0x00200000u
#define MH_NO_HEAP_EXECUTION   0x01000000u
#define CPU_SUBTYPE_MASK       0xff000000u
#define CPU_SUBTYPE_ARM64E     2u

static bool is_exec(check_ctx *c)
{
    return c->in->type && (strcmp(c->in->type, "exec") == 0 || strcmp(c->in->type, "pie") == 0);
}

oi_verdict check_macho_pie(check_ctx *c, evidence *ev)
{
    if (!is_exec(c)) {
        ev_add(ev, "not an executable (%s)", c->in->type ? c->in->type : "?");
        return OI_VERDICT_NA;
    }
    if (c->in->flags_raw & MH_PIE) {
        ev_add(ev, "MH_PIE in header flags 0x%x", c->in->flags_raw);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "header flags 0x%x lack MH_PIE", c->in->flags_raw);
    return OI_VERDICT_FAIL;
}

oi_verdict check_macho_no_heap_exec(check_ctx *c, evidence *ev)
{
    if (!is_exec(c)) {
        ev_add(ev, "not an executable (%s)", c->in->type ? c->in->type : "?");
        return OI_VERDICT_NA;
    }
    if (c->in->flags_raw & MH_NO_HEAP_EXECUTION) {
        ev_add(ev, "MH_NO_HEAP_EXECUTION in header flags 0x%x", c->in->flags_raw);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "header flags 0x%x lack MH_NO_HEAP_EXECUTION", c->in->flags_raw);
    return OI_VERDICT_FAIL;
}

oi_verdict check_macho_stack_protector(check_ctx *c, evidence *ev)
{
    if (ctx_imports(c) != OI_OK) {
        ev_add(ev, "the import table could not be read: %s", oi_status_name(c->imp_st));
        return OI_VERDICT_UNAVAILABLE;
    }
    /* C names carry a leading underscore in Mach-O; accept either form */
    static const char *const names[] = { "___stack_chk_fail", "___stack_chk_guard",
                                         "__stack_chk_fail", "__stack_chk_guard" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const oi_import *im = ctx_find_import(c, names[i]);
        if (im) {
            ev_add(ev, "imports %s%s%s", im->name, im->library ? " from " : "",
                   im->library ? im->library : "");
            return OI_VERDICT_PASS;
        }
    }
    if (c->nimp == 0) {
        ev_add(ev, "no imports at all");
        return OI_VERDICT_NA;
    }
    ev_add(ev, "imports neither ___stack_chk_fail nor ___stack_chk_guard (of %zu imports)", c->nimp);
    return OI_VERDICT_FAIL;
}

oi_verdict check_macho_code_signature(check_ctx *c, evidence *ev)
{
    if (c->in->type && strcmp(c->in->type, "relocatable") == 0) {
        ev_add(ev, "an object file is not signed");
        return OI_VERDICT_NA;
    }
    if (ctx_props(c) != OI_OK || c->nprop == 0) {
        ev_add(ev, "the Mach-O parser exposes no load-command facts (property \"code_signature\")");
        return OI_VERDICT_UNAVAILABLE;
    }
    const char *v = ctx_prop(c, "code_signature");
    if (v && strcmp(v, "no") != 0 && strcmp(v, "absent") != 0) {
        ev_add(ev, "LC_CODE_SIGNATURE %s", v);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "no LC_CODE_SIGNATURE");
    return OI_VERDICT_FAIL;
}

oi_verdict check_macho_arm64e(check_ctx *c, evidence *ev)
{
    if (!c->in->machine || strcmp(c->in->machine, "aarch64") != 0 || c->in->bits != 64) {
        ev_add(ev, "not arm64 (%s)", c->in->machine ? c->in->machine : "?");
        return OI_VERDICT_NA;
    }
    unsigned sub = c->in->machine_sub & ~CPU_SUBTYPE_MASK;
    if (sub == CPU_SUBTYPE_ARM64E) {
        ev_add(ev, "cpusubtype arm64e (0x%x)", c->in->machine_sub);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "cpusubtype 0x%x is plain arm64, without pointer authentication", c->in->machine_sub);
    return OI_VERDICT_FAIL;
}
