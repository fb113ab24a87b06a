#!/usr/bin/env bash
# test_bounce.sh - R45 through the CLI: a delivery-status notification marks
# the address it says failed as bounced and is itself skipped as automatic
# mail; mail the address sends later ends the bounce, whatever the order in
# which the files are read.
#
#   bash tests/e2e/test_bounce.sh /path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
e2e_start "$1"
export KITH_DB=$T/kith.db KITH_CONFIG=$T/kith.conf

cat > kith.conf <<'CONF'
[org]
internal_domains = corp.example
integration_user = 005000000000001AAA
CONF
printf 'Id,FirstName,LastName,Email,IsActive\n005000000000001AAA,Ann,Lee,ann.lee@corp.example,true\n' > User.csv
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\n001000000000001AAA,Acme,acme.com,,005000000000001AAA\n' > Account.csv
"$KITH" init >/dev/null 2>&1 && "$KITH" crm import User User.csv >/dev/null 2>&1 &&
  "$KITH" crm import Account Account.csv >/dev/null 2>&1 || { fail "set up the store"; finish; }

# mail ID DATE: one email from Jane to Ann.
mail() {
  printf 'From: Jane Doe <jane@acme.com>\nTo: Ann Lee <ann.lee@corp.example>\nSubject: Order\nDate: %s\nMessage-ID: <%s@acme.com>\n\nAnn, the order is attached.\n\nJane\n' \
    "$2" "$1" > "$1.eml"
}
# dsn ID DATE: the org's mail server reports that Ann's mail to Jane failed.
# No Auto-Submitted header: the report type alone makes it automatic.
dsn() {
  cat > "$1.eml" <<MSG
From: Mail Delivery System <MAILER-DAEMON@mx.corp.example>
To: Ann Lee <ann.lee@corp.example>
Subject: Undelivered Mail Returned to Sender
Date: $2
Message-ID: <$1@mx.corp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="R1"

--R1
Content-Type: text/plain

Your message could not be delivered to jane@acme.com.

--R1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.corp.example

Final-Recipient: rfc822; jane@acme.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--R1
Content-Type: text/rfc822-headers

From: Ann Lee <ann.lee@corp.example>
To: Jane Doe <jane@acme.com>
Subject: Re: Order

--R1--
MSG
}

mail jane1 "Sun, 02 Nov 2025 10:00:00 +0000"
"$KITH" run jane1.eml >out.txt 2>err.txt || fail "first mail: $(cat err.txt)"
"$KITH" crm export Contact --format csv | grep -q jane@acme.com && ok "jane's mail creates her contact" ||
  fail "no contact for jane: $(cat out.txt err.txt)"

dsn dsn1 "Mon, 10 Nov 2025 09:00:00 +0000"
"$KITH" run dsn1.eml >out.txt 2>err.txt
st=$?
[ "$st" = 0 ] && ok "the notification is read without error" || fail "notification: exit $st ($(cat err.txt))"
"$KITH" explain jane@acme.com > explain.txt
grep -q '^  bounced: at 2025-11-10.* (activity dsn1@mx.corp.example)' explain.txt &&
  ok "R45: kith explain shows jane bounced, when and by which notification" ||
  fail "R45: explain: $(cat explain.txt)"
"$KITH" log --format csv > log.csv
grep -q 'dsn1@mx.corp.example,.*activity_skipped,automatic,.*R10' log.csv &&
  ok "R10: the notification is skipped as automatic" || fail "R10: log: $(grep dsn1 log.csv)"
grep -q 'mailer-daemon@mx.corp.example' <("$KITH" crm export Contact --format csv) &&
  fail "the notification's sender became a contact" || ok "the notification creates nobody"

# A later notification that Jane's address is only delayed is no bounce
# and ends none.
sed -e 's/Action: failed/Action: delayed/' -e 's/dsn1@/dsn2@/' -e 's/10 Nov 2025 09:00/10 Nov 2025 11:00/' \
  dsn1.eml > dsn2.eml
"$KITH" run dsn2.eml >/dev/null 2>&1
grep -q 'bounced: at 2025-11-10.*dsn1@' <("$KITH" explain jane@acme.com) &&
  ok "R45: a delayed recipient is no bounce" || fail "R45: after dsn2: $("$KITH" explain jane@acme.com)"

# Mail from Jane after the bounce ends it.
mail jane2 "Wed, 12 Nov 2025 10:00:00 +0000"
"$KITH" run jane2.eml >/dev/null 2>&1
"$KITH" explain jane@acme.com > explain.txt
grep -q 'bounced:' explain.txt && fail "R45: still bounced after her later mail: $(cat explain.txt)" ||
  ok "R45: mail jane sends after the bounce ends it"

# Read in the other order - her later mail first, the older notification
# after - the answer is the same.
mail jane3 "Sun, 16 Nov 2025 10:00:00 +0000"
dsn dsn3 "Sat, 15 Nov 2025 10:00:00 +0000"
"$KITH" run jane3.eml >/dev/null 2>&1
"$KITH" run dsn3.eml >/dev/null 2>&1
grep -q 'bounced:' <("$KITH" explain jane@acme.com) &&
  fail "R45: a notification older than her last mail bounced her" ||
  ok "R45: a notification older than her last mail, read after it, bounces nobody"

# kith purge forgets the bounce with the rest.
dsn dsn4 "Tue, 18 Nov 2025 10:00:00 +0000"
"$KITH" run dsn4.eml >/dev/null 2>&1
grep -q 'bounced:' <("$KITH" explain jane@acme.com) && ok "R45: a newer notification bounces her again" ||
  fail "R45: dsn4: $("$KITH" explain jane@acme.com)"
"$KITH" purge jane@acme.com >/dev/null 2>&1
grep -q 'bounced:' <("$KITH" explain jane@acme.com) && fail "kith purge left the bounce" ||
  ok "kith purge erases the bounce"
finish
