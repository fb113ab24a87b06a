// console.test.mjs - the console on the real `kith serve`: a store made from our own fixtures, the token box,
// the dashboard, a contact found in the log and explained, removed through the dialog, synced and gone.
//
// Needs KITH (the kith binary). Skips, saying why, when KITH is unset or the binary has no `serve` yet.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CONTACT_COLUMNS, HERE, api, artifactsDir, freePort, launch, screenshot, sleep, watchPage } from './lib.mjs';

const KITH = process.env.KITH || '';
const FIXTURES = path.join(HERE, 'fixtures');
const REMOVED = 'tom.berg@northwind.example'; // created by the fixtures, removed by the test
const KEPT = ['jonas.weber@fabrikam.example', 'laura.diaz@northwind.example']; // sorted
const ALTERNATE = 'jonas@fabrikam-group.example'; // Jonas Weber again, on the same Account: no second contact

function whyNot() {
  if (!KITH) return 'KITH is not set (the path of the kith binary)';
  if (!fs.existsSync(KITH)) return `${KITH} does not exist`;
  const r = spawnSync(KITH, ['serve', '--help'], { encoding: 'utf8', timeout: 10000 });
  if (r.status !== 0) return `this kith has no serve command yet (kith serve --help: exit ${r.status})`;
  return '';
}

const skip = whyNot();
const when = skip ? { skip } : {}; // node:test skips on any string, even an empty one
const shots = artifactsDir('kith');
let dir;
let server;
let serverExit;
let base;
let token;
let browser;
let page;
let watch;
let contactId; // the Id of REMOVED, read from the API

// Runs a kith command in the test's folder; a non-zero exit fails the test with kith's own words.
function kith(...args) {
  const env = { ...process.env };
  delete env.KITH_DB; // the test names its store and configuration itself
  delete env.KITH_CONFIG;
  const r = spawnSync(KITH, args, { cwd: dir, encoding: 'utf8', timeout: 60000, env });
  assert.equal(r.status, 0, `kith ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

async function waitForServer() {
  const deadline = Date.now() + 20000;
  let last = '';
  while (Date.now() < deadline) {
    if (serverExit) throw new Error(`kith serve stopped at once (${JSON.stringify(serverExit)}); see ${shots}/serve.log`);
    try {
      const r = await api(base, token, '/api/v1/status');
      if (r.status === 200) return r.json;
      last = `status ${r.status}: ${r.text.slice(0, 200)}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(150);
  }
  throw new Error(`kith serve did not answer /api/v1/status in 20 s (${last})`);
}

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-browser-'));
  kith('--db', 'kith.db', 'init');
  kith('--db', 'kith.db', 'crm', 'import', 'User', path.join(FIXTURES, 'User.csv'));
  kith('--db', 'kith.db', 'crm', 'import', 'Account', path.join(FIXTURES, 'Account.csv'));

  token = crypto.randomBytes(24).toString('hex');
  const tokenFile = path.join(dir, 'api.token');
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const port = await freePort();
  const conf = fs.readFileSync(path.join(FIXTURES, 'kith.conf.in'), 'utf8')
    .replaceAll('@PORT@', String(port)).replaceAll('@TOKEN_FILE@', tokenFile);
  fs.writeFileSync(path.join(dir, 'kith.conf'), conf);
  const emls = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.eml')).sort().map((f) => path.join(FIXTURES, f));
  kith('--db', 'kith.db', '--config', 'kith.conf', 'run', ...emls); // ingest, then sync: three contacts

  const log = fs.openSync(path.join(shots, 'serve.log'), 'w');
  server = spawn(KITH, ['--db', path.join(dir, 'kith.db'), '--config', path.join(dir, 'kith.conf'), 'serve'],
    { cwd: dir, stdio: ['ignore', log, log], env: Object.fromEntries(Object.entries(process.env)
      .filter(([k]) => k !== 'KITH_DB' && k !== 'KITH_CONFIG')) });
  server.on('exit', (code, signal) => { serverExit = { code, signal }; });
  base = `http://127.0.0.1:${port}`;
  await waitForServer();

  browser = await launch();
  page = await browser.context.newPage();
  watch = watchPage(page);
});

after(async () => {
  if (browser) await browser.close();
  if (server && !serverExit) {
    server.kill('SIGKILL'); // only when the SIGTERM test did not get that far
    await sleep(200);
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the API refuses a call without the token or with a wrong one', when, async () => {
  assert.equal((await api(base, null, '/api/v1/status')).status, 401);
  const wrong = await api(base, 'wrong', '/api/v1/log');
  assert.equal(wrong.status, 401);
  assert.equal(typeof wrong.json?.error, 'string', `a 401 is {"error": ...}: ${wrong.text}`);
  const home = await fetch(`${base}/`);
  assert.equal(home.status, 200, 'the page itself needs no token');
  assert.match(await home.text(), /data-testid="login-form"/);
});

test('the console asks for the token and refuses a wrong one', when, async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('login-form').waitFor();
  await page.getByTestId('token-input').fill('not-the-token');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-message').waitFor();
  assert.match(await page.getByTestId('login-message').textContent(), /not accepted/);
  await screenshot(page, shots, '01-login');
});

test('the dashboard shows the contacts kith created', when, async () => {
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('card-contacts-created-value').waitFor();
  assert.equal(await page.getByTestId('card-contacts-created-value').textContent(), '3');
  assert.equal(await page.locator('[data-testid="chart-day"]').count(), 30, 'a bar for each of 30 days');
  const created = await page.locator('[data-testid="chart"] rect[data-series="created"]')
    .evaluateAll((rects) => rects.reduce((a, r) => a + Number(r.dataset.value), 0));
  assert.equal(created, 3, 'the chart counts the three contacts of today');
  // The team's own addresses are hidden until asked for; activities skipped are counted apart.
  await page.getByTestId('skipped-table').waitFor();
  assert.equal(await page.locator('[data-testid="skipped-row"][data-reason="internal"]').count(), 0, 'internal is hidden at first');
  await page.getByTestId('skipped-show-internal').check();
  await page.locator('[data-testid="skipped-row"][data-reason="internal"]').waitFor();
  await screenshot(page, shots, '02-dashboard');
});

test('the last sync made from the command line shows on the dashboard', when, async () => {
  // `kith run` synced before `kith serve` started: the store keeps every sync's outcome.
  const status = (await api(base, token, '/api/v1/status')).json;
  assert.ok(status.last_sync, `status.last_sync: ${JSON.stringify(status)}`);
  assert.equal(status.last_sync.ok, true);
  assert.equal(status.last_sync.contacts_created, 3);
  assert.notEqual(await page.getByTestId('card-last-sync-value').textContent(), 'never');
  assert.match(await page.getByTestId('last-sync-result').textContent(), /ok/);
  const counts = (await api(base, token, '/api/v1/counts?days=3650')).json;
  assert.equal(typeof counts.activities_skipped_by_reason, 'object');
  assert.ok(!('automatic' in counts.skipped_by_reason), 'people skipped hold no activity reason');
});

test('the log finds the contact by its address', when, async () => {
  await page.getByTestId('nav-log').click();
  await page.getByTestId('log-q').fill(REMOVED);
  await page.getByTestId('log-submit').click();
  const row = page.locator(`[data-testid="log-row"][data-action="contact_created"][data-email="${REMOVED}"]`);
  await row.waitFor();
  const emails = await page.locator('[data-testid="log-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.email));
  assert.ok(emails.every((e) => e === REMOVED), `the search shows only ${REMOVED}: ${emails}`);
  contactId = await row.getAttribute('data-object-id');
  assert.match(contactId, /^003[A-Za-z0-9]{15}$/, 'an 18-character Contact Id');
  await screenshot(page, shots, '03-log-search');
});

test('the explain page shows the contact and why it was created', when, async () => {
  await page.locator(`[data-testid="log-row"][data-action="contact_created"] [data-testid="log-email-link"]`).click();
  await page.getByTestId('explain-result').waitFor();
  assert.match(page.url(), /#\/explain\?email=tom\.berg%40northwind\.example$/);
  const person = page.locator(`[data-testid="explain-person"][data-id="${contactId}"]`);
  await person.waitFor();
  assert.match(await person.textContent(), /Contact.*yes/);
  const rules = await page.locator('[data-testid="explain-decision"]').evaluateAll((li) => li.map((x) => x.dataset.rule));
  assert.ok(rules.includes('R25'), `a decision with rule R25: ${rules}`);
  assert.equal(await page.getByTestId('explain-suppressed').getAttribute('data-suppressed'), 'false');
  assert.ok(await page.locator('[data-testid="explain-activity"]').count() >= 1);
  await screenshot(page, shots, '04-explain');
});

test('explain shows where each field came from and the names beside the Ids', when, async () => {
  const laura = 'laura.diaz@northwind.example';
  const ex = (await api(base, token, `/api/v1/explain?email=${encodeURIComponent(laura)}`)).json;
  const person = ex.people.find((p) => p.type === 'Contact');
  assert.ok(person, JSON.stringify(ex.people));
  assert.equal(person.account_name, 'Northwind Traders');
  assert.equal(person.owner_id, '005000000000011AAA');
  assert.equal(person.owner_name, 'Mia Chen');
  const field = (name) => person.fields.find((f) => f.field === name);
  assert.equal(field('Title')?.value, 'Procurement Manager', JSON.stringify(person.fields));
  assert.equal(field('Title').evidence.source, 'signature');
  assert.equal(field('Title').evidence.activity.subject, 'Re: Kick-off next week');
  assert.equal(field('Title').evidence.activity.time, '2026-04-11T14:02:00Z');
  assert.equal(field('FirstName').evidence.source, 'display name');
  const created = ex.decisions.find((d) => d.action === 'contact_created');
  assert.equal(created.activity.subject, 'Kick-off next week');
  assert.equal(created.activity.time, '2026-04-10T09:15:00Z');
  assert.match(created.detail_named, /Mia Chen \(005000000000011AAA\)/);
  assert.ok(ex.observed.some((o) => o.field === 'Title' && o.source === 'signature'));
  const kickoff = ex.activities.find((a) => a.subject === 'Kick-off next week');
  assert.equal(kickoff.contacts_created, 2, 'Laura and Tom came from the kick-off');

  await page.goto(`${base}/#/explain?email=${encodeURIComponent(laura)}`);
  const title = page.locator('[data-testid="explain-field"][data-field="Title"]');
  await title.waitFor();
  assert.equal(await title.getAttribute('data-source'), 'signature');
  assert.match(await title.textContent(), /Procurement Manager.*signature of.*Re: Kick-off next week/);
  assert.match(await page.getByTestId('explain-person-owner').textContent(), /Mia Chen/);
  assert.match(await page.getByTestId('explain-person-account').textContent(), /Northwind Traders/);
  await page.mouse.move(640, 880);
  await screenshot(page, shots, '04a-explain-evidence');
  await page.goBack();
  await page.getByTestId('explain-result').waitFor();
});

test('the contact is removed through the dialog', when, async () => {
  await page.locator(`[data-testid="explain-person"][data-id="${contactId}"] [data-testid="explain-remove"]`).click();
  const dlg = page.getByTestId('remove-dialog');
  await dlg.waitFor();
  assert.equal(await page.getByTestId('remove-contact-id').textContent(), contactId);
  assert.equal(await page.getByTestId('remove-email').textContent(), REMOVED);
  assert.equal(await page.evaluate(() => Boolean(document.activeElement?.closest('#remove-dialog'))), true, 'focus is in the dialog');
  await screenshot(page, shots, '05-remove-dialog');
  await page.getByTestId('remove-confirm').click();
  await dlg.waitFor({ state: 'hidden' });
  await page.getByTestId('flash-ok').waitFor();
  assert.match(await page.getByTestId('flash-text').textContent(), new RegExp(contactId));
  const queued = (await api(base, token, `/api/v1/explain?email=${encodeURIComponent(REMOVED)}`)).json;
  assert.ok(queued.queued.length >= 1, `the removal waits in the outbox: ${JSON.stringify(queued.queued)}`);
  await page.getByTestId('explain-removal-queued').waitFor(); // the page redraws: no second Remove
  await screenshot(page, shots, '06-removed');
});

test('after a sync the contact is gone and its address suppressed', when, async () => {
  await page.getByTestId('flash-sync').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="flash"] [data-testid="sync-result"]')?.dataset.ok);
  assert.equal(await page.locator('[data-testid="flash"] [data-testid="sync-result"]').getAttribute('data-ok'), 'true',
    await page.locator('[data-testid="flash"] [data-testid="sync-result"]').textContent());

  const ex = (await api(base, token, `/api/v1/explain?email=${encodeURIComponent(REMOVED)}`)).json;
  assert.deepEqual(ex.people.filter((p) => p.id === contactId), [], 'the contact is no longer in the CRM');
  assert.equal(ex.suppressed, true, 'R50: the address is suppressed');
  assert.deepEqual(ex.queued, [], 'nothing is left queued');
  const log = (await api(base, token, `/api/v1/log?email=${encodeURIComponent(REMOVED)}&action=contact_removed`)).json;
  assert.equal(log.total, 1, `one contact_removed entry: ${JSON.stringify(log)}`);
  assert.equal(log.entries[0].object_id, contactId);
  const status = (await api(base, token, '/api/v1/status')).json;
  assert.equal(status.contacts_created, 2);
  assert.equal(status.outbox_depth, 0);

  // The page still shows the explanation from before the sync: asking again redraws it.
  await page.getByTestId('explain-submit').click();
  await page.getByTestId('explain-people-empty').waitFor();
  assert.equal(await page.getByTestId('explain-suppressed').getAttribute('data-suppressed'), 'true');
  await screenshot(page, shots, '07-explain-after-sync');
});

test('the removed address is unsuppressed from its Explain page', when, async () => {
  const wrong = await api(base, token, '/api/v1/unsuppress', { method: 'POST', body: { email: 'laura.diaz@northwind.example' } });
  assert.equal(wrong.status, 404, `an address not suppressed: ${wrong.text}`);
  assert.equal((await api(base, token, '/api/v1/unsuppress', { method: 'POST', body: { email: 'nope' } })).status, 400);
  await page.getByTestId('explain-unsuppress').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="explain-suppressed"]')?.dataset.suppressed === 'false');
  const ex = (await api(base, token, `/api/v1/explain?email=${encodeURIComponent(REMOVED)}`)).json;
  assert.equal(ex.suppressed, false);
  assert.match(fs.readFileSync(path.join(shots, 'serve.log'), 'utf8'), /"email":"tom\.berg@northwind\.example".*"event":"unsuppress"/,
    'the service logs it');
});

test('the created contacts page lists the others and downloads them as CSV', when, async () => {
  await page.getByTestId('nav-created').click();
  await page.getByTestId('created-table').waitFor();
  const emails = await page.locator('[data-testid="created-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.email).sort());
  assert.deepEqual(emails, KEPT);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  const lines = fs.readFileSync(await download.path(), 'utf8').split(/\r?\n/).filter(Boolean);
  assert.equal(lines[0], CONTACT_COLUMNS);
  assert.equal(lines.length, 3, 'a header and two contacts');
  assert.ok(!lines.some((l) => l.includes(REMOVED)));
  assert.ok(watch.requests.every((r) => !r.url.includes(token)), 'the token is in no URL');
  await screenshot(page, shots, '08-created');
});

test('the alternates page lists the second address of Jonas Weber (R43)', when, async () => {
  const r = await api(base, token, '/api/v1/alternates');
  assert.equal(r.status, 200, r.text);
  const jonas = r.json.alternates.find((a) => a.Email === ALTERNATE);
  assert.ok(jonas, `the alternate is listed: ${r.text}`);
  assert.equal(jonas.FirstName, 'Jonas');
  assert.equal(jonas.AccountId, '001000000000202AAA');
  assert.equal(jonas.AccountName, 'Fabrikam GmbH');
  assert.match(jonas.ContactId, /^003[A-Za-z0-9]{15}$/);
  assert.equal(jonas.Seen, '2026-04-15T10:00:00Z');
  await page.getByTestId('nav-alternates').click();
  const row = page.locator(`[data-testid="alternate-row"][data-email="${ALTERNATE}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-contact-id'), jonas.ContactId);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('alternates-download-csv').click()]);
  assert.equal(download.suggestedFilename(), 'kith-alternates.csv');
  const lines = fs.readFileSync(await download.path(), 'utf8').split(/\r?\n/).filter(Boolean);
  assert.equal(lines[0], 'Email,FirstName,LastName,AccountId,ContactId,Seen');
  assert.ok(lines.some((l) => l.startsWith(`${ALTERNATE},Jonas,Weber,001000000000202AAA,${jonas.ContactId},`)), lines.join('\n'));
  await screenshot(page, shots, '09-alternates');
  await row.getByTestId('alternate-explain').click();
  await page.locator('[data-testid="explain-decision"][data-rule="R43"]').waitFor();
});

test('everything kith created from one activity is removed (R50)', when, async () => {
  const laura = 'laura.diaz@northwind.example';
  const kickoff = 'kickoff.0410@mail.corp.example';
  assert.equal((await api(base, token, '/api/v1/remove_activity', { method: 'POST', body: {} })).status, 400);
  const dry = await api(base, token, '/api/v1/remove_activity', { method: 'POST', body: { activity_id: kickoff, dry_run: true } });
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual(dry.json.contacts.map((c) => c.email), [laura], 'Tom is gone already: Laura is left');
  assert.equal((await api(base, token, '/api/v1/status')).json.outbox_depth, 0, 'the dry run changed nothing');

  await page.goto(`${base}/#/explain?email=${encodeURIComponent(laura)}`);
  const row = page.locator(`[data-testid="explain-activity"][data-id="${kickoff}"]`);
  await row.getByTestId('explain-remove-activity').click();
  await page.getByTestId('remove-dialog').waitFor();
  assert.deepEqual(await page.locator('[data-testid="remove-list-item"]').evaluateAll((li) => li.map((x) => x.textContent)).then(
    (items) => items.map((t) => t.includes(laura))), [true]);
  await screenshot(page, shots, '09a-remove-activity');
  await page.getByTestId('remove-confirm').click();
  await page.getByTestId('remove-dialog').waitFor({ state: 'hidden' });
  await page.getByTestId('flash-ok').waitFor();
  const ex = (await api(base, token, `/api/v1/explain?email=${encodeURIComponent(laura)}`)).json;
  assert.ok(ex.queued.some((q) => q.op === 'contact_remove'), `Laura's removal is queued: ${JSON.stringify(ex.queued)}`);
  assert.equal(ex.suppressed, true);
  assert.equal(ex.activities.find((a) => a.id === kickoff).contacts_created, 0, 'nothing left to remove from it');
});

test('the configuration and the dedup preview', when, async () => {
  await page.getByTestId('nav-config').click();
  await page.getByTestId('config-text').waitFor();
  assert.match(await page.getByTestId('config-text').textContent(), /corp\.example/);
  await page.getByTestId('nav-dedup').click();
  await page.getByTestId('dedup-preview').click();
  await page.getByTestId('dedup-summary').waitFor();
  assert.match(await page.getByTestId('dedup-summary').textContent(), /^0 groups of duplicates/);
  await screenshot(page, shots, '10-dedup');
});

test('the page had no script errors', when, () => {
  assert.deepEqual(watch.problems, []);
});

test('kith serve stops on SIGTERM', when, async () => {
  server.kill('SIGTERM');
  const deadline = Date.now() + 10000;
  while (!serverExit && Date.now() < deadline) await sleep(100);
  assert.ok(serverExit, 'kith serve stopped within 10 s of SIGTERM');
  assert.equal(serverExit.code, 0, `kith serve exit: ${JSON.stringify(serverExit)}`);
});
