/* Output helpers for the CLI: escaping of file-supplied names, a streaming
 * JSON writer, and the printers. Only the public API is used here. */
#ifndef OI_TOOLS_OUT_H
#define OI_TOOLS_OUT_H

#include "objinspect.h"

#include <stdbool.h>
#include <stdio.h>

/* Write s so that no terminal control byte gets through: printable ASCII and
 * valid UTF-8 pass, anything else becomes \xNN; NULL prints as "<?>". */
void out_escaped(FILE *o, const char *s);
/* Display width of s once escaped. */
size_t out_escaped_width(const char *s);

/* A streaming JSON writer that inserts commas itself. */
typedef struct json {
    FILE *o;
    int depth;
    bool need_comma[64];
    bool pretty;
} json;

void json_begin_object(json *j, const char *key);
void json_end_object(json *j);
void json_begin_array(json *j, const char *key);
void json_end_array(json *j);
void json_str(json *j, const char *key, const char *s);   /* NULL -> null */
void json_int(json *j, const char *key, long long v);
void json_uint(json *j, const char *key, unsigned long long v);
void json_hex(json *j, const char *key, unsigned long long v); /* "0x..." string */
void json_bool(json *j, const char *key, bool v);
void json_null(json *j, const char *key);

typedef struct print_opts {
    bool all;         /* list data and TLS exports too */
    bool json;
    const char *arch; /* fat slice selection */
    bool color;
    bool demangle;    /* -C: show demangled names in text output */
} print_opts;

/* The per-file document (summary or JSON). */
void print_file_text(FILE *o, oi_file *f, const print_opts *po);
void print_file_json(json *j, oi_file *f, const print_opts *po);
void print_export_json(json *j, const char *key, const oi_export *e);
/* The same, with the file it came from (Mach-O names lose their leading
 * '_' before demangling); f may be NULL. */
void print_export_json_of(json *j, const char *key, oi_file *f, const oi_export *e);
/* The name to show for e: demangled with -C (into the file's arena), else
 * the name itself (NULL for a nameless export). */
const char *print_export_name(oi_file *f, const oi_export *e, const print_opts *po);
/* The calling-convention facts of abi_flags as JSON strings. */
void print_abi_flags_json(json *j, const char *key, uint32_t flags);
void print_diags_text(FILE *o, oi_file *f);

#endif
