#!/usr/bin/env bash
# bench_capture.sh - times the whole `kith ingest` of a generated mailbox, and its capture phase, against cat and GMime alone.
# Usage: bench/bench_capture.sh [MESSAGES] [--full]
#   MESSAGES  mailbox size (default 20000; "20k" works); meetings are MESSAGES/10
#   --full    the ingest-speed scale: throughput at 20k and 100k messages, peak
#             memory at 25k, 50k, 100k and 200k (a 200k mailbox, ~900 MB, is generated)
#   env CRM_CONTACTS (default 1M; accounts are a tenth) sets the full CRM; every
#     size is also ingested into a store holding only that CRM's Users
#   env REPEAT (default 3): each floor and each ingest runs that many times; the
#     fastest counts (the largest peak RSS of them all is shown)
# Targets (the ingest-speed work): whole `kith ingest` with the Users-only CRM
# >= 0.70 of GMime with text bodies at 100k; median decision <= 10 us against the
# full CRM; peak RSS flat and < 200 MB. Also: `kith run` >= 0.50 of `kith ingest`.
# Seconds are wall time; "cpu" is user + system time, which a busy machine
# inflates less.
set -u
. "$(dirname "$0")/lib.sh"
need_tools

N=20000 FULL=0
for a in "$@"; do
  case "$a" in
    --full) FULL=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) N=$(count "$a") ;;
  esac
done
CRM=$(count "${CRM_CONTACTS:-1M}")
REPEAT=${REPEAT:-3}
if [ "$FULL" = 1 ]; then
  SIZES="20000 100000" SERIES="25000 50000 100000 200000" N=200000
else
  SIZES=$N SERIES="$((N / 4)) $((N / 2)) $N"
fi

# the GMime-only reader, built here from bench/gmime_floor.c
FLOOR="$BENCH_WORK/gmime_floor"
if [ ! -x "$FLOOR" ] || [ "$BENCH_DIR/gmime_floor.c" -nt "$FLOOR" ]; then
  # shellcheck disable=SC2046
  cc -O2 -Wall -Wextra -o "$FLOOR" "$BENCH_DIR/gmime_floor.c" $(pkg-config --cflags --libs gmime-3.0) ||
    die "cannot build gmime_floor (needs libgmime-3.0-dev)"
fi

crm_store "$CRM" >/dev/null
crm_store "$CRM" users >/dev/null
MAIL="$BENCH_WORK/mail-$N-crm$CRM"
if [ ! -f "$MAIL/manifest.json" ]; then
  echo "bench: generating $N messages and $((N / 10)) meetings -> $MAIL" >&2
  "$PY" "$BENCH_DIR/gen_mail.py" --messages "$N" --meetings $((N / 10)) --accounts $((CRM / 10)) \
    --contacts "$CRM" --out "$MAIL" 2>/dev/null || die "gen_mail.py failed"
fi
MBOX="$MAIL/mail.mbox"

# prefix SIZE -> an mbox of the mailbox's first SIZE messages (the mailbox itself at its size)
prefix() {
  if [ "$1" = "$N" ]; then echo "$MBOX"; return; fi
  local part="$BENCH_WORK/mail-prefix-$1.mbox"
  [ -f "$part" ] || awk -v n="$1" '/^From / { if (++c > n) exit } { print }' "$MBOX" >"$part"
  echo "$part"
}

echo "== kith ingest benchmark =="
machine
echo "mailbox: $MBOX ($N messages, $(awk -v b="$(stat -c %s "$MBOX")" 'BEGIN { printf "%.1f", b / 1048576 }') MB)"
echo "CRM: $CRM contacts, $((CRM / 10)) accounts (full); the same CRM's Users only (users)"
echo "config: $BENCH_CONF"

row() { # LABEL SECS CPU RSS MESSAGES
  printf '  %-36s %8.3f s  cpu %7.3f s  %8s msg/s  peak RSS %7s MB\n' "$1" "$2" "$3" "$(per "$5" "$2")" "$4"
}

# ingest_best SIZE_MBOX KIND : REPEAT ingests, each into a fresh copy of the
# store KIND (full or users); the one with the fastest wall time counts.
# Sets I_SECS I_CPU I_RSS I_STATUS C_SECS D_SECS MEDIAN P99.
ingest_best() {
  local mbox=$1 kind=$2 r best="" c d
  I_STATUS=0 I_RSS=0
  for ((r = 0; r < REPEAT; r++)); do
    DB=$(fresh_store "$CRM" "capture-$kind" "$kind")
    measure kith-ingest-try "$KITH" --db "$DB" --config "$BENCH_CONF" ingest "$mbox"
    [ "$M_STATUS" = 0 ] || I_STATUS=$M_STATUS
    I_RSS=$(awk -v a="$I_RSS" -v b="$M_RSS_MB" 'BEGIN { print (b > a) ? b : a }')
    if [ -z "$best" ] || awk -v a="$M_SECS" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$M_SECS I_SECS=$M_SECS I_CPU=$M_CPU
      cp "$BENCH_WORK/kith-ingest-try.out" "$BENCH_WORK/kith-ingest-$kind.out"
    fi
  done
  c=$BENCH_WORK/kith-ingest-$kind.out
  C_SECS=$(sed -n 's/.*timing: captured in \([0-9.]*\) s.*/\1/p' "$c")
  D_SECS=$(sed -n 's/.*activities decided in \([0-9.]*\) s.*/\1/p' "$c")
  MEDIAN=$(sed -n 's/.*per activity median \([0-9]*\) us.*/\1/p' "$c")
  P99=$(sed -n 's/.*p99 \([0-9]*\) us.*/\1/p' "$c")
}

for S in $SIZES; do
  M=$(prefix "$S")
  cat "$M" >/dev/null # warm the page cache: every reader below reads from memory
  echo
  echo "-- $S messages, $(awk -v b="$(stat -c %s "$M")" 'BEGIN { printf "%.1f", b / 1048576 }') MB --"
  MEASURE_STDOUT=/dev/null measure cat cat "$M"
  row "cat (the I/O floor)" "$M_SECS" "$M_CPU" "$M_RSS_MB" "$S"
  best_of "$REPEAT" gmime "$FLOOR" "$M"
  row "GMime, From/To/Cc" "$M_SECS" "$M_CPU" "$M_RSS_MB" "$S"
  best_of "$REPEAT" gmime "$FLOOR" --bodies "$M"
  G_SECS=$M_SECS G_CPU=$M_CPU
  row "GMime with text bodies (the floor)" "$M_SECS" "$M_CPU" "$M_RSS_MB" "$S"
  read -r G_MSGS _ <"$BENCH_WORK/gmime.out"
  [ "$G_MSGS" = "$S" ] || echo "  warning: GMime read $G_MSGS messages, not $S"
  for kind in users full; do
    ingest_best "$M" "$kind"
    row "kith ingest, $kind CRM" "$I_SECS" "$I_CPU" "$I_RSS" "$S"
    [ "$I_STATUS" = 0 ] || echo "    kith ingest exit status $I_STATUS"
    printf '    capture phase %s s (%s of the floor), decisions %s s, per activity median %s us, p99 %s us\n' \
      "${C_SECS:-?}" "$(div "$G_SECS" "${C_SECS:-0}")" "${D_SECS:-?}" "${MEDIAN:-?}" "${P99:-?}"
    printf '    whole ingest / floor: %s wall, %s cpu\n' "$(div "$G_SECS" "$I_SECS")" "$(div "$G_CPU" "$I_CPU")"
    if [ "$kind" = users ]; then
      U_RATIO=$(div "$G_SECS" "$I_SECS")
    else
      F_MEDIAN=${MEDIAN:-999999}
      grep -E 'decided:|people skipped' "$BENCH_WORK/kith-ingest-full.out" | head -n 2 | sed 's/^ */    /'
    fi
  done
  echo "  whole ingest (users CRM) / GMime with bodies: $U_RATIO (target >= 0.70 at 100k: $(verdict "$U_RATIO" ">=" 0.7))"
  echo "  median decision (full CRM): $F_MEDIAN us (target <= 10: $(verdict "$F_MEDIAN" "<=" 10))"
done

# kith run (ingest + sync to the local CRM) against the ingest of the same mailbox
M=$(prefix "${SIZES%% *}")
ingest_best "$M" full
DB=$(fresh_store "$CRM" capture-run full)
measure kith-run "$KITH" --db "$DB" --config "$BENCH_CONF" run "$M"
echo
row "kith run (ingest+sync), ${SIZES%% *}" "$M_SECS" "$M_CPU" "$M_RSS_MB" "${SIZES%% *}"
[ "$M_STATUS" = 0 ] || echo "  kith run exit status $M_STATUS"
RUN=$(div "$I_SECS" "$M_SECS")
echo "  kith run throughput / kith ingest throughput: $RUN (target >= 0.50: $(verdict "$RUN" ">=" 0.5))"

# the meetings, for the record (no target)
K=$(find "$MAIL/calendar" -name '*.ics' | wc -l)
DB=$(fresh_store "$CRM" capture-ics full)
measure kith-ics "$KITH" --db "$DB" --config "$BENCH_CONF" ingest "$MAIL/calendar"
printf '\nkith ingest of %d .ics files: %.3f s  %s meetings/s  peak RSS %s MB  (exit %s)\n' "$K" "$M_SECS" \
  "$(per "$K" "$M_SECS")" "$M_RSS_MB" "$M_STATUS"

# peak memory as the mailbox grows: the first n messages of the same corpus
echo
echo "peak memory of kith ingest by mailbox size (full CRM):"
for n in $SERIES; do
  M=$(prefix "$n")
  DB=$(fresh_store "$CRM" capture-series full)
  measure "kith-ingest-$n" "$KITH" --db "$DB" --config "$BENCH_CONF" ingest "$M"
  printf '  %7d messages  %7.1f MB  %8.3f s  %7s msg/s  peak RSS %7s MB  (exit %s)\n' "$n" \
    "$(awk -v b="$(stat -c %s "$M")" 'BEGIN { print b / 1048576 }')" "$M_SECS" "$(per "$n" "$M_SECS")" \
    "$M_RSS_MB" "$M_STATUS"
done
rm -f "$BENCH_WORK"/mail-prefix-*.mbox "$BENCH_WORK"/capture-*.db "$BENCH_WORK"/capture-*.db-wal \
  "$BENCH_WORK"/capture-*.db-shm
