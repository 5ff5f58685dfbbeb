#!/bin/sh
# PE/COFF conformance: objinspect against llvm-readobj-16, llvm-objdump-16 and
# llvm-nm-16 over every PE image, COFF object and COFF archive under $1.
#
#  images   exports (ordinal, name, RVA, forwarder; empty ordinal slots are not
#           exports), imports (library, name or ordinal, hint, delay), the DLL
#           name, header facts (subsystem and OS versions, image base,
#           DllCharacteristics), load config (security cookie, SafeSEH count,
#           GuardFlags), CodeView (PDB path, GUID, age); the COFF symbol table
#           where there is one (names and values, and "hidden" exactly for the
#           defined symbols at no exported address); and lookup: every export
#           by name and every ordinal through `objinspect resolve` must agree
#           with the address table. A name the binary search cannot reach in a
#           table objinspect reports as unsorted is a loader miss, listed, not
#           a mismatch (tests/cli/test_pe_lookup.sh checks which ones).
#  objects  and archive members (COFF objects, short import members): the
#           external symbols, defined and undefined, against llvm-nm; the type
#           and name type of short import members against llvm-readobj.
#  all      objinspect must not fail (exit 2) where llvm-objdump -p succeeds.
#
# A file with a FILE.orig beside it is a named mutation (tests/fixtures/pe/
# mutate.py): the peers read the original, whose contents it must still show.
# Two objinspect processes per file (the JSON document, and one resolve for
# all lookups), never one per symbol. Ends with
#   conformance pe: N files, N symbols, N mismatches
: "${BUILD:=build}"
OI=${OI:-$BUILD/objinspect}
dir=${1:?usage: pe.sh DIR}
for t in llvm-readobj-16 llvm-objdump-16 llvm-nm-16 python3; do
    command -v $t >/dev/null 2>&1 || { echo "conformance pe: $t is not installed"; exit 1; }
done
exec python3 - "$OI" "$dir" <<'PYEOF'
import json, os, re, struct, subprocess, sys

OI, ROOT = sys.argv[1], sys.argv[2]
VERBOSE = os.environ.get('PE_CONFORMANCE_VERBOSE') == '1'   # per-file counts
files = symbols = mismatches = 0
loader_misses = []
MAX_SHOWN = 12   # mismatch lines printed per file

def run(cmd, stdin=None):
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr

def canon(b):
    """Bytes as objinspect's JSON spells them: valid UTF-8 as is, any other
    byte as the code point U+00NN."""
    s = b.decode('utf-8', errors='surrogateescape')
    return ''.join(chr(ord(c) - 0xdc00) if 0xdc80 <= ord(c) <= 0xdcff else c for c in s)

class Report:
    def __init__(self, path):
        self.path, self.shown = path, 0
    def bad(self, what):
        global mismatches
        mismatches += 1
        if self.shown < MAX_SHOWN:
            print('MISMATCH %s: %s' % (self.path, what))
        elif self.shown == MAX_SHOWN:
            print('MISMATCH %s: ... (more not shown)' % self.path)
        self.shown += 1
    def eq(self, what, ours, theirs):
        global symbols
        symbols += 1
        if ours != theirs:
            self.bad('%s: objinspect %r, peer %r' % (what, ours, theirs))

KNOWN_MACHINES = {0x14c, 0x8664, 0x1c0, 0x1c2, 0x1c4, 0xaa64, 0xa641, 0xa64e, 0x200,
                  0x5032, 0x5064, 0x6264, 0xebc}

def kind_of(path):
    try:
        with open(path, 'rb') as f:
            head = f.read(64)
            size = os.fstat(f.fileno()).st_size
            if head[:2] == b'MZ' and len(head) >= 64:
                lfanew = struct.unpack_from('<I', head, 0x3c)[0]
                f.seek(lfanew)
                if f.read(4) == b'PE\0\0':
                    return 'image'
                return None
    except OSError:
        return None
    if head[:8] == b'!<arch>\n':
        return 'archive'
    if len(head) >= 20:
        machine, nsec = struct.unpack_from('<HH', head, 0)
        symptr, nsym, opt = struct.unpack_from('<IIH', head, 8)
        if machine in KNOWN_MACHINES and opt == 0 and 20 + 40 * nsec <= size and \
           symptr + 18 * nsym <= size:
            return 'object'
        if head[:4] == b'\0\0\xff\xff':
            return 'object'
    return None

# ------------------------------------------------------------ peer parsers

def readobj_blocks(text):
    """llvm-readobj's nested 'Key {' / 'Key [' blocks as (name, [lines])."""
    out, stack = [], []
    for raw in text.split(b'\n'):
        line = raw.strip()
        if line.endswith(b'{') or (line.endswith(b'[') and b':' not in line) or \
           re.match(rb'^[A-Za-z]+ \[ \(0x[0-9A-Fa-f]+\)$', line):
            name = line.split(b' ')[0].decode()
            stack.append((name, []))
        elif line in (b'}', b']'):
            if stack:
                blk = stack.pop()
                out.append(blk)
                if stack:
                    stack[-1][1].append(('__block__', blk))
        elif stack:
            stack[-1][1].append(line)
    return out

def field(lines, key):
    for l in lines:
        if isinstance(l, bytes) and l.startswith(key + b':'):
            return l[len(key) + 1:].strip()
    return None

def peer_exports(blocks):
    ex = []
    for name, lines in blocks:
        if name != 'Export':
            continue
        ordv = int(field(lines, b'Ordinal'))
        nm = field(lines, b'Name') or b''
        fwd = field(lines, b'ForwardedTo')
        rva = field(lines, b'RVA')
        rva = int(rva, 16) if rva is not None else None
        if fwd is None and not rva:
            continue   # an empty ordinal slot is not an export
        ex.append((ordv, canon(nm), rva, canon(fwd) if fwd is not None else None))
    return ex

def sym_entry(line):
    m = re.match(rb'^Symbol: (.*) \((\d+)\)$', line)
    return (canon(m.group(1)), int(m.group(2))) if m else None

def peer_imports(blocks):
    im = []
    for name, lines in blocks:
        if name == 'Import' and field(lines, b'Name') is not None:
            lib = canon(field(lines, b'Name'))
            for l in lines:
                if isinstance(l, bytes) and l.startswith(b'Symbol:'):
                    s = sym_entry(l)
                    if s:
                        im.append((lib, s[0], s[1], False))
        elif name == 'DelayImport':
            lib = canon(field(lines, b'Name'))
            for l in lines:
                if isinstance(l, tuple) and l[1][0] == 'Import':
                    for x in l[1][1]:
                        s = sym_entry(x) if isinstance(x, bytes) else None
                        if s:
                            im.append((lib, s[0], s[1], True))
    return im

def peer_nm(path):
    """llvm-nm blocks: {member: [(name, type)]}, in archive order."""
    rc, out, _ = run(['llvm-nm-16', '--no-sort', path])
    members, cur = [], None
    for raw in out.split(b'\n'):
        if not raw.strip():
            continue
        m = re.match(rb'^(\S.*):$', raw)
        if m and not raw.startswith(b' ') and not re.match(rb'^[0-9a-fA-F]{8,16} ', raw):
            cur = []
            members.append((canon(m.group(1)), cur))
            continue
        m = re.match(rb'^([0-9a-fA-F]+)? +(\S) (.*)$', raw)
        if m:
            if cur is None:
                cur = []
                members.append((os.path.basename(path), cur))
            cur.append((canon(m.group(3)), m.group(2).decode(), int(m.group(1), 16) if m.group(1) else None))
    return rc, members

# ------------------------------------------------------------ checks

def check_externals(r, what, ours_syms, nm_syms):
    """External symbols: name -> defined?, from objinspect's symbols and nm."""
    theirs = {}
    for name, t, _ in nm_syms:
        if t in ('U', 'w', 'v'):
            theirs[name] = False
        elif t.isupper():
            theirs[name] = True
    mine = {}
    for s in ours_syms:
        if s['binding'] in ('global', 'weak'):
            mine[s['name']] = s['defined']
    for n in sorted(set(theirs) | set(mine)):
        r.eq('%s symbol %s' % (what, n), mine.get(n, 'absent'), theirs.get(n, 'absent'))

def check_image(path, peer_path, doc, r, expect):
    opts = ['--file-headers', '--coff-exports', '--coff-imports', '--coff-load-config',
            '--coff-debug-directory', '--coff-tls-directory']
    rc, out, err = run(['llvm-readobj-16'] + opts + [peer_path])
    if rc != 0:
        # one unreadable table fails the whole run: take the others one by one
        out, failed = b'', []
        for o in opts:
            rc, o_out, o_err = run(['llvm-readobj-16', o, peer_path])
            if rc == 0:
                out += o_out
            else:
                failed.append(o)
                print('NOTE %s: llvm-readobj %s failed (%s); not compared'
                      % (path, o, o_err.decode(errors='replace').strip()[:120]))
        if '--coff-exports' in failed:
            doc = dict(doc, exports=[])
    blocks = readobj_blocks(out)
    # exports
    theirs = peer_exports(blocks)
    mine = {}
    for e in doc['exports']:
        mine.setdefault(e['ordinal'], []).append(e)
    seen = set()
    for ordv, nm, rva, fwd in theirs:
        seen.add(ordv)
        es = mine.get(ordv)
        if not es:
            r.bad('export @%d %s: missing' % (ordv, nm))
            continue
        first = es[0]['name'] or ''
        r.eq('export @%d name' % ordv, first, nm)
        r.eq('export @%d forwarder' % ordv, es[0]['forwarder'], fwd)
        if fwd is None:
            r.eq('export @%d rva' % ordv, es[0]['address'], rva)
    for ordv in mine:
        if ordv not in seen:
            r.bad('export @%s %s: not in the peer\'s table' % (ordv, mine[ordv][0]['name']))
    # imports
    t = sorted(peer_imports(blocks))
    m = []
    for i in doc['imports']:
        if i['name'] is None:
            m.append((i['library'], '', i['ordinal'], i['delay']))
        else:
            m.append((i['library'], i['name'], i['hint'], i['delay']))
    m.sort()
    symbols_before = symbols
    if m != t:
        a, b = set(m), set(t)
        for x in sorted(a - b)[:5]:
            r.bad('import %r: not in the peer\'s tables' % (x,))
        for x in sorted(b - a)[:5]:
            r.bad('import %r: missing' % (x,))
        if a == b:
            r.bad('imports: same set, different multiplicity')
    globals()['symbols'] = symbols_before + len(t)
    # header facts
    props = doc['properties']
    fh = dict(blocks_by(blocks, 'ImageOptionalHeader'))
    fh.update(('Machine', v) for k, v in blocks_by(blocks, 'ImageFileHeader') if k == 'Machine')
    if fh:
        r.eq('subsystem_version', props.get('subsystem_version'), '%s.%s' % (
            int(fh.get('MajorSubsystemVersion', b'0')), int(fh.get('MinorSubsystemVersion', b'0'))))
        r.eq('os_version', props.get('os_version'), '%s.%s' % (
            int(fh.get('MajorOperatingSystemVersion', b'0')), int(fh.get('MinorOperatingSystemVersion', b'0'))))
        r.eq('image_base', props.get('image_base'), '0x%x' % int(fh.get('ImageBase', b'0'), 16))
    peer_flags = set()
    for name, lines in blocks:
        if name == 'Characteristics' and any(isinstance(l, bytes) and l.startswith(b'IMAGE_DLL_CHARACTERISTICS_') for l in lines):
            for l in lines:
                mm = re.match(rb'IMAGE_DLL_CHARACTERISTICS_(\S+)', l) if isinstance(l, bytes) else None
                if mm:
                    peer_flags.add(mm.group(1).decode())
    mine_flags = set(x for x in props.get('dll_characteristics', '').split(',') if x)
    r.eq('dll_characteristics', sorted(mine_flags), sorted(peer_flags))
    for name, lines in blocks:
        if name == 'LoadConfig':
            ck = field(lines, b'SecurityCookie')
            if ck is not None and int(ck, 16):
                r.eq('security_cookie', props.get('security_cookie'), '0x%x' % int(ck, 16))
            cnt = field(lines, b'SEHandlerCount')
            if cnt is not None and doc['class'] == 32:
                tab = field(lines, b'SEHandlerTable')
                r.eq('seh_handlers', props.get('seh_handlers'), str(int(cnt) if tab and int(tab, 16) else 0))
            chpe = field(lines, b'CHPEMetadataPointer')
            if chpe is not None and int(chpe, 16):
                r.eq('chpe_metadata', props.get('chpe_metadata'), '0x%x' % int(chpe, 16))
                m = fh.get('Machine', b'')
                r.eq('chpe', props.get('chpe'), {b'IMAGE_FILE_MACHINE_AMD64': 'arm64ec',
                     b'IMAGE_FILE_MACHINE_ARM64': 'arm64x', b'IMAGE_FILE_MACHINE_I386': 'x86'}.get(m, 'unknown'))
        if name == 'GuardFlags':
            gf = sorted(l.split(b' ')[0].decode() for l in lines if isinstance(l, bytes) and l)
            r.eq('guard_flags', sorted(x for x in props.get('guard_flags', '').split(',') if x), gf)
        if name == 'PDBInfo':
            r.eq('pdb', props.get('pdb'), canon(field(lines, b'PDBFileName') or b''))
            r.eq('pdb_age', props.get('pdb_age'), field(lines, b'PDBAge').decode())
            g = field(lines, b'PDBGUID').strip(b'()').split()
            g = bytes(int(x, 16) for x in g)
            guid = '%08X-%04X-%04X-%s-%s' % (struct.unpack_from('<I', g)[0], struct.unpack_from('<H', g, 4)[0],
                                             struct.unpack_from('<H', g, 6)[0], g[8:10].hex().upper(), g[10:].hex().upper())
            r.eq('pdb_guid', props.get('pdb_guid'), guid)
    dd = dict(blocks_by(blocks, 'DataDirectory'))
    cert = int(dd.get('CertificateTableSize', b'0'), 16)
    if cert and int(dd.get('CertificateTableRVA', b'0'), 16):
        r.eq('authenticode_size', props.get('authenticode_size'), str(cert))
    tls = dict(blocks_by(blocks, 'TLSDirectory'))
    if tls:
        r.eq('tls', props.get('tls'), 'true')
        r.eq('tls_zero_fill', props.get('tls_zero_fill'), str(int(tls.get('SizeOfZeroFill', b'0'), 16)))
        r.eq('tls_data_size', props.get('tls_data_size'), str(
            max(0, int(tls['EndAddressOfRawData'], 16) - int(tls['StartAddressOfRawData'], 16))))
    if int(dd.get('ResourceTableRVA', b'0'), 16):
        rc, out, _ = run(['llvm-readobj-16', '--coff-resources', peer_path])
        mm = re.search(rb'Total Number of Resources: (\d+)', out)
        if rc == 0 and mm:
            r.eq('resources', props.get('resources'), mm.group(1).decode())
    if int(dd.get('CLRRuntimeHeaderRVA', b'0'), 16):
        # no peer prints the metadata version: read the BSJB root directly
        data = open(peer_path, 'rb').read()
        at = data.find(b'BSJB')
        if at >= 0:
            n = struct.unpack_from('<I', data, at + 12)[0]
            r.eq('clr_version', props.get('clr_version'),
                 canon(data[at + 16:at + 16 + n].split(b'\0')[0]))
    # the DLL name, from llvm-objdump
    rc, out, _ = run(['llvm-objdump-16', '-p', peer_path])
    mm = re.search(rb'\n DLL name: (.*)\n', out)
    if mm:
        r.eq('dll name', doc['soname'], expect.get('dll_name', canon(mm.group(1))))
    # lookups: every named export and every ordinal
    queries = []
    for ordv, nm, rva, fwd in theirs:
        if nm and '\n' not in nm:
            queries.append((nm, ordv, rva, fwd))
        queries.append(('#%d' % ordv, ordv, rva, fwd))
    if queries:
        rc, out, err = run([OI, 'resolve', '--json', path, '-'],
                           stdin=''.join(q[0] + '\n' for q in queries).encode('utf-8', errors='surrogateescape'))
        answers = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
        if len(answers) != len(queries):
            r.bad('resolve gave %d answers for %d queries (%s)' % (len(answers), len(queries), err.decode()[:100]))
            return
        unsorted = any('not sorted' in d['message'] for d in doc['diagnostics'])
        for (q, ordv, rva, fwd), a in zip(queries, answers):
            # "#N" is an ordinal query; "#name" is a name (ARM64EC exports "#f")
            by_ordinal = re.match(r'#[0-9]+$', q) is not None
            if not a['found'] and unsorted and not by_ordinal:
                loader_misses.append('%s: %s' % (path, q))
                continue
            r.eq('lookup %s found' % q, a['found'], True)
            if a['found']:
                e = a['export']
                r.eq('lookup %s ordinal' % q, e['ordinal'], ordv)
                r.eq('lookup %s forwarder' % q, e['forwarder'], fwd)
                r.eq('lookup %s path' % q, a['path'], 'ordinal' if by_ordinal else 'binary-search')
                if fwd is None:
                    r.eq('lookup %s address' % q, e['address'], rva)
    # the COFF symbol table of an image
    if doc.get('_symbols'):
        rc, nm = peer_nm(peer_path)
        if rc == 0 and nm:
            base = int(props.get('image_base', '0x0'), 16)
            exported = set(rva for _, _, rva, fwd in theirs if fwd is None)
            nm_syms = nm[0][1]
            check_externals(r, 'image', doc['_symbols'], nm_syms)
            byname = {}
            for s in doc['_symbols']:
                if s['defined'] and s['binding'] != 'local':
                    byname.setdefault(s['name'], []).append(s)
            for name, t, value in nm_syms:
                if not t.isupper() or t in ('U', 'A') or value is None or name not in byname:
                    continue
                rva = value - base
                ss = byname[name]
                r.eq('symbol %s value' % name, ss[0]['value'], rva)
                r.eq('symbol %s visibility' % name, ss[0]['visibility'],
                     'default' if rva in exported else 'hidden')

def blocks_by(blocks, want):
    for name, lines in blocks:
        if name == want:
            for l in lines:
                if isinstance(l, bytes) and b':' in l:
                    k, v = l.split(b':', 1)
                    yield k.decode(), v.strip().split(b' ')[0]

def check_objects(path, peer_path, doc, r):
    """A COFF object or an archive of them: external symbols against llvm-nm,
    short import members against llvm-readobj."""
    members = doc['members'] if doc['format'] == 'ar' else [doc]
    rc, nm = peer_nm(peer_path)
    if rc != 0:
        print('NOTE %s: llvm-nm failed; only the no-failure check applies' % path)
        return
    if doc['format'] != 'ar':
        nm = [(path, [x for _, syms in nm for x in syms])]
    pe_members = [m for m in members if m.get('format') == 'pe']
    if doc['format'] == 'ar' and not pe_members:
        return False
    if len(nm) != len(members):
        # llvm-nm prints a block per member; ours skip the bookkeeping ones too
        r.bad('%d members, llvm-nm shows %d' % (len(members), len(nm)))
        return True
    rc, ro, _ = run(['llvm-readobj-16', '--coff-imports', peer_path])
    kinds = re.findall(rb'Format: COFF-import-file\nType: (\S+)\nName type: (\S+)', ro)
    k = 0
    for m, (mname, syms) in zip(members, nm):
        check_externals(r, m['file'].rsplit('(', 1)[-1].rstrip(')'), m['_symbols'], syms)
        if m.get('type') == 'import':
            if k < len(kinds):
                r.eq('%s import type' % m['file'], m['properties'].get('import_type'), kinds[k][0].decode())
                r.eq('%s import name type' % m['file'], m['properties'].get('import_name_type'),
                     kinds[k][1].decode())
            k += 1
            # MSVC and llvm-dlltool name each import member after its DLL
            if doc['format'] == 'ar':
                r.eq('%s import library' % m['file'], [i['library'] for i in m['imports']],
                     [m['file'].rsplit('(', 1)[-1].rstrip(')')])
    return True

def load_doc(path):
    rc, out, err = run([OI, '--json', path])
    if rc not in (0, 2) or not out.strip():
        return rc, None, err
    doc = json.loads(out.decode().splitlines()[0])
    rc2, out2, _ = run([OI, 'symbols', '--json', path])
    syms = [json.loads(l) for l in out2.decode().splitlines() if l.strip()]
    # attach each leaf's symbols: both list the leaves in the same order
    # (member names repeat in MSVC import libraries)
    leaves = [doc] if doc['format'] != 'ar' else doc['members']
    for d, s in zip(leaves, syms):
        d['_symbols'] = s['symbols'] if s['file'] == d['file'] else []
    return rc, doc, err

for dirpath, dirnames, filenames in os.walk(ROOT):
    dirnames.sort()
    for fn in sorted(filenames):
        path = os.path.join(dirpath, fn)
        if fn.endswith('.orig') or os.path.islink(path) or not os.path.isfile(path):
            continue
        kind = kind_of(path)
        if not kind:
            continue
        peer_path, expect = path, {}
        if os.path.exists(path + '.orig'):
            lines = open(path + '.orig').read().splitlines()
            peer_path = lines[0]
            expect = dict(l.split('=', 1) for l in lines[1:] if '=' in l)
        r = Report(path)
        before = symbols
        rc, doc, err = load_doc(path)
        orc, _, _ = run(['llvm-objdump-16', '-p' if kind == 'image' else '-t', peer_path])
        if doc is None or rc == 2:
            if orc == 0:
                if kind == 'archive' and doc is not None and not any(
                        m.get('format') == 'pe' for m in doc.get('members', [])):
                    continue
                files += 1
                r.bad('objinspect failed (exit %d: %s) where llvm-objdump succeeds'
                      % (rc, err.decode(errors='replace').strip()[:160]))
            continue
        if kind == 'image':
            if doc.get('format') != 'pe':
                continue
            files += 1
            check_image(path, peer_path, doc, r, expect)
        else:
            if doc.get('format') not in ('pe', 'ar'):
                continue
            if check_objects(path, peer_path, doc, r) is False:
                continue
            files += 1
        if VERBOSE:
            print('%s: %d checks' % (path, symbols - before))

for m in loader_misses:
    print('loader miss (unsorted name table): %s' % m)
print('conformance pe: %d files, %d symbols, %d mismatches' % (files, symbols, mismatches))
sys.exit(1 if mismatches else 0)
PYEOF
