#!/usr/bin/env bash
# test_live_caldav.sh - `kith ingest --source` against a real Radicale started here on 127.0.0.1
# (HTTPS with a certificate made here, htpasswd users): discovery from the principal, first and
# incremental sync-collection, changed, cancelled and deleted events, a lost sync token, the
# calendar-query fallback, start_date, a wrong password and a server that goes away mid-fetch.
# Usage: test_live_caldav.sh path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
KITH="$1"
case "$KITH" in /*) ;; *) KITH="$PWD/$KITH" ;; esac
SRC=${KITH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

if ! bash "$SRC/scripts/install-live-deps.sh"; then
  fail "scripts/install-live-deps.sh installs Radicale"
  finish
fi
LIVE=$(mktemp -d /tmp/kith-live-caldav.XXXXXX)
# shellcheck source=../live/lib.sh
. "$SRC/tests/live/lib.sh"
cleanup() {
  trap '' INT TERM # nothing may cut the cleanup short
  if [ -n "${WATCHDOG:-}" ]; then
    pkill -P "$WATCHDOG" 2>/dev/null # its sleep
    kill "$WATCHDOG" 2>/dev/null
  fi
  proxy_stop; filter_stop; radicale_stop
  rm -rf "$LIVE"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# a bound on the whole test: each kith run has its own (45 s); this stops anything else stuck
( sleep 240 && { echo "not ok - the test ran over 240 s"; kill -TERM $$; } ) 2>/dev/null &
WATCHDOG=$!
cd "$LIVE" || exit 1
unset KITH_DB KITH_CONFIG

radicale_setup tls || { fail "Radicale configuration"; finish; }
radicale_user ann secret-ann
if ! radicale_start; then
  fail "Radicale starts on 127.0.0.1 ($(tail -n 5 "$RADICALE_DIR/radicale.log"))"
  finish
fi
ok "Radicale listens on $RADICALE_URL"
AUTH=ann:secret-ann

run() { # NAME ARGS...: kith, bounded in time; output in NAME.out / NAME.err, status in $st
  local name=$1
  shift
  timeout -k 5 45 "$KITH" --db "$LIVE/kith.db" --config "$LIVE/kith.conf" "$@" >"$name.out" 2>"$name.err"
  st=$?
}
counts() { sed -n 's/.*; \([0-9]*\) activities new, \([0-9]*\) seen before.*/\1 \2/p' "$1.out"; }
files() { sed -n 's/^ingest: \([0-9]*\) files\{0,1\} read.*/\1/p' "$1.out"; }
state() { sqlite3 "$LIVE/kith.db" "SELECT value FROM source_state WHERE source = '$1' AND key = '$2'" 2>/dev/null; }
expect_counts() { # NAME "NEW SEEN" WHAT
  local got
  got=$(counts "$1")
  if [ "$st" = 0 ] && [ "$got" = "$2" ]; then ok "$3"; else fail "$3 (exit $st, new/seen '$got', wanted '$2': $(head -c 300 "$1.err"))"; fi
}

# event UID SUMMARY [DAYS_FROM_NOW] [EXTRA PROPERTY LINES]: one VCALENDAR with one VEVENT
event() {
  local start
  start=$(date -u -d "${3:-2} days" +%Y%m%dT150000Z)
  printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260301T090000Z\r\nDTSTART:%s\r\nDURATION:PT1H\r\nSUMMARY:%s\r\nORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\nATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:jane.doe@contoso.example\r\nATTENDEE;CN=%s:mailto:%s\r\n%sEND:VEVENT\r\nEND:VCALENDAR\r\n' \
    "$1" "$start" "$2" "Guest $1" "guest.${1%%@*}@contoso.example" "${4:-}"
}
put() { # CALENDAR NAME UID SUMMARY [DAYS] [EXTRA]
  event "$3" "$4" "${5:-2}" "${6:-}" >ev.ics
  local code
  code=$(dav "$AUTH" PUT "/ann/$1/$2.ics" ev.ics "Content-Type: text/calendar")
  case "$code" in 201 | 204) ;; *) echo "# PUT /ann/$1/$2.ics: HTTP $code" ;; esac
}
mkcal() { # NAME COMPONENT
  printf '<?xml version="1.0" encoding="utf-8"?>\n<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>%s</D:displayname><C:supported-calendar-component-set><C:comp name="%s"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>\n' "$1" "$2" >mk.xml
  dav "$AUTH" MKCALENDAR "/ann/$1/" mk.xml "Content-Type: application/xml" >/dev/null
}

# The CRM: Ann is a user, Contoso an account she owns.
printf 'Id,FirstName,LastName,Email,IsActive\n005000000000000AAA,Kith,Integration,integration@corp.example,true\n005000000000001AAA,Ann,Lee,ann.lee@corp.example,true\n' >User.csv
printf 'Id,Name,Website,OwnerId\n001000000000101AAA,Contoso,contoso.example,005000000000001AAA\n' >Account.csv
printf 'secret-ann\n' >pw
chmod 600 pw
printf 'wrong\n' >pw-wrong
chmod 600 pw-wrong

mkcal work VEVENT
mkcal team VEVENT
mkcal tasks VTODO
for i in 1 2 3 4 5; do put work "w$i" "w$i@corp.example" "Work meeting $i"; done
put team t1 t1@corp.example "Team sync"
put team t2 t2@corp.example "Team review"

source_conf() { # NAME URL [EXTRA LINES]
  printf '\n[source %s]\ntype = caldav\nurl = %s\nuser = ann\npassword_file = %s/pw\nca_file = %s/tls/cert.pem\n%s\n' \
    "$1" "$2" "$LIVE" "$LIVE" "${3:-}"
}
{
  printf '[org]\ninternal_domains = corp.example\nintegration_user = 005000000000000AAA\n'
  source_conf cal "$RADICALE_URL/"
  source_conf named "$RADICALE_URL/" "calendars = team"
  source_conf recent "$RADICALE_URL/" "calendars = old
start_date = $(date -u -d '30 days ago' +%Y-%m-%d)"
  source_conf wrongpw "$RADICALE_URL/" ""
  source_conf missing "$RADICALE_URL/" "calendars = nope, team"
} >kith.conf
awk -v live="$LIVE" '
  /^\[source / { s = $2 }
  s == "wrongpw]" && /^password_file/ { print "password_file = " live "/pw-wrong"; next }
  { print }' kith.conf >kith.conf.new && mv kith.conf.new kith.conf

run init init
run users crm import User User.csv
run accounts crm import Account Account.csv

# 1. first sync: the calendars are found from the principal; the VTODO list is left out
run first ingest --source cal
expect_counts first "7 0" "first sync reads the 7 events of the two event calendars"
[ -n "$(state cal caldav./ann/work/.sync_token)" ] && [ -n "$(state cal caldav./ann/team/.sync_token)" ] &&
  ok "a sync token is kept per calendar" || fail "sync tokens ($(sqlite3 kith.db 'SELECT key FROM source_state' | tr '\n' ' '))"
run sync sync
run contacts crm export Contact
grep -q 'jane.doe@contoso.example' contacts.out && ok "an attendee of a CalDAV meeting becomes a contact" ||
  fail "Jane from the meetings ($(head -c 300 contacts.out))"

# 2. nothing changed: nothing fetched
run again ingest --source cal
if expect_counts again "0 0" "a second sync with no change reads nothing" && [ "$(files again)" = 0 ]; then :; fi

# 3. a new event, a changed event, a cancelled event and a deleted event
put work w6 w6@corp.example "Work meeting 6"
put work w2 w2@corp.example "Work meeting 2 moved" 3
put team t2 t2@corp.example "Team review" 2 $'STATUS:CANCELLED\r\n'
code=$(dav "$AUTH" DELETE /ann/work/w3.ics)
[ "$code" = 200 ] || [ "$code" = 204 ] || echo "# DELETE w3: HTTP $code"
run changes ingest --source cal
expect_counts changes "1 2" "the next sync reads the new event, the changed and the cancelled one (seen before), and passes over the deleted one"
[ "$(files changes)" = 3 ] && ok "only the 3 changed events are fetched" || fail "events fetched: $(files changes)"

# 4. configured calendars, by display name
run named ingest --source named
expect_counts named "0 2" "calendars = team reads that calendar only"

# 5. the server forgot the sync token: full sync, idempotent through UIDs
sqlite3 kith.db "UPDATE source_state SET value = 'http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000' WHERE source = 'cal' AND key = 'caldav./ann/work/.sync_token'"
run lost ingest --source cal
expect_counts lost "0 5" "an unknown sync token means one full sync of that calendar, and nothing new"
run lost2 ingest --source cal
expect_counts lost2 "0 0" "and the sync after it is incremental again"

# 6. a server without RFC 6578: calendar-query, and only events with a new ETag are fetched
filter_start "$RADICALE_PORT" https
source_conf nosync "http://127.0.0.1:$FILTER_PORT/" "calendars = work" >>kith.conf
run q1 ingest --source nosync
expect_counts q1 "0 5" "without sync-collection the calendar-query fallback reads every event"
[ -z "$(state nosync caldav./ann/work/.sync_token)" ] && [ -n "$(state nosync 'caldav./ann/work/.etag./ann/work/w1.ics')" ] &&
  ok "the fallback keeps the ETag of each event" || fail "fallback state ($(sqlite3 kith.db "SELECT key FROM source_state WHERE source = 'nosync'" | tr '\n' ' '))"
run q2 ingest --source nosync
[ "$st" = 0 ] && [ "$(files q2)" = 0 ] && ok "and fetches nothing when no ETag changed" || fail "fallback second run (exit $st, $(files q2) fetched)"
put work w4 w4@corp.example "Work meeting 4 new agenda"
run q3 ingest --source nosync
[ "$st" = 0 ] && [ "$(files q3)" = 1 ] && ok "and only the changed event when one did" || fail "fallback after a change (exit $st, $(files q3) fetched)"
filter_stop

# 7. start_date: an event from before it is not read
mkcal old VEVENT
put old o1 o1@corp.example "Long ago" -200
put old o2 o2@corp.example "Soon" 5
run recent ingest --source recent
expect_counts recent "1 0" "start_date: the event from before it is not read"

# 8. a calendar that is not there: reported, the others read
run missing ingest --source missing
if [ "$st" = 1 ] && grep -q "no calendar called 'nope'" missing.err && [ "$(counts missing)" = "0 2" ]; then
  ok "an unknown calendar name is reported (exit 1), the others are read"
else
  fail "unknown calendar (exit $st, $(counts missing): $(head -c 300 missing.err))"
fi

# 9. a wrong password: one clear error, one request
before=$(grep -c 'Failed login attempt' "$RADICALE_DIR/radicale.log")
t0=$(date +%s)
run wrongpw ingest --source wrongpw
t1=$(date +%s)
after=$(grep -c 'Failed login attempt' "$RADICALE_DIR/radicale.log")
if [ "$st" = 1 ] && grep -q 'refused the login' wrongpw.err && [ "$(wc -l <wrongpw.err)" -le 2 ]; then
  ok "a wrong password is one clear error line: $(head -n 1 wrongpw.err)"
else
  fail "wrong password (exit $st: $(cat wrongpw.err))"
fi
if [ $((after - before)) -le 1 ] && [ $((t1 - t0)) -le 10 ]; then
  ok "a wrong password is tried once ($((after - before)) failed login in the server log, $((t1 - t0)) s)"
else
  fail "retry storm? $((after - before)) failed logins, $((t1 - t0)) s"
fi

# 10. the server goes away mid-fetch: the events read stay read, the rest come next time
/usr/bin/python3 - >big.ics <<'EOF'
print("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith test//EN\r")
for i in range(150):
    print("BEGIN:VEVENT\r\nUID:big%d@corp.example\r\nDTSTAMP:20260301T090000Z\r\n"
          "DTSTART:20260305T150000Z\r\nDURATION:PT1H\r\nSUMMARY:Meeting %d\r\n"
          "ORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\n"
          "ATTENDEE;CN=Person %d:mailto:p%d@contoso.example\r\n"
          "DESCRIPTION:%s\r\nEND:VEVENT\r" % (i, i, i, i, "x" * 3000))
print("END:VCALENDAR\r")
EOF
code=$(dav "$AUTH" PUT /ann/big/ big.ics "Content-Type: text/calendar")
[ "$code" = 201 ] || echo "# PUT /ann/big/: HTTP $code"
proxy_start "$RADICALE_PORT" 450000
source_conf big "https://127.0.0.1:$PROXY_PORT/" "calendars = /ann/big/" >>kith.conf
run cut1 ingest --source big
read -r new1 _ <<<"$(counts cut1)"
if [ "$st" = 1 ] && [ "${new1:-0}" -gt 0 ] && [ "${new1:-0}" -lt 150 ] && [ -z "$(state big caldav./ann/big/.sync_token)" ]; then
  ok "a connection cut mid-fetch is reported, the $new1 events read are kept, the token is not moved"
else
  fail "cut mid-fetch (exit $st, new ${new1:-?}, token '$(state big caldav./ann/big/.sync_token)': $(head -c 300 cut1.err))"
fi
proxy_stop
sed -i "s#https://127.0.0.1:$PROXY_PORT/#$RADICALE_URL/#" kith.conf
run cut2 ingest --source big
read -r new2 seen2 <<<"$(counts cut2)"
if [ "$st" = 0 ] && [ $((new1 + new2)) = 150 ] && [ "${seen2:-0}" = "$new1" ] && [ -n "$(state big caldav./ann/big/.sync_token)" ]; then
  ok "the next sync resumes: $new2 more, 150 in all, none lost"
else
  fail "resume after the cut (exit $st, first $new1, then $new2 new / $seen2 seen: $(head -c 300 cut2.err))"
fi

finish
