/*
 * Mach-O: the closure and the bindings as dyld makes them.
 *
 * Closure: breadth-first over the load commands (LC_LOAD_DYLIB,
 * LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB,
 * LC_LOAD_UPWARD_DYLIB), each install name resolved for the image that
 * loads it:
 *   @rpath/REST         each LC_RPATH of that image, then of the image that
 *                       loaded it, and so on up to the main image; an LC_RPATH
 *                       may itself start with @loader_path (the image whose
 *                       LC_RPATH it is) or @executable_path;
 *   @loader_path/REST   the loading image's directory;
 *   @executable_path/REST  the main image's directory (for a bundle or dylib
 *                       given as the root, its own directory: the host
 *                       program is not known);
 *   an absolute path    read under --root;
 * and when none exists, the leaf name (or a framework's NAME.framework/...
 * tail) in the -L directories, then ROOT/usr/local/lib and ROOT/usr/lib, as
 * DYLD_FALLBACK_LIBRARY_PATH. The slice of a fat file that matches the main
 * image's CPU is the one used. An image already loaded under its install
 * name, or the same file, is not loaded again. A missing weak dylib is fine.
 *
 * Bindings: each import names a library ordinal (two-level namespace), the
 * image itself, the main executable, a flat lookup (every image in load
 * order) or a weak coalescing lookup (the first non-weak definition in load
 * order, else the first weak one). A lookup in an image asks its exports
 * trie, then its re-exported dylibs in order; a trie entry that re-exports
 * (EXPORT_SYMBOL_FLAGS_REEXPORT) goes on in the library it names, under its
 * new name. Every hop into another image is a chain step: at most
 * max_chain, with a visited list of (image, name) against loops, and the
 * re-export search is an explicit stack with a visited set, never recursion.
 */
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

static bool accept_macho(oi_bind *b, oi_file *f, const char *path)
{
    const oi_file_info *in = oi_info(f);
    const char *why = NULL;
    if (in->format != OI_FORMAT_MACHO)
        why = "not a Mach-O file";
    else if (in->machine_raw != b->machine)
        why = "another CPU";
    else if (!in->type || strcmp(in->type, "dylib") != 0)
        why = "not a dylib";
    if (why)
        rs_note(b, OI_UNSUPPORTED, "bind/candidate", "%s: skipped: %s (%s)", path, why,
                in->machine ? in->machine : "?");
    return why == NULL;
}

static bool starts(const char *s, const char *prefix, const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0)
        return false;
    *rest = s + n;
    return true;
}

/* An LC_RPATH (or install name) with its @-tokens replaced, as a host path. */
static const char *expand(oi_bind *b, size_t img, const char *s)
{
    const char *rest;
    if (starts(s, "@loader_path", &rest))
        return oi_arena_printf(&b->arena, "%s%s", rs_obj(b, img)->dir, rest);
    if (starts(s, "@executable_path", &rest))
        return oi_arena_printf(&b->arena, "%s%s", rs_obj(b, 0)->dir, rest);
    if (s[0] == '@')
        return NULL;
    return rs_under_root(b, s);
}

typedef struct found {
    const char *path, *how;
    oi_file *top, *file;
    dev_t dev;
    ino_t ino;
} found;

static bool try_path(oi_bind *b, const char *path, const char *how, found *fd)
{
    if (!path || !rs_try_candidate(b, path, accept_macho, &fd->top, &fd->file, &fd->dev,
                                   &fd->ino))
        return false;
    fd->path = path;
    fd->how = how;
    return true;
}

static bool search(oi_bind *b, size_t li, const char *name, found *fd)
{
    const char *rest;
    if (starts(name, "@rpath/", &rest)) {
        size_t steps = 0;
        for (size_t k = li; k != RS_NONE && steps <= b->objects.n;
             k = rs_obj(b, k)->pub.loader, steps++) {
            const oi_property *p;
            size_t n;
            oi_properties(rs_obj(b, k)->pub.file, &p, &n);
            for (size_t i = 0; i < n; i++) {
                if (strcmp(p[i].key, "rpath") != 0)
                    continue;
                const char *dir = expand(b, k, p[i].value);
                if (dir && try_path(b, rs_join(b, dir, rest), "@rpath", fd))
                    return true;
            }
        }
    } else if (starts(name, "@loader_path/", &rest)) {
        if (try_path(b, rs_join(b, rs_obj(b, li)->dir, rest), "@loader_path", fd))
            return true;
    } else if (starts(name, "@executable_path/", &rest)) {
        if (try_path(b, rs_join(b, rs_obj(b, 0)->dir, rest), "@executable_path", fd))
            return true;
    } else if (name[0] != '@') {
        if (try_path(b, rs_under_root(b, name), name[0] == '/' ? "install-name" : "path", fd))
            return true;
    }
    /* the fallback paths, by leaf name (and a framework's tail) */
    const char *leaf = rs_basename(name);
    const char *fw = strstr(name, ".framework/");
    const char *tail = NULL;
    if (fw) {
        const char *s = fw;
        while (s > name && s[-1] != '/')
            s--;
        tail = s;
    }
    for (size_t i = 0; i < b->opt.ndirs; i++) {
        if (!b->opt.dirs[i])
            continue;
        if (tail && try_path(b, rs_join(b, b->opt.dirs[i], tail), "fallback", fd))
            return true;
        if (try_path(b, rs_join(b, b->opt.dirs[i], leaf), "fallback", fd))
            return true;
    }
    static const char *const fallback[] = { "/usr/local/lib", "/usr/lib" };
    if (b->root[0])
        for (size_t i = 0; i < 2; i++)
            if (try_path(b, rs_join(b, rs_under_root(b, fallback[i]), leaf), "fallback", fd))
                return true;
    return false;
}

static size_t need(oi_bind *b, size_t li, const char *name, oi_dep_kind kind)
{
    size_t k = rs_find_by_name(b, name, strcmp, false);
    if (k != RS_NONE)
        return k;
    found fd = { 0 };
    if (search(b, li, name, &fd)) {
        k = rs_find_by_file(b, fd.dev, fd.ino);
        if (k == RS_NONE && oi_info(fd.file)->soname)
            k = rs_find_by_name(b, oi_info(fd.file)->soname, strcmp, false);
        if (k != RS_NONE) {
            oi_close(fd.top);
            rs_add_name(b, rs_obj(b, k), name);
            return k;
        }
        rs_object *o = rs_new_object(b, name, li, kind);
        if (!o) {
            oi_close(fd.top);
            return RS_NONE;
        }
        rs_attach(b, o, fd.path, fd.how, fd.top, fd.file, fd.dev, fd.ino);
        o->pub.in_scope = true;
        return b->objects.n - 1;
    }
    k = rs_find_by_name(b, name, strcmp, true);
    if (k != RS_NONE) {
        rs_object *o = rs_obj(b, k);
        if (o->pub.kind == OI_DEP_WEAK && kind != OI_DEP_WEAK)
            o->pub.kind = kind;   /* needed for real by another image */
        return k;
    }
    if (!rs_new_object(b, name, li, kind))
        return RS_NONE;
    return b->objects.n - 1;
}

void rs_macho_closure(oi_bind *b)
{
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->pub.missing || o->deps_done)
            continue;
        o->deps_done = true;
        const oi_dependency *d;
        size_t n;
        oi_dependencies(o->pub.file, &d, &n);
        size_t *map = n ? calloc(n, sizeof *map) : NULL;
        for (size_t k = 0; k < n && !b->capped; k++) {
            size_t j = need(b, i, d[k].name, d[k].kind);
            if (map)
                map[k] = j;
        }
        o = rs_obj(b, i);
        o->deps = map;
        o->ndeps = map ? n : 0;
    }
}

/* ------------------------------------------------------------ lookup */

typedef struct hop {
    size_t obj;
    const char *name;
} hop;

typedef struct chain {
    oi_bind *b;
    hop *seen;
    unsigned n;
    bool loop, too_deep;
    const char *note;
} chain;

static const char *hop_text(oi_bind *b, const hop *h)
{
    return oi_arena_printf(&b->arena, "%s:%s", rs_basename(rs_obj(b, h->obj)->pub.name),
                           h->name);
}

/* Record a hop; false (with the loop or cap noted) when it must stop. */
static bool visit(chain *c, size_t obj, const char *name)
{
    oi_bind *b = c->b;
    hop h = { obj, name };
    for (unsigned k = 0; k < c->n; k++)
        if (c->seen[k].obj == obj && strcmp(c->seen[k].name, name) == 0) {
            char *path = oi_arena_strdup(&b->arena, "re-export loop:");
            for (unsigned q = k; q < c->n && path; q++)
                path = oi_arena_printf(&b->arena, "%s %s ->", path, hop_text(b, &c->seen[q]));
            c->loop = true;
            c->note = path ? oi_arena_printf(&b->arena, "%s %s", path, hop_text(b, &h))
                           : "re-export loop";
            return false;
        }
    if (c->n > b->max_chain) {
        c->too_deep = true;
        c->note = oi_arena_printf(&b->arena, "the re-export chain is longer than %u steps",
                                  b->max_chain);
        return false;
    }
    c->seen[c->n++] = h;
    return true;
}

/* Look name up in image img: its trie, then its re-exported dylibs (an
 * explicit depth-first stack, each image once). */
static bool lookup_image(chain *c, size_t img, const char *name, size_t *where,
                         oi_lookup_result *res)
{
    oi_bind *b = c->b;
    size_t cap = b->objects.n + 1, top = 0;
    size_t *stack = malloc(cap * sizeof *stack);
    bool *done = calloc(cap, sizeof *done);
    bool ok = false;
    if (!stack || !done)
        goto out;
    stack[top++] = img;
    while (top && !ok) {
        size_t k = stack[--top];
        if (k >= cap - 1 || done[k])
            continue;
        done[k] = true;
        rs_object *o = rs_obj(b, k);
        if (o->pub.missing || !o->pub.file)
            continue;
        if (k != img && !visit(c, k, name))
            break;
        if (oi_lookup(o->pub.file, name, NULL, NULL, NULL, res) == OI_OK && res->found) {
            *where = k;
            ok = true;
            break;
        }
        /* re-exported dylibs, pushed in reverse so the first is searched first */
        const oi_dependency *d;
        size_t n;
        oi_dependencies(o->pub.file, &d, &n);
        for (size_t q = n; q-- > 0;)
            if (d[q].kind == OI_DEP_REEXPORT && q < o->ndeps && o->deps[q] != RS_NONE &&
                top < cap)
                stack[top++] = o->deps[q];
    }
out:
    free(stack);
    free(done);
    return ok;
}

/* The final definition of name, starting in image img. */
static bool resolve_in(chain *c, size_t img, const char *name, size_t *where,
                       oi_lookup_result *res)
{
    if (!visit(c, img, name))
        return false;
    for (;;) {
        if (!lookup_image(c, img, name, where, res))
            return false;
        if (res->exp.target != OI_TARGET_REEXPORT || !res->exp.fwd_library)
            return true;
        size_t next = rs_dep_object(c->b, *where, res->exp.fwd_library, strcmp);
        if (next == RS_NONE || rs_obj(c->b, next)->pub.missing) {
            c->note = oi_arena_printf(&c->b->arena, "re-exported from %s, which is not found",
                                      res->exp.fwd_library);
            return false;
        }
        img = next;
        name = res->exp.fwd_name ? res->exp.fwd_name : name;
        if (!visit(c, img, name))
            return false;
    }
}

static void finish(oi_bind *b, oi_bind_import *im, chain *c, bool ok, size_t where,
                   const oi_lookup_result *res)
{
    im->chain = c->n ? c->n - 1 : 0;
    if (ok) {
        im->state = OI_BOUND;
        im->final = where;
        im->final_name = res->exp.name;
        im->final_kind = res->exp.kind;
        im->address = res->exp.address;
        return;
    }
    if (c->loop)
        im->state = OI_CHAIN_LOOP;
    else if (c->too_deep)
        im->state = OI_CHAIN_TOO_DEEP;
    else
        im->state = im->weak ? OI_WEAK_UNBOUND : OI_UNRESOLVED;
    if (!im->note)
        im->note = c->note ? c->note : im->weak ? "weak import with no definition"
                                                : oi_arena_printf(&b->arena, "%s is not "
                                                                  "exported", im->name);
}

/* A lookup in every image in load order; weak: prefer a non-weak definition. */
static bool lookup_all(oi_bind *b, chain *c, const char *name, bool weak, size_t *where,
                       oi_lookup_result *res)
{
    size_t weak_at = RS_NONE;
    oi_lookup_result weak_res;
    for (size_t k = 0; k < b->objects.n; k++) {
        rs_object *o = rs_obj(b, k);
        if (o->pub.missing || !o->owned)
            continue;
        chain sub = { b, c->seen, 0, false, false, NULL };
        size_t w;
        oi_lookup_result r;
        if (!resolve_in(&sub, k, name, &w, &r)) {
            if (sub.loop || sub.too_deep) {
                *c = sub;
                return false;
            }
            continue;
        }
        if (!weak || !r.exp.weak) {
            *where = w;
            *res = r;
            c->n = sub.n;
            return true;
        }
        if (weak_at == RS_NONE) {
            weak_at = w;
            weak_res = r;
        }
    }
    if (weak_at != RS_NONE) {
        *where = weak_at;
        *res = weak_res;
        c->n = 1;
        return true;
    }
    return false;
}

/* Imports of one library come in runs: the last (image, library) looked up. */
typedef struct dep_cache {
    size_t img;
    const char *lib;
    size_t obj;
} dep_cache;

static size_t dep_cached(oi_bind *b, dep_cache *dc, size_t img, const char *lib)
{
    if (dc->lib && dc->img == img && strcmp(dc->lib, lib) == 0)
        return dc->obj;
    dc->img = img;
    dc->lib = lib;
    dc->obj = rs_dep_object(b, img, lib, strcmp);
    return dc->obj;
}

static void bind_import(oi_bind *b, size_t li, const oi_import *im, hop *seen, dep_cache *dc)
{
    oi_bind_import *bi = rs_new_import(b, li);
    if (!bi)
        return;
    bi->name = im->name;
    bi->library = im->library;
    bi->weak = im->weak;
    bi->delay = false;
    chain c = { b, seen, 0, false, false, NULL };
    size_t where = RS_NONE;
    oi_lookup_result res;
    bool ok = false;
    const char *lib = im->library ? im->library : "";
    if (!im->name) {
        bi->state = OI_UNRESOLVED;
        bi->note = "an import without a name";
        return;
    }
    if (strcmp(lib, "flat-namespace") == 0 || strcmp(lib, "weak") == 0) {
        bool weak = lib[0] == 'w';
        bi->how = weak ? "weak" : "flat";
        ok = lookup_all(b, &c, im->name, weak, &where, &res);
        if (!ok && weak && !c.loop && !c.too_deep) {
            /* a weak-bind entry that nothing else defines keeps the image's own */
            bi->state = OI_WEAK_UNBOUND;
            bi->note = "no other image defines it";
            return;
        }
        bi->provider = ok ? where : RS_NONE;
        finish(b, bi, &c, ok, where, &res);
        return;
    }
    size_t p;
    if (strcmp(lib, "this-image") == 0) {
        bi->how = "self";
        p = li;
    } else if (strcmp(lib, "main-executable") == 0) {
        bi->how = "main";
        p = 0;
    } else {
        bi->how = "two-level";
        p = dep_cached(b, dc, li, lib);
    }
    bi->provider = p;
    if (p == RS_NONE || rs_obj(b, p)->pub.missing) {
        bool weak_lib = p != RS_NONE && rs_obj(b, p)->pub.kind == OI_DEP_WEAK;
        bi->state = im->weak || weak_lib ? OI_WEAK_UNBOUND : OI_NO_LIBRARY;
        bi->note = oi_arena_printf(&b->arena, "%s not found%s", lib,
                                   weak_lib ? " (a weak dylib)" : "");
        return;
    }
    ok = resolve_in(&c, p, im->name, &where, &res);
    finish(b, bi, &c, ok, where, &res);
}

void rs_macho_bind(oi_bind *b)
{
    hop *seen = calloc(b->max_chain + 2, sizeof *seen);
    if (!seen)
        return;
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->pub.missing || !o->owned || !o->pub.file)
            continue;
        const oi_import *im;
        size_t n;
        oi_imports(o->pub.file, &im, &n);
        dep_cache dc = { 0 };
        for (size_t k = 0; k < n; k++)
            bind_import(b, i, &im[k], seen, &dc);
    }
    free(seen);
}
