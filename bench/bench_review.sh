#!/usr/bin/env bash
# bench_review.sh - times `kith review` (docs/review.md) after an ingest: the first look, which reads
# the whole engagement log and outbox into the queue, a second with nothing new, and `--all`.
# Usage: bench/bench_review.sh [MESSAGES] [CONTACTS]   (default 20k messages, a 20k-contact CRM)
# Target: a look with nothing new under 0.1 s, the first under a tenth of the ingest's time.
set -u
. "$(dirname "$0")/lib.sh"
need_tools

N=$(count "${1:-20k}")
CRM=$(count "${2:-20k}")
MAIL="$BENCH_WORK/mail-$N-crm$CRM"
crm_store "$CRM" >/dev/null
if [ ! -f "$MAIL/manifest.json" ]; then
  echo "bench: generating $N messages and $((N / 10)) meetings -> $MAIL" >&2
  "$PY" "$BENCH_DIR/gen_mail.py" --messages "$N" --meetings $((N / 10)) --accounts $((CRM / 10)) \
    --contacts "$CRM" --out "$MAIL" 2>/dev/null || die "gen_mail.py failed"
fi
DB=$(fresh_store "$CRM" review)

echo "== kith review benchmark =="
machine
echo "mailbox: $MAIL ($N messages); CRM: $CRM contacts"
echo

measure review-ingest "$KITH" --db "$DB" --config "$BENCH_CONF" ingest "$MAIL/mail.mbox"
I_SECS=$M_SECS
printf 'kith ingest          : %8.3f s  peak RSS %7s MB  exit %s\n' "$M_SECS" "$M_RSS_MB" "$M_STATUS"
LOG_ROWS=$("$KITH" --db "$DB" log --format csv | wc -l)
echo "    engagement log: $((LOG_ROWS - 1)) rows"

measure review-first "$KITH" --db "$DB" --config "$BENCH_CONF" review --format csv
F_SECS=$M_SECS
printf 'kith review, first   : %8.3f s  peak RSS %7s MB  exit %s  (%s items open)\n' "$M_SECS" "$M_RSS_MB" \
  "$M_STATUS" "$(($(wc -l <"$BENCH_WORK/review-first.out") - 1))"
best_of 3 review-again "$KITH" --db "$DB" --config "$BENCH_CONF" review --format csv
A_SECS=$M_SECS
printf 'kith review, again   : %8.3f s  peak RSS %7s MB  exit %s\n' "$M_SECS" "$M_RSS_MB" "$M_STATUS"
best_of 3 review-all "$KITH" --db "$DB" --config "$BENCH_CONF" review --all --format csv
printf 'kith review --all    : %8.3f s  peak RSS %7s MB  exit %s\n' "$M_SECS" "$M_RSS_MB" "$M_STATUS"
echo
echo "nothing new: $A_SECS s (target < 0.1 s: $(verdict "$A_SECS" "<=" 0.1))"
echo "first look:  $F_SECS s, $(div "$F_SECS" "$I_SECS" 3) of the ingest's $I_SECS s" \
  "(target < 0.1: $(verdict "$(div "$F_SECS" "$I_SECS" 3)" "<=" 0.1))"
rm -f "$DB" "$DB-wal" "$DB-shm"
