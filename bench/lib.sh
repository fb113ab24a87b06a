# lib.sh - helpers shared by kith's benchmark drivers (sourced, not run).
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(dirname "$BENCH_DIR")
KITH=${KITH:-$SRC_DIR/build-bench/kith}
# Generated data is large (a 1M-contact CRM is ~250 MB, a 100k-message mailbox
# ~450 MB): it lives outside the source tree and is reused between runs.
BENCH_WORK=${BENCH_WORK:-/tmp/kith-bench}
BENCH_CONF=${BENCH_CONF:-$BENCH_DIR/kith.conf}
PY=${PYTHON:-python3}

die() { echo "bench: $*" >&2; exit 1; }

need_tools() {
  [ -x "$KITH" ] || die "no kith binary at $KITH (cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release && cmake --build build-bench --target kith), or set KITH"
  if [ ! -x /usr/bin/time ]; then
    echo "bench: installing GNU time for peak-RSS figures" >&2
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y time >/dev/null 2>&1; } ||
      die "/usr/bin/time is missing (apt-get install time)"
  fi
  mkdir -p "$BENCH_WORK"
}

# "100k" -> 100000, "1M" -> 1000000, "2500" -> 2500
count() {
  case "$1" in
    *[kK]) echo $(( ${1%[kK]} * 1000 )) ;;
    *[mM]) echo $(( ${1%[mM]} * 1000000 )) ;;
    *) echo "$1" ;;
  esac
}

# measure NAME CMD... : runs CMD once; sets M_SECS (wall, ns clock), M_CPU
# (user + system seconds), M_RSS_MB (peak resident set of the command and its
# children, from GNU time) and M_STATUS. Output of CMD goes to $BENCH_WORK/NAME.out (or $MEASURE_STDOUT) and NAME.err.
measure() {
  local name=$1; shift
  local tf="$BENCH_WORK/$name.time"
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M %x %U %S" -o "$tf" "$@" >"${MEASURE_STDOUT:-$BENCH_WORK/$name.out}" 2>"$BENCH_WORK/$name.err"
  M_STATUS=$?
  t1=$(date +%s%N)
  M_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  M_RSS_MB=$(awk 'NF >= 2 && $1 ~ /^[0-9]+$/ { v = $1 } END { printf "%.1f", v / 1024 }' "$tf")
  M_CPU=$(awk 'NF >= 4 && $1 ~ /^[0-9]+$/ { v = $3 + $4 } END { printf "%.3f", v }' "$tf")
  if [ "$M_STATUS" != 0 ]; then
    echo "bench: $name exited with status $M_STATUS; last lines of its stderr:" >&2
    tail -n 5 "$BENCH_WORK/$name.err" >&2
  fi
}

# best_of N NAME CMD... : runs `measure NAME CMD...` N times, calling the shell
# function `reset_NAME` (when defined) before each; keeps the fastest wall time
# and the largest peak RSS (a shared machine only ever adds time).
best_of() {
  local n=$1 name=$2; shift 2
  local best="" cpu="" rss=0 status=0 i
  for ((i = 0; i < n; i++)); do
    if declare -F "reset_$name" >/dev/null; then "reset_$name"; fi
    measure "$name" "$@"
    [ "$M_STATUS" = 0 ] || status=$M_STATUS
    if [ -z "$best" ] || awk -v a="$M_SECS" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$M_SECS cpu=$M_CPU
    fi
    rss=$(awk -v a="$rss" -v b="$M_RSS_MB" 'BEGIN { print (b > a) ? b : a }')
  done
  M_SECS=$best M_CPU=$cpu M_RSS_MB=$rss M_STATUS=$status
}

# per N SECS -> N/SECS with no decimals
per() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "inf" }'; }
# div A B [DIGITS]
div() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b > 0) printf "%.*f", d, a / b; else print "inf" }'; }
# verdict VALUE OP LIMIT -> "met" / "NOT met"
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? v >= l : v <= l; print ok ? "met" : "NOT met" }'; }

# crm_dir CONTACTS -> folder holding the generated CRM (accounts = contacts / 10)
crm_dir() {
  local contacts=$1 accounts=$(( $1 / 10 ))
  local dir="$BENCH_WORK/crm-$contacts"
  if [ ! -f "$dir/manifest.json" ]; then
    echo "bench: generating CRM: $accounts accounts, $contacts contacts -> $dir" >&2
    "$PY" "$BENCH_DIR/gen_crm.py" --accounts "$accounts" --contacts "$contacts" --out "$dir" 2>/dev/null ||
      die "gen_crm.py failed"
  fi
  echo "$dir"
}

OBJECTS="User Account AccountTeamMember Contact Lead Opportunity OpportunityContactRole"

# crm_store CONTACTS [users] -> a store holding the whole generated CRM (or
# with "users" only its Users), made once and copied for every timed run so
# that each run starts from the same state.
crm_store() {
  local contacts=$1 dir db objects=$OBJECTS
  dir=$(crm_dir "$contacts")
  db="$BENCH_WORK/store-crm-$contacts.db"
  if [ "${2:-full}" = users ]; then
    objects=User db="$BENCH_WORK/store-crm-$contacts-users.db"
  fi
  if [ ! -f "$db" ]; then
    echo "bench: importing the CRM into $db" >&2
    rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
    "$KITH" --db "$db.tmp" init >/dev/null || die "kith init failed"
    local o
    for o in $objects; do
      "$KITH" --db "$db.tmp" crm import "$o" "$dir/$o.csv" >/dev/null 2>>"$BENCH_WORK/crm-store.err" ||
        die "kith crm import $o failed: $(tail -n 1 "$BENCH_WORK/crm-store.err")"
    done
    [ -f "$db.tmp-wal" ] && die "the store left a -wal file behind after closing"
    mv "$db.tmp" "$db"
  fi
  echo "$db"
}

# fresh_store CONTACTS NAME [users] -> a private copy of the imported CRM store
fresh_store() {
  local src dst="$BENCH_WORK/$2.db"
  src=$(crm_store "$1" "${3:-full}")
  rm -f "$dst" "$dst-wal" "$dst-shm"
  cp "$src" "$dst"
  # the copy's dirty pages are written out now, not during the timing after it
  sync
  echo "$dst"
}

machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM," \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load average before the run:" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "kith: $KITH ($(cd "$SRC_DIR" && grep -m1 CMAKE_BUILD_TYPE: "$(dirname "$KITH")/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo '?'))"
}
