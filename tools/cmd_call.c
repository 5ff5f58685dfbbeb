/*
 * objinspect call FILE [NAME...] [--ffi ctypes|cffi]: how to call each
 * exported function. For each one it prints how the loader finds it (the
 * lookup path), the calling convention and how we know it, the demangled
 * signature when there is one, and, with --ffi, a ready-to-paste Python
 * binding stub instead:
 *
 *   --ffi ctypes   ctypes.CDLL or ctypes.WinDLL chosen from the convention,
 *                  C++ names called through their mangled symbol, argtypes
 *                  (and restype, when the mangling has it) from the
 *                  demangled signature where every type is plain;
 *   --ffi cffi     ffi.cdef lines (types from the signature, or from the
 *                  x86 @N argument bytes, marked when they are a guess).
 *
 * Everything from the file is escaped: strings through py_str (a Python
 * literal with \xNN escapes), comments through out_escaped (no control
 * bytes, so no line break can end a comment early).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { FFI_NONE, FFI_CTYPES, FFI_CFFI } ffi_kind;

typedef struct call_opts {
    ffi_kind ffi;
} call_opts;

static int call_option(void *ctx, int argc, char **argv, int *i)
{
    call_opts *co = ctx;
    const char *a = argv[*i], *v = NULL;
    if (strcmp(a, "--ffi") == 0) {
        if (++*i >= argc)
            return cli_usage_error("%s needs an argument (ctypes or cffi)", a);
        v = argv[*i];
    } else if (strncmp(a, "--ffi=", 6) == 0) {
        v = a + 6;
    } else {
        return -1;
    }
    if (strcmp(v, "ctypes") == 0)
        co->ffi = FFI_CTYPES;
    else if (strcmp(v, "cffi") == 0)
        co->ffi = FFI_CFFI;
    else
        return cli_usage_error("unknown --ffi '%s' (ctypes or cffi)", v);
    return 0;
}

/* ------------------------------------------------------------ escaping */

/* A Python string literal: printable ASCII passes, the rest is \xNN. */
static void py_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\' || *p == '"')
            fprintf(o, "\\%c", *p);
        else if (*p >= 0x20 && *p < 0x7f)
            fputc(*p, o);
        else
            fprintf(o, "\\x%02x", *p);
    }
    fputc('"', o);
}

/* Write a Python identifier made from s: other characters become '_' and
 * the result then gets the export's index as a suffix (so two names cannot
 * meet); a keyword or a name the stub itself uses gets a trailing '_'. */
static void py_ident(FILE *o, const char *s, size_t uniq)
{
    static const char *const reserved[] = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
        "return", "try", "while", "with", "yield", "ctypes", "os", "ffi", "lib", "FFI",
        "_cdll", "_windll", "_path",
    };
    bool changed = !s || !*s || (*s >= '0' && *s <= '9');
    if (changed)
        fputs("fn_", o);
    for (const char *p = s ? s : ""; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_';
        fputc(ok ? c : '_', o);
        changed |= !ok;
    }
    if (changed)
        fprintf(o, "_%zu", uniq);
    else
        for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
            if (strcmp(s, reserved[i]) == 0)
                fputc('_', o);
}

/* Text inside the cffi cdef string (a Python """ literal holding a C
 * comment): ASCII only, no quote, backslash or comment end passes. */
static void cdef_comment(FILE *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (p[0] == '*' && p[1] == '/')
            fputs("* ", o);
        else if (*p == '"')
            fputs("\\\"", o);
        else if (*p == '\\')
            fputs("\\\\", o);
        else if (*p >= 0x20 && *p < 0x7f)
            fputc(*p, o);
        else
            fprintf(o, "\\\\x%02x", *p);
    }
}

/* ------------------------------------------------------------ signatures */

/* The parameter list and return type of a demangled signature, split into
 * plain C types. ok is false when a type is not plain (a class by value, a
 * reference, a template) or the text is not a signature. */
#define MAX_PARAMS 32
typedef struct sig {
    bool ok;
    bool has_ret;
    char ret[64];
    int nparams;
    char params[MAX_PARAMS][64];
    bool variadic;
} sig;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = 0;
    size_t k = 0;
    while (s[k] == ' ')
        k++;
    memmove(s, s + k, n - k + 1);
}

/* Normalise "char const *" / "const char*" spacing: one space between
 * words, none before '*'. */
static void normalise(char *s)
{
    char out[64];
    size_t k = 0;
    for (size_t i = 0; s[i] && k + 2 < sizeof out; i++) {
        if (s[i] == ' ' && (s[i + 1] == '*' || s[i + 1] == ' ' || k == 0))
            continue;
        out[k++] = s[i];
    }
    out[k] = 0;
    strcpy(s, out);
    trim(s);
}

/* The ctypes name of a plain C type, or NULL. */
static const char *ctype_of(const char *t)
{
    static const struct { const char *c; const char *py; } tab[] = {
        { "int", "ctypes.c_int" }, { "unsigned int", "ctypes.c_uint" },
        { "long", "ctypes.c_long" }, { "unsigned long", "ctypes.c_ulong" },
        { "long long", "ctypes.c_longlong" }, { "unsigned long long", "ctypes.c_ulonglong" },
        { "__int64", "ctypes.c_int64" }, { "unsigned __int64", "ctypes.c_uint64" },
        { "short", "ctypes.c_short" }, { "unsigned short", "ctypes.c_ushort" },
        { "char", "ctypes.c_char" }, { "signed char", "ctypes.c_byte" },
        { "unsigned char", "ctypes.c_ubyte" }, { "bool", "ctypes.c_bool" },
        { "float", "ctypes.c_float" }, { "double", "ctypes.c_double" },
        { "long double", "ctypes.c_longdouble" }, { "wchar_t", "ctypes.c_wchar" },
        { "char const*", "ctypes.c_char_p" }, { "const char*", "ctypes.c_char_p" },
        { "char*", "ctypes.c_char_p" }, { "wchar_t const*", "ctypes.c_wchar_p" },
        { "const wchar_t*", "ctypes.c_wchar_p" }, { "wchar_t*", "ctypes.c_wchar_p" },
        { "void*", "ctypes.c_void_p" }, { "void const*", "ctypes.c_void_p" },
        { "const void*", "ctypes.c_void_p" }, { "void", "None" },
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(t, tab[i].c) == 0)
            return tab[i].py;
    /* any other pointer to a plain type is an address */
    size_t n = strlen(t);
    if (n > 1 && t[n - 1] == '*' && !strchr(t, '(') && !strchr(t, '<') && !strchr(t, '&') &&
        strncmp(t, "class ", 6) != 0 && strncmp(t, "struct ", 7) != 0)
        return "ctypes.c_void_p";
    return NULL;
}

/* The C spelling for cffi (the demangled spelling, which is C already). */
static bool plain(const char *t)
{
    return ctype_of(t) != NULL;
}

static void parse_sig(const char *d, bool msvc, sig *s)
{
    memset(s, 0, sizeof *s);
    if (!d)
        return;
    /* the parameter list: the last top-level (...) group */
    size_t n = strlen(d);
    if (n == 0)
        return;
    size_t end = n;
    while (end > 0 && d[end - 1] != ')')
        end--;
    if (end == 0)
        return;
    int depth = 0;
    size_t open = SIZE_MAX;
    for (size_t i = end; i-- > 0;) {
        if (d[i] == ')')
            depth++;
        else if (d[i] == '(' && --depth == 0) {
            open = i;
            break;
        }
    }
    if (open == SIZE_MAX)
        return;
    /* split the parameters at top-level commas */
    char buf[64];
    size_t k = 0;
    depth = 0;
    s->ok = true;
    for (size_t i = open + 1; i < end; i++) {
        char c = d[i];
        if (c == '(' || c == '<')
            depth++;
        if (c == ')' || c == '>')
            depth--;
        if ((c == ',' && depth == 0) || i + 1 == end) {
            if (!(c == ',' && depth == 0) && k + 1 < sizeof buf && c != ')')
                buf[k++] = c;
            buf[k] = 0;
            normalise(buf);
            k = 0;
            if (strcmp(buf, "...") == 0) {
                s->variadic = true;
                continue;
            }
            if (strcmp(buf, "void") == 0 && s->nparams == 0)
                continue;
            if (!buf[0] || s->nparams >= MAX_PARAMS || !plain(buf) || strcmp(buf, "void") == 0) {
                s->ok = false;
                continue;
            }
            strcpy(s->params[s->nparams++], buf);
            continue;
        }
        if (k + 1 < sizeof buf)
            buf[k++] = c;
        else
            s->ok = false;
    }
    /* MSVC signatures start with the return type: "int __cdecl f(...)" */
    if (msvc) {
        const char *cc = strstr(d, " __");
        const char *colon = strstr(d, ": ");
        const char *start = colon && colon < cc ? colon + 2 : d;
        if (strncmp(start, "static ", 7) == 0)
            start += 7;
        if (strncmp(start, "virtual ", 8) == 0)
            start += 8;
        if (cc && cc > start && (size_t)(cc - start) < sizeof s->ret) {
            memcpy(s->ret, start, (size_t)(cc - start));
            s->ret[cc - start] = 0;
            normalise(s->ret);
            s->has_ret = plain(s->ret);
        }
    }
}

/* ------------------------------------------------------------ printing */

static bool is_function(const oi_export *e)
{
    return e->kind == OI_KIND_FUNC || e->kind == OI_KIND_IFUNC ||
           (e->kind == OI_KIND_NOTYPE && !(e->abi_flags & OI_ABIF_DATA));
}

static bool wanted(const cli *c, const oi_export *e)
{
    if (c->nargs <= 1)
        return is_function(e);
    for (int i = 1; i < c->nargs; i++) {
        const char *q = c->args[i];
        if (e->name && strcmp(q, e->name) == 0)
            return true;
        if (q[0] == '#' && e->ordinal >= 0 && strtoll(q + 1, NULL, 10) == e->ordinal)
            return true;
    }
    return false;
}

/* The loader's path to e: the file's own lookup structure. */
static const char *lookup_path(oi_file *f, const oi_export *e)
{
    oi_lookup_result r;
    char q[32];
    const char *name = e->name;
    if (!name) {
        snprintf(q, sizeof q, "#%" PRId64, e->ordinal);
        name = q;
    }
    oi_status st = oi_lookup(f, name, e->version, NULL, NULL, &r);
    if (st == OI_OK && r.found)
        return r.path;
    return st == OI_NOTFOUND ? "not found by the loader's lookup" : oi_status_name(st);
}

static bool ctypes_callable(oi_callconv cc)
{
    return cc != OI_CC_FASTCALL && cc != OI_CC_VECTORCALL && cc != OI_CC_THISCALL &&
           cc != OI_CC_PASCAL && cc != OI_CC_SWIFTCALL && cc != OI_CC_RUST &&
           cc != OI_CC_AAPCS64_VARIANT_PCS && cc != OI_CC_RISCV_VARIANT_CC;
}

static void comment(FILE *o, const char *prefix, const char *text)
{
    fputs(prefix, o);
    out_escaped(o, text);
    fputc('\n', o);
}

static void ctypes_stub(FILE *o, oi_file *f, const oi_export *e, size_t uniq)
{
    const oi_file_info *in = oi_info(f);
    const char *dem = oi_demangle(f, e);
    sig s;
    parse_sig(dem, e->name && e->name[0] == '?', &s);
    fputs("\n# ", o);
    out_escaped(o, e->name ? e->name : "(no name)");
    fprintf(o, ": %s (%s)", oi_callconv_name(e->callconv), oi_ccsource_name(e->callconv_source));
    if (e->callconv_argbytes >= 0)
        fprintf(o, ", %d argument bytes (%d stack words)", e->callconv_argbytes,
                e->callconv_argbytes / 4);
    fputc('\n', o);
    if (dem)
        comment(o, "#   ", dem);
    if (e->version && !e->version_default) {
        fputs("#   a hidden (non-default) version: dlsym cannot reach it by name\n", o);
        return;
    }
    if (!ctypes_callable(e->callconv)) {
        fprintf(o, "#   ctypes cannot call the %s convention: use a C wrapper\n",
                oi_callconv_name(e->callconv));
        return;
    }
    bool x86 = in->format == OI_FORMAT_PE && strcmp(in->machine, "i386") == 0;
    const char *lib = e->callconv == OI_CC_STDCALL ? "_windll" : "_cdll";
    if (x86 && e->callconv == OI_CC_UNKNOWN)
        fputs("#   convention unknown (undecorated x86 name): if it is __stdcall use _windll\n", o);
    py_ident(o, e->name ? e->name : "ordinal", uniq);
    fprintf(o, " = %s[", lib);
    if (e->name)
        py_str(o, e->name);
    else
        fprintf(o, "%" PRId64, e->ordinal);
    fputs("]\n", o);
    bool member = (e->abi_flags & OI_ABIF_MEMBER) != 0;
    if (dem && s.ok) {
        py_ident(o, e->name ? e->name : "ordinal", uniq);
        fputs(".argtypes = [", o);
        int k = 0;
        if (member)
            fprintf(o, "%sctypes.c_void_p", k++ ? ", " : "");   /* this */
        for (int i = 0; i < s.nparams; i++)
            fprintf(o, "%s%s", k++ ? ", " : "", ctype_of(s.params[i]));
        fputs("]", o);
        if (member)
            fputs("  # `this` first", o);
        else if (e->lang && strcmp(e->lang, "c++") == 0 && e->name[0] != '?' &&
                 strchr(dem, ':'))
            fputs("  # if this is a non-static member function, `this` comes first", o);
        fputc('\n', o);
        if (s.variadic)
            fputs("#   variadic: argtypes covers the fixed parameters only\n", o);
    } else if (dem) {
        fputs("#   argtypes not set: a parameter type is not a plain C type\n", o);
    } else {
        fputs("#   argtypes unknown: a C name carries no types\n", o);
    }
    if (s.has_ret) {
        py_ident(o, e->name ? e->name : "ordinal", uniq);
        fprintf(o, ".restype = %s\n", ctype_of(s.ret));
    }
}

static void cffi_decl(FILE *o, oi_file *f, const oi_export *e)
{
    const char *dem = oi_demangle(f, e);
    fputs("\n    /* ", o);
    cdef_comment(o, e->name ? e->name : "(no name)");
    fprintf(o, ": %s (%s)", oi_callconv_name(e->callconv), oi_ccsource_name(e->callconv_source));
    if (dem) {
        fputs(": ", o);
        cdef_comment(o, dem);
    }
    fputs(" */\n", o);
    bool c_name = e->name && e->lang && strcmp(e->lang, "c") == 0 && e->name[0] != '#' &&
                  !strchr(e->name, '@');
    if (!c_name) {
        fputs("    /* not a C identifier: cffi cannot bind it by name (use ctypes) */\n", o);
        return;
    }
    const char *cc = e->callconv == OI_CC_STDCALL ? "__stdcall " : "";
    if (e->callconv == OI_CC_FASTCALL || e->callconv == OI_CC_VECTORCALL ||
        e->callconv == OI_CC_THISCALL) {
        fprintf(o, "    /* cffi cannot call the %s convention */\n", oi_callconv_name(e->callconv));
        return;
    }
    const oi_file_info *in = oi_info(f);
    if (e->callconv == OI_CC_UNKNOWN && in->format == OI_FORMAT_PE && strcmp(in->machine, "i386") == 0)
        fputs("    /* convention unknown (undecorated x86 name): add __stdcall if it is one */\n", o);
    fprintf(o, "    int %s", cc);
    /* a C name: the identifier is safe to write as it is (checked above) */
    fputs(e->name, o);
    fputc('(', o);
    if (e->callconv_argbytes > 0) {
        for (int i = 0; i < e->callconv_argbytes / 4; i++)
            fputs(i ? ", int" : "int", o);
        fputs(");   /* GUESS from the argument bytes: edit the types */\n", o);
    } else if (e->callconv_argbytes == 0) {
        fputs("void);\n", o);
    } else {
        fputs("void);   /* TYPES UNKNOWN: a C name carries none; edit them */\n", o);
    }
}

typedef struct call_ctx {
    const cli *c;
    const call_opts *co;
    bool any;
    const char *abs_path;     /* the file argument made absolute, for dlopen */
} call_ctx;

static void call_leaf(oi_file *f, void *ctxp)
{
    call_ctx *cx = ctxp;
    FILE *o = stdout;
    const oi_file_info *in = oi_info(f);
    const oi_export *e;
    size_t n;
    oi_exports(f, &e, &n);
    bool win = in->format == OI_FORMAT_PE;
    if (cx->co->ffi == FFI_CTYPES) {
        fputs("# ctypes binding for ", o);
        out_escaped(o, oi_name(f));
        fprintf(o, " (%s %s, %s), made by objinspect call --ffi ctypes\n", oi_format_name(in->format),
                in->machine, in->abi_name);
        fputs("import ctypes\n", o);
        fputs("import os\n", o);
        fputs("_path = os.environ.get(\"OBJINSPECT_LIB\", ", o);
        py_str(o, cx->abs_path ? cx->abs_path : oi_name(f));
        fputs(")\n", o);
        fputs("_cdll = ctypes.CDLL(_path)\n", o);
        if (win)
            fputs("_windll = ctypes.WinDLL(_path) if hasattr(ctypes, \"WinDLL\") else _cdll\n", o);
        else
            fputs("_windll = _cdll   # no __stdcall outside Windows\n", o);
    } else if (cx->co->ffi == FFI_CFFI) {
        fputs("# cffi binding for ", o);
        out_escaped(o, oi_name(f));
        fprintf(o, " (%s %s, %s), made by objinspect call --ffi cffi\n", oi_format_name(in->format),
                in->machine, in->abi_name);
        fputs("import os\nfrom cffi import FFI\nffi = FFI()\nffi.cdef(\"\"\"", o);
    } else {
        out_escaped(o, oi_name(f));
        fprintf(o, ": %s %s %s, ABI %s (%s)\n", oi_format_name(in->format), in->machine, in->type,
                in->abi_name, oi_callconv_name(in->abi_callconv));
    }
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!wanted(cx->c, &e[i]))
            continue;
        shown++;
        cx->any = true;
        if (cx->co->ffi == FFI_CTYPES) {
            ctypes_stub(o, f, &e[i], shown);
            continue;
        }
        if (cx->co->ffi == FFI_CFFI) {
            cffi_decl(o, f, &e[i]);
            continue;
        }
        fputs("  ", o);
        if (e[i].name)
            out_escaped(o, e[i].name);
        else
            fprintf(o, "#%" PRId64, e[i].ordinal);
        if (e[i].version) {
            fputs(e[i].version_default ? "@@" : "@", o);
            out_escaped(o, e[i].version);
        }
        fputc('\n', o);
        fprintf(o, "    lookup:     %s\n", lookup_path(f, &e[i]));
        fprintf(o, "    convention: %s (%s)", oi_callconv_name(e[i].callconv),
                oi_ccsource_name(e[i].callconv_source));
        if (e[i].callconv_argbytes >= 0)
            fprintf(o, ", %d argument bytes", e[i].callconv_argbytes);
        if (e[i].abi_flags & OI_ABIF_MEMBER)
            fputs(", member function (this first)", o);
        if (e[i].abi_flags & OI_ABIF_STATIC)
            fputs(", static member", o);
        if (e[i].abi_flags & OI_ABIF_VIRTUAL)
            fputs(", virtual", o);
        if (e[i].abi_flags & OI_ABIF_THUNK)
            fputs(", thunk", o);
        fputc('\n', o);
        if (e[i].lang)
            fprintf(o, "    language:   %s\n", e[i].lang);
        const char *dem = oi_demangle(f, &e[i]);
        if (dem)
            comment(o, "    signature:  ", dem);
        if (e[i].forwarder)
            comment(o, "    forwarded:  ", e[i].forwarder);
    }
    if (cx->co->ffi == FFI_CFFI) {
        fputs("\"\"\")\n", o);
        fputs("lib = ffi.dlopen(os.environ.get(\"OBJINSPECT_LIB\", ", o);
        py_str(o, cx->abs_path ? cx->abs_path : oi_name(f));
        fputs("))\n", o);
    } else if (!cx->co->ffi && shown == 0) {
        fputs("  (no exported function matched)\n", o);
    }
}

int cmd_call(int argc, char **argv)
{
    cli c;
    call_opts co = { FFI_NONE };
    int rc = cli_parse(&c, argc, argv, 1, call_option, &co);
    if (rc < 0 && c.nargs < 1)
        rc = cli_usage_error("%s", "call takes a FILE and optional NAMEs");
    if (rc < 0) {
        oi_file *view;
        oi_file *f = cli_open(&c, c.args[0], &view);
        if (!f) {
            rc = EXIT_INPUT;
        } else {
            char *abs = realpath(c.args[0], NULL);
            call_ctx cx = { &c, &co, false, abs };
            cli_each_leaf(view, call_leaf, &cx);
            free(abs);
            rc = EXIT_OK;
            if (c.nargs > 1 && !cx.any)
                rc = EXIT_CHECK;
            if (cli_report_first_error(f))
                rc = EXIT_INPUT;
            oi_close(f);
        }
        if (fflush(stdout) != 0)
            rc = EXIT_INPUT;
    }
    cli_free(&c);
    return rc;
}
