#!/usr/bin/env python3
# gen_mail.py - writes a deterministic business mailbox (one .mbox) and .ics invites for kith's benchmarks.
"""Usage: gen_mail.py [--messages N] [--meetings K] [--accounts A --contacts C | --crm DIR] --out DIR

Mail between the corp.example users of gen_crm.py and people at the generated
accounts' domains: existing contacts, leads and new people kith should create.
Display names come in every usual form (Last, First; quoted; RFC 2047 UTF-8,
Q and ISO-8859-1 encoded words; Name (Company); via; honorifics; bare
addresses), bodies have quoted replies and signatures with titles and phones,
many are multipart/alternative and some carry small base64 attachments. There
is automatic mail (out-of-office, notifications, newsletters), internal and
personal mail too. Output is DIR/mail.mbox and DIR/calendar/**/*.ics.

Thread t and meeting k depend only on (seed, t or k, CRM scale), so the first
n messages of a bigger run are the messages of a run with --messages n."""

import argparse
import base64
import json
import os
import quopri
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kithgen  # noqa: E402
from kithgen import rng, CORP  # noqa: E402

T0 = 1740816000  # 2025-03-01T08:00:00Z
THREAD_GAP = 600  # seconds between thread starts
MEETING_GAP = 1800

SENTENCES = [
    "Thanks for the call earlier today, it was great to walk through the rollout plan with your team.",
    "As promised, I am sending over the updated proposal with the revised pricing for the second phase.",
    "Could you confirm whether the security questionnaire has been completed on your side?",
    "Our legal team has reviewed the MSA and left a few comments in the attached redline.",
    "I have looped in my colleague who will run the technical deep dive next week.",
    "Let me know which of the proposed slots works best for a 30 minute follow-up.",
    "We would like to start the pilot with two regional offices before the end of the quarter.",
    "The budget was approved yesterday, so we can move forward with the purchase order.",
    "Please find the meeting notes below; I captured the open questions at the end.",
    "On our side the integration with the ERP system is the main open item.",
    "I will be travelling on Thursday but can join from my phone if needed.",
    "Can you share the reference customers you mentioned in a similar industry?",
    "Our procurement process requires three quotes, so please bear with us for a couple of weeks.",
    "We reviewed the usage report and the numbers look consistent with our expectations.",
    "The onboarding sessions went well and the team is already using the dashboards daily.",
    "I am afraid we need to push the kickoff by one week because of the board meeting.",
    "Attached is the signed order form; the invoice should go to accounts payable.",
    "Happy to discuss the renewal terms whenever suits you, ideally before the end of the month.",
    "Our CFO asked whether annual prepayment would change the discount structure.",
    "Could you send the data processing agreement in Word format so we can track changes?",
    "We had a few questions about single sign-on and the audit log retention period.",
    "I just spoke with our IT director and he is supportive of the proposal.",
    "The webinar recording and the slides are available at the link below.",
    "Let us regroup after the holidays and plan the next steps for the expansion.",
    "I confirm the workshop on Tuesday at 10:00 in our Munich office, room 4.12.",
    "Thanks again for your patience while we sorted out the contract details.",
]
SUBJECTS = [
    "Proposal for {c}", "Follow-up: {c} rollout", "Pricing question", "Next steps",
    "{c} / Corp renewal", "Security questionnaire", "Contract redlines", "Quick question",
    "Meeting notes - {c}", "Pilot scope and timeline", "Re-scheduling our call",
    "Introduction: Corp <> {c}", "Order form {c} Q{q}", "SSO and audit logs", "Invoice {n}",
    "Workshop agenda", "Reference customers", "Data processing agreement",
    "Budget approval", "Für Ihre Unterlagen: Angebot {c}", "Suivi de notre échange",
]
OOO = ["Automatic reply: {s}", "Auto: {s}", "Out of Office: {s}", "Out of office: {s}",
       "Abwesenheitsnotiz: {s}", "Réponse automatique : {s}", "Respuesta automática: {s}",
       "Risposta automatica: {s}", "Automatisch antwoord: {s}"]
ROOMS = ["Everest", "Kilimanjaro", "Matterhorn", "Fuji", "Denali", "Aconcagua", "Elbrus", "Olympus"]
PERSONAL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "gmx.com",
            "proton.me", "web.de", "orange.fr"]
NEWSLETTERS = [("SaaS Weekly", "news", "saasweekly.example"), ("The Revenue Letter", "letter",
               "revenueletter.example"), ("Cloud Digest", "digest", "mail.clouddigest.example")]
WDAY = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TZ = {"com": -300, "io": -480, "net": -360, "co.uk": 0, "de": 60, "fr": 60, "com.au": 600,
      "ca": -300, "nl": 60, "es": 60, "it": 60, "se": 60, "ch": 60, "ai": -480}


def rfc2822(t, offset_min):
    tm = time.gmtime(t + offset_min * 60)
    sign = "+" if offset_min >= 0 else "-"
    o = abs(offset_min)
    return (f"{WDAY[tm.tm_wday]}, {tm.tm_mday} {MON[tm.tm_mon - 1]} {tm.tm_year} "
            f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} {sign}{o // 60:02d}{o % 60:02d}")


def from_line_date(t):
    tm = time.gmtime(t)
    return f"{WDAY[tm.tm_wday]} {MON[tm.tm_mon - 1]} {tm.tm_mday:2d} {tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} {tm.tm_year}"


def b_word(s, charset="UTF-8"):
    return f"=?{charset}?B?{base64.b64encode(s.encode(charset)).decode()}?="


def q_word(s, charset="UTF-8"):
    out = []
    for byte in s.encode(charset):
        c = chr(byte)
        if c == " ":
            out.append("_")
        elif c.isalnum() and byte < 128:
            out.append(c)
        else:
            out.append(f"={byte:02X}")
    return f"=?{charset}?Q?{''.join(out)}?="


def quote_phrase(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def latin1(s):
    try:
        s.encode("iso-8859-1")
        return True
    except UnicodeEncodeError:
        return False


def display(r, p, company=None):
    """One header mailbox for person P, in one of the forms real mail shows."""
    first, last, email = p["FirstName"], p["LastName"], p["Email"]
    full = f"{first} {last}"
    ascii_name = full.isascii()
    if r.random() < 0.03:
        local, dom = email.split("@")
        email = f"{local.capitalize()}@{dom.upper() if r.random() < 0.5 else dom}"
    forms = ["plain", "quoted", "lastfirst", "b", "q", "latin1", "company", "via", "honorific",
             "bare", "angle", "first", "utf8raw"]
    weights = [30, 15, 12, 8, 5, 3, 6, 3, 3, 5, 3, 4, 1]
    form = r.choices(forms, weights)[0]
    if company is None and form in ("company", "via"):
        form = "quoted"  # users are not shown with a company or a relay
    if form == "bare":
        return email
    if form == "angle":
        return f"<{email}>"
    if form == "lastfirst":
        name = f"{last}, {first}"
    elif form == "company" and company:
        name = f"{full} ({company})"
    elif form == "via":
        name = f"{full} via {company or 'Portal'}"
    elif form == "honorific":
        name = r.choice([f"Dr. {full}", f"{full}, PhD", f"Mr {full}", f"Ms. {full}", f"{full} Jr."])
    elif form == "first":
        name = first
    else:
        name = full
    if form == "b":
        return f"{b_word(name)} <{email}>"
    if form == "q":
        return f"{q_word(name)} <{email}>"
    if form == "latin1" and latin1(name):
        return f"{q_word(name, 'ISO-8859-1')} <{email}>"
    if form == "utf8raw":
        return f"{quote_phrase(name)} <{email}>"
    if not name.isascii():
        return f"{b_word(name) if r.random() < 0.7 else q_word(name)} <{email}>"
    if form == "plain" and ascii_name and "," not in name and "'" not in name and "." not in name:
        return f"{name} <{email}>"
    return f"{quote_phrase(name)} <{email}>"


def signature(r, p, company, web):
    title = p["title"][0] if isinstance(p.get("title"), tuple) else p.get("Title", "")
    lines = []
    style = r.randrange(4)
    if style == 0:
        lines += ["--", f"{p['FirstName']} {p['LastName']}", f"{title} | {company}",
                  f"T: {p['Phone']}", web]
    elif style == 1:
        lines += ["Best regards,", p["FirstName"], "", f"{p['FirstName']} {p['LastName']}", title,
                  company, f"Phone: {p['Phone']}", f"Mobile: {p['Phone'][:-2]}{r.randint(10, 99)}"]
    elif style == 2:
        lines += ["Kind regards", "", f"{p['FirstName']} {p['LastName']} | {title}", company,
                  f"Direct {p['Phone']} | {p['Email']}"]
    else:
        lines += ["Thanks,", f"{p['FirstName']}", "", "--", f"{p['FirstName']} {p['LastName']}",
                  title, f"{company}, {p.get('MailingState') or ''} {p.get('MailingCountry') or ''}".rstrip(),
                  p["Phone"]]
    if r.random() < 0.15:
        lines += ["", "This e-mail and any attachments are confidential and intended solely for "
                  "the addressee."]
    return lines


USER_TITLES = ["Account Executive", "Sales Engineer", "Sales Director", "Customer Success Manager"]


def user_person(u):
    """A user as a mail participant, with the title and phone of their own signature."""
    k = sum(map(ord, u["Email"]))
    return {"FirstName": u["FirstName"], "LastName": u["LastName"], "Email": u["Email"],
            "title": (USER_TITLES[k % 4],), "Phone": f"+1 (415) 555-{k % 10000:04d}"}


def html_of(paragraphs, sig, quoted):
    import html
    out = ["<html><head><meta charset=\"utf-8\"></head><body>"]
    for para in paragraphs:
        out.append(f"<p>{html.escape(para)}</p>")
    out.append("<div class=\"signature\">" + "<br>".join(html.escape(x) for x in sig) + "</div>")
    if quoted:
        out.append("<blockquote type=\"cite\">" + "<br>".join(html.escape(x) for x in quoted) +
                   "</blockquote>")
    out.append("</body></html>")
    return "\n".join(out)


def encode_text(r, text, subtype="plain"):
    """(headers, body) of one text part in a transfer encoding a mail client would pick."""
    raw = text.encode("utf-8")
    if raw.isascii() and r.random() < 0.6:
        return [f"Content-Type: text/{subtype}; charset=\"us-ascii\"", "Content-Transfer-Encoding: 7bit"], text
    x = r.random()
    if x < 0.55:
        body = quopri.encodestring(raw).decode("ascii")
        return [f"Content-Type: text/{subtype}; charset=\"UTF-8\"",
                "Content-Transfer-Encoding: quoted-printable"], body
    if x < 0.8:
        return [f"Content-Type: text/{subtype}; charset=UTF-8", "Content-Transfer-Encoding: 8bit"], text
    return [f"Content-Type: text/{subtype}; charset=utf-8", "Content-Transfer-Encoding: base64"], wrap64(raw)


def wrap64(raw):
    b = base64.b64encode(raw).decode()
    return "\n".join(b[i:i + 76] for i in range(0, len(b), 76))


class Writer:
    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8", newline="\n")
        self.count = 0

    def message(self, envelope_from, t, headers, body):
        self.f.write(f"From {envelope_from} {from_line_date(t)}\n")
        for h in headers:
            self.f.write(h + "\n")
        self.f.write("\n")
        for line in body.split("\n"):
            # mboxrd: a body line that looks like a From_ line gets one more '>'
            s = line.lstrip(">")
            if s.startswith("From "):
                line = ">" + line
            self.f.write(line + "\n")
        self.f.write("\n")
        self.count += 1


class Mail:
    def __init__(self, org, n_messages):
        self.org = org
        self.n = n_messages
        self.users = org.users[:kithgen.N_USERS]

    def pick_account(self, r):
        # a sales team writes to a few accounts a lot and to many now and then
        return self.org.account(int(self.org.n_accounts * r.random() ** 3))

    def pick_user(self, r, acct):
        x = r.random()
        opps = self.org.opportunities(acct)
        if x < 0.7:
            return self.users[acct["owner"]]
        if x < 0.85 and acct["team"]:
            return self.users[r.choice(acct["team"])[0]]
        if x < 0.9 and opps:
            return self.users[r.choice(opps)["owner"]]
        return self.users[r.randrange(len(self.users))]

    def externals(self, r, acct, k):
        contacts = [p for _, p in self.org.contacts(acct)]
        used = {p["Email"] for p in contacts}
        prospects = self.org.prospects(acct, 8, used)
        leads = self.org.leads(acct)
        out = []
        for _ in range(k):
            x = r.random()
            if x < 0.45 and contacts:
                p = r.choice(contacts)
            elif x < 0.5 and leads:
                lead = r.choice(leads)
                p = {"FirstName": lead["FirstName"], "LastName": lead["LastName"],
                     "Email": lead["Email"], "title": r.choice(kithgen.TITLES),
                     "Phone": kithgen.phone(r, acct["phone"]), "MailingCountry": acct["country"],
                     "MailingState": ""}
            elif x < 0.96:
                p = r.choice(prospects)
            else:
                p = dict(r.choice(prospects))
                p["Email"] = f"{kithgen.fold(p['FirstName'])}.{kithgen.fold(p['LastName'])}@{r.choice(PERSONAL)}"
            if p["Email"] not in [q["Email"] for q in out]:
                out.append(p)
        return out

    def body(self, r, sender, greet, company, web, quoted_lines, quoted_hdr):
        paras = [f"{r.choice(['Hi', 'Hello', 'Dear', 'Hallo', 'Bonjour'])} {greet},"]
        for _ in range(r.randint(1, 3)):
            paras.append(" ".join(r.sample(SENTENCES, r.randint(1, 3))))
        sig = signature(r, sender, company, web)
        text = "\n\n".join(paras) + "\n\n" + "\n".join(sig) + "\n"
        quoted = []
        if quoted_lines:
            quoted = [quoted_hdr] + ["> " + x if x else ">" for x in quoted_lines[:60]]
            text += "\n" + "\n".join(quoted) + "\n"
        return paras, sig, quoted, text

    def compose(self, r, t, msgid, sender_hdr, sender, to_hdrs, cc_hdrs, subject, paras_sig, extra=None,
                in_reply=None, tz=0, attach=False):
        paras, sig, quoted, text = paras_sig
        h = [f"Return-Path: <{sender['Email']}>",
             f"Received: from mx{r.randint(1, 9)}.{sender['Email'].split('@')[1]} by mx.{CORP}; "
             f"{rfc2822(t, 0)}",
             f"Date: {rfc2822(t, tz)}", f"From: {sender_hdr}", "To: " + ",\n ".join(to_hdrs)]
        if cc_hdrs:
            h.append("Cc: " + ",\n ".join(cc_hdrs))
        h.append(f"Subject: {subject if subject.isascii() else b_word(subject)}")
        h.append(f"Message-ID: <{msgid}>")
        if in_reply:
            h.append(f"In-Reply-To: <{in_reply[-1]}>")
            h.append("References: " + "\n ".join(f"<{x}>" for x in in_reply[-5:]))
        h += extra or []
        h.append("MIME-Version: 1.0")
        style = r.random()
        if style < 0.25 and not attach:
            ph, pb = encode_text(r, text)
            return h + ph, pb
        b1 = f"==alt_{msgid[:12]}_{r.getrandbits(32):08x}"
        ph, pb = encode_text(r, text)
        hh, hb = encode_text(r, html_of(paras, sig, quoted), "html")
        alt = [f"--{b1}"] + ph + ["", pb, f"--{b1}"] + hh + ["", hb, f"--{b1}--", ""]
        if not attach:
            h.append(f"Content-Type: multipart/alternative; boundary=\"{b1}\"")
            return h, "\n".join(alt)
        b2 = f"==mix_{msgid[:12]}_{r.getrandbits(32):08x}"
        h.append(f"Content-Type: multipart/mixed; boundary=\"{b2}\"")
        name, ctype = r.choice([("proposal.pdf", "application/pdf"), ("order-form.pdf", "application/pdf"),
                                ("logo.png", "image/png"), ("notes.docx",
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document")])
        data = wrap64(r.randbytes(r.randint(2000, 30000)))
        parts = [f"--{b2}", f"Content-Type: multipart/alternative; boundary=\"{b1}\"", ""] + alt + [
            f"--{b2}", f"Content-Type: {ctype}; name=\"{name}\"",
            f"Content-Disposition: attachment; filename=\"{name}\"", "Content-Transfer-Encoding: base64",
            "", data, f"--{b2}--", ""]
        return h, "\n".join(parts)

    def business_thread(self, w, r, t, start, remaining, mismatched=False):
        acct = self.pick_account(r)
        user = self.users[r.randrange(len(self.users))] if mismatched else self.pick_user(r, acct)
        up = user_person(user)
        exts = self.externals(r, acct, r.choices([1, 2, 3], [60, 28, 12])[0])
        if not exts:
            return 0
        colleagues = [self.users[r.randrange(len(self.users))] for _ in range(r.choices([0, 1, 2], [65, 28, 7])[0])]
        company = acct["Name"]
        web = "www." + acct["domain"]
        tz = TZ[kithgen.TLDS[acct["tld"]][0]]
        subject = r.choice(SUBJECTS).format(c=company.split(" ")[0], q=r.randint(1, 4), n=r.randint(1000, 9999))
        n = min(remaining, r.choices([1, 2, 3, 4, 5, 6], [35, 25, 18, 10, 7, 5])[0])
        inbound = r.random() < 0.4
        refs, prev_text, prev_from, prev_date = [], None, None, None
        tm = start
        for k in range(n):
            from_user = (k % 2 == 0) != inbound
            if from_user:
                sender, sender_hdr = up, display(r, up)
                to = [display(r, p, company) for p in exts[:1 if r.random() < 0.5 else 3]]
                cc = [display(r, p, company) for p in exts[len(to):]]
                cc += [display(r, user_person(c)) for c in colleagues]
                greet = exts[0]["FirstName"]
                sig_company, sig_web, tzk = "Corp Example Inc.", "www.corp.example", -300
            else:
                sender = exts[0] if k < 2 or len(exts) == 1 else exts[r.randrange(len(exts))]
                sender_hdr = display(r, sender, company)
                to = [display(r, up)]
                cc = [display(r, p, company) for p in exts if p is not sender]
                cc += [display(r, user_person(c)) for c in colleagues]
                greet = user["FirstName"]
                sig_company, sig_web, tzk = company, web, tz
            quoted_hdr = None
            if prev_text:
                quoted_hdr = r.choice([f"On {prev_date}, {prev_from} wrote:",
                                       f"-----Original Message-----\nFrom: {prev_from}\nSent: {prev_date}\nSubject: {subject}\n"])
            ps = self.body(r, sender, greet, sig_company, sig_web,
                           prev_text.split("\n") if prev_text else None, quoted_hdr)
            host = sender["Email"].split("@")[1].lower()
            msgid = f"{r.getrandbits(64):016x}.t{t}.m{k}@{'mail.gmail.com' if r.random() < 0.1 else host}"
            subj = subject if k == 0 else r.choice(["Re: ", "RE: ", "AW: ", "Re: Re: "]) + subject
            headers, body = self.compose(r, tm, msgid, sender_hdr, sender, to, cc, subj, ps,
                                         in_reply=refs or None, tz=tzk, attach=r.random() < 0.08)
            w.message(sender["Email"], tm, headers, body)
            refs.append(msgid)
            prev_text, prev_from, prev_date = ps[3], f"{sender['FirstName']} {sender['LastName']} <{sender['Email']}>", rfc2822(tm, tzk)
            tm += r.randint(600, 86400 * 2)
        return n

    def simple(self, w, r, t, start, sender, sender_hdr, to, subject, extra, text_lines):
        msgid = f"{r.getrandbits(64):016x}.t{t}@{sender['Email'].split('@')[1]}"
        paras = [" ".join(r.sample(SENTENCES, 2))]
        text = "\n".join(text_lines) + "\n\n" + paras[0] + "\n"
        headers, body = self.compose(r, start, msgid, sender_hdr, sender, to, [], subject,
                                     (paras, text_lines, [], text), extra=extra)
        w.message(sender["Email"], start, headers, body)
        return 1

    def thread(self, w, t, remaining):
        r = rng("thread", t)
        start = T0 + t * THREAD_GAP + r.randint(0, THREAD_GAP - 1)
        x = r.random()
        if x < 0.75:
            return self.business_thread(w, r, t, start, remaining)
        if x < 0.78:
            return self.business_thread(w, r, t, start, remaining, mismatched=True)
        user = self.users[r.randrange(len(self.users))]
        up = user_person(user)
        if x < 0.84:  # newsletter
            title, local, dom = r.choice(NEWSLETTERS)
            s = {"FirstName": title, "LastName": "", "Email": f"{local}@{dom}"}
            extra = [f"List-Id: {title} <{local}.{dom}>",
                     f"List-Unsubscribe: <https://{dom}/unsubscribe?u={r.getrandbits(32)}>",
                     "Precedence: bulk" if r.random() < 0.5 else "X-Mailer: bulkmail 4.2"]
            return self.simple(w, r, t, start, s, f"{quote_phrase(title)} <{s['Email']}>", [display(r, up)],
                               f"{title} #{t % 500}: this week in revenue", extra, ["View in your browser."])
        if x < 0.87:  # notification from a role address at a customer's domain
            acct = self.pick_account(r)
            s = {"FirstName": "", "LastName": "", "Email": f"{r.choice(['noreply', 'no-reply', 'notifications', 'mailer-daemon'])}@{acct['domain']}"}
            extra = ["Auto-Submitted: auto-generated"] if r.random() < 0.7 else []
            return self.simple(w, r, t, start, s, s["Email"], [display(r, up)],
                               f"Your ticket #{r.randint(10000, 99999)} was updated", extra, ["Do not reply."])
        if x < 0.90:  # out of office from a customer
            acct = self.pick_account(r)
            ext = self.externals(r, acct, 1)
            if not ext:
                return 0
            extra = r.choice([["Auto-Submitted: auto-replied"], ["X-Autoreply: yes"], ["X-Autorespond: yes"], []])
            subj = r.choice(OOO).format(s=r.choice(SUBJECTS).format(c="Corp", q=1, n=1))
            return self.simple(w, r, t, start, ext[0], display(r, ext[0], acct["Name"]), [display(r, up)],
                               subj, extra, ["I am out of the office until Monday with limited access to email."])
        if x < 0.95:  # internal
            other = user_person(self.users[r.randrange(len(self.users))])
            return self.simple(w, r, t, start, up, display(r, up), [display(r, other)],
                               r.choice(["Forecast call", "Pipeline review", "Lunch?", "QBR deck"]), [],
                               ["Quick internal note."])
        # personal
        fr = {"FirstName": r.choice(kithgen.FIRST), "LastName": r.choice(kithgen.LAST)}
        fr["Email"] = f"{kithgen.fold(fr['FirstName'])}{r.randint(1, 999)}@{r.choice(PERSONAL)}"
        if r.random() < 0.5:
            return self.simple(w, r, t, start, fr, display(r, fr), [display(r, up)], "Dinner on Saturday?", [],
                               ["See you soon!"])
        return self.simple(w, r, t, start, up, display(r, up), [display(r, fr)], "Re: weekend", [], ["Cheers"])


# ---- meetings ----

def ics_escape(s):
    return s.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    """RFC 5545 folding: lines of at most 75 octets, never inside a UTF-8 sequence."""
    b = line.encode("utf-8")
    if len(b) <= 75:
        return line + "\r\n"
    out, cur, limit = [], b"", 75
    for ch in line:
        e = ch.encode("utf-8")
        if len(cur) + len(e) > limit:
            out.append(cur)
            cur, limit = b" ", 75
        cur += e
    out.append(cur)
    return "\r\n".join(x.decode("utf-8") for x in out) + "\r\n"


def cn(r, p, company):
    if p["Email"].endswith("@" + CORP):
        company = "Corp Example"
    full = f"{p['FirstName']} {p['LastName']}"
    form = r.choices(["plain", "lastfirst", "company", "none", "addr"], [50, 25, 10, 10, 5])[0]
    if form == "none":
        return ""
    name = {"plain": full, "lastfirst": f"{p['LastName']}, {p['FirstName']}",
            "company": f"{full} ({company})", "addr": p["Email"]}[form]
    if any(c in name for c in ",;:") or not name.isascii() or r.random() < 0.3:
        return f";CN=\"{name}\""
    return f";CN={name}"


def stamp(t):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def meeting(mail, k, out_dir):
    r = rng("meeting", k)
    acct = mail.pick_account(r)
    user = mail.pick_user(r, acct)
    up = user_person(user)
    exts = mail.externals(r, acct, r.choices([1, 2, 3, 4], [45, 30, 15, 10])[0])
    start = T0 + k * MEETING_GAP + r.randint(0, 3) * 900
    cancel = r.random()
    method = "CANCEL" if cancel < 0.02 else "REQUEST"
    company = acct["Name"]
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Corp Example//Calendar 1.0//EN", "VERSION:2.0",
             f"METHOD:{method}", "BEGIN:VEVENT", f"UID:{r.getrandbits(64):016x}-{k}@{CORP}",
             f"DTSTAMP:{stamp(start - 86400 * 3)}", f"DTSTART:{stamp(start)}",
             f"DTEND:{stamp(start + r.choice([1800, 3600, 5400]))}",
             f"SUMMARY:{ics_escape(r.choice(['Discovery call', 'Demo', 'QBR', 'Workshop', 'Pricing review', 'Kick-off']) + ' - ' + company)}",
             f"DESCRIPTION:{ics_escape('Agenda: intro, demo, next steps. Join online: https://meet.corp.example/' + format(r.getrandbits(40), 'x'))}"]
    if cancel < 0.05:
        lines.append("STATUS:CANCELLED")
    room = r.random() < 0.6
    if room:
        rn = r.choice(ROOMS)
        lines.append(f"LOCATION:{ics_escape('Room ' + rn + ', HQ floor 3')}")
    external_org = r.random() < 0.2
    org = exts[0] if external_org else up
    lines.append(f"ORGANIZER{cn(r, org, company)}:mailto:{org['Email']}")
    people = ([up] if external_org else []) + [p for p in exts if p is not org]
    for _ in range(r.choices([0, 1, 2], [60, 30, 10])[0]):
        people.append(user_person(mail.users[r.randrange(len(mail.users))]))
    for p in people:
        lines.append(f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE={r.choice(['REQ-PARTICIPANT', 'OPT-PARTICIPANT'])};"
                     f"PARTSTAT={r.choice(['NEEDS-ACTION', 'ACCEPTED', 'TENTATIVE'])};RSVP=TRUE"
                     f"{cn(r, p, company)}:mailto:{p['Email']}")
    if room:
        lines.append(f"ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;CN=\"Room {rn} (8)\":mailto:room-{rn.lower()}@{CORP}")
    if r.random() < 0.05:
        lines.append(f"ATTENDEE;CUTYPE=RESOURCE;CN=Projector 2:mailto:projector2@{acct['domain']}")
    if r.random() < 0.05:
        lines.append(f"ATTENDEE;CUTYPE=GROUP;CN=Buying committee:mailto:buying-committee@{acct['domain']}")
    lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder", "TRIGGER:-PT15M", "END:VALARM",
              "END:VEVENT", "END:VCALENDAR"]
    d = os.path.join(out_dir, "calendar", f"{k // 1000:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"invite-{k:06d}.ics"), "w", encoding="utf-8", newline="") as f:
        for line in lines:
            f.write(fold(line))


def main():
    ap = argparse.ArgumentParser(description="deterministic mailbox and invites for kith's benchmarks")
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--meetings", type=int, default=2000)
    ap.add_argument("--accounts", type=int, default=100000)
    ap.add_argument("--contacts", type=int, default=1000000)
    ap.add_argument("--crm", help="a gen_crm.py output folder: take --accounts/--contacts from its manifest")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.crm:
        with open(os.path.join(a.crm, "manifest.json")) as f:
            m = json.load(f)
        a.accounts, a.contacts = m["accounts"], m["contacts"]
        leads = m.get("leads")
    else:
        leads = None
    os.makedirs(a.out, exist_ok=True)
    mail = Mail(kithgen.Org(a.accounts, a.contacts, leads), a.messages)
    tmp = os.path.join(a.out, "mail.mbox.tmp")
    w = Writer(tmp)
    t = 0
    while w.count < a.messages:
        mail.thread(w, t, a.messages - w.count)
        t += 1
    w.f.close()
    os.replace(tmp, os.path.join(a.out, "mail.mbox"))
    for k in range(a.meetings):
        meeting(mail, k, a.out)
    manifest = {"messages": w.count, "threads": t, "meetings": a.meetings, "accounts": a.accounts,
                "contacts": a.contacts, "seed": kithgen.SEED,
                "mbox_bytes": os.path.getsize(os.path.join(a.out, "mail.mbox"))}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(json.dumps(manifest), file=sys.stderr)


if __name__ == "__main__":
    main()
