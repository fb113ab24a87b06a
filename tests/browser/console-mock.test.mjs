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
  const reasonsOf = (testid) => page.locator(`[data-testid="${testid}"]`).evaluateAll((rows) => rows.map((r) => r.dataset.reason));
  let reasons = await reasonsOf('skipped-row');
  assert.ok(reasons.length > 0 && !reasons.includes('internal'), `internal is hidden at first: ${reasons}`);
  await page.getByTestId('skipped-show-internal').check();
  reasons = await reasonsOf('skipped-row');
  assert.ok(reasons.includes('internal'), `the toggle shows internal: ${reasons}`);
  await page.getByTestId('skipped-show-internal').uncheck();
  // Activities skipped whole (R10) are counted apart from the people skipped.
  const activityReasons = await reasonsOf('activity-skipped-row');
  assert.ok(activityReasons.includes('automatic'), `activities skipped: ${activityReasons}`);
  assert.ok(!reasons.some((r) => activityReasons.includes(r)), 'no activity reason among the people skipped');
  assert.equal(await page.locator('[data-testid="activity-skipped-row"][data-reason="automatic"] a').getAttribute('href'),
    '#/log?action=activity_skipped&reason=automatic');
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
  assert.match(await row.getByTestId('alternate-account').textContent(), /Northwind Traders.*001MK0000000001AAA/);
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

// ---- point 5: the Created page at 1280 px, sorting, search, several removed at once ----

async function signInAgain() {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/`);
  if (await page.getByTestId('login-form').isVisible()) await signIn();
  await page.getByTestId('app').waitFor();
}

const createdEmails = () => page.locator('[data-testid="created-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.email));

test('the created contacts fit a 1280-pixel screen, with account and owner names beside their Ids', async () => {
  await signInAgain();
  await page.goto(`${base}/#/created`);
  await page.getByTestId('created-table').waitFor();
  const fit = await page.evaluate(() => {
    const wrap = document.querySelector('[data-testid="created-table"]').parentElement;
    const buttons = [...document.querySelectorAll('[data-testid="created-row"] [data-testid="remove-button"]')];
    return { page: document.documentElement.scrollWidth - window.innerWidth, table: wrap.scrollWidth - wrap.clientWidth,
      buttons: buttons.length, right: Math.max(...buttons.map((b) => b.getBoundingClientRect().right)), width: window.innerWidth };
  });
  assert.ok(fit.page <= 1, `the page overflows by ${fit.page}px`);
  assert.ok(fit.table <= 1, `the table scrolls sideways by ${fit.table}px`);
  assert.ok(fit.buttons >= 4 && fit.right <= fit.width, `every Remove button is on screen: ${JSON.stringify(fit)}`);
  const jonas = page.locator('[data-testid="created-row"][data-email="jonas.weber@fabrikam.example"]');
  assert.match(await jonas.getByTestId('created-account').textContent(), /Fabrikam GmbH.*001MK0000000002AAA/);
  assert.match(await jonas.getByTestId('created-owner').textContent(), /Mia Chen.*005MK0000000011AAA/);
  await page.mouse.move(640, 880);
  await page.waitForFunction(() => document.getAnimations().length === 0);
  await screenshot(page, shots, '08-created-1280');
});

test('the created contacts sort by a column and narrow to a search', async () => {
  const accounts = () => page.locator('[data-testid="created-row"] [data-testid="created-account"] .name')
    .evaluateAll((cells) => cells.map((c) => c.textContent));
  await page.getByTestId('created-sort-account').click();
  assert.equal(await page.locator('th[data-sort="account"]').getAttribute('aria-sort'), 'ascending');
  let names = await accounts();
  assert.deepEqual(names, [...names].sort(), `ascending by account: ${names}`);
  assert.equal(names[0], 'Fabrikam GmbH');
  await page.getByTestId('created-sort-account').click();
  assert.equal(await page.locator('th[data-sort="account"]').getAttribute('aria-sort'), 'descending');
  names = await accounts();
  assert.equal(names[0], 'Tailspin Toys', `descending by account: ${names}`);
  await page.getByTestId('created-q').fill('fabrikam');
  assert.deepEqual((await createdEmails()).sort(), ['aiko.sato@fabrikam.example', 'jonas.weber@fabrikam.example']);
  assert.match(await page.getByTestId('created-count').textContent(), /^2 of 4 contacts$/);
  await page.getByTestId('created-q').fill('head of it');
  assert.deepEqual(await createdEmails(), ['jonas.weber@fabrikam.example'], 'the title is searched');
  await page.getByTestId('created-q').fill('');
  assert.equal((await createdEmails()).length, 4);
});

test('several created contacts are removed at once, each by its own request (R50)', async () => {
  const before = mock.state.requests.filter((r) => r.path === '/api/v1/remove').length;
  for (const email of ['aiko.sato@fabrikam.example', 'priya.oneil@tailspin.example']) {
    await page.locator(`[data-testid="created-row"][data-email="${email}"] [data-testid="created-select"]`).check();
  }
  assert.equal(await page.getByTestId('created-remove-selected').textContent(), 'Remove selected (2)');
  assert.equal(await page.getByTestId('created-select-all').evaluate((b) => b.indeterminate), true);
  await page.getByTestId('created-remove-selected').click();
  await page.getByTestId('remove-dialog').waitFor();
  assert.equal(await page.getByTestId('remove-title').textContent(), 'Remove 2 contacts?');
  assert.equal(await page.locator('[data-testid="remove-list-item"]').count(), 2);
  const text = await page.getByTestId('remove-desc').textContent();
  assert.match(text, /opportunity contact roles kith created for them/);
  assert.match(text, /Their addresses are suppressed at once/);
  await screenshot(page, shots, '09-remove-several');
  await page.getByTestId('remove-confirm').click();
  await page.getByTestId('remove-dialog').waitFor({ state: 'hidden' });
  await page.getByTestId('flash-ok').waitFor();
  assert.match(await page.getByTestId('flash-text').textContent(), /^2 contacts will be removed at the next sync/);
  const calls = mock.state.requests.filter((r) => r.path === '/api/v1/remove').slice(before).map((r) => r.body);
  assert.deepEqual(calls.map((b) => b.contact_id).sort(), ['003MK0000000004AAA', '003MK0000000005AAA']);
  assert.ok(calls.every((b) => b.allow_recreate === false));
});

test('the removal dialog says what R50 does', async () => {
  await page.goto(`${base}/#/created`);
  await page.locator('[data-testid="created-row"][data-email="jonas.weber@fabrikam.example"] [data-testid="remove-button"]').click();
  await page.getByTestId('remove-dialog').waitFor();
  const text = (await page.getByTestId('remove-desc').textContent()).replace(/\s+/g, ' ');
  assert.match(text, /which kith created, and the opportunity contact roles kith created for it/);
  assert.match(text, /at the next sync/);
  assert.match(text, /Its address is suppressed at once: kith skips it in every activity/);
  assert.match(text, /any other is refused and left as it is \(R50\)/);
  assert.doesNotMatch(text, /this person/, 'suppression is of the address, not of a person');
  assert.match(await page.locator('label[for="remove-allow"]').textContent(), /do not suppress the address/);
  await page.getByTestId('remove-cancel').click();
  await page.getByTestId('remove-dialog').waitFor({ state: 'hidden' });
});

// ---- point 4: explain with evidence; unsuppress; everything created from one activity ----

test('explain shows each field with the activity it came from, and each decision with its activity', async () => {
  await page.goto(`${base}/#/explain?email=jonas.weber%40fabrikam.example`);
  await page.getByTestId('explain-fields').waitFor();
  const person = page.locator('[data-testid="explain-person"]');
  assert.match(await person.getByTestId('explain-person-account').textContent(), /Fabrikam GmbH.*001MK0000000002AAA/);
  assert.match(await person.getByTestId('explain-person-owner').textContent(), /Mia Chen.*005MK0000000011AAA/);
  const title = page.locator('[data-testid="explain-field"][data-field="Title"]');
  assert.equal(await title.getAttribute('data-source'), 'signature');
  assert.match(await title.textContent(), /Head of IT.*signature of.*Re: Introductions/);
  const first = page.locator('[data-testid="explain-field"][data-field="FirstName"]');
  assert.equal(await first.getAttribute('data-source'), 'display name');
  assert.match(await first.textContent(), /Jonas.*display name of.*Introductions/);
  assert.ok(await page.locator('[data-testid="explain-observed-row"]').count() >= 3);
  const created = page.locator('[data-testid="explain-decision"][data-action="contact_created"]');
  assert.match(await created.getByTestId('explain-decision-activity').textContent(), /on the email 'Introductions' of/);
  assert.match(await created.textContent(), /owner Mia Chen \(005MK0000000011AAA\)/);
  await page.mouse.move(640, 880);
  await screenshot(page, shots, '10-explain-evidence-1280');
});

test('a suppressed address is unsuppressed from its Explain page', async () => {
  await page.goto(`${base}/#/explain?email=aiko.sato%40fabrikam.example`);
  await page.getByTestId('explain-unsuppress').waitFor();
  assert.equal(await page.getByTestId('explain-suppressed').getAttribute('data-suppressed'), 'true');
  await page.getByTestId('explain-unsuppress').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="explain-suppressed"]')?.dataset.suppressed === 'false');
  assert.deepEqual(mock.state.requests.filter((r) => r.path === '/api/v1/unsuppress').pop().body, { email: 'aiko.sato@fabrikam.example' });
  assert.match(await page.getByTestId('flash-text').textContent(), /no longer suppressed/);
  assert.equal(mock.state.suppressed.has('aiko.sato@fabrikam.example'), false);
});

test('everything kith created from one activity is removed from the activity\'s row', async () => {
  await page.goto(`${base}/#/explain?email=jonas.weber%40fabrikam.example`);
  const row = page.locator('[data-testid="explain-activity"][data-id="<intro2@mail.corp.example>"]');
  await row.getByTestId('explain-remove-activity').click();
  await page.getByTestId('remove-dialog').waitFor();
  assert.equal(await page.getByTestId('remove-title').textContent(), 'Remove what kith created from this activity?');
  assert.match(await page.getByTestId('remove-many-text').textContent(), /the 1 contact it created from the email 'Introductions'/);
  assert.deepEqual(await page.locator('[data-testid="remove-list-item"]').evaluateAll((li) => li.map((x) => x.dataset.id)),
    ['003MK0000000003AAA']);
  const dry = mock.state.requests.filter((r) => r.path === '/api/v1/remove_activity').pop().body;
  assert.deepEqual(dry, { activity_id: '<intro2@mail.corp.example>', dry_run: true }, 'the dialog asked first, changing nothing');
  await screenshot(page, shots, '11-remove-activity');
  await page.getByTestId('remove-confirm').click();
  await page.getByTestId('remove-dialog').waitFor({ state: 'hidden' });
  assert.deepEqual(mock.state.requests.filter((r) => r.path === '/api/v1/remove_activity').pop().body,
    { activity_id: '<intro2@mail.corp.example>', allow_recreate: false });
  assert.match(await page.getByTestId('flash-text').textContent(), /1 contact kith created from 'Introductions' will be removed/);
  await page.getByTestId('explain-removal-queued').waitFor();
});

test('at 390 pixels the created contacts and the evidence fit the screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [route, name] of [['created', '12-created-390'], ['explain?email=jonas.weber%40fabrikam.example', '13-explain-390']]) {
    await page.goto(`${base}/#/${route}`);
    await page.locator('main h1').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'));
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(over <= 1, `${route} overflows by ${over}px`);
    await page.mouse.move(195, 840);
    await page.waitForFunction(() => document.getAnimations().length === 0);
    await screenshot(page, shots, name);
  }
  assert.equal(await page.locator('[data-testid="explain-field"]').first().isVisible(), true);
  await page.goto(`${base}/#/created`);
  await page.getByTestId('created-table').waitFor();
  assert.equal(await page.locator('[data-testid="created-select"]').first().isVisible(), true);
  assert.equal(await page.getByTestId('created-q').isVisible(), true);
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the page had no script errors', () => {
  assert.deepEqual(watch.problems, []);
});
