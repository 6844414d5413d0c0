#!/usr/bin/env bash
# Regenerates benches/REPORT.md in one go: sizes, speed ratios, allocations and stack
# (the report bin), instruction counts under callgrind (noise-free ratios, since timings
# on a shared machine are not), and the no_std footprint (footprint/measure.sh).
# Usage: benches/report.sh [--quick]   (honours CARGO_TARGET_DIR; needs valgrind, gcc)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
bin=$CARGO_TARGET_DIR/release
out=$here/REPORT.md
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

(cd "$root" && cargo build --release --quiet -p compact-token-benches --bins)
# RS256 through compact-token needs the benches' `rsa` feature: its own build and target.
rsa_bin=$CARGO_TARGET_DIR/rsa-feature/release
(cd "$root" && CARGO_TARGET_DIR=$CARGO_TARGET_DIR/rsa-feature cargo build --release --quiet \
  -p compact-token-benches --features rsa --bin instructions)
instructions=$bin/instructions
echo "report: uptime before: $(uptime)" >&2
"$bin/report" "$@" >"$tmp"
# What was measured: the commit, and whether the measured crates had uncommitted changes.
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$root" diff --quiet HEAD -- core benches 2>/dev/null; then
  rev="$rev + uncommitted changes in core/ or benches/"
fi
sed -i "s|^- toolchain: |- source: git $rev\n- toolchain: |" "$tmp"

# Per-call instructions: (count at n calls - count at 0 calls) / n.
ir() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$instructions" "$1" "$2" 2>&1 |
    sed -n 's/.*Collected : //p'
}
per_call() {
  local n=$2 a b
  a=$(ir "$1" 0)
  b=$(ir "$1" "$n")
  echo $(((b - a) / n))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f×", a / b }'; }
# Issue 12's speed targets, read by instruction counts: "label|ours|bare|max" rows.
targets=()
target() { targets+=("$1|$2|$3|$4"); }
{
  echo
  echo "## Instruction counts (callgrind): noise-free ratios"
  echo
  echo "Per call, over the token's own signing input (the access token's, but in the ID token rows); \`valgrind --tool=callgrind\` on"
  echo "\`src/bin/instructions.rs\`, (count at n calls − count at 0) / n. Instructions are not"
  echo "time, but they do not move with the machine's load: when the load average above"
  echo "exceeds the core count, read these ratios, not the timed ones."
  echo
  echo "| operation | ours | bare, key setup per call | × | bare, keyed once | × |"
  echo "|---|--:|--:|--:|--:|--:|"
  for p in jwt compact registered jwtextras compactextras; do
    o=$(per_call "hs-$p-verify" 1000)
    b=$(per_call "bare-hmac-verify:$p" 1000)
    k=$(per_call "bare-hmac-keyed-verify:$p" 1000)
    echo "| HS256 verify, \`$p\` | $o | $b | $(ratio "$o" "$b") | $k | $(ratio "$o" "$k") |"
    case $p in
      compact) target "HS256 verify, \`compact\`, × bare HMAC (key setup per call)" "$o" "$b" 1.5 ;;
      jwt) target "HS256 verify, \`jwt\`, × bare HMAC (key setup per call)" "$o" "$b" 2.5 ;;
    esac
  done
  for p in compact jwt; do
    o=$(per_call "hs-$p-issue" 1000)
    b=$(per_call "bare-hmac-verify:$p" 1000)
    echo "| HS256 issue, \`$p\` | $o | $b | $(ratio "$o" "$b") | | |"
    if [ "$p" = compact ]; then max=1.5; else max=2.0; fi
    target "HS256 issue, \`$p\`, × bare HMAC over the same input" "$o" "$b" "$max"
  done
  for p in jwt compact registered jwtextras compactextras; do
    o=$(per_call "ed-$p-verify" 50)
    b=$(per_call "bare-ed-verify:$p" 50)
    echo "| EdDSA verify, \`$p\` | $o | $b | $(ratio "$o" "$b") | | |"
    target "EdDSA verify, \`$p\`, × bare \`verify_strict\`" "$o" "$b" 1.03
  done
  for p in jwt compact registered jwtextras compactextras; do
    o=$(per_call "ed-$p-issue" 50)
    b=$(per_call "bare-ed-sign:$p" 50)
    echo "| EdDSA issue, \`$p\` | $o | $b | $(ratio "$o" "$b") | | |"
    target "EdDSA issue, \`$p\`, × bare \`sign\`" "$o" "$b" 1.03
  done
  # The ID token (with its profile claims), each profile, against the bare primitive over
  # the ID token's own signing input.
  for p in jwt compact registered; do
    o=$(per_call "edid-$p-verify" 50)
    b=$(per_call "bare-ed-verify-id:$p" 50)
    echo "| EdDSA verify, ID token, \`$p\` | $o | $b | $(ratio "$o" "$b") | | |"
    target "EdDSA verify, ID token, \`$p\`, × bare \`verify_strict\`" "$o" "$b" 1.03
    o=$(per_call "edid-$p-issue" 50)
    b=$(per_call "bare-ed-sign-id:$p" 50)
    echo "| EdDSA issue, ID token, \`$p\` | $o | $b | $(ratio "$o" "$b") | | |"
    target "EdDSA issue, ID token, \`$p\`, × bare \`sign\`" "$o" "$b" 1.03
  done
  echo
  echo "ES256, RS256 and the verified-token cache (\`src/algs.rs\`): ours and the peers against the"
  echo "bare primitive (p256 0.14, rsa 0.10) over each token's own signing input; the cache's hit"
  echo "and miss against the plain verify of the same access token; DPoP (\`src/dpop.rs\`): a bound"
  echo "access token and its proof verified in one call against the bare Ed25519 + P-256 (or"
  echo "Ed25519) verifies over the same two signing inputs, and a proof issued against p256 signing."
  echo
  echo "| operation | count | against | count | × |"
  echo "|---|--:|---|--:|--:|"
  row() {
    local o b
    o=$(per_call "$1" "$3")
    b=$(per_call "$2" "$3")
    echo "| \`$1\` | $o | \`$2\` | $b | $(ratio "$o" "$b") |"
    case $1 in
      es-*) target "ES256 ${1#es-}, × bare p256" "$o" "$b" 1.03 ;;
    esac
  }
  for p in jwt compact; do
    row "es-$p-verify" "bare-es-verify:$p" 20
    row "es-$p-issue" "bare-es-sign:$p" 20
  done
  for peer in jsonwebtoken jwt-simple jwt-compact; do
    row "peer-es-verify:$peer" "bare-es-verify:$peer" 20
    row "peer-es-issue:$peer" "bare-es-sign:$peer" 20
    row "peer-rs-verify:$peer" "bare-rs-verify:$peer" 20
  done
  # RS256 through compact-token: the `rsa` feature, built apart (it widens every signature
  # buffer, which would move the figures above).
  instructions=$rsa_bin/instructions
  for p in jwt compact; do
    row "rs-$p-verify" "bare-rs-verify:$p" 20
  done
  instructions=$bin/instructions
  for a in ed hs hsid; do
    for p in jwt compact; do
      n=50
      if [ "$a" != ed ]; then n=1000; fi
      row "cache-hit-$a-$p" "cache-none-$a-$p" "$n"
      row "cache-miss-$a-$p" "cache-none-$a-$p" "$n"
    done
  done
  # DPoP (issue 15, `src/dpop.rs`): one `dpop::verify_access` (EdDSA token, ES256 or EdDSA
  # proof, a replay check that accepts) against both bare signature checks over the same bytes.
  for p in jwt compact; do
    row "dpop-$p-verify" "bare-dpop-verify:$p" 20
    row "dpop-$p-verify-ed" "bare-dpop-verify-ed:$p" 20
  done
  row dpop-proof-issue bare-dpop-sign 20
  echo
  echo "(\`registered\`: the \`compact\` profile with issuer-registered values; \`…extras\`: the access token with three custom claims — roles, tenant, cnf.jkt — two of them required by the policy.)"
  echo
  echo "## Issue 12 targets, read by instruction counts"
  echo
  echo "Speed targets from the counts above (noise-free); stack, allocations and sizes are in"
  echo "the timed run's targets table at the top, the footprint's below, the cache's in its section."
  echo
  echo "| figure | ours | bare | × | target | verdict |"
  echo "|---|--:|--:|--:|--:|---|"
  for t in "${targets[@]}"; do
    IFS='|' read -r label o b max <<<"$t"
    echo "| $label | $o | $b | $(ratio "$o" "$b") | ≤ ${max}× | $(awk -v a="$o" -v b="$b" -v m="$max" \
      'BEGIN { r = a / b; if (r <= m) print "met"; else printf "**missed** by %.1f %%\n", (r / m - 1) * 100 }') |"
  done
  echo
  "$here/footprint/measure.sh"
  echo
  echo "Load average when done: $(cut -d' ' -f1-3 /proc/loadavg). Regenerate with \`benches/report.sh\`."
} >>"$tmp"
mv "$tmp" "$out"
trap - EXIT

# The README shows the latest output between its markers, headings one level down.
readme=$here/README.md
awk -v report="$out" '
  /^<!-- report:begin -->$/ {
    print
    while ((getline line < report) > 0) {
      if (line ~ /^#/) line = "#" line
      print line
    }
    skip = 1
    next
  }
  /^<!-- report:end -->$/ { skip = 0 }
  !skip { print }
' "$readme" >"$readme.tmp"
mv "$readme.tmp" "$readme"
echo "report: wrote $out and the latest-output section of $readme" >&2
