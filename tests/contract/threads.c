/*
 * One opened file read by several threads at once. Each file is opened
 * once; then THREADS threads, released together by a barrier, each walk
 * the whole API in a different order (so each table and child is built by
 * whichever thread gets there first, while others wait or read), and hash
 * everything they saw. Every thread must see the same thing. Built with
 * ThreadSanitizer too (threads-tsan), which reports any data race.
 *
 *   threads [--rounds N] FILE...     prints PASS:/FAIL: lines
 */
#define _POSIX_C_SOURCE 200809L
#include "objinspect.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 4

typedef struct job {
    oi_file *f;
    int id;
    pthread_barrier_t *start;
    uint64_t hash;
} job;

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

static uint64_t mix_str(uint64_t h, const char *s)
{
    if (!s)
        return mix(h, 0x9e3779b97f4a7c15ull);
    for (; *s; s++)
        h = mix(h, (unsigned char)*s);
    return mix(h, 0xff);
}

/* One step of the walk; each thread runs them rotated by its id. Steps add
 * into separate slots, so the total does not depend on the order. */
static uint64_t step(oi_file *f, int which, unsigned depth)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t n;
    switch (which) {
    case 0: {
        const oi_section *s;
        h = mix(h, oi_sections(f, &s, &n));
        for (size_t i = 0; i < n; i++)
            h = mix(mix_str(h, s[i].name), s[i].address ^ s[i].size);
        break;
    }
    case 1: {
        const oi_symbol *s;
        h = mix(h, oi_symbols(f, &s, &n));
        for (size_t i = 0; i < n; i++)
            h = mix(mix_str(mix_str(h, s[i].name), s[i].version), s[i].value);
        break;
    }
    case 2: {
        const oi_export *e;
        h = mix(h, oi_exports(f, &e, &n));
        for (size_t i = 0; i < n; i++)
            h = mix(mix_str(mix_str(h, e[i].name), e[i].version), e[i].address ^ e[i].callconv);
        break;
    }
    case 3: {
        h = mix(h, oi_import_count(f));
        for (size_t i = 0; i < oi_import_count(f); i++)
            h = mix_str(mix_str(h, oi_import_at(f, i)->name), oi_import_at(f, i)->library);
        break;
    }
    case 4: {
        for (size_t i = 0; i < oi_dependency_count(f); i++)
            h = mix_str(h, oi_dependency_at(f, i)->name);
        const oi_property *p;
        h = mix(h, oi_properties(f, &p, &n));
        for (size_t i = 0; i < n; i++)
            h = mix_str(mix_str(h, p[i].key), p[i].value);
        break;
    }
    case 5: {
        /* lookups: the first exports by name, and a missing one */
        for (size_t i = 0; i < oi_export_count(f) && i < 16; i++) {
            const oi_export *e = oi_export_at(f, i);
            if (!e->name)
                continue;
            oi_lookup_result r;
            oi_status st = oi_lookup(f, e->name, e->version, NULL, NULL, &r);
            h = mix(h, st);
            if (st == OI_OK)
                h = mix(mix_str(h, r.path), r.exp.address);
            const oi_export *x = oi_find_export(f, e->name, NULL);
            h = mix(h, x ? x->address : 1);
        }
        oi_lookup_result r;
        h = mix(h, oi_lookup(f, "objinspect_no_such_name", NULL, NULL, NULL, &r));
        break;
    }
    case 6: {
        for (size_t i = 0; i < oi_child_count(f) && i < 32; i++) {
            oi_file *c;
            oi_status st = oi_child(f, i, &c);
            h = mix(h, st);
            if (c && depth)
                for (int k = 0; k < 6; k++)
                    h = mix(h, step(c, k, depth - 1));
        }
        break;
    }
    }
    return h;
}

#define STEPS 7

static void *walk(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(j->start);
    uint64_t slot[STEPS] = { 0 };
    for (int s = 0; s < STEPS; s++) {
        int which = (s + j->id * 3) % STEPS;
        slot[which] = step(j->f, which, 1);
    }
    uint64_t h = 0;
    for (int s = 0; s < STEPS; s++)
        h = mix(h, slot[s]);
    /* diagnostics last: by now every thread has built everything */
    for (size_t i = 0; i < oi_diag_count(j->f); i++)
        h = mix_str(h, oi_diag_at(j->f, i)->message);
    j->hash = h;
    return NULL;
}

static int check_file(const char *path, int rounds)
{
    for (int round = 0; round < rounds; round++) {
        oi_options opt = { .permissive = true };
        oi_file *f;
        oi_error err;
        oi_status st = oi_open_path(path, &opt, &f, &err);
        if (st == OI_NOTOBJ)
            return 0;   /* not an object file: a stamp or a source in the fixture tree */
        if (st != OI_OK) {
            printf("FAIL: threads: %s: cannot open: %s\n", path, err.message);
            return 1;
        }
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, THREADS);
        pthread_t th[THREADS];
        job jobs[THREADS];
        for (int i = 0; i < THREADS; i++) {
            jobs[i] = (job){ .f = f, .id = i, .start = &start };
            if (pthread_create(&th[i], NULL, walk, &jobs[i]) != 0) {
                printf("FAIL: threads: %s: pthread_create\n", path);
                return 1;
            }
        }
        for (int i = 0; i < THREADS; i++)
            pthread_join(th[i], NULL);
        pthread_barrier_destroy(&start);
        oi_close(f);
        for (int i = 1; i < THREADS; i++)
            if (jobs[i].hash != jobs[0].hash) {
                printf("FAIL: threads: %s: thread %d saw something else than thread 0 "
                       "(round %d)\n", path, i, round);
                return 1;
            }
    }
    printf("PASS: threads: %s: %d threads agree, %d rounds\n", path, THREADS, rounds);
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = 3, first = 1, rc = 0;
    if (argc > 2 && strcmp(argv[1], "--rounds") == 0) {
        rounds = atoi(argv[2]);
        first = 3;
    }
    for (int i = first; i < argc; i++)
        rc |= check_file(argv[i], rounds);
    return rc;
}
