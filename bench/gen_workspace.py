#!/usr/bin/env python3
# gen_workspace.py - writes a deterministic Google Workspace / Microsoft 365 tenant (mailboxes and calendars) for the connector benchmarks.
"""Usage: gen_workspace.py [--users 50] [--messages 2000] [--events 200]
                        [--accounts 2000 --contacts 20000] --out DIR

Writes the data folder both test servers load with --data DIR
(tests/google/fake_google.py, tests/microsoft/fake_graph.py):

  DIR/users.json                        [{"email", "name", "mailbox": true}]
  DIR/mail/EMAIL/inbox/NNNNNN.eml       what the user received
  DIR/mail/EMAIL/sent/NNNNNN.eml        what the user sent
  DIR/calendar/EMAIL.json               [{"uid", "summary", "start", "end", "organizer",
                                          "attendees": [{"email", "name", "response",
                                                         "optional", "resource"}], "recurrence"}]

The users are the first --users people of kithgen's corp.example; the
people outside are the contacts and prospects of kithgen's accounts (so
gen_crm.py with the same --accounts/--contacts makes the CRM they belong
to). Of each user's messages about 55% are with people at accounts, 25%
between colleagues (both copies: the sender's sent and each recipient's
inbox count separately) and 20% automatic (notifications, newsletters).
About 15% of events are internal, 10% book a room (an attendee marked as a
resource) and 10% recur weekly. Message k of user u and event k of user u
depend only on (seed, u, k, CRM scale), so the first n of a bigger run are
those of a run with --messages n. Standard library only; constant memory."""

import argparse
import email.header
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kithgen  # noqa: E402
from kithgen import rng, CORP  # noqa: E402

T0 = 1764547200   # 2025-12-01T00:00:00Z, the first message
GAP = 900         # seconds between one user's messages
ROOMS = ["Room Atlas", "Room Borealis", "Room Cassini", "Board Room"]
AUTOMATIC = [("notifications@tickets.example", "Ticket System", "[Ticket #{n}] Status changed to Open"),
             ("news@industry-weekly.example", "Industry Weekly", "This week in enterprise software #{n}"),
             ("no-reply@calendar.example", "Calendar", "Reminder: meeting at 10:00 (#{n})")]
TOPICS = ["the renewal", "the pilot rollout", "pricing for phase two", "the security questionnaire",
          "next week's workshop", "the signed order form", "the integration timeline", "our quarterly review"]


def hdr_name(name):
    """A display name as a header writes it: RFC 2047 words when not ASCII, quoted
    when it holds specials."""
    if not name.isascii():
        return email.header.Header(name, "utf-8").encode()
    return '"%s"' % name if any(c in name for c in ",.;:()") else name


class People:
    """kithgen's accounts and contacts, each made once: they are asked for again and again."""

    def __init__(self, org):
        self.org, self.accounts, self.contacts = org, {}, {}
        self.n_accounts = org.n_accounts

    def account(self, i):
        if i not in self.accounts:
            self.accounts[i] = self.org.account(i)
        return self.accounts[i]

    def people(self, acct):
        i = acct["i"]
        if i not in self.contacts:
            self.contacts[i] = [p for _, p in self.org.contacts(acct)]
        return self.contacts[i]

    def prospect(self, r, acct):
        return self.org.person(r, acct, set())


def message(org, users, u, k):
    """(folder, bytes) of message k of user u."""
    r = rng("ws-mail", u * 1000003 + k)
    me = users[u]
    me_name = "%s %s" % (me["FirstName"], me["LastName"])
    when = T0 + k * GAP + r.randint(0, GAP - 1)
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when))
    mid = "<ws-%d-%d.%d@%s>" % (u, k, when, "mail." + CORP)
    kind = r.random()
    topic = r.choice(TOPICS)
    sent = r.random() < 0.45
    sig = "%s\nAccount Executive, Corp Example\n+1 415 555 %04d" % (me_name, u)
    if kind < 0.55:
        acct = org.account(r.randrange(org.n_accounts))
        people = org.people(acct)
        p = people[r.randrange(len(people))] if people and r.random() < 0.8 else org.prospect(r, acct)
        them = ("%s %s" % (p["FirstName"], p["LastName"]), p["Email"])
        title = p["title"][0]
        their_sig = "%s\n%s, %s\n%s" % (them[0], title, acct["Name"], p["Phone"])
        if sent:
            frm, to = (me_name, me["Email"]), [them]
            body = "Hi %s,\n\nFollowing up on %s; details below.\n\nBest,\n%s\n" % (p["FirstName"], topic, sig)
        else:
            frm, to = them, [(me_name, me["Email"])]
            body = "Hello %s,\n\nA question about %s from our side.\n\nRegards,\n%s\n" % (me["FirstName"], topic,
                                                                                          their_sig)
    elif kind < 0.8:
        v = r.randrange(len(users))
        if v == u:
            v = (v + 1) % len(users)
        other = users[v]
        them = ("%s %s" % (other["FirstName"], other["LastName"]), other["Email"])
        frm, to = ((me_name, me["Email"]), [them]) if sent else (them, [(me_name, me["Email"])])
        body = "Quick note on %s before the call.\n\n%s\n" % (topic, frm[0])
    else:
        addr, name, subj = AUTOMATIC[r.randrange(len(AUTOMATIC))]
        frm, to, sent = (name, addr), [(me_name, me["Email"])], False
        body = "This is an automatic message. Do not reply.\n"
        topic = subj.format(n=k)
    subject = topic if kind >= 0.8 else ("Re: " if r.random() < 0.4 else "") + topic[0].upper() + topic[1:]
    lines = ["From: %s <%s>" % (hdr_name(frm[0]), frm[1]),
             "To: " + ", ".join("%s <%s>" % (hdr_name(n), a) for n, a in to),
             "Subject: " + subject, "Date: " + date, "Message-ID: " + mid, "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    if kind >= 0.8:
        lines.append("Auto-Submitted: auto-generated")
    raw = "\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")
    return ("sent" if sent else "inbox"), raw.encode()


def event(org, users, u, k):
    """The neutral event k of user u (the user organises or attends it)."""
    r = rng("ws-event", u * 1000003 + k)
    me = users[u]
    start = T0 + 8 * 3600 + k * 86400 // 2 + r.choice([0, 1800, 3600, 5400]) // 1800 * 1800
    length = r.choice([1800, 1800, 3600, 3600, 5400])
    attendees = [{"email": me["Email"], "name": "%s %s" % (me["FirstName"], me["LastName"]),
                  "response": "accepted"}]
    organizer = {"email": me["Email"], "name": attendees[0]["name"]}
    if r.random() < 0.15:
        for _ in range(r.randint(1, 3)):
            other = users[r.randrange(len(users))]
            if other["Email"] != me["Email"]:
                attendees.append({"email": other["Email"], "name": "%s %s" % (other["FirstName"],
                                                                             other["LastName"]),
                                  "response": r.choice(["accepted", "tentative", "needsAction"])})
        summary = "Team sync"
    else:
        acct = org.account(r.randrange(org.n_accounts))
        people = org.people(acct)
        for _ in range(r.randint(1, 4)):
            p = people[r.randrange(len(people))] if people and r.random() < 0.8 else org.prospect(r, acct)
            attendees.append({"email": p["Email"], "name": "%s %s" % (p["FirstName"], p["LastName"]),
                              "response": r.choice(["accepted", "accepted", "declined", "needsAction"]),
                              "optional": r.random() < 0.1})
        summary = "%s / Corp Example: %s" % (acct["Name"], r.choice(TOPICS))
        if r.random() < 0.3:
            organizer = {"email": attendees[1]["email"], "name": attendees[1]["name"]}
    if r.random() < 0.1:
        room = r.choice(ROOMS)
        attendees.append({"email": room.lower().replace(" ", "-") + "@resource." + CORP, "name": room,
                          "resource": True, "response": "accepted"})
    ev = {"uid": "ws-%d-%d@%s" % (u, k, CORP), "summary": summary,
          "start": kithgen.iso(start), "end": kithgen.iso(start + length),
          "organizer": organizer, "attendees": attendees}
    if r.random() < 0.1:
        ev["recurrence"] = "RRULE:FREQ=WEEKLY;COUNT=4"
    return ev


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--messages", type=int, default=2000, help="messages per user")
    ap.add_argument("--events", type=int, default=200, help="events per user")
    ap.add_argument("--accounts", type=int, default=2000)
    ap.add_argument("--contacts", type=int, default=20000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    org = People(kithgen.Org(a.accounts, a.contacts))
    users = [x for x in org.org.users if x["IsActive"] == "true" and x["Email"] != "integration@" + CORP][:a.users]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "users.json"), "w", encoding="utf-8") as f:
        json.dump([{"email": x["Email"], "name": "%s %s" % (x["FirstName"], x["LastName"]), "mailbox": True}
                   for x in users], f, indent=1)
    os.makedirs(os.path.join(a.out, "calendar"), exist_ok=True)
    for u, x in enumerate(users):
        for folder in ("inbox", "sent"):
            os.makedirs(os.path.join(a.out, "mail", x["Email"], folder), exist_ok=True)
        for k in range(a.messages):
            folder, raw = message(org, users, u, k)
            with open(os.path.join(a.out, "mail", x["Email"], folder, "%06d.eml" % k), "wb") as f:
                f.write(raw)
        with open(os.path.join(a.out, "calendar", x["Email"] + ".json"), "w", encoding="utf-8") as f:
            json.dump([event(org, users, u, k) for k in range(a.events)], f, indent=1)
        print("%s: %d messages, %d events" % (x["Email"], a.messages, a.events), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
