#!/usr/bin/env bash
# bench_import.sh - times `kith crm import` of a generated CRM against sqlite3's own CSV import.
# Usage: bench/bench_import.sh [CONTACTS]   (default 1M contacts, 100k accounts; "100k", "1M" work)
# Targets: kith's Contact import at least half as fast as `sqlite3 .import --csv`; peak RSS under 100 MB.
# env REPEAT (default 3): the Contact imports run that many times each; the fastest counts.
set -u
. "$(dirname "$0")/lib.sh"
need_tools
command -v sqlite3 >/dev/null || die "sqlite3 CLI missing (apt-get install sqlite3)"

CONTACTS=$(count "${1:-1M}")
REPEAT=${REPEAT:-3}
DIR=$(crm_dir "$CONTACTS")
CSV="$DIR/Contact.csv"
ROWS=$(( $(wc -l <"$CSV") - 1 ))
MB=$(awk -v b="$(stat -c %s "$CSV")" 'BEGIN { printf "%.1f", b / 1048576 }')
cat "$DIR"/*.csv >/dev/null # warm the page cache: both sides read from memory

echo "== kith crm import benchmark =="
machine
echo "data: $DIR ($ROWS contacts, $MB MB Contact.csv); Contact imports: best of $REPEAT"
echo

# 1. the floor: sqlite3's CLI imports the same file into a plain table (TEXT columns, no index)
SQ="$BENCH_WORK/import-sqlite3.db"
reset_import-sqlite3() { rm -f "$SQ"; }
best_of "$REPEAT" import-sqlite3 sqlite3 "$SQ" ".import --csv $CSV contact"
SQ_SECS=$M_SECS SQ_RSS=$M_RSS_MB
SQ_ROWS=$(sqlite3 "$SQ" "select count(*) from contact")
echo "sqlite3 .import --csv    : ${SQ_SECS} s  $(per "$ROWS" "$SQ_SECS") rows/s  peak RSS ${SQ_RSS} MB  ($SQ_ROWS rows)"

# 1b. for reference only: the same import into a table keyed and indexed as kith's
#     Contact table is (primary key Id, indexes on the address and AccountId)
SQI="$BENCH_WORK/import-sqlite3-indexed.db"
COLS=$(head -n 1 "$CSV" | tr -d '\r' | sed 's/^Id,/Id TEXT PRIMARY KEY,/; s/,\([A-Za-z_]*\)/, \1 TEXT/g')
reset_import-sqlite3-indexed() {
  rm -f "$SQI"
  sqlite3 "$SQI" "CREATE TABLE contact($COLS); CREATE INDEX c_email ON contact(Email); CREATE INDEX c_account ON contact(AccountId);"
}
best_of "$REPEAT" import-sqlite3-indexed sqlite3 "$SQI" ".import --csv --skip 1 $CSV contact"
echo "  (reference) sqlite3 .import into an indexed table: ${M_SECS} s  $(per "$ROWS" "$M_SECS") rows/s  peak RSS ${M_RSS_MB} MB"

# 2. kith into a fresh store
KD="$BENCH_WORK/import-kith.db"
reset_import-kith-contact() {
  rm -f "$KD" "$KD-wal" "$KD-shm"
  "$KITH" --db "$KD" init >/dev/null || die "kith init failed"
}
best_of "$REPEAT" import-kith-contact "$KITH" --db "$KD" crm import Contact "$CSV"
K_SECS=$M_SECS K_RSS=$M_RSS_MB K_STATUS=$M_STATUS
echo "kith crm import Contact  : ${K_SECS} s  $(per "$ROWS" "$K_SECS") rows/s  peak RSS ${K_RSS} MB  (exit $K_STATUS: $(tail -n 1 "$BENCH_WORK/import-kith-contact.err"))"
RATIO=$(div "$SQ_SECS" "$K_SECS")
echo
echo "kith speed / sqlite3 speed: $RATIO   (target >= 0.50: $(verdict "$RATIO" ">=" 0.5))"
echo "kith peak RSS: $K_RSS MB        (target < 100 MB: $(verdict "$K_RSS" "<=" 100))"
echo

# 3. all seven objects, in dependency order, into another fresh store
KA="$BENCH_WORK/import-kith-all.db"
rm -f "$KA" "$KA-wal" "$KA-shm"
"$KITH" --db "$KA" init >/dev/null || die "kith init failed"
TOTAL=0 TOTAL_ROWS=0 MAX_RSS=0
echo "all seven objects into one fresh store:"
for o in $OBJECTS; do
  n=$(( $(wc -l <"$DIR/$o.csv") - 1 ))
  measure "import-kith-$o" "$KITH" --db "$KA" crm import "$o" "$DIR/$o.csv"
  printf '  %-24s %9d rows  %8.3f s  %9s rows/s  peak RSS %6s MB  exit %s\n' \
    "$o" "$n" "$M_SECS" "$(per "$n" "$M_SECS")" "$M_RSS_MB" "$M_STATUS"
  TOTAL=$(awk -v a="$TOTAL" -v b="$M_SECS" 'BEGIN { print a + b }')
  TOTAL_ROWS=$(( TOTAL_ROWS + n ))
  MAX_RSS=$(awk -v a="$MAX_RSS" -v b="$M_RSS_MB" 'BEGIN { print (b > a) ? b : a }')
done
printf '  %-24s %9d rows  %8.3f s  %9s rows/s  peak RSS %6s MB\n' total "$TOTAL_ROWS" "$TOTAL" \
  "$(per "$TOTAL_ROWS" "$TOTAL")" "$MAX_RSS"
echo "store size: $(du -m "$KA" | cut -f1) MB (sqlite3 plain table of Contact.csv: $(du -m "$SQ" | cut -f1) MB)"
