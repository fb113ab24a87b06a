#!/usr/bin/env bash
# Installs the Debian packages kith's build and tests need, when missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config python3 sqlite3
  libglib2.0-dev libgmime-3.0-dev libical-dev libpsl-dev libidn2-dev
  libsqlite3-dev libjansson-dev libcsv-dev libcurl4-openssl-dev
  libmicrohttpd-dev libssl-dev openssl libxml2-dev
  clang-format
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "scripts/install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
