/*
 * A per-file arena: many small allocations freed at once by oi_close. It
 * counts what it holds against a cap so a hostile file cannot make the
 * library allocate without bound.
 */
#ifndef OI_CORE_ARENA_H
#define OI_CORE_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct oi_arena_block oi_arena_block;

typedef struct oi_arena {
    oi_arena_block *head;
    size_t used;      /* bytes handed out, for the cap */
    size_t cap;       /* 0 = no cap */
} oi_arena;

void oi_arena_init(oi_arena *a, size_t cap);
void oi_arena_free(oi_arena *a);
/* Zeroed, 16-byte aligned memory; NULL when out of memory or over the cap. */
void *oi_arena_alloc(oi_arena *a, size_t n);
/* count * size with an overflow check. */
void *oi_arena_array(oi_arena *a, size_t count, size_t size);
char *oi_arena_strndup(oi_arena *a, const char *s, size_t n);
char *oi_arena_strdup(oi_arena *a, const char *s);
/* printf into the arena. */
char *oi_arena_printf(oi_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
