import { describe, expect, it } from 'vitest';
import { NoteCatalog, type NoteMeta } from '../notes/catalog.ts';
import { publishInstant } from '../notes/publish.ts';
import { dueNote, plansForNote, previewPlansForNote, SEND_GRACE_MS } from './plan.ts';

const TZ = 'Europe/Rome';
const monday7 = { weekday: 1, time: '07:00' };
const note = (number: number, date: string, lang: 'en' | 'it' = 'en', draft = false): NoteMeta => ({
  id: `${lang}/${number}`, lang, number, slug: 's', title: 't', summary: '', tags: [], draft, date, publishAt: publishInstant(date, TZ), readingSeconds: 1, file: '',
});

describe('what the schedule says is due', () => {
  // The Mondays after the last Sundays of March and October: 07:00 Rome is 05:00 and 06:00 UTC.
  it.each([
    ['2027-03-29', '2027-03-29T05:00:00Z'],
    ['2026-10-26', '2026-10-26T06:00:00Z'],
    ['2026-11-30 07:00', '2026-11-30T06:00:00Z'],
  ])('a Note dated %s goes out at %s, not a minute before', (date, slotIso) => {
    const catalog = new NoteCatalog([note(10, date)]);
    const slot = Date.parse(slotIso);
    expect(dueNote(catalog, 'en', monday7, TZ, slot - 60_000)).toBeUndefined();
    expect(dueNote(catalog, 'en', monday7, TZ, slot)?.number).toBe(10);
    expect(dueNote(catalog, 'en', monday7, TZ, slot + SEND_GRACE_MS - 1)?.number).toBe(10);
    expect(dueNote(catalog, 'en', monday7, TZ, slot + SEND_GRACE_MS)).toBeUndefined();
  });

  it('waits for the next slot when a Note appears mid-week, and skips drafts', () => {
    const catalog = new NoteCatalog([note(11, '2026-11-25 15:00'), note(12, '2026-11-30', 'en', true)]);
    expect(dueNote(catalog, 'en', monday7, TZ, Date.parse('2026-11-26T12:00:00Z'))).toBeUndefined();
    expect(dueNote(catalog, 'en', monday7, TZ, Date.parse('2026-11-30T06:00:00Z'))?.number).toBe(11);
  });

  it('plans one send per subscriber language, falling back to the original', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    const catalog = new NoteCatalog([note(5, '2026-11-30'), note(6, '2026-11-30'), note(6, '2026-11-30', 'it')]);
    expect(plansForNote(catalog, 5, ['en', 'it'], 'en', now)).toEqual([
      { noteNumber: 5, lang: 'en', noteLang: 'en', fallback: false },
      { noteNumber: 5, lang: 'it', noteLang: 'en', fallback: true },
    ]);
    expect(plansForNote(catalog, 6, ['en', 'it'], 'en', now).map((p) => p.fallback)).toEqual([false, false]);
    expect(plansForNote(catalog, 7, ['en', 'it'], 'en', now)).toEqual([]);
  });
});

describe('the plans of a preview or test copy', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  const catalog = new NoteCatalog([note(207, '2026-12-07 07:00'), note(207, '2026-12-07 07:00', 'it'), note(208, '2026-11-30', 'en', true), note(206, '2026-11-30')]);

  it('take scheduled and draft versions, which a real send refuses, and say which they are', () => {
    expect(plansForNote(catalog, 207, ['en', 'it'], 'en', now)).toEqual([]);
    expect(previewPlansForNote(catalog, 207, ['en', 'it'], 'en', now)).toEqual([
      { noteNumber: 207, lang: 'en', noteLang: 'en', fallback: false, visibility: 'scheduled', publishAt: publishInstant('2026-12-07 07:00', TZ) },
      { noteNumber: 207, lang: 'it', noteLang: 'it', fallback: false, visibility: 'scheduled', publishAt: publishInstant('2026-12-07 07:00', TZ) },
    ]);
    expect(previewPlansForNote(catalog, 208, ['en', 'it'], 'en', now).map((p) => [p.lang, p.noteLang, p.fallback, p.visibility])).toEqual([['en', 'en', false, 'draft'], ['it', 'en', true, 'draft']]);
    expect(previewPlansForNote(catalog, 206, ['en'], 'en', now)[0]?.visibility).toBe('public');
    expect(previewPlansForNote(catalog, 999, ['en', 'it'], 'en', now)).toEqual([]);
  });
});
