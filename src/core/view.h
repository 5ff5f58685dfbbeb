/*
 * Bounded views and the sticky-error cursor: the only code that touches file
 * bytes. A view never owns its bytes. Every range is checked without
 * overflow; after the first failed read a cursor returns 0 for every later
 * read, so a parser reads a whole record and checks oi_ok() once.
 */
#ifndef OI_CORE_VIEW_H
#define OI_CORE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct oi_view {
    const uint8_t *p;
    size_t n;
} oi_view;

typedef struct oi_cur {
    oi_view v;
    size_t pos;
    bool big;        /* read integers big-endian */
    bool bad;        /* sticky: some read failed */
    size_t bad_at;   /* position of the first failed read */
} oi_cur;

static inline oi_view oi_view_make(const void *p, size_t n)
{
    oi_view v = { (const uint8_t *)p, p ? n : 0 };
    return v;
}

/* True when [off, off+len) lies inside v (no overflow). */
static inline bool oi_range_ok(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* Sub-view [off, off+len). False (and *out empty) when out of range. */
bool oi_view_sub(oi_view v, uint64_t off, uint64_t len, oi_view *out);
/* Sub-view from off to the end. */
bool oi_view_tail(oi_view v, uint64_t off, oi_view *out);
/* count elements of elsize bytes at off: checks count*elsize for overflow. */
bool oi_view_array(oi_view v, uint64_t off, uint64_t count, uint64_t elsize,
                   oi_view *out);
/* The NUL-terminated string at off; NULL unless its NUL lies inside v. */
const char *oi_view_cstr(oi_view v, uint64_t off);
/* Like oi_view_cstr, also returning its length. */
const char *oi_view_cstr_len(oi_view v, uint64_t off, size_t *len);

/* Byte-order helpers for fixed offsets in a view already checked long enough.
 * The readers below are inline: a parser calls them once per field of
 * every record (a trie walk, a symbol table), and a call each costs more
 * than the read itself. */
static inline uint16_t oi_get16(const uint8_t *p, bool big)
{
    return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t oi_get32(const uint8_t *p, bool big)
{
    if (big)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t oi_get64(const uint8_t *p, bool big)
{
    uint64_t hi = oi_get32(p + (big ? 0 : 4), big);
    uint64_t lo = oi_get32(p + (big ? 4 : 0), big);
    return hi << 32 | lo;
}

static inline void oi_cur_fail_(oi_cur *c)
{
    if (!c->bad) {
        c->bad = true;
        c->bad_at = c->pos;
    }
}

/* Reserve n bytes at the cursor; NULL (and the cursor bad) if they are not there. */
static inline const uint8_t *oi_cur_need_(oi_cur *c, uint64_t n)
{
    if (c->bad || !oi_range_ok(c->v.n, c->pos, n)) {
        oi_cur_fail_(c);
        return NULL;
    }
    const uint8_t *p = c->v.p + c->pos;
    c->pos += (size_t)n;
    return p;
}

/* out of range makes the cursor bad */
static inline void oi_seek(oi_cur *c, uint64_t off)
{
    if (c->bad)
        return;
    if (off > c->v.n) {
        oi_cur_fail_(c);
        return;
    }
    c->pos = (size_t)off;
}

/* Cursor over v, starting at off. */
static inline oi_cur oi_cur_make(oi_view v, size_t off, bool big)
{
    oi_cur c = { v, 0, big, false, 0 };
    oi_seek(&c, off);
    return c;
}

static inline bool oi_ok(const oi_cur *c) { return !c->bad; }
static inline size_t oi_left(const oi_cur *c) { return c->bad ? 0 : c->v.n - c->pos; }

static inline void oi_skip(oi_cur *c, uint64_t n) { oi_cur_need_(c, n); }

static inline uint8_t oi_u8(oi_cur *c)
{
    const uint8_t *p = oi_cur_need_(c, 1);
    return p ? p[0] : 0;
}

static inline uint16_t oi_u16(oi_cur *c)
{
    const uint8_t *p = oi_cur_need_(c, 2);
    return p ? oi_get16(p, c->big) : 0;
}

static inline uint32_t oi_u32(oi_cur *c)
{
    const uint8_t *p = oi_cur_need_(c, 4);
    return p ? oi_get32(p, c->big) : 0;
}

static inline uint64_t oi_u64(oi_cur *c)
{
    const uint8_t *p = oi_cur_need_(c, 8);
    return p ? oi_get64(p, c->big) : 0;
}

/* 32- or 64-bit word, by class. */
static inline uint64_t oi_word(oi_cur *c, bool is64)
{
    return is64 ? oi_u64(c) : oi_u32(c);
}

uint64_t oi_uleb_long_(oi_cur *c);
/* LEB128, rejecting encodings that do not fit 64 bits. A one-byte value
 * (most trie edges, flags and sizes) is read inline. */
static inline uint64_t oi_uleb(oi_cur *c)
{
    if (!c->bad && c->pos < c->v.n && !(c->v.p[c->pos] & 0x80))
        return c->v.p[c->pos++];
    return oi_uleb_long_(c);
}
int64_t oi_sleb(oi_cur *c);
/* n raw bytes as a view (empty when bad). */
oi_view oi_take(oi_cur *c, uint64_t n);
/* A NUL-terminated string; the NUL must be inside the view. */
const char *oi_take_cstr(oi_cur *c);
/* A fixed-width field of n bytes, NUL-padded (e.g. a section name): the
 * bytes up to the first NUL or n. Returns a view of those bytes. */
oi_view oi_take_fixed(oi_cur *c, size_t n);

#endif
