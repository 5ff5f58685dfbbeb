#!/bin/sh
# Add a minimised fuzz finding to the regression directory as text:
#   sh tests/fuzz/add-regress.sh TARGET INPUT NAME "what it found; where fixed"
# writes tests/fuzz/regress/TARGET/NAME.hex, which make check replays
# through replay-TARGET (see replay.c for the format).
set -e
[ $# -eq 4 ] || { echo "usage: $0 TARGET INPUT NAME DESCRIPTION" >&2; exit 3; }
dir=$(dirname "$0")/regress/$1
mkdir -p "$dir"
out=$dir/$3.hex
{
    printf '# %s\n' "$4" | fold -s -w 76 | sed '2,$s/^/# /'
    printf '# target: fuzz-%s; %s bytes\n' "$1" "$(wc -c < "$2" | tr -d ' ')"
    od -An -v -tx1 "$2" | tr -d ' ' | fold -w 64
} > "$out"
echo "$out"
