#!/usr/bin/env python3
"""Writes tests/data/titles.tsv: job titles labelled with Department,
Seniority__c and Persona__c by kith's documented scheme (docs/signatures.md).

Deterministic (fixed seed). The titles are built from the patterns people
write in signatures, in English and the major European languages, with
abbreviations and noise; the labels come from the tables below, written by
hand, not from kith's rules file. Usage: make_titles.py > ../titles.tsv
"""
import random

rnd = random.Random(20260301)
IC = 'Individual Contributor'
TECH = {'Engineering', 'IT', 'Data', 'Product'}


def persona(sen, dep):
    if sen == 'C-Level':
        return 'Executive Sponsor'
    if not sen:
        return ''
    if dep == 'Procurement':
        return 'Procurement'
    if dep == 'Legal':
        return 'Legal & Compliance'
    if not dep:
        return ''
    tech = dep in TECH
    if sen in ('VP', 'Director'):
        return 'Technical Decision Maker' if tech else 'Business Decision Maker'
    if sen == 'Manager':
        return 'Technical Champion' if tech else 'Business Champion'
    return 'Technical User' if tech else 'Business User'


rows = []


def add(title, dep, sen):
    rows.append((title, dep or '', sen or '', persona(sen, dep)))


# Department names as written after "VP", "Director of", "Head of" ...
DEPTS = [('Sales', 'Sales'), ('Marketing', 'Marketing'), ('Engineering', 'Engineering'),
         ('Customer Success', 'Customer Success'), ('Finance', 'Finance'),
         ('Human Resources', 'HR'), ('People', 'HR'), ('Operations', 'Operations'),
         ('Product', 'Product'), ('Data & Analytics', 'Data'), ('IT', 'IT'),
         ('Information Technology', 'IT'), ('Legal', 'Legal'), ('Procurement', 'Procurement'),
         ('Business Development', 'Sales'), ('Product Marketing', 'Marketing'),
         ('Revenue Operations', 'Sales'), ('Software Engineering', 'Engineering'),
         ('Data Science', 'Data'), ('Talent Acquisition', 'HR'), ('Purchasing', 'Procurement'),
         ('Supply Chain', 'Operations'), ('Infrastructure', 'IT'), ('Accounting', 'Finance'),
         ('Compliance', 'Legal'), ('Communications', 'Marketing'), ('Research', 'Other'),
         ('Customer Support', 'Customer Success'), ('Security', 'IT'), ('Logistics', 'Operations')]

VP = ['VP {d}', 'VP of {d}', 'VP, {d}', 'Vice President, {d}', 'Vice President of {d}',
      'SVP {d}', 'SVP, {d}', 'Senior Vice President, {d}', 'EVP {d}',
      'Executive Vice President, {d}', 'Sr. VP {d}', 'V.P. {d}', 'Regional VP {d}']
DIR = ['Director of {d}', 'Director, {d}', 'Senior Director, {d}', 'Sr. Director of {d}',
       'Dir. {d}', 'Head of {d}', 'Global Head of {d}', 'Associate Director, {d}',
       '{d} Director', 'Sr. Dir. {d}', 'Group Head of {d}', 'Head of {d} EMEA']
MGR = ['{d} Manager', 'Manager, {d}', 'Senior {d} Manager', '{d} Mgr', 'Sr. Mgr, {d}',
       'Team Lead, {d}', '{d} Team Lead', 'Manager of {d}']
for d, dep in DEPTS:
    for tpl in rnd.sample(VP, 4):
        add(tpl.format(d=d), dep, 'VP')
    for tpl in rnd.sample(DIR, 5):
        add(tpl.format(d=d), dep, 'Director')
    for tpl in rnd.sample(MGR, 3):
        add(tpl.format(d=d), dep, 'Manager')

CLEVEL = [('Chief Executive Officer', 'Executive'), ('CEO', 'Executive'),
          ('Chief Financial Officer', 'Finance'), ('CFO', 'Finance'),
          ('Chief Technology Officer', 'Engineering'), ('CTO', 'Engineering'),
          ('Chief Operating Officer', 'Operations'), ('COO', 'Operations'),
          ('Chief Information Officer', 'IT'), ('CIO', 'IT'),
          ('Chief Marketing Officer', 'Marketing'), ('CMO', 'Marketing'),
          ('Chief Revenue Officer', 'Sales'), ('CRO', 'Sales'),
          ('Chief People Officer', 'HR'), ('CHRO', 'HR'),
          ('Chief Human Resources Officer', 'HR'), ('Chief Data Officer', 'Data'),
          ('Chief Product Officer', 'Product'), ('Chief Legal Officer', 'Legal'),
          ('Chief Procurement Officer', 'Procurement'), ('Chief Customer Officer', 'Customer Success'),
          ('Chief Information Security Officer', 'IT'), ('CISO', 'IT'),
          ('Chief Commercial Officer', 'Sales'), ('Chief Innovation Officer', 'Executive'),
          ('Founder', 'Executive'), ('Co-Founder', 'Executive'), ('Co-founder & CEO', 'Executive'),
          ('Founder and CEO', 'Executive'), ('President', 'Executive'),
          ('President & CEO', 'Executive'), ('President and Chief Executive Officer', 'Executive'),
          ('Owner', 'Executive'), ('Managing Director', 'Executive'), ('Managing Partner', 'Executive'),
          ('Chairman of the Board', 'Executive'), ('Board Member', 'Executive'),
          ('Founder & Managing Director', 'Executive'), ('Cofounder, CTO', 'Engineering'),
          ('Chief Accounting Officer', 'Finance'), ('General Counsel & Chief Legal Officer', 'Legal'),
          ('Chief Sales Officer', 'Sales'), ('Chief Operations Officer', 'Operations')]
for t, dep in CLEVEL:
    add(t, dep, 'C-Level')

ICS = [('Software Engineer', 'Engineering'), ('Senior Software Engineer', 'Engineering'),
       ('Sr. Software Eng.', 'Engineering'), ('Backend Developer', 'Engineering'),
       ('DevOps Engineer', 'Engineering'), ('QA Engineer', 'Engineering'),
       ('Site Reliability Engineer', 'Engineering'), ('Mechanical Engineer', 'Engineering'),
       ('Data Scientist', 'Data'), ('Data Analyst', 'Data'), ('Data Engineer', 'Data'),
       ('Machine Learning Engineer', 'Data'), ('BI Analyst', 'Data'),
       ('Account Executive', 'Sales'), ('Senior Account Executive', 'Sales'),
       ('Sales Representative', 'Sales'), ('Account Manager', 'Sales'),
       ('Key Account Manager', 'Sales'), ('Sales Engineer', 'Sales'),
       ('Solutions Engineer', 'Sales'), ('Business Development Representative', 'Sales'),
       ('Inside Sales Representative', 'Sales'),
       ('Marketing Specialist', 'Marketing'), ('Content Marketing Specialist', 'Marketing'),
       ('Marketing Coordinator', 'Marketing'), ('Copywriter', 'Marketing'),
       ('Financial Analyst', 'Finance'), ('Accountant', 'Finance'), ('Senior Accountant', 'Finance'),
       ('Tax Specialist', 'Finance'), ('Treasury Analyst', 'Finance'),
       ('Recruiter', 'HR'), ('HR Generalist', 'HR'), ('Talent Acquisition Specialist', 'HR'),
       ('Paralegal', 'Legal'), ('Corporate Counsel', 'Legal'), ('Senior Counsel', 'Legal'),
       ('Legal Specialist', 'Legal'), ('Compliance Analyst', 'Legal'), ('Attorney', 'Legal'),
       ('Buyer', 'Procurement'), ('Procurement Specialist', 'Procurement'),
       ('Senior Buyer', 'Procurement'), ('Sourcing Analyst', 'Procurement'),
       ('Systems Administrator', 'IT'), ('Network Engineer', 'IT'), ('IT Specialist', 'IT'),
       ('Security Analyst', 'IT'), ('Database Administrator', 'IT'),
       ('Customer Success Associate', 'Customer Success'),
       ('Customer Support Specialist', 'Customer Success'),
       ('Customer Service Representative', 'Customer Success'),
       ('UX Designer', 'Product'), ('Product Designer', 'Product'), ('Product Owner', 'Product'),
       ('Operations Coordinator', 'Operations'), ('Logistics Coordinator', 'Operations'),
       ('Operations Analyst', 'Operations'), ('Research Analyst', 'Other'),
       ('Research Scientist', 'Other'), ('Assistant Professor', 'Other'), ('Professor', 'Other'),
       ('Executive Assistant', None), ('Executive Assistant to the CEO', 'Executive'),
       ('Consultant', None), ('Senior Consultant', None), ('Project Coordinator', None),
       ('Associate', None), ('Analyst', None), ('Intern', None), ('Marketing Intern', 'Marketing'),
       ('Lead Software Engineer', 'Engineering'), ('Principal Engineer', 'Engineering'),
       ('Staff Data Scientist', 'Data'), ('Payroll Specialist', 'HR'),
       ('Engineering Intern', 'Engineering')]
for t, dep in ICS:
    add(t, dep, IC)

MGRS = [('Engineering Manager', 'Engineering', 'Manager'), ('Product Manager', 'Product', 'Manager'),
        ('Senior Product Manager', 'Product', 'Manager'), ('Project Manager', None, 'Manager'),
        ('Program Manager', None, 'Manager'), ('Office Manager', 'Operations', 'Manager'),
        ('Customer Success Manager', 'Customer Success', 'Manager'),
        ('Sales Manager', 'Sales', 'Manager'), ('Regional Sales Manager', 'Sales', 'Manager'),
        ('Marketing Manager', 'Marketing', 'Manager'), ('IT Manager', 'IT', 'Manager'),
        ('HR Manager', 'HR', 'Manager'), ('Finance Manager', 'Finance', 'Manager'),
        ('Procurement Manager', 'Procurement', 'Manager'), ('Category Manager', 'Procurement', 'Manager'),
        ('Team Lead', None, 'Manager'), ('Tech Lead', 'Engineering', 'Manager'),
        ('Research Lead', 'Other', 'Manager'), ('Supervisor', None, 'Manager'),
        ('Plant Manager', 'Operations', 'Manager'), ('Warehouse Supervisor', 'Operations', 'Manager'),
        ('Data Science Manager', 'Data', 'Manager'), ('Legal Operations Manager', 'Legal', 'Manager'),
        ('Event Manager', 'Marketing', 'Manager'), ('Brand Manager', 'Marketing', 'Manager'),
        ('Sr. Mgr, Eng', 'Engineering', 'Manager'), ('Mgr., Accounts Payable', 'Finance', 'Manager'),
        ('Director', None, 'Director'), ('Senior Director', None, 'Director'),
        ('Executive Director', None, 'Director'), ('General Manager', 'Executive', 'Director'),
        ('Chief of Staff', 'Executive', 'Director'), ('Vice President', None, 'VP'),
        ('Senior Vice President', None, 'VP'), ('EVP', None, 'VP'), ('SVP', None, 'VP'),
        ('Assistant Vice President, Finance', 'Finance', 'Director'), ('AVP, Sales', 'Sales', 'Director'),
        ('Chief Engineer', 'Engineering', 'Director'), ('Chief Economist', None, 'Director'),
        ('Chief Inventor', None, 'Director'), ('Head of Growth', 'Marketing', 'Director'),
        ('Director of Research', 'Other', 'Director'), ('Art Director', None, 'Director'),
        ('Account Director', 'Sales', 'Director'), ('Partner', None, 'Director')]
for t, dep, sen in MGRS:
    add(t, dep, sen)

# Titles in the major European languages.
LANG = [
    # German
    ('Geschäftsführer', 'Executive', 'C-Level'), ('Geschäftsführerin', 'Executive', 'C-Level'),
    ('Vorstandsvorsitzender', 'Executive', 'C-Level'), ('Inhaber', 'Executive', 'C-Level'),
    ('Gründer & Geschäftsführer', 'Executive', 'C-Level'), ('Vertriebsleiter', 'Sales', 'Director'),
    ('Leiter Vertrieb', 'Sales', 'Director'), ('Leiterin Marketing', 'Marketing', 'Director'),
    ('Marketingleiterin', 'Marketing', 'Director'), ('Leiter Einkauf', 'Procurement', 'Director'),
    ('Einkaufsleiter', 'Procurement', 'Director'), ('Leiter IT', 'IT', 'Director'),
    ('Bereichsleiter Finanzen', 'Finance', 'Director'), ('Abteilungsleiter Logistik', 'Operations', 'Director'),
    ('Teamleiter IT', 'IT', 'Manager'), ('Teamleiterin Kundenservice', 'Customer Success', 'Manager'),
    ('Projektleiter', None, 'Manager'), ('Produktmanager', 'Product', 'Manager'),
    ('Softwareentwickler', 'Engineering', IC), ('Softwareentwicklerin', 'Engineering', IC),
    ('Vertriebsmitarbeiter', 'Sales', IC), ('Personalreferentin', 'HR', IC),
    ('Einkäufer', 'Procurement', IC), ('Buchhalterin', 'Finance', IC),
    ('Finanzbuchhalter', 'Finance', IC), ('Rechtsanwalt', 'Legal', IC),
    ('Syndikusrechtsanwältin', 'Legal', IC), ('Entwicklungsleiter', 'Engineering', 'Director'),
    ('Produktionsleiter', 'Operations', 'Director'), ('Personalleiter', 'HR', 'Director'),
    ('IT-Berater', 'IT', IC), ('Key Account Manager Vertrieb', 'Sales', IC),
    ('Werkstudent Marketing', 'Marketing', IC), ('Prokurist', None, None),
    # French
    ('Directeur Commercial', 'Sales', 'Director'), ('Directrice Marketing', 'Marketing', 'Director'),
    ('Directeur Financier', 'Finance', 'Director'),
    ('Directrice des Ressources Humaines', 'HR', 'Director'),
    ('Directeur des Opérations', 'Operations', 'Director'), ('Directeur Informatique', 'IT', 'Director'),
    ('Directeur Technique', 'Engineering', 'Director'), ('Responsable Achats', 'Procurement', 'Manager'),
    ('Responsable Marketing', 'Marketing', 'Manager'),
    ('Responsable du Service Client', 'Customer Success', 'Manager'),
    ('Chef de Projet', None, 'Manager'), ('Ingénieur Logiciel', 'Engineering', IC),
    ('Ingénieure Commerciale', 'Sales', IC), ('Développeur Full Stack', 'Engineering', IC),
    ('Chargée de Communication', 'Marketing', IC), ('Président-Directeur Général', 'Executive', 'C-Level'),
    ('PDG', 'Executive', 'C-Level'), ('Directeur Général', 'Executive', 'C-Level'),
    ('Directrice Générale', 'Executive', 'C-Level'), ('Fondateur', 'Executive', 'C-Level'),
    ('Cofondatrice', 'Executive', 'C-Level'), ('Juriste', 'Legal', IC), ('Comptable', 'Finance', IC),
    ('Acheteuse', 'Procurement', IC), ('Contrôleur de Gestion', 'Finance', IC),
    ('Gérant', 'Executive', 'C-Level'), ('Directeur Général Adjoint', 'Executive', 'C-Level'),
    ('Analyste Financier', 'Finance', IC), ('Consultante', None, IC),
    # Spanish
    ('Director Comercial', 'Sales', 'Director'), ('Directora de Marketing', 'Marketing', 'Director'),
    ('Gerente de Ventas', 'Sales', 'Manager'), ('Gerente General', 'Executive', 'C-Level'),
    ('Director Financiero', 'Finance', 'Director'), ('Jefe de Compras', 'Procurement', 'Manager'),
    ('Ingeniero de Software', 'Engineering', IC), ('Desarrolladora', 'Engineering', IC),
    ('Analista de Datos', 'Data', IC), ('Abogada', 'Legal', IC),
    ('Responsable de Recursos Humanos', 'HR', 'Manager'), ('Consejero Delegado', 'Executive', 'C-Level'),
    ('Fundadora', 'Executive', 'C-Level'), ('Director de Tecnología', 'Engineering', 'Director'),
    ('Director de Operaciones', 'Operations', 'Director'), ('Directora General', 'Executive', 'C-Level'),
    ('Ejecutivo de Cuentas', 'Sales', IC), ('Jefa de Proyecto', None, 'Manager'),
    ('Vicepresidente de Ventas', 'Sales', 'VP'), ('Comprador', 'Procurement', IC),
    # Italian
    ('Direttore Commerciale', 'Sales', 'Director'), ('Responsabile Marketing', 'Marketing', 'Manager'),
    ('Amministratore Delegato', 'Executive', 'C-Level'), ('Direttore Generale', 'Executive', 'C-Level'),
    ('Ingegnere del Software', 'Engineering', IC), ('Responsabile Acquisti', 'Procurement', 'Manager'),
    ('Responsabile Risorse Umane', 'HR', 'Manager'), ('Direttore Finanziario', 'Finance', 'Director'),
    ('Sviluppatore', 'Engineering', IC), ('Avvocato', 'Legal', IC), ('Fondatore', 'Executive', 'C-Level'),
    ('Responsabile IT', 'IT', 'Manager'), ('Titolare', 'Executive', 'C-Level'),
    ('Consulente Commerciale', 'Sales', IC), ('Presidente', 'Executive', 'C-Level'),
    # Dutch
    ('Algemeen Directeur', 'Executive', 'C-Level'), ('Directeur', None, 'Director'),
    ('Hoofd Verkoop', 'Sales', 'Director'), ('Hoofd Marketing', 'Marketing', 'Director'),
    ('Accountmanager', 'Sales', IC), ('Inkoper', 'Procurement', IC),
    ('Software Ontwikkelaar', 'Engineering', IC), ('Oprichter', 'Executive', 'C-Level'),
    ('Teamleider Klantenservice', 'Customer Success', 'Manager'),
    ('Financieel Directeur', 'Finance', 'Director'), ('HR Adviseur', 'HR', IC),
    ('Eigenaar', 'Executive', 'C-Level'),
    # Portuguese
    ('Diretor Comercial', 'Sales', 'Director'), ('Gerente de Vendas', 'Sales', 'Manager'),
    ('Engenheiro de Software', 'Engineering', IC), ('Diretora Financeira', 'Finance', 'Director'),
    ('Sócio Fundador', 'Executive', 'C-Level'), ('Analista de Dados', 'Data', IC),
    ('Diretor de Marketing', 'Marketing', 'Director'),
    # Nordic
    ('VD', 'Executive', 'C-Level'), ('Försäljningschef', 'Sales', 'Manager'),
    ('Salgsdirektør', 'Sales', 'Director'), ('Inköpschef', 'Procurement', 'Manager'),
    ('Utvecklare', 'Engineering', IC), ('Ekonomichef', 'Finance', 'Manager'),
    ('Administrerende direktør', 'Executive', 'C-Level'), ('Daglig leder', 'Executive', 'C-Level'),
    ('Markedssjef', 'Marketing', 'Manager'), ('Grundare', 'Executive', 'C-Level'),
    # Polish
    ('Prezes Zarządu', 'Executive', 'C-Level'), ('Dyrektor Sprzedaży', 'Sales', 'Director'),
    ('Kierownik Projektu', None, 'Manager'), ('Inżynier Oprogramowania', 'Engineering', IC),
    ('Specjalista ds. Marketingu', 'Marketing', IC),
]
for t, dep, sen in LANG:
    add(t, dep, sen)

# Noise kept around real titles: the classification must see through it.
NOISE = [' | Acme', ' (she/her)', ' | Contoso Ltd', ' (he/him)', ' @ Globex', ' - EMEA',
         ' | Initech GmbH', ' (they/them)']
base = [r for r in rows if r[2]]
for title, dep, sen, _ in rnd.sample(base, 40):
    add(title + rnd.choice(NOISE), dep, sen)

# Lines that are not titles at all: nothing may be said.
for t in ['Contoso Ltd', 'Corp Example, Inc.', 'Enron North America Corp.', 'Head Office',
          'London, UK', 'San Francisco, CA 94105', 'Sent from my iPhone', 'www.example.com',
          'Thanks again', 'Acme Widgets GmbH', 'Rice University', 'The Sales Team']:
    dep = 'Sales' if t == 'The Sales Team' else None
    add(t, dep, None)

seen = set()
print('# title\tdepartment\tseniority\tpersona  (written by make_titles.py)')
for r in rows:
    if r[0] in seen:
        continue
    seen.add(r[0])
    print('\t'.join(r))
