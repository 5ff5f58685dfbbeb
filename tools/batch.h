/*
 * Batch runs over files and trees: a directory argument is walked (a
 * symlink to a file counts once; directories are not followed through
 * symlinks), files go to N worker threads, and each file's output is
 * written in walk order as soon as it and every file before it are done.
 * Memory is bounded by the depth of the tree and the worker window, not by
 * the number of files.
 */
#ifndef OI_TOOLS_BATCH_H
#define OI_TOOLS_BATCH_H

#include <stdbool.h>
#include <stdio.h>

/* What one file produced: its output (written by the emitter in order),
 * a second stream for notes kept apart (SARIF notifications), its exit
 * code contribution, and whether it was skipped (not an object, found by
 * the walk). */
typedef struct batch_result {
    int rc;
    bool skipped;
    bool failed;              /* a check failed (for the progress line) */
    unsigned long stats[4];   /* counters of the command's own (JUnit totals) */
} batch_result;

/* Runs in a worker thread: examine path and write to out (and aux). */
typedef void (*batch_work_fn)(void *ctx, const char *path, bool from_walk, FILE *out,
                              FILE *aux, batch_result *res);
/* Runs in the main thread, in walk order. */
typedef void (*batch_emit_fn)(void *ctx, const char *path, const char *out, size_t outlen,
                              const char *aux, size_t auxlen, const batch_result *res);

typedef struct batch_opts {
    int jobs;                 /* worker threads, >= 1 */
    bool progress;            /* a progress line on stderr */
} batch_opts;

/* Examine every file argument and every file under every directory
 * argument. Returns the worst exit code (2 over 1 over 0). */
int batch_run(const char *const *args, int nargs, const batch_opts *bo, batch_work_fn work,
              batch_emit_fn emit, void *ctx);

#endif
