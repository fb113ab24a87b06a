#!/usr/bin/env bash
# crash_long.sh - crash consistency, long form: 50 SIGKILLs at random moments of
# ingest, sync and dedup on a mailbox forty times the size of the CI test's, so
# that kills land between ingest's commit batches (5,000 activities) and between
# sync's batches (256 outbox entries). The short form is tests/e2e/test_crash.sh;
# both run tests/reliability/crash_run.sh, which says what is compared.
#
#   bench/crash_long.sh [KILLS]        # default 50
#
# KITH=path/to/kith (default build-bench/kith, else build-rel/kith, else build/kith),
# CRASH_EMAILS / CRASH_MEETINGS / CRASH_PEOPLE (default 12000 / 1200 / 80: over 256
# outbox entries, so sync has several batches), CRASH_SEED (repeat a run),
# CRASH_MAX_PER_JOB (default 3), BENCH_WORK (scratch, default /tmp/kith-bench).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
KILLS=${1:-50}
if [ -z "${KITH:-}" ]; then
  for b in build-bench build-rel build; do
    [ -x "$SRC/$b/kith" ] && { KITH=$SRC/$b/kith; break; }
  done
fi
[ -x "${KITH:-}" ] || { echo "crash_long: no kith binary (build one, or set KITH)" >&2; exit 1; }
WORK=${BENCH_WORK:-/tmp/kith-bench}/crash
rm -rf "$WORK"
export CRASH_EMAILS=${CRASH_EMAILS:-12000} CRASH_MEETINGS=${CRASH_MEETINGS:-1200} CRASH_PEOPLE=${CRASH_PEOPLE:-80}
echo "crash_long: $KITH, $KILLS kills, work in $WORK"
t0=$(date +%s)
bash "$SRC/tests/reliability/crash_run.sh" "$KITH" "$WORK" "$KILLS"
rc=$?
echo "crash_long: $(( $(date +%s) - t0 )) s, exit $rc"
exit $rc
