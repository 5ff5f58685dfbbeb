#!/bin/sh
# install-deps.sh PKG... — install, through apt-get, the Debian packages that
# are missing. Used by `make run` and `make check`; does nothing when all are
# present, so it is cheap on every run.
missing=
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "objinspect: installing missing packages:$missing"
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "objinspect: run as root (or install:$missing)" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -q >/dev/null || { echo "objinspect: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
${SUDO:-} apt-get install -y -q --no-install-recommends $missing >/dev/null ||
    { echo "objinspect: apt-get install failed for:$missing" >&2; exit 1; }
