/* The listings' output buffer: plain appends and our own number formatting.
 * The escaping appends (ob_escaped, ob_json_string) live in escape.c, beside
 * the FILE forms whose bytes they must match. */
#define _GNU_SOURCE 1   /* fwrite_unlocked */
#include "obuf.h"

void ob_init(obuf *b, FILE *o)
{
    b->o = o;
    b->n = 0;
    b->failed = false;
}

void ob_flush(obuf *b)
{
    if (b->n && fwrite_unlocked(b->b, 1, b->n, b->o) != b->n)
        b->failed = true;
    b->n = 0;
}

void ob_write_slow(obuf *b, const void *p, size_t n)
{
    ob_flush(b);
    if (n <= OBUF_SIZE) {
        memcpy(b->b, p, n);
        b->n = n;
    } else if (fwrite_unlocked(p, 1, n, b->o) != n) {
        b->failed = true;
    }
}

void ob_spaces(obuf *b, size_t n)
{
    static const char sp[32] = "                                ";
    while (n) {
        size_t k = n < sizeof sp ? n : sizeof sp;
        ob_write(b, sp, k);
        n -= k;
    }
}

void ob_left(obuf *b, const char *s, size_t w)
{
    size_t n = strlen(s);
    ob_write(b, s, n);
    if (n < w)
        ob_spaces(b, w - n);
}

size_t ob_fmt_hex(char *out, uint64_t v, unsigned digits)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[16];
    unsigned n = 0;
    do {
        tmp[15 - n++] = hex[v & 15];
        v >>= 4;
    } while (v);
    size_t len = 0;
    for (; digits > n; digits--)
        out[len++] = '0';
    memcpy(out + len, tmp + 16 - n, n);
    return len + n;
}

size_t ob_fmt_udec(char *out, uint64_t v)
{
    char tmp[20];
    unsigned n = 0;
    do {
        tmp[19 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(out, tmp + 20 - n, n);
    return n;
}

size_t ob_fmt_dec(char *out, int64_t v)
{
    if (v >= 0)
        return ob_fmt_udec(out, (uint64_t)v);
    out[0] = '-';
    return 1 + ob_fmt_udec(out + 1, (uint64_t)0 - (uint64_t)v);
}

/* Two hex digits per byte value: a 16-digit address is eight stores. */
static const char hex_pairs[513] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

void ob_hex(obuf *b, uint64_t v, unsigned digits)
{
    if (digits == 16) {   /* the listings' address column */
        ob_reserve(b, 16);
        char *out = b->b + b->n;
        for (int i = 7; i >= 0; i--, v >>= 8)
            memcpy(out + 2 * i, hex_pairs + 2 * (v & 0xff), 2);
        b->n += 16;
        return;
    }
    for (; digits > 16; digits--)
        ob_putc(b, '0');
    ob_reserve(b, OBUF_SLACK);
    b->n += ob_fmt_hex(b->b + b->n, v, digits);
}

void ob_udec(obuf *b, uint64_t v)
{
    ob_reserve(b, OBUF_SLACK);
    b->n += ob_fmt_udec(b->b + b->n, v);
}

void ob_dec(obuf *b, int64_t v)
{
    ob_reserve(b, OBUF_SLACK);
    b->n += ob_fmt_dec(b->b + b->n, v);
}
