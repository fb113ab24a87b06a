#!/usr/bin/env python3
"""test_fake_graph.py - self-test of fake_graph.py, driven as Microsoft's documentation drives the APIs.

A certificate made with the openssl command at test time signs the client
assertion; the client secret grant, messages/delta rounds, $value and
calendarView/delta follow the documented call patterns, and every documented
error the server models is provoked. Run with plain
`python3 tests/microsoft/test_fake_graph.py`.
"""

import base64
import hashlib
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
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "fake_graph.py")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "google"))
import fake_common  # noqa: E402

SHARED = os.environ.get("KITH_SHARED", os.path.join(HERE, "..", "..", "..", "shared"))
RFC_MAIL = os.path.join(SHARED, "corpora", "email", "stalwart", "rfc")
TENANT, CLIENT, SECRET = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "5e6f7081-92a3-b4c5-d6e7-f8091a2b3c4d", "s3cr3t~value"
ANN, BOB, GONE = "ann@corp.example", "bob@corp.example", "left@corp.example"
GRAPH = "https://graph.microsoft.com/.default"

MAIL = """From: Carl Client <carl@client.example>
To: Ann Lee <ann@corp.example>
Cc: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@client.example>
Subject: Renewal {n}
Date: Mon, 0{n} Feb 2026 10:00:00 +0000
Message-ID: <renewal-{n}@client.example>
Content-Type: text/plain; charset=utf-8

Hello Ann, about the renewal {n}.
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


class FakeGraphTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.TemporaryDirectory()
        cls.tmp = cls.tmpdir.name
        cls.key, cls.cert = os.path.join(cls.tmp, "app.key"), os.path.join(cls.tmp, "app.crt")
        cls.other = os.path.join(cls.tmp, "other.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", cls.key,
                        "-out", cls.cert, "-days", "2", "-subj", "/CN=kith-test"], check=True, capture_output=True)
        subprocess.run(["openssl", "genrsa", "-out", cls.other, "2048"], check=True, capture_output=True)
        der = subprocess.run(["openssl", "x509", "-in", cls.cert, "-outform", "DER"], check=True,
                             capture_output=True).stdout
        cls.x5t, cls.x5t256 = b64url(hashlib.sha1(der).digest()), b64url(hashlib.sha256(der).digest())
        cls.proc, cls.base = start_server(cls.tmp, "--tenant", TENANT, "--tenant-domain", "corp.example",
                                          "--client-id", CLIENT, "--client-secret", SECRET,
                                          "--certificate", cls.cert)

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=10)
        cls.tmpdir.cleanup()

    def setUp(self):
        self.admin("reset")
        self.admin("settings", {"token_lifetime": 3599, "roles": ["Mail.Read", "Calendars.Read"],
                                "allowed_mailboxes": None, "max_concurrency": 4, "retry_after": 1,
                                "latency": 0, "default_page_size": 10})
        self.admin("users", {"users": [{"email": ANN, "name": "Ann Lee"}, {"email": BOB},
                                       {"email": GONE, "mailbox": "not_enabled"}]})

    # -- helpers

    def http(self, method, url, form=None, body=None, headers=None):
        data, headers = None, dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url if url.startswith("http") else self.base + url, data=data,
                                     method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                ctype = r.headers.get("Content-Type", "")
                return r.status, json.loads(raw) if "json" in ctype else raw, dict(r.headers)
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw else None, dict(e.headers)

    def admin(self, what, body=None, method="POST"):
        status, out, _ = self.http(method, "/__admin/" + what, body=body if method == "POST" else None)
        self.assertEqual(status, 200, out)
        return out

    def assertion(self, alg="RS256", key=None, header=None, **claims):
        now = int(time.time())
        c = {"aud": "https://login.microsoftonline.com/%s/oauth2/v2.0/token" % TENANT, "iss": CLIENT,
             "sub": CLIENT, "jti": str(uuid.uuid4()), "nbf": now, "iat": now, "exp": now + 600}
        c.update(claims)
        h = {"alg": alg, "typ": "JWT"}
        h.update({"x5t": self.x5t} if alg == "RS256" else {"x5t#S256": self.x5t256})
        h.update(header or {})
        signing = b64url(json.dumps(h).encode()) + "." + b64url(json.dumps(c).encode())
        cmd = ["openssl", "dgst", "-sha256", "-sign", key or self.key]
        if alg == "PS256":
            cmd += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]
        sig = subprocess.run(cmd, input=signing.encode(), capture_output=True, check=True).stdout
        return signing + "." + b64url(sig)

    def grant(self, tenant=TENANT, **form):
        f = {"client_id": CLIENT, "scope": GRAPH, "grant_type": "client_credentials"}
        f.update(form)
        return self.http("POST", "/%s/oauth2/v2.0/token" % tenant, form={k: v for k, v in f.items() if v is not None})

    def token(self):
        st, out, _ = self.grant(client_secret=SECRET)
        self.assertEqual(st, 200, out)
        return out["access_token"]

    def get(self, url, token=None, prefer=None, **params):
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Authorization": "Bearer " + (token or self.tok)}
        if prefer:
            headers["Prefer"] = prefer
        return self.http("GET", url, headers=headers)

    def ok(self, url, **kw):
        st, out, _ = self.get(url, **kw)
        self.assertEqual(st, 200, out)
        return out

    def assert_graph_error(self, resp, status, code):
        st, out, headers = resp
        self.assertEqual((st, out["error"]["code"]), (status, code), out)
        self.assertIn("request-id", out["error"]["innerError"])
        return out, headers

    def assert_token_error(self, resp, status, error, code):
        st, out, _ = resp
        self.assertEqual((st, out["error"]), (status, error), out)
        self.assertEqual(out["error_codes"], [code] if code else [])
        if code:
            self.assertTrue(out["error_description"].startswith("AADSTS%d: " % code), out)

    def add_mail(self, user, n, folder="inbox"):
        return self.admin("messages", {"user": user, "folder": folder, "raw": MAIL.format(n=n)})["messages"][0]

    def delta_round(self, url, prefer="odata.maxpagesize=3", **params):
        """Follows @odata.nextLink to the end; returns (items, deltaLink)."""
        items = []
        while True:
            out = self.ok(url, prefer=prefer, **params)
            params = {}
            items += out["value"]
            if "@odata.deltaLink" in out:
                self.assertNotIn("@odata.nextLink", out)
                return items, out["@odata.deltaLink"]
            url = out["@odata.nextLink"]
            self.assertIn("$skiptoken=", url)

    # -- the identity platform

    def test_x5t_is_the_documented_base64url_sha1_thumbprint(self):
        # The certificate-credentials page's example: hex thumbprint -> x5t.
        self.assertEqual(fake_common.b64url(bytes.fromhex("84E05C1D98BCE3A5421D225B140B36E86A3D5534")),
                         "hOBcHZi846VCHSJbFAs26Go9VTQ")

    def test_client_secret_grant(self):
        st, out, _ = self.grant(client_secret=SECRET)
        self.assertEqual(st, 200, out)
        self.assertEqual((out["token_type"], out["expires_in"], out["ext_expires_in"]), ("Bearer", 3599, 3599))
        st, out, _ = self.grant(tenant="corp.example", client_secret=SECRET)
        self.assertEqual(st, 200, out)
        self.assert_token_error(self.grant(client_secret="wrong"), 401, "invalid_client", 7000215)
        self.assert_token_error(self.grant(tenant="99999999-0000-0000-0000-000000000000", client_secret=SECRET),
                                400, "invalid_request", 90002)
        self.assert_token_error(self.grant(client_secret=SECRET, scope="Mail.Read"), 400, "invalid_scope", 1002012)
        self.assert_token_error(self.grant(client_secret=SECRET, scope=None), 400, "invalid_request", 900144)
        self.assert_token_error(self.grant(client_secret=SECRET, client_id=str(uuid.uuid4())), 400,
                                "unauthorized_client", 700016)
        self.assert_token_error(self.grant(), 401, "invalid_client", 7000218)
        self.assert_token_error(self.grant(client_secret=SECRET, grant_type="password"), 400,
                                "unsupported_grant_type", 70003)

    def test_certificate_assertion_grant(self):
        at = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        for alg in ("RS256", "PS256"):
            st, out, _ = self.grant(client_assertion_type=at, client_assertion=self.assertion(alg))
            self.assertEqual(st, 200, out)
        cases = [
            (self.assertion(header={"x5t": b64url(b"\0" * 20)}), 700027),
            (self.assertion(key=self.other), 700027),
            (self.assertion(aud="https://login.microsoftonline.com/common/oauth2/v2.0/token"), 50012),
            (self.assertion(iss="someone-else"), 700021),
            (self.assertion(exp=int(time.time()) - 10), 700024),
            (self.assertion(nbf=int(time.time()) + 3600, exp=int(time.time()) + 4000), 700024),
            (self.assertion(jti=""), 50027),
            ("a.b", 50027),
        ]
        for assertion, code in cases:
            self.assert_token_error(self.grant(client_assertion_type=at, client_assertion=assertion),
                                    401, "invalid_client", code)

    def test_expired_and_unknown_tokens_are_401(self):
        self.admin("settings", {"token_lifetime": 1})
        tok = self.token()
        self.ok("/v1.0/users/%s" % ANN, token=tok)
        time.sleep(1.2)
        out, headers = self.assert_graph_error(self.get("/v1.0/users/%s" % ANN, token=tok), 401,
                                               "InvalidAuthenticationToken")
        self.assertIn("expired", out["error"]["message"])
        self.assertIn("WWW-Authenticate", headers)
        self.assert_graph_error(self.get("/v1.0/users/%s" % ANN, token="nonsense"), 401,
                                "InvalidAuthenticationToken")

    # -- mail

    def setup_tok(self):
        self.tok = self.token()

    def inbox(self, user=ANN):
        return "/v1.0/users/%s/mailFolders/inbox/messages/delta" % user

    @unittest.skipUnless(os.path.isdir(RFC_MAIL), "the shared mail corpus is not here")
    def test_first_round_of_real_mail_with_select_and_paging(self):
        self.setup_tok()
        added = self.admin("messages", {"user": ANN, "path": RFC_MAIL})["messages"]
        items, link = self.delta_round(self.inbox(), **{"$select": "subject,from,internetMessageId"})
        self.assertEqual(sorted(i["id"] for i in items), sorted(m["id"] for m in added))
        for i in items:
            self.assertLessEqual(set(i), {"@odata.type", "@odata.etag", "id", "subject", "from",
                                          "internetMessageId"})
        self.assertIn("$deltatoken=", link)
        files = sorted(f for f in os.listdir(RFC_MAIL) if f.endswith(".eml"))
        with open(os.path.join(RFC_MAIL, files[0]), "rb") as f:
            first = f.read()
        st, raw, headers = self.get("/v1.0/users/%s/messages/%s/$value" % (ANN, added[0]["id"]))
        self.assertEqual((st, raw), (200, first))
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))

    def test_delta_rounds_give_created_updated_and_removed(self):
        self.setup_tok()
        one, two = self.add_mail(ANN, 1), self.add_mail(ANN, 2)
        self.add_mail(ANN, 3, folder="sentitems")
        items, link = self.delta_round(self.inbox())
        self.assertEqual([i["subject"] for i in items], ["Renewal 2", "Renewal 1"])
        i = items[1]
        self.assertEqual(i["from"], {"emailAddress": {"name": "Carl Client", "address": "carl@client.example"}})
        self.assertEqual(i["ccRecipients"][0]["emailAddress"]["name"], "Jürgen Müller")
        self.assertEqual(i["internetMessageId"], "<renewal-1@client.example>")
        self.assertEqual(i["receivedDateTime"], "2026-02-01T10:00:00Z")
        self.assertNotIn("internetMessageHeaders", i)
        nothing, link = self.delta_round(link)
        self.assertEqual(nothing, [])
        three = self.add_mail(ANN, 4)
        self.admin("update_message", {"user": ANN, "id": two["id"], "isRead": True})
        self.admin("delete_message", {"user": ANN, "id": one["id"]})
        changes, link = self.delta_round(link)
        self.assertEqual([(c["id"], c.get("isRead"), "@removed" in c) for c in changes],
                         [(three["id"], False, False), (two["id"], True, False), (one["id"], None, True)])
        self.assertEqual(changes[2]["@removed"], {"reason": "deleted"})
        sent, _ = self.delta_round("/v1.0/users/%s/mailFolders('sentitems')/messages/delta" % ANN)
        self.assertEqual([s["subject"] for s in sent], ["Renewal 3"])
        self.assert_graph_error(self.get("/v1.0/users/%s/messages/%s" % (ANN, one["id"])), 404, "ErrorItemNotFound")

    def test_change_type_and_filter(self):
        self.setup_tok()
        one = self.add_mail(ANN, 1)
        self.add_mail(ANN, 3)
        items, _ = self.delta_round(self.inbox(), **{"$filter": "receivedDateTime ge 2026-02-02T00:00:00Z"})
        self.assertEqual([i["subject"] for i in items], ["Renewal 3"])
        _, link = self.delta_round(self.inbox(), changeType="created")
        self.admin("update_message", {"user": ANN, "id": one["id"], "isRead": True})
        new = self.add_mail(ANN, 5)
        created, _ = self.delta_round(link)
        self.assertEqual([c["id"] for c in created], [new["id"]])
        self.assert_graph_error(self.get(self.inbox(), **{"$filter": "subject eq 'x'"}), 400,
                                "ErrorInvalidUrlQueryFilter")
        self.assert_graph_error(self.get(self.inbox(), **{"$select": "subject,nonsense"}), 400,
                                "RequestBroker--ParseUri")
        self.assert_graph_error(self.get("/v1.0/users/%s/mailFolders/nowhere/messages/delta" % ANN), 400,
                                "ErrorInvalidIdMalformed")

    def test_message_get_and_headers(self):
        self.setup_tok()
        m = self.add_mail(ANN, 1)
        out = self.ok("/v1.0/users/%s/messages/%s" % (ANN, m["id"]),
                      **{"$select": "internetMessageHeaders,subject"})
        names = [h["name"] for h in out["internetMessageHeaders"]]
        self.assertIn("Message-ID", names)
        self.assertEqual(out["subject"], "Renewal 1")
        folders = self.ok("/v1.0/users/%s/mailFolders" % ANN)["value"]
        inbox = next(f for f in folders if f["displayName"] == "Inbox")
        self.assertEqual(inbox["totalItemCount"], 1)
        items, _ = self.delta_round("/v1.0/users/%s/mailFolders/%s/messages/delta" % (ANN, inbox["id"]))
        self.assertEqual(len(items), 1)

    def test_expired_delta_token_is_410(self):
        self.setup_tok()
        self.add_mail(ANN, 1)
        _, link = self.delta_round(self.inbox())
        self.admin("expire_delta", {"user": ANN})
        self.assert_graph_error(self.get(link), 410, "syncStateNotFound")
        items, _ = self.delta_round(self.inbox())
        self.assertEqual(len(items), 1)

    def test_mailbox_concurrency_limit(self):
        self.setup_tok()
        self.admin("settings", {"latency": 0.5})
        results = []

        def call():
            st, out, headers = self.get(self.inbox())
            results.append((st, out["error"]["code"] if st != 200 else None, headers.get("Retry-After")))

        threads = [threading.Thread(target=call) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results, key=str),
                         sorted([(200, None, None)] * 4 + [(429, "ApplicationThrottled", "1")] * 2, key=str))
        self.ok(self.inbox())  # the other requests are done: the mailbox answers again

    def test_injected_throttling_has_retry_after(self):
        self.setup_tok()
        self.admin("faults", [{"path_contains": "/messages/delta", "times": 2,
                               "then": {"status": 429, "retry_after": 7}},
                              {"user": BOB, "then": {"status": 503}}])
        for _ in range(2):
            _, headers = self.assert_graph_error(self.get(self.inbox()), 429, "TooManyRequests")
            self.assertEqual(headers["Retry-After"], "7")
        self.ok(self.inbox())
        self.ok(self.inbox(ANN))
        self.assert_graph_error(self.get(self.inbox(BOB)), 503, "ServiceNotAvailable")

    def test_users_without_mailbox_or_access(self):
        self.setup_tok()
        self.assert_graph_error(self.get(self.inbox(GONE)), 404, "MailboxNotEnabledForRESTAPI")
        self.assert_graph_error(self.get(self.inbox("ghost@corp.example")), 404, "ErrorInvalidUser")
        self.admin("users", {"users": [{"email": "nolicence@corp.example", "mailbox": "not_found"}]})
        self.assert_graph_error(self.get(self.inbox("nolicence@corp.example")), 404, "ResourceNotFound")
        self.admin("settings", {"allowed_mailboxes": [BOB]})
        out, _ = self.assert_graph_error(self.get(self.inbox(ANN)), 403, "ErrorAccessDenied")
        self.assertIn("AccessPolicy", out["error"]["message"])
        self.ok(self.inbox(BOB))
        self.admin("settings", {"allowed_mailboxes": None, "roles": ["Calendars.Read"]})
        self.assert_graph_error(self.get(self.inbox(ANN)), 403, "ErrorAccessDenied")
        m = self.add_mail(ANN, 1)
        self.admin("settings", {"roles": ["Mail.ReadBasic.All"]})
        self.ok(self.inbox(ANN))
        self.assert_graph_error(self.get("/v1.0/users/%s/messages/%s/$value" % (ANN, m["id"])), 403,
                                "ErrorAccessDenied")
        user = self.ok("/v1.0/users/%s" % ANN)
        self.assertEqual(user["mail"], ANN)
        self.ok(self.inbox(user["id"]))

    def batch(self, requests):
        return self.http("POST", "/v1.0/$batch", body={"requests": requests},
                         headers={"Authorization": "Bearer " + self.tok})

    def test_json_batch(self):
        self.setup_tok()
        m = self.add_mail(ANN, 1)
        st, out, _ = self.batch([
            {"id": "1", "method": "GET", "url": "/users/%s/messages/%s/$value" % (ANN, m["id"])},
            {"id": "2", "method": "GET", "url": "/users/%s/mailFolders/inbox/messages/delta?$select=subject" % ANN},
            {"id": "3", "method": "GET", "url": "/users/%s/messages/nothing" % ANN}])
        self.assertEqual(st, 200, out)
        got = {r["id"]: r for r in out["responses"]}
        self.assertEqual(base64.b64decode(got["1"]["body"]).decode(), MAIL.format(n=1))
        self.assertEqual(got["2"]["body"]["value"][0]["subject"], "Renewal 1")
        self.assertEqual((got["3"]["status"], got["3"]["body"]["error"]["code"]), (404, "ErrorItemNotFound"))
        st, out, _ = self.batch([{"id": str(i), "method": "GET", "url": "/users/%s" % ANN} for i in range(21)])
        self.assertEqual(st, 400)

    def test_batch_counts_toward_mailbox_concurrency(self):
        self.setup_tok()
        self.admin("settings", {"latency": 0.4, "max_concurrency": 2})
        reqs = [{"id": str(i), "method": "GET", "url": "/users/%s/mailFolders/inbox/messages/delta" % ANN}
                for i in range(4)]
        st, out, _ = self.batch(reqs)
        self.assertEqual(sorted(r["status"] for r in out["responses"]), [200, 200, 429, 429])
        throttled = next(r for r in out["responses"] if r["status"] == 429)
        self.assertEqual(throttled["body"]["error"]["code"], "ApplicationThrottled")
        self.assertEqual(throttled["headers"]["Retry-After"], "1")
        for i, r in enumerate(reqs[1:], 1):
            r["dependsOn"] = [str(i - 1)]
        st, out, _ = self.batch(reqs)
        self.assertEqual([r["status"] for r in out["responses"]], [200] * 4)

    # -- calendar

    def test_calendar_view_delta(self):
        self.setup_tok()
        events = [
            {"uid": "standup@corp.example", "summary": "Stand-up", "start": "2026-03-02T09:00:00Z",
             "end": "2026-03-02T09:15:00Z", "recurrence": "RRULE:FREQ=WEEKLY;COUNT=3",
             "organizer": {"email": ANN, "name": "Ann Lee"},
             "attendees": [{"email": BOB, "response": "tentative", "optional": True}]},
            {"uid": "qbr@client.example", "summary": "QBR", "start": "2026-03-05T14:00:00Z",
             "end": "2026-03-05T15:00:00Z", "organizer": {"email": "carl@client.example", "name": "Carl Client"},
             "attendees": [{"email": ANN, "response": "accepted"},
                           {"email": "room4@corp.example", "name": "Room 4", "resource": True}]},
            {"uid": "later@corp.example", "summary": "Later", "start": "2026-09-01T09:00:00Z",
             "end": "2026-09-01T10:00:00Z", "organizer": {"email": ANN}},
        ]
        self.admin("events", {"user": ANN, "events": events})
        url = "/v1.0/users/%s/calendarView/delta" % ANN
        self.assert_graph_error(self.get(url), 400, "ErrorInvalidParameter")
        items, link = self.delta_round(url, prefer="odata.maxpagesize=2", startDateTime="2026-03-01T00:00:00Z",
                                       endDateTime="2026-04-01T00:00:00Z")
        self.assertEqual(len(items), 4)
        occ = [i for i in items if i["type"] == "occurrence"]
        self.assertEqual([o["start"] for o in occ],
                         [{"dateTime": "2026-03-%02dT09:00:00.0000000" % d, "timeZone": "UTC"} for d in (2, 9, 16)])
        self.assertEqual(len({o["seriesMasterId"] for o in occ}), 1)
        self.assertEqual({o["uid"] for o in occ}, {"standup@corp.example"})
        self.assertEqual(len({o["iCalUId"] for o in occ}), 3)  # one per occurrence
        self.assertEqual(occ[0]["attendees"][0]["type"], "optional")
        self.assertEqual(occ[0]["attendees"][0]["status"]["response"], "tentativelyAccepted")
        qbr = next(i for i in items if i["subject"] == "QBR")
        self.assertEqual(qbr["type"], "singleInstance")
        self.assertEqual(qbr["attendees"][1], {"type": "resource", "status": {"response": "none",
                                                                                "time": "0001-01-01T00:00:00Z"},
                                               "emailAddress": {"name": "Room 4", "address": "room4@corp.example"}})
        self.assertEqual(qbr["organizer"]["emailAddress"]["address"], "carl@client.example")
        self.assertFalse(qbr["isOrganizer"])
        self.admin("delete_event", {"user": ANN, "uid": "qbr@client.example"})
        changes, link2 = self.delta_round(link)
        self.assertEqual(changes, [{"@odata.type": "#microsoft.graph.event", "id": qbr["id"],
                                    "@removed": {"reason": "deleted"}}])
        self.admin("expire_delta", {"user": ANN})
        self.assert_graph_error(self.get(link2), 410, "syncStateNotFound")


if __name__ == "__main__":
    unittest.main(verbosity=2)
