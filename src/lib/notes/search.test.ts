import { describe, expect, it } from 'vitest';
import type { NoteMeta } from './catalog.ts';
import { NoteSearchIndex, type SearchDoc } from './search.ts';
import { parseQuery, type QueryTerm } from './search-text.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T06:00:00Z');

function doc(number: number, lang: 'en' | 'it', title: string, body: string, extra: Partial<NoteMeta> = {}): SearchDoc {
  return {
    meta: {
      id: `${lang}/${number}-x`, lang, number, slug: 'x', title, summary: extra.summary ?? 'A summary.', tags: [], draft: false,
      date: '2026-11-01', publishAt: T0 + number * DAY, readingSeconds: 60, file: `${lang}/${number}-x.mdx`, ...extra,
    },
    body,
  };
}
const terms = (q: string): QueryTerm[] => {
  const parsed = parseQuery(q);
  if (parsed.kind !== 'terms') throw new Error(q);
  return parsed.terms;
};
const LATER = T0 + 1000 * DAY;
const numbers = (index: NoteSearchIndex, q: string, lang = 'en', at = LATER) => index.search(terms(q), lang, at).hits.map((h) => h.note.number);

describe('the search index', () => {
  it('ranks title matches above summary above body, and the recent Note first among equals', () => {
    const index = new NoteSearchIndex([
      doc(1, 'en', 'Weekly review', 'Nothing.'),
      doc(2, 'en', 'Other', 'A review, once.'),
      doc(3, 'en', 'Another', 'Nothing.', { summary: 'On the review.' }),
      doc(4, 'en', 'The review', 'Nothing.'),
      doc(5, 'en', 'Later', 'A review, once.'),
    ]);
    expect(numbers(index, 'review')).toEqual([4, 1, 3, 5, 2]);
  });

  it('prefers the exact word to a longer word it starts, and needs every word', () => {
    const index = new NoteSearchIndex([
      doc(1, 'en', 'Goal setting', 'Teams and goals.'),
      doc(2, 'en', 'Goals for teams', 'Nothing.'),
      doc(3, 'en', 'Goal', 'No one else here.'),
    ]);
    expect(numbers(index, 'goal')).toEqual([3, 1, 2]);
    // Both words in the title beat one in the title and one in the body.
    expect(numbers(index, 'goal team')).toEqual([2, 1]);
    expect(numbers(index, 'goal zebra')).toEqual([]);
  });

  it('finds Italian words without their accents and by their start', () => {
    const index = new NoteSearchIndex([
      doc(1, 'it', 'Gli obiettivi del trimestre', 'Perché l’attività conta.'),
      doc(2, 'it', 'Il lunedì', 'Perchè no?'),
    ]);
    expect(numbers(index, 'obiett', 'it')).toEqual([1]);
    expect(numbers(index, 'attivita', 'it')).toEqual([1]);
    expect(numbers(index, 'PERCHÉ', 'it')).toEqual([2, 1]);
    expect(numbers(index, 'perchè', 'it')).toEqual([2, 1]);
    expect(numbers(index, 'lunedi', 'it')).toEqual([2]);
  });

  it('finds a Note by its number, whole', () => {
    const index = new NoteSearchIndex([doc(205, 'en', 'Three steps', 'x'), doc(20, 'en', 'Twenty', 'x')]);
    expect(numbers(index, '205')).toEqual([205]);
    expect(numbers(index, '20')).toEqual([20]);
  });

  it('lists the reader’s language first, then other languages without the translations already listed', () => {
    const index = new NoteSearchIndex([
      doc(1, 'en', 'Rhythm', 'Okr.'),
      doc(1, 'it', 'Ritmo', 'Okr.'),
      doc(2, 'en', 'Only English', 'Okr.'),
      doc(3, 'it', 'Solo italiano', 'Okr.'),
    ]);
    const r = index.search(terms('okr'), 'it', LATER);
    expect(r.hits.map((h) => `${h.note.lang}${h.note.number}`)).toEqual(['it3', 'it1']);
    expect(r.others.map((h) => `${h.note.lang}${h.note.number}`)).toEqual(['en2']);
    expect([r.total, r.othersTotal]).toEqual([2, 1]);
  });

  it('marks the words in title, summary and snippet, from the text a reader reads', () => {
    const index = new NoteSearchIndex([doc(1, 'en', 'The weekly review', 'Intro. <NoteRef n={2} /> A **weekly** habit, [see](https://example.com/weekly).', { summary: 'Weekly.' })]);
    const [hit] = index.search(terms('week'), 'en', LATER).hits;
    expect(hit!.title.filter((s) => s.mark).map((s) => s.text)).toEqual(['weekly']);
    expect(hit!.summary.filter((s) => s.mark).map((s) => s.text)).toEqual(['Weekly']);
    const snippet = hit!.snippet.map((s) => s.text).join('');
    expect(snippet).toBe('Intro. … A weekly habit, see.');
    expect(hit!.snippet.filter((s) => s.mark).map((s) => s.text)).toEqual(['weekly']);
  });

  it('does not show whom a Note cites, which may be a Note not public yet', () => {
    const index = new NoteSearchIndex([doc(1, 'en', 'Citing', 'As I argued in <NoteRef n={207} />, habits stick.')]);
    const [hit] = index.search(terms('habits'), 'en', LATER).hits;
    expect(hit!.snippet.map((s) => s.text).join('')).toBe('As I argued in …, habits stick.');
    expect(index.search(terms('207'), 'en', LATER).total).toBe(0);
  });

  it('can be brought up to a moment in slices, between which other work runs', async () => {
    const index = new NoteSearchIndex(Array.from({ length: 25 }, (_, i) => doc(i + 1, 'en', `Focus ${i}`, 'x')));
    let ranBetween = false;
    setTimeout(() => (ranBetween = true), 0);
    await index.prepare(T0 + 20 * DAY, 4);
    expect([index.size, ranBetween]).toEqual([20, true]);
    expect(index.search(terms('focus'), 'en', T0 + 20 * DAY).total).toBe(20);
  });

  it('caps what it lists but counts every match', () => {
    const index = new NoteSearchIndex(Array.from({ length: 30 }, (_, i) => doc(i + 1, 'en', `Focus ${i}`, 'x')));
    const r = index.search(terms('focus'), 'en', LATER, { hits: 5 });
    expect(r.hits.map((h) => h.note.number)).toEqual([30, 29, 28, 27, 26]);
    expect(r.total).toBe(30);
    expect(index.search(terms('focus'), 'en', LATER, { offset: 25, hits: 10 }).hits.map((h) => h.note.number)).toEqual([5, 4, 3, 2, 1]);
  });
});

describe('what the index may reveal', () => {
  const secret = (extra: Partial<NoteMeta>) => doc(9, 'en', 'Secretword plans', 'The secretword body.', extra);

  it('never finds a draft, even long after its date', () => {
    const index = new NoteSearchIndex([doc(1, 'en', 'Public', 'Open words.'), secret({ draft: true, publishAt: T0 })]);
    const r = index.search(terms('secretword'), 'en', LATER);
    expect([r.total, r.othersTotal, r.hits.length, index.size]).toEqual([0, 0, 0, 1]);
  });

  it('finds a scheduled Note from its moment on, not a millisecond before, and forgets it if the clock goes back', () => {
    const moment = T0 + 50 * DAY;
    const index = new NoteSearchIndex([doc(1, 'en', 'Public', 'Plans.'), secret({ publishAt: moment })]);
    const count = (at: number) => index.search(terms('secretword'), 'en', at).total + index.search(terms('secretword'), 'it', at).othersTotal;
    expect(count(moment - 1)).toBe(0);
    expect(index.search(terms('plans'), 'en', moment - 1).hits.map((h) => h.note.number)).toEqual([1]);
    expect(index.size).toBe(1);
    expect(count(moment)).toBe(2);
    expect(index.search(terms('plans'), 'en', moment).hits.map((h) => h.note.number)).toEqual([9, 1]);
    expect(count(moment - 1)).toBe(0);
    expect(index.size).toBe(1);
  });

  it('finds words that a scheduled Note brought into the index only once it is public', () => {
    // A prefix look-up uses the sorted word list, which must be rebuilt when a Note adds words.
    const moment = T0 + 50 * DAY;
    const index = new NoteSearchIndex([doc(1, 'en', 'Alpha', 'x'), doc(9, 'en', 'Alphabet soup', 'x', { publishAt: moment })]);
    expect(numbers(index, 'alph', 'en', moment - 1)).toEqual([1]);
    expect(numbers(index, 'alph', 'en', moment)).toEqual([9, 1]);
    expect(numbers(index, 'soup', 'en', moment)).toEqual([9]);
  });
});
