#!/usr/bin/env bash
# test_review.sh - the review queue through the CLI (docs/review.md), on real
# mail files and a real store: alternates (R43), people at an Account skipped
# for a missing name (R22) and contacts made from an activity with many
# participants are listed by `kith review`; accepting or rejecting one is
# logged and queued like any decision, and `kith sync` applies it.
#
#   bash tests/e2e/test_review.sh /path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
e2e_start "$1"
export KITH_DB=$T/kith.db KITH_CONFIG=$T/kith.conf

cat > kith.conf <<'CONF'
[org]
internal_domains = corp.example
integration_user = 005000000000009AAA

[review]
participants = 3
CONF
printf 'Id,FirstName,LastName,Email,IsActive\n005000000000001AAA,Ann,Lee,ann.lee@corp.example,true\n005000000000009AAA,Kith,Integration,kith@corp.example,true\n' > User.csv
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\n001000000000001AAA,Acme,acme.com,,005000000000001AAA\n' > Account.csv
"$KITH" init >/dev/null 2>&1 && "$KITH" crm import User User.csv >/dev/null 2>&1 &&
  "$KITH" crm import Account Account.csv >/dev/null 2>&1 || { fail "set up the store"; finish; }

# mail ID DATE FROM TO [CC]: one email; FROM, TO and CC are header values.
mail() {
  printf 'From: %s\nTo: %s\n%sSubject: Order %s\nDate: %s\nMessage-ID: <%s@mail.example>\n\nHello.\n' \
    "$3" "$4" "${5:+Cc: $5
}" "$1" "$2" "$1" > "$1.eml"
}
ANN='Ann Lee <ann.lee@corp.example>'
mail m1 'Mon, 02 Mar 2026 09:00:00 +0000' "$ANN" 'Jane Doe <jane.doe@acme.com>'
mail m2 'Tue, 03 Mar 2026 09:00:00 +0000' 'Jane Doe <jdoe@acme.com>' "$ANN"
mail m3 'Wed, 04 Mar 2026 09:00:00 +0000' "$ANN" 'kim@acme.com, leo@acme.com, ola@tailspin.example'
mail m4 'Thu, 05 Mar 2026 09:00:00 +0000' "$ANN" 'Bob Ray <bob.ray@acme.com>, Cat Lu <cat.lu@acme.com>' 'Dan Orr <dan.orr@acme.com>'
mail m5 'Fri, 06 Mar 2026 09:00:00 +0000' 'Jane Doe <jane@acme.com>' "$ANN"
mail m6 'Sat, 07 Mar 2026 09:00:00 +0000' 'Jane Doe <j.doe@acme.com>' "$ANN"
"$KITH" ingest m1.eml m2.eml m3.eml m4.eml m5.eml m6.eml >/dev/null 2>ingest.err ||
  { fail "ingest the mail: $(cat ingest.err)"; finish; }

# kith ARGS with CSV's CRLF line ends made LF.
csv() { "$KITH" "$@" | tr -d '\r'; }
# The item of ADDRESS in `kith review` CSV (FILE), or nothing.
item() { awk -F, -v e="$2" '$3 == e' "$1"; }
item_id() { item "$1" "$2" | cut -d, -f1; }

csv review --format csv > list.csv 2>list.err
[ "$(head -n 1 list.csv)" = "Id,Kind,Email,FirstName,LastName,AccountId,ContactId,ActivityId,Participants,Seen,State,Decision" ] &&
  ok "kith review prints the queue's columns" || fail "header: $(head -n 1 list.csv) $(cat list.err)"
row=$(item list.csv jdoe@acme.com)
case "$row" in
  *,alternate,jdoe@acme.com,Jane,Doe,001000000000001AAA,003*,m2@mail.example,,2026-03-03T09:00:00Z,open,) ok "R43: jdoe@acme.com is an alternate to review" ;;
  *) fail "alternate row: '$row'" ;;
esac
row=$(item list.csv kim@acme.com)
case "$row" in
  *,missing_name,kim@acme.com,,,001000000000001AAA,,m3@mail.example,,*,open,) ok "R22: kim@acme.com, at Acme with no name, is to review" ;;
  *) fail "missing name row: '$row'" ;;
esac
[ -z "$(item list.csv ola@tailspin.example)" ] &&
  ok "a missing name at a domain no Account has is not to review" || fail "ola is listed"
n=$(awk -F, '$2 == "many_participants" && $9 == "4" && $8 == "m4@mail.example"' list.csv | wc -l)
[ "$n" = 3 ] && ok "the three contacts of a mail naming 4 addresses ([review] participants = 3) are to review" ||
  fail "many participants: $n rows: $(cat list.csv)"
[ -z "$(item list.csv jane.doe@acme.com)" ] &&
  ok "a contact of a mail naming 2 addresses is not to review" || fail "jane.doe listed"

# Usage.
"$KITH" review frob >/dev/null 2>err; [ $? = 2 ] && grep -q "^kith: review: 'frob': not list, accept or reject$" err &&
  ok "an unknown use is a usage error" || fail "frob: $(cat err)"
"$KITH" review accept x >/dev/null 2>err; [ $? = 2 ] && ok "an item Id that is no number is a usage error" || fail "accept x: $(cat err)"
"$KITH" review accept 999 >/dev/null 2>err; [ $? = 1 ] && grep -q "^kith: review: 999: no such item$" err &&
  ok "an unknown item is exit 1" || fail "accept 999: $(cat err)"

# (a) an alternate accepted: another address of Jane's contact.
id=$(item_id list.csv jdoe@acme.com)
out=$("$KITH" review accept "$id" 2>err)
[ $? = 0 ] && echo "$out" | grep -q "^review: $id accepted: jdoe@acme.com is another address of contact 003" &&
  ok "accepting an alternate makes it another address of the contact" || fail "accept alternate: $out $(cat err)"
csv log --format csv > log.csv
[ "$(grep -c ',jdoe@acme.com,' log.csv)" = 1 ] &&
  grep -q "^[^,]*,m2@mail.example,jdoe@acme.com,skipped,same_person,003[A-Za-z0-9]*,R43$" log.csv &&
  ok "the acceptance adds no log row: R43's own row says it" || fail "log: $(grep jdoe log.csv)"
"$KITH" explain jdoe@acme.com | grep -q "^  review: item $id (alternate) accepted by an administrator at .*: merge 003" &&
  ok "kith explain shows who decided" || fail "explain: $("$KITH" explain jdoe@acme.com)"
"$KITH" review accept "$id" >/dev/null 2>err; [ $? = 1 ] && grep -q "accepted already (merge 003" err &&
  ok "an item is decided once" || fail "second accept: $(cat err)"
csv review --format csv | grep -q jdoe@acme.com && fail "the accepted alternate is still open" ||
  ok "an accepted item leaves the list"
csv review --all --format csv | grep -q ",jdoe@acme.com,.*,accepted,merge 003" &&
  ok "--all shows it accepted, with what was done" || fail "--all: $("$KITH" review --all --format csv)"

# (b) a missing name accepted with the name given.
id=$(item_id list.csv kim@acme.com)
"$KITH" review accept "$id" >/dev/null 2>err; [ $? = 2 ] && grep -q "kim@acme.com's FirstName and LastName are not known" err &&
  ok "a missing name cannot be created without one" || fail "accept without a name: $(cat err)"
out=$("$KITH" review accept "$id" --first-name Kim --last-name Novak 2>err)
[ $? = 0 ] && echo "$out" | grep -q "is queued on 001000000000001AAA; 'kith sync' creates it" &&
  ok "accepting a missing name with a name queues the contact" || fail "accept kim: $out $(cat err)"

# (c) many participants: Dan rejected while still queued, Bob kept.
dan=$(item_id list.csv dan.orr@acme.com)
out=$("$KITH" review reject "$dan" 2>err)
[ $? = 0 ] && echo "$out" | grep -q "will not be created, and its address is suppressed" &&
  ok "rejecting a queued contact cancels it" || fail "reject dan: $out $(cat err)"
bob=$(item_id list.csv bob.ray@acme.com)
"$KITH" review accept "$bob" >/dev/null 2>err && ok "accepting a contact made from many participants keeps it" ||
  fail "keep bob: $(cat err)"
"$KITH" review accept "$(item_id list.csv cat.lu@acme.com)" --create >/dev/null 2>err; [ $? = 1 ] &&
  ok "a contact made from many participants takes no --create" || fail "cat --create: $(cat err)"

"$KITH" sync > sync.out 2>&1 || fail "sync: $(cat sync.out)"
"$KITH" crm export Contact > contacts.csv
grep -q ",Kim,Novak,kim@acme.com,.*,kith,true," contacts.csv &&
  ok "sync creates Kim Novak, the name given" || fail "Kim: $(grep kim contacts.csv)"
grep -q "dan.orr@acme.com" contacts.csv && fail "Dan was created" || ok "the rejected contact was never created"
grep -q "bob.ray@acme.com" contacts.csv && ok "Bob, kept, is created" || fail "Bob missing"
csv log --format csv > log.csv
grep -q ",m3@mail.example,kim@acme.com,contact_created,,003[A-Za-z0-9]*,R25$" log.csv &&
  ok "Kim's contact is logged contact_created, R25, by sync, as the rules log one" || fail "kim log: $(grep kim log.csv)"
[ "$(grep -c ',bob.ray@acme.com,' log.csv)" = 1 ] &&
  grep -q ",m4@mail.example,bob.ray@acme.com,contact_created,,003[A-Za-z0-9]*,R25$" log.csv &&
  ok "keeping Bob logs nothing beyond his creation" || fail "bob log: $(grep bob log.csv)"
grep -q ",,dan.orr@acme.com,contact_removed,,003[A-Za-z0-9]*,R50$" log.csv &&
  ok "rejecting Dan is logged contact_removed, R50" || fail "dan log: $(grep dan log.csv)"

# A contact in the CRM rejected: removed at the next sync, as kith remove does.
cat_id=$(item_id list.csv cat.lu@acme.com)
out=$("$KITH" review reject "$cat_id" 2>err)
[ $? = 0 ] && echo "$out" | grep -q "is queued for removal and its address suppressed" &&
  ok "rejecting a created contact queues its removal" || fail "reject cat: $out $(cat err)"
"$KITH" sync >/dev/null 2>&1
"$KITH" crm export Contact | grep -q cat.lu@acme.com && fail "Cat is still a contact" ||
  ok "sync removes the rejected contact (R50)"
"$KITH" explain cat.lu@acme.com | grep -q "suppressed" && ok "and its address is suppressed" || fail "cat not suppressed"

# An alternate created as a contact of its own only under another name
# (R43: one person, one contact), another rejected.
alt=$(item_id list.csv jane@acme.com)
"$KITH" review accept "$alt" --create >out 2>err; [ $? = 1 ] && [ ! -s out ] &&
  grep -q "^kith: review: $alt: not created: contact 003[A-Za-z0-9]* on account 001000000000001AAA has the same name (Jane Doe) at jane.doe@acme.com: one person, one contact (R43)$" err &&
  ok "R43: an alternate is not created as a second contact under the same name" || fail "create jane@ same name: $(cat out err)"
out=$("$KITH" review accept "$alt" --create --last-name Dawson 2>err)
[ $? = 0 ] && ok "an alternate can be created as a contact of its own under its own name" || fail "create jane@: $out $(cat err)"
rej=$(item_id list.csv j.doe@acme.com)
"$KITH" review reject "$rej" > out 2>err && grep -q "j.doe@acme.com is suppressed" out &&
  ok "rejecting an alternate suppresses the address" || fail "reject j.doe: $(cat out err)"
csv log --format csv > log.csv
[ "$(grep -c ',j.doe@acme.com,' log.csv)" = 1 ] &&
  ok "the rejection logs nothing: a suppression has no row of section 6" || fail "j.doe log: $(grep j.doe log.csv)"
"$KITH" sync >/dev/null 2>&1
[ "$("$KITH" crm export Contact | grep -c ',Jane,Doe,')" = 1 ] &&
  "$KITH" crm export Contact | grep -q ',Jane,Dawson,jane@acme.com,' &&
  ok "sync creates Jane Dawson, at jane@acme.com, and no second Jane Doe" || fail "jane@: $("$KITH" crm export Contact)"
mail m7 'Mon, 09 Mar 2026 09:00:00 +0000' 'Jane Doe <j.doe@acme.com>' "$ANN"
mail m8 'Mon, 09 Mar 2026 10:00:00 +0000' 'Leo Park <leo@acme.com>' "$ANN"
"$KITH" ingest m7.eml m8.eml >/dev/null 2>&1
csv log --format csv | grep -q ",m7@mail.example,j.doe@acme.com,skipped,suppressed,,R11$" &&
  ok "later mail from the rejected address is skipped as suppressed (R11)" || fail "m7"

n=$(csv log --format csv | wc -l)
"$KITH" unsuppress j.doe@acme.com >/dev/null 2>&1 && [ "$(csv log --format csv | wc -l)" = "$n" ] &&
  ok "lifting a suppression logs nothing either" || fail "unsuppress: $(csv log --format csv | tail -n 2)"

# Settled: Leo wrote with his name and kith created him itself.
csv review --format csv | grep -q leo@acme.com && fail "leo is still open" ||
  ok "an item kith settled itself leaves the list"
csv review --all --format csv | grep -q ",leo@acme.com,.*,settled," &&
  ok "--all shows it settled" || fail "leo --all: $(csv review --all --format csv | grep leo)"
[ "$(csv review --format csv | wc -l)" = 1 ] && ok "nothing else is open" ||
  fail "still open: $("$KITH" review --format csv)"
"$KITH" review --format json | python3 -c 'import json,sys; assert json.load(sys.stdin) == []' &&
  ok "--format json prints an array" || fail "json"

# Erasure takes the address out of the queue too.
"$KITH" purge j.doe@acme.com >/dev/null 2>&1
csv review --all --format csv | grep -q j.doe@acme.com && fail "purge left the review item" ||
  ok "kith purge forgets the address's review item"

# The API (docs/api.md): the same queue through kith serve, on the same store.
mail m9 'Tue, 10 Mar 2026 09:00:00 +0000' "$ANN" 'pat@acme.com, quinn@acme.com'
"$KITH" ingest m9.eml >/dev/null 2>&1
printf 'review-test-token-0123456789abcdefghij\n' > token; chmod 600 token
printf '[serve]\nlisten = 127.0.0.1:0\ntoken_file = token\nsync_interval = 3600\nscan_interval = 3600\ndedup_at =\n' >> kith.conf
"$KITH" serve > serve.out 2> serve.log &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do grep -q '"event":"started"' serve.log && break; sleep 0.1; done
PORT=$(grep -o '"port":[0-9]*' serve.log | head -n 1 | cut -d: -f2)
U="http://127.0.0.1:$PORT"
H="Authorization: Bearer review-test-token-0123456789abcdefghij"
code() { curl -s -o body.json -w '%{http_code}' "$@"; }
post() { code -H "$H" -H 'Content-Type: application/json' -d "$2" "$U/api/v1/review/$1"; }
[ "$(code "$U/api/v1/review")" = 401 ] && ok "GET /api/v1/review needs the token" || fail "no token: $(cat body.json)"
[ "$(code -H "$H" "$U/api/v1/review")" = 200 ] &&
  python3 -c 'import json; j = json.load(open("body.json")); assert sorted(i["email"] for i in j["items"]) == ["pat@acme.com", "quinn@acme.com"], j; i = j["items"][0]; assert i["kind"] == "missing_name" and i["state"] == "open" and i["account_name"] == "Acme" and i["participants"] is None, i' &&
  ok "GET /api/v1/review lists the open items with their account" || fail "list: $(cat body.json)"
[ "$(code -H "$H" "$U/api/v1/review?state=all")" = 200 ] &&
  python3 -c 'import json; j = json.load(open("body.json")); s = {i["state"] for i in j["items"]}; assert {"accepted", "rejected", "settled", "open"} <= s, s' &&
  ok "?state=all lists every item with its state" || fail "all: $(cat body.json)"
[ "$(code -H "$H" "$U/api/v1/review?state=x")" = 400 ] && ok "a bad state is 400" || fail "state=x: $(cat body.json)"
code -H "$H" "$U/api/v1/review" >/dev/null
pat=$(python3 -c 'import json; print(next(i["id"] for i in json.load(open("body.json"))["items"] if i["email"] == "pat@acme.com"))')
quinn=$(python3 -c 'import json; print(next(i["id"] for i in json.load(open("body.json"))["items"] if i["email"] == "quinn@acme.com"))')
[ "$(post accept '{"id": "x"}')" = 400 ] && ok "an id that is no number is 400" || fail "id x: $(cat body.json)"
[ "$(post accept '{"id": 9999}')" = 404 ] && ok "an unknown item is 404" || fail "9999: $(cat body.json)"
[ "$(post accept "{\"id\": $pat}")" = 400 ] && grep -q "FirstName and LastName are not known" body.json &&
  ok "accepting a missing name without one is 400" || fail "accept pat: $(cat body.json)"
[ "$(post accept "{\"id\": $pat, \"first_name\": \"Pat\", \"last_name\": \"Kerr\"}")" = 200 ] &&
  python3 -c 'import json; j = json.load(open("body.json")); assert j["ok"] and j["queued"] and j["decision"].startswith("create 003"), j' &&
  ok "POST /api/v1/review/accept with a name queues the contact" || fail "accept pat: $(cat body.json)"
[ "$(post accept "{\"id\": $pat}")" = 409 ] && ok "accepting it again is 409" || fail "again: $(cat body.json)"
[ "$(post reject "{\"id\": $quinn, \"create\": true}")" = 400 ] && ok "reject takes only the id" || fail "reject create: $(cat body.json)"
[ "$(post reject "{\"id\": $quinn}")" = 200 ] && grep -q '"decision":"suppress"' body.json &&
  ok "POST /api/v1/review/reject suppresses the address" || fail "reject quinn: $(cat body.json)"
[ "$(code -H "$H" "$U/api/v1/explain?email=quinn@acme.com")" = 200 ] && grep -q '"suppressed":true' body.json &&
  ok "the rejected address is suppressed" || fail "explain quinn: $(cat body.json)"
[ "$(code -H "$H" "$U/api/v1/review")" = 200 ] && grep -q '"items":\[\]' body.json &&
  ok "nothing is left open" || fail "open: $(cat body.json)"
kill "$PID"; wait "$PID" 2>/dev/null

# [review] participants is read and checked.
"$KITH" config | grep -A1 '^\[review\]$' | grep -q '^participants = 3$' && ok "kith config prints [review] participants" ||
  fail "config: $("$KITH" config | tail -n 4)"
printf '[review]\nparticipants = many\n' > bad.conf
"$KITH" --config bad.conf review >/dev/null 2>err; [ $? = 2 ] && grep -q "bad.conf: \[review\] participants" err &&
  ok "a bad [review] participants stops kith (exit 2)" || fail "bad conf: $(cat err)"
finish
