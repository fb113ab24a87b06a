#!/usr/bin/env bash
# bench_dedup.sh - times `kith dedup` then `kith sync` on the generated CRM (2% of contacts share an address).
# Usage: bench/bench_dedup.sh [CONTACTS]   (default 1M contacts, 100k accounts; "100k", "1M" work)
# Targets: dedup + sync under a minute, peak RSS under 300 MB.
set -u
. "$(dirname "$0")/lib.sh"
need_tools

CONTACTS=$(count "${1:-1M}")
DIR=$(crm_dir "$CONTACTS")
DB=$(fresh_store "$CONTACTS" dedup)

echo "== kith dedup benchmark =="
machine
echo "data: $DIR: $(tr -d '\n' <"$DIR/manifest.json" | sed 's/.*"rows"/"rows"/; s/ \+/ /g')"
echo

measure kith-dedup "$KITH" --db "$DB" --config "$BENCH_CONF" dedup
D_SECS=$M_SECS D_RSS=$M_RSS_MB
printf 'kith dedup : %8.3f s  peak RSS %7s MB  exit %s\n' "$M_SECS" "$M_RSS_MB" "$M_STATUS"
cat "$BENCH_WORK/kith-dedup.out" "$BENCH_WORK/kith-dedup.err" | head -n 6 | sed 's/^/    /'

measure kith-dedup-sync "$KITH" --db "$DB" --config "$BENCH_CONF" sync
S_SECS=$M_SECS S_RSS=$M_RSS_MB
printf 'kith sync  : %8.3f s  peak RSS %7s MB  exit %s\n' "$M_SECS" "$M_RSS_MB" "$M_STATUS"
cat "$BENCH_WORK/kith-dedup-sync.out" "$BENCH_WORK/kith-dedup-sync.err" | head -n 6 | sed 's/^/    /'

TOTAL=$(awk -v a="$D_SECS" -v b="$S_SECS" 'BEGIN { printf "%.3f", a + b }')
PEAK=$(awk -v a="$D_RSS" -v b="$S_RSS" 'BEGIN { print (a > b) ? a : b }')
LEFT=$(sqlite3 "$DB" "select count(*) from Contact" 2>/dev/null || echo '?')
echo
echo "contacts: $(( $(wc -l <"$DIR/Contact.csv") - 1 )) imported, $LEFT after dedup + sync"
echo "dedup + sync: $TOTAL s   (target < 60 s: $(verdict "$TOTAL" "<=" 60))"
echo "peak RSS:     $PEAK MB  (target < 300 MB: $(verdict "$PEAK" "<=" 300))"

# a second run must find nothing left to do
measure kith-dedup-again "$KITH" --db "$DB" --config "$BENCH_CONF" dedup
printf 'second kith dedup: %.3f s  peak RSS %s MB  exit %s: %s\n' "$M_SECS" "$M_RSS_MB" "$M_STATUS" \
  "$(cat "$BENCH_WORK/kith-dedup-again.out" "$BENCH_WORK/kith-dedup-again.err" | head -n 1)"
rm -f "$DB" "$DB-wal" "$DB-shm"
