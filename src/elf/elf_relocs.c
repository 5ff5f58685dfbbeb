/*
 * Dynamic relocations that name a symbol: the lookups the loader makes when
 * it relocates the file. Found the way ld.so finds them, through the dynamic
 * table (DT_RELA/DT_RELASZ/DT_RELAENT, DT_REL/DT_RELSZ/DT_RELENT and
 * DT_JMPREL/DT_PLTRELSZ/DT_PLTREL), never through section headers. Entries
 * are read with the cursor; a table's size must lie inside the bytes of its
 * PT_LOAD before anything is reserved. Relocations with symbol 0 (RELATIVE,
 * IRELATIVE, ...) need no lookup and are left out; DT_RELR has no symbols.
 *
 * Each relocation gets glibc's type class (elf_machine_type_class in each
 * sysdeps/<cpu>/dl-machine.h): PLT for the PLT slot and, on the machines
 * that class them so, the TLS module/offset types; COPY for a copy
 * relocation; DATA otherwise.
 */
#include "elf_internal.h"

#include <string.h>

/* One machine's relocation types by class (0 ends a list). */
typedef struct reloc_classes {
    unsigned machine;
    uint32_t copy;
    uint32_t plt[8];
} reloc_classes;

/* The psABI numbers (glibc <elf.h>), per glibc's elf_machine_type_class. */
static const reloc_classes classes[] = {
    /* sysdeps/x86_64/dl-machine.h: JUMP_SLOT, DTPMOD64, DTPOFF64, TPOFF64, TLSDESC */
    { EM_X86_64, R_X86_64_COPY, { R_X86_64_JUMP_SLOT, R_X86_64_DTPMOD64, R_X86_64_DTPOFF64,
                                  R_X86_64_TPOFF64, R_X86_64_TLSDESC } },
    /* sysdeps/i386/dl-machine.h: JMP_SLOT, TLS_DTPMOD32, TLS_DTPOFF32, TLS_TPOFF32,
     * TLS_TPOFF, TLS_DESC */
    { EM_386, R_386_COPY, { R_386_JMP_SLOT, R_386_TLS_DTPMOD32, R_386_TLS_DTPOFF32,
                            R_386_TLS_TPOFF32, R_386_TLS_TPOFF, R_386_TLS_DESC } },
    /* sysdeps/aarch64/dl-machine.h: JUMP_SLOT, TLS_DTPMOD, TLS_DTPREL, TLS_TPREL, TLSDESC */
    { EM_AARCH64, R_AARCH64_COPY, { R_AARCH64_JUMP_SLOT, R_AARCH64_TLS_DTPMOD,
                                    R_AARCH64_TLS_DTPREL, R_AARCH64_TLS_TPREL,
                                    R_AARCH64_TLSDESC } },
    /* sysdeps/arm/dl-machine.h: JUMP_SLOT, TLS_DTPMOD32, TLS_DTPOFF32, TLS_TPOFF32, TLS_DESC */
    { EM_ARM, R_ARM_COPY, { R_ARM_JUMP_SLOT, R_ARM_TLS_DTPMOD32, R_ARM_TLS_DTPOFF32,
                            R_ARM_TLS_TPOFF32, R_ARM_TLS_DESC } },
    /* sysdeps/riscv/dl-machine.h: JUMP_SLOT and the TLS types of the word size */
    { EM_RISCV, 4 /* R_RISCV_COPY */, { 5 /* JUMP_SLOT */, 6, 7 /* TLS_DTPMOD32/64 */,
                                        8, 9 /* TLS_DTPREL32/64 */, 10, 11 /* TLS_TPREL32/64 */ } },
    /* sysdeps/powerpc/powerpc64/dl-machine.h: JMP_SLOT (and the TLS range, not listed) */
    { EM_PPC64, R_PPC64_COPY, { R_PPC64_JMP_SLOT } },
    { EM_PPC, R_PPC_COPY, { R_PPC_JMP_SLOT } },
    /* sysdeps/s390/s390-64/dl-machine.h: JMP_SLOT, TLS_DTPMOD, TLS_DTPOFF, TLS_TPOFF */
    { EM_S390, R_390_COPY, { R_390_JMP_SLOT, R_390_TLS_DTPMOD, R_390_TLS_DTPOFF,
                             R_390_TLS_TPOFF } },
    { EM_SPARCV9, R_SPARC_COPY, { R_SPARC_JMP_SLOT } },
    { EM_MIPS, R_MIPS_COPY, { R_MIPS_JUMP_SLOT } },
};

static oi_reloc_class class_of(unsigned machine, uint32_t type)
{
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        if (classes[i].machine != machine)
            continue;
        if (type == classes[i].copy)
            return OI_RELOC_COPY;
        for (size_t k = 0; k < 8 && classes[i].plt[k]; k++)
            if (type == classes[i].plt[k])
                return OI_RELOC_PLT;
        return OI_RELOC_DATA;
    }
    return OI_RELOC_DATA;
}

/* Where the relocation tables are (the last entry of a tag wins, as in
 * glibc's elf_get_dynamic_info). */
typedef struct reloc_tables {
    uint64_t rela, relasz, relaent, rel, relsz, relent, jmprel, pltrelsz, pltrel;
    bool have_rela, have_rel, have_jmprel;
} reloc_tables;

static void find_tables(oi_file *f, reloc_tables *t)
{
    oelf_priv *p = oelf_p(f);
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < p->dyn.count; i++) {
        GElf_Dyn d;
        if (!gelf_getdyn(p->dyn.data, (int)i, &d))
            break;
        uint64_t v = d.d_un.d_val;
        switch (d.d_tag) {
        case DT_RELA: t->rela = v; t->have_rela = true; break;
        case DT_RELASZ: t->relasz = v; break;
        case DT_RELAENT: t->relaent = v; break;
        case DT_REL: t->rel = v; t->have_rel = true; break;
        case DT_RELSZ: t->relsz = v; break;
        case DT_RELENT: t->relent = v; break;
        case DT_JMPREL: t->jmprel = v; t->have_jmprel = true; break;
        case DT_PLTRELSZ: t->pltrelsz = v; break;
        case DT_PLTREL: t->pltrel = v; break;
        }
    }
}

/* Read one table of `size` bytes at vaddr, `rela` entries or REL ones. */
static oi_status read_table(oi_file *f, uint64_t vaddr, uint64_t size, bool rela,
                            const char *tag)
{
    oelf_priv *p = oelf_p(f);
    if (!size)
        return OI_OK;
    uint64_t word = p->is64 ? 8 : 4;
    uint64_t ent = rela ? 3 * word : 2 * word;
    oi_view v;
    if (!oelf_vaddr_view(f, vaddr, &v) || v.n < size) {
        OI_WARN(f, OI_MALFORMED, p->dyn.offset, "elf/reloc",
                "%s at %#llx (%#llx bytes) is not inside the file's loaded bytes", tag,
                (unsigned long long)vaddr, (unsigned long long)size);
        return OI_OK;
    }
    if (size % ent)
        OI_WARN(f, OI_MALFORMED, oi_file_off(f, v.p), "elf/reloc",
                "%s size %#llx is not a multiple of the entry size %llu", tag,
                (unsigned long long)size, (unsigned long long)ent);
    /* bounded by the bytes that hold them; the table grows geometrically and
     * keeps only the entries that name a symbol (most are RELATIVE), so
     * nothing is reserved for the others */
    uint64_t n = size / ent;
    bool mips64 = p->is64 && p->ehdr.e_machine == EM_MIPS;
    oi_cur c = oi_cur_make(v, 0, p->big);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t at = oi_file_off(f, v.p) + c.pos;
        uint64_t off = oi_word(&c, p->is64);
        uint32_t sym, type;
        if (mips64) {
            /* MIPS64: r_sym (32 bits), r_ssym, r_type3, r_type2, r_type (bytes) */
            sym = oi_u32(&c);
            oi_u8(&c);
            oi_u8(&c);
            oi_u8(&c);
            type = oi_u8(&c);
        } else {
            uint64_t info = oi_word(&c, p->is64);
            sym = p->is64 ? (uint32_t)(info >> 32) : (uint32_t)(info >> 8);
            type = p->is64 ? (uint32_t)info : (uint32_t)(info & 0xff);
        }
        int64_t addend = rela ? (int64_t)oi_word(&c, p->is64) : 0;
        if (!oi_ok(&c))
            break;
        if (sym == 0)
            continue;
        if (sym >= p->dsym.count) {
            OI_WARN(f, OI_MALFORMED, at, "elf/reloc",
                    "%s entry %llu names symbol %u, past the %zu dynamic symbols", tag,
                    (unsigned long long)i, sym, p->dsym.count);
            continue;
        }
        GElf_Sym s;
        uint32_t shndx;
        if (!oelf_sym_at(f, &p->dsym, sym, &s, &shndx))
            continue;
        oi_reloc *r = oi_model_reloc(f);
        if (!r)
            return OI_NOMEM;
        r->offset = off;
        r->type = type;
        r->cls = class_of(p->ehdr.e_machine, type);
        r->symbol = sym;
        r->name = oelf_sym_name(f, &p->dsym, &s);
        r->defined = shndx != SHN_UNDEF;
        r->weak = GELF_ST_BIND(s.st_info) == STB_WEAK;
        r->visibility = oelf_visibility(&s);
        /* glibc's RESOLVE_MAP: no lookup for a local symbol or one whose
         * visibility binds it locally (dl_symbol_visibility_binds_local_p) */
        r->local = GELF_ST_BIND(s.st_info) == STB_LOCAL || r->visibility == OI_VIS_HIDDEN ||
                   r->visibility == OI_VIS_INTERNAL;
        r->addend = addend;
        r->raw = (oi_raw){ s.st_info, s.st_other, 0xffffffffu };
        int32_t vs = oelf_versym(p, sym);
        const oelf_version *ver = oelf_version_of(p, vs);
        if (vs >= 0)
            r->raw.c = (uint32_t)vs;
        if (ver && !(ver->flags & VER_FLG_BASE)) {
            r->version = ver->name;
            r->library = ver->file;
        }
    }
    return OI_OK;
}

oi_status oelf_build_relocs(oi_file *f)
{
    oelf_priv *p = oelf_p(f);
    if (!p->dyn.present)
        return OI_OK;
    oi_status st = oelf_load_dynsym_all(f);
    if (st != OI_OK)
        return st;
    if (p->dsym.count < 2)
        return OI_OK;
    reloc_tables t;
    find_tables(f, &t);
    uint64_t word = p->is64 ? 8 : 4;
    if (t.have_rela && t.relaent && t.relaent != 3 * word)
        OI_WARN(f, OI_MALFORMED, p->dyn.offset, "elf/reloc",
                "DT_RELAENT is %llu, not %llu", (unsigned long long)t.relaent,
                (unsigned long long)(3 * word));
    if (t.have_rel && t.relent && t.relent != 2 * word)
        OI_WARN(f, OI_MALFORMED, p->dyn.offset, "elf/reloc",
                "DT_RELENT is %llu, not %llu", (unsigned long long)t.relent,
                (unsigned long long)(2 * word));
    if (t.have_rela && (st = read_table(f, t.rela, t.relasz, true, "DT_RELA")) != OI_OK)
        return st;
    if (t.have_rel && (st = read_table(f, t.rel, t.relsz, false, "DT_REL")) != OI_OK)
        return st;
    if (t.have_jmprel) {
        bool rela = t.pltrel ? t.pltrel == DT_RELA : t.have_rela;
        /* old linkers put the PLT relocations inside DT_RELA's range: glibc
         * then processes them once (elf_dynamic_do_Rel's ranges) */
        uint64_t base = rela ? t.rela : t.rel, sz = rela ? t.relasz : t.relsz;
        bool inside = (rela ? t.have_rela : t.have_rel) && t.jmprel >= base &&
                      t.jmprel - base < sz && t.pltrelsz <= sz - (t.jmprel - base);
        if (!inside && (st = read_table(f, t.jmprel, t.pltrelsz, rela, "DT_JMPREL")) != OI_OK)
            return st;
    }
    return OI_OK;
}
