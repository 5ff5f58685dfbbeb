/*
 * The smallest useful program on libobjinspect, for loader and tool authors
 * to copy: open a file, list its exports, resolve one name the way the
 * platform loader would.
 *
 *   cc example-lookup.c $(pkg-config --cflags --libs objinspect) -o example-lookup
 *   ./example-lookup /lib/x86_64-linux-gnu/libc.so.6 printf
 */
#include <objinspect.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s FILE NAME\n", argv[0]);
        return 3;
    }
    oi_file *f;
    oi_error err;
    oi_options opt = { .permissive = true };
    if (oi_open_path(argv[1], &opt, &f, &err) != OI_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 2;
    }

    /* every export: the table is built on first use and lives until oi_close */
    const oi_export *exports;
    size_t n;
    oi_exports(f, &exports, &n);
    printf("%zu exports\n", n);
    for (size_t i = 0; i < n && i < 5; i++)
        printf("  %s\n", exports[i].name ? exports[i].name : "(by ordinal)");

    /* one lookup through the file's own hash table, name table or trie */
    oi_lookup_result r;
    oi_status st = oi_lookup(f, argv[2], NULL, NULL, NULL, &r);
    if (st == OI_OK)
        printf("%s: found at 0x%llx via %s (%s, %s)\n", argv[2],
               (unsigned long long)r.exp.address, r.path, oi_kind_name(r.exp.kind),
               oi_callconv_name(r.exp.callconv));
    else
        printf("%s: %s\n", argv[2], oi_status_name(st));
    oi_close(f);
    return st == OI_OK ? 0 : 1;
}
