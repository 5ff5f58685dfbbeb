/* Fuzz target: PE/COFF images: every accessor, every lookup (by name and by
 * ordinal), strict, permissive and under tight limits. Other inputs are
 * skipped, so the fuzzer's time goes to PE. */
#include "exercise.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 && memcmp(data, "MZ", 2) == 0)
        fuzz_exercise_input(data, size);
    return 0;
}
