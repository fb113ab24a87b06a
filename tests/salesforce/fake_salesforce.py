#!/usr/bin/env python3
"""fake_salesforce.py - a local stand-in for the Salesforce REST API endpoints kith uses, for tests.

It keeps one org's records in memory, answers with the response shapes of
Salesforce's REST API documentation (it is no real org), and injects faults
(error statuses, delays, dropped connections, partial failures) on request of
an unauthenticated admin API under /__admin/. README.md next to it says more.

  fake_salesforce.py --port 0 --port-file PATH [--state FILE] [--public-key PEM]
                     [--refresh-token TOKEN] [--page-size N] [--max-seconds S] [--verbose]

Python 3.11 standard library only, plus the openssl command for RS256 checks.
"""

import argparse
import base64
import copy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Key prefixes (the first 3 characters of an Id) of the standard objects.
PREFIXES = {"Account": "001", "Contact": "003", "User": "005", "Opportunity": "006",
            "Lead": "00Q", "OpportunityContactRole": "00K", "AccountTeamMember": "01M",
            "Task": "00T", "Event": "00U"}
CUSTOM_PREFIX = "a00"  # every other object
# Deleting a parent deletes these children too, as Salesforce does.
CASCADE = {"Account": [("Contact", "AccountId"), ("Opportunity", "AccountId"),
                       ("AccountTeamMember", "AccountId")],
           "Contact": [("OpportunityContactRole", "ContactId")],
           "Opportunity": [("OpportunityContactRole", "OpportunityId")]}
MAX_COLLECTION = 200          # records per sObject Collections request
MAX_BODY = 16 * 1024 * 1024   # bytes of one request body
MAX_LOG = 20000               # requests kept in the log
MAX_CURSORS = 200             # open query locators
MAX_URI = 16384               # bytes of URI (414 beyond), and of URI plus headers (431 beyond)
# The standard fields the describe call lists (a subset of Salesforce's: the
# ones kith reads or writes, and the system fields every object has).
SYSTEM_FIELDS = ["Id", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate",
                 "LastModifiedById", "SystemModstamp"]
STANDARD_FIELDS = {
    "User": ["Username", "FirstName", "LastName", "Name", "Email", "IsActive"],
    "Account": ["Name", "Website", "OwnerId"],
    "AccountTeamMember": ["AccountId", "UserId", "TeamMemberRole"],
    "Contact": ["AccountId", "FirstName", "LastName", "Name", "Email", "Title", "Phone",
                "Department", "MailingCountry", "MailingState", "OwnerId", "LeadSource"],
    "Lead": ["FirstName", "LastName", "Name", "Email", "Company", "OwnerId", "IsConverted"],
    "Opportunity": ["AccountId", "Name", "OwnerId", "StageName", "IsClosed"],
    "OpportunityContactRole": ["OpportunityId", "ContactId", "Role", "IsPrimary"],
}
# The custom fields kith's set-up asks an administrator to create, which the
# describe call lists while the "custom_fields" setting is null (every custom
# field exists).
SETUP_CUSTOM_FIELDS = {
    "Contact": ["Created_By_Kith__c", "Seniority__c", "Persona__c", "Kith_Id__c"],
    "OpportunityContactRole": ["Created_By_Kith__c", "Kith_Id__c"],
    "Account": ["Secondary_Domains__c"],
}


def checksum(id15):
    """The case-safe suffix: per 5-character chunk, bit i set when character i
    is an upper-case letter; 0-25 map to A-Z, 26-31 to 0-5."""
    table = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    return "".join(table[sum(1 << i for i, c in enumerate(id15[k:k + 5]) if "A" <= c <= "Z")]
                   for k in (0, 5, 10))


def make_id(prefix, serial):
    """An 18-character Id: prefix, "KS" (made by this server), a 10-digit serial, suffix."""
    id15 = "%sKS%010d" % (prefix, serial)
    return id15 + checksum(id15)


ORG_ID, USER_ID = make_id("00D", 1), make_id("005", 1)


def sf_time(dt):
    """The way Salesforce writes date-times: 2026-11-27T10:00:00.000+0000."""
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+0000" % (dt.microsecond // 1000)


def parse_time(s):
    """An aware UTC datetime from an ISO 8601 string, or None."""
    if not isinstance(s, str) or not s:
        return None
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def sf_error(code, message, fields=None):
    return {"statusCode": code, "message": message, "fields": fields or []}


def failed(code, message, fields=None):
    """One failed record of an sObject Collections reply."""
    return {"success": False, "errors": [sf_error(code, message, fields)]}


class ApiError(Exception):
    """A whole-request error: an HTTP status and Salesforce's [{message, errorCode}] body."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self):
        return [{"message": self.message, "errorCode": self.code}]


def malformed(message):
    return ApiError(400, "MALFORMED_QUERY", message)


# ---------------------------------------------------------------- SOQL

TOKEN_RE = re.compile(r"""\s*(?:
    (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op>>=|<=|!=|<>|=|<|>)
  | (?P<punct>[(),]))\s*""", re.VERBOSE)


class Parser:
    """SELECT f, ... FROM Obj [WHERE c [AND c]...] [ORDER BY f [ASC|DESC], ...] [LIMIT n],
    where c is `field op literal` or `field [NOT] IN (literal, ...)`."""

    def __init__(self, q):
        self.toks, self.i, pos = [], 0, 0
        while pos < len(q):
            m = TOKEN_RE.match(q, pos)
            if not m or m.end() == pos:
                raise malformed("unexpected text at: %s" % q[pos:pos + 20])
            pos = m.end()
            if m.lastgroup:
                text = m.group(m.lastgroup)
                if m.lastgroup == "string":
                    text = re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)),
                                  text[1:-1])
                self.toks.append((m.lastgroup, text))

    def peek(self, kind, text=None):
        if self.i >= len(self.toks):
            return False
        k, t = self.toks[self.i]
        return k == kind and (text is None or t.upper() == text)

    def take(self, kind, text=None):
        if not self.peek(kind, text):
            got = self.toks[self.i][1] if self.i < len(self.toks) else "end of query"
            raise malformed("expecting %s, found '%s'" % (text or kind, got))
        self.i += 1
        return self.toks[self.i - 1][1]

    def skip(self, kind, text=None):
        """Takes the token when it is there; says whether it was."""
        if self.peek(kind, text):
            self.i += 1
            return True
        return False

    def literal(self):
        kind, text = self.toks[self.i] if self.i < len(self.toks) else ("end", "end of query")
        self.i += 1
        if kind == "string":
            return ("str", text)
        if kind in ("datetime", "date"):
            return ("time", parse_time(text if kind == "datetime" else text + "T00:00:00Z"))
        if kind == "number":
            return ("num", float(text))
        if kind == "ident" and text.lower() in ("true", "false", "null"):
            return ("null", None) if text.lower() == "null" else ("bool", text.lower() == "true")
        raise malformed("unexpected token: '%s'" % text)

    def parse(self):
        self.take("ident", "SELECT")
        fields = [self.take("ident")]
        while self.skip("punct", ","):
            fields.append(self.take("ident"))
        self.take("ident", "FROM")
        obj, conds, order, limit = self.take("ident"), [], [], None
        if self.skip("ident", "WHERE"):
            conds.append(self.condition())
            while self.skip("ident", "AND"):
                conds.append(self.condition())
        if self.skip("ident", "ORDER"):
            self.take("ident", "BY")
            while True:
                field = self.take("ident")
                desc = self.skip("ident", "DESC")
                if not desc:
                    self.skip("ident", "ASC")
                order.append((field, desc))
                if not self.skip("punct", ","):
                    break
        if self.skip("ident", "LIMIT"):
            limit = int(float(self.take("number")))
        if self.i != len(self.toks):
            raise malformed("unexpected token: '%s'" % self.toks[self.i][1])
        return fields, obj, conds, order, limit

    def condition(self):
        field = self.take("ident")
        negate = self.skip("ident", "NOT")
        if self.skip("ident", "IN"):
            self.take("punct", "(")
            values = [self.literal()]
            while self.skip("punct", ","):
                values.append(self.literal())
            self.take("punct", ")")
            return (field, "NOT IN" if negate else "IN", values)
        if negate:
            raise malformed("expecting IN after NOT")
        op = self.take("op")
        return (field, "!=" if op == "<>" else op, [self.literal()])


def field_of(record, name):
    """(the record's own spelling of NAME, its value): SOQL names ignore case."""
    if name in record:
        return name, record[name]
    for key, value in record.items():
        if key.lower() == name.lower():
            return key, value
    return name, None


def compare(value, op, lit):
    """A record value against a SOQL literal."""
    kind, want = lit
    if kind in ("null", "bool"):
        if kind == "null":
            have = value is None or value == ""
            want = True
        else:  # a checkbox is never null: missing counts as false
            have = value is True or (isinstance(value, str) and value.lower() in ("true", "1"))
        return have == want if op == "=" else (have != want if op == "!=" else False)
    if value is None or value == "":
        return op == "!="
    if kind == "time":
        have = parse_time(value)
        if have is None or want is None:
            return False
    elif kind == "num":
        try:
            have = float(value)
        except (TypeError, ValueError):
            return False
    else:  # strings compare without regard to case, as in SOQL
        have, want = str(value).lower(), want.lower()
    return {"=": have == want, "!=": have != want, ">": have > want, ">=": have >= want,
            "<": have < want, "<=": have <= want}[op]


def matches(record, cond):
    field, op, values = cond
    value = field_of(record, field)[1]
    if op in ("IN", "NOT IN"):
        return any(compare(value, "=", v) for v in values) == (op == "IN")
    return compare(value, op, values[0])


def sort_key(value):
    """Nulls first (Salesforce's default), then booleans, numbers, times, strings."""
    if value is None or value == "":
        return (0, "")
    if isinstance(value, (bool, int, float)):
        return (1 if isinstance(value, bool) else 2, value)
    t = parse_time(value) if re.match(r"\d{4}-\d{2}-\d{2}T", str(value)) else None
    return (3, t.timestamp()) if t else (4, str(value).lower())


# ---------------------------------------------------------------- the org

class Org:
    """The records, delete log, tokens, settings, faults and request log; one lock guards all."""

    def __init__(self, state_path, page_size):
        self.lock = threading.RLock()
        self.state_path = state_path
        self.records = {}       # object -> {Id: record}, in insertion order
        self.deleted = []       # [{"id", "type", "deletedDate"}]
        self.counter = 0        # the serial of the last Id made
        self.tokens = []
        self.token_serial = 0   # never reused, so an expired token stays expired
        # custom_fields: null (every custom field a write or a query names exists)
        # or {object: [field, ...]}: the org's only custom fields; naming any
        # other is INVALID_FIELD, in a write and in SOQL, as in Salesforce.
        # unique_fields: {object: [field, ...]}: custom fields marked Unique (an
        # External ID usually is): a second record with the same value is refused.
        self.settings = {"page_size": page_size, "api_limit": 15000, "api_used": 0,
                         "duplicate_rule": True, "now": None, "unique_fields": {},
                         "custom_fields": None}
        self.created = sf_time(datetime.now(timezone.utc))
        self.cursors = {}       # query locator -> the projected rows
        self.cursor_serial = 0
        self.faults = []
        self.log = []
        if state_path and os.path.exists(state_path) and os.path.getsize(state_path) > 0:
            with open(state_path, encoding="utf-8") as f:
                s = json.load(f)
            self.records = {o: {r["Id"]: r for r in rs} for o, rs in s.get("records", {}).items()}
            self.deleted, self.counter = s.get("deleted", []), s.get("counter", 0)
            self.tokens, self.token_serial = s.get("tokens", []), s.get("token_serial", 0)
            self.created = s.get("created", self.created)
            self.settings.update(s.get("settings", {}))

    def save(self):
        """Writes the org to the state file, atomically: a restarted server never reads half."""
        if not self.state_path:
            return
        s = {"records": self.dump(), "deleted": self.deleted, "counter": self.counter,
             "created": self.created, "tokens": self.tokens, "token_serial": self.token_serial,
             "settings": self.settings}
        with open(self.state_path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(s, f, indent=1)
        os.replace(self.state_path + ".tmp", self.state_path)

    def dump(self):
        return {o: list(rs.values()) for o, rs in self.records.items()}

    def now(self):
        """Server time, or the time the admin API pinned (settings "now")."""
        return sf_time(parse_time(self.settings.get("now")) or datetime.now(timezone.utc))

    def new_id(self, obj):
        while True:  # skips Ids a test seeded by hand
            self.counter += 1
            rid = make_id(PREFIXES.get(obj, CUSTOM_PREFIX), self.counter)
            if self.find(rid) is None:
                return rid

    def find(self, rid):
        """The object of the live record RID, or None."""
        return next((obj for obj, rs in self.records.items() if rid in rs), None)

    def custom_fields(self, obj):
        """The custom fields OBJ has, by lower-cased name -> API name; None: any."""
        fields = self.settings.get("custom_fields")
        if fields is None:
            return None
        return {f.lower(): f for f in fields.get(obj, [])}

    def unknown_field(self, obj, names):
        """The first of NAMES that is a custom field OBJ does not have, or None."""
        have = self.custom_fields(obj)
        if have is None:
            return None
        return next((n for n in names if n.lower().endswith("__c") and n.lower() not in have), None)

    def check_write_fields(self, records):
        """A collection naming a field its object lacks is refused whole, as
        Salesforce refuses a body it cannot deserialize: 400 INVALID_FIELD."""
        for item in records:
            if not isinstance(item, dict):
                continue
            obj = (item.get("attributes") or {}).get("type")
            bad = self.unknown_field(obj, [k for k in item if k != "attributes"]) if obj else None
            if bad:
                raise ApiError(400, "INVALID_FIELD", "No such column '%s' on sobject of type %s"
                               % (bad, obj))

    def describe(self, obj, version):
        """The sObject Describe reply, with the fields the org has."""
        if obj not in PREFIXES and obj not in self.records:
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        have = self.custom_fields(obj)
        if have is None:
            custom = list(SETUP_CUSTOM_FIELDS.get(obj, []))
            for r in self.records.get(obj, {}).values():
                custom += [k for k in r if k.endswith("__c") and k not in custom]
        else:
            custom = list(have.values())
        unique = {f.lower() for f in self.settings.get("unique_fields", {}).get(obj, [])}
        fields = [{"name": n, "label": n, "custom": False, "externalId": False, "unique": False,
                   "type": "id" if n == "Id" else "string", "createable": n not in SYSTEM_FIELDS,
                   "updateable": n not in SYSTEM_FIELDS}
                  for n in SYSTEM_FIELDS + STANDARD_FIELDS.get(obj, [])]
        fields += [{"name": n, "label": n.replace("__c", "").replace("_", " "), "custom": True,
                    "externalId": n.lower() in unique, "unique": n.lower() in unique,
                    "type": "string", "createable": True, "updateable": True} for n in custom]
        return {"name": obj, "label": obj, "keyPrefix": PREFIXES.get(obj, CUSTOM_PREFIX),
                "custom": False, "createable": True, "updateable": True, "queryable": True,
                "fields": fields,
                "urls": {"sobject": "/services/data/%s/sobjects/%s" % (version, obj),
                         "describe": "/services/data/%s/sobjects/%s/describe" % (version, obj)}}

    def gone(self, rid):
        """The failure for an Id that names no live record."""
        if any(d["id"] == rid for d in self.deleted):
            return failed("ENTITY_IS_DELETED", "entity is deleted")
        return failed("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["Id"])

    def validate(self, obj, rec, own_id=None, changed=None):
        """The org's built-in rules, for create and update: None, or the failure.
        CHANGED: the fields an update sets (None: a create sets them all)."""
        owner = rec.get("OwnerId")
        if owner and (changed is None or "OwnerId" in changed):
            user = self.records.get("User", {}).get(owner)
            if user is not None and user.get("IsActive") is False:
                return failed("INACTIVE_OWNER_OR_USER",
                              "operation performed with inactive user [%s] as owner of %s"
                              % (owner, obj.lower()), ["OwnerId"])
        for field in self.settings.get("unique_fields", {}).get(obj, []):
            value = str(rec.get(field) or "").lower()
            other = next((r["Id"] for r in self.records.get(obj, {}).values()
                          if r["Id"] != own_id and value and str(r.get(field) or "").lower() == value),
                         None)
            if other:
                return failed("DUPLICATE_VALUE", "duplicate value found: %s duplicates value on record "
                              "with id: %s" % (field, other), [field])
        if obj == "Contact":
            if not str(rec.get("LastName") or "").strip():
                return failed("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]",
                              ["LastName"])
            email = str(rec.get("Email") or "").strip().lower()
            if email and self.settings["duplicate_rule"] and any(
                    other["Id"] != own_id and str(other.get("Email") or "").strip().lower() == email
                    for other in self.records.get("Contact", {}).values()):
                return failed("DUPLICATES_DETECTED", "Use one of these records?")
        if obj == "OpportunityContactRole":
            for field, target in (("OpportunityId", "Opportunity"), ("ContactId", "Contact")):
                if not rec.get(field):
                    return failed("REQUIRED_FIELD_MISSING",
                                  "Required fields are missing: [%s]" % field, [field])
                if self.find(rec[field]) != target:
                    return failed("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [field])
        return None

    # -- sObject Collections
    def run_collection(self, items, apply_one, all_or_none, fail_indexes, fail_error):
        """APPLY_ONE on each item, in order; the per-item results. With allOrNone
        one failure rolls back every change of the request."""
        before = copy.deepcopy((self.records, self.deleted, self.counter)) if all_or_none else None
        results = [{"success": False, "errors": [dict(fail_error)]} if i in fail_indexes
                   else apply_one(item) for i, item in enumerate(items)]
        if all_or_none and not all(r["success"] for r in results):
            self.records, self.deleted, self.counter = before
            rolled = failed("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all "
                            "records were valid and the request was using AllOrNone header")
            results = [rolled if r["success"] else r for r in results]
        self.save()
        return results

    def create_one(self, item, stamp):
        if not isinstance(item, dict):
            return failed("JSON_PARSER_ERROR", "a record must be a JSON object")
        obj = (item.get("attributes") or {}).get("type")
        if not obj:
            return failed("INVALID_TYPE", "Must specify a type")
        if item.get("Id") or item.get("id"):
            return failed("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call", ["Id"])
        rec = {k: v for k, v in item.items() if k != "attributes"}
        problem = self.validate(obj, rec)
        if problem:
            return problem
        rec["Id"] = self.new_id(obj)
        rec["CreatedDate"] = rec["LastModifiedDate"] = rec["SystemModstamp"] = stamp
        self.records.setdefault(obj, {})[rec["Id"]] = rec
        return {"id": rec["Id"], "success": True, "errors": []}

    def update_one(self, item, stamp):
        rid = (item.get("id") or item.get("Id")) if isinstance(item, dict) else None
        if not rid:
            return failed("MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
        obj = self.find(rid)
        if obj is None:
            return self.gone(rid)
        want = (item.get("attributes") or {}).get("type")
        if want and want != obj:
            return failed("MALFORMED_ID", "%s ID: id value of incorrect type: %s" % (want, rid), ["Id"])
        merged = {**self.records[obj][rid],
                  **{k: v for k, v in item.items() if k not in ("attributes", "id", "Id")}}
        problem = self.validate(obj, merged, own_id=rid, changed=set(item))
        if problem:
            return problem
        merged["LastModifiedDate"] = merged["SystemModstamp"] = stamp
        self.records[obj][rid] = merged
        return {"id": rid, "success": True, "errors": []}

    def delete_one(self, rid, stamp):
        obj = self.find(rid)
        if obj is None:
            return self.gone(rid)
        self.remove(obj, rid, stamp)
        return {"id": rid, "success": True, "errors": []}

    def remove(self, obj, rid, stamp):
        del self.records[obj][rid]
        self.deleted.append({"id": rid, "type": obj, "deletedDate": stamp})
        for child, field in CASCADE.get(obj, []):
            for cid in [k for k, r in self.records.get(child, {}).items() if r.get(field) == rid]:
                if cid in self.records[child]:  # a cascade above may have taken it already
                    self.remove(child, cid, stamp)

    # -- queries
    def query(self, soql, version):
        fields, obj, conds, order, limit = Parser(soql).parse()
        if obj not in self.records and obj not in PREFIXES and not obj.endswith("__c"):
            raise ApiError(400, "INVALID_TYPE", "sObject type '%s' is not supported." % obj)
        bad = self.unknown_field(obj, fields + [c[0] for c in conds] + [o[0] for o in order])
        if bad:
            raise ApiError(400, "INVALID_FIELD", "No such column '%s' on entity '%s'. If you are "
                           "attempting to use a custom field, be sure to append the '__c' after the "
                           "custom field name. Please reference your WSDL or the describe call for "
                           "the appropriate names." % (bad, obj))
        rows = [r for r in self.records.get(obj, {}).values() if all(matches(r, c) for c in conds)]
        for field, desc in reversed(order):  # stable sorts, last key first
            rows.sort(key=lambda r, f=field: sort_key(field_of(r, f)[1]), reverse=desc)
        out = []
        for r in rows[:limit]:
            row = {"attributes": {"type": obj,
                                  "url": "/services/data/%s/sobjects/%s/%s" % (version, obj, r["Id"])}}
            row.update(field_of(r, f) for f in fields)
            out.append(row)
        self.cursor_serial += 1
        locator = make_id("01g", self.cursor_serial)
        self.cursors[locator] = out
        while len(self.cursors) > MAX_CURSORS:
            del self.cursors[next(iter(self.cursors))]
        return self.page(locator, 0, version)

    def page(self, locator, offset, version):
        """One batch of a query's rows; the rows were fixed when the query ran."""
        rows = self.cursors.get(locator)
        if rows is None or offset > len(rows):
            raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        chunk = rows[offset:offset + max(1, int(self.settings["page_size"]))]
        done = offset + len(chunk) >= len(rows)
        reply = {"totalSize": len(rows), "done": done, "records": chunk}
        if not done:
            reply["nextRecordsUrl"] = "/services/data/%s/query/%s-%d" % (version, locator, offset + len(chunk))
        return reply

    def get_deleted(self, obj, start, end):
        t0, t1 = parse_time(start), parse_time(end)
        if t0 is None or t1 is None or t1 < t0:
            raise ApiError(400, "INVALID_REPLICATION_DATE", "start and end must be ISO 8601, start <= end")
        found = [{"id": d["id"], "deletedDate": d["deletedDate"]} for d in self.deleted
                 if d["type"] == obj and t0 <= parse_time(d["deletedDate"]) <= t1]
        return {"deletedRecords": found, "earliestDateAvailable": self.created,
                "latestDateCovered": sf_time(min(t1, parse_time(self.now())))}

    def seed(self, data):
        """Admin seeding: upserts by Id, keeps the dates given, fills in the rest."""
        assigned, stamp = {}, self.now()
        for obj, recs in data.items():
            for item in recs:
                rec = {k: v for k, v in item.items() if k != "attributes"}
                rid = rec.get("Id") or self.new_id(obj)
                old = self.find(rid)
                if old is not None:
                    rec = {**self.records[old].pop(rid), **rec}
                rec["Id"] = rid
                rec.setdefault("CreatedDate", stamp)
                rec.setdefault("LastModifiedDate", stamp)
                if "SystemModstamp" not in item:
                    rec["SystemModstamp"] = stamp
                self.records.setdefault(obj, {})[rid] = rec
                assigned.setdefault(obj, []).append(rid)
        self.save()
        return assigned


# ---------------------------------------------------------------- HTTP

FAULT_BODIES = {
    401: [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}],
    403: [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
    429: [{"message": "Too many requests; retry later.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
    500: [{"message": "An unexpected error occurred.", "errorCode": "UNKNOWN_EXCEPTION"}],
    502: [{"message": "Bad Gateway", "errorCode": "SERVER_UNAVAILABLE"}],
    503: [{"message": "Service Unavailable", "errorCode": "SERVER_UNAVAILABLE"}],
}
INVALID_SESSION = FAULT_BODIES[401]
DATA_RE = re.compile(r"^/services/data/(v\d+\.\d+)(/.*)?$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as libcurl expects
    server_version = "fake_salesforce/1"
    org = None
    args = None

    def log_message(self, fmt, *a):
        if self.args.verbose:
            sys.stderr.write("fake_salesforce: " + fmt % a + "\n")

    def do_GET(self):
        self.dispatch()

    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            if self.path.startswith("/services/data/"):
                with self.org.lock:
                    s = self.org.settings
                    self.send_header("Sforce-Limit-Info", "api-usage=%d/%d" % (s["api_used"], s["api_limit"]))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped waiting

    def dispatch(self):
        if len(self.path.encode()) > MAX_URI:
            self.close_connection = True
            return self.reply(414, [{"message": "URI Too Long", "errorCode": "URI_TOO_LONG"}])
        if len(self.path.encode()) + sum(len(k) + len(v) + 4 for k, v in self.headers.items()) > MAX_URI:
            self.close_connection = True
            return self.reply(431, [{"message": "Request Header Fields Too Large",
                                     "errorCode": "REQUEST_HEADER_FIELDS_TOO_LARGE"}])
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            return self.reply(413, [{"message": "request body too large", "errorCode": "REQUEST_TOO_LARGE"}])
        text = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        try:
            body = json.loads(text) if text.strip() else None
        except ValueError:
            body = text
        if url.path.startswith("/__admin/"):
            return self.admin(url.path, body)
        with self.org.lock:  # kith's traffic only: the admin calls are the test's own
            if len(self.org.log) < MAX_LOG:
                self.org.log.append({"method": self.command, "path": self.path,
                                     "headers": dict(self.headers.items()), "body": body})
        then = self.take_fault(url)
        if "status" in then:
            status = int(then["status"])
            default = FAULT_BODIES.get(status, [{"message": "fault", "errorCode": "UNKNOWN_EXCEPTION"}])
            return self.reply(status, then.get("body", default))
        if then.get("close"):
            self.close_connection = True  # no reply at all
            return None
        time.sleep(float(then.get("delay", 0)))
        try:
            status, out, headers = self.route(url, body, text, then.get("partial"))
        except ApiError as e:
            status, out, headers = e.status, e.body(), {}
        if then.get("apply_then_close"):
            self.close_connection = True  # applied, and the reply is lost on the way
            return None
        time.sleep(float(then.get("apply_then_hang", 0)))  # applied; the reply comes this late
        return self.reply(status, out, headers)

    def take_fault(self, url):
        """The "then" of the first fault matching this request (using up one of its times), or {}."""
        full = url.path + ("?" + url.query if url.query else "")
        with self.org.lock:
            for f in self.org.faults:
                if f.get("method", self.command).upper() == self.command and \
                        f.get("path_contains", "") in full:
                    if int(f.get("after", 0)) > 0:  # lets this many matching requests through first
                        f["after"] = int(f["after"]) - 1
                        continue
                    f["times"] = int(f.get("times", 1)) - 1
                    if f["times"] <= 0:
                        self.org.faults.remove(f)
                    return f["then"]
        return {}

    # -- the Salesforce API
    def route(self, url, body, text, partial):
        if url.path == "/services/oauth2/token" and self.command == "POST":
            return self.token(text, url.query)
        m = DATA_RE.match(url.path)
        if not m:
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        version, rest = m.group(1), (m.group(2) or "").rstrip("/")
        scheme, _, token = self.headers.get("Authorization", "").strip().partition(" ")
        org, params = self.org, urllib.parse.parse_qs(url.query)
        with org.lock:
            if scheme not in ("Bearer", "OAuth") or token.strip() not in org.tokens:
                return 401, INVALID_SESSION, {"WWW-Authenticate": "Token"}
            s = org.settings
            if s["api_used"] >= s["api_limit"]:
                raise ApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
            s["api_used"] += 1
            org.save()
            if rest == "/query" and self.command == "GET":
                if "q" not in params:
                    raise malformed("the q parameter is missing")
                return 200, org.query(params["q"][0], version), {}
            m = re.fullmatch(r"/query/(\w+)-(\d+)", rest)
            if m and self.command == "GET":
                return 200, org.page(m.group(1), int(m.group(2)), version), {}
            m = re.fullmatch(r"/sobjects/(\w+)/describe", rest)
            if m and self.command == "GET":
                return 200, org.describe(m.group(1), version), {}
            m = re.fullmatch(r"/sobjects/(\w+)/deleted", rest)
            if m and self.command == "GET":
                return 200, org.get_deleted(m.group(1), params.get("start", [""])[0],
                                            params.get("end", [""])[0]), {}
            if rest == "/composite/sobjects":
                return 200, self.collection(body, params, partial or {}), {}
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")

    def collection(self, body, params, partial):
        org, stamp = self.org, self.org.now()  # one transaction, one time, as in Salesforce
        fail = set(partial.get("fail_indexes", []))
        fail_error = sf_error(partial.get("statusCode", "FIELD_CUSTOM_VALIDATION_EXCEPTION"),
                              partial.get("message", "rejected by a validation rule"))
        too_many = ApiError(400, "EXCEEDED_ID_LIMIT",
                            "record limit reached. cannot submit more than 200 records into this call")
        if self.command == "DELETE":
            ids = [i for i in params.get("ids", [""])[0].split(",") if i]
            if not ids:
                raise ApiError(400, "MISSING_ARGUMENT", "the ids parameter is missing")
            if len(ids) > MAX_COLLECTION:
                raise too_many
            all_or_none = params.get("allOrNone", ["false"])[0].lower() == "true"
            return org.run_collection(ids, lambda i: org.delete_one(i, stamp), all_or_none, fail, fail_error)
        if self.command not in ("POST", "PATCH"):
            raise ApiError(405, "METHOD_NOT_ALLOWED", "HTTP Method '%s' not allowed" % self.command)
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            raise ApiError(400, "JSON_PARSER_ERROR", "expected a JSON object with a records array")
        if len(body["records"]) > MAX_COLLECTION:
            raise too_many
        org.check_write_fields(body["records"])
        one = org.create_one if self.command == "POST" else org.update_one
        return org.run_collection(body["records"], lambda r: one(r, stamp),
                                  body.get("allOrNone") is True, fail, fail_error)

    def token(self, text, query):
        form = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
        form.update({k: v[0] for k, v in urllib.parse.parse_qs(text).items()})
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            problem = self.check_jwt(form.get("assertion", ""))
        elif grant == "refresh_token":
            problem = None if form.get("client_id") else "client identifier invalid"
            if not problem and form.get("refresh_token") != self.args.refresh_token:
                problem = "expired access/refresh token"
        else:
            return 400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"}, {}
        if problem:
            return 400, {"error": "invalid_grant", "error_description": problem}, {}
        with self.org.lock:
            self.org.token_serial += 1
            access = "%s!AQKS.fake-token-%06d" % (ORG_ID[:15], self.org.token_serial)
            self.org.tokens.append(access)
            self.org.save()
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        return 200, {"access_token": access, "instance_url": base,
                     "id": "%s/id/%s/%s" % (base, ORG_ID, USER_ID), "token_type": "Bearer",
                     "scope": "api", "issued_at": str(int(time.time() * 1000))}, {}

    def check_jwt(self, assertion):
        """None when the JWT bearer assertion is acceptable, else why not."""
        parts = assertion.split(".")
        if len(parts) != 3 or not all(re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in parts):
            return "invalid assertion: not three base64url parts"
        try:
            header, claims = (json.loads(b64url(p)) for p in parts[:2])
            signature = b64url(parts[2])
        except ValueError:
            return "invalid assertion: undecodable header or claims"
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            return "invalid assertion: alg must be RS256"
        if not isinstance(claims, dict):
            return "invalid assertion: the claims are no JSON object"
        for claim in ("iss", "sub", "aud"):
            if not isinstance(claims.get(claim), str) or not claims[claim]:
                return "invalid assertion: no %s claim" % claim
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= time.time():
            return "expired authorization code"
        if self.args.public_key and not verify_rs256(self.args.public_key,
                                                     (parts[0] + "." + parts[1]).encode(), signature):
            return "invalid assertion: bad signature"
        return None

    # -- the admin API (no authentication; tests only)
    def admin(self, path, body):
        org, call = self.org, (self.command, path[len("/__admin/"):])
        obj = body if isinstance(body, dict) else {}
        with org.lock:
            if call == ("GET", "records"):
                return self.reply(200, org.dump())
            if call == ("POST", "records"):
                return self.reply(200, org.seed(obj))
            if call == ("GET", "deleted"):
                return self.reply(200, org.deleted)
            if call == ("POST", "delete"):
                stamp = org.now()
                results = [org.delete_one(i, stamp) for i in obj.get("ids", [])]
                org.save()
                return self.reply(200, results)
            if call == ("POST", "settings"):
                unknown = set(obj) - set(org.settings)
                if unknown:
                    return self.reply(400, {"error": "unknown settings: %s" % sorted(unknown)})
                org.settings.update(obj)
                org.save()
            if call in (("GET", "settings"), ("POST", "settings")):
                return self.reply(200, org.settings)
            if call == ("POST", "expire_tokens"):
                org.tokens = []
                org.save()
                return self.reply(200, {"ok": True})
            if call == ("GET", "requests"):
                return self.reply(200, org.log)
            if call == ("POST", "requests/clear"):
                org.log = []
                return self.reply(200, {"ok": True})
            if call == ("POST", "faults"):
                faults = body if isinstance(body, list) else [body]
                if not all(isinstance(f, dict) and isinstance(f.get("then"), dict) for f in faults):
                    return self.reply(400, {"error": "each fault needs a \"then\" object"})
                for f in faults:
                    f.setdefault("times", 1)
                org.faults.extend(faults)
            if call in (("GET", "faults"), ("POST", "faults")):
                return self.reply(200, org.faults)
            if call == ("POST", "faults/clear"):
                org.faults = []
                return self.reply(200, {"ok": True})
            if call == ("POST", "reset"):
                org.records, org.deleted, org.cursors, org.faults, org.log = {}, [], {}, [], []
                org.settings["api_used"] = 0
                org.save()
                return self.reply(200, {"ok": True})
        return self.reply(404, {"error": "no such admin call: %s %s" % (self.command, path)})


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def verify_rs256(key_path, signed, signature):
    """Checks an RS256 signature with the openssl command: the stdlib has no RSA."""
    with tempfile.TemporaryDirectory() as d:
        data, sig = os.path.join(d, "data"), os.path.join(d, "sig")
        with open(data, "wb") as f:
            f.write(signed)
        with open(sig, "wb") as f:
            f.write(signature)
        r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", key_path, "-signature", sig, data],
                           capture_output=True, check=False)
        return r.returncode == 0


def main():
    p = argparse.ArgumentParser(description="A local fake of the Salesforce REST API, for tests.")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--port-file", help="written with the port once listening")
    p.add_argument("--state", help="JSON file the org is loaded from, and saved to after each change")
    p.add_argument("--public-key", help="PEM public key: JWT signatures are checked against it")
    p.add_argument("--refresh-token", default="test-refresh-token")
    p.add_argument("--page-size", type=int, default=2000, help="records per query batch")
    p.add_argument("--max-seconds", type=float, default=600, help="stop by itself after this long")
    p.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = p.parse_args()

    Handler.org, Handler.args = Org(args.state, args.page_size), args
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True  # a hanging fault must not keep the process alive
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
            f.write("%d\n" % server.server_address[1])
        os.replace(args.port_file + ".tmp", args.port_file)  # readers never see half a port
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop.wait(args.max_seconds)
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
