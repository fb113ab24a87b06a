#!/usr/bin/env python3
"""score.py - how kith's contacts on the real mail compare with the labels.

    python3 tests/realmail/score.py --labels labels.tsv --before crm/Contact.csv \
        --after contacts.csv [--log log.csv] [--mail DIR] \
        [--min-precision 0.97] [--min-recall 0.90]

--after is `kith crm export Contact --format csv` after the run, --before
the Contact.csv imported before it, --log `kith log --format csv` (to show
kith's reasons for each miss), --mail the folder make_mail.py wrote (to name
the file of each activity).

Counting is per person, as an administrator counts: the addresses labelled
`yes` with the same FirstName and LastName are one person (Peter Thompson
writes from two addresses and should be one Contact).

  created     contacts with Created_By_Kith__c = true
  wanted      `yes` persons with no Contact before the run
  true hit    a created contact whose address is a wanted person's, the
              first created for that person
  precision   true hits / created
  recall      wanted persons with a true hit / wanted persons
  names       true hits whose FirstName and LastName are exactly the
              labelled ones / true hits

Any other created contact is a false positive: an address labelled `no`, a
second contact for one person, a contact for a person the CRM already had,
or an address nobody labelled.  Exit status 1 when precision or recall is
under its bar, 0 otherwise.
"""
import argparse
import csv
import email
import email.utils
import os
import sys


def read_labels(path):
    labels = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 5 or cols[1] not in ("yes", "no"):
                sys.exit("%s:%d: want email, yes|no, FirstName, LastName, why" % (path, n))
            addr, want, first, last, why = cols
            if want == "yes" and not (first and last):
                sys.exit("%s:%d: a `yes` needs both names" % (path, n))
            labels[addr.lower()] = (want, first, last, why)
    return labels


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def person(first, last):
    return (first.lower(), last.lower())


def message_files(folder):
    """Message-ID -> file name, for the activities the log names."""
    out = {}
    if not folder:
        return out
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            head = f.read().split(b"\r\n\r\n", 1)[0]
        msg = email.message_from_bytes(head + b"\r\n\r\n")
        mid = (msg.get("Message-ID") or "").strip()
        if mid:
            out[mid] = name
            out[mid.strip("<>")] = name
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--labels", required=True)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--log")
    ap.add_argument("--mail")
    ap.add_argument("--min-precision", type=float, default=0.0)
    ap.add_argument("--min-recall", type=float, default=0.0)
    a = ap.parse_args()

    labels = read_labels(a.labels)
    before = {r["Email"].lower() for r in read_csv(a.before) if r.get("Email")}
    after = read_csv(a.after)
    log = read_csv(a.log) if a.log else []
    files = message_files(a.mail)

    persons = {}  # person -> [addresses]
    for addr, (want, first, last, _) in labels.items():
        if want == "yes":
            persons.setdefault(person(first, last), []).append(addr)
    had = {p for p, addrs in persons.items() if any(x in before for x in addrs)}
    wanted = set(persons) - had

    created = [r for r in after if r.get("Created_By_Kith__c", "").lower() == "true"]
    created.sort(key=lambda r: (r.get("CreatedDate", ""), r["Id"]))
    hit = {}  # person -> created row
    false_pos, wrong_names = [], []
    for r in created:
        addr = r["Email"].lower()
        lab = labels.get(addr)
        if lab is None:
            false_pos.append((r, "not labelled: an address at no labelled domain"))
            continue
        want, first, last, why = lab
        p = person(first, last)
        if want == "no":
            false_pos.append((r, "labelled no: " + why))
        elif p in had:
            false_pos.append((r, "a second contact for %s %s, already in the CRM" % (first, last)))
        elif p in hit:
            false_pos.append((r, "a second contact for %s %s (first: %s)" % (first, last, hit[p]["Email"])))
        else:
            hit[p] = r
            if (r.get("FirstName", ""), r.get("LastName", "")) != (first, last):
                wrong_names.append((r, first, last))

    n_created, n_hit, n_wanted = len(created), len(hit), len(wanted)
    precision = n_hit / n_created if n_created else 1.0
    recall = n_hit / n_wanted if n_wanted else 1.0
    names = (n_hit - len(wrong_names)) / n_hit if n_hit else 1.0
    n_yes = sum(1 for v in labels.values() if v[0] == "yes")
    print("labels: %d addresses, %d yes (%d persons, %d already Contacts), %d no"
          % (len(labels), n_yes, len(persons), len(had), len(labels) - n_yes))
    print("created %d, wanted %d, created and wanted %d" % (n_created, n_wanted, n_hit))
    print("precision %.3f (%d/%d)  recall %.3f (%d/%d)  name accuracy %.3f (%d/%d)"
          % (precision, n_hit, n_created, recall, n_hit, n_wanted,
             names, n_hit - len(wrong_names), n_hit))

    def activity(aid):
        return files.get(aid, aid)

    print("\nfalse positives (%d):" % len(false_pos))
    for r, why in false_pos:
        made = [x for x in log if x["Email"].lower() == r["Email"].lower()
                and x["Action"] == "contact_created"]
        src = "; ".join(activity(x["ActivityId"]) for x in made)
        print("  %s  %s %s  -- %s%s" % (r["Email"], r.get("FirstName", ""), r.get("LastName", ""),
                                        why, "  [from %s]" % src if src else ""))
    misses = sorted(p for p in wanted if p not in hit)
    print("\nmisses (%d):" % len(misses))
    for p in misses:
        for addr in sorted(persons[p]):
            first, last = labels[addr][1], labels[addr][2]
            print("  %s  %s %s" % (addr, first, last))
            for x in log:
                if x["Email"].lower() == addr:
                    print("      kith: %s %s %s  [%s]" % (x["Action"], x["Reason"], x["Rule"],
                                                        activity(x["ActivityId"])))
    print("\nwrong names (%d):" % len(wrong_names))
    for r, first, last in wrong_names:
        print("  %s  kith: '%s' '%s'  labelled: '%s' '%s'"
              % (r["Email"], r.get("FirstName", ""), r.get("LastName", ""), first, last))

    ok = precision >= a.min_precision and recall >= a.min_recall
    print("\nRESULT precision=%.3f recall=%.3f names=%.3f created=%d wanted=%d hits=%d %s"
          % (precision, recall, names, n_created, n_wanted, n_hit, "PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
