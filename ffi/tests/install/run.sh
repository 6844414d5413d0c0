#!/usr/bin/env bash
# Installs the library into a temporary prefix (ffi/install.sh), then builds
# consumer.c out of tree with nothing but pkg-config, -Wall -Wextra -Werror, against the
# shared library and against the static one, and runs both. Checks the SONAME and that the
# shared program records it. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$(date +%s)
prefix="$(mktemp -d)"
build="$(mktemp -d)"
trap 'rm -rf "$prefix" "$build"' EXIT
bash "$here/../../install.sh" "$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
CC="${CC:-cc}"
cp "$here/consumer.c" "$build/"
cd "$build"
flags=(-std=c11 -Wall -Wextra -Werror -O2)
# shellcheck disable=SC2046 # pkg-config output is a list of flags
"$CC" "${flags[@]}" consumer.c $(pkg-config --cflags --libs compact_token) -o consumer-shared
# shellcheck disable=SC2046
"$CC" "${flags[@]}" -static consumer.c $(pkg-config --static --cflags --libs compact_token) \
    -o consumer-static 2>"$build/static.log" || { cat "$build/static.log" >&2; exit 1; }
if readelf -d consumer-static | grep -q NEEDED; then
    echo "install test: consumer-static is not static" >&2
    exit 1
fi
if ! readelf -d consumer-shared | grep -q 'NEEDED.*\[libcompact_token.so.0\]'; then
    echo "install test: consumer-shared does not record libcompact_token.so.0" >&2
    exit 1
fi
LD_LIBRARY_PATH="$prefix/lib" ./consumer-shared
./consumer-static
echo "install test: ok in $(( $(date +%s) - start )) s"
