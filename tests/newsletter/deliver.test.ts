import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { resetEnvCache } from '../../src/lib/core/env.server.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { deliver } from '../../src/lib/newsletter/delivery/deliver.server.ts';
import { duePlans, runDueSends, sendStatuses } from '../../src/lib/newsletter/sends.server.ts';
import { readUnsubscribeToken } from '../../src/lib/newsletter/links.server.ts';
import { FakeResend, resendHandlers } from '../mocks/fake-resend.ts';
import { useTempDatabase } from '../helpers/db.ts';
import { errorsLoggedDuring } from '../helpers/log.ts';

let fake = new FakeResend();
// A test whose pacer runs on its own clock stamps arrivals with it too.
let pacerClock: (() => number) | undefined;
const server = setupServer(...resendHandlers({ handle: (r: Request) => fake.handle(r, pacerClock?.() ?? Date.now()) } as FakeResend));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const noSleep = async () => {};
// The sample content: 205 exists in en and it; 199 only in en.
const NOW = Date.parse('2026-11-25T12:00:00Z');

async function addSubscribers(count: number, lang: string, status: 'active' | 'pending' | 'unsubscribed' = 'active', prefix = lang) {
  const rows = Array.from({ length: count }, (_, i) => ({
    email: `${prefix}${i}@example.com`, lang, status, source: 'test', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1,
  }));
  for (let i = 0; i < rows.length; i += 500) await getDb().insert(subscribers).values(rows.slice(i, i + 500));
}

function expectEachOnce(emails: string[], expected: string[]) {
  expect(emails.length).toBe(new Set(emails).size);
  expect(new Set(emails)).toEqual(new Set(expected));
}

beforeEach(async () => {
  fake = new FakeResend();
  await useTempDatabase({ RESEND_API_KEY: 're_test_key', EMAIL_FROM: 'Giulia <notes@example.com>' });
  setNow(NOW);
  return () => resetClock();
});

describe('delivering a Note', () => {
  it('sends each active subscriber the Note once, in batches of at most 100 with one idempotency key each', async () => {
    await addSubscribers(250, 'en');
    await addSubscribers(5, 'en', 'pending', 'pending');
    await addSubscribers(5, 'en', 'unsubscribed', 'gone');
    const result = await deliver({ noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false }, { sleep: noSleep, requestsPerSecond: 1000 });
    expect(result).toMatchObject({ state: 'done', recipients: 250, sent: 250, failed: 0 });
    expectEachOnce(fake.recipients(), Array.from({ length: 250 }, (_, i) => `en${i}@example.com`));
    const batches = fake.requests.filter((r) => r.path === '/emails/batch');
    // Batches overlap in flight: the shorter upload may finish first.
    expect(batches.map((b) => b.count).sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(new Set(batches.map((b) => b.idempotencyKey)).size).toBe(3);
    const mail = fake.emails[0]!;
    expect(mail.subject).toBe('Note №205: Three steps to a goal you keep');
    expect(mail.from).toBe('Giulia <notes@example.com>');
    expect(mail.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    // Each recipient's unsubscribe link is their own, in the header and in the body.
    const token = /token=([^>]+)>/.exec(mail.headers!['List-Unsubscribe']!)![1]!;
    expect(readUnsubscribeToken(token)).toMatchObject({ email: mail.to[0] });
    expect(mail.html).toContain(`token=${token}`);
    expect(mail.html).not.toContain('<script');
    expect(mail.html).toContain('/notes/205-three-steps/');
    expect(mail.text).toContain('Three steps to a goal you keep');
  });

  it('sends at most once: a second run finds the send done', async () => {
    await addSubscribers(20, 'en');
    const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;
    await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 });
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'busy' });
    expect(fake.emails).toHaveLength(20);
  });

  it('gives a subscriber whose language lacks the Note the original, with a line saying so', async () => {
    await addSubscribers(3, 'it');
    setNow(NOW);
    const plans = await import('../../src/lib/newsletter/plan.ts');
    const { loadNotesFromDisk } = await import('../../src/lib/notes/disk.server.ts');
    const [, itPlan] = plans.plansForNote(loadNotesFromDisk().catalog, 199, ['en', 'it'], 'en', NOW);
    expect(itPlan).toEqual({ noteNumber: 199, lang: 'it', noteLang: 'en', fallback: true });
    await deliver(itPlan!, { sleep: noSleep, requestsPerSecond: 1000 });
    expect(fake.emails).toHaveLength(3);
    expect(fake.emails[0]!.html).toContain('non è ancora disponibile in italiano');
  });

  it('rides out a 429 storm and 5xx errors, honouring retry-after, with no duplicate', async () => {
    await addSubscribers(300, 'en');
    fake.failNext(6, { status: 429, headers: { 'retry-after': '1' } });
    fake.failNext(2, { status: 500 });
    const waits: number[] = [];
    // Sleeping moves the pacer's clock, so the waits it asks for do not depend on how busy the machine is.
    let clock = Date.now();
    pacerClock = () => clock;
    const result = await deliver({ noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false }, {
      requestsPerSecond: 1000,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(result).toMatchObject({ state: 'done', sent: 300, failed: 0 });
    expectEachOnce(fake.recipients(), Array.from({ length: 300 }, (_, i) => `en${i}@example.com`));
    pacerClock = undefined;
    // retry-after: 1 second is honoured by every request in flight, not only the one refused.
    const batches = fake.requests.filter((r) => r.path === '/emails/batch');
    const refused = batches.filter((r) => r.status === 429);
    expect(refused).toHaveLength(6);
    for (const r of refused) expect(batches.filter((later) => later.at > r.at && later.at < r.at + 1000)).toEqual([]);
    expect(waits.filter((w) => w >= 1000).length).toBeGreaterThanOrEqual(2);
  });

  it('fails only the address Resend refuses: the rest of its batch is delivered', async () => {
    await addSubscribers(150, 'en');
    // An address from before the one rule, which Resend refuses (a C1 control character).
    await getDb().insert(subscribers).values({ email: 'bad\u0085x@example.com', lang: 'en', status: 'active', source: 'test', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 });
    const result = await deliver({ noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false }, { sleep: noSleep, requestsPerSecond: 1000 });
    expect(result).toMatchObject({ state: 'done', recipients: 151, sent: 150, failed: 1 });
    expectEachOnce(fake.recipients(), Array.from({ length: 150 }, (_, i) => `en${i}@example.com`));
    const failed = (await getDb().$client.execute(`SELECT email, error FROM send_recipients WHERE state = 'failed'`)).rows;
    expect(failed).toHaveLength(1);
    expect(failed[0]!.email).toBe('bad\u0085x@example.com');
    expect(String(failed[0]!.error)).toContain('validation_error');
    // Halving finds it in a handful of requests, not one per recipient.
    expect(fake.requests.filter((r) => r.path === '/emails/batch').length).toBeLessThanOrEqual(2 + 2 * 7);
    const [status] = await sendStatuses();
    expect(status).toMatchObject({ recipients: 151, sent: 150, failed: 1, state: 'done' });
  });

  it('a resume after a crash while halving asks with the same keys: nobody gets the Note twice', async () => {
    await addSubscribers(99, 'en');
    await getDb().insert(subscribers).values({ email: 'bad\u007fx@example.com', lang: 'en', status: 'active', source: 'test', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 });
    const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ sent: 99, failed: 1 });
    // As if the process had died after Resend took the halves within the second half of the batch
    // and before the ledger said so: the first half is recorded, the second half all pending.
    await getDb().$client.execute(`UPDATE send_recipients SET state = 'pending', sent_at = NULL, error = NULL WHERE subscriber_id > 50`);
    await getDb().$client.execute(`UPDATE sends SET state = 'sending', finished_at = NULL`);
    const requests = fake.requests.length;
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'done', sent: 99, failed: 1 });
    expect(fake.requests.length).toBeGreaterThan(requests);
    expectEachOnce(fake.recipients(), Array.from({ length: 99 }, (_, i) => `en${i}@example.com`));
  });

  it('a refusal no address explains (a revoked API key) pauses the send and fails nobody', async () => {
    await addSubscribers(150, 'en');
    fake.failNext(1, { status: 403, name: 'invalid_api_key' });
    const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'paused' });
    expect((await sendStatuses())[0]).toMatchObject({ failed: 0, state: 'sending' });
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'done', sent: 150, failed: 0 });
    expectEachOnce(fake.recipients(), Array.from({ length: 150 }, (_, i) => `en${i}@example.com`));
  });

  it('lets only one of two racing schedulers send', async () => {
    await addSubscribers(400, 'en');
    const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;
    const results = await Promise.all([
      deliver(plan, { owner: 'worker-a', sleep: noSleep, requestsPerSecond: 1000 }),
      deliver(plan, { owner: 'worker-b', sleep: noSleep, requestsPerSecond: 1000 }),
    ]);
    expect(results.map((r) => r.state).sort()).toEqual(['busy', 'done']);
    expectEachOnce(fake.recipients(), Array.from({ length: 400 }, (_, i) => `en${i}@example.com`));
  });

  it('lets a second process take over a send whose holder died (expired lease), with no duplicate', async () => {
    await addSubscribers(250, 'en');
    const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;
    // A holder that dies after its first batch: its lease is never renewed.
    let batches = 0;
    await expect(
      deliver(plan, {
        owner: 'doomed',
        requestsPerSecond: 1000,
        sleep: noSleep,
        onProgress: () => {
          if (++batches === 1) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(await deliver(plan, { owner: 'rescuer', sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'busy' });
    setNow(NOW + 61_000);
    expect(await deliver(plan, { owner: 'rescuer', sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'done', sent: 250 });
    expectEachOnce(fake.recipients(), Array.from({ length: 250 }, (_, i) => `en${i}@example.com`));
  });
});

describe('idempotency keys', () => {
  const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;

  it('two installations on one Resend account (staging and production) never share a key: each delivers to all', async () => {
    await addSubscribers(250, 'en');
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'done', sent: 250, failed: 0 });
    // A second database with the same ids (send 1, batches 0–2), on the same account, within 24 hours.
    await useTempDatabase({ RESEND_API_KEY: 're_test_key', EMAIL_FROM: 'Giulia <notes@example.com>' });
    await addSubscribers(250, 'en', 'active', 'staging');
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'done', sent: 250, failed: 0 });
    expect(fake.requests.some((r) => r.status === 409)).toBe(false);
    expect(fake.recipients().filter((e) => e.startsWith('staging'))).toHaveLength(250);
  });

  it('a key Resend already holds for other content (409) holds its batch pending and pauses, loudly, failing nobody', async () => {
    await addSubscribers(150, 'en');
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'done', sent: 150 });
    // As if the process had died after Resend took batch 0 and before the ledger said so, and the
    // sender's name was changed before the resume: same key, other content.
    await getDb().$client.execute(`UPDATE send_recipients SET state = 'pending', sent_at = NULL, provider_id = NULL WHERE batch = 0`);
    await getDb().$client.execute(`UPDATE sends SET state = 'sending', sent = 50, finished_at = NULL`);
    process.env.EMAIL_FROM = 'Giulia Ferri <notes@example.com>';
    resetEnvCache();
    let result;
    const logged = await errorsLoggedDuring(async () => {
      result = await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 });
    });
    expect(fake.requests.at(-1)).toMatchObject({ status: 409 });
    expect(result).toMatchObject({ state: 'paused', reason: expect.stringMatching(/idempotency key was already used/) });
    const states = (await getDb().$client.execute(`SELECT state, COUNT(*) AS n FROM send_recipients GROUP BY state ORDER BY state`)).rows.map((r) => [r.state, Number(r.n)]);
    expect(states).toEqual([['pending', 100], ['sent', 50]]);
    const [status] = await sendStatuses();
    expect(status).toMatchObject({ state: 'sending', failed: 0, lastError: expect.stringMatching(/batch 0 .*stay pending/) });
    expect(fake.emails).toHaveLength(150);
    expect(logged.join('\n')).toMatch(/batch 0/);
    expect(logged.join('\n')).not.toContain('@');
    // The next scheduler tick asks again (one request), still fails nobody, and does not log it again.
    const again = await errorsLoggedDuring(async () => {
      expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ state: 'paused' });
    });
    expect(again).toEqual([]);
    expect((await sendStatuses())[0]).toMatchObject({ failed: 0, lastError: expect.stringMatching(/stay pending/) });
  });
});

describe('the weekly schedule', () => {
  it('sends Note 206 at Monday 07:00 Rome in both languages, and never mails the archive', async () => {
    await addSubscribers(3, 'en');
    await addSubscribers(2, 'it');
    setNow('2026-11-30T05:59:00Z');
    expect(await duePlans()).toEqual([]);
    setNow('2026-11-30T06:00:00Z');
    const results = await runDueSends({ sleep: noSleep, requestsPerSecond: 1000 });
    expect(results.map((r) => r.state)).toEqual(['done', 'done']);
    const subjects = fake.emails.map((e) => e.subject);
    expect(subjects.filter((x) => x === 'Note №206: Planning the year in one afternoon')).toHaveLength(3);
    expect(subjects.filter((x) => x.startsWith('Nota №206: Pianificare'))).toHaveLength(2);
    // The next tick finds nothing to do; a week later neither (206 is past its window, 207 does not exist).
    expect(await runDueSends({ sleep: noSleep })).toEqual([]);
    setNow('2026-12-07T06:00:00Z');
    expect(await duePlans()).toEqual([]);
    expect(fake.emails).toHaveLength(5);
  });
});
