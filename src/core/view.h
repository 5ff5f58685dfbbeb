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

/* Byte-order helpers for fixed offsets in a view already checked long enough. */
uint16_t oi_get16(const uint8_t *p, bool big);
uint32_t oi_get32(const uint8_t *p, bool big);
uint64_t oi_get64(const uint8_t *p, bool big);

/* Cursor over v, starting at off. */
oi_cur oi_cur_make(oi_view v, size_t off, bool big);
static inline bool oi_ok(const oi_cur *c) { return !c->bad; }
static inline size_t oi_left(const oi_cur *c) { return c->bad ? 0 : c->v.n - c->pos; }

void oi_seek(oi_cur *c, uint64_t off);   /* out of range makes the cursor bad */
void oi_skip(oi_cur *c, uint64_t n);
uint8_t oi_u8(oi_cur *c);
uint16_t oi_u16(oi_cur *c);
uint32_t oi_u32(oi_cur *c);
uint64_t oi_u64(oi_cur *c);
/* 32- or 64-bit word, by class. */
uint64_t oi_word(oi_cur *c, bool is64);
/* LEB128, rejecting encodings that do not fit 64 bits. */
uint64_t oi_uleb(oi_cur *c);
int64_t oi_sleb(oi_cur *c);
/* n raw bytes as a view (empty when bad). */
oi_view oi_take(oi_cur *c, uint64_t n);
/* A NUL-terminated string; the NUL must be inside the view. */
const char *oi_take_cstr(oi_cur *c);
/* A fixed-width field of n bytes, NUL-padded (e.g. a section name): the
 * bytes up to the first NUL or n. Returns a view of those bytes. */
oi_view oi_take_fixed(oi_cur *c, size_t n);

#endif
