#!/usr/bin/env bash
# test_install.sh - cmake --install puts the binary where contrib/kith.service
# runs it, the unit where systemd finds it, and the docs (#20).
#
#   bash tests/e2e/test_install.sh /path/to/build/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
KITH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BUILD=$(dirname "$KITH")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if ! cmake --install "$BUILD" --prefix "$T/usr/local" >"$T/install.log" 2>&1; then
  fail "cmake --install: $(tail -n 3 "$T/install.log")"; finish
fi
[ -x "$T/usr/local/bin/kith" ] && ok "the binary is installed as PREFIX/bin/kith" || fail "no bin/kith"
exec_line=$(grep '^ExecStart=' "$T/usr/local/lib/systemd/system/kith.service" 2>/dev/null)
case "$exec_line" in
  ExecStart=/usr/local/bin/kith\ *) ok "the unit is installed and runs /usr/local/bin/kith" ;;
  *) fail "unit: '$exec_line'" ;;
esac
[ -f "$T/usr/local/share/doc/kith/operations.md" ] && ok "the docs are installed" || fail "no docs"
"$T/usr/local/bin/kith" --db "$T/k.db" init >/dev/null 2>&1 && [ -f "$T/k.db" ] &&
  ok "the installed binary runs on its own (data embedded)" || fail "installed kith init"
finish
