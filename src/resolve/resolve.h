/*
 * The binder's inside: the closure (objects in the loader's order), the
 * bindings, and the helpers the three formats share. Written on the model
 * and the public lookup API only: nothing here reads an object file's
 * bytes (only the loader's own configuration: ld.so.conf, directory
 * listings, an API-set schema text file).
 *
 * Bounds (README, "bind"): at most opt.max_objects objects (default 4096),
 * forwarder / re-export chains of at most opt.max_chain steps (default 32)
 * with a visited list, ld.so.conf includes at most 16 deep and 256 files,
 * directory listings of at most 65536 names. No recursion.
 */
#ifndef OI_RESOLVE_H
#define OI_RESOLVE_H

#include "objinspect.h"
#include "core/arena.h"

#include <sys/types.h>

/* A growable array (geometric growth, freed with the oi_bind). The binder
 * uses the public model only, so it keeps its own vector rather than the
 * parsers' internals. */
typedef struct rs_vec {
    void *items;
    size_t n, cap, size;
} rs_vec;
void *rs_vec_push(rs_vec *v, size_t size);   /* a zeroed new slot, or NULL */
void rs_vec_free(rs_vec *v);

#define RS_NONE SIZE_MAX
#define RS_DEFAULT_MAX_OBJECTS 4096
#define RS_DEFAULT_MAX_CHAIN 32
#define RS_MAX_CONF_DEPTH 16
#define RS_MAX_CONF_FILES 256
#define RS_MAX_DIR_NAMES 65536

/* One object of the closure. */
typedef struct rs_object {
    oi_bind_object pub;
    oi_file *top;             /* the handle to close (a fat file's container), or NULL */
    bool owned;               /* top belongs to this object (not an API-set alias) */
    dev_t dev;
    ino_t ino;
    rs_vec names;             /* const char *: names it answers to (asked-for, soname,
                                 install name) */
    const char *dir;          /* its directory, as a host path ($ORIGIN, @loader_path) */
    size_t *deps;             /* object index per entry of oi_dependencies, RS_NONE if missing */
    size_t ndeps;
    bool deps_done;
    /* ELF */
    const char *rpath, *runpath;
    bool nodeflib, symbolic;
} rs_object;

/* A cached directory listing, for case-insensitive names (PE). */
typedef struct rs_dirlist {
    const char *dir;
    char **names;
    size_t n;
} rs_dirlist;

struct oi_bind {
    oi_bind_options opt;
    oi_arena arena;
    const char *root;         /* "" when none, else without a trailing '/' */
    rs_vec objects;           /* rs_object */
    rs_vec imports;           /* oi_bind_import */
    rs_vec diags;             /* oi_diag */
    rs_vec dirlists;          /* rs_dirlist */
    size_t max_objects;
    unsigned max_chain;
    bool capped;              /* the closure cap was reached (said once) */
    size_t missing_versions;  /* ELF: versions a library lacks (bind/version notes) */
    /* the root's machine, which every object must match */
    oi_format format;
    int bits;
    bool big_endian;
    uint32_t machine, machine_sub;
    /* ELF search configuration */
    const char *triplet;      /* Debian multiarch triplet, or NULL */
    const char *platform, *lib;
    rs_vec conf_dirs;         /* const char *: ld.so.conf directories, in order */
    rs_vec default_dirs;      /* const char *: the built-in system directories */
    rs_vec env_dirs;          /* const char *: LD_LIBRARY_PATH, then -L (host paths) */
    /* ELF: the PT_INTERP file, held open until a DT_NEEDED names it (then it
     * takes its place in the scope) or the closure is complete */
    const char *interp_path;
    oi_file *interp_top, *interp_file;
    dev_t interp_dev;
    ino_t interp_ino;
    /* PE */
    const char *windir, *sysdir, *sys16dir;
    rs_vec apisets;           /* rs_apiset */
};

typedef struct rs_apiset {
    const char *name;         /* lower case, without ".dll" and the last "-N" */
    const char *host;
} rs_apiset;

static inline rs_object *rs_obj(oi_bind *b, size_t i)
{
    return (rs_object *)b->objects.items + i;
}

/* bind.c: diagnostics, objects, opening and checking candidates */
void rs_note(oi_bind *b, oi_status code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A new object (zeroed, loader RS_NONE), or NULL at the cap / out of memory. */
rs_object *rs_new_object(oi_bind *b, const char *name, size_t loader, oi_dep_kind kind);
bool rs_add_name(oi_bind *b, rs_object *o, const char *name);
/* The object answering to name (compared with cmp: strcmp or strcasecmp),
 * or RS_NONE; a missing object answers only when include_missing. */
size_t rs_find_by_name(oi_bind *b, const char *name, int (*cmp)(const char *, const char *),
                       bool include_missing);
/* The object that dependency `lib` of object `img` resolved to (the
 * dependency compared by cmp: install names exactly, DLL names without
 * case); RS_NONE when img has no such dependency. */
size_t rs_dep_object(oi_bind *b, size_t img, const char *lib,
                     int (*cmp)(const char *, const char *));
/* The loaded object that is this very file (same device and inode), or RS_NONE. */
size_t rs_find_by_file(oi_bind *b, dev_t dev, ino_t ino);
/* Open a candidate and check it is an object this loader would take for
 * the root's machine. On success *top is the handle to close and *file the
 * image (a fat file's matching slice). Returns false, with a note saying
 * why it was skipped, otherwise. */
typedef bool (*rs_accept_fn)(oi_bind *b, oi_file *image, const char *path);
bool rs_try_candidate(oi_bind *b, const char *path, rs_accept_fn accept, oi_file **top,
                      oi_file **file, dev_t *dev, ino_t *ino);
/* Record the file found for o. */
void rs_attach(oi_bind *b, rs_object *o, const char *path, const char *how, oi_file *top,
               oi_file *file, dev_t dev, ino_t ino);
oi_bind_import *rs_new_import(oi_bind *b, size_t importer);
const char *rs_prop(oi_file *f, const char *key);

/* paths.c: path text */
/* root + path for an absolute path (the sysroot), else path itself. */
const char *rs_under_root(oi_bind *b, const char *path);
const char *rs_join(oi_bind *b, const char *dir, const char *name);
const char *rs_dirname(oi_bind *b, const char *path);
const char *rs_basename(const char *path);
bool rs_is_file(const char *path);
bool rs_is_dir(const char *path);
/* The entry of dir whose name equals name ignoring ASCII case (exact match
 * first), as a full path, or NULL. */
const char *rs_find_nocase(oi_bind *b, const char *dir, const char *name);
/* Split s at any of seps into the vector (arena strings, empty ones kept
 * as "" when keep_empty). */
bool rs_split(oi_bind *b, const char *s, const char *seps, bool keep_empty, rs_vec *out);
bool rs_push_str(rs_vec *v, const char *s);
static inline const char *rs_str_at(const rs_vec *v, size_t i)
{
    return ((const char *const *)v->items)[i];
}

/* ldconf.c: /etc/ld.so.conf with its includes, under the root */
void rs_read_ld_so_conf(oi_bind *b);

/* elf_bind.c, pe_bind.c, macho_bind.c */
void rs_elf_setup(oi_bind *b, oi_file *root);
void rs_elf_closure(oi_bind *b);
void rs_elf_bind(oi_bind *b);
void rs_pe_setup(oi_bind *b, oi_file *root);
void rs_pe_closure(oi_bind *b);
void rs_pe_bind(oi_bind *b);
void rs_macho_closure(oi_bind *b);
void rs_macho_bind(oi_bind *b);
/* Expand ELF dynamic string tokens ($ORIGIN, $LIB, $PLATFORM) in one search
 * path element of object o; NULL when the element must be dropped. The
 * result is a host path (under the root unless it came from $ORIGIN). */
const char *rs_elf_expand(oi_bind *b, const rs_object *o, const char *element);

#endif
