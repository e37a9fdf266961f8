import { describe, expect, it } from 'vitest';
import { NoteCatalog, type NoteMeta } from '../notes/catalog.ts';
import { publishInstant } from '../notes/publish.ts';
import { newsletterSchedule } from './schedule.ts';

const TZ = 'Europe/Rome';
const site = { languages: ['en', 'it'] as const, defaultLanguage: 'en' as const, timeZone: TZ, newsletter: { schedule: { weekday: 1, time: '07:00' }, requestsPerSecond: 2 } };
const note = (number: number, date: string, lang: 'en' | 'it' = 'en', draft = false): NoteMeta => ({
  id: `${lang}/${number}`, lang, number, slug: 's', title: `${lang} ${number}`, summary: '', tags: [], draft, date, publishAt: publishInstant(date, TZ), readingSeconds: 1, file: '',
});

describe('the next scheduled send', () => {
  const catalog = new NoteCatalog([
    note(206, '2026-11-30'),
    note(206, '2026-11-30', 'it'),
    note(207, '2026-12-04 18:00'),
    note(208, '2026-12-12', 'en', true),
  ]);

  it('is the Note waiting for the next Monday 07:00, with the languages it will go out in', () => {
    const s = newsletterSchedule(catalog, { ...site, languages: [...site.languages] }, Date.parse('2026-12-02T10:00:00Z'));
    expect(s.due).toBeUndefined();
    expect(s.upcoming).toMatchObject({ noteNumber: 207, at: Date.parse('2026-12-07T06:00:00Z') });
    // No Italian version yet: Italian subscribers get the English one, with a notice.
    expect(s.upcoming!.plans).toEqual([
      { noteNumber: 207, lang: 'en', noteLang: 'en', fallback: false },
      { noteNumber: 207, lang: 'it', noteLang: 'en', fallback: true },
    ]);
    expect(Object.keys(s.upcoming!.versions)).toEqual(['en']);
    expect(s.nextSlot).toBe(Date.parse('2026-12-07T06:00:00Z'));
  });

  it('shows the send that is due now beside the next one; drafts wait for nobody', () => {
    const s = newsletterSchedule(catalog, { ...site, languages: [...site.languages] }, Date.parse('2026-11-30T06:30:00Z'));
    expect(s.due).toMatchObject({ noteNumber: 206, at: Date.parse('2026-11-30T06:00:00Z') });
    expect(s.due!.plans.map((p) => p.fallback)).toEqual([false, false]);
    expect(s.upcoming?.noteNumber).toBe(207);
    const later = newsletterSchedule(catalog, { ...site, languages: [...site.languages] }, Date.parse('2026-12-08T00:00:00Z'));
    expect(later.upcoming).toBeUndefined();
    expect(later.nextSlot).toBe(Date.parse('2026-12-14T06:00:00Z'));
  });
});
