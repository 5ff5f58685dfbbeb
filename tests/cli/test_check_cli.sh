#!/bin/sh
# objinspect check: the check table, the policy parser, exit codes, and the
# checks decided from headers alone (PIE), against readelf and llvm-readobj.
. "$(dirname "$0")/../lib.sh"
need readelf || exit 0
need nm || exit 0
C=$FIX/check

# ---- the check table: ids are unique, --list and --list --json agree
"$OI" check --list > "$TMP/list" || fail "check --list" "exit $?"
"$OI" check --list --json > "$TMP/list.json" || fail "check --list --json" "exit $?"
n_text=$(wc -l < "$TMP/list")
n_uniq=$(awk '{print $1}' "$TMP/list" | sort -u | wc -l)
expect_eq "check table ids are unique" "$n_uniq" "$n_text"
n_json=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/list.json")
expect_eq "check --list --json has every row" "$n_json" "$n_text"
for id in elf.pie elf.relro elf.bind-now elf.nx-stack elf.stack-protector elf.fortify \
          elf.textrel elf.rpath elf.cet elf.bti-pac pe.dynamic-base pe.high-entropy-va \
          pe.nx-compat pe.cfg pe.safeseh pe.gs pe.authenticode macho.pie \
          macho.stack-protector macho.no-heap-exec macho.code-signature macho.arm64e \
          exports.expected exports.forbidden exports.only-expected exports.versioned \
          exports.visibility exports.pe-ordinals floor.glibc floor.glibcxx floor.cxxabi \
          floor.macos floor.pe-subsystem consistency.elf-hash consistency.pe-name-order \
          consistency.macho-trie imports.resolvable; do
    grep -q "^$id " "$TMP/list" && pass "check table has $id" || fail "check table has $id" "missing"
done

# ---- policy errors are usage errors (exit 3) that name the line
policy_err() {  # NAME TEXT EXPECTED-SUBSTRING
    printf '%s\n' "$2" > "$TMP/bad.policy"
    "$OI" check --policy "$TMP/bad.policy" "$FIX/elf/libelfsyms-gcc.so" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ $rc -ne 3 ]; then fail "policy: $1" "exit $rc, expected 3"; return; fi
    grep -q "bad.policy.*$3" "$TMP/err" && pass "policy: $1" \
        || fail "policy: $1" "stderr '$(cat "$TMP/err")' lacks '$3'"
}
policy_err "unknown directive" "# comment
frobnicate yes" ":2: unknown directive 'frobnicate'"
policy_err "bad regex" "forbid re:foo(" "bad regex"
policy_err "stacked repetition (glibc regcomp blows up on it)" "forbid re:a++" "a repetition of a repetition"
policy_err "a repetition of a {0} repetition" "forbid re:a{0}+" "a repetition of a repetition"
policy_err "nested counted repetitions (regcomp: 211 MiB at 3 levels)" "forbid re:((a{100}){100}){100}" \
    "more than 65536 copies of its atoms"
policy_err "nested open-start intervals" "forbid re:(a{,300}){,300}" "more than 65536 copies of its atoms"
policy_err "groups nested 33 deep (regcomp recursion)" \
    "forbid re:$(printf '%33s' | tr ' ' '(')a$(printf '%33s' | tr ' ' ')')" "groups nested more than 32 deep"
policy_err "a back-reference (regexec backtracks)" 'forbid re:(a)\1' "a back-reference"
policy_err "a trailing backslash" 'forbid re:a\' "a trailing backslash"
policy_err "unknown check id" "check elf.nosuch error" "no check is named 'elf.nosuch'"
policy_err "bad severity" "check elf.* loud" "severity 'loud'"
policy_err "bad version" "max-glibc 2.x7" "not a dotted version"
policy_err "bad visibility" "visibility public" "unknown visibility 'public'"
policy_err "bad ordinal" "ordinal foo x" "is not a number"
policy_err "only-expected takes no argument" "only-expected please" "takes no argument"
"$OI" check --policy "$TMP/no-such.policy" "$FIX/elf/libelfsyms-gcc.so" >/dev/null 2>&1
expect_eq "missing policy file is a usage error" "$?" 3

# a policy that parses: comments, blank lines, CRLF, globs of check ids
printf '# a policy\r\n\r\ncheck elf.* off\r\ncheck elf.pie error\r\nexport glob:*\r\n' > "$TMP/ok.policy"
"$OI" check --list --policy "$TMP/ok.policy" > "$TMP/list2"
expect_eq "policy: check elf.* off" "$(awk '$1 ~ /^elf\./ && $3 != "off"' "$TMP/list2" | awk '{print $1}')" elf.pie

# ---- usage and input errors
"$OI" check >/dev/null 2>&1; expect_eq "check without files exits 3" "$?" 3
"$OI" check --json --sarif "$C/soft-gcc" >/dev/null 2>&1; expect_eq "two output formats exit 3" "$?" 3
"$OI" check -j x "$C/soft-gcc" >/dev/null 2>&1; expect_eq "bad -j exits 3" "$?" 3
printf 'not an object\n' > "$TMP/text"
"$OI" check "$TMP/text" > "$TMP/out" 2>&1; rc=$?
expect_eq "a named non-object exits 2" "$rc" 2
grep -q "text: ERROR: .*not an object" "$TMP/out" && pass "a named non-object gets an ERROR verdict line" \
    || fail "a named non-object gets an ERROR verdict line" "$(cat "$TMP/out")"
"$OI" check "$TMP/missing" >/dev/null 2>&1; expect_eq "a missing file exits 2" "$?" 2

# ---- exports.expected against nm: a name nm does not list must be missing
lib=$FIX/elf/libelfsyms-gcc.so
absent=objinspect_no_such_export
if nm -D --defined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | grep -qx "$absent"; then
    fail "oracle" "$absent is exported?"
else
    printf 'export %s\n' "$absent" > "$TMP/exp.policy"
    "$OI" check --json --policy "$TMP/exp.policy" "$lib" > "$TMP/j"; rc=$?
    expect_eq "exports.expected: absent name fails (exit)" "$rc" 1
    v=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print([c["verdict"]+" "+c["evidence"] for c in d["checks"] if c["id"]=="exports.expected"][0])' "$TMP/j")
    expect_eq "exports.expected: absent name fails" "$v" "fail missing: $absent"
fi

# ---- PIE from the ELF header, against readelf -h
for f in "$C/hardened-gcc" "$C/soft-gcc" "$FIX/elf/main-gcc" "$FIX/elf/libelfsyms-gcc.so"; do
    n=$(basename "$f")
    case "$(readelf -h "$f" | sed -n 's/^ *Type: *//p')" in
        DYN*Position-Independent*) want=pass ;; EXEC*) want=fail ;; *) want=n/a ;;
    esac
    "$OI" check --json "$f" > "$TMP/j"
    got=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print([c["verdict"] for c in d["checks"] if c["id"]=="elf.pie"][0])' "$TMP/j")
    expect_eq "elf.pie $n (readelf -h)" "$got" "$want"
done

# ---- Mach-O PIE from the header flags, against llvm-readobj-16
if command -v llvm-readobj-16 >/dev/null 2>&1; then
    for f in "$FIX"/macho/hello-arm64 "$FIX"/macho/libmachosyms-arm64.dylib; do
        [ -f "$f" ] || continue
        n=$(basename "$f")
        ro=$(llvm-readobj-16 --file-headers "$f")
        if echo "$ro" | grep -q 'FileType: Executable'; then
            echo "$ro" | grep -q MH_PIE && want=pass || want=fail
        else
            want=n/a
        fi
        "$OI" check --json "$f" > "$TMP/j"
        got=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print([c["verdict"] for c in d["checks"] if c["id"]=="macho.pie"][0])' "$TMP/j")
        expect_eq "macho.pie $n (llvm-readobj-16)" "$got" "$want"
    done
fi

# ---- imports.resolvable: n/a without a sysroot; with one, ld.so's own
# verdict (LD_TRACE_LOADED_OBJECTS with LD_BIND_NOW and LD_WARN is ldd -r)
resolvable() {  # FILE [ARGS...] -> "verdict|evidence"
    f=$1; shift
    "$OI" check --json "$@" "$f" > "$TMP/j"
    python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); r=[c for c in d["checks"] if c["id"]=="imports.resolvable"][0]
print(r["verdict"] + "|" + r["evidence"])' "$TMP/j"
}
expect_eq "imports.resolvable is n/a without --root" "$(resolvable "$C/soft-gcc" | cut -d'|' -f1)" n/a
E=$FIX/bind/elf
ldso=/lib64/ld-linux-x86-64.so.2
for p in prog-rpath prog-v3 prog-runpath; do
    [ -x "$E/$p" ] || { fail "imports.resolvable $p" "fixture missing (make fixtures)"; continue; }
    out=$(cd "$E" && LD_TRACE_LOADED_OBJECTS=1 LD_BIND_NOW=1 LD_WARN=1 $ldso "./$p" 2>&1)
    undef=$(echo "$out" | sed -n 's/^undefined symbol: \([^,]*\),.*/\1/p' | sort | tr '\n' ' ')
    notfound=$(echo "$out" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | sort | tr '\n' ' ')
    if [ -z "$undef$notfound" ]; then want=pass; else want=fail; fi
    v=$(resolvable "$E/$p" --root /)
    expect_eq "imports.resolvable --root / $p (ld.so: ${undef:+undefined $undef}${notfound:+not found $notfound})" "${v%%|*}" "$want"
    for n in $undef $notfound; do
        case "$v" in *"${n%%@*}"*) pass "imports.resolvable $p names $n" ;;
            *) fail "imports.resolvable $p names $n" "$v" ;; esac
    done
done
printf 'root /\n' > "$TMP/root.pol"
v=$(resolvable "$E/prog-v3" --policy "$TMP/root.pol")
expect_eq "imports.resolvable: the policy's root line" "${v%%|*}" fail
"$OI" check -q --root / "$E/prog-v3" > /dev/null
expect_eq "imports.resolvable failure exits 1" "$?" 1
