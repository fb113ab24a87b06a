#!/usr/bin/env python3
# gen_crm.py - writes a deterministic CRM export (the seven objects of CONTRACT.md section 2) at any scale.
"""Usage: gen_crm.py [--accounts N] [--contacts M] [--leads L] --out DIR

Streams User.csv, Account.csv, AccountTeamMember.csv, Contact.csv, Lead.csv,
Opportunity.csv and OpportunityContactRole.csv into DIR, account by account, in
constant memory. The same arguments always give the same bytes."""

import argparse
import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kithgen  # noqa: E402

COLUMNS = {
    "User": ["Id", "FirstName", "LastName", "Email", "IsActive"],
    "Account": ["Id", "Name", "Website", "Secondary_Domains__c", "OwnerId"],
    "AccountTeamMember": ["Id", "AccountId", "UserId", "TeamMemberRole"],
    "Contact": ["Id", "AccountId", "FirstName", "LastName", "Email", "Title", "Phone", "Department",
                "Seniority__c", "Persona__c", "MailingCountry", "MailingState", "OwnerId",
                "LeadSource", "Created_By_Kith__c", "CreatedDate"],
    "Lead": ["Id", "FirstName", "LastName", "Email", "Company", "OwnerId", "IsConverted"],
    "Opportunity": ["Id", "AccountId", "Name", "OwnerId", "StageName", "IsClosed", "CreatedDate"],
    "OpportunityContactRole": ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary",
                               "Created_By_Kith__c"],
}


def main():
    ap = argparse.ArgumentParser(description="deterministic CRM export for kith's benchmarks")
    ap.add_argument("--accounts", type=int, default=100000)
    ap.add_argument("--contacts", type=int, default=1000000)
    ap.add_argument("--leads", type=int, default=None, help="default: contacts / 10")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    org = kithgen.Org(a.accounts, a.contacts, a.leads)

    files, writers, counts = {}, {}, {}
    for name, cols in COLUMNS.items():
        f = open(os.path.join(a.out, name + ".csv.tmp"), "w", newline="", encoding="utf-8")
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore", lineterminator="\r\n")
        w.writeheader()
        files[name], writers[name], counts[name] = f, w, 0

    def put(name, row):
        writers[name].writerow(row)
        counts[name] += 1

    for u in org.users:
        put("User", u)
    dups = kith_dups = 0
    for i in range(org.n_accounts):
        acct = org.account(i)
        row = {"Id": acct["Id"], "Name": acct["Name"], "Website": acct["Website"],
               "Secondary_Domains__c": acct["sep"].join(acct["secondary"]),
               "OwnerId": org.users[acct["owner"]]["Id"]}
        put("Account", row)
        for j, (u, role) in enumerate(acct["team"]):
            put("AccountTeamMember", {"Id": kithgen.sfid("01M", i * 8 + j), "AccountId": acct["Id"],
                                      "UserId": org.users[u]["Id"], "TeamMemberRole": role})
        contacts = org.contacts(acct)
        seen = set()
        for c, p in contacts:
            put("Contact", c)
            if c["Email"] in seen:
                dups += 1
                kith_dups += c["Created_By_Kith__c"] == "true"
            seen.add(c["Email"])
        for lead in org.leads(acct):
            put("Lead", lead)
        opps = org.opportunities(acct)
        for o in opps:
            put("Opportunity", o)
        for r in org.roles(acct, opps, contacts):
            put("OpportunityContactRole", r)

    for name, f in files.items():
        f.close()
        os.replace(os.path.join(a.out, name + ".csv.tmp"), os.path.join(a.out, name + ".csv"))
    manifest = {"accounts": org.n_accounts, "contacts": a.contacts, "leads": org.n_leads,
                "seed": kithgen.SEED, "rows": counts, "duplicate_contacts": dups,
                "duplicate_contacts_created_by_kith": kith_dups}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(json.dumps(manifest), file=sys.stderr)


if __name__ == "__main__":
    main()
