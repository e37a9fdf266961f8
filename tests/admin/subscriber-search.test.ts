import { beforeAll, describe, expect, it } from 'vitest';
import { COUNT_CAP, searchSubscribers, subscribersCsv, type SubscriberFilter } from '../../src/lib/admin/subscribers.server.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { subscribers } from '../../src/lib/core/db/schema.ts';
import { useTempDatabase } from '../helpers/db.ts';

// The search's plans against a real SQLite file with the trigram index: every shape gives the
// same people a plain scan would, exact counts up to the cap, then "more than", in one query.

const N = 1_500;
const rows = Array.from({ length: N }, (_, i) => ({
  email: i === 7 ? 'a_b@example.com' : i === 8 ? 'axb@example.com' : i === 9 ? 'zed.reader@example.org' : i === N - 1 ? 'x.reader149@example.net' : `reader${i}@example.com`,
  lang: i % 3 === 0 ? 'it' : 'en', status: i % 10 === 0 ? ('unsubscribed' as const) : ('active' as const),
  source: '/', consentVersion: 'v1', consentAt: i, createdAt: i, updatedAt: i, name: i === 9 ? 'Zed Reader' : null,
}));
const search = (f: Partial<SubscriberFilter>) => searchSubscribers({ q: '', status: '', lang: '', page: 1, ...f });
/** What a plain scan finds, in the page's order: newest (highest id) first, prefix matches before the rest when all are counted. */
function expected(f: Partial<SubscriberFilter>) {
  const found = rows.map((r, i) => ({ ...r, id: i + 1 })).filter((r) => (!f.q || (f.q.length >= 3 ? r.email.includes(f.q) : r.email.startsWith(f.q))) && (!f.status || r.status === f.status) && (!f.lang || r.lang === f.lang));
  const rank = (r: { email: string }) => (f.q && found.length <= COUNT_CAP && r.email.startsWith(f.q) ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b) || b.id - a.id);
}

beforeAll(async () => {
  await useTempDatabase();
  for (let i = 0; i < N; i += 500) await getDb().insert(subscribers).values(rows.slice(i, i + 500));
});

describe('the subscriber search', () => {
  it('counts exactly below the cap and puts addresses starting with the query first', async () => {
    const found = await search({ q: 'reader1' });
    const all = expected({ q: 'reader1' });
    expect(found).toMatchObject({ total: all.length, exact: true, queries: 1 });
    expect(found.rows.map((r) => r.email)).toEqual(all.slice(0, 50).map((r) => r.email));
    const inside = await search({ q: 'reader@' });
    expect(inside.rows.map((r) => r.email)).toEqual(['zed.reader@example.org']);
    // An imported name shows beside the address.
    expect(inside.rows[0]!.name).toBe('Zed Reader');
    // The newest match only contains the query: it comes after every address starting with it.
    const prefixed = await search({ q: 'reader149' });
    expect(prefixed.rows.map((r) => r.email)).toEqual([...Array.from({ length: 9 }, (_, k) => `reader${1498 - k}@example.com`), 'reader149@example.com', 'x.reader149@example.net']);
    expect(prefixed).toMatchObject({ total: 11, exact: true });
  });

  it('says "more than" past the cap and still lists the newest matches, page by page', async () => {
    const found = await search({ q: 'example' });
    expect(found).toMatchObject({ total: COUNT_CAP, exact: false });
    expect(found.rows.map((r) => r.email)).toEqual(expected({ q: 'example' }).slice(0, 50).map((r) => r.email));
    const page3 = await search({ q: 'example', page: 3 });
    expect(page3.rows[0]!.email).toBe(expected({ q: 'example' })[100]!.email);
  });

  it('filters a common text by status and language the same way a scan would (the walk past the cap)', async () => {
    for (const f of [{ q: 'example', status: 'unsubscribed' as const, lang: 'it' }, { q: 'reader1', status: 'active' as const }, { q: 'reader', lang: 'it' }, { q: 're', status: 'unsubscribed' as const }]) {
      const all = expected(f);
      const found = await search(f);
      expect(found.total, JSON.stringify(f)).toBe(Math.min(all.length, COUNT_CAP));
      expect(found.rows.map((r) => r.email), JSON.stringify(f)).toEqual(all.slice(0, 50).map((r) => r.email));
    }
  });

  it('reads _ and % as characters, and one or two characters as the start of the address', async () => {
    expect((await search({ q: 'a_b' })).rows.map((r) => r.email)).toEqual(['a_b@example.com']);
    expect((await search({ q: '%' })).rows).toEqual([]);
    expect((await search({ q: 'ze' })).rows.map((r) => r.email)).toEqual(['zed.reader@example.org']);
    expect((await search({ q: 'ed' })).rows).toEqual([]);
  });

  it('exports the same people the list shows, for both lengths of query', async () => {
    for (const f of [{ q: 'ze' }, { q: 'reader149' }, { q: 'a_b' }]) {
      const csv = await subscribersCsv({ status: '', lang: '', page: 1, ...f });
      const emails = csv.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
      expect(new Set(emails), f.q).toEqual(new Set(expected(f).map((r) => r.email)));
    }
  });
});
