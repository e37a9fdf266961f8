// Issue 4's benchmarks.
// 1. A gated page (/library/<id>/, session lookup + access check against 10,000 stored purchases on
//    every request) against a cached Note page, same server, same run.
// 2. 1,000 signed webhook deliveries (200 distinct checkout.session.completed events, each 5 times,
//    shuffled, 50 in flight): exactly 200 purchases must come out.
import path from 'node:path';
import { FakeStripe } from '../mocks/fake-stripe.ts';
import { ensureSampleBuild, RESULTS_DIR, SAMPLE_OUT_DIR, withServer, type BenchResult } from './lib.ts';
import { SAMPLE_NOTE } from './notes-page-weight.ts';
import { benchDatabase, seedPurchases, signedInBuyer } from './seed.ts';
import { alternatingRounds, formatSpread, load, ratioSpread, spread } from './reference.ts';

const ROUNDS = 3;
const DURATION_S = 8;
/** The fixed offered load for p99: well below saturation, so p99 is the server's, not a queue's. */
const FIXED_RATE = 500;
const GOAL_P99_MS = 20;
const ASK = { 'accept-encoding': 'gzip, deflate, br' };
const PURCHASES = 10_000;
const GATED = '/library/okr-workshop-2027-03/';
const WEBHOOK_SECRET = 'whsec_bench_payments_0123456789abcdef';
const STRIPE_ENV = {
  STRIPE_SECRET_KEY: 'sk_test_bench',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  // Nothing here calls Stripe; a closed port makes sure of it.
  STRIPE_API_BASE: 'http://127.0.0.1:9',
};

export async function paymentsGated(): Promise<BenchResult> {
  const { rebuilt } = await ensureSampleBuild();
  return withServer(
    SAMPLE_OUT_DIR,
    path.join(RESULTS_DIR, 'payments-gated.server.log'),
    async ({ origin, dataDir }) => {
      // The first request migrates the database.
      if ((await fetch(`${origin}/healthz`)).status !== 200) throw new Error('/healthz failed');
      await seedPurchases(dataDir, PURCHASES);
      // One buyer among them, signed in.
      const cookie = await signedInBuyer(dataDir);

      const gatedCheck = await fetch(origin + GATED, { headers: { cookie }, redirect: 'manual' });
      const body = await gatedCheck.text();
      if (gatedCheck.status !== 200 || !body.includes('/media/okr-workshop-2027-03/')) throw new Error(`${GATED} answered ${gatedCheck.status} without the player`);
      if ((await fetch(origin + SAMPLE_NOTE)).status !== 200) throw new Error(`${SAMPLE_NOTE} failed`);

      // Alternating rounds at saturation for the ratio; then a fixed 500 req/s for the p99.
      const rounds = await alternatingRounds(ROUNDS, {
        note: () => load(origin + SAMPLE_NOTE, { durationSeconds: DURATION_S, headers: ASK }),
        gated: () => load(origin + GATED, { durationSeconds: DURATION_S, headers: { ...ASK, cookie } }),
      });
      const fixed = await alternatingRounds(ROUNDS, {
        gated: () => load(origin + GATED, { durationSeconds: DURATION_S, headers: { ...ASK, cookie }, overallRate: FIXED_RATE, connections: 20 }),
      });
      const rps = (k: keyof typeof rounds) => rounds[k].map((r) => r.requestsPerSecond);
      const ratio = ratioSpread(rps('gated'), rps('note'));
      const p99 = spread(fixed.gated.map((r) => r.p99Ms));
      return {
        name: 'payments-gated',
        figures: [
          { label: `gated ${GATED} (${PURCHASES.toLocaleString('en-US')} purchases): req/s`, value: formatSpread(spread(rps('gated'))) },
          { label: `cached Note ${SAMPLE_NOTE}: req/s`, value: formatSpread(spread(rps('note'))) },
          { label: 'ratio gated/Note', value: formatSpread(ratio, 2), goal: '>= 0.5', pass: ratio.median >= 0.5 },
          { label: `gated page: p99 at a fixed ${FIXED_RATE} req/s (ms)`, value: formatSpread(p99, 1), goal: `<= ${GOAL_P99_MS} ms`, pass: p99.median <= GOAL_P99_MS },
        ],
        details: { sampleRebuilt: rebuilt, rounds: ROUNDS, durationSeconds: DURATION_S, purchases: PURCHASES, fixedRate: FIXED_RATE, saturation: rounds, fixed: fixed.gated },
      };
    },
    STRIPE_ENV,
  );
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export async function paymentsWebhooks(): Promise<BenchResult> {
  const DISTINCT = 200;
  const REPEATS = 5;
  const IN_FLIGHT = 50;
  const { rebuilt } = await ensureSampleBuild();
  return withServer(
    SAMPLE_OUT_DIR,
    path.join(RESULTS_DIR, 'payments-webhooks.server.log'),
    async ({ origin, dataDir }) => {
      if ((await fetch(`${origin}/healthz`)).status !== 200) throw new Error('/healthz failed');
      const fake = new FakeStripe();
      const events = Array.from({ length: DISTINCT }, (_, i) =>
        fake.event('checkout.session.completed', {
          id: `cs_test_webhookbench${i}`,
          object: 'checkout.session',
          mode: 'payment',
          status: 'complete',
          payment_status: 'paid',
          amount_total: 9700,
          currency: 'eur',
          customer: `cus_test_${i}`,
          customer_details: { email: `hook${i}@example.com` },
          customer_email: null,
          payment_intent: `pi_test_webhookbench${i}`,
          metadata: { drumbeat_product: 'okr-workshop-2027-03', drumbeat_lang: i % 3 ? 'en' : 'it' },
        }),
      );
      const deliveries = shuffle(events.flatMap((e) => Array.from({ length: REPEATS }, () => e)));
      const statuses = new Map<number, number>();
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < deliveries.length) {
            const event = deliveries[next++]!;
            // Signed at send time, as Stripe does for each attempt.
            const { body, headers } = fake.signedDelivery(event, WEBHOOK_SECRET);
            const res = await fetch(`${origin}/webhooks/stripe`, { method: 'POST', headers, body });
            await res.arrayBuffer();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const db = benchDatabase(dataDir);
      const count = async (sql: string) => Number((await db.execute(sql)).rows[0]!.n);
      const purchases = await count(`SELECT count(*) AS n FROM purchases`);
      const paid = await count(`SELECT count(*) AS n FROM purchases WHERE status = 'paid'`);
      const receipts = await count(`SELECT count(*) AS n FROM purchases WHERE receipt_sent_at IS NOT NULL`);
      const recorded = await count(`SELECT count(*) AS n FROM webhook_events WHERE source = 'stripe'`);
      db.close();
      const ok = statuses.get(200) ?? 0;
      return {
        name: 'payments-webhooks',
        figures: [
          { label: `deliveries (${DISTINCT} events x ${REPEATS}, shuffled, ${IN_FLIGHT} in flight) answered 200`, value: ok, goal: `= ${deliveries.length}`, pass: ok === deliveries.length },
          { label: 'fulfilments (paid purchases)', value: paid, goal: `= ${DISTINCT}`, pass: paid === DISTINCT && purchases === DISTINCT },
          { label: 'receipts sent', value: receipts, goal: `= ${DISTINCT}`, pass: receipts === DISTINCT },
          { label: 'deliveries/s', value: Math.round(deliveries.length / seconds), unit: '/s' },
        ],
        details: { sampleRebuilt: rebuilt, seconds, statuses: Object.fromEntries(statuses), purchases, paid, receipts, eventsRecorded: recorded },
      };
    },
    STRIPE_ENV,
  );
}
