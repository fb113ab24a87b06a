#!/usr/bin/env bash
# bench_capture.sh - times kith's capture (ingest) and ingest+sync (run) of a generated mailbox against cat and GMime alone.
# Usage: bench/bench_capture.sh [MESSAGES] [--full]
#   MESSAGES  mailbox size (default 20000; "20k" works); meetings are MESSAGES/10
#   --full    the issue's scale: 100k messages, peak memory at 25k, 50k and 100k
#   env CRM_CONTACTS (default 1M; accounts are a tenth) sets the CRM the store holds
#   env REPEAT (default 3): GMime-only and kith ingest run that many times; the fastest
#     GMime run and the kith run with the fastest capture phase count
# Targets: kith's capture >= 70% of the GMime-only throughput (the whole ingest, which also
# decides, is shown beside it); kith run >= 50% of kith ingest;
# peak memory flat as the mailbox grows.
set -u
. "$(dirname "$0")/lib.sh"
need_tools

N=20000 FULL=0
for a in "$@"; do
  case "$a" in
    --full) FULL=1 N=100000 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) N=$(count "$a") ;;
  esac
done
CRM=$(count "${CRM_CONTACTS:-1M}")
REPEAT=${REPEAT:-3}
if [ "$FULL" = 1 ]; then SERIES="25000 50000 100000"; else SERIES="$((N / 4)) $((N / 2)) $N"; fi

# the GMime-only reader, built here from bench/gmime_floor.c
FLOOR="$BENCH_WORK/gmime_floor"
if [ ! -x "$FLOOR" ] || [ "$BENCH_DIR/gmime_floor.c" -nt "$FLOOR" ]; then
  # shellcheck disable=SC2046
  cc -O2 -Wall -Wextra -o "$FLOOR" "$BENCH_DIR/gmime_floor.c" $(pkg-config --cflags --libs gmime-3.0) ||
    die "cannot build gmime_floor (needs libgmime-3.0-dev)"
fi

crm_store "$CRM" >/dev/null
MAIL="$BENCH_WORK/mail-$N-crm$CRM"
if [ ! -f "$MAIL/manifest.json" ]; then
  echo "bench: generating $N messages and $((N / 10)) meetings -> $MAIL" >&2
  "$PY" "$BENCH_DIR/gen_mail.py" --messages "$N" --meetings $((N / 10)) --accounts $((CRM / 10)) \
    --contacts "$CRM" --out "$MAIL" 2>/dev/null || die "gen_mail.py failed"
fi
MBOX="$MAIL/mail.mbox"
BYTES=$(stat -c %s "$MBOX")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')
cat "$MBOX" >/dev/null # warm the page cache: every reader below reads from memory

echo "== kith capture benchmark =="
machine
echo "mailbox: $MBOX ($N messages, $MB MB); CRM in the store: $CRM contacts, $((CRM / 10)) accounts"
echo "config: $BENCH_CONF"
echo

row() { # LABEL SECS RSS
  printf '%-34s %8.3f s  %8s msg/s  %7s MB/s  peak RSS %7s MB\n' "$1" "$2" "$(per "$N" "$2")" \
    "$(div "$MB" "$2" 1)" "$3"
}

MEASURE_STDOUT=/dev/null measure cat cat "$MBOX"
row "cat (the I/O floor)" "$M_SECS" "$M_RSS_MB"

best_of "$REPEAT" gmime "$FLOOR" "$MBOX"
G_SECS=$M_SECS
row "GMime only, From/To/Cc (lib floor)" "$M_SECS" "$M_RSS_MB"
read -r G_MSGS G_ADDRS <"$BENCH_WORK/gmime.out"
echo "    $G_MSGS messages, $G_ADDRS From/To/Cc addresses"
[ "$G_MSGS" = "$N" ] || echo "  warning: GMime read $G_MSGS messages, not $N"

# kith ingest REPEAT times, each on a fresh copy of the store: the run with
# the fastest capture phase counts, and the largest peak RSS of them all.
I_STATUS=0 I_RSS=0 BEST_C=""
for ((r = 0; r < REPEAT; r++)); do
  DB=$(fresh_store "$CRM" capture-ingest)
  measure kith-ingest-try "$KITH" --db "$DB" --config "$BENCH_CONF" ingest "$MBOX"
  [ "$M_STATUS" = 0 ] || I_STATUS=$M_STATUS
  I_RSS=$(awk -v a="$I_RSS" -v b="$M_RSS_MB" 'BEGIN { print (b > a) ? b : a }')
  c=$(sed -n 's/.*timing: captured in \([0-9.]*\) s.*/\1/p' "$BENCH_WORK/kith-ingest-try.out")
  if [ -z "$BEST_C" ] || awk -v a="${c:-0}" -v b="$BEST_C" 'BEGIN { exit !(a < b) }'; then
    BEST_C=${c:-0} I_SECS=$M_SECS
    cp "$BENCH_WORK/kith-ingest-try.out" "$BENCH_WORK/kith-ingest.out"
    cp "$BENCH_WORK/kith-ingest-try.err" "$BENCH_WORK/kith-ingest.err"
  fi
done
row "kith ingest (capture+decide)" "$I_SECS" "$I_RSS"
[ "$I_STATUS" = 0 ] || echo "  kith ingest exit status $I_STATUS"
cat "$BENCH_WORK/kith-ingest.out" "$BENCH_WORK/kith-ingest.err" | head -n 12 | sed 's/^/    /'

DB=$(fresh_store "$CRM" capture-run)
measure kith-run "$KITH" --db "$DB" --config "$BENCH_CONF" run "$MBOX"
R_SECS=$M_SECS R_STATUS=$M_STATUS
row "kith run (ingest+sync)" "$M_SECS" "$M_RSS_MB"
[ "$R_STATUS" = 0 ] || echo "  kith run exit status $R_STATUS"
grep '^sync' "$BENCH_WORK/kith-run.out" "$BENCH_WORK/kith-run.err" 2>/dev/null | sed 's/^[^:]*:/    /' | head -n 3

CAP=$(div "$G_SECS" "$I_SECS")
RUN=$(div "$I_SECS" "$R_SECS")
echo
# kith's own split of the ingest: the capture phase (read, parse, names and
# signatures, store the activities) and the decision phase after it
C_SECS=$(sed -n 's/.*timing: captured in \([0-9.]*\) s.*/\1/p' "$BENCH_WORK/kith-ingest.out")
D_SECS=$(sed -n 's/.*activities decided in \([0-9.]*\) s.*/\1/p' "$BENCH_WORK/kith-ingest.out")
CAPTURE=$(div "$G_SECS" "${C_SECS:-0}")
echo "kith capture phase: ${C_SECS:-?} s, decisions: ${D_SECS:-?} s (of the ingest above)"
echo "kith capture throughput / GMime-only throughput: $CAPTURE   (target >= 0.70: $(verdict "$CAPTURE" ">=" 0.7))"
echo "kith ingest (capture+decide) / GMime-only:       $CAP   (capture and every decision)"
echo "kith run throughput / kith ingest throughput:   $RUN   (target >= 0.50: $(verdict "$RUN" ">=" 0.5))"

# the meetings, for the record (no target)
K=$(find "$MAIL/calendar" -name '*.ics' | wc -l)
DB=$(fresh_store "$CRM" capture-ics)
measure kith-ics "$KITH" --db "$DB" --config "$BENCH_CONF" ingest "$MAIL/calendar"
printf '\nkith ingest of %d .ics files: %.3f s  %s meetings/s  peak RSS %s MB  (exit %s)\n' "$K" "$M_SECS" \
  "$(per "$K" "$M_SECS")" "$M_RSS_MB" "$M_STATUS"

# peak memory as the mailbox grows: the first n messages of the same corpus
echo
echo "peak memory of kith ingest by mailbox size:"
for n in $SERIES; do
  PART="$BENCH_WORK/mail-prefix-$n.mbox"
  if [ "$n" = "$N" ]; then
    # the whole mailbox: that is the ingest timed above
    PART=$MBOX M_SECS=$I_SECS M_RSS_MB=$I_RSS M_STATUS=$I_STATUS
  else
    awk -v n="$n" '/^From / { if (++c > n) exit } { print }' "$MBOX" >"$PART"
    DB=$(fresh_store "$CRM" capture-series)
    measure "kith-ingest-$n" "$KITH" --db "$DB" --config "$BENCH_CONF" ingest "$PART"
  fi
  printf '  %7d messages  %7.1f MB  %8.3f s  %7s msg/s  peak RSS %7s MB  (exit %s)\n' "$n" \
    "$(awk -v b="$(stat -c %s "$PART")" 'BEGIN { print b / 1048576 }')" "$M_SECS" "$(per "$n" "$M_SECS")" \
    "$M_RSS_MB" "$M_STATUS"
  [ "$PART" = "$MBOX" ] || rm -f "$PART"
done
rm -f "$BENCH_WORK"/capture-*.db "$BENCH_WORK"/capture-*.db-wal "$BENCH_WORK"/capture-*.db-shm
