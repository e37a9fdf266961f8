import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendDueReminders } from '../../src/lib/access/reminders.server.ts';
import { accessTo } from '../../src/lib/access/access.server.ts';
import { maySignIn } from '../../src/lib/access/library.server.ts';
import { inspectSignInToken, redeemSignInToken, requestSignIn } from '../../src/lib/auth/login.server.ts';
import { nowMs, resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { startCheckout } from '../../src/lib/payments/checkout.server.ts';
import { RECEIPT_CLAIM_MS, sendPendingReceipts } from '../../src/lib/payments/receipts.server.ts';
import { resetProductCache } from '../../src/lib/catalog/products.server.ts';
import { checkoutSuccess } from '../../src/lib/payments/success.server.ts';
import { handleStripeWebhook } from '../../src/lib/payments/webhook.server.ts';
import { FakeStripe, stripeHandlers, type StripeEvent } from '../mocks/fake-stripe.ts';
import { tempContent } from '../helpers/content.ts';
import { useTempDatabase } from '../helpers/db.ts';

// The purchase flow in-process: the official Stripe SDK against the fake (msw), a real SQLite
// file, the outbox for email. Webhooks are signed with the SDK's own test helper.

const SECRET = 'whsec_test_payments_secret_0123456789';
let fake = new FakeStripe();
const server = setupServer(...stripeHandlers({ handle: (r: Request) => fake.handle(r) } as FakeStripe));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const WORKSHOP = 'okr-workshop-2027-03';
const COURSE = 'okr-coach';
const DEADLINE = Date.parse('2027-03-26T17:00:00Z'); // 18:00 in Rome (CET)

beforeEach(async () => {
  fake = new FakeStripe();
  await useTempDatabase({ STRIPE_SECRET_KEY: 'sk_test_payments', STRIPE_WEBHOOK_SECRET: SECRET });
  resetProductCache();
  setNow('2026-12-01T10:00:00Z');
  return () => resetClock();
});

async function deliver(event: StripeEvent, secret = SECRET) {
  const { body, headers } = fake.signedDelivery(event, secret);
  return handleStripeWebhook(body, headers['stripe-signature']!);
}

async function checkout(productId = WORKSHOP, extra: { cohortId?: string; lang?: string; buyerEmail?: string } = {}) {
  const outcome = await startCheckout({ productId, lang: extra.lang ?? 'en', ...extra });
  if (!outcome.ok) throw new Error(`checkout refused: ${outcome.reason}`);
  const id = /\/pay\/(cs_test_\w+)/.exec(outcome.url)![1]!;
  return id;
}

async function rows(sql = 'SELECT * FROM purchases ORDER BY id') {
  return (await getDb().$client.execute(sql)).rows;
}

/** Paid purchases taking `count` seats of a cohort of the certification. */
async function fillSeats(cohort: string, count: number) {
  const now = nowMs();
  for (let i = 0; i < count; i++) {
    await getDb().$client.execute({
      sql: `INSERT INTO purchases (email, product_id, cohort_id, lang, source, status, created_at, updated_at) VALUES (?, ?, ?, 'en', 'stripe', 'paid', ?, ?)`,
      args: [`seat${i}@example.com`, COURSE, cohort, now, now],
    });
  }
}

const receipts = () => readOutbox().filter((e) => /receipt|ricevuta/i.test(e.subject));

describe('checkout', () => {
  it('creates a payment-mode session with the product price, metadata, promotion codes, tax ids and an invoice', async () => {
    const id = await checkout(WORKSHOP, { lang: 'it' });
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions')!;
    expect(create.idempotencyKey).toMatch(/^drumbeat\/[0-9a-f]{16}\/checkout\/purchase-\d+\/[0-9a-f]{8}$/);
    const body = create.body as Record<string, any>;
    expect(body.mode).toBe('payment');
    expect(body.line_items[0].price_data).toMatchObject({ currency: 'eur', unit_amount: 9700 });
    expect(body.metadata).toMatchObject({ drumbeat_product: WORKSHOP, drumbeat_lang: 'it' });
    expect(body.allow_promotion_codes).toBe(true);
    expect(body.tax_id_collection.enabled).toBe(true);
    expect(body.invoice_creation.enabled).toBe(true);
    expect(body.locale).toBe('it');
    expect(body.success_url).toMatch(/\/it\/checkout\/success\?session_id=\{CHECKOUT_SESSION_ID\}$/);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'reserved', checkout_session_id: id, product_id: WORKSHOP });
  });

  it('passes the signed-in buyer as customer_email and sends an owner to the library instead', async () => {
    await checkout(WORKSHOP, { buyerEmail: 'ann@example.com' });
    const create = fake.requests.find((r) => r.path === '/v1/checkout/sessions')!;
    expect((create.body as Record<string, unknown>).customer_email).toBe('ann@example.com');
    const id = [...fake.sessions.keys()][0]!;
    await deliver(fake.complete(id));
    const again = await startCheckout({ productId: WORKSHOP, lang: 'en', buyerEmail: 'ann@example.com' });
    expect(again).toEqual({ ok: true, url: '/library/okr-workshop-2027-03/' });
  });

  it('refuses with the reason: unknown product 404, before sales open, after the deadline, payments off', async () => {
    expect(await startCheckout({ productId: 'nope', lang: 'en' })).toMatchObject({ ok: false, status: 404 });
    setNow('2026-10-01T10:00:00Z');
    expect(await startCheckout({ productId: WORKSHOP, lang: 'en' })).toMatchObject({ ok: false, status: 409, reason: 'not_open' });
    setNow(DEADLINE);
    expect(await startCheckout({ productId: WORKSHOP, lang: 'en' })).toMatchObject({ ok: false, status: 409, reason: 'deadline_passed' });
    setNow(DEADLINE - 1);
    expect((await startCheckout({ productId: WORKSHOP, lang: 'en' })).ok).toBe(true);
    await useTempDatabase({ STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' });
    expect(await startCheckout({ productId: WORKSHOP, lang: 'en' })).toMatchObject({ ok: false, status: 409, reason: 'payments_off' });
    expect(fake.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(1);
  });

  it('limits checkouts per IP, so nobody can hold every seat', async () => {
    const outcomes = [];
    for (let i = 0; i < 11; i++) outcomes.push(await startCheckout({ productId: COURSE, cohortId: 'spring-2027', lang: 'en', ip: '9.9.9.9' }));
    // Two unpaid seats per network at once (docs/decisions/013), then the per-IP limit as before.
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    expect(outcomes.slice(2).every((o) => !o.ok && o.status === 429 && o.reason === 'too_many')).toBe(true);
    const recording = [];
    for (let i = 0; i < 11; i++) recording.push(await startCheckout({ productId: WORKSHOP, lang: 'en', ip: '7.7.7.7' }));
    expect(recording.slice(0, 10).every((o) => o.ok)).toBe(true);
    expect(recording[10]).toEqual({ ok: false, status: 429, reason: 'too_many' });
    expect((await startCheckout({ productId: COURSE, cohortId: 'spring-2027', lang: 'en', ip: '8.8.8.8' })).ok).toBe(true);
  });

  it('releases the reservation when Stripe fails, and stores nothing', async () => {
    fake.failNext(5, { status: 500 });
    expect(await startCheckout({ productId: WORKSHOP, lang: 'en' })).toMatchObject({ ok: false, status: 503 });
    expect(await rows()).toHaveLength(0);
  });

  it('gives the last seat of a cohort to exactly one of many racing buyers', async () => {
    await fillSeats('spring-2027', 11);
    const results = await Promise.all(Array.from({ length: 8 }, () => startCheckout({ productId: COURSE, cohortId: 'spring-2027', lang: 'en' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'sold_out')).toHaveLength(7);
    // Without a cohort asked for, the next open one with a seat is offered.
    const next = await checkout(COURSE);
    expect(fake.sessions.get(next)!.metadata.drumbeat_cohort).toBe('autumn-2027');
  });

  it('gives an expired reservation its seat back', async () => {
    await fillSeats('spring-2027', 11);
    const id = await checkout(COURSE, { cohortId: 'spring-2027' });
    expect(await startCheckout({ productId: COURSE, cohortId: 'spring-2027', lang: 'en' })).toMatchObject({ status: 409, reason: 'sold_out' });
    expect((await deliver(fake.expire(id))).status).toBe(200);
    expect((await startCheckout({ productId: COURSE, cohortId: 'spring-2027', lang: 'en' })).ok).toBe(true);
  });

  it('gives the seat back when a reservation outlives its session even without the expired event', async () => {
    await fillSeats('spring-2027', 11);
    await checkout(COURSE, { cohortId: 'spring-2027' });
    setNow(nowMs() + 36 * 60_000);
    expect((await startCheckout({ productId: COURSE, cohortId: 'spring-2027', lang: 'en' })).ok).toBe(true);
  });
});

describe('fulfilment', () => {
  it('turns one completed session into one paid purchase and one receipt, however often and however delivered', async () => {
    const id = await checkout();
    const completed = fake.complete(id, { email: 'Buyer@Example.com' });
    const answers = await Promise.all([deliver(completed), deliver(completed), checkoutSuccess(id), deliver(completed)]);
    expect(answers.slice(0, 2).every((a) => 'status' in a && a.status === 200)).toBe(true);
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'paid', email: 'buyer@example.com', access_until: DEADLINE, amount: 9700, currency: 'eur' });
    expect(receipts()).toHaveLength(1);
    expect(receipts()[0]!.to).toBe('buyer@example.com');
    expect(receipts()[0]!.text).toMatch(/6 p\.m\. on Friday, March 26, 2027/);
    expect(receipts()[0]!.html).toMatch(/\/login\/verify\?token=/);
    expect(await accessTo('buyer@example.com', WORKSHOP)).toMatchObject({ access: true });
  });

  it('keeps a paid purchase whose address Stripe took but our rule is stricter about', async () => {
    const id = await checkout();
    expect(await deliver(fake.complete(id, { email: 'First..Last@Example.com' }))).toMatchObject({ status: 200, body: { outcome: 'fulfilled' } });
    expect((await rows())[0]).toMatchObject({ status: 'paid', email: 'first..last@example.com' });
    expect(await accessTo('first..last@example.com', WORKSHOP)).toMatchObject({ access: true });
  });

  it('a receipt that could not be sent makes the webhook answer 503, and the retry sends it', async () => {
    const id = await checkout();
    const completed = fake.complete(id, { email: 'retry@example.com' });
    // The outbox cannot be written: a file stands where its folder should be.
    const outbox = path.join(process.env.DATA_DIR!, 'outbox');
    rmSync(outbox, { recursive: true, force: true });
    writeFileSync(outbox, 'not a folder');
    expect(await deliver(completed)).toMatchObject({ status: 503 });
    expect((await rows())[0]).toMatchObject({ status: 'paid', receipt_sent_at: null, receipt_claimed_at: null });
    rmSync(outbox);
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { outcome: 'already' } });
    expect(receipts()).toHaveLength(1);
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(receipts()).toHaveLength(1);
  });

  it('tells the author of each sale once', async () => {
    await useTempDatabase({ STRIPE_SECRET_KEY: 'sk_test_payments', STRIPE_WEBHOOK_SECRET: SECRET, ADMIN_EMAILS: 'giulia@example.com' });
    const id = await checkout(COURSE, { cohortId: 'autumn-2027' });
    const completed = fake.complete(id, { email: 'buyer@example.com' });
    await Promise.all([deliver(completed), deliver(completed), checkoutSuccess(id)]);
    const notices = readOutbox().filter((e) => e.to === 'giulia@example.com');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toBe('New sale: OKR Coach Certification (€1,200.00)');
    expect(notices[0]!.text).toContain('buyer@example.com bought “OKR Coach Certification” for €1,200.00.');
    expect(notices[0]!.text).toContain('Cohort: Autumn 2027 cohort.');
  });

  it('the success page alone fulfils when the webhook is late', async () => {
    const id = await checkout(WORKSHOP, { lang: 'it' });
    fake.complete(id, { email: 'late@example.com' });
    expect(await checkoutSuccess(id)).toMatchObject({ state: 'paid', email: 'late@example.com', lang: 'it' });
    expect(receipts()[0]!.subject).toMatch(/ricevuta/i);
    expect(await checkoutSuccess('cs_test_unknown')).toEqual({ state: 'unknown' });
    expect(await checkoutSuccess('../../etc')).toEqual({ state: 'unknown' });
  });

  it('refuses forged, tampered, re-signed-with-another-secret and unsigned deliveries, writing nothing', async () => {
    const id = await checkout();
    const event = fake.complete(id);
    const { body, headers } = fake.signedDelivery(event, SECRET);
    expect((await handleStripeWebhook(body.replace('"paid"', '"paid" '), headers['stripe-signature']!)).status).toBe(400);
    expect((await deliver(event, 'whsec_someone_else_entirely_000000')).status).toBe(400);
    expect((await handleStripeWebhook(body, null)).status).toBe(400);
    expect((await handleStripeWebhook(body, 't=1,v1=deadbeef')).status).toBe(400);
    expect((await handleStripeWebhook('not json', headers['stripe-signature']!)).status).toBe(400);
    expect((await rows())[0]).toMatchObject({ status: 'reserved' });
    expect((await rows('SELECT * FROM webhook_events'))).toHaveLength(0);
  });

  it('acknowledges and ignores sessions this site did not create', async () => {
    const foreign = fake.event('checkout.session.completed', { id: 'cs_test_foreign', object: 'checkout.session', status: 'complete', payment_status: 'paid', metadata: { shop: 'other' }, customer_details: { email: 'x@example.com' } });
    expect(await deliver(foreign)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    const unknownProduct = fake.event('checkout.session.completed', { id: 'cs_test_foreign2', object: 'checkout.session', status: 'complete', payment_status: 'paid', metadata: { drumbeat_product: 'gone' } });
    expect(await deliver(unknownProduct)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    expect(await deliver(fake.event('customer.created', { id: 'cus_1', object: 'customer' }))).toMatchObject({ status: 200, body: { outcome: 'unhandled' } });
    expect(await rows()).toHaveLength(0);
  });

  it('a full refund and a dispute revoke access; a partial refund does not', async () => {
    const a = await checkout();
    await deliver(fake.complete(a, { email: 'a@example.com' }));
    await deliver(fake.refund(a, { amount: 1000 }));
    expect(await accessTo('a@example.com', WORKSHOP)).toMatchObject({ access: true });
    await deliver(fake.refund(a));
    expect(await accessTo('a@example.com', WORKSHOP)).toMatchObject({ access: false, purchase: { status: 'refunded' } });

    const b = await checkout();
    await deliver(fake.complete(b, { email: 'b@example.com' }));
    await deliver(fake.dispute(b));
    expect(await accessTo('b@example.com', WORKSHOP)).toMatchObject({ access: false, purchase: { status: 'disputed' } });
  });

  it('a refund delivered before its completion still wins, and replays change nothing', async () => {
    const id = await checkout();
    const completed = fake.complete(id, { email: 'r@example.com' });
    const refunded = fake.refund(id);
    await deliver(refunded);
    await deliver(completed);
    await deliver(completed);
    expect(await accessTo('r@example.com', WORKSHOP)).toMatchObject({ access: false, purchase: { status: 'refunded' } });
    expect(receipts()).toHaveLength(0);
  });

  it('async payments: pending gives no access; success grants it once; failure leaves none', async () => {
    const ok = await checkout();
    const pending = fake.complete(ok, { email: 'sepa@example.com', async: true });
    const succeeded = fake.asyncSucceeded(ok);
    // Reordered: success first, then the (older) completion.
    await deliver(succeeded);
    await deliver(pending);
    expect(await accessTo('sepa@example.com', WORKSHOP)).toMatchObject({ access: true });

    const bad = await checkout();
    await deliver(fake.complete(bad, { email: 'fail@example.com', async: true }));
    expect(await accessTo('fail@example.com', WORKSHOP)).toMatchObject({ access: false, purchase: { status: 'pending' } });
    await deliver(fake.asyncFailed(bad));
    expect(await accessTo('fail@example.com', WORKSHOP)).toMatchObject({ access: false });
    expect((await rows()).map((r) => r.status)).toEqual(['paid', 'failed']);
    expect(receipts()).toHaveLength(1);
  });

  it('access ends at the deadline, on the server clock', async () => {
    const id = await checkout();
    await deliver(fake.complete(id, { email: 'd@example.com' }));
    setNow(DEADLINE - 1);
    expect((await accessTo('d@example.com', WORKSHOP)).access).toBe(true);
    setNow(DEADLINE);
    expect((await accessTo('d@example.com', WORKSHOP)).access).toBe(false);
  });
});

describe('a product priced by a Stripe Price, with access for some days', () => {
  it('charges the Price, stores what Stripe charged, and grants access from the purchase', async () => {
    const dir = tempContent({});
    mkdirSync(path.join(dir, 'products'));
    writeFileSync(
      path.join(dir, 'products', 'masterclass.md'),
      `---\nkind: workshop\ntitle: { en: Masterclass }\nsummary: { en: Two hours. }\nstripePrice: price_Masterclass1\naccess: { days: 30 }\n---\nThe **description**, from the body.\n`,
    );
    await useTempDatabase({ STRIPE_SECRET_KEY: 'sk_test_payments', STRIPE_WEBHOOK_SECRET: SECRET, DRUMBEAT_CONTENT_DIR: dir });
    resetProductCache();
    fake.prices.set('price_Masterclass1', { unit_amount: 4900, currency: 'eur' });
    try {
      const id = await checkout('masterclass');
      const create = fake.requests.find((r) => r.path === '/v1/checkout/sessions')!;
      expect((create.body as Record<string, any>).line_items[0]).toEqual({ price: 'price_Masterclass1', quantity: 1 });
      await deliver(fake.complete(id, { email: 'mc@example.com' }));
      const [row] = await rows();
      expect(row).toMatchObject({ status: 'paid', amount: 4900, currency: 'eur', access_until: nowMs() + 30 * 86_400_000 });
    } finally {
      delete process.env.DRUMBEAT_CONTENT_DIR;
      resetProductCache();
    }
  });
});

describe('receipts left behind', () => {
  it('a receipt claimed by a process that died is sent by the scheduler once the claim is stale', async () => {
    const id = await checkout();
    await deliver(fake.complete(id, { email: 'crash@example.com' }));
    // As if the process had died between claiming the receipt and sending it.
    await getDb().$client.execute({ sql: 'UPDATE purchases SET receipt_sent_at = NULL, receipt_claimed_at = ?', args: [nowMs()] });
    rmSync(path.join(process.env.DATA_DIR!, 'outbox'), { recursive: true, force: true });
    expect(await sendPendingReceipts()).toBe(0);
    setNow(nowMs() + RECEIPT_CLAIM_MS + 1000);
    expect(await Promise.all([sendPendingReceipts(), sendPendingReceipts()])).toEqual(expect.arrayContaining([1, 0]));
    expect(receipts()).toHaveLength(1);
    expect(await sendPendingReceipts()).toBe(0);
  });
});

describe('deadline reminders', () => {
  it('sends the 7-day and the 1-day reminder once each, however many schedulers run', async () => {
    const id = await checkout();
    await deliver(fake.complete(id, { email: 'rem@example.com' }));
    const reminders = () => readOutbox().filter((e) => e.to === 'rem@example.com' && !/receipt/i.test(e.subject));
    setNow(DEADLINE - 8 * 86_400_000);
    await sendDueReminders();
    expect(reminders()).toHaveLength(0);
    setNow(DEADLINE - 6 * 86_400_000);
    await Promise.all([sendDueReminders(), sendDueReminders(), sendDueReminders()]);
    await sendDueReminders();
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0]!.subject).toMatch(/7 days/);
    expect(reminders()[0]!.text).toMatch(/6 p\.m\. on Friday, March 26 \(Italy Time\)/);
    setNow(DEADLINE - 3600_000);
    await Promise.all([sendDueReminders(), sendDueReminders()]);
    expect(reminders()).toHaveLength(2);
    setNow(DEADLINE + 1000);
    await sendDueReminders();
    expect(reminders()).toHaveLength(2);
  });

  it('skips buyers whose access was refunded', async () => {
    const id = await checkout();
    await deliver(fake.complete(id, { email: 'gone@example.com' }));
    await deliver(fake.refund(id));
    setNow(DEADLINE - 3600_000);
    expect(await sendDueReminders()).toEqual({ sent: 0, failed: 0 });
  });
});

describe('sign-in links', () => {
  // requestSignIn without a defer hook awaits its email, so the link is there when it returns;
  // the poll only absorbs a slow disk.
  async function waitForLink(email: string): Promise<string | undefined> {
    const find = () => readOutbox().find((e) => e.to === email && /sign-in|accesso/i.test(e.subject));
    await expect.poll(find, { timeout: 10_000, interval: 20 }).toBeDefined();
    return /token=([A-Za-z0-9_-]{43})/.exec(find()!.text)![1];
  }

  it('sends a single-use, 15-minute link to buyers only, with the same answer for anyone', async () => {
    const id = await checkout();
    await deliver(fake.complete(id, { email: 'owner@example.com' }));
    expect(await requestSignIn({ maySignIn, email: 'owner@example.com', lang: 'en', ip: '1.1.1.1' })).toEqual({ ok: true });
    expect(await requestSignIn({ maySignIn, email: 'stranger@example.com', lang: 'en', ip: '1.1.1.2' })).toEqual({ ok: true });
    const token = await waitForLink('owner@example.com');
    expect(token).toBeDefined();
    // Both requests awaited their work (no defer hook): nothing more can arrive for the stranger.
    expect(readOutbox().some((e) => e.to === 'stranger@example.com')).toBe(false);
    // Only a hash is stored.
    expect(JSON.stringify(await rows('SELECT * FROM login_tokens'))).not.toContain(token);

    expect(await inspectSignInToken(token)).toMatchObject({ state: 'valid', email: 'owner@example.com' });
    expect(await redeemSignInToken(token, '1.1.1.1')).toEqual({ email: 'owner@example.com', lang: 'en' });
    expect(await redeemSignInToken(token, '1.1.1.1')).toBeUndefined();
    expect(await inspectSignInToken(token)).toMatchObject({ state: 'used' });
  });

  it('expires after 15 minutes and refuses malformed tokens', async () => {
    const id = await checkout();
    await deliver(fake.complete(id, { email: 'slow@example.com' }));
    readOutbox();
    await requestSignIn({ maySignIn, email: 'slow@example.com', lang: 'en', ip: '2.2.2.2' });
    const token = await waitForLink('slow@example.com');
    setNow(nowMs() + 15 * 60_000);
    expect(await inspectSignInToken(token)).toMatchObject({ state: 'expired' });
    expect(await redeemSignInToken(token, '2.2.2.2')).toBeUndefined();
    for (const bad of [undefined, '', 'x', 'a'.repeat(44), "' OR 1=1 --", { token: 1 }]) {
      expect(await inspectSignInToken(bad)).toEqual({ state: 'invalid' });
      expect(await redeemSignInToken(bad, '2.2.2.2')).toBeUndefined();
    }
  });

  it('rate-limits per address silently and per IP visibly; bad addresses get 400', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await requestSignIn({ maySignIn, email: 'victim@example.com', lang: 'en', ip: `3.3.3.${i}` }));
    expect(answers.every((a) => a.ok)).toBe(true);
    const ip = [];
    for (let i = 0; i < 12; i++) ip.push(await requestSignIn({ maySignIn, email: `n${i}@example.com`, lang: 'en', ip: '4.4.4.4' }));
    expect(ip.at(-1)).toEqual({ ok: false, status: 429 });
    expect(await requestSignIn({ maySignIn, email: 'not an email', lang: 'en', ip: '5.5.5.5' })).toEqual({ ok: false, status: 400, field: 'email' });
  });
});
