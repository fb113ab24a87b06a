#!/usr/bin/env bash
# soak_serve.sh [ACTIVITIES SECONDS] - kith serve fed ACTIVITIES activities
# (default 5000 over 60 s; --full: 50000 over 600 s) into a watched folder
# while the API is polled, then SIGTERM. Checks: every activity decided once,
# the outbox empty, a clean stop; reports RSS over time (flat after warm-up).
set -euo pipefail
N=${1:-5000}; SECS=${2:-60}
[ "$N" = "--full" ] && { N=50000; SECS=600; }
here=$(cd "$(dirname "$0")" && pwd)
KITH=${KITH:-$here/../build-bench/kith}
W=${BENCH_WORK:-/tmp/kith-bench}/soak-$N
rm -rf "$W"; mkdir -p "$W/inbox"; cd "$W"
cat > User.csv <<'CSV'
Id,FirstName,LastName,Email,IsActive
005000000000000AAA,Kith,Integration,integration@corp.example,true
005000000000001AAA,Ann,Lee,ann.lee@corp.example,true
CSV
python3 - > Account.csv <<'PY'
print("Id,Name,Website,Secondary_Domains__c,OwnerId")
for i in range(200):
    print("001%015d,Account %d,acct%d.example.com,,005000000000001AAA" % (i, i, i))
PY
"$KITH" --db kith.db init >/dev/null
"$KITH" --db kith.db crm import User User.csv 2>/dev/null
"$KITH" --db kith.db crm import Account Account.csv 2>/dev/null
printf 'soak-token-0123456789\n' > token; chmod 600 token
cat > kith.conf <<'CONF'
[org]
internal_domains = corp.example
integration_user = 005000000000000AAA
[serve]
listen = 127.0.0.1:0
token_file = token
sync_interval = 5
scan_interval = 30
[source inbox]
path = inbox
CONF
"$KITH" --db kith.db --config kith.conf serve > serve.out 2> serve.log &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '"event":"started"' serve.log && break; sleep 0.1; done
PORT=$(grep -o '"port":[0-9]*' serve.log | head -1 | cut -d: -f2)
H="Authorization: Bearer soak-token-0123456789"

# The feeder: one .jsonl file a second; 3000 distinct people, so most
# activities link to a contact made earlier and some create one.
python3 - "$N" "$SECS" <<'PY' &
import json, os, sys, time
n, secs = int(sys.argv[1]), int(sys.argv[2])
per = max(1, n // secs)
done = 0; batch = 0
start = time.time()
while done < n:
    k = min(per, n - done)
    path = "inbox/b%05d.jsonl" % batch
    with open(path + ".tmp", "w") as f:
        for i in range(done, done + k):
            p = i % 3000
            f.write(json.dumps({"type": "email", "id": "soak-%d@corp.example" % i,
                                "time": "2026-03-01T09:%02d:%02dZ" % (i // 60 % 60, i % 60),
                                "subject": "Soak %d" % i,
                                "from": {"email": "ann.lee@corp.example", "name": "Ann Lee"},
                                "to": [{"email": "p%d@acct%d.example.com" % (p, p % 200),
                                        "name": "Person%d Soak" % p}]}) + "\n")
    os.rename(path + ".tmp", path)
    done += k; batch += 1
    time.sleep(max(0, start + batch * secs / (n / per) - time.time()))
PY
FEEDER=$!
# The poller: status and a page of the log twice a second; RSS every 5 s.
: > rss.txt
t0=$(date +%s)
polls=0
while kill -0 $FEEDER 2>/dev/null; do
  curl -s -H "$H" "http://127.0.0.1:$PORT/api/v1/status" >/dev/null
  curl -s -H "$H" "http://127.0.0.1:$PORT/api/v1/log?limit=50" >/dev/null
  polls=$((polls + 2))
  now=$(date +%s)
  if [ $(( (now - t0) % 5 )) = 0 ]; then
    echo "$((now - t0)) $(awk '/VmRSS/ {print $2}' /proc/$PID/status)" >> rss.txt
  fi
  sleep 0.5
done
wait $FEEDER
# Let the watcher read the last file and one sync apply the rest.
for _ in $(seq 120); do
  got=$(curl -s -H "$H" "http://127.0.0.1:$PORT/api/v1/status" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["activities"], s["outbox_depth"])')
  set -- $got
  [ "$1" -ge "$N" ] && [ "$2" = 0 ] && break
  sleep 1
done
echo "$(( $(date +%s) - t0 )) $(awk '/VmRSS/ {print $2}' /proc/$PID/status)" >> rss.txt
kill -TERM $PID; wait $PID; rc=$?; trap - EXIT
"$KITH" --db kith.db log --format csv > log.csv
python3 - "$N" "$rc" "$polls" <<'PY'
import csv, sys
n, rc, polls = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.DictReader(open("log.csv")))
decided = {}
for r in rows:
    if r["Email"] and r["Email"] != "ann.lee@corp.example":
        decided[r["ActivityId"]] = decided.get(r["ActivityId"], 0) + (1 if r["Action"] in ("contact_linked", "skipped") else 0)
created = [r for r in rows if r["Action"] == "contact_created"]
emails = [r["Email"] for r in created]
rss = [tuple(map(int, l.split())) for l in open("rss.txt") if l.strip()]
print("fed %d activities; %d API polls; serve exited %d" % (n, polls, rc))
print("activities with a decision: %d; contacts created: %d (distinct %d)" % (len(decided) + len(set(r['ActivityId'] for r in created) - set(decided)), len(created), len(set(emails))))
print("RSS over time (s, MB): " + ", ".join("%d:%.1f" % (t, k / 1024) for t, k in rss))
if len(rss) > 4:
    warm = rss[len(rss) // 4:]
    print("RSS after warm-up: min %.1f MB, max %.1f MB" % (min(k for _, k in warm) / 1024, max(k for _, k in warm) / 1024))
ok = rc == 0 and len(created) == len(set(emails))
print("result: %s" % ("ok" if ok else "NOT ok"))
PY
grep -c '"event":"ingest"' serve.log | sed 's/^/ingest events: /'
tail -1 serve.log
