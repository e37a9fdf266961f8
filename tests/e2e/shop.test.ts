import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases } from '../../src/lib/core/db/schema.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { emailedSignIn } from '../helpers/sign-in.ts';
import { useSiteDatabase } from '../helpers/db.ts';

// The shop (/workshops/, /it/workshops/), topic pages, "Continue reading" and the nav, on the
// built sample site. On 2026-11-25: the workshop on sale until 26 March 2027, the certification's
// two cohorts open with 12 seats each, Note 206 scheduled for 30 November 07:00 (Rome).
const TODAY = '2026-11-25T12:00:00Z';
const WORKSHOP = 'okr-workshop-2027-03';
const BUYER = 'coach-buyer@example.com';
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');

let server: RunningSite;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startSite(inject('sampleOutDir')), launchChromium()]);
  await server.setClock(TODAY);
  useSiteDatabase(server);
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  closeDb();
  await browser?.close();
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  await server.setClock(TODAY);
});

async function openPage(opts: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: opts.javaScriptEnabled ?? true, viewport: { width: opts.width ?? 1280, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

const item = (page: Page, id: string) => page.locator(`li[data-product="${id}"]`);

// Budgets: a few seconds idle; generous for a loaded 2-core machine.
describe('the shop', { timeout: 90_000 }, () => {
  it('en: reached from the nav, lists what is on sale with its deadline, price and seats, linking to each sales page', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await page.goto(`${server.url}/`);
    await page.locator('header.site nav').getByRole('link', { name: 'Workshops' }).click();
    await page.waitForURL(`${server.url}/workshops/`);
    expect(await page.locator('h1').textContent()).toBe('Workshops and certification');
    expect(await page.locator('header.site a[aria-current="page"]').textContent()).toBe('Workshops');

    const onSale = page.locator('section[data-group="on-sale"]');
    expect(await onSale.locator('h2').textContent()).toBe('On sale now');
    const workshop = item(page, WORKSHOP);
    expect(await workshop.locator('.shop-price').textContent()).toBe('€97.00');
    expect(await workshop.locator('.deadline').textContent()).toBe('You have until 6 p.m. on Friday, March 26, 2027 to access the recording. All times: Italy Time.');
    expect(await workshop.locator('h3 a').getAttribute('href')).toBe(`/workshops/${WORKSHOP}/`);
    const coach = item(page, 'okr-coach');
    expect(await coach.locator('[data-cohort="spring-2027"]').textContent()).toBe('Spring 2027 cohort: starts at 9 a.m. on Monday, March 1, 2027 (Italy Time) · 12 of 12 seats left');
    expect(await coach.locator('h3 a').getAttribute('href')).toBe('/certification/okr-coach/');
    expect(await page.locator('section[data-group="closed"]').count()).toBe(0);
    // The footer links the shop too.
    expect(await page.locator('footer.site a[href="/workshops/"]').count()).toBe(1);

    await page.screenshot({ path: path.join(SHOTS, 'shop-en-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SHOTS, 'shop-en-390.png'), fullPage: true });

    await workshop.getByRole('link', { name: 'Details and booking' }).click();
    await page.waitForURL(`${server.url}/workshops/${WORKSHOP}/`);
    // The sample's "what's included" no longer points at a deadline "below" the box above it.
    const includes = (await page.locator('.includes').textContent())!;
    expect(includes).toContain('Watch on any device until the access deadline');
    expect(includes).not.toMatch(/below/);
  });

  it('it: the same shop in Italian, with Italian dates and links', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await page.goto(`${server.url}/it/`);
    await page.locator('header.site nav').getByRole('link', { name: 'Workshop', exact: true }).click();
    await page.waitForURL(`${server.url}/it/workshops/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    expect(await page.locator('h1').textContent()).toBe('Workshop e certificazione');
    expect(await page.locator('section[data-group="on-sale"] h2').textContent()).toBe('In vendita ora');
    const workshop = item(page, WORKSHOP);
    expect(await workshop.locator('.deadline').textContent()).toMatch(/^Hai tempo fino alle 18:00 di venerdì 26 marzo 2027 .*Orari: ora/);
    expect(await workshop.locator('.shop-price').textContent()).toMatch(/^97,00\s€$/);
    expect(await workshop.locator('h3 a').getAttribute('href')).toBe(`/it/workshops/${WORKSHOP}/`);
    expect(await item(page, 'okr-coach').locator('[data-cohort="autumn-2027"]').textContent()).toMatch(/^Gruppo autunno 2027: inizia lunedì 20 settembre 2027 alle 0?9:00 .* · 12 posti liberi su 12$/);
    expect(await item(page, 'okr-coach').locator('h3 a').getAttribute('href')).toBe('/it/certification/okr-coach/');
    await page.screenshot({ path: path.join(SHOTS, 'shop-it-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SHOTS, 'shop-it-390.png'), fullPage: true });
  });

  it('says clearly what is coming and what has closed, by the server clock, and counts seats live', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await server.setClock('2026-10-30T12:00:00Z');
    await page.goto(`${server.url}/workshops/`);
    expect(await page.locator('section[data-group="coming"] h2').textContent()).toBe('Coming soon');
    expect(await page.locator(`section[data-group="coming"] li[data-product="${WORKSHOP}"] .deadline`).textContent()).toBe('Sales open at 9 a.m. on Sunday, November 1 (Italy Time).');

    await server.setClock('2027-03-27T12:00:00Z');
    await page.goto(`${server.url}/workshops/`);
    const closed = page.locator(`section[data-group="closed"] li[data-product="${WORKSHOP}"]`);
    expect(await page.locator('section[data-group="closed"] h2').textContent()).toBe('No longer on sale');
    expect(await closed.locator('.closed').getAttribute('data-reason')).toBe('deadline_passed');
    expect(await closed.locator('.deadline').count()).toBe(0);

    await server.setClock(TODAY);
    const now = Date.parse(TODAY);
    await getDb().insert(purchases).values({ email: BUYER, productId: 'okr-coach', cohortId: 'spring-2027', status: 'paid', amount: 120000, currency: 'eur', lang: 'en', source: 'stripe', checkoutSessionId: 'cs_test_shop_buyer', purchasedAt: now - 1000, accessUntil: Date.parse('2027-09-30T21:59:00Z'), createdAt: now - 1000, updatedAt: now - 1000 });
    await page.goto(`${server.url}/workshops/`);
    expect(await item(page, 'okr-coach').locator('[data-cohort="spring-2027"] .seats').textContent()).toBe('11 of 12 seats left');
    expect(await item(page, 'okr-coach').locator('[data-cohort="autumn-2027"] .seats').textContent()).toBe('12 of 12 seats left');
  });
});

describe('the nav: "Sign in" for visitors, "Your library" for signed-in buyers', { timeout: 90_000 }, () => {
  it('shows each their own, on the same cached page, and offers the product asked for on "No access"', async () => {
    const html = async (p: string, cookie?: string) => (await fetch(server.url + p, { headers: cookie ? { cookie: `drumbeat_session=${cookie}` } : {} })).text();
    const navOf = (h: string) => /<header class="site">[\s\S]*?<\/header>/.exec(h)![0];
    // Signed out first, so the signed-out copy of the page is the one in the cache.
    for (let i = 0; i < 2; i++) {
      const nav = navOf(await html('/notes/205-three-steps/'));
      expect(nav).toContain('data-nav="sign-in"');
      expect(nav).not.toContain('data-nav="library"');
    }
    const now = Date.parse(TODAY);
    await getDb().insert(purchases).values({ email: 'nav-buyer@example.com', productId: 'okr-coach', cohortId: 'autumn-2027', status: 'paid', amount: 120000, currency: 'eur', lang: 'en', source: 'stripe', checkoutSessionId: 'cs_test_nav_buyer', purchasedAt: now - 1000, accessUntil: Date.parse('2028-03-31T21:59:00Z'), createdAt: now - 1000, updatedAt: now - 1000 });
    const session = await emailedSignIn(server.url, 'nav-buyer@example.com');
    for (let i = 0; i < 2; i++) {
      const nav = navOf(await html('/notes/205-three-steps/', session));
      expect(nav).toContain('data-nav="library"');
      expect(nav).not.toContain('data-nav="sign-in"');
    }
    expect(navOf(await html('/notes/205-three-steps/'))).toContain('data-nav="sign-in"');
    expect(navOf(await html('/it/', session))).toContain('>La tua libreria</a>');

    // The buyer owns the certification (the workshop's `next`), not the workshop, which is on sale.
    const page = await openPage({ javaScriptEnabled: false });
    await page.context().addCookies([{ name: 'drumbeat_session', value: session, url: server.url }]);
    await page.goto(`${server.url}/library/${WORKSHOP}/`);
    const offer = page.locator('a[data-offer]');
    expect(await offer.getAttribute('data-offer')).toBe('this');
    expect(await offer.getAttribute('href')).toBe(`/workshops/${WORKSHOP}/`);
    // While the workshop cannot be bought (before its sales open: a session outlives no later
    // moment in this sample), its `next` is not offered to someone who has it already.
    await server.setClock('2026-10-30T12:00:00Z');
    await page.goto(`${server.url}/library/${WORKSHOP}/`);
    expect(await page.locator('a[data-offer]').count()).toBe(0);
    expect(await page.locator(`.panel a[href="/workshops/${WORKSHOP}/"]`).count()).toBe(1);
  });
});

describe('topics and "Continue reading"', { timeout: 90_000 }, () => {
  it('a Note links its topics; a topic page lists only public Notes, and a scheduled one appears at its moment', async () => {
    const page = await openPage();
    await page.goto(`${server.url}/notes/205-three-steps/`);
    const topics = page.locator('nav.note-topics a');
    expect(await topics.allTextContents()).toEqual(['goals', 'rhythm', 'focus']);
    // It cites 194, 200 and 204: they come before newer Notes; the scheduled 206 (which cites 205)
    // is not there yet.
    const related = await page.locator('section[aria-labelledby="continue-title"] h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    // Among them, 194 shares two topics (goals, focus), 204 one (rhythm), 200 none.
    expect(related).toEqual(['/notes/194-goal-on-a-sticky-note/', '/notes/204-the-monday-rhythm/', '/notes/200-measure-the-thing/']);
    expect(related).not.toContain('/notes/206-planning-the-year/');

    await page.goto(`${server.url}/topics/planning/`);
    expect(await page.locator('h1').textContent()).toBe('Topic: planning');
    const listed = () => page.locator('.cards h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(await listed()).toEqual(['/notes/204-the-monday-rhythm/', '/notes/202-strategy-on-one-page/', '/notes/199-quarter-starts-on-monday/']);
    await page.screenshot({ path: path.join(SHOTS, 'topic-en-1280.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SHOTS, 'topic-en-390.png'), fullPage: true });

    await page.goto(`${server.url}/it/topics/`);
    expect(await page.locator('h1').textContent()).toBe('Argomenti');
    await page.getByRole('link', { name: /^pianificazione/ }).click();
    await page.waitForURL(`${server.url}/it/topics/pianificazione/`);
    expect(await page.locator('.cards h2 a').allTextContents()).not.toContain('Pianificare l’anno in un pomeriggio');
    expect(await page.locator('.cards h2 a').count()).toBe(2);
    await page.screenshot({ path: path.join(SHOTS, 'topic-it-390.png'), fullPage: true });

    expect((await fetch(`${server.url}/topics/no-such-topic/`)).status).toBe(404);
    const redirect = await fetch(`${server.url}/topics/Planning/`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/topics/planning/');

    // 30 November 07:00 in Rome: Note 206 is public, on its topic page and under the Note it cites.
    await server.setClock('2026-11-30T06:00:00Z');
    await page.goto(`${server.url}/topics/planning/`);
    expect((await listed())[0]).toBe('/notes/206-planning-the-year/');
    await page.goto(`${server.url}/notes/205-three-steps/`);
    expect(await page.locator('section[aria-labelledby="continue-title"] h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toContain('/notes/206-planning-the-year/');
  });

  it('the archive titles look like the home page’s: ink, not large red underlined links', async () => {
    const page = await openPage();
    const look = async () =>
      page.locator('.cards li a').first().evaluate((a) => {
        const s = getComputedStyle(a);
        return { color: s.color, size: s.fontSize, line: s.textDecorationLine };
      });
    await page.goto(`${server.url}/`);
    const home = await look();
    await page.goto(`${server.url}/notes/`);
    const archive = await look();
    expect(archive).toEqual(home);
    expect(archive.line).toBe('none');
    expect(archive.color).toBe('rgb(29, 27, 24)');
  });

  it('the footer keeps its links apart: "RSS feed · Privacy"', async () => {
    const page = await openPage();
    await page.goto(`${server.url}/`);
    const box = async (name: string) => (await page.locator('footer.site').getByRole('link', { name }).boundingBox())!;
    const rss = await box('RSS feed');
    const privacy = await box('Privacy');
    // A separator with space on both sides: well over one character's width between the links.
    expect(privacy.x - (rss.x + rss.width)).toBeGreaterThan(12);
    const separator = await page.locator('footer.site .footer-links li + li').first().evaluate((li) => getComputedStyle(li, '::before').content);
    expect(separator).toBe('"·"');
  });
});
