import { eq } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { sendRecipients, sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { adminSends, sendAction } from '../../src/lib/admin/sends.server.ts';
import { loadNotesFromDisk } from '../../src/lib/notes/disk.server.ts';
import { duePlans, resumeSend, runDueSends } from '../../src/lib/newsletter/sends.server.ts';
import { FakeResend, resendHandlers } from '../mocks/fake-resend.ts';
import { useTempDatabase } from '../helpers/db.ts';

// A send whose slot has come but which has not started yet can be paused (or cancelled) from the
// Sends page: the scheduler leaves it alone until it is resumed, and then the ledger, frozen only
// when it really starts, has everyone active at that moment, each once.

let fake = new FakeResend();
const server = setupServer(...resendHandlers({ handle: (r: Request) => fake.handle(r) } as FakeResend));
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

const noSleep = async () => {};
const fast = { sleep: noSleep, requestsPerSecond: 1000 };
// content/: Note 206 is dated "2026-11-30 07:00" (Rome), so its slot is that Monday, 06:00 UTC.
const SLOT = Date.parse('2026-11-30T06:00:00Z');
const EN = 250;
const IT = 40;
const person = (email: string, lang: string) => ({ email, lang, status: 'active' as const, source: 't', consentVersion: 'v', consentAt: 1, createdAt: 1, updatedAt: 1 });
const catalog = () => loadNotesFromDisk().catalog;
const eqLang = (lang: string) => eq(sends.lang, lang);

beforeEach(async () => {
  fake = new FakeResend();
  await useTempDatabase({ RESEND_API_KEY: 're_test_key', EMAIL_FROM: 'Giulia <notes@example.com>' });
  setNow(SLOT + 60_000);
  await getDb().insert(subscribers).values([...Array.from({ length: EN }, (_, i) => person(`en${i}@example.com`, 'en')), ...Array.from({ length: IT }, (_, i) => person(`it${i}@example.com`, 'it'))]);
  return () => resetClock();
});

describe('pausing a due send before it starts', () => {
  it('keeps the scheduler from starting it until resumed; then everyone active is mailed once', async () => {
    const page = await adminSends({ catalog: catalog(), lang: 'en' });
    expect(page.coming.map((c) => [c.noteNumber, c.lang, c.due, c.active])).toEqual([[206, 'en', true, EN], [206, 'it', true, IT]]);

    const held = await sendAction({ action: 'pause', note: '206', lang: 'en' }, catalog());
    expect(held).toMatchObject({ ok: true, change: { from: 'scheduled', to: 'paused', noteNumber: 206, lang: 'en' } });
    // The Italian group goes out; the English one does not, tick after tick.
    expect(await runDueSends(fast)).toMatchObject([{ state: 'done', sent: IT }]);
    expect(await runDueSends(fast)).toEqual([]);
    expect((await duePlans()).map((p) => p.lang)).toEqual([]);
    expect(fake.recipients().filter((r) => r.startsWith('en'))).toEqual([]);
    const [row] = await getDb().select().from(sends).where(eqLang('en'));
    expect(row).toMatchObject({ state: 'paused', frozenAt: null, recipients: 0 });
    expect(await getDb().$count(sendRecipients)).toBe(IT);
    const listed = await adminSends({ catalog: catalog(), lang: 'en' });
    expect(listed.coming).toEqual([]);
    expect(listed.sends.find((s) => s.lang === 'en')).toMatchObject({ state: 'paused', started: false, startedAt: null });

    // Whoever confirms while it is held is in it: the ledger is frozen when it starts.
    await getDb().insert(subscribers).values(person('late@example.com', 'en'));
    setNow(SLOT + 3 * 3_600_000);
    expect(await resumeSend(row!.id)).toMatchObject({ ok: true, from: 'paused', to: 'sending' });
    expect(await runDueSends(fast)).toMatchObject([{ state: 'done', sent: EN + 1, failed: 0 }]);
    const en = fake.recipients().filter((r) => !r.startsWith('it'));
    expect(en).toHaveLength(EN + 1);
    expect(new Set(en).size).toBe(EN + 1);
    const [done] = await getDb().select().from(sends).where(eqLang('en'));
    // It started when it was resumed, not when it was held.
    expect(done).toMatchObject({ state: 'done', startedAt: SLOT + 3 * 3_600_000, recipients: EN + 1 });
  });

  it('pauses a running send the usual way, cancels a due one for good, and holds only the due or next Note', async () => {
    expect(await sendAction({ action: 'cancel', note: '206', lang: 'it' }, catalog())).toMatchObject({ ok: true, change: { to: 'cancelled' } });
    expect(await sendAction({ action: 'pause', note: '205', lang: 'en' }, catalog())).toEqual({ ok: false, reason: 'Note 205 is neither due nor the next scheduled send in en' });
    expect(await sendAction({ action: 'pause', note: '206', lang: 'fr' }, catalog())).toMatchObject({ ok: false });
    expect(await sendAction({ action: 'resume', note: '206', lang: 'en' }, catalog())).toMatchObject({ ok: false });
    expect(await sendAction({ action: 'explode', send: '1' }, catalog())).toEqual({ ok: false, reason: 'unknown action' });
    expect(await runDueSends(fast)).toMatchObject([{ state: 'done', sent: EN }]);
    expect(fake.recipients().filter((r) => r.startsWith('it'))).toEqual([]);
    // A send already done cannot be held again: nothing is sent twice.
    expect(await sendAction({ action: 'pause', note: '206', lang: 'en' }, catalog())).toMatchObject({ ok: false, reason: expect.stringContaining('is done') });
    expect(await runDueSends(fast)).toEqual([]);
    expect(fake.recipients()).toHaveLength(EN);
  });
});
