#!/usr/bin/env python3
"""kith serve answers its API while a sync or a capture waits on the network.

Real processes on loopback: `kith serve` with a Salesforce org
(fake_salesforce.py) whose queries are made slow, and with CalDAV sources
whose server accepts the connection and then says nothing, or answers the
first batch of events and takes its time over the second. While the sync or
the fetch waits, the console's reads and writes (GET /api/v1/status, POST
/api/v1/dedup, POST /api/v1/remove) must each answer within a second: no
store lock is held across network I/O (DESIGN.md, "Layers").
"""

import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_kith_sync import ACCOUNTS, KITH, OPPORTUNITIES, USERS, Org  # noqa: E402

TOKEN = "serve-busy-token-0123456789abcdef0123456789"
SLOW_S = 4.0  # each slow reply takes this long
QUICK_S = 1.0  # what the API may take meanwhile


class Serve:
    """kith serve on a free loopback port, its log in TMP/serve.log."""

    def __init__(self, tmp, db, conf):
        self.log_path = os.path.join(tmp, "serve.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([KITH, "--db", db, "--config", conf, "serve"],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        self.url = None
        for _ in range(100):
            port = self.event("started", "port")
            if port:
                self.url = "http://127.0.0.1:%d" % port
                break
            time.sleep(0.1)

    def events(self):
        with open(self.log_path) as f:
            for line in f:
                try:
                    yield json.loads(line)
                except ValueError:
                    pass

    def event(self, name, field):
        for e in self.events():
            if e.get("event") == name:
                return e.get(field)
        return None

    def call(self, method, path, body=None):
        """(status, reply, seconds taken)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + TOKEN,
                                              "Content-Type": "application/json"})
        start = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        return status, json.loads(text) if text else None, time.monotonic() - start

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Silent:
    """A TCP server on loopback that accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.accepted = threading.Event()
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(c)
            self.accepted.set()

    def stop(self):
        self.sock.close()
        for c in self.held:
            c.close()


EVENTS = 150  # two calendar-multiget batches of kith's (100 a batch)


def event(n):
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith tests//EN\r\nBEGIN:VEVENT\r\n"
            "UID:busy-%d@corp.example\r\nDTSTAMP:20260301T090000Z\r\n"
            "DTSTART:20260301T%02d%02d00Z\r\nDURATION:PT30M\r\nSUMMARY:Call %d\r\n"
            "ORGANIZER;CN=Ann Lee:mailto:ann.lee@corp.example\r\n"
            "ATTENDEE;CN=Guest %d:mailto:guest%d@contoso.com\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n" % (n, 8 + n // 60, n % 60, n, n, n))


class SlowDav(http.server.ThreadingHTTPServer):
    """A CalDAV calendar of EVENTS events at /cal/ whose second calendar-multiget
    answers SLOW_S late: kith has handed the first batch to the store by then."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), DavHandler)
        self.multigets = 0
        self.slow_started = threading.Event()
        threading.Thread(target=self.serve_forever, daemon=True).start()


class DavHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def multistatus(self, inner):
        body = ('<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:" '
                'xmlns:C="urn:ietf:params:xml:ns:caldav">%s</D:multistatus>' % inner).encode()
        self.send_response(207)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PROPFIND(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.multistatus(
            "<D:response><D:href>/cal/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/>"
            "<C:calendar/></D:resourcetype><D:displayname>Work</D:displayname></D:prop>"
            "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>")

    def do_REPORT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        ok = "<D:status>HTTP/1.1 200 OK</D:status>"
        if "sync-collection" in body:
            items = "".join("<D:response><D:href>/cal/e%d.ics</D:href><D:propstat><D:prop>"
                            "<D:getetag>\"%d\"</D:getetag></D:prop>%s</D:propstat></D:response>"
                            % (n, n, ok) for n in range(EVENTS))
            return self.multistatus(items + "<D:sync-token>tok-1</D:sync-token>")
        with threading.Lock():
            self.server.multigets += 1
            slow = self.server.multigets == 2
        if slow:
            self.server.slow_started.set()
            time.sleep(SLOW_S)
        hrefs = re.findall(r"<D:href>/cal/e(\d+)\.ics</D:href>", body)
        self.multistatus("".join(
            "<D:response><D:href>/cal/e%s.ics</D:href><D:propstat><D:prop><D:getetag>\"%s\""
            "</D:getetag><C:calendar-data>%s</C:calendar-data></D:prop>%s</D:propstat>"
            "</D:response>" % (n, n, event(int(n)), ok) for n in hrefs))


class ServeBusyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.tmp = self.dir.name
        self.db = os.path.join(self.tmp, "kith.db")
        self.conf = os.path.join(self.tmp, "kith.conf")
        token = os.path.join(self.tmp, "token")
        with open(token, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(token, 0o600)
        self.org = None
        self.serve = None
        self.silent = None
        self.dav = None

    def tearDown(self):
        if self.silent:
            self.silent.stop()
        if self.dav:
            self.dav.shutdown()
            self.dav.server_close()
        if self.serve:
            self.serve.stop()
        if self.org:
            self.org.stop()
        self.dir.cleanup()

    def write_conf(self, extra):
        with open(self.conf, "w") as f:
            f.write("[org]\ninternal_domains = corp.example\n"
                    "integration_user = 005000000000000AAA\n\n"
                    "[serve]\nlisten = 127.0.0.1:0\ntoken_file = %s\nsync_interval = 1\n"
                    "scan_interval = 3600\n\n%s"
                    % (os.path.join(self.tmp, "token"), extra))
        r = subprocess.run([KITH, "--db", self.db, "--config", self.conf, "init"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)

    def assert_quick(self, what):
        """The console's reads and writes each answer within QUICK_S."""
        s = self.serve
        status, reply, took = s.call("GET", "/api/v1/status")
        self.assertEqual(status, 200, reply)
        self.assertLess(took, QUICK_S, "GET /api/v1/status during %s" % what)
        status, reply, took = s.call("POST", "/api/v1/dedup", {"dry_run": True})
        self.assertEqual(status, 200, reply)
        self.assertLess(took, QUICK_S, "POST /api/v1/dedup during %s" % what)
        status, reply, took = s.call("POST", "/api/v1/remove", {"contact_id": "003000000000000ZZZ"})
        self.assertEqual(status, 404, reply)
        self.assertLess(took, QUICK_S, "POST /api/v1/remove during %s" % what)

    def test_api_answers_during_a_slow_salesforce_sync(self):
        self.org = Org(self.tmp)
        self.org.admin("records", {"User": USERS, "Account": ACCOUNTS,
                                   "Opportunity": OPPORTUNITIES})
        self.write_conf("[salesforce]\nlogin_url = %s\nclient_id = kith-test\n"
                        "user = integration@corp.example\nprivate_key = %s\n"
                        "retry_base_ms = 5\nmax_retries = 3\ntimeout = 30\n"
                        % (self.org.url, self.org.key))
        # Every query of the mirror's refresh answers SLOW_S late.
        self.org.admin("faults", {"method": "GET", "path_contains": "/query",
                                  "times": 3, "then": {"delay": SLOW_S}})
        self.serve = Serve(self.tmp, self.db, self.conf)
        self.assertIsNotNone(self.serve.url, "kith serve did not start")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if any("/query" in r["path"] for r in self.org.admin("requests")):
                break
            time.sleep(0.05)
        else:
            self.fail("the sync never asked the org")
        time.sleep(0.3)  # the slow reply is well under way
        self.assert_quick("a sync waiting on Salesforce")
        # ... and the sync itself goes on to the end.
        deadline = time.monotonic() + 60
        last = None
        while time.monotonic() < deadline:
            _, reply, _ = self.serve.call("GET", "/api/v1/status")
            last = reply.get("last_sync")
            if last:
                break
            time.sleep(0.2)
        self.assertIsNotNone(last, "no sync finished")
        self.assertTrue(last["ok"], last)

    def test_api_answers_during_a_stalled_caldav_fetch(self):
        self.silent = Silent()
        password = os.path.join(self.tmp, "dav.pw")
        with open(password, "w") as f:
            f.write("secret\n")
        os.chmod(password, 0o600)
        self.write_conf("[source calendar]\ntype = caldav\nurl = http://127.0.0.1:%d/dav/\n"
                        "user = ann\npassword_file = %s\n" % (self.silent.port, password))
        self.serve = Serve(self.tmp, self.db, self.conf)
        self.assertIsNotNone(self.serve.url, "kith serve did not start")
        self.assertTrue(self.silent.accepted.wait(20), "the scan never reached the server")
        time.sleep(0.3)
        self.assert_quick("a CalDAV fetch waiting on its server")

    def test_api_answers_while_a_caldav_fetch_waits_between_batches(self):
        self.dav = SlowDav()
        password = os.path.join(self.tmp, "dav.pw")
        with open(password, "w") as f:
            f.write("secret\n")
        os.chmod(password, 0o600)
        self.write_conf("[source calendar]\ntype = caldav\nurl = http://127.0.0.1:%d/cal/\n"
                        "user = ann\npassword_file = %s\n"
                        % (self.dav.server_address[1], password))
        self.serve = Serve(self.tmp, self.db, self.conf)
        self.assertIsNotNone(self.serve.url, "kith serve did not start")
        self.assertTrue(self.dav.slow_started.wait(30), "the second batch was never asked for")
        time.sleep(0.3)
        self.assert_quick("a CalDAV fetch waiting between two batches")
        # The first batch is stored already; the rest once the server answers.
        deadline = time.monotonic() + 30
        activities = None
        while time.monotonic() < deadline:
            _, reply, _ = self.serve.call("GET", "/api/v1/status")
            activities = reply.get("activities")
            if activities == EVENTS and reply.get("last_ingest"):
                break
            time.sleep(0.2)
        self.assertEqual(activities, EVENTS)


if __name__ == "__main__":
    unittest.main()
