/*
 * Section contents, decompressed when the section is compressed:
 *  - SHF_COMPRESSED (gABI): an Elf32_Chdr/Elf64_Chdr, then a zlib stream
 *    (ELFCOMPRESS_ZLIB) or a zstd frame (ELFCOMPRESS_ZSTD);
 *  - the legacy GNU form, a section named .zdebug*: "ZLIB", the size as
 *    8 big-endian bytes, then a zlib stream.
 * The output goes to the file's arena, so it is capped by the arena's
 * budget (oi_options.max_alloc) before anything is inflated, and it is
 * kept: each section is decompressed at most once.
 */
#include "elf_internal.h"

#include <string.h>
#include <zlib.h>
#include <zstd.h>

typedef enum { C_NONE, C_ZLIB, C_ZSTD, C_GNU, C_OTHER } comp_kind;

typedef struct comp {
    comp_kind kind;
    uint32_t ch_type;
    uint64_t size;        /* decompressed size the header states */
    oi_view payload;      /* the compressed bytes */
} comp;

static const char *scn_name(Elf *elf, const GElf_Shdr *sh)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return NULL;
    return elf_strptr(elf, shstrndx, sh->sh_name);
}

/* The section's raw bytes as a view (libelf points into the mapping). */
static bool raw_bytes(Elf_Scn *scn, const GElf_Shdr *sh, oi_view *out)
{
    *out = (oi_view){ NULL, 0 };
    if (sh->sh_type == SHT_NOBITS || sh->sh_size == 0)
        return true;
    Elf_Data *d = elf_rawdata(scn, NULL);
    if (!d)
        return false;
    *out = oi_view_make(d->d_buf, d->d_size);
    return true;
}

static bool classify(Elf_Scn *scn, const GElf_Shdr *sh, bool is64, bool big, comp *c)
{
    memset(c, 0, sizeof *c);
    oi_view raw;
    if (!raw_bytes(scn, sh, &raw))
        return false;
    if (sh->sh_flags & SHF_COMPRESSED) {
        oi_cur k = oi_cur_make(raw, 0, big);
        c->ch_type = oi_u32(&k);
        if (is64)
            oi_u32(&k);   /* ch_reserved */
        c->size = oi_word(&k, is64);
        oi_word(&k, is64);   /* ch_addralign */
        if (!oi_ok(&k))
            return false;
        oi_view_tail(raw, k.pos, &c->payload);
        c->kind = c->ch_type == ELFCOMPRESS_ZLIB ? C_ZLIB
                : c->ch_type == ELFCOMPRESS_ZSTD ? C_ZSTD : C_OTHER;
        return true;
    }
    return true;
}

/* Legacy .zdebug sections need the name: classify them separately. */
static bool classify_gnu(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, comp *c)
{
    const char *name = scn_name(elf, sh);
    if (!name || strncmp(name, ".zdebug", 7) != 0 || (sh->sh_flags & SHF_COMPRESSED))
        return false;
    oi_view raw;
    if (!raw_bytes(scn, sh, &raw) || raw.n < 12 || memcmp(raw.p, "ZLIB", 4) != 0)
        return false;
    c->kind = C_GNU;
    c->size = oi_get64(raw.p + 4, true);
    oi_view_tail(raw, 12, &c->payload);
    return true;
}

static bool oelf_classify(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, comp *c)
{
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf, &eh))
        return false;
    if (!classify(scn, sh, eh.e_ident[EI_CLASS] == ELFCLASS64,
                  eh.e_ident[EI_DATA] == ELFDATA2MSB, c))
        return false;
    if (c->kind == C_NONE)
        classify_gnu(elf, scn, sh, c);
    return true;
}

const char *oelf_section_compression(oi_file *f, Elf_Scn *scn, const GElf_Shdr *sh,
                                    uint64_t *size)
{
    comp c;
    *size = sh->sh_size;
    if (!oelf_classify(oelf_p(f)->elf, scn, sh, &c))
        return NULL;
    if (c.kind != C_NONE)
        *size = c.size;
    switch (c.kind) {
    case C_ZLIB: return "zlib";
    case C_ZSTD: return "zstd";
    case C_GNU: return "zlib-gnu";
    case C_OTHER: return oi_arena_printf(f->mem, "ch-type-%u", c.ch_type);
    default: return NULL;
    }
}

static oi_status inflate_zlib(oi_file *f, oi_view in, uint8_t *out, uint64_t size,
                              uint64_t off)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return OI_NOMEM;
    z.next_in = (Bytef *)(uintptr_t)in.p;
    z.next_out = out;
    uint64_t in_left = in.n, out_left = size;
    int rc = Z_OK;
    /* zlib counts in uInt: feed both sides in pieces */
    while (rc == Z_OK) {
        if (z.avail_in == 0 && in_left) {
            z.avail_in = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
            in_left -= z.avail_in;
        }
        if (z.avail_out == 0 && out_left) {
            z.avail_out = out_left > (1u << 30) ? (1u << 30) : (uInt)out_left;
            out_left -= z.avail_out;
        }
        if (z.avail_out == 0) {
            /* the stated size is reached: the stream must end here */
            uint8_t extra;
            z.next_out = &extra;
            z.avail_out = 1;
            rc = inflate(&z, Z_FINISH);
            if (rc != Z_STREAM_END || z.avail_out == 0)
                rc = Z_DATA_ERROR;
            break;
        }
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && in_left == 0)
            rc = Z_DATA_ERROR;   /* input ended early */
    }
    uint64_t produced = z.total_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || produced != size)
        return OI_ERROR(f, OI_MALFORMED, off, "elf/compress",
                        "zlib stream is corrupt or does not give the stated %llu bytes",
                        (unsigned long long)size);
    return OI_OK;
}

static oi_status inflate_zstd(oi_file *f, oi_view in, uint8_t *out, uint64_t size,
                              uint64_t off)
{
    size_t got = ZSTD_decompress(out, (size_t)size, in.p, in.n);
    if (ZSTD_isError(got) || got != size)
        return OI_ERROR(f, OI_MALFORMED, off, "elf/compress",
                        "zstd frame is corrupt or does not give the stated %llu bytes (%s)",
                        (unsigned long long)size,
                        ZSTD_isError(got) ? ZSTD_getErrorName(got) : "size differs");
    return OI_OK;
}

oi_status oelf_section_content(oi_file *f, Elf_Scn *scn, oi_view *out)
{
    oelf_priv *p = oelf_p(f);
    GElf_Shdr sh;
    *out = (oi_view){ NULL, 0 };
    if (!gelf_getshdr(scn, &sh))
        return OI_WARN_NOOFF(f, OI_MALFORMED, "elf/section", "section header: %s",
                             elf_errmsg(-1));
    Elf *elf = elf_getscn(p->elf, elf_ndxscn(scn)) == scn ? p->elf : p->debug_elf;
    comp c;
    if (!elf || !oelf_classify(elf, scn, &sh, &c))
        return OI_WARN(f, OI_TRUNCATED, sh.sh_offset, "elf/section",
                       "section %zu cannot be read: %s", elf_ndxscn(scn), elf_errmsg(-1));
    if (c.kind == C_NONE) {
        oi_view raw;
        if (!raw_bytes(scn, &sh, &raw))
            return OI_WARN(f, OI_TRUNCATED, sh.sh_offset, "elf/section",
                           "section %zu runs past the end of the file", elf_ndxscn(scn));
        *out = raw;
        return OI_OK;
    }
    /* cached (only for this file's own sections, indexed by number) */
    size_t ndx = elf_ndxscn(scn);
    bool own = elf == p->elf && ndx < p->shnum;
    if (own && p->content && p->content[ndx].p) {
        *out = p->content[ndx];
        return OI_OK;
    }
    if (c.kind == C_OTHER)
        return OI_WARN(f, OI_UNSUPPORTED, sh.sh_offset, "elf/compress",
                       "section %zu: compression type %u is not supported", ndx, c.ch_type);
    if (c.size == 0)
        return OI_OK;
    if (oi_limit_decompress(f, c.size, sh.sh_offset, "elf/compress") != OI_OK)
        return OI_LIMIT;
    uint8_t *buf = c.size <= SIZE_MAX ? oi_arena_alloc(f->mem, (size_t)c.size) : NULL;
    if (!buf)
        return OI_WARN(f, OI_LIMIT, sh.sh_offset, "elf/compress",
                       "section %zu decompresses to %llu bytes, over the allocation cap", ndx,
                       (unsigned long long)c.size);
    oi_status st = c.kind == C_ZSTD ? inflate_zstd(f, c.payload, buf, c.size, sh.sh_offset)
                                    : inflate_zlib(f, c.payload, buf, c.size, sh.sh_offset);
    if (st != OI_OK)
        return st;
    *out = (oi_view){ buf, (size_t)c.size };
    if (own && !p->content)
        p->content = oi_arena_array(f->mem, p->shnum, sizeof *p->content);
    if (own && p->content)
        p->content[ndx] = *out;
    return OI_OK;
}
