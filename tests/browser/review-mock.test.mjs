// review-mock.test.mjs - the console's Review page (docs/review.md) against the mock of docs/api.md:
// the items of each kind, the bodies accept and reject send, errors shown in place, the two-step
// reject, decided items on request, and no sideways overflow at 1280 and 390 px.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMockServer } from './mock_server.mjs';
import { artifactsDir, launch, screenshot, watchPage } from './lib.mjs';

const TOKEN = 'mock-token-review-7c1e';
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
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/`);
  await page.getByTestId('token-input').fill(TOKEN);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('card-contacts-created-value').waitFor();
});

after(async () => {
  if (browser) await browser.close();
  if (mock) await mock.close();
});

const item = (id) => page.locator(`[data-testid="review-item"][data-id="${id}"]`);
const lastRequest = () => mock.state.requests[mock.state.requests.length - 1];

async function overflow() {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test('the review page lists the open items of each kind', async () => {
  await page.getByTestId('nav-review').click();
  await page.getByTestId('review-list').waitFor();
  assert.equal(await page.getByTestId('review-count').textContent(), '4 items to review');
  const kinds = await page.locator('[data-testid="review-item"]').evaluateAll((li) => li.map((x) => x.dataset.kind));
  assert.deepEqual(kinds, ['alternate', 'alternate', 'missing_name', 'many_participants']);
  assert.match(await item(1).getByTestId('review-what').textContent(), /like contact 003\S+ \(Laura Diaz\) on Northwind/);
  assert.match(await item(4).getByTestId('review-what').textContent(), /naming 38 addresses/);
  assert.match(await item(3).textContent(), /Kick-off <b>agenda<\/b>/, 'a subject that looks like HTML is shown as text');
  assert.equal(await page.locator('[data-testid="review-item"] b').count(), 0);
  assert.equal(await page.getByTestId('nav-review').getAttribute('aria-current'), 'page');
  assert.ok(await overflow() <= 1, 'no sideways overflow at 1280 px');
  await screenshot(page, shots, '20-review-1280');
});

test('accepting an alternate links it to the contact and takes it off the list', async () => {
  await item(1).getByTestId('review-merge').click();
  await page.getByTestId('flash-ok').waitFor();
  assert.deepEqual(lastRequest(), { path: '/api/v1/review/accept', body: { id: 1 } });
  assert.match(await page.getByTestId('flash-text').textContent(), /Item 1 accepted: l\.diaz@northwind\.example is another address/);
  await page.getByTestId('review-count').filter({ hasText: '3 items' }).waitFor();
  assert.equal(await item(1).count(), 0);
});

test('a missing name is created with the name typed in, and an error is shown in place', async () => {
  const kim = item(3);
  assert.equal(await kim.getByTestId('review-first-name').inputValue(), 'Kim', 'prefilled with what mail showed');
  await kim.getByTestId('review-create').click();
  await kim.getByTestId('review-error').waitFor();
  assert.match(await kim.getByTestId('review-error').textContent(), /LastName is not known/);
  assert.equal(await kim.getByTestId('review-create').isEnabled(), true, 'the buttons come back after an error');
  await kim.getByTestId('review-last-name').fill('  Novak ');
  await kim.getByTestId('review-create').click();
  await page.getByTestId('flash-sync').waitFor();
  assert.deepEqual(lastRequest().body, { id: 3, create: true, first_name: 'Kim', last_name: 'Novak' });
  assert.match(await page.getByTestId('flash-text').textContent(), /next sync/);
});

test('rejecting asks once more, and Cancel leaves the item alone', async () => {
  const pat = item(4);
  const before = mock.state.requests.length;
  await pat.getByTestId('review-reject').click();
  await pat.getByTestId('review-confirm').waitFor();
  assert.match(await pat.getByTestId('review-confirm').textContent(), /remove contact 003\S+ and its roles/);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'review-reject-confirm');
  await screenshot(page, shots, '21-review-reject-confirm');
  await pat.getByTestId('review-reject-cancel').click();
  assert.equal(await pat.getByTestId('review-confirm').isHidden(), true);
  assert.equal(mock.state.requests.length, before, 'nothing was sent');
  await pat.getByTestId('review-reject').click();
  await pat.getByTestId('review-reject-confirm').click();
  await page.getByTestId('flash-ok').waitFor();
  assert.deepEqual(lastRequest(), { path: '/api/v1/review/reject', body: { id: 4 } });
  await page.getByTestId('review-count').filter({ hasText: '1 item to review' }).waitFor();
  assert.equal(await item(4).count(), 0);
});

test('decided items show with their state when asked for', async () => {
  await page.getByTestId('review-all').check();
  await page.waitForFunction(() => location.hash === '#/review?state=all');
  await item(5).waitFor();
  assert.equal(await item(5).getAttribute('data-state'), 'rejected');
  assert.match(await item(5).getByTestId('review-decision').textContent(), /suppress/);
  assert.equal(await item(5).getByTestId('review-reject').count(), 0, 'a decided item has no buttons');
  assert.equal(await item(1).getAttribute('data-state'), 'accepted');
});

test('on a small screen the review page does not overflow sideways', async () => {
  mock.state.review = (await import('./mock_server.mjs')).makeState().review; // every item open again
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => { location.hash = '#/review'; });
  await page.getByTestId('review-list').waitFor();
  await item(4).getByTestId('review-reject').click();
  const over = await overflow();
  assert.ok(over <= 1, `the review page overflows by ${over}px at 390 px`);
  await screenshot(page, shots, '22-review-390');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the page had no script errors', () => {
  assert.deepEqual(watch.problems, []);
});
