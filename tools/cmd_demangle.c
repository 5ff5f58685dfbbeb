/*
 * objinspect demangle [NAME...]: like c++filt and llvm-undname in one
 * (Itanium, Rust, D and MSVC names). With no NAME, one name per line is
 * read from standard input. A name that does not demangle is printed as it
 * is, so the output has one line per input name.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void demangle_one(const char *name)
{
    char small[2048];
    size_t n = oi_demangle_to(name, small, sizeof small);
    if (n == 0) {
        out_escaped(stdout, name);
    } else if (n < sizeof small) {
        out_escaped(stdout, small);
    } else {
        char *big = malloc(n + 1);
        if (big && oi_demangle_to(name, big, n + 1) == n)
            out_escaped(stdout, big);
        else
            out_escaped(stdout, name);
        free(big);
    }
    fputc('\n', stdout);
}

int cmd_demangle(int argc, char **argv)
{
    cli c;
    int rc = cli_parse(&c, argc, argv, 1, NULL, NULL);
    if (rc >= 0) {
        cli_free(&c);
        return rc;
    }
    if (c.nargs) {
        for (int i = 0; i < c.nargs; i++)
            demangle_one(c.args[i]);
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, stdin)) >= 0) {
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                line[--len] = 0;
            demangle_one(line);
        }
        free(line);
    }
    cli_free(&c);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
