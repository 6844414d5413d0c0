#!/usr/bin/env bash
# Installs the interop peers' dependencies into interop/ (idempotent, quick when done):
#   interop/.venv          PyJWT + cryptography (pinned in requirements.txt)
#                          (falls back to interop/.pydeps via pip --target without venv)
#   interop/node_modules   jose, dpop, oidc-provider (pinned in package.json / package-lock.json)
# Usage: bash interop/install.sh [--python-only|--node-only]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
want_py=1; want_node=1
case "${1:-}" in
  --python-only) want_node=0 ;;
  --node-only) want_py=0 ;;
  "") ;;
  *) echo "usage: $0 [--python-only|--node-only]" >&2; exit 64 ;;
esac

PY="${PYTHON:-python3}"
stamp_of() { sha256sum "$1" | cut -c1-16; }

if [ "$want_py" = 1 ]; then
  want="$(stamp_of requirements.txt)"
  if [ -x .venv/bin/python ] && [ "$(cat .venv/.ct-stamp 2>/dev/null)" = "$want" ]; then
    echo "interop: python deps up to date (.venv)"
  elif [ -d .pydeps ] && [ "$(cat .pydeps/.ct-stamp 2>/dev/null)" = "$want" ]; then
    echo "interop: python deps up to date (.pydeps)"
  elif rm -rf .venv && "$PY" -m venv .venv >/dev/null 2>&1 && [ -x .venv/bin/python ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$want" > .venv/.ct-stamp
    echo "interop: installed $(.venv/bin/python -c 'import jwt,cryptography;print("PyJWT",jwt.__version__,"cryptography",cryptography.__version__)') into interop/.venv"
  else
    rm -rf .venv .pydeps
    "$PY" -m pip install --quiet --disable-pip-version-check --target .pydeps -r requirements.txt
    echo "$want" > .pydeps/.ct-stamp
    echo "interop: installed python deps into interop/.pydeps (no venv available)"
  fi
fi

if [ "$want_node" = 1 ]; then
  command -v node >/dev/null || { echo "interop: node not found" >&2; exit 1; }
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || { echo "interop: node >= 20 required (have $(node --version))" >&2; exit 1; }
  want="$(stamp_of package-lock.json)"
  if [ -f node_modules/jose/package.json ] && [ "$(cat node_modules/.ct-stamp 2>/dev/null)" = "$want" ]; then
    echo "interop: node deps up to date (node_modules)"
  else
    npm ci --prefix "$HERE" --no-audit --no-fund --loglevel=error
    echo "$want" > node_modules/.ct-stamp
    echo "interop: installed jose, dpop and oidc-provider into interop/node_modules"
  fi
fi
