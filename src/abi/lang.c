/*
 * Language tags per export (from the name's shape alone, no demangling) and
 * per file: the languages present and the plugin entry points a host would
 * look for (CPython, Node-API, JNI, Lua, Ruby, Windows COM, ...).
 */
#include "abi.h"
#include "core/file.h"

#include <stdio.h>
#include <string.h>

/* s begins with p. Inline, byte by byte: every export's name is tried
 * against a dozen prefixes, which strlen + strncmp made a fifth of listing
 * libLLVM's exports. */
static inline bool starts(const char *s, const char *p)
{
    for (; *p; s++, p++)
        if (*s != *p)
            return false;
    return true;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* [A-Za-z0-9_$] by table: is_c_name walks every byte of every C name. */
static const unsigned char ident_table[256] = {
    ['$'] = 1, ['_'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

static inline bool is_ident_char(char c) { return ident_table[(unsigned char)c] != 0; }

/* A C identifier, optionally with an x86 decoration (f@N, @f@N, f@@N). */
static bool is_c_name(const char *s)
{
    if (*s == '@')
        s++;
    if (!is_alpha(*s) && *s != '_')
        return false;
    while (is_ident_char(*s))
        s++;
    if (*s == '@') {
        s++;
        if (*s == '@')
            s++;
        if (!is_digit(*s))
            return false;
        while (is_digit(*s))
            s++;
    }
    return *s == 0;
}

/* Legacy Rust: an Itanium nested name whose last part is "17h<16 hex>E". */
static bool is_rust_legacy(const char *s)
{
    size_t n = strlen(s);
    if (!starts(s, "_ZN") || n < 3 + 20 || s[n - 1] != 'E')
        return false;
    const char *h = s + n - 20;
    if (!starts(h, "17h"))
        return false;
    for (int i = 3; i < 19; i++)
        if (!is_hex(h[i]))
            return false;
    return true;
}

/* Go: "pkg/path.Name", "pkg.(*T).M", "type:..", "go:..", cgo glue. */
static bool is_go_name(const char *s)
{
    if (starts(s, "go:") || starts(s, "go.") || starts(s, "type:") || starts(s, "type..") ||
        starts(s, "_cgo_") || starts(s, "runtime.") || strcmp(s, "crosscall2") == 0)
        return true;
    const char *dot = strchr(s, '.');
    if (!dot || dot == s)
        return false;
    for (const char *p = s; p < dot; p++)
        if (!(is_ident_char(*p) || *p == '/' || *p == '-' || *p == '%'))
            return false;
    /* not a GCC clone suffix: f.cold, f.part.0, f.isra.0, f.constprop.0 */
    if (strstr(dot, ".cold") || strstr(dot, ".part.") || strstr(dot, ".isra") ||
        strstr(dot, ".constprop") || strstr(dot, ".lto_priv"))
        return false;
    return is_alpha(dot[1]) || dot[1] == '(' || dot[1] == '_';
}

const char *oi_lang_of_name(oi_format format, const char *name)
{
    if (!name || !*name)
        return NULL;
    const char *s = name;
    if (s[0] == '?')
        return "c++";                       /* MSVC */
    if (s[0] == '#')
        return is_c_name(s + 1) ? "c" : NULL;   /* ARM64EC C name */
    if ((s[0] == '-' || s[0] == '+') && s[1] == '[')
        return "objc";                      /* -[Class selector:] */
    if (format == OI_FORMAT_MACHO && s[0] == '_')
        s++;                                /* Mach-O C-level prefix */
    if (starts(s, "$s") || starts(s, "$S") || starts(s, "$e") || starts(s, "_T0") ||
        starts(s, "@__swiftmacro_"))
        return "swift";
    if (starts(s, "OBJC_CLASS_$_") || starts(s, "OBJC_METACLASS_$_") || starts(s, "OBJC_IVAR_$_") ||
        starts(s, "OBJC_EHTYPE_$_") || starts(s, "_OBJC_CLASS_$_") || starts(s, "_OBJC_METACLASS_$_"))
        return "objc";
    if (starts(s, "_Z"))
        return is_rust_legacy(s) ||
               (strchr(s, '$') && (strstr(s, "$LT$") || strstr(s, "$u20$"))) ? "rust" : "c++";
    if (starts(s, "_R") && (is_digit(s[2]) || strchr("CMXYNIB", s[2])) && s[2])
        return "rust";
    if (starts(s, "_D") && (is_digit(s[2]) || strcmp(s, "_Dmain") == 0))
        return "d";
    if (is_c_name(s))
        return "c";
    if (is_go_name(s))
        return "go";
    return NULL;
}

/* ------------------------------------------------------------ file tags */

static bool tag(oi_file *f, const char *key, const char *value)
{
    if (!value)
        return false;
    oi_property *p = oi_vec_push(&f->abi_tags.vec, sizeof *p);
    if (!p)
        return false;
    p->key = key;
    p->value = value;
    return true;
}

/* The export's name as the platform's C sees it (Mach-O drops its '_'). */
static const char *c_name(const oi_file *f, const char *name)
{
    if (name && f->info.format == OI_FORMAT_MACHO && name[0] == '_')
        return name + 1;
    return name;
}

/* The module name and tag a host derives from the file name:
 * "spam.cpython-311-x86_64-linux-gnu.so" -> "spam", "cpython-311-...";
 * "spam.abi3.so" -> "spam", "abi3"; "spam.cp311-win_amd64.pyd". */
static void module_name(oi_file *f, const char **mod, const char **ftag)
{
    const char *path = oi_name(f);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strcspn(base, "([");   /* archive member or fat slice suffix */
    const char *dot = memchr(base, '.', n);
    size_t mlen = dot ? (size_t)(dot - base) : n;
    *mod = oi_arena_strndup(f->mem, base, mlen);
    *ftag = NULL;
    if (dot) {
        const char *t = dot + 1;
        const char *end = memchr(t, '.', n - (size_t)(t - base));
        if (end && end > t)
            *ftag = oi_arena_strndup(f->mem, t, (size_t)(end - t));
    }
}

/* Plugin entry points found by exact name or prefix. */
typedef struct plugin_rule {
    const char *name;       /* exact export name, or prefix when prefix is true */
    bool prefix;
    const char *plugin;
    const char *what;
} plugin_rule;

static const plugin_rule plugin_rules[] = {
    { "PyInit_", true, "cpython", "CPython extension module init (PEP 489 / 3121)" },
    { "napi_register_module_v1", false, "node-api", "Node-API module registration" },
    { "node_api_module_get_api_version_v1", false, "node-api", "Node-API version the module targets" },
    { "node_register_module_v", true, "node-addon", "legacy Node.js addon (NODE_MODULE_VERSION)" },
    { "JNI_OnLoad", true, "jni", "JNI library load hook" },
    { "Java_", true, "jni", "JNI native method" },
    { "luaopen_", true, "lua", "Lua C module opener" },
    { "Init_", true, "ruby", "Ruby C extension init" },
    { "DllMain", false, "windows-dll", "Windows DLL entry point (exported)" },
    { "DllRegisterServer", false, "com-server", "COM self-registration" },
    { "DllUnregisterServer", false, "com-server", "COM self-unregistration" },
    { "DllGetClassObject", false, "com-server", "COM class factory" },
    { "DllCanUnloadNow", false, "com-server", "COM unload query" },
    { "DllInstall", false, "com-server", "COM per-user install hook" },
    { "DllGetActivationFactory", false, "winrt", "Windows Runtime activation factory" },
    { "gst_plugin_desc", false, "gstreamer", "GStreamer plugin descriptor" },
    { "gst_plugin_", true, "gstreamer", "GStreamer plugin registration" },
    { "pam_sm_", true, "pam", "PAM service module" },
    { "ladspa_descriptor", false, "ladspa", "LADSPA plugin descriptor" },
    { "lv2_descriptor", false, "lv2", "LV2 plugin descriptor" },
    { "VSTPluginMain", false, "vst", "VST 2 plugin entry" },
    { "get_module", false, "php", "PHP extension entry" },
    { "bind_engine", false, "openssl-engine", "OpenSSL engine binding" },
    { "OSSL_provider_init", false, "openssl-provider", "OpenSSL 3 provider init" },
    { "sqlite3_extension_init", false, "sqlite", "SQLite loadable extension" },
    { "Tcl_AppInit", false, "tcl", "Tcl application init" },
};

typedef struct lang_count {
    const char *lang;
    size_t n;
} lang_count;

/* Append s to a comma list kept in buf (no duplicates). */
static void list_add(char *buf, size_t size, const char *s)
{
    size_t sl = strlen(s), bl = strlen(buf);
    for (const char *p = buf; *p;) {
        size_t k = strcspn(p, ",");
        if (k == sl && strncmp(p, s, k) == 0)
            return;
        p += k + (p[k] == ',');
    }
    if (bl + sl + 2 > size)
        return;
    if (bl)
        buf[bl++] = ',';
    memcpy(buf + bl, s, sl + 1);
}

static void cpython_tags(oi_file *f, const char *init)
{
    const char *mod, *ftag;
    module_name(f, &mod, &ftag);
    const char *initname = init + strlen("PyInit_");
    tag(f, "cpython_init", init);
    tag(f, "cpython_module", mod);
    if (mod && strcmp(initname, mod) != 0)
        tag(f, "problem", oi_arena_printf(f->mem,
            "%s does not match the module name '%s' taken from the file name: "
            "'import %s' fails (no PyInit_%s)", init, mod, mod, mod));
    /* abi3 versus a versioned build: the file-name tag, then the imports */
    if (ftag && strcmp(ftag, "abi3") == 0) {
        tag(f, "cpython_abi", "abi3");
        tag(f, "cpython_abi_source", "file-name");
    } else if (ftag && (starts(ftag, "cpython-") || starts(ftag, "cp3") || starts(ftag, "pypy"))) {
        tag(f, "cpython_abi", ftag);
        tag(f, "cpython_abi_source", "file-name");
    }
    const oi_import *im;
    size_t ni;
    oi_imports(f, &im, &ni);
    const char *private_sym = NULL, *py_sym = NULL, *pylib = NULL;
    for (size_t i = 0; i < ni; i++) {
        const char *s = c_name(f, im[i].name);
        if (!s)
            continue;
        if (starts(s, "_Py") && !private_sym)
            private_sym = s;
        if (starts(s, "Py") && !py_sym)
            py_sym = s;
        if (im[i].library && starts(im[i].library, "python") && !pylib)
            pylib = im[i].library;
    }
    if (pylib)
        tag(f, "cpython_library", pylib);
    if (private_sym) {
        tag(f, "cpython_imports", oi_arena_printf(f->mem, "versioned: imports private %s", private_sym));
        if (ftag && strcmp(ftag, "abi3") == 0)
            tag(f, "problem", oi_arena_printf(f->mem,
                "named abi3 but imports %s, which is not in the stable ABI", private_sym));
    } else if (pylib && strcmp(pylib, "python3.dll") == 0) {
        tag(f, "cpython_imports", "abi3: links python3.dll (stable ABI)");
    } else if (py_sym) {
        tag(f, "cpython_imports", "no private _Py* imports (abi3-compatible)");
    }
    if (!ftag || (strcmp(ftag, "abi3") != 0 && !starts(ftag, "cpython-") && !starts(ftag, "cp3"))) {
        if (pylib && starts(pylib, "python3") && strcmp(pylib, "python3.dll") != 0) {
            tag(f, "cpython_abi", pylib);
            tag(f, "cpython_abi_source", "imports");
        } else if (pylib && strcmp(pylib, "python3.dll") == 0) {
            tag(f, "cpython_abi", "abi3");
            tag(f, "cpython_abi_source", "imports");
        } else if (private_sym) {
            tag(f, "cpython_abi", "versioned");
            tag(f, "cpython_abi_source", "imports");
        }
    }
}

oi_status oi_abi_build_tags(oi_file *f)
{
    const oi_export *e;
    size_t n;
    oi_status st = oi_exports(f, &e, &n);
    lang_count langs[8] = { { "c", 0 }, { "c++", 0 }, { "rust", 0 }, { "swift", 0 },
                            { "objc", 0 }, { "d", 0 }, { "go", 0 }, { NULL, 0 } };
    char plugins[256] = "";
    const char *pyinit = NULL, *luaopen = NULL, *rbinit = NULL;
    size_t jni = 0;
    for (size_t i = 0; i < n; i++) {
        const char *lang = e[i].lang ? e[i].lang : oi_lang_of_name(f->info.format, e[i].name);
        for (int k = 0; lang && langs[k].lang; k++)
            if (strcmp(langs[k].lang, lang) == 0)
                langs[k].n++;
        const char *s = c_name(f, e[i].name);
        if (!s)
            continue;
        /* an x86 stdcall export keeps "@N" unless linked with --kill-at or
         * a .def: the host's GetProcAddress("DllRegisterServer") misses it */
        const char *at = f->info.format == OI_FORMAT_PE ? strrchr(s, '@') : NULL;
        size_t plain = at && at > s && at[1] >= '0' && at[1] <= '9' ? (size_t)(at - s) : strlen(s);
        for (size_t r = 0; r < sizeof plugin_rules / sizeof plugin_rules[0]; r++) {
            const plugin_rule *pr = &plugin_rules[r];
            size_t pl = strlen(pr->name);
            bool hit = pr->prefix ? starts(s, pr->name) && s[pl]
                                  : plain == pl && strncmp(s, pr->name, pl) == 0;
            if (!hit)
                continue;
            if (!pr->prefix && plain != strlen(s))
                tag(f, "problem", oi_arena_printf(f->mem,
                    "%s is exported with its stdcall decoration: the host looks up %s "
                    "(link with --kill-at or a .def file)", s, pr->name));
            list_add(plugins, sizeof plugins, pr->plugin);
            if (strcmp(pr->name, "PyInit_") == 0 && !pyinit)
                pyinit = s;
            if (strcmp(pr->name, "luaopen_") == 0 && !luaopen)
                luaopen = s;
            if (strcmp(pr->name, "Init_") == 0 && !rbinit)
                rbinit = s;
            if (strcmp(pr->name, "Java_") == 0)
                jni++;
        }
    }
    /* languages, most exports first */
    char lbuf[96] = "";
    for (int pass = 0; pass < 8; pass++) {
        int best = -1;
        for (int k = 0; langs[k].lang; k++)
            if (langs[k].n && (best < 0 || langs[k].n > langs[best].n))
                best = k;
        if (best < 0)
            break;
        list_add(lbuf, sizeof lbuf, langs[best].lang);
        langs[best].n = 0;
    }
    if (lbuf[0])
        tag(f, "languages", oi_arena_strdup(f->mem, lbuf));
    if (plugins[0])
        tag(f, "plugin", oi_arena_strdup(f->mem, plugins));
    if (pyinit)
        cpython_tags(f, pyinit);
    if (luaopen)
        tag(f, "lua_module", luaopen + strlen("luaopen_"));
    if (rbinit)
        tag(f, "ruby_extension", rbinit + strlen("Init_"));
    if (jni)
        tag(f, "jni_natives", oi_arena_printf(f->mem, "%zu", jni));
    /* a DLL's entry point is its DllMain (through the CRT's
     * _DllMainCRTStartup): the loader calls it with DLL_PROCESS_ATTACH */
    if (f->info.format == OI_FORMAT_PE && f->info.type && strcmp(f->info.type, "dll") == 0 &&
        f->info.has_entry)
        tag(f, "dll_entry", oi_arena_printf(f->mem, "0x%llx (DllMain, stdcall on x86)",
                                            (unsigned long long)f->info.entry));
    return st;
}

static oi_status build_tags(oi_file *f)
{
    return f->children.n ? OI_OK : oi_abi_build_tags(f);
}

oi_status oi_abi_tags(oi_file *f, const oi_property **out, size_t *n)
{
    if (!f)
        return OI_ARG;
    /* built once under the file's lock, like the API's own tables, so
     * threads may ask for it at the same time */
    oi_status st = oi_table_once(f, &f->abi_tags, build_tags, "the ABI tags");
    if (out)
        *out = f->abi_tags.vec.items;
    if (n)
        *n = f->abi_tags.vec.n;
    return st;
}
