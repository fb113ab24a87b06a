#!/usr/bin/env python3
"""test_fake_salesforce.py - self-test of fake_salesforce.py: every endpoint, admin call and fault.

Run with plain `python3 tests/salesforce/test_fake_salesforce.py`; it starts the server on port 0
as a subprocess and talks to it with urllib. Standard library plus the openssl command.
"""

import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "fake_salesforce.py")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import fake_salesforce  # noqa: E402  (for checksum and make_id)

V = "/services/data/v60.0"
SF_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$")


def start_server(tmp, *extra):
    """Starts the server; returns (process, base URL)."""
    port_file = os.path.join(tmp, "port-%d" % time.monotonic_ns())
    proc = subprocess.Popen([sys.executable, SERVER, "--port", "0", "--port-file", port_file, *extra])
    for _ in range(200):
        if os.path.exists(port_file):
            with open(port_file, encoding="utf-8") as f:
                return proc, "http://127.0.0.1:%d" % int(f.read())
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server wrote no port file")


def stop_server(proc):
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=10)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeSalesforceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.TemporaryDirectory()
        cls.tmp = cls.tmpdir.name
        cls.key = os.path.join(cls.tmp, "key.pem")
        cls.pub = os.path.join(cls.tmp, "pub.pem")
        subprocess.run(["openssl", "genrsa", "-out", cls.key, "2048"], check=True, capture_output=True)
        subprocess.run(["openssl", "rsa", "-in", cls.key, "-pubout", "-out", cls.pub],
                       check=True, capture_output=True)
        cls.state = os.path.join(cls.tmp, "org.json")
        cls.proc, cls.base = start_server(cls.tmp, "--public-key", cls.pub, "--state", cls.state,
                                          "--page-size", "3")

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.proc)
        cls.tmpdir.cleanup()

    def setUp(self):
        self.admin("POST", "reset")
        self.admin("POST", "settings", {"page_size": 3, "api_limit": 15000, "duplicate_rule": True,
                                        "now": None, "unique_fields": {}, "custom_fields": None})
        self.token = self.refresh()

    # -- helpers
    def call(self, method, path, body=None, token=None, form=None, timeout=10, base=None):
        """(status, headers, parsed body) of one request."""
        headers = {}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request((base or self.base) + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.headers, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, json.loads(e.read() or b"null")

    def admin(self, method, what, body=None):
        status, _, out = self.call(method, "/__admin/" + what, body)
        self.assertEqual(status, 200, out)
        return out

    def api(self, method, path, body=None, expect=200):
        status, headers, out = self.call(method, V + path, body, token=self.token)
        self.assertEqual(status, expect, out)
        self.assertRegex(headers["Sforce-Limit-Info"], r"^api-usage=\d+/\d+$")
        return out

    def refresh(self, token="test-refresh-token"):
        status, _, out = self.call("POST", "/services/oauth2/token",
                                   form={"grant_type": "refresh_token", "refresh_token": token,
                                         "client_id": "kith-client"})
        return out["access_token"] if status == 200 else None

    def jwt(self, claims, header=None):
        header = header or {"alg": "RS256"}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        data = os.path.join(self.tmp, "jwt-input")
        with open(data, "w", encoding="utf-8") as f:
            f.write(signing_input)
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key, data],
                             check=True, capture_output=True).stdout
        return signing_input + "." + b64url(sig)

    def jwt_grant(self, assertion):
        return self.call("POST", "/services/oauth2/token",
                         form={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                               "assertion": assertion})

    def create(self, records, all_or_none=False, expect=200):
        return self.api("POST", "/composite/sobjects", {"allOrNone": all_or_none, "records": records}, expect)

    def contact(self, last, email=None, **more):
        rec = {"attributes": {"type": "Contact"}, "LastName": last, **more}
        if email:
            rec["Email"] = email
        return rec

    def query(self, soql):
        return self.api("GET", "/query?q=" + urllib.parse.quote(soql))

    def query_all(self, soql):
        page = self.query(soql)
        rows = list(page["records"])
        while not page["done"]:
            page = self.api("GET", page["nextRecordsUrl"][len(V):])
            rows += page["records"]
        return rows

    # -- Ids
    def test_id_checksum_matches_documented_ids(self):
        # Ids printed in Salesforce's REST API documentation examples
        for full in ("001D000000IRFmaIAH", "003RO0000035WQgYAM", "a00D0000008pQRAIA2"):
            self.assertEqual(fake_salesforce.checksum(full[:15]), full[15:])
        made = fake_salesforce.make_id("003", 1)
        self.assertEqual(len(made), 18)
        self.assertEqual(fake_salesforce.checksum(made[:15]), made[15:])

    # -- OAuth
    def test_jwt_bearer_good(self):
        status, _, out = self.jwt_grant(self.jwt({"iss": "cid", "sub": "u@x.com", "aud": "https://login",
                                                  "exp": int(time.time()) + 180}))
        self.assertEqual(status, 200, out)
        for key in ("access_token", "instance_url", "id", "token_type", "scope", "issued_at"):
            self.assertIn(key, out)
        self.assertEqual(out["instance_url"], self.base)
        self.assertEqual(out["token_type"], "Bearer")
        self.token = out["access_token"]
        self.api("GET", "/query?q=SELECT+Id+FROM+Contact")

    def test_jwt_bearer_bad(self):
        claims = {"iss": "cid", "sub": "u@x.com", "aud": "https://login", "exp": int(time.time()) + 180}
        good = self.jwt(claims)
        other = self.jwt(dict(claims, sub="v@x.com"))
        bad = [good.rsplit(".", 1)[0] + "." + other.rsplit(".", 1)[1],   # signature of other claims
               self.jwt(dict(claims, exp=int(time.time()) - 10)),          # expired
               self.jwt(claims, {"alg": "HS256"}),                          # wrong alg
               self.jwt({k: v for k, v in claims.items() if k != "sub"}),  # no sub
               "abc.def", ""]
        for assertion in bad:
            status, _, out = self.jwt_grant(assertion)
            self.assertEqual(status, 400, assertion)
            self.assertEqual(out["error"], "invalid_grant")
            self.assertTrue(out["error_description"])

    def test_refresh_token(self):
        self.assertTrue(self.refresh())
        self.assertIsNone(self.refresh("wrong"))
        status, _, out = self.call("POST", "/services/oauth2/token",
                                   form={"grant_type": "refresh_token", "refresh_token": "test-refresh-token"})
        self.assertEqual((status, out["error"]), (400, "invalid_grant"))
        status, _, out = self.call("POST", "/services/oauth2/token", form={"grant_type": "password"})
        self.assertEqual((status, out["error"]), (400, "unsupported_grant_type"))

    # -- sessions and limits
    def test_session_required_and_expiry(self):
        status, headers, out = self.call("GET", V + "/query?q=SELECT+Id+FROM+Contact")
        self.assertEqual(status, 401)
        self.assertEqual(out, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        self.assertIn("Sforce-Limit-Info", headers)
        self.api("GET", "/query?q=SELECT+Id+FROM+Contact")
        self.admin("POST", "expire_tokens")
        status, _, out = self.call("GET", V + "/query?q=SELECT+Id+FROM+Contact", token=self.token)
        self.assertEqual((status, out[0]["errorCode"]), (401, "INVALID_SESSION_ID"))
        self.token = self.refresh()
        self.api("GET", "/query?q=SELECT+Id+FROM+Contact")

    def test_limit_info_counts_calls(self):
        self.admin("POST", "settings", {"api_limit": 100, "api_used": 95})
        status, headers, _ = self.call("GET", V + "/query?q=SELECT+Id+FROM+Contact", token=self.token)
        self.assertEqual(headers["Sforce-Limit-Info"], "api-usage=96/100")
        for _ in range(4):
            self.query("SELECT Id FROM Contact")
        status, headers, out = self.call("GET", V + "/query?q=SELECT+Id+FROM+Contact", token=self.token)
        self.assertEqual((status, out[0]["errorCode"]), (403, "REQUEST_LIMIT_EXCEEDED"))
        self.assertEqual(headers["Sforce-Limit-Info"], "api-usage=100/100")

    # -- query
    def test_query_pages_and_fields(self):
        self.admin("POST", "records", {"Contact": [{"LastName": "C%d" % i, "Email": "c%d@x.com" % i}
                                                   for i in range(7)]})
        page = self.query("SELECT Id, LastName, Title FROM Contact ORDER BY Id")
        self.assertEqual((page["totalSize"], page["done"], len(page["records"])), (7, False, 3))
        self.assertRegex(page["nextRecordsUrl"], r"^/services/data/v60\.0/query/01g\w+-3$")
        rec = page["records"][0]
        self.assertEqual(rec["attributes"], {"type": "Contact", "url": V + "/sobjects/Contact/" + rec["Id"]})
        self.assertIsNone(rec["Title"])
        self.assertEqual(set(rec), {"attributes", "Id", "LastName", "Title"})
        rows = self.query_all("SELECT Id FROM Contact ORDER BY Id")
        self.assertEqual(len(rows), 7)
        self.assertEqual([r["Id"] for r in rows], sorted(r["Id"] for r in rows))
        last = self.api("GET", page["nextRecordsUrl"][len(V):].replace("-3", "-6"))
        self.assertEqual((last["done"], len(last["records"])), (True, 1))
        self.assertNotIn("nextRecordsUrl", last)
        out = self.api("GET", "/query/01gXX0000000000AAA-3", expect=400)
        self.assertEqual(out[0]["errorCode"], "INVALID_QUERY_LOCATOR")

    def test_query_where_forms(self):
        seeded = self.admin("POST", "records", {
            "Contact": [{"LastName": "A", "Email": "Ann@X.com", "Created_By_Kith__c": True,
                         "SystemModstamp": "2026-01-31T08:00:00.000+0000"},
                        {"LastName": "B", "Email": "bob@y.com", "Created_By_Kith__c": False,
                         "SystemModstamp": "2026-01-31T09:00:00.000+0000"},
                        {"LastName": "C", "Email": "cy@z.com",
                         "SystemModstamp": "2026-01-31T10:00:00.000+0000"}],
            "Lead": [{"LastName": "L1", "IsConverted": False}, {"LastName": "L2", "IsConverted": True}],
            "Opportunity": [{"Name": "O1"}]})
        a, b, c = seeded["Contact"]

        def ids(soql):
            return [r["Id"] for r in self.query_all(soql)]
        self.assertEqual(ids("SELECT Id FROM Contact WHERE SystemModstamp > 2026-01-31T09:00:00Z"), [c])
        self.assertEqual(ids("SELECT Id FROM Contact WHERE SystemModstamp >= 2026-01-31T09:00:00Z "
                             "ORDER BY SystemModstamp, Id"), [b, c])
        self.assertEqual(ids("SELECT Id FROM Contact WHERE Email IN ('ann@x.com','BOB@y.com') ORDER BY Id"),
                         sorted([a, b]))
        self.assertEqual(ids("SELECT Id FROM Contact WHERE Created_By_Kith__c = true"), [a])
        self.assertEqual(ids("SELECT Id FROM Contact WHERE Created_By_Kith__c = false ORDER BY Id"), [b, c])
        self.assertEqual(ids("SELECT Id FROM Contact WHERE Id IN ('%s') AND LastName = 'c'" % c), [c])
        self.assertEqual(ids("SELECT Id, LastName FROM Lead WHERE IsConverted = false"), [seeded["Lead"][0]])
        self.assertEqual(ids("SELECT Id FROM Contact ORDER BY SystemModstamp DESC"), [c, b, a])
        for bad in ("SELECT FROM Contact", "SELECT Id FROM Contact WHERE LastName = 'A' OR LastName = 'B'",
                    "SELECT Id FROM Contact WHERE", "DELETE Contact", "SELECT Id FROM Contact WHERE Email IN ('a'"):
            status, _, out = self.call("GET", V + "/query?q=" + urllib.parse.quote(bad), token=self.token)
            self.assertEqual((status, out[0]["errorCode"]), (400, "MALFORMED_QUERY"), bad)

    # -- sObject Collections
    def test_create_ids_dates_and_validations(self):
        opp = self.admin("POST", "records", {"Opportunity": [{"Name": "Deal"}]})["Opportunity"][0]
        self.create([self.contact("Dup", "dup@x.com")])
        out = self.create([self.contact("Lee", "ann@x.com"), self.contact("", "nolast@x.com"),
                           self.contact("Dupe", "DUP@x.com")])
        self.assertTrue(out[0]["success"])
        self.assertEqual(out[0]["errors"], [])
        cid = out[0]["id"]
        self.assertTrue(cid.startswith("003") and len(cid) == 18)
        self.assertEqual(fake_salesforce.checksum(cid[:15]), cid[15:])
        self.assertEqual(out[1], {"success": False, "errors": [{
            "statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [LastName]",
            "fields": ["LastName"]}]})
        self.assertEqual(out[2]["errors"][0]["statusCode"], "DUPLICATES_DETECTED")
        rec = next(r for r in self.admin("GET", "records")["Contact"] if r["Id"] == cid)
        self.assertRegex(rec["CreatedDate"], SF_TIME)
        self.assertEqual(rec["SystemModstamp"], rec["CreatedDate"])
        self.admin("POST", "settings", {"duplicate_rule": False})
        self.assertTrue(self.create([self.contact("Dupe", "DUP@x.com")])[0]["success"])
        out = self.create([{"attributes": {"type": "OpportunityContactRole"}, "OpportunityId": opp,
                            "ContactId": cid, "Role": "Decision Maker"},
                           {"attributes": {"type": "OpportunityContactRole"}, "OpportunityId": opp,
                            "ContactId": "003000000000000AAA"}])
        self.assertTrue(out[0]["success"] and out[0]["id"].startswith("00K"))
        self.assertEqual(out[1]["errors"][0]["statusCode"], "INVALID_CROSS_REFERENCE_KEY")
        out = self.create([self.contact("X%d" % i) for i in range(201)], expect=400)
        self.assertEqual(out[0]["errorCode"], "EXCEEDED_ID_LIMIT")

    def test_create_all_or_none_rolls_back(self):
        out = self.create([self.contact("Good"), self.contact("")], all_or_none=True)
        self.assertEqual([r["success"] for r in out], [False, False])
        self.assertEqual(out[0]["errors"][0]["statusCode"], "ALL_OR_NONE_OPERATION_ROLLED_BACK")
        self.assertEqual(self.admin("GET", "records").get("Contact", []), [])

    def test_update(self):
        self.admin("POST", "settings", {"now": "2026-01-31T09:00:00Z"})
        cid = self.create([self.contact("Lee", "ann@x.com")])[0]["id"]
        other = self.create([self.contact("Roe", "roe@x.com")])[0]["id"]
        self.admin("POST", "settings", {"now": "2026-02-01T10:30:00.250Z"})
        self.api("DELETE", "/composite/sobjects?ids=" + other)
        out = self.api("PATCH", "/composite/sobjects", {"allOrNone": False, "records": [
            {"attributes": {"type": "Contact"}, "id": cid, "Title": "CTO"},
            {"attributes": {"type": "Contact"}, "id": other, "Title": "CEO"},
            {"attributes": {"type": "Contact"}, "id": "003000000000009AAA", "Title": "CEO"}]})
        self.assertEqual(out[0], {"id": cid, "success": True, "errors": []})
        self.assertEqual(out[1]["errors"][0]["statusCode"], "ENTITY_IS_DELETED")
        self.assertEqual(out[2]["errors"][0]["statusCode"], "INVALID_CROSS_REFERENCE_KEY")
        rec = self.query_all("SELECT Id, Title, SystemModstamp, CreatedDate FROM Contact")[0]
        self.assertEqual((rec["Title"], rec["SystemModstamp"], rec["CreatedDate"]),
                         ("CTO", "2026-02-01T10:30:00.250+0000", "2026-01-31T09:00:00.000+0000"))

    def test_delete_cascades_and_get_deleted(self):
        self.admin("POST", "settings", {"now": "2026-03-01T12:00:00Z"})
        opp = self.admin("POST", "records", {"Opportunity": [{"Name": "Deal"}]})["Opportunity"][0]
        cid, keep = (r["id"] for r in self.create([self.contact("Lee"), self.contact("Keep")]))
        ocr = self.create([{"attributes": {"type": "OpportunityContactRole"}, "OpportunityId": opp,
                            "ContactId": cid}])[0]["id"]
        out = self.api("DELETE", "/composite/sobjects?ids=%s,%s&allOrNone=false" % (cid, cid))
        self.assertEqual(out[0], {"id": cid, "success": True, "errors": []})
        self.assertEqual(out[1]["errors"][0]["statusCode"], "ENTITY_IS_DELETED")
        self.assertEqual(self.admin("GET", "records")["OpportunityContactRole"], [])
        window = "?start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z"
        got = self.api("GET", "/sobjects/Contact/deleted/" + window)
        self.assertEqual(got["deletedRecords"], [{"id": cid, "deletedDate": "2026-03-01T12:00:00.000+0000"}])
        self.assertRegex(got["earliestDateAvailable"], SF_TIME)
        self.assertEqual(got["latestDateCovered"], "2026-03-01T12:00:00.000+0000")
        got = self.api("GET", "/sobjects/OpportunityContactRole/deleted" + window)
        self.assertEqual([d["id"] for d in got["deletedRecords"]], [ocr])
        got = self.api("GET", "/sobjects/Contact/deleted/?start=2026-03-02T00:00:00Z&end=2026-03-03T00:00:00Z")
        self.assertEqual(got["deletedRecords"], [])
        self.assertEqual(self.admin("POST", "delete", {"ids": [keep]})[0]["success"], True)
        self.assertNotIn(keep, [r["Id"] for r in self.admin("GET", "records")["Contact"]])
        self.assertEqual(len(self.api("GET", "/sobjects/Contact/deleted/" + window)["deletedRecords"]), 2)

    # -- admin
    def test_request_log(self):
        self.admin("POST", "requests/clear")
        self.create([self.contact("Lee")])
        log = self.admin("GET", "requests")
        self.assertEqual(len(log), 1)
        self.assertEqual((log[0]["method"], log[0]["path"]), ("POST", V + "/composite/sobjects"))
        self.assertEqual(log[0]["body"]["records"][0]["LastName"], "Lee")
        self.assertEqual(log[0]["headers"]["Authorization"], "Bearer " + self.token)
        self.admin("POST", "requests/clear")
        self.assertEqual(self.admin("GET", "requests"), [])

    # -- faults
    def test_fault_statuses(self):
        expected = {503: "SERVER_UNAVAILABLE", 500: "UNKNOWN_EXCEPTION", 502: "SERVER_UNAVAILABLE",
                    429: "REQUEST_LIMIT_EXCEEDED", 403: "REQUEST_LIMIT_EXCEEDED", 401: "INVALID_SESSION_ID"}
        for status, code in expected.items():
            self.admin("POST", "faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                           "then": {"status": status}}])
            got, headers, out = self.call("POST", V + "/composite/sobjects",
                                          {"records": [self.contact("Lee")]}, token=self.token)
            self.assertEqual((got, out[0]["errorCode"]), (status, code))
            self.assertIn("Sforce-Limit-Info", headers)
        self.assertEqual(self.admin("GET", "records").get("Contact", []), [])
        self.assertEqual(self.admin("GET", "faults"), [])

    def test_fault_times_and_method(self):
        left = self.admin("POST", "faults", [{"method": "GET", "path_contains": "/query", "times": 2,
                                              "then": {"status": 503}}])
        self.assertEqual(left[0]["times"], 2)
        self.create([self.contact("Lee")])  # a POST: the fault does not apply
        for _ in range(2):
            status, _, _ = self.call("GET", V + "/query?q=SELECT+Id+FROM+Contact", token=self.token)
            self.assertEqual(status, 503)
        self.assertEqual(len(self.query_all("SELECT Id FROM Contact")), 1)

    def test_fault_delay(self):
        self.admin("POST", "faults", [{"path_contains": "/query", "then": {"delay": 1.5}}])
        with self.assertRaises((socket.timeout, TimeoutError, urllib.error.URLError)):
            self.call("GET", V + "/query?q=SELECT+Id+FROM+Contact", token=self.token, timeout=0.5)
        self.query("SELECT Id FROM Contact")

    def test_fault_close(self):
        self.admin("POST", "faults", [{"path_contains": "/composite/sobjects", "then": {"close": True}}])
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
            self.call("POST", V + "/composite/sobjects", {"records": [self.contact("Lee")]}, token=self.token)
        self.assertEqual(self.admin("GET", "records").get("Contact", []), [])

    def test_fault_apply_then_hang(self):
        self.admin("POST", "faults", [{"path_contains": "/composite/sobjects", "then": {"apply_then_hang": 1.5}}])
        with self.assertRaises((socket.timeout, TimeoutError, urllib.error.URLError)):
            self.call("POST", V + "/composite/sobjects", {"records": [self.contact("Lee")]},
                      token=self.token, timeout=0.5)
        self.assertEqual([r["LastName"] for r in self.admin("GET", "records")["Contact"]], ["Lee"])

    def test_fault_partial(self):
        self.admin("POST", "faults", [{"method": "POST", "path_contains": "/composite/sobjects", "then": {
            "partial": {"fail_indexes": [1, 3], "statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                        "message": "nope"}}}])
        out = self.create([self.contact("C%d" % i) for i in range(4)])
        self.assertEqual([r["success"] for r in out], [True, False, True, False])
        self.assertEqual(out[1]["errors"], [{"statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                                             "message": "nope", "fields": []}])
        self.assertEqual(sorted(r["LastName"] for r in self.admin("GET", "records")["Contact"]), ["C0", "C2"])

    def test_fault_apply_then_close(self):
        """The org commits, then the connection drops: no reply, yet the record is there."""
        self.admin("POST", "faults", [{"path_contains": "/composite/sobjects",
                                       "then": {"apply_then_close": True}}])
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
            self.call("POST", V + "/composite/sobjects", {"records": [self.contact("Lee")]}, token=self.token)
        self.assertEqual([r["LastName"] for r in self.admin("GET", "records")["Contact"]], ["Lee"])
        self.assertEqual(self.admin("GET", "faults"), [])

    def test_uri_too_long_is_414_and_headers_431(self):
        """Salesforce: URI and headers together at most 16,384 bytes; a URI over it alone is 414."""
        self.query("SELECT Id FROM Contact WHERE Email IN ('a@contoso.com')")
        long_in = ", ".join("'%s@contoso.com'" % ("x%05d" % i) for i in range(1000))
        status, _, out = self.call("GET", V + "/query?q=" + urllib.parse.quote(
            "SELECT Id FROM Contact WHERE Email IN (%s)" % long_in), token=self.token)
        self.assertEqual(status, 414, out)
        path = V + "/query?q=" + urllib.parse.quote("SELECT Id FROM Contact WHERE LastName IN (%s)"
                                                     % ", ".join("'n'" for _ in range(1200)))
        self.assertLess(len(path), fake_salesforce.MAX_URI)
        req = urllib.request.Request(self.base + path, headers={
            "Authorization": "Bearer " + self.token, "X-Padding": "p" * (fake_salesforce.MAX_URI - len(path))})
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(e.exception.code, 431)

    def test_inactive_owner_is_refused(self):
        """A record owned by an inactive User: INACTIVE_OWNER_OR_USER, on create and on a change of owner."""
        users = self.admin("POST", "records", {"User": [
            {"LastName": "Gone", "IsActive": False}, {"LastName": "Here", "IsActive": True}]})["User"]
        out = self.create([self.contact("A", OwnerId=users[0]), self.contact("B", OwnerId=users[1])])
        self.assertEqual(out[0]["errors"][0]["statusCode"], "INACTIVE_OWNER_OR_USER")
        self.assertEqual(out[0]["errors"][0]["fields"], ["OwnerId"])
        self.assertTrue(out[1]["success"])
        moved = self.api("PATCH", "/composite/sobjects", {"records": [
            {"attributes": {"type": "Contact"}, "id": out[1]["id"], "OwnerId": users[0]}]})
        self.assertEqual(moved[0]["errors"][0]["statusCode"], "INACTIVE_OWNER_OR_USER")
        # Other changes to a record an inactive user owns are not refused for it.
        self.admin("POST", "records", {"User": [{"Id": users[1], "IsActive": False}]})
        kept = self.api("PATCH", "/composite/sobjects", {"records": [
            {"attributes": {"type": "Contact"}, "id": out[1]["id"], "Title": "CTO"}]})
        self.assertTrue(kept[0]["success"], kept)

    def test_unique_field_refuses_a_second_value(self):
        self.admin("POST", "settings", {"unique_fields": {"Contact": ["Ext__c"]}})
        first = self.create([self.contact("A", Ext__c="k-1")])[0]
        self.assertTrue(first["success"])
        out = self.create([self.contact("B", Ext__c="K-1"), self.contact("C", Ext__c="k-2")])
        self.assertEqual(out[0]["errors"][0]["statusCode"], "DUPLICATE_VALUE")
        self.assertIn(first["id"], out[0]["errors"][0]["message"])
        self.assertTrue(out[1]["success"])
        self.assertEqual(len(self.admin("GET", "records")["Contact"]), 2)

    def test_custom_fields_the_org_lacks_are_invalid_field(self):
        """With "custom_fields" set, a write or a query naming another custom
        field is refused with INVALID_FIELD, and the describe call lists only
        the fields the org has (sObject Describe, "No such column" errors)."""
        self.admin("POST", "settings", {"custom_fields": {"Contact": ["Created_By_Kith__c"]}})
        out = self.create([self.contact("A", Kith_Id__c="k-1"), self.contact("B")], expect=400)
        self.assertEqual(out[0]["errorCode"], "INVALID_FIELD")
        self.assertIn("No such column 'Kith_Id__c' on sobject of type Contact", out[0]["message"])
        self.assertNotIn("Contact", self.admin("GET", "records"))  # refused whole
        self.assertTrue(self.create([self.contact("C", Created_By_Kith__c=True)])[0]["success"])
        q = self.api("GET", "/query?q=" + urllib.parse.quote(
            "SELECT Id FROM Contact WHERE Kith_Id__c IN ('k-1')"), expect=400)
        self.assertEqual(q[0]["errorCode"], "INVALID_FIELD")
        self.assertIn("No such column 'Kith_Id__c' on entity 'Contact'", q[0]["message"])
        names = [f["name"] for f in self.api("GET", "/sobjects/Contact/describe")["fields"]]
        self.assertIn("Email", names)
        self.assertIn("Created_By_Kith__c", names)
        self.assertNotIn("Kith_Id__c", names)
        self.api("GET", "/sobjects/NoSuchThing/describe", expect=404)
        # Unset (null): every custom field exists, and the set-up's are described.
        self.admin("POST", "settings", {"custom_fields": None, "unique_fields": {"Contact": ["Kith_Id__c"]}})
        fields = {f["name"]: f for f in self.api("GET", "/sobjects/Contact/describe/")["fields"]}
        self.assertTrue(fields["Kith_Id__c"]["externalId"] and fields["Kith_Id__c"]["unique"])

    def test_fault_unable_to_lock_row(self):
        """A row lock held elsewhere: those records are not saved; the next try goes through."""
        self.admin("POST", "faults", [{"method": "POST", "path_contains": "/composite/sobjects", "then": {
            "partial": {"fail_indexes": [0], "statusCode": "UNABLE_TO_LOCK_ROW",
                        "message": "unable to obtain exclusive access to this record"}}}])
        out = self.create([self.contact("L0"), self.contact("L1")])
        self.assertEqual(out[0]["errors"][0]["statusCode"], "UNABLE_TO_LOCK_ROW")
        self.assertTrue(out[1]["success"])
        self.assertTrue(self.create([self.contact("L0")])[0]["success"])
        self.assertEqual(sorted(r["LastName"] for r in self.admin("GET", "records")["Contact"]), ["L0", "L1"])

    def test_fault_after(self):
        self.admin("POST", "faults", [{"method": "POST", "path_contains": "/composite/sobjects",
                                       "after": 1, "then": {"status": 503}}])
        self.create([self.contact("First")])
        status, _, _ = self.call("POST", V + "/composite/sobjects", {"records": [self.contact("Second")]},
                                 token=self.token)
        self.assertEqual(status, 503)
        self.create([self.contact("Third")])
        self.assertEqual(sorted(r["LastName"] for r in self.admin("GET", "records")["Contact"]),
                         ["First", "Third"])

    def test_fault_on_token_endpoint(self):
        self.admin("POST", "faults", [{"path_contains": "/oauth2/token", "then": {"status": 503}}])
        self.assertIsNone(self.refresh())
        self.assertTrue(self.refresh())

    # -- process life
    def test_state_survives_restart(self):
        state = os.path.join(self.tmp, "restart.json")
        proc, base = start_server(self.tmp, "--state", state)
        _, _, tok = self.call("POST", "/services/oauth2/token", base=base, form={
            "grant_type": "refresh_token", "refresh_token": "test-refresh-token", "client_id": "c"})
        status, _, out = self.call("POST", V + "/composite/sobjects", {"records": [self.contact("Lee")]},
                                   token=tok["access_token"], base=base)
        self.assertEqual(status, 200)
        self.assertEqual(stop_server(proc), 0)
        proc, base = start_server(self.tmp, "--state", state)
        try:
            status, headers, page = self.call("GET", V + "/query?q=SELECT+Id,LastName+FROM+Contact",
                                              token=tok["access_token"], base=base)
            self.assertEqual(status, 200)
            self.assertEqual([(r["Id"], r["LastName"]) for r in page["records"]], [(out[0]["id"], "Lee")])
            self.assertEqual(headers["Sforce-Limit-Info"], "api-usage=2/15000")
            status, _, out2 = self.call("POST", V + "/composite/sobjects", {"records": [self.contact("Roe")]},
                                        token=tok["access_token"], base=base)
            self.assertNotEqual(out2[0]["id"], out[0]["id"])
        finally:
            stop_server(proc)

    def test_max_seconds(self):
        proc, _ = start_server(self.tmp, "--max-seconds", "0.5")
        self.assertEqual(proc.wait(timeout=10), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
