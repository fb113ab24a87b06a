#!/usr/bin/env bash
# bench_team.sh - times the team sources (type = google, type = microsoft) against their test servers on loopback.
# Usage: bench/bench_team.sh [google|microsoft|both] [USERS [MESSAGES [EVENTS]]]
#        bench/bench_team.sh [google|microsoft|both] --quick      (5 users x 200 messages, 20 events)
#   USERS     mailboxes read (default 50), MESSAGES each (default 2000; "2k" works), EVENTS each
#             (default MESSAGES / 10), from bench/gen_workspace.py
#   env CRM_CONTACTS (default 20000; accounts are a tenth): the CRM the tenant's people belong to
# For each provider: the first pass (messages a second, peak RSS and CPU of kith, CPU of the test
# server), the requests it made by kind, counted at the test server (round trips, and calls with
# each call inside a batch counted on its own), then a second pass with nothing new, which must
# make one cheap call per user and folder (the script fails loudly when it makes more), and a pass
# with one new outside message per user.
# The test servers run on 127.0.0.1 only and are stopped at the end.
set -u
. "$(dirname "$0")/lib.sh"
need_tools

WHICH=both
case "${1:-}" in google | microsoft | both) WHICH=$1; shift ;; esac
USERS=50
MSGS=2000
EVENTS=
if [ "${1:-}" = --quick ]; then
  USERS=5 MSGS=200 EVENTS=20
  shift
fi
[ $# -ge 1 ] && USERS=$(count "$1")
[ $# -ge 2 ] && MSGS=$(count "$2")
[ $# -ge 3 ] && EVENTS=$(count "$3")
EVENTS=${EVENTS:-$((MSGS / 10))}
CRM=$(count "${CRM_CONTACTS:-20000}")
FAKE_GOOGLE=${KITH_FAKE_GOOGLE:-$SRC_DIR/tests/google/fake_google.py}
FAKE_GRAPH=${KITH_FAKE_GRAPH:-$SRC_DIR/tests/microsoft/fake_graph.py}
GEN=${KITH_GEN_WORKSPACE:-$BENCH_DIR/gen_workspace.py}
TICK=$(getconf CLK_TCK)
TENANT=0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
CLIENT=5e6f7081-92a3-b4c5-d6e7-f8091a2b3c4d
# The tenant's mail and meetings are of 2025-12 to 2026-03 (gen_workspace.py): a start_date
# before them reads them all.
START_DATE=2025-11-01

WS="$BENCH_WORK/workspace-$USERS-$MSGS-$EVENTS-crm$CRM"
if [ ! -f "$WS/users.json" ]; then
  echo "bench: generating $USERS users x $MSGS messages and $EVENTS events -> $WS" >&2
  rm -rf "$WS.tmp"
  "$PY" "$GEN" --users "$USERS" --messages "$MSGS" --events "$EVENTS" \
    --accounts $((CRM / 10)) --contacts "$CRM" --out "$WS.tmp" >/dev/null 2>&1 && mv "$WS.tmp" "$WS" ||
    die "gen_workspace.py failed"
fi
# The CRM has more Users than the tenant has mailboxes: users names the tenant's.
WS_USERS=$("$PY" -c 'import json,sys; print(", ".join(u["email"] for u in json.load(open(sys.argv[1]))))' "$WS/users.json")
[ "$(echo "$WS_USERS" | tr ',' '\n' | wc -l)" = "$USERS" ] || die "$WS/users.json does not hold $USERS users"
# Messages whose sender is outside corp.example: those whose whole message kith may fetch.
OUTSIDE=$(grep -rL --include='*.eml' -E '^From: .*@corp\.example>' "$WS/mail" | wc -l)

RUN=$(mktemp -d /tmp/kith-bench-team.XXXXXX)
PID=
FAILED=0
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$RUN"; }
trap cleanup EXIT

# cpu PID -> seconds of CPU (user + system) the process has used
cpu() { awk -v t="$TICK" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"; }
# start_server CMD... : starts a test server loading the tenant; sets PID and URL, LOAD_SECS
start_server() {
  rm -f "$RUN/port"
  local t0 t1
  t0=$(date +%s%N)
  "$PY" "$@" --port 0 --port-file "$RUN/port" --data "$WS" --max-seconds 7200 >"$RUN/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 6000); do
    [ -s "$RUN/port" ] && break
    kill -0 "$PID" 2>/dev/null || die "the test server exited: $(tail -n 3 "$RUN/server.log")"
    sleep 0.1
  done
  [ -s "$RUN/port" ] || die "the test server did not start in 10 minutes"
  t1=$(date +%s%N)
  LOAD_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  URL="http://127.0.0.1:$(cat "$RUN/port")"
  # The request log keeps every request's headers and body; the counts are what is read here.
  admin settings POST '{"request_log": false}' >/dev/null
}
stop_server() {
  kill "$PID" 2>/dev/null
  wait "$PID" 2>/dev/null
  PID=
}
admin() { curl -sf -X "${2:-GET}" -H 'Content-Type: application/json' ${3:+--data "$3"} "$URL/__admin/$1"; }
# counts -> the test server's counts as JSON, cleared
counts() { admin counts; admin counts/clear POST '{}' >/dev/null; }
new() { sed -n 's/.*; \([0-9]*\) activities new.*/\1/p' "$BENCH_WORK/$1.out" | tail -n 1; }

# pass NAME : one `kith ingest --source ws`, with the CPU of kith and of the test server;
# sets M_* (lib.sh), SERVER_CPU, COUNTS
pass() {
  local c0 c1
  c0=$(cpu "$PID")
  measure "$1" env "$BASE_ENV=$URL" "$KITH" --db "$DB" --config "$RUN/kith.conf" ingest --source ws
  c1=$(cpu "$PID")
  SERVER_CPU=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", b - a }')
  COUNTS=$(counts)
  [ "$M_STATUS" = 0 ] || { echo "bench: FAILED: kith ingest exited with status $M_STATUS" >&2; FAILED=1; }
}

# report KIND PASS MESSAGES : prints the counts of a pass; for the second pass (idle) checks the
# calls per user and folder
report() {
  "$PY" - "$1" "$2" "$3" "$USERS" "$COUNTS" <<'PY'
import json, sys
kind, what, msgs, users, counts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
req, calls = counts["requests"], counts["calls"]
def line(d):
    total = sum(d.values())
    per = " (%.3f a message)" % (total / msgs) if msgs else ""
    return "%d%s: %s" % (total, per, ", ".join("%s %d" % kv for kv in sorted(d.items(), key=lambda kv: -kv[1])))
print("  requests (round trips): " + line(req))
if req.get("batch"):
    print("  calls (each in a batch counted): " + line(calls))
if what != "idle":
    sys.exit(0)
# One cheap call per user and folder: Gmail's history.list and Calendar's events.list; Graph's
# messages/delta of Inbox and Sent Items and calendarView/delta. Tokens apart: Google's
# domain-wide delegation grants one a user, Graph one for the tenant.
cheap = {"google": {"history": 1, "calendar": 1}, "microsoft": {"delta": 2, "calendar": 1}}[kind]
tokens = {"google": users, "microsoft": 1}[kind]
folders = sum(cheap.values())
other = {k: v for k, v in calls.items() if k != "token"}
per = sum(other.values()) / (users * folders)
bad = [k for k, v in other.items() if k not in cheap or v > cheap[k] * users]
print("  second pass: %.2f calls per user and folder (%d users x %d folders), %d tokens"
      % (per, users, folders, calls.get("token", 0)))
if bad or calls.get("token", 0) > tokens:
    print("bench: FAILED: a second pass with nothing new must make one cheap call per user and folder "
          "(%s) and at most %d tokens; it made %s" % (", ".join(sorted(cheap)), tokens,
                                                      json.dumps(calls, sort_keys=True)), file=sys.stderr)
    sys.exit(1)
PY
}

# one_provider KIND : the three passes against KIND's test server
one_provider() {
  local kind=$1 folders
  DB=$(fresh_store "$CRM" "team-$kind")
  if [ "$kind" = google ]; then
    BASE_ENV=KITH_GOOGLE_BASE_URL
    openssl genrsa -out "$RUN/sa.pem" 2048 2>/dev/null || die "openssl cannot make a key"
    "$PY" - "$RUN/sa.pem" "$RUN/sa.json" <<'PY'
import json, os, sys
pem = open(sys.argv[1]).read()
with open(sys.argv[2], "w") as f:
    json.dump({"type": "service_account", "client_email": "kith@kith-bench.iam.gserviceaccount.com",
               "private_key_id": "bench", "private_key": pem}, f)
os.chmod(sys.argv[2], 0o600)
PY
    start_server "$FAKE_GOOGLE" --service-account "$RUN/sa.json" \
      --scopes "https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/calendar.events.readonly"
    printf '[source ws]\ntype = google\nkey_file = %s\n' "$RUN/sa.json" >"$RUN/source.conf"
  else
    BASE_ENV=KITH_MICROSOFT_BASE_URL
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=kith-bench \
      -keyout "$RUN/app.key" -out "$RUN/app.crt" 2>/dev/null || die "openssl cannot make a certificate"
    cat "$RUN/app.key" "$RUN/app.crt" >"$RUN/app.pem"
    chmod 600 "$RUN/app.pem"
    start_server "$FAKE_GRAPH" --tenant "$TENANT" --client-id "$CLIENT" --certificate "$RUN/app.crt"
    printf '[source ws]\ntype = microsoft\ntenant = %s\nclient_id = %s\ncertificate_file = %s\n' \
      "$TENANT" "$CLIENT" "$RUN/app.pem" >"$RUN/source.conf"
  fi
  { printf '[org]\ninternal_domains = corp.example\n\n'; cat "$RUN/source.conf"
    printf 'domains = corp.example\nstart_date = %s\nusers = %s\n' "$START_DATE" "$WS_USERS"; } >"$RUN/kith.conf"
  echo "$kind: the test server loaded the tenant in $LOAD_SECS s, $(awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$PID/status") resident"

  local total=$((USERS * MSGS))
  pass "team-$kind-first"
  echo "$kind: first pass: $total messages and $((USERS * EVENTS)) events -> $(new "team-$kind-first") activities new;" \
    "$M_SECS s, $(per "$total" "$M_SECS") messages/s; kith peak RSS $M_RSS_MB MB, CPU $M_CPU s;" \
    "test server CPU $SERVER_CPU s"
  echo "  messages from outside (whole message may be fetched): $OUTSIDE of $total"
  report "$kind" first "$total" || FAILED=1

  pass "team-$kind-idle"
  echo "$kind: second pass, nothing new: $(new "team-$kind-idle") activities new; $M_SECS s; kith peak RSS $M_RSS_MB MB;" \
    "test server CPU $SERVER_CPU s"
  [ "$(new "team-$kind-idle")" = 0 ] || { echo "bench: FAILED: the second pass found new activities" >&2; FAILED=1; }
  report "$kind" idle 0 || FAILED=1

  local u date
  date=$(date -u -R)
  for u in ${WS_USERS//,/}; do
    if [ "$kind" = google ]; then
      admin messages POST "{\"user\": \"$u\", \"raw\": \"Message-ID: <bench-new-$u>\\r\\nDate: $date\\r\\nFrom: Ann <ann@acme-bench.example>\\r\\nTo: $u\\r\\nSubject: new\\r\\n\\r\\nHello.\\r\\n\"}" >/dev/null
    else
      admin messages POST "{\"user\": \"$u\", \"folder\": \"inbox\", \"raw\": \"Message-ID: <bench-new-$u>\\r\\nDate: $date\\r\\nFrom: Ann <ann@acme-bench.example>\\r\\nTo: $u\\r\\nSubject: new\\r\\n\\r\\nHello.\\r\\n\"}" >/dev/null
    fi
  done
  counts >/dev/null
  pass "team-$kind-new"
  echo "$kind: one new outside message per user: $(new "team-$kind-new") activities new; $M_SECS s; test server CPU $SERVER_CPU s"
  report "$kind" new "$USERS" || FAILED=1
  stop_server
}

machine
echo "tenant: $USERS users x $MSGS messages and $EVENTS events each ($WS); CRM of $CRM contacts"
case "$WHICH" in
  both) one_provider google; one_provider microsoft ;;
  *) one_provider "$WHICH" ;;
esac
[ "$FAILED" = 0 ] || { echo "bench: FAILED (see above)" >&2; exit 1; }
