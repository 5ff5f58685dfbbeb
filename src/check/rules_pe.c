/*
 * PE hardening, decided from the model: the FileHeader characteristics
 * (oi_file_info.flags_raw) and the facts the PE parser exposes as
 * properties (dll_characteristics, guard_flags, security_cookie,
 * seh_handlers, no_seh, authenticode_size, subsystem_version).
 */
#include "check/check.h"

#include <stdlib.h>
#include <string.h>

/* IMAGE_DLLCHARACTERISTICS_*, IMAGE_FILE_*, IMAGE_GUARD_* (PE/COFF spec) */
#define DLLCHAR_HIGH_ENTROPY_VA 0x0020u
#define DLLCHAR_DYNAMIC_BASE    0x0040u
#define DLLCHAR_NX_COMPAT       0x0100u
#define DLLCHAR_NO_SEH          0x0400u
#define DLLCHAR_GUARD_CF        0x4000u
#define FILE_RELOCS_STRIPPED    0x0001u
#define GUARD_CF_INSTRUMENTED   0x00000100u

/* A numeric property ("0x160", "352"); false when absent or not a number. */
static bool prop_num(check_ctx *c, const char *key, unsigned long long *out)
{
    const char *v = ctx_prop(c, key);
    if (!v || !*v)
        return false;
    char *end;
    *out = strtoull(v, &end, 0);
    return end != v && (*end == 0 || *end == ' ');
}

/* The DllCharacteristics word: a number, or a list of flag names (the PE
 * parser writes "HIGH_ENTROPY_VA,DYNAMIC_BASE,NX_COMPAT"). */
static bool dllchar(check_ctx *c, unsigned *out)
{
    unsigned long long v;
    if (prop_num(c, "dll_characteristics", &v)) {
        *out = (unsigned)v;
        return true;
    }
    const char *s = ctx_prop(c, "dll_characteristics");
    if (!s)
        return false;
    static const struct { const char *name; unsigned bit; } names[] = {
        { "HIGH_ENTROPY_VA", DLLCHAR_HIGH_ENTROPY_VA }, { "DYNAMIC_BASE", DLLCHAR_DYNAMIC_BASE },
        { "NX_COMPAT", DLLCHAR_NX_COMPAT }, { "NO_SEH", DLLCHAR_NO_SEH },
        { "GUARD_CF", DLLCHAR_GUARD_CF },
    };
    *out = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (prop_has_token(s, names[i].name))
            *out |= names[i].bit;
    return true;
}

/* The flags as the parser wrote them, for evidence. */
static const char *dc_text(check_ctx *c)
{
    const char *v = ctx_prop(c, "dll_characteristics");
    return v && *v ? v : "(none)";
}

/* Import members and COFF objects are not loaded: image checks do not apply. */
static bool not_image(check_ctx *c, evidence *ev)
{
    const char *t = c->in->type;
    if (t && (strcmp(t, "dll") == 0 || strcmp(t, "exe") == 0 || strcmp(t, "efi") == 0))
        return false;
    ev_add(ev, "not an image (%s)", t ? t : "?");
    return true;
}

static oi_verdict no_dllchar(evidence *ev)
{
    ev_add(ev, "the PE parser exposes no DllCharacteristics (property \"dll_characteristics\")");
    return OI_VERDICT_UNAVAILABLE;
}

oi_verdict check_pe_dynamic_base(check_ctx *c, evidence *ev)
{
    if (not_image(c, ev))
        return OI_VERDICT_NA;
    unsigned dc;
    if (!dllchar(c, &dc))
        return no_dllchar(ev);
    if (!(dc & DLLCHAR_DYNAMIC_BASE)) {
        ev_add(ev, "DllCharacteristics %s lack DYNAMIC_BASE: loaded at its preferred base", dc_text(c));
        return OI_VERDICT_FAIL;
    }
    if (c->in->flags_raw & FILE_RELOCS_STRIPPED) {
        ev_add(ev, "DYNAMIC_BASE set but IMAGE_FILE_RELOCS_STRIPPED: there is nothing to relocate it with");
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "DllCharacteristics %s", dc_text(c));
    return OI_VERDICT_PASS;
}

oi_verdict check_pe_high_entropy_va(check_ctx *c, evidence *ev)
{
    if (not_image(c, ev))
        return OI_VERDICT_NA;
    if (c->in->bits != 64) {
        ev_add(ev, "a 32-bit image (PE32)");
        return OI_VERDICT_NA;
    }
    unsigned dc;
    if (!dllchar(c, &dc))
        return no_dllchar(ev);
    if (!(dc & DLLCHAR_HIGH_ENTROPY_VA)) {
        ev_add(ev, "DllCharacteristics %s lack HIGH_ENTROPY_VA", dc_text(c));
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "DllCharacteristics %s", dc_text(c));
    return OI_VERDICT_PASS;
}

oi_verdict check_pe_nx_compat(check_ctx *c, evidence *ev)
{
    if (not_image(c, ev))
        return OI_VERDICT_NA;
    unsigned dc;
    if (!dllchar(c, &dc))
        return no_dllchar(ev);
    if (!(dc & DLLCHAR_NX_COMPAT)) {
        ev_add(ev, "DllCharacteristics %s lack NX_COMPAT", dc_text(c));
        return OI_VERDICT_FAIL;
    }
    ev_add(ev, "DllCharacteristics %s", dc_text(c));
    return OI_VERDICT_PASS;
}

oi_verdict check_pe_cfg(check_ctx *c, evidence *ev)
{
    if (not_image(c, ev))
        return OI_VERDICT_NA;
    unsigned dc;
    if (!dllchar(c, &dc))
        return no_dllchar(ev);
    /* GuardFlags: a number, or flag names ("CF_INSTRUMENTED,...") */
    const char *gtext = ctx_prop(c, "guard_flags");
    unsigned long long gf = 0;
    bool has_gf = gtext != NULL;
    bool instrumented = (prop_num(c, "guard_flags", &gf) && (gf & GUARD_CF_INSTRUMENTED)) ||
                        prop_has_token(gtext, "CF_INSTRUMENTED");
    bool bit = dc & DLLCHAR_GUARD_CF;
    if (bit && instrumented) {
        ev_add(ev, "GUARD_CF in DllCharacteristics and CF_INSTRUMENTED in GuardFlags (%s)", gtext);
        return OI_VERDICT_PASS;
    }
    if (bit)
        ev_add(ev, "DllCharacteristics claim GUARD_CF but %s", has_gf
                   ? "the load config's GuardFlags lack CF_INSTRUMENTED" : "there is no load-config GuardFlags");
    else if (instrumented)
        ev_add(ev, "GuardFlags (%s) have CF_INSTRUMENTED but DllCharacteristics lack GUARD_CF", gtext);
    else
        ev_add(ev, "no Control Flow Guard: GUARD_CF not set%s", has_gf ? "" : ", no load-config GuardFlags");
    return OI_VERDICT_FAIL;
}

oi_verdict check_pe_safeseh(check_ctx *c, evidence *ev)
{
    if (not_image(c, ev))
        return OI_VERDICT_NA;
    if (!c->in->machine || strcmp(c->in->machine, "i386") != 0) {
        ev_add(ev, "not 32-bit x86: exceptions unwind through tables, not SEH chains");
        return OI_VERDICT_NA;
    }
    unsigned dc;
    if (!dllchar(c, &dc))
        return no_dllchar(ev);
    if ((dc & DLLCHAR_NO_SEH) || strcmp(ctx_prop(c, "no_seh") ? ctx_prop(c, "no_seh") : "", "true") == 0) {
        ev_add(ev, "NO_SEH: the image has no SEH handlers");
        return OI_VERDICT_PASS;
    }
    unsigned long long n;
    if (prop_num(c, "seh_handlers", &n) && n > 0) {
        ev_add(ev, "SafeSEH: %llu registered handlers in the load config", n);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "neither NO_SEH nor a SafeSEH handler table");
    return OI_VERDICT_FAIL;
}

oi_verdict check_pe_gs(check_ctx *c, evidence *ev)
{
    if (not_image(c, ev))
        return OI_VERDICT_NA;
    unsigned dc;
    if (!dllchar(c, &dc))
        return no_dllchar(ev);
    unsigned long long v;
    if (prop_num(c, "security_cookie", &v) && v != 0) {
        ev_add(ev, "load config SecurityCookie at 0x%llx", v);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "no load-config SecurityCookie");
    return OI_VERDICT_FAIL;
}

oi_verdict check_pe_authenticode(check_ctx *c, evidence *ev)
{
    if (not_image(c, ev))
        return OI_VERDICT_NA;
    unsigned dc;
    if (!dllchar(c, &dc))
        return no_dllchar(ev);
    unsigned long long n;
    if (prop_num(c, "authenticode_size", &n) && n > 0) {
        ev_add(ev, "security directory of %llu bytes", n);
        return OI_VERDICT_PASS;
    }
    ev_add(ev, "no security directory: not signed");
    return OI_VERDICT_FAIL;
}
