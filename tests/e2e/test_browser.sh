#!/usr/bin/env bash
# test_browser.sh - the administrator's console in Debian's Chromium (tests/browser): against the
# mock of docs/api.md, and against the real `kith serve` of the binary named by $1.
# Prints "N passed, M failed" last; exits non-zero on any failure; the tests get at most 170 s.
set -u
if [ $# -ne 1 ]; then
  echo "usage: test_browser.sh KITH" >&2
  exit 2
fi
KITH=$(realpath "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if ! bash "$ROOT/scripts/install-browser-deps.sh"; then
  echo "not ok - scripts/install-browser-deps.sh failed"
  echo "0 passed, 1 failed"
  exit 1
fi

export KITH
export KITH_TEST_ARTIFACTS="${KITH_TEST_ARTIFACTS:-$ROOT/tests/browser/artifacts}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cd "$ROOT/tests/browser" || exit 1
timeout -k 10 170 node --test --test-reporter=tap --test-timeout=60000 \
  console-mock.test.mjs console.test.mjs review-mock.test.mjs review.test.mjs >"$out" 2>&1
rc=$?
cat "$out"

# node's TAP summary: "# pass N", "# fail N", "# cancelled N", "# skipped N".
count() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$out" | tail -n 1; }
pass=$(count pass); fail=$(count fail); cancelled=$(count cancelled); skipped=$(count skipped)
pass=${pass:-0}; fail=${fail:-0}; cancelled=${cancelled:-0}; skipped=${skipped:-0}
fail=$((fail + cancelled))
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
  # killed by the time limit, or node failed before its summary
  echo "not ok - node --test exited $rc$([ "$rc" -eq 124 ] && echo ' (over the time limit)')"
  fail=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "# screenshots and the server's log: $KITH_TEST_ARTIFACTS; skipped tests say why above"
fi
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
