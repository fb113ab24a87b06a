#!/usr/bin/env python3
"""kith sync against the local Salesforce test server (fake_salesforce.py).

Drives the real kith binary (KITH env or argv[1]) through `kith sync` with a
[salesforce] configuration: the first load of the mirror, incremental
refreshes and deletions, the push of contacts, roles, updates and deletions
in collections requests, and every fault the issue names. The claim proved
throughout: after any fault and a rerun, the org holds exactly what a
fault-free run gives - nothing lost, nothing twice.
"""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "fake_salesforce.py")
KITH = os.environ.get("KITH") or (sys.argv[1] if len(sys.argv) > 1 else "build/kith")

USERS = [
    {"Id": "005000000000000AAA", "FirstName": "Kith", "LastName": "Integration",
     "Email": "integration@corp.example", "IsActive": True},
    {"Id": "005000000000001AAA", "FirstName": "Ann", "LastName": "Lee",
     "Email": "ann.lee@corp.example", "IsActive": True},
]
ACCOUNTS = [
    {"Id": "001000000000101AAA", "Name": "Contoso", "Website": "contoso.com",
     "OwnerId": "005000000000001AAA"},
]
OPPORTUNITIES = [
    {"Id": "006000000000101AAA", "AccountId": "001000000000101AAA", "Name": "Contoso - Platform",
     "OwnerId": "005000000000001AAA", "StageName": "Prospecting", "IsClosed": False},
]
PEOPLE = ["olivia.wright", "ethan.hunt", "ada.lovelace", "grace.hopper", "alan.kay"]


def email_of(local):
    return local + "@contoso.com"


def mail(n, sender_local=None):
    """An email from Ann to every person of PEOPLE (or from one of them)."""
    to = ", ".join("%s <%s>" % (p.replace(".", " ").title(), email_of(p)) for p in PEOPLE)
    frm = "Ann Lee <ann.lee@corp.example>"
    body = "Hi all,\n\nBest,\nAnn\n"
    if sender_local:
        frm = "%s <%s>" % (sender_local.replace(".", " ").title(), email_of(sender_local))
        to = "Ann Lee <ann.lee@corp.example>"
        body = ("Thanks.\n\nBest regards,\n%s\nVP Engineering\nContoso\n+1 (415) 555-0142\n"
                % sender_local.replace(".", " ").title())
    return ("Message-ID: <sf-%d@corp.example>\nDate: Tue, 0%d Mar 2026 09:00:00 +0000\n"
            "From: %s\nTo: %s\nSubject: Platform\n\n%s" % (n, n, frm, to, body))


class Org:
    """The test server, started on a free loopback port."""

    def __init__(self, tmp):
        self.tmp = tmp
        key = os.path.join(tmp, "key.pem")
        pub = os.path.join(tmp, "pub.pem")
        subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True,
                       capture_output=True)
        os.chmod(key, 0o600)
        subprocess.run(["openssl", "rsa", "-in", key, "-pubout", "-out", pub], check=True,
                       capture_output=True)
        self.key = key
        port_file = os.path.join(tmp, "port")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file,
             "--public-key", pub, "--max-seconds", "300"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%s" % open(port_file).read().strip()

    def admin(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + "/__admin/" + path, data=data,
                                     method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def records(self, obj):
        return self.admin("records").get(obj, [])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class SyncTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.tmp = self.dir.name
        self.org = Org(self.tmp)
        self.org.admin("records", {"User": USERS, "Account": ACCOUNTS,
                                   "Opportunity": OPPORTUNITIES})
        self.conf = os.path.join(self.tmp, "kith.conf")
        with open(self.conf, "w") as f:
            f.write("[org]\ninternal_domains = corp.example\n"
                    "integration_user = 005000000000000AAA\n\n"
                    "[profile All]\nusers = *\nocr = on\nfirst_ocr = on\nocr_role = Evaluator\n\n"
                    "[salesforce]\nlogin_url = %s\nclient_id = kith-test\n"
                    "user = integration@corp.example\nprivate_key = %s\n"
                    "retry_base_ms = 5\nmax_retries = 3\ntimeout = 3\n" % (self.org.url, self.org.key))
        self.db = os.path.join(self.tmp, "kith.db")
        self.mail = os.path.join(self.tmp, "mail")
        os.mkdir(self.mail)
        self.kith("init")

    def tearDown(self):
        self.org.stop()
        self.dir.cleanup()

    def kith(self, *args, check=True, timeout=60):
        r = subprocess.run([KITH, "--db", self.db, "--config", self.conf] + list(args),
                           capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            self.fail("kith %s exited %d: %s" % (" ".join(args), r.returncode, r.stderr))
        return r

    def write_mail(self, n, sender=None):
        with open(os.path.join(self.mail, "m%d.eml" % n), "w") as f:
            f.write(mail(n, sender))

    def export(self, obj):
        out = self.kith("crm", "export", obj).stdout
        return list(csv.DictReader(io.StringIO(out)))

    def log(self):
        return list(csv.DictReader(io.StringIO(self.kith("log", "--format", "csv").stdout)))

    def org_contacts(self):
        return sorted(c["Email"].lower() for c in self.org.records("Contact"))

    def requests(self, method=None, contains=None):
        reqs = self.org.admin("requests")
        return [r for r in reqs if (not method or r["method"] == method)
                and (not contains or contains in r["path"])]

    # -- the fault-free run ---------------------------------------------------
    def test_first_sync_loads_the_mirror(self):
        self.org.admin("records", {"Contact": [{"AccountId": "001000000000101AAA",
                                                "FirstName": "Nadia", "LastName": "Boulanger",
                                                "Email": "nadia@contoso.com"}]})
        self.kith("sync")
        self.assertEqual([u["Id"] for u in self.export("User")],
                         ["005000000000000AAA", "005000000000001AAA"])
        self.assertEqual([c["Email"] for c in self.export("Contact")], ["nadia@contoso.com"])
        self.assertEqual(len(self.export("Opportunity")), 1)

    def test_push_creates_contacts_and_roles_in_collections(self):
        self.kith("sync")
        self.write_mail(1)
        self.org.admin("requests/clear", {})
        self.kith("ingest", self.mail)
        self.kith("sync")
        self.assertEqual(self.org_contacts(), sorted(email_of(p) for p in PEOPLE))
        creates = [r for r in self.requests("POST", "/composite/sobjects")]
        # One request for the five contacts, one for their five roles (R34).
        self.assertEqual(len(creates), 2)
        contact_body = creates[0]["body"]
        self.assertFalse(contact_body["allOrNone"])
        self.assertEqual(len(contact_body["records"]), 5)
        rec = contact_body["records"][0]
        self.assertEqual(rec["attributes"]["type"], "Contact")
        self.assertEqual(rec["AccountId"], "001000000000101AAA")
        self.assertEqual(rec["OwnerId"], "005000000000001AAA")
        self.assertEqual(rec["LeadSource"], "kith")
        self.assertIs(rec["Created_By_Kith__c"], True)
        roles = self.org.records("OpportunityContactRole")
        self.assertEqual(len(roles), 5)
        ids = {c["Id"] for c in self.org.records("Contact")}
        self.assertTrue(all(r["ContactId"] in ids for r in roles))
        # The mirror holds Salesforce's Ids, and the log names them.
        mirror = {c["Id"] for c in self.export("Contact")}
        self.assertEqual(mirror, ids)
        created = [r for r in self.log() if r["Action"] == "contact_created"]
        self.assertEqual(sorted(r["ObjectId"] for r in created), sorted(ids))

    def test_incremental_refresh_and_deletions(self):
        self.org.admin("records", {"Contact": [
            {"Id": "003000000000201AAA", "AccountId": "001000000000101AAA", "LastName": "A",
             "Email": "a@contoso.com"},
            {"Id": "003000000000202AAA", "AccountId": "001000000000101AAA", "LastName": "B",
             "Email": "b@contoso.com"}]})
        self.kith("sync")
        self.assertEqual(len(self.export("Contact")), 2)
        time.sleep(1.1)
        self.org.admin("delete", {"ids": ["003000000000201AAA"]})
        self.org.admin("records", {"Contact": [
            {"Id": "003000000000203AAA", "AccountId": "001000000000101AAA", "LastName": "C",
             "Email": "c@contoso.com"}]})
        self.org.admin("requests/clear", {})
        self.kith("sync")
        self.assertEqual(sorted(c["Email"] for c in self.export("Contact")),
                         ["b@contoso.com", "c@contoso.com"])
        queries = [r["path"] for r in self.requests("GET", "/query")]
        self.assertTrue(any("SystemModstamp" in q for q in queries))
        self.assertTrue(self.requests("GET", "/deleted/"))

    def test_r61_a_contact_typed_in_meanwhile_is_linked(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("ingest", self.mail)
        self.org.admin("records", {"Contact": [{"AccountId": "001000000000101AAA",
                                                "FirstName": "Ada", "LastName": "Lovelace",
                                                "Email": "Ada.Lovelace@contoso.com"}]})
        self.kith("sync")
        self.assertEqual(self.org_contacts(), sorted(email_of(p) for p in PEOPLE))
        linked = [r for r in self.log() if r["Reason"] == "exists_at_sync"]
        self.assertEqual([r["Email"] for r in linked], ["ada.lovelace@contoso.com"])

    def test_field_update_goes_by_patch(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("ingest", self.mail)
        self.kith("sync")
        self.write_mail(5, "olivia.wright")
        self.kith("ingest", self.mail)
        self.org.admin("requests/clear", {})
        self.kith("sync")
        patches = self.requests("PATCH", "/composite/sobjects")
        self.assertEqual(len(patches), 1)
        rec = patches[0]["body"]["records"][0]
        self.assertEqual(rec.get("Title"), "VP Engineering")
        olivia = [c for c in self.org.records("Contact")
                  if c["Email"] == "olivia.wright@contoso.com"][0]
        self.assertEqual(olivia["Title"], "VP Engineering")

    def test_remove_deletes_in_the_org(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("run", self.mail)
        cid = [c["Id"] for c in self.export("Contact") if c["Email"] == "ethan.hunt@contoso.com"][0]
        self.kith("remove", cid)
        self.kith("sync")
        self.assertNotIn("ethan.hunt@contoso.com", self.org_contacts())
        self.assertTrue(self.requests("DELETE", "/composite/sobjects"))

    # -- faults ---------------------------------------------------------------
    def expected_after(self):
        return sorted(email_of(p) for p in PEOPLE)

    def test_503_then_success_is_retried(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("ingest", self.mail)
        self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                   "times": 2, "then": {"status": 503}}])
        self.kith("sync")
        self.assertEqual(self.org_contacts(), self.expected_after())

    def test_expired_token_is_renewed_once(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("ingest", self.mail)
        self.org.admin("expire_tokens", {})
        self.kith("sync")
        self.assertEqual(self.org_contacts(), self.expected_after())

    def test_persistent_500_stops_with_the_outbox_intact(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("ingest", self.mail)
        self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                   "times": 10, "then": {"status": 500}}])
        r = self.kith("sync", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("gave up", r.stderr)
        self.assertEqual(self.org_contacts(), [])
        self.org.admin("faults/clear", {})
        self.kith("sync")
        self.assertEqual(self.org_contacts(), self.expected_after())
        created = [r for r in self.log() if r["Action"] == "contact_created"]
        self.assertEqual(len(created), len(PEOPLE))

    def test_partial_failure_inside_one_request(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("ingest", self.mail)
        self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                   "then": {"partial": {"fail_indexes": [1],
                                                        "statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                                                        "message": "Phone is required"}}}])
        self.kith("sync")
        self.assertEqual(len(self.org_contacts()), len(PEOPLE) - 1)
        failed = [r for r in self.log() if r["Action"] == "sync_failed"]
        self.assertEqual([r["Reason"] for r in failed], ["FIELD_CUSTOM_VALIDATION_EXCEPTION"])
        # Not retried forever: the next sync sends nothing for it.
        self.org.admin("requests/clear", {})
        self.kith("sync")
        self.assertEqual(self.requests("POST", "/composite/sobjects"), [])

    def test_crash_between_request_and_outbox_update(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("ingest", self.mail)
        self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                   "then": {"apply_then_hang": 30}}])
        p = subprocess.Popen([KITH, "--db", self.db, "--config", self.conf, "sync"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if self.org.records("Contact"):
                break
            time.sleep(0.05)
        time.sleep(0.2)
        p.kill()
        p.wait()
        self.assertEqual(self.org_contacts(), self.expected_after())
        self.org.admin("faults/clear", {})
        self.kith("sync")
        self.assertEqual(self.org_contacts(), self.expected_after())  # nothing twice
        created = [r for r in self.log() if r["Action"] == "contact_created"]
        self.assertEqual(len(created), len(PEOPLE))                   # each logged once
        self.assertEqual(len(self.org.records("OpportunityContactRole")), len(PEOPLE))

    def test_daily_api_limit_pauses_the_sync(self):
        self.kith("sync")
        self.write_mail(1)
        self.kith("ingest", self.mail)
        self.org.admin("settings", {"api_limit": 1000, "api_used": 995})
        r = self.kith("sync", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("paused", r.stderr)
        self.assertEqual(self.org_contacts(), [])

    def test_secret_file_must_be_private(self):
        os.chmod(self.org.key, 0o644)
        r = self.kith("sync", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("chmod 600", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
