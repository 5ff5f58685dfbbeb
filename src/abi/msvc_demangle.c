/*
 * A demangler for Microsoft Visual C++ names ("?name@scope@@YAHH@Z").
 *
 * No maintained C library does this (libiberty has no MSVC support; LLVM's
 * MicrosoftDemangle is C++), so this is our own. Its output is meant to be
 * llvm-undname's, text for text, so the two can be compared
 * (tests/conformance/demangle.sh): the grammar and the printing rules follow
 * the published descriptions of the scheme (the Wine and LLVM documentation
 * of the codes, and llvm-undname's observable output); the code is written
 * afresh in C.
 *
 * It works in two passes. parse_* read the name into a small tree of nodes
 * taken from a per-call pool; print_* write the tree out. Both passes are
 * bounded: the parse depth is capped (MAX_DEPTH) because template arguments
 * and local scopes nest whole names; the pool has a fixed number of nodes;
 * the output has a byte cap and every print step is counted, so a name that
 * uses back-references to grow exponentially stops with an error instead of
 * running away. Nothing here reads file bytes: it gets a NUL-terminated
 * name.
 */
#include "abi.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 96            /* nested types, template arguments, scopes */
#define MAX_NODES 4096          /* tree nodes for one name */
#define MAX_OUT ABI_MAX_DEMANGLED /* bytes of demangled text */
#define MAX_STEPS 2000000       /* print steps for one name */
#define MAX_BACKREFS 10         /* the scheme's 0-9 */

/* ------------------------------------------------------------ the tree */

enum {
    Q_CONST = 1, Q_VOLATILE = 2, Q_RESTRICT = 4, Q_UNALIGNED = 8, Q_PTR64 = 16,
};

/* function class bits */
enum {
    FC_PRIVATE = 1 << 0, FC_PROTECTED = 1 << 1, FC_PUBLIC = 1 << 2, FC_GLOBAL = 1 << 3,
    FC_STATIC = 1 << 4, FC_VIRTUAL = 1 << 5, FC_FAR = 1 << 6, FC_EXTERNC = 1 << 7,
    FC_NOPARAMS = 1 << 8, FC_VADJUST = 1 << 9, FC_VADJUSTEX = 1 << 10, FC_SADJUST = 1 << 11,
};

typedef enum nkind {
    /* types */
    N_PRIM,          /* text: "int" */
    N_TAG,           /* tag ("class ") + name */
    N_POINTER,       /* affinity, pointee, class_parent */
    N_FUNC,          /* function signature (also a thunk) */
    N_ARRAY,         /* dims, element */
    N_CUSTOM,        /* an identifier as a type */
    /* names */
    N_QNAME,         /* list of identifiers joined by :: */
    N_IDENT,         /* text + template args */
    N_STRUCTOR,      /* ctor/dtor: class identifier + template args */
    N_CONVOP,        /* operator <type> */
    N_RTTI_BCD,      /* RTTI base class descriptor at (a, b, c, d) */
    N_STATIC_GUARD,  /* `local static guard'{N} */
    /* template arguments */
    N_INTLIT,        /* value, negative */
    N_TPREF,         /* &symbol or {symbol, offsets} */
    /* symbols */
    N_SYM_FUNC,      /* name + signature */
    N_SYM_VAR,       /* storage class + type + name */
    N_SYM_TABLE,     /* quals + name + {for `target'} */
    N_SYM_GUARD,     /* the guard variable */
    N_LIST,          /* a list of nodes */
} nkind;

typedef struct node node;

typedef struct nlist {
    node **items;
    size_t n;
} nlist;

struct node {
    nkind kind;
    unsigned quals;
    /* N_PRIM, N_IDENT text; N_TAG keyword */
    const char *text;
    size_t len;
    nlist targs;        /* N_IDENT, N_STRUCTOR, N_CONVOP template arguments */
    bool has_targs;
    node *a, *b, *c;    /* children, by kind (see the printers) */
    nlist list;         /* N_QNAME components, N_FUNC params, N_ARRAY dims */
    /* N_POINTER */
    int affinity;       /* '*', '&', 'R' (&&) */
    /* N_FUNC */
    unsigned fclass;
    char cc;
    bool variadic, noexcept_;
    bool void_params;   /* 'X': printed "(void)"; an empty '@' list prints "()" */
    int refqual;        /* 0, '&', 'R' */
    int32_t adjust[4];  /* thunk: static, vtordisp, vbptr, vboffset (32-bit, as printed) */
    /* N_STRUCTOR */
    bool dtor;
    /* N_INTLIT */
    uint64_t value;
    bool negative;
    /* N_TPREF */
    int noffsets;
    int64_t offsets[3];
    bool tpref_ptr;
    /* N_SYM_VAR storage class '0'..'4' or 0 */
    char storage;
    /* N_RTTI_BCD */
    int64_t bcd[4];
    bool thread_guard;
};

typedef struct backrefs {
    node *names[MAX_BACKREFS];
    size_t nnames;
    node *params[MAX_BACKREFS];
    size_t nparams;
} backrefs;

/* A byte sink with a cap. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool full;
    long steps;
} sbuf;

typedef struct dm {
    const char *s;      /* the rest of the name */
    bool err;
    int depth;
    node pool[MAX_NODES];
    size_t npool;
    backrefs br;
    /* text we had to build (memorized template names, local scopes) */
    char **heap;
    size_t nheap, heapcap;
    oi_msvc_facts facts;
} dm;

/* Take ownership of a malloc'd string (freed with the demangler). */
static bool keep(dm *d, char *p)
{
    if (!p) {
        d->err = true;
        return false;
    }
    if (d->nheap == d->heapcap) {
        size_t cap = d->heapcap ? d->heapcap * 2 : 16;
        char **h = cap <= 65536 ? realloc(d->heap, cap * sizeof *h) : NULL;
        if (!h) {
            free(p);
            d->err = true;
            return false;
        }
        d->heap = h;
        d->heapcap = cap;
    }
    d->heap[d->nheap++] = p;
    return true;
}

static node *new_node(dm *d, nkind k)
{
    if (d->npool >= MAX_NODES) {
        d->err = true;
        return NULL;
    }
    node *n = &d->pool[d->npool++];
    memset(n, 0, sizeof *n);
    n->kind = k;
    return n;
}

/* Keep a list in malloc'd memory tied to the demangler (freed at the end). */
static bool list_push(dm *d, nlist *l, node *x)
{
    if ((l->n & (l->n - 1)) == 0) {      /* 0, 1, 2, 4, 8, ...: grow */
        size_t cap = l->n ? l->n * 2 : 1;
        node **p = realloc(l->items, cap * sizeof *p);
        if (!p) {
            d->err = true;
            return false;
        }
        l->items = p;
    }
    l->items[l->n++] = x;
    return true;
}

/* ------------------------------------------------------------ output */

static void put(sbuf *o, const char *s, size_t n)
{
    if (o->full)
        return;
    if (o->n + n > MAX_OUT) {
        o->full = true;
        return;
    }
    if (o->n + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->n + n + 1)
            cap *= 2;
        char *p = realloc(o->p, cap);
        if (!p) {
            o->full = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = 0;
}

static void puts_(sbuf *o, const char *s) { put(o, s, strlen(s)); }

static void put_i64(sbuf *o, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRId64, v);
    puts_(o, b);
}

static void put_u64(sbuf *o, uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRIu64, v);
    puts_(o, b);
}

static char last(const sbuf *o) { return o->n ? o->p[o->n - 1] : 0; }

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void space_if_needed(sbuf *o)
{
    char c = last(o);
    if (is_alnum(c) || c == '>')
        puts_(o, " ");
}

static bool step(sbuf *o)
{
    if (++o->steps > MAX_STEPS)
        o->full = true;
    return !o->full;
}

static void print_node(sbuf *o, const node *n);
static void print_pre(sbuf *o, const node *n, bool no_cc);
static void print_post(sbuf *o, const node *n);

static void print_quals(sbuf *o, unsigned q, bool space_before, bool space_after)
{
    size_t before = o->n;
    static const struct { unsigned bit; const char *s; } tab[] = {
        { Q_CONST, "const" }, { Q_VOLATILE, "volatile" }, { Q_RESTRICT, "__restrict" },
    };
    for (size_t i = 0; i < 3; i++) {
        if (!(q & tab[i].bit))
            continue;
        if (space_before)
            puts_(o, " ");
        puts_(o, tab[i].s);
        space_before = true;
    }
    if (space_after && o->n > before)
        puts_(o, " ");
}

static void print_list(sbuf *o, const nlist *l, const char *sep)
{
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            puts_(o, sep);
        if (l->items[i])
            print_node(o, l->items[i]);
    }
}

static void print_targs(sbuf *o, const node *n)
{
    if (!n->has_targs)
        return;
    puts_(o, "<");
    print_list(o, &n->targs, ", ");
    puts_(o, ">");
}

static const char *cc_text(char cc)
{
    switch (cc) {
    case 'A': case 'B': return "__cdecl";
    case 'C': case 'D': return "__pascal";
    case 'E': case 'F': return "__thiscall";
    case 'G': case 'H': return "__stdcall";
    case 'I': case 'J': return "__fastcall";
    case 'M': case 'N': return "__clrcall";
    case 'O': case 'P': return "__eabi";
    case 'Q': return "__vectorcall";
    case 'S': return "__attribute__((__swiftcall__)) ";
    case 'W': return "__attribute__((__swiftasynccall__)) ";
    default: return "";
    }
}

static void print_func_pre(sbuf *o, const node *n, bool no_cc)
{
    if (n->fclass & (FC_SADJUST | FC_VADJUST))
        puts_(o, "[thunk]: ");
    if (n->fclass & FC_PUBLIC) puts_(o, "public: ");
    if (n->fclass & FC_PROTECTED) puts_(o, "protected: ");
    if (n->fclass & FC_PRIVATE) puts_(o, "private: ");
    if (!(n->fclass & FC_GLOBAL) && (n->fclass & FC_STATIC))
        puts_(o, "static ");
    if (n->fclass & FC_VIRTUAL) puts_(o, "virtual ");
    if (n->fclass & FC_EXTERNC) puts_(o, "extern \"C\" ");
    if (n->a) {           /* return type */
        print_pre(o, n->a, false);
        puts_(o, " ");
    }
    if (!no_cc)
        puts_(o, cc_text(n->cc));
}

static void print_func_post(sbuf *o, const node *n)
{
    if (n->fclass & FC_SADJUST) {
        puts_(o, "`adjustor{");
        put_u64(o, (uint32_t)n->adjust[0]);     /* the static offset is unsigned */
        puts_(o, "}'");
    } else if (n->fclass & FC_VADJUST) {
        if (n->fclass & FC_VADJUSTEX) {
            puts_(o, "`vtordispex{");
            put_i64(o, n->adjust[2]);
            puts_(o, ", ");
            put_i64(o, n->adjust[3]);
            puts_(o, ", ");
        } else {
            puts_(o, "`vtordisp{");
        }
        put_i64(o, n->adjust[1]);
        puts_(o, ", ");
        put_u64(o, (uint32_t)n->adjust[0]);
        puts_(o, "}'");
    }
    if (!(n->fclass & FC_NOPARAMS)) {
        puts_(o, "(");
        if (n->void_params)
            puts_(o, "void");
        else
            print_list(o, &n->list, ", ");
        if (n->variadic) {
            if (last(o) != '(')
                puts_(o, ", ");
            puts_(o, "...");
        }
        puts_(o, ")");
    }
    if (n->quals & Q_CONST) puts_(o, " const");
    if (n->quals & Q_VOLATILE) puts_(o, " volatile");
    if (n->quals & Q_RESTRICT) puts_(o, " __restrict");
    if (n->quals & Q_UNALIGNED) puts_(o, " __unaligned");
    if (n->noexcept_) puts_(o, " noexcept");
    if (n->refqual == '&') puts_(o, " &");
    else if (n->refqual == 'R') puts_(o, " &&");
    if (n->a)
        print_post(o, n->a);
}

/* The part of a type before the declarator name. */
static void print_pre(sbuf *o, const node *n, bool no_cc)
{
    if (!n || !step(o))
        return;
    switch (n->kind) {
    case N_PRIM:
        put(o, n->text, n->len);
        print_quals(o, n->quals, true, false);
        break;
    case N_TAG:
        puts_(o, n->text);
        print_node(o, n->a);
        print_quals(o, n->quals, true, false);
        break;
    case N_CUSTOM:
        print_node(o, n->a);
        break;
    case N_ARRAY:
        print_pre(o, n->a, false);
        print_quals(o, n->quals, true, false);
        break;
    case N_FUNC:
        print_func_pre(o, n, no_cc);
        break;
    case N_POINTER: {
        const node *p = n->a;
        if (p && p->kind == N_FUNC) {
            /* no access or "static" inside a pointer; the convention goes
             * inside the parentheses */
            print_func_pre(o, p, true);
        } else {
            print_pre(o, p, false);
        }
        space_if_needed(o);
        if (n->quals & Q_UNALIGNED)
            puts_(o, "__unaligned ");
        if (p && p->kind == N_ARRAY) {
            puts_(o, "(");
        } else if (p && p->kind == N_FUNC) {
            puts_(o, "(");
            puts_(o, cc_text(p->cc));
            puts_(o, " ");
        }
        if (n->b) {          /* member pointer's class */
            print_node(o, n->b);
            puts_(o, "::");
        }
        puts_(o, n->affinity == '*' ? "*" : n->affinity == '&' ? "&" : "&&");
        print_quals(o, n->quals, false, false);
        break;
    }
    default:
        print_node(o, n);
        break;
    }
}

/* The part of a type after the declarator name. */
static void print_post(sbuf *o, const node *n)
{
    if (!n || !step(o))
        return;
    switch (n->kind) {
    case N_FUNC:
        print_func_post(o, n);
        break;
    case N_ARRAY:
        /* a zero dimension prints as "[]" */
        for (size_t i = 0; i < n->list.n; i++) {
            puts_(o, "[");
            if (n->list.items[i]->value != 0)
                print_node(o, n->list.items[i]);
            puts_(o, "]");
        }
        print_post(o, n->a);
        break;
    case N_POINTER:
        if (n->a && (n->a->kind == N_ARRAY || n->a->kind == N_FUNC))
            puts_(o, ")");
        print_post(o, n->a);
        break;
    default:
        break;
    }
}

static void print_node(sbuf *o, const node *n)
{
    if (!n || !step(o))
        return;
    switch (n->kind) {
    case N_PRIM: case N_TAG: case N_CUSTOM: case N_ARRAY: case N_FUNC: case N_POINTER:
        print_pre(o, n, false);
        print_post(o, n);
        break;
    case N_QNAME:
        print_list(o, &n->list, "::");
        break;
    case N_IDENT:
        put(o, n->text, n->len);
        print_targs(o, n);
        break;
    case N_STRUCTOR:
        if (n->dtor)
            puts_(o, "~");
        print_node(o, n->a);
        print_targs(o, n);
        break;
    case N_CONVOP:
        puts_(o, "operator");
        print_targs(o, n);
        puts_(o, " ");
        print_node(o, n->a);
        break;
    case N_RTTI_BCD:
        puts_(o, "`RTTI Base Class Descriptor at (");
        for (int i = 0; i < 4; i++) {
            if (i)
                puts_(o, ", ");
            put_i64(o, n->bcd[i]);
        }
        puts_(o, ")'");
        break;
    case N_STATIC_GUARD:
        puts_(o, n->thread_guard ? "`local static thread guard'" : "`local static guard'");
        if (n->value > 0) {
            puts_(o, "{");
            put_u64(o, n->value);
            puts_(o, "}");
        }
        break;
    case N_INTLIT:
        if (n->negative)
            puts_(o, "-");
        put_u64(o, n->value);
        break;
    case N_TPREF:
        if (n->noffsets > 0)
            puts_(o, "{");
        else if (n->tpref_ptr)
            puts_(o, "&");
        if (n->a) {
            print_node(o, n->a);
            if (n->noffsets > 0)
                puts_(o, ", ");
        }
        for (int i = 0; i < n->noffsets; i++) {
            if (i)
                puts_(o, ", ");
            put_i64(o, n->offsets[i]);
        }
        if (n->noffsets > 0)
            puts_(o, "}");
        break;
    case N_SYM_FUNC:
        print_pre(o, n->b, false);
        space_if_needed(o);
        print_node(o, n->a);
        print_post(o, n->b);
        break;
    case N_SYM_VAR:
        switch (n->storage) {
        case '0': puts_(o, "private: static "); break;
        case '1': puts_(o, "protected: static "); break;
        case '2': puts_(o, "public: static "); break;
        default: break;
        }
        if (n->b) {
            print_pre(o, n->b, false);
            space_if_needed(o);
        }
        print_node(o, n->a);
        if (n->b)
            print_post(o, n->b);
        break;
    case N_SYM_TABLE:
        print_quals(o, n->quals, false, true);
        print_node(o, n->a);
        if (n->b) {
            puts_(o, "{for `");
            print_node(o, n->b);
            puts_(o, "'}");
        }
        break;
    case N_SYM_GUARD:
        print_node(o, n->a);
        break;
    case N_LIST:
        print_list(o, &n->list, ", ");
        break;
    }
}

/* Render n to a string owned by d (for memorized names). */
static const char *render(dm *d, const node *n, size_t *len)
{
    sbuf o = { 0 };
    print_node(&o, n);
    if (o.full) {
        free(o.p);
        d->err = true;
        return NULL;
    }
    if (!o.p)
        o.p = calloc(1, 1);
    if (!keep(d, o.p))
        return NULL;
    *len = o.n;
    return o.p;
}

/* ------------------------------------------------------------ parsing */

static bool eat(dm *d, char c)
{
    if (*d->s == c) {
        d->s++;
        return true;
    }
    return false;
}

static bool eats(dm *d, const char *p)
{
    size_t n = strlen(p);
    if (strncmp(d->s, p, n) == 0) {
        d->s += n;
        return true;
    }
    return false;
}

static bool starts(const dm *d, const char *p) { return strncmp(d->s, p, strlen(p)) == 0; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool enter(dm *d)
{
    if (d->err || ++d->depth > MAX_DEPTH) {
        d->err = true;
        return false;
    }
    return true;
}

static void leave(dm *d) { d->depth--; }

static node *parse_symbol(dm *d);
static node *parse_type(dm *d, int mode);
static node *parse_fqtype_name(dm *d);
static node *parse_func_type(dm *d, bool this_quals);

enum { QM_DROP, QM_MANGLE, QM_RESULT };

/* <number> ::= [?] <digit 0-9 = 1..10> | [?] <hex A-P>* @ */
static uint64_t parse_number(dm *d, bool *neg)
{
    *neg = eat(d, '?');
    if (is_digit(*d->s))
        return (uint64_t)(*d->s++ - '0') + 1;
    uint64_t v = 0;
    for (int i = 0; i < 17; i++) {
        char c = *d->s;
        if (c == '@') {
            d->s++;
            return v;
        }
        if (c < 'A' || c > 'P')
            break;
        v = (v << 4) | (uint64_t)(c - 'A');
        d->s++;
    }
    d->err = true;
    return 0;
}

static int64_t parse_signed(dm *d)
{
    bool neg;
    uint64_t v = parse_number(d, &neg);
    if (v > (uint64_t)INT64_MAX) {
        d->err = true;
        return 0;
    }
    return neg ? -(int64_t)v : (int64_t)v;
}

static uint64_t parse_unsigned(dm *d)
{
    bool neg;
    uint64_t v = parse_number(d, &neg);
    if (neg)
        d->err = true;
    return v;
}

static node *ident(dm *d, const char *text, size_t len)
{
    node *n = new_node(d, N_IDENT);
    if (n) {
        n->text = text;
        n->len = len;
    }
    return n;
}

static void memorize(dm *d, const char *text, size_t len)
{
    if (d->br.nnames >= MAX_BACKREFS)
        return;
    for (size_t i = 0; i < d->br.nnames; i++)
        if (d->br.names[i]->len == len && memcmp(d->br.names[i]->text, text, len) == 0)
            return;
    node *n = ident(d, text, len);
    if (n)
        d->br.names[d->br.nnames++] = n;
}

static void memorize_ident(dm *d, const node *id)
{
    size_t len;
    const char *t = render(d, id, &len);
    if (t)
        memorize(d, t, len);
}

static node *parse_simple_name(dm *d, bool mem)
{
    const char *at = strchr(d->s, '@');
    if (!at || at == d->s) {
        d->err = true;
        return NULL;
    }
    size_t len = (size_t)(at - d->s);
    node *n = ident(d, d->s, len);
    if (mem)
        memorize(d, d->s, len);
    d->s = at + 1;
    return n;
}

static node *parse_backref_name(dm *d)
{
    size_t i = (size_t)(*d->s - '0');
    if (i >= d->br.nnames) {
        d->err = true;
        return NULL;
    }
    d->s++;
    return d->br.names[i];
}

static const char *const op_basic[36] = {
    /* 0-9 */ NULL, NULL, "operator new", "operator delete", "operator=", "operator>>",
    "operator<<", "operator!", "operator==", "operator!=",
    /* A-Z */ "operator[]", NULL, "operator->", "operator*", "operator++", "operator--",
    "operator-", "operator+", "operator&", "operator->*", "operator/", "operator%",
    "operator<", "operator<=", "operator>", "operator>=", "operator,", "operator()",
    "operator~", "operator^", "operator|", "operator&&", "operator||", "operator*=",
    "operator+=", "operator-=",
};
static const char *const op_under[36] = {
    "operator/=", "operator%=", "operator>>=", "operator<<=", "operator&=", "operator|=",
    "operator^=", NULL, NULL, NULL,
    /* A */ NULL, NULL, NULL, "`vbase dtor'", "`vector deleting dtor'", "`default ctor closure'",
    "`scalar deleting dtor'", "`vector ctor iterator'", "`vector dtor iterator'",
    "`vector vbase ctor iterator'", "`virtual displacement map'", "`eh vector ctor iterator'",
    "`eh vector dtor iterator'", "`eh vector vbase ctor iterator'", "`copy ctor closure'",
    NULL, NULL, NULL, NULL, "`local vftable ctor closure'", "operator new[]", "operator delete[]",
    NULL, NULL, NULL, NULL,
};
static const char *const op_dunder[36] = {
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    /* A */ "`managed vector ctor iterator'", "`managed vector dtor iterator'",
    "`EH vector copy ctor iterator'", "`EH vector vbase copy ctor iterator'", NULL, NULL,
    "`vector copy ctor iterator'", "`vector vbase copy constructor iterator'",
    "`managed vector vbase copy constructor iterator'", NULL, NULL, "operator co_await", "operator<=>",
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static int code_index(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return 10 + (c - 'A');
    return -1;
}

/* ?<code>: operators, constructors, destructors, conversion, ?__K literal */
static node *parse_operator_name(dm *d)
{
    d->s++;                                 /* '?' */
    int group = eats(d, "__") ? 2 : eat(d, '_') ? 1 : 0;
    char c = *d->s;
    if (!c) {
        d->err = true;
        return NULL;
    }
    d->s++;
    if (group == 0 && (c == '0' || c == '1')) {
        node *n = new_node(d, N_STRUCTOR);
        if (n)
            n->dtor = c == '1';
        d->facts.flags |= OI_ABIF_MEMBER;
        return n;
    }
    if (group == 0 && c == 'B')
        return new_node(d, N_CONVOP);
    if (group == 2 && c == 'K') {           /* operator ""_name */
        node *id = parse_simple_name(d, false);
        if (!id)
            return NULL;
        size_t len = id->len + 11;
        char *t = malloc(len + 1);
        if (!keep(d, t))
            return NULL;
        snprintf(t, len + 1, "operator \"\"%.*s", (int)id->len, id->text);
        return ident(d, t, strlen(t));
    }
    int i = code_index(c);
    const char *const *tab = group == 0 ? op_basic : group == 1 ? op_under : op_dunder;
    if (i < 0 || !tab[i]) {
        d->err = true;
        return NULL;
    }
    return ident(d, tab[i], strlen(tab[i]));
}

static nlist parse_template_args(dm *d);

/* ?$<name><args>@ ; the arguments get a fresh back-reference context. */
static node *parse_template_name(dm *d, bool as_scope)
{
    if (!enter(d))
        return NULL;
    d->s += 2;                              /* "?$" */
    backrefs outer = d->br;
    memset(&d->br, 0, sizeof d->br);
    node *id = NULL;
    if (is_digit(*d->s))
        id = parse_backref_name(d);
    else if (starts(d, "?$"))
        id = parse_template_name(d, false);
    else if (*d->s == '?')
        id = parse_operator_name(d);
    else
        id = parse_simple_name(d, true);
    if (id && !d->err) {
        /* a back-referenced identifier is shared: copy it before adding arguments */
        node *copy = new_node(d, id->kind);
        if (copy) {
            *copy = *id;
            copy->targs = parse_template_args(d);
            copy->has_targs = true;
            id = copy;
        }
    }
    d->br = outer;
    leave(d);
    if (d->err || !id)
        return NULL;
    if (as_scope) {
        if (id->kind == N_CONVOP || id->kind == N_STRUCTOR) {
            d->err = true;
            return NULL;
        }
        memorize_ident(d, id);
    }
    return id;
}

/* "?A0x1234@": an anonymous namespace (the key is what gets memorized) */
static node *parse_anon_namespace(dm *d)
{
    d->s += 2;
    const char *at = strchr(d->s, '@');
    if (!at) {
        d->err = true;
        return NULL;
    }
    memorize(d, d->s, (size_t)(at - d->s));
    d->s = at + 1;
    static const char anon[] = "`anonymous namespace'";
    return ident(d, anon, sizeof anon - 1);
}

static bool local_scope_pattern(const char *s)
{
    if (*s++ != '?')
        return false;
    const char *q = strchr(s, '?');
    if (!q || q == s)
        return false;
    size_t n = (size_t)(q - s);
    if (n == 1)
        return s[0] == '@' || is_digit(s[0]);
    if (s[n - 1] != '@')
        return false;
    if (s[0] < 'B' || s[0] > 'P')
        return false;
    for (size_t i = 1; i < n - 1; i++)
        if (s[i] < 'A' || s[i] > 'P')
            return false;
    return true;
}

/* "?N?<symbol>": a name local to a function, printed `symbol'::`N' */
static node *parse_local_scope(dm *d)
{
    d->s++;
    bool neg;
    uint64_t num = parse_number(d, &neg);
    eat(d, '?');
    if (d->err || !enter(d))
        return NULL;
    oi_msvc_facts saved = d->facts;
    node *sym = parse_symbol(d);
    d->facts = saved;
    leave(d);
    if (d->err || !sym)
        return NULL;
    sbuf o = { 0 };
    puts_(&o, "`");
    print_node(&o, sym);
    puts_(&o, "'::`");
    put_u64(&o, num);
    puts_(&o, "'");
    if (o.full) {
        free(o.p);
        d->err = true;
        return NULL;
    }
    if (!keep(d, o.p))
        return NULL;
    return ident(d, o.p, o.n);
}

static node *parse_scope_piece(dm *d)
{
    if (is_digit(*d->s))
        return parse_backref_name(d);
    if (starts(d, "?$"))
        return parse_template_name(d, true);
    if (starts(d, "?A"))
        return parse_anon_namespace(d);
    if (local_scope_pattern(d->s))
        return parse_local_scope(d);
    return parse_simple_name(d, true);
}

/* The scopes after the innermost name, up to '@'; printed outermost first. */
static node *parse_scope_chain(dm *d, node *innermost)
{
    node *q = new_node(d, N_QNAME);
    if (!q || !innermost)
        return NULL;
    nlist rev = { 0 };
    list_push(d, &rev, innermost);
    while (!d->err && !eat(d, '@')) {
        if (!*d->s || rev.n > 256) {
            d->err = true;
            break;
        }
        node *piece = parse_scope_piece(d);
        if (piece)
            list_push(d, &rev, piece);
    }
    for (size_t i = rev.n; i-- > 0 && !d->err;)
        list_push(d, &q->list, rev.items[i]);
    free(rev.items);
    return d->err ? NULL : q;
}

static node *parse_fqtype_name(dm *d)
{
    node *id;
    if (is_digit(*d->s))
        id = parse_backref_name(d);
    else if (starts(d, "?$"))
        id = parse_template_name(d, true);
    else
        id = parse_simple_name(d, true);
    if (d->err)
        return NULL;
    return parse_scope_chain(d, id);
}

static node *parse_fqsymbol_name(dm *d)
{
    node *id;
    if (is_digit(*d->s))
        id = parse_backref_name(d);
    else if (starts(d, "?$"))
        id = parse_template_name(d, false);
    else if (*d->s == '?')
        id = parse_operator_name(d);
    else
        id = parse_simple_name(d, true);
    if (d->err)
        return NULL;
    node *q = parse_scope_chain(d, id);
    if (!q)
        return NULL;
    if (id->kind == N_STRUCTOR) {
        if (q->list.n < 2) {
            d->err = true;
            return NULL;
        }
        id->a = q->list.items[q->list.n - 2];
    }
    return q;
}

/* E (__ptr64), I (__restrict), F (__unaligned): each at most once, in
 * that order. */
static unsigned parse_ext_quals(dm *d)
{
    unsigned q = 0;
    if (eat(d, 'E'))
        q |= Q_PTR64;
    if (eat(d, 'I'))
        q |= Q_RESTRICT;
    if (eat(d, 'F'))
        q |= Q_UNALIGNED;
    return q;
}

/* A..D (non-member) or Q..T (member) cv-qualifiers. */
static unsigned parse_cv(dm *d, bool *member)
{
    char c = *d->s;
    *member = false;
    switch (c) {
    case 'Q': *member = true; /* fall through */
    case 'A': d->s++; return 0;
    case 'R': *member = true; /* fall through */
    case 'B': d->s++; return Q_CONST;
    case 'S': *member = true; /* fall through */
    case 'C': d->s++; return Q_VOLATILE;
    case 'T': *member = true; /* fall through */
    case 'D': d->s++; return Q_CONST | Q_VOLATILE;
    default:
        d->err = true;
        return 0;
    }
}

static node *prim(dm *d, const char *text)
{
    node *n = new_node(d, N_PRIM);
    if (n) {
        n->text = text;
        n->len = strlen(text);
    }
    return n;
}

static node *parse_primitive(dm *d)
{
    if (eats(d, "$$T"))
        return prim(d, "std::nullptr_t");
    char c = *d->s;
    if (!c) {
        d->err = true;
        return NULL;
    }
    d->s++;
    switch (c) {
    case 'X': return prim(d, "void");
    case 'D': return prim(d, "char");
    case 'C': return prim(d, "signed char");
    case 'E': return prim(d, "unsigned char");
    case 'F': return prim(d, "short");
    case 'G': return prim(d, "unsigned short");
    case 'H': return prim(d, "int");
    case 'I': return prim(d, "unsigned int");
    case 'J': return prim(d, "long");
    case 'K': return prim(d, "unsigned long");
    case 'M': return prim(d, "float");
    case 'N': return prim(d, "double");
    case 'O': return prim(d, "long double");
    case '_':
        c = *d->s;
        if (!c)
            break;
        d->s++;
        switch (c) {
        case 'N': return prim(d, "bool");
        case 'J': return prim(d, "__int64");
        case 'K': return prim(d, "unsigned __int64");
        case 'W': return prim(d, "wchar_t");
        case 'Q': return prim(d, "char8_t");
        case 'S': return prim(d, "char16_t");
        case 'U': return prim(d, "char32_t");
        default: break;
        }
        break;
    default:
        break;
    }
    d->err = true;
    return NULL;
}

static node *parse_tag(dm *d)
{
    node *n = new_node(d, N_TAG);
    if (!n)
        return NULL;
    switch (*d->s++) {
    case 'T': n->text = "union "; break;
    case 'U': n->text = "struct "; break;
    case 'V': n->text = "class "; break;
    case 'W':
        if (!eat(d, '4')) {
            d->err = true;
            return NULL;
        }
        n->text = "enum ";
        break;
    default:
        d->err = true;
        return NULL;
    }
    n->a = parse_fqtype_name(d);
    return d->err ? NULL : n;
}

static bool is_pointer_type(const dm *d)
{
    if (starts(d, "$$Q"))
        return true;
    switch (*d->s) {
    case 'A': case 'P': case 'Q': case 'R': case 'S': return true;
    default: return false;
    }
}

/* Is the pointer at s a pointer to member? (looks ahead, consumes nothing) */
static bool is_member_pointer(dm *d)
{
    const char *s = d->s;
    switch (*s++) {
    case '$': case 'A': return false;
    case 'P': case 'Q': case 'R': case 'S': break;
    default: d->err = true; return false;
    }
    if (is_digit(*s)) {
        if (*s != '6' && *s != '8') {
            d->err = true;
            return false;
        }
        return *s == '8';
    }
    if (*s == 'E') s++;
    if (*s == 'I') s++;
    if (*s == 'F') s++;
    switch (*s) {
    case 'A': case 'B': case 'C': case 'D': return false;
    case 'Q': case 'R': case 'S': case 'T': return true;
    default: d->err = true; return false;
    }
}

static void parse_pointer_cv(dm *d, node *p)
{
    if (eats(d, "$$Q")) {
        p->affinity = 'R';
        return;
    }
    switch (*d->s++) {
    case 'A': p->affinity = '&'; break;
    case 'P': p->affinity = '*'; break;
    case 'Q': p->affinity = '*'; p->quals = Q_CONST; break;
    case 'R': p->affinity = '*'; p->quals = Q_VOLATILE; break;
    case 'S': p->affinity = '*'; p->quals = Q_CONST | Q_VOLATILE; break;
    default: d->err = true; break;
    }
}

static node *parse_pointer(dm *d)
{
    node *p = new_node(d, N_POINTER);
    if (!p)
        return NULL;
    parse_pointer_cv(d, p);
    if (eat(d, '6')) {
        p->a = parse_func_type(d, false);
        return d->err ? NULL : p;
    }
    p->quals |= parse_ext_quals(d);
    p->a = parse_type(d, QM_MANGLE);
    return d->err ? NULL : p;
}

static node *parse_member_pointer(dm *d)
{
    node *p = new_node(d, N_POINTER);
    if (!p)
        return NULL;
    parse_pointer_cv(d, p);
    p->quals |= parse_ext_quals(d);
    if (eat(d, '8')) {
        p->b = parse_fqtype_name(d);
        if (!d->err)
            p->a = parse_func_type(d, true);
    } else {
        bool member;
        unsigned q = parse_cv(d, &member);
        if (!d->err)
            p->b = parse_fqtype_name(d);
        if (!d->err)
            p->a = parse_type(d, QM_DROP);
        if (p->a)
            p->a->quals = q;
    }
    return d->err ? NULL : p;
}

static node *parse_array(dm *d)
{
    d->s++;                                 /* 'Y' */
    bool neg;
    uint64_t rank = parse_number(d, &neg);
    if (d->err || neg || rank == 0 || rank > 64) {
        d->err = true;
        return NULL;
    }
    node *a = new_node(d, N_ARRAY);
    if (!a)
        return NULL;
    for (uint64_t i = 0; i < rank && !d->err; i++) {
        node *dim = new_node(d, N_INTLIT);
        if (!dim)
            return NULL;
        dim->value = parse_number(d, &neg);
        if (neg)
            d->err = true;
        list_push(d, &a->list, dim);
    }
    if (d->err)
        return NULL;
    if (eats(d, "$$C")) {
        bool member;
        a->quals = parse_cv(d, &member);
        if (member)
            d->err = true;
    }
    a->a = parse_type(d, QM_DROP);
    return d->err ? NULL : a;
}

static node *parse_custom_type(dm *d)
{
    d->s++;                                 /* '?' */
    node *n = new_node(d, N_CUSTOM);
    if (!n)
        return NULL;
    if (is_digit(*d->s))
        n->a = parse_backref_name(d);
    else if (starts(d, "?$"))
        n->a = parse_template_name(d, true);
    else
        n->a = parse_simple_name(d, true);
    if (!eat(d, '@'))
        d->err = true;
    return d->err ? NULL : n;
}

static node *parse_type(dm *d, int mode)
{
    if (!enter(d))
        return NULL;
    unsigned quals = 0;
    bool member = false;
    if (mode == QM_MANGLE)
        quals = parse_cv(d, &member);
    else if (mode == QM_RESULT && eat(d, '?'))
        quals = parse_cv(d, &member);
    node *t = NULL;
    if (d->err || !*d->s) {
        d->err = true;
    } else if (strchr("TUVW", *d->s)) {
        t = parse_tag(d);
    } else if (is_pointer_type(d)) {
        bool mp = is_member_pointer(d);
        if (!d->err)
            t = mp ? parse_member_pointer(d) : parse_pointer(d);
    } else if (*d->s == 'Y') {
        t = parse_array(d);
    } else if (eats(d, "$$A8@@")) {
        t = parse_func_type(d, true);
    } else if (eats(d, "$$A6")) {
        t = parse_func_type(d, false);
    } else if (*d->s == '?') {
        t = parse_custom_type(d);
    } else {
        t = parse_primitive(d);
    }
    leave(d);
    if (!t || d->err)
        return NULL;
    t->quals |= quals;
    return t;
}

static void parse_params(dm *d, node *f)
{
    if (eat(d, 'X')) {
        f->void_params = true;
        return;
    }
    while (!d->err && *d->s != '@' && *d->s != 'Z') {
        if (!*d->s) {
            d->err = true;
            return;
        }
        if (is_digit(*d->s)) {
            size_t i = (size_t)(*d->s - '0');
            if (i >= d->br.nparams) {
                d->err = true;
                return;
            }
            d->s++;
            list_push(d, &f->list, d->br.params[i]);
            continue;
        }
        const char *before = d->s;
        node *t = parse_type(d, QM_DROP);
        if (!t)
            return;
        list_push(d, &f->list, t);
        if (d->br.nparams < MAX_BACKREFS && d->s - before > 1)
            d->br.params[d->br.nparams++] = t;
    }
    if (eat(d, '@'))
        return;
    if (eat(d, 'Z')) {
        f->variadic = true;
        return;
    }
    d->err = true;
}

static node *parse_func_type(dm *d, bool this_quals)
{
    if (!enter(d))
        return NULL;
    node *f = new_node(d, N_FUNC);
    if (!f) {
        leave(d);
        return NULL;
    }
    f->fclass = FC_GLOBAL;
    if (this_quals) {
        f->quals = parse_ext_quals(d);
        if (eat(d, 'G'))
            f->refqual = '&';
        else if (eat(d, 'H'))
            f->refqual = 'R';
        bool member;
        f->quals |= parse_cv(d, &member);
    }
    f->cc = *d->s;
    if (f->cc)
        d->s++;
    if (!eat(d, '@'))
        f->a = parse_type(d, QM_RESULT);
    if (!d->err)
        parse_params(d, f);
    if (!d->err) {
        if (eats(d, "_E"))
            f->noexcept_ = true;
        else if (!eat(d, 'Z'))
            d->err = true;
    }
    leave(d);
    return d->err ? NULL : f;
}

static unsigned parse_function_class(dm *d)
{
    char c = *d->s;
    if (!c) {
        d->err = true;
        return 0;
    }
    d->s++;
    if (c == '$') {
        unsigned v = FC_VADJUST;
        if (eat(d, 'R'))
            v |= FC_VADJUSTEX;
        c = *d->s;
        if (!c) {
            d->err = true;
            return 0;
        }
        d->s++;
        switch (c) {
        case '0': return FC_PRIVATE | FC_VIRTUAL | v;
        case '1': return FC_PRIVATE | FC_VIRTUAL | v | FC_FAR;
        case '2': return FC_PROTECTED | FC_VIRTUAL | v;
        case '3': return FC_PROTECTED | FC_VIRTUAL | v | FC_FAR;
        case '4': return FC_PUBLIC | FC_VIRTUAL | v;
        case '5': return FC_PUBLIC | FC_VIRTUAL | v | FC_FAR;
        default: d->err = true; return 0;
        }
    }
    static const unsigned access[3] = { FC_PRIVATE, FC_PROTECTED, FC_PUBLIC };
    if (c >= 'A' && c <= 'X') {
        int i = c - 'A';
        unsigned fc = access[i / 8];
        switch ((i % 8) / 2) {
        case 0: break;
        case 1: fc |= FC_STATIC; break;
        case 2: fc |= FC_VIRTUAL; break;
        case 3: fc |= FC_SADJUST | (i >= 8 ? FC_VIRTUAL : 0); break;   /* G/H: not virtual */
        }
        if (i % 2)
            fc |= FC_FAR;
        return fc;
    }
    if (c == 'Y')
        return FC_GLOBAL;
    if (c == 'Z')
        return FC_GLOBAL | FC_FAR;
    d->err = true;
    return 0;
}

static node *parse_function_encoding(dm *d)
{
    unsigned extra = 0;
    if (eats(d, "$$J0"))
        extra = FC_EXTERNC;
    eats(d, "$$h");                         /* ARM64EC "hybrid" marker */
    unsigned fc = parse_function_class(d) | extra;
    if (d->err)
        return NULL;
    int32_t adj[4] = { 0, 0, 0, 0 };
    if (fc & FC_SADJUST) {
        adj[0] = (int32_t)parse_signed(d);
    } else if (fc & FC_VADJUST) {
        if (fc & FC_VADJUSTEX) {
            adj[2] = (int32_t)parse_signed(d);
            adj[3] = (int32_t)parse_signed(d);
        }
        adj[1] = (int32_t)parse_signed(d);
        adj[0] = (int32_t)parse_signed(d);
    }
    if (d->err)
        return NULL;
    node *f;
    if (fc & FC_NOPARAMS) {
        f = new_node(d, N_FUNC);
    } else {
        f = parse_func_type(d, !(fc & (FC_GLOBAL | FC_STATIC)));
    }
    if (!f)
        return NULL;
    f->fclass = fc;
    memcpy(f->adjust, adj, sizeof adj);
    /* facts for the calling-convention rule */
    d->facts.cc = f->cc;
    if (!(fc & (FC_GLOBAL | FC_STATIC)))
        d->facts.flags |= OI_ABIF_MEMBER;
    if (fc & FC_STATIC)
        d->facts.flags |= OI_ABIF_STATIC;
    if (fc & FC_VIRTUAL)
        d->facts.flags |= OI_ABIF_VIRTUAL;
    if (fc & (FC_SADJUST | FC_VADJUST))
        d->facts.flags |= OI_ABIF_THUNK;
    return f;
}

static node *parse_variable(dm *d, char storage)
{
    node *v = new_node(d, N_SYM_VAR);
    if (!v)
        return NULL;
    v->storage = storage;
    v->b = parse_type(d, QM_DROP);
    if (d->err)
        return NULL;
    if (v->b->kind == N_POINTER) {
        v->b->quals |= parse_ext_quals(d);
        bool member;
        unsigned extra = parse_cv(d, &member);
        if (!d->err && v->b->b)
            parse_fqtype_name(d);           /* the class again: not printed */
        if (v->b->a)
            v->b->a->quals |= extra;
    } else {
        bool member;
        v->b->quals = parse_cv(d, &member);
    }
    d->facts.flags |= OI_ABIF_DATA;
    d->facts.flags &= ~(unsigned)OI_ABIF_MEMBER;
    return d->err ? NULL : v;
}

static node *parse_encoded_symbol(dm *d, node *name)
{
    char c = *d->s;
    node *sym;
    if (c >= '0' && c <= '4') {
        d->s++;
        sym = parse_variable(d, c == '3' || c == '4' ? 0 : c);
    } else {
        node *f = parse_function_encoding(d);
        if (!f)
            return NULL;
        sym = new_node(d, N_SYM_FUNC);
        if (sym)
            sym->b = f;
        node *last_id = name->list.items[name->list.n - 1];
        if (last_id->kind == N_CONVOP)
            last_id->a = f->a;
    }
    if (sym)
        sym->a = name;
    return d->err ? NULL : sym;
}

/* "??_7", "??_R0", ...: compiler-made tables and descriptors. */
static node *parse_special(dm *d, bool *handled)
{
    *handled = true;
    static const char vft[] = "`vftable'", vbt[] = "`vbtable'", lvft[] = "`local vftable'",
                      col[] = "`RTTI Complete Object Locator'";
    const char *table = NULL;
    if (eats(d, "?_7")) table = vft;
    else if (eats(d, "?_8")) table = vbt;
    else if (eats(d, "?_S")) table = lvft;
    else if (eats(d, "?_R4")) table = col;
    if (table) {
        d->facts.flags |= OI_ABIF_SPECIAL | OI_ABIF_DATA;
        node *t = new_node(d, N_SYM_TABLE);
        if (!t)
            return NULL;
        t->a = parse_scope_chain(d, ident(d, table, strlen(table)));
        if (d->err)
            return NULL;
        char c = *d->s;
        if (c != '6' && c != '7') {
            d->err = true;
            return NULL;
        }
        d->s++;
        bool member;
        t->quals = parse_cv(d, &member);
        if (!d->err && !eat(d, '@'))
            t->b = parse_fqtype_name(d);
        return d->err ? NULL : t;
    }
    if (eats(d, "?_R0")) {
        d->facts.flags |= OI_ABIF_SPECIAL | OI_ABIF_DATA;
        node *ty = parse_type(d, QM_RESULT);
        if (d->err || !eats(d, "@8") || *d->s) {
            d->err = true;
            return NULL;
        }
        node *v = new_node(d, N_SYM_VAR);
        node *q = new_node(d, N_QNAME);
        static const char td[] = "`RTTI Type Descriptor'";
        if (!v || !q)
            return NULL;
        list_push(d, &q->list, ident(d, td, sizeof td - 1));
        v->a = q;
        v->b = ty;
        return v;
    }
    static const char bca[] = "`RTTI Base Class Array'", chd[] = "`RTTI Class Hierarchy Descriptor'";
    const char *untyped = eats(d, "?_R2") ? bca : eats(d, "?_R3") ? chd : NULL;
    if (untyped) {
        d->facts.flags |= OI_ABIF_SPECIAL | OI_ABIF_DATA;
        node *v = new_node(d, N_SYM_VAR);
        if (!v)
            return NULL;
        v->a = parse_scope_chain(d, ident(d, untyped, strlen(untyped)));
        if (d->err || !eat(d, '8')) {
            d->err = true;
            return NULL;
        }
        return v;
    }
    if (eats(d, "?_R1")) {
        d->facts.flags |= OI_ABIF_SPECIAL | OI_ABIF_DATA;
        node *b = new_node(d, N_RTTI_BCD);
        if (!b)
            return NULL;
        /* the offsets are 32-bit fields: printed as such */
        b->bcd[0] = (uint32_t)parse_unsigned(d);
        b->bcd[1] = (int32_t)parse_signed(d);
        b->bcd[2] = (uint32_t)parse_unsigned(d);
        b->bcd[3] = (uint32_t)parse_unsigned(d);
        if (d->err)
            return NULL;
        node *v = new_node(d, N_SYM_VAR);
        if (!v)
            return NULL;
        v->a = parse_scope_chain(d, b);
        eat(d, '8');
        return d->err ? NULL : v;
    }
    bool thread = false;
    if (eats(d, "?_B") || (thread = eats(d, "?__J"))) {
        d->facts.flags |= OI_ABIF_SPECIAL | OI_ABIF_DATA;
        node *g = new_node(d, N_STATIC_GUARD);
        node *v = new_node(d, N_SYM_GUARD);
        if (!g || !v)
            return NULL;
        g->thread_guard = thread;
        v->a = parse_scope_chain(d, g);
        if (d->err)
            return NULL;
        if (!eats(d, "4IA") && !eat(d, '5')) {
            d->err = true;
            return NULL;
        }
        if (*d->s)
            g->value = parse_unsigned(d);
        return d->err ? NULL : v;
    }
    if (starts(d, "?_C") || starts(d, "?_9") || starts(d, "?__E") || starts(d, "?__F") ||
        starts(d, "?_A") || starts(d, "?_P")) {
        /* string literals, vcall thunks, dynamic initializers: not modelled */
        d->err = true;
        return NULL;
    }
    *handled = false;
    return NULL;
}

static node *parse_symbol(dm *d)
{
    if (!enter(d))
        return NULL;
    node *r = NULL;
    if (starts(d, "??@")) {
        /* an MD5-hashed name: printed as it is */
        const char *end = strchr(d->s + 3, '@');
        if (end) {
            size_t len = (size_t)(end + 1 - d->s);
            node *q = new_node(d, N_QNAME);
            r = new_node(d, N_SYM_VAR);
            if (q && r) {
                list_push(d, &q->list, ident(d, d->s, len));
                r->a = q;
            }
            d->s = end + 1;
        } else {
            d->err = true;
        }
    } else if (!eat(d, '?')) {
        d->err = true;
    } else {
        bool handled;
        r = parse_special(d, &handled);
        if (!handled) {
            node *name = parse_fqsymbol_name(d);
            if (name && !d->err)
                r = parse_encoded_symbol(d, name);
            if (r && !d->err) {
                node *last_id = name->list.items[name->list.n - 1];
                if (last_id->kind == N_CONVOP && !last_id->a)
                    d->err = true;
            }
        }
    }
    leave(d);
    return d->err ? NULL : r;
}

static nlist parse_template_args(dm *d)
{
    nlist l = { 0 };
    while (!d->err && *d->s != '@') {
        if (!*d->s) {
            d->err = true;
            break;
        }
        if (eats(d, "$S") || eats(d, "$$V") || eats(d, "$$$V") || eats(d, "$$Z"))
            continue;
        node *arg = NULL;
        if (eats(d, "$$Y")) {
            arg = parse_fqtype_name(d);
        } else if (eats(d, "$$B")) {
            arg = parse_type(d, QM_DROP);
        } else if (eats(d, "$$C")) {
            arg = parse_type(d, QM_MANGLE);
        } else if (starts(d, "$1") || starts(d, "$H") || starts(d, "$I") || starts(d, "$J")) {
            d->s++;
            char inh = *d->s++;
            arg = new_node(d, N_TPREF);
            if (!arg)
                break;
            arg->tpref_ptr = true;
            if (*d->s == '?') {
                oi_msvc_facts saved = d->facts;
                arg->a = parse_symbol(d);
                d->facts = saved;
                if (d->err || !arg->a)
                    break;
                const node *q = arg->a->a;
                if (q && q->kind == N_QNAME && q->list.n)
                    memorize_ident(d, q->list.items[q->list.n - 1]);
            }
            int k = inh == 'J' ? 3 : inh == 'I' ? 2 : inh == 'H' ? 1 : 0;
            for (int i = 0; i < k; i++)
                arg->offsets[arg->noffsets++] = parse_signed(d);
        } else if (starts(d, "$E?")) {
            d->s += 2;
            arg = new_node(d, N_TPREF);
            if (!arg)
                break;
            oi_msvc_facts saved = d->facts;
            arg->a = parse_symbol(d);
            d->facts = saved;
        } else if (starts(d, "$F") || starts(d, "$G")) {
            d->s++;
            char inh = *d->s++;
            arg = new_node(d, N_TPREF);
            if (!arg)
                break;
            int k = inh == 'G' ? 3 : 2;
            for (int i = 0; i < k; i++)
                arg->offsets[arg->noffsets++] = parse_signed(d);
        } else if (eats(d, "$0")) {
            arg = new_node(d, N_INTLIT);
            if (!arg)
                break;
            arg->value = parse_number(d, &arg->negative);
        } else {
            arg = parse_type(d, QM_DROP);
        }
        if (d->err || !arg)
            break;
        list_push(d, &l, arg);
    }
    if (!d->err && !eat(d, '@'))
        d->err = true;
    return l;
}

/* ------------------------------------------------------------ entry points */

static void free_dm(dm *d)
{
    for (size_t i = 0; i < d->npool; i++) {
        free(d->pool[i].list.items);
        free(d->pool[i].targs.items);
    }
    for (size_t i = 0; i < d->nheap; i++)
        free(d->heap[i]);
    free(d->heap);
    free(d);
}

static node *run(dm *d, const char *name)
{
    memset(&d->br, 0, sizeof d->br);
    d->s = name;
    return parse_symbol(d);
}

bool oi_msvc_facts_of(const char *name, oi_msvc_facts *out)
{
    memset(out, 0, sizeof *out);
    if (!name || name[0] != '?')
        return false;
    dm *d = calloc(1, sizeof *d);
    if (!d)
        return false;
    node *r = run(d, name);
    bool ok = r && !d->err;
    if (ok)
        *out = d->facts;
    free_dm(d);
    return ok;
}

size_t oi_msvc_demangle(const char *name, char *buf, size_t size)
{
    if (size)
        buf[0] = 0;
    if (!name || name[0] != '?')
        return 0;
    dm *d = calloc(1, sizeof *d);
    if (!d)
        return 0;
    size_t n = 0;
    node *r = run(d, name);
    if (r && !d->err) {
        sbuf o = { 0 };
        print_node(&o, r);
        if (!o.full && o.p) {
            n = o.n;
            if (size) {
                size_t k = n < size - 1 ? n : size - 1;
                memcpy(buf, o.p, k);
                buf[k] = 0;
            }
        }
        free(o.p);
    }
    free_dm(d);
    return n;
}
