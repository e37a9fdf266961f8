import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { resetEnvCache } from '../../src/lib/core/env.server.ts';
import { launchChromium } from '../helpers/browser.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { inject } from 'vitest';

let server: RunningSite;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startSite(inject('sampleOutDir')), launchChromium()]);
  await server.setClock('2026-11-25T12:00:00Z');
  // Read the server's outbox from here.
  process.env.DATA_DIR = server.dataDir;
  resetEnvCache();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const mailTo = (email: string) => readOutbox(500).filter((m) => m.to === email);
// The confirmation is written after the answer (issue 9, item 7): wait for it.
async function mailFor(email: string) {
  await expect.poll(() => mailTo(email).length, { timeout: 15_000 }).toBeGreaterThan(0);
  return mailTo(email);
}
const linkIn = (html: string, path: string) => new RegExp(`https?://[^\\s"<>]+${path}\\?token=[A-Za-z0-9_.-]+`).exec(html)![0].replace(/^https?:\/\/[^/]+/, server.url);
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(server.url + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, ...headers }, body });

describe('POST /subscribe over HTTP', () => {
  it('answers a form with 303 to the "check your inbox" page in the reader language', async () => {
    const res = await post('/subscribe', 'email=http.form%40example.com&lang=it&source=%2Fit%2F');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/it/subscribe/thanks/');
    expect(await mailFor('http.form@example.com')).toHaveLength(1);
  });

  it('answers JSON callers with JSON', async () => {
    const res = await post('/subscribe', JSON.stringify({ email: 'json@example.com', lang: 'en' }), { 'content-type': 'application/json', accept: 'application/json' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it.each([
    ['email=not-an-email&lang=en', 400],
    ['email=a%40example.com%0D%0ABcc%3A%20x%40example.com&lang=en', 400],
    ['email=a%40example.com&lang=fr', 400],
    ['lang=en', 400],
    [`email=${'a'.repeat(300)}%40example.com&lang=en`, 400],
    [`email=a%40example.com&lang=en&pad=${'x'.repeat(20_000)}`, 413],
  ])('refuses %s with %i and stores nothing', async (body, status) => {
    const res = await post('/subscribe', body, { accept: 'application/json' });
    expect(res.status).toBe(status);
    expect((await res.json()).error).toBeTruthy();
    expect(mailTo('a@example.com')).toHaveLength(0);
  });

  it('shows the form again with the problem when JavaScript is off', async () => {
    const res = await post('/subscribe', 'email=oops&lang=en');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Please enter a valid email address.');
  });

  it('refuses a cross-site form post', async () => {
    const res = await post('/subscribe', 'email=csrf%40example.com&lang=en', { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(mailTo('csrf@example.com')).toHaveLength(0);
  });

  it('answers bad confirmation and unsubscribe links with 400, never 5xx', async () => {
    for (const p of ['/subscribe/confirm?token=nope', '/subscribe/confirm', '/unsubscribe?token=a.b', '/unsubscribe']) {
      expect((await fetch(server.url + p)).status, p).toBe(400);
      expect((await post(p, '')).status, p).toBe(400);
    }
  });
});

describe('the opt-in journey in the browser', () => {
  it('subscribes without a reload, confirms from the outbox, gets the welcome, unsubscribes with one click', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${server.url}/notes/205-three-steps/`);
    await page.getByLabel('Email address').fill('journey@example.com');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.locator('.form-status').textContent()).toContain('Check your inbox');
    expect(page.url()).toBe(`${server.url}/notes/205-three-steps/`);

    const [confirmation] = await mailFor('journey@example.com');
    expect(confirmation!.subject).toBe('Confirm your subscription to Drumbeat');
    await page.goto(linkIn(confirmation!.html, '/subscribe/confirm'));
    expect(await page.locator('h1').textContent()).toBe('Confirm your subscription');
    expect(mailTo('journey@example.com')).toHaveLength(1);
    await page.getByRole('button', { name: 'Yes, send me the Note' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('You are subscribed');

    const welcome = mailTo('journey@example.com').find((m) => m !== confirmation && m.subject !== confirmation!.subject)!;
    expect(welcome.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    await page.goto(linkIn(welcome.html, '/unsubscribe'));
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('You are unsubscribed');
    expect(errors).toEqual([]);
  });

  it('works with JavaScript off, through the "check your inbox" page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/it/`);
    await page.getByLabel('Indirizzo email').fill('nojs@example.com');
    await page.getByRole('button', { name: 'Iscriviti' }).click();
    await page.waitForURL(`${server.url}/it/subscribe/thanks/`);
    expect(await page.locator('h1').textContent()).toBe('Controlla la tua casella');
    expect((await mailFor('nojs@example.com'))[0]!.subject).toContain('Conferma');
    await context.close();
  });

  it('honours the RFC 8058 one-click POST a mail provider sends (no Origin, no cookies)', async () => {
    await post('/subscribe', 'email=oneclick%40example.com&lang=en');
    const confirm = linkIn((await mailFor('oneclick@example.com'))[0]!.html, '/subscribe/confirm');
    await post(confirm.replace(server.url, ''), '');
    const welcome = mailTo('oneclick@example.com').find((m) => m.subject.startsWith('Welcome'))!;
    const target = /<([^>]+)>/.exec(welcome.headers['list-unsubscribe']!)![1]!.replace(/^https?:\/\/[^/]+/, server.url);
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    const page = await browser.newPage();
    await page.goto(target);
    expect(await page.locator('h1').textContent()).toBe('You are unsubscribed');
  });
});
