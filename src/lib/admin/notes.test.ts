import { describe, expect, it } from 'vitest';
import { NoteCatalog, type NoteMeta } from '../notes/catalog.ts';
import { publishInstant } from '../notes/publish.ts';
import { notesOverview } from './notes.ts';

const TZ = 'Europe/Rome';
const site = { languages: ['en', 'it'] as ('en' | 'it')[], defaultLanguage: 'en' as const, timeZone: TZ, newsletter: { schedule: { weekday: 1, time: '07:00' }, requestsPerSecond: 2 } };
const note = (number: number, date: string, lang: 'en' | 'it' = 'en', draft = false): NoteMeta => ({
  id: `${lang}/${number}`, lang, number, slug: 's', title: `${lang} ${number}`, summary: '', tags: [], draft, date, publishAt: publishInstant(date, TZ), readingSeconds: 1, file: '',
});
const NOW = Date.parse('2026-12-02T10:00:00Z');

describe('the author’s list of Notes', () => {
  const catalog = new NoteCatalog([
    note(205, '2026-11-23'), note(205, '2026-11-23', 'it'),
    note(206, '2026-11-30'),
    note(207, '2026-12-03 18:00'), note(207, '2026-12-04', 'it'),
    note(208, '2026-12-05'), // the same slot as 207, and a higher number: it goes out instead
    note(209, '2026-12-20', 'en', true),
  ]);
  const rows = notesOverview(catalog, site, NOW, [
    { noteNumber: 205, lang: 'en', state: 'done', sent: 900, recipients: 900 },
    { noteNumber: 205, lang: 'it', state: 'done', sent: 450, recipients: 450 },
  ]);
  const row = (n: number) => rows.find((r) => r.number === n)!;

  it('lists every Note newest first, each version published, waiting or draft, and the missing translations', () => {
    expect(rows.map((r) => r.number)).toEqual([209, 208, 207, 206, 205]);
    expect(row(205).versions.map((v) => [v.lang, v.state])).toEqual([['en', 'published'], ['it', 'published']]);
    expect(row(207).versions.map((v) => [v.lang, v.state])).toEqual([['en', 'waiting'], ['it', 'waiting']]);
    expect(row(206).missing).toEqual(['it']);
    expect(row(209)).toMatchObject({ versions: [{ state: 'draft' }], missing: ['it'], newsletter: { kind: 'draft' } });
  });

  it('says which send a waiting Note goes out in, and when another Note takes its slot', () => {
    const monday = Date.parse('2026-12-07T06:00:00Z');
    expect(row(208).newsletter).toEqual({ kind: 'waiting', at: monday });
    expect(row(207).newsletter).toEqual({ kind: 'overtaken', at: monday, by: 208 });
    expect(row(205).newsletter).toMatchObject({ kind: 'sent', sends: [{ lang: 'en', sent: 900 }, { lang: 'it', sent: 450 }] });
    expect(row(206).newsletter).toEqual({ kind: 'missed', at: Date.parse('2026-11-30T06:00:00Z') });
  });

  it('shows a paused send as paused, not sent, even when another language is done; a cancelled one as cancelled', () => {
    const paused = notesOverview(catalog, site, NOW, [
      { noteNumber: 206, lang: 'en', state: 'paused', sent: 300, recipients: 900 },
      { noteNumber: 205, lang: 'en', state: 'done', sent: 900, recipients: 900 },
      { noteNumber: 205, lang: 'it', state: 'paused', sent: 0, recipients: 0 },
      { noteNumber: 208, lang: 'en', state: 'cancelled', sent: 0, recipients: 0 },
    ]);
    const kind = (n: number) => paused.find((r) => r.number === n)!.newsletter.kind;
    expect([kind(206), kind(205), kind(208)]).toEqual(['paused', 'paused', 'cancelled']);
  });
});
