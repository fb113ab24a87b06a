#!/usr/bin/env bash
# bench_sf_push.sh [N] - push N queued contacts (default 20000; --full: 100000)
# to the local Salesforce test server and report: requests by kind and their
# batch sizes (target: full batches of 200), and kith's own CPU time per record
# (target: under 50 us; user+sys of `kith sync`, the server's time excluded).
set -euo pipefail
N=${1:-20000}
[ "$N" = "--full" ] && N=100000
here=$(cd "$(dirname "$0")" && pwd)
KITH=${KITH:-$here/../build-bench/kith}
W=${BENCH_WORK:-/tmp/kith-bench}/sf-push-$N
rm -rf "$W"; mkdir -p "$W"; cd "$W"
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null

openssl genrsa -out key.pem 2048 2>/dev/null; chmod 600 key.pem
openssl rsa -in key.pem -pubout -out pub.pem 2>/dev/null
python3 "$here/../tests/salesforce/fake_salesforce.py" --port 0 --port-file port \
  --public-key pub.pem --max-seconds 3600 >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
U="http://127.0.0.1:$(cat port)"
admin() { curl -s -X POST -H 'Content-Type: application/json' -d "$2" "$U/__admin/$1" >/dev/null; }
admin records '{"User":[{"Id":"005000000000000AAA","FirstName":"Kith","LastName":"Integration","Email":"integration@corp.example","IsActive":true},{"Id":"005000000000001AAA","FirstName":"Ann","LastName":"Lee","Email":"ann.lee@corp.example","IsActive":true}],"Account":[{"Id":"001000000000101AAA","Name":"Contoso","Website":"contoso.com","OwnerId":"005000000000001AAA"}]}'
# The server's duplicate rule compares every new contact with every other:
# fine for tests, quadratic here. kith's own R61 look-up still runs.
admin settings '{"duplicate_rule": false, "api_limit": 10000000}'
cat > kith.conf <<CONF
[org]
internal_domains = corp.example
integration_user = 005000000000000AAA
[salesforce]
login_url = $U
client_id = bench
user = integration@corp.example
private_key = $W/key.pem
CONF
"$KITH" --db kith.db init >/dev/null
"$KITH" --db kith.db --config kith.conf sync >/dev/null   # the mirror's first load
python3 - "$N" > feed.jsonl <<'PY'
import json, sys
n = int(sys.argv[1])
for i in range(n):
    print(json.dumps({"type": "email", "id": "push-%d@corp.example" % i,
                      "time": "2026-03-01T09:00:00Z", "subject": "Hello",
                      "from": {"email": "ann.lee@corp.example", "name": "Ann Lee"},
                      "to": [{"email": "person%d@contoso.com" % i, "name": "Person%d Example" % i}]}))
PY
"$KITH" --db kith.db --config kith.conf ingest feed.jsonl | head -3
curl -s -X POST -H 'Content-Type: application/json' -d '{}' "$U/__admin/requests/clear" >/dev/null
/usr/bin/time -f "%U %S %e %M" -o sync.time "$KITH" --db kith.db --config kith.conf sync > sync.out
read -r user sys wall rss < sync.time
curl -s "$U/__admin/requests" > requests.json
python3 - "$N" "$user" "$sys" "$wall" "$rss" requests.json <<'PY'
import json, sys
n, user, sys_, wall, rss = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
reqs = json.load(open(sys.argv[6]))
posts = [r for r in reqs if r["method"] == "POST" and "/composite/sobjects" in r["path"]]
sizes = [len(r["body"]["records"]) for r in posts]
queries = [r for r in reqs if r["method"] == "GET" and "/query" in r["path"]]
full = sum(1 for s in sizes if s == 200)
print("pushed %d contacts in %d collections requests (%d full batches of 200, sizes %s..%s); %d queries"
      % (sum(sizes), len(posts), full, min(sizes), max(sizes), len(queries)))
cpu = user + sys_
print("kith sync: %.2f s wall, %.2f s CPU (user %.2f + sys %.2f), peak RSS %.1f MB"
      % (wall, cpu, user, sys_, rss / 1024))
per = cpu / n * 1e6
print("kith's CPU per record: %.1f us   (target < 50 us: %s)" % (per, "met" if per < 50 else "NOT met"))
print("requests are full batches of 200: %s" % ("yes" if full == len(posts) - (1 if n % 200 else 0) else "no"))
PY
