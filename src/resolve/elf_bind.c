/*
 * ELF: the closure and the bindings as glibc's ld.so makes them.
 *
 * Closure (elf/dl-deps.c, elf/dl-load.c _dl_map_object): breadth-first over
 * DT_NEEDED, each name first matched against the objects already loaded
 * (the names they were asked by, their DT_SONAME, and the PT_INTERP file,
 * which is loaded first and takes its place in the scope when a DT_NEEDED
 * names it), then searched in this order for the object L that needs it:
 *   1. unless L has DT_RUNPATH: the DT_RPATH of L, of the object that loaded
 *      L, and so on up to the executable (an object's DT_RPATH counts only
 *      when it has no DT_RUNPATH), then the executable's;
 *   2. LD_LIBRARY_PATH (the library_path option), then the -L directories;
 *   3. L's DT_RUNPATH;
 *   4. the ld.so.conf directories (standing for ld.so.cache);
 *   5. the system directories (/lib/<triplet>, /usr/lib/<triplet>, /lib64,
 *      /usr/lib64, /lib, /usr/lib); 4 and 5 skip the system directories when
 *      L has DF_1_NODEFLIB.
 * $ORIGIN, $LIB and $PLATFORM are expanded in each element, as in DT_NEEDED
 * names with a slash. A candidate of another class, byte order or machine
 * is skipped, as open_verify does, and the search goes on. A file already
 * loaded under another name (same device and inode) is not loaded again.
 * glibc-hwcaps and the legacy hwcap subdirectories are not searched (they
 * depend on the CPU that runs the program).
 *
 * Bindings (elf/dl-lookup.c, elf/do-rel.h): every dynamic relocation that
 * names a symbol not bound locally is looked up in the global scope (the
 * closure in breadth-first order; the object itself first when it has
 * DF_SYMBOLIC), each object asked through its own hash table with the
 * relocation's version rules. A copy relocation skips the executable; a
 * PLT relocation does not bind an executable's canonical PLT entry; a
 * protected reference binds to its own definition (glibc 2.36 does not
 * stop at the library a verneed names: a versioned reference it lacks is
 * looked for in the rest of the scope, and reported undefined). A weak
 * reference may stay unbound. Each (symbol, class) of an object is looked up
 * once, as ld.so's one-entry cache mostly does.
 */
#include "resolve.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Debian's multiarch triplet for the root's machine (dpkg-architecture). */
static const char *triplet(const oi_file_info *in)
{
    switch (in->machine_raw) {
    case 62: return "x86_64-linux-gnu";                              /* EM_X86_64 */
    case 3: return "i386-linux-gnu";                                 /* EM_386 */
    case 183: return "aarch64-linux-gnu";                            /* EM_AARCH64 */
    case 40: return (in->flags_raw & 0x400) ? "arm-linux-gnueabihf"  /* EF_ARM_ABI_FLOAT_HARD */
                                            : "arm-linux-gnueabi";
    case 243: return in->bits == 64 ? "riscv64-linux-gnu" : NULL;    /* EM_RISCV */
    case 21: return in->big_endian ? "powerpc64-linux-gnu" : "powerpc64le-linux-gnu";
    case 20: return "powerpc-linux-gnu";                             /* EM_PPC */
    case 22: return "s390x-linux-gnu";                               /* EM_S390 */
    case 43: return "sparc64-linux-gnu";                             /* EM_SPARCV9 */
    case 258: return "loongarch64-linux-gnu";                        /* EM_LOONGARCH */
    case 8:                                                          /* EM_MIPS */
        if (in->bits == 64)
            return in->big_endian ? "mips64-linux-gnuabi64" : "mips64el-linux-gnuabi64";
        return in->big_endian ? "mips-linux-gnu" : "mipsel-linux-gnu";
    }
    return NULL;
}

/* The AT_PLATFORM string the kernel gives ld.so ($PLATFORM). */
static const char *default_platform(const oi_file_info *in)
{
    switch (in->machine_raw) {
    case 62: return "x86_64";
    case 3: return "i686";
    case 40: return "v7l";
    case 21: return in->big_endian ? "power8" : "power8";
    default: return in->machine ? in->machine : "unknown";
    }
}

static bool has_flag(oi_file *f, const char *key, const char *flag)
{
    const char *v = rs_prop(f, key);
    size_t n = strlen(flag);
    for (const char *p = v; p && (p = strstr(p, flag)) != NULL; p += n)
        if ((p == v || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
            return true;
    return false;
}

/* What each ELF object brings to the search. */
static void elf_facts(oi_bind *b, rs_object *o)
{
    (void)b;
    oi_file *f = o->pub.file;
    o->rpath = rs_prop(f, "rpath");
    o->runpath = rs_prop(f, "runpath");
    if (o->runpath)
        o->rpath = NULL;   /* elf_get_dynamic_info: RUNPATH makes ld.so ignore RPATH */
    o->nodeflib = has_flag(f, "flags_1", "NODEFLIB");
    o->symbolic = has_flag(f, "flags", "SYMBOLIC");
}

void rs_elf_setup(oi_bind *b, oi_file *root)
{
    const oi_file_info *in = oi_info(root);
    b->triplet = triplet(in);
    b->platform = b->opt.platform ? b->opt.platform : default_platform(in);
    b->lib = b->opt.lib ? b->opt.lib
           : b->triplet ? oi_arena_printf(&b->arena, "lib/%s", b->triplet)
           : in->bits == 64 ? "lib64" : "lib";
    rs_read_ld_so_conf(b);
    if (b->triplet) {
        rs_push_str(&b->default_dirs, oi_arena_printf(&b->arena, "/lib/%s", b->triplet));
        rs_push_str(&b->default_dirs, oi_arena_printf(&b->arena, "/usr/lib/%s", b->triplet));
    }
    if (in->bits == 64) {
        rs_push_str(&b->default_dirs, "/lib64");
        rs_push_str(&b->default_dirs, "/usr/lib64");
    }
    rs_push_str(&b->default_dirs, "/lib");
    rs_push_str(&b->default_dirs, "/usr/lib");
    /* LD_LIBRARY_PATH is read inside the root; an empty element is the
     * current directory, as in ld.so */
    rs_vec elems = { 0 };
    rs_split(b, b->opt.library_path, ":;", true, &elems);
    for (size_t i = 0; i < elems.n; i++) {
        const char *e = rs_str_at(&elems, i);
        rs_push_str(&b->env_dirs, e[0] ? rs_under_root(b, e) : ".");
    }
    rs_vec_free(&elems);
    for (size_t i = 0; i < b->opt.ndirs; i++)
        if (b->opt.dirs[i])
            rs_push_str(&b->env_dirs, b->opt.dirs[i]);

    rs_object *o = rs_obj(b, 0);
    elf_facts(b, o);
    /* the program's $ORIGIN is where it really is (ld.so reads /proc/self/exe) */
    char *real = realpath(o->pub.path, NULL);
    if (real) {
        o->dir = rs_dirname(b, oi_arena_strdup(&b->arena, real));
        free(real);
    }
    const char *interp = rs_prop(root, "interp");
    if (interp) {
        const char *host = rs_under_root(b, interp);
        struct stat sb;
        oi_error err;
        oi_file *f;
        if (host && stat(host, &sb) == 0 &&
            oi_open_path(host, &b->opt.open, &f, &err) == OI_OK) {
            const oi_file_info *ii = oi_info(f);
            if (ii->format == OI_FORMAT_ELF && ii->machine_raw == b->machine &&
                ii->bits == b->bits) {
                b->interp_path = interp;
                b->interp_top = b->interp_file = f;
                b->interp_dev = sb.st_dev;
                b->interp_ino = sb.st_ino;
            } else {
                rs_note(b, OI_UNSUPPORTED, "bind/interp",
                        "%s: the interpreter is not an ELF file for this machine", host);
                oi_close(f);
            }
        } else {
            rs_note(b, OI_NOTFOUND, "bind/interp", "the interpreter %s is missing", host);
        }
    }
}

/* ------------------------------------------------------------ tokens */

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* Length of the token at s ("$NAME" or "${NAME}") when it is name, else 0. */
static size_t token(const char *s, const char *name)
{
    size_t n = strlen(name);
    if (s[1] == '{')
        return strncmp(s + 2, name, n) == 0 && s[2 + n] == '}' ? n + 3 : 0;
    return strncmp(s + 1, name, n) == 0 && !is_name_char(s[1 + n]) ? n + 1 : 0;
}

const char *rs_elf_expand(oi_bind *b, const rs_object *o, const char *element)
{
    if (!element)
        return NULL;
    if (!element[0])
        return ".";
    if (strlen(element) > PATH_MAX) {
        rs_note(b, OI_LIMIT, "bind/elf", "%s: a search path element of %zu bytes (over "
                "PATH_MAX) is not searched", o->pub.path ? o->pub.path : o->pub.name,
                strlen(element));
        return NULL;
    }
    size_t cap = strlen(element) + 1;
    const char *subs[3] = { o->dir ? o->dir : "", b->lib, b->platform };
    for (int k = 0; k < 3; k++)
        cap += strlen(subs[k]) * (strlen(element) / 2 + 1);
    char *out = oi_arena_alloc(&b->arena, cap);
    if (!out)
        return NULL;
    size_t w = 0;
    bool from_origin = false;
    for (const char *p = element; *p;) {
        size_t t;
        const char *sub = NULL;
        if (*p == '$') {
            if ((t = token(p, "ORIGIN")) != 0) {
                if (!o->dir)
                    return NULL;   /* no origin known: ld.so drops the element */
                sub = o->dir;
                if (p == element)
                    from_origin = true;
            } else if ((t = token(p, "LIB")) != 0) {
                sub = b->lib;
            } else if ((t = token(p, "PLATFORM")) != 0) {
                sub = b->platform;
            }
            if (sub) {
                size_t sl = strlen(sub);
                if (w + sl >= cap)
                    return NULL;
                memcpy(out + w, sub, sl);
                w += sl;
                p += t;
                continue;
            }
        }
        if (w + 1 >= cap)
            return NULL;
        out[w++] = *p++;
    }
    out[w] = 0;
    /* $ORIGIN is already a host path; anything else absolute is inside the root */
    return from_origin ? out : rs_under_root(b, out);
}

/* ------------------------------------------------------------ closure */

/* The ELF model lists "hash", "bind_now" and "textrel" exactly when the file
 * has a dynamic table (README, ELF properties). */
static bool has_dynamic(oi_file *f)
{
    return rs_prop(f, "hash") != NULL;
}

static bool accept_elf(oi_bind *b, oi_file *f, const char *path)
{
    const oi_file_info *in = oi_info(f);
    const char *why = NULL;
    if (in->format != OI_FORMAT_ELF)
        why = "not an ELF file";
    else if (in->bits != b->bits)
        why = in->bits == 32 ? "32-bit (ELFCLASS32)" : "64-bit (ELFCLASS64)";
    else if (in->big_endian != b->big_endian)
        why = "the other byte order";
    else if (in->machine_raw != b->machine)
        why = "another machine";
    else if (!in->type || (strcmp(in->type, "shared") != 0 && strcmp(in->type, "pie") != 0))
        why = "not a shared object";
    else if (!has_dynamic(f))
        why = "no dynamic section";
    else if (has_flag(f, "flags_1", "PIE"))
        why = "a position-independent executable, which ld.so does not load as a library";
    if (why)
        rs_note(b, OI_UNSUPPORTED, "bind/candidate", "%s: skipped: %s (%s)", path, why,
                in->machine ? in->machine : "?");
    return why == NULL;
}

typedef struct found {
    const char *path;
    const char *how;
    oi_file *top, *file;
    dev_t dev;
    ino_t ino;
} found;

static bool try_dir(oi_bind *b, const char *dir, const char *name, const char *how, found *fd)
{
    if (!dir)
        return false;
    const char *path = rs_join(b, dir, name);
    if (!path || !rs_try_candidate(b, path, accept_elf, &fd->top, &fd->file, &fd->dev, &fd->ino))
        return false;
    fd->path = path;
    fd->how = how;
    return true;
}

/* Each element of a DT_RPATH / DT_RUNPATH of object o. */
static bool try_path_list(oi_bind *b, const rs_object *o, const char *list, const char *name,
                          const char *how, found *fd)
{
    rs_vec el = { 0 };
    bool ok = false;
    rs_split(b, list, ":", true, &el);
    for (size_t i = 0; i < el.n && !ok; i++)
        ok = try_dir(b, rs_elf_expand(b, o, rs_str_at(&el, i)), name, how, fd);
    rs_vec_free(&el);
    return ok;
}

static bool is_system_dir(oi_bind *b, const char *dir)
{
    for (size_t i = 0; i < b->default_dirs.n; i++)
        if (strcmp(rs_str_at(&b->default_dirs, i), dir) == 0)
            return true;
    return false;
}

static bool search(oi_bind *b, size_t li, const char *name, found *fd)
{
    rs_object *L = rs_obj(b, li);
    if (strchr(name, '/')) {
        const char *p = strchr(name, '$') ? rs_elf_expand(b, L, name) : rs_under_root(b, name);
        if (!p || !rs_try_candidate(b, p, accept_elf, &fd->top, &fd->file, &fd->dev, &fd->ino))
            return false;
        fd->path = p;
        fd->how = "path";
        return true;
    }
    if (!L->runpath) {
        bool did_main = false;
        /* the loader chain: L, the object that loaded L, ... (bounded by the closure) */
        size_t steps = 0;
        for (size_t k = li; k != RS_NONE && steps <= b->objects.n; k = rs_obj(b, k)->pub.loader,
                    steps++) {
            rs_object *l = rs_obj(b, k);
            if (!l->rpath)
                continue;
            if (try_path_list(b, l, l->rpath, name, "rpath", fd))
                return true;
            did_main |= k == 0;
        }
        rs_object *m = rs_obj(b, 0);
        if (!did_main && m->rpath && try_path_list(b, m, m->rpath, name, "rpath", fd))
            return true;
    }
    for (size_t i = 0; i < b->env_dirs.n; i++)
        if (try_dir(b, rs_str_at(&b->env_dirs, i), name,
                    i < b->env_dirs.n - b->opt.ndirs ? "ld_library_path" : "-L", fd))
            return true;
    if (L->runpath && try_path_list(b, L, L->runpath, name, "runpath", fd))
        return true;
    for (size_t i = 0; i < b->conf_dirs.n; i++) {
        const char *d = rs_str_at(&b->conf_dirs, i);
        if (L->nodeflib && is_system_dir(b, d))
            continue;
        if (try_dir(b, rs_under_root(b, d), name, "ld.so.conf", fd))
            return true;
    }
    if (!L->nodeflib)
        for (size_t i = 0; i < b->default_dirs.n; i++)
            if (try_dir(b, rs_under_root(b, rs_str_at(&b->default_dirs, i)), name, "default", fd))
                return true;
    return false;
}

/* The held PT_INTERP file becomes an object of the scope. */
static size_t place_interp(oi_bind *b, size_t loader, const char *name)
{
    rs_object *o = rs_new_object(b, name, loader, OI_DEP_NEEDED);
    if (!o)
        return RS_NONE;
    rs_attach(b, o, rs_under_root(b, b->interp_path), "interp", b->interp_top, b->interp_file,
              b->interp_dev, b->interp_ino);
    rs_add_name(b, o, b->interp_path);
    o->pub.in_scope = true;
    elf_facts(b, o);
    b->interp_top = b->interp_file = NULL;
    return b->objects.n - 1;
}

static bool names_interp(oi_bind *b, const char *name)
{
    if (!b->interp_file)
        return false;
    const char *so = oi_info(b->interp_file)->soname;
    return strcmp(name, b->interp_path) == 0 || (so && strcmp(name, so) == 0);
}

/* Find or load the object for DT_NEEDED name of object li. */
static size_t need(oi_bind *b, size_t li, const char *name)
{
    size_t k = rs_find_by_name(b, name, strcmp, false);
    if (k != RS_NONE)
        return k;
    if (names_interp(b, name))
        return place_interp(b, li, name);
    found fd = { 0 };
    if (search(b, li, name, &fd)) {
        k = rs_find_by_file(b, fd.dev, fd.ino);
        if (k != RS_NONE) {
            oi_close(fd.top);
            rs_add_name(b, rs_obj(b, k), name);
            return k;
        }
        if (b->interp_file && fd.dev == b->interp_dev && fd.ino == b->interp_ino) {
            oi_close(fd.top);
            return place_interp(b, li, name);
        }
        rs_object *o = rs_new_object(b, name, li, OI_DEP_NEEDED);
        if (!o) {
            oi_close(fd.top);
            return RS_NONE;
        }
        rs_attach(b, o, fd.path, fd.how, fd.top, fd.file, fd.dev, fd.ino);
        o->pub.in_scope = true;
        elf_facts(b, o);
        return b->objects.n - 1;
    }
    k = rs_find_by_name(b, name, strcmp, true);
    if (k != RS_NONE)
        return k;   /* already reported missing */
    if (!rs_new_object(b, name, li, OI_DEP_NEEDED))
        return RS_NONE;
    return b->objects.n - 1;
}

void rs_elf_closure(oi_bind *b)
{
    /* breadth-first: objects are appended as they are found */
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->pub.missing || o->deps_done)
            continue;
        o->deps_done = true;
        const oi_dependency *d;
        size_t n;
        oi_dependencies(o->pub.file, &d, &n);
        if (!n)
            continue;
        size_t *map = calloc(n, sizeof *map);
        for (size_t k = 0; k < n && !b->capped; k++) {
            size_t j = need(b, i, d[k].name);
            if (map)
                map[k] = j;
        }
        o = rs_obj(b, i);   /* the vector may have moved */
        o->deps = map;
        o->ndeps = map ? n : 0;
    }
    if (b->interp_file) {
        /* nothing names it: it is loaded, but outside the lookup scope */
        size_t k = place_interp(b, 0, b->interp_path);
        if (k != RS_NONE)
            rs_obj(b, k)->pub.in_scope = false;
    }
}

/* ------------------------------------------------------------ binding */

/* The STB_GNU_UNIQUE table (do_lookup_unique): the first definition of a
 * name that any lookup reaches is the one every later lookup of that name
 * gets, whatever its version or where the lookup found one. Open
 * addressing, grown at half load. */
typedef struct unique_slot {
    const char *name;
    size_t obj;
    oi_export exp;
} unique_slot;

typedef struct unique_table {
    unique_slot *slots;
    size_t cap, n;
} unique_table;

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static unique_slot *unique_find(unique_table *t, const char *name)
{
    if (!t->cap)
        return NULL;
    for (size_t i = name_hash(name) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->slots[i].name)
            return NULL;
        if (strcmp(t->slots[i].name, name) == 0)
            return &t->slots[i];
    }
}

static void unique_add(unique_table *t, const char *name, size_t obj, const oi_export *e)
{
    if (2 * (t->n + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        unique_slot *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return;
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->slots[i].name)
                continue;
            size_t k = name_hash(t->slots[i].name) & (cap - 1);
            while (ns[k].name)
                k = (k + 1) & (cap - 1);
            ns[k] = t->slots[i];
        }
        free(t->slots);
        t->slots = ns;
        t->cap = cap;
    }
    size_t k = name_hash(name) & (t->cap - 1);
    while (t->slots[k].name)
        k = (k + 1) & (t->cap - 1);
    t->slots[k] = (unique_slot){ name, obj, *e };
    t->n++;
}

typedef struct ref {
    const char *name, *version, *library;
    oi_reloc_class cls;
    bool weak, defined, protected_;
} ref;

static bool try_object(oi_bind *b, size_t m, const ref *r, oi_lookup_result *res)
{
    rs_object *M = rs_obj(b, m);
    if (M->pub.missing || !M->pub.file)
        return false;
    unsigned flags = OI_LOOKUP_RELOCATION | (r->cls != OI_RELOC_PLT ? OI_LOOKUP_PLT_ADDRESS : 0);
    return oi_lookup_ex(M->pub.file, r->name, r->version, flags, NULL, NULL, res) == OI_OK &&
           res->found;
}

static void bind_ref(oi_bind *b, unique_table *uq, size_t li, const ref *r)
{
    oi_bind_import *im = rs_new_import(b, li);
    if (!im)
        return;
    im->name = r->name;
    im->version = r->version;
    im->library = r->library;
    im->weak = r->weak;
    im->how = oi_reloc_class_name(r->cls);
    rs_object *L = rs_obj(b, li);
    oi_lookup_result res;
    size_t hit = RS_NONE;
    if (L->symbolic && try_object(b, li, r, &res))
        hit = li;
    for (size_t m = 0; hit == RS_NONE && m < b->objects.n; m++) {
        rs_object *M = rs_obj(b, m);
        if (!M->pub.in_scope)
            continue;
        if (r->cls == OI_RELOC_COPY && m == 0)
            continue;   /* a copy relocation never binds the executable's own copy */
        if (try_object(b, m, r, &res)) {
            hit = m;
            break;
        }
    }
    if (hit == RS_NONE) {
        im->state = r->weak ? OI_WEAK_UNBOUND : OI_UNRESOLVED;
        im->note = r->weak ? "weak reference with no definition" : "undefined symbol";
        return;
    }
    if (res.exp.binding == OI_BIND_UNIQUE) {
        unique_slot *u = unique_find(uq, r->name);
        if (u && r->cls != OI_RELOC_COPY) {
            hit = u->obj;
            res.exp = u->exp;
        } else if (!u) {
            /* a copy relocation enters the executable's copy, and binds the original */
            oi_lookup_result own;
            if (r->cls != OI_RELOC_COPY)
                unique_add(uq, res.exp.name ? res.exp.name : r->name, hit, &res.exp);
            else if (try_object(b, li, r, &own))
                unique_add(uq, r->name, li, &own.exp);
        }
    }
    if (r->protected_ && hit != li) {
        /* _dl_lookup_symbol_x: a protected definition binds its own references */
        oi_lookup_result own;
        if (try_object(b, li, r, &own)) {
            hit = li;
            res = own;
        }
    }
    im->state = OI_BOUND;
    im->provider = im->final = hit;
    im->provider_version = res.exp.version;
    im->final_name = res.exp.name;
    im->final_kind = res.exp.kind;
    im->address = res.exp.address;
    im->interposed = r->defined && hit != li;
}

static void bind_object(oi_bind *b, unique_table *uq, size_t li)
{
    oi_file *f = rs_obj(b, li)->pub.file;
    if (!has_dynamic(f)) {
        rs_note(b, OI_UNSUPPORTED, "bind/elf", "%s: object file has no dynamic section: "
                "ld.so refuses to load it", rs_obj(b, li)->pub.path);
        return;
    }
    const oi_reloc *rl;
    size_t n;
    oi_relocations(f, &rl, &n);
    if (n) {
        /* one lookup per (symbol, class) */
        uint32_t maxsym = 0;
        for (size_t i = 0; i < n; i++)
            if (rl[i].symbol > maxsym)
                maxsym = rl[i].symbol;
        uint8_t *seen = calloc((size_t)maxsym + 1, 1);
        for (size_t i = 0; i < n; i++) {
            if (rl[i].local)
                continue;
            uint8_t bit = (uint8_t)(1u << rl[i].cls);
            if (seen) {
                if (seen[rl[i].symbol] & bit)
                    continue;
                seen[rl[i].symbol] |= bit;
            }
            ref r = { rl[i].name, rl[i].version, rl[i].library, rl[i].cls, rl[i].weak,
                      rl[i].defined, rl[i].defined && rl[i].visibility == OI_VIS_PROTECTED };
            bind_ref(b, uq, li, &r);
        }
        free(seen);
        return;
    }
    /* no relocation table (or one the model cannot read, as MIPS's GOT):
     * the undefined symbols are what the loader must find */
    const oi_import *im;
    oi_imports(f, &im, &n);
    for (size_t i = 0; i < n; i++) {
        if (!im[i].name)
            continue;
        ref r = { im[i].name, im[i].version, im[i].library, OI_RELOC_DATA, im[i].weak, false,
                  false };
        bind_ref(b, uq, li, &r);
    }
}

/* ld.so's version check (elf/dl-version.c): every version an object needs
 * from a library must be defined there, or the program does not start
 * ("version `V' not found (required by OBJ)"). The versions asked for come
 * from the imports (verneed version and file); a library's versions from
 * its export table, built once for a library that is asked. */
static bool defines_version(oi_file *f, const char *v)
{
    const oi_export *e;
    size_t n;
    oi_exports(f, &e, &n);
    for (size_t i = 0; i < n; i++)
        if (e[i].version && strcmp(e[i].version, v) == 0)
            return true;
    return false;
}

static void check_versions(oi_bind *b)
{
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->pub.missing || !o->pub.file)
            continue;
        const oi_import *im;
        size_t n;
        oi_imports(o->pub.file, &im, &n);
        for (size_t k = 0; k < n; k++) {
            if (!im[k].version || !im[k].library)
                continue;
            bool seen = false;   /* each (version, library) once per object */
            for (size_t q = 0; q < k && !seen; q++)
                seen = im[q].version && im[q].library &&
                       strcmp(im[q].version, im[k].version) == 0 &&
                       strcmp(im[q].library, im[k].library) == 0;
            if (seen)
                continue;
            size_t lib = rs_find_by_name(b, im[k].library, strcmp, false);
            if (lib == RS_NONE || defines_version(rs_obj(b, lib)->pub.file, im[k].version))
                continue;
            b->missing_versions++;
            rs_note(b, OI_NOTFOUND, "bind/version", "%s: version `%s' not found (required by %s)",
                    rs_obj(b, lib)->pub.path, im[k].version, o->pub.path);
        }
    }
}

static bool is_interp(oi_bind *b, size_t i)
{
    const char *how = rs_obj(b, i)->pub.found_by;
    return how && strcmp(how, "interp") == 0;
}

/* ld.so relocates the objects in reverse load order (so that the copy
 * relocations of earlier objects win), itself last; which matters for the
 * unique table. The bindings are then listed by importer. */
void rs_elf_bind(oi_bind *b)
{
    check_versions(b);
    unique_table uq = { 0 };
    size_t n = b->objects.n;
    size_t *start = calloc(n + 1, sizeof *start), *count = calloc(n + 1, sizeof *count);
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t k = n; k-- > 0;) {
            rs_object *o = rs_obj(b, k);
            if (o->pub.missing || !o->pub.file || is_interp(b, k) != (pass == 1))
                continue;
            size_t before = b->imports.n;
            bind_object(b, &uq, k);
            if (start && count) {
                start[k] = before;
                count[k] = b->imports.n - before;
            }
        }
    free(uq.slots);
    oi_bind_import *sorted = start && count && b->imports.n
                                 ? malloc(b->imports.n * sizeof *sorted) : NULL;
    if (sorted) {
        size_t w = 0;
        const oi_bind_import *all = b->imports.items;
        for (size_t k = 0; k < n; k++) {
            memcpy(sorted + w, all + start[k], count[k] * sizeof *sorted);
            w += count[k];
        }
        memcpy(b->imports.items, sorted, w * sizeof *sorted);
        free(sorted);
    }
    free(start);
    free(count);
}
