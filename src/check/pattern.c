/*
 * Name patterns of the policy: exact names, shell globs (fnmatch(3)) and
 * POSIX extended regexes (regcomp(3)), on the raw or the demangled name.
 * Both matchers are the C library's own, so their syntax is documented in
 * the system manual rather than here.
 */
#include "check/check.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

static bool take_prefix(const char **s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(*s, prefix, n) != 0)
        return false;
    *s += n;
    return true;
}

bool pattern_parse(name_pattern *p, oi_arena *mem, const char *s, int line,
                   char *why, size_t whylen)
{
    memset(p, 0, sizeof *p);
    p->line = line;
    p->written = oi_arena_strdup(mem, s);
    if (take_prefix(&s, "demangled:"))
        p->demangled = true;
    else
        take_prefix(&s, "raw:");
    if (take_prefix(&s, "glob:"))
        p->how = MATCH_GLOB;
    else if (take_prefix(&s, "re:"))
        p->how = MATCH_REGEX;
    else {
        take_prefix(&s, "exact:");
        p->how = MATCH_EXACT;
    }
    if (*s == 0) {
        snprintf(why, whylen, "empty name pattern");
        return false;
    }
    p->text = oi_arena_strdup(mem, s);
    if (!p->text || !p->written) {
        snprintf(why, whylen, "out of memory");
        return false;
    }
    if (p->how == MATCH_REGEX) {
        /* a repetition of a repetition ("a++", "a*{2}") is undefined in
         * POSIX EREs, and glibc's regcomp copies the tree for each one: 100
         * stacked '+' took 2 GiB (a fuzz finding). Refused, as a bad regex. */
        for (const char *q = p->text; *q; q++) {
            if (*q == '\\' && q[1]) {
                q++;
                continue;
            }
            if (*q == '[') {    /* a bracket expression holds no operator */
                const char *e = q + 1 + (q[1] == '^');
                e = strchr(*e == ']' ? e + 1 : e, ']');
                if (!e)
                    break;      /* regcomp says what is wrong */
                q = e;
                continue;
            }
            if (strchr("*+?{", *q) && q > p->text && strchr("*+?}", q[-1]) &&
                !(q - 1 > p->text && q[-2] == '\\')) {
                snprintf(why, whylen, "bad regex '%s': a repetition of a repetition "
                         "(undefined in POSIX EREs) at offset %zu", p->text,
                         (size_t)(q - p->text));
                return false;
            }
        }
        int rc = regcomp(&p->re, p->text, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &p->re, msg, sizeof msg);
            snprintf(why, whylen, "bad regex '%s': %s", p->text, msg);
            return false;
        }
        p->compiled = true;
    }
    return true;
}

void pattern_free(name_pattern *p)
{
    if (p->compiled)
        regfree(&p->re);
    p->compiled = false;
}

bool pattern_match(const name_pattern *p, const char *raw, const char *demangled)
{
    const char *s = p->demangled ? demangled : raw;
    if (!s)
        return false;
    switch (p->how) {
    case MATCH_EXACT: return strcmp(p->text, s) == 0;
    case MATCH_GLOB: return fnmatch(p->text, s, 0) == 0;
    case MATCH_REGEX: return regexec(&p->re, s, 0, NULL, 0) == 0;
    }
    return false;
}

/* Through the library's demangler (src/abi): Itanium, Rust, D and MSVC.
 * Mach-O puts '_' before every C-level name, which the demangler does not
 * expect. A name too long for buf is matched on its first len - 1 bytes. */
const char *check_demangle(oi_format format, const char *name, char *buf, size_t len)
{
    if (format == OI_FORMAT_MACHO && name[0] == '_')
        name++;
    return oi_demangle_to(name, buf, len) ? buf : NULL;
}
