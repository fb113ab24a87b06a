// console-mock.test.mjs - the console's own behaviour in Chromium, against the canned mock of docs/api.md:
// token box, cards and chart, log filters and paging, the removal dialog, CSV download, escaping, small screens.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { startMockServer } from './mock_server.mjs';
import { CONTACT_COLUMNS, artifactsDir, launch, screenshot, watchPage } from './lib.mjs';

const TOKEN = 'mock-token-3f9a1c';
const shots = artifactsDir('mock');
let mock;
let browser;
let page;
let watch;
let base;

before(async () => {
  mock = await startMockServer({ token: TOKEN });
  base = `http://127.0.0.1:${mock.port}`;
  browser = await launch();
  page = await browser.context.newPage();
  watch = watchPage(page);
});

after(async () => {
  if (browser) await browser.close();
  if (mock) await mock.close();
});

async function signIn(token = TOKEN) {
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('login-submit').click();
}

test('the console asks for the token and refuses a wrong one', async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('login-form').waitFor();
  assert.equal(await page.getByTestId('app').isHidden(), true, 'nothing of the console shows before the token');
  await signIn('not-the-token');
  const msg = page.getByTestId('login-message');
  await msg.waitFor();
  assert.match(await msg.textContent(), /not accepted/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('kith.token')), null, 'a refused token is not kept');
  await screenshot(page, shots, '01-login-refused');
});

test('the dashboard shows the cards, the chart and the skipped reasons', async () => {
  await signIn();
  await page.getByTestId('card-contacts-created-value').waitFor();
  assert.equal(await page.getByTestId('card-contacts-created-value').textContent(), '6');
  assert.equal(await page.getByTestId('card-outbox-value').textContent(), '0');
  assert.match(await page.getByTestId('last-sync-result').textContent(), /ok/);
  assert.equal(await page.locator('[data-testid="chart-day"]').count(), 30, 'one bar a day for 30 days');
  const skippedBars = () => page.locator('[data-testid="chart"] rect[data-series="skipped"]').count();
  assert.ok(await skippedBars() > 0);
  await page.getByTestId('legend-skipped').uncheck();
  assert.equal(await skippedBars(), 0, 'the legend hides a series');
  assert.ok(await page.locator('[data-testid="chart"] rect[data-series="created"]').count() >= 6);
  await page.getByTestId('legend-skipped').check();
  const reasons = await page.locator('[data-testid="skipped-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.reason));
  assert.ok(reasons.includes('internal'), `skipped reasons: ${reasons}`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('kith.token')), 'mock-token-3f9a1c');
  assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie');
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
  await screenshot(page, shots, '02-dashboard');
});

test('the log filters and pages', async () => {
  await page.getByTestId('nav-log').click();
  await page.getByTestId('log-table').waitFor();
  assert.match(await page.getByTestId('log-summary').textContent(), /^Entries 1–50 of \d+/);
  await page.getByTestId('log-next').click();
  await page.waitForFunction(() => /Entries 51–/.test(document.querySelector('[data-testid="log-summary"]')?.textContent || ''));
  assert.match(page.url(), /offset=50/);
  assert.equal(await page.getByTestId('log-prev').isEnabled(), true);
  await page.getByTestId('log-action').selectOption('skipped');
  await page.getByTestId('log-reason').selectOption('internal');
  await page.getByTestId('log-submit').click();
  await page.waitForFunction(() => /reason=internal/.test(location.hash)
    && /Entries 1–/.test(document.querySelector('[data-testid="log-summary"]')?.textContent || ''));
  const actions = await page.locator('[data-testid="log-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.action));
  assert.ok(actions.length > 0 && actions.every((a) => a === 'skipped'), `actions: ${actions}`);
  const logCall = watch.requests.filter((r) => r.url.includes('/api/v1/log')).pop();
  assert.match(logCall.url, /action=skipped/);
  assert.match(logCall.url, /reason=internal/);
  assert.match(logCall.url, /limit=50/);
  await page.getByTestId('log-clear').click();
  await page.waitForFunction(() => location.hash === '#/log');
  await page.getByTestId('log-q').fill('laura.diaz@northwind.example');
  await page.getByTestId('log-submit').click();
  await page.locator('[data-testid="log-row"][data-action="contact_created"]').waitFor();
  await screenshot(page, shots, '03-log-search');
});

test('the removal dialog is modal, keeps focus and can be cancelled', async () => {
  const button = page.locator('[data-testid="log-row"][data-action="contact_created"] [data-testid="remove-button"]');
  await button.click();
  const dlg = page.getByTestId('remove-dialog');
  await dlg.waitFor();
  assert.equal(await page.evaluate(() => document.getElementById('remove-dialog').matches(':modal')), true);
  assert.equal(await page.getByTestId('remove-contact-id').textContent(), '003MK0000000001AAA');
  assert.equal(await page.getByTestId('remove-email').textContent(), 'laura.diaz@northwind.example');
  assert.equal(await page.getByTestId('remove-allow-recreate').isChecked(), false);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'remove-cancel', 'Cancel has focus first');
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    const inside = await page.evaluate(() => Boolean(document.activeElement?.closest('#remove-dialog'))
      || document.activeElement === document.body);
    assert.ok(inside, 'focus stays in the dialog');
  }
  await screenshot(page, shots, '04-remove-dialog');
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'remove-button', 'focus goes back');
  assert.equal(mock.state.requests.filter((r) => r.path === '/api/v1/remove').length, 0, 'cancel sends nothing');
});

test('removing sends the contact id and the recreate choice, and says what happens next', async () => {
  await page.locator('[data-testid="log-row"][data-action="contact_created"] [data-testid="remove-button"]').click();
  await page.getByTestId('remove-allow-recreate').check();
  await page.getByTestId('remove-confirm').click();
  await page.getByTestId('remove-dialog').waitFor({ state: 'hidden' });
  const flash = page.getByTestId('flash-ok');
  await flash.waitFor();
  assert.match(await flash.textContent(), /003MK0000000001AAA/);
  const call = mock.state.requests.filter((r) => r.path === '/api/v1/remove').pop();
  assert.deepEqual(call.body, { contact_id: '003MK0000000001AAA', allow_recreate: true });
  const post = watch.requests.filter((r) => r.url.endsWith('/api/v1/remove')).pop();
  assert.equal(post.method, 'POST');
  assert.match(post.headers['content-type'], /^application\/json/);
  assert.equal(post.headers.authorization, `Bearer ${TOKEN}`);
});

test('a removal the server refuses shows its error in the dialog', async () => {
  await page.goto(`${base}/#/created`);
  const row = page.locator('[data-testid="created-row"][data-email="tom.berg@northwind.example"]');
  await row.locator('[data-testid="remove-button"]').click();
  await page.getByTestId('remove-dialog').waitFor();
  mock.state.contacts.find((c) => c.Email === 'tom.berg@northwind.example').deleted = true; // gone meanwhile
  await page.getByTestId('remove-confirm').click();
  const err = page.getByTestId('remove-error');
  await err.waitFor();
  assert.match(await err.textContent(), /No such contact/);
  assert.equal(await page.getByTestId('remove-dialog').isVisible(), true, 'the dialog stays open');
  await page.getByTestId('remove-cancel').click();
  await page.getByTestId('remove-dialog').waitFor({ state: 'hidden' });
});

test('data is shown as text, never as markup', async () => {
  await page.goto(`${base}/#/created`);
  await page.getByTestId('created-table').waitFor();
  const row = page.locator('[data-testid="created-row"][data-email="eve.markup@tailspin.example"]');
  assert.match(await row.textContent(), /<img src=x onerror=/);
  assert.match(await row.textContent(), /<b>Chief<\/b> & "Officer"/);
  assert.equal(await page.locator('[data-testid="created-table"] img, [data-testid="created-table"] b').count(), 0);
  await page.goto(`${base}/#/explain?email=eve.markup%40tailspin.example`);
  await page.getByTestId('explain-activities').waitFor();
  assert.match(await page.getByTestId('explain-activities').textContent(), /<script>alert\(1\)<\/script>/);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
});

test('the created contacts download as CSV with the token in a header only', async () => {
  await page.goto(`${base}/#/created`);
  await page.getByTestId('created-table').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  assert.equal(download.suggestedFilename(), 'kith-created.csv');
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(text.split(/\r?\n/)[0], CONTACT_COLUMNS);
  assert.match(text, /laura\.diaz@northwind\.example/);
  const csvCall = watch.requests.filter((r) => r.url.includes('format=csv')).pop();
  assert.equal(csvCall.headers.authorization, `Bearer ${TOKEN}`);
  assert.ok(watch.requests.every((r) => !r.url.includes(TOKEN)), 'the token is in no URL');
});

test('the alternates view lists each address with the contact it was found to be (R43)', async () => {
  await page.getByTestId('nav-alternates').click();
  await page.getByTestId('alternates-table').waitFor();
  assert.match(page.url(), /#\/alternates$/);
  assert.equal(await page.getByTestId('nav-alternates').getAttribute('aria-current'), 'page');
  assert.equal(await page.getByTestId('alternates-count').textContent(), '3 addresses');
  const row = page.locator('[data-testid="alternate-row"][data-email="l.diaz@northwind.example"]');
  assert.equal(await row.getAttribute('data-contact-id'), '003MK0000000001AAA');
  assert.equal(await row.getByTestId('alternate-contact-id').textContent(), '003MK0000000001AAA');
  assert.match(await row.textContent(), /Laura Diaz/);
  assert.match(await row.textContent(), /001MK0000000001AAA/);
  const eve = page.locator('[data-testid="alternate-row"][data-email="eve@tailspin.example"]');
  assert.match(await eve.textContent(), /<img src=x onerror=/, 'a name that looks like markup is text');
  assert.equal(await page.locator('[data-testid="alternates-table"] img').count(), 0);
  assert.ok(watch.requests.some((r) => r.url.endsWith('/api/v1/alternates?format=json')));
  const dismiss = page.locator('[data-testid="flash"] button.dismiss');
  if (await dismiss.count()) await dismiss.click(); // the removal's message from before: not this view's
  await page.mouse.move(640, 880);
  await page.waitForFunction(() => document.getAnimations().length === 0); // the nav's fade is over
  await screenshot(page, shots, '07-alternates-1280');

  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByTestId('alternates-download-csv').click()]);
  assert.equal(download.suggestedFilename(), 'kith-alternates.csv');
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.equal(text.split(/\r?\n/)[0], 'Email,FirstName,LastName,AccountId,ContactId,Seen');
  assert.match(text, /^l\.diaz@northwind\.example,Laura,Diaz,001MK0000000001AAA,003MK0000000001AAA,/m);
  await page.waitForFunction(() => /downloaded/.test(document.querySelector('[data-testid="alternates-download-status"]')?.textContent || ''));
  const csvCall = watch.requests.filter((r) => r.url.includes('/api/v1/alternates?format=csv')).pop();
  assert.equal(csvCall.headers.authorization, `Bearer ${TOKEN}`);

  await row.getByTestId('alternate-explain').click();
  await page.getByTestId('explain-result').waitFor();
  assert.match(page.url(), /#\/explain\?email=l\.diaz%40northwind\.example$/);
  await page.locator('[data-testid="explain-decision"][data-rule="R43"]').waitFor();
  assert.equal(await page.getByTestId('explain-email').inputValue(), 'l.diaz@northwind.example');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/#/alternates`);
  await page.getByTestId('alternates-table').waitFor();
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(over <= 1, `alternates overflows by ${over}px`);
  const small = page.locator('[data-testid="alternate-row"][data-email="l.diaz@northwind.example"]');
  assert.equal(await small.getByTestId('alternate-explain').isVisible(), true);
  assert.equal(await page.getByTestId('alternates-download-csv').isVisible(), true);
  await page.mouse.move(195, 840);
  await page.waitForFunction(() => document.getAnimations().length === 0);
  await screenshot(page, shots, '07-alternates-390');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the configuration and the dedup preview', async () => {
  await page.getByTestId('nav-config').click();
  await page.getByTestId('config-text').waitFor();
  assert.match(await page.getByTestId('config-text').textContent(), /\[serve\]\nlisten = 127\.0\.0\.1:8765/);
  assert.match(await page.getByTestId('config-path').textContent(), /\/etc\/kith\/kith\.conf/);
  await page.getByTestId('nav-dedup').click();
  await page.getByTestId('dedup-preview').click();
  await page.getByTestId('dedup-plan').waitFor();
  assert.equal(await page.locator('[data-testid="dedup-row"]').count(), 3);
  assert.match(await page.getByTestId('dedup-summary').textContent(), /1 group of duplicates: 1 to delete/);
  assert.deepEqual(mock.state.requests.filter((r) => r.path === '/api/v1/dedup').pop().body, { dry_run: true });
  await screenshot(page, shots, '05-dedup');
});

test('Sync now applies the outbox and refreshes the cards', async () => {
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('card-outbox-value').waitFor();
  assert.equal(await page.getByTestId('card-outbox-value').textContent(), '1', 'the removal waits in the outbox');
  await page.getByTestId('sync-now').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="card-outbox-value"]')?.textContent === '0');
  assert.match(await page.getByTestId('last-sync-result').textContent(), /applied 1 changes/);
  // Laura removed by the dialog, Tom gone meanwhile: four of the six are left.
  assert.equal(await page.getByTestId('card-contacts-created-value').textContent(), '4');
});

test('on a small screen nothing overflows the page sideways', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const route of ['dashboard', 'log', 'created', 'explain?email=laura.diaz%40northwind.example']) {
    await page.goto(`${base}/#/${route}`);
    await page.locator('main h1').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'));
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(over <= 1, `${route} overflows by ${over}px`);
    await screenshot(page, shots, `06-small-${route.replace(/\W.*/, '')}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('a token refused later brings back the token box; sign out forgets it', async () => {
  await page.evaluate(() => sessionStorage.setItem('kith.token', 'stale'));
  await page.goto(`${base}/#/log`);
  await page.getByTestId('login-message').waitFor();
  assert.match(await page.getByTestId('login-message').textContent(), /did not accept the token/);
  await signIn();
  await page.getByTestId('view-log').waitFor();
  assert.match(page.url(), /#\/log$/, 'back where the user was');
  await page.getByTestId('sign-out').click();
  await page.getByTestId('login-form').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('kith.token')), null);
});

test('the page had no script errors', () => {
  assert.deepEqual(watch.problems, []);
});
