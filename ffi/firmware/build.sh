#!/usr/bin/env bash
# Builds the firmware (no_std) static library of the C ABI and proves it: a C program
# linked with -nostartfiles -nostdlib -static against it (c/proof.c, with nostd-proof's
# _start and memory routines) issues and verifies tokens. Exit 0 means it ran with no std,
# no heap and no libc. Checks that nothing from std or alloc, and no libc function but the
# memory routines, is in the library. Usage: bash ffi/firmware/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
start=$(date +%s)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}/firmware"
cargo build --release --locked --quiet
lib="$CARGO_TARGET_DIR/release/libcompact_token.a"
if nm -C "$lib" 2>/dev/null | grep -E ' [TU] (std::|alloc::|__rust_alloc|__rdl_alloc|malloc$|free$)'; then
    echo "firmware: std, alloc or heap symbols in $lib" >&2
    exit 1
fi
# Undefined in one member of the archive and defined in none, but for compiler runtime
# helpers (__*: compiler_builtins refers to some it does not need; the -nostdlib link
# below fails if anything is really missing).
defined="$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)"
undefined="$(nm -u "$lib" 2>/dev/null | awk '$1 == "U" || $1 == "w" { print $2 }' | sort -u |
    comm -23 - <(echo "$defined") | grep -vE '^(memcpy|memmove|memset|memcmp|bcmp|__.*)$' || true)"
if [ -n "$undefined" ]; then
    echo "firmware: $lib needs more than the memory routines:" >&2
    echo "$undefined" >&2
    exit 1
fi
proofs="$here/../../nostd-proof/c"
# prove LIB OUT [CFLAGS...]: links c/proof.c against LIB -nostdlib into OUT and runs it;
# fails with the number of the check that failed.
prove() {
    local lib=$1 out=$2
    shift 2
    gcc -std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -fno-builtin -fno-stack-protector \
        -nostartfiles -nostdlib -static -I "$here/../include" "$@" \
        -o "$out" c/proof.c "$proofs/start.c" "$proofs/mem.c" "$lib" -Wl,--gc-sections
    set +e
    "$out"
    local code=$?
    set -e
    if [ "$code" -ne 0 ]; then
        echo "firmware ($lib): check $code failed" >&2
        exit 1
    fi
}
proof="$CARGO_TARGET_DIR/firmware-proof"
prove "$lib" "$proof"
echo "firmware: issued and verified through the C ABI with no std, no heap, no libc" \
    "(libcompact_token.a $(stat -c %s "$lib") B; proof program $(stat -c %s "$proof") B," \
    "static) in $(( $(date +%s) - start )) s"

# The same without the default feature compact-custom-claims: the proof expects compact
# to refuse custom claims (CT_CUSTOM_CLAIMS_DISABLED) and everything else to hold.
small="$CARGO_TARGET_DIR/no-custom-claims"
CARGO_TARGET_DIR="$small" cargo build --release --locked --quiet --no-default-features
prove "$small/release/libcompact_token.a" "$small/firmware-proof" -DCT_PROOF_NO_CUSTOM_CLAIMS
echo "firmware without compact-custom-claims: proven too (proof program" \
    "$(stat -c %s "$small/firmware-proof") B against $(stat -c %s "$proof") B)"
