#!/usr/bin/env bash
# Builds the C ABI (release), compiles ffi/tests/c/test_ffi.c with the system C compiler
# against the staticlib (with AddressSanitizer and UBSan when they link here), runs it,
# then runs the Python (ctypes) example against the cdylib. Exits non-zero on any failure.
# Uses $CARGO_TARGET_DIR when set, else the workspace's target/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
start=$(date +%s)
cargo build -p compact-token-ffi --release --quiet
target="${CARGO_TARGET_DIR:-$root/target}/release"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
CC="${CC:-cc}"
flags=(-std=c11 -Wall -Wextra -Werror -O1 -g -I "$root/ffi/include")
libs=("$target/libcompact_token_ffi.a" -lpthread -ldl -lm)
san=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
echo 'int main(void){return 0;}' >"$out/probe.c"
if "$CC" "${san[@]}" "$out/probe.c" -o "$out/probe" 2>/dev/null && "$out/probe"; then
    flags+=("${san[@]}")
    echo "ffi tests: $CC with -fsanitize=address,undefined"
else
    echo "ffi tests: $CC without sanitizers (they do not link here)"
fi
"$CC" "${flags[@]}" "$root/ffi/tests/c/test_ffi.c" "${libs[@]}" -o "$out/test_ffi"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$out/test_ffi"
# Valgrind sees what the sanitizers do not instrument (the Rust side): uninitialised reads,
# leaks. CI installs it; elsewhere it runs when present.
if command -v valgrind >/dev/null; then
    "$CC" -std=c11 -Wall -Wextra -Werror -O1 -g -I "$root/ffi/include" \
        "$root/ffi/tests/c/test_ffi.c" "${libs[@]}" -o "$out/test_ffi_vg"
    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
        "$out/test_ffi_vg" >/dev/null
    echo "ffi tests: valgrind clean"
fi
python3 "$root/ffi/examples/python/example.py" "$target/libcompact_token_ffi.so"
echo "ffi tests: ok in $(( $(date +%s) - start )) s"
