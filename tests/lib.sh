# Shared helpers for the shell tests. Each test prints one line
# "PASS: name" or "FAIL: name: why"; tests/run.sh counts them.
# Environment: BUILD (build dir), FIX (fixtures dir).
: "${BUILD:=build}" "${FIX:=build/fixtures}"
OI=${OI:-$BUILD/objinspect}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
# expect_eq NAME ACTUAL EXPECTED
expect_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi
}
# jget FILE.json KEY... : a field of the first JSON document (python3)
jget() { python3 "$(dirname "$0")/../jget.py" "$@"; }
# need TOOL: skip (as a failure, loudly) when a peer tool is missing
need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    fail "tool $1" "not installed (make check installs it)"
    return 1
}
