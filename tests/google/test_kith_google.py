#!/usr/bin/env python3
"""kith ingest --source against the local Google Workspace test server (fake_google.py).

Drives the real kith binary (KITH env or argv[1]) with a [source NAME] of
type google: a service account's key (mode 0600) signs a JWT per User,
Gmail is listed once and then read from its history, the primary calendar
from its sync token. Shown end to end, into the store's activities and the
CRM's contacts: the first pass, an incremental pass that asks one cheap
question per User and folder, a token that expires and is renewed, an
expired history id and sync token (the window read again, no duplicates),
throttling waited out, one broken User skipped while the others are read,
and data minimisation (the whole message only where the sender is outside).
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
SERVER = os.environ.get("KITH_FAKE_GOOGLE") or os.path.join(HERE, "fake_google.py")
KITH = os.environ.get("KITH") or (sys.argv[1] if len(sys.argv) > 1 else "build/kith")
CLIENT = "kith@kith-test.iam.gserviceaccount.com"
# exactly the scopes docs/sources.md tells the administrator to delegate
DELEGATED = ["https://www.googleapis.com/auth/gmail.readonly",
             "https://www.googleapis.com/auth/calendar.events.readonly"]

USERS = [  # the CRM's Users
    ("005000000000001AAA", "Ann", "Lee", "ann.lee@corp.example", "true"),
    ("005000000000002AAA", "Bob", "Stone", "bob.stone@corp.example", "true"),
    ("005000000000003AAA", "Carl", "Moss", "carl.moss@corp.example", "true"),   # no Gmail
    ("005000000000004AAA", "Dora", "Wynn", "dora.wynn@corp.example", "false"),  # inactive
    ("005000000000005AAA", "Eve", "Hart", "eve.hart@other.example", "true"),    # not in domains
    ("005000000000006AAA", "Fay", "Lund", "fay.lund@corp.example", "true"),     # not in Workspace
]
ACCOUNTS = [("001000000000101AAA", "Acme", "acme.com", "005000000000001AAA"),
            ("001000000000102AAA", "Globex", "globex.com", "005000000000002AAA")]


def read(path):
    with open(path) as f:
        return f.read().strip()


def days_ago(n):
    return datetime.now(timezone.utc) - timedelta(days=n)


def rfc2822(dt):
    return dt.strftime("%a, %d %b %Y %H:%M:%S +0000")


def message(mid, frm, to, subject, body, days=2):
    return ("Message-ID: <%s>\r\nDate: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s"
            % (mid, rfc2822(days_ago(days)), frm, to, subject, body))


JANE_SIGNED = ("Hi Ann,\r\n\r\nThursday works for us.\r\n\r\nBest regards,\r\nJane Doe\r\n"
               "VP Engineering\r\nAcme\r\n+1 (415) 555-0142\r\n")


class Google:
    """The test server on a free loopback port, with a fresh service account key."""

    def __init__(self, tmp):
        key = os.path.join(tmp, "sa.pem")
        subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True, capture_output=True)
        self.key_file = os.path.join(tmp, "sa.json")
        pem = read(key) + "\n"
        with open(self.key_file, "w") as f:
            json.dump({"type": "service_account", "project_id": "kith-test",
                       "private_key_id": "0123abcd", "private_key": pem, "client_email": CLIENT,
                       "client_id": "1234567890", "token_uri": "https://oauth2.googleapis.com/token"}, f)
        os.chmod(self.key_file, 0o600)
        port_file = os.path.join(tmp, "google.port")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file,
             "--service-account", self.key_file, "--scopes", " ".join(DELEGATED),
             "--max-seconds", "300"],
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

    def mail(self, user, raw, labels=("INBOX",)):
        return self.admin("messages", {"user": user, "raw": raw, "labelIds": list(labels)})

    def events(self, user, events):
        return self.admin("events", {"user": user, "events": events})

    def requests(self):
        """The API requests since the last call; a batch request is followed by
        each call it carries ({"path": ..., "batched": True})."""
        got = self.admin("requests")
        self.admin("requests/clear", {})
        out = []
        for q in got:
            out.append(q)
            if q["path"].startswith("/batch/"):
                out += [{"method": "GET", "path": line.split()[1], "batched": True}
                        for line in q["body"].splitlines() if line.startswith("GET ")]
        return out

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def event(uid, summary, days, organizer, attendees, **extra):
    start = days_ago(days).replace(microsecond=0)
    ev = {"uid": uid, "summary": summary,
          "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
          "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
          "organizer": organizer, "attendees": attendees}
    ev.update(extra)
    return ev


class GoogleSourceTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.tmp = self.dir.name
        self.google = Google(self.tmp)
        self.google.admin("users", {"users": [
            {"email": "ann.lee@corp.example", "name": "Ann Lee"},
            {"email": "bob.stone@corp.example", "name": "Bob Stone"},
            {"email": "carl.moss@corp.example", "name": "Carl Moss", "mailbox": False},
            {"email": "dora.wynn@corp.example", "name": "Dora Wynn"}]})
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
        self.google.requests()

    def tearDown(self):
        self.google.stop()
        self.dir.cleanup()

    def write_conf(self, extra=""):
        with open(self.conf, "w") as f:
            f.write("[org]\ninternal_domains = corp.example\n"
                    "integration_user = 005000000000001AAA\n\n"
                    "[source team]\ntype = google\nkey_file = %s\ndomains = corp.example\n"
                    "start_date = %s\n%s"
                    % (self.google.key_file, days_ago(30).strftime("%Y-%m-%d"), extra))

    def kith(self, *args, check=True, env_extra=None):
        env = dict(os.environ, KITH_GOOGLE_BASE_URL=self.google.url)
        env.update(env_extra or {})
        env.pop("KITH_DB", None)
        env.pop("KITH_CONFIG", None)
        r = subprocess.run([KITH, "--db", self.db, "--config", self.conf] + list(args),
                           capture_output=True, text=True, env=env, timeout=120)
        if check and r.returncode != 0:
            self.fail("kith %s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def ingest(self, check=True):
        return self.kith("ingest", "--source", "team", check=check)

    def counts(self, r):
        line = [l for l in r.stdout.splitlines() if "activities new" in l][-1]
        words = line.split(";")[1].split()
        return int(words[0]), int(words[3])

    def activities(self):
        with sqlite3.connect(self.db) as c:
            return sorted(r[0] for r in c.execute("SELECT id FROM activity"))

    def contacts(self):
        """The CRM's contacts once the outbox is applied: {Email: Title}."""
        self.kith("sync")
        with sqlite3.connect(self.db) as c:
            return {r[0]: r[1] for r in c.execute("SELECT Email, Title FROM Contact")}

    def seed(self):
        g = self.google
        g.mail("ann.lee@corp.example", message(
            "m1@acme.com", "Jane Doe <jane@acme.com>", "Ann Lee <ann.lee@corp.example>",
            "Platform", JANE_SIGNED, days=3))
        g.mail("ann.lee@corp.example", message(
            "m2@corp.example", "Ann Lee <ann.lee@corp.example>", "Jane Doe <jane@acme.com>",
            "Re: Platform", "Great, see you then.\r\n\r\nAnn\r\n", days=2), labels=("SENT",))
        g.mail("ann.lee@corp.example", message(
            "old@acme.com", "Jane Doe <jane@acme.com>", "Ann Lee <ann.lee@corp.example>",
            "Last year", "Old news.\r\n", days=90))
        g.mail("bob.stone@corp.example", message(
            "m3@corp.example", "Bob Stone <bob.stone@corp.example>", "Max Power <max@globex.com>",
            "Globex", "Hello Max,\r\n\r\nBob\r\n", days=2), labels=("SENT",))
        g.mail("bob.stone@corp.example", message(
            "m4@globex.com", "Max Power <max@globex.com>", "Bob Stone <bob.stone@corp.example>",
            "Re: Globex", "Thanks Bob.\r\n\r\nMax Power\r\nHead of IT\r\nGlobex\r\n", days=1))
        g.mail("dora.wynn@corp.example", message(
            "m5@acme.com", "Zed Zero <zed@acme.com>", "Dora Wynn <dora.wynn@corp.example>",
            "Hi", "Hello.\r\n", days=1))
        ann = {"email": "ann.lee@corp.example", "name": "Ann Lee"}
        g.events("ann.lee@corp.example", [
            event("ev1@corp.example", "Acme kickoff", 2, ann, [
                {"email": "ann.lee@corp.example", "response": "accepted"},
                {"email": "jane@acme.com", "name": "Jane Doe", "response": "accepted"},
                {"email": "rick@acme.com", "name": "Rick Roe", "response": "accepted"},
                {"email": "c_room1@resource.calendar.google.com", "name": "Room 1",
                 "resource": True, "response": "accepted"}]),
            event("ev2@acme.com", "Declined demo", 3, {"email": "sue@acme.com", "name": "Sue"}, [
                {"email": "ann.lee@corp.example", "response": "declined"},
                {"email": "sue@acme.com", "response": "accepted"}])])

    # ---------------------------------------------------------------- the tests

    def test_first_pass_reads_every_chosen_user(self):
        r = self.ingest(check=False)
        # Carl has no Gmail, Fay no Workspace account: each reported on one line, and skipped
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = sorted(r.stderr.strip().splitlines())
        self.assertEqual(len(lines), 2, r.stderr)
        self.assertRegex(lines[0], r"^kith: source team: carl.moss@corp.example: .*"
                                   r"Mail service not enabled.*; this User is skipped$")
        self.assertRegex(lines[1], r"^kith: source team: fay.lund@corp.example: no access token: "
                                   r"400 invalid_grant: Invalid email or User ID; this User is skipped$")
        # Ann's and Bob's mail in the window and Ann's meeting; not Dora's (inactive),
        # not the one older than start_date, not the meeting Ann declined.
        self.assertEqual(self.activities(), ["ev1@corp.example", "m1@acme.com", "m2@corp.example",
                                             "m3@corp.example", "m4@globex.com"])
        contacts = self.contacts()
        self.assertEqual(contacts.get("jane@acme.com"), "VP Engineering")  # read from the raw message
        self.assertEqual(contacts.get("max@globex.com"), "Head of IT")
        self.assertNotIn("c_room1@resource.calendar.google.com", contacts)  # R11: a resource

    def test_raw_only_where_the_sender_is_outside(self):
        self.ingest(check=False)
        got = self.google.requests()
        # the messages of a mailbox are asked for in batches, never one by one
        self.assertFalse([q for q in got if "/messages/" in q["path"] and not q.get("batched")])
        self.assertEqual(len([q for q in got if q["path"].startswith("/batch/")]), 4)  # headers, raw: each
        gets = [q["path"] for q in got if "/messages/" in q["path"]]
        raw = sorted(p for p in gets if "format=raw" in p)
        meta = [p for p in gets if "format=metadata" in p]
        self.assertEqual(len(meta), 4, gets)  # every message of the window, header only
        self.assertEqual(len(raw), 2, gets)   # Jane's and Max's, whose signatures are read
        self.assertFalse([p for p in gets if "format=full" in p or "format=" not in p])
        # of a colleague's message, only the header fields kith reads
        self.assertTrue(all("metadataHeaders=From" in p and "metadataHeaders=List-Id" in p
                            for p in meta), meta)

    def test_automatic_mail_between_colleagues_is_known_by_its_header(self):
        self.google.mail("ann.lee@corp.example",
                         "Auto-Submitted: auto-generated\r\n" + message(
                             "auto@corp.example", "Ann Lee <ann.lee@corp.example>",
                             "Ops <ops@acme.com>", "Weekly figures", "Figures.\r\n", days=1),
                         labels=("SENT",))
        self.ingest(check=False)
        with sqlite3.connect(self.db) as c:
            rows = c.execute("SELECT reason FROM engagement_log WHERE activity_id = ?",
                             ("auto@corp.example",)).fetchall()
        self.assertIn(("automatic",), rows)
        self.assertNotIn("ops@acme.com", self.contacts())

    def test_incremental_pass_asks_one_question_per_user_and_folder(self):
        self.ingest(check=False)
        self.google.requests()
        r = self.ingest(check=False)
        self.assertEqual(self.counts(r), (0, 0))
        calls = [q["path"].split("?")[0] for q in self.google.requests()]
        api = [p for p in calls if p != "/token"]
        # Ann and Bob: one history.list and one events.list each; Carl, with no
        # history id kept, asks for his profile again and is refused again.
        self.assertEqual(sorted(api), sorted(["/gmail/v1/users/me/history"] * 2 +
                                             ["/gmail/v1/users/me/profile"] +
                                             ["/calendar/v3/calendars/primary/events"] * 2), calls)
        # new mail and a new meeting come on the next pass, and only they
        self.google.mail("ann.lee@corp.example", message(
            "m6@acme.com", "Jane Doe <jane@acme.com>", "Ann Lee <ann.lee@corp.example>",
            "Numbers", "Attached.\r\n\r\nJane\r\n", days=0))
        self.google.events("bob.stone@corp.example", [event(
            "ev3@corp.example", "Globex review", 1, {"email": "bob.stone@corp.example"},
            [{"email": "max@globex.com", "response": "accepted"}])])
        r = self.ingest(check=False)
        self.assertEqual(self.counts(r), (2, 0))
        self.assertIn("m6@acme.com", self.activities())
        self.assertIn("ev3@corp.example", self.activities())

    def test_drafts_spam_and_deleted_messages_are_not_read(self):
        self.ingest(check=False)
        self.google.requests()
        g = self.google
        g.mail("ann.lee@corp.example", message(
            "draft@corp.example", "Ann Lee <ann.lee@corp.example>", "Jane Doe <jane@acme.com>",
            "Draft", "Not sent.\r\n", days=0), labels=("DRAFT",))
        g.mail("ann.lee@corp.example", message(
            "spam@spam.example", "Spammer <win@spam.example>", "Ann Lee <ann.lee@corp.example>",
            "Win", "Click.\r\n", days=0), labels=("SPAM",))
        gone = g.mail("ann.lee@corp.example", message(
            "gone@acme.com", "Jane Doe <jane@acme.com>", "Ann Lee <ann.lee@corp.example>",
            "Oops", "Wrong person.\r\n", days=0))["messages"][0]["id"]
        g.admin("delete_message", {"user": "ann.lee@corp.example", "id": gone})
        r = self.ingest(check=False)
        self.assertEqual(self.counts(r), (0, 0))
        self.assertNotIn("gone@acme.com", r.stderr)
        gets = [q["path"] for q in g.requests() if "/messages/" in q["path"]]
        self.assertEqual(len(gets), 1, gets)  # the deleted one, answered 404: nothing to read

    def test_a_meeting_in_two_calendars_and_mail_in_two_mailboxes_is_one_activity(self):
        both = [{"email": "ann.lee@corp.example"}, {"email": "bob.stone@corp.example"},
                {"email": "jane@acme.com", "response": "accepted"}]
        for u in ("ann.lee@corp.example", "bob.stone@corp.example"):
            self.google.events(u, [event("shared@corp.example", "Joint", 1,
                                         {"email": "ann.lee@corp.example"}, both)])
        self.google.mail("bob.stone@corp.example", message(
            "m2@corp.example", "Ann Lee <ann.lee@corp.example>", "Jane Doe <jane@acme.com>, "
            "Bob Stone <bob.stone@corp.example>", "Re: Platform", "Great.\r\n", days=2))
        r = self.ingest(check=False)
        self.assertEqual(self.activities().count("shared@corp.example"), 1)
        new, seen = self.counts(r)
        self.assertEqual((new, seen), (6, 2))

    def test_recurring_meeting_is_one_activity_by_its_series_uid(self):
        # With singleEvents every occurrence comes on its own, all with the
        # series' iCalUID, as Graph's uid and a VEVENT's UID: one activity
        # per series, the same id from every source (R10).
        ann = {"email": "ann.lee@corp.example", "name": "Ann Lee"}
        self.google.events("bob.stone@corp.example", [
            event("weekly@corp.example", "Globex weekly", 15, ann, [
                {"email": "bob.stone@corp.example", "response": "accepted"},
                {"email": "max@globex.com", "name": "Max Power", "response": "accepted"}],
                recurrence="RRULE:FREQ=WEEKLY;COUNT=3")])
        r = self.ingest(check=False)
        self.assertEqual(self.counts(r), (6, 2))  # three occurrences: one new, two duplicates
        self.assertIn("weekly@corp.example", self.activities())
        with sqlite3.connect(self.db) as c:
            ids = [r[0] for r in c.execute("SELECT id FROM activity WHERE kind = 'meeting'")]
        self.assertEqual(sorted(ids), ["ev1@corp.example", "weekly@corp.example"])

    def test_token_expiry_renews_the_token(self):
        self.ingest(check=False)
        self.google.requests()
        self.google.mail("ann.lee@corp.example", message(
            "m7@acme.com", "Jane Doe <jane@acme.com>", "Ann Lee <ann.lee@corp.example>",
            "Later", "Later.\r\n\r\nJane\r\n", days=0))
        # every token dies after the first Gmail call of the pass
        self.google.admin("faults", [{"path_contains": "/gmail/v1/users/me/history",
                                      "user": "ann.lee@corp.example",
                                      "then": {"status": 401}}])
        r = self.ingest(check=False)
        self.assertEqual(self.counts(r), (1, 0))
        tokens = [q for q in self.google.requests() if q["path"] == "/token"]
        # Ann twice (the 401 renews), Bob, Carl and Fay (refused) once
        self.assertEqual(len(tokens), 5)
        self.google.admin("settings", {"token_lifetime": 2})
        self.google.admin("faults", [{"path_contains": "/gmail/", "user": "ann.lee@corp.example",
                                      "then": {"delay": 2.5}}])
        r = self.ingest(check=False)
        self.assertEqual(self.counts(r), (0, 0))
        self.assertNotIn("Invalid Credentials", r.stderr)

    def test_expired_cursors_read_the_window_again_without_duplicates(self):
        self.ingest(check=False)
        before = self.contacts()
        self.google.admin("expire_history", {})
        self.google.admin("expire_sync_tokens", {})
        self.google.mail("ann.lee@corp.example", message(
            "m8@acme.com", "Rick Roe <rick@acme.com>", "Ann Lee <ann.lee@corp.example>",
            "Hello", "Hi Ann.\r\n\r\nRick\r\n", days=0))
        self.google.requests()
        r = self.ingest(check=False)
        new, seen = self.counts(r)
        self.assertEqual(new, 1)
        self.assertEqual(seen, 5)  # the window again, each recognised (R10)
        paths = [q["path"] for q in self.google.requests()]
        self.assertTrue(any("/users/me/profile" in p for p in paths))
        self.assertEqual(sorted(set(self.contacts()) - set(before)), [])
        self.assertEqual(len(self.activities()), 6)
        # and the pass after is incremental again
        r = self.ingest(check=False)
        self.assertEqual(self.counts(r), (0, 0))
        profiles = [q for q in self.google.requests() if "/profile" in q["path"]]
        self.assertEqual(len(profiles), 1)  # Carl's, refused again

    def test_throttling_is_waited_out(self):
        self.google.admin("faults", [
            {"path_contains": "/messages/", "user": "ann.lee@corp.example", "times": 2,
             "then": {"status": 429, "retry_after": 1}},
            {"path_contains": "/calendar/", "user": "ann.lee@corp.example",
             "then": {"status": 403, "reason": "rateLimitExceeded"}},
            {"path_contains": "/messages?", "user": "bob.stone@corp.example",
             "then": {"status": 503}}])
        t0 = time.time()
        r = self.ingest(check=False)
        took = time.time() - t0
        self.assertEqual(self.activities(), ["ev1@corp.example", "m1@acme.com", "m2@corp.example",
                                             "m3@corp.example", "m4@globex.com"])
        self.assertNotIn("ann.lee", r.stderr)
        self.assertNotIn("bob.stone", r.stderr)
        self.assertGreaterEqual(took, 2.0)  # Retry-After honoured, twice
        self.assertEqual(self.google.admin("faults"), [])

    def test_a_connection_lost_half_way_keeps_what_was_read(self):
        # Ann's header fields come, then the connection breaks when Jane's whole
        # message is read: her pass stops there, reported; Bob is read
        self.google.admin("faults", [{"path_contains": "/messages/", "user": "ann.lee@corp.example",
                                      "after": 2, "times": 10, "then": {"close": True}}])
        r = self.ingest(check=False)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"kith: source team: ann.lee@corp.example: .*this User is skipped")
        first = self.activities()
        self.assertIn("m2@corp.example", first)      # read before the break, kept
        self.assertIn("m4@globex.com", first)        # Bob's
        self.assertNotIn("m1@acme.com", first)
        # the next run reads Ann's window again: the new ones new, m1 seen before
        self.google.admin("faults/clear", {})
        r = self.ingest(check=False)
        new, seen = self.counts(r)
        self.assertEqual(seen, 1)
        self.assertEqual(self.activities(), ["ev1@corp.example", "m1@acme.com", "m2@corp.example",
                                             "m3@corp.example", "m4@globex.com"])

    def test_users_and_exclude_users(self):
        self.write_conf("users = ann.lee@corp.example, carl.moss@corp.example\n"
                        "exclude_users = carl.moss@corp.example\n")
        r = self.ingest()
        self.assertEqual(r.stderr, "")
        self.assertEqual(self.activities(), ["ev1@corp.example", "m1@acme.com", "m2@corp.example"])
        tokens = [q for q in self.google.requests() if q["path"] == "/token"]
        self.assertEqual(len(tokens), 1)  # Ann's only
        # users = * is everyone in domains again
        self.write_conf("users = *\nexclude_users = carl.moss@corp.example, fay.lund@corp.example\n")
        r = self.ingest()
        self.assertEqual(r.stderr, "")
        self.assertEqual(self.counts(r), (2, 0))  # Bob's

    def test_a_delegation_without_the_scopes_stops_the_source_in_one_line(self):
        self.google.admin("settings", {"delegated_scopes": DELEGATED[:1]})
        r = self.ingest(check=False)
        self.assertEqual(r.returncode, 1)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r"^kith: source team: no access token: 401 unauthorized_client")
        tokens = [q for q in self.google.requests() if q["path"] == "/token"]
        self.assertEqual(len(tokens), 1)  # not once per User

    def test_a_key_file_others_can_read_is_refused(self):
        os.chmod(self.google.key_file, 0o644)
        r = self.ingest(check=False)
        self.assertEqual(r.returncode, 1)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("kith: source team: key_file: "), lines[0])
        self.assertEqual(self.google.requests(), [])

    def test_base_url_only_on_loopback(self):
        # The test server's base URL is refused anywhere but loopback: the
        # signed grant and the mail would go there.
        r = self.kith("ingest", "--source", "team", check=False,
                      env_extra={"KITH_GOOGLE_BASE_URL": "https://google.example.net:8443"})
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r"^kith: source team: KITH_GOOGLE_BASE_URL: "
                                   r"'https://google.example.net:8443' is not on loopback")
        self.assertEqual(self.google.requests(), [])

    def test_serve_reads_the_source_each_scan_interval(self):
        with open(self.conf, "a") as f:
            f.write("\n[serve]\nlisten = 127.0.0.1:0\ntoken_file = %s\nscan_interval = 1\n"
                    % os.path.join(self.tmp, "token"))
        env = dict(os.environ, KITH_GOOGLE_BASE_URL=self.google.url)
        log_path = os.path.join(self.tmp, "serve.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen([KITH, "--db", self.db, "--config", self.conf, "serve"],
                                    stdout=subprocess.DEVNULL, stderr=log, env=env)
        try:
            def ingests():
                with open(log_path) as f:
                    events = [json.loads(l) for l in f if l.startswith("{")]
                return [e for e in events if e.get("event") == "ingest" and e.get("source") == "team"]

            def wait_for(pred):
                for _ in range(200):
                    if pred(ingests()):
                        return True
                    time.sleep(0.1)
                return False

            self.assertTrue(wait_for(lambda e: any(x.get("activities") == 5 for x in e)),
                            ingests())
            self.google.mail("bob.stone@corp.example", message(
                "m9@globex.com", "Max Power <max@globex.com>", "Bob Stone <bob.stone@corp.example>",
                "Again", "Hi Bob.\r\n\r\nMax\r\n", days=0))
            self.assertTrue(wait_for(lambda e: any(x.get("activities") == 1 for x in e)), ingests())
        finally:
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(30), 0)
        self.assertIn("m9@globex.com", self.activities())

    def test_config_shows_the_source(self):
        self.write_conf("users = Ann.Lee@Corp.Example\n")
        r = self.kith("config")
        self.assertIn("[source team]\ntype = google\nkey_file = %s\ndomains = corp.example\n"
                      "users = ann.lee@corp.example\n" % self.google.key_file, r.stdout)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
