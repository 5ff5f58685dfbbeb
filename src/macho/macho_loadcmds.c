/*
 * Mach-O load commands: the one validating walk done at open, and the
 * tables built from the commands alone (sections, dependencies,
 * properties).
 *
 * Validation happens before anything is recorded: every cmdsize is at least
 * 8, a multiple of 4 (32-bit) or 8 (64-bit) and inside sizeofcmds; a
 * segment's section headers fit in its cmdsize; segments and sections lie
 * inside the file; every __LINKEDIT range a command names lies inside the
 * file. A command that fails stops the walk (its successors cannot be
 * located reliably); permissive mode keeps the valid prefix.
 */
#include "macho_internal.h"

#include <stdlib.h>
#include <string.h>

bool macho_lc_next(oi_file *f, macho_lc_iter *it, macho_lc *lc)
{
    macho_priv *p = macho_p(f);
    if (it->index >= p->ncmds_valid)
        return false;
    if (it->index == 0)
        it->off = p->header_size;
    oi_cur c = oi_cur_make(f->data, it->off, p->big);
    lc->index = it->index;
    lc->cmd = oi_u32(&c);
    lc->size = oi_u32(&c);
    lc->off = it->off;
    oi_view_sub(f->data, it->off, lc->size, &lc->body);
    it->off += lc->size;
    it->index++;
    return true;
}

const char *macho_lc_str(oi_file *f, const macho_lc *lc, uint32_t field)
{
    macho_priv *p = macho_p(f);
    oi_cur c = oi_cur_make(lc->body, field, p->big);
    uint32_t o = oi_u32(&c);
    if (!oi_ok(&c) || o < field + 4 || o >= lc->body.n) {
        OI_ERROR(f, OI_MALFORMED, lc->off, "macho/loadcmd",
                 "load command %u (0x%x): string offset 0x%x outside cmdsize 0x%x",
                 lc->index, lc->cmd, o, lc->size);
        return NULL;
    }
    const char *s = oi_view_cstr(lc->body, o);
    if (s)
        return s;
    OI_WARN(f, OI_MALFORMED, lc->off + o, "macho/loadcmd",
            "load command %u (0x%x): string not NUL-terminated inside the command",
            lc->index, lc->cmd);
    return oi_arena_strndup(f->mem, (const char *)lc->body.p + o, lc->body.n - o);
}

/* A fixed 16-byte name: zero-copy when NUL-padded, else copied. */
static const char *fixed_name(oi_file *f, oi_cur *c)
{
    oi_view v = oi_take_fixed(c, 16);
    if (!v.p)
        return "<?>";
    if (v.n < 16)
        return (const char *)v.p;
    return oi_arena_strndup(f->mem, (const char *)v.p, 16);
}

static bool is_dylib_cmd(uint32_t cmd)
{
    return cmd == LC_LOAD_DYLIB || cmd == LC_LOAD_WEAK_DYLIB || cmd == LC_REEXPORT_DYLIB ||
           cmd == LC_LAZY_LOAD_DYLIB || cmd == LC_LOAD_UPWARD_DYLIB;
}

static bool is_zerofill(uint32_t flags)
{
    uint32_t t = flags & SECTION_TYPE;
    return t == S_ZEROFILL || t == S_GB_ZEROFILL || t == S_THREAD_LOCAL_ZEROFILL;
}

bool macho_section_is_code(const macho_section *s)
{
    return (s->flags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS)) != 0;
}

/* A __LINKEDIT range named by a load command: it must lie in the file. */
static macho_range linkedit_range(oi_file *f, const macho_lc *lc, const char *what,
                                  uint32_t off, uint32_t size)
{
    macho_range r = { false, off, size };
    if (size == 0)
        return r;
    if (!oi_range_ok(f->data.n, off, size)) {
        OI_ERROR(f, OI_TRUNCATED, lc->off, "macho/loadcmd",
                 "%s (offset 0x%x, size 0x%x) runs past the end of the file", what, off, size);
        return r;
    }
    r.present = true;
    return r;
}

static int cmp_sect_key(const void *a, const void *b)
{
    const macho_sect_key *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

const macho_section *macho_section_at(const macho_priv *p, uint64_t addr)
{
    size_t lo = 0, hi = p->nsects;
    /* the last section whose address is <= addr */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->sect_by_addr[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const macho_section *s = &p->sects[p->sect_by_addr[lo - 1].idx];
    return addr - s->addr < s->size ? s : NULL;
}

static void parse_segment(oi_file *f, const macho_lc *lc)
{
    macho_priv *p = macho_p(f);
    oi_cur c = oi_cur_make(lc->body, 8, p->big);
    macho_segment *sg = &p->segs[p->nsegs];
    sg->name = fixed_name(f, &c);
    sg->vmaddr = oi_word(&c, p->is64);
    sg->vmsize = oi_word(&c, p->is64);
    sg->fileoff = oi_word(&c, p->is64);
    sg->filesize = oi_word(&c, p->is64);
    oi_skip(&c, 8);                      /* maxprot, initprot */
    uint32_t nsects = oi_u32(&c);
    oi_skip(&c, 4);                      /* flags */
    if (!oi_ok(&c)) {
        OI_ERROR(f, OI_TRUNCATED, lc->off, "macho/segment",
                 "load command %u: segment command shorter than its fields", lc->index);
        return;
    }
    p->nsegs++;
    if (!oi_range_ok(f->data.n, sg->fileoff, sg->filesize))
        OI_ERROR(f, OI_TRUNCATED, lc->off, "macho/segment",
                 "segment %s (fileoff 0x%llx, filesize 0x%llx) runs past the end of the file",
                 sg->name, (unsigned long long)sg->fileoff, (unsigned long long)sg->filesize);
    else if (sg->fileoff == 0 && sg->filesize != 0 && !p->base)
        p->base = sg->vmaddr;
    uint32_t ssize = p->is64 ? SECTION_64_SIZE : SECTION_SIZE;
    uint32_t fits = (uint32_t)((lc->size - c.pos) / ssize);
    if (nsects > fits) {
        OI_ERROR(f, OI_MALFORMED, lc->off, "macho/segment",
                 "segment %s: nsects %u does not fit in cmdsize 0x%x", sg->name, nsects,
                 lc->size);
        nsects = fits;
    }
    sg->nsects = nsects;
    for (uint32_t k = 0; k < nsects; k++) {
        macho_section *s = &p->sects[p->nsects];
        s->name = fixed_name(f, &c);
        s->segname = fixed_name(f, &c);
        s->addr = oi_word(&c, p->is64);
        s->size = oi_word(&c, p->is64);
        s->offset = oi_u32(&c);
        oi_skip(&c, 12);                 /* align, reloff, nreloc */
        s->flags = oi_u32(&c);
        oi_skip(&c, p->is64 ? 12 : 8);   /* reserved1..3 */
        if (!oi_ok(&c))
            break;
        p->nsects++;
        if (!is_zerofill(s->flags) && s->offset != 0 &&
            !oi_range_ok(f->data.n, s->offset, s->size))
            OI_ERROR(f, OI_TRUNCATED, lc->off, "macho/section",
                     "section %s,%s (offset 0x%llx, size 0x%llx) runs past the end of the file",
                     s->segname, s->name, (unsigned long long)s->offset,
                     (unsigned long long)s->size);
    }
}

static void parse_dylib(oi_file *f, const macho_lc *lc, macho_dylib *d)
{
    macho_priv *p = macho_p(f);
    oi_cur c = oi_cur_make(lc->body, 12, p->big);
    oi_skip(&c, 4);                      /* timestamp */
    d->current = oi_u32(&c);
    d->compat = oi_u32(&c);
    d->cmd = lc->cmd;
    d->name = oi_ok(&c) ? macho_lc_str(f, lc, 8) : NULL;
    if (!oi_ok(&c))
        OI_ERROR(f, OI_TRUNCATED, lc->off, "macho/dylib",
                 "load command %u: dylib command shorter than its fields", lc->index);
    if (!d->name)
        d->name = "<?>";
}

/* The initial program counter of an LC_UNIXTHREAD (images older than
 * LC_MAIN): the first state of a known flavor for the file's CPU. The
 * states follow as (flavor, count in 32-bit words, count words). */
static void thread_entry(oi_file *f, const macho_lc *lc)
{
    macho_priv *p = macho_p(f);
    oi_cur c = oi_cur_make(lc->body, 8, p->big);
    for (int guard = 0; guard < 64 && oi_left(&c) >= 8; guard++) {
        uint32_t flavor = oi_u32(&c), count = oi_u32(&c);
        oi_view state = oi_take(&c, (uint64_t)count * 4);
        if (!oi_ok(&c))
            break;
        oi_cur s = oi_cur_make(state, 0, p->big);
        int64_t at = -1;       /* byte offset of the pc in the state */
        bool wide = false;
        if (p->cputype == CPU_TYPE_X86_64 && flavor == x86_THREAD_STATE64)
            at = 16 * 8, wide = true;          /* rax..r15, then rip */
        else if (p->cputype == CPU_TYPE_I386 && flavor == x86_THREAD_STATE32)
            at = 10 * 4;                       /* eax..eflags, then eip */
        else if (p->cputype == CPU_TYPE_ARM64 && flavor == ARM_THREAD_STATE64)
            at = 32 * 8, wide = true;          /* x0..x28, fp, lr, sp, then pc */
        else if (p->cputype == CPU_TYPE_ARM && flavor == ARM_THREAD_STATE)
            at = 15 * 4;                       /* r0..r12, sp, lr, then pc */
        else if (p->cputype == CPU_TYPE_POWERPC && flavor == PPC_THREAD_STATE)
            at = 0;                            /* srr0 */
        if (at < 0)
            continue;
        oi_seek(&s, (uint64_t)at);
        uint64_t pc = oi_word(&s, wide);
        if (oi_ok(&s)) {
            f->info.entry = pc;
            f->info.has_entry = true;
        }
        return;
    }
}

static void parse_one(oi_file *f, const macho_lc *lc)
{
    macho_priv *p = macho_p(f);
    oi_cur c = oi_cur_make(lc->body, 8, p->big);
    switch (lc->cmd) {
    case LC_SEGMENT:
    case LC_SEGMENT_64:
        if ((lc->cmd == LC_SEGMENT_64) == p->is64)
            parse_segment(f, lc);
        else
            OI_WARN(f, OI_MALFORMED, lc->off, "macho/segment",
                    "load command %u: %s segment in a %d-bit file, ignored", lc->index,
                    p->is64 ? "32-bit" : "64-bit", p->is64 ? 64 : 32);
        return;
    case LC_SYMTAB: {
        uint32_t symoff = oi_u32(&c), nsyms = oi_u32(&c);
        uint32_t stroff = oi_u32(&c), strsize = oi_u32(&c);
        if (!oi_ok(&c))
            break;
        oi_view tmp;
        if (!oi_view_array(f->data, symoff, nsyms, p->is64 ? NLIST_64_SIZE : NLIST_SIZE, &tmp)) {
            OI_ERROR(f, OI_TRUNCATED, lc->off, "macho/symtab",
                     "symbol table (offset 0x%x, %u entries) runs past the end of the file",
                     symoff, nsyms);
            return;
        }
        if (!oi_view_sub(f->data, stroff, strsize, &tmp)) {
            OI_ERROR(f, OI_TRUNCATED, lc->off, "macho/symtab",
                     "string table (offset 0x%x, size 0x%x) runs past the end of the file",
                     stroff, strsize);
            return;
        }
        p->has_symtab = true;
        p->symoff = symoff;
        p->nsyms = nsyms;
        p->stroff = stroff;
        p->strsize = strsize;
        return;
    }
    case LC_DYSYMTAB:
        oi_skip(&c, 8);                  /* ilocalsym, nlocalsym */
        p->iextdefsym = oi_u32(&c);
        p->nextdefsym = oi_u32(&c);
        p->iundefsym = oi_u32(&c);
        p->nundefsym = oi_u32(&c);
        if (!oi_ok(&c))
            break;
        p->has_dysymtab = true;
        return;
    case LC_ID_DYLIB:
        parse_dylib(f, lc, &p->id);
        p->has_id = true;
        f->info.soname = p->id.name;
        return;
    case LC_DYLD_INFO:
    case LC_DYLD_INFO_ONLY: {
        uint32_t v[10];
        for (int k = 0; k < 10; k++)
            v[k] = oi_u32(&c);
        if (!oi_ok(&c))
            break;
        p->has_dyld_info = true;
        p->has_trie = true;
        p->rebase = linkedit_range(f, lc, "rebase opcodes", v[0], v[1]);
        p->bind = linkedit_range(f, lc, "bind opcodes", v[2], v[3]);
        p->weak_bind = linkedit_range(f, lc, "weak-bind opcodes", v[4], v[5]);
        p->lazy_bind = linkedit_range(f, lc, "lazy-bind opcodes", v[6], v[7]);
        p->export_info = linkedit_range(f, lc, "exports trie", v[8], v[9]);
        return;
    }
    case LC_DYLD_EXPORTS_TRIE:
    case LC_DYLD_CHAINED_FIXUPS: {
        uint32_t off = oi_u32(&c), size = oi_u32(&c);
        if (!oi_ok(&c))
            break;
        if (lc->cmd == LC_DYLD_EXPORTS_TRIE)
            p->has_trie = true;
        if (lc->cmd == LC_DYLD_EXPORTS_TRIE)
            p->exports_trie = linkedit_range(f, lc, "exports trie", off, size);
        else
            p->chained = linkedit_range(f, lc, "chained fixups", off, size);
        return;
    }
    case LC_MAIN: {
        uint64_t entryoff = oi_u64(&c);
        if (!oi_ok(&c))
            break;
        f->info.entry = p->base + entryoff;
        f->info.has_entry = true;
        return;
    }
    case LC_UNIXTHREAD:
        if (!f->info.has_entry)
            thread_entry(f, lc);
        return;
    default:
        if (is_dylib_cmd(lc->cmd))
            parse_dylib(f, lc, &p->dylibs[p->ndylibs++]);
        return;
    }
    OI_ERROR(f, OI_TRUNCATED, lc->off, "macho/loadcmd",
             "load command %u (0x%x): cmdsize 0x%x shorter than its fields", lc->index, lc->cmd,
             lc->size);
}

oi_status macho_parse_loadcmds(oi_file *f)
{
    macho_priv *p = macho_p(f);
    uint32_t align = p->is64 ? 8 : 4;
    uint32_t ssize = p->is64 ? SECTION_64_SIZE : SECTION_SIZE;
    uint32_t segsize = p->is64 ? SEGMENT_COMMAND_64_SIZE : SEGMENT_COMMAND_SIZE;
    size_t end = p->header_size + p->sizeofcmds, off = p->header_size;
    size_t nseg = 0, nsect = 0, ndylib = 0;
    uint32_t i;
    /* Pass 1: validate and count, so every array is allocated once. */
    for (i = 0; i < p->ncmds; i++) {
        oi_cur c = oi_cur_make(f->data, off, p->big);
        uint32_t cmd = oi_u32(&c), size = oi_u32(&c);
        if (!oi_ok(&c) || off + 8 > end) {
            OI_ERROR(f, OI_TRUNCATED, off, "macho/loadcmd",
                     "load command %u lies outside sizeofcmds 0x%x", i, p->sizeofcmds);
            break;
        }
        if (size < 8 || size % align) {
            OI_ERROR(f, OI_MALFORMED, off, "macho/loadcmd",
                     "load command %u (0x%x): cmdsize 0x%x is %s", i, cmd, size,
                     size < 8 ? "less than 8" : align == 8 ? "not a multiple of 8"
                                                         : "not a multiple of 4");
            break;
        }
        if (size > end - off) {
            OI_ERROR(f, OI_TRUNCATED, off, "macho/loadcmd",
                     "load command %u (0x%x): cmdsize 0x%x runs past sizeofcmds 0x%x", i, cmd,
                     size, p->sizeofcmds);
            break;
        }
        if (cmd == (p->is64 ? LC_SEGMENT_64 : LC_SEGMENT)) {
            nseg++;
            if (size >= segsize)
                nsect += (size - segsize) / ssize;
        } else if (is_dylib_cmd(cmd)) {
            ndylib++;
        }
        off += size;
    }
    p->ncmds_valid = i;
    p->segs = oi_arena_array(f->mem, nseg + 1, sizeof *p->segs);
    p->sects = oi_arena_array(f->mem, nsect + 1, sizeof *p->sects);
    p->sect_by_addr = oi_arena_array(f->mem, nsect + 1, sizeof *p->sect_by_addr);
    p->dylibs = oi_arena_array(f->mem, ndylib + 1, sizeof *p->dylibs);
    if (!p->segs || !p->sects || !p->sect_by_addr || !p->dylibs)
        return OI_NOMEM;
    /* Pass 2: record. The base address comes from the segments, and
     * LC_MAIN needs it, so segments go first. */
    macho_lc lc;
    macho_lc_iter it = { 0, 0 };
    while (macho_lc_next(f, &it, &lc))
        if (lc.cmd == LC_SEGMENT || lc.cmd == LC_SEGMENT_64)
            parse_one(f, &lc);
    it = (macho_lc_iter){ 0, 0 };
    while (macho_lc_next(f, &it, &lc))
        if (lc.cmd != LC_SEGMENT && lc.cmd != LC_SEGMENT_64)
            parse_one(f, &lc);
    for (size_t k = 0; k < p->nsects; k++)
        p->sect_by_addr[k] = (macho_sect_key){ p->sects[k].addr, (uint32_t)k };
    qsort(p->sect_by_addr, p->nsects, sizeof *p->sect_by_addr, cmp_sect_key);

    if (p->exports_trie.present) {
        oi_view_sub(f->data, p->exports_trie.off, p->exports_trie.size, &p->trie);
        p->trie_off = p->exports_trie.off;
    } else if (p->export_info.present) {
        oi_view_sub(f->data, p->export_info.off, p->export_info.size, &p->trie);
        p->trie_off = p->export_info.off;
    }
    f->info.nsections = (uint32_t)p->nsects;
    f->info.nsegments = (uint32_t)p->nsegs;
    return OI_OK;
}

const char *macho_ordinal_library(const macho_priv *p, int64_t ord)
{
    switch (ord) {
    case BIND_SPECIAL_DYLIB_SELF: return "this-image";
    case BIND_SPECIAL_DYLIB_MAIN_EXECUTABLE: return "main-executable";
    case BIND_SPECIAL_DYLIB_FLAT_LOOKUP: return "flat-namespace";
    case BIND_SPECIAL_DYLIB_WEAK_LOOKUP: return "weak";
    }
    if (ord > 0 && (uint64_t)ord <= p->ndylibs)
        return p->dylibs[ord - 1].name;
    return NULL;
}

/* ------------------------------------------------------------ tables */

oi_status macho_build_sections(oi_file *f)
{
    macho_priv *p = macho_p(f);
    if (!oi_model_reserve(f, OI_T_SECTIONS, p->nsects))
        return OI_NOMEM;
    for (size_t k = 0; k < p->nsects; k++) {
        const macho_section *s = &p->sects[k];
        oi_section *o = oi_model_section(f);
        o->name = s->name;
        o->segment = s->segname;
        o->address = s->addr;
        o->size = s->size;
        o->offset = s->offset;
        o->file_size = is_zerofill(s->flags) ? 0 : s->size;
        o->type_raw = s->flags & SECTION_TYPE;
        o->flags_raw = s->flags;
    }
    return OI_OK;
}

static oi_dep_kind dep_kind(uint32_t cmd)
{
    switch (cmd) {
    case LC_LOAD_WEAK_DYLIB: return OI_DEP_WEAK;
    case LC_REEXPORT_DYLIB: return OI_DEP_REEXPORT;
    case LC_LAZY_LOAD_DYLIB: return OI_DEP_LAZY;
    case LC_LOAD_UPWARD_DYLIB: return OI_DEP_UPWARD;
    }
    return OI_DEP_NEEDED;
}

oi_status macho_build_deps(oi_file *f)
{
    macho_priv *p = macho_p(f);
    if (!oi_model_reserve(f, OI_T_DEPS, p->ndylibs))
        return OI_NOMEM;
    for (size_t k = 0; k < p->ndylibs; k++) {
        oi_dependency *d = oi_model_dep(f);
        d->name = p->dylibs[k].name;
        d->kind = dep_kind(p->dylibs[k].cmd);
        d->current_version = p->dylibs[k].current;
        d->compat_version = p->dylibs[k].compat;
    }
    return OI_OK;
}

/* ------------------------------------------------------------ properties
 * Stable keys, documented in the README ("Properties", Mach-O rows). */

static const char *version3(oi_file *f, uint32_t v)
{
    return oi_arena_printf(f->mem, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
}

/* X.Y, plus .Z when Z is not 0 (as llvm-objdump and otool print them). */
static const char *version_os(oi_file *f, uint32_t v)
{
    if (v & 0xff)
        return version3(f, v);
    return oi_arena_printf(f->mem, "%u.%u", v >> 16, (v >> 8) & 0xff);
}

static const char *platform_name(oi_file *f, uint32_t pl)
{
    static const char *const names[] = {
        [PLATFORM_MACOS] = "macos", [PLATFORM_IOS] = "ios", [PLATFORM_TVOS] = "tvos",
        [PLATFORM_WATCHOS] = "watchos", [PLATFORM_BRIDGEOS] = "bridgeos",
        [PLATFORM_MACCATALYST] = "maccatalyst", [PLATFORM_IOSSIMULATOR] = "iossimulator",
        [PLATFORM_TVOSSIMULATOR] = "tvossimulator",
        [PLATFORM_WATCHOSSIMULATOR] = "watchossimulator", [PLATFORM_DRIVERKIT] = "driverkit",
        [PLATFORM_VISIONOS] = "visionos", [PLATFORM_VISIONOSSIMULATOR] = "visionossimulator",
    };
    if (pl < sizeof names / sizeof names[0] && names[pl])
        return names[pl];
    return oi_arena_printf(f->mem, "platform-%u", pl);
}

static const struct { uint32_t bit; const char *name; } header_flag_names[] = {
    { MH_NOUNDEFS, "MH_NOUNDEFS" }, { MH_INCRLINK, "MH_INCRLINK" },
    { MH_DYLDLINK, "MH_DYLDLINK" }, { MH_BINDATLOAD, "MH_BINDATLOAD" },
    { MH_PREBOUND, "MH_PREBOUND" }, { MH_SPLIT_SEGS, "MH_SPLIT_SEGS" },
    { MH_LAZY_INIT, "MH_LAZY_INIT" }, { MH_TWOLEVEL, "MH_TWOLEVEL" },
    { MH_FORCE_FLAT, "MH_FORCE_FLAT" }, { MH_NOMULTIDEFS, "MH_NOMULTIDEFS" },
    { MH_NOFIXPREBINDING, "MH_NOFIXPREBINDING" }, { MH_PREBINDABLE, "MH_PREBINDABLE" },
    { MH_ALLMODSBOUND, "MH_ALLMODSBOUND" },
    { MH_SUBSECTIONS_VIA_SYMBOLS, "MH_SUBSECTIONS_VIA_SYMBOLS" },
    { MH_CANONICAL, "MH_CANONICAL" }, { MH_WEAK_DEFINES, "MH_WEAK_DEFINES" },
    { MH_BINDS_TO_WEAK, "MH_BINDS_TO_WEAK" },
    { MH_ALLOW_STACK_EXECUTION, "MH_ALLOW_STACK_EXECUTION" },
    { MH_ROOT_SAFE, "MH_ROOT_SAFE" }, { MH_SETUID_SAFE, "MH_SETUID_SAFE" },
    { MH_NO_REEXPORTED_DYLIBS, "MH_NO_REEXPORTED_DYLIBS" }, { MH_PIE, "MH_PIE" },
    { MH_DEAD_STRIPPABLE_DYLIB, "MH_DEAD_STRIPPABLE_DYLIB" },
    { MH_HAS_TLV_DESCRIPTORS, "MH_HAS_TLV_DESCRIPTORS" },
    { MH_NO_HEAP_EXECUTION, "MH_NO_HEAP_EXECUTION" },
    { MH_APP_EXTENSION_SAFE, "MH_APP_EXTENSION_SAFE" },
    { MH_NLIST_OUTOFSYNC_WITH_DYLDINFO, "MH_NLIST_OUTOFSYNC_WITH_DYLDINFO" },
    { MH_SIM_SUPPORT, "MH_SIM_SUPPORT" }, { MH_DYLIB_IN_CACHE, "MH_DYLIB_IN_CACHE" },
};

/* The header flags as spec names separated by spaces; unknown bits as hex. */
static const char *header_flags(oi_file *f, uint32_t flags)
{
    char buf[1024];
    size_t n = 0;
    buf[0] = 0;
    uint32_t left = flags;
    for (size_t k = 0; k < sizeof header_flag_names / sizeof header_flag_names[0]; k++) {
        if (!(flags & header_flag_names[k].bit))
            continue;
        left &= ~header_flag_names[k].bit;
        size_t len = strlen(header_flag_names[k].name);
        if (n + len + 2 >= sizeof buf)
            break;
        if (n)
            buf[n++] = ' ';
        memcpy(buf + n, header_flag_names[k].name, len + 1);
        n += len;
    }
    if (left)
        return oi_arena_printf(f->mem, "%s%s0x%x", buf, n ? " " : "", left);
    return oi_arena_strdup(f->mem, buf);
}

static bool prop(oi_file *f, const char *key, const char *value)
{
    return value ? oi_model_prop(f, key, value) : true;
}

oi_status macho_build_props(oi_file *f)
{
    macho_priv *p = macho_p(f);
    bool ok = true;
    if (p->has_id) {
        ok &= prop(f, "install_name", p->id.name);
        ok &= prop(f, "current_version", version3(f, p->id.current));
        ok &= prop(f, "compat_version", version3(f, p->id.compat));
    }
    macho_lc lc;
    macho_lc_iter it = { 0, 0 };
    bool code_sig = false;
    while (macho_lc_next(f, &it, &lc)) {
        oi_cur c = oi_cur_make(lc.body, 8, p->big);
        switch (lc.cmd) {
        case LC_RPATH:
            ok &= prop(f, "rpath", macho_lc_str(f, &lc, 8));
            break;
        case LC_LOAD_DYLINKER:
            ok &= prop(f, "interp", macho_lc_str(f, &lc, 8));
            break;
        case LC_REEXPORT_DYLIB:
            ok &= prop(f, "reexport", macho_lc_str(f, &lc, 8));
            break;
        case LC_UUID: {
            oi_view u = oi_take(&c, 16);
            if (u.p)
                ok &= prop(f, "uuid", oi_arena_printf(f->mem,
                    "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                    u.p[0], u.p[1], u.p[2], u.p[3], u.p[4], u.p[5], u.p[6], u.p[7], u.p[8],
                    u.p[9], u.p[10], u.p[11], u.p[12], u.p[13], u.p[14], u.p[15]));
            break;
        }
        case LC_BUILD_VERSION: {
            uint32_t pl = oi_u32(&c), minos = oi_u32(&c), sdk = oi_u32(&c);
            if (oi_ok(&c)) {
                ok &= prop(f, "platform", platform_name(f, pl));
                ok &= prop(f, "min_os", version_os(f, minos));
                if (sdk)   /* 0: the file records no SDK */
                    ok &= prop(f, "sdk", version_os(f, sdk));
            }
            break;
        }
        case LC_VERSION_MIN_MACOSX:
        case LC_VERSION_MIN_IPHONEOS:
        case LC_VERSION_MIN_TVOS:
        case LC_VERSION_MIN_WATCHOS: {
            uint32_t v = oi_u32(&c), sdk = oi_u32(&c);
            if (oi_ok(&c)) {
                ok &= prop(f, "platform", lc.cmd == LC_VERSION_MIN_MACOSX ? "macos"
                                          : lc.cmd == LC_VERSION_MIN_IPHONEOS ? "ios"
                                          : lc.cmd == LC_VERSION_MIN_TVOS ? "tvos" : "watchos");
                ok &= prop(f, "min_os", version_os(f, v));
                if (sdk)
                    ok &= prop(f, "sdk", version_os(f, sdk));
            }
            break;
        }
        case LC_MAIN: {
            uint64_t e = oi_u64(&c);
            if (oi_ok(&c))
                ok &= prop(f, "entry", oi_arena_printf(f->mem, "0x%llx", (unsigned long long)e));
            break;
        }
        case LC_CODE_SIGNATURE:
            code_sig = true;
            break;
        case LC_ENCRYPTION_INFO:
        case LC_ENCRYPTION_INFO_64: {
            oi_skip(&c, 8);
            uint32_t cryptid = oi_u32(&c);
            if (oi_ok(&c) && cryptid)
                ok &= prop(f, "encrypted", "yes");
            break;
        }
        }
    }
    if (code_sig)
        ok &= prop(f, "code_signature", "present");
    ok &= prop(f, "header_flags", header_flags(f, p->flags));
    if (p->cputype == CPU_TYPE_ARM64 && (p->cpusubtype & ~CPU_SUBTYPE_MASK) == CPU_SUBTYPE_ARM64E) {
        if (p->cpusubtype & CPU_SUBTYPE_PTRAUTH_ABI)
            ok &= prop(f, "ptrauth_abi",
                       oi_arena_printf(f->mem, "%u", (p->cpusubtype >> 24) & 0xf));
        else
            ok &= prop(f, "ptrauth_abi", "unversioned");
    }
    ok &= prop(f, "dyld_info", p->chained.present ? "chained"
                               : p->has_dyld_info ? "opcodes" : "none");
    return ok ? OI_OK : OI_NOMEM;
}
