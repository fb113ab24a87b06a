#!/usr/bin/env python3
"""test_sync_faults.py - kith sync against the ways a real org doubles or loses records (#19).

Each test drives the real kith binary (KITH env or argv[1]) against
fake_salesforce.py set up as docs/salesforce.md asks (Kith_Id__c unique on
Contact and OpportunityContactRole) and without a duplicate rule, so that a
record written twice shows as two. The claim throughout: after the fault and
at most one rerun, the org holds each record once, each is logged once, and
nothing queued is lost.
"""

import csv
import io
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import test_kith_sync as base  # noqa: E402  (the server wrapper and the test org)

KITH = base.KITH
PEOPLE = base.PEOPLE
UNIQUE = {"Contact": ["Kith_Id__c"], "OpportunityContactRole": ["Kith_Id__c"]}
LONG_ACCOUNT = {"Id": "001000000000102AAA", "Name": "Northwind",
                "Website": "northwind-international-trading.com", "OwnerId": "005000000000001AAA"}


class FaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.org = base.Org(cls.dir.name)

    @classmethod
    def tearDownClass(cls):
        cls.org.stop()
        cls.dir.cleanup()

    def setUp(self):
        self.org.admin("reset", {})
        self.org.admin("settings", {"unique_fields": UNIQUE, "custom_fields": None,
                                    "duplicate_rule": False, "api_limit": 1000000})
        self.org.admin("records", {"User": base.USERS, "Account": base.ACCOUNTS + [LONG_ACCOUNT],
                                   "Opportunity": base.OPPORTUNITIES})
        self.tmp = tempfile.mkdtemp(dir=self.dir.name)
        self.write_conf()
        self.db = os.path.join(self.tmp, "kith.db")
        self.mail = os.path.join(self.tmp, "mail")
        os.mkdir(self.mail)
        self.kith("init")

    def write_conf(self, batch_size=200, timeout=3):
        self.conf = os.path.join(self.tmp, "kith.conf")
        with open(self.conf, "w") as f:
            f.write("[org]\ninternal_domains = corp.example\n"
                    "integration_user = 005000000000000AAA\n\n"
                    "[profile All]\nusers = *\nocr = on\nfirst_ocr = on\nocr_role = Evaluator\n\n"
                    "[salesforce]\nlogin_url = %s\nclient_id = kith-test\n"
                    "user = integration@corp.example\nprivate_key = %s\n"
                    "retry_base_ms = 5\nmax_retries = 3\ntimeout = %d\nbatch_size = %d\n"
                    % (self.org.url, self.org.key, timeout, batch_size))

    def kith(self, *args, check=True, timeout=120):
        r = base.subprocess.run([KITH, "--db", self.db, "--config", self.conf] + list(args),
                                capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            self.fail("kith %s exited %d: %s" % (" ".join(args), r.returncode, r.stderr[:2000]))
        return r

    def log(self):
        return list(csv.DictReader(io.StringIO(self.kith("log", "--format", "csv").stdout)))

    def actions(self, action):
        return sorted(r["Email"] for r in self.log() if r["Action"] == action)

    def contacts(self):
        return sorted(c["Email"].lower() for c in self.org.records("Contact"))

    def roles(self):
        return sorted((r["OpportunityId"], r["ContactId"]) for r in self.org.records("OpportunityContactRole"))

    def ingest_five(self):
        with open(os.path.join(self.mail, "m1.eml"), "w") as f:
            f.write(base.mail(1))
        self.kith("sync")  # the first load of the mirror
        self.kith("ingest", self.mail)

    def sync_until_done(self):
        """A sync; when a fault stopped it, one rerun (R60). Returns the first run."""
        first = self.kith("sync", check=False)
        if first.returncode != 0:
            self.org.admin("faults/clear", {})
            self.kith("sync")
        return first

    def assert_each_once(self, emails):
        self.assertEqual(self.contacts(), sorted(emails))
        self.assertEqual(self.actions("contact_created"), sorted(emails))
        self.assertEqual(len(self.roles()), len(emails))
        self.assertEqual(len(set(self.roles())), len(emails))
        self.assertEqual(self.actions("ocr_created"), sorted(emails))
        self.assertEqual(self.actions("sync_failed"), [])

    # -- 1. a write whose reply is lost after the org applied it -----------------------
    def test_lost_reply_of_every_create_at_every_position(self):
        """Contacts and roles go in requests of 2 (3 requests each); the reply of
        each of the 6 requests in turn is lost after the org committed it."""
        emails = [base.email_of(p) for p in PEOPLE]
        for position in range(6):
            with self.subTest(position=position):
                self.setUp()
                self.write_conf(batch_size=2)
                self.ingest_five()
                self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                           "after": position, "then": {"apply_then_close": True}}])
                self.sync_until_done()
                self.assert_each_once(emails)

    def test_reply_after_the_timeout(self):
        """The org answers, but only after kith stopped waiting (timeout = 1 s)."""
        emails = [base.email_of(p) for p in PEOPLE]
        for position in (0, 1):  # the contacts' request, then the roles'
            with self.subTest(position=position):
                self.setUp()
                self.write_conf(timeout=1)
                self.ingest_five()
                self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                           "after": position, "then": {"apply_then_hang": 2.5}}])
                self.sync_until_done()
                self.assert_each_once(emails)

    def test_lost_reply_of_updates_and_deletes(self):
        self.ingest_five()
        self.kith("sync")
        with open(os.path.join(self.mail, "m5.eml"), "w") as f:
            f.write(base.mail(5, "olivia.wright"))
        self.kith("ingest", self.mail)
        self.org.admin("faults", [{"method": "PATCH", "path_contains": "/composite/sobjects",
                                   "then": {"apply_then_close": True}}])
        self.sync_until_done()
        olivia = [c for c in self.org.records("Contact") if c["Email"] == "olivia.wright@contoso.com"]
        self.assertEqual(olivia[0]["Title"], "VP Engineering")
        titles = [r for r in self.log() if r["Action"] == "field_updated" and r["Reason"] == "Title"]
        self.assertEqual(len(titles), 1)
        cid = olivia[0]["Id"]
        self.kith("remove", cid)
        self.org.admin("faults", [{"method": "DELETE", "path_contains": "/composite/sobjects",
                                   "then": {"apply_then_close": True}}])
        self.sync_until_done()
        self.assertNotIn("olivia.wright@contoso.com", self.contacts())
        self.assertEqual(self.actions("contact_removed"), ["olivia.wright@contoso.com"])
        self.assertEqual(self.actions("sync_failed"), [])
        self.assertEqual(self.kith("sync").returncode, 0)

    # -- 2. bounded requests --------------------------------------------------------
    def test_200_long_addresses_stay_within_the_uri_limit(self):
        """200 valid addresses of 77-80 characters: no request over Salesforce's
        16,384 bytes, all 200 created, and an error line stays one short line."""
        domain = LONG_ACCOUNT["Website"]
        addresses = []
        for i in range(200):
            local = "procurement.specialist.emea.%s.%04d" % ("x" * (8 + i % 4), i)
            addresses.append("%s@%s" % (local, domain))
        self.assertTrue(all(77 <= len(a) <= 80 and len(a.split("@")[0]) <= 64 for a in addresses))
        for n in range(20):
            to = ", ".join("Person%d Buyer <%s>" % (10 * n + k, a)
                           for k, a in enumerate(addresses[10 * n:10 * n + 10]))
            with open(os.path.join(self.mail, "long%02d.eml" % n), "w") as f:
                f.write("Message-ID: <long-%d@corp.example>\nDate: Tue, 03 Mar 2026 09:%02d:00 +0000\n"
                        "From: Ann Lee <ann.lee@corp.example>\nTo: %s\nSubject: Tender\n\nHi all,\nAnn\n"
                        % (n, n, to))
        self.kith("sync")
        self.kith("ingest", self.mail)
        self.org.admin("requests/clear", {})
        self.org.admin("faults", [{"method": "GET", "path_contains": "/query", "times": 50,
                                   "then": {"status": 500}}])
        failed = self.kith("sync", check=False)
        self.assertEqual(failed.returncode, 1)
        line = failed.stderr.strip()
        self.assertEqual(len(line.splitlines()), 1, line[:500])
        self.assertLess(len(line), 600, line[:700])
        self.assertIn("gave up", line)
        self.org.admin("faults/clear", {})
        self.org.admin("requests/clear", {})
        self.kith("sync")
        self.assertEqual(self.contacts(), sorted(addresses))
        self.assertEqual(len(self.actions("contact_created")), 200)
        longest = max(len(r["path"].encode()) for r in self.org.admin("requests"))
        self.assertLessEqual(longest, 16384)

    # -- 3. R26 at sync ----------------------------------------------------------------
    def test_r26_owner_deactivated_before_sync(self):
        """Ann is deactivated between ingest and sync: the integration user owns
        the contacts, the reason is logged, and the roles are still created."""
        self.ingest_five()
        self.org.admin("records", {"User": [{"Id": "005000000000001AAA", "IsActive": False}]})
        self.kith("sync")
        owners = {c["OwnerId"] for c in self.org.records("Contact")}
        self.assertEqual(owners, {"005000000000000AAA"})
        self.assert_each_once([base.email_of(p) for p in PEOPLE])
        explain = self.kith("explain", "ada.lovelace@contoso.com").stdout
        self.assertIn("R26", explain)

    def test_r26_owner_deactivated_after_the_mirror_refresh(self):
        """The mirror still thinks Ann active (her change is older than its last
        look); the org refuses her with INACTIVE_OWNER_OR_USER: kith sends the
        contacts again owned by the integration user."""
        self.ingest_five()
        self.org.admin("records", {"User": [{"Id": "005000000000001AAA", "IsActive": False,
                                             "SystemModstamp": "2020-01-01T00:00:00.000+0000"}]})
        self.kith("sync")
        owners = {c["OwnerId"] for c in self.org.records("Contact")}
        self.assertEqual(owners, {"005000000000000AAA"})
        self.assert_each_once([base.email_of(p) for p in PEOPLE])

    # -- 4. per-record errors sorted by what retrying can mend ---------------------------
    def test_unable_to_lock_row_is_retried(self):
        self.ingest_five()
        self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects", "times": 2,
                                   "then": {"partial": {"fail_indexes": [0, 3],
                                                        "statusCode": "UNABLE_TO_LOCK_ROW",
                                                        "message": "unable to obtain exclusive access"}}}])
        self.kith("sync")
        self.assert_each_once([base.email_of(p) for p in PEOPLE])

    def test_lock_that_lasts_leaves_the_record_queued(self):
        self.ingest_five()
        self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects", "times": 20,
                                   "then": {"partial": {"fail_indexes": [0],
                                                        "statusCode": "UNABLE_TO_LOCK_ROW",
                                                        "message": "unable to obtain exclusive access"}}}])
        r = self.kith("sync", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("UNABLE_TO_LOCK_ROW", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)
        self.assertEqual(self.actions("sync_failed"), [])
        self.org.admin("faults/clear", {})
        self.kith("sync")
        self.assert_each_once([base.email_of(p) for p in PEOPLE])

    def test_final_error_is_failed_logged_and_explained(self):
        self.ingest_five()
        self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                   "then": {"partial": {"fail_indexes": [2],
                                                        "statusCode": "REQUIRED_FIELD_MISSING",
                                                        "message": "Required fields are missing: [Phone]"}}}])
        self.kith("sync")
        failed = [r for r in self.log() if r["Action"] == "sync_failed"]
        self.assertEqual([r["Reason"] for r in failed], ["REQUIRED_FIELD_MISSING"])
        self.assertEqual(len(self.contacts()), len(PEOPLE) - 1)
        explain = self.kith("explain", failed[0]["Email"]).stdout
        self.assertIn("REQUIRED_FIELD_MISSING", explain)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
