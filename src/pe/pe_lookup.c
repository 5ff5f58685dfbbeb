/*
 * Lookup the way the Windows loader does it (LdrGetProcedureAddress):
 *  - by name: a binary search of the export name pointer table, then the
 *    ordinal table gives the index into the export address table;
 *  - by ordinal ("#N"): N minus the ordinal base is the index.
 * An RVA inside the export directory is a forwarder, reported as such
 * (following it into the next DLL is the binder's job). Nothing here builds
 * the export table.
 */
#include "pe_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define say oi_explain_step

/* A lookup records a diagnostic only while the export table is unbuilt:
 * building it reports the same defects, and after oi_load_all a lookup must
 * not write to the handle (other threads may be reading it). */
static bool may_record(oi_file *f)
{
    return !f->t[OI_T_EXPORTS].built;
}

static const char *name_at(oi_file *f, uint32_t i, pe_map_hint *hint)
{
    pe_priv *p = pe_p(f);
    return pe_rva_cstr(f, oi_get32(p->exp.names.p + (size_t)i * 4, false), hint);
}

/* Describe the slot the lookup ended on and fill the result. */
static oi_status finish(oi_file *f, uint32_t index, oi_explain_fn explain, void *ctx,
                        oi_lookup_result *res)
{
    pe_priv *p = pe_p(f);
    if (index >= p->exp.nfuncs) {
        say(explain, ctx, "index %u is past the %u-entry export address table: not found",
            index, p->exp.nfuncs);
        return OI_NOTFOUND;
    }
    uint32_t rva = oi_get32(p->exp.eat.p + (size_t)index * 4, false);
    if (!pe_export_slot(f, index, NULL, NULL, &res->exp)) {
        say(explain, ctx, "export address table[%u] = RVA 0: an empty slot, not an export", index);
        return OI_NOTFOUND;
    }
    const pe_section *s = pe_rva_section(p, rva, NULL);
    const char *sec = s ? (s->long_name ? s->long_name : s->name) : "no section";
    if (res->exp.target == OI_TARGET_REEXPORT)
        say(explain, ctx, "export address table[%u] = RVA 0x%x, inside the export directory: "
            "a forwarder to '%s' (the loader continues in %s%s)", index, rva,
            res->exp.forwarder, res->exp.fwd_library ? res->exp.fwd_library : "<?>",
            res->exp.fwd_library ? ".dll" : "");
    else
        say(explain, ctx, "export address table[%u] = RVA 0x%x in %s: %s", index, rva, sec,
            res->exp.kind == OI_KIND_FUNC ? "code" : "data");
    res->found = true;
    if (res->exp.target == OI_TARGET_REEXPORT)
        pe_follow_local(f, &res->exp, explain, ctx, may_record(f));
    return OI_OK;
}

static oi_status by_ordinal(oi_file *f, const char *digits, oi_explain_fn explain, void *ctx,
                            oi_lookup_result *res)
{
    pe_priv *p = pe_p(f);
    res->path = "ordinal";
    uint64_t n = 0;
    for (const char *q = digits; *q; q++) {
        if (n > 0xffffffffull) {
            say(explain, ctx, "ordinal %s is out of range: not found", digits);
            return OI_NOTFOUND;
        }
        n = n * 10 + (uint64_t)(*q - '0');
    }
    if (n > 0xffff)
        say(explain, ctx, "ordinal %llu is more than 16 bits; the loader takes only 16",
            (unsigned long long)n);
    say(explain, ctx, "ordinal %llu minus the ordinal base %u", (unsigned long long)n, p->exp.base);
    if (n < p->exp.base || n - p->exp.base >= p->exp.nfuncs) {
        say(explain, ctx, "outside the %u-entry export address table: not found", p->exp.nfuncs);
        return OI_NOTFOUND;
    }
    uint32_t index = (uint32_t)(n - p->exp.base);
    oi_status st = finish(f, index, explain, ctx, res);
    if (st != OI_OK)
        return st;
    /* the loader needs no name for an ordinal; show the first one, if any */
    uint32_t i = pe_name_of_slot(f, index);
    if (i != UINT32_MAX) {
        res->exp.name = name_at(f, i, NULL);
        res->exp.raw.b = i;
        say(explain, ctx, "its name (name pointer table[%u]): %s", i,
            res->exp.name ? res->exp.name : "<?>");
        return OI_OK;
    }
    res->exp.raw.b = UINT32_MAX;
    say(explain, ctx, "no name points to it: an export by ordinal only (NONAME)");
    return OI_OK;
}

/* After a miss: is the name there after all, in an unsorted table? That is
 * a real finding (Windows misses it too), so it becomes a diagnostic. */
static void check_unsorted_miss(oi_file *f, const char *name, oi_explain_fn explain, void *ctx)
{
    pe_priv *p = pe_p(f);
    pe_map_hint h = { 0 };
    for (uint32_t i = 0; i < p->exp.nnames; i++) {
        const char *s = name_at(f, i, &h);
        if (s && strcmp(s, name) == 0) {
            say(explain, ctx, "a scan finds '%s' at index %u: the name pointer table is not "
                "sorted, so the Windows loader's binary search misses it", name, i);
            if (may_record(f))
                OI_WARN(f, OI_MALFORMED, oi_file_off(f, p->exp.names.p) + (uint64_t)i * 4,
                    "pe/exports", "'%.64s' is at index %u of an unsorted name pointer table: "
                    "the Windows loader's binary search does not find it", name, i);
            return;
        }
    }
}

/* The name-table index of name by the loader's binary search, or -1. */
static int64_t search(oi_file *f, const char *name)
{
    pe_priv *p = pe_p(f);
    uint32_t lo = 0, hi = p->exp.nnames;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *s = name_at(f, mid, NULL);
        if (!s)
            return -1;
        int cmp = strcmp(name, s);
        if (cmp == 0)
            return mid;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

bool pe_forwards_to_self(oi_file *f, const char *lib)
{
    pe_priv *p = pe_p(f);
    const char *own = p->exp.dll_name;
    if (!own || !lib)
        return false;
    size_t n = strlen(own);
    if (n > 4 && strcasecmp(own + n - 4, ".dll") == 0)
        n -= 4;
    return strlen(lib) == n && strncasecmp(own, lib, n) == 0;
}

#define PE_FORWARD_MAX 32   /* hops followed inside one DLL */

oi_status pe_follow_local(oi_file *f, const oi_export *e, oi_explain_fn explain, void *ctx,
                          bool record)
{
    pe_priv *p = pe_p(f);
    uint32_t seen[PE_FORWARD_MAX];
    unsigned nseen = 0;
    oi_export cur = *e;
    char chain[400];
    int len = snprintf(chain, sizeof chain, "%s", e->name ? e->name : "<noname>");
    for (unsigned step = 0; step < PE_FORWARD_MAX; step++) {
        if (cur.target != OI_TARGET_REEXPORT || !pe_forwards_to_self(f, cur.fwd_library))
            return OI_OK;   /* a definition here, or another DLL: the binder's job */
        if (len >= 0 && (size_t)len < sizeof chain)
            len += snprintf(chain + len, sizeof chain - (size_t)len, " -> %s", cur.forwarder);
        int64_t index;
        if (cur.fwd_ordinal >= 0) {
            index = cur.fwd_ordinal >= p->exp.base ? cur.fwd_ordinal - p->exp.base : -1;
        } else {
            index = search(f, cur.fwd_name ? cur.fwd_name : "");
            if (index >= 0)
                index = oi_get16(p->exp.ords.p + (size_t)index * 2, false);
        }
        /* pe_export_slot refuses an index past the address table: a
         * name's ordinal-table entry is as hostile as a forwarder's #N (a
         * fuzz finding: the entry was read past the table) */
        oi_export next = { .ordinal = -1, .fwd_ordinal = -1, .callconv_argbytes = -1 };
        if (index < 0 || !pe_export_slot(f, (uint32_t)index, NULL, NULL, &next)) {
            say(explain, ctx, "'%s' points back into this DLL, which does not export it", cur.forwarder);
            if (record)
                OI_WARN_NOOFF(f, OI_NOTFOUND, "pe/exports",
                          "forwarder %s: the target is not exported by this DLL", chain);
            return OI_NOTFOUND;
        }
        for (unsigned k = 0; k < nseen; k++)
            if (seen[k] == (uint32_t)index) {
                say(explain, ctx, "'%s' points back into this DLL and loops: %s", cur.forwarder, chain);
                if (record)
                    OI_WARN_NOOFF(f, OI_CYCLE, "pe/exports", "forwarder loop inside the DLL: %s", chain);
                return OI_CYCLE;
            }
        seen[nseen++] = (uint32_t)index;
        say(explain, ctx, "'%s' points back into this DLL: address-table slot %lld",
            cur.forwarder, (long long)index);
        if (e->ordinal >= 0 && next.ordinal == e->ordinal) {
            say(explain, ctx, "it is the export itself: a loop");
            if (record)
                OI_WARN_NOOFF(f, OI_CYCLE, "pe/exports", "forwarder loop inside the DLL: %s", chain);
            return OI_CYCLE;
        }
        cur = next;
    }
    if (record)
        OI_WARN_NOOFF(f, OI_LIMIT, "pe/exports",
                      "forwarder chain longer than %d hops inside the DLL: %s", PE_FORWARD_MAX, chain);
    return OI_LIMIT;
}

oi_status pe_lookup(oi_file *f, const char *name, const char *version,
                    oi_explain_fn explain, void *ctx, oi_lookup_result *res)
{
    (void)version;   /* PE exports have no versions */
    pe_priv *p = pe_p(f);
    /* "#N", all digits, is an ordinal; anything else is a name */
    bool ordinal = name[0] == '#' && name[1] != 0;
    for (const char *q = name + 1; ordinal && *q; q++)
        ordinal = *q >= '0' && *q <= '9';
    res->path = ordinal ? "ordinal" : "binary-search";
    if (!pe_export_dir(f)) {
        say(explain, ctx, "no export directory: nothing is exported");
        return OI_NOTFOUND;
    }
    say(explain, ctx, "export directory of %s: %u names, %u address-table slots, ordinal base %u",
        p->exp.dll_name ? p->exp.dll_name : "<no name>", p->exp.nnames, p->exp.nfuncs,
        p->exp.base);
    if (ordinal)
        return by_ordinal(f, name + 1, explain, ctx, res);

    uint32_t lo = 0, hi = p->exp.nnames;   /* search [lo, hi) */
    unsigned step = 0;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *s = name_at(f, mid, NULL);
        if (!s) {
            say(explain, ctx, "name pointer table[%u] is not a string in the file: stop", mid);
            if (may_record(f))
                OI_WARN(f, OI_MALFORMED, oi_file_off(f, p->exp.names.p) + (uint64_t)mid * 4,
                    "pe/exports", "export name %u is not a string in the file", mid);
            return OI_NOTFOUND;
        }
        int cmp = strcmp(name, s);
        say(explain, ctx, "binary search step %u: [%u, %u) index %u '%s'%s", ++step, lo, hi, mid,
            s, cmp == 0 ? ": match" : cmp < 0 ? ": look below" : ": look above");
        if (cmp == 0) {
            uint16_t index = oi_get16(p->exp.ords.p + (size_t)mid * 2, false);
            say(explain, ctx, "ordinal table[%u] = %u: ordinal %llu (base %u)", mid, index,
                (unsigned long long)p->exp.base + index, p->exp.base);
            oi_status st = finish(f, index, explain, ctx, res);
            if (st == OI_OK) {
                res->exp.name = s;
                res->exp.raw.b = mid;
            }
            return st;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    say(explain, ctx, "the search ends at index %u: '%s' is not exported by name", lo, name);
    if (p->exp.sorted != 1)
        check_unsorted_miss(f, name, explain, ctx);
    return OI_NOTFOUND;
}
