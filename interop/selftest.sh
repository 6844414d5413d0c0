#!/usr/bin/env bash
# Self-test of the PyJWT and jose interop peers (installs them first if needed).
# Last line: "N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/install.sh" >&2
exec "${PYTHON:-python3}" "$HERE/selftest.py"
