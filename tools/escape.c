#define _GNU_SOURCE 1   /* fwrite_unlocked */
#include "out.h"
#include "obuf.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned min, cp;
    if ((c & 0xe0) == 0xc0) { n = 2; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { n = 3; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { n = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    /* C1 controls (U+0080..U+009F) act on terminals too */
    if (cp >= 0x80 && cp <= 0x9f)
        return 0;
    return n;
}

/* Bytes that pass unescaped to a terminal: printable ASCII but the
 * backslash (0x5c). A name is copied in runs of these, not byte by byte;
 * bytes 0x80 and up are 0 here and take the UTF-8 path. */
static const unsigned char text_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};
/* The same for JSON string bytes: printable ASCII but '"' and the backslash. */
static const unsigned char json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};

/* The length of the run of bytes at p that tab lets through. */
static inline size_t plain_run(const unsigned char *tab, const unsigned char *p)
{
    const unsigned char *q = p;
    /* a byte is read only after the one before it passed, so the run
     * never reads past the string's NUL */
    for (;;) {
        if (!tab[q[0]]) break;
        if (!tab[q[1]]) { q += 1; break; }
        if (!tab[q[2]]) { q += 2; break; }
        if (!tab[q[3]]) { q += 3; break; }
        q += 4;
    }
    return (size_t)(q - p);
}

static void hex_escape(char out[4], const char *prefix2, unsigned c)
{
    static const char hex[] = "0123456789abcdef";
    out[0] = prefix2[0];
    out[1] = prefix2[1];
    out[2] = hex[c >> 4];
    out[3] = hex[c & 15];
}

void out_escaped(FILE *o, const char *s)
{
    if (!s) {
        fputs("<?>", o);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    flockfile(o);
    for (;;) {
        size_t run = plain_run(text_plain, p);
        if (run) {
            fwrite_unlocked(p, 1, run, o);
            p += run;
        }
        if (!*p)
            break;
        if (*p == '\\') {
            fwrite_unlocked("\\\\", 1, 2, o);
            p++;
            continue;
        }
        size_t n = *p >= 0x80 ? utf8_len(p) : 0;
        if (n) {
            fwrite_unlocked(p, 1, n, o);
            p += n;
        } else {
            char e[4];
            hex_escape(e, "\\x", *p++);
            fwrite_unlocked(e, 1, 4, o);
        }
    }
    funlockfile(o);
}

/* The length of the run of plain bytes among the n bytes at p (the string
 * has n bytes before its NUL). Sixteen bytes are tested at a time with
 * vector compares (GCC/Clang vector extensions: SSE2 on x86-64, NEON on
 * arm64), so a typical 70-byte C++ name costs a few operations a block
 * instead of a table look-up a byte; the tail and the first special byte
 * go through the table. Only the string's own bytes are read. */
#if defined(__GNUC__)
typedef unsigned char oi_v16 __attribute__((vector_size(16)));
#define HAVE_V16 1
#endif

static inline size_t plain_run_n(const unsigned char *tab, bool is_json, const unsigned char *p,
                                 size_t n)
{
    size_t i = 0;
#ifdef HAVE_V16
    for (; i + 16 <= n; i += 16) {
        oi_v16 x;
        memcpy(&x, p + i, 16);
        oi_v16 bad = (oi_v16)((x < 0x20) | (x > 0x7e) | (x == 0x5c));
        if (is_json)
            bad |= (oi_v16)(x == 0x22);
        uint64_t w[2];
        memcpy(w, &bad, 16);
        if (w[0] | w[1])
            break;
    }
    /* the last partial block: test the 16 bytes that end the string (some
     * tested twice) rather than one at a time */
    if (i < n && n >= 16 && i + 16 > n) {
        oi_v16 x;
        memcpy(&x, p + n - 16, 16);
        oi_v16 bad = (oi_v16)((x < 0x20) | (x > 0x7e) | (x == 0x5c));
        if (is_json)
            bad |= (oi_v16)(x == 0x22);
        uint64_t w[2];
        memcpy(w, &bad, 16);
        if (!(w[0] | w[1]))
            return n;
    }
#else
    (void)is_json;
#endif
    while (i < n && tab[p[i]])
        i++;
    return i;
}

void ob_escaped(obuf *b, const char *s)
{
    if (!s) {
        ob_write(b, "<?>", 3);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    for (;;) {
        size_t run = plain_run_n(text_plain, false, p, left);
        if (run) {
            ob_write(b, p, run);
            p += run;
            left -= run;
        }
        if (!left)
            return;
        if (*p == '\\') {
            ob_write(b, "\\\\", 2);
            p++;
            left--;
            continue;
        }
        size_t n = *p >= 0x80 ? utf8_len(p) : 0;
        if (n) {
            ob_write(b, p, n);
            p += n;
            left -= n;
        } else {
            ob_reserve(b, 4);
            hex_escape(b->b + b->n, "\\x", *p++);
            b->n += 4;
            left--;
        }
    }
}

size_t out_escaped_width(const char *s)
{
    if (!s)
        return 3;
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p >= 0x20 && *p < 0x7f) {
            w += *p == '\\' ? 2 : 1;
            p++;
            continue;
        }
        size_t n = *p >= 0x80 ? utf8_len(p) : 0;
        if (n) {
            w += 1;
            p += n;
        } else {
            w += 4;
            p++;
        }
    }
    return w;
}

/* ------------------------------------------------------------ JSON */

/* The writer's output: the buffer when it has one, else the FILE. */
static inline void j_write(json *j, const char *p, size_t n)
{
    if (j->b)
        ob_write(j->b, p, n);
    else
        fwrite(p, 1, n, j->o);
}

static inline void j_putc(json *j, char c)
{
    if (j->b)
        ob_putc(j->b, c);
    else
        fputc(c, j->o);
}

static void json_sep(json *j, const char *key)
{
    char sep[80];
    size_t n = 0;
    if (j->depth > 0 && j->depth < 64) {
        if (j->need_comma[j->depth])
            sep[n++] = ',';
        j->need_comma[j->depth] = true;
    }
    if (key) {
        size_t kl = strlen(key);   /* keys are ours, plain ASCII */
        if (kl > sizeof sep - 4) {
            j_write(j, sep, n);
            j_putc(j, '"');
            j_write(j, key, kl);
            j_write(j, "\":", 2);
            return;
        }
        sep[n++] = '"';
        memcpy(sep + n, key, kl);
        n += kl;
        sep[n++] = '"';
        sep[n++] = ':';
    }
    if (n)
        j_write(j, sep, n);
}

/* JSON strings must be valid UTF-8: valid sequences pass, an invalid byte
 * is written as the code point U+00NN of the same value (documented in the
 * README), control characters as \u00NN. */
static size_t json_special(const unsigned char *p, char out[8], size_t *used)
{
    static const char hex[] = "0123456789abcdef";
    if (*p == '"' || *p == '\\') {
        out[0] = '\\';
        out[1] = (char)*p;
        *used = 1;
        return 2;
    }
    size_t n = *p >= 0x80 ? utf8_len(p) : 0;
    if (n) {
        memcpy(out, p, n);
        *used = n;
        return n;
    }
    memcpy(out, "\\u00", 4);
    out[4] = hex[*p >> 4];
    out[5] = hex[*p & 15];
    *used = 1;
    return 6;
}

static void json_string(json *j, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    j_putc(j, '"');
    for (;;) {
        size_t run = plain_run_n(json_plain, true, p, left);
        if (run) {
            j_write(j, (const char *)p, run);
            p += run;
            left -= run;
        }
        if (!left)
            break;
        char e[8];
        size_t used, n = json_special(p, e, &used);
        j_write(j, e, n);
        p += used;
        left -= used;
    }
    j_putc(j, '"');
}

void ob_json_string(obuf *b, const char *s)
{
    json j = { .b = b };
    json_string(&j, s);
}

static void json_open(json *j, const char *key, char c)
{
    json_sep(j, key);
    j_putc(j, c);
    j->depth++;
    if (j->depth < 64)
        j->need_comma[j->depth] = false;
}

void json_begin_object(json *j, const char *key) { json_open(j, key, '{'); }
void json_begin_array(json *j, const char *key) { json_open(j, key, '['); }
void json_end_object(json *j) { j->depth--; j_putc(j, '}'); }
void json_end_array(json *j) { j->depth--; j_putc(j, ']'); }

void json_str(json *j, const char *key, const char *s)
{
    json_sep(j, key);
    if (s)
        json_string(j, s);
    else
        j_write(j, "null", 4);
}

void json_int(json *j, const char *key, long long v)
{
    char num[24];
    json_sep(j, key);
    j_write(j, num, ob_fmt_dec(num, v));
}

void json_uint(json *j, const char *key, unsigned long long v)
{
    char num[24];
    json_sep(j, key);
    j_write(j, num, ob_fmt_udec(num, v));
}

void json_hex(json *j, const char *key, unsigned long long v)
{
    char num[24];
    json_sep(j, key);
    memcpy(num, "\"0x", 3);
    size_t n = 3 + ob_fmt_hex(num + 3, v, 1);
    num[n++] = '"';
    j_write(j, num, n);
}

void json_bool(json *j, const char *key, bool v)
{
    json_sep(j, key);
    if (v)
        j_write(j, "true", 4);
    else
        j_write(j, "false", 5);
}

void json_null(json *j, const char *key)
{
    json_sep(j, key);
    j_write(j, "null", 4);
}
