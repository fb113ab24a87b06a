#!/usr/bin/env bash
# crash_run.sh - the crash-consistency experiment shared by tests/e2e/test_crash.sh
# (short form) and bench/crash_long.sh (long form).
#
#   crash_run.sh KITH WORKDIR KILLS
#
# Generates an organisation and mailbox (gen_corpus.py), runs the job
# "ingest, sync, dedup, sync" once without interruption (the reference), then
# runs it again and again from the same imported CRM while killing kith with
# SIGKILL at random moments of random steps, rerunning each interrupted
# command until it completes. After every job the CRM and the engagement log
# are compared with the reference (crash_compare.py). It stops once KILLS
# kills have landed (a kill that comes after the command finished does not
# count). After every kill, a copy of the store is checked with
# `PRAGMA integrity_check` and its progress recorded (activities captured and
# decided, outbox entries applied) to show where the kill landed.
#
# Environment: CRASH_SEED (random seed, printed; default: from the clock),
# CRASH_EMAILS / CRASH_MEETINGS / CRASH_PEOPLE (corpus size: emails, meetings,
# external people per account; default 300 / 30 / 14),
# CRASH_MAX_PER_JOB (most kills in one job, default 3), PYTHON.
# Prints one "ok - ..." or "not ok - ..." line per check, then
# "crash: N kills (ingest I, sync S, dedup D), M jobs, F failures"; exits 1 on
# any failure.
set -u
KITH=$1
WORK=$2
KILLS=$3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=${PYTHON:-python3}
SEED=${CRASH_SEED:-$(( $(date +%s%N) % 32768 ))}
EMAILS=${CRASH_EMAILS:-300}
MEETINGS=${CRASH_MEETINGS:-30}
PEOPLE=${CRASH_PEOPLE:-14}
MAX_PER_JOB=${CRASH_MAX_PER_JOB:-3}
RANDOM=$SEED
HAVE_SQLITE=0
command -v sqlite3 >/dev/null 2>&1 && HAVE_SQLITE=1

failures=0
ok()   { echo "ok - $*"; }
fail() { failures=$((failures + 1)); echo "not ok - $*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

echo "crash: seed $SEED (CRASH_SEED=$SEED reproduces the kill schedule), $EMAILS emails, $MEETINGS meetings, $PEOPLE people per account, $KILLS kills"
mkdir -p "$WORK"
"$PY" "$HERE/gen_corpus.py" --out "$WORK/corpus" --emails "$EMAILS" --meetings "$MEETINGS" --people "$PEOPLE" ||
  { fail "generate the corpus"; exit 1; }
CONF=$WORK/corpus/kith.conf
MAIL=$WORK/corpus/mail
export KITH_CONFIG=$CONF
unset KITH_DB

# The imported CRM every job starts from.
BASE=$WORK/base.db
rm -f "$BASE" "$BASE-wal" "$BASE-shm"
"$KITH" --db "$BASE" init >/dev/null || { fail "init"; exit 1; }
for o in User Account AccountTeamMember Contact Lead Opportunity OpportunityContactRole; do
  "$KITH" --db "$BASE" crm import "$o" "$WORK/corpus/crm/$o.csv" >/dev/null 2>"$WORK/import.err" ||
    { fail "import $o: $(head -c 300 "$WORK/import.err")"; exit 1; }
done

fresh_store() { # DB: a copy of the imported CRM
  rm -f "$1" "$1-wal" "$1-shm"
  cp "$BASE" "$1"
  [ -f "$BASE-wal" ] && cp "$BASE-wal" "$1-wal"
  return 0
}

STEPS=("ingest $MAIL" "sync" "dedup" "sync")
STEP_NAMES=(ingest sync dedup sync)

# export_outcome DB DIR
export_outcome() {
  mkdir -p "$2"
  "$KITH" --db "$1" crm export Contact >"$2/Contact.csv" &&
    "$KITH" --db "$1" crm export OpportunityContactRole >"$2/OpportunityContactRole.csv" &&
    "$KITH" --db "$1" log --format csv >"$2/log.csv"
}

# The reference job, timed per step: kills are scheduled within these times.
REF=$WORK/ref.db
fresh_store "$REF"
declare -a STEP_MS
for i in "${!STEPS[@]}"; do
  t0=$(now_ms)
  # shellcheck disable=SC2086
  "$KITH" --db "$REF" ${STEPS[$i]} >"$WORK/ref.$i.out" 2>"$WORK/ref.$i.err" ||
    { fail "reference ${STEP_NAMES[$i]}: $(head -c 300 "$WORK/ref.$i.err")"; exit 1; }
  STEP_MS[$i]=$(( $(now_ms) - t0 + 2 ))
done
export_outcome "$REF" "$WORK/ref" || { fail "export the reference"; exit 1; }
echo "crash: reference job: $(head -n 1 "$WORK/ref.0.out"); step times (ms): ${STEP_MS[*]}"
grep -q ' 0 roles queued to move' "$WORK/ref.2.out" && echo "crash: note: the reference dedup moved no role"

# probe DB: prints "activities A (pending P), outbox done D of Q, integrity R" for
# a copy of the store as the kill left it (the copy, so that sqlite3 does not
# checkpoint or recover the original before kith reopens it).
probe() {
  [ "$HAVE_SQLITE" = 1 ] || { echo "(sqlite3 missing)"; return 0; }
  local p=$WORK/probe
  rm -rf "$p"; mkdir -p "$p"
  cp "$1" "$p/s.db"
  [ -f "$1-wal" ] && cp "$1-wal" "$p/s.db-wal"
  sqlite3 "$p/s.db" "SELECT 'activities ' || (SELECT count(*) FROM activity) || ' (pending ' ||
      (SELECT count(*) FROM activity WHERE state = 'pending') || '), outbox done ' ||
      (SELECT count(*) FROM outbox WHERE state <> 'pending') || ' of ' || (SELECT count(*) FROM outbox);
      PRAGMA integrity_check;" 2>&1 | tr '\n' ' '
}

kills=0; missed=0; jobs=0
declare -A KILLED_IN=([ingest]=0 [sync]=0 [dedup]=0)
max_jobs=$(( KILLS * 4 + 4 ))
while [ "$kills" -lt "$KILLS" ] && [ "$jobs" -lt "$max_jobs" ]; do
  jobs=$((jobs + 1))
  DB=$WORK/job.db
  fresh_store "$DB"
  # The kill plan: how many kills each step gets in this job.
  plan=(0 0 0 0)
  n=$(( RANDOM % MAX_PER_JOB + 1 ))
  for _ in $(seq "$n"); do
    s=$(( RANDOM % 4 )); plan[$s]=$(( plan[s] + 1 ))
  done
  desc=""
  job_ok=1
  for i in "${!STEPS[@]}"; do
    done_step=0
    for _ in $(seq "${plan[$i]}"); do
      [ "$kills" -ge "$KILLS" ] && break
      d=$(( RANDOM * 32768 + RANDOM )); d=$(( d % (STEP_MS[i] + 1) ))
      # shellcheck disable=SC2086
      "$KITH" --db "$DB" ${STEPS[$i]} >"$WORK/job.out" 2>"$WORK/job.err" &
      pid=$!
      sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
      kill -KILL "$pid" 2>/dev/null
      { wait "$pid"; } 2>/dev/null; rc=$?
      if [ "$rc" = 137 ]; then
        kills=$((kills + 1))
        KILLED_IN[${STEP_NAMES[$i]}]=$(( KILLED_IN[${STEP_NAMES[$i]}] + 1 ))
        state=$(probe "$DB")
        echo "crash: kill $kills: job $jobs, ${STEP_NAMES[$i]} (step $((i + 1))) after ${d} ms: $state"
        desc+=" ${STEP_NAMES[$i]}@${d}ms"
        case "$state" in
          *"(sqlite3 missing)"*|*" ok "*) ;;
          *) fail "store intact after kill $kills (job $jobs, ${STEP_NAMES[$i]} at ${d} ms): $state" ;;
        esac
      elif [ "$rc" = 0 ]; then
        missed=$((missed + 1)); done_step=1; break
      else
        fail "job $jobs: ${STEP_NAMES[$i]} exited $rc: $(head -c 300 "$WORK/job.err")"
        job_ok=0; break
      fi
    done
    [ "$job_ok" = 1 ] || break
    if [ "$done_step" = 0 ]; then
      # Rerun the interrupted (or not yet run) command until it completes.
      # shellcheck disable=SC2086
      if ! "$KITH" --db "$DB" ${STEPS[$i]} >"$WORK/job.out" 2>"$WORK/job.err"; then
        fail "job $jobs: rerun of ${STEP_NAMES[$i]} failed: $(head -c 300 "$WORK/job.err")"
        job_ok=0; break
      fi
    fi
  done
  [ "$job_ok" = 1 ] || continue
  rm -rf "$WORK/job"
  export_outcome "$DB" "$WORK/job" || { fail "job $jobs: export"; continue; }
  if "$PY" "$HERE/crash_compare.py" "$WORK/ref" "$WORK/job" >"$WORK/compare.txt" 2>&1; then
    ok "job $jobs (kills:${desc:- none landed}) ends like the reference: $(head -n 1 "$WORK/compare.txt")"
  else
    fail "job $jobs (kills:${desc:- none landed}) differs from the reference:"
    sed 's/^/#   /' "$WORK/compare.txt" | head -n 50
    mkdir -p "$WORK/failed-$jobs"; cp -r "$WORK/job" "$DB" "$WORK/failed-$jobs/" 2>/dev/null
  fi
  if [ "$HAVE_SQLITE" = 1 ]; then
    left=$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE state = 'pending'; SELECT count(*) FROM activity WHERE state = 'pending';" | tr '\n' ' ')
    [ "$left" = "0 0 " ] || fail "job $jobs: something still queued or undecided after the job: $left"
  fi
done
[ "$kills" -ge "$KILLS" ] || fail "only $kills of $KILLS kills landed in $jobs jobs"
echo "crash: $kills kills (ingest ${KILLED_IN[ingest]}, sync ${KILLED_IN[sync]}, dedup ${KILLED_IN[dedup]}), $missed came after the command had finished, $jobs jobs, $failures failures"
[ "$failures" = 0 ]
