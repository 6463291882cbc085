#!/usr/bin/env bash
# What the tests need from outside Python: Chromium for the browser tests (Debian), the npm
# packages of tests/oidc. PostgreSQL's server binaries
# are expected on the machine; they are installed here too when missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The sign-on tests' OpenID provider (tests/oidc, the npm oidc-provider) when Node is here;
# without Node those tests are skipped with the reason (and fail under CI).
if command -v npm >/dev/null 2>&1; then
  oidc="$(dirname "$0")/../tests/oidc"
  if [ ! -f "$oidc/node_modules/.package-lock.json" ] \
     || [ "$oidc/package-lock.json" -nt "$oidc/node_modules/.package-lock.json" ]; then
    (cd "$oidc" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
