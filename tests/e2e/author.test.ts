import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeContext, launchChromium, seriousViolations } from '../helpers/browser.ts';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// The author on the page (issue 13): a byline with name and photo on Notes and home, the
// signature the Notes end with, and an author page per language, in nav, footer and sitemap.
const TODAY = '2026-11-25T12:00:00Z';
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');

let server: RunningSite;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startSite(inject('sampleOutDir')), launchChromium()]);
  await server.setClock(TODAY);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function openPage(width = 1280): Promise<Page> {
  const context = await axeContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  return page;
}

/** The photo really loaded (not a broken image): its decoded width. */
const photoWidth = (page: Page, selector: string) => page.locator(selector).evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));

describe('the author on the page', { timeout: 90_000 }, () => {
  for (const { lang, note, home, about, by, signature, bio, nav } of [
    { lang: 'en', note: '/notes/205-three-steps/', home: '/', about: '/about/', by: 'By Giulia Ferri', signature: 'See you on Monday,', bio: /^Coach and writer\./, nav: 'About' },
    { lang: 'it', note: '/it/notes/205-tre-passi/', home: '/it/', about: '/it/about/', by: 'Di Giulia Ferri', signature: 'Ci sentiamo lunedì,', bio: /^Coach e autrice\./, nav: 'Chi sono' },
  ] as const) {
    it(`${lang}: byline with photo on a Note and home, the signature, and the author page from both`, async () => {
      const page = await openPage();
      await page.goto(server.url + note);
      const byline = page.locator('article header [data-byline]');
      expect((await byline.innerText()).trim()).toBe(by);
      expect(await photoWidth(page, 'article header [data-byline] img')).toBeGreaterThan(0);
      // The Note ends with the author's own line and name, before the topics.
      expect((await page.locator('.prose [data-signature]').innerText()).split('\n').map((s) => s.trim())).toEqual([signature, 'Giulia Ferri']);
      expect(await seriousViolations(page)).toEqual([]);

      await page.goto(server.url + home);
      expect((await page.locator('main [data-byline]').innerText()).trim()).toBe(by);
      expect(await photoWidth(page, 'main [data-byline] img')).toBeGreaterThan(0);
      // Nav and footer lead to the author page; so does the byline's name.
      expect(await page.locator('header.site nav a[data-nav=about]').getAttribute('href')).toBe(about);
      expect(await page.locator('footer.site a', { hasText: nav }).getAttribute('href')).toBe(about);
      await page.locator('main [data-byline] a').click();
      await page.waitForURL(server.url + about);

      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await page.locator('h1').textContent()).toBe('Giulia Ferri');
      expect(await page.locator('.author .bio').textContent()).toMatch(bio);
      expect(await page.locator('.author img').getAttribute('alt')).toBe(lang === 'en' ? 'Photo of Giulia Ferri' : 'Foto di Giulia Ferri');
      expect(await photoWidth(page, '.author img')).toBeGreaterThan(0);
      expect(await page.locator('header.site nav a[data-nav=about]').getAttribute('aria-current')).toBe('page');
      expect(await seriousViolations(page)).toEqual([]);
    });
  }

  it('the author pages name each other and are in the sitemap with hreflang', async () => {
    for (const [p, other] of [['/about/', '/it/about/'], ['/it/about/', '/about/']] as const) {
      const html = await (await fetch(server.url + p)).text();
      expect(html).toContain(`<link rel="canonical" href="${server.url}${p}">`);
      expect(html).toContain(`hreflang="${other.startsWith('/it/') ? 'it' : 'en'}" href="${server.url}${other}"`);
    }
    const sitemap = await (await fetch(`${server.url}/sitemap-0.xml`)).text();
    for (const p of ['/about/', '/it/about/']) {
      const entry = new RegExp(`<url><loc>${server.url}${p}</loc>.*?</url>`).exec(sitemap)?.[0];
      expect(entry, p).toContain(`hreflang="it" href="${server.url}/it/about/"`);
      expect(entry, p).toContain(`hreflang="en" href="${server.url}/about/"`);
    }
  });

  it('fits a phone and a desktop; screenshots', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const page = await openPage();
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url] of [['about-en', '/about/'], ['about-it', '/it/about/'], ['note-it', '/it/notes/205-tre-passi/'], ['home-en', '/']] as const) {
        await page.goto(server.url + url);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${url} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(SHOTS, `author-${name}-${width}.png`), fullPage: false });
      }
    }
  });
});
