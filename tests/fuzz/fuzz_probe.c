/*
 * Fuzz target: format detection. Any bytes: opening must either succeed
 * with a known format or fail with a one-line reason, in strict and
 * permissive mode alike, and the two must agree on the format. Children
 * (fat slices, archive members) are opened too, but no tables are built:
 * this target stays fast, so it explores the probes and the header parsers.
 */
#include "exercise.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static oi_format open_format(const uint8_t *data, size_t size, const oi_options *opt)
{
    oi_file *f;
    oi_error err;
    oi_status st = oi_open_memory(data, size, "fuzz-input", opt, &f, &err);
    if (st != OI_OK) {
        FUZZ_CHECK(f == NULL);
        FUZZ_CHECK(strchr(err.message, '\n') == NULL);
        fuzz_use_str(err.where);
        fuzz_use_str(err.message);
        return OI_FORMAT_UNKNOWN;
    }
    const oi_file_info *in = oi_info(f);
    oi_format fmt = in->format;
    FUZZ_CHECK(fmt != OI_FORMAT_UNKNOWN);
    fuzz_use_str(in->machine);
    fuzz_use_str(in->type);
    fuzz_use_str(in->soname);
    for (size_t i = 0; i < oi_child_count(f) && i < 256; i++) {
        oi_file *c;
        if (oi_child(f, i, &c) == OI_OK) {
            fuzz_use_str(oi_name(c));
            fuzz_use_str(oi_info(c)->machine);
            fuzz_use_str(oi_info(c)->type);
        }
    }
    for (size_t i = 0; i < oi_diag_count(f); i++) {
        FUZZ_CHECK(strchr(oi_diag_at(f, i)->message, '\n') == NULL);
        fuzz_use_str(oi_diag_at(f, i)->message);
    }
    oi_close(f);
    return fmt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oi_format strict = open_format(data, size, &fuzz_opts_strict);
    oi_format permissive = open_format(data, size, &fuzz_opts_permissive);
    /* strict may refuse what permissive keeps, never name another format */
    FUZZ_CHECK(strict == OI_FORMAT_UNKNOWN || strict == permissive);
    open_format(data, size, &fuzz_opts_tight);
    /* the same bytes as a check policy (a text format): parsed or refused
     * with a one-line reason */
    oi_policy *pol = NULL;
    oi_error err;
    if (oi_policy_parse((const char *)data, size, "fuzz-policy", &pol, &err) == OI_OK) {
        FUZZ_CHECK(pol != NULL);
        for (size_t i = 0; i < oi_check_def_count(); i++)
            fuzz_use_str(oi_severity_name(oi_policy_severity(pol, i)));
        oi_policy_free(pol);
    } else {
        FUZZ_CHECK(strchr(err.message, '\n') == NULL);
        fuzz_use_str(err.message);
    }
    return 0;
}
