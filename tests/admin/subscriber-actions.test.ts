import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setupServer } from 'msw/node';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eraseAddress } from '../../src/lib/admin/erasure.server.ts';
import { searchSubscribers, setSuppression, subscriberPerson } from '../../src/lib/admin/subscribers.server.ts';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { erasedAddresses, loginTokens, purchases, sendRecipients, sends, sessions, subscribeRequests, subscribers } from '../../src/lib/core/db/schema.ts';
import { deliver } from '../../src/lib/newsletter/delivery/deliver.server.ts';
import { erasedAddressHash } from '../../src/lib/newsletter/erasure.server.ts';
import { importSubscribersCsv } from '../../src/lib/newsletter/import-export.server.ts';
import { FakeResend, resendHandlers } from '../mocks/fake-resend.ts';
import { useTempDatabase } from '../helpers/db.ts';

// The author's actions on one person against a real SQLite file and the real delivery code
// (only Resend's network is faked): suppression keeps every send away, erasure leaves nothing of
// the address on disk but its keyed hash, and the person's page reads their emails.

let fake = new FakeResend();
const server = setupServer(...resendHandlers({ handle: (r: Request) => fake.handle(r) } as FakeResend));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const NOW = Date.parse('2026-11-25T12:00:00Z');
const noSleep = async () => {};
const plan = { noteNumber: 205, lang: 'en', noteLang: 'en', fallback: false } as const;
let dataDir = '';

async function add(email: string, status: 'active' | 'pending' | 'unsubscribed' = 'active') {
  const [row] = await getDb().insert(subscribers).values({ email, lang: 'en', status, source: '/', consentVersion: 'v1', consentAt: NOW - 1000, confirmedAt: NOW - 900, createdAt: NOW - 1000, updatedAt: NOW - 1000 }).returning({ id: subscribers.id });
  return row!.id;
}

beforeEach(async () => {
  fake = new FakeResend();
  ({ dataDir } = await useTempDatabase({ RESEND_API_KEY: 're_test_key', EMAIL_FROM: 'Giulia <notes@example.com>' }));
  setNow(NOW);
  return () => resetClock();
});

describe('suppressing an address', () => {
  it('keeps it out of the next send and gives back its status when lifted', async () => {
    const kept = await add('kept@example.com');
    const quiet = await add('quiet@example.com');
    expect(await setSuppression(quiet, true, NOW)).toBe('suppressed');
    expect(await setSuppression(quiet, true, NOW)).toBe('already');
    await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 });
    expect(fake.recipients()).toEqual(['kept@example.com']);
    const person = await subscriberPerson(quiet);
    expect(person).toMatchObject({ status: 'suppressed', statusReason: 'suppressed by the author' });
    // The list filter finds them under their own status.
    expect((await searchSubscribers({ q: '', status: 'suppressed', lang: '', page: 1 })).rows.map((r) => r.email)).toEqual(['quiet@example.com']);
    expect(await setSuppression(quiet, false, NOW)).toBe('unsuppressed');
    expect((await subscriberPerson(quiet))!.status).toBe('active');
    expect((await subscriberPerson(kept))!.emails).toHaveLength(1);
  });

  it('takes them out of a send already frozen but not yet delivered, counts included', async () => {
    await add('a@example.com');
    const b = await add('b@example.com');
    const { ensureSend, freezeRecipients } = await import('../../src/lib/newsletter/delivery/ledger.server.ts');
    const sendId = await ensureSend(plan);
    await freezeRecipients(sendId, 'en');
    expect(await setSuppression(b, true, NOW)).toBe('suppressed');
    const result = await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 });
    expect(fake.recipients()).toEqual(['a@example.com']);
    expect(result).toMatchObject({ recipients: 1, sent: 1 });
  });

  it('refuses an address the provider already suppressed, and an import does not revive a suppressed one', async () => {
    const id = await add('b@example.com');
    await getDb().update(subscribers).set({ status: 'bounced' }).where(eq(subscribers.id, id));
    expect(await setSuppression(id, true, NOW)).toBe('provider-suppressed');
    const other = await add('c@example.com', 'unsubscribed');
    expect(await setSuppression(other, true, NOW)).toBe('suppressed');
    const report = await importSubscribersCsv('email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason\nc@example.com,active,en,2026-01-01T00:00:00Z,,,/,v1,\n', { defaultLang: 'en', languages: ['en', 'it'] });
    expect(report.skipped).toEqual([{ line: 2, email: 'c@example.com', reason: 'suppressed by the author' }]);
    expect(await setSuppression(other, false, NOW)).toBe('unsuppressed');
    expect((await subscriberPerson(other))!.status).toBe('unsubscribed');
  });
});

describe('the person page', () => {
  it('lists the emails they were sent with what the provider said, in three queries', async () => {
    const id = await add('reader@example.com');
    await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 });
    await getDb().update(sendRecipients).set({ feedback: 'bounced' }).where(eq(sendRecipients.subscriberId, id));
    // Counted at the database client: the read does not grow with the history.
    const client = getDb().$client;
    const execute = client.execute.bind(client);
    let calls = 0;
    client.execute = ((...args: Parameters<typeof execute>) => {
      calls++;
      return execute(...args);
    }) as typeof client.execute;
    const person = await subscriberPerson(id);
    client.execute = execute;
    expect(person!.emails).toEqual([expect.objectContaining({ noteNumber: 205, noteLang: 'en', state: 'bounced', at: NOW })]);
    expect(person!.emailCount).toEqual({ total: 1, bounced: 1, complained: 0 });
    expect(calls).toBe(person!.queries);
    expect(calls).toBe(3);
  });
});

describe('the person page, with a long history', () => {
  it('shows the last 50 emails, newest first, and counts them all', async () => {
    const db = getDb();
    const id = await add('long@example.com');
    const made = await db.insert(sends).values(Array.from({ length: 60 }, (_, i) => ({ noteNumber: 100 + i, lang: 'en', noteLang: 'en', state: 'done' as const, startedAt: NOW + i }))).returning({ id: sends.id });
    await db.insert(sendRecipients).values(made.map((m, i) => ({ sendId: m.id, subscriberId: id, email: 'long@example.com', batch: 0, state: 'sent' as const, sentAt: NOW + i, feedback: i % 20 === 0 ? ('complained' as const) : null })));
    const person = (await subscriberPerson(id))!;
    expect(person.emails).toHaveLength(50);
    expect(person.emails[0]).toMatchObject({ noteNumber: 159, at: NOW + 59 });
    expect(person.emailCount).toEqual({ total: 60, bounced: 0, complained: 3 });
  });
});

describe('erasing an address', () => {
  const ADDRESS = 'mara.rossi@studio.example';
  const fileBytes = (name: string) => {
    const file = path.join(dataDir, name);
    return existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
  };

  it('leaves nothing of the address in the database file or its log but the keyed hash, and keeps the purchase by its Stripe id', async () => {
    const db = getDb();
    const id = await add(ADDRESS);
    await add('other@example.com');
    await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 });
    await db.insert(subscribeRequests).values({ email: ADDRESS, lang: 'en', source: '/', consentVersion: 'v1', requestedAt: NOW });
    await db.insert(sessions).values({ idHash: 'h1', email: ADDRESS, createdAt: NOW, expiresAt: NOW + 1e9 });
    await db.insert(loginTokens).values({ tokenHash: 't1', email: ADDRESS, lang: 'en', createdAt: NOW, expiresAt: NOW + 1e6 });
    await db.insert(purchases).values({ email: ADDRESS, productId: 'okr-workshop-2027-03', lang: 'en', source: 'stripe', status: 'paid', checkoutSessionId: 'cs_test_mara', paymentIntentId: 'pi_mara', amount: 9700, currency: 'eur', purchasedAt: NOW, accessUntil: NOW + 1e9, receiptSentAt: NOW, createdAt: NOW, updatedAt: NOW });
    await db.update(sends).set({ lastError: `Resend refused ${ADDRESS}` });
    // Updates leave the old copy of a row in its page: the erasure must not leave those behind either.
    await setSuppression(id, true, NOW);
    await setSuppression(id, false, NOW);
    await db.update(purchases).set({ receiptClaimedAt: NOW });
    expect(fileBytes('drumbeat.db-wal').includes(ADDRESS) || fileBytes('drumbeat.db').includes(ADDRESS)).toBe(true);

    const report = await eraseAddress(ADDRESS.toUpperCase(), NOW);
    expect(report).toMatchObject({
      nothingFound: false,
      removed: { subscriber: true, ledgerRows: 1, pendingLedgerRows: 0, subscribeRequests: 1, sessions: 1, signInLinks: 1 },
      kept: { hash: true, purchases: [{ productId: 'okr-workshop-2027-03', source: 'stripe', stripeId: 'cs_test_mara' }] },
      diskCleared: true,
    });
    expect(await subscriberPerson(id)).toBeUndefined();
    const [bought] = await db.select().from(purchases);
    expect(bought).toMatchObject({ email: 'erased', status: 'revoked', checkoutSessionId: 'cs_test_mara', amount: 9700 });
    expect(await db.select().from(erasedAddresses)).toEqual([{ addressHash: erasedAddressHash(ADDRESS), erasedAt: NOW }]);
    // Not a byte of the address left on disk, in any spelling we store, in the file or its log.
    for (const name of ['drumbeat.db', 'drumbeat.db-wal']) {
      const bytes = fileBytes(name);
      for (const needle of [ADDRESS, 'mara.rossi', 'studio.example']) expect(bytes.includes(needle), `${name} ${needle}`).toBe(false);
    }
    expect(fileBytes('drumbeat.db').includes('other@example.com')).toBe(true);
    // The search finds them no more, whatever part of the address is asked for.
    for (const q of ['mara', 'rossi@studio', 'ma']) expect((await searchSubscribers({ q, status: '', lang: '', page: 1 })).rows).toEqual([]);
  });

  it('makes an import skip the address as erased, and lets the person subscribe again themselves', async () => {
    await add(ADDRESS);
    await eraseAddress(ADDRESS, NOW);
    const csv = `email,status,language,consent_at,confirmed_at,unsubscribed_at,source,consent_version,status_reason\n${ADDRESS},active,en,2026-01-01T00:00:00Z,,,/,v1,\nnew@example.com,active,en,2026-01-01T00:00:00Z,,,/,v1,\n`;
    const report = await importSubscribersCsv(csv, { defaultLang: 'en', languages: ['en', 'it'] });
    expect(report).toMatchObject({ imported: 1, skipped: [{ line: 2, email: ADDRESS, reason: 'erased' }] });
    const { subscribe } = await import('../../src/lib/newsletter/subscribe.server.ts');
    expect(await subscribe({ email: ADDRESS, lang: 'en', source: '/', ip: '203.0.113.9' })).toMatchObject({ ok: true });
    // A fresh request with fresh consent, confirmed by its own link like anyone's.
    expect(await getDb().select({ email: subscribeRequests.email }).from(subscribeRequests)).toEqual([{ email: ADDRESS }]);
  });

  it('takes the address out of a send that has not reached it yet', async () => {
    await add('a@example.com');
    await add(ADDRESS);
    const { ensureSend, freezeRecipients } = await import('../../src/lib/newsletter/delivery/ledger.server.ts');
    const sendId = await ensureSend(plan);
    await freezeRecipients(sendId, 'en');
    const report = await eraseAddress(ADDRESS, NOW);
    expect(report.removed).toMatchObject({ pendingLedgerRows: 1, ledgerRows: 0 });
    expect(await deliver(plan, { sleep: noSleep, requestsPerSecond: 1000 })).toMatchObject({ recipients: 1, sent: 1 });
    expect(fake.recipients()).toEqual(['a@example.com']);
  });

  it('is all or nothing: a failure at the last step leaves every row as it was', async () => {
    const db = getDb();
    const id = await add(ADDRESS);
    await db.insert(sessions).values({ idHash: 'h2', email: ADDRESS, createdAt: NOW, expiresAt: NOW + 1e9 });
    await db.insert(purchases).values({ email: ADDRESS, productId: 'okr-workshop-2027-03', lang: 'en', source: 'grant', status: 'granted', createdAt: NOW, updatedAt: NOW });
    // The hash is written last: without its table the transaction fails there.
    await db.run(sql`ALTER TABLE erased_addresses RENAME TO erased_addresses_gone`);
    await expect(eraseAddress(ADDRESS, NOW)).rejects.toThrow();
    await db.run(sql`ALTER TABLE erased_addresses_gone RENAME TO erased_addresses`);
    expect((await subscriberPerson(id))!.email).toBe(ADDRESS);
    expect(await db.select({ email: sessions.email }).from(sessions)).toEqual([{ email: ADDRESS }]);
    expect(await db.select({ email: purchases.email, status: purchases.status }).from(purchases)).toEqual([{ email: ADDRESS, status: 'granted' }]);
    expect((await searchSubscribers({ q: 'mara.rossi', status: '', lang: '', page: 1 })).rows).toHaveLength(1);
  });

  it('says so when nothing of the address was there', async () => {
    expect(await eraseAddress('nobody@example.com', NOW)).toMatchObject({ nothingFound: true, kept: { purchases: [] } });
  });
});
