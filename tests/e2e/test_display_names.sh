#!/usr/bin/env bash
# test_display_names.sh - R4 and R5 through the CLI: display names as
# Exchange, Lotus Notes and Outlook write them (Enron mail of the Quagga
# set) end as the right contact names.
#
#   bash tests/e2e/test_display_names.sh /path/to/kith
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
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\n001000000000001AAA,Andrews Kurth,andrews-kurth.example,,005000000000001AAA\n' > Account.csv
"$KITH" init >/dev/null 2>&1 && "$KITH" crm import User User.csv >/dev/null 2>&1 &&
  "$KITH" crm import Account Account.csv >/dev/null 2>&1 || { fail "set up the store"; finish; }

# Ann writes to the people as their mail systems named them.
cat > names.eml <<'MAIL'
From: Ann Lee <ann.lee@corp.example>
To: "Kitchen, Louise </O=ENRON/OU=NA/CN=RECIPIENTS/CN=LKITCHEN>" <louise.kitchen@andrews-kurth.example>,
 "MURIEL McFARLING" <mcfam@andrews-kurth.example>,
 "Follett, B. David - TPDBF" <dfollett@andrews-kurth.example>
Cc: Paul Drexelius/CES/ColumbiaGas <paul.drexelius@andrews-kurth.example>,
 "NOTES -PDREXEL *" <pdrexel@andrews-kurth.example>,
 "Vasco de Castro Ferraz Junior" <vcferraz@andrews-kurth.example>,
 "LUCA DI STEFANO" <luca.distefano@andrews-kurth.example>
Subject: Closing documents
Date: Mon, 02 Nov 2026 10:00:00 +0000
Message-ID: <names1@corp.example>

All, the closing documents are attached.

Ann
MAIL

# Mary replies from an address alone; her name is in her signature, two
# blank lines below the closing (R5).
cat > mary.eml <<'MAIL'
From: rembm@andrews-kurth.example
To: Ann Lee <ann.lee@corp.example>
Subject: RE: Closing documents
Date: Mon, 02 Nov 2026 12:00:00 +0000
Message-ID: <mary1@andrews-kurth.example>

Attached are clean copies in Word Perfect format.

Thank you.


Mary S. Rembert
Andrews & Kurth L.L.P.
(214) 659-4437
MAIL

"$KITH" run names.eml mary.eml >out.txt 2>err.txt || fail "kith run: $(cat err.txt)"
"$KITH" crm export Contact --format csv > contacts.csv
# name EMAIL: "FirstName|LastName" of the contact with EMAIL
name() {
  awk -F, -v email="$1" 'NR==1{for(i=1;i<=NF;i++){if($i=="FirstName")f=i; if($i=="LastName")l=i; if($i=="Email")e=i}; next}
    tolower($e)==email{print $f "|" $l}' contacts.csv
}
expect() {
  local got
  got=$(name "$1")
  [ "$got" = "$2" ] && ok "$3" || fail "$3: $1 is '$got', want '$2'"
}
expect louise.kitchen@andrews-kurth.example "Louise|Kitchen" "R4: an X.500 path after 'Last, First' is dropped"
expect mcfam@andrews-kurth.example "Muriel|McFarling" "R4: a name in capitals is re-cased, Mc and all"
expect dfollett@andrews-kurth.example "B. David|Follett" "R4: a trailing code goes, an initial keeps its given name"
expect paul.drexelius@andrews-kurth.example "Paul|Drexelius" "R4: a Lotus Notes path is dropped"
expect vcferraz@andrews-kurth.example "Vasco|Ferraz Junior" "R4: Junior stays with the surname"
expect luca.distefano@andrews-kurth.example "Luca|di Stefano" "R4: a particle in capitals is re-cased small"
expect rembm@andrews-kurth.example "Mary|Rembert" "R5: the signature's name two blank lines below the closing"
grep -q 'pdrexel@' contacts.csv && fail "R4: 'NOTES -PDREXEL *' became a contact: $(grep pdrexel@ contacts.csv)" ||
  ok "R4: 'NOTES -PDREXEL *' for pdrexel@ gives no name, so no contact"
grep -q 'pdrexel@andrews-kurth.example,skipped,missing_field' <("$KITH" log --format csv) &&
  ok "R22: pdrexel@ is skipped for want of a name" ||
  fail "R22: pdrexel@: $("$KITH" log --format csv | grep pdrexel@)"
finish
