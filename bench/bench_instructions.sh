#!/usr/bin/env bash
# bench_instructions.sh - counts the instructions kith runs for a CRM import, an
# ingest and a sync, under valgrind's callgrind: the same count for the same
# binary and inputs whatever else the machine is doing, so two trees can be
# compared on a busy machine where seconds would only measure the load.
#
# Usage: bench/bench_instructions.sh [KITH...]
#   each KITH is a kith binary (default build-bench/kith); with two or more,
#   the last columns compare each with the first.
#   env MESSAGES (default 2000; meetings are a tenth), CRM_CONTACTS (default
#   20000; accounts are a tenth).
# Prints, per binary, millions of instructions (Ir) for: crm import of every
# object, ingest of the mailbox and the invites, and a sync to the local CRM.
set -u
. "$(dirname "$0")/lib.sh"

BINS=("$@")
[ ${#BINS[@]} -gt 0 ] || BINS=("$KITH")
for b in "${BINS[@]}"; do [ -x "$b" ] || die "no kith binary at $b"; done
command -v valgrind >/dev/null || die "valgrind is needed (apt-get install valgrind)"
mkdir -p "$BENCH_WORK"

N=$(count "${MESSAGES:-2000}")
CRM=$(count "${CRM_CONTACTS:-20000}")
CRMDIR=$(crm_dir "$CRM")
MAIL="$BENCH_WORK/mail-$N-crm$CRM"
if [ ! -f "$MAIL/manifest.json" ]; then
  echo "bench: generating $N messages and $((N / 10)) meetings -> $MAIL" >&2
  "$PY" "$BENCH_DIR/gen_mail.py" --messages "$N" --meetings $((N / 10)) --crm "$CRMDIR" \
    --out "$MAIL" 2>/dev/null || die "gen_mail.py failed"
fi

# ir OUTFILE CMD... -> millions of instructions the command ran (all threads)
ir() {
  local out=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$out.err" ||
    die "failed under callgrind: $* ($(tail -n 1 "$out.err"))"
  awk '/^summary:/ { s += $2 } /^totals:/ { t += $2 } END { printf "%.1f", (s ? s : t) / 1e6 }' "$out"*
}

echo "== kith instruction counts (callgrind) =="
echo "CRM: $CRM contacts; mail: $N messages, $((N / 10)) meetings; config: $BENCH_CONF"
printf '%-44s %12s %12s %12s\n' binary "import M" "ingest M" "sync M"
first=()
for b in "${BINS[@]}"; do
  w=$(mktemp -d "$BENCH_WORK/ir.XXXXXX")
  "$b" --db "$w/kith.db" init >/dev/null || die "$b init failed"
  imp=0
  for o in $OBJECTS; do
    x=$(ir "$w/cg.import.$o" "$b" --db "$w/kith.db" crm import "$o" "$CRMDIR/$o.csv")
    imp=$(awk -v a="$imp" -v b="$x" 'BEGIN { print a + b }')
  done
  ing=$(ir "$w/cg.ingest" "$b" --db "$w/kith.db" --config "$BENCH_CONF" ingest "$MAIL")
  syn=$(ir "$w/cg.sync" "$b" --db "$w/kith.db" --config "$BENCH_CONF" sync)
  if [ ${#first[@]} -eq 0 ]; then
    first=("$imp" "$ing" "$syn")
    printf '%-44s %12.1f %12.1f %12.1f\n' "$b" "$imp" "$ing" "$syn"
  else
    printf '%-44s %12.1f %12.1f %12.1f   (%s / %s / %s of the first)\n' "$b" "$imp" "$ing" "$syn" \
      "$(div "$imp" "${first[0]}" 3)" "$(div "$ing" "${first[1]}" 3)" "$(div "$syn" "${first[2]}" 3)"
  fi
  rm -rf "$w"
done
