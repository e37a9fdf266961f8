import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { deliver } from '../../src/lib/newsletter/delivery/deliver.server.ts';
import { cancelSend, pauseSend, resumeSend, runDueSends, sendStatuses } from '../../src/lib/newsletter/sends.server.ts';
import { FakeResend, resendHandlers } from '../mocks/fake-resend.ts';
import { useTempDatabase } from '../helpers/db.ts';

// Pause, resume and cancel (CLI and dashboard alike): the ledger decides, nobody lost or mailed twice.

let fake = new FakeResend();
const server = setupServer(...resendHandlers({ handle: (r: Request) => fake.handle(r) } as FakeResend));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const noSleep = async () => {};
const NOW = Date.parse('2026-11-25T12:00:00Z');
const COUNT = 1000;
const plan = { noteNumber: 205, lang: 'en' as const, noteLang: 'en' as const, fallback: false };

beforeEach(async () => {
  fake = new FakeResend();
  await useTempDatabase({ RESEND_API_KEY: 're_test_key', EMAIL_FROM: 'Giulia <notes@example.com>' });
  setNow(NOW);
  const rows = Array.from({ length: COUNT }, (_, i) => ({ email: `en${i}@example.com`, lang: 'en', status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 }));
  for (let i = 0; i < rows.length; i += 500) await getDb().insert(subscribers).values(rows.slice(i, i + 500));
  return () => resetClock();
});

/** Delivers, asking `change` of the send once the first batch is through. */
async function deliverAndThen(change: (id: number) => Promise<unknown>) {
  let asked: Promise<unknown> | undefined;
  const result = await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000, onProgress: ({ sendId }) => void (asked ??= change(sendId)) });
  await asked;
  return result;
}

describe('pausing, resuming and cancelling a send', () => {
  it('pause stops the deliverer at the next batch; resume sends exactly the rest', async () => {
    const paused = await deliverAndThen(pauseSend);
    expect(paused).toMatchObject({ state: 'stopped', by: 'paused' });
    const sentWhilePaused = fake.recipients().length;
    expect(sentWhilePaused).toBeGreaterThan(0);
    expect(sentWhilePaused).toBeLessThan(COUNT);
    const [row] = await sendStatuses();
    expect(row).toMatchObject({ state: 'paused' });
    // The schedule does not restart a paused send.
    expect(await runDueSends({ sleep: noSleep, requestsPerSecond: 1000 })).toEqual([]);
    expect(fake.recipients()).toHaveLength(sentWhilePaused);
    expect(await pauseSend(row!.id)).toMatchObject({ ok: false, reason: expect.stringContaining('is paused') });

    expect(await resumeSend(row!.id)).toMatchObject({ ok: true, from: 'paused', to: 'sending' });
    const results = await runDueSends({ sleep: noSleep, requestsPerSecond: 1000 });
    expect(results).toMatchObject([{ state: 'done', sent: COUNT, failed: 0 }]);
    const all = fake.recipients();
    expect(all).toHaveLength(COUNT);
    expect(new Set(all).size).toBe(COUNT);
  });

  it('cancel stops it for good: the pending recipients are never mailed', async () => {
    const cancelled = await deliverAndThen(cancelSend);
    expect(cancelled).toMatchObject({ state: 'stopped', by: 'cancelled' });
    const sent = fake.recipients().length;
    expect(sent).toBeLessThan(COUNT);
    expect(await runDueSends({ sleep: noSleep, requestsPerSecond: 1000 })).toEqual([]);
    expect(await deliver(plan, { sleep: noSleep })).toMatchObject({ state: 'stopped', by: 'cancelled' });
    expect(fake.recipients()).toHaveLength(sent);
    const [row] = await sendStatuses();
    expect(row).toMatchObject({ state: 'cancelled' });
    expect(row!.finishedAt).not.toBeNull();
    expect(await resumeSend(row!.id)).toMatchObject({ ok: false });
    expect(await cancelSend(9999)).toMatchObject({ ok: false, reason: expect.stringContaining('no send 9999') });
  });
});
