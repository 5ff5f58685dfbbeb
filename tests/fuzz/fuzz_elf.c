/* Fuzz target: ELF files (and ar archives, whose members are mostly ELF):
 * every accessor, every lookup, strict, permissive and under tight limits.
 * Other inputs are skipped, so the fuzzer's time goes to ELF. */
#include "exercise.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if ((size >= 4 && memcmp(data, "\177ELF", 4) == 0) ||
        (size >= 8 && memcmp(data, "!<arch>\n", 8) == 0))
        fuzz_exercise_input(data, size);
    return 0;
}
