/*
 * Mach-O imports from the bind, weak-bind and lazy-bind opcode streams of
 * LC_DYLD_INFO(_ONLY), or from the chained-fixups import table
 * (macho_fixups.c).
 *
 * An import is one (symbol, library ordinal) pair, however many pointers
 * bind to it: the streams are interpreted only as far as naming the symbol
 * and its ordinal needs, so a "bind N times" opcode costs one step, not N,
 * and the walk is bounded by the stream's length (every opcode consumes a
 * byte). The ordinal is resolved through the two-level namespace: a
 * dylib's install name, or this-image, main-executable, flat-namespace or
 * weak. `weak` is set when every binding of the symbol is a weak import
 * (the program runs without it).
 */
#include "macho_internal.h"

#include <stdlib.h>
#include <string.h>

struct macho_import_set {
    uint32_t *slot;           /* import index + 1; 0 = empty */
    size_t cap, used;
};

static size_t key_hash(const char *s, int64_t ord)
{
    size_t h = 2166136261u ^ (size_t)(uint64_t)ord;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static bool set_grow(oi_file *f, macho_import_set *set, const oi_import *im)
{
    size_t cap = set->cap ? set->cap * 2 : 64;
    uint32_t *slot = oi_arena_calloc_charged(f->mem, cap, sizeof *slot);
    if (!slot)
        return false;
    for (size_t i = 0; i < set->cap; i++) {
        if (!set->slot[i])
            continue;
        const oi_import *x = &im[set->slot[i] - 1];
        size_t h = key_hash(x->name, (int32_t)x->raw.c) & (cap - 1);
        while (slot[h])
            h = (h + 1) & (cap - 1);
        slot[h] = set->slot[i];
    }
    oi_arena_free_charged(f->mem, set->slot, set->cap * sizeof *set->slot);
    set->slot = slot;
    set->cap = cap;
    return true;
}

oi_status macho_add_import(oi_file *f, macho_import_set *set, const char *name, int64_t ord,
                           bool weak_import, uint32_t table)
{
    macho_priv *p = macho_p(f);
    oi_vec *v = &f->t[OI_T_IMPORTS].vec;
    if ((set->used + 1) * 2 > set->cap && !set_grow(f, set, v->items))
        return OI_NOMEM;
    oi_import *im = v->items;
    size_t h = key_hash(name, ord) & (set->cap - 1);
    while (set->slot[h]) {
        oi_import *x = &im[set->slot[h] - 1];
        if ((int32_t)x->raw.c == ord && strcmp(x->name, name) == 0) {
            x->weak = x->weak && weak_import;
            return OI_OK;
        }
        h = (h + 1) & (set->cap - 1);
    }
    if (v->n >= UINT32_MAX - 1)
        return OI_LIMIT;
    oi_import *n = oi_model_import(f);
    if (!n)
        return OI_NOMEM;
    set->slot[h] = (uint32_t)v->n;
    set->used++;
    n->name = name;
    n->weak = weak_import;
    n->library = macho_ordinal_library(p, ord);
    n->delay = ord > 0 && (uint64_t)ord <= p->ndylibs &&
               p->dylibs[ord - 1].cmd == LC_LAZY_LOAD_DYLIB;
    n->raw = (oi_raw){ 0, table, (uint32_t)ord };
    if (!n->library)
        OI_WARN_NOOFF(f, OI_MALFORMED, "macho/bind",
                      "%s binds to library ordinal %lld, but there are %zu dylibs", name,
                      (long long)ord, p->ndylibs);
    return OI_OK;
}

static const char *const table_names[] = { "bind", "weak-bind", "lazy-bind" };

/* Interpret one opcode stream. The lazy stream separates its entries with
 * BIND_OPCODE_DONE; the others end at it. */
static oi_status run_binds(oi_file *f, macho_import_set *set, macho_range r, uint32_t table)
{
    macho_priv *p = macho_p(f);
    if (!r.present)
        return OI_OK;
    oi_view v;
    oi_view_sub(f->data, r.off, r.size, &v);
    oi_cur c = oi_cur_make(v, 0, p->big);
    int64_t ord = table == MACHO_IMP_WEAK_BIND ? BIND_SPECIAL_DYLIB_WEAK_LOOKUP : 0;
    const char *name = NULL;
    uint8_t flags = 0;
    while (oi_left(&c)) {
        size_t at = c.pos;
        uint8_t byte = oi_u8(&c);
        uint8_t op = byte & BIND_OPCODE_MASK, imm = byte & BIND_IMMEDIATE_MASK;
        bool bind = false;
        switch (op) {
        case BIND_OPCODE_DONE:
            if (table != MACHO_IMP_LAZY_BIND)
                return OI_OK;
            break;
        case BIND_OPCODE_SET_DYLIB_ORDINAL_IMM:
            ord = imm;
            break;
        case BIND_OPCODE_SET_DYLIB_ORDINAL_ULEB:
            ord = (int64_t)(oi_uleb(&c) & 0x7fffffff);
            break;
        case BIND_OPCODE_SET_DYLIB_SPECIAL_IMM:
            /* 0 is self; 0xf..0xd are -1..-3 (sign-extended immediates) */
            ord = imm ? (int8_t)(BIND_OPCODE_MASK | imm) : 0;
            break;
        case BIND_OPCODE_SET_SYMBOL_TRAILING_FLAGS_IMM:
            flags = imm;
            name = oi_take_cstr(&c);
            break;
        case BIND_OPCODE_SET_TYPE_IMM:
            break;
        case BIND_OPCODE_SET_ADDEND_SLEB:
            oi_sleb(&c);
            break;
        case BIND_OPCODE_SET_SEGMENT_AND_OFFSET_ULEB:
        case BIND_OPCODE_ADD_ADDR_ULEB:
            oi_uleb(&c);
            break;
        case BIND_OPCODE_DO_BIND:
        case BIND_OPCODE_DO_BIND_ADD_ADDR_IMM_SCALED:
            bind = true;
            break;
        case BIND_OPCODE_DO_BIND_ADD_ADDR_ULEB:
            oi_uleb(&c);
            bind = true;
            break;
        case BIND_OPCODE_DO_BIND_ULEB_TIMES_SKIPPING_ULEB:
            oi_uleb(&c);
            oi_uleb(&c);
            bind = true;
            break;
        case BIND_OPCODE_THREADED:
            if (imm == BIND_SUBOPCODE_THREADED_SET_BIND_ORDINAL_TABLE_SIZE_ULEB)
                oi_uleb(&c);
            else if (imm != BIND_SUBOPCODE_THREADED_APPLY)
                return OI_ERROR(f, OI_MALFORMED, r.off + at, "macho/bind",
                                "%s opcodes: unknown threaded sub-opcode 0x%x",
                                table_names[table], imm);
            break;
        default:
            return OI_ERROR(f, OI_MALFORMED, r.off + at, "macho/bind",
                            "%s opcodes: unknown opcode 0x%02x", table_names[table], byte);
        }
        if (!oi_ok(&c))
            return OI_ERROR(f, OI_TRUNCATED, r.off + at, "macho/bind",
                            "%s opcodes: operand of opcode 0x%02x runs past the stream",
                            table_names[table], byte);
        if (bind) {
            if (!name)
                return OI_ERROR(f, OI_MALFORMED, r.off + at, "macho/bind",
                                "%s opcodes: bind before any symbol name", table_names[table]);
            /* the weak-bind stream coalesces definitions: its ordinal is
             * always the weak lookup */
            oi_status st = macho_add_import(f, set, name, ord,
                                            flags & BIND_SYMBOL_FLAGS_WEAK_IMPORT, table);
            if (st != OI_OK)
                return st;
        }
    }
    return OI_OK;
}

oi_status macho_build_imports(oi_file *f)
{
    macho_priv *p = macho_p(f);
    macho_import_set set = { NULL, 0, 0 };
    oi_status st = OI_OK, s2;
    if (p->chained.present)
        st = macho_chained_imports(f, &set);
    if (p->has_dyld_info) {
        /* keep going after a damaged stream: the others are independent */
        if ((s2 = run_binds(f, &set, p->bind, MACHO_IMP_BIND)) != OI_OK && st == OI_OK)
            st = s2;
        if ((s2 = run_binds(f, &set, p->weak_bind, MACHO_IMP_WEAK_BIND)) != OI_OK && st == OI_OK)
            st = s2;
        if ((s2 = run_binds(f, &set, p->lazy_bind, MACHO_IMP_LAZY_BIND)) != OI_OK && st == OI_OK)
            st = s2;
    }
    oi_arena_free_charged(f->mem, set.slot, set.cap * sizeof *set.slot);
    return st;
}
