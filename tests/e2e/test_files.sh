#!/usr/bin/env bash
# test_files.sh - the files kith meets (#20): messages saved as .txt or with
# no extension are read by their content; what is passed over is named by
# extension; an ingest that reads nothing at all fails.
#
#   bash tests/e2e/test_files.sh /path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
e2e_start "$1"
export KITH_DB=$T/kith.db
"$KITH" init >/dev/null 2>&1 || { fail "init"; finish; }
mkdir -p export
msg() { printf 'From: Jane Doe <jane@acme.com>\r\nTo: Ann Lee <ann.lee@corp.example>\r\nSubject: Note %s\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: <n%s@acme.com>\r\n\r\nHello\r\n' "$1" "$1"; }
msg 1 > export/0001.txt
msg 2 > export/0002
msg 3 > export/0003.msg.txt
printf 'Meeting notes: nothing to see here.\nSubject to change: the plan.\n' > export/notes.txt
printf '%%PDF-1.4\n' > export/attachment.pdf
printf 'PK\003\004' > export/sheet.xlsx
"$KITH" ingest export >out.txt 2>err.txt; st=$?
[ "$st" = 0 ] && ok "a folder of exported messages is ingested (exit 0)" || fail "exit $st: $(cat err.txt)"
grep -q '3 activities new' out.txt && ok "messages named .txt or with no extension are read by content" ||
  fail "$(head -n 1 out.txt)"
grep -q '3 ignored (.pdf 1, .txt 1, .xlsx 1)' out.txt && ok "what is passed over is named by extension" ||
  fail "$(head -n 1 out.txt)"
mkdir -p none
printf '%%PDF-1.4\n' > none/a.pdf
"$KITH" ingest none >out.txt 2>err.txt; st=$?
[ "$st" = 1 ] && grep -q '^kith: ingest: nothing read' err.txt && ok "an ingest that reads nothing fails and says so" ||
  fail "nothing read: exit $st $(cat err.txt)"
finish
