#!/usr/bin/env bash
# Builds the Python package's wheel the way `pip install ./ffi/python` does (PEP 517:
# maturin and cffi from PyPI in an isolated build environment, the cdylib by cargo),
# installs it into a fresh virtual environment with the test requirements, and runs the
# pytest suite there (tests/ import the installed package only: without it every test
# fails). Reports the wheel's size. Uses $CARGO_TARGET_DIR when set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$(date +%s)
PY="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PY" -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" wheel --no-deps -w "$work/wheels" "$here"
wheel="$(ls "$work"/wheels/compact_token-*.whl)"
"${pip[@]}" install "$wheel" -r "$here/requirements-test.txt"
cd "$here/tests"
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider
echo "python: $(basename "$wheel") $(stat -c %s "$wheel") B; built, installed and tested in" \
    "$(( $(date +%s) - start )) s"
