#!/usr/bin/env bash
# Runs every test of compact-token: the Rust workspace (unit, integration, doc tests,
# RFC and Wycheproof vectors, interop with the jsonwebtoken crate, PyJWT and jose, attack
# suites, property tests, allocation test), the C ABI's C tests (ASan/UBSan) and Python
# example, the no_std/no-heap/no-libc proof, and the PyJWT / jose peers' self-test.
# Installs what it needs (Python packages into interop/.venv, npm packages into
# interop/node_modules).
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# The peers first: std-ext/tests/peers.rs drives them and fails if they are missing.
bash interop/install.sh

echo "== cargo test (workspace)"
cargo test --workspace --locked

echo "== compact-token without compact-custom-claims (a verify-only firmware build's core)"
cargo test --locked -p compact-token --no-default-features --features rsa \
  --lib --test compact_custom_claims_feature

echo "== C ABI: C tests and Python example"
bash ffi/tests/run.sh

echo "== C library installed into a temporary prefix, used through pkg-config"
bash ffi/tests/install/run.sh

echo "== Python package: wheel built, installed into a fresh venv, pytest (PyJWT interop)"
bash ffi/python/test.sh

echo "== no_std proof"
bash nostd-proof/build.sh

echo "== C ABI firmware build (no_std, no heap, no libc), linked -nostdlib"
bash ffi/firmware/build.sh

echo "== interop peers (PyJWT, jose)"
bash interop/selftest.sh
