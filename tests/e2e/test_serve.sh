#!/usr/bin/env bash
# test_serve.sh - kith serve for real on loopback: token, API calls, limits,
# a folder watched as mail arrives, metrics, and a clean stop on SIGTERM.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
KITH="$1"
T=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap "kill \$PID 2>/dev/null" EXIT && echo "kept $T"
cd "$T"
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi }

cat > User.csv <<'CSV'
Id,FirstName,LastName,Email,IsActive
005000000000000AAA,Kith,Integration,integration@corp.example,true
005000000000001AAA,Ann,Lee,ann.lee@corp.example,true
CSV
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\n001000000000101AAA,Contoso,contoso.com,,005000000000001AAA\n' > Account.csv
printf 'Id,AccountId,FirstName,LastName,Email,Created_By_Kith__c\n003000000000001AAA,001000000000101AAA,Mabel,Normand,mabel@contoso.com,false\n' > Contact.csv
"$KITH" init >/dev/null
for o in User Account Contact; do "$KITH" crm import $o $o.csv 2>/dev/null; done
mkdir inbox
mail() { # mail N LOCAL "NAME": Ann writes to NAME <LOCAL@contoso.com>
  printf 'Message-ID: <serve-%s@corp.example>\nDate: Tue, 0%s Mar 2026 09:00:00 +0000\nFrom: Ann Lee <ann.lee@corp.example>\nTo: %s <%s@contoso.com>, Mabel Normand <mabel@contoso.com>\nSubject: Hello\n\nHi.\n' "$1" "$1" "$3" "$2" > "inbox/m$1.eml.tmp"
  mv "inbox/m$1.eml.tmp" "inbox/m$1.eml"
}
mail 1 jane.doe "Jane Doe"
printf 'secret-token-for-tests-0123456789abcdef\n' > token; chmod 600 token
cat > kith.conf <<'CONF'
[org]
internal_domains = corp.example
integration_user = 005000000000000AAA
[serve]
listen = 127.0.0.1:0
token_file = token
sync_interval = 1
[source inbox]
path = inbox
CONF
"$KITH" serve > serve.out 2> serve.log &
PID=$!
for _ in $(seq 50); do grep -q '"event":"started"' serve.log && break; sleep 0.1; done
PORT=$(grep -o '"port":[0-9]*' serve.log | head -1 | cut -d: -f2)
check "serve started and logged its port" '[ -n "$PORT" ]'
U="http://127.0.0.1:$PORT"
H="Authorization: Bearer secret-token-for-tests-0123456789abcdef"
code() { curl -s -o body.json -w '%{http_code}' "$@"; }

check "no token is 401" '[ "$(code $U/api/v1/status)" = 401 ]'
check "a wrong token is 401" '[ "$(code -H "Authorization: Bearer nope" $U/api/v1/status)" = 401 ]'
check "a token in the URL is not accepted" '[ "$(code "$U/api/v1/status?token=secret-token-for-tests-0123456789abcdef")" = 401 ]'
check "status with the token" '[ "$(code -H "$H" $U/api/v1/status)" = 200 ] && grep -q "\"outbox_depth\"" body.json'
check "the console page needs no token" '[ "$(code $U/)" = 200 ]'
for _ in $(seq 50); do code -H "$H" "$U/api/v1/log?email=jane.doe@contoso.com" >/dev/null; grep -q contact_created body.json && break; sleep 0.1; done
check "the watched folder was read and synced" 'grep -q contact_created body.json'
mail 2 sam.roe "Sam Roe"
for _ in $(seq 60); do code -H "$H" "$U/api/v1/log?q=sam.roe" >/dev/null; grep -q contact_created body.json && break; sleep 0.1; done
check "a new mail in the folder is picked up" 'grep -q contact_created body.json'
check "counts" '[ "$(code -H "$H" "$U/api/v1/counts?days=7")" = 200 ] && grep -q "\"days\"" body.json'
check "explain" '[ "$(code -H "$H" "$U/api/v1/explain?email=jane.doe@contoso.com")" = 200 ] && grep -q R25 body.json'
check "explain of a non-address is 400" '[ "$(code -H "$H" "$U/api/v1/explain?email=nope")" = 400 ]'
check "created as CSV" '[ "$(code -H "$H" "$U/api/v1/created?format=csv")" = 200 ] && head -1 body.json | grep -q "^Id,AccountId"'
JANE=$(grep jane.doe body.json | cut -d, -f1)
check "removing a manual contact is refused (R50)" '[ "$(code -H "$H" -H "Content-Type: application/json" -d "{\"contact_id\":\"003000000000001AAA\"}" $U/api/v1/remove)" = 409 ]'
check "removing an unknown Id is 404" '[ "$(code -H "$H" -H "Content-Type: application/json" -d "{\"contact_id\":\"003000000000000ZZZ\"}" $U/api/v1/remove)" = 404 ]'
check "a POST must be JSON" '[ "$(code -H "$H" -d "contact_id=x" $U/api/v1/remove)" = 415 ]'
head -c 70000 /dev/zero | tr '\0' 'a' > big.txt
check "a body over 64 KiB is 413" '[ "$(code -H "$H" -H "Content-Type: application/json" --data-binary @big.txt $U/api/v1/remove)" = 413 ]'
check "removing a kith contact works" '[ "$(code -H "$H" -H "Content-Type: application/json" -d "{\"contact_id\":\"$JANE\"}" $U/api/v1/remove)" = 200 ]'
check "sync now" '[ "$(code -H "$H" -H "Content-Type: application/json" -d "{}" $U/api/v1/sync)" = 200 ] && grep -q "\"ok\":true" body.json'
check "the removed contact is gone" '[ "$(code -H "$H" "$U/api/v1/explain?email=jane.doe@contoso.com")" = 200 ] && grep -q "\"suppressed\":true" body.json && ! grep -q "\"type\":\"Contact\"" body.json'
check "dedup preview" '[ "$(code -H "$H" -H "Content-Type: application/json" -d "{\"dry_run\":true}" $U/api/v1/dedup)" = 200 ] && grep -q "\"plan\"" body.json'
check "config" '[ "$(code -H "$H" $U/api/v1/config)" = 200 ] && grep -q "internal_domains" body.json'
# R43: mail to Mabel Normand at another address on her Account makes no second
# contact; the address is listed as an alternate, as JSON and as a CSV download.
mail 3 m.normand "Mabel Normand"
for _ in $(seq 60); do code -H "$H" "$U/api/v1/alternates" >/dev/null; grep -q m.normand body.json && break; sleep 0.1; done
check "alternates lists the address with the contact it was found to be" 'grep -q "\"Email\":\"m.normand@contoso.com\"" body.json && grep -q "\"ContactId\":\"003000000000001AAA\"" body.json && grep -q "\"AccountId\":\"001000000000101AAA\"" body.json && grep -q "\"Seen\":\"2026-03-03" body.json'
check "alternates as CSV" '[ "$(curl -s -D alt.h -o body.json -w "%{http_code}" -H "$H" "$U/api/v1/alternates?format=csv")" = 200 ] && head -1 body.json | grep -q "^Email,FirstName,LastName,AccountId,ContactId,Seen" && grep -q "^m.normand@contoso.com,Mabel,Normand,001000000000101AAA,003000000000001AAA," body.json && grep -qi "kith-alternates.csv" alt.h'
check "alternates in another format is 400" '[ "$(code -H "$H" "$U/api/v1/alternates?format=xml")" = 400 ]'
check "alternates need the token" '[ "$(code "$U/api/v1/alternates")" = 401 ]'
check "metrics need the token" '[ "$(code $U/metrics)" = 401 ]'
check "metrics" '[ "$(code -H "$H" $U/metrics)" = 200 ] && grep -q "^kith_outbox_depth" body.json && grep -q "kith_decisions_total{action=\"contact_created\"" body.json'
check "unknown API call is 404" '[ "$(code -H "$H" $U/api/v1/nope)" = 404 ]'
check "errors carry no SQL" '! grep -qi "sqlite\|select " body.json'
kill -TERM "$PID"; wait "$PID"; rc=$?; PID=""
check "SIGTERM stops it cleanly" '[ "$rc" = 0 ] && grep -q "\"event\":\"stopped\"" serve.log'
check "every log line is JSON" 'grep -v "^{" serve.log | wc -l | grep -qx 0'

# The daily dedup: at start after dedup_at it runs at once, and a restart the
# same day does not run it again (the day is kept in the store).
chmod 600 token
sed 's/^sync_interval = 1$/sync_interval = 3600\ndedup_at = 00:00/' kith.conf > dedup.conf
"$KITH" --db dedup.db init > /dev/null
for round in 1 2; do
  "$KITH" --db dedup.db --config dedup.conf serve > dedup$round.out 2> dedup$round.log &
  DPID=$!
  for _ in $(seq 40); do grep -q '"event":"dedup"' dedup$round.log && break; sleep 0.1; done
  sleep 1
  kill -TERM "$DPID"; wait "$DPID"
done
check "started after dedup_at, the service dedups at once" 'grep -q "\"event\":\"dedup\"" dedup1.log'
check "a service with a source does not warn of none" '! grep -q "no_sources" dedup1.log'
printf '[serve]\nlisten = 127.0.0.1:0\ntoken_file = token\n' > nosrc.conf
"$KITH" --db dedup.db --config nosrc.conf serve > nosrc.out 2> nosrc.log &
NPID=$!
for _ in $(seq 40); do grep -q '"event":"started"' nosrc.log && break; sleep 0.1; done
kill -TERM "$NPID"; wait "$NPID"
check "a service with no [source] says so at start" 'grep -q "\"event\":\"no_sources\"" nosrc.log'
check "a restart the same day does not dedup again" '! grep -q "\"event\":\"dedup\"" dedup2.log'

printf '[serve]\nlisten = 192.0.2.1:8765\n' > remote.conf
"$KITH" --config remote.conf serve > /dev/null 2> remote.err; rc=$?
check "a non-loopback listen is refused without allow_remote" '[ "$rc" = 2 ] && grep -q "allow_remote" remote.err'
chmod 644 token
"$KITH" serve > /dev/null 2> perm.err; rc=$?
check "a token file others can read is refused" '[ "$rc" = 1 ] && grep -q "chmod 600" perm.err'

finish
