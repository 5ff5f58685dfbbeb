#include "view.h"

#include <string.h>

bool oi_view_sub(oi_view v, uint64_t off, uint64_t len, oi_view *out)
{
    if (!oi_range_ok(v.n, off, len)) {
        *out = (oi_view){ NULL, 0 };
        return false;
    }
    *out = (oi_view){ v.p + off, (size_t)len };
    return true;
}

bool oi_view_tail(oi_view v, uint64_t off, oi_view *out)
{
    if (off > v.n) {
        *out = (oi_view){ NULL, 0 };
        return false;
    }
    return oi_view_sub(v, off, v.n - off, out);
}

bool oi_view_array(oi_view v, uint64_t off, uint64_t count, uint64_t elsize,
                   oi_view *out)
{
    if (elsize != 0 && count > UINT64_MAX / elsize) {
        *out = (oi_view){ NULL, 0 };
        return false;
    }
    return oi_view_sub(v, off, count * elsize, out);
}

const char *oi_view_cstr_len(oi_view v, uint64_t off, size_t *len)
{
    if (off >= v.n)
        return NULL;
    const uint8_t *s = v.p + off;
    const uint8_t *nul = memchr(s, 0, v.n - (size_t)off);
    if (!nul)
        return NULL;
    if (len)
        *len = (size_t)(nul - s);
    return (const char *)s;
}

const char *oi_view_cstr(oi_view v, uint64_t off)
{
    return oi_view_cstr_len(v, off, NULL);
}

static void fail(oi_cur *c)
{
    oi_cur_fail_(c);
}

static const uint8_t *need(oi_cur *c, uint64_t n)
{
    return oi_cur_need_(c, n);
}

/* The uleb128 of more than one byte (oi_uleb reads one-byte values
 * inline): one bound for the whole run instead of a check per byte. */
uint64_t oi_uleb_long_(oi_cur *c)
{
    if (c->bad)
        return 0;
    const uint8_t *p = c->v.p + c->pos, *end = c->v.p + c->v.n;
    uint64_t v = 0;
    unsigned shift = 0;
    for (const uint8_t *q = p; q < end; q++, shift += 7) {
        uint64_t bits = *q & 0x7f;
        /* at most 10 bytes, and the 10th may only carry bit 63 */
        if (shift == 63 && (bits > 1 || (*q & 0x80))) {
            fail(c);
            return 0;
        }
        v |= bits << shift;
        if (!(*q & 0x80)) {
            c->pos += (size_t)(q - p) + 1;
            return v;
        }
    }
    c->pos = c->v.n;   /* ran off the end: bad where the next byte would be */
    fail(c);
    return 0;
}

int64_t oi_sleb(oi_cur *c)
{
    uint64_t v = 0;
    unsigned shift = 0;
    size_t start = c->pos;
    uint8_t byte;
    for (;;) {
        const uint8_t *p = need(c, 1);
        if (!p)
            return 0;
        byte = *p;
        uint64_t bits = byte & 0x7f;
        if (shift == 63) {
            /* last byte: only 0x00 (positive) or 0x7f (negative) fit */
            if (bits != 0 && bits != 0x7f) {
                c->pos = start;
                fail(c);
                return 0;
            }
            v |= bits << 63;
            if (byte & 0x80) {
                c->pos = start;
                fail(c);
                return 0;
            }
            return (int64_t)v;
        }
        v |= bits << shift;
        shift += 7;
        if (!(byte & 0x80))
            break;
    }
    if (shift < 64 && (byte & 0x40))
        v |= ~(uint64_t)0 << shift;
    return (int64_t)v;
}

oi_view oi_take(oi_cur *c, uint64_t n)
{
    const uint8_t *p = need(c, n);
    return p ? (oi_view){ p, (size_t)n } : (oi_view){ NULL, 0 };
}

const char *oi_take_cstr(oi_cur *c)
{
    if (c->bad) return NULL;
    size_t len;
    const char *s = oi_view_cstr_len(c->v, c->pos, &len);
    if (!s) {
        fail(c);
        return NULL;
    }
    c->pos += len + 1;
    return s;
}

oi_view oi_take_fixed(oi_cur *c, size_t n)
{
    const uint8_t *p = need(c, n);
    if (!p)
        return (oi_view){ NULL, 0 };
    const uint8_t *nul = memchr(p, 0, n);
    return (oi_view){ p, nul ? (size_t)(nul - p) : n };
}
