import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeContext, launchChromium, seriousViolations } from '../helpers/browser.ts';
import { ROOT } from '../helpers/content.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

// The sample's Note 206 is scheduled for Monday 30 November 2026, 07:00 in Rome (06:00Z), in
// English and Italian; "offsit…" and "aziendal…" are words only it has.
const BEFORE = '2026-11-25T12:00:00Z';
const MOMENT = '2026-11-30T06:00:00Z';
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');

let server: RunningSite;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startSite(inject('sampleOutDir')), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function openPage(javaScriptEnabled: boolean, width = 1280): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

const results = (page: Page) => page.locator('li[data-note]').evaluateAll((lis) => lis.map((li) => `${li.getAttribute('lang')}${li.getAttribute('data-note')}`));

// Budgets: a few page loads each; 60 s leaves room for a loaded 2-core machine.
describe('search in the browser', { timeout: 60_000 }, () => {
  for (const { lang, home, word, title, js } of [
    { lang: 'en', home: '/', word: 'offsit', title: 'Planning the year in one afternoon', js: true },
    { lang: 'en', home: '/', word: 'offsit', title: 'Planning the year in one afternoon', js: false },
    { lang: 'it', home: '/it/', word: 'aziendal', title: 'Pianificare l\'anno in un pomeriggio', js: false },
  ] as const) {
    it(`refuses a scheduled Note until its moment, then finds it (${lang}, JavaScript ${js ? 'on' : 'off'})`, async () => {
      await server.setClock(BEFORE);
      const page = await openPage(js);
      await page.goto(server.url + home);
      await page.locator('header form[role=search] input[name=q]').fill(word);
      await page.locator('header form[role=search] input[name=q]').press('Enter');
      await page.waitForURL(`${server.url}${home}search/?q=${word}`);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await results(page)).toEqual([]);
      expect(await page.locator('[data-search-count]').getAttribute('data-search-count')).toBe('0');
      expect(await page.content()).not.toContain('206');

      await server.setClock(MOMENT);
      // The results page form, this time: the same GET.
      await page.locator('main form[role=search] button').click();
      await page.waitForLoadState();
      expect(await results(page)).toEqual([`${lang}206`]);
      const link = page.locator('li[data-note="206"] h3 a');
      expect(await link.textContent()).toBe(title);
      expect((await page.locator('li[data-note="206"] mark').allTextContents()).every((m) => m.toLowerCase().startsWith(word))).toBe(true);
      await link.click();
      await page.waitForURL(/\/notes\/206-/);
      expect(await page.locator('h1').textContent()).toBe(title);
    });
  }

  it('shows the reader’s language first, the others marked, with no serious accessibility problem; screenshots', async () => {
    await server.setClock(MOMENT);
    mkdirSync(SHOTS, { recursive: true });
    const context = await axeContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/it/search/?q=obiett`);
    const it_ = await results(page);
    expect(it_.length).toBeGreaterThan(0);
    expect(it_.every((r) => r.startsWith('it'))).toBe(true);
    // Notes 194 to 199 exist only in English; 194 has the word in its title.
    await page.goto(`${server.url}/it/search/?q=sticky`);
    const others = await results(page);
    expect(others[0]).toBe('en194');
    expect(others.every((r) => r.startsWith('en'))).toBe(true);
    expect(new Set(await page.locator('[data-search-group=others] .search-lang').allTextContents())).toEqual(new Set(['English']));
    expect(await seriousViolations(page)).toEqual([]);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url] of [['en', '/search/?q=goal%20team'], ['it', '/it/search/?q=perche%20obiettivo'], ['it-others', '/it/search/?q=sticky']] as const) {
        await page.goto(server.url + url);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${url} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(SHOTS, `search-${name}-${width}.png`), fullPage: width === 390 ? false : true });
      }
    }
  });
});
