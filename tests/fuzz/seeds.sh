#!/bin/sh
# Seed corpora for the fuzz targets, from the built fixtures (and the
# malformed cases, which reach the error paths):
#   sh tests/fuzz/seeds.sh FIXDIR OUTDIR
# writes OUTDIR/<target>/ for probe, elf, pe, macho, resolve, render.
# Files are copied, not linked, so a fuzzer's corpus dir stays its own.
set -e
fix=$1 out=$2
[ -d "$fix" ] || { echo "seeds.sh: no fixture dir $fix" >&2; exit 1; }
here=$(dirname "$0")
for t in probe elf pe macho resolve render; do mkdir -p "$out/$t"; done

# classify a file by its magic number
kind() {
    case $(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' ') in
        7f454c46) echo elf ;;
        4d5a*) echo pe ;;
        cffaedfe|cefaedfe|feedfacf|feedface|cafebabe|cafebabf) echo macho ;;
        213c6172) echo elf ;;   # !<ar(ch>): archives, mostly of ELF objects
        *) echo other ;;
    esac
}

n=0
strip_pe=$(command -v x86_64-w64-mingw32-strip || true)
add() {  # FILE PREFIX
    k=$(kind "$1")
    [ "$k" = other ] && return 0
    base=$2$(basename "$1")
    src=$1
    cp "$src" "$out/probe/$base"
    # mingw DLLs are mostly DWARF and COFF symbols: the PE target gets a
    # stripped copy instead when strip can read it (a small input runs many
    # times faster; the probe target keeps the original). strip would stamp
    # the time into the header: a fixed one keeps the seeds the same from
    # run to run, so a seeded fuzz run is too
    if [ "$k" = pe ] && [ -n "$strip_pe" ] && [ "$(wc -c < "$src")" -gt 32768 ] &&
       SOURCE_DATE_EPOCH=0 "$strip_pe" -o "$out/pe/stripped-$base" "$src" 2>/dev/null; then
        src=$out/pe/stripped-$base
    else
        rm -f "$out/pe/stripped-$base"
        cp "$1" "$out/$k/$base"
    fi
    # rendering every mode is slow on big files: seed it with the small ones
    if [ "$(wc -c < "$src")" -le 65536 ]; then cp "$src" "$out/render/$base"; fi
    n=$((n + 1))
}

# not the fixtures of size (many/: 5000 exports each, for the streaming
# tests): every mutation of one costs a hundred times a small file's run,
# for no structure the small fixtures lack
for f in $(find "$fix" -type f -not -path "$fix/many/*" | sort); do add "$f" ""; done

# the malformed cases, when the generator is there
if [ -f "$here/../malformed/gen.py" ] && command -v python3 >/dev/null; then
    tmp=$(mktemp -d)
    if python3 "$here/../malformed/gen.py" "$fix" "$tmp" >/dev/null 2>&1; then
        for f in "$tmp"/cases/*; do [ -f "$f" ] && add "$f" "malformed-"; done
    fi
    rm -rf "$tmp"
fi

# resolver seeds: one to three linked images, in fuzz_resolve.c's layout
python3 - "$fix" "$out/resolve" <<'PY'
import os, struct, sys
fix, out = sys.argv[1], sys.argv[2]
groups = [
    ["elf/main-gcc", "elf/libelfsyms-gcc.so"],
    ["elf/libelfsyms-clang-lld.so"],
    ["macho/hello-arm64", "macho/libmachosyms-arm64.dylib"],
    ["macho/libumbrella-arm64.dylib", "macho/libmachosyms-arm64.dylib"],
    ["macho/hello-arm64", "macho/libumbrella-arm64.dylib", "macho/libmachosyms-fat.dylib"],
    ["macho/libmachosyms-chained-arm64.dylib"],
    ["pe/callconv-x86_64.dll"],
    ["pe/callconv-i686.dll", "pe/callconv-i686-killat.dll"],
    ["pe/callconv-i686-decorated.dll", "pe/callconv-i686.dll", "pe/callconv-x86_64.dll"],
]
for i, g in enumerate(groups):
    paths = [os.path.join(fix, p) for p in g]
    if not all(os.path.isfile(p) for p in paths):
        continue
    blobs = [open(p, "rb").read() for p in paths]
    data = bytes([len(blobs) - 1])
    for b in blobs[:-1]:
        data += struct.pack("<I", len(b))
    data += b"".join(blobs)
    with open(os.path.join(out, "group-%d" % i), "wb") as fp:
        fp.write(data)
PY
echo "seeds: $n files from $fix"
