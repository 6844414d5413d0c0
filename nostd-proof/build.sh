#!/usr/bin/env bash
# Builds the no_std proof and runs it: exit 0 means a token was issued and verified with
# no std, no allocator and no libc. Usage: nostd-proof/build.sh
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet
# Where cargo put it: CARGO_TARGET_DIR when set (checking a stale nostd-proof/target/
# instead would pass without testing the new code).
out="${CARGO_TARGET_DIR:-target}"
lib="$out/release/libcompact_token_nostd_proof.a"
[ -f "$lib" ] || { echo "nostd-proof: $lib not built" >&2; exit 1; }
# Nothing from std or alloc may be in the archive.
if nm -C "$lib" 2>/dev/null | grep -E ' [TU] (std::|alloc::alloc::|__rust_alloc|__rdl_alloc)' ; then
  echo "nostd-proof: std or alloc symbols found" >&2
  exit 1
fi
gcc -O2 -ffreestanding -fno-builtin -fno-stack-protector -nostartfiles -nostdlib -static \
  -o "$out/nostd-proof" c/start.c c/mem.c "$lib" -Wl,--gc-sections
set +e
"$out/nostd-proof"
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "nostd-proof: check $code failed" >&2
  exit 1
fi
echo "nostd-proof: issued and verified with no std, no heap, no libc ($(stat -c %s "$out/nostd-proof") bytes, static)"
