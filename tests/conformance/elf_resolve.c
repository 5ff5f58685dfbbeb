/*
 * elf_resolve FILE [--dlsym]: batch lookups for the ELF conformance script,
 * one process per file instead of one per symbol. Reads queries from stdin,
 * one per line: MEMBER TAB NAME TAB VERSION (MEMBER empty unless FILE is an
 * archive; VERSION empty for an unversioned request). Prints per query:
 *   found TAB ADDRESS(hex) TAB PATH      or      notfound TAB - TAB PATH
 * With --dlsym it also dlopens FILE and appends TAB and dlsym/dlvsym's
 * answer minus the load base (hex), or "-" when dlsym finds nothing. Only
 * for native libraries: the real loader is the oracle then. When dlopen
 * fails (a dependency missing here) the column is left out and stderr says
 * why.
 *
 * elf_resolve FILE --section NAME writes the content of section NAME, as
 * oi_section_data returns it (decompressed), to stdout; exit 1 with the
 * status name on stderr when it cannot.
 * Built on the public API only.
 */
#define _GNU_SOURCE
#include <objinspect.h>

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static oi_file *member(oi_file *f, const char *name)
{
    if (!*name)
        return f;
    size_t n = strlen(name);
    for (size_t i = 0; i < oi_child_count(f); i++) {
        oi_file *c;
        if (oi_child(f, i, &c) != OI_OK)
            continue;
        const char *cn = oi_name(c);
        size_t cl = strlen(cn);
        if (cl > n + 2 && cn[cl - 1] == ')' && cn[cl - n - 2] == '(' &&
            memcmp(cn + cl - n - 1, name, n) == 0)
            return c;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: elf_resolve FILE [--dlsym] < queries\n");
        return 3;
    }
    bool use_dlsym = argc > 2 && strcmp(argv[2], "--dlsym") == 0;
    oi_options opt = { .permissive = true };
    oi_file *f;
    oi_error err;
    if (oi_open_path(argv[1], &opt, &f, &err) != OI_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 2;
    }
    if (argc > 3 && strcmp(argv[2], "--section") == 0) {
        for (size_t i = 0; i < oi_section_count(f); i++) {
            if (strcmp(oi_section_at(f, i)->name, argv[3]) != 0)
                continue;
            const void *data;
            size_t size;
            oi_status st = oi_section_data(f, i, &data, &size);
            if (st != OI_OK) {
                fprintf(stderr, "%s\n", oi_status_name(st));
                oi_close(f);
                return 1;
            }
            fwrite(data, 1, size, stdout);
            oi_close(f);
            return 0;
        }
        fprintf(stderr, "no section %s\n", argv[3]);
        oi_close(f);
        return 1;
    }
    void *h = NULL;
    uintptr_t base = 0;
    if (use_dlsym) {
        /* lazily: a plugin whose functions come from its host (a Python
         * module's Py*) still loads and answers dlsym */
        h = dlopen(argv[1], RTLD_LAZY | RTLD_LOCAL);
        struct link_map *lm = NULL;
        if (!h || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || !lm) {
            /* a library whose dependencies are not on this machine: the
             * loader cannot be asked; say so and compare with readelf only */
            fprintf(stderr, "%s: dlopen: %s\n", argv[1], dlerror());
            h = NULL;
        } else {
            base = (uintptr_t)lm->l_addr;
        }
    }
    char *line = NULL;          /* any length: a name can be 160,000 bytes */
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        line[strcspn(line, "\n")] = 0;
        char *name = strchr(line, '\t');
        char *ver = name ? strchr(name + 1, '\t') : NULL;
        if (!ver) {
            fprintf(stderr, "bad query line: %s\n", line);
            free(line);
            oi_close(f);
            return 3;
        }
        *name++ = 0;
        *ver++ = 0;
        oi_file *m = member(f, line);
        oi_lookup_result r;
        oi_status st = m ? oi_lookup(m, name, *ver ? ver : NULL, NULL, NULL, &r) : OI_NOTFOUND;
        if (st == OI_OK)
            printf("found\t%llx\t%s", (unsigned long long)r.exp.address, r.path);
        else
            printf("notfound\t-\t%s", m && r.path ? r.path : "-");
        if (h) {
            dlerror();
            void *a = *ver ? dlvsym(h, name, ver) : dlsym(h, name);
            if (a)
                printf("\t%llx", (unsigned long long)((uintptr_t)a - base));
            else
                printf("\t-");
        }
        putchar('\n');
    }
    free(line);
    oi_close(f);
    return 0;
}
