import { describe, expect, it } from 'vitest';
import { noteCacheOptions } from './offers.server.ts';

// The Note page's cache lifetime with Offers of the sample products (content/products/).
const catalog = { maxAge: 3600, tags: ['notes'] };
const DEADLINE = Date.parse('2027-03-26T17:00:00Z');
const workshop = 'Words.\n\n<Offer product="okr-workshop-2027-03" />\n';

describe('noteCacheOptions', () => {
  it('keeps the catalog lifetime for a Note without an Offer', () => {
    expect(noteCacheOptions('Words <NoteRef n={194} />', catalog, DEADLINE - 10_000)).toBe(catalog);
  });

  it("is not stored when the product's next sells a cohort (the workshop → the certification)", () => {
    expect(noteCacheOptions(workshop, catalog, DEADLINE - 4_500)).toBe(false);
  });

  it('is not stored while an offered cohort sells, and cached again once none does', () => {
    expect(noteCacheOptions('<Offer product="okr-coach" variant="line" />', catalog, Date.parse('2026-12-02T10:00:00Z'))).toBe(false);
    // After the autumn cohort starts nothing sells; the next change is its access end, past an hour.
    expect(noteCacheOptions('<Offer product="okr-coach" />', catalog, Date.parse('2027-09-25T10:00:00Z'))).toEqual({ maxAge: 3600, tags: ['notes', 'offer:okr-coach'] });
    // Ten and a half seconds before the spring cohort's access ends: ten.
    expect(noteCacheOptions('<Offer product="okr-coach" />', catalog, Date.parse('2027-09-30T21:59:00Z') - 10_500)).toEqual({ maxAge: 10, tags: ['notes', 'offer:okr-coach'] });
    // In the last second before it, every request renders.
    expect(noteCacheOptions('<Offer product="okr-coach" />', catalog, Date.parse('2027-09-30T21:59:00Z') - 500)).toBe(false);
  });
});
