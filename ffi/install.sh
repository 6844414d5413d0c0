#!/usr/bin/env bash
# Installs the C library like any C library: `bash ffi/install.sh PREFIX` writes
#   PREFIX/include/compact_token.h
#   PREFIX/lib/libcompact_token.a            (static; exports only ct_* symbols)
#   PREFIX/lib/libcompact_token.so.X.Y.Z     (shared; SONAME libcompact_token.so.X)
#   PREFIX/lib/libcompact_token.so.X, .so    (symlinks)
#   PREFIX/lib/pkgconfig/compact_token.pc
# then: cc prog.c $(pkg-config --cflags --libs compact_token)          (shared)
#       cc -static prog.c $(pkg-config --static --cflags --libs compact_token)   (static)
# with PKG_CONFIG_PATH=PREFIX/lib/pkgconfig when PREFIX is not a system prefix.
# LIBDIR=... overrides PREFIX/lib (e.g. lib64). ELF platforms (Linux, the BSDs) only: the
# static library is relinked with GNU ld and objcopy. Uses $CARGO_TARGET_DIR when set.
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: bash ffi/install.sh PREFIX" >&2
    exit 2
fi
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
libdir="${LIBDIR:-$prefix/lib}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
major="${version%%.*}"
cargo build -p compact-token-ffi --release --locked --quiet
target="${CARGO_TARGET_DIR:-$root/target}/release"

mkdir -p "$prefix/include" "$libdir/pkgconfig"
install -m 644 ffi/include/compact_token.h "$prefix/include/compact_token.h"

# Shared library: build.rs already gave it the SONAME and rustc exports only ct_*.
so="libcompact_token.so.$version"
install -m 755 "$target/libcompact_token_ffi.so" "$libdir/$so"
ln -sf "$so" "$libdir/libcompact_token.so.$major"
ln -sf "libcompact_token.so.$major" "$libdir/libcompact_token.so"

# Static library: rustc's archive holds the whole Rust standard library with ~1,200
# global symbols, which collide with a second Rust static library in the same program.
# Relink it into one object keeping only what the ct_* functions reach (--gc-sections),
# drop the embedded LLVM bitcode (unusable once merged) and debug info, and make every
# symbol but ct_* local.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
archive="$target/libcompact_token_ffi.a"
keep=()
while read -r sym; do keep+=(-u "$sym"); done < <(
    nm -g --defined-only "$archive" 2>/dev/null | awk '$3 ~ /^ct_/ { print $3 }' | sort -u)
ld -r --gc-sections "${keep[@]}" --whole-archive "$archive" -o "$work/compact_token.o"
objcopy -R .llvmbc -R .llvmcmd --strip-debug --wildcard --keep-global-symbol='ct_*' \
    "$work/compact_token.o" "$work/compact_token.o"
rm -f "$libdir/libcompact_token.a"
ar rcs "$libdir/libcompact_token.a" "$work/compact_token.o"
exported="$(nm -g --defined-only "$libdir/libcompact_token.a" 2>/dev/null | awk 'NF == 3 { print $3 }')"
if echo "$exported" | grep -qv '^ct_'; then
    echo "install: the static library exports symbols other than ct_*:" >&2
    echo "$exported" | grep -v '^ct_' | head >&2
    exit 1
fi

cat >"$libdir/pkgconfig/compact_token.pc" <<PC
prefix=$prefix
libdir=$libdir
includedir=\${prefix}/include

Name: compact_token
Description: Small, strict access and ID tokens (JWS compact): the compact-token C ABI
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lcompact_token
Libs.private: -lpthread -ldl -lm
PC

echo "install: compact_token $version into $prefix:" \
    "libcompact_token.a $(stat -c %s "$libdir/libcompact_token.a") B" \
    "($(echo "$exported" | wc -l) symbols, all ct_*)," \
    "$so $(stat -c %s "$libdir/$so") B (SONAME libcompact_token.so.$major)"
