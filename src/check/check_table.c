/*
 * The check table: one row per named check, in the order reports, SARIF
 * rules and JUnit test cases follow. Each row has its id, group, one-line
 * description, the format it applies to, its severity in the default
 * profile, and the function that decides it (in the rules_*.c files).
 */
#include "check/check.h"

#define E OI_FORMAT_ELF
#define P OI_FORMAT_PE
#define M OI_FORMAT_MACHO
#define ANY OI_FORMAT_UNKNOWN
#define ERR OI_SEV_ERROR
#define WARN OI_SEV_WARNING
#define OFF OI_SEV_OFF

typedef struct check_row {
    oi_check_def def;
    check_fn fn;
} check_row;

static const check_row rows[] = {
    /* exports: decided by the policy; n/a when it states no rule */
    { { "exports.expected", "exports", "every export the policy expects is there", ANY, ERR }, check_exports_expected },
    { { "exports.forbidden", "exports", "no export matches a forbidden pattern", ANY, ERR }, check_exports_forbidden },
    { { "exports.only-expected", "exports", "nothing is exported but what the policy expects", ANY, ERR }, check_exports_only_expected },
    { { "exports.versioned", "exports", "every export carries a symbol version", E, ERR }, check_exports_versioned },
    { { "exports.visibility", "exports", "every export has an allowed visibility", ANY, ERR }, check_exports_visibility },
    { { "exports.pe-ordinals", "exports", "exports keep the ordinals the policy pins", P, ERR }, check_exports_pe_ordinals },
    /* the platform floor: the newest platform version the file needs */
    { { "floor.glibc", "floor", "the highest GLIBC_ version needed is within the floor", E, ERR }, check_floor_glibc },
    { { "floor.glibcxx", "floor", "the highest GLIBCXX_ version needed is within the floor", E, ERR }, check_floor_glibcxx },
    { { "floor.cxxabi", "floor", "the highest CXXABI_ version needed is within the floor", E, ERR }, check_floor_cxxabi },
    { { "floor.macos", "floor", "the minimum macOS version (LC_BUILD_VERSION) is within the floor", M, ERR }, check_floor_macos },
    { { "floor.pe-subsystem", "floor", "the PE subsystem version is within the floor", P, ERR }, check_floor_pe_subsystem },
    /* hardening, ELF */
    { { "elf.pie", "hardening", "an executable is position-independent (PIE)", E, ERR }, check_elf_pie },
    { { "elf.relro", "hardening", "relocations are read-only after start (PT_GNU_RELRO)", E, ERR }, check_elf_relro },
    { { "elf.bind-now", "hardening", "symbols are bound at load time (BIND_NOW)", E, WARN }, check_elf_bind_now },
    { { "elf.nx-stack", "hardening", "the stack is not executable (PT_GNU_STACK without X)", E, ERR }, check_elf_nx_stack },
    { { "elf.stack-protector", "hardening", "built with the stack protector (__stack_chk_fail/__stack_chk_guard)", E, WARN }, check_elf_stack_protector },
    { { "elf.fortify", "hardening", "built with _FORTIFY_SOURCE (imports glibc's fortified functions)", E, WARN }, check_elf_fortify },
    { { "elf.textrel", "hardening", "no relocations in the text segment (TEXTREL)", E, ERR }, check_elf_textrel },
    { { "elf.rpath", "hardening", "the RPATH/RUNPATH policy holds, with no insecure entries", E, WARN }, check_elf_rpath },
    { { "elf.cet", "hardening", "x86 CET: IBT and SHSTK in the GNU property note", E, WARN }, check_elf_cet },
    { { "elf.bti-pac", "hardening", "AArch64 BTI and PAC in the GNU property note", E, WARN }, check_elf_bti_pac },
    /* hardening, PE */
    { { "pe.dynamic-base", "hardening", "ASLR: DYNAMIC_BASE, with relocations to move", P, ERR }, check_pe_dynamic_base },
    { { "pe.high-entropy-va", "hardening", "64-bit ASLR: HIGH_ENTROPY_VA", P, ERR }, check_pe_high_entropy_va },
    { { "pe.nx-compat", "hardening", "DEP: NX_COMPAT", P, ERR }, check_pe_nx_compat },
    { { "pe.cfg", "hardening", "Control Flow Guard, from the load config's GuardFlags", P, WARN }, check_pe_cfg },
    { { "pe.safeseh", "hardening", "32-bit x86: SafeSEH handler table or NO_SEH", P, WARN }, check_pe_safeseh },
    { { "pe.gs", "hardening", "the /GS security cookie in the load config", P, WARN }, check_pe_gs },
    { { "pe.authenticode", "hardening", "an Authenticode signature is present", P, WARN }, check_pe_authenticode },
    /* hardening, Mach-O */
    { { "macho.pie", "hardening", "an executable is position-independent (MH_PIE)", M, ERR }, check_macho_pie },
    { { "macho.stack-protector", "hardening", "built with the stack protector (___stack_chk_fail/___stack_chk_guard)", M, WARN }, check_macho_stack_protector },
    { { "macho.no-heap-exec", "hardening", "an executable's heap is not executable (MH_NO_HEAP_EXECUTION)", M, WARN }, check_macho_no_heap_exec },
    { { "macho.code-signature", "hardening", "a code signature is present (LC_CODE_SIGNATURE)", M, WARN }, check_macho_code_signature },
    { { "macho.arm64e", "hardening", "arm64 code is built as arm64e (pointer authentication)", M, OFF }, check_macho_arm64e },
    /* consistency of the loader's own lookup structures with the tables */
    { { "consistency.elf-hash", "consistency", "the hash table finds every dynamic export (hash agrees with dynsym)", E, ERR }, check_consistency_elf_hash },
    { { "consistency.pe-name-order", "consistency", "the export name table is sorted, so the loader's binary search finds every name", P, ERR }, check_consistency_pe_name_order },
    { { "consistency.macho-trie", "consistency", "the exports trie agrees with the nlist symbol table", M, ERR }, check_consistency_macho_trie },
    /* imports */
    { { "imports.resolvable", "imports", "every import resolves against the --root sysroot", ANY, ERR }, check_imports_resolvable },
};

const size_t check_table_size = sizeof rows / sizeof rows[0];

size_t oi_check_def_count(void) { return check_table_size; }

const oi_check_def *oi_check_def_at(size_t i)
{
    return i < check_table_size ? &rows[i].def : NULL;
}

check_fn check_table_fn(size_t i);
check_fn check_table_fn(size_t i) { return rows[i].fn; }

const char *oi_verdict_name(oi_verdict v)
{
    static const char *const names[] = { "pass", "fail", "n/a", "unavailable" };
    _Static_assert(sizeof names / sizeof names[0] == OI_VERDICT_UNAVAILABLE + 1, "verdict names");
    return (unsigned)v <= OI_VERDICT_UNAVAILABLE ? names[v] : "?";
}

const char *oi_severity_name(oi_severity v)
{
    static const char *const names[] = { "off", "warning", "error" };
    _Static_assert(sizeof names / sizeof names[0] == OI_SEV_ERROR + 1, "severity names");
    return (unsigned)v <= OI_SEV_ERROR ? names[v] : "?";
}
