/*
 * One large output buffer for the listings. A listing of libLLVM is 45k
 * lines of five or six fields each; printf per field, and fputc per
 * character of an escaped name, cost more than reading the file (the
 * benchmark measured three quarters of the time in stdio). Here each field
 * is appended to one buffer with our own hex and decimal formatting, plain
 * ASCII names are copied in runs, and the buffer goes to the FILE in large
 * blocks (glibc writes a block that big straight through, with no copy).
 *
 * The bytes are exactly those of the printf/out_escaped forms they replace
 * (%016llx, %-6s, %lld, "\xNN" escapes): the listings' text is a format
 * users parse, and the tests compare it.
 */
#ifndef OI_TOOLS_OBUF_H
#define OI_TOOLS_OBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OBUF_SIZE 65536
/* The longest single append that needs no check of its own: a number or
 * an escaped character is far shorter. */
#define OBUF_SLACK 64

typedef struct obuf {
    FILE *o;
    size_t n;
    bool failed;          /* a write to o failed (reported by the FILE's error flag too) */
    char b[OBUF_SIZE];
} obuf;

/* Start a buffer writing to o (it holds 64 KiB: allocate it, or keep it
 * static, rather than on a small stack). */
void ob_init(obuf *b, FILE *o);
/* Write what is buffered to the FILE (the FILE keeps its own buffering). */
void ob_flush(obuf *b);

void ob_write_slow(obuf *b, const void *p, size_t n);

static inline void ob_reserve(obuf *b, size_t n)
{
    if (OBUF_SIZE - b->n < n)
        ob_flush(b);
}

static inline void ob_write(obuf *b, const void *p, size_t n)
{
    if (n <= OBUF_SIZE - b->n) {
        memcpy(b->b + b->n, p, n);
        b->n += n;
    } else {
        ob_write_slow(b, p, n);
    }
}

static inline void ob_putc(obuf *b, char c)
{
    if (b->n == OBUF_SIZE)
        ob_flush(b);
    b->b[b->n++] = c;
}

static inline void ob_str(obuf *b, const char *s)
{
    ob_write(b, s, strlen(s));
}

/* s left-aligned in a field of w columns, as printf's "%-*s" (s is one of
 * our own plain-ASCII names: kind, binding, visibility). */
void ob_left(obuf *b, const char *s, size_t w);
/* n spaces. */
void ob_spaces(obuf *b, size_t n);
/* v in lower-case hex, zero-padded to at least digits (printf "%0*llx"). */
void ob_hex(obuf *b, uint64_t v, unsigned digits);
/* v in decimal (printf "%llu" / "%lld"). */
void ob_udec(obuf *b, uint64_t v);
void ob_dec(obuf *b, int64_t v);
/* The same into out (at least 20 bytes, or digits for a wider hex);
 * each returns the length written. */
size_t ob_fmt_hex(char *out, uint64_t v, unsigned digits);
size_t ob_fmt_udec(char *out, uint64_t v);
size_t ob_fmt_dec(char *out, int64_t v);
/* s escaped exactly as out_escaped() does (NULL prints "<?>"). */
void ob_escaped(obuf *b, const char *s);
/* A JSON string literal of s, exactly as the JSON writer writes it. */
void ob_json_string(obuf *b, const char *s);

#endif
