#!/usr/bin/env python3
"""kith ingest --source against the local Microsoft Graph test server (fake_graph.py).

Drives the real kith binary (KITH env or argv[1]) with a [source NAME] of
type microsoft: an app-only token (a client assertion signed with the
certificate's key, x5t its thumbprint; or a client secret), messages/delta
per mail folder and calendarView/delta per User, the delta links kept in
the store. Shown end to end, into the store's activities and the CRM's
contacts: the first pass, an incremental pass of one request per User and
folder, a token renewed after a 401, an expired delta (410, read again
without duplicates), throttling waited out, Users without a mailbox
skipped while the others are read, and MIME content fetched only where
the sender is outside.
"""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.environ.get("KITH_FAKE_GRAPH") or os.path.join(HERE, "fake_graph.py")
KITH = os.environ.get("KITH") or (sys.argv[1] if len(sys.argv) > 1 else "build/kith")
TENANT = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
CLIENT = "5e6f7081-92a3-b4c5-d6e7-f8091a2b3c4d"
SECRET = "s3cr~et.value"

USERS = [  # the CRM's Users
    ("005000000000001AAA", "Ann", "Lee", "ann.lee@corp.example", "true"),
    ("005000000000002AAA", "Bob", "Stone", "bob.stone@corp.example", "true"),
    ("005000000000003AAA", "Carl", "Moss", "carl.moss@corp.example", "true"),  # no Exchange Online
    ("005000000000006AAA", "Fay", "Lund", "fay.lund@corp.example", "true"),    # no mailbox at all
]
ACCOUNTS = [("001000000000101AAA", "Acme", "acme.com", "005000000000001AAA"),
            ("001000000000102AAA", "Globex", "globex.com", "005000000000002AAA")]


def read(path):
    with open(path) as f:
        return f.read().strip()


def days_ago(n):
    return datetime.now(timezone.utc) - timedelta(days=n)


def message(mid, frm, to, subject, body, days=2):
    return ("Message-ID: <%s>\r\nDate: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s"
            % (mid, days_ago(days).strftime("%a, %d %b %Y %H:%M:%S +0000"), frm, to, subject, body))


def event(uid, summary, days, organizer, attendees, recurrence=None):
    start = days_ago(days).replace(microsecond=0)
    out = {"uid": uid, "summary": summary, "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
           "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "organizer": organizer, "attendees": attendees}
    if recurrence:
        out["recurrence"] = recurrence
    return out


class Graph:
    """The test server on a free loopback port, with a fresh certificate."""

    def __init__(self, tmp):
        key, crt = os.path.join(tmp, "app.key"), os.path.join(tmp, "app.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=kith", "-keyout", key, "-out", crt],
                       check=True, capture_output=True)
        self.pem = os.path.join(tmp, "graph.pem")
        with open(self.pem, "w") as f:
            f.write(read(key) + "\n" + read(crt) + "\n")
        os.chmod(self.pem, 0o600)
        self.secret_file = os.path.join(tmp, "graph.secret")
        with open(self.secret_file, "w") as f:
            f.write(SECRET + "\n")
        os.chmod(self.secret_file, 0o600)
        port_file = os.path.join(tmp, "graph.port")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file, "--tenant", TENANT,
             "--tenant-domain", "corp.example", "--client-id", CLIENT, "--client-secret", SECRET,
             "--certificate", crt, "--max-seconds", "300"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file) and read(port_file):
                break
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%s" % read(port_file)

    def admin(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + "/__admin/" + path, data=data,
                                     method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def mail(self, user, raw, folder="inbox"):
        return self.admin("messages", {"user": user, "raw": raw, "folder": folder})

    def requests(self):
        got = self.admin("requests")
        self.admin("requests/clear", {})
        return got

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class MicrosoftSourceTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.tmp = self.dir.name
        self.graph = Graph(self.tmp)
        self.graph.admin("users", {"users": [
            {"email": "ann.lee@corp.example", "name": "Ann Lee"},
            {"email": "bob.stone@corp.example", "name": "Bob Stone"},
            {"email": "carl.moss@corp.example", "name": "Carl Moss", "mailbox": "not_enabled"},
            {"email": "fay.lund@corp.example", "name": "Fay Lund", "mailbox": "not_found"}]})
        self.db = os.path.join(self.tmp, "kith.db")
        self.conf = os.path.join(self.tmp, "kith.conf")
        self.write_conf()
        self.kith("init")
        for obj, rows, head in (("User", USERS, "Id,FirstName,LastName,Email,IsActive"),
                                ("Account", ACCOUNTS, "Id,Name,Website,OwnerId")):
            path = os.path.join(self.tmp, obj + ".csv")
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(head.split(","))
                w.writerows(rows)
            self.kith("crm", "import", obj, path)
        self.seed()
        self.graph.requests()

    def tearDown(self):
        self.graph.stop()
        self.dir.cleanup()

    def write_conf(self, credential=None, extra="", domains="corp.example"):
        credential = credential or "certificate_file = %s" % self.graph.pem
        with open(self.conf, "w") as f:
            f.write("[org]\ninternal_domains = corp.example\n"
                    "integration_user = 005000000000001AAA\n\n"
                    "[source m365]\ntype = microsoft\ntenant = %s\nclient_id = %s\n%s\n"
                    "domains = %s\nstart_date = %s\n%s"
                    % (TENANT, CLIENT, credential, domains, days_ago(30).strftime("%Y-%m-%d"),
                       extra))

    def kith(self, *args, check=True, env_extra=None):
        env = dict(os.environ, KITH_MICROSOFT_BASE_URL=self.graph.url)
        env.update(env_extra or {})
        env.pop("KITH_DB", None)
        env.pop("KITH_CONFIG", None)
        r = subprocess.run([KITH, "--db", self.db, "--config", self.conf] + list(args),
                           capture_output=True, text=True, env=env, timeout=120)
        if check and r.returncode != 0:
            self.fail("kith %s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def ingest(self, check=False):
        return self.kith("ingest", "--source", "m365", check=check)

    def counts(self, r):
        line = [l for l in r.stdout.splitlines() if "activities new" in l][-1]
        words = line.split(";")[1].split()
        return int(words[0]), int(words[3])

    def activities(self):
        with sqlite3.connect(self.db) as c:
            return sorted(r[0] for r in c.execute("SELECT id FROM activity"))

    def contacts(self):
        self.kith("sync")
        with sqlite3.connect(self.db) as c:
            return {r[0]: r[1] for r in c.execute("SELECT Email, Title FROM Contact")}

    def seed(self):
        g = self.graph
        g.mail("ann.lee@corp.example", message(
            "m1@acme.com", "Jane Doe <jane@acme.com>", "Ann Lee <ann.lee@corp.example>", "Platform",
            "Hi Ann,\r\n\r\nThursday works.\r\n\r\nBest regards,\r\nJane Doe\r\nVP Engineering\r\n"
            "Acme\r\n+1 (415) 555-0142\r\n", days=3))
        g.mail("ann.lee@corp.example", message(
            "m2@corp.example", "Ann Lee <ann.lee@corp.example>", "Jane Doe <jane@acme.com>",
            "Re: Platform", "Great.\r\n\r\nAnn\r\n", days=2), folder="sentitems")
        g.mail("ann.lee@corp.example", message(
            "old@acme.com", "Jane Doe <jane@acme.com>", "Ann Lee <ann.lee@corp.example>",
            "Last year", "Old.\r\n", days=90))
        g.mail("bob.stone@corp.example", message(
            "m4@globex.com", "Max Power <max@globex.com>", "Bob Stone <bob.stone@corp.example>",
            "Globex", "Thanks Bob.\r\n\r\nMax Power\r\nHead of IT\r\nGlobex\r\n", days=1))
        g.mail("bob.stone@corp.example", message(
            "m3@corp.example", "Bob Stone <bob.stone@corp.example>", "\"Power, Max\" <max@globex.com>",
            "Globex", "Hello Max.\r\n", days=2), folder="sentitems")
        ann = {"email": "ann.lee@corp.example", "name": "Ann Lee"}
        g.admin("events", {"user": "ann.lee@corp.example", "events": [
            event("ev1@corp.example", "Acme kickoff", 2, ann, [
                {"email": "jane@acme.com", "name": "Jane Doe", "response": "accepted"},
                {"email": "room1@corp.example", "name": "Room 1", "resource": True}]),
            event("ev2@acme.com", "Declined demo", 3, {"email": "sue@acme.com", "name": "Sue"}, [
                {"email": "ann.lee@corp.example", "response": "declined"}])]})

    # ---------------------------------------------------------------- the tests

    def test_first_pass_with_a_certificate(self):
        r = self.ingest()
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = sorted(r.stderr.strip().splitlines())
        self.assertEqual(len(lines), 2, r.stderr)
        self.assertRegex(lines[0], r"^kith: source m365: carl.moss@corp.example: mail folder inbox: "
                                   r"404 .*MailboxNotEnabledForRESTAPI.*; this User is skipped$")
        self.assertRegex(lines[1], r"^kith: source m365: fay.lund@corp.example: .*404.*"
                                   r"; this User is skipped$")
        self.assertEqual(self.activities(), ["ev1@corp.example", "m1@acme.com", "m2@corp.example",
                                             "m3@corp.example", "m4@globex.com"])
        contacts = self.contacts()
        self.assertEqual(contacts.get("jane@acme.com"), "VP Engineering")
        self.assertEqual(contacts.get("max@globex.com"), "Head of IT")
        self.assertNotIn("room1@corp.example", contacts)
        token = [q for q in self.graph.requests() if q["path"].endswith("/oauth2/v2.0/token")]
        self.assertEqual(len(token), 1)  # one app token for every mailbox
        self.assertIn("client_assertion=", token[0]["body"])
        self.assertNotIn("client_secret", token[0]["body"])

    def test_mime_content_only_where_the_sender_is_outside(self):
        self.ingest()
        paths = [q["path"] for q in self.graph.requests()]
        values = [p for p in paths if p.endswith("/$value")]
        self.assertEqual(len(values), 2, paths)  # Jane's and Max's
        deltas = [p for p in paths if "/messages/delta" in p]
        self.assertTrue(deltas and all("$select=" in p for p in deltas), deltas)
        self.assertFalse([p for p in deltas if "body" in p.split("$select=")[1].split("&")[0]])

    def test_sender_domain_normalised_r1(self):
        # R1: the sender's domain is read as every address is, lower case and
        # IDNA: a colleague at B\u00dcCHER.example is the team's own, read by
        # the header only, like one at Corp.Example.
        self.write_conf(domains="corp.example, b\u00fccher.example")
        self.graph.mail("ann.lee@corp.example", message(
            "m5@corp.example", "Bob Stone <Bob.Stone@CORP.Example>",
            "Ann Lee <ann.lee@corp.example>", "Notes", "Internal.\r\n", days=1))
        self.graph.mail("ann.lee@corp.example", message(
            "m6@bucher.example", "Kai Berg <Kai@B\u00dcCHER.Example>",
            "Ann Lee <ann.lee@corp.example>", "Buch", "Hallo.\r\n", days=1))
        self.graph.requests()
        self.ingest()
        self.assertIn("m6@bucher.example", self.activities())
        self.assertIn("m5@corp.example", self.activities())
        values = [q["path"] for q in self.graph.requests() if q["path"].endswith("/$value")]
        self.assertEqual(len(values), 2, values)  # Jane's and Max's only

    def test_recurring_meeting_is_one_activity_by_its_series_uid(self):
        # Graph's iCalUId differs per occurrence; the series' uid is what
        # Google's iCalUID and a CalDAV or .ics VEVENT's UID are: one
        # activity per series, the same id from every source (R10).
        ann = {"email": "ann.lee@corp.example", "name": "Ann Lee"}
        self.graph.admin("events", {"user": "bob.stone@corp.example", "events": [
            event("weekly@corp.example", "Globex weekly", 15, ann, [
                {"email": "bob.stone@corp.example", "response": "accepted"},
                {"email": "max@globex.com", "name": "Max Power", "response": "accepted"}],
                recurrence="RRULE:FREQ=WEEKLY;COUNT=3")]})
        r = self.ingest()
        self.assertEqual(self.counts(r), (6, 2))  # three occurrences: one new, two duplicates
        self.assertIn("weekly@corp.example", self.activities())
        with sqlite3.connect(self.db) as c:
            n = c.execute("SELECT count(*) FROM activity WHERE kind = 'meeting'").fetchone()[0]
        self.assertEqual(n, 2)  # ev1 and the series

    def test_incremental_pass_asks_one_question_per_user_and_folder(self):
        self.ingest()
        self.graph.requests()
        r = self.ingest()
        self.assertEqual(self.counts(r), (0, 0))
        api = [q["path"] for q in self.graph.requests() if "/v1.0/" in q["path"]]
        ann_bob = [p for p in api if "carl" not in p and "fay" not in p]
        # inbox, sentitems and the calendar, from their delta links
        self.assertEqual(len(ann_bob), 6, api)
        self.assertTrue(all("deltatoken" in p.lower() for p in ann_bob), ann_bob)
        self.graph.mail("bob.stone@corp.example", message(
            "m9@globex.com", "Max Power <max@globex.com>", "Bob Stone <bob.stone@corp.example>",
            "Again", "Hi.\r\n\r\nMax\r\n", days=0))
        r = self.ingest()
        self.assertEqual(self.counts(r), (1, 0))

    def test_a_client_secret_works_and_a_wrong_one_stops_the_source(self):
        self.write_conf("client_secret_file = %s" % self.graph.secret_file)
        r = self.ingest()
        self.assertEqual(self.counts(r), (5, 0))
        with open(self.graph.secret_file, "w") as f:
            f.write("wrong\n")
        r = self.ingest()
        self.assertEqual(r.returncode, 1)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r"^kith: source m365: no access token: 401 invalid_client")

    def test_expired_delta_reads_again_without_duplicates(self):
        self.ingest()
        self.graph.admin("expire_delta", {})
        self.graph.mail("ann.lee@corp.example", message(
            "m8@acme.com", "Rick Roe <rick@acme.com>", "Ann Lee <ann.lee@corp.example>",
            "Hello", "Hi.\r\n\r\nRick\r\n", days=0))
        r = self.ingest()
        self.assertEqual(self.counts(r), (1, 5))
        self.assertEqual(len(self.activities()), 6)
        r = self.ingest()
        self.assertEqual(self.counts(r), (0, 0))

    def test_token_renewed_and_throttling_waited_out(self):
        self.graph.admin("faults", [
            {"path_contains": "/messages/delta", "user": "ann.lee@corp.example",
             "then": {"status": 401}},
            {"path_contains": "/$value", "times": 2, "then": {"status": 429, "retry_after": 1}},
            {"path_contains": "/calendarView", "then": {"status": 503}}])
        r = self.ingest()
        self.assertEqual(self.activities(), ["ev1@corp.example", "m1@acme.com", "m2@corp.example",
                                             "m3@corp.example", "m4@globex.com"])
        self.assertNotIn("ann.lee", r.stderr)
        self.assertNotIn("bob.stone", r.stderr)
        token = [q for q in self.graph.requests() if q["path"].endswith("/oauth2/v2.0/token")]
        self.assertEqual(len(token), 2)  # the 401 renewed it
        self.assertEqual(self.graph.admin("faults"), [])

    def test_never_more_requests_at_once_than_a_mailbox_allows(self):
        self.graph.admin("settings", {"max_concurrency": 1, "latency": 0.05})
        r = self.ingest()
        self.assertEqual(self.counts(r), (5, 0))
        self.assertNotIn("ApplicationThrottled", r.stderr)

    def test_base_url_only_on_loopback(self):
        # The test server's base URL is refused anywhere but loopback: the
        # app's token would go there.
        r = self.kith("ingest", "--source", "m365", check=False,
                      env_extra={"KITH_MICROSOFT_BASE_URL": "http://graph.example.net"})
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r"^kith: source m365: KITH_MICROSOFT_BASE_URL: "
                                   r"'http://graph.example.net' is not on loopback")
        self.assertEqual(self.graph.requests(), [])

    # -- progress on a long first pass

    def test_progress_is_not_printed_when_stderr_is_not_a_terminal(self):
        r = self.ingest()
        self.assertNotIn("\r", r.stderr)
        self.assertNotIn("users", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 2, r.stderr)  # Carl's and Fay's

    def test_progress_on_a_terminal_rewrites_one_line(self):
        import pty
        master, slave = pty.openpty()
        env = dict(os.environ, KITH_MICROSOFT_BASE_URL=self.graph.url)
        env.pop("KITH_DB", None)
        env.pop("KITH_CONFIG", None)
        proc = subprocess.Popen([KITH, "--db", self.db, "--config", self.conf, "ingest",
                                 "--source", "m365"], stdout=subprocess.PIPE, stderr=slave,
                                env=env)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        proc.communicate(timeout=120)
        os.close(master)
        text = out.decode()
        self.assertIn("\r\x1b[Kkith: capture: 0/4 users, ", text)
        self.assertRegex(text, r"\r\x1b\[Kkith: capture: 1/4 users, \d+ messages and events, \d+ "
                               r"activities, [0-9.]+s, about \d+s left")
        self.assertRegex(text, r"\r\x1b\[Kkith: capture: 4/4 users, \d+ messages and events, 5 "
                               r"activities, [0-9.]+s\r?\n")

    def test_progress_in_the_console_status(self):
        self.graph.admin("settings", {"latency": 0.15})
        token_file = os.path.join(self.tmp, "token")
        with open(self.conf, "a") as f:
            f.write("\n[serve]\nlisten = 127.0.0.1:0\ntoken_file = %s\nscan_interval = 3600\n"
                    % token_file)
        env = dict(os.environ, KITH_MICROSOFT_BASE_URL=self.graph.url)
        log_path = os.path.join(self.tmp, "serve.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen([KITH, "--db", self.db, "--config", self.conf, "serve"],
                                    stdout=subprocess.DEVNULL, stderr=log, env=env)
        seen = []
        try:
            port = None
            for _ in range(200):
                with open(log_path) as f:
                    started = [json.loads(l) for l in f if '"event":"started"' in l]
                if started and os.path.exists(token_file):
                    port = started[0]["port"]
                    break
                time.sleep(0.05)
            self.assertIsNotNone(port)
            token = read(token_file)
            done = False
            for _ in range(600):
                req = urllib.request.Request("http://127.0.0.1:%d/api/v1/status" % port,
                                             headers={"Authorization": "Bearer " + token})
                with urllib.request.urlopen(req, timeout=10) as r:
                    status = json.loads(r.read())
                self.assertIn("progress", status)
                if status["progress"]:
                    seen.append(status["progress"])
                if seen and status["last_ingest"]:
                    done = status["progress"] is None
                    break
                time.sleep(0.05)
            self.assertTrue(done, seen)
        finally:
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(30), 0)
        capture = [p for p in seen if p["phase"] == "capture"]
        self.assertTrue(capture, seen)
        self.assertTrue(all(p["source"] == "m365" and p["users_total"] == 4 for p in capture),
                        capture)
        midway = [p for p in capture if 0 < p["users_done"] < 4]
        self.assertTrue(midway, capture)
        self.assertTrue(all(isinstance(p["eta_seconds"], int) for p in midway), midway)
        self.assertTrue(all(isinstance(p["messages"], int) for p in capture), capture)

    def test_sigterm_during_the_first_scan_stops_cleanly(self):
        # kith serve scans its sources at once; a stop asked meanwhile is
        # handled when the scan is done (exit 0, "stopped"), not by dying
        self.graph.admin("settings", {"latency": 0.15})
        token_file = os.path.join(self.tmp, "token")
        with open(self.conf, "a") as f:
            f.write("\n[serve]\nlisten = 127.0.0.1:0\ntoken_file = %s\nscan_interval = 3600\n"
                    % token_file)
        env = dict(os.environ, KITH_MICROSOFT_BASE_URL=self.graph.url)
        log_path = os.path.join(self.tmp, "serve-term.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen([KITH, "--db", self.db, "--config", self.conf, "serve"],
                                    stdout=subprocess.DEVNULL, stderr=log, env=env)
        try:
            for _ in range(400):
                with open(log_path) as f:
                    if '"event":"started"' in f.read():
                        break
                time.sleep(0.025)
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(120), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        with open(log_path) as f:
            self.assertIn('"event":"stopped"', f.read())

    def test_config_needs_one_credential(self):
        self.write_conf("certificate_file = %s\nclient_secret_file = %s"
                        % (self.graph.pem, self.graph.secret_file))
        r = self.ingest()
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("certificate_file or client_secret_file", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
