#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 65536

struct oi_arena_block {
    oi_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void oi_arena_init(oi_arena *a, size_t cap)
{
    memset(a, 0, sizeof *a);
    a->cap = cap;
}

void oi_arena_free(oi_arena *a)
{
    oi_arena_block *b = a->head;
    while (b) {
        oi_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}

/* Number this request; false when failure injection says it must fail. */
static bool admit(oi_arena *a)
{
    a->nallocs++;
    if (a->fail_at && a->nallocs == a->fail_at) {
        a->nfailed++;
        return false;
    }
    return true;
}

/* May `bytes` more be held? Counts a refusal. */
static bool within_cap(oi_arena *a, size_t bytes, bool capped)
{
    if (!capped || !a->cap || (bytes <= a->cap && a->used <= a->cap - bytes))
        return true;
    a->nfailed++;
    a->ncapped++;
    return false;
}

static void *arena_alloc(oi_arena *a, size_t n, bool capped)
{
    if (!admit(a))
        return NULL;
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2) {
        a->nfailed++;
        return NULL;
    }
    size_t need = (n + 15) & ~(size_t)15;
    /* the cap counts bytes handed out: blocks are at most half wasted,
     * since a request over half a block gets a block of its own */
    if (!within_cap(a, need, capped))
        return NULL;
    oi_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > ARENA_BLOCK / 2 ? need : ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (!b) {
            a->nfailed++;
            return NULL;
        }
        b->size = size;
        b->used = 0;
        /* a big block goes behind the head so the head keeps its free space */
        if (size != ARENA_BLOCK && a->head) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used += need;
    memset(p, 0, need);
    return p;
}

void *oi_arena_alloc(oi_arena *a, size_t n) { return arena_alloc(a, n, true); }
void *oi_arena_alloc_uncapped(oi_arena *a, size_t n) { return arena_alloc(a, n, false); }

void *oi_arena_array(oi_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        a->nfailed++;
        return NULL;
    }
    return oi_arena_alloc(a, count * size);
}

char *oi_arena_strndup(oi_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) {
        a->nfailed++;
        return NULL;
    }
    char *d = oi_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

char *oi_arena_strdup(oi_arena *a, const char *s)
{
    return oi_arena_strndup(a, s, strlen(s));
}

char *oi_arena_printf(oi_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        a->nfailed++;
        return NULL;
    }
    char *d = oi_arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

void *oi_arena_realloc_charged(oi_arena *a, void *p, size_t old_size, size_t new_size)
{
    if (!admit(a))
        return NULL;
    size_t grow = new_size > old_size ? new_size - old_size : 0;
    if (!within_cap(a, grow, true))
        return NULL;
    void *q = realloc(p, new_size ? new_size : 1);
    if (!q) {
        a->nfailed++;
        return NULL;
    }
    a->used = a->used - (old_size - (new_size < old_size ? new_size : old_size)) + grow;
    return q;
}

void oi_arena_free_charged(oi_arena *a, void *p, size_t size)
{
    free(p);
    if (p)
        a->used = a->used >= size ? a->used - size : 0;
}

void *oi_arena_calloc_charged(oi_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        a->nfailed++;
        return NULL;
    }
    void *p = oi_arena_realloc_charged(a, NULL, 0, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}
