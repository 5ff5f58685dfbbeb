/*
 * /etc/ld.so.conf, read as ldconfig reads it (elf/ldconfig.c, parse_conf):
 * '#' starts a comment; a line is one or more directories separated by
 * blanks, ':' or ','; "include PATTERN" reads every file the glob matches,
 * in sorted order, a relative pattern being taken from the including
 * file's directory; "hwcap" lines are ignored. With a sysroot, every file
 * and pattern is read under it (ldconfig -r ROOT), and the directories
 * stay root-relative so they are searched under it too.
 *
 * The directories stand for ld.so.cache: ldconfig builds the cache from
 * them, so searching them in order finds what the cache would (the cache
 * itself is not read: it may be stale or absent under a sysroot).
 * Bounded: includes at most RS_MAX_CONF_DEPTH deep, RS_MAX_CONF_FILES files
 * in all, and a file already read is not read again (include loops).
 */
#include "resolve.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct conf_walk {
    oi_bind *b;
    rs_vec seen;       /* files already read (root-relative) */
    size_t files;
} conf_walk;

static void read_conf(conf_walk *w, const char *file, unsigned depth);

static void add_dir(oi_bind *b, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    const char *d = oi_arena_strndup(&b->arena, dir, n);
    if (!d)
        return;
    for (size_t i = 0; i < b->conf_dirs.n; i++)
        if (strcmp(rs_str_at(&b->conf_dirs, i), d) == 0)
            return;   /* ldconfig skips a directory it has already seen */
    rs_push_str(&b->conf_dirs, d);
}

static void include(conf_walk *w, const char *from, const char *pattern, unsigned depth)
{
    oi_bind *b = w->b;
    const char *pat = pattern;
    if (pattern[0] != '/') {
        const char *dir = rs_dirname(b, from);
        pat = rs_join(b, dir, pattern);
    }
    const char *host = rs_under_root(b, pat);
    glob_t g;
    if (!host || glob(host, 0, NULL, &g) != 0)
        return;
    size_t rl = strlen(b->root);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *p = g.gl_pathv[i];
        /* back to a root-relative name, so nested includes resolve under it */
        const char *rel = rl && strncmp(p, b->root, rl) == 0 ? p + rl : p;
        read_conf(w, rel, depth + 1);
    }
    globfree(&g);
}

static void read_conf(conf_walk *w, const char *file, unsigned depth)
{
    oi_bind *b = w->b;
    if (depth > RS_MAX_CONF_DEPTH) {
        rs_note(b, OI_LIMIT, "bind/ld.so.conf", "%s: includes nested deeper than %d, "
                "not read", file, RS_MAX_CONF_DEPTH);
        return;
    }
    for (size_t i = 0; i < w->seen.n; i++)
        if (strcmp(rs_str_at(&w->seen, i), file) == 0)
            return;
    if (++w->files > RS_MAX_CONF_FILES) {
        rs_note(b, OI_LIMIT, "bind/ld.so.conf", "more than %d configuration files: %s and "
                "later ones are not read", RS_MAX_CONF_FILES, file);
        return;
    }
    const char *fname = oi_arena_strdup(&b->arena, file);
    if (!fname || !rs_push_str(&w->seen, fname))
        return;
    const char *host = rs_under_root(b, file);
    FILE *fp = host ? fopen(host, "r") : NULL;
    if (!fp)
        return;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, fp) > 0) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *p = line + strspn(line, " \t\r\n");
        if (!*p)
            continue;
        if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
            /* one or more patterns */
            char *save = NULL;
            for (char *t = strtok_r(p + 8, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save))
                include(w, fname, t, depth);
            continue;
        }
        if (strncmp(p, "hwcap", 5) == 0 && (p[5] == ' ' || p[5] == '\t'))
            continue;
        char *save = NULL;
        for (char *t = strtok_r(p, " \t\r\n:,", &save); t; t = strtok_r(NULL, " \t\r\n:,", &save)) {
            /* the old "DIR=TYPE" form keeps the directory */
            char *eq = strchr(t, '=');
            if (eq)
                *eq = 0;
            if (t[0] == '/')
                add_dir(b, t);
        }
    }
    free(line);
    fclose(fp);
}

void rs_read_ld_so_conf(oi_bind *b)
{
    conf_walk w = { .b = b };
    read_conf(&w, "/etc/ld.so.conf", 0);
    rs_vec_free(&w.seen);
}
