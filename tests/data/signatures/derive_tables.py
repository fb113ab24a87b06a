#!/usr/bin/env python3
"""Derives kith's phone and country tables under data/ from public metadata.

Run by hand when the sources change; the output is committed. Inputs:
  - libphonenumber's PhoneNumberMetadata.xml (Apache-2.0), as kept in
    $KITH_SHARED/corpora/phone/ (google/libphonenumber @f7e3e88c);
  - Debian's iso-codes JSON (/usr/share/iso-codes/json, LGPL-2.1+ data:
    ISO 3166-1 names and 3166-2 subdivision codes);
  - the geocoding data of Debian's python3-phonenumbers (a port of
    libphonenumber, Apache-2.0) for NANP area code -> state/province.
Writes data/calling_codes.tsv, data/phone_formats.tsv, data/countries.tsv and
data/nanp_area_codes.tsv (the hand-kept aliases of countries.tsv are merged
from ALIASES below).
Usage: /usr/bin/python3 derive_tables.py SHARED_DIR SOURCE_DIR
"""
import collections
import json
import re
import sys
import xml.etree.ElementTree as ET

shared, source = sys.argv[1], sys.argv[2]
meta = ET.parse(shared + '/corpora/phone/PhoneNumberMetadata.xml').getroot()
TYPES = ['fixedLine', 'mobile', 'tollFree', 'premiumRate', 'sharedCost',
         'personalNumber', 'voip', 'pager', 'uan', 'voicemail']


def squash(text):
    return re.sub(r'\s+', '', text or '')


def lengths(spec):
    out = set()
    for part in re.findall(r'\[\d+-\d+\]|\d+', spec):
        if part.startswith('['):
            a, b = part[1:-1].split('-')
            out.update(range(int(a), int(b) + 1))
        else:
            out.add(int(part))
    return out


codes, formats = [], []
for t in meta.iter('territory'):
    region, cc = t.get('id'), t.get('countryCode')
    main = t.get('mainCountryForCode') == 'true'
    lens, pats = set(), []
    for ty in TYPES:
        e = t.find(ty)
        if e is None:
            continue
        pl = e.find('possibleLengths')
        if pl is not None and pl.get('national'):
            lens |= lengths(pl.get('national'))
        p = e.find('nationalNumberPattern')
        if p is not None:
            pats.append(squash(p.text))
    lens_s = ','.join(str(n) for n in sorted(lens))
    shared_cc = sum(1 for x in meta.iter('territory') if x.get('countryCode') == cc) > 1
    # Only a calling code shared by several regions needs the patterns that
    # tell its regions apart.
    valid = '|'.join('(?:%s)' % p for p in pats) if shared_cc else ''
    codes.append((region, cc, t.get('nationalPrefix') or '', '1' if main else '0',
                  squash(t.get('leadingDigits')), lens_s, valid))
    if shared_cc and not main:
        continue
    af = t.find('availableFormats')
    if af is None:
        continue
    for nf in af.findall('numberFormat'):
        intl = nf.find('intlFormat')
        fmt = intl.text if intl is not None else nf.find('format').text
        if fmt == 'NA':
            continue
        lds = nf.findall('leadingDigits')
        ld = squash(lds[-1].text) if lds else ''
        formats.append((cc, ld, nf.get('pattern'), fmt))

with open(source + '/data/calling_codes.tsv', 'w') as f:
    f.write('# Country calling codes by region (ISO 3166-1 alpha-2; 001 = non-geographic).\n'
            '# Derived from libphonenumber PhoneNumberMetadata.xml @f7e3e88c (Apache-2.0)\n'
            '# by tests/data/signatures/derive_tables.py.\n'
            '# region\tcc\tnational_prefix\tmain\tleading_digits\tnational_lengths\tvalid_pattern\n')
    for row in codes:
        f.write('\t'.join(row) + '\n')
with open(source + '/data/phone_formats.tsv', 'w') as f:
    f.write('# International grouping of national numbers, first match wins per calling code.\n'
            '# Derived from libphonenumber PhoneNumberMetadata.xml @f7e3e88c (Apache-2.0)\n'
            '# by tests/data/signatures/derive_tables.py.\n'
            '# cc\tleading_digits\tpattern\tformat\n')
    for row in formats:
        f.write('\t'.join(row) + '\n')

# Countries: ISO 3166-1 short names (what Salesforce's standard country
# picklist shows), with aliases people write in signatures.
ALIASES = {
    'US': 'usa|u.s.a.|u.s.|us|united states of america',
    'GB': 'uk|u.k.|great britain|england|scotland|wales|northern ireland|britain',
    'DE': 'deutschland|allemagne|alemania|germania|duitsland|tyskland|niemcy',
    'FR': 'frankreich|francia|frankrijk|frankrike|frankrig',
    'ES': 'espana|españa|spanien|espagne|spagna|spanje',
    'IT': 'italia|italien|italie',
    'NL': 'nederland|the netherlands|holland|niederlande|pays-bas|paises bajos|paesi bassi',
    'BE': 'belgique|belgie|belgië|belgien|belgica|bélgica',
    'CH': 'schweiz|suisse|svizzera|suiza|zwitserland',
    'AT': 'osterreich|österreich|autriche|austria',
    'SE': 'sverige|schweden|suede|suède',
    'DK': 'danmark|danemark|dänemark',
    'NO': 'norge|norwegen|norvege|norvège',
    'FI': 'suomi|finnland|finlande',
    'PL': 'polska|polen|pologne',
    'PT': 'portugal',
    'IE': 'eire|éire|irland|irlande',
    'CZ': 'czech republic|ceska republika|česká republika|tschechien',
    'BR': 'brasil|brasilien|bresil|brésil',
    'MX': 'méxico|mexiko|mexique',
    'CA': 'kanada',
    'RU': 'russia|rossiya|russland|russie',
    'KR': 'south korea|korea',
    'TW': 'taiwan',
    'TR': 'turkey|turkiye|türkei',
    'VN': 'vietnam',
    'IR': 'iran',
    'SY': 'syria',
    'VE': 'venezuela',
    'BO': 'bolivia',
    'TZ': 'tanzania',
    'MD': 'moldova',
    'LA': 'laos',
    'AE': 'uae|u.a.e.',
    'CN': "people's republic of china|prc",
    'HK': 'hong kong sar',
    'GR': 'hellas|griechenland|grece|grèce',
    'HU': 'magyarorszag|magyarország|ungarn',
    'LU': 'luxemburg',
    'IN': 'bharat',
    'ZA': 'rsa',
}
NAME_OVERRIDE = {'TW': 'Taiwan'}
iso = json.load(open('/usr/share/iso-codes/json/iso_3166-1.json'))['3166-1']
with open(source + '/data/countries.tsv', 'w') as f:
    f.write('# Countries: ISO 3166-1 alpha-2, the English short name kith writes to\n'
            '# MailingCountry (as in Salesforce\'s standard country picklist), and the\n'
            '# lower-case names and codes a signature may use instead (| separated).\n'
            '# Names from Debian iso-codes (ISO 3166-1); aliases kept by hand in\n'
            '# tests/data/signatures/derive_tables.py.\n'
            '# iso2\tname\taliases\n')
    for c in sorted(iso, key=lambda c: c['alpha_2']):
        a2 = c['alpha_2']
        name = NAME_OVERRIDE.get(a2, c['name'])
        al = [c['alpha_3'].lower()]
        for k in ('common_name', 'official_name'):
            if c.get(k) and c[k].lower() != name.lower():
                al.append(c[k].lower())
        if a2 in ALIASES:
            al += ALIASES[a2].split('|')
        seen, uniq = set(), []
        for x in al:
            if x not in seen and x != name.lower():
                seen.add(x)
                uniq.append(x)
        f.write('%s\t%s\t%s\n' % (a2, name, '|'.join(uniq)))

# NANP area codes -> region and state/province, by the majority of the
# geocoder's descriptions over several exchanges of each code.
import phonenumbers  # noqa: E402  (Debian python3-phonenumbers)
from phonenumbers import geocoder  # noqa: E402
iso2 = json.load(open('/usr/share/iso-codes/json/iso_3166-2.json'))['3166-2']
names = {s['name'].lower(): s['code'][3:] for s in iso2
         if s['code'][:3] in ('US-', 'CA-')}
names.update({'washington d.c.': 'DC', 'washington state': 'WA',
              'philadelphia': 'PA', 'quebec': 'QC'})
AMBIGUOUS = {'Canada', 'Nova Scotia/Prince Edward Island',
             'Northwest Territories/Nunavut/Yukon'}
rows = []
for a in range(200, 1000):
    votes, region, ambiguous = collections.Counter(), None, False
    for ex in (234, 555, 678, 789, 901, 345, 456, 212, 812, 999):
        x = phonenumbers.parse('+1%d%d1234' % (a, ex), None)
        region = phonenumbers.region_code_for_number(x) or region
        d = geocoder.description_for_valid_number(x, 'en')
        if d in AMBIGUOUS:
            ambiguous = True
        st = d.rsplit(', ', 1)[1] if ', ' in d else names.get(d.lower())
        if st:
            votes[st] += 1
    if region is None:
        continue
    if region in ('US', 'CA'):
        if not votes:
            continue
        st = '' if ambiguous or len(votes) > 1 else votes.most_common(1)[0][0]
        rows.append((a, region, st))
    else:
        rows.append((a, region, ''))
with open(source + '/data/nanp_area_codes.tsv', 'w') as f:
    f.write('# NANP area codes: region (ISO 3166-1) and, for the US and Canada, the state\n'
            '# or province (2-letter code); empty when a code spans several.\n'
            '# Source: the geocoding data of libphonenumber (Apache-2.0) as shipped in\n'
            '# Debian python3-phonenumbers %s, which follows NANPA\'s assignments;\n'
            '# derived by tests/data/signatures/derive_tables.py.\n'
            '# area\tregion\tstate\n' % phonenumbers.__version__)
    for r in rows:
        f.write('%d\t%s\t%s\n' % r)

# US states and Canadian provinces: code, country, name (ISO 3166-2), for
# "Houston, Texas 77002" and "City, ST" lines.
with open(source + '/data/sig_states.tsv', 'w') as f:
    f.write('# US states and territories that take a state code, and Canadian provinces:\n'
            '# code, country (ISO 3166-1), English name. From ISO 3166-2 as shipped in\n'
            '# Debian iso-codes; derived by tests/data/signatures/derive_tables.py.\n'
            '# code\tcountry\tname\n')
    for s in sorted(iso2, key=lambda s: s['code']):
        c = s['code']
        if c[:3] not in ('US-', 'CA-'):
            continue
        if c[:3] == 'US-' and c[3:] in ('UM', 'AS', 'GU', 'MP', 'PR', 'VI'):
            continue  # territories with their own ISO 3166-1 code
        f.write('%s\t%s\t%s\n' % (c[3:], c[:2], s['name']))
