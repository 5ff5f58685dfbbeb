/*
 * The binder's public API and what the three formats share: the object
 * list, diagnostics, opening and checking a candidate file. The work itself
 * is in elf_bind.c, pe_bind.c and macho_bind.c: first the closure, then
 * every import bound.
 */
#include "resolve.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ------------------------------------------------------------ vectors */

void *rs_vec_push(rs_vec *v, size_t size)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        if (cap < v->cap || cap > SIZE_MAX / size)
            return NULL;
        void *p = realloc(v->items, cap * size);
        if (!p)
            return NULL;
        v->items = p;
        v->cap = cap;
    }
    v->size = size;
    void *slot = (char *)v->items + v->n * size;
    memset(slot, 0, size);
    v->n++;
    return slot;
}

void rs_vec_free(rs_vec *v)
{
    free(v->items);
    memset(v, 0, sizeof *v);
}

bool rs_push_str(rs_vec *v, const char *s)
{
    const char **slot = rs_vec_push(v, sizeof *slot);
    if (!slot)
        return false;
    *slot = s;
    return true;
}

/* ------------------------------------------------------------ diagnostics */

void rs_note(oi_bind *b, oi_status code, const char *where, const char *fmt, ...)
{
    /* at most this many notes: a hostile closure could ask for one per
     * import, each compared with all the others */
    enum { MAX_NOTES = 256 };
    if (b->diags.n > MAX_NOTES)
        return;
    char raw[600], buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    if (b->diags.n == MAX_NOTES) {
        snprintf(raw, sizeof raw, "more than %d notes: the rest are not kept", MAX_NOTES);
        where = "bind";
    }
    /* one line of printable ASCII, as every diagnostic (names from the
     * files it quotes may hold any byte: a fuzz finding) */
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)raw; *p && o + 5 < sizeof buf; p++) {
        if (*p >= 0x20 && *p < 0x7f)
            buf[o++] = (char)*p;
        else
            o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", *p);
    }
    buf[o] = 0;
    oi_diag *d = b->diags.items;
    for (size_t i = 0; i < b->diags.n; i++)
        if (strcmp(d[i].where, where) == 0 && strcmp(d[i].message, buf) == 0)
            return;
    const char *msg = oi_arena_strdup(&b->arena, buf);
    oi_diag *nd = msg ? rs_vec_push(&b->diags, sizeof *nd) : NULL;
    if (!nd)
        return;
    nd->code = code;
    nd->offset = UINT64_MAX;
    nd->where = where;
    nd->message = msg;
    nd->warning = true;
}

/* ------------------------------------------------------------ objects */

rs_object *rs_new_object(oi_bind *b, const char *name, size_t loader, oi_dep_kind kind)
{
    if (b->objects.n >= b->max_objects) {
        if (!b->capped)
            rs_note(b, OI_LIMIT, "bind/closure",
                    "the closure reached its cap of %zu objects: %s and later ones are not "
                    "loaded", b->max_objects, name);
        b->capped = true;
        return NULL;
    }
    rs_object *o = rs_vec_push(&b->objects, sizeof *o);
    if (!o)
        return NULL;
    o->pub.name = oi_arena_strdup(&b->arena, name);
    o->pub.loader = loader;
    o->pub.kind = kind;
    o->pub.missing = true;
    if (loader != RS_NONE)
        o->pub.depth = rs_obj(b, loader)->pub.depth + 1;
    if (!o->pub.name || !rs_add_name(b, o, o->pub.name)) {
        b->objects.n--;
        return NULL;
    }
    return o;
}

bool rs_add_name(oi_bind *b, rs_object *o, const char *name)
{
    (void)b;
    if (!name)
        return true;
    for (size_t i = 0; i < o->names.n; i++)
        if (strcmp(rs_str_at(&o->names, i), name) == 0)
            return true;
    return rs_push_str(&o->names, name);
}

size_t rs_find_by_name(oi_bind *b, const char *name, int (*cmp)(const char *, const char *),
                       bool include_missing)
{
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->pub.missing && !include_missing)
            continue;
        for (size_t k = 0; k < o->names.n; k++)
            if (cmp(rs_str_at(&o->names, k), name) == 0)
                return i;
    }
    return RS_NONE;
}

size_t rs_dep_object(oi_bind *b, size_t img, const char *lib,
                     int (*cmp)(const char *, const char *))
{
    rs_object *o = rs_obj(b, img);
    const oi_dependency *d;
    size_t n;
    oi_dependencies(o->pub.file, &d, &n);
    for (size_t k = 0; k < n && k < o->ndeps; k++)
        if (cmp(d[k].name, lib) == 0)
            return o->deps[k];
    return RS_NONE;
}

size_t rs_find_by_file(oi_bind *b, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->pub.file && o->owned && o->dev == dev && o->ino == ino)
            return i;
    }
    return RS_NONE;
}

const char *rs_prop(oi_file *f, const char *key)
{
    const oi_property *p;
    size_t n;
    if (oi_properties(f, &p, &n) != OI_OK && n == 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].key, key) == 0)
            return p[i].value;
    return NULL;
}

bool rs_try_candidate(oi_bind *b, const char *path, rs_accept_fn accept, oi_file **top,
                      oi_file **file, dev_t *dev, ino_t *ino)
{
    struct stat sb;
    *top = *file = NULL;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return false;
    oi_error err;
    oi_file *f;
    if (oi_open_path(path, &b->opt.open, &f, &err) != OI_OK) {
        rs_note(b, err.code, "bind/open", "%s: skipped: %s", path, err.message);
        return false;
    }
    oi_file *image = f;
    if (oi_info(f)->format == OI_FORMAT_MACHO_FAT) {
        /* the slice for the root's CPU: the same subtype first, then any of the type */
        image = NULL;
        for (int pass = 0; pass < 2 && !image; pass++)
            for (size_t i = 0; i < oi_child_count(f) && !image; i++) {
                oi_file *c;
                if (oi_child(f, i, &c) != OI_OK || !c)
                    continue;
                const oi_file_info *ci = oi_info(c);
                if (ci->machine_raw == b->machine &&
                    (pass == 1 || (ci->machine_sub & 0x00ffffffu) ==
                                      (b->machine_sub & 0x00ffffffu)))
                    image = c;
            }
        if (!image) {
            rs_note(b, OI_NOTFOUND, "bind/candidate",
                    "%s: skipped: the fat file has no slice for the program's CPU", path);
            oi_close(f);
            return false;
        }
    }
    if (!accept(b, image, path)) {
        oi_close(f);
        return false;
    }
    *top = f;
    *file = image;
    *dev = sb.st_dev;
    *ino = sb.st_ino;
    return true;
}

void rs_attach(oi_bind *b, rs_object *o, const char *path, const char *how, oi_file *top,
               oi_file *file, dev_t dev, ino_t ino)
{
    o->pub.path = oi_arena_strdup(&b->arena, path);
    o->pub.found_by = how;
    o->pub.file = file;
    o->pub.missing = false;
    o->top = top;
    o->owned = true;
    o->dev = dev;
    o->ino = ino;
    o->dir = rs_dirname(b, path);
    const char *soname = oi_info(file)->soname;
    if (soname)
        rs_add_name(b, o, soname);
}

oi_bind_import *rs_new_import(oi_bind *b, size_t importer)
{
    oi_bind_import *im = rs_vec_push(&b->imports, sizeof *im);
    if (!im)
        return NULL;
    im->importer = importer;
    im->ordinal = -1;
    im->final_ordinal = -1;
    im->provider = RS_NONE;
    im->final = RS_NONE;
    return im;
}

/* ------------------------------------------------------------ public API */

static void set_error(oi_error *err, oi_status code, const char *msg)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->offset = UINT64_MAX;
    snprintf(err->where, sizeof err->where, "bind");
    snprintf(err->message, sizeof err->message, "%s", msg);
}

void oi_bind_close(oi_bind *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->owned && o->top)
            oi_close(o->top);
        rs_vec_free(&o->names);
        free(o->deps);
    }
    if (b->interp_top)
        oi_close(b->interp_top);
    rs_dirlist *dl = b->dirlists.items;
    for (size_t i = 0; i < b->dirlists.n; i++) {
        for (size_t k = 0; k < dl[i].n; k++)
            free(dl[i].names[k]);
        free(dl[i].names);
    }
    rs_vec_free(&b->dirlists);
    rs_vec_free(&b->objects);
    rs_vec_free(&b->imports);
    rs_vec_free(&b->diags);
    rs_vec_free(&b->conf_dirs);
    rs_vec_free(&b->default_dirs);
    rs_vec_free(&b->env_dirs);
    rs_vec_free(&b->apisets);
    oi_arena_free(&b->arena);
    free(b);
}

/* The root may be anything the loader starts from: not a relocatable
 * object, an archive or a core file. */
static bool root_kind_ok(const oi_file_info *in)
{
    if (in->format != OI_FORMAT_ELF && in->format != OI_FORMAT_PE &&
        in->format != OI_FORMAT_MACHO)
        return false;
    return in->type && strcmp(in->type, "relocatable") != 0 && strcmp(in->type, "core") != 0;
}

oi_status oi_bind_open(const char *path, const oi_bind_options *opt, oi_bind **out,
                       oi_error *err)
{
    if (!out || !path) {
        set_error(err, OI_ARG, "bad argument");
        return OI_ARG;
    }
    *out = NULL;
    oi_bind *b = calloc(1, sizeof *b);
    if (!b) {
        set_error(err, OI_NOMEM, "out of memory");
        return OI_NOMEM;
    }
    if (opt)
        b->opt = *opt;
    oi_arena_init(&b->arena, 0);
    b->max_objects = b->opt.max_objects ? b->opt.max_objects : RS_DEFAULT_MAX_OBJECTS;
    b->max_chain = b->opt.max_chain ? b->opt.max_chain : RS_DEFAULT_MAX_CHAIN;
    /* the root without a trailing slash; "" means the host's own tree */
    const char *r = b->opt.root ? b->opt.root : "";
    size_t rl = strlen(r);
    while (rl > 0 && r[rl - 1] == '/')
        rl--;
    b->root = oi_arena_strndup(&b->arena, r, rl);

    oi_file *top;
    oi_status st = oi_open_path(path, &b->opt.open, &top, err);
    if (st != OI_OK) {
        oi_bind_close(b);
        return st;
    }
    oi_file *image = top;
    if (oi_info(top)->format == OI_FORMAT_MACHO_FAT) {
        st = b->opt.arch ? oi_child_by_arch(top, b->opt.arch, &image)
                         : oi_child(top, 0, &image);
        if (st != OI_OK || !image) {
            set_error(err, st == OI_OK ? OI_NOTFOUND : st,
                      b->opt.arch ? "the fat file has no slice of that architecture"
                                  : "the fat file's first slice cannot be opened");
            oi_close(top);
            oi_bind_close(b);
            return st == OI_OK ? OI_NOTFOUND : st;
        }
    }
    const oi_file_info *in = oi_info(image);
    if (!root_kind_ok(in)) {
        set_error(err, OI_UNSUPPORTED,
                  "not a program or library a loader starts from (an object file, archive or "
                  "core file)");
        oi_close(top);
        oi_bind_close(b);
        return OI_UNSUPPORTED;
    }
    b->format = in->format;
    b->bits = in->bits;
    b->big_endian = in->big_endian;
    b->machine = in->machine_raw;
    b->machine_sub = in->machine_sub;
    rs_object *o = rs_new_object(b, path, RS_NONE, OI_DEP_NEEDED);
    struct stat sb;
    if (!o || stat(path, &sb) != 0) {
        set_error(err, OI_NOMEM, "out of memory");
        oi_close(top);
        oi_bind_close(b);
        return OI_NOMEM;
    }
    rs_attach(b, o, path, "root", top, image, sb.st_dev, sb.st_ino);
    o->pub.in_scope = true;

    switch (b->format) {
    case OI_FORMAT_ELF:
        rs_elf_setup(b, image);
        rs_elf_closure(b);
        rs_elf_bind(b);
        break;
    case OI_FORMAT_PE:
        rs_pe_setup(b, image);
        rs_pe_closure(b);
        rs_pe_bind(b);
        break;
    default:
        rs_macho_closure(b);
        rs_macho_bind(b);
        break;
    }
    *out = b;
    return OI_OK;
}

size_t oi_bind_object_count(const oi_bind *b) { return b ? b->objects.n : 0; }

const oi_bind_object *oi_bind_object_at(const oi_bind *b, size_t i)
{
    return b && i < b->objects.n ? &((const rs_object *)b->objects.items)[i].pub : NULL;
}

size_t oi_bind_import_count(const oi_bind *b) { return b ? b->imports.n : 0; }

const oi_bind_import *oi_bind_import_at(const oi_bind *b, size_t i)
{
    return b && i < b->imports.n ? (const oi_bind_import *)b->imports.items + i : NULL;
}

size_t oi_bind_diag_count(const oi_bind *b) { return b ? b->diags.n : 0; }

const oi_diag *oi_bind_diag_at(const oi_bind *b, size_t i)
{
    return b && i < b->diags.n ? (const oi_diag *)b->diags.items + i : NULL;
}

size_t oi_bind_unresolved(const oi_bind *b)
{
    size_t n = 0;
    const oi_bind_import *im = b ? b->imports.items : NULL;
    for (size_t i = 0; b && i < b->imports.n; i++)
        if (im[i].state != OI_BOUND && im[i].state != OI_WEAK_UNBOUND && !im[i].delay)
            n++;
    return n;
}

size_t oi_bind_missing(const oi_bind *b)
{
    size_t n = 0;
    for (size_t i = 0; b && i < b->objects.n; i++) {
        const oi_bind_object *o = &((const rs_object *)b->objects.items)[i].pub;
        if (o->missing && o->kind != OI_DEP_WEAK && o->kind != OI_DEP_DELAY)
            n++;
    }
    return n;
}

size_t oi_bind_missing_versions(const oi_bind *b)
{
    return b ? b->missing_versions : 0;
}
