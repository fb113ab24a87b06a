#!/usr/bin/env bash
# test_forged.sh - R12 and R13 through the CLI: mail that fails the org's
# authentication checks creates nobody and rewrites nothing; a mail dated in
# the future cannot outrank the genuine mail that comes after it.
#
#   bash tests/e2e/test_forged.sh /path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
e2e_start "$1"
export KITH_DB=$T/kith.db KITH_CONFIG=$T/kith.conf

cat > kith.conf <<'CONF'
[org]
internal_domains = corp.example
integration_user = 005000000000001AAA
authserv_ids = mx.corp.example
CONF
printf 'Id,FirstName,LastName,Email,IsActive\n005000000000001AAA,Ann,Lee,ann.lee@corp.example,true\n' > User.csv
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\n001000000000001AAA,Northwind,northwind.example,,005000000000001AAA\n' > Account.csv
"$KITH" init >/dev/null 2>&1 && "$KITH" crm import User User.csv >/dev/null 2>&1 &&
  "$KITH" crm import Account Account.csv >/dev/null 2>&1 || { fail "set up the store"; finish; }

# mail ID DATE AUTH TITLE PHONE [FROM]: one email from Dora (or FROM) to Ann.
mail() {
  local from=${6:-Dora Klein <dora.klein@northwind.example>}
  {
    [ -n "$3" ] && printf 'Authentication-Results: %s\n' "$3"
    printf 'From: %s\nTo: Ann Lee <ann.lee@corp.example>\nSubject: Order\nDate: %s\nMessage-ID: <%s@northwind.example>\n\n' \
      "$from" "$2" "$1"
    printf 'Ann, the order is attached.\n\nBest regards,\nDora Klein\n%s\nNorthwind Traders\nPhone: %s\n' "$4" "$5"
  } > "$1.eml"
}
field() { "$KITH" crm export Contact --format csv | awk -F, -v col="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==col) c=i; next} /dora.klein/{print $c}'; }

PASS='mx.corp.example; spf=pass smtp.mailfrom=northwind.example; dkim=pass header.d=northwind.example; dmarc=pass header.from=northwind.example'
FAIL='mx.corp.example; spf=fail smtp.mailfrom=northwind.example; dkim=none; dmarc=fail header.from=northwind.example'

# A genuine first mail creates Dora with her signature's Title and Phone.
mail genuine1 "Mon, 02 Nov 2026 10:00:00 +0000" "$PASS" "Purchasing Manager" "+1 415 555 0100"
"$KITH" run genuine1.eml >out.txt 2>err.txt
[ "$(field Title)" = "Purchasing Manager" ] && ok "a genuine mail creates the contact with its Title" ||
  fail "genuine mail: Title '$(field Title)' ($(cat err.txt))"

# The forged mail: dmarc=fail, dated 2099, a new Title and Phone.
mail forged "Thu, 01 Jan 2099 10:00:00 +0000" "$FAIL" "Chief Executive Officer" "+1 212 555 0199"
"$KITH" run forged.eml >out.txt 2>err.txt
st=$?
[ "$st" = 0 ] && ok "forged mail is read without error" || fail "forged mail: exit $st ($(cat err.txt))"
[ "$(field Title)" = "Purchasing Manager" ] && ok "R12: forged mail does not rewrite the Title" ||
  fail "R12: Title became '$(field Title)'"
case "$(field Phone)" in *0100*) ok "R12: forged mail does not rewrite the Phone" ;;
  *) fail "R12: Phone became '$(field Phone)'" ;; esac
"$KITH" log --format csv > log.csv
grep -q 'forged@northwind.example.*contact_linked' log.csv && ok "R12: the forged mail's sender is still linked (R20)" ||
  fail "R12: no link for the forged mail: $(grep forged log.csv)"

# A stranger in forged mail is not created: skipped unauthenticated.
mail forged2 "Mon, 09 Nov 2026 10:00:00 +0000" "$FAIL" "Buyer" "+1 415 555 0111" "Eve Mallory <eve.mallory@northwind.example>"
"$KITH" run forged2.eml >out.txt 2>err.txt
grep -q 'eve.mallory@northwind.example,skipped,unauthenticated,,R12' <("$KITH" log --format csv) &&
  ok "R12: a person only forged mail names is skipped unauthenticated" ||
  fail "R12: eve: $("$KITH" log --format csv | grep eve)"
"$KITH" crm export Contact --format csv | grep -q eve.mallory && fail "R12: eve was created" ||
  ok "R12: no contact for the person forged mail names"
grep -q 'unauthenticated' <("$KITH" explain eve.mallory@northwind.example) &&
  ok "R12: kith explain says why" || fail "R12: explain: $("$KITH" explain eve.mallory@northwind.example)"

# R13: a genuine mail dated in the future counts as captured now, so the
# genuine mail sent after it wins.
mail future "Thu, 01 Jan 2099 10:00:00 +0000" "$PASS" "Head of Purchasing" "+1 415 555 0100"
"$KITH" run future.eml >/dev/null 2>&1
[ "$(field Title)" = "Head of Purchasing" ] && ok "R13: a future-dated genuine mail is an observation" ||
  fail "R13: Title '$(field Title)'"
sleep 1.1
mail genuine2 "$(date -u -R)" "$PASS" "Director of Purchasing" "+1 415 555 0100"
"$KITH" run genuine2.eml >/dev/null 2>&1
[ "$(field Title)" = "Director of Purchasing" ] && ok "R13: the later genuine mail outranks the future-dated one" ||
  fail "R13: Title '$(field Title)' after the later mail"

# Without authserv_ids the topmost header decides.
sed -i '/authserv_ids/d' kith.conf
mail forged3 "Mon, 09 Nov 2026 11:00:00 +0000" "$FAIL" "Buyer" "+1 415 555 0112" "Mal Lory <mal.lory@northwind.example>"
"$KITH" run forged3.eml >/dev/null 2>&1
grep -q 'mal.lory@northwind.example,skipped,unauthenticated' <("$KITH" log --format csv) &&
  ok "R12: with no authserv_ids the topmost header decides" || fail "R12: mal: $("$KITH" log --format csv | grep mal.lory)"
# kith log's filters (the console's, on the command line).
n=$("$KITH" log --action skipped --reason unauthenticated --format csv | tail -n +2 | wc -l)
all=$("$KITH" log --format csv | grep -c ',skipped,unauthenticated,')
[ "$n" -ge 1 ] && [ "$n" = "$all" ] && ok "kith log --action --reason keeps exactly those rows ($n)" ||
  fail "log filters: $n of $all"
[ "$("$KITH" log --since 2999-01-01 --format csv | tail -n +2 | wc -l)" = 0 ] &&
  [ "$("$KITH" log --since 2000-01-01 --format csv | tail -n +2 | wc -l)" -gt 0 ] &&
  ok "kith log --since keeps the rows written since" || fail "log --since"
finish
