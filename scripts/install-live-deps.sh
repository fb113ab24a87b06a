#!/usr/bin/env bash
# install-live-deps.sh - installs the servers the live capture tests start on loopback (Dovecot,
# Radicale, htpasswd, openssl; curl and procps for the test scripts) when missing; quiet and
# idempotent.
set -euo pipefail

PACKAGES=(dovecot-imapd radicale apache2-utils openssl curl procps)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-live-deps.sh: missing ${missing[*]} and not root (no sudo)" >&2
    exit 1
  fi
  SUDO=sudo
else
  SUDO=
fi
# The live tests may start side by side (ctest -j): one installs, the other waits for it.
exec 9>"${TMPDIR:-/tmp}/kith-install-live-deps.lock"
flock -w 900 9 || true
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-live-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The tests run their own throwaway servers on loopback; the packaged services are not used.
apt_opts=(-o DPkg::Lock::Timeout=600 -qq)
$SUDO apt-get "${apt_opts[@]}" update >/dev/null
$SUDO apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  $SUDO apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
