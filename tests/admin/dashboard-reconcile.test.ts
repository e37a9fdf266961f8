import { beforeAll, describe, expect, it } from 'vitest';
import { adminDashboard } from '../../src/lib/admin/dashboard.server.ts';
import { resetProductCache } from '../../src/lib/catalog/products.server.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { appSettings } from '../../src/lib/core/db/schema.ts';
import { NoteCatalog } from '../../src/lib/notes/catalog.ts';
import { LAST_RUN_KEY, type ReconcileResult } from '../../src/lib/payments/reconcile.server.ts';
import { useTempDatabase } from '../helpers/db.ts';

// The dashboard's line about the last Stripe reconciliation, read in the same fixed number of
// queries whether or not a run was ever stored.

const NOW = Date.parse('2026-12-02T10:00:00Z');
const catalog = new NoteCatalog([]);
const run = (r: Partial<ReconcileResult>): ReconcileResult => ({
  startedAt: NOW - 3_600_000, finishedAt: NOW - 3_590_000, sinceMs: 3 * 86_400_000, by: 'scheduler', ok: true,
  checked: { sessions: 4, refunds: 1, disputes: 0 }, fixed: { purchases: 1, receipts: 1, revocations: 1 }, failed: 0, lines: [], ...r,
});
const store = (r: ReconcileResult) =>
  getDb().insert(appSettings).values({ key: LAST_RUN_KEY, value: JSON.stringify(r) }).onConflictDoUpdate({ target: appSettings.key, set: { value: JSON.stringify(r) } });

beforeAll(async () => {
  await useTempDatabase({ STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' });
  resetProductCache();
});

describe('the dashboard and the reconciliation', () => {
  it('shows nothing without payments and no run; "never" with payments; then the last run, in the same number of queries', async () => {
    const none = await adminDashboard({ catalog, lang: 'en', now: NOW });
    expect(none.reconcile).toBeUndefined();

    await useTempDatabase({ STRIPE_SECRET_KEY: 'sk_test_dash', STRIPE_WEBHOOK_SECRET: 'whsec_dash_0123456789' });
    const never = await adminDashboard({ catalog, lang: 'en', now: NOW });
    expect(never.reconcile).toEqual({ ok: true, fixed: 0, failed: 0 });

    await store(run({ failed: 2 }));
    const ran = await adminDashboard({ catalog, lang: 'en', now: NOW });
    expect(ran.reconcile).toEqual({ at: NOW - 3_600_000, ok: true, fixed: 3, failed: 2 });
    expect(ran.queries).toBe(never.queries);
    expect(ran.queries).toBe(none.queries);

    await store(run({ ok: false, error: 'Stripe did not answer the listing: timeout' }));
    expect((await adminDashboard({ catalog, lang: 'en', now: NOW })).reconcile).toMatchObject({ ok: false });
  });
});
