import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { FakeStripe, serveFakeStripe } from '../mocks/fake-stripe.ts';
import { launchChromium } from '../helpers/browser.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { useSiteDatabase } from '../helpers/db.ts';

// A buyer's whole journey in Chromium against the built site and the fake Stripe over HTTP:
// sales page → Buy → (fake) Checkout → webhook → receipt in the outbox → sign-in link → library →
// the recording, with a Range request; then the deadline passes on the server's clock.

const SECRET = 'whsec_e2e_purchase_secret_0123456789';
const fake = new FakeStripe();
let stripe: Awaited<ReturnType<typeof serveFakeStripe>>;
let server: RunningSite;
let browser: Browser;

beforeAll(async () => {
  stripe = await serveFakeStripe(fake, { webhookSecret: SECRET });
  [server, browser] = await Promise.all([
    startSite(inject('sampleOutDir'), { STRIPE_SECRET_KEY: 'sk_test_e2e', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: stripe.url }),
    launchChromium(),
  ]);
  fake.webhookUrl = `${server.url}/webhooks/stripe`;
  fake.webhookSecret = SECRET;
  await server.setClock('2026-12-01T10:00:00Z');
  useSiteDatabase(server);
});
afterAll(async () => {
  closeDb();
  await browser?.close();
  await server?.stop();
  await stripe?.close();
});

const WORKSHOP = '/workshops/okr-workshop-2027-03/';
const mailTo = (email: string) => readOutbox(500).filter((m) => m.to === email);
const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, server.url);
const signInLink = (html: string) => local(/https?:\/\/[^\s"<>]+\/login\/verify\?token=[A-Za-z0-9_-]{43}/.exec(html)![0]);
const purchases = async () => (await getDb().$client.execute('SELECT email, product_id, status FROM purchases ORDER BY id')).rows;

async function buy(page: Page, salesPath: string, email: string, button = 'form[action^="/checkout"] button') {
  await page.goto(server.url + salesPath);
  await Promise.all([page.waitForURL(/\/pay\/cs_test_/), page.click(button)]);
  await page.fill('input[name=email]', email);
  await Promise.all([page.waitForURL(/\/checkout\/success\?session_id=cs_test_/), page.click('button[type=submit]')]);
}

async function signIn(page: Page, email: string): Promise<void> {
  const receipt = mailTo(email).find((m) => /receipt|ricevuta/i.test(m.subject));
  expect(receipt, `receipt for ${email}`).toBeDefined();
  await page.goto(signInLink(receipt!.html));
  // Opening the link signs nobody in: a mail scanner can fetch it freely.
  expect((await page.context().cookies()).some((c) => c.name === 'drumbeat_session')).toBe(false);
  await Promise.all([page.waitForURL(/\/library\/$/), page.click('main form button[type=submit]')]);
}

describe('buying the workshop recording (English)', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterAll(() => context.close());

  it('shows the price and the deadline in the product time zone, with a live countdown', async () => {
    await page.goto(server.url + WORKSHOP);
    await expect(page.locator('.price').textContent()).resolves.toBe('€97.00');
    await expect(page.locator('.deadline').textContent()).resolves.toBe('You have until 6 p.m. on Friday, March 26, 2027 to access the recording.');
    await page.waitForSelector('[data-countdown]:not([hidden])');
    await expect(page.locator('[data-countdown] strong').textContent()).resolves.toMatch(/\d+ d \d+ h \d{2} m \d{2} s/);
  });

  it('pays through Checkout, gets a receipt with a sign-in link, and watches the recording with seeking', async () => {
    await buy(page, WORKSHOP, 'ada@example.com');
    await expect(page.locator('main').textContent()).resolves.toContain('Your payment went through');
    expect(await purchases()).toEqual([{ email: 'ada@example.com', product_id: 'okr-workshop-2027-03', status: 'paid' }]);
    const receipt = mailTo('ada@example.com')[0]!;
    expect(receipt.subject).toBe('Your receipt: OKRs that survive March: the workshop recording');
    expect(receipt.text).toContain('6 p.m. on Friday, March 26, 2027');

    await signIn(page, 'ada@example.com');
    const cookie = (await context.cookies()).find((c) => c.name === 'drumbeat_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await expect(page.locator('.library').textContent()).resolves.toContain('Access until 6 p.m. on Friday, March 26, 2027 (Italy Time)');

    await page.click('.library a');
    await page.waitForSelector('audio[data-player]');
    const range = await page.evaluate(async () => {
      const player = document.querySelector('audio')!;
      const res = await fetch(player.src, { headers: { Range: 'bytes=1000-1999' } });
      return { status: res.status, range: res.headers.get('content-range'), type: res.headers.get('content-type'), bytes: (await res.arrayBuffer()).byteLength };
    });
    expect(range).toEqual({ status: 206, range: 'bytes 1000-1999/512044', type: 'audio/wav', bytes: 1000 });
    // The browser's own player loads and seeks.
    const seeked = await page.evaluate(async () => {
      const player = document.querySelector('audio')!;
      if (player.readyState < 1) await new Promise((r) => player.addEventListener('loadedmetadata', r, { once: true }));
      player.currentTime = 16;
      await new Promise((r) => player.addEventListener('seeked', r, { once: true }));
      return { duration: Math.round(player.duration), at: Math.round(player.currentTime) };
    });
    expect(seeked).toEqual({ duration: 32, at: 16 });
    // The worksheet downloads as a PDF.
    const pdf = await page.evaluate(async () => {
      const link = document.querySelector<HTMLAnchorElement>('.materials a[download]')!;
      const res = await fetch(link.href);
      return { text: link.textContent, status: res.status, type: res.headers.get('content-type'), start: new TextDecoder().decode((await res.arrayBuffer()).slice(0, 5)) };
    });
    expect(pdf).toEqual({ text: 'The one-page OKR worksheet (PDF)', status: 200, type: 'application/pdf', start: '%PDF-' });
  });

  it('a media link copied out of the page works for nobody else', async () => {
    const res = await fetch(`${server.url}/media/okr-workshop-2027-03/okr-workshop-sample.wav`, { headers: { Range: 'bytes=0-99' } });
    expect(res.status).toBe(401);
    const other = await browser.newContext();
    await other.addCookies([{ name: 'drumbeat_session', value: 'A'.repeat(43), url: server.url }]);
    const otherPage = await other.newPage();
    const r = await otherPage.goto(`${server.url}/library/`);
    expect(r!.url()).toMatch(/\/login\/$/);
    await other.close();
  });

  it('a lesson of a course the buyer does not own is not shown', async () => {
    const res = await page.goto(`${server.url}/library/okr-coach/01-what-a-coach-does/`);
    expect(page.url()).toBe(`${server.url}/library/okr-coach/`);
    expect(res!.status()).toBe(403);
    expect(await page.content()).not.toContain('What a coach does');
  });

  it('a tampered session cookie signs nobody in', async () => {
    const original = (await context.cookies()).find((c) => c.name === 'drumbeat_session')!;
    const tampered = await browser.newContext();
    await tampered.addCookies([{ ...original, value: original.value.slice(0, -1) + (original.value.endsWith('A') ? 'B' : 'A') }]);
    const p = await tampered.newPage();
    await p.goto(`${server.url}/library/`);
    expect(p.url()).toMatch(/\/login\/$/);
    await tampered.close();
  });

  it('the sign-in link works once', async () => {
    const receipt = mailTo('ada@example.com')[0]!;
    const res = await fetch(signInLink(receipt.html), { method: 'POST', redirect: 'manual', headers: { origin: server.url } });
    expect(res.status).toBe(410);
  });
});

describe('buying the workshop recording (Italian)', () => {
  it('pays, gets the Italian receipt, signs in and seeks in the recording', async () => {
    const context = await browser.newContext({ locale: 'it-IT' });
    const page = await context.newPage();
    await page.goto(`${server.url}/it${WORKSHOP}`);
    await expect(page.locator('.deadline').textContent()).resolves.toBe('Hai tempo fino alle 18:00 di venerdì 26 marzo 2027 per accedere alla registrazione.');
    await buy(page, `/it${WORKSHOP}`, 'dora@example.com');
    expect(page.url()).toContain('/it/checkout/success?session_id=');
    const receipt = mailTo('dora@example.com')[0]!;
    expect(receipt.subject).toBe('La tua ricevuta: OKR che sopravvivono a marzo: la registrazione del workshop');
    expect(receipt.text).toContain('venerdì 26 marzo 2027 alle 18:00');
    await signIn(page, 'dora@example.com');
    await page.click('.library a');
    await page.waitForSelector('audio[data-player]');
    await expect(page.locator('#chapters-title').textContent()).resolves.toBe('Capitoli');
    const range = await page.evaluate(async () => {
      const res = await fetch(document.querySelector('audio')!.src, { headers: { Range: 'bytes=-44' } });
      return { status: res.status, range: res.headers.get('content-range'), bytes: (await res.arrayBuffer()).byteLength };
    });
    expect(range).toEqual({ status: 206, range: 'bytes 512000-512043/512044', bytes: 44 });
    await context.close();
  });
});

describe('buying the certification (Italian)', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext({ locale: 'it-IT' });
    page = await context.newPage();
  });
  afterAll(() => context.close());

  it('buys a cohort seat; in December the lessons wait for the cohort’s start in March', async () => {
    await page.goto(`${server.url}/it/certification/okr-coach/`);
    await expect(page.locator('[data-cohort="spring-2027"] .seats').textContent()).resolves.toBe('12 posti liberi su 12');
    await buy(page, '/it/certification/okr-coach/', 'bea@example.com', '[data-cohort="spring-2027"] button');
    await expect(page.locator('main').textContent()).resolves.toContain('Il pagamento è andato a buon fine');
    const receipt = mailTo('bea@example.com')[0]!;
    expect(receipt.subject).toMatch(/^La tua ricevuta: Certificazione OKR Coach/);
    // The receipt says which cohort, and when it starts.
    expect(receipt.text).toContain('Gruppo primavera 2027, inizio: lunedì 1 marzo 2027 alle 09:00');
    await signIn(page, 'bea@example.com');
    expect(page.url()).toMatch(/\/it\/library\/$/);
    await expect(page.locator('.library .cohort').textContent()).resolves.toContain('Gruppo primavera 2027');
    await page.click('.library a');
    expect(await page.locator('.lessons a').count()).toBe(0);
    await expect(page.locator('[data-lesson="1"] .opens').textContent()).resolves.toBe('Si apre lunedì 1 marzo 2027 alle 09:00 (ora dell’Europa centrale)');
    const locked = await page.goto(`${server.url}/it/library/okr-coach/01-cosa-fa-un-coach/`);
    expect(locked!.status()).toBe(403);
    await expect(page.locator('[data-locked] .state').textContent()).resolves.toContain('Si apre lunedì 1 marzo 2027');
    await page.goto(`${server.url}/it/certification/okr-coach/`);
    await expect(page.locator('[data-cohort="spring-2027"] .seats').textContent()).resolves.toBe('11 posti liberi su 12');
  });
});

describe('when the deadline passes', () => {
  it('the buyer loses the recording, the page says when access ended, and the shop closes with the same reason', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await buy(page, WORKSHOP, 'cy@example.com');
    await signIn(page, 'cy@example.com');
    await page.goto(`${server.url}/library/okr-workshop-2027-03/`);
    await page.waitForSelector('audio[data-player]');

    await server.setClock('2027-03-26T17:00:00Z');
    // Months later the 30-day session has ended too: the buyer signs in again with a new link.
    await page.goto(`${server.url}/library/okr-workshop-2027-03/`);
    expect(page.url()).toMatch(/\/login\/$/);
    await page.fill('input[name=email]', 'cy@example.com');
    await page.click('main button[type=submit]');
    await page.waitForSelector('text=Check your inbox');
    const find = () => mailTo('cy@example.com').find((m) => /sign-in link/i.test(m.subject));
    await expect.poll(find, { timeout: 20_000, interval: 50 }).toBeDefined();
    const mail = find();
    await page.goto(signInLink(mail!.html));
    await Promise.all([page.waitForURL(/\/library\/$/), page.click('main form button[type=submit]')]);
    await expect(page.locator('.library').textContent()).resolves.toContain('Access ended at 6 p.m. on Friday, March 26 (Italy Time)');
    const res = await page.goto(`${server.url}/library/okr-workshop-2027-03/`);
    expect(res!.status()).toBe(403);
    const html = await page.content();
    expect(html).toContain('Access ended at 6 p.m. on Friday, March 26 (Italy Time)');
    expect(html).not.toContain('/media/');
    expect(html).toContain('OKR Coach Certification'); // the next offer
    const media = await page.evaluate(async () => (await fetch('/media/okr-workshop-2027-03/okr-workshop-sample.wav', { headers: { Range: 'bytes=0-9' } })).status);
    expect(media).toBe(403);

    await page.goto(server.url + WORKSHOP);
    await expect(page.locator('.closed').textContent()).resolves.toContain('deadline to access this recording has passed');
    expect(await page.locator('form[action^="/checkout"]').count()).toBe(0);
    expect(await page.locator('form[action="/subscribe"]').count()).toBe(1);
    const refused = await fetch(`${server.url}/checkout/okr-workshop-2027-03`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'lang=en' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: 'deadline_passed' });
    await context.close();
    await server.setClock('2026-12-01T10:00:00Z');
  });
});

describe('closed shops say why, and the checkout refuses with the same reason', () => {
  const checkout = (productId: string, body: string) =>
    fetch(`${server.url}/checkout/${productId}`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body });

  it('before sales open', async () => {
    await server.setClock('2026-10-15T10:00:00Z');
    const html = await (await fetch(server.url + WORKSHOP)).text();
    expect(html).toContain('Sales have not opened yet.');
    expect(html).toContain('action="/subscribe"');
    expect(html).not.toContain('action="/checkout/');
    const res = await checkout('okr-workshop-2027-03', 'lang=en');
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'not_open' });
    await server.setClock('2026-12-01T10:00:00Z');
  });

  it('when every cohort is full', async () => {
    const now = Date.now();
    for (const cohort of ['spring-2027', 'autumn-2027']) {
      for (let i = 0; i < 12; i++) {
        await getDb().$client.execute({
          sql: `INSERT INTO purchases (email, product_id, cohort_id, lang, source, status, created_at, updated_at) VALUES (?, 'okr-coach', ?, 'en', 'grant', 'granted', ?, ?)`,
          args: [`seat${i}-${cohort}@example.com`, cohort, now, now],
        });
      }
    }
    const html = await (await fetch(`${server.url}/it/certification/okr-coach/`)).text();
    expect(html).toContain('Questo gruppo è al completo.');
    expect(html).toContain('action="/subscribe"');
    expect(html).not.toContain('action="/checkout/');
    const res = await checkout('okr-coach', 'lang=it&cohort=autumn-2027');
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'sold_out' });
    await getDb().$client.execute(`DELETE FROM purchases WHERE email LIKE 'seat%'`);
  });
});

describe('every endpoint with malformed input', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(server.url + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, ...headers }, body });

  /** A streamed body: no Content-Length, so only reading it tells its size. */
  const chunked = (path: string, bytes: number, headers: Record<string, string>) => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return fetch(server.url + path, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
  };

  it('answers 4xx (never 5xx) and stores nothing', async () => {
    const before = await purchases();
    const sessionsBefore = fake.sessions.size;
    const cases: [string, Promise<Response>, number][] = [
      ['checkout unknown product', post('/checkout/nope', 'lang=en'), 404],
      ['checkout traversal', post('/checkout/..%2F..%2Fetc', 'lang=en'), 404],
      ['checkout bad cohort', post('/checkout/okr-coach', 'lang=en&cohort=%27%20OR%201%3D1'), 400],
      ['checkout unknown cohort', post('/checkout/okr-coach', 'lang=en&cohort=winter-1999'), 400],
      ['checkout huge body', post('/checkout/okr-workshop-2027-03', `lang=en&x=${'y'.repeat(20_000)}`), 413],
      ['checkout bad JSON', post('/checkout/okr-workshop-2027-03', '{', { 'content-type': 'application/json' }), 400],
      ['checkout odd type', post('/checkout/okr-workshop-2027-03', 'x', { 'content-type': 'text/xml' }), 415],
      ['checkout cross-site', post('/checkout/okr-workshop-2027-03', 'lang=en', { origin: 'https://evil.example' }), 403],
      ['webhook unsigned', post('/webhooks/stripe', '{"id":"evt_1"}', { 'content-type': 'application/json' }), 400],
      ['webhook forged', post('/webhooks/stripe', '{"id":"evt_1"}', { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' }), 400],
      ['webhook huge', post('/webhooks/stripe', 'x'.repeat(600_000), { 'stripe-signature': 't=1,v1=abc' }), 413],
      ['webhook huge, chunked (no Content-Length)', chunked('/webhooks/stripe', 2_000_000, { 'stripe-signature': 't=1,v1=abc' }), 413],
      ['login huge, chunked', chunked('/login', 2_000_000, { 'content-type': 'application/x-www-form-urlencoded', origin: server.url }), 413],
      ['success garbage', fetch(`${server.url}/checkout/success?session_id=%3Cscript%3E`), 404],
      ['success unknown', fetch(`${server.url}/checkout/success?session_id=cs_test_doesnotexist`), 404],
      ['success none', fetch(`${server.url}/checkout/success`), 404],
      ['login bad email', post('/login', 'email=nope'), 400],
      ['login huge', post('/login', `email=${'a'.repeat(20_000)}`), 413],
      ['verify garbage GET', fetch(`${server.url}/login/verify?token=%00%01`), 400],
      ['verify garbage POST', post('/login/verify?token=abc', ''), 400],
      ['verify none POST', post('/login/verify', ''), 400],
      ['media signed out', fetch(`${server.url}/media/okr-workshop-2027-03/okr-workshop-sample.wav`), 401],
      ['media traversal', fetch(`${server.url}/media/okr-workshop-2027-03/..%2F..%2F..%2Fpackage.json`), 401],
      ['sales unknown', fetch(`${server.url}/workshops/nope/`), 404],
      ['sales wrong section', fetch(`${server.url}/certification/okr-workshop-2027-03/`), 404],
      ['library signed out', fetch(`${server.url}/library/okr-coach/`, { redirect: 'manual' }), 303],
      ['lesson signed out', fetch(`${server.url}/library/okr-coach/01-what-a-coach-does/`, { redirect: 'manual' }), 303],
      ['lesson with a made-up session', fetch(`${server.url}/it/library/okr-coach/01-cosa-fa-un-coach/`, { redirect: 'manual', headers: { cookie: `drumbeat_session=${'x'.repeat(43)}` } }), 303],
      ['logout cross-site', post('/logout', '', { origin: 'https://evil.example' }), 403],
    ];
    for (const [name, response, status] of cases) {
      const res = await response;
      expect(res.status, name).toBe(status);
      await res.arrayBuffer();
    }
    expect(await purchases()).toEqual(before);
    expect(fake.sessions.size).toBe(sessionsBefore);
  });
});
