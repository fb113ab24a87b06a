// review.test.mjs - the Review page (docs/review.md) on the real `kith serve`: a store made from our own
// fixtures (fixtures/*.eml and fixtures/review/*.eml, `[review] participants = 3`), its four items, an
// alternate accepted, a missing name created with the name typed in, a contact kept and one rejected,
// synced through the page; then checked through the API.
//
// Needs KITH (the kith binary). Skips, saying why, when KITH is unset or the binary has no `review` yet.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { HERE, api, artifactsDir, freePort, launch, screenshot, sleep, watchPage } from './lib.mjs';

const KITH = process.env.KITH || '';
const FIXTURES = path.join(HERE, 'fixtures');
const ALTERNATE = 'jonas@fabrikam-group.example'; // Jonas Weber again (R43)
const NO_NAME = 'sam.k@northwind.example'; // at Northwind, no name in the mail (R22)
const KEPT = 'laura.diaz@northwind.example'; // the kick-off names 4 addresses: over 3
const REJECTED = 'tom.berg@northwind.example';
const JONAS = 'jonas.weber@fabrikam.example'; // the pricing mail names 5
const ORDERS = 'orders@fabrikam.example'; // a shared mailbox at Fabrikam, no name: rejected

function whyNot() {
  if (!KITH) return 'KITH is not set (the path of the kith binary)';
  if (!fs.existsSync(KITH)) return `${KITH} does not exist`;
  const r = spawnSync(KITH, ['review', '--help'], { encoding: 'utf8', timeout: 10000 });
  if (r.status !== 0) return `this kith has no review command yet (kith review --help: exit ${r.status})`;
  return '';
}

const skip = whyNot();
const when = skip ? { skip } : {};
const shots = artifactsDir('kith');
let dir;
let server;
let serverExit;
let base;
let token;
let browser;
let page;
let watch;

function kith(...args) {
  const env = { ...process.env };
  delete env.KITH_DB;
  delete env.KITH_CONFIG;
  const r = spawnSync(KITH, ['--db', 'kith.db', ...args], { cwd: dir, encoding: 'utf8', timeout: 60000, env });
  assert.equal(r.status, 0, `kith ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

const item = (email) => page.locator(`[data-testid="review-item"][data-email="${email}"]`);

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-review-'));
  kith('init');
  kith('crm', 'import', 'User', path.join(FIXTURES, 'User.csv'));
  kith('crm', 'import', 'Account', path.join(FIXTURES, 'Account.csv'));
  token = crypto.randomBytes(24).toString('hex');
  const tokenFile = path.join(dir, 'api.token');
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const port = await freePort();
  const conf = fs.readFileSync(path.join(FIXTURES, 'kith.conf.in'), 'utf8')
    .replaceAll('@PORT@', String(port)).replaceAll('@TOKEN_FILE@', tokenFile);
  fs.writeFileSync(path.join(dir, 'kith.conf'), `${conf}\n[review]\nparticipants = 3\n`);
  const emls = (d) => fs.readdirSync(d).filter((f) => f.endsWith('.eml')).sort().map((f) => path.join(d, f));
  kith('--config', 'kith.conf', 'run', ...emls(FIXTURES), ...emls(path.join(FIXTURES, 'review')));

  const log = fs.openSync(path.join(shots, 'serve-review.log'), 'w');
  server = spawn(KITH, ['--db', path.join(dir, 'kith.db'), '--config', path.join(dir, 'kith.conf'), 'serve'],
    { cwd: dir, stdio: ['ignore', log, log], env: Object.fromEntries(Object.entries(process.env)
      .filter(([k]) => k !== 'KITH_DB' && k !== 'KITH_CONFIG')) });
  server.on('exit', (code, signal) => { serverExit = { code, signal }; });
  base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (serverExit) throw new Error(`kith serve stopped at once (${JSON.stringify(serverExit)})`);
    try {
      if ((await api(base, token, '/api/v1/status')).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('kith serve did not answer in 20 s');
    await sleep(150);
  }
  browser = await launch();
  page = await browser.context.newPage();
  watch = watchPage(page);
  await page.setViewportSize({ width: 1280, height: 900 });
});

after(async () => {
  if (browser) await browser.close();
  if (server && !serverExit) {
    server.kill('SIGTERM');
    for (let i = 0; i < 50 && !serverExit; i++) await sleep(100);
    if (!serverExit) server.kill('SIGKILL');
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the API lists the six items to review', when, async () => {
  assert.equal((await api(base, null, '/api/v1/review')).status, 401);
  const r = await api(base, token, '/api/v1/review');
  assert.equal(r.status, 200, r.text);
  const byEmail = Object.fromEntries(r.json.items.map((i) => [i.email, i]));
  assert.deepEqual(Object.keys(byEmail).sort(), [ALTERNATE, JONAS, KEPT, NO_NAME, ORDERS, REJECTED].sort(), r.text);
  assert.equal(byEmail[ALTERNATE].kind, 'alternate');
  assert.equal(byEmail[ALTERNATE].account_id, '001000000000202AAA');
  assert.equal(byEmail[NO_NAME].kind, 'missing_name');
  assert.equal(byEmail[NO_NAME].account_name, 'Northwind Traders');
  assert.equal(byEmail[KEPT].kind, 'many_participants');
  assert.equal(byEmail[KEPT].participants, 4);
  assert.equal(byEmail[JONAS].participants, 5);
  assert.equal(byEmail[ALTERNATE].contact_id, byEmail[JONAS].contact_id, 'the alternate is found to be Jonas Weber');
});

test('the review page shows them and accepts the alternate', when, async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('card-contacts-created-value').waitFor();
  await page.getByTestId('nav-review').click();
  await page.getByTestId('review-list').waitFor();
  assert.equal(await page.getByTestId('review-count').textContent(), '6 items to review');
  await screenshot(page, shots, '20-review-1280');
  await item(ALTERNATE).getByTestId('review-merge').click();
  await page.getByTestId('flash-ok').waitFor();
  await page.getByTestId('review-count').filter({ hasText: '5 items' }).waitFor();
  // R43's own rows (skipped, same_person) say it; the accept adds no log row
  // and is kept with the item.
  const log = (await api(base, token, `/api/v1/log?email=${encodeURIComponent(ALTERNATE)}&action=contact_linked`)).json;
  assert.equal(log.entries.length, 0, JSON.stringify(log));
  const all = (await api(base, token, '/api/v1/review?state=all')).json.items;
  const merged = all.find((i) => i.email === ALTERNATE);
  assert.equal(merged.state, 'accepted', JSON.stringify(merged));
  assert.match(merged.decision, /^merge 003/);
});

test('the missing name is created with the name typed in', when, async () => {
  const sam = item(NO_NAME);
  await sam.getByTestId('review-first-name').fill('Sam');
  await sam.getByTestId('review-last-name').fill('Kowalski');
  await sam.getByTestId('review-create').click();
  await page.getByTestId('flash-sync').waitFor();
  assert.match(await page.getByTestId('flash-text').textContent(), /next sync/);
});

test('contacts are kept or rejected, the shared mailbox suppressed, then the page syncs', when, async () => {
  await item(KEPT).getByTestId('review-keep').click();
  await page.getByTestId('review-count').filter({ hasText: '3 items' }).waitFor();
  await item(JONAS).getByTestId('review-keep').click();
  await page.getByTestId('review-count').filter({ hasText: '2 items' }).waitFor();
  await item(ORDERS).getByTestId('review-reject').click();
  await item(ORDERS).getByTestId('review-reject-confirm').click();
  await page.getByTestId('review-count').filter({ hasText: '1 item' }).waitFor();
  await item(REJECTED).getByTestId('review-reject').click();
  await item(REJECTED).getByTestId('review-reject-confirm').click();
  await page.getByTestId('review-empty').waitFor();
  await page.getByTestId('flash-sync').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="flash"] [data-testid="sync-result"]')?.dataset.ok);
  assert.equal(await page.locator('[data-testid="flash"] [data-testid="sync-result"]').getAttribute('data-ok'), 'true');
  const created = (await api(base, token, '/api/v1/created')).json.contacts;
  const sam = created.find((c) => c.Email === NO_NAME);
  assert.ok(sam, `Sam is created: ${JSON.stringify(created.map((c) => c.Email))}`);
  assert.equal(`${sam.FirstName} ${sam.LastName}`, 'Sam Kowalski');
  assert.equal(sam.AccountId, '001000000000201AAA');
  assert.ok(created.some((c) => c.Email === KEPT), 'Laura is kept');
  assert.ok(!created.some((c) => c.Email === REJECTED), 'Tom is removed');
  const tom = (await api(base, token, `/api/v1/explain?email=${encodeURIComponent(REJECTED)}`)).json;
  assert.equal(tom.suppressed, true, 'R50: the rejected address is suppressed');
  const orders = (await api(base, token, `/api/v1/explain?email=${encodeURIComponent(ORDERS)}`)).json;
  assert.equal(orders.suppressed, true, 'the rejected mailbox is suppressed');
});

test('decided items at 390 px, without sideways overflow', when, async () => {
  await page.getByTestId('review-all').check();
  await page.locator('[data-testid="review-item"][data-state="accepted"]').first().waitFor();
  const states = await page.locator('[data-testid="review-item"]').evaluateAll((li) => li.map((x) => x.dataset.state).sort());
  assert.deepEqual(states, ['accepted', 'accepted', 'accepted', 'accepted', 'rejected', 'rejected']);
  await page.setViewportSize({ width: 390, height: 844 });
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 1, `overflows by ${over}px`);
  await screenshot(page, shots, '21-review-390');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the review page had no script errors', when, () => {
  assert.deepEqual(watch.problems, []);
});
