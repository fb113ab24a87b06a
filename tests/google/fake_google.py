#!/usr/bin/env python3
"""fake_google.py - a local stand-in for Google's OAuth 2.0 token endpoint, the Gmail API and the Calendar API, for tests.

It holds the mailboxes and calendars of a Google Workspace domain in memory
and answers as Google's public documentation says those APIs answer (it is
no Google): a service account's JWT bearer grant with domain-wide delegation,
users.messages.list/get, users.history.list, users.getProfile, events.list
with page and sync tokens, and the documented errors (expired history 404,
expired sync token 410 GONE, 429 / 403 rate limits, a user without Gmail).
An unauthenticated admin API under /__admin/ adds mail and events, expires
tokens and history, and injects faults. README.md next to it says more.

  fake_google.py --port 0 --port-file PATH --public-key PEM --client-email SA
                 [--scopes "S1 S2"] [--data DIR] [--user EMAIL]... [--token-lifetime S]
                 [--max-seconds S] [--verbose]

Python 3.11 standard library only, plus the openssl command for RS256 checks.
"""

import argparse
import base64
import calendar
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_common as fc  # noqa: E402

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GMAIL_SCOPES = {"https://mail.google.com/", "https://www.googleapis.com/auth/gmail.modify",
                "https://www.googleapis.com/auth/gmail.readonly",
                "https://www.googleapis.com/auth/gmail.metadata"}
GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata"
CALENDAR_SCOPES = {"https://www.googleapis.com/auth/calendar",
                   "https://www.googleapis.com/auth/calendar.readonly",
                   "https://www.googleapis.com/auth/calendar.events",
                   "https://www.googleapis.com/auth/calendar.events.readonly"}
DEFAULT_DELEGATED = ["https://www.googleapis.com/auth/gmail.readonly",
                     "https://www.googleapis.com/auth/calendar.readonly"]
MAX_CLOCK_SKEW = 300           # seconds an iat may lie in the future
PST = -8 * 3600                # Gmail reads after:/before: dates as midnight PST
FOLDER_LABELS = {"inbox": ["INBOX"], "sent": ["SENT"]}
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


class ApiError(Exception):
    """An error reply in Google's JSON error format:
    {"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}.
    The Calendar API's documented bodies carry no "status" (status=None)."""

    def __init__(self, code, message, reason, domain="global", status="", headers=None):
        super().__init__(message)
        self.code, self.message, self.reason, self.domain = code, message, reason, domain
        self.status = STATUS_NAMES.get(code) if status == "" else status
        self.headers = headers or {}

    def body(self):
        err = {"code": self.code, "message": self.message,
               "errors": [{"message": self.message, "domain": self.domain, "reason": self.reason}]}
        if self.status:
            err["status"] = self.status
        return {"error": err}


class TokenError(Exception):
    """An OAuth 2.0 token endpoint error: {"error", "error_description"}."""

    def __init__(self, status, error, description):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def not_found():
    return ApiError(404, "Requested entity was not found.", "notFound")


def calendar_not_found():
    return ApiError(404, "Not Found", "notFound", status=None)


def rate_limit_error(status, then, is_cal):
    """The documented bodies of throttling and server errors, for injected faults.
    Gmail: https://developers.google.com/workspace/gmail/api/guides/handle-errors
    Calendar: https://developers.google.com/workspace/calendar/api/guides/errors"""
    reason = then.get("reason")
    st = "" if not is_cal else None
    if status == 429:
        if is_cal:
            return ApiError(429, "Rate Limit Exceeded", "rateLimitExceeded", "usageLimits", None)
        return ApiError(429, "Too many concurrent requests for user", reason or "rateLimitExceeded", "global")
    if status == 403:
        reason = reason or "rateLimitExceeded"
        msg = {"rateLimitExceeded": "Rate Limit Exceeded", "userRateLimitExceeded": "User Rate Limit Exceeded",
               "dailyLimitExceeded": "Daily Limit Exceeded"}.get(reason, "Forbidden")
        return ApiError(403, msg, reason, "usageLimits", st)
    if status == 401:
        return ApiError(401, "Invalid Credentials", "authError", status=st)
    if status >= 500:
        return ApiError(status, "Backend Error", "backendError", status=st)
    return ApiError(status, "Bad Request", "badRequest", status=st)


# ---------------------------------------------------------------- the domain's data

class Mailbox:
    """One Workspace user's Gmail mailbox and primary calendar."""

    def __init__(self, email, name="", mailbox=True, calendar=True):
        self.email, self.name = email.lower(), name
        self.mail_enabled, self.calendar_enabled = mailbox, calendar
        self.messages = {}        # id -> record
        self.history = []         # [{"id", "kind", "mid", "labels"}], ids ascending
        self.history_id = 4000    # this mailbox's current historyId
        self.history_floor = 0    # a startHistoryId below this is gone (404)
        self.threads = {}         # thread root Message-ID -> threadId
        self.events = {}          # event id -> {"ev", "seq", "created", "updated", "deleted"}
        self.cal_seq = 0
        self.cal_floor = 0        # a sync token below this is gone (410)


class State:
    def __init__(self, args):
        self.lock = threading.RLock()
        self.users = {}
        self.tokens = {}          # access token -> {"sub", "scopes", "exp"}
        self.faults = fc.Faults()
        self.log = fc.RequestLog()
        self.counts = fc.Counts()
        self.next_id = 0x18c2a00000000000
        self.public_key = args.public_key
        self.client_email = args.client_email
        self.key_id = None
        if args.service_account:
            self.read_service_account(args.service_account)
        self.settings = {"token_lifetime": args.token_lifetime,
                         "delegated_scopes": args.scopes.split() if args.scopes else list(DEFAULT_DELEGATED),
                         "latency": 0.0, "max_concurrent_per_user": None, "request_log": True}
        self.in_flight = {}       # user -> requests being answered

    def read_service_account(self, path):
        """Takes the service account (client_email, private_key_id, the public half
        of private_key) from its JSON key file, as the Cloud console writes it."""
        with open(path, encoding="utf-8") as f:
            key = json.load(f)
        if key.get("type") != "service_account" or not key.get("private_key") or not key.get("client_email"):
            raise SystemExit("fake_google: %s: not a service account key file" % path)
        self.keydir = tempfile.TemporaryDirectory()
        priv, pub = os.path.join(self.keydir.name, "sa.pem"), os.path.join(self.keydir.name, "sa.pub.pem")
        with open(priv, "w", encoding="utf-8") as f:
            f.write(key["private_key"])
        subprocess.run(["openssl", "pkey", "-in", priv, "-pubout", "-out", pub], check=True, capture_output=True)
        os.unlink(priv)
        self.public_key, self.client_email, self.key_id = pub, key["client_email"], key.get("private_key_id")

    def user(self, email):
        return self.users.get((email or "").lower())

    def add_user(self, email, name="", mailbox=True, calendar=True):
        with self.lock:
            u = self.user(email)
            if u is None:
                u = self.users[email.lower()] = Mailbox(email, name, mailbox, calendar)
            else:
                u.name, u.mail_enabled, u.calendar_enabled = name or u.name, mailbox, calendar
            return u

    # -- mail

    def add_message(self, user, msg, labels):
        """Adds a message (a fc.Message) to user's mailbox; one history record."""
        with self.lock:
            mid = "%016x" % self.next_id
            self.next_id += 1
            root = msg.thread_root()
            thread = user.threads.get(root) if root else None
            if thread is None:
                thread = mid
                if root:
                    user.threads[root] = mid
            user.history_id += 1
            rec = {"id": mid, "threadId": thread, "msg": msg, "labels": sorted(set(labels)),
                   "historyId": user.history_id, "added": user.history_id, "snippet": None}
            user.messages[mid] = rec
            user.history.append({"id": user.history_id, "kind": "messagesAdded", "mid": mid,
                                 "threadId": thread, "labels": rec["labels"]})
            return rec

    def delete_message(self, user, mid):
        with self.lock:
            rec = user.messages.pop(mid, None)
            if rec is None:
                return False
            user.history_id += 1
            user.history.append({"id": user.history_id, "kind": "messagesDeleted", "mid": mid,
                                 "threadId": rec["threadId"], "labels": rec["labels"]})
            return True

    def change_labels(self, user, mid, add, remove):
        with self.lock:
            rec = user.messages.get(mid)
            if rec is None:
                return False
            for kind, labels in (("labelsAdded", add), ("labelsRemoved", remove)):
                labels = [lab for lab in labels if (lab in rec["labels"]) == (kind == "labelsRemoved")]
                if not labels:
                    continue
                cur = set(rec["labels"])
                cur = cur | set(labels) if kind == "labelsAdded" else cur - set(labels)
                rec["labels"] = sorted(cur)
                user.history_id += 1
                rec["historyId"] = user.history_id
                user.history.append({"id": user.history_id, "kind": kind, "mid": mid,
                                     "threadId": rec["threadId"], "labels": sorted(labels),
                                     "now": rec["labels"]})
            return True

    def expire_history(self, user):
        """Every startHistoryId given out so far is gone; the current one is valid."""
        with self.lock:
            user.history_id += 1
            user.history_floor = user.history_id

    # -- calendar

    def put_event(self, user, ev):
        err = fc.check_event(ev)
        if err:
            raise fc.BadRequest(err)
        with self.lock:
            gid = event_id(ev["uid"])
            user.cal_seq += 1
            rec = user.events.get(gid)
            now = fc.now_ms()
            if rec is None:
                rec = user.events[gid] = {"created": now}
            rec.update({"ev": dict(ev), "seq": user.cal_seq, "updated": now,
                        "deleted": ev.get("status") == "cancelled"})
            return gid

    def delete_event(self, user, uid):
        with self.lock:
            rec = user.events.get(event_id(uid))
            if rec is None:
                return False
            user.cal_seq += 1
            rec.update({"seq": user.cal_seq, "updated": fc.now_ms(), "deleted": True})
            return True

    def expire_sync_tokens(self, user):
        with self.lock:
            user.cal_seq += 1
            user.cal_floor = user.cal_seq

    def load_data_dir(self, path):
        users, mail, cal = fc.load_data_dir(path)
        for u in users:
            self.add_user(u["email"], u.get("name", ""), u.get("mailbox", True), u.get("calendar", True))
        for addr, items in mail.items():
            user = self.user(addr)
            msgs = [(fc.Message(path=p), folder) for folder, p in items]
            msgs.sort(key=lambda m: m[0].date_ms)
            for msg, folder in msgs:
                self.add_message(user, msg, FOLDER_LABELS[folder])
        for addr, events in cal.items():
            for ev in events:
                self.put_event(self.user(addr), ev)


def event_id(uid):
    """A Calendar event id (base32hex, lower case) made from the iCalendar UID."""
    return base64.b32hexencode(hashlib.sha1(uid.encode()).digest()[:15]).decode().lower()


# ---------------------------------------------------------------- resource shapes

def gmail_part(part, part_id, mid):
    """A MessagePart of format=full: https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages#MessagePart"""
    out = {"partId": part_id, "mimeType": part.get_content_type(),
           "filename": fc.decode_header_text(part.get_filename()) if part.get_filename() else "",
           "headers": [{"name": k, "value": str(v)} for k, v in part.items()]}
    if part.is_multipart():
        out["body"] = {"size": 0}
        prefix = part_id + "." if part_id else ""
        out["parts"] = [gmail_part(p, prefix + str(i), mid) for i, p in enumerate(part.get_payload())]
    else:
        data = part.get_payload(decode=True) or b""
        if out["filename"] or part.get_content_disposition() == "attachment":
            aid = "ANGjdJ" + fc.b64url(hashlib.sha256((mid + "/" + part_id).encode()).digest())
            out["body"] = {"attachmentId": aid, "size": len(data)}
        else:
            out["body"] = {"size": len(data), "data": base64.urlsafe_b64encode(data).decode()}
    return out


def gmail_message(rec, fmt, metadata_headers):
    """A Message resource: https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages"""
    msg = rec["msg"]
    if rec["snippet"] is None:
        rec["snippet"] = fc.snippet(msg.text_body()[1], 200)
    out = {"id": rec["id"], "threadId": rec["threadId"], "labelIds": list(rec["labels"]),
           "snippet": rec["snippet"], "sizeEstimate": msg.size(),
           "historyId": str(rec["historyId"]), "internalDate": str(msg.date_ms)}
    if fmt == "raw":
        out["raw"] = base64.urlsafe_b64encode(msg.raw).decode()
    elif fmt == "metadata":
        wanted = {h.lower() for h in metadata_headers}
        out["payload"] = {"partId": "", "mimeType": msg.headers.get_content_type(), "filename": "",
                          "headers": [{"name": k, "value": str(v)} for k, v in msg.header_list
                                      if not wanted or k.lower() in wanted]}
    elif fmt == "full":
        out["payload"] = gmail_part(msg.parsed(), "", rec["id"])
    return out


def calendar_event(user, gid, rec, base, start=None):
    """An Event resource (or, start given, one instance of a recurring one):
    https://developers.google.com/workspace/calendar/api/v3/reference/events"""
    ev = rec["ev"]
    etag = '"%d"' % (3400000000000000 + rec["seq"])
    if rec["deleted"] and start is None:
        return {"kind": "calendar#event", "etag": etag, "id": gid, "status": "cancelled"}
    first = fc.parse_time(ev["start"])
    length = fc.parse_time(ev["end"]) - first
    s = first if start is None else start
    org = ev.get("organizer") or {"email": user.email}
    out = {"kind": "calendar#event", "etag": etag,
           "id": gid if start is None else "%s_%s" % (gid, fc.compact_utc(start)),
           "status": "cancelled" if rec["deleted"] else ev.get("status", "confirmed"),
           "htmlLink": "%s/calendar/event?eid=%s" % (base, fc.b64url(("%s %s" % (gid, user.email)).encode())),
           "created": fc.rfc3339(rec["created"]), "updated": fc.rfc3339(rec["updated"]),
           "summary": ev.get("summary", ""),
           "creator": {"email": org["email"]},
           "organizer": {"email": org["email"]},
           "start": {"dateTime": fc.rfc3339(s, 0), "timeZone": "UTC"},
           "end": {"dateTime": fc.rfc3339(s + length, 0), "timeZone": "UTC"},
           "iCalUID": ev["uid"], "sequence": int(ev.get("sequence", 0)),
           "reminders": {"useDefault": True}, "eventType": "default"}
    if org.get("name"):
        out["organizer"]["displayName"] = out["creator"]["displayName"] = org["name"]
    if org["email"].lower() == user.email:
        out["organizer"]["self"] = out["creator"]["self"] = True
    if ev.get("location"):
        out["location"] = ev["location"]
    if start is None and ev.get("recurrence"):
        out["recurrence"] = [ev["recurrence"]]
    if start is not None and ev.get("recurrence"):
        out["recurringEventId"] = gid
        out["originalStartTime"] = {"dateTime": fc.rfc3339(start, 0), "timeZone": "UTC"}
    attendees = []
    for a in ev.get("attendees") or []:
        item = {"email": a["email"]}
        if a.get("name"):
            item["displayName"] = a["name"]
        if a["email"].lower() == org["email"].lower():
            item["organizer"] = True
        if a["email"].lower() == user.email:
            item["self"] = True
        if a.get("resource"):
            item["resource"] = True
        if a.get("optional"):
            item["optional"] = True
        item["responseStatus"] = a.get("response", "needsAction")
        attendees.append(item)
    if attendees:
        out["attendees"] = attendees
    return out


# ---------------------------------------------------------------- Gmail search

def parse_query(q):
    """The Gmail search terms this server supports, as predicates on a record:
    after:/before: (epoch seconds or YYYY/MM/DD, midnight PST), in:/label:,
    from:/to:/subject: (substring), rfc822msgid:. Another term is a 400."""
    preds = []
    for term in q.split():
        neg = term.startswith("-")
        t = term[1:] if neg else term
        key, _, val = t.partition(":")
        key = key.lower()
        if key in ("after", "before", "older", "newer") and val:
            if re.fullmatch(r"\d+", val):
                ms = int(val) * 1000
            elif re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", val):
                y, m, d = (int(x) for x in val.split("/"))
                ms = (calendar.timegm((y, m, d, 0, 0, 0)) - PST) * 1000
            else:
                raise ApiError(400, "Invalid search query: %s" % term, "badRequest")
            if key in ("after", "newer"):
                p = (lambda ms: lambda r: r["msg"].date_ms > ms)(ms)
            else:
                p = (lambda ms: lambda r: r["msg"].date_ms < ms)(ms)
        elif key in ("in", "label") and val:
            lab = val.upper() if val.lower() in ("inbox", "sent", "spam", "trash", "draft", "chats",
                                                  "unread", "starred", "important") else val
            p = (lambda lab: lambda r: lab in r["labels"])(lab)
        elif key in ("from", "to", "subject", "cc") and val:
            p = (lambda h, v: lambda r: v.lower() in (r["msg"].header(h) or "").lower())(key, val)
        elif key == "rfc822msgid" and val:
            p = (lambda v: lambda r: (r["msg"].header("Message-ID") or "").strip("<> ") == v.strip("<>"))(val)
        else:
            raise ApiError(400, "fake_google supports only after:, before:, in:, label:, from:, to:, "
                           "cc:, subject: and rfc822msgid: search terms, not %s" % term, "badRequest")
        preds.append((lambda p: lambda r: not p(r))(p) if neg else p)
    return preds


BATCH_PATHS = ("/batch/gmail/v1", "/batch/calendar/v3", "/batch")


def call_kind(path, query):
    """What a benchmark counts a call as: token, profile, list, history,
    metadata, raw, full, minimal (messages.get by format), calendar, batch
    or other."""
    if path == "/token":
        return "token"
    if path in BATCH_PATHS:
        return "batch"
    if path.startswith("/calendar/"):
        return "calendar"
    rest = path.split("/")[5:] if path.startswith("/gmail/v1/users/") else None
    if rest == ["profile"]:
        return "profile"
    if rest == ["messages"]:
        return "list"
    if rest == ["history"]:
        return "history"
    if rest and len(rest) == 2 and rest[0] == "messages":
        fmt = (query.get("format") or ["full"])[-1].lower()
        return fmt if fmt in ("minimal", "full", "raw", "metadata") else "other"
    return "other"


def int_param(value, name, default, low, high):
    if value is None or value == "":
        return default
    try:
        n = int(value)
    except ValueError:
        raise ApiError(400, "Invalid value for %s: %s" % (name, value), "invalidArgument")
    return max(low, min(high, n))


def bool_param(value):
    return str(value).lower() == "true"


# ---------------------------------------------------------------- HTTP

class GoogleHandler(fc.Handler):
    state = None  # set in main()

    def base(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def route(self, method):
        st, path = self.state, self.url_path
        if path.startswith("/__admin/"):
            try:
                self.admin(method, path[len("/__admin/"):])
            except fc.BadRequest as e:
                self.send_json(400, {"error": str(e)})
            return
        if st.settings["request_log"]:
            st.log.add({"method": method, "path": self.path, "headers": dict(self.headers.items()),
                        "body": self.body.decode("utf-8", "replace")})
        st.counts.request(call_kind(path, self.query))
        if path == "/token":
            st.counts.call("token")
            fault = st.faults.take(method, self.path, None)
            if fault and self.apply_fault(fault, lambda s, t: {"error": "internal_failure",
                                                               "error_description": "Backend Error"}):
                return
            try:
                self.send_json(200, self.token(method))
            except TokenError as e:
                self.send_json(e.status, {"error": e.error, "error_description": e.description})
            return
        if path in ("/batch/gmail/v1", "/batch/calendar/v3", "/batch"):
            return self.batch(method)
        fault_close = []
        status, obj, headers = self.api_call(method, self.headers.get("Authorization", ""), self.path, fault_close)
        if fault_close:
            self.apply_fault({"close": True}, None)
        else:
            self.send_json(status, obj, headers)

    def api_call(self, method, authorization, full_path, closed):
        """One Gmail or Calendar call on self.url_path / self.query: (status, body, headers).
        A fault that drops the connection is reported by appending to closed."""
        st, path = self.state, self.url_path
        is_cal = path.startswith("/calendar/")
        st.counts.call(call_kind(path, self.query))
        try:
            auth = self.authenticate(is_cal, authorization)
            user = auth["sub"]
            fault = st.faults.take(method, full_path, user)
            if fault:
                if "delay" in fault:
                    time.sleep(float(fault["delay"]))
                elif fault.get("close"):
                    closed.append(True)
                    return 0, None, None
                else:
                    code = int(fault.get("status", 500))
                    headers = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") else {}
                    return code, fault.get("body") or rate_limit_error(code, fault, is_cal).body(), headers
            self.enter(user)
            try:
                if st.settings["latency"]:
                    time.sleep(st.settings["latency"])
                if method != "GET":
                    raise ApiError(405, "Method Not Allowed", "httpMethodNotAllowed")
                if path.startswith("/gmail/v1/users/"):
                    return 200, self.gmail(auth, path[len("/gmail/v1/users/"):].split("/")), None
                if is_cal:
                    return 200, self.calendar(auth, path), None
                raise ApiError(404, "Not Found", "notFound")
            finally:
                self.leave(user)
        except ApiError as e:
            return e.code, e.body(), e.headers

    def batch(self, method):
        """POST /batch/gmail/v1 (or /batch/calendar/v3): a multipart/mixed body of
        application/http parts, each one call, answered in one multipart/mixed reply
        in the same order with each part's Content-ID as response-ID; at most 100
        calls. A part without Authorization uses the outer request's.
        https://developers.google.com/workspace/gmail/api/guides/batch"""
        ctype = self.headers.get("Content-Type", "")
        m = re.search(r'boundary="?([^";]+)"?', ctype)
        if method != "POST" or not ctype.startswith("multipart/mixed") or not m:
            err = ApiError(400, "Batch requests must be multipart/mixed POSTs.", "badRequest")
            return self.send_json(400, err.body())
        delim = b"--" + m.group(1).encode()
        chunks = self.body.split(delim)[1:]
        parts = [c for c in chunks if not c.startswith(b"--")]
        if len(parts) > 100:
            err = ApiError(400, "Too many requests in batch (limit 100).", "badRequest")
            return self.send_json(400, err.body())
        out_boundary = "batch_" + secrets.token_hex(12)
        out = []
        for part in parts:
            head, _, inner = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
            cid = re.search(rb"(?im)^content-id:\s*(.+?)\s*$", head)
            req_head, _, _ = inner.partition(b"\r\n\r\n")
            lines = req_head.decode("utf-8", "replace").split("\r\n")
            try:
                m2 = re.fullmatch(r"(GET|POST|PUT|PATCH|DELETE) (\S+)(?: HTTP/1\.1)?", lines[0].strip())
                if not m2:
                    raise ValueError(lines[0])
                hdrs = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
                auth = next((v.strip() for k, v in hdrs.items() if k.strip().lower() == "authorization"),
                            self.headers.get("Authorization", ""))
                target = m2.group(2)
                split = urllib.parse.urlsplit(target)
                self.url_path = urllib.parse.unquote(split.path)
                self.query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
                status, obj, headers = self.api_call(m2.group(1), auth, target, [])
                if status == 0:
                    status, obj = 503, rate_limit_error(503, {}, False).body()
            except ValueError:
                status, obj, headers = 400, ApiError(400, "Bad Request", "badRequest").body(), None
            body = json.dumps(obj).encode()
            reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                      410: "Gone", 429: "Too Many Requests"}.get(status, "Error")
            piece = b"Content-Type: application/http\r\n"
            if cid:
                piece += b"Content-ID: <response-" + cid.group(1).strip(b"<>") + b">\r\n"
            piece += ("\r\nHTTP/1.1 %d %s\r\nContent-Type: application/json; charset=UTF-8\r\n" % (status, reason)).encode()
            for k, v in (headers or {}).items():
                piece += ("%s: %s\r\n" % (k, v)).encode()
            piece += ("Content-Length: %d\r\n\r\n" % len(body)).encode() + body + b"\r\n"
            out.append(b"--" + out_boundary.encode() + b"\r\n" + piece)
        payload = b"".join(out) + b"--" + out_boundary.encode() + b"--\r\n"
        self.send_bytes(200, payload, "multipart/mixed; boundary=" + out_boundary)

    def enter(self, user):
        """Counts a request in flight for user; over max_concurrent_per_user it is a 429."""
        st = self.state
        with st.lock:
            n = st.in_flight.get(user, 0) + 1
            st.in_flight[user] = n
        limit = st.settings["max_concurrent_per_user"]
        if limit is not None and n > limit:
            self.leave(user)
            raise ApiError(429, "Too many concurrent requests for user", "rateLimitExceeded")

    def leave(self, user):
        with self.state.lock:
            self.state.in_flight[user] -= 1

    # -- https://developers.google.com/identity/protocols/oauth2/service-account#httprest

    def token(self, method):
        """POST /token: the JWT bearer grant of a service account, with the user to
        act as in "sub" (domain-wide delegation). Reply: {"access_token",
        "expires_in", "token_type": "Bearer"}.
        https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
        https://developers.google.com/identity/protocols/oauth2/service-account#error-codes"""
        st = self.state
        if method != "POST":
            raise TokenError(405, "invalid_request", "Method not allowed")
        form = self.form_body()
        if form.get("grant_type") != JWT_BEARER:
            raise TokenError(400, "unsupported_grant_type", "Invalid grant_type: %s" % form.get("grant_type", ""))
        if not form.get("assertion"):
            raise TokenError(400, "invalid_request", "Missing required parameter: assertion")
        try:
            header, claims, signing_input, signature = fc.split_jwt(form["assertion"])
        except fc.JwtError:
            raise TokenError(400, "invalid_grant", "Invalid JWT Signature.")
        if claims.get("iss") != st.client_email:
            raise TokenError(400, "invalid_grant", "Invalid grant: account not found")
        if header.get("alg") != "RS256" or (st.key_id and header.get("kid") not in (None, st.key_id)) \
                or (st.public_key and not fc.verify_signature(
                st.public_key, signing_input, signature, "RS256")):
            raise TokenError(400, "invalid_grant", "Invalid JWT Signature.")
        if claims.get("aud") not in (GOOGLE_TOKEN_URI, self.base() + "/token"):
            raise TokenError(400, "invalid_grant", "Invalid JWT: Failed audience check.")
        iat, exp, now = claims.get("iat"), claims.get("exp"), time.time()
        if not isinstance(iat, int) or not isinstance(exp, int) or exp <= iat or exp - iat > 3600 \
                or exp < now or iat > now + MAX_CLOCK_SKEW:
            raise TokenError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) "
                             "and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
        scopes = (claims.get("scope") or "").split()
        if not scopes:
            raise TokenError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        sub = claims.get("sub")
        if sub is not None:
            if st.user(sub) is None:
                raise TokenError(400, "invalid_grant", "Invalid email or User ID")
            if not set(scopes) <= set(st.settings["delegated_scopes"]):
                raise TokenError(401, "unauthorized_client", "Client is unauthorized to retrieve access tokens "
                                 "using this method, or client not authorized for any of the scopes requested.")
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        lifetime = int(st.settings["token_lifetime"])
        with st.lock:
            st.tokens[token] = {"sub": (sub or st.client_email).lower(), "delegated": sub is not None,
                                "scopes": set(scopes), "exp": now + lifetime}
        return {"access_token": token, "expires_in": lifetime, "token_type": "Bearer"}

    def authenticate(self, is_cal, auth):
        """The token of an API call and its scopes (401 authError, 403 insufficientPermissions):
        https://developers.google.com/workspace/gmail/api/guides/handle-errors#resolve_a_401_error_invalid_credentials"""
        st = None if is_cal else ""
        if not auth.startswith("Bearer "):
            raise ApiError(401, "Request is missing required authentication credential. Expected OAuth 2 "
                           "access token, login cookie or other valid authentication credential.",
                           "required", status=st and "UNAUTHENTICATED",
                           headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
        with self.state.lock:
            tok = self.state.tokens.get(auth[7:].strip())
        if tok is None or tok["exp"] <= time.time():
            raise ApiError(401, "Invalid Credentials", "authError", status=st and "UNAUTHENTICATED",
                           headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", '
                                                        'error="invalid_token"'})
        if not tok["scopes"] & (CALENDAR_SCOPES if is_cal else GMAIL_SCOPES):
            raise ApiError(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                           status=st and "PERMISSION_DENIED")
        return tok

    # -- Gmail

    def mailbox(self, auth, user_id):
        """The mailbox userId names for this token: "me" or the token's own user.
        https://developers.google.com/workspace/gmail/api/guides/handle-errors"""
        st = self.state
        want = auth["sub"] if user_id == "me" else user_id.lower()
        if want != auth["sub"]:
            raise ApiError(403, "Delegation denied for %s" % auth["sub"], "forbidden")
        user = st.user(want)
        if user is None:  # the service account itself, without delegation: no mailbox
            raise ApiError(400, "Precondition check failed.", "failedPrecondition", status="FAILED_PRECONDITION")
        if not user.mail_enabled:
            raise ApiError(400, "Mail service not enabled", "failedPrecondition", status="FAILED_PRECONDITION")
        return user

    def gmail(self, auth, parts):
        if len(parts) < 2 or not parts[0]:
            raise ApiError(404, "Not Found", "notFound")
        user = self.mailbox(auth, parts[0])
        rest = parts[1:]
        if rest == ["profile"]:
            return self.gmail_profile(user)
        if rest == ["messages"]:
            return self.messages_list(auth, user)
        if len(rest) == 2 and rest[0] == "messages":
            return self.messages_get(auth, user, rest[1])
        if rest == ["history"]:
            return self.history_list(user)
        raise ApiError(404, "Not Found", "notFound")

    def gmail_profile(self, user):
        """users.getProfile: https://developers.google.com/workspace/gmail/api/reference/rest/v1/users/getProfile"""
        with self.state.lock:
            return {"emailAddress": user.email, "messagesTotal": len(user.messages),
                    "threadsTotal": len({r["threadId"] for r in user.messages.values()}),
                    "historyId": str(user.history_id)}

    def messages_list(self, auth, user):
        """users.messages.list, newest first, paged by nextPageToken:
        https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/list"""
        size = int_param(self.q1("maxResults"), "maxResults", 100, 1, 500)
        q = self.q1("q", "")
        if q and GMAIL_METADATA in auth["scopes"] and not auth["scopes"] & (GMAIL_SCOPES - {GMAIL_METADATA}):
            raise ApiError(403, "Metadata scope does not support 'q' parameter", "forbidden")
        labels = self.query.get("labelIds", []) + self.query.get("labelIds[]", [])
        spam = bool_param(self.q1("includeSpamTrash", "false"))
        preds = parse_query(q)
        token = self.q1("pageToken")
        with self.state.lock:
            if token:
                pt = fc.unopaque(token)
                if not pt or pt.get("k") != "m" or pt.get("q") != [q, labels, spam]:
                    raise ApiError(400, "Invalid pageToken", "invalidArgument")
                offset, bound = pt["o"], pt["b"]
            else:
                offset, bound = 0, user.history_id
            recs = [r for r in user.messages.values() if r["added"] <= bound
                    and all(lab in r["labels"] for lab in labels)
                    and (spam or not {"SPAM", "TRASH"} & set(r["labels"])) and all(p(r) for p in preds)]
        recs.sort(key=lambda r: (r["msg"].date_ms, r["id"]), reverse=True)
        page = recs[offset:offset + size]
        out = {"resultSizeEstimate": len(recs)}
        if page:
            out["messages"] = [{"id": r["id"], "threadId": r["threadId"]} for r in page]
        if offset + size < len(recs):
            out["nextPageToken"] = fc.opaque({"k": "m", "o": offset + size, "b": bound, "q": [q, labels, spam]})
        return out

    def messages_get(self, auth, user, mid):
        """users.messages.get with format minimal | full | raw | metadata (metadataHeaders):
        https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages/get
        https://developers.google.com/workspace/gmail/api/reference/rest/v1/Format"""
        fmt = self.q1("format", "full").lower()
        if fmt not in ("minimal", "full", "raw", "metadata"):
            raise ApiError(400, "Invalid value at 'format' (type.googleapis.com/google.apps.gmail.v1.Format), "
                           "\"%s\"" % self.q1("format"), "invalid")
        only_metadata = not auth["scopes"] & (GMAIL_SCOPES - {GMAIL_METADATA})
        if only_metadata and fmt in ("full", "raw"):
            raise ApiError(403, "Metadata scope doesn't allow format %s" % fmt.upper(), "forbidden")
        with self.state.lock:
            rec = user.messages.get(mid)
        if rec is None:
            raise not_found()
        headers = self.query.get("metadataHeaders", []) + self.query.get("metadataHeaders[]", [])
        return gmail_message(rec, fmt, headers)

    def history_list(self, user):
        """users.history.list: the changes after startHistoryId; a startHistoryId
        older than the mailbox keeps is 404 (then a full sync is needed).
        https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.history/list
        https://developers.google.com/workspace/gmail/api/guides/sync#partial_synchronization"""
        start = self.q1("startHistoryId")
        if start is None or start == "":
            raise ApiError(400, "Missing required field: startHistoryId", "invalidArgument")
        if not re.fullmatch(r"\d{1,20}", start):
            raise ApiError(400, "Invalid startHistoryId", "invalidArgument")
        start = int(start)
        size = int_param(self.q1("maxResults"), "maxResults", 100, 1, 500)
        types = set(self.query.get("historyTypes", []) + self.query.get("historyTypes[]", []))
        label = self.q1("labelId")
        token = self.q1("pageToken")
        with self.state.lock:
            if start < user.history_floor:
                raise not_found()
            if token:
                pt = fc.unopaque(token)
                if not pt or pt.get("k") != "h" or pt.get("s") != start:
                    raise ApiError(400, "Invalid pageToken", "invalidArgument")
                after, bound = pt["a"], pt["b"]
            else:
                after, bound = start, user.history_id
            kinds = {"messageAdded": "messagesAdded", "messageDeleted": "messagesDeleted",
                     "labelAdded": "labelsAdded", "labelRemoved": "labelsRemoved"}
            want = {kinds[t] for t in types if t in kinds} or set(kinds.values())
            records = [h for h in user.history if after < h["id"] <= bound and h["kind"] in want
                       and (not label or label in h.get("now", h["labels"]) or label in h["labels"])]
            current = user.history_id
        page, more = records[:size], len(records) > size
        out = {"historyId": str(current)}
        if page:
            out["history"] = []
            for h in page:
                ref = {"id": h["mid"], "threadId": h["threadId"]}
                item = {"id": str(h["id"]), "messages": [ref]}
                if h["kind"] in ("messagesAdded", "messagesDeleted"):
                    item[h["kind"]] = [{"message": dict(ref, labelIds=h["labels"])}]
                else:
                    item[h["kind"]] = [{"message": dict(ref, labelIds=h["now"]), "labelIds": h["labels"]}]
                out["history"].append(item)
        if more:
            out["nextPageToken"] = fc.opaque({"k": "h", "s": start, "a": page[-1]["id"], "b": bound})
        return out

    # -- Calendar

    def calendar(self, auth, path):
        """calendarList.list (the primary calendar) and events.list of the token's user:
        https://developers.google.com/workspace/calendar/api/v3/reference/calendarList/list"""
        if path == "/calendar/v3/users/me/calendarList":
            user = self.state.user(auth["sub"])
            if user is None or not user.calendar_enabled:
                return {"kind": "calendar#calendarList", "items": []}
            return {"kind": "calendar#calendarList", "etag": '"1"', "items": [
                {"kind": "calendar#calendarListEntry", "id": user.email, "summary": user.email,
                 "timeZone": "UTC", "accessRole": "owner", "primary": True}]}
        m = re.fullmatch(r"/calendar/v3/calendars/([^/]+)/events", path)
        if not m:
            raise ApiError(404, "Not Found", "notFound", status=None)
        cal_id = m.group(1).lower()
        user = self.state.user(auth["sub"] if cal_id == "primary" else cal_id)
        if user is None or user.email != auth["sub"] or not user.calendar_enabled:
            raise calendar_not_found()
        return self.events_list(user)

    def events_list(self, user):
        """events.list: a full listing (nextPageToken pages, nextSyncToken on the last
        page) or, with syncToken, what changed since (deleted events as
        status "cancelled"); an expired sync token is 410 fullSyncRequired.
        https://developers.google.com/workspace/calendar/api/v3/reference/events/list
        https://developers.google.com/workspace/calendar/api/guides/sync
        https://developers.google.com/workspace/calendar/api/guides/errors#410_gone"""
        sync = self.q1("syncToken")
        size = int_param(self.q1("maxResults"), "maxResults", 250, 1, 2500)
        single = bool_param(self.q1("singleEvents", "false"))
        order = self.q1("orderBy")
        show_deleted = bool_param(self.q1("showDeleted", "false"))
        tmin, tmax = self.q1("timeMin"), self.q1("timeMax")
        if order not in (None, "startTime", "updated"):
            raise ApiError(400, "Invalid value for orderBy: %s" % order, "invalid", status=None)
        if order == "startTime" and not single:
            raise ApiError(400, "The requested ordering is not available for the particular query.",
                           "badRequest", status=None)
        lo = fc.parse_time(tmin) if tmin else None
        hi = fc.parse_time(tmax) if tmax else None
        if (tmin and lo is None) or (tmax and hi is None):
            raise ApiError(400, "Bad Request", "badRequest", status=None)
        if lo is not None and hi is not None and hi <= lo:
            raise ApiError(400, "The specified time range is empty.", "timeRangeEmpty", "calendar", None)
        if sync and any(self.q1(p) for p in ("timeMin", "timeMax", "orderBy", "updatedMin", "iCalUID", "q")):
            raise ApiError(400, "The sync token cannot be used with timeMin, timeMax, orderBy, updatedMin, "
                           "iCalUID or q.", "badRequest", status=None)
        token = self.q1("pageToken")
        with self.state.lock:
            if token:
                pt = fc.unopaque(token)
                if not pt or pt.get("k") != "e" or pt.get("p") != [sync, single, order, tmin, tmax, show_deleted]:
                    raise ApiError(400, "Invalid page token", "invalid", status=None)
                offset, bound, since = pt["o"], pt["b"], pt["s"]
            else:
                offset, bound, since = 0, user.cal_seq, None
                if sync:
                    st = fc.unopaque(sync)
                    if not st or st.get("k") != "sync" or st.get("u") != user.email:
                        raise ApiError(400, "Invalid sync token value.", "invalid", status=None)
                    since = st["s"]
            if since is not None and since < user.cal_floor:
                raise ApiError(410, "Sync token is no longer valid, a full sync is required.",
                               "fullSyncRequired", status=None)
            items = self.event_items(user, since, bound, single, lo, hi, show_deleted, order)
        page = items[offset:offset + size]
        out = {"kind": "calendar#events", "etag": '"p%d"' % bound, "summary": user.email,
               "updated": fc.rfc3339(fc.now_ms()), "timeZone": "UTC", "accessRole": "owner",
               "defaultReminders": [], "items": page}
        if offset + size < len(items):
            out["nextPageToken"] = fc.opaque({"k": "e", "o": offset + size, "b": bound, "s": since,
                                              "p": [sync, single, order, tmin, tmax, show_deleted]})
        else:
            out["nextSyncToken"] = fc.opaque({"k": "sync", "u": user.email, "s": bound})
        return out

    def event_items(self, user, since, bound, single, lo, hi, show_deleted, order):
        base = self.base()
        out = []
        recs = sorted(user.events.items(), key=lambda kv: kv[1]["seq"])
        for gid, rec in recs:
            if rec["seq"] > bound and since is None:
                continue
            if since is not None and not since < rec["seq"] <= bound:
                continue
            if rec["deleted"] and since is None and not show_deleted:
                continue
            ev = rec["ev"]
            starts = fc.recurrence_starts(ev)
            length = fc.parse_time(ev["end"]) - fc.parse_time(ev["start"])
            in_window = [s for s in starts if (lo is None or s + length > lo) and (hi is None or s < hi)]
            if since is None and not in_window:
                continue
            if rec["deleted"] and since is not None and not (single and ev.get("recurrence")):
                out.append((starts[0], rec["updated"], calendar_event(user, gid, rec, base)))
            elif single and ev.get("recurrence"):
                for s in (in_window if since is None else starts):
                    out.append((s, rec["updated"], calendar_event(user, gid, rec, base, s)))
            else:
                out.append((starts[0], rec["updated"], calendar_event(user, gid, rec, base)))
        if order == "startTime":
            out.sort(key=lambda t: t[0])
        elif order == "updated":
            out.sort(key=lambda t: t[1])
        return [t[2] for t in out]

    # -- admin

    def admin(self, method, what):
        st = self.state
        body = self.json_body() if method == "POST" else None
        if method == "GET" and what == "requests":
            return self.send_json(200, st.log.all())
        if method == "GET" and what == "faults":
            return self.send_json(200, st.faults.pending())
        if method == "GET" and what == "counts":
            return self.send_json(200, st.counts.snapshot())
        if method == "GET" and what == "settings":
            return self.send_json(200, st.settings)
        if method == "GET" and what == "users":
            with st.lock:
                return self.send_json(200, [{"email": u.email, "name": u.name, "mailbox": u.mail_enabled,
                                             "calendar": u.calendar_enabled, "messages": len(u.messages),
                                             "events": len(u.events), "historyId": str(u.history_id)}
                                            for u in st.users.values()])
        if method != "POST":
            raise fc.BadRequest("unknown admin call %s %s" % (method, what))
        body = body if body is not None else {}
        if what == "users":
            for u in body.get("users", []):
                st.add_user(u["email"], u.get("name", ""), u.get("mailbox", True), u.get("calendar", True))
            return self.send_json(200, {"users": len(st.users)})
        if what in ("messages", "delete_message", "labels", "events", "delete_event",
                    "expire_history", "expire_sync_tokens"):
            return self.admin_user(what, body)
        if what == "expire_tokens":
            with st.lock:
                st.tokens.clear()
            return self.send_json(200, {})
        if what == "settings":
            unknown = set(body) - set(st.settings)
            if unknown:
                raise fc.BadRequest("unknown settings: %s" % ", ".join(sorted(unknown)))
            st.settings.update(body)
            return self.send_json(200, st.settings)
        if what == "faults":
            try:
                return self.send_json(200, st.faults.add(body))
            except ValueError as e:
                raise fc.BadRequest(str(e))
        if what == "faults/clear":
            st.faults.clear()
            return self.send_json(200, [])
        if what == "requests/clear":
            st.log.clear()
            return self.send_json(200, [])
        if what == "counts/clear":
            st.counts.clear()
            return self.send_json(200, {})
        if what == "reset":
            with st.lock:
                st.users.clear()
            st.faults.clear()
            st.log.clear()
            return self.send_json(200, {})
        if what == "load":
            st.load_data_dir(body["path"])
            return self.send_json(200, {"users": len(st.users)})
        raise fc.BadRequest("unknown admin call POST %s" % what)

    def admin_user(self, what, body):
        st = self.state
        users = [st.user(body["user"])] if body.get("user") else list(st.users.values())
        if not users or users[0] is None:
            raise fc.BadRequest("no such user: %s" % body.get("user"))
        user = users[0]
        if what == "messages":
            return self.send_json(200, {"messages": [
                {"id": r["id"], "threadId": r["threadId"], "historyId": str(r["historyId"])}
                for r in self.admin_add_messages(user, body)]})
        if what == "delete_message":
            if not st.delete_message(user, body.get("id")):
                raise fc.BadRequest("no such message: %s" % body.get("id"))
            return self.send_json(200, {"historyId": str(user.history_id)})
        if what == "labels":
            if not st.change_labels(user, body.get("id"), body.get("add", []), body.get("remove", [])):
                raise fc.BadRequest("no such message: %s" % body.get("id"))
            return self.send_json(200, {"historyId": str(user.history_id)})
        if what == "events":
            return self.send_json(200, {"ids": [st.put_event(user, ev) for ev in body.get("events", [])]})
        if what == "delete_event":
            if not st.delete_event(user, body.get("uid", "")):
                raise fc.BadRequest("no such event: %s" % body.get("uid"))
            return self.send_json(200, {})
        for u in users:
            (st.expire_history if what == "expire_history" else st.expire_sync_tokens)(u)
        return self.send_json(200, {})

    def admin_add_messages(self, user, body):
        """{"raw": text} or {"raw_base64": b64} or {"path": .eml file or folder of them},
        with optional "labelIds" (default ["INBOX"]) and "internalDate" (ms)."""
        labels = body.get("labelIds") or ["INBOX"]
        date = body.get("internalDate")
        msgs = []
        if "raw" in body or "raw_base64" in body:
            raw = body["raw"].encode() if "raw" in body else base64.b64decode(body["raw_base64"])
            msgs.append(fc.Message(raw=raw, date_ms=date))
        elif "path" in body:
            p = body["path"]
            files = [os.path.join(p, n) for n in sorted(os.listdir(p)) if n.endswith(".eml")] \
                if os.path.isdir(p) else [p]
            msgs = [fc.Message(path=f, date_ms=date) for f in files]
        else:
            raise fc.BadRequest("give raw, raw_base64 or path")
        return [self.state.add_message(user, m, labels) for m in msgs]


def main(argv=None):
    ap = argparse.ArgumentParser(description="A local Google OAuth 2.0 / Gmail / Calendar API for kith's tests.")
    fc.add_server_args(ap)
    ap.add_argument("--service-account", help="the service account's JSON key file (client_email, private_key, "
                                              "private_key_id); the server keeps only its public half")
    ap.add_argument("--public-key", help="PEM public key of the service account (RS256 checks); "
                                         "without it signatures are not checked")
    ap.add_argument("--client-email", default="kith@kith-test.iam.gserviceaccount.com",
                    help="the service account's client_email (the JWT's iss)")
    ap.add_argument("--scopes", help="the scopes delegated to the service account, space-separated "
                                     "(default gmail.readonly and calendar.readonly)")
    ap.add_argument("--user", action="append", default=[], help="a Workspace user to create (repeatable)")
    args = ap.parse_args(argv)
    state = State(args)
    for u in args.user:
        state.add_user(u)
    if args.data:
        state.load_data_dir(args.data)
    GoogleHandler.state = state
    return fc.serve(GoogleHandler, args)


if __name__ == "__main__":
    sys.exit(main())
