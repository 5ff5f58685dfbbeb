/* Fuzz target: Mach-O, thin (either byte order, 32 or 64 bit) and fat:
 * every accessor, every lookup, every slice, strict, permissive and under
 * tight limits. Other inputs are skipped. */
#include "exercise.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_macho(const uint8_t *d, size_t n)
{
    static const uint8_t magics[][4] = {
        { 0xfe, 0xed, 0xfa, 0xce }, { 0xce, 0xfa, 0xed, 0xfe },   /* MH_MAGIC, MH_CIGAM */
        { 0xfe, 0xed, 0xfa, 0xcf }, { 0xcf, 0xfa, 0xed, 0xfe },   /* MH_MAGIC_64, MH_CIGAM_64 */
        { 0xca, 0xfe, 0xba, 0xbe }, { 0xca, 0xfe, 0xba, 0xbf },   /* FAT_MAGIC, FAT_MAGIC_64 */
    };
    for (size_t i = 0; n >= 4 && i < sizeof magics / sizeof magics[0]; i++)
        if (memcmp(d, magics[i], 4) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (is_macho(data, size))
        fuzz_exercise_input(data, size);
    return 0;
}
