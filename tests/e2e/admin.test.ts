import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases, sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { emailedSignIn } from '../helpers/sign-in.ts';
import { useSiteDatabase } from '../helpers/db.ts';

// The author's dashboard against the built site: who gets in (signed out → sign-in and back,
// a buyer → 403 with no figures, the author → the figures), its headers, and how it looks at
// desktop and phone widths (screenshots in tests/.tmp/screenshots/, looked at by a person).

const AUTHOR = 'author@example.com';
const BUYER = 'buyer@example.com';
// A Wednesday: Note 206 (dated Monday 30 November 07:00) waits for its slot.
const NOW = Date.parse('2026-11-25T10:00:00Z');
const DAY = 86_400_000;
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');

let server: RunningSite;
let browser: Browser;

async function seed() {
  const db = getDb();
  // About three hundred readers over half a year, faster lately; one in nine left again.
  let x = 7;
  const random = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  const rows: (typeof subscribers.$inferInsert)[] = [];
  for (let i = 0; i < 300; i++) {
    const ago = Math.floor(200 * Math.sqrt(random()) * DAY);
    const createdAt = NOW - ago;
    const leaves = i % 9 === 0 && ago > 2 * DAY;
    const leftAt = createdAt + Math.floor(random() * (ago - DAY));
    rows.push({
      email: `reader${i}@example.com`, lang: i % 3 === 0 ? 'it' : 'en', status: leaves ? 'unsubscribed' : 'active', source: '/', consentVersion: 'v1',
      consentAt: createdAt, confirmedAt: createdAt + 600_000, unsubscribedAt: leaves ? leftAt : null, createdAt, updatedAt: leaves ? leftAt : createdAt + 600_000,
    });
  }
  rows.push({ email: 'waiting@example.com', lang: 'en', status: 'pending', source: '/', consentVersion: 'v1', consentAt: NOW - DAY, createdAt: NOW - DAY, updatedAt: NOW - DAY });
  await db.insert(subscribers).values(rows);
  const monday = Date.parse('2026-11-23T06:00:00Z');
  await db.insert(sends).values([
    { noteNumber: 205, lang: 'en', noteLang: 'en', state: 'done', startedAt: monday, finishedAt: monday + 90_000, recipients: 900, sent: 899, failed: 1, bounced: 12, complained: 3 },
    { noteNumber: 205, lang: 'it', noteLang: 'it', state: 'done', startedAt: monday, finishedAt: monday + 60_000, recipients: 450, sent: 450, bounced: 2 },
    { noteNumber: 204, lang: 'en', noteLang: 'en', state: 'done', startedAt: monday - 7 * DAY, finishedAt: monday - 7 * DAY + 90_000, recipients: 880, sent: 880, bounced: 4 },
  ]);
  const at = (iso: string) => Date.parse(iso);
  const base = { lang: 'en', source: 'stripe' as const, currency: 'eur', createdAt: NOW - 30 * DAY, updatedAt: NOW - 30 * DAY };
  await db.insert(purchases).values([
    { ...base, email: BUYER, productId: 'okr-workshop-2027-03', status: 'paid', amount: 9700, purchasedAt: at('2026-11-20T09:00:00Z'), accessUntil: at('2027-03-26T17:00:00Z') },
    { ...base, email: 'ines@example.com', productId: 'okr-workshop-2027-03', status: 'paid', amount: 9700, purchasedAt: at('2026-10-20T09:00:00Z'), accessUntil: at('2027-03-26T17:00:00Z') },
    { ...base, email: 'olga@example.com', productId: 'okr-workshop-2027-03', status: 'refunded', amount: 9700, purchasedAt: at('2026-11-02T09:00:00Z') },
    { ...base, email: 'pia@example.com', productId: 'okr-coach', cohortId: 'spring-2027', status: 'paid', amount: 120000, purchasedAt: at('2026-11-24T09:00:00Z'), accessUntil: at('2027-09-30T21:59:00Z') },
    { ...base, email: 'guest@example.com', productId: 'okr-workshop-2027-03', source: 'grant', status: 'granted', amount: null, currency: null, purchasedAt: NOW - 20 * DAY, accessUntil: NOW + 3 * DAY },
  ]);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startSite(inject('sampleOutDir'), { ADMIN_EMAILS: `someone@example.com, ${AUTHOR.toUpperCase()}` }), launchChromium()]);
  await server.setClock(new Date(NOW).toISOString());
  useSiteDatabase(server);
  await seed();
});
afterAll(async () => {
  closeDb();
  await browser?.close();
  await server?.stop();
});

const signIn = (email: string, lang = '') => emailedSignIn(server.url, email, lang);

const get = (p: string, session?: string) => fetch(`${server.url}${p}`, { redirect: 'manual', headers: session ? { cookie: `drumbeat_session=${session}` } : {} });

function expectPrivate(res: Response) {
  expect(res.headers.get('cache-control')).toBe('private, no-store');
  expect(res.headers.get('x-robots-tag')).toMatch(/noindex/);
}

describe('who gets into /admin', { timeout: 60_000 }, () => {
  it('sends a signed-out visitor to the sign-in page of their language, with the way back', async () => {
    for (const [p, login] of [['/admin/', '/login/'], ['/it/admin/', '/it/login/'], ['/admin', '/login/'], ['/admin/notes/', '/login/'], ['/it/admin/notes/', '/it/login/']]) {
      const res = await get(p!);
      expect(res.status, p).toBe(303);
      const location = new URL(res.headers.get('location')!, server.url);
      expect(location.pathname).toBe(login);
      expect(location.searchParams.get('next')).toBe(p);
      expectPrivate(res);
      expect(await res.text()).toBe('');
    }
  });

  it('brings the author back to the page they asked for once the emailed link is used', async () => {
    const asked = await get('/it/admin/notes/');
    const loginUrl = new URL(asked.headers.get('location')!, server.url);
    const earlier = new Set(readOutbox(500).map((m) => m.name));
    const res = await fetch(loginUrl, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(AUTHOR)}` });
    expect(res.status).toBe(200);
    let link: string | undefined;
    await expect
      .poll(() => {
        const mail = readOutbox(100).find((m) => m.to === AUTHOR && !earlier.has(m.name) && /\/login\/verify\?token=/.test(m.html));
        link = mail && /https?:\/\/[^\s"<>]+\/login\/verify\?token=[^\s"<>]+/.exec(mail.text)![0].replace(/^https?:\/\/[^/]+/, server.url);
        return link;
      }, { timeout: 30_000, interval: 50 })
      .toBeDefined();
    expect(new URL(link!).searchParams.get('next')).toBe('/it/admin/notes/');
    const verify = await fetch(link!, { method: 'POST', redirect: 'manual', headers: { origin: server.url } });
    expect(verify.status).toBe(303);
    expect(verify.headers.get('location')).toBe('/it/admin/notes/');

    // A way back that leaves the site is dropped: the link then leads to the library as before.
    const other = await fetch(`${server.url}/login/?next=${encodeURIComponent('//evil.example/')}`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(BUYER)}` });
    expect(other.status).toBe(200);
    await expect.poll(() => readOutbox(100).filter((m) => m.to === BUYER && !earlier.has(m.name)).length, { timeout: 30_000, interval: 50 }).toBe(1);
    const mail = readOutbox(100).find((m) => m.to === BUYER && !earlier.has(m.name))!;
    expect(mail.text).not.toContain('evil.example');
  });

  it('answers 403 to a signed-in buyer, with no figure, address or title of the dashboard', async () => {
    const session = await signIn(BUYER);
    for (const p of ['/admin/', '/it/admin/', '/admin/notes/', '/it/admin/notes/']) {
      const res = await get(p, session);
      expect(res.status).toBe(403);
      expectPrivate(res);
      const html = await res.text();
      expect(html).toContain('<meta name="robots" content="noindex">');
      expect(html).toContain(BUYER);
      for (const secret of ['reader1@', 'guest@example.com', 'pia@example.com', '€1,200', '€97', 'Note 206', 'Active subscribers', 'Iscritti attivi', 'data-stat', 'data-note', 'Planning the year']) expect(html, secret).not.toContain(secret);
    }
  });

  it('shows the author the week: subscribers, the next send, the last sends, sales', async () => {
    const session = await signIn(AUTHOR);
    const res = await get('/admin/', session);
    expect(res.status).toBe(200);
    expectPrivate(res);
    const html = await res.text();
    expect(html).toContain('<meta name="robots" content="noindex">');
    const page = await browser.newPage();
    await page.context().addCookies([{ name: 'drumbeat_session', value: session, url: server.url }]);
    await page.goto(`${server.url}/admin/`);
    const text = (sel: string) => page.locator(sel).first().innerText();
    const active = Number((await text('[data-stat=active] .figure')).replace(/\D/g, ''));
    expect(active).toBeGreaterThan(200);
    expect(active).toBeLessThan(300);
    await expect(text('[data-stat=active] .langs')).resolves.toMatch(/English \d+\s+Italiano \d+/);
    await expect(text('[data-stat=revenue] .figure')).resolves.toBe('€1,297.00');
    await expect(text('[data-stat=revenue] .detail')).resolves.toBe('€1,394.00 in total');
    // The next send: Note 206 on Monday at 7 in the author's zone, to both languages.
    await expect(text('.next .when')).resolves.toBe('7 a.m. on Monday, November 30 (Italy Time)');
    await expect(text('.next .note')).resolves.toContain('Note 206');
    await expect(page.locator('.next tr[data-lang]').count()).resolves.toBe(2);
    // The last sends: 3 complaints in 899 is over 0.3 %: flagged.
    await expect(page.locator('tr[data-level=bad]').count()).resolves.toBe(1);
    await expect(text('tr[data-level=bad] [data-rate=complained]')).resolves.toMatch(/3\s+0\.33%/);
    await expect(page.locator('tr[data-level=bad] .badge').textContent()).resolves.toBe('above the limit');
    await expect(text('.sales tr[data-product=okr-coach]')).resolves.toContain('€1,200.00');
    await expect(text('[data-cohort=spring-2027] .left')).resolves.toBe('11 of 12 left');
    await expect(text('.ending-list')).resolves.toContain('guest@example.com');
    // No script is needed for any of it.
    await expect(page.locator('script').count()).resolves.toBe(0);
    await expect(page.locator('svg.chart-wide path.line').getAttribute('d')).resolves.toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){25}$/);

    mkdirSync(SHOTS, { recursive: true });
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-en-${width}.png`), fullPage: true });
      if (width < 500) {
        await page.screenshot({ path: path.join(SHOTS, `admin-en-${width}-top.png`) });
        await page.locator('[aria-labelledby=sends-h]').screenshot({ path: path.join(SHOTS, `admin-en-${width}-sends.png`) });
      }
      // Nothing sticks out sideways on a phone.
      const overflow = await page.evaluate(() => {
        const edge = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > edge + 0.5).map((e) => `${e.tagName}.${e.className}`).slice(0, 5);
      });
      expect(overflow, `sticking out at ${width}px`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SHOTS, 'admin-en-390-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${server.url}/it/admin/`);
    await expect(text('h1')).resolves.toBe('Pannello');
    await expect(text('.next .when')).resolves.toBe('lunedì 30 novembre alle 07:00 (ora dell’Europa centrale)');
    await page.screenshot({ path: path.join(SHOTS, 'admin-it-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, 'admin-it-1280.png'), fullPage: true });
    await page.close();
  });

  it('lists the Notes for the author: published, waiting with its send, missing translations', async () => {
    const session = await signIn(AUTHOR);
    const res = await get('/admin/notes/', session);
    expect(res.status).toBe(200);
    expectPrivate(res);
    const page = await browser.newPage();
    await page.context().addCookies([{ name: 'drumbeat_session', value: session, url: server.url }]);
    await page.goto(`${server.url}/admin/notes/`);
    const row = (n: number) => page.locator(`tr[data-note="${n}"]`);
    await expect(row(206).locator('[data-lang=en]').getAttribute('data-state')).resolves.toBe('waiting');
    await expect(row(206).locator('.newsletter').innerText()).resolves.toBe('Goes out at 7 a.m. on Monday, November 30 (Italy Time)');
    await expect(row(205).getAttribute('data-newsletter')).resolves.toBe('sent');
    await expect(row(205).locator('.newsletter').innerText()).resolves.toBe('Sent: English 899/900 · Italiano 450/450');
    await expect(row(205).locator('[data-lang=it] a').getAttribute('href')).resolves.toMatch(/^\/it\/notes\/205-/);
    await expect(row(199).locator('[data-lang=it]').getAttribute('data-state')).resolves.toBe('missing');
    await expect(row(203).getAttribute('data-newsletter')).resolves.toBe('missed');
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-notes-en-${width}.png`), fullPage: width > 500 });
    }
    await page.close();
  });
});
