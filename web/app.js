// app.js - the kith console: token box, hash routes and the views over the JSON API of docs/api.md.
//
// Rules this file keeps: every text that comes from the server goes into the page
// as text (textContent, createTextNode, setAttribute), never as HTML; the token
// lives in sessionStorage and travels only in the Authorization header, never in
// a URL; every element a test needs carries a data-testid.
'use strict';

(() => {
  const TOKEN_KEY = 'kith.token';
  const PAGE_SIZE = 50;
  const CHART_DAYS = 30;

  // CONTRACT.md section 6: the actions and reasons of the engagement log.
  const ACTIONS = ['contact_created', 'contact_linked', 'lead_linked', 'skipped', 'ocr_created',
    'field_updated', 'contact_deleted', 'contact_removed', 'activity_skipped', 'alias_learned'];
  const REASONS = ['internal', 'filtered', 'personal_domain', 'role_address', 'resource', 'suppressed',
    'missing_field', 'no_account', 'user_not_on_account', 'contact_creation_off', 'not_conversation',
    'too_many_participants', 'unauthenticated', 'same_person', 'automatic', 'subject_filtered', 'cancelled',
    'no_users', 'duplicate_activity', 'exists_at_sync'];
  // field_updated rows carry the field's API name as their reason (Email: an address change, R44).
  const FIELDS = ['FirstName', 'LastName', 'Email', 'Title', 'Phone', 'Department', 'Seniority__c', 'Persona__c',
    'MailingCountry', 'MailingState'];

  const TITLES = {
    dashboard: 'Dashboard', log: 'Engagement log', created: 'Created contacts',
    alternates: 'Alternate addresses', review: 'Review', explain: 'Explain an address',
    config: 'Configuration', dedup: 'De-duplication',
  };

  const numberFmt = new Intl.NumberFormat();

  // ---- DOM helpers: the only way this file makes elements. ----

  // h('a', {href: '#/x', class: 'c', dataset: {testid: 't'}, onclick: fn}, 'text', child...)
  function h(tag, attrs, ...children) {
    return build(document.createElement(tag), attrs, children);
  }

  function s(tag, attrs, ...children) {
    return build(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);
  }

  function build(el, attrs, children) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'dataset') {
        for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
      } else if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'testid') {
        el.setAttribute('data-testid', String(v));
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false || c === '') continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.firstChild.remove();
    return el;
  }

  const $ = (id) => document.getElementById(id);

  // ---- Formatting ----

  function fmtNumber(n) {
    return typeof n === 'number' && Number.isFinite(n) ? numberFmt.format(n) : '–';
  }

  function pad2(n) {
    return String(n).padStart(2, '0');
  }

  // "2026-11-27 11:38" in the reader's time zone; the exact UTC time stays in datetime/title.
  function fmtTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  }

  // "27 Nov" for a YYYY-MM-DD date, in the reader's language.
  function fmtDay(date) {
    const d = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(d.getTime())) return String(date);
    return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  }

  function timeEl(iso) {
    if (!iso) return h('span', { class: 'muted' }, '–');
    return h('time', { datetime: iso, title: iso }, fmtTime(iso));
  }

  function fmtAgo(iso) {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return '';
    const sec = Math.round((t - Date.now()) / 1000);
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
    const abs = Math.abs(sec);
    if (abs < 60) return rtf.format(sec, 'second');
    if (abs < 3600) return rtf.format(Math.round(sec / 60), 'minute');
    if (abs < 86400) return rtf.format(Math.round(sec / 3600), 'hour');
    return rtf.format(Math.round(sec / 86400), 'day');
  }

  function plural(n, one, many) {
    return `${fmtNumber(n)} ${n === 1 ? one : many}`;
  }

  function humanize(word) {
    return String(word || '').replace(/_/g, ' ');
  }

  // ---- API ----

  class ApiError extends Error {
    constructor(status, message, silent = false) {
      super(message);
      this.status = status;
      this.silent = silent; // already handled (401: back to the token box)
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  async function request(path, { method = 'GET', body } = {}) {
    const headers = { Authorization: `Bearer ${token()}`, Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, `kith did not answer (${e.message}).`);
    }
    if (res.status === 401) {
      signOut('The server did not accept the token. Enter it again.');
      throw new ApiError(401, 'The token was refused.', true);
    }
    if (!res.ok) {
      let msg = `${res.status} ${res.statusText}`.trim();
      try {
        const j = await res.json();
        if (j && typeof j.error === 'string') msg = j.error;
      } catch {
        // not JSON: keep the status line
      }
      throw new ApiError(res.status, msg);
    }
    return res;
  }

  async function getJSON(path) {
    const res = await request(path);
    return res.json();
  }

  async function postJSON(path, body) {
    const res = await request(path, { method: 'POST', body });
    return res.json();
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) q.set(k, v);
    const text = q.toString();
    return text ? `?${text}` : '';
  }

  // ---- Messages ----

  let flashTimer = 0;

  // A message above the view, read out by screen readers. kind: 'ok' | 'error' | 'info'.
  function flash(kind, text, ...extra) {
    const box = $('flash');
    clearTimeout(flashTimer);
    clear(box);
    if (!text) return;
    box.append(h('div', { class: `message message-${kind}`, testid: `flash-${kind}` },
      h('div', { class: 'flash-row' },
        h('span', { testid: 'flash-text' }, text),
        h('button', { type: 'button', class: 'link-button dismiss', 'aria-label': 'Dismiss message',
          onclick: () => clear(box) }, '×')),
      extra.length ? h('div', { class: 'flash-extra' }, ...extra) : null));
    if (kind === 'ok' && extra.length === 0) flashTimer = setTimeout(() => clear(box), 15000);
  }

  function errorBox(e, testid = 'view-error') {
    return h('p', { class: 'message message-error', role: 'alert', testid }, e.message || String(e));
  }

  function loading() {
    return h('p', { class: 'muted loading', testid: 'loading', 'aria-busy': 'true' }, 'Loading…');
  }

  // Runs fn; an error replaces the loading line of `into`, a 401 is already handled.
  async function guarded(into, fn) {
    try {
      await fn();
    } catch (e) {
      if (e.silent) return;
      into.append(errorBox(e));
    } finally {
      for (const l of into.querySelectorAll('[data-testid="loading"]')) l.remove();
    }
  }

  // ---- Sign in and out ----

  function showLogin(message) {
    $('app').hidden = true;
    $('login').hidden = false;
    closeRemoveDialog();
    const msg = $('login-message');
    msg.textContent = message || '';
    msg.hidden = !message;
    document.title = 'Sign in – kith console';
    const input = $('token-input');
    input.value = '';
    input.focus();
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    clear($('main'));
    clear($('flash'));
    showLogin(message);
  }

  async function onLogin(ev) {
    ev.preventDefault();
    const input = $('token-input');
    const value = input.value.trim();
    const msg = $('login-message');
    if (!value) {
      msg.textContent = 'Enter the API token.';
      msg.hidden = false;
      input.focus();
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    const button = ev.target.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await getJSON('/api/v1/status'); // proves the token before the console opens
      input.value = '';
      msg.hidden = true;
      $('login').hidden = true;
      $('app').hidden = false;
      lastRoute = '';
      render();
    } catch (e) {
      // A 401 has already brought the token box back; say why in its own words.
      sessionStorage.removeItem(TOKEN_KEY);
      msg.textContent = e.status === 401 ? 'That token was not accepted.' : e.message;
      msg.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  // ---- Routing: #/name?key=value ----

  function parseHash() {
    const raw = location.hash.replace(/^#\/?/, '');
    const i = raw.indexOf('?');
    const name = (i < 0 ? raw : raw.slice(0, i)) || 'dashboard';
    const params = new URLSearchParams(i < 0 ? '' : raw.slice(i + 1));
    return { name: VIEWS[name] ? name : 'dashboard', params };
  }

  function go(name, params = {}) {
    location.hash = `#/${name}${query(params)}`;
  }

  let lastRoute = '';

  function render() {
    if (!token()) {
      showLogin('');
      return;
    }
    $('login').hidden = true;
    $('app').hidden = false;
    const { name, params } = parseHash();
    for (const a of document.querySelectorAll('nav a[data-route]')) {
      if (a.dataset.route === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    document.title = `${TITLES[name]} – kith console`;
    const main = clear($('main'));
    const view = h('section', { class: `view view-${name}`, testid: `view-${name}` });
    main.append(view);
    VIEWS[name](view, params);
    // A new page (or the first after signing in) moves focus to its heading, so a screen reader
    // announces it; a new search on the same page leaves focus where it is.
    if (name !== lastRoute) {
      const title = view.querySelector('h1');
      if (title) title.focus();
      lastRoute = name;
    }
  }

  function heading(text) {
    return h('h1', { tabindex: '-1' }, text);
  }

  function explainLink(email, testid = 'email-link') {
    if (!email) return h('span', { class: 'muted' }, '–');
    return h('a', { href: `#/explain${query({ email })}`, testid, class: 'email' }, email);
  }

  // A table of ROWS (tr elements). A `stack` table turns each row into a small card on a narrow
  // screen, its cells labelled with their column's name.
  function table(testid, columns, rows, caption, { stack = false } = {}) {
    if (stack) {
      for (const tr of rows) {
        [...tr.cells].forEach((cell, i) => {
          if (columns[i] && columns[i].label) cell.dataset.label = columns[i].label;
        });
      }
    }
    return h('div', { class: 'table-wrap' },
      h('table', { testid, class: stack ? 'stack' : null },
        caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
        h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.cls }, c.label)))),
        h('tbody', {}, rows)));
  }

  function syncControl(buttonLabel = 'Sync now', testid = 'sync-now', after) {
    const result = h('p', { class: 'sync-result', testid: 'sync-result', role: 'status' });
    const button = h('button', { type: 'button', class: 'primary', testid },
      buttonLabel);
    button.addEventListener('click', async () => {
      button.disabled = true;
      button.textContent = 'Syncing…';
      result.className = 'sync-result muted';
      result.textContent = 'Applying the outbox to the CRM…';
      try {
        const r = await postJSON('/api/v1/sync', {});
        const ok = r && r.ok !== false;
        result.className = `sync-result ${ok ? 'ok' : 'bad'}`;
        result.textContent = `${ok ? 'Sync done' : 'Sync failed'}: ${r && r.message ? r.message : summariseSync(r)}`;
        result.dataset.ok = String(ok);
        if (after) after(r);
      } catch (e) {
        if (e.silent) return;
        result.className = 'sync-result bad';
        result.textContent = `Sync failed: ${e.message}`;
        result.dataset.ok = 'false';
      } finally {
        button.disabled = false;
        button.textContent = buttonLabel;
      }
    });
    return { button, result };
  }

  function summariseSync(r) {
    if (!r) return '';
    const parts = [];
    if (typeof r.contacts_created === 'number') parts.push(plural(r.contacts_created, 'contact created', 'contacts created'));
    if (typeof r.roles_created === 'number') parts.push(plural(r.roles_created, 'role created', 'roles created'));
    if (typeof r.fields_updated === 'number') parts.push(plural(r.fields_updated, 'field updated', 'fields updated'));
    if (typeof r.contacts_linked === 'number') parts.push(plural(r.contacts_linked, 'contact linked', 'contacts linked'));
    if (typeof r.contacts_deleted === 'number') parts.push(plural(r.contacts_deleted, 'duplicate deleted', 'duplicates deleted'));
    if (typeof r.contacts_removed === 'number') parts.push(plural(r.contacts_removed, 'contact removed', 'contacts removed'));
    return parts.join(', ');
  }

  // ---- Dashboard ----

  function card(testid, label, value, ...more) {
    return h('div', { class: 'card', testid },
      h('h2', { class: 'card-label' }, label),
      h('p', { class: 'card-value', testid: `${testid}-value` }, value),
      ...more);
  }

  function viewDashboard(view) {
    view.append(heading('Dashboard'), loading());
    guarded(view, async () => {
      const [status, counts] = await Promise.all([
        getJSON('/api/v1/status'),
        getJSON(`/api/v1/counts${query({ days: CHART_DAYS })}`),
      ]);
      const syncCtl = syncControl('Sync now', 'sync-now', () => setTimeout(() => {
        if (view.isConnected) refreshCards();
      }, 0));
      const cards = h('div', { class: 'cards', testid: 'cards' });
      const fillCards = (st) => {
        const ls = st.last_sync;
        clear(cards).append(
          card('card-contacts-created', 'Contacts created', fmtNumber(st.contacts_created)),
          card('card-activities', 'Activities', fmtNumber(st.activities)),
          card('card-outbox', 'Outbox depth', fmtNumber(st.outbox_depth),
            h('p', { class: 'card-note' }, st.outbox_depth ? 'changes wait for the next sync' : 'nothing waiting')),
          card('card-last-sync', 'Last sync',
            ls ? h('span', {}, timeEl(ls.time)) : 'never',
            ls ? h('p', { class: `card-note ${ls.ok ? 'ok' : 'bad'}`, testid: 'last-sync-result' },
              h('span', { class: 'badge' }, ls.ok ? 'ok' : 'failed'), ' ', fmtAgo(ls.time),
              ls.message ? h('span', { class: 'block' }, ls.message) : null) : null,
            syncCtl.button, syncCtl.result));
      };
      const refreshCards = async () => {
        try {
          fillCards(await getJSON('/api/v1/status'));
        } catch (e) {
          if (!e.silent) syncCtl.result.textContent += ` (the status could not be read: ${e.message})`;
        }
      };
      fillCards(status);

      const src = Array.isArray(status.sources) ? status.sources : [];
      const meta = h('p', { class: 'muted meta', testid: 'status-meta' },
        `kith ${status.version || ''}`, ' · store ', h('span', { class: 'mono' }, status.store || ''),
        status.started ? [' · up since ', timeEl(status.started)] : null,
        status.last_ingest ? [' · last ingest ', timeEl(status.last_ingest.time), ' (',
          plural(status.last_ingest.activities, 'activity', 'activities'), ', ',
          plural(status.last_ingest.errors, 'error', 'errors'), ')'] : null,
        src.length ? [' · sources: ', src.map((x) => `${x.name} (${x.type})`).join(', ')] : null);

      // A scan under way (a team source's long first pass): its Users done of
      // those to read, what was read so far and the time left, read again
      // every two seconds until the scan is over.
      const scan = h('p', { class: 'muted', role: 'status', testid: 'scan-progress' });
      const fillScan = (p) => {
        clear(scan);
        if (!p) return;
        const left = p.eta_seconds == null ? ''
          : p.eta_seconds >= 120 ? `, about ${Math.round(p.eta_seconds / 60)} min left`
            : `, about ${p.eta_seconds} s left`;
        scan.append(p.users_total
          ? `Reading ${p.source}: ${fmtNumber(p.users_done)} of ${plural(p.users_total, 'user', 'users')}, `
            + `${fmtNumber(p.messages)} messages and events${left}`
          : `Reading ${p.source}: ${plural(p.activities, 'activity', 'activities')}`);
      };
      const followScan = (p) => {
        fillScan(p);
        if (!p) return;
        setTimeout(async () => {
          if (!view.isConnected) return;
          try {
            followScan((await getJSON('/api/v1/status')).progress);
          } catch (e) {
            fillScan(null);
          }
        }, 2000);
      };
      followScan(status.progress);

      view.append(cards, scan,
        h('section', { class: 'panel', 'aria-labelledby': 'chart-title' },
          h('h2', { id: 'chart-title' }, `The last ${CHART_DAYS} days`),
          chart(Array.isArray(counts.days) ? counts.days : [])),
        h('div', { class: 'panels' },
          h('section', { class: 'panel', 'aria-labelledby': 'skipped-title', testid: 'people-skipped' },
            h('h2', { id: 'skipped-title' }, 'People skipped, by reason'),
            skippedTable(counts.skipped_by_reason || {})),
          h('section', { class: 'panel', 'aria-labelledby': 'activities-skipped-title', testid: 'activities-skipped' },
            h('h2', { id: 'activities-skipped-title' }, 'Activities skipped, by reason'),
            activitiesSkippedTable(counts.activities_skipped_by_reason || {}))),
        meta);
    });
  }

  const SERIES = [
    { key: 'created', label: 'Contacts created', value: (d) => d.contact_created || 0 },
    { key: 'linked', label: 'Linked to a contact or lead', value: (d) => (d.contact_linked || 0) + (d.lead_linked || 0) },
    { key: 'roles', label: 'Roles created', value: (d) => d.ocr_created || 0 },
    { key: 'skipped', label: 'People skipped', value: (d) => d.skipped || 0 },
  ];

  // The smallest "round" number (1, 2, 2.5, 5 x 10^k) at or above v.
  function niceCeil(v) {
    if (v <= 0) return 1;
    const p = 10 ** Math.floor(Math.log10(v));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // Stacked bars, one per day, drawn as inline SVG; the legend's boxes show or hide a series.
  function chart(days) {
    const shown = new Set(SERIES.map((x) => x.key));
    const holder = h('div', { class: 'chart-holder' });
    const legend = h('fieldset', { class: 'legend', testid: 'chart-legend' },
      h('legend', { class: 'visually-hidden' }, 'Series shown'),
      SERIES.map((ser) => h('label', { class: 'legend-item' },
        h('input', { type: 'checkbox', checked: true, testid: `legend-${ser.key}`,
          onchange: (ev) => {
            if (ev.target.checked) shown.add(ser.key); else shown.delete(ser.key);
            draw();
          } }),
        h('span', { class: `swatch s-${ser.key}`, 'aria-hidden': 'true' }), ser.label)));
    // Drawn at the holder's own width, so its text stays legible from phone to wide screen.
    let width = 0;
    const draw = () => clear(holder).append(chartSvg(days, SERIES.filter((x) => shown.has(x.key)), width || 720));
    draw();
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver((entries) => {
        const w = Math.round(entries[0].contentRect.width);
        if (w > 0 && Math.abs(w - width) > 8) {
          width = w;
          draw();
        }
      }).observe(holder);
    }
    const numbers = h('details', { class: 'chart-numbers' },
      h('summary', {}, 'Show the numbers'),
      table('chart-table', [{ label: 'Day' }].concat(SERIES.map((x) => ({ label: x.label, cls: 'num' }))),
        days.map((d) => h('tr', {}, h('th', { scope: 'row' }, d.date),
          SERIES.map((x) => h('td', { class: 'num' }, fmtNumber(x.value(d)))))), 'Counts by day'));
    return h('div', { class: 'chart' }, legend, holder, numbers);
  }

  function chartSvg(days, series, width) {
    const W = Math.max(280, Math.min(1400, width));
    const H = W < 500 ? 200 : 240;
    const m = { top: 12, right: 8, bottom: 30, left: 44 };
    const pw = W - m.left - m.right;
    const ph = H - m.top - m.bottom;
    const totals = days.map((d) => series.reduce((a, x) => a + x.value(d), 0));
    const peak = Math.max(0, ...totals);
    const top = peak <= 4 ? Math.max(peak, 1) : niceCeil(peak);
    const ticks = top <= 4 ? top : 4;
    const y = (v) => m.top + ph - (v / top) * ph;
    const slot = days.length ? pw / days.length : pw;
    const bw = Math.max(2, slot * 0.72);
    const labelEvery = slot * 5 < 56 ? 10 : 5;
    const total = totals.reduce((a, b) => a + b, 0);
    const first = days.length ? days[0].date : '';
    const lastDay = days.length ? days[days.length - 1].date : '';
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', testid: 'chart',
      'aria-label': `Stacked bars by day from ${first} to ${lastDay}: ${series.map((x) =>
        `${x.label.toLowerCase()} ${fmtNumber(days.reduce((a, d) => a + x.value(d), 0))}`).join(', ') || 'no series shown'}.` });
    for (let i = 0; i <= ticks; i++) {
      const v = (top / ticks) * i;
      const yy = y(v);
      svg.append(s('line', { x1: m.left, x2: W - m.right, y1: yy, y2: yy, class: i ? 'grid' : 'axis' }),
        s('text', { x: m.left - 6, y: yy + 4, class: 'tick', 'text-anchor': 'end' },
          fmtNumber(Math.round(v * 10) / 10)));
    }
    days.forEach((d, i) => {
      const x = m.left + i * slot + (slot - bw) / 2;
      const g = s('g', { testid: 'chart-day', 'data-date': d.date });
      let acc = 0;
      for (const ser of series) {
        const v = ser.value(d);
        if (v <= 0) continue;
        const y0 = y(acc);
        const y1 = y(acc + v);
        acc += v;
        g.append(s('rect', { x: x.toFixed(1), y: y1.toFixed(1), width: bw.toFixed(1),
          height: Math.max(0.5, y0 - y1).toFixed(1), class: `bar s-${ser.key}`, 'data-series': ser.key,
          'data-value': v }, s('title', {}, `${d.date}: ${fmtNumber(v)} ${ser.label.toLowerCase()}`)));
      }
      svg.append(g);
      // A date under every fifth (narrow: tenth) bar, counted back from the newest, so today is labelled.
      if ((days.length - 1 - i) % labelEvery === 0) {
        const lastOne = i === days.length - 1; // ends at the right edge instead of running past it
        svg.append(s('text', { x: (m.left + i * slot + (lastOne ? slot : slot / 2)).toFixed(1), y: H - m.bottom + 16,
          class: 'tick', 'text-anchor': lastOne ? 'end' : 'middle' }, fmtDay(d.date)));
      }
    });
    if (total === 0) {
      svg.append(s('text', { x: W / 2, y: m.top + ph / 2, class: 'empty', 'text-anchor': 'middle',
        testid: 'chart-empty' }, series.length ? 'Nothing was logged in these days.' : 'Choose a series to show.'));
    }
    return svg;
  }

  // People kith left out (R11, R12, R20-R29, R43). `internal` (the team's own addresses) outnumbers every
  // other reason and says nothing an administrator acts on, so it is hidden until asked for.
  function skippedTable(byReason) {
    const all = Object.entries(byReason).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const internal = all.find(([reason]) => reason === 'internal');
    const holder = h('div', { class: 'skipped-holder' });
    let showInternal = false;
    const draw = () => {
      const rows = all.filter(([reason]) => showInternal || reason !== 'internal');
      clear(holder);
      if (!rows.length) {
        holder.append(h('p', { class: 'muted', testid: 'skipped-empty' }, all.length
          ? 'Only the team\'s own addresses (internal) were skipped in these days.'
          : 'Nobody was skipped in these days.'));
        return;
      }
      const sum = rows.reduce((a, [, n]) => a + n, 0);
      holder.append(table('skipped-table', [{ label: 'Reason' }, { label: 'People skipped', cls: 'num' }, { label: 'Share', cls: 'num' }],
        rows.map(([reason, n]) => h('tr', { testid: 'skipped-row', 'data-reason': reason },
          h('td', {}, h('a', { href: `#/log${query({ action: 'skipped', reason })}`, title: `reason ${reason}` },
            humanize(reason))),
          h('td', { class: 'num' }, fmtNumber(n)),
          h('td', { class: 'num' }, `${Math.round((n / sum) * 100)}%`))), 'People skipped, by reason'));
    };
    draw();
    const toggle = internal ? h('label', { class: 'checkbox toggle' },
      h('input', { type: 'checkbox', testid: 'skipped-show-internal', onchange: (ev) => {
        showInternal = ev.target.checked;
        draw();
      } }),
      `show internal (the team's own addresses: ${fmtNumber(internal[1])})`) : null;
    return h('div', {}, toggle, holder);
  }

  // Activities skipped whole (R10): automatic mail, filtered subjects, cancelled meetings, no users.
  function activitiesSkippedTable(byReason) {
    const rows = Object.entries(byReason).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (!rows.length) return h('p', { class: 'muted', testid: 'activities-skipped-empty' }, 'No activity was skipped in these days.');
    return table('activities-skipped-table', [{ label: 'Reason' }, { label: 'Activities skipped', cls: 'num' }],
      rows.map(([reason, n]) => h('tr', { testid: 'activity-skipped-row', 'data-reason': reason },
        h('td', {}, h('a', { href: `#/log${query({ action: 'activity_skipped', reason })}`, title: `reason ${reason}` },
          humanize(reason))),
        h('td', { class: 'num' }, fmtNumber(n)))), 'Activities skipped, by reason');
  }

  // ---- Log ----

  function select(id, testid, label, value, groups) {
    const sel = h('select', { id, name: id.replace(/^log-/, ''), testid },
      h('option', { value: '' }, `any ${label.toLowerCase()}`));
    for (const [groupLabel, values] of groups) {
      const parent = groupLabel ? h('optgroup', { label: groupLabel }) : sel;
      for (const v of values) parent.append(h('option', { value: v, selected: v === value }, humanize(v)));
      if (parent !== sel) sel.append(parent);
    }
    // A value from a link that is not in the lists still shows.
    if (value && ![...sel.options].some((o) => o.value === value)) sel.append(h('option', { value, selected: true }, value));
    return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
  }

  function viewLog(view, params) {
    const f = {
      q: params.get('q') || '', action: params.get('action') || '', reason: params.get('reason') || '',
      email: params.get('email') || '',
    };
    let offset = Number.parseInt(params.get('offset') || '0', 10);
    if (!Number.isFinite(offset) || offset < 0) offset = 0;

    const form = h('form', { class: 'filters', role: 'search', testid: 'log-filters', 'aria-label': 'Filter the log' },
      h('div', { class: 'field grow' }, h('label', { for: 'log-q' }, 'Search'),
        h('input', { id: 'log-q', name: 'q', type: 'search', value: f.q, testid: 'log-q',
          placeholder: 'address, Id or words of the detail' })),
      select('log-action', 'log-action', 'Action', f.action, [['', ACTIONS]]),
      select('log-reason', 'log-reason', 'Reason', f.reason, [['Skipped because', REASONS], ['Field updated', FIELDS]]),
      h('div', { class: 'field' }, h('label', { for: 'log-email' }, 'Email'),
        h('input', { id: 'log-email', name: 'email', type: 'text', inputmode: 'email', autocomplete: 'off',
          spellcheck: 'false', value: f.email, testid: 'log-email', placeholder: 'exact address' })),
      h('div', { class: 'field buttons' },
        h('button', { type: 'submit', class: 'primary', testid: 'log-submit' }, 'Search'),
        h('button', { type: 'button', testid: 'log-clear', onclick: () => go('log') }, 'Clear')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const data = new FormData(form);
      go('log', { q: String(data.get('q') || '').trim(), action: data.get('action'), reason: data.get('reason'),
        email: String(data.get('email') || '').trim() });
    });
    const results = h('div', { class: 'results', testid: 'log-results' }, loading());
    view.append(heading('Engagement log'), form, results);

    guarded(results, async () => {
      const r = await getJSON(`/api/v1/log${query({ ...f, limit: PAGE_SIZE, offset })}`);
      const entries = Array.isArray(r.entries) ? r.entries : [];
      const total = typeof r.total === 'number' ? r.total : entries.length;
      if (!entries.length) {
        results.append(h('p', { class: 'muted', testid: 'log-empty' },
          total && offset ? 'No entries on this page.' : 'No log entry matches.'));
        if (!offset) return;
      } else {
        results.append(h('p', { class: 'summary', testid: 'log-summary', 'aria-live': 'polite' },
          `Entries ${fmtNumber(offset + 1)}–${fmtNumber(offset + entries.length)} of ${fmtNumber(total)}, newest first`));
        results.append(table('log-table', [
          { label: 'Time' }, { label: 'Email' }, { label: 'Action' }, { label: 'Reason' }, { label: 'Rule' },
          { label: 'Object Id' }, { label: 'Detail' }, { label: '', cls: 'actions' },
        ], entries.map((e) => logRow(e, () => render())), 'Engagement log entries', { stack: true }));
      }
      const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of the log', testid: 'log-pager' },
        h('button', { type: 'button', testid: 'log-prev', disabled: offset <= 0,
          onclick: () => go('log', { ...f, offset: Math.max(0, offset - PAGE_SIZE) || '' }) }, '← Newer'),
        h('span', { class: 'muted', testid: 'log-page' },
          `Page ${fmtNumber(Math.floor(offset / PAGE_SIZE) + 1)} of ${fmtNumber(Math.max(1, Math.ceil(total / PAGE_SIZE)))}`),
        h('button', { type: 'button', testid: 'log-next', disabled: offset + PAGE_SIZE >= total,
          onclick: () => go('log', { ...f, offset: offset + PAGE_SIZE }) }, 'Older →'));
      results.append(pager);
    });
  }

  function logRow(e, onRemoved) {
    const removable = e.action === 'contact_created' && e.object_id;
    return h('tr', { testid: 'log-row', 'data-action': e.action || '', 'data-email': e.email || '',
      'data-object-id': e.object_id || '', 'data-seq': e.seq ?? '' },
    h('td', { class: 'nowrap' }, timeEl(e.time)),
    h('td', {}, explainLink(e.email, 'log-email-link')),
    h('td', {}, h('span', { class: `badge action-${e.action}` }, humanize(e.action))),
    h('td', {}, e.reason ? humanize(e.reason) : ''),
    h('td', { class: 'mono' }, e.rule || ''),
    h('td', { class: 'mono' }, e.object_id || ''),
    h('td', { class: 'detail' }, e.detail || ''),
    h('td', { class: 'actions' }, removable
      ? removeButton(e.object_id, e.email, onRemoved, 'remove-button') : null));
  }

  // ---- Removal (R50) ----
  //
  // One dialog for three removals: one contact (mode 'one'), the contacts chosen on the Created page
  // ('many'), every contact kith created from one activity ('activity'). Its text says what R50 does.

  function removeButton(contactId, email, onRemoved, testid = 'remove-button') {
    return h('button', { type: 'button', class: 'danger small', testid, 'data-contact-id': contactId,
      'aria-label': `Remove contact ${contactId} (${email})`,
      onclick: (ev) => openRemoveDialog(contactId, email, ev.currentTarget, onRemoved) }, 'Remove');
  }

  let removeState = null;

  // Shows the dialog for ST ({mode, items: [{contactId, email, name}], activity, opener, onRemoved}).
  function showRemoveDialog(st) {
    const dlg = $('remove-dialog');
    removeState = st;
    const one = st.mode === 'one';
    const n = st.items.length;
    $('remove-title').textContent = one ? 'Remove this contact?'
      : st.mode === 'activity' ? 'Remove what kith created from this activity?' : `Remove ${plural(n, 'contact', 'contacts')}?`;
    $('remove-one').hidden = !one;
    $('remove-many').hidden = one;
    $('remove-list').hidden = one || !n;
    if (one) {
      $('remove-contact-id').textContent = st.items[0].contactId;
      $('remove-email').textContent = st.items[0].email || 'no address';
    } else {
      const roles = `and the opportunity contact roles kith created for ${n === 1 ? 'it' : 'them'}`;
      const act = st.activity || {};
      const source = `the ${act.kind || 'activity'} '${act.subject || act.id}'${act.time ? ` of ${fmtTime(act.time)}` : ''}`;
      $('remove-many-text').textContent = st.mode !== 'activity' ? `kith will delete these ${plural(n, 'contact', 'contacts')}, which kith created, ${roles}:`
        : n ? `kith will delete the ${plural(n, 'contact', 'contacts')} it created from ${source}, ${roles}:`
          : `kith created no contact from ${source} that is still in the CRM or queued: there is nothing to remove.`;
      clear($('remove-list')).append(...st.items.map((it) => h('li', { testid: 'remove-list-item', 'data-id': it.contactId },
        it.name ? `${it.name} · ` : '', h('span', {}, it.email || 'no address'), ' ', h('span', { class: 'mono small muted' }, it.contactId))));
    }
    $('remove-suppress-text').textContent = `${one || n === 1 ? 'Its address is' : 'Their addresses are'} suppressed at once: `
      + `kith skips ${one || n === 1 ? 'it' : 'them'} in every activity from now on (logged “suppressed”), so it creates no contact `
      + `and no role for ${one || n === 1 ? 'it' : 'them'} again, until unsuppressed on the Explain page.`;
    $('remove-allow-label').textContent = one || n === 1
      ? 'do not suppress the address: kith may create a contact for it again'
      : 'do not suppress the addresses: kith may create contacts for them again';
    $('remove-allow').checked = false;
    const err = $('remove-error');
    err.hidden = true;
    err.textContent = '';
    setRemoveBusy(false);
    $('remove-confirm').disabled = !n;
    if (!dlg.open) dlg.showModal();
    $('remove-cancel').focus(); // the safe choice has focus first
  }

  function openRemoveDialog(contactId, email, opener, onRemoved) {
    showRemoveDialog({ mode: 'one', items: [{ contactId, email }], opener, onRemoved });
  }

  function openRemoveManyDialog(items, opener, onRemoved) {
    showRemoveDialog({ mode: 'many', items, opener, onRemoved });
  }

  // Asks the server which contacts the activity created (a dry run changes nothing), then shows them.
  async function openRemoveActivityDialog(activity, opener, onRemoved) {
    opener.disabled = true;
    try {
      const r = await postJSON('/api/v1/remove_activity', { activity_id: activity.id, dry_run: true });
      const items = (Array.isArray(r.contacts) ? r.contacts : []).map((c) => ({ contactId: c.contact_id, email: c.email }));
      showRemoveDialog({ mode: 'activity', items, activity, opener, onRemoved });
    } catch (e) {
      if (!e.silent) flash('error', `The contacts of that activity could not be read: ${e.message}`);
    } finally {
      opener.disabled = false;
    }
  }

  function setRemoveBusy(busy) {
    $('remove-confirm').disabled = busy;
    $('remove-cancel').disabled = busy;
    $('remove-allow').disabled = busy;
    $('remove-confirm').textContent = busy ? 'Removing…' : 'Remove';
  }

  function closeRemoveDialog() {
    const dlg = $('remove-dialog');
    if (dlg && dlg.open) dlg.close();
  }

  function onRemoveClosed() {
    const st = removeState;
    removeState = null;
    if (st && st.opener && st.opener.isConnected) st.opener.focus();
    else if (!$('app').hidden) $('main').focus();
  }

  function removedFlash(text) {
    const syncCtl = syncControl('Sync now', 'flash-sync');
    flash('ok', text, ' ', syncCtl.button, syncCtl.result);
  }

  function removeErrorText(e) {
    return e.status === 409
      ? `kith did not create this contact, so it cannot remove it (R50): ${e.message}`
      : e.status === 404 ? `No such contact: ${e.message}` : e.message;
  }

  async function onRemoveConfirm(ev) {
    ev.preventDefault();
    const st = removeState;
    if (!st) return;
    const allow = $('remove-allow').checked;
    const after = allow ? 'kith may create them again.' : 'their addresses are suppressed.';
    setRemoveBusy(true);
    try {
      if (st.mode === 'one') {
        const r = await postJSON('/api/v1/remove', { contact_id: st.items[0].contactId, allow_recreate: allow });
        const id = (r && r.contact_id) || st.items[0].contactId;
        const email = (r && r.email) || st.items[0].email;
        closeRemoveDialog();
        removedFlash(`Contact ${id} (${email}) will be removed at the next sync${allow
          ? '; kith may create a contact for this address again.' : '; its address is suppressed: kith will not create it again.'}`);
        if (st.onRemoved) st.onRemoved(r);
      } else if (st.mode === 'activity') {
        const r = await postJSON('/api/v1/remove_activity', { activity_id: st.activity.id, allow_recreate: allow });
        const n = Array.isArray(r.contacts) ? r.contacts.length : 0;
        closeRemoveDialog();
        removedFlash(`${plural(n, 'contact', 'contacts')} kith created from '${st.activity.subject || st.activity.id}' will be removed at the next sync; ${after}`);
        if (st.onRemoved) st.onRemoved(r);
      } else {
        // One request a contact: each is its own decision, and one refused leaves the others done.
        const failed = [];
        let done = 0;
        for (const it of st.items) {
          try {
            await postJSON('/api/v1/remove', { contact_id: it.contactId, allow_recreate: allow });
            done++;
          } catch (e) {
            if (e.silent) return;
            failed.push(`${it.contactId}: ${removeErrorText(e)}`);
          }
        }
        closeRemoveDialog();
        if (failed.length) {
          flash('error', `${fmtNumber(done)} of ${plural(st.items.length, 'contact', 'contacts')} will be removed at the next sync; `
            + `not removed: ${failed.join('; ')}`);
        } else {
          removedFlash(`${plural(done, 'contact', 'contacts')} will be removed at the next sync; ${after}`);
        }
        if (st.onRemoved) st.onRemoved({ done, failed });
      }
    } catch (e) {
      if (e.silent) return;
      const err = $('remove-error');
      err.textContent = removeErrorText(e);
      err.hidden = false;
      setRemoveBusy(false);
      $('remove-cancel').focus();
    }
  }

  // ---- Created contacts ----

  // A "Download CSV" button for PATH and the line beside it that says how the download went.
  function csvControl(path, fallbackName, buttonTestid, statusTestid) {
    const status = h('p', { class: 'muted', role: 'status', testid: statusTestid });
    const button = h('button', { type: 'button', testid: buttonTestid, onclick: async () => {
      button.disabled = true;
      status.textContent = 'Preparing the CSV file…';
      try {
        await downloadCsv(path, fallbackName);
        status.textContent = 'The CSV file was downloaded.';
      } catch (e) {
        status.textContent = e.silent ? '' : `The download failed: ${e.message}`;
      } finally {
        button.disabled = false;
      }
    } }, 'Download CSV');
    return h('div', { class: 'toolbar' }, button, status);
  }

  // A name with its Id beneath it, small; the Id alone when the store has no name for it.
  function namedId(name, id) {
    if (!id) return h('span', { class: 'muted' }, '–');
    // One element, so a stacked table's cell (a grid of label and value) keeps both in its value.
    return name ? h('span', { class: 'named' }, h('span', { class: 'name' }, name), h('span', { class: 'mono small muted block' }, id))
      : h('span', { class: 'mono' }, id);
  }

  // The Created table's columns that sort, with the value each sorts by.
  const CREATED_SORTS = {
    name: (c) => `${c.LastName || ''} ${c.FirstName || ''}`,
    email: (c) => c.Email || '',
    title: (c) => c.Title || '',
    account: (c) => c.AccountName || c.AccountId || '',
    owner: (c) => c.OwnerName || c.OwnerId || '',
    created: (c) => c.CreatedDate || '',
  };

  function viewCreated(view) {
    const results = h('div', { class: 'results', testid: 'created-results' }, loading());
    view.append(heading('Created contacts'),
      h('p', { class: 'lead' }, 'Every contact kith created (Created_By_Kith__c = true) that is in the CRM now.'),
      csvControl('/api/v1/created?format=csv', 'kith-created.csv', 'download-csv', 'download-status'), results);
    guarded(results, async () => {
      const r = await getJSON('/api/v1/created?format=json');
      const contacts = Array.isArray(r.contacts) ? r.contacts : [];
      const count = h('p', { class: 'summary', testid: 'created-count', 'aria-live': 'polite' },
        plural(contacts.length, 'contact', 'contacts'));
      results.append(count);
      if (!contacts.length) return;
      results.append(createdTable(contacts, count));
    });
  }

  // The created contacts with search, sorting by column and a choice of rows to remove together.
  function createdTable(contacts, count) {
    const st = { q: '', key: 'created', dir: -1, selected: new Set() };
    const byId = new Map(contacts.map((c) => [c.Id, c]));
    const search = h('input', { id: 'created-q', type: 'search', testid: 'created-q', autocomplete: 'off', spellcheck: 'false',
      placeholder: 'name, address, title, account or owner' });
    const removeSelected = h('button', { type: 'button', class: 'danger', testid: 'created-remove-selected', disabled: true },
      'Remove selected');
    const selectAll = h('input', { type: 'checkbox', testid: 'created-select-all', 'aria-label': 'Select every contact shown' });
    const tbody = h('tbody');
    const sortButtons = {};
    const th = (key, label) => {
      if (!key) return h('th', { scope: 'col' }, label);
      sortButtons[key] = h('button', { type: 'button', class: 'sort', testid: `created-sort-${key}`,
        onclick: () => {
          st.dir = st.key === key ? -st.dir : (key === 'created' ? -1 : 1);
          st.key = key;
          draw();
        } }, label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
      return h('th', { scope: 'col', 'data-sort': key }, sortButtons[key]);
    };
    const columns = [['', ''], ['name', 'Contact'], ['title', 'Title'], ['account', 'Account'], ['owner', 'Owner'],
      ['created', 'Created'], ['', '']];
    const labels = ['Select', 'Contact', 'Title', 'Account', 'Owner', 'Created', ''];
    const thead = h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'select' }, selectAll),
      columns.slice(1, -1).map(([key, label]) => th(key, label)), h('th', { scope: 'col', class: 'actions' },
        h('span', { class: 'visually-hidden' }, 'Actions'))));

    const shown = () => {
      const words = st.q.toLowerCase().split(/\s+/).filter(Boolean);
      const rows = contacts.filter((c) => {
        const text = [c.FirstName, c.LastName, c.Email, c.Title, c.Phone, c.AccountName, c.AccountId, c.OwnerName, c.OwnerId, c.Id]
          .join(' ').toLowerCase();
        return words.every((w) => text.includes(w));
      });
      const key = CREATED_SORTS[st.key];
      return rows.sort((a, b) => st.dir * key(a).localeCompare(key(b), undefined, { sensitivity: 'base' })
        || (a.Id || '').localeCompare(b.Id || ''));
    };

    const row = (c) => {
      const box = h('input', { type: 'checkbox', testid: 'created-select', 'aria-label': `Select ${c.Email || c.Id}`,
        checked: st.selected.has(c.Id), onchange: (ev) => {
          if (ev.target.checked) st.selected.add(c.Id); else st.selected.delete(c.Id);
          update();
        } });
      const cells = [
        h('td', { class: 'select' }, c.Id ? box : null),
        h('td', { class: 'contact' }, h('div', {}, h('span', { class: 'name block' }, [c.FirstName, c.LastName].filter(Boolean).join(' ')),
          explainLink(c.Email, 'created-email-link'), h('span', { class: 'mono small muted block' }, c.Id || ''))),
        h('td', { class: 'title' }, h('div', {}, c.Title || '', c.Phone ? h('span', { class: 'small muted block nowrap' }, c.Phone) : null)),
        h('td', { testid: 'created-account' }, namedId(c.AccountName, c.AccountId)),
        h('td', { testid: 'created-owner' }, namedId(c.OwnerName, c.OwnerId)),
        h('td', { class: 'nowrap' }, timeEl(c.CreatedDate)),
        h('td', { class: 'actions' }, c.Id ? removeButton(c.Id, c.Email, () => render(), 'remove-button') : null),
      ];
      cells.forEach((cell, i) => { if (labels[i]) cell.dataset.label = labels[i]; });
      return h('tr', { testid: 'created-row', 'data-id': c.Id || '', 'data-email': c.Email || '' }, cells);
    };

    let visible = [];
    const update = () => {
      const ids = visible.map((c) => c.Id).filter(Boolean);
      const chosen = ids.filter((id) => st.selected.has(id));
      selectAll.checked = ids.length > 0 && chosen.length === ids.length;
      selectAll.indeterminate = chosen.length > 0 && chosen.length < ids.length;
      removeSelected.disabled = st.selected.size === 0;
      removeSelected.textContent = st.selected.size ? `Remove selected (${fmtNumber(st.selected.size)})` : 'Remove selected';
    };
    const draw = () => {
      visible = shown();
      clear(tbody).append(...visible.map(row));
      count.textContent = visible.length === contacts.length ? plural(contacts.length, 'contact', 'contacts')
        : `${fmtNumber(visible.length)} of ${plural(contacts.length, 'contact', 'contacts')}`;
      for (const [key, button] of Object.entries(sortButtons)) {
        const cell = button.parentElement;
        if (key === st.key) cell.setAttribute('aria-sort', st.dir > 0 ? 'ascending' : 'descending');
        else cell.removeAttribute('aria-sort');
        button.lastChild.textContent = key === st.key ? (st.dir > 0 ? ' ▲' : ' ▼') : '';
      }
      update();
    };
    search.addEventListener('input', () => {
      st.q = search.value.trim();
      draw();
    });
    selectAll.addEventListener('change', () => {
      for (const c of visible) if (c.Id) { if (selectAll.checked) st.selected.add(c.Id); else st.selected.delete(c.Id); }
      draw();
    });
    removeSelected.addEventListener('click', () => {
      const items = [...st.selected].map((id) => byId.get(id)).filter(Boolean)
        .map((c) => ({ contactId: c.Id, email: c.Email, name: [c.FirstName, c.LastName].filter(Boolean).join(' ') }));
      openRemoveManyDialog(items, removeSelected, () => render());
    });
    draw();
    return h('div', {},
      h('div', { class: 'filters', role: 'search', testid: 'created-tools' },
        h('div', { class: 'field grow' }, h('label', { for: 'created-q' }, 'Search'), search),
        h('div', { class: 'field buttons' }, removeSelected)),
      h('div', { class: 'table-wrap' },
        h('table', { testid: 'created-table', class: 'stack created' },
          h('caption', { class: 'visually-hidden' }, 'Contacts kith created'), thead, tbody)));
  }

  // ---- Alternate addresses (R43) ----

  function viewAlternates(view) {
    const results = h('div', { class: 'results', testid: 'alternates-results' }, loading());
    view.append(heading('Alternate addresses'),
      h('p', { class: 'lead' }, 'Addresses kith kept from becoming a second contact for one person (R43): '
        + 'mail came from this address under the name of a contact already on the same account, so kith '
        + 'linked the activity to that contact and created no other. Explain an address to see each decision.'),
      csvControl('/api/v1/alternates?format=csv', 'kith-alternates.csv', 'alternates-download-csv',
        'alternates-download-status'), results);
    guarded(results, async () => {
      const r = await getJSON('/api/v1/alternates?format=json');
      const rows = Array.isArray(r.alternates) ? r.alternates : [];
      results.append(h('p', { class: 'summary', testid: 'alternates-count' },
        plural(rows.length, 'address', 'addresses')));
      if (!rows.length) {
        results.append(h('p', { class: 'muted', testid: 'alternates-empty' },
          'No address has been kept from becoming a second contact.'));
        return;
      }
      results.append(table('alternates-table', [
        { label: 'Address' }, { label: 'Name seen' }, { label: 'Found to be' }, { label: 'Account' },
        { label: 'Last seen' }, { label: '', cls: 'actions' },
      ], rows.map((a) => h('tr', { testid: 'alternate-row', 'data-email': a.Email || '',
        'data-contact-id': a.ContactId || '' },
      h('td', {}, explainLink(a.Email, 'alternate-email-link')),
      h('td', {}, [a.FirstName, a.LastName].filter(Boolean).join(' ')),
      h('td', { class: 'mono', testid: 'alternate-contact-id' }, a.ContactId || ''),
      h('td', { testid: 'alternate-account' }, namedId(a.AccountName, a.AccountId)),
      h('td', { class: 'nowrap' }, timeEl(a.Seen)),
      h('td', { class: 'actions' }, a.Email ? h('a', { class: 'button small', testid: 'alternate-explain',
        href: `#/explain${query({ email: a.Email })}`, 'aria-label': `Explain ${a.Email}` }, 'Explain') : null))),
      'Addresses kept from becoming a second contact', { stack: true }));
    });
  }

  // ---- Review (docs/review.md) ----
  // Decisions a person should look at: alternates (R43), people at an Account with no name (R22), and
  // contacts made from an activity with many participants. Each item is accepted or rejected here.

  const REVIEW_KINDS = {
    alternate: { badge: 'Alternate address', rule: 'R43' },
    missing_name: { badge: 'No name', rule: 'R22' },
    many_participants: { badge: 'Many participants', rule: 'R29' },
  };

  function reviewAccount(it) {
    if (!it.account_id) return 'no account';
    return it.account_name ? `${it.account_name} (${it.account_id})` : it.account_id;
  }

  function reviewWhat(it) {
    const name = [it.first_name, it.last_name].filter(Boolean).join(' ');
    const contact = it.contact_name ? `${it.contact_id} (${it.contact_name})` : it.contact_id;
    if (it.kind === 'alternate') {
      return `Mail named this address ${name || 'with no name'}, like contact ${contact} on ${reviewAccount(it)}, `
        + 'so kith linked it to that contact and created no second one.';
    }
    if (it.kind === 'missing_name') {
      const partial = name && !(it.first_name && it.last_name);
      return `Its domain matches ${reviewAccount(it)}, but no mail gave a ${partial ? 'full ' : ''}name`
        + `${partial ? ` (only ${name})` : ''}, so kith created no contact.`;
    }
    return `kith created contact ${contact} on ${reviewAccount(it)} from an activity naming `
      + `${plural(it.participants || 0, 'address', 'addresses')}.`;
  }

  // The name fields of an item that can be created; prefilled with what mail showed.
  function nameFields(it) {
    const first = h('input', { type: 'text', id: `review-first-${it.id}`, value: it.first_name || '',
      autocomplete: 'off', spellcheck: 'false', testid: 'review-first-name' });
    const last = h('input', { type: 'text', id: `review-last-${it.id}`, value: it.last_name || '',
      autocomplete: 'off', spellcheck: 'false', testid: 'review-last-name' });
    const box = h('div', { class: 'review-names' },
      h('div', { class: 'field' }, h('label', { for: `review-first-${it.id}` }, 'First name'), first),
      h('div', { class: 'field' }, h('label', { for: `review-last-${it.id}` }, 'Last name'), last));
    return { box, first, last };
  }

  function reviewItem(it, onDone) {
    const kind = REVIEW_KINDS[it.kind] || { badge: humanize(it.kind), rule: '' };
    const open = it.state === 'open';
    const message = h('p', { class: 'message message-error', role: 'alert', testid: 'review-error', hidden: true });
    const actions = h('div', { class: 'review-actions' });
    const li = h('li', { class: `review-item state-${it.state}`, testid: 'review-item', 'data-id': it.id,
      'data-kind': it.kind, 'data-email': it.email || '', 'data-state': it.state },
    h('div', { class: 'decision-head' },
      h('span', { class: `badge kind-${it.kind}` }, kind.badge),
      kind.rule ? h('span', { class: 'rule', title: `rule ${kind.rule}` }, kind.rule) : null,
      open ? null : h('span', { class: `badge state-${it.state}`, testid: 'review-state' }, it.state),
      h('span', { class: 'muted small' }, `item ${it.id}`)),
    h('h2', { class: 'review-email' }, explainLink(it.email, 'review-email-link')),
    h('p', { class: 'sentence', testid: 'review-what' }, reviewWhat(it)),
    h('p', { class: 'muted small review-meta' },
      it.subject || it.activity_id ? ['Activity: ', it.subject ? `“${it.subject}” ` : '',
        h('span', { class: 'mono' }, it.activity_id || '')] : null,
      it.seen ? [' · last seen ', timeEl(it.seen)] : null),
    it.decision ? h('p', { class: 'small', testid: 'review-decision' }, `Done ${fmtTime(it.decided_at)}: ${it.decision}`) : null,
    message, actions);
    if (!open) return li;

    const buttons = [];
    const send = async (verb, body, button) => {
      for (const b of buttons) b.disabled = true;
      const label = button.textContent;
      button.textContent = 'Working…';
      message.hidden = true;
      try {
        const r = await postJSON(`/api/v1/review/${verb}`, { id: it.id, ...body });
        const parts = [`Item ${it.id} ${verb === 'accept' ? 'accepted' : 'rejected'}: ${r.message || r.decision || ''}.`];
        if (r.queued) {
          const syncCtl = syncControl('Sync now', 'flash-sync');
          flash('ok', `${parts[0]} The CRM changes at the next sync.`, ' ', syncCtl.button, syncCtl.result);
        } else {
          flash('ok', parts[0]);
        }
        onDone();
      } catch (e) {
        if (e.silent) return;
        message.textContent = e.message;
        message.hidden = false;
        for (const b of buttons) b.disabled = false;
        button.textContent = label;
        button.focus();
      }
    };
    const btn = (label, cls, testid, onclick) => {
      const b = h('button', { type: 'button', class: `small ${cls}`, testid });
      b.textContent = label;
      b.addEventListener('click', () => onclick(b));
      buttons.push(b);
      return b;
    };

    // Rejecting suppresses the address (and removes a created contact): asked twice, in place.
    const confirmBox = h('div', { class: 'review-confirm', testid: 'review-confirm', hidden: true },
      h('p', { class: 'small' }, it.kind === 'many_participants'
        ? `kith will remove contact ${it.contact_id} and its roles at the next sync, and not create ${it.email} again (R50).`
        : `kith will not create a contact for ${it.email} (R50). 'kith unsuppress' lifts it.`));
    const reject = btn(it.kind === 'many_participants' ? 'Remove…' : 'Reject…', '', 'review-reject', () => {
      confirmBox.hidden = false;
      reject.hidden = true;
      confirmReject.focus();
    });
    const confirmReject = btn(it.kind === 'many_participants' ? 'Remove and suppress' : 'Suppress the address',
      'danger', 'review-reject-confirm', (b) => send('reject', {}, b));
    const cancelReject = btn('Cancel', '', 'review-reject-cancel', () => {
      confirmBox.hidden = true;
      reject.hidden = false;
      reject.focus();
    });
    confirmBox.append(h('div', { class: 'review-buttons' }, confirmReject, cancelReject));

    if (it.kind === 'alternate') {
      actions.append(h('div', { class: 'review-buttons' },
        btn(`Same person: link to ${it.contact_id}`, 'primary', 'review-merge', (b) => send('accept', {}, b)),
        btn('Create a separate contact', '', 'review-create', (b) => send('accept', { create: true }, b)),
        reject));
    } else if (it.kind === 'missing_name') {
      const names = nameFields(it);
      actions.append(names.box, h('div', { class: 'review-buttons' },
        btn('Create the contact', 'primary', 'review-create', (b) => send('accept',
          { create: true, first_name: names.first.value.trim(), last_name: names.last.value.trim() }, b)),
        reject));
    } else {
      actions.append(h('div', { class: 'review-buttons' },
        btn('Keep the contact', 'primary', 'review-keep', (b) => send('accept', {}, b)), reject));
    }
    actions.append(confirmBox);
    return li;
  }

  function viewReview(view, params) {
    const all = params.get('state') === 'all';
    const toggle = h('label', { class: 'checkbox' },
      h('input', { type: 'checkbox', checked: all, testid: 'review-all',
        onchange: (ev) => go('review', ev.target.checked ? { state: 'all' } : {}) }),
      'Show decided and settled items too');
    const results = h('div', { class: 'results', testid: 'review-results' }, loading());
    view.append(heading('Review'),
      h('p', { class: 'lead' }, 'Decisions that deserve a person: addresses kept from becoming a second contact '
        + 'for one person (R43), people at an Account skipped because no mail gave their name (R22), and contacts '
        + 'created from an activity with many participants. Accepting or rejecting one is logged like any decision; '
        + 'CRM changes wait for the next sync.'),
      h('div', { class: 'toolbar' }, toggle), results);
    guarded(results, async () => {
      const r = await getJSON(`/api/v1/review${query({ state: all ? 'all' : '' })}`);
      const items = Array.isArray(r.items) ? r.items : [];
      const openCount = items.filter((x) => x.state === 'open').length;
      results.append(h('p', { class: 'summary', testid: 'review-count' },
        `${plural(openCount, 'item', 'items')} to review`));
      if (!items.length) {
        results.append(h('p', { class: 'muted', testid: 'review-empty' }, 'Nothing waits for a person.'));
        return;
      }
      results.append(h('ol', { class: 'review-list', testid: 'review-list' },
        items.map((it) => reviewItem(it, () => render()))));
    });
  }

  // Fetches the CSV at PATH with the token header and saves it; the token never goes into a URL.
  async function downloadCsv(path, fallbackName) {
    const res = await request(path);
    const blob = await res.blob();
    const cd = res.headers.get('Content-Disposition') || '';
    const m = /filename="?([^";]+)"?/i.exec(cd);
    const name = m && /^[A-Za-z0-9._-]+$/.test(m[1]) ? m[1] : fallbackName;
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, class: 'visually-hidden' }, name);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
  }

  // ---- Explain ----

  function viewExplain(view, params) {
    const email = (params.get('email') || '').trim();
    const form = h('form', { class: 'filters', role: 'search', testid: 'explain-form', 'aria-label': 'Explain an address' },
      h('div', { class: 'field grow' }, h('label', { for: 'explain-email' }, 'Email address'),
        h('input', { id: 'explain-email', name: 'email', type: 'text', inputmode: 'email', autocomplete: 'off',
          spellcheck: 'false', required: true, value: email, testid: 'explain-email',
          placeholder: 'jane.doe@example.com' })),
      h('div', { class: 'field buttons' }, h('button', { type: 'submit', class: 'primary', testid: 'explain-submit' }, 'Explain')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = String(new FormData(form).get('email') || '').trim();
      if (v === email) render(); else go('explain', { email: v });
    });
    view.append(heading('Explain an address'), form);
    if (!email) {
      view.append(h('p', { class: 'muted' }, 'Enter an address to see what the CRM has for it, the activities that named it, every decision kith took about it with its rule, and the changes still queued.'));
      return;
    }
    const out = h('div', { class: 'results', testid: 'explain-result', 'data-email': email }, loading());
    view.append(out);
    guarded(out, async () => {
      const r = await getJSON(`/api/v1/explain${query({ email })}`);
      const address = r.email || email;
      const people = Array.isArray(r.people) ? r.people : [];
      const acts = Array.isArray(r.activities) ? r.activities : [];
      const observed = Array.isArray(r.observed) ? r.observed : [];
      const decisions = Array.isArray(r.decisions) ? r.decisions : [];
      const queued = Array.isArray(r.queued) ? r.queued : [];
      out.append(h('h2', { class: 'address', testid: 'explain-address' }, address));
      out.append(suppressionLine(Boolean(r.suppressed), address));

      out.append(h('section', { 'aria-labelledby': 'ex-crm' }, h('h3', { id: 'ex-crm' }, 'In the CRM'),
        people.length ? table('explain-people', [{ label: 'Type' }, { label: 'Id' }, { label: 'Account' }, { label: 'Owner' },
          { label: 'Created by kith' }, { label: '', cls: 'actions' }],
        people.map((p) => h('tr', { testid: 'explain-person', 'data-id': p.id || '', 'data-type': p.type || '' },
          h('td', {}, p.type || ''), h('td', { class: 'mono' }, p.id || ''),
          h('td', { testid: 'explain-person-account' }, p.type === 'Lead' ? (p.company || '') : namedId(p.account_name, p.account_id)),
          h('td', { testid: 'explain-person-owner' }, namedId(p.owner_name, p.owner_id)),
          h('td', {}, p.created_by_kith ? 'yes' : 'no'),
          h('td', { class: 'actions' }, removalCell(p, queued, address)))), 'Contacts and leads with this address', { stack: true })
          : h('p', { class: 'muted', testid: 'explain-people-empty' }, 'No Contact or Lead has this address.'),
        people.map((p) => personFields(p))));

      out.append(h('section', { 'aria-labelledby': 'ex-obs' }, h('h3', { id: 'ex-obs' }, 'What the activities showed'),
        observed.length ? table('explain-observed', [{ label: 'Field' }, { label: 'Value' }, { label: 'From' }],
          observed.map((o) => h('tr', { testid: 'explain-observed-row', 'data-field': o.field || '', 'data-source': o.source || '' },
            h('td', {}, o.field || ''), h('td', {}, o.value || ''), h('td', {}, evidenceText(o)))), 'The newest value each activity showed',
          { stack: true })
          : h('p', { class: 'muted', testid: 'explain-observed-empty' }, 'kith keeps no observation of this address.')));

      out.append(h('section', { 'aria-labelledby': 'ex-acts' }, h('h3', { id: 'ex-acts' }, 'Activities naming it'),
        acts.length ? table('explain-activities', [{ label: 'Time' }, { label: 'Kind' }, { label: 'Subject' },
          { label: 'As' }, { label: 'State' }, { label: 'Reason' }, { label: 'Id' }, { label: '', cls: 'actions' }],
        acts.map((a) => h('tr', { testid: 'explain-activity', 'data-id': a.id || '' }, h('td', { class: 'nowrap' }, timeEl(a.time)),
          h('td', {}, a.kind || ''), h('td', {}, a.subject || ''), h('td', {}, a.role || ''),
          h('td', {}, a.state || ''), h('td', {}, a.reason ? humanize(a.reason) : ''),
          h('td', { class: 'mono small' }, a.id || ''),
          h('td', { class: 'actions' }, a.contacts_created > 0 ? h('button', { type: 'button', class: 'danger small',
            testid: 'explain-remove-activity', 'data-activity-id': a.id,
            'aria-label': `Remove the contacts kith created from ${a.subject || a.id}`,
            onclick: (ev) => openRemoveActivityDialog(a, ev.currentTarget, () => render()) },
          `Remove the ${plural(a.contacts_created, 'contact', 'contacts')} created from it`) : null))), 'Activities', { stack: true })
          : h('p', { class: 'muted' }, 'No activity names this address.')));

      out.append(h('section', { 'aria-labelledby': 'ex-dec' }, h('h3', { id: 'ex-dec' }, 'Decisions'),
        decisions.length ? h('ol', { class: 'decisions', testid: 'explain-decisions' },
          decisions.map((d) => h('li', { testid: 'explain-decision', 'data-action': d.action || '', 'data-rule': d.rule || '' },
            h('div', { class: 'decision-head' }, timeEl(d.time), ' ',
              h('span', { class: `badge action-${d.action}` }, humanize(d.action)),
              d.reason ? h('span', { class: 'muted' }, ` ${humanize(d.reason)}`) : null,
              d.rule ? h('span', { class: 'rule', title: `rule ${d.rule}` }, d.rule) : null,
              d.object_id ? h('span', { class: 'mono small muted' }, ` ${d.object_id}`) : null),
            d.detail_named || d.detail ? h('p', { class: 'sentence' }, d.detail_named || d.detail) : null,
            d.activity ? h('p', { class: 'small muted decision-activity', testid: 'explain-decision-activity' },
              `on the ${d.activity.kind || 'activity'} '${d.activity.subject || ''}' of `, timeEl(d.activity.time), ' ',
              h('span', { class: 'mono' }, d.activity.id || '')) : null)))
          : h('p', { class: 'muted' }, 'kith has taken no decision about this address.')));

      out.append(h('section', { 'aria-labelledby': 'ex-q' }, h('h3', { id: 'ex-q' }, 'Queued changes'),
        queued.length ? table('explain-queued', [{ label: 'Change' }, { label: 'Object Id' }, { label: 'Rule' }, { label: 'Detail' }],
          queued.map((q) => h('tr', { testid: 'explain-queued-row' }, h('td', {}, humanize(q.op)),
            h('td', { class: 'mono' }, q.object_id || ''), h('td', { class: 'mono' }, q.rule || ''),
            h('td', { class: 'detail' }, q.detail || ''))), 'Changes waiting in the outbox', { stack: true })
          : h('p', { class: 'muted', testid: 'explain-queued-empty' }, 'Nothing is queued for this address.')));
    });
  }

  // "the signature of 'Re: pricing' (email, 2026-04-11 14:02)": where a value came from.
  function evidenceText(ev) {
    const a = ev.activity || {};
    return h('span', { class: 'evidence', testid: 'evidence' },
      h('span', { class: `badge source-${String(ev.source || '').replace(/\W+/g, '-')}`, testid: 'evidence-source' }, ev.source || ''),
      ' of ', h('q', { testid: 'evidence-subject' }, a.subject || a.id || ''), ' ',
      h('span', { class: 'muted nowrap' }, `(${a.kind || 'activity'}, `, timeEl(a.time || ev.time), ')'));
  }

  // A Contact's or Lead's own fields, each with the activity its value came from.
  function personFields(p) {
    const fields = Array.isArray(p.fields) ? p.fields : [];
    if (!fields.length) return null;
    return h('div', { class: 'person-fields', testid: 'explain-fields', 'data-id': p.id || '' },
      h('h4', {}, `${p.type || 'Contact'} ${p.id || ''}: its fields and where each came from`),
      table('explain-fields-table', [{ label: 'Field' }, { label: 'Value' }, { label: 'From' }],
        fields.map((f) => h('tr', { testid: 'explain-field', 'data-field': f.field || '',
          'data-source': f.evidence ? f.evidence.source || '' : 'crm' },
        h('td', {}, f.field || ''), h('td', {}, f.value || ''),
        h('td', {}, f.evidence ? evidenceText(f.evidence)
          : h('span', { class: 'muted', testid: 'evidence' }, 'the CRM: no activity kith holds shows this value')))),
      `The fields of ${p.id || 'this record'}`, { stack: true }));
  }

  // Whether kith may create a contact for the address, and the button that lifts a suppression (R50).
  function suppressionLine(suppressed, address) {
    const line = h('p', { class: `badge-line ${suppressed ? 'bad' : ''}`, testid: 'explain-suppressed',
      'data-suppressed': String(suppressed) });
    if (!suppressed) {
      return append(line, [h('span', { class: 'badge' }, 'not suppressed'), ' kith may create a contact for this address.']);
    }
    const button = h('button', { type: 'button', class: 'small', testid: 'explain-unsuppress', onclick: async () => {
      button.disabled = true;
      try {
        const r = await postJSON('/api/v1/unsuppress', { email: address });
        flash('ok', `${(r && r.email) || address} is no longer suppressed: kith may create a contact for it again.`);
        render();
      } catch (e) {
        if (!e.silent) flash('error', `The address could not be unsuppressed: ${e.message}`);
        button.disabled = false;
      }
    } }, 'Unsuppress');
    return append(line, [h('span', { class: 'badge warn' }, 'suppressed'),
      ' kith skips this address in every activity and will not create a contact for it again (R50). ', button]);
  }

  // A Remove button for a contact kith created, or a note when its removal already waits in the outbox.
  function removalCell(p, queued, email) {
    if (p.type !== 'Contact' || !p.created_by_kith || !p.id) return null;
    if (queued.some((q) => q.object_id === p.id && /remov|delet/i.test(q.op || ''))) {
      return h('span', { class: 'badge warn', testid: 'explain-removal-queued' }, 'removal queued');
    }
    return removeButton(p.id, email, () => render(), 'explain-remove');
  }

  // ---- Configuration ----

  function viewConfig(view) {
    const out = h('div', { class: 'results' }, loading());
    view.append(heading('Configuration'), out);
    guarded(out, async () => {
      const r = await getJSON('/api/v1/config');
      out.append(h('p', { class: 'muted', testid: 'config-path' }, r.path ? ['Read from ', h('span', { class: 'mono' }, r.path)]
        : 'No configuration file: the built-in defaults.'),
      h('pre', { class: 'config', testid: 'config-text', tabindex: '0', 'aria-label': 'The configuration as kith understood it' },
        r.text || ''));
    });
  }

  // ---- De-duplication ----

  function viewDedup(view) {
    const out = h('div', { class: 'results', testid: 'dedup-result' });
    const button = h('button', { type: 'button', class: 'primary', testid: 'dedup-preview', onclick: async () => {
      button.disabled = true;
      clear(out).append(loading());
      await guarded(out, async () => {
        const r = await postJSON('/api/v1/dedup', { dry_run: true });
        const plan = Array.isArray(r.plan) ? r.plan : [];
        out.append(h('p', { class: 'summary', testid: 'dedup-summary' },
          `${plural(r.groups || 0, 'group', 'groups')} of duplicates: ${fmtNumber(r.deleted || 0)} to delete, `
          + `${fmtNumber(r.kept || 0)} kept, ${plural(r.roles_moved || 0, 'role', 'roles')} to move. Nothing has changed yet.`));
        if (!plan.length) {
          out.append(h('p', { class: 'muted', testid: 'dedup-empty' }, 'No duplicates: nothing to do.'));
          return;
        }
        out.append(table('dedup-plan', [{ label: 'What' }, { label: 'Email' }, { label: 'Id' }, { label: 'Detail' }],
          plan.map((p) => h('tr', { testid: 'dedup-row', 'data-what': p.what || '' },
            h('td', {}, h('span', { class: `badge what-${p.what}` }, humanize(p.what))),
            h('td', {}, explainLink(p.email, 'dedup-email-link')), h('td', { class: 'mono' }, p.id || ''),
            h('td', { class: 'detail' }, p.detail || ''))), 'The de-duplication plan', { stack: true }));
      });
      button.disabled = false;
    } }, 'Preview');
    view.append(heading('De-duplication'),
      h('p', { class: 'lead' }, 'Contacts kith created twice for one address are merged into the oldest one (R40–R42): '
        + 'the others are deleted and their roles move to it. Contacts that kith did not create are never deleted. '
        + 'The preview changes nothing.'),
      h('div', { class: 'toolbar' }, button), out);
  }

  const VIEWS = {
    dashboard: viewDashboard, log: viewLog, created: viewCreated, alternates: viewAlternates, review: viewReview,
    explain: viewExplain,
    config: viewConfig, dedup: viewDedup,
  };

  // ---- Start ----

  function start() {
    $('login-form').addEventListener('submit', onLogin);
    $('sign-out').addEventListener('click', () => signOut('You are signed out.'));
    $('remove-form').addEventListener('submit', onRemoveConfirm);
    $('remove-cancel').addEventListener('click', closeRemoveDialog);
    $('remove-dialog').addEventListener('close', onRemoveClosed);
    $('remove-dialog').addEventListener('cancel', (ev) => {
      if ($('remove-confirm').disabled) ev.preventDefault(); // not while the request runs
    });
    window.addEventListener('hashchange', () => {
      closeRemoveDialog();
      render();
    });
    render();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
