/*
 * Fuzz target: rendering. The input is written to a memory file and the
 * CLI itself (the tools/ objects, linked in, main renamed objinspect_main) runs on
 * it in every output mode: the summary, --all, --json, --strict, each table
 * command in text and JSON, resolve (with --explain and --json), --arch,
 * check (text, JSON, SARIF, JUnit) and diff of the file with itself.
 * The output is captured and checked: no terminal control byte and only
 * valid UTF-8 may get through the escaping, and every --json line must be
 * one well-formed JSON value. Then it is thrown away.
 */
#define _GNU_SOURCE
#include "exercise.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int objinspect_main(int argc, char **argv);

static int in_fd = -1, out_fd = -1;
static char in_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    in_fd = memfd_create("fuzz-render-input", 0);
    out_fd = memfd_create("fuzz-render-output", 0);
    if (in_fd < 0 || out_fd < 0)
        abort();
    snprintf(in_path, sizeof in_path, "/proc/self/fd/%d", in_fd);
    /* stdout is the output file from now on */
    fflush(stdout);
    if (dup2(out_fd, STDOUT_FILENO) < 0)
        abort();
    return 0;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid;
 * C1 controls count as invalid (terminals act on them). */
static size_t utf8_ok(const unsigned char *p, size_t n)
{
    unsigned c = p[0], cp, min;
    size_t len;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
        return 0;
    return len;
}

static void check_text(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        FUZZ_CHECK(c == '\n' || (c >= 0x20 && c != 0x7f));
        size_t l = utf8_ok(p + i, n - i);
        FUZZ_CHECK(l != 0);
        i += l;
    }
}

/* ---- a small JSON checker (iterative: a depth counter, no recursion) */
typedef struct jp {
    const unsigned char *p, *end;
} jp;

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r'))
        j->p++;
}

static bool lit(jp *j, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool string(jp *j)
{
    if (j->p >= j->end || *j->p != '"')
        return false;
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        if (*j->p < 0x20)
            return false;
        if (*j->p == '\\') {
            j->p++;
            if (j->p >= j->end)
                return false;
            if (*j->p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (j->p + i >= j->end || !strchr("0123456789abcdefABCDEF", j->p[i]) ||
                        j->p[i] == 0)
                        return false;
                j->p += 5;
            } else if (strchr("\"\\/bfnrt", *j->p) && *j->p) {
                j->p++;
            } else {
                return false;
            }
        } else {
            j->p++;
        }
    }
    if (j->p >= j->end)
        return false;
    j->p++;
    return true;
}

static bool number(jp *j)
{
    const unsigned char *s = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    const unsigned char *d = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    if (j->p == d || (*d == '0' && j->p - d > 1))
        return false;
    return j->p > s;
}

/* One JSON value spanning exactly [p, end). */
static bool json_ok(const unsigned char *p, const unsigned char *end)
{
    jp j = { p, end };
    char stack[256];   /* '{' or '[' per open level */
    int depth = 0;
    bool want_value = true;
    for (;;) {
        ws(&j);
        if (want_value) {
            if (j.p >= j.end)
                return false;
            unsigned char c = *j.p;
            if (c == '{' || c == '[') {
                if (depth == (int)sizeof stack)
                    return false;
                stack[depth++] = (char)c;
                j.p++;
                ws(&j);
                if (j.p < j.end && *j.p == (c == '{' ? '}' : ']')) {
                    j.p++;
                    depth--;
                    want_value = false;
                    goto after_value;
                }
                if (c == '{') {
                    if (!string(&j))
                        return false;
                    ws(&j);
                    if (!lit(&j, ":"))
                        return false;
                }
                continue;
            }
            if (!(string(&j) || lit(&j, "true") || lit(&j, "false") || lit(&j, "null") ||
                  number(&j)))
                return false;
            want_value = false;
        }
    after_value:
        ws(&j);
        if (depth == 0)
            return j.p == j.end;
        if (j.p >= j.end)
            return false;
        char open = stack[depth - 1];
        if (*j.p == ',') {
            j.p++;
            ws(&j);
            if (open == '{') {
                if (!string(&j))
                    return false;
                ws(&j);
                if (!lit(&j, ":"))
                    return false;
            }
            want_value = true;
        } else if (*j.p == (open == '{' ? '}' : ']')) {
            j.p++;
            depth--;
        } else {
            return false;
        }
    }
}

/* Run the CLI with args (the input path is appended where "FILE" appears)
 * and check what it wrote. */
static void run_cli(const char *const *args, bool json)
{
    char *argv[16];
    int argc = 0;
    argv[argc++] = "objinspect";
    for (; *args && argc < 15; args++)
        argv[argc++] = strcmp(*args, "FILE") == 0 ? in_path : (char *)*args;
    argv[argc] = NULL;
    if (ftruncate(out_fd, 0) != 0 || lseek(STDOUT_FILENO, 0, SEEK_SET) != 0)
        abort();
    int rc = objinspect_main(argc, argv);
    /* 0 ok, 1 check failed, 2 bad input, 3 usage; diff: abidiff's 4 and 8 */
    FUZZ_CHECK((rc >= 0 && rc <= 3) || rc == 4 || rc == 12);
    if (strcmp(argv[1], "diff") == 0)
        FUZZ_CHECK(rc == 0 || rc == 2);   /* a file against itself: no change */
    fflush(stdout);
    off_t n = lseek(out_fd, 0, SEEK_END);
    if (n <= 0)
        return;
    unsigned char *out = mmap(NULL, (size_t)n, PROT_READ, MAP_SHARED, out_fd, 0);
    if (out == MAP_FAILED)
        abort();
    check_text(out, (size_t)n);
    if (json) {
        const unsigned char *line = out, *end = out + n;
        while (line < end) {
            const unsigned char *nl = memchr(line, '\n', (size_t)(end - line));
            const unsigned char *le = nl ? nl : end;
            if (le > line)
                FUZZ_CHECK(json_ok(line, le));
            line = le + 1;
        }
    }
    munmap(out, (size_t)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(in_fd, 0) != 0 || pwrite(in_fd, data, size, 0) != (ssize_t)size)
        abort();
    /* names to resolve: the first export's name and ordinal, when any */
    char name[256] = "objinspect_no_such_name", ord[32] = "#1";
    oi_file *f;
    oi_options opt = { .permissive = true };
    if (oi_open_memory(data, size, "fuzz-input", &opt, &f, NULL) == OI_OK) {
        oi_file *leaf = f;
        if (oi_child_count(f))
            oi_child(f, 0, &leaf);
        const oi_export *e = leaf ? oi_export_at(leaf, 0) : NULL;
        if (e && e->name)
            snprintf(name, sizeof name, "%s%s%s", e->name, e->version ? "@" : "",
                     e->version ? e->version : "");
        if (e && e->ordinal >= 0)
            snprintf(ord, sizeof ord, "#%lld", (long long)e->ordinal);
        oi_close(f);
    }
    static const char *const text_modes[][6] = {
        { "FILE" }, { "--all", "FILE" }, { "--strict", "FILE" },
        { "--arch", "arm64", "FILE" }, { "--arch", "x86_64", "--all", "FILE" },
        { "exports", "FILE" }, { "imports", "FILE" }, { "symbols", "FILE" },
        { "sections", "FILE" }, { "deps", "FILE" }, { "exports", "--strict", "FILE" },
        { "resolve", "FILE", "#0" }, { "resolve", "--explain", "FILE", "objinspect_no_such_name" },
        { "check", "-j", "1", "FILE" }, { "check", "-j", "1", "--junit", "FILE" },
        { "diff", "FILE", "FILE" },
    };
    static const char *const json_modes[][6] = {
        { "--json", "FILE" }, { "--json", "--all", "FILE" }, { "--json", "--strict", "FILE" },
        { "exports", "--json", "FILE" }, { "imports", "--json", "FILE" },
        { "symbols", "--json", "FILE" }, { "sections", "--json", "FILE" },
        { "deps", "--json", "FILE" }, { "resolve", "--json", "FILE", "#0" },
        { "check", "-j", "1", "--json", "FILE" }, { "check", "-j", "1", "--sarif", "FILE" },
        { "diff", "--json", "FILE", "FILE" },
    };
    for (size_t i = 0; i < sizeof text_modes / sizeof text_modes[0]; i++)
        run_cli(text_modes[i], false);
    for (size_t i = 0; i < sizeof json_modes / sizeof json_modes[0]; i++)
        run_cli(json_modes[i], true);
    const char *const resolve_text[] = { "resolve", "--explain", "FILE", name, NULL };
    const char *const resolve_ord[] = { "resolve", "FILE", ord, NULL };
    const char *const resolve_json[] = { "resolve", "--json", "FILE", name, NULL };
    run_cli(resolve_text, false);
    run_cli(resolve_ord, false);
    run_cli(resolve_json, true);
    return 0;
}
