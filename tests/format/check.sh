#!/usr/bin/env bash
# check.sh - every C file of the project is as clang-format writes it with the
# committed .clang-format. Usage: tests/format/check.sh SOURCE_DIR
# Prints one line per file that differs (and the first lines of its diff), then
# "N passed, M failed". Without clang-format it fails in CI and is skipped elsewhere
# (exit 77, which ctest shows as skipped).
set -u
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT" || exit 1
CF=${CLANG_FORMAT:-clang-format}
if ! command -v "$CF" >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then
    echo "not ok - $CF is missing (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1
  fi
  echo "skip: $CF is missing"; echo "0 passed, 0 failed"; exit 77
fi
[ -f .clang-format ] || { echo "not ok - no .clang-format in $ROOT"; echo "0 passed, 1 failed"; exit 1; }

pass=0 fail=0
while IFS= read -r f; do
  if out=$("$CF" --style=file "$f" | diff -u "$f" - 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "not ok - $f is not formatted (clang-format -i $f)"
    printf '%s\n' "$out" | sed -n '3,12p'
  fi
done < <(find src tests fuzz bench -name node_modules -prune -o \( -name '*.c' -o -name '*.h' \) -type f -print | sort)
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
