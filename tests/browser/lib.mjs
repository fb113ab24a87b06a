// lib.mjs - what the browser tests share: Debian's Chromium, screenshots, free ports, API calls.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.KITH_CHROMIUM || '/usr/bin/chromium';

// Where screenshots and server logs go: $KITH_TEST_ARTIFACTS, else tests/browser/artifacts/.
export function artifactsDir(sub) {
  const dir = path.join(process.env.KITH_TEST_ARTIFACTS || path.join(HERE, 'artifacts'), sub);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// Headless Chromium with a fresh profile of its own; close() also removes the profile.
export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  context.setDefaultTimeout(10000);
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Watches a page for what a user would never want to see: script errors and failed console calls.
export function watchPage(page) {
  const problems = [];
  const requests = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // The API's 4xx answers are part of the tests (a refused token, a removal refused); a static file
  // that fails to load is not.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/api/')) problems.push(`${r.status()} for ${r.url()}`);
  });
  page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), headers: r.headers() }));
  return { problems, requests };
}

export async function screenshot(page, dir, name) {
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

// A port nobody listens on now, on the loopback address.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A JSON call to the API with the token, the way a script would make it.
export async function api(base, token, pathAndQuery, { method = 'GET', body } = {}) {
  const headers = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + pathAndQuery, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30000) });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (CSV, metrics): keep the text
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The contract's Contact columns (CONTRACT.md section 2), the header of the CSV download.
export const CONTACT_COLUMNS = 'Id,AccountId,FirstName,LastName,Email,Title,Phone,Department,Seniority__c,'
  + 'Persona__c,MailingCountry,MailingState,OwnerId,LeadSource,Created_By_Kith__c,CreatedDate';
