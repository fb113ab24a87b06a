// mock_server.mjs - a stand-in for `kith serve` with canned data, for developing and testing the console.
//
// It implements docs/api.md (the JSON API and the static files of web/) over an
// in-memory organisation, with just enough state that removing a contact and
// syncing behave as kith does: remove queues a deletion, sync applies it. It is
// a development tool and the second browser test's server; the real check of
// the console runs against the real `kith serve` (console.test.mjs).
//
//   node mock_server.mjs [--port 8765] [--token dev-token]
//
// Nothing here is copied from kith's C code; the shapes come from docs/api.md.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = path.resolve(HERE, '..', '..', 'web');

const MAX_BODY = 64 * 1024;
const MAX_QUERY = 4 * 1024;
const DAY_MS = 86400 * 1000;

const CONTACT_COLUMNS = ['Id', 'AccountId', 'FirstName', 'LastName', 'Email', 'Title', 'Phone',
  'Department', 'Seniority__c', 'Persona__c', 'MailingCountry', 'MailingState', 'OwnerId',
  'LeadSource', 'Created_By_Kith__c', 'CreatedDate'];

const ALTERNATE_COLUMNS = ['Email', 'FirstName', 'LastName', 'AccountId', 'ContactId', 'Seen'];

const ACCOUNTS = { '001MK0000000001AAA': 'Northwind Traders', '001MK0000000002AAA': 'Fabrikam GmbH',
  '001MK0000000003AAA': 'Tailspin Toys' };
const USERS = { '005MK0000000011AAA': 'Mia Chen', '005MK0000000012AAA': 'Raj Patel' };
const FIELDS = ['FirstName', 'LastName', 'Title', 'Phone', 'Department', 'Seniority__c', 'Persona__c',
  'MailingCountry', 'MailingState'];
const ACTIVITY_REASONS = ['automatic', 'automatic', 'subject_filtered', 'no_users'];

const REASONS = ['internal', 'personal_domain', 'role_address', 'no_account', 'missing_field',
  'user_not_on_account', 'filtered', 'suppressed'];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// A small deterministic generator, so every run of the mock shows the same organisation.
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function contactId(n) {
  return '003MK' + String(n).padStart(10, '0') + 'AAA';
}

// Builds the canned organisation: contacts kith created, a month of log entries, activities.
export function makeState(now = Date.now()) {
  const rnd = lcg(42);
  const people = [
    ['Laura', 'Diaz', 'laura.diaz@northwind.example', 'Procurement Manager', '001MK0000000001AAA'],
    ['Tom', 'Berg', 'tom.berg@northwind.example', '', '001MK0000000001AAA'],
    ['Jonas', 'Weber', 'jonas.weber@fabrikam.example', 'Head of IT', '001MK0000000002AAA'],
    ['Aiko', 'Sato', 'aiko.sato@fabrikam.example', 'CFO', '001MK0000000002AAA'],
    ['Priya', "O'Neil", 'priya.oneil@tailspin.example', 'Buyer', '001MK0000000003AAA'],
    // A name and title that look like markup: the console must show them as text.
    ['Eve', '<img src=x onerror="window.__xss=1">', 'eve.markup@tailspin.example',
      '<b>Chief</b> & "Officer"', '001MK0000000003AAA'],
  ];
  const contacts = [];
  const log = [];
  let seq = 0;
  const activities = [];
  const entry = (t, activityId, email, action, reason, objectId, rule, detail) => {
    const e = { seq: ++seq, time: isoSeconds(t), activity_id: activityId, email, action, reason,
      object_id: objectId, rule, detail };
    log.push(e);
    return e;
  };
  const start = now - 29 * DAY_MS;
  // Noise: a month of skips and links, a few a day.
  for (let d = 0; d < 30; d++) {
    const dayStart = Math.floor((start + d * DAY_MS) / DAY_MS) * DAY_MS;
    const n = 2 + Math.floor(rnd() * 9);
    for (let i = 0; i < n; i++) {
      const t = dayStart + 8 * 3600e3 + i * 600e3;
      const act = `<m${d}.${i}@mail.corp.example>`;
      const r = REASONS[Math.floor(rnd() * rnd() * REASONS.length)];
      const who = r === 'internal' ? `user${i}@corp.example`
        : r === 'personal_domain' ? `friend${d}.${i}@gmail.com`
          : r === 'role_address' ? `noreply@vendor${i}.example`
            : `person${d}.${i}@other${i}.example`;
      entry(t, act, who, 'skipped', r, '', 'R11', `skipped: ${who} (${r}) (R11)`);
      if (rnd() < 0.3) {
        entry(t + 1000, act, `known${i}@northwind.example`, 'contact_linked', '',
          '003MK9000000000' + i + 'AAA', 'R20', `linked: known${i}@northwind.example is a Contact (R20)`);
      }
      if (rnd() < 0.1) {
        entry(t + 2000, act, `lead${i}@lead.example`, 'lead_linked', '', '00QMK000000000' + i + 'AAA',
          'R21', `linked: lead${i}@lead.example is a Lead (R21)`);
      }
    }
    // Activities skipped whole (R10): newsletters, out-of-office replies, a filtered subject.
    const reason = ACTIVITY_REASONS[d % ACTIVITY_REASONS.length];
    entry(dayStart + 7 * 3600e3, `<auto${d}@news.example>`, '', 'activity_skipped', reason, '', 'R10',
      `activity skipped: ${reason} (R10)`);
  }
  const observations = [];
  // The contacts kith created, spread over the last weeks.
  people.forEach(([first, last, email, title, account], i) => {
    const t = now - (25 - i * 4) * DAY_MS;
    const id = contactId(i + 1);
    const act = `<intro${i}@mail.corp.example>`;
    contacts.push({ Id: id, AccountId: account, FirstName: first, LastName: last, Email: email,
      Title: title, Phone: i === 0 ? '+49 30 901820' : '', Department: '', Seniority__c: '',
      Persona__c: '', MailingCountry: i === 0 ? 'Germany' : '', MailingState: '',
      OwnerId: '005MK0000000011AAA', LeadSource: 'kith', Created_By_Kith__c: true,
      CreatedDate: isoSeconds(t) });
    const subject = i === 5 ? 'Re: <script>alert(1)</script>' : 'Introductions';
    activities.push({ id: act, kind: 'email', time: isoSeconds(t - 3600e3), subject, role: 'to', state: 'decided',
      reason: '', email });
    const detail = `created on ${ACCOUNTS[account]} (${account}) because mia.chen@corp.example owns it (R24); owner 005MK0000000011AAA (R26)`;
    const e = entry(t, act, email, 'contact_created', '', id, 'R25', detail);
    e.detail_named = detail.replace('owner 005MK0000000011AAA', 'owner Mia Chen (005MK0000000011AAA)');
    for (const [field, value] of [['FirstName', first], ['LastName', last]]) {
      observations.push({ email, field, value, time: isoSeconds(t - 3600e3), source: 'display name', activity_id: act });
    }
    if (title) {
      // The title came from the person's own reply, read from its signature (R5).
      const reply = `<reply${i}@${email.split('@')[1]}>`;
      const rt = t - 1800e3;
      activities.push({ id: reply, kind: 'email', time: isoSeconds(rt), subject: `Re: ${subject}`, role: 'from',
        state: 'decided', reason: '', email });
      observations.push({ email, field: 'Title', value: title, time: isoSeconds(rt), source: 'signature', activity_id: reply });
      if (i === 0) {
        observations.push({ email, field: 'Phone', value: '+49 30 901820', time: isoSeconds(rt), source: 'signature', activity_id: reply });
        observations.push({ email, field: 'MailingCountry', value: 'Germany', time: isoSeconds(rt), source: 'signature', activity_id: reply });
      }
    }
    if (i % 2 === 0) {
      entry(t + 5000, act, email, 'ocr_created', '', '00KMK00000000' + i + 'AAA', 'R30',
        `role on 006MK0000000001AAA for ${email} (R30)`);
    }
  });
  // A contact the CRM had before kith: removing it is refused (R50).
  contacts.push({ Id: '003MK8000000001AAA', AccountId: '001MK0000000001AAA', FirstName: 'Hand',
    LastName: 'Made', Email: 'hand.made@northwind.example', Title: '', Phone: '', Department: '',
    Seniority__c: '', Persona__c: '', MailingCountry: '', MailingState: '', OwnerId: '005MK0000000011AAA',
    LeadSource: 'Web', Created_By_Kith__c: false, CreatedDate: isoSeconds(now - 300 * DAY_MS) });
  // R43: mail from a name that already has a contact on the account, at another address: no second
  // contact; the address is an alternate, the activity linked to the contact it was found to be.
  const alternates = [
    ['l.diaz@northwind.example', 'Laura', 'Diaz', '001MK0000000001AAA', contactId(1), 3],
    ['jonas@fabrikam-mail.example', 'Jonas', 'Weber', '001MK0000000002AAA', contactId(3), 1],
    ['eve@tailspin.example', 'Eve', '<img src=x onerror="window.__xss=2">', '001MK0000000003AAA', contactId(6), 6],
  ].map(([email, first, last, account, id, daysAgo], i) => {
    const t = now - daysAgo * DAY_MS;
    const act = `<again${i}@mail.corp.example>`;
    activities.push({ id: act, kind: 'email', time: isoSeconds(t), subject: 'Following up', role: 'from',
      state: 'decided', reason: '', email });
    entry(t, act, email, 'skipped', 'same_person', id, 'R43',
      `skipped: ${email} is ${first} ${last}, contact ${id} on ${account} (R43)`);
    return { Email: email, FirstName: first, LastName: last, AccountId: account, ContactId: id, Seen: isoSeconds(t) };
  });
  log.sort((a, b) => a.time.localeCompare(b.time) || a.seq - b.seq);
  log.forEach((e, i) => { e.seq = i + 1; });
  return {
    started: isoSeconds(now),
    contacts,
    alternates,
    log,
    activities,
    observations,
    suppressed: new Set(),
    outbox: [],
    lastSync: { time: isoSeconds(now - 3600e3), ok: true, message: 'applied 2 changes',
      contacts_created: 2, roles_created: 1, fields_updated: 0, contacts_linked: 0 },
    requests: [], // every state-changing call, for tests to inspect
    review: reviewItems(now, alternates),
    metrics: new Map(),
  };
}

// The review queue (docs/review.md): the alternates, a person with no name at an Account, and a
// contact made from a mail to many people; one item decided already.
function reviewItems(now, alternates) {
  const base = { participants: null, decided_at: null, decision: null, state: 'open' };
  const items = alternates.slice(0, 2).map((a, i) => ({ ...base, id: i + 1, kind: 'alternate', email: a.Email,
    first_name: a.FirstName, last_name: a.LastName, account_id: a.AccountId, account_name: i ? 'Fabrikam' : 'Northwind',
    contact_id: a.ContactId, contact_name: `${a.FirstName} ${a.LastName}`, activity_id: `again${i}@mail.corp.example`,
    subject: 'Following up', seen: a.Seen, found: a.Seen }));
  items.push({ ...base, id: 3, kind: 'missing_name', email: 'kim@northwind.example', first_name: 'Kim', last_name: null,
    account_id: '001MK0000000001AAA', account_name: 'Northwind', contact_id: '', contact_name: '',
    activity_id: 'kickoff@mail.corp.example', subject: 'Kick-off <b>agenda</b>', seen: isoSeconds(now - 2 * DAY_MS),
    found: isoSeconds(now - 2 * DAY_MS) });
  items.push({ ...base, id: 4, kind: 'many_participants', email: 'pat.o-reilly-longname@subsidiary.fabrikam-mail.example',
    first_name: 'Pat', last_name: "O'Reilly", account_id: '001MK0000000002AAA', account_name: 'Fabrikam',
    contact_id: contactId(7), contact_name: "Pat O'Reilly", activity_id: 'all-hands@mail.corp.example',
    subject: 'Partner summit: everyone', participants: 38, seen: isoSeconds(now - DAY_MS), found: isoSeconds(now - DAY_MS) });
  items.push({ ...base, id: 5, kind: 'missing_name', email: 'old@tailspin.example', first_name: null, last_name: null,
    account_id: '001MK0000000003AAA', account_name: 'Tailspin', contact_id: '', contact_name: '', activity_id: 'x@y',
    subject: 'Old', seen: isoSeconds(now - 40 * DAY_MS), found: isoSeconds(now - 40 * DAY_MS), state: 'rejected',
    decided_at: isoSeconds(now - 39 * DAY_MS), decision: 'suppress' });
  return items;
}

// POST /api/v1/review/accept and /reject as docs/api.md says; the mock's own rules stay small.
function reviewDecide(state, verb, b) {
  if (!Number.isInteger(b.id) || b.id <= 0) return { code: 400, error: 'id: an item Id (a positive number) is needed' };
  const it = state.review.find((x) => x.id === b.id);
  if (!it) return { code: 404, error: `review: ${b.id}: no such item` };
  if (it.state !== 'open') return { code: 409, error: `review: ${b.id}: ${it.state} already (${it.decision})` };
  if (verb === 'reject') {
    if (b.create || b.merge || b.first_name || b.last_name) return { code: 400, error: "reject takes only the item's id" };
    state.suppressed.add(it.email);
    Object.assign(it, { state: 'rejected', decision: it.kind === 'many_participants' ? `remove ${it.contact_id}` : 'suppress' });
    return { ok: true, id: it.id, kind: it.kind, email: it.email, contact_id: null, decision: it.decision,
      message: `${it.email} is suppressed: kith will not create a contact for it`, queued: it.kind === 'many_participants' };
  }
  if (it.kind === 'many_participants') {
    Object.assign(it, { state: 'accepted', decision: `keep ${it.contact_id}` });
    return { ok: true, id: it.id, kind: it.kind, email: it.email, contact_id: it.contact_id, decision: it.decision,
      message: `contact ${it.contact_id} (${it.email}) is kept`, queued: false };
  }
  if (it.kind === 'alternate' && !b.create) {
    Object.assign(it, { state: 'accepted', decision: `merge ${b.merge || it.contact_id}` });
    return { ok: true, id: it.id, kind: it.kind, email: it.email, contact_id: b.merge || it.contact_id,
      decision: it.decision, message: `${it.email} is another address of contact ${it.contact_id}`, queued: false };
  }
  const first = b.first_name || it.first_name;
  const last = b.last_name || it.last_name;
  if (!first || !last) return { code: 400, error: `review: ${it.id}: ${it.email}'s LastName is not known: give the name to create it with` };
  const id = contactId(90 + it.id);
  Object.assign(it, { state: 'accepted', decision: `create ${id}` });
  return { ok: true, id: it.id, kind: it.kind, email: it.email, contact_id: id, decision: it.decision,
    message: `contact ${id} (${first} ${last}, ${it.email}) is queued on ${it.account_id}; 'kith sync' creates it`, queued: true };
}

function send(res, code, type, body, extra = {}) {
  res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function json(res, code, obj) {
  send(res, code, 'application/json', JSON.stringify(obj));
}

function error(res, code, message) {
  json(res, code, { error: message });
}

function csvField(v) {
  const s = v === true ? 'true' : v === false ? 'false' : String(v ?? '');
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function jsonBody(req) {
  if (!/^application\/json\b/i.test(req.headers['content-type'] || '')) {
    throw Object.assign(new Error('the body must be application/json'), { status: 415 });
  }
  const text = await readBody(req);
  try {
    const v = JSON.parse(text || '{}');
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v;
  } catch {
    throw Object.assign(new Error('the body is not a JSON object'), { status: 400 });
  }
}

function liveContacts(state) {
  return state.contacts.filter((c) => !c.deleted);
}

function status(state) {
  const created = liveContacts(state).filter((c) => c.Created_By_Kith__c).length;
  return {
    version: '0.1.0-mock',
    store: '/var/lib/kith/kith.db',
    started: state.started,
    uptime_s: Math.round((Date.now() - Date.parse(state.started)) / 1000),
    outbox_depth: state.outbox.length,
    activities: 214 + state.activities.length,
    contacts_created: created,
    last_sync: state.lastSync,
    last_ingest: { time: isoSeconds(Date.now() - 600e3), activities: 12, errors: 0 },
    sources: [{ name: 'team-mailbox', type: 'imap' }, { name: 'calendars', type: 'caldav' }],
  };
}

function counts(state, days) {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const out = [];
  const index = new Map();
  for (let d = days - 1; d >= 0; d--) {
    const date = new Date(today - d * DAY_MS).toISOString().slice(0, 10);
    const row = { date, contact_created: 0, contact_linked: 0, lead_linked: 0, ocr_created: 0,
      field_updated: 0, skipped: 0 };
    index.set(date, row);
    out.push(row);
  }
  const byReason = {};
  const activitiesByReason = {};
  for (const e of state.log) {
    const row = index.get(e.time.slice(0, 10));
    if (!row) continue;
    if (e.action in row) row[e.action]++;
    if (e.action === 'skipped') byReason[e.reason] = (byReason[e.reason] || 0) + 1;
    if (e.action === 'activity_skipped') activitiesByReason[e.reason] = (activitiesByReason[e.reason] || 0) + 1;
  }
  return { days: out, skipped_by_reason: byReason, activities_skipped_by_reason: activitiesByReason };
}

function logQuery(state, q) {
  let limit = q.has('limit') ? Number(q.get('limit')) : 50;
  let offset = q.has('offset') ? Number(q.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0) {
    return { error: 'limit and offset are whole numbers' };
  }
  limit = Math.min(limit, 500);
  const email = (q.get('email') || '').toLowerCase();
  const action = q.get('action') || '';
  const reason = q.get('reason') || '';
  const text = (q.get('q') || '').toLowerCase();
  const rows = state.log.filter((e) => (!email || e.email.toLowerCase() === email)
    && (!action || e.action === action) && (!reason || e.reason === reason)
    && (!text || [e.email, e.object_id, e.activity_id, e.detail].some((f) => f.toLowerCase().includes(text))));
  rows.reverse(); // newest first
  return { total: rows.length, entries: rows.slice(offset, offset + limit) };
}

function activityOf(state, id) {
  const a = state.activities.find((x) => x.id === id);
  return a ? { id: a.id, kind: a.kind, time: a.time, subject: a.subject } : null;
}

function evidence(state, email, field, value) {
  const o = state.observations.filter((x) => x.email === email && x.field === field).pop();
  if (!o || (value !== undefined && o.value !== value)) return null;
  return { field, value: o.value, time: o.time, source: o.source, activity: activityOf(state, o.activity_id) };
}

// The contacts kith created from ACTIVITY that are still there and not yet queued for removal.
function createdFrom(state, activity) {
  const ids = new Set(state.log.filter((e) => e.activity_id === activity && e.action === 'contact_created')
    .map((e) => e.object_id));
  return liveContacts(state).filter((c) => ids.has(c.Id) && c.Created_By_Kith__c
    && !state.outbox.some((o) => o.object_id === c.Id));
}

function explain(state, email) {
  const addr = email.trim().toLowerCase();
  const people = liveContacts(state).filter((c) => c.Email.toLowerCase() === addr)
    .map((c) => ({ type: 'Contact', id: c.Id, account_id: c.AccountId, account_name: ACCOUNTS[c.AccountId] || '',
      owner_id: c.OwnerId, owner_name: USERS[c.OwnerId] || '', created_by_kith: c.Created_By_Kith__c,
      created_date: c.CreatedDate,
      fields: FIELDS.filter((f) => c[f]).map((f) => ({ field: f, value: c[f], evidence: evidence(state, addr, f, c[f]) })) }));
  return {
    email: addr,
    people,
    suppressed: state.suppressed.has(addr),
    activities: state.activities.filter((a) => a.email === addr)
      .map(({ email: _e, ...a }) => ({ ...a, contacts_created: createdFrom(state, a.id).length })),
    observed: FIELDS.map((f) => evidence(state, addr, f)).filter(Boolean),
    decisions: state.log.filter((e) => e.email.toLowerCase() === addr)
      .map((e) => ({ ...e, detail_named: e.detail_named || e.detail, activity: activityOf(state, e.activity_id) })),
    queued: state.outbox.filter((o) => o.email === addr)
      .map(({ op, object_id, rule, detail }) => ({ op, object_id, rule, detail })),
  };
}

function queueRemoval(state, c, allowRecreate) {
  const email = c.Email.toLowerCase();
  if (!state.outbox.some((o) => o.object_id === c.Id)) {
    state.outbox.push({ op: 'contact_remove', object_id: c.Id, rule: 'R50', email,
      detail: `remove ${c.Id} (${email})` });
  }
  if (!allowRecreate) state.suppressed.add(email);
  return email;
}

function dedupPlan(state) {
  return {
    dry_run: true, groups: 1, deleted: 1, kept: 1, roles_moved: 1,
    plan: [
      { what: 'keep', email: 'aiko.sato@fabrikam.example', id: contactId(4), detail: 'the earliest CreatedDate (R40)' },
      { what: 'delete', email: 'aiko.sato@fabrikam.example', id: '003MK7000000001AAA', detail: 'a duplicate kith created (R41)' },
      { what: 'move_role', email: 'aiko.sato@fabrikam.example', id: '00KMK7000000001AAA', detail: 'role on 006MK0000000002AAA moves to the survivor (R42)' },
    ],
  };
}

function sync(state) {
  const t = isoSeconds(Date.now());
  let removed = 0;
  for (const o of state.outbox) {
    const c = state.contacts.find((x) => x.Id === o.object_id);
    if (c) c.deleted = true;
    removed++;
    state.log.push({ seq: state.log.length + 1, time: t, activity_id: '', email: o.email,
      action: 'contact_removed', reason: '', object_id: o.object_id, rule: 'R50',
      detail: `removed ${o.object_id} (${o.email}) (R50)` });
  }
  state.outbox = [];
  state.lastSync = { time: t, ok: true, message: `applied ${removed} changes`, contacts_created: 0,
    roles_created: 0, fields_updated: 0, contacts_linked: 0 };
  return { time: t, ok: true, message: state.lastSync.message, contacts_created: 0, roles_created: 0,
    fields_updated: 0, contacts_linked: 0, contacts_deleted: 0, contacts_removed: removed };
}

function metrics(state) {
  const lines = [
    '# TYPE kith_outbox_depth gauge',
    `kith_outbox_depth ${state.outbox.length}`,
    '# TYPE kith_uptime_seconds gauge',
    `kith_uptime_seconds ${status(state).uptime_s}`,
    '# TYPE kith_http_requests_total counter',
  ];
  for (const [k, v] of state.metrics) lines.push(`kith_http_requests_total{${k}} ${v}`);
  return lines.join('\n') + '\n';
}

const CONFIG_TEXT = `[org]
internal_domains = corp.example
integration_user = 005MK0000000000AAA
lead_source = kith

[profile Everyone]
users = *
contact_creation = on
ocr = on

[serve]
listen = 127.0.0.1:8765
token_file = /etc/kith/token
`;

async function route(state, token, req, res) {
  const url = new URL(req.url, 'http://mock');
  if (url.search.length > MAX_QUERY) return error(res, 414, 'query string too long');
  const p = url.pathname;
  if (req.method === 'GET' && (p === '/' || p === '/index.html')) return staticFile(res, 'index.html');
  if (req.method === 'GET' && p.startsWith('/static/')) return staticFile(res, p.slice('/static/'.length));
  if (!p.startsWith('/api/v1/') && p !== '/metrics') return error(res, 404, 'not found');
  if (req.headers.authorization !== `Bearer ${token}`) return error(res, 401, 'a valid token is needed');
  const key = `${req.method} ${p}`;
  const q = url.searchParams;
  switch (key) {
    case 'GET /api/v1/status':
      return json(res, 200, status(state));
    case 'GET /api/v1/counts': {
      const days = q.has('days') ? Number(q.get('days')) : 30;
      if (!Number.isInteger(days) || days < 1 || days > 366) return error(res, 400, 'days is 1 to 366');
      return json(res, 200, counts(state, days));
    }
    case 'GET /api/v1/log': {
      const r = logQuery(state, q);
      return r.error ? error(res, 400, r.error) : json(res, 200, r);
    }
    case 'GET /api/v1/explain':
      if (!q.get('email')) return error(res, 400, 'email is required');
      return json(res, 200, explain(state, q.get('email')));
    case 'GET /api/v1/created': {
      const rows = liveContacts(state).filter((c) => c.Created_By_Kith__c)
        .map(({ deleted, ...c }) => c);
      const named = rows.map((c) => ({ ...c, AccountName: ACCOUNTS[c.AccountId] || '', OwnerName: USERS[c.OwnerId] || '' }));
      const format = q.get('format') || 'json';
      if (format === 'json') return json(res, 200, { contacts: named });
      if (format !== 'csv') return error(res, 400, 'format is json or csv');
      const body = [CONTACT_COLUMNS.join(',')]
        .concat(rows.map((c) => CONTACT_COLUMNS.map((k) => csvField(c[k])).join(','))).join('\r\n') + '\r\n';
      return send(res, 200, 'text/csv; charset=utf-8', body,
        { 'Content-Disposition': 'attachment; filename="kith-created.csv"' });
    }
    case 'GET /api/v1/alternates': {
      const format = q.get('format') || 'json';
      if (format === 'json') {
        return json(res, 200, { alternates: state.alternates.map((a) => ({ ...a, AccountName: ACCOUNTS[a.AccountId] || '' })) });
      }
      if (format !== 'csv') return error(res, 400, 'format: csv or json');
      const body = [ALTERNATE_COLUMNS.join(',')]
        .concat(state.alternates.map((a) => ALTERNATE_COLUMNS.map((k) => csvField(a[k])).join(','))).join('\r\n') + '\r\n';
      return send(res, 200, 'text/csv; charset=utf-8', body,
        { 'Content-Disposition': 'attachment; filename="kith-alternates.csv"' });
    }
    case 'POST /api/v1/remove': {
      const b = await jsonBody(req);
      state.requests.push({ path: p, body: b });
      const c = liveContacts(state).find((x) => x.Id === b.contact_id);
      if (typeof b.contact_id !== 'string' || !c) return error(res, 404, `no contact ${b.contact_id}`);
      if (!c.Created_By_Kith__c) return error(res, 409, `contact ${c.Id} was not created by kith (R50)`);
      const email = queueRemoval(state, c, b.allow_recreate);
      return json(res, 200, { ok: true, contact_id: c.Id, email });
    }
    case 'POST /api/v1/remove_activity': {
      const b = await jsonBody(req);
      state.requests.push({ path: p, body: b });
      if (typeof b.activity_id !== 'string' || !b.activity_id) return error(res, 400, 'activity_id is needed');
      const found = createdFrom(state, b.activity_id);
      const contacts = found.map((c) => ({ contact_id: c.Id,
        email: b.dry_run ? c.Email.toLowerCase() : queueRemoval(state, c, b.allow_recreate) }));
      return json(res, 200, { ok: true, dry_run: Boolean(b.dry_run), activity_id: b.activity_id, contacts,
        suppressed: !b.allow_recreate && !b.dry_run });
    }
    case 'POST /api/v1/unsuppress': {
      const b = await jsonBody(req);
      state.requests.push({ path: p, body: b });
      const email = typeof b.email === 'string' ? b.email.trim().toLowerCase() : '';
      if (!email.includes('@')) return error(res, 400, 'email: not an address');
      if (!state.suppressed.delete(email)) return error(res, 404, 'that address is not suppressed');
      return json(res, 200, { ok: true, email, suppressed: false });
    }
    case 'POST /api/v1/dedup': {
      const b = await jsonBody(req);
      state.requests.push({ path: p, body: b });
      const plan = dedupPlan(state);
      plan.dry_run = b.dry_run !== false;
      return json(res, 200, plan);
    }
    case 'POST /api/v1/sync': {
      const b = await jsonBody(req);
      state.requests.push({ path: p, body: b });
      return json(res, 200, sync(state));
    }
    case 'GET /api/v1/review': {
      const which = q.get('state') || 'open';
      if (which !== 'open' && which !== 'all') return error(res, 400, 'state: open or all');
      return json(res, 200, { items: state.review.filter((x) => which === 'all' || x.state === 'open') });
    }
    case 'POST /api/v1/review/accept':
    case 'POST /api/v1/review/reject': {
      const b = await jsonBody(req);
      state.requests.push({ path: p, body: b });
      const r = reviewDecide(state, p.endsWith('accept') ? 'accept' : 'reject', b);
      return r.error ? error(res, r.code, r.error) : json(res, 200, r);
    }
    case 'GET /api/v1/config':
      return json(res, 200, { path: '/etc/kith/kith.conf', text: CONFIG_TEXT });
    case 'GET /metrics':
      return send(res, 200, 'text/plain; version=0.0.4', metrics(state));
    default:
      return error(res, req.method === 'GET' || req.method === 'POST' ? 404 : 405, 'no such call');
  }
}

function staticFile(res, name) {
  // Only plain names of web/: no folders, no dot files.
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name) || !TYPES[path.extname(name)]) {
    return error(res, 404, 'not found');
  }
  fs.readFile(path.join(WEB_DIR, name), (err, data) => {
    if (err) return error(res, 404, 'not found');
    send(res, 200, TYPES[path.extname(name)], data);
  });
}

// Starts the mock on 127.0.0.1:port (0: any free port). Resolves to {server, port, state, close()}.
export function startMockServer({ port = 0, token = 'dev-token', state = makeState() } = {}) {
  const server = http.createServer((req, res) => {
    res.on('finish', () => {
      const k = `path="${new URL(req.url, 'http://mock').pathname}",code="${res.statusCode}"`;
      state.metrics.set(k, (state.metrics.get(k) || 0) + 1);
    });
    route(state, token, req, res).catch((e) => {
      if (!res.headersSent) error(res, e.status || 500, e.status ? e.message : 'internal error');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({ server, port: actual, state, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
  };
  const { port } = await startMockServer({ port: Number(arg('--port', '8765')), token: arg('--token', 'dev-token') });
  console.log(`mock kith serve on http://127.0.0.1:${port}/ (token: ${arg('--token', 'dev-token')})`);
}
