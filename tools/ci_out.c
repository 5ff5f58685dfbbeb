/* SARIF and JUnit helpers for the CI output of `check` and `diff`. */
#include "ci_out.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (2..4), 0 when it is not one. */
static size_t utf8_seq(const unsigned char *p)
{
    unsigned c = p[0], cp, min;
    size_t n;
    if ((c & 0xe0) == 0xc0) { n = 2; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { n = 3; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { n = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
        (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff)
        return 0;
    return n;
}

void xml_escaped(FILE *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned c = *p;
        switch (c) {
        case '&': fputs("&amp;", o); p++; continue;
        case '<': fputs("&lt;", o); p++; continue;
        case '>': fputs("&gt;", o); p++; continue;
        case '"': fputs("&quot;", o); p++; continue;
        case '\'': fputs("&apos;", o); p++; continue;
        }
        if (c >= 0x20 && c < 0x7f) {
            fputc((int)c, o);
            p++;
        } else if (c >= 0x80 && utf8_seq(p)) {
            size_t n = utf8_seq(p);
            fwrite(p, 1, n, o);
            p += n;
        } else {
            fprintf(o, "\\x%02x", c);
            p++;
        }
    }
}

void sarif_uri(json *j, const char *key, const char *path)
{
    char buf[4096 * 3 + 16];
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)path;
    if (*p == '/') {
        memcpy(buf, "file://", 7);
        n = 7;
    }
    for (; *p && n + 4 < sizeof buf; p++) {
        unsigned c = *p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (plain)
            buf[n++] = (char)c;
        else
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%%%02X", c);
    }
    buf[n] = 0;
    json_str(j, key, buf);
}

void sarif_begin(json *j)
{
    json_begin_object(j, NULL);
    json_str(j, "$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json");
    json_str(j, "version", "2.1.0");
    json_begin_array(j, "runs");
    json_begin_object(j, NULL);
    json_begin_object(j, "tool");
    json_begin_object(j, "driver");
    json_str(j, "name", "objinspect");
    json_str(j, "version", OI_VERSION_STRING);
    json_str(j, "semanticVersion", OI_VERSION_STRING);
    json_begin_array(j, "rules");
}

void sarif_begin_results(json *j)
{
    json_end_array(j);    /* rules */
    json_end_object(j);   /* driver */
    json_end_object(j);   /* tool */
    json_begin_array(j, "results");
}

void sarif_end(json *j, bool success, int exit_code, FILE *notes)
{
    json_end_array(j);    /* results */
    json_begin_array(j, "invocations");
    json_begin_object(j, NULL);
    json_bool(j, "executionSuccessful", success);
    json_int(j, "exitCode", exit_code);
    if (notes && ftell(notes) > 0) {
        json_begin_array(j, "toolExecutionNotifications");
        spool_copy(j->o, notes);
        json_end_array(j);
    }
    json_end_object(j);
    json_end_array(j);    /* invocations */
    json_end_object(j);   /* run */
    json_end_array(j);    /* runs */
    json_end_object(j);
    fputc('\n', j->o);
}

void spool_copy(FILE *o, FILE *spool)
{
    char buf[65536];
    size_t n;
    rewind(spool);
    while ((n = fread(buf, 1, sizeof buf, spool)) > 0)
        fwrite(buf, 1, n, o);
}
