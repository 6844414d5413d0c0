#!/usr/bin/env bash
# Where a verify's stack peak is: builds `src/bin/stack_probe.rs`, single-steps its one
# `Peer::verify` under gdb, and prints the call chain at the lowest stack pointer reached,
# each frame with its depth below the verify's entry (bytes). A developer's tool (needs
# gdb; not run in CI): `--bin stack` gives the figures, this says which frames make them.
# Usage: benches/stack-probe.sh <jwt|compact|registered|jwtextras|compactextras> <eddsa|hs256>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
(cd "$root" && cargo build --release --quiet -p compact-token-benches --bin stack_probe)
bin=$target/release/stack_probe
entry=$(nm "$bin" | awk '/CompactToken.*Peer.*6verify/ && !found { print $1; found = 1 }')
[ -n "$entry" ] || { echo "stack-probe: Peer::verify not found in $bin" >&2; exit 1; }
script=$(mktemp --suffix=.py)
trap 'rm -f "$script"' EXIT
cat >"$script" <<PY
import gdb
gdb.execute("set pagination off")
gdb.execute("starti $*", to_string=True)
base = next(int(l.split()[0], 16)
            for l in gdb.execute("info proc mappings", to_string=True).splitlines()
            if "stack_probe" in l)
gdb.execute("break *0x%x" % (base + 0x$entry), to_string=True)
gdb.execute("continue", to_string=True)
start = int(gdb.parse_and_eval("\$rsp"))
lowest, chain, steps = start, [], 0
while True:
    gdb.execute("stepi", to_string=True)
    steps += 1
    sp = int(gdb.parse_and_eval("\$rsp"))
    if sp > start:
        break
    if sp < lowest:
        lowest, chain, frame = sp, [], gdb.selected_frame()
        while frame is not None and len(chain) < 32:
            chain.append((start - int(frame.read_register("rsp")), frame.name() or "?"))
            frame = frame.older()
print("%d instructions; peak %d B below Peer::verify's entry" % (steps, start - lowest))
for depth, name in chain:
    if depth < 0:
        break
    print("%6d  %s" % (depth, name))
PY
gdb -q -batch -x "$script" "$bin" 2>&1 | sed -n '/instructions; peak/,$p'
