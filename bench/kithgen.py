# kithgen.py - the deterministic sales organisation shared by gen_crm.py and gen_mail.py.
"""Everything here is a pure function of (seed, scale, index): account i, its
contacts, leads, team and opportunities can be rebuilt on their own, so the
CRM generator streams its files in constant memory and the mail generator can
name the same people without reading the CSV files back."""

import random
import unicodedata

SEED = 20260131
INTEGRATION_USER = "005000000000000AAA"
CORP = "corp.example"
N_USERS = 200
MAX_CONTACTS_PER_ACCOUNT = 1000  # contact ids are account*1024 + j
T_START = 1420070400  # 2015-01-01: oldest CreatedDate
T_END = 1767225600    # 2026-01-01

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHECK = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def sfid(prefix, n):
    """An 18-character Salesforce-shaped id: 15 case-sensitive characters and
    the 3-character case checksum Salesforce appends."""
    digits = []
    for _ in range(8):
        digits.append(_B62[n % 62])
        n //= 62
    body = prefix + "Bk00" + "".join(reversed(digits))
    tail = ""
    for chunk in range(3):
        bits = 0
        for k in range(5):
            if "A" <= body[chunk * 5 + k] <= "Z":
                bits |= 1 << k
        tail += _CHECK[bits]
    return body + tail


def rng(kind, i):
    return random.Random(f"{SEED}:{kind}:{i}")


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


# ---- names ----

FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony "
    "Betty Mark Margaret Steven Sandra Paul Ashley Andrew Emily Joshua Donna Kevin Michelle Brian "
    "Carol George Amanda Timothy Melissa Ronald Deborah Jason Stephanie Ryan Rebecca Jacob Laura "
    "Gary Sharon Eric Cynthia Jonathan Kathleen Stephen Amy Larry Angela Justin Helen Scott Anna "
    "Brandon Brenda Benjamin Pamela Samuel Nicole Gregory Emma Alexander Samantha Patrick Katherine "
    "Frank Christine Raymond Rachel Jack Catherine Dennis Carolyn Jerry Janet Tyler Maria Aaron "
    "Heather Priya Rahul Wei Mei Hiroshi Yuki Olga Dmitri Ahmed Fatima Lars Ingrid Pierre Claire "
    "Giulia Marco Sven Anke Pieter Femke Carlos Lucía Ana João Mariana Nils Astrid Tomasz Agnieszka "
    "José François Zoë Søren Björn Łukasz Małgorzata Renée André Jürgen Åsa Chloé Noémie Iñaki "
    "Siobhán Seán Ólafur Dagný Çağla Oğuz Ana-Maria Jean-Luc Mary-Kate").split()

LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Patel Shah Chen "
    "Wang Zhang Li Kim Park Tanaka Suzuki Sato Ivanova Petrov Hansen Johansson Larsen Dubois "
    "Moreau Rossi Bianchi Schmidt Fischer Weber Meyer Wagner Becker Kowalski Nowak Silva Santos "
    "Costa Novak Horvat Andersson Nilsson Murphy Kelly Walsh O'Brien O'Neill McCarthy MacLeod "
    "Müller Schäfer Gómez Fernández Jiménez Núñez Sørensen Jørgensen Wójcik Dąbrowski Lefèvre "
    "Çelik Yılmaz Ó_Súilleabháin van_der_Berg de_Vries van_Dijk von_Essen da_Silva de_la_Cruz "
    "Le_Goff Di_Stefano").split()
LAST = [w.replace("_", " ") for w in LAST]

TITLES = [
    # (title, department, seniority, persona)
    ("Chief Executive Officer", "Executive", "C-Level", "Decision Maker"),
    ("CEO", "Executive", "C-Level", "Decision Maker"),
    ("Chief Financial Officer", "Finance", "C-Level", "Economic Buyer"),
    ("CFO", "Finance", "C-Level", "Economic Buyer"),
    ("Chief Technology Officer", "Engineering", "C-Level", "Technical Buyer"),
    ("CIO", "IT", "C-Level", "Technical Buyer"),
    ("VP of Sales", "Sales", "VP", "Decision Maker"),
    ("Vice President, Engineering", "Engineering", "VP", "Technical Buyer"),
    ("VP Marketing", "Marketing", "VP", "Influencer"),
    ("Head of Procurement", "Procurement", "Director", "Economic Buyer"),
    ("Director of IT", "IT", "Director", "Technical Buyer"),
    ("Director, Operations", "Operations", "Director", "Influencer"),
    ("Senior Director of Finance", "Finance", "Director", "Economic Buyer"),
    ("IT Manager", "IT", "Manager", "Evaluator"),
    ("Procurement Manager", "Procurement", "Manager", "Evaluator"),
    ("Marketing Manager", "Marketing", "Manager", "Business User"),
    ("Engineering Manager", "Engineering", "Manager", "Evaluator"),
    ("Senior Software Engineer", "Engineering", "Individual Contributor", "Business User"),
    ("Software Engineer", "Engineering", "Individual Contributor", "Business User"),
    ("Data Analyst", "Analytics", "Individual Contributor", "Business User"),
    ("Business Analyst", "Operations", "Individual Contributor", "Business User"),
    ("Account Executive", "Sales", "Individual Contributor", "Business User"),
    ("Office Manager", "Administration", "Manager", "Business User"),
    ("Legal Counsel", "Legal", "Individual Contributor", "Influencer"),
    ("General Counsel", "Legal", "C-Level", "Influencer"),
    ("Head of Security", "IT", "Director", "Technical Buyer"),
    ("Product Manager", "Product", "Manager", "Influencer"),
    ("Solutions Architect", "Engineering", "Individual Contributor", "Evaluator"),
    ("HR Business Partner", "Human Resources", "Individual Contributor", "Business User"),
    ("Purchasing Agent", "Procurement", "Individual Contributor", "Evaluator"),
]

# tld -> (country, states, phone prefix, company suffix)
TLDS = [
    ("com", "United States", ["CA", "NY", "TX", "WA", "MA", "IL", "GA", "CO"], "+1", "Inc."),
    ("io", "United States", ["CA", "NY", "WA"], "+1", "Inc."),
    ("net", "United States", ["TX", "FL", "OH"], "+1", "LLC"),
    ("co.uk", "United Kingdom", [], "+44", "Ltd"),
    ("de", "Germany", [], "+49", "GmbH"),
    ("fr", "France", [], "+33", "SAS"),
    ("com.au", "Australia", ["NSW", "VIC"], "+61", "Pty Ltd"),
    ("ca", "Canada", ["ON", "BC", "QC"], "+1", "Inc."),
    ("nl", "Netherlands", [], "+31", "B.V."),
    ("es", "Spain", [], "+34", "S.L."),
    ("it", "Italy", [], "+39", "S.r.l."),
    ("se", "Sweden", [], "+46", "AB"),
    ("ch", "Switzerland", [], "+41", "AG"),
    ("ai", "United States", ["CA"], "+1", "Inc."),
]
TLD_WEIGHTS = [40, 8, 6, 8, 7, 4, 3, 4, 3, 3, 3, 2, 2, 2]

_C = "b d f g k l m n p r s t v z".split()
_V = "a e i o u".split()
S1 = [c + v + d for c in _C for v in _V for d in ("l", "n", "r", "s", "x", "v", "m")]
S2 = [v + c + w for v in _V for c in _C for w in ("a", "o", "i", "e")]
W2 = ("systems labs group logistics health energy capital partners foods robotics analytics "
      "software networks media pharma motors retail materials bio solutions consulting "
      "industries finance security cloud data devices foundry works textiles aero marine "
      "insurance telecom studios").split()
_SPACE = len(S1) * len(S2) * len(W2)
_STRIDE = 1000003  # prime, coprime with _SPACE: spreads consecutive accounts over the names


def fold(s):
    """ASCII form of a name for an email local part."""
    s = s.replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L")
    s = s.replace("ß", "ss").replace("ı", "i").replace("æ", "ae").replace("Æ", "Ae")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if c.isascii() and (c.isalnum())).lower()


def local_part(first, last, pattern):
    f, l = fold(first), fold(last)
    if pattern == 0:
        return f"{f}.{l}"
    if pattern == 1:
        return f"{f[0]}{l}"
    if pattern == 2:
        return f"{f}{l[0]}"
    if pattern == 3:
        return f"{f}_{l}"
    return f


def phone(r, prefix):
    if prefix == "+1":
        forms = ["+1 ({a}) {b}-{c}", "+1 {a} {b} {c}", "{a}-{b}-{c}", "({a}) {b}-{c}", "+1.{a}.{b}.{c}"]
        a = r.choice([206, 212, 312, 415, 512, 617, 646, 650, 720, 404, 303, 416, 604, 514])
        return r.choice(forms).format(a=a, b=r.randint(200, 999), c=f"{r.randint(0, 9999):04d}")
    return f"{prefix} {r.randint(10, 99)} {r.randint(100, 999)} {r.randint(1000, 9999)}"


# ---- users ----

def users():
    """The 200 users of corp.example, then the integration user. Ann Lee is the first."""
    r = rng("users", 0)
    out, seen = [], set()
    pairs = [("Ann", "Lee"), ("Bob", "Stone"), ("Carla", "Diaz"), ("Dev", "Rao")]
    while len(pairs) < N_USERS * 2:
        pairs.append((r.choice(FIRST[:120]), r.choice(LAST[:90])))
    for first, last in pairs:
        email = f"{fold(first)}.{fold(last)}@{CORP}"
        if email in seen:
            continue
        seen.add(email)
        n = len(out)
        out.append({"Id": sfid("005", n + 1), "FirstName": first, "LastName": last,
                    "Email": email, "IsActive": "false" if n % 25 == 24 else "true"})
        if len(out) == N_USERS:
            break
    out.append({"Id": INTEGRATION_USER, "FirstName": "Integration", "LastName": "User",
                "Email": f"integration@{CORP}", "IsActive": "true"})
    return out


SALES = 150  # the first 150 users own accounts; the rest are engineers and managers


class Org:
    """One generated organisation of n_accounts accounts and n_contacts contacts."""

    def __init__(self, n_accounts, n_contacts, n_leads=None):
        self.n_accounts = max(1, n_accounts)
        self.n_contacts = n_contacts
        self.n_leads = n_contacts // 10 if n_leads is None else n_leads
        self.users = users()

    # contacts are shared out over blocks of 16 accounts so the total is exact
    # while the per-account counts stay uneven, as in a real org
    def contact_count(self, i):
        b = i // 16
        start, end = b * 16, min(b * 16 + 16, self.n_accounts)
        total = (end * self.n_contacts) // self.n_accounts - (start * self.n_contacts) // self.n_accounts
        r = rng("block", b)
        w = [r.paretovariate(1.6) for _ in range(end - start)]
        s = sum(w)
        raw = [total * x / s for x in w]
        counts = [int(x) for x in raw]
        rest = total - sum(counts)
        order = sorted(range(len(raw)), key=lambda k: raw[k] - counts[k], reverse=True)
        for k in order[:rest]:
            counts[k] += 1
        return min(counts[i - start], MAX_CONTACTS_PER_ACCOUNT)

    def account(self, i):
        r = rng("account", i)
        p = (i * _STRIDE) % _SPACE
        s1, p = S1[p % len(S1)], p // len(S1)
        s2, p = S2[p % len(S2)], p // len(S2)
        w2 = W2[p % len(W2)]
        lap = i // _SPACE  # only past 2.6M accounts
        brand = (s1 + s2) + (str(lap + 1) if lap else "")
        t = r.choices(range(len(TLDS)), TLD_WEIGHTS)[0]
        tld, country, states, pfx, suffix = TLDS[t]
        hyphen = r.random() < 0.3
        label = f"{brand}-{w2}" if hyphen else f"{brand}{w2}"
        domain = f"{label}.{tld}"
        website = r.choice(["https://www.{d}", "http://www.{d}/", "www.{d}", "{d}",
                            "https://{d}/about", "https://www.{D}"]).format(d=domain, D=domain.title())
        secondary = []
        if r.random() < 0.2:
            other = f"{brand}{w2}" if hyphen else f"{brand}-{w2}"
            t2 = TLDS[(t + 3) % len(TLDS)][0]
            secondary = [f"{label}.{t2}", f"{other}.{tld}"]
        name = f"{brand.capitalize()} {w2.capitalize()}"
        if r.random() < 0.5:
            name += " " + suffix
        owner = r.randrange(SALES)
        team = []
        if r.random() < 0.35:
            for _ in range(r.randint(1, 3)):
                u = r.randrange(N_USERS)
                if u != owner and u not in [m for m, _ in team]:
                    team.append((u, r.choice(["Sales Engineer", "Account Manager",
                                              "Customer Success Manager", "Executive Sponsor"])))
        return {"i": i, "Id": sfid("001", i + 1), "Name": name, "Website": website,
                "domain": domain, "secondary": secondary, "tld": t, "country": country,
                "states": states, "phone": pfx, "owner": owner, "team": team,
                "pattern": r.choices(range(5), [60, 15, 8, 7, 2])[0],
                "sep": r.choice([";", ";", "; ", ","])}

    def person(self, r, acct, used):
        """A new person at ACCT with an address not in USED."""
        first, last = r.choice(FIRST), r.choice(LAST)
        pattern = acct["pattern"] if r.random() < 0.9 else r.randrange(4)
        domain = acct["domain"]
        if acct["secondary"] and r.random() < 0.15:
            domain = acct["secondary"][0]
        local = local_part(first, last, pattern)
        n = 1
        addr = f"{local}@{domain}"
        while addr in used:
            n += 1
            addr = f"{local}{n}@{domain}"
        used.add(addr)
        title = r.choice(TITLES)
        state = r.choice(acct["states"]) if acct["states"] else ""
        return {"FirstName": first, "LastName": last, "Email": addr, "title": title,
                "Phone": phone(r, acct["phone"]), "MailingCountry": acct["country"],
                "MailingState": state}

    def contacts(self, acct):
        """The contacts of ACCT: (row, person) pairs; 2% repeat an earlier address."""
        i = acct["i"]
        r = rng("contacts", i)
        k = self.contact_count(i)
        used, out = set(), []
        for j in range(k):
            created = r.randint(T_START, T_END - 86400 * 30)
            if out and r.random() < 0.0222:  # 2% of all rows, as the first row of an account never repeats
                orig = out[r.randrange(len(out))][1]
                p = dict(orig)
                kith = r.random() < 0.6
                # mostly a later copy (the original survives dedup); now and then earlier
                created = orig["created"] + r.randint(86400, 86400 * 400) if r.random() < 0.9 \
                    else orig["created"] - r.randint(86400, 86400 * 30)
                if r.random() < 0.3:
                    p["FirstName"] = p["FirstName"][0] + "."
            else:
                p = self.person(r, acct, used)
                kith = r.random() < 0.05
            p["created"] = created
            title, dept, senior, persona = p["title"]
            owner = acct["owner"] if r.random() < 0.85 else r.randrange(N_USERS)
            row = {"Id": sfid("003", i * 1024 + j), "AccountId": acct["Id"],
                   "FirstName": p["FirstName"], "LastName": p["LastName"], "Email": p["Email"],
                   "Title": title if r.random() < 0.85 else "",
                   "Phone": p["Phone"] if r.random() < 0.7 else "",
                   "Department": dept if r.random() < 0.5 else "",
                   "Seniority__c": senior if r.random() < 0.4 else "",
                   "Persona__c": persona if r.random() < 0.3 else "",
                   "MailingCountry": p["MailingCountry"], "MailingState": p["MailingState"],
                   "OwnerId": self.users[owner]["Id"],
                   "LeadSource": "kith" if kith else r.choice(["Web", "Trade Show", "Partner Referral",
                                                               "Cold Call", "Webinar", ""]),
                   "Created_By_Kith__c": "true" if kith else "false",
                   "CreatedDate": iso(created)}
            out.append((row, p))
        return out

    def prospects(self, acct, n, used):
        """N people at ACCT who are not in the CRM (the ones kith should create)."""
        r = rng("prospects", acct["i"])
        return [self.person(r, acct, used) for _ in range(n)]

    def leads(self, acct):
        i = acct["i"]
        r = rng("leads", i)
        mean = self.n_leads / self.n_accounts
        k = int(mean) + (1 if r.random() < mean - int(mean) else 0)
        out = []
        used = {p["Email"] for _, p in self.contacts(acct)} if k else set()
        for j in range(k):
            personal = r.random() < 0.2
            p = self.person(r, acct, used)
            email = p["Email"]
            if personal:
                email = f"{local_part(p['FirstName'], p['LastName'], 0)}{r.randint(1, 99)}@" + \
                    r.choice(["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"])
            out.append({"Id": sfid("00Q", i * 64 + j), "FirstName": p["FirstName"],
                        "LastName": p["LastName"], "Email": email, "Company": acct["Name"],
                        "OwnerId": self.users[r.randrange(SALES)]["Id"],
                        "IsConverted": "true" if r.random() < 0.1 else "false"})
        return out

    def opportunities(self, acct):
        i = acct["i"]
        r = rng("opps", i)
        opps = []
        n_open = r.randint(1, 5) if r.random() < 0.2 else 0
        n_closed = r.randint(1, 3) if r.random() < 0.15 else 0
        for j in range(n_open + n_closed):
            closed = j >= n_open
            x = r.random()
            if x < 0.6 or not acct["team"]:
                owner = acct["owner"]
            elif x < 0.85:
                owner = r.choice(acct["team"])[0]
            else:
                owner = r.randrange(N_USERS)
            year = 2023 + r.randrange(3)
            kind = r.choice(["New Business", "Renewal", "Expansion", "Pilot", "Upsell"])
            opps.append({"Id": sfid("006", i * 16 + j), "AccountId": acct["Id"],
                         "Name": f"{acct['Name']} - {kind} {year}",
                         "OwnerId": self.users[owner]["Id"], "owner": owner,
                         "StageName": r.choice(["Closed Won", "Closed Lost"]) if closed else
                         r.choice(["Prospecting", "Qualification", "Needs Analysis",
                                   "Proposal/Price Quote", "Negotiation/Review"]),
                         "IsClosed": "true" if closed else "false",
                         "CreatedDate": iso(r.randint(T_START + 86400 * 365 * 8, T_END - 86400))})
        return opps

    def roles(self, acct, opps, contacts):
        r = rng("roles", acct["i"])
        out = []
        if not contacts:
            return out
        for j, o in enumerate(opps):
            picked = set()
            for k in range(r.randint(0, 3)):
                c = contacts[r.randrange(len(contacts))][0]
                if c["Id"] in picked:
                    continue
                picked.add(c["Id"])
                out.append({"Id": sfid("00K", (acct["i"] * 16 + j) * 8 + k), "OpportunityId": o["Id"],
                            "ContactId": c["Id"],
                            "Role": r.choice(["Decision Maker", "Economic Buyer", "Technical Buyer",
                                              "Influencer", "Evaluator", "Business User"]),
                            "IsPrimary": "true" if k == 0 and r.random() < 0.5 else "false",
                            "Created_By_Kith__c": "true" if r.random() < 0.05 else "false"})
        return out
