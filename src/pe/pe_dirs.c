/*
 * The directories users and CI checks ask about, as properties: the
 * optional header's facts, the load configuration (security cookie,
 * SafeSEH table, Control Flow Guard, CHPE metadata), the CLR header, the
 * debug directory (CodeView: PDB path, GUID, age), the security directory
 * (Authenticode), TLS and the resource tree (a count, walked with a depth
 * cap and a visited set). The keys are documented in the README
 * ("Properties"); values are text.
 */
#include "pe_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------- helpers */

typedef struct flag_name {
    uint32_t bit;
    const char *name;
} flag_name;

/* "A,B,0x40": the names of the set bits, unknown ones in hex. */
static const char *flag_names(oi_file *f, uint32_t v, const flag_name *t, size_t n)
{
    char buf[512];
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(v & t[i].bit))
            continue;
        v &= ~t[i].bit;
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? "," : "", t[i].name);
        if (len >= sizeof buf)
            len = sizeof buf - 1;
    }
    if (v)
        snprintf(buf + len, sizeof buf - len, "%s0x%x", len ? "," : "", v);
    return oi_arena_strdup(f->mem, buf);
}

#define FLAGS(f, v, table) flag_names((f), (v), (table), sizeof(table) / sizeof((table)[0]))

static void prop(oi_file *f, const char *key, const char *value)
{
    if (value)
        oi_model_prop(f, key, value);
}

/* ---------------------------------------------------------- load config */

/* Field offsets in IMAGE_LOAD_CONFIG_DIRECTORY32 / 64. */
enum { LC_COOKIE, LC_SEH_TABLE, LC_SEH_COUNT, LC_CF_CHECK, LC_CF_TABLE, LC_CF_COUNT,
       LC_GUARD_FLAGS, LC_CHPE, LC_NFIELDS };
static const uint16_t lc_off32[LC_NFIELDS] = { 60, 64, 68, 72, 80, 84, 88, 124 };
static const uint16_t lc_off64[LC_NFIELDS] = { 88, 96, 104, 112, 128, 136, 144, 200 };

void pe_read_load_config(oi_file *f, pe_priv *p)
{
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG);
    oi_view v;
    if (!d)
        return;
    if (!pe_rva_view(f, d->rva, NULL, &v) || v.n < 4) {
        OI_WARN_NOOFF(f, OI_TRUNCATED, "pe/load-config",
                      "load configuration at RVA 0x%x is not in the file", d->rva);
        return;
    }
    pe_load_config *lc = &p->lc;
    lc->present = true;
    /* the structure's own Size says which fields exist (it grew over the
     * years); the bytes in the file cap it */
    uint32_t size = oi_get32(v.p, false);
    if (size > v.n)
        size = (uint32_t)(v.n < UINT32_MAX ? v.n : UINT32_MAX);
    lc->size = size;
    const uint16_t *off = p->is64 ? lc_off64 : lc_off32;
    unsigned w = p->is64 ? 8 : 4;
#define HAS(i, width) ((uint32_t)off[i] + (width) <= size)
#define PTR(i) (p->is64 ? oi_get64(v.p + off[i], false) : oi_get32(v.p + off[i], false))
    if (HAS(LC_COOKIE, w))
        lc->security_cookie = PTR(LC_COOKIE);
    if (HAS(LC_SEH_COUNT, w)) {
        lc->se_handler_table = PTR(LC_SEH_TABLE);
        lc->se_handler_count = PTR(LC_SEH_COUNT);
    }
    if (HAS(LC_CF_COUNT, w)) {
        lc->guard_cf_check = PTR(LC_CF_CHECK);
        lc->guard_cf_function_table = PTR(LC_CF_TABLE);
        lc->guard_cf_function_count = PTR(LC_CF_COUNT);
    }
    if (HAS(LC_GUARD_FLAGS, 4)) {
        lc->has_guard_flags = true;
        lc->guard_flags = oi_get32(v.p + off[LC_GUARD_FLAGS], false);
    }
    if (HAS(LC_CHPE, w)) {
        lc->has_chpe = true;
        lc->chpe_metadata = PTR(LC_CHPE);
    }
#undef HAS
#undef PTR
}

static const flag_name guard_flags[] = {
    { IMAGE_GUARD_CF_INSTRUMENTED, "CF_INSTRUMENTED" },
    { IMAGE_GUARD_CFW_INSTRUMENTED, "CFW_INSTRUMENTED" },
    { IMAGE_GUARD_CF_FUNCTION_TABLE_PRESENT, "CF_FUNCTION_TABLE_PRESENT" },
    { IMAGE_GUARD_SECURITY_COOKIE_UNUSED, "SECURITY_COOKIE_UNUSED" },
    { IMAGE_GUARD_PROTECT_DELAYLOAD_IAT, "PROTECT_DELAYLOAD_IAT" },
    { IMAGE_GUARD_DELAYLOAD_IAT_IN_ITS_OWN_SECTION, "DELAYLOAD_IAT_IN_ITS_OWN_SECTION" },
    { IMAGE_GUARD_CF_EXPORT_SUPPRESSION_INFO_PRESENT, "CF_EXPORT_SUPPRESSION_INFO_PRESENT" },
    { IMAGE_GUARD_CF_ENABLE_EXPORT_SUPPRESSION, "CF_ENABLE_EXPORT_SUPPRESSION" },
    { IMAGE_GUARD_CF_LONGJUMP_TABLE_PRESENT, "CF_LONGJUMP_TABLE_PRESENT" },
    { IMAGE_GUARD_RF_INSTRUMENTED, "RF_INSTRUMENTED" },
    { IMAGE_GUARD_RF_ENABLE, "RF_ENABLE" },
    { IMAGE_GUARD_RF_STRICT, "RF_STRICT" },
    { IMAGE_GUARD_RETPOLINE_PRESENT, "RETPOLINE_PRESENT" },
    { IMAGE_GUARD_EH_CONTINUATION_TABLE_PRESENT, "EH_CONTINUATION_TABLE_PRESENT" },
    { IMAGE_GUARD_XFG_ENABLED, "XFG_ENABLED" },
    { IMAGE_GUARD_CASTGUARD_PRESENT, "CASTGUARD_PRESENT" },
    { IMAGE_GUARD_MEMCPY_PRESENT, "MEMCPY_PRESENT" },
};

static void load_config_props(oi_file *f, pe_priv *p)
{
    const pe_load_config *lc = &p->lc;
    if (!lc->present)
        return;
    prop(f, "load_config_size", oi_arena_printf(f->mem, "%u", lc->size));
    if (lc->security_cookie)
        prop(f, "security_cookie", oi_arena_printf(f->mem, "0x%llx",
                                                   (unsigned long long)lc->security_cookie));
    /* SafeSEH is an x86 thing: x64 and ARM unwind through tables */
    if (!p->is64 && lc->size >= (uint32_t)lc_off32[LC_SEH_COUNT] + 4)
        prop(f, "seh_handlers", oi_arena_printf(f->mem, "%llu",
                                                (unsigned long long)(lc->se_handler_table
                                                                     ? lc->se_handler_count : 0)));
    if (lc->has_guard_flags) {
        /* the top nibble is the stride of the CF function table, not a flag */
        uint32_t g = lc->guard_flags & ~IMAGE_GUARD_CF_FUNCTION_TABLE_SIZE_MASK;
        prop(f, "guard_flags", FLAGS(f, g, guard_flags));
        prop(f, "guard_cf_functions", oi_arena_printf(f->mem, "%llu",
                                                      (unsigned long long)lc->guard_cf_function_count));
    }
    if (lc->has_chpe && lc->chpe_metadata) {
        const char *kind = p->machine == IMAGE_FILE_MACHINE_AMD64 ? "arm64ec"
                         : p->machine == IMAGE_FILE_MACHINE_ARM64 ? "arm64x"
                         : p->machine == IMAGE_FILE_MACHINE_I386 ? "x86" : "unknown";
        prop(f, "chpe", kind);
        prop(f, "chpe_metadata", oi_arena_printf(f->mem, "0x%llx",
                                                 (unsigned long long)lc->chpe_metadata));
    }
}

/* ---------------------------------------------------------- CLR */

static const flag_name clr_flags[] = {
    { COMIMAGE_FLAGS_ILONLY, "ILONLY" },
    { COMIMAGE_FLAGS_32BITREQUIRED, "32BITREQUIRED" },
    { COMIMAGE_FLAGS_IL_LIBRARY, "IL_LIBRARY" },
    { COMIMAGE_FLAGS_STRONGNAMESIGNED, "STRONGNAMESIGNED" },
    { COMIMAGE_FLAGS_NATIVE_ENTRYPOINT, "NATIVE_ENTRYPOINT" },
    { COMIMAGE_FLAGS_TRACKDEBUGDATA, "TRACKDEBUGDATA" },
    { COMIMAGE_FLAGS_32BITPREFERRED, "32BITPREFERRED" },
};

static void clr_props(oi_file *f, pe_priv *p)
{
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR);
    oi_view v;
    if (!d)
        return;
    if (!pe_rva_array(f, d->rva, 1, 24, NULL, &v)) {
        OI_WARN_NOOFF(f, OI_TRUNCATED, "pe/clr", "CLR header at RVA 0x%x is not in the file",
                      d->rva);
        return;
    }
    oi_cur c = oi_cur_make(v, 4, false);
    uint16_t major = oi_u16(&c), minor = oi_u16(&c);
    uint32_t md_rva = oi_u32(&c);
    oi_skip(&c, 4);
    uint32_t flags = oi_u32(&c);
    prop(f, "clr_runtime", oi_arena_printf(f->mem, "%u.%u", major, minor));
    prop(f, "clr_flags", FLAGS(f, flags, clr_flags));
    /* the metadata root names the runtime the assembly was built for */
    oi_view md;
    const char *version = NULL;
    if (pe_rva_view(f, md_rva, NULL, &md)) {
        oi_cur m = oi_cur_make(md, 0, false);
        uint32_t sig = oi_u32(&m);
        oi_skip(&m, 8);
        uint32_t len = oi_u32(&m);
        if (oi_ok(&m) && sig == CLR_METADATA_SIGNATURE && len <= 255) {
            oi_view s = oi_take_fixed(&m, len);
            if (oi_ok(&m))
                version = oi_arena_strndup(f->mem, (const char *)s.p, s.n);
        }
    }
    if (!version) {
        OI_WARN_NOOFF(f, OI_MALFORMED, "pe/clr",
                      "CLR metadata root at RVA 0x%x has no BSJB signature and version", md_rva);
        version = "<?>";
    }
    prop(f, "clr_version", version);
}

/* ---------------------------------------------------------- debug */

static const char *const debug_type_names[] = {
    [IMAGE_DEBUG_TYPE_UNKNOWN] = "unknown", [IMAGE_DEBUG_TYPE_COFF] = "coff",
    [IMAGE_DEBUG_TYPE_CODEVIEW] = "codeview", [IMAGE_DEBUG_TYPE_FPO] = "fpo",
    [IMAGE_DEBUG_TYPE_MISC] = "misc", [IMAGE_DEBUG_TYPE_EXCEPTION] = "exception",
    [IMAGE_DEBUG_TYPE_FIXUP] = "fixup", [IMAGE_DEBUG_TYPE_OMAP_TO_SRC] = "omap-to-src",
    [IMAGE_DEBUG_TYPE_OMAP_FROM_SRC] = "omap-from-src", [IMAGE_DEBUG_TYPE_BORLAND] = "borland",
    [IMAGE_DEBUG_TYPE_RESERVED10] = "reserved10", [IMAGE_DEBUG_TYPE_CLSID] = "clsid",
    [IMAGE_DEBUG_TYPE_VC_FEATURE] = "vc-feature", [IMAGE_DEBUG_TYPE_POGO] = "pogo",
    [IMAGE_DEBUG_TYPE_ILTCG] = "iltcg", [IMAGE_DEBUG_TYPE_MPX] = "mpx",
    [IMAGE_DEBUG_TYPE_REPRO] = "repro",
    [IMAGE_DEBUG_TYPE_EMBEDDED_PORTABLE_PDB] = "embedded-portable-pdb",
    [IMAGE_DEBUG_TYPE_PDBCHECKSUM] = "pdb-checksum",
    [IMAGE_DEBUG_TYPE_EX_DLLCHARACTERISTICS] = "ex-dllcharacteristics",
};

static const flag_name ex_dll_flags[] = {
    { IMAGE_DLLCHARACTERISTICS_EX_CET_COMPAT, "CET_COMPAT" },
    { IMAGE_DLLCHARACTERISTICS_EX_CET_COMPAT_STRICT_MODE, "CET_COMPAT_STRICT_MODE" },
    { IMAGE_DLLCHARACTERISTICS_EX_CET_SET_CONTEXT_IP_VALIDATION_RELAXED_MODE,
      "CET_SET_CONTEXT_IP_VALIDATION_RELAXED_MODE" },
    { IMAGE_DLLCHARACTERISTICS_EX_CET_DYNAMIC_APIS_ALLOW_IN_PROC, "CET_DYNAMIC_APIS_ALLOW_IN_PROC" },
    { IMAGE_DLLCHARACTERISTICS_EX_FORWARD_CFI_COMPAT, "FORWARD_CFI_COMPAT" },
};

/* The bytes of one debug entry: through its RVA when it has one, else
 * through its file pointer (data the loader does not map). */
static bool debug_data(oi_file *f, uint32_t size, uint32_t rva, uint32_t ptr, oi_view *out)
{
    if (rva && pe_rva_array(f, rva, size, 1, NULL, out))
        return true;
    return ptr && oi_view_sub(f->data, ptr, size, out);
}

static void codeview_props(oi_file *f, oi_view d, uint64_t at)
{
    oi_cur c = oi_cur_make(d, 0, false);
    uint32_t sig = oi_u32(&c);
    if (sig == CV_SIGNATURE_RSDS) {
        oi_view g = oi_take(&c, 16);
        uint32_t age = oi_u32(&c);
        const char *path = oi_take_cstr(&c);
        if (!oi_ok(&c)) {
            OI_WARN(f, OI_TRUNCATED, at, "pe/debug", "CodeView RSDS record is truncated");
            return;
        }
        /* GUID text: Data1-Data2-Data3 are little-endian words, then 8 bytes */
        prop(f, "pdb", path);
        prop(f, "pdb_guid", oi_arena_printf(f->mem,
                 "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", oi_get32(g.p, false),
                 oi_get16(g.p + 4, false), oi_get16(g.p + 6, false), g.p[8], g.p[9], g.p[10],
                 g.p[11], g.p[12], g.p[13], g.p[14], g.p[15]));
        prop(f, "pdb_age", oi_arena_printf(f->mem, "%u", age));
    } else if (sig == CV_SIGNATURE_NB10) {
        oi_skip(&c, 4);
        uint32_t stamp = oi_u32(&c), age = oi_u32(&c);
        const char *path = oi_take_cstr(&c);
        if (!oi_ok(&c)) {
            OI_WARN(f, OI_TRUNCATED, at, "pe/debug", "CodeView NB10 record is truncated");
            return;
        }
        prop(f, "pdb", path);
        prop(f, "pdb_signature", oi_arena_printf(f->mem, "0x%08x", stamp));
        prop(f, "pdb_age", oi_arena_printf(f->mem, "%u", age));
    }
}

static void debug_props(oi_file *f, pe_priv *p)
{
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_DEBUG);
    oi_view v;
    if (!d)
        return;
    uint32_t n = d->size / IMAGE_SIZEOF_DEBUG_DIRECTORY;
    if (!pe_rva_array(f, d->rva, n, IMAGE_SIZEOF_DEBUG_DIRECTORY, NULL, &v)) {
        OI_WARN_NOOFF(f, OI_TRUNCATED, "pe/debug",
                      "debug directory of %u entries at RVA 0x%x is not in the file", n, d->rva);
        return;
    }
    char types[512];
    size_t len = 0;
    types[0] = 0;
    bool cv = false;
    for (uint32_t i = 0; i < n; i++) {
        oi_cur c = oi_cur_make(v, (size_t)i * IMAGE_SIZEOF_DEBUG_DIRECTORY + 12, false);
        uint32_t type = oi_u32(&c), size = oi_u32(&c), rva = oi_u32(&c), ptr = oi_u32(&c);
        uint64_t at = oi_file_off(f, v.p) + (uint64_t)i * IMAGE_SIZEOF_DEBUG_DIRECTORY;
        char one[32];
        if (type < sizeof debug_type_names / sizeof debug_type_names[0] && debug_type_names[type])
            snprintf(one, sizeof one, "%s", debug_type_names[type]);
        else
            snprintf(one, sizeof one, "%u", type);
        if (len < sizeof types)
            len += (size_t)snprintf(types + len, sizeof types - len, "%s%s", len ? "," : "", one);
        oi_view data;
        if (!size || !debug_data(f, size, rva, ptr, &data))
            continue;
        if (type == IMAGE_DEBUG_TYPE_CODEVIEW && !cv) {
            cv = true;
            codeview_props(f, data, at);
        } else if (type == IMAGE_DEBUG_TYPE_EX_DLLCHARACTERISTICS && data.n >= 4) {
            prop(f, "ex_dll_characteristics", FLAGS(f, oi_get32(data.p, false), ex_dll_flags));
        }
    }
    prop(f, "debug", oi_arena_strdup(f->mem, types));
}

/* ---------------------------------------------------------- security */

static void security_props(oi_file *f, pe_priv *p)
{
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_SECURITY);
    oi_view v;
    if (!d || !d->size)
        return;
    /* the one directory whose "RVA" is a file offset: the certificates are
     * appended to the file and never mapped */
    if (!oi_view_sub(f->data, d->rva, d->size, &v)) {
        OI_WARN(f, OI_TRUNCATED, d->rva, "pe/security",
                "certificate table of 0x%x bytes runs past the end of the file", d->size);
        return;
    }
    prop(f, "authenticode_size", oi_arena_printf(f->mem, "%u", d->size));
    /* WIN_CERTIFICATE records, each 8-byte aligned; offsets only grow */
    uint32_t count = 0;
    const char *first = NULL;
    for (uint64_t off = 0; off + 8 <= v.n;) {
        uint32_t len = oi_get32(v.p + off, false);
        uint16_t type = oi_get16(v.p + off + 6, false);
        if (len < 8 || len > v.n - off) {
            OI_WARN(f, OI_MALFORMED, d->rva + off, "pe/security",
                    "certificate of %u bytes does not fit in the certificate table", len);
            break;
        }
        if (!first)
            first = type == WIN_CERT_TYPE_PKCS_SIGNED_DATA ? "pkcs7"
                  : type == WIN_CERT_TYPE_X509 ? "x509"
                  : type == WIN_CERT_TYPE_TS_STACK_SIGNED ? "ts-stack-signed"
                  : oi_arena_printf(f->mem, "0x%x", type);
        count++;
        off += ((uint64_t)len + 7) & ~(uint64_t)7;
    }
    prop(f, "authenticode", first);
    prop(f, "authenticode_certificates", oi_arena_printf(f->mem, "%u", count));
}

/* ---------------------------------------------------------- TLS */

static void tls_props(oi_file *f, pe_priv *p)
{
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_TLS);
    oi_view v;
    if (!d)
        return;
    unsigned w = p->is64 ? 8 : 4;
    if (!pe_rva_array(f, d->rva, 1, 4 * w + 8, NULL, &v)) {
        OI_WARN_NOOFF(f, OI_TRUNCATED, "pe/tls", "TLS directory at RVA 0x%x is not in the file",
                      d->rva);
        return;
    }
    oi_cur c = oi_cur_make(v, 0, false);
    uint64_t start = oi_word(&c, p->is64), end = oi_word(&c, p->is64);
    oi_skip(&c, w);                                   /* AddressOfIndex */
    uint64_t callbacks = oi_word(&c, p->is64);
    uint32_t zero_fill = oi_u32(&c);
    prop(f, "tls", "true");
    prop(f, "tls_data_size", oi_arena_printf(f->mem, "%llu",
                                             (unsigned long long)(end >= start ? end - start : 0)));
    prop(f, "tls_zero_fill", oi_arena_printf(f->mem, "%u", zero_fill));
    /* the callback array is null-terminated; the view bounds the walk */
    uint32_t n = 0, rva;
    oi_view cb;
    if (callbacks && pe_va_to_rva(p, callbacks, &rva) && pe_rva_view(f, rva, NULL, &cb)) {
        oi_cur k = oi_cur_make(cb, 0, false);
        while (oi_word(&k, p->is64) && oi_ok(&k))
            n++;
    }
    prop(f, "tls_callbacks", oi_arena_printf(f->mem, "%u", n));
}

/* ---------------------------------------------------------- resources */

#define RESOURCE_MAX_DEPTH 8   /* Windows uses 3 levels: type, name, language */

typedef struct res_dir {
    uint32_t off;
    uint32_t depth;
} res_dir;

static void resource_props(oi_file *f, pe_priv *p)
{
    const pe_dir *d = pe_dir_get(p, IMAGE_DIRECTORY_ENTRY_RESOURCE);
    oi_view v;
    if (!d)
        return;
    if (!pe_rva_view(f, d->rva, NULL, &v) || v.n < IMAGE_SIZEOF_RESOURCE_DIRECTORY) {
        OI_WARN_NOOFF(f, OI_TRUNCATED, "pe/resources",
                      "resource directory at RVA 0x%x is not in the file", d->rva);
        return;
    }
    /* one bit per byte offset: a directory is walked at most once, so a
     * cycle or a shared subtree costs nothing; the stack is bounded by the
     * number of distinct directories */
    uint8_t *seen = calloc(v.n / 8 + 1, 1);
    size_t cap = 64, top = 0;
    res_dir *stack = malloc(cap * sizeof *stack);
    if (!seen || !stack) {
        free(seen);
        free(stack);
        return;
    }
    uint64_t leaves = 0, types = 0;
    /* entries of a sound tree do not overlap, so there are at most v.n / 8;
     * overlapping directories could make each byte count many times */
    uint64_t budget = v.n / 8 + 16;
    bool cycle = false, deep = false, bad = false, limit = false;
    stack[top++] = (res_dir){ 0, 0 };
    seen[0] |= 1;
    while (top) {
        res_dir rd = stack[--top];
        oi_cur c = oi_cur_make(v, rd.off + 12, false);
        uint32_t n = (uint32_t)oi_u16(&c) + oi_u16(&c);
        for (uint32_t i = 0; i < n; i++) {
            if (budget-- == 0) {
                limit = true;
                top = 0;
                break;
            }
            oi_u32(&c);                             /* name or id */
            uint32_t to = oi_u32(&c);
            if (!oi_ok(&c)) {
                bad = true;
                break;
            }
            if (rd.depth == 0)
                types++;
            if (!(to & IMAGE_RESOURCE_DATA_IS_DIRECTORY)) {
                leaves++;
                continue;
            }
            uint32_t sub = to & ~IMAGE_RESOURCE_DATA_IS_DIRECTORY;
            if ((uint64_t)sub + IMAGE_SIZEOF_RESOURCE_DIRECTORY > v.n) {
                bad = true;
                continue;
            }
            if (seen[sub / 8] & (1u << (sub % 8))) {
                cycle = true;
                continue;
            }
            if (rd.depth + 1 >= RESOURCE_MAX_DEPTH) {
                deep = true;
                continue;
            }
            seen[sub / 8] |= (uint8_t)(1u << (sub % 8));
            if (top == cap) {
                res_dir *ns = realloc(stack, cap * 2 * sizeof *stack);
                if (!ns)
                    break;
                stack = ns;
                cap *= 2;
            }
            stack[top++] = (res_dir){ sub, rd.depth + 1 };
        }
    }
    free(seen);
    free(stack);
    uint64_t at = oi_file_off(f, v.p);
    if (bad)
        OI_WARN(f, OI_TRUNCATED, at, "pe/resources", "a resource directory runs past the section");
    if (cycle)
        OI_WARN(f, OI_CYCLE, at, "pe/resources",
                "a resource directory is reached twice (a cycle or a shared subtree); walked once");
    if (limit)
        OI_WARN(f, OI_LIMIT, at, "pe/resources",
                "resource directories hold more entries than the section has room for; "
                "counting stopped");
    if (deep)
        OI_WARN(f, OI_LIMIT, at, "pe/resources",
                "resource tree is deeper than %d levels; the rest is not counted", RESOURCE_MAX_DEPTH);
    prop(f, "resources", oi_arena_printf(f->mem, "%llu", (unsigned long long)leaves));
    prop(f, "resource_types", oi_arena_printf(f->mem, "%llu", (unsigned long long)types));
}

/* ---------------------------------------------------------- header facts */

static const char *subsystem_name(oi_file *f, uint16_t s)
{
    switch (s) {
    case IMAGE_SUBSYSTEM_UNKNOWN: return "unknown";
    case IMAGE_SUBSYSTEM_NATIVE: return "native";
    case IMAGE_SUBSYSTEM_WINDOWS_GUI: return "windows-gui";
    case IMAGE_SUBSYSTEM_WINDOWS_CUI: return "windows-cui";
    case IMAGE_SUBSYSTEM_OS2_CUI: return "os2-cui";
    case IMAGE_SUBSYSTEM_POSIX_CUI: return "posix-cui";
    case IMAGE_SUBSYSTEM_NATIVE_WINDOWS: return "native-windows";
    case IMAGE_SUBSYSTEM_WINDOWS_CE_GUI: return "windows-ce-gui";
    case IMAGE_SUBSYSTEM_EFI_APPLICATION: return "efi-application";
    case IMAGE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER: return "efi-boot-service-driver";
    case IMAGE_SUBSYSTEM_EFI_RUNTIME_DRIVER: return "efi-runtime-driver";
    case IMAGE_SUBSYSTEM_EFI_ROM: return "efi-rom";
    case IMAGE_SUBSYSTEM_XBOX: return "xbox";
    case IMAGE_SUBSYSTEM_WINDOWS_BOOT_APPLICATION: return "windows-boot-application";
    }
    return oi_arena_printf(f->mem, "%u", s);
}

static const flag_name dll_flags[] = {
    { IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA, "HIGH_ENTROPY_VA" },
    { IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE, "DYNAMIC_BASE" },
    { IMAGE_DLLCHARACTERISTICS_FORCE_INTEGRITY, "FORCE_INTEGRITY" },
    { IMAGE_DLLCHARACTERISTICS_NX_COMPAT, "NX_COMPAT" },
    { IMAGE_DLLCHARACTERISTICS_NO_ISOLATION, "NO_ISOLATION" },
    { IMAGE_DLLCHARACTERISTICS_NO_SEH, "NO_SEH" },
    { IMAGE_DLLCHARACTERISTICS_NO_BIND, "NO_BIND" },
    { IMAGE_DLLCHARACTERISTICS_APPCONTAINER, "APPCONTAINER" },
    { IMAGE_DLLCHARACTERISTICS_WDM_DRIVER, "WDM_DRIVER" },
    { IMAGE_DLLCHARACTERISTICS_GUARD_CF, "GUARD_CF" },
    { IMAGE_DLLCHARACTERISTICS_TERMINAL_SERVER_AWARE, "TERMINAL_SERVER_AWARE" },
};

static const flag_name file_flags[] = {
    { IMAGE_FILE_RELOCS_STRIPPED, "RELOCS_STRIPPED" },
    { IMAGE_FILE_EXECUTABLE_IMAGE, "EXECUTABLE_IMAGE" },
    { IMAGE_FILE_LINE_NUMS_STRIPPED, "LINE_NUMS_STRIPPED" },
    { IMAGE_FILE_LOCAL_SYMS_STRIPPED, "LOCAL_SYMS_STRIPPED" },
    { IMAGE_FILE_AGGRESSIVE_WS_TRIM, "AGGRESSIVE_WS_TRIM" },
    { IMAGE_FILE_LARGE_ADDRESS_AWARE, "LARGE_ADDRESS_AWARE" },
    { IMAGE_FILE_BYTES_REVERSED_LO, "BYTES_REVERSED_LO" },
    { IMAGE_FILE_32BIT_MACHINE, "32BIT_MACHINE" },
    { IMAGE_FILE_DEBUG_STRIPPED, "DEBUG_STRIPPED" },
    { IMAGE_FILE_REMOVABLE_RUN_FROM_SWAP, "REMOVABLE_RUN_FROM_SWAP" },
    { IMAGE_FILE_NET_RUN_FROM_SWAP, "NET_RUN_FROM_SWAP" },
    { IMAGE_FILE_SYSTEM, "SYSTEM" },
    { IMAGE_FILE_DLL, "DLL" },
    { IMAGE_FILE_UP_SYSTEM_ONLY, "UP_SYSTEM_ONLY" },
    { IMAGE_FILE_BYTES_REVERSED_HI, "BYTES_REVERSED_HI" },
};

oi_status pe_build_props(oi_file *f)
{
    pe_priv *p = pe_p(f);
    prop(f, "timestamp", oi_arena_printf(f->mem, "0x%08x", p->timestamp));
    prop(f, "characteristics", FLAGS(f, p->characteristics, file_flags));
    if (p->kind != PE_KIND_IMAGE)
        return OI_OK;
    prop(f, "image_base", oi_arena_printf(f->mem, "0x%llx", (unsigned long long)p->image_base));
    prop(f, "subsystem", subsystem_name(f, p->subsystem));
    prop(f, "subsystem_version", oi_arena_printf(f->mem, "%u.%u", p->major_subsystem,
                                                 p->minor_subsystem));
    prop(f, "os_version", oi_arena_printf(f->mem, "%u.%u", p->os_major, p->os_minor));
    prop(f, "image_version", oi_arena_printf(f->mem, "%u.%u", p->image_major, p->image_minor));
    prop(f, "linker_version", oi_arena_printf(f->mem, "%u.%u", p->linker_major, p->linker_minor));
    prop(f, "dll_characteristics", FLAGS(f, p->dll_characteristics, dll_flags));
    prop(f, "no_seh", p->dll_characteristics & IMAGE_DLLCHARACTERISTICS_NO_SEH ? "true" : "false");
    prop(f, "checksum", oi_arena_printf(f->mem, "0x%08x", p->checksum));
    prop(f, "section_alignment", oi_arena_printf(f->mem, "0x%x", p->section_align));
    prop(f, "file_alignment", oi_arena_printf(f->mem, "0x%x", p->file_align));
    load_config_props(f, p);
    clr_props(f, p);
    debug_props(f, p);
    security_props(f, p);
    tls_props(f, p);
    resource_props(f, p);
    return OI_OK;
}
