# tap.sh - the counting every end-to-end script shares; source it.
#   ok WHAT / fail WHAT    one "ok - WHAT" or "not ok - WHAT" line, counted
#   finish                 "N passed, M failed", then exit 0 only when none failed
passes=0
fails=0
ok() { passes=$((passes + 1)); echo "ok - $1"; }
fail() { fails=$((fails + 1)); echo "not ok - $1"; }
finish() {
  echo "$passes passed, $fails failed"
  [ "$fails" = 0 ]
  exit $?
}
# e2e_start KITH_PATH: KITH the binary's absolute path, T a fresh folder
# (removed at exit) made the working folder, KITH_DB and KITH_CONFIG unset.
e2e_start() {
  KITH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  T=$(mktemp -d)
  trap 'rm -rf "$T"' EXIT
  cd "$T" || exit 1
  unset KITH_DB KITH_CONFIG
}
