#!/bin/sh
# The real-world corpus run: fetch ../shared/corpus (Debian and npm binaries,
# ~290 MB) into $CORPUS_DIR (default build/corpus; reused when present), then
# run every tests/conformance/*.sh on it. When the download fails it says so
# plainly and exits 0: the corpus is a bonus on top of the fixtures, and
# CI's network may be down. Mismatches on a downloaded corpus fail.
: "${BUILD:=build}" "${CORPUS_DIR:=build/corpus}"
export BUILD
fetch=../shared/corpus/fetch-corpus.sh
if [ ! -f "$CORPUS_DIR/manifest.tsv" ]; then
    if [ ! -f "$fetch" ]; then
        echo "corpus: SKIPPED: $fetch not found"
        exit 0
    fi
    echo "corpus: fetching into $CORPUS_DIR (about 290 MB)"
    if ! bash "$fetch" "$CORPUS_DIR" > "$BUILD/corpus-fetch.log" 2>&1 ||
       [ ! -f "$CORPUS_DIR/manifest.tsv" ]; then
        echo "corpus: SKIPPED: download failed (see $BUILD/corpus-fetch.log):"
        tail -n 3 "$BUILD/corpus-fetch.log"
        exit 0
    fi
fi
echo "corpus: $(($(wc -l < "$CORPUS_DIR/manifest.tsv") - 1)) files in $CORPUS_DIR"
rc=0
for s in tests/conformance/*.sh; do
    [ -f "$s" ] || continue
    echo "== $s $CORPUS_DIR"
    sh "$s" "$CORPUS_DIR" || rc=1
done
exit $rc
