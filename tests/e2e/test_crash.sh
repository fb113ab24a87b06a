#!/usr/bin/env bash
# test_crash.sh - crash consistency, short form: kith killed with SIGKILL at
# random moments of ingest, sync, dedup and crm import, each interrupted
# command rerun until it completes; the CRM and the engagement log must end
# exactly as after an uninterrupted run. The experiment itself is
# tests/reliability/crash_run.sh; bench/crash_long.sh is the long form (50 kills).
#
#   bash tests/e2e/test_crash.sh /path/to/kith
#
# CRASH_SEED=N repeats a kill schedule; CRASH_KILLS=N changes the number of kills.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
KITH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=${KITH_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
REL=$SRC/tests/reliability
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset KITH_DB KITH_CONFIG

# Under ASan (or KITH_SLOW=1) everything is several times slower: fewer kills.
slow=0
if [ "${KITH_SLOW:-0}" = 1 ] || grep -q -a -m 1 __asan_init "$KITH" 2>/dev/null; then slow=1; fi
kills=${CRASH_KILLS:-$([ "$slow" = 1 ] && echo 10 || echo 14)}

if ! command -v python3 >/dev/null 2>&1; then
  echo "skip: python3 is needed to generate the corpus"
  echo "0 passed, 0 failed"
  exit 0
fi

# 1. The whole job: ingest, sync, dedup, sync.
bash "$REL/crash_run.sh" "$KITH" "$T/job" "$kills" >run.txt 2>&1
rc=$?
while IFS= read -r line; do
  case "$line" in
    "ok - "*) ok "${line#ok - }" ;;
    "not ok - "*) fail "${line#not ok - }" ;;
    *) echo "$line" ;;
  esac
done <run.txt
[ "$rc" = 0 ] && ok "crash_run.sh: every interrupted job ends like the reference" ||
  fail "crash_run.sh exited $rc (its output is above)"

# 2. crm import killed part-way: a rerun must give exactly the CRM of one
# uninterrupted import (import is an upsert by Id; nothing half-written stays).
rows=$([ "$slow" = 1 ] && echo 20000 || echo 60000)
python3 - "$rows" >Contact.csv <<'PY'
import sys
n = int(sys.argv[1])
print("Id,AccountId,FirstName,LastName,Email,Title,Phone,Department,Seniority__c,Persona__c,"
      "MailingCountry,MailingState,OwnerId,LeadSource,Created_By_Kith__c,CreatedDate")
for i in range(n):
    print(f"003{i:012d}AAA,001000000000001AAA,First{i},Last{i},p{i}@acme.com,Engineer,"
          f"+1 415 555 {i % 10000:04d},,,,United States,CA,005000000000001AAA,Web,"
          f"{'true' if i % 7 == 0 else 'false'},2025-01-02T09:00:00Z")
PY
"$KITH" --db ref.db init >/dev/null 2>&1
t0=$(date +%s%N)
"$KITH" --db ref.db crm import Contact Contact.csv >/dev/null 2>&1 || fail "reference import"
import_ms=$(( ($(date +%s%N) - t0) / 1000000 + 1 ))
"$KITH" --db ref.db crm export Contact >ref.csv
RANDOM=${CRASH_SEED:-$(( $(date +%s) % 32768 ))}
landed=0; same=0; halfway=0
for _ in 1 2 3 4 5; do
  rm -f imp.db imp.db-wal imp.db-shm
  "$KITH" --db imp.db init >/dev/null 2>&1
  d=$(( RANDOM % import_ms ))
  "$KITH" --db imp.db crm import Contact Contact.csv >/dev/null 2>imp.err &
  pid=$!
  sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null
  st=$?
  if [ "$st" = 137 ]; then
    landed=$((landed + 1))
    n=$(( $("$KITH" --db imp.db crm export Contact 2>/dev/null | wc -l) - 1 ))
    echo "# import killed after $d ms (of $import_ms): $n of $rows contacts visible"
    [ "$n" = 0 ] || [ "$n" = "$rows" ] || halfway=$((halfway + 1))
  elif [ "$st" != 0 ]; then
    fail "crm import exited $st: $(head -c 300 imp.err)"
  fi
  "$KITH" --db imp.db crm import Contact Contact.csv >/dev/null 2>imp.err || fail "import rerun: $(head -c 300 imp.err)"
  "$KITH" --db imp.db crm export Contact >imp.csv
  cmp -s ref.csv imp.csv && same=$((same + 1)) ||
    fail "import killed after $d ms, then rerun: the export differs ($(diff ref.csv imp.csv | head -n 4 | tr '\n' ' '))"
done
[ "$halfway" = 0 ] && ok "a killed crm import leaves all of the file or none of it ($landed kills landed)" ||
  fail "a killed crm import left $halfway stores with part of the file"
[ "$same" = 5 ] && ok "crm import killed, then rerun: the same $rows contacts as one clean import" || true
if command -v sqlite3 >/dev/null 2>&1; then
  r=$(sqlite3 imp.db 'PRAGMA integrity_check' 2>&1)
  [ "$r" = ok ] && ok "store intact after the killed imports" || fail "integrity_check after killed imports: $r"
fi

finish
