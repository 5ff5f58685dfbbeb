/*
 * Separate debug files, found the way gdb finds them:
 *  1. by build-id: DEBUGDIR/.build-id/ab/cdef....debug, accepted when its
 *     own build-id note is the same;
 *  2. by .gnu_debuglink: DIR/NAME, DIR/.debug/NAME, DEBUGDIR/DIR/NAME
 *     (DIR is the file's directory), accepted when the CRC32 of the whole
 *     file (zlib's crc32, which is the debuglink's) matches.
 * DEBUGDIR is oi_options.debug_dir, /usr/lib/debug by default; "" turns the
 * search off. The file is mapped read-only and read with libelf; its
 * .symtab stands in for the stripped one.
 */
#include "elf_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define DEFAULT_DEBUG_DIR "/usr/lib/debug"

bool oelf_debuglink(oi_file *f, const char **name, uint32_t *crc)
{
    oelf_priv *p = oelf_p(f);
    if (!p->has_shstrndx)
        return false;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(p->elf, scn)) != NULL) {
        GElf_Shdr sh;
        const char *nm;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
            !(nm = elf_strptr(p->elf, p->shstrndx, sh.sh_name)) ||
            strcmp(nm, ".gnu_debuglink") != 0)
            continue;
        oi_view v;
        if (oelf_section_content(f, scn, &v) != OI_OK)
            return false;
        oi_cur c = oi_cur_make(v, 0, p->big);
        const char *s = oi_take_cstr(&c);
        oi_seek(&c, (c.pos + 3) & ~(size_t)3);
        uint32_t sum = oi_u32(&c);
        if (!oi_ok(&c) || !s || !*s) {
            OI_WARN(f, OI_MALFORMED, sh.sh_offset, "elf/debuglink",
                    ".gnu_debuglink is not a file name followed by a CRC");
            return false;
        }
        *name = s;
        *crc = sum;
        return true;
    }
    return false;
}

/* A mapped candidate debug file. */
typedef struct candidate {
    void *map;
    size_t len;
    Elf *elf;
} candidate;

static void drop(candidate *c)
{
    if (c->elf)
        elf_end(c->elf);
    if (c->map)
        munmap(c->map, c->len);
    memset(c, 0, sizeof *c);
}

static bool map_candidate(const char *path, candidate *c)
{
    memset(c, 0, sizeof *c);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 64 ||
        (uint64_t)sb.st_size > SIZE_MAX) {
        close(fd);
        return false;
    }
    c->len = (size_t)sb.st_size;
    c->map = mmap(NULL, c->len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (c->map == MAP_FAILED) {
        c->map = NULL;
        return false;
    }
    c->elf = elf_memory(c->map, c->len);
    if (!c->elf || elf_kind(c->elf) != ELF_K_ELF) {
        drop(c);
        return false;
    }
    return true;
}

/* Is the candidate for the same machine and class as f? */
static bool same_kind(oi_file *f, const candidate *c)
{
    GElf_Ehdr eh;
    const oelf_priv *p = oelf_p(f);
    return gelf_getehdr(c->elf, &eh) && eh.e_machine == p->ehdr.e_machine &&
           eh.e_ident[EI_CLASS] == p->ehdr.e_ident[EI_CLASS];
}

/* Does the candidate's GNU build-id note equal id? (read through libelf) */
static bool same_build_id(const candidate *c, oi_view id)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(c->elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d)
            continue;
        GElf_Nhdr nh;
        size_t off = 0, name_off, desc_off, next;
        while ((next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
                memcmp((const char *)d->d_buf + name_off, "GNU", 4) == 0)
                return nh.n_descsz == id.n &&
                       memcmp((const char *)d->d_buf + desc_off, id.p, id.n) == 0;
            off = next;
        }
    }
    return false;
}

static uint32_t file_crc(const candidate *c)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    const Bytef *b = c->map;
    for (size_t left = c->len; left;) {
        uInt n = left > (1u << 30) ? (1u << 30) : (uInt)left;
        crc = crc32(crc, b, n);
        b += n;
        left -= n;
    }
    return (uint32_t)crc;
}

static void keep(oi_file *f, candidate *c, const char *path)
{
    oelf_priv *p = oelf_p(f);
    p->debug_map = c->map;
    p->debug_len = c->len;
    p->debug_elf = c->elf;
    p->debug_path = oi_arena_strdup(f->mem, path);
    if (!p->debug_path) {
        drop(c);
        p->debug_map = NULL;
        p->debug_elf = NULL;
    }
}

bool oelf_open_debug_file(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    if (p->debug_tried)
        return p->debug_elf != NULL;
    p->debug_tried = true;
    const char *dir = f->opt.debug_dir ? f->opt.debug_dir : DEFAULT_DEBUG_DIR;
    if (!*dir || f->root != f)
        return false;   /* turned off, or an archive member / fat slice */
    char path[PATH_MAX];
    candidate c;

    oi_view id = oelf_build_id(f);
    if (id.n >= 2) {
        int n = snprintf(path, sizeof path, "%s/.build-id/%02x/", dir, id.p[0]);
        for (size_t i = 1; i < id.n && n > 0 && (size_t)n + 3 < sizeof path; i++)
            n += snprintf(path + n, sizeof path - (size_t)n, "%02x", id.p[i]);
        if (n > 0 && (size_t)n + 7 < sizeof path) {
            memcpy(path + n, ".debug", 7);
            if (map_candidate(path, &c)) {
                if (same_kind(f, &c) && same_build_id(&c, id)) {
                    keep(f, &c, path);
                    return p->debug_elf != NULL;
                }
                OI_WARN_NOOFF(f, OI_MALFORMED, "elf/debug",
                              "%s: its build-id or machine differs: not used", path);
                drop(&c);
            }
        }
    }

    const char *link;
    uint32_t crc;
    if (!oelf_debuglink(f, &link, &crc) || strchr(link, '/'))
        return false;
    /* the file's own directory, as given and as the canonical path */
    char own[PATH_MAX], canon[PATH_MAX];
    snprintf(own, sizeof own, "%s", f->name);
    char *slash = strrchr(own, '/');
    if (slash)
        slash[1] = 0;
    else
        snprintf(own, sizeof own, "./");
    canon[0] = 0;
    if (realpath(f->name, canon)) {
        char *s = strrchr(canon, '/');
        if (s)
            s[1] = 0;
    }
    const char *forms[3][3] = {
        { own, "", link }, { own, ".debug/", link }, { dir, canon, link },
    };
    for (int k = 0; k < 3; k++) {
        if (k == 2 && !canon[0])
            break;
        int n = snprintf(path, sizeof path, "%s%s%s", forms[k][0], forms[k][1], forms[k][2]);
        if (n <= 0 || (size_t)n >= sizeof path)
            continue;
        if (!map_candidate(path, &c))
            continue;
        /* the file itself is no debug file for itself */
        if (c.len == f->data.n && memcmp(c.map, f->data.p, c.len) == 0) {
            drop(&c);
            continue;
        }
        uint32_t got = file_crc(&c);
        if (same_kind(f, &c) && got == crc) {
            keep(f, &c, path);
            return p->debug_elf != NULL;
        }
        OI_WARN_NOOFF(f, OI_MALFORMED, "elf/debug",
                      "%s: CRC32 0x%08x, .gnu_debuglink says 0x%08x: not used", path, got, crc);
        drop(&c);
    }
    return false;
}

void oelf_close_debug_file(oelf_priv *p)
{
    if (p->debug_elf)
        elf_end(p->debug_elf);
    if (p->debug_map)
        munmap(p->debug_map, p->debug_len);
    p->debug_elf = NULL;
    p->debug_map = NULL;
}
