import { beforeAll, describe, expect, it } from 'vitest';
import { adminDashboard } from '../../src/lib/admin/dashboard.server.ts';
import { WEEK_MS } from '../../src/lib/admin/growth.ts';
import { resetProductCache } from '../../src/lib/catalog/products.server.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { purchases, sends, subscribers } from '../../src/lib/core/db/schema.ts';
import { NoteCatalog, type NoteMeta } from '../../src/lib/notes/catalog.ts';
import { publishInstant } from '../../src/lib/notes/publish.ts';
import { useTempDatabase } from '../helpers/db.ts';

// The dashboard's read model against a real SQLite file, seeded with drizzle: every figure the
// page shows, and a number of queries that stays the same when the data grows.

const NOW = Date.parse('2026-12-02T10:00:00Z');
const DAY = 86_400_000;
const TZ = 'Europe/Rome';
const note = (number: number, date: string, lang: 'en' | 'it' = 'en'): NoteMeta => ({
  id: `${lang}/${number}-n`, lang, number, slug: 'n', title: `Note ${number} (${lang})`, summary: '', tags: [], draft: false, date, publishAt: publishInstant(date, TZ), readingSeconds: 60, file: '',
});
const catalog = new NoteCatalog([note(205, '2026-11-23'), note(205, '2026-11-23', 'it'), note(206, '2026-11-30'), note(207, '2026-12-04 18:00')]);

let nextId = 1;
type SubscriberSeed = Partial<typeof subscribers.$inferInsert> & { status: (typeof subscribers.$inferInsert)['status'] };
function subscriber(s: SubscriberSeed): typeof subscribers.$inferInsert {
  const createdAt = s.createdAt ?? NOW - 100 * DAY;
  return {
    email: `reader${nextId++}@example.com`, lang: 'en', source: '/', consentVersion: 'v1', consentAt: createdAt,
    confirmedAt: s.status === 'pending' ? null : createdAt + 60_000, createdAt, updatedAt: s.updatedAt ?? createdAt + 60_000, ...s,
  };
}
type PurchaseSeed = Partial<typeof purchases.$inferInsert> & Pick<typeof purchases.$inferInsert, 'productId' | 'status'>;
const purchase = (p: PurchaseSeed): typeof purchases.$inferInsert => ({
  email: `buyer${nextId++}@example.com`, lang: 'en', source: 'stripe', amount: 9700, currency: 'eur', createdAt: NOW - 40 * DAY, updatedAt: NOW - 40 * DAY, ...p,
});

beforeAll(async () => {
  await useTempDatabase();
  resetProductCache();
  const db = getDb();
  await db.insert(subscribers).values([
    subscriber({ status: 'active' }),
    subscriber({ status: 'active' }),
    subscriber({ status: 'active', createdAt: NOW - 2 * DAY }), // new this week
    subscriber({ status: 'active', lang: 'it' }),
    subscriber({ status: 'active', lang: 'it', createdAt: NOW - 10 * DAY }), // new the week before
    subscriber({ status: 'active', lang: 'de' }), // a language the site no longer offers: counted as English
    subscriber({ status: 'pending', createdAt: NOW - DAY }),
    subscriber({ status: 'unsubscribed', createdAt: NOW - 60 * DAY, unsubscribedAt: NOW - DAY, updatedAt: NOW - DAY }), // lost this week, after send 1
    subscriber({ status: 'complained', createdAt: NOW - 60 * DAY, updatedAt: NOW - 3 * DAY }), // lost this week
    subscriber({ status: 'unsubscribed', lang: 'it', createdAt: NOW - 60 * DAY, unsubscribedAt: NOW - 8 * DAY, updatedAt: NOW - 8 * DAY }), // after send 2, the week before
    // Imported as already cleaned on another platform: never a subscriber here, never lost here.
    subscriber({ status: 'bounced', source: 'import:mailchimp', confirmedAt: null, createdAt: NOW - 2 * DAY, updatedAt: NOW - 2 * DAY }),
  ]);
  await db.insert(sends).values([
    { noteNumber: 205, lang: 'en', noteLang: 'en', state: 'done', startedAt: NOW - 9 * DAY, finishedAt: NOW - 9 * DAY + 60_000, recipients: 1000, sent: 1000, bounced: 5, complained: 4 },
    { noteNumber: 205, lang: 'it', noteLang: 'it', state: 'done', startedAt: NOW - 9 * DAY, finishedAt: NOW - 9 * DAY + 60_000, recipients: 400, sent: 400 },
  ]);
  const thisMonth = Date.parse('2026-12-01T09:00:00Z');
  const lastMonth = Date.parse('2026-11-20T09:00:00Z');
  await db.insert(purchases).values([
    purchase({ productId: 'okr-workshop-2027-03', status: 'paid', purchasedAt: thisMonth, accessUntil: Date.parse('2027-03-26T17:00:00Z') }),
    purchase({ productId: 'okr-workshop-2027-03', status: 'paid', purchasedAt: lastMonth, accessUntil: Date.parse('2027-03-26T17:00:00Z') }),
    purchase({ productId: 'okr-workshop-2027-03', status: 'refunded', purchasedAt: lastMonth }),
    purchase({ productId: 'okr-coach', cohortId: 'spring-2027', status: 'paid', amount: 120000, currency: 'EUR', purchasedAt: thisMonth, accessUntil: Date.parse('2027-09-30T21:59:00Z') }),
    purchase({ productId: 'okr-coach', cohortId: 'spring-2027', status: 'reserved', email: '', amount: null, reservedUntil: NOW + 3_600_000 }),
    purchase({ productId: 'okr-coach', cohortId: 'spring-2027', status: 'reserved', email: '', amount: null, reservedUntil: NOW - 3_600_000 }),
    purchase({ productId: 'okr-workshop-2027-03', status: 'paid', amount: 5000, currency: 'usd', purchasedAt: lastMonth, accessUntil: NOW + 10 * DAY }),
    purchase({ productId: 'okr-workshop-2027-03', source: 'grant', status: 'granted', email: 'guest@example.com', amount: null, currency: null, purchasedAt: lastMonth, accessUntil: NOW + 3 * DAY }),
  ]);
});

describe('the dashboard read model', () => {
  it('counts active subscribers per language, and who joined and left in the last seven days', async () => {
    const d = await adminDashboard({ catalog, lang: 'en', now: NOW });
    expect(d.subscribers.byLanguage).toEqual([
      { lang: 'en', active: 4, pending: 1 },
      { lang: 'it', active: 2, pending: 0 },
    ]);
    expect(d.subscribers).toMatchObject({ active: 6, newThisWeek: 1, lostThisWeek: 2 });
  });

  it('draws 26 weeks of growth that end at today’s count', async () => {
    const { growth } = (await adminDashboard({ catalog, lang: 'en', now: NOW })).subscribers;
    expect(growth.active).toHaveLength(26);
    expect(growth.active.at(-1)).toBe(6);
    // A week earlier: the two this week's losses were still there, this week's join was not; the
    // Italian who left eight days ago was gone already.
    expect(growth.active.at(-2)).toBe(7);
    expect(growth.joined.slice(-2)).toEqual([1, 1]);
    expect(growth.lost.slice(-2)).toEqual([1, 2]);
    // 100 days ago the first readers were not confirmed yet (they confirmed a minute after).
    expect(growth.active[0]).toBe(0);
    expect(growth.ends.at(-1)).toBe(NOW);
    expect(growth.ends[0]).toBe(NOW - 25 * WEEK_MS);
  });

  it('names the next scheduled send, its moment and its recipients per language', async () => {
    const d = await adminDashboard({ catalog, lang: 'en', now: NOW });
    expect(d.next).toMatchObject({ noteNumber: 207, state: 'scheduled', at: Date.parse('2026-12-07T06:00:00Z') });
    expect(d.next!.plans.map((p) => [p.lang, p.noteLang, p.fallback])).toEqual([['en', 'en', false], ['it', 'en', true]]);
    expect(d.next!.recipients).toEqual({ en: { active: 4 }, it: { active: 2 } });
  });

  it('shows the due send with its progress while it runs', async () => {
    const monday = Date.parse('2026-11-30T06:30:00Z');
    await getDb().insert(sends).values({ noteNumber: 206, lang: 'en', noteLang: 'en', state: 'sending', startedAt: monday, frozenAt: monday, recipients: 4, sent: 2 });
    try {
      const d = await adminDashboard({ catalog, lang: 'en', now: monday + 60_000 });
      expect(d.next).toMatchObject({ noteNumber: 206, state: 'due' });
      expect(d.next!.recipients.en).toEqual({ active: 4, sent: 2, frozen: 4, done: false });
      expect(d.next!.recipients.it).toEqual({ active: 2 });
    } finally {
      await getDb().$client.execute('DELETE FROM sends WHERE note_number = 206');
    }
  });

  it('lists the last sends with their rates, and flags one above the complaint limit', async () => {
    const d = await adminDashboard({ catalog, lang: 'en', now: NOW });
    const [it2, en1] = [d.sends.find((s) => s.lang === 'it')!, d.sends.find((s) => s.lang === 'en')!];
    expect(en1).toMatchObject({ noteNumber: 205, recipients: 1000, sent: 1000, bounced: 5, complained: 4, unsubscribed: 1, level: 'bad' });
    expect(en1.rates.find((r) => r.name === 'complained')).toMatchObject({ rate: 0.004, level: 'bad' });
    expect(it2).toMatchObject({ unsubscribed: 1, level: 'ok' });
  });

  it('adds up sales per product and currency, this month and in total, refunds beside them', async () => {
    const d = await adminDashboard({ catalog, lang: 'it', now: NOW });
    expect(d.sales).toEqual([
      { productId: 'okr-coach', title: 'Certificazione OKR Coach', currency: 'EUR', month: { purchases: 1, revenue: 120000 }, total: { purchases: 1, revenue: 120000 }, refunded: 0, disputed: 0 },
      expect.objectContaining({ productId: 'okr-workshop-2027-03', currency: 'EUR', month: { purchases: 1, revenue: 9700 }, total: { purchases: 2, revenue: 19400 }, refunded: 1 }),
      expect.objectContaining({ productId: 'okr-workshop-2027-03', currency: 'USD', month: { purchases: 0, revenue: 0 }, total: { purchases: 1, revenue: 5000 } }),
    ]);
    expect(d.revenue).toEqual([{ currency: 'EUR', month: 129700, total: 139400 }, { currency: 'USD', month: 0, total: 5000 }]);
  });

  it('counts seats per cohort (live reservations hold one) and the access that ends within a week', async () => {
    const d = await adminDashboard({ catalog, lang: 'en', now: NOW });
    expect(d.seats.map((s) => [s.cohortId, s.taken, s.left])).toEqual([['spring-2027', 2, 10], ['autumn-2027', 0, 12]]);
    expect(d.ending).toEqual({ rows: [{ email: 'guest@example.com', productId: 'okr-workshop-2027-03', product: expect.any(String), status: 'granted', accessUntil: NOW + 3 * DAY }], more: false });
  });

  it('asks the database the same few questions however much data there is', async () => {
    const before = (await adminDashboard({ catalog, lang: 'en', now: NOW })).queries;
    expect(before).toBeLessThanOrEqual(9);
    const db = getDb();
    await db.insert(subscribers).values(Array.from({ length: 500 }, (_, i) => subscriber({ status: i % 5 === 0 ? 'unsubscribed' : 'active', lang: i % 2 ? 'it' : 'en', createdAt: NOW - (i % 180) * DAY, unsubscribedAt: i % 5 === 0 ? NOW - (i % 30) * DAY : null })));
    await db.insert(sends).values(Array.from({ length: 20 }, (_, i) => ({ noteNumber: 100 + i, lang: 'en', noteLang: 'en', state: 'done' as const, startedAt: NOW - (30 + i) * DAY, recipients: 10, sent: 10 })));
    await db.insert(purchases).values(Array.from({ length: 200 }, () => purchase({ productId: 'okr-workshop-2027-03', status: 'paid', purchasedAt: NOW - 5 * DAY })));
    const after = await adminDashboard({ catalog, lang: 'en', now: NOW });
    expect(after.queries).toBe(before);
    expect(after.subscribers.growth.active.at(-1)).toBe(after.subscribers.active);
  });
});
