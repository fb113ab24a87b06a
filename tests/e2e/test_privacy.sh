#!/usr/bin/env bash
# test_privacy.sh - what kith keeps about people it never made contacts of:
# [org] retain_days forgets it, `kith purge ADDR` erases one address.
#
#   bash tests/e2e/test_privacy.sh /path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
e2e_start "$1"
export KITH_DB=$T/kith.db KITH_CONFIG=$T/kith.conf

cat > kith.conf <<'CONF'
[org]
internal_domains = corp.example
integration_user = 005000000000001AAA
retain_days = 30
CONF
printf 'Id,FirstName,LastName,Email,IsActive\n005000000000001AAA,Ann,Lee,ann.lee@corp.example,true\n' > User.csv
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\n001000000000001AAA,Acme,acme.com,,005000000000001AAA\n' > Account.csv
"$KITH" init >/dev/null 2>&1 && "$KITH" crm import User User.csv >/dev/null 2>&1 &&
  "$KITH" crm import Account Account.csv >/dev/null 2>&1 || { fail "set up the store"; finish; }

# mail ID DATE FROM: an email from FROM to Ann with a signature.
mail() {
  printf 'From: %s\nTo: Ann Lee <ann.lee@corp.example>\nSubject: Hello\nDate: %s\nMessage-ID: <%s@x.example>\n\nAnn, see you soon.\n\nRegards,\n%s\nHead of Sales\nPhone: +1 415 555 0100\n' \
    "$3" "$2" "$1" "${3% <*}" > "$1.eml"
}
old=$(date -u -R -d '60 days ago')
new=$(date -u -R -d '1 day ago')
# Two strangers at a domain with no Account (skipped, never contacts), one
# person at Acme (created), all in mail 60 days old; one stranger in new mail.
mail old1 "$old" "Pat Stone <pat.stone@nowhere.example>"
mail old2 "$old" "Jo Stone <jo.stone@acme.com>"
mail new1 "$new" "Kim Stone <kim.stone@nowhere.example>"
"$KITH" run old1.eml old2.eml new1.eml >out.txt 2>err.txt || fail "run: $(cat err.txt)"

"$KITH" explain pat.stone@nowhere.example > pat.txt
grep -q 'Title:' pat.txt && fail "retention: the old stranger's Title is kept: $(cat pat.txt)" ||
  ok "retention: observations older than retain_days of an address with no CRM record are gone"
grep -q 'Pat\|Stone' pat.txt && fail "retention: the old stranger's name is still held: $(grep -n 'Pat\|Stone' pat.txt)" ||
  ok "retention: participant names and log details of the old stranger are gone"
grep -q 'skipped/no_account' pat.txt && ok "retention: the decision itself stays in the log" ||
  fail "retention: the decision row went too: $(cat pat.txt)"
"$KITH" explain jo.stone@acme.com > jo.txt
grep -q 'Title: Head of Sales' jo.txt && ok "retention: a contact's observations are kept" ||
  fail "retention: jo's observations: $(cat jo.txt)"
"$KITH" explain kim.stone@nowhere.example > kim.txt
grep -q 'Title: Head of Sales' kim.txt && ok "retention: recent observations are kept" ||
  fail "retention: kim's observations: $(cat kim.txt)"

# Erasure of one address.
"$KITH" purge Kim.Stone@nowhere.example >out.txt 2>err.txt
st=$?
[ "$st" = 0 ] && ok "purge exits 0" || fail "purge: exit $st ($(cat err.txt))"
grep -q '^purge: kim.stone@nowhere.example: removed [1-9][0-9]* observations, 1 participant row, [1-9][0-9]* log row' out.txt &&
  ok "purge says what it removed" || fail "purge output: $(cat out.txt)"
"$KITH" explain kim.stone@nowhere.example > kim.txt
grep -q 'kith holds nothing about kim.stone@nowhere.example' kim.txt && ok "after purge kith holds nothing about it" ||
  fail "after purge: $(cat kim.txt)"
[ -z "$("$KITH" log --email kim.stone@nowhere.example --format csv | tail -n +2)" ] &&
  ok "after purge its log rows are gone" || fail "log rows left: $("$KITH" log --email kim.stone@nowhere.example)"
"$KITH" purge kim.stone@nowhere.example >out.txt 2>&1 && grep -q 'removed 0 observations' out.txt &&
  ok "purge of an address kith holds nothing about removes nothing" || fail "second purge: $(cat out.txt)"
"$KITH" purge 'not an address' >/dev/null 2>err.txt; st=$?
[ "$st" = 2 ] && grep -q '^kith: purge: ' err.txt && ok "purge of a non-address is a usage error" ||
  fail "purge non-address: exit $st $(cat err.txt)"
# The CRM keeps its contact: purge is kith's memory, not the CRM's.
"$KITH" purge jo.stone@acme.com >/dev/null 2>&1
"$KITH" crm export Contact --format csv | grep -q jo.stone@acme.com && ok "purge leaves CRM records to the CRM" ||
  fail "purge removed the contact"
finish
