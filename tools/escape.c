#include "out.h"

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

void out_escaped(FILE *o, const char *s)
{
    if (!s) {
        fputs("<?>", o);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
            fputc(*p++, o);
            continue;
        }
        if (*p == '\\') {
            fputs("\\\\", o);
            p++;
            continue;
        }
        size_t n = *p >= 0x80 ? utf8_len(p) : 0;
        if (n) {
            fwrite(p, 1, n, o);
            p += n;
        } else {
            fprintf(o, "\\x%02x", *p++);
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

static void json_sep(json *j, const char *key)
{
    if (j->depth > 0 && j->depth < 64) {
        if (j->need_comma[j->depth])
            fputc(',', j->o);
        j->need_comma[j->depth] = true;
    }
    if (key) {
        fputc('"', j->o);
        fputs(key, j->o);   /* keys are ours, plain ASCII */
        fputs("\":", j->o);
    }
}

/* JSON strings must be valid UTF-8: valid sequences pass, an invalid byte
 * is written as the code point U+00NN of the same value (documented in the
 * README), control characters as \u00NN. */
static void json_string(FILE *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', o);
    while (*p) {
        if (*p == '"' || *p == '\\') {
            fputc('\\', o);
            fputc(*p++, o);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(o, "\\u%04x", *p++);
        } else if (*p < 0x80) {
            fputc(*p++, o);
        } else {
            size_t n = utf8_len(p);
            if (n) {
                fwrite(p, 1, n, o);
                p += n;
            } else {
                fprintf(o, "\\u%04x", *p++);
            }
        }
    }
    fputc('"', o);
}

static void json_open(json *j, const char *key, char c)
{
    json_sep(j, key);
    fputc(c, j->o);
    j->depth++;
    if (j->depth < 64)
        j->need_comma[j->depth] = false;
}

void json_begin_object(json *j, const char *key) { json_open(j, key, '{'); }
void json_begin_array(json *j, const char *key) { json_open(j, key, '['); }
void json_end_object(json *j) { j->depth--; fputc('}', j->o); }
void json_end_array(json *j) { j->depth--; fputc(']', j->o); }

void json_str(json *j, const char *key, const char *s)
{
    json_sep(j, key);
    if (s)
        json_string(j->o, s);
    else
        fputs("null", j->o);
}

void json_int(json *j, const char *key, long long v)
{
    json_sep(j, key);
    fprintf(j->o, "%lld", v);
}

void json_uint(json *j, const char *key, unsigned long long v)
{
    json_sep(j, key);
    fprintf(j->o, "%llu", v);
}

void json_hex(json *j, const char *key, unsigned long long v)
{
    json_sep(j, key);
    fprintf(j->o, "\"0x%llx\"", v);
}

void json_bool(json *j, const char *key, bool v)
{
    json_sep(j, key);
    fputs(v ? "true" : "false", j->o);
}

void json_null(json *j, const char *key)
{
    json_sep(j, key);
    fputs("null", j->o);
}
