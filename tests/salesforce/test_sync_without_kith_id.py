#!/usr/bin/env python3
"""test_sync_without_kith_id.py - kith sync against an org without Kith_Id__c (R60).

The administrator skipped that field (docs/salesforce.md), so the org has
only the other custom fields kith's set-up asks for: it refuses a write or a
query naming Kith_Id__c with INVALID_FIELD, and its describe call does not
list it. Every fault test of test_sync_faults.py runs again against such an
org (nothing doubled, nothing lost), plus a plain sync, a crash between a
request and the outbox update, and the ways kith learns the field is absent.
"""

import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import test_kith_sync as base  # noqa: E402
import test_sync_faults as faults  # noqa: E402  (module import: its own class is not run here)

KITH = base.KITH
PEOPLE = base.PEOPLE
WITHOUT = {"Contact": ["Created_By_Kith__c", "Seniority__c", "Persona__c"],
           "OpportunityContactRole": ["Created_By_Kith__c"],
           "Account": ["Secondary_Domains__c"]}
MECHANISM = "the org has no Kith_Id__c on Contact or OpportunityContactRole"


class WithoutKithIdTest(faults.FaultTest):
    """FaultTest's tests, on an org whose custom fields are WITHOUT's."""

    def setUp(self):
        super().setUp()
        self.org.admin("settings", {"custom_fields": WITHOUT, "unique_fields": {}})

    def kith(self, *args, check=True, timeout=120):
        """A sync says once, under its summary on stdout, which way it finds
        its records."""
        r = super().kith(*args, check=check, timeout=timeout)
        if args and args[0] == "sync" and "paused" not in r.stderr and r.stdout.startswith("sync:"):
            said = [line for line in r.stdout.splitlines() if MECHANISM in line]
            self.assertEqual(len(said), 1, r.stdout[:2000])
            self.assertIn("looks up Contacts by Email and contact roles by opportunity and contact",
                          said[0])
        return r

    def assert_no_kith_id_sent(self):
        """No write names the field, and no query but the one that asks
        whether the org has it (when the describe call is missing)."""
        for r in self.org.admin("requests"):
            if r["method"] == "GET" and "%20limit%201" in r["path"].lower():
                continue
            self.assertNotIn("kith_id__c", r["path"].lower())
            self.assertNotIn("kith_id__c", str(r["body"]).lower())

    def assert_each_once(self, emails):
        super().assert_each_once(emails)
        self.assert_no_kith_id_sent()
        for c in self.org.records("Contact"):
            self.assertNotIn("Kith_Id__c", c)

    # -- what only this org shows --------------------------------------------------
    def test_each_sync_asks_the_describe_once_an_object(self):
        self.ingest_five()
        self.org.admin("requests/clear", {})
        self.kith("sync")
        described = sorted(r["path"].split("/sobjects/")[1] for r in self.org.admin("requests")
                           if r["path"].endswith("/describe"))
        self.assertEqual(described, ["Contact/describe", "OpportunityContactRole/describe"])

    def test_plain_sync_creates_everything(self):
        self.ingest_five()
        self.org.admin("requests/clear", {})
        self.kith("sync")
        self.assert_each_once([base.email_of(p) for p in PEOPLE])
        creates = [r for r in self.org.admin("requests")
                   if r["method"] == "POST" and "/composite/sobjects" in r["path"]]
        self.assertEqual(len(creates), 2)  # nothing refused, nothing sent twice
        self.assertEqual(self.kith("sync").returncode, 0)
        self.assert_each_once([base.email_of(p) for p in PEOPLE])

    def crash_while_the_org_applies_the_contacts(self):
        self.ingest_five()
        self.org.admin("faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                   "then": {"apply_then_hang": 30}}])
        p = subprocess.Popen([KITH, "--db", self.db, "--config", self.conf, "sync"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if self.org.records("Contact"):
                break
            time.sleep(0.05)
        time.sleep(0.2)
        p.kill()
        p.wait()
        self.org.admin("faults/clear", {})
        self.assertEqual(self.contacts(), sorted(base.email_of(p) for p in PEOPLE))

    def test_crash_between_request_and_outbox_update(self):
        """kith is killed while the org applies its contacts: the next sync finds
        them by Email, made by kith on their account, and records them once."""
        self.crash_while_the_org_applies_the_contacts()
        self.kith("sync")
        self.assert_each_once([base.email_of(p) for p in PEOPLE])
        self.assertEqual(self.actions("contact_linked"), [])

    def test_after_a_crash_a_contact_on_another_account_is_not_claimed(self):
        """The same, but meanwhile somebody moved one of them to another
        account: by Email alone kith cannot tell it is its own, so it is
        somebody's (R61): linked, not recorded as created, and not doubled."""
        self.crash_while_the_org_applies_the_contacts()
        alan = [c for c in self.org.records("Contact") if c["Email"] == "alan.kay@contoso.com"][0]
        self.org.admin("records", {"Account": [{"Id": "001000000000109AAA", "Name": "Other",
                                                "Website": "other.example",
                                                "OwnerId": "005000000000001AAA"}],
                                   "Contact": [{"Id": alan["Id"], "AccountId": "001000000000109AAA"}]})
        self.kith("sync")
        self.assertEqual(self.contacts(), sorted(base.email_of(p) for p in PEOPLE))
        self.assertEqual(self.actions("contact_linked"), ["alan.kay@contoso.com"])
        self.assertEqual(len(self.actions("contact_created")), len(PEOPLE) - 1)
        self.assertEqual(self.actions("sync_failed"), [])

    def test_without_the_describe_call_a_query_tells(self):
        """A server that has no describe resource (404): kith asks with a query
        naming the field, and INVALID_FIELD tells it the field is absent."""
        self.ingest_five()
        self.org.admin("faults", [{"method": "GET", "path_contains": "/describe", "times": 2,
                                   "then": {"status": 404, "body": [{
                                       "message": "The requested resource does not exist",
                                       "errorCode": "NOT_FOUND"}]}}])
        self.kith("sync")
        self.assert_each_once([base.email_of(p) for p in PEOPLE])


class EmptyKeyTest(faults.FaultTest):
    """kith_id_field = (empty) against an org that has the field: kith writes
    it nowhere, asks no describe, and still writes each record once."""

    def write_conf(self, batch_size=200, timeout=3):
        super().write_conf(batch_size, timeout)
        with open(self.conf, "a") as f:
            f.write("kith_id_field =\n")

    def kith(self, *args, check=True, timeout=120):
        r = super().kith(*args, check=check, timeout=timeout)
        if args and args[0] == "sync" and "paused" not in r.stderr and r.stdout.startswith("sync:"):
            said = [line for line in r.stdout.splitlines() if "names no kith_id_field" in line]
            self.assertEqual(len(said), 1, r.stdout[:2000])
        return r

    def test_lost_reply_of_every_create_at_every_position(self):
        super().test_lost_reply_of_every_create_at_every_position()
        for r in self.org.admin("requests"):
            self.assertNotIn("describe", r["path"])
            self.assertNotIn("kith_id__c", (r["path"] + str(r["body"])).lower())


# Only the lost-reply test runs with the empty key: the rest is WithoutKithIdTest's.
for _name in [n for n in dir(faults.FaultTest) if n.startswith("test_")]:
    if _name != "test_lost_reply_of_every_create_at_every_position":
        setattr(EmptyKeyTest, _name, None)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
