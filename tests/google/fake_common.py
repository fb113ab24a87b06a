"""fake_common.py - what the Google Workspace and Microsoft 365 test servers share.

JWT pieces and RS256/PS256 checks (with the openssl command), mail held as
real RFC 5322 bytes with its headers read once, the neutral data folder both
servers load (bench/gen_workspace.py writes it), recurring events expanded,
injected faults, the request log and the requests counted by kind (for
benchmarks), and the HTTP plumbing: a threaded server on 127.0.0.1 that
writes its port to a file and stops on SIGTERM.

Python 3.11 standard library only, plus the openssl command.
"""

import base64
import email.errors
import email.header
import email.parser
import email.policy
import email.utils
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 1024 * 1024   # bytes of one request body
MAX_LOG = 20000               # requests kept in the log
HEADER_BYTES = 256 * 1024     # a message's header is read from at most this much


# ---------------------------------------------------------------- encodings and times

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def opaque(obj):
    """An opaque token (page, sync, delta) carrying obj."""
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def unopaque(token):
    """The object inside a token made by opaque(), or None when it is not one."""
    try:
        obj = json.loads(b64url_decode(token))
    except (ValueError, UnicodeDecodeError):
        return None
    return obj if isinstance(obj, dict) else None


def now_ms():
    return int(time.time() * 1000)


def rfc3339(ms, frac=3):
    """2026-01-31T09:00:00.000Z (frac digits of the second; 0 for none)."""
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += ("." + "%07d" % (dt.microsecond * 10))[:frac + 1]
    return text + "Z"


def parse_time(text):
    """Milliseconds since the epoch from an ISO 8601 / RFC 3339 string, or None.
    A time without an offset is UTC."""
    if not isinstance(text, str) or not text:
        return None
    t = text.strip().replace("Z", "+00:00")
    m = re.match(r"^(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)$", t)
    if m:  # fromisoformat takes at most 6 fraction digits
        t = m.group(1) + "." + (m.group(2) + "000000")[:6] + m.group(3)
    try:
        dt = datetime.fromisoformat(t)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000)


# ---------------------------------------------------------------- JWT

class JwtError(Exception):
    pass


def split_jwt(token):
    """(header, claims, signing input, signature) of a compact JWS, or JwtError."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise JwtError("not three dot-separated parts")
    h64, c64, s64 = token.split(".")
    try:
        header = json.loads(b64url_decode(h64))
        claims = json.loads(b64url_decode(c64))
        signature = b64url_decode(s64)
    except (ValueError, UnicodeDecodeError) as e:
        raise JwtError("a part is not base64url JSON: %s" % e)
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JwtError("header or claims are not JSON objects")
    return header, claims, (h64 + "." + c64).encode(), signature


def verify_signature(public_pem, signing_input, signature, alg):
    """True when signature is a valid RS256 (PKCS#1 v1.5) or PS256 (PSS, salt of
    32 bytes, RFC 7518 3.5) signature of signing_input for the key in public_pem."""
    if alg not in ("RS256", "PS256") or not signature:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        data, sig = os.path.join(tmp, "data"), os.path.join(tmp, "sig")
        with open(data, "wb") as f:
            f.write(signing_input)
        with open(sig, "wb") as f:
            f.write(signature)
        cmd = ["openssl", "dgst", "-sha256", "-verify", public_pem, "-signature", sig]
        if alg == "PS256":
            cmd[3:3] = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]
        cmd.append(data)
        return subprocess.run(cmd, capture_output=True).returncode == 0


def certificate_facts(cert_pem, public_out):
    """Writes the certificate's public key to public_out; returns the base64url
    SHA-1 and SHA-256 thumbprints of its DER encoding (x5t and x5t#S256)."""
    der = subprocess.run(["openssl", "x509", "-in", cert_pem, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    pub = subprocess.run(["openssl", "x509", "-in", cert_pem, "-pubkey", "-noout"],
                         capture_output=True, check=True).stdout
    with open(public_out, "wb") as f:
        f.write(pub)
    return b64url(hashlib.sha1(der).digest()), b64url(hashlib.sha256(der).digest())


# ---------------------------------------------------------------- mail

_header_parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)


def decode_header_text(value):
    """A header value with RFC 2047 encoded words decoded, folding undone."""
    if value is None:
        return ""
    text = str(value)
    if "=?" not in text and text.isascii():  # no encoded word: the folding is all there is to undo
        return re.sub(r"\r?\n[ \t]+", " ", text) if "\n" in text else text
    try:
        text = str(email.header.make_header(email.header.decode_header(text)))
    except (email.errors.HeaderParseError, LookupError, UnicodeError, ValueError):
        text = str(value)
    return re.sub(r"\r?\n[ \t]+", " ", text)


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+"
_ADDR = r"[^<>\s\"(),;:@\\\[\]]+@[^<>\s\"(),;:@\\\[\]]+"
# One mailbox of a list in its plain shapes: "Name" <a@b>, Name <a@b>, <a@b>, a@b.
_MAILBOX = re.compile(r' *(?:(?:"(?P<q>[^"\\\r\n]*)"|(?P<n>%s(?: %s)*))? *<(?P<a>%s)>|(?P<b>%s)) *(?:,|$)'
                      % (_ATOM, _ATOM, _ADDR, _ADDR))


def _plain_addresses(value):
    """addresses() of a header whose mailboxes all have a plain shape, without
    the general parser (which a benchmark's hundred thousand messages make
    slow); None when any is of another shape."""
    if not value.isascii() or "\n" in value:
        return None
    out, pos = [], 0
    while pos < len(value):
        m = _MAILBOX.match(value, pos)
        if not m or m.end() == pos:
            return None
        name = m.group("q") if m.group("q") is not None else (m.group("n") or "")
        out.append((decode_header_text(name), m.group("a") or m.group("b")))
        pos = m.end()
    return out


def addresses(value):
    """[(display name, address)] of an address header, names decoded."""
    if not value:
        return []
    plain = _plain_addresses(str(value))
    if plain is not None:
        return plain
    out = []
    for name, addr in email.utils.getaddresses([str(value)]):
        if addr:
            out.append((decode_header_text(name), addr))
    return out


class Message:
    """One message: its bytes (in memory, or a file read when needed) and its
    header fields, read once. date_ms is the arrival time (Gmail's
    internalDate, Graph's receivedDateTime)."""

    def __init__(self, raw=None, path=None, date_ms=None):
        self._raw, self.path = raw, path
        head = raw[:HEADER_BYTES] if raw is not None else _read_head(path)
        self.headers = _header_parser.parsebytes(head)
        self.header_list = [(k, v) for k, v in self.headers.items()]
        sent = None
        if self.headers.get("Date"):
            try:
                dt = email.utils.parsedate_to_datetime(str(self.headers["Date"]))
                if dt.tzinfo is None:
                    dt = dt.replace(tzinfo=timezone.utc)
                sent = int(dt.timestamp() * 1000)
            except (TypeError, ValueError, IndexError, OverflowError):
                sent = None
        self.sent_ms = sent
        self.date_ms = date_ms if date_ms is not None else (sent if sent is not None else now_ms())
        self._parsed = None

    @property
    def raw(self):
        if self._raw is not None:
            return self._raw
        with open(self.path, "rb") as f:
            return f.read()

    def size(self):
        return len(self._raw) if self._raw is not None else os.path.getsize(self.path)

    def header(self, name):
        v = self.headers.get(name)
        return None if v is None else str(v)

    def parsed(self):
        """The whole message parsed (kept, it is asked for again)."""
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self.raw, policy=email.policy.compat32)
        return self._parsed

    def text_body(self):
        """(content type "text" or "html", the first text part that is no attachment)."""
        simple = self._simple_text()
        if simple is not None:
            return "text", simple
        fallback = None
        for part in self.parsed().walk():
            if part.is_multipart() or part.get_content_disposition() == "attachment":
                continue
            ctype = part.get_content_type()
            if ctype in ("text/plain", "text/html"):
                payload = part.get_payload(decode=True) or b""
                charset = part.get_content_charset() or "utf-8"
                try:
                    text = payload.decode(charset, errors="replace")
                except LookupError:
                    text = payload.decode("utf-8", errors="replace")
                if ctype == "text/plain":
                    return "text", text
                fallback = fallback or ("html", text)
        return fallback or ("text", "")

    def _simple_text(self):
        """The text of a message that is one text/plain part in 7bit or 8bit, read
        without parsing the whole message (what the parser would give); None for
        any other message."""
        ctype = self.header("Content-Type") or "text/plain"
        cte = (self.header("Content-Transfer-Encoding") or "7bit").strip().lower()
        if ctype.split(";")[0].strip().lower() != "text/plain" or cte not in ("7bit", "8bit") \
                or self.header("Content-Disposition") is not None:
            return None
        raw = self.raw
        m = re.search(rb"\r?\n\r?\n", raw)
        body = raw[m.end():] if m else b""
        cm = re.search(r'charset\s*=\s*"?([^";\s]+)', ctype, re.I)
        try:
            return body.decode(cm.group(1) if cm else "utf-8", errors="replace")
        except LookupError:
            return body.decode("utf-8", errors="replace")

    def has_attachments(self):
        return any(p.get_content_disposition() == "attachment" for p in self.parsed().walk())

    def thread_root(self):
        """The Message-ID a reply chain starts from: first References entry, else
        In-Reply-To, else its own Message-ID (None without any)."""
        refs = re.findall(r"<[^<>]+>", self.header("References") or "")
        if refs:
            return refs[0]
        irt = re.findall(r"<[^<>]+>", self.header("In-Reply-To") or "")
        if irt:
            return irt[0]
        return (self.header("Message-ID") or "").strip() or None


def _read_head(path):
    with open(path, "rb") as f:
        return f.read(HEADER_BYTES)


def snippet(text, n):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", text)).strip()[:n]


# ---------------------------------------------------------------- the neutral data folder

def load_data_dir(path):
    """Reads DIR/users.json ([{"email", "name", "mailbox"}]), DIR/mail/EMAIL/FOLDER/*.eml
    (FOLDER inbox or sent) and DIR/calendar/EMAIL.json ([neutral event]).
    Returns (users, {email: [(folder, eml path)]}, {email: [event]}); files in name order."""
    with open(os.path.join(path, "users.json"), encoding="utf-8") as f:
        users = json.load(f)
    mail, cal = {}, {}
    for u in users:
        addr = u["email"]
        for folder in ("inbox", "sent"):
            d = os.path.join(path, "mail", addr, folder)
            if os.path.isdir(d):
                for name in sorted(os.listdir(d)):
                    if name.endswith(".eml"):
                        mail.setdefault(addr, []).append((folder, os.path.join(d, name)))
        cf = os.path.join(path, "calendar", addr + ".json")
        if os.path.exists(cf):
            with open(cf, encoding="utf-8") as f:
                cal[addr] = json.load(f)
    return users, mail, cal


def check_event(ev):
    """The error in a neutral event, or None. A neutral event is
    {"uid", "summary", "start", "end" (RFC 3339), "organizer": {"email", "name"},
     "attendees": [{"email", "name", "response", "optional", "resource"}],
     "recurrence": "RRULE:FREQ=DAILY|WEEKLY;COUNT=n" (optional), "status"}."""
    if not isinstance(ev, dict) or not isinstance(ev.get("uid"), str) or not ev["uid"]:
        return "an event needs a uid"
    if parse_time(ev.get("start")) is None or parse_time(ev.get("end")) is None:
        return "event %s: start and end must be RFC 3339 times" % ev["uid"]
    if ev.get("recurrence") and recurrence_starts(ev) is None:
        return "event %s: only RRULE:FREQ=DAILY|WEEKLY;COUNT=n recurrences are supported" % ev["uid"]
    return None


def recurrence_starts(ev):
    """The start times (ms) of a neutral event's instances: one for a single
    event; FREQ=DAILY or WEEKLY with COUNT (and INTERVAL) for a recurring one.
    None for a rule this server does not expand."""
    start = parse_time(ev["start"])
    rule = ev.get("recurrence")
    if not rule:
        return [start]
    parts = dict(p.split("=", 1) for p in rule.replace("RRULE:", "").split(";") if "=" in p)
    step = {"DAILY": 1, "WEEKLY": 7}.get(parts.get("FREQ"))
    try:
        count, interval = int(parts.get("COUNT", "")), int(parts.get("INTERVAL", "1"))
    except ValueError:
        return None
    if step is None or not 0 < count <= 1000 or interval < 1 or set(parts) - {"FREQ", "COUNT", "INTERVAL"}:
        return None
    day = 86400 * 1000
    return [start + i * step * interval * day for i in range(count)]


def compact_utc(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ")


# ---------------------------------------------------------------- faults and the request log

class Faults:
    """Injected faults. A fault is {"method", "path_contains", "user", "after": N,
    "times": N, "then": {...}}: the first pending fault whose method, path substring
    and user (each optional) match a request applies, after letting `after`
    matching requests through, and is dropped after `times` uses (default 1)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, faults):
        if isinstance(faults, dict):
            faults = [faults]
        if not isinstance(faults, list) or not all(isinstance(f, dict) and isinstance(f.get("then"), dict)
                                                   for f in faults):
            raise ValueError("a fault is an object with a \"then\" object")
        with self.lock:
            for f in faults:
                g = dict(f)
                g.setdefault("times", 1)
                g.setdefault("after", 0)
                self.items.append(g)
            return [dict(f) for f in self.items]

    def take(self, method, path, user):
        with self.lock:
            for f in self.items:
                if f.get("method") and f["method"].upper() != method:
                    continue
                if f.get("path_contains") and f["path_contains"] not in path:
                    continue
                if f.get("user") and (user or "").lower() != f["user"].lower():
                    continue
                if f["after"] > 0:
                    f["after"] -= 1
                    return None
                f["times"] -= 1
                if f["times"] <= 0:
                    self.items.remove(f)
                return f["then"]
        return None

    def pending(self):
        with self.lock:
            return [dict(f) for f in self.items]

    def clear(self):
        with self.lock:
            self.items = []


class Counts:
    """Requests by kind, as the benchmarks read them: "requests" counts what
    came over the wire (a batch is one request, of kind "batch"), "calls"
    every API call, each inside a batch as its own kind (what a provider's
    quota counts). Kept whether the request log is on or off; cleared apart."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests, self.calls = {}, {}

    def request(self, kind):
        with self.lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1

    def call(self, kind):
        with self.lock:
            self.calls[kind] = self.calls.get(kind, 0) + 1

    def snapshot(self):
        with self.lock:
            return {"requests": dict(self.requests), "calls": dict(self.calls)}

    def clear(self):
        with self.lock:
            self.requests, self.calls = {}, {}


class RequestLog:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, entry):
        with self.lock:
            self.items.append(entry)
            del self.items[:-MAX_LOG]

    def all(self):
        with self.lock:
            return list(self.items)

    def clear(self):
        with self.lock:
            self.items = []


# ---------------------------------------------------------------- HTTP plumbing

class BadRequest(Exception):
    """A request the admin API refuses: 400 with {"error": message}."""


class Handler(BaseHTTPRequestHandler):
    """Shared request plumbing; a server subclasses it and defines route()."""

    protocol_version = "HTTP/1.1"
    server_version = "fake"
    # A reply's header and body go out in two writes: with Nagle's algorithm the
    # body waits for the client's delayed ACK of the header (40 ms on Linux) on
    # every kept-alive connection, which would time the wait, not the client.
    disable_nagle_algorithm = True
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    def _dispatch(self, method):
        self.closed = False
        try:
            self.body = self.read_body()
        except BadRequest as e:
            self.send_json(400, {"error": str(e)})
            return
        split = urllib.parse.urlsplit(self.path)
        self.url_path = urllib.parse.unquote(split.path)
        self.raw_query = split.query
        self.query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        try:
            self.route(method)
        except BrokenPipeError:
            pass

    def read_body(self):
        n = self.headers.get("Content-Length")
        if not n:
            return b""
        try:
            n = int(n)
        except ValueError:
            raise BadRequest("bad Content-Length")
        if n < 0 or n > MAX_BODY:
            raise BadRequest("body too large")
        return self.rfile.read(n)

    def q1(self, name, default=None):
        v = self.query.get(name)
        return v[-1] if v else default

    def json_body(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError as e:
            raise BadRequest("the body is not JSON: %s" % e)

    def form_body(self):
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError:
            return {}
        return {k: v[-1] for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items()}

    def send_bytes(self, status, body, ctype, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_bytes(status, body, "application/json; charset=UTF-8", headers)

    def apply_fault(self, fault, error_body):
        """Applies an injected fault's "then". Returns True when the request was
        answered (or dropped) by it. error_body(status, then) gives the body of a
        status reply."""
        if "delay" in fault:
            time.sleep(float(fault["delay"]))
            return False
        if fault.get("close"):
            self.close_connection = True
            self.closed = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return True
        status = int(fault.get("status", 500))
        headers = {}
        if fault.get("retry_after") is not None:
            headers["Retry-After"] = str(fault["retry_after"])
        self.send_json(status, fault.get("body") or error_body(status, fault), headers)
        return True


def serve(handler_class, args):
    """Serves on 127.0.0.1:args.port until SIGTERM/SIGINT or args.max_seconds."""
    handler_class.verbose = args.verbose
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_class)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    timer = threading.Timer(args.max_seconds, stop)
    timer.daemon = True
    timer.start()
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


def add_server_args(parser):
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--data", help="a data folder (users.json, mail/, calendar/) to load")
    parser.add_argument("--token-lifetime", type=int, default=3599, help="seconds an access token lives")
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--verbose", action="store_true")
