#!/usr/bin/env bash
# Builds the no_std proof and runs it: exit 0 means a token was issued and verified with
# no std, no allocator and no libc. Usage: nostd-proof/build.sh
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet
lib=target/release/libcompact_token_nostd_proof.a
# Nothing from std or alloc may be in the archive.
if nm -C "$lib" 2>/dev/null | grep -E ' [TU] (std::|alloc::alloc::|__rust_alloc|__rdl_alloc)' ; then
  echo "nostd-proof: std or alloc symbols found" >&2
  exit 1
fi
gcc -O2 -ffreestanding -fno-builtin -fno-stack-protector -nostartfiles -nostdlib -static \
  -o target/nostd-proof c/start.c c/mem.c "$lib" -Wl,--gc-sections
set +e
target/nostd-proof
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "nostd-proof: check $code failed" >&2
  exit 1
fi
echo "nostd-proof: issued and verified with no std, no heap, no libc ($(stat -c %s target/nostd-proof) bytes, static)"
