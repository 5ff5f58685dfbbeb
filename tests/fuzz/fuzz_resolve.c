/*
 * Fuzz target: the resolver over one to three images. Each image's imports
 * are looked up in the image that provides them (by library name, or in
 * every image when the format names none, as ELF's global scope does), and
 * forwarders and re-exports are followed from image to image, with a
 * visited list and a depth cap, as a loader does. The lookups go through
 * each file's own structures (hash tables, binary search, trie).
 *
 * Then the library's own resolver (oi_bind_open, the static `ldd -r`) runs
 * on the same images written to a private directory: the first as the
 * program, the others under the names of the libraries it needs, with an
 * empty sysroot so nothing of the host is read. Every object, import and
 * note it reports is used and checked for consistency.
 *
 * Input layout: byte 0 picks the image count (1 + b % 3); then one
 * little-endian u32 length per image but the last, which takes the rest.
 * tests/fuzz/seeds.sh writes seeds in this layout from linked fixtures.
 */
#define _GNU_SOURCE
#include "exercise.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The private directory the bind pass writes its images to. */
static char dir[64], sysroot[80];

static void remove_dirs(void)
{
    rmdir(sysroot);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/oi-fuzz-resolve-XXXXXX", base);
    if (!mkdtemp(dir))
        abort();
    snprintf(sysroot, sizeof sysroot, "%s/root", dir);
    if (mkdir(sysroot, 0700) != 0)
        abort();
    atexit(remove_dirs);
    return 0;
}

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

/* A file name for a library the program asks for: the last component of
 * name when it is a plain one, else "libN". */
static void lib_file_name(const char *name, int n, char *out, size_t cap)
{
    const char *b = name ? strrchr(name, '/') : NULL;
    b = b ? b + 1 : name;
    bool ok = b && *b && strlen(b) < 64 && strcmp(b, ".") != 0 && strcmp(b, "..") != 0 &&
              strcmp(b, "root") != 0 && strcmp(b, "prog") != 0;
    for (const char *q = b; ok && *q; q++)
        ok = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
             strchr("._+-", *q);
    if (ok)
        snprintf(out, cap, "%s", b);
    else
        snprintf(out, cap, "lib%d", n);
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, p, n) != (ssize_t)n)
        abort();
    close(fd);
}

/* The library's resolver over the images as files. */
static void bind_pass(const uint8_t *const *img, const size_t *len, int n)
{
    char path[3][160];
    snprintf(path[0], sizeof path[0], "%s/prog", dir);
    /* the names the program needs, for the other images' file names */
    const char *want[2] = { NULL, NULL };
    oi_file *f = NULL;
    const oi_options popt = { .permissive = true };
    if (oi_open_memory(img[0], len[0], "prog", &popt, &f, NULL) == OI_OK) {
        oi_file *leaf = f;
        if (oi_child_count(f))
            oi_child(f, 0, &leaf);
        for (size_t k = 0; leaf && k < 2 && k < oi_dependency_count(leaf); k++)
            want[k] = oi_dependency_at(leaf, k)->name;
    }
    for (int i = 1; i < n; i++) {
        char name[80];
        lib_file_name(want[i - 1], i, name, sizeof name);
        if (i == 2 && strcmp(path[1] + strlen(dir) + 1, name) == 0)
            snprintf(name, sizeof name, "lib%d", i);
        snprintf(path[i], sizeof path[i], "%s/%s", dir, name);
    }
    oi_close(f);
    for (int i = 0; i < n; i++)
        write_file(path[i], img[i], len[i]);

    const char *dirs[1] = { dir };
    oi_bind_options bo = { .root = sysroot, .dirs = dirs, .ndirs = 1, .max_objects = 16,
                           .max_chain = 8, .open = { .permissive = true } };
    oi_bind *b = NULL;
    oi_error err;
    oi_status st = oi_bind_open(path[0], &bo, &b, &err);
    fuzz_use_str(oi_status_name(st));
    if (st == OI_OK) {
        size_t no = oi_bind_object_count(b), ni = oi_bind_import_count(b);
        FUZZ_CHECK(no >= 1 && no <= 16 + 1);
        for (size_t i = 0; i < no; i++) {
            const oi_bind_object *o = oi_bind_object_at(b, i);
            FUZZ_CHECK(o != NULL && o->name != NULL);
            FUZZ_CHECK(o->missing == (o->file == NULL));
            FUZZ_CHECK(o->loader == SIZE_MAX ? i == 0 : o->loader < no);
            fuzz_use_str(o->name);
            fuzz_use_str(o->path);
            fuzz_use_str(o->found_by);
            fuzz_use_str(o->apiset_host);
            fuzz_use_str(oi_dep_kind_name(o->kind));
            if (o->file)
                fuzz_use_str(oi_info(o->file)->machine);
        }
        FUZZ_CHECK(oi_bind_object_at(b, no) == NULL);
        for (size_t i = 0; i < ni; i++) {
            const oi_bind_import *im = oi_bind_import_at(b, i);
            FUZZ_CHECK(im != NULL && im->importer < no);
            FUZZ_CHECK(im->provider == SIZE_MAX || im->provider < no);
            FUZZ_CHECK(im->final == SIZE_MAX || im->final < no);
            FUZZ_CHECK(im->chain <= 8 + 1);
            fuzz_use_str(im->name);
            fuzz_use_str(im->version);
            fuzz_use_str(im->library);
            fuzz_use_str(im->how);
            fuzz_use_str(im->provider_version);
            fuzz_use_str(im->final_name);
            fuzz_use_str(im->note);
            fuzz_use_str(oi_bind_state_name(im->state));
            fuzz_use_str(oi_kind_name(im->final_kind));
        }
        FUZZ_CHECK(oi_bind_import_at(b, ni) == NULL);
        for (size_t i = 0; i < oi_bind_diag_count(b); i++) {
            const oi_diag *d = oi_bind_diag_at(b, i);
            FUZZ_CHECK(d != NULL && d->message != NULL && strchr(d->message, '\n') == NULL);
            fuzz_use_str(d->message);
        }
        FUZZ_CHECK(oi_bind_unresolved(b) <= ni && oi_bind_missing(b) <= no);
        (void)oi_bind_missing_versions(b);
        oi_bind_close(b);
    } else {
        FUZZ_CHECK(b == NULL);
        fuzz_use_str(err.message);
    }
    for (int i = 0; i < n; i++)
        unlink(path[i]);
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
    const uint8_t *img[MAX_IMAGES];
    size_t img_len[MAX_IMAGES];
    int nim = 0, nimg = 0;
    const oi_options opt = { .permissive = true };
    for (int i = 0; i < n; i++) {
        size_t l = i == n - 1 ? size - pos : (len[i] < size - pos ? len[i] : size - pos);
        img[nimg] = data + pos;
        img_len[nimg++] = l;
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
    bind_pass(img, img_len, nimg);
    return 0;
}
