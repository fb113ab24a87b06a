#!/usr/bin/env bash
# Installs what the browser tests need, when missing: Debian's chromium, and playwright-core in tests/browser.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "scripts/install-browser-deps.sh: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# playwright-core, pinned in package-lock.json; it drives /usr/bin/chromium and downloads no browser.
if [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]; then
  echo "scripts/install-browser-deps.sh: npm ci in tests/browser" >&2
  (cd "$ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
