import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { consentTexts, erasedAddresses, purchases, sendRecipients, sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { DRUMBEAT_COLUMNS } from '../../src/lib/newsletter/csv-formats.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { sessionsFor } from '../helpers/sign-in.ts';
import { useSiteDatabase } from '../helpers/db.ts';

// The Subscribers pages against the built site: search by part of an address, one person's
// consent record and purchases, the filtered CSV, and who gets in (a buyer: 403; signed out: sign-in).

const AUTHOR = 'author@example.com';
const BUYER = 'buyer@example.com';
const NOW = Date.parse('2026-11-25T10:00:00Z');
const DAY = 86_400_000;
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');
const WORDING = 'Send me each new Note by email. I can unsubscribe with one click in any email.';

let server: RunningSite;
let browser: Browser;
let maraId = 0;

async function seed() {
  const db = getDb();
  await db.insert(consentTexts).values({ version: 'v1', lang: 'en', text: WORDING, firstShownAt: NOW - 300 * DAY });
  const rows: (typeof subscribers.$inferInsert)[] = [];
  for (let i = 0; i < 120; i++) {
    const createdAt = NOW - (i + 1) * DAY;
    rows.push({ email: `reader${i}@example.com`, lang: i % 3 === 0 ? 'it' : 'en', status: i % 10 === 0 ? 'unsubscribed' : 'active', source: '/notes/205-planning/', consentVersion: 'v1', consentAt: createdAt, confirmedAt: createdAt + 600_000, unsubscribedAt: i % 10 === 0 ? createdAt + DAY / 2 : null, createdAt, updatedAt: createdAt });
  }
  // An address with a literal underscore: a search for "a_b" must not match "axb".
  rows.push({ email: 'a_b@example.com', lang: 'en', status: 'active', source: '/', consentVersion: 'v1', consentAt: NOW - DAY, confirmedAt: NOW - DAY, createdAt: NOW - DAY, updatedAt: NOW - DAY });
  rows.push({ email: 'axb@example.com', lang: 'en', status: 'active', source: '/', consentVersion: 'v1', consentAt: NOW - DAY, confirmedAt: NOW - DAY, createdAt: NOW - DAY, updatedAt: NOW - DAY });
  rows.push({ email: 'old@example.com', lang: 'it', status: 'active', source: 'import:mailchimp', consentVersion: 'import:mailchimp', consentAt: NOW - 900 * DAY, confirmedAt: NOW - 900 * DAY, createdAt: NOW - 10 * DAY, updatedAt: NOW - 10 * DAY });
  await db.insert(subscribers).values(rows);
  const [mara] = await db.insert(subscribers).values({ email: 'mara.rossi@studio.example', lang: 'it', status: 'active', source: '/it/notes/205-pianificare/', consentVersion: 'v1', consentAt: Date.parse('2026-11-02T08:15:00Z'), confirmedAt: Date.parse('2026-11-02T08:20:00Z'), createdAt: NOW - 23 * DAY, updatedAt: NOW - 23 * DAY }).returning({ id: subscribers.id });
  maraId = mara!.id;
  // A buyer (sign-in mails only addresses it knows) who is not the author.
  await db.insert(purchases).values({ email: BUYER, productId: 'okr-workshop-2027-03', lang: 'en', source: 'stripe', status: 'paid', amount: 9700, currency: 'eur', purchasedAt: NOW - 9 * DAY, accessUntil: Date.parse('2027-03-26T17:00:00Z'), createdAt: NOW - 9 * DAY, updatedAt: NOW - 9 * DAY });
  await db.insert(purchases).values({ email: 'mara.rossi@studio.example', productId: 'okr-workshop-2027-03', lang: 'it', source: 'stripe', status: 'paid', amount: 9700, currency: 'eur', purchasedAt: NOW - 5 * DAY, accessUntil: Date.parse('2027-03-26T17:00:00Z'), createdAt: NOW - 5 * DAY, updatedAt: NOW - 5 * DAY });
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startSite(inject('sampleOutDir'), { ADMIN_EMAILS: AUTHOR }), launchChromium()]);
  await server.setClock(new Date(NOW).toISOString());
  useSiteDatabase(server);
  await seed();
});
afterAll(async () => {
  closeDb();
  await browser?.close();
  await server?.stop();
});

const signIn = sessionsFor(() => server.url);

const get = (p: string, session?: string) => fetch(`${server.url}${p}`, { redirect: 'manual', headers: session ? { cookie: `drumbeat_session=${session}` } : {} });
const urls = () => ['/admin/subscribers/', '/it/admin/subscribers/', '/admin/subscribers/?q=reader1', `/admin/subscribers/${maraId}/`, `/it/admin/subscribers/${maraId}/`, '/admin/subscribers/export.csv', '/admin/subscribers/export.csv?status=active'];

describe('the Subscribers pages', { timeout: 90_000 }, () => {
  it('sends a signed-out visitor to sign in, with the way back, and tells nothing', async () => {
    for (const p of urls()) {
      const res = await get(p);
      expect(res.status, p).toBe(303);
      const location = new URL(res.headers.get('location')!, server.url);
      expect(location.pathname, p).toBe(p.startsWith('/it/') ? '/it/login/' : '/login/');
      expect(location.searchParams.get('next')).toBe(p);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(await res.text()).toBe('');
    }
  });

  it('answers 403 to a signed-in buyer on every Subscribers URL, with no address in it', async () => {
    const session = await signIn(BUYER);
    for (const p of urls()) {
      const res = await get(p, session);
      expect(res.status, p).toBe(403);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const body = await res.text();
      for (const secret of ['reader1', 'mara.rossi', WORDING, 'data-subscriber', 'okr-workshop']) expect(body, `${p} ${secret}`).not.toContain(secret);
    }
  });

  it('finds subscribers by any part of the address, filters, and pages by 50', async () => {
    const session = await signIn(AUTHOR);
    const page = await browser.newPage();
    await page.context().addCookies([{ name: 'drumbeat_session', value: session, url: server.url }]);
    await page.goto(`${server.url}/admin/subscribers/`);
    await expect(page.locator('tr[data-subscriber]').count()).resolves.toBe(50);
    // The form is a plain GET: filled and submitted without any script on the page.
    await expect(page.locator('script').count()).resolves.toBe(0);
    await page.fill('form.search input[name=q]', 'ROSSI@studio');
    await page.click('form.search button[type=submit]');
    await page.waitForURL(/q=rossi%40studio/i);
    await expect(page.locator('tr[data-subscriber] .who').allInnerTexts()).resolves.toEqual(['mara.rossi@studio.example']);
    // A wildcard in the search is a character, not a wildcard.
    await page.goto(`${server.url}/admin/subscribers/?q=a_b`);
    await expect(page.locator('tr[data-subscriber] .who').allInnerTexts()).resolves.toEqual(['a_b@example.com']);
    await page.goto(`${server.url}/admin/subscribers/?q=%25`);
    await expect(page.locator('tr[data-subscriber]').count()).resolves.toBe(0);
    // Prefix matches first: "reader1" puts reader1… before addresses that only contain it.
    await page.goto(`${server.url}/admin/subscribers/?q=eader11`);
    await expect(page.locator('tr[data-subscriber] .who').allInnerTexts()).resolves.toEqual(expect.arrayContaining(['reader11@example.com', 'reader110@example.com']));
    await page.goto(`${server.url}/admin/subscribers/?q=reader&status=unsubscribed&lang=it`);
    const unsub = await page.locator('tr[data-subscriber]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(unsub.length).toBe(4); // i = 0, 30, 60, 90
    expect(new Set(unsub)).toEqual(new Set(['unsubscribed']));
    await page.goto(`${server.url}/admin/subscribers/?q=reader`);
    await page.click('a[rel=next]');
    await page.waitForURL(/page=2/);
    await expect(page.locator('tr[data-subscriber]').count()).resolves.toBe(50);
    await page.click('a[rel=next]');
    await expect(page.locator('tr[data-subscriber]').count()).resolves.toBe(20);
    await expect(page.locator('a[rel=next]').count()).resolves.toBe(0);

    mkdirSync(SHOTS, { recursive: true });
    await page.goto(`${server.url}/admin/subscribers/`);
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-subscribers-en-${width}.png`), fullPage: width > 500 });
      const overflow = await page.evaluate(() => {
        const edge = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > edge + 0.5).map((e) => `${e.tagName}.${e.className}`).slice(0, 5);
      });
      expect(overflow, `sticking out at ${width}px`).toEqual([]);
    }
    await page.close();
  });

  it('shows one person: status, language, source, the consent wording with its moments, purchases', async () => {
    const session = await signIn(AUTHOR);
    const page = await browser.newPage();
    await page.context().addCookies([{ name: 'drumbeat_session', value: session, url: server.url }]);
    await page.goto(`${server.url}/admin/subscribers/?q=mara`);
    await page.click('tr[data-subscriber] .who a');
    await page.waitForURL(new RegExp(`/admin/subscribers/${maraId}/$`));
    await expect(page.locator('h1').innerText()).resolves.toBe('mara.rossi@studio.example');
    await expect(page.locator('.lede [data-status]').getAttribute('data-status')).resolves.toBe('active');
    await expect(page.locator('.lede').innerText()).resolves.toContain('Italiano');
    await expect(page.locator('.consent .source').innerText()).resolves.toBe('/it/notes/205-pianificare/');
    await expect(page.locator('.consent .wording').innerText()).resolves.toBe(WORDING);
    await expect(page.locator('.consent .given').innerText()).resolves.toMatch(/9:15 a\.m\..*November 2/);
    await expect(page.locator('.consent .confirmed').innerText()).resolves.toMatch(/9:20 a\.m\..*November 2/);
    await expect(page.locator('tr[data-product=okr-workshop-2027-03]').innerText()).resolves.toMatch(/paid[\s\S]*€97\.00/);
    // The purchase is named as the author named the product, not by its file's id.
    await expect(page.locator('tr[data-product=okr-workshop-2027-03] td.wide').innerText()).resolves.toContain('OKRs that survive March: the workshop recording');
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-subscriber-en-${width}.png`), fullPage: true });
    }
    // An imported address has no wording of ours: the page says so.
    const old = await page.goto(`${server.url}/it/admin/subscribers/?q=old%40`);
    expect(old?.status()).toBe(200);
    await page.click('tr[data-subscriber] .who a');
    await expect(page.locator('.consent .empty').innerText()).resolves.toContain('importato');
    // Where it came from, in words rather than the importer's "import:mailchimp" mark.
    await expect(page.locator('.consent .source').innerText()).resolves.toBe('importato da Mailchimp');
    await expect(page.locator('.consent h3').innerText()).resolves.not.toContain('import:');
    await page.screenshot({ path: path.join(SHOTS, 'admin-subscriber-it-390.png'), fullPage: true });
    expect((await get('/admin/subscribers/999999/', session)).status).toBe(404);
    expect((await get('/admin/subscribers/abc/', session)).status).toBe(404);
    await page.close();
  });

  it('changes a subscriber\'s language on the author\'s POST only: a buyer, another site and an unknown language change nothing', async () => {
    const [buyer, author] = await Promise.all([signIn(BUYER), signIn(AUTHOR)]);
    const post = (session: string, body: string, origin = server.url) =>
      fetch(`${server.url}/admin/subscribers/${maraId}/`, { method: 'POST', redirect: 'manual', headers: { origin, cookie: `drumbeat_session=${session}`, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const langNow = async () => (await getDb().select({ lang: subscribers.lang }).from(subscribers).where(eq(subscribers.id, maraId)))[0]!.lang;
    expect((await post(buyer, 'lang=en')).status).toBe(403);
    expect((await post(author, 'lang=en', 'https://evil.example')).status).toBe(403);
    const bad = await post(author, 'lang=xx');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('nothing was changed');
    expect(await langNow()).toBe('it');
    const ok = await post(author, 'lang=en');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/admin/subscribers/${maraId}/?changed=lang`);
    expect(await langNow()).toBe('en');
    const shown = await (await get(ok.headers.get('location')!, author)).text();
    expect(shown).toContain('the next Notes go out in English');
    expect((await post(author, 'lang=it')).status).toBe(303);
  });

  it('exports the filtered list as CSV in the CLI export format', async () => {
    const session = await signIn(AUTHOR);
    const res = await get('/admin/subscribers/export.csv?q=reader&status=unsubscribed&lang=it', session);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const lines = (await res.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe(DRUMBEAT_COLUMNS.join(','));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['reader0@example.com', 'reader30@example.com', 'reader60@example.com', 'reader90@example.com']);
    expect(lines[1]).toMatch(/^reader0@example\.com,unsubscribed,it,2026-11-24T10:00:00\.000Z,/);
  });

  it('suppresses and lifts it on the author\'s POST; erases a person only after the address is typed, leaving nothing but its hash', async () => {
    const ADDRESS = 'erase.me@faraway.example';
    const db = getDb();
    const [who] = await db.insert(subscribers).values({ email: ADDRESS, lang: 'en', status: 'active', source: '/', consentVersion: 'v1', consentAt: NOW - DAY, confirmedAt: NOW - DAY, createdAt: NOW - DAY, updatedAt: NOW - DAY }).returning({ id: subscribers.id });
    const [send] = await db.insert(sends).values({ noteNumber: 205, lang: 'en', noteLang: 'en', state: 'done', startedAt: NOW - DAY / 2, frozenAt: NOW - DAY / 2, recipients: 1, sent: 1 }).returning({ id: sends.id });
    await db.insert(sendRecipients).values({ sendId: send!.id, subscriberId: who!.id, email: ADDRESS, batch: 0, state: 'sent', providerId: 'em_1', sentAt: NOW - DAY / 2, feedback: 'complained' });
    await db.insert(purchases).values({ email: ADDRESS, productId: 'okr-workshop-2027-03', lang: 'en', source: 'stripe', status: 'paid', checkoutSessionId: 'cs_test_erase', amount: 9700, currency: 'eur', purchasedAt: NOW - DAY, accessUntil: NOW + 90 * DAY, receiptSentAt: NOW - DAY, createdAt: NOW - DAY, updatedAt: NOW - DAY });
    const [buyer, author] = await Promise.all([signIn(BUYER), signIn(AUTHOR)]);
    const url = `/admin/subscribers/${who!.id}/`;
    const post = (session: string, body: string, origin = server.url) =>
      fetch(`${server.url}${url}`, { method: 'POST', redirect: 'manual', headers: { origin, cookie: `drumbeat_session=${session}`, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const statusNow = async () => (await db.select({ status: subscribers.status }).from(subscribers).where(eq(subscribers.id, who!.id)))[0]?.status;

    // Suppression: refused to a buyer and cross-site; the author's shows in the page and the filter.
    expect((await post(buyer, 'action=suppress')).status).toBe(403);
    expect((await post(author, 'action=suppress', 'https://evil.example')).status).toBe(403);
    expect(await statusNow()).toBe('active');
    const suppressed = await post(author, 'action=suppress');
    expect(suppressed.status).toBe(303);
    expect(await statusNow()).toBe('suppressed');
    const list = await (await get('/admin/subscribers/?status=suppressed', author)).text();
    expect(list).toContain(ADDRESS);
    expect((await post(author, 'action=unsuppress')).status).toBe(303);
    expect(await statusNow()).toBe('active');

    // Erasure: a buyer or another site erase nothing.
    expect((await post(buyer, `action=erase&confirm=${encodeURIComponent(ADDRESS)}`)).status).toBe(403);
    expect((await post(author, `action=erase&confirm=${encodeURIComponent(ADDRESS)}`, 'https://evil.example')).status).toBe(403);
    expect(await statusNow()).toBe('active');

    const page = await browser.newPage();
    await page.context().addCookies([{ name: 'drumbeat_session', value: author, url: server.url }]);
    await page.goto(`${server.url}${url}`);
    await expect(page.locator('.emails tr[data-state]').getAttribute('data-state')).resolves.toBe('complained');
    await expect(page.locator('.email-count').innerText()).resolves.toContain('1 reported as spam');
    await page.click('a.erase-link');
    await page.waitForURL(/erase=confirm/);
    await page.fill('.erase-confirm input[name=confirm]', 'someone.else@faraway.example');
    await page.click('.erase-confirm button[type=submit]');
    await expect(page.locator('.problem').innerText()).resolves.toContain('nothing was erased');
    expect(await statusNow()).toBe('active');
    mkdirSync(SHOTS, { recursive: true });
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-subscriber-erase-en-${width}.png`), fullPage: true });
    }
    await page.fill('.erase-confirm input[name=confirm]', ` ${ADDRESS.toUpperCase()} `);
    await page.click('.erase-confirm button[type=submit]');
    await page.waitForURL(/erased=1/);
    await expect(page.locator('h1').innerText()).resolves.toBe('Erased');
    await expect(page.locator('.kept-hash').innerText()).resolves.toContain('keyed hash');
    await expect(page.locator('.kept-purchases').innerText()).resolves.toContain('One purchase, kept by Stripe id');
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-subscriber-erased-en-${width}.png`), fullPage: true });
    }
    const it = await (await get(`/it/admin/subscribers/${who!.id}/?erased=1&purchases=1`, author)).text();
    expect(it).toContain('Cosa è stato conservato, e perché');
    await page.close();

    expect(await statusNow()).toBeUndefined();
    expect(await db.select({ email: purchases.email, session: purchases.checkoutSessionId }).from(purchases).where(eq(purchases.checkoutSessionId, 'cs_test_erase'))).toEqual([{ email: 'erased', session: 'cs_test_erase' }]);
    expect(await db.select({ n: erasedAddresses.addressHash }).from(erasedAddresses)).toHaveLength(1);
    // The server's database file and its log hold no byte of the address.
    for (const name of ['drumbeat.db', 'drumbeat.db-wal']) {
      const file = path.join(server.dataDir, name);
      const bytes = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
      expect(bytes.includes('erase.me'), name).toBe(false);
      expect(bytes.includes('faraway.example'), name).toBe(false);
    }
    expect(await (await get('/admin/subscribers/?q=erase.me', author)).text()).not.toContain('erase.me@');
  });
});
