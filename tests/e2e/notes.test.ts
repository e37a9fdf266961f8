import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeContext, launchChromium, seriousViolations } from '../helpers/browser.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';

let server: RunningSite;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startSite(inject('sampleOutDir')), launchChromium()]);
  await server.setClock('2026-11-25T12:00:00Z');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
// Each test's pages are closed after it, so a long run does not pile up renderers.
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function openPage(jsEnabled = true): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled: jsEnabled });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

// Budgets: the slowest of these took 12.5 s on the 2-core machine at a load of 15 (a few s idle);
// 60 s leaves room for a machine twice as loaded.
describe('a reader in the browser', { timeout: 60_000 }, () => {
  it('goes from the home page to a Note, switches language and follows a NoteRef', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    await expect(page.locator('.hero h2').textContent()).resolves.toBe('Three steps to a goal you keep');

    await page.getByRole('link', { name: 'Read the Note' }).click();
    await page.waitForURL(`${server.url}/notes/205-three-steps/`);
    expect(await page.locator('h1').textContent()).toBe('Three steps to a goal you keep');
    expect(await page.locator('.kicker').textContent()).toBe('Note №205');
    expect(await page.locator('[data-reading-time]').textContent()).toMatch(/^\d+:\d\d$/);
    expect(await page.locator('article header .meta time').textContent()).toBe('November 23, 2026');

    await page.locator('.also a[hreflang="it"]').click();
    await page.waitForURL(`${server.url}/it/notes/205-tre-passi/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('it');
    expect(await page.locator('article header .meta time').textContent()).toBe('23 novembre 2026');
    expect(await page.locator('.share h2').textContent()).toBe('Condividi questa Nota');

    // Note 194 has no Italian version: its citation links to the English original, marked as such.
    expect(await page.locator('.prose a.note-ref[href="/notes/194-goal-on-a-sticky-note/"]').getAttribute('hreflang')).toBe('en');
    const ref = page.locator('.prose a.note-ref[href^="/it/"]').first();
    const refText = (await ref.textContent())!;
    expect(refText).toMatch(/^Nota №\d+, /);
    const target = (await ref.getAttribute('href'))!;
    expect(target).toMatch(/^\/it\/notes\/\d+-/);
    await ref.click();
    await page.waitForURL(server.url + target);
    expect(await page.locator('.kicker').textContent()).toBe(refText.split(',')[0]);
    expect(errors).toEqual([]);
  });

  it('offers plain share links carrying the Note URL, and copy-link with JavaScript', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.url}/notes/204-the-monday-rhythm/`);
    const url = encodeURIComponent(`${server.url}/notes/204-the-monday-rhythm/`);
    const hrefs = await page.locator('.share ul a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs).toEqual([
      `https://www.facebook.com/sharer/sharer.php?u=${url}`,
      `https://x.com/intent/post?url=${url}&text=${encodeURIComponent('The Monday rhythm')}`,
      `https://www.linkedin.com/sharing/share-offsite/?url=${url}`,
      `https://wa.me/?text=${encodeURIComponent(`The Monday rhythm ${server.url}/notes/204-the-monday-rhythm/`)}`,
    ]);
    expect(await page.locator('#share-url').inputValue()).toBe(`${server.url}/notes/204-the-monday-rhythm/`);
    expect(await page.locator('[data-copy]').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('reads, navigates and shares with JavaScript off', async () => {
    const { page } = await openPage(false);
    await page.goto(`${server.url}/it/`);
    await page.locator('.hero h2 a').click();
    await page.waitForURL(/\/it\/notes\/205-tre-passi\/$/);
    expect(await page.locator('.share ul a').count()).toBe(4);
    await page.getByRole('link', { name: 'Note', exact: true }).click();
    await page.waitForURL(`${server.url}/it/notes/`);
    expect(await page.locator('.cards li').count()).toBeGreaterThanOrEqual(6);
  });

  // One page per test: 8–9 s each (new context, page, goto, axe.run) at a load of 13, ~1 s idle;
  // the four used to share one 30 s budget and took 24.6 s under load.
  it.each(['/notes/205-three-steps/', '/it/notes/205-tre-passi/', '/', '/notes/'])('has no serious or critical accessibility violations on %s (axe-core)', async (path) => {
    const context = await axeContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(server.url + path);
    expect(await seriousViolations(page), path).toEqual([]);
  });
});
