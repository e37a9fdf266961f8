import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDb, getDb } from '../../src/lib/core/db/client.server.ts';
import { appSettings } from '../../src/lib/core/db/schema.ts';
import type { ReconcileResult } from '../../src/lib/payments/reconcile.server.ts';
import { launchChromium } from '../helpers/browser.ts';
import { ROOT } from '../helpers/content.ts';
import { emailedSignIn } from '../helpers/sign-in.ts';
import { startSite, type RunningSite } from '../helpers/site.ts';
import { useSiteDatabase } from '../helpers/db.ts';

// The dashboard's one line about the last Stripe reconciliation (docs/decisions/023), in both
// languages, at desktop and phone widths.

const AUTHOR = 'author@example.com';
const NOW = Date.parse('2026-11-25T10:00:00Z');
const SHOTS = path.join(ROOT, 'tests', '.tmp', 'screenshots');
let server: RunningSite;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startSite(inject('sampleOutDir'), { ADMIN_EMAILS: AUTHOR, STRIPE_SECRET_KEY: 'sk_test_dash_reconcile', STRIPE_WEBHOOK_SECRET: 'whsec_dash_reconcile_0123', STRIPE_API_BASE: 'http://127.0.0.1:9' }),
    launchChromium(),
  ]);
  await server.setClock(new Date(NOW).toISOString());
  useSiteDatabase(server);
});
afterAll(async () => {
  closeDb();
  await browser?.close();
  await server?.stop();
});

const store = async (r: Partial<ReconcileResult>) => {
  const value = JSON.stringify({
    startedAt: NOW - 3_600_000, finishedAt: NOW - 3_590_000, sinceMs: 3 * 86_400_000, by: 'scheduler', ok: true,
    checked: { sessions: 3, refunds: 1, disputes: 0 }, fixed: { purchases: 1, receipts: 1, revocations: 0 }, failed: 0, lines: [], ...r,
  });
  await getDb().insert(appSettings).values({ key: 'payments_reconcile_last', value }).onConflictDoUpdate({ target: appSettings.key, set: { value } });
};

describe('the dashboard line about reconciliation', () => {
  it('says it never ran, then when it last ran and what it fixed, in English and Italian', async () => {
    const session = await emailedSignIn(server.url, AUTHOR);
    const context = await browser.newContext();
    await context.addCookies([{ name: 'drumbeat_session', value: session, url: server.url }]);
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/`);
    await expect(page.locator('[data-reconcile]').innerText()).resolves.toBe('Stripe reconciliation: not run yet (daily in the scheduler, or npx drumbeat payments reconcile).');

    await store({});
    await page.goto(`${server.url}/admin/`);
    await expect(page.locator('[data-reconcile=ok]').innerText()).resolves.toBe('Stripe reconciliation: last run 10 a.m. on Wednesday, November 25 (Italy Time), 2 fixes.');
    mkdirSync(SHOTS, { recursive: true });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.locator('[aria-labelledby=sales-h]').screenshot({ path: path.join(SHOTS, `admin-reconcile-${width}.png`) });
    }
    await page.goto(`${server.url}/it/admin/`);
    await expect(page.locator('[data-reconcile=ok]').innerText()).resolves.toMatch(/^Riconciliazione con Stripe: ultima esecuzione .+, 2 correzioni\.$/);

    await store({ ok: false, error: 'Stripe did not answer the listing: timeout' });
    await page.goto(`${server.url}/admin/`);
    await expect(page.locator('[data-reconcile=failed]').innerText()).resolves.toMatch(/could not reach Stripe; it is retried within the hour\.$/);
    await context.close();
  }, 120_000);
});
