/*
 * The output escaping of tools/escape.c, driven from test_escape.sh: each
 * input line is a string in hex; for each, three lines come out, the
 * string as out_escaped() writes it (FILE), as ob_escaped() writes it (the
 * listings' buffer) and as a JSON string literal (json_str through the
 * buffer). The script checks them against the README's rules, computed
 * independently in Python, so the fast paths (16-byte vector tests, runs)
 * cannot drift from the byte-by-byte rules.
 */
#include "../../tools/obuf.h"
#include "../../tools/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int main(void)
{
    static obuf b;
    char line[1 << 16];
    char *s = malloc(sizeof line / 2 + 1);   /* exactly the string: ASan sees any over-read */
    ob_init(&b, stdout);
    while (fgets(line, sizeof line, stdin)) {
        size_t n = 0;
        for (char *p = line; hexval(p[0]) >= 0 && hexval(p[1]) >= 0; p += 2)
            s[n++] = (char)(hexval(p[0]) << 4 | hexval(p[1]));
        s[n] = 0;
        char *exact = malloc(n + 1);
        memcpy(exact, s, n + 1);
        out_escaped(stdout, exact);
        putchar('\n');
        ob_escaped(&b, exact);
        ob_putc(&b, '\n');
        json j = { .o = stdout, .b = &b };
        json_str(&j, NULL, exact);
        ob_putc(&b, '\n');
        ob_flush(&b);
        free(exact);
    }
    free(s);
    return 0;
}
