#!/usr/bin/env bash
# Creates .venv and installs the project (with the test extras when given "dev").
# Uses uv when it can be had (fast); falls back to venv + pip.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
spec="."
[ "$extras" = "dev" ] && spec=".[dev]"
stamp=".venv/.installed-${extras:-main}"
if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then
  exit 0
fi
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check uv >/dev/null 2>&1 || true
fi
if command -v uv >/dev/null 2>&1; then
  [ -x .venv/bin/python ] || uv venv -q .venv -p python3
  uv pip install -q -p .venv/bin/python -e "$spec"
else
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -e "$spec"
fi
touch "$stamp"
