#!/usr/bin/env python3
"""fake_graph.py - a local stand-in for the Microsoft identity platform token endpoint and the Microsoft Graph mail and calendar calls, for tests.

It holds a Microsoft 365 tenant's mailboxes and calendars in memory and
answers as Microsoft's public documentation says (it is no Microsoft): the
client credentials grant with a client secret or a certificate's client
assertion (x5t = base64url SHA-1 thumbprint), messages/delta per mail folder
with $select and @odata.nextLink / @odata.deltaLink, messages/{id}/$value,
calendarView/delta, and the documented errors (410 syncStateNotFound, 429
with Retry-After, at most 4 concurrent requests per mailbox, a user without a
mailbox, an application access policy). An unauthenticated admin API under
/__admin/ adds mail and events, expires tokens and delta tokens, and injects
faults. README.md next to it says more.

  fake_graph.py --port 0 --port-file PATH --tenant GUID --client-id GUID
                [--client-secret S] [--certificate CERT.pem] [--roles "Mail.Read Calendars.Read"]
                [--data DIR] [--user EMAIL]... [--token-lifetime S] [--max-seconds S] [--verbose]

Python 3.11 standard library only, plus the openssl command for signature checks.
"""

import argparse
import base64
import concurrent.futures
import copy
import hashlib
import json
import os
import re
import secrets
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timezone

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "google"))
import fake_common as fc  # noqa: E402

LOGIN = "https://login.microsoftonline.com"
GRAPH_DEFAULT_SCOPES = ("https://graph.microsoft.com/.default", "00000003-0000-0000-c000-000000000000/.default")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAIL_ROLES = {"Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic.All"}
MAIL_CONTENT_ROLES = {"Mail.Read", "Mail.ReadWrite"}
CALENDAR_ROLES = {"Calendars.Read", "Calendars.ReadWrite", "Calendars.ReadBasic.All"}
WELL_KNOWN = {"inbox": "Inbox", "sentitems": "Sent Items", "archive": "Archive", "drafts": "Drafts",
              "deleteditems": "Deleted Items", "junkemail": "Junk Email"}
FOLDER_OF = {"inbox": "inbox", "sent": "sentitems"}
MESSAGE_PROPS = ["createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "receivedDateTime",
                 "sentDateTime", "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance",
                 "parentFolderId", "conversationId", "isDeliveryReceiptRequested", "isReadReceiptRequested",
                 "isRead", "isDraft", "webLink", "inferenceClassification", "body", "sender", "from",
                 "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "flag"]
SELECT_ONLY = ["internetMessageHeaders", "uniqueBody"]   # returned only when $select names them
RESPONSES = {"accepted": "accepted", "declined": "declined", "tentative": "tentativelyAccepted",
             "needsAction": "none"}


class GraphError(Exception):
    """A Graph error reply: {"error": {"code", "message", "innerError": {...}}}.
    https://learn.microsoft.com/en-us/graph/errors"""

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def body(self):
        rid = str(uuid.uuid4())
        return {"error": {"code": self.code, "message": self.message,
                          "innerError": {"date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
                                         "request-id": rid, "client-request-id": rid}}}


class TokenError(Exception):
    """A Microsoft identity platform token error, with its AADSTS code.
    https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes"""

    def __init__(self, status, error, code, description):
        super().__init__(description)
        self.status, self.error, self.code, self.description = status, error, code, description

    def body(self):
        trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
        prefix = "AADSTS%d: " % self.code if self.code else ""
        out = {"error": self.error,
               "error_description": "%s%s Trace ID: %s Correlation ID: %s Timestamp: %s"
                                    % (prefix, self.description, trace, corr, stamp),
               "error_codes": [self.code] if self.code else [], "timestamp": stamp,
               "trace_id": trace, "correlation_id": corr}
        if self.code:
            out["error_uri"] = LOGIN + "/error?code=%d" % self.code
        return out


def fault_error(status, then):
    """Bodies of injected throttling and server errors.
    https://learn.microsoft.com/en-us/graph/throttling"""
    if status == 429:
        return GraphError(429, "TooManyRequests", "Too many requests.").body()
    if status == 503:
        return GraphError(503, "ServiceNotAvailable", "Service unavailable.").body()
    if status == 504:
        return GraphError(504, "UnknownError", "Gateway timeout.").body()
    if status == 401:
        return GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.").body()
    return GraphError(status, "UnknownError", "").body()


class _Headers(dict):
    """Request headers of one request inside a batch (names in lower case)."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)


def guid_of(text):
    return str(uuid.UUID(bytes=hashlib.md5(text.encode()).digest()))


def graph_time(ms):
    return fc.rfc3339(ms, 0)


def event_time(ms):
    """dateTimeTimeZone.dateTime as Graph writes it: 2026-03-02T09:00:00.0000000 (with timeZone "UTC")."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.0000000")


def recipient(name, addr):
    return {"emailAddress": {"name": name or addr, "address": addr}}


# ---------------------------------------------------------------- the tenant's data

class User:
    def __init__(self, email, name="", mailbox=True):
        self.email, self.name, self.mailbox = email.lower(), name, mailbox
        self.id = guid_of("user:" + self.email)
        self.messages = {}        # id -> record (tombstones stay with "deleted": True)
        self.seq = 0
        self.floor = 0            # a delta token below this is gone (410)
        self.events = {}          # series id -> record
        self.threads = {}

    def folder_id(self, name):
        return "AQMkAD" + fc.b64url(("%s/%s" % (self.id, name)).encode()) + "AAA="

    def folder_name(self, ref):
        """The well-known folder name for a name or id, or None."""
        if ref.lower() in WELL_KNOWN:
            return ref.lower()
        for name in WELL_KNOWN:
            if self.folder_id(name) == ref:
                return name
        return None


class State:
    def __init__(self, args):
        self.lock = threading.RLock()
        self.tenant = args.tenant.lower()
        self.tenant_domains = {d.lower() for d in args.tenant_domain}
        self.client_id = args.client_id.lower()
        self.client_secret = args.client_secret
        self.public_key = self.x5t = self.x5t256 = None
        if args.certificate:
            self.keydir = tempfile.TemporaryDirectory()
            self.public_key = os.path.join(self.keydir.name, "cert.pub.pem")
            self.x5t, self.x5t256 = fc.certificate_facts(args.certificate, self.public_key)
        self.users = {}
        self.tokens = {}
        self.faults = fc.Faults()
        self.log = fc.RequestLog()
        self.counts = fc.Counts()
        self.in_flight = {}
        self.settings = {"token_lifetime": args.token_lifetime,
                         "roles": (args.roles or "Mail.Read Calendars.Read").split(),
                         "allowed_mailboxes": None, "max_concurrency": 4, "retry_after": 1,
                         "latency": 0.0, "default_page_size": 10, "request_log": True}

    def user(self, ref):
        ref = (ref or "").lower()
        u = self.users.get(ref)
        if u is None:
            u = next((x for x in self.users.values() if x.id == ref), None)
        return u

    def add_user(self, email, name="", mailbox=True):
        with self.lock:
            u = self.users.get(email.lower())
            if u is None:
                u = self.users[email.lower()] = User(email, name, mailbox)
            else:
                u.name, u.mailbox = name or u.name, mailbox
            return u

    def add_message(self, user, msg, folder):
        with self.lock:
            user.seq += 1
            mid = "AAMkAD" + fc.b64url(hashlib.sha256(("%s/%d" % (user.id, user.seq)).encode()).digest()) + "AAA="
            root = msg.thread_root()
            conv = user.threads.get(root) if root else None
            if conv is None:
                conv = "AAQkAD" + fc.b64url(hashlib.sha1((root or mid).encode()).digest()) + "="
                if root:
                    user.threads[root] = conv
            now = fc.now_ms()
            rec = {"id": mid, "msg": msg, "folder": folder, "seq": user.seq, "born": user.seq,
                   "created": now, "modified": now,
                   "isRead": False, "conversationId": conv, "deleted": False}
            user.messages[mid] = rec
            return rec

    def change_message(self, user, mid, delete=False, is_read=None):
        with self.lock:
            rec = user.messages.get(mid)
            if rec is None or rec["deleted"]:
                return False
            user.seq += 1
            rec["seq"], rec["modified"] = user.seq, fc.now_ms()
            if delete:
                rec["deleted"] = True
            if is_read is not None:
                rec["isRead"] = bool(is_read)
            return True

    def put_event(self, user, ev):
        err = fc.check_event(ev)
        if err:
            raise fc.BadRequest(err)
        with self.lock:
            sid = "AAMkAD" + fc.b64url(hashlib.sha1(("%s/%s" % (user.id, ev["uid"])).encode()).digest()) + "AAA="
            user.seq += 1
            rec = user.events.get(sid)
            now = fc.now_ms()
            if rec is None:
                rec = user.events[sid] = {"created": now}
            rec.update({"ev": dict(ev), "seq": user.seq, "updated": now, "deleted": False})
            return sid

    def delete_event(self, user, uid):
        with self.lock:
            for rec in user.events.values():
                if rec["ev"]["uid"] == uid and not rec["deleted"]:
                    user.seq += 1
                    rec.update({"seq": user.seq, "updated": fc.now_ms(), "deleted": True})
                    return True
            return False

    def expire_delta(self, user):
        with self.lock:
            user.seq += 1
            user.floor = user.seq

    def load_data_dir(self, path):
        users, mail, cal = fc.load_data_dir(path)
        for u in users:
            self.add_user(u["email"], u.get("name", ""), u.get("mailbox", True))
        for addr, items in mail.items():
            user = self.user(addr)
            msgs = sorted(((fc.Message(path=p), folder) for folder, p in items), key=lambda m: m[0].date_ms)
            for msg, folder in msgs:
                self.add_message(user, msg, FOLDER_OF[folder])
        for addr, events in cal.items():
            for ev in events:
                self.put_event(self.user(addr), ev)


# ---------------------------------------------------------------- resource shapes

def message_json(user, rec, select, base):
    """A message resource, every default property or those $select names:
    https://learn.microsoft.com/en-us/graph/api/resources/message"""
    msg = rec["msg"]
    out = {"@odata.type": "#microsoft.graph.message", "@odata.etag": 'W/"CQAAABYAAA%d"' % rec["seq"],
           "id": rec["id"]}
    props = select if select is not None else MESSAGE_PROPS
    body_cache = {}

    def body():
        if "b" not in body_cache:
            body_cache["b"] = msg.text_body()
        return body_cache["b"]

    def people(header):
        return [recipient(n, a) for n, a in fc.addresses(msg.header(header))]

    for p in props:
        if p == "createdDateTime":
            out[p] = graph_time(rec["created"])
        elif p == "lastModifiedDateTime":
            out[p] = graph_time(rec["modified"])
        elif p == "changeKey":
            out[p] = "CQAAABYAAA%d" % rec["seq"]
        elif p == "categories":
            out[p] = []
        elif p == "receivedDateTime":
            out[p] = graph_time(msg.date_ms)
        elif p == "sentDateTime":
            out[p] = graph_time(msg.sent_ms if msg.sent_ms is not None else msg.date_ms)
        elif p == "hasAttachments":
            out[p] = msg.has_attachments()
        elif p == "internetMessageId":
            out[p] = (msg.header("Message-ID") or "").strip() or None
        elif p == "subject":
            out[p] = fc.decode_header_text(msg.header("Subject")) if msg.header("Subject") is not None else None
        elif p == "bodyPreview":
            out[p] = fc.snippet(body()[1], 255)
        elif p == "importance":
            out[p] = "normal"
        elif p == "parentFolderId":
            out[p] = user.folder_id(rec["folder"])
        elif p == "conversationId":
            out[p] = rec["conversationId"]
        elif p in ("isDeliveryReceiptRequested", "isReadReceiptRequested", "isDraft"):
            out[p] = False
        elif p == "isRead":
            out[p] = rec["isRead"]
        elif p == "webLink":
            out[p] = "https://outlook.office365.com/owa/?ItemID=%s&exvsurl=1&viewmodel=ReadMessageItem" \
                % urllib.parse.quote(rec["id"], safe="")
        elif p == "inferenceClassification":
            out[p] = "focused"
        elif p in ("body", "uniqueBody"):
            out[p] = {"contentType": body()[0], "content": body()[1]}
        elif p in ("from", "sender"):
            who = people("From")
            out[p] = who[0] if who else None
        elif p == "toRecipients":
            out[p] = people("To")
        elif p == "ccRecipients":
            out[p] = people("Cc")
        elif p == "bccRecipients":
            out[p] = people("Bcc")
        elif p == "replyTo":
            out[p] = people("Reply-To")
        elif p == "flag":
            out[p] = {"flagStatus": "notFlagged"}
        elif p == "internetMessageHeaders":
            out[p] = [{"name": k, "value": fc.decode_header_text(v)} for k, v in msg.header_list]
    return out


def removed(kind, rid):
    return {"@odata.type": "#microsoft.graph." + kind, "id": rid, "@removed": {"reason": "deleted"}}


def event_json(user, sid, rec, start, base):
    """An event resource (one occurrence when the series recurs):
    https://learn.microsoft.com/en-us/graph/api/resources/event"""
    ev = rec["ev"]
    first = fc.parse_time(ev["start"])
    length = fc.parse_time(ev["end"]) - first
    recurring = bool(ev.get("recurrence"))
    eid = sid if not recurring else occurrence_id(sid, start)
    org = ev.get("organizer") or {"email": user.email}
    is_org = org["email"].lower() == user.email
    mine = next((a for a in ev.get("attendees") or [] if a["email"].lower() == user.email), None)
    return {"@odata.type": "#microsoft.graph.event", "@odata.etag": 'W/"DwAAABYAAA%d"' % rec["seq"],
            "id": eid, "createdDateTime": graph_time(rec["created"]),
            "lastModifiedDateTime": graph_time(rec["updated"]), "changeKey": "DwAAABYAAA%d" % rec["seq"],
            "categories": [], "originalStartTimeZone": "UTC", "originalEndTimeZone": "UTC",
            "iCalUId": occurrence_ical_uid(ev["uid"], start) if recurring else ev["uid"],
            "uid": ev["uid"], "reminderMinutesBeforeStart": 15, "isReminderOn": True,
            "hasAttachments": False, "subject": ev.get("summary", ""), "bodyPreview": "",
            "importance": "normal", "sensitivity": "normal", "isAllDay": False,
            "isCancelled": ev.get("status") == "cancelled", "isOrganizer": is_org, "responseRequested": True,
            "seriesMasterId": sid if recurring else None, "showAs": "busy",
            "type": "occurrence" if recurring else "singleInstance",
            "webLink": "https://outlook.office365.com/owa/?itemid=%s&exvsurl=1&path=/calendar/item"
                       % urllib.parse.quote(eid, safe=""),
            "isOnlineMeeting": False, "onlineMeeting": None,
            "responseStatus": {"response": "organizer" if is_org else
                               RESPONSES.get((mine or {}).get("response", "needsAction"), "none"),
                               "time": "0001-01-01T00:00:00Z"},
            "body": {"contentType": "html", "content": ""},
            "start": {"dateTime": event_time(start), "timeZone": "UTC"},
            "end": {"dateTime": event_time(start + length), "timeZone": "UTC"},
            "location": {"displayName": ev.get("location", ""), "locationType": "default"},
            "locations": [],
            "attendees": [{"type": "resource" if a.get("resource") else "optional" if a.get("optional")
                           else "required",
                           "status": {"response": RESPONSES.get(a.get("response", "needsAction"), "none"),
                                      "time": "0001-01-01T00:00:00Z"},
                           "emailAddress": {"name": a.get("name") or a["email"], "address": a["email"]}}
                          for a in ev.get("attendees") or []],
            "organizer": {"emailAddress": {"name": org.get("name") or org["email"], "address": org["email"]}}}


def occurrence_ical_uid(uid, start):
    """iCalUId is "different for each occurrence in a recurring series", where
    uid is "the same for the series master and all of its occurrences" (the
    event resource's page): the global object id's form, with the
    occurrence's date in bytes 16-19 as Outlook writes it."""
    day = datetime.fromtimestamp(start / 1000, tz=timezone.utc)
    return ("040000008200E00074C5B7101A82E008%04X%02X%02X" % (day.year, day.month, day.day)
            + hashlib.sha1(uid.encode()).hexdigest().upper()[:40])


def occurrence_id(sid, start):
    return "AAMkAD" + fc.b64url(hashlib.sha1(("%s/%d" % (sid, start)).encode()).digest()) + "AAA="


def parse_select(text, kind="message"):
    """$select: property names (any case) of the message resource; id always comes."""
    if text is None:
        return None
    known = {p.lower(): p for p in MESSAGE_PROPS + SELECT_ONLY + ["id"]}
    out = []
    for name in (n.strip() for n in text.split(",")):
        if not name:
            continue
        if name.lower() not in known:
            raise GraphError(400, "RequestBroker--ParseUri",
                             "Could not find a property named '%s' on type 'microsoft.graph.%s'." % (name, kind))
        if known[name.lower()] != "id":
            out.append(known[name.lower()])
    return out


def parse_filter(text):
    """The one $filter messages/delta takes: receivedDateTime ge|gt TIME.
    https://learn.microsoft.com/en-us/graph/api/message-delta#query-parameters"""
    if not text:
        return None
    m = re.fullmatch(r"\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*", text, re.I)
    ms = fc.parse_time(m.group(2)) if m else None
    if ms is None:
        raise GraphError(400, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")
    return [m.group(1).lower(), ms]


def call_kind(path):
    """What a benchmark counts a call as: token, delta (a page of
    messages/delta), value (a message's MIME content), message (one message's
    properties), calendar (a page of calendarView/delta), folders, user,
    batch or other."""
    if re.fullmatch(r"/[^/]+/oauth2/v2\.0/token", path):
        return "token"
    if path == "/v1.0/$batch":
        return "batch"
    rest = [p.lower() for p in re.sub(r"mailFolders\('([^']*)'\)", r"mailFolders/\1", path,
                                      flags=re.I).strip("/").split("/")[3:]] \
        if path.lower().startswith("/v1.0/users/") else None
    if rest is None:
        return "other"
    if not rest:
        return "user"
    if rest == ["mailfolders"]:
        return "folders"
    if len(rest) == 4 and rest[0] == "mailfolders" and rest[2:] == ["messages", "delta"]:
        return "delta"
    if len(rest) in (2, 3) and rest[0] == "messages":
        return "value" if rest[2:] == ["$value"] else "message"
    if rest == ["calendarview", "delta"]:
        return "calendar"
    return "other"


# ---------------------------------------------------------------- HTTP

class GraphHandler(fc.Handler):
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
        st.counts.request(call_kind(path))
        m = re.fullmatch(r"/([^/]+)/oauth2/v2\.0/token", path)
        if m:
            st.counts.call("token")
            fault = st.faults.take(method, self.path, None)
            if fault and self.apply_fault(fault, lambda s, t: TokenError(s, "temporarily_unavailable", 0,
                                                                          "Service unavailable.").body()):
                return
            try:
                self.send_json(200, self.token(method, m.group(1)))
            except TokenError as e:
                self.send_json(e.status, e.body())
            return
        if path == "/v1.0/$batch":
            return self.batch(method)
        self.graph_call(method)

    def graph_call(self, method):
        path = self.url_path
        self.state.counts.call(call_kind(path))
        try:
            if not path.startswith("/v1.0/"):
                raise GraphError(400, "BadRequest", "Invalid version: %s" % path.split("/")[1])
            self.graph(method, re.sub(r"mailFolders\('([^']*)'\)", r"mailFolders/\1", path[len("/v1.0"):],
                                      flags=re.I))
        except GraphError as e:
            self.send_json(e.status, e.body(), e.headers)

    def batch(self, method):
        """POST /v1.0/$batch: {"requests": [{"id", "method", "url", "headers", "dependsOn"}]},
        at most 20; replies {"responses": [{"id", "status", "headers", "body"}]}, a
        body that is not JSON in base64. Graph runs up to four requests of a batch
        at once (in order, when any names dependsOn), so the mailbox concurrency
        limit applies inside a batch too.
        https://learn.microsoft.com/en-us/graph/json-batching"""
        try:
            self.authenticate()
            body = self.json_body() if method == "POST" else None
            reqs = body.get("requests") if isinstance(body, dict) else None
            if not isinstance(reqs, list) or not all(isinstance(r, dict) and r.get("id") and r.get("url")
                                                     for r in reqs):
                raise GraphError(400, "BadRequest", "Invalid batch payload format.")
            if len(reqs) > 20:
                raise GraphError(400, "BadRequest", "Batch request cannot exceed 20 requests.")
        except fc.BadRequest:
            return self.send_json(400, GraphError(400, "BadRequest", "Invalid batch payload format.").body())
        except GraphError as e:
            return self.send_json(e.status, e.body(), e.headers)
        ordered = any(r.get("dependsOn") for r in reqs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1 if ordered else 4) as pool:
            results = list(pool.map(self.batch_one, reqs))
        self.send_json(200, {"responses": results})

    def batch_one(self, req):
        sub = copy.copy(self)
        got = {}

        def send_bytes(status, body, ctype, headers=None):
            got.update(status=status, body=body, ctype=ctype, headers=dict(headers or {}))

        def apply_fault(fault, error_body):
            if fault.get("close"):
                fault = {"status": 503}
            return fc.Handler.apply_fault(sub, fault, error_body)

        sub.send_bytes = send_bytes
        sub.send_json = lambda status, obj, headers=None: send_bytes(
            status, json.dumps(obj).encode(), "application/json", headers)
        sub.apply_fault = apply_fault
        hdrs = {"authorization": self.headers.get("Authorization", "")}
        hdrs.update({k.lower(): v for k, v in (req.get("headers") or {}).items()})
        sub.headers = _Headers(hdrs)
        url = req["url"] if req["url"].startswith("/") else "/" + req["url"]
        sub.path = "/v1.0" + url
        split = urllib.parse.urlsplit(sub.path)
        sub.url_path = urllib.parse.unquote(split.path)
        sub.query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        sub.graph_call(str(req.get("method", "GET")).upper())
        headers = dict(got["headers"], **{"Content-Type": got["ctype"]})
        if got["ctype"].startswith("application/json"):
            body = json.loads(got["body"])
        else:
            body = base64.b64encode(got["body"]).decode()
        return {"id": req["id"], "status": got["status"], "headers": headers, "body": body}

    # -- https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow

    def token(self, method, tenant):
        """POST /{tenant}/oauth2/v2.0/token, grant_type=client_credentials with
        scope https://graph.microsoft.com/.default and client_secret or a
        certificate's client_assertion.
        https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
        https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials"""
        st = self.state
        if method != "POST":
            raise TokenError(405, "invalid_request", 0, "The token endpoint takes POST only.")
        if tenant.lower() != st.tenant and tenant.lower() not in st.tenant_domains:
            raise TokenError(400, "invalid_request", 90002, "Tenant '%s' not found. Check to make sure you have "
                             "the correct tenant ID and are signing into the correct cloud." % tenant)
        form = self.form_body()
        if form.get("grant_type") != "client_credentials":
            raise TokenError(400, "unsupported_grant_type", 70003,
                             "The app requested an unsupported grant type '%s'." % form.get("grant_type", ""))
        client = (form.get("client_id") or "").lower()
        if client != st.client_id:
            raise TokenError(400, "unauthorized_client", 700016, "Application with identifier '%s' was not found "
                             "in the directory '%s'." % (form.get("client_id", ""), tenant))
        scope = form.get("scope")
        if not scope:
            raise TokenError(400, "invalid_request", 900144,
                             "The request body must contain the following parameter: 'scope'.")
        if scope not in GRAPH_DEFAULT_SCOPES:
            raise TokenError(400, "invalid_scope", 1002012, "The provided value for scope %s is not valid. Client "
                             "credential flows must have a scope value with /.default suffixed to the resource "
                             "identifier (application ID URI)." % scope)
        if "client_assertion" in form:
            self.check_assertion(form, tenant)
        elif "client_secret" in form:
            if st.client_secret is None or not secrets.compare_digest(form["client_secret"], st.client_secret):
                raise TokenError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret "
                                 "being sent in the request is the client secret value, not the client secret "
                                 "ID, for a secret added to app '%s'." % st.client_id)
        else:
            raise TokenError(401, "invalid_client", 7000218, "The request body must contain the following "
                             "parameter: 'client_assertion' or 'client_secret'.")
        token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-" + secrets.token_urlsafe(32)
        lifetime = int(st.settings["token_lifetime"])
        with st.lock:
            st.tokens[token] = {"exp": time.time() + lifetime}
        return {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime,
                "access_token": token}

    def check_assertion(self, form, tenant):
        """The client assertion of certificate-credentials: header alg RS256 with
        x5t (SHA-1 thumbprint) or PS256 with x5t#S256; claims aud (this token
        endpoint), iss = sub = client_id, jti, nbf, exp."""
        st = self.state
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise TokenError(400, "invalid_request", 0, "client_assertion_type must be %s." % ASSERTION_TYPE)
        try:
            header, claims, signing_input, signature = fc.split_jwt(form["client_assertion"])
        except fc.JwtError:
            raise TokenError(401, "invalid_client", 50027, "JWT token is invalid or malformed.")
        alg = header.get("alg")
        thumb = header.get("x5t") if alg == "RS256" else header.get("x5t#S256") if alg == "PS256" else None
        if st.public_key is None or thumb is None or thumb != (st.x5t if alg == "RS256" else st.x5t256):
            raise TokenError(401, "invalid_client", 700027, "Client assertion contains an invalid signature. "
                             "[Reason - The key was not found., Thumbprint of key used by client: '%s']"
                             % (thumb or ""))
        if not fc.verify_signature(st.public_key, signing_input, signature, alg):
            raise TokenError(401, "invalid_client", 700027, "Client assertion contains an invalid signature. "
                             "[Reason - The provided signature value did not match the expected signature "
                             "value., Thumbprint of key used by client: '%s']" % thumb)
        if str(claims.get("iss", "")).lower() != st.client_id or str(claims.get("sub", "")).lower() != st.client_id:
            raise TokenError(401, "invalid_client", 700021, "Client assertion application identifier doesn't "
                             "match 'client_id' parameter.")
        auds = {"%s/%s/oauth2/v2.0/token" % (b, t) for b in (LOGIN, self.base())
                for t in {tenant, st.tenant} | st.tenant_domains}
        if claims.get("aud") not in auds:
            raise TokenError(401, "invalid_client", 50012, "Client assertion audience claim does not match "
                             "Realm issuer.")
        if not claims.get("jti"):
            raise TokenError(401, "invalid_client", 50027, "JWT token is invalid or malformed.")
        now, nbf, exp = time.time(), claims.get("nbf", 0), claims.get("exp")
        if not isinstance(exp, (int, float)) or not isinstance(nbf, (int, float)) or not nbf - 300 <= now < exp:
            raise TokenError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.")

    # -- Graph

    def authenticate(self):
        """The bearer token of a Graph call (401 InvalidAuthenticationToken):
        https://learn.microsoft.com/en-us/graph/errors"""
        auth = self.headers.get("Authorization", "")
        hdr = {"WWW-Authenticate": 'Bearer realm="", authorization_uri="%s/common/oauth2/authorize", '
                                   'client_id="00000003-0000-0000-c000-000000000000"' % LOGIN}
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.", hdr)
        with self.state.lock:
            tok = self.state.tokens.get(auth[7:].strip())
        if tok is None:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.", hdr)
        if tok["exp"] <= time.time():
            raise GraphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.",
                             hdr)

    def mailbox_user(self, ref, roles):
        """The user {id | userPrincipalName}, checked for the app's roles, the
        application access policy and an existing mailbox.
        https://learn.microsoft.com/en-us/graph/permissions-reference
        https://learn.microsoft.com/en-us/graph/auth-limit-mailbox-access"""
        st = self.state
        if not set(st.settings["roles"]) & roles:
            raise GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        user = st.user(urllib.parse.unquote(ref))
        if user is None:
            raise GraphError(404, "ErrorInvalidUser", "The requested user '%s' is invalid." % ref)
        allowed = st.settings["allowed_mailboxes"]
        if allowed is not None and user.email not in {a.lower() for a in allowed}:
            raise GraphError(403, "ErrorAccessDenied", "Access to OData is disabled: [RAOP] : Blocked by tenant "
                             "configured AppOnly AccessPolicy settings.")
        if user.mailbox == "not_enabled":
            raise GraphError(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, "
                             "or is hosted on-premise.")
        if user.mailbox == "not_found" or user.mailbox is False:
            raise GraphError(404, "ResourceNotFound", "Resource could not be discovered.")
        return user

    def graph(self, method, path):
        st = self.state
        self.authenticate()
        parts = path.strip("/").split("/")
        if len(parts) < 2 or parts[0].lower() != "users":
            raise GraphError(400, "BadRequest", "Resource not found for the segment '%s'." % parts[0])
        user_ref = parts[1]
        fault_user = st.user(urllib.parse.unquote(user_ref))
        fault = st.faults.take(method, self.path, fault_user.email if fault_user else None)
        if fault:
            if fault.get("status") == 429 and fault.get("retry_after") is None:
                fault = dict(fault, retry_after=st.settings["retry_after"])
            if self.apply_fault(fault, fault_error):
                return
        if method != "GET":
            raise GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
        rest = [p.lower() for p in parts[2:]]
        if not rest:  # https://learn.microsoft.com/en-us/graph/api/user-get
            user = st.user(urllib.parse.unquote(user_ref))
            if user is None:
                raise GraphError(404, "Request_ResourceNotFound", "Resource '%s' does not exist or one of its "
                                 "queried reference-property objects are not present." % user_ref)
            return self.send_json(200, {"@odata.context": self.base() + "/v1.0/$metadata#users/$entity",
                                        "id": user.id, "displayName": user.name or user.email,
                                        "mail": user.email, "userPrincipalName": user.email})
        is_cal = rest[0] in ("calendarview", "calendar", "events")
        user = self.mailbox_user(user_ref, CALENDAR_ROLES if is_cal else MAIL_ROLES)
        self.enter(user)
        try:
            if st.settings["latency"]:
                time.sleep(st.settings["latency"])
            if rest == ["mailfolders"]:
                return self.send_json(200, self.folders(user))
            if len(rest) == 4 and rest[0] == "mailfolders" and rest[2:] == ["messages", "delta"]:
                return self.messages_delta(user, parts[3])
            if len(rest) in (2, 3) and rest[0] == "messages":
                return self.message(user, parts[3], rest[2:] == ["$value"])
            if rest == ["calendarview", "delta"]:
                return self.calendar_delta(user)
            raise GraphError(400, "BadRequest", "Resource not found for the segment '%s'." % parts[2])
        finally:
            self.leave(user)

    def enter(self, user):
        """At most max_concurrency requests in flight per mailbox, else 429
        ApplicationThrottled (Outlook service limits: 4 concurrent requests).
        https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits"""
        st = self.state
        with st.lock:
            n = st.in_flight.get(user.email, 0) + 1
            st.in_flight[user.email] = n
        if n > st.settings["max_concurrency"]:
            self.leave(user)
            raise GraphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                             {"Retry-After": str(st.settings["retry_after"])})

    def leave(self, user):
        with self.state.lock:
            self.state.in_flight[user.email] -= 1

    def page_size(self):
        """Prefer: odata.maxpagesize=N, else the default (10)."""
        m = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", self.headers.get("Prefer", ""))
        return (max(1, int(m.group(1))), True) if m else (self.state.settings["default_page_size"], False)

    def folders(self, user):
        """mailFolders list: https://learn.microsoft.com/en-us/graph/api/user-list-mailfolders"""
        with self.state.lock:
            out = []
            for name, display in WELL_KNOWN.items():
                live = [r for r in user.messages.values() if r["folder"] == name and not r["deleted"]]
                out.append({"id": user.folder_id(name), "displayName": display,
                            "parentFolderId": "AQMkAD" + fc.b64url((user.id + "/root").encode()),
                            "childFolderCount": 0, "unreadItemCount": sum(not r["isRead"] for r in live),
                            "totalItemCount": len(live), "isHidden": False})
        return {"@odata.context": self.base() + "/v1.0/$metadata#users('%s')/mailFolders" % user.id, "value": out}

    def delta_link(self, user, kind, token_name, state):
        if kind == "message":
            where = "users/%s/mailFolders('%s')/messages/delta" % (user.id, state["f"])
        else:
            where = "users/%s/calendarView/delta" % user.id
        return "%s/v1.0/%s?%s=%s" % (self.base(), where, token_name, fc.opaque(state))

    def read_state(self, user, kind):
        """The round a $skiptoken or $deltatoken continues, or None for a new one;
        a delta token older than the mailbox keeps is 410 syncStateNotFound.
        https://learn.microsoft.com/en-us/graph/delta-query-overview#synchronization-reset"""
        skip, delta = self.q1("$skiptoken"), self.q1("$deltatoken")
        if not skip and not delta:
            return None
        s = fc.unopaque(skip or delta)
        if not s or s.get("k") != kind or s.get("u") != user.id or bool(skip) != ("o" in s):
            raise GraphError(400, "BadRequest", "The provided state token is invalid.")
        if s["s"] is not None and s["s"] < user.floor:
            raise GraphError(410, "syncStateNotFound", "The sync state generation is not found. The delta token "
                             "is expired and data must be synchronized again.")
        return s

    def messages_delta(self, user, folder_ref):
        """GET /users/{id}/mailFolders/{id}/messages/delta: the first round lists the
        folder's messages page by page (@odata.nextLink with $skiptoken), its last
        page gives @odata.deltaLink ($deltatoken); a later round gives what was
        added, changed (whole items) or deleted (@removed) since.
        https://learn.microsoft.com/en-us/graph/api/message-delta
        https://learn.microsoft.com/en-us/graph/delta-query-messages"""
        folder = user.folder_name(urllib.parse.unquote(folder_ref))
        if folder is None:
            raise GraphError(400, "ErrorInvalidIdMalformed", "Id is malformed.")
        size, preferred = self.page_size()
        with self.state.lock:
            s = self.read_state(user, "message")
            if s is None:
                ct = self.q1("changeType")
                if ct not in (None, "created", "updated", "deleted"):
                    raise GraphError(400, "ErrorInvalidParameter", "Invalid changeType: %s" % ct)
                s = {"k": "message", "u": user.id, "f": user.folder_id(folder), "s": None, "b": user.seq,
                     "o": 0, "sel": parse_select(self.q1("$select")), "flt": parse_filter(self.q1("$filter")),
                     "ct": ct}
                top = self.q1("$top")
                if top and top.isdigit():
                    s["t"] = max(1, int(top))
            elif "o" not in s:   # a $deltatoken starts a new round from where the last ended
                s = dict(s, b=user.seq, o=0)
            if not preferred and s.get("t"):
                size = s["t"]
            items = self.message_changes(user, folder, s)
            page = items[s["o"]:s["o"] + size]
            values = [v if isinstance(v, dict) and "@removed" in v else message_json(user, v, s["sel"], self.base())
                      for v in page]
        out = {"@odata.context": self.base() + "/v1.0/$metadata#Collection(message)"}
        if s["o"] + size < len(items):
            out["@odata.nextLink"] = self.delta_link(user, "message", "$skiptoken", dict(s, o=s["o"] + size))
        else:
            done = {k: v for k, v in s.items() if k not in ("o", "b")}
            out["@odata.deltaLink"] = self.delta_link(user, "message", "$deltatoken", dict(done, s=s["b"]))
        out["value"] = values
        headers = {"Preference-Applied": "odata.maxpagesize=%d" % size} if preferred else None
        self.send_json(200, out, headers)

    @staticmethod
    def message_changes(user, folder, s):
        since, bound, flt, ct = s["s"], s["b"], s["flt"], s.get("ct")
        out = []
        for rec in user.messages.values():
            if rec["folder"] != folder or rec["seq"] > bound and since is None:
                continue
            if since is not None and not since < rec["seq"] <= bound:
                continue
            if flt and not (rec["msg"].date_ms >= flt[1] if flt[0] == "ge" else rec["msg"].date_ms > flt[1]):
                continue
            if rec["deleted"]:
                if since is not None and ct in (None, "deleted"):
                    out.append((rec["seq"], removed("message", rec["id"])))
                continue
            if since is not None and (ct == "deleted" or ct == "created" and rec["born"] <= since
                                      or ct == "updated" and rec["born"] > since):
                continue
            out.append((-rec["msg"].date_ms if since is None else rec["seq"], rec))
        out.sort(key=lambda t: t[0])
        return [t[1] for t in out]

    def message(self, user, mid, value):
        """GET /users/{id}/messages/{id} ($select) and .../$value, the MIME content.
        https://learn.microsoft.com/en-us/graph/api/message-get
        https://learn.microsoft.com/en-us/graph/outlook-get-mime-message"""
        mid = urllib.parse.unquote(mid)
        with self.state.lock:
            rec = user.messages.get(mid)
        if rec is None or rec["deleted"]:
            raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        if value:
            if not set(self.state.settings["roles"]) & MAIL_CONTENT_ROLES:
                raise GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
            return self.send_bytes(200, rec["msg"].raw, "text/plain")
        self.send_json(200, dict({"@odata.context": self.base() + "/v1.0/$metadata#users('%s')/messages/$entity"
                                  % user.id}, **message_json(user, rec, parse_select(self.q1("$select")),
                                                             self.base())))

    def calendar_delta(self, user):
        """GET /users/{id}/calendarView/delta?startDateTime=&endDateTime=: the events
        (occurrences of a series one by one) of that window, paged like
        messages/delta; later rounds give changes and @removed.
        https://learn.microsoft.com/en-us/graph/api/event-delta
        https://learn.microsoft.com/en-us/graph/delta-query-events"""
        size, preferred = self.page_size()
        with self.state.lock:
            s = self.read_state(user, "event")
            if s is None:
                lo, hi = fc.parse_time(self.q1("startDateTime")), fc.parse_time(self.q1("endDateTime"))
                if lo is None or hi is None:
                    raise GraphError(400, "ErrorInvalidParameter", "This request requires a time window specified "
                                     "by the query string parameters StartDateTime and EndDateTime.")
                s = {"k": "event", "u": user.id, "s": None, "b": user.seq, "o": 0, "w": [lo, hi]}
            elif "o" not in s:
                s = dict(s, b=user.seq, o=0)
            items = self.event_changes(user, s)
        page = items[s["o"]:s["o"] + size]
        out = {"@odata.context": self.base() + "/v1.0/$metadata#Collection(event)"}
        if s["o"] + size < len(items):
            out["@odata.nextLink"] = self.delta_link(user, "event", "$skiptoken", dict(s, o=s["o"] + size))
        else:
            done = {k: v for k, v in s.items() if k not in ("o", "b")}
            out["@odata.deltaLink"] = self.delta_link(user, "event", "$deltatoken", dict(done, s=s["b"]))
        out["value"] = page
        headers = {"Preference-Applied": "odata.maxpagesize=%d" % size} if preferred else None
        self.send_json(200, out, headers)

    def event_changes(self, user, s):
        since, bound, (lo, hi) = s["s"], s["b"], s["w"]
        out = []
        for sid, rec in sorted(user.events.items(), key=lambda kv: kv[1]["seq"]):
            if since is None and rec["seq"] > bound:
                continue
            if since is not None and not since < rec["seq"] <= bound:
                continue
            ev = rec["ev"]
            length = fc.parse_time(ev["end"]) - fc.parse_time(ev["start"])
            starts = [t for t in fc.recurrence_starts(ev) if t + length > lo and t < hi]
            recurring = bool(ev.get("recurrence"))
            if rec["deleted"]:
                if since is not None:
                    out += [removed("event", occurrence_id(sid, t) if recurring else sid)
                            for t in (starts if recurring else [0])]
                continue
            out += [event_json(user, sid, rec, t, self.base()) for t in starts]
        return out

    # -- admin

    def admin(self, method, what):
        st = self.state
        if method == "GET":
            if what == "requests":
                return self.send_json(200, st.log.all())
            if what == "faults":
                return self.send_json(200, st.faults.pending())
            if what == "counts":
                return self.send_json(200, st.counts.snapshot())
            if what == "settings":
                return self.send_json(200, st.settings)
            if what == "users":
                with st.lock:
                    return self.send_json(200, [{"email": u.email, "id": u.id, "name": u.name,
                                                 "mailbox": u.mailbox,
                                                 "messages": sum(not r["deleted"] for r in u.messages.values()),
                                                 "events": len(u.events)} for u in st.users.values()])
            raise fc.BadRequest("unknown admin call GET %s" % what)
        if method != "POST":
            raise fc.BadRequest("unknown admin call %s %s" % (method, what))
        body = self.json_body() or {}
        if what == "users":
            for u in body.get("users", []):
                st.add_user(u["email"], u.get("name", ""), u.get("mailbox", True))
            return self.send_json(200, {"users": len(st.users)})
        if what in ("messages", "delete_message", "update_message", "events", "delete_event", "expire_delta"):
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
            folder = user.folder_name(body.get("folder", "inbox"))
            if folder is None:
                raise fc.BadRequest("no such folder: %s" % body.get("folder"))
            date = fc.parse_time(body["receivedDateTime"]) if body.get("receivedDateTime") else None
            if "raw" in body or "raw_base64" in body:
                raw = body["raw"].encode() if "raw" in body else base64.b64decode(body["raw_base64"])
                msgs = [fc.Message(raw=raw, date_ms=date)]
            elif "path" in body:
                p = body["path"]
                files = [os.path.join(p, n) for n in sorted(os.listdir(p)) if n.endswith(".eml")] \
                    if os.path.isdir(p) else [p]
                msgs = [fc.Message(path=f, date_ms=date) for f in files]
            else:
                raise fc.BadRequest("give raw, raw_base64 or path")
            recs = [st.add_message(user, m, folder) for m in msgs]
            return self.send_json(200, {"messages": [{"id": r["id"], "conversationId": r["conversationId"]}
                                                     for r in recs]})
        if what in ("delete_message", "update_message"):
            ok = st.change_message(user, body.get("id"), delete=what == "delete_message", is_read=body.get("isRead"))
            if not ok:
                raise fc.BadRequest("no such message: %s" % body.get("id"))
            return self.send_json(200, {})
        if what == "events":
            return self.send_json(200, {"ids": [st.put_event(user, ev) for ev in body.get("events", [])]})
        if what == "delete_event":
            if not st.delete_event(user, body.get("uid", "")):
                raise fc.BadRequest("no such event: %s" % body.get("uid"))
            return self.send_json(200, {})
        for u in users:
            st.expire_delta(u)
        return self.send_json(200, {})


def main(argv=None):
    ap = argparse.ArgumentParser(description="A local Microsoft identity platform / Graph API for kith's tests.")
    fc.add_server_args(ap)
    ap.add_argument("--tenant", default="11111111-2222-3333-4444-555555555555", help="the tenant id (GUID)")
    ap.add_argument("--tenant-domain", action="append", default=[], help="a domain of the tenant (repeatable)")
    ap.add_argument("--client-id", default="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", help="the application (client) id")
    ap.add_argument("--client-secret", help="the application's client secret, if it has one")
    ap.add_argument("--certificate", help="the PEM certificate uploaded to the application")
    ap.add_argument("--roles", help="application permissions granted with admin consent, space-separated "
                                    "(default \"Mail.Read Calendars.Read\")")
    ap.add_argument("--user", action="append", default=[], help="a user with a mailbox (repeatable)")
    args = ap.parse_args(argv)
    state = State(args)
    for u in args.user:
        state.add_user(u)
    if args.data:
        state.load_data_dir(args.data)
    GraphHandler.state = state
    return fc.serve(GraphHandler, args)


if __name__ == "__main__":
    sys.exit(main())
