#!/usr/bin/env bash
# bench_imap.sh - times kith's IMAP capture from a local Dovecot against reading the same Maildir from disk.
# Usage: bench/bench_imap.sh [MESSAGES]
#   MESSAGES  mailbox size (default 50000; "50k" works), taken from gen_mail.py's mailbox
#   env CRM_CONTACTS (default 10k; accounts are a tenth) sets the CRM the store holds: small, so
#   that deciding (the same for both readers) does not hide the capture being compared
#   env IMAP_TIERS (default "empty crm"): capture alone (empty store), capture and decide
# Targets: the first IMAP sync >= 50% of the throughput of `kith ingest MAILDIR`;
# an incremental sync with 100 new messages < 1 s.
# Dovecot runs on 127.0.0.1 only (tests/live/lib.sh), with TLS, and is stopped at the end.
set -u
. "$(dirname "$0")/lib.sh"
need_tools

N=50000
for a in "$@"; do
  case "$a" in
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) N=$(count "$a") ;;
  esac
done
NEW=100
CRM=$(count "${CRM_CONTACTS:-10k}")
bash "$SRC_DIR/scripts/install-live-deps.sh" || die "cannot install Dovecot (scripts/install-live-deps.sh)"

# The mail: the first N + NEW messages of a gen_mail.py mailbox (its first n messages are exactly
# a run with --messages n), so a 100k mailbox of bench_capture.sh --full is reused when it is there.
M=$((N + NEW))
GEN=$M
[ "$M" -le 100000 ] && [ -f "$BENCH_WORK/mail-100000-crm$CRM/manifest.json" ] && GEN=100000
crm_store "$CRM" >/dev/null
MAIL="$BENCH_WORK/mail-$GEN-crm$CRM"
if [ ! -f "$MAIL/manifest.json" ]; then
  echo "bench: generating $GEN messages -> $MAIL" >&2
  "$PY" "$BENCH_DIR/gen_mail.py" --messages "$GEN" --meetings $((GEN / 10)) --accounts $((CRM / 10)) \
    --contacts "$CRM" --out "$MAIL" 2>/dev/null || die "gen_mail.py failed"
fi

# One file per message (mboxrd unquoted): N in the Maildir, NEW kept aside (a Maildir of their
# own, later/) for the incremental runs.
HOME_DIR="$BENCH_WORK/imap-$N-mail$GEN-crm$CRM/home"
MAILDIR="$HOME_DIR/Maildir"
if [ ! -f "$HOME_DIR/.done" ]; then
  echo "bench: writing $N + $NEW messages as files -> $HOME_DIR" >&2
  rm -rf "$HOME_DIR"
  mkdir -p "$MAILDIR/cur" "$MAILDIR/new" "$MAILDIR/tmp" "$HOME_DIR/later/cur" "$HOME_DIR/later/new" \
    "$HOME_DIR/later/tmp"
  "$PY" - "$MAIL/mail.mbox" "$MAILDIR/cur" "$HOME_DIR/later/cur" "$N" "$NEW" <<'EOF' || die "Maildir conversion failed"
import re, sys
mbox, cur, later, n, extra = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
quoted = re.compile(rb"^>(>*From )")
count, out = 0, None
def close():
    if out:
        out.close()
with open(mbox, "rb") as f:
    for line in f:
        if line.startswith(b"From "):
            close()
            count += 1
            if count > n + extra:
                out = None
                break
            name = ("%s/%09d.kithbench:2," % (cur, count)) if count <= n else ("%s/%09d.kithbench" % (later, count))
            out = open(name, "wb")
            continue
        if out:
            out.write(quoted.sub(rb"\1", line))
close()
if count < n + extra:
    sys.exit("only %d messages in %s" % (count, mbox))
EOF
  touch "$HOME_DIR/.done"
fi
BYTES=$(du -sb "$MAILDIR/cur" | cut -f1)
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')

# Dovecot on 127.0.0.1 with a throwaway configuration; the user's home is the Maildir above.
LIVE=$(mktemp -d /tmp/kith-bench-imap.XXXXXX)
. "$SRC_DIR/tests/live/lib.sh"
cleanup() { dovecot_stop; rm -rf "$LIVE"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
dovecot_setup || die "Dovecot configuration failed"
echo "bench:{PLAIN}bench:$LIVE_USER_UID:$LIVE_USER_GID::$HOME_DIR" >"$DOVECOT_DIR/passwd"
[ "$(id -u)" = 0 ] && chown -R "$LIVE_USER_UID:$LIVE_USER_GID" "$HOME_DIR"
chmod 755 "$BENCH_WORK" "$(dirname "$HOME_DIR")" "$HOME_DIR"
# start from an empty server index: the cold run builds it
rm -f "$MAILDIR"/dovecot* "$MAILDIR/new"/* "$MAILDIR/tmp"/*
dovecot_start || die "Dovecot did not start: $(tail -n 3 "$DOVECOT_DIR/dovecot.log")"
printf 'bench\n' >"$LIVE/pw"
chmod 600 "$LIVE/pw"
CONF="$LIVE/kith.conf"
{
  cat "$BENCH_CONF"
  printf '\n[source bench]\ntype = imap\nurl = imaps://127.0.0.1:%s\nuser = bench\npassword_file = %s\nca_file = %s\n' \
    "$DOVECOT_TLS_PORT" "$LIVE/pw" "$LIVE/tls/cert.pem"
} >"$CONF"

echo "== kith IMAP capture benchmark =="
machine
echo "mailbox: $MAILDIR ($N messages, $MB MB); CRM in the store: $CRM contacts"
echo "server: Dovecot $(dovecot --version | cut -d' ' -f1) on 127.0.0.1:$DOVECOT_TLS_PORT (IMAPS)"
echo

row() { # LABEL SECS COUNT
  printf '%-50s %8.3f s  %8s msg/s  %7s MB/s\n' "$1" "$2" "$(per "$3" "$2")" "$(div "$MB" "$2" 1)"
}
line() { printf '%-50s %8.3f s\n' "$1" "$2"; }
summary() { sed -n '1s/^/    /p; /timing:/s/^ */    /p' "$BENCH_WORK/$1.out"; }
find "$MAILDIR/cur" -type f -exec cat {} + >/dev/null # warm the page cache for every reader

# A store with no CRM: nothing to decide (every activity is skipped, no_users), so the
# figures are those of capture (reading, parsing, storing) alone.
EMPTY="$BENCH_WORK/imap-empty-template.db"
rm -f "$EMPTY"
"$KITH" --db "$EMPTY" init >/dev/null || die "kith init failed"
store() { # KIND NAME -> a fresh store: "empty" or the CRM one
  if [ "$1" = empty ]; then
    rm -f "$BENCH_WORK/$2.db" "$BENCH_WORK/$2.db-wal" "$BENCH_WORK/$2.db-shm"
    cp "$EMPTY" "$BENCH_WORK/$2.db" && echo "$BENCH_WORK/$2.db"
  else
    fresh_store "$CRM" "$2"
  fi
}
deliver_new() { # TAG: the NEW messages arrive in the Maildir under new names, as an MDA delivers them
  local f
  for f in "$HOME_DIR/later/cur"/*; do
    cp "$f" "$MAILDIR/tmp/$1.${f##*/}" && mv "$MAILDIR/tmp/$1.${f##*/}" "$MAILDIR/new/"
  done
  [ "$(id -u)" = 0 ] && chown -R "$LIVE_USER_UID:$LIVE_USER_GID" "$MAILDIR/new"
}
forget_new() { # TAG: and are taken away again, wherever the server put them
  local f
  for f in "$HOME_DIR/later/cur"/*; do rm -f "$MAILDIR/new/$1.${f##*/}" "$MAILDIR/cur/$1.${f##*/}"*; done
}

# tier KIND TITLE: the first sync from disk and from IMAP, then the incremental syncs
tier() {
  local kind=$1
  echo "-- $2"
  DB=$(store "$kind" imap-disk)
  measure imap-disk "$KITH" --db "$DB" --config "$CONF" ingest "$MAILDIR"
  D_SECS=$M_SECS
  row "kith ingest MAILDIR (from disk)" "$M_SECS" "$N"
  summary imap-disk
  if [ "$kind" = empty ]; then
    DB=$(store "$kind" imap-cold)
    measure imap-cold "$KITH" --db "$DB" --config "$CONF" ingest --source bench
    C_SECS=$M_SECS
    row "kith ingest --source (IMAP, server index cold)" "$M_SECS" "$N"
    summary imap-cold
  fi
  DB=$(store "$kind" imap-warm)
  measure imap-warm "$KITH" --db "$DB" --config "$CONF" ingest --source bench
  W_SECS=$M_SECS
  row "kith ingest --source (IMAP, server index warm)" "$M_SECS" "$N"
  summary imap-warm
  measure imap-none "$KITH" --db "$DB" --config "$CONF" ingest --source bench
  line "IMAP sync with nothing new" "$M_SECS"
  deliver_new "$kind$$"
  measure imap-incr "$KITH" --db "$DB" --config "$CONF" ingest --source bench
  I_SECS=$M_SECS
  line "IMAP incremental sync, $NEW new messages" "$M_SECS"
  summary imap-incr
  grep -q "; $NEW activities new" "$BENCH_WORK/imap-incr.out" ||
    echo "    warning: the incremental sync did not read exactly $NEW new messages"
  forget_new "$kind$$"
  measure imap-disk-incr "$KITH" --db "$BENCH_WORK/imap-disk.db" --config "$CONF" ingest "$HOME_DIR/later"
  line "the same $NEW messages from disk (for comparison)" "$M_SECS"
  summary imap-disk-incr
  echo "    IMAP / disk throughput: warm $(div "$D_SECS" "$W_SECS")${C_SECS:+, cold $(div "$D_SECS" "$C_SECS")}"
  echo
}

A_WARM=- A_COLD=- A_INCR=- B_WARM=- B_INCR=-
if [[ " ${IMAP_TIERS:-empty crm} " == *" empty "* ]]; then
  C_SECS=
  tier empty "capture alone (a store without CRM: nothing to decide)"
  A_WARM=$(div "$D_SECS" "$W_SECS") A_COLD=$(div "$D_SECS" "$C_SECS") A_INCR=$I_SECS
fi
if [[ " ${IMAP_TIERS:-empty crm} " == *" crm "* ]]; then
  C_SECS=
  tier crm "capture and decide (the store holds the $CRM-contact CRM)"
  B_WARM=$(div "$D_SECS" "$W_SECS") B_INCR=$I_SECS
fi

judge() { if [ "$1" = - ]; then echo "not run"; else verdict "$@"; fi; } # VALUE OP LIMIT
echo "IMAP first sync throughput / Maildir-from-disk throughput (target >= 0.50):"
echo "  capture alone:      warm index $A_WARM ($(judge "$A_WARM" ">=" 0.5)), cold index $A_COLD ($(judge "$A_COLD" ">=" 0.5))"
echo "  capture and decide: warm index $B_WARM ($(judge "$B_WARM" ">=" 0.5))"
echo "incremental sync with $NEW new messages (target < 1 s):"
echo "  capture alone:      $A_INCR s ($(judge "$A_INCR" "<=" 1))"
echo "  capture and decide: $B_INCR s ($(judge "$B_INCR" "<=" 1))"
rm -f "$BENCH_WORK"/imap-*.db "$BENCH_WORK"/imap-*.db-wal "$BENCH_WORK"/imap-*.db-shm "$EMPTY" "$MAILDIR"/dovecot*
