/*
 * D demangling (the D ABI, https://dlang.org/spec/abi.html#name_mangling),
 * printing the text "c++filt -s dlang" prints, but at a bounded cost.
 *
 * libiberty's D demangler has no callback form and no bound: its type back
 * references ('Q') re-read earlier types, which may hold back references
 * again, and a template symbol parameter whose length prefix runs into its
 * name is re-parsed once per digit, nested as deep as the name likes. A
 * 391-byte name cost it 3.6 s and 428 MB, 16 times more for each 64 bytes.
 * This demangler walks the same grammar, backtracks where libiberty does
 * (so the text is the same, c++filt being the oracle in the tests), and
 * charges every step and every byte it writes to one budget per name.
 * Past the budget, the nesting limit, or ABI_MAX_DEMANGLED bytes of text,
 * the name is left mangled.
 */
#include "abi.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* libgphobos's names nest 20 levels at most and cost at most 11,579 units
 * (a step or a byte written); a hostile name stops here in milliseconds.
 * Every byte of every string is charged, so the strings alive at once
 * never hold more than D_MAX_WORK bytes. */
#define D_MAX_DEPTH 256
#define D_MAX_WORK (16u * ABI_MAX_DEMANGLED)

/* A piece of demangled text. NULL where the text is thrown away. */
typedef struct dtext {
    char *b;
    size_t n, cap;
} dtext;

typedef struct dparse {
    const char *s, *end;  /* the whole name */
    size_t last_backref;  /* where the type back reference being followed is */
    size_t work;
    unsigned depth;
    bool spent;           /* budget, depth or memory exhausted: fail all */
} dparse;

static bool charge(dparse *d, size_t units)
{
    if (d->spent || units > D_MAX_WORK - d->work) {
        d->spent = true;
        return false;
    }
    d->work += units;
    return true;
}

static bool room(dparse *d, dtext *t, size_t n)
{
    if (t->n + n <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 32;
    while (cap < t->n + n)
        cap *= 2;
    char *b = realloc(t->b, cap);
    if (!b) {
        d->spent = true;
        return false;
    }
    t->b = b;
    t->cap = cap;
    return true;
}

static void put_bytes(dparse *d, dtext *t, const char *s, size_t n)
{
    if (!charge(d, n) || !t || !n || !room(d, t, n))
        return;
    memcpy(t->b + t->n, s, n);
    t->n += n;
}

static void put_str(dparse *d, dtext *t, const char *s)
{
    put_bytes(d, t, s, strlen(s));
}

static void put_text(dparse *d, dtext *t, const dtext *from)
{
    put_bytes(d, t, from->b, from->n);
}

static void prepend(dparse *d, dtext *t, const char *s)
{
    size_t n = strlen(s);
    if (!t || !charge(d, n + t->n) || !room(d, t, n))
        return;
    memmove(t->b + n, t->b, t->n);
    memcpy(t->b, s, n);
    t->n += n;
}

static size_t text_len(const dtext *t)
{
    return t ? t->n : 0;
}

static void truncate_to(dtext *t, size_t n)
{
    if (t && n < t->n)
        t->n = n;
}

static void text_free(dtext *t)
{
    free(t->b);
}

/* Entered by every function of the grammar that may recur. */
static bool enter(dparse *d)
{
    if (!charge(d, 1) || d->depth >= D_MAX_DEPTH) {
        d->spent = true;
        return false;
    }
    d->depth++;
    return true;
}

static const char *leave(dparse *d, const char *p)
{
    d->depth--;
    return d->spent ? NULL : p;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_xdigit(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static size_t left(const dparse *d, const char *p)
{
    return (size_t)(d->end - p);
}

static bool starts_template(const char *p)
{
    return p[0] == '_' && p[1] == '_' && (p[2] == 'T' || p[2] == 'U');
}

/* Number: decimal, at most UINT_MAX, and never the last thing in the name.
 * Leading zeros do not overflow, so the digits read are charged. */
static const char *number(dparse *d, const char *p, unsigned long *out)
{
    if (!p || !is_digit(*p))
        return NULL;
    unsigned long v = 0;
    for (; is_digit(*p); p++) {
        if (!charge(d, 1))
            return NULL;
        unsigned long digit = (unsigned long)(*p - '0');
        if (v > (UINT_MAX - digit) / 10)
            return NULL;
        v = v * 10 + digit;
    }
    if (!*p)
        return NULL;
    *out = v;
    return p;
}

static int xvalue(char c)
{
    return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* NumberBackRef: base 26, upper-case letters for the leading digits and a
 * lower-case one for the last; positive. */
static const char *backref_number(const char *p, unsigned long *out)
{
    if (!p)
        return NULL;
    unsigned long v = 0;
    for (; is_upper(*p) || is_lower(*p); p++) {
        if (v > (ULONG_MAX - 25) / 26)
            return NULL;
        v *= 26;
        if (is_lower(*p)) {
            v += (unsigned long)(*p - 'a');
            if ((long)v <= 0)
                return NULL;
            *out = v;
            return p + 1;
        }
        v += (unsigned long)(*p - 'A');
    }
    return NULL;
}

/* 'Q' NumberBackRef: the position it points back to, in *target. */
static const char *backref(const dparse *d, const char *p, const char **target)
{
    *target = NULL;
    if (!p || *p != 'Q')
        return NULL;
    unsigned long back;
    const char *after = backref_number(p + 1, &back);
    if (!after || back > (unsigned long)(p - d->s))
        return NULL;
    *target = p - back;
    return after;
}

/* A SymbolName: an LName, a template instance, or a back reference to an
 * LName. */
static bool symbol_name_starts(const dparse *d, const char *p)
{
    if (is_digit(*p) || starts_template(p))
        return true;
    const char *target;
    return backref(d, p, &target) && is_digit(*target);
}

static bool mangled_name_starts(const dparse *d, const char *p)
{
    return strncmp(p, "_D", 2) == 0 && symbol_name_starts(d, p + 2);
}

static bool call_convention_starts(char c)
{
    return c && strchr("FUVWRY", c) != NULL;
}

static const char *type(dparse *d, dtext *t, const char *p);
static const char *function_type(dparse *d, dtext *t, const char *p);
static const char *qualified(dparse *d, dtext *t, const char *p, bool suffix_modifiers);
static const char *mangled_name(dparse *d, dtext *t, const char *p);
static const char *identifier(dparse *d, dtext *t, const char *p);

static const char *call_convention(dparse *d, dtext *t, const char *p)
{
    static const char *const extern_of[] = {
        ['F'] = "", ['U'] = "extern(C) ", ['W'] = "extern(Windows) ",
        ['V'] = "extern(Pascal) ", ['R'] = "extern(C++) ", ['Y'] = "extern(Objective-C) ",
    };
    if (!p || !call_convention_starts(*p))
        return NULL;
    put_str(d, t, extern_of[(unsigned char)*p]);
    return p + 1;
}

/* TypeModifiers of a 'this' or a delegate, printed after it. */
static const char *type_modifiers(dparse *d, dtext *t, const char *p)
{
    if (!p || !*p)
        return NULL;
    for (;;) {
        switch (*p) {
        case 'x': put_str(d, t, " const"); return p + 1;
        case 'y': put_str(d, t, " immutable"); return p + 1;
        case 'O': put_str(d, t, " shared"); p++; break;
        case 'N':
            if (p[1] != 'g')
                return NULL;
            put_str(d, t, " inout");
            p += 2;
            break;
        default: return p;
        }
    }
}

static const char *function_attributes(dparse *d, dtext *t, const char *p)
{
    static const char *const attribute_of[] = {
        ['a'] = "pure ", ['b'] = "nothrow ", ['c'] = "ref ", ['d'] = "@property ",
        ['e'] = "@trusted ", ['f'] = "@safe ", ['i'] = "@nogc ", ['j'] = "return ",
        ['l'] = "scope ", ['m'] = "@live ",
    };
    if (!p || !*p)
        return NULL;
    while (*p == 'N') {
        char c = p[1];
        /* Ng, Nh, Nk, Nn begin a parameter: the attributes are over */
        if (c == 'g' || c == 'h' || c == 'k' || c == 'n')
            break;
        if (c < 'a' || c > 'm' || !attribute_of[(unsigned char)c])
            return NULL;
        put_str(d, t, attribute_of[(unsigned char)c]);
        p += 2;
    }
    return p;
}

static const char *parameters(dparse *d, dtext *t, const char *p)
{
    for (size_t n = 0; p && *p;) {
        switch (*p) {
        case 'X': put_str(d, t, "..."); return p + 1;
        case 'Y':
            if (n)
                put_str(d, t, ", ");
            put_str(d, t, "...");
            return p + 1;
        case 'Z': return p + 1;
        }
        if (n++)
            put_str(d, t, ", ");
        if (*p == 'M') {
            put_str(d, t, "scope ");
            p++;
        }
        if (p[0] == 'N' && p[1] == 'k') {
            put_str(d, t, "return ");
            p += 2;
        }
        switch (*p) {
        case 'I':
            put_str(d, t, "in ");
            if (*++p == 'K') {
                put_str(d, t, "ref ");
                p++;
            }
            break;
        case 'J': put_str(d, t, "out "); p++; break;
        case 'K': put_str(d, t, "ref "); p++; break;
        case 'L': put_str(d, t, "lazy "); p++; break;
        }
        p = type(d, t, p);
    }
    return p;
}

/* CallConvention FuncAttrs Parameters ParamClose, with the calling
 * convention written to call, the attributes to attrs and the parameters,
 * in parentheses, to params (each may be NULL). */
static const char *function_type_noreturn(dparse *d, dtext *params, dtext *call,
                                          dtext *attrs, const char *p)
{
    p = call_convention(d, call, p);
    p = function_attributes(d, attrs, p);
    put_str(d, params, "(");
    p = parameters(d, params, p);
    put_str(d, params, ")");
    return p;
}

/* Printed as: CallConvention ReturnType (Parameters) FuncAttrs */
static const char *function_type(dparse *d, dtext *t, const char *p)
{
    if (!p || !*p)
        return NULL;
    dtext attrs = { 0 }, params = { 0 }, ret = { 0 };
    p = function_type_noreturn(d, &params, t, &attrs, p);
    p = type(d, &ret, p);
    put_text(d, t, &ret);
    put_text(d, t, &params);
    put_str(d, t, " ");
    put_text(d, t, &attrs);
    text_free(&attrs);
    text_free(&params);
    text_free(&ret);
    return p;
}

/* A back-referenced type is read where it was first written. It must lie
 * before the back reference being followed, so chains only go backward. */
static const char *type_backref(dparse *d, dtext *t, const char *p, bool function)
{
    size_t at = (size_t)(p - d->s);
    if (at >= d->last_backref)
        return NULL;
    size_t outer = d->last_backref;
    d->last_backref = at;
    const char *target;
    p = backref(d, p, &target);
    target = function ? function_type(d, t, target) : type(d, t, target);
    d->last_backref = outer;
    return target ? p : NULL;
}

static const char *wrapped(dparse *d, dtext *t, const char *p, const char *open)
{
    put_str(d, t, open);
    p = type(d, t, p);
    put_str(d, t, ")");
    return p;
}

static const char *tuple(dparse *d, dtext *t, const char *p)
{
    unsigned long n;
    p = number(d, p, &n);
    if (!p)
        return NULL;
    put_str(d, t, "Tuple!(");
    while (n--) {
        p = type(d, t, p);
        if (!p)
            return NULL;
        if (n)
            put_str(d, t, ", ");
    }
    put_str(d, t, ")");
    return p;
}

static const char *basic_type_name(char c)
{
    static const char *const name_of[] = {
        ['n'] = "typeof(null)", ['v'] = "void", ['g'] = "byte", ['h'] = "ubyte",
        ['s'] = "short", ['t'] = "ushort", ['i'] = "int", ['k'] = "uint", ['l'] = "long",
        ['m'] = "ulong", ['f'] = "float", ['d'] = "double", ['e'] = "real",
        ['o'] = "ifloat", ['p'] = "idouble", ['j'] = "ireal", ['q'] = "cfloat",
        ['r'] = "cdouble", ['c'] = "creal", ['b'] = "bool", ['a'] = "char",
        ['u'] = "wchar", ['w'] = "dchar",
    };
    return c >= 'a' && c <= 'z' ? name_of[(unsigned char)c] : NULL;
}

static const char *type_body(dparse *d, dtext *t, const char *p)
{
    switch (*p) {
    case 'O': return wrapped(d, t, p + 1, "shared(");
    case 'x': return wrapped(d, t, p + 1, "const(");
    case 'y': return wrapped(d, t, p + 1, "immutable(");
    case 'N':
        if (p[1] == 'g')
            return wrapped(d, t, p + 2, "inout(");
        if (p[1] == 'h')
            return wrapped(d, t, p + 2, "__vector(");
        if (p[1] == 'n') {
            put_str(d, t, "typeof(*null)");
            return p + 2;
        }
        return NULL;
    case 'A':
        p = type(d, t, p + 1);
        put_str(d, t, "[]");
        return p;
    case 'G': { /* static array: the digits are printed as they are */
        const char *digits = ++p;
        while (is_digit(*p))
            p++;
        size_t ndigits = (size_t)(p - digits);
        p = type(d, t, p);
        put_str(d, t, "[");
        put_bytes(d, t, digits, ndigits);
        put_str(d, t, "]");
        return p;
    }
    case 'H': { /* associative array: Value[Key], the key written first */
        dtext key = { 0 };
        p = type(d, &key, p + 1);
        p = type(d, t, p);
        put_str(d, t, "[");
        put_text(d, t, &key);
        put_str(d, t, "]");
        text_free(&key);
        return p;
    }
    case 'P':
        if (!call_convention_starts(p[1])) {
            p = type(d, t, p + 1);
            put_str(d, t, "*");
            return p;
        }
        p++; /* a function pointer prints as the function type */
        /* fall through */
    case 'F': case 'U': case 'W': case 'V': case 'R': case 'Y':
        p = function_type(d, t, p);
        put_str(d, t, "function");
        return p;
    case 'C': case 'S': case 'E': case 'T':
        return qualified(d, t, p + 1, false);
    case 'D': { /* delegate: its modifiers print after the word */
        dtext mods = { 0 };
        p = type_modifiers(d, &mods, p + 1);
        if (p && *p == 'Q')
            p = type_backref(d, t, p, true);
        else
            p = function_type(d, t, p);
        put_str(d, t, "delegate");
        put_text(d, t, &mods);
        text_free(&mods);
        return p;
    }
    case 'B': return tuple(d, t, p + 1);
    case 'z':
        if (p[1] == 'i' || p[1] == 'k') {
            put_str(d, t, p[1] == 'i' ? "cent" : "ucent");
            return p + 2;
        }
        return NULL;
    case 'Q': return type_backref(d, t, p, false);
    }
    const char *name = basic_type_name(*p);
    if (!name)
        return NULL;
    put_str(d, t, name);
    return p + 1;
}

static const char *type(dparse *d, dtext *t, const char *p)
{
    if (!p || !*p || !enter(d))
        return NULL;
    return leave(d, type_body(d, t, p));
}

/* LName, with the names the compiler gives special symbols. */
static const char *lname(dparse *d, dtext *t, const char *p, unsigned long len)
{
    static const struct {
        const char *mangled, *text;
        bool before; /* "initializer for " + the qualified name, less its '.' */
        size_t extra; /* characters past len that are part of the match */
    } special[] = {
        { "__ctor", "this", false, 0 },
        { "__dtor", "~this", false, 0 },
        { "__initZ", "initializer for ", true, 1 },
        { "__vtblZ", "vtable for ", true, 1 },
        { "__ClassZ", "ClassInfo for ", true, 1 },
        { "__postblitMFZ", "this(this)", false, 3 },
        { "__InterfaceZ", "Interface for ", true, 1 },
        { "__ModuleInfoZ", "ModuleInfo for ", true, 1 },
    };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        size_t n = strlen(special[i].mangled);
        if (n != len + special[i].extra || strncmp(p, special[i].mangled, n) != 0)
            continue;
        if (special[i].before) {
            prepend(d, t, special[i].text);
            truncate_to(t, text_len(t) - 1);
            return p + len;
        }
        put_str(d, t, special[i].text);
        return p + n;
    }
    put_bytes(d, t, p, len);
    return p + len;
}

static const char *symbol_backref(dparse *d, dtext *t, const char *p)
{
    const char *target;
    unsigned long len;
    p = backref(d, p, &target);
    target = number(d, target, &len);
    if (!target || left(d, target) < len || !lname(d, t, target, len))
        return NULL;
    return p;
}

#define LENGTH_UNKNOWN ULONG_MAX

static const char *template_args(dparse *d, dtext *t, const char *p);

/* TemplateInstanceName: __T or __U, LName, TemplateArgs, Z; LEN (when
 * known) is the length its prefix gave. */
static const char *template_instance(dparse *d, dtext *t, const char *p, unsigned long len)
{
    const char *start = p;
    if (!symbol_name_starts(d, p + 3) || p[3] == '0')
        return NULL;
    p = identifier(d, t, p + 3);
    dtext args = { 0 };
    p = template_args(d, &args, p);
    put_str(d, t, "!(");
    put_text(d, t, &args);
    put_str(d, t, ")");
    text_free(&args);
    if (len != LENGTH_UNKNOWN && p && (unsigned long)(p - start) != len)
        return NULL;
    return p;
}

static const char *identifier(dparse *d, dtext *t, const char *p)
{
    if (!p || !*p || !enter(d))
        return NULL;
    for (;;) {
        if (*p == 'Q')
            return leave(d, symbol_backref(d, t, p));
        if (starts_template(p))
            return leave(d, template_instance(d, t, p, LENGTH_UNKNOWN));
        unsigned long len;
        const char *name = number(d, p, &len);
        if (!name || len == 0 || left(d, name) < len)
            return leave(d, NULL);
        if (len >= 5 && starts_template(name))
            return leave(d, template_instance(d, t, name, len));
        /* "__S" and digits: a fake parent that makes local names unique */
        if (len >= 4 && name[0] == '_' && name[1] == '_' && name[2] == 'S') {
            const char *q = name + 3;
            while (q < name + len && is_digit(*q) && charge(d, 1))
                q++;
            if (q == name + len) {
                p = q;
                if (!*p || !charge(d, 1))
                    return leave(d, NULL);
                continue;
            }
        }
        return leave(d, lname(d, t, name, len));
    }
}

static const char *integer(dparse *d, dtext *t, const char *p, char type_code)
{
    unsigned long v;
    if (type_code == 'a' || type_code == 'u' || type_code == 'w') {
        p = number(d, p, &v);
        if (!p)
            return NULL;
        put_str(d, t, "'");
        if (type_code == 'a' && v >= 0x20 && v < 0x7F) {
            char c = (char)v;
            put_bytes(d, t, &c, 1);
        } else {
            int width = type_code == 'a' ? 2 : type_code == 'u' ? 4 : 8;
            put_str(d, t, type_code == 'a' ? "\\x" : type_code == 'u' ? "\\u" : "\\U");
            char hex[24];
            size_t at = sizeof hex;
            for (; v > 0; v /= 16, width--)
                hex[--at] = "0123456789abcdef"[v % 16];
            for (; width > 0; width--)
                hex[--at] = '0';
            put_bytes(d, t, hex + at, sizeof hex - at);
        }
        put_str(d, t, "'");
        return p;
    }
    if (type_code == 'b') {
        p = number(d, p, &v);
        if (p)
            put_str(d, t, v ? "true" : "false");
        return p;
    }
    if (!is_digit(*p))
        return NULL;
    const char *digits = p;
    while (is_digit(*p))
        p++;
    put_bytes(d, t, digits, (size_t)(p - digits));
    switch (type_code) {
    case 'h': case 't': case 'k': put_str(d, t, "u"); break;
    case 'l': put_str(d, t, "L"); break;
    case 'm': put_str(d, t, "uL"); break;
    }
    return p;
}

/* HexFloat, printed as 0xH.HHHpE */
static const char *real(dparse *d, dtext *t, const char *p)
{
    static const struct { const char *mangled, *text; } named[] = {
        { "NAN", "NaN" }, { "INF", "Inf" }, { "NINF", "-Inf" },
    };
    for (size_t i = 0; i < 3; i++)
        if (strncmp(p, named[i].mangled, strlen(named[i].mangled)) == 0) {
            put_str(d, t, named[i].text);
            return p + strlen(named[i].mangled);
        }
    if (*p == 'N') {
        put_str(d, t, "-");
        p++;
    }
    if (!is_xdigit(*p))
        return NULL;
    put_str(d, t, "0x");
    put_bytes(d, t, p++, 1);
    put_str(d, t, ".");
    const char *digits = p;
    while (is_xdigit(*p))
        p++;
    put_bytes(d, t, digits, (size_t)(p - digits));
    if (*p++ != 'P')
        return NULL;
    put_str(d, t, "p");
    if (*p == 'N') {
        put_str(d, t, "-");
        p++;
    }
    digits = p;
    while (is_digit(*p))
        p++;
    put_bytes(d, t, digits, (size_t)(p - digits));
    return p;
}

/* a, w or d, Number, '_', the bytes in hex: printed as a literal */
static const char *string_literal(dparse *d, dtext *t, const char *p)
{
    char kind = *p;
    unsigned long n;
    p = number(d, p + 1, &n);
    if (!p || *p != '_')
        return NULL;
    p++;
    put_str(d, t, "\"");
    for (; n; n--, p += 2) {
        if (!is_xdigit(p[0]) || !is_xdigit(p[1]))
            return NULL;
        unsigned char c = (unsigned char)(xvalue(p[0]) << 4 | xvalue(p[1]));
        switch (c) {
        case '\t': put_str(d, t, "\\t"); break;
        case '\n': put_str(d, t, "\\n"); break;
        case '\r': put_str(d, t, "\\r"); break;
        case '\f': put_str(d, t, "\\f"); break;
        case '\v': put_str(d, t, "\\v"); break;
        default:
            if (c >= 0x20 && c < 0x7F) {
                put_bytes(d, t, (const char *)&c, 1);
            } else {
                put_str(d, t, "\\x");
                put_bytes(d, t, p, 2);
            }
        }
    }
    put_str(d, t, "\"");
    if (kind != 'a')
        put_bytes(d, t, &kind, 1);
    return p;
}

static const char *value(dparse *d, dtext *t, const char *p, const char *name, char type_code);

/* Number, then that many values (key:value pairs for an associative array),
 * between OPEN and CLOSE, after NAME (a struct literal's type) if any. */
static const char *value_list(dparse *d, dtext *t, const char *p, const char *name,
                              const char *open, const char *close, bool pairs)
{
    unsigned long n;
    p = number(d, p, &n);
    if (!p)
        return NULL;
    if (name)
        put_str(d, t, name);
    put_str(d, t, open);
    while (n--) {
        p = value(d, t, p, NULL, 0);
        if (p && pairs) {
            put_str(d, t, ":");
            p = value(d, t, p, NULL, 0);
        }
        if (!p)
            return NULL;
        if (n)
            put_str(d, t, ", ");
    }
    put_str(d, t, close);
    return p;
}

static const char *value_body(dparse *d, dtext *t, const char *p, const char *name,
                              char type_code)
{
    switch (*p) {
    case 'n': put_str(d, t, "null"); return p + 1;
    case 'N':
        put_str(d, t, "-");
        return integer(d, t, p + 1, type_code);
    case 'i': return integer(d, t, p + 1, type_code);
    /* old compilers wrote the digits without the 'i' */
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return integer(d, t, p, type_code);
    case 'e': return real(d, t, p + 1);
    case 'c':
        p = real(d, t, p + 1);
        put_str(d, t, "+");
        if (!p || *p != 'c')
            return NULL;
        p = real(d, t, p + 1);
        put_str(d, t, "i");
        return p;
    case 'a': case 'w': case 'd': return string_literal(d, t, p);
    case 'A':
        return value_list(d, t, p + 1, NULL, "[", "]", type_code == 'H');
    case 'S': return value_list(d, t, p + 1, name, "(", ")", false);
    case 'f': /* a function literal's symbol */
        return mangled_name_starts(d, p + 1) ? mangled_name(d, t, p + 1) : NULL;
    }
    return NULL;
}

static const char *value(dparse *d, dtext *t, const char *p, const char *name, char type_code)
{
    if (!p || !*p || !enter(d))
        return NULL;
    return leave(d, value_body(d, t, p, name, type_code));
}

/* A template's symbol argument. Compilers before 2.076 wrote the symbol's
 * length before it, and a symbol may start with digits itself: try each
 * split of the digits, longest length first, then the whole symbol. */
static const char *symbol_argument(dparse *d, dtext *t, const char *p)
{
    if (mangled_name_starts(d, p))
        return mangled_name(d, t, p);
    if (*p == 'Q')
        return qualified(d, t, p, false);
    unsigned long len;
    const char *after = number(d, p, &len);
    if (!after || len == 0)
        return NULL;
    size_t saved = text_len(t);
    /* from moves back one digit per try while the length loses one; when
     * the length is spent, from is where the digits begin */
    unsigned long expect = len;
    for (const char *from = after;; from--) {
        bool last = expect == 0;
        const char *end = from;
        if (symbol_name_starts(d, from))
            end = qualified(d, t, from, false);
        else if (mangled_name_starts(d, from))
            end = mangled_name(d, t, from);
        if (end && (last || (unsigned long)(end - from) == expect))
            return end;
        truncate_to(t, saved);
        if (last || d->spent)
            return NULL;
        expect /= 10;
    }
}

static const char *template_args(dparse *d, dtext *t, const char *p)
{
    for (size_t n = 0; p && *p && charge(d, 1);) {
        if (*p == 'Z')
            return p + 1;
        if (n++)
            put_str(d, t, ", ");
        if (*p == 'H') /* a specialisation */
            p++;
        switch (*p) {
        case 'S': p = symbol_argument(d, t, p + 1); break;
        case 'T': p = type(d, t, p + 1); break;
        case 'V': { /* the value's type decides how it prints */
            char type_code = *++p;
            if (type_code == 'Q') {
                const char *target;
                if (!backref(d, p, &target))
                    return NULL;
                type_code = *target;
            }
            dtext name = { 0 };
            p = type(d, &name, p);
            if (!d->spent && room(d, &name, 1))
                name.b[name.n] = 0;
            p = value(d, t, p, name.b ? name.b : "", type_code);
            text_free(&name);
            break;
        }
        case 'X': { /* mangled by another language: printed as it is */
            unsigned long len;
            const char *text = number(d, p + 1, &len);
            if (!text || left(d, text) < len)
                return NULL;
            put_bytes(d, t, text, len);
            p = text + len;
            break;
        }
        default: return NULL;
        }
    }
    return p;
}

/* QualifiedName: SymbolNames, each perhaps followed by the parameters of
 * a nested function (and M and the modifiers of its 'this'). */
static const char *qualified_body(dparse *d, dtext *t, const char *p, bool suffix_modifiers)
{
    size_t n = 0;
    do {
        if (*p == '0') { /* anonymous */
            while (*p == '0' && charge(d, 1))
                p++;
            continue;
        }
        if (n++)
            put_str(d, t, ".");
        p = identifier(d, t, p);
        if (p && (*p == 'M' || call_convention_starts(*p))) {
            /* parameters only if a name or a type follows them */
            const char *start = p;
            size_t saved = text_len(t);
            dtext mods = { 0 };
            if (*p == 'M') {
                p = type_modifiers(d, &mods, p + 1);
                truncate_to(t, saved);
            }
            p = function_type_noreturn(d, t, NULL, NULL, p);
            if (suffix_modifiers)
                put_text(d, t, &mods);
            if (!p || !*p) {
                p = start;
                truncate_to(t, saved);
            }
            text_free(&mods);
            if (d->spent)
                return NULL;
        }
    } while (p && symbol_name_starts(d, p));
    return p;
}

static const char *qualified(dparse *d, dtext *t, const char *p, bool suffix_modifiers)
{
    if (!p || !enter(d))
        return NULL;
    return leave(d, qualified_body(d, t, p, suffix_modifiers));
}

/* MangledName: _D QualifiedName, then Z or the (unprinted) type. */
static const char *mangled_name(dparse *d, dtext *t, const char *p)
{
    p = qualified(d, t, p + 2, true);
    if (!p)
        return NULL;
    if (*p == 'Z')
        return p + 1;
    return type(d, NULL, p);
}

size_t oi_d_demangle(const char *name, char *buf, size_t size)
{
    if (size)
        buf[0] = 0;
    if (!name || strncmp(name, "_D", 2) != 0)
        return 0;
    dtext out = { 0 };
    dparse d = { .s = name, .end = name + strlen(name) };
    d.last_backref = (size_t)(d.end - d.s);
    if (strcmp(name, "_Dmain") == 0) {
        put_str(&d, &out, "D main");
    } else {
        const char *end = mangled_name(&d, &out, name);
        if (!end || *end || d.spent)
            out.n = 0;
    }
    size_t n = out.n <= ABI_MAX_DEMANGLED ? out.n : 0;
    if (n && size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(buf, out.b, k);
        buf[k] = 0;
    }
    text_free(&out);
    return n;
}
