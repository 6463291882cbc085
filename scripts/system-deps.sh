#!/usr/bin/env bash
# What the tests need from outside Python: Chromium for the browser tests (Debian), pdftoppm
# (poppler-utils) for the access report's pages as PNG in test-artifacts/, a Java runtime for
# the archive's Spark jobs (a standalone cluster started by their tests), the npm
# packages of tests/oidc and tests/axe. PostgreSQL's server binaries
# are expected on the machine; they are installed here too when missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The tests' npm packages when Node is here: the sign-on tests' OpenID provider (tests/oidc,
# oidc-provider) and the browser walk's accessibility checker (tests/axe, axe-core); without
# Node those tests are skipped with the reason (and fail under CI).
if command -v npm >/dev/null 2>&1; then
  for dir in oidc axe; do
    pkg="$(dirname "$0")/../tests/$dir"
    if [ ! -f "$pkg/node_modules/.package-lock.json" ] \
       || [ "$pkg/package-lock.json" -nt "$pkg/node_modules/.package-lock.json" ]; then
      (cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
  done
fi
