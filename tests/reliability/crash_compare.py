#!/usr/bin/env python3
"""crash_compare.py - compares the outcome of an interrupted kith job with the
outcome of the same job run without interruption (tests/e2e/test_crash.sh).

    crash_compare.py REFDIR RUNDIR

Each folder holds Contact.csv, OpportunityContactRole.csv (kith crm export)
and log.csv (kith log --format csv). kith allocates its own Ids from a
counter and stamps CreatedDate and log Time with the wall clock, so those are
normalised away before comparing:
  - a contact kith created is known by its Email ("new:EMAIL"); its
    CreatedDate is dropped;
  - a role kith created is known by (OpportunityId, the contact's Email);
  - a log row is (ActivityId, Email, Action, Reason, ObjectId, Rule) with the
    ObjectId mapped the same way (Ids of records kith made and then deleted,
    which no export shows, become "kith-id").
Rows `activity_skipped / duplicate_activity` that exist only in RUNDIR are
expected: a rerun of an interrupted ingest meets the activities the killed
run had already committed. They are counted, and each must name an activity
the reference log knows. Everything else must be equal as a multiset.

Prints one line per difference (at most 20 per kind) and "same" or
"DIFFERENT"; exits 0 when the outcomes are the same, 1 otherwise.
Standard library only.
"""
import csv
import os
import sys
from collections import Counter

# Ids of the CRM as imported (tests/reliability/gen_corpus.py) start with these.
IMPORTED = ("003000", "00K000", "00Q000", "001000", "005000", "006000")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def is_kith_id(i):
    return bool(i) and not i.startswith(IMPORTED)


class Outcome:
    def __init__(self, folder):
        self.problems = []
        contacts = read(os.path.join(folder, "Contact.csv"))
        roles = read(os.path.join(folder, "OpportunityContactRole.csv"))
        self.log = read(os.path.join(folder, "log.csv"))
        self.cid = {}  # contact Id -> stable key
        emails = Counter()
        for c in contacts:
            key = "new:" + c["Email"].lower() if is_kith_id(c["Id"]) else c["Id"]
            self.cid[c["Id"]] = key
            if c["Created_By_Kith__c"] == "true":
                emails[c["Email"].lower()] += 1
        for e, n in emails.items():
            if n > 1:
                self.problems.append(f"{n} kith-created contacts for {e} (R27: one address, one contact)")
        self.contacts = Counter()
        for c in contacts:
            row = dict(c)
            row["Id"] = self.cid[c["Id"]]
            if is_kith_id(c["Id"]):
                row["CreatedDate"] = "(sync time)"
            self.contacts[tuple(sorted(row.items()))] += 1
        self.roles = Counter()
        pairs = Counter()
        for r in roles:
            row = dict(r)
            row["ContactId"] = self.cid.get(r["ContactId"], "missing-contact:" + r["ContactId"])
            if is_kith_id(r["Id"]):
                row["Id"] = "new-role"
            pairs[(row["OpportunityId"], row["ContactId"])] += 1
            self.roles[tuple(sorted(row.items()))] += 1
        for p, n in pairs.items():
            if n > 1:
                self.problems.append(f"{n} roles for contact {p[1]} on {p[0]}")
            if p[1].startswith("missing-contact:"):
                self.problems.append(f"role on {p[0]} points at a contact that does not exist: {p[1]}")

    def log_rows(self):
        rows = Counter()
        for r in self.log:
            obj = r["ObjectId"]
            if obj in self.cid:
                obj = self.cid[obj]
            elif is_kith_id(obj):
                obj = "kith-id"
            rows[(r["ActivityId"], r["Email"], r["Action"], r["Reason"], obj, r["Rule"])] += 1
        return rows


def show(title, counter, limit=20):
    items = list(counter.elements())
    for x in sorted(items, key=str)[:limit]:
        pairs = all(isinstance(y, tuple) and len(y) == 2 for y in x)
        print(f"  {title}: {dict(x) if pairs else x}")
    if len(items) > limit:
        print(f"  {title}: ... {len(items) - limit} more")


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    ref, run = Outcome(sys.argv[1]), Outcome(sys.argv[2])
    same = True
    for p in run.problems:
        print("  problem: " + p)
        same = False
    for name, a, b in (("Contact", ref.contacts, run.contacts), ("OpportunityContactRole", ref.roles, run.roles)):
        lost, extra = a - b, b - a
        if lost or extra:
            same = False
            show(f"{name} lost", lost)
            show(f"{name} extra", extra)
    la, lb = ref.log_rows(), run.log_rows()
    lost, extra = la - lb, lb - la
    dups = Counter({k: v for k, v in extra.items() if k[2] == "activity_skipped" and k[3] == "duplicate_activity"})
    known = {k[0] for k in la}
    unknown = Counter({k: v for k, v in dups.items() if k[0] not in known})
    other = extra - dups
    if lost or other or unknown:
        same = False
        show("log lost", lost)
        show("log extra", other)
        show("log duplicate_activity for an unknown activity", unknown)
    print(f"contacts {sum(run.contacts.values())} (reference {sum(ref.contacts.values())}), "
          f"roles {sum(run.roles.values())} (reference {sum(ref.roles.values())}), "
          f"log rows {sum(lb.values())} (reference {sum(la.values())}, "
          f"{sum(dups.values())} extra duplicate_activity)")
    print("same" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
