/*
 * Demangling, on demand ("demangle only what is printed"): nothing here
 * runs when a table is built.
 *
 *  - Itanium C++ and Rust (legacy and v0): libiberty's callback
 *    demanglers with the flags c++filt uses (DMGL_PARAMS | DMGL_ANSI |
 *    DMGL_VERBOSE), in its automatic style's order, so our text is
 *    c++filt's. libiberty keeps its recursion limit (DMGL_NO_RECURSE_LIMIT
 *    is not passed); the text's length is ours to bound (take_text).
 *  - D: d_demangle.c, which prints what "c++filt -s dlang" prints at a
 *    bounded cost (libiberty's D demangler has none).
 *  - MSVC C++: msvc_demangle.c (no maintained C library exists).
 *  - Swift: recognised by lang.c and not demangled.
 */
#include "abi.h"
#include "core/file.h"

#include <libiberty/demangle.h>
#include <setjmp.h>
#include <string.h>

/* The longest name we hand to a demangler: real names are far shorter
 * (the longest export in libLLVM is about 3 KiB). */
#define MAX_MANGLED 65536

static bool starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Names libiberty understands: Itanium (_Z, and the _GLOBAL__ ctor/dtor
 * names), Rust v0 (_R) and D (_D). */
static bool iberty_name(const char *s)
{
    return starts(s, "_Z") || (starts(s, "_R") && s[2] && strchr("0123456789CMXYNIB", s[2])) ||
           (starts(s, "_D") && ((s[2] >= '0' && s[2] <= '9') || strcmp(s, "_Dmain") == 0)) ||
           starts(s, "_GLOBAL_");
}

#define FLAGS (DMGL_PARAMS | DMGL_ANSI | DMGL_VERBOSE)

/* Where libiberty's callback demanglers write: the caller's buffer, and
 * the length of all the text so far. */
typedef struct demangled_text {
    char *buf;
    size_t size, len;
    jmp_buf too_long;
} demangled_text;

/* Copy what fits and count the rest. Past ABI_MAX_DEMANGLED, leave the
 * demangler: Itanium substitutions and Rust v0 back references can make a
 * name of 300 bytes print gigabytes (c++filt: 20 s and 2.6 GB for one;
 * 152 bytes of Rust: 1.8 GB). The callback demanglers keep all their
 * state on the stack, so a longjmp out of them leaks nothing. */
static void take_text(const char *s, size_t n, void *opaque)
{
    demangled_text *t = opaque;
    if (n > ABI_MAX_DEMANGLED - t->len)
        longjmp(t->too_long, 1);
    if (t->len + 1 < t->size) {
        size_t k = n < t->size - 1 - t->len ? n : t->size - 1 - t->len;
        memcpy(t->buf + t->len, s, k);
        t->buf[t->len + k] = 0;
    }
    t->len += n;
}

typedef int callback_demangler(const char *, int, demangle_callbackref, void *);

static size_t demangle_bounded(callback_demangler *demangle, const char *name,
                               char *buf, size_t size)
{
    demangled_text t = { .buf = buf, .size = size };
    /* buf starts empty (oi_demangle_to); a failure may leave text in it */
    if (setjmp(t.too_long) || !demangle(name, FLAGS, take_text, &t)) {
        if (size)
            buf[0] = 0;
        return 0;
    }
    return t.len;
}

size_t oi_demangle_to(const char *name, char *buf, size_t size)
{
    if (!name || strnlen(name, MAX_MANGLED + 1) > MAX_MANGLED)
        return 0;
    if (size)
        buf[0] = 0;
    if (name[0] == '?')
        return oi_msvc_demangle(name, buf, size);
    if (!iberty_name(name))
        return 0;
    if (!starts(name, "_D")) {
        /* cplus_demangle's automatic style, by its callback forms: Rust
         * first (legacy Rust names are Itanium names too), then Itanium */
        size_t n = demangle_bounded(rust_demangle_callback, name, buf, size);
        return n ? n : demangle_bounded(cplus_demangle_v3_callback, name, buf, size);
    }
    /* D is not part of libiberty's automatic style, and libiberty's D
     * demangler has no bound: our own prints what "c++filt -s dlang" does */
    return oi_d_demangle(name, buf, size);
}

const char *oi_demangle_name(oi_file *f, const char *name)
{
    if (!f || !name)
        return NULL;
    char small[1024];
    size_t n = oi_demangle_to(name, small, sizeof small);
    if (n == 0)
        return NULL;
    /* the arena is the file's: allocate under its lock, so threads sharing
     * the handle may demangle at once */
    oi_file_lock(f);
    char *out = n < sizeof small ? oi_arena_strndup(f->mem, small, n)
                                 : oi_arena_alloc(f->mem, n + 1);
    /* a name that demangles but cannot be kept says why, once per file */
    if (!out)
        OI_ERROR_NOOFF(f, f->mem->ncapped ? OI_LIMIT : OI_NOMEM, "abi/demangle",
                       "no room to keep a demangled name of %zu bytes (oi_options.max_alloc "
                       "= %llu)", n, (unsigned long long)f->opt.max_alloc);
    oi_file_unlock(f);
    if (out && n >= sizeof small && oi_demangle_to(name, out, n + 1) != n)
        return NULL;
    return out;
}

const char *oi_demangle(oi_file *f, const oi_export *e)
{
    if (!f || !e || !e->name)
        return NULL;
    const char *s = e->name;
    /* Mach-O prefixes every C-level name with '_': __Z..., _$s... */
    if (f->info.format == OI_FORMAT_MACHO && s[0] == '_')
        s++;
    return oi_demangle_name(f, s);
}
