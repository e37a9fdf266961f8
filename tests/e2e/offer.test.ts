import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases } from '../../src/lib/core/db/schema.ts';
import { axeContext, launchChromium, seriousViolations } from '../helpers/browser.ts';
import { noteSource, ROOT, tempContent } from '../helpers/content.ts';
import { buildSite, startSite, type RunningSite } from '../helpers/site.ts';
import { useSiteDatabase } from '../helpers/db.ts';

// The <Offer> of a Note is live: the same page, without a rebuild, shows the product, then what
// comes next when the deadline passes, "closed" when the sales window closes, and the next cohort
// when one fills. Note pages are cached (docs/decisions/001); an offer's copy ends at its change (024).

const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');
const WORKSHOP = 'okr-workshop-2027-03';
// The sample workshop's access deadline: 26 March 2027, 18:00 Rome.
const DEADLINE = '2027-03-26T17:00:00Z';
const justBefore = (iso: string, ms = 1000) => new Date(Date.parse(iso) - ms).toISOString();

let sample: RunningSite;
let windowed: RunningSite | undefined;
let windowedOut: string | undefined;
let browser: Browser;
const contexts: BrowserContext[] = [];

// A site with a workshop whose sales window closes before its access deadline, offered by Note 300.
const CLOSES = '2027-01-15T11:00:00Z';
function windowedContent(): string {
  const dir = tempContent({
    'en/300-window.mdx': noteSource({ number: 300, title: 'A window', date: '2026-11-20', summary: 'S' }, 'Words.\n\n<Offer product="window-workshop" />\n'),
    'it/300-finestra.mdx': noteSource({ number: 300, title: 'Una finestra', date: '2026-11-20', summary: 'S' }, 'Parole.\n\n<Offer product="window-workshop">Lo voglio</Offer>\n'),
  });
  mkdirSync(path.join(dir, 'products'));
  writeFileSync(
    path.join(dir, 'products', 'window-workshop.yaml'),
    [
      'kind: workshop',
      'title: { en: The window workshop, it: Il workshop della finestra }',
      'summary: { en: Two hours., it: Due ore. }',
      'description: { en: D }',
      'price: 49',
      'currency: EUR',
      'sales: { opens: "2026-11-01T09:00 Europe/Rome", closes: "2027-01-15T12:00 Europe/Rome" }',
      'access: { until: "2027-06-30T18:00 Europe/Rome" }',
    ].join('\n'),
  );
  return dir;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(path.join(ROOT, 'tests', '.tmp'), { recursive: true });
  windowedOut = mkdtempSync(path.join(ROOT, 'tests', '.tmp', 'dist-offer-'));
  const content = windowedContent();
  const built = buildSite(windowedOut, content);
  if (built.code !== 0) throw new Error(built.output);
  [sample, windowed, browser] = await Promise.all([startSite(inject('sampleOutDir')), startSite(windowedOut, { DRUMBEAT_CONTENT_DIR: content }), launchChromium()]);
  // The test reads and writes the sample server's database (seats), as the server does.
  useSiteDatabase(sample);
}, 300_000);
afterAll(async () => {
  closeDb();
  await browser?.close();
  await Promise.all([sample?.stop(), windowed?.stop()]);
  if (windowedOut) rmSync(windowedOut, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function openPage(javaScriptEnabled = true): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

const offer = (page: Page, product = WORKSHOP) => page.locator(`aside.offer[data-offer="${product}"]`);

describe('an <Offer> in a Note', { timeout: 120_000 }, () => {
  it('shows the workshop until its deadline, then its next product, in English (without JavaScript)', async () => {
    const { page, errors } = await openPage(false);
    await sample.setClock(justBefore(DEADLINE, 60_000));
    await page.goto(`${sample.url}/notes/205-three-steps/`);
    const box = offer(page);
    await expect(box.getAttribute('data-state')).resolves.toBe('open');
    await expect(box.locator('.offer-title').textContent()).resolves.toBe('OKRs that survive March: the workshop recording');
    await expect(box.locator('.offer-price').textContent()).resolves.toBe('€97.00');
    await expect(box.locator('[data-deadline]').textContent()).resolves.toBe('You have until 6 p.m. on Friday, March 26 to access the recording.');
    const cta = box.getByRole('link', { name: 'Yes, I want to make OKRs work' });
    await expect(cta.getAttribute('href')).resolves.toBe(`/workshops/${WORKSHOP}/`);

    await sample.setClock(DEADLINE);
    await page.reload();
    await expect(box.getAttribute('data-state')).resolves.toBe('next');
    await expect(box.getAttribute('data-shows')).resolves.toBe('okr-coach');
    await expect(box.locator('.offer-notice').textContent()).resolves.toBe('“OKRs that survive March: the workshop recording” is no longer on sale. What comes next:');
    await expect(box.locator('.offer-title').textContent()).resolves.toBe('OKR Coach Certification');
    await expect(box.locator('.offer-when').textContent()).resolves.toBe('Autumn 2027 cohort · Starts at 9 a.m. on Monday, September 20 (Italy Time)');
    await expect(box.locator('[data-deadline]').count()).resolves.toBe(0);
    await box.getByRole('link', { name: 'Book your seat' }).click();
    await page.waitForURL(`${sample.url}/certification/okr-coach/`);
    expect(errors).toEqual([]);
  });

  it('does the same in Italian, linking to the Italian sales page', async () => {
    const { page, errors } = await openPage();
    await sample.setClock(justBefore(DEADLINE, 60_000));
    await page.goto(`${sample.url}/it/notes/205-tre-passi/`);
    const box = offer(page);
    await expect(box.getAttribute('data-state')).resolves.toBe('open');
    await expect(box.locator('.offer-price').textContent()).resolves.toBe('97,00\u00a0€');
    await expect(box.locator('[data-deadline]').textContent()).resolves.toBe('Hai tempo fino alle 18:00 di venerdì 26 marzo per accedere alla registrazione.');
    await box.getByRole('link', { name: 'Sì, voglio far funzionare gli OKR' }).click();
    await page.waitForURL(`${sample.url}/it/workshops/${WORKSHOP}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('OKR che sopravvivono a marzo: la registrazione del workshop');

    await sample.setClock(DEADLINE);
    await page.goto(`${sample.url}/it/notes/205-tre-passi/`);
    await expect(box.getAttribute('data-state')).resolves.toBe('next');
    await expect(box.locator('.offer-notice').textContent()).resolves.toBe('«OKR che sopravvivono a marzo: la registrazione del workshop» non è più in vendita. Ecco cosa viene dopo:');
    await expect(box.getByRole('link', { name: 'Prenota il tuo posto' }).getAttribute('href')).resolves.toBe('/it/certification/okr-coach/');
    expect(errors).toEqual([]);
  });

  it('turns to the next cohort when one fills, and says full when all have, at once', async () => {
    await sample.setClock('2026-12-02T10:00:00Z');
    const line = async () => {
      const html = await (await fetch(`${sample.url}/notes/205-three-steps/`)).text();
      return /<p class="offer-line"[^>]*>([\s\S]*?)<\/p>/.exec(html)![1]!.replace(/<[^>]+>/g, '');
    };
    expect(await line()).toBe('Become an OKR Qualified Coach →Spring 2027 cohort, from Monday, March 1, 2027 · €1,200.00');
    const seats = (cohortId: string) =>
      Array.from({ length: 12 }, (_, i) => ({
        email: `${cohortId}${i}@example.com`, productId: 'okr-coach', cohortId, lang: 'en', source: 'grant' as const, status: 'granted' as const,
        purchasedAt: 1, createdAt: 1, updatedAt: 1,
      }));
    try {
      await getDb().insert(purchases).values(seats('spring-2027'));
      expect(await line()).toBe('Become an OKR Qualified Coach →Autumn 2027 cohort, from Monday, September 20, 2027 · €1,200.00');
      await getDb().insert(purchases).values(seats('autumn-2027'));
      expect(await line()).toBe('OKR Coach Certification · This cohort is full.');
    } finally {
      await getDb().delete(purchases).where(and(eq(purchases.productId, 'okr-coach'), eq(purchases.source, 'grant')));
    }
  });

  it('closes with the sales window, by the cached copy expiring at that moment, in English and Italian', async () => {
    const site = windowed!;
    const url = `${site.url}/notes/300-window/`;
    // Three seconds before the window closes; the server clock runs on from there.
    await site.setClock(justBefore(CLOSES, 3000));
    const first = await fetch(url);
    expect(first.headers.get('x-astro-cache')).toBe('MISS');
    const firstHtml = await first.text();
    expect(firstHtml).toContain('data-state="open"');
    expect(firstHtml).toContain('€49.00');
    const second = await fetch(url);
    // A cached copy, so what follows is its lifetime ending, not a render per request.
    expect(second.headers.get('x-astro-cache')).toBe('HIT');
    const deadline = Date.now() + 30_000;
    let html = await second.text();
    while (html.includes('data-state="open"') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      html = await (await fetch(url)).text();
    }
    expect(html).toContain('data-state="closed"');
    expect(html).toContain('Sales are closed.');
    expect(html).not.toContain('href="/workshops/window-workshop/"');

    const { page, errors } = await openPage();
    await site.setClock(justBefore(CLOSES, 60_000));
    await page.goto(`${site.url}/it/notes/300-finestra/`);
    const box = offer(page, 'window-workshop');
    await expect(box.getAttribute('data-state')).resolves.toBe('open');
    await expect(box.getByRole('link', { name: 'Lo voglio' }).getAttribute('href')).resolves.toBe('/it/workshops/window-workshop/');
    await site.setClock(CLOSES);
    await page.reload();
    await expect(box.getAttribute('data-state')).resolves.toBe('closed');
    await expect(box.locator('.offer-notice').textContent()).resolves.toBe('Le vendite sono chiuse.');
    await expect(box.getByRole('link').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });

  it('reads well at 1280 and 390 px, with no serious accessibility problem', async () => {
    await sample.setClock('2026-12-02T10:00:00Z');
    const context = await axeContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    for (const [lang, p] of [['en', '/notes/205-three-steps/'], ['it', '/it/notes/205-tre-passi/']] as const) {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${sample.url}${p}`);
        const box = offer(page);
        // Nothing of the box is cut off or overflows the column.
        const [boxWidth, scrollWidth] = await box.evaluate((el) => [el.getBoundingClientRect().width, el.scrollWidth]);
        expect(scrollWidth).toBeLessThanOrEqual(Math.ceil(boxWidth));
        await page.screenshot({ path: path.join(SHOTS, `offer-${lang}-${width}.png`), fullPage: true, clip: await clipFrom(page) });
      }
      expect(await seriousViolations(page)).toEqual([]);
    }
    // After the deadline: the next product under a line saying the workshop ended.
    await sample.setClock(DEADLINE);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${sample.url}/notes/205-three-steps/`);
      await page.screenshot({ path: path.join(SHOTS, `offer-en-${width}-next.png`), fullPage: true, clip: await clipFrom(page) });
    }
    expect(await seriousViolations(page)).toEqual([]);
  });
});

/** From the "go further" heading down to the share links: the part of the Note the Offer shapes. */
async function clipFrom(page: Page) {
  const top = await page.locator('.prose h2').last().boundingBox();
  const bottom = await page.locator('.share').boundingBox();
  const width = page.viewportSize()!.width;
  return { x: 0, y: top!.y - 16, width, height: bottom!.y - top!.y + 32 };
}
