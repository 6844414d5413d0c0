#!/usr/bin/env bash
# Regenerates ffi/include/compact_token.h with the pinned cbindgen (installed if absent or
# of another version). `bash ffi/gen-header.sh [OUTPUT]` (default: the committed header).
set -euo pipefail
CBINDGEN_VERSION=0.29.2
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/include/compact_token.h}"
if [ "$(cbindgen --version 2>/dev/null || true)" != "cbindgen $CBINDGEN_VERSION" ]; then
    echo "gen-header: installing cbindgen $CBINDGEN_VERSION" >&2
    cargo install cbindgen --locked --version "=$CBINDGEN_VERSION" >&2
fi
cd "$here"
cbindgen --quiet --config cbindgen.toml --crate compact-token-ffi --output "$out" .
