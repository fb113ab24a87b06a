#!/usr/bin/env bash
# test_live_imap.sh - `kith ingest --source` against a real Dovecot started here on 127.0.0.1 (TLS
# with a certificate made here, Maildir users): first sync, incremental sync, UIDVALIDITY change,
# \Seen left alone, no attachment downloaded, STARTTLS, start_date, folders, a wrong password and a
# server that goes away mid-fetch. Usage: test_live_imap.sh path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
KITH="$1"
case "$KITH" in /*) ;; *) KITH="$PWD/$KITH" ;; esac
SRC=${KITH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

if ! bash "$SRC/scripts/install-live-deps.sh"; then
  fail "scripts/install-live-deps.sh installs Dovecot"
  finish
fi
LIVE=$(mktemp -d /tmp/kith-live-imap.XXXXXX)
# shellcheck source=../live/lib.sh
. "$SRC/tests/live/lib.sh"
cleanup() {
  trap '' INT TERM # nothing may cut the cleanup short
  if [ -n "${WATCHDOG:-}" ]; then
    pkill -P "$WATCHDOG" 2>/dev/null # its sleep
    kill "$WATCHDOG" 2>/dev/null
  fi
  proxy_stop; dovecot_stop
  rm -rf "$LIVE"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# a bound on the whole test: each kith run has its own (45 s); this stops anything else stuck
( sleep 240 && { echo "not ok - the test ran over 240 s"; kill -TERM $$; } ) 2>/dev/null &
WATCHDOG=$!
cd "$LIVE" || exit 1
unset KITH_DB KITH_CONFIG

dovecot_setup || { fail "Dovecot configuration"; finish; }
dovecot_user ann secret-ann
if ! dovecot_start; then
  fail "Dovecot starts on 127.0.0.1 ($(tail -n 5 "$DOVECOT_DIR/dovecot.log" "$DOVECOT_DIR/stdout.log" 2>/dev/null))"
  finish
fi
ok "Dovecot listens on 127.0.0.1:$DOVECOT_TLS_PORT (IMAPS) and :$DOVECOT_PORT (STARTTLS)"

# kith NAME ARGS...: runs kith (bounded in time), output in NAME.out / NAME.err, status in $st
run() {
  local name=$1
  shift
  timeout -k 5 45 "$KITH" --db "$LIVE/kith.db" --config "$LIVE/kith.conf" "$@" >"$name.out" 2>"$name.err"
  st=$?
}
# counts NAME: "NEW SEEN" from the ingest summary line
counts() { sed -n 's/.*; \([0-9]*\) activities new, \([0-9]*\) seen before.*/\1 \2/p' "$1.out"; }
state() { sqlite3 "$LIVE/kith.db" "SELECT value FROM source_state WHERE source = '$1' AND key = '$2'" 2>/dev/null; }
expect_counts() { # NAME "NEW SEEN" WHAT
  local got
  got=$(counts "$1")
  if [ "$st" = 0 ] && [ "$got" = "$2" ]; then ok "$3"; else fail "$3 (exit $st, new/seen '$got', wanted '$2': $(head -c 300 "$1.err"))"; fi
}

# msg N [DAYS_AGO]: a message of about 1.5 KB from someone at contoso.example to Ann
msg() {
  local n=$1 days=${2:-1} date
  date=$(date -u -R -d "$days days ago")
  printf 'Message-ID: <m%s@contoso.example>\r\nDate: %s\r\nFrom: "Person %s" <p%s@contoso.example>\r\nTo: Ann Lee <ann.lee@corp.example>\r\nSubject: Note %s\r\n\r\nHello Ann,\r\n' \
    "$n" "$date" "$n" "$n" "$n"
  local i
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    printf 'Line %02d of message %06d, padding the message to a steady size.......\r\n' "$i" "$n"
  done
  printf '\r\nRegards,\r\nPerson %s\r\n' "$n"
}
# seed FIRST LAST [FOLDER]: messages FIRST..LAST into Ann's Maildir
seed() {
  local dir="$DOVECOT_DIR/home/ann/Maildir" n
  [ -n "${3:-}" ] && dir="$dir/.$3"
  mkdir -p "$dir/cur" "$dir/new" "$dir/tmp"
  for n in $(seq "$1" "$2"); do
    msg "$n" >"$dir/tmp/seed.$n"
    mv "$dir/tmp/seed.$n" "$dir/new/$(date +%s).seed$n.kithtest"
  done
  dovecot_fix_owner ann
}

# The CRM: Ann is a user, Contoso an account she owns.
printf 'Id,FirstName,LastName,Email,IsActive\n005000000000000AAA,Kith,Integration,integration@corp.example,true\n005000000000001AAA,Ann,Lee,ann.lee@corp.example,true\n' >User.csv
printf 'Id,Name,Website,OwnerId\n001000000000101AAA,Contoso,contoso.example,005000000000001AAA\n' >Account.csv
printf 'secret-ann\n' >pw
chmod 600 pw
printf 'wrong\n' >pw-wrong
chmod 600 pw-wrong
source_conf() { # NAME URL [EXTRA LINES]
  printf '\n[source %s]\ntype = imap\nurl = %s\nuser = ann\npassword_file = %s/pw\nca_file = %s/tls/cert.pem\n%s\n' \
    "$1" "$2" "$LIVE" "$LIVE" "${3:-}"
}
{
  printf '[org]\ninternal_domains = corp.example\nintegration_user = 005000000000000AAA\n'
  source_conf mail "imaps://127.0.0.1:$DOVECOT_TLS_PORT" "folders = INBOX, Sent"
  source_conf starttls "imap://127.0.0.1:$DOVECOT_PORT" "folders = Sent"
  source_conf wrongpw "imaps://127.0.0.1:$DOVECOT_TLS_PORT" ""
  source_conf noca "imaps://127.0.0.1:$DOVECOT_TLS_PORT" ""
  source_conf recent "imaps://127.0.0.1:$DOVECOT_TLS_PORT" "folders = Old
start_date = $(date -u -d '30 days ago' +%Y-%m-%d)"
  source_conf nofolder "imaps://127.0.0.1:$DOVECOT_TLS_PORT" "folders = Nope, INBOX"
  source_conf down "imaps://127.0.0.1:$(free_port)" ""
  source_conf att "imaps://127.0.0.1:$DOVECOT_TLS_PORT" "folders = Att"
} >kith.conf
# wrongpw reads pw-wrong; noca has no ca_file (the certificate is self-signed)
awk -v live="$LIVE" '
  /^\[source / { s = $2 }
  s == "wrongpw]" && /^password_file/ { print "password_file = " live "/pw-wrong"; next }
  s == "noca]" && /^ca_file/ { next }
  { print }' kith.conf >kith.conf.new && mv kith.conf.new kith.conf

run init init
run users crm import User User.csv
run accounts crm import Account Account.csv

# 1. first sync: 300 messages in INBOX, one with an attachment and a signature, 2 in Sent
seed 1 300
cat >"$DOVECOT_DIR/home/ann/Maildir/new/$(date +%s).sig.kithtest" <<'EOF'
Message-ID: <signed@contoso.example>
From: Jane Doe <jane.doe@contoso.example>
To: Ann Lee <ann.lee@corp.example>
Subject: The contract
Date: Tue, 03 Mar 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Hi Ann, see attached.

Jane Doe
VP Sales, Contoso
--inner
Content-Type: text/html; charset=utf-8

<p>Hi Ann</p>
--inner--

--outer
Content-Type: application/octet-stream; name="contract.bin"
Content-Disposition: attachment; filename="contract.bin"
Content-Transfer-Encoding: base64

QVRUQUNITUVOVC1NQVJLRVItNDI0MjQyQVRUQUNITUVOVC1NQVJLRVItNDI0MjQy
QVRUQUNITUVOVC1NQVJLRVItNDI0MjQyQVRUQUNITUVOVC1NQVJLRVItNDI0MjQy
--outer--
EOF
seed 9001 9002 Sent
dovecot_fix_owner ann
t0=$(date +%s%N)
run first ingest --source mail
t1=$(date +%s%N)
expect_counts first "303 0" "first sync reads every message of INBOX and Sent ($(( (t1 - t0) / 1000000 )) ms)"
[ "$(state mail imap.INBOX.last_uid)" = 301 ] && ok "the last UID of INBOX is kept" || fail "last UID kept ($(state mail imap.INBOX.last_uid))"
[ -n "$(state mail imap.INBOX.uidvalidity)" ] && ok "the UIDVALIDITY of INBOX is kept" || fail "UIDVALIDITY kept"
[ "$(state mail imap.Sent.last_uid)" = 2 ] && ok "each folder has its own state" || fail "Sent state ($(state mail imap.Sent.last_uid))"

# the first text part was read (the signature), the attachment was not fetched
run sync sync
run contacts crm export Contact
if grep -q 'jane.doe@contoso.example' contacts.out && grep 'jane.doe@contoso.example' contacts.out | grep -q 'VP Sales'; then
  ok "the text part of a multipart message with an attachment is read (title from the signature)"
else
  fail "signature title from the IMAP text part ($(grep jane contacts.out))"
fi
imap_search() { curl -s --max-time 20 --cacert tls/cert.pem -u ann:secret-ann "imaps://127.0.0.1:$DOVECOT_TLS_PORT/INBOX" -X "SEARCH $1" | tr -d '\r' | sed -n 's/^\* SEARCH//p' | wc -w; }
seen=$(imap_search SEEN) unseen=$(imap_search UNSEEN)
if [ "$seen" = 0 ] && [ "$unseen" -ge 301 ]; then
  ok "no message was marked \\Seen (EXAMINE and BODY.PEEK): $unseen unseen"
else
  fail "messages marked \\Seen: $seen (unseen $unseen)"
fi

# a message with a 2 MB attachment: kith fetches its header and text part, not the attachment
att="$DOVECOT_DIR/home/ann/Maildir/.Att"
mkdir -p "$att/cur" "$att/new" "$att/tmp"
{
  printf 'Message-ID: <big@contoso.example>\r\nFrom: Jane Doe <jane.doe@contoso.example>\r\nTo: ann.lee@corp.example\r\nSubject: Big\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n' "$(date -u -R)"
  printf -- '--b1\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
  head -c 1500000 /dev/zero | base64 -w 76 | sed 's/$/\r/'
  printf -- '--b1--\r\n'
} >"$att/new/1.big.kithtest"
dovecot_fix_owner ann
run att ingest --source att
sent=$(grep 'imap(ann)' "$DOVECOT_DIR/dovecot.log" | tail -n 1 | sed -n 's/.* out=\([0-9]*\).*/\1/p')
if [ "$st" = 0 ] && [ "$(counts att)" = "1 0" ] && [ -n "$sent" ] && [ "$sent" -lt 100000 ]; then
  ok "a 2 MB attachment is not downloaded (the server sent $sent bytes in that session)"
else
  fail "attachment download (exit $st, server sent '${sent:-?}' bytes: $(head -c 300 att.err))"
fi

# 2. nothing new: nothing fetched
run again ingest --source mail
expect_counts again "0 0" "a second sync with no new mail fetches nothing"

# 3. new mail arrives: only the new messages are fetched
seed 301 320
t0=$(date +%s%N)
run incr ingest --source mail
t1=$(date +%s%N)
expect_counts incr "20 0" "incremental sync reads only the 20 new messages ($(( (t1 - t0) / 1000000 )) ms)"
[ "$(state mail imap.INBOX.last_uid)" = 321 ] && ok "the last UID moves on" || fail "last UID after incremental ($(state mail imap.INBOX.last_uid))"

# 4. UIDVALIDITY changes (the server rebuilt its index): re-scan, idempotent through Message-ID
old_v=$(state mail imap.INBOX.uidvalidity)
rm -f "$DOVECOT_DIR/home/ann/Maildir/dovecot-uidlist" "$DOVECOT_DIR/home/ann/Maildir/dovecot.index"*
seed 321 321
run uidv ingest --source mail
expect_counts uidv "1 321" "after a UIDVALIDITY change every message is read again, and only the new one is new"
new_v=$(state mail imap.INBOX.uidvalidity)
[ -n "$new_v" ] && [ "$new_v" != "$old_v" ] && ok "the new UIDVALIDITY is kept ($old_v -> $new_v)" || fail "UIDVALIDITY after the change ($old_v -> $new_v)"
run uidv2 ingest --source mail
expect_counts uidv2 "0 0" "and the sync after it is incremental again"

# 5. STARTTLS on imap://
run starttls ingest --source starttls
expect_counts starttls "0 2" "imap:// logs in with STARTTLS (the Sent messages, seen before)"

# 6. start_date: a message older than it is not read
mkdir -p "$DOVECOT_DIR/home/ann/Maildir/.Old/cur" "$DOVECOT_DIR/home/ann/Maildir/.Old/new" "$DOVECOT_DIR/home/ann/Maildir/.Old/tmp"
msg 7001 200 >"$DOVECOT_DIR/home/ann/Maildir/.Old/new/1.old.kithtest"
touch -d '200 days ago' "$DOVECOT_DIR/home/ann/Maildir/.Old/new/1.old.kithtest"
msg 7002 2 >"$DOVECOT_DIR/home/ann/Maildir/.Old/new/2.new.kithtest"
dovecot_fix_owner ann
run recent ingest --source recent
expect_counts recent "1 0" "start_date: the message from before it is not read"

# 7. a folder that does not exist: reported, the others still read
run nofolder ingest --source nofolder
read -r nf_new nf_seen <<<"$(counts nofolder)"
if [ "$st" = 1 ] && grep -q 'Nope' nofolder.err && [ "${nf_new:-1}" = 0 ] && [ "${nf_seen:-0}" -ge 300 ]; then
  ok "a missing folder is reported (exit 1) and INBOX is still read"
else
  fail "missing folder (exit $st: $(head -c 300 nofolder.err))"
fi

# 8. a wrong password: one clear error, one login attempt, no retry
# Dovecot logs one "Disconnected (auth failed, N attempts ...)" line per session
before=$(grep -c 'auth failed' "$DOVECOT_DIR/dovecot.log")
t0=$(date +%s)
run wrongpw ingest --source wrongpw
t1=$(date +%s)
sleep 1 # the log process writes the line a moment after the session ends
after=$(grep -c 'auth failed' "$DOVECOT_DIR/dovecot.log")
retried=$(grep -c 'auth failed, \([2-9]\|[1-9][0-9][0-9]*\) attempts' "$DOVECOT_DIR/dovecot.log")
if [ "$st" = 1 ] && grep -q 'refused the login' wrongpw.err && [ "$(wc -l <wrongpw.err)" -le 2 ]; then
  ok "a wrong password is one clear error line: $(head -n 1 wrongpw.err)"
else
  fail "wrong password (exit $st: $(cat wrongpw.err))"
fi
if [ $((t1 - t0)) -le 10 ] && [ "$((after - before))" = 1 ] && [ "$retried" = 0 ]; then
  ok "a wrong password is tried once (one session, one attempt in the server log, $((t1 - t0)) s)"
else
  fail "retry storm? $((after - before)) failed sessions, $retried with several attempts, $((t1 - t0)) s"
fi

# 9. a self-signed server without ca_file: the certificate is refused
run noca ingest --source noca
if [ "$st" = 1 ] && grep -qi 'certificate\|SSL' noca.err; then
  ok "an unknown certificate is refused with tls_verify on"
else
  fail "self-signed certificate without ca_file (exit $st: $(cat noca.err))"
fi

# 10. no server at all
run down ingest --source down
if [ "$st" = 1 ] && grep -q 'source down' down.err; then ok "an unreachable server is a clear error"; else fail "unreachable (exit $st: $(cat down.err))"; fi

# 11. the server goes away mid-fetch: what was read stays read, the rest comes next time
seed 1001 1600 Cut
proxy_start "$DOVECOT_TLS_PORT" 450000
cat >>kith.conf <<EOF

[source cut]
type = imap
url = imaps://127.0.0.1:$PROXY_PORT
user = ann
password_file = $LIVE/pw
ca_file = $LIVE/tls/cert.pem
folders = Cut
EOF
run cut1 ingest --source cut
read -r new1 _ <<<"$(counts cut1)"
last1=$(state cut imap.Cut.last_uid)
if [ "$st" = 1 ] && grep -qi 'connection\|closed' cut1.err && [ "${new1:-0}" -gt 0 ] && [ "${new1:-0}" -lt 600 ]; then
  ok "a connection cut mid-fetch is reported, and the $new1 messages read before it are kept (last UID ${last1:-none})"
else
  fail "cut mid-fetch (exit $st, new ${new1:-?}: $(head -c 300 cut1.err))"
fi
[ "${last1:-0}" -le "${new1:-0}" ] && ok "the kept UID covers no message that was not handed over" || fail "last UID $last1 > delivered $new1"
proxy_stop
sed -i "s#imaps://127.0.0.1:$PROXY_PORT#imaps://127.0.0.1:$DOVECOT_TLS_PORT#" kith.conf
run cut2 ingest --source cut
read -r new2 seen2 <<<"$(counts cut2)"
if [ "$st" = 0 ] && [ $((new1 + new2)) = 600 ] && [ "${seen2:-0}" -lt 200 ]; then
  ok "the next sync resumes: $new2 more, $seen2 read twice, 600 in all, none lost"
else
  fail "resume after the cut (exit $st, first $new1, then $new2 new / $seen2 seen: $(head -c 300 cut2.err))"
fi


# 9. hostile messages in a folder (#16): a Cc of 45,000 nested groups is cut
#    and the message read; a message of 20,000 header fields is refused; the
#    messages after both are read, and the cursor moves past them for good.
hdir="$DOVECOT_DIR/home/ann/Maildir/.Hostile"
mkdir -p "$hdir/cur" "$hdir/new" "$hdir/tmp"
msg 77001 >"$hdir/new/1.h1.kithtest"
python3 - "$hdir/new/2.h2.kithtest" <<'PY'
import sys
g = "a:" * 45000
cc = "Cc: " + "\r\n ".join(g[i:i + 900] for i in range(0, len(g), 900))
open(sys.argv[1], "w").write("Message-ID: <deep@contoso.example>\r\nDate: Tue, 03 Mar 2026 09:00:00 +0000\r\n"
    "From: Deep Groups <deep@contoso.example>\r\nTo: Ann Lee <ann.lee@corp.example>\r\n" + cc +
    "\r\nSubject: groups\r\n\r\nHello\r\n")
PY
{ printf 'Message-ID: <many@contoso.example>\r\nFrom: Many Headers <many@contoso.example>\r\nTo: ann.lee@corp.example\r\n'
  for _ in $(seq 20000); do printf 'X-A: b\r\n'; done
  printf '\r\nHello\r\n'; } >"$hdir/new/3.h3.kithtest"
msg 77002 >"$hdir/new/4.h4.kithtest"
dovecot_fix_owner ann
printf '\n[source hostile]\ntype = imap\nurl = imaps://127.0.0.1:%s\nuser = ann\npassword_file = %s/pw\nca_file = %s/tls/cert.pem\nfolders = Hostile\n' \
  "$DOVECOT_TLS_PORT" "$LIVE" "$LIVE" >>kith.conf
run hostile1 ingest --source hostile
read -r hnew _ <<<"$(counts hostile1)"
if [ "$st" = 1 ] && [ "${hnew:-0}" = 3 ] && grep -q 'more than 10000 header fields' hostile1.err &&
  grep -q 'warning: Cc: address groups nested deeper than 8' hostile1.err; then
  ok "hostile IMAP messages: the deep Cc cut and read, the 20,000 headers refused, the others read (3 new)"
else
  fail "hostile IMAP messages (exit $st, new ${hnew:-?}: $(head -c 400 hostile1.err) $(head -c 300 hostile1.out))"
fi
run hostile2 ingest --source hostile
if [ "$st" = 0 ] && [ "$(counts hostile2)" = "0 0" ] && [ ! -s hostile2.err ]; then
  ok "the cursor moved past the refused message: the next sync reads nothing again"
else
  fail "after the hostile folder (exit $st, '$(counts hostile2)': $(head -c 300 hostile2.err))"
fi

finish
