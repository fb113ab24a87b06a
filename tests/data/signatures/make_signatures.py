#!/usr/bin/env python3
"""Writes generated.jsonl: labelled emails for kith's signature reader (R4, R5).

Deterministic (fixed seed). Each line is one email body as its sender wrote
it (replies, forwards, disclaimers and "Sent from my iPhone" included), with
the sender's address and display name, and the fields a careful reader would
take from it: Title, Phone, MailingCountry, MailingState and, when the display
name gave none, the name. Expected phones are formatted by Debian's
python3-phonenumbers (an independent port of libphonenumber), so run this
with /usr/bin/python3. Usage: make_signatures.py > generated.jsonl
"""
import json
import random

import phonenumbers

rnd = random.Random(20260304)

PEOPLE = [('Olivia', 'Wright'), ('Hedy', 'Lamarr'), ('Ada', 'Lovelace'), ('Jonas', 'Becker'),
          ('Marie', 'Dubois'), ('Lucía', 'García'), ('Giulia', 'Rossi'), ('Sanne', 'de Vries'),
          ('Erik', 'Lindqvist'), ('Katarzyna', 'Nowak'), ('Thomas', 'Müller'), ('Chloé', 'Martin'),
          ('Pablo', 'Fernández'), ('Marco', 'Bianchi'), ('Pieter', 'Jansen'), ('Anna', 'Svensson'),
          ('Piotr', 'Kowalski'), ('James', 'O\'Brien'), ('Priya', 'Patel'), ('Wei', 'Chen'),
          ('Fatima', 'Haddad'), ('Liam', 'Murphy'), ('Sofia', 'Costa'), ('Noah', 'Fischer'),
          ('Emma', 'Leroy'), ('Hugo', 'Moreau'), ('Clara', 'Schmidt'), ('Lars', 'Hansen'),
          ('Mia', 'van den Berg'), ('Daniel', 'Kim')]

ORGS = [('Contoso', 'Contoso Ltd'), ('Globex', 'Globex Corporation'), ('Initech', 'Initech, Inc.'),
        ('Umbrella', 'Umbrella GmbH'), ('Stark', 'Stark Industries LLC'), ('Wayne', 'Wayne Enterprises'),
        ('Acme', 'Acme Widgets SA'), ('Hooli', 'Hooli B.V.'), ('Vandelay', 'Vandelay Industries AB'),
        ('Soylent', 'Soylent S.p.A.'), ('Cyberdyne', 'Cyberdyne Systems plc'), ('Tyrell', 'Tyrell Corp.')]

# country: (name kith writes, tld, lang, phone numbers as written nationally,
# address lines: (line, says_country, state))
COUNTRIES = {
    'US': ('United States', 'com', 'en',
           ['(415) 555-0134', '212-555-0187', '312.555.0199', '(617) 555-0142', '+1 (512) 555-0110',
            '1-206-555-0123', '303 555 0166'],
           [('San Francisco, CA 94105', False, 'CA'), ('Austin, TX 78701', False, 'TX'),
            ('New York, NY 10001, USA', True, 'NY'), ('Boston, MA', False, 'MA'),
            ('Seattle, WA 98101', False, 'WA'), ('Chicago, IL 60601-1234', False, 'IL')]),
    'CA': ('Canada', 'ca', 'en',
           ['(416) 555-0101', '604-555-0177', '+1 514 555 0123'],
           [('Toronto, ON M5V 2T6', False, 'ON'), ('Vancouver, BC V6B 1A1', False, 'BC'),
            ('Montréal, QC H2Y 1C6, Canada', True, 'QC')]),
    'GB': ('United Kingdom', 'co.uk', 'en',
           ['020 7946 0958', '+44 20 7946 0321', '+44 (0)161 496 0123', '07700 900123',
            '0113 496 0000'],
           [('London, UK', True, None), ('London EC1A 1BB', False, None),
            ('Manchester, United Kingdom', True, None), ('Edinburgh, Scotland', True, None)]),
    'DE': ('Germany', 'de', 'de',
           ['030 12345678', '+49 89 12345678', '+49 (0)40 1234567', '0151 23456789', '069 9876543'],
           [('10115 Berlin, Germany', True, None), ('80331 München', False, None),
            ('Hamburg, Deutschland', True, None), ('60311 Frankfurt am Main, Deutschland', True, None)]),
    'FR': ('France', 'fr', 'fr',
           ['01 42 68 53 00', '+33 1 23 45 67 89', '06 12 34 56 78', '+33 (0)4 72 12 34 56'],
           [('75008 Paris, France', True, None), ('69002 Lyon', False, None), ('Paris, France', True, None)]),
    'ES': ('Spain', 'es', 'es',
           ['91 123 45 67', '+34 93 123 45 67', '612 34 56 78'],
           [('28001 Madrid, España', True, None), ('Barcelona, Spain', True, None), ('41001 Sevilla', False, None)]),
    'IT': ('Italy', 'it', 'it',
           ['02 1234 5678', '+39 06 1234 5678', '+39 347 123 4567'],
           [('20121 Milano, Italia', True, None), ('00184 Roma', False, None), ('Torino, Italy', True, None)]),
    'NL': ('Netherlands', 'nl', 'nl',
           ['020 123 4567', '+31 10 123 4567', '06 12345678'],
           [('1012 AB Amsterdam, Nederland', True, None), ('Rotterdam, The Netherlands', True, None),
            ('3511 Utrecht', False, None)]),
    'SE': ('Sweden', 'se', 'sv',
           ['08 123 456 78', '+46 31 123 45 67', '070 123 45 67'],
           [('111 22 Stockholm, Sweden', True, None), ('Göteborg, Sverige', True, None)]),
    'PL': ('Poland', 'pl', 'pl',
           ['22 123 45 67', '+48 12 345 67 89', '+48 601 234 567'],
           [('00-001 Warszawa, Polska', True, None), ('Kraków, Poland', True, None)]),
    'CH': ('Switzerland', 'ch', 'de',
           ['044 668 18 00', '+41 22 345 67 89'],
           [('8001 Zürich, Schweiz', True, None), ('1201 Genève, Switzerland', True, None)]),
    'AT': ('Austria', 'at', 'de',
           ['01 5123456', '+43 1 5123456'],
           [('1010 Wien, Österreich', True, None), ('Vienna, Austria', True, None)]),
}

LANG = {
    'en': {
        'closings': ['Best,', 'Best regards,', 'Kind regards,', 'Thanks,', 'Cheers,', 'Regards,',
                     'Many thanks,', 'Thank you,', 'All the best,'],
        'body': ['Thanks for the call today. I have attached the proposal we discussed.',
                 'Happy to set up a follow-up next week; let me know what works.',
                 'Please find the signed contract attached.',
                 'Could you send over the pricing for the enterprise tier?'],
        'greet': 'Hi {n},',
        'quote': lambda n, e: 'On Tue, Mar 3, 2026 at 9:00 AM {} <{}> wrote:'.format(n, e),
        'sent': 'Sent from my iPhone',
        'disclaimer': ('This e-mail and any attachments are confidential and intended solely for the '
                       'addressee. If you are not the intended recipient, please notify the sender '
                       'and delete this message.'),
        'titles': ['Head of Operations', 'VP Sales', 'Director of Engineering', 'Chief Financial Officer',
                   'Senior Account Executive', 'Procurement Manager', 'Research Lead',
                   'Customer Success Manager', 'Senior Software Engineer', 'Chief Inventor',
                   'General Counsel', 'Head of People', 'Data Scientist', 'Co-Founder & CEO',
                   'Marketing Director', 'IT Manager', 'Sr. Product Manager', 'EVP, Finance'],
    },
    'de': {
        'closings': ['Mit freundlichen Grüßen', 'Viele Grüße', 'Beste Grüße', 'Freundliche Grüße', 'VG'],
        'body': ['vielen Dank für das Gespräch. Anbei das Angebot.',
                 'können wir nächste Woche einen Termin finden?',
                 'anbei der unterschriebene Vertrag.'],
        'greet': 'Hallo {n},',
        'quote': lambda n, e: 'Am 03.03.2026 um 09:00 schrieb {} <{}>:'.format(n, e),
        'sent': 'Von meinem iPhone gesendet',
        'disclaimer': ('Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige '
                       'Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte '
                       'sofort den Absender und vernichten Sie diese Mail.'),
        'titles': ['Geschäftsführer', 'Vertriebsleiter', 'Leiterin Einkauf', 'Teamleiter IT',
                   'Softwareentwickler', 'Head of Sales DACH', 'Key Account Manager',
                   'Leiter Marketing', 'Projektleiterin'],
    },
    'fr': {
        'closings': ['Cordialement,', 'Bien cordialement,', 'Bien à vous,', 'Merci,'],
        'body': ['merci pour votre appel. Vous trouverez ci-joint notre proposition.',
                 'pouvons-nous prévoir un point la semaine prochaine ?'],
        'greet': 'Bonjour {n},',
        'quote': lambda n, e: 'Le mar. 3 mars 2026 à 09:00, {} <{}> a écrit :'.format(n, e),
        'sent': 'Envoyé de mon iPhone',
        'disclaimer': ('Ce message et ses pièces jointes sont confidentiels et destinés exclusivement '
                       'au destinataire. Si vous avez reçu ce message par erreur, merci de le '
                       'supprimer et d\'en avertir l\'expéditeur.'),
        'titles': ['Directeur Commercial', 'Responsable Achats', 'Directrice Marketing',
                   'Ingénieur Logiciel', 'Président-Directeur Général', 'Chef de Projet',
                   'Directeur des Opérations'],
    },
    'es': {
        'closings': ['Saludos,', 'Un saludo,', 'Atentamente,', 'Saludos cordiales,'],
        'body': ['gracias por la llamada. Adjunto la propuesta.',
                 '¿podemos agendar una reunión la próxima semana?'],
        'greet': 'Hola {n},',
        'quote': lambda n, e: 'El mar, 3 mar 2026 a las 9:00, {} (<{}>) escribió:'.format(n, e),
        'sent': 'Enviado desde mi iPhone',
        'disclaimer': ('Este mensaje es confidencial y está dirigido exclusivamente a su destinatario. '
                       'Si usted no es el destinatario indicado, le rogamos que lo elimine y lo '
                       'comunique al remitente.'),
        'titles': ['Director Comercial', 'Gerente de Ventas', 'Jefe de Compras', 'Directora de Marketing',
                   'Ingeniero de Software', 'Director General'],
    },
    'it': {
        'closings': ['Cordiali saluti,', 'Saluti,', 'Un saluto,', 'Grazie,'],
        'body': ['grazie per la chiamata. In allegato la proposta.',
                 'possiamo fissare un incontro la prossima settimana?'],
        'greet': 'Ciao {n},',
        'quote': lambda n, e: 'Il giorno mar 3 mar 2026 alle ore 09:00 {} <{}> ha scritto:'.format(n, e),
        'sent': 'Inviato da iPhone',
        'disclaimer': ('Questo messaggio è riservato e destinato esclusivamente al destinatario. '
                       'Se avete ricevuto questo messaggio per errore vi preghiamo di cancellarlo e '
                       'di avvisare il mittente.'),
        'titles': ['Direttore Commerciale', 'Responsabile Acquisti', 'Amministratore Delegato',
                   'Responsabile Marketing', 'Ingegnere del Software'],
    },
    'nl': {
        'closings': ['Met vriendelijke groet,', 'Groeten,', 'Vriendelijke groeten,', 'MVG,'],
        'body': ['bedankt voor het gesprek. In de bijlage vind je het voorstel.',
                 'kunnen we volgende week een afspraak plannen?'],
        'greet': 'Hoi {n},',
        'quote': lambda n, e: 'Op di 3 mrt 2026 om 09:00 schreef {} <{}>:'.format(n, e),
        'sent': 'Verzonden vanaf mijn iPhone',
        'disclaimer': ('Dit bericht is vertrouwelijk en uitsluitend bestemd voor de geadresseerde. '
                       'Indien u dit bericht onterecht ontvangt, wordt u verzocht de inhoud niet te '
                       'gebruiken en de afzender direct te informeren.'),
        'titles': ['Algemeen Directeur', 'Hoofd Verkoop', 'Accountmanager', 'Inkoper', 'Hoofd Marketing'],
    },
    'sv': {
        'closings': ['Med vänliga hälsningar,', 'Vänliga hälsningar,', 'MVH', 'Hälsningar,'],
        'body': ['tack för samtalet. Bifogat finns förslaget.',
                 'kan vi boka ett möte nästa vecka?'],
        'greet': 'Hej {n},',
        'quote': lambda n, e: 'Den 3 mars 2026 kl. 09:00 skrev {} <{}>:'.format(n, e),
        'sent': 'Skickat från min iPhone',
        'disclaimer': ('Detta e-postmeddelande är konfidentiellt och endast avsett för mottagaren. '
                       'Om du har fått detta meddelande av misstag, vänligen meddela avsändaren och '
                       'radera det. This message is intended only for the intended recipient.'),
        'titles': ['VD', 'Försäljningschef', 'Inköpschef', 'Utvecklare', 'Ekonomichef'],
    },
    'pl': {
        'closings': ['Pozdrawiam,', 'Z poważaniem,', 'Pozdrawiam'],
        'body': ['dziękuję za rozmowę. W załączniku przesyłam ofertę.',
                 'czy możemy umówić się na spotkanie w przyszłym tygodniu?'],
        'greet': 'Dzień dobry {n},',
        'quote': lambda n, e: 'W dniu 3.03.2026 o 09:00, {} <{}> napisał:'.format(n, e),
        'sent': 'Wysłane z iPhone\'a',
        'disclaimer': ('Ta wiadomość jest poufna i przeznaczona wyłącznie dla adresata. Jeśli nie jesteś '
                       'zamierzonym adresatem, prosimy o poinformowanie nadawcy i usunięcie wiadomości.'),
        'titles': ['Prezes Zarządu', 'Dyrektor Sprzedaży', 'Kierownik Projektu', 'Specjalista ds. Marketingu'],
    },
}

PHONE_LABEL = {
    'en': (['T: ', 'Tel: ', 'Phone: ', 'Office: ', 'P: ', 'Direct: ', ''], ['M: ', 'Mobile: ', 'Cell: '],
           ['F: ', 'Fax: ']),
    'de': (['Tel.: ', 'Telefon: ', 'T ', 'Tel. '], ['Mobil: ', 'Handy: ', 'M '], ['Fax: ', 'F ']),
    'fr': (['Tél. : ', 'Tél : ', 'T. '], ['Mobile : ', 'Portable : '], ['Fax : ']),
    'es': (['Tel.: ', 'Tfno: ', 'T. '], ['Móvil: '], ['Fax: ']),
    'it': (['Tel. ', 'Telefono: '], ['Cell. ', 'Mobile: '], ['Fax ']),
    'nl': (['T: ', 'Tel: '], ['M: ', 'Mobiel: '], ['F: ', 'Fax: ']),
    'sv': (['Tel: ', 'Telefon: '], ['Mobil: '], ['Fax: ']),
    'pl': (['Tel.: ', 'tel. '], ['Kom.: ', 'Mobile: '], ['Fax: ']),
}


def e164(number, region):
    x = phonenumbers.parse(number, region)
    return phonenumbers.format_number(x, phonenumbers.PhoneNumberFormat.INTERNATIONAL).replace('-', ' ')


def nanp_state(number):
    from phonenumbers import geocoder
    x = phonenumbers.parse(number, 'US')
    d = geocoder.description_for_valid_number(x, 'en')
    return d.rsplit(', ', 1)[1] if ', ' in d else None


STATES = {'California': 'CA', 'New York': 'NY', 'Illinois': 'IL', 'Massachusetts': 'MA',
          'Texas': 'TX', 'Washington State': 'WA', 'Colorado': 'CO', 'Ontario': 'ON',
          'British Columbia': 'BC', 'Quebec': 'QC'}


def area_state(number, region):
    from phonenumbers import geocoder
    x = phonenumbers.parse(number, region)
    d = geocoder.description_for_valid_number(x, 'en')
    if ', ' in d:
        return d.rsplit(', ', 1)[1]
    return STATES.get(d)


def slug(s):
    import unicodedata
    s = unicodedata.normalize('NFKD', s).encode('ascii', 'ignore').decode().lower()
    return ''.join(c for c in s if c.isalpha())


cases = []


def make(i):
    cc = rnd.choice(list(COUNTRIES))
    cname, tld, lang, phones, places = COUNTRIES[cc]
    if rnd.random() < 0.25 and lang != 'en':
        lang_use = lang
    else:
        lang_use = lang if rnd.random() < 0.6 else 'en'
    L = LANG[lang_use]
    first, last = rnd.choice(PEOPLE)
    org, company = rnd.choice(ORGS)
    style = rnd.choice(['first.last', 'first.last', 'flast', 'first', 'firstl'])
    local = {'first.last': slug(first) + '.' + slug(last), 'flast': slug(first)[0] + slug(last),
             'first': slug(first), 'firstl': slug(first) + slug(last)[0]}[style]
    email = '%s@%s.%s' % (local, org.lower(), tld)
    # The display name: usually given, sometimes missing or a first name only.
    r = rnd.random()
    if r < 0.7:
        dfirst, dlast = first, last
    elif r < 0.85:
        dfirst, dlast = None, None
    else:
        dfirst, dlast = first, None
    title = rnd.choice(L['titles'])
    kind = rnd.random()
    exp = {'title': title, 'phone': None, 'country': None, 'state': None, 'first': None, 'last': None}
    other = ('Ann', 'Lee', 'ann.lee@corp.example')

    lines = [L['greet'].format(n=other[0]), '', rnd.choice(L['body']), '']
    closing = rnd.choice(L['closings'])
    sig = []
    delim = rnd.random() < 0.15
    if delim:
        lines += [closing, first, '', '-- ']
    else:
        lines.append(closing)
    # Name line and title in one of the common layouts.
    layout = rnd.choice(['lines', 'lines', 'lines', 'pipe', 'comma', 'dash', 'title_company', 'at'])
    name = '%s %s' % (first, last)
    if layout == 'pipe':
        sig.append('%s | %s | %s' % (name, title, company))
    elif layout == 'comma':
        sig.append('%s, %s' % (name, title))
        sig.append(company)
    elif layout == 'dash':
        sig.append('%s \u2013 %s' % (name, title))
        sig.append(company)
    elif layout == 'title_company':
        sig.append(name)
        sig.append('%s | %s' % (title, company))
    elif layout == 'at':
        sig.append(name)
        sig.append('%s at %s' % (title, company))
    else:
        sig.append(name + (' (she/her)' if rnd.random() < 0.08 else ''))
        sig.append(title)
        sig.append(company)
    # Phones: an office/direct number, maybe a mobile and a fax, in any order.
    office, mobile_l, fax_l = PHONE_LABEL[lang_use]
    region = cc
    n1 = rnd.choice(phones)
    plines = []
    lab = rnd.choice(office)
    plines.append(('office', lab + n1))
    exp['phone'] = e164(n1, region)
    phone_region = phonenumbers.region_code_for_number(phonenumbers.parse(n1, region))
    if rnd.random() < 0.4:
        n2 = rnd.choice([p for p in phones if p != n1] or phones)
        plines.append(('mobile', rnd.choice(mobile_l) + n2))
    if rnd.random() < 0.4:
        n3 = rnd.choice(phones)
        plines.append(('fax', rnd.choice(fax_l) + n3))
    rnd.shuffle(plines)
    if rnd.random() < 0.15 and len(plines) > 1:
        # Both on one line.
        sig.append('   '.join(p for _, p in plines))
    else:
        sig += [p for _, p in plines]
    # The place.
    has_place = rnd.random() < 0.7
    if has_place:
        pl, says, st = rnd.choice(places)
        sig.append(pl)
    else:
        says, st = False, None
    if cc in ('US', 'CA'):
        exp['country'] = cname
        exp['state'] = st if has_place and st else area_state(n1, region)
    else:
        exp['country'] = cname
    if rnd.random() < 0.5:
        sig.append('www.%s.%s' % (org.lower(), tld))
    lines += sig
    if rnd.random() < 0.2:
        lines += ['', L['sent']]
    if rnd.random() < 0.25:
        lines += ['', L['disclaimer']]
    # A quoted message below, with a signature of its own that is not the sender's.
    if rnd.random() < 0.5:
        lines += ['', L['quote'](other[0] + ' ' + other[1], other[2]), '>',
                  '> Could we meet on Thursday?', '>', '> ' + rnd.choice(L['closings']),
                  '> Ann Lee', '> Account Executive', '> Corp Example, Inc.', '> +1 (628) 555-0100']
    # The name: from the signature only when the display name gave none.
    if dfirst is None:
        exp['first'], exp['last'] = first, last
    elif dlast is None:
        exp['first'], exp['last'] = first, last
    # Cases where a careful reader takes nothing.
    if kind < 0.06:
        # Someone else signs (an assistant): no title, phone or place.
        lines = [l.replace(name, 'Bob Stone') for l in lines]
        exp = {k: None for k in exp}
        if dfirst is None:
            dfirst, dlast = first, last
    elif kind < 0.10:
        # Only a first name after the closing: no signature block is sure.
        cut = lines.index(closing) if closing in lines else len(lines)
        lines = lines[:cut + 1] + [first]
        exp = {k: None for k in exp}
        if dfirst is None or dlast is None:
            dfirst, dlast = first, last
    if dlast is None and dfirst is not None and exp['first'] is None:
        pass
    return {'id': 'gen-%03d' % i, 'lang': lang_use, 'country': cc, 'email': email,
            'display_first': dfirst, 'display_last': dlast, 'text': '\n'.join(lines) + '\n',
            'expect': exp}


for i in range(1, 321):
    cases.append(make(i))

# Signatures only in quoted text: the sender wrote none.
for i, (first, last) in enumerate(PEOPLE[:12]):
    text = ('Sounds good, see you then.\n\nOn Mon, Mar 2, 2026 at 10:00 AM %s %s <%s.%s@contoso.com> wrote:\n'
            '> Tuesday works.\n>\n> Best,\n> %s %s\n> VP Sales\n> +1 (415) 555-0100\n'
            % (first, last, slug(first), slug(last), first, last))
    cases.append({'id': 'quoted-%02d' % i, 'lang': 'en', 'country': 'US',
                  'email': 'ann.lee@corp.example', 'display_first': 'Ann', 'display_last': 'Lee',
                  'text': text, 'expect': {k: None for k in
                                           ('title', 'phone', 'country', 'state', 'first', 'last')}})

for c in cases:
    print(json.dumps(c, ensure_ascii=False))
