import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases, subscribers } from '../../src/lib/core/db/schema.ts';
import { outboxDir, readOutbox } from '../../src/lib/email/outbox.server.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { sessionsFor } from '../helpers/sign-in.ts';
import { useSiteDatabase } from '../helpers/db.ts';

// /admin/purchases/ against the built site: the list and its filters, grant and revoke changing
// what the buyer's library shows, the CSV, and nothing for a non-admin or a cross-site form.

const AUTHOR = 'author@example.com';
const BUYER = 'buyer@example.com';
const NEWCOMER = 'newcomer@example.com';
/** an Italian reader of the newsletter, never a buyer before */
const LETTRICE = 'lettrice@example.com';
const NOW = Date.parse('2026-11-25T10:00:00Z');
const DAY = 86_400_000;
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');
const WORKSHOP = 'okr-workshop-2027-03';
const WORKSHOP_TITLE = 'OKRs that survive March';

let server: RunningSite;
let browser: Browser;

async function seed() {
  const at = (iso: string) => Date.parse(iso);
  const base = { lang: 'en', source: 'stripe' as const, currency: 'eur', createdAt: NOW - 30 * DAY, updatedAt: NOW - 30 * DAY };
  await getDb().insert(purchases).values([
    { ...base, email: BUYER, productId: 'okr-coach', cohortId: 'spring-2027', status: 'paid', amount: 120000, checkoutSessionId: 'cs_test_buyer', paymentIntentId: 'pi_buyer', purchasedAt: at('2026-11-20T09:00:00Z'), accessUntil: at('2027-09-30T21:59:00Z') },
    { ...base, email: 'ines@example.com', productId: WORKSHOP, status: 'paid', amount: 9700, checkoutSessionId: 'cs_test_ines', purchasedAt: at('2026-10-20T09:00:00Z'), accessUntil: at('2027-03-26T17:00:00Z') },
    { ...base, email: 'olga@example.com', productId: WORKSHOP, status: 'refunded', statusReason: 'refunded in Stripe', amount: 9700, paymentIntentId: 'pi_olga', purchasedAt: at('2026-11-02T09:00:00Z') },
    { ...base, email: 'dora@example.com', productId: WORKSHOP, status: 'disputed', amount: 9700, paymentIntentId: 'pi_dora', purchasedAt: at('2026-11-03T09:00:00Z') },
    { ...base, email: '', productId: WORKSHOP, status: 'reserved', checkoutSessionId: 'cs_test_hold', reservedUntil: NOW + DAY },
  ]);
  await getDb().insert(subscribers).values({ email: LETTRICE, lang: 'it', status: 'active', source: '/it/', consentVersion: 'v1', consentAt: NOW - DAY, createdAt: NOW - DAY, updatedAt: NOW - DAY });
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
const post = (p: string, session: string, fields: Record<string, string>, origin = server.url) =>
  fetch(`${server.url}${p}`, { method: 'POST', redirect: 'manual', headers: { origin, cookie: `drumbeat_session=${session}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
const rowsOf = async (email: string) => getDb().select().from(purchases).where(eq(purchases.email, email));

describe('/admin/purchases/', { timeout: 90_000 }, () => {
  it('lists purchases newest first, filters by product and status, flags refunds and disputes, links to Stripe', async () => {
    const session = await signIn(AUTHOR);
    const all = await get('/admin/purchases/', session);
    expect(all.status).toBe(200);
    expect(all.headers.get('cache-control')).toBe('private, no-store');
    const html = await all.text();
    expect(html.match(/data-purchase=/g)).toHaveLength(4);
    expect(html).not.toContain('cs_test_hold');
    expect(html).toContain('https://dashboard.stripe.com/test/payments/pi_buyer');
    expect(html).toContain('https://dashboard.stripe.com/test/checkout/sessions/cs_test_ines');
    expect(html).toMatch(/data-status="refunded"[\s\S]*?Refunded/);
    expect(html).toMatch(/data-status="disputed"[\s\S]*?Disputed/);
    // A refunded amount is money given back: struck through; a disputed one may still be won.
    const rowOf = (status: string) => new RegExp(`<tr[^>]*data-status="${status}"[^>]*>[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
    expect(rowOf('refunded')).toContain('<del>€97.00</del>');
    expect(rowOf('disputed')).toContain('€97.00');
    expect(rowOf('disputed')).not.toContain('<del>');

    const filtered = await (await get(`/admin/purchases/?product=${WORKSHOP}&status=refunded`, session)).text();
    expect(filtered.match(/data-purchase=/g)).toHaveLength(1);
    expect(filtered).toContain('olga@example.com');
    const oneBuyer = await (await get(`/admin/purchases/?email=${encodeURIComponent(' Dora@Example.com ')}`, session)).text();
    expect(oneBuyer.match(/data-purchase=/g)).toHaveLength(1);
    expect(oneBuyer).toContain('dora@example.com');
    const nonsense = await get('/admin/purchases/?product=nope&status=nope&page=-3', session);
    expect(nonsense.status).toBe(200);

    const csv = await get(`/admin/purchases.csv?product=${WORKSHOP}`, session);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('date,email,product,cohort,status,amount,currency,stripe_session,stripe_payment');
    expect(lines).toContain(`2026-10-20T09:00:00.000Z,ines@example.com,${WORKSHOP},,paid,97.00,EUR,cs_test_ines,`);
    expect(lines).toHaveLength(4);
  });

  it('grants access the buyer then sees in the library, and revoking takes it away', async () => {
    const author = await signIn(AUTHOR);
    const granted = await post('/admin/purchases/', author, { action: 'grant', email: NEWCOMER, product: WORKSHOP, until: '2027-04-30' });
    expect(granted.status).toBe(303);
    expect(granted.headers.get('location')).toBe('/admin/purchases/?done=granted');
    expect((await (await get('/admin/purchases/?done=granted', author)).text())).toContain('Access granted.');

    const buyer = await signIn(NEWCOMER);
    await expect((await get('/library/', buyer)).text()).resolves.toContain(WORKSHOP_TITLE);

    const extended = await post('/admin/purchases/?status=granted', author, { action: 'extend', email: NEWCOMER, product: WORKSHOP, until: '2027-06-30' });
    expect(extended.headers.get('location')).toBe('/admin/purchases/?status=granted&done=extended');
    const [row] = await rowsOf(NEWCOMER);
    expect(new Date(row!.accessUntil!).toISOString()).toBe('2027-06-30T21:59:59.000Z');

    const bad = await post('/admin/purchases/', author, { action: 'extend', email: NEWCOMER, product: WORKSHOP, until: 'soon' });
    expect(bad.status).toBe(303);
    expect(new URL(bad.headers.get('location')!, server.url).searchParams.get('error')).toMatch(/not a date/);

    const revoked = await post('/admin/purchases/', author, { action: 'revoke', email: NEWCOMER, product: WORKSHOP });
    expect(revoked.headers.get('location')).toBe('/admin/purchases/?done=revoked');
    await expect((await get('/library/', buyer)).text()).resolves.not.toMatch(new RegExp(`${WORKSHOP_TITLE}[\\s\\S]*?href="/library/${WORKSHOP}`));
    expect((await rowsOf(NEWCOMER)).map((r) => r.status)).toEqual(['revoked']);
  });

  it('with "email the buyer" ticked, the buyer gets the news in their language; a failed email leaves the change and says so', async () => {
    const author = await signIn(AUTHOR);
    const page = await (await get('/admin/purchases/', author)).text();
    // Ticked for grant and extend, not for revoke (docs/decisions/021).
    expect(page).toMatch(/class="grant filters"[\s\S]*?name="notify" checked/);
    expect(page).toMatch(/class="extend"[\s\S]*?name="notify" checked/);
    expect(page).toMatch(/class="revoke"[\s\S]*?<input type="checkbox" name="notify">/);
    const mailsTo = (email: string) => readOutbox(500).filter((m) => m.to === email && !/\/login\/verify/.test(m.html));

    const granted = await post('/admin/purchases/', author, { action: 'grant', email: LETTRICE, product: WORKSHOP, until: '2027-04-30', notify: 'on' });
    expect(granted.status).toBe(303);
    expect(granted.headers.get('location')).toBe('/admin/purchases/?done=granted&mail=sent');
    expect(await (await get('/admin/purchases/?done=granted&mail=sent', author)).text()).toContain('Access granted. The buyer was emailed about it.');
    expect(await (await get('/it/admin/purchases/?done=granted&mail=sent', author)).text()).toContain('Accesso concesso. L’acquirente ha ricevuto un’email.');
    const [mail] = mailsTo(LETTRICE);
    expect(mail?.subject).toMatch(/^Hai accesso a /);
    expect(mail!.html).toContain(`${server.url}/it/library/${WORKSHOP}/`);
    expect(mail!.text).toMatch(/Accesso fino a[\s\S]*30 aprile 2027/);
    // Sign-in links go only to addresses with something in the library: she has one now.
    const lettrice = await signIn(LETTRICE);
    await expect((await get('/it/library/', lettrice)).text()).resolves.toContain(`/it/library/${WORKSHOP}/`);

    // The outbox cannot be written (a file stands where its folder goes): the email fails, the change stays.
    const dir = outboxDir();
    renameSync(dir, `${dir}.away`);
    writeFileSync(dir, 'not a folder');
    try {
      const revoked = await post('/admin/purchases/', author, { action: 'revoke', email: LETTRICE, product: WORKSHOP, notify: 'on' });
      expect(revoked.status).toBe(303);
      expect(revoked.headers.get('location')).toBe('/admin/purchases/?done=revoked&mail=failed');
    } finally {
      rmSync(dir);
      renameSync(`${dir}.away`, dir);
    }
    expect((await rowsOf(LETTRICE)).map((r) => r.status)).toEqual(['revoked']);
    const shown = await (await get('/admin/purchases/?done=revoked&mail=failed', author)).text();
    expect(shown).toContain('Access revoked.');
    expect(shown).toContain('The email to the buyer did not go out (the server log says why); the change stands.');
    expect(server.logs()).toMatch(/access\.notice change=revoked purchases=\d+ not sent: /);
    expect(server.logs()).not.toMatch(/not sent: .*lettrice@/);
    expect(mailsTo(LETTRICE)).toHaveLength(1);

    // Unticked: nothing is sent.
    const quiet = await post('/admin/purchases/', author, { action: 'grant', email: LETTRICE, product: WORKSHOP });
    expect(quiet.headers.get('location')).toBe('/admin/purchases/?done=granted');
    expect(mailsTo(LETTRICE)).toHaveLength(1);
  });

  it('answers 403 to a non-admin on GET, POST and the CSV, changing nothing; refuses a cross-site POST', async () => {
    const buyer = await signIn(BUYER);
    for (const p of ['/admin/purchases/', '/it/admin/purchases/', '/admin/purchases.csv']) {
      const res = await get(p, buyer);
      expect(res.status, p).toBe(403);
      const body = await res.text();
      for (const secret of ['ines@example.com', 'olga@example.com', 'cs_test_ines', 'pi_olga']) expect(body, `${p} ${secret}`).not.toContain(secret);
    }
    const before = await rowsOf('ines@example.com');
    const forbidden = await post('/admin/purchases/', buyer, { action: 'revoke', email: 'ines@example.com', product: WORKSHOP });
    expect(forbidden.status).toBe(403);
    const selfGrant = await post('/admin/purchases/', buyer, { action: 'grant', email: BUYER, product: WORKSHOP });
    expect(selfGrant.status).toBe(403);
    expect((await rowsOf(BUYER)).filter((r) => r.productId === WORKSHOP)).toEqual([]);

    const author = await signIn(AUTHOR);
    const crossSite = await post('/admin/purchases/', author, { action: 'revoke', email: 'ines@example.com', product: WORKSHOP }, 'https://evil.example');
    expect(crossSite.status).toBe(403);
    expect(await rowsOf('ines@example.com')).toEqual(before);
  });

  it('looks right at desktop and phone widths', async () => {
    const session = await signIn(AUTHOR);
    const page = await browser.newPage();
    await page.context().addCookies([{ name: 'drumbeat_session', value: session, url: server.url }]);
    await page.goto(`${server.url}/admin/purchases/`);
    mkdirSync(SHOTS, { recursive: true });
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-purchases-en-${width}.png`), fullPage: true });
      const overflow = await page.evaluate(() => {
        const edge = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > edge + 0.5).map((e) => `${e.tagName}.${e.className}`).slice(0, 5);
      });
      expect(overflow, `sticking out at ${width}px`).toEqual([]);
    }
    await page.close();
  });
});
