/*
 * Fuzz target: the resolver over one to three images. Each image's imports
 * are looked up in the image that provides them (by library name, or in
 * every image when the format names none, as ELF's global scope does), and
 * forwarders and re-exports are followed from image to image, with a
 * visited list and a depth cap, as a loader does. The lookups go through
 * each file's own structures (hash tables, binary search, trie).
 *
 * Input layout: byte 0 picks the image count (1 + b % 3); then one
 * little-endian u32 length per image but the last, which takes the rest.
 * tests/fuzz/seeds.sh writes seeds in this layout from linked fixtures.
 */
#include "exercise.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IMAGES 3
#define MAX_CHAIN 16
#define MAX_PER_IMAGE 48

typedef struct image {
    oi_file *top;    /* what was opened */
    oi_file *leaf;   /* the file looked up in: the top or one of its slices */
} image;

/* The last path component of a library name ("@rpath/libfoo.dylib",
 * "/usr/lib/libc.so.6", "KERNEL32.dll"). */
static const char *base_name(const char *s)
{
    const char *b = strrchr(s, '/');
    return b ? b + 1 : s;
}

/* Does library name `want` name image im? Compared with its soname or
 * install name, ignoring case and a ".dll" suffix (PE forwarders omit it). */
static bool names_image(const image *im, const char *want)
{
    const char *have = oi_info(im->leaf)->soname;
    if (!have || !want)
        return false;
    const char *a = base_name(have), *b = base_name(want);
    size_t la = strlen(a), lb = strlen(b);
    if (la >= 4 && strcasecmp(a + la - 4, ".dll") == 0)
        la -= 4;
    if (lb >= 4 && strcasecmp(b + lb - 4, ".dll") == 0)
        lb -= 4;
    return la == lb && strncasecmp(a, b, la) == 0;
}

static int find_image(const image *ims, int n, const char *lib)
{
    for (int i = 0; i < n; i++)
        if (names_image(&ims[i], lib))
            return i;
    return -1;
}

/* Follow e (found in image `from`) through forwarders and re-exports. */
static void follow_chain(const image *ims, int n, int from, oi_export e)
{
    struct { int image; char name[128]; } seen[MAX_CHAIN];
    int nseen = 0;
    (void)from;
    while (nseen < MAX_CHAIN && e.target == OI_TARGET_REEXPORT && e.fwd_library) {
        int k = find_image(ims, n, e.fwd_library);
        if (k < 0)
            return;   /* the library is not among the images */
        char name[128];
        if (e.fwd_name)
            snprintf(name, sizeof name, "%s", e.fwd_name);
        else if (e.fwd_ordinal >= 0)
            snprintf(name, sizeof name, "#%lld", (long long)e.fwd_ordinal);
        else if (e.name)
            snprintf(name, sizeof name, "%s", e.name);   /* Mach-O: same name */
        else
            return;
        for (int i = 0; i < nseen; i++)
            if (seen[i].image == k && strcmp(seen[i].name, name) == 0)
                return;   /* a loop: reported, never followed */
        seen[nseen].image = k;
        memcpy(seen[nseen].name, name, sizeof name);
        nseen++;
        oi_lookup_result r;
        if (oi_lookup(ims[k].leaf, name, NULL, NULL, NULL, &r) != OI_OK || !r.found)
            return;
        fuzz_use_str(r.path);
        fuzz_use_str(r.exp.name);
        e = r.exp;
    }
}

static void resolve(const image *ims, int n)
{
    for (int i = 0; i < n; i++) {
        oi_file *f = ims[i].leaf;
        /* every dependency maps to an image or is missing */
        const oi_dependency *d;
        size_t nd;
        oi_dependencies(f, &d, &nd);
        for (size_t k = 0; k < nd && k < MAX_PER_IMAGE; k++)
            fuzz_use_str(find_image(ims, n, d[k].name) >= 0 ? "found" : "missing");
        /* bind each import */
        const oi_import *im;
        size_t ni;
        oi_imports(f, &im, &ni);
        for (size_t k = 0; k < ni && k < MAX_PER_IMAGE; k++) {
            char num[32];
            const char *name = im[k].name;
            if (!name && im[k].ordinal >= 0) {
                snprintf(num, sizeof num, "#%lld", (long long)im[k].ordinal);
                name = num;
            }
            if (!name)
                continue;
            int lib = im[k].library ? find_image(ims, n, im[k].library) : -1;
            for (int t = 0; t < n; t++) {
                if (lib >= 0 ? t != lib : (im[k].library != NULL || t == i))
                    continue;
                oi_lookup_result r;
                if (oi_lookup(ims[t].leaf, name, im[k].version, NULL, NULL, &r) == OI_OK &&
                    r.found) {
                    follow_chain(ims, n, t, r.exp);
                    break;
                }
            }
        }
        /* follow each export's chain from its own image */
        const oi_export *e;
        size_t ne;
        oi_exports(f, &e, &ne);
        for (size_t k = 0; k < ne && k < MAX_PER_IMAGE; k++) {
            if (e[k].target == OI_TARGET_REEXPORT)
                follow_chain(ims, n, i, e[k]);
            if (e[k].name)
                fuzz_lookup_all(f, e[k].name, e[k].version);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int n = 1 + data[0] % MAX_IMAGES;
    size_t pos = 1, len[MAX_IMAGES];
    for (int i = 0; i < n - 1; i++) {
        uint32_t l = 0;
        if (size - pos >= 4) {
            l = (uint32_t)data[pos] | (uint32_t)data[pos + 1] << 8 |
                (uint32_t)data[pos + 2] << 16 | (uint32_t)data[pos + 3] << 24;
            pos += 4;
        }
        len[i] = l;
    }
    image ims[MAX_IMAGES];
    int nim = 0;
    const oi_options opt = { .permissive = true };
    for (int i = 0; i < n; i++) {
        size_t l = i == n - 1 ? size - pos : (len[i] < size - pos ? len[i] : size - pos);
        oi_file *f;
        if (l && oi_open_memory(data + pos, l, "image", &opt, &f, NULL) == OI_OK) {
            ims[nim].top = f;
            ims[nim].leaf = f;
            /* a fat image: the slice of the first image's architecture */
            oi_file *c = NULL;
            if (oi_child_count(f) && nim > 0 && oi_info(ims[0].leaf)->machine) {
                for (size_t k = 0; k < oi_child_count(f) && k < 8; k++) {
                    oi_file *s;
                    if (oi_child(f, k, &s) == OI_OK && oi_info(s)->machine &&
                        strcmp(oi_info(s)->machine, oi_info(ims[0].leaf)->machine) == 0) {
                        c = s;
                        break;
                    }
                }
            }
            if (!c && oi_child_count(f))
                oi_child(f, 0, &c);
            if (c)
                ims[nim].leaf = c;
            nim++;
        }
        pos += l;
    }
    resolve(ims, nim);
    for (int i = 0; i < nim; i++)
        oi_close(ims[i].top);
    return 0;
}
