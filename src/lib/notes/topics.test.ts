import { describe, expect, it } from 'vitest';
import { NoteCatalog, type NoteMeta } from './catalog.ts';
import { continueReading, noteTopics, topicCounterparts, topicSlug, topicsOf } from './topics.ts';

const day = 86_400_000;
const T0 = Date.parse('2026-11-23T06:00:00Z');

function note(number: number, opts: { tags?: string[]; cites?: number[]; at?: number; draft?: boolean } = {}): NoteMeta {
  return {
    id: `en/${number}-n`, lang: 'en', number, slug: `n${number}`, title: `T${number}`, summary: '', tags: opts.tags ?? [],
    cites: opts.cites ?? [], draft: opts.draft ?? false, date: '', publishAt: opts.at ?? T0 - (300 - number) * day, readingSeconds: 60, file: '',
  };
}

const nums = (notes: NoteMeta[]) => notes.map((n) => n.number);

describe('topicSlug', () => {
  it('makes one URL-safe slug per spelling, accents and case aside', () => {
    expect(topicSlug('Goal setting')).toBe('goal-setting');
    expect(topicSlug('  OKRs ')).toBe('okrs');
    expect(topicSlug('Perché')).toBe('perche');
    expect(topicSlug('città & ritmo')).toBe('citta-ritmo');
    expect(topicSlug('!!!')).toBeUndefined();
  });
});

describe('topicsOf / noteTopics', () => {
  it('groups Notes by slug, keeps their order, and sorts topics by size then name', () => {
    const notes = [note(3, { tags: ['Focus', 'goals'] }), note(2, { tags: ['goals'] }), note(1, { tags: ['focus', 'Focus'] })];
    const topics = topicsOf(notes, 'en');
    expect(topics.map((t) => [t.slug, t.name, nums(t.notes)])).toEqual([
      ['focus', 'Focus', [3, 1]],
      ['goals', 'goals', [3, 2]],
    ]);
    expect(noteTopics(notes[2]!)).toEqual([{ slug: 'focus', name: 'focus' }]);
  });

  it('knows only what the catalog shows: a scheduled or draft Note makes no topic', () => {
    const catalog = new NoteCatalog([note(1, { tags: ['goals'] }), note(2, { tags: ['later'], at: T0 + day }), note(3, { tags: ['secret'], draft: true })]);
    expect(topicsOf(catalog.visible('en', T0), 'en').map((t) => t.slug)).toEqual(['goals']);
    expect(topicsOf(catalog.visible('en', T0 + day), 'en').map((t) => t.slug)).toEqual(['goals', 'later']);
  });
});

describe('continueReading', () => {
  const self = note(200, { tags: ['goals', 'rhythm'], cites: [150] });
  const candidates = [
    note(210), // newest, nothing in common
    note(205, { tags: ['rhythm'] }), // one shared topic
    note(204, { tags: ['goals', 'rhythm'] }), // two shared topics
    note(190, { cites: [200] }), // cites this Note
    note(150), // cited by this Note
    note(120, { tags: ['goals'] }),
    self,
  ];

  it('puts NoteRef links first (either way), then shared topics, then the newest; never the Note itself', () => {
    expect(nums(continueReading(self, candidates, 10))).toEqual([190, 150, 204, 205, 120, 210]);
    expect(nums(continueReading(self, candidates, 3))).toEqual([190, 150, 204]);
  });

  it('falls back to the newest Notes when nothing is related', () => {
    const lone = note(300, { tags: ['alone'] });
    expect(nums(continueReading(lone, [note(1), note(3), note(2), lone], 2))).toEqual([3, 2]);
  });

  it('only suggests what it is given: a scheduled Note filtered out by the catalog never appears', () => {
    const catalog = new NoteCatalog([self, note(201, { tags: ['goals'], cites: [200], at: T0 + day }), note(199, { tags: ['goals'] })]);
    expect(nums(continueReading(self, catalog.visible('en', T0), 3))).toEqual([199]);
  });
});

describe('continueReading at scale', () => {
  it('ranks 5,000 Notes quickly enough to run on every Note page', () => {
    const tags = ['goals', 'rhythm', 'focus', 'teams', 'planning', 'strategy', 'review', 'okrs'];
    const notes = Array.from({ length: 5000 }, (_, i) => note(i + 1, { tags: [tags[i % 8]!, tags[(i * 3) % 8]!], cites: [Math.max(1, i - 3)], at: T0 - (5000 - i) * day }));
    continueReading(notes[0]!, notes, 3);
    const started = performance.now();
    for (let i = 0; i < 50; i++) continueReading(notes[i * 97]!, notes, 3);
    // Measured ~7 ms per page on the shared 2-core machine; the budget leaves room for heavy load.
    expect((performance.now() - started) / 50).toBeLessThan(100);
  });
});

describe('topicCounterparts', () => {
  const it_ = (number: number, tags: string[]): NoteMeta => ({ ...note(number, { tags }), id: `it/${number}-n`, lang: 'it' });
  const en = (number: number, tags: string[]) => note(number, { tags });

  it('pairs a topic with the tag at the same place in its translations, both ways, and a slug both languages share with itself', () => {
    const byLang = new Map([
      ['en', [en(3, ['goals', 'focus']), en(2, ['goals', 'teams']), en(1, ['okrs', 'teams']), en(0, ['only-en'])]],
      ['it', [it_(3, ['obiettivi', 'focus']), it_(2, ['obiettivi', 'team']), it_(1, ['okr', 'team'])]],
    ]);
    const c = topicCounterparts(byLang);
    expect(c.get('en/goals')).toEqual([{ lang: 'it', slug: 'obiettivi' }]);
    expect(c.get('it/obiettivi')).toEqual([{ lang: 'en', slug: 'goals' }]);
    expect(c.get('en/focus')).toEqual([{ lang: 'it', slug: 'focus' }]);
    expect(c.get('it/team')).toEqual([{ lang: 'en', slug: 'teams' }]);
    expect(c.get('en/okrs')).toEqual([{ lang: 'it', slug: 'okr' }]);
    // Nothing to point to: a topic of one language only.
    expect(c.get('en/only-en')).toBeUndefined();
  });

  it('pairs nothing on a split vote, and never through a Note the reader may not see', () => {
    const split = new Map([
      ['en', [en(2, ['goals']), en(1, ['goals'])]],
      ['it', [it_(2, ['obiettivi']), it_(1, ['mete'])]],
    ]);
    expect(topicCounterparts(split).get('en/goals')).toBeUndefined();
    // The Italian Note 1 is not visible yet: its tag is no topic, so "goals" has no counterpart.
    const hidden = new Map([
      ['en', [en(1, ['goals'])]],
      ['it', [] as NoteMeta[]],
    ]);
    expect(topicCounterparts(hidden).size).toBe(0);
  });
});
