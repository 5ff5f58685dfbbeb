/*
 * What every fuzz target does with an input: open it (strict, permissive,
 * and permissive under tight resource limits), call every accessor of the
 * public API, use every result, and check the promises the header makes
 * (returned pointers stay put, index accessors agree with the tables,
 * diagnostics are one line). A broken promise is __builtin_trap(), so the
 * fuzzer reports it like a crash.
 */
#ifndef OI_FUZZ_EXERCISE_H
#define OI_FUZZ_EXERCISE_H

#include "objinspect.h"

#include <stddef.h>
#include <stdint.h>

#define FUZZ_CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* Open data three ways and exercise each opened file fully. */
void fuzz_exercise_input(const uint8_t *data, size_t size);
/* Call every accessor on f and its children (up to depth levels down). */
void fuzz_exercise_file(oi_file *f, unsigned depth);
/* Use a string: read every byte (ASan sees a read past its end). */
void fuzz_use_str(const char *s);
/* Look name up every way the API offers and use the results. */
void fuzz_lookup_all(oi_file *f, const char *name, const char *version);

/* The options of the three opens. */
extern const oi_options fuzz_opts_strict, fuzz_opts_permissive, fuzz_opts_tight;

#endif
