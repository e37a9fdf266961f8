import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases, subscribers } from '../../src/lib/core/db/schema.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { formatDate } from '../../src/i18n/format.ts';
import { resetEnvCache } from '../../src/lib/core/env.server.ts';
import { launchChromium } from '../helpers/browser.ts';
import { runDrumbeat } from '../helpers/cli.ts';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { sessionsFor } from '../helpers/sign-in.ts';

// The certification against the built sample site, in Chromium, on the server's test clock: the
// cohort's lessons opening on their days, progress marked without JavaScript, a certificate issued
// by the CLI and the dashboard, verified by a stranger and gone after revocation, and the opt-in
// directory of coaches.

const AUTHOR = 'author@example.com';
const CORA = 'cora@example.com';
const DAN = 'dan@example.com';
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');
/** 9:00 in Rome (CET) on the cohort's first Mondays */
const MARCH_1 = '2027-03-01T08:00:00Z';
const MARCH_8 = '2027-03-08T08:00:00Z';
const COURSE = '/library/okr-coach/';
const LESSON_1 = '/library/okr-coach/01-what-a-coach-does/';
const LESSON_2 = '/library/okr-coach/02-the-first-writing-session/';
const LESSON_3 = '/library/okr-coach/03-the-weekly-check-in/';

let server: RunningSite;
let browser: Browser;
let cora: BrowserContext;
let page: Page;
const signIn = sessionsFor(() => server.url);

async function grant(email: string, lang: string) {
  const now = Date.parse('2027-02-20T10:00:00Z');
  await getDb().insert(purchases).values({ email, productId: 'okr-coach', cohortId: 'spring-2027', lang, source: 'grant', status: 'granted', purchasedAt: now, accessUntil: Date.parse('2027-09-30T21:59:00Z'), createdAt: now, updatedAt: now });
}

async function contextFor(email: string, opts: { javaScriptEnabled?: boolean; locale?: string } = {}) {
  const context = await browser.newContext(opts);
  await context.addCookies([{ name: 'drumbeat_session', value: await signIn(email), url: server.url }]);
  return context;
}

const cli = (args: string[]) => runDrumbeat(args, { DATA_DIR: server.dataDir, DATABASE_URL: undefined, SITE_URL: server.url });
const mailTo = (email: string) => readOutbox(500).filter((m) => m.to === email);
const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, server.url);
// The CLI runs on the real clock (only the server has the test clock): its dates are today's.
const today = () => formatDate('en', Date.now(), 'Europe/Rome');
const text = (p: Page, selector: string) => p.locator(selector).first().innerText();

async function shoot(p: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1280, 390]) {
    await p.setViewportSize({ width, height: 900 });
    await p.screenshot({ path: path.join(SHOTS, `cert-${name}-${width}.png`), fullPage: true });
    // Nothing sticks out of a phone's width.
    if (width === 390) expect(await p.evaluate(() => document.documentElement.scrollWidth), `${name} at 390 px`).toBeLessThanOrEqual(390);
  }
  await p.setViewportSize({ width: 1280, height: 900 });
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startSite(inject('sampleOutDir'), { ADMIN_EMAILS: AUTHOR }), launchChromium()]);
  // Ten days before the cohort starts: a session opened now lasts past the first lessons.
  await server.setClock('2027-02-20T10:00:00Z');
  process.env.DATA_DIR = server.dataDir;
  delete process.env.DATABASE_URL;
  resetEnvCache();
  closeDb();
  await grant(CORA, 'en');
  await grant(DAN, 'it');
  const at = Date.parse('2027-01-10T10:00:00Z');
  await getDb().insert(subscribers).values({ email: DAN, lang: 'it', status: 'active', source: '/it/', consentVersion: 'v1', consentAt: at, confirmedAt: at, createdAt: at, updatedAt: at });
});
afterAll(async () => {
  closeDb();
  await cora?.close();
  await browser?.close();
  await server?.stop();
});

describe('a cohort’s lessons open on its schedule', () => {
  it('before the start, the library names the cohort, its start and what opens when', async () => {
    // JavaScript off: every form here must work without it. (Signing in polls the outbox: inside a test.)
    cora = await contextFor(CORA, { javaScriptEnabled: false });
    page = await cora.newPage();
    await page.goto(`${server.url}/library/`);
    expect(await text(page, '.library .cohort')).toBe('Spring 2027 cohort · starts at 9 a.m. on Monday, March 1 (Italy Time)');
    await page.goto(server.url + COURSE);
    expect(await text(page, '[data-cohort-line]')).toBe('Spring 2027 cohort · starts at 9 a.m. on Monday, March 1 (Italy Time)');
    expect(await page.locator('[data-before-start]').count()).toBe(1);
    expect(await page.locator('.lessons [data-state=locked]').count()).toBe(4);
    expect(await page.locator('.lessons a').count()).toBe(0);
    expect(await text(page, '[data-lesson="2"] .opens')).toBe('Opens at 9 a.m. on Monday, March 8 (Italy Time)');
    expect(await text(page, '[data-lesson="4"] .opens')).toBe('Opens at 9 a.m. on Monday, March 22 (Italy Time)');
    await shoot(page, 'course-before-start');
  });

  it('a locked lesson’s URL says when it opens, and shows none of it', async () => {
    const res = await page.goto(server.url + LESSON_1);
    expect(res!.status()).toBe(403);
    expect(await text(page, '[data-locked] .state')).toBe('Opens at 9 a.m. on Monday, March 1 (Italy Time)');
    expect(await page.content()).not.toContain('Elena and the borrowed key results');
    await shoot(page, 'lesson-locked');
  });

  it('in Italian, in the buyer’s language', async () => {
    const dan = await contextFor(DAN, { locale: 'it-IT' });
    const p = await dan.newPage();
    await p.goto(`${server.url}/it${COURSE}`);
    expect(await text(p, '[data-cohort-line]')).toBe('Gruppo primavera 2027 · inizio: lunedì 1 marzo alle 09:00 (ora dell’Europa centrale)');
    expect(await text(p, '[data-lesson="2"] .opens')).toBe('Si apre lunedì 8 marzo alle 09:00 (ora dell’Europa centrale)');
    await dan.close();
  });

  it('the first lesson opens at the start; the second a week later, to the minute', async () => {
    await server.setClock(MARCH_1);
    let res = await page.goto(server.url + LESSON_1);
    expect(res!.status()).toBe(200);
    expect(await page.content()).toContain('Elena and the borrowed key results');
    await server.setClock('2027-03-08T07:59:00Z');
    res = await page.goto(server.url + LESSON_2);
    expect(res!.status()).toBe(403);
    await server.setClock(MARCH_8);
    res = await page.goto(server.url + LESSON_2);
    expect(res!.status()).toBe(200);
    expect(await page.locator('[data-locked]').count()).toBe(0);
    await page.goto(server.url + COURSE);
    expect(await page.locator('[data-before-start]').count()).toBe(0);
    expect(await page.locator('.lessons [data-state=open]').count()).toBe(2);
    expect(await page.locator('.lessons [data-state=locked]').count()).toBe(2);
  });
});

describe('lesson progress', () => {
  const done = async () => (await getDb().$client.execute(`SELECT lesson FROM lesson_progress WHERE email = '${CORA}' ORDER BY lesson`)).rows.map((r) => Number(r.lesson));

  it('a buyer marks lessons done, from the lesson and from the course, without JavaScript', async () => {
    await page.goto(server.url + LESSON_1);
    await Promise.all([page.waitForURL(server.url + LESSON_1), page.click('form.lesson-done button')]);
    expect(await page.locator('form.lesson-done[data-done=yes]').count()).toBe(1);
    await page.goto(server.url + COURSE);
    expect(await text(page, '[data-progress]')).toBe('1 of 4 lessons done');
    await Promise.all([page.waitForURL(/\/library\/okr-coach\/#lesson-2$/), page.click('[data-lesson="2"] form button')]);
    expect(await text(page, '[data-progress]')).toBe('2 of 4 lessons done');
    expect(await page.locator('[data-lesson="2"][data-state=done]').count()).toBe(1);
    expect(await done()).toEqual([1, 2]);
    await shoot(page, 'course-progress');
    // And back: not done.
    await Promise.all([page.waitForURL(/#lesson-2$/), page.click('[data-lesson="2"] form button')]);
    expect(await text(page, '[data-progress]')).toBe('1 of 4 lessons done');
    expect(await done()).toEqual([1]);
  });

  it('refuses a lesson not open yet, a cross-site form, a stranger and nonsense, writing nothing', async () => {
    const cookie = `drumbeat_session=${await signIn(CORA)}`;
    const post = (p: string, body: string, headers: Record<string, string> = {}) =>
      fetch(server.url + p, { method: 'POST', redirect: 'manual', headers: { origin: server.url, cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    expect((await post(LESSON_3, 'done=1')).status).toBe(403);
    expect((await post(LESSON_1, 'done=1', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(LESSON_2, 'done=maybe')).status).toBe(400);
    expect((await post('/library/okr-coach/99-nope/', 'done=1')).status).toBe(404);
    expect((await post(LESSON_2, 'done=1', { cookie: '' })).status).toBe(303);
    expect(await done()).toEqual([1]);
  });
});

describe('certificates', () => {
  let url = '';

  it('`drumbeat certify` issues one and emails its link; a stranger verifies it in both languages', async () => {
    const r = await cli(['certify', CORA, 'okr-coach', '--name', 'Cora Bianchi']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = /Certified Cora Bianchi <cora@example.com> for okr-coach \(cohort spring-2027\): (\S+)/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    url = local(m![1]!);
    // 128 random bits, nothing of the address.
    expect(url).toMatch(/\/certificates\/[A-Za-z0-9_-]{22}\/$/);
    const mail = mailTo(CORA).find((x) => x.subject === 'Your certificate: OKR Coach Certification');
    expect(mail).toBeDefined();
    expect(local(/https?:\/\/[^\s"<>]+\/certificates\/[A-Za-z0-9_-]{22}\//.exec(mail!.html)![0])).toBe(url);

    const stranger = await browser.newContext();
    const p = await stranger.newPage();
    const res = await p.goto(url);
    expect(res!.status()).toBe(200);
    expect(await text(p, '.certificate-name')).toBe('Cora Bianchi');
    expect(await text(p, '[data-field=programme]')).toBe('OKR Coach Certification');
    expect(await text(p, '[data-field=cohort]')).toBe('Spring 2027 cohort, from March 1, 2027');
    expect(await text(p, '[data-field=date]')).toBe(today());
    expect(await p.locator('meta[name=robots][content=noindex]').count()).toBe(1);
    expect(res!.headers()['cache-control']).toBe('no-store');
    // Its share card: a PNG drawn for it.
    const image = await p.locator('meta[property="og:image"]').getAttribute('content');
    expect(image).toBe(`${m![1]!}og.png`);
    const card = await fetch(local(image!));
    expect(card.status).toBe(200);
    expect(card.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await card.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    await shoot(p, 'certificate');
    // Printed: the certificate alone.
    await p.emulateMedia({ media: 'print' });
    expect(await p.locator('header.site').isVisible()).toBe(false);
    expect(await p.locator('.certificate').isVisible()).toBe(true);
    const pdf = await p.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await p.emulateMedia({ media: 'screen' });
    await p.goto(url.replace(/\/certificates\//, '/it/certificates/'));
    expect(await text(p, '[data-field=cohort]')).toBe('Gruppo primavera 2027, dal 1 marzo 2027');
    expect(await text(p, '.certificate-statement')).toBe('Cora Bianchi ha completato «Certificazione OKR Coach» e ha ottenuto la qualifica.');
    // An id nobody was given.
    expect((await p.goto(`${server.url}/certificates/AAAAAAAAAAAAAAAAAAAAAA/`))!.status()).toBe(404);
    expect((await p.goto(`${server.url}/certificates/not-an-id/`))!.status()).toBe(404);
    await stranger.close();
  });

  it('the participant sees it in the library', async () => {
    await page.goto(`${server.url}/library/`);
    expect(await page.locator(`#certificates a[href="${new URL(url).pathname}"]`).count()).toBe(1);
  });

  it('after revocation the same link says it was revoked (410), to anyone holding it', async () => {
    const r = await cli(['certify', CORA, 'okr-coach', '--revoke']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Revoked the certificate');
    const stranger = await browser.newContext();
    const p = await stranger.newPage();
    const res = await p.goto(url);
    expect(res!.status()).toBe(410);
    expect(await text(p, '[data-certificate-state=revoked] .state')).toBe(`This certificate was revoked on ${today()}. It no longer certifies a qualification.`);
    expect(await p.content()).not.toContain('Cora Bianchi');
    expect((await fetch(`${url}og.png`)).status).toBe(410);
    await shoot(p, 'certificate-revoked');
    await stranger.close();
    await page.goto(`${server.url}/library/`);
    expect(await page.locator('#certificates').count()).toBe(0);
  });

  it('the dashboard marks a participant qualified and revokes, emailing them in their language', async () => {
    const admin = await contextFor(AUTHOR);
    const p = await admin.newPage();
    await p.goto(`${server.url}/admin/purchases/?email=${encodeURIComponent(DAN)}`);
    await p.fill('form.certify input[name=name]', 'Dan Ferri');
    await Promise.all([p.waitForURL(/done=certified/), p.click('form.certify button')]);
    expect(await p.locator('[data-certified]').count()).toBe(1);
    const mail = mailTo(DAN).find((x) => x.subject === 'Il tuo certificato: Certificazione OKR Coach');
    expect(mail).toBeDefined();
    const link = local(/https?:\/\/[^\s"<>]+\/it\/certificates\/[A-Za-z0-9_-]{22}\//.exec(mail!.html)![0]);
    expect((await fetch(link)).status).toBe(200);
    await shoot(p, 'admin-purchases');
    // The person's page shows it too, with the way to the actions.
    const [dan] = (await getDb().$client.execute(`SELECT id FROM subscribers WHERE email = '${DAN}'`)).rows;
    await p.goto(`${server.url}/admin/subscribers/${dan!.id}/`);
    expect(await p.locator('[data-certified] a').first().getAttribute('href')).toBe(new URL(link).pathname.replace(/^\/it/, ''));
    await p.goto(`${server.url}/admin/purchases/?email=${encodeURIComponent(DAN)}`);
    await Promise.all([p.waitForURL(/done=uncertified/), p.click('form.uncertify button')]);
    expect((await fetch(link)).status).toBe(410);
    await admin.close();
  });
});

describe('the coaches’ directory', () => {
  const DIRECTORY = '/certification/coaches/';

  it('shows nobody without an opt-in; a coach opts in from the library, and out again', async () => {
    expect((await cli(['certify', CORA, 'okr-coach', '--name', 'Cora Bianchi', '--no-email'])).code).toBe(0);
    const visitor = await browser.newContext();
    const v = await visitor.newPage();
    await v.goto(server.url + DIRECTORY);
    expect(await v.locator('[data-coach]').count()).toBe(0);

    await page.goto(`${server.url}/library/`);
    // What the coach types is shown as text, never as markup.
    await page.fill('[data-directory-form] input[name=name]', 'Cora "CB" Bianchi & Co');
    await page.fill('[data-directory-form] input[name=city]', 'Torino');
    await page.fill('[data-directory-form] input[name=url]', 'https://example.com/cora?x="><script>alert(1)</script>');
    await Promise.all([page.waitForURL(/directory=saved/), page.click('[data-directory-form] button')]);
    await shoot(page, 'library-certificate');

    await v.goto(server.url + DIRECTORY);
    expect(await v.locator('[data-coach]').count()).toBe(1);
    expect(await text(v, '[data-coach] h2')).toBe('Cora "CB" Bianchi & Co');
    expect(await text(v, '[data-coach] p')).toBe('Torino · OKR Coach Certification');
    const link = v.locator('[data-coach] a');
    expect(await link.getAttribute('rel')).toBe('nofollow ugc');
    expect(await link.getAttribute('href')).toBe('https://example.com/cora?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E');
    expect(await v.content()).not.toContain('<script>alert');
    await shoot(v, 'directory');
    await v.goto(`${server.url}/it${DIRECTORY}`);
    expect(await text(v, 'h1')).toBe('Coach con certificazione');
    expect(await v.locator('[data-coach]').count()).toBe(1);

    // A bad link is refused with the form kept, nothing saved.
    await page.fill('[data-directory-form] input[name=url]', 'javascript:alert(1)');
    const refused = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('[data-directory-form] button')]);
    expect(refused[0].status()).toBe(400);
    expect(await text(page, '#certificates .error')).toBe('The link must be a full web address starting with https://.');

    await page.goto(`${server.url}/library/`);
    await Promise.all([page.waitForURL(/directory=removed/), page.click('[data-unlist-form] button')]);
    await v.goto(server.url + DIRECTORY);
    expect(await v.locator('[data-coach]').count()).toBe(0);
    await visitor.close();
  });

  it('is in the sitemap in both languages, and linked from the certification’s sales page', async () => {
    const sitemap = await (await fetch(`${server.url}/sitemap-0.xml`)).text();
    expect(sitemap).toContain(`<loc>${server.url}/certification/coaches/</loc>`);
    expect(sitemap).toContain(`hreflang="it" href="${server.url}/it/certification/coaches/"`);
    const sales = await (await fetch(`${server.url}/it/certification/okr-coach/`)).text();
    expect(sales).toContain('href="/it/certification/coaches/"');
  });

  it('a revoked certificate leaves the directory', async () => {
    await page.goto(`${server.url}/library/`);
    await page.fill('[data-directory-form] input[name=city]', 'Torino');
    await Promise.all([page.waitForURL(/directory=saved/), page.click('[data-directory-form] button')]);
    expect((await (await fetch(server.url + DIRECTORY)).text())).toContain('Torino');
    expect((await cli(['certify', 'revoke', CORA, 'okr-coach'])).code).toBe(0);
    expect((await (await fetch(server.url + DIRECTORY)).text())).not.toContain('Torino');
  });
});
