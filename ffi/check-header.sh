#!/usr/bin/env bash
# Fails when ffi/include/compact_token.h differs from what the pinned cbindgen generates
# from ffi/src (run `bash ffi/gen-header.sh` and commit the header to fix).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
bash "$here/gen-header.sh" "$tmp"
if ! diff -u "$here/include/compact_token.h" "$tmp"; then
    echo "check-header: include/compact_token.h is stale: run bash ffi/gen-header.sh" >&2
    exit 1
fi
echo "check-header: include/compact_token.h is up to date"
