#!/bin/sh
# Mach-O tables and properties of every fixture (every slice of the fat
# ones) against peer tools:
#   symbols     llvm-nm-16 -m        (name, defined, scope, value)
#   sections    llvm-readobj-16 --sections (segment, name, address, size, offset)
#   deps        llvm-objdump-16 --macho --dylibs-used (names and kinds, in order)
#   properties  llvm-objdump-16 --macho --private-headers and
#               llvm-readobj-16 --file-headers (install name and versions,
#               rpaths in order, uuid, platform, min_os, sdk, entry, code
#               signature, header flags, dyld_info)
# The exports, imports and lookups are tests/conformance/macho.sh's job.
. "$(dirname "$0")/../lib.sh"
need llvm-nm-16 || exit 0
need llvm-objdump-16 || exit 0
need llvm-readobj-16 || exit 0
[ -d "$FIX/macho" ] || { fail "macho fixtures" "$FIX/macho missing (make fixtures)"; exit 0; }

TMP=$TMP python3 - "$OI" "$FIX/macho" <<'EOF'
import json, os, re, subprocess, sys

OI, DIR = sys.argv[1], sys.argv[2]


def run(args):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode("utf-8", "surrogateescape")


def check(name, got, want):
    if got == want:
        print("PASS: %s" % name)
    else:
        print("FAIL: %s: got %r, expected %r" % (name, got, want))


def props_of(doc):
    """Every value of every property, in file order: "property_values" keeps
    repeated keys (one "rpath" per LC_RPATH); "properties" must hold the
    first of each."""
    d = doc["property_values"]
    for k, v in d.items():
        if doc["properties"].get(k) != v[0]:
            print("FAIL: properties[%s] is not the first of property_values" % k)
    return d


def nm_name(line):
    while line.endswith(")") and "(" in line:
        line = line[:line.rindex("(")].rstrip()
    return line.split()[-1]


def peer_symbols(path, arch):
    rc, out = run(["llvm-nm-16", "-m"] + arch + [path])
    res = []
    for l in out.splitlines():
        if not l.strip() or l.endswith(":"):
            continue
        undefined = "(undefined)" in l
        scope = ("local" if "non-external" in l else "hidden" if "private external" in l
                 else "weak" if "weak external" in l else "global")
        value = None if undefined or l.startswith(" ") else int(l.split()[0], 16)
        res.append((nm_name(l), not undefined, scope, value))
    return sorted(res)


def our_symbols(doc):
    res = []
    for s in doc:
        if s["binding"] == "local":
            scope = "local"
        elif s["visibility"] == "hidden":
            scope = "hidden"
        else:
            scope = "weak" if s["binding"] == "weak" else "global"
        defined = s["defined"] and s["kind"] != "common"
        res.append((s["name"], defined, scope, s["value"] if defined else None))
    return sorted(res)


def peer_sections(path, arch):
    rc, out = run(["llvm-readobj-16", "--sections"] + arch + [path])
    res, cur = [], None
    for l in out.splitlines():
        s = l.strip()
        m = re.match(r"(Name|Segment|Address|Size|Offset): (\S+)", s)
        if s == "Section {":
            cur = {}
        elif m and cur is not None:
            cur.setdefault(m.group(1), m.group(2))
        elif s == "}" and cur is not None and "Name" in cur:
            res.append((cur["Segment"], cur["Name"], int(cur["Address"], 16),
                        int(cur["Size"], 16), int(cur["Offset"], 0)))
            cur = None
    return res


def peer_deps(path, arch, is_dylib):
    rc, out = run(["llvm-objdump-16", "--macho", "--dylibs-used"] + arch + [path])
    lines = [l.strip() for l in out.splitlines()[1:] if l.strip()]
    if is_dylib and lines:
        lines = lines[1:]          # LC_ID_DYLIB comes first
    res = []
    for l in lines:
        name = l[:l.rindex(" (compatibility")]
        note = l[l.rindex("(") + 1:-1].split(", ")
        kind = "needed"
        for k, ours in (("weak", "weak"), ("reexport", "reexport"), ("lazy", "lazy"),
                        ("upward", "upward")):
            if k in note:
                kind = ours
        res.append((name, kind))
    return res


def peer_props(path, arch):
    rc, out = run(["llvm-objdump-16", "--macho", "--private-headers"] + arch + [path])
    props, cmd, seg = {}, None, {}
    add = lambda k, v: props.setdefault(k, []).append(v)
    for l in out.splitlines():
        s = l.strip()
        # the image base: the segment mapping file offset 0
        if cmd in ("LC_SEGMENT", "LC_SEGMENT_64"):
            w = s.split()
            if len(w) == 2 and w[0] in ("vmaddr", "fileoff", "filesize"):
                seg[w[0]] = int(w[1], 0)
            if len(seg) == 3:
                if seg["fileoff"] == 0 and seg["filesize"] and "base" not in props:
                    props["base"] = seg["vmaddr"]
                seg = {}
        if cmd == "LC_UNIXTHREAD" and "entry_address" not in props:
            m = re.search(r"\b(rip|eip|pc|srr0)\s+(0x[0-9a-fA-F]+)", s)
            if m:
                props["entry_address"] = int(m.group(2), 16)
        if s.startswith("cmd "):
            cmd = s.split()[1]
            if cmd == "LC_CODE_SIGNATURE":
                add("code_signature", "present")
            if cmd in ("LC_DYLD_INFO", "LC_DYLD_INFO_ONLY"):
                props["dyld_info_opcodes"] = True
            if cmd == "LC_DYLD_CHAINED_FIXUPS":
                props["dyld_info_chained"] = True
            continue
        if cmd == "LC_ID_DYLIB":
            if s.startswith("name "):
                add("install_name", s[5:s.rindex(" (offset")])
            elif s.startswith("current version "):
                add("current_version", s.split()[-1])
            elif s.startswith("compatibility version "):
                add("compat_version", s.split()[-1])
        elif cmd == "LC_RPATH" and s.startswith("path "):
            add("rpath", s[5:s.rindex(" (offset")])
        elif cmd == "LC_LOAD_DYLINKER" and s.startswith("name "):
            add("interp", s[5:s.rindex(" (offset")])
        elif cmd == "LC_UUID" and s.startswith("uuid "):
            add("uuid", s.split()[1])
        elif cmd == "LC_BUILD_VERSION":
            if s.startswith("platform "):
                add("platform", s.split()[1])
            elif s.startswith("minos "):
                add("min_os", s.split()[1])
            elif s.startswith("sdk ") and s.split()[1] != "n/a":   # 0: none recorded
                add("sdk", s.split()[1])
        elif cmd and cmd.startswith("LC_VERSION_MIN_"):
            if s.startswith("version "):
                add("platform", {"MACOSX": "macos", "IPHONEOS": "ios", "TVOS": "tvos",
                                 "WATCHOS": "watchos"}[cmd[15:]])
                add("min_os", s.split()[1])
            elif s.startswith("sdk ") and s.split()[1] != "n/a":
                add("sdk", s.split()[1])
        elif cmd == "LC_MAIN" and s.startswith("entryoff "):
            add("entry", "0x%x" % int(s.split()[1]))
            props["entry_address"] = props.get("base", 0) + int(s.split()[1])
    rc, out = run(["llvm-readobj-16", "--file-headers"] + arch + [path])
    flags, inflags = [], False
    for l in out.splitlines():
        s = l.strip()
        if s.startswith("Flags ["):
            inflags = True
        elif inflags and s.startswith("]"):
            inflags = False
        elif inflags and s.startswith("MH_"):
            flags.append(s.split()[0])
    want_flags = {"MH_NOUNDEFS", "MH_INCRLINK", "MH_DYLDLINK", "MH_BINDATLOAD", "MH_PREBOUND",
                  "MH_SPLIT_SEGS", "MH_LAZY_INIT", "MH_TWOLEVEL", "MH_FORCE_FLAT",
                  "MH_NOMULTIDEFS", "MH_NOFIXPREBINDING", "MH_PREBINDABLE", "MH_ALLMODSBOUND",
                  "MH_SUBSECTIONS_VIA_SYMBOLS", "MH_CANONICAL", "MH_WEAK_DEFINES",
                  "MH_BINDS_TO_WEAK", "MH_ALLOW_STACK_EXECUTION", "MH_ROOT_SAFE",
                  "MH_SETUID_SAFE", "MH_NO_REEXPORTED_DYLIBS", "MH_PIE",
                  "MH_DEAD_STRIPPABLE_DYLIB", "MH_HAS_TLV_DESCRIPTORS", "MH_NO_HEAP_EXECUTION",
                  "MH_APP_EXTENSION_SAFE"}
    props["header_flags"] = sorted(f for f in flags if f in want_flags)
    return props


def check_thin(path, doc, arch_name, label):
    arch = ["--arch=" + arch_name] if arch_name else []
    peer_path, peer_arch = path, arch
    if arch_name:   # llvm-readobj has no --arch: the peers read the thin slice
        peer_path, peer_arch = os.path.join(os.environ["TMP"], "slice"), []
        subprocess.run(["/usr/lib/llvm-14/bin/llvm-lipo", "-thin", arch_name, "-output",
                        peer_path, path], check=True)
    rc, out = run([OI, "symbols", "--json"] + arch + [path])
    syms = json.loads(out.splitlines()[0])["symbols"]
    check("%s symbols" % label, our_symbols(syms), peer_symbols(peer_path, peer_arch))
    rc, out = run([OI, "sections", "--json"] + arch + [path])
    secs = json.loads(out.splitlines()[0])["sections"]
    check("%s sections" % label,
          [(s["segment"], s["name"], s["address"], s["size"], s["offset"]) for s in secs],
          peer_sections(peer_path, peer_arch))
    check("%s deps" % label, [(d["name"], d["kind"]) for d in doc["dependencies"]],
          peer_deps(peer_path, peer_arch, doc["type"] == "dylib"))
    props = doc["properties"]
    peer = peer_props(peer_path, peer_arch)
    for key in ("install_name", "current_version", "compat_version", "rpath", "interp", "uuid",
                "platform", "min_os", "sdk", "entry", "code_signature"):
        check("%s property %s" % (label, key), props.get(key), peer.get(key))
    ours_flags = sorted(f for f in props.get("header_flags", [""])[0].split() if f)
    check("%s property header_flags" % label, ours_flags, peer["header_flags"])
    want = ["chained" if peer.get("dyld_info_chained") else
            "opcodes" if peer.get("dyld_info_opcodes") else "none"]
    check("%s property dyld_info" % label, props.get("dyld_info"), want)
    check("%s entry" % label, doc["entry"], peer.get("entry_address"))
    check("%s soname" % label, doc["soname"], (peer.get("install_name") or [None])[0])


files = []
for dp, dn, fn in os.walk(DIR):
    dn.sort()
    for n in sorted(fn):
        p = os.path.join(dp, n)
        with open(p, "rb") as fh:
            head = fh.read(4)
        if head in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xce",
                    b"\xfe\xed\xfa\xcf", b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):
            files.append(p)
check("macho fixtures found", len(files) >= 20, True)
for p in files:
    label = os.path.relpath(p, DIR)
    rc, out = run([OI, "--json", p])
    check("%s exit code" % label, rc, 0)
    doc = json.loads(out.splitlines()[0])
    if doc["format"] == "macho-fat":
        for s in doc["slices"]:
            s["properties"] = props_of(s)
            a = s["file"][len(p) + 1:-1]
            check_thin(p, s, a, "%s[%s]" % (label, a))
    else:
        doc["properties"] = props_of(doc)
        check_thin(p, doc, None, label)
EOF
