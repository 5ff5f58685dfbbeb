/*
 * The physical floors of `make bench`: the least a program must do to
 * answer each of objinspect's questions on trusted input. No validation at
 * all (a bad file may crash it): it is a yardstick, not a tool.
 *
 *   floor elf-list FILE...          mmap, walk .dynsym, print each defined
 *                                   global "ADDRESS NAME@@VERSION" (printf)
 *   floor elf-list-write FILE...    the same with our own formatting into one
 *                                   buffer (the tightest form of the floor)
 *   floor elf-resolve FILE NAME     mmap, one GNU-hash lookup (Bloom filter,
 *                                   bucket, chain), print the address
 *   floor pe-list FILE              mmap, walk the export name pointer table,
 *                                   the ordinal table and the address table
 *   floor pe-resolve FILE NAME      mmap, binary search of the name table
 *   floor macho-list FILE           mmap, walk the exports trie depth first
 *   floor macho-resolve FILE NAME   mmap, descend the trie along NAME
 *   floor dlsym FILE NAME           not a floor: what dlopen + dlsym costs
 *
 * Exit 0 when something was printed or found, 1 when a lookup missed,
 * 2 when a file cannot be read, 3 on usage.
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct map {
    const uint8_t *p;
    size_t n;
} map;

static int map_file(const char *path, map *m)
{
    int fd = open(path, O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size == 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    m->n = (size_t)sb.st_size;
    m->p = mmap(NULL, m->n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    return m->p == MAP_FAILED ? -1 : 0;
}

static void unmap(map *m)
{
    munmap((void *)m->p, m->n);
}

/* ------------------------------------------------------------ ELF */

typedef struct elf_tabs {
    const Elf64_Sym *sym;
    size_t nsym;
    const char *str;
    const uint16_t *versym;
    const char **vname;       /* verdef index -> name */
    size_t nvname;
    const Elf64_Shdr *gnu_hash;
} elf_tabs;

static int elf_open(const map *m, elf_tabs *t)
{
    const Elf64_Ehdr *eh = (const void *)m->p;
    memset(t, 0, sizeof *t);
    if (m->n < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64)
        return -1;
    const Elf64_Shdr *sh = (const void *)(m->p + eh->e_shoff);
    const Elf64_Shdr *verdef = NULL;
    for (int i = 0; i < eh->e_shnum; i++) {
        switch (sh[i].sh_type) {
        case SHT_DYNSYM:
            t->sym = (const void *)(m->p + sh[i].sh_offset);
            t->nsym = sh[i].sh_size / sizeof *t->sym;
            t->str = (const char *)m->p + sh[sh[i].sh_link].sh_offset;
            break;
        case SHT_GNU_versym: t->versym = (const void *)(m->p + sh[i].sh_offset); break;
        case SHT_GNU_verdef: verdef = &sh[i]; break;
        case SHT_GNU_HASH: t->gnu_hash = &sh[i]; break;
        }
    }
    if (!t->sym)
        return -1;
    if (verdef && t->versym) {
        /* the version names by index, from one walk of verdef */
        const uint8_t *v = m->p + verdef->sh_offset;
        const char *vstr = (const char *)m->p + sh[verdef->sh_link].sh_offset;
        size_t max = 0;
        for (const Elf64_Verdef *d = (const void *)v;; d = (const void *)((const uint8_t *)d + d->vd_next)) {
            if (d->vd_ndx > max)
                max = d->vd_ndx;
            if (!d->vd_next)
                break;
        }
        t->nvname = max + 1;
        t->vname = calloc(t->nvname, sizeof *t->vname);
        for (const Elf64_Verdef *d = (const void *)v;; d = (const void *)((const uint8_t *)d + d->vd_next)) {
            const Elf64_Verdaux *a = (const void *)((const uint8_t *)d + d->vd_aux);
            if (!(d->vd_flags & VER_FLG_BASE))
                t->vname[d->vd_ndx] = vstr + a->vda_name;
            if (!d->vd_next)
                break;
        }
    }
    return 0;
}

static const char *elf_version(const elf_tabs *t, size_t i, const char **sep)
{
    if (!t->versym)
        return NULL;
    unsigned v = t->versym[i];
    unsigned idx = v & 0x7fff;
    if (idx >= t->nvname || !t->vname[idx])
        return NULL;
    *sep = v & 0x8000 ? "@" : "@@";
    return t->vname[idx];
}

static int elf_list(int nfiles, char **files, int tight)
{
    static char buf[1 << 16];
    size_t n = 0;
    int rc = 0;
    for (int k = 0; k < nfiles; k++) {
        map m;
        elf_tabs t;
        if (map_file(files[k], &m) != 0) {
            rc = 2;
            continue;
        }
        if (elf_open(&m, &t) != 0) {
            unmap(&m);
            continue;
        }
        if (!tight)
            printf("%s:\n", files[k]);
        for (size_t i = 1; i < t.nsym; i++) {
            const Elf64_Sym *s = &t.sym[i];
            if (s->st_shndx == SHN_UNDEF || ELF64_ST_BIND(s->st_info) == STB_LOCAL)
                continue;
            const char *sep = "", *ver = elf_version(&t, i, &sep);
            const char *name = t.str + s->st_name;
            if (!tight) {
                printf("%016llx %s%s%s\n", (unsigned long long)s->st_value, name, sep,
                       ver ? ver : "");
                continue;
            }
            size_t ln = strlen(name), lv = ver ? strlen(ver) : 0, ls = strlen(sep);
            if (n + 20 + ln + ls + lv > sizeof buf) {
                fwrite(buf, 1, n, stdout);
                n = 0;
            }
            static const char hex[] = "0123456789abcdef";
            uint64_t a = s->st_value;
            for (int d = 15; d >= 0; d--, a >>= 4)
                buf[n + (size_t)d] = hex[a & 15];
            n += 16;
            buf[n++] = ' ';
            memcpy(buf + n, name, ln);
            n += ln;
            memcpy(buf + n, sep, ls);
            n += ls;
            if (ver)
                memcpy(buf + n, ver, lv);
            n += lv;
            buf[n++] = '\n';
        }
        free(t.vname);
        unmap(&m);
    }
    fwrite(buf, 1, n, stdout);
    return rc;
}

static int elf_resolve(const char *path, const char *name)
{
    map m;
    elf_tabs t;
    if (map_file(path, &m) != 0 || elf_open(&m, &t) != 0 || !t.gnu_hash)
        return 2;
    const uint32_t *h = (const void *)(m.p + t.gnu_hash->sh_offset);
    uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2], shift = h[3];
    const uint64_t *bloom = (const void *)(h + 4);
    const uint32_t *buckets = (const void *)(bloom + bloom_size);
    const uint32_t *chain = buckets + nbuckets;
    uint32_t hash = 5381;
    for (const unsigned char *p = (const void *)name; *p; p++)
        hash = hash * 33 + *p;
    uint64_t word = bloom[(hash / 64) % bloom_size];
    if (!((word >> (hash % 64)) & (word >> ((hash >> shift) % 64)) & 1))
        return 1;
    for (uint32_t i = buckets[hash % nbuckets]; i >= symoffset; i++) {
        if ((chain[i - symoffset] | 1) == (hash | 1) && strcmp(t.str + t.sym[i].st_name, name) == 0) {
            printf("%016llx\n", (unsigned long long)t.sym[i].st_value);
            return 0;
        }
        if (chain[i - symoffset] & 1)
            break;
    }
    return 1;
}

/* ------------------------------------------------------------ PE */

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

typedef struct pe_tabs {
    const uint8_t *base, *sec;
    unsigned nsec, last;
    uint32_t ordbase, nfunc, nnames;
    const uint8_t *funcs, *names, *ords;
} pe_tabs;

static const uint8_t *pe_rva(pe_tabs *t, uint32_t rva)
{
    /* names sit together in one section: try the last one hit first */
    for (unsigned k = 0; k < t->nsec; k++) {
        unsigned i = (t->last + k) % t->nsec;
        const uint8_t *s = t->sec + 40 * i;
        uint32_t va = rd32(s + 12), vs = rd32(s + 8);
        if (rva >= va && rva < va + vs) {
            t->last = i;
            return t->base + rd32(s + 20) + (rva - va);
        }
    }
    return NULL;
}

static int pe_open(const map *m, pe_tabs *t)
{
    const uint8_t *pe = m->p + rd32(m->p + 0x3c);
    const uint8_t *opt = pe + 24;
    t->base = m->p;
    t->last = 0;
    t->nsec = rd16(pe + 6);
    t->sec = opt + rd16(pe + 20);
    const uint8_t *dd = opt + (rd16(opt) == 0x20b ? 112 : 96);
    const uint8_t *ed = pe_rva(t, rd32(dd));
    if (!ed)
        return -1;
    t->ordbase = rd32(ed + 16);
    t->nfunc = rd32(ed + 20);
    t->nnames = rd32(ed + 24);
    t->funcs = pe_rva(t, rd32(ed + 28));
    t->names = pe_rva(t, rd32(ed + 32));
    t->ords = pe_rva(t, rd32(ed + 36));
    return 0;
}

static int pe_list(const char *path)
{
    map m;
    pe_tabs t;
    if (map_file(path, &m) != 0 || pe_open(&m, &t) != 0)
        return 2;
    for (uint32_t i = 0; i < t.nnames; i++) {
        uint16_t ord = rd16(t.ords + 2 * i);
        printf("%08x @%u %s\n", rd32(t.funcs + 4 * ord), ord + t.ordbase,
               (const char *)pe_rva(&t, rd32(t.names + 4 * i)));
    }
    return 0;
}

static int pe_resolve(const char *path, const char *name)
{
    map m;
    pe_tabs t;
    if (map_file(path, &m) != 0 || pe_open(&m, &t) != 0)
        return 2;
    size_t lo = 0, hi = t.nnames;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, (const char *)pe_rva(&t, rd32(t.names + 4 * mid)));
        if (c == 0) {
            printf("%08x\n", rd32(t.funcs + 4 * rd16(t.ords + 2 * mid)));
            return 0;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 1;
}

/* ------------------------------------------------------------ Mach-O */

static uint64_t uleb(const uint8_t **p)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    return v;
}

/* The exports trie of a thin Mach-O file. */
static const uint8_t *macho_trie(const map *m, size_t *size)
{
    uint32_t magic = rd32(m->p);
    size_t off = magic == 0xfeedfacf ? 32 : 28;
    uint32_t ncmds = rd32(m->p + 16);
    for (uint32_t i = 0; i < ncmds; i++) {
        const uint8_t *lc = m->p + off;
        uint32_t cmd = rd32(lc);
        if (cmd == 0x80000022 || cmd == 0x22) {        /* LC_DYLD_INFO(_ONLY) */
            *size = rd32(lc + 44);
            return m->p + rd32(lc + 40);
        }
        if (cmd == 0x80000033) {                        /* LC_DYLD_EXPORTS_TRIE */
            *size = rd32(lc + 12);
            return m->p + rd32(lc + 8);
        }
        off += rd32(lc + 4);
    }
    return NULL;
}

static int macho_list(const char *path)
{
    map m;
    size_t size;
    const uint8_t *trie;
    if (map_file(path, &m) != 0 || !(trie = macho_trie(&m, &size)))
        return 2;
    /* depth first, in trie order: a node's children are pushed in reverse;
     * each writes its edge after its parent's prefix when it is popped
     * (siblings' subtrees only write past that prefix) */
    static char name[65536];
    static struct { uint32_t node, len; const char *edge; } stack[65536];
    int sp = 0;
    stack[sp].node = 0;
    stack[sp].len = 0;
    stack[sp++].edge = "";
    while (sp > 0) {
        sp--;
        size_t len = stack[sp].len, el = strlen(stack[sp].edge);
        memcpy(name + len, stack[sp].edge, el);
        len += el;
        const uint8_t *p = trie + stack[sp].node;
        uint64_t term = uleb(&p);
        const uint8_t *children = p + term;
        if (term) {
            uint64_t flags = uleb(&p);
            uint64_t addr = (flags & 8) ? 0 : uleb(&p);    /* a re-export has none */
            name[len] = 0;
            printf("%016llx %s\n", (unsigned long long)addr, name);
        }
        p = children;
        unsigned n = *p++;
        for (unsigned c = 0; c < n; c++) {
            const char *edge = (const char *)p;
            p += strlen(edge) + 1;
            int slot = sp + (int)(n - 1 - c);
            stack[slot].node = (uint32_t)uleb(&p);
            stack[slot].len = (uint32_t)len;
            stack[slot].edge = edge;
        }
        sp += (int)n;
    }
    unmap(&m);
    return 0;
}

static int macho_resolve(const char *path, const char *name)
{
    map m;
    size_t size;
    const uint8_t *trie;
    if (map_file(path, &m) != 0 || !(trie = macho_trie(&m, &size)))
        return 2;
    const uint8_t *p = trie;
    const char *s = name;
    for (;;) {
        uint64_t term = uleb(&p);
        if (*s == 0) {
            if (!term)
                return 1;
            uint64_t flags = uleb(&p);
            printf("%016llx\n", (unsigned long long)((flags & 8) ? 0 : uleb(&p)));
            return 0;
        }
        p += term;
        unsigned n = *p++;
        const uint8_t *next = NULL;
        for (unsigned c = 0; c < n && !next; c++) {
            const char *edge = (const char *)p;
            size_t el = strlen(edge);
            p += el + 1;
            uint64_t child = uleb(&p);
            if (strncmp(s, edge, el) == 0) {
                s += el;
                next = trie + child;
            }
        }
        if (!next)
            return 1;
        p = next;
    }
}

/* ------------------------------------------------------------ dlsym */

static int by_dlsym(const char *path, const char *name)
{
    void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (!h)
        return 2;
    void *p = dlsym(h, name);
    if (!p)
        return 1;
    printf("%p\n", p);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 3;
    const char *mode = argv[1];
    if (strcmp(mode, "elf-list") == 0)
        return elf_list(argc - 2, argv + 2, 0);
    if (strcmp(mode, "elf-list-write") == 0)
        return elf_list(argc - 2, argv + 2, 1);
    if (strcmp(mode, "pe-list") == 0)
        return pe_list(argv[2]);
    if (strcmp(mode, "macho-list") == 0)
        return macho_list(argv[2]);
    if (argc < 4)
        return 3;
    if (strcmp(mode, "elf-resolve") == 0)
        return elf_resolve(argv[2], argv[3]);
    if (strcmp(mode, "pe-resolve") == 0)
        return pe_resolve(argv[2], argv[3]);
    if (strcmp(mode, "macho-resolve") == 0)
        return macho_resolve(argv[2], argv[3]);
    if (strcmp(mode, "dlsym") == 0)
        return by_dlsym(argv[2], argv[3]);
    return 3;
}
