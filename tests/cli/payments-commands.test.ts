import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { resetProductCache } from '../../src/lib/catalog/products.server.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { startCheckout } from '../../src/lib/payments/checkout.server.ts';
import { FakeStripe, serveFakeStripe } from '../mocks/fake-stripe.ts';
import { runDrumbeat } from '../helpers/cli.ts';
import { useTempDatabase } from '../helpers/db.ts';

// `npx drumbeat payments reconcile` as the operator runs it: a real process, the official SDK
// over real HTTP to the fake Stripe, a real SQLite file shared with this test.

const SECRET = 'whsec_test_cli_reconcile_0123456789';
const fake = new FakeStripe();
let stripe: Awaited<ReturnType<typeof serveFakeStripe>>;
let env: Record<string, string>;

beforeAll(async () => {
  stripe = await serveFakeStripe(fake);
  env = { STRIPE_SECRET_KEY: 'sk_test_cli_reconcile', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_BASE: stripe.url };
  const { dataDir } = await useTempDatabase(env);
  env.DATA_DIR = dataDir;
  resetProductCache();
});
afterAll(() => stripe?.close());

const drumbeat = (args: string[], extra: Record<string, string> = {}) => runDrumbeat(args, { ...env, ...extra });

const SLOW = 120_000;

describe('drumbeat payments reconcile', () => {
  it('says in one line that Stripe is not configured, and exits 0', async () => {
    const r = await drumbeat(['payments', 'reconcile'], { STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' });
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out.trim()).toBe('Stripe is not configured (STRIPE_SECRET_KEY is unset): nothing to reconcile.');
  }, SLOW);

  it('refuses a period it cannot read, in words', async () => {
    const results = await Promise.all([['--since', '3 days'], ['--since', '0d'], ['--since', 'soon'], ['--since', '400d'], ['now']].map((a) => drumbeat(['payments', 'reconcile', ...a])));
    for (const r of results) {
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^drumbeat: /);
    }
    expect(results[0]!.err).toContain('--since takes a period such as 12h, 3d or 2w');
    expect(fake.requests).toHaveLength(0);
  }, SLOW);

  it('fixes a sale whose webhook was missed, reports it without the address, and changes nothing the second time', async () => {
    const outcome = await startCheckout({ productId: 'okr-workshop-2027-03', lang: 'en' });
    if (!outcome.ok) throw new Error(outcome.reason);
    const id = /\/pay\/(cs_test_\w+)/.exec(outcome.url)![1]!;
    fake.complete(id, { email: 'cli.buyer@example.com' });

    const first = await drumbeat(['payments', 'reconcile', '--since', '12h']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('Last reconciliation: never.');
    expect(first.out).toContain(`session ${id}: purchase 1 (okr-workshop-2027-03, c•••@example.com) is now paid (was reserved), receipt sent`);
    expect(first.out).toContain('Checked 1 completed Checkout Session, 0 refunds and 0 disputes: fixed 1 purchase, 1 receipt, 0 refunds or disputes.');
    expect(first.out).not.toContain('cli.buyer@');
    const rows = (await getDb().$client.execute('SELECT status FROM purchases')).rows;
    expect(rows.map((r) => r.status)).toEqual(['paid']);
    expect(readOutbox().filter((m) => m.to === 'cli.buyer@example.com')).toHaveLength(1);

    const second = await drumbeat(['payments', 'reconcile']);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/Last reconciliation: \S+ by the CLI over 12 hours: 2 fixed, 0 not applied\./);
    expect(second.out).toContain('fixed 0 purchases, 0 receipts, 0 refunds or disputes.');
    expect(readOutbox().filter((m) => m.to === 'cli.buyer@example.com')).toHaveLength(1);
  }, SLOW);

  it('exits 1 with one line when Stripe does not answer', async () => {
    fake.failNext(3, { status: 500 });
    const r = await drumbeat(['payments', 'reconcile']);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/^drumbeat: Stripe did not answer the listing: .*; nothing more was changed, run it again later$/);
  }, SLOW);
});
