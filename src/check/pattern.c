/*
 * Name patterns of the policy: exact names, shell globs (fnmatch(3)) and
 * POSIX extended regexes (regcomp(3)), on the raw or the demangled name.
 * Both matchers are the C library's own, so their syntax is documented in
 * the system manual rather than here.
 */
#include "check/check.h"

#include <fnmatch.h>
#include <stdint.h>
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

/*
 * glibc's regex engine has three costs that a short pattern or a long name
 * can make unbounded, so a policy regex is vetted before regcomp sees it:
 *  - regcomp copies the operand of a counted repetition once per count, so
 *    nesting multiplies: "((a{100}){100}){100}" took 211 MiB, and one more
 *    level was stopped at 8 GiB. The pattern, so expanded, must stay within
 *    REGEX_MAX_COPIES atoms. A repetition of a repetition ("a++", "a*{2}") is
 *    undefined in POSIX EREs and is refused outright: 100 stacked '+' took
 *    2 GiB (a fuzz finding).
 *  - regcomp parses groups by recursion: 20,000 nested '(' overflowed the
 *    stack. Groups nest at most REGEX_MAX_DEPTH deep.
 *  - regexec runs a search from every start position of an unanchored
 *    pattern, which is quadratic in the name: "_.*_.*x$" took 20 s on one
 *    160,000-byte export name, which a hostile file can hold. The pattern is
 *    matched as "^.*(TEXT)" instead: the same names match, in one pass. A
 *    back-reference (undefined in POSIX EREs) makes glibc backtrack, which
 *    no anchor bounds (more than 30 s on a 10,000-byte name), so it is
 *    refused.
 */
enum { REGEX_MAX_DEPTH = 32 };
#define REGEX_MAX_COPIES 65536u

static uint64_t capped(uint64_t n)
{
    return n > REGEX_MAX_COPIES ? REGEX_MAX_COPIES + 1 : n;
}

/* q at '[': the ']' that closes the bracket expression, or NULL. */
static const char *bracket_end(const char *q)
{
    q += 1 + (q[1] == '^');
    if (*q == ']')              /* a leading ']' is a member */
        q++;
    for (; *q; q++) {
        if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
            const char close[3] = { q[1], ']', 0 };
            const char *e = strstr(q + 2, close);
            if (!e)
                return NULL;
            q = e + 1;
        } else if (*q == ']')
            return q;
    }
    return NULL;
}

/* q at '{': how many copies of its operand the interval "{m}", "{m,}" or
 * "{m,n}" makes (its larger bound, one more for an open end; at least 1),
 * with *end set to its '}'; 0 when q starts no interval (regcomp judges
 * it). */
static uint64_t interval_copies(const char *q, const char **end)
{
    uint64_t bound[2] = { 0, 0 };
    int have_upper = 0, part = 0;
    for (q++;; q++) {
        if (*q >= '0' && *q <= '9') {
            bound[part] = capped(bound[part] * 10 + (uint64_t)(*q - '0'));
            have_upper |= part;
        } else if (*q == ',' && part == 0)
            part = 1;
        else
            break;
    }
    if (*q != '}')          /* glibc also takes "{,n}" and "{,}" */
        return 0;
    *end = q;
    uint64_t top = bound[1] > bound[0] ? bound[1] : bound[0];
    uint64_t copies = top + (part == 1 && !have_upper);
    return copies ? capped(copies) : 1;    /* "{0}" is still a repetition */
}

/* Vet text (see above) and write the pattern to compile, "^.*(TEXT)", to
 * out (2 * strlen(text) + 6 bytes): an unmatched ')', a literal in an ERE,
 * is written "\)" there so that it cannot close the added group. */
static bool regex_vet(const char *text, char *out, char *why, size_t whylen)
{
    struct { uint64_t size, last; } group[REGEX_MAX_DEPTH + 1] = { { 0, 0 } };
    int depth = 0;
    bool after_repetition = false;
    char *o = out + sprintf(out, "^.*(");
    for (const char *q = text; *q; q++) {
        const char *end = q;
        uint64_t copies = *q == '{' ? interval_copies(q, &end)
                        : *q == '+' ? 2 : (*q == '*' || *q == '?');
        if (copies) {
            if (after_repetition) {
                snprintf(why, whylen, "bad regex '%s': a repetition of a repetition "
                         "(undefined in POSIX EREs) at offset %zu", text, (size_t)(q - text));
                return false;
            }
            after_repetition = true;
            /* the operand is counted once already */
            uint64_t more = capped(group[depth].last * (copies - 1));
            group[depth].size = capped(group[depth].size + more);
            group[depth].last = capped(group[depth].last * copies);
        } else {
            after_repetition = false;
            uint64_t atom = 1;
            if (*q == '\\' && q[1] >= '1' && q[1] <= '9') {
                snprintf(why, whylen, "bad regex '%s': a back-reference (undefined in "
                         "POSIX EREs) at offset %zu", text, (size_t)(q - text));
                return false;
            } else if (*q == '\\' && !q[1]) {
                snprintf(why, whylen, "bad regex '%s': a trailing backslash", text);
                return false;
            } else if (*q == '\\') {
                end = q + 1;
            } else if (*q == '[') {
                end = bracket_end(q);
                if (!end)       /* unmatched: regcomp says so */
                    end = q + strlen(q) - 1;
            } else if (*q == '(') {
                if (depth == REGEX_MAX_DEPTH) {
                    snprintf(why, whylen, "bad regex '%s': groups nested more than %d deep",
                             text, REGEX_MAX_DEPTH);
                    return false;
                }
                group[++depth].size = 0;
                group[depth].last = 0;
                atom = 0;
            } else if (*q == ')' && depth > 0) {
                atom = group[depth--].size;
            } else if (*q == ')') {
                *o++ = '\\';
            } else if (*q == '|') {
                atom = 0;
            }
            group[depth].size = capped(group[depth].size + atom);
            group[depth].last = atom;
        }
        if (group[depth].size > REGEX_MAX_COPIES) {
            snprintf(why, whylen, "bad regex '%s': its repetitions make more than %u "
                     "copies of its atoms (at offset %zu)", text, REGEX_MAX_COPIES,
                     (size_t)(q - text));
            return false;
        }
        memcpy(o, q, (size_t)(end - q) + 1);
        o += end - q + 1;
        q = end;
    }
    strcpy(o, ")");
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
        char *matched = oi_arena_alloc(mem, 2 * strlen(p->text) + sizeof "^.*()");
        if (!matched) {
            snprintf(why, whylen, "out of memory");
            return false;
        }
        if (!regex_vet(p->text, matched, why, whylen))
            return false;
        int rc = regcomp(&p->re, matched, REG_EXTENDED | REG_NOSUB);
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
