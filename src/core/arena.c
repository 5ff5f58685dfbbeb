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
    a->head = NULL;
    a->used = 0;
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

void *oi_arena_alloc(oi_arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - 15)
        return NULL;
    size_t need = (n + 15) & ~(size_t)15;
    if (a->cap && (need > a->cap || a->used > a->cap - need))
        return NULL;
    oi_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > ARENA_BLOCK / 2 ? need : ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
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

void *oi_arena_array(oi_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return oi_arena_alloc(a, count * size);
}

char *oi_arena_strndup(oi_arena *a, const char *s, size_t n)
{
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
    if (n < 0)
        return NULL;
    char *d = oi_arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}
