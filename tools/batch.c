/* Batch runs: the tree walk, the worker pool and the in-order writer. */
#define _GNU_SOURCE 1   /* open_memstream, realpath under -std=c11 */
#include "batch.h"
#include "out.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SLOT_FREE = 0, SLOT_READY, SLOT_TAKEN, SLOT_DONE };
#define MAX_DEPTH 128          /* directory nesting we descend */

typedef struct slot {
    int state;
    char *path;
    bool from_walk;
    char *out, *aux;
    size_t outlen, auxlen;
    batch_result res;
} slot;

/* (device, inode) of files seen through a symlink from outside the walked
 * trees, or with several hard links: the only per-file state kept. */
typedef struct seen_set {
    struct { dev_t dev; ino_t ino; } *items;
    size_t n, cap;
} seen_set;

typedef struct batch {
    const batch_opts *bo;
    batch_work_fn work;
    batch_emit_fn emit;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t ready, done;
    slot *ring;
    size_t q;                  /* ring size */
    size_t next_put, next_take, next_flush;
    bool finished;
    int rc;
    /* walk */
    char **roots;              /* realpath of each directory argument */
    size_t nroots;
    seen_set seen;
    seen_set seen_counting;    /* the same, for the counting pass */
    /* progress */
    size_t total, flushed, failed;
    bool counting;             /* the first pass: only count */
} batch;

static int worse(int a, int b)
{
    if (a == 2 || b == 2) return 2;
    if (a == 1 || b == 1) return 1;
    return a > b ? a : b;
}

/* ------------------------------------------------------------ workers */

static void *worker(void *arg)
{
    batch *b = arg;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->next_take == b->next_put && !b->finished)
            pthread_cond_wait(&b->ready, &b->mu);
        if (b->next_take == b->next_put)
            break;
        slot *s = &b->ring[b->next_take++ % b->q];
        s->state = SLOT_TAKEN;
        pthread_mutex_unlock(&b->mu);
        FILE *out = open_memstream(&s->out, &s->outlen);
        FILE *aux = open_memstream(&s->aux, &s->auxlen);
        memset(&s->res, 0, sizeof s->res);
        if (out && aux) {
            b->work(b->ctx, s->path, s->from_walk, out, aux, &s->res);
        } else {
            fprintf(stderr, "objinspect: out of memory\n");
            s->res.rc = 2;
        }
        if (out) fclose(out);
        if (aux) fclose(aux);
        pthread_mutex_lock(&b->mu);
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&b->done);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

static void progress_draw(batch *b, const char *path)
{
    if (!b->bo->progress)
        return;
    char bar[41];
    size_t width = sizeof bar - 1, fill = b->total ? b->flushed * width / b->total : 0;
    for (size_t i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r\033[K[%s] %zu/%zu  %zu failed  ", bar, b->flushed, b->total, b->failed);
    if (path) {
        /* the tail of the path, escaped, so the line stays one line */
        size_t n = strlen(path);
        out_escaped(stderr, n > 40 ? path + n - 40 : path);
    }
    fflush(stderr);
}

static void progress_clear(batch *b)
{
    if (b->bo->progress)
        fputs("\r\033[K", stderr);
}

/* Write every finished slot at the head of the ring (lock held). */
static void flush_done(batch *b)
{
    while (b->next_flush < b->next_put && b->ring[b->next_flush % b->q].state == SLOT_DONE) {
        slot *s = &b->ring[b->next_flush % b->q];
        pthread_mutex_unlock(&b->mu);
        progress_clear(b);
        b->emit(b->ctx, s->path, s->out ? s->out : "", s->outlen, s->aux ? s->aux : "",
                s->auxlen, &s->res);
        b->rc = worse(b->rc, s->res.rc);
        b->flushed++;
        if (s->res.failed)
            b->failed++;
        progress_draw(b, s->path);
        free(s->path);
        free(s->out);
        free(s->aux);
        pthread_mutex_lock(&b->mu);
        memset(s, 0, sizeof *s);
        b->next_flush++;
    }
}

/* Hand one path to the workers, waiting for room in the ring. */
static void put(batch *b, const char *path, bool from_walk)
{
    if (b->counting) {
        b->total++;
        return;
    }
    char *copy = strdup(path);
    if (!copy) {
        fprintf(stderr, "objinspect: out of memory\n");
        b->rc = 2;
        return;
    }
    pthread_mutex_lock(&b->mu);
    for (;;) {
        flush_done(b);
        if (b->next_put - b->next_flush < b->q)
            break;
        pthread_cond_wait(&b->done, &b->mu);
    }
    slot *s = &b->ring[b->next_put % b->q];
    s->state = SLOT_READY;
    s->path = copy;
    s->from_walk = from_walk;
    b->next_put++;
    pthread_cond_signal(&b->ready);
    flush_done(b);
    pthread_mutex_unlock(&b->mu);
}

/* ------------------------------------------------------------ walk */

static bool seen_add(seen_set *ss, const struct stat *st)
{
    for (size_t i = 0; i < ss->n; i++)
        if (ss->items[i].dev == st->st_dev && ss->items[i].ino == st->st_ino)
            return false;
    if (ss->n == ss->cap) {
        size_t cap = ss->cap ? ss->cap * 2 : 64;
        void *items = realloc(ss->items, cap * sizeof *ss->items);
        if (!items)
            return true;   /* cannot remember: check it rather than lose it */
        ss->items = items;
        ss->cap = cap;
    }
    ss->items[ss->n].dev = st->st_dev;
    ss->items[ss->n].ino = st->st_ino;
    ss->n++;
    return true;
}

/* Is the canonical path inside one of the walked trees (so the walk meets
 * the file itself there)? */
static bool inside_roots(const batch *b, const char *real)
{
    for (size_t i = 0; i < b->nroots; i++) {
        size_t n = strlen(b->roots[i]);
        if (strncmp(real, b->roots[i], n) == 0 && (real[n] == '/' || (n == 1 && real[0] == '/')))
            return true;
    }
    return false;
}

/* One entry met by the walk. */
static void visit(batch *b, const char *path, const struct stat *lst)
{
    if (S_ISREG(lst->st_mode)) {
        /* a file with several hard links is one file */
        if (lst->st_nlink > 1 && !seen_add(b->counting ? &b->seen_counting : &b->seen, lst))
            return;
        put(b, path, true);
        return;
    }
    if (!S_ISLNK(lst->st_mode))
        return;   /* devices, fifos, sockets: not objects */
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;   /* dangling, or a link to a directory (not followed) */
    char *real = realpath(path, NULL);
    bool skip = real && inside_roots(b, real);
    free(real);
    if (skip)
        return;   /* counted where the file itself is */
    if (!seen_add(b->counting ? &b->seen_counting : &b->seen, &st))
        return;
    put(b, path, true);
}

typedef struct level {
    DIR *d;
    size_t len;   /* length of the directory's path in the buffer */
} level;

static void walk(batch *b, const char *root)
{
    size_t cap = PATH_MAX * 2;
    char *buf = malloc(cap);
    level *stack = calloc(MAX_DEPTH, sizeof *stack);
    if (!buf || !stack) {
        free(buf);
        free(stack);
        fprintf(stderr, "objinspect: out of memory\n");
        b->rc = 2;
        return;
    }
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    if (rl >= cap)
        rl = cap - 1;
    memcpy(buf, root, rl);
    buf[rl] = 0;
    int depth = 0;
    stack[0].d = opendir(buf);
    stack[0].len = rl;
    if (!stack[0].d) {
        if (!b->counting) {
            fprintf(stderr, "objinspect: ");
            out_escaped(stderr, root);
            fprintf(stderr, ": %s\n", strerror(errno));
            b->rc = 2;
        }
        free(buf);
        free(stack);
        return;
    }
    while (depth >= 0) {
        level *lv = &stack[depth];
        struct dirent *de = readdir(lv->d);
        if (!de) {
            closedir(lv->d);
            depth--;
            continue;
        }
        const char *nm = de->d_name;
        if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0)))
            continue;
        size_t nl = strlen(nm);
        if (lv->len + 1 + nl + 1 > cap)
            continue;   /* longer than any path the system can open */
        buf[lv->len] = '/';
        memcpy(buf + lv->len + 1, nm, nl + 1);
        struct stat lst;
        if (lstat(buf, &lst) != 0)
            continue;
        if (S_ISDIR(lst.st_mode)) {
            if (depth + 1 >= MAX_DEPTH)
                continue;
            DIR *d = opendir(buf);
            if (!d)
                continue;
            stack[++depth] = (level){ d, lv->len + 1 + nl };
            continue;
        }
        visit(b, buf, &lst);
    }
    free(buf);
    free(stack);
}

static void each_arg(batch *b, const char *const *args, int nargs)
{
    for (int i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
            walk(b, args[i]);
        else
            put(b, args[i], false);   /* a named file: examined, errors and all */
    }
}

int batch_run(const char *const *args, int nargs, const batch_opts *bo, batch_work_fn work,
              batch_emit_fn emit, void *ctx)
{
    batch b = { .bo = bo, .work = work, .emit = emit, .ctx = ctx };
    int jobs = bo->jobs < 1 ? 1 : bo->jobs;
    b.q = (size_t)jobs * 4;
    b.ring = calloc(b.q, sizeof *b.ring);
    b.roots = calloc((size_t)nargs + 1, sizeof *b.roots);
    pthread_t *tid = calloc((size_t)jobs, sizeof *tid);
    if (!b.ring || !b.roots || !tid) {
        fprintf(stderr, "objinspect: out of memory\n");
        free(b.ring);
        free(b.roots);
        free(tid);
        return 2;
    }
    for (int i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            char *r = realpath(args[i], NULL);
            if (r)
                b.roots[b.nroots++] = r;
        }
    }
    if (bo->progress) {   /* a first pass counts the files, for the bar */
        b.counting = true;
        each_arg(&b, args, nargs);
        b.counting = false;
    }
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.ready, NULL);
    pthread_cond_init(&b.done, NULL);
    int started = 0;
    for (; started < jobs; started++)
        if (pthread_create(&tid[started], NULL, worker, &b) != 0)
            break;
    if (started == 0) {
        fprintf(stderr, "objinspect: cannot start a worker thread\n");
        b.rc = 2;
    } else {
        each_arg(&b, args, nargs);
    }
    pthread_mutex_lock(&b.mu);
    b.finished = true;
    pthread_cond_broadcast(&b.ready);
    while (started && b.next_flush < b.next_put) {
        flush_done(&b);
        if (b.next_flush < b.next_put)
            pthread_cond_wait(&b.done, &b.mu);
    }
    pthread_mutex_unlock(&b.mu);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    progress_clear(&b);
    pthread_cond_destroy(&b.ready);
    pthread_cond_destroy(&b.done);
    pthread_mutex_destroy(&b.mu);
    for (size_t i = 0; i < b.nroots; i++)
        free(b.roots[i]);
    free(b.roots);
    free(b.ring);
    free(b.seen.items);
    free(b.seen_counting.items);
    free(tid);
    return b.rc;
}
