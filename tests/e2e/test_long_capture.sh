#!/usr/bin/env bash
# test_long_capture.sh - a capture long enough to take kith's long-capture
# path (past its first commit of 5,000 activities: the participants' address
# index is built at its end and observations are logged, then merged in key
# order) stores exactly what the same mail stores when read in short
# captures, one activity at a time kept on the spot.
#
#   bash tests/e2e/test_long_capture.sh /path/to/kith
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
e2e_start "$1"
if ! command -v python3 >/dev/null 2>&1 || ! command -v sqlite3 >/dev/null 2>&1; then
  echo "skip: python3 and sqlite3 are needed"
  echo "0 passed, 0 failed"
  exit 0
fi

# 5,600 messages between one User and 700 outside people at 50 companies;
# each person writes several times, signing with a title and a phone that
# change over time, at times out of order and at times at the same second.
python3 - <<'PY'
import random
rng = random.Random(7)
titles = ["Engineer", "Senior Engineer", "Director of Sales", "VP Marketing", "CTO"]
msgs = []
for i in range(11200):
    p = rng.randrange(700)
    t = 1767225600 + rng.randrange(0, 90 * 86400) // 60 * 60  # whole minutes: ties happen
    name = f"Person{p} Family{p % 97}"
    title = titles[(p + t // 864000) % len(titles)]
    phone = f"+1 617 555 {(p * 7 + t // 86400) % 10000:04d}"
    outgoing = rng.random() < 0.3
    frm = "Ann Lee <ann@corp.example>" if outgoing else f"{name} <p{p}@company{p % 50}.com>"
    to = f"{name} <p{p}@company{p % 50}.com>" if outgoing else "Ann Lee <ann@corp.example>"
    body = "Thanks, see you then.\n"
    if not outgoing:
        body += f"\n--\n{name}\n{title}\nCompany{p % 50} Inc.\nPhone: {phone}\n"
    date = __import__("email.utils").utils.formatdate(t, usegmt=True)
    msgs.append(f"From x@y {date}\nMessage-ID: <m{i}@test>\nDate: {date}\nFrom: {frm}\nTo: {to}\n"
                f"Subject: Note {i}\n\n{body}\n")
# all: the first 5,600; more: 5,600 later messages of the same people
for name, part in [("all", msgs[:5600]), ("part1", msgs[:2800]), ("part2", msgs[2800:5600]),
                   ("more", msgs[5600:]), ("more1", msgs[5600:8400]), ("more2", msgs[8400:])]:
    with open(name + ".mbox", "w") as f:
        f.writelines(part)
with open("User.csv", "w") as f:
    f.write("Id,FirstName,LastName,Email,IsActive\n005000000000001AAA,Ann,Lee,ann@corp.example,true\n")
with open("Account.csv", "w") as f:
    f.write("Id,Name,Website,OwnerId\n")
    for c in range(50):
        f.write(f"001{c:012d}AAA,Company{c},https://company{c}.com,005000000000001AAA\n")
PY
printf '[org]\ninternal_domains = corp.example\n' >kith.conf
for db in long short; do
  "$KITH" --db $db.db init >/dev/null 2>&1 &&
    "$KITH" --db $db.db crm import User User.csv >/dev/null 2>&1 &&
    "$KITH" --db $db.db crm import Account Account.csv >/dev/null 2>&1 ||
    fail "setting up $db.db"
done

if "$KITH" --db long.db --config kith.conf ingest all.mbox >long.out 2>long.err; then
  ok "one ingest of 5,600 messages"
else
  fail "one ingest of 5,600 messages ($(head -c 300 long.err))"
fi
grep -q "5600 activities new" long.out && ok "every message captured" ||
  fail "every message captured ($(head -n 2 long.out))"
ok_short=1
for part in part1 part2; do
  "$KITH" --db short.db --config kith.conf ingest $part.mbox >/dev/null 2>short.err || ok_short=0
done
[ "$ok_short" = 1 ] && ok "the same mail in two short ingests" ||
  fail "the same mail in two short ingests ($(head -c 300 short.err))"

obs() { sqlite3 "$1" "SELECT email, field, value, time, activity_id FROM observation ORDER BY 1, 2"; }
part() { sqlite3 "$1" "SELECT a.id, p.pos, p.email, p.first_name, p.last_name FROM participant p JOIN activity a ON a.seq = p.activity ORDER BY 1, 2"; }
# same_as_short WHEN: long.db holds what short.db holds, its log is merged
# and its address index is there.
same_as_short() {
  obs long.db >long.obs
  obs short.db >short.obs
  cmp -s long.obs short.obs && ok "$1: the same newest observations (R37-R39)" ||
    fail "$1: observations differ: $(diff long.obs short.obs | head -n 6 | tr '\n' ' ')"
  part long.db >long.part
  part short.db >short.part
  cmp -s long.part short.part && ok "$1: the same participants" ||
    fail "$1: participants differ: $(diff long.part short.part | head -n 4 | tr '\n' ' ')"
  [ "$(sqlite3 long.db 'SELECT count(*) FROM observation_log')" = 0 ] &&
    ok "$1: the observation log is empty" || fail "$1: the observation log is not empty"
  [ "$(sqlite3 long.db "SELECT count(*) FROM sqlite_master WHERE name = 'participant_email'")" = 1 ] &&
    ok "$1: the participants' address index is there" || fail "$1: participant_email index missing"
}

same_as_short "after one long capture"
n=$(wc -l <long.obs)
[ "$n" -gt 1000 ] && ok "observations kept ($n)" || fail "observations kept: only $n"
[ "$(sqlite3 long.db 'PRAGMA integrity_check')" = ok ] && ok "integrity_check" || fail "integrity_check"

# A second long capture into a store that already holds more activities
# than it adds keeps the address index up to date as it goes (rebuilding it
# would sort every participant ever stored) and still logs its observations.
"$KITH" --db long.db --config kith.conf ingest more.mbox >long2.out 2>long2.err &&
  grep -q "5600 activities new" long2.out && ok "a second ingest of 5,600 messages" ||
  fail "a second ingest of 5,600 messages ($(head -c 300 long2.err))"
for part in more1 more2; do
  "$KITH" --db short.db --config kith.conf ingest $part.mbox >/dev/null 2>short.err ||
    fail "short ingest of $part ($(head -c 300 short.err))"
done
same_as_short "after a second long capture"

finish
