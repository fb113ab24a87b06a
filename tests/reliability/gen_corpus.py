#!/usr/bin/env python3
"""gen_corpus.py - a small, deterministic organisation and mailbox for the
crash-consistency tests (tests/e2e/test_crash.sh, bench/crash_long.sh).

Writes, under --out DIR:
  crm/User.csv ... crm/OpportunityContactRole.csv   the CRM to import
  kith.conf                                         OCR and enrichment on
  mail/inbox.mbox, mail/sent.mbox                   most emails
  mail/eml/<a|b|c>/NNNN.eml                         single messages
  mail/Maildir/{cur,new,tmp}/                       a few more
  mail/cal/week-N.ics                               the meetings
  mail/feed.jsonl                                   a few activities as JSON lines

The same --seed always gives the same bytes. Standard library only.
"""
import argparse
import json
import os
import random
import unicodedata
from datetime import datetime, timedelta, timezone

INTEGRATION = "005000000000000AAA"

USERS = [
    # id, first, last, active
    ("005000000000001AAA", "Ann", "Lee", True),
    ("005000000000002AAA", "Bob", "Stone", True),
    ("005000000000003AAA", "Cara", "Diaz", True),
    ("005000000000004AAA", "Dev", "Patel", True),
    ("005000000000005AAA", "Eve", "Moss", False),
    ("005000000000006AAA", "Finn", "Gray", True),
]

ACCOUNTS = [
    # id, name, website, secondary domains, owner index
    ("001000000000001AAA", "Acme, Inc.", "https://www.acme.com/", "acme.co.uk", 0),
    ("001000000000002AAA", "Contoso", "contoso.com", "", 1),
    ("001000000000003AAA", "Globex GmbH", "https://globex.de/about", "", 2),
    ("001000000000004AAA", "Initech", "www.initech.io", "initech-labs.com", 3),
    ("001000000000005AAA", "Umbrella SA", "https://umbrella.fr", "", 4),
    ("001000000000006AAA", "Hooli", "HOOLI.COM", "", 5),
]

FIRST = ["Jane", "Omar", "Lucía", "Pieter", "Mei", "Raj", "Sofia", "Tomás", "Ingrid", "Kwame",
         "Aoife", "Lars", "Yuki", "Chloé", "Dmitri", "Nadia", "Hugo", "Priya", "Sean", "Zofia"]
LAST = ["Doe", "Haddad", "García", "van Dijk", "Chen", "Patel", "Rossi", "Oliveira", "Berg",
        "Mensah", "O'Brien", "Nilsson", "Tanaka", "Dubois", "Ivanov", "Kaur", "Schmidt",
        "Nowak", "Murphy", "de la Cruz"]
TITLES = ["VP Sales", "Chief Financial Officer", "Head of Procurement", "Senior Software Engineer",
          "Director of IT", "Marketing Manager", "Legal Counsel", "Operations Lead"]

EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
# Everything happens before this: mail dated in the future is taken as sent
# now (R13), so a corpus reaching past the day it runs would differ from run
# to run. A large corpus has its mail and meetings closer together instead.
END = datetime(2026, 11, 1, tzinfo=timezone.utc)


def steps(n, lo, hi):
    """The range of random steps (minutes) for N items from EPOCH: LO..HI,
    scaled down when N average steps would pass END."""
    room = (END - EPOCH).total_seconds() / 60
    f = min(1.0, room / (n * (lo + hi) / 2)) if n else 1.0
    return max(1, int(lo * f)), max(2, int(hi * f))


def slug(s):
    """ASCII letters and digits of a name: 'Lucía' -> 'lucia', "O'Brien" -> 'obrien'."""
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if c.isascii() and c.isalnum())


def csv_row(values):
    out = []
    for v in values:
        v = "" if v is None else str(v)
        if any(c in v for c in ',"\r\n'):
            v = '"' + v.replace('"', '""') + '"'
        out.append(v)
    return ",".join(out) + "\n"


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(csv_row(header))
        for r in rows:
            f.write(csv_row(r))


def rfc2822(dt):
    return dt.strftime("%a, %d %b %Y %H:%M:%S +0000")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--emails", type=int, default=300)
    ap.add_argument("--meetings", type=int, default=30)
    ap.add_argument("--people", type=int, default=14, help="external people per account")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = a.out
    for d in ("crm", "mail/eml/a", "mail/eml/b", "mail/eml/c", "mail/Maildir/cur",
              "mail/Maildir/new", "mail/Maildir/tmp", "mail/cal"):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    users = [(uid, f, l, f"{f.lower()}.{l.lower()}@corp.example", act) for uid, f, l, act in USERS]

    # --- CRM ---------------------------------------------------------------
    write_csv(os.path.join(out, "crm/User.csv"), ["Id", "FirstName", "LastName", "Email", "IsActive"],
              [(INTEGRATION, "Kith", "Integration", "integration@corp.example", "true")] +
              [(u[0], u[1], u[2], u[3], "true" if u[4] else "false") for u in users])
    write_csv(os.path.join(out, "crm/Account.csv"), ["Id", "Name", "Website", "Secondary_Domains__c", "OwnerId"],
              [(i, n, w, s, users[o][0]) for i, n, w, s, o in ACCOUNTS])
    team = [("01M000000000001AAA", ACCOUNTS[1][0], users[0][0], "Sales Engineer"),
            ("01M000000000002AAA", ACCOUNTS[0][0], users[5][0], "Account Manager"),
            ("01M000000000003AAA", ACCOUNTS[4][0], users[2][0], "Executive Sponsor")]
    write_csv(os.path.join(out, "crm/AccountTeamMember.csv"), ["Id", "AccountId", "UserId", "TeamMemberRole"], team)

    domains = ["acme.com", "contoso.com", "globex.de", "initech.io", "umbrella.fr", "hooli.com"]
    # People of each account: (first, last, email, title)
    people = []
    for ai, dom in enumerate(domains):
        acc = []
        for k in range(a.people):
            f = FIRST[(ai * 7 + k) % len(FIRST)]
            l = LAST[(ai * 3 + k * 5) % len(LAST)]
            d = dom
            if ai == 0 and k % 5 == 4:
                d = "acme.co.uk"           # a secondary domain
            if ai == 3 and k % 6 == 5:
                d = "eu.initech.io"        # a subdomain
            email = f"{slug(f)}.{slug(l)}{k}@{d}"
            acc.append((f, l, email, TITLES[(ai + k) % len(TITLES)]))
        people.append(acc)

    opps, contacts, roles, leads = [], [], [], []
    cid = 1
    rid = 1
    for ai, (acc_id, _, _, _, owner) in enumerate(ACCOUNTS):
        for k in range(3):
            closed = k == 2
            oid = f"006000000000{ai + 1:02d}{k}AAA"
            oowner = users[(owner + k) % len(users)][0]
            opps.append((oid, acc_id, f"{ACCOUNTS[ai][1]} deal {k + 1}", oowner,
                         "Closed Won" if closed else "Negotiation", "true" if closed else "false",
                         f"2025-{3 + k:02d}-0{1 + ai}T10:00:00Z"))
        # The first three people of each account are already Contacts; the first has a role
        # on the first open opportunity (an anchor for R30).
        for k in range(3):
            f, l, email, title = people[ai][k]
            c = f"003000000000{cid:03d}AAA"
            cid += 1
            contacts.append((c, acc_id, f, l, email, "" if k else title, "", "", "", "", "", "", users[owner][0],
                             "Web", "false", "2025-01-02T09:00:00Z"))
            if k == 0 and ai != 5:
                roles.append((f"00K000000000{rid:03d}AAA", f"006000000000{ai + 1:02d}0AAA", c,
                              "Decision Maker", "true", "false"))
                rid += 1
    # Duplicates for dedup (R40-R42): a kith-made copy of a CRM contact, newer, holding a role
    # its survivor lacks; a kith-made copy whose survivor already has the role; two kith-made
    # copies of one address.
    def dup(ai, k, created, by_kith, role_opp=None):
        nonlocal cid, rid
        f, l, email, _ = people[ai][k]
        c = f"003000000000{cid:03d}AAA"
        cid += 1
        contacts.append((c, ACCOUNTS[ai][0], f, l, email, "", "", "", "", "", "", "",
                         users[ACCOUNTS[ai][4]][0], "kith", "true" if by_kith else "false", created))
        if role_opp is not None:
            roles.append((f"00K000000000{rid:03d}AAA", f"006000000000{ai + 1:02d}{role_opp}AAA", c,
                          "Influencer", "false", "true" if by_kith else "false"))
            rid += 1
        return c
    dup(0, 1, "2025-06-01T09:00:00Z", True, role_opp=1)
    dup(1, 0, "2025-06-02T09:00:00Z", True, role_opp=0)
    dup(2, 2, "2025-06-03T09:00:00Z", True)
    dup(3, 3, "2025-05-01T09:00:00Z", True, role_opp=1)
    dup(3, 3, "2025-07-01T09:00:00Z", True, role_opp=0)
    # People no mail names, so ingest never gives them roles first: here dedup itself must
    # move the deleted copy's role to the survivor (a new Id, R42).
    for ai in (4, 5):
        people[ai].append(("Quinn", "Quiet", f"quinn.quiet@{domains[ai]}", ""))
        q = len(people[ai]) - 1
        dup(ai, q, "2025-01-03T09:00:00Z", False)
        dup(ai, q, "2025-08-01T09:00:00Z", True, role_opp=1)
        people[ai].pop()
    # A Lead at an account domain (R21) and a converted one (not a lead any more).
    leads.append(("00Q000000000001AAA", people[2][4][0], people[2][4][1], people[2][4][2], "Globex GmbH",
                  users[2][0], "false"))
    leads.append(("00Q000000000002AAA", people[5][4][0], people[5][4][1], people[5][4][2], "Hooli",
                  users[5][0], "true"))

    write_csv(os.path.join(out, "crm/Opportunity.csv"),
              ["Id", "AccountId", "Name", "OwnerId", "StageName", "IsClosed", "CreatedDate"], opps)
    write_csv(os.path.join(out, "crm/Contact.csv"),
              ["Id", "AccountId", "FirstName", "LastName", "Email", "Title", "Phone", "Department",
               "Seniority__c", "Persona__c", "MailingCountry", "MailingState", "OwnerId", "LeadSource",
               "Created_By_Kith__c", "CreatedDate"], contacts)
    write_csv(os.path.join(out, "crm/OpportunityContactRole.csv"),
              ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary", "Created_By_Kith__c"], roles)
    write_csv(os.path.join(out, "crm/Lead.csv"),
              ["Id", "FirstName", "LastName", "Email", "Company", "OwnerId", "IsConverted"], leads)

    with open(os.path.join(out, "kith.conf"), "w") as f:
        f.write("[org]\ninternal_domains = corp.example\nintegration_user = %s\n\n"
                "[profile Sales]\nusers = *\nocr = on\nfirst_ocr = on\nnew_ocr = on\n"
                "ocr_role = Evaluator\n\n"
                "[enrichment]\nenabled = on\nTitle = always\nPhone = if_empty\n"
                "persona = if_empty\n\n"
                "[filters]\nexclude_subjects = personal\n" % INTEGRATION)

    # --- mail --------------------------------------------------------------
    strangers = [("Pat Kim", "pat.kim@nomatch.example"), ("Lee Wu", "lee.wu@gmail.com"),
                 ("", "noreply@acme.com"), ("Max Roe", "max@partner-unknown.net")]

    def pick_external(ai, n):
        return rnd.sample(people[ai], n)

    def body_from(person, dt):
        f, l, email, title = person
        phone = "+1 415 555 %04d" % (rnd.randrange(10000))
        return (f"Hi,\n\nThanks for the call on {dt:%A}. Let's continue next week.\n\n"
                f"Best regards,\n{f} {l}\n{title}\nPhone: {phone}\n")

    emails = []
    t = EPOCH
    step_lo, step_hi = steps(a.emails, 20, 300)
    for i in range(a.emails):
        t += timedelta(minutes=rnd.randrange(step_lo, step_hi))
        ai = rnd.randrange(len(domains))
        user = users[rnd.randrange(len(users))]
        kind = rnd.random()
        headers = []
        if kind < 0.45:       # a user writes to people at one account
            frm = (f"{user[1]} {user[2]}", user[3])
            to = [(f"{p[0]} {p[1]}" if rnd.random() < 0.8 else f"{p[1]}, {p[0]}", p[2])
                  for p in pick_external(ai, rnd.randrange(1, 4))]
            cc = [(f"{users[0][1]} {users[0][2]}", users[0][3])] if rnd.random() < 0.3 else []
            body = "Hello,\n\nPlease find the proposal attached.\n\n-- \n%s %s\nCorp\n" % (user[1], user[2])
        elif kind < 0.85:     # an external person writes to a user, with a signature
            p = pick_external(ai, 1)[0]
            frm = (f"{p[0]} {p[1]}", p[2])
            to = [(f"{user[1]} {user[2]}", user[3])]
            cc = [(f"{q[0]} {q[1]}", q[2]) for q in pick_external(ai, rnd.randrange(0, 2)) if q != p]
            body = body_from(p, t)
        elif kind < 0.92:     # strangers and skipped people
            frm = (f"{user[1]} {user[2]}", user[3])
            to = [rnd.choice(strangers)] + [(f"{q[0]} {q[1]}", q[2]) for q in pick_external(ai, 1)]
            cc = []
            body = "FYI\n"
        else:                 # automatic mail
            p = pick_external(ai, 1)[0]
            frm = (f"{p[0]} {p[1]}", p[2])
            to = [(f"{user[1]} {user[2]}", user[3])]
            cc = []
            body = "I am out of the office.\n"
            headers.append("Auto-Submitted: auto-replied" if rnd.random() < 0.5 else "Precedence: bulk")
        subject = rnd.choice(["Proposal", "Re: pricing", "Next steps", "Contract review",
                              "Re: Re: meeting notes", "Quarterly update"] * 5 + ["personal: lunch?"])
        emails.append((i, t, frm, to, cc, subject, headers, body))

    def fmt_addr(n, e):
        if not n:
            return e
        if any(c in n for c in ',."()') or not n.isascii():
            n = '"' + n.replace('"', '') + '"'
        return f"{n} <{e}>"

    def message(e):
        i, t, frm, to, cc, subject, headers, body = e
        lines = [f"Message-ID: <gen-{i:05d}@mail.corp.example>", f"Date: {rfc2822(t)}",
                 f"From: {fmt_addr(*frm)}", "To: " + ", ".join(fmt_addr(*x) for x in to)]
        if cc:
            lines.append("Cc: " + ", ".join(fmt_addr(*x) for x in cc))
        lines += [f"Subject: {subject}", "MIME-Version: 1.0",
                  "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
        lines += headers
        return "\n".join(lines) + "\n\n" + body

    n = len(emails)
    cut1, cut2, cut3, cut4 = n * 45 // 100, n * 65 // 100, n * 90 // 100, n * 95 // 100
    # Order in files is not time order: the inbox is written newest first.
    with open(os.path.join(out, "mail/inbox.mbox"), "w", encoding="utf-8") as f:
        for e in reversed(emails[:cut1]):
            f.write(f"From MAILER-DAEMON {e[1]:%a %b %d %H:%M:%S %Y}\n" + message(e) + "\n")
    with open(os.path.join(out, "mail/sent.mbox"), "w", encoding="utf-8") as f:
        for e in emails[cut1:cut2]:
            f.write(f"From MAILER-DAEMON {e[1]:%a %b %d %H:%M:%S %Y}\n" + message(e) + "\n")
    for k, e in enumerate(emails[cut2:cut3]):
        with open(os.path.join(out, "mail/eml", "abc"[k % 3], f"{e[0]:04d}.eml"), "w", encoding="utf-8") as f:
            f.write(message(e))
    for k, e in enumerate(emails[cut3:cut4]):
        sub = "cur" if k % 2 else "new"
        name = f"{1767600000 + e[0]}.M{e[0]}P1.gen" + (":2,S" if sub == "cur" else "")
        with open(os.path.join(out, "mail/Maildir", sub, name), "w", encoding="utf-8") as f:
            f.write(message(e))
    with open(os.path.join(out, "mail/feed.jsonl"), "w", encoding="utf-8") as f:
        for e in emails[cut4:]:
            i, t, frm, to, cc, subject, headers, body = e
            if headers:
                continue  # JSON lines carry no headers: keep the automatic ones out
            obj = {"type": "email", "id": f"gen-{i:05d}@mail.corp.example",
                   "time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "subject": subject,
                   "from": {"email": frm[1], "name": frm[0]},
                   "to": [{"email": x[1], "name": x[0]} for x in to],
                   "cc": [{"email": x[1], "name": x[0]} for x in cc], "bcc": [], "body": body}
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")

    # --- meetings ----------------------------------------------------------
    per_file = 10
    mt = EPOCH + timedelta(hours=3)
    meet_lo, meet_hi = steps(a.meetings, 5 * 60, 40 * 60)
    meet_scaled = (meet_lo, meet_hi) != (5 * 60, 40 * 60)
    cal = None
    for m in range(a.meetings):
        if m % per_file == 0:
            if cal:
                cal.write("END:VCALENDAR\r\n")
                cal.close()
            cal = open(os.path.join(out, "mail/cal", f"week-{m // per_file}.ics"), "w", encoding="utf-8", newline="")
            cal.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kith tests//gen_corpus//EN\r\n")
        if meet_scaled:
            mt += timedelta(minutes=rnd.randrange(meet_lo, meet_hi))
        else:
            mt += timedelta(hours=rnd.randrange(5, 40))
        ai = rnd.randrange(len(domains))
        user = users[rnd.randrange(len(users))]
        lines = ["BEGIN:VEVENT", f"UID:meet-{m:04d}@cal.corp.example",
                 "DTSTAMP:20260101T000000Z", f"DTSTART:{mt:%Y%m%dT%H%M%SZ}",
                 f"DTEND:{mt + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
                 f"SUMMARY:{ACCOUNTS[ai][1].replace(',', '')} review {m}",
                 f"ORGANIZER;CN={user[1]} {user[2]}:mailto:{user[3]}"]
        if m % 9 == 8:
            lines.append("STATUS:CANCELLED")
        for p in pick_external(ai, rnd.randrange(1, 4)):
            cn = f"{p[0]} {p[1]}"
            lines.append(f'ATTENDEE;CN="{cn}";ROLE=REQ-PARTICIPANT:mailto:{p[2]}')
        lines.append("ATTENDEE;CUTYPE=ROOM;CN=Room 4:mailto:room4@corp.example")
        lines.append("END:VEVENT")
        cal.write("\r\n".join(lines) + "\r\n")
    if cal:
        cal.write("END:VCALENDAR\r\n")
        cal.close()


if __name__ == "__main__":
    main()
