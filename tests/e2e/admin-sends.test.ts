import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases, sendRecipients, sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { useSiteDatabase } from '../helpers/db.ts';
import { FakeResend, serveFakeResend } from '../mocks/fake-resend.ts';

// /admin/sends/ against the built site, its scheduler on and Resend faked over HTTP: the weekly
// send starts at its slot, the author pauses it from the page while batches are in flight, the
// progress stops, resume finishes it, and the ledger shows every recipient mailed exactly once.
// Also the preview and test copy of a Note that is not public yet, and nothing for a non-admin.

const AUTHOR = 'author@example.com';
const READER = 'reader@example.com';
const RECIPIENTS = 1000;
// content/: Note 206 is dated "2026-11-30 07:00" in Rome; its slot is that Monday, 06:00 UTC.
const BEFORE = '2026-11-28T10:00:00Z';
const SLOT = Date.parse('2026-11-30T06:00:00Z');
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');

const fake = new FakeResend();
let resend: Awaited<ReturnType<typeof serveFakeResend>>;
let server: RunningSite;
let browser: Browser;

beforeAll(async () => {
  resend = await serveFakeResend(fake);
  [server, browser] = await Promise.all([
    startSite(inject('sampleOutDir'), { ADMIN_EMAILS: AUTHOR, RESEND_API_KEY: 're_test_sends', RESEND_BASE_URL: resend.url, EMAIL_FROM: 'Giulia <notes@example.com>', DRUMBEAT_SCHEDULER: 'on' }),
    launchChromium(),
  ]);
  await server.setClock(BEFORE);
  useSiteDatabase(server);
  const rows = Array.from({ length: RECIPIENTS }, (_, i) => ({ email: `en${i}@example.com`, lang: 'en', status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 }));
  for (let i = 0; i < rows.length; i += 500) await getDb().insert(subscribers).values(rows.slice(i, i + 500));
  // A buyer, who may sign in but is no author.
  const at = Date.parse(BEFORE);
  await getDb().insert(purchases).values({ email: READER, lang: 'en', source: 'stripe', currency: 'eur', productId: 'okr-workshop-2027-03', status: 'paid', amount: 9700, checkoutSessionId: 'cs_test_reader', purchasedAt: at, accessUntil: at + 90 * 86_400_000, createdAt: at, updatedAt: at });
});
afterAll(async () => {
  closeDb();
  await browser?.close();
  await server?.stop();
  await resend?.close();
});

/** The emailed sign-in, its link read from what the fake Resend received. */
const sessions = new Map<string, Promise<string>>();
function signIn(email: string): Promise<string> {
  if (!sessions.has(email)) {
    sessions.set(email, (async () => {
      const res = await fetch(`${server.url}/login/`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email)}` });
      expect(res.status).toBe(200);
      let link: string | undefined;
      await expect.poll(() => (link = fake.emails.find((m) => m.to.includes(email) && /\/login\/verify\?token=/.test(m.html ?? ''))?.html), { timeout: 30_000, interval: 50 }).toBeDefined();
      const url = /https?:\/\/[^\s"<>]+\/login\/verify\?token=[A-Za-z0-9_-]{43}/.exec(link!)![0].replace(/^https?:\/\/[^/]+/, server.url);
      const verify = await fetch(url, { method: 'POST', redirect: 'manual', headers: { origin: server.url } });
      expect(verify.status).toBe(303);
      return /drumbeat_session=([^;]+)/.exec(verify.headers.get('set-cookie') ?? '')![1]!;
    })());
  }
  return sessions.get(email)!;
}

const get = (p: string, session: string) => fetch(`${server.url}${p}`, { redirect: 'manual', headers: { cookie: `drumbeat_session=${session}` } });
const post = (p: string, session: string, fields: Record<string, string>, origin = server.url) =>
  fetch(`${server.url}${p}`, { method: 'POST', redirect: 'manual', headers: { origin, cookie: `drumbeat_session=${session}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
const sendRow = async () => (await getDb().select().from(sends).where(eq(sends.lang, 'en')))[0];
const batchesAnswered = () => fake.requests.filter((r) => r.path === '/emails/batch' && r.status === 200).length;


/**
 * Opens the Sends page afresh. Its own script reloads it when a send changes state, and a reload
 * of ours landing at that moment is aborted by theirs: try again.
 */
async function reopen(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(`${server.url}/admin/sends/`);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

describe('/admin/sends/', { timeout: 180_000 }, () => {
  it('previews a Note that is not public yet, in every language, and sends a test copy that unsubscribes nobody', async () => {
    const author = await signIn(AUTHOR);
    const page = await get('/admin/sends/preview/206/?lang=it', author);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    const html = await page.text();
    expect(html).toMatch(/data-visibility="scheduled"[^>]*>\s*Scheduled: not public until/);
    expect(html).toMatch(/<iframe[^>]*sandbox=""[^>]*srcdoc="[^"]*Nota №206/);
    expect(html).toContain('data-lang="en"');

    const sent = await post('/admin/sends/preview/206/?lang=it', author, { lang: 'it', to: 'me@example.com' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Test copy sent to me@example.com.');
    const copy = fake.emails.find((m) => m.to.includes('me@example.com'))!;
    expect(copy.subject).toMatch(/^\[Test\] Nota №206/);
    expect(copy.html).toContain('/unsubscribe?preview=1');
    expect(copy.headers?.['List-Unsubscribe']).toContain('preview=1');
    expect(await post('/admin/sends/preview/206/', author, { lang: 'it', to: 'not an address' })).toMatchObject({ status: 400 });
    // Test copies are real email: a few per ten minutes.
    let limited: Response | undefined;
    for (let i = 0; i < 12 && !limited; i++) {
      const r = await post('/admin/sends/preview/206/', author, { lang: 'en', to: 'me@example.com' });
      if (r.status === 429) limited = r;
    }
    expect(limited).toBeDefined();
    expect(await limited!.text()).toContain('too many test copies');
    expect(fake.emails.filter((m) => m.to.includes('me@example.com')).length).toBeLessThanOrEqual(10);
    expect(await getDb().$count(sends)).toBe(0);

    // Before its slot the Note waits on the Sends page, with a Pause button of its own.
    const list = await (await get('/admin/sends/', author)).text();
    expect(list).toMatch(/data-coming="206-en" data-due="no"[\s\S]*?name="action" value="pause"[\s\S]*?name="note" value="206"/);
    expect(list).not.toContain('http-equiv="refresh"');
    const progress = await get('/admin/sends/progress.json', author);
    expect(progress.headers.get('cache-control')).toBe('private, no-store');
    expect(await progress.json()).toEqual({ live: false, sends: [] });
  });

  it('pauses the running send from the page, the progress stops; resumed, everyone is mailed exactly once', async () => {
    const author = await signIn(AUTHOR);
    const release = fake.holdBatchesAfter(2);
    const page = await browser.newPage();
    await page.context().addCookies([{ name: 'drumbeat_session', value: author, url: server.url }]);
    // The slot comes: the scheduler (which shares the server's clock) starts the send.
    await server.setClock(new Date(SLOT + 30_000).toISOString());
    await expect.poll(() => fake.heldBatches, { timeout: 60_000, interval: 50 }).toBeGreaterThan(0);

    await page.goto(`${server.url}/admin/sends/`);
    await expect.poll(async () => (await sendRow())?.frozenAt ?? null).not.toBeNull();
    // The English group: the Italian one (nobody in it) follows once this one stops.
    const row = page.locator(`tr[data-send="${(await sendRow())!.id}"]`);
    await expect.poll(() => row.getAttribute('data-state')).toBe('sending');
    // The page's script updates the figures in place while it runs.
    await expect.poll(() => row.locator('[data-field="sent"]').textContent(), { timeout: 30_000 }).toBe('200');
    // Without JavaScript the page refreshes itself while a send runs.
    expect(await (await get('/admin/sends/', author)).text()).toContain('<noscript><meta http-equiv="refresh" content="5"></noscript>');
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.locator('.flash[role="status"]').first().textContent()).toMatch(/^Paused\./);
    expect((await sendRow())!.state).toBe('paused');

    // The batches already on their way arrive and are marked; nothing else goes out.
    release();
    await expect.poll(async () => (await sendRow())!.sent, { timeout: 60_000, interval: 100 }).toBe(600);
    expect(fake.heldBatches).toBe(0);
    await server.setClock(new Date(SLOT + 90_000).toISOString()); // a scheduler tick: it leaves a paused send alone
    await reopen(page);
    await expect.poll(() => row.getAttribute('data-state')).toBe('paused');
    expect(await row.locator('[data-field="sent"]').textContent()).toBe('600');
    expect(batchesAnswered()).toBe(6);
    expect(await getDb().$count(sendRecipients, eq(sendRecipients.state, 'pending'))).toBe(RECIPIENTS - 600);
    mkdirSync(SHOTS, { recursive: true });
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-sends-paused-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    await row.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.locator('.flash[role="status"]').first().textContent()).toMatch(/^Resumed/);
    // The scheduler's next tick picks it up (moving the clock asks for that tick now).
    await server.setClock(new Date(SLOT + 150_000).toISOString());
    await expect.poll(async () => (await sendRow())!.state, { timeout: 60_000, interval: 100 }).toBe('done');
    await reopen(page);
    expect(await row.locator('[data-field="sent"]').textContent()).toBe('1,000');

    const ledger = await getDb().select().from(sendRecipients).where(eq(sendRecipients.sendId, (await sendRow())!.id));
    expect(ledger).toHaveLength(RECIPIENTS);
    expect(ledger.every((r) => r.state === 'sent')).toBe(true);
    const mailed = fake.emails.filter((m) => m.tags?.some((t) => t.name === 'send')).flatMap((m) => m.to);
    expect(mailed).toHaveLength(RECIPIENTS);
    expect(new Set(mailed).size).toBe(RECIPIENTS);
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: path.join(SHOTS, `admin-sends-done-${width}.png`), fullPage: true });
      const overflow = await page.evaluate(() => {
        const edge = document.documentElement.clientWidth;
        return [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > edge + 0.5).map((e) => `${e.tagName}.${e.className}`).slice(0, 5);
      });
      expect(overflow, `sticking out at ${width}px`).toEqual([]);
    }
    await page.goto(`${server.url}/admin/sends/preview/206/`);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SHOTS, 'admin-sends-preview-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, 'admin-sends-preview-1280.png'), fullPage: true });
    await page.close();
  });

  it('answers 403 to a non-admin on every Sends URL and action, changing nothing; refuses a cross-site POST', async () => {
    const reader = await signIn(READER);
    const id = String((await sendRow())?.id ?? 1);
    for (const p of ['/admin/sends/', '/it/admin/sends/', '/admin/sends/progress.json', '/admin/sends/preview/206/', '/it/admin/sends/preview/206/?lang=it', '/admin/sends/preview/?note=206']) {
      const res = await get(p, reader);
      expect(res.status, p).toBe(403);
      expect(res.headers.get('cache-control'), p).toBe('private, no-store');
      const body = await res.text();
      for (const secret of ['en1@example.com', 'Nota №206', '"sent"', '1,000']) expect(body, `${p} ${secret}`).not.toContain(secret);
    }
    const before = fake.emails.length;
    const rows = await getDb().select().from(sends);
    for (const fields of [{ action: 'cancel', send: id }, { action: 'pause', send: id }, { action: 'pause', note: '206', lang: 'it' }] as Record<string, string>[]) {
      expect((await post('/admin/sends/', reader, fields)).status).toBe(403);
    }
    expect((await post('/admin/sends/preview/206/', reader, { lang: 'en', to: READER })).status).toBe(403);
    const author = await signIn(AUTHOR);
    expect((await post('/admin/sends/', author, { action: 'cancel', send: id }, 'https://evil.example')).status).toBe(403);
    expect((await post('/admin/sends/preview/206/', author, { lang: 'en', to: 'x@example.com' }, 'https://evil.example')).status).toBe(403);
    expect(await getDb().select().from(sends)).toEqual(rows);
    expect(fake.emails.length).toBe(before);
    const signedOut = await fetch(`${server.url}/admin/sends/progress.json`, { redirect: 'manual' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toMatch(/^\/login\/\?next=/);
  });
});
