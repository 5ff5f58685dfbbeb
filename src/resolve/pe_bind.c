/*
 * PE: the closure and the bindings as the Windows loader makes them.
 *
 * Closure: every import and delay-load import descriptor names a DLL,
 * matched without regard to case against the DLLs already loaded, then
 * searched (the safe DLL search order, without KnownDLLs and the current
 * directory): the application's directory; under --root, the system
 * directory (system32, or SysWOW64 for a 32-bit program when the tree has
 * one), the 16-bit system directory and the Windows directory (found as
 * ROOT/windows, ROOT/drive_c/windows, or ROOT itself when it holds
 * system32); then the -L directories, as PATH. Names are compared without
 * regard to case, as Windows file systems do. A candidate for another
 * machine is skipped. Delay-loaded DLLs are loaded and marked; a missing one
 * does not count (the program starts without it).
 *
 * API sets (api-ms-win-*, ext-ms-win-*) are mapped through a schema when
 * one is given (a text file of "api-set-name = host.dll" lines, names
 * matched as Windows matches them: without ".dll" and without the last
 * "-N"); otherwise a file of that name is searched for (Wine ships them as
 * forwarding stubs), and without one the name is reported as an API set.
 *
 * Bindings: each import is looked up by name (the export name table's
 * binary search) or by ordinal in the DLL it names. A forwarder ("LIB.name"
 * or "LIB.#N") loads LIB (LIB.dll) and is followed there, step by step, up
 * to max_chain steps, with a visited list: a chain that comes back to an
 * (object, name) it has seen is reported as a loop. The forwarders a root
 * DLL exports are followed the same way, so a DLL's broken forwarders show.
 */
#include "resolve.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ API sets */

static bool is_apiset(const char *name)
{
    return strncasecmp(name, "api-", 4) == 0 || strncasecmp(name, "ext-", 4) == 0;
}

/* The name as API sets are matched: lower case, no ".dll", no last "-N". */
static const char *apiset_key(oi_bind *b, const char *name)
{
    size_t n = strlen(name);
    if (n > 4 && strcasecmp(name + n - 4, ".dll") == 0)
        n -= 4;
    char *k = oi_arena_strndup(&b->arena, name, n);
    if (!k)
        return NULL;
    for (char *p = k; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    char *dash = strrchr(k, '-');
    if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1))
        *dash = 0;
    return k;
}

static void read_schema(oi_bind *b)
{
    if (!b->opt.apiset_schema)
        return;
    FILE *fp = fopen(b->opt.apiset_schema, "r");
    if (!fp) {
        rs_note(b, OI_IO, "bind/apiset", "%s: cannot read the API-set schema",
                b->opt.apiset_schema);
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    while (getline(&line, &cap, fp) > 0) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *eq = strchr(line, '=');
        char *name = line + strspn(line, " \t\r\n");
        if (!*name)
            continue;
        if (!eq) {
            rs_note(b, OI_MALFORMED, "bind/apiset", "%s:%u: not \"name = host.dll\", ignored",
                    b->opt.apiset_schema, lineno);
            continue;
        }
        *eq = 0;
        char *host = eq + 1 + strspn(eq + 1, " \t");
        host[strcspn(host, " \t\r\n")] = 0;
        name[strcspn(name, " \t\r\n")] = 0;
        rs_apiset *a = rs_vec_push(&b->apisets, sizeof *a);
        if (!a)
            break;
        a->name = apiset_key(b, name);
        a->host = oi_arena_strdup(&b->arena, host);
    }
    free(line);
    fclose(fp);
}

static const char *apiset_host(oi_bind *b, const char *name)
{
    if (!b->apisets.n)
        return NULL;
    const char *k = apiset_key(b, name);
    const rs_apiset *a = b->apisets.items;
    for (size_t i = 0; k && i < b->apisets.n; i++)
        if (strcmp(a[i].name, k) == 0)
            return a[i].host && a[i].host[0] ? a[i].host : NULL;
    return NULL;
}

/* ------------------------------------------------------------ search */

static const char *find_dir_nocase(oi_bind *b, const char *dir, const char *name)
{
    const char *p = rs_find_nocase(b, dir, name);
    return p && rs_is_dir(p) ? p : NULL;
}

void rs_pe_setup(oi_bind *b, oi_file *root)
{
    (void)root;
    read_schema(b);
    if (!b->root[0])
        return;
    const char *win = find_dir_nocase(b, b->root, "windows");
    if (!win) {
        const char *c = find_dir_nocase(b, b->root, "drive_c");
        win = c ? find_dir_nocase(b, c, "windows") : NULL;
    }
    if (!win && find_dir_nocase(b, b->root, "system32"))
        win = b->root;
    if (!win) {
        rs_note(b, OI_NOTFOUND, "bind/pe", "%s: no Windows directory (windows, "
                "drive_c/windows or system32) under the root", b->root);
        return;
    }
    b->windir = win;
    const char *wow = b->bits == 32 ? find_dir_nocase(b, win, "syswow64") : NULL;
    b->sysdir = wow ? wow : find_dir_nocase(b, win, "system32");
    b->sys16dir = find_dir_nocase(b, win, "system");
}

static bool accept_pe(oi_bind *b, oi_file *f, const char *path)
{
    const oi_file_info *in = oi_info(f);
    const char *why = NULL;
    if (in->format != OI_FORMAT_PE)
        why = "not a PE image";
    else if (in->machine_raw != b->machine)
        why = "another machine";
    else if (!in->type || strcmp(in->type, "relocatable") == 0)
        why = "not an image";
    if (why)
        rs_note(b, OI_UNSUPPORTED, "bind/candidate", "%s: skipped: %s (%s)", path, why,
                in->machine ? in->machine : "?");
    return why == NULL;
}

static bool try_dir(oi_bind *b, const char *dir, const char *name, const char *how,
                    rs_object *o)
{
    if (!dir)
        return false;
    const char *path = rs_find_nocase(b, dir, name);
    oi_file *top, *file;
    dev_t dev;
    ino_t ino;
    if (!path || !rs_try_candidate(b, path, accept_pe, &top, &file, &dev, &ino))
        return false;
    size_t k = rs_find_by_file(b, dev, ino);
    if (k != RS_NONE) {
        /* the same file under another name: one module */
        oi_close(top);
        rs_object *same = rs_obj(b, k);
        o->pub.path = same->pub.path;
        o->pub.found_by = how;
        o->pub.file = same->pub.file;
        o->pub.missing = false;
        o->pub.in_scope = true;
        o->deps_done = true;
        return true;
    }
    rs_attach(b, o, path, how, top, file, dev, ino);
    o->pub.in_scope = true;
    return true;
}

static bool search(oi_bind *b, const char *name, rs_object *o)
{
    const char *app = rs_obj(b, 0)->dir;
    if (try_dir(b, app, name, "app-dir", o))
        return true;
    const char *sysname = b->sysdir && strcasecmp(rs_basename(b->sysdir), "syswow64") == 0
                              ? "syswow64" : "system32";
    if (try_dir(b, b->sysdir, name, sysname, o) || try_dir(b, b->sys16dir, name, "system", o) ||
        try_dir(b, b->windir, name, "windows", o))
        return true;
    for (size_t i = 0; i < b->opt.ndirs; i++)
        if (b->opt.dirs[i] && try_dir(b, b->opt.dirs[i], name, "-L", o))
            return true;
    return false;
}

/* The object for DLL name, needed by object li (loaded and searched once). */
static size_t need(oi_bind *b, size_t li, const char *name, oi_dep_kind kind, bool forwarded)
{
    size_t k = rs_find_by_name(b, name, strcasecmp, true);
    if (k != RS_NONE) {
        rs_object *o = rs_obj(b, k);
        if (kind == OI_DEP_NEEDED && o->pub.kind == OI_DEP_DELAY)
            o->pub.kind = OI_DEP_NEEDED;   /* needed at load after all */
        return k;
    }
    const char *host = is_apiset(name) ? apiset_host(b, name) : NULL;
    /* the host is a DLL, never another API set: a schema cannot loop */
    size_t hk = RS_NONE;
    if (host && is_apiset(host)) {
        rs_note(b, OI_MALFORMED, "bind/apiset", "%s maps to the API set %s: ignored", name, host);
        host = NULL;
    } else if (host) {
        hk = need(b, li, host, kind, forwarded);
    }
    rs_object *o = rs_new_object(b, name, li, kind);
    if (!o)
        return RS_NONE;
    size_t idx = b->objects.n - 1;
    o->pub.forwarded = forwarded;
    o->pub.apiset = is_apiset(name);
    if (host) {
        /* an API set mapped by the schema: an alias of its host */
        o->pub.apiset_host = oi_arena_strdup(&b->arena, host);
        rs_object *h = hk != RS_NONE ? rs_obj(b, hk) : NULL;
        if (h && !h->pub.missing) {
            o->pub.path = h->pub.path;
            o->pub.file = h->pub.file;
            o->pub.found_by = "apiset";
            o->pub.missing = false;
            o->pub.in_scope = true;
        }
        o->deps_done = true;
        return idx;
    }
    search(b, name, o);
    return idx;
}

/* Load what every object not yet expanded imports, breadth-first. */
static void expand(oi_bind *b)
{
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->pub.missing || o->deps_done || !o->owned)
            continue;
        o->deps_done = true;
        const oi_dependency *d;
        size_t n;
        oi_dependencies(o->pub.file, &d, &n);
        size_t *map = n ? calloc(n, sizeof *map) : NULL;
        for (size_t k = 0; k < n && !b->capped; k++) {
            oi_dep_kind kind = d[k].kind == OI_DEP_DELAY ? OI_DEP_DELAY : OI_DEP_NEEDED;
            size_t j = need(b, i, d[k].name, kind, false);
            if (map)
                map[k] = j;
        }
        o = rs_obj(b, i);
        o->deps = map;
        o->ndeps = map ? n : 0;
    }
}

void rs_pe_closure(oi_bind *b)
{
    expand(b);
}

/* ------------------------------------------------------------ binding */

typedef struct step {
    size_t obj;
    const char *name;
    int64_t ordinal;
} step;

static bool same_step(const step *a, const step *c)
{
    if (a->obj != c->obj)
        return false;
    if (a->name || c->name)
        return a->name && c->name && strcmp(a->name, c->name) == 0;
    return a->ordinal == c->ordinal;
}

static const char *step_text(oi_bind *b, const step *s)
{
    const char *lib = rs_obj(b, s->obj)->pub.name;
    return s->name ? oi_arena_printf(&b->arena, "%s!%s", rs_basename(lib), s->name)
                   : oi_arena_printf(&b->arena, "%s!#%lld", rs_basename(lib),
                                     (long long)s->ordinal);
}

/* The DLL a forwarder names: "LIB" means LIB.dll. */
static const char *forward_dll(oi_bind *b, const char *lib)
{
    if (strchr(lib, '.'))
        return lib;
    return oi_arena_printf(&b->arena, "%s.dll", lib);
}

/* Follow name (or ordinal) from object start to its final definition. */
static void follow(oi_bind *b, oi_bind_import *im, size_t start, const char *name,
                   int64_t ordinal)
{
    step *seen = calloc(b->max_chain + 1, sizeof *seen);
    if (!seen) {
        im->state = OI_UNRESOLVED;
        im->note = "out of memory";
        return;
    }
    step cur = { start, name, ordinal };
    for (unsigned n = 0;; n++) {
        for (unsigned k = 0; k < n; k++)
            if (same_step(&seen[k], &cur)) {
                char *path = oi_arena_strdup(&b->arena, "forwarder loop:");
                for (unsigned q = k; q < n && path; q++)
                    path = oi_arena_printf(&b->arena, "%s %s ->", path, step_text(b, &seen[q]));
                im->state = OI_CHAIN_LOOP;
                im->note = path ? oi_arena_printf(&b->arena, "%s %s", path, step_text(b, &cur))
                                : "forwarder loop";
                goto out;
            }
        if (n >= b->max_chain) {
            im->state = OI_CHAIN_TOO_DEEP;
            im->note = oi_arena_printf(&b->arena, "the forwarder chain is longer than %u "
                                       "steps (at %s)", b->max_chain, step_text(b, &cur));
            goto out;
        }
        seen[n] = cur;
        rs_object *o = rs_obj(b, cur.obj);
        if (o->pub.missing || !o->pub.file) {
            im->state = n ? OI_UNRESOLVED : OI_NO_LIBRARY;
            im->note = o->pub.apiset ? oi_arena_printf(&b->arena, "%s is an API set, not "
                                                       "mapped (no schema)", o->pub.name)
                                     : oi_arena_printf(&b->arena, "%s%s not found",
                                                       n ? "forwarder target " : "",
                                                       o->pub.name);
            goto out;
        }
        char ord[32];
        if (!cur.name)
            snprintf(ord, sizeof ord, "#%lld", (long long)cur.ordinal);
        oi_lookup_result r;
        if (oi_lookup(o->pub.file, cur.name ? cur.name : ord, NULL, NULL, NULL, &r) != OI_OK ||
            !r.found) {
            im->state = OI_UNRESOLVED;
            im->note = oi_arena_printf(&b->arena, "%s is not exported%s", step_text(b, &cur),
                                       n ? " (the forwarder's target)" : "");
            goto out;
        }
        if (r.exp.target != OI_TARGET_REEXPORT || !r.exp.fwd_library) {
            im->state = OI_BOUND;
            im->final = cur.obj;
            im->final_name = r.exp.name;
            im->final_ordinal = r.exp.ordinal;
            im->final_kind = r.exp.kind;
            im->address = r.exp.address;
            im->chain = n;
            goto out;
        }
        size_t next = need(b, cur.obj, forward_dll(b, r.exp.fwd_library), OI_DEP_NEEDED, true);
        if (next == RS_NONE) {
            im->state = OI_UNRESOLVED;
            im->note = "the closure cap stopped the forwarder chain";
            goto out;
        }
        cur = (step){ next, r.exp.fwd_name, r.exp.fwd_name ? -1 : r.exp.fwd_ordinal };
    }
out:
    free(seen);
}

/* The object index an import's DLL name resolved to. */
static size_t import_object(oi_bind *b, size_t li, const char *lib)
{
    size_t k = rs_dep_object(b, li, lib, strcasecmp);
    return k != RS_NONE ? k : rs_find_by_name(b, lib, strcasecmp, true);
}

static void bind_object(oi_bind *b, size_t li)
{
    oi_file *f = rs_obj(b, li)->pub.file;
    const oi_import *im;
    size_t n;
    oi_imports(f, &im, &n);
    /* imports come grouped by descriptor: remember the last DLL's object */
    const char *last_lib = NULL;
    size_t last_obj = RS_NONE;
    for (size_t i = 0; i < n; i++) {
        oi_bind_import *bi = rs_new_import(b, li);
        if (!bi)
            return;
        bi->name = im[i].name;
        bi->ordinal = im[i].name ? -1 : im[i].ordinal;
        bi->library = im[i].library;
        bi->delay = im[i].delay;
        bi->how = im[i].delay ? "delay" : "import";
        size_t p = RS_NONE;
        if (im[i].library && last_lib && strcasecmp(im[i].library, last_lib) == 0) {
            p = last_obj;
        } else if (im[i].library) {
            p = import_object(b, li, im[i].library);
            last_lib = im[i].library;
            last_obj = p;
        }
        if (p == RS_NONE) {
            bi->state = OI_NO_LIBRARY;
            bi->note = "the import names no loaded library";
            continue;
        }
        bi->provider = p;
        follow(b, bi, p, bi->name, bi->ordinal);
        if (bi->state != OI_BOUND && bi->state != OI_NO_LIBRARY && bi->chain == 0 &&
            rs_obj(b, p)->pub.missing)
            bi->state = OI_NO_LIBRARY;
    }
}

/* A root DLL's own forwarders, followed as an importer would. */
static void bind_root_forwarders(oi_bind *b)
{
    const oi_export *e;
    size_t n;
    oi_exports(rs_obj(b, 0)->pub.file, &e, &n);
    for (size_t i = 0; i < n; i++) {
        if (e[i].target != OI_TARGET_REEXPORT || !e[i].fwd_library)
            continue;
        oi_bind_import *bi = rs_new_import(b, 0);
        if (!bi)
            return;
        bi->name = e[i].name;
        bi->ordinal = e[i].name ? -1 : e[i].ordinal;
        bi->library = e[i].forwarder;
        bi->how = "forwarder";
        bi->provider = 0;
        follow(b, bi, 0, e[i].name, e[i].ordinal);
    }
}

void rs_pe_bind(oi_bind *b)
{
    /* objects a forwarder loads are expanded and bound too */
    for (size_t i = 0; i < b->objects.n; i++) {
        rs_object *o = rs_obj(b, i);
        if (o->pub.missing || !o->owned || !o->pub.file)
            continue;
        bind_object(b, i);
        if (i == 0)
            bind_root_forwarders(b);
        expand(b);
    }
}
