/*
 * ar archives (System V/GNU and BSD variants): a container whose members are
 * opened as files of their own. Symbol-table and long-name members are
 * bookkeeping, not members.
 */
#include "file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AR_MAGIC "!<arch>\n"
#define AR_HDR 60

extern const oi_format_ops oi_ar_ops;

static bool ar_probe(oi_view v)
{
    return v.n >= 8 && memcmp(v.p, AR_MAGIC, 8) == 0;
}

/* Parse a decimal field of an ar header; false when it is not one. */
static bool ar_decimal(oi_view field, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < field.n && field.p[i] == ' ')
        i++;
    size_t start = i;
    for (; i < field.n && field.p[i] >= '0' && field.p[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(field.p[i] - '0');
    }
    if (i == start)
        return false;
    for (; i < field.n; i++)
        if (field.p[i] != ' ')
            return false;
    *out = v;
    return true;
}

/* The member name: "name/" (GNU), "/N" (GNU long-name offset) or "#1/N" (BSD). */
static const char *ar_name(oi_file *f, oi_view raw, oi_view longnames,
                           oi_cur *c, uint64_t *size, uint64_t hdr_off)
{
    size_t n = raw.n;
    while (n && raw.p[n - 1] == ' ')
        n--;
    if (n >= 4 && memcmp(raw.p, "#1/", 3) == 0) {
        uint64_t len;
        if (!ar_decimal((oi_view){ raw.p + 3, n - 3 }, &len) || len > *size) {
            OI_WARN(f, OI_MALFORMED, hdr_off, "ar", "bad BSD long-name length");
            return NULL;
        }
        oi_view nm = oi_take(c, len);
        if (!oi_ok(c))
            return NULL;
        *size -= len;
        size_t l = nm.n;
        while (l && nm.p[l - 1] == 0)
            l--;
        return oi_arena_strndup(f->mem, (const char *)nm.p, l);
    }
    if (n >= 2 && raw.p[0] == '/' && raw.p[1] >= '0' && raw.p[1] <= '9') {
        uint64_t off;
        if (!ar_decimal((oi_view){ raw.p + 1, n - 1 }, &off) || off >= longnames.n) {
            OI_WARN(f, OI_MALFORMED, hdr_off, "ar", "long-name offset out of range");
            return NULL;
        }
        size_t l = 0;
        while (off + l < longnames.n && longnames.p[off + l] != '\n' &&
               !(longnames.p[off + l] == '/' && (off + l + 1 == longnames.n ||
                                                 longnames.p[off + l + 1] == '\n')))
            l++;
        return oi_arena_strndup(f->mem, (const char *)longnames.p + off, l);
    }
    if (n && raw.p[n - 1] == '/')
        n--;
    return oi_arena_strndup(f->mem, (const char *)raw.p, n);
}

static bool bookkeeping(const char *name)
{
    return strcmp(name, "") == 0 || strcmp(name, "/") == 0 ||
           strcmp(name, "//") == 0 || strcmp(name, "/SYM64") == 0 ||
           strncmp(name, "__.SYMDEF", 9) == 0;
}

/* The archive's symbol index (the first "/" or "/SYM64/" member): what a
 * linker reads to find the member defining a symbol. It is hashed on first
 * use, so a lookup costs O(1) however many members ask. */
typedef struct ar_sym {
    const char *name;
    uint32_t child;
} ar_sym;

typedef struct ar_priv {
    oi_view armap;
    bool armap64;
    bool hashed;
    ar_sym *slots;          /* open addressing, cap a power of two; NULL name = empty */
    size_t cap;
} ar_priv;

static uint64_t ar_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

/* The child whose header is at offset hdr (children are in file order). */
static bool ar_child_at(const oi_file *f, uint64_t hdr, uint32_t *index)
{
    const oi_child_slot *ch = f->children.items;
    size_t lo = 0, hi = f->children.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t body = (uint64_t)(ch[mid].data.p - f->data.p);
        if (body == hdr + AR_HDR) {
            *index = (uint32_t)mid;
            return true;
        }
        if (body < hdr + AR_HDR)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static void ar_hash_index(oi_file *f, ar_priv *ap)
{
    ap->hashed = true;
    size_t w = ap->armap64 ? 8 : 4;
    oi_cur c = oi_cur_make(ap->armap, 0, true);   /* the index is big-endian */
    uint64_t n = oi_word(&c, ap->armap64);
    if (!oi_ok(&c) || n > ap->armap.n / w)
        return;
    oi_view offs = oi_take(&c, n * w);
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    ap->slots = oi_arena_array(f->mem, cap, sizeof *ap->slots);
    if (!ap->slots)
        return;
    ap->cap = cap;
    for (uint64_t i = 0; i < n; i++) {
        const char *name = oi_take_cstr(&c);
        uint32_t child;
        if (!name)
            return;
        uint64_t hdr = ap->armap64 ? oi_get64(offs.p + i * 8, true) : oi_get32(offs.p + i * 4, true);
        if (!ar_child_at(f, hdr, &child))
            continue;
        size_t h = (size_t)ar_hash(name) & (cap - 1);
        while (ap->slots[h].name && strcmp(ap->slots[h].name, name) != 0)
            h = (h + 1) & (cap - 1);
        if (!ap->slots[h].name)   /* the first definition wins, as for the linker */
            ap->slots[h] = (ar_sym){ name, child };
    }
}

bool oi_ar_member_defining(oi_file *f, const char *sym, size_t *index)
{
    ar_priv *ap = f->ops == &oi_ar_ops ? f->priv : NULL;
    if (!ap || !ap->armap.n)
        return false;
    if (!ap->hashed)
        ar_hash_index(f, ap);
    if (!ap->slots)
        return false;
    for (size_t h = (size_t)ar_hash(sym) & (ap->cap - 1); ap->slots[h].name;
         h = (h + 1) & (ap->cap - 1))
        if (strcmp(ap->slots[h].name, sym) == 0) {
            *index = ap->slots[h].child;
            return true;
        }
    return false;
}

static oi_status ar_open(oi_file *f)
{
    oi_cur c = oi_cur_make(f->data, 8, false);
    oi_view longnames = { NULL, 0 };
    ar_priv *ap = oi_arena_alloc(f->mem, sizeof *ap);
    if (!ap)
        return OI_NOMEM;
    f->priv = ap;
    f->info.type = "archive";
    while (oi_left(&c) > 0) {
        if (oi_left(&c) == 1 && c.v.p[c.pos] == '\n')
            break;   /* padding after the last member */
        uint64_t hdr_off = c.pos;
        oi_view rawname = oi_take(&c, 16);
        oi_skip(&c, 12 + 6 + 6 + 8);
        oi_view sizef = oi_take(&c, 10);
        oi_view fmag = oi_take(&c, 2);
        if (!oi_ok(&c))
            return OI_ERROR(f, OI_TRUNCATED, hdr_off, "ar", "member header truncated");
        uint64_t size;
        if (memcmp(fmag.p, "`\n", 2) != 0 || !ar_decimal(sizef, &size))
            return OI_ERROR(f, OI_MALFORMED, hdr_off, "ar", "bad member header");
        /* GNU symbol table and long-name table are recognised by raw name */
        bool is_longnames = memcmp(rawname.p, "// ", 3) == 0;
        const char *name = ar_name(f, rawname, longnames, &c, &size, hdr_off);
        oi_view body = oi_take(&c, size);
        if (!oi_ok(&c))
            return OI_ERROR(f, OI_TRUNCATED, hdr_off, "ar",
                            "member of %llu bytes runs past the end of the file",
                            (unsigned long long)size);
        if (size & 1)
            oi_skip(&c, oi_left(&c) ? 1 : 0);
        if (is_longnames) {
            longnames = body;
            continue;
        }
        if (!ap->armap.n && (memcmp(rawname.p, "/ ", 2) == 0 ||
                             memcmp(rawname.p, "/SYM64/ ", 8) == 0)) {
            ap->armap = body;
            ap->armap64 = rawname.p[1] == 'S';
        }
        if (!name || bookkeeping(name))
            continue;
        const char *full = oi_arena_printf(f->mem, "%s(%s)", f->name, name);
        if (!full || !oi_model_child(f, body, full, NULL))
            return OI_NOMEM;
    }
    f->info.nsections = (uint32_t)f->children.n;
    return OI_OK;
}

const oi_format_ops oi_ar_ops = {
    .name = "ar",
    .format = OI_FORMAT_AR,
    .probe = ar_probe,
    .open = ar_open,
};
