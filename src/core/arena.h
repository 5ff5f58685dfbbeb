/*
 * A per-file arena: many small allocations freed at once by oi_close. It
 * counts what it holds against a cap so a hostile file cannot make the
 * library allocate without bound. The tables (oi_vec) live outside the
 * blocks but are charged to the same arena, so the cap is on everything the
 * library allocates for a file.
 *
 * Allocation-failure injection (a testing aid, oi_options.fail_alloc_at):
 * every allocation request is numbered, and the one whose number is fail_at
 * returns NULL as if malloc had failed. nfailed and ncapped count failures,
 * so the API layer can turn any failure a parser swallowed into OI_NOMEM or
 * OI_LIMIT.
 */
#ifndef OI_CORE_ARENA_H
#define OI_CORE_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct oi_arena_block oi_arena_block;

typedef struct oi_arena {
    oi_arena_block *head;
    size_t used;      /* bytes handed out plus charged tables, for the cap */
    size_t cap;       /* 0 = no cap */
    uint64_t nallocs; /* allocation requests so far (numbered from 1) */
    uint64_t fail_at; /* testing aid: request number that fails; 0 = none */
    uint64_t nfailed; /* requests that returned NULL, for any reason */
    uint64_t ncapped; /* of those, the ones refused by the cap */
} oi_arena;

void oi_arena_init(oi_arena *a, size_t cap);
void oi_arena_free(oi_arena *a);
/* Zeroed, 16-byte aligned memory; NULL when out of memory or over the cap. */
void *oi_arena_alloc(oi_arena *a, size_t n);
/* The same, exempt from the cap (still counted and still subject to failure
 * injection): for small, bounded bookkeeping such as diagnostics, which must
 * still be recordable when the cap has been reached. */
void *oi_arena_alloc_uncapped(oi_arena *a, size_t n);
/* count * size with an overflow check. */
void *oi_arena_array(oi_arena *a, size_t count, size_t size);
char *oi_arena_strndup(oi_arena *a, const char *s, size_t n);
char *oi_arena_strdup(oi_arena *a, const char *s);
/* printf into the arena. */
char *oi_arena_printf(oi_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Memory outside the blocks (a table's array), charged to the arena's cap:
 * realloc from old_size to new_size bytes (p may be NULL); NULL on failure,
 * leaving p untouched. */
void *oi_arena_realloc_charged(oi_arena *a, void *p, size_t old_size, size_t new_size);
/* Free such memory and give its bytes back to the cap. */
void oi_arena_free_charged(oi_arena *a, void *p, size_t size);
/* A zeroed temporary outside the blocks (a visited set, a hash index used
 * during one build), charged like the above: free it with
 * oi_arena_free_charged(a, p, count * size). NULL on overflow or failure. */
void *oi_arena_calloc_charged(oi_arena *a, size_t count, size_t size);

#endif
