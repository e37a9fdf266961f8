import { describe, expect, it } from 'vitest';
import { NoteCatalog, type NoteMeta } from './catalog.ts';

const day = 86_400_000;
const T0 = Date.parse('2026-11-23T06:00:00Z');

function note(lang: 'en' | 'it', number: number, publishAt: number, draft = false): NoteMeta {
  return {
    id: `${lang}/${number}-n`, lang, number, slug: `n${number}`, title: `T${number}${lang}`, summary: '', tags: [],
    draft, date: '', publishAt, readingSeconds: 60, file: '',
  };
}

const catalog = new NoteCatalog([
  note('en', 203, T0 - 14 * day),
  note('en', 204, T0 - 7 * day),
  note('it', 204, T0 - 7 * day),
  note('en', 205, T0),
  note('en', 206, T0 + 7 * day),
  note('it', 206, T0 + 7 * day),
  note('en', 207, T0 - day, true),
]);

describe('NoteCatalog', () => {
  it('shows published Notes newest first and hides the future and drafts', () => {
    expect(catalog.visible('en', T0).map((n) => n.number)).toEqual([205, 204, 203]);
    expect(catalog.visible('en', T0 - 1).map((n) => n.number)).toEqual([204, 203]);
    expect(catalog.find('en', 207, T0 + 100 * day)).toBeUndefined();
    expect(catalog.find('en', 206, T0)).toBeUndefined();
  });

  it('makes a scheduled Note appear at its moment, with no rebuild', () => {
    const at = T0 + 7 * day;
    expect(catalog.latest('en', at - 1)?.number).toBe(205);
    expect(catalog.latest('en', at)?.number).toBe(206);
    expect(catalog.latest('it', at)?.number).toBe(206);
  });

  it('pairs translations by number, only when both are visible', () => {
    const en204 = catalog.find('en', 204, T0)!;
    expect(catalog.translations(en204, T0).map((n) => n.lang)).toEqual(['it']);
    expect(catalog.translations(catalog.find('en', 205, T0)!, T0)).toEqual([]);
  });

  it('lists the previous Notes in the same language', () => {
    expect(catalog.previous(catalog.find('en', 205, T0)!, T0, 3).map((n) => n.number)).toEqual([204, 203]);
  });

  it('keeps cached pages only until the next Note appears', () => {
    expect(catalog.nextChangeAfter(T0)).toBe(T0 + 7 * day);
    expect(catalog.cacheSeconds(T0 + 7 * day - 90_000)).toBe(90);
    expect(catalog.cacheSeconds(T0)).toBe(3600);
    expect(catalog.cacheSeconds(T0 + 8 * day)).toBe(3600);
  });

  it('knows every number for citation checks', () => {
    expect(catalog.exists(206)).toBe(true);
    expect(catalog.exists(92)).toBe(false);
  });
});

describe('archive pages across languages', () => {
  const many = new NoteCatalog([
    ...Array.from({ length: 21 }, (_, i) => note('en', 100 + i, T0 - day)),
    ...Array.from({ length: 10 }, (_, i) => note('it', 100 + i, T0 - day)),
    note('it', 150, T0 + day),
  ]);

  it('counts pages per language, at least one', () => {
    expect(many.archivePages('en', T0)).toBe(3);
    expect(many.archivePages('it', T0)).toBe(1);
    expect(many.archivePages('it', T0 + day)).toBe(2);
    expect(many.archivePages('de', T0)).toBe(1);
  });

  it('names as alternates of page N only the languages that have a page N (reciprocal hreflang)', () => {
    expect(many.languagesWithArchivePage(['en', 'it'], 1, T0)).toEqual(['en', 'it']);
    // The Italian page 2 opens only when its eleventh Note is public.
    expect(many.languagesWithArchivePage(['en', 'it'], 2, T0)).toEqual(['en']);
    expect(many.languagesWithArchivePage(['en', 'it'], 2, T0 + day)).toEqual(['en', 'it']);
    expect(many.languagesWithArchivePage(['en', 'it'], 3, T0 + day)).toEqual(['en']);
  });
});
