#!/bin/sh
# The header facts of every fixture (format, class, endian, machine, type)
# against peer tools: readelf -h for ELF, llvm-readobj-16 --file-headers for
# PE and Mach-O, llvm-lipo for fat files. Our vocabulary differs from the
# peers', so each peer word is mapped once here; the values come from them.
. "$(dirname "$0")/../lib.sh"
need readelf || exit 0
need llvm-readobj-16 || exit 0

# readelf -h field
rh() { readelf -h "$1" | sed -n "s/^ *$2: *//p" | head -n 1; }
elf_machine() {
    case "$1" in
        *X86-64*) echo x86_64 ;; *80386*) echo i386 ;; *AArch64*) echo aarch64 ;;
        ARM) echo arm ;; *RISC-V*) echo riscv64 ;; *PowerPC64*) echo ppc64 ;;
        PowerPC) echo ppc ;; *S/390*) echo s390x ;;
        # readelf names MIPS the same in both classes; ELF64 MIPS is "mips64"
        *MIPS*) [ "$2" = ELF64 ] && echo mips64 || echo mips ;;
        *SPARC*v9*|*Sparc\ v9*) echo sparc64 ;; *) echo "?$1" ;;
    esac
}
elf_type() {
    case "$1" in
        REL*) echo relocatable ;; EXEC*) echo exec ;;
        # readelf says "DYN (Position-Independent Executable file)" for PIE
        DYN*Position-Independent*) echo pie ;; DYN*) echo shared ;; *) echo "?$1" ;;
    esac
}
for f in "$FIX"/elf/*.so "$FIX"/elf/*.o "$FIX"/elf/main-gcc; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    "$OI" --json "$f" > "$TMP/j" || { fail "headers $n" "objinspect exited $?"; continue; }
    expect_eq "elf $n format" "$(jget "$TMP/j" format)" elf
    case "$(rh "$f" Class)" in ELF64) c=64 ;; ELF32) c=32 ;; *) c=? ;; esac
    expect_eq "elf $n class" "$(jget "$TMP/j" class)" "$c"
    case "$(rh "$f" Data)" in *little*) e=little ;; *big*) e=big ;; *) e=? ;; esac
    expect_eq "elf $n endian" "$(jget "$TMP/j" endian)" "$e"
    expect_eq "elf $n machine" "$(jget "$TMP/j" machine)" "$(elf_machine "$(rh "$f" Machine)" "$(rh "$f" Class)")"
    expect_eq "elf $n type" "$(jget "$TMP/j" type)" "$(elf_type "$(rh "$f" Type)")"
    ep=$(rh "$f" "Entry point address")
    if [ "$ep" = 0x0 ]; then
        expect_eq "elf $n entry" "$(jget "$TMP/j" entry)" null
    else
        expect_eq "elf $n entry" "$(jget "$TMP/j" entry)" "$(printf %d "$ep")"
    fi
    expect_eq "elf $n sections" "$(jget "$TMP/j" sections)" "$(rh "$f" "Number of section headers")"
done

# llvm-readobj field (first occurrence)
ro() { llvm-readobj-16 --file-headers "$1" | sed -n "s/^ *$2: *//p" | head -n 1; }
for f in "$FIX"/pe/*.dll; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    "$OI" --json "$f" > "$TMP/j" || { fail "headers $n" "objinspect exited $?"; continue; }
    expect_eq "pe $n format" "$(jget "$TMP/j" format)" pe
    case "$(ro "$f" Magic)" in 0x20B) c=64 ;; 0x10B) c=32 ;; *) c=? ;; esac
    expect_eq "pe $n class" "$(jget "$TMP/j" class)" "$c"
    expect_eq "pe $n endian" "$(jget "$TMP/j" endian)" little
    case "$(ro "$f" Machine)" in
        *AMD64*) m=x86_64 ;; *I386*) m=i386 ;; *ARM64*) m=aarch64 ;; *ARMNT*) m=arm ;; *) m=? ;;
    esac
    expect_eq "pe $n machine" "$(jget "$TMP/j" machine)" "$m"
    case "$(llvm-readobj-16 --file-headers "$f" | grep -c IMAGE_FILE_DLL)" in 0) t=exe ;; *) t=dll ;; esac
    expect_eq "pe $n type" "$(jget "$TMP/j" type)" "$t"
    expect_eq "pe $n sections" "$(jget "$TMP/j" sections)" "$(ro "$f" SectionCount)"
done

macho_check() {  # FILE NAME JSON-PATH... : compare one thin Mach-O document
    mf=$1 mn=$2; shift 2
    case "$(ro "$mf" Magic)" in *Magic64*) c=64 ;; *Magic*) c=32 ;; *) c=? ;; esac
    expect_eq "macho $mn class" "$(jget "$TMP/j" "$@" class)" "$c"
    case "$(ro "$mf" Magic)" in *Cigam*) e=big ;; *) e=little ;; esac
    expect_eq "macho $mn endian" "$(jget "$TMP/j" "$@" endian)" "$e"
    case "$(ro "$mf" CpuType)" in
        Arm64*) m=aarch64 ;; X86-64*) m=x86_64 ;; X86*) m=i386 ;; *) m=? ;;
    esac
    expect_eq "macho $mn machine" "$(jget "$TMP/j" "$@" machine)" "$m"
    case "$(ro "$mf" FileType)" in
        DynamicLibrary*) t=dylib ;; Bundle*) t=bundle ;; Relocatable*) t=relocatable ;;
        Executable*) llvm-readobj-16 --file-headers "$mf" | grep -q MH_PIE && t=pie || t=exec ;;
        *) t=? ;;
    esac
    expect_eq "macho $mn type" "$(jget "$TMP/j" "$@" type)" "$t"
    expect_eq "macho $mn load commands" "$(jget "$TMP/j" "$@" load_commands)" "$(ro "$mf" NumOfLoadCommands)"
}
for f in "$FIX"/macho/*.dylib "$FIX"/macho/hello-*; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    "$OI" --json "$f" > "$TMP/j" || { fail "headers $n" "objinspect exited $?"; continue; }
    if [ "$(jget "$TMP/j" format)" = macho-fat ]; then
        archs=$(/usr/lib/llvm-14/bin/llvm-lipo -archs "$f")
        i=0
        for a in $archs; do
            /usr/lib/llvm-14/bin/llvm-lipo -thin "$a" -output "$TMP/slice" "$f"
            expect_eq "macho $n slice $i name" "$(jget "$TMP/j" slices $i file)" "$f[$a]"
            macho_check "$TMP/slice" "$n[$a]" slices $i
            i=$((i + 1))
        done
        expect_eq "macho $n slice count" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["slices"]))' "$TMP/j")" "$i"
        # --arch selects one slice
        for a in $archs; do
            "$OI" --json --arch "$a" "$f" > "$TMP/a"
            expect_eq "macho $n --arch $a" "$(jget "$TMP/a" file)" "$f[$a]"
        done
    else
        expect_eq "macho $n format" "$(jget "$TMP/j" format)" macho
        macho_check "$f" "$n"
    fi
done

# ar archives: the members are those `ar t` lists
for f in "$FIX"/elf/*.a; do
    [ -f "$f" ] || continue
    n=$(basename "$f")
    "$OI" --json "$f" > "$TMP/j"
    expect_eq "ar $n format" "$(jget "$TMP/j" format)" ar
    got=$(python3 -c 'import json,sys; print(" ".join(m["file"] for m in json.load(open(sys.argv[1]))["members"]))' "$TMP/j")
    want=$(ar t "$f" | sed "s|^|$f(|; s|\$|)|" | tr '\n' ' ' | sed 's/ $//')
    expect_eq "ar $n members" "$got" "$want"
done
