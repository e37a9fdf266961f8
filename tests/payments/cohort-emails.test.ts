import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendDueReminders } from '../../src/lib/access/reminders.server.ts';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases } from '../../src/lib/core/db/schema.ts';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';
import { useTempDatabase } from '../helpers/db.ts';

// A cohort purchase's reminder says which cohort it is for (the receipt is checked end to end in
// tests/e2e/purchase.test.ts).

const ACCESS_UNTIL = Date.parse('2027-09-30T21:59:00Z');

beforeEach(async () => {
  await useTempDatabase();
  const at = Date.parse('2027-02-01T10:00:00Z');
  await getDb().insert(purchases).values([
    { email: 'ada@example.com', productId: 'okr-coach', cohortId: 'spring-2027', lang: 'en', source: 'grant', status: 'granted', purchasedAt: at, accessUntil: ACCESS_UNTIL, createdAt: at, updatedAt: at },
    { email: 'bice@example.com', productId: 'okr-coach', cohortId: 'spring-2027', lang: 'it', source: 'grant', status: 'granted', purchasedAt: at, accessUntil: ACCESS_UNTIL, createdAt: at, updatedAt: at },
  ]);
});
afterEach(() => resetClock());

describe('reminders of a cohort purchase', () => {
  it('name the cohort and its start, in the buyer’s language', async () => {
    setNow(ACCESS_UNTIL - 6 * 86_400_000);
    expect(await sendDueReminders()).toEqual({ sent: 2, failed: 0 });
    const text = (to: string) => readOutbox().find((m) => m.to === to)!.text;
    expect(text('ada@example.com')).toContain('Spring 2027 cohort, starting at 9 a.m. on Monday, March 1 (Italy Time)');
    expect(text('bice@example.com')).toContain('Gruppo primavera 2027, inizio: lunedì 1 marzo alle 09:00 (ora dell’Europa centrale)');
  });
});
