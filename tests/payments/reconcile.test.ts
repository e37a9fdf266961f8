import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScheduler } from '../../src/jobs/scheduler.server.ts';
import { accessTo } from '../../src/lib/access/access.server.ts';
import { resetProductCache } from '../../src/lib/catalog/products.server.ts';
import { nowMs, resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { startCheckout } from '../../src/lib/payments/checkout.server.ts';
import { lastReconcile, reconcileIfDue, reconcilePayments } from '../../src/lib/payments/reconcile.server.ts';
import { handleStripeWebhook } from '../../src/lib/payments/webhook.server.ts';
import { FakeStripe, stripeHandlers, type StripeEvent } from '../mocks/fake-stripe.ts';
import { useTempDatabase } from '../helpers/db.ts';

// Reconciliation in-process: the official SDK (its auto-pagination included) against the fake
// Stripe's list endpoints, a real SQLite file, receipts in the outbox. Each case is a webhook that
// never arrived; the run must leave what the webhook would have left, and a second run nothing.

const SECRET = 'whsec_test_reconcile_secret_0123456789';
const WORKSHOP = 'okr-workshop-2027-03';
const HOUR = 3_600_000;
let fake = new FakeStripe();
const server = setupServer(...stripeHandlers({ handle: (r: Request) => fake.handle(r) } as FakeStripe));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

beforeEach(async () => {
  fake = new FakeStripe();
  // Stripe's clock is the app's: `created` and created[gte] compare the same seconds.
  fake.now = () => nowMs();
  await useTempDatabase({ STRIPE_SECRET_KEY: 'sk_test_reconcile', STRIPE_WEBHOOK_SECRET: SECRET, ADMIN_EMAILS: '' });
  resetProductCache();
  setNow('2026-12-01T10:00:00Z');
  return () => resetClock();
});

async function deliver(event: StripeEvent) {
  const { body, headers } = fake.signedDelivery(event, SECRET);
  return handleStripeWebhook(body, headers['stripe-signature']!);
}

async function checkout(buyerEmail?: string) {
  const outcome = await startCheckout({ productId: WORKSHOP, lang: 'en', buyerEmail });
  if (!outcome.ok) throw new Error(`checkout refused: ${outcome.reason}`);
  return /\/pay\/(cs_test_\w+)/.exec(outcome.url)![1]!;
}

const rows = async () => (await getDb().$client.execute('SELECT * FROM purchases ORDER BY id')).rows;
const receipts = () => readOutbox(1000).filter((e) => /receipt/i.test(e.subject));

describe('payments reconcile', () => {
  it('turns a paid session whose webhook never came into a purchase, one receipt and access; a second run changes nothing', async () => {
    const id = await checkout();
    fake.complete(id, { email: 'Missed.Buyer@example.com' }); // the webhook is lost
    expect(await accessTo('missed.buyer@example.com', WORKSHOP)).toMatchObject({ access: false });

    const first = await reconcilePayments();
    expect(first).toMatchObject({ ok: true, checked: { sessions: 1, refunds: 0, disputes: 0 }, fixed: { purchases: 1, receipts: 1, revocations: 0 }, failed: 0 });
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toContain(id);
    expect(first.lines[0]).toContain('m•••@example.com');
    expect(first.lines.join('\n')).not.toMatch(/missed\.buyer@/i);
    expect(await accessTo('missed.buyer@example.com', WORKSHOP)).toMatchObject({ access: true });
    expect(receipts().filter((m) => m.to === 'missed.buyer@example.com')).toHaveLength(1);
    const after = await rows();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: 'paid', checkout_session_id: id });

    setNow(nowMs() + HOUR);
    const second = await reconcilePayments();
    expect(second).toMatchObject({ ok: true, checked: { sessions: 1 }, fixed: { purchases: 0, receipts: 0, revocations: 0 }, lines: [] });
    expect(await rows()).toEqual(after);
    expect(receipts()).toHaveLength(1);
    // The webhook arriving late after all finds it done.
    expect((await deliver(fake.events.find((e) => e.type === 'checkout.session.completed')!)).body.outcome).toBe('already');
    expect(receipts()).toHaveLength(1);
  });

  it('applies a full refund and a dispute whose webhooks were missed; a partial refund keeps access', async () => {
    const refunded = await checkout();
    const disputed = await checkout();
    const partial = await checkout();
    await deliver(fake.complete(refunded, { email: 'r@example.com' }));
    await deliver(fake.complete(disputed, { email: 'd@example.com' }));
    await deliver(fake.complete(partial, { email: 'p@example.com' }));
    fake.refund(refunded);
    fake.dispute(disputed);
    fake.refund(partial, { amount: 1000 });

    const r = await reconcilePayments();
    expect(r).toMatchObject({ ok: true, checked: { sessions: 3, refunds: 2, disputes: 1 }, fixed: { purchases: 0, receipts: 0, revocations: 2 } });
    expect(r.lines.some((l) => l.includes('r•••@example.com') && l.includes('refunded'))).toBe(true);
    expect(r.lines.some((l) => l.includes('d•••@example.com') && l.includes('disputed'))).toBe(true);
    expect(await accessTo('r@example.com', WORKSHOP)).toMatchObject({ access: false });
    expect(await accessTo('d@example.com', WORKSHOP)).toMatchObject({ access: false });
    expect(await accessTo('p@example.com', WORKSHOP)).toMatchObject({ access: true });
    expect((await rows()).map((row) => row.status)).toEqual(['refunded', 'disputed', 'paid']);

    // The same state the webhooks give: delivered now, they change nothing more.
    for (const e of fake.events.filter((e) => e.type.startsWith('charge.'))) expect((await deliver(e)).body.outcome).toMatch(/already|ignored/);
    expect((await reconcilePayments()).fixed).toEqual({ purchases: 0, receipts: 0, revocations: 0 });
  });

  it('makes a sale missed and then refunded a refunded purchase, without a receipt', async () => {
    const id = await checkout();
    fake.complete(id, { email: 'gone@example.com' });
    fake.refund(id);
    const r = await reconcilePayments();
    expect(r.fixed).toEqual({ purchases: 0, receipts: 0, revocations: 1 });
    expect((await rows())[0]).toMatchObject({ status: 'refunded' });
    expect(receipts()).toHaveLength(0);
  });

  it('ignores open and expired sessions, and leaves an async payment pending as the webhook would', async () => {
    const open = await checkout();
    const expired = await checkout();
    const async = await checkout();
    fake.expire(expired);
    fake.complete(async, { email: 'sepa@example.com', async: true });

    const r = await reconcilePayments();
    expect(r.checked.sessions).toBe(1);
    expect(r.fixed).toEqual({ purchases: 0, receipts: 0, revocations: 0 });
    const byId = new Map((await rows()).map((row) => [row.checkout_session_id, row]));
    expect(byId.get(open)).toMatchObject({ status: 'reserved' });
    expect(byId.get(expired)).toMatchObject({ status: 'reserved' });
    expect(byId.get(async)).toMatchObject({ status: 'pending' });
    expect(receipts()).toHaveLength(0);
    expect(await accessTo('sepa@example.com', WORKSHOP)).toMatchObject({ access: false });
    const list = fake.requests.find((q) => q.method === 'GET' && q.path === '/v1/checkout/sessions')!;
    expect(list.query).toMatchObject({ status: 'complete', limit: '100' });
  });

  it('looks back only over the period asked for', async () => {
    const old = await checkout();
    fake.complete(old, { email: 'old@example.com' });
    setNow(nowMs() + 2 * 24 * HOUR);
    const r = await reconcilePayments({ sinceMs: 12 * HOUR });
    expect(r.checked.sessions).toBe(0);
    expect((await rows())[0]).toMatchObject({ status: 'reserved' });
    const list = fake.requests.find((q) => q.method === 'GET' && q.path === '/v1/checkout/sessions')!;
    expect(list.query.created).toEqual({ gte: String(Math.floor((nowMs() - 12 * HOUR) / 1000)) });
    expect((await reconcilePayments({ sinceMs: 3 * 24 * HOUR })).fixed.purchases).toBe(1);
  });

  it('pages through more than a hundred sessions with the SDK', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 130; i++) {
      const id = await checkout();
      fake.complete(id, { email: `buyer${i}@example.com` });
      ids.push(id);
    }
    const r = await reconcilePayments();
    expect(r).toMatchObject({ ok: true, checked: { sessions: 130 }, fixed: { purchases: 130, receipts: 130 }, failed: 0 });
    const pages = fake.requests.filter((q) => q.method === 'GET' && q.path === '/v1/checkout/sessions');
    expect(pages).toHaveLength(2);
    expect(pages[1]!.query.starting_after).toBeTruthy();
    expect(new Set((await rows()).filter((row) => row.status === 'paid').map((row) => row.checkout_session_id))).toEqual(new Set(ids));
    expect(receipts()).toHaveLength(130);
  }, 180_000);

  it('records a run Stripe did not answer as failed, and the scheduler retries it within the hour', async () => {
    fake.failNext(3, { status: 500 }); // the SDK's request and its two retries
    const failed = await reconcileIfDue();
    expect(failed).toMatchObject({ ok: false, by: 'scheduler' });
    expect(failed!.error).toMatch(/^Stripe did not answer/);
    expect(await lastReconcile()).toMatchObject({ ok: false });
    expect(await reconcileIfDue()).toBeUndefined();
    setNow(nowMs() + HOUR + 1000);
    expect(await reconcileIfDue()).toMatchObject({ ok: true });
  });

  it('runs once a day from the scheduler, in one process of many, and not at all without Stripe', async () => {
    const id = await checkout();
    fake.complete(id, { email: 'daily@example.com' });
    const runs = await Promise.all([reconcileIfDue(), reconcileIfDue(), reconcileIfDue()]);
    expect(runs.filter(Boolean)).toHaveLength(1);
    expect(runs.find(Boolean)).toMatchObject({ by: 'scheduler', fixed: { purchases: 1 } });
    expect(await lastReconcile()).toMatchObject({ by: 'scheduler', ok: true, fixed: { purchases: 1, receipts: 1 } });
    setNow(nowMs() + 23 * HOUR);
    expect(await reconcileIfDue()).toBeUndefined();
    setNow(nowMs() + HOUR);
    expect(await reconcileIfDue()).toMatchObject({ fixed: { purchases: 0 } });

    await useTempDatabase({ STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' });
    const before = fake.requests.length;
    expect(await reconcileIfDue()).toBeUndefined();
    expect(fake.requests.length).toBe(before);
    expect(await lastReconcile()).toBeUndefined();
  });

  it('is one of the scheduler\'s jobs: a missed sale is fixed by the running site or worker', async () => {
    const id = await checkout();
    fake.complete(id, { email: 'tick@example.com' });
    const lines: { event: string; fields?: Record<string, unknown> }[] = [];
    const scheduler = startScheduler({ log: (_level, event, fields) => lines.push({ event, fields }) });
    try {
      await expect.poll(() => accessTo('tick@example.com', WORKSHOP), { timeout: 60_000 }).toMatchObject({ access: true });
      await expect.poll(() => lines.some((l) => l.event === 'payments.reconcile' && l.fields?.fixed === 2), { timeout: 30_000 }).toBe(true);
    } finally {
      await scheduler.stop();
    }
    expect(await lastReconcile()).toMatchObject({ by: 'scheduler', fixed: { purchases: 1, receipts: 1 } });
  }, 120_000);
});
