#!/usr/bin/env python3
"""test_fake_google.py - self-test of fake_google.py, driven as Google's documentation drives the APIs.

A service account key made with the openssl command at test time signs the
JWT bearer grant; the Gmail and Calendar calls follow the documented full and
partial sync steps, and every documented error the server models is provoked.
Run with plain `python3 tests/google/test_fake_google.py`.
"""

import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "fake_google.py")
SHARED = os.environ.get("KITH_SHARED", os.path.join(HERE, "..", "..", "..", "shared"))
RFC_MAIL = os.path.join(SHARED, "corpora", "email", "stalwart", "rfc")
SA = "kith-reader@kith-test.iam.gserviceaccount.com"
GMAIL_RO = "https://www.googleapis.com/auth/gmail.readonly"
GMAIL_META = "https://www.googleapis.com/auth/gmail.metadata"
CAL_RO = "https://www.googleapis.com/auth/calendar.readonly"
ANN, BOB, NOMAIL = "ann@corp.example", "bob@corp.example", "nomail@corp.example"

MAIL = """From: Carl Client <carl@client.example>
To: Ann Lee <ann@corp.example>
Subject: Renewal {n}
Date: Mon, 0{n} Feb 2026 10:00:00 +0000
Message-ID: <renewal-{n}@client.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Hello Ann, about the renewal {n}.
Carl Client, VP Sales
--b
Content-Type: application/pdf; name="quote.pdf"
Content-Disposition: attachment; filename="quote.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b--
""".replace("\n", "\r\n")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def start_server(tmp, *extra):
    port_file = os.path.join(tmp, "port-%d" % time.monotonic_ns())
    proc = subprocess.Popen([sys.executable, SERVER, "--port", "0", "--port-file", port_file, *extra])
    for _ in range(400):
        if os.path.exists(port_file):
            with open(port_file, encoding="utf-8") as f:
                return proc, "http://127.0.0.1:%d" % int(f.read())
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server wrote no port file")


class FakeGoogleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.TemporaryDirectory()
        cls.tmp = cls.tmpdir.name
        cls.key = os.path.join(cls.tmp, "sa.pem")
        cls.pub = os.path.join(cls.tmp, "sa.pub.pem")
        cls.other_key = os.path.join(cls.tmp, "other.pem")
        for k in (cls.key, cls.other_key):
            subprocess.run(["openssl", "genrsa", "-out", k, "2048"], check=True, capture_output=True)
        subprocess.run(["openssl", "rsa", "-in", cls.key, "-pubout", "-out", cls.pub],
                       check=True, capture_output=True)
        cls.proc, cls.base = start_server(cls.tmp, "--public-key", cls.pub, "--client-email", SA,
                                          "--user", ANN, "--user", BOB)

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=10)
        cls.tmpdir.cleanup()

    def setUp(self):
        self.admin("reset")
        self.admin("settings", {"token_lifetime": 3599, "latency": 0, "max_concurrent_per_user": None,
                                "delegated_scopes": [GMAIL_RO, CAL_RO]})
        self.admin("users", {"users": [{"email": ANN, "name": "Ann Lee"}, {"email": BOB},
                                       {"email": NOMAIL, "mailbox": False, "calendar": False}]})

    # -- helpers

    def http(self, method, path, body=None, headers=None, form=None):
        data = None
        headers = dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None, dict(r.headers)
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw else None, dict(e.headers)

    def admin(self, what, body=None, method="POST"):
        status, out, _ = self.http(method, "/__admin/" + what, body if method == "POST" else None)
        self.assertEqual(status, 200, out)
        return out

    def jwt(self, claims=None, key=None, alg="RS256", drop=()):
        now = int(time.time())
        c = {"iss": SA, "scope": " ".join([GMAIL_RO, CAL_RO]), "aud": "https://oauth2.googleapis.com/token",
             "iat": now, "exp": now + 3600, "sub": ANN}
        c.update(claims or {})
        for k in list(drop) + [k for k, v in c.items() if v is None]:
            c.pop(k, None)
        signing = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": "k1"}).encode()) + "." + \
            b64url(json.dumps(c).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key or self.key], input=signing.encode(),
                             capture_output=True, check=True).stdout
        return signing + "." + b64url(sig)

    def grant(self, assertion, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer"):
        return self.http("POST", "/token", form={"grant_type": grant_type, "assertion": assertion})

    def token(self, **claims):
        status, out, _ = self.grant(self.jwt(claims))
        self.assertEqual(status, 200, out)
        return out["access_token"]

    def api(self, path, token, **params):
        q = urllib.parse.urlencode(params, doseq=True)
        return self.http("GET", path + ("?" + q if q else ""), headers={"Authorization": "Bearer " + token})

    def ok(self, path, token, **params):
        status, out, _ = self.api(path, token, **params)
        self.assertEqual(status, 200, out)
        return out

    def add_mail(self, user, n, labels=None):
        body = {"user": user, "raw": MAIL.format(n=n)}
        if labels:
            body["labelIds"] = labels
        return self.admin("messages", body)["messages"][0]

    def assert_error(self, resp, code, reason, status=None):
        st, out, _ = resp
        self.assertEqual(st, code, out)
        self.assertEqual(out["error"]["code"], code)
        self.assertEqual(out["error"]["errors"][0]["reason"], reason)
        if status:
            self.assertEqual(out["error"]["status"], status)
        return out

    # -- OAuth 2.0 for service accounts

    def test_token_grant_issues_bearer_token(self):
        status, out, _ = self.grant(self.jwt())
        self.assertEqual(status, 200)
        self.assertEqual(out["token_type"], "Bearer")
        self.assertEqual(out["expires_in"], 3599)
        self.assertTrue(out["access_token"])

    def test_token_grant_refuses_bad_assertions(self):
        cases = [
            (self.jwt(key=self.other_key), 400, "invalid_grant", "Invalid JWT Signature."),
            (self.jwt({"sub": "ghost@corp.example"}), 400, "invalid_grant", "Invalid email or User ID"),
            (self.jwt({"iss": "other@x.iam.gserviceaccount.com"}), 400, "invalid_grant", None),
            (self.jwt({"aud": "https://example.com/token"}), 400, "invalid_grant", None),
            (self.jwt({"exp": int(time.time()) + 7200}), 400, "invalid_grant", None),
            (self.jwt({"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}), 400, "invalid_grant", None),
            (self.jwt({"scope": "https://mail.google.com/"}), 401, "unauthorized_client", None),
            (self.jwt(drop=("scope",)), 400, "invalid_scope", None),
            ("not.a.jwt", 400, "invalid_grant", None),
        ]
        for assertion, code, error, desc in cases:
            status, out, _ = self.grant(assertion)
            self.assertEqual((status, out["error"]), (code, error), out)
            if desc:
                self.assertEqual(out["error_description"], desc)
        status, out, _ = self.grant(self.jwt(), grant_type="client_credentials")
        self.assertEqual((status, out["error"]), (400, "unsupported_grant_type"))

    def test_token_expires_and_unknown_token_is_401(self):
        self.admin("settings", {"token_lifetime": 1})
        tok = self.token()
        self.ok("/gmail/v1/users/me/profile", tok)
        time.sleep(1.2)
        st, out, headers = self.api("/gmail/v1/users/me/profile", tok)
        self.assertEqual(st, 401)
        self.assertEqual(out["error"]["errors"][0]["reason"], "authError")
        self.assertIn("WWW-Authenticate", headers)
        self.assert_error(self.api("/gmail/v1/users/me/profile", "ya29.nonsense"), 401, "authError")
        st, out, _ = self.http("GET", "/gmail/v1/users/me/profile")
        self.assertEqual(st, 401)

    def test_expire_tokens(self):
        tok = self.token()
        self.admin("expire_tokens")
        self.assert_error(self.api("/gmail/v1/users/me/profile", tok), 401, "authError")

    def test_service_account_key_file(self):
        with open(self.key, encoding="utf-8") as f:
            pem = f.read()
        key_file = os.path.join(self.tmp, "sa.json")
        with open(key_file, "w", encoding="utf-8") as f:
            json.dump({"type": "service_account", "project_id": "kith-test", "private_key_id": "k1",
                       "private_key": pem, "client_email": SA, "client_id": "104857600000000000001",
                       "token_uri": "https://oauth2.googleapis.com/token"}, f)
        proc, base = start_server(self.tmp, "--service-account", key_file, "--user", ANN)
        try:
            saved, self.base = self.base, base
            status, out, _ = self.grant(self.jwt())
            self.assertEqual(status, 200, out)
            status, out, _ = self.grant(self.jwt(key=self.other_key))
            self.assertEqual((status, out["error_description"]), (400, "Invalid JWT Signature."))
        finally:
            self.base = saved
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=10), 0)

    # -- Gmail

    def test_batch_of_gets(self):
        ids = [self.add_mail(ANN, n)["id"] for n in (1, 2)]
        tok = self.token()
        parts = []
        for i, mid in enumerate(ids + ["ffff000000000000"]):
            parts.append("--b0\r\nContent-Type: application/http\r\nContent-ID: <item%d>\r\n\r\n"
                         "GET /gmail/v1/users/me/messages/%s?format=metadata&metadataHeaders=Subject\r\n\r\n"
                         % (i, mid))
        body = ("".join(parts) + "--b0--\r\n").encode()
        req = urllib.request.Request(self.base + "/batch/gmail/v1", data=body, method="POST", headers={
            "Authorization": "Bearer " + tok, "Content-Type": "multipart/mixed; boundary=b0"})
        with urllib.request.urlopen(req, timeout=30) as r:
            ctype, raw = r.headers["Content-Type"], r.read().decode()
        boundary = ctype.split("boundary=")[1]
        answers = [p for p in raw.split("--" + boundary)[1:] if not p.startswith("--")]
        self.assertEqual(len(answers), 3)
        self.assertIn("Content-ID: <response-item0>", answers[0])
        self.assertIn("HTTP/1.1 200 OK", answers[1])
        self.assertIn('"Renewal 2"', answers[1])
        self.assertIn("HTTP/1.1 404 Not Found", answers[2])


    @unittest.skipUnless(os.path.isdir(RFC_MAIL), "the shared mail corpus is not here")
    def test_full_sync_of_real_mail_with_paging(self):
        out = self.admin("messages", {"user": ANN, "path": RFC_MAIL})
        n = len(out["messages"])
        self.assertGreater(n, 3)
        tok = self.token()
        ids, page = [], None
        while True:
            params = {"maxResults": 3}
            if page:
                params["pageToken"] = page
            lst = self.ok("/gmail/v1/users/me/messages", tok, **params)
            self.assertEqual(lst["resultSizeEstimate"], n)
            ids += [m["id"] for m in lst["messages"]]
            page = lst.get("nextPageToken")
            if not page:
                break
        self.assertEqual(sorted(ids), sorted(m["id"] for m in out["messages"]))
        dates = [int(self.ok("/gmail/v1/users/%s/messages/%s" % (ANN, i), tok, format="minimal")["internalDate"])
                 for i in ids]
        self.assertEqual(dates, sorted(dates, reverse=True))
        files = sorted(f for f in os.listdir(RFC_MAIL) if f.endswith(".eml"))
        with open(os.path.join(RFC_MAIL, files[0]), "rb") as f:
            first = f.read()
        got = self.ok("/gmail/v1/users/me/messages/" + out["messages"][0]["id"], tok, format="raw")
        self.assertEqual(base64.urlsafe_b64decode(got["raw"]), first)

    def test_message_formats(self):
        mid = self.add_mail(ANN, 1)["id"]
        tok = self.token()
        meta = self.ok("/gmail/v1/users/me/messages/" + mid, tok, format="metadata",
                       metadataHeaders=["From", "subject"])
        names = [h["name"] for h in meta["payload"]["headers"]]
        self.assertEqual(names, ["From", "Subject"])
        self.assertEqual(meta["payload"]["mimeType"], "multipart/mixed")
        self.assertNotIn("raw", meta)
        self.assertEqual(meta["labelIds"], ["INBOX"])
        self.assertIn("renewal 1", meta["snippet"])
        full = self.ok("/gmail/v1/users/me/messages/" + mid, tok, format="full")
        text, pdf = full["payload"]["parts"]
        self.assertEqual(text["partId"], "0")
        self.assertIn("VP Sales", base64.urlsafe_b64decode(text["body"]["data"]).decode())
        self.assertEqual(pdf["filename"], "quote.pdf")
        self.assertIn("attachmentId", pdf["body"])
        self.assertNotIn("data", pdf["body"])
        minimal = self.ok("/gmail/v1/users/me/messages/" + mid, tok, format="minimal")
        self.assertNotIn("payload", minimal)
        raw = self.ok("/gmail/v1/users/me/messages/" + mid, tok, format="raw")
        self.assertEqual(base64.urlsafe_b64decode(raw["raw"]).decode(), MAIL.format(n=1))
        self.assert_error(self.api("/gmail/v1/users/me/messages/ffff000000000000", tok), 404, "notFound",
                          "NOT_FOUND")

    def test_metadata_scope_cannot_fetch_raw_or_search(self):
        self.admin("settings", {"delegated_scopes": [GMAIL_META, CAL_RO]})
        mid = self.add_mail(ANN, 1)["id"]
        tok = self.token(scope=GMAIL_META)
        self.ok("/gmail/v1/users/me/messages/" + mid, tok, format="metadata")
        self.assert_error(self.api("/gmail/v1/users/me/messages/" + mid, tok, format="raw"), 403, "forbidden")
        self.assert_error(self.api("/gmail/v1/users/me/messages", tok, q="after:1"), 403, "forbidden")
        self.assert_error(self.api("/calendar/v3/calendars/primary/events", tok), 403,
                          "insufficientPermissions")

    def test_search_by_date_and_label(self):
        self.add_mail(ANN, 1)
        self.add_mail(ANN, 3, ["SENT"])
        tok = self.token()
        feb2 = 1769990400  # 2026-02-02T00:00:00Z
        got = self.ok("/gmail/v1/users/me/messages", tok, q="after:%d" % feb2)
        self.assertEqual(got["resultSizeEstimate"], 1)
        got = self.ok("/gmail/v1/users/me/messages", tok, q="in:sent")
        self.assertEqual(got["resultSizeEstimate"], 1)
        got = self.ok("/gmail/v1/users/me/messages", tok, labelIds="INBOX")
        self.assertEqual(got["resultSizeEstimate"], 1)
        st, out, _ = self.api("/gmail/v1/users/me/messages", tok, q="has:attachment")
        self.assertEqual(st, 400)

    def test_partial_sync_with_history(self):
        first = self.add_mail(ANN, 1)
        tok = self.token()
        start = self.ok("/gmail/v1/users/me/profile", tok)["historyId"]
        self.assertEqual(start, first["historyId"])
        second = self.add_mail(ANN, 2)
        self.admin("delete_message", {"user": ANN, "id": first["id"]})
        hist = self.ok("/gmail/v1/users/me/history", tok, startHistoryId=start)
        kinds = [(list(k for k in h if k not in ("id", "messages"))[0], h["messages"][0]["id"])
                 for h in hist["history"]]
        self.assertEqual(kinds, [("messagesAdded", second["id"]), ("messagesDeleted", first["id"])])
        self.assertEqual(hist["history"][0]["messagesAdded"][0]["message"]["labelIds"], ["INBOX"])
        added = self.ok("/gmail/v1/users/me/history", tok, startHistoryId=start, historyTypes="messageAdded")
        self.assertEqual(len(added["history"]), 1)
        nothing = self.ok("/gmail/v1/users/me/history", tok, startHistoryId=hist["historyId"])
        self.assertNotIn("history", nothing)
        self.assert_error(self.api("/gmail/v1/users/me/messages/" + first["id"], tok), 404, "notFound")

    def test_history_pages(self):
        tok = self.token()
        start = self.ok("/gmail/v1/users/me/profile", tok)["historyId"]
        ids = [self.add_mail(ANN, n)["id"] for n in range(1, 6)]
        got, page = [], None
        while True:
            params = {"startHistoryId": start, "maxResults": 2}
            if page:
                params["pageToken"] = page
            h = self.ok("/gmail/v1/users/me/history", tok, **params)
            got += [r["messages"][0]["id"] for r in h.get("history", [])]
            page = h.get("nextPageToken")
            if not page:
                break
        self.assertEqual(got, ids)

    def test_expired_history_id_is_404_and_full_sync_recovers(self):
        self.add_mail(ANN, 1)
        tok = self.token()
        old = self.ok("/gmail/v1/users/me/profile", tok)["historyId"]
        self.admin("expire_history", {"user": ANN})
        self.assert_error(self.api("/gmail/v1/users/me/history", tok, startHistoryId=old), 404, "notFound")
        new = self.ok("/gmail/v1/users/me/profile", tok)["historyId"]
        self.ok("/gmail/v1/users/me/history", tok, startHistoryId=new)
        self.assert_error(self.api("/gmail/v1/users/me/history", tok), 400, "invalidArgument")

    def test_user_without_mailbox_and_other_users_mail(self):
        self.assert_error(self.api("/gmail/v1/users/me/messages", self.token(sub=NOMAIL)), 400,
                          "failedPrecondition", "FAILED_PRECONDITION")
        self.assert_error(self.api("/gmail/v1/users/%s/messages" % BOB, self.token()), 403, "forbidden")
        self.assertEqual(self.api("/calendar/v3/calendars/primary/events", self.token(sub=NOMAIL))[0], 404)
        # The service account itself (no sub) has no mailbox.
        self.assert_error(self.api("/gmail/v1/users/me/messages", self.token(sub=None)), 400,
                          "failedPrecondition")

    def test_injected_rate_limits_have_documented_bodies(self):
        self.add_mail(ANN, 1)
        tok = self.token()
        self.admin("faults", [{"path_contains": "/gmail/", "times": 2, "then": {"status": 429}},
                              {"path_contains": "/gmail/", "then": {"status": 403,
                                                                    "reason": "userRateLimitExceeded"}},
                              {"path_contains": "/calendar/", "then": {"status": 403}}])
        out = self.assert_error(self.api("/gmail/v1/users/me/messages", tok), 429, "rateLimitExceeded")
        self.assertEqual(out["error"]["message"], "Too many concurrent requests for user")
        self.assert_error(self.api("/gmail/v1/users/me/messages", tok), 429, "rateLimitExceeded")
        out = self.assert_error(self.api("/gmail/v1/users/me/messages", tok), 403, "userRateLimitExceeded")
        self.assertEqual(out["error"]["errors"][0]["domain"], "usageLimits")
        self.assertEqual(out["error"]["message"], "User Rate Limit Exceeded")
        self.ok("/gmail/v1/users/me/messages", tok)
        out = self.assert_error(self.api("/calendar/v3/calendars/primary/events", tok), 403, "rateLimitExceeded")
        self.assertEqual(out["error"]["message"], "Rate Limit Exceeded")
        self.assertEqual(self.admin("faults", method="GET"), [])
        self.admin("faults", {"user": BOB, "then": {"status": 429}})
        self.ok("/gmail/v1/users/me/messages", tok)
        self.assertEqual(self.api("/gmail/v1/users/me/messages", self.token(sub=BOB))[0], 429)

    def test_concurrent_requests_over_the_limit_are_429(self):
        self.add_mail(ANN, 1)
        self.admin("settings", {"latency": 0.4, "max_concurrent_per_user": 2})
        tok = self.token()
        results = []
        threads = [threading.Thread(target=lambda: results.append(self.api("/gmail/v1/users/me/profile", tok)[0]))
                   for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [200, 200, 429, 429])

    # -- Calendar

    def events(self):
        return [
            {"uid": "standup@corp.example", "summary": "Stand-up", "start": "2026-03-02T09:00:00Z",
             "end": "2026-03-02T09:15:00Z", "recurrence": "RRULE:FREQ=DAILY;COUNT=3",
             "organizer": {"email": ANN, "name": "Ann Lee"},
             "attendees": [{"email": ANN, "response": "accepted"}, {"email": BOB, "response": "tentative"}]},
            {"uid": "qbr@client.example", "summary": "QBR", "start": "2026-03-05T14:00:00Z",
             "end": "2026-03-05T15:00:00Z", "organizer": {"email": "carl@client.example", "name": "Carl Client"},
             "attendees": [{"email": "carl@client.example", "name": "Carl Client", "response": "accepted"},
                           {"email": ANN, "response": "accepted"},
                           {"email": "room-4@resource.calendar.google.com", "name": "Room 4",
                            "resource": True, "response": "accepted"}]},
        ]

    def list_all(self, tok, **params):
        items, page = [], None
        while True:
            p = dict(params)
            if page:
                p["pageToken"] = page
            out = self.ok("/calendar/v3/calendars/primary/events", tok, **p)
            self.assertEqual(out["kind"], "calendar#events")
            items += out["items"]
            page = out.get("nextPageToken")
            if not page:
                self.assertIn("nextSyncToken", out)
                return items, out["nextSyncToken"]
            self.assertNotIn("nextSyncToken", out)

    def test_full_and_incremental_calendar_sync(self):
        self.admin("events", {"user": ANN, "events": self.events()})
        tok = self.token()
        items, sync = self.list_all(tok, singleEvents="true", maxResults=2)
        self.assertEqual(len(items), 4)
        standups = [i for i in items if i["summary"] == "Stand-up"]
        self.assertEqual(len({i["recurringEventId"] for i in standups}), 1)
        self.assertEqual([i["start"]["dateTime"] for i in standups],
                         ["2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z", "2026-03-04T09:00:00Z"])
        qbr = next(i for i in items if i["summary"] == "QBR")
        room = next(a for a in qbr["attendees"] if a.get("resource"))
        self.assertEqual(room["email"], "room-4@resource.calendar.google.com")
        self.assertTrue(next(a for a in qbr["attendees"] if a["email"] == ANN)["self"])
        self.assertEqual(qbr["organizer"], {"email": "carl@client.example", "displayName": "Carl Client"})
        masters, _ = self.list_all(tok)
        self.assertEqual([m.get("recurrence") for m in masters], [["RRULE:FREQ=DAILY;COUNT=3"], None])
        windowed, _ = self.list_all(tok, singleEvents="true", orderBy="startTime",
                                    timeMin="2026-03-03T00:00:00Z", timeMax="2026-03-05T00:00:00Z")
        self.assertEqual(len(windowed), 2)
        # Nothing changed: an incremental sync is empty.
        again, sync2 = self.list_all(tok, syncToken=sync)
        self.assertEqual(again, [])
        new = {"uid": "demo@client.example", "summary": "Demo", "start": "2026-03-09T10:00:00Z",
               "end": "2026-03-09T11:00:00Z", "organizer": {"email": ANN}, "attendees": []}
        self.admin("events", {"user": ANN, "events": [new]})
        self.admin("delete_event", {"user": ANN, "uid": "qbr@client.example"})
        changed, _ = self.list_all(tok, syncToken=sync2)
        self.assertEqual([(c.get("summary"), c["status"]) for c in changed],
                         [("Demo", "confirmed"), (None, "cancelled")])
        self.assertEqual(set(changed[1]), {"kind", "etag", "id", "status"})

    def test_expired_sync_token_is_410_gone(self):
        self.admin("events", {"user": ANN, "events": self.events()})
        tok = self.token()
        _, sync = self.list_all(tok)
        self.admin("expire_sync_tokens", {"user": ANN})
        st, out, _ = self.api("/calendar/v3/calendars/primary/events", tok, syncToken=sync)
        self.assertEqual(st, 410)
        self.assertEqual(out["error"]["errors"][0]["reason"], "fullSyncRequired")
        self.assertNotIn("status", out["error"])
        items, _ = self.list_all(tok)
        self.assertEqual(len(items), 2)

    def test_calendar_parameter_errors(self):
        tok = self.token()
        self.assertEqual(self.api("/calendar/v3/calendars/primary/events", tok, orderBy="startTime")[0], 400)
        self.assertEqual(self.api("/calendar/v3/calendars/primary/events", tok, syncToken="x",
                                  timeMin="2026-01-01T00:00:00Z")[0], 400)
        self.assertEqual(self.api("/calendar/v3/calendars/primary/events", tok, syncToken="garbage")[0], 400)
        self.assertEqual(self.api("/calendar/v3/calendars/%s/events" % BOB, tok)[0], 404)
        st, out, _ = self.api("/calendar/v3/calendars/primary/events", tok, timeMin="2026-03-05T00:00:00Z",
                              timeMax="2026-03-01T00:00:00Z")
        self.assertEqual((st, out["error"]["errors"][0]["reason"]), (400, "timeRangeEmpty"))
        lst = self.ok("/calendar/v3/users/me/calendarList", tok)
        self.assertEqual(lst["items"][0]["id"], ANN)


if __name__ == "__main__":
    unittest.main(verbosity=2)
