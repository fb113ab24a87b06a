#!/usr/bin/env bash
# bench_google.sh - times a google source's first and incremental passes against fake_google.py on loopback.
# Usage: bench/bench_google.sh [USERS [MESSAGES]]
#   USERS     Workspace users read (default 10), MESSAGES each (default 300; "2k" works), with
#             MESSAGES / 10 events each, from bench/gen_workspace.py
#   env CRM_CONTACTS (default 2000; accounts are a tenth): the CRM the tenant's people belong to
# Prints: the first pass (activities, requests, seconds, messages a second), an incremental pass
# with nothing new (requests: one history.list and one events.list per user, plus the token), and
# one with one new message per user.
# The test server runs on 127.0.0.1 only and is stopped at the end.
set -u
. "$(dirname "$0")/lib.sh"
need_tools

USERS=10
MSGS=300
[ $# -ge 1 ] && USERS=$(count "$1")
[ $# -ge 2 ] && MSGS=$(count "$2")
CRM=$(count "${CRM_CONTACTS:-2000}")
FAKE=${KITH_FAKE_GOOGLE:-$SRC_DIR/tests/google/fake_google.py}
GEN=${KITH_GEN_WORKSPACE:-$BENCH_DIR/gen_workspace.py}
[ -f "$FAKE" ] || die "no test server at $FAKE"
WS="$BENCH_WORK/workspace-$USERS-$MSGS-crm$CRM"
if [ ! -f "$WS/users.json" ]; then
  echo "bench: generating $USERS users x $MSGS messages -> $WS" >&2
  "$PY" "$GEN" --users "$USERS" --messages "$MSGS" --events $((MSGS / 10)) \
    --accounts $((CRM / 10)) --contacts "$CRM" --out "$WS" >/dev/null 2>&1 || die "gen_workspace.py failed"
fi
RUN=$(mktemp -d /tmp/kith-bench-google.XXXXXX)
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; rm -rf "$RUN"; }
trap cleanup EXIT
openssl genrsa -out "$RUN/sa.pem" 2048 2>/dev/null ||
  die "openssl cannot make a key"
"$PY" - "$RUN/sa.pem" "$RUN/sa.json" <<'PY'
import json, os, sys
pem = open(sys.argv[1]).read()
with open(sys.argv[2], "w") as f:
    json.dump({"type": "service_account", "client_email": "kith@kith-bench.iam.gserviceaccount.com",
               "private_key_id": "bench", "private_key": pem}, f)
os.chmod(sys.argv[2], 0o600)
PY
"$PY" "$FAKE" --port 0 --port-file "$RUN/port" --service-account "$RUN/sa.json" \
  --scopes "https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/calendar.events.readonly" \
  --data "$WS" --max-seconds 3600 >/dev/null 2>&1 &
PID=$!
for _ in $(seq 600); do [ -s "$RUN/port" ] && break; sleep 0.1; done
[ -s "$RUN/port" ] || die "the test server did not start"
URL="http://127.0.0.1:$(cat "$RUN/port")"
admin() { curl -s -X "${2:-GET}" -H 'Content-Type: application/json' ${3:+--data "$3"} "$URL/__admin/$1"; }
requests() { admin requests | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'; admin requests/clear POST '{}' >/dev/null; }
# The CRM has more Users than the tenant has mailboxes: users names the tenant's.
WS_USERS=$("$PY" -c 'import json,sys; print(", ".join(u["email"] for u in json.load(open(sys.argv[1]))))' "$WS/users.json")
printf '[org]\ninternal_domains = corp.example\n\n[source ws]\ntype = google\nkey_file = %s\ndomains = corp.example\nusers = %s\n' \
  "$RUN/sa.json" "$WS_USERS" >"$RUN/kith.conf"
DB=$(fresh_store "$CRM" google)
run() { KITH_GOOGLE_BASE_URL=$URL measure "$1" "$KITH" --db "$DB" --config "$RUN/kith.conf" ingest --source ws; }
new() { sed -n 's/.*; \([0-9]*\) activities new.*/\1/p' "$BENCH_WORK/$1.out"; }

machine
run google-first
R1=$(requests)
echo "first pass: $(new google-first) activities new, $R1 requests, ${M_SECS} s ($(per "$(new google-first)" "$M_SECS") activities/s), peak RSS ${M_RSS_MB} MB"
run google-idle
R2=$(requests)
echo "incremental, nothing new: $(new google-idle) activities, $R2 requests for $USERS users, ${M_SECS} s"
for u in ${WS_USERS//,/}; do
  admin messages POST "{\"user\": \"$u\", \"raw\": \"Message-ID: <bench-$u>\\r\\nDate: $(date -u -R)\\r\\nFrom: Ann <ann@acme-bench.example>\\r\\nTo: $u\\r\\nSubject: new\\r\\n\\r\\nHello.\\r\\n\"}" >/dev/null
done
requests >/dev/null
run google-new
R3=$(requests)
echo "incremental, one new message per user: $(new google-new) activities new, $R3 requests, ${M_SECS} s"
