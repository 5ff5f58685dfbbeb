/*
 * Path text for the binder: joining under the sysroot, directory names,
 * splitting search lists, and case-insensitive names (Windows file names
 * are, Linux's are not) through a cached, capped directory listing.
 */
#include "resolve.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *rs_under_root(oi_bind *b, const char *path)
{
    if (!path)
        return NULL;
    if (path[0] != '/' || !b->root[0])
        return oi_arena_strdup(&b->arena, path);
    return oi_arena_printf(&b->arena, "%s%s", b->root, path);
}

const char *rs_join(oi_bind *b, const char *dir, const char *name)
{
    if (!dir || !dir[0])
        return oi_arena_strdup(&b->arena, name);
    size_t n = strlen(dir);
    bool slash = dir[n - 1] == '/';
    return oi_arena_printf(&b->arena, "%s%s%s", dir, slash ? "" : "/", name);
}

const char *rs_dirname(oi_bind *b, const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s)
        return ".";
    if (s == path)
        return "/";
    return oi_arena_strndup(&b->arena, path, (size_t)(s - path));
}

const char *rs_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

bool rs_is_file(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

bool rs_is_dir(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

bool rs_split(oi_bind *b, const char *s, const char *seps, bool keep_empty, rs_vec *out)
{
    if (!s)
        return true;
    const char *p = s;
    for (;;) {
        size_t n = strcspn(p, seps);
        if (n || keep_empty) {
            const char *e = oi_arena_strndup(&b->arena, p, n);
            if (!e || !rs_push_str(out, e))
                return false;
        }
        if (!p[n])
            break;
        p += n + 1;
    }
    return true;
}

static int cmp_name(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* The listing of dir, read once (at most RS_MAX_DIR_NAMES names). */
static rs_dirlist *listing(oi_bind *b, const char *dir)
{
    rs_dirlist *dl = b->dirlists.items;
    for (size_t i = 0; i < b->dirlists.n; i++)
        if (strcmp(dl[i].dir, dir) == 0)
            return &dl[i];
    rs_dirlist *l = rs_vec_push(&b->dirlists, sizeof *l);
    if (!l)
        return NULL;
    l->dir = oi_arena_strdup(&b->arena, dir);
    DIR *d = opendir(dir);
    if (!d)
        return l;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (l->n >= RS_MAX_DIR_NAMES) {
            rs_note(b, OI_LIMIT, "bind/dir", "%s: more than %d names, the rest are not "
                    "searched", dir, RS_MAX_DIR_NAMES);
            break;
        }
        if (l->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(l->names, nc * sizeof *nn);
            if (!nn)
                break;
            l->names = nn;
            cap = nc;
        }
        char *s = strdup(e->d_name);
        if (!s)
            break;
        l->names[l->n++] = s;
    }
    closedir(d);
    if (l->n)
        qsort(l->names, l->n, sizeof *l->names, cmp_name);
    return l;
}

const char *rs_find_nocase(oi_bind *b, const char *dir, const char *name)
{
    const char *exact = rs_join(b, dir, name);
    if (rs_is_file(exact) || rs_is_dir(exact))
        return exact;
    rs_dirlist *l = listing(b, dir);
    if (!l || !l->n)
        return NULL;
    /* binary search in the case-folded order, then the first of equal names */
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcasecmp(l->names[mid], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < l->n && strcasecmp(l->names[lo], name) == 0)
        return rs_join(b, dir, l->names[lo]);
    return NULL;
}
