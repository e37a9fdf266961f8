import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLOSED_TEXT } from '../../src/lib/access/sales.server.ts';
import { resetProductCache } from '../../src/lib/catalog/products.server.ts';
import { nowMs, resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { HOLDS_PER_NETWORK, startCheckout } from '../../src/lib/payments/checkout.server.ts';
import { t } from '../../src/i18n/text.ts';
import { FakeStripe, stripeHandlers } from '../mocks/fake-stripe.ts';
import { useTempDatabase } from '../helpers/db.ts';

// Issue 9, item 6: anonymous checkouts must not be able to hold every seat of a cohort. The
// official Stripe SDK talks to the fake over msw; the database is a real SQLite file. The
// certification's spring cohort has 12 seats (content/products/okr-coach.yaml).

let fake = new FakeStripe();
const server = setupServer(...stripeHandlers({ handle: (r: Request) => fake.handle(r) } as FakeStripe));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const COURSE = 'okr-coach';
const COHORT = 'spring-2027';

beforeEach(async () => {
  fake = new FakeStripe();
  await useTempDatabase({ STRIPE_SECRET_KEY: 'sk_test_holds', STRIPE_WEBHOOK_SECRET: 'whsec_test_holds_secret_0123456789' });
  resetProductCache();
  setNow('2026-12-01T10:00:00Z');
  return () => resetClock();
});

const buy = (ip: string, extra: { buyerEmail?: string } = {}) => startCheckout({ productId: COURSE, cohortId: COHORT, lang: 'en', ip, ...extra });

async function held(): Promise<number> {
  const r = await getDb().$client.execute({ sql: `SELECT count(*) AS n FROM purchases WHERE status = 'reserved' AND reserved_until > ?`, args: [nowMs()] });
  return Number(r.rows[0]!.n);
}

async function paidSeats(count: number) {
  const now = nowMs();
  for (let i = 0; i < count; i++) {
    await getDb().$client.execute({
      sql: `INSERT INTO purchases (email, product_id, cohort_id, lang, source, status, created_at, updated_at) VALUES (?, ?, ?, 'en', 'stripe', 'paid', ?, ?)`,
      args: [`paid${i}@example.com`, COURSE, COHORT, now, now],
    });
  }
}

describe('seat holds of anonymous checkouts', () => {
  it('the issue: 12 checkouts from 2 IPs hold 4 seats, not 12, and a buyer gets one', async () => {
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await buy('192.0.2.1'), await buy('192.0.2.2'));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2 * HOLDS_PER_NETWORK);
    expect(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.status === 429 && o.reason === 'too_many')).toBe(true);
    expect(await held()).toBe(4);
    expect((await buy('203.0.113.50')).ok).toBe(true);
  });

  it('counts an IPv6 network by its /64, and an IPv4-mapped address as the IPv4 one', async () => {
    expect((await buy('2001:db8:1:2::1')).ok).toBe(true);
    expect((await buy('2001:db8:1:2:ffff:ffff:ffff:ffff')).ok).toBe(true);
    expect(await buy('2001:0db8:0001:0002:0:0:0:abcd')).toMatchObject({ ok: false, status: 429 });
    expect((await buy('2001:db8:1:3::1')).ok).toBe(true);
    expect((await buy('198.51.100.7')).ok).toBe(true);
    expect((await buy('::ffff:198.51.100.7')).ok).toBe(true);
    expect(await buy('198.51.100.7')).toMatchObject({ ok: false, status: 429 });
  });

  it('lets unpaid holds cover at most half the seats not yet paid, whatever the number of networks', async () => {
    const outcomes = [];
    for (let i = 0; i < 12; i++) outcomes.push(await buy(`198.51.100.${i + 1}`));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(6);
    expect(outcomes.at(-1)).toEqual({ ok: false, status: 409, reason: 'seats_held' });
    expect(t('en', CLOSED_TEXT.seats_held)).toContain('30 minutes');
    // Half the cohort is still there for buyers who pay: a signed-in buyer is not anonymous.
    expect((await buy('198.51.100.200', { buyerEmail: 'known@example.com' })).ok).toBe(true);
    // As seats are paid, the share shrinks with them: 12 - 9 paid = 3 free, so at most 2 holds.
    await getDb().$client.execute(`DELETE FROM purchases`);
    await paidSeats(9);
    expect((await buy('203.0.113.1')).ok).toBe(true);
    expect((await buy('203.0.113.2')).ok).toBe(true);
    expect(await buy('203.0.113.3')).toEqual({ ok: false, status: 409, reason: 'seats_held' });
  });

  it('gives held seats back when the session can no longer be paid (30 minutes + 2)', async () => {
    await paidSeats(11);
    expect((await buy('203.0.113.1')).ok).toBe(true);
    expect(await buy('203.0.113.2')).toEqual({ ok: false, status: 409, reason: 'sold_out' });
    setNow(nowMs() + 32 * 60_000 + 1);
    expect((await buy('203.0.113.2')).ok).toBe(true);
    const session = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions')!;
    expect(Number((session.body as Record<string, unknown>).expires_at) - Date.now() / 1000).toBeLessThanOrEqual(30 * 60 + 5);
  });

  it('says sold out when the seats are paid', async () => {
    await paidSeats(12);
    expect(await buy('203.0.113.9')).toEqual({ ok: false, status: 409, reason: 'sold_out' });
  });
});
