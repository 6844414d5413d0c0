#!/usr/bin/env bash
# Builds every fuzz target and runs each for a bounded time: `bash fuzz/run.sh [seconds]`
# (default 20 per target). Stable Rust via RUSTC_BOOTSTRAP=1; installs cargo-fuzz if absent.
# Exits non-zero on any crash, timeout or out-of-memory (libFuzzer's own exit code), leaving
# the input in fuzz/artifacts/<target>/.
#
# FUZZ_SANITIZER=address|none (default none: core forbids unsafe code, and no-ASan builds
# in half the time; the long local runs in README.md used address). FUZZ_TARGETS="a b"
# runs a subset.
set -euo pipefail

SECONDS_PER_TARGET="${1:-20}"
SANITIZER="${FUZZ_SANITIZER:-none}"
cd "$(dirname "$0")/.."   # repository root: cargo fuzz finds fuzz/ from here
export RUSTC_BOOTSTRAP=1
# One process at a time (shared 2-core machines).
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

start=$(date +%s)
cargo fuzz build --fuzz-dir fuzz --sanitizer "$SANITIZER"
echo "fuzz: built all targets in $(( $(date +%s) - start )) s (sanitizer: $SANITIZER)"

targets="${FUZZ_TARGETS:-$(cargo fuzz list --fuzz-dir fuzz)}"
failed=()
for t in $targets; do
    corpus="fuzz/corpus/$t"
    mkdir -p "$corpus" "fuzz/artifacts/$t"
    if [ -d "fuzz/seeds/$t" ]; then cp -n fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null || true; fi
    log="fuzz/artifacts/$t/run.log"
    if cargo fuzz run --fuzz-dir fuzz --sanitizer "$SANITIZER" "$t" "$corpus" -- \
        -dict=fuzz/jose.dict -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
        echo "fuzz: $t ok: $runs runs in ${SECONDS_PER_TARGET} s, $cov"
    else
        echo "fuzz: $t FAILED (log: $log)"
        grep -A 4 -E 'panicked at|ERROR: AddressSanitizer|ERROR: libFuzzer: (timeout|out-of-memory)' "$log" \
            | grep -v -E '^ +[0-9]+: |^ +at |stack backtrace' | head -20 || tail -20 "$log"
        grep -E '^artifact_prefix|Test unit written to' "$log" || true
        failed+=("$t")
    fi
done
echo "fuzz: $(( $(date +%s) - start )) s in all"
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: crashes in: ${failed[*]}"
    exit 1
fi
