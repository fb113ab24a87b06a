#!/usr/bin/env bash
# test_cli.sh - the kith binary driven through CONTRACT.md on real files:
# exit statuses, error lines, CSV round trips, ingest, sync, log.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
KITH="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
unset KITH_DB KITH_CONFIG
# expect STATUS DESCRIPTION -- COMMAND...: runs it, checks the exit status
expect() {
  local want=$1 what=$2; shift 3
  "$@" >out.txt 2>err.txt; local got=$?
  if [ "$got" = "$want" ]; then ok "$what"; else fail "$what (exit $got, wanted $want: $(head -c 300 err.txt))"; fi
}
has() { if grep -q -- "$2" "$1"; then ok "$3"; else fail "$3 ('$2' not in $1: $(head -c 300 "$1"))"; fi }
one_line_error() {
  if [ "$(wc -l < err.txt)" -ge 1 ] && grep -q '^kith: .*: ' err.txt; then ok "$1"; else fail "$1 ($(cat err.txt))"; fi
}

expect 2 "no command is a usage error" -- "$KITH"
expect 2 "unknown command" -- "$KITH" frobnicate
one_line_error "unknown command says kith: WHAT: WHY"
expect 1 "a command before init fails" -- "$KITH" crm export User
has err.txt "kith init" "the error says to run kith init"
expect 0 "init" -- "$KITH" init
expect 0 "init twice changes nothing" -- "$KITH" init
expect 0 "--db after the command" -- "$KITH" init --db other.db
[ -f other.db ] && ok "--db names the store" || fail "--db names the store"
KITH_DB="$T/env.db" "$KITH" init >/dev/null 2>&1; [ -f env.db ] && ok "KITH_DB names the store" || fail "KITH_DB"

cat > User.csv <<'CSV'
Id,FirstName,LastName,Email,IsActive
005000000000000AAA,Kith,Integration,integration@corp.example,true
005000000000001AAA,Ann,Lee,ann.lee@corp.example,true
CSV
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\r\n001000000000101AAA,"Contoso, Ltd",https://www.Contoso.com/about,contoso.co.uk;contoso.de,005000000000001AAA\r\n' > Account.csv
expect 0 "import users" -- "$KITH" crm import User User.csv
expect 0 "import accounts (CRLF, quoted comma)" -- "$KITH" crm import Account Account.csv
expect 0 "export accounts" -- "$KITH" crm export Account
has out.txt '^Id,Name,Website,Secondary_Domains__c,OwnerId' "export header is the contract's"
has out.txt '"Contoso, Ltd"' "export quotes a comma (RFC 4180)"
expect 0 "export json" -- "$KITH" crm export User --format json
has out.txt '"IsActive":true' "json booleans"
expect 2 "unknown object" -- "$KITH" crm import Case User.csv
one_line_error "unknown object error line"
expect 2 "bad export format" -- "$KITH" crm export User --format xml
expect 1 "missing file" -- "$KITH" crm import User nope.csv
has err.txt "nope.csv" "the error names the file"
printf 'Id,Email,IsActive\n005000000000009AAA,x@corp.example,perhaps\n005000000000008AAA,y@corp.example,1\n' > bad.csv
expect 1 "a bad row is exit 1" -- "$KITH" crm import User bad.csv
has err.txt "^kith: bad.csv:2: IsActive" "bad row is reported as FILE:LINE"
"$KITH" crm export User > users.csv
grep -q 005000000000008AAA users.csv && ok "the good row went in" || fail "the good row went in"

cat > kith.conf <<'CONF'
[org]
internal_domains = corp.example
integration_user = 005000000000000AAA
CONF
mkdir -p mail/sub
cat > mail/sub/a.eml <<'EML'
Message-ID: <e2e-1@corp.example>
Date: Tue, 03 Mar 2026 09:00:00 +0000
From: Ann Lee <ann.lee@corp.example>
To: "Doe, Jane" <Jane.Doe@Contoso.com>, Sam Roe <sam@contoso.co.uk>
Subject: Hello

Hi.
EML
printf 'not an email at all' > mail/notes.xyz
printf '{"type":"email","id":"j1","time":"2026-03-05T09:00:00Z","from":{"email":"ann.lee@corp.example"},"to":[{"email":"jane.doe@contoso.com","name":"Jane Doe"}]}\n{broken\n' > mail/feed.jsonl
expect 1 "ingest with a bad jsonl line is exit 1" -- "$KITH" ingest mail
has err.txt "feed.jsonl:2" "the bad line is named"
expect 0 "export before sync" -- "$KITH" crm export Contact
[ "$(wc -l < out.txt)" = 1 ] && ok "nothing changes in the CRM before sync" || fail "CRM changed before sync"
expect 0 "sync" -- "$KITH" sync
"$KITH" crm export Contact > contacts.csv
grep -q 'jane.doe@contoso.com' contacts.csv && ok "Jane is created" || fail "Jane is created"
grep -q 'sam@contoso.co.uk' contacts.csv && ok "secondary domain matches" || fail "secondary domain matches"
[ "$(grep -c 'jane.doe@contoso.com' contacts.csv)" = 1 ] && ok "one contact per address (R27)" || fail "R27"
expect 0 "sync again does nothing" -- "$KITH" sync
"$KITH" crm export Contact > again.csv
cmp -s contacts.csv again.csv && ok "second sync changed nothing" || fail "second sync changed something"
expect 0 "ingest the same files again (exit 0 expected for good files)" -- "$KITH" ingest mail/sub
expect 0 "log csv" -- "$KITH" log --format csv
head -1 out.txt | tr -d '\r' | grep -qx 'Time,ActivityId,Email,Action,Reason,ObjectId,Rule' && ok "log header" || fail "log header"
! grep -q 'duplicate_activity' out.txt && ok "the second ingest is not logged again (section 6)" ||
  fail "the second ingest was logged again: $(grep -c duplicate_activity out.txt) rows"
expect 0 "log for one address" -- "$KITH" log --email Jane.Doe@contoso.com --format json
has out.txt 'contact_created' "per-address log"
expect 0 "explain" -- "$KITH" explain jane.doe@contoso.com
has out.txt 'R2[45]' "explain names the rule"

# explain's evidence: each field of the contact with the activity its value
# came from (subject, date, display name or signature), each decision with
# its activity, and the Account's and the owner's names beside their Ids.
cat > mail/sub/b.eml <<'EML'
Message-ID: <e2e-sig@contoso.com>
Date: Tue, 10 Mar 2026 09:00:00 +0000
From: Jane Doe <jane.doe@contoso.com>
To: Ann Lee <ann.lee@corp.example>
Subject: Re: Hello

Hi Ann,

thanks for the call.

Best regards,
Jane Doe
Head of Procurement
Phone: +1 415 555 0100
EML
cat > mail/sub/c.eml <<'EML'
Message-ID: <e2e-nia@contoso.com>
Date: Wed, 11 Mar 2026 09:00:00 +0000
From: nia@contoso.com
To: Ann Lee <ann.lee@corp.example>
Subject: Pricing

Ann,

the pricing is fine.

Regards,
Nia Patel
Buyer
EML
expect 0 "run the signature mails" -- "$KITH" run mail/sub/b.eml mail/sub/c.eml
expect 0 "explain after the signature mail" -- "$KITH" explain jane.doe@contoso.com
has out.txt '^  in the CRM: contact 003[A-Za-z0-9]* on account Contoso, Ltd (001000000000101AAA), owner Ann Lee (005000000000001AAA), created by kith$' \
  "explain names the contact's Account and its owner (a User) beside their Ids"
has out.txt "^    Title: Head of Procurement (from the signature of 'Re: Hello' (email e2e-sig@contoso.com, 2026-03-10T09:00:00Z))$" \
  "explain: the Title came from the signature of that mail, with its subject and date"
has out.txt "^    Phone: +1 415 555 0100 (from the signature of 'Re: Hello'" "explain: the Phone's evidence"
has out.txt "^    FirstName: Jane (from the display name of 'Re: Hello' (email e2e-sig@contoso.com, 2026-03-10T09:00:00Z))$" \
  "explain: the FirstName came from the display name"
has out.txt "^  Title: Head of Procurement (from e2e-sig@contoso.com, 2026-03-10T09:00:00Z; the signature of 'Re: Hello')$" \
  "explain: what was observed says where"
has out.txt "^      activity: 'Hello' (email e2e-1@corp.example, 2026-03-03T09:00:00Z)$" \
  "explain: a decision shows the activity it was taken on"
has out.txt "owner Ann Lee (005000000000001AAA) (R26)" "explain: the owner's name beside the Id in the decision's sentence"
expect 0 "explain a contact named by its signature" -- "$KITH" explain nia@contoso.com
has out.txt "^    FirstName: Nia (from the signature of 'Pricing' (email e2e-nia@contoso.com, 2026-03-11T09:00:00Z))$" \
  "explain: a name from the signature says so (R4)"
has out.txt "^    Title: Buyer (from the signature of 'Pricing'" "explain: the title of that signature"
expect 0 "report created" -- "$KITH" report created --format csv
has out.txt 'jane.doe@contoso.com' "report lists created contacts"
head -1 out.txt | tr -d '\r' | grep -qx 'Id,AccountId,FirstName,LastName,Email,Title,Phone,Department,Seniority__c,Persona__c,MailingCountry,MailingState,OwnerId,LeadSource,Created_By_Kith__c,CreatedDate' &&
  ok "report created as CSV keeps the contract's Contact columns" || fail "report created CSV header: $(head -1 out.txt)"
expect 0 "report created as text" -- "$KITH" report created --format text
has out.txt 'CreatedDate  *Account  *Owner$' "report created as text adds the Account's and the owner's names"
has out.txt 'jane.doe@contoso.com.*Contoso, Ltd  *Ann Lee$' "report created as text names Jane's Account and owner"
id=$(grep jane.doe contacts.csv | cut -d, -f1)
expect 0 "remove" -- "$KITH" remove "$id"
expect 0 "sync removal" -- "$KITH" sync
expect 1 "remove unknown id" -- "$KITH" remove 003000000000000XXX
one_line_error "unknown id error"
printf '[org]\ncolour = blue\n' > bad.conf
expect 2 "bad config is exit 2" -- "$KITH" --config bad.conf sync
has err.txt "bad.conf: \[org\] colour" "config error names file, group and key"
expect 2 "ingest without paths" -- "$KITH" ingest
expect 1 "unknown file kind named directly" -- "$KITH" ingest mail/notes.xyz
expect 0 "demo" -- "$KITH" demo
has out.txt "contacts created" "demo prints a summary"
has out.txt "^sync: [0-9]* contacts created, [0-9]* linked (they existed by then), " "demo prints kith sync's own line"
demo_dir=$(sed -n 's/^in \(.*\)$/\1/p' out.txt | head -n 1)
[ -n "$demo_dir" ] && [ ! -e "$demo_dir" ] && ok "demo removes its folder" || fail "demo folder '$demo_dir' left behind"
expect 0 "demo --keep" -- "$KITH" demo --keep
demo_dir=$(sed -n 's/^in \(.*\)$/\1/p' out.txt | head -n 1)
[ -n "$demo_dir" ] && [ -f "$demo_dir/kith.db" ] && ok "demo --keep keeps its store" || fail "demo --keep: '$demo_dir'"
[ -n "$demo_dir" ] && rm -rf "$demo_dir"

finish
