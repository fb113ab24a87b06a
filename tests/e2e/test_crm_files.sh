#!/usr/bin/env bash
# test_crm_files.sh - CONTRACT.md section 2 as amended: unknown and missing
# columns named once and imported anyway, IsActive true by default, a file
# naming none of the object's fields refused whole; success on stdout.
#
#   bash tests/e2e/test_crm_files.sh /path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
e2e_start "$1"
export KITH_DB=$T/kith.db
"$KITH" init >init.out 2>init.err
grep -q '^init: store ready at ' init.out && [ ! -s init.err ] && ok "init says so on stdout" ||
  fail "init: $(cat init.out init.err)"

# A User file without IsActive: every user active, the column named once.
printf 'Id,FirstName,LastName,Email\n005A,Ann,Lee,ann@corp.example\n005B,Bob,Roy,bob@corp.example\n' > u.csv
"$KITH" crm import User u.csv >out.txt 2>err.txt; st=$?
[ "$st" = 0 ] && ok "a User file without IsActive is imported (exit 0)" || fail "exit $st: $(cat err.txt)"
[ "$(grep -c 'warning: no IsActive column: every user is active' err.txt)" = 1 ] &&
  ok "the missing IsActive is named once" || fail "warnings: $(cat err.txt)"
grep -q '^import: 2 User records from u.csv$' out.txt && ok "the import's success is on stdout" ||
  fail "stdout: $(cat out.txt)"
[ "$("$KITH" crm export User | tr -d '\r' | grep -c ',true$')" = 2 ] && ok "both users are active" ||
  fail "users: $("$KITH" crm export User)"

# Unknown columns are ignored and named once each.
printf 'Id,Name,Website,Industry,OwnerId,Rating\n001A,Acme,acme.com,Tools,005A,Hot\n001B,Beta,beta.example,Food,005B,Cold\n' > a.csv
"$KITH" crm import Account a.csv >out.txt 2>err.txt; st=$?
[ "$st" = 0 ] && ok "an Account file with unknown columns is imported" || fail "exit $st: $(cat err.txt)"
[ "$(grep -c "warning: unknown column 'Industry' is ignored" err.txt)" = 1 ] &&
  [ "$(grep -c "warning: unknown column 'Rating' is ignored" err.txt)" = 1 ] &&
  ok "each unknown column is named once" || fail "warnings: $(cat err.txt)"
grep -q "warning: no Secondary_Domains__c column: imported as empty" err.txt &&
  ok "a missing optional column is named" || fail "missing column: $(cat err.txt)"
grep -q '^kith: a.csv: warning: ' err.txt && ok "warnings read kith: FILE: warning: ..." || fail "$(cat err.txt)"

# A report export with labels instead of API names: refused whole.
printf 'First Name,Last Name,Email Address,Active\nCal,Ng,cal@corp.example,true\n' > labels.csv
"$KITH" crm import User labels.csv >out.txt 2>err.txt; st=$?
[ "$st" = 1 ] && grep -q '^kith: labels.csv: no Id column' err.txt && ok "a file without Id is refused" ||
  fail "labels: exit $st $(cat err.txt)"
printf 'Id,First Name,Email Address\n005C,Cal,cal@corp.example\n' > labels2.csv
"$KITH" crm import User labels2.csv >out.txt 2>err.txt; st=$?
[ "$st" = 1 ] && grep -q "^kith: labels2.csv: the header names none of a User's columns" err.txt &&
  ok "a file naming none of the object's fields but Id is refused whole" || fail "labels2: exit $st $(cat err.txt)"
[ "$("$KITH" crm export User | grep -c 005C)" = 0 ] && ok "nothing of the refused file is imported" ||
  fail "005C was imported"
# kith config checks what it names against the store's Users (#20, R2).
printf '[org]\ninternal_domains = corp.example\nintegration_user = 005X\n[aliases]\nannie@corp.example = nobody@corp.example\n[profile A]\nusers = *\n[profile B]\nusers = *, ann@corp.example, zed@corp.example\n' > c.conf
"$KITH" --config c.conf config >out.txt 2>err.txt; st=$?
[ "$st" = 0 ] && grep -q '^\[org\]' out.txt && ok "kith config with warnings still prints the configuration (exit 0)" ||
  fail "config: exit $st"
grep -q "^kith: c.conf: \[org\] integration_user: warning: 005X is no User" err.txt &&
  ok "an integration_user that is no User is named" || fail "$(cat err.txt)"
grep -q "\[profile B\] users: warning: zed@corp.example is no User's Email" err.txt &&
  ! grep -q "ann@corp.example is no User" err.txt && ok "profile users that are no User are named, Users are not" ||
  fail "$(cat err.txt)"
grep -q "a second 'users = \*' profile is never used" err.txt && ok "a second users = * profile is named" ||
  fail "$(cat err.txt)"
grep -q "\[aliases\] annie@corp.example: warning: nobody@corp.example is no User's Email" err.txt &&
  ok "an alias of no User is named (R2)" || fail "$(cat err.txt)"
finish
